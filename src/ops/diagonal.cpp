// Triangles and diagonals: tri, tril, triu, diagonal, diag, trace (NumPy's semantics).
//
// Ops: `tri` (a creation op like eye), `diagonal` (a view: the diagonal of two axes
// moved to the last axis, as new strides over x's buffer; diag's matrix case is the
// same op with view=false, which copies), and `alloc_diagonal`, its adjoint: zeros of a
// given shape with g written on that diagonal. diagonal and alloc_diagonal are each
// other's gradient, so gradients of any order stay in this pair. The rest are
// compositions: tril and triu select x or 0 with a tri mask (where's gradient routes
// g through the same mask), diag of a vector is an alloc_diagonal, trace sums a
// diagonal.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/matrix.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"
#include "runtime/cast.hpp"

namespace hypatia {
namespace {

// A builder's own error: "file.cpp:12: diag: message".
template <class E>
[[noreturn]] void fail(const Operand& x, const char* op, const std::string& message) {
  throw E(format_location(x.where()) + ": " + op + ": " + message);
}

// Offsets this far out already select nothing in any array that fits in memory;
// clamping to them keeps k - 1, n + |k| and the like from overflowing.
constexpr std::int64_t kFarOffset = std::int64_t{1} << 62;
std::int64_t clamp_offset(std::int64_t k) { return std::clamp(k, -kFarOffset, kFarOffset); }

// ---- sizes

void check_size_types(const InferArgs& a, int first) {
  for (int i = first; i < a.num_inputs(); ++i) {
    const Type& t = a.type(i);
    if (t.dtype != DType::int64 || t.ndim() != 0) {
      throw InternalError("size input " + std::to_string(i) + " is " + t.str() + ", not an int64 scalar");
    }
  }
}

// The length of diagonal `offset` of an n1 x n2 plane (0 when it misses the plane),
// without overflow for any offset.
std::int64_t diagonal_length(std::int64_t n1, std::int64_t n2, std::int64_t offset) {
  if (offset >= 0) return offset >= n2 ? 0 : std::min(n1, n2 - offset);
  return offset <= -n1 ? 0 : std::min(n1 + offset, n2);
}

// The same for symbolic sizes: max(min(n1 - max(-offset, 0), n2 - max(offset, 0)), 0).
Variable diagonal_length(const Variable& n1, const Variable& n2, std::int64_t offset, SourceLocation w) {
  const std::int64_t k1 = detail::static_size(n1), k2 = detail::static_size(n2);
  if (k1 != kUnknownDim && k2 != kUnknownDim) return detail::size_constant(diagonal_length(k1, k2, offset), w);
  const Variable a = offset < 0 ? add(Operand(n1, w), Operand(offset, w)) : n1;
  const Variable b = offset > 0 ? sub(Operand(n2, w), Operand(offset, w)) : n2;
  return maximum(Operand(minimum(Operand(a, w), Operand(b, w)), w), Operand(0, w));
}

// ---- diagonal's axes

struct DiagAxes {
  std::int64_t offset;
  int axis1, axis2;
};

// The (normalized) axes of a diagonal or alloc_diagonal node whose full array (x for
// diagonal, the output for alloc_diagonal) has `nd` axes; NumPy's errors.
DiagAxes diag_axes(const Attrs& attrs, int nd) {
  if (nd < 2) throw ValueError("diag requires an array of at least two dimensions");
  auto axis = [&](const char* name) {
    try {
      return detail::normalize_axis(attrs.get_int(name), nd);
    } catch (const IndexError& e) {
      throw IndexError(std::string(name) + ": " + e.what());
    }
  };
  const DiagAxes d{attrs.get_int("offset"), axis("axis1"), axis("axis2")};
  if (d.axis1 == d.axis2) throw ValueError("axis1 and axis2 cannot be the same");
  return d;
}

// Sizes of the axes other than axis1 and axis2, then the diagonal's: diagonal's
// output shape from x's, for static, symbolic and run-time shapes.
template <class Size, class LengthFn>
std::vector<Size> diagonal_shape_of(const std::vector<Size>& x, const DiagAxes& d, LengthFn&& length) {
  std::vector<Size> out;
  for (int i = 0; i < static_cast<int>(x.size()); ++i) {
    if (i != d.axis1 && i != d.axis2) out.push_back(x[static_cast<std::size_t>(i)]);
  }
  out.push_back(length(x[static_cast<std::size_t>(d.axis1)], x[static_cast<std::size_t>(d.axis2)]));
  return out;
}

Shape static_diagonal_shape(const Shape& x, const DiagAxes& d) {
  return diagonal_shape_of(x, d, [&](std::int64_t n1, std::int64_t n2) {
    const bool misses = d.offset >= 0 ? n2 != kUnknownDim && d.offset >= n2 : n1 != kUnknownDim && d.offset <= -n1;
    if (misses) {
      return std::int64_t{0};
    }
    return n1 == kUnknownDim || n2 == kUnknownDim ? kUnknownDim : diagonal_length(n1, n2, d.offset);
  });
}

// The diagonal of x as a view: the other axes keep their strides, the diagonal steps
// along both axes at once.
Array diagonal_view(const Array& x, const DiagAxes& d) {
  const Shape shape = diagonal_shape_of(x.shape(), d, [&](std::int64_t n1, std::int64_t n2) {
    return diagonal_length(n1, n2, d.offset);
  });
  Strides strides;
  for (int i = 0; i < x.ndim(); ++i) {
    if (i != d.axis1 && i != d.axis2) strides.push_back(x.strides()[static_cast<std::size_t>(i)]);
  }
  const std::int64_t s1 = x.strides()[static_cast<std::size_t>(d.axis1)];
  const std::int64_t s2 = x.strides()[static_cast<std::size_t>(d.axis2)];
  strides.push_back(s1 + s2);
  std::int64_t start = x.offset();
  // Only a non-empty diagonal starts inside the plane (|offset| < its size).
  if (shape_size(shape) > 0) start += d.offset >= 0 ? d.offset * s2 : -d.offset * s1;
  return Array::view_of(x.buffer(), x.dtype(), shape, std::move(strides), start);
}

// ---- diagonal

std::vector<Type> infer_diagonal(const InferArgs& a) {
  const Type& t = a.type(0);
  return {Type{t.dtype, static_diagonal_shape(t.shape, diag_axes(a.attrs, t.ndim()))}};
}

std::vector<SymShape> diagonal_shape(const ShapeArgs& a) {
  const SymShape& x = a.input_shapes.at(0);
  const DiagAxes d = diag_axes(a.node.attrs(), static_cast<int>(x.size()));
  return {diagonal_shape_of(x, d, [&](const Variable& n1, const Variable& n2) {
    return diagonal_length(n1, n2, d.offset, a.where);
  })};
}

std::vector<Array> diagonal_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const Array v = diagonal_view(x, diag_axes(a.attrs(), x.ndim()));
  return {a.attrs().get_bool("view") ? v : v.copy()};
}

Variable diagonal_node(const Variable& x, std::int64_t offset, std::int64_t axis1, std::int64_t axis2, bool view,
                       SourceLocation w) {
  return apply1("diagonal", {x},
                Attrs{{"offset", clamp_offset(offset)}, {"axis1", axis1}, {"axis2", axis2}, {"view", view}}, w);
}

// ---- alloc_diagonal: zeros of the shape given by inputs 1.., with input 0 on a diagonal

// The output's static shape: the constant sizes, and where a size is symbolic, the
// matching size of g (the kernel checks they agree).
std::vector<Type> infer_alloc_diagonal(const InferArgs& a) {
  check_size_types(a, 1);
  const Type& g = a.type(0);
  Shape out;
  for (int i = 1; i < a.num_inputs(); ++i) out.push_back(detail::static_size(a.inputs[static_cast<std::size_t>(i)]));
  if (g.ndim() + 1 != static_cast<int>(out.size())) {
    throw InternalError("alloc_diagonal: values of rank " + std::to_string(g.ndim()) + " for an output of rank " +
                        std::to_string(out.size()));
  }
  for (std::int64_t n : out) {
    if (n != kUnknownDim && n < 0) throw ValueError("negative dimensions are not allowed: " + shape_str(out));
  }
  const DiagAxes d = diag_axes(a.attrs, static_cast<int>(out.size()));
  for (int i = 0, j = 0; i < static_cast<int>(out.size()); ++i) {
    if (i == d.axis1 || i == d.axis2) continue;
    std::int64_t& n = out[static_cast<std::size_t>(i)];
    const std::int64_t gn = g.shape[static_cast<std::size_t>(j++)];
    if (n == kUnknownDim) n = gn;
  }
  const Shape want = static_diagonal_shape(out, d);
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] != kUnknownDim && g.shape[i] != kUnknownDim && want[i] != g.shape[i]) {
      throw ShapeError("values of type " + g.str() + " do not fit diagonal " + std::to_string(d.offset) +
                       " of an array of shape " + shape_str(out));
    }
  }
  return {Type{g.dtype, out}};
}

std::vector<SymShape> alloc_diagonal_shape(const ShapeArgs& a) {
  const auto& ins = a.node.inputs();
  return {SymShape(ins.begin() + 1, ins.end())};
}

std::vector<Array> alloc_diagonal_reference(const KernelArgs& a) {
  const Array& g = a.inputs[0];
  Shape shape;
  for (std::size_t i = 1; i < a.inputs.size(); ++i) shape.push_back(a.inputs[i].item<std::int64_t>());
  for (std::int64_t n : shape) {
    if (n < 0) throw ValueError("negative dimensions are not allowed: " + shape_str(shape));
  }
  Array out = Array::zeros(g.dtype(), shape);
  Array diag = diagonal_view(out, diag_axes(a.attrs(), out.ndim()));
  if (diag.shape() != g.shape()) {
    throw ShapeError("values of shape " + shape_str(g.shape()) + " do not fit diagonal " +
                     std::to_string(a.attrs().get_int("offset")) + " of an array of shape " + shape_str(shape) +
                     ", whose shape is " + shape_str(diag.shape()));
  }
  detail::copy_elements(g, diag);
  return {out};
}

Variable alloc_diagonal_node(const Variable& g, const std::vector<Operand>& sizes, std::int64_t offset,
                             std::int64_t axis1, std::int64_t axis2, SourceLocation w) {
  std::vector<Variable> inputs{g};
  for (Variable& s : detail::to_size_variables(sizes, "alloc_diagonal")) inputs.push_back(std::move(s));
  return apply1("alloc_diagonal", std::move(inputs),
                Attrs{{"offset", clamp_offset(offset)}, {"axis1", axis1}, {"axis2", axis2}}, w);
}

// ---- tri

Shape static_tri_sizes(const InferArgs& a) {
  check_size_types(a, 0);
  Shape out;
  for (const Variable& v : a.inputs) {
    const std::int64_t n = detail::static_size(v);
    out.push_back(n == kUnknownDim ? n : std::max<std::int64_t>(n, 0));
  }
  return out;
}

std::vector<Array> tri_reference(const KernelArgs& a) {
  // NumPy's tri takes a negative size as 0.
  const std::int64_t n = std::max<std::int64_t>(a.inputs[0].item<std::int64_t>(), 0);
  const std::int64_t m = std::max<std::int64_t>(a.inputs[1].item<std::int64_t>(), 0);
  const std::int64_t k = std::clamp(a.attrs().get_int("k"), -n - 1, m);
  Array out = Array::zeros(a.output_type(0).dtype, {n, m});
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = reinterpret_cast<T*>(out.data());
    // Row i holds ones in columns 0 .. i + k.
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t end = std::clamp<std::int64_t>(i + k + 1, 0, m);
      for (std::int64_t j = 0; j < end; ++j) p[i * m + j] = T(1);
    }
  });
  return {out};
}

// ---- rules

std::vector<Variable> diagonal_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  const Attrs& at = a.node.attrs();
  return {alloc_diagonal_node(g, detail::shape_operands(a.input(0), a.where), at.get_int("offset"),
                              at.get_int("axis1"), at.get_int("axis2"), a.where)};
}

std::vector<Variable> alloc_diagonal_vjp(const VjpArgs& a) {
  std::vector<Variable> out(a.node.inputs().size());
  const Variable& g = a.grad(0);
  if (!g.valid()) return out;
  const Attrs& at = a.node.attrs();
  out[0] = diagonal_node(g, at.get_int("offset"), at.get_int("axis1"), at.get_int("axis2"), true, a.where);
  return out;
}

// Both ops are linear in input 0: the tangent is the op applied to its tangent.
std::vector<Variable> linear_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

// The axes, counted from the front, shift past the batch axis.
Attrs shifted_axes(const Node& node) {
  const DiagAxes d = diag_axes(node.attrs(), node.op().name == "diagonal" ? node.inputs()[0].ndim()
                                                                          : node.output_types()[0].ndim());
  Attrs at = node.attrs();
  at.set("axis1", std::int64_t{d.axis1 + 1});
  at.set("axis2", std::int64_t{d.axis2 + 1});
  return at;
}

std::vector<Variable> diagonal_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  return {apply1("diagonal", {a.inputs[0]}, shifted_axes(a.node), a.where)};
}

std::vector<Variable> alloc_diagonal_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  std::vector<Variable> inputs{a.inputs[0], detail::batch_size(a.inputs[0], a.where)};
  inputs.insert(inputs.end(), a.inputs.begin() + 1, a.inputs.end());
  return {apply1("alloc_diagonal", std::move(inputs), shifted_axes(a.node), a.where)};
}

// tri reads only sizes: a batch of them would be ragged (check_batch says so).
std::vector<Variable> unbatchable(const BatchArgs& a) {
  detail::check_batch(a, 0);
  throw InternalError("unreachable");
}

// tril (lower) or triu of the last two axes.
Variable triangle(const Operand& x, std::int64_t k, bool lower, const char* name) {
  const Variable v = x.variable();
  const SourceLocation w = x.where();
  if (v.ndim() < 2) {
    fail<ValueError>(x, name, "x must have at least 2 dimensions, not " + std::to_string(v.ndim()) + " (x of type " +
                                  v.type().str() + ")");
  }
  k = clamp_offset(k);
  // triu keeps what tri(k - 1) leaves out.
  const Variable mask = tri(Operand(shape(Operand(v, w), -2), w), Operand(shape(Operand(v, w), -1), w),
                            lower ? k : k - 1, DType::bool_);
  const Variable zero = constant(0.0, v.dtype(), w);
  return lower ? hypatia::where(Operand(mask, w), Operand(v, w), Operand(zero, w))
               : hypatia::where(Operand(mask, w), Operand(zero, w), Operand(v, w));
}

}  // namespace

void register_diagonal_ops(OpRegistry& r) {
  r.define("tri")
      .set_summary("numpy.tri: an n x m array (sizes: inputs 0 and 1) with ones at and below diagonal k.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), static_tri_sizes(a)}};
      })
      .set_shape([](const ShapeArgs& a) {
        SymShape out;
        for (const Variable& n : a.node.inputs()) {
          const std::int64_t c = detail::static_size(n);
          out.push_back(c != kUnknownDim ? detail::size_constant(std::max<std::int64_t>(c, 0), a.where)
                                         : maximum(Operand(n, a.where), Operand(0, a.where)));
        }
        return std::vector<SymShape>{out};
      })
      .set_reference(tri_reference)
      .lowers(Lowering::loop_nest("a loop over rows, ones up to column i + k, zeros after"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("it depends on its inputs only through integer sizes")
      .set_batch(unbatchable);

  // Theano's ExtractDiag, whose `view` flag it keeps: numpy.diagonal views, numpy.diag copies.
  r.define("diagonal")
      .set_summary("numpy.diagonal: diagonal `offset` of the (axis1, axis2) planes of x, moved to the last axis.")
      .set_traits(kPure | kShapeOnly)
      .set_infer(infer_diagonal)
      .set_shape(diagonal_shape)
      .set_reference(diagonal_reference)
      .lowers(Lowering::view())
      .set_aliasing(Aliasing::view_of_input0())
      .set_vjp(diagonal_vjp)
      .set_jvp(linear_jvp)
      .set_batch(diagonal_batch);

  r.define("alloc_diagonal")
      .set_summary("Zeros of the shape given by int64 scalar inputs 1..n, with input 0 on diagonal `offset` of "
                   "the (axis1, axis2) planes (diagonal's adjoint).")
      .set_traits(kPure)
      .set_infer(infer_alloc_diagonal)
      .set_shape(alloc_diagonal_shape)
      .set_reference(alloc_diagonal_reference)
      .lowers(Lowering::loop_nest("a zero fill, then a strided copy onto the diagonal"))
      .set_aliasing(Aliasing::none())
      .set_vjp(alloc_diagonal_vjp)
      .set_jvp(linear_jvp)
      .set_batch(alloc_diagonal_batch);
}

Variable tri(const Operand& n, std::optional<Operand> m, std::int64_t k, DType dtype) {
  // A literal m was converted to an Operand inside <optional>, so its recorded line is
  // not the user's: give it n's.
  const Operand m_op = !m ? n : m->is_literal() ? Operand(m->variable().constant_value(), n.where()) : *m;
  std::vector<Operand> sizes{n, m_op};
  return apply1("tri", detail::to_size_variables(sizes, "tri"), Attrs{{"dtype", dtype}, {"k", clamp_offset(k)}},
                n.where());
}

Variable tril(const Operand& x, std::int64_t k) { return triangle(x, k, true, "tril"); }
Variable triu(const Operand& x, std::int64_t k) { return triangle(x, k, false, "triu"); }

Variable diagonal(const Operand& x, std::int64_t offset, std::int64_t axis1, std::int64_t axis2) {
  return diagonal_node(x.variable(), offset, axis1, axis2, true, x.where());
}

Variable diag(const Operand& x, std::int64_t k) {
  const Variable v = x.variable();
  const SourceLocation w = x.where();
  if (v.ndim() == 2) return diagonal_node(v, k, 0, 1, false, w);
  if (v.ndim() != 1) fail<ValueError>(x, "diag", "Input must be 1- or 2-d. (x of type " + v.type().str() + ")");
  k = clamp_offset(k);
  // An n-vector fills diagonal k of an (n + |k|) x (n + |k|) matrix.
  const std::int64_t abs_k = k < 0 ? -k : k;
  const std::int64_t known = v.type().shape[0];
  const Operand size(known != kUnknownDim ? detail::size_constant(known + abs_k, w)
                                          : add(Operand(shape(Operand(v, w), 0), w), Operand(abs_k, w)),
                     w);
  return alloc_diagonal_node(v, {size, size}, k, 0, 1, w);
}

Variable trace(const Operand& x, std::int64_t offset, std::int64_t axis1, std::int64_t axis2) {
  const SourceLocation w = x.where();
  return sum(Operand(diagonal(x, offset, axis1, axis2), w), {-1});
}

}  // namespace hypatia
