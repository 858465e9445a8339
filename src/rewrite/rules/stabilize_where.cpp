// Factors moved inside a selection with a zero branch, so that the factor only meets
// the elements the selection keeps. The gradient of where(x > 0, log(x), 0) is
// where(x > 0, g, 0) / x: at x = 0 that is 0 / 0 = NaN, while where(x > 0, g / x, 0)
// is 0. The zero branch stays 0 even where a is inf or NaN (a * 0 would be NaN): that
// element was selected away, which is what the user meant by writing the selection.
// For the same reason that zero is +0 where a negative factor made it -0 as written.
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

Pat where(const Pat& c, const Pat& a, const Pat& b) { return Pat::op("where", {c, a, b}); }

}  // namespace

void register_stabilize_where_rules(RuleBook& book) {
  const Pat a = any("a");
  const Pat c = any("c");
  const Pat y = any("y");
  // a * where(c, 0, y) -> where(c, 0, a * y)
  book.rule("mul_into_where_else", a * where(c, 0, y), where(c, 0, a * y));
  // a * where(c, y, 0) -> where(c, a * y, 0)
  book.rule("mul_into_where_then", a * where(c, y, 0), where(c, a * y, 0));
  // where(c, 0, y) / a -> where(c, 0, y / a)
  book.rule("div_into_where_else", where(c, 0, y) / a, where(c, 0, y / a));
  // where(c, y, 0) / a -> where(c, y / a, 0)
  book.rule("div_into_where_then", where(c, y, 0) / a, where(c, y / a, 0));
}

}  // namespace hypatia::rewrite
