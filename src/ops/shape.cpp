// Shape operations: dimshuffle, transpose, reshape, flatten, squeeze, expand_dims,
// shape_padleft/right, broadcast_to, shape, shape_i, specify_shape.
//
// Few ops, many builders, as in Theano: transpose, expand_dims, shape_padleft/right
// and squeeze build dimshuffle nodes and flatten builds a reshape, each builder with
// its own checks so that errors name what the user called. Squeezing an axis whose
// size is known only at run time first asserts it with specify_shape (as PyTensor
// does), since dimshuffle drops only axes known to be 1.
//
// Views: dimshuffle, broadcast_to and specify_shape always return a view of x;
// reshape does when x is C-contiguous and copies otherwise (NumPy's rule).
#include "hypatia/ops/shape.hpp"

#include <algorithm>
#include <optional>

#include "hypatia/ops/blas.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {


// "[1, x, 0]": a dimshuffle pattern in Theano's notation.
std::string pattern_str(const std::vector<std::int64_t>& pattern) {
  std::string s = "[";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (i) s += ", ";
    s += pattern[i] == newaxis ? "x" : std::to_string(pattern[i]);
  }
  return s + "]";
}

// The value of a constant size. Unlike detail::static_size, -1 is a value here
// (reshape's inferred size), not "unknown".
std::optional<std::int64_t> constant_size(const Variable& size) {
  if (size.is_constant() && size.ndim() == 0) return size.constant_value().item<std::int64_t>();
  return std::nullopt;
}

// Requested sizes (inputs 1.. of reshape and broadcast_to) as "(4, -1)"; '?' for
// symbolic ones.
std::string requested_str(std::span<const Variable> sizes) {
  std::string s = "(";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::optional<std::int64_t> c = constant_size(sizes[i]);
    s += (i ? ", " : "") + (c ? std::to_string(*c) : std::string("?"));
  }
  if (sizes.size() == 1) s += ",";
  return s + ")";
}

void check_size_inputs(const InferArgs& a, const char* what) {
  for (int i = 1; i < a.num_inputs(); ++i) {
    const Type& t = a.type(i);
    if (t.dtype != DType::int64 || t.ndim() != 0) {
      throw TypeError(std::string(what) + " " + std::to_string(i - 1) + " must be an int64 scalar, not " + t.str());
    }
  }
}

// Run-time sizes from inputs 1.. of a kernel.
Shape sizes_of(const KernelArgs& a) {
  Shape s;
  for (std::size_t i = 1; i < a.inputs.size(); ++i) s.push_back(a.inputs[i].item<std::int64_t>());
  return s;
}

// A builder's own error: "file.cpp:12: squeeze: message".
template <class E>
[[noreturn]] void fail(const Operand& x, const char* op, const std::string& message) {
  throw E(format_location(x.where()) + ": " + op + ": " + message);
}

// A shared check (normalize_axis ...) whose error should name the user's call.
template <class F>
auto checked(const Operand& x, const char* op, F&& f) {
  try {
    return f();
  } catch (const UserError& e) {
    throw_user_error(e.kind(), format_location(x.where()) + ": " + op + ": " + e.what());
  }
}

Variable dimshuffle_node(const Variable& v, const std::vector<std::int64_t>& pattern, SourceLocation where) {
  bool identity = static_cast<int>(pattern.size()) == v.ndim();
  for (std::size_t i = 0; identity && i < pattern.size(); ++i) identity = pattern[i] == static_cast<std::int64_t>(i);
  if (identity) return v;
  return apply1("dimshuffle", {v}, Attrs{{"pattern", pattern}}, where);
}

// ---------------------------------------------------------------- dimshuffle

std::vector<Type> infer_dimshuffle(const InferArgs& a) {
  const Type& t = a.type(0);
  const auto& pattern = a.attrs.get_ints("pattern");
  std::vector<bool> kept(static_cast<std::size_t>(t.ndim()), false);
  Shape out;
  for (std::int64_t p : pattern) {
    if (p == newaxis) {
      out.push_back(1);
      continue;
    }
    if (p < 0 || p >= t.ndim()) {
      throw IndexError("pattern " + pattern_str(pattern) + " names axis " + std::to_string(p) +
                       ", which is out of bounds for x of type " + t.str());
    }
    const auto pu = static_cast<std::size_t>(p);
    if (kept[pu]) throw ValueError("pattern " + pattern_str(pattern) + " repeats axis " + std::to_string(p));
    kept[pu] = true;
    out.push_back(t.shape[pu]);
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] || t.shape[i] == 1) continue;
    throw ValueError("pattern " + pattern_str(pattern) + " drops axis " + std::to_string(i) + " of x of type " +
                     t.str() + ", whose size is " +
                     (t.shape[i] == kUnknownDim ? std::string("not known to be 1")
                                                : std::to_string(t.shape[i]) + ", not 1") +
                     "; only an axis known to be 1 can be dropped (squeeze checks at run time)");
  }
  return {Type{t.dtype, out}};
}

std::vector<Array> dimshuffle_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const auto& pattern = a.attrs().get_ints("pattern");
  std::vector<bool> kept(static_cast<std::size_t>(x.ndim()), false);
  Shape shape;
  Strides strides;
  for (std::int64_t p : pattern) {
    if (p == newaxis) {
      shape.push_back(1);
      strides.push_back(0);
    } else {
      const auto pu = static_cast<std::size_t>(p);
      kept[pu] = true;
      shape.push_back(x.shape()[pu]);
      strides.push_back(x.strides()[pu]);
    }
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (!kept[i] && x.shape()[i] != 1) {
      throw InternalError("dimshuffle drops an axis of size " + std::to_string(x.shape()[i]));
    }
  }
  return {Array::view_of(x.buffer(), x.dtype(), std::move(shape), std::move(strides), x.offset())};
}

std::vector<SymShape> dimshuffle_shape(const ShapeArgs& a) {
  SymShape out;
  for (std::int64_t p : a.node.attrs().get_ints("pattern")) {
    out.push_back(p == newaxis ? detail::size_constant(1, a.where) : a.input_shapes[0][static_cast<std::size_t>(p)]);
  }
  return {out};
}

// ---------------------------------------------------------------- reshape

std::vector<Type> infer_reshape(const InferArgs& a) {
  check_size_inputs(a, "size");
  const Type& t = a.type(0);
  const std::span<const Variable> sizes = a.inputs.subspan(1);
  Shape out;
  int inferred = -1;  // the position of a constant -1
  bool all_constant = true;
  bool overflow = false;
  std::int64_t known = 1;  // the product of the constant sizes
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::optional<std::int64_t> c = constant_size(sizes[i]);
    out.push_back(c.value_or(kUnknownDim));
    if (!c) {
      all_constant = false;
    } else if (*c == -1) {
      if (inferred >= 0) throw ValueError("can only specify one unknown dimension: shape " + requested_str(sizes));
      inferred = static_cast<int>(i);
    } else if (*c < 0) {
      throw ValueError("negative dimension " + std::to_string(*c) + " in shape " + requested_str(sizes));
    } else {
      overflow = overflow || __builtin_mul_overflow(known, *c, &known);
    }
  }
  auto cannot = [&](const std::string& size) {
    return ShapeError("cannot reshape array of size " + size + " into shape " + requested_str(sizes));
  };
  std::optional<std::int64_t> total;
  if (std::find(t.shape.begin(), t.shape.end(), kUnknownDim) == t.shape.end()) total = shape_size(t.shape);
  if (overflow) return {Type{t.dtype, out}};
  // NumPy refuses -1 next to a 0, whatever the array's size.
  if (inferred >= 0 && known == 0) throw cannot(total ? std::to_string(*total) : "?");
  if (total) {
    if (known != 0 && *total % known != 0) throw cannot(std::to_string(*total));
    if (all_constant && inferred < 0 && known != *total) throw cannot(std::to_string(*total));
    if (all_constant && inferred >= 0) out[static_cast<std::size_t>(inferred)] = *total / known;
  }
  return {Type{t.dtype, out}};
}

std::vector<Array> reshape_reference(const KernelArgs& a) {
  const Shape target = sizes_of(a);
  int unknowns = 0;
  for (std::int64_t d : target) {
    if (d < -1) throw ValueError("negative dimension " + std::to_string(d) + " in shape " + shape_str(target));
    unknowns += d == -1;
  }
  if (unknowns > 1) throw ValueError("can only specify one unknown dimension: shape " + shape_str(target));
  return {a.inputs[0].reshape(target)};
}

// A size given as -1 is x's size over the product of the other requested sizes, so
// that shape(reshape(x, {-1, 3})) needs no data, only x's shape.
std::vector<SymShape> reshape_shape(const ShapeArgs& a) {
  const Node& n = a.node;
  const Shape& known = n.output_types()[0].shape;
  auto inferred = [&](std::size_t i) {
    Variable total = detail::size_constant(1, a.where);
    for (const Variable& d : a.input_shapes[0]) total = mul(Operand(total, a.where), Operand(d, a.where));
    Variable others = detail::size_constant(1, a.where);
    for (std::size_t j = 0; j < known.size(); ++j) {
      if (j != i) others = mul(Operand(others, a.where), Operand(n.inputs()[j + 1], a.where));
    }
    return floor_div(Operand(total, a.where), Operand(others, a.where));
  };
  SymShape out;
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i] != kUnknownDim) {
      out.push_back(detail::size_constant(known[i], a.where));
      continue;
    }
    const Variable& size = n.inputs()[i + 1];
    const std::optional<std::int64_t> c = constant_size(size);
    if (c) {
      out.push_back(*c == -1 ? inferred(i) : size);
    } else if (size.node().op().name == "shape_i") {
      out.push_back(size);  // a size read from a shape is never -1
    } else {
      const Operand minus_one(detail::size_constant(-1, a.where), a.where);
      const Variable is_minus_one = eq(Operand(size, a.where), minus_one);
      out.push_back(hypatia::where(Operand(is_minus_one, a.where), Operand(inferred(i), a.where),
                                   Operand(size, a.where)));
    }
  }
  return {out};
}

// ---------------------------------------------------------------- broadcast_to

std::vector<Type> infer_broadcast_to(const InferArgs& a) {
  check_size_inputs(a, "size");
  const Type& t = a.type(0);
  const std::span<const Variable> sizes = a.inputs.subspan(1);
  const int nd = static_cast<int>(sizes.size());
  auto cannot = [&] {
    return ShapeError("cannot broadcast an array of shape " + detail::static_shape_str(t.shape) + " to shape " +
                      requested_str(sizes));
  };
  if (nd < t.ndim()) throw cannot();
  Shape out(static_cast<std::size_t>(nd), kUnknownDim);
  for (int j = 0; j < nd; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    const int src = j - (nd - t.ndim());
    const std::int64_t xd = src >= 0 ? t.shape[static_cast<std::size_t>(src)] : 1;
    const std::optional<std::int64_t> c = constant_size(sizes[ju]);
    if (c && *c < 0) {
      throw ValueError("all elements of broadcast shape must be non-negative: shape " + requested_str(sizes));
    }
    if (c) {
      if (xd != kUnknownDim && xd != 1 && xd != *c) throw cannot();
      out[ju] = *c;
    } else if (xd != kUnknownDim && xd != 1) {
      out[ju] = xd;  // the run-time check makes the size equal x's
    }
  }
  return {Type{t.dtype, out}};
}

std::vector<Array> broadcast_to_reference(const KernelArgs& a) {
  const Shape target = sizes_of(a);
  for (std::int64_t d : target) {
    if (d < 0) throw ValueError("all elements of broadcast shape must be non-negative: shape " + shape_str(target));
  }
  return {a.inputs[0].broadcast_to(target)};
}

std::vector<SymShape> broadcast_to_shape(const ShapeArgs& a) {
  const Shape& known = a.node.output_types()[0].shape;
  SymShape out;
  for (std::size_t i = 0; i < known.size(); ++i) {
    out.push_back(known[i] != kUnknownDim ? detail::size_constant(known[i], a.where) : a.node.inputs()[i + 1]);
  }
  return {out};
}

// ---------------------------------------------------------------- specify_shape

std::vector<Type> infer_specify_shape(const InferArgs& a) {
  const Type& t = a.type(0);
  const Shape& want = a.attrs.get_ints("shape");
  if (static_cast<int>(want.size()) != t.ndim()) {
    throw ShapeError("the expected shape " + detail::static_shape_str(want) + " has " + std::to_string(want.size()) +
                     " dimensions, x of type " + t.str() + " has " + std::to_string(t.ndim()));
  }
  Shape out = t.shape;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == kUnknownDim) continue;
    if (want[i] < 0) {
      throw ValueError("negative size " + std::to_string(want[i]) + " in shape " + detail::static_shape_str(want));
    }
    if (t.shape[i] != kUnknownDim && t.shape[i] != want[i]) {
      throw ShapeError("x of type " + t.str() + " cannot have the expected shape " + detail::static_shape_str(want) +
                       " (dimension " + std::to_string(i) + " differs)");
    }
    out[i] = want[i];
  }
  return {Type{t.dtype, out}};
}

std::vector<Array> specify_shape_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const Shape& want = a.attrs().get_ints("shape");
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == kUnknownDim || want[i] == x.shape()[i]) continue;
    const std::string shapes = "expected shape " + detail::static_shape_str(want) + ", got " + shape_str(x.shape());
    if (a.attrs().get<std::string>("caller") == "squeeze") {
      throw ValueError("squeeze: cannot squeeze out axis " + std::to_string(i) + ", whose size is " +
                       std::to_string(x.shape()[i]) + ", not 1 (" + shapes + ")");
    }
    throw ShapeError("shape mismatch in dimension " + std::to_string(i) + ": " + shapes);
  }
  return {x};
}

std::vector<SymShape> specify_shape_shape(const ShapeArgs& a) {
  const Shape& known = a.node.output_types()[0].shape;
  SymShape out;
  for (std::size_t i = 0; i < known.size(); ++i) {
    out.push_back(known[i] != kUnknownDim ? detail::size_constant(known[i], a.where) : a.input_shapes[0][i]);
  }
  return {out};
}

// ---------------------------------------------------------------- rules
//
// The shape ops are linear: each tangent is the op applied to the tangent, and each
// gradient undoes the op (dimshuffle's inverse pattern, a reshape back, a sum over what
// broadcast_to repeated). Their size inputs, being integers, get none.

std::vector<Variable> no_grads_for_sizes(Variable gx, const Node& node) {
  std::vector<Variable> out{std::move(gx)};
  out.resize(node.inputs().size());
  return out;
}

// Each input axis goes back where the pattern took it from; an axis the pattern dropped
// (size 1) comes back as a new one, and the pattern's new axes (size 1) are dropped.
std::vector<Variable> dimshuffle_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  const auto& pattern = a.node.attrs().get_ints("pattern");
  std::vector<std::int64_t> inverse(static_cast<std::size_t>(a.input(0).ndim()), newaxis);
  for (std::size_t j = 0; j < pattern.size(); ++j) {
    if (pattern[j] != newaxis) inverse[static_cast<std::size_t>(pattern[j])] = static_cast<std::int64_t>(j);
  }
  const Variable gs = detail::with_static_shape(g, a.node.output_types()[0], a.where);
  return {dimshuffle(Operand(gs, a.where), inverse)};
}

std::vector<Variable> reshape_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return std::vector<Variable>(a.node.inputs().size());
  return no_grads_for_sizes(reshape(Operand(g, a.where), detail::shape_operands(a.input(0), a.where)), a.node);
}

std::vector<Variable> broadcast_to_vjp(const VjpArgs& a) {
  return no_grads_for_sizes(detail::sum_back_to(a.grad(0), a.input(0), a.where), a.node);
}

std::vector<Variable> specify_shape_vjp(const VjpArgs& a) { return {a.grad(0)}; }

// The tangent of a shape op: the op applied to x's tangent, sizes kept.
std::vector<Variable> linear_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  const Variable ts =
      a.node.op().name == "dimshuffle" ? detail::with_static_shape(t, a.input(0).type(), a.where) : t;
  return {detail::reapply_on(a.node, 0, ts, a.where)};
}

std::vector<Variable> dimshuffle_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  std::vector<std::int64_t> pattern{0};
  for (std::int64_t p : a.node.attrs().get_ints("pattern")) pattern.push_back(p == newaxis ? newaxis : p + 1);
  return {dimshuffle(Operand(a.inputs[0], a.where), pattern)};
}

// The batch size leads the requested sizes.
std::vector<Variable> with_batch_size(const BatchArgs& a, const Variable& x) {
  std::vector<Variable> inputs{x, detail::batch_size(a.inputs[0], a.where)};
  inputs.insert(inputs.end(), a.inputs.begin() + 1, a.inputs.end());
  return inputs;
}

std::vector<Variable> reshape_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  return {apply1("reshape", with_batch_size(a, a.inputs[0]), {}, a.where)};
}

// x's axes align with the requested sizes from the right: new axes go between the
// batch axis and x's own.
std::vector<Variable> broadcast_to_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  const int pad = static_cast<int>(a.inputs.size()) - 1 - a.node.inputs()[0].ndim();
  return {apply1("broadcast_to", with_batch_size(a, detail::pad_after_batch(a.inputs[0], pad, a.where)), {},
                 a.where)};
}

std::vector<Variable> specify_shape_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  Attrs attrs = a.node.attrs();
  Shape want{kUnknownDim};
  for (std::int64_t d : attrs.get_ints("shape")) want.push_back(d);
  attrs.set("shape", want);
  return {apply1("specify_shape", {a.inputs[0]}, std::move(attrs), a.where)};
}

// A size is the same for every batch element: shape and shape_i of a batched x read
// the element's sizes, repeated along the batch axis as the contract asks. (The
// jacobian driver keeps shape_i unbatched itself, so that sizes stay scalars.)
std::vector<Variable> shape_i_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  const SourceLocation w = a.where;
  const Variable size = shape(Operand(a.inputs[0], w), a.node.attrs().get_int("axis") + 1);
  return {broadcast_to(Operand(size, w), {Operand(detail::batch_size(a.inputs[0], w), w)})};
}

std::vector<Variable> shape_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  const SourceLocation w = a.where;
  // shape(x)[1:] as a product with a constant selection matrix (there is no slicing).
  const int nd = a.node.inputs()[0].ndim();
  Array select = Array::zeros(DType::int64, {nd, nd + 1});
  auto* p = reinterpret_cast<std::int64_t*>(select.data());
  for (int i = 0; i < nd; ++i) p[i * (nd + 1) + i + 1] = 1;
  const Variable sizes = dot(Operand(constant(select, w), w), Operand(shape(Operand(a.inputs[0], w)), w));
  return {broadcast_to(Operand(sizes, w), {Operand(detail::batch_size(a.inputs[0], w), w), Operand(nd, w)})};
}

}  // namespace

void register_shape_ops(OpRegistry& r) {
  r.define("dimshuffle")
      .set_summary("Permutes x's axes, inserts size-1 axes ('x') and drops size-1 ones (Theano's DimShuffle).")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_dimshuffle)
      .set_shape(dimshuffle_shape)
      .set_reference(dimshuffle_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(dimshuffle_vjp)
      .set_jvp(linear_jvp)
      .set_batch(dimshuffle_batch);

  r.define("reshape")
      .set_summary("x's elements in C order, in a new shape given by int64 scalar inputs (one may be -1).")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_reshape)
      .set_shape(reshape_shape)
      .set_reference(reshape_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(reshape_vjp)
      .set_jvp(linear_jvp)
      .set_batch(reshape_batch);

  r.define("broadcast_to")
      .set_summary("x broadcast to a shape given by int64 scalar inputs (NumPy's rules), as a view.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_broadcast_to)
      .set_shape(broadcast_to_shape)
      .set_reference(broadcast_to_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(broadcast_to_vjp)
      .set_jvp(linear_jvp)
      .set_batch(broadcast_to_batch);

  r.define("specify_shape")
      .set_summary("x itself, asserting its shape: static from here on, checked at run time.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_specify_shape)
      .set_shape(specify_shape_shape)
      .set_reference(specify_shape_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(specify_shape_vjp)
      .set_jvp(linear_jvp)
      .set_batch(specify_shape_batch);

  r.define("shape")
      .set_summary("x's shape, as an int64 vector.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{DType::int64, {static_cast<std::int64_t>(a.type(0).ndim())}}};
      })
      .set_shape([](const ShapeArgs& a) {
        return std::vector<SymShape>{{detail::size_constant(a.node.inputs()[0].ndim(), a.where)}};
      })
      .set_reference([](const KernelArgs& a) {
        const Shape& s = a.inputs[0].shape();
        return std::vector<Array>{Array::from_vector(s, {static_cast<std::int64_t>(s.size())})};
      })
      .lowers(Lowering::loop_nest("reads the input's shape"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("a shape is integers")
      .set_batch(shape_batch);

  r.define("shape_i")
      .set_summary("One size of x's shape, as an int64 scalar.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        detail::normalize_axis(a.attrs.get_int("axis"), a.type(0).ndim());
        return std::vector<Type>{Type{DType::int64, {}}};
      })
      .set_shape([](const ShapeArgs&) { return std::vector<SymShape>{SymShape{}}; })
      .set_reference([](const KernelArgs& a) {
        const int axis = detail::normalize_axis(a.attrs().get_int("axis"), a.inputs[0].ndim());
        return std::vector<Array>{Array::scalar<std::int64_t>(a.inputs[0].shape()[static_cast<std::size_t>(axis)])};
      })
      .lowers(Lowering::loop_nest("reads one size of the input's shape"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("a size is an integer")
      .set_batch(shape_i_batch);
}

// ---------------------------------------------------------------- builders

Variable dimshuffle(const Operand& x, const std::vector<std::int64_t>& pattern) {
  return dimshuffle_node(x.variable(), pattern, x.where());
}

Variable transpose(const Operand& x, std::vector<std::int64_t> axes) {
  Variable v = x.variable();
  const int nd = v.ndim();
  if (axes.empty()) {
    for (int i = nd - 1; i >= 0; --i) axes.push_back(i);
    return dimshuffle_node(v, axes, x.where());
  }
  if (static_cast<int>(axes.size()) != nd) {
    fail<ValueError>(x, "transpose", "axes " + pattern_str(axes) + " don't match x of type " + v.type().str());
  }
  std::vector<bool> seen(static_cast<std::size_t>(nd), false);
  for (std::int64_t& a : axes) {
    a = checked(x, "transpose", [&] { return detail::normalize_axis(a, nd); });
    if (seen[static_cast<std::size_t>(a)]) fail<ValueError>(x, "transpose", "repeated axis " + std::to_string(a));
    seen[static_cast<std::size_t>(a)] = true;
  }
  return dimshuffle_node(v, axes, x.where());
}

Variable reshape(const Operand& x, const std::vector<Operand>& shape) {
  std::vector<Variable> inputs{x.variable()};
  for (Variable& s : detail::to_size_variables(shape, "reshape")) inputs.push_back(std::move(s));
  return apply1("reshape", std::move(inputs), {}, x.where());
}

Variable flatten(const Operand& x, std::int64_t ndim) {
  Variable v = x.variable();
  const int nd = v.ndim();
  if (ndim < 1 || (ndim > 1 && ndim > nd)) {
    fail<ValueError>(x, "flatten", "ndim " + std::to_string(ndim) + " is out of bounds [1, " +
                                       std::to_string(std::max(nd, 1) + 1) + ") for x of type " + v.type().str());
  }
  if (ndim == nd) return v;
  const SourceLocation w = x.where();
  std::vector<Operand> sizes;
  for (int i = 0; i + 1 < ndim; ++i) sizes.emplace_back(shape(Operand(v, w), i), w);
  // The trailing axes as one size: a constant when all are known, so that the static
  // shape survives.
  std::int64_t known = 1;
  Variable rest;
  for (int i = static_cast<int>(ndim) - 1; i < nd; ++i) {
    const std::int64_t d = v.type().shape[static_cast<std::size_t>(i)];
    if (d != kUnknownDim) {
      known *= d;
    } else {
      Variable s = shape(Operand(v, w), i);
      rest = rest.valid() ? mul(Operand(rest, w), Operand(s, w)) : s;
    }
  }
  if (!rest.valid()) {
    rest = detail::size_constant(known, w);
  } else if (known != 1) {
    rest = mul(Operand(rest, w), Operand(detail::size_constant(known, w), w));
  }
  sizes.emplace_back(rest, w);
  return reshape(Operand(v, w), sizes);
}

Variable squeeze(const Operand& x, std::vector<std::int64_t> axes) {
  Variable v = x.variable();
  const Type t = v.type();
  const int nd = t.ndim();
  std::vector<bool> drop(static_cast<std::size_t>(nd), false);
  if (axes.empty()) {
    for (int i = 0; i < nd; ++i) drop[static_cast<std::size_t>(i)] = t.shape[static_cast<std::size_t>(i)] == 1;
  } else {
    Shape asserted(static_cast<std::size_t>(nd), kUnknownDim);
    bool assert_at_run_time = false;
    for (int a : checked(x, "squeeze", [&] { return detail::normalize_axes(axes, nd); })) {
      const auto au = static_cast<std::size_t>(a);
      drop[au] = true;
      if (t.shape[au] == kUnknownDim) {
        asserted[au] = 1;
        assert_at_run_time = true;
      } else if (t.shape[au] != 1) {
        fail<ValueError>(x, "squeeze", "cannot squeeze out axis " + std::to_string(a) + " of x of type " + t.str() +
                                           ", whose size is " + std::to_string(t.shape[au]) + ", not 1");
      }
    }
    if (assert_at_run_time) {
      v = apply1("specify_shape", {v}, Attrs{{"shape", asserted}, {"caller", std::string("squeeze")}}, x.where());
    }
  }
  std::vector<std::int64_t> pattern;
  for (int i = 0; i < nd; ++i) {
    if (!drop[static_cast<std::size_t>(i)]) pattern.push_back(i);
  }
  return dimshuffle_node(v, pattern, x.where());
}

Variable expand_dims(const Operand& x, std::int64_t axis) {
  Variable v = x.variable();
  const int nd = v.ndim();
  const int at = checked(x, "expand_dims", [&] { return detail::normalize_axis(axis, nd + 1); });
  std::vector<std::int64_t> pattern;
  for (int i = 0; i < nd; ++i) {
    if (i == at) pattern.push_back(newaxis);
    pattern.push_back(i);
  }
  if (at == nd) pattern.push_back(newaxis);
  return dimshuffle_node(v, pattern, x.where());
}

Variable shape_padleft(const Operand& x, std::int64_t n) {
  if (n < 0) fail<ValueError>(x, "shape_padleft", "n must be non-negative, got " + std::to_string(n));
  Variable v = x.variable();
  std::vector<std::int64_t> pattern(static_cast<std::size_t>(n), newaxis);
  for (int i = 0; i < v.ndim(); ++i) pattern.push_back(i);
  return dimshuffle_node(v, pattern, x.where());
}

Variable shape_padright(const Operand& x, std::int64_t n) {
  if (n < 0) fail<ValueError>(x, "shape_padright", "n must be non-negative, got " + std::to_string(n));
  Variable v = x.variable();
  std::vector<std::int64_t> pattern;
  for (int i = 0; i < v.ndim(); ++i) pattern.push_back(i);
  pattern.insert(pattern.end(), static_cast<std::size_t>(n), newaxis);
  return dimshuffle_node(v, pattern, x.where());
}

Variable broadcast_to(const Operand& x, const std::vector<Operand>& shape) {
  std::vector<Variable> inputs{x.variable()};
  for (Variable& s : detail::to_size_variables(shape, "broadcast_to")) inputs.push_back(std::move(s));
  return apply1("broadcast_to", std::move(inputs), {}, x.where());
}

Variable shape(const Operand& x) { return apply1("shape", {x.variable()}, {}, x.where()); }

Variable shape(const Operand& x, std::int64_t axis) {
  Variable v = x.variable();
  const int a = checked(x, "shape", [&] { return detail::normalize_axis(axis, v.ndim()); });
  const std::int64_t known = v.type().shape[static_cast<std::size_t>(a)];
  if (known != kUnknownDim) return detail::size_constant(known, x.where());
  return apply1("shape_i", {v}, Attrs{{"axis", std::int64_t{a}}}, x.where());
}

Variable specify_shape(const Operand& x, const Shape& shape) {
  return apply1("specify_shape", {x.variable()}, Attrs{{"shape", shape}, {"caller", std::string("specify_shape")}},
                x.where());
}

}  // namespace hypatia
