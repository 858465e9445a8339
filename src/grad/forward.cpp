// Forward mode (Rop: J·v) and Lop (vᵀ·J).
//
// Rop walks the graph inputs before users, carrying one tangent per variable (invalid
// = zero) and calling each op's jvp. An op without a jvp but with a vjp gets its
// tangents by the double-vjp trick, node by node: its vjp is linear in the output
// cotangent u, g(u) = Jᵀu, so the Lop of g along the input tangents t is
// d<Jᵀu, t>/du = J·t; u's value does not matter and is replaced by zeros. Every op
// with a vjp and no jvp takes this path (it costs a second reverse sweep over the
// node's vjp graph, so cheap rules should have a jvp).
// Lop is grad with the cotangents given as known_grads.
#include "grad/grad_util.hpp"
#include "graph/gradient_scope.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"

#include <unordered_map>

namespace hypatia {
namespace {

using VarMap = std::unordered_map<Variable, Variable, VariableHash>;

void check_points(const char* fn, const std::vector<Variable>& of, const char* of_name,
                  const std::vector<Variable>& points, SourceLocation where) {
  const std::string at = format_location(where) + ": " + fn + ": ";
  if (points.size() != of.size()) {
    throw ValueError(at + "eval_points has " + std::to_string(points.size()) + " entries, but " + of_name + " has " +
                     std::to_string(of.size()) + " (one each)");
  }
  for (std::size_t i = 0; i < of.size(); ++i) {
    if (!of[i].valid() || !points[i].valid()) {
      throw TypeError(at + of_name + "[" + std::to_string(i) + "] or eval_points[" + std::to_string(i) +
                      "] is an empty Variable");
    }
    if (points[i].ndim() != of[i].ndim() || !is_float(points[i].dtype())) {
      throw TypeError(at + "eval_points[" + std::to_string(i) + "] of type " + points[i].type().str() +
                      " does not fit " + of_name + "[" + std::to_string(i) + "] of type " + of[i].type().str() +
                      " (it must be a float array of the same rank)");
    }
  }
}

// J·t for one node through its vjp (see the header comment).
std::vector<Variable> jvp_by_double_vjp(const Node& node, const std::vector<Variable>& tangents,
                                        SourceLocation where) {
  std::vector<Variable> u;
  for (int k = 0; k < node.num_outputs(); ++k) {
    const Type& t = node.output_types()[static_cast<std::size_t>(k)];
    u.push_back(detail::carries_gradient(t.dtype) ? tensor("cotangent", t.dtype, t.shape, where) : Variable());
  }
  const std::vector<Variable> g = node.op().vjp(VjpArgs{node, u, node.where()});
  GradOptions lop;
  lop.disconnected_inputs = "ignore";
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!g[i].valid() || !tangents[i].valid()) continue;
    const Variable& in = node.inputs()[i];
    Variable gi = g[i];
    if (node.op().has(kElementwise) && gi.ndim() >= in.ndim()) gi = detail::unbroadcast(gi, in, where);
    lop.known_grads.emplace_back(gi, tangents[i]);
  }
  std::vector<Variable> out(u.size());
  if (lop.known_grads.empty()) return out;
  std::vector<Variable> wrt;
  std::vector<std::pair<Variable, Variable>> zeros;
  for (std::size_t k = 0; k < u.size(); ++k) {
    if (!u[k].valid()) continue;
    wrt.push_back(u[k]);
    zeros.emplace_back(u[k], zeros_like(Operand(node.output(static_cast<int>(k)), where)));
  }
  std::vector<Variable> jt = clone_replace(grad(Variable(), wrt, lop, where), zeros);
  for (std::size_t k = 0, j = 0; k < u.size(); ++k) {
    if (u[k].valid()) out[k] = jt[j++];
  }
  return out;
}

}  // namespace

std::vector<Variable> Rop(const std::vector<Variable>& f, const std::vector<Variable>& wrt,
                          const std::vector<Variable>& eval_points, SourceLocation where) {
  check_points("Rop", wrt, "wrt", eval_points, where);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!f[i].valid()) throw TypeError(format_location(where) + ": Rop: f[" + std::to_string(i) + "] is an empty Variable");
  }
  VarMap tangent;
  for (std::size_t i = 0; i < wrt.size(); ++i) {
    if (!detail::carries_gradient(wrt[i].dtype())) continue;
    const Variable& t = eval_points[i];
    tangent[wrt[i]] = t.dtype() == wrt[i].dtype() ? t : cast(Operand(t, where), wrt[i].dtype());
  }
  for (const auto& node : topological_order(f)) {
    std::vector<Variable> ins;
    bool any = false;
    for (const Variable& in : node->inputs()) {
      auto it = tangent.find(in);
      ins.push_back(it == tangent.end() ? Variable() : it->second);
      any = any || it != tangent.end();
    }
    if (!any) continue;
    const detail::GradientScope in_tangent(*node, where, true);
    const OpDef& op = node->op();
    std::vector<Variable> outs;
    if (op.jvp) {
      outs = op.jvp(JvpArgs{*node, ins, node->where()});
    } else if (op.vjp) {
      outs = jvp_by_double_vjp(*node, ins, where);
    } else if (!op.not_differentiable_because.empty()) {
      continue;  // zero tangents
    } else {
      throw NullTypeGradError(format_location(where) + ": Rop: no tangent through op '" + op.name + "' (made at " +
                              format_location(node->where()) + "): it has no jvp, no vjp and no reason to have none");
    }
    if (static_cast<int>(outs.size()) != node->num_outputs()) {
      throw InternalError("the jvp of '" + op.name + "' gave " + std::to_string(outs.size()) + " tangents for " +
                          std::to_string(node->num_outputs()) + " outputs");
    }
    for (int k = 0; k < node->num_outputs(); ++k) {
      const Variable& t = outs[static_cast<std::size_t>(k)];
      const Variable out = node->output(k);
      if (!t.valid() || !detail::carries_gradient(out.dtype()) || tangent.count(out)) continue;
      if (t.ndim() != out.ndim()) {
        throw InternalError("the jvp of '" + op.name + "' gave a tangent of type " + t.type().str() +
                            " for an output of type " + out.type().str());
      }
      tangent[out] = t.dtype() == out.dtype() ? t : cast(Operand(t, where), out.dtype());
    }
  }
  // An output that does not depend on wrt has a zero derivative.
  std::vector<Variable> result;
  for (const Variable& out : f) {
    auto it = tangent.find(out);
    result.push_back(it != tangent.end() ? it->second
                                         : zeros_like(Operand(out, where),
                                                      detail::carries_gradient(out.dtype()) ? out.dtype() : floatX()));
  }
  return result;
}

std::vector<Variable> Lop(const std::vector<Variable>& f, const std::vector<Variable>& wrt,
                          const std::vector<Variable>& eval_points, SourceLocation where) {
  check_points("Lop", f, "f", eval_points, where);
  GradOptions options;
  for (std::size_t i = 0; i < f.size(); ++i) options.known_grads.emplace_back(f[i], eval_points[i]);
  return grad(Variable(), wrt, options, where);
}

}  // namespace hypatia
