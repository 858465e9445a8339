// Profiling a compiled function (Theano's ProfileStats): `function(..., profile=true)`
// (FunctionOptions::profile, or the config flag `profile` for every function) times
// every step of every call and what function() itself spent compiling.
//
// Run time. A step is what a backend runs at once (backend/step_observer.hpp): one
// node on the interp backend; on the cpu backend one fused kernel, library call,
// native kernel or node run by its reference kernel. A fused kernel is ONE step named
// after its nodes, "fused[exp,mul,add]"; per op, its time is split evenly between its
// nodes (a kernel's loop computes all of them at every point: no finer split is
// measurable), and the "Kind" rows give the fused kernels' time as a whole.
// Times are wall clock (steady_clock). A call's time is the whole of Function's
// operator(): argument checks, the steps, and the observer's own bookkeeping, so
// call time minus step time is the overhead around the steps.
//
// Memory. Per step, the bytes of each output it wrote (the largest seen over the
// calls); an output that shares its buffer with an input (a view, or a cpu kernel
// writing over a dead input) allocates nothing and counts 0. The peak is an estimate
// from the schedule: each output is live from its step to the last step that reads it
// (a view keeps its base alive), function outputs to the end of the call; arguments
// and constants are not counted. The intermediate values inside a fused kernel live
// in registers and have no bytes.
//
// Compile time (gathered by function()): the rewrite phases and, per rule, how often it
// fired and the time spent trying it; lowering and planning (cpu: schedule, fusion,
// kernel IR, rendering; both: the interpreter's plan); the C++ compiler (or the module
// cache: a hit runs no compiler); and the whole of function().
//
// A function may be called from several threads at once: the statistics are updated
// under a mutex, and a snapshot (Function::profile()) is consistent per step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hypatia {

struct CompileStats {
  double total_seconds = 0;    // all of function()
  double rewrite_seconds = 0;  // all phases
  struct Phase {
    std::string name;
    int runs = 0;  // a phase named twice in the mode (canonicalize) runs twice
    double seconds = 0;
  };
  std::vector<Phase> phases;  // in the order they first ran
  struct Rule {
    std::string phase, name;
    std::int64_t attempts = 0;  // nodes it was tried on
    std::int64_t fired = 0;
    double seconds = 0;  // spent trying it (fired or not)
  };
  std::vector<Rule> rules;  // every rule tried, slowest first
  std::string linker;       // "cpu" or "interp"
  double lower_seconds = 0; // cpu: schedule, fusion, kernel IR, render (the C++ compiler excluded)
  double plan_seconds = 0;  // the interpreter's plan (memory and step order)
  int kernels = 0;          // fused kernels in the module (cpu)
  bool compiled_module = false;  // cpu: a module was needed
  bool cache_hit = false;        // ... and came from the module cache: no compiler ran
  double cxx_seconds = 0;        // compile_module: cache lookup, compiler run, dlopen
};

struct ProfileStats {
  std::string name;   // the function's name, if it has one
  std::string where;  // the user's line that made it, "file:line"
  std::string linker;
  std::int64_t calls = 0;    // calls of the function (failed ones included)
  double call_seconds = 0;   // their total time
  double step_seconds = 0;   // time inside steps

  struct Output {
    std::string type;         // "float64 (3, 4)", the last call's shape
    std::int64_t bytes = 0;   // the largest over the calls; 0 for a view
    bool view = false;        // shares its buffer with an input of the step
  };
  struct Step {
    int index = 0;                   // position in the backend's schedule
    std::string kind;                // "reference", "kernel", "library" or "native"
    std::string name;                // "exp" or "fused[exp,mul,add]"
    std::vector<std::string> ops;    // its nodes' ops, in schedule order
    std::vector<std::string> nodes;  // its nodes as text: "exp(x)", ids and all
    std::string where;               // the user's line of its (last) node
    std::int64_t calls = 0;
    double seconds = 0;
    std::vector<Output> outputs;
    double per_call() const { return calls == 0 ? 0.0 : seconds / static_cast<double>(calls); }
    std::int64_t bytes() const;  // sum of its outputs'
  };
  std::vector<Step> steps;  // every step run at least once, in schedule order

  struct Op {
    std::string name;
    double seconds = 0;        // its nodes' time (a fused kernel's split evenly)
    std::int64_t calls = 0;    // node runs: sum over its nodes of their steps' calls
    int applies = 0;           // nodes of the op in the compiled graph that ran
  };
  // Per op, slowest first.
  std::vector<Op> ops() const;
  // Per step kind ("fused elementwise" for kernels, "library call", "native kernel",
  // "reference kernel"), slowest first, as Op rows (applies: steps).
  std::vector<Op> kinds() const;

  std::int64_t output_bytes() const;  // all steps' outputs
  std::int64_t peak_bytes = 0;        // live intermediates at the worst step (see above)

  CompileStats compile;

  // Theano's summary: "Function profiling", "Class", "Kind", "Apply" (the
  // n_apply slowest steps), "Memory" and "Compile" sections.
  std::string summary(int n_apply = 15) const;
};

}  // namespace hypatia
