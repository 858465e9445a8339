// What a run-time error message adds when config's exception_verbosity is "high": the
// failing node's neighbourhood, printed as a small tree (Theano's "Apply node that
// caused the error" wall, kept to what helps: the node and its inputs two levels up).
#pragma once

#include <string>

#include "hypatia/graph.hpp"

namespace hypatia::detail {

// Whether errors carry the subgraph (config exception_verbosity == "high").
bool exception_verbosity_high();

// The node and its inputs `levels` levels up, one per line, indented by depth:
//   "    %12 = add(%10, %11) : float64 (2, 3)   # model.py:20"
std::string error_subgraph(const Node& node, int levels = 2);

}  // namespace hypatia::detail
