// Logical and bitwise ops, where and cast (src/ops/logic.cpp) against hand-written loops.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
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
constexpr long double kTwo63 = 9223372036854775808.0L;
constexpr long double kTwo64 = 2 * kTwo63;
constexpr long double kInt64Min = -kTwo63;
constexpr long double kInt64Max = kTwo63 - 1;
constexpr long double kUint64Max = kTwo64 - 1;

const DType kDTypes[] = {DType::bool_, DType::int8, DType::int64, DType::uint8,
                         DType::uint64, DType::float32, DType::float64};
const DType kBitDTypes[] = {DType::bool_, DType::int8, DType::int64, DType::uint8, DType::uint64};

Array make(DType t, const Values& values, const Shape& shape = {}) {
  return visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> typed;
    for (long double v : values) typed.push_back(static_cast<T>(v));
    return Array::from_vector(typed, shape);
  });
}

// `v` rounded to the nearest value of dtype t (for float values not exact in float32).
Values representable(DType t, Values v) {
  visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (long double& e : v) e = static_cast<long double>(static_cast<T>(e));
  });
  return v;
}

Values edge_values_unrounded(DType t) {
  switch (t) {
    case DType::bool_: return {0, 1};
    case DType::int8: return {-128, -5, -1, 0, 1, 2, 127};
    case DType::int64: return {kInt64Min, -300, -1, 0, 1, 256, 1e15L, kInt64Max};
    case DType::uint8: return {0, 1, 2, 127, 200, 255};
    case DType::uint64: return {0, 1, 256, 1e19L, kTwo63, kUint64Max};
    case DType::float32: return {-kInf, -1e10L, -1.5, -0.5, -0.0L, 0, 0.99L, 1, 300.75, 1e19L, kTwo64, kInf, kNaN};
    case DType::float64:
      return {-kInf, -1e300L, -1.5, -0.99L, -0.0L, 0, 1e-300L, 1, 255.5, kTwo63, 1e19L, kTwo64, 1e300L, kInf, kNaN};
    default: break;
  }
  ADD_FAILURE() << "no edge values for " << dtype_name(t);
  return {};
}

Values edge_values(DType t) { return representable(t, edge_values_unrounded(t)); }

// `got` has dtype t, the shape, and exactly the values (NaN matches NaN; zeros match
// in sign too).
void expect_values(const Array& got, DType t, const Shape& shape, const Values& expected) {
  ASSERT_EQ(got.dtype(), t) << "dtype";
  ASSERT_EQ(got.shape(), shape) << "shape";
  visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const std::vector<T> g = got.to_vector<T>();
    ASSERT_EQ(g.size(), expected.size());
    for (std::size_t i = 0; i < g.size(); ++i) {
      const T e = static_cast<T>(expected[i]);
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(e)) {
          EXPECT_TRUE(std::isnan(g[i])) << "element " << i << ": got " << g[i] << ", expected NaN";
        } else {
          EXPECT_EQ(g[i], e) << "element " << i;
          EXPECT_EQ(std::signbit(g[i]), std::signbit(e)) << "sign of element " << i;
        }
      } else {
        EXPECT_EQ(g[i], e) << "element " << i;
      }
    }
  });
}

bool truth(long double x) { return x != 0; }  // NaN is true

// Two's-complement bits of an integer or bool value, sign-extended to 64 bits.
std::uint64_t bits(long double x) {
  return x < 0 ? static_cast<std::uint64_t>(static_cast<std::int64_t>(x)) : static_cast<std::uint64_t>(x);
}

// The value of the low bits of `b` read as dtype t (bool: nonzero).
long double from_bits(std::uint64_t b, DType t) {
  return visit_dtype(t, [&](auto tag) -> long double {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      return b != 0;
    } else {
      return static_cast<long double>(static_cast<T>(b));
    }
  });
}

// ---- logical ops

struct LogicalCase {
  const char* name;
  Variable (*fn)(const Operand&, const Operand&);
  bool (*ref)(bool, bool);
};
const LogicalCase kLogical[] = {
    {"logical_and", logical_and, [](bool a, bool b) { return a && b; }},
    {"logical_or", logical_or, [](bool a, bool b) { return a || b; }},
    {"logical_xor", logical_xor, [](bool a, bool b) { return a != b; }},
};

TEST(Logic, LogicalOpsOnEveryDTypePair) {
  for (DType ta : kDTypes) {
    for (DType tb : kDTypes) {
      SCOPED_TRACE(std::string(dtype_name(ta)) + " with " + std::string(dtype_name(tb)));
      const Values va = edge_values(ta), vb = edge_values(tb);
      const auto n = static_cast<std::int64_t>(va.size()), m = static_cast<std::int64_t>(vb.size());
      Variable a = tensor("a", ta, {kUnknownDim, 1});
      Variable b = vector("b", tb);
      std::vector<Variable> outs;
      for (const LogicalCase& c : kLogical) outs.push_back(c.fn(a, b));
      const std::vector<Array> got = eval({a, b}, outs, {make(ta, va, {n, 1}), make(tb, vb)});
      for (std::size_t k = 0; k < std::size(kLogical); ++k) {
        SCOPED_TRACE(kLogical[k].name);
        std::vector<bool> expected;
        for (long double x : va) {
          for (long double y : vb) expected.push_back(kLogical[k].ref(truth(x), truth(y)));
        }
        expect_exact<bool>(got[k], {n, m}, expected);
      }
    }
  }
}

TEST(Logic, LogicalNotOnEveryDType) {
  for (DType t : kDTypes) {
    SCOPED_TRACE(dtype_name(t));
    const Values v = edge_values(t);
    Variable x = vector("x", t);
    std::vector<bool> expected;
    for (long double e : v) expected.push_back(!truth(e));
    expect_exact<bool>(eval1({x}, logical_not(x), {make(t, v)}), {static_cast<std::int64_t>(v.size())}, expected);
  }
}

TEST(Logic, LogicalOpsWithLiteralsAndOddLayouts) {
  Variable x = matrix("x", DType::float32);
  // (2, 3) transposed to (3, 2): [[0, NaN], [-0.0, 2], [3, 0]].
  const Array xv = make(DType::float32, {0, -0.0L, 3, kNaN, 2, 0}, {2, 3}).transpose();
  const std::vector<Array> got = eval({x}, {logical_and(x, 0.5), logical_or(x, false), logical_xor(true, x)}, {xv});
  expect_exact<bool>(got[0], {3, 2}, {false, true, false, true, true, false});
  expect_exact<bool>(got[1], {3, 2}, {false, true, false, true, true, false});
  expect_exact<bool>(got[2], {3, 2}, {true, false, true, false, false, true});
  // A reversed int8 against a (2, 1) uint64; empty and size-1 shapes.
  Variable a = vector("a", DType::int8);
  Variable b = matrix("b", DType::uint64);
  const Array av = make(DType::int8, {0, 5, -1}).slice(0, -1, -4, -1);  // -1, 5, 0
  const Array bv = make(DType::uint64, {0, 7}, {2, 1});
  expect_exact<bool>(eval1({a, b}, logical_or(a, b), {av, bv}), {2, 3}, {true, true, false, true, true, true});
  expect_exact<bool>(eval1({a, b}, logical_and(a, b), {av, Array::zeros(DType::uint64, {0, 1})}), {0, 3}, {});
  expect_exact<bool>(eval1({a, b}, logical_xor(a, b), {make(DType::int8, {3}), make(DType::uint64, {0}, {1, 1})}),
                     {1, 1}, {true});
}

// ---- bitwise ops

// NumPy's promotion for the bitwise dtypes; nullopt where it gives float64 (an error).
std::optional<DType> bitwise_result(DType a, DType b) {
  if (a == b) return a;
  if (a == DType::bool_) return b;
  if (b == DType::bool_) return a;
  auto pair = [&](DType x, DType y) { return (a == x && b == y) || (a == y && b == x); };
  if (pair(DType::int8, DType::uint8)) return DType::int16;
  if (pair(DType::int8, DType::int64) || pair(DType::uint8, DType::int64)) return DType::int64;
  if (pair(DType::uint8, DType::uint64)) return DType::uint64;
  return std::nullopt;  // a signed integer with uint64
}

struct BitwiseCase {
  const char* name;
  Variable (*fn)(const Operand&, const Operand&);
  std::uint64_t (*ref)(std::uint64_t, std::uint64_t);
};
const BitwiseCase kBitwise[] = {
    {"bitwise_and", bitwise_and, [](std::uint64_t a, std::uint64_t b) { return a & b; }},
    {"bitwise_or", bitwise_or, [](std::uint64_t a, std::uint64_t b) { return a | b; }},
    {"bitwise_xor", bitwise_xor, [](std::uint64_t a, std::uint64_t b) { return a ^ b; }},
};

TEST(Logic, BitwiseOpsOnEveryIntegerPair) {
  for (DType ta : kBitDTypes) {
    for (DType tb : kBitDTypes) {
      SCOPED_TRACE(std::string(dtype_name(ta)) + " with " + std::string(dtype_name(tb)));
      Variable a = tensor("a", ta, {kUnknownDim, 1});
      Variable b = vector("b", tb);
      const std::optional<DType> result = bitwise_result(ta, tb);
      if (!result) {
        for (const BitwiseCase& c : kBitwise) EXPECT_THROW((void)c.fn(a, b), TypeError) << c.name;
        continue;
      }
      const Values va = edge_values(ta), vb = edge_values(tb);
      const auto n = static_cast<std::int64_t>(va.size()), m = static_cast<std::int64_t>(vb.size());
      std::vector<Variable> outs;
      for (const BitwiseCase& c : kBitwise) outs.push_back(c.fn(a, b));
      const std::vector<Array> got = eval({a, b}, outs, {make(ta, va, {n, 1}), make(tb, vb)});
      for (std::size_t k = 0; k < std::size(kBitwise); ++k) {
        SCOPED_TRACE(kBitwise[k].name);
        Values expected;
        for (long double x : va) {
          for (long double y : vb) expected.push_back(from_bits(kBitwise[k].ref(bits(x), bits(y)), *result));
        }
        expect_values(got[k], *result, {n, m}, expected);
      }
    }
  }
}

TEST(Logic, InvertOnEveryIntegerDType) {
  for (DType t : kBitDTypes) {
    SCOPED_TRACE(dtype_name(t));
    const Values v = edge_values(t);
    Variable x = vector("x", t);
    Values expected;
    for (long double e : v) expected.push_back(t == DType::bool_ ? !truth(e) : from_bits(~bits(e), t));
    expect_values(eval1({x}, invert(x), {make(t, v)}), t, {static_cast<std::int64_t>(v.size())}, expected);
  }
  // Known values: ~0 = -1, ~5 = -6, ~(-128) = 127 in int8; ~200 = 55 in uint8.
  Variable i8 = vector("i8", DType::int8);
  expect_exact<std::int8_t>(eval1({i8}, ~i8, {make(DType::int8, {0, 5, -128})}), {3}, {-1, -6, 127});
  Variable u8 = vector("u8", DType::uint8);
  expect_exact<std::uint8_t>(eval1({u8}, ~u8, {make(DType::uint8, {0, 200})}), {2}, {255, 55});
}

// A literal takes the array's dtype: `x & 1` on int8 stays int8.
TEST(Logic, BitwiseLiteralsAndOddLayouts) {
  Variable x = vector("x", DType::int8);
  Variable y = x & 1;
  EXPECT_EQ(y.dtype(), DType::int8);
  EXPECT_EQ(y.node().inputs()[1].dtype(), DType::int8);
  Variable u = vector("u", DType::uint8);
  Variable b = vector("b", DType::bool_);
  const std::vector<Array> got =
      eval({x, u, b}, {x & 1, 6 | x, x ^ -1, u ^ 255, b & true, b | false, b ^ true},
           {make(DType::int8, {-5, 2, 3}), make(DType::uint8, {0, 15, 255}), make(DType::bool_, {0, 1, 1})});
  expect_exact<std::int8_t>(got[0], {3}, {1, 0, 1});
  expect_exact<std::int8_t>(got[1], {3}, {-1, 6, 7});
  expect_exact<std::int8_t>(got[2], {3}, {4, -3, -4});
  expect_exact<std::uint8_t>(got[3], {3}, {255, 240, 0});
  expect_exact<bool>(got[4], {3}, {false, true, true});
  expect_exact<bool>(got[5], {3}, {false, true, true});
  expect_exact<bool>(got[6], {3}, {true, false, false});
  // int8 & uint8 is int16: -5 & 200 = 200 (0xFFFB & 0x00C8).
  Variable p = vector("p", DType::int8);
  Variable q = vector("q", DType::uint8);
  expect_exact<std::int16_t>(eval1({p, q}, p & q, {make(DType::int8, {-5}), make(DType::uint8, {200})}), {1}, {200});
  // Transposed and reversed inputs; empty.
  Variable m = matrix("m", DType::uint64);
  const Array mv = make(DType::uint64, {1, 2, 4, 8, 16, 32}, {2, 3}).transpose();  // [[1, 8], [2, 16], [4, 32]]
  const Array rv = make(DType::uint64, {3, 12}).slice(0, -1, -3, -1);              // 12, 3
  expect_exact<std::uint64_t>(eval1({m, u}, m | u, {mv, Array::zeros(DType::uint8, {2})}), {3, 2},
                              {1, 8, 2, 16, 4, 32});
  Variable r = vector("r", DType::uint64);
  expect_exact<std::uint64_t>(eval1({m, r}, m ^ r, {mv, rv}), {3, 2}, {13, 11, 14, 19, 8, 35});
  expect_exact<std::uint64_t>(eval1({m, r}, m & r, {Array::zeros(DType::uint64, {0, 2}), rv}), {0, 2}, {});
}

TEST(Logic, OperatorsBuildTheSameNodes) {
  Variable a = vector("a", DType::int64);
  Variable b = vector("b", DType::uint8);
  EXPECT_EQ(a & b, bitwise_and(a, b));
  EXPECT_EQ(a | b, bitwise_or(a, b));
  EXPECT_EQ(a ^ b, bitwise_xor(a, b));
  EXPECT_EQ(~a, invert(a));
  EXPECT_EQ(a & 3, bitwise_and(a, 3));
}

// ---- where

TEST(Logic, WhereReadsAnyConditionAsNonzero) {
  for (DType t : kDTypes) {
    SCOPED_TRACE(dtype_name(t));
    const Values cv = edge_values(t);
    const auto n = static_cast<std::int64_t>(cv.size());
    Values av, bv, expected;
    for (std::int64_t i = 0; i < n; ++i) {
      av.push_back(static_cast<long double>(i));
      bv.push_back(-static_cast<long double>(i) - 0.5L);
      expected.push_back(truth(cv[static_cast<std::size_t>(i)]) ? av.back() : bv.back());
    }
    Variable c = vector("c", t);
    Variable a = vector("a", DType::float64);
    Variable b = vector("b", DType::float64);
    expect_values(eval1({c, a, b}, where(c, a, b), {make(t, cv), make(DType::float64, av), make(DType::float64, bv)}),
                  DType::float64, {n}, expected);
  }
}

TEST(Logic, WhereBranchesPromote) {
  struct Row {
    DType a, b, result;
    long double x, y;  // x in a, y in b, both exact in result
  };
  const Row rows[] = {
      {DType::int8, DType::int8, DType::int8, -128, 127},
      {DType::int8, DType::uint8, DType::int16, -128, 255},
      {DType::bool_, DType::int8, DType::int8, 1, -7},
      {DType::bool_, DType::bool_, DType::bool_, 1, 0},
      {DType::uint8, DType::uint64, DType::uint64, 200, kUint64Max},
      {DType::int64, DType::uint64, DType::float64, kInt64Min, kTwo63},
      {DType::float32, DType::uint8, DType::float32, -1.5, 255},
      {DType::float32, DType::int64, DType::float64, kInf, kInt64Max},  // 2^63 - 1 rounds to 2^63
      {DType::int8, DType::float64, DType::float64, -1, kNaN},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(dtype_name(row.a)) + " with " + std::string(dtype_name(row.b)));
    Variable c = vector("c", DType::bool_);
    Variable a = vector("a", row.a);
    Variable b = vector("b", row.b);
    Variable w = where(c, a, b);
    EXPECT_EQ(w.dtype(), row.result);
    expect_values(eval1({c, a, b}, w, {make(DType::bool_, {1, 0}), make(row.a, {row.x}), make(row.b, {row.y})}),
                  row.result, {2}, {row.x, row.y});
  }
}

TEST(Logic, WhereBroadcastsThreeWays) {
  Variable c = tensor3("c", DType::uint8);
  Variable a = tensor3("a", DType::int8);
  Variable b = vector("b", DType::float32);
  const Array cv = make(DType::uint8, {0, 1}, {2, 1, 1});
  const Array av = make(DType::int8, {10, 20, 30}, {1, 3, 1});
  const Array bv = make(DType::float32, {-1, -2, -3, -4});
  Values expected;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) expected.push_back(i == 1 ? 10 * (j + 1) : -(k + 1));
    }
  }
  expect_values(eval1({c, a, b}, where(c, a, b), {cv, av, bv}), DType::float32, {2, 3, 4}, expected);
  expect_shape_inference({c, a, b}, where(c, a, b), {cv, av, bv});
  // Empty and size-1 dimensions.
  expect_values(eval1({c, a, b}, where(c, a, b), {Array::zeros(DType::uint8, {0, 1, 1}), av, bv}), DType::float32,
                {0, 3, 4}, {});
  expect_values(eval1({c, a, b}, where(c, a, b),
                      {make(DType::uint8, {1}, {1, 1, 1}), make(DType::int8, {5}, {1, 1, 1}), make(DType::float32, {0})}),
                DType::float32, {1, 1, 1}, {5});
}

TEST(Logic, WhereLiteralsAndOddLayouts) {
  Variable c = vector("c", DType::float64);
  Variable x = vector("x", DType::int8);
  Variable w = where(c, x, 2);
  EXPECT_EQ(w.dtype(), DType::int8);
  EXPECT_EQ(where(c, 1, 2.5).dtype(), DType::float64);
  EXPECT_EQ(where(true, x, x).dtype(), DType::int8);
  // A reversed condition (NaN, -0.0, 3 read backwards) and a reversed branch.
  const Array cv = make(DType::float64, {3, -0.0L, kNaN}).slice(0, -1, -4, -1);
  const Array xv = make(DType::int8, {-3, -2, -1}).slice(0, -1, -4, -1);  // -1, -2, -3
  const std::vector<Array> got = eval({c, x}, {w, where(c, 1, 2.5), where(true, x, 0)}, {cv, xv});
  expect_values(got[0], DType::int8, {3}, {-1, 2, -3});
  expect_values(got[1], DType::float64, {3}, {1, 2.5, 1});
  expect_values(got[2], DType::int8, {3}, {-1, -2, -3});
  // A transposed branch against a broadcast (zero-stride) one.
  Variable m = matrix("m", DType::float32);
  Variable k = matrix("k", DType::float32);
  const Array mv = make(DType::float32, {1, 2, 3, 4, 5, 6}, {2, 3}).transpose();  // [[1, 4], [2, 5], [3, 6]]
  const Array kv = make(DType::float32, {0}).broadcast_to({3, 2});
  Variable cond = vector("cond", DType::bool_);
  expect_values(eval1({cond, m, k}, where(cond, m, k), {make(DType::bool_, {1, 0}), mv, kv}), DType::float32, {3, 2},
                {1, 0, 2, 0, 3, 0});
}

// ---- cast

// The documented conversion (src/runtime/cast.hpp) of x to dtype t, written out.
long double cast_reference(long double x, DType from, DType to) {
  if (to == DType::bool_) return truth(x);
  if (to == DType::float32) return static_cast<float>(x);
  if (to == DType::float64) return static_cast<double>(x);
  if (!is_float(from)) return from_bits(bits(x), to);  // integers wrap
  // Float to integer: truncate through int32 (targets of at most 32 bits but uint32) or
  // int64; NaN, ±inf and values out of that range give its minimum, which then wraps to
  // the target. uint64 takes [2^63, 2^64) as it is and gives 0 from 2^64 up.
  if (to == DType::uint64 && x >= kTwo63) return x < kTwo64 ? std::trunc(x) : 0;
  const bool via_int32 = dtype_size(to) < 4 || to == DType::int32;
  const long double lo = via_int32 ? -2147483648.0L : kInt64Min;
  const long double hi = via_int32 ? 2147483648.0L : kTwo63;
  if (std::isnan(x) || x < lo || x >= hi) return from_bits(bits(lo), to);
  return from_bits(bits(std::trunc(x)), to);
}

TEST(Logic, CastEveryDTypePair) {
  for (DType from : kDTypes) {
    const Values v = edge_values(from);
    const auto n = static_cast<std::int64_t>(v.size());
    Variable x = vector("x", from);
    std::vector<Variable> outs;
    for (DType to : kDTypes) outs.push_back(cast(x, to));
    const std::vector<Array> got = eval({x}, outs, {make(from, v)});
    for (std::size_t k = 0; k < std::size(kDTypes); ++k) {
      const DType to = kDTypes[k];
      SCOPED_TRACE(std::string(dtype_name(from)) + " -> " + std::string(dtype_name(to)));
      Values expected;
      for (long double e : v) expected.push_back(cast_reference(e, from, to));
      expect_values(got[k], to, {n}, expected);
    }
  }
}

// Known values (NumPy's on x86-64 where it defines them).
TEST(Logic, CastKnownValues) {
  Variable f = vector("f", DType::float64);
  const Array fv = make(DType::float64, {kNaN, -kInf, 300.75, -1.5, -1, 0.99L, -0.99L, 1e19L});
  const std::vector<Array> got =
      eval({f}, {cast(f, DType::int64), cast(f, DType::int8), cast(f, DType::uint8), cast(f, DType::uint64)}, {fv});
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  expect_exact<std::int64_t>(got[0], {8}, {kMin, kMin, 300, -1, -1, 0, 0, kMin});
  expect_exact<std::int8_t>(got[1], {8}, {0, 0, 44, -1, -1, 0, 0, 0});
  expect_exact<std::uint8_t>(got[2], {8}, {0, 0, 44, 255, 255, 0, 0, 0});
  expect_exact<std::uint64_t>(got[3], {8},
                              {9223372036854775808u, 9223372036854775808u, 300, 18446744073709551615u,
                               18446744073709551615u, 0, 0, 10000000000000000000u});
  // Through int32 for int32 targets, as NumPy on x86-64; uint64 gives 0 from 2^64 up.
  const Array wide = make(DType::float64, {kNaN, -kInf, kInf, 300.75, -1.5, 3e9, -3e9, 1e30L});
  const std::vector<Array> more = eval({f}, {cast(f, DType::int32), cast(f, DType::uint64)}, {wide});
  constexpr std::int32_t kMin32 = std::numeric_limits<std::int32_t>::min();
  expect_exact<std::int32_t>(more[0], {8}, {kMin32, kMin32, kMin32, 300, -1, kMin32, kMin32, kMin32});
  expect_exact<std::uint64_t>(more[1], {8},
                              {9223372036854775808u, 9223372036854775808u, 0, 300, 18446744073709551615u,
                               3000000000u, 18446744070709551616u, 0});
  // float64 -> float32 rounds to nearest even, overflows to ±inf, underflows to ±0.
  // (Double literals: these are float64 values; 3.4028235677973366e38 is exactly halfway
  // between FLT_MAX and 2^128, and the tie goes to the even 2^128, which overflows.)
  const Array dv = make(DType::float64, {0.1, 16777217, 16777219, 1e39, -1e39, 1e-46, -1e-46,
                                         1.401298464324817e-45, 3.4028235677973366e38});
  expect_values(eval1({f}, cast(f, DType::float32), {dv}), DType::float32, {9},
                {0.100000001490116119384765625L, 16777216, 16777220, kInf, -kInf, 0, -0.0L, 0x1p-149L, kInf});
  // Integers: to bool is "!= 0" (256 does not wrap to false); to narrower or unsigned wraps.
  Variable i = vector("i", DType::int64);
  const Array iv = make(DType::int64, {-1, 256, 300, -129, 9007199254740993.0L});
  const std::vector<Array> ints =
      eval({i}, {cast(i, DType::bool_), cast(i, DType::int8), cast(i, DType::uint64), cast(i, DType::float64)}, {iv});
  expect_exact<bool>(ints[0], {5}, {true, true, true, true, true});
  expect_exact<std::int8_t>(ints[1], {5}, {-1, 0, 44, 127, 1});
  expect_exact<std::uint64_t>(ints[2], {5}, {18446744073709551615u, 256, 300, 18446744073709551487u,
                                             9007199254740993u});
  expect_values(ints[3], DType::float64, {5}, {-1, 256, 300, -129, 9007199254740992.0L});
  Variable u = vector("u", DType::uint64);
  const Array uv = make(DType::uint64, {kUint64Max});
  expect_exact<std::int8_t>(eval1({u}, cast(u, DType::int8), {uv}), {1}, {-1});
  expect_values(eval1({u}, cast(u, DType::float32), {uv}), DType::float32, {1}, {kTwo64});
}

TEST(Logic, CastLayoutsLiteralsAndIdentity) {
  Variable x = matrix("x", DType::float64);
  EXPECT_EQ(cast(x, DType::float64), x);  // no node for a no-op
  EXPECT_EQ(cast(x, DType::int8).dtype(), DType::int8);
  EXPECT_EQ(cast(x, DType::int8).type().shape, x.type().shape);
  // Transposed and reversed.
  const Array xv = make(DType::float64, {1.5, -2.5, 3.5, 4.5, kNaN, 6.5}, {2, 3}).transpose();  // (3, 2)
  expect_exact<std::int64_t>(eval1({x}, cast(x, DType::int64), {xv}), {3, 2},
                             {1, 4, -2, std::numeric_limits<std::int64_t>::min(), 3, 6});
  Variable v = vector("v", DType::int8);
  expect_exact<std::uint8_t>(eval1({v}, cast(v, DType::uint8), {make(DType::int8, {1, -1, -128}).slice(0, -1, -4, -1)}),
                             {3}, {128, 255, 1});
  // Empty and size-1.
  expect_values(eval1({x}, cast(x, DType::bool_), {Array::zeros(DType::float64, {0, 4})}), DType::bool_, {0, 4}, {});
  expect_values(eval1({x}, cast(x, DType::float32), {make(DType::float64, {-0.0L}, {1, 1})}), DType::float32, {1, 1},
                {-0.0L});
  // A literal is cast from its own dtype.
  Variable lit = cast(2.75, DType::int8);
  expect_exact<std::int8_t>(eval1({}, lit, {}), {}, {2});
  // Shape inference.
  Variable y = tensor("y", DType::int64, {kUnknownDim, 1, kUnknownDim});
  expect_shape_inference({y}, cast(y, DType::float32), {Array::zeros(DType::int64, {2, 1, 3})});
}

// ---- shape inference, traits

TEST(Logic, ShapeInference) {
  Variable a = tensor("a", DType::int8, {kUnknownDim, 1});
  Variable b = vector("b", DType::uint8);
  const std::vector<Array> args = {make(DType::int8, {1, 2}, {2, 1}), make(DType::uint8, {1, 2, 3})};
  for (const LogicalCase& c : kLogical) expect_shape_inference({a, b}, c.fn(a, b), args);
  for (const BitwiseCase& c : kBitwise) expect_shape_inference({a, b}, c.fn(a, b), args);
  expect_shape_inference({a}, logical_not(a), {args[0]});
  expect_shape_inference({b}, invert(b), {Array::zeros(DType::uint8, {0})});
  EXPECT_EQ((a & b).type().shape, (Shape{kUnknownDim, kUnknownDim}));
  EXPECT_EQ(logical_or(tensor("s", DType::bool_, {3, 1}), tensor("t", DType::float32, {4})).type().shape,
            (Shape{3, 4}));
}

TEST(Logic, Traits) {
  const OpRegistry& reg = OpRegistry::get();
  for (const char* name : {"logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor"}) {
    EXPECT_TRUE(reg.op(name).has(kCommutative)) << name;
    EXPECT_TRUE(reg.op(name).has(kAssociative)) << name;
  }
  for (const char* name : {"logical_not", "invert", "where", "cast"}) EXPECT_FALSE(reg.op(name).has(kCommutative)) << name;
  for (const char* name :
       {"logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "invert"}) {
    EXPECT_FALSE(reg.op(name).not_differentiable_because.empty()) << name;
    EXPECT_TRUE(reg.op(name).has(kElementwise)) << name;
  }
  // where and cast have gradients (rules come with the gradient drivers).
  EXPECT_TRUE(reg.op("where").not_differentiable_because.empty());
  EXPECT_TRUE(reg.op("cast").not_differentiable_because.empty());
}

// ---- errors: one test per message

TEST(Logic, ErrorBitwiseOnFloat) {
  Variable f = vector("f", DType::float64);
  Variable i = vector("i", DType::int8);
  expect_error<TypeError>([&] { (void)bitwise_and(f, i); },
                          {"logic_test.cpp", "bitwise_and", "not supported for float64 and int8"});
  expect_error<TypeError>([&] { (void)(i ^ 1.5); }, {"logic_test.cpp", "bitwise_xor", "int8 and float64"});
}

TEST(Logic, ErrorInvertOnFloat) {
  Variable f = vector("f", DType::float32);
  expect_error<TypeError>([&] { (void)~f; }, {"logic_test.cpp", "invert", "not supported for float32"});
}

TEST(Logic, ErrorBitwiseOnIntegersThatPromoteToFloat) {
  Variable s = vector("s", DType::int64);
  Variable u = vector("u", DType::uint64);
  expect_error<TypeError>([&] { (void)(s | u); },
                          {"logic_test.cpp", "bitwise_or", "int64 and uint64", "promote to float64"});
}

TEST(Logic, ErrorRuntimeShapeMismatch) {
  Variable a = vector("a", DType::bool_);
  Variable b = vector("b", DType::float64);
  Variable c = logical_and(a, b);
  expect_error<ShapeError>(
      [&] { (void)eval1({a, b}, c, {make(DType::bool_, {1, 0, 1}), make(DType::float64, {1, 2})}); },
      {"logic_test.cpp", "logical_and", "(3,)", "(2,)"});
}

TEST(Logic, ErrorWhereStaticShapeMismatch) {
  Variable c = tensor("c", DType::bool_, {2, 1});
  Variable a = tensor("a", DType::int8, {3});
  Variable b = tensor("b", DType::int8, {4});
  expect_error<ShapeError>([&] { (void)where(c, a, b); }, {"logic_test.cpp", "where", "(2, 1)", "(3,)", "(4,)"});
}

}  // namespace
}  // namespace hypatia
