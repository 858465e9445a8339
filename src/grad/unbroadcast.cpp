// unbroadcast: the one place where gradients are summed back to a broadcast input's
// shape. Static shapes decide most axes at graph-build time; a size of the input that
// is unknown statically (it may be 1 at run time while the gradient's is not) leaves
// the rest to a sum_to node, which decides at run time.
#include <algorithm>

#include "grad/grad_util.hpp"
#include "hypatia/ops/reduce.hpp"
#include "ops/op_util.hpp"

namespace hypatia::detail {

bool carries_gradient(DType t) { return is_float(t); }

Variable unbroadcast(const Variable& g, const Variable& like, SourceLocation where) {
  const int extra = g.ndim() - like.ndim();
  if (extra < 0) {
    throw InternalError("unbroadcast: a gradient of type " + g.type().str() + " for a value of higher rank " +
                        like.type().str());
  }
  const Shape& gs = g.type().shape;
  const Shape& ls = like.type().shape;
  std::vector<std::int64_t> leading;  // g's extra axes
  for (int k = 0; k < extra; ++k) leading.push_back(k);
  std::vector<std::int64_t> ones;  // axes where like has size 1 and g has not (after `leading` is gone)
  bool at_run_time = false;
  SymShape g_sym;  // built only when a static shape cannot decide
  SymShape like_sym;
  for (int k = 0; k < like.ndim(); ++k) {
    const std::int64_t ld = ls[static_cast<std::size_t>(k)];
    const std::int64_t gd = gs[static_cast<std::size_t>(extra + k)];
    if (ld == 1 && gd != 1) {
      ones.push_back(k);
    } else if (ld == kUnknownDim && gd != 1) {
      // Equal sizes when both are the same symbolic size (hash-consing makes the
      // shape_i of one input one node); otherwise only the run time knows.
      if (g_sym.empty()) {
        g_sym = infer_output_shapes(g.node(), where)[static_cast<std::size_t>(g.index())];
        like_sym = symbolic_shape(like, where);
      }
      if (!(g_sym[static_cast<std::size_t>(extra + k)] == like_sym[static_cast<std::size_t>(k)])) at_run_time = true;
    }
  }
  Variable r = g;
  if (!leading.empty()) r = sum(Operand(r, where), leading);
  if (!ones.empty()) r = sum(Operand(r, where), ones, /*keepdims=*/true);
  if (at_run_time) r = sum_to(r, symbolic_shape(like, where), where);
  return r;
}

}  // namespace hypatia::detail
