// The reference interpreter: runs a scheduled graph node by node with each op's
// reference kernel. It needs no compiler, is always available, and is the ground
// truth the other backends and DebugMode are checked against.
#pragma once

#include <memory>
#include <vector>

#include "hypatia/array.hpp"
#include "backend/step_observer.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/op.hpp"

namespace hypatia::interp {

// A graph ready to run: nodes in execution order, with where each node's inputs come
// from and when each value is last needed (so intermediates are freed early).
struct Plan {
  struct Step {
    std::shared_ptr<const Node> node;
    std::vector<std::pair<int, int>> inputs;  // (step, output) of each input
    int argument = -1;                         // for graph inputs: which argument
  };
  std::vector<Step> steps;
  std::vector<std::pair<int, int>> outputs;  // (step, output) of each function output
  std::vector<std::vector<int>> free_after;  // step -> steps whose values die after it
};

// Plans `outputs` given `inputs` (graph-input variables, in argument order). The
// caller has checked that every graph input the outputs need is among `inputs`.
Plan make_plan(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs);

// Runs the plan; `args` are already checked against the input types. A user error in
// a kernel is re-raised with the node's op, its operand types and the user's line.
// An observer (step_observer.hpp) sees every node but the inputs and constants.
std::vector<Array> run(const Plan& plan, const std::vector<Array>& args, StepObserver* observer = nullptr);

// One node by its reference kernel, with run()'s error message and output checks
// (the compiled backends run what they do not compile through this, so their errors
// read exactly as the interpreter's).
std::vector<Array> run_node(const Node& node, const std::vector<Array>& inputs);
// The same with another kernel of the node's op (a user op's cpu kernel).
std::vector<Array> run_kernel(const KernelFn& kernel, const Node& node, const std::vector<Array>& inputs);

}  // namespace hypatia::interp
