// Canonical shapes: one dimshuffle where the user wrote several, none where it does
// nothing, and sizes read from the graph's shape functions so that `shape(x)` does not
// need x computed. A dimshuffle over a unary elementwise op moves toward the inputs
// (transpose(exp(x)) -> exp(transpose(x))), where dimshuffles merge into one; the same
// dimshuffle on every operand of an n-ary elementwise op moves toward the output
// (transpose(x) + transpose(y) -> transpose(x + y)), one where there were n. Neither
// rule makes the other's left side, so they cannot undo each other.
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
  // f(dimshuffle(x, p), dimshuffle(y, p), c) -> dimshuffle(f(x, y, c), p) for
  // elementwise f of two or more operands, each the same dimshuffle of an operand of
  // the same rank, or a constant of one element (as a 0-d constant: it broadcasts the
  // same before the dimshuffle as after). Broadcasting commutes with a dimshuffle: it
  // permutes axes and adds or drops axes of size 1 on every operand alike.
  book.custom("dimshuffle_after_elementwise", "", "f(dimshuffle(x, p), dimshuffle(y, p)) -> dimshuffle(f(x, y), p)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Node& f = v.node();
                if (!f.op().has(kElementwise) || !f.op().has(kPure) || f.inputs().size() < 2 ||
                    f.num_outputs() != 1) {
                  return std::nullopt;
                }
                const Pattern* pattern = nullptr;
                int rank = 0;
                for (const Variable& in : f.inputs()) {
                  if (in.node().op().name != "dimshuffle") continue;
                  pattern = &in.node().attrs().get_ints("pattern");
                  rank = in.node().inputs()[0].ndim();
                  break;
                }
                if (pattern == nullptr) return std::nullopt;
                std::vector<Variable> inputs;
                for (const Variable& in : f.inputs()) {
                  const Node& n = in.node();
                  if (n.op().name == "dimshuffle" && n.attrs().get_ints("pattern") == *pattern &&
                      n.inputs()[0].ndim() == rank) {
                    inputs.push_back(n.inputs()[0]);
                  } else if (in.is_constant() && in.constant_value().size() == 1 && in.ndim() <= v.ndim()) {
                    inputs.push_back(constant(in.constant_value().reshape({}).copy(), where));
                  } else {
                    return std::nullopt;
                  }
                }
                try {
                  const Variable fx = apply1(f.op().name, std::move(inputs), f.attrs(), where);
                  return dimshuffle(Operand(fx, where), *pattern);
                } catch (const UserError&) {
                  return std::nullopt;  // a dimshuffle that would drop an axis not known to be 1
                }
              });
  // reshape(reshape(x, s1), s2) -> reshape(x, s2): reshapes read and write C order.
  book.custom("merge_reshapes", "reshape", "reshape(reshape(x, s1), s2) -> reshape(x, s2)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& inner = v.node().inputs()[0];
                if (inner.node().op().name != "reshape") return std::nullopt;
                std::vector<Variable> inputs = v.node().inputs();
                inputs[0] = inner.node().inputs()[0];
                return apply1("reshape", std::move(inputs), v.node().attrs(), where);
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
