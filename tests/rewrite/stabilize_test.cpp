// The stabilize table of issue 6, rows 1-8: each naive formula at its failing input
// gives the stable value once rewritten, in FAST_RUN and FAST_COMPILE, and so does its
// gradient where the table says so.
#include <cmath>
#include <limits>

#include "test_util.hpp"

namespace hypatia {
namespace {

struct Row {
  const char* name;
  Variable (*naive)(const Variable& x);
  double input;
  double expected;
  const char* rule;
  bool naive_fails = true;  // false: the naive value is right, the rule is for speed or gradients
};

Variable log_one_plus(const Variable& x) { return log(1 + x); }
Variable log_one_minus(const Variable& x) { return log(1 - x); }
Variable exp_minus_one(const Variable& x) { return exp(x) - 1; }
Variable log_sigmoid(const Variable& x) { return log(sigmoid(x)); }
Variable log_one_minus_sigmoid(const Variable& x) { return log(1 - sigmoid(x)); }
Variable log1p_neg_sigmoid(const Variable& x) { return log1p(-sigmoid(x)); }
Variable log_one_plus_exp(const Variable& x) { return log(1 + exp(x)); }
Variable log1p_exp(const Variable& x) { return log1p(exp(x)); }
Variable exp_ratio(const Variable& x) { return exp(x) / (1 + exp(x)); }
Variable one_over_one_plus_exp_neg(const Variable& x) { return 1 / (1 + exp(-x)); }
Variable two_over_one_plus_exp(const Variable& x) { return 2 / (1 + exp(x)); }
Variable exp_times_sigmoid_neg(const Variable& x) { return exp(x) * sigmoid(-x); }

const Row kRows[] = {
    {"log(1+x)", log_one_plus, 1e-20, 1e-20, "log1p_from_log_one_plus"},
    {"log(1-x)", log_one_minus, 1e-20, -1e-20, "log1p_from_log_one_minus"},
    {"exp(x)-1", exp_minus_one, 1e-20, 1e-20, "expm1_from_exp_minus_one"},
    {"log(sigmoid(x))", log_sigmoid, -800, -800, "log_sigmoid_to_softplus"},
    {"log(1-sigmoid(x))", log_one_minus_sigmoid, 40, -40, ""},
    {"log1p(-sigmoid(x))", log1p_neg_sigmoid, 40, -40, "log1p_neg_sigmoid_to_softplus"},
    {"log(1+exp(x))", log_one_plus_exp, 800, 800, "softplus_from_log_one_plus_exp"},
    {"log1p(exp(x))", log1p_exp, 800, 800, "softplus_from_log1p_exp"},
    {"exp(x)/(1+exp(x))", exp_ratio, 1000, 1, "sigmoid_from_exp_ratio"},
    {"1/(1+exp(-x))", one_over_one_plus_exp_neg, 1000, 1, "sigmoid_from_one_over_one_plus_exp_neg", false},
    {"2/(1+exp(x))", two_over_one_plus_exp, 1000, 0, "sigmoid_from_c_over_one_plus_exp", false},
    {"exp(x)*sigmoid(-x)", exp_times_sigmoid_neg, 1000, 1, "sigmoid_from_exp_times_sigmoid_neg"},
};

double run(const Variable& x, const Variable& y, double input, const Mode& mode) {
  return function({x}, {y}, mode)({Array::scalar(input)})[0].item<double>();
}

TEST(Stabilize, EveryRowGivesTheStableValueInBothModes) {
  for (const Row& row : kRows) {
    const Variable x = scalar("x", DType::float64);
    const Variable y = row.naive(x);
    for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
      const double got = run(x, y, row.input, mode);
      EXPECT_TRUE(testing::close(got, row.expected, 1e-12, 0))
          << row.name << " at " << row.input << " in " << mode.name << ": got " << got;
    }
  }
}

TEST(Stabilize, TheNaiveFormulasReallyFailWithoutTheRewrites) {
  for (const Row& row : kRows) {
    if (!row.naive_fails) continue;
    const Variable x = scalar("x", DType::float64);
    const double got = run(x, row.naive(x), row.input, Mode::without_rewrites());
    EXPECT_FALSE(testing::close(got, row.expected, 1e-12, 0)) << row.name << ": the test input does not fail";
  }
}

TEST(Stabilize, EachRuleFiresAndIsTraced) {
  for (const Row& row : kRows) {
    if (std::string(row.rule).empty()) continue;
    const Variable x = scalar("x", DType::float64);
    Mode mode;
    mode.trace_rewrites = true;
    const Function f = function({x}, {row.naive(x)}, mode);
    EXPECT_EQ(f.rewrite_trace().counts().count(row.rule), 1u) << row.name << "\n" << f.rewrite_trace().str();
  }
}

TEST(Stabilize, ExcludingARuleByNameKeepsTheNaiveForm) {
  const Variable x = scalar("x", DType::float64);
  Mode mode;
  mode.excluding = {"log1p_from_log_one_plus"};
  EXPECT_EQ(run(x, log(1 + x), 1e-20, mode), 0.0);
  mode.excluding = {"stabilize"};
  EXPECT_EQ(run(x, log(1 + x), 1e-20, mode), 0.0);
}

TEST(Stabilize, GradientsOfTheStableFormsAreFinite) {
  const Variable x = scalar("x", DType::float64);
  // d/dx log(sigmoid(x)) = sigmoid(-x) = 1 at x = -800.
  const Variable g = grad(log(sigmoid(x)), x);
  EXPECT_TRUE(testing::close(run(x, g, -800, Mode::fast_run()), 1.0, 1e-12, 0));
  // d/dx 2 / (1 + exp(x)) at 1000 is 0, not NaN.
  const Variable g7 = grad(2 / (1 + exp(x)), x);
  EXPECT_EQ(run(x, g7, 1000, Mode::fast_run()), 0.0);
}

TEST(Stabilize, WorksInFloat32AndOverArrays) {
  const Variable x = vector("x", DType::float32);
  const Function f = function({x}, {log(1 + x)});
  const Array out = f({Array::from<float>({1e-20f, 0.5f})})[0];
  testing::expect_array(out, DType::float32, {2}, {1e-20, std::log1p(0.5)}, 1e-6);
}

TEST(Stabilize, ReplacedNodesKeepTheUsersLine) {
  const Variable x = scalar("x", DType::float64);
  const int line = __LINE__ + 1;
  const Variable y = log(1 + x);
  const Function f = function({x}, {y});
  const Variable out = f.compiled_outputs()[0];
  EXPECT_EQ(out.node().op().name, "log1p");
  EXPECT_EQ(static_cast<int>(out.node().where().line()), line);
  EXPECT_NE(std::string(out.node().where().file_name()).find("stabilize_test.cpp"), std::string::npos);
}

}  // namespace
}  // namespace hypatia

namespace hypatia {
namespace {

TEST(Stabilize, CanonicalizeTidiesWhatStabilizeLeaves) {
  // log(1 - sigmoid(x)) -> log(sigmoid(-x)) -> -softplus(-(-x)): the second
  // canonicalize run removes the double negation.
  const Variable x = scalar("x", DType::float64);
  const Function f = function({x}, {log(1 - sigmoid(x))});
  for (const auto& node : topological_order(f.compiled_outputs())) {
    if (node->op().name != "neg") continue;
    EXPECT_NE(node->inputs()[0].node().op().name, "neg") << f.graph_text();
  }
  EXPECT_EQ(f({Array::scalar(40.0)})[0].item<double>(), -40.0);
}

}  // namespace
}  // namespace hypatia
