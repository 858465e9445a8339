// Helpers shared by the gradient drivers (src/grad/) and the ops' rules (src/ops/).
#pragma once

#include <vector>

#include "graph/op.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/source_location.hpp"

namespace hypatia::detail {

// Sums a gradient `g` of a broadcast result back to the shape of `like` (the input
// that was broadcast): over g's leading extra axes and over every axis where `like`
// has size 1 and g has not. Axes that static shapes decide are summed with `sum`;
// where a size of `like` is unknown statically (it may be 1 at run time while g's is
// not) the rest is a `sum_to` node, which decides at run time. Returns g itself when
// nothing needs summing. g must be a float array of at least like's rank.
Variable unbroadcast(const Variable& g, const Variable& like, SourceLocation where);

// The `sum_to` op (src/ops/grad_ops.cpp): g summed to the shape `sizes` (int64
// scalars), over g's leading extra axes and over axes where the size is 1 and g's is
// not. A ShapeError at run time when g does not broadcast to sizes in reverse.
Variable sum_to(const Variable& g, const SymShape& sizes, SourceLocation where);

// Whether gradients flow into values of this dtype (floats only: integers and bool
// take zero gradients).
bool carries_gradient(DType t);

}  // namespace hypatia::detail
