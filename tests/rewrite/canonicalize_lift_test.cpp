// Dimshuffles moved out of n-ary elementwise ops, and chains of reshapes and casts
// merged (canonicalize_shape.cpp, canonicalize_arith.cpp): each rule fires on its
// pattern and keeps values, dtypes and shapes; where it must not fire, it does not.
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::count_ops;
using testing::edge_then_random;
using testing::expect_rule_keeps_meaning;
using testing::times_fired;
using testing::traced_function;

TEST(CanonicalizeLift, TransposesOfAllOperandsBecomeOneTransposeOfTheResult) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = matrix("y", DType::float64);
  const Array ax = array_of(edge_then_random(12, 1), {3, 4});
  const Array ay = array_of(edge_then_random(12, 2), {3, 4});
  expect_rule_keeps_meaning({x, y}, transpose(x) + transpose(y), {ax, ay}, "dimshuffle_after_elementwise");
  expect_rule_keeps_meaning({x, y}, transpose(x) / transpose(y), {ax, ay.transpose().copy().transpose()},
                            "dimshuffle_after_elementwise");
  const Function f = function({x, y}, {transpose(x) * transpose(y)});
  EXPECT_EQ(count_ops(f, "dimshuffle"), 1) << f.graph_text();
  EXPECT_EQ(f.compiled_outputs()[0].node().op().name, "dimshuffle") << f.graph_text();
  // Both orders of the operands and the transposes: one node.
  const auto out = rewrite_graph({transpose(x) + transpose(y), transpose(y + x)});
  EXPECT_EQ(out[0], out[1]);
}

TEST(CanonicalizeLift, ScalarAndSizeOneConstantsGoInside) {
  const Variable x = matrix("x", DType::float32);
  const Array ax = Array::from_vector(std::vector<float>{1, -2, 0, 4e30f, 5, 6}, {2, 3});
  expect_rule_keeps_meaning({x}, transpose(x) * 2, {ax}, "dimshuffle_after_elementwise");
  const Variable c = constant(Array::from_vector(std::vector<float>{3}, {1, 1}));
  expect_rule_keeps_meaning({x}, transpose(x) - c, {ax}, "dimshuffle_after_elementwise");
  const Function f = function({x}, {transpose(x) * 2});
  EXPECT_EQ(f.compiled_outputs()[0].node().op().name, "dimshuffle") << f.graph_text();
  // A constant of more elements is not moved: it would need the inverse dimshuffle.
  const Variable m = constant(Array::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2}));
  const Function g = traced_function({x}, {transpose(x) + m});
  EXPECT_EQ(times_fired(g, "dimshuffle_after_elementwise"), 0) << g.rewrite_trace().str();
}

TEST(CanonicalizeLift, BroadcastingNewAxesAndThreeOperands) {
  const Variable x = tensor("x", DType::float64, {kUnknownDim, 1});
  const Variable y = matrix("y", DType::float64);
  const Array ax = array_of({1, -0.0, 3}, {3, 1});
  const Array ay = array_of(edge_then_random(12, 5), {3, 4});
  // (3, 1) and (3, 4) transposed broadcast to (4, 3), as x + y transposed.
  expect_rule_keeps_meaning({x, y}, transpose(x) + transpose(y), {ax, ay}, "dimshuffle_after_elementwise");
  // New axes and a dropped axis of size 1, the same on both operands.
  const std::vector<std::int64_t> p = {newaxis, 0};
  expect_rule_keeps_meaning({x, y}, dimshuffle(x, p) * dimshuffle(sum(y, {1}, true), p), {ax, ay},
                            "dimshuffle_after_elementwise");
  // where(c, a, b) with every operand transposed, and 0 as a scalar.
  const Variable c = matrix("c", DType::bool_);
  const Array ac = Array::from_vector(std::vector<std::uint8_t>{1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1}, {3, 4})
                       .astype(DType::bool_);
  expect_rule_keeps_meaning({c, y}, where(transpose(c), transpose(y), 0), {ac, ay}, "dimshuffle_after_elementwise");
}

TEST(CanonicalizeLift, DifferentDimshufflesStay) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = matrix("y", DType::float64);
  const Variable t = tensor3("t", DType::float64);
  const Function f = traced_function({x, y, t}, {transpose(x) + y, transpose(x) + transpose(transpose(y)),
                                                  dimshuffle(x, {1, 0, newaxis}) + transpose(t, {2, 1, 0})});
  EXPECT_EQ(times_fired(f, "dimshuffle_after_elementwise"), 0) << f.rewrite_trace().str();
}

TEST(CanonicalizeLift, ReshapeOfReshapeIsOneReshape) {
  const Variable x = matrix("x", DType::float64);
  const Array ax = array_of(edge_then_random(12, 7), {3, 4});
  expect_rule_keeps_meaning({x}, reshape(reshape(x, {-1}), {2, 6}), {ax}, "merge_reshapes");
  expect_rule_keeps_meaning({x}, reshape(reshape(x, {4, 3}), {shape(x, 0), -1}) * 2, {ax.transpose()},
                            "merge_reshapes");
  const Function f = function({x}, {reshape(reshape(reshape(x, {12}), {6, 2}), {2, 2, 3})});
  EXPECT_EQ(count_ops(f, "reshape"), 1) << f.graph_text();
  // Back to x's own shape: no reshape at all.
  const Variable s = tensor("s", DType::int32, {2, 3});
  const Function g = function({s}, {reshape(reshape(s, {3, 2}), {2, 3})});
  EXPECT_EQ(g.compiled_outputs()[0], s) << g.graph_text();
}

TEST(CanonicalizeLift, CastsThroughAnExactDtypeMerge) {
  const Variable f32 = vector("f32", DType::float32);
  const float big = 3e9f;
  const Array af = Array::from_vector(std::vector<float>{1.5f, -2.5f, 0, big, -big, std::nanf(""), 1e30f});
  expect_rule_keeps_meaning({f32}, cast(cast(f32, DType::float64), DType::int32), {af}, "merge_casts");
  const Variable i8 = vector("i8", DType::int8);
  const Array ai = Array::from_vector(std::vector<std::int8_t>{-128, -1, 0, 127});
  expect_rule_keeps_meaning({i8}, cast(cast(i8, DType::int32), DType::uint8), {ai}, "merge_casts");
  expect_rule_keeps_meaning({i8}, cast(cast(i8, DType::float32), DType::bool_), {ai}, "merge_casts");
  const Variable u32 = vector("u32", DType::uint32);
  const Array au = Array::from_vector(std::vector<std::uint32_t>{0, 4294967295u, 16777217u});
  expect_rule_keeps_meaning({u32}, cast(cast(u32, DType::int64), DType::float32), {au}, "merge_casts");
  // A round trip through a wider dtype is x itself.
  const Function g = function({i8}, {cast(cast(i8, DType::int16), DType::int8)});
  EXPECT_EQ(g.compiled_outputs()[0], i8) << g.graph_text();
}

TEST(CanonicalizeLift, CastsThroughALossyDtypeStay) {
  // float64 -> float32 rounds; int64 -> float64 rounds above 2^53; uint32 -> float32
  // above 2^24; int8 -> uint8 wraps; int16 -> bool loses the value; an integer through
  // a float converts out of range otherwise than it wraps.
  const Variable d = vector("d", DType::float64);
  const Variable i64 = vector("i64", DType::int64);
  const Variable u32 = vector("u32", DType::uint32);
  const Variable i8 = vector("i8", DType::int8);
  const Variable i16 = vector("i16", DType::int16);
  const Function f = traced_function(
      {d, i64, u32, i8, i16},
      {cast(cast(d, DType::float32), DType::float64), cast(cast(i64, DType::float64), DType::int64),
       cast(cast(u32, DType::float32), DType::uint32), cast(cast(i8, DType::uint8), DType::int16),
       cast(cast(i16, DType::bool_), DType::int16)});
  EXPECT_EQ(times_fired(f, "merge_casts"), 0) << f.rewrite_trace().str();
  const auto out = f({array_of({0.1}, {1}), Array::from_vector(std::vector<std::int64_t>{(1LL << 53) + 1}),
                      Array::from_vector(std::vector<std::uint32_t>{16777217u}),
                      Array::from_vector(std::vector<std::int8_t>{-1}),
                      Array::from_vector(std::vector<std::int16_t>{7})});
  EXPECT_EQ(out[0].to_vector<double>()[0], static_cast<double>(0.1f));
  EXPECT_EQ(out[1].to_vector<std::int64_t>()[0], 1LL << 53);
  EXPECT_EQ(out[2].to_vector<std::uint32_t>()[0], 16777216u);
  EXPECT_EQ(out[3].to_vector<std::int16_t>()[0], 255);
  EXPECT_EQ(out[4].to_vector<std::int16_t>()[0], 1);
  const Array u32_max = Array::from_vector(std::vector<std::uint32_t>{4294967295u});
  const Variable through_float = cast(cast(u32, DType::float64), DType::int16);
  const Function g = traced_function({u32}, {through_float});
  EXPECT_EQ(times_fired(g, "merge_casts"), 0) << g.rewrite_trace().str();
  const Array direct = function({u32}, {cast(u32, DType::int16)})({u32_max})[0];
  EXPECT_EQ(direct.to_vector<std::int16_t>()[0], -1);  // wraps
  EXPECT_EQ(g({u32_max})[0].to_vector<std::int16_t>()[0],
            function({u32}, {through_float}, Mode::without_rewrites())({u32_max})[0].to_vector<std::int16_t>()[0]);
}

}  // namespace
}  // namespace hypatia
