// Canonical shapes (src/rewrite/rules/canonicalize_shape.cpp): each rule fires on its
// pattern and keeps values, dtypes and shapes.
#include "hypatia/ops/join.hpp"
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::count_ops;
using testing::edge_then_random;
using testing::expect_rule_keeps_meaning;
using testing::times_fired;
using testing::traced_function;

TEST(CanonicalizeShape, TransposeOfTransposeIsX) {
  const Variable x = matrix("x", DType::float64);
  const Array arg = array_of(edge_then_random(12), {3, 4});
  expect_rule_keeps_meaning({x}, transpose(transpose(x)) * 2, {arg}, "merge_dimshuffles");
  const Function f = function({x}, {transpose(transpose(x))});
  EXPECT_EQ(count_ops(f, "dimshuffle"), 0) << f.graph_text();
  // A non-contiguous argument too.
  expect_rule_keeps_meaning({x}, transpose(transpose(x)) + 1, {arg.transpose()}, "merge_dimshuffles");
}

TEST(CanonicalizeShape, DimshufflesWithNewAxesMergeIntoOne) {
  const Variable x = matrix("x", DType::float32);
  const Variable y = dimshuffle(dimshuffle(x, {1, 0, newaxis}), {2, 1, 0});  // (1, n0, n1)
  const Array arg = Array::from_vector(std::vector<float>{1, 2, 3, -4, 5, 6}, {2, 3});
  expect_rule_keeps_meaning({x}, y, {arg}, "merge_dimshuffles");
  const Function f = function({x}, {y});
  EXPECT_EQ(count_ops(f, "dimshuffle"), 1) << f.graph_text();
  EXPECT_EQ(f.compiled_outputs()[0].node().attrs().get_ints("pattern"), (std::vector<std::int64_t>{newaxis, 0, 1}));
}

TEST(CanonicalizeShape, IdentityDimshuffleMadeByApplyIsRemoved) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = apply1("dimshuffle", {x}, Attrs{{"pattern", std::vector<std::int64_t>{0, 1}}}, SourceLocation::current());
  expect_rule_keeps_meaning({x}, y + 1, {array_of(edge_then_random(6), {2, 3})}, "useless_dimshuffle");
}

TEST(CanonicalizeShape, TransposeLiftsThroughUnaryElementwiseOps) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = transpose(exp(x)) + transpose(neg(x));
  expect_rule_keeps_meaning({x}, y, {array_of(edge_then_random(12), {4, 3})}, "lift_dimshuffle_through_unary");
  // The transposes sink to x and merge into one.
  const Function f = function({x}, {transpose(exp(neg(x)))});
  EXPECT_EQ(count_ops(f, "dimshuffle"), 1) << f.graph_text();
  EXPECT_EQ(f.compiled_outputs()[0].node().op().name, "exp") << f.graph_text();
  // Attributes of the lifted op are kept (cast has a dtype).
  expect_rule_keeps_meaning({x}, transpose(cast(x, DType::int32)), {array_of({1.5, -2.5, 3, 4, 5, 6}, {2, 3})},
                            "lift_dimshuffle_through_unary");
}

TEST(CanonicalizeShape, ReshapeToItsOwnShapeIsRemoved) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = reshape(x, {shape(x, 0), shape(x, 1)});
  expect_rule_keeps_meaning({x}, y * 3, {array_of(edge_then_random(6), {3, 2})}, "useless_reshape");
  // Static sizes: a (2, 3) tensor reshaped to (2, 3).
  const Variable s = tensor("s", DType::int16, {2, 3});
  expect_rule_keeps_meaning({s}, reshape(s, {2, 3}) + 1,
                            {Array::from_vector(std::vector<std::int16_t>{1, 2, 3, 4, 5, -32768}, {2, 3})},
                            "useless_reshape");
  // A real reshape stays.
  const Function f = traced_function({x}, {reshape(x, {shape(x, 1), shape(x, 0)})});
  EXPECT_EQ(times_fired(f, "useless_reshape"), 0);
}

TEST(CanonicalizeShape, BroadcastToItsOwnShapeIsRemoved) {
  const Variable x = vector("x", DType::float64);
  expect_rule_keeps_meaning({x}, broadcast_to(x, {shape(x, 0)}) - 1, {array_of(edge_then_random(5), {5})},
                            "useless_broadcast_to");
  const Function f = traced_function({x}, {broadcast_to(x, {2, shape(x, 0)})});
  EXPECT_EQ(times_fired(f, "useless_broadcast_to"), 0);
}

TEST(CanonicalizeShape, SpecifyShapeThatTheTypeAlreadySaysIsRemoved) {
  const Variable x = tensor("x", DType::float64, {2, 2});
  expect_rule_keeps_meaning({x}, specify_shape(x, {2, kUnknownDim}) * 1.5, {array_of({1, 2, 3, 4}, {2, 2})},
                            "useless_specify_shape");
  // One that adds knowledge stays, and still checks at run time.
  const Variable m = matrix("m", DType::float64);
  const Function f = traced_function({m}, {specify_shape(m, {2, 2})});
  EXPECT_EQ(times_fired(f, "useless_specify_shape"), 0);
  testing::expect_error<ShapeError>([&] { f({array_of({1, 2, 3}, {1, 3})}); }, {"shape mismatch"});
}

TEST(CanonicalizeShape, ShapeIsAnsweredFromTheProducer) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  const Variable big = exp(x) + y;  // (n0, n1) broadcast with (n1,)
  expect_rule_keeps_meaning({x, y}, shape(big, 0) * shape(big, 1),
                            {array_of(edge_then_random(6), {2, 3}), array_of({1, 2, 3}, {3})},
                            "shape_i_from_producer");
  expect_rule_keeps_meaning({x, y}, shape(big), {array_of(edge_then_random(6), {2, 3}), array_of({1, 2, 3}, {3})},
                            "shape_from_producer");
  // Neither exp nor add is computed any more.
  const Function f = function({x, y}, {shape(big, 0), shape(big)});
  EXPECT_EQ(count_ops(f, "exp"), 0) << f.graph_text();
  EXPECT_EQ(count_ops(f, "add"), 0) << f.graph_text();
  // Fully static shapes fold to a constant.
  const Variable t = tensor("t", DType::float32, {4, 5});
  const Function g = function({t}, {shape(t)});
  EXPECT_TRUE(g.compiled_outputs()[0].is_constant()) << g.graph_text();
  testing::expect_exact<std::int64_t>(g({Array::zeros(DType::float32, {4, 5})})[0], {2}, {4, 5});
}

}  // namespace
}  // namespace hypatia
