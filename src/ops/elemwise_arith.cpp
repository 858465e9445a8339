// Elementwise arithmetic: add, sub, mul, true_div, floor_div, mod, pow, neg, abs,
// sign, reciprocal, sqr, maximum, minimum, clip.
//
// Integer arithmetic wraps modulo 2^bits as NumPy's does (the scalar functions are in
// src/runtime/scalar_math.hpp, shared with the CPU backend).
//
// bool follows NumPy's loops: add is or, mul is and, maximum is or, minimum is and,
// abs is the identity; sub, neg and sign have no bool loop (a TypeError, as in NumPy);
// floor_div, mod, pow, reciprocal and sqr use NumPy's int8 loop, so bool gives int8.
#include <optional>
#include <string>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"
#include "runtime/scalar_math.hpp"

namespace hypatia {
namespace {

using detail::ElemwiseSpec;
using detail::ResultDType;

// NumPy raises on integers to negative integer powers; scalar_math::pow does not throw.
template <class T>
void check_int_exponent(T exponent) {
  if constexpr (std::is_signed_v<T> && !std::is_floating_point_v<T>) {
    if (exponent < 0) {
      throw ValueError("integers to negative integer powers are not allowed (exponent " +
                       std::to_string(static_cast<long long>(exponent)) + ")");
    }
  }
}

// For kernel branches that type inference rules out: bool for sub, neg and sign, and
// for the ops whose bool inputs compute in int8.
template <class T>
T unreachable_bool(const char* op) {
  throw InternalError(std::string(op) + " reached its kernel with bool operands");
}

// ---- type inference

// NumPy has no bool loop for sub, neg and sign: a TypeError "boolean <message>", where
// the message says what to use instead.
InferFn infer_no_bool(const char* message) {
  return [message](const InferArgs& args) {
    const DType t = detail::promote_inputs(args);
    if (is_bool(t)) throw TypeError(std::string("boolean ") + message);
    return std::vector<Type>{Type{t, detail::broadcast_inputs(args)}};
  };
}

// NumPy's floor_divide, remainder, power, reciprocal and square run bool in int8.
std::vector<Type> infer_bool_as_int8(const InferArgs& args) {
  const DType t = detail::promote_inputs(args);
  return {Type{is_bool(t) ? DType::int8 : t, detail::broadcast_inputs(args)}};
}

}  // namespace

void register_elemwise_arith_ops(OpRegistry& r) {
  using detail::set_partials;
  using detail::set_selects;
  using detail::set_signs;
  using detail::unary_partial;
  using P = detail::PartialArgs;
  using Partial = std::optional<detail::sym::Ex>;
  using Ex = detail::sym::Ex;
  // add(a, b) = a + b; on bool it is logical or, as in NumPy.
  set_signs(
      define_elemwise(r, ElemwiseSpec{"add", "Sum of a and b, elementwise.", kCommutative | kAssociative | kLinear,
                                      ScalarPrim::add, ResultDType::promote,
                                      detail::numeric_kernel<2>([](auto a, auto b) { return scalar_math::add(a, b); })}),
      {1, 1});
  set_signs(define_elemwise(r, ElemwiseSpec{"sub", "Difference a - b, elementwise.", kLinear, ScalarPrim::sub,
                                            ResultDType::promote, detail::numeric_kernel<2>([](auto a, auto b) {
                                              using T = decltype(a);
                                              if constexpr (std::is_same_v<T, bool>) {
                                                return unreachable_bool<T>("sub");
                                              } else {
                                                return scalar_math::sub(a, b);
                                              }
                                            })})
                .set_infer(infer_no_bool("subtract (the - operator) is not supported, as in NumPy; use "
                                         "logical_xor or bitwise_xor (the ^ operator) instead")),
            {1, -1});
  // mul(a, b) = a * b; on bool it is logical and, as in NumPy.
  set_partials(
      define_elemwise(r, ElemwiseSpec{"mul", "Product of a and b, elementwise.", kCommutative | kAssociative,
                                      ScalarPrim::mul, ResultDType::promote,
                                      detail::numeric_kernel<2>([](auto a, auto b) { return scalar_math::mul(a, b); })}),
      [](const P& p, int i) -> Partial { return p.x[1 - i]; });
  // Integers divide in float64 (NumPy's `/`); float_kernel converts them first.
  // d(a / b)/db = -a / b^2 = -y / b.
  set_partials(
      define_elemwise(r, ElemwiseSpec{"true_div", "Quotient a / b, elementwise; integers give float64.", 0,
                                      ScalarPrim::true_div, ResultDType::true_div,
                                      detail::float_kernel<2>([](auto a, auto b) { return scalar_math::true_div(a, b); })}),
      [](const P& p, int i) -> Partial { return i == 0 ? 1 / p.x[1] : -p.y / p.x[1]; });
  // Piecewise constant: a zero gradient (a rule, so that Rop needs no double vjp).
  detail::set_zero_gradient(
      define_elemwise(
          r, ElemwiseSpec{"floor_div", "Quotient a // b rounded toward -inf, elementwise.", 0, ScalarPrim::floor_div,
                          ResultDType::promote, detail::numeric_kernel<2>([](auto a, auto b) {
                            using T = decltype(a);
                            if constexpr (std::is_same_v<T, bool>) {
                              return unreachable_bool<T>("floor_div");
                            } else {
                              return scalar_math::floor_div(a, b);
                            }
                          })})
          .set_infer(infer_bool_as_int8));
  // a % b = a - b * floor(a / b): d/da = 1, d/db = -(a // b) (Theano's rule; the
  // jumps where a / b crosses an integer are ignored).
  set_partials(
      define_elemwise(r, ElemwiseSpec{"mod", "Remainder a % b with the sign of b, elementwise.", 0, ScalarPrim::mod,
                                      ResultDType::promote, detail::numeric_kernel<2>([](auto a, auto b) {
                                        using T = decltype(a);
                                        if constexpr (std::is_same_v<T, bool>) {
                                          return unreachable_bool<T>("mod");
                                        } else {
                                          return scalar_math::mod(a, b);
                                        }
                                      })})
          .set_infer(infer_bool_as_int8),
      [](const P& p, int i) -> Partial {
        if (i == 0) return std::nullopt;
        return -floor_div(p.x[0], p.x[1]);
      });
  // d/da = b a^(b-1), taken as 0 where b == 0 (a^0 is constant; 0 * 0^-1 would be
  // NaN); d/db = a^b log a, taken as 0 where a == 0 (0^b is constant in b on either
  // side of 0: 0 for b > 0, inf for b < 0), as JAX does.
  set_partials(define_elemwise(r, ElemwiseSpec{"pow", "a to the power b, elementwise.", 0, ScalarPrim::pow,
                                               ResultDType::promote, detail::numeric_kernel<2>([](auto a, auto b) {
                                                 using T = decltype(a);
                                                 if constexpr (std::is_same_v<T, bool>) {
                                                   return unreachable_bool<T>("pow");
                                                 } else {
                                                   check_int_exponent(b);
                                                   return scalar_math::pow(a, b);
                                                 }
                                               })})
                   .set_infer(infer_bool_as_int8),
               [](const P& p, int i) -> Partial {
                 const Ex& a = p.x[0];
                 const Ex& b = p.x[1];
                 if (i == 0) return where(eq(b, 0), 0, b * pow(a, b - 1));
                 return where(eq(a, 0), 0, p.y * log(a));
               });
  set_signs(define_elemwise(r, ElemwiseSpec{"neg", "Negation -x, elementwise.", kLinear, ScalarPrim::neg,
                                            ResultDType::promote, detail::numeric_kernel<1>([](auto x) {
                                              using T = decltype(x);
                                              if constexpr (std::is_same_v<T, bool>) {
                                                return unreachable_bool<T>("neg");
                                              } else {
                                                return scalar_math::neg(x);
                                              }
                                            })})
                .set_infer(infer_no_bool("negative (the unary - operator) is not supported, as in NumPy; use "
                                         "logical_not or invert (the ~ operator) instead")),
            {-1});
  // abs(INT_MIN) == INT_MIN, as NumPy; bool and unsigned are unchanged.
  // d|x|/dx = sign(x), 0 at 0 (grad.hpp's convention).
  set_partials(define_elemwise(
                   r, ElemwiseSpec{"abs", "Absolute value |x|, elementwise.", 0, ScalarPrim::abs, ResultDType::promote,
                                   detail::numeric_kernel<1>([](auto x) { return scalar_math::abs(x); })}),
               unary_partial([](const Ex& x, const Ex&) { return sign(x); }));
  // sign(NaN) is NaN and sign(-0.0) is 0.0, as NumPy.
  // Piecewise constant: a zero gradient.
  detail::set_zero_gradient(
      define_elemwise(r, ElemwiseSpec{"sign", "Sign of x (-1, 0 or 1), elementwise.", 0, ScalarPrim::sign,
                                      ResultDType::promote, detail::numeric_kernel<1>([](auto x) {
                                        using T = decltype(x);
                                        if constexpr (std::is_same_v<T, bool>) {
                                          return unreachable_bool<T>("sign");
                                        } else {
                                          return scalar_math::sign(x);
                                        }
                                      })})
          .set_infer(infer_no_bool("sign is not supported, as in NumPy; cast to an integer "
                                   "type first")));
  // Integers give the truncated 1 / x: 1 and -1 are their own reciprocals, others 0.
  // 1 / 0 gives 0 like every integer division by zero (NumPy gives 0 for 8- and 16-bit
  // types and the x86 conversion of inf, INT_MIN, for 32- and 64-bit ones).
  set_partials(
      define_elemwise(r, ElemwiseSpec{"reciprocal", "Reciprocal 1 / x, elementwise.", 0, ScalarPrim::reciprocal,
                                      ResultDType::promote, detail::numeric_kernel<1>([](auto x) {
                                        using T = decltype(x);
                                        if constexpr (std::is_same_v<T, bool>) {
                                          return unreachable_bool<T>("reciprocal");
                                        } else {
                                          return scalar_math::reciprocal(x);
                                        }
                                      })})
          .set_infer(infer_bool_as_int8),
      unary_partial([](const Ex&, const Ex& y) { return -sqr(y); }));
  set_partials(define_elemwise(r, ElemwiseSpec{"sqr", "Square x * x, elementwise.", 0, ScalarPrim::sqr,
                                               ResultDType::promote, detail::numeric_kernel<1>([](auto x) {
                                                 using T = decltype(x);
                                                 if constexpr (std::is_same_v<T, bool>) {
                                                   return unreachable_bool<T>("sqr");
                                                 } else {
                                                   return scalar_math::sqr(x);
                                                 }
                                               })})
                   .set_infer(infer_bool_as_int8),
               unary_partial([](const Ex& x, const Ex&) { return 2 * x; }));
  // Ties send the gradient to a (grad.hpp's convention), by select.
  set_selects(
      define_elemwise(r, ElemwiseSpec{"maximum", "Larger of a and b, elementwise; NaN propagates.",
                                      kCommutative | kAssociative, ScalarPrim::maximum, ResultDType::promote,
                                      detail::numeric_kernel<2>([](auto a, auto b) { return scalar_math::maximum(a, b); })}),
      [](const P& p, int i) -> Partial {
        const Ex first = ge(p.x[0], p.x[1]);
        return i == 0 ? first : logical_not(first);
      },
      true);
  set_selects(
      define_elemwise(r, ElemwiseSpec{"minimum", "Smaller of a and b, elementwise; NaN propagates.",
                                      kCommutative | kAssociative, ScalarPrim::minimum, ResultDType::promote,
                                      detail::numeric_kernel<2>([](auto a, auto b) { return scalar_math::minimum(a, b); })}),
      [](const P& p, int i) -> Partial {
        const Ex first = le(p.x[0], p.x[1]);
        return i == 0 ? first : logical_not(first);
      },
      true);
  // clip(x, lo, hi) = minimum(maximum(x, lo), hi): hi wins when lo > hi, and a NaN
  // anywhere propagates (NumPy's clip ufunc).
  // The gradient follows that composition with maximum's and minimum's tie rule: x
  // gets it where lo <= x <= hi (boundaries included), lo where x < lo <= hi, hi
  // where max(x, lo) > hi; nothing gets it where a NaN is involved.
  set_selects(
      define_elemwise(
          r, ElemwiseSpec{"clip", "x limited to [lo, hi], elementwise; NaN propagates.", 0, ScalarPrim::clip,
                          ResultDType::promote,
                          detail::numeric_kernel<3>([](auto x, auto lo, auto hi) { return scalar_math::clip(x, lo, hi); })}),
      [](const P& p, int i) -> Partial {
        const Ex& x = p.x[0];
        const Ex& lo = p.x[1];
        const Ex& hi = p.x[2];
        if (i == 0) return logical_and(ge(x, lo), le(x, hi));
        if (i == 1) return logical_and(lt(x, lo), le(lo, hi));
        return logical_or(logical_and(ge(x, lo), gt(x, hi)), logical_and(lt(x, lo), gt(lo, hi)));
      },
      false);
}

Variable add(const Operand& a, const Operand& b) { return detail::elemwise("add", {&a, &b}); }
Variable sub(const Operand& a, const Operand& b) { return detail::elemwise("sub", {&a, &b}); }
Variable mul(const Operand& a, const Operand& b) { return detail::elemwise("mul", {&a, &b}); }
Variable true_div(const Operand& a, const Operand& b) { return detail::elemwise("true_div", {&a, &b}); }
Variable floor_div(const Operand& a, const Operand& b) { return detail::elemwise("floor_div", {&a, &b}); }
Variable mod(const Operand& a, const Operand& b) { return detail::elemwise("mod", {&a, &b}); }
Variable pow(const Operand& a, const Operand& b) { return detail::elemwise("pow", {&a, &b}); }
Variable neg(const Operand& x) { return detail::elemwise("neg", {&x}); }
Variable abs(const Operand& x) { return detail::elemwise("abs", {&x}); }
Variable sign(const Operand& x) { return detail::elemwise("sign", {&x}); }
Variable reciprocal(const Operand& x) { return detail::elemwise("reciprocal", {&x}); }
Variable sqr(const Operand& x) { return detail::elemwise("sqr", {&x}); }
Variable maximum(const Operand& a, const Operand& b) { return detail::elemwise("maximum", {&a, &b}); }
Variable minimum(const Operand& a, const Operand& b) { return detail::elemwise("minimum", {&a, &b}); }
Variable clip(const Operand& x, const Operand& lo, const Operand& hi) {
  return detail::elemwise("clip", {&x, &lo, &hi});
}

Variable operator+(const Operand& a, const Operand& b) { return add(a, b); }
Variable operator-(const Operand& a, const Operand& b) { return sub(a, b); }
Variable operator*(const Operand& a, const Operand& b) { return mul(a, b); }
Variable operator/(const Operand& a, const Operand& b) { return true_div(a, b); }
Variable operator%(const Operand& a, const Operand& b) { return mod(a, b); }
Variable operator-(const Operand& x) { return neg(x); }

}  // namespace hypatia
