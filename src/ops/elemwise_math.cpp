// Elementwise math functions: roots, exponentials and logarithms, trigonometric and
// hyperbolic functions, sigmoid and softplus, the error and gamma families, rounding.
// Integer inputs compute in upcast_to_float(dtype) (Theano's rule), except rounding,
// which keeps integer dtypes as NumPy does.
//
// Edge values are those of the C library (IEEE 754 / C99 Annex F), as in NumPy:
// log(0) = -inf, log(-1) = NaN, arctanh(1) = inf, gamma(-1) = NaN. The functions NumPy
// lacks follow scipy.special. The scalar functions themselves are in
// src/runtime/scalar_math.hpp, shared with the CPU backend.
#include <functional>
#include <numbers>
#include <optional>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"
#include "runtime/scalar_math.hpp"

namespace hypatia {
namespace {

using detail::ElemwiseSpec;
using detail::ResultDType;

constexpr const char* kPiecewiseConstant = "piecewise constant: zero gradient almost everywhere";

using detail::sym::Ex;
using Derivative = std::function<Ex(const Ex& x, const Ex& y)>;

// 2 / sqrt(pi), the scale of erf's derivative.
constexpr double kTwoOverSqrtPi = 2 * std::numbers::inv_sqrtpi;

// A float-valued function of one argument, its derivative given from its input x
// and output y (for the vjp g * d and the jvp t * d).
OpDef& define_unary(OpRegistry& r, const char* name, const char* summary, Traits traits, ScalarPrim prim,
                    KernelFn kernel, Derivative derivative) {
  return detail::set_partials(
      define_elemwise(r, ElemwiseSpec{name, summary, traits, prim, ResultDType::float_upcast, std::move(kernel)}),
      detail::unary_partial(std::move(derivative)));
}

// round and round_half_away_from_zero take bool to float (NumPy's round goes through
// rint, which has no bool loop and gives float16; we have no float16, so float32),
// while ceil, floor and trunc keep bool (NumPy >= 2.1).
std::vector<Type> infer_round(const InferArgs& args) {
  DType t = args.type(0).dtype;
  if (is_bool(t)) t = upcast_to_float(t);
  return {Type{t, args.type(0).shape}};
}

void define_rounding(OpRegistry& r, const char* name, const char* summary, ScalarPrim prim, KernelFn kernel,
                     bool bool_to_float) {
  OpDef& op = define_elemwise(
      r, ElemwiseSpec{name, summary, kMonotoneIncreasing, prim, ResultDType::promote, std::move(kernel)});
  op.not_differentiable(kPiecewiseConstant);
  if (bool_to_float) op.set_infer(infer_round);
}

}  // namespace

void register_elemwise_math_ops(OpRegistry& r) {
  constexpr Traits kIncreasing = kMonotoneIncreasing;
  using detail::float_kernel;
  using D = Derivative;

  // Roots, exponentials, logarithms.
  // d sqrt(x)/dx = 1 / (2 sqrt x): +inf at 0 (grad.hpp's convention).
  define_unary(r, "sqrt", "Non-negative square root, elementwise.", kIncreasing, ScalarPrim::sqrt,
               float_kernel<1>([](auto x) { return scalar_math::sqrt(x); }),
               D([](const Ex&, const Ex& y) { return 0.5 / y; }));
  define_unary(r, "cbrt", "Real cube root, elementwise.", kIncreasing, ScalarPrim::cbrt,
               float_kernel<1>([](auto x) { return scalar_math::cbrt(x); }),
               D([](const Ex&, const Ex& y) { return 1 / (3 * sqr(y)); }));
  define_unary(r, "exp", "e to the power x, elementwise.", kIncreasing, ScalarPrim::exp,
               float_kernel<1>([](auto x) { return scalar_math::exp(x); }), D([](const Ex&, const Ex& y) { return y; }));
  define_unary(r, "exp2", "2 to the power x, elementwise.", kIncreasing, ScalarPrim::exp2,
               float_kernel<1>([](auto x) { return scalar_math::exp2(x); }),
               D([](const Ex&, const Ex& y) { return y * std::numbers::ln2; }));
  define_unary(r, "expm1", "exp(x) - 1, accurate for tiny x, elementwise.", kIncreasing, ScalarPrim::expm1,
               float_kernel<1>([](auto x) { return scalar_math::expm1(x); }),
               D([](const Ex&, const Ex& y) { return y + 1; }));
  define_unary(r, "log", "Natural logarithm, elementwise.", kIncreasing, ScalarPrim::log,
               float_kernel<1>([](auto x) { return scalar_math::log(x); }), D([](const Ex& x, const Ex&) { return 1 / x; }));
  define_unary(r, "log2", "Base-2 logarithm, elementwise.", kIncreasing, ScalarPrim::log2,
               float_kernel<1>([](auto x) { return scalar_math::log2(x); }),
               D([](const Ex& x, const Ex&) { return 1 / (x * std::numbers::ln2); }));
  define_unary(r, "log10", "Base-10 logarithm, elementwise.", kIncreasing, ScalarPrim::log10,
               float_kernel<1>([](auto x) { return scalar_math::log10(x); }),
               D([](const Ex& x, const Ex&) { return 1 / (x * std::numbers::ln10); }));
  define_unary(r, "log1p", "log(1 + x), accurate for tiny x, elementwise.", kIncreasing, ScalarPrim::log1p,
               float_kernel<1>([](auto x) { return scalar_math::log1p(x); }),
               D([](const Ex& x, const Ex&) { return 1 / (x + 1); }));

  // Trigonometric.
  define_unary(r, "sin", "Sine (radians), elementwise.", 0, ScalarPrim::sin,
               float_kernel<1>([](auto x) { return scalar_math::sin(x); }),
               D([](const Ex& x, const Ex&) { return cos(x); }));
  define_unary(r, "cos", "Cosine (radians), elementwise.", 0, ScalarPrim::cos,
               float_kernel<1>([](auto x) { return scalar_math::cos(x); }),
               D([](const Ex& x, const Ex&) { return -sin(x); }));
  define_unary(r, "tan", "Tangent (radians), elementwise.", 0, ScalarPrim::tan,
               float_kernel<1>([](auto x) { return scalar_math::tan(x); }),
               D([](const Ex&, const Ex& y) { return sqr(y) + 1; }));
  define_unary(r, "arcsin", "Inverse sine, in [-pi/2, pi/2], elementwise.", kIncreasing, ScalarPrim::arcsin,
               float_kernel<1>([](auto x) { return scalar_math::arcsin(x); }),
               D([](const Ex& x, const Ex&) { return 1 / sqrt(1 - sqr(x)); }));
  define_unary(r, "arccos", "Inverse cosine, in [0, pi], elementwise.", 0, ScalarPrim::arccos,
               float_kernel<1>([](auto x) { return scalar_math::arccos(x); }),
               D([](const Ex& x, const Ex&) { return -1 / sqrt(1 - sqr(x)); }));
  define_unary(r, "arctan", "Inverse tangent, in [-pi/2, pi/2], elementwise.", kIncreasing, ScalarPrim::arctan,
               float_kernel<1>([](auto x) { return scalar_math::arctan(x); }),
               D([](const Ex& x, const Ex&) { return 1 / (sqr(x) + 1); }));
  detail::set_partials(
      define_elemwise(r, ElemwiseSpec{"arctan2", "Angle of the point (x, y), in [-pi, pi], elementwise.", 0,
                                      ScalarPrim::arctan2, ResultDType::float_upcast,
                                      float_kernel<2>([](auto y, auto x) { return scalar_math::arctan2(y, x); })}),
      // d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).
      [](const detail::PartialArgs& p, int i) -> std::optional<Ex> {
        const Ex& y = p.x[0];
        const Ex& x = p.x[1];
        return (i == 0 ? x : -y) / (sqr(x) + sqr(y));
      });

  // Hyperbolic.
  define_unary(r, "sinh", "Hyperbolic sine, elementwise.", kIncreasing, ScalarPrim::sinh,
               float_kernel<1>([](auto x) { return scalar_math::sinh(x); }),
               D([](const Ex& x, const Ex&) { return cosh(x); }));
  define_unary(r, "cosh", "Hyperbolic cosine, elementwise.", 0, ScalarPrim::cosh,
               float_kernel<1>([](auto x) { return scalar_math::cosh(x); }),
               D([](const Ex& x, const Ex&) { return sinh(x); }));
  define_unary(r, "tanh", "Hyperbolic tangent, elementwise.", kIncreasing, ScalarPrim::tanh,
               float_kernel<1>([](auto x) { return scalar_math::tanh(x); }),
               D([](const Ex&, const Ex& y) { return 1 - sqr(y); }));
  define_unary(r, "arcsinh", "Inverse hyperbolic sine, elementwise.", kIncreasing, ScalarPrim::arcsinh,
               float_kernel<1>([](auto x) { return scalar_math::arcsinh(x); }),
               D([](const Ex& x, const Ex&) { return 1 / sqrt(sqr(x) + 1); }));
  // sqrt(x - 1) sqrt(x + 1), not sqrt(x^2 - 1): no overflow for huge x, no cancellation near 1.
  define_unary(r, "arccosh", "Inverse hyperbolic cosine (NaN below 1), elementwise.", kIncreasing, ScalarPrim::arccosh,
               float_kernel<1>([](auto x) { return scalar_math::arccosh(x); }),
               D([](const Ex& x, const Ex&) { return 1 / (sqrt(x - 1) * sqrt(x + 1)); }));
  define_unary(r, "arctanh", "Inverse hyperbolic tangent (+-inf at +-1), elementwise.", kIncreasing,
               ScalarPrim::arctanh, float_kernel<1>([](auto x) { return scalar_math::arctanh(x); }),
               D([](const Ex& x, const Ex&) { return 1 / (1 - sqr(x)); }));

  // Logistic.
  // sigmoid(x) (1 - sigmoid(x)) as sigmoid(x) sigmoid(-x): 1 - y cancels for large x.
  define_unary(r, "sigmoid", "Logistic function 1 / (1 + exp(-x)), without overflow, elementwise.", kIncreasing,
               ScalarPrim::sigmoid, float_kernel<1>([](auto x) { return scalar_math::sigmoid(x); }),
               D([](const Ex& x, const Ex& y) { return y * sigmoid(-x); }));
  define_unary(r, "softplus", "log(1 + exp(x)), without overflow, elementwise.", kIncreasing, ScalarPrim::softplus,
               float_kernel<1>([](auto x) { return scalar_math::softplus(x); }),
               D([](const Ex& x, const Ex&) { return sigmoid(x); }));

  // Error function family.
  define_unary(r, "erf", "Error function, elementwise.", kIncreasing, ScalarPrim::erf,
               float_kernel<1>([](auto x) { return scalar_math::erf(x); }),
               D([](const Ex& x, const Ex&) { return kTwoOverSqrtPi * exp(-sqr(x)); }));
  define_unary(r, "erfc", "Complementary error function 1 - erf(x), elementwise.", 0, ScalarPrim::erfc,
               float_kernel<1>([](auto x) { return scalar_math::erfc(x); }),
               D([](const Ex& x, const Ex&) { return -kTwoOverSqrtPi * exp(-sqr(x)); }));
  define_unary(r, "erfcx", "Scaled complementary error function exp(x^2) * erfc(x), elementwise.", 0, ScalarPrim::erfcx,
               float_kernel<1>([](auto x) { return scalar_math::erfcx(x); }),
               D([](const Ex& x, const Ex& y) { return 2 * x * y - kTwoOverSqrtPi; }));
  // the inverse function's derivative: 1 / erf'(y) = sqrt(pi) / 2 exp(y^2).
  define_unary(r, "erfinv", "Inverse error function on [-1, 1], elementwise.", kIncreasing, ScalarPrim::erfinv,
               float_kernel<1>([](auto x) { return scalar_math::erfinv(x); }),
               D([](const Ex&, const Ex& y) { return exp(sqr(y)) / kTwoOverSqrtPi; }));

  // Gamma function family.
  define_unary(r, "gamma", "Gamma function, elementwise.", 0, ScalarPrim::gamma,
               float_kernel<1>([](auto x) { return scalar_math::gamma(x); }),
               D([](const Ex& x, const Ex& y) { return y * digamma(x); }));
  // d log|gamma(x)| / dx = digamma(x), for negative x too.
  define_unary(r, "gammaln", "Logarithm of the absolute value of the gamma function, elementwise.", 0,
               ScalarPrim::gammaln, float_kernel<1>([](auto x) { return scalar_math::gammaln(x); }),
               D([](const Ex& x, const Ex&) { return digamma(x); }));
  define_unary(r, "digamma", "Digamma function, the derivative of gammaln, elementwise.", 0, ScalarPrim::digamma,
               float_kernel<1>([](auto x) { return scalar_math::digamma(x); }),
               D([](const Ex& x, const Ex&) { return trigamma(x); }));
  // trigamma's own derivative needs polygamma(2, x), which Hypatia lacks: no rule and
  // no reason, so a gradient through it is a NullTypeGradError rather than a silent 0.
  define_elemwise(
      r, ElemwiseSpec{"trigamma", "Trigamma function, the derivative of digamma, elementwise.", 0, ScalarPrim::trigamma,
                      ResultDType::float_upcast, float_kernel<1>([](auto x) { return scalar_math::trigamma(x); })});

  // Rounding.
  define_rounding(r, "ceil", "Smallest integer not below x, elementwise.", ScalarPrim::ceil,
                  detail::numeric_kernel<1>([](auto x) { return scalar_math::ceil(x); }), false);
  define_rounding(r, "floor", "Largest integer not above x, elementwise.", ScalarPrim::floor,
                  detail::numeric_kernel<1>([](auto x) { return scalar_math::floor(x); }), false);
  define_rounding(r, "trunc", "x rounded toward zero, elementwise.", ScalarPrim::trunc,
                  detail::numeric_kernel<1>([](auto x) { return scalar_math::trunc(x); }), false);
  define_rounding(r, "round", "x rounded to the nearest integer, halves to even (NumPy's round), elementwise.",
                  ScalarPrim::round_half_even,
                  detail::numeric_kernel<1>([](auto x) { return scalar_math::round_half_even(x); }), true);
  define_rounding(r, "round_half_away_from_zero",
                  "x rounded to the nearest integer, halves away from zero, elementwise.", ScalarPrim::round_half_away,
                  detail::numeric_kernel<1>([](auto x) { return scalar_math::round_half_away(x); }), true);
}

Variable sqrt(const Operand& x) { return detail::elemwise("sqrt", {&x}); }
Variable cbrt(const Operand& x) { return detail::elemwise("cbrt", {&x}); }
Variable exp(const Operand& x) { return detail::elemwise("exp", {&x}); }
Variable exp2(const Operand& x) { return detail::elemwise("exp2", {&x}); }
Variable expm1(const Operand& x) { return detail::elemwise("expm1", {&x}); }
Variable log(const Operand& x) { return detail::elemwise("log", {&x}); }
Variable log2(const Operand& x) { return detail::elemwise("log2", {&x}); }
Variable log10(const Operand& x) { return detail::elemwise("log10", {&x}); }
Variable log1p(const Operand& x) { return detail::elemwise("log1p", {&x}); }
Variable sin(const Operand& x) { return detail::elemwise("sin", {&x}); }
Variable cos(const Operand& x) { return detail::elemwise("cos", {&x}); }
Variable tan(const Operand& x) { return detail::elemwise("tan", {&x}); }
Variable arcsin(const Operand& x) { return detail::elemwise("arcsin", {&x}); }
Variable arccos(const Operand& x) { return detail::elemwise("arccos", {&x}); }
Variable arctan(const Operand& x) { return detail::elemwise("arctan", {&x}); }
Variable arctan2(const Operand& y, const Operand& x) { return detail::elemwise("arctan2", {&y, &x}); }
Variable sinh(const Operand& x) { return detail::elemwise("sinh", {&x}); }
Variable cosh(const Operand& x) { return detail::elemwise("cosh", {&x}); }
Variable tanh(const Operand& x) { return detail::elemwise("tanh", {&x}); }
Variable arcsinh(const Operand& x) { return detail::elemwise("arcsinh", {&x}); }
Variable arccosh(const Operand& x) { return detail::elemwise("arccosh", {&x}); }
Variable arctanh(const Operand& x) { return detail::elemwise("arctanh", {&x}); }
Variable sigmoid(const Operand& x) { return detail::elemwise("sigmoid", {&x}); }
Variable softplus(const Operand& x) { return detail::elemwise("softplus", {&x}); }
Variable erf(const Operand& x) { return detail::elemwise("erf", {&x}); }
Variable erfc(const Operand& x) { return detail::elemwise("erfc", {&x}); }
Variable erfcx(const Operand& x) { return detail::elemwise("erfcx", {&x}); }
Variable erfinv(const Operand& x) { return detail::elemwise("erfinv", {&x}); }
Variable gamma(const Operand& x) { return detail::elemwise("gamma", {&x}); }
Variable gammaln(const Operand& x) { return detail::elemwise("gammaln", {&x}); }
Variable digamma(const Operand& x) { return detail::elemwise("digamma", {&x}); }
Variable trigamma(const Operand& x) { return detail::elemwise("trigamma", {&x}); }
Variable ceil(const Operand& x) { return detail::elemwise("ceil", {&x}); }
Variable floor(const Operand& x) { return detail::elemwise("floor", {&x}); }
Variable trunc(const Operand& x) { return detail::elemwise("trunc", {&x}); }
Variable round(const Operand& x) { return detail::elemwise("round", {&x}); }
Variable round_half_away_from_zero(const Operand& x) { return detail::elemwise("round_half_away_from_zero", {&x}); }

}  // namespace hypatia
