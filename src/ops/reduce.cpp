// Reductions: sum, prod, mean, var, std, max, min, argmax, argmin, all, any.
//
// Each op is one entry of the table in register_reduce_ops: its dtype rule, whether it
// has an identity (what an empty selection gives), how it lowers, and a reducer: a
// function from the reduced elements of one output position (gathered into a
// contiguous buffer, in C order) to that position's value. One driver does the
// gathering for all of them, so axes, keepdims, strides of any sign and empty
// dimensions are handled once.
//
// Attributes: "axes" (normalized, sorted; absent = every axis), "keepdims", and "ddof"
// for var and std. The public functions normalize the user's axes, so that sum(x, {-1})
// and sum(x, {1}) of a matrix are one node; a list naming every axis is dropped.
#include "hypatia/ops/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/elemwise_util.hpp"  // visit_float
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

using detail::reduced_mask;
using detail::reduced_sizes;

// ---- axes and shapes

// The reduced mask of a node being built; the user's axis errors were raised (with
// the user's line) by the public function, so a bad attribute here is our bug.
std::vector<bool> checked_mask(const InferArgs& a) {
  const int nd = a.type(0).ndim();
  if (a.attrs.has("axes")) {
    const auto& axes = a.attrs.get_ints("axes");
    const std::vector<int> normalized = detail::normalize_axes(axes, nd);
    if (!std::equal(axes.begin(), axes.end(), normalized.begin(), normalized.end())) {
      throw InternalError("reduction axes are not normalized: " + a.attrs.str());
    }
  }
  return reduced_mask(a.attrs, nd);
}

// ---- dtypes

// How a reduction's output dtype follows from its input's (NumPy's rules).
enum class ResultRule {
  sum,      // bool and signed ints -> int64, unsigned -> uint64, floats keep theirs
  same,     // max, min
  to_float, // bool and ints -> float64, floats keep theirs (mean, var, std)
  index,    // int64 (argmax, argmin)
  boolean,  // bool (all, any)
};

DType result_dtype(ResultRule rule, DType in) {
  switch (rule) {
    case ResultRule::sum: return is_float(in) ? in : (is_unsigned_integer(in) ? DType::uint64 : DType::int64);
    case ResultRule::same: return in;
    case ResultRule::to_float: return is_float(in) ? in : DType::float64;
    case ResultRule::index: return DType::int64;
    case ResultRule::boolean: return DType::bool_;
  }
  throw InternalError("result_dtype: unknown rule");
}

// The C++ type sum and prod give for elements of type T.
template <class T>
using SumType = std::conditional_t<std::is_floating_point_v<T>, T,
                                   std::conditional_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>,
                                                      std::uint64_t, std::int64_t>>;

// ---- the driver

// Calls f(offset) for every element of a (shape, strides) view, in C order.
template <class F>
void for_each_offset(const Shape& shape, const Strides& strides, F&& f) {
  const std::int64_t total = shape_size(shape);
  std::vector<std::int64_t> index(shape.size(), 0);
  std::int64_t offset = 0;
  for (std::int64_t i = 0; i < total; ++i) {
    f(offset);
    for (std::size_t d = shape.size(); d-- > 0;) {
      offset += strides[d];
      if (++index[d] < shape[d]) break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

// For every output position (C order), gathers the reduced elements of `x` (type In)
// into one contiguous buffer, in C order over the reduced axes, and stores
// f(those elements) there. The output dtype is what f returns.
template <class In, class F>
Array reduce_each(const Array& x, const std::vector<bool>& mask, bool keepdims, F&& f) {
  using Out = std::invoke_result_t<F&, std::span<const In>>;
  Shape kept_shape, reduced_shape;
  Strides kept_strides, reduced_strides;
  for (std::size_t d = 0; d < mask.size(); ++d) {
    (mask[d] ? reduced_shape : kept_shape).push_back(x.shape()[d]);
    (mask[d] ? reduced_strides : kept_strides).push_back(x.strides()[d]);
  }
  Array out = Array::empty(dtype_of_v<Out>, reduced_sizes(x.shape(), mask, keepdims, std::int64_t{1}));
  const auto n = static_cast<std::size_t>(shape_size(reduced_shape));
  auto buffer = std::make_unique_for_overwrite<In[]>(n);  // not std::vector: vector<bool> has no data()
  Out* o = reinterpret_cast<Out*>(out.data());
  const std::byte* origin = x.data();
  for_each_offset(kept_shape, kept_strides, [&](std::int64_t base) {
    In* b = buffer.get();
    for_each_offset(reduced_shape, reduced_strides,
                    [&](std::int64_t offset) { *b++ = *reinterpret_cast<const In*>(origin + base + offset); });
    *o++ = f(std::span<const In>(buffer.get(), n));
  });
  return out;
}

// What a reducer reads the reduced elements as.
enum class Read {
  input,        // the input's own dtype (the reducer handles every dtype)
  output_float, // converted to the output's float dtype first (mean, var, std)
};

// A reducer is called as reducer(std::span<const T> elements, const Attrs& attrs).
template <Read read, class R>
KernelFn reduction_kernel(R reducer) {
  return [reducer](const KernelArgs& a) {
    const DType out = a.output_type(0).dtype;
    const Array& x = a.inputs[0];
    const std::vector<bool> mask = reduced_mask(a.attrs(), x.ndim());
    const bool keepdims = a.attrs().get_bool("keepdims");
    auto reduce_as = [&](auto tag, const Array& values) {
      using T = typename decltype(tag)::type;
      return reduce_each<T>(values, mask, keepdims, [&](std::span<const T> v) { return reducer(v, a.attrs()); });
    };
    Array result;
    if constexpr (read == Read::input) {
      result = visit_dtype(x.dtype(), [&](auto tag) { return reduce_as(tag, x); });
    } else {
      result = detail::visit_float(out, [&](auto tag) { return reduce_as(tag, x.astype(out)); });
    }
    if (result.dtype() != out) {
      throw InternalError(a.node.op().name + " computed " + std::string(dtype_name(result.dtype())) +
                          ", its type inference said " + std::string(dtype_name(out)));
    }
    return std::vector<Array>{result};
  };
}

// ---- reducers

template <class T>
bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(x);
  } else {
    (void)x;
    return false;
  }
}

// NumPy's pairwise summation (8 running partial sums up to 128 elements, halves
// above), applied to the whole selection rather than to each inner-loop buffer as
// NumPy does, so the rounding error grows as log(n) for any n and any axes.
template <class T>
T pairwise_sum(const T* v, std::size_t n) {
  if (n < 8) {
    T s = 0;
    for (std::size_t i = 0; i < n; ++i) s += v[i];
    return s;
  }
  if (n <= 128) {
    T r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = v[j];
    std::size_t i = 8;
    for (; i + 8 <= n; i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += v[i + j];
    }
    T s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += v[i];
    return s;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(v, half) + pairwise_sum(v + half, n - half);
}

// NumPy starts a sum from the identity +0, so a sum of negative zeros is +0.
template <class T>
T sum_of(std::span<const T> v) {
  return T(0) + pairwise_sum(v.data(), v.size());
}

// x / n in IEEE arithmetic, spelled out for n == 0 (x/0 is ±inf, 0/0 and NaN/0 NaN).
template <class T>
T ieee_div(T x, T n) {
  if (n != 0) return x / n;
  if (std::isnan(x) || x == 0) return std::numeric_limits<T>::quiet_NaN();
  return std::copysign(std::numeric_limits<T>::infinity(), x);
}

// Integers add and multiply modulo 2^64 (in uint64: no signed overflow), as NumPy's
// int64 and uint64 accumulators wrap.
const auto kSum = []<class T>(std::span<const T> v, const Attrs&) -> SumType<T> {
  if constexpr (std::is_floating_point_v<T>) {
    return sum_of(v);
  } else {
    std::uint64_t s = 0;
    for (T x : v) s += static_cast<std::uint64_t>(x);
    return static_cast<SumType<T>>(s);
  }
};

const auto kProd = []<class T>(std::span<const T> v, const Attrs&) -> SumType<T> {
  if constexpr (std::is_floating_point_v<T>) {
    T p = 1;
    for (T x : v) p *= x;
    return p;
  } else {
    std::uint64_t p = 1;
    for (T x : v) p *= static_cast<std::uint64_t>(x);
    return static_cast<SumType<T>>(p);
  }
};

// max, min, argmax, argmin: v is not empty (the driver checked); the first NaN wins.
// Of equal elements max and min keep the last, as NumPy (max of 0.0, -0.0 is -0.0).
const auto kMax = []<class T>(std::span<const T> v, const Attrs&) -> T {
  T best = v[0];
  for (T x : v) {
    if (is_nan(x)) return x;
    if (!(best > x)) best = x;
  }
  return best;
};

const auto kMin = []<class T>(std::span<const T> v, const Attrs&) -> T {
  T best = v[0];
  for (T x : v) {
    if (is_nan(x)) return x;
    if (!(best < x)) best = x;
  }
  return best;
};

const auto kArgmax = []<class T>(std::span<const T> v, const Attrs&) -> std::int64_t {
  std::size_t best = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (is_nan(v[i])) return static_cast<std::int64_t>(i);
    if (v[i] > v[best]) best = i;
  }
  return static_cast<std::int64_t>(best);
};

const auto kArgmin = []<class T>(std::span<const T> v, const Attrs&) -> std::int64_t {
  std::size_t best = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (is_nan(v[i])) return static_cast<std::int64_t>(i);
    if (v[i] < v[best]) best = i;
  }
  return static_cast<std::int64_t>(best);
};

// NaN is true, -0 is false (as bool(x) in NumPy).
const auto kAll = []<class T>(std::span<const T> v, const Attrs&) -> bool {
  return std::all_of(v.begin(), v.end(), [](T x) { return x != T(0); });
};

const auto kAny = []<class T>(std::span<const T> v, const Attrs&) -> bool {
  return std::any_of(v.begin(), v.end(), [](T x) { return x != T(0); });
};

// mean, var and std read floats (the driver converts integers); empty gives NaN.
template <class T>
T mean_of(std::span<const T> v) {
  return ieee_div(sum_of(v), static_cast<T>(v.size()));
}

const auto kMean = []<class T>(std::span<const T> v, const Attrs&) -> T { return mean_of(v); };

// Two passes (the mean, then the squared deviations from it), as NumPy: accurate when
// the mean is large next to the spread, unlike sum(x^2) - n*mean^2. Divides by
// max(n - ddof, 0), so ddof >= n gives inf (or NaN when every deviation is 0).
template <class T>
T variance(std::span<const T> v, std::int64_t ddof) {
  const T m = mean_of(v);
  std::vector<T> squares(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) squares[i] = (v[i] - m) * (v[i] - m);
  const double dof = std::max(static_cast<double>(v.size()) - static_cast<double>(ddof), 0.0);
  return ieee_div(sum_of(std::span<const T>(squares)), static_cast<T>(dof));
}

const auto kVar = []<class T>(std::span<const T> v, const Attrs& attrs) -> T {
  return variance(v, attrs.get_int("ddof"));
};

const auto kStd = []<class T>(std::span<const T> v, const Attrs& attrs) -> T {
  return std::sqrt(variance(v, attrs.get_int("ddof")));
};

// ---- differentiation and batching
//
// Rules read the reduced axes from the node. `keep` re-inserts the reduced axes of a
// reduction's result as size-1 axes, so that it broadcasts against x; `expand`
// broadcasts it to x's shape. Derivatives at kinks: max and min send the gradient to
// every element equal to the result (all tied positions, as Theano), none when the
// result is NaN; prod divides by x where x != 0, gives the zero the product of the
// others when exactly one element is 0, and 0 for two or more; std at a zero deviation
// has a NaN gradient (0 times sqrt's infinite slope).

// The reduction's own attributes (axes), with keepdims set.
Attrs reduction_attrs(const Attrs& from, bool keepdims) {
  Attrs a{{"keepdims", keepdims}};
  if (from.has("axes")) a.set("axes", from.get_ints("axes"));
  return a;
}

Variable keep(const Variable& v, const Node& node, SourceLocation w) {
  if (node.attrs().get_bool("keepdims")) return v;
  const std::vector<bool> mask = reduced_mask(node.attrs(), node.inputs()[0].ndim());
  std::vector<std::int64_t> pattern;
  std::int64_t j = 0;
  for (bool reduced : mask) pattern.push_back(reduced ? newaxis : j++);
  return dimshuffle(Operand(v, w), pattern);
}

Variable expand(const Variable& v, const Node& node, SourceLocation w) {
  const Variable& x = node.inputs()[0];
  return broadcast_to(Operand(keep(v, node, w), w), detail::shape_operands(x, w));
}

// The same reduction over the same axes, keeping them (for tangents and partials).
Variable reduce_like(const char* op, const Variable& v, const Node& node, bool keepdims, SourceLocation w) {
  return apply1(op, {v}, reduction_attrs(node.attrs(), keepdims), w);
}

// The number of reduced elements, in dtype.
Variable reduced_count(const Node& node, DType dtype, SourceLocation w) {
  const Variable& x = node.inputs()[0];
  const std::vector<bool> mask = reduced_mask(node.attrs(), x.ndim());
  const SymShape s = detail::symbolic_shape(x, w);
  Variable n = detail::size_constant(1, w);
  for (std::size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) n = mul(Operand(n, w), Operand(s[d], w));
  }
  return cast(Operand(n, w), dtype);
}

// max(N - ddof, 0), as the kernel divides by, in dtype.
Variable degrees_of_freedom(const Node& node, DType dtype, SourceLocation w) {
  const Variable n = reduced_count(node, DType::int64, w);
  const Variable dof = maximum(Operand(sub(Operand(n, w), Operand(node.attrs().get_int("ddof"), w)), w), Operand(0, w));
  return cast(Operand(dof, w), dtype);
}

// d out / d x for the reductions that are not linear, with x's shape.
Variable partials(const Node& node, SourceLocation w) {
  const std::string& op = node.op().name;
  const Variable& x = node.inputs()[0];
  const Operand xo(x, w);
  if (op == "prod") {
    const Variable zero = eq(xo, Operand(0, w));
    const Variable zeros = reduce_like("sum", zero, node, true, w);
    const Variable safe = hypatia::where(Operand(zero, w), Operand(1, w), xo);
    const Variable others = reduce_like("prod", safe, node, true, w);  // the product of the nonzero elements
    const Variable no_zero = eq(Operand(zeros, w), Operand(0, w));
    return hypatia::where(
        Operand(zero, w),
        Operand(hypatia::where(Operand(eq(Operand(zeros, w), Operand(1, w)), w), Operand(others, w), Operand(0, w)), w),
        Operand(hypatia::where(Operand(no_zero, w), Operand(true_div(Operand(others, w), Operand(safe, w)), w),
                               Operand(0, w)),
                w));
  }
  const DType t = node.output_types()[0].dtype;
  // var: 2 (x - m) / dof (the mean's own dependence on x sums to zero); std: var's
  // over 2 std.
  const Variable m = reduce_like("mean", x, node, true, w);
  const Variable dev = sub(xo, Operand(m, w));
  const Variable dof = degrees_of_freedom(node, t, w);
  if (op == "var") return true_div(Operand(mul(Operand(2, w), Operand(dev, w)), w), Operand(dof, w));
  if (op == "std") {
    const Variable s = keep(node.output(0), node, w);
    return true_div(Operand(dev, w), Operand(mul(Operand(dof, w), Operand(s, w)), w));
  }
  throw InternalError("partials: no rule for " + op);
}

// Where x equals the result of max or min.
Variable extremum_mask(const Node& node, SourceLocation w) {
  return eq(Operand(node.inputs()[0], w), Operand(keep(node.output(0), node, w), w));
}

std::vector<Variable> reduction_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable()};
  const Node& node = a.node;
  const std::string& op = node.op().name;
  const SourceLocation w = a.where;
  const Variable& x = a.input(0);
  Variable gx;
  if (op == "sum") {
    gx = expand(g, node, w);
  } else if (op == "mean") {
    gx = expand(true_div(Operand(g, w), Operand(reduced_count(node, g.dtype(), w), w)), node, w);
  } else if (op == "max" || op == "min") {
    // A select, so that an infinite gradient does not meet a 0 (0 * inf is NaN).
    gx = hypatia::where(Operand(extremum_mask(node, w), w), Operand(keep(g, node, w), w), Operand(0, w));
  } else {
    gx = mul(Operand(keep(g, node, w), w), Operand(partials(node, w), w));
  }
  return {detail::in_dtype_of(gx, x, w)};
}

std::vector<Variable> reduction_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  const Node& node = a.node;
  const std::string& op = node.op().name;
  const SourceLocation w = a.where;
  const bool keepdims = node.attrs().get_bool("keepdims");
  Variable out;
  if (op == "sum" || op == "mean") {
    out = detail::reapply_on(node, 0, t, w);
  } else if (op == "max" || op == "min") {
    out = reduce_like("sum", hypatia::where(Operand(extremum_mask(node, w), w), Operand(t, w), Operand(0, w)), node,
                      keepdims, w);
  } else {
    out = reduce_like("sum", mul(Operand(partials(node, w), w), Operand(t, w)), node, keepdims, w);
  }
  const DType want = node.output_types()[0].dtype;
  return {is_float(want) && out.dtype() != want ? cast(Operand(out, w), want) : out};
}

// The reduction over the same axes of each batch element: the axes shift by one.
std::vector<Variable> reduction_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  const Node& node = a.node;
  Attrs attrs = node.attrs();
  std::vector<std::int64_t> axes;
  if (attrs.has("axes")) {
    for (std::int64_t ax : attrs.get_ints("axes")) axes.push_back(ax + 1);
  } else {
    for (int i = 0; i < node.inputs()[0].ndim(); ++i) axes.push_back(i + 1);
  }
  attrs.set("axes", axes);
  return {apply1(node.op().name, {a.inputs[0]}, std::move(attrs), a.where)};
}

// ---- the op table

struct ReductionSpec {
  const char* name;
  const char* summary;
  Traits traits;  // kReduction | kPure are added
  ResultRule result;
  bool has_identity;  // false: an empty selection is a ValueError (max has no identity)
  Lowering lowering;
  const char* not_differentiable_because;  // nullptr when it has a gradient
  KernelFn reduce;
};

void define_reduction(OpRegistry& r, ReductionSpec spec) {
  const ResultRule rule = spec.result;
  OpDef& op = r.define(spec.name)
                  .set_summary(spec.summary)
                  .set_traits(spec.traits | kReduction | kPure)
                  .set_infer([rule](const InferArgs& a) {
                    const std::vector<bool> mask = checked_mask(a);
                    const Type& in = a.type(0);
                    return std::vector<Type>{Type{result_dtype(rule, in.dtype),
                                                  reduced_sizes(in.shape, mask, a.attrs.get_bool("keepdims"),
                                                                std::int64_t{1})}};
                  })
                  .set_shape([](const ShapeArgs& a) {
                    const SymShape& in = a.input_shapes.at(0);
                    const std::vector<bool> mask = reduced_mask(a.node.attrs(), static_cast<int>(in.size()));
                    return std::vector<SymShape>{reduced_sizes(in, mask, a.node.attrs().get_bool("keepdims"),
                                                               detail::size_constant(1, a.where))};
                  })
                  .lowers(spec.lowering)
                  .set_aliasing(Aliasing::none());
  if (spec.has_identity) {
    op.set_reference(std::move(spec.reduce));
  } else {
    // Checked before reducing, so that an empty selection is an error even when the
    // output is empty too (NumPy: zeros((0, 0)).max(axis=1)).
    // Two attributes only the decompose rewrites set (rewrite/rules/decompose_*.cpp):
    // "empty_identity" (max and min of floats: an empty selection gives -inf or +inf,
    // the shift of an empty softmax row, never used), "reported_as" (the op an error
    // names: argmax decomposed into max).
    op.set_reference([name = std::string(spec.name), reduce = std::move(spec.reduce)](const KernelArgs& a) {
      const std::vector<bool> mask = reduced_mask(a.attrs(), a.inputs[0].ndim());
      for (std::size_t d = 0; d < mask.size(); ++d) {
        if (mask[d] && a.inputs[0].shape()[d] == 0) {
          const DType t = a.output_type(0).dtype;
          if (a.attrs().has("empty_identity") && is_float(t)) {
            const double inf = std::numeric_limits<double>::infinity();
            const Shape out = reduced_sizes(a.inputs[0].shape(), mask, a.attrs().get_bool("keepdims"), std::int64_t{1});
            return std::vector<Array>{Array::full(t, out, name == "max" ? -inf : inf)};
          }
          const std::string who = a.attrs().has("reported_as") ? a.attrs().get<std::string>("reported_as") : name;
          throw ValueError("zero-size array to reduction operation " + who + " which has no identity");
        }
      }
      return reduce(a);
    });
  }
  if (spec.not_differentiable_because != nullptr) {
    op.not_differentiable(spec.not_differentiable_because);
  } else {
    op.set_vjp(reduction_vjp).set_jvp(reduction_jvp);
  }
  op.set_batch(reduction_batch);
}

// The node of reduction `op` over the user's axes.
Variable reduce_node(const char* op, const Operand& x, const Axes& axes, bool keepdims, Attrs attrs = {}) {
  Variable v = x.variable();
  attrs.set("keepdims", keepdims);
  if (!axes.is_all()) {
    std::vector<int> normalized;
    try {
      normalized = detail::normalize_axes(axes.list(), v.ndim());
    } catch (const UserError& e) {
      throw_user_error(e.kind(), format_location(x.where()) + ": " + op + ": " + e.what());
    }
    if (static_cast<int>(normalized.size()) != v.ndim()) {
      attrs.set("axes", std::vector<std::int64_t>(normalized.begin(), normalized.end()));
    }
  }
  return apply1(op, {v}, std::move(attrs), x.where());
}

}  // namespace

void register_reduce_ops(OpRegistry& r) {
  const char* const kIndex = "an index is an integer, piecewise constant in x";
  const char* const kTruth = "a truth value is a bool, piecewise constant in x";
  const ReductionSpec specs[] = {
      {"sum", "Sum over axes (pairwise for floats; integers wrap).", kLinear, ResultRule::sum, true,
       Lowering::of_reduction(ReducePrim::sum), nullptr, reduction_kernel<Read::input>(kSum)},
      {"prod", "Product over axes (integers wrap).", 0, ResultRule::sum, true,
       Lowering::of_reduction(ReducePrim::prod), nullptr, reduction_kernel<Read::input>(kProd)},
      {"mean", "Arithmetic mean over axes; NaN for an empty selection.", kLinear, ResultRule::to_float, true,
       Lowering::of_reduction(ReducePrim::sum, "divide by the number of reduced elements"), nullptr,
       reduction_kernel<Read::output_float>(kMean)},
      {"var", "Variance over axes, divided by N - ddof (two-pass).", 0, ResultRule::to_float, true,
       Lowering::composite("two passes: m = mean(x), then sum((x - m)^2) / max(N - ddof, 0)"), nullptr,
       reduction_kernel<Read::output_float>(kVar)},
      {"std", "Standard deviation over axes: sqrt(var(x, ddof)).", 0, ResultRule::to_float, true,
       Lowering::composite("sqrt(var(x, ddof))"), nullptr, reduction_kernel<Read::output_float>(kStd)},
      {"max", "Largest element over axes; NaN propagates.", 0, ResultRule::same, false,
       Lowering::of_reduction(ReducePrim::max), nullptr, reduction_kernel<Read::input>(kMax)},
      {"min", "Smallest element over axes; NaN propagates.", 0, ResultRule::same, false,
       Lowering::of_reduction(ReducePrim::min), nullptr, reduction_kernel<Read::input>(kMin)},
      {"argmax", "Index of the first largest element (or first NaN) along an axis or the flattened array.", 0,
       ResultRule::index, false, Lowering::of_reduction(ReducePrim::argmax), kIndex,
       reduction_kernel<Read::input>(kArgmax)},
      {"argmin", "Index of the first smallest element (or first NaN) along an axis or the flattened array.", 0,
       ResultRule::index, false, Lowering::of_reduction(ReducePrim::argmin), kIndex,
       reduction_kernel<Read::input>(kArgmin)},
      {"all", "Whether every element over axes is true (nonzero); true when empty.", 0, ResultRule::boolean, true,
       Lowering::of_reduction(ReducePrim::all), kTruth, reduction_kernel<Read::input>(kAll)},
      {"any", "Whether some element over axes is true (nonzero); false when empty.", 0, ResultRule::boolean, true,
       Lowering::of_reduction(ReducePrim::any), kTruth, reduction_kernel<Read::input>(kAny)},
  };
  for (const ReductionSpec& spec : specs) define_reduction(r, spec);
}

Variable sum(const Operand& x, Axes axis, bool keepdims) { return reduce_node("sum", x, axis, keepdims); }
Variable prod(const Operand& x, Axes axis, bool keepdims) { return reduce_node("prod", x, axis, keepdims); }
Variable mean(const Operand& x, Axes axis, bool keepdims) { return reduce_node("mean", x, axis, keepdims); }
Variable var(const Operand& x, Axes axis, std::int64_t ddof, bool keepdims) {
  return reduce_node("var", x, axis, keepdims, Attrs{{"ddof", ddof}});
}
Variable std(const Operand& x, Axes axis, std::int64_t ddof, bool keepdims) {
  return reduce_node("std", x, axis, keepdims, Attrs{{"ddof", ddof}});
}
Variable max(const Operand& x, Axes axis, bool keepdims) { return reduce_node("max", x, axis, keepdims); }
Variable min(const Operand& x, Axes axis, bool keepdims) { return reduce_node("min", x, axis, keepdims); }
Variable all(const Operand& x, Axes axis, bool keepdims) { return reduce_node("all", x, axis, keepdims); }
Variable any(const Operand& x, Axes axis, bool keepdims) { return reduce_node("any", x, axis, keepdims); }

// One axis or the flattened array: the reduction over every axis, whose C-order index
// is the flat index.
Variable argmax(const Operand& x, std::optional<std::int64_t> axis, bool keepdims) {
  return reduce_node("argmax", x, axis ? Axes{*axis} : Axes(std::nullopt), keepdims);
}
Variable argmin(const Operand& x, std::optional<std::int64_t> axis, bool keepdims) {
  return reduce_node("argmin", x, axis ? Axes{*axis} : Axes(std::nullopt), keepdims);
}

}  // namespace hypatia
