// Elementwise operations. Semantics, stated once for all of them:
// - Operands broadcast as in NumPy; a size mismatch is a ShapeError naming the shapes.
// - The result dtype is NumPy's promotion of the operands' dtypes, with C++ scalars
//   taking the dtype of the expression they meet (NumPy 2's rule for Python scalars).
// - Float-valued functions of integers compute in upcast_to_float(dtype) (Theano's rule).
// - Integer arithmetic wraps on overflow; integer division and modulo by zero give 0;
//   an integer raised to a negative integer power is a ValueError; all as in NumPy.
// - Floats follow IEEE 754: NaN propagates, overflow gives ±inf.
#pragma once

#include "hypatia/graph.hpp"

namespace hypatia {

// Arithmetic (src/ops/elemwise_arith.cpp).
Variable add(const Operand& a, const Operand& b);
Variable sub(const Operand& a, const Operand& b);
Variable mul(const Operand& a, const Operand& b);
Variable true_div(const Operand& a, const Operand& b);   // ints give float64, as NumPy's `/`
Variable floor_div(const Operand& a, const Operand& b);  // NumPy's `//`
Variable mod(const Operand& a, const Operand& b);        // sign of the divisor, as NumPy's `%`
Variable pow(const Operand& a, const Operand& b);
Variable neg(const Operand& x);
Variable abs(const Operand& x);
Variable sign(const Operand& x);
Variable reciprocal(const Operand& x);
Variable sqr(const Operand& x);
Variable maximum(const Operand& a, const Operand& b);    // NaN propagates
Variable minimum(const Operand& a, const Operand& b);    // NaN propagates
// minimum(maximum(x, lo), hi). Gradient: to x where lo <= x <= hi (boundaries
// included), to lo where x < lo <= hi, to hi where maximum(x, lo) > hi.
Variable clip(const Operand& x, const Operand& lo, const Operand& hi);

// Math functions (src/ops/elemwise_math.cpp).
Variable sqrt(const Operand& x);
Variable cbrt(const Operand& x);
Variable exp(const Operand& x);
Variable exp2(const Operand& x);
Variable expm1(const Operand& x);
Variable log(const Operand& x);
Variable log2(const Operand& x);
Variable log10(const Operand& x);
Variable log1p(const Operand& x);
Variable sin(const Operand& x);
Variable cos(const Operand& x);
Variable tan(const Operand& x);
Variable arcsin(const Operand& x);
Variable arccos(const Operand& x);
Variable arctan(const Operand& x);
Variable arctan2(const Operand& y, const Operand& x);
Variable sinh(const Operand& x);
Variable cosh(const Operand& x);
Variable tanh(const Operand& x);
Variable arcsinh(const Operand& x);
Variable arccosh(const Operand& x);
Variable arctanh(const Operand& x);
Variable sigmoid(const Operand& x);   // 1 / (1 + exp(-x)), never overflows
Variable softplus(const Operand& x);  // log(1 + exp(x)), never overflows
Variable erf(const Operand& x);
Variable erfc(const Operand& x);
Variable erfcx(const Operand& x);     // exp(x^2) * erfc(x), accurate for large x
Variable erfinv(const Operand& x);
Variable gamma(const Operand& x);
Variable gammaln(const Operand& x);   // log|gamma(x)|
Variable digamma(const Operand& x);
Variable trigamma(const Operand& x);  // digamma's derivative, polygamma(1, x)
// Rounding keeps integer dtypes unchanged; floats stay floats.
Variable ceil(const Operand& x);
Variable floor(const Operand& x);
Variable trunc(const Operand& x);
Variable round(const Operand& x);                       // half to even, as NumPy
Variable round_half_away_from_zero(const Operand& x);

// Comparisons and predicates, giving bool (src/ops/compare.cpp).
Variable lt(const Operand& a, const Operand& b);
Variable gt(const Operand& a, const Operand& b);
Variable le(const Operand& a, const Operand& b);
Variable ge(const Operand& a, const Operand& b);
Variable eq(const Operand& a, const Operand& b);
Variable neq(const Operand& a, const Operand& b);
Variable isnan(const Operand& x);
Variable isinf(const Operand& x);
Variable isfinite(const Operand& x);

// Logic, bits, selection and casts (src/ops/logic.cpp).
Variable logical_and(const Operand& a, const Operand& b);
Variable logical_or(const Operand& a, const Operand& b);
Variable logical_xor(const Operand& a, const Operand& b);
Variable logical_not(const Operand& x);
Variable bitwise_and(const Operand& a, const Operand& b);  // bool and integers only
Variable bitwise_or(const Operand& a, const Operand& b);
Variable bitwise_xor(const Operand& a, const Operand& b);
Variable invert(const Operand& x);                          // ~x; logical not for bool
// cond ? a : b, elementwise (Theano's switch).
Variable where(const Operand& cond, const Operand& a, const Operand& b);
Variable cast(const Operand& x, DType dtype);

// Operators: NumPy's meanings. `==` and `!=` on Variables stay identity (as in
// Theano); use eq() and neq() to compare elements.
Variable operator+(const Operand& a, const Operand& b);
Variable operator-(const Operand& a, const Operand& b);
Variable operator*(const Operand& a, const Operand& b);
Variable operator/(const Operand& a, const Operand& b);
Variable operator%(const Operand& a, const Operand& b);
Variable operator-(const Operand& x);
Variable operator<(const Operand& a, const Operand& b);
Variable operator>(const Operand& a, const Operand& b);
Variable operator<=(const Operand& a, const Operand& b);
Variable operator>=(const Operand& a, const Operand& b);
Variable operator&(const Operand& a, const Operand& b);
Variable operator|(const Operand& a, const Operand& b);
Variable operator^(const Operand& a, const Operand& b);
Variable operator~(const Operand& x);

}  // namespace hypatia
