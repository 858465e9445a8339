// Canonical arithmetic: one spelling per meaning, so later phases match one form.
// NaN and inf policy (hypatia/rewrite.hpp): a rule that would turn NaN or inf into a
// number fires only where the operand cannot hold one (integers and bools).
#include <limits>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

bool is_integral(const Variable& v) { return !is_float(v.dtype()); }

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
  // cast(x, dtype of x) -> x
  book.custom("useless_cast", "cast", "cast(x, x.dtype) -> x",
              [](const Variable& v, SourceLocation) -> std::optional<Variable> {
                const Variable& x = v.node().inputs()[0];
                if (x.dtype() != v.dtype()) return std::nullopt;
                return x;
              });
}

}  // namespace hypatia::rewrite
