// The execution order of a graph: every node the outputs need, inputs before users,
// in topological_order's deterministic order (so that two builds of one graph give
// the same kernels and the same generated source, hence the same cache entry).
#pragma once

#include <memory>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia::lower {

using Schedule = std::vector<std::shared_ptr<const Node>>;

Schedule schedule(const std::vector<Variable>& outputs);

// For each node of `order`, its position in it.
struct Positions {
  explicit Positions(const Schedule& order);
  int at(const Node* n) const;
 private:
  std::vector<std::pair<const Node*, int>> sorted_;
};

}  // namespace hypatia::lower
