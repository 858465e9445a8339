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
// For now every function runs on the `interp` backend (the reference kernels); the
// compiled backends slot in behind the same Function.
#pragma once

#include <memory>
#include "hypatia/source_location.hpp"
#include <string>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

namespace hypatia {

namespace detail {
struct Program;
}

class Function {
 public:
  std::vector<Array> operator()(const std::vector<Array>& args) const;

  const std::vector<Variable>& inputs() const;
  const std::vector<Variable>& outputs() const;
  // The graph the function runs, as text (see graph_text).
  std::string graph_text() const;

 private:
  friend Function function(const std::vector<Variable>&, const std::vector<Variable>&, SourceLocation);
  explicit Function(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const detail::Program> program_;
};

// Every input must be a graph input (not a constant or a computed value), given once;
// every input the outputs depend on must be listed (MissingInputError otherwise).
Function function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                  SourceLocation where = SourceLocation::current());

}  // namespace hypatia
