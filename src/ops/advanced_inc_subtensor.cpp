// Advanced indexing, writing: advanced_inc_subtensor1 and advanced_inc_subtensor, a copy
// of x with y (broadcast to the selection's shape, cast to x's dtype as NumPy's setitem
// casts) added at the indices (numpy.add.at: repeated indices accumulate) or written
// there (`set`: of repeated indices, the last write in C order wins). x is never
// modified. The selection's layout is the gathers' (advanced_index.hpp).
#include <algorithm>

#include "grad/grad_util.hpp"
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/index.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/advanced_index.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

// ---------------------------------------------------------------- the kernel

Array increment(const Array& x, const Array& y, std::span<const Array> arrays, const std::vector<std::int64_t>& axes,
                bool first, bool set) {
  Array out = x.copy();
  const detail::IndexPlan p = detail::plan_index(out.shape(), out.strides(), arrays, axes, first);
  detail::check_value_shape(y.shape(), p.selection);
  if (shape_size(p.selection) == 0) return out;
  const Array yc = y.astype(out.dtype());
  const Strides ys = detail::broadcast_strides(yc, p.selection);
  // The selection's axes are outer + index + inner; y's strides split the same way.
  const int n_outer = static_cast<int>(p.axes.outer.size());
  const int n_index = static_cast<int>(p.index_shape.size());
  std::vector<int> y_outer, y_index, y_inner;
  for (int i = 0; i < static_cast<int>(p.selection.size()); ++i) {
    (i < n_outer ? y_outer : i < n_outer + n_index ? y_index : y_inner).push_back(i);
  }
  const std::vector<std::int64_t> oo = detail::element_offsets(out.shape(), out.strides(), p.axes.outer);
  const std::vector<std::int64_t> oi = detail::element_offsets(out.shape(), out.strides(), p.axes.inner);
  const std::vector<std::int64_t> yo = detail::element_offsets(p.selection, ys, y_outer);
  const std::vector<std::int64_t> yj = detail::element_offsets(p.selection, ys, y_index);
  const std::vector<std::int64_t> yi = detail::element_offsets(p.selection, ys, y_inner);
  visit_dtype(out.dtype(), [&]<class T>(std::type_identity<T>) {
    std::byte* const dst = out.data();
    const std::byte* const src = yc.data();
    for (std::size_t o = 0; o < oo.size(); ++o) {
      for (std::size_t j = 0; j < p.offsets.size(); ++j) {
        std::byte* const d = dst + oo[o] + p.offsets[j];
        const std::byte* const s = src + yo[o] + yj[j];
        for (std::size_t i = 0; i < oi.size(); ++i) {
          T& target = *reinterpret_cast<T*>(d + oi[i]);
          const T v = *reinterpret_cast<const T*>(s + yi[i]);
          target = set ? v : detail::wrapping_add(target, v);
        }
      }
    }
  });
  return out;
}

std::vector<std::int64_t> axes_of(const Node& node) {
  return node.op().name == "advanced_inc_subtensor1" ? std::vector<std::int64_t>{node.attrs().get_int("axis")}
                                                     : node.attrs().get_ints("axes");
}
bool first_of(const Node& node) {
  return node.op().name == "advanced_inc_subtensor1" ? false : node.attrs().get_bool("first");
}

// ---------------------------------------------------------------- type inference

std::vector<Type> infer_advanced_inc_subtensor1(const InferArgs& a) {
  const Type& x = a.type(0);
  detail::check_index_dtype(a.type(2), "indices");
  const std::int64_t axis = a.attrs.get_int("axis");
  if (axis < 0 || axis >= x.ndim()) {
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                     std::to_string(x.ndim()));
  }
  const std::vector<std::int64_t> axes{axis};
  detail::check_value_static(a.type(1).shape, detail::selection_layout(x.shape, a.type(2).shape,
                                                                       detail::selection_axes(x.ndim(), axes, false)));
  return {x};
}

std::vector<Type> infer_advanced_inc_subtensor(const InferArgs& a) {
  detail::check_value_static(a.type(1).shape, detail::infer_selection(a, 2));
  return {a.type(0)};
}

// ---------------------------------------------------------------- rules

// With repeated indices a set keeps the last write, so only the selection positions
// that wrote last reach the output. Which ones did is found by the op itself: set
// each position's number (C order over the selection, as the kernel writes) into an
// array of -1s, gather it back, and compare.
Variable last_writes(const Node& node, const Variable& selection, SourceLocation w) {
  const SymShape sizes = detail::symbolic_shape(selection, w);
  std::vector<Operand> shape;
  Variable count = constant(std::int64_t{1}, w);
  for (const Variable& s : sizes) {
    shape.emplace_back(s, w);
    count = mul(Operand(count, w), Operand(s, w));
  }
  const Variable ids = reshape(Operand(arange(Operand(count, w), DType::int64), w), shape);
  std::vector<Variable> inputs = node.inputs();
  inputs[0] = neg(Operand(ones_like(Operand(node.inputs()[0], w), DType::int64), w));
  inputs[1] = ids;
  const Variable winner = detail::reapply(node, std::move(inputs), w);
  const std::vector<Variable>& in = node.inputs();
  std::vector<Operand> arrays;
  for (std::size_t i = 2; i < in.size(); ++i) arrays.emplace_back(in[i], w);
  const Variable written = node.op().name == "advanced_inc_subtensor1"
                               ? advanced_subtensor1(Operand(winner, w), arrays[0], node.attrs().get_int("axis"))
                               : advanced_subtensor(Operand(winner, w), arrays, node.attrs().get_ints("axes"),
                                                    node.attrs().get_bool("first"));
  return eq(Operand(written, w), Operand(ids, w));
}

// x's gradient is g (inc), or g with the selection zeroed (set: those elements were
// replaced); y's is g at the selection (for set, at the positions that wrote last),
// summed over what y was broadcast along.
std::vector<Variable> advanced_inc_vjp(const VjpArgs& a) {
  std::vector<Variable> out(a.node.inputs().size());
  const Variable& g = a.grad(0);
  if (!g.valid()) return out;
  const SourceLocation w = a.where;
  const std::vector<Variable>& in = a.node.inputs();
  const bool set = a.node.attrs().get_bool("set");
  if (set) {
    std::vector<Variable> inputs = in;
    inputs[0] = g;
    inputs[1] = constant(0.0, g.dtype(), w);
    out[0] = detail::reapply(a.node, std::move(inputs), w);
  } else {
    out[0] = g;
  }
  const Variable& y = a.input(1);
  if (detail::carries_gradient(y.dtype())) {
    std::vector<Operand> arrays;
    for (std::size_t i = 2; i < in.size(); ++i) arrays.emplace_back(in[i], w);
    auto gather = [&](const Variable& from) {
      return a.node.op().name == "advanced_inc_subtensor1"
                 ? advanced_subtensor1(Operand(from, w), arrays[0], a.node.attrs().get_int("axis"))
                 : advanced_subtensor(Operand(from, w), arrays, a.node.attrs().get_ints("axes"), first_of(a.node));
    };
    Variable picked = gather(g);
    if (set) picked = where(Operand(last_writes(a.node, picked, w), w), Operand(picked, w), Operand(0.0, w));
    out[1] = detail::in_dtype_of(detail::sum_back_to(picked, y, w), y, w);
  }
  return out;
}

// Linear in (x, y) together: the tangent is the same op on the tangents.
std::vector<Variable> advanced_inc_jvp(const JvpArgs& a) {
  const Variable &tx = a.tangent(0), &ty = a.tangent(1);
  const bool set = a.node.attrs().get_bool("set");
  if (!tx.valid() && !ty.valid()) return {Variable()};
  if (!ty.valid() && !set) return {tx};
  const SourceLocation w = a.where;
  std::vector<Variable> inputs = a.node.inputs();
  const DType dt = a.node.output_types()[0].dtype;
  inputs[0] = tx.valid() ? tx : zeros_like(Operand(a.input(0), w), dt);
  inputs[1] = ty.valid() ? ty : constant(0.0, dt, w);
  return {detail::reapply(a.node, std::move(inputs), w)};
}

// Each batch element increments its own x (x is broadcast along the batch when only y
// or the indices carry it). Unbatched indices in place: the axes shift by one.
// Otherwise an arange index on the batch axis pairs batch element b with x[b]; the
// index dimensions then go first, and y's dimensions are arranged to match.
std::vector<Variable> advanced_inc_batch(const BatchArgs& a) {
  detail::check_batch(a, static_cast<int>(a.inputs.size()));
  const SourceLocation w = a.where;
  const Node& node = a.node;
  const bool one = node.op().name == "advanced_inc_subtensor1";
  const bool set = node.attrs().get_bool("set");
  const std::vector<std::int64_t> axes = axes_of(node);
  const bool first = first_of(node);
  const int nd = node.inputs()[0].ndim();
  std::size_t bk = 0;
  while (!a.batched[bk]) ++bk;
  const Variable b = detail::batch_size(a.inputs[bk], w);

  Variable x = a.inputs[0];
  if (!a.batched[0]) {
    std::vector<Operand> sizes{Operand(b, w)};
    for (const Operand& s : detail::shape_operands(x, w)) sizes.push_back(s);
    x = broadcast_to(Operand(x, w), sizes);
  }
  std::vector<Variable> arrays(a.inputs.begin() + 2, a.inputs.end());
  bool arrays_batched = false;
  int index_nd = 0;
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    arrays_batched = arrays_batched || a.batched[k + 2];
    index_nd = std::max(index_nd, arrays[k].ndim() - (a.batched[k + 2] ? 1 : 0));
  }
  const int sel_nd = nd - static_cast<int>(axes.size()) + index_nd;
  Variable y = a.inputs[1];
  const int y_nd = y.ndim() - (a.batched[1] ? 1 : 0);
  std::vector<std::int64_t> shifted;
  for (std::int64_t ax : axes) shifted.push_back(ax + 1);

  if (!arrays_batched && !first) {  // the selection is (B, outer, index, inner)
    if (a.batched[1]) y = detail::pad_after_batch(y, sel_nd - y_nd, w);
    std::vector<Operand> idx;
    for (const Variable& v : arrays) idx.emplace_back(v, w);
    if (one) return {advanced_inc_subtensor1(Operand(x, w), Operand(y, w), idx[0], shifted[0], set)};
    return {advanced_inc_subtensor(Operand(x, w), Operand(y, w), idx, shifted, false, set)};
  }
  // The selection is (B, index, outer, inner).
  std::vector<Operand> idx;
  const Variable batch_index = arange(Operand(b, w), DType::int64);
  idx.emplace_back(detail::pad_after_batch(batch_index, index_nd, w), w);
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    idx.emplace_back(a.batched[k + 2] ? detail::pad_after_batch(arrays[k], index_nd - (arrays[k].ndim() - 1), w)
                                      : arrays[k],
                     w);
  }
  shifted.insert(shifted.begin(), 0);
  if (a.batched[1]) {
    y = detail::pad_after_batch(y, sel_nd - y_nd, w);
  } else {
    std::vector<std::int64_t> pattern(static_cast<std::size_t>(1 + sel_nd - y_nd), newaxis);
    for (int i = 0; i < y_nd; ++i) pattern.push_back(i);
    y = dimshuffle(Operand(y, w), pattern);
  }
  const int n_outer = first ? 0 : static_cast<int>(axes.front());
  if (n_outer > 0) {  // (B, outer, index, inner) -> (B, index, outer, inner)
    std::vector<std::int64_t> perm{0};
    for (int i = 0; i < index_nd; ++i) perm.push_back(1 + n_outer + i);
    for (int i = 0; i < n_outer; ++i) perm.push_back(1 + i);
    for (int i = 1 + n_outer + index_nd; i <= sel_nd; ++i) perm.push_back(i);
    y = dimshuffle(Operand(y, w), perm);
  }
  return {advanced_inc_subtensor(Operand(x, w), Operand(y, w), idx, shifted, true, set)};
}

}  // namespace

void register_advanced_inc_subtensor_ops(OpRegistry& r) {
  r.define("advanced_inc_subtensor1")
      .set_summary("A copy of x with y added (numpy.add.at) or set at integer indices along attribute `axis`.")
      .set_traits(kPure)
      .set_infer(infer_advanced_inc_subtensor1)
      .set_shape(detail::shape_same_as_input0)
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{increment(a.inputs[0], a.inputs[1], a.inputs.subspan(2),
                                            {a.attrs().get_int("axis")}, false, a.attrs().get_bool("set"))};
      })
      .lowers(Lowering::loop_nest("scatter-add or scatter along one axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(advanced_inc_vjp)
      .set_jvp(advanced_inc_jvp)
      .set_batch(advanced_inc_batch);

  r.define("advanced_inc_subtensor")
      .set_summary("A copy of x with y added (numpy.add.at) or set at broadcast index arrays over attribute `axes`.")
      .set_traits(kPure)
      .set_infer(infer_advanced_inc_subtensor)
      .set_shape(detail::shape_same_as_input0)
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{increment(a.inputs[0], a.inputs[1], a.inputs.subspan(2), a.attrs().get_ints("axes"),
                                            a.attrs().get_bool("first"), a.attrs().get_bool("set"))};
      })
      .lowers(Lowering::loop_nest("scatter-add or scatter over several axes"))
      .set_aliasing(Aliasing::none())
      .set_vjp(advanced_inc_vjp)
      .set_jvp(advanced_inc_jvp)
      .set_batch(advanced_inc_batch);
}

// ---------------------------------------------------------------- builders

Variable advanced_inc_subtensor1(const Operand& x, const Operand& y, const Operand& indices, std::int64_t axis,
                                 bool set) {
  const Variable v = x.variable();
  const std::int64_t a = detail::checked_axis(x, "advanced_inc_subtensor1", axis, v.ndim());
  return apply1("advanced_inc_subtensor1", {v, y.variable_like(v.dtype()), indices.variable()},
                Attrs{{"axis", a}, {"set", set}}, x.where());
}

Variable advanced_inc_subtensor(const Operand& x, const Operand& y, const std::vector<Operand>& indices,
                                const std::vector<std::int64_t>& axes, bool first, bool set) {
  const Variable v = x.variable();
  std::vector<Variable> inputs{v, y.variable_like(v.dtype())};
  for (const Operand& i : indices) inputs.push_back(i.variable());
  return apply1("advanced_inc_subtensor", std::move(inputs), Attrs{{"axes", axes}, {"first", first}, {"set", set}},
                x.where());
}

}  // namespace hypatia
