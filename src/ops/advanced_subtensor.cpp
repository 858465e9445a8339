// Advanced indexing, reading: advanced_subtensor1 (numpy.take along one axis, with any
// rank of integer indices), advanced_subtensor (NumPy's integer-array indexing over
// several axes), nonzero, and the take front end. The increments live in
// advanced_inc_subtensor.cpp; what both share, in advanced_index.hpp.
//
// The gathers turn the index arrays into byte offsets once (checking every index), then
// copy: the trailing part of each selected block that x stores contiguously is one
// memcpy, so `take(matrix, rows)` copies whole rows.
#include <algorithm>
#include <cstring>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/index.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/advanced_index.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

// ---------------------------------------------------------------- the gather kernel

// One element of `Size` bytes per offset pair: the common case of a gather along the
// last axis, kept free of memcpy calls.
template <class U>
void copy_elements(std::byte* dst, const std::byte* src, const std::vector<std::int64_t>& outer,
                   const std::vector<std::int64_t>& offsets) {
  U* d = reinterpret_cast<U*>(dst);
  for (std::int64_t o : outer) {
    const std::byte* base = src + o;
    for (std::int64_t j : offsets) {
      U v;
      std::memcpy(&v, base + j, sizeof(U));
      *d++ = v;
    }
  }
}

Array gather(const Array& x, std::span<const Array> arrays, const std::vector<std::int64_t>& axes, bool first) {
  const detail::IndexPlan p = detail::plan_index(x.shape(), x.strides(), arrays, axes, first);
  Array out = Array::empty(x.dtype(), p.selection);
  if (out.size() == 0) return out;
  const std::size_t itemsize = x.itemsize();
  // The trailing inner axes x stores contiguously (and size-1 ones) make one chunk.
  std::vector<int> strided = p.axes.inner;
  std::int64_t chunk = static_cast<std::int64_t>(itemsize);
  while (!strided.empty()) {
    const auto b = static_cast<std::size_t>(strided.back());
    if (x.shape()[b] != 1 && x.strides()[b] != chunk) break;
    chunk *= x.shape()[b];
    strided.pop_back();
  }
  const std::vector<std::int64_t> outer = detail::element_offsets(x.shape(), x.strides(), p.axes.outer);
  const std::vector<std::int64_t> rest = detail::element_offsets(x.shape(), x.strides(), strided);
  std::byte* dst = out.data();
  const std::byte* src = x.data();
  if (rest.size() == 1 && chunk == static_cast<std::int64_t>(itemsize)) {
    switch (itemsize) {
      case 1: copy_elements<std::uint8_t>(dst, src, outer, p.offsets); return out;
      case 2: copy_elements<std::uint16_t>(dst, src, outer, p.offsets); return out;
      case 4: copy_elements<std::uint32_t>(dst, src, outer, p.offsets); return out;
      case 8: copy_elements<std::uint64_t>(dst, src, outer, p.offsets); return out;
      default: break;
    }
  }
  const auto n = static_cast<std::size_t>(chunk);
  for (std::int64_t o : outer) {
    for (std::int64_t j : p.offsets) {
      const std::byte* block = src + o + j;
      for (std::int64_t r : rest) {
        std::memcpy(dst, block + r, n);
        dst += n;
      }
    }
  }
  return out;
}

std::vector<std::int64_t> single_axis(const Attrs& attrs) { return {attrs.get_int("axis")}; }

// ---------------------------------------------------------------- type and shape inference

std::vector<Type> infer_advanced_subtensor1(const InferArgs& a) {
  const Type& x = a.type(0);
  detail::check_index_dtype(a.type(1), "indices");
  const std::int64_t axis = a.attrs.get_int("axis");
  if (axis < 0 || axis >= x.ndim()) {
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                     std::to_string(x.ndim()));
  }
  const std::vector<std::int64_t> axes{axis};
  return {Type{x.dtype, detail::selection_layout(x.shape, a.type(1).shape, detail::selection_axes(x.ndim(), axes, false))}};
}

std::vector<SymShape> advanced_subtensor1_shape(const ShapeArgs& a) {
  const int nd = a.node.inputs()[0].ndim();
  return {detail::selection_layout(a.input_shapes[0], a.input_shapes[1],
                                   detail::selection_axes(nd, single_axis(a.node.attrs()), false))};
}

std::vector<Type> infer_advanced_subtensor(const InferArgs& a) {
  return {Type{a.type(0).dtype, detail::infer_selection(a, 1)}};
}

std::vector<SymShape> advanced_subtensor_shape(const ShapeArgs& a) {
  const Attrs& attrs = a.node.attrs();
  const std::span<const SymShape> arrays(a.input_shapes.begin() + 1, a.input_shapes.end());
  return {detail::selection_layout(
      a.input_shapes[0], detail::broadcast_symbolic(arrays, a.where),
      detail::selection_axes(a.node.inputs()[0].ndim(), attrs.get_ints("axes"), attrs.get_bool("first")))};
}

// ---------------------------------------------------------------- rules

// Indexing's gradient is an increment into zeros at the same indices; the indices,
// being integers, get none.
std::vector<Variable> advanced_subtensor_vjp(const VjpArgs& a) {
  std::vector<Variable> out(a.node.inputs().size());
  const Variable& g = a.grad(0);
  if (!g.valid()) return out;
  const SourceLocation w = a.where;
  const Attrs& attrs = a.node.attrs();
  const Operand zeros(zeros_like(Operand(a.input(0), w), g.dtype()), w);
  std::vector<Operand> arrays;
  for (std::size_t i = 1; i < a.node.inputs().size(); ++i) arrays.emplace_back(a.node.inputs()[i], w);
  if (a.node.op().name == "advanced_subtensor1") {
    out[0] = advanced_inc_subtensor1(zeros, Operand(g, w), arrays[0], attrs.get_int("axis"), false);
  } else {
    out[0] = advanced_inc_subtensor(zeros, Operand(g, w), arrays, attrs.get_ints("axes"), attrs.get_bool("first"),
                                    false);
  }
  out[0] = detail::in_dtype_of(out[0], a.input(0), w);
  return out;
}

std::vector<Variable> advanced_subtensor_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

// The batched form of x[arrays at axes] (first as given), where any of x and the arrays
// may carry a leading batch axis; `one` builds advanced_subtensor1 where it can.
Variable batched_gather(const Variable& x, bool x_batched, const std::vector<Variable>& arrays,
                        const std::vector<bool>& batched, const std::vector<std::int64_t>& axes, bool first,
                        bool of_basic, bool one, SourceLocation w) {
  const bool arrays_batched = std::any_of(batched.begin(), batched.end(), [](bool b) { return b; });
  auto build = [&](const Variable& xv, const std::vector<Variable>& idx, const std::vector<std::int64_t>& ax,
                   bool f) {
    if (one && idx.size() == 1 && !f) return advanced_subtensor1(Operand(xv, w), Operand(idx[0], w), ax[0], of_basic);
    std::vector<Operand> ops;
    for (const Variable& v : idx) ops.emplace_back(v, w);
    return advanced_subtensor(Operand(xv, w), ops, ax, f, of_basic);
  };
  int index_nd = 0;  // the rank of the unbatched broadcast index shape
  for (std::size_t k = 0; k < arrays.size(); ++k) index_nd = std::max(index_nd, arrays[k].ndim() - (batched[k] ? 1 : 0));
  std::vector<std::int64_t> shifted;
  for (std::int64_t ax : axes) shifted.push_back(ax + 1);
  if (!arrays_batched) {  // only x: its axes shift by one
    const Variable out = build(x, arrays, shifted, first);
    return first ? detail::move_to_front(out, index_nd, w) : out;  // (index, B, inner) -> (B, index, inner)
  }
  // Batched arrays lead the broadcast index shape: their own axes are padded to the
  // rank of the unbatched broadcast.
  std::vector<Variable> idx;
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    idx.push_back(batched[k] ? detail::pad_after_batch(arrays[k], index_nd - (arrays[k].ndim() - 1), w) : arrays[k]);
  }
  const int n_outer = first ? 0 : static_cast<int>(axes.front());
  if (!x_batched) {  // (outer, B, index, inner): the batch axis moves to the front
    const Variable out = build(x, idx, axes, first);
    return n_outer == 0 ? out : detail::move_to_front(out, n_outer, w);
  }
  // Both: batch element b reads x[b], through an arange index on the batch axis; the
  // index dimensions then go first, and back after the outer axes when they belong there.
  std::size_t bk = 0;
  while (!batched[bk]) ++bk;
  const Variable b = arange(Operand(detail::batch_size(arrays[bk], w), w), DType::int64);
  idx.insert(idx.begin(), detail::pad_after_batch(b, index_nd, w));
  shifted.insert(shifted.begin(), 0);
  const Variable out = build(x, idx, shifted, true);
  if (n_outer == 0) return out;
  std::vector<std::int64_t> perm{0};
  for (int i = 0; i < n_outer; ++i) perm.push_back(1 + index_nd + i);
  for (int i = 0; i < index_nd; ++i) perm.push_back(1 + i);
  for (int i = 1 + index_nd + n_outer; i < out.ndim(); ++i) perm.push_back(i);
  return dimshuffle(Operand(out, w), perm);
}

std::vector<Variable> advanced_subtensor_batch(const BatchArgs& a) {
  detail::check_batch(a, static_cast<int>(a.inputs.size()));
  const Attrs& attrs = a.node.attrs();
  const bool one = a.node.op().name == "advanced_subtensor1";
  const std::vector<Variable> arrays(a.inputs.begin() + 1, a.inputs.end());
  const std::vector<bool> batched(a.batched.begin() + 1, a.batched.end());
  const std::vector<std::int64_t> axes = one ? single_axis(attrs) : attrs.get_ints("axes");
  const bool first = one ? false : attrs.get_bool("first");
  return {batched_gather(a.inputs[0], a.batched[0], arrays, batched, axes, first, attrs.get_bool("of_basic"), one,
                         a.where)};
}

// ---------------------------------------------------------------- nonzero

std::vector<Type> infer_nonzero(const InferArgs& a) {
  const Type& x = a.type(0);
  if (x.ndim() == 0) {
    throw ValueError("nonzero of a 0-d array (type " + x.str() +
                     ") is not supported, as in NumPy 2: make x at least 1-d first (reshape(x, {1}))");
  }
  const bool empty = std::find(x.shape.begin(), x.shape.end(), 0) != x.shape.end();
  return std::vector<Type>(static_cast<std::size_t>(x.ndim()), Type{DType::int64, {empty ? 0 : kUnknownDim}});
}

std::vector<Array> nonzero_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const int nd = x.ndim();
  std::vector<std::vector<std::int64_t>> coords(static_cast<std::size_t>(nd));
  visit_dtype(x.dtype(), [&]<class T>(std::type_identity<T>) {
    std::vector<std::int64_t> index(static_cast<std::size_t>(nd), 0);
    detail::for_each_element(x, [&](const std::byte* p) {
      if (*reinterpret_cast<const T*>(p) != T(0)) {  // NaN counts as nonzero, as in NumPy
        for (std::size_t d = 0; d < index.size(); ++d) coords[d].push_back(index[d]);
      }
      for (int d = nd - 1; d >= 0; --d) {  // for_each_element walks in C order
        const auto du = static_cast<std::size_t>(d);
        if (++index[du] < x.shape()[du]) break;
        index[du] = 0;
      }
    });
  });
  std::vector<Array> out;
  for (const auto& c : coords) out.push_back(Array::from_vector(c, {static_cast<std::int64_t>(c.size())}));
  return out;
}

// Every output has one entry per nonzero element of x.
std::vector<SymShape> nonzero_shape(const ShapeArgs& a) {
  const Variable& x = a.node.inputs()[0];
  const SourceLocation w = a.where;
  const Variable n = cast(Operand(sum(Operand(neq(Operand(x, w), Operand(0, w)), w)), w), DType::int64);
  return std::vector<SymShape>(static_cast<std::size_t>(x.ndim()), SymShape{n});
}

std::vector<Variable> nonzero_batch(const BatchArgs& a) {
  throw ValueError("nonzero (made at " + format_location(a.where) +
                   ") cannot be vectorized over a batch: each batch element has its own number of nonzeros");
}

}  // namespace

void register_advanced_subtensor_ops(OpRegistry& r) {
  r.define("advanced_subtensor1")
      .set_summary("numpy.take along attribute `axis`: x's elements at integer indices of any rank (a new array).")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_advanced_subtensor1)
      .set_shape(advanced_subtensor1_shape)
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{gather(a.inputs[0], a.inputs.subspan(1), single_axis(a.attrs()), false)};
      })
      .lowers(Lowering::loop_nest("gather along one axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(advanced_subtensor_vjp)
      .set_jvp(advanced_subtensor_jvp)
      .set_batch(advanced_subtensor_batch);

  r.define("advanced_subtensor")
      .set_summary("NumPy's integer-array indexing: x at broadcast index arrays over attribute `axes`.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_advanced_subtensor)
      .set_shape(advanced_subtensor_shape)
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{
            gather(a.inputs[0], a.inputs.subspan(1), a.attrs().get_ints("axes"), a.attrs().get_bool("first"))};
      })
      .lowers(Lowering::loop_nest("gather over several axes"))
      .set_aliasing(Aliasing::none())
      .set_vjp(advanced_subtensor_vjp)
      .set_jvp(advanced_subtensor_jvp)
      .set_batch(advanced_subtensor_batch);

  r.define("nonzero")
      .set_summary("numpy.nonzero: per axis of x, the int64 coordinates of its nonzero elements in C order.")
      .set_traits(kPure)
      .set_infer(infer_nonzero)
      .set_shape(nonzero_shape)
      .set_reference(nonzero_reference)
      .lowers(Lowering::loop_nest("compaction of nonzero coordinates"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("its outputs are integer coordinates")
      .set_batch(nonzero_batch);
}

// ---------------------------------------------------------------- builders

Variable advanced_subtensor1(const Operand& x, const Operand& indices, std::int64_t axis, bool of_basic) {
  const Variable v = x.variable();
  const std::int64_t a = detail::checked_axis(x, "advanced_subtensor1", axis, v.ndim());
  return apply1("advanced_subtensor1", {v, indices.variable()}, Attrs{{"axis", a}, {"of_basic", of_basic}},
                x.where());
}

Variable advanced_subtensor(const Operand& x, const std::vector<Operand>& indices,
                            const std::vector<std::int64_t>& axes, bool first, bool of_basic) {
  std::vector<Variable> inputs{x.variable()};
  for (const Operand& i : indices) inputs.push_back(i.variable());
  return apply1("advanced_subtensor", std::move(inputs),
                Attrs{{"axes", axes}, {"first", first}, {"of_basic", of_basic}}, x.where());
}

Variable take(const Operand& x, const Operand& indices, std::optional<std::int64_t> axis) {
  if (!axis) return advanced_subtensor1(Operand(flatten(x), x.where()), indices, 0);
  return advanced_subtensor1(x, indices, detail::checked_axis(x, "take", *axis, x.variable().ndim()));
}

std::vector<Variable> nonzero(const Operand& x) { return apply("nonzero", {x.variable()}, {}, x.where()); }

}  // namespace hypatia
