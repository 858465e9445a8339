// Decompose: sigmoid and softplus spelled out over e = exp(-|x|), so that the fused
// kernels of a logistic loss compute e once.
//
// Why: every scalar and vector sigmoid/softplus (runtime/scalar_math.hpp,
// backend/cpu/simd_math.hpp) takes the exponential of -|x| and branches on x's sign.
// A logistic-regression loss and its gradient, after stabilize (log(sigmoid(z)) ->
// -softplus(-z), log(1 - sigmoid(z)) -> -softplus(z)) and grad, hold softplus(-z),
// softplus(z), sigmoid(-z) and sigmoid(z): four opaque calls that hash-consing cannot
// merge, so the W5 kernels computed exp(-|z|) four times and log1p of it twice. Spelled
// out with the neg of the argument folded into the comparison (|-z| is |z|), the four
// share one exp, one log1p and the two quotients.
//
// The expansions give the scalar formulas' values bit for bit: sigmoid(x) is
// 1 / (1 + e) for x >= 0 and e / (1 + e) otherwise (NaN takes the second branch and
// propagates through e); softplus(x) is x + log1p(e) for x > 0 and log1p(e) otherwise;
// (-y) + l and l - y are the same IEEE operation. Float arguments of the output's
// dtype only (an integer argument is converted by the op itself: left whole).
#include <optional>

#include "hypatia/ops/elemwise.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

struct Logistic {
  Variable y;    // the argument with a leading neg removed
  bool negated;  // whether the argument was neg(y)
  SourceLocation w;
  Operand o(const Variable& v) const { return Operand(v, w); }
  Variable c(double value) const { return constant(value, y.dtype(), w); }
  // e = exp(-|y|): the same node for x and neg(x) (hash-consing).
  Variable e() const { return exp(o(neg(o(abs(o(y)))))); }
  // Where the argument x = ±y is positive (strict) or non-negative.
  Variable positive(bool strict) const {
    if (!negated) return strict ? gt(o(y), o(c(0))) : ge(o(y), o(c(0)));
    return strict ? lt(o(y), o(c(0))) : le(o(y), o(c(0)));
  }
};

// The argument of a sigmoid/softplus node split into ±y, or nothing when it is not a
// float of the output's dtype.
std::optional<Logistic> logistic_arg(const Variable& v, SourceLocation where) {
  const Variable x = v.node().inputs()[0];
  if (x.dtype() != v.dtype() || (x.dtype() != DType::float32 && x.dtype() != DType::float64)) return std::nullopt;
  if (x.node().op().name == "neg" && x.node().inputs()[0].dtype() == x.dtype()) {
    return Logistic{x.node().inputs()[0], true, where};
  }
  return Logistic{x, false, where};
}

}  // namespace

void register_decompose_sigmoid_rules(RuleBook& book) {
  // sigmoid(±y) -> where(±y >= 0, 1 / (1 + e), e / (1 + e)), e = exp(-|y|)
  book.custom("decompose_sigmoid", "sigmoid", "sigmoid(±y) -> where(±y >= 0, 1 / (1 + e), e / (1 + e)), e = exp(-|y|)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const auto a = logistic_arg(v, where);
                if (!a) return std::nullopt;
                const Variable e = a->e();
                const Variable den = add(a->o(a->c(1)), a->o(e));
                return hypatia::where(a->o(a->positive(false)), a->o(true_div(a->o(a->c(1)), a->o(den))),
                                      a->o(true_div(a->o(e), a->o(den))));
              });
  // softplus(y) -> where(y > 0, y + l, l); softplus(-y) -> where(y < 0, l - y, l);
  // l = log1p(exp(-|y|))
  book.custom("decompose_softplus", "softplus", "softplus(±y) -> where(±y > 0, l ± y, l), l = log1p(exp(-|y|))",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const auto a = logistic_arg(v, where);
                if (!a) return std::nullopt;
                const Variable l = log1p(a->o(a->e()));
                const Variable big = a->negated ? sub(a->o(l), a->o(a->y)) : add(a->o(a->y), a->o(l));
                return hypatia::where(a->o(a->positive(true)), a->o(big), a->o(l));
              });
}

}  // namespace hypatia::rewrite
