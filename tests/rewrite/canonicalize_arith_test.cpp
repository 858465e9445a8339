// Flattening of add and mul chains (collect_*_constants in canonicalize_arith.cpp) and
// the self-cancelling identities: each fires on its pattern, keeps values, dtypes and
// shapes, and follows the NaN and re-association policy of hypatia/rewrite.hpp.
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::edge_then_random;
using testing::expect_rule_keeps_meaning;
using testing::times_fired;
using testing::traced_function;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Variable rewritten(const Variable& v) { return rewrite_graph({v})[0]; }

TEST(CanonicalizeFlatten, ConstantsOfAnAddChainGatherAtTheTop) {
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  EXPECT_EQ(expression_text(rewritten((x + 2) + y + 3)), "((x + y) + 5)");
  EXPECT_EQ(expression_text(rewritten(x + (y + 2))), "((x + y) + 2)");
  EXPECT_EQ(expression_text(rewritten((1 + x) + (y + 2))), "((x + y) + 3)");
  EXPECT_EQ(expression_text(rewritten(2 + (x + (3 + (y + 4))))), "((x + y) + 9)");
  const Array ax = array_of(edge_then_random(24, 1), {24});
  const Array ay = array_of(edge_then_random(24, 2), {24});
  // Re-association rounds differently where terms cancel: a loose relative tolerance.
  for (const Variable& out : {(x + 2) + y + 3, x + (y + 2), (1 + x) + (y + 2), (x + -1e300) + y}) {
    expect_rule_keeps_meaning({x, y}, out, {ax, ay}, "collect_add_constants", 1e-12);
  }
}

TEST(CanonicalizeFlatten, ConstantsOfAMulChainGatherAtTheTop) {
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  EXPECT_EQ(expression_text(rewritten(2 * (x * 3) * y)), "((x * y) * 6)");
  EXPECT_EQ(expression_text(rewritten((x * 0.5) * (y * -4))), "((x * y) * -2)");
  const Array ax = array_of(edge_then_random(24, 3), {24});
  const Array ay = array_of(edge_then_random(24, 4), {24});
  for (const Variable& out : {2 * (x * 3) * y, (x * 0.5) * (y * -4), (x * 1e-3) * y}) {
    expect_rule_keeps_meaning({x, y}, out, {ax, ay}, "collect_mul_constants", 1e-12);
  }
}

TEST(CanonicalizeFlatten, BothGroupingsBecomeOneNode) {
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  const auto out = rewrite_graph({(x + 1) + y, (y + 1) + x, x + (1 + y), (2 * y) * x, x * (y * 2)});
  EXPECT_EQ(out[0], out[1]);
  EXPECT_EQ(out[0], out[2]);
  EXPECT_EQ(out[3], out[4]);
}

TEST(CanonicalizeFlatten, BroadcastingAndDtypesAreKept) {
  // A matrix and a row: (x + 1) + r -> (x + r) + 1 has x's shape.
  const Variable x = matrix("x", DType::float32);
  const Variable r = tensor("r", DType::float32, {1, kUnknownDim});
  const Array ax = Array::from_vector(std::vector<float>{1, 2, 3, -4, 5e30f, 6}, {2, 3});
  const Array ar = Array::from_vector(std::vector<float>{0.5f, -1, 2}, {1, 3});
  expect_rule_keeps_meaning({x, r}, (x + 1) + r, {ax, ar}, "collect_add_constants", 1e-6);
  expect_rule_keeps_meaning({x, r}, (r * 3) * (x * 2), {ax, ar}, "collect_mul_constants", 1e-6);
  // Integers wrap the same in any order.
  const Variable i = vector("i", DType::int8);
  const Variable j = vector("j", DType::int8);
  const Array ai = Array::from_vector(std::vector<std::int8_t>{0, 100, -128, 127, 3});
  const Array aj = Array::from_vector(std::vector<std::int8_t>{1, 100, -1, 127, -3});
  expect_rule_keeps_meaning({i, j}, (i + 100) + j + 100, {ai, aj}, "collect_add_constants");
  expect_rule_keeps_meaning({i, j}, (i * 16) * (j * 16), {ai, aj}, "collect_mul_constants");
  const Variable u = vector("u", DType::uint16);
  const Variable w = vector("w", DType::uint16);
  const Array au = Array::from_vector(std::vector<std::uint16_t>{0, 65535, 7});
  const Array aw = Array::from_vector(std::vector<std::uint16_t>{1, 65535, 9000});
  expect_rule_keeps_meaning({u, w}, (u * 300) * w * 300, {au, aw}, "collect_mul_constants");
}

TEST(CanonicalizeFlatten, MixedDtypesAndArrayConstantsAreNotCollected) {
  // x + 2 is float32 and y float64: re-associating would change where the promotion
  // to float64 happens.
  const Variable x = vector("x", DType::float32);
  const Variable y = vector("y", DType::float64);
  const Function f = traced_function({x, y}, {(x + 2) + y + 3});
  EXPECT_EQ(times_fired(f, "collect_add_constants"), 0) << f.rewrite_trace().str();
  // A constant of more than one element is a term like any other.
  const Variable z = vector("z", DType::float64);
  const Function g = traced_function({y, z}, {(y + constant(Array::from<double>({1, 2}))) + z});
  EXPECT_EQ(times_fired(g, "collect_add_constants"), 0) << g.rewrite_trace().str();
}

TEST(CanonicalizeFlatten, AFoldThatWouldMakeANewInfinityKeepsBothConstants) {
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  // 1e300 * 1e300 overflows: both constants stay, above the product of the terms.
  const Variable out = rewritten((x * 1e300) * (y * 1e300));
  EXPECT_EQ(expression_text(out), "(((x * y) * 1e+300) * 1e+300)");
  const Array zero = array_of({0, 1e-300}, {2});
  const auto v = function({x, y}, {out}, Mode::without_rewrites())({zero, zero})[0].to_vector<double>();
  EXPECT_EQ(v[0], 0.0);
  EXPECT_EQ(v[1], 0.0);
}

TEST(CanonicalizeFlatten, InfiniteAndZeroFloatConstantsStayWhereWritten) {
  // (x * 0) * y -> (x * y) * 0 would be NaN where x * y overflows; (x * inf) * y NaN
  // where x * y underflows to 0; (x + inf) + y NaN where x + y overflows to -inf.
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  const Array a = array_of({1e300, 1e-300, -1e308, 2}, {4});
  for (const Variable& out : {(x * 0) * y, (x * kInf) * y, (x + kInf) + y, (x + kNaN) + y, (x * -0.0) * y}) {
    const Function f = traced_function({x, y}, {out});
    EXPECT_EQ(times_fired(f, "collect_add_constants") + times_fired(f, "collect_mul_constants"), 0)
        << f.rewrite_trace().str();
    const auto got = f({a, a})[0].to_vector<double>();
    const auto want = function({x, y}, {out}, Mode::without_rewrites())({a, a})[0].to_vector<double>();
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(testing::same_value(got[i], want[i], 0)) << i;
  }
  // Integers have no inf or NaN: their zero moves like any constant.
  const Variable i = vector("i", DType::int32);
  const Variable j = vector("j", DType::int32);
  EXPECT_EQ(expression_text(rewritten((i * 3) * j)), "((i * j) * 3)");
}

TEST(CanonicalizeArith, SelfRemainderOfIntegersIsZero) {
  const Variable i = vector("i", DType::int32);
  expect_rule_keeps_meaning({i}, mod(i, i), {Array::from_vector(std::vector<std::int32_t>{0, -7, 5})},
                            "mod_self_to_zero");
  // Floats: inf % inf and 0 % 0 are NaN, so the rule does not fire.
  const Variable x = vector("x", DType::float64);
  const Function f = traced_function({x}, {mod(x, x), x / x});
  EXPECT_EQ(times_fired(f, "mod_self_to_zero"), 0);
  const auto out = f({array_of({0, kInf, 2}, {3})});
  for (const Array& a : out) {
    const auto v = a.to_vector<double>();
    EXPECT_TRUE(std::isnan(v[0]));
    EXPECT_TRUE(std::isnan(v[1]));
  }
  // Integer x / x is float and 0 / 0 is NaN: it stays a division.
  const auto d = function({i}, {i / i})({Array::from_vector(std::vector<std::int32_t>{0, 3})})[0];
  EXPECT_TRUE(std::isnan(d.to_vector<double>()[0]));
  EXPECT_EQ(d.to_vector<double>()[1], 1.0);
}

TEST(CanonicalizeArith, CastToItsOwnDtypeIsRemoved) {
  const Variable x = vector("x", DType::float64);
  const Variable same = apply1("cast", {x}, Attrs{{"dtype", DType::float64}}, SourceLocation::current());
  expect_rule_keeps_meaning({x}, same * 2, {array_of(edge_then_random(12), {12})}, "useless_cast");
  const Variable i = vector("i", DType::int8);
  const Variable same_int = apply1("cast", {i}, Attrs{{"dtype", DType::int8}}, SourceLocation::current());
  expect_rule_keeps_meaning({i}, same_int, {Array::from_vector(std::vector<std::int8_t>{-128, 0, 127})}, "useless_cast");
}

TEST(CanonicalizeArith, NodesNoOutputNeedsAreNotComputed) {
  // Dead-node removal is by construction: the rewritten graph is what its outputs
  // reach. z - z is 0 for integers, so exp(x) is no longer computed (zeros_like(z)
  // takes z's size from exp's shape function).
  const Variable x = vector("x", DType::float64);
  const Variable i = vector("i", DType::int64);
  const Variable z = cast(exp(x), DType::int64);
  const Function f = function({x, i}, {(z - z) + i});
  for (const auto& node : topological_order(f.compiled_outputs())) {
    EXPECT_NE(node->op().name, "exp") << f.graph_text();
  }
  testing::expect_exact<std::int64_t>(f({array_of({1, 2}, {2}), Array::from_vector(std::vector<std::int64_t>{5, -6})})[0],
                                      {2}, {5, -6});
}

}  // namespace
}  // namespace hypatia
