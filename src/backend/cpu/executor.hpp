// The CPU backend's executor: a function's plan, compiled once when the function is
// made, run at every call.
//
// At compile time the graph is scheduled, fused (lower/fuse.hpp) and lowered to
// kernel IR; all kernels of the function are rendered into ONE module and compiled
// (or found in the cache) with compile_module. Matrix products go to library calls
// (library.hpp) where one fits, gathers, sorts, scans and copies to native kernels
// (native_kernels.hpp); every other op runs its reference kernel, exactly as
// the interpreter does. Everything a call needs is resolved then: slots instead of
// maps, function pointers instead of names.
//
// At a call, a kernel's iteration space comes from its inputs' shapes (broadcast as
// NumPy does); a shape that does not broadcast, or anything else a kernel cannot
// take, runs the group's nodes through their reference kernels instead, which raise
// the interpreter's own error (op, operand shapes, the user's line).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/cpu/compiler.hpp"
#include "backend/step_observer.hpp"
#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::cpu {

struct ExecutablePlan;

class Executable {
 public:
  // Plans and compiles. A CompileError when the compiler is missing or fails.
  Executable(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
             const CompilerOptions& options = {});
  ~Executable();
  Executable(const Executable&) = delete;
  Executable& operator=(const Executable&) = delete;

  // `args` are already checked against the input types. An observer
  // (step_observer.hpp) sees every kernel, library call, native and reference step.
  std::vector<Array> run(const std::vector<Array>& args, StepObserver* observer = nullptr) const;

  // Runs step `index` alone (StepView::index: its position in the plan) on `inputs`,
  // one per step input in StepView::inputs order, and returns the step's outputs (for
  // DebugMode: the compiled step again on non-contiguous inputs). A state of its own:
  // the function's call states, pool and counts are untouched; outputs are new buffers
  // (no in-place write over an input; a node that declares it overwrites an input gets
  // a copy), so `inputs` are never written. An input read twice by the step (f(x, x))
  // is one value: the first given. InternalError for an argument or constant step, an
  // index out of range, or the wrong number of inputs.
  std::vector<Array> run_step_alone(int index, const std::vector<Array>& inputs) const;

  // The generated C++ source (empty when there is no kernel).
  const std::string& source() const;
  // The module compiled from it (nullptr when there is no kernel).
  const Module* module() const;
  int num_kernels() const;
  // The ops of the nodes run by their reference kernel, one entry per node, sorted.
  std::vector<std::string> reference_ops() const;
  // The ops of the nodes run by a native kernel (native_kernels.hpp), views included.
  std::vector<std::string> native_ops() const;
  // The ops of the nodes run by a library call.
  std::vector<std::string> library_ops() const;
  // The steps a call runs, in order, arguments and constants left out (for printing:
  // hypatia/printing.hpp): kind "kernel" (a fused kernel; name "k0", the symbol in
  // source()), "library", "native" or "reference" (name: the op's), and the nodes.
  struct StepInfo {
    std::string kind;
    std::string name;
    std::vector<std::shared_ptr<const Node>> nodes;
  };
  std::vector<StepInfo> steps() const;

  // What the memory plan (lower/memory_plan.hpp) did, summed over all calls so far:
  // buffers allocated for kernel outputs (function outputs and pool misses), buffers
  // reused from the pool, and outputs written in place over a dead input.
  struct MemoryStats {
    std::int64_t calls = 0, allocated = 0, reused = 0, in_place = 0;
  };
  MemoryStats memory_stats() const;
  // The in-place pairs the plan allows (checked again at run time), one
  // "k<kernel>: out<j> <- in<i>" each.
  std::vector<std::string> in_place_plan() const;

 private:
  std::unique_ptr<ExecutablePlan> plan_;
};

}  // namespace hypatia::cpu
