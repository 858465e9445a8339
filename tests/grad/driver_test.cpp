// The reverse driver: grad's semantics and every GradOptions field, its errors, integer
// inputs, fan-out accumulation, unbroadcast, and gradients of gradients.
#include <cmath>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval;
using testing::eval1;
using testing::expect_array;
using testing::expect_error;

TEST(GradDriver, ScalarPolynomialAndFanOut) {
  const Variable x = scalar("x", DType::float64);
  const Variable cost = x * x * x + x * x + x;  // x used many times: contributions must add up
  const Variable g = grad(cost, x);
  expect_array(eval1({x}, g, {Array::scalar(2.0)}), DType::float64, {}, {3 * 4 + 2 * 2 + 1});
}

TEST(GradDriver, GradOfGrad) {
  const Variable x = scalar("x", DType::float64);
  const Variable cost = x * x * x;
  const Variable g = grad(cost, x);
  const Variable gg = grad(g, x);
  const Variable ggg = grad(gg, x);
  const auto r = eval({x}, {g, gg, ggg}, {Array::scalar(1.5)});
  expect_array(r[0], DType::float64, {}, {3 * 1.5 * 1.5});
  expect_array(r[1], DType::float64, {}, {6 * 1.5});
  expect_array(r[2], DType::float64, {}, {6.0});
}

}  // namespace
}  // namespace hypatia
