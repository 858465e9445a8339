// Ops for the gradient machinery: sum_to (the run-time half of unbroadcast) and the
// gradient helpers zero_grad, disconnected_grad, consider_constant, grad_clip and
// grad_scale, which are the identity in the forward pass and change only how
// gradients flow through them:
//   zero_grad, consider_constant  gradient zero (still connected: no
//                                 DisconnectedInputError), tangent zero
//   disconnected_grad             gradient disconnected (the reverse driver cuts the
//                                 graph there), tangent zero
//   grad_clip(lo, hi)             gradient clipped elementwise to [lo, hi]; the
//                                 tangent passes unchanged (clipping is a rule for
//                                 cotangents, not a derivative)
//   grad_scale(m)                 gradient and tangent scaled by m
#include <algorithm>
#include <cmath>

#include "grad/grad_util.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/elemwise_util.hpp"  // visit_float
#include "ops/op_util.hpp"

namespace hypatia {
namespace {

// ---------------------------------------------------------------- sum_to

std::string sizes_str(std::span<const Variable> sizes) {
  std::string s = "(";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::int64_t c = detail::static_size(sizes[i]);
    s += (i ? ", " : "") + (c == kUnknownDim ? std::string("?") : std::to_string(c));
  }
  return s + (sizes.size() == 1 ? ",)" : ")");
}

std::vector<Type> infer_sum_to(const InferArgs& a) {
  const Type& g = a.type(0);
  if (!is_float(g.dtype)) throw TypeError("the gradient must be a float array, not " + g.str());
  const std::span<const Variable> sizes = a.inputs.subspan(1);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const Type& t = sizes[i].type();
    if (t.dtype != DType::int64 || t.ndim() != 0) {
      throw TypeError("size " + std::to_string(i) + " must be an int64 scalar, not " + t.str());
    }
  }
  const int nd = static_cast<int>(sizes.size());
  if (nd > g.ndim()) {
    throw ShapeError("cannot sum an array of type " + g.str() + " to the larger rank of shape " + sizes_str(sizes));
  }
  Shape out;
  for (int k = 0; k < nd; ++k) {
    const std::int64_t t = detail::static_size(sizes[static_cast<std::size_t>(k)]);
    const std::int64_t gd = g.shape[static_cast<std::size_t>(g.ndim() - nd + k)];
    if (t != kUnknownDim && t != 1 && gd != kUnknownDim && gd != t) {
      throw ShapeError("cannot sum an array of type " + g.str() + " to shape " + sizes_str(sizes));
    }
    out.push_back(t);
  }
  return {Type{g.dtype, out}};
}

// Sums each element of g into the output element it broadcast from.
std::vector<Array> sum_to_reference(const KernelArgs& a) {
  Shape target;
  for (std::size_t i = 1; i < a.inputs.size(); ++i) target.push_back(a.inputs[i].item<std::int64_t>());
  // Nothing to sum: g itself (a view), as unbroadcast gives g itself when the static
  // shapes decide (so -0.0 stays -0.0, as in the cpu backend's kernel).
  if (target == a.inputs[0].shape()) return {a.inputs[0]};
  const Array g = a.inputs[0].contiguous();
  const int gd = g.ndim();
  const int nd = static_cast<int>(target.size());
  bool ok = nd <= gd;
  for (int k = 0; ok && k < nd; ++k) {
    const std::int64_t t = target[static_cast<std::size_t>(k)];
    ok = t == 1 || t == g.shape()[static_cast<std::size_t>(gd - nd + k)];
  }
  if (!ok) throw ShapeError("cannot sum an array of shape " + shape_str(g.shape()) + " to shape " + shape_str(target));
  // Output strides in elements; 0 along summed axes.
  std::vector<std::int64_t> out_stride(static_cast<std::size_t>(gd), 0);
  std::int64_t step = 1;
  for (int k = nd - 1; k >= 0; --k) {
    const std::int64_t t = target[static_cast<std::size_t>(k)];
    if (t != 1) out_stride[static_cast<std::size_t>(gd - nd + k)] = step;
    step *= t;
  }
  return {detail::visit_float(g.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<double> acc(static_cast<std::size_t>(shape_size(target)), 0.0);
    const T* p = g.data_as<T>();
    std::vector<std::int64_t> index(static_cast<std::size_t>(gd), 0);
    std::int64_t o = 0;
    for (std::int64_t i = 0; i < g.size(); ++i) {
      acc[static_cast<std::size_t>(o)] += static_cast<double>(p[i]);
      for (int d = gd - 1; d >= 0; --d) {
        const auto du = static_cast<std::size_t>(d);
        ++index[du];
        o += out_stride[du];
        if (index[du] < g.shape()[du]) break;
        o -= out_stride[du] * g.shape()[du];
        index[du] = 0;
      }
    }
    std::vector<T> out(acc.size());
    std::transform(acc.begin(), acc.end(), out.begin(), [](double v) { return static_cast<T>(v); });
    Array result = Array::from_vector(out, target.empty() ? Shape{1} : target);
    return target.empty() ? result.reshape({}) : result;
  })};
}

std::vector<Variable> sum_to_batch(const BatchArgs& a) {
  for (std::size_t i = 1; i < a.inputs.size(); ++i) {
    if (a.batched[i]) throw InternalError("sum_to: a batched size");
  }
  // Sum g's own leading extra axes first, so that the batch axis stays in front.
  Variable g = a.inputs[0];
  const int extra = g.ndim() - 1 - static_cast<int>(a.inputs.size() - 1);
  if (extra > 0) {
    std::vector<std::int64_t> axes;
    for (int k = 1; k <= extra; ++k) axes.push_back(k);
    g = sum(Operand(g, a.where), axes);
  }
  SymShape sizes{shape(Operand(g, a.where), 0)};
  sizes.insert(sizes.end(), a.inputs.begin() + 1, a.inputs.end());
  return {detail::sum_to(g, sizes, a.where)};
}

// ---------------------------------------------------------------- gradient helpers

// The identity in the forward pass: same type, same shape, a view of x.
OpDef& define_identity(OpRegistry& r, const char* name, const char* summary) {
  return r.define(name)
      .set_summary(summary)
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) { return std::vector<Type>{a.type(0)}; })
      .set_shape(detail::shape_same_as_input0)
      .set_reference([](const KernelArgs& a) { return std::vector<Array>{a.inputs[0]}; })
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_batch([](const BatchArgs& a) {
        return std::vector<Variable>{apply1(a.node.op().name, {a.inputs[0]}, a.node.attrs(), a.where)};
      });
}

std::vector<Variable> no_gradient(const VjpArgs&) { return {Variable()}; }
std::vector<Variable> no_tangent(const JvpArgs&) { return {Variable()}; }

Variable identity_node(const char* name, const Operand& x, Attrs attrs = {}) {
  return apply1(name, {x.variable()}, std::move(attrs), x.where());
}

}  // namespace

void register_grad_ops(OpRegistry& r) {
  r.define("sum_to")
      .set_summary("g summed to the shape given by int64 scalar inputs: the reverse of broadcasting.")
      .set_traits(kPure | kLinear)
      .set_infer(infer_sum_to)
      .set_shape([](const ShapeArgs& a) {
        const auto& ins = a.node.inputs();
        return std::vector<SymShape>{SymShape(ins.begin() + 1, ins.end())};
      })
      .set_reference(sum_to_reference)
      .lowers(Lowering::loop_nest("a sum over the broadcast axes, chosen at run time"))
      // g itself when it already has the target shape.
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp([](const VjpArgs& a) {
        std::vector<Variable> grads(a.node.inputs().size());
        if (a.grad().valid()) {
          std::vector<Operand> sizes;
          for (const Variable& s : detail::symbolic_shape(a.input(0), a.where)) sizes.emplace_back(s, a.where);
          grads[0] = broadcast_to(Operand(a.grad(), a.where), sizes);
        }
        return grads;
      })
      .set_jvp([](const JvpArgs& a) {
        if (!a.tangent(0).valid()) return std::vector<Variable>{Variable()};
        const auto& ins = a.node.inputs();
        return std::vector<Variable>{detail::sum_to(a.tangent(0), SymShape(ins.begin() + 1, ins.end()), a.where)};
      })
      .set_batch(sum_to_batch);

  define_identity(r, "zero_grad", "x itself; its gradient is zero (Theano's zero_grad).")
      .set_vjp(no_gradient)
      .set_jvp(no_tangent);
  define_identity(r, "consider_constant", "x itself, treated as a constant: its gradient is zero.")
      .set_vjp(no_gradient)
      .set_jvp(no_tangent);
  // The reverse driver recognizes this op by name and cuts the graph at it.
  define_identity(r, "disconnected_grad", "x itself; the cost counts as not depending on x through it.")
      .set_vjp(no_gradient)
      .set_jvp(no_tangent);
  define_identity(r, "grad_clip", "x itself; the gradient flowing back through it is clipped to [lo, hi].")
      .set_vjp([](const VjpArgs& a) {
        if (!a.grad().valid()) return std::vector<Variable>{Variable()};
        const Attrs& at = a.node.attrs();
        return std::vector<Variable>{clip(Operand(a.grad(), a.where), Operand(at.get<double>("lo"), a.where),
                                          Operand(at.get<double>("hi"), a.where))};
      })
      .set_jvp([](const JvpArgs& a) { return std::vector<Variable>{a.tangent(0)}; });
  define_identity(r, "grad_scale", "x itself; the gradient flowing back through it is multiplied by m.")
      .set_vjp([](const VjpArgs& a) {
        if (!a.grad().valid()) return std::vector<Variable>{Variable()};
        return std::vector<Variable>{Operand(a.grad(), a.where) * Operand(a.node.attrs().get<double>("m"), a.where)};
      })
      .set_jvp([](const JvpArgs& a) {
        if (!a.tangent(0).valid()) return std::vector<Variable>{Variable()};
        return std::vector<Variable>{Operand(a.tangent(0), a.where) * Operand(a.node.attrs().get<double>("m"), a.where)};
      });
}

namespace detail {
Variable sum_to(const Variable& g, const SymShape& sizes, SourceLocation where) {
  std::vector<Variable> inputs{g};
  inputs.insert(inputs.end(), sizes.begin(), sizes.end());
  return apply1("sum_to", std::move(inputs), {}, where);
}
}  // namespace detail

Variable zero_grad(const Operand& x) { return identity_node("zero_grad", x); }
Variable disconnected_grad(const Operand& x) { return identity_node("disconnected_grad", x); }
Variable consider_constant(const Operand& x) { return identity_node("consider_constant", x); }

Variable grad_clip(const Operand& x, double lo, double hi) {
  if (!(lo <= hi)) {
    throw ValueError(format_location(x.where()) + ": grad_clip: lo (" + std::to_string(lo) +
                     ") must not exceed hi (" + std::to_string(hi) + ")");
  }
  return identity_node("grad_clip", x, Attrs{{"lo", lo}, {"hi", hi}});
}

Variable grad_scale(const Operand& x, double multiplier) {
  return identity_node("grad_scale", x, Attrs{{"m", multiplier}});
}

}  // namespace hypatia
