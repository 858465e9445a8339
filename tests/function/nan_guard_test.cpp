// NanGuardMode and gradient provenance: each message names where the bad value starts.
#include <cmath>
#include <limits>
#include <unordered_set>

#include "backend/cpu/compiler.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string here(unsigned line) { return "nan_guard_test.cpp:" + std::to_string(line); }

Mode guard(std::string linker = "interp", bool nan = true, bool inf = true, bool big = true) {
  Mode m = Mode::nan_guard(nan, inf, big);
  m.linker = std::move(linker);
  return m;
}

// ---------------------------------------------------------------- provenance

TEST(GradientProvenance, GradientNodesNameTheForwardNodeAndTheCall) {
  const Variable x = vector("x");
  const unsigned forward_line = __LINE__ + 1;
  const Variable y = sqrt(x);
  const Variable cost = sum(y);
  const unsigned call_line = __LINE__ + 1;
  const Variable g = grad(cost, x);
  std::unordered_set<const Node*> forward;
  for (const auto& n : topological_order({cost})) forward.insert(n.get());
  bool saw_sqrt = false;
  for (const auto& n : topological_order({g})) {
    const GradientOrigin* origin = n->where().gradient_of();
    if (forward.count(n.get())) {
      EXPECT_EQ(origin, nullptr) << n->op().name << " is a forward node";
      continue;
    }
    if (n->op().name == "constant" || n->op().name == "input") continue;
    ASSERT_NE(origin, nullptr) << n->op().name << " made by grad has no origin";
    EXPECT_EQ(origin->call.line(), call_line);
    EXPECT_FALSE(origin->tangent);
    if (std::string(origin->op) == "sqrt") {
      saw_sqrt = true;
      EXPECT_EQ(origin->forward.line(), forward_line);
      EXPECT_EQ(n->where().line(), forward_line);  // the rule's nodes point at the user's line
    }
  }
  EXPECT_TRUE(saw_sqrt);
  // Shown in messages.
  const Node& top = g.node();
  EXPECT_NE(describe_location(top.where()).find("(in the gradient of "), std::string::npos);
  EXPECT_NE(describe_location(top.where()).find("; grad called at "), std::string::npos);
  EXPECT_NE(describe_location(top.where()).find(here(call_line) + ")"), std::string::npos);
}

TEST(GradientProvenance, KeptThroughRewrites) {
  const Variable x = vector("x");
  const Variable y = exp(x * 2.0);
  const Variable g = grad(sum(y), x);
  const Function f = function({x}, {g}, Mode::fast_run().with_linker("interp"));
  int marked = 0;
  for (const auto& n : topological_order(f.compiled_outputs())) {
    if (n->where().gradient_of() != nullptr) ++marked;
  }
  EXPECT_GT(marked, 0);
  EXPECT_NE(f.compiled_outputs()[0].node().where().gradient_of(), nullptr);
}

TEST(GradientProvenance, RopMarksTangents) {
  const Variable x = vector("x");
  const Variable v = vector("v");
  const Variable y = sin(x);
  const Variable t = Rop({y}, {x}, {v})[0];
  ASSERT_NE(t.node().where().gradient_of(), nullptr);
  EXPECT_TRUE(t.node().where().gradient_of()->tangent);
  EXPECT_NE(describe_location(t.node().where()).find("in the tangent of sin"), std::string::npos);
}

TEST(GradientProvenance, ForwardNodesIdenticalToGradientOnesStayForward) {
  const Variable x = vector("x");
  const Variable y = exp(x);  // exp's vjp reuses its output: no new node, no mark
  const Variable g = grad(sum(y), x);
  EXPECT_EQ(y.node().where().gradient_of(), nullptr);
  (void)g;
}

// ---------------------------------------------------------------- NanGuardMode

TEST(NanGuard, NanInTheForwardGraph) {
  const Variable x = vector("x");
  const unsigned line = __LINE__ + 1;
  const Variable y = log(x) * 2.0;
  const Function f = function({x}, {y}, guard());
  expect_error<NanGuardError>([&] { f({Array::from<double>({1, -1, 2})}); },
                              {"NanGuardMode: NaN made by log at ", here(line) + " (forward)", "output 0",
                               "float64 (3,)", "at index (1,)", "its inputs hold no NaN, inf or value above 1e10",
                               "the NaN starts here", "inputs: float64 (3,)"});
  // Short: three lines.
  try {
    f({Array::from<double>({1, -1, 2})});
  } catch (const NanGuardError& e) {
    const std::string m = e.what();
    EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 2) << m;
    EXPECT_NE(m.find("holds nan at"), std::string::npos) << m;  // not "-nan"
  }
  // A ValueError too, so that callers catching the core's errors see it.
  EXPECT_THROW(f({Array::from<double>({-1.0})}), ValueError);
  EXPECT_NO_THROW(f({Array::from<double>({1, 2})}));
}

TEST(NanGuard, NanInAGradientNamesTheForwardLine) {
  // d/dx sum(sqrt(x) * c) = c * 0.5 / sqrt(x): 0 * inf at x = 0, c = 0.
  const Variable x = vector("x");
  const Variable c = vector("c");
  const unsigned forward_line = __LINE__ + 1;
  const Variable y = sqrt(x);
  const Variable cost = sum(y * c);
  const unsigned call_line = __LINE__ + 1;
  const Variable g = grad(cost, x);
  const Function f = function({x, c}, {g}, guard("interp", true, false, false));
  expect_error<NanGuardError>(
      [&] { f({Array::from<double>({1, 0}), Array::from<double>({1, 0})}); },
      {"NaN made by", here(forward_line) + " (in the gradient of sqrt", "; grad called at ", here(call_line) + ")",
       "at index (1,)", "holds inf at (1,) (not an error in this mode): the NaN starts here"});
  // With infs checked the inf of 0.5 / sqrt(0) stops it first.
  const Function h = function({x, c}, {g}, guard());
  expect_error<NanGuardError>([&] { h({Array::from<double>({1, 0}), Array::from<double>({1, 0})}); },
                              {"inf made by", "(in the gradient of sqrt", "the inf starts here"});
}

TEST(NanGuard, Inf) {
  const Variable x = vector("x");
  const unsigned line = __LINE__ + 1;
  const Variable y = exp(x) + 1.0;
  const Function f = function({x}, {y}, guard());
  expect_error<NanGuardError>([&] { f({Array::from<double>({0, 1000})}); },
                              {"inf made by exp at ", here(line) + " (forward)", "holds inf at index (1,)"});
  const Function off = function({x}, {y}, guard("interp", true, false, true));
  EXPECT_TRUE(std::isinf(off({Array::from<double>({1000})})[0].at<double>({0})));
}

TEST(NanGuard, Big) {
  const Variable x = matrix("x", float32);
  const unsigned line = __LINE__ + 1;
  const Variable y = x * 1e6f;
  const Function f = function({x}, {y}, guard());
  expect_error<NanGuardError>([&] { f({Array::from<float>({{1, 2}, {1e5f, 3}})}); },
                              {"a value above 1e10 in magnitude made by mul at ", here(line), "float32 (2, 2)",
                               "holds 1e+11 at index (1, 0)"});
  const Function off = function({x}, {y}, guard("interp", true, true, false));
  EXPECT_NO_THROW(off({Array::from<float>({{1e5f}})}));
}

TEST(NanGuard, NanInAnArgumentIsTheCallers) {
  const Variable x = vector("x");
  const Variable w = vector("w");
  const unsigned line = __LINE__ + 1;
  const Variable y = x * w;
  const Function f = function({x, w}, {y}, guard());
  expect_error<NanGuardError>([&] { f({Array::from<double>({1, 2}), Array::from<double>({3, kNaN})}); },
                              {"argument 1 'w' (float64 (2,)) holds nan at index (1,) before any node ran",
                               "comes from the caller", "read by mul at ", here(line) + " (forward)"});
}

TEST(NanGuard, IntegersAndDisabledChecksPass) {
  const Variable i = vector("i", int64);
  const Function f = function({i}, {i * 2}, guard());
  EXPECT_NO_THROW(f({Array::from<std::int64_t>({1, 2})}));
  const Variable x = vector("x");
  const Function g = function({x}, {log(x)}, guard("interp", false, false, false));
  EXPECT_TRUE(std::isnan(g({Array::from<double>({-1})})[0].at<double>({0})));
  // The mode name alone means every check.
  Mode by_name;
  by_name.name = "NanGuardMode";
  by_name.linker = "interp";
  EXPECT_THROW(function({x}, {log(x)}, by_name)({Array::from<double>({-1})}), NanGuardError);
}

TEST(NanGuard, FusedKernelNamesTheNodeInsideTheGroup) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = vector("x");
  const unsigned line = __LINE__ + 1;
  const Variable l = log(x);
  const Variable y = exp(l * 0.5) + 1.0;  // one fused kernel on the cpu backend
  const Function f = function({x}, {y}, guard("cpu"));
  ASSERT_EQ(f.linker(), "cpu");
  expect_error<NanGuardError>([&] { f({Array::from<double>({4, -1})}); },
                              {"NaN made by log at ", here(line) + " (forward)", "at index (1,)",
                               "the NaN starts here"});
}

}  // namespace
}  // namespace hypatia
