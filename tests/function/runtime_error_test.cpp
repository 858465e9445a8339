// Errors at run time: the op, its operands' shapes and dtypes, and the user's line,
// through rewrites, fused kernels, library calls and gradients; short by default.

#include "backend/cpu/compiler.hpp"
#include "hypatia/config.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

std::string here(unsigned line) { return "runtime_error_test.cpp:" + std::to_string(line); }

std::size_t lines_of(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')) + 1; }

std::vector<std::string> linkers() {
  std::vector<std::string> l{"interp"};
  if (cpu::compiler_available()) l.emplace_back("cpu");
  return l;
}

TEST(RuntimeError, ElementwiseShapeMismatchInTheForwardGraph) {
  const Variable x = vector("x");
  const Variable y = vector("y");
  const unsigned line = __LINE__ + 1;
  const Variable z = exp(x) + y * 2.0;  // fused into one kernel on cpu, rewritten by FAST_RUN
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    const Function f = function({x, y}, {z}, Mode::fast_run().with_linker(linker));
    expect_error<ShapeError>([&] { f({Array::from<double>({1, 2, 3}), Array::from<double>({1, 2, 3, 4})}); },
                             {here(line) + ": ", "could not be broadcast together with shapes (3,) (4,)",
                              "(dimension -1: 3 vs 4)", "operands: float64 (3,), float64 (4,)"});
    try {
      f({Array::from<double>({1, 2, 3}), Array::from<double>({1, 2, 3, 4})});
    } catch (const ShapeError& e) {
      EXPECT_LE(lines_of(e.what()), 3u) << e.what();
      EXPECT_EQ(std::string(e.what()).find("in the gradient"), std::string::npos);
    }
  }
}

TEST(RuntimeError, ShapeMismatchInAGradientNamesTheForwardLine) {
  // The cotangent given for y has the wrong length: the gradient of mul fails.
  const Variable x = vector("x");
  const Variable w = vector("w");
  const Variable gy = vector("gy");
  const unsigned forward_line = __LINE__ + 1;
  const Variable y = x * w;
  GradOptions options;
  options.known_grads = {{y, gy}};
  const unsigned call_line = __LINE__ + 1;
  const Variable gx = grad(Variable(), x, options);
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    const Function f = function({x, w, gy}, {gx}, Mode::fast_run().with_linker(linker));
    const Array three = Array::from<double>({1, 2, 3});
    expect_error<ShapeError>(
        [&] { f({three, three, Array::from<double>({1, 2, 3, 4})}); },
        {here(forward_line) + " (in the gradient of mul; grad called at ", here(call_line) + "): mul: ",
         "could not be broadcast together", "float64 (3,)", "float64 (4,)"});
  }
}

TEST(RuntimeError, DotShapeMismatchThroughTheLibraryCall) {
  const Variable a = matrix("a");
  const Variable b = matrix("b");
  const unsigned line = __LINE__ + 1;
  const Variable c = dot(a, b);
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    const Function f = function({a, b}, {c}, Mode::fast_run().with_linker(linker));
    expect_error<ShapeError>([&] { f({Array::zeros(float64, {2, 3}), Array::zeros(float64, {4, 5})}); },
                             {here(line) + ": ", "not aligned: 3 (dim 1) != 4 (dim 0)", "float64 (2, 3)",
                              "float64 (4, 5)"});
  }
}

TEST(RuntimeError, IndexErrorThroughANativeKernel) {
  const Variable x = vector("x");
  const Variable i = vector("i", int64);
  const unsigned line = __LINE__ + 1;
  const Variable y = take(x, i) * 2.0;
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    const Function f = function({x, i}, {y}, Mode::fast_run().with_linker(linker));
    expect_error<IndexError>([&] { f({Array::from<double>({1, 2, 3}), Array::from<std::int64_t>({0, 5})}); },
                             {here(line) + ": ", "index 5 is out of bounds", "int64 (2,)"});
  }
}

TEST(RuntimeError, HighVerbosityPrintsTheSubgraph) {
  const Variable x = vector("x");
  const Variable y = vector("y");
  const unsigned line = __LINE__ + 1;
  const Variable z = exp(x) + y;
  const Function f = function({x, y}, {z}, Mode::fast_run().with_linker("interp"));
  const std::vector<Array> args{Array::from<double>({1, 2, 3}), Array::from<double>({1, 2})};
  config().set_exception_verbosity("high");
  expect_error<ShapeError>([&] { f(args); },
                           {"the failing node and its inputs, 2 levels up (exception_verbosity=high):",
                            "= add(%", "= exp(%", "= input 'x' : float64 (?,)", "= input 'y'", here(line)});
  config().set_exception_verbosity("low");
  try {
    f(args);
    ADD_FAILURE() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_EQ(std::string(e.what()).find("exception_verbosity"), std::string::npos);
    EXPECT_LE(lines_of(e.what()), 3u);
  }
}

TEST(RuntimeError, GraphBuildErrorInsideAGradientSaysSo) {
  // A static shape clash met while building a gradient (known_grads of a wrong static
  // size) names the forward line and the gradient.
  const Variable x = tensor("x", float64, {3});
  const Variable w = tensor("w", float64, {3});
  const Variable gy = tensor("gy", float64, {4});
  const unsigned forward_line = __LINE__ + 1;
  const Variable y = x * w;
  GradOptions options;
  options.known_grads = {{y, gy}};
  expect_error<ShapeError>([&] { grad(Variable(), x, options); },
                           {here(forward_line) + " (in the gradient of mul", "(3,)", "(4,)"});
}

}  // namespace
}  // namespace hypatia
