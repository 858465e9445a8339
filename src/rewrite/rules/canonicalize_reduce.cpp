// Canonical reductions: one reduction where the user wrote two (sums, means, maxima,
// minima, any keepdims), and constant factors outside the sum (sum(c * x) -> c *
// sum(x)), so later rules see sum(x) itself.
#include <cmath>
#include <set>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

// The axes of x that reduction node `n` sums (its "axes" attribute, or all of them).
std::vector<std::int64_t> reduced_axes(const Node& n) {
  if (n.attrs().has("axes")) return n.attrs().get_ints("axes");
  std::vector<std::int64_t> all;
  for (int i = 0; i < n.inputs()[0].ndim(); ++i) all.push_back(i);
  return all;
}

// op(op(x, a, k1), b, k2) for a reduction op: one reduction over the union of the
// axes, then a dimshuffle dropping the size-1 axes kept by one keepdims and not the
// other (none when k1 == k2).
std::optional<Variable> merge_nested(const Variable& v, SourceLocation where) {
  const Node& outer = v.node();
  const std::string& op = outer.op().name;
  const Variable& s = outer.inputs()[0];
  if (s.node().op().name != op) return std::nullopt;
  const Node& inner = s.node();
  const bool k1 = inner.attrs().get_bool("keepdims");
  const bool k2 = outer.attrs().get_bool("keepdims");
  const Variable& x = inner.inputs()[0];
  const std::vector<std::int64_t> a = reduced_axes(inner);
  const std::set<std::int64_t> a_set(a.begin(), a.end());
  // The axes of s, in x's numbering.
  std::vector<std::int64_t> kept;
  for (int i = 0; i < x.ndim(); ++i) {
    if (k1 || a_set.count(i) == 0) kept.push_back(i);
  }
  std::set<std::int64_t> b_set;
  for (std::int64_t b : reduced_axes(outer)) b_set.insert(kept[static_cast<std::size_t>(b)]);
  std::set<std::int64_t> both = a_set;
  both.insert(b_set.begin(), b_set.end());
  // The attributes the op's builder gives: keepdims, and axes unless all of them.
  Attrs attrs{{"keepdims", k1 == k2 ? k1 : true}};
  if (static_cast<int>(both.size()) != x.ndim()) attrs.set("axes", std::vector<std::int64_t>(both.begin(), both.end()));
  Variable r = apply1(op, {x}, attrs, where);
  if (k1 != k2) {
    std::vector<std::int64_t> pattern;
    for (int i = 0; i < x.ndim(); ++i) {
      if ((k1 || a_set.count(i) == 0) && (k2 || b_set.count(i) == 0)) pattern.push_back(i);
    }
    r = dimshuffle(Operand(r, where), pattern);
  }
  if (r.dtype() != v.dtype()) return std::nullopt;
  return r;
}

}  // namespace

void register_canonicalize_reduce_rules(RuleBook& book) {
  // sum(sum(x, a, k1), b, k2) -> sum(x, a ∪ b', k) with the size-1 axes that k1 and
  // k2 keep, b' being b in x's numbering: k1 = k2 = k, one sum; otherwise
  // dimshuffle(sum(x, a ∪ b', keepdims=true)) dropping the axes that one of them drops.
  // Dtypes agree: a sum of a sum has the dtype of one sum (int64, uint64 or the float).
  book.custom("merge_sums", "sum", "sum(sum(x, a, k1), b, k2) -> sum(x, a + b) (keepdims as k1, k2 say)",
              merge_nested);
  // mean(mean(x, a, k1), b, k2) -> mean(x, a ∪ b'), as merge_sums: every inner mean
  // counts the same number of elements, so the mean of means is the mean (rounding
  // aside; an empty axis gives NaN either way).
  book.custom("merge_means", "mean", "mean(mean(x, a, k1), b, k2) -> mean(x, a + b) (keepdims as k1, k2 say)",
              merge_nested);
  // max(max(x, a, k1), b, k2) -> max(x, a ∪ b'): exact, NaN propagates either way.
  book.custom("merge_maxes", "max", "max(max(x, a, k1), b, k2) -> max(x, a + b) (keepdims as k1, k2 say)",
              merge_nested);
  // min(min(x, a, k1), b, k2) -> min(x, a ∪ b')
  book.custom("merge_mins", "min", "min(min(x, a, k1), b, k2) -> min(x, a + b) (keepdims as k1, k2 say)",
              merge_nested);
  // sum(c * x) -> c * sum(x), c a finite non-zero float scalar constant. Not for
  // integers (c * x wraps before the sum, c * sum(x) after) nor c = 0 or inf (0 * x is
  // 0 where x is inf, 0 * sum(x) is NaN). The product may overflow at the edge where
  // the sum of products does not (|c| < 1, sum(x) > max): that corner is accepted, as
  // in Theano.
  book.custom("sum_of_scalar_multiple", "sum", "sum(c * x) -> c * sum(x), c a float scalar",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& m = v.node().inputs()[0];
                if (m.node().op().name != "mul" || !is_float(v.dtype()) || m.dtype() != v.dtype()) {
                  return std::nullopt;
                }
                for (int i = 0; i < 2; ++i) {
                  const Variable& c = m.node().inputs()[static_cast<std::size_t>(i)];
                  const Variable& x = m.node().inputs()[static_cast<std::size_t>(1 - i)];
                  const auto value = scalar_constant(c);
                  if (!value || c.ndim() != 0 || !std::isfinite(*value) || *value == 0) continue;
                  if (x.type() != m.type()) continue;  // same dtype, no broadcast by c
                  const Node& n = v.node();
                  const Variable summed = apply1("sum", {x}, n.attrs(), where);
                  return mul(Operand(c, where), Operand(summed, where));
                }
                return std::nullopt;
              });
}

}  // namespace hypatia::rewrite
