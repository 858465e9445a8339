// Stable logarithms and exponentials: forms that keep the digits a naive formula
// loses (log(1 + 1e-20) is 0 in floating point; log1p(1e-20) is 1e-20).
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {

void register_stabilize_log_rules(RuleBook& book) {
  const Pat x = any("x");
  // The specific forms first: log(1 + exp(x)) is also a log(1 + x).
  // log(1 + exp(x)) -> softplus(x)
  book.rule("softplus_from_log_one_plus_exp", log(1 + exp(x)), softplus(x));
  // log(1 + x) -> log1p(x)
  book.rule("log1p_from_log_one_plus", log(1 + x), log1p(x));
  // log(1 - x) -> log1p(-x)
  book.rule("log1p_from_log_one_minus", log(1 - x), log1p(-x));
  // exp(x) - 1 -> expm1(x)
  book.rule("expm1_from_exp_minus_one", exp(x) - 1, expm1(x));
  // log1p(exp(x)) -> softplus(x)
  book.rule("softplus_from_log1p_exp", log1p(exp(x)), softplus(x));
}

}  // namespace hypatia::rewrite
