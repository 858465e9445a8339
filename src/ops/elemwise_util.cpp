#include "ops/elemwise_util.hpp"

#include <algorithm>
#include <optional>

#include "hypatia/ops/shape.hpp"

namespace hypatia::detail {

DType result_dtype(ResultDType rule, const InferArgs& args) {
  switch (rule) {
    case ResultDType::promote:
      return promote_inputs(args);
    case ResultDType::float_upcast:
      return upcast_to_float(promote_inputs(args));
    case ResultDType::true_div: {
      const DType t = promote_inputs(args);
      return is_float(t) ? t : DType::float64;
    }
    case ResultDType::boolean:
      return DType::bool_;
  }
  throw InternalError("result_dtype: bad rule");
}

InferFn infer_elemwise(ResultDType rule) {
  return [rule](const InferArgs& args) {
    return std::vector<Type>{Type{result_dtype(rule, args), broadcast_inputs(args)}};
  };
}

OpDef& define_elemwise(OpRegistry& registry, ElemwiseSpec spec) {
  return registry.define(spec.name)
      .set_summary(std::move(spec.summary))
      .set_traits(spec.traits | kElementwise | kPure)
      .set_infer(infer_elemwise(spec.result))
      .set_shape(shape_of_broadcast)
      .set_reference(std::move(spec.reference))
      .lowers(Lowering::of_scalar(spec.prim))
      .set_aliasing(Aliasing::none())
      .set_batch(batch_elemwise);
}

Variable elemwise(std::string_view name, std::initializer_list<const Operand*> operands) {
  const SourceLocation where = (*operands.begin())->where();
  return apply1(name, to_variables(operands), {}, where);
}

// ---- differentiation

std::vector<Variable> batch_elemwise(const BatchArgs& args) {
  const auto& old_inputs = args.node.inputs();
  if (args.inputs.size() != old_inputs.size() || args.batched.size() != old_inputs.size()) {
    throw InternalError("batch rule of " + args.node.op().name + ": wrong number of inputs");
  }
  int rank = 0;
  for (const Variable& v : old_inputs) rank = std::max(rank, v.ndim());
  std::vector<Variable> inputs;
  for (std::size_t i = 0; i < old_inputs.size(); ++i) {
    const int k = old_inputs[i].ndim();
    const bool batched = args.batched[i];
    if (args.inputs[i].ndim() != k + (batched ? 1 : 0)) {
      throw InternalError("batch rule of " + args.node.op().name + ": input " + std::to_string(i) + " has rank " +
                          std::to_string(args.inputs[i].ndim()) + ", expected " +
                          std::to_string(k + (batched ? 1 : 0)));
    }
    // batched: (B, s...) -> (B, 1.., s...); unbatched: (s...) -> (1, 1.., s...).
    std::vector<std::int64_t> pattern;
    if (batched) pattern.push_back(0);
    pattern.insert(pattern.end(), static_cast<std::size_t>(rank - k + (batched ? 0 : 1)), newaxis);
    for (int d = 0; d < k; ++d) pattern.push_back(d + (batched ? 1 : 0));
    inputs.push_back(dimshuffle(Operand(args.inputs[i], args.where), pattern));
  }
  return apply(args.node.op().name, std::move(inputs), args.node.attrs(), args.where);
}

sym::Ex ex_input(const Node& node, int i, SourceLocation where) {
  return sym::Ex{node.inputs()[static_cast<std::size_t>(i)], where};
}

sym::Ex ex_output(const Node& node, SourceLocation where) { return sym::Ex{node.output(0), where}; }

bool has_float_output(const Node& node) { return is_float(node.output_types()[0].dtype); }

Variable input_grad(const Node& node, int i, const sym::Ex& g) {
  const DType t = node.inputs()[static_cast<std::size_t>(i)].dtype();
  if (!is_float(t)) return Variable();
  return g.dtype() == t ? g.v : cast(g, t).v;
}

Variable output_tangent(const Node& node, const sym::Ex& t) {
  const Type& out = node.output_types()[0];
  sym::Ex r = t.dtype() == out.dtype ? t : cast(t, out.dtype);
  // A unary op's output has its input's shape; otherwise only known sizes prove it.
  bool same_shape = r.v.type().shape == out.shape;
  for (std::int64_t d : out.shape) same_shape = same_shape && d != kUnknownDim;
  if (same_shape || node.inputs().size() == 1) return r.v;
  std::vector<Operand> sizes;
  for (const Variable& s : symbolic_shape(node.output(0), t.where)) sizes.emplace_back(s, t.where);
  return broadcast_to(Operand(r.v, t.where), sizes);
}

namespace {

// The sum of the terms, skipping symbolic zeros (nullopt when all are).
std::optional<sym::Ex> sum_terms(const std::vector<sym::Ex>& terms) {
  std::optional<sym::Ex> total;
  for (const sym::Ex& t : terms) total = total ? *total + t : t;
  return total;
}

PartialArgs partial_args(const Node& node, SourceLocation where) {
  PartialArgs p{{}, ex_output(node, where)};
  for (std::size_t i = 0; i < node.inputs().size(); ++i) p.x.push_back(ex_input(node, static_cast<int>(i), where));
  return p;
}

bool float_input(const Node& node, std::size_t i) { return is_float(node.inputs()[i].dtype()); }

}  // namespace

PartialFn unary_partial(std::function<sym::Ex(const sym::Ex& x, const sym::Ex& y)> d) {
  return [d](const PartialArgs& p, int) -> std::optional<sym::Ex> { return d(p.x[0], p.y); };
}

OpDef& set_partials(OpDef& op, PartialFn partial) {
  op.set_vjp([partial](const VjpArgs& a) {
    std::vector<Variable> grads(a.node.inputs().size());
    if (!a.grad().valid() || !has_float_output(a.node)) return grads;
    const PartialArgs p = partial_args(a.node, a.where);
    const sym::Ex g{a.grad(), a.where};
    for (std::size_t i = 0; i < grads.size(); ++i) {
      if (!float_input(a.node, i)) continue;
      const auto d = partial(p, static_cast<int>(i));
      grads[i] = input_grad(a.node, static_cast<int>(i), d ? g * *d : g);
    }
    return grads;
  });
  op.set_jvp([partial](const JvpArgs& a) {
    if (!has_float_output(a.node)) return std::vector<Variable>{Variable()};
    const PartialArgs p = partial_args(a.node, a.where);
    std::vector<sym::Ex> terms;
    for (std::size_t i = 0; i < a.input_tangents.size(); ++i) {
      if (!a.input_tangents[i].valid() || !float_input(a.node, i)) continue;
      const sym::Ex t{a.input_tangents[i], a.where};
      const auto d = partial(p, static_cast<int>(i));
      terms.push_back(d ? t * *d : t);
    }
    const auto total = sum_terms(terms);
    return std::vector<Variable>{total ? output_tangent(a.node, *total) : Variable()};
  });
  return op;
}

OpDef& set_zero_gradient(OpDef& op) {
  op.set_vjp([](const VjpArgs& a) { return std::vector<Variable>(a.node.inputs().size()); });
  op.set_jvp([](const JvpArgs&) { return std::vector<Variable>{Variable()}; });
  return op;
}

OpDef& set_selects(OpDef& op, SelectFn cond, bool exhaustive) {
  op.set_vjp([cond](const VjpArgs& a) {
    std::vector<Variable> grads(a.node.inputs().size());
    if (!a.grad().valid() || !has_float_output(a.node)) return grads;
    const PartialArgs p = partial_args(a.node, a.where);
    const sym::Ex g{a.grad(), a.where};
    for (std::size_t i = 0; i < grads.size(); ++i) {
      if (!float_input(a.node, i)) continue;
      if (const auto c = cond(p, static_cast<int>(i)))
        grads[i] = input_grad(a.node, static_cast<int>(i), where(*c, g, 0));
    }
    return grads;
  });
  op.set_jvp([cond, exhaustive](const JvpArgs& a) {
    if (!has_float_output(a.node)) return std::vector<Variable>{Variable()};
    const PartialArgs p = partial_args(a.node, a.where);
    bool all = true;
    std::vector<std::pair<sym::Ex, sym::Ex>> cases;  // (condition, tangent)
    for (std::size_t i = 0; i < a.input_tangents.size(); ++i) {
      const auto c = cond(p, static_cast<int>(i));
      if (!c) continue;
      if (!a.input_tangents[i].valid() || !float_input(a.node, i)) {
        all = false;
        continue;
      }
      cases.emplace_back(*c, sym::Ex{a.input_tangents[i], a.where});
    }
    if (cases.empty()) return std::vector<Variable>{Variable()};
    std::optional<sym::Ex> t;
    if (exhaustive && all) {
      t = cases.back().second;
      cases.pop_back();
    }
    for (auto it = cases.rbegin(); it != cases.rend(); ++it) {
      t = t ? where(it->first, it->second, *t) : where(it->first, it->second, 0);
    }
    return std::vector<Variable>{output_tangent(a.node, *t)};
  });
  return op;
}

OpDef& set_signs(OpDef& op, std::vector<int> signs) {
  op.set_vjp([signs](const VjpArgs& a) {
    std::vector<Variable> grads(a.node.inputs().size());
    if (!a.grad().valid() || !has_float_output(a.node)) return grads;
    const sym::Ex g{a.grad(), a.where};
    for (std::size_t i = 0; i < grads.size(); ++i) {
      grads[i] = input_grad(a.node, static_cast<int>(i), signs[i] > 0 ? g : -g);
    }
    return grads;
  });
  op.set_jvp([signs](const JvpArgs& a) {
    if (!has_float_output(a.node)) return std::vector<Variable>{Variable()};
    std::optional<sym::Ex> total;
    for (std::size_t i = 0; i < a.input_tangents.size(); ++i) {
      if (!a.input_tangents[i].valid() || !is_float(a.node.inputs()[i].dtype())) continue;
      const sym::Ex t{a.input_tangents[i], a.where};
      if (!total) {
        total = signs[i] > 0 ? t : -t;
      } else {
        total = signs[i] > 0 ? *total + t : *total - t;
      }
    }
    return std::vector<Variable>{total ? output_tangent(a.node, *total) : Variable()};
  });
  return op;
}

}  // namespace hypatia::detail
