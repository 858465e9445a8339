#include "backend/interp/interp.hpp"

#include <unordered_map>

#include "graph/error_context.hpp"
#include "graph/op.hpp"

namespace hypatia::interp {

Plan make_plan(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs) {
  Plan plan;
  std::unordered_map<const Node*, int> step_of;
  std::unordered_map<const Node*, int> argument_of;
  for (std::size_t i = 0; i < inputs.size(); ++i) argument_of[&inputs[i].node()] = static_cast<int>(i);
  for (const auto& node : topological_order(outputs)) {
    Plan::Step step{node, {}, -1};
    for (const Variable& in : node->inputs()) step.inputs.emplace_back(step_of.at(&in.node()), in.index());
    if (node->op().name == "input") step.argument = argument_of.at(node.get());
    step_of[node.get()] = static_cast<int>(plan.steps.size());
    plan.steps.push_back(std::move(step));
  }
  for (const Variable& out : outputs) plan.outputs.emplace_back(step_of.at(&out.node()), out.index());

  // A value dies after its last reader, unless it is a function output.
  std::vector<int> last_use(plan.steps.size(), -1);
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    for (const auto& [from, index] : plan.steps[s].inputs) last_use[static_cast<std::size_t>(from)] = static_cast<int>(s);
  }
  for (const auto& [from, index] : plan.outputs) last_use[static_cast<std::size_t>(from)] = static_cast<int>(plan.steps.size());
  plan.free_after.resize(plan.steps.size());
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    const int last = last_use[s];
    if (last >= 0 && last < static_cast<int>(plan.steps.size())) plan.free_after[static_cast<std::size_t>(last)].push_back(static_cast<int>(s));
  }
  return plan;
}

namespace {

std::string operands_str(const std::vector<Array>& values) {
  std::string s;
  for (const Array& a : values) {
    if (!s.empty()) s += ", ";
    s += std::string(dtype_name(a.dtype())) + " " + shape_str(a.shape());
  }
  return s;
}

// Our own contract: a kernel's outputs have the types its type inference promised.
void check_outputs(const Node& node, const std::vector<Array>& results) {
  if (static_cast<int>(results.size()) != node.num_outputs()) {
    throw InternalError("the reference kernel of " + node.op().name + " returned " + std::to_string(results.size()) +
                        " outputs instead of " + std::to_string(node.num_outputs()));
  }
  for (int i = 0; i < node.num_outputs(); ++i) {
    const Type& t = node.output_types()[static_cast<std::size_t>(i)];
    const Array& a = results[static_cast<std::size_t>(i)];
    if (!t.matches(a)) {
      throw InternalError("the reference kernel of " + node.op().name + " returned a " +
                          std::string(dtype_name(a.dtype())) + " " + shape_str(a.shape()) + " where its type is " +
                          t.str());
    }
  }
}

}  // namespace

std::vector<Array> run_node(const Node& node, const std::vector<Array>& ins) {
  return run_kernel(node.op().reference, node, ins);
}

std::vector<Array> run_kernel(const KernelFn& kernel, const Node& node, const std::vector<Array>& ins) {
  std::vector<Array> out;
  try {
    out = kernel(KernelArgs{ins, node});
  } catch (const UserError& e) {
    // A node the cpu backend's decompose phase made for another op names that op
    // (a max inside a decomposed argmax says "argmax"), as the interpreter would.
    const std::string& op = node.attrs().has("reported_as") ? node.attrs().get<std::string>("reported_as")
                                                             : node.op().name;
    std::string message = describe_location(node.where()) + ": " + op + ": " + e.what() +
                          "\n  operands: " + operands_str(ins);
    if (detail::exception_verbosity_high()) message += "\n" + detail::error_subgraph(node);
    throw_user_error(e.kind(), message);
  }
  check_outputs(node, out);
  return out;
}

namespace {

// One step seen by an observer: the node's own inputs and outputs as the step's.
void run_observed(const Plan::Step& step, int index, const std::vector<Array>& ins, std::vector<Array>& out,
                  StepObserver& observer) {
  const std::vector<std::shared_ptr<const Node>> nodes{step.node};
  std::vector<Variable> outputs;
  for (int i = 0; i < step.node->num_outputs(); ++i) outputs.push_back(step.node->output(i));
  const StepView view{index, "reference", nodes, step.node->inputs(), outputs};
  observer.before(view, ins);
  out = run_node(*step.node, ins);
  observer.after(view, ins, out);
}

}  // namespace

std::vector<Array> run(const Plan& plan, const std::vector<Array>& args, StepObserver* observer) {
  std::vector<std::vector<Array>> values(plan.steps.size());
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    const Plan::Step& step = plan.steps[s];
    if (step.argument >= 0) {
      values[s] = {args[static_cast<std::size_t>(step.argument)]};
    } else {
      std::vector<Array> ins;
      ins.reserve(step.inputs.size());
      for (const auto& [from, index] : step.inputs) {
        ins.push_back(values[static_cast<std::size_t>(from)][static_cast<std::size_t>(index)]);
      }
      if (observer != nullptr && step.node->op().name != "constant") {
        run_observed(step, static_cast<int>(s), ins, values[s], *observer);
      } else {
        values[s] = run_node(*step.node, ins);
      }
    }
    for (int dead : plan.free_after[s]) values[static_cast<std::size_t>(dead)].clear();
  }
  std::vector<Array> results;
  for (const auto& [from, index] : plan.outputs) {
    results.push_back(values[static_cast<std::size_t>(from)][static_cast<std::size_t>(index)]);
  }
  return results;
}

}  // namespace hypatia::interp
