// Basic indexing: the ops subtensor (a view) and inc_subtensor (a copy with the
// selection set or incremented), and check_mask (the run-time shape check of a boolean
// index). The front end that turns keys into these nodes is src/ops/index_front.cpp.
//
// A key is stored as attribute `items` (one code per item, hypatia/ops/index.hpp) and
// int64 scalar inputs for the integers and present slice bounds, in key order. The
// three views of a key below (static shape, symbolic shape, run-time view) walk it the
// same way; the slice arithmetic is CPython's PySlice_AdjustIndices.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "grad/grad_util.hpp"
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/index.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/native_hooks.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"
#include "runtime/cast.hpp"

namespace hypatia {
namespace {

bool is_slice_code(std::int64_t code) { return code >= 0 && code <= 7; }

// The number of x's axes a key consumes.
int consumed_axes(const std::vector<std::int64_t>& items) {
  return static_cast<int>(std::count_if(items.begin(), items.end(), [](std::int64_t c) { return c != kIndexNewAxis; }));
}

// The number of bound inputs a key reads.
int bound_count(const std::vector<std::int64_t>& items) {
  int n = 0;
  for (std::int64_t c : items) {
    if (c == kIndexInteger) ++n;
    if (is_slice_code(c)) n += ((c & kSliceHasStart) != 0) + ((c & kSliceHasStop) != 0) + ((c & kSliceHasStep) != 0);
  }
  return n;
}

std::string too_many_indices(int ndim, int indexed) {
  return "too many indices for array: array is " + std::to_string(ndim) + "-dimensional, but " +
         std::to_string(indexed) + " were indexed";
}

std::string out_of_bounds(std::int64_t i, int axis, std::int64_t n) {
  return "index " + std::to_string(i) + " is out of bounds for axis " + std::to_string(axis) + " with size " +
         std::to_string(n);
}

// Checks the items and the bound inputs (bounds[0..]) of a key over x of type t.
void check_key(const Type& t, const std::vector<std::int64_t>& items, std::span<const Variable> bounds) {
  for (std::int64_t c : items) {
    if (c != kIndexInteger && c != kIndexNewAxis && !is_slice_code(c)) {
      throw InternalError("subtensor: bad item code " + std::to_string(c));
    }
  }
  if (consumed_axes(items) > t.ndim()) throw IndexError(too_many_indices(t.ndim(), consumed_axes(items)));
  if (bound_count(items) != static_cast<int>(bounds.size())) {
    throw InternalError("subtensor: the key reads " + std::to_string(bound_count(items)) + " bounds, the node has " +
                        std::to_string(bounds.size()));
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (bounds[i].dtype() != DType::int64 || bounds[i].ndim() != 0) {
      throw TypeError("index bound " + std::to_string(i) + " must be an int64 scalar, not " + bounds[i].type().str());
    }
  }
}

// A slice of an axis of size n, adjusted as NumPy does: start, step and length.
struct SliceRange {
  std::int64_t start, step, length;
};

SliceRange adjust_slice(std::int64_t n, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
                        std::optional<std::int64_t> step) {
  std::int64_t s = step.value_or(1);
  if (s == 0) throw ValueError("slice step cannot be zero");
  // As CPython: -step must not overflow.
  s = std::max(s, -std::numeric_limits<std::int64_t>::max());
  const bool neg = s < 0;
  auto clip = [&](std::int64_t v) {
    if (v < 0) {
      v += n;
      if (v < 0) v = neg ? -1 : 0;
    } else if (v >= n) {
      v = neg ? n - 1 : n;
    }
    return v;
  };
  const std::int64_t b = start ? clip(*start) : (neg ? n - 1 : 0);
  const std::int64_t e = stop ? clip(*stop) : (neg ? -1 : n);
  std::int64_t len = 0;
  if (neg) {
    if (e < b) len = (b - e - 1) / (-s) + 1;
  } else if (b < e) {
    len = (e - b - 1) / s + 1;
  }
  return {b, s, len};
}

std::optional<std::int64_t> constant_of(const Variable& v) {
  if (v.is_constant()) return v.constant_value().item<std::int64_t>();
  return std::nullopt;
}

// Walks a key: on_integer(axis, bound), on_new_axis(), on_slice(axis, start, stop, step)
// with absent bounds as nullopt, then on_rest(axis) for every axis the key leaves.
template <class B, class FI, class FN, class FS, class FR>
void walk_key(const std::vector<std::int64_t>& items, std::span<const B> bounds, int ndim, FI&& on_integer,
              FN&& on_new_axis, FS&& on_slice, FR&& on_rest) {
  std::size_t k = 0;
  int axis = 0;
  auto next = [&](bool present) -> std::optional<B> {
    if (!present) return std::nullopt;
    return bounds[k++];
  };
  for (std::int64_t c : items) {
    if (c == kIndexNewAxis) {
      on_new_axis();
    } else if (c == kIndexInteger) {
      on_integer(axis++, bounds[k++]);
    } else {
      std::optional<B> start = next(c & kSliceHasStart), stop = next(c & kSliceHasStop), step = next(c & kSliceHasStep);
      on_slice(axis++, start, stop, step);
    }
  }
  for (; axis < ndim; ++axis) on_rest(axis);
}

// The static shape of x[key]; errors for constants that are out of bounds.
Shape selection_type(const Type& t, const std::vector<std::int64_t>& items, std::span<const Variable> bounds) {
  check_key(t, items, bounds);
  Shape out;
  auto value = [](const std::optional<Variable>& v) -> std::optional<std::int64_t> {
    return v ? constant_of(*v) : std::nullopt;
  };
  walk_key<Variable>(
      items, bounds, t.ndim(),
      [&](int axis, const Variable& b) {
        const std::int64_t n = t.shape[static_cast<std::size_t>(axis)];
        const std::optional<std::int64_t> i = constant_of(b);
        if (i && n != kUnknownDim && (*i < -n || *i >= n)) throw IndexError(out_of_bounds(*i, axis, n));
      },
      [&] { out.push_back(1); },
      [&](int axis, const std::optional<Variable>& start, const std::optional<Variable>& stop,
          const std::optional<Variable>& step) {
        const std::optional<std::int64_t> s = value(step);
        if (s && *s == 0) throw ValueError("slice step cannot be zero");
        const std::int64_t n = t.shape[static_cast<std::size_t>(axis)];
        const bool known = n != kUnknownDim && (!start || value(start)) && (!stop || value(stop)) && (!step || s);
        out.push_back(known ? adjust_slice(n, value(start), value(stop), s).length : kUnknownDim);
      },
      [&](int axis) { out.push_back(t.shape[static_cast<std::size_t>(axis)]); });
  return out;
}

// x[key] as a view of x's buffer.
Array select(const Array& x, const std::vector<std::int64_t>& items, std::span<const Array> bounds) {
  Shape shape;
  Strides strides;
  std::int64_t offset = x.offset();
  walk_key<Array>(
      items, bounds, x.ndim(),
      [&](int axis, const Array& b) {
        const auto au = static_cast<std::size_t>(axis);
        std::int64_t i = b.item<std::int64_t>();
        const std::int64_t n = x.shape()[au];
        if (i < -n || i >= n) throw IndexError(out_of_bounds(i, axis, n));
        if (i < 0) i += n;
        offset += i * x.strides()[au];
      },
      [&] {
        shape.push_back(1);
        strides.push_back(0);
      },
      [&](int axis, const std::optional<Array>& start, const std::optional<Array>& stop,
          const std::optional<Array>& step) {
        const auto au = static_cast<std::size_t>(axis);
        auto value = [](const std::optional<Array>& v) -> std::optional<std::int64_t> {
          if (!v) return std::nullopt;
          return v->item<std::int64_t>();
        };
        const SliceRange r = adjust_slice(x.shape()[au], value(start), value(stop), value(step));
        shape.push_back(r.length);
        // Only a slice of two or more elements has a step to multiply (and then
        // step * stride stays inside the buffer: no overflow).
        strides.push_back(r.length > 1 ? r.step * x.strides()[au] : x.strides()[au]);
        if (r.length > 0) offset += r.start * x.strides()[au];
      },
      [&](int axis) {
        shape.push_back(x.shape()[static_cast<std::size_t>(axis)]);
        strides.push_back(x.strides()[static_cast<std::size_t>(axis)]);
      });
  return Array::view_of(x.buffer(), x.dtype(), std::move(shape), std::move(strides), offset);
}

// The length of a slice of an axis of symbolic size n, as int64 scalar graph: NumPy's
// clipping, folded where the step's sign is known (absent or constant).
Variable slice_length(const Variable& n, const std::optional<Variable>& start, const std::optional<Variable>& stop,
                      const std::optional<Variable>& step, SourceLocation w) {
  auto op = [w](const Variable& v) { return Operand(v, w); };
  const std::optional<std::int64_t> step_c = step ? constant_of(*step) : std::optional<std::int64_t>(1);
  if (step_c && *step_c == 0) throw ValueError("slice step cannot be zero");
  // Everything known: a constant.
  const std::optional<std::int64_t> n_c = constant_of(n);
  const std::optional<std::int64_t> start_c = start ? constant_of(*start) : std::nullopt;
  const std::optional<std::int64_t> stop_c = stop ? constant_of(*stop) : std::nullopt;
  if (n_c && step_c && (!start || start_c) && (!stop || stop_c)) {
    return detail::size_constant(adjust_slice(*n_c, start_c, stop_c, step_c).length, w);
  }
  // `neg` and the values that depend on the step's sign, as constants when it is known.
  Variable neg_v;
  auto pick = [&](const Variable& if_neg, const Variable& if_pos) {
    if (step_c) return *step_c < 0 ? if_neg : if_pos;
    return where(op(neg_v), op(if_neg), op(if_pos));
  };
  if (!step_c) neg_v = lt(op(*step), Operand(std::int64_t{0}, w));
  const Variable zero = detail::size_constant(0, w), minus_one = detail::size_constant(-1, w);
  const Variable n_minus_one = sub(op(n), Operand(std::int64_t{1}, w));
  const Variable lo = pick(minus_one, zero), hi = pick(n_minus_one, n);
  auto clip = [&](const Variable& v) {
    const Variable wrapped = where(op(lt(op(v), Operand(std::int64_t{0}, w))), op(add(op(v), op(n))), op(v));
    return minimum(op(maximum(op(wrapped), op(lo))), op(hi));
  };
  const Variable b = start ? clip(*start) : pick(n_minus_one, zero);
  const Variable e = stop ? clip(*stop) : pick(minus_one, n);
  if (step_c && *step_c == 1) return maximum(op(zero), op(sub(op(e), op(b))));
  // len = max(0, (e - b - sign) // step + 1)
  const Variable sign = pick(minus_one, detail::size_constant(1, w));
  const Variable s = step ? *step : detail::size_constant(1, w);
  const Variable q = floor_div(op(sub(op(sub(op(e), op(b))), op(sign))), op(s));
  return maximum(op(zero), op(add(op(q), Operand(std::int64_t{1}, w))));
}

SymShape selection_shape(const SymShape& xs, const Type& out_type, const std::vector<std::int64_t>& items,
                         std::span<const Variable> bounds, SourceLocation w) {
  SymShape out;
  walk_key<Variable>(
      items, bounds, static_cast<int>(xs.size()), [](int, const Variable&) {},
      [&] { out.push_back(detail::size_constant(1, w)); },
      [&](int axis, const std::optional<Variable>& start, const std::optional<Variable>& stop,
          const std::optional<Variable>& step) {
        const std::int64_t known = out_type.shape[out.size()];
        out.push_back(known != kUnknownDim ? detail::size_constant(known, w)
                                           : slice_length(xs[static_cast<std::size_t>(axis)], start, stop, step, w));
      },
      [&](int axis) { out.push_back(xs[static_cast<std::size_t>(axis)]); });
  return out;
}

std::string cannot_broadcast(const std::string& from, const std::string& to) {
  return "could not broadcast input array from shape " + from + " into shape " + to;
}

// NumPy's can_cast(from, to, "same_kind").
bool can_cast_same_kind(DType from, DType to) {
  if (can_cast_safely(from, to)) return true;
  if (is_float(from)) return is_float(to);
  if (is_signed_integer(from)) return is_signed_integer(to);
  if (is_unsigned_integer(from)) return is_integer(to);
  return false;
}

std::string cannot_cast_add(DType from, DType to) {
  return "Cannot cast ufunc 'add' output from dtype('" + std::string(dtype_name(from)) + "') to dtype('" +
         std::string(dtype_name(to)) + "') with casting rule 'same_kind'";
}

// ---------------------------------------------------------------- subtensor

std::vector<Type> infer_subtensor(const InferArgs& a) {
  const Type& t = a.type(0);
  return {Type{t.dtype, selection_type(t, a.attrs.get_ints("items"), a.inputs.subspan(1))}};
}

std::vector<Array> subtensor_reference(const KernelArgs& a) {
  return {select(a.inputs[0], a.attrs().get_ints("items"), a.inputs.subspan(1))};
}

std::vector<SymShape> subtensor_shape(const ShapeArgs& a) {
  const Node& n = a.node;
  return {selection_shape(a.input_shapes[0], n.output_types()[0], n.attrs().get_ints("items"),
                          std::span<const Variable>(n.inputs()).subspan(1), a.where)};
}

std::vector<Operand> operands_of(std::span<const Variable> vs, SourceLocation w) {
  std::vector<Operand> out;
  for (const Variable& v : vs) out.emplace_back(v, w);
  return out;
}

std::vector<Variable> with_no_bound_grads(std::vector<Variable> grads, const Node& node) {
  grads.resize(node.inputs().size());
  return grads;
}

// The selection of an increment into zeros (no repeats in a basic key: set = inc).
std::vector<Variable> subtensor_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return std::vector<Variable>(a.node.inputs().size());
  const SourceLocation w = a.where;
  const std::span<const Variable> bounds = std::span<const Variable>(a.node.inputs()).subspan(1);
  const Variable gx = inc_subtensor(Operand(zeros_like(Operand(a.input(0), w), g.dtype()), w), Operand(g, w),
                                    a.node.attrs().get_ints("items"), operands_of(bounds, w), false);
  return with_no_bound_grads({gx}, a.node);
}

std::vector<Variable> subtensor_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

// Only the array operands may carry a batch axis: a bound that varied across the batch
// would make the results ragged.
void check_batched_key(const BatchArgs& a, std::size_t first_bound) {
  for (std::size_t i = first_bound; i < a.batched.size(); ++i) {
    if (a.batched[i]) {
      throw TypeError(a.node.op().name + ": input " + std::to_string(i) +
                      " (an index or slice bound, or a size) cannot vary across a batch: the results would be "
                      "ragged");
    }
  }
}

// The batch axis leads and is taken whole: a full slice goes first.
std::vector<std::int64_t> batched_items(const Node& node) {
  std::vector<std::int64_t> items{0};
  for (std::int64_t c : node.attrs().get_ints("items")) items.push_back(c);
  return items;
}

std::vector<Variable> subtensor_batch(const BatchArgs& a) {
  check_batched_key(a, 1);
  std::vector<Variable> inputs(a.inputs.begin(), a.inputs.end());
  Attrs attrs = a.node.attrs();
  attrs.set("items", batched_items(a.node));
  return {apply1("subtensor", std::move(inputs), std::move(attrs), a.where)};
}

// ---------------------------------------------------------------- inc_subtensor

std::vector<Type> infer_inc_subtensor(const InferArgs& a) {
  const Type& t = a.type(0);
  const Type& y = a.type(1);
  const Shape sel = selection_type(t, a.attrs.get_ints("items"), a.inputs.subspan(2));
  bool fits = y.ndim() <= static_cast<int>(sel.size());
  for (int i = 1; fits && i <= y.ndim(); ++i) {
    const std::int64_t yd = y.shape[static_cast<std::size_t>(y.ndim() - i)];
    const std::int64_t sd = sel[sel.size() - static_cast<std::size_t>(i)];
    fits = yd == kUnknownDim || sd == kUnknownDim || yd == 1 || yd == sd;
  }
  if (!fits) throw ShapeError(cannot_broadcast(detail::static_shape_str(y.shape), detail::static_shape_str(sel)));
  if (!a.attrs.get_bool("set")) {
    const DType p = promote_types(t.dtype, y.dtype);
    if (!can_cast_same_kind(p, t.dtype)) throw TypeError(cannot_cast_add(p, t.dtype));
  }
  return {t};
}

template <class X, class P>
X added(X x, P y) {
  if constexpr (std::is_same_v<P, bool>) {
    return detail::convert<X>(detail::convert<bool>(x) || y);
  } else if constexpr (std::is_integral_v<P>) {
    using U = std::make_unsigned_t<P>;  // wraps, as NumPy does
    return detail::convert<X>(static_cast<P>(static_cast<U>(detail::convert<P>(x)) + static_cast<U>(y)));
  } else {
    return detail::convert<X>(detail::convert<P>(x) + y);
  }
}

std::vector<Array> inc_subtensor_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const Array& y = a.inputs[1];
  Array out = x.copy();
  Array sel = select(out, a.attrs().get_ints("items"), a.inputs.subspan(2));
  bool fits = y.ndim() <= sel.ndim();
  for (int i = 1; fits && i <= y.ndim(); ++i) {
    const std::int64_t yd = y.shape()[static_cast<std::size_t>(y.ndim() - i)];
    fits = yd == 1 || yd == sel.shape()[static_cast<std::size_t>(sel.ndim() - i)];
  }
  if (!fits) throw ShapeError(cannot_broadcast(shape_str(y.shape()), shape_str(sel.shape())));
  const Array yb = y.broadcast_to(sel.shape());
  if (a.attrs().get_bool("set")) {
    detail::copy_elements(yb, sel);  // NumPy's setitem: an unsafe cast into x's dtype
    return {out};
  }
  const DType p = promote_types(x.dtype(), y.dtype());
  const Array yp = yb.astype(p);  // C-contiguous, in sel's order
  visit_dtype(x.dtype(), [&](auto xtag) {
    using X = typename decltype(xtag)::type;
    visit_dtype(p, [&](auto ptag) {
      using P = typename decltype(ptag)::type;
      const P* yv = reinterpret_cast<const P*>(yp.data());
      detail::for_each_element(sel, [&](const std::byte* e) {
        X* xe = reinterpret_cast<X*>(const_cast<std::byte*>(e));
        *xe = added<X, P>(*xe, *yv++);
      });
    });
  });
  return {out};
}

std::vector<Variable> inc_subtensor_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return std::vector<Variable>(a.node.inputs().size());
  const SourceLocation w = a.where;
  const auto& items = a.node.attrs().get_ints("items");
  const std::vector<Operand> bounds = operands_of(std::span<const Variable>(a.node.inputs()).subspan(2), w);
  const bool set = a.node.attrs().get_bool("set");
  // Set replaced the selection: none of g there flows to x.
  const Variable gx =
      set ? inc_subtensor(Operand(g, w), Operand(constant(0.0, g.dtype(), w), w), items, bounds, true) : g;
  Variable gy = subtensor(Operand(g, w), items, bounds);
  gy = detail::in_dtype_of(detail::sum_back_to(gy, a.input(1), w), a.input(1), w);
  return with_no_bound_grads({gx, gy}, a.node);
}

std::vector<Variable> inc_subtensor_jvp(const JvpArgs& a) {
  const Variable& tx = a.tangent(0);
  const Variable& ty = a.tangent(1);
  const bool set = a.node.attrs().get_bool("set");
  if (!ty.valid() && (!tx.valid() || !set)) return {tx};
  const SourceLocation w = a.where;
  const DType dt = tx.valid() ? tx.dtype() : a.output(0).dtype();
  const Variable base = tx.valid() ? tx : zeros_like(Operand(a.input(0), w), dt);
  const Variable val = ty.valid() ? ty : constant(0.0, dt, w);
  std::vector<Variable> inputs = a.node.inputs();
  inputs[0] = base;
  inputs[1] = val;
  return {detail::reapply(a.node, std::move(inputs), w)};
}

std::vector<Variable> inc_subtensor_batch(const BatchArgs& a) {
  check_batched_key(a, 2);
  const SourceLocation w = a.where;
  const Node& n = a.node;
  Variable x = a.inputs[0], y = a.inputs[1];
  if (!a.batched[0]) {
    // x is the same for every batch element: broadcast it along y's batch axis.
    std::vector<Operand> sizes{Operand(detail::batch_size(y, w), w)};
    for (const Operand& s : detail::shape_operands(x, w)) sizes.push_back(s);
    x = broadcast_to(Operand(x, w), sizes);
  }
  if (a.batched[1]) {
    // y's own axes align with the selection's from the right, after the batch axis.
    const int sel_ndim = static_cast<int>(selection_type(n.inputs()[0].type(), n.attrs().get_ints("items"),
                                                         std::span<const Variable>(n.inputs()).subspan(2))
                                              .size());
    y = detail::pad_after_batch(y, sel_ndim - n.inputs()[1].ndim(), w);
  }
  std::vector<Variable> inputs(a.inputs.begin(), a.inputs.end());
  inputs[0] = x;
  inputs[1] = y;
  Attrs attrs = n.attrs();
  attrs.set("items", batched_items(n));
  return {apply1("inc_subtensor", std::move(inputs), std::move(attrs), w)};
}

// ---------------------------------------------------------------- check_mask
//
// check_mask(mask, sizes...): the mask itself, checked at run time to have the sizes
// of the axes of x it indexes (inputs 1.., int64 scalars); attribute `axis` is the
// first of those axes, for the message.

std::string mask_mismatch(std::int64_t axis, std::int64_t x_size, std::int64_t mask_size) {
  return "boolean index did not match indexed array along dimension " + std::to_string(axis) + "; dimension is " +
         std::to_string(x_size) + " but corresponding boolean dimension is " + std::to_string(mask_size);
}

std::vector<Type> infer_check_mask(const InferArgs& a) {
  const Type& m = a.type(0);
  if (a.num_inputs() - 1 != m.ndim()) throw InternalError("check_mask: one size per mask axis");
  Shape out = m.shape;
  for (int i = 0; i < m.ndim(); ++i) {
    const std::optional<std::int64_t> c = constant_of(a.inputs[static_cast<std::size_t>(i + 1)]);
    const auto iu = static_cast<std::size_t>(i);
    if (c && m.shape[iu] != kUnknownDim && *c != m.shape[iu]) {
      throw IndexError(mask_mismatch(a.attrs.get_int("axis") + i, *c, m.shape[iu]));
    }
    if (c) out[iu] = *c;
  }
  return {Type{m.dtype, out}};
}

std::vector<Array> check_mask_reference(const KernelArgs& a) {
  const Array& m = a.inputs[0];
  for (int i = 0; i < m.ndim(); ++i) {
    const std::int64_t want = a.inputs[static_cast<std::size_t>(i + 1)].item<std::int64_t>();
    if (want != m.shape()[static_cast<std::size_t>(i)]) {
      throw IndexError(mask_mismatch(a.attrs().get_int("axis") + i, want, m.shape()[static_cast<std::size_t>(i)]));
    }
  }
  return {m};
}

// Each batch element's mask has the same sizes to match: the batch axis is checked
// against itself.
std::vector<Variable> check_mask_batch(const BatchArgs& a) {
  check_batched_key(a, 1);
  std::vector<Variable> inputs{a.inputs[0], detail::batch_size(a.inputs[0], a.where)};
  inputs.insert(inputs.end(), a.inputs.begin() + 1, a.inputs.end());
  Attrs attrs = a.node.attrs();
  attrs.set("axis", attrs.get_int("axis") - 1);
  return {apply1("check_mask", std::move(inputs), std::move(attrs), a.where)};
}

}  // namespace

// For the cpu backend's native inc_subtensor (src/backend/cpu/native_gather.cpp): the
// same selection, the same checks.
Array detail::subtensor_select(const Array& x, const std::vector<std::int64_t>& items, std::span<const Array> bounds) {
  return select(x, items, bounds);
}

void register_subtensor_ops(OpRegistry& r) {
  r.define("subtensor")
      .set_summary("Basic indexing x[key] (integers, slices, new axes; attribute items, int64 bound inputs), a view.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_subtensor)
      .set_shape(subtensor_shape)
      .set_reference(subtensor_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(subtensor_vjp)
      .set_jvp(subtensor_jvp)
      .set_batch(subtensor_batch);

  r.define("inc_subtensor")
      .set_summary("A copy of x with the basic selection x[key] set to (attribute set) or incremented by y.")
      .set_traits(kPure)
      .set_infer(infer_inc_subtensor)
      .set_shape(detail::shape_same_as_input0)
      .set_reference(inc_subtensor_reference)
      .lowers(Lowering::loop_nest("copies x, then a strided loop over the selection"))
      .set_aliasing(Aliasing::none())
      .set_vjp(inc_subtensor_vjp)
      .set_jvp(inc_subtensor_jvp)
      .set_batch(inc_subtensor_batch);

  r.define("check_mask")
      .set_summary("A boolean index itself, checked at run time to match the sizes of the axes it indexes.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_check_mask)
      .set_shape([](const ShapeArgs& a) {
        SymShape out(a.node.inputs().begin() + 1, a.node.inputs().end());
        return std::vector<SymShape>{out};
      })
      .set_reference(check_mask_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .not_differentiable("a boolean index has no gradient")
      .set_batch(check_mask_batch);
}

// ---------------------------------------------------------------- builders

namespace {
std::vector<Variable> key_inputs(std::vector<Variable> inputs, const std::vector<Operand>& bounds) {
  for (Variable& b : detail::to_size_variables(bounds, "index")) inputs.push_back(std::move(b));
  return inputs;
}
}  // namespace

Variable subtensor(const Operand& x, const std::vector<std::int64_t>& items, const std::vector<Operand>& bounds) {
  return apply1("subtensor", key_inputs({x.variable()}, bounds), Attrs{{"items", items}}, x.where());
}

Variable inc_subtensor(const Operand& x, const Operand& y, const std::vector<std::int64_t>& items,
                       const std::vector<Operand>& bounds, bool set) {
  const Variable xv = x.variable();
  return apply1("inc_subtensor", key_inputs({xv, y.variable_like(xv.dtype())}, bounds),
                Attrs{{"items", items}, {"set", set}}, x.where());
}

}  // namespace hypatia
