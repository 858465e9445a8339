// trigamma (src/ops/elemwise_math.cpp), digamma's derivative: literal values of
// scipy.special.polygamma(1, x), closed forms (pi^2 / 6 at 1), and a series summed
// here in long double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi2 = std::numbers::pi * std::numbers::pi;

TEST(Trigamma, KnownValues) {
  const std::vector<double> xs{-2.5, -0.5, 0.5, 1, 2, 3.7, 10.5, 25, 1e10, 1e-10};
  const std::vector<double> expected{
      9.5392466449891238,   kPi2 / 2 + 4,         kPi2 / 2,          kPi2 / 6, kPi2 / 6 - 1, 0.31003785767003833,
      0.099916956059126733, 0.040810663257225578, 1.00000000005e-10, 1e20};
  const Variable x = vector("x", DType::float64);
  expect_array(eval1({x}, trigamma(x), {Array::from_vector(xs)}), DType::float64, {10}, expected, 1e-14);
}

TEST(Trigamma, EdgeValuesAsSciPy) {
  // Poles at 0 and the negative integers are +inf (a double pole), like -inf; 0 at +inf.
  const Variable x = vector("x", DType::float64);
  expect_array(eval1({x}, trigamma(x), {Array::from<double>({0.0, -0.0, -1, -7, -kInf, kInf, kNaN, 1e-200, 1e300})}),
               DType::float64, {9}, {kInf, kInf, kInf, kInf, kInf, 0, kNaN, kInf, 1e-300});
}

TEST(Trigamma, MatchesItsSeriesAndKeepsFloat32) {
  // psi'(x) = sum_k 1 / (x + k)^2, summed to k = N with the Euler-Maclaurin tail.
  auto series = [](long double x) {
    const int n = 2000;
    long double s = 0;
    for (int k = 0; k < n; ++k) s += 1 / ((x + k) * (x + k));
    const long double t = x + n;
    return s + 1 / t + 1 / (2 * t * t) + 1 / (6 * t * t * t);
  };
  const std::vector<double> xs{0.01, 0.3, 1.5, 4.25, 9.99, 10.01, 60};
  std::vector<double> expected;
  for (double v : xs) expected.push_back(static_cast<double>(series(v)));
  const Variable x = vector("x", DType::float64);
  expect_array(eval1({x}, trigamma(x), {Array::from_vector(xs)}), DType::float64, {7}, expected, 1e-14);
  const Variable x32 = vector("x", DType::float32);
  expect_array(eval1({x32}, trigamma(x32), {Array::from_vector(xs).astype(DType::float32)}), DType::float32, {7},
               expected, 1e-6);
  // Integers compute in float64.
  const Variable i = vector("i", DType::int32);
  expect_array(eval1({i}, trigamma(i), {Array::from<std::int32_t>({1, 2})}), DType::float64, {2},
               {kPi2 / 6, kPi2 / 6 - 1}, 1e-15);
}

}  // namespace
}  // namespace hypatia
