// Reverse mode: grad(cost, wrt). The sweep is micrograd's, on graphs:
//   1. seed the cost with ones (and each known_grads variable with its gradient);
//   2. order the nodes, inputs before users;
//   3. walk them backwards, calling each op's vjp on its outputs' gradients, and sum
//      each input's contributions with `add`.
// Only nodes between wrt and the seeds are visited. Symbolic zeros (invalid
// Variables) are skipped, so unconnected paths cost nothing. Gradients of elementwise
// ops are summed back to their inputs' shapes by the one `unbroadcast` helper, and
// cast to their inputs' dtypes. Integer and bool values carry no gradient.
//
// Connectivity is structural, as in Theano: wrt is connected when a path leads from it
// to a seed without passing a consider_constant variable or a disconnected_grad node.
// A connected wrt whose gradient is zero (through argmax, a comparison, zero_grad) gets
// zeros; a disconnected one is a DisconnectedInputError unless the options say
// otherwise. A gradient needed through an op with neither a vjp nor a reason for having
// none is "null": it spreads to everything below it and is a NullTypeGradError for
// each wrt it reaches, unless null_gradients is "return".
#include <iostream>
#include <unordered_map>
#include <unordered_set>

#include "hypatia/rewrite.hpp"

#include "grad/grad_util.hpp"
#include "graph/gradient_scope.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"

namespace hypatia {
namespace {

using VarSet = std::unordered_set<Variable, VariableHash>;

// The gradient collected for one variable.
struct Grad {
  Variable sum;              // invalid: zero so far
  std::string null_because;  // non-empty: undefined, and why
};

std::string describe_wrt(const Variable& v, std::size_t i) {
  std::string s = "wrt[" + std::to_string(i) + "]";
  if (!v.name().empty()) s += " '" + v.name() + "'";
  return s + " (" + v.type().str() + ")";
}

void check_choice(const std::string& value, const char* option, std::initializer_list<const char*> allowed,
                  SourceLocation where) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
  }
  throw ValueError(format_location(where) + ": grad: " + option + " must be one of " + list + ", not \"" + value +
                   "\"");
}

// Zeros shaped like v, in v's dtype when it is a float and floatX otherwise (Theano's
// _float_zeros_like: a gradient is a real-valued direction even for integers).
Variable float_zeros_like(const Variable& v, SourceLocation where) {
  return zeros_like(Operand(v, where), detail::carries_gradient(v.dtype()) ? v.dtype() : floatX());
}

// Checks what a vjp returned for input i and brings it to the input's shape and dtype.
Variable fit_to_input(Variable g, const Node& node, int i, SourceLocation where) {
  const Variable& in = node.inputs()[static_cast<std::size_t>(i)];
  if (node.op().has(kElementwise) && g.ndim() >= in.ndim()) g = detail::unbroadcast(g, in, where);
  bool fits = g.ndim() == in.ndim();
  for (int d = 0; fits && d < in.ndim(); ++d) {
    const std::int64_t gd = g.type().shape[static_cast<std::size_t>(d)];
    const std::int64_t id = in.type().shape[static_cast<std::size_t>(d)];
    fits = gd == kUnknownDim || id == kUnknownDim || gd == id;
  }
  if (!fits || !detail::carries_gradient(g.dtype())) {
    throw InternalError("the vjp of '" + node.op().name + "' gave a gradient of type " + g.type().str() +
                        " for its input " + std::to_string(i) + " of type " + in.type().str());
  }
  if (g.dtype() != in.dtype()) g = cast(Operand(g, where), in.dtype());
  return g;
}

bool cuts(const Node& node) { return node.op().name == "disconnected_grad"; }

}  // namespace

namespace {

// The cost after the stabilize phase, where that cannot change what the options and
// wrt refer to (see GradOptions::stabilize_cost); otherwise the cost as given.
Variable stabilized(const Variable& cost, const std::vector<Variable>& wrt, const GradOptions& options) {
  if (!options.stabilize_cost || !cost.valid() || !options.known_grads.empty() ||
      !options.consider_constant.empty()) {
    return cost;
  }
  for (const Variable& w : wrt) {
    // Graph inputs and shared variables (the parameters a training loop updates).
    if (!w.valid() || !(w.is_input() || w.node().op().name == "shared")) return cost;
  }
  RewriteOptions stabilize;
  stabilize.phases = {"stabilize"};
  const Variable result = rewrite_graph({cost}, stabilize)[0];
  // A wrt the rewrite removed from the graph would turn a dependence into a
  // disconnection: keep the cost as given then.
  std::unordered_set<const Node*> before, after;
  for (const auto& n : topological_order({cost})) before.insert(n.get());
  for (const auto& n : topological_order({result})) after.insert(n.get());
  for (const Variable& w : wrt) {
    if (before.count(&w.node()) && !after.count(&w.node())) return cost;
  }
  return result;
}

}  // namespace

std::vector<Variable> grad(const Variable& given_cost, const std::vector<Variable>& wrt, const GradOptions& options,
                           SourceLocation where) {
  const std::string at = format_location(where) + ": grad: ";
  check_choice(options.disconnected_inputs, "disconnected_inputs", {"raise", "warn", "ignore"}, where);
  check_choice(options.return_disconnected, "return_disconnected", {"zero", "none"}, where);
  check_choice(options.null_gradients, "null_gradients", {"raise", "return"}, where);
  for (std::size_t i = 0; i < wrt.size(); ++i) {
    if (!wrt[i].valid()) throw TypeError(at + "wrt[" + std::to_string(i) + "] is an empty Variable");
  }

  const Variable cost = stabilized(given_cost, wrt, options);

  // The seeds: the cost's gradient is one; known_grads give their variables'.
  std::vector<std::pair<Variable, Variable>> seeds;
  if (cost.valid()) {
    if (cost.ndim() != 0 && options.known_grads.empty()) {
      throw TypeError(at + "the cost must be a scalar (0-d), but it has type " + cost.type().str() +
                      "; reduce it (with sum or mean) or give known_grads");
    }
    // With known_grads a non-scalar cost only ends the graph; it is no seed itself.
    if (cost.ndim() == 0) {
      const detail::GradientScope in_gradient(cost.node(), where, false);
      seeds.emplace_back(cost, ones_like(Operand(cost, where), cost.dtype()));
    }
  } else if (options.known_grads.empty()) {
    throw TypeError(at + "the cost is an empty Variable and no known_grads are given");
  }
  for (const auto& [var, g] : options.known_grads) {
    if (!var.valid() || !g.valid()) throw TypeError(at + "known_grads holds an empty Variable");
    if (g.ndim() != var.ndim() || !is_float(g.dtype())) {
      throw TypeError(at + "the known gradient of type " + g.type().str() + " does not fit its variable of type " +
                      var.type().str() + " (it must be a float array of the same rank)");
    }
    seeds.emplace_back(var, g.dtype() == var.dtype() || !is_float(var.dtype()) ? g : cast(Operand(g, where), var.dtype()));
  }
  std::vector<Variable> roots;
  for (const auto& s : seeds) roots.push_back(s.first);
  const auto order = topological_order(roots);
  const VarSet cut(options.consider_constant.begin(), options.consider_constant.end());

  // depends: variables that depend on some wrt (forward from wrt).
  VarSet depends(wrt.begin(), wrt.end());
  for (const auto& node : order) {
    if (cuts(*node)) continue;
    bool any = false;
    for (const Variable& in : node->inputs()) any = any || depends.count(in);
    if (!any) continue;
    for (int k = 0; k < node->num_outputs(); ++k) {
      if (!cut.count(node->output(k))) depends.insert(node->output(k));
    }
  }
  // live: variables a gradient reaches (backward from the seeds).
  VarSet live(roots.begin(), roots.end());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Node& node = **it;
    if (cuts(node)) continue;
    bool any = false;
    for (int k = 0; k < node.num_outputs(); ++k) any = any || (live.count(node.output(k)) && !cut.count(node.output(k)));
    if (any) live.insert(node.inputs().begin(), node.inputs().end());
  }

  // The sweep.
  std::unordered_map<Variable, Grad, VariableHash> grads;
  VarSet seeded;
  for (const auto& [var, g] : seeds) {
    if (!detail::carries_gradient(var.dtype())) continue;  // integer paths carry nothing
    Grad& slot = grads[var];
    slot.sum = slot.sum.valid() ? add(Operand(slot.sum, where), Operand(g, where)) : g;
    seeded.insert(var);
  }
  auto contribute = [&](const Variable& in, const Variable& g, const std::string& null_because) {
    if (seeded.count(in)) return;  // a known gradient is final (Theano's rule)
    Grad& slot = grads[in];
    if (!null_because.empty()) {
      if (slot.null_because.empty()) slot.null_because = null_because;
    } else if (g.valid()) {
      slot.sum = slot.sum.valid() ? add(Operand(slot.sum, where), Operand(g, where)) : g;
    }
  };
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Node& node = **it;
    if (cuts(node)) continue;
    std::vector<Variable> out_grads(static_cast<std::size_t>(node.num_outputs()));
    std::string null_because;
    bool any = false;
    for (int k = 0; k < node.num_outputs(); ++k) {
      const Variable out = node.output(k);
      if (cut.count(out) || !depends.count(out)) continue;
      auto found = grads.find(out);
      if (found == grads.end()) continue;
      if (!found->second.null_because.empty()) null_because = found->second.null_because;
      out_grads[static_cast<std::size_t>(k)] = found->second.sum;
      any = any || found->second.sum.valid();
    }
    if (!any && null_because.empty()) continue;
    const detail::GradientScope in_gradient(node, where, false);
    const OpDef& op = node.op();
    if (null_because.empty() && !op.vjp) {
      if (!op.not_differentiable_because.empty()) continue;  // a zero gradient
      null_because = "op '" + op.name + "' (made at " + format_location(node.where()) +
                     ") has no gradient rule and no reason to have none";
    }
    std::vector<Variable> in_grads;
    if (null_because.empty()) {
      in_grads = op.vjp(VjpArgs{node, out_grads, node.where()});
      if (in_grads.size() != node.inputs().size()) {
        throw InternalError("the vjp of '" + op.name + "' gave " + std::to_string(in_grads.size()) +
                            " gradients for " + std::to_string(node.inputs().size()) + " inputs");
      }
    }
    for (std::size_t i = 0; i < node.inputs().size(); ++i) {
      const Variable& in = node.inputs()[i];
      if (!depends.count(in) || !detail::carries_gradient(in.dtype())) continue;
      if (!null_because.empty()) {
        contribute(in, Variable(), null_because);
      } else if (in_grads[i].valid()) {
        contribute(in, fit_to_input(in_grads[i], node, static_cast<int>(i), where), {});
      }
    }
  }

  std::vector<Variable> result;
  for (std::size_t i = 0; i < wrt.size(); ++i) {
    const Variable& x = wrt[i];
    if (!live.count(x)) {
      const std::string msg = at + "the cost does not depend on " + describe_wrt(x, i) +
                              " (it is not part of the cost's graph, or only through consider_constant or "
                              "disconnected_grad)";
      if (options.disconnected_inputs == "raise") {
        throw DisconnectedInputError(msg + "; pass disconnected_inputs=\"ignore\" to get " +
                                     (options.return_disconnected == "zero" ? "zeros" : "an empty Variable"));
      }
      if (options.disconnected_inputs == "warn") std::cerr << "hypatia warning: " << msg << "\n";
      result.push_back(options.return_disconnected == "zero" ? float_zeros_like(x, where) : Variable());
      continue;
    }
    const auto found = grads.find(x);
    if (found != grads.end() && !found->second.null_because.empty()) {
      if (options.null_gradients == "raise") {
        throw NullTypeGradError(at + "the gradient with respect to " + describe_wrt(x, i) + " is undefined: " +
                                found->second.null_because);
      }
      result.push_back(Variable());
      continue;
    }
    const bool has = found != grads.end() && found->second.sum.valid();
    result.push_back(has ? found->second.sum : float_zeros_like(x, where));
  }
  return result;
}

Variable grad(const Variable& cost, const Variable& wrt, const GradOptions& options, SourceLocation where) {
  return grad(cost, std::vector<Variable>{wrt}, options, where)[0];
}

}  // namespace hypatia
