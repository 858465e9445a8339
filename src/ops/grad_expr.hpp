// Ex: a Variable paired with the user's source line, so that differentiation rules read
// as math (`g * cos(x)`, `1 - sqr(y)`) while every node they build records the forward
// node's line, as the rule conventions in src/graph/op.hpp ask.
//
// Ex and its functions live in their own namespace, found by argument-dependent
// lookup, so that they never hide the kernels' helpers of the same names.
// Arithmetic and the functions below take Ex and C++ numbers (which, as everywhere,
// take the dtype of the Ex they meet, so float32 stays float32) and give Ex. Mixing in
// a bare Variable is a compile error: it would record this file's line instead.
#pragma once

#include <concepts>
#include <type_traits>

#include "hypatia/graph.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/shape.hpp"

namespace hypatia::detail::sym {

struct Ex {
  Variable v;
  SourceLocation where;
  operator Operand() const { return Operand(v, where); }  // NOLINT: implicit by design
  DType dtype() const { return v.dtype(); }
};

template <class A>
concept ExArg = std::same_as<std::remove_cvref_t<A>, Ex> || std::is_arithmetic_v<std::remove_cvref_t<A>>;

// The line of the first Ex among the arguments.
template <class A, class... Rest>
SourceLocation ex_where(const A& a, const Rest&... rest) {
  if constexpr (std::same_as<A, Ex>) {
    return a.where;
  } else {
    return ex_where(rest...);
  }
}

template <class A>
Operand ex_operand(const A& a, SourceLocation where) {
  if constexpr (std::same_as<A, Ex>) {
    return Operand(a.v, where);
  } else {
    return Operand(a, where);
  }
}

template <class... A>
concept ExArgs = (ExArg<A> && ...) && (std::same_as<std::remove_cvref_t<A>, Ex> || ...);

// Calls the public op function `f` on the arguments at their Ex's line.
template <class F, class... A>
  requires ExArgs<A...>
Ex ex_apply(F f, const A&... a) {
  const SourceLocation where = ex_where(a...);
  return Ex{f(ex_operand(a, where)...), where};
}

#define HYPATIA_EX_FN(fn)                                                            \
  template <class... A>                                                              \
    requires ExArgs<A...>                                                            \
  Ex fn(const A&... a) {                                                             \
    return ex_apply([](const auto&... o) { return ::hypatia::fn(o...); }, a...);     \
  }
HYPATIA_EX_FN(add)
HYPATIA_EX_FN(sub)
HYPATIA_EX_FN(mul)
HYPATIA_EX_FN(true_div)
HYPATIA_EX_FN(floor_div)
HYPATIA_EX_FN(pow)
HYPATIA_EX_FN(neg)
HYPATIA_EX_FN(sign)
HYPATIA_EX_FN(reciprocal)
HYPATIA_EX_FN(sqr)
HYPATIA_EX_FN(sqrt)
HYPATIA_EX_FN(exp)
HYPATIA_EX_FN(log)
HYPATIA_EX_FN(sin)
HYPATIA_EX_FN(cos)
HYPATIA_EX_FN(sinh)
HYPATIA_EX_FN(cosh)
HYPATIA_EX_FN(sigmoid)
HYPATIA_EX_FN(digamma)
HYPATIA_EX_FN(trigamma)
HYPATIA_EX_FN(lt)
HYPATIA_EX_FN(gt)
HYPATIA_EX_FN(le)
HYPATIA_EX_FN(ge)
HYPATIA_EX_FN(eq)
HYPATIA_EX_FN(logical_and)
HYPATIA_EX_FN(logical_or)
HYPATIA_EX_FN(logical_not)
HYPATIA_EX_FN(isnan)
HYPATIA_EX_FN(where)
#undef HYPATIA_EX_FN

inline Ex cast(const Ex& x, DType dtype) { return Ex{::hypatia::cast(Operand(x.v, x.where), dtype), x.where}; }

template <class A, class B>
  requires ExArgs<A, B>
Ex operator+(const A& a, const B& b) {
  return add(a, b);
}
template <class A, class B>
  requires ExArgs<A, B>
Ex operator-(const A& a, const B& b) {
  return sub(a, b);
}
template <class A, class B>
  requires ExArgs<A, B>
Ex operator*(const A& a, const B& b) {
  return mul(a, b);
}
template <class A, class B>
  requires ExArgs<A, B>
Ex operator/(const A& a, const B& b) {
  return true_div(a, b);
}
inline Ex operator-(const Ex& x) { return neg(x); }

// Mixing a bare Variable with an Ex would lose the user's line: refuse it.
Ex operator+(const Ex&, const Variable&) = delete;
Ex operator+(const Variable&, const Ex&) = delete;
Ex operator-(const Ex&, const Variable&) = delete;
Ex operator-(const Variable&, const Ex&) = delete;
Ex operator*(const Ex&, const Variable&) = delete;
Ex operator*(const Variable&, const Ex&) = delete;
Ex operator/(const Ex&, const Variable&) = delete;
Ex operator/(const Variable&, const Ex&) = delete;

}  // namespace hypatia::detail::sym
