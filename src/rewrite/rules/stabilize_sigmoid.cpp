// The logistic sigmoid in its stable forms: sigmoid and softplus never overflow, while
// exp(x) / (1 + exp(x)) is inf / inf = NaN at x = 1000.
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {

void register_stabilize_sigmoid_rules(RuleBook& book) {
  const Pat x = any("x");
  const Pat c = any("c");
  // log(sigmoid(x)) -> -softplus(-x)
  book.rule("log_sigmoid_to_softplus", log(sigmoid(x)), -softplus(-x));
  // log(1 - sigmoid(x)) -> -softplus(x)
  book.rule("log_one_minus_sigmoid_to_softplus", log(1 - sigmoid(x)), -softplus(x));
  // log1p(-sigmoid(x)) -> -softplus(x)
  book.rule("log1p_neg_sigmoid_to_softplus", log1p(-sigmoid(x)), -softplus(x));
  // exp(x) / (1 + exp(x)) -> sigmoid(x)
  book.rule("sigmoid_from_exp_ratio", exp(x) / (1 + exp(x)), sigmoid(x));
  // 1 / (1 + exp(-x)) -> sigmoid(x)
  book.rule("sigmoid_from_one_over_one_plus_exp_neg", 1 / (1 + exp(-x)), sigmoid(x));
  // c / (1 + exp(x)) -> c * sigmoid(-x)
  book.rule("sigmoid_from_c_over_one_plus_exp", c / (1 + exp(x)), c * sigmoid(-x));
  // exp(x) * sigmoid(-x) -> sigmoid(x)
  book.rule("sigmoid_from_exp_times_sigmoid_neg", exp(x) * sigmoid(-x), sigmoid(x));
  // 1 - sigmoid(x) -> sigmoid(-x)
  book.rule("one_minus_sigmoid", 1 - sigmoid(x), sigmoid(-x));
}

}  // namespace hypatia::rewrite
