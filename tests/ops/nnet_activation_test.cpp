// The activations and losses of hypatia/ops/nnet.hpp (src/ops/nnet_compose.cpp)
// against hand-written references in long double: relu, elu, selu, softsign,
// hard_sigmoid, sigmoid at saturation, categorical_crossentropy (integer and one-hot
// targets, softmax recognized), binary_crossentropy and sigmoid_binary_crossentropy at
// huge and tiny inputs (finite, no NaN), dtypes, non-contiguous inputs, shape
// inference, and the error messages.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_shape_inference;

using LD = long double;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kHuge = 1e308;

// Values where the naive formulas overflow, cancel or underflow, and NaN.
const std::vector<double> kEdges = {-kInf, -kHuge, -1000, -40,  -2.5,  -1e-300, 0,   1e-300,
                                    0.3,   2.5,    40,    1000, kHuge, kInf,    kNaN};

Variable input(DType t, int ndim, const char* name = "x") {
  return tensor(name, t, Shape(static_cast<std::size_t>(ndim), kUnknownDim));
}

std::vector<double> map(const std::vector<double>& xs, const std::function<LD(LD)>& f) {
  std::vector<double> out;
  for (double x : xs) out.push_back(static_cast<double>(f(x)));
  return out;
}

LD ref_elu(LD x, LD alpha) { return x > 0 ? x : alpha * std::expm1(x); }
LD ref_softplus(LD x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
// -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) = t softplus(-x) + (1 - t) softplus(x)
LD ref_sigmoid_bce(LD x, LD t) {
  LD on = t == 0 ? 0 : t * ref_softplus(-x);
  LD off = t == 1 ? 0 : (1 - t) * ref_softplus(x);
  return on + off;
}

void expect_unary(const std::function<Variable(const Variable&)>& op, const std::function<LD(LD)>& ref,
                  const std::vector<double>& xs = kEdges) {
  const Variable x = input(DType::float64, 1);
  expect_array(eval1({x}, op(x), {Array::from_vector(xs)}), DType::float64, {static_cast<std::int64_t>(xs.size())},
               map(xs, ref), 1e-15, 1e-300);
  // float32: the same formula at float32's range (its huge is 3e38).
  std::vector<double> xs32;
  for (double v : xs) xs32.push_back(std::abs(v) == kHuge ? std::copysign(3e38, v) : static_cast<float>(v));
  const Variable x32 = input(DType::float32, 1);
  expect_array(eval1({x32}, op(x32), {Array::from_vector(xs32).astype(DType::float32)}), DType::float32,
               {static_cast<std::int64_t>(xs.size())}, map(xs32, ref), 2e-6, 1e-37);
}

TEST(NnetActivation, Relu) {
  expect_unary([](const Variable& x) { return relu(x); }, [](LD x) { return std::isnan(x) ? x : std::max<LD>(x, 0); });
  expect_unary([](const Variable& x) { return relu(x, 0.1); }, [](LD x) { return x > 0 ? x : LD(0.1) * x; });
  // Integers: alpha 0 keeps the dtype, a leaky slope computes in float64 (NumPy's x * 0.5).
  const Variable i = input(DType::int32, 1);
  testing::expect_exact<std::int32_t>(eval1({i}, relu(i), {Array::from<std::int32_t>({-3, 0, 4})}), {3}, {0, 0, 4});
  expect_array(eval1({i}, relu(i, 0.5), {Array::from<std::int32_t>({-3, 0, 4})}), DType::float64, {3}, {-1.5, 0, 4});
}

TEST(NnetActivation, EluAndSelu) {
  expect_unary([](const Variable& x) { return elu(x); }, [](LD x) { return ref_elu(x, 1); });
  expect_unary([](const Variable& x) { return elu(x, 0.3); }, [](LD x) { return ref_elu(x, LD(0.3)); });
  const LD alpha = 1.6732632423543772848170429916717L;
  const LD scale = 1.0507009873554804934193349852946L;
  // selu(huge) = scale * huge overflows float64 exactly as the formula does; skip it.
  std::vector<double> xs = {-kInf, -kHuge, -1000, -2.5, -1e-300, 0, 1e-300, 2.5, 1000, 1e300, kNaN};
  expect_unary([](const Variable& x) { return selu(x); }, [&](LD x) { return scale * ref_elu(x, alpha); }, xs);
  // Known constant: selu(-inf) = -scale * alpha = -1.7580993408473766.
  const Variable x = input(DType::float64, 0);
  EXPECT_DOUBLE_EQ(eval1({x}, selu(x), {Array::scalar(-kInf)}).item<double>(), -1.7580993408473766);
}

TEST(NnetActivation, SoftsignHardSigmoidSigmoid) {
  // softsign(±inf) is inf / inf = NaN, as the formula (and Theano) give: left out.
  std::vector<double> finite(kEdges.begin() + 1, kEdges.end() - 2);
  finite.push_back(kNaN);
  expect_unary([](const Variable& x) { return softsign(x); }, [](LD x) { return x / (1 + std::abs(x)); }, finite);
  expect_unary([](const Variable& x) { return hard_sigmoid(x); },
               [](LD x) { return std::isnan(x) ? x : std::clamp<LD>(LD(0.2) * x + LD(0.5), 0, 1); });
  // sigmoid saturates without overflow: sigmoid(-1000) = 0, not 1 / inf computed via exp(1000).
  expect_unary([](const Variable& x) { return sigmoid(x); },
               [](LD x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); });
  const Variable i = input(DType::int8, 1);
  expect_array(eval1({i}, hard_sigmoid(i), {Array::from<std::int8_t>({-5, 0, 1, 5})}), DType::float64, {4},
               {0, 0.5, 0.7, 1});
}

TEST(NnetActivation, NonContiguousAndShapeInference) {
  const Array base = Array::from_vector(std::vector<double>{-3, -1, 0.5, 2, -0.25, 4}, {2, 3});
  const Array t = base.transpose();  // (3, 2)
  const Variable x = input(DType::float64, 2);
  const std::vector<double> flat = {-3, 2, -1, -0.25, 0.5, 4};  // t in C order
  expect_array(eval1({x}, elu(x), {t}), DType::float64, {3, 2}, map(flat, [](LD v) { return ref_elu(v, 1); }));
  expect_array(eval1({x}, relu(x, 0.5), {t.slice(0, 2, -4, -1)}), DType::float64, {3, 2},
               {0.5, 4, 0.5 * -1, 0.5 * -0.25, 0.5 * -3, 2});
  for (const Variable& out : {relu(x), elu(x), selu(x), softsign(x), hard_sigmoid(x)}) {
    expect_shape_inference({x}, out, {t});
  }
}

TEST(NnetLoss, CategoricalCrossentropy) {
  const Variable p = input(DType::float64, 2, "p");
  const Array probs = Array::from<double>({{0.2, 0.3, 0.5}, {0.1, 0.8, 0.1}});
  const Variable idx = input(DType::int64, 1, "y");
  expect_array(eval1({p, idx}, categorical_crossentropy(p, idx), {probs, Array::from<std::int64_t>({2, 1})}),
               DType::float64, {2}, {-std::log(0.5), -std::log(0.8)});
  const Variable one_hot = input(DType::float64, 2, "t");
  expect_array(
      eval1({p, one_hot}, categorical_crossentropy(p, one_hot), {probs, Array::from<double>({{0., 0, 1}, {0., 1, 0}})}),
      DType::float64, {2}, {-std::log(0.5), -std::log(0.8)});
  // Soft targets.
  expect_array(eval1({p, one_hot}, categorical_crossentropy(p, one_hot),
                     {probs, Array::from<double>({{0.5, 0.5, 0}, {0., 0, 1}})}),
               DType::float64, {2}, {-(0.5 * std::log(0.2) + 0.5 * std::log(0.3)), -std::log(0.1)});
  // Of a softmax, from the logits: finite at a gap of 2000 where softmax underflows to 0.
  const Variable z = input(DType::float64, 2, "z");
  const Array logits = Array::from<double>({{0., -1000, 1000}, {5., 5, 5}});
  expect_array(eval1({z, idx}, categorical_crossentropy(softmax(z), idx), {logits, Array::from<std::int64_t>({1, 0})}),
               DType::float64, {2}, {2000, std::log(3.0)});
  expect_array(eval1({z, one_hot}, categorical_crossentropy(softmax(z), one_hot),
                     {logits, Array::from<double>({{0., 1, 0}, {1., 0, 0}})}),
               DType::float64, {2}, {2000, std::log(3.0)});
  // Integer targets of any rank below a (..., k) distribution; float32 stays float32.
  const Variable p3 = input(DType::float32, 3, "p3");
  const Variable y2 = input(DType::int32, 2, "y2");
  const Array probs3 = Array::from<double>({{{0.25, 0.75}}, {{0.5, 0.5}}}).astype(DType::float32);
  expect_array(eval1({p3, y2}, categorical_crossentropy(p3, y2), {probs3, Array::from<std::int32_t>({{1}, {0}})}),
               DType::float32, {2, 1}, {-std::log(0.75), -std::log(0.5)}, 1e-6);
  expect_shape_inference({p, idx}, categorical_crossentropy(p, idx), {probs, Array::from<std::int64_t>({2, 1})});
}

TEST(NnetLoss, BinaryCrossentropy) {
  const Variable o = input(DType::float64, 1, "o");
  const Variable t = input(DType::float64, 1, "t");
  expect_array(eval1({o, t}, binary_crossentropy(o, t),
                     {Array::from<double>({0.2, 0.9, 0.5}), Array::from<double>({0., 1, 0.25})}),
               DType::float64, {3}, {-std::log(0.8), -std::log(0.9), -std::log(0.5)}, 1e-15);
  // Of a sigmoid, from the logits: binary_crossentropy(sigmoid(1000), 0) is 1000, where
  // the naive log(1 - sigmoid(1000)) = log(0) gives inf.
  const Variable z = input(DType::float64, 1, "z");
  expect_array(eval1({z, t}, binary_crossentropy(sigmoid(z), t),
                     {Array::from<double>({1000., -1000, 0}), Array::from<double>({0., 1, 1})}),
               DType::float64, {3}, {1000, 1000, std::log(2.0)});
}

TEST(NnetLoss, SigmoidBinaryCrossentropyAtEveryScale) {
  const std::vector<double> xs = {-kHuge, -1e20, -1000, -40, -1, -1e-300, 0, 1e-300, 1, 40, 1000, 1e20, kHuge};
  const Variable z = input(DType::float64, 1, "z");
  const Variable t = input(DType::float64, 0, "t");
  for (double target : {0.0, 1.0, 0.3}) {
    SCOPED_TRACE(target);
    std::vector<double> want;
    for (double x : xs) want.push_back(static_cast<double>(ref_sigmoid_bce(x, target)));
    // 4.2e-18 at x = 40, t = 1: relative accuracy, not just absolute (no cancellation).
    expect_array(eval1({z, t}, sigmoid_binary_crossentropy(z, t), {Array::from_vector(xs), Array::scalar(target)}),
                 DType::float64, {static_cast<std::int64_t>(xs.size())}, want, 1e-14);
  }
  // With rewrites on (the default mode) the value stays the same.
  const Array out = function(
      {z, t}, {sigmoid_binary_crossentropy(z, t)})({Array::from<double>({-kHuge, 40.0, kHuge}), Array::scalar(1.0)})[0];
  expect_array(out, DType::float64, {3}, {kHuge, static_cast<double>(ref_softplus(-40)), 0}, 1e-14);
  // NaN propagates; float32 stays float32.
  const Variable z32 = input(DType::float32, 1, "z32");
  const Variable t32 = input(DType::float32, 0, "t32");
  expect_array(eval1({z32, t32}, sigmoid_binary_crossentropy(z32, t32),
                     {Array::from<double>({kNaN, 3e38}).astype(DType::float32), Array::scalar(0.0f)}),
               DType::float32, {2}, {kNaN, 3e38}, 1e-6);
}

TEST(NnetLoss, Errors) {
  const Variable p = input(DType::float64, 2, "p");
  expect_error<TypeError>([&] { categorical_crossentropy(p, input(DType::float64, 1, "y")); },
                          {"categorical_crossentropy", "integer dtype", "float64", "_test.cpp"});
  expect_error<TypeError>([&] { categorical_crossentropy(p, input(DType::int64, 3, "y")); },
                          {"categorical_crossentropy", "rank (2", "not 3", "_test.cpp"});
  expect_error<TypeError>([&] { categorical_crossentropy(input(DType::float64, 0, "s"), input(DType::int64, 0)); },
                          {"categorical_crossentropy", "scalar", "_test.cpp"});
}

}  // namespace
}  // namespace hypatia
