// one_hot and bincount against hand-written loops: label and weight dtypes, shapes
// (0-d, stacks, empty), non-contiguous inputs, data-dependent lengths and their
// symbolic shapes, and each error message.
#include "hypatia/ops/matrix.hpp"

#include <cmath>
#include <limits>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

// one_hot by hand: a row of n per label.
std::vector<double> ref_one_hot(const std::vector<std::int64_t>& labels, std::int64_t n) {
  std::vector<double> out;
  for (std::int64_t l : labels) {
    for (std::int64_t j = 0; j < n; ++j) out.push_back(j == l ? 1 : 0);
  }
  return out;
}

// ---- one_hot

TEST(OneHot, LabelAndOutputDTypes) {
  const std::vector<std::int64_t> labels{2, 0, 1, 2, 3};
  for (DType in : {DType::int8, DType::uint8, DType::int16, DType::int32, DType::int64, DType::uint32, DType::uint64}) {
    for (DType out : {DType::bool_, DType::int32, DType::uint8, DType::float32, DType::float64}) {
      SCOPED_TRACE(std::string(dtype_name(in)) + " -> " + std::string(dtype_name(out)));
      const Variable x = vector("x", in);
      const Variable y = one_hot(x, 4, out);
      EXPECT_EQ(y.type(), (Type{out, {kUnknownDim, 4}}));
      expect_array(eval1({x}, y, {Array::from_vector(labels).astype(in)}), out, {5, 4}, ref_one_hot(labels, 4));
    }
  }
  EXPECT_EQ(one_hot(vector("x", int64), 3).dtype(), floatX());
}

TEST(OneHot, ShapesNonContiguousAndSymbolicN) {
  const Variable x = matrix("x", int32);
  const Variable n = scalar("n", int64);
  const Variable y = one_hot(x, n, int8);
  EXPECT_EQ(y.type(), (Type{int8, {kUnknownDim, kUnknownDim, kUnknownDim}}));
  const Array a = Array::from<std::int32_t>({{0, 1, 2}, {2, 2, 0}});
  const Array at = a.transpose();  // [[0 2] [1 2] [2 0]]
  expect_array(eval1({x, n}, y, {at, Array::scalar<std::int64_t>(3)}), int8, {3, 2, 3},
               ref_one_hot({0, 2, 1, 2, 2, 0}, 3));
  expect_shape_inference({x, n}, y, {at, Array::scalar<std::int64_t>(5)});
  // 0-d labels, empty labels, zero classes.
  const Variable s = scalar("s", int64);
  expect_array(eval1({s}, one_hot(s, 3), {Array::scalar<std::int64_t>(1)}), floatX(), {3}, {0, 1, 0});
  expect_array(eval1({x, n}, y, {Array::zeros(int32, {0, 4}), Array::scalar<std::int64_t>(0)}), int8, {0, 4, 0}, {});
  EXPECT_EQ(one_hot(tensor("t", uint8, {2, 0}), 0).type(), (Type{floatX(), {2, 0, 0}}));
}

TEST(OneHot, ErrorLabelOutOfRange) {
  const Variable x = vector("x", int64);
  expect_error<IndexError>([&] { eval1({x}, one_hot(x, 3), {Array::from<std::int64_t>({0, 5})}); },
                           {"one_hot", "label 5 is out of range for 3 classes", "counting_test.cpp"});
  expect_error<IndexError>([&] { eval1({x}, one_hot(x, 3), {Array::from<std::int64_t>({-1})}); },
                           {"label -1 is out of range for 3 classes"});
  const Variable u = vector("u", uint64);
  expect_error<IndexError>(
      [&] { eval1({u}, one_hot(u, 2), {Array::from<std::uint64_t>({18446744073709551615ULL})}); },
      {"label 18446744073709551615 is out of range for 2 classes"});
}

TEST(OneHot, ErrorNonIntegerLabels) {
  expect_error<TypeError>([] { one_hot(vector("x", float64), 3); },
                          {"counting_test.cpp", "one_hot", "labels must be integers, not float64 (?,)"});
  expect_error<TypeError>([] { one_hot(vector("x", bool_), 3); }, {"labels must be integers, not bool"});
}

TEST(OneHot, ErrorNegativeClasses) {
  expect_error<ValueError>([] { one_hot(vector("x", int64), -2); },
                           {"counting_test.cpp", "one_hot", "number of classes must be non-negative, not -2"});
  const Variable x = vector("x", int64), n = scalar("n", int64);
  expect_error<ValueError>(
      [&] { eval1({x, n}, one_hot(x, n), {Array::zeros(int64, {0}), Array::scalar<std::int64_t>(-1)}); },
      {"one_hot", "non-negative, not -1"});
}

// ---- bincount

TEST(Bincount, CountsOverDTypesAndMinlength) {
  const std::vector<std::int64_t> vals{1, 3, 1, 0, 3, 3};
  for (DType d : {DType::int8, DType::uint8, DType::int32, DType::uint32, DType::int64}) {
    SCOPED_TRACE(dtype_name(d));
    const Variable x = vector("x", d);
    const Array a = Array::from_vector(vals).astype(d);
    const Variable y = bincount(x);
    EXPECT_EQ(y.type(), (Type{int64, {kUnknownDim}}));
    expect_exact<std::int64_t>(eval1({x}, y, {a}), {4}, {1, 2, 0, 3});
    expect_exact<std::int64_t>(eval1({x}, bincount(x, std::nullopt, 6), {a}), {6}, {1, 2, 0, 3, 0, 0});
    expect_exact<std::int64_t>(eval1({x}, bincount(x, std::nullopt, 2), {a}), {4}, {1, 2, 0, 3});
    expect_shape_inference({x}, bincount(x, std::nullopt, 6), {a});
  }
  const Variable b = vector("b", bool_);
  expect_exact<std::int64_t>(eval1({b}, bincount(b), {Array::from_vector(std::vector<bool>{true, false, true})}), {2},
                             {1, 2});
}

TEST(Bincount, Weights) {
  const Variable x = vector("x", int64);
  const Array a = Array::from<std::int64_t>({2, 0, 2, 4});
  for (DType wd : {DType::bool_, DType::int32, DType::float32, DType::float64}) {
    SCOPED_TRACE(dtype_name(wd));
    const Variable w = vector("w", wd);
    const Array wa = Array::from({1.0, 0.0, 1.0, 1.0}).astype(wd);
    const Variable y = bincount(x, w, 2);
    EXPECT_EQ(y.type(), (Type{float64, {kUnknownDim}}));
    expect_array(eval1({x, w}, y, {a, wa}), float64, {5}, {0, 0, 2, 0, 1});
  }
  const Variable w = vector("w", float64);
  const Array wa = Array::from({0.5, -1.5, 2.25, 1e300});
  expect_array(eval1({x, w}, bincount(x, w), {a, wa}), float64, {5}, {-1.5, 0, 2.75, 0, 1e300});
  // Non-finite weights stay in their bins.
  const double inf = std::numeric_limits<double>::infinity();
  expect_array(eval1({x, w}, bincount(x, w), {a, Array::from({inf, 1.0, 2.0, std::nan("")})}), float64, {5},
               {1, 0, inf, 0, std::nan("")});
  expect_shape_inference({x, w}, bincount(x, w, 7), {a, wa});
}

TEST(Bincount, NonContiguousEmptyAndConstantInputs) {
  const Variable x = vector("x", int32), w = vector("w", float64);
  const Array a = Array::from<std::int32_t>({0, 9, 2, 9, 2, 9});
  const Array even = a.slice(0, 0, 6, 2);   // [0 2 2]
  const Array rev = Array::from({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}).slice(0, 5, -7, -2);  // [6 4 2]
  expect_exact<std::int64_t>(eval1({x}, bincount(x), {even}), {3}, {1, 0, 2});
  expect_array(eval1({x, w}, bincount(x, w), {even, rev}), float64, {3}, {6, 0, 6});
  // An empty x gives minlength bins, statically known.
  const Variable e = tensor("e", int64, {0});
  EXPECT_EQ(bincount(e, std::nullopt, 3).type(), (Type{int64, {3}}));
  expect_exact<std::int64_t>(eval1({e}, bincount(e, std::nullopt, 3), {Array::zeros(int64, {0})}), {3}, {0, 0, 0});
  expect_exact<std::int64_t>(eval1({x}, bincount(x), {Array::zeros(int32, {0})}), {0}, {});
  expect_shape_inference({x}, bincount(x, std::nullopt, 2), {Array::zeros(int32, {0})});
  // A constant x: the length is static.
  const Variable c = constant(Array::from<std::int64_t>({4, 1}));
  EXPECT_EQ(bincount(c).type(), (Type{int64, {5}}));
  expect_exact<std::int64_t>(eval1({}, bincount(c), {}), {5}, {0, 1, 0, 0, 1});
}

TEST(Bincount, ErrorNegativeValue) {
  const Variable x = vector("x", int64);
  expect_error<ValueError>([&] { eval1({x}, bincount(x), {Array::from<std::int64_t>({2, -1})}); },
                           {"bincount", "'list' argument must have no negative elements", "counting_test.cpp"});
}

TEST(Bincount, ErrorTooManyBins) {
  const Variable x = vector("x", int64);
  expect_error<ValueError>(
      [&] { eval1({x}, bincount(x), {Array::from<std::int64_t>({std::numeric_limits<std::int64_t>::max()})}); },
      {"bincount", "the value 9223372036854775807 needs too many bins"});
}

TEST(Bincount, ErrorNotOneD) {
  expect_error<ValueError>([] { bincount(matrix("x", int64)); },
                           {"counting_test.cpp", "bincount", "x must be 1-d, not 2-d", "int64 (?, ?)"});
}

TEST(Bincount, ErrorNegativeMinlength) {
  expect_error<ValueError>([] { bincount(vector("x", int64), std::nullopt, -1); },
                           {"counting_test.cpp", "bincount", "'minlength' must not be negative"});
}

TEST(Bincount, ErrorWeightsLength) {
  expect_error<ValueError>([] { bincount(tensor("x", int64, {3}), tensor("w", float64, {2})); },
                           {"counting_test.cpp", "bincount", "The weights and list don't have the same length."});
  const Variable x = vector("x", int64), w = vector("w", float64);
  expect_error<ValueError>(
      [&] { eval1({x, w}, bincount(x, w), {Array::from<std::int64_t>({1, 2}), Array::from({1.0})}); },
      {"bincount", "don't have the same length", "(2,)", "(1,)"});
}

TEST(Bincount, ErrorWeightsNotOneD) {
  expect_error<ValueError>([] { bincount(vector("x", int64), matrix("w")); },
                           {"counting_test.cpp", "bincount", "weights must be 1-d, not 2-d"});
}

TEST(Bincount, ErrorNonIntegerX) {
  expect_error<TypeError>(
      [] { bincount(vector("x", float64)); },
      {"counting_test.cpp", "bincount",
       "Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'"});
  expect_error<TypeError>([] { bincount(vector("x", uint64)); }, {"dtype('uint64')"});
}

}  // namespace
}  // namespace hypatia
