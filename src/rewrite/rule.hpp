// Rules and the book that holds them. Three tiers (DESIGN.md, "Rewrites"): constant
// folding (the engine's own, for any op whose inputs are all constants), declarative
// rules (a pattern and its replacement, src/rewrite/pattern.hpp), and named C++
// rewrites for what a pattern cannot say. Each rule file registers its rules through
// register_<phase>_<topic>_rules(RuleBook&), listed once in rules/rule_files.hpp.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hypatia/graph.hpp"
#include "graph/op.hpp"
#include "rewrite/pattern.hpp"

namespace hypatia::rewrite {

// A rewrite of one variable (the single output of its node): its replacement, or
// nothing. It builds nodes with `where`, the replaced node's source line.
using RewriteFn = std::function<std::optional<Variable>(const Variable& v, SourceLocation where)>;

struct Rule {
  std::string name;
  std::string phase;
  std::string root_op;  // the op it can fire on; empty: any op
  std::string text;     // "log(add(1, x)) -> log1p(x)", for people
  RewriteFn apply;
};

class RuleBook {
 public:
  // Every rule of every file (built on first use).
  static const RuleBook& get();

  // The phase the next rules belong to (set by the registration list).
  void set_phase(std::string phase) { phase_ = std::move(phase); }
  // A declarative rule: where `lhs` matches and `guard` (if any) holds, `rhs`.
  void rule(std::string name, const Pat& lhs, const Pat& rhs,
            std::function<bool(const Match&)> guard = {});
  // A named C++ rewrite tried on nodes of `root_op`.
  void custom(std::string name, std::string root_op, std::string text, RewriteFn apply);

  const std::vector<Rule>& rules() const { return rules_; }
  // The rules of `phase` that may fire on `op`, in registration order; op "" gives
  // the rules tried on every op.
  const std::vector<const Rule*>& for_op(const std::string& phase, const std::string& op) const;

 private:
  void index();
  std::string phase_;
  std::vector<Rule> rules_;
  std::map<std::pair<std::string, std::string>, std::vector<const Rule*>> by_phase_and_op_;
};

}  // namespace hypatia::rewrite
