// Joining and splitting: join (concatenate, stack, horizontal_stack, vertical_stack
// build it), split, and tile (a composition of shape ops, so its gradient comes free).
//
// join and split are each other's adjoints: join's gradient is split of g at the
// inputs' sizes, split's is the join of its outputs' gradients. split's outputs are
// views of x; join copies (converting each input to the promoted dtype).
#include "hypatia/ops/join.hpp"

#include <algorithm>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/join_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"
#include "runtime/cast.hpp"

namespace hypatia {
namespace {

// The most outputs of one split node that the aliasing facts declare as views: the
// facts are per op, not per node.
constexpr int kSplitViewOutputs = 256;

std::string sizes_str(const std::vector<std::int64_t>& sizes) {
  std::string s = "(";
  for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + (sizes.size() == 1 ? ",)" : ")");
}

// ---------------------------------------------------------------- join

// NumPy's messages for operands that do not fit together. `j` is the operand whose
// size along `d` the operand `i` is compared with.
[[noreturn]] void ranks_differ(int nd0, std::size_t i, int ndi) {
  throw ValueError("all the input arrays must have same number of dimensions, but the array at index 0 has " +
                   std::to_string(nd0) + " dimension(s) and the array at index " + std::to_string(i) + " has " +
                   std::to_string(ndi) + " dimension(s)");
}

[[noreturn]] void sizes_differ(std::size_t d, std::size_t j, std::int64_t nj, std::size_t i, std::int64_t ni) {
  throw ShapeError(
      "all the input array dimensions except for the concatenation axis must match exactly, but along dimension " +
      std::to_string(d) + ", the array at index " + std::to_string(j) + " has size " + std::to_string(nj) +
      " and the array at index " + std::to_string(i) + " has size " + std::to_string(ni));
}

std::vector<Type> infer_join(const InferArgs& a) {
  if (a.num_inputs() == 0) throw ValueError("need at least one array to concatenate");
  const int nd = a.type(0).ndim();
  if (nd == 0) throw ValueError("zero-dimensional arrays cannot be concatenated");
  const auto axis = static_cast<std::size_t>(detail::axis_in(a.attrs.get_int("axis"), nd));
  Shape out = a.type(0).shape;
  std::vector<std::size_t> known_at(static_cast<std::size_t>(nd), 0);  // which operand gave out[d]
  std::int64_t total = out[axis];
  for (int i = 1; i < a.num_inputs(); ++i) {
    const Type& t = a.type(i);
    const auto iu = static_cast<std::size_t>(i);
    if (t.ndim() != nd) ranks_differ(nd, iu, t.ndim());
    for (std::size_t d = 0; d < out.size(); ++d) {
      if (d == axis || t.shape[d] == kUnknownDim) continue;
      if (out[d] == kUnknownDim) {
        out[d] = t.shape[d];
        known_at[d] = iu;
      } else if (out[d] != t.shape[d]) {
        sizes_differ(d, known_at[d], out[d], iu, t.shape[d]);
      }
    }
    total = total == kUnknownDim || t.shape[axis] == kUnknownDim ? kUnknownDim : total + t.shape[axis];
  }
  out[axis] = total;
  return {Type{detail::promote_inputs(a), out}};
}

std::vector<Array> join_reference(const KernelArgs& a) {
  const int axis = static_cast<int>(a.attrs().get_int("axis"));
  const auto au = static_cast<std::size_t>(axis);
  Shape shape = a.inputs[0].shape();
  shape[au] = 0;
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    const Shape& s = a.inputs[i].shape();
    for (std::size_t d = 0; d < s.size(); ++d) {
      if (d != au && s[d] != shape[d]) sizes_differ(d, 0, shape[d], i, s[d]);
    }
    shape[au] += s[au];
  }
  Array out = Array::empty(a.output_type(0).dtype, shape);
  std::int64_t at = 0;
  for (const Array& x : a.inputs) {
    const std::int64_t n = x.shape()[au];
    Array part = out.slice(axis, at, at + n);
    detail::copy_elements(x, part);
    at += n;
  }
  return {out};
}

// A size along the axis: the sum of the operands'; any other: a constant where an
// operand's is known, else the first operand's.
std::vector<SymShape> join_shape(const ShapeArgs& a) {
  const auto axis = static_cast<std::size_t>(a.node.attrs().get_int("axis"));
  const Shape& known = a.node.output_types()[0].shape;
  const SourceLocation w = a.where;
  SymShape out;
  for (std::size_t d = 0; d < known.size(); ++d) {
    if (known[d] != kUnknownDim) {
      out.push_back(detail::size_constant(known[d], w));
    } else if (d != axis) {
      out.push_back(a.input_shapes[0][d]);
    } else {
      Variable total = a.input_shapes[0][d];
      for (std::size_t i = 1; i < a.input_shapes.size(); ++i) {
        total = add(Operand(total, w), Operand(a.input_shapes[i][d], w));
      }
      out.push_back(total);
    }
  }
  return {out};
}

std::vector<Variable> join_vjp(const VjpArgs& a) {
  const std::size_t n = a.node.inputs().size();
  const Variable& g = a.grad(0);
  if (!g.valid()) return std::vector<Variable>(n);
  const SourceLocation w = a.where;
  const std::int64_t axis = a.node.attrs().get_int("axis");
  std::vector<Operand> sizes;
  for (const Variable& x : a.node.inputs()) sizes.emplace_back(shape(Operand(x, w), axis), w);
  std::vector<Variable> parts = split(Operand(g, w), sizes, axis);
  for (std::size_t i = 0; i < n; ++i) parts[i] = detail::in_dtype_of(parts[i], a.input(static_cast<int>(i)), w);
  return parts;
}

// The join of the tangents, zeros standing in for the missing ones.
std::vector<Variable> join_jvp(const JvpArgs& a) {
  const auto& ins = a.node.inputs();
  if (std::none_of(a.input_tangents.begin(), a.input_tangents.end(), [](const Variable& t) { return t.valid(); })) {
    return {Variable()};
  }
  const SourceLocation w = a.where;
  const DType out_dtype = a.node.output_types()[0].dtype;
  std::vector<Variable> ts;
  for (std::size_t i = 0; i < ins.size(); ++i) {
    const Variable& t = a.input_tangents[i];
    ts.push_back(t.valid() ? t : zeros_like(Operand(ins[i], w), out_dtype));
  }
  Variable out = detail::reapply(a.node, ts, w);
  return {out.dtype() == out_dtype ? out : cast(Operand(out, w), out_dtype)};
}

// Unbatched operands are broadcast along the batch axis; the join moves one axis in.
std::vector<Variable> join_batch(const BatchArgs& a) {
  detail::check_batch(a, static_cast<int>(a.inputs.size()));
  const SourceLocation w = a.where;
  Variable size;
  for (std::size_t i = 0; i < a.inputs.size() && !size.valid(); ++i) {
    if (a.batched[i]) size = detail::batch_size(a.inputs[i], w);
  }
  std::vector<Variable> ins;
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    const Variable& x = a.inputs[i];
    if (a.batched[i]) {
      ins.push_back(x);
      continue;
    }
    std::vector<Operand> to{Operand(size, w)};
    for (Operand& s : detail::shape_operands(x, w)) to.push_back(s);
    ins.push_back(broadcast_to(Operand(expand_dims(Operand(x, w), 0), w), to));
  }
  return {apply1("join", ins, Attrs{{"axis", a.node.attrs().get_int("axis") + 1}}, w)};
}

// ---------------------------------------------------------------- split

std::vector<Type> infer_split(const InferArgs& a) {
  const Type& x = a.type(0);
  if (x.ndim() == 0) throw ValueError("cannot split a zero-dimensional array");
  const auto axis = static_cast<std::size_t>(detail::axis_in(a.attrs.get_int("axis"), x.ndim()));
  if (a.num_inputs() < 2) throw ValueError("split needs at least one size");
  std::vector<Type> out;
  std::vector<std::int64_t> sizes;
  bool all_known = true;
  for (int i = 1; i < a.num_inputs(); ++i) {
    const Type& t = a.type(i);
    if (t.dtype != DType::int64 || t.ndim() != 0) {
      throw TypeError("size " + std::to_string(i - 1) + " must be an int64 scalar, not " + t.str());
    }
    // Not detail::static_size, which reads a constant -1 as "unknown".
    const Variable& size = a.inputs[static_cast<std::size_t>(i)];
    const std::int64_t n = size.is_constant() ? size.constant_value().item<std::int64_t>() : kUnknownDim;
    if (size.is_constant() && n < 0) {
      throw ValueError("split size " + std::to_string(i - 1) + " is negative: " + std::to_string(n));
    }
    all_known = all_known && n != kUnknownDim;
    sizes.push_back(n);
    Type part = x;
    part.shape[axis] = n;
    out.push_back(part);
  }
  if (all_known && x.shape[axis] != kUnknownDim) {
    std::int64_t sum = 0;
    for (std::int64_t n : sizes) sum += n;
    if (sum != x.shape[axis]) {
      throw ValueError("the sizes " + sizes_str(sizes) + " add up to " + std::to_string(sum) + ", not to " +
                       std::to_string(x.shape[axis]) + ", the size of axis " + std::to_string(axis) + " of x");
    }
  }
  return out;
}

std::vector<Array> split_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const int axis = static_cast<int>(a.attrs().get_int("axis"));
  std::vector<std::int64_t> sizes;
  std::int64_t sum = 0;
  for (std::size_t i = 1; i < a.inputs.size(); ++i) {
    sizes.push_back(a.inputs[i].item<std::int64_t>());
    if (sizes.back() < 0) {
      throw ValueError("split size " + std::to_string(i - 1) + " is negative: " + std::to_string(sizes.back()));
    }
    sum += sizes.back();
  }
  const std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
  if (sum != n) {
    throw ValueError("the sizes " + sizes_str(sizes) + " add up to " + std::to_string(sum) + ", not to " +
                     std::to_string(n) + ", the size of axis " + std::to_string(axis) + " of x");
  }
  std::vector<Array> out;
  std::int64_t at = 0;
  for (std::int64_t s : sizes) {
    out.push_back(x.slice(axis, at, at + s));
    at += s;
  }
  return out;
}

std::vector<SymShape> split_shape(const ShapeArgs& a) {
  const auto axis = static_cast<std::size_t>(a.node.attrs().get_int("axis"));
  std::vector<SymShape> out;
  for (std::size_t i = 1; i < a.node.inputs().size(); ++i) {
    SymShape s = a.input_shapes[0];
    s[axis] = a.node.inputs()[i];
    out.push_back(s);
  }
  return out;
}

std::vector<Variable> split_vjp(const VjpArgs& a) {
  std::vector<Variable> out(a.node.inputs().size());
  if (std::none_of(a.output_grads.begin(), a.output_grads.end(), [](const Variable& g) { return g.valid(); })) {
    return out;
  }
  const SourceLocation w = a.where;
  std::vector<Operand> parts;
  for (int k = 0; k < a.node.num_outputs(); ++k) {
    const Variable& g = a.grad(k);
    parts.emplace_back(g.valid() ? g : zeros_like(Operand(a.output(k), w)), w);
  }
  out[0] = detail::in_dtype_of(concatenate(parts, a.node.attrs().get_int("axis")), a.input(0), w);
  return out;
}

std::vector<Variable> split_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return std::vector<Variable>(static_cast<std::size_t>(a.node.num_outputs()));
  std::vector<Variable> ins = a.node.inputs();
  ins[0] = t;
  return apply("split", std::move(ins), a.node.attrs(), a.where);
}

std::vector<Variable> split_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  return apply("split", std::vector<Variable>(a.inputs.begin(), a.inputs.end()),
               Attrs{{"axis", a.node.attrs().get_int("axis") + 1}}, a.where);
}

Aliasing split_aliasing() {
  Aliasing out;
  for (int k = 0; k < kSplitViewOutputs; ++k) out.views.emplace_back(k, 0);
  return out;
}

// ---------------------------------------------------------------- builders' helpers

std::vector<Variable> operands_of(const std::vector<Operand>& xs) {
  std::vector<const Operand*> ptrs;
  for (const Operand& x : xs) ptrs.push_back(&x);
  return detail::to_variables(std::span<const Operand* const>(ptrs));
}

// x with at least `n` dimensions, as NumPy's atleast_1d (n = 1) and atleast_2d (n = 2):
// a 0-d x becomes (1,) or (1, 1), a 1-d x of size N becomes (1, N).
Variable at_least(const Variable& x, int n, SourceLocation w) {
  return x.ndim() >= n ? x : shape_padleft(Operand(x, w), n - x.ndim());
}

}  // namespace

void register_join_ops(OpRegistry& r) {
  r.define("join")
      .set_summary("The inputs joined along an existing axis (attribute axis), in the promoted dtype.")
      .set_traits(kPure | kShapeOnly | kLinear)
      .set_infer(infer_join)
      .set_shape(join_shape)
      .set_reference(join_reference)
      .lowers(Lowering::loop_nest("copies each input into its slice of the output"))
      .set_aliasing(Aliasing::none())
      .set_vjp(join_vjp)
      .set_jvp(join_jvp)
      .set_batch(join_batch);

  r.define("split")
      .set_summary("x cut along an axis into pieces of the sizes given by int64 scalar inputs; views of x.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_split)
      .set_shape(split_shape)
      .set_reference(split_reference)
      .lowers(Lowering::view())
      .set_aliasing(split_aliasing())
      .set_vjp(split_vjp)
      .set_jvp(split_jvp)
      .set_batch(split_batch);
}

// ---------------------------------------------------------------- builders

Variable concatenate(const std::vector<Operand>& xs, std::int64_t axis) {
  if (xs.empty()) throw ValueError("concatenate: need at least one array to concatenate");
  const SourceLocation w = xs.front().where();
  std::vector<Variable> vars = operands_of(xs);
  const int nd = vars.front().ndim();
  if (nd == 0)
    detail::builder_error(ErrorKind::value, w, "concatenate", "zero-dimensional arrays cannot be concatenated");
  const int a = detail::checked_at(w, "concatenate", [&] { return detail::axis_in(axis, nd); });
  return apply1("join", std::move(vars), Attrs{{"axis", std::int64_t{a}}}, w);
}

Variable join(std::int64_t axis, const std::vector<Operand>& xs) { return concatenate(xs, axis); }

Variable stack(const std::vector<Operand>& xs, std::int64_t axis) {
  if (xs.empty()) throw ValueError("stack: need at least one array to stack");
  const SourceLocation w = xs.front().where();
  std::vector<Variable> vars = operands_of(xs);
  const Type& t0 = vars.front().type();
  for (std::size_t i = 1; i < vars.size(); ++i) {
    const Type& t = vars[i].type();
    bool same = t.ndim() == t0.ndim();
    for (std::size_t d = 0; same && d < t.shape.size(); ++d) {
      same = t.shape[d] == kUnknownDim || t0.shape[d] == kUnknownDim || t.shape[d] == t0.shape[d];
    }
    if (!same) {
      detail::builder_error(ErrorKind::value, w, "stack",
                            "all input arrays must have the same shape, but the array at index 0 has shape " +
                                detail::static_shape_str(t0.shape) + " and the array at index " + std::to_string(i) +
                                " has shape " + detail::static_shape_str(t.shape));
    }
  }
  const int a = detail::checked_at(w, "stack", [&] { return detail::axis_in(axis, t0.ndim() + 1); });
  std::vector<Variable> expanded;
  for (const Variable& v : vars) expanded.push_back(expand_dims(Operand(v, w), a));
  return apply1("join", std::move(expanded), Attrs{{"axis", std::int64_t{a}}}, w);
}

Variable horizontal_stack(const std::vector<Operand>& xs) {
  if (xs.empty()) throw ValueError("horizontal_stack: need at least one array to concatenate");
  const SourceLocation w = xs.front().where();
  std::vector<Variable> vars = operands_of(xs);
  for (Variable& v : vars) v = at_least(v, 1, w);
  const std::int64_t axis = vars.front().ndim() == 1 ? 0 : 1;
  std::vector<Operand> ops;
  for (const Variable& v : vars) ops.emplace_back(v, w);
  return concatenate(ops, axis);
}

Variable vertical_stack(const std::vector<Operand>& xs) {
  if (xs.empty()) throw ValueError("vertical_stack: need at least one array to concatenate");
  const SourceLocation w = xs.front().where();
  std::vector<Operand> ops;
  for (const Variable& v : operands_of(xs)) ops.emplace_back(at_least(v, 2, w), w);
  return concatenate(ops, 0);
}

std::vector<Variable> split(const Operand& x, const std::vector<Operand>& sizes, std::int64_t axis) {
  const SourceLocation w = x.where();
  Variable v = x.variable();
  if (v.ndim() == 0) detail::builder_error(ErrorKind::value, w, "split", "cannot split a zero-dimensional array");
  if (sizes.empty()) detail::builder_error(ErrorKind::value, w, "split", "split needs at least one size");
  const int a = detail::checked_at(w, "split", [&] { return detail::axis_in(axis, v.ndim()); });
  std::vector<Variable> inputs{v};
  for (Variable& s : detail::to_size_variables(sizes, "split")) inputs.push_back(std::move(s));
  return apply("split", std::move(inputs), Attrs{{"axis", std::int64_t{a}}}, w);
}

// x padded with leading axes to the length of reps (reps padded with leading 1s to
// x's rank), each axis k read as (1, s_k), broadcast to (r_k, s_k) and merged.
Variable tile(const Operand& x, const std::vector<std::int64_t>& reps) {
  const SourceLocation w = x.where();
  for (std::int64_t r : reps) {
    if (r < 0)
      detail::builder_error(ErrorKind::value, w, "tile",
                            "negative dimensions are not allowed: reps " + sizes_str(reps));
  }
  Variable v = x.variable();
  const std::size_t nd = std::max(reps.size(), static_cast<std::size_t>(v.ndim()));
  std::vector<std::int64_t> r(nd - reps.size(), 1);
  r.insert(r.end(), reps.begin(), reps.end());
  v = at_least(v, static_cast<int>(nd), w);
  if (std::all_of(r.begin(), r.end(), [](std::int64_t k) { return k == 1; })) return v;
  std::vector<std::int64_t> pattern;
  std::vector<Operand> wide, merged;
  const std::vector<Operand> sizes = detail::shape_operands(v, w);
  for (std::size_t k = 0; k < nd; ++k) {
    pattern.push_back(newaxis);
    pattern.push_back(static_cast<std::int64_t>(k));
    wide.emplace_back(r[k], w);
    wide.push_back(sizes[k]);
    const std::int64_t s = v.type().shape[k];
    if (s != kUnknownDim) {
      merged.emplace_back(r[k] * s, w);
    } else {
      merged.emplace_back(mul(sizes[k], Operand(r[k], w)), w);
    }
  }
  return reshape(Operand(broadcast_to(Operand(dimshuffle(Operand(v, w), pattern), w), wide), w), merged);
}

}  // namespace hypatia
