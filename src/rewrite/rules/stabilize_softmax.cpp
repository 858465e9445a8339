// Softmax and its logarithm, from the ways users write them: exp(x) / sum(exp(x)) is
// inf / inf = NaN at x = [1000, 1000], log(softmax(x)) is -inf where a probability
// underflows, and the negative log-likelihood -mean(log(softmax(z))[arange(n), y])
// becomes one fused op with a gradient that is finite at any logit gap.
#include <set>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/nnet.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

bool is_op(const Variable& v, const char* name) { return v.node().op().name == name; }

// The single axis of x that reduction node `n` runs over, if it runs over one.
std::optional<std::int64_t> single_axis(const Node& n) {
  const int nd = n.inputs()[0].ndim();
  if (!n.attrs().has("axes")) return nd == 1 ? std::optional<std::int64_t>(0) : std::nullopt;
  const auto& axes = n.attrs().get_ints("axes");
  if (axes.size() != 1) return std::nullopt;
  return axes[0];
}

// If `d` is sum(exp(x), a) shaped to divide exp(x) along axis a (keepdims, a
// dimshuffle putting the axis back, or a vector's sum to a scalar): x and a.
std::optional<std::pair<Variable, std::int64_t>> softmax_denominator(const Variable& d) {
  Variable s = d;
  bool shaped = false;
  if (is_op(s, "dimshuffle")) {
    s = d.node().inputs()[0];
    if (!is_op(s, "sum") || s.node().attrs().get_bool("keepdims")) return std::nullopt;
    // The pattern must be the identity with a new axis where the sum removed one.
    const auto a = single_axis(s.node());
    if (!a) return std::nullopt;
    std::vector<std::int64_t> want;
    for (std::int64_t i = 0; i < s.ndim(); ++i) {
      if (i == *a) want.push_back(newaxis);
      want.push_back(i);
    }
    if (*a == s.ndim()) want.push_back(newaxis);
    if (d.node().attrs().get_ints("pattern") != want) return std::nullopt;
    shaped = true;
  }
  if (!is_op(s, "sum")) return std::nullopt;
  const auto a = single_axis(s.node());
  const Variable& e = s.node().inputs()[0];
  if (!a || !is_op(e, "exp")) return std::nullopt;
  if (!shaped && !s.node().attrs().get_bool("keepdims") && e.ndim() != 1) return std::nullopt;
  return std::pair{e.node().inputs()[0], *a};
}

// Whether `size` is known to be dimension 0 of z.
bool is_rows_of(const Variable& size, const Variable& z, SourceLocation where) {
  const std::int64_t known = z.type().shape[0];
  if (known != kUnknownDim && detail::static_size(size) == known) return true;
  if (size == shape(Operand(z, where), 0)) return true;
  if (z.node().op().has(kLeaf)) return false;
  try {
    return size == detail::infer_output_shapes(z.node(), where)[static_cast<std::size_t>(z.index())][0];
  } catch (const UserError&) {
    return false;
  }
}

// Whether index array `i` is 0, 1, ..., rows of z - 1: arange(0, rows, 1), or that
// constant once folded.
bool is_row_range(const Variable& i, const Variable& z, SourceLocation where) {
  if (i.ndim() != 1 || is_float(i.dtype()) || i.dtype() == DType::bool_) return false;
  if (is_op(i, "arange")) {
    const auto& in = i.node().inputs();
    return is_constant_value(in[0], 0) && is_constant_value(in[2], 1) && is_rows_of(in[1], z, where);
  }
  if (!i.is_constant() || z.type().shape[0] == kUnknownDim || i.type().shape[0] != z.type().shape[0]) return false;
  const auto values = i.constant_value().astype(DType::int64).to_vector<std::int64_t>();
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (values[k] != static_cast<std::int64_t>(k)) return false;
  }
  return true;
}

// Whether reduction nodes a and b run over the same axes.
bool same_axes(const Node& a, const Node& b) {
  if (a.attrs().has("axes") != b.attrs().has("axes")) return false;
  return !a.attrs().has("axes") || a.attrs().get_ints("axes") == b.attrs().get_ints("axes");
}

}  // namespace

void register_stabilize_softmax_rules(RuleBook& book) {
  // log(sum(exp(x), axes, keepdims)) -> logsumexp(x, axes, keepdims)
  book.custom("logsumexp_from_log_sum_exp", "log", "log(sum(exp(x), axes, keepdims)) -> logsumexp(x, axes, keepdims)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& s = v.node().inputs()[0];
                if (!is_op(s, "sum")) return std::nullopt;
                const Variable& e = s.node().inputs()[0];
                if (!is_op(e, "exp")) return std::nullopt;
                return apply1("logsumexp", {e.node().inputs()[0]}, s.node().attrs(), where);
              });
  // logsumexp(x - max(x, a, keepdims=true), a, k) + max(x, a, k) -> logsumexp(x, a, k):
  // the max-shifted form users write (after the rule above); logsumexp shifts itself,
  // and is -inf rather than NaN for a slice of only -inf.
  book.custom("logsumexp_of_max_shifted", "add", "logsumexp(x - max(x, a), a) + max(x, a) -> logsumexp(x, a)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                for (int i = 0; i < 2; ++i) {
                  const Variable& l = v.node().inputs()[static_cast<std::size_t>(i)];
                  const Variable& m2 = v.node().inputs()[static_cast<std::size_t>(1 - i)];
                  if (!is_op(l, "logsumexp") || !is_op(m2, "max")) continue;
                  const Variable& d = l.node().inputs()[0];
                  if (!is_op(d, "sub")) continue;
                  const Variable& x = d.node().inputs()[0];
                  const Variable& m = d.node().inputs()[1];
                  if (!is_op(m, "max") || !(m.node().inputs()[0] == x) || !(m2.node().inputs()[0] == x)) continue;
                  if (!m.node().attrs().get_bool("keepdims") || x.type() != d.type()) continue;
                  const bool keepdims = l.node().attrs().get_bool("keepdims");
                  if (m2.node().attrs().get_bool("keepdims") != keepdims) continue;
                  if (!same_axes(m.node(), l.node()) || !same_axes(m2.node(), l.node())) continue;
                  return apply1("logsumexp", {x}, l.node().attrs(), where);
                }
                return std::nullopt;
              });
  // exp(x) / sum(exp(x), a, keepdims=true) -> softmax(x, a); also the sum without
  // keepdims put back by a dimshuffle, and a vector over its sum.
  book.custom("softmax_from_exp_over_sum_exp", "true_div", "exp(x) / sum(exp(x), a, keepdims) -> softmax(x, a)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& num = v.node().inputs()[0];
                if (!is_op(num, "exp")) return std::nullopt;
                const auto den = softmax_denominator(v.node().inputs()[1]);
                if (!den || !(den->first == num.node().inputs()[0])) return std::nullopt;
                return softmax(Operand(den->first, where), den->second);
              });
  // softmax(x - max(x, a, keepdims=true), a) -> softmax(x, a): softmax shifts by the
  // maximum itself (a slice with +inf or only -inf is NaN either way).
  book.custom("softmax_of_max_shifted", "softmax", "softmax(x - max(x, a, keepdims), a) -> softmax(x, a)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& d = v.node().inputs()[0];
                if (!is_op(d, "sub")) return std::nullopt;
                const Variable& x = d.node().inputs()[0];
                const Variable& m = d.node().inputs()[1];
                if (!is_op(m, "max") || !(m.node().inputs()[0] == x) || !m.node().attrs().get_bool("keepdims")) {
                  return std::nullopt;
                }
                const auto a = single_axis(m.node());
                if (!a || *a != v.node().attrs().get_int("axis") || x.type() != d.type()) return std::nullopt;
                return softmax(Operand(x, where), *a);
              });
  // log(softmax(x, a)) -> log_softmax(x, a)
  book.custom("log_softmax_from_log_softmax", "log", "log(softmax(x, a)) -> log_softmax(x, a)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& s = v.node().inputs()[0];
                if (!is_op(s, "softmax")) return std::nullopt;
                return apply1("log_softmax", {s.node().inputs()[0]}, s.node().attrs(), where);
              });
  // log(softmax(x, a)[idx]) -> log_softmax(x, a)[idx], for every kind of indexing
  book.custom("log_softmax_through_indexing", "log", "log(index(softmax(x, a), idx)) -> index(log_softmax(x, a), idx)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& ix = v.node().inputs()[0];
                const Node& n = ix.node();
                static const std::set<std::string> kIndexing = {"subtensor", "advanced_subtensor1",
                                                                "advanced_subtensor"};
                if (kIndexing.count(n.op().name) == 0 || n.num_outputs() != 1) return std::nullopt;
                const Variable& s = n.inputs()[0];
                if (!is_op(s, "softmax")) return std::nullopt;
                std::vector<Variable> inputs = n.inputs();
                inputs[0] = apply1("log_softmax", {s.node().inputs()[0]}, s.node().attrs(), where);
                return apply1(n.op().name, std::move(inputs), n.attrs(), where);
              });
  // log_softmax(z, 1)[arange(rows of z), y] -> -softmax_cross_entropy(z, y): the
  // negative log-likelihood of integer targets, fused (y broadcast to the rows as the
  // index would).
  book.custom("softmax_cross_entropy_from_indexed_log_softmax", "advanced_subtensor",
              "log_softmax(z, 1)[arange(n), y] -> -softmax_cross_entropy(z, y)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Node& n = v.node();
                const Variable& l = n.inputs()[0];
                if (!is_op(l, "log_softmax") || n.inputs().size() != 3) return std::nullopt;
                const Variable& z = l.node().inputs()[0];
                if (z.ndim() != 2 || l.node().attrs().get_int("axis") != 1) return std::nullopt;
                if (n.attrs().get_ints("axes") != std::vector<std::int64_t>{0, 1}) return std::nullopt;
                if (!is_row_range(n.inputs()[1], z, where)) return std::nullopt;
                Variable y = n.inputs()[2];
                if (y.ndim() > 1 || is_float(y.dtype()) || y.dtype() == DType::bool_) return std::nullopt;
                const std::int64_t rows = z.type().shape[0];
                if (y.ndim() == 0 || rows == kUnknownDim || y.type().shape[0] != rows) {
                  y = broadcast_to(Operand(y, where), {Operand(shape(Operand(z, where), 0), where)});
                }
                return neg(Operand(softmax_cross_entropy(Operand(z, where), Operand(y, where)), where));
              });
  // -mean(-x) -> mean(x), -sum(-x) -> sum(x): what the fused cross-entropy leaves
  book.custom("neg_of_reduced_neg", "neg", "-reduce(-x) -> reduce(x), reduce in {sum, mean}",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& r = v.node().inputs()[0];
                if (!is_op(r, "sum") && !is_op(r, "mean")) return std::nullopt;
                const Variable& inner = r.node().inputs()[0];
                if (!is_op(inner, "neg") || !is_float(r.dtype())) return std::nullopt;
                return apply1(r.node().op().name, {inner.node().inputs()[0]}, r.node().attrs(), where);
              });
}

}  // namespace hypatia::rewrite
