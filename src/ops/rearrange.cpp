// Rearranging elements along axes: repeat, roll, flip, pad, diff, and the adjoint ops
// their gradients use (repeat_grad, pad_grad, diff_grad).
//
// Each op moves elements by one index map per axis (NumPy's semantics, incl. pad's
// repeated reflection when a width exceeds the axis), so its adjoint sums the
// gradient back along the same maps; an adjoint's own gradient is the op again (with
// a zero fill for pad). flip is a view with negative strides.
#include <algorithm>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/join.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/families.hpp"
#include "ops/join_util.hpp"
#include "ops/native_hooks.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

using detail::AxisMap;

std::size_t axis_attr(const Attrs& attrs) { return static_cast<std::size_t>(attrs.get_int("axis")); }

// The node's attributes with axis (or each of axes) one further, for a batch axis.
Attrs shifted(Attrs attrs) {
  if (attrs.has("axis")) attrs.set("axis", attrs.get_int("axis") + 1);
  if (attrs.has("axes")) {
    std::vector<std::int64_t> axes = attrs.get_ints("axes");
    for (std::int64_t& a : axes) ++a;
    attrs.set("axes", axes);
  }
  if (attrs.has("widths")) {
    std::vector<std::int64_t> widths{0, 0};
    for (std::int64_t k : attrs.get_ints("widths")) widths.push_back(k);
    attrs.set("widths", widths);
  }
  return attrs;
}

// The op again on the batched inputs; inputs from `first_unbatchable` on are sizes.
BatchFn batch_moving_axis(int first_unbatchable) {
  return [first_unbatchable](const BatchArgs& a) {
    detail::check_batch(a, first_unbatchable);
    return apply(a.node.op().name, std::vector<Variable>(a.inputs.begin(), a.inputs.end()), shifted(a.node.attrs()),
                 a.where);
  };
}

// A linear op's tangent: the op applied to x's tangent, its other inputs kept.
std::vector<Variable> linear_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

// Gradients for input 0 only (the others are sizes or counts).
std::vector<Variable> grad_for_x(const VjpArgs& a, const Variable& gx) {
  std::vector<Variable> out(a.node.inputs().size());
  out[0] = detail::in_dtype_of(gx, a.input(0), a.where);
  return out;
}

void check_int64_scalar(const Type& t, const char* what) {
  if (t.dtype != DType::int64 || t.ndim() != 0) {
    throw TypeError(std::string(what) + " must be an int64 scalar, not " + t.str());
  }
}

// ---------------------------------------------------------------- repeat

[[noreturn]] void repeats_negative() { throw ValueError("repeats may not contain negative values."); }

[[noreturn]] void repeats_mismatch(std::int64_t n, std::int64_t count) {
  throw ValueError("operands could not be broadcast together with shape (" + std::to_string(n) + ",) (" +
                   std::to_string(count) + ",)");
}

void check_repeats_type(const Type& t) {
  if (t.dtype != DType::int64 || t.ndim() > 1) {
    throw TypeError("repeats must be an int64 scalar or vector, not " + t.str());
  }
}

// The repeat count of each of the n elements along the axis.
std::vector<std::int64_t> repeat_counts(const Array& repeats, std::int64_t n) {
  std::vector<std::int64_t> r = repeats.to_vector<std::int64_t>();
  for (std::int64_t k : r) {
    if (k < 0) repeats_negative();
  }
  if (repeats.ndim() == 0 || r.size() == 1) return std::vector<std::int64_t>(static_cast<std::size_t>(n), r.at(0));
  if (static_cast<std::int64_t>(r.size()) != n) repeats_mismatch(n, static_cast<std::int64_t>(r.size()));
  return r;
}

// Element i along the axis, counts[i] times over.
AxisMap repeat_map(const std::vector<std::int64_t>& counts) {
  AxisMap m;
  for (std::size_t i = 0; i < counts.size(); ++i)
    m.insert(m.end(), static_cast<std::size_t>(counts[i]), static_cast<std::int64_t>(i));
  return m;
}

// The size along the axis after repeating n elements, when constants decide it.
std::int64_t repeated_size(const Variable& repeats, std::int64_t n) {
  const std::int64_t len = repeats.ndim() == 0 ? 1 : repeats.type().shape[0];
  if (len != kUnknownDim && n != kUnknownDim && len != 1 && len != n) repeats_mismatch(n, len);
  if (!repeats.is_constant()) return kUnknownDim;
  const std::vector<std::int64_t> r = repeats.constant_value().to_vector<std::int64_t>();
  for (std::int64_t k : r) {
    if (k < 0) repeats_negative();
  }
  if (n == kUnknownDim) return r.size() == 1 && r[0] == 0 ? 0 : kUnknownDim;
  std::int64_t total = 0;
  for (std::int64_t k : repeat_counts(repeats.constant_value(), n)) total += k;
  return total;
}

std::vector<Type> infer_repeat(const InferArgs& a) {
  Type t = a.type(0);
  check_repeats_type(a.type(1));
  const std::size_t axis = static_cast<std::size_t>(detail::axis_in(a.attrs.get_int("axis"), t.ndim()));
  t.shape[axis] = repeated_size(a.inputs[1], t.shape[axis]);
  return {t};
}

std::vector<Array> repeat_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const std::size_t axis = axis_attr(a.attrs());
  std::vector<AxisMap> maps(static_cast<std::size_t>(x.ndim()));
  maps[axis] = repeat_map(repeat_counts(a.inputs[1], x.shape()[axis]));
  Shape shape = x.shape();
  shape[axis] = static_cast<std::int64_t>(maps[axis].size());
  return {detail::gather_axes(x, maps, shape)};
}

// n times a scalar count; the sum of a vector of counts (times n when it holds one).
std::vector<SymShape> repeat_shape(const ShapeArgs& a) {
  const std::size_t axis = axis_attr(a.node.attrs());
  const SourceLocation w = a.where;
  SymShape out = a.input_shapes[0];
  const std::int64_t known = a.node.output_types()[0].shape[axis];
  if (known != kUnknownDim) {
    out[axis] = detail::size_constant(known, w);
    return {out};
  }
  const Variable& r = a.node.inputs()[1];
  const Operand n(out[axis], w);
  if (r.ndim() == 0) {
    out[axis] = mul(n, Operand(r, w));
    return {out};
  }
  const Variable total = sum(Operand(r, w));
  const Variable times_n = mul(n, Operand(total, w));
  const std::int64_t len = r.type().shape[0];
  if (len == 1) {
    out[axis] = times_n;
  } else if (len != kUnknownDim) {
    out[axis] = total;
  } else {
    const Variable one = eq(Operand(a.input_shapes[1][0], w), Operand(detail::size_constant(1, w), w));
    out[axis] = hypatia::where(Operand(one, w), Operand(times_n, w), Operand(total, w));
  }
  return {out};
}

std::vector<Variable> repeat_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = a.where;
  const std::int64_t axis = a.node.attrs().get_int("axis");
  return grad_for_x(
      a, apply1("repeat_grad", {g, a.input(1), shape(Operand(a.input(0), w), axis)}, Attrs{{"axis", axis}}, w));
}

// repeat_grad(g, repeats, n): the sum of each group of repeated elements of g, back to
// the n elements they were repeated from.
std::vector<Type> infer_repeat_grad(const InferArgs& a) {
  Type t = a.type(0);
  check_repeats_type(a.type(1));
  check_int64_scalar(a.type(2), "the size");
  const std::size_t axis = static_cast<std::size_t>(detail::axis_in(a.attrs.get_int("axis"), t.ndim()));
  t.shape[axis] = detail::static_size(a.inputs[2]);
  return {t};
}

std::vector<Array> repeat_grad_reference(const KernelArgs& a) {
  const Array& g = a.inputs[0];
  const std::size_t axis = axis_attr(a.attrs());
  Shape shape = g.shape();
  shape[axis] = a.inputs[2].item<std::int64_t>();
  std::vector<AxisMap> maps(static_cast<std::size_t>(g.ndim()));
  maps[axis] = repeat_map(repeat_counts(a.inputs[1], shape[axis]));
  if (static_cast<std::int64_t>(maps[axis].size()) != g.shape()[axis]) {
    throw ShapeError("repeat_grad: the gradient has " + std::to_string(g.shape()[axis]) + " elements along axis " +
                     std::to_string(axis) + ", but the repeats make " + std::to_string(maps[axis].size()));
  }
  return {detail::scatter_add_axes(g, maps, shape)};
}

std::vector<SymShape> repeat_grad_shape(const ShapeArgs& a) {
  SymShape out = a.input_shapes[0];
  out[axis_attr(a.node.attrs())] = a.node.inputs()[2];
  return {out};
}

std::vector<Variable> repeat_grad_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable(), Variable()};
  return grad_for_x(a, apply1("repeat", {g, a.input(1)}, Attrs{{"axis", a.node.attrs().get_int("axis")}}, a.where));
}

// ---------------------------------------------------------------- roll

std::vector<Type> infer_roll(const InferArgs& a) {
  check_int64_scalar(a.type(1), "shift");
  detail::axis_in(a.attrs.get_int("axis"), a.type(0).ndim());
  return {a.type(0)};
}

std::vector<Array> roll_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const std::size_t axis = axis_attr(a.attrs());
  const std::int64_t n = x.shape()[axis];
  std::vector<AxisMap> maps(static_cast<std::size_t>(x.ndim()));
  if (n > 0) {
    const std::int64_t s = ((a.inputs[1].item<std::int64_t>() % n) + n) % n;
    for (std::int64_t j = 0; j < n; ++j) maps[axis].push_back((j - s + n) % n);
  }
  return {detail::gather_axes(x, maps, x.shape())};
}

std::vector<Variable> roll_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = a.where;
  return grad_for_x(a, apply1("roll", {g, neg(Operand(a.input(1), w))}, a.node.attrs(), w));
}

// ---------------------------------------------------------------- flip

std::vector<Type> infer_flip(const InferArgs& a) {
  for (std::int64_t ax : a.attrs.get_ints("axes")) detail::axis_in(ax, a.type(0).ndim());
  return {a.type(0)};
}

std::vector<Array> flip_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  Strides strides = x.strides();
  std::int64_t offset = x.offset();
  for (std::int64_t ax : a.attrs().get_ints("axes")) {
    const auto au = static_cast<std::size_t>(ax);
    if (x.shape()[au] > 0) offset += (x.shape()[au] - 1) * strides[au];
    strides[au] = -strides[au];
  }
  return {Array::view_of(x.buffer(), x.dtype(), x.shape(), std::move(strides), offset)};
}

std::vector<Variable> flip_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  return grad_for_x(a, apply1("flip", {g}, a.node.attrs(), a.where));
}

// ---------------------------------------------------------------- pad

const char* const kEmptyAxis = "using modes other than 'constant' or 'empty'";

void check_pad_attrs(const Attrs& attrs, int nd) {
  const std::string& mode = attrs.get<std::string>("mode");
  if (mode != "constant" && mode != "edge" && mode != "reflect") {
    throw ValueError("mode '" + mode + "' is not supported");
  }
  const auto& widths = attrs.get_ints("widths");
  if (static_cast<int>(widths.size()) != 2 * nd) {
    throw ValueError("pad widths " + std::to_string(widths.size()) + " for " + std::to_string(nd) +
                     " axes: two per axis are needed");
  }
  for (std::int64_t k : widths) {
    if (k < 0) throw ValueError("index can't contain negative values");
  }
}

// Where each of the before + n + after positions of a padded axis reads from, as
// NumPy's pad fills it ("reflect": in chunks that each mirror what is already there,
// which differs from a periodic reflection when a width exceeds the axis).
AxisMap pad_map(const std::string& mode, std::int64_t n, std::int64_t before, std::int64_t after) {
  const std::int64_t total = before + n + after;
  AxisMap m(static_cast<std::size_t>(total));
  for (std::int64_t i = 0; i < total; ++i) {
    const std::int64_t j = i - before;
    auto& slot = m[static_cast<std::size_t>(i)];
    if (mode == "constant") {
      slot = j >= 0 && j < n ? j : -1;
    } else {
      slot = std::clamp<std::int64_t>(j, 0, n - 1);  // edge; reflect's n == 1 too
    }
  }
  if (mode != "reflect" || n <= 1) return m;
  std::int64_t left = before, right = after;
  while (left > 0 || right > 0) {
    const std::int64_t filled = total - left - right - 1;
    if (left > 0) {
      const std::int64_t chunk = std::min(filled, left);
      for (std::int64_t k = 0; k < chunk; ++k) {
        m[static_cast<std::size_t>(left - 1 - k)] = m[static_cast<std::size_t>(left + 1 + k)];
      }
      left -= chunk;
    }
    if (right > 0) {
      const std::int64_t chunk = std::min(filled, right);
      for (std::int64_t k = 0; k < chunk; ++k) {
        m[static_cast<std::size_t>(total - right + k)] = m[static_cast<std::size_t>(total - right - 2 - k)];
      }
      right -= chunk;
    }
  }
  return m;
}

// The maps of every axis of x's `shape`, checking that a mode other than "constant"
// has something to extend.
std::vector<AxisMap> pad_maps(const Attrs& attrs, const Shape& shape) {
  const std::string& mode = attrs.get<std::string>("mode");
  const auto& widths = attrs.get_ints("widths");
  std::vector<AxisMap> maps;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    const std::int64_t b = widths[2 * k], e = widths[2 * k + 1];
    if (mode != "constant" && shape[k] == 0 && (b > 0 || e > 0)) {
      throw ValueError("can't extend empty axis " + std::to_string(k) + " " + kEmptyAxis);
    }
    maps.push_back(pad_map(mode, shape[k], b, e));
  }
  return maps;
}

std::vector<Type> infer_pad(const InferArgs& a) {
  Type t = a.type(0);
  check_pad_attrs(a.attrs, t.ndim());
  const auto& widths = a.attrs.get_ints("widths");
  const bool constant = a.attrs.get<std::string>("mode") == "constant";
  for (std::size_t k = 0; k < t.shape.size(); ++k) {
    if (t.shape[k] == kUnknownDim) continue;
    if (!constant && t.shape[k] == 0 && (widths[2 * k] > 0 || widths[2 * k + 1] > 0)) {
      throw ValueError("can't extend empty axis " + std::to_string(k) + " " + kEmptyAxis);
    }
    t.shape[k] += widths[2 * k] + widths[2 * k + 1];
  }
  return {t};
}

std::vector<Array> pad_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const std::vector<AxisMap> maps = pad_maps(a.attrs(), x.shape());
  Shape shape;
  for (const AxisMap& m : maps) shape.push_back(static_cast<std::int64_t>(m.size()));
  const Array fill = Array::full(x.dtype(), {}, a.attrs().get<double>("value"));
  return {detail::gather_axes(x, maps, shape, &fill)};
}

// The padded sizes: x's plus both widths (pad_grad's: minus).
SymShape padded_shape(const ShapeArgs& a, int sign) {
  const auto& widths = a.node.attrs().get_ints("widths");
  const Shape& known = a.node.output_types()[0].shape;
  const SourceLocation w = a.where;
  SymShape out;
  for (std::size_t k = 0; k < known.size(); ++k) {
    if (known[k] != kUnknownDim) {
      out.push_back(detail::size_constant(known[k], w));
    } else {
      const std::int64_t extra = sign * (widths[2 * k] + widths[2 * k + 1]);
      out.push_back(add(Operand(a.input_shapes[0][k], w), Operand(detail::size_constant(extra, w), w)));
    }
  }
  return out;
}

Attrs pad_grad_attrs(const Attrs& pad) {
  return Attrs{{"widths", pad.get_ints("widths")}, {"mode", pad.get<std::string>("mode")}};
}

Attrs pad_attrs(const Attrs& pad_grad, double value) {
  return Attrs{{"widths", pad_grad.get_ints("widths")}, {"mode", pad_grad.get<std::string>("mode")}, {"value", value}};
}

std::vector<Variable> pad_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  return grad_for_x(a, apply1("pad_grad", {g}, pad_grad_attrs(a.node.attrs()), a.where));
}

// The constant is no function of x: a tangent pads with zeros.
std::vector<Variable> pad_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {apply1("pad", {t}, pad_attrs(a.node.attrs(), 0.0), a.where)};
}

std::vector<Type> infer_pad_grad(const InferArgs& a) {
  Type t = a.type(0);
  check_pad_attrs(a.attrs, t.ndim());
  const auto& widths = a.attrs.get_ints("widths");
  for (std::size_t k = 0; k < t.shape.size(); ++k) {
    if (t.shape[k] == kUnknownDim) continue;
    t.shape[k] -= widths[2 * k] + widths[2 * k + 1];
    if (t.shape[k] < 0) {
      throw ShapeError("pad_grad: axis " + std::to_string(k) + " of the gradient is shorter than its pad widths");
    }
  }
  return {t};
}

std::vector<Array> pad_grad_reference(const KernelArgs& a) {
  const Array& g = a.inputs[0];
  const auto& widths = a.attrs().get_ints("widths");
  Shape shape = g.shape();
  for (std::size_t k = 0; k < shape.size(); ++k) {
    shape[k] -= widths[2 * k] + widths[2 * k + 1];
    if (shape[k] < 0) {
      throw ShapeError("pad_grad: axis " + std::to_string(k) + " of the gradient is shorter than its pad widths");
    }
  }
  return {detail::scatter_add_axes(g, pad_maps(a.attrs(), shape), shape)};
}

std::vector<Variable> pad_grad_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  return grad_for_x(a, apply1("pad", {g}, pad_attrs(a.node.attrs(), 0.0), a.where));
}

// ---------------------------------------------------------------- diff


Array difference_of(const Array& b, const Array& a) {
  return visit_dtype(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    return detail::map_broadcast<T, T, 2>(std::array<Array, 2>{b, a}, [](T u, T v) { return detail::difference(u, v); });
  });
}

std::vector<Type> infer_diff(const InferArgs& a) {
  Type t = a.type(0);
  const auto axis = static_cast<std::size_t>(detail::axis_in(a.attrs.get_int("axis"), t.ndim()));
  if (t.shape[axis] != kUnknownDim) t.shape[axis] = std::max<std::int64_t>(t.shape[axis] - 1, 0);
  return {t};
}

std::vector<Array> diff_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const int axis = static_cast<int>(a.attrs().get_int("axis"));
  const std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
  return {difference_of(x.slice(axis, 1, n), x.slice(axis, 0, std::max<std::int64_t>(n - 1, 0)))};
}

std::vector<SymShape> diff_shape(const ShapeArgs& a) {
  const std::size_t axis = axis_attr(a.node.attrs());
  const SourceLocation w = a.where;
  SymShape out = a.input_shapes[0];
  const std::int64_t known = a.node.output_types()[0].shape[axis];
  out[axis] = known != kUnknownDim
                  ? detail::size_constant(known, w)
                  : maximum(Operand(sub(Operand(out[axis], w), Operand(detail::size_constant(1, w), w)), w),
                            Operand(detail::size_constant(0, w), w));
  return {out};
}

std::vector<Variable> diff_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  const SourceLocation w = a.where;
  const std::int64_t axis = a.node.attrs().get_int("axis");
  return grad_for_x(a, apply1("diff_grad", {g, shape(Operand(a.input(0), w), axis)}, a.node.attrs(), w));
}

// diff_grad(g, n): diff's adjoint for an axis of n elements, r[i] = g[i - 1] - g[i]
// with g zero outside [0, n - 1).
std::vector<Type> infer_diff_grad(const InferArgs& a) {
  Type t = a.type(0);
  check_int64_scalar(a.type(1), "the size");
  const auto axis = static_cast<std::size_t>(detail::axis_in(a.attrs.get_int("axis"), t.ndim()));
  t.shape[axis] = detail::static_size(a.inputs[1]);
  return {t};
}

std::vector<Array> diff_grad_reference(const KernelArgs& a) {
  const Array& g = a.inputs[0];
  const std::size_t axis = axis_attr(a.attrs());
  Shape shape = g.shape();
  shape[axis] = a.inputs[1].item<std::int64_t>();
  const std::int64_t m = g.shape()[axis];
  if (m != std::max<std::int64_t>(shape[axis] - 1, 0)) {
    throw ShapeError("diff_grad: the gradient has " + std::to_string(m) + " elements along axis " +
                     std::to_string(axis) + ", not one fewer than " + std::to_string(shape[axis]));
  }
  std::vector<AxisMap> later(shape.size()), same(shape.size());
  for (std::int64_t i = 0; i < m; ++i) {
    later[axis].push_back(i + 1);
    same[axis].push_back(i);
  }
  return {difference_of(detail::scatter_add_axes(g, later, shape), detail::scatter_add_axes(g, same, shape))};
}

std::vector<SymShape> diff_grad_shape(const ShapeArgs& a) {
  SymShape out = a.input_shapes[0];
  out[axis_attr(a.node.attrs())] = a.node.inputs()[1];
  return {out};
}

std::vector<Variable> diff_grad_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  return grad_for_x(a, apply1("diff", {g}, a.node.attrs(), a.where));
}

// ---------------------------------------------------------------- builders' helpers

Variable int64_scalar(const Operand& v, const char* op, const char* what) {
  Variable s = v.variable_like(DType::int64);
  if (!is_integer(s.dtype()) || s.ndim() != 0) {
    detail::builder_error(ErrorKind::type, v.where(), op,
                          std::string(what) + " must be an integer scalar, not " + s.type().str());
  }
  return s.dtype() == DType::int64 ? s : cast(Operand(s, v.where()), DType::int64);
}

}  // namespace

// For the cpu backend's native kernels (src/backend/cpu/native_copy.cpp): the same
// maps, the same checks.
std::vector<detail::AxisMap> detail::pad_axis_maps(const Attrs& attrs, const Shape& shape) {
  return pad_maps(attrs, shape);
}
std::vector<std::int64_t> detail::repeat_axis_counts(const Array& repeats, std::int64_t n) {
  return repeat_counts(repeats, n);
}

void register_rearrange_ops(OpRegistry& r) {
  r.define("repeat")
      .set_summary("Each element along an axis repeated (int64 repeats: one count, or one per element).")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_repeat)
      .set_shape(repeat_shape)
      .set_reference(repeat_reference)
      .lowers(Lowering::loop_nest("gathers each element along the axis its count of times"))
      .set_aliasing(Aliasing::none())
      .set_vjp(repeat_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("repeat_grad")
      .set_summary("repeat's adjoint: each group of repeated elements of g summed (inputs g, repeats, size).")
      .set_traits(kPure)
      .set_infer(infer_repeat_grad)
      .set_shape(repeat_grad_shape)
      .set_reference(repeat_grad_reference)
      .lowers(Lowering::loop_nest("sums each group of repeated elements along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(repeat_grad_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("roll")
      .set_summary("x rolled along an axis by an int64 scalar shift; elements leaving one end enter at the other.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_roll)
      .set_shape(detail::shape_same_as_input0)
      .set_reference(roll_reference)
      .lowers(Lowering::loop_nest("copies the axis rotated by the shift"))
      .set_aliasing(Aliasing::none())
      .set_vjp(roll_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("flip")
      .set_summary("x with the order of elements reversed along the axes (attribute axes), as a view.")
      .set_traits(kPure | kShapeOnly | kLinear)
      .set_infer(infer_flip)
      .set_shape(detail::shape_same_as_input0)
      .set_reference(flip_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(flip_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("pad")
      .set_summary("x padded by (before, after) widths per axis: mode constant (value), edge or reflect.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_pad)
      .set_shape([](const ShapeArgs& a) { return std::vector<SymShape>{padded_shape(a, 1)}; })
      .set_reference(pad_reference)
      .lowers(Lowering::loop_nest("gathers each padded position from the position it copies"))
      .set_aliasing(Aliasing::none())
      .set_vjp(pad_vjp)
      .set_jvp(pad_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("pad_grad")
      .set_summary("pad's adjoint: g summed back onto the positions each padded position copies.")
      .set_traits(kPure | kLinear)
      .set_infer(infer_pad_grad)
      .set_shape([](const ShapeArgs& a) { return std::vector<SymShape>{padded_shape(a, -1)}; })
      .set_reference(pad_grad_reference)
      .lowers(Lowering::loop_nest("sums each padded position onto the position it copies"))
      .set_aliasing(Aliasing::none())
      .set_vjp(pad_grad_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("diff")
      .set_summary("The first forward difference x[i + 1] - x[i] along an axis (bools: x[i + 1] != x[i]).")
      .set_traits(kPure | kLinear)
      .set_infer(infer_diff)
      .set_shape(diff_shape)
      .set_reference(diff_reference)
      .lowers(Lowering::loop_nest("subtracts neighbours along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(diff_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));

  r.define("diff_grad")
      .set_summary("diff's adjoint for an axis of n elements (inputs g, n): g[i - 1] - g[i].")
      .set_traits(kPure)
      .set_infer(infer_diff_grad)
      .set_shape(diff_grad_shape)
      .set_reference(diff_grad_reference)
      .lowers(Lowering::loop_nest("subtracts neighbours along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(diff_grad_vjp)
      .set_jvp(linear_jvp)
      .set_batch(batch_moving_axis(1));
}

// ---------------------------------------------------------------- builders

Variable repeat(const Operand& x, const Operand& repeats, std::optional<std::int64_t> axis) {
  const SourceLocation w = x.where();
  Variable v = x.variable();
  Variable r = repeats.variable_like(DType::int64);
  if (!is_integer(r.dtype()) || r.ndim() > 1) {
    detail::builder_error(ErrorKind::type, w, "repeat",
                          "repeats must be an integer scalar or vector, not " + r.type().str());
  }
  if (r.dtype() != DType::int64) r = cast(Operand(r, w), DType::int64);
  std::int64_t a = 0;
  if (axis) {
    a = detail::checked_at(w, "repeat", [&] { return detail::axis_in(*axis, v.ndim()); });
  } else {
    v = flatten(Operand(v, w));
  }
  return apply1("repeat", {v, r}, Attrs{{"axis", a}}, w);
}

Variable roll(const Operand& x, const Operand& shift, std::optional<std::int64_t> axis) {
  const SourceLocation w = x.where();
  const Variable v = x.variable();
  const Variable s = int64_scalar(shift, "roll", "shift");
  if (axis) {
    const std::int64_t a = detail::checked_at(w, "roll", [&] { return detail::axis_in(*axis, v.ndim()); });
    return apply1("roll", {v, s}, Attrs{{"axis", a}}, w);
  }
  const Variable rolled = apply1("roll", {flatten(Operand(v, w)), s}, Attrs{{"axis", std::int64_t{0}}}, w);
  return reshape(Operand(rolled, w), detail::shape_operands(v, w));
}

Variable flip(const Operand& x, Axes axis) {
  const SourceLocation w = x.where();
  const Variable v = x.variable();
  std::vector<std::int64_t> axes;
  if (axis.is_all()) {
    for (int i = 0; i < v.ndim(); ++i) axes.push_back(i);
  } else {
    std::vector<std::int64_t> checked;
    for (std::int64_t a : axis.list()) {
      checked.push_back(detail::checked_at(w, "flip", [&] { return detail::axis_in(a, v.ndim()); }));
    }
    std::sort(checked.begin(), checked.end());
    if (std::adjacent_find(checked.begin(), checked.end()) != checked.end()) {
      detail::builder_error(ErrorKind::value, w, "flip",
                            "repeated axis in axes " + detail::static_shape_str(axis.list()));
    }
    axes = checked;
  }
  if (axes.empty()) return v;
  return apply1("flip", {v}, Attrs{{"axes", axes}}, w);
}

Variable pad(const Operand& x, const std::vector<std::pair<std::int64_t, std::int64_t>>& pad_width,
             const std::string& mode, double constant_value) {
  const SourceLocation w = x.where();
  const Variable v = x.variable();
  const auto nd = static_cast<std::size_t>(v.ndim());
  if (pad_width.size() != 1 && pad_width.size() != nd) {
    detail::builder_error(ErrorKind::value, w, "pad",
                          "operands could not be broadcast together with remapped shapes [original->remapped]: (" +
                              std::to_string(pad_width.size()) + ",2) and requested shape (" + std::to_string(nd) +
                              ",2)");
  }
  std::vector<std::int64_t> widths;
  for (std::size_t k = 0; k < nd; ++k) {
    const auto& [b, e] = pad_width.size() == 1 ? pad_width[0] : pad_width[k];
    widths.push_back(b);
    widths.push_back(e);
  }
  const Attrs attrs{{"widths", widths}, {"mode", mode}, {"value", constant_value}};
  detail::checked_at(w, "pad", [&] {
    check_pad_attrs(attrs, v.ndim());
    return 0;
  });
  return apply1("pad", {v}, attrs, w);
}

Variable diff(const Operand& x, std::int64_t n, std::int64_t axis) {
  const SourceLocation w = x.where();
  Variable v = x.variable();
  if (n < 0)
    detail::builder_error(ErrorKind::value, w, "diff", "order must be non-negative but got " + std::to_string(n));
  if (v.ndim() == 0) {
    detail::builder_error(ErrorKind::value, w, "diff", "diff requires input that is at least one dimensional");
  }
  const std::int64_t a = detail::checked_at(w, "diff", [&] { return detail::axis_in(axis, v.ndim()); });
  for (std::int64_t i = 0; i < n; ++i) v = apply1("diff", {v}, Attrs{{"axis", a}}, w);
  return v;
}

}  // namespace hypatia
