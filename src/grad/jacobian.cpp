// jacobian, hessian and hessian_vector_product, vectorized.
//
// Theano built a jacobian with scan, one gradient per output element. Here the Lop
// graph of expr is built once with a symbolic cotangent c (an input of expr's type),
// then `batch_graph` re-applies every node that depends on c through its op's batch
// rule, with c replaced by C = eye(n) reshaped to (n, *expr.shape), n = expr.size:
// row r of the result is the Lop along the r-th basis vector, i.e. the r-th row of
// the jacobian, and all rows come out of one graph.
#include <unordered_map>

#include "grad/grad_util.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"

namespace hypatia {
namespace {

using VarMap = std::unordered_map<Variable, Variable, VariableHash>;

std::vector<Operand> operands(const SymShape& sizes, SourceLocation where) {
  std::vector<Operand> out;
  for (const Variable& s : sizes) out.emplace_back(s, where);
  return out;
}

// `outputs` with `from` replaced by `batched_from` (from's type with a leading batch
// axis): every node depending on `from` re-applied through its batch rule. Returns,
// per output, the batched value, or an invalid Variable when it does not depend on
// `from`.
std::vector<Variable> batch_graph(const std::vector<Variable>& outputs, const Variable& from,
                                  const Variable& batched_from) {
  VarMap batched{{from, batched_from}};
  VarMap rebuilt;  // unbatched values whose inputs changed (sizes read from a batched value)
  for (const auto& node : topological_order(outputs)) {
    std::vector<Variable> ins;
    std::vector<bool> flags;
    bool any_batched = false, any_rebuilt = false;
    for (const Variable& in : node->inputs()) {
      if (auto b = batched.find(in); b != batched.end()) {
        ins.push_back(b->second);
        flags.push_back(true);
        any_batched = true;
      } else if (auto r = rebuilt.find(in); r != rebuilt.end()) {
        ins.push_back(r->second);
        flags.push_back(false);
        any_rebuilt = true;
      } else {
        ins.push_back(in);
        flags.push_back(false);
      }
    }
    const OpDef& op = node->op();
    if (!any_batched) {
      if (!any_rebuilt) continue;
      const std::vector<Variable> outs = apply(op.name, ins, node->attrs(), node->where());
      for (int k = 0; k < node->num_outputs(); ++k) rebuilt.emplace(node->output(k), outs[static_cast<std::size_t>(k)]);
      continue;
    }
    if (op.name == "shape_i") {  // a size is the same in every row: it stays unbatched
      const int axis = detail::normalize_axis(node->attrs().get_int("axis"), node->inputs()[0].ndim());
      rebuilt.emplace(node->output(0), shape(Operand(ins[0], node->where()), axis + 1));
      continue;
    }
    if (!op.batch) {
      throw InternalError("jacobian: op '" + op.name + "' (made at " + format_location(node->where()) +
                          ") has no batch rule, which vectorizing a jacobian or hessian needs");
    }
    const std::vector<Variable> outs = op.batch(BatchArgs{*node, ins, flags, node->where()});
    if (static_cast<int>(outs.size()) != node->num_outputs()) {
      throw InternalError("the batch rule of '" + op.name + "' gave " + std::to_string(outs.size()) + " outputs");
    }
    for (int k = 0; k < node->num_outputs(); ++k) {
      const Variable& o = outs[static_cast<std::size_t>(k)];
      if (o.ndim() != node->output(k).ndim() + 1) {
        throw InternalError("the batch rule of '" + op.name + "' gave type " + o.type().str() + " for output type " +
                            node->output(k).type().str());
      }
      batched.emplace(node->output(k), o);
    }
  }
  std::vector<Variable> result;
  for (const Variable& out : outputs) {
    auto it = batched.find(out);
    result.push_back(it == batched.end() ? Variable() : it->second);
  }
  return result;
}

Variable jacobian_impl(const Variable& expr, const Variable& wrt, const std::string& disconnected,
                       SourceLocation where) {
  const std::string at = format_location(where) + ": jacobian: ";
  if (!expr.valid() || !wrt.valid()) throw TypeError(at + "expr or wrt is an empty Variable");
  if (!is_float(expr.dtype())) {
    throw TypeError(at + "expr must be a float array, but it has type " + expr.type().str());
  }
  const Variable cot = tensor("cotangent", expr.dtype(), expr.type().shape, where);
  GradOptions options;
  options.known_grads = {{expr, cot}};
  options.disconnected_inputs = disconnected;
  const Variable g = grad(Variable(), wrt, options, where);

  const SymShape expr_shape = detail::symbolic_shape(expr, where);
  const SymShape wrt_shape = detail::symbolic_shape(wrt, where);
  Variable n = detail::size_constant(1, where);
  for (const Variable& s : expr_shape) {
    n = detail::static_size(n) == 1 ? s : mul(Operand(n, where), Operand(s, where));
  }
  SymShape rows{n};
  rows.insert(rows.end(), expr_shape.begin(), expr_shape.end());
  const Variable basis = reshape(eye(Operand(n, where), std::nullopt, 0, expr.dtype()), operands(rows, where));
  Variable j = batch_graph({g}, cot, basis)[0];
  SymShape j_rows{n};
  j_rows.insert(j_rows.end(), wrt_shape.begin(), wrt_shape.end());
  if (!j.valid()) j = broadcast_to(Operand(g, where), operands(j_rows, where));  // the same in every row
  SymShape full = expr_shape;
  full.insert(full.end(), wrt_shape.begin(), wrt_shape.end());
  return reshape(Operand(j, where), operands(full, where));
}

}  // namespace

Variable jacobian(const Variable& expr, const Variable& wrt, SourceLocation where) {
  return jacobian_impl(expr, wrt, "raise", where);
}

Variable hessian(const Variable& cost, const Variable& wrt, SourceLocation where) {
  if (cost.valid() && cost.ndim() != 0) {
    throw TypeError(format_location(where) + ": hessian: the cost must be a scalar (0-d), but it has type " +
                    cost.type().str());
  }
  // A cost linear in wrt has a gradient that does not depend on wrt: its hessian is
  // zero, not an error.
  return jacobian_impl(grad(cost, wrt, {}, where), wrt, "ignore", where);
}

Variable hessian_vector_product(const Variable& cost, const Variable& wrt, const Variable& v, SourceLocation where) {
  if (cost.valid() && cost.ndim() != 0) {
    throw TypeError(format_location(where) + ": hessian_vector_product: the cost must be a scalar (0-d), but it has type " +
                    cost.type().str());
  }
  if (!v.valid() || v.ndim() != wrt.ndim() || !is_float(v.dtype())) {
    throw TypeError(format_location(where) + ": hessian_vector_product: v of type " +
                    (v.valid() ? v.type().str() : std::string("<empty>")) + " does not fit wrt of type " +
                    wrt.type().str() + " (it must be a float array of the same rank)");
  }
  // H is symmetric, so H·v = (vᵀ·H)ᵀ: the Lop of the gradient along v, i.e. the
  // gradient of <grad, v>.
  GradOptions options;
  options.known_grads = {{grad(cost, wrt, {}, where), v}};
  options.disconnected_inputs = "ignore";
  return grad(Variable(), wrt, options, where);
}

}  // namespace hypatia
