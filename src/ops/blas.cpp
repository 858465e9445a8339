// Products: dot, matmul, tensordot, outer, with NumPy's semantics.
//
// Every product here is one loop shape: out[o] = sum over c of a[o, c] * b[o, c],
// where o runs over the output's dimensions and c over the contracted ones, and each
// operand reads both through its own byte strides (zero where it lacks or broadcasts
// a dimension). Each op only says how its operands' axes map onto o and c; one
// reference loop does the arithmetic, accumulating in the result dtype: integers wrap
// (computed in the unsigned type), bool is "or" of "and"s, as NumPy's dot.
#include "hypatia/ops/blas.hpp"

#include <algorithm>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

// ---- shapes as NumPy's messages print them: "(2,3)", "(3,)", "?" for unknown

std::string dims_str(const Shape& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += s[i] == kUnknownDim ? std::string("?") : std::to_string(s[i]);
  }
  return out + (s.size() == 1 ? ",)" : ")");
}

std::int64_t dim(const Shape& s, int i) { return s[static_cast<std::size_t>(i)]; }

// ShapeError unless the contracted sizes agree (unknown sizes agree with anything).
// a's axis `ia` meets b's axis `ib`; the wording is numpy.dot's.
void check_aligned(const Shape& a, int ia, const Shape& b, int ib) {
  const std::int64_t x = dim(a, ia), y = dim(b, ib);
  if (x == kUnknownDim || y == kUnknownDim || x == y) return;
  throw ShapeError("shapes " + dims_str(a) + " and " + dims_str(b) + " not aligned: " + std::to_string(x) +
                   " (dim " + std::to_string(ia) + ") != " + std::to_string(y) + " (dim " + std::to_string(ib) + ")");
}

// ---- the shared reference loop

// How a product's operands map onto the output's and the contraction's dimensions.
struct Product {
  Shape out_shape;
  Shape sum_shape;                // the contracted dimensions
  Strides a_out, b_out;           // per output dimension, in bytes
  Strides a_sum, b_sum;           // per contracted dimension, in bytes
  void add_out(std::int64_t size, std::int64_t sa, std::int64_t sb) {
    out_shape.push_back(size);
    a_out.push_back(size == 1 ? 0 : sa);
    b_out.push_back(size == 1 ? 0 : sb);
  }
  void add_sum(std::int64_t size, std::int64_t sa, std::int64_t sb) {
    sum_shape.push_back(size);
    a_sum.push_back(sa);
    b_sum.push_back(sb);
  }
};

// Steps an odometer over `shape`, keeping two byte offsets in step; false when done.
bool advance(std::vector<std::int64_t>& index, const Shape& shape, const Strides& sa, const Strides& sb,
             std::int64_t& pa, std::int64_t& pb) {
  for (std::size_t d = index.size(); d-- > 0;) {
    ++index[d];
    pa += sa[d];
    pb += sb[d];
    if (index[d] < shape[d]) return true;
    pa -= sa[d] * shape[d];
    pb -= sb[d] * shape[d];
    index[d] = 0;
  }
  return false;
}

// Integers accumulate in their unsigned type (at least unsigned int, so that uint16
// products do not overflow int): wrapping as NumPy's, and defined in C++.
template <class T>
struct Accumulator {
  using type = T;
};
template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct Accumulator<T> {
  using type = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;
};

template <class T>
Array run_product_typed(const Product& p, const Array& a, const Array& b) {
  Array out = Array::empty(dtype_of_v<T>, p.out_shape);
  if (out.size() == 0) return out;
  using Acc = typename Accumulator<T>::type;
  const std::int64_t sum_size = shape_size(p.sum_shape);
  const std::byte* a0 = a.data();
  const std::byte* b0 = b.data();
  T* o = reinterpret_cast<T*>(out.data());
  std::vector<std::int64_t> oi(p.out_shape.size(), 0), si(p.sum_shape.size(), 0);
  std::int64_t oa = 0, ob = 0;
  do {
    Acc acc{};
    if (sum_size != 0) {
      std::int64_t ca = oa, cb = ob;
      do {
        const T x = *reinterpret_cast<const T*>(a0 + ca);
        const T y = *reinterpret_cast<const T*>(b0 + cb);
        if constexpr (std::is_same_v<T, bool>) {
          acc = acc || (x && y);
        } else if constexpr (std::is_integral_v<T>) {
          acc = static_cast<Acc>(acc + static_cast<Acc>(static_cast<Acc>(x) * static_cast<Acc>(y)));
        } else {
          acc += x * y;
        }
      } while (advance(si, p.sum_shape, p.a_sum, p.b_sum, ca, cb));
    }
    *o++ = static_cast<T>(acc);  // modular for integers since C++20
  } while (advance(oi, p.out_shape, p.a_out, p.b_out, oa, ob));
  return out;
}

// Runs `p` over a and b, both already of `dtype`.
Array run_product(const Product& p, const Array& a, const Array& b, DType dtype) {
  if (a.dtype() != dtype || b.dtype() != dtype) throw InternalError("run_product: operands not in the result dtype");
  return visit_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return run_product_typed<T>(p, a, b);
  });
}

Array as_dtype(const Array& x, DType t) { return x.dtype() == t ? x : x.astype(t); }

// The operands of a kernel in the output dtype, converted only when they differ so that
// strided inputs are read in place (the strides a Product uses are taken after this).
std::pair<Array, Array> operands(const KernelArgs& args) {
  const DType t = args.output_type(0).dtype;
  return {as_dtype(args.inputs[0], t), as_dtype(args.inputs[1], t)};
}

std::int64_t stride(const Array& x, int axis) { return x.strides()[static_cast<std::size_t>(axis)]; }

// ---- dot

// numpy.dot's output shape; ShapeError when the contracted sizes disagree.
Shape dot_shape(const Shape& a, const Shape& b) {
  const int na = static_cast<int>(a.size()), nb = static_cast<int>(b.size());
  if (na == 0) return b;
  if (nb == 0) return a;
  const int ib = nb == 1 ? 0 : nb - 2;  // b's contracted axis
  check_aligned(a, na - 1, b, ib);
  Shape out(a.begin(), a.end() - 1);
  for (int i = 0; i < nb; ++i) {
    if (i != ib) out.push_back(dim(b, i));
  }
  return out;
}

std::vector<Array> dot_reference(const KernelArgs& args) {
  auto [a, b] = operands(args);
  dot_shape(a.shape(), b.shape());
  const int na = a.ndim(), nb = b.ndim();
  Product p;
  if (na == 0 || nb == 0) {
    // A 0-d operand scales the other: every output element reads it with stride 0.
    const Array& x = na == 0 ? b : a;
    for (int i = 0; i < x.ndim(); ++i) {
      p.add_out(x.shape(i), na == 0 ? 0 : stride(a, i), nb == 0 ? 0 : stride(b, i));
    }
  } else {
    const int ib = nb == 1 ? 0 : nb - 2;
    for (int i = 0; i < na - 1; ++i) p.add_out(a.shape(i), stride(a, i), 0);
    for (int i = 0; i < nb; ++i) {
      if (i != ib) p.add_out(b.shape(i), 0, stride(b, i));
    }
    p.add_sum(a.shape(na - 1), stride(a, na - 1), stride(b, ib));
  }
  return {run_product(p, a, b, args.output_type(0).dtype)};
}

std::vector<SymShape> dot_sym_shape(const ShapeArgs& args) {
  const SymShape& a = args.input_shapes[0];
  const SymShape& b = args.input_shapes[1];
  if (a.empty()) return {b};
  if (b.empty()) return {a};
  const std::size_t ib = b.size() == 1 ? 0 : b.size() - 2;
  SymShape out(a.begin(), a.end() - 1);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i != ib) out.push_back(b[i]);
  }
  return {out};
}

// ---- matmul

struct MatmulDims {
  Shape batch;  // broadcast batch shape
  Shape out;
};

// numpy.matmul's shapes: 1-d operands are promoted to matrices and the added axis
// removed again; batch dimensions broadcast.
MatmulDims matmul_dims(const Shape& a, const Shape& b) {
  const int na = static_cast<int>(a.size()), nb = static_cast<int>(b.size());
  if (na == 0 || nb == 0) {
    throw ValueError("operand " + std::string(na == 0 ? "0" : "1") + " is 0-d (shape " +
                     dims_str(na == 0 ? a : b) + "); matmul needs at least 1 dimension, use mul for scalars");
  }
  check_aligned(a, na - 1, b, nb == 1 ? 0 : nb - 2);
  const Shape ba(a.begin(), a.end() - std::min(na, 2));
  const Shape bb(b.begin(), b.end() - std::min(nb, 2));
  MatmulDims d;
  try {
    const Shape both[] = {ba, bb};
    d.batch = detail::broadcast_static(both);
  } catch (const ShapeError&) {
    throw ShapeError("batch dimensions " + dims_str(ba) + " and " + dims_str(bb) + " of shapes " + dims_str(a) +
                     " and " + dims_str(b) + " do not broadcast");
  }
  d.out = d.batch;
  if (na >= 2) d.out.push_back(dim(a, na - 2));
  if (nb >= 2) d.out.push_back(dim(b, nb - 1));
  return d;
}

std::vector<Array> matmul_reference(const KernelArgs& args) {
  auto [a, b] = operands(args);
  const MatmulDims d = matmul_dims(a.shape(), b.shape());
  const int na = a.ndim(), nb = b.ndim();
  const int nbatch = static_cast<int>(d.batch.size());
  // The batch strides of each operand, as if broadcast to the batch shape.
  auto batch_strides = [&](const Array& x, int core) {
    Strides s(static_cast<std::size_t>(nbatch), 0);
    const int nx = x.ndim() - core;
    for (int i = 0; i < nx; ++i) {
      const auto dst = static_cast<std::size_t>(nbatch - nx + i);
      if (x.shape(i) == d.batch[dst]) s[dst] = stride(x, i);
    }
    return s;
  };
  const Strides sa = batch_strides(a, std::min(na, 2));
  const Strides sb = batch_strides(b, std::min(nb, 2));
  Product p;
  for (int i = 0; i < nbatch; ++i) p.add_out(d.batch[static_cast<std::size_t>(i)], sa[static_cast<std::size_t>(i)], sb[static_cast<std::size_t>(i)]);
  if (na >= 2) p.add_out(a.shape(na - 2), stride(a, na - 2), 0);
  if (nb >= 2) p.add_out(b.shape(nb - 1), 0, stride(b, nb - 1));
  p.add_sum(a.shape(na - 1), stride(a, na - 1), stride(b, nb == 1 ? 0 : nb - 2));
  return {run_product(p, a, b, args.output_type(0).dtype)};
}

std::vector<SymShape> matmul_sym_shape(const ShapeArgs& args) {
  const SymShape& a = args.input_shapes[0];
  const SymShape& b = args.input_shapes[1];
  const SymShape batches[] = {SymShape(a.begin(), a.end() - std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(a.size()), 2)),
                              SymShape(b.begin(), b.end() - std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(b.size()), 2))};
  SymShape out = detail::broadcast_symbolic(batches, args.where);
  if (a.size() >= 2) out.push_back(a[a.size() - 2]);
  if (b.size() >= 2) out.push_back(b[b.size() - 1]);
  return {out};
}

// ---- tensordot

// The checked axes of a tensordot: in range, as many for a as for b, no repeats.
std::pair<std::vector<int>, std::vector<int>> tensordot_axes(const std::vector<std::int64_t>& a_axes,
                                                             const std::vector<std::int64_t>& b_axes, int na,
                                                             int nb) {
  if (a_axes.size() != b_axes.size()) {
    throw ValueError("a_axes has " + std::to_string(a_axes.size()) + " axes but b_axes has " +
                     std::to_string(b_axes.size()) + "; they must pair up");
  }
  auto check = [](const std::vector<std::int64_t>& axes, int nd, const char* which) {
    std::vector<int> out;
    for (std::int64_t ax : axes) {
      int n;
      try {
        n = detail::normalize_axis(ax, nd);
      } catch (const IndexError& e) {
        throw IndexError(std::string(which) + ": " + e.what());
      }
      if (std::find(out.begin(), out.end(), n) != out.end()) {
        throw ValueError(std::string(which) + ": repeated axis " + std::to_string(n));
      }
      out.push_back(n);
    }
    return out;
  };
  return {check(a_axes, na, "a_axes"), check(b_axes, nb, "b_axes")};
}

std::vector<int> free_axes(const std::vector<int>& summed, int nd) {
  std::vector<int> out;
  for (int i = 0; i < nd; ++i) {
    if (std::find(summed.begin(), summed.end(), i) == summed.end()) out.push_back(i);
  }
  return out;
}

// The static output shape; ShapeError when paired sizes disagree.
Shape tensordot_shape(const Shape& a, const Shape& b, const std::vector<int>& sa, const std::vector<int>& sb) {
  for (std::size_t k = 0; k < sa.size(); ++k) {
    const std::int64_t x = dim(a, sa[k]), y = dim(b, sb[k]);
    if (x != kUnknownDim && y != kUnknownDim && x != y) {
      throw ShapeError("shape-mismatch for sum: axis " + std::to_string(sa[k]) + " of a (size " + std::to_string(x) +
                       ") != axis " + std::to_string(sb[k]) + " of b (size " + std::to_string(y) + "), shapes " +
                       dims_str(a) + " and " + dims_str(b));
    }
  }
  Shape out;
  for (int i : free_axes(sa, static_cast<int>(a.size()))) out.push_back(dim(a, i));
  for (int i : free_axes(sb, static_cast<int>(b.size()))) out.push_back(dim(b, i));
  return out;
}

std::pair<std::vector<int>, std::vector<int>> node_axes(const Attrs& attrs, int na, int nb) {
  return tensordot_axes(attrs.get_ints("a_axes"), attrs.get_ints("b_axes"), na, nb);
}

std::vector<Array> tensordot_reference(const KernelArgs& args) {
  auto [a, b] = operands(args);
  const auto [sa, sb] = node_axes(args.attrs(), a.ndim(), b.ndim());
  tensordot_shape(a.shape(), b.shape(), sa, sb);
  Product p;
  for (int i : free_axes(sa, a.ndim())) p.add_out(a.shape(i), stride(a, i), 0);
  for (int i : free_axes(sb, b.ndim())) p.add_out(b.shape(i), 0, stride(b, i));
  for (std::size_t k = 0; k < sa.size(); ++k) p.add_sum(a.shape(sa[k]), stride(a, sa[k]), stride(b, sb[k]));
  return {run_product(p, a, b, args.output_type(0).dtype)};
}

std::vector<SymShape> tensordot_sym_shape(const ShapeArgs& args) {
  const SymShape& a = args.input_shapes[0];
  const SymShape& b = args.input_shapes[1];
  const auto [sa, sb] = node_axes(args.node.attrs(), static_cast<int>(a.size()), static_cast<int>(b.size()));
  SymShape out;
  for (int i : free_axes(sa, static_cast<int>(a.size()))) out.push_back(a[static_cast<std::size_t>(i)]);
  for (int i : free_axes(sb, static_cast<int>(b.size()))) out.push_back(b[static_cast<std::size_t>(i)]);
  return {out};
}

// ---- outer

std::int64_t static_size_of(const Shape& s) {
  std::int64_t n = 1;
  for (std::int64_t d : s) {
    if (d == 0) return 0;
  }
  for (std::int64_t d : s) {
    if (d == kUnknownDim) return kUnknownDim;
    n *= d;
  }
  return n;
}

std::vector<Array> outer_reference(const KernelArgs& args) {
  auto [a, b] = operands(args);
  // Every axis of a, then every axis of b; the C-contiguous result then reads as
  // (a.size, b.size), which is the flattening numpy.outer does.
  Product p;
  for (int i = 0; i < a.ndim(); ++i) p.add_out(a.shape(i), stride(a, i), 0);
  for (int i = 0; i < b.ndim(); ++i) p.add_out(b.shape(i), 0, stride(b, i));
  Array full = run_product(p, a, b, args.output_type(0).dtype);
  return {full.reshape({a.size(), b.size()})};
}

Variable sym_size(const SymShape& s, SourceLocation where) {
  if (s.empty()) return detail::size_constant(1, where);
  Variable n = s[0];
  for (std::size_t i = 1; i < s.size(); ++i) n = mul(Operand(n, where), Operand(s[i], where));
  return n;
}

std::vector<SymShape> outer_sym_shape(const ShapeArgs& args) {
  return {SymShape{sym_size(args.input_shapes[0], args.where), sym_size(args.input_shapes[1], args.where)}};
}

// ---- building nodes

std::vector<Variable> product_operands(const Operand& a, const Operand& b) {
  return detail::to_variables({&a, &b});
}

// ---- differentiation and batching
//
// Every product is bilinear: its tangent is op(ta, b) + op(a, tb), and the gradient
// of each operand is the product of the output's gradient with the other operand,
// contracted over the axes that operand did not contribute. dot and tensordot share
// one rule (dot of operands of rank >= 1 is a tensordot of a's last axis with b's
// contracted one); matmul promotes 1-d operands as it does forward and sums the
// gradient back over batch axes that broadcast; outer works on the flattened operands.

std::vector<std::int64_t> as_int64(const std::vector<int>& v) { return {v.begin(), v.end()}; }

// The position of each of x's axes in a product result whose axes are listed (as axes
// of x) in `order`: the dimshuffle pattern that puts them back in x's order.
std::vector<std::int64_t> back_to_order(const std::vector<int>& order) {
  std::vector<std::int64_t> pattern(order.size());
  for (std::size_t p = 0; p < order.size(); ++p) pattern[static_cast<std::size_t>(order[p])] = static_cast<std::int64_t>(p);
  return pattern;
}

std::vector<int> sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The axis of `to` paired with axis `axis` of `from` in the contraction.
int paired(int axis, const std::vector<int>& from, const std::vector<int>& to) {
  return to[static_cast<std::size_t>(std::find(from.begin(), from.end(), axis) - from.begin())];
}

// The gradients of tensordot(a, b, sa, sb) for its output gradient g, whose axes are
// a's free axes then b's free axes.
std::pair<Variable, Variable> tensordot_grads(const Variable& g, const Variable& a, const Variable& b,
                                              const std::vector<int>& sa, const std::vector<int>& sb,
                                              SourceLocation w) {
  const std::vector<int> fa = free_axes(sa, a.ndim()), fb = free_axes(sb, b.ndim());
  std::vector<int> g_b, g_a;  // g's axes that are b's free ones, and a's
  for (std::size_t i = 0; i < fa.size(); ++i) g_a.push_back(static_cast<int>(i));
  for (std::size_t i = 0; i < fb.size(); ++i) g_b.push_back(static_cast<int>(fa.size() + i));
  // g . b over b's free axes: a's free axes, then b's contracted ones in b's order,
  // each standing for the axis of a it met.
  std::vector<int> a_order = fa;
  for (int bs : sorted(sb)) a_order.push_back(paired(bs, sb, sa));
  const Variable ga = dimshuffle(Operand(tensordot(Operand(g, w), Operand(b, w), as_int64(g_b), as_int64(fb)), w),
                                 back_to_order(a_order));
  std::vector<int> b_order;
  for (int as : sorted(sa)) b_order.push_back(paired(as, sa, sb));
  b_order.insert(b_order.end(), fb.begin(), fb.end());
  const Variable gb = dimshuffle(Operand(tensordot(Operand(a, w), Operand(g, w), as_int64(fa), as_int64(g_a)), w),
                                 back_to_order(b_order));
  return {ga, gb};
}

std::vector<Variable> in_dtypes(const Variable& ga, const Variable& gb, const VjpArgs& a) {
  return {detail::in_dtype_of(ga, a.input(0), a.where), detail::in_dtype_of(gb, a.input(1), a.where)};
}

std::vector<Variable> dot_vjp(const VjpArgs& args) {
  const Variable& g = args.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = args.where;
  const Variable& a = args.input(0);
  const Variable& b = args.input(1);
  const int na = a.ndim(), nb = b.ndim();
  if (na == 0 || nb == 0) {
    // A 0-d operand scales the other: it gets the sum of g times the other.
    const Variable ga = mul(Operand(g, w), Operand(b, w));
    const Variable gb = mul(Operand(g, w), Operand(a, w));
    return in_dtypes(na == 0 ? sum(Operand(ga, w)) : ga, nb == 0 ? sum(Operand(gb, w)) : gb, args);
  }
  const auto [ga, gb] = tensordot_grads(g, a, b, {na - 1}, {nb == 1 ? 0 : nb - 2}, w);
  return in_dtypes(ga, gb, args);
}

std::vector<Variable> tensordot_vjp(const VjpArgs& args) {
  const Variable& g = args.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const auto [sa, sb] = node_axes(args.node.attrs(), args.input(0).ndim(), args.input(1).ndim());
  const auto [ga, gb] = tensordot_grads(g, args.input(0), args.input(1), sa, sb, args.where);
  return in_dtypes(ga, gb, args);
}

// x with its last two axes swapped.
Variable swap_last_two(const Variable& x, SourceLocation w) {
  std::vector<std::int64_t> p;
  for (int i = 0; i < x.ndim(); ++i) p.push_back(i);
  std::swap(p[p.size() - 1], p[p.size() - 2]);
  return dimshuffle(Operand(x, w), p);
}

std::vector<Variable> matmul_vjp(const VjpArgs& args) {
  const Variable& g = args.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = args.where;
  const Variable& a = args.input(0);
  const Variable& b = args.input(1);
  const int na = a.ndim(), nb = b.ndim();
  // 1-d operands as matrices (a row, b a column), and g with their size-1 axes.
  const Variable a2 = na == 1 ? dimshuffle(Operand(a, w), {newaxis, 0}) : a;
  const Variable b2 = nb == 1 ? dimshuffle(Operand(b, w), {0, newaxis}) : b;
  const int batch = g.ndim() - (na >= 2) - (nb >= 2);
  std::vector<std::int64_t> pattern;
  for (int i = 0; i < batch; ++i) pattern.push_back(i);
  pattern.push_back(na >= 2 ? batch : newaxis);
  pattern.push_back(nb >= 2 ? batch + (na >= 2) : newaxis);
  const Variable g2 = dimshuffle(Operand(g, w), pattern);
  Variable ga = detail::sum_back_to(matmul(Operand(g2, w), Operand(swap_last_two(b2, w), w)), a2, w);
  Variable gb = detail::sum_back_to(matmul(Operand(swap_last_two(a2, w), w), Operand(g2, w)), b2, w);
  if (na == 1) ga = dimshuffle(Operand(ga, w), {1});
  if (nb == 1) gb = dimshuffle(Operand(gb, w), {0});
  return in_dtypes(ga, gb, args);
}

std::vector<Variable> outer_vjp(const VjpArgs& args) {
  const Variable& g = args.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = args.where;
  const Variable& a = args.input(0);
  const Variable& b = args.input(1);
  const Variable ga = dot(Operand(g, w), Operand(flatten(Operand(b, w)), w));
  const Variable gb = dot(Operand(flatten(Operand(a, w)), w), Operand(g, w));
  return in_dtypes(reshape(Operand(ga, w), detail::shape_operands(a, w)),
                   reshape(Operand(gb, w), detail::shape_operands(b, w)), args);
}

std::vector<Variable> bilinear_jvp(const JvpArgs& args) {
  const SourceLocation w = args.where;
  Variable out;
  if (args.tangent(0).valid()) out = detail::reapply_on(args.node, 0, args.tangent(0), w);
  if (args.tangent(1).valid()) {
    const Variable t = detail::reapply_on(args.node, 1, args.tangent(1), w);
    out = out.valid() ? add(Operand(out, w), Operand(t, w)) : t;
  }
  const DType want = args.node.output_types()[0].dtype;
  if (out.valid() && out.dtype() != want) out = cast(Operand(out, w), want);
  return {out};
}

std::vector<int> shifted(const std::vector<int>& axes) {
  std::vector<int> out;
  for (int a : axes) out.push_back(a + 1);
  return out;
}

// A tensordot over the batch: a product per batch element when both operands carry
// the batch axis; one tensordot otherwise, the batch axis moved to the front.
Variable batched_contraction(const BatchArgs& args, const std::vector<int>& sa, const std::vector<int>& sb) {
  const SourceLocation w = args.where;
  const Variable& a = args.inputs[0];
  const Variable& b = args.inputs[1];
  if (args.batched[0] && args.batched[1]) return detail::batched_tensordot(a, b, sa, sb, w);
  if (args.batched[0]) return tensordot(Operand(a, w), Operand(b, w), as_int64(shifted(sa)), as_int64(sb));
  const Variable r = tensordot(Operand(a, w), Operand(b, w), as_int64(sa), as_int64(shifted(sb)));
  return detail::move_to_front(r, a.ndim() - static_cast<int>(sa.size()), w);
}

std::vector<Variable> dot_batch(const BatchArgs& args) {
  detail::check_batch(args, 2);
  const SourceLocation w = args.where;
  const int na = args.node.inputs()[0].ndim(), nb = args.node.inputs()[1].ndim();
  if (na == 0 || nb == 0) {
    // A scaling: the product, each batched operand's axes aligned after the batch axis.
    const int rank = std::max(na, nb);
    auto aligned = [&](int i, int n) {
      const Variable& v = args.inputs[static_cast<std::size_t>(i)];
      return args.batched[static_cast<std::size_t>(i)] ? detail::pad_after_batch(v, rank - n, w) : v;
    };
    return {mul(Operand(aligned(0, na), w), Operand(aligned(1, nb), w))};
  }
  return {batched_contraction(args, {na - 1}, {nb == 1 ? 0 : nb - 2})};
}

std::vector<Variable> tensordot_batch(const BatchArgs& args) {
  detail::check_batch(args, 2);
  const auto [sa, sb] = node_axes(args.node.attrs(), args.node.inputs()[0].ndim(), args.node.inputs()[1].ndim());
  return {batched_contraction(args, sa, sb)};
}

// numpy.matmul aligns batch axes from the right: a batched operand gets size-1 axes
// after its batch axis until both have as many, and a batched 1-d operand becomes a
// matrix (as matmul would promote it) whose added axis is dropped from the result.
std::vector<Variable> matmul_batch(const BatchArgs& args) {
  detail::check_batch(args, 2);
  const SourceLocation w = args.where;
  const bool ba = args.batched[0], bb = args.batched[1];
  const int na = args.node.inputs()[0].ndim(), nb = args.node.inputs()[1].ndim();
  Variable a = args.inputs[0], b = args.inputs[1];
  const bool pa = ba && na == 1, pb = bb && nb == 1;
  if (pa) a = dimshuffle(Operand(a, w), {0, newaxis, 1});
  if (pb) b = dimshuffle(Operand(b, w), {0, 1, newaxis});
  const bool a_matrix = na >= 2 || pa, b_matrix = nb >= 2 || pb;
  const int ka = a.ndim() - ba - (a_matrix ? 2 : 1), kb = b.ndim() - bb - (b_matrix ? 2 : 1);
  const int k = std::max(ka, kb);
  if (ba) a = detail::pad_after_batch(a, k - ka, w);
  if (bb) b = detail::pad_after_batch(b, k - kb, w);
  const Variable c = matmul(Operand(a, w), Operand(b, w));
  // Drop the axes the promotions added: m (a's) and n (b's), at the end of c.
  const int nc = c.ndim();
  const int m_axis = a_matrix ? nc - 1 - b_matrix : -1, n_axis = b_matrix ? nc - 1 : -1;
  std::vector<std::int64_t> keep;
  for (int i = 0; i < nc; ++i) {
    if (!((pa && i == m_axis) || (pb && i == n_axis))) keep.push_back(i);
  }
  return {dimshuffle(Operand(c, w), keep)};
}

// Each operand flattened per batch element: (B, size) or (size); the product of
// (., Ma, 1) and (., 1, Nb) broadcast.
std::vector<Variable> outer_batch(const BatchArgs& args) {
  detail::check_batch(args, 2);
  const SourceLocation w = args.where;
  auto flat = [&](int i) {
    const Variable& v = args.inputs[static_cast<std::size_t>(i)];
    if (!args.batched[static_cast<std::size_t>(i)]) return flatten(Operand(v, w));
    return v.ndim() == 1 ? dimshuffle(Operand(v, w), {0, newaxis}) : flatten(Operand(v, w), 2);
  };
  const Variable a = flat(0), b = flat(1);
  const Variable left = args.batched[0] ? dimshuffle(Operand(a, w), {0, 1, newaxis}) : dimshuffle(Operand(a, w), {0, newaxis});
  const Variable right = args.batched[1] ? dimshuffle(Operand(b, w), {0, newaxis, 1}) : b;
  return {mul(Operand(left, w), Operand(right, w))};
}

}  // namespace

void register_blas_ops(OpRegistry& r) {
  // The backends pick the BLAS routine by rank: dot for 1-d.1-d, gemv when one side
  // is 1-d, gemm for 2-d.2-d; N-d operands are gemm over the flattened free axes.
  r.define("dot")
      .set_summary("numpy.dot: inner product, matrix product, or a sum over a's last and b's second-to-last axes.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{detail::promote_inputs(a), dot_shape(a.type(0).shape, a.type(1).shape)}};
      })
      .set_shape(dot_sym_shape)
      .set_reference(dot_reference)
      .lowers(Lowering::library("gemm"))
      .set_aliasing(Aliasing::none())
      .set_vjp(dot_vjp)
      .set_jvp(bilinear_jvp)
      .set_batch(dot_batch);

  // Batched gemm (gemm_strided_batched on cuBLAS; a gemm per batch on the CPU); 1-d
  // operands become gemv.
  r.define("matmul")
      .set_summary("numpy.matmul: matrix product over the last two axes, batch axes broadcast.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{detail::promote_inputs(a), matmul_dims(a.type(0).shape, a.type(1).shape).out}};
      })
      .set_shape(matmul_sym_shape)
      .set_reference(matmul_reference)
      .lowers(Lowering::library("gemm"))
      .set_aliasing(Aliasing::none())
      .set_vjp(matmul_vjp)
      .set_jvp(bilinear_jvp)
      .set_batch(matmul_batch);

  r.define("tensordot")
      .set_summary("numpy.tensordot: sum of products over paired axes of a and b.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        const auto [sa, sb] = node_axes(a.attrs, a.type(0).ndim(), a.type(1).ndim());
        return std::vector<Type>{Type{detail::promote_inputs(a), tensordot_shape(a.type(0).shape, a.type(1).shape, sa, sb)}};
      })
      .set_shape(tensordot_sym_shape)
      .set_reference(tensordot_reference)
      .lowers(Lowering::library("gemm"))
      .set_aliasing(Aliasing::none())
      .set_vjp(tensordot_vjp)
      .set_jvp(bilinear_jvp)
      .set_batch(tensordot_batch);

  r.define("outer")
      .set_summary("numpy.outer: products of every element of flattened a with every element of flattened b.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{
            Type{detail::promote_inputs(a), {static_size_of(a.type(0).shape), static_size_of(a.type(1).shape)}}};
      })
      .set_shape(outer_sym_shape)
      .set_reference(outer_reference)
      .lowers(Lowering::loop_nest("two nested loops over the flattened operands (BLAS ger)"))
      .set_aliasing(Aliasing::none())
      .set_vjp(outer_vjp)
      .set_jvp(bilinear_jvp)
      .set_batch(outer_batch);
}

Variable dot(const Operand& a, const Operand& b) { return apply1("dot", product_operands(a, b), {}, a.where()); }

Variable matmul(const Operand& a, const Operand& b) {
  return apply1("matmul", product_operands(a, b), {}, a.where());
}

Variable tensordot(const Operand& a, const Operand& b, std::int64_t axes) {
  std::vector<Variable> v = product_operands(a, b);
  const int na = v[0].ndim(), nb = v[1].ndim();
  if (axes < 0 || axes > na || axes > nb) {
    throw ValueError(format_location(a.where()) + ": tensordot: axes=" + std::to_string(axes) +
                     " must be between 0 and the rank of both operands (" + std::to_string(na) + " and " +
                     std::to_string(nb) + ")");
  }
  std::vector<std::int64_t> a_axes, b_axes;
  for (std::int64_t k = 0; k < axes; ++k) {
    a_axes.push_back(na - axes + k);
    b_axes.push_back(k);
  }
  return apply1("tensordot", v, Attrs{{"a_axes", a_axes}, {"b_axes", b_axes}}, a.where());
}

Variable tensordot(const Operand& a, const Operand& b, const std::vector<std::int64_t>& a_axes,
                   const std::vector<std::int64_t>& b_axes) {
  std::vector<Variable> v = product_operands(a, b);
  // Normalised here so that equal contractions hash-cons to one node; errors are
  // raised (with the user's line) by type inference.
  std::vector<std::int64_t> na, nb;
  try {
    const auto [sa, sb] = tensordot_axes(a_axes, b_axes, v[0].ndim(), v[1].ndim());
    na.assign(sa.begin(), sa.end());
    nb.assign(sb.begin(), sb.end());
  } catch (const UserError&) {
    na = a_axes;
    nb = b_axes;
  }
  return apply1("tensordot", v, Attrs{{"a_axes", na}, {"b_axes", nb}}, a.where());
}

Variable outer(const Operand& a, const Operand& b) {
  return apply1("outer", product_operands(a, b), {}, a.where());
}

}  // namespace hypatia
