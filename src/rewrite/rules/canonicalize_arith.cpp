// Canonical arithmetic: one spelling per meaning, so later phases match one form.
// NaN and inf policy (hypatia/rewrite.hpp): a rule that would turn NaN or inf into a
// number fires only where the operand cannot hold one (integers and bools).
#include <cmath>
#include <limits>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

bool is_integral(const Variable& v) { return !is_float(v.dtype()); }

// op(op(x, c1), c2) -> op(x, op(c1, c2)) for add and mul, c1 and c2 scalar constants of
// x's dtype (so the folded constant gives the same result dtype; integers wrap the same
// either way). The folded constant is computed in double and must be what the two
// steps give in IEEE terms: no new inf or NaN (x * 1e300 * 1e300 overflows; folding it
// to x * inf would turn x = 0 into NaN) and no product underflowing to 0.
std::optional<Variable> collect_constants(const Variable& v, SourceLocation where, bool is_add) {
  const Node& outer = v.node();
  for (int i = 0; i < 2; ++i) {
    const Variable& inner = outer.inputs()[static_cast<std::size_t>(i)];
    const Variable& c2 = outer.inputs()[static_cast<std::size_t>(1 - i)];
    if (inner.node().op().name != outer.op().name) continue;
    const auto b = scalar_constant(c2);
    if (!b || c2.ndim() != 0 || c2.dtype() != v.dtype()) continue;
    for (int j = 0; j < 2; ++j) {
      const Variable& c1 = inner.node().inputs()[static_cast<std::size_t>(j)];
      const Variable& x = inner.node().inputs()[static_cast<std::size_t>(1 - j)];
      const auto a = scalar_constant(c1);
      if (!a || c1.ndim() != 0 || c1.dtype() != v.dtype() || x.dtype() != v.dtype() || inner.dtype() != v.dtype()) {
        continue;
      }
      if (x.is_constant()) continue;  // folding's job
      // The constant folded in x's dtype by the op's own kernel (wrapping for integers).
      const Variable folded = apply1(outer.op().name, {c1, c2}, Attrs{}, where);
      const Node& fn = folded.node();
      std::vector<Array> args{c1.constant_value(), c2.constant_value()};
      const Array value = fn.op().reference(KernelArgs{args, fn})[0];
      const double f = value.astype(DType::float64).reshape({}).item<double>();
      if (is_float(v.dtype())) {
        const bool finite_in = std::isfinite(*a) && std::isfinite(*b);
        if (finite_in && !std::isfinite(f)) continue;
        if (!is_add && f == 0 && *a != 0 && *b != 0) continue;
      }
      const Variable c = constant(value.copy(), where);
      return apply1(outer.op().name, {x, c}, Attrs{}, where);
    }
  }
  return std::nullopt;
}

}  // namespace

void register_canonicalize_arith_rules(RuleBook& book) {
  const Pat x = any("x");
  // x * 1 -> x
  book.rule("mul_by_one", x * 1, x);
  // x + 0 -> x
  book.rule("add_zero", x + 0, x);
  // x - 0 -> x
  book.rule("sub_zero", x - 0, x);
  // x / 1 -> x
  book.rule("div_by_one", x / 1, x);
  // 0 - x -> -x
  book.rule("zero_minus_to_neg", 0 - x, -x);
  // x * -1 -> -x
  book.rule("mul_by_minus_one_to_neg", x * -1, -x);
  // -(-x) -> x
  book.rule("neg_neg", -(-x), x);
  // log(exp(x)) -> x (exact where exp overflows, and NaN stays NaN)
  book.rule("log_exp", log(exp(x)), x);
  // x - x -> 0, for integers only: for floats inf - inf and NaN - NaN are NaN.
  book.custom("sub_self_to_zero", "sub", "(x - x) -> 0, integer x",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const auto& in = v.node().inputs();
                if (!(in[0] == in[1]) || !is_integral(v)) return std::nullopt;
                return zeros_like(Operand(in[0], where), v.dtype());
              });
  // x * 0 -> 0, for integers only: inf * 0 and NaN * 0 are NaN.
  book.custom("mul_by_zero", "mul", "(x * 0) -> 0, integer x",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const auto& in = v.node().inputs();
                // The result takes the other operand's shape (the zero has size 1).
                for (int zero = 0; zero < 2; ++zero) {
                  if (is_integral(v) && is_constant_value(in[static_cast<std::size_t>(zero)], 0)) {
                    return zeros_like(Operand(in[static_cast<std::size_t>(1 - zero)], where), v.dtype());
                  }
                }
                return std::nullopt;
              });
  // exp(log(x)) -> where(x >= 0, x, nan): exact, and log's NaN for x < 0 is kept.
  book.custom("exp_log", "exp", "exp(log(x)) -> where(x >= 0, x, nan)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& in = v.node().inputs()[0];
                if (in.node().op().name != "log") return std::nullopt;
                const Variable& x = in.node().inputs()[0];
                if (x.dtype() != v.dtype()) return std::nullopt;  // log of an integer
                return hypatia::where(Operand(x, where) >= 0, Operand(x, where),
                                      Operand(std::numeric_limits<double>::quiet_NaN(), where));
              });
  // (x + c1) + c2 -> x + (c1 + c2), constants on either side
  book.custom("collect_add_constants", "add", "((x + c1) + c2) -> (x + (c1 + c2))",
              [](const Variable& v, SourceLocation where) { return collect_constants(v, where, true); });
  // (x * c1) * c2 -> x * (c1 * c2), constants on either side
  book.custom("collect_mul_constants", "mul", "((x * c1) * c2) -> (x * (c1 * c2))",
              [](const Variable& v, SourceLocation where) { return collect_constants(v, where, false); });
  // cast(x, dtype of x) -> x
  book.custom("useless_cast", "cast", "cast(x, x.dtype) -> x",
              [](const Variable& v, SourceLocation) -> std::optional<Variable> {
                const Variable& x = v.node().inputs()[0];
                if (x.dtype() != v.dtype()) return std::nullopt;
                return x;
              });
}

}  // namespace hypatia::rewrite
