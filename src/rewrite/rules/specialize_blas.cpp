// Matrix products into one BLAS gemm (Theano's local_gemm): alpha * dot(X, Y) + beta * Z
// becomes gemm(Z, alpha, X, Y, beta), so the backend makes one call with no temporary
// for the product, and transposed operands become gemm's trans flags, so BLAS reads
// them in place.
//
// gemm computes exactly the formula (NaN included: beta == 0 still reads Z), so the
// rules keep values up to the product's rounding order. They fire for X and Y
// matrices, alpha and beta of size 1, and a matrix Z: when Z's static shape is fully
// known and equal to the product's, a plain gemm; when sizes of Z or the product are
// unknown (either might be 1 and broadcast at run time), a gemm with broadcast_z,
// whose kernel checks the shapes at run time and runs BLAS when z has the product's
// shape, the formula with broadcasting otherwise. A Z of lower rank (the bias row of
// dot(x, W) + b) stays an add, which fuses with what follows. The product's dtype must be the result's and X's and Y's
// (a product rounded to float32 and then added in float64 is not one float64 gemm);
// Z and 0-d scalars of other dtypes are cast to it, as the add or mul would.
#include <optional>

#include "hypatia/ops/blas.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "ops/op_util.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

bool is_op(const Variable& v, const char* name) { return v.node().op().name == name; }

const Variable& input(const Variable& v, int i) { return v.node().inputs()[static_cast<std::size_t>(i)]; }

// A scale factor: a size-1 constant (as a 0-d constant of dtype t) or a 0-d variable.
std::optional<Variable> scalar_factor(const Variable& s, DType t, SourceLocation where) {
  if (const auto c = scalar_constant(s)) return constant(*c, t, where);
  if (s.ndim() != 0) return std::nullopt;
  return s.dtype() == t ? s : cast(Operand(s, where), t);
}

// alpha * term, with alpha 1 when term is bare and -1 for neg(term).
struct Scaled {
  Variable alpha;
  Variable term;
};

// v as alpha * term: alpha * term or term * alpha, neg(term) (alpha -1), or term
// itself (alpha 1). `want_dot`: term must be a dot of two matrices of dtype t (the
// product side); otherwise any term (the Z side).
std::optional<Scaled> as_scaled(const Variable& v, DType t, bool want_dot, SourceLocation where) {
  auto fits = [&](const Variable& term) {
    if (!want_dot) return true;
    return is_op(term, "dot") && term.dtype() == t && input(term, 0).ndim() == 2 && input(term, 1).ndim() == 2 &&
           input(term, 0).dtype() == t && input(term, 1).dtype() == t;
  };
  // A product computed in another dtype would round differently from the gemm.
  if (is_op(v, "mul") && v.dtype() == t) {
    for (int i = 0; i < 2; ++i) {
      const Variable& term = input(v, 1 - i);
      // The factor must not broadcast the term.
      if (!fits(term) || term.type().shape != v.type().shape) continue;
      if (auto alpha = scalar_factor(input(v, i), t, where)) return Scaled{*alpha, term};
    }
  }
  if (is_op(v, "neg") && fits(input(v, 0))) return Scaled{constant(-1.0, t, where), input(v, 0)};
  if (fits(v)) return Scaled{constant(1.0, t, where), v};
  return std::nullopt;
}

// Whether z has the product's static shape, every size known: then neither side
// broadcasts and gemm needs no broadcasting of z.
bool same_known_shape(const Variable& z, const Variable& product) {
  for (std::int64_t d : z.type().shape) {
    if (d == kUnknownDim) return false;
  }
  return z.type().shape == product.type().shape;
}

Variable make_gemm(const Variable& z, const Variable& alpha, const Variable& x, const Variable& y,
                   const Variable& beta, bool tx, bool ty, bool bz, SourceLocation where) {
  if (!bz) {
    return gemm(Operand(z, where), Operand(alpha, where), Operand(x, where), Operand(y, where), Operand(beta, where),
                tx, ty);
  }
  return apply1("gemm", {z, alpha, x, y, beta}, Attrs{{"trans_x", tx}, {"trans_y", ty}, {"broadcast_z", true}}, where);
}

Variable negated(const Variable& s, SourceLocation where) {
  if (const auto c = scalar_constant(s)) return constant(-*c, s.dtype(), where);
  return hypatia::neg(Operand(s, where));
}

// gemm(Z, alpha, X, Y, beta) for the dot `p.term` and z-side `q`, alpha and beta
// negated as asked; nothing when they do not fit.
std::optional<Variable> fold(const Variable& v, const Variable& p_side, const Variable& q_side, bool negate_alpha,
                             bool negate_beta, SourceLocation where) {
  const DType t = v.dtype();
  if (!is_float(t)) return std::nullopt;
  const auto p = as_scaled(p_side, t, true, where);
  if (!p) return std::nullopt;
  auto q = as_scaled(q_side, t, false, where);
  if (!q || q->term.ndim() != 2) return std::nullopt;
  const bool exact = same_known_shape(q->term, p->term) && p->term.type().shape == v.type().shape;
  if (!exact) {
    // Sizes known to differ (a known 1 that broadcasts) stay an add; unknown ones are
    // the run-time check's. The result must keep v's static shape.
    const Shape& zs = q->term.type().shape;
    const Shape& ps = p->term.type().shape;
    for (std::size_t d = 0; d < 2; ++d) {
      if (zs[d] != kUnknownDim && ps[d] != kUnknownDim && zs[d] != ps[d]) return std::nullopt;
    }
    const Shape both[] = {zs, ps};
    if (detail::broadcast_static(both) != v.type().shape) return std::nullopt;
  }
  const Variable z = q->term.dtype() == t ? q->term : cast(Operand(q->term, where), t);
  const Variable alpha = negate_alpha ? negated(p->alpha, where) : p->alpha;
  const Variable beta = negate_beta ? negated(q->alpha, where) : q->alpha;
  return make_gemm(z, alpha, input(p->term, 0), input(p->term, 1), beta, false, false, !exact, where);
}

bool is_matrix_transpose(const Variable& v) {
  return is_op(v, "dimshuffle") && v.ndim() == 2 &&
         v.node().attrs().get_ints("pattern") == std::vector<std::int64_t>{1, 0};
}

}  // namespace

void register_specialize_blas_rules(RuleBook& book) {
  // alpha * dot(X, Y) + beta * Z -> gemm(Z, alpha, X, Y, beta); alpha and beta 1
  // when absent, -1 for a negation, either operand order.
  book.custom("gemm_from_dot_plus", "add", "alpha * dot(X, Y) + beta * Z -> gemm(Z, alpha, X, Y, beta)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                for (int i = 0; i < 2; ++i) {
                  if (auto g = fold(v, input(v, i), input(v, 1 - i), false, false, where)) return g;
                }
                return std::nullopt;
              });
  // alpha * dot(X, Y) - beta * Z -> gemm(Z, alpha, X, Y, -beta)
  book.custom("gemm_from_dot_minus", "sub", "alpha * dot(X, Y) - beta * Z -> gemm(Z, alpha, X, Y, -beta)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                return fold(v, input(v, 0), input(v, 1), false, true, where);
              });
  // beta * Z - alpha * dot(X, Y) -> gemm(Z, -alpha, X, Y, beta)
  book.custom("gemm_from_minus_dot", "sub", "beta * Z - alpha * dot(X, Y) -> gemm(Z, -alpha, X, Y, beta)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                return fold(v, input(v, 1), input(v, 0), true, false, where);
              });
  // gemm(Z, a, transpose(X), Y, b, tx, ty) -> gemm(Z, a, X, Y, b, !tx, ty), and the same
  // for Y: BLAS reads the untransposed matrix with the flag, no copy.
  book.custom("gemm_fold_transpose", "gemm", "gemm(Z, a, X.T, Y.T, b, tx, ty) -> gemm(Z, a, X, Y, b, !tx, !ty)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& x = input(v, 2);
                const Variable& y = input(v, 3);
                const bool fx = is_matrix_transpose(x), fy = is_matrix_transpose(y);
                if (!fx && !fy) return std::nullopt;
                const Attrs& attrs = v.node().attrs();
                const bool tx = attrs.get_bool("trans_x"), ty = attrs.get_bool("trans_y");
                const bool bz = attrs.has("broadcast_z") && attrs.get_bool("broadcast_z");
                return make_gemm(input(v, 0), input(v, 1), fx ? input(x, 0) : x, fy ? input(y, 0) : y, input(v, 4),
                                 fx ? !tx : tx, fy ? !ty : ty, bz, where);
              });
}

}  // namespace hypatia::rewrite
