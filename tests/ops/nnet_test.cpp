// The stable nnet ops (src/ops/nnet.cpp) against hand-written references in long
// double and known constants: logaddexp, log1mexp, logsumexp, softmax, log_softmax and
// the fused softmax cross-entropy; dtypes, axes, keepdims, empty and size-1 axes,
// non-contiguous inputs, infinities and NaN, shape inference, every error message.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_shape_inference;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLn2 = 0.69314718055994530942;

Variable input(DType t, int ndim, const char* name = "x") {
  return tensor(name, t, Shape(static_cast<std::size_t>(ndim), kUnknownDim));
}

Array f64(const std::vector<double>& v, const Shape& shape) { return Array::from_vector(v, shape); }

// Deterministic values in [lo, hi).
std::vector<double> draws(std::size_t n, std::uint64_t seed, double lo, double hi) {
  std::uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  std::vector<double> out(n);
  for (double& v : out) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    v = lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0;
  }
  return out;
}

// ---- references, in long double, over flat C-order values

using LD = long double;

double ref_logaddexp(double x, double y) {
  const LD m = std::max<LD>(x, y);
  return static_cast<double>(m + std::log(std::exp(LD(x) - m) + std::exp(LD(y) - m)));
}

// Slices of `shape` along the axes in `reduced`: for each kept position (C order),
// the flat indices of its slice (C order).
std::vector<std::vector<std::size_t>> slices(const Shape& shape, const std::vector<bool>& reduced) {
  std::size_t total = 1;
  for (std::int64_t s : shape) total *= static_cast<std::size_t>(s);
  std::size_t kept = 1;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (!reduced[d]) kept *= static_cast<std::size_t>(shape[d]);
  }
  std::vector<std::vector<std::size_t>> out(kept);
  std::vector<std::int64_t> idx(shape.size(), 0);
  for (std::size_t i = 0; i < total; ++i) {
    std::size_t k = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      if (!reduced[d]) k = k * static_cast<std::size_t>(shape[d]) + static_cast<std::size_t>(idx[d]);
    }
    out[k].push_back(i);
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

std::vector<bool> mask_of(int nd, const std::vector<int>& axes) {
  std::vector<bool> m(static_cast<std::size_t>(nd), false);
  for (int a : axes) m[static_cast<std::size_t>(a)] = true;
  return m;
}

// (m, log1p(the sum of the other terms' exp(x - m))), m the first largest: exact to
// long double's precision even when the other terms are tiny.
std::pair<LD, LD> ref_shifted(const std::vector<double>& v, const std::vector<std::size_t>& idx) {
  std::size_t arg = idx[0];
  for (std::size_t i : idx) {
    if (v[i] > v[arg]) arg = i;
  }
  const LD m = v[arg];
  LD s = 0;
  for (std::size_t i : idx) {
    if (i != arg) s += std::exp(LD(v[i]) - m);
  }
  return {m, std::log1p(s)};
}

LD ref_lse(const std::vector<double>& v, const std::vector<std::size_t>& idx) {
  const auto [m, log_s] = ref_shifted(v, idx);
  return m + log_s;
}

std::vector<double> ref_logsumexp(const std::vector<double>& v, const Shape& shape, const std::vector<int>& axes) {
  std::vector<double> out;
  for (const auto& idx : slices(shape, mask_of(static_cast<int>(shape.size()), axes))) {
    out.push_back(static_cast<double>(ref_lse(v, idx)));
  }
  return out;
}

std::vector<double> ref_softmax(const std::vector<double>& v, const Shape& shape, int axis, bool log) {
  std::vector<double> out(v.size());
  for (const auto& idx : slices(shape, mask_of(static_cast<int>(shape.size()), {axis}))) {
    const auto [m, log_s] = ref_shifted(v, idx);
    for (std::size_t i : idx) {
      const LD ls = (LD(v[i]) - m) - log_s;
      out[i] = static_cast<double>(log ? ls : std::exp(ls));
    }
  }
  return out;
}

// ---- logaddexp

TEST(NnetLogaddexp, KnownValues) {
  const Variable x = input(DType::float64, 1, "x");
  const Variable y = input(DType::float64, 1, "y");
  const Array a = f64({1000, -kInf, kInf, kInf, kNaN, 0, -1000, 1e-20, -745}, {9});
  const Array b = f64({1000, -kInf, kInf, -kInf, 1, 0, 0, 0, -745}, {9});
  expect_array(eval1({x, y}, logaddexp(x, y), {a, b}), DType::float64, {9},
               {1000.6931471805599, -kInf, kInf, kInf, kNaN, kLn2, 0, kLn2 + 0.5e-20, -745 + kLn2});
}

TEST(NnetLogaddexp, RandomAgainstReferenceWithBroadcasting) {
  const Variable x = input(DType::float64, 2, "x");
  const Variable y = input(DType::float64, 1, "y");
  const std::vector<double> xs = draws(3, 1, -30, 30);
  const std::vector<double> ys = draws(4, 2, -30, 30);
  std::vector<double> want;
  for (double a : xs) {
    for (double b : ys) want.push_back(ref_logaddexp(a, b));
  }
  expect_array(eval1({x, y}, logaddexp(x, y), {f64(xs, {3, 1}), f64(ys, {4})}), DType::float64, {3, 4}, want, 1e-14);
  // A literal takes the tensor's dtype.
  const Variable x32 = input(DType::float32, 1);
  expect_array(eval1({x32}, logaddexp(x32, 1000.0), {Array::from<float>({1000.0f})}), DType::float32, {1},
               {1000.6931471805599}, 1e-6);
}

TEST(NnetLogaddexp, DtypesAndNonContiguous) {
  // Integers compute in upcast_to_float (as exp does).
  const Variable i = input(DType::int32, 1);
  expect_array(eval1({i}, logaddexp(i, i), {Array::from<std::int32_t>({0, 5})}), DType::float64, {2},
               {kLn2, 5 + kLn2}, 1e-15);
  const Variable f = input(DType::float32, 1);
  const Array backwards = Array::from<float>({1, 2, 3, 4}).slice(0, 3, -5, -2);  // [4, 2]
  expect_array(eval1({f}, logaddexp(f, f), {backwards}), DType::float32, {2}, {4 + kLn2, 2 + kLn2}, 1e-6);
}

// ---- log1mexp

TEST(NnetLog1mexp, KnownValuesAndBothBranches) {
  const Variable x = input(DType::float64, 1);
  const Array a = f64({-1e-20, 0, 1, -kInf, kNaN, -1000, -kLn2, -0.5, -0.9, -3, -40}, {11});
  std::vector<double> want = {-46.051701859880914, -kInf, kNaN, 0, kNaN, -0.0};
  for (double v : {-kLn2, -0.5, -0.9, -3.0, -40.0}) {
    want.push_back(static_cast<double>(std::log1p(-std::exp(LD(v)))));
  }
  expect_array(eval1({x}, log1mexp(x), {a}), DType::float64, {11}, want, 1e-15);
}

TEST(NnetLog1mexp, Float32AndIntegers) {
  const Variable x = input(DType::float32, 1);
  expect_array(eval1({x}, log1mexp(x), {Array::from<float>({-1e-20f, -2.0f})}), DType::float32, {2},
               {-46.051701859880914, static_cast<double>(std::log1p(-std::exp(LD(-2))))}, 1e-6);
  const Variable i = input(DType::int64, 1);
  expect_array(eval1({i}, log1mexp(i), {Array::from<std::int64_t>({-1, 0, 1})}), DType::float64, {3},
               {static_cast<double>(std::log1p(-std::exp(LD(-1)))), -kInf, kNaN}, 1e-15);
}

// ---- logsumexp

TEST(NnetLogsumexp, KnownValues) {
  const Variable x = input(DType::float64, 2);
  const Array a = f64({1000, 1000, -kInf, -kInf, kInf, -kInf, kNaN, kInf, kInf, kInf, 0, -1000}, {6, 2});
  expect_array(eval1({x}, logsumexp(x, {1}), {a}), DType::float64, {6},
               {1000.6931471805599, -kInf, kInf, kNaN, kInf, 0});
}

TEST(NnetLogsumexp, AxesAndKeepdims) {
  const Shape shape{2, 3, 4};
  const std::vector<double> v = draws(24, 3, -50, 50);
  const Variable x = input(DType::float64, 3);
  struct Case {
    Axes axes;
    std::vector<int> normalized;
    Shape out, out_keep;
  };
  const Case cases[] = {
      {Axes(std::nullopt), {0, 1, 2}, {}, {1, 1, 1}},
      {Axes{0}, {0}, {3, 4}, {1, 3, 4}},
      {Axes{-1}, {2}, {2, 3}, {2, 3, 1}},
      {Axes{0, -1}, {0, 2}, {3}, {1, 3, 1}},
      {Axes{}, {}, {2, 3, 4}, {2, 3, 4}},
  };
  for (const Case& c : cases) {
    const std::vector<double> want = ref_logsumexp(v, shape, c.normalized);
    expect_array(eval1({x}, logsumexp(x, c.axes), {f64(v, shape)}), DType::float64, c.out, want, 1e-14);
    expect_array(eval1({x}, logsumexp(x, c.axes, true), {f64(v, shape)}), DType::float64, c.out_keep, want, 1e-14);
  }
}

TEST(NnetLogsumexp, EmptySizeOneNonContiguousAndDtypes) {
  const Variable x = input(DType::float64, 2);
  // An empty selection sums nothing: log(0) = -inf.
  expect_array(eval1({x}, logsumexp(x, {0}), {Array::zeros(DType::float64, {0, 3})}), DType::float64, {3},
               {-kInf, -kInf, -kInf});
  expect_array(eval1({x}, logsumexp(x, {1}), {Array::zeros(DType::float64, {0, 3})}), DType::float64, {0}, {});
  expect_array(eval1({x}, logsumexp(x, {1}), {f64({1, -2}, {2, 1})}), DType::float64, {2}, {1, -2});
  // Transposed and reversed.
  const std::vector<double> v = draws(12, 4, -5, 5);
  const Array t = f64(v, {3, 4}).transpose();  // (4, 3)
  std::vector<double> tv;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) tv.push_back(v[static_cast<std::size_t>(j * 4 + i)]);
  }
  expect_array(eval1({x}, logsumexp(x, {1}), {t}), DType::float64, {4}, ref_logsumexp(tv, {4, 3}, {1}), 1e-14);
  const Array rev = f64(v, {3, 4}).slice(1, 3, -5, -1);
  std::vector<double> rv;
  for (int i = 0; i < 3; ++i) {
    for (int j = 3; j >= 0; --j) rv.push_back(v[static_cast<std::size_t>(i * 4 + j)]);
  }
  expect_array(eval1({x}, logsumexp(x, {0}), {rev}), DType::float64, {4}, ref_logsumexp(rv, {3, 4}, {0}), 1e-14);
  // float32 stays float32 and does not overflow; integers compute in float64.
  const Variable x32 = input(DType::float32, 1);
  expect_array(eval1({x32}, logsumexp(x32), {Array::from<float>({1000, 1000})}), DType::float32, {},
               {1000.6931471805599}, 1e-6);
  const Variable i = input(DType::int64, 1);
  expect_array(eval1({i}, logsumexp(i), {Array::from<std::int64_t>({1, 2, 3})}), DType::float64, {},
               {static_cast<double>(ref_lse({1, 2, 3}, {0, 1, 2}))}, 1e-15);
}

// ---- softmax and log_softmax

TEST(NnetSoftmax, KnownValues) {
  const Variable x = input(DType::float64, 2);
  const Array a = f64({1000, 1000, -kInf, -kInf, kInf, 0, kNaN, 1, -kInf, 0}, {5, 2});
  expect_array(eval1({x}, softmax(x), {a}), DType::float64, {5, 2},
               {0.5, 0.5, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 0, 1});
  expect_array(eval1({x}, log_softmax(x), {a}), DType::float64, {5, 2},
               {-kLn2, -kLn2, kNaN, kNaN, kNaN, -kInf, kNaN, kNaN, -kInf, 0});
  const Variable v = input(DType::float64, 1);
  expect_array(eval1({v}, log_softmax(v), {f64({0, -1000}, {2})}), DType::float64, {2}, {0, -1000});
  expect_array(eval1({v}, softmax(v), {f64({0, -1000}, {2})}), DType::float64, {2}, {1, 0});
}

TEST(NnetSoftmax, AxesAgainstReference) {
  const Shape shape{2, 3, 4};
  const std::vector<double> v = draws(24, 5, -20, 20);
  const Variable x = input(DType::float64, 3);
  for (std::int64_t axis : {0, 1, 2, -1, -3}) {
    const int a = static_cast<int>(axis < 0 ? axis + 3 : axis);
    expect_array(eval1({x}, softmax(x, axis), {f64(v, shape)}), DType::float64, shape,
                 ref_softmax(v, shape, a, false), 1e-14, 1e-300);
    expect_array(eval1({x}, log_softmax(x, axis), {f64(v, shape)}), DType::float64, shape,
                 ref_softmax(v, shape, a, true), 1e-14);
  }
}

TEST(NnetSoftmax, EmptySizeOneNonContiguousAndDtypes) {
  const Variable x = input(DType::float64, 2);
  expect_array(eval1({x}, softmax(x), {Array::zeros(DType::float64, {2, 0})}), DType::float64, {2, 0}, {});
  expect_array(eval1({x}, log_softmax(x, 0), {Array::zeros(DType::float64, {0, 3})}), DType::float64, {0, 3}, {});
  expect_array(eval1({x}, softmax(x), {f64({7, -3}, {2, 1})}), DType::float64, {2, 1}, {1, 1});
  expect_array(eval1({x}, log_softmax(x), {f64({7, -3}, {2, 1})}), DType::float64, {2, 1}, {0, 0});
  const std::vector<double> v = draws(12, 6, -5, 5);
  const Array t = f64(v, {3, 4}).transpose();  // (4, 3): row i is column i of v
  std::vector<double> tv;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) tv.push_back(v[static_cast<std::size_t>(j * 4 + i)]);
  }
  expect_array(eval1({x}, softmax(x), {t}), DType::float64, {4, 3}, ref_softmax(tv, {4, 3}, 1, false), 1e-14);
  expect_array(eval1({x}, log_softmax(x, 0), {t}), DType::float64, {4, 3}, ref_softmax(tv, {4, 3}, 0, true), 1e-14);
  const Variable x32 = input(DType::float32, 1);
  expect_array(eval1({x32}, softmax(x32), {Array::from<float>({1000, 1000})}), DType::float32, {2}, {0.5, 0.5});
  expect_array(eval1({x32}, log_softmax(x32), {Array::from<float>({0, -1000})}), DType::float32, {2}, {0, -1000});
  const Variable i = input(DType::int32, 1);
  expect_array(eval1({i}, softmax(i), {Array::from<std::int32_t>({1, 2})}), DType::float64, {2},
               ref_softmax({1, 2}, {2}, 0, false), 1e-15);
}

// ---- softmax_cross_entropy

TEST(NnetCrossEntropy, GapOf1000) {
  const Variable z = input(DType::float64, 2);
  const Variable y = input(DType::int64, 1, "y");
  const Array logits = f64({0, 1000, 1000, 0, 0, 0}, {3, 2});
  expect_array(eval1({z, y}, softmax_cross_entropy(z, y), {logits, Array::from<std::int64_t>({0, 0, 1})}),
               DType::float64, {3}, {1000, 0, kLn2});
  const Variable z32 = input(DType::float32, 2);
  expect_array(eval1({z32, y}, softmax_cross_entropy(z32, y),
                     {logits.astype(DType::float32), Array::from<std::int64_t>({0, 1, 1})}),
               DType::float32, {3}, {1000, 1000, kLn2}, 1e-6);
}

TEST(NnetCrossEntropy, AgainstReferenceAnyRankAndTargetDtype) {
  const std::vector<double> v = draws(24, 7, -30, 30);
  const Shape shape{2, 3, 4};
  const std::vector<double> ls = ref_softmax(v, shape, 2, true);
  const std::vector<std::int64_t> targets = {3, 0, 2, 1, 1, 3};
  std::vector<double> want;
  for (std::size_t r = 0; r < 6; ++r) want.push_back(-ls[r * 4 + static_cast<std::size_t>(targets[r])]);
  const Variable z = input(DType::float64, 3);
  for (DType t : {DType::int64, DType::int32, DType::uint8, DType::int8, DType::uint64}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Variable y = input(t, 2, "y");
    const Array ya = Array::from_vector(targets, {2, 3}).astype(t);
    expect_array(eval1({z, y}, softmax_cross_entropy(z, y), {f64(v, shape), ya}), DType::float64, {2, 3}, want,
                 1e-13);
  }
  // One row: a vector of logits and a scalar target.
  const Variable z1 = input(DType::float64, 1);
  const Variable y0 = input(DType::int64, 0, "y");
  expect_array(eval1({z1, y0}, softmax_cross_entropy(z1, y0), {f64({1, 2, 3}, {3}), Array::scalar(std::int64_t{2})}),
               DType::float64, {}, {static_cast<double>(ref_lse({1, 2, 3}, {0, 1, 2}) - 3)}, 1e-15);
}

TEST(NnetCrossEntropy, EmptyNonContiguousAndIntegerLogits) {
  const Variable z = input(DType::float64, 2);
  const Variable y = input(DType::int64, 1, "y");
  expect_array(eval1({z, y}, softmax_cross_entropy(z, y),
                     {Array::zeros(DType::float64, {0, 3}), Array::zeros(DType::int64, {0})}),
               DType::float64, {0}, {});
  // Transposed logits, reversed targets.
  const std::vector<double> v = draws(6, 8, -3, 3);
  const Array t = f64(v, {3, 2}).transpose();  // (2, 3): row i is column i
  const Array targets = Array::from<std::int64_t>({2, 0, 1}).slice(0, 2, -4, -1);  // [1, 0, 2]
  const Array rows = targets.slice(0, 0, 2);                                          // [1, 0]
  std::vector<double> want;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::vector<double> row = {v[i], v[2 + i], v[4 + i]};
    want.push_back(static_cast<double>(ref_lse(row, {0, 1, 2}) - row[static_cast<std::size_t>(rows.to_vector<std::int64_t>()[i])]));
  }
  expect_array(eval1({z, y}, softmax_cross_entropy(z, y), {t, rows}), DType::float64, {2}, want, 1e-14);
  const Variable zi = input(DType::int32, 2);
  expect_array(eval1({zi, y}, softmax_cross_entropy(zi, y),
                     {Array::from<std::int32_t>({{0, 1}}), Array::from<std::int64_t>({1})}),
               DType::float64, {1}, {static_cast<double>(std::log1p(std::exp(LD(-1))))}, 1e-15);
}

// ---- shape inference

TEST(NnetShapes, SymbolicShapeInference) {
  const Variable x = input(DType::float64, 3);
  const Array a = f64(draws(24, 9, -1, 1), {2, 3, 4});
  expect_shape_inference({x}, logsumexp(x, {1}), {a});
  expect_shape_inference({x}, logsumexp(x, {0, 2}, true), {a});
  expect_shape_inference({x}, logsumexp(x), {a});
  expect_shape_inference({x}, softmax(x, 1), {a});
  expect_shape_inference({x}, log_softmax(x), {a});
  expect_shape_inference({x}, log1mexp(x), {a});
  const Variable y = input(DType::float64, 1, "y");
  expect_shape_inference({x, y}, logaddexp(x, y), {a, f64({1, 2, 3, 4}, {4})});
  const Variable t = input(DType::int64, 2, "t");
  expect_shape_inference({x, t}, softmax_cross_entropy(x, t), {a, Array::zeros(DType::int64, {2, 3})});
  // Static shapes.
  const Variable s = tensor("s", DType::float32, {5, kUnknownDim});
  EXPECT_EQ(logsumexp(s, {1}).type().shape, (Shape{5}));
  EXPECT_EQ(logsumexp(s, {0}, true).type().shape, (Shape{1, kUnknownDim}));
  EXPECT_EQ(softmax(s).type(), (Type{DType::float32, {5, kUnknownDim}}));
  const Variable ts = tensor("t", DType::int32, {kUnknownDim});
  EXPECT_EQ(softmax_cross_entropy(s, ts).type(), (Type{DType::float32, {5}}));
}

// ---- errors, one per message

TEST(NnetErrors, AxisOutOfBounds) {
  const Variable x = input(DType::float64, 2);
  expect_error<IndexError>([&] { logsumexp(x, {2}); },
                           {"nnet_test.cpp", "logsumexp", "axis 2 is out of bounds for array of dimension 2"});
  expect_error<IndexError>([&] { softmax(x, -3); },
                           {"nnet_test.cpp", "softmax", "axis -3 is out of bounds for array of dimension 2"});
  expect_error<IndexError>([&] { log_softmax(x, 2); },
                           {"nnet_test.cpp", "log_softmax", "axis 2 is out of bounds for array of dimension 2"});
  const Variable s = input(DType::float64, 0);
  expect_error<IndexError>([&] { softmax(s); },
                           {"nnet_test.cpp", "softmax", "axis -1 is out of bounds for array of dimension 0"});
}

TEST(NnetErrors, RepeatedAxis) {
  const Variable x = input(DType::float64, 2);
  expect_error<ValueError>([&] { logsumexp(x, {1, -1}); }, {"nnet_test.cpp", "logsumexp", "repeated axis 1"});
}

TEST(NnetErrors, CrossEntropyScalarLogits) {
  const Variable z = input(DType::float64, 0);
  const Variable y = input(DType::int64, 0, "y");
  expect_error<ValueError>([&] { softmax_cross_entropy(z, y); },
                           {"nnet_test.cpp", "softmax_cross_entropy", "logits must have at least one axis"});
}

TEST(NnetErrors, CrossEntropyFloatTargets) {
  const Variable z = input(DType::float64, 2);
  const Variable y = input(DType::float64, 1, "y");
  expect_error<TypeError>([&] { softmax_cross_entropy(z, y); },
                          {"nnet_test.cpp", "softmax_cross_entropy", "targets must be integers", "float64"});
}

TEST(NnetErrors, CrossEntropyShapes) {
  const Variable z = tensor("z", DType::float64, {2, 3});
  const Variable y = tensor("y", DType::int64, {3});
  expect_error<ShapeError>([&] { softmax_cross_entropy(z, y); },
                           {"nnet_test.cpp", "softmax_cross_entropy", "targets of shape (3,)",
                            "logits of shape (2, 3)", "expected (2,)"});
  // Known only at run time.
  const Variable zu = input(DType::float64, 2);
  const Variable yu = input(DType::int64, 1, "y");
  expect_error<ShapeError>(
      [&] {
        eval1({zu, yu}, softmax_cross_entropy(zu, yu),
              {Array::zeros(DType::float64, {2, 3}), Array::zeros(DType::int64, {3})});
      },
      {"nnet_test.cpp", "softmax_cross_entropy", "targets of shape (3,)"});
}

TEST(NnetErrors, CrossEntropyTargetOutOfRange) {
  const Variable z = input(DType::float64, 2);
  const Variable y = input(DType::int64, 1, "y");
  const Array logits = Array::zeros(DType::float64, {2, 3});
  expect_error<IndexError>(
      [&] { eval1({z, y}, softmax_cross_entropy(z, y), {logits, Array::from<std::int64_t>({0, 3})}); },
      {"nnet_test.cpp", "softmax_cross_entropy", "target 3 is out of bounds for 3 classes"});
  expect_error<IndexError>(
      [&] { eval1({z, y}, softmax_cross_entropy(z, y), {logits, Array::from<std::int64_t>({-1, 0})}); },
      {"target -1 is out of bounds for 3 classes"});
}

}  // namespace
}  // namespace hypatia
