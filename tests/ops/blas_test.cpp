// dot, matmul, tensordot and outer against references written here from NumPy's
// definitions (index arithmetic over C-order value lists), over dtypes, ranks, batch
// broadcasting, empty and size-1 dimensions, strided inputs and integer wrapping.
#include "hypatia/ops/blas.hpp"

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

// ---- data and references

// Small integers (exact in every dtype and every sum here), non-negative for unsigned
// dtypes, a mix of true and false for bool.
Array make(DType t, const Shape& shape, int seed) {
  const std::int64_t n = shape_size(shape);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t h = i * 7 + seed * 3;
    if (is_bool(t)) {
      v[static_cast<std::size_t>(i)] = (h % 3) != 0 ? 1 : 0;
    } else if (is_unsigned_integer(t)) {
      v[static_cast<std::size_t>(i)] = static_cast<double>(h % 5);
    } else {
      v[static_cast<std::size_t>(i)] = static_cast<double>(h % 9 - 4);
    }
  }
  return Array::from_vector(v, {n}).reshape(shape).astype(t);
}

// A value list with its shape, read by multi-index.
struct Ref {
  Shape shape;
  std::vector<double> v;
  explicit Ref(const Array& a) : shape(a.shape()), v(a.to_vector<double>()) {}
  double at(const std::vector<std::int64_t>& idx) const {
    std::int64_t flat = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + idx[d];
    return v[static_cast<std::size_t>(flat)];
  }
};

std::vector<std::int64_t> unravel(std::int64_t flat, const Shape& shape) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return idx;
}

std::vector<std::int64_t> slice_of(const std::vector<std::int64_t>& v, std::size_t from, std::size_t to) {
  return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to)};
}

// The expected values; bool results are "any product true", as numpy.dot of bools.
struct Expected {
  Shape shape;
  std::vector<double> values;
};

void finish(Expected& e, DType t) {
  if (is_bool(t)) {
    for (double& x : e.values) x = x != 0 ? 1 : 0;
  }
}

// numpy.dot by its definition.
Expected ref_dot(const Array& a_arr, const Array& b_arr, DType t) {
  const Ref a(a_arr), b(b_arr);
  const std::size_t na = a.shape.size(), nb = b.shape.size();
  Expected e;
  if (na == 0 || nb == 0) {
    const Ref& x = na == 0 ? b : a;
    const double s = na == 0 ? a.v[0] : b.v[0];
    e.shape = x.shape;
    for (double xv : x.v) e.values.push_back(xv * s);
    finish(e, t);
    return e;
  }
  e.shape.assign(a.shape.begin(), a.shape.end() - 1);
  if (nb >= 2) e.shape.insert(e.shape.end(), b.shape.begin(), b.shape.end() - 2);
  if (nb >= 2) e.shape.push_back(b.shape.back());
  const std::int64_t K = a.shape.back();
  for (std::int64_t f = 0; f < shape_size(e.shape); ++f) {
    const auto o = unravel(f, e.shape);
    double s = 0;
    for (std::int64_t k = 0; k < K; ++k) {
      auto ia = slice_of(o, 0, na - 1);
      ia.push_back(k);
      std::vector<std::int64_t> ib;
      if (nb == 1) {
        ib = {k};
      } else {
        ib = slice_of(o, na - 1, na - 1 + nb - 2);
        ib.push_back(k);
        ib.push_back(o.back());
      }
      s += a.at(ia) * b.at(ib);
    }
    e.values.push_back(s);
  }
  finish(e, t);
  return e;
}

// numpy.matmul by its definition: 1-d operands promoted, batch axes broadcast.
Expected ref_matmul(const Array& a_arr, const Array& b_arr, DType t) {
  Ref a(a_arr), b(b_arr);
  const bool a_vec = a.shape.size() == 1, b_vec = b.shape.size() == 1;
  if (a_vec) a.shape.insert(a.shape.begin(), 1);
  if (b_vec) b.shape.push_back(1);
  const std::size_t na = a.shape.size(), nb = b.shape.size();
  const std::size_t nbatch = std::max(na, nb) - 2;
  Shape batch(nbatch, 1);
  for (std::size_t i = 0; i < nbatch; ++i) {
    const std::int64_t da = i + na >= nbatch + 2 ? a.shape[i + na - nbatch - 2] : 1;
    const std::int64_t db = i + nb >= nbatch + 2 ? b.shape[i + nb - nbatch - 2] : 1;
    batch[i] = da == 1 ? db : da;
  }
  const std::int64_t n = a.shape[na - 2], K = a.shape[na - 1], m = b.shape[nb - 1];
  Shape full = batch;
  full.push_back(n);
  full.push_back(m);
  Expected e;
  for (std::int64_t f = 0; f < shape_size(full); ++f) {
    const auto o = unravel(f, full);
    // Each operand's index: its own batch axes (size 1 reads index 0), then the core.
    auto index = [&](const Ref& x, std::int64_t r, std::int64_t c) {
      const std::size_t nx = x.shape.size() - 2;
      std::vector<std::int64_t> idx;
      for (std::size_t i = 0; i < nx; ++i) idx.push_back(x.shape[i] == 1 ? 0 : o[nbatch - nx + i]);
      idx.push_back(r);
      idx.push_back(c);
      return idx;
    };
    double s = 0;
    for (std::int64_t k = 0; k < K; ++k) s += a.at(index(a, o[nbatch], k)) * b.at(index(b, k, o[nbatch + 1]));
    e.values.push_back(s);
  }
  e.shape = batch;
  if (!a_vec) e.shape.push_back(n);
  if (!b_vec) e.shape.push_back(m);
  finish(e, t);
  return e;
}

double tolerance(DType t) { return t == DType::float32 ? 1e-6 : 1e-12; }

Shape unknown_dims(std::size_t n) { return Shape(n, kUnknownDim); }

// ---- dot: every rank pair, several dtypes

struct RankCase {
  Shape a, b;
};

const RankCase kDotCases[] = {
    {{}, {}},           {{}, {3}},          {{4}, {}},         {{}, {2, 3}},     {{2, 3}, {}},
    {{4}, {4}},         {{3}, {3, 2}},      {{2, 3}, {3}},     {{2, 3}, {3, 4}}, {{2, 3, 4}, {4}},
    {{4}, {2, 4, 3}},   {{2, 3, 4}, {4, 2}}, {{3, 4}, {2, 4, 5}}, {{2, 2, 3}, {2, 3, 2}}, {{2, 1, 2, 3}, {3, 2}},
    {{1, 1}, {1, 5}},   {{2, 0}, {0, 3}},   {{0, 3}, {3, 2}},  {{0}, {0}},       {{2, 3}, {3, 0}},
};

const DType kDTypes[] = {DType::int8, DType::int32, DType::uint8, DType::float32, DType::float64, DType::bool_};

TEST(Dot, EveryRankPairAndDType) {
  for (DType t : kDTypes) {
    for (const RankCase& c : kDotCases) {
      SCOPED_TRACE(std::string(dtype_name(t)) + " " + shape_str(c.a) + " . " + shape_str(c.b));
      const Array A = make(t, c.a, 1), B = make(t, c.b, 2);
      Variable a = tensor("a", t, unknown_dims(c.a.size())), b = tensor("b", t, unknown_dims(c.b.size()));
      const Expected e = ref_dot(A, B, t);
      expect_array(eval1({a, b}, dot(a, b), {A, B}), t, e.shape, e.values, tolerance(t));
    }
  }
}

TEST(Dot, EmptyContractionGivesZeros) {
  Variable a = matrix("a"), b = matrix("b");
  expect_array(eval1({a, b}, dot(a, b), {Array::zeros(float64, {2, 0}), Array::zeros(float64, {0, 3})}), float64,
               {2, 3}, std::vector<double>(6, 0.0));
  Variable x = tensor("x", int32, {0}), y = tensor("y", int32, {0});
  expect_exact<std::int32_t>(eval1({x, y}, dot(x, y), {Array::zeros(int32, {0}), Array::zeros(int32, {0})}), {},
                             {0});
}

TEST(Dot, HandComputedValues) {
  Variable a = matrix("a"), b = matrix("b");
  // [[1 2 3] [4 5 6]] . [[7 8] [9 10] [11 12]] = [[58 64] [139 154]]
  expect_array(eval1({a, b}, dot(a, b), {Array::from({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}),
                                         Array::from({{7.0, 8.0}, {9.0, 10.0}, {11.0, 12.0}})}),
               float64, {2, 2}, {58, 64, 139, 154});
  Variable p = vector("p", bool_), q = vector("q", bool_);
  expect_exact<bool>(eval1({p, q}, dot(p, q), {Array::from({true, false}), Array::from({false, true})}), {}, {false});
  expect_exact<bool>(eval1({p, q}, dot(p, q), {Array::from({true, false}), Array::from({true, true})}), {}, {true});
}

TEST(Dot, IntegersWrap) {
  Variable a = vector("a", int8), b = vector("b", int8);
  // 100*2 + 100*1 = 300 = 44 mod 256
  expect_exact<std::int8_t>(eval1({a, b}, dot(a, b), {Array::from<std::int8_t>({100, 100}), Array::from<std::int8_t>({2, 1})}),
                            {}, {44});
  // -128 * -1 = 128 wraps to -128
  expect_exact<std::int8_t>(eval1({a, b}, dot(a, b), {Array::from<std::int8_t>({-128, 0}), Array::from<std::int8_t>({-1, 5})}),
                            {}, {-128});
  Variable u = vector("u", uint8), v = vector("v", uint8);
  // 200*2 = 400 = 144 mod 256
  expect_exact<std::uint8_t>(eval1({u, v}, dot(u, v), {Array::from<std::uint8_t>({200}), Array::from<std::uint8_t>({2})}),
                             {}, {144});
  Variable x = vector("x", int32), y = vector("y", int32);
  // 2^30 * 2 + 2^30 * 2 = 2^32 = 0 mod 2^32
  expect_exact<std::int32_t>(eval1({x, y}, dot(x, y), {Array::from<std::int32_t>({1 << 30, 1 << 30}), Array::from<std::int32_t>({2, 2})}),
                             {}, {0});
  Variable m = matrix("m", int64), w = vector("w", int64);
  const std::int64_t big = std::int64_t{1} << 62;
  // 2^62 * 2 = 2^63 wraps to INT64_MIN; + 2^62 * 2 wraps to 0.
  expect_exact<std::int64_t>(eval1({m, w}, dot(m, w), {Array::from<std::int64_t>({{big, 0}, {big, big}}), Array::from<std::int64_t>({2, 2})}),
                             {2}, {std::numeric_limits<std::int64_t>::min(), 0});
}

TEST(Dot, PromotesDTypes) {
  Variable a = vector("a", int8), b = vector("b", float32), c = vector("c", uint8), d = vector("d", bool_);
  EXPECT_EQ(dot(a, b).dtype(), float32);
  EXPECT_EQ(dot(a, c).dtype(), int16);
  EXPECT_EQ(dot(d, a).dtype(), int8);
  EXPECT_EQ(dot(a, 2).dtype(), int8);  // a literal takes the other operand's dtype
  expect_array(eval1({a, b}, dot(a, b), {Array::from<std::int8_t>({1, -2}), Array::from<float>({0.5f, 0.25f})}), float32,
               {}, {0.0});
  expect_exact<std::int8_t>(eval1({a}, dot(a, 3), {Array::from<std::int8_t>({1, -2})}), {2}, {3, -6});
}

TEST(Dot, StridedInputs) {
  // Transposed, every other row, and reversed operands: read in place.
  const Array base = make(float64, {4, 3}, 3);
  const Array other = make(float64, {4, 5}, 4);
  Variable a = matrix("a"), b = matrix("b");
  const Array at = base.transpose();                   // (3, 4), strides (8, 24)
  const Array bs = other.slice(1, 0, 5, 2);            // (4, 3), stride 16 along axis 1
  const Array br = other.slice(0, 3, -5, -1);          // (4, 5), negative stride
  for (const auto& [x, y] : {std::pair{at, bs}, std::pair{at, br}}) {
    const Expected e = ref_dot(x, y, float64);
    expect_array(eval1({a, b}, dot(a, b), {x, y}), float64, e.shape, e.values);
  }
  // A zero-stride (broadcast) operand, and a row slice.
  const Array bc = Array::from({1.0, 2.0, 3.0}).broadcast_to({4, 3});
  const Array top = other.slice(0, 0, 3);
  const Expected e = ref_dot(bc, top, float64);
  expect_array(eval1({a, b}, dot(a, b), {bc, top}), float64, e.shape, e.values);
}

TEST(Dot, StaticShapes) {
  EXPECT_EQ(dot(tensor("a", float64, {2, 3}), tensor("b", float64, {3, kUnknownDim})).type().shape,
            (Shape{2, kUnknownDim}));
  EXPECT_EQ(dot(tensor("a", float64, {2, 3, 4}), tensor("b", float64, {5, 4, 6})).type().shape, (Shape{2, 3, 5, 6}));
  EXPECT_EQ(dot(tensor("a", float64, {4}), tensor("b", float64, {4})).type().shape, Shape{});
  EXPECT_EQ(dot(tensor("a", float64, {kUnknownDim, 4}), tensor("b", float64, {4})).type().shape, Shape{kUnknownDim});
  EXPECT_EQ(dot(scalar("s"), tensor("b", float64, {2, 7})).type().shape, (Shape{2, 7}));
}

TEST(Dot, ShapeInference) {
  for (const RankCase& c : kDotCases) {
    SCOPED_TRACE(shape_str(c.a) + " . " + shape_str(c.b));
    Variable a = tensor("a", float64, unknown_dims(c.a.size())), b = tensor("b", float64, unknown_dims(c.b.size()));
    expect_shape_inference({a, b}, dot(a, b), {make(float64, c.a, 1), make(float64, c.b, 2)});
  }
}

TEST(Dot, MisalignedAtBuildTime) {
  expect_error<ShapeError>(
      [] { dot(tensor("a", float64, {2, 3}), tensor("b", float64, {4, 5})); },
      {"blas_test.cpp", "dot", "shapes (2,3) and (4,5) not aligned: 3 (dim 1) != 4 (dim 0)"});
  expect_error<ShapeError>([] { dot(tensor("a", float64, {2, 3, 4}), tensor("b", float64, {kUnknownDim, 6, 7})); },
                           {"shapes (2,3,4) and (?,6,7) not aligned: 4 (dim 2) != 6 (dim 1)"});
}

TEST(Dot, MisalignedAtRunTime) {
  Variable a = matrix("a"), b = vector("b");
  expect_error<ShapeError>([&] { eval1({a, b}, dot(a, b), {make(float64, {2, 3}, 0), make(float64, {4}, 0)}); },
                           {"blas_test.cpp", "dot", "shapes (2,3) and (4,) not aligned: 3 (dim 1) != 4 (dim 0)"});
}

// ---- matmul

const RankCase kMatmulCases[] = {
    {{4}, {4}},          {{3}, {3, 2}},          {{2, 3}, {3}},          {{2, 3}, {3, 4}},
    {{2, 2, 3}, {3, 4}}, {{2, 3}, {2, 3, 4}},    {{2, 2, 3}, {2, 3, 4}}, {{3}, {2, 3, 4}},
    {{2, 2, 3}, {3}},    {{2, 1, 2, 3}, {4, 3, 2}}, {{1, 2, 3}, {5, 3, 1}}, {{3, 1, 2, 3}, {1, 2, 3, 2}},
    {{0, 3}, {3, 4}},    {{2, 0}, {0, 3}},       {{0, 2, 3}, {3, 2}},    {{1, 1, 3}, {0, 3, 2}},
    {{1, 1}, {1, 1}},
};

TEST(Matmul, EveryRankPairBatchAndDType) {
  for (DType t : kDTypes) {
    for (const RankCase& c : kMatmulCases) {
      SCOPED_TRACE(std::string(dtype_name(t)) + " " + shape_str(c.a) + " @ " + shape_str(c.b));
      const Array A = make(t, c.a, 5), B = make(t, c.b, 6);
      Variable a = tensor("a", t, unknown_dims(c.a.size())), b = tensor("b", t, unknown_dims(c.b.size()));
      const Expected e = ref_matmul(A, B, t);
      expect_array(eval1({a, b}, matmul(a, b), {A, B}), t, e.shape, e.values, tolerance(t));
    }
  }
}

TEST(Matmul, IntegersWrapAndStridedInputs) {
  Variable a = tensor3("a", uint8), b = matrix("b", uint8);
  // b = [[8 3] [8 4]], passed transposed. Batch 0: [16 16] . b = [256 = 0, 112];
  // batch 1: [1 2] . b = [24, 11].
  expect_exact<std::uint8_t>(
      eval1({a, b}, matmul(a, b),
            {Array::from<std::uint8_t>({{{16, 16}}, {{1, 2}}}), Array::from<std::uint8_t>({{8, 8}, {3, 4}}).transpose()}),
      {2, 1, 2}, {0, 112, 24, 11});
  const Array A = make(float32, {2, 4, 3}, 7).transpose({0, 2, 1});  // (2, 3, 4), inner axes swapped
  const Array B = make(float32, {4, 6}, 8).slice(1, 5, -7, -2);       // (4, 3), reversed, every other column
  Variable x = tensor3("x", float32), y = matrix("y", float32);
  const Expected e = ref_matmul(A, B, float32);
  expect_array(eval1({x, y}, matmul(x, y), {A, B}), float32, e.shape, e.values, 1e-6);
}

TEST(Matmul, StaticShapes) {
  EXPECT_EQ(matmul(tensor("a", float64, {1, kUnknownDim, 2, 3}), tensor("b", float64, {5, 3, 4})).type().shape,
            (Shape{1, 5, 2, 4}));
  EXPECT_EQ(matmul(tensor("a", float64, {kUnknownDim, 2, 3}), tensor("b", float64, {3})).type().shape,
            (Shape{kUnknownDim, 2}));
  EXPECT_EQ(matmul(tensor("a", float64, {3}), tensor("b", float64, {3})).type().shape, Shape{});
  EXPECT_EQ(matmul(tensor("a", int8, {3}), tensor("b", float32, {3, 2})).type(), (Type{float32, {2}}));
}

TEST(Matmul, ShapeInference) {
  for (const RankCase& c : kMatmulCases) {
    SCOPED_TRACE(shape_str(c.a) + " @ " + shape_str(c.b));
    Variable a = tensor("a", float64, unknown_dims(c.a.size())), b = tensor("b", float64, unknown_dims(c.b.size()));
    expect_shape_inference({a, b}, matmul(a, b), {make(float64, c.a, 1), make(float64, c.b, 2)});
  }
}

TEST(Matmul, ZeroDimOperandIsAValueError) {
  expect_error<ValueError>([] { matmul(scalar("s"), vector("v")); },
                           {"blas_test.cpp", "matmul", "operand 0 is 0-d"});
  expect_error<ValueError>([] { matmul(vector("v"), 2.0); }, {"matmul", "operand 1 is 0-d"});
}

TEST(Matmul, MisalignedAtBuildAndRunTime) {
  expect_error<ShapeError>([] { matmul(tensor("a", float64, {5, 2, 3}), tensor("b", float64, {4, 5})); },
                           {"blas_test.cpp", "matmul", "shapes (5,2,3) and (4,5) not aligned: 3 (dim 2) != 4 (dim 0)"});
  Variable a = matrix("a"), b = tensor3("b");
  expect_error<ShapeError>(
      [&] { eval1({a, b}, matmul(a, b), {make(float64, {2, 3}, 0), make(float64, {2, 4, 5}, 0)}); },
      {"blas_test.cpp", "matmul", "shapes (2,3) and (2,4,5) not aligned: 3 (dim 1) != 4 (dim 1)"});
}

TEST(Matmul, BatchesThatDoNotBroadcast) {
  expect_error<ShapeError>(
      [] { matmul(tensor("a", float64, {2, 1, 3}), tensor("b", float64, {4, 3, 5})); },
      {"blas_test.cpp", "matmul", "batch dimensions (2,) and (4,) of shapes (2,1,3) and (4,3,5) do not broadcast"});
  Variable a = tensor3("a"), b = tensor3("b");
  expect_error<ShapeError>(
      [&] { eval1({a, b}, matmul(a, b), {make(float64, {2, 1, 3}, 0), make(float64, {4, 3, 5}, 0)}); },
      {"blas_test.cpp", "matmul", "batch dimensions (2,) and (4,)"});
}

// ---- tensordot

// numpy.tensordot by its definition: free axes of a, then of b; pairs summed.
Expected ref_tensordot(const Array& a_arr, const Array& b_arr, const std::vector<int>& sa, const std::vector<int>& sb) {
  const Ref a(a_arr), b(b_arr);
  std::vector<int> fa, fb;
  for (int i = 0; i < static_cast<int>(a.shape.size()); ++i) {
    if (std::find(sa.begin(), sa.end(), i) == sa.end()) fa.push_back(i);
  }
  for (int i = 0; i < static_cast<int>(b.shape.size()); ++i) {
    if (std::find(sb.begin(), sb.end(), i) == sb.end()) fb.push_back(i);
  }
  Expected e;
  for (int i : fa) e.shape.push_back(a.shape[static_cast<std::size_t>(i)]);
  for (int i : fb) e.shape.push_back(b.shape[static_cast<std::size_t>(i)]);
  Shape sum_shape;
  for (int i : sa) sum_shape.push_back(a.shape[static_cast<std::size_t>(i)]);
  for (std::int64_t f = 0; f < shape_size(e.shape); ++f) {
    const auto o = unravel(f, e.shape);
    double s = 0;
    for (std::int64_t g = 0; g < shape_size(sum_shape); ++g) {
      const auto k = unravel(g, sum_shape);
      std::vector<std::int64_t> ia(a.shape.size()), ib(b.shape.size());
      for (std::size_t j = 0; j < fa.size(); ++j) ia[static_cast<std::size_t>(fa[j])] = o[j];
      for (std::size_t j = 0; j < fb.size(); ++j) ib[static_cast<std::size_t>(fb[j])] = o[fa.size() + j];
      for (std::size_t j = 0; j < sa.size(); ++j) {
        ia[static_cast<std::size_t>(sa[j])] = k[j];
        ib[static_cast<std::size_t>(sb[j])] = k[j];
      }
      s += a.at(ia) * b.at(ib);
    }
    e.values.push_back(s);
  }
  return e;
}

TEST(Tensordot, IntegerAxes) {
  const Array A = make(float64, {2, 3, 4}, 1), B = make(float64, {3, 4, 5}, 2);
  Variable a = tensor3("a"), b = tensor3("b");
  for (std::int64_t n : {0, 1, 2}) {
    SCOPED_TRACE(n);
    const Array Bn = n == 1 ? make(float64, {4, 3, 5}, 2) : B;
    std::vector<int> sa, sb;
    for (int k = 0; k < n; ++k) {
      sa.push_back(3 - static_cast<int>(n) + k);
      sb.push_back(k);
    }
    const Expected e = ref_tensordot(A, Bn, sa, sb);
    expect_array(eval1({a, b}, tensordot(a, b, n), {A, Bn}), float64, e.shape, e.values);
    expect_shape_inference({a, b}, tensordot(a, b, n), {A, Bn});
  }
  EXPECT_EQ(tensordot(tensor("a", float64, {2, 3, 4}), tensor("b", float64, {3, 4, 5})).type().shape, (Shape{2, 5}));
}

TEST(Tensordot, AxisListsInAnyOrderAndDTypes) {
  for (DType t : {DType::int8, DType::uint8, DType::int32, DType::float32, DType::float64}) {
    SCOPED_TRACE(dtype_name(t));
    // a (2, 3, 4) and b (4, 5, 3): pair a's axis 2 with b's 0 and a's 1 with b's 2.
    const Array A = make(t, {2, 3, 4}, 3), B = make(t, {4, 5, 3}, 4);
    Variable a = tensor3("a", t), b = tensor3("b", t);
    const Expected e = ref_tensordot(A, B, {2, 1}, {0, 2});
    const Variable out = tensordot(a, b, {-1, 1}, {0, -1});
    expect_array(eval1({a, b}, out, {A, B}), t, e.shape, e.values, tolerance(t));
    expect_shape_inference({a, b}, out, {A, B});
  }
  // Strided and empty inputs.
  Variable a = matrix("a"), b = matrix("b");
  const Array A = make(float64, {5, 4}, 5).slice(0, 0, 5, 2).transpose();  // (4, 3)
  const Array B = make(float64, {3, 2}, 6);
  const Expected e = ref_tensordot(A, B, {1}, {0});
  expect_array(eval1({a, b}, tensordot(a, b, {1}, {0}), {A, B}), float64, e.shape, e.values);
  expect_array(eval1({a, b}, tensordot(a, b, {0}, {0}), {Array::zeros(float64, {0, 2}), Array::zeros(float64, {0, 3})}),
               float64, {2, 3}, std::vector<double>(6, 0.0));
}

TEST(Tensordot, SizeMismatchAtBuildAndRunTime) {
  expect_error<ShapeError>(
      [] { tensordot(tensor("a", float64, {2, 3}), tensor("b", float64, {4, 5}), 1); },
      {"blas_test.cpp", "tensordot", "shape-mismatch for sum: axis 1 of a (size 3) != axis 0 of b (size 4)"});
  Variable a = matrix("a"), b = matrix("b");
  expect_error<ShapeError>(
      [&] { eval1({a, b}, tensordot(a, b, {0}, {1}), {make(float64, {2, 3}, 0), make(float64, {2, 3}, 0)}); },
      {"blas_test.cpp", "tensordot", "axis 0 of a (size 2) != axis 1 of b (size 3), shapes (2,3) and (2,3)"});
}

TEST(Tensordot, BadAxes) {
  Variable a = matrix("a"), b = matrix("b");
  expect_error<ValueError>([&] { tensordot(a, b, 3); },
                           {"blas_test.cpp", "tensordot", "axes=3 must be between 0 and the rank of both operands"});
  expect_error<ValueError>([&] { tensordot(a, b, {0, 1}, {0}); },
                           {"blas_test.cpp", "tensordot", "a_axes has 2 axes but b_axes has 1"});
  expect_error<IndexError>([&] { tensordot(a, b, {0}, {2}); },
                           {"blas_test.cpp", "tensordot", "b_axes: axis 2 is out of bounds for array of dimension 2"});
  expect_error<ValueError>([&] { tensordot(a, b, {1, -1}, {0, 1}); },
                           {"blas_test.cpp", "tensordot", "a_axes: repeated axis 1"});
}

// ---- outer

TEST(Outer, FlattensBothOperands) {
  for (DType t : kDTypes) {
    SCOPED_TRACE(dtype_name(t));
    const Array A = make(t, {2, 2}, 1), B = make(t, {3}, 2);
    Variable a = matrix("a", t), b = vector("b", t);
    const std::vector<double> av = A.to_vector<double>(), bv = B.to_vector<double>();
    std::vector<double> expected;
    for (double x : av) {
      for (double y : bv) expected.push_back(x * y);
    }
    expect_array(eval1({a, b}, outer(a, b), {A, B}), t, {4, 3}, expected, tolerance(t));
  }
  // A 0-d operand is one element; an empty one gives no rows.
  Variable s = scalar("s"), v = vector("v");
  expect_array(eval1({s, v}, outer(s, v), {Array::scalar(2.0), Array::from({1.0, -3.0})}), float64, {1, 2}, {2, -6});
  expect_array(eval1({v, s}, outer(v, s), {Array::zeros(float64, {0}), Array::scalar(2.0)}), float64, {0, 1}, {});
}

TEST(Outer, StridedInputsStaticShapesAndShapeInference) {
  Variable a = matrix("a"), b = vector("b");
  const Array A = make(float64, {3, 2}, 1).transpose();  // (2, 3): C-order flattening reads the transpose
  const Array B = make(float64, {4}, 2).slice(0, 3, -5, -1);
  const std::vector<double> av = A.to_vector<double>(), bv = B.to_vector<double>();
  std::vector<double> expected;
  for (double x : av) {
    for (double y : bv) expected.push_back(x * y);
  }
  expect_array(eval1({a, b}, outer(a, b), {A, B}), float64, {6, 4}, expected);
  expect_shape_inference({a, b}, outer(a, b), {A, B});
  EXPECT_EQ(outer(tensor("a", int8, {2, 3}), tensor("b", int32, {5})).type(), (Type{int32, {6, 5}}));
  EXPECT_EQ(outer(tensor("a", float64, {2, kUnknownDim}), tensor("b", float64, {0, kUnknownDim})).type().shape,
            (Shape{kUnknownDim, 0}));
}

}  // namespace
}  // namespace hypatia
