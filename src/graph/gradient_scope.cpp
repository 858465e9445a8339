#include "graph/gradient_scope.hpp"

#include "graph/op.hpp"

namespace hypatia::detail {
namespace {
thread_local const GradientScope* t_scope = nullptr;
}  // namespace

GradientScope::GradientScope(const Node& forward, SourceLocation call, bool tangent)
    : where_(forward.where().in_gradient(GradientOrigin::make(forward.op().name, forward.where(), call, tangent))),
      outer_(t_scope) {
  t_scope = this;
}

GradientScope::~GradientScope() { t_scope = outer_; }

const SourceLocation* GradientScope::current() { return t_scope == nullptr ? nullptr : &t_scope->where_; }

}  // namespace hypatia::detail
