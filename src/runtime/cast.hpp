// Value conversion between dtypes, defined for every input (C++ leaves float-to-int
// overflow undefined; we do not). The rules, as NumPy's on x86-64:
// - integer to integer wraps modulo 2^bits; anything to bool is "!= 0" (NaN is true);
// - float to integer truncates toward zero; NaN, ±inf and values outside int64 give
//   INT64_MIN first, and the result then wraps to the target like an integer.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "hypatia/array.hpp"

namespace hypatia::detail {

template <class To, class From>
To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<To>) {
    return static_cast<To>(v);
  } else if constexpr (std::is_floating_point_v<From>) {
    // To is an integer.
    constexpr double kTwo63 = 9223372036854775808.0;
    if constexpr (std::is_same_v<To, std::uint64_t>) {
      if (v >= From(kTwo63) && v < From(2 * kTwo63)) return static_cast<std::uint64_t>(v);
    }
    std::int64_t wide;
    if (std::isnan(v) || !(v >= From(-kTwo63) && v < From(kTwo63))) {
      wide = std::numeric_limits<std::int64_t>::min();
    } else {
      wide = static_cast<std::int64_t>(v);
    }
    return static_cast<To>(wide);  // modular since C++20
  } else {
    return static_cast<To>(v);  // integer or bool to integer: modular
  }
}

// Copies the elements of `src` into `dst` (same shape), converting the dtype.
void copy_elements(const Array& src, Array& dst);

}  // namespace hypatia::detail
