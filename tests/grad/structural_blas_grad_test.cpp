// The differentiation rules of the products: dot, matmul, tensordot, outer (vjp and
// jvp against central differences, batch against a loop over batch elements).
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

Shape with_batch(std::int64_t n, const Shape& s) {
  Shape out{n};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Every rule of a binary product at operands of shapes sa and sb.
void check_product(const Fun& fun, const Shape& sa, const Shape& sb) {
  SCOPED_TRACE(::testing::Message() << "shapes " << shape_str(sa) << " and " << shape_str(sb));
  const Array a = random_array(sa, 11), b = random_array(sb, 12);
  check_vjp(fun, {a, b});
  check_vjp(fun, {a, b}, false);
  check_jvp(fun, {a, b});
  const Array ab = random_array(with_batch(3, sa), 13), bb = random_array(with_batch(3, sb), 14);
  check_batch(fun, {ab, b}, {true, false});
  check_batch(fun, {a, bb}, {false, true});
  check_batch(fun, {ab, bb}, {true, true});
  check_batch(fun, {ab, bb}, {true, true}, 1e-12, false);  // sizes known only at run time
}

TEST(StructuralGradBlas, DotEveryRankCombination) {
  const Shape as[] = {{}, {3}, {2, 3}, {2, 2, 3}};
  const Shape bs[] = {{}, {3}, {3, 4}, {2, 3, 4}};
  for (const Shape& sa : as) {
    for (const Shape& sb : bs) {
      // A 0-d operand scales the other, whatever its shape.
      check_product([](const V& v) { return dot(v[0], v[1]); }, sa, sb);
    }
  }
}

TEST(StructuralGradBlas, MatmulRanksAndBroadcastBatches) {
  const std::pair<Shape, Shape> cases[] = {
      {{3}, {3}},          {{3}, {3, 4}},          {{2, 3}, {3}},          {{2, 3}, {3, 4}},
      {{2, 2, 3}, {3, 4}}, {{2, 3}, {2, 3, 4}},    {{2, 2, 3}, {2, 3, 4}}, {{1, 2, 3}, {5, 1, 3, 4}},
      {{3}, {2, 3, 4}},    {{2, 2, 3}, {3}},       {{5, 1, 2, 3}, {2, 3, 4}}};
  for (const auto& [sa, sb] : cases) check_product([](const V& v) { return matmul(v[0], v[1]); }, sa, sb);
}

TEST(StructuralGradBlas, TensordotAxes) {
  check_product([](const V& v) { return tensordot(v[0], v[1], 0); }, {2, 3}, {3, 2});
  check_product([](const V& v) { return tensordot(v[0], v[1], 1); }, {2, 3, 4}, {4, 2});
  check_product([](const V& v) { return tensordot(v[0], v[1], 2); }, {2, 3, 4}, {3, 4, 2});
  check_product([](const V& v) { return tensordot(v[0], v[1], {0, 2}, {2, 0}); }, {2, 3, 4}, {4, 5, 2});
  check_product([](const V& v) { return tensordot(v[0], v[1], {2, 0}, {0, 2}); }, {2, 3, 4}, {4, 5, 2});
  check_product([](const V& v) { return tensordot(v[0], v[1], {1}, {0}); }, {2, 3}, {3});
}

TEST(StructuralGradBlas, Outer) {
  const std::pair<Shape, Shape> cases[] = {{{2, 3}, {4}}, {{}, {3}}, {{2}, {2, 2}}, {{3}, {}}};
  for (const auto& [sa, sb] : cases) check_product([](const V& v) { return outer(v[0], v[1]); }, sa, sb);
}

TEST(StructuralGradBlas, NonContiguousOperands) {
  const Array a = random_array({3, 2}, 1).transpose(), b = random_array({4, 3}, 2).transpose();
  check_vjp([](const V& v) { return dot(v[0], v[1]); }, {a, b});
  check_vjp([](const V& v) { return matmul(v[0], v[1]); }, {a, b});
  check_vjp([](const V& v) { return tensordot(v[0], v[1], 1); }, {a, b.slice(1, 0, 4, 2)});
  check_vjp([](const V& v) { return outer(v[0], v[1]); }, {a, b.slice(0, 2, -1, -1)});
}

TEST(StructuralGradBlas, ClosedFormOfSumOfMatrixVectorProduct) {
  // d/dW sum(W @ x) = outer(ones, x); d/dx = W's column sums.
  const Variable W = matrix("W", DType::float64), x = vector("x", DType::float64);
  const Variable y = matmul(W, x);
  const Variable g = vector("g", DType::float64);
  const V grads = rule_vjp(y, g);
  const Array wv = Array::from<double>({{1, 2, 3}, {4, 5, 6}}), xv = Array::from<double>({7, 8, 9});
  const Array ones = Array::full(DType::float64, {2}, 1.0);
  expect_array(eval1({W, x, g}, grads[0], {wv, xv, ones}), DType::float64, {2, 3}, {7, 8, 9, 7, 8, 9});
  expect_array(eval1({W, x, g}, grads[1], {wv, xv, ones}), DType::float64, {3}, {5, 7, 9});
}

TEST(StructuralGradBlas, GradientsTakeTheOperandsDtypes) {
  const Variable a = tensor("a", DType::float32, {2, 3}), b = tensor("b", DType::float64, {3});
  for (const Variable& y : {dot(a, b), matmul(a, b), tensordot(a, b, 1)}) {
    const V g = rule_vjp(y, tensor("g", DType::float64, {2}));
    EXPECT_EQ(g[0].dtype(), DType::float32);
    EXPECT_EQ(g[1].dtype(), DType::float64);
  }
  const V g = rule_vjp(outer(a, b), tensor("g", DType::float64, {6, 3}));
  EXPECT_EQ(g[0].dtype(), DType::float32);
}

}  // namespace
}  // namespace hypatia::testing
