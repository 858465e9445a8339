// Canonical operand order (src/rewrite/rules/canonicalize_order.cpp): both orders of a
// commutative op become one node, the order does not depend on which node was made
// first, and values, dtypes and shapes are kept.
#include "hypatia/ops/nnet.hpp"
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::edge_then_random;
using testing::expect_rule_keeps_meaning;
using testing::times_fired;
using testing::traced_function;

Variable rewritten(const Variable& v) { return rewrite_graph({v})[0]; }

TEST(CanonicalizeOrder, BothOrdersBecomeOneNode) {
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  const auto out = rewrite_graph({y + x, x + y, y * exp(x), exp(x) * y, eq(y, x), eq(x, y)});
  EXPECT_EQ(out[0], out[1]);
  EXPECT_EQ(out[2], out[3]);
  EXPECT_EQ(out[4], out[5]);
  EXPECT_EQ(expression_text(out[0]), "(x + y)");
  EXPECT_EQ(expression_text(out[2]), "(y * exp(x))");  // inputs before computed values
  const Variable i = vector("i", DType::int32);
  const Variable j = vector("j", DType::int32);
  EXPECT_EQ(rewritten(maximum(j, i)), rewritten(maximum(i, j)));  // integer maximum: no signed zeros
  EXPECT_EQ(rewritten(bitwise_xor(j, i)), rewritten(bitwise_xor(i, j)));
  const Variable p = vector("p", DType::bool_);
  const Variable q = vector("q", DType::bool_);
  EXPECT_EQ(rewritten(logical_and(q, p)), rewritten(logical_and(p, q)));
}

TEST(CanonicalizeOrder, ConstantsGoLast) {
  const Variable x = vector("x", DType::float64);
  EXPECT_EQ(expression_text(rewritten(2 * x)), "(x * 2)");
  EXPECT_EQ(expression_text(rewritten(3 + exp(x))), "(exp(x) + 3)");
}

TEST(CanonicalizeOrder, OrderDoesNotDependOnCreationOrder) {
  // The same expressions over inputs made in either order: the same text.
  for (bool a_first : {true, false}) {
    Variable a, b;
    if (a_first) {
      a = vector("a", DType::float64);
      b = vector("b", DType::float64);
    } else {
      b = vector("b", DType::float64);
      a = vector("a", DType::float64);
    }
    const auto out = rewrite_graph({exp(b) + exp(a), log(b) * exp(a), sqr(b) + sqr(a + 1), exp(b + 1) + exp(a * 2)});
    EXPECT_EQ(expression_text(out[0]), "(exp(a) + exp(b))");
    EXPECT_EQ(expression_text(out[1]), "(exp(a) * log(b))");
    // Shallower first, then op names: add before mul.
    EXPECT_EQ(expression_text(out[2]), "(sqr(b) + sqr((a + 1)))");
    EXPECT_EQ(expression_text(out[3]), "(exp((b + 1)) + exp((a * 2)))");
  }
}

TEST(CanonicalizeOrder, SameNamedInputsKeepTheProgramsOrder) {
  // Structurally identical operands differ only in which input they read: the input
  // made first goes first, whatever order they are written in.
  const Variable first = vector("x", DType::float64);
  const Variable second = vector("x", DType::float64);
  const Variable s = rewritten(second + first);
  EXPECT_EQ(s.node().inputs()[0], first);
  EXPECT_EQ(rewritten(first + second), s);
}

TEST(CanonicalizeOrder, FloatMaximumKeepsItsOrder) {
  // maximum(-0.0, 0.0) is 0.0 and maximum(0.0, -0.0) is -0.0: the order is meaning.
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  EXPECT_EQ(expression_text(rewritten(maximum(y, x))), "maximum(y, x)");
  EXPECT_EQ(expression_text(rewritten(minimum(y, x))), "minimum(y, x)");
}

TEST(CanonicalizeOrder, KeepsTheMeaning) {
  const Variable x = vector("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  const Array ax = array_of(edge_then_random(16, 1), {16});
  const Array ay = array_of(edge_then_random(16, 2), {16});
  for (const Variable& out : {y + x, y * x, neq(y, x), logaddexp(y, x), 2 + x}) {
    expect_rule_keeps_meaning({x, y}, out, {ax, ay}, "canonical_operand_order");
  }
  // Mixed dtypes and broadcasting: the promoted dtype and broadcast shape are kept.
  const Variable i = matrix("i", DType::int16);
  const Variable f = vector("f", DType::float32);
  const Array ai = Array::from_vector(std::vector<std::int16_t>{1, -2, 32767, -32768, 0, 5}, {2, 3});
  const Array af = Array::from_vector(std::vector<float>{0.5f, -1.0f, 1e30f}, {3});
  expect_rule_keeps_meaning({i, f}, i * f, {ai, af}, "canonical_operand_order");
  const Variable u = vector("u", DType::uint8);
  const Variable w = vector("w", DType::uint8);
  const Array au = Array::from_vector(std::vector<std::uint8_t>{0, 255, 7}, {3});
  const Array aw = Array::from_vector(std::vector<std::uint8_t>{3, 255, 200}, {3});
  for (const Variable& out : {w + u, w * u, bitwise_or(w, u), maximum(w, u)}) {
    expect_rule_keeps_meaning({u, w}, out, {au, aw}, "canonical_operand_order");
  }
}

TEST(CanonicalizeOrder, LongChainsDoNotOverflowTheStack) {
  // The key is computed without recursion over depth, once per node.
  const Variable x = scalar("x", DType::float64);
  Variable y = x;
  for (int i = 0; i < 1000; ++i) y = exp(y) * x;
  const Function f = traced_function({x}, {y});
  EXPECT_EQ(times_fired(f, "canonical_operand_order"), 1000);
}

}  // namespace
}  // namespace hypatia
