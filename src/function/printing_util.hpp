// What the three printers (debugprint, pp, graph_dot: hypatia/printing.hpp) share:
// how leaves, attributes, indexing keys and a function's steps are written.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "hypatia/function.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::detail {

enum class LeafKind { input, shared, constant, none };
LeafKind leaf_kind(const Node& node);

// A constant's value as NumPy prints it when small (at most 8 elements), else its
// dtype and shape: "2.0", "[1 2 3]", "float64 (100, 3)".
std::string constant_text(const Array& value);

// An attribute value as a Python literal: True, 3, 0.5, (1,), 'same', float32 (dtypes
// quoted when quote_dtype).
std::string attr_value_text(const AttrValue& value, bool quote_dtype);

// The attributes worth printing, in key order, with display names: reductions'
// "axes" shown as "axis"; keepdims=false, uids, opaque values and a key's item codes
// left out (the key is printed as a key).
std::vector<std::pair<std::string, const AttrValue*>> shown_attrs(const Node& node);

// A basic indexing key (attribute "items", hypatia/ops/index.hpp) as Python writes
// it: "1:3, ::2, None"; bound(i) gives the text of the i-th integer or bound.
std::string key_text(const std::vector<std::int64_t>& items, const std::function<std::string(int)>& bound);

// The position of a key's first bound among a node's inputs, or -1 when the op has
// no key: subtensor's bounds follow x; inc_subtensor's follow x and y.
int key_inputs_start(const Node& node);

// "file.cpp:12".
std::string short_location(const SourceLocation& where);

// How a function runs its compiled graph: per op node, the step that runs it.
struct StepOf {
  std::string kind;  // "kernel", "library", "native", "reference"
  std::string name;  // a kernel's name ("k0"), else the op's
};
struct FunctionView {
  std::vector<Variable> inputs;   // explicit, then one per shared variable
  std::size_t num_explicit = 0;
  std::vector<std::string> shared_names;  // per shared input
  std::vector<Variable> outputs;  // outputs, then one per update
  std::size_t num_outputs = 0;
  std::vector<std::string> update_names;  // per update: the variable it stores into
  std::string linker, mode;
  // Empty unless the function runs on the cpu backend.
  std::unordered_map<const Node*, StepOf> step_of;
  // Each fused kernel's name and nodes, in run order.
  std::vector<std::pair<std::string, std::vector<std::shared_ptr<const Node>>>> kernels;
};
FunctionView view_of(const Function& f);

}  // namespace hypatia::detail
