#include "hypatia/function.hpp"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <unordered_set>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/executor.hpp"
#include "backend/interp/interp.hpp"
#include "function/shared_state.hpp"
#include "graph/op.hpp"

namespace hypatia {

namespace detail {
struct Program {
  std::vector<Variable> inputs;
  std::vector<Variable> outputs;           // as the user gave them
  std::vector<Variable> compiled_outputs;  // after rewriting; then one per update
  // Shared variables (shared_state.hpp): the compiled graph's inputs are `inputs`, then
  // one per shared variable the function was made with; its outputs, the outputs then
  // one per update, which stores into the shared variable update_state names.
  std::vector<Variable> all_inputs;
  std::vector<std::size_t> update_state;
  Updates updates;
  Mode mode;
  RewriteTrace trace;
  interp::Plan plan;
  std::shared_ptr<const cpu::Executable> cpu;  // set: runs on the cpu backend
  std::string linker;
  // The constants' buffers, found once: outputs must never be views of them.
  std::vector<const Buffer*> constant_buffers;
  SourceLocation where;
};
}  // namespace detail

namespace {

std::string describe_input(const Variable& v, std::size_t position) {
  std::string s = "input " + std::to_string(position);
  if (!v.name().empty()) s += " ('" + v.name() + "')";
  return s;
}

// The argument converted to the input's dtype, or an error naming the input.
Array check_argument(const Variable& input, std::size_t position, const Array& arg) {
  const Type& t = input.type();
  const std::string who = describe_input(input, position);
  if (arg.device() != Device::cpu) throw TypeError(who + ": expected a CPU array");
  if (arg.ndim() != t.ndim()) {
    throw TypeError(who + " expects " + std::to_string(t.ndim()) + " dimension" + (t.ndim() == 1 ? "" : "s") +
                    " (" + t.str() + "), got an array of shape " + shape_str(arg.shape()));
  }
  for (int i = 0; i < t.ndim(); ++i) {
    const auto iu = static_cast<std::size_t>(i);
    if (t.shape[iu] != kUnknownDim && t.shape[iu] != arg.shape()[iu]) {
      throw ShapeError(who + " expects shape " + t.str() + ", got an array of shape " + shape_str(arg.shape()) +
                       " (dimension " + std::to_string(i) + " differs)");
    }
  }
  if (arg.dtype() == t.dtype) return arg;
  if (!can_cast_safely(arg.dtype(), t.dtype)) {
    throw TypeError(who + " expects dtype " + std::string(dtype_name(t.dtype)) + ", got " +
                    std::string(dtype_name(arg.dtype())) + ", which does not convert to it without loss");
  }
  return arg.astype(t.dtype);
}

// The compiled backend, or nullptr (with one warning per process) when there is no
// compiler to build it with.
std::shared_ptr<const cpu::Executable> compile_cpu(const std::vector<Variable>& inputs,
                                                   const std::vector<Variable>& outputs) {
  const cpu::CompilerOptions options;
  if (!cpu::compiler_available(options)) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      std::cerr << "hypatia: warning: no C++ compiler ('" << options.cxx
                << "' cannot be run): functions run on the interp backend (reference kernels), "
                   "which is much slower\n";
    }
    return nullptr;
  }
  return std::make_shared<const cpu::Executable>(inputs, outputs, options);
}

}  // namespace

std::string Mode::backend() const {
  std::string l = linker;
  if (l.empty()) {
    const char* env = std::getenv("HYPATIA_LINKER");
    if (env != nullptr && *env != '\0') {
      l = env;
    } else {
      l = name == "FAST_COMPILE" ? "interp" : "cpu";
    }
  }
  if (l != "cpu" && l != "interp") throw ValueError("unknown linker '" + l + "': expected cpu or interp");
  return l;
}

RewriteOptions Mode::rewrite_options() const {
  RewriteOptions options;
  if (name == "FAST_COMPILE") {
    options.phases = {"stabilize"};
  } else if (name != "FAST_RUN") {
    throw ValueError("unknown mode '" + name + "': expected FAST_RUN or FAST_COMPILE");
  }
  options.excluding = excluding;
  options.trace = trace_rewrites;
  return options;
}

Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                  const FunctionOptions& function_options, const Mode& mode, SourceLocation where) {
  const std::string at = format_location(where) + ": function: ";
  std::unordered_set<const Node*> given;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Variable& v = inputs[i];
    if (!v.valid()) throw TypeError(at + "input " + std::to_string(i) + " is an empty Variable");
    if (SharedVariable::of(v)) {
      throw TypeError(at + "input " + std::to_string(i) + " is shared variable '" + v.name() +
                      "': a function reads shared variables implicitly; leave it out of the inputs");
    }
    if (!v.is_input()) {
      throw TypeError(at + "input " + std::to_string(i) +
                      " is not a graph input (made by tensor(), scalar(), matrix() ...) but " +
                      (v.is_constant() ? std::string("a constant") : "the result of " + v.node().op().name) +
                      " made at " + format_location(v.node().where()));
    }
    if (!given.insert(&v.node()).second) {
      throw ValueError(at + describe_input(v, i) + " is listed more than once");
    }
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].valid()) throw TypeError(at + "output " + std::to_string(i) + " is an empty Variable");
  }
  detail::ResolvedGraph resolved = detail::resolve_shared(inputs, outputs, function_options, at);
  for (std::size_t i = inputs.size(); i < resolved.inputs.size(); ++i) given.insert(&resolved.inputs[i].node());
  for (const auto& node : topological_order(resolved.outputs)) {
    if (node->op().name == "input" && !given.count(node.get())) {
      throw MissingInputError(at + "the outputs depend on input '" + node->attrs().get<std::string>("name") +
                              "' (made at " + format_location(node->where()) +
                              "), which is not in the function's inputs");
    }
  }
  auto program = std::make_shared<detail::Program>();
  program->inputs = inputs;
  program->outputs = outputs;
  program->mode = mode;
  const RewriteOptions options = mode.rewrite_options();
  program->all_inputs = std::move(resolved.inputs);
  program->update_state = std::move(resolved.update_state);
  program->updates = std::move(resolved.updates);
  program->compiled_outputs =
      rewrite_graph(resolved.outputs, options, options.trace ? &program->trace : nullptr);
  program->linker = mode.backend();
  if (program->linker == "cpu") {
    program->cpu = compile_cpu(program->all_inputs, program->compiled_outputs);
    if (!program->cpu) program->linker = "interp";
  }
  program->plan = interp::make_plan(program->all_inputs, program->compiled_outputs);
  for (const auto& step : program->plan.steps) {
    if (step.node->op().name == "constant") {
      program->constant_buffers.push_back(step.node->attrs().get<Array>("value").buffer().get());
    }
  }
  program->where = where;
  return Function(std::move(program), std::move(resolved.state));
}

std::vector<Array> Function::operator()(const std::vector<Array>& args) const {
  const detail::Program& p = *program_;
  if (args.size() != p.inputs.size()) {
    throw TypeError("function made at " + format_location(p.where) + " takes " + std::to_string(p.inputs.size()) +
                    " argument" + (p.inputs.size() == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
  }
  std::vector<Array> checked;
  checked.reserve(args.size() + state_.size());
  for (std::size_t i = 0; i < args.size(); ++i) checked.push_back(check_argument(p.inputs[i], i, args[i]));
  detail::append_state(state_, checked);

  std::vector<Array> results = p.cpu ? p.cpu->run(checked) : interp::run(p.plan, checked);

  // Outputs are the caller's own: never a view of an argument, a constant, or
  // another output.
  std::unordered_set<const Buffer*> taken;
  for (const Array& a : args) taken.insert(a.buffer().get());
  for (const Array& a : checked) taken.insert(a.buffer().get());
  taken.insert(p.constant_buffers.begin(), p.constant_buffers.end());
  for (std::size_t i = 0; i < results.size(); ++i) {
    Array& r = results[i];
    if (taken.count(r.buffer().get())) {
      r = r.copy();
      if (i >= p.outputs.size()) detail::count_update_copy();
    }
    taken.insert(r.buffer().get());
  }
  detail::apply_updates(state_, p.update_state, p.outputs.size(), results, apply_updates_);
  return results;
}

const std::vector<Variable>& Function::inputs() const { return program_->inputs; }
const std::vector<Variable>& Function::outputs() const { return program_->outputs; }
std::string Function::graph_text() const { return hypatia::graph_text(program_->compiled_outputs); }
const std::vector<Variable>& Function::compiled_outputs() const { return program_->compiled_outputs; }
const RewriteTrace& Function::rewrite_trace() const { return program_->trace; }
const Mode& Function::mode() const { return program_->mode; }
const std::string& Function::linker() const { return program_->linker; }
const std::vector<SharedVariable>& Function::shared_variables() const { return state_; }
Updates Function::updates() const { return apply_updates_ ? program_->updates : Updates{}; }

Function Function::copy(bool /*share_memory*/, const std::vector<std::pair<SharedVariable, SharedVariable>>& swap,
                        bool delete_updates) const {
  std::vector<SharedVariable> state = state_;
  for (const auto& [old_var, new_var] : swap) {
    if (!old_var.valid() || !new_var.valid()) throw TypeError("Function.copy: swap holds an empty SharedVariable");
    if (old_var.type() != new_var.type()) {
      throw TypeError("Function.copy: cannot swap shared variable '" + old_var.name() + "' (" + old_var.type().str() +
                      ") for '" + new_var.name() + "' (" + new_var.type().str() + "): their types differ");
    }
    bool found = false;
    for (SharedVariable& s : state) {
      if (s == old_var) {
        s = new_var;
        found = true;
      }
    }
    if (!found) {
      throw ValueError("Function.copy: shared variable '" + old_var.name() + "' is not used by the function");
    }
  }
  Function f(program_, std::move(state));
  f.apply_updates_ = apply_updates_ && !delete_updates;
  return f;
}

const std::string& Function::source() const {
  static const std::string none;
  return program_->cpu ? program_->cpu->source() : none;
}

}  // namespace hypatia
