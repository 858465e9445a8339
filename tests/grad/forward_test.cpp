// Rop (J·v) and Lop (vᵀ·J) against products with a jacobian written by hand, the
// double-vjp fallback for an op without a jvp, and their argument errors.
#include <cmath>
#include <string>
#include <vector>

#include "driver_test_util.hpp"

namespace hypatia {
namespace {

using driver_testing::no_rule_op;
using driver_testing::private_node;
using driver_testing::random_array;
using driver_testing::values;
using driver_testing::vjp_only_op;
using testing::eval;
using testing::eval1;
using testing::expect_array;
using testing::expect_error;

// f(W, x) = W x * x (elementwise with x), W (2, 3), x (3,)... shapes: W x is (2,), so
// use f = (W x) * (W x) + W x, whose jacobian in x is diag(2 W x + 1) W.
struct Case {
  Variable W = matrix("W", DType::float64), x = vector("x", DType::float64);
  Variable z = dot(W, x);
  Variable f = z * z + z;
  Array Wv = random_array({2, 3}, 21), xv = random_array({3}, 22);
  // The jacobian of f in x, (2, 3), by hand.
  std::vector<double> jac() const {
    const auto w = values(Wv), xs = values(xv);
    std::vector<double> j;
    for (std::size_t i = 0; i < 2; ++i) {
      double zi = 0;
      for (std::size_t k = 0; k < 3; ++k) zi += w[i * 3 + k] * xs[k];
      for (std::size_t k = 0; k < 3; ++k) j.push_back((2 * zi + 1) * w[i * 3 + k]);
    }
    return j;
  }
};

TEST(Rop, MatchesJacobianTimesVector) {
  Case c;
  const Variable v = vector("v", DType::float64);
  const Variable jv = Rop({c.f}, {c.x}, {v})[0];
  const Array vv = random_array({3}, 23);
  const auto j = c.jac(), vs = values(vv);
  std::vector<double> expected(2, 0.0);
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 3; ++k) expected[i] += j[i * 3 + k] * vs[k];
  }
  expect_array(eval1({c.W, c.x, v}, jv, {c.Wv, c.xv, vv}), DType::float64, {2}, expected, 1e-12, 1e-14);
}

TEST(Lop, MatchesVectorTimesJacobian) {
  Case c;
  const Variable u = vector("u", DType::float64);
  const Variable uj = Lop({c.f}, {c.x}, {u})[0];
  const Array uv = random_array({2}, 24);
  const auto j = c.jac(), us = values(uv);
  std::vector<double> expected(3, 0.0);
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 3; ++k) expected[k] += us[i] * j[i * 3 + k];
  }
  expect_array(eval1({c.W, c.x, u}, uj, {c.Wv, c.xv, uv}), DType::float64, {3}, expected, 1e-12, 1e-14);
}

TEST(Rop, SeveralOutputsAndInputs) {
  // f1 = a * b, f2 = sum(a): J·(va, vb) = (va b + a vb, sum(va)).
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
  const Variable va = vector("va", DType::float64), vb = vector("vb", DType::float64);
  const auto r = Rop({a * b, sum(a)}, {a, b}, {va, vb});
  const auto out = eval({a, b, va, vb}, r,
                        {Array::from<double>({1, 2}), Array::from<double>({3, 4}), Array::from<double>({5, 6}),
                         Array::from<double>({7, 8})});
  expect_array(out[0], DType::float64, {2}, {5 * 3 + 1 * 7, 6 * 4 + 2 * 8});
  expect_array(out[1], DType::float64, {}, {11});
}

TEST(Rop, OutputNotDependingOnWrtHasZeroDerivative) {
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64), v = vector("v", DType::float64);
  const Variable r = Rop({b * 2.0}, {a}, {v})[0];
  expect_array(eval1({b}, r, {Array::from<double>({1, 2})}), DType::float64, {2}, {0, 0});
}

TEST(Rop, DoubleVjpForAnOpWithoutJvp) {
  // test_vjp_only is 2x with a vjp and no jvp: Rop goes through the double-vjp trick.
  const Variable x = vector("x", DType::float64), v = vector("v", DType::float64);
  const Variable f = private_node(vjp_only_op(), x * x);
  const Variable jv = Rop({f}, {x}, {v})[0];
  expect_array(eval1({x, v}, jv, {Array::from<double>({1, -2}), Array::from<double>({3, 5})}), DType::float64, {2},
               {2 * 2 * 1 * 3, 2 * 2 * -2 * 5});
}

TEST(Rop, OpWithNoRuleIsANullTypeGradError) {
  const Variable x = vector("x", DType::float64), v = vector("v", DType::float64);
  const Variable f = private_node(no_rule_op(), x);
  expect_error<NullTypeGradError>([&] { Rop({f}, {x}, {v}); }, {"forward_test.cpp", "Rop", "op 'test_no_rule'"});
}

TEST(RopLop, ArgumentErrors) {
  const Variable x = vector("x", DType::float64);
  expect_error<ValueError>([&] { Rop({x * 2.0}, {x}, {}); },
                           {"forward_test.cpp", "Rop", "eval_points has 0 entries, but wrt has 1"});
  expect_error<TypeError>([&] { Rop({x * 2.0}, {x}, {matrix("m", DType::float64)}); },
                          {"forward_test.cpp", "eval_points[0] of type float64 (?, ?)", "wrt[0] of type float64 (?,)"});
  expect_error<TypeError>([&] { Lop({x * 2.0}, {x}, {vector("n", DType::int64)}); },
                          {"forward_test.cpp", "Lop", "eval_points[0] of type int64 (?,)", "f[0]"});
  expect_error<TypeError>([&] { Rop({Variable()}, {x}, {x}); }, {"Rop", "f[0] is an empty Variable"});
}

TEST(RopLop, SecondOrderThroughGrad) {
  // Rop of a gradient is a hessian-vector product: for sum(x^3), H = diag(6x).
  const Variable x = vector("x", DType::float64), v = vector("v", DType::float64);
  const Variable g = grad(sum(x * x * x), x);
  const Variable hv = Rop({g}, {x}, {v})[0];
  expect_array(eval1({x, v}, hv, {Array::from<double>({1, -2}), Array::from<double>({3, 5})}), DType::float64, {2},
               {6 * 1 * 3, 6 * -2 * 5});
}

}  // namespace
}  // namespace hypatia
