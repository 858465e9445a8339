// How a function handles shared variables, givens and updates (hypatia/function.hpp):
// before compiling, givens are substituted and every shared variable is replaced by an
// input of its type (so the backends see only inputs, and the compiled graph does not
// depend on the values); the update expressions become extra outputs. At each call
// the shared values are bound to those inputs, and after the run the update results
// are stored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hypatia/function.hpp"

namespace hypatia::detail {

struct ResolvedGraph {
  std::vector<Variable> inputs;   // the explicit inputs, then one input per shared variable
  std::vector<Variable> outputs;  // the outputs, then one per update
  std::vector<SharedVariable> state;  // the shared variables read, bound to the extra inputs
  std::vector<std::size_t> update_state;  // per update (extra output): its index in `state`
  Updates updates;  // as the user gave them (defaults included), for Function::updates
};

// Checks `options` (errors start with `at`) and resolves the graph as above.
ResolvedGraph resolve_shared(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                             const FunctionOptions& options, const std::string& at);

// The arguments of a call: `args` followed by the current values of `state` (borrowed).
void append_state(const std::vector<SharedVariable>& state, std::vector<Array>& args);

// Stores the update results (the tail of `results`, after `num_outputs`) into their
// shared variables, all checked first, then drops them from `results`.
void apply_updates(const std::vector<SharedVariable>& state, const std::vector<std::size_t>& update_state,
                   std::size_t num_outputs, std::vector<Array>& results, bool apply);

// How many update results had to be copied because they shared a buffer with an
// argument, a constant or another result (for the tests: a plain update copies nothing).
std::int64_t update_copies();
void count_update_copy();

}  // namespace hypatia::detail
