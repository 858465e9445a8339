// Compiled functions. `function(inputs, outputs)` checks the graph once and gives a
// callable that checks its arguments on every call:
// - the number of arguments;
// - each argument's dtype: the input's dtype, or one that converts to it without
//   loss (NumPy's safe casting, Theano's rule), which is then converted;
// - each argument's rank and every static size of the input's type.
// A mismatch is a TypeError or ShapeError naming the input (name and position), what
// it expected and what it got. Outputs are new arrays: they never share memory with
// the arguments or with each other.
//
// Before it runs, the graph is rewritten (hypatia/rewrite.hpp) as the Mode says:
// FAST_RUN runs every phase; FAST_COMPILE runs only stabilize, so a user's numbers
// never depend on the mode. `Mode{}` is FAST_RUN whatever the configuration;
// `Mode::from_config()` is the mode the config flags (hypatia/config.hpp) describe:
// mode, optimizer, optimizer_excluding, optimizer_including. function() without a
// Mode uses Mode::from_config(), so by default FAST_RUN.
//
// Shared variables (hypatia/shared.hpp) in the graph are implicit inputs, read at
// every call. FunctionOptions adds Theano's updates and givens:
// - givens: (variable, replacement) pairs substituted into the outputs and updates
//   before compiling; a replacement has the dtype and rank of what it replaces (and its
//   known sizes). Theano's minibatch idiom `givens={x: data[i*bs:(i+1)*bs]}` over a
//   shared `data` makes `i` the only argument.
// - updates: (shared variable, expression) pairs. Every expression is computed from
//   the values before the call, together with the outputs; then all are stored at once
//   (a swap of two variables by updates works). An expression must have the variable's
//   rank and a dtype that converts to its dtype without loss (it is converted);
//   updating one variable twice is a ValueError. The stored value is the result buffer
//   the call made: no copy.
// - Default updates (SharedVariable::set_default_update) of the shared variables the
//   function reads are added, unless no_default_updates or the variable has an update
//   in `updates`; no_default_updates_for leaves out only the variables it lists.
//
// Then it runs on a backend (Theano's linker): `cpu` (fused kernels rendered as C++,
// compiled once when the function is made and cached on disk; FAST_RUN's default) or
// `interp` (the reference kernels; FAST_COMPILE's default). Mode::linker picks one
// explicitly; the environment variable HYPATIA_LINKER sets the default for modes that
// do not. Without a C++ compiler, `cpu` falls back to `interp` with one warning on
// stderr per process.
#pragma once

#include <memory>
#include <optional>
#include "hypatia/source_location.hpp"
#include <string>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/profile.hpp"
#include "hypatia/rewrite.hpp"
#include "hypatia/shared.hpp"

namespace hypatia {

class Function;
namespace detail {
struct Program;
// The compiled program behind a function, for the library's own tools (printing).
const Program& program_of(const Function& f);
}

// How a function is compiled (Theano's mode argument).
struct Mode {
  std::string name = "FAST_RUN";  // "FAST_RUN", "FAST_COMPILE" or "DebugMode"
  // Rules or phases switched off by name (Theano's optimizer_excluding).
  std::vector<std::string> excluding;
  // Keep a trace of the rewrites (Function::rewrite_trace).
  bool trace_rewrites = false;
  // The backend: "cpu", "interp", or empty for the mode's default (see above).
  std::string linker;
  // The rewrites (Theano's optimizer): "fast_run" (every phase), "fast_compile"
  // (stabilize only), "None" (none: the graph runs as built), or empty for the
  // mode's own (FAST_RUN's is fast_run, FAST_COMPILE's fast_compile).
  std::string optimizer;
  // Rules or phases switched on where the optimizer leaves them out (Theano's
  // optimizer_including): a phase runs whole, a rule runs in its phase; excluding
  // wins over including.
  std::vector<std::string> including;
  // NanGuardMode's checks: a call stops with a NanGuardError at the first node whose
  // float output holds a NaN, an inf or a value above 1e10 in magnitude (as the flags
  // ask). Set by nan_guard(); the mode name "NanGuardMode" alone means all three.
  struct NanGuard {
    bool nan_is_error = true;
    bool inf_is_error = true;
    bool big_is_error = true;
  };
  std::optional<NanGuard> nan_guard_checks = std::nullopt;
  // DebugMode: flag outputs that are NaN or infinite where the step's inputs were
  // finite (Theano's check_isfinite).
  bool check_isfinite = true;

  static Mode fast_run() { return Mode{}; }
  static Mode fast_compile() {
    Mode m;
    m.name = "FAST_COMPILE";
    return m;
  }
  // No rewriting at all: the graph runs as built (for testing ops and rules; users
  // want FAST_COMPILE, which keeps their numbers the same as FAST_RUN's).
  static Mode without_rewrites() {
    Mode m;
    m.excluding = {"canonicalize", "stabilize", "specialize"};
    return m;
  }
  // The mode the config flags describe: mode, optimizer (for modes other than
  // FAST_COMPILE, as in Theano), optimizer_excluding, optimizer_including.
  static Mode from_config();
  // Theano's NanGuardMode: FAST_RUN's rewrites and backend, every step checked.
  static Mode nan_guard(bool nan_is_error = true, bool inf_is_error = true, bool big_is_error = true) {
    Mode m;
    m.name = "NanGuardMode";
    m.nan_guard_checks = NanGuard{nan_is_error, inf_is_error, big_is_error};
    return m;
  }
  // DebugMode (Theano's): rewrites as FAST_RUN and runs on the same backend, checking
  // every step against the interpreter and every rewrite by computing both sides; see
  // "DebugMode" in docs/design.md. Each failure is a DebugModeError (error.hpp).
  static Mode debug() {
    Mode m;
    m.name = "DebugMode";
    return m;
  }
  // The rewrite options this mode means; a ValueError for an unknown mode name.
  RewriteOptions rewrite_options() const;
  // The backend this mode asks for: "cpu" or "interp"; a ValueError for another name.
  std::string backend() const;
  Mode& with_linker(std::string l) & { linker = std::move(l); return *this; }
  Mode&& with_linker(std::string l) && { linker = std::move(l); return std::move(*this); }
};

// Theano's function options: see the comment at the top of this file.
// The initializers let `FunctionOptions{updates}` name only what it needs.
struct FunctionOptions {
  Updates updates = {};
  std::vector<std::pair<Variable, Variable>> givens = {};
  bool no_default_updates = false;
  // The shared variables whose default updates are left out (Theano's list form).
  std::vector<SharedVariable> no_default_updates_for = {};
  // Time every step of every call and the compiling (hypatia/profile.hpp); unset: the
  // config flag `profile` (hypatia/config.hpp) decides. `name` heads the summary.
  std::optional<bool> profile = std::nullopt;
  std::string name = {};
};

class Function {
 public:
  // One argument per explicit input; returns the outputs, after applying the updates.
  std::vector<Array> operator()(const std::vector<Array>& args) const;

  const std::vector<Variable>& inputs() const;
  const std::vector<Variable>& outputs() const;
  // The graph the function runs (after rewriting), as text (see graph_text).
  std::string graph_text() const;
  // The outputs of that graph.
  const std::vector<Variable>& compiled_outputs() const;
  // What the rewriter did; empty unless the mode asked for a trace.
  const RewriteTrace& rewrite_trace() const;
  const Mode& mode() const;
  // The backend the function runs on: "cpu" or "interp" (after any fallback).
  const std::string& linker() const;
  // The C++ source generated for the cpu backend (empty for interp, or when the graph
  // has nothing to compile).
  const std::string& source() const;
  // The shared variables the function reads (its implicit inputs), in graph order.
  const std::vector<SharedVariable>& shared_variables() const;
  // The updates the function applies after each call (defaults included), as
  // (variable, expression as given) pairs.
  Updates updates() const;
  // Whether it was made with profiling on, and what the profiler measured so far
  // (hypatia/profile.hpp); profile() is a ValueError when profiling is off.
  bool profiling() const;
  ProfileStats profile() const;

  // Theano's Function.copy: a function running the same compiled code. `swap`
  // replaces shared variables (old -> new, of the same type) in the copy
  // only; the others are shared with this function, updates included. With
  // delete_updates the copy applies no updates. Intermediate buffers are never kept
  // between calls, so share_memory changes nothing here (accepted for Theano's sake).
  Function copy(bool share_memory = false, const std::vector<std::pair<SharedVariable, SharedVariable>>& swap = {},
                bool delete_updates = false) const;

 private:
  friend Function function(const std::vector<Variable>&, const std::vector<Variable>&, const FunctionOptions&,
                           const Mode&, SourceLocation);
  friend const detail::Program& detail::program_of(const Function& f);
  Function(std::shared_ptr<const detail::Program> program, std::vector<SharedVariable> state)
      : program_(std::move(program)), state_(std::move(state)) {}
  std::shared_ptr<const detail::Program> program_;
  std::vector<SharedVariable> state_;  // bound to the program's implicit inputs
  bool apply_updates_ = true;
};

// Every input must be a graph input (not a constant, a shared variable or a computed
// value), given once; every input the outputs and updates depend on must be listed
// (MissingInputError otherwise).
Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                  const FunctionOptions& options, const Mode& mode = Mode::from_config(),
                  SourceLocation where = SourceLocation::current());
inline Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                         const Mode& mode, SourceLocation where = SourceLocation::current()) {
  return function(inputs, outputs, FunctionOptions{}, mode, where);
}
inline Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                         SourceLocation where = SourceLocation::current()) {
  return function(inputs, outputs, Mode::from_config(), where);
}

}  // namespace hypatia
