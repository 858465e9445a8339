// Helpers shared by the join and rearrange families (src/ops/join.cpp,
// src/ops/rearrange.cpp): axis checks with NumPy's words, and reference kernels that
// move elements by one index map per axis (pad, repeat, roll) or sum them back (their
// gradients).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/op.hpp"
#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::detail {

// The axis in [0, nd) that `axis` names; ValueError "axis 3 is out of bounds for array
// of dimension 2" otherwise (NumPy's AxisError is a ValueError too).
int axis_in(std::int64_t axis, int nd);

// A builder's own error: "file.cpp:12: op: message".
[[noreturn]] void builder_error(ErrorKind kind, SourceLocation where, const char* op, const std::string& message);

// Runs f, prefixing a UserError it throws with the user's line and op.
template <class F>
auto checked_at(SourceLocation where, const char* op, F&& f) {
  try {
    return f();
  } catch (const UserError& e) {
    builder_error(e.kind(), where, op, e.what());
  }
}

// One map per axis from an index of the result to an index of the source; -1 means
// "no source" (a constant fill for gather, nothing for scatter). An empty map is the
// identity.
using AxisMap = std::vector<std::int64_t>;

// result[i0, i1, ...] = x[maps[0][i0], maps[1][i1], ...], or `fill` (a 0-d array of x's
// dtype) where a map says -1. out_shape[k] is maps[k].size() for non-empty maps.
Array gather_axes(const Array& x, const std::vector<AxisMap>& maps, const Shape& out_shape,
                  const Array* fill = nullptr);

// The adjoint of gather_axes: zeros of out_shape in g's dtype, then
// result[maps[0][i0], ...] += g[i0, ...] for every element of g (skipping -1). maps[k]
// has g.shape()[k] entries when not empty. Integers wrap; bools OR.
Array scatter_add_axes(const Array& g, const std::vector<AxisMap>& maps, const Shape& out_shape);


}  // namespace hypatia::detail
