// Logarithms of sums and differences of exponentials: log(exp(x) + exp(y)) is inf at
// x = y = 1000 and log(1 - exp(x)) is -inf at x = -1e-20, while logaddexp and
// log1mexp (src/ops/nnet.cpp) shift by the larger term and keep every digit.
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

Pat logaddexp(const Pat& x, const Pat& y) { return Pat::op("logaddexp", {x, y}); }
Pat log1mexp(const Pat& x) { return Pat::op("log1mexp", {x}); }

// y - x would wrap for integers.
bool float_operands(const Match& m) { return is_float(m["x"].dtype()) && is_float(m["y"].dtype()); }

}  // namespace

void register_stabilize_logexp_rules(RuleBook& book) {
  const Pat x = any("x");
  const Pat y = any("y");
  // log(exp(x) + exp(y)) -> logaddexp(x, y)
  book.rule("logaddexp_from_log_exp_plus_exp", log(exp(x) + exp(y)), logaddexp(x, y));
  // log(-expm1(x)) -> log1mexp(x)
  book.rule("log1mexp_from_log_neg_expm1", log(-expm1(x)), log1mexp(x));
  // log1p(-exp(x)) -> log1mexp(x) (log(1 - exp(x)) arrives here through log1p)
  book.rule("log1mexp_from_log1p_neg_exp", log1p(-exp(x)), log1mexp(x));
  // log(exp(x) - exp(y)) -> x + log1mexp(y - x), float x and y: exp(x) (1 - exp(y - x)),
  // in logs
  book.rule("log1mexp_from_log_exp_minus_exp", log(exp(x) - exp(y)), x + log1mexp(y - x),
            float_operands);
}

}  // namespace hypatia::rewrite
