// Decompose: the reductions a kernel cannot end with, rewritten into ones it can (see
// decompose_nnet.cpp for why this is a rewrite phase, run for the cpu linker only).
//
// - var and std: the reference's two passes, mean then the squared deviations, each a
//   fused reduction.
// - argmax and argmin over one axis or the flattened array: the first index where x equals its extremum (or
//   is NaN: the max is NaN exactly when some element is, and the first NaN wins), as
//   the smallest of where(hit, index, n). The max carries "reported_as", so that an
//   empty slice raises argmax's own error.
// - float32 sums and means over axes that are not the trailing ones: accumulated in
//   double. A kernel sums trailing axes in blocks (row by row, accurate as NumPy's
//   pairwise sum), but across rows it adds one row at a time into each output, the
//   order NumPy itself uses for such axes; in double that is accurate to float32
//   rounding for any realistic length.
#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

Attrs axes_of(const Node& n, bool keepdims) {
  Attrs a{{"keepdims", keepdims}};
  if (n.attrs().has("axes")) a.set("axes", n.attrs().get_ints("axes"));
  return a;
}

// The number of elements the reduction node n takes per output, as an int64 scalar.
Variable reduced_count(const Node& n, SourceLocation w) {
  const Variable& x = n.inputs()[0];
  const std::vector<bool> mask = detail::reduced_mask(n.attrs(), x.ndim());
  std::int64_t known = 1;
  std::optional<Variable> unknown;
  for (std::size_t d = 0; d < mask.size(); ++d) {
    if (!mask[d]) continue;
    if (x.type().shape[d] != kUnknownDim) {
      known *= x.type().shape[d];
    } else {
      const Variable s = shape(Operand(x, w), static_cast<std::int64_t>(d));
      unknown = unknown ? mul(Operand(*unknown, w), Operand(s, w)) : s;
    }
  }
  const Variable k = constant(static_cast<double>(known), DType::int64, w);
  return unknown ? mul(Operand(*unknown, w), Operand(k, w)) : k;
}

// Whether the reduced axes of n are all trailing (a kernel sums those in blocks).
bool trailing_axes(const Node& n) {
  const int nd = n.inputs()[0].ndim();
  const std::vector<bool> mask = detail::reduced_mask(n.attrs(), nd);
  bool seen_kept = false;
  for (int d = nd - 1; d >= 0; --d) {
    if (!mask[static_cast<std::size_t>(d)]) {
      seen_kept = true;
    } else if (seen_kept) {
      return false;
    }
  }
  return true;
}

std::optional<Variable> variance(const Variable& v, SourceLocation w) {
  const Node& n = v.node();
  const DType t = v.dtype();
  const Variable x = n.inputs()[0].dtype() == t ? n.inputs()[0] : cast(Operand(n.inputs()[0], w), t);
  const Variable m = apply1("mean", {x}, axes_of(n, true), w);
  const Variable sq = sqr(Operand(sub(Operand(x, w), Operand(m, w)), w));
  const std::int64_t ddof = n.attrs().get_int("ddof");
  if (ddof == 0) return apply1("mean", {sq}, axes_of(n, n.attrs().get_bool("keepdims")), w);
  // sum / max(N - ddof, 0): inf or NaN when ddof >= N, as the reference.
  const Variable ss = apply1("sum", {sq}, axes_of(n, n.attrs().get_bool("keepdims")), w);
  const Variable ddof_v = constant(static_cast<double>(ddof), DType::int64, w);
  const Variable dof = maximum(Operand(sub(Operand(reduced_count(n, w), w), Operand(ddof_v, w)), w),
                               Operand(constant(0.0, DType::int64, w), w));
  return true_div(Operand(ss, w), Operand(cast(Operand(dof, w), t), w));
}

// Size d of x as an int64 scalar: a constant where static.
Variable size_of(const Variable& x, std::int64_t d, SourceLocation w) {
  const std::int64_t known = x.type().shape[static_cast<std::size_t>(d)];
  if (known != kUnknownDim) return constant(static_cast<double>(known), DType::int64, w);
  return shape(Operand(x, w), d);
}

// 0, 1, ..., size - 1 along axis d of a rank-nd array (size 1 elsewhere).
Variable iota(const Variable& size, int nd, std::int64_t d, SourceLocation w) {
  std::vector<std::int64_t> pattern(static_cast<std::size_t>(nd), newaxis);
  pattern[static_cast<std::size_t>(d)] = 0;
  return dimshuffle(Operand(arange(Operand(size, w), DType::int64), w), pattern);
}

std::optional<Variable> arg_extremum(const Variable& v, const char* extremum, SourceLocation w) {
  const Node& n = v.node();
  const Variable& x = n.inputs()[0];
  const int nd = x.ndim();
  if (nd == 0) return std::nullopt;
  Attrs ma{{"keepdims", true}};
  Variable index, size;
  if (n.attrs().has("axes")) {
    const auto& axes = n.attrs().get_ints("axes");
    if (axes.size() != 1) return std::nullopt;
    ma.set("axes", axes);
    size = size_of(x, axes[0], w);
    index = iota(size, nd, axes[0], w);
  } else {
    // The flat C-order index, sum of i_d * (product of the later sizes): small
    // vectors broadcast, fused into the pass that compares.
    Variable stride = constant(1.0, DType::int64, w);
    for (std::int64_t d = nd - 1; d >= 0; --d) {
      const Variable sd = size_of(x, d, w);
      const Variable term = d == nd - 1 ? iota(sd, nd, d, w) : mul(Operand(iota(sd, nd, d, w), w), Operand(stride, w));
      index = index.valid() ? add(Operand(term, w), Operand(index, w)) : term;
      stride = mul(Operand(stride, w), Operand(sd, w));
    }
    size = stride;
  }
  ma.set("reported_as", n.op().name);
  const Variable m = apply1(extremum, {x}, std::move(ma), w);
  Variable hit = eq(Operand(x, w), Operand(m, w));
  if (is_float(x.dtype())) hit = logical_or(Operand(hit, w), Operand(isnan(Operand(x, w)), w));
  const Variable candidates = hypatia::where(Operand(hit, w), Operand(index, w), Operand(size, w));
  const Variable out = apply1("min", {candidates}, axes_of(n, n.attrs().get_bool("keepdims")), w);
  if (out.type() != v.type()) return std::nullopt;
  return out;
}

}  // namespace

void register_decompose_reduce_rules(RuleBook& book) {
  // var(x, axes, ddof) -> sum(sqr(x - mean(x, axes)), axes) / max(N - ddof, 0)
  book.custom("decompose_var", "var", "var(x, axes, ddof) -> sum(sqr(x - mean(x, axes)), axes) / max(N - ddof, 0)",
              [](const Variable& v, SourceLocation where) { return variance(v, where); });
  // std(x, axes, ddof) -> sqrt(var(x, axes, ddof)), var decomposed as above
  book.custom("decompose_std", "std", "std(x, axes, ddof) -> sqrt(var(x, axes, ddof))",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const auto var = variance(v, where);
                if (!var) return std::nullopt;
                return sqrt(Operand(*var, where));
              });
  // argmax(x, a) -> min(where(x == m or isnan(x), index along a, n), a), m = max(x, a)
  book.custom("decompose_argmax", "argmax", "argmax(x, a) -> min(where(x == max(x, a) | isnan(x), iota_a, n), a)",
              [](const Variable& v, SourceLocation where) { return arg_extremum(v, "max", where); });
  // argmin(x, a) -> min(where(x == m or isnan(x), index along a, n), a), m = min(x, a)
  book.custom("decompose_argmin", "argmin", "argmin(x, a) -> min(where(x == min(x, a) | isnan(x), iota_a, n), a)",
              [](const Variable& v, SourceLocation where) { return arg_extremum(v, "min", where); });
  // sum(x: float32, axes not trailing) -> cast(sum(cast(x, float64), axes), float32); mean alike
  for (const char* op : {"sum", "mean"}) {
    book.custom(std::string("decompose_") + op + "_float32_across_rows", op,
                std::string(op) + "(x: float32, axes not trailing) -> cast(" + op + "(cast(x, float64), axes), float32)",
                [op](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                  const Node& n = v.node();
                  if (v.dtype() != DType::float32 || trailing_axes(n)) return std::nullopt;
                  const Variable wide = cast(Operand(n.inputs()[0], where), DType::float64);
                  return cast(Operand(apply1(op, {wide}, n.attrs(), where), where), DType::float32);
                });
  }
}

}  // namespace hypatia::rewrite
