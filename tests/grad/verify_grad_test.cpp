// verify_grad: it passes correct gradients (float64 and float32, scalar and array
// outputs), catches a wrong one with a message naming the input, the position, both
// values and both errors, fails only where both errors exceed their tolerances, is
// reproducible, and refuses bad arguments.
#include <string>
#include <vector>

#include "driver_test_util.hpp"

namespace hypatia {
namespace {

using driver_testing::random_array;
using testing::expect_error;
using Vars = std::vector<Variable>;

TEST(VerifyGrad, PassesCorrectGradients) {
  verify_grad([](const Vars& x) { return x[0] * x[1] + x[0] * x[0]; },
              {Array::from<double>({1.0, -2.0, 0.5}), Array::from<double>({3.0, 0.25, -1.0})});
  verify_grad([](const Vars& x) { return sum(dot(x[0], x[1])); }, {random_array({2, 3}, 1), random_array({3, 4}, 2)});
  // A 0-d point and a 0-d output.
  verify_grad([](const Vars& x) { return x[0] * x[0] * x[0]; }, {Array::scalar(0.7)});
}

TEST(VerifyGrad, Float32UsesItsOwnTolerances) {
  verify_grad([](const Vars& x) { return x[0] * x[0] / (x[1] * x[1] + 1.0f); },
              {random_array({4}, 3, DType::float32), random_array({4}, 4, DType::float32)});
}

TEST(VerifyGrad, UnusedInputHasZeroGradient) {
  verify_grad([](const Vars& x) { return x[0] * 2.0; }, {random_array({2}, 5), random_array({3}, 6)});
}

TEST(VerifyGrad, CatchesAWrongGradientNamingEverything) {
  // grad_scale makes the gradient through x0 * x0 twice what it should be.
  expect_error<GradientError>(
      [] {
        verify_grad([](const Vars& x) { return x[1] + grad_scale(x[0] * x[0], 2.0); },
                    {Array::from<double>({1.0, -2.0, 0.5}), Array::from<double>({3.0, 0.25, -1.0})});
      },
      {"verify_grad_test.cpp", "verify_grad", "the gradient of input 0 ('x0', float64 (3,))",
       "flat position 1 (1,)", "analytic", "numeric", "absolute error", "relative error", "test 1 of 2"});
}

TEST(VerifyGrad, CatchesAClippedGradient) {
  // The projection is at least 0.5, so clipping the cotangent to 0.1 is caught.
  expect_error<GradientError>(
      [] { verify_grad([](const Vars& x) { return grad_clip(x[0], -0.1, 0.1); }, {Array::from<double>({1.0, 2.0})}); },
      {"input 0", "analytic 0.1,", "numeric"});
}

TEST(VerifyGrad, FailsOnlyWhereBothErrorsExceedTheTolerances) {
  // Large values, tiny relative error (5e-6): the absolute error is above 1e-4 but the
  // relative one is not, so it passes.
  verify_grad([](const Vars& x) { return grad_scale(x[0] * 1000.0, 1 + 1e-5); }, {Array::from<double>({1.0, 2.0})});
  // Tiny values, large relative error: the absolute error is below 1e-4, so it passes.
  verify_grad([](const Vars& x) { return grad_scale(x[0] * 1e-6, 2.0); }, {Array::from<double>({1.0, 2.0})});
  // Explicit tolerances make the same checks fail.
  VerifyGradOptions strict;
  strict.abs_tol = 1e-9;
  strict.rel_tol = 1e-9;
  expect_error<GradientError>(
      [&] { verify_grad([](const Vars& x) { return grad_scale(x[0] * 1e-6, 2.0); }, {Array::from<double>({1.0, 2.0})}, strict); },
      {"input 0", "> 1e-09"});
}

TEST(VerifyGrad, ReproducibleForASeed) {
  auto message = [](std::uint64_t seed) {
    VerifyGradOptions o;
    o.seed = seed;
    try {
      verify_grad([](const Vars& x) { return grad_scale(x[0] * x[0], 1.5); }, {random_array({3, 2}, 7)}, o);
    } catch (const GradientError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(11), message(11));
  EXPECT_NE(message(11), message(12));  // another projection, other values
}

TEST(VerifyGrad, RefusesBadArguments) {
  auto id = [](const Vars& x) { return x[0] * 1.0; };
  const std::vector<Array> ok{Array::from<double>({1.0})};
  expect_error<ValueError>([&] { verify_grad(id, {}); }, {"verify_grad_test.cpp", "verify_grad", "the point is empty"});
  expect_error<TypeError>([&] { verify_grad(id, {Array::from<double>({1.0}), Array::from<std::int32_t>({1})}); },
                          {"verify_grad_test.cpp", "only with float inputs", "input 1 has dtype int32"});
  VerifyGradOptions o;
  o.n_tests = 0;
  expect_error<ValueError>([&] { verify_grad(id, ok, o); }, {"verify_grad_test.cpp", "n_tests must be at least 1, not 0"});
  o = {};
  o.eps = -1e-3;
  expect_error<ValueError>([&] { verify_grad(id, ok, o); }, {"eps, abs_tol and rel_tol must be positive"});
  expect_error<ValueError>([&] { verify_grad([](const Vars&) { return Variable(); }, ok); },
                           {"verify_grad_test.cpp", "fun returned an empty Variable"});
  expect_error<TypeError>([&] { verify_grad([](const Vars& x) { return cast(x[0], DType::int64); }, ok); },
                          {"verify_grad_test.cpp", "fun's output must be a float array", "int64 (1,)"});
}

}  // namespace
}  // namespace hypatia
