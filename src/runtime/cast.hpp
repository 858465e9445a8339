// Value conversion between dtypes, defined for every input (C++ leaves float-to-int
// overflow undefined; we do not). The rules are NumPy's on x86-64, where the hardware
// conversion instructions give the "integer indefinite" value for NaN and out-of-range:
// - integer to integer wraps modulo 2^bits; anything to bool is "!= 0" (NaN is true);
// - float to int8, int16, int32, uint8, uint16: truncate through int32; NaN, ±inf and
//   values outside int32 give INT32_MIN, which then wraps to the target;
// - float to int64: the same through int64 (INT64_MIN);
// - float to uint32: NaN and negative values through int32, the others through int64;
// - float to uint64: values in [2^63, 2^64) convert exactly, values at or above 2^64
//   give 0, everything else goes through int64 as above.
// The tests check these against NumPy's own results.
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
    // To is an integer. `Wide` is the register the hardware converts through.
    using Wide = std::conditional_t<(sizeof(To) < 4 || std::is_same_v<To, std::int32_t>), std::int32_t, std::int64_t>;
    constexpr double kWideLimit = static_cast<double>(std::numeric_limits<Wide>::max()) + 1.0;  // 2^31 or 2^63
    if constexpr (std::is_same_v<To, std::uint32_t>) {
      if (std::isnan(v) || v < From(0)) return static_cast<To>(convert<std::int32_t>(v));
    }
    if constexpr (std::is_same_v<To, std::uint64_t>) {
      if (v >= From(kWideLimit)) return v < From(2 * kWideLimit) ? static_cast<std::uint64_t>(v) : 0;
    }
    if (std::isnan(v) || !(v >= From(-kWideLimit) && v < From(kWideLimit))) {
      return static_cast<To>(std::numeric_limits<Wide>::min());
    }
    return static_cast<To>(static_cast<Wide>(v));  // modular since C++20
  } else {
    return static_cast<To>(v);  // integer or bool to integer: modular
  }
}

// Copies the elements of `src` into `dst` (same shape), converting the dtype.
void copy_elements(const Array& src, Array& dst);

}  // namespace hypatia::detail
