// Gradients of the activations and losses of hypatia/ops/nnet.hpp (compositions in
// src/ops/nnet_compose.cpp): verify_grad for each in float64 and float32, through
// non-contiguous inputs, and finite known gradients at huge inputs where a naive
// composition gives inf * 0 = NaN.
#include <cmath>
#include <cstdint>
#include <vector>

#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

void verify_both(const Fun& fun, const std::vector<Array>& point) {
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  verify_grad(fun, p32);
}

// Values in [lo, hi) kept away from 0, where relu, elu and the losses' branches meet.
Array away_from_zero(const Shape& s, std::uint64_t seed, double lo = -3, double hi = 3) {
  std::vector<double> v = draws(static_cast<std::size_t>(shape_size(s)), seed, lo, hi);
  for (double& x : v) {
    if (std::abs(x) < 0.1) x += x < 0 ? -0.2 : 0.2;
  }
  return array_of(v, s);
}

TEST(NnetActivationVerifyGrad, Activations) {
  const Array x = away_from_zero({3, 4}, 1);
  verify_both([](const V& v) { return relu(v[0]); }, {x});
  verify_both([](const V& v) { return relu(v[0], 0.2); }, {x});
  verify_both([](const V& v) { return elu(v[0]); }, {x});
  verify_both([](const V& v) { return elu(v[0], 0.5); }, {x.transpose()});
  verify_both([](const V& v) { return selu(v[0]); }, {x.slice(0, 2, -4, -1)});
  verify_both([](const V& v) { return softsign(v[0]); }, {x});
  verify_both([](const V& v) { return sigmoid(v[0]); }, {x});
  // hard_sigmoid's kinks are at +-2.5: points inside and outside them.
  verify_both([](const V& v) { return hard_sigmoid(v[0]); }, {Array::from<double>({-4.0, -1.0, 0.3, 2.0, 3.5})});
}

TEST(NnetActivationVerifyGrad, Losses) {
  const Array probs = Array::from<double>({{0.2, 0.3, 0.5}, {0.1, 0.6, 0.3}});
  const Array classes = Array::from<std::int64_t>({2, 0});
  const Array one_hot = Array::from<double>({{0., 0, 1}, {1., 0, 0}});
  verify_both([&](const V& v) { return categorical_crossentropy(v[0], constant(classes)); }, {probs});
  verify_both([&](const V& v) { return categorical_crossentropy(v[0], constant(one_hot)); }, {probs});
  verify_both([&](const V& v) { return categorical_crossentropy(softmax(v[0]), constant(classes)); },
              {away_from_zero({2, 3}, 2)});
  // With respect to soft targets as well.
  verify_grad([](const V& v) { return categorical_crossentropy(softmax(v[0]), v[1]); },
              {away_from_zero({2, 3}, 3), Array::from<double>({{0.2, 0.3, 0.5}, {0.6, 0.2, 0.2}})});
  const Array out = Array::from<double>({0.2, 0.7, 0.9});
  const Array target = Array::from<double>({0.0, 1.0, 0.4});
  verify_both([](const V& v) { return binary_crossentropy(v[0], v[1]); }, {out, target});
  verify_both([](const V& v) { return binary_crossentropy(sigmoid(v[0]), v[1]); }, {away_from_zero({3}, 4), target});
  verify_both([](const V& v) { return sigmoid_binary_crossentropy(v[0], v[1]); },
              {away_from_zero({2, 3}, 5), Array::from<double>({0.0, 1.0, 0.3})});
}

// ---- huge inputs: finite gradients with known values

std::vector<double> gradient_at(const Fun& fun, const Array& point) {
  const Variable x = tensor("x", point.dtype(), point.shape());
  return eval1({x}, grad(sum(fun({x})), x), {point}).to_vector<double>();
}

void expect_values(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(std::isfinite(got[i])) << "element " << i;
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
  }
}

TEST(NnetActivationExtremeGrad, HugeInputs) {
  const Array big = Array::from<double>({-1e308, -1000.0, 1000.0, 1e308});
  expect_values(gradient_at([](const V& v) { return elu(v[0]); }, big), {0, 0, 1, 1});
  expect_values(gradient_at([](const V& v) { return selu(v[0]); }, Array::from<double>({-1e308, 1e300})),
                {0, 1.0507009873554805});
  expect_values(gradient_at([](const V& v) { return relu(v[0], 0.1); }, big), {0.1, 0.1, 1, 1});
  expect_values(gradient_at([](const V& v) { return sigmoid(v[0]); }, big), {0, 0, 0, 0});
  expect_values(gradient_at([](const V& v) { return softsign(v[0]); }, Array::from<double>({-1e200, 1e200})), {0, 0});
  expect_values(gradient_at([](const V& v) { return hard_sigmoid(v[0]); }, big), {0, 0, 0, 0});
  // d/dx sigmoid_bce(x, t) = sigmoid(x) - t.
  expect_values(gradient_at([](const V& v) { return sigmoid_binary_crossentropy(v[0], 1.0); }, big), {-1, -1, 0, 0});
  expect_values(gradient_at([](const V& v) { return sigmoid_binary_crossentropy(v[0], 0.0); }, big), {0, 0, 1, 1});
  expect_values(gradient_at([](const V& v) { return binary_crossentropy(sigmoid(v[0]), 0.25); }, big),
                {-0.25, -0.25, 0.75, 0.75});
  // d/dz of the cross-entropy of softmax(z) is softmax(z) - one_hot: at a logit gap of
  // 2000, [0, 0, 1] - [0, 1, 0].
  const Array logits = Array::from<double>({{0., -1000, 1000}});
  expect_values(
      gradient_at([](const V& v) { return categorical_crossentropy(softmax(v[0]), Array::from<std::int64_t>({1})); },
                  logits),
      {0, -1, 1});
  expect_values(gradient_at(
                    [](const V& v) {
                      return categorical_crossentropy(softmax(v[0]), Array::from<double>({{0., 1, 0}}));
                    },
                    logits),
                {0, -1, 1});
}

}  // namespace
}  // namespace hypatia::testing
