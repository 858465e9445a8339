// Helpers shared by the sort and cumulative families: walking several strided views of
// one shape at once, NumPy's NaN-last order, and the public functions' axis checks.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"
#include "ops/kernel_util.hpp"

namespace hypatia::detail {

// Calls f(offsets) for every position of `shape` in C order, where offsets[k] is the
// byte offset of that position in view k (strides[k], one stride per dimension).
template <std::size_t K, class F>
void walk_offsets(const Shape& shape, const std::array<Strides, K>& strides, F&& f) {
  const std::int64_t total = shape_size(shape);
  if (total == 0) return;
  std::vector<std::int64_t> index(shape.size(), 0);
  std::array<std::int64_t, K> offsets{};
  for (std::int64_t i = 0; i < total; ++i) {
    f(offsets);
    for (std::size_t d = shape.size(); d-- > 0;) {
      for (std::size_t k = 0; k < K; ++k) offsets[k] += strides[k][d];
      if (++index[d] < shape[d]) break;
      for (std::size_t k = 0; k < K; ++k) offsets[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}

// `shape` with axis `axis` set to `n` (the starts of the lines along an axis are the
// positions of `shape` with that axis set to 1).
inline Shape with_size(Shape shape, int axis, std::int64_t n) {
  shape[static_cast<std::size_t>(axis)] = n;
  return shape;
}

// NumPy's sort order: NaN after everything, NaNs equal to each other.
template <class T>
bool nan_last_less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a < b || (std::isnan(b) && !std::isnan(a));
  } else {
    return a < b;
  }
}

// The axis the user named, normalized for a rank-ndim operand; an IndexError naming
// the user's line and `op` otherwise.
inline int user_axis(const Operand& x, const char* op, std::int64_t axis, int ndim) {
  try {
    return normalize_axis(axis, ndim);
  } catch (const UserError& e) {
    throw_user_error(e.kind(), format_location(x.where()) + ": " + op + ": " + e.what());
  }
}

}  // namespace hypatia::detail
