// Fusion: which nodes run together in one kernel.
//
// A group is a maximal set of connected elementwise nodes with the same static output
// shape (their scalar primitives are applied point by point, so intermediate values
// live in registers and are never written to memory), optionally ended by one
// reduction that is the only consumer of the group's values: `sum(exp(x - m), axis)`
// is one pass over memory. A group never contains a path that leaves it and comes
// back (that would need a value the group itself produces), so groups and the nodes
// left outside them still run in a topological order.
#pragma once

#include <vector>

#include "lower/schedule.hpp"

namespace hypatia::lower {

struct Group {
  std::vector<const Node*> nodes;  // in schedule order
  const Node* reduction = nullptr; // the last node, when the group ends in one
};

// `order` is schedule(outputs). Nodes not in any group run on their own.
std::vector<Group> fuse(const Schedule& order, const std::vector<Variable>& outputs);

}  // namespace hypatia::lower
