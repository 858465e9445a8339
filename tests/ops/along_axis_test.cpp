// take_along_axis and inc_along_axis against hand-written gathers and scatters.
#include <limits>

#include "hypatia/ops/sort.hpp"
#include "test_util.hpp"

namespace hypatia::testing {
namespace {

// out[i][j] = x[idx[i][j]][j] (axis 0) or x[i][idx[i][j]] (axis 1) of 2-d arrays,
// with indices broadcast against x's other axis and negative ones wrapped.
std::vector<double> gather2(const Array& x, const Array& idx, int axis) {
  const std::vector<double> xv = x.to_vector<double>();
  const std::vector<std::int64_t> iv = idx.to_vector<std::int64_t>();
  const std::int64_t xr = x.shape()[0], xc = x.shape()[1], ir = idx.shape()[0], ic = idx.shape()[1];
  const std::int64_t rows = axis == 0 ? ir : std::max(xr, ir), cols = axis == 1 ? ic : std::max(xc, ic);
  std::vector<double> out;
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j) {
      std::int64_t k = iv[static_cast<std::size_t>((ir == 1 ? 0 : i) * ic + (ic == 1 ? 0 : j))];
      const std::int64_t n = axis == 0 ? xr : xc;
      if (k < 0) k += n;
      const std::int64_t r = axis == 0 ? k : (xr == 1 ? 0 : i), c = axis == 1 ? k : (xc == 1 ? 0 : j);
      out.push_back(xv[static_cast<std::size_t>(r * xc + c)]);
    }
  }
  return out;
}

const Array kX = Array::from<double>({{0, 1, 2, 3}, {10, 11, 12, 13}, {20, 21, 22, 23}});

TEST(TakeAlongAxis, BothAxesNegativeIndicesAndRepeats) {
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64);
  const Array i1 = Array::from<std::int64_t>({{3, -1}, {0, 0}, {-4, 2}});
  expect_array(eval1({x, i}, take_along_axis(x, i, 1), {kX, i1}), DType::float64, {3, 2}, {3, 3, 10, 10, 20, 22});
  const Array i0 = Array::from<std::int64_t>({{2, 0, 1, -1}});
  expect_array(eval1({x, i}, take_along_axis(x, i, -2), {kX, i0}), DType::float64, {1, 4}, {20, 1, 12, 23});
  EXPECT_EQ(take_along_axis(x, i, 1).type().dtype, DType::float64);
}

TEST(TakeAlongAxis, BroadcastsIndicesAndXOnTheOtherAxes) {
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64);
  // indices (1, 2) against x (3, 4) along axis 1: the same columns of every row.
  const Array i1 = Array::from<std::int64_t>({{1, 3}});
  expect_array(eval1({x, i}, take_along_axis(x, i, 1), {kX, i1}), DType::float64, {3, 2}, gather2(kX, i1, 1));
  // x (1, 4) against indices (3, 2): x's row is repeated.
  const Array row = kX.slice(0, 1, 2);
  const Array i2 = Array::from<std::int64_t>({{0, 1}, {2, 3}, {3, 3}});
  expect_array(eval1({x, i}, take_along_axis(x, i, 1), {row, i2}), DType::float64, {3, 2}, gather2(row, i2, 1));
}

TEST(TakeAlongAxis, EveryDtypeOfXAndOfIndices) {
  const DType xs[] = {DType::bool_, DType::int8, DType::uint16, DType::int32, DType::uint64, DType::float32};
  const DType is[] = {DType::int8, DType::int16, DType::int32, DType::int64, DType::uint8, DType::uint32,
                      DType::uint64};
  const Array idx = Array::from<std::int64_t>({{2, 0}, {1, 1}, {0, 3}});
  for (DType xt : xs) {
    for (DType it : is) {
      SCOPED_TRACE(std::string(dtype_name(xt)) + " " + std::string(dtype_name(it)));
      const Array xa = kX.astype(xt), ia = idx.astype(it);
      const Variable x = matrix("x", xt), i = matrix("i", it);
      expect_array(eval1({x, i}, take_along_axis(x, i, 1), {xa, ia}), xt, {3, 2}, gather2(xa, ia, 1));
    }
  }
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
  const Variable u = vector("u", DType::uint64), j = vector("j", DType::int64);
  expect_exact<std::uint64_t>(eval1({u, j}, take_along_axis(u, j, 0),
                                    {Array::from<std::uint64_t>({1, big}), Array::from<std::int64_t>({1, 0, -1})}),
                              {3}, {big, 1, big});
}

TEST(TakeAlongAxis, NonContiguousEmptyAndThreeDims) {
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64);
  const Array xt = kX.transpose();  // (4, 3)
  const Array it = Array::from<std::int64_t>({{2, 1, 0}, {0, 0, 0}}).slice(1, 2, -4, -1);  // columns reversed
  expect_array(eval1({x, i}, take_along_axis(x, i, 1), {xt, Array::from<std::int64_t>({{0}, {1}, {2}, {0}})}),
               DType::float64, {4, 1}, {0, 11, 22, 3});
  expect_array(eval1({x, i}, take_along_axis(x, i, 0), {xt, it}), DType::float64, {2, 3},
               gather2(xt, it.copy(), 0));
  expect_array(eval1({x, i}, take_along_axis(x, i, 1), {kX, Array::zeros(DType::int64, {3, 0})}), DType::float64,
               {3, 0}, {});
  // An empty axis of x with no indices into it.
  expect_array(eval1({x, i}, take_along_axis(x, i, 0), {Array::zeros(DType::float64, {0, 2}),
                                                        Array::zeros(DType::int64, {0, 2})}),
               DType::float64, {0, 2}, {});
  const Variable y = tensor3("y", DType::int16), k = tensor3("k", DType::int64);
  const Array ya = Array::from<std::int16_t>({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
  expect_exact<std::int16_t>(eval1({y, k}, take_along_axis(y, k, 1), {ya, Array::from<std::int64_t>({{{1, 0}}, {{0, 1}}})}),
                             {2, 1, 2}, {3, 2, 5, 8});
}

TEST(TakeAlongAxis, ShapeInference) {
  const Variable x = tensor("x", DType::float64, {kUnknownDim, 4}), i = tensor("i", DType::int64, {1, kUnknownDim});
  EXPECT_EQ(take_along_axis(x, i, 1).type().shape, (Shape{kUnknownDim, kUnknownDim}));
  EXPECT_EQ(take_along_axis(tensor("a", DType::float64, {3, 4}), tensor("b", DType::int64, {1, 5}), 1).type().shape,
            (Shape{3, 5}));
  expect_shape_inference({x, i}, take_along_axis(x, i, 1),
                         {Array::zeros(DType::float64, {3, 4}), Array::zeros(DType::int64, {1, 6})});
  expect_shape_inference({x, i}, take_along_axis(x, i, 0),
                         {Array::zeros(DType::float64, {3, 4}), Array::zeros(DType::int64, {1, 4})});
}

TEST(TakeAlongAxis, OutOfBoundsIsAnIndexError) {
  const Variable x = vector("x", DType::float64), i = vector("i", DType::int64);
  expect_error<IndexError>(
      [&] { eval1({x, i}, take_along_axis(x, i, 0), {Array::from<double>({1, 2, 3}), Array::from<std::int64_t>({0, 5})}); },
      {"take_along_axis", "index 5 is out of bounds for axis 0 with size 3", "along_axis_test.cpp"});
}

TEST(TakeAlongAxis, NegativeOutOfBoundsIsAnIndexError) {
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::uint8);
  expect_error<IndexError>(
      [&] { eval1({x, i}, take_along_axis(x, i, 1), {kX, Array::from<std::uint8_t>({{200}})}); },
      {"index 200 is out of bounds for axis 1 with size 4"});
  const Variable v = vector("v", DType::float64), j = vector("j", DType::int32);
  expect_error<IndexError>(
      [&] { eval1({v, j}, take_along_axis(v, j, 0), {Array::from<double>({1, 2, 3}), Array::from<std::int32_t>({-4})}); },
      {"index -4 is out of bounds for axis 0 with size 3"});
}

TEST(TakeAlongAxis, NonIntegerIndicesAreAnIndexError) {
  expect_error<IndexError>([] { take_along_axis(vector("x"), vector("i", DType::float64), 0); },
                           {"take_along_axis", "`indices` must be an integer array", "along_axis_test.cpp"});
}

TEST(TakeAlongAxis, RankMismatchIsAValueError) {
  expect_error<ValueError>([] { take_along_axis(vector("x"), matrix("i", DType::int64), 0); },
                           {"take_along_axis", "`indices` and `arr` must have the same number of dimensions",
                            "along_axis_test.cpp"});
}

TEST(TakeAlongAxis, UnbroadcastableShapesAreAnIndexError) {
  expect_error<IndexError>(
      [] { take_along_axis(tensor("x", DType::float64, {2, 3}), tensor("i", DType::int64, {3, 1}), 1); },
      {"take_along_axis", "could not be broadcast together with shapes (2, 3) (3, 1)", "along_axis_test.cpp"});
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64);
  expect_error<IndexError>(
      [&] { eval1({x, i}, take_along_axis(x, i, 1), {kX, Array::zeros(DType::int64, {2, 1})}); },
      {"could not be broadcast together with shapes (3, 4) (2, 1)"});
}

TEST(TakeAlongAxis, AxisOutOfBoundsIsAnIndexError) {
  expect_error<IndexError>([] { take_along_axis(matrix("x"), matrix("i", DType::int64), 2); },
                           {"take_along_axis", "axis 2 is out of bounds for array of dimension 2", "along_axis_test.cpp"});
}

// ---------------------------------------------------------------- inc_along_axis

TEST(IncAlongAxis, AccumulatesOverRepeatedIndices) {
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64), y = matrix("y", DType::float64);
  const Array i1 = Array::from<std::int64_t>({{1, 1, -1}, {0, 3, 0}, {2, 2, 2}});
  const Array y1 = Array::from<double>({{1, 2, 4}, {8, 16, 32}, {64, 128, 256}});
  expect_array(eval1({x, i, y}, inc_along_axis(x, i, y, 1), {kX, i1, y1}), DType::float64, {3, 4},
               {0, 4, 2, 7, 50, 11, 12, 29, 20, 21, 470, 23});
  // y broadcast (a literal), axis 0, indices (1, 4) broadcast over columns.
  const Array i0 = Array::from<std::int64_t>({{0, 2, 2, -3}});
  expect_array(eval1({x, i}, inc_along_axis(x, i, 0.5, 0), {kX, i0}), DType::float64, {3, 4},
               {0.5, 1, 2, 3.5, 10, 11, 12, 13, 20, 21.5, 22.5, 23});
}

TEST(IncAlongAxis, XOfSizeOneCollectsEveryRow) {
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64), y = matrix("y", DType::float64);
  expect_array(eval1({x, i, y}, inc_along_axis(x, i, y, 1),
                     {Array::from<double>({{0, 0}}), Array::from<std::int64_t>({{0}, {1}, {1}}),
                      Array::from<double>({{1}, {2}, {4}})}),
               DType::float64, {1, 2}, {1, 6});
}

TEST(IncAlongAxis, IntegersWrapBoolIsOrAndYIsConverted) {
  const Variable x = vector("x", DType::int8), i = vector("i", DType::int64), y = vector("y", DType::int8);
  expect_exact<std::int8_t>(eval1({x, i, y}, inc_along_axis(x, i, y, 0),
                                  {Array::from<std::int8_t>({127, -128, 0}), Array::from<std::int64_t>({0, 1, 2, 2}),
                                   Array::from<std::int8_t>({1, -1, 100, 100})}),
                            {3}, {-128, 127, -56});
  const Variable b = vector("b", DType::bool_), c = vector("c", DType::bool_);
  expect_exact<bool>(eval1({b, i, c}, inc_along_axis(b, i, c, 0),
                           {Array::from<bool>({false, true, false}), Array::from<std::int64_t>({0, 0, 1}),
                            Array::from<bool>({false, true, false})}),
                     {3}, {true, true, false});
  const Variable u = vector("u", DType::uint64), f = vector("f", DType::float64);
  EXPECT_EQ(inc_along_axis(u, i, f, 0).type().dtype, DType::uint64);
  expect_exact<std::uint64_t>(eval1({u, i, f}, inc_along_axis(u, i, f, 0),
                                    {Array::from<std::uint64_t>({std::numeric_limits<std::uint64_t>::max(), 5}),
                                     Array::from<std::int64_t>({0, 1}), Array::from<double>({1, 2.75})}),
                              {2}, {0, 7});
}

TEST(IncAlongAxis, NonContiguousInputsAndInfinities) {
  const Variable x = matrix("x", DType::float32), i = matrix("i", DType::int64), y = matrix("y", DType::float32);
  const Array xa = kX.astype(DType::float32).transpose();  // (4, 3)
  const Array ia = Array::from<std::int64_t>({{0, 1, 2}, {3, 3, 3}}).slice(0, 1, -3, -1);  // rows reversed
  const float inf = std::numeric_limits<float>::infinity();
  const Array ya = Array::from<float>({{1, inf}, {2, -inf}, {4, 8}}).transpose();  // (2, 3)
  expect_array(eval1({x, i, y}, inc_along_axis(x, i, y, 0), {xa, ia, ya}), DType::float32, {4, 3},
               {inf, 10, 20, 1, -inf, 21, 2, 12, 30, 4, 15, 27});
}

TEST(IncAlongAxis, ShapeInference) {
  const Variable x = tensor("x", DType::float64, {kUnknownDim, 4}), i = matrix("i", DType::int64);
  expect_shape_inference({x, i}, inc_along_axis(x, i, 1.0, 1),
                         {Array::zeros(DType::float64, {3, 4}), Array::zeros(DType::int64, {3, 2})});
  EXPECT_EQ(inc_along_axis(x, i, 1.0, 1).type(), x.type());
}

TEST(IncAlongAxis, ValuesOfTheWrongShapeAreAValueError) {
  expect_error<ValueError>(
      [] { inc_along_axis(tensor("x", DType::float64, {3, 4}), tensor("i", DType::int64, {3, 2}),
                          tensor("y", DType::float64, {3}), 1); },
      {"inc_along_axis", "value array of shape (3,) could not be broadcast to indexing result of shape (3, 2)",
       "along_axis_test.cpp"});
  const Variable x = matrix("x", DType::float64), i = matrix("i", DType::int64), y = vector("y", DType::float64);
  expect_error<ValueError>(
      [&] { eval1({x, i, y}, inc_along_axis(x, i, y, 1), {kX, Array::zeros(DType::int64, {3, 2}), Array::from<double>({1, 2, 3})}); },
      {"value array of shape (3,) could not be broadcast to indexing result of shape (3, 2)"});
}

TEST(IncAlongAxis, OutOfBoundsIsAnIndexError) {
  const Variable x = vector("x", DType::float64), i = vector("i", DType::int64);
  expect_error<IndexError>(
      [&] { eval1({x, i}, inc_along_axis(x, i, 1.0, 0), {Array::from<double>({1, 2, 3}), Array::from<std::int64_t>({5})}); },
      {"inc_along_axis", "index 5 is out of bounds for axis 0 with size 3", "along_axis_test.cpp"});
}

}  // namespace
}  // namespace hypatia::testing
