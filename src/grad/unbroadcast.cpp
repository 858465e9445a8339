// unbroadcast: the one place where gradients are summed back to a broadcast input's
// shape. Static shapes decide most axes at graph-build time; a size of the input that
// is unknown statically (it may be 1 at run time while the gradient's is not) leaves
// the rest to a sum_to node, which decides at run time.
#include <algorithm>
#include <unordered_map>

#include "grad/grad_util.hpp"
#include "hypatia/ops/reduce.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"

namespace hypatia::detail {

bool carries_gradient(DType t) { return is_float(t); }

namespace {

// Symbolic shapes in a canonical form: a shape_i of a computed value is replaced by
// what that value's op's shape function says, from the canonical shapes of its
// inputs, so that the sizes of x * x and of x are one node. It looks at most
// kDepth nodes up (deeper graphs simply leave the decision to run time).
class CanonicalShapes {
 public:
  explicit CanonicalShapes(SourceLocation where) : where_(where) {}

  SymShape shape(const Variable& v, int depth = kDepth) {
    if (auto it = memo_.find(v); it != memo_.end()) return it->second;
    SymShape out;
    if (depth == 0 || v.is_input() || v.is_constant()) {
      out = symbolic_shape(v, where_);
    } else {
      std::vector<SymShape> ins;
      for (const Variable& in : v.node().inputs()) ins.push_back(shape(in, depth - 1));
      out = v.node().op().shape(ShapeArgs{v.node(), std::move(ins), where_})[static_cast<std::size_t>(v.index())];
      for (Variable& s : out) s = size(s, depth - 1);
    }
    memo_.emplace(v, out);
    return out;
  }

 private:
  static constexpr int kDepth = 32;

  Variable size(const Variable& s, int depth) {
    if (depth == 0 || s.is_input() || s.is_constant() || s.node().op().name != "shape_i") return s;
    const Variable& of = s.node().inputs()[0];
    if (of.is_input() || of.is_constant()) return s;
    const int axis = normalize_axis(s.node().attrs().get_int("axis"), of.ndim());
    return shape(of, depth)[static_cast<std::size_t>(axis)];
  }

  std::unordered_map<Variable, SymShape, VariableHash> memo_;
  SourceLocation where_;
};

}  // namespace

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
  CanonicalShapes canonical(where);
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
        g_sym = canonical.shape(g);
        like_sym = canonical.shape(like);
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
