// Step observers (backend/step_observer.hpp): both backends show every step with the
// variables and values it read and wrote, and an observer that throws stops the call.
#include <gtest/gtest.h>

#include "backend/cpu/executor.hpp"
#include "backend/interp/interp.hpp"
#include "backend_test_util.hpp"
#include "hypatia/hypatia.hpp"

namespace hypatia {
namespace {

// Records each step: its kind, how many nodes it covers, and its values' shapes.
struct Recorder : StepObserver {
  struct Seen {
    std::string kind;
    std::size_t nodes = 0, inputs = 0, outputs = 0;
    bool values_match_types = true;
  };
  std::vector<Seen> seen;
  int befores = 0;
  void before(const StepView& step, const std::vector<Array>& inputs) override {
    ++befores;
    EXPECT_EQ(inputs.size(), step.inputs.size());
  }
  void after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) override {
    Seen s{std::string(step.kind), step.nodes.size(), inputs.size(), outputs.size(), true};
    EXPECT_EQ(outputs.size(), step.outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      s.values_match_types = s.values_match_types && step.outputs[i].type().matches(outputs[i]);
    }
    seen.push_back(s);
  }
};

struct Thrower : StepObserver {
  void after(const StepView&, const std::vector<Array>&, const std::vector<Array>&) override {
    throw ValueError("stopped by the observer");
  }
};

TEST(StepObserver, InterpreterShowsEveryNodeButInputsAndConstants) {
  Variable x = vector("x", DType::float64);
  Variable y = exp(x) * 2.0 + sum(x);
  const interp::Plan plan = interp::make_plan({x}, {y});
  Recorder r;
  const auto out = interp::run(plan, {Array::from_vector<double>({0.0, 1.0})}, &r);
  // exp, sum, mul, add (the constant 2 and the input are not steps).
  ASSERT_EQ(r.seen.size(), 4u);
  EXPECT_EQ(r.befores, 4);
  for (const auto& s : r.seen) {
    EXPECT_EQ(s.kind, "reference");
    EXPECT_EQ(s.nodes, 1u);
    EXPECT_TRUE(s.values_match_types);
  }
  EXPECT_NEAR(out[0].to_vector<double>()[0], 2.0 + 1.0, 1e-12);  // exp(0)*2 + (0 + 1)
}

TEST(StepObserver, CpuBackendShowsAFusedKernelAsOneStepOfSeveralNodes) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler";
  Variable x = vector("x", DType::float64);
  Variable y = exp(x) * 2.0 + 1.0;
  const cpu::Executable exe({x}, {y});
  Recorder r;
  const auto out = exe.run({Array::from_vector<double>({0.0, 1.0})}, &r);
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0].kind, "kernel");
  EXPECT_EQ(r.seen[0].nodes, 3u) << "exp, mul and add fused";
  EXPECT_TRUE(r.seen[0].values_match_types);
  EXPECT_NEAR(out[0].to_vector<double>()[1], 2.0 * std::exp(1.0) + 1.0, 1e-12);
}

TEST(StepObserver, AnObserverThatThrowsStopsTheCall) {
  Variable x = vector("x", DType::float64);
  Variable y = exp(x);
  Thrower t;
  EXPECT_THROW(interp::run(interp::make_plan({x}, {y}), {Array::from_vector<double>({1.0})}, &t), ValueError);
  if (!cpu::compiler_available({})) return;
  const cpu::Executable exe({x}, {y});
  EXPECT_THROW(exe.run({Array::from_vector<double>({1.0})}, &t), ValueError);
  // The executor is left usable after a failed call.
  EXPECT_NEAR(exe.run({Array::from_vector<double>({1.0})})[0].to_vector<double>()[0], std::exp(1.0), 1e-12);
}

}  // namespace
}  // namespace hypatia
