// The user's own rules (hypatia/rewrite.hpp, register_rewrite): a list beside the
// static RuleBook, replaced whole on every change (copy on write), so that a rewrite
// in progress keeps the snapshot it started with while another thread registers.
#include "rewrite/user_rules.hpp"

#include <algorithm>
#include <mutex>

#include "hypatia/error.hpp"
#include "hypatia/rewrite.hpp"

namespace hypatia {

namespace rewrite {
namespace {

std::mutex g_mutex;
std::shared_ptr<const std::vector<Rule>> g_rules = std::make_shared<const std::vector<Rule>>();

}  // namespace

std::shared_ptr<const std::vector<Rule>> user_rules() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_rules;
}

}  // namespace rewrite

void register_rewrite(const std::string& phase, const std::string& name, const std::string& root_op,
                      NodeRewrite fn) {
  const std::string at = "register_rewrite('" + name + "'): ";
  if (phase != "canonicalize" && phase != "stabilize" && phase != "specialize") {
    throw ValueError(at + "unknown phase '" + phase + "': expected canonicalize, stabilize or specialize");
  }
  if (name.empty() || name == "canonicalize" || name == "stabilize" || name == "specialize") {
    throw ValueError(at + "a rule needs a name that is not a phase's");
  }
  if (!fn) throw ValueError(at + "the rewrite function is empty");
  if (!root_op.empty() && OpRegistry::get().find(root_op) == nullptr) {
    throw ValueError(at + "unknown op '" + root_op + "'");
  }
  const auto& builtin = rewrite::RuleBook::get().rules();
  if (std::any_of(builtin.begin(), builtin.end(), [&](const rewrite::Rule& r) { return r.name == name; })) {
    throw ValueError(at + "a built-in rule has that name");
  }
  rewrite::RewriteFn apply = [fn = std::move(fn)](const Variable& v, SourceLocation) -> std::optional<Variable> {
    return fn(v.node());
  };
  std::lock_guard<std::mutex> lock(rewrite::g_mutex);
  auto rules = std::make_shared<std::vector<rewrite::Rule>>(*rewrite::g_rules);
  if (std::any_of(rules->begin(), rules->end(), [&](const rewrite::Rule& r) { return r.name == name; })) {
    throw ValueError(at + "a user rule has that name (unregister_rewrite it first)");
  }
  rules->push_back(rewrite::Rule{name, phase, root_op, "user rule", std::move(apply)});
  rewrite::g_rules = std::move(rules);
}

bool unregister_rewrite(const std::string& name) {
  std::lock_guard<std::mutex> lock(rewrite::g_mutex);
  auto rules = std::make_shared<std::vector<rewrite::Rule>>(*rewrite::g_rules);
  const auto it = std::find_if(rules->begin(), rules->end(), [&](const rewrite::Rule& r) { return r.name == name; });
  if (it == rules->end()) return false;
  rules->erase(it);
  rewrite::g_rules = std::move(rules);
  return true;
}

}  // namespace hypatia
