// sort, argsort, topk, argtopk, searchsorted against hand-written references (an
// insertion sort over doubles with NaN last) and known values.
#include <cmath>
#include <limits>

#include "hypatia/ops/sort.hpp"
#include "test_util.hpp"

namespace hypatia::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// The C-order flat positions of each line of `shape` along `axis`.
std::vector<std::vector<std::size_t>> lines_of(const Shape& shape, int axis) {
  std::vector<std::vector<std::size_t>> out;
  const std::int64_t total = shape_size(shape);
  std::int64_t stride = 1;
  for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d) stride *= shape[d];
  const std::int64_t n = shape[static_cast<std::size_t>(axis)];
  if (n == 0) return out;
  for (std::int64_t p = 0; p < total; ++p) {
    if ((p / stride) % n != 0) continue;  // not the start of a line
    std::vector<std::size_t> line;
    for (std::int64_t i = 0; i < n; ++i) line.push_back(static_cast<std::size_t>(p + i * stride));
    out.push_back(line);
  }
  return out;
}

// a before b: ascending with NaN last, or descending with NaN first.
bool before(double a, double b, bool descending) {
  if (descending) return a > b || (std::isnan(a) && !std::isnan(b));
  return a < b || (std::isnan(b) && !std::isnan(a));
}

// Stable insertion sort of each line; the first `count` of each (all for count < 0),
// as values or as indices, in the C order of the result.
std::vector<double> reference(const std::vector<double>& v, const Shape& shape, int axis, bool descending,
                              bool indices, std::int64_t count = -1) {
  const std::int64_t n = shape[static_cast<std::size_t>(axis)];
  if (count < 0) count = n;
  Shape out_shape = shape;
  out_shape[static_cast<std::size_t>(axis)] = count;
  std::vector<double> out(static_cast<std::size_t>(shape_size(out_shape)));
  const auto in_lines = lines_of(shape, axis);
  const auto out_lines = lines_of(out_shape, axis);
  for (std::size_t l = 0; l < out_lines.size(); ++l) {
    const auto& line = in_lines[l];
    std::vector<std::size_t> order;
    for (std::size_t j = 0; j < line.size(); ++j) {
      std::size_t at = order.size();
      while (at > 0 && before(v[line[j]], v[line[order[at - 1]]], descending)) --at;
      order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), j);
    }
    for (std::size_t k = 0; k < static_cast<std::size_t>(count); ++k) {
      out[out_lines[l][k]] = indices ? static_cast<double>(order[k]) : v[line[order[k]]];
    }
  }
  return out;
}

std::vector<double> values_of(const Array& a) { return a.to_vector<double>(); }

std::vector<std::int64_t> as_int64(const std::vector<double>& v) {
  return std::vector<std::int64_t>(v.begin(), v.end());
}

// Values with ties, in every dtype's range.
const std::vector<double> kSmall = {3, 1, 4, 1, 5, 0, 2, 6, 5, 3, 5, 0, 1, 7, 2};

const DType kAll[] = {DType::bool_,  DType::int8,   DType::int16,  DType::int32,   DType::int64,  DType::uint8,
                      DType::uint16, DType::uint32, DType::uint64, DType::float32, DType::float64};

TEST(Sort, KnownFloatValuesWithNaNInfAndTies) {
  const Variable x = vector("x", DType::float64);
  const Array a = Array::from<double>({3, kNaN, -kInf, 1, kNaN, -0.0, kInf, 1});
  expect_array(eval1({x}, sort(x), {a}), DType::float64, {8}, {-kInf, -0.0, 1, 1, 3, kInf, kNaN, kNaN});
  expect_exact<std::int64_t>(eval1({x}, argsort(x), {a}), {8}, {2, 5, 3, 7, 0, 6, 1, 4});
}

TEST(Sort, EveryDtypeAndAxisAgainstReference) {
  const Shape shape{3, 5};
  for (DType t : kAll) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array a = Array::from_vector(kSmall, shape).astype(t);
    const std::vector<double> v = values_of(a);
    const Variable x = matrix("x", t);
    for (std::int64_t axis : {0, 1, -1, -2}) {
      const int ax = static_cast<int>(axis < 0 ? axis + 2 : axis);
      expect_array(eval1({x}, sort(x, axis), {a}), t, shape, reference(v, shape, ax, false, false));
      expect_exact<std::int64_t>(eval1({x}, argsort(x, axis), {a}), shape,
                                 as_int64(reference(v, shape, ax, false, true)));
    }
    // The flattened array.
    expect_array(eval1({x}, sort(x, std::nullopt), {a}), t, {15}, reference(v, {15}, 0, false, false));
    expect_exact<std::int64_t>(eval1({x}, argsort(x, std::nullopt), {a}), {15},
                               as_int64(reference(v, {15}, 0, false, true)));
  }
}

TEST(Sort, EdgeValuesOfWideTypes) {
  const Variable i = vector("i", DType::int64), u = vector("u", DType::uint64), f = vector("f", DType::float32);
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  expect_exact<std::int64_t>(eval1({i}, sort(i), {Array::from<std::int64_t>({hi, 0, lo, -1})}), {4},
                             {lo, -1, 0, hi});
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  expect_exact<std::uint64_t>(eval1({u}, sort(u), {Array::from<std::uint64_t>({top, 1, top - 1, 0})}), {4},
                              {0, 1, top - 1, top});
  const float tiny = std::numeric_limits<float>::denorm_min();
  expect_array(eval1({f}, sort(f), {Array::from<float>({tiny, -tiny, std::nanf(""), 1e38f, -1e38f})}),
               DType::float32, {5}, {-1e38, -static_cast<double>(tiny), static_cast<double>(tiny), 1e38, kNaN},
               1e-7);
}

TEST(Sort, NonContiguousInputs) {
  const Variable x = matrix("x", DType::float64);
  const Array base = Array::from_vector(kSmall, {3, 5});
  for (const Array& a : {base.transpose(), base.slice(1, 4, -6, -2), base.slice(0, 2, -4, -1)}) {
    const std::vector<double> v = values_of(a);
    for (int axis : {0, 1}) {
      expect_array(eval1({x}, sort(x, axis), {a}), DType::float64, a.shape(),
                   reference(v, a.shape(), axis, false, false));
      expect_exact<std::int64_t>(eval1({x}, argsort(x, axis), {a}), a.shape(),
                                 as_int64(reference(v, a.shape(), axis, false, true)));
    }
  }
}

TEST(Sort, EmptyAndSizeOneAxesAndThreeDims) {
  const Variable x = tensor3("x", DType::int32);
  for (const Shape& s : {Shape{0, 3, 2}, Shape{2, 0, 3}, Shape{1, 4, 1}, Shape{2, 3, 4}}) {
    std::vector<double> v(static_cast<std::size_t>(shape_size(s)));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>((i * 7) % 5);
    const Array a = Array::from_vector(v, s).astype(DType::int32);
    for (int axis : {0, 1, 2}) {
      expect_array(eval1({x}, sort(x, axis), {a}), DType::int32, s, reference(v, s, axis, false, false));
      expect_exact<std::int64_t>(eval1({x}, argsort(x, axis), {a}), s,
                                 as_int64(reference(v, s, axis, false, true)));
    }
  }
}

TEST(Sort, ZeroDimensionalFlattened) {
  const Variable x = scalar("x", DType::float64);
  expect_array(eval1({x}, sort(x, std::nullopt), {Array::scalar(2.5)}), DType::float64, {1}, {2.5});
}

TEST(Sort, StaticAndSymbolicShapes) {
  const Variable x = tensor("x", DType::float64, {2, kUnknownDim, 4});
  EXPECT_EQ(sort(x, 1).type().shape, (Shape{2, kUnknownDim, 4}));
  EXPECT_EQ(argsort(x).type().dtype, DType::int64);
  EXPECT_EQ(topk(x, -3, 1).type().shape, (Shape{2, 3, 4}));
  EXPECT_EQ(sort(x, std::nullopt).ndim(), 1);
  const Array a = Array::zeros(DType::float64, {2, 5, 4});
  expect_shape_inference({x}, sort(x, 1), {a});
  expect_shape_inference({x}, argsort(x, std::nullopt), {a});
  expect_shape_inference({x}, topk(x, 2, 1), {a});
  expect_shape_inference({x}, argtopk(x, -3, 2), {a});
}

TEST(Sort, AxisOutOfBoundsIsAnIndexError) {
  const Variable x = matrix("x");
  expect_error<IndexError>([&] { sort(x, 2); }, {"sort", "axis 2 is out of bounds for array of dimension 2",
                                                  "sort_test.cpp"});
  expect_error<IndexError>([&] { argsort(x, -3); }, {"argsort", "axis -3 is out of bounds", "sort_test.cpp"});
  expect_error<IndexError>([&] { topk(scalar("s"), 1); }, {"topk", "dimension 0", "sort_test.cpp"});
}

// ---------------------------------------------------------------- topk

TEST(TopK, KnownValuesNaNLargestTiesByIndex) {
  const Variable x = vector("x", DType::float64);
  const Array a = Array::from<double>({1, 5, 3, 5, kNaN, 2});
  expect_array(eval1({x}, topk(x, 2), {a}), DType::float64, {2}, {kNaN, 5});
  expect_exact<std::int64_t>(eval1({x}, argtopk(x, 3), {a}), {3}, {4, 1, 3});
  expect_array(eval1({x}, topk(x, -2), {a}), DType::float64, {2}, {1, 2});
  expect_exact<std::int64_t>(eval1({x}, argtopk(x, -6), {a}), {6}, {0, 5, 2, 1, 3, 4});
  expect_exact<std::int64_t>(eval1({x}, argtopk(x, 6), {a}), {6}, {4, 1, 3, 2, 5, 0});
}

TEST(TopK, EveryDtypeAxisAndKAgainstReference) {
  const Shape shape{3, 5};
  for (DType t : kAll) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    const Array a = Array::from_vector(kSmall, shape).astype(t);
    const std::vector<double> v = values_of(a);
    const Variable x = matrix("x", t);
    for (std::int64_t axis : {0, 1, -1}) {
      const int ax = static_cast<int>(axis < 0 ? axis + 2 : axis);
      const std::int64_t n = shape[static_cast<std::size_t>(ax)];
      for (std::int64_t k : {std::int64_t{1}, std::int64_t{2}, n, std::int64_t{-1}, -n}) {
        const std::int64_t c = k < 0 ? -k : k;
        Shape out = shape;
        out[static_cast<std::size_t>(ax)] = c;
        expect_array(eval1({x}, topk(x, k, axis), {a}), t, out, reference(v, shape, ax, k > 0, false, c));
        expect_exact<std::int64_t>(eval1({x}, argtopk(x, k, axis), {a}), out,
                                   as_int64(reference(v, shape, ax, k > 0, true, c)));
      }
    }
  }
}

TEST(TopK, NonContiguousAndEmptyOtherAxis) {
  const Variable x = matrix("x", DType::float64);
  const Array a = Array::from_vector(kSmall, {3, 5}).slice(1, 4, -6, -1);  // columns reversed
  expect_array(eval1({x}, topk(x, 2, 1), {a}), DType::float64, {3, 2}, reference(values_of(a), {3, 5}, 1, true, false, 2));
  expect_array(eval1({x}, topk(x, 2, 0), {a.transpose()}), DType::float64, {2, 3},
               reference(values_of(a.transpose()), {5, 3}, 0, true, false, 2));
  expect_array(eval1({x}, topk(x, -2, 1), {Array::zeros(DType::float64, {0, 4})}), DType::float64, {0, 2}, {});
}

TEST(TopK, ZeroKIsAValueError) {
  expect_error<ValueError>([] { topk(vector("x"), 0); }, {"topk", "k = 0", "sort_test.cpp"});
}

TEST(TopK, KLargerThanAKnownSizeIsAValueError) {
  expect_error<ValueError>([] { argtopk(tensor("x", DType::float64, {2, 3}), -4, 1); },
                           {"argtopk", "|k| = 4 is larger than the size 3 of axis 1", "sort_test.cpp"});
}

TEST(TopK, KLargerThanTheRunTimeSizeIsAValueError) {
  const Variable x = vector("x", DType::float64);
  expect_error<ValueError>([&] { eval1({x}, topk(x, 4), {Array::from<double>({1, 2, 3})}); },
                           {"topk", "|k| = 4 is larger than the size 3 of axis 0", "sort_test.cpp"});
}

// ---------------------------------------------------------------- searchsorted

TEST(SearchSorted, NumPysResultsWithNaN) {
  const Variable a = vector("a", DType::float64), v = vector("v", DType::float64);
  const Array sorted = Array::from<double>({1, 2, 2, 3, kNaN, kNaN});
  const Array values = Array::from<double>({0, 1, 2, 2.5, 3, 4, kNaN, kInf, -kInf});
  expect_exact<std::int64_t>(eval1({a, v}, searchsorted(a, v), {sorted, values}), {9}, {0, 0, 1, 3, 3, 4, 4, 4, 0});
  expect_exact<std::int64_t>(eval1({a, v}, searchsorted(a, v, "right"), {sorted, values}), {9},
                             {0, 1, 3, 3, 4, 4, 6, 4, 0});
}

TEST(SearchSorted, MixedDtypesShapesAndLiterals) {
  const Variable a = vector("a", DType::int32), v = matrix("v", DType::float32);
  expect_exact<std::int64_t>(
      eval1({a, v}, searchsorted(a, v), {Array::from<std::int32_t>({1, 3, 5}), Array::from<float>({{2.5f, 3}, {6, -1}})}),
      {2, 2}, {1, 1, 3, 0});
  const Variable u = vector("u", DType::uint8), w = vector("w", DType::int64);
  expect_exact<std::int64_t>(eval1({u, w}, searchsorted(u, w, "right"),
                                   {Array::from<std::uint8_t>({0, 200, 255}), Array::from<std::int64_t>({-1, 200, 300})}),
                             {3}, {0, 2, 3});
  const Variable b = vector("b", DType::bool_);
  expect_exact<std::int64_t>(eval1({b}, searchsorted(b, true), {Array::from<bool>({false, true, true})}), {}, {1});
  // Empty a, empty v, non-contiguous a and v.
  const Variable f = vector("f", DType::float64), g = vector("g", DType::float64);
  expect_exact<std::int64_t>(eval1({f, g}, searchsorted(f, g), {Array::zeros(DType::float64, {0}),
                                                               Array::from<double>({1, 2})}),
                             {2}, {0, 0});
  expect_exact<std::int64_t>(eval1({f, g}, searchsorted(f, g), {Array::from<double>({1}), Array::zeros(DType::float64, {0})}),
                             {0}, {});
  const Array desc = Array::from<double>({9, 7, 5, 3, 1});
  expect_exact<std::int64_t>(eval1({f, g}, searchsorted(f, g, "right"), {desc.slice(0, 4, -6, -2),
                                                                         Array::from<double>({6, 5, 4, 3}).slice(0, 0, 4, 2)}),
                             {2}, {2, 1});
}

TEST(SearchSorted, ShapeInference) {
  const Variable a = vector("a"), v = tensor("v", DType::float64, {kUnknownDim, 3});
  expect_shape_inference({a, v}, searchsorted(a, v), {Array::from<double>({1, 2}), Array::zeros(DType::float64, {4, 3})});
}

TEST(SearchSorted, BadSideIsAValueError) {
  expect_error<ValueError>([] { searchsorted(vector("a"), vector("v"), "middle"); },
                           {"searchsorted", "side must be 'left' or 'right' (got 'middle')", "sort_test.cpp"});
}

TEST(SearchSorted, ANotOneDimensionalIsAValueError) {
  expect_error<ValueError>([] { searchsorted(matrix("a"), vector("v")); },
                           {"searchsorted", "a must be 1-d", "sort_test.cpp"});
}

}  // namespace
}  // namespace hypatia::testing
