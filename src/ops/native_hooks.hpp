// What the cpu backend's native kernels (src/backend/cpu/native_*.cpp) take from the
// op families' own code, so that they build the same index maps and selections with
// the same checks (and so raise where the reference kernels raise).
#pragma once

#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"
#include "ops/join_util.hpp"

namespace hypatia::detail {

// src/ops/rearrange.cpp: pad's map of every axis of x's `shape` (attributes mode and
// widths), and repeat's count per element of an axis of n; ValueError as the kernels.
std::vector<AxisMap> pad_axis_maps(const Attrs& attrs, const Shape& shape);
std::vector<std::int64_t> repeat_axis_counts(const Array& repeats, std::int64_t n);

// src/ops/subtensor.cpp: the view of x that subtensor's `items` and run-time `bounds`
// select; IndexError as subtensor's kernel.
Array subtensor_select(const Array& x, const std::vector<std::int64_t>& items, std::span<const Array> bounds);

// src/ops/rearrange.cpp (diff and its gradient): b - a, wrapping for integers;
// "differs" for bools (NumPy's diff uses not_equal).
template <class T>
T difference(T b, T a) {
  if constexpr (std::is_same_v<T, bool>) {
    return b != a;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(b) - static_cast<U>(a)));
  } else {
    return b - a;
  }
}

}  // namespace hypatia::detail
