// The error functions near their tails: 1 + erf(x) is 0 in floating point for
// x <= -6 while erfc(-x) keeps 2.09e-45 at x = -10, and log(erfc(x)) is -inf from
// x ~ 27 on, while log(erfcx(x)) - x^2 stays exact.
#include "hypatia/ops/elemwise.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

// Whether x is where(x' > 0, 0, x'): the erfc branch this rule itself builds.
bool is_negative_part(const Variable& x) {
  const Node& n = x.node();
  if (n.op().name != "where" || !is_constant_value(n.inputs()[1], 0)) return false;
  const Node& c = n.inputs()[0].node();
  return c.op().name == "gt" && c.inputs()[0] == n.inputs()[2] && is_constant_value(c.inputs()[1], 0);
}

}  // namespace

void register_stabilize_erf_rules(RuleBook& book) {
  const Pat x = any("x");
  // 1 + erf(x) -> erfc(-x)
  book.rule("erfc_from_one_plus_erf", 1 + erf(x), erfc(-x));
  // 1 - erf(x) -> erfc(x)
  book.rule("erfc_from_one_minus_erf", 1 - erf(x), erfc(x));
  // erf(x) - 1 -> -erfc(x)
  book.rule("erfc_from_erf_minus_one", erf(x) - 1, -erfc(x));
  // 1 - erfc(x) -> erf(x)
  book.rule("erf_from_one_minus_erfc", 1 - erfc(x), erf(x));
  // log(erfc(x)) -> where(x > 0, log(erfcx(xp)) - xp * xp, log(erfc(xn))), with
  // xp = where(x > 0, x, 0) and xn = where(x > 0, 0, x): each branch sees only inputs
  // where it is finite, so the gradient of the unused branch (0/0 in erfc's at x = 30)
  // cannot turn the selected one into NaN.
  book.custom("log_erfc_to_erfcx", "log", "log(erfc(x)) -> where(x > 0, log(erfcx(x)) - x*x, log(erfc(x)))",
              [](const Variable& v, SourceLocation w) -> std::optional<Variable> {
                const Variable& e = v.node().inputs()[0];
                if (e.node().op().name != "erfc") return std::nullopt;
                const Operand x(e.node().inputs()[0], w);
                if (!is_float(x.variable().dtype()) || x.variable().dtype() != v.dtype()) return std::nullopt;
                if (is_negative_part(x.variable())) return std::nullopt;
                const Operand positive(hypatia::gt(x, Operand(0, w)), w);
                const Operand xp(hypatia::where(positive, x, Operand(0, w)), w);
                const Operand xn(hypatia::where(positive, Operand(0, w), x), w);
                const Operand tail(hypatia::log(Operand(hypatia::erfcx(xp), w)), w);
                const Operand asymptotic(hypatia::sub(tail, Operand(hypatia::mul(xp, xp), w)), w);
                const Operand direct(hypatia::log(Operand(hypatia::erfc(xn), w)), w);
                return hypatia::where(positive, asymptotic, direct);
              });
}

}  // namespace hypatia::rewrite
