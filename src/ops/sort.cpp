// Sorting and searching: sort, argsort, topk, argtopk, searchsorted, take_along_axis,
// inc_along_axis.
//
// Order: NumPy's, NaN after every number (NaNs equal to each other), stable, so that
// equal elements keep their order and argsort's result is unique. topk's k > 0 is
// the k largest in descending order, NaN counting as the largest; ties keep the lower
// index first in both directions.
//
// Attributes: "axis" (normalized by the public functions; the flattened array is a
// reshape first), "k" for topk and argtopk, "side" for searchsorted.
//
// Gradients route through the permutation: sort's is g added back at argsort(x) (an
// inc_along_axis), take_along_axis's is inc_along_axis into zeros, and
// inc_along_axis's is g for x and take_along_axis(g) for y. The index-valued ops have
// none.
#include "hypatia/ops/sort.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/along_axis.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

using detail::walk_offsets;
using detail::with_size;

std::int64_t axis_of(const Node& node) { return node.attrs().get_int("axis"); }

// A node's axis attribute, checked against its input (the public functions
// normalized the user's axis, so a bad one here is our bug).
int checked_axis(const InferArgs& a) {
  const std::int64_t axis = a.attrs.get_int("axis");
  if (axis < 0 || axis >= a.type(0).ndim()) {
    throw InternalError("axis attribute " + std::to_string(axis) + " is not normalized for " + a.type(0).str());
  }
  return static_cast<int>(axis);
}

// ---------------------------------------------------------------- sort, topk

// The first `count` elements of each line of x along `axis` in sorted order
// (ascending, or descending with NaN first), as values or as int64 indices.
Array ordered(const Array& x, int axis, std::int64_t count, bool descending, bool indices) {
  const auto ax = static_cast<std::size_t>(axis);
  const std::int64_t n = x.shape()[ax];
  const Shape out_shape = with_size(x.shape(), axis, count);
  Array out = Array::empty(indices ? DType::int64 : x.dtype(), out_shape);
  const Strides out_strides = contiguous_strides(out_shape, out.itemsize());
  const std::int64_t xs = x.strides()[ax], os = out_strides[ax];
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    walk_offsets<2>(with_size(x.shape(), axis, 1), {x.strides(), out_strides}, [&](const auto& off) {
      const std::byte* line = x.data() + off[0];
      auto at = [&](std::int64_t i) { return *reinterpret_cast<const T*>(line + i * xs); };
      std::iota(order.begin(), order.end(), std::int64_t{0});
      if (descending) {
        std::stable_sort(order.begin(), order.end(),
                         [&](std::int64_t i, std::int64_t j) { return detail::nan_last_less(at(j), at(i)); });
      } else {
        std::stable_sort(order.begin(), order.end(),
                         [&](std::int64_t i, std::int64_t j) { return detail::nan_last_less(at(i), at(j)); });
      }
      std::byte* o = out.data() + off[1];
      for (std::int64_t k = 0; k < count; ++k) {
        const std::int64_t i = order[static_cast<std::size_t>(k)];
        if (indices) {
          *reinterpret_cast<std::int64_t*>(o + k * os) = i;
        } else {
          *reinterpret_cast<T*>(o + k * os) = at(i);
        }
      }
    });
  });
  return out;
}

std::vector<Type> infer_sort(const InferArgs& a, bool indices) {
  checked_axis(a);
  return {Type{indices ? DType::int64 : a.type(0).dtype, a.type(0).shape}};
}

std::vector<Type> infer_topk(const InferArgs& a, bool indices) {
  const int axis = checked_axis(a);
  const std::int64_t k = a.attrs.get_int("k");
  const Type& t = a.type(0);
  const std::int64_t n = t.shape[static_cast<std::size_t>(axis)];
  if (k == 0) throw ValueError("k = 0: topk needs a nonzero k (k > 0: the largest, k < 0: the smallest)");
  const std::int64_t count = k < 0 ? -k : k;
  if (n != kUnknownDim && count > n) {
    throw ValueError("|k| = " + std::to_string(count) + " is larger than the size " + std::to_string(n) +
                     " of axis " + std::to_string(axis) + " of x of type " + t.str());
  }
  return {Type{indices ? DType::int64 : t.dtype, with_size(t.shape, axis, count)}};
}

KernelFn sort_kernel(bool indices) {
  return [indices](const KernelArgs& a) {
    const Array& x = a.inputs[0];
    const int axis = static_cast<int>(a.attrs().get_int("axis"));
    return std::vector<Array>{ordered(x, axis, x.shape(axis), false, indices)};
  };
}

KernelFn topk_kernel(bool indices) {
  return [indices](const KernelArgs& a) {
    const Array& x = a.inputs[0];
    const int axis = static_cast<int>(a.attrs().get_int("axis"));
    const std::int64_t k = a.attrs().get_int("k");
    const std::int64_t count = k < 0 ? -k : k;
    if (count > x.shape(axis)) {
      throw ValueError("|k| = " + std::to_string(count) + " is larger than the size " +
                       std::to_string(x.shape(axis)) + " of axis " + std::to_string(axis));
    }
    return std::vector<Array>{ordered(x, axis, count, k > 0, indices)};
  };
}

std::vector<SymShape> topk_shape(const ShapeArgs& a) {
  SymShape s = a.input_shapes.at(0);
  const std::int64_t k = a.node.attrs().get_int("k");
  s[static_cast<std::size_t>(axis_of(a.node))] = detail::size_constant(k < 0 ? -k : k, a.where);
  return {s};
}

// The permutation sort or topk applied along the node's axis.
Variable permutation_of(const Node& node, SourceLocation w) {
  const Operand x(node.inputs()[0], w);
  if (node.op().name == "sort") return argsort(x, axis_of(node));
  return argtopk(x, node.attrs().get_int("k"), axis_of(node));
}

std::vector<Variable> permute_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  const SourceLocation w = a.where;
  const Variable& x = a.input(0);
  return {inc_along_axis(zeros_like(Operand(x, w)), Operand(permutation_of(a.node, w), w), Operand(g, w),
                         axis_of(a.node))};
}

std::vector<Variable> permute_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  const SourceLocation w = a.where;
  return {take_along_axis(Operand(t, w), Operand(permutation_of(a.node, w), w), axis_of(a.node))};
}

// The op along the same axis of each batch element.
std::vector<Variable> shifted_axis_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  Attrs attrs = a.node.attrs();
  attrs.set("axis", axis_of(a.node) + 1);
  return {apply1(a.node.op().name, {a.inputs[0]}, std::move(attrs), a.where)};
}

// The public functions: the flattened array is a reshape first.
Variable along(const char* op, const Operand& x, std::optional<std::int64_t> axis, Attrs attrs = {}) {
  const SourceLocation w = x.where();
  Variable v = x.variable();
  if (!axis) {
    v = flatten(Operand(v, w));
    axis = 0;
  }
  attrs.set("axis", std::int64_t{detail::user_axis(x, op, *axis, v.ndim())});
  return apply1(op, {v}, std::move(attrs), w);
}

// ---------------------------------------------------------------- searchsorted

std::vector<Type> infer_searchsorted(const InferArgs& a) {
  const std::string& side = a.attrs.get<std::string>("side");
  if (side != "left" && side != "right") {
    throw ValueError("side must be 'left' or 'right' (got '" + side + "')");
  }
  if (a.type(0).ndim() != 1) throw ValueError("a must be 1-d, not " + a.type(0).str());
  return {Type{DType::int64, a.type(1).shape}};
}

// For each element of v: lower_bound (left) or upper_bound (right) in a, compared in
// the promoted dtype with NaN last.
Array searchsorted_kernel(const Array& a, const Array& v, bool right) {
  const DType common = promote_types(a.dtype(), v.dtype());
  const Array ac = a.astype(common), vc = v.astype(common);
  Array out = Array::empty(DType::int64, v.shape());
  auto* o = reinterpret_cast<std::int64_t*>(out.data());
  visit_dtype(common, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* first = reinterpret_cast<const T*>(ac.data());
    const T* last = first + ac.size();
    const T* values = reinterpret_cast<const T*>(vc.data());
    for (std::int64_t i = 0; i < vc.size(); ++i) {
      const T* at = right ? std::upper_bound(first, last, values[i], detail::nan_last_less<T>)
                          : std::lower_bound(first, last, values[i], detail::nan_last_less<T>);
      o[i] = at - first;
    }
  });
  return out;
}

// With `a` batched the op cannot take it (a is 1-d): count instead the elements of a
// that go before v (a < v for left, !(v < a) for right, NaN last), which is the same
// index for a sorted a.
std::vector<Variable> searchsorted_batch(const BatchArgs& a) {
  detail::check_batch(a, 2);
  const SourceLocation w = a.where;
  const Variable& sorted = a.inputs[0];
  const Variable& v = a.inputs[1];
  if (!a.batched[0]) return {apply1("searchsorted", {sorted, v}, a.node.attrs(), w)};
  const int vnd = a.node.inputs()[1].ndim();  // v's own rank
  std::vector<std::int64_t> vp;  // v as (B or 1, v's axes..., 1)
  if (!a.batched[1]) vp.push_back(newaxis);
  for (int i = 0; i < v.ndim(); ++i) vp.push_back(i);
  vp.push_back(newaxis);
  std::vector<std::int64_t> ap{0};  // a as (B, 1..., n)
  ap.insert(ap.end(), static_cast<std::size_t>(vnd), newaxis);
  ap.push_back(1);
  const Operand av(dimshuffle(Operand(sorted, w), ap), w), vv(dimshuffle(Operand(v, w), vp), w);
  const bool floats = is_float(promote_types(sorted.dtype(), v.dtype()));
  auto less = [&](const Operand& p, const Operand& q) -> Variable {
    Variable r = lt(p, q);
    if (!floats) return r;
    const Variable nan_after = logical_and(Operand(isnan(q), w), Operand(logical_not(Operand(isnan(p), w)), w));
    return logical_or(Operand(r, w), Operand(nan_after, w));
  };
  const bool right = a.node.attrs().get<std::string>("side") == "right";
  const Variable before = right ? logical_not(Operand(less(vv, av), w)) : less(av, vv);
  return {sum(Operand(before, w), Axes{-1})};
}

// ---------------------------------------------------------------- take/inc along axis
//
// Both index x along `axis` with `indices` and along every other axis d with the
// positions of the broadcast of x's and indices' sizes there (NumPy's
// _make_along_axis_idx): the result has the broadcast shape, with indices' size along
// axis.

[[noreturn]] void throw_mismatch(const Shape& x, const Shape& indices) {
  throw IndexError("shape mismatch: indexing arrays could not be broadcast together with shapes " + shape_str(x) +
                   " " + shape_str(indices));
}

std::string static_str(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s += (i ? ", " : "") + (shape[i] == kUnknownDim ? std::string("?") : std::to_string(shape[i]));
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The static shape of the indexing result, checking indices' type.
Shape along_result_static(const InferArgs& a, int axis) {
  const Type& x = a.type(0);
  const Type& idx = a.type(1);
  if (!is_integer(idx.dtype)) throw IndexError("`indices` must be an integer array, not " + idx.str());
  if (idx.ndim() != x.ndim()) {
    throw ValueError("`indices` and `arr` must have the same number of dimensions: indices " + idx.str() +
                     ", x " + x.str());
  }
  const Shape shapes[] = {with_size(x.shape, axis, 1), idx.shape};
  try {
    return detail::broadcast_static(shapes);
  } catch (const ShapeError&) {
    throw IndexError("shape mismatch: indexing arrays could not be broadcast together with shapes " +
                     static_str(x.shape) + " " + static_str(idx.shape));
  }
}

Shape along_result(const Array& x, const Array& indices, int axis) {
  const Shape shapes[] = {with_size(x.shape(), axis, 1), indices.shape()};
  try {
    return detail::broadcast_shapes(std::span<const Shape>(shapes));
  } catch (const ShapeError&) {
    throw_mismatch(x.shape(), indices.shape());
  }
}

SymShape along_result_symbolic(const ShapeArgs& a) {
  const int axis = static_cast<int>(axis_of(a.node));
  SymShape xs = a.input_shapes.at(0);
  xs[static_cast<std::size_t>(axis)] = detail::size_constant(1, a.where);
  const SymShape shapes[] = {xs, a.input_shapes.at(1)};
  return detail::broadcast_symbolic(shapes, a.where);
}

// x's strides for reading it over `result` (zero where x's size 1 is broadcast; the
// axis's own stride is applied to the index).
Strides along_strides(const Array& x, const Shape& result, int axis) {
  Strides s = x.strides();
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (static_cast<int>(d) == axis || x.shape()[d] != result[d]) s[d] = 0;
  }
  return s;
}

// Calls f(x byte offset, result position's offsets) for every position of the result,
// x's offset including the wrapped index.
template <class F>
void for_each_index(const Array& x, const Array& indices, int axis, const Shape& result, const Strides& third,
                    F&& f) {
  const auto ax = static_cast<std::size_t>(axis);
  const std::int64_t n = x.shape()[ax], step = x.strides()[ax];
  const std::array<Strides, 3> strides{along_strides(x, result, axis), detail::broadcast_strides(indices, result),
                                       third};
  visit_dtype(indices.dtype(), [&](auto tag) {
    using I = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<I> && !std::is_same_v<I, bool>) {
      walk_offsets<3>(result, strides, [&](const auto& off) {
        const I raw = *reinterpret_cast<const I*>(indices.data() + off[1]);
        std::int64_t i;
        bool ok;
        if constexpr (std::is_unsigned_v<I>) {
          ok = raw < static_cast<std::uint64_t>(n);
          i = ok ? static_cast<std::int64_t>(raw) : 0;
        } else {
          i = static_cast<std::int64_t>(raw);
          ok = i >= -n && i < n;
          if (i < 0) i += n;
        }
        if (!ok) {
          throw IndexError("index " + std::to_string(raw) + " is out of bounds for axis " + std::to_string(axis) +
                           " with size " + std::to_string(n));
        }
        f(off[0] + i * step, off[2]);
      });
    } else {
      throw InternalError("indices of dtype " + std::string(dtype_name(indices.dtype())));
    }
  });
}

std::vector<Type> infer_take(const InferArgs& a) {
  const int axis = checked_axis(a);
  return {Type{a.type(0).dtype, along_result_static(a, axis)}};
}

std::vector<Array> take_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const Array& indices = a.inputs[1];
  const int axis = static_cast<int>(a.attrs().get_int("axis"));
  const Shape result = along_result(x, indices, axis);
  Array out = Array::empty(x.dtype(), result);
  const std::size_t size = x.itemsize();
  for_each_index(x, indices, axis, result, contiguous_strides(result, size),
                 [&](std::int64_t from, std::int64_t to) { std::memcpy(out.data() + to, x.data() + from, size); });
  return {out};
}

std::vector<Type> infer_inc(const InferArgs& a) {
  const int axis = checked_axis(a);
  const Shape result = along_result_static(a, axis);
  const Type& y = a.type(2);
  const Shape shapes[] = {y.shape, result};
  bool ok = y.ndim() <= static_cast<int>(result.size());
  if (ok) {
    try {
      const Shape b = detail::broadcast_static(shapes);
      for (std::size_t d = 0; d < b.size(); ++d) ok = ok && (result[d] == kUnknownDim || b[d] == result[d]);
    } catch (const ShapeError&) {
      ok = false;
    }
  }
  if (!ok) {
    throw ValueError("shape mismatch: value array of shape " + static_str(y.shape) +
                     " could not be broadcast to indexing result of shape " + static_str(result));
  }
  return {a.type(0)};
}

std::vector<Array> inc_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const Array& indices = a.inputs[1];
  const int axis = static_cast<int>(a.attrs().get_int("axis"));
  const Shape result = along_result(x, indices, axis);
  const Array y = a.inputs[2].astype(x.dtype());
  const Shape shapes[] = {y.shape(), result};
  bool ok = y.ndim() <= static_cast<int>(result.size());
  try {
    ok = ok && detail::broadcast_shapes(std::span<const Shape>(shapes)) == result;
  } catch (const ShapeError&) {
    ok = false;
  }
  if (!ok) {
    throw ValueError("shape mismatch: value array of shape " + shape_str(y.shape()) +
                     " could not be broadcast to indexing result of shape " + shape_str(result));
  }
  Array out = x.copy();
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for_each_index(out, indices, axis, result, detail::broadcast_strides(y, result),
                   [&](std::int64_t at, std::int64_t from) {
                     T* p = reinterpret_cast<T*>(out.data() + at);
                     *p = detail::wrapping_add(*p, *reinterpret_cast<const T*>(y.data() + from));
                   });
  });
  return {out};
}

std::vector<Variable> take_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = a.where;
  const Variable& x = a.input(0);
  return {inc_along_axis(zeros_like(Operand(x, w)), Operand(a.input(1), w), Operand(g, w), axis_of(a.node)),
          Variable()};
}

std::vector<Variable> take_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

std::vector<Variable> inc_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable(), Variable()};
  const SourceLocation w = a.where;
  const Variable& y = a.input(2);
  const Variable gy = take_along_axis(Operand(g, w), Operand(a.input(1), w), axis_of(a.node));
  return {g, Variable(), detail::in_dtype_of(detail::sum_back_to(gy, y, w), y, w)};
}

// Linear in (x, y): the tangent is the op applied to the tangents.
std::vector<Variable> inc_jvp(const JvpArgs& a) {
  const Variable& tx = a.tangent(0);
  const Variable& ty = a.tangent(2);
  if (!ty.valid()) return {tx};
  const SourceLocation w = a.where;
  const Variable base = tx.valid() ? tx : zeros_like(Operand(a.input(0), w));
  return {detail::reapply(a.node, {base, a.input(1), ty}, w)};
}

// x and indices get a size-1 leading axis when not batched (it broadcasts against the
// batch).
Variable front_axis(const Variable& v, SourceLocation w) {
  std::vector<std::int64_t> pattern{newaxis};
  for (int i = 0; i < v.ndim(); ++i) pattern.push_back(i);
  return dimshuffle(Operand(v, w), pattern);
}

std::vector<Variable> take_batch(const BatchArgs& a) {
  detail::check_batch(a, 2);
  const SourceLocation w = a.where;
  Attrs attrs = a.node.attrs();
  attrs.set("axis", axis_of(a.node) + 1);
  const Variable x = a.batched[0] ? a.inputs[0] : front_axis(a.inputs[0], w);
  const Variable idx = a.batched[1] ? a.inputs[1] : front_axis(a.inputs[1], w);
  return {apply1("take_along_axis", {x, idx}, std::move(attrs), w)};
}

// The output has x's shape, so an unbatched x is broadcast to the batch; a batched y
// gets size-1 axes after the batch axis up to x's rank (y broadcasts from the right).
std::vector<Variable> inc_batch(const BatchArgs& a) {
  detail::check_batch(a, 3);
  const SourceLocation w = a.where;
  Attrs attrs = a.node.attrs();
  attrs.set("axis", axis_of(a.node) + 1);
  const int nd = a.node.inputs()[0].ndim();
  Variable x = a.inputs[0];
  if (!a.batched[0]) {
    const Variable& batched = a.batched[1] ? a.inputs[1] : a.inputs[2];
    std::vector<Operand> sizes{Operand(detail::batch_size(batched, w), w)};
    for (const Operand& s : detail::shape_operands(x, w)) sizes.push_back(s);
    x = broadcast_to(Operand(front_axis(x, w), w), sizes);
  }
  const Variable idx = a.batched[1] ? a.inputs[1] : front_axis(a.inputs[1], w);
  Variable y = a.inputs[2];
  if (a.batched[2] && y.ndim() - 1 < nd) y = detail::pad_after_batch(y, nd - (y.ndim() - 1), w);
  return {apply1("inc_along_axis", {x, idx, y}, std::move(attrs), w)};
}

}  // namespace

void register_sort_ops(OpRegistry& r) {
  const char* const kIndex = "an index is an integer, piecewise constant in x";
  for (const bool indices : {false, true}) {
    OpDef& op = r.define(indices ? "argsort" : "sort")
                    .set_summary(indices ? "Indices (int64) that sort x along an axis (stable; NaN last)."
                                         : "x sorted along an axis (stable; NaN last, as NumPy).")
                    .set_traits(kPure)
                    .set_infer([indices](const InferArgs& a) { return infer_sort(a, indices); })
                    .set_shape(detail::shape_same_as_input0)
                    .set_reference(sort_kernel(indices))
                    .lowers(Lowering::loop_nest("a stable sort of each line along the axis"))
                    .set_aliasing(Aliasing::none())
                    .set_batch(shifted_axis_batch);
    if (indices) {
      op.not_differentiable(kIndex);
    } else {
      op.set_vjp(permute_vjp).set_jvp(permute_jvp);
    }
  }
  for (const bool indices : {false, true}) {
    OpDef& op = r.define(indices ? "argtopk" : "topk")
                    .set_summary(indices ? "Indices (int64) of the k largest (k > 0, descending) or |k| smallest "
                                           "(k < 0, ascending) elements along an axis; NaN is the largest."
                                         : "The k largest (k > 0, descending) or |k| smallest (k < 0, ascending) "
                                           "elements along an axis; NaN is the largest, ties keep index order.")
                    .set_traits(kPure)
                    .set_infer([indices](const InferArgs& a) { return infer_topk(a, indices); })
                    .set_shape(topk_shape)
                    .set_reference(topk_kernel(indices))
                    .lowers(Lowering::loop_nest("a partial stable sort of each line along the axis"))
                    .set_aliasing(Aliasing::none())
                    .set_batch(shifted_axis_batch);
    if (indices) {
      op.not_differentiable(kIndex);
    } else {
      op.set_vjp(permute_vjp).set_jvp(permute_jvp);
    }
  }
  r.define("searchsorted")
      .set_summary("Where each element of v would go in the sorted 1-d a (side 'left' or 'right'; NaN last).")
      .set_traits(kPure)
      .set_infer(infer_searchsorted)
      .set_shape([](const ShapeArgs& a) { return std::vector<SymShape>{a.input_shapes.at(1)}; })
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{
            searchsorted_kernel(a.inputs[0], a.inputs[1], a.attrs().get<std::string>("side") == "right")};
      })
      .lowers(Lowering::loop_nest("a binary search per element of v"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("a position is an integer, piecewise constant in a and v")
      .set_batch(searchsorted_batch);
  r.define("take_along_axis")
      .set_summary("The elements of x at `indices` along an axis (numpy.take_along_axis).")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_take)
      .set_shape([](const ShapeArgs& a) { return std::vector<SymShape>{along_result_symbolic(a)}; })
      .set_reference(take_kernel)
      .lowers(Lowering::loop_nest("a gather along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(take_vjp)
      .set_jvp(take_jvp)
      .set_batch(take_batch);
  r.define("inc_along_axis")
      .set_summary("x with y added at `indices` along an axis, accumulating over repeated indices.")
      .set_traits(kPure)
      .set_infer(infer_inc)
      .set_shape(detail::shape_same_as_input0)
      .set_reference(inc_kernel)
      .lowers(Lowering::loop_nest("a copy of x, then a scatter-add along the axis"))
      .set_aliasing(Aliasing::none())
      .set_vjp(inc_vjp)
      .set_jvp(inc_jvp)
      .set_batch(inc_batch);
}

Variable sort(const Operand& x, std::optional<std::int64_t> axis) { return along("sort", x, axis); }
Variable argsort(const Operand& x, std::optional<std::int64_t> axis) { return along("argsort", x, axis); }
Variable topk(const Operand& x, std::int64_t k, std::int64_t axis) {
  return along("topk", x, axis, Attrs{{"k", k}});
}
Variable argtopk(const Operand& x, std::int64_t k, std::int64_t axis) {
  return along("argtopk", x, axis, Attrs{{"k", k}});
}

Variable searchsorted(const Operand& a, const Operand& v, const std::string& side) {
  const std::vector<Variable> vs = detail::to_variables({&a, &v});
  return apply1("searchsorted", vs, Attrs{{"side", side}}, v.where());
}

Variable take_along_axis(const Operand& x, const Operand& indices, std::int64_t axis) {
  const Variable xv = x.variable();
  const int ax = detail::user_axis(x, "take_along_axis", axis, xv.ndim());
  return apply1("take_along_axis", {xv, indices.variable()}, Attrs{{"axis", std::int64_t{ax}}}, x.where());
}

Variable inc_along_axis(const Operand& x, const Operand& indices, const Operand& y, std::int64_t axis) {
  const Variable xv = x.variable();
  const int ax = detail::user_axis(x, "inc_along_axis", axis, xv.ndim());
  return apply1("inc_along_axis", {xv, indices.variable(), y.variable_like(xv.dtype())},
                Attrs{{"axis", std::int64_t{ax}}}, x.where());
}

}  // namespace hypatia
