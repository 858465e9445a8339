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

// Add and mul chains carry their scalar constants at the top, folded into one:
//   (x op c1) op c2         -> x op (c1 op c2)
//   (x op c1) op y          -> (x op y) op c1
//   (x op c1) op (y op c2)  -> (x op y) op (c1 op c2)
// for add and mul, constants on either side, everything of v's dtype (so promotion is
// the same; integers wrap the same in any order, bool add and mul are or and and). The
// rule works bottom-up: an operand's constant is at most one level down, so it looks
// two levels deep, and `(x + 2) + y + 3` becomes `(x + y) + 5` in two firings.
// Re-association changes float rounding (the policy in hypatia/rewrite.hpp). The folded
// constant is computed by the op's own kernel and must be what the two steps give in
// IEEE terms: no new inf or NaN (x * 1e300 * 1e300 overflows; folding it to x * inf
// would turn x = 0 into NaN) and no product underflowing to 0; otherwise the two
// constants stay apart. A float constant passes a term only when it is finite (and not
// 0 for mul): (x * 0) * y -> (x * y) * 0 would be NaN where x * y overflows, and
// (x + inf) + y -> (x + y) + inf NaN where x + y overflows to -inf.

// c as a scalar constant of `dtype` (0-d: a size-1 array constant could broadcast).
bool is_own_scalar(const Variable& c, DType dtype) { return c.ndim() == 0 && c.dtype() == dtype && c.is_constant(); }

// v = rest op c, c a scalar constant of v's dtype and rest not a constant.
std::optional<std::pair<Variable, Variable>> split_constant(const Variable& v, const std::string& op, DType dtype) {
  const Node& n = v.node();
  if (n.op().name != op || v.dtype() != dtype) return std::nullopt;
  for (std::size_t i = 0; i < 2; ++i) {
    const Variable& c = n.inputs()[i];
    const Variable& rest = n.inputs()[1 - i];
    if (is_own_scalar(c, dtype) && rest.dtype() == dtype && !rest.is_constant()) return std::pair{rest, c};
  }
  return std::nullopt;
}

// c1 op c2, if folding keeps what the two steps give (see above).
std::optional<Variable> fold_pair(const std::string& op, const Variable& c1, const Variable& c2, DType dtype,
                                  SourceLocation where) {
  const Variable folded = apply1(op, {c1, c2}, Attrs{}, where);
  const Node& fn = folded.node();
  std::vector<Array> args{c1.constant_value(), c2.constant_value()};
  const Array value = fn.op().reference(KernelArgs{args, fn})[0];
  if (is_float(dtype)) {
    const double a = *scalar_constant(c1);
    const double b = *scalar_constant(c2);
    const double f = value.astype(DType::float64).reshape({}).item<double>();
    if (std::isfinite(a) && std::isfinite(b) && !std::isfinite(f)) return std::nullopt;
    if (op == "mul" && f == 0 && a != 0 && b != 0) return std::nullopt;
  }
  return constant(value.copy(), where);
}

std::optional<Variable> collect_constants(const Variable& v, SourceLocation where) {
  const Node& n = v.node();
  const std::string& op = n.op().name;
  const DType dtype = v.dtype();
  const Variable& a = n.inputs()[0];
  const Variable& b = n.inputs()[1];
  if (a.dtype() != dtype || b.dtype() != dtype) return std::nullopt;
  const auto sa0 = split_constant(a, op, dtype);
  const auto sb0 = split_constant(b, op, dtype);
  auto build = [&](const Variable& l, const Variable& r) { return apply1(op, {l, r}, Attrs{}, where); };
  // (x op c1) op c2, either side
  for (const auto& [s, c2] : {std::pair{sa0, b}, std::pair{sb0, a}}) {
    if (!s || !is_own_scalar(c2, dtype)) continue;
    if (auto c = fold_pair(op, s->second, c2, dtype, where)) return build(s->first, *c);
    return std::nullopt;  // the constants stay apart; nothing else to do here
  }
  if (a.is_constant() || b.is_constant()) return std::nullopt;
  auto movable = [&](const std::optional<std::pair<Variable, Variable>>& s) {
    if (!s || !is_float(dtype)) return s.has_value();
    const double c = *scalar_constant(s->second);
    return std::isfinite(c) && (op != "mul" || c != 0);
  };
  std::optional<std::pair<Variable, Variable>> sa = movable(sa0) ? sa0 : std::nullopt;
  std::optional<std::pair<Variable, Variable>> sb = movable(sb0) ? sb0 : std::nullopt;
  if (sa && sb) {
    const Variable xy = build(sa->first, sb->first);
    if (auto c = fold_pair(op, sa->second, sb->second, dtype, where)) return build(xy, *c);
    return build(build(xy, sa->second), sb->second);
  }
  if (sa) return build(build(sa->first, b), sa->second);
  if (sb) return build(build(a, sb->first), sb->second);
  return std::nullopt;
}

// Whether every value of `from` is exactly a value of `to`, so that a cast from `from`
// to `to` and on to a third dtype is the direct cast (NumPy's "safe" casting is not
// enough: int64 to float64 is safe and rounds above 2^53).
bool casts_exactly(DType from, DType to) {
  if (from == to || is_bool(from)) return true;
  if (is_bool(to)) return false;
  const int from_bits = static_cast<int>(8 * dtype_size(from));
  const int to_bits = static_cast<int>(8 * dtype_size(to));
  if (is_float(from)) return is_float(to) && to_bits >= from_bits;
  // An integer: its bits below the sign.
  const int value_bits = from_bits - (is_signed_integer(from) ? 1 : 0);
  if (is_float(to)) return value_bits <= (to_bits == 32 ? 24 : 53);
  if (is_signed_integer(from) && !is_signed_integer(to)) return false;
  return to_bits - (is_signed_integer(to) ? 1 : 0) >= value_bits;
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
  // x % x -> 0, for integers only (NumPy's integer 0 % 0 is 0): inf % inf is NaN.
  // No `x / x -> 1`: true division of integers is float, and 0 / 0 is NaN.
  book.custom("mod_self_to_zero", "mod", "(x % x) -> 0, integer x",
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
  // (x + c1) + c2 -> x + (c1 + c2); (x + c1) + y -> (x + y) + c1;
  // (x + c1) + (y + c2) -> (x + y) + (c1 + c2); constants on either side
  book.custom("collect_add_constants", "add", "((x + c1) + y) -> ((x + y) + c1), c1 + c2 folded",
              [](const Variable& v, SourceLocation where) { return collect_constants(v, where); });
  // (x * c1) * c2 -> x * (c1 * c2); (x * c1) * y -> (x * y) * c1;
  // (x * c1) * (y * c2) -> (x * y) * (c1 * c2); constants on either side
  book.custom("collect_mul_constants", "mul", "((x * c1) * y) -> ((x * y) * c1), c1 * c2 folded",
              [](const Variable& v, SourceLocation where) { return collect_constants(v, where); });
  // cast(cast(x, a), b) -> cast(x, b) where every value of x's dtype is exactly one of a,
  // and not integer -> float -> integer
  book.custom("merge_casts", "cast", "cast(cast(x, a), b) -> cast(x, b), x exact in a",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Variable& inner = v.node().inputs()[0];
                if (inner.node().op().name != "cast") return std::nullopt;
                const Variable& x = inner.node().inputs()[0];
                if (!casts_exactly(x.dtype(), inner.dtype())) return std::nullopt;
                // Integer to float to integer: out of range, a float converts otherwise
                // than an integer wraps (uint32 4294967295 is int16 -1, as float64 0).
                if (is_integer(x.dtype()) && is_float(inner.dtype()) && is_integer(v.dtype())) return std::nullopt;
                return cast(Operand(x, where), v.dtype());
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
