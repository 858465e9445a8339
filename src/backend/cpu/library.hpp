// Library calls of the CPU backend: ops that lower to `Lowering::library(name)` run
// through a tuned library (OpenBLAS for matrix products) instead of generated loops.
// The executor asks find_library_call(node) and, when it gets one, calls it with the
// node's input arrays; it must return arrays of the node's output types.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::cpu {

using LibraryCall = std::function<std::vector<Array>(const Node& node, std::span<const Array> inputs)>;

// The library implementation of this node, or nullptr when there is none for its op,
// dtypes or layout (the executor then runs the op's reference kernel).
const LibraryCall* find_library_call(const Node& node);

}  // namespace hypatia::cpu
