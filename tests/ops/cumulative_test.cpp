// cumsum and cumprod against running sums and products written out in the test.
#include <cmath>
#include <limits>

#include "hypatia/ops/sort.hpp"
#include "test_util.hpp"

namespace hypatia::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Running sums or products of a C-order 2-d array along axis (rows or columns).
std::vector<double> running2(const std::vector<double>& v, std::int64_t rows, std::int64_t cols, int axis,
                             bool product) {
  std::vector<double> out(v.size());
  const std::int64_t lines = axis == 0 ? cols : rows, n = axis == 0 ? rows : cols;
  for (std::int64_t l = 0; l < lines; ++l) {
    double acc = product ? 1 : 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto at = static_cast<std::size_t>(axis == 0 ? i * cols + l : l * cols + i);
      acc = product ? acc * v[at] : acc + v[at];
      out[at] = acc;
    }
  }
  return out;
}

std::vector<double> running1(const std::vector<double>& v, bool product) {
  return running2(v, 1, static_cast<std::int64_t>(v.size()), 1, product);
}

const std::vector<double> kValues = {1, 2, 0, 3, 1, 1, 2, 1, 3, 2, 1, 1};  // products stay small

struct DtypeCase {
  DType in, out;
};

TEST(Cumulative, EveryDtypeAndAxisAgainstRunningSumsAndProducts) {
  const DtypeCase cases[] = {{DType::bool_, DType::int64},     {DType::int8, DType::int64},
                             {DType::int16, DType::int64},     {DType::int32, DType::int64},
                             {DType::int64, DType::int64},     {DType::uint8, DType::uint64},
                             {DType::uint16, DType::uint64},   {DType::uint32, DType::uint64},
                             {DType::uint64, DType::uint64},   {DType::float32, DType::float32},
                             {DType::float64, DType::float64}};
  for (const DtypeCase& c : cases) {
    SCOPED_TRACE(std::string(dtype_name(c.in)));
    const Array a = Array::from_vector(kValues, {3, 4}).astype(c.in);
    const std::vector<double> v = a.to_vector<double>();
    const Variable x = matrix("x", c.in);
    for (std::int64_t axis : {0, 1, -1, -2}) {
      const int ax = static_cast<int>(axis < 0 ? axis + 2 : axis);
      expect_array(eval1({x}, cumsum(x, axis), {a}), c.out, {3, 4}, running2(v, 3, 4, ax, false));
      expect_array(eval1({x}, cumprod(x, axis), {a}), c.out, {3, 4}, running2(v, 3, 4, ax, true));
    }
    expect_array(eval1({x}, cumsum(x), {a}), c.out, {12}, running1(v, false));
    expect_array(eval1({x}, cumprod(x), {a}), c.out, {12}, running1(v, true));
  }
}

TEST(Cumulative, IntegersWrapWithoutOverflow) {
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max(), lo = std::numeric_limits<std::int64_t>::min();
  const Variable i = vector("i", DType::int64), u = vector("u", DType::uint64), b = vector("b", DType::int8);
  expect_exact<std::int64_t>(eval1({i}, cumsum(i), {Array::from<std::int64_t>({hi, 1, -1})}), {3}, {hi, lo, hi});
  expect_exact<std::int64_t>(eval1({i}, cumprod(i), {Array::from<std::int64_t>({std::int64_t{1} << 62, 4, 3})}), {3},
                             {std::int64_t{1} << 62, 0, 0});
  expect_exact<std::int64_t>(eval1({i}, cumprod(i), {Array::from<std::int64_t>({lo, -1})}), {2}, {lo, lo});
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  expect_exact<std::uint64_t>(eval1({u}, cumsum(u), {Array::from<std::uint64_t>({top, 2})}), {2}, {top, 1});
  // int8 accumulates in int64, so it does not wrap at 127.
  expect_exact<std::int64_t>(eval1({b}, cumsum(b), {Array::from<std::int8_t>({127, 127, -128})}), {3}, {127, 254, 126});
}

TEST(Cumulative, FloatEdgeValues) {
  const Variable x = vector("x", DType::float64);
  const Array a = Array::from<double>({1, kInf, -kInf, 2, kNaN, 3});
  expect_array(eval1({x}, cumsum(x), {a}), DType::float64, {6}, {1, kInf, kNaN, kNaN, kNaN, kNaN});
  expect_array(eval1({x}, cumprod(x), {Array::from<double>({-2, kInf, 0, 5})}), DType::float64, {4},
               {-2, -kInf, kNaN, kNaN});
  expect_array(eval1({x}, cumprod(x), {Array::from<double>({1e200, 1e200, 0, -1e-300, 1e-300})}), DType::float64,
               {5}, {1e200, kInf, kNaN, kNaN, kNaN});
  const std::vector<double> zeros = eval1({x}, cumsum(x), {Array::from<double>({-0.0, -0.0})}).to_vector<double>();
  EXPECT_TRUE(std::signbit(zeros[0]) && std::signbit(zeros[1])) << "a running sum of -0.0 is -0.0, as NumPy's";
  expect_array(eval1({x}, cumprod(x), {Array::from<double>({1e-300, 1e-300, 0.5})}), DType::float64, {3},
               {1e-300, 0, 0});
  const Variable f = vector("f", DType::float32);
  expect_array(eval1({f}, cumsum(f), {Array::from<float>({2e38f, 2e38f, -2e38f})}), DType::float32, {3},
               {2e38, kInf, kInf}, 1e-6);
}

TEST(Cumulative, NonContiguousEmptyAndSizeOne) {
  const Variable x = matrix("x", DType::float64);
  const Array base = Array::from_vector(kValues, {3, 4});
  for (const Array& a : {base.transpose(), base.slice(1, 3, -5, -1), base.slice(0, 0, 3, 2)}) {
    const std::vector<double> v = a.to_vector<double>();
    const std::int64_t r = a.shape()[0], c = a.shape()[1];
    for (int axis : {0, 1}) {
      expect_array(eval1({x}, cumsum(x, axis), {a}), DType::float64, a.shape(), running2(v, r, c, axis, false));
      expect_array(eval1({x}, cumprod(x, axis), {a}), DType::float64, a.shape(), running2(v, r, c, axis, true));
    }
  }
  for (const Shape& s : {Shape{0, 3}, Shape{3, 0}, Shape{1, 1}}) {
    const Array a = Array::full(DType::float64, s, 2.0);
    for (int axis : {0, 1}) {
      expect_array(eval1({x}, cumsum(x, axis), {a}), DType::float64, s,
                   std::vector<double>(static_cast<std::size_t>(shape_size(s)), 2.0));
      expect_array(eval1({x}, cumprod(x, axis), {a}), DType::float64, s,
                   std::vector<double>(static_cast<std::size_t>(shape_size(s)), 2.0));
    }
  }
  const Variable s = scalar("s", DType::int32);
  expect_exact<std::int64_t>(eval1({s}, cumsum(s), {Array::scalar<std::int32_t>(7)}), {1}, {7});
}

TEST(Cumulative, ThreeDimsMiddleAxis) {
  const Variable x = tensor3("x", DType::int32);
  const Array a = Array::from<std::int32_t>({{{1, 2}, {3, 4}, {5, 6}}, {{-1, 0}, {2, 2}, {3, -3}}});
  expect_exact<std::int64_t>(eval1({x}, cumsum(x, 1), {a}), {2, 3, 2}, {1, 2, 4, 6, 9, 12, -1, 0, 1, 2, 4, -1});
  expect_exact<std::int64_t>(eval1({x}, cumprod(x, 1), {a}), {2, 3, 2}, {1, 2, 3, 8, 15, 48, -1, 0, -2, 0, -6, 0});
}

TEST(Cumulative, Shapes) {
  const Variable x = tensor("x", DType::uint8, {kUnknownDim, 3});
  EXPECT_EQ(cumsum(x, 0).type(), (Type{DType::uint64, {kUnknownDim, 3}}));
  EXPECT_EQ(cumprod(x).type().ndim(), 1);
  const Array a = Array::zeros(DType::uint8, {5, 3});
  expect_shape_inference({x}, cumsum(x, 1), {a});
  expect_shape_inference({x}, cumprod(x), {a});
}

TEST(Cumulative, AxisOutOfBoundsIsAnIndexError) {
  expect_error<IndexError>([] { cumsum(matrix("x"), 2); },
                           {"cumsum", "axis 2 is out of bounds for array of dimension 2", "cumulative_test.cpp"});
  expect_error<IndexError>([] { cumprod(vector("x"), -2); },
                           {"cumprod", "axis -2 is out of bounds for array of dimension 1", "cumulative_test.cpp"});
}

}  // namespace
}  // namespace hypatia::testing
