// Value conversion between dtypes, defined for every input (C++ leaves float-to-int
// overflow undefined; we do not): NumPy's rules on x86-64, written once as
// scalar_math::cast in runtime/scalar_math.hpp (shared with the CPU backend's generated
// code). The tests check them against NumPy's own results.
#pragma once

#include "hypatia/array.hpp"
#include "runtime/scalar_math.hpp"

namespace hypatia::detail {

template <class To, class From>
To convert(From v) {
  return scalar_math::cast<To, From>(v);
}

// Copies the elements of `src` into `dst` (same shape), converting the dtype.
void copy_elements(const Array& src, Array& dst);

}  // namespace hypatia::detail
