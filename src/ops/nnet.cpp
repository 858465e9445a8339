// Numerically stable ops: logaddexp, log1mexp, logsumexp, softmax, log_softmax and the
// fused softmax cross-entropy (include/hypatia/ops/nnet.hpp). The stabilize rewrites
// produce them from the naive formulas, so their kernels are the ground truth for
// "stable": max-shifted, through log1p and expm1, accumulated in double.
//
// Attributes: logsumexp has "axes" (normalized, sorted; absent = every axis) and
// "keepdims" as the reductions of reduce.cpp; softmax and log_softmax have "axis"
// (normalized by the public function).
#include "hypatia/ops/nnet.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/matrix.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/elemwise_util.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

using detail::sym::Ex;

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- scalar functions

// NumPy's npy_logaddexp: equal arguments (infinities included) give x + log 2;
// otherwise the larger plus log1p(exp(-|x - y|)); a NaN difference propagates.
template <class T>
T logaddexp_of(T x, T y) {
  if (x == y) return x + std::numbers::ln2_v<T>;
  const T d = x - y;
  if (d > 0) return x + std::log1p(std::exp(-d));
  if (d <= 0) return y + std::log1p(std::exp(d));
  return d;
}

// log(1 - exp(x)), split at -ln 2 where each form loses nothing (Maechler 2012).
template <class T>
T log1mexp_of(T x) {
  if (x > 0) return std::numeric_limits<T>::quiet_NaN();
  if (x > -std::numbers::ln2_v<T>) return std::log(-std::expm1(x));
  return std::log1p(-std::exp(x));
}

// ---- rows: the elements of one slice, in double

// The largest element; NaN if any is NaN; -inf when empty.
double row_max(const std::vector<double>& v) {
  double m = -kInf;
  for (double x : v) {
    if (std::isnan(x)) return x;
    m = std::max(m, x);
  }
  return m;
}

// log(sum(exp(v - m))) for m = max(v) finite: the max's own term is exactly 1, so the
// others go through log1p (accurate when they are tiny).
double log_sum_shifted(const std::vector<double>& v, double m) {
  double others = 0;
  bool skipped = false;
  for (double x : v) {
    if (!skipped && x == m) {
      skipped = true;
    } else {
      others += std::exp(x - m);
    }
  }
  return std::log1p(others);
}

// log(sum(exp(v))) (scipy's logsumexp): shifted by the max when it is finite.
double row_logsumexp(const std::vector<double>& v) {
  const double m = row_max(v);
  if (std::isnan(m)) return m;
  if (!std::isfinite(m)) {
    double s = 0;
    for (double x : v) s += std::exp(x);
    return std::log(s);  // -inf for only -inf (or none), +inf for a +inf
  }
  return m + log_sum_shifted(v, m);
}

// scipy's softmax: exp(v - max) / sum; a +inf, a NaN or only -inf make NaN throughout.
void row_softmax(std::vector<double>& v) {
  const double m = row_max(v);
  double s = 0;
  for (double& x : v) s += (x = std::exp(x - m));
  for (double& x : v) x /= s;
}

// scipy's log_softmax: v - logsumexp(v), shifted by the max when finite (so a +inf
// gives NaN there and -inf elsewhere, as scipy).
void row_log_softmax(std::vector<double>& v) {
  const double m = row_max(v);
  if (std::isfinite(m)) {
    const double log_s = log_sum_shifted(v, m);
    for (double& x : v) x = (x - m) - log_s;
    return;
  }
  double s = 0;
  for (double x : v) s += std::exp(x);
  const double log_s = std::log(s);
  for (double& x : v) x -= log_s;
}

// ---- kernels
//
// The kernels move the axes they work along to the end and copy the input into one
// contiguous double buffer, so each slice is n consecutive elements; any strides and
// dtypes are handled by transpose and astype.

// The perm that moves the axes of `mask` to the end (kept axes first, in order).
std::vector<int> masked_last(const std::vector<bool>& mask) {
  std::vector<int> perm;
  for (std::size_t d = 0; d < mask.size(); ++d) {
    if (!mask[d]) perm.push_back(static_cast<int>(d));
  }
  for (std::size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) perm.push_back(static_cast<int>(d));
  }
  return perm;
}

// logsumexp of every selection of `mask`, in dtype, with the reduced axes dropped
// (or kept as size 1).
Array logsumexp_kernel(const Array& x, const std::vector<bool>& mask, bool keepdims, DType dtype) {
  const Array t = x.transpose(masked_last(mask)).astype(DType::float64);
  std::size_t n = 1;
  Shape out_shape;
  std::size_t count = 1;
  for (std::size_t d = 0; d < mask.size(); ++d) {
    const std::int64_t size = x.shape()[d];
    if (mask[d]) {
      n *= static_cast<std::size_t>(size);
      if (keepdims) out_shape.push_back(1);
    } else {
      count *= static_cast<std::size_t>(size);
      out_shape.push_back(size);
    }
  }
  const double* p = reinterpret_cast<const double*>(t.data());
  std::vector<double> out(count);
  std::vector<double> row(n);
  for (std::size_t i = 0; i < count; ++i) {
    std::copy(p + i * n, p + (i + 1) * n, row.begin());
    out[i] = row_logsumexp(row);
  }
  return Array::copy_from(out.data(), out_shape).astype(dtype);
}

// `values` (double, C order over `shape`) as an array of `dtype`.
Array from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype) {
  return Array::copy_from(values.data(), shape).astype(dtype);
}

// softmax or log_softmax of every slice along `axis`, in dtype.
Array along_axis(const Array& x, int axis, DType dtype, void (*row_fn)(std::vector<double>&)) {
  std::vector<int> perm;
  for (int d = 0; d < x.ndim(); ++d) {
    if (d != axis) perm.push_back(d);
  }
  perm.push_back(axis);
  const Array t = x.transpose(perm).astype(DType::float64);
  const auto n = static_cast<std::size_t>(x.shape()[static_cast<std::size_t>(axis)]);
  const auto total = static_cast<std::size_t>(t.size());
  const double* p = reinterpret_cast<const double*>(t.data());
  std::vector<double> out(total);
  std::vector<double> row(n);
  for (std::size_t base = 0; n > 0 && base < total; base += n) {
    std::copy(p + base, p + base + n, row.begin());
    row_fn(row);
    std::copy(row.begin(), row.end(), out.begin() + static_cast<std::ptrdiff_t>(base));
  }
  std::vector<int> inverse(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
  return from_doubles(out, t.shape(), dtype).transpose(inverse).astype(dtype);
}

// -log_softmax(logits)[..., target] of every row; IndexError for a target outside
// [0, k).
Array cross_entropy_kernel(const Array& logits, const Array& targets, DType dtype) {
  const int nd = logits.ndim();
  const Shape rows_shape(logits.shape().begin(), logits.shape().end() - 1);
  if (targets.shape() != rows_shape) {
    throw ShapeError("targets of shape " + shape_str(targets.shape()) + " do not match logits of shape " +
                     shape_str(logits.shape()) + ": expected " + shape_str(rows_shape));
  }
  const std::int64_t k = logits.shape()[static_cast<std::size_t>(nd - 1)];
  // The targets as int64, checked against k in their own type (no wrap of uint64).
  std::vector<std::int64_t> t;
  t.reserve(static_cast<std::size_t>(targets.size()));
  visit_dtype(targets.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      detail::for_each_element(targets, [&](const std::byte* p) {
        const T v = *reinterpret_cast<const T*>(p);
        bool in_range = false;
        if constexpr (std::is_signed_v<T>) {
          in_range = v >= 0 && static_cast<std::int64_t>(v) < k;
        } else {
          in_range = static_cast<std::uint64_t>(v) < static_cast<std::uint64_t>(k);
        }
        if (!in_range) {
          throw IndexError("target " + std::to_string(v) + " is out of bounds for " + std::to_string(k) +
                           " classes");
        }
        t.push_back(static_cast<std::int64_t>(v));
      });
    } else {
      throw InternalError("softmax_cross_entropy: targets of dtype " + std::string(dtype_name(targets.dtype())));
    }
  });
  const Array l = logits.astype(DType::float64);
  const double* p = reinterpret_cast<const double*>(l.data());
  const auto n = static_cast<std::size_t>(k);
  std::vector<double> out(t.size());
  std::vector<double> row(n);
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::copy(p + i * n, p + (i + 1) * n, row.begin());
    const double target = row[static_cast<std::size_t>(t[i])];
    // logsumexp - target, with the max taken out of both, so a gap of 1000 gives
    // (m - target) + log1p(tiny) = 1000.
    const double m = row_max(row);
    out[i] = std::isfinite(m) ? (m - target) + log_sum_shifted(row, m) : row_logsumexp(row) - target;
  }
  return Array::copy_from(out.data(), rows_shape).astype(dtype);
}

// ---- type and shape inference

DType float_of(DType t) { return upcast_to_float(t); }

std::vector<bool> checked_axes_mask(const InferArgs& a) {
  const int nd = a.type(0).ndim();
  if (a.attrs.has("axes")) {
    const auto& axes = a.attrs.get_ints("axes");
    const std::vector<int> normalized = detail::normalize_axes(axes, nd);
    if (!std::equal(axes.begin(), axes.end(), normalized.begin(), normalized.end())) {
      throw InternalError("logsumexp axes are not normalized: " + a.attrs.str());
    }
  }
  return detail::reduced_mask(a.attrs, nd);
}

int checked_axis(const InferArgs& a) {
  const std::int64_t axis = a.attrs.get_int("axis");
  if (axis < 0 || axis >= a.type(0).ndim()) throw InternalError("softmax axis is not normalized: " + a.attrs.str());
  return static_cast<int>(axis);
}

// The user's axis, normalized, with the user's line on an error.
std::int64_t user_axis(const char* op, const Operand& x, std::int64_t axis) {
  try {
    return detail::normalize_axis(axis, x.variable().ndim());
  } catch (const UserError& e) {
    throw_user_error(e.kind(), format_location(x.where()) + ": " + op + ": " + e.what());
  }
}

// ---- differentiation helpers

Variable keep_reduced(const Variable& v, const Node& node, SourceLocation w);

// d logsumexp / dx: the softmax over the reduced axes. Over one axis the softmax op
// itself, whose kernel works in double (exp(x - out) would carry out's rounding, 1e-5
// relative at 1000 in float32); over several, exp(x - out).
Variable logsumexp_partial(const Node& node, SourceLocation w) {
  const Variable& x = node.inputs()[0];
  const std::vector<bool> mask = detail::reduced_mask(node.attrs(), x.ndim());
  const auto reduced = std::count(mask.begin(), mask.end(), true);
  if (reduced == 1) {
    const auto axis = static_cast<std::int64_t>(std::find(mask.begin(), mask.end(), true) - mask.begin());
    return apply1("softmax", {x}, Attrs{{"axis", axis}}, w);
  }
  return exp(Operand(sub(Operand(x, w), Operand(keep_reduced(node.output(0), node, w), w)), w));
}

// logsumexp's result with its reduced axes back as size 1 (to broadcast against x).
Variable keep_reduced(const Variable& v, const Node& node, SourceLocation w) {
  if (node.attrs().get_bool("keepdims")) return v;
  const std::vector<bool> mask = detail::reduced_mask(node.attrs(), node.inputs()[0].ndim());
  std::vector<std::int64_t> pattern;
  std::int64_t j = 0;
  for (bool reduced : mask) pattern.push_back(reduced ? newaxis : j++);
  return dimshuffle(Operand(v, w), pattern);
}

Variable sum_axis(const Variable& v, std::int64_t axis, SourceLocation w) {
  return sum(Operand(v, w), Axes{axis}, true);
}

// v with a trailing size-1 axis.
Variable with_last_axis(const Variable& v, SourceLocation w) {
  std::vector<std::int64_t> pattern(static_cast<std::size_t>(v.ndim()));
  std::iota(pattern.begin(), pattern.end(), 0);
  pattern.push_back(newaxis);
  return dimshuffle(Operand(v, w), pattern);
}

// d cross-entropy / d logits, (softmax(logits) - one_hot(targets)), in the logits'
// float dtype.
Variable cross_entropy_partial(const Node& node, SourceLocation w) {
  const Variable& logits = node.inputs()[0];
  const Variable& targets = node.inputs()[1];
  const DType t = node.output_types()[0].dtype;
  const Variable k = detail::symbolic_shape(logits, w).back();
  const Variable p = apply1("softmax", {logits}, Attrs{{"axis", std::int64_t{logits.ndim() - 1}}}, w);
  return sub(Operand(p, w), Operand(one_hot(Operand(targets, w), Operand(k, w), t), w));
}

// A composite lowering of an elementwise op whose arity is that of `arity_of`.
Lowering composite_of(ScalarPrim arity_of, std::string what) {
  Lowering l = Lowering::composite(std::move(what));
  l.scalar = arity_of;
  return l;
}

Variable batched_axis_op(const BatchArgs& a) {
  detail::check_batch(a, 1);
  Attrs attrs = a.node.attrs();
  attrs.set("axis", attrs.get_int("axis") + 1);
  return apply1(a.node.op().name, {a.inputs[0]}, std::move(attrs), a.where);
}

// A variable in the batch: a batched one as it is, an unbatched one broadcast to the
// batch size of `like` in front.
Variable to_batch(const Variable& v, bool batched, const Variable& like, SourceLocation w) {
  if (batched) return v;
  std::vector<Operand> shape{Operand(detail::batch_size(like, w), w)};
  for (const Operand& s : detail::shape_operands(v, w)) shape.push_back(s);
  return broadcast_to(Operand(v, w), shape);
}

}  // namespace

void register_nnet_ops(OpRegistry& r) {
  // The elementwise ops have no scalar primitive of their own (the kernel IR's list is
  // closed): define_elemwise's lowering is replaced by their composite, which keeps the
  // spec's primitive in its `scalar` field only for its arity (generic tests read it).
  using detail::ElemwiseSpec;
  using detail::ResultDType;
  const ElemwiseSpec logaddexp_spec{
      "logaddexp", "log(exp(x) + exp(y)) without overflow, elementwise (NumPy's).", kCommutative, ScalarPrim::add,
      ResultDType::float_upcast, detail::float_kernel<2>([](auto x, auto y) { return logaddexp_of(x, y); })};
  // d/dx = exp(x - out) = sigmoid(x - y): at most 1, and x - y does not carry the
  // rounding of out (which at 1000 in float32 is 1e-5 relative).
  detail::set_partials(
      define_elemwise(r, logaddexp_spec)
          .lowers(composite_of(ScalarPrim::add,
                               "m + log1p(exp(-|x - y|)), m = maximum(x, y); x + log 2 where x == y")),
      [](const detail::PartialArgs& a, int i) -> std::optional<Ex> {
        return sigmoid(a.x[static_cast<std::size_t>(i)] - a.x[static_cast<std::size_t>(1 - i)]);
      });

  const ElemwiseSpec log1mexp_spec{
      "log1mexp", "log(1 - exp(x)) for x <= 0, accurate everywhere, elementwise.", 0, ScalarPrim::log1p,
      ResultDType::float_upcast, detail::float_kernel<1>([](auto x) { return log1mexp_of(x); })};
  // d/dx log(1 - e^x) = -e^x / (1 - e^x) = -1 / expm1(-x): -inf at 0, -0 at -inf,
  // exact near 0 (-1e20 at -1e-20).
  detail::set_partials(
      define_elemwise(r, log1mexp_spec)
          .lowers(composite_of(ScalarPrim::log1p, "where(x > -ln 2, log(-expm1(x)), log1p(-exp(x)))")),
      detail::unary_partial([](const Ex& x, const Ex&) {
        return -1 / detail::sym::ex_apply([](const Operand& o) { return expm1(o); }, -x);
      }));

  r.define("logsumexp")
      .set_summary("log(sum(exp(x))) over axes, max-shifted; only -inf (or nothing) gives -inf.")
      .set_traits(kReduction | kPure)
      .set_infer([](const InferArgs& a) {
        const std::vector<bool> mask = checked_axes_mask(a);
        const Type& in = a.type(0);
        return std::vector<Type>{
            Type{float_of(in.dtype), detail::reduced_sizes(in.shape, mask, a.attrs.get_bool("keepdims"), std::int64_t{1})}};
      })
      .set_shape([](const ShapeArgs& a) {
        const SymShape& in = a.input_shapes.at(0);
        const std::vector<bool> mask = detail::reduced_mask(a.node.attrs(), static_cast<int>(in.size()));
        return std::vector<SymShape>{
            detail::reduced_sizes(in, mask, a.node.attrs().get_bool("keepdims"), detail::size_constant(1, a.where))};
      })
      .set_reference([](const KernelArgs& a) {
        const Array& x = a.inputs[0];
        return std::vector<Array>{logsumexp_kernel(x, detail::reduced_mask(a.attrs(), x.ndim()), a.attrs().get_bool("keepdims"),
                                                   a.output_type(0).dtype)};
      })
      .lowers(Lowering::composite("m + log(sum(exp(x - m))), m = max(x) over the axes (0 where not finite)"))
      .set_aliasing(Aliasing::none())
      // d/dx = exp(x - out), the softmax over the axes (logsumexp_partial).
      .set_vjp([](const VjpArgs& a) -> std::vector<Variable> {
        const Variable& g = a.grad(0);
        if (!g.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const Variable p = logsumexp_partial(a.node, w);
        return {detail::in_dtype_of(mul(Operand(keep_reduced(g, a.node, w), w), Operand(p, w)), a.input(0), w)};
      })
      .set_jvp([](const JvpArgs& a) -> std::vector<Variable> {
        const Variable& t = a.tangent(0);
        if (!t.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const Variable p = logsumexp_partial(a.node, w);
        Attrs attrs{{"keepdims", a.node.attrs().get_bool("keepdims")}};
        if (a.node.attrs().has("axes")) attrs.set("axes", a.node.attrs().get_ints("axes"));
        const Variable out = apply1("sum", {mul(Operand(p, w), Operand(t, w))}, std::move(attrs), w);
        const DType want = a.node.output_types()[0].dtype;
        return {out.dtype() != want ? cast(Operand(out, w), want) : out};
      })
      .set_batch([](const BatchArgs& a) {
        detail::check_batch(a, 1);
        Attrs attrs = a.node.attrs();
        std::vector<std::int64_t> axes;
        if (attrs.has("axes")) {
          for (std::int64_t ax : attrs.get_ints("axes")) axes.push_back(ax + 1);
        } else {
          for (int i = 0; i < a.node.inputs()[0].ndim(); ++i) axes.push_back(i + 1);
        }
        attrs.set("axes", axes);
        return std::vector<Variable>{apply1("logsumexp", {a.inputs[0]}, std::move(attrs), a.where)};
      });

  auto infer_along_axis = [](const InferArgs& a) {
    checked_axis(a);
    return std::vector<Type>{Type{float_of(a.type(0).dtype), a.type(0).shape}};
  };

  r.define("softmax")
      .set_summary("exp(x) / sum(exp(x)) along one axis, max-shifted (scipy.special.softmax).")
      .set_traits(kPure)
      .set_infer(infer_along_axis)
      .set_shape(detail::shape_same_as_input0)
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{along_axis(a.inputs[0], static_cast<int>(a.attrs().get_int("axis")),
                                             a.output_type(0).dtype, row_softmax)};
      })
      .lowers(Lowering::composite("e = exp(x - max(x, axis)); e / sum(e, axis)"))
      .set_aliasing(Aliasing::none())
      // y (g - sum(g y)): the Jacobian diag(y) - y y^T applied without forming it.
      .set_vjp([](const VjpArgs& a) -> std::vector<Variable> {
        const Variable& g = a.grad(0);
        if (!g.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const Variable y = a.output();
        const std::int64_t axis = a.node.attrs().get_int("axis");
        const Variable gy = mul(Operand(g, w), Operand(y, w));
        const Variable gx = sub(Operand(gy, w), Operand(mul(Operand(y, w), Operand(sum_axis(gy, axis, w), w)), w));
        return {detail::in_dtype_of(gx, a.input(0), w)};
      })
      .set_jvp([](const JvpArgs& a) -> std::vector<Variable> {
        const Variable& t = a.tangent(0);
        if (!t.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const Variable y = a.output();
        const std::int64_t axis = a.node.attrs().get_int("axis");
        const Variable ty = mul(Operand(t, w), Operand(y, w));
        const Variable out = sub(Operand(ty, w), Operand(mul(Operand(y, w), Operand(sum_axis(ty, axis, w), w)), w));
        return {detail::in_dtype_of(out, y, w)};
      })
      .set_batch([](const BatchArgs& a) { return std::vector<Variable>{batched_axis_op(a)}; });

  r.define("log_softmax")
      .set_summary("x - logsumexp(x) along one axis, max-shifted (scipy.special.log_softmax).")
      .set_traits(kPure)
      .set_infer(infer_along_axis)
      .set_shape(detail::shape_same_as_input0)
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{along_axis(a.inputs[0], static_cast<int>(a.attrs().get_int("axis")),
                                             a.output_type(0).dtype, row_log_softmax)};
      })
      .lowers(Lowering::composite("s = x - max(x, axis); s - log(sum(exp(s), axis))"))
      .set_aliasing(Aliasing::none())
      // g - softmax(x) sum(g), with softmax(x) = exp(out) <= 1.
      .set_vjp([](const VjpArgs& a) -> std::vector<Variable> {
        const Variable& g = a.grad(0);
        if (!g.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const std::int64_t axis = a.node.attrs().get_int("axis");
        const Variable p = exp(Operand(a.output(), w));
        const Variable gx = sub(Operand(g, w), Operand(mul(Operand(p, w), Operand(sum_axis(g, axis, w), w)), w));
        return {detail::in_dtype_of(gx, a.input(0), w)};
      })
      .set_jvp([](const JvpArgs& a) -> std::vector<Variable> {
        const Variable& t = a.tangent(0);
        if (!t.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const std::int64_t axis = a.node.attrs().get_int("axis");
        const Variable p = exp(Operand(a.output(), w));
        const Variable out =
            sub(Operand(t, w), Operand(sum_axis(mul(Operand(p, w), Operand(t, w)), axis, w), w));
        return {detail::in_dtype_of(out, a.output(), w)};
      })
      .set_batch([](const BatchArgs& a) { return std::vector<Variable>{batched_axis_op(a)}; });

  r.define("softmax_cross_entropy")
      .set_summary("-log_softmax(logits)[..., target] per row for integer targets, fused and stable.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        const Type& logits = a.type(0);
        const Type& targets = a.type(1);
        if (logits.ndim() == 0) {
          throw ValueError("logits must have at least one axis (the classes), got a scalar");
        }
        if (!is_integer(targets.dtype)) {
          throw TypeError("targets must be integers (class indices), got " + std::string(dtype_name(targets.dtype)));
        }
        const Shape rows(logits.shape.begin(), logits.shape.end() - 1);
        bool match = targets.ndim() == logits.ndim() - 1;
        for (std::size_t d = 0; match && d < rows.size(); ++d) {
          match = rows[d] == kUnknownDim || targets.shape[d] == kUnknownDim || rows[d] == targets.shape[d];
        }
        if (!match) {
          throw ShapeError("targets of shape " + shape_str(targets.shape) + " do not match logits of shape " +
                           shape_str(logits.shape) + ": expected " + shape_str(rows));
        }
        Shape out = rows;
        for (std::size_t d = 0; d < out.size(); ++d) {
          if (out[d] == kUnknownDim) out[d] = targets.shape[d];
        }
        return std::vector<Type>{Type{float_of(logits.dtype), out}};
      })
      .set_shape([](const ShapeArgs& a) {
        const SymShape& in = a.input_shapes.at(0);
        return std::vector<SymShape>{SymShape(in.begin(), in.end() - 1)};
      })
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{cross_entropy_kernel(a.inputs[0], a.inputs[1], a.output_type(0).dtype)};
      })
      .lowers(Lowering::composite("logsumexp(logits, -1) - take_along_axis(logits, targets[..., None], -1)"))
      .set_aliasing(Aliasing::none())
      .set_vjp([](const VjpArgs& a) -> std::vector<Variable> {
        const Variable& g = a.grad(0);
        if (!g.valid()) return {Variable(), Variable()};
        const SourceLocation w = a.where;
        const Variable gx = mul(Operand(cross_entropy_partial(a.node, w), w), Operand(with_last_axis(g, w), w));
        return {detail::in_dtype_of(gx, a.input(0), w), Variable()};
      })
      .set_jvp([](const JvpArgs& a) -> std::vector<Variable> {
        const Variable& t = a.tangent(0);
        if (!t.valid()) return {Variable()};
        const SourceLocation w = a.where;
        const Variable d = mul(Operand(cross_entropy_partial(a.node, w), w), Operand(t, w));
        const Variable out = sum(Operand(d, w), Axes{-1}, false);
        const DType want = a.node.output_types()[0].dtype;
        return {out.dtype() != want ? cast(Operand(out, w), want) : out};
      })
      .set_batch([](const BatchArgs& a) {
        detail::check_batch(a, 2);
        const SourceLocation w = a.where;
        const Variable& like = a.batched[0] ? a.inputs[0] : a.inputs[1];
        return std::vector<Variable>{apply1("softmax_cross_entropy",
                                            {to_batch(a.inputs[0], a.batched[0], like, w),
                                             to_batch(a.inputs[1], a.batched[1], like, w)},
                                            {}, w)};
      });
}

Variable logaddexp(const Operand& x, const Operand& y) { return detail::elemwise("logaddexp", {&x, &y}); }
Variable log1mexp(const Operand& x) { return detail::elemwise("log1mexp", {&x}); }

Variable logsumexp(const Operand& x, Axes axis, bool keepdims) {
  Variable v = x.variable();
  Attrs attrs{{"keepdims", keepdims}};
  if (!axis.is_all()) {
    std::vector<int> normalized;
    try {
      normalized = detail::normalize_axes(axis.list(), v.ndim());
    } catch (const UserError& e) {
      throw_user_error(e.kind(), format_location(x.where()) + ": logsumexp: " + e.what());
    }
    if (static_cast<int>(normalized.size()) != v.ndim()) {
      attrs.set("axes", std::vector<std::int64_t>(normalized.begin(), normalized.end()));
    }
  }
  return apply1("logsumexp", {v}, std::move(attrs), x.where());
}

Variable softmax(const Operand& x, std::int64_t axis) {
  return apply1("softmax", {x.variable()}, Attrs{{"axis", user_axis("softmax", x, axis)}}, x.where());
}

Variable log_softmax(const Operand& x, std::int64_t axis) {
  return apply1("log_softmax", {x.variable()}, Attrs{{"axis", user_axis("log_softmax", x, axis)}}, x.where());
}

Variable softmax_cross_entropy(const Operand& logits, const Operand& targets) {
  return apply1("softmax_cross_entropy", {logits.variable(), targets.variable()}, {}, logits.where());
}

}  // namespace hypatia
