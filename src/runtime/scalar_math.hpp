// The scalar semantics of every kernel-IR primitive (src/graph/scalar_prims.hpp),
// defined once: the reference kernels (src/ops) call these functions, and the CPU
// backend's generated code embeds this header's text and calls the same ones. So it
// is self-contained: standard headers only, no Hypatia type, usable from any
// namespace (call it qualified: `hypatia::scalar::exp(x)`; unqualified calls could
// meet the C library's ::exp). One function per primitive, named as the primitive,
// all operands of one compute type T (bool, std::int8_t..std::int64_t,
// std::uint8_t..std::uint64_t, float, double); `select`'s condition is bool, the
// comparisons and predicates return bool, `cast<To>(x)` converts.
//
// The semantics are NumPy's:
// - integer arithmetic wraps modulo 2^bits (computed in the unsigned type: no signed
//   overflow); integer floor_div, mod and reciprocal by zero give 0; INT_MIN // -1
//   wraps to INT_MIN; abs(INT_MIN) and -INT_MIN are INT_MIN;
// - maximum, minimum and clip propagate NaN from either operand; maximum(-0.0, 0.0)
//   is the second operand (a > b ? a : b);
// - float floor_div and mod are NumPy's divmod (mod takes the divisor's sign);
// - integer pow by repeated squaring, wrapping. A negative integer exponent is an
//   error in NumPy: the reference kernel raises ValueError before calling pow, and a
//   backend must check it the same way; pow itself gives trunc(a^b) there (1 and -1
//   powers, 0 otherwise, also for a == 0), so that it never loops or traps;
// - round_half_even is independent of the floating-point rounding mode;
// - cast: NumPy's conversions on x86-64, defined for NaN, inf and out of range (see
//   cast below); anything to bool is `!= 0`, so NaN is true;
// - the functions NumPy lacks (erfcx, erfinv, digamma, trigamma, gammaln's sign
//   handling) follow scipy.special's values at their edges.
// Nothing throws, sets errno on purpose, or reads global state (gammaln uses the
// reentrant lgamma_r where glibc has it: std::lgamma writes the global signgam).
// Do not compile with -ffast-math: isnan and the NaN rules depend on IEEE semantics.
//
// The compute type T a kernel must use, per group (the reference kernels' rule):
// - add, mul, maximum, minimum, clip, abs, select's branches, ceil, floor, trunc,
//   bitwise_*, invert: the output dtype (NumPy promotion of the inputs, every dtype;
//   bool: add is or, mul is and, maximum is or, minimum is and, abs is identity;
//   bitwise ops take bool and integers only).
// - sub, neg, sign: the output dtype; never bool (a TypeError at graph build).
// - floor_div, mod, pow, reciprocal, sqr: the output dtype, which is int8 for bool
//   inputs (NumPy's int8 loop); never called on bool.
// - true_div, arctan2, sqrt .. trigamma (every float function): the output dtype,
//   float or double; integer and bool inputs are converted to it first (cast).
// - round_half_even, round_half_away: the output dtype; integers pass through
//   unchanged, bool inputs give float32 (convert first).
// - lt, gt, le, ge, eq, neq: the promoted input dtype, except a signed integer against
//   uint64 (which NumPy promotes to float64): call them with the int64 and uint64
//   values as they are, which compares exactly by value (mixed integer types are
//   allowed here and only here).
// - logical_and/or/xor/not: any dtype (their truth value, x != 0: NaN is true); the
//   reference converts every input to bool first, which gives the same result.
// - isnan, isinf, isfinite: the input's dtype (false, false, true for non-floats).
// - cast<To, From>: From the input dtype, To the output dtype.
#pragma once

#include <cstdint>
#include <type_traits>

// <cmath> costs ~250 ms of every compile of a generated module (C++17's special
// functions come with it); the compiler builtins below call the same libm functions
// that std:: calls, without it. lgamma_r has no builtin in clang: declare it as glibc
// does (noexcept in C++), which agrees with math.h when both are seen.
#if defined(__GLIBC__)
extern "C" double lgamma_r(double, int*) noexcept;
extern "C" float lgammaf_r(float, int*) noexcept;
#endif

namespace hypatia::scalar {
namespace impl {

template <class T>
concept Float = std::is_same_v<T, float> || std::is_same_v<T, double>;
template <class T>
concept Int = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <class T>
concept NotBool = !std::is_same_v<T, bool>;
template <class T>
concept IntOrBool = std::is_integral_v<T>;

// The unsigned type integer T wraps in: at least unsigned int, so that narrow types
// are not promoted to (signed) int and overflow there.
template <class T>
using Wrap = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;

// float and double overloads of libm functions, as std:: has them.
#define HYPATIA_SCALAR_LIBM1(name)                                       \
  inline float name(float x) { return __builtin_##name##f(x); }          \
  inline double name(double x) { return __builtin_##name(x); }
#define HYPATIA_SCALAR_LIBM2(name)                                       \
  inline float name(float x, float y) { return __builtin_##name##f(x, y); } \
  inline double name(double x, double y) { return __builtin_##name(x, y); }
HYPATIA_SCALAR_LIBM1(sqrt) HYPATIA_SCALAR_LIBM1(cbrt) HYPATIA_SCALAR_LIBM1(exp) HYPATIA_SCALAR_LIBM1(exp2)
HYPATIA_SCALAR_LIBM1(expm1) HYPATIA_SCALAR_LIBM1(log) HYPATIA_SCALAR_LIBM1(log2) HYPATIA_SCALAR_LIBM1(log10)
HYPATIA_SCALAR_LIBM1(log1p) HYPATIA_SCALAR_LIBM1(sin) HYPATIA_SCALAR_LIBM1(cos) HYPATIA_SCALAR_LIBM1(tan)
HYPATIA_SCALAR_LIBM1(asin) HYPATIA_SCALAR_LIBM1(acos) HYPATIA_SCALAR_LIBM1(atan) HYPATIA_SCALAR_LIBM1(sinh)
HYPATIA_SCALAR_LIBM1(cosh) HYPATIA_SCALAR_LIBM1(tanh) HYPATIA_SCALAR_LIBM1(asinh) HYPATIA_SCALAR_LIBM1(acosh)
HYPATIA_SCALAR_LIBM1(atanh) HYPATIA_SCALAR_LIBM1(erf) HYPATIA_SCALAR_LIBM1(erfc) HYPATIA_SCALAR_LIBM1(tgamma)
HYPATIA_SCALAR_LIBM1(lgamma) HYPATIA_SCALAR_LIBM1(ceil) HYPATIA_SCALAR_LIBM1(floor) HYPATIA_SCALAR_LIBM1(trunc)
HYPATIA_SCALAR_LIBM1(round) HYPATIA_SCALAR_LIBM1(fabs)
HYPATIA_SCALAR_LIBM2(atan2) HYPATIA_SCALAR_LIBM2(pow) HYPATIA_SCALAR_LIBM2(fmod) HYPATIA_SCALAR_LIBM2(copysign)
#undef HYPATIA_SCALAR_LIBM1
#undef HYPATIA_SCALAR_LIBM2

template <class T>
inline bool is_nan(T x) {
  if constexpr (Float<T>) {
    return __builtin_isnan(x);
  } else {
    return false;
  }
}

constexpr double kInf = __builtin_inf();
constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kInvSqrtPi = 0.564189583547756286948079451560772586;  // 1 / sqrt(pi)

template <class T>
inline T wrapping_add(T a, T b) {
  return static_cast<T>(static_cast<Wrap<T>>(static_cast<Wrap<T>>(a) + static_cast<Wrap<T>>(b)));
}
template <class T>
inline T wrapping_sub(T a, T b) {
  return static_cast<T>(static_cast<Wrap<T>>(static_cast<Wrap<T>>(a) - static_cast<Wrap<T>>(b)));
}
template <class T>
inline T wrapping_mul(T a, T b) {
  return static_cast<T>(static_cast<Wrap<T>>(static_cast<Wrap<T>>(a) * static_cast<Wrap<T>>(b)));
}

// a < b by value for integers of any signedness (std::cmp_less without <utility>).
template <class A, class B>
inline bool less(A a, B b) {
  if constexpr (std::is_signed_v<A> == std::is_signed_v<B>) {
    return a < b;
  } else if constexpr (std::is_signed_v<A>) {
    return a < 0 || static_cast<std::make_unsigned_t<A>>(a) < b;
  } else {
    return b >= 0 && a < static_cast<std::make_unsigned_t<B>>(b);
  }
}
template <class A, class B>
inline bool equal(A a, B b) {
  if constexpr (std::is_signed_v<A> == std::is_signed_v<B>) {
    return a == b;
  } else if constexpr (std::is_signed_v<A>) {
    return a >= 0 && static_cast<std::make_unsigned_t<A>>(a) == b;
  } else {
    return b >= 0 && a == static_cast<std::make_unsigned_t<B>>(b);
  }
}

// Operands of a comparison: one type, or two integer types (compared by value).
template <class A, class B>
concept Comparable = std::is_same_v<A, B> || (Int<A> && Int<B>);

// exp(x^2) without the error of rounding x^2 first (that error, times x^2 ~ 700,
// would cost ~2^-43 relative): x^2 = p + e exactly, exp(p + e) ~ exp(p) * (1 + e).
inline double exp_of_square(double x) {
  const double p = x * x;
  if (__builtin_isinf(p)) return p;  // the correction would be inf - inf
  const double e = __builtin_fma(x, x, -p);
  return exp(p) * (1.0 + e);
}

inline double erfcx(double x) {
  // Below 26 both factors are normal numbers and libm's erfc is accurate to the last
  // bits, also for negative x (erfc -> 2), where exp overflows only when the true
  // value does. Beyond, erfc underflows: use the continued fraction
  //   erfcx(x) = (1/sqrt(pi)) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))
  // which at x >= 26 has converged to double precision well within 20 terms.
  if (!(x >= 26.0)) return exp_of_square(x) * erfc(x);  // NaN too
  if (__builtin_isinf(x)) return 0.0;
  double tail = x;
  for (int k = 20; k >= 1; --k) tail = x + (0.5 * k) / tail;
  return kInvSqrtPi / tail;
}

inline double erfinv(double x) {
  if (__builtin_isnan(x) || fabs(x) > 1.0) return __builtin_nan("");
  if (fabs(x) == 1.0) return copysign(kInf, x);
  if (x == 0.0) return x;  // keeps the sign of zero
  const double a = fabs(x);
  const bool upper = a > 0.5;
  const double q = 1.0 - a;  // exact for a > 0.5 (Sterbenz)
  // Giles' single-precision approximation as the starting point: ~1e-7 relative for
  // w = -log(1 - a^2) up to the float range (w < 16.6), rougher beyond.
  double w = upper ? -log(q * (1.0 + a)) : -log1p(-a * a);
  double y;
  if (w < 5.0) {
    w -= 2.5;
    double p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    y = p * a;
  } else if (w > 16.0) {
    // Beyond float's range: invert erfc(y) ~ exp(-y^2) / (y sqrt(pi)) = q, ~1e-3 off.
    const double t = -log(q);
    y = sqrt(t - 0.5 * log(kPi * t));
  } else {
    w = sqrt(w) - 3.0;
    double p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
    y = p * a;
  }
  // Halley steps on erf(y) = a, cubically convergent: two take 1e-7 below 1e-16. Near 1 solve
  // erfc(y) = 1 - a instead, since erf(y) - a would cancel. With u = f / f', both
  // give y -= u / (1 + y u).
  for (int step = 0; step < 4; ++step) {
    const double slope = 2.0 * kInvSqrtPi * exp(-y * y);  // erf'(y)
    const double u = upper ? (q - erfc(y)) / slope : (erf(y) - a) / slope;
    const double delta = u / (1.0 + y * u);
    y -= delta;
    if (fabs(delta) <= 1e-17 * y) break;
  }
  return copysign(y, x);
}

inline double digamma(double x) {
  if (__builtin_isnan(x)) return x;
  if (x == 0.0) return copysign(kInf, -x);  // SciPy: psi(+0) = -inf, psi(-0) = +inf
  if (x == kInf) return kInf;
  double result = 0.0;
  if (x < 0.0) {
    if (x == floor(x)) return __builtin_nan("");  // poles, -inf
    // Reflection: psi(x) = psi(1 - x) - pi / tan(pi x). The period of tan is 1, so
    // reduce x exactly to f in [-1/2, 1/2] first: pi * x itself would lose digits.
    const double f = x - round(x);
    result = -kPi / tan(kPi * f);
    x = 1.0 - x;
  }
  // Recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic series
  // psi(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k), whose terms up to x^-14 leave
  // an error below 1e-17 there.
  while (x < 10.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double z = 1.0 / (x * x);
  const double series =
      z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return result + log(x) - 0.5 / x - series;
}

// psi'(x) at SciPy's values (polygamma(1, x)): +inf at the poles 0, -1, -2, ... and at
// -inf, 0 at +inf.
inline double trigamma(double x) {
  if (__builtin_isnan(x)) return x;
  if (x == kInf) return 0.0;
  if (x <= 0.0 && x == floor(x)) return kInf;  // -inf included
  double result = 0.0;
  if (x < 0.0) {
    // Reflection: psi'(x) = pi^2 / sin^2(pi x) - psi'(1 - x), with x reduced to
    // [-1/2, 1/2] first (sin^2 has period 1) so that pi * x loses no digits.
    const double s = sin(kPi * (x - round(x)));
    result = kPi * kPi / (s * s);
    return result - trigamma(1.0 - x);
  }
  // Recurrence psi'(x) = psi'(x + 1) + 1/x^2 up to x >= 10, then the asymptotic series
  // psi'(x) ~ 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1), whose terms up to x^-15 leave
  // an error below 1e-17 there.
  while (x < 10.0) {
    result += 1.0 / (x * x);
    x += 1.0;
  }
  const double z = 1.0 / (x * x);
  const double series =
      z *
      (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z * (1.0 / 30 - z * (5.0 / 66 - z * (691.0 / 2730 - z * 7.0 / 6))))));
  return result + (1.0 + 0.5 / x + series) / x;
}

}  // namespace impl

// ---- arithmetic

template <class T>
inline T add(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || b;
  } else if constexpr (impl::Int<T>) {
    return impl::wrapping_add(a, b);
  } else {
    return a + b;
  }
}

template <impl::NotBool T>
inline T sub(T a, T b) {
  if constexpr (impl::Int<T>) {
    return impl::wrapping_sub(a, b);
  } else {
    return a - b;
  }
}

template <class T>
inline T mul(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a && b;
  } else if constexpr (impl::Int<T>) {
    return impl::wrapping_mul(a, b);
  } else {
    return a * b;
  }
}

template <impl::Float T>
inline T true_div(T a, T b) {
  return a / b;
}

// Integers: rounds toward -inf; by zero gives 0; INT_MIN // -1 wraps. Floats: NumPy's
// divmod (npy_divmod): fmod, moved to the divisor's sign, and a quotient snapped to
// the nearest integer so that a == q * b + r as closely as can be.
template <impl::NotBool T>
inline T floor_div(T a, T b) {
  if constexpr (impl::Float<T>) {
    if (b == 0) return a / b;  // ±inf, or NaN for 0 / 0 and NaN / 0
    const T r = impl::fmod(a, b);
    T q = (a - r) / b;
    if (r != 0 && ((b < 0) != (r < 0))) q -= T(1);
    if (q != 0) {
      T f = impl::floor(q);
      if (q - f > T(0.5)) f += T(1);
      return f;
    }
    return impl::copysign(T(0), a / b);
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return impl::wrapping_sub(T(0), a);
      T q = static_cast<T>(a / b);
      if (static_cast<T>(a % b) != 0 && ((a < 0) != (b < 0))) --q;
      return q;
    } else {
      return static_cast<T>(a / b);
    }
  }
}

// The sign of the divisor; integers by zero give 0; floats by zero give NaN.
template <impl::NotBool T>
inline T mod(T a, T b) {
  if constexpr (impl::Float<T>) {
    T r = impl::fmod(a, b);  // NaN when b == 0
    if (b == 0) return r;
    if (r != 0) {
      if ((b < 0) != (r < 0)) r += b;  // -5 % inf == inf, as NumPy and Python
      return r;
    }
    return impl::copysign(T(0), b);
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;  // INT_MIN % -1 would trap
      T r = static_cast<T>(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);  // opposite signs: no overflow
      return r;
    } else {
      return static_cast<T>(a % b);
    }
  }
}

// Integers: by repeated squaring, wrapping; a negative exponent gives trunc(a^b) (the
// caller raises NumPy's error first, see the top comment).
template <impl::NotBool T>
inline T pow(T a, T b) {
  if constexpr (impl::Float<T>) {
    return impl::pow(a, b);
  } else {
    if constexpr (std::is_signed_v<T>) {
      if (b < 0) {
        if (a == T(1)) return T(1);
        if (a == T(-1)) return (b & 1) ? T(-1) : T(1);
        return T(0);
      }
    }
    impl::Wrap<T> result = 1;
    impl::Wrap<T> base = static_cast<impl::Wrap<T>>(a);
    auto e = static_cast<std::make_unsigned_t<T>>(b);
    while (e != 0) {
      if (e & 1u) result = static_cast<impl::Wrap<T>>(result * base);
      base = static_cast<impl::Wrap<T>>(base * base);
      e = static_cast<std::make_unsigned_t<T>>(e >> 1);
    }
    return static_cast<T>(result);
  }
}

// A NaN in either operand is the result; for bool, maximum is or and minimum is and.
template <class T>
inline T maximum(T a, T b) {
  if (impl::is_nan(a)) return a;
  return a > b ? a : b;  // b when b is NaN; maximum(-0.0, 0.0) == 0.0 as NumPy
}

template <class T>
inline T minimum(T a, T b) {
  if (impl::is_nan(a)) return a;
  return a < b ? a : b;
}

// The angle of the point (x, y); note the order: y first, as NumPy.
template <impl::Float T>
inline T arctan2(T y, T x) {
  return impl::atan2(y, x);
}

// -INT_MIN == INT_MIN.
template <impl::NotBool T>
inline T neg(T x) {
  if constexpr (impl::Int<T>) {
    return impl::wrapping_sub(T(0), x);
  } else {
    return -x;
  }
}

// abs(INT_MIN) == INT_MIN; bool and unsigned are unchanged.
template <class T>
inline T abs(T x) {
  if constexpr (impl::Float<T>) {
    return impl::fabs(x);
  } else if constexpr (std::is_signed_v<T>) {
    return x < 0 ? impl::wrapping_sub(T(0), x) : x;
  } else {
    return x;
  }
}

// -1, 0 or 1; sign(NaN) is NaN and sign(-0.0) is 0.0.
template <impl::NotBool T>
inline T sign(T x) {
  if constexpr (impl::Float<T>) {
    return x > 0 ? T(1) : x < 0 ? T(-1) : x == 0 ? T(0) : x;
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<T>(x > 0 ? 1 : x < 0 ? -1 : 0);
  } else {
    return static_cast<T>(x > 0 ? 1 : 0);
  }
}

// Integers give the truncated 1 / x: 1 and -1 are their own reciprocals, others 0,
// and 1 / 0 gives 0 like every integer division by zero.
template <impl::NotBool T>
inline T reciprocal(T x) {
  if constexpr (impl::Float<T>) {
    return T(1) / x;
  } else if constexpr (std::is_signed_v<T>) {
    return (x == T(1) || x == T(-1)) ? x : T(0);
  } else {
    return x == T(1) ? x : T(0);
  }
}

template <impl::NotBool T>
inline T sqr(T x) {
  return mul(x, x);
}

// ---- float functions (edge values of the C library, IEEE 754 / C99 Annex F)

#define HYPATIA_SCALAR_FLOAT1(name, libm_name) \
  template <impl::Float T>                    \
  inline T name(T x) {                        \
    return impl::libm_name(x);                \
  }
HYPATIA_SCALAR_FLOAT1(sqrt, sqrt)
HYPATIA_SCALAR_FLOAT1(cbrt, cbrt)
HYPATIA_SCALAR_FLOAT1(exp, exp)
HYPATIA_SCALAR_FLOAT1(exp2, exp2)
HYPATIA_SCALAR_FLOAT1(expm1, expm1)
HYPATIA_SCALAR_FLOAT1(log, log)
HYPATIA_SCALAR_FLOAT1(log2, log2)
HYPATIA_SCALAR_FLOAT1(log10, log10)
HYPATIA_SCALAR_FLOAT1(log1p, log1p)
HYPATIA_SCALAR_FLOAT1(sin, sin)
HYPATIA_SCALAR_FLOAT1(cos, cos)
HYPATIA_SCALAR_FLOAT1(tan, tan)
HYPATIA_SCALAR_FLOAT1(arcsin, asin)
HYPATIA_SCALAR_FLOAT1(arccos, acos)
HYPATIA_SCALAR_FLOAT1(arctan, atan)
HYPATIA_SCALAR_FLOAT1(sinh, sinh)
HYPATIA_SCALAR_FLOAT1(cosh, cosh)
HYPATIA_SCALAR_FLOAT1(tanh, tanh)
HYPATIA_SCALAR_FLOAT1(arcsinh, asinh)
HYPATIA_SCALAR_FLOAT1(arccosh, acosh)
HYPATIA_SCALAR_FLOAT1(arctanh, atanh)
HYPATIA_SCALAR_FLOAT1(erf, erf)
HYPATIA_SCALAR_FLOAT1(erfc, erfc)
HYPATIA_SCALAR_FLOAT1(gamma, tgamma)
#undef HYPATIA_SCALAR_FLOAT1

// 1 / (1 + exp(-x)), with exp only ever of a non-positive argument: no overflow, and
// tiny results for very negative x are kept rather than rounded against 1.
template <impl::Float T>
inline T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + impl::exp(-x));
  const T e = impl::exp(x);  // NaN lands here and propagates
  return e / (T(1) + e);
}

// log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): no overflow for large x, and
// log1p keeps softplus(x) ~ exp(x) for very negative x.
template <impl::Float T>
inline T softplus(T x) {
  if (x > T(0)) return x + impl::log1p(impl::exp(-x));
  return impl::log1p(impl::exp(x));  // NaN lands here and propagates
}

// The float versions of erfcx, erfinv, digamma and trigamma evaluate in double and
// round once: cheap, and correct to the last float bit.

// exp(x^2) * erfc(x), accurate for large x (erfcx(1e5) ~ 5.64e-6) and overflowing
// for negative x only where the true value does.
template <impl::Float T>
inline T erfcx(T x) {
  return static_cast<T>(impl::erfcx(static_cast<double>(x)));
}

// The inverse of erf on [-1, 1]: erfinv(+-1) = +-inf, NaN outside.
template <impl::Float T>
inline T erfinv(T x) {
  return static_cast<T>(impl::erfinv(static_cast<double>(x)));
}

// log|gamma(x)|: inf at the poles 0, -1, -2, ... and at +-inf.
template <impl::Float T>
inline T gammaln(T x) {
#if defined(__GLIBC__)
  int sign;
  if constexpr (std::is_same_v<T, float>) {
    return ::lgammaf_r(x, &sign);
  } else {
    return ::lgamma_r(x, &sign);
  }
#else
  return impl::lgamma(x);
#endif
}

// psi(x) = d/dx log gamma(x). At the poles SciPy's values: psi(+-0) = -+inf, NaN at
// the negative integers and at -inf.
template <impl::Float T>
inline T digamma(T x) {
  return static_cast<T>(impl::digamma(static_cast<double>(x)));
}

template <impl::Float T>
inline T trigamma(T x) {
  return static_cast<T>(impl::trigamma(static_cast<double>(x)));
}

// ---- rounding: integers and bool are already whole and pass through

template <class T>
inline T ceil(T x) {
  if constexpr (impl::Float<T>) {
    return impl::ceil(x);
  } else {
    return x;
  }
}

template <class T>
inline T floor(T x) {
  if constexpr (impl::Float<T>) {
    return impl::floor(x);
  } else {
    return x;
  }
}

template <class T>
inline T trunc(T x) {
  if constexpr (impl::Float<T>) {
    return impl::trunc(x);
  } else {
    return x;
  }
}

// Half-way cases to the even neighbour (NumPy's round / rint), independent of the
// floating-point environment's rounding mode.
template <class T>
inline T round_half_even(T x) {
  if constexpr (impl::Float<T>) {
    const T r = impl::round(x);  // half away from zero
    if (impl::fabs(x - r) == T(0.5)) return T(2) * impl::round(x * T(0.5));
    return r;
  } else {
    return x;
  }
}

template <class T>
inline T round_half_away(T x) {
  if constexpr (impl::Float<T>) {
    return impl::round(x);
  } else {
    return x;
  }
}

// ---- selection

// minimum(maximum(x, lo), hi): hi wins when lo > hi; a NaN anywhere propagates.
template <class T>
inline T clip(T x, T lo, T hi) {
  return minimum(maximum(x, lo), hi);
}

template <class T>
inline T select(bool c, T a, T b) {
  return c ? a : b;
}

// ---- comparisons: NaN compares unequal to everything, itself included

template <class A, class B>
  requires impl::Comparable<A, B>
inline bool lt(A a, B b) {
  if constexpr (impl::Int<A>) {
    return impl::less(a, b);
  } else {
    return a < b;
  }
}

template <class A, class B>
  requires impl::Comparable<A, B>
inline bool gt(A a, B b) {
  return lt(b, a);
}

template <class A, class B>
  requires impl::Comparable<A, B>
inline bool le(A a, B b) {
  if constexpr (impl::Int<A>) {
    return !impl::less(b, a);
  } else {
    return a <= b;  // not !(b < a): false for NaN
  }
}

template <class A, class B>
  requires impl::Comparable<A, B>
inline bool ge(A a, B b) {
  return le(b, a);
}

template <class A, class B>
  requires impl::Comparable<A, B>
inline bool eq(A a, B b) {
  if constexpr (impl::Int<A>) {
    return impl::equal(a, b);
  } else {
    return a == b;
  }
}

template <class A, class B>
  requires impl::Comparable<A, B>
inline bool neq(A a, B b) {
  return !eq(a, b);
}

// ---- logic: the truth value x != 0 of any dtype (NaN is true)

template <class T>
inline bool logical_and(T a, T b) {
  return a != T(0) && b != T(0);
}

template <class T>
inline bool logical_or(T a, T b) {
  return a != T(0) || b != T(0);
}

template <class T>
inline bool logical_xor(T a, T b) {
  return (a != T(0)) != (b != T(0));
}

template <class T>
inline bool logical_not(T x) {
  return x == T(0);
}

// ---- bits: bool and integers only; on bool they are logical

template <impl::IntOrBool T>
inline T bitwise_and(T a, T b) {
  return static_cast<T>(a & b);
}

template <impl::IntOrBool T>
inline T bitwise_or(T a, T b) {
  return static_cast<T>(a | b);
}

template <impl::IntOrBool T>
inline T bitwise_xor(T a, T b) {
  return static_cast<T>(a ^ b);
}

template <impl::IntOrBool T>
inline T invert(T x) {
  if constexpr (std::is_same_v<T, bool>) {
    return !x;
  } else {
    return static_cast<T>(~x);
  }
}

// ---- predicates: integers and bool are neither NaN nor infinite

template <class T>
inline bool isnan(T x) {
  return impl::is_nan(x);
}

template <class T>
inline bool isinf(T x) {
  if constexpr (impl::Float<T>) {
    return __builtin_isinf(x);
  } else {
    return false;
  }
}

template <class T>
inline bool isfinite(T x) {
  if constexpr (impl::Float<T>) {
    return __builtin_isfinite(x);
  } else {
    return true;
  }
}

// ---- conversion
//
// Defined for every input (C++ leaves float-to-int overflow undefined; we do not).
// The rules are NumPy's on x86-64, where the hardware conversion instructions give the
// "integer indefinite" value for NaN and out-of-range:
// - integer to integer wraps modulo 2^bits; anything to bool is "!= 0" (NaN is true);
// - float to int8, int16, int32, uint8, uint16: truncate through int32; NaN, ±inf and
//   values outside int32 give INT32_MIN, which then wraps to the target;
// - float to int64: the same through int64 (INT64_MIN);
// - float to uint32: NaN and negative values through int32, the others through int64;
// - float to uint64: values in [2^63, 2^64) convert exactly, values at or above 2^64
//   give 0, everything else goes through int64 as above;
// - to float: the nearest value (double to float: ±inf beyond float's range).
template <class To, class From>
inline To cast(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (impl::Float<To>) {
    return static_cast<To>(v);
  } else if constexpr (impl::Float<From>) {
    // To is an integer. `Wide` is the register the hardware converts through.
    using Wide = std::conditional_t<(sizeof(To) < 4 || std::is_same_v<To, std::int32_t>), std::int32_t, std::int64_t>;
    constexpr double kWideLimit = sizeof(Wide) == 4 ? 2147483648.0 : 9223372036854775808.0;  // 2^31 or 2^63
    constexpr Wide kWideMin = static_cast<Wide>(std::make_unsigned_t<Wide>(1) << (8 * sizeof(Wide) - 1));
    if constexpr (std::is_same_v<To, std::uint32_t>) {
      if (__builtin_isnan(v) || v < From(0)) return static_cast<To>(cast<std::int32_t>(v));
    }
    if constexpr (std::is_same_v<To, std::uint64_t>) {
      if (v >= From(kWideLimit)) return v < From(2 * kWideLimit) ? static_cast<std::uint64_t>(v) : 0;
    }
    if (__builtin_isnan(v) || !(v >= From(-kWideLimit) && v < From(kWideLimit))) {
      return static_cast<To>(kWideMin);
    }
    return static_cast<To>(static_cast<Wide>(v));  // modular since C++20
  } else {
    return static_cast<To>(v);  // integer or bool to integer: modular
  }
}

}  // namespace hypatia::scalar
