// jacobian, hessian and hessian_vector_product against closed forms and finite
// differences; the graph is vectorized (its size does not grow with the number of
// output elements); errors.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "driver_test_util.hpp"

namespace hypatia {
namespace {

using driver_testing::private_node;
using driver_testing::random_array;
using driver_testing::values;
using driver_testing::vjp_only_op;
using testing::eval1;
using testing::expect_array;
using testing::expect_error;

// The jacobian of fun at x by central differences of fun's forward values, C order
// (output index major).
std::vector<double> numeric_jacobian(const Variable& in, const Variable& out, const Array& x) {
  Function f = function({in}, {out});
  std::vector<double> xs = values(x);
  const std::size_t m = static_cast<std::size_t>(f({x})[0].size());
  std::vector<double> j(m * xs.size());
  const double eps = 1e-6;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    std::vector<double> hi = xs, lo = xs;
    hi[k] += eps;
    lo[k] -= eps;
    const auto yh = values(f({Array::from_vector(hi, x.shape())})[0]);
    const auto yl = values(f({Array::from_vector(lo, x.shape())})[0]);
    for (std::size_t i = 0; i < m; ++i) j[i * xs.size() + k] = (yh[i] - yl[i]) / (2 * eps);
  }
  return j;
}

TEST(Jacobian, ElementwiseSquareIsDiagonal) {
  const Variable x = vector("x", DType::float64);
  const Array xv = Array::from<double>({1, -2, 0.5});
  expect_array(eval1({x}, jacobian(x * x, x), {xv}), DType::float64, {3, 3}, {2, 0, 0, 0, -4, 0, 0, 0, 1});
}

TEST(Jacobian, OfIdentityIsEye) {
  const Variable x = tensor("x", DType::float64, {2, 2});
  expect_array(eval1({x}, jacobian(x, x), {random_array({2, 2}, 1)}), DType::float64, {2, 2, 2, 2},
               {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});
}

TEST(Jacobian, MatrixVectorProductInBothArguments) {
  const Variable W = matrix("W", DType::float64), x = vector("x", DType::float64);
  const Variable y = dot(W, x);
  const Array Wv = random_array({2, 3}, 2), xv = random_array({3}, 3);
  // d y / d x = W.
  expect_array(eval1({W, x}, jacobian(y, x), {Wv, xv}), DType::float64, {2, 3}, values(Wv), 1e-12);
  // d y_i / d W_kl = [i == k] x_l, shape (2, 2, 3).
  std::vector<double> e;
  for (int i = 0; i < 2; ++i) {
    for (int k = 0; k < 2; ++k) {
      for (double xl : values(xv)) e.push_back(i == k ? xl : 0.0);
    }
  }
  expect_array(eval1({W, x}, jacobian(y, W), {Wv, xv}), DType::float64, {2, 2, 3}, e, 1e-12);
}

TEST(Jacobian, NonlinearMatrixOutputAgainstFiniteDifferences) {
  const Variable x = tensor("x", DType::float64, {2, 3});
  // An output of shape (3, 2) mixing products, reductions and broadcasting.
  const Variable out = dot(transpose(x), x * x) * 0.5 + sum(x * x, {0});
  const Array xv = random_array({2, 3}, 4);
  const Array j = eval1({x}, jacobian(out, x), {xv});
  ASSERT_EQ(j.shape(), (Shape{3, 3, 2, 3}));
  expect_array(j, DType::float64, {3, 3, 2, 3}, numeric_jacobian(x, out, xv), 1e-6, 1e-7);
}

TEST(Jacobian, UnknownStaticSizes) {
  const Variable x = vector("x", DType::float64);  // size unknown until run time
  const Variable out = x * sum(x);
  const Array xv = Array::from<double>({1, 2, 3});
  // d (x_i s) / d x_k = [i == k] s + x_i, s = 6.
  expect_array(eval1({x}, jacobian(out, x), {xv}), DType::float64, {3, 3}, {7, 1, 1, 2, 8, 2, 3, 3, 9});
  expect_array(eval1({x}, jacobian(out, x), {Array::from<double>({4})}), DType::float64, {1, 1}, {8});
}

TEST(Jacobian, ScalarExpressionIsTheGradient) {
  const Variable x = vector("x", DType::float64);
  expect_array(eval1({x}, jacobian(sum(x * x), x), {Array::from<double>({1, 2})}), DType::float64, {2}, {2, 4});
}

TEST(Jacobian, GraphDoesNotGrowWithTheOutputSize) {
  // Vectorized: one Lop graph batched over the rows, not one gradient per element.
  auto nodes = [](std::int64_t n) {
    const Variable x = tensor("x", DType::float64, {n});
    return topological_order({jacobian(x * x * 3.0, x)}).size();
  };
  EXPECT_EQ(nodes(2), nodes(50));
}

TEST(Jacobian, OpWithoutBatchRuleIsAnInternalErrorNamingIt) {
  const Variable x = vector("x", DType::float64);
  // test_vjp_only's vjp is the op itself (it is linear), applied to the cotangent.
  const Variable y = private_node(vjp_only_op(), x * x);
  expect_error<InternalError>([&] { jacobian(y, x); }, {"op 'test_vjp_only'", "has no batch rule"});
}

TEST(Jacobian, Errors) {
  const Variable x = vector("x", DType::float64);
  expect_error<TypeError>([&] { jacobian(cast(x, DType::int64), x); },
                          {"jacobian_test.cpp", "jacobian", "expr must be a float array", "int64 (?,)"});
  expect_error<DisconnectedInputError>([&] { jacobian(vector("y", DType::float64) * 2.0, x); },
                                       {"jacobian_test.cpp", "wrt[0] 'x'"});
}

// ---------------------------------------------------------------- hessian

TEST(Hessian, OfSumOfCubesIsDiagSixX) {
  const Variable x = vector("x", DType::float64);
  const Array xv = Array::from<double>({1, -2, 0.5});
  expect_array(eval1({x}, hessian(sum(x * x * x), x), {xv}), DType::float64, {3, 3}, {6, 0, 0, 0, -12, 0, 0, 0, 3});
}

TEST(Hessian, QuadraticFormIsSymmetrizedMatrix) {
  // cost = xᵀ A x: H = A + Aᵀ.
  const Variable x = vector("x", DType::float64), A = matrix("A", DType::float64);
  const Array Av = random_array({3, 3}, 5), xv = random_array({3}, 6);
  const auto a = values(Av);
  std::vector<double> e;
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) e.push_back(a[i * 3 + j] + a[j * 3 + i]);
  }
  expect_array(eval1({x, A}, hessian(dot(x, dot(A, x)), x), {xv, Av}), DType::float64, {3, 3}, e, 1e-12);
}

TEST(Hessian, MatrixWrtAgainstFiniteDifferencesOfTheGradient) {
  const Variable x = tensor("x", DType::float64, {2, 2});
  const Variable cost = sum(dot(x, x) * x);
  const Array xv = random_array({2, 2}, 7);
  expect_array(eval1({x}, hessian(cost, x), {xv}), DType::float64, {2, 2, 2, 2},
               numeric_jacobian(x, grad(cost, x), xv), 1e-6, 1e-7);
}

TEST(Hessian, OfALinearCostIsZero) {
  const Variable x = vector("x", DType::float64), a = vector("a", DType::float64);
  expect_array(eval1({x, a}, hessian(sum(a * x), x), {Array::from<double>({1, 2}), Array::from<double>({3, 4})}),
               DType::float64, {2, 2}, {0, 0, 0, 0});
}

TEST(Hessian, ThroughARunTimeUnbroadcast) {
  // x's size is unknown, so its gradient goes through sum_to, whose batch rule the
  // hessian needs. cost = sum(x * x * y): H = diag(2 * sum over the broadcast of y).
  const Variable x = vector("x", DType::float64), y = tensor("y", DType::float64, {2, 3});
  const Variable H = hessian(sum(x * x * y), x);
  ASSERT_NE(graph_text({H}).find("sum_to"), std::string::npos);
  const Array yv = Array::from<double>({{1, 2, 3}, {4, 5, 6}});
  expect_array(eval1({x, y}, H, {Array::from<double>({1, 2, 3}), yv}), DType::float64, {3, 3},
               {10, 0, 0, 0, 14, 0, 0, 0, 18});
  expect_array(eval1({x, y}, H, {Array::from<double>({1}), yv}), DType::float64, {1, 1}, {42});
}

TEST(Hessian, NonScalarCostIsATypeError) {
  const Variable x = vector("x", DType::float64);
  expect_error<TypeError>([&] { hessian(x * x, x); },
                          {"jacobian_test.cpp", "hessian", "must be a scalar", "float64 (?,)"});
}

TEST(HessianVectorProduct, MatchesHessianTimesVector) {
  const Variable x = vector("x", DType::float64), v = vector("v", DType::float64);
  const Variable cost = sum(x * x * x) + dot(x, x) * sum(x);
  const Array xv = random_array({3}, 8), vv = random_array({3}, 9);
  const Array H = eval1({x}, hessian(cost, x), {xv});
  const auto h = values(H), vs = values(vv);
  std::vector<double> e(3, 0.0);
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) e[i] += h[i * 3 + j] * vs[j];
  }
  expect_array(eval1({x, v}, hessian_vector_product(cost, x, v), {xv, vv}), DType::float64, {3}, e, 1e-12, 1e-14);
  expect_error<TypeError>([&] { hessian_vector_product(cost, x, matrix("m", DType::float64)); },
                          {"jacobian_test.cpp", "hessian_vector_product", "v of type float64 (?, ?)"});
}

}  // namespace
}  // namespace hypatia
