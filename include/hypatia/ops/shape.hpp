// Shape operations (src/ops/shape.cpp): they move or reinterpret elements and never
// compute. Where NumPy returns a view, so do these (their aliasing facts say so).
// Symbolic sizes are int64 scalars: `shape(x, 0)` is one, and a C++ integer works
// wherever a size is expected.
#pragma once

#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

// Theano's 'x' in a dimshuffle pattern: a new broadcastable axis.
inline constexpr std::int64_t newaxis = -1;

// Theano's dimshuffle: e.g. {1, newaxis, 0}. A dropped axis must be known to be 1.
Variable dimshuffle(const Operand& x, const std::vector<std::int64_t>& pattern);
Variable transpose(const Operand& x, std::vector<std::int64_t> axes = {});  // {} reverses
// Sizes may be symbolic; one may be -1 (inferred).
Variable reshape(const Operand& x, const std::vector<Operand>& shape);
// Keeps the first ndim-1 axes and flattens the rest into the last (Theano's flatten).
Variable flatten(const Operand& x, std::int64_t ndim = 1);
// Removes the given axes (which must have size 1), or every axis known to be 1.
Variable squeeze(const Operand& x, std::vector<std::int64_t> axes = {});
Variable expand_dims(const Operand& x, std::int64_t axis);
Variable shape_padleft(const Operand& x, std::int64_t n = 1);
Variable shape_padright(const Operand& x, std::int64_t n = 1);
Variable broadcast_to(const Operand& x, const std::vector<Operand>& shape);
// The shape as an int64 vector, and one size as an int64 scalar.
Variable shape(const Operand& x);
Variable shape(const Operand& x, std::int64_t axis);
// Asserts the shape (kUnknownDim leaves a size free): static shape from here on, and
// a ShapeError at run time if the value disagrees.
Variable specify_shape(const Operand& x, const Shape& shape);

}  // namespace hypatia
