// Powers by a constant: cheaper forms of the same values. Integer powers above 4 stay
// pow: repeated multiplication would lose more to rounding than it saves. The half
// powers become sqrt as NumPy's `**` does for arrays; they then differ from C's pow
// in two IEEE corners: (-inf) ** 0.5 is NaN (pow gives inf), and (-0) ** -0.5 is -inf
// (pow gives inf).
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

bool float_base(const Match& m) { return is_float(m["x"].dtype()); }

}  // namespace

void register_specialize_pow_rules(RuleBook& book) {
  const Pat x = any("x");
  // x ** 1 -> x
  book.rule("pow_one", pow(x, 1), x);
  // x ** 2 -> sqr(x)
  book.rule("pow_two_to_sqr", pow(x, 2), sqr(x));
  // x ** 3 -> sqr(x) * x
  book.rule("pow_three_to_mul", pow(x, 3), sqr(x) * x);
  // x ** 4 -> sqr(sqr(x))
  book.rule("pow_four_to_sqr_sqr", pow(x, 4), sqr(sqr(x)));
  // x ** 0.5 -> sqrt(x)
  book.rule("pow_half_to_sqrt", pow(x, 0.5), sqrt(x), float_base);
  // x ** -1 -> reciprocal(x), for floats (an integer's reciprocal truncates)
  book.rule("pow_minus_one_to_reciprocal", pow(x, -1), reciprocal(x), float_base);
  // x ** -0.5 -> reciprocal(sqrt(x))
  book.rule("pow_minus_half_to_rsqrt", pow(x, -0.5), reciprocal(sqrt(x)), float_base);
}

}  // namespace hypatia::rewrite
