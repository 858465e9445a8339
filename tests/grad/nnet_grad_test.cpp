// Gradients of the stable nnet ops (src/ops/nnet.cpp): verify_grad for each, the vjp,
// jvp and batch rules one by one, and finite gradients with known values at the
// extreme inputs where the naive formulas give inf or NaN.
#include <cmath>
#include <cstdint>
#include <vector>

#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

void verify_both(const Fun& fun, const std::vector<Array>& point) {
  SCOPED_TRACE(fun(inputs_for(point)).node().op().name);
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  // A wider step than float32's default 3e-4: these costs sum a dozen float32 terms
  // of order 1, whose rounding makes the default step's differences ~1% noisy (the
  // softmax case missed 1% by a hair on the cpu backend, which rounds its sums
  // differently from the interpreter).
  VerifyGradOptions wide;
  wide.eps = 1e-3;
  verify_grad(fun, p32, wide);
}

Array pt(const Shape& s, std::uint64_t seed, double lo = -2, double hi = 2) {
  return random_array(s, seed, DType::float64, lo, hi);
}

const Array kTargets = Array::from<std::int64_t>({2, 0, 3});

TEST(NnetVerifyGrad, Elementwise) {
  verify_both([](const V& v) { return logaddexp(v[0], v[1]); }, {pt({3, 1}, 1), pt({4}, 2)});
  verify_both([](const V& v) { return log1mexp(v[0]); }, {pt({2, 3}, 3, -3, -0.1)});
  // Both branches of log1mexp, either side of -ln 2.
  verify_both([](const V& v) { return log1mexp(v[0]); }, {Array::from<double>({-0.2, -0.6, -0.8, -5})});
  verify_both([](const V& v) { return logaddexp(v[0], 3.0); }, {pt({4, 3}, 4).transpose()});
}

TEST(NnetVerifyGrad, Logsumexp) {
  const Array x = pt({2, 3, 4}, 5);
  for (const Axes& ax : {Axes(std::nullopt), Axes{0}, Axes{-1}, Axes{0, 2}}) {
    for (bool keep : {false, true}) verify_both([&](const V& v) { return logsumexp(v[0], ax, keep); }, {x});
  }
  verify_both([](const V& v) { return logsumexp(v[0], {1}); }, {pt({4, 3}, 6).slice(1, 2, -4, -1)});
}

TEST(NnetVerifyGrad, SoftmaxAndLogSoftmax) {
  const Array x = pt({2, 3, 4}, 7);
  for (std::int64_t axis : {0, 1, -1}) {
    verify_both([&](const V& v) { return softmax(v[0], axis); }, {x});
    verify_both([&](const V& v) { return log_softmax(v[0], axis); }, {x});
  }
  verify_both([](const V& v) { return softmax(v[0]); }, {pt({4, 3}, 8).transpose()});
  verify_both([](const V& v) { return log_softmax(v[0], 0); }, {pt({4, 3}, 9).transpose()});
}

TEST(NnetVerifyGrad, CrossEntropy) {
  verify_both([](const V& v) { return softmax_cross_entropy(v[0], constant(kTargets)); }, {pt({3, 4}, 10)});
  verify_both([](const V& v) { return softmax_cross_entropy(v[0], constant(kTargets)); },
              {pt({4, 3}, 11).transpose()});
  verify_both(
      [](const V& v) { return softmax_cross_entropy(v[0], constant(Array::from<std::int32_t>({{1, 0}, {2, 2}}))); },
      {pt({2, 2, 3}, 12)});
}

// Each rule on its own: vjp and jvp against central differences, batch against the op
// applied element by element.
TEST(NnetRules, VjpJvpBatch) {
  const Array x = pt({3, 4}, 13);
  const std::vector<Fun> unary = {
      [](const V& v) { return logsumexp(v[0], {1}); },
      [](const V& v) { return logsumexp(v[0], {0}, true); },
      [](const V& v) { return logsumexp(v[0]); },
      [](const V& v) { return softmax(v[0]); },
      [](const V& v) { return softmax(v[0], 0); },
      [](const V& v) { return log_softmax(v[0]); },
      [](const V& v) { return log_softmax(v[0], 0); },
      [](const V& v) { return softmax_cross_entropy(v[0], constant(kTargets)); },
  };
  for (const Fun& f : unary) {
    SCOPED_TRACE(f(inputs_for({x})).node().op().name);
    check_vjp(f, {x});
    check_vjp(f, {x}, false);
    check_jvp(f, {x});
    check_batch(f, {pt({2, 3, 4}, 14)}, {true});
  }
  const Array neg = pt({3, 4}, 15, -3, -0.1);
  check_vjp([](const V& v) { return log1mexp(v[0]); }, {neg});
  check_jvp([](const V& v) { return log1mexp(v[0]); }, {neg});
  check_vjp([](const V& v) { return logaddexp(v[0], v[1]); }, {x, pt({3, 4}, 16)});
  check_jvp([](const V& v) { return logaddexp(v[0], v[1]); }, {x, pt({3, 4}, 16)});
  check_batch([](const V& v) { return logaddexp(v[0], v[1]); }, {pt({2, 3, 4}, 17), pt({4}, 18)}, {true, false});
}

TEST(NnetRules, CrossEntropyBatch) {
  const Fun f = [](const V& v) { return softmax_cross_entropy(v[0], v[1]); };
  const Array logits = pt({3, 4}, 19);
  const Array batched_logits = pt({2, 3, 4}, 20);
  const Array batched_targets = Array::from<std::int64_t>({{2, 0, 3}, {1, 1, 0}});
  check_batch(f, {batched_logits, kTargets}, {true, false});
  check_batch(f, {logits, batched_targets}, {false, true});
  check_batch(f, {batched_logits, batched_targets}, {true, true});
  check_batch(f, {batched_logits, kTargets}, {true, false}, 1e-12, false);
}

// ---- extreme inputs: finite, known gradients where the naive forms overflow

std::vector<double> gradient_at(const Fun& fun, const Array& point) {
  const Variable x = tensor("x", point.dtype(), point.shape());
  const Variable cost = sum(fun({x}));
  return eval1({x}, grad(cost, x), {point}).to_vector<double>();
}

void expect_values(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(std::isfinite(got[i])) << "element " << i;
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
  }
}

TEST(NnetExtremeGrad, LogaddexpAndLogsumexpAt1000) {
  const Array big = Array::from<double>({1000, 1000});
  expect_values(gradient_at([](const V& v) { return logaddexp(v[0], v[0] - 1000.0); }, big), {1, 1});
  expect_values(gradient_at([](const V& v) { return logsumexp(v[0]); }, big), {0.5, 0.5});
  expect_values(gradient_at([](const V& v) { return logsumexp(v[0]); }, Array::from<double>({-1000, 0})), {0, 1});
  for (DType t : {DType::float32, DType::float64}) {
    expect_values(gradient_at([](const V& v) { return logaddexp(v[0], 1000.0); }, big.astype(t)), {0.5, 0.5}, 1e-6);
    expect_values(gradient_at([](const V& v) { return logsumexp(v[0]); }, big.astype(t)), {0.5, 0.5}, 1e-6);
  }
}

TEST(NnetExtremeGrad, SoftmaxAndLogSoftmax) {
  // d sum(log_softmax(x)) / dx = 1 - n softmax(x): at [0, -1000], [1 - 2, 1 - 0].
  expect_values(gradient_at([](const V& v) { return log_softmax(v[0]); }, Array::from<double>({0, -1000})), {-1, 1});
  // sum(softmax(x)) is 1: gradient 0, not NaN.
  expect_values(gradient_at([](const V& v) { return softmax(v[0]); }, Array::from<double>({1000, 1000})), {0, 0});
  expect_values(gradient_at([](const V& v) { return softmax(v[0]) * Array::from<double>({1, 0}); },
                            Array::from<double>({1000, 1000})),
                {0.25, -0.25});
}

TEST(NnetExtremeGrad, CrossEntropyAtGap1000) {
  // softmax - one_hot: [1, 0] - [1, 0] and [1, 0] - [0, 1].
  const Array logits = Array::from<double>({{1000, 0}, {1000, 0}});
  const Array y = Array::from<std::int64_t>({0, 1});
  for (DType t : {DType::float32, DType::float64}) {
    expect_values(gradient_at([&](const V& v) { return softmax_cross_entropy(v[0], constant(y)); }, logits.astype(t)),
                  {0, 0, 1, -1});
  }
}

TEST(NnetExtremeGrad, Log1mexpNearZero) {
  // d/dx log(1 - e^x) = -1 / expm1(-x): about -1/|x| for tiny x, -inf-free elsewhere.
  expect_values(gradient_at([](const V& v) { return log1mexp(v[0]); }, Array::from<double>({-1e-20, -1000})),
                {-1e20, -0.0}, 1e4);
}

}  // namespace
}  // namespace hypatia::testing
