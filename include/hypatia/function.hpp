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
// FAST_RUN (the default) runs every phase; FAST_COMPILE runs only stabilize, so a
// user's numbers never depend on the mode.
//
// Then it runs on a backend (Theano's linker): `cpu` (fused kernels rendered as C++,
// compiled once when the function is made and cached on disk; FAST_RUN's default) or
// `interp` (the reference kernels; FAST_COMPILE's default). Mode::linker picks one
// explicitly; the environment variable HYPATIA_LINKER sets the default for modes that
// do not. Without a C++ compiler, `cpu` falls back to `interp` with one warning on
// stderr per process.
#pragma once

#include <memory>
#include "hypatia/source_location.hpp"
#include <string>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/rewrite.hpp"

namespace hypatia {

namespace detail {
struct Program;
}

// How a function is compiled (Theano's mode argument).
struct Mode {
  std::string name = "FAST_RUN";  // "FAST_RUN" or "FAST_COMPILE"
  // Rules or phases switched off by name (Theano's optimizer_excluding).
  std::vector<std::string> excluding;
  // Keep a trace of the rewrites (Function::rewrite_trace).
  bool trace_rewrites = false;
  // The backend: "cpu", "interp", or empty for the mode's default (see above).
  std::string linker;

  static Mode fast_run() { return Mode{}; }
  static Mode fast_compile() { return Mode{"FAST_COMPILE", {}, false, {}}; }
  // No rewriting at all: the graph runs as built (for testing ops and rules; users
  // want FAST_COMPILE, which keeps their numbers the same as FAST_RUN's).
  static Mode without_rewrites() {
    return Mode{"FAST_RUN", {"canonicalize", "stabilize", "specialize"}, false, {}};
  }
  // The rewrite options this mode means; a ValueError for an unknown mode name.
  RewriteOptions rewrite_options() const;
  // The backend this mode asks for: "cpu" or "interp"; a ValueError for another name.
  std::string backend() const;
  Mode& with_linker(std::string l) & { linker = std::move(l); return *this; }
  Mode&& with_linker(std::string l) && { linker = std::move(l); return std::move(*this); }
};

class Function {
 public:
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

 private:
  friend Function function(const std::vector<Variable>&, const std::vector<Variable>&, const Mode&,
                           SourceLocation);
  explicit Function(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const detail::Program> program_;
};

// Every input must be a graph input (not a constant or a computed value), given once;
// every input the outputs depend on must be listed (MissingInputError otherwise).
Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                  const Mode& mode, SourceLocation where = SourceLocation::current());
inline Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                         SourceLocation where = SourceLocation::current()) {
  return function(inputs, outputs, Mode{}, where);
}

}  // namespace hypatia
