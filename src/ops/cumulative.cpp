// Cumulative ops: cumsum and cumprod along an axis (the flattened array is a reshape
// first), with numpy.sum's and numpy.prod's result dtypes: bool and signed integers
// give int64, unsigned ones uint64, floats keep theirs. Integers wrap (computed in
// uint64); floats accumulate in order, in their own dtype, as NumPy's accumulate.
//
// Attributes: "axis" (normalized), and for cumsum "reverse" (sums from the end of the
// axis: cumsum's own gradient).
//
// cumprod's gradient is exact where x has zeros. Along one line, with y = cumprod(x),
//   d/dx_j sum_i g_i y_i = sum_{i >= j} g_i prod_{k <= i, k != j} x_k,
// which is revcumsum(g y)_j / x_j wherever x_j != 0; at the line's first zero z it is
// revcumsum(g y')_z with y' the cumprod of x with that zero replaced by 1; at later
// zeros it is 0 (every product keeps the first zero). Its tangent splits the same way:
// y cumsum(t / x) before the first zero, y' t_z from it on. Both are graphs of
// cumsum, cumprod and selects, so they differentiate again.
#include <type_traits>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "hypatia/ops/sort.hpp"
#include "ops/along_axis.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

using detail::with_size;

std::int64_t axis_of(const Node& node) { return node.attrs().get_int("axis"); }

DType result_dtype(DType in) {
  return is_float(in) ? in : (is_unsigned_integer(in) ? DType::uint64 : DType::int64);
}

template <class T>
using AccType = std::conditional_t<std::is_floating_point_v<T>, T,
                                   std::conditional_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>,
                                                      std::uint64_t, std::int64_t>>;

std::vector<Type> infer_cumulative(const InferArgs& a) {
  const std::int64_t axis = a.attrs.get_int("axis");
  const Type& t = a.type(0);
  if (axis < 0 || axis >= t.ndim()) {
    throw InternalError("axis attribute " + std::to_string(axis) + " is not normalized for " + t.str());
  }
  return {Type{result_dtype(t.dtype), t.shape}};
}

// Each line along the axis accumulated with op, from its start (or its end).
template <bool product>
std::vector<Array> cumulative_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const int axis = static_cast<int>(a.attrs().get_int("axis"));
  const bool reverse = a.attrs().has("reverse") && a.attrs().get_bool("reverse");
  const auto ax = static_cast<std::size_t>(axis);
  Array out = Array::empty(result_dtype(x.dtype()), x.shape());
  const std::int64_t n = x.shape()[ax], xs = x.strides()[ax], os = out.strides()[ax];
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Out = AccType<T>;
    // Integers in uint64: no signed overflow.
    using Acc = std::conditional_t<std::is_floating_point_v<T>, T, std::uint64_t>;
    detail::walk_offsets<2>(with_size(x.shape(), axis, 1), {x.strides(), out.strides()}, [&](const auto& off) {
      Acc acc{};
      for (std::int64_t j = 0; j < n; ++j) {
        const std::int64_t i = reverse ? n - 1 - j : j;
        const Acc v = static_cast<Acc>(*reinterpret_cast<const T*>(x.data() + off[0] + i * xs));
        // From the first element, not from 0 + x: a running sum of -0.0 stays -0.0.
        if (j == 0) {
          acc = v;
        } else if constexpr (product) {
          acc = static_cast<Acc>(acc * v);
        } else {
          acc = static_cast<Acc>(acc + v);
        }
        *reinterpret_cast<Out*>(out.data() + off[1] + i * os) = static_cast<Out>(acc);
      }
    });
  });
  return {out};
}

// ---- differentiation
//
// Rules build with the op's own axis; `sym::Ex` keeps the forward node's line.

Variable cumsum_along(const Variable& v, std::int64_t axis, bool reverse, SourceLocation w) {
  return apply1("cumsum", {v}, Attrs{{"axis", axis}, {"reverse", reverse}}, w);
}

std::vector<Variable> cumsum_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid() || !is_float(a.input(0).dtype())) return {Variable()};
  const bool reverse = a.node.attrs().get_bool("reverse");
  return {detail::in_dtype_of(cumsum_along(g, axis_of(a.node), !reverse, a.where), a.input(0), a.where)};
}

std::vector<Variable> cumsum_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

// The pieces both of cumprod's rules need, along the node's axis.
struct Zeros {
  Variable is_zero;  // x == 0
  Variable first;    // the first zero of each line
  Variable before;   // positions before the line's first zero
  Variable safe_x;   // x with every zero replaced by 1
  Variable y_prime;  // cumprod of x with the first zero replaced by 1
};

Zeros zeros_of(const Node& node, SourceLocation w) {
  const Variable& x = node.inputs()[0];
  const std::int64_t axis = axis_of(node);
  const Operand xo(x, w);
  Zeros z;
  z.is_zero = eq(xo, Operand(0, w));
  const Variable count = cumsum_along(z.is_zero, axis, false, w);  // zeros so far, int64
  z.first = logical_and(Operand(z.is_zero, w), Operand(eq(Operand(count, w), Operand(1, w)), w));
  z.before = eq(Operand(count, w), Operand(0, w));
  z.safe_x = where(Operand(z.is_zero, w), Operand(1, w), xo);
  z.y_prime = apply1("cumprod", {where(Operand(z.first, w), Operand(1, w), xo)}, node.attrs(), w);
  return z;
}

std::vector<Variable> cumprod_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid() || !is_float(a.input(0).dtype())) return {Variable()};
  const SourceLocation w = a.where;
  const std::int64_t axis = axis_of(a.node);
  const Zeros z = zeros_of(a.node, w);
  const Operand go(g, w);
  const Variable at_first = cumsum_along(mul(go, Operand(z.y_prime, w)), axis, true, w);
  const Variable nonzero =
      true_div(Operand(cumsum_along(mul(go, Operand(a.output(0), w)), axis, true, w), w), Operand(z.safe_x, w));
  const Variable gx = where(Operand(z.first, w), Operand(at_first, w),
                            Operand(where(Operand(z.is_zero, w), Operand(0, w), Operand(nonzero, w)), w));
  return {detail::in_dtype_of(gx, a.input(0), w)};
}

std::vector<Variable> cumprod_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  const SourceLocation w = a.where;
  const std::int64_t axis = axis_of(a.node);
  const Zeros z = zeros_of(a.node, w);
  const Operand to(t, w);
  const Variable early =
      mul(Operand(a.output(0), w), Operand(cumsum_along(true_div(to, Operand(z.safe_x, w)), axis, false, w), w));
  const Variable t_first = sum(Operand(where(Operand(z.first, w), to, Operand(0, w)), w), Axes{axis}, true);
  const Variable late = mul(Operand(z.y_prime, w), Operand(t_first, w));
  const Variable out = where(Operand(z.before, w), Operand(early, w), Operand(late, w));
  const DType want = a.node.output_types()[0].dtype;
  return {out.dtype() != want ? cast(Operand(out, w), want) : out};
}

std::vector<Variable> shifted_axis_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  Attrs attrs = a.node.attrs();
  attrs.set("axis", axis_of(a.node) + 1);
  return {apply1(a.node.op().name, {a.inputs[0]}, std::move(attrs), a.where)};
}

Variable cumulative(const char* op, const Operand& x, std::optional<std::int64_t> axis, Attrs attrs) {
  const SourceLocation w = x.where();
  Variable v = x.variable();
  if (!axis) {
    v = flatten(Operand(v, w));
    axis = 0;
  }
  attrs.set("axis", std::int64_t{detail::user_axis(x, op, *axis, v.ndim())});
  return apply1(op, {v}, std::move(attrs), w);
}

}  // namespace

void register_cumulative_ops(OpRegistry& r) {
  r.define("cumsum")
      .set_summary("Running sum along an axis (from its end when reverse); dtype as numpy.sum, integers wrap.")
      .set_traits(kPure | kLinear)
      .set_infer(infer_cumulative)
      .set_shape(detail::shape_same_as_input0)
      .set_reference(cumulative_kernel<false>)
      .lowers(Lowering::loop_nest("a scan (running sum) along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(cumsum_vjp)
      .set_jvp(cumsum_jvp)
      .set_batch(shifted_axis_batch);
  r.define("cumprod")
      .set_summary("Running product along an axis; dtype as numpy.prod, integers wrap.")
      .set_traits(kPure)
      .set_infer(infer_cumulative)
      .set_shape(detail::shape_same_as_input0)
      .set_reference(cumulative_kernel<true>)
      .lowers(Lowering::loop_nest("a scan (running product) along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(cumprod_vjp)
      .set_jvp(cumprod_jvp)
      .set_batch(shifted_axis_batch);
}

Variable cumsum(const Operand& x, std::optional<std::int64_t> axis) {
  return cumulative("cumsum", x, axis, Attrs{{"reverse", false}});
}
Variable cumprod(const Operand& x, std::optional<std::int64_t> axis) { return cumulative("cumprod", x, axis, {}); }

}  // namespace hypatia
