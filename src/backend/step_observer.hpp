// Watching a function run one step at a time: the profiler, DebugMode and NanGuardMode
// see every step a backend takes, with the values it read and wrote.
//
// A step is one node on the interpreter; on the cpu backend it is one fused kernel
// (a group of elementwise or reduction nodes, `nodes` in schedule order), one library
// call, one native kernel or one node run by its reference kernel. Arguments and
// constants are not steps. `inputs`/`outputs` are the variables the step reads and
// writes, in the order of the arrays given to before() and after(); the arrays are
// the backend's own (an observer must not modify them; a copy is the observer's).
// A cpu kernel may write an output over an input that dies at that step (the memory
// plan's in-place writes): an observer that needs the input values after the step
// copies them in before().
//
// Without an observer (nullptr) a backend pays one branch per step.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

namespace hypatia {

struct StepView {
  int index = 0;               // position in the backend's schedule
  std::string_view kind;       // "reference", "kernel", "library" or "native"
  const std::vector<std::shared_ptr<const Node>>& nodes;
  const std::vector<Variable>& inputs;
  const std::vector<Variable>& outputs;
};

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  // Before the step runs, with its input values.
  virtual void before(const StepView& /*step*/, const std::vector<Array>& /*inputs*/) {}
  // After it ran, with the same input values and its results. Throwing here stops
  // the call (the exception reaches the caller of the function).
  virtual void after(const StepView& /*step*/, const std::vector<Array>& /*inputs*/,
                     const std::vector<Array>& /*outputs*/) {}
};

}  // namespace hypatia
