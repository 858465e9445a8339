// Comparisons and float predicates (src/ops/compare.cpp) against hand-written loops.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "graph/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval;
using testing::eval1;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

// Values are held as long double: exact for every value of every dtype used here.
using Values = std::vector<long double>;

constexpr long double kInf = std::numeric_limits<long double>::infinity();
constexpr long double kNaN = std::numeric_limits<long double>::quiet_NaN();
constexpr long double kTwo53 = 9007199254740992.0L;
constexpr long double kTwo63 = 9223372036854775808.0L;
constexpr long double kInt64Min = -kTwo63;
constexpr long double kInt64Max = kTwo63 - 1;
constexpr long double kUint64Max = 2 * kTwo63 - 1;

const DType kDTypes[] = {DType::bool_, DType::int8, DType::int64, DType::uint8,
                         DType::uint64, DType::float32, DType::float64};

// `values` (each representable in t) as an array of dtype t.
Array make(DType t, const Values& values, const Shape& shape = {}) {
  return visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> typed;
    for (long double v : values) typed.push_back(static_cast<T>(v));
    return Array::from_vector(typed, shape);
  });
}

// Edge values of each dtype: extremes, zeros, values that float64 cannot tell apart.
Values edge_values(DType t) {
  switch (t) {
    case DType::bool_: return {0, 1};
    case DType::int8: return {-128, -1, 0, 1, 2, 127};
    case DType::int64: return {kInt64Min, -1, 0, 1, kTwo53, kTwo53 + 1, kInt64Max};
    case DType::uint8: return {0, 1, 2, 127, 255};
    case DType::uint64: return {0, 1, 2, kTwo53 + 1, kTwo63, kUint64Max};
    case DType::float32: return {-kInf, -kTwo63, -1.5, -0.0L, 0, 1, 2, 16777216, kTwo63, 2 * kTwo63, kInf, kNaN};
    case DType::float64:
      return {-kInf, -1e300L, -1.5, -0.0L, 0, 1, 2, kTwo53, kTwo63, 2 * kTwo63, 1e300L, kInf, kNaN};
    default: break;
  }
  ADD_FAILURE() << "no edge values for " << dtype_name(t);
  return {};
}

enum class Cmp { lt, gt, le, ge, eq, neq };

bool apply_cmp(Cmp c, long double x, long double y) {
  switch (c) {
    case Cmp::lt: return x < y;
    case Cmp::gt: return x > y;
    case Cmp::le: return x <= y;
    case Cmp::ge: return x >= y;
    case Cmp::eq: return x == y;
    case Cmp::neq: return x != y;
  }
  return false;
}

bool narrow(DType t) {
  return t == DType::bool_ || t == DType::int8 || t == DType::uint8 || t == DType::float32;
}

// NumPy 2's answer for x (of tx) compared with y (of ty): integers and bool by exact
// value; otherwise both rounded to the float type they promote to.
bool reference(Cmp c, long double x, DType tx, long double y, DType ty) {
  if (!is_float(tx) && !is_float(ty)) return apply_cmp(c, x, y);
  const bool in_float32 = (tx == DType::float32 || ty == DType::float32) && narrow(tx) && narrow(ty);
  if (in_float32) return apply_cmp(c, static_cast<float>(x), static_cast<float>(y));
  return apply_cmp(c, static_cast<double>(x), static_cast<double>(y));
}

struct CmpCase {
  const char* name;
  Cmp cmp;
  Variable (*fn)(const Operand&, const Operand&);
};
const CmpCase kComparisons[] = {
    {"lt", Cmp::lt, lt}, {"gt", Cmp::gt, gt}, {"le", Cmp::le, le},
    {"ge", Cmp::ge, ge}, {"eq", Cmp::eq, eq}, {"neq", Cmp::neq, neq},
};

// Every comparison, every pair of dtypes, every pair of edge values (a column against
// a row, so broadcasting is exercised too).
TEST(Compare, EveryDTypePairAgainstExactReference) {
  for (DType ta : kDTypes) {
    for (DType tb : kDTypes) {
      SCOPED_TRACE(std::string(dtype_name(ta)) + " vs " + std::string(dtype_name(tb)));
      const Values va = edge_values(ta), vb = edge_values(tb);
      const auto n = static_cast<std::int64_t>(va.size()), m = static_cast<std::int64_t>(vb.size());
      Variable a = tensor("a", ta, {kUnknownDim, 1});
      Variable b = vector("b", tb);
      std::vector<Variable> outs;
      for (const CmpCase& c : kComparisons) outs.push_back(c.fn(a, b));
      const std::vector<Array> got = eval({a, b}, outs, {make(ta, va, {n, 1}), make(tb, vb)});
      for (std::size_t k = 0; k < std::size(kComparisons); ++k) {
        SCOPED_TRACE(kComparisons[k].name);
        std::vector<bool> expected;
        for (long double x : va) {
          for (long double y : vb) expected.push_back(reference(kComparisons[k].cmp, x, ta, y, tb));
        }
        expect_exact<bool>(got[k], {n, m}, expected);
      }
    }
  }
}

// int64 against uint64 promotes to float64, which cannot tell 2^53 from 2^53 + 1 or
// 2^63 - 1 from 2^63; NumPy 2 compares them exactly, and so do we.
TEST(Compare, SignedAgainstUint64IsExact) {
  Variable s = vector("s", DType::int64);
  Variable u = vector("u", DType::uint64);
  const Array sv = make(DType::int64, {-1, kTwo53, kInt64Max, kInt64Min, 0});
  const Array uv = make(DType::uint64, {kTwo63, kTwo53 + 1, kTwo63, kTwo63, 0});
  const std::vector<Array> got = eval({s, u}, {lt(s, u), eq(s, u), neq(s, u), ge(u, s)}, {sv, uv});
  expect_exact<bool>(got[0], {5}, {true, true, true, true, false});
  expect_exact<bool>(got[1], {5}, {false, false, false, false, true});
  expect_exact<bool>(got[2], {5}, {true, true, true, true, false});
  expect_exact<bool>(got[3], {5}, {true, true, true, true, true});
  // int8 against uint64 takes the same path.
  Variable s8 = vector("s8", DType::int8);
  expect_exact<bool>(eval1({s8, u}, gt(u, s8), {make(DType::int8, {-1, 127, -128, 0, 1}), uv}), {5},
                     {true, true, true, true, false});
}

TEST(Compare, NaNIsUnorderedAndUnequal) {
  Variable x = vector("x", DType::float64);
  Variable y = vector("y", DType::float64);
  const Array xv = make(DType::float64, {kNaN, kNaN, 1, -0.0L});
  const Array yv = make(DType::float64, {kNaN, 1, kNaN, 0});
  std::vector<Variable> outs;
  for (const CmpCase& c : kComparisons) outs.push_back(c.fn(x, y));
  const std::vector<Array> got = eval({x, y}, outs, {xv, yv});
  expect_exact<bool>(got[0], {4}, {false, false, false, false});  // lt
  expect_exact<bool>(got[1], {4}, {false, false, false, false});  // gt
  expect_exact<bool>(got[2], {4}, {false, false, false, true});   // le: -0 <= 0
  expect_exact<bool>(got[3], {4}, {false, false, false, true});   // ge
  expect_exact<bool>(got[4], {4}, {false, false, false, true});   // eq: -0 == 0
  expect_exact<bool>(got[5], {4}, {true, true, true, false});     // neq
}

// A literal takes the dtype of the array it meets: `x < 2` on int8 compares in int8.
TEST(Compare, LiteralsTakeTheArraysDType) {
  Variable x = vector("x", DType::int8);
  Variable c = x < 2;
  EXPECT_EQ(c.dtype(), DType::bool_);
  EXPECT_EQ(c.node().inputs()[1].dtype(), DType::int8);
  EXPECT_EQ((2 > x).node().inputs()[0].dtype(), DType::int8);
  EXPECT_EQ((x < 2.5).node().inputs()[1].dtype(), DType::float64);
  const Array xv = make(DType::int8, {-128, 1, 2, 127});
  const std::vector<Array> got = eval({x}, {x < 2, 2 > x, x >= 2, x < 2.5, eq(x, true)}, {xv});
  expect_exact<bool>(got[0], {4}, {true, true, false, false});
  expect_exact<bool>(got[1], {4}, {true, true, false, false});
  expect_exact<bool>(got[2], {4}, {false, false, true, true});
  expect_exact<bool>(got[3], {4}, {true, true, true, false});
  expect_exact<bool>(got[4], {4}, {false, true, false, false});
}

// NumPy 2 compares an integer array with a Python int outside its range by value
// (where arithmetic would raise): int8 < 300 is true, uint64 == -1 is false.
TEST(Compare, OutOfRangeIntegerLiteralsCompareByValue) {
  Variable i8 = vector("i8", DType::int8);
  Variable u8 = vector("u8", DType::uint8);
  Variable u64 = vector("u64", DType::uint64);
  const Array i8v = make(DType::int8, {-128, 0, 127});
  const Array u8v = make(DType::uint8, {0, 255, 7});
  const Array u64v = make(DType::uint64, {0, kUint64Max, kTwo63});
  const std::vector<Array> got = eval(
      {i8, u8, u64}, {i8 < 300, i8 >= -129, eq(i8, 1000), 300 > u8, u8 > -1, eq(u64, -1), u64 > -1, -1 < u64, neq(-1, u64)},
      {i8v, u8v, u64v});
  expect_exact<bool>(got[0], {3}, {true, true, true});
  expect_exact<bool>(got[1], {3}, {true, true, true});
  expect_exact<bool>(got[2], {3}, {false, false, false});
  expect_exact<bool>(got[3], {3}, {true, true, true});
  expect_exact<bool>(got[4], {3}, {true, true, true});
  expect_exact<bool>(got[5], {3}, {false, false, false});
  expect_exact<bool>(got[6], {3}, {true, true, true});
  expect_exact<bool>(got[7], {3}, {true, true, true});
  expect_exact<bool>(got[8], {3}, {true, true, true});
}

TEST(Compare, OperatorsBuildTheSameNodes) {
  Variable a = vector("a", DType::int64);
  Variable b = vector("b", DType::float32);
  EXPECT_EQ(a < b, lt(a, b));
  EXPECT_EQ(a > b, gt(a, b));
  EXPECT_EQ(a <= b, le(a, b));
  EXPECT_EQ(a >= b, ge(a, b));
  EXPECT_EQ(a < 3, lt(a, 3));
}

TEST(Compare, EmptyAndSizeOneDimensions) {
  Variable a = matrix("a", DType::float64);
  Variable b = vector("b", DType::int8);
  Variable c = lt(a, b);
  expect_exact<bool>(eval1({a, b}, c, {Array::zeros(DType::float64, {0, 3}), make(DType::int8, {1, 2, 3})}), {0, 3},
                     {});
  expect_exact<bool>(eval1({a, b}, c, {make(DType::float64, {1.5}, {1, 1}), make(DType::int8, {1, 2, 3})}), {1, 3},
                     {false, true, true});
  expect_exact<bool>(eval1({a, b}, c, {make(DType::float64, {0, 5}, {2, 1}), Array::zeros(DType::int8, {0})}),
                     {2, 0}, {});
  // 0-d against a vector.
  Variable s = scalar("s", DType::uint8);
  expect_exact<bool>(eval1({s, b}, ge(s, b), {Array::scalar<std::uint8_t>(2), make(DType::int8, {-1, 2, 3})}), {3},
                     {true, true, false});
}

// Transposed, reversed and broadcast (zero-stride) inputs read the right elements.
TEST(Compare, NonContiguousInputs) {
  // base(i, j) = 10 i + j, shape (3, 4); its transpose t(i, j) = 10 j + i.
  Values base_values;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) base_values.push_back(10 * i + j);
  }
  const Array base = make(DType::int64, base_values, {3, 4});
  const Array t = base.transpose();                      // (4, 3)
  const Array r = make(DType::float32, {0, 11, 22}).slice(0, -1, -4, -1);  // 22, 11, 0
  Variable a = matrix("a", DType::int64);
  Variable b = vector("b", DType::float32);
  std::vector<bool> expected;
  const long double rv[] = {22, 11, 0};
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) expected.push_back(10 * j + i >= rv[j]);
  }
  expect_exact<bool>(eval1({a, b}, ge(a, b), {t, r}), {4, 3}, expected);
  // A broadcast view has zero strides.
  const Array z = make(DType::int64, {5}).broadcast_to({4, 3});
  expect_exact<bool>(eval1({a, b}, eq(a, b), {z, r}), {4, 3}, std::vector<bool>(12, false));
}

TEST(Compare, Predicates) {
  for (DType t : kDTypes) {
    SCOPED_TRACE(dtype_name(t));
    const Values v = edge_values(t);
    Variable x = vector("x", t);
    const std::vector<Array> got = eval({x}, {isnan(x), isinf(x), isfinite(x)}, {make(t, v)});
    std::vector<bool> nan, inf, finite;
    for (long double e : v) {
      nan.push_back(e != e);
      inf.push_back(e == kInf || e == -kInf);
      finite.push_back(e == e && e != kInf && e != -kInf);
    }
    expect_exact<bool>(got[0], {static_cast<std::int64_t>(v.size())}, nan);
    expect_exact<bool>(got[1], {static_cast<std::int64_t>(v.size())}, inf);
    expect_exact<bool>(got[2], {static_cast<std::int64_t>(v.size())}, finite);
  }
  // A non-contiguous float32 input, and an empty one.
  Variable m = matrix("m", DType::float32);
  const Array mv = make(DType::float32, {1, kNaN, kInf, -kInf, 0, -3}, {2, 3}).transpose();  // (3, 2)
  expect_exact<bool>(eval1({m}, isnan(m), {mv}), {3, 2}, {false, false, true, false, false, false});
  expect_exact<bool>(eval1({m}, isfinite(m), {mv}), {3, 2}, {true, false, false, true, false, true});
  expect_exact<bool>(eval1({m}, isinf(m), {Array::zeros(DType::float32, {2, 0})}), {2, 0}, {});
}

TEST(Compare, ShapeInference) {
  Variable a = tensor("a", DType::float64, {kUnknownDim, 1});
  Variable b = vector("b", DType::int8);
  const std::vector<Array> args = {make(DType::float64, {1, 2}, {2, 1}), make(DType::int8, {1, 2, 3})};
  for (const CmpCase& c : kComparisons) {
    SCOPED_TRACE(c.name);
    expect_shape_inference({a, b}, c.fn(a, b), args);
  }
  expect_shape_inference({a}, isnan(a), {args[0]});
  expect_shape_inference({b}, isinf(b), {args[1]});
  expect_shape_inference({a}, isfinite(a), {Array::zeros(DType::float64, {0, 1})});
  // Static shapes: known sizes broadcast, unknown ones stay unknown.
  EXPECT_EQ(lt(a, b).type().shape, (Shape{kUnknownDim, kUnknownDim}));
  Variable k = tensor("k", DType::int8, {3, 1});
  EXPECT_EQ(eq(k, tensor("j", DType::uint8, {4})).type().shape, (Shape{3, 4}));
}

TEST(Compare, Traits) {
  const OpRegistry& reg = OpRegistry::get();
  for (const char* name : {"eq", "neq"}) EXPECT_TRUE(reg.op(name).has(kCommutative)) << name;
  for (const char* name : {"lt", "gt", "le", "ge", "isnan", "isinf", "isfinite"}) {
    EXPECT_FALSE(reg.op(name).has(kCommutative)) << name;
  }
  for (const char* name : {"lt", "gt", "le", "ge", "eq", "neq", "isnan", "isinf", "isfinite"}) {
    EXPECT_TRUE(reg.op(name).has(kElementwise)) << name;
    EXPECT_FALSE(reg.op(name).not_differentiable_because.empty()) << name;
  }
}

// Known sizes that disagree: a ShapeError when the graph is built.
TEST(Compare, ErrorStaticShapeMismatch) {
  Variable a = tensor("a", DType::float64, {2, 3});
  Variable b = tensor("b", DType::float64, {4});
  expect_error<ShapeError>([&] { (void)lt(a, b); }, {"compare_test.cpp", "lt", "(2, 3)", "(4,)"});
}

// Sizes known only at run time that disagree: a ShapeError when the function runs.
TEST(Compare, ErrorRuntimeShapeMismatch) {
  Variable a = vector("a", DType::int8);
  Variable b = vector("b", DType::int64);
  Variable c = neq(a, b);
  expect_error<ShapeError>([&] { (void)eval1({a, b}, c, {make(DType::int8, {1, 2, 3}), make(DType::int64, {1, 2})}); },
                           {"compare_test.cpp", "neq", "(3,)", "(2,)"});
}

}  // namespace
}  // namespace hypatia
