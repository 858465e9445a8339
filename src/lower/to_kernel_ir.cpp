#include "lower/to_kernel_ir.hpp"

#include "ops/op_util.hpp"

#include <algorithm>

#include "graph/op.hpp"

namespace hypatia::lower {
namespace {

bool is_comparison(ScalarPrim p) {
  switch (p) {
    case ScalarPrim::lt: case ScalarPrim::gt: case ScalarPrim::le:
    case ScalarPrim::ge: case ScalarPrim::eq: case ScalarPrim::neq:
      return true;
    default:
      return false;
  }
}

bool is_predicate(ScalarPrim p) {
  return p == ScalarPrim::isnan || p == ScalarPrim::isinf || p == ScalarPrim::isfinite;
}

bool is_logic(ScalarPrim p) {
  return p == ScalarPrim::logical_and || p == ScalarPrim::logical_or || p == ScalarPrim::logical_xor ||
         p == ScalarPrim::logical_not;
}

DType promoted_inputs(const Node& n) {
  DType t = n.inputs()[0].dtype();
  for (const Variable& v : n.inputs()) t = promote_types(t, v.dtype());
  return t;
}

// The dtype input i of node n is converted to before its primitive applies.
DType compute_dtype(const Node& n, ScalarPrim p, std::size_t i) {
  if (is_comparison(p)) {
    // A signed integer against uint64 compares by value, each in its own dtype.
    const DType a = n.inputs()[0].dtype(), b = n.inputs()[1].dtype();
    if (is_integer(a) && is_integer(b) && !is_integer(promote_types(a, b))) return n.inputs()[i].dtype();
    return promoted_inputs(n);
  }
  if (is_predicate(p) || p == ScalarPrim::cast) return n.inputs()[i].dtype();
  if (is_logic(p)) return DType::bool_;
  if (p == ScalarPrim::select && i == 0) return DType::bool_;
  return n.output_types()[0].dtype;
}

// Whether integer pow node n may see a negative exponent in its compute dtype, which
// NumPy (and the reference kernel) reject: a signed exponent that is not a constant
// >= 0. An unsigned or bool exponent converts to a wider signed or the same unsigned
// dtype, never negative.
bool exponent_may_be_negative(const Node& n) {
  if (is_float(n.output_types()[0].dtype) || !is_signed_integer(n.output_types()[0].dtype)) return false;
  const Variable& y = n.inputs()[1];
  if (is_unsigned_integer(y.dtype()) || y.dtype() == DType::bool_) return false;
  if (!y.is_constant()) return true;
  const std::vector<double> values = y.constant_value().astype(DType::float64).to_vector<double>();
  return !std::all_of(values.begin(), values.end(), [](double e) { return e >= 0; });
}

}  // namespace

bool lowers_to_scalar(const Node& node) {
  const OpDef& op = node.op();
  if (!op.lowering || op.lowering->kind != Lowering::Kind::scalar || node.num_outputs() != 1) return false;
  const ScalarPrim p = op.lowering->scalar;
  // Integer pow with a signed exponent fuses too: its kernel checks the exponent.
  return static_cast<int>(node.inputs().size()) == scalar_prim_arity(p);
}

bool lowers_to_reduction(const Node& node) {
  const OpDef& op = node.op();
  if (!op.lowering || op.lowering->kind != Lowering::Kind::reduction || node.num_outputs() != 1) return false;
  if (node.inputs().size() != 1) return false;
  switch (op.lowering->reduce) {
    case ReducePrim::sum: {
      if (op.name != "sum" && op.name != "mean") return false;
      if (node.output_types()[0].dtype != DType::float32) return true;
      // A float sum must be accurate on long reductions (the reference sums
      // pairwise): the kernel sums each row in blocks, but across rows it adds one row
      // at a time into each output (NumPy's order for such axes). float64 affords
      // that; float32 sums across rows run by reference unless the decompose phase
      // made them float64 (decompose_reduce.cpp).
      const int nd = node.inputs()[0].type().ndim();
      const std::vector<bool> mask = detail::reduced_mask(node.attrs(), nd);
      bool seen_kept = false;
      for (int d = nd - 1; d >= 0; --d) {
        if (!mask[static_cast<std::size_t>(d)]) seen_kept = true;
        else if (seen_kept) return false;
      }
      return true;
    }
    case ReducePrim::prod: case ReducePrim::max: case ReducePrim::min:
    case ReducePrim::all: case ReducePrim::any:
      return true;
    case ReducePrim::argmax: case ReducePrim::argmin:
      return false;
  }
  return false;
}

LoweredGroup to_kernel_ir(const Group& group, const std::string& name, const std::vector<bool>& used_outside) {
  LoweredGroup out;
  kir::Kernel& k = out.kernel;
  k.name = name;
  std::vector<std::pair<Variable, int>> value_of;  // graph value -> kernel value
  auto lookup = [&](const Variable& v) -> int {
    for (const auto& [var, id] : value_of) {
      if (var == v) return id;
    }
    return -1;
  };
  // The iteration space's static last size: the reduced input's, or the group's shape.
  const Shape& space =
      group.reduction ? group.reduction->inputs()[0].type().shape : group.nodes.front()->output_types()[0].shape;
  const bool rows = !space.empty() && space.back() != 1;
  auto readable = [](const Variable& v) {
    if (v.is_input() && !v.name().empty()) return v.name();
    return v.is_constant() ? std::string("constant") : v.node().op().name;
  };
  // The group's value of v, loaded (or inlined) on first use.
  auto value = [&](const Variable& v) -> int {
    if (int id = lookup(v); id >= 0) return id;
    kir::Stmt s;
    s.dtype = v.dtype();
    if (v.is_constant() && v.ndim() == 0) {
      s.kind = kir::StmtKind::constant;
      s.value = v.constant_value();
      s.origin = "constant";
    } else {
      s.kind = kir::StmtKind::load;
      s.operand = static_cast<int>(out.inputs.size());
      s.origin = readable(v);
      out.inputs.push_back(v);
      kir::Operand o{v.dtype(), false, v.ndim() == 0, false, readable(v)};
      o.row_invariant = rows && v.ndim() > 0 && v.type().shape.back() == 1;
      k.operands.push_back(std::move(o));
    }
    const int id = k.add(std::move(s));
    value_of.emplace_back(v, id);
    return id;
  };
  auto converted = [&](int id, DType to, const std::string& origin) {
    if (k.body[static_cast<std::size_t>(id)].dtype == to) return id;
    kir::Stmt s;
    s.kind = kir::StmtKind::cast;
    s.dtype = to;
    s.args = {id};
    s.origin = origin;
    return k.add(std::move(s));
  };

  std::vector<std::pair<int, int>> stores;  // (kernel value, output position)
  for (std::size_t i = 0; i < group.nodes.size(); ++i) {
    const Node& n = *group.nodes[i];
    const std::string& op = n.op().name;
    if (&n == group.reduction) {
      const Lowering& l = *n.op().lowering;
      const DType to = n.output_types()[0].dtype;
      const int v = converted(value(n.inputs()[0]), to, op);
      k.reduction = kir::Reduction{l.reduce, op == "mean"};
      const Shape& in_shape = n.inputs()[0].type().shape;
      const std::vector<bool> mask = detail::reduced_mask(n.attrs(), static_cast<int>(in_shape.size()));
      k.reduction->keeps_last = in_shape.size() >= 2 && !mask.back() && in_shape.back() != 1 &&
                                std::find(mask.begin(), mask.end(), true) != mask.end();
      kir::Stmt s;
      s.kind = kir::StmtKind::reduce;
      s.dtype = to;
      s.args = {v};
      s.origin = op;
      stores.emplace_back(k.add(std::move(s)), static_cast<int>(out.outputs.size()));
      out.outputs.push_back(n.output(0));
      continue;
    }
    const ScalarPrim p = n.op().lowering->scalar;
    kir::Stmt s;
    s.kind = p == ScalarPrim::cast ? kir::StmtKind::cast : kir::StmtKind::apply;
    s.prim = p;
    s.dtype = n.output_types()[0].dtype;
    s.origin = op;
    for (std::size_t j = 0; j < n.inputs().size(); ++j) {
      s.args.push_back(converted(value(n.inputs()[j]), compute_dtype(n, p, j), op));
    }
    if (p == ScalarPrim::pow && exponent_may_be_negative(n)) {
      // check(y < 0): the reference kernel raises NumPy's error there (kir `check`).
      const int y = s.args[1];
      const DType t = k.body[static_cast<std::size_t>(y)].dtype;
      kir::Stmt zero;
      zero.kind = kir::StmtKind::constant;
      zero.dtype = t;
      zero.value = Array::zeros(t, {});
      zero.origin = "constant";
      const int z = k.add(std::move(zero));
      kir::Stmt negative;
      negative.kind = kir::StmtKind::apply;
      negative.prim = ScalarPrim::lt;
      negative.dtype = DType::bool_;
      negative.args = {y, z};
      negative.origin = op;
      const int bad = k.add(std::move(negative));
      kir::Stmt check;
      check.kind = kir::StmtKind::check;
      check.dtype = DType::bool_;
      check.args = {bad};
      check.origin = op;
      k.add(std::move(check));
    }
    const int id = k.add(std::move(s));
    value_of.emplace_back(n.output(0), id);
    if (used_outside[i]) {
      stores.emplace_back(id, static_cast<int>(out.outputs.size()));
      out.outputs.push_back(n.output(0));
    }
  }
  // Outputs follow the inputs among the operands.
  const int first_output = static_cast<int>(k.operands.size());
  for (const auto& [id, position] : stores) {
    const Variable& v = out.outputs[static_cast<std::size_t>(position)];
    k.operands.push_back(kir::Operand{v.dtype(), true, false, false, v.node().op().name});
    if (k.body[static_cast<std::size_t>(id)].kind == kir::StmtKind::reduce) {
      k.body[static_cast<std::size_t>(id)].operand = first_output + position;
    } else {
      kir::Stmt s;
      s.kind = kir::StmtKind::store;
      s.dtype = v.dtype();
      s.operand = first_output + position;
      s.args = {id};
      s.origin = v.node().op().name;
      k.add(std::move(s));
    }
  }
  return out;
}

}  // namespace hypatia::lower
