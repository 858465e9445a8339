// Sorting, searching and cumulative ops (src/ops/sort.cpp, src/ops/cumulative.cpp),
// with NumPy's semantics. `axis` absent means the flattened array; negative counts
// from the end. NaN sorts last, as in NumPy. Sorts are stable, so equal elements keep
// their order and argsort's result is the same on every backend.
#pragma once

#include <optional>
#include <string>

#include "hypatia/graph.hpp"

namespace hypatia {

// numpy.sort / numpy.argsort (argsort gives int64).
Variable sort(const Operand& x, std::optional<std::int64_t> axis = -1);
Variable argsort(const Operand& x, std::optional<std::int64_t> axis = -1);
// Theano's topk / argtopk along axis: k > 0 gives the k largest in descending order,
// k < 0 the |k| smallest in ascending order; k = 0 or |k| > size is a ValueError.
// NaN counts as the largest value; equal elements keep the lower index first.
Variable topk(const Operand& x, std::int64_t k, std::int64_t axis = -1);
Variable argtopk(const Operand& x, std::int64_t k, std::int64_t axis = -1);
// numpy.searchsorted: where each element of v would go in the sorted 1-D array a;
// side "left" or "right". int64 result of v's shape.
Variable searchsorted(const Operand& a, const Operand& v, const std::string& side = "left");
// numpy.take_along_axis: the elements of x at `indices` (same rank as x, broadcasting
// against it except along axis) along axis. Out-of-bounds is an IndexError.
Variable take_along_axis(const Operand& x, const Operand& indices, std::int64_t axis);
// x with y added at `indices` along axis (numpy.put_along_axis with accumulation over
// repeated indices): the gradient of take_along_axis. The result has x's dtype (y is
// converted to it; integers wrap, bool adds as logical or); y broadcasts to the shape
// take_along_axis(x, indices, axis) would have.
Variable inc_along_axis(const Operand& x, const Operand& indices, const Operand& y, std::int64_t axis);

// numpy.cumsum / numpy.cumprod (dtypes as numpy.sum / numpy.prod).
Variable cumsum(const Operand& x, std::optional<std::int64_t> axis = std::nullopt);
Variable cumprod(const Operand& x, std::optional<std::int64_t> axis = std::nullopt);

}  // namespace hypatia
