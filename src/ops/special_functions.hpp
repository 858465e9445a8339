// Scalar special functions that the C++ standard library lacks or computes unstably:
// sigmoid, softplus, erfcx, erfinv, digamma and NumPy's round-half-to-even.
//
// Pure, header-only templates over float and double, with no dependence on the rest
// of Hypatia, so that the reference kernels and (later) the CPU backend's runtime
// header share one definition. The float versions of erfcx, erfinv and digamma
// evaluate in double and round once: cheap, and correct to the last float bit.
//
// Edge values follow SciPy (scipy.special) where NumPy has no such function.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>

namespace hypatia::detail {

// 1 / (1 + exp(-x)), with exp only ever of a non-positive argument: no overflow, and
// tiny results for very negative x are kept rather than rounded against 1.
template <class T>
T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);  // NaN lands here and propagates
  return e / (T(1) + e);
}

// log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): no overflow for large x, and
// log1p keeps softplus(x) ~ exp(x) for very negative x.
template <class T>
T softplus(T x) {
  if (x > T(0)) return x + std::log1p(std::exp(-x));
  return std::log1p(std::exp(x));  // NaN lands here and propagates
}

// Half-way cases to the even neighbour (NumPy's round / rint), independent of the
// floating-point environment's rounding mode.
template <class T>
T round_half_even(T x) {
  const T r = std::round(x);  // half away from zero
  if (std::abs(x - r) == T(0.5)) return T(2) * std::round(x * T(0.5));
  return r;
}

namespace special {

// exp(x^2) without the error of rounding x^2 first (that error, times x^2 ~ 700,
// would cost ~2^-43 relative): x^2 = p + e exactly, exp(p + e) ~ exp(p) * (1 + e).
inline double exp_of_square(double x) {
  const double p = x * x;
  if (std::isinf(p)) return p;  // the correction would be inf - inf
  const double e = std::fma(x, x, -p);
  return std::exp(p) * (1.0 + e);
}

inline double erfcx(double x) {
  // Below 26 both factors are normal numbers and libm's erfc is accurate to the last
  // bits, also for negative x (erfc -> 2), where exp overflows only when the true
  // value does. Beyond, erfc underflows: use the continued fraction
  //   erfcx(x) = (1/sqrt(pi)) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))
  // which at x >= 26 has converged to double precision well within 20 terms.
  if (!(x >= 26.0)) return exp_of_square(x) * std::erfc(x);  // NaN too
  if (std::isinf(x)) return 0.0;
  double tail = x;
  for (int k = 20; k >= 1; --k) tail = x + (0.5 * k) / tail;
  return std::numbers::inv_sqrtpi / tail;
}

inline double erfinv(double x) {
  if (std::isnan(x) || std::abs(x) > 1.0) return std::numeric_limits<double>::quiet_NaN();
  if (std::abs(x) == 1.0) return std::copysign(std::numeric_limits<double>::infinity(), x);
  if (x == 0.0) return x;  // keeps the sign of zero
  const double a = std::abs(x);
  const bool upper = a > 0.5;
  const double q = 1.0 - a;  // exact for a > 0.5 (Sterbenz)
  // Giles' single-precision approximation as the starting point: ~1e-7 relative for
  // w = -log(1 - a^2) up to the float range (w < 16.6), rougher beyond.
  double w = upper ? -std::log(q * (1.0 + a)) : -std::log1p(-a * a);
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
    const double t = -std::log(q);
    y = std::sqrt(t - 0.5 * std::log(std::numbers::pi * t));
  } else {
    w = std::sqrt(w) - 3.0;
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
    const double slope = 2.0 * std::numbers::inv_sqrtpi * std::exp(-y * y);  // erf'(y)
    const double u = upper ? (q - std::erfc(y)) / slope : (std::erf(y) - a) / slope;
    const double delta = u / (1.0 + y * u);
    y -= delta;
    if (std::abs(delta) <= 1e-17 * y) break;
  }
  return std::copysign(y, x);
}

inline double digamma(double x) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (std::isnan(x)) return x;
  if (x == 0.0) return std::copysign(kInf, -x);  // SciPy: psi(+0) = -inf, psi(-0) = +inf
  if (x == kInf) return kInf;
  double result = 0.0;
  if (x < 0.0) {
    if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();  // poles, -inf
    // Reflection: psi(x) = psi(1 - x) - pi / tan(pi x). The period of tan is 1, so
    // reduce x exactly to f in [-1/2, 1/2] first: pi * x itself would lose digits.
    const double f = x - std::round(x);
    result = -std::numbers::pi / std::tan(std::numbers::pi * f);
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
  return result + std::log(x) - 0.5 / x - series;
}

}  // namespace special

// exp(x^2) * erfc(x), accurate for large x (erfcx(1e5) ~ 5.64e-6) and overflowing
// for negative x only where the true value does.
template <class T>
T erfcx(T x) {
  return static_cast<T>(special::erfcx(static_cast<double>(x)));
}

// The inverse of erf on [-1, 1]: erfinv(+-1) = +-inf, NaN outside.
template <class T>
T erfinv(T x) {
  return static_cast<T>(special::erfinv(static_cast<double>(x)));
}

// psi(x) = d/dx log gamma(x). At the poles SciPy's values: psi(+-0) = -+inf, NaN at
// the negative integers and at -inf.
template <class T>
T digamma(T x) {
  return static_cast<T>(special::digamma(static_cast<double>(x)));
}

}  // namespace hypatia::detail
