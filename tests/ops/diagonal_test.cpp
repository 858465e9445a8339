// tri, tril, triu, diagonal, diag and trace against hand-written loops: dtypes, offsets
// (positive, negative, beyond the size), non-square planes, stacks, non-contiguous and
// empty inputs, diagonal as a view, static and symbolic shapes, and each error message.
#include "hypatia/ops/matrix.hpp"

#include <algorithm>

#include "graph/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

const DType kDTypes[] = {DType::bool_, DType::int8, DType::uint8, DType::int32, DType::uint64, DType::float32,
                         DType::float64};

// Distinct-ish values a dtype can hold: bool alternates, unsigned stay non-negative.
std::vector<double> values_for(std::int64_t n, DType t) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double x = static_cast<double>(i % 11) - 5;
    if (is_bool(t)) x = (i % 3) != 0;
    if (is_unsigned_integer(t)) x = static_cast<double>(i % 13 + 1);
    if (is_float(t)) x += 0.25;
    v[static_cast<std::size_t>(i)] = x;
  }
  return v;
}

Array array_for(const Shape& s, DType t) {
  return Array::from_vector(values_for(shape_size(s), t), s.empty() ? Shape{} : s).astype(t);
}

// C-order element strides of `s`.
std::vector<std::int64_t> element_strides(const Shape& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::size_t d = s.size(); d-- > 1;) st[d - 1] = st[d] * s[d];
  return st;
}

// numpy.diagonal by hand: the other axes in order, then the diagonal.
std::vector<double> ref_diagonal(const std::vector<double>& x, const Shape& s, std::int64_t off, int a1, int a2,
                                 Shape& out_shape) {
  const auto st = element_strides(s);
  const std::int64_t r0 = off < 0 ? -off : 0, c0 = off > 0 ? off : 0;
  const std::int64_t n1 = s[static_cast<std::size_t>(a1)], n2 = s[static_cast<std::size_t>(a2)];
  const std::int64_t len = std::max<std::int64_t>(0, std::min(n1 - r0, n2 - c0));
  std::vector<int> others;
  out_shape.clear();
  for (int d = 0; d < static_cast<int>(s.size()); ++d) {
    if (d != a1 && d != a2) {
      others.push_back(d);
      out_shape.push_back(s[static_cast<std::size_t>(d)]);
    }
  }
  out_shape.push_back(len);
  std::vector<double> out;
  const std::int64_t outer = shape_size(Shape(out_shape.begin(), out_shape.end() - 1));
  for (std::int64_t o = 0; o < outer; ++o) {
    std::int64_t base = 0, rest = o;
    for (std::size_t j = others.size(); j-- > 0;) {
      const auto d = static_cast<std::size_t>(others[j]);
      base += (rest % s[d]) * st[d];
      rest /= s[d];
    }
    for (std::int64_t i = 0; i < len; ++i) {
      out.push_back(x[static_cast<std::size_t>(base + (i + r0) * st[static_cast<std::size_t>(a1)] +
                                               (i + c0) * st[static_cast<std::size_t>(a2)])]);
    }
  }
  return out;
}

// tril (lower) / triu by hand over the last two axes.
std::vector<double> ref_triangle(const std::vector<double>& x, const Shape& s, std::int64_t k, bool lower) {
  const std::int64_t n = s[s.size() - 2], m = s[s.size() - 1];
  std::vector<double> out = x;
  for (std::size_t e = 0; e < out.size(); ++e) {
    const auto idx = static_cast<std::int64_t>(e);
    const std::int64_t i = (idx / m) % std::max<std::int64_t>(n, 1), j = idx % m;
    const bool keep = lower ? j - i <= k : j - i >= k;
    if (!keep) out[e] = 0;
  }
  return out;
}

// ---- tri

TEST(Tri, ValuesForOffsetsAndShapes) {
  const std::pair<std::int64_t, std::int64_t> sizes[] = {{3, 3}, {2, 4}, {4, 2}, {1, 1}, {0, 3}, {3, 0}};
  for (const auto& [n, m] : sizes) {
    for (std::int64_t k : {-5, -1, 0, 1, 2, 5}) {
      SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(m) + " k=" + std::to_string(k));
      const Variable t = tri(n, m, k, float64);
      EXPECT_EQ(t.type(), (Type{float64, {n, m}}));
      std::vector<double> want;
      for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t j = 0; j < m; ++j) want.push_back(j <= i + k ? 1 : 0);
      }
      expect_array(eval1({}, t, {}), float64, {n, m}, want);
    }
  }
}

TEST(Tri, DTypesDefaultsAndSymbolicSizes) {
  for (DType d : kDTypes) {
    expect_array(eval1({}, tri(2, std::nullopt, 0, d), {}), d, {2, 2}, {1, 0, 1, 1});
  }
  EXPECT_EQ(tri(3).type(), (Type{floatX(), {3, 3}}));
  Variable n = scalar("n", int64), m = scalar("m", int32);
  const Variable t = tri(n, m, -1, int16);
  EXPECT_EQ(t.type(), (Type{int16, {kUnknownDim, kUnknownDim}}));
  expect_exact<std::int16_t>(eval1({n, m}, t, {Array::scalar<std::int64_t>(3), Array::scalar<std::int32_t>(2)}),
                             {3, 2}, {0, 0, 1, 0, 1, 1});
  expect_shape_inference({n, m}, t, {Array::scalar<std::int64_t>(3), Array::scalar<std::int32_t>(5)});
  // NumPy's tri takes a negative size as 0.
  expect_array(eval1({}, tri(-1), {}), floatX(), {0, 0}, {});
  EXPECT_EQ(tri(-2, 3).type(), (Type{floatX(), {0, 3}}));
  expect_shape_inference({n, m}, t, {Array::scalar<std::int64_t>(-3), Array::scalar<std::int32_t>(2)});
}

TEST(Tri, ErrorNonIntegerSize) {
  expect_error<TypeError>([] { tri(scalar("n", float64)); }, {"diagonal_test.cpp", "tri", "size 0 must be an integer"});
}

// ---- tril, triu

TEST(Triangle, ValuesOverDTypesAndOffsets) {
  for (DType d : kDTypes) {
    for (const Shape& s : {Shape{3, 4}, Shape{4, 3}, Shape{2, 3, 3}, Shape{2, 1, 2, 5}}) {
      const Array a = array_for(s, d);
      const Variable x = tensor("x", d, s);
      for (std::int64_t k : {-7, -2, -1, 0, 1, 3, 9}) {
        SCOPED_TRACE(std::string(dtype_name(d)) + " " + shape_str(s) + " k=" + std::to_string(k));
        const Variable lo = tril(x, k), up = triu(x, k);
        EXPECT_EQ(lo.type(), x.type());
        expect_array(eval1({x}, lo, {a}), d, s, ref_triangle(a.to_vector<double>(), s, k, true));
        expect_array(eval1({x}, up, {a}), d, s, ref_triangle(a.to_vector<double>(), s, k, false));
      }
    }
  }
}

TEST(Triangle, NonContiguousEmptyAndSymbolic) {
  const Variable x = tensor("x", float64, {kUnknownDim, kUnknownDim, kUnknownDim});
  // A transposed stack and a reversed one.
  const Array base = array_for({3, 2, 4}, float64);
  for (const Array& a : {base.transpose(), base.slice(2, 3, -5, -1)}) {
    const std::vector<double> v = a.to_vector<double>();
    expect_array(eval1({x}, tril(x, 1), {a}), float64, a.shape(), ref_triangle(v, a.shape(), 1, true));
    expect_array(eval1({x}, triu(x, -1), {a}), float64, a.shape(), ref_triangle(v, a.shape(), -1, false));
    expect_shape_inference({x}, triu(x), {a});
  }
  expect_array(eval1({x}, tril(x), {Array::zeros(float64, {2, 0, 3})}), float64, {2, 0, 3}, {});
  expect_array(eval1({x}, triu(x), {Array::zeros(float64, {0, 3, 3})}), float64, {0, 3, 3}, {});
  // Extreme offsets keep everything or nothing.
  const Array a = array_for({1, 2, 3}, float64);
  expect_array(eval1({x}, tril(x, std::numeric_limits<std::int64_t>::max()), {a}), float64, {1, 2, 3},
               a.to_vector<double>());
  expect_array(eval1({x}, triu(x, std::numeric_limits<std::int64_t>::min()), {a}), float64, {1, 2, 3},
               a.to_vector<double>());
  expect_array(eval1({x}, tril(x, std::numeric_limits<std::int64_t>::min()), {a}), float64, {1, 2, 3},
               std::vector<double>(6, 0.0));
}

TEST(Triangle, ErrorRankBelowTwo) {
  expect_error<ValueError>([] { tril(vector("v")); },
                           {"diagonal_test.cpp", "tril", "at least 2 dimensions, not 1", "(?,)"});
  expect_error<ValueError>([] { triu(scalar("s")); }, {"diagonal_test.cpp", "triu", "not 0"});
}

// ---- diagonal

struct DiagCase {
  Shape shape;
  int axis1, axis2;
};

TEST(Diagonal, ValuesOverDTypesOffsetsAndAxes) {
  const DiagCase cases[] = {{{3, 4}, 0, 1}, {{4, 3}, 0, 1}, {{4, 3}, 1, 0}, {{2, 3, 4}, 0, 2},
                            {{2, 3, 4}, 2, 0}, {{2, 3, 4}, 1, 2}, {{3, 1, 3}, -1, 0}, {{2, 2, 2, 3}, 1, 3}};
  for (DType d : kDTypes) {
    for (const DiagCase& c : cases) {
      const Array a = array_for(c.shape, d);
      const Variable x = tensor("x", d, c.shape);
      const int nd = static_cast<int>(c.shape.size());
      const int a1 = c.axis1 < 0 ? c.axis1 + nd : c.axis1, a2 = c.axis2 < 0 ? c.axis2 + nd : c.axis2;
      for (std::int64_t off : {-5, -3, -1, 0, 1, 2, 4, 100}) {
        SCOPED_TRACE(std::string(dtype_name(d)) + " " + shape_str(c.shape) + " axes " + std::to_string(c.axis1) +
                     "," + std::to_string(c.axis2) + " offset " + std::to_string(off));
        Shape want_shape;
        const std::vector<double> want = ref_diagonal(a.to_vector<double>(), c.shape, off, a1, a2, want_shape);
        const Variable y = diagonal(x, off, c.axis1, c.axis2);
        EXPECT_EQ(y.type(), (Type{d, want_shape}));
        expect_array(eval1({x}, y, {a}), d, want_shape, want);
      }
    }
  }
}

TEST(Diagonal, NonContiguousAndEmptyInputs) {
  const Variable x = tensor("x", int32, {kUnknownDim, kUnknownDim, kUnknownDim});
  const Array base = array_for({3, 4, 5}, int32);
  for (const Array& a : {base.transpose(), base.slice(1, 3, -5, -1), base.slice(2, 0, 5, 2)}) {
    for (std::int64_t off : {-2, 0, 1}) {
      Shape want_shape;
      const std::vector<double> want = ref_diagonal(a.to_vector<double>(), a.shape(), off, 1, 2, want_shape);
      expect_array(eval1({x}, diagonal(x, off, 1, 2), {a}), int32, want_shape, want);
    }
  }
  expect_array(eval1({x}, diagonal(x, 0, 1, 2), {Array::zeros(int32, {0, 3, 3})}), int32, {0, 3}, {});
  expect_array(eval1({x}, diagonal(x, 0, 1, 2), {Array::zeros(int32, {2, 0, 3})}), int32, {2, 0}, {});
  expect_array(eval1({x}, diagonal(x, 1, 1, 2), {Array::zeros(int32, {0, 3, 3})}), int32, {0, 2}, {});
  expect_array(eval1({x}, diagonal(x, -9, 0, 1), {Array::zeros(int32, {2, 2, 2})}), int32, {2, 0}, {});
}

TEST(Diagonal, IsAViewOfItsInput) {
  const Variable x = tensor("x", float64, {3, 4});
  const Variable y = diagonal(x, 1);
  const Array a = array_for({3, 4}, float64);
  const std::vector<Array> ins{a};
  const std::vector<Array> out = y.node().op().reference(KernelArgs{ins, y.node()});
  EXPECT_TRUE(out[0].shares_memory_with(a));
  expect_array(out[0], float64, {3}, {a.at<double>({0, 1}), a.at<double>({1, 2}), a.at<double>({2, 3})});
  EXPECT_EQ(y.node().op().aliasing->views, (std::vector<std::pair<int, int>>{{0, 0}}));
  // diag of a matrix copies.
  const Variable z = diag(x, 1);
  EXPECT_FALSE(z.node().op().reference(KernelArgs{ins, z.node()})[0].shares_memory_with(a));
}

TEST(Diagonal, ShapeInference) {
  const Variable x = tensor("x", float32, {kUnknownDim, 3, kUnknownDim});
  for (std::int64_t off : {-4, -1, 0, 2, 7}) {
    for (const auto& [a1, a2] : {std::pair{0, 2}, {2, 1}, {1, 0}}) {
      const Variable y = diagonal(x, off, a1, a2);
      for (const Shape& s : {Shape{2, 3, 5}, Shape{4, 3, 1}, Shape{0, 3, 0}}) {
        expect_shape_inference({x}, y, {Array::zeros(float32, s)});
      }
    }
  }
  // Static sizes where the shape decides them.
  EXPECT_EQ(diagonal(x, 0, 0, 2).type(), (Type{float32, {3, kUnknownDim}}));
  EXPECT_EQ(diagonal(x, 3, 2, 1).type(), (Type{float32, {kUnknownDim, 0}}));
  EXPECT_EQ(diagonal(tensor("t", int8, {2, 5}), -1).type(), (Type{int8, {1}}));
}

TEST(Diagonal, ErrorSameAxes) {
  expect_error<ValueError>([] { diagonal(matrix("m"), 0, 1, -1); },
                           {"diagonal_test.cpp", "diagonal", "axis1 and axis2 cannot be the same"});
}

TEST(Diagonal, ErrorAxisOutOfBounds) {
  expect_error<IndexError>(
      [] { diagonal(matrix("m"), 0, 0, 3); },
      {"diagonal_test.cpp", "diagonal", "axis2: axis 3 is out of bounds for array of dimension 2"});
}

TEST(Diagonal, ErrorRankBelowTwo) {
  expect_error<ValueError>([] { diagonal(vector("v")); },
                           {"diagonal_test.cpp", "diagonal", "diag requires an array of at least two dimensions"});
}

// ---- diag

TEST(Diag, VectorToMatrix) {
  for (DType d : kDTypes) {
    const Array v = array_for({3}, d);
    const std::vector<double> vals = v.to_vector<double>();
    const Variable x = vector("x", d);
    for (std::int64_t k : {-2, 0, 1}) {
      SCOPED_TRACE(std::string(dtype_name(d)) + " k=" + std::to_string(k));
      const std::int64_t n = 3 + (k < 0 ? -k : k);
      std::vector<double> want(static_cast<std::size_t>(n * n), 0.0);
      for (std::int64_t i = 0; i < 3; ++i) {
        const std::int64_t r = k < 0 ? i - k : i, c = k > 0 ? i + k : i;
        want[static_cast<std::size_t>(r * n + c)] = vals[static_cast<std::size_t>(i)];
      }
      const Variable y = diag(x, k);
      EXPECT_EQ(y.type(), (Type{d, {kUnknownDim, kUnknownDim}}));
      expect_array(eval1({x}, y, {v}), d, {n, n}, want);
      expect_shape_inference({x}, y, {v});
    }
  }
  // Static length, a reversed vector and an empty one.
  EXPECT_EQ(diag(tensor("s", float64, {2}), -3).type(), (Type{float64, {5, 5}}));
  const Variable x = vector("x", float64);
  const Array rev = Array::from({1.0, 2.0, 3.0}).slice(0, 2, -4, -2);  // [3 1]
  expect_array(eval1({x}, diag(x), {rev}), float64, {2, 2}, {3, 0, 0, 1});
  expect_array(eval1({x}, diag(x, 2), {Array::zeros(float64, {0})}), float64, {2, 2}, {0, 0, 0, 0});
}

TEST(Diag, MatrixToVector) {
  const Variable x = matrix("x", int64);
  const Array a = array_for({3, 5}, int64);
  for (std::int64_t k : {-3, -1, 0, 2, 5}) {
    Shape s;
    const std::vector<double> want = ref_diagonal(a.to_vector<double>(), {3, 5}, k, 0, 1, s);
    expect_array(eval1({x}, diag(x, k), {a}), int64, s, want);
    // A transposed (non-contiguous) matrix.
    const Array at = a.transpose();
    const std::vector<double> want_t = ref_diagonal(at.to_vector<double>(), {5, 3}, k, 0, 1, s);
    expect_array(eval1({x}, diag(x, k), {at}), int64, s, want_t);
  }
}

TEST(Diag, ErrorRank) {
  expect_error<ValueError>([] { diag(tensor3("t")); }, {"diagonal_test.cpp", "diag", "Input must be 1- or 2-d."});
  expect_error<ValueError>([] { diag(scalar("s")); }, {"diag", "Input must be 1- or 2-d."});
}

// ---- trace

TEST(Trace, ValuesAndDTypes) {
  const std::pair<DType, DType> dtypes[] = {{DType::bool_, DType::int64},  {DType::int8, DType::int64},
                                            {DType::uint8, DType::uint64}, {DType::int32, DType::int64},
                                            {DType::float32, DType::float32}, {DType::float64, DType::float64}};
  for (const auto& [in, out] : dtypes) {
    const Array a = array_for({3, 4}, in);
    const Variable x = matrix("x", in);
    for (std::int64_t off : {-4, -1, 0, 2}) {
      Shape s;
      const std::vector<double> d = ref_diagonal(a.to_vector<double>(), {3, 4}, off, 0, 1, s);
      double total = 0;
      for (double v : d) total += v;
      expect_array(eval1({x}, trace(x, off), {a}), out, {}, {total});
    }
  }
  // A stack, over named axes, non-contiguous.
  const Array b = array_for({4, 2, 3}, float64).transpose({1, 0, 2});  // (2, 4, 3)
  const Variable t = tensor3("t", float64);
  Shape s;
  const std::vector<double> d = ref_diagonal(b.to_vector<double>(), b.shape(), 1, 2, 1, s);  // (2, 3)
  ASSERT_EQ(s, (Shape{2, 3}));
  expect_array(eval1({t}, trace(t, 1, 2, 1), {b}), float64, {2}, {d[0] + d[1] + d[2], d[3] + d[4] + d[5]});
  expect_shape_inference({t}, trace(t, 1, 2, 1), {b});
}

}  // namespace
}  // namespace hypatia
