// The stabilize table of issue 6, rows 9-19: each naive formula at its failing input
// gives the stable value once rewritten, in FAST_RUN and FAST_COMPILE; the rule fires;
// the rewritten graph agrees with the graph as written wherever that one is finite;
// and gradients are finite where the issue says so.
#include <cmath>
#include <limits>

#include "hypatia/ops/index.hpp"
#include "hypatia/ops/nnet.hpp"
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::times_fired;
using testing::traced_function;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A scalar row: naive(x, y) at (x, y).
struct Row {
  const char* name;
  Variable (*naive)(const Variable& x, const Variable& y);
  double x, y;
  double expected;
  double rtol;
  const char* rule;
  bool naive_fails = true;  // false: the naive form is accurate too, the rule makes one op of it
};

Variable log_exp_plus_exp(const Variable& x, const Variable& y) { return log(exp(x) + exp(y)); }
Variable log_erfc(const Variable& x, const Variable&) { return log(erfc(x)); }
Variable one_plus_erf(const Variable& x, const Variable&) { return 1 + erf(x); }
Variable erf_plus_one(const Variable& x, const Variable&) { return erf(x) + 1; }
Variable one_minus_erf(const Variable& x, const Variable&) { return 1 - erf(x); }
Variable erf_minus_one(const Variable& x, const Variable&) { return erf(x) - 1; }
Variable one_minus_erfc(const Variable& x, const Variable&) { return 1 - erfc(x); }
Variable log_neg_expm1(const Variable& x, const Variable&) { return log(-expm1(x)); }
Variable log1p_neg_exp(const Variable& x, const Variable&) { return log1p(-exp(x)); }
Variable log_one_minus_exp(const Variable& x, const Variable&) { return log(1 - exp(x)); }
Variable log_exp_minus_exp(const Variable& x, const Variable& y) { return log(exp(x) - exp(y)); }
Variable bce(const Variable& x, const Variable& t) {
  return -(t * log(sigmoid(x)) + (1 - t) * log(1 - sigmoid(x)));
}

const Row kRows[] = {
    {"9: log(exp(x)+exp(y))", log_exp_plus_exp, 1000, 1000, 1000.6931471805599, 1e-15, "logaddexp_from_log_exp_plus_exp"},
    {"14: log(erfc(x))", log_erfc, 30, 0, -903.9741171106439, 1e-6, "log_erfc_to_erfcx"},
    {"15: 1+erf(x)", one_plus_erf, -10, 0, 2.0884875837625446e-45, 1e-12, "erfc_from_one_plus_erf"},
    {"15: erf(x)+1", erf_plus_one, -10, 0, 2.0884875837625446e-45, 1e-12, "erfc_from_one_plus_erf"},
    {"15: 1-erf(x)", one_minus_erf, 10, 0, 2.0884875837625446e-45, 1e-12, "erfc_from_one_minus_erf"},
    {"15: erf(x)-1", erf_minus_one, 10, 0, -2.0884875837625446e-45, 1e-12, "erfc_from_erf_minus_one"},
    {"15: 1-erfc(x)", one_minus_erfc, 1e-20, 0, 1.1283791670955126e-20, 1e-12, "erf_from_one_minus_erfc"},
    {"16: log(-expm1(x))", log_neg_expm1, -1e-20, 0, -46.051701859880914, 1e-12, "log1mexp_from_log_neg_expm1", false},
    {"16: log1p(-exp(x))", log1p_neg_exp, -1e-20, 0, -46.051701859880914, 1e-12, "log1mexp_from_log1p_neg_exp"},
    {"16: log(1-exp(x))", log_one_minus_exp, -1e-20, 0, -46.051701859880914, 1e-12, "log1mexp_from_log1p_neg_exp"},
    {"17: log(exp(x)-exp(y))", log_exp_minus_exp, 1000, 999, 999.5413248546129, 1e-15, "log1mexp_from_log_exp_minus_exp"},
    {"19: bce(sigmoid(x), t)", bce, -800, 0, 0, 1e-12, "log_sigmoid_to_softplus"},
};

double run(const std::vector<Variable>& in, const Variable& out, const std::vector<double>& args, const Mode& mode) {
  std::vector<Array> a;
  for (double v : args) a.push_back(Array::scalar(v));
  return function(in, {out}, mode)(a)[0].item<double>();
}

TEST(StabilizeTable, EveryRowGivesTheStableValueInBothModes) {
  for (const Row& row : kRows) {
    const Variable x = scalar("x", DType::float64);
    const Variable y = scalar("y", DType::float64);
    const Variable out = row.naive(x, y);
    for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
      const double got = run({x, y}, out, {row.x, row.y}, mode);
      EXPECT_TRUE(testing::close(got, row.expected, row.rtol, 1e-300))
          << row.name << " in " << mode.name << ": got " << got;
    }
    const double naive = run({x, y}, out, {row.x, row.y}, Mode::without_rewrites());
    if (row.naive_fails) {
      EXPECT_FALSE(testing::close(naive, row.expected, row.rtol, 1e-300)) << row.name << ": the input does not fail";
    }
    EXPECT_GE(times_fired(traced_function({x, y}, {out}), row.rule), 1) << row.name;
    EXPECT_GE(times_fired(traced_function({x, y}, {out}, Mode::fast_compile()), row.rule), 1) << row.name;
  }
}

TEST(StabilizeTable, EveryRowAgreesWithTheFormulaWhereThatIsFinite) {
  std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 5.0, -6.0, 1e-10, -1e-10, kInf, -kInf, kNaN};
  std::vector<double> ys = {0.0, 1.0, -1.0, -0.5, 2.0, 3.0, -7.0, -2.0, 0.25, 1.0, 0.0, -1e-10, 1.0, 0.0, 0.0};
  std::mt19937 gen(9);
  std::normal_distribution<double> normal(0, 2);
  for (int i = 0; i < 20; ++i) {
    xs.push_back(normal(gen));
    ys.push_back(normal(gen));
  }
  const Array ax = Array::from_vector(xs);
  for (const Row& row : kRows) {
    const bool is_bce = std::string(row.name).rfind("19", 0) == 0;
    std::vector<double> targets = ys;
    if (is_bce) {
      for (double& t : targets) t = std::isfinite(t) ? std::abs(t) / (1 + std::abs(t)) : 0.5;  // in [0, 1]
    }
    const Variable x = vector("x", DType::float64);
    const Variable y = vector("y", DType::float64);
    const Variable out = row.naive(x, y);
    const Array ay = Array::from_vector(targets);
    const auto plain = function({x, y}, {out}, Mode::without_rewrites())({ax, ay})[0].to_vector<double>();
    for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
      const auto got = function({x, y}, {out}, mode)({ax, ay})[0].to_vector<double>();
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(plain[i])) continue;  // stable forms may do better where the formula is NaN
        if (std::isinf(plain[i]) && std::isfinite(xs[i]) && std::isfinite(targets[i])) continue;  // or overflows
        // Cancellation in the formula as written (1 - exp(-1e-10)) loses digits that the
        // stable form keeps: compare loosely, as the differential test does.
        const double scale = std::max(std::abs(plain[i]), 1.0);
        EXPECT_TRUE(got[i] == plain[i] || std::abs(got[i] - plain[i]) <= 1e-6 * scale)
            << row.name << " in " << mode.name << " at x = " << xs[i] << ", y = " << targets[i] << ": rewritten "
            << got[i] << ", as written " << plain[i];
      }
    }
  }
}

TEST(StabilizeTable, GradientsAreFiniteAtTheFailingInputs) {
  const Variable x = scalar("x", DType::float64);
  const Variable y = scalar("y", DType::float64);
  for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
    // Row 9: d/dx logaddexp(x, y) at x = y is 1/2.
    EXPECT_NEAR(run({x, y}, grad(log(exp(x) + exp(y)), x), {1000, 1000}, mode), 0.5, 1e-12) << mode.name;
    // Row 14: d/dx log(erfc(x)) = -2 / (sqrt(pi) erfcx(x)), -60.0333 at 30.
    EXPECT_NEAR(run({x}, grad(log(erfc(x)), x), {30}, mode), -60.03329639875622, 1e-9) << mode.name;
    EXPECT_NEAR(run({x}, grad(log(erfc(x)), x), {-1}, mode), -2 / std::sqrt(M_PI) * std::exp(-1.0) / std::erfc(-1.0),
                1e-12)
        << mode.name;
    // Row 16: d/dx log1mexp(x) = -exp(x) / (1 - exp(x)) = 1 / expm1(x), -1e20 at -1e-20.
    EXPECT_NEAR(run({x}, grad(log1p(-exp(x)), x), {-1e-20}, mode), -1e20, 1e6) << mode.name;
    // Row 17: d/dx at (1000, 999) is 1 / (1 - e^-1).
    EXPECT_NEAR(run({x, y}, grad(log(exp(x) - exp(y)), x), {1000, 999}, mode), 1 / (1 - std::exp(-1.0)), 1e-12)
        << mode.name;
    // Row 19: d/dx of the cross-entropy is sigmoid(x) - t, 0 at x = -800, t = 0.
    const Variable t = scalar("t", DType::float64);
    const double g19 = run({x, t}, grad(bce(x, t), x), {-800, 0}, mode);
    EXPECT_NEAR(g19, 0.0, 1e-300) << mode.name;
  }
}

// ---- rows 10-13: reductions and softmax over arrays

Array vec(std::vector<double> v) { return Array::from_vector(v); }

void expect_values(const Array& got, const std::vector<double>& want, double rtol, const std::string& what) {
  const auto g = got.astype(DType::float64).to_vector<double>();
  ASSERT_EQ(g.size(), want.size()) << what;
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_TRUE(testing::close(g[i], want[i], rtol, 1e-300)) << what << " element " << i << ": got " << g[i];
  }
}

// `out` gives `want` at `args` in both modes, the naive graph does not, and `rule` fires.
void expect_row(const std::vector<Variable>& in, const Variable& out, const std::vector<Array>& args,
                const std::vector<double>& want, const std::string& rule, const std::string& what,
                double rtol = 1e-14) {
  for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
    const Function f = traced_function(in, {out}, mode);
    EXPECT_GE(times_fired(f, rule), 1) << what << " in " << mode.name << "\n" << f.rewrite_trace().str();
    expect_values(f(args)[0], want, rtol, what + " in " + mode.name);
  }
  const auto naive = function(in, {out}, Mode::without_rewrites())(args)[0].astype(DType::float64).to_vector<double>();
  bool all_right = true;
  for (std::size_t i = 0; i < naive.size(); ++i) all_right = all_right && testing::close(naive[i], want[i], 1e-14, 1e-300);
  EXPECT_FALSE(all_right) << what << ": the input does not fail";
}

TEST(StabilizeTable, Row10LogSumExp) {
  const Variable x = vector("x", DType::float64);
  const double lse = 1000.6931471805599;
  expect_row({x}, log(sum(exp(x))), {vec({1000, 1000})}, {lse}, "logsumexp_from_log_sum_exp", "log(sum(exp(x)))");
  expect_row({x}, log(sum(exp(x), {0}, true)), {vec({1000, 1000})}, {lse}, "logsumexp_from_log_sum_exp",
             "keepdims");
  const Variable m = matrix("m", DType::float64);
  const Array arg = Array::from_vector(std::vector<double>{1000, 1000, -1000, -1000}, {2, 2});
  expect_row({m}, log(sum(exp(m), {1})), {arg}, {lse, -1000 + std::log(2.0)}, "logsumexp_from_log_sum_exp",
             "axis 1");
  expect_row({m}, log(sum(exp(m), {-1}, true)), {arg}, {lse, -1000 + std::log(2.0)}, "logsumexp_from_log_sum_exp",
             "axis -1, keepdims");
  // The keepdims form keeps its shape.
  EXPECT_EQ(function({m}, {log(sum(exp(m), {1}, true))})({arg})[0].shape(), (Shape{2, 1}));
  // float32
  const Variable f = vector("f", DType::float32);
  expect_row({f}, log(sum(exp(f))), {Array::from_vector(std::vector<float>{100, 100})}, {100 + std::log(2.0)},
             "logsumexp_from_log_sum_exp", "float32", 1e-6);
  // The max-shifted form users write becomes one logsumexp, and -inf for a slice of
  // only -inf (the form as written gives NaN there).
  const Variable mx = max(m, {1}, true);
  for (bool keepdims : {false, true}) {
    const Variable user = log(sum(exp(m - mx), {1}, keepdims)) + max(m, {1}, keepdims);
    // On the interpreter: the cpu backend's decompose phase would expand the logsumexp
    // this checks for.
    for (const Mode& mode : {Mode::fast_run().with_linker("interp"), Mode::fast_compile().with_linker("interp")}) {
      const Function f = traced_function({m}, {user}, mode);
      EXPECT_EQ(times_fired(f, "logsumexp_of_max_shifted"), 1) << f.rewrite_trace().str();
      EXPECT_EQ(f.compiled_outputs()[0].node().op().name, "logsumexp") << f.graph_text();
      const double inf = std::numeric_limits<double>::infinity();
      const Array edge = Array::from_vector(std::vector<double>{1000, 1000, -inf, -inf}, {2, 2});
      expect_values(f({edge})[0], {lse, -inf}, 1e-15, "max-shifted");
    }
  }
  // Gradient: softmax, finite.
  expect_values(function({x}, {grad(log(sum(exp(x))), x)})({vec({1000, 1000})})[0], {0.5, 0.5}, 1e-12, "gradient");
}

TEST(StabilizeTable, Row11Softmax) {
  const Variable x = vector("x", DType::float64);
  expect_row({x}, exp(x) / sum(exp(x)), {vec({1000, 1000})}, {0.5, 0.5}, "softmax_from_exp_over_sum_exp", "vector");
  const Variable m = matrix("m", DType::float64);
  const Array arg = Array::from_vector(std::vector<double>{1000, 1000, 0, -1000}, {2, 2});
  const std::vector<double> want = {0.5, 0.5, 1, 0};
  expect_row({m}, exp(m) / sum(exp(m), {1}, true), {arg}, want, "softmax_from_exp_over_sum_exp", "keepdims");
  expect_row({m}, exp(m) / dimshuffle(sum(exp(m), {1}), {0, newaxis}), {arg}, want, "softmax_from_exp_over_sum_exp",
             "dimshuffle");
  // Along axis 0.
  expect_row({m}, exp(m) / sum(exp(m), {0}, true), {Array::from_vector(std::vector<double>{1000, 0, 1000, -1000}, {2, 2})},
             {0.5, 1, 0.5, 0}, "softmax_from_exp_over_sum_exp", "axis 0");
  // The max-shifted form users write is already right; it becomes one softmax.
  const Variable shifted = m - max(m, {1}, true);
  const Variable user = exp(shifted) / sum(exp(shifted), {1}, true);
  const Function f = traced_function({m}, {user}, Mode::fast_run().with_linker("interp"));  // not decomposed
  EXPECT_EQ(times_fired(f, "softmax_of_max_shifted"), 1) << f.rewrite_trace().str();
  EXPECT_EQ(f.compiled_outputs()[0].node().op().name, "softmax");
  EXPECT_EQ(f.compiled_outputs()[0].node().inputs()[0], m);
  expect_values(f({arg})[0], want, 1e-15, "max-shifted");
  // The wrong axis in the denominator is not a softmax.
  const Function g = traced_function({m}, {exp(m) / sum(exp(m), {0}, true) + exp(m) / sum(exp(m), {1})});
  const auto out = g({Array::from_vector(std::vector<double>{0, 1, 2, 3}, {2, 2})})[0].to_vector<double>();
  const double e0 = 1, e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0);
  // sum over axis 1 (no keepdims) broadcasts along the last axis: element (i, j) / s[j].
  const std::vector<double> ref = {e0 / (e0 + e2) + e0 / (e0 + e1), e1 / (e1 + e3) + e1 / (e2 + e3),
                                   e2 / (e0 + e2) + e2 / (e0 + e1), e3 / (e1 + e3) + e3 / (e2 + e3)};
  expect_values(Array::from_vector(out), ref, 1e-14, "not softmax");
  // Gradient through the rewritten softmax is finite.
  const Variable c = sum(exp(x) / sum(exp(x)) * vec({1.0, 0.0}));
  expect_values(function({x}, {grad(c, x)})({vec({1000, 1000})})[0], {0.25, -0.25}, 1e-14, "gradient");
}

TEST(StabilizeTable, Row12LogSoftmaxAlsoThroughIndexing) {
  const Variable x = vector("x", DType::float64);
  expect_row({x}, log(softmax(x)), {vec({0, -1000})}, {0, -1000}, "log_softmax_from_log_softmax", "log(softmax(x))");
  expect_row({x}, log(softmax(x))[1], {vec({0, -1000})}, {-1000}, "log_softmax_from_log_softmax",
             "log(softmax(x))[1]");
  expect_row({x}, log(softmax(x)[1]), {vec({0, -1000})}, {-1000}, "log_softmax_through_indexing",
             "log(softmax(x)[1])");
  const Variable idx = constant(Array::from_vector(std::vector<std::int64_t>{1, 0, 1}));
  expect_row({x}, log(take(softmax(x), idx)), {vec({0, -1000})}, {-1000, 0, -1000}, "log_softmax_through_indexing",
             "log(take(softmax(x), idx))");
  const Variable m = matrix("m", DType::float64);
  const Variable rows = constant(Array::from_vector(std::vector<std::int64_t>{0, 1}));
  const Variable cols = constant(Array::from_vector(std::vector<std::int64_t>{1, 0}));
  expect_row({m}, log(softmax(m)[{rows, cols}]), {Array::from_vector(std::vector<double>{0, -1000, -1000, 0}, {2, 2})},
             {-1000, -1000}, "log_softmax_through_indexing", "log(softmax(m)[rows, cols])");
  // Gradient of log(softmax(x))[1] at [0, -1000]: one_hot(1) - softmax = [-1, 1].
  expect_values(function({x}, {grad(log(softmax(x))[1], x)})({vec({0, -1000})})[0], {-1, 1}, 1e-15, "gradient");
}

TEST(StabilizeTable, Row13NegativeLogLikelihoodIsTheFusedCrossEntropy) {
  const Variable z = matrix("z", DType::float64);
  const Variable y = vector("y", DType::int64);
  const Variable nll = -mean(log(softmax(z))[{arange(shape(z, 0)), y}]);
  const Array logits = Array::from_vector(std::vector<double>{0, 1000, 1000, 0, 5, 5}, {3, 2});
  const Array targets = Array::from_vector(std::vector<std::int64_t>{0, 0, 1});
  const double want = (1000 + 0 + std::log(2.0)) / 3;
  expect_row({z, y}, nll, {logits, targets}, {want}, "softmax_cross_entropy_from_indexed_log_softmax", "nll");
  for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
    const Function f = function({z, y}, {nll}, mode);
    bool fused = false;
    for (const auto& node : topological_order(f.compiled_outputs())) {
      fused = fused || node->op().name == "softmax_cross_entropy";
      EXPECT_NE(node->op().name, "neg") << f.graph_text();
    }
    EXPECT_TRUE(fused) << f.graph_text();
    // The gradient: (softmax(z) - one_hot(y)) / n, finite at a logit gap of 1000.
    const Array g = function({z, y}, {grad(nll, z)}, mode)({logits, targets})[0];
    expect_values(g, {-1.0 / 3, 1.0 / 3, 0, 0, 0.5 / 3, -0.5 / 3}, 1e-14, "gradient in " + mode.name);
  }
  // A static number of rows: arange(3) folds to a constant in FAST_RUN and still fuses.
  const Variable s = tensor("s", DType::float64, {3, 2});
  const Variable nll3 = -mean(log(softmax(s))[{arange(3), y}]);
  expect_row({s, y}, nll3, {logits, targets}, {want}, "softmax_cross_entropy_from_indexed_log_softmax", "static rows");
  // Fewer rows than z has is not the cross-entropy of z: left alone, and right.
  const Variable part = -mean(log(softmax(s))[{arange(2), y}]);
  const Function p = traced_function({s, y}, {part});
  EXPECT_EQ(times_fired(p, "softmax_cross_entropy_from_indexed_log_softmax"), 0);
  expect_values(p({logits, Array::from_vector(std::vector<std::int64_t>{1, 0})})[0], {0}, 1e-14, "two rows");
  // A target out of range is still an IndexError.
  testing::expect_error<IndexError>(
      [&] { function({z, y}, {nll})({logits, Array::from_vector(std::vector<std::int64_t>{0, 2, 1})}); }, {"2"});
}

TEST(StabilizeTable, Row18FactorsMoveInsideWhere) {
  const Variable x = scalar("x", DType::float64);
  // The gradient of where(x > 0, log(x), 0) at 0 is 0, not 0 * inf = NaN.
  const Variable g = grad(where(x > 0, log(x), 0), x);
  for (const Mode& mode : {Mode::fast_run(), Mode::fast_compile()}) {
    const Function f = traced_function({x}, {g}, mode);
    EXPECT_GE(times_fired(f, "mul_into_where_then"), 1) << f.rewrite_trace().str();
    EXPECT_EQ(f({Array::scalar(0.0)})[0].item<double>(), 0.0) << mode.name;
    EXPECT_EQ(f({Array::scalar(2.0)})[0].item<double>(), 0.5) << mode.name;
  }
  EXPECT_TRUE(std::isnan(function({x}, {g}, Mode::without_rewrites())({Array::scalar(0.0)})[0].item<double>()));
  // Each form fires and keeps the value where the selection keeps the element.
  const Variable v = vector("v", DType::float64);
  const Variable a = vector("a", DType::float64);
  const Array av = vec({1, -2, 0, 3, kInf, -1, 0.5});
  const Array aa = vec({2, 3, 4, 0, 5, kNaN, -kInf});
  const Variable c = v > 0;
  struct Form {
    Variable out;
    const char* rule;
  };
  const Form forms[] = {{a * where(c, 0, v), "mul_into_where_else"},
                        {where(c, 0, v) * a, "mul_into_where_else"},
                        {a * where(c, v, 0), "mul_into_where_then"},
                        {where(c, 0, v) / a, "div_into_where_else"},
                        {where(c, v, 0) / a, "div_into_where_then"}};
  for (const Form& form : forms) {
    const Function f = traced_function({v, a}, {form.out});
    EXPECT_EQ(times_fired(f, form.rule), 1) << form.rule;
    const auto got = f({av, aa})[0].to_vector<double>();
    const auto plain = function({v, a}, {form.out}, Mode::without_rewrites())({av, aa})[0].to_vector<double>();
    for (std::size_t i = 0; i < got.size(); ++i) {
      // Where the zero branch meets an inf or NaN factor, the result is 0, not NaN.
      if (std::isnan(plain[i]) && got[i] == 0) continue;
      EXPECT_TRUE(testing::same_value(got[i], plain[i], 1e-15)) << form.rule << " element " << i;
    }
  }
}

}  // namespace
}  // namespace hypatia
