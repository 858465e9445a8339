// A compiled function's program: what Function shares between its copies. Internal to
// src/function (function.cpp builds it; the observers read it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/cpu/executor.hpp"
#include "backend/interp/interp.hpp"
#include "backend/step_observer.hpp"
#include "hypatia/function.hpp"

namespace hypatia {

namespace detail {
class Profiler;

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
  // Watches every step of every call (step_observer.hpp), or nullptr.
  std::shared_ptr<StepObserver> observer;
  // DebugMode: compare every recorded rewrite's two sides after each call (decided
  // once here, not by the mode's name at every call).
  bool debug_rewrites = false;
  // Set when profiling (function/profile.hpp).
  std::shared_ptr<Profiler> profiler;
};

// The observer the function's mode and options ask for (profiling, DebugMode,
// NanGuardMode), or nullptr; called once the program is otherwise complete.
// Defined in observers.cpp.
std::shared_ptr<StepObserver> make_step_observer(const Program& program);
}  // namespace detail

}  // namespace hypatia
