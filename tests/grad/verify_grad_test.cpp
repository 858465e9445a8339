// verify_grad: it passes correct gradients, catches a wrong one with a message naming
// the input, the position, both values and both errors, and refuses bad arguments.
#include <string>
#include <vector>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;
using Vars = std::vector<Variable>;

TEST(VerifyGrad, PassesACorrectGradient) {
  verify_grad([](const Vars& x) { return x[0] * x[1] + x[0] * x[0]; },
              {Array::from<double>({1.0, -2.0, 0.5}), Array::from<double>({3.0, 0.25, -1.0})});
}

TEST(VerifyGrad, CatchesAWrongGradient) {
  // grad_scale makes the gradient through x * x twice what it should be.
  expect_error<GradientError>(
      [] {
        verify_grad([](const Vars& x) { return grad_scale(x[0] * x[0], 2.0) + x[1]; },
                    {Array::from<double>({1.0, -2.0, 0.5}), Array::from<double>({3.0, 0.25, -1.0})});
      },
      {"verify_grad_test.cpp", "input 0", "'x0'", "flat position", "analytic", "numeric", "absolute error",
       "relative error"});
}

}  // namespace
}  // namespace hypatia
