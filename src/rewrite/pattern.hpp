// The small pattern language of declarative rules (DESIGN.md, "Rewrites"):
//
//   const Pat x = any("x");
//   rule("log1p_from_log_one_plus", log(1 + x), log1p(x));
//
// A pattern is a tree of op names over named wildcards (`any`) and constants (`1`,
// matching a constant of size 1 whose value is 1 in any dtype). The same tree on the
// right-hand side builds the replacement: wildcards become what they matched,
// constants take the replaced node's dtype. Operands of commutative binary ops match
// in either order, so one rule covers `1 + x` and `x + 1`. Canonicalize also puts them
// in one order (rules/canonicalize_order.cpp), but matching both stays: FAST_COMPILE
// runs stabilize without canonicalize, nodes made by stabilize rules are not yet in
// order, and a rule's author need not know the order's key.
//
// The functions below share the graph builders' names on purpose (a rule reads like
// the math); they live in hypatia::rewrite, where they hide hypatia's builders.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia::rewrite {

class Pat {
 public:
  enum class Kind { any, value, op };

  Pat(double value);  // NOLINT: constants read best bare in rules (`1 + x`)
  static Pat any(std::string name);
  static Pat op(std::string name, std::vector<Pat> args);

  Kind kind() const { return node_->kind; }
  const std::string& name() const { return node_->name; }  // wildcard or op name
  double value() const { return node_->value; }
  const std::vector<Pat>& args() const { return node_->args; }
  std::string str() const;

 private:
  struct Node {
    Kind kind;
    std::string name;
    double value = 0;
    std::vector<Pat> args;
  };
  explicit Pat(std::shared_ptr<const Node> n) : node_(std::move(n)) {}
  std::shared_ptr<const Node> node_;
};

inline Pat any(std::string name) { return Pat::any(std::move(name)); }

// What a pattern matched: each wildcard's variable.
class Match {
 public:
  const Variable& operator[](const std::string& name) const;
  bool bind(const std::string& name, const Variable& v);  // false if bound to another
  const std::map<std::string, Variable>& bindings() const { return vars_; }

 private:
  std::map<std::string, Variable> vars_;
};

// Whether `v` matches `p`, extending `m` (left unchanged on failure).
bool match(const Pat& p, const Variable& v, Match& m);
// The replacement `p` built from `m`; constants take `dtype`; nodes record `where`.
Variable instantiate(const Pat& p, const Match& m, DType dtype, SourceLocation where);

// Whether v is a constant of size 1 equal to `value` (any dtype).
bool is_constant_value(const Variable& v, double value);
// The value of a constant of size 1, if v is one.
std::optional<double> scalar_constant(const Variable& v);

// The builders of patterns, named as the ops they match.
Pat operator+(const Pat& a, const Pat& b);
Pat operator-(const Pat& a, const Pat& b);
Pat operator*(const Pat& a, const Pat& b);
Pat operator/(const Pat& a, const Pat& b);
Pat operator-(const Pat& x);
Pat pow(const Pat& a, const Pat& b);
#define HYPATIA_PATTERN_UNARY(X) \
  X(exp) X(expm1) X(log) X(log1p) X(sigmoid) X(softplus) X(sqr) X(sqrt) X(reciprocal) X(neg) X(erf) X(erfc)
#define HYPATIA_X(name) Pat name(const Pat& x);
HYPATIA_PATTERN_UNARY(HYPATIA_X)
#undef HYPATIA_X

}  // namespace hypatia::rewrite
