// Gradient provenance: which forward node a gradient node differentiates.
//
// The gradient drivers (src/grad/) open a scope around everything they build for one
// forward node (its vjp or jvp, the sums and casts that fit the result to the input).
// While it is open, every node apply() makes on this thread takes the forward node's
// line, marked with a GradientOrigin (hypatia/source_location.hpp): the rules need not
// pass anything, and a rule that forgot to pass `where` still points at the user.
// Locations are copied by rewrites, so a rewritten gradient node stays one.
//
// Hash-consing: a gradient expression identical to an existing node IS that node
// (forward nodes keep their own line); a node first made in a gradient keeps its mark
// even if the user builds the same expression later.
#pragma once

#include "hypatia/graph.hpp"

namespace hypatia::detail {

class GradientScope {
 public:
  // `call`: where grad (or Rop, jacobian) was called; `tangent`: forward mode.
  GradientScope(const Node& forward, SourceLocation call, bool tangent);
  ~GradientScope();
  GradientScope(const GradientScope&) = delete;
  GradientScope& operator=(const GradientScope&) = delete;

  // The location nodes made now take, or nullptr outside any scope.
  static const SourceLocation* current();

 private:
  SourceLocation where_;
  const GradientScope* outer_;
};

}  // namespace hypatia::detail
