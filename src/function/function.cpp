#include "hypatia/function.hpp"
#include "hypatia/config.hpp"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <unordered_set>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/executor.hpp"
#include "backend/interp/interp.hpp"
#include "function/profile.hpp"
#include "function/debug_mode.hpp"
#include "function/program.hpp"
#include "function/shared_state.hpp"
#include "graph/op.hpp"

namespace hypatia {


namespace {

std::string describe_input(const Variable& v, std::size_t position) {
  std::string s = "input " + std::to_string(position);
  if (!v.name().empty()) s += " ('" + v.name() + "')";
  return s;
}

// Checks the argument against the input (an error naming the input); true when it
// must be converted to the input's dtype. Builds no message unless it throws: this runs
// for every argument of every call.
bool check_argument(const Variable& input, std::size_t position, const Array& arg) {
  const Type& t = input.type();
  auto who = [&] { return describe_input(input, position); };
  if (arg.device() != Device::cpu) throw TypeError(who() + ": expected a CPU array");
  if (arg.ndim() != t.ndim()) {
    throw TypeError(who() + " expects " + std::to_string(t.ndim()) + " dimension" + (t.ndim() == 1 ? "" : "s") +
                    " (" + t.str() + "), got an array of shape " + shape_str(arg.shape()));
  }
  for (int i = 0; i < t.ndim(); ++i) {
    const auto iu = static_cast<std::size_t>(i);
    if (t.shape[iu] != kUnknownDim && t.shape[iu] != arg.shape()[iu]) {
      throw ShapeError(who() + " expects shape " + t.str() + ", got an array of shape " + shape_str(arg.shape()) +
                       " (dimension " + std::to_string(i) + " differs)");
    }
  }
  if (arg.dtype() == t.dtype) return false;
  if (!can_cast_safely(arg.dtype(), t.dtype)) {
    throw TypeError(who() + " expects dtype " + std::string(dtype_name(t.dtype)) + ", got " +
                    std::string(dtype_name(arg.dtype())) + ", which does not convert to it without loss");
  }
  return true;
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
      l = name == "FAST_COMPILE" ? "interp" : "cpu";  // DebugMode checks the cpu backend
    }
  }
  if (l != "cpu" && l != "interp") throw ValueError("unknown linker '" + l + "': expected cpu or interp");
  return l;
}

RewriteOptions Mode::rewrite_options() const {
  RewriteOptions options;
  if (name != "FAST_RUN" && name != "FAST_COMPILE" && name != "NanGuardMode" && name != "DebugMode") {
    throw ValueError("unknown mode '" + name + "': expected FAST_RUN, FAST_COMPILE, DebugMode or NanGuardMode");
  }
  const std::string opt = !optimizer.empty() ? optimizer : name == "FAST_COMPILE" ? "fast_compile" : "fast_run";
  if (opt == "fast_compile") {
    options.phases = {"stabilize"};
  } else if (opt == "None") {
    options.phases = {};
  } else if (opt != "fast_run") {
    throw ValueError("unknown optimizer '" + opt + "': expected fast_run, fast_compile or None");
  }
  // Composites expanded for a backend that fuses them (rewrite/rules/decompose_nnet.cpp).
  if (opt == "fast_run" && name != "FAST_COMPILE" && backend() == "cpu") options.phases.push_back("decompose");
  options.excluding = excluding;
  options.including = including;
  options.trace = trace_rewrites;
  // DebugMode computes both sides of every rewrite (debug_mode.cpp).
  if (name == "DebugMode") options.trace = options.keep_variables = true;
  return options;
}

Mode Mode::from_config() {
  const Config& c = config();
  Mode m;
  m.name = c.mode();
  if (m.name != "FAST_COMPILE") m.optimizer = c.optimizer();
  m.excluding = c.excluding_names();
  m.including = c.including_names();
  return m;
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
  RewriteOptions options = mode.rewrite_options();
  if (function_options.profile.value_or(config().profile())) {  // profile.hpp; the laps are 0 when off
    program->profiler = std::make_shared<detail::Profiler>(function_options.name, where);
    options.timing = &program->profiler->rewrite_timing();
    detail::profile_lap(program->profiler.get());
  }
  program->all_inputs = std::move(resolved.inputs);
  program->update_state = std::move(resolved.update_state);
  program->updates = std::move(resolved.updates);
  program->compiled_outputs =
      rewrite_graph(resolved.outputs, options, options.trace ? &program->trace : nullptr);
  const double rewrite_seconds = detail::profile_lap(program->profiler.get());
  program->linker = mode.backend();
  if (program->linker == "cpu") {
    program->cpu = compile_cpu(program->all_inputs, program->compiled_outputs);
    if (!program->cpu) program->linker = "interp";
  }
  const double backend_seconds = detail::profile_lap(program->profiler.get());
  program->plan = interp::make_plan(program->all_inputs, program->compiled_outputs);
  const double plan_seconds = detail::profile_lap(program->profiler.get());
  for (const auto& step : program->plan.steps) {
    if (step.node->op().name == "constant") {
      program->constant_buffers.push_back(step.node->attrs().get<Array>("value").buffer().get());
    }
  }
  program->where = where;
  program->observer = detail::make_step_observer(*program);
  program->debug_rewrites = mode.name == "DebugMode";
  if (program->profiler) program->profiler->finish_compile(*program, rewrite_seconds, backend_seconds, plan_seconds);
  return Function(std::move(program), std::move(resolved.state));
}

std::vector<Array> Function::operator()(const std::vector<Array>& args) const {
  const detail::Program& p = *program_;
  const detail::CallTimer timer(p.profiler.get());  // profile.hpp; nothing when off
  if (args.size() != p.inputs.size()) {
    throw TypeError("function made at " + format_location(p.where) + " takes " + std::to_string(p.inputs.size()) +
                    " argument" + (p.inputs.size() == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
  }
  // The arguments as the backend gets them: the caller's own, unless one converts.
  std::vector<Array> converted;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!check_argument(p.inputs[i], i, args[i])) continue;
    if (converted.empty()) converted = args;
    converted[i] = args[i].astype(p.inputs[i].dtype());
  }
  // Shared variables' values follow the arguments (shared_state.cpp).
  if (!state_.empty()) {
    if (converted.empty()) converted = args;
    detail::append_state(state_, converted);
  }
  const std::vector<Array>& checked = converted.empty() ? args : converted;

  std::vector<Array> results = p.cpu ? p.cpu->run(checked, p.observer.get())
                                     : interp::run(p.plan, checked, p.observer.get());
  if (p.debug_rewrites) detail::check_rewrites(p, checked);  // debug_mode.cpp

  // Outputs are the caller's own: never a view of an argument, a constant, or
  // another output. Few buffers (the usual case) are compared directly, many through
  // a hash set.
  const bool few = args.size() + converted.size() + p.constant_buffers.size() + results.size() <= 64;
  std::unordered_set<const Buffer*> taken;
  if (!few) {
    for (const Array& a : args) taken.insert(a.buffer().get());
    for (const Array& a : converted) taken.insert(a.buffer().get());
    taken.insert(p.constant_buffers.begin(), p.constant_buffers.end());
  }
  auto is_taken = [&](const Buffer* b, std::size_t earlier) {
    if (!few) return taken.count(b) != 0;
    for (const Array& a : args) if (a.buffer().get() == b) return true;
    for (const Array& a : converted) if (a.buffer().get() == b) return true;
    for (const Buffer* c : p.constant_buffers) if (c == b) return true;
    for (std::size_t q = 0; q < earlier; ++q) if (results[q].buffer().get() == b) return true;
    return false;
  };
  for (std::size_t i = 0; i < results.size(); ++i) {
    Array& r = results[i];
    if (is_taken(r.buffer().get(), i)) {
      r = r.copy();
      if (i >= p.outputs.size()) detail::count_update_copy();
    }
    if (!few) taken.insert(r.buffer().get());
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
Updates Function::updates() const { return apply_updates_ ? program_->updates : Updates{}; }
bool Function::profiling() const { return program_->profiler != nullptr; }

ProfileStats Function::profile() const {
  if (!program_->profiler) {
    throw ValueError("function made at " + format_location(program_->where) +
                     " was made without profiling: pass FunctionOptions::profile (Python: profile=True) "
                     "or set the config flag profile");
  }
  return program_->profiler->stats();
}

const detail::Program& detail::program_of(const Function& f) { return *f.program_; }

const std::string& Function::source() const {
  static const std::string none;
  return program_->cpu ? program_->cpu->source() : none;
}

}  // namespace hypatia
