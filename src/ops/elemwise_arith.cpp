// Elementwise arithmetic: add, sub, mul, true_div, floor_div, mod, pow, neg, abs,
// sign, reciprocal, sqr, maximum, minimum, clip.
//
// Integer arithmetic wraps modulo 2^bits as NumPy's does; it is computed in the
// unsigned type of the same width, since signed overflow is undefined in C++.
#include <cmath>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"

namespace hypatia {
namespace {

using detail::ElemwiseSpec;
using detail::ResultDType;

template <class T>
T wrapping_add(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

template <class T>
T wrapping_mul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // Promote to at least unsigned int so that uint16 * uint16 is not an int overflow.
    using U = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

}  // namespace

void register_elemwise_arith_ops(OpRegistry& r) {
  // add(a, b) = a + b; on bool it is logical or, as in NumPy.
  define_elemwise(r, ElemwiseSpec{"add", "Sum of a and b, elementwise.", kCommutative | kAssociative | kLinear,
                                  ScalarPrim::add, ResultDType::promote,
                                  detail::numeric_kernel<2>([](auto a, auto b) {
                                    if constexpr (std::is_same_v<decltype(a), bool>) {
                                      return a || b;
                                    } else {
                                      return wrapping_add(a, b);
                                    }
                                  })});
  // mul(a, b) = a * b; on bool it is logical and, as in NumPy.
  define_elemwise(r, ElemwiseSpec{"mul", "Product of a and b, elementwise.", kCommutative | kAssociative,
                                  ScalarPrim::mul, ResultDType::promote,
                                  detail::numeric_kernel<2>([](auto a, auto b) {
                                    if constexpr (std::is_same_v<decltype(a), bool>) {
                                      return a && b;
                                    } else {
                                      return wrapping_mul(a, b);
                                    }
                                  })});
}

Variable add(const Operand& a, const Operand& b) { return detail::elemwise("add", {&a, &b}); }
Variable mul(const Operand& a, const Operand& b) { return detail::elemwise("mul", {&a, &b}); }

Variable operator+(const Operand& a, const Operand& b) { return add(a, b); }
Variable operator*(const Operand& a, const Operand& b) { return mul(a, b); }

}  // namespace hypatia
