// Canonical shapes: one dimshuffle where the user wrote several, none where it does
// nothing, and sizes read from the graph's shape functions so that `shape(x)` does not
// need x computed. Dimshuffles move toward the inputs only (through unary elementwise
// ops: transpose(exp(x)) -> exp(transpose(x))), never back, so the rules cannot undo
// each other; at the inputs they merge into one.
#include <algorithm>

#include "hypatia/error.hpp"
#include "hypatia/ops/join.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

using Pattern = std::vector<std::int64_t>;

bool is_identity(const Pattern& p, int ndim) {
  if (static_cast<int>(p.size()) != ndim) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != static_cast<std::int64_t>(i)) return false;
  }
  return true;
}

bool fully_known(const Shape& s) {
  return std::none_of(s.begin(), s.end(), [](std::int64_t d) { return d == kUnknownDim; });
}

// Whether `size` is known to be dimension `axis` of x: a constant equal to its known
// size, or shape_i(x, axis).
bool is_size_of(const Variable& size, const Variable& x, int axis) {
  const std::int64_t known = x.type().shape[static_cast<std::size_t>(axis)];
  if (known != kUnknownDim && detail::static_size(size) == known) return true;
  const Node& n = size.node();
  return n.op().name == "shape_i" && n.inputs()[0] == x && n.attrs().get_int("axis") == axis;
}

// A node whose size inputs 1..n name x's own shape (reshape, broadcast_to) is x.
std::optional<Variable> same_shape_as_input(const Variable& v) {
  const auto& in = v.node().inputs();
  const Variable& x = in[0];
  if (x.ndim() != v.ndim() || x.dtype() != v.dtype()) return std::nullopt;
  if (x.type().shape == v.type().shape && fully_known(x.type().shape)) return x;
  if (static_cast<int>(in.size()) != x.ndim() + 1) return std::nullopt;
  for (int i = 0; i < x.ndim(); ++i) {
    if (!is_size_of(in[static_cast<std::size_t>(i) + 1], x, i)) return std::nullopt;
  }
  return x;
}

// The sizes of x from its producer's shape function, when x is computed.
std::optional<SymShape> producer_shape(const Variable& x, SourceLocation where) {
  if (x.node().op().has(kLeaf)) return std::nullopt;
  try {
    return detail::infer_output_shapes(x.node(), where)[static_cast<std::size_t>(x.index())];
  } catch (const UserError&) {
    return std::nullopt;  // the error belongs to run time
  }
}

}  // namespace

void register_canonicalize_shape_rules(RuleBook& book) {
  // dimshuffle(x, 0..n-1) -> x
  book.custom("useless_dimshuffle", "dimshuffle", "dimshuffle(x, identity) -> x",
              [](const Variable& v, SourceLocation) -> std::optional<Variable> {
                const Variable& x = v.node().inputs()[0];
                if (!is_identity(v.node().attrs().get_ints("pattern"), x.ndim())) return std::nullopt;
                return x;
              });
  // dimshuffle(dimshuffle(x, p), q) -> dimshuffle(x, p[q]) (transposes included)
  book.custom("merge_dimshuffles", "dimshuffle", "dimshuffle(dimshuffle(x, p), q) -> dimshuffle(x, p[q])",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& inner = v.node().inputs()[0];
                if (inner.node().op().name != "dimshuffle") return std::nullopt;
                const Pattern& p = inner.node().attrs().get_ints("pattern");
                Pattern merged;
                for (std::int64_t q : v.node().attrs().get_ints("pattern")) {
                  merged.push_back(q == newaxis ? newaxis : p[static_cast<std::size_t>(q)]);
                }
                return dimshuffle(Operand(inner.node().inputs()[0], where), merged);
              });
  // dimshuffle(f(x), p) -> f(dimshuffle(x, p)) for unary elementwise f. Only this
  // direction: dimshuffles sink to the inputs, where they merge.
  book.custom("lift_dimshuffle_through_unary", "dimshuffle", "dimshuffle(f(x), p) -> f(dimshuffle(x, p))",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& fx = v.node().inputs()[0];
                const Node& f = fx.node();
                if (!f.op().has(kElementwise) || !f.op().has(kPure) || f.inputs().size() != 1 ||
                    f.num_outputs() != 1) {
                  return std::nullopt;
                }
                const Variable& x = f.inputs()[0];
                if (x.type().shape != fx.type().shape) return std::nullopt;  // f broadcasts
                const Variable moved = dimshuffle(Operand(x, where), v.node().attrs().get_ints("pattern"));
                return apply1(f.op().name, {moved}, f.attrs(), where);
              });
  // reshape(x, shape(x)) -> x
  book.custom("useless_reshape", "reshape", "reshape(x, shape of x) -> x",
              [](const Variable& v, SourceLocation) { return same_shape_as_input(v); });
  // broadcast_to(x, shape(x)) -> x
  book.custom("useless_broadcast_to", "broadcast_to", "broadcast_to(x, shape of x) -> x",
              [](const Variable& v, SourceLocation) { return same_shape_as_input(v); });
  // specify_shape(x, s) -> x where x's static shape already says s
  book.custom("useless_specify_shape", "specify_shape", "specify_shape(x, static shape of x) -> x",
              [](const Variable& v, SourceLocation) -> std::optional<Variable> {
                const Variable& x = v.node().inputs()[0];
                if (x.type() != v.type()) return std::nullopt;
                return x;
              });
  // shape_i(f(...), i) -> size i from f's shape function (x itself not computed)
  book.custom("shape_i_from_producer", "shape_i", "shape_i(f(...), i) -> f's symbolic size i",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& x = v.node().inputs()[0];
                const auto shape = producer_shape(x, where);
                if (!shape) return std::nullopt;
                const Variable size = (*shape)[static_cast<std::size_t>(v.node().attrs().get_int("axis"))];
                if (size == v || size.dtype() != DType::int64 || size.ndim() != 0) return std::nullopt;
                return size;
              });
  // shape(f(...)) -> stack(f's symbolic sizes)
  book.custom("shape_from_producer", "shape", "shape(f(...)) -> stack(f's symbolic sizes)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& x = v.node().inputs()[0];
                if (x.ndim() == 0) return std::nullopt;
                std::optional<SymShape> sizes = producer_shape(x, where);
                if (!sizes && fully_known(x.type().shape)) sizes = detail::symbolic_shape(x, where);
                if (!sizes) return std::nullopt;
                std::vector<Operand> parts;
                for (const Variable& s : *sizes) {
                  if (s.dtype() != DType::int64 || s.ndim() != 0) return std::nullopt;
                  parts.emplace_back(s, where);
                }
                return stack(parts);
              });
}

}  // namespace hypatia::rewrite
