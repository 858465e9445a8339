// Hypatia: symbolic expression graphs over n-dimensional arrays, compiled into
// functions. This header includes the whole C++ API.
#pragma once

#include "hypatia/array.hpp"
#include "hypatia/dtype.hpp"
#include "hypatia/error.hpp"
#include "hypatia/function.hpp"
#include "hypatia/shared.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/rewrite.hpp"
#include "hypatia/ops/blas.hpp"
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/index.hpp"
#include "hypatia/ops/join.hpp"
#include "hypatia/ops/matrix.hpp"
#include "hypatia/ops/nnet.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "hypatia/ops/sort.hpp"
#include "hypatia/optim.hpp"
