// Canonical sums: one reduction where the user wrote two, and constant factors outside
// the sum (sum(c * x) -> c * sum(x)), so later rules see sum(x) itself.
#include <cmath>
#include <set>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
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

}  // namespace

void register_canonicalize_reduce_rules(RuleBook& book) {
  // sum(sum(x, a, k), b, k) -> sum(x, a ∪ b', k), b' being b in x's numbering.
  // Dtypes agree: a sum of a sum has the dtype of one sum (int64, uint64 or the float).
  // Mixed keepdims are left alone (the result would need a dimshuffle too).
  book.custom("merge_sums", "sum", "sum(sum(x, a, k), b, k) -> sum(x, a + b, k)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Node& outer = v.node();
                const Variable& s = outer.inputs()[0];
                if (s.node().op().name != "sum") return std::nullopt;
                const Node& inner = s.node();
                const bool keepdims = outer.attrs().get_bool("keepdims");
                if (inner.attrs().get_bool("keepdims") != keepdims) return std::nullopt;
                const Variable& x = inner.inputs()[0];
                const std::vector<std::int64_t> a = reduced_axes(inner);
                std::set<std::int64_t> axes(a.begin(), a.end());
                // The axes of s, in x's numbering.
                std::vector<std::int64_t> kept;
                for (int i = 0; i < x.ndim(); ++i) {
                  if (keepdims || axes.count(i) == 0) kept.push_back(i);
                }
                for (std::int64_t b : reduced_axes(outer)) axes.insert(kept[static_cast<std::size_t>(b)]);
                return sum(Operand(x, where), std::vector<std::int64_t>(axes.begin(), axes.end()), keepdims);
              });
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
