// The rewrite driver: runs each phase's rules over the graph to a fixed point.
//
// One pass walks the nodes in topological order, rebuilds each node over its inputs'
// replacements (hash-consing makes an unchanged node the same node), then tries the
// rules indexed by the node's op. A pass costs one visit per node plus the rules tried
// on it, so a phase costs (passes x nodes); passes stay few because rules replace a
// node by one that later rules see within the same pass whenever they are below it.
#include "hypatia/rewrite.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <unordered_map>

#include "graph/op.hpp"
#include "hypatia/error.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "rewrite/rule.hpp"
#include "rewrite/rules/rule_files.hpp"

namespace hypatia {

namespace rewrite {
namespace {

// Constant folding: an op whose inputs are all constants is run once, now, and becomes
// a constant. Ops with side effects (random draws) take a state input that is never a
// constant, so they never fold. Large results stay computed at run time: a constant
// of millions of elements would bloat the graph and the compile cache.
constexpr std::int64_t kMaxFoldedElements = 1 << 16;

std::optional<Variable> fold_constants(const Variable& v, SourceLocation where) {
  const Node& node = v.node();
  if (node.op().has(kLeaf) || !node.op().reference || node.inputs().empty()) return std::nullopt;
  std::vector<Array> args;
  for (const Variable& in : node.inputs()) {
    if (!in.is_constant()) return std::nullopt;
    args.push_back(in.constant_value());
  }
  std::int64_t size = 1;
  for (std::int64_t d : v.type().shape) {
    if (d == kUnknownDim) return std::nullopt;
    size *= d;
  }
  if (size > kMaxFoldedElements) return std::nullopt;
  try {
    std::vector<Array> out = node.op().reference(KernelArgs{args, node});
    // A copy: the kernel may return a view of an input constant.
    return constant(out[static_cast<std::size_t>(v.index())].copy(), where);
  } catch (const UserError&) {
    return std::nullopt;  // the error belongs to run time, where it names the user's line
  }
}

}  // namespace

void RuleBook::rule(std::string name, const Pat& lhs, const Pat& rhs, std::function<bool(const Match&)> guard) {
  if (lhs.kind() != Pat::Kind::op) throw InternalError("rule " + name + ": the left side must be an op");
  RewriteFn apply = [lhs, rhs, guard](const Variable& v, SourceLocation where) -> std::optional<Variable> {
    Match m;
    if (!match(lhs, v, m) || (guard && !guard(m))) return std::nullopt;
    return instantiate(rhs, m, v.dtype(), where);
  };
  rules_.push_back(Rule{std::move(name), phase_, lhs.name(), lhs.str() + " -> " + rhs.str(), std::move(apply)});
}

void RuleBook::custom(std::string name, std::string root_op, std::string text, RewriteFn apply) {
  rules_.push_back(Rule{std::move(name), phase_, std::move(root_op), std::move(text), std::move(apply)});
}

void RuleBook::index() {
  // Rules for any op sit under the empty op name.
  for (const Rule& r : rules_) by_phase_and_op_[{r.phase, r.root_op}].push_back(&r);
}

const std::vector<const Rule*>& RuleBook::for_op(const std::string& phase, const std::string& op) const {
  static const std::vector<const Rule*> kNone;
  auto it = by_phase_and_op_.find({phase, op});
  return it == by_phase_and_op_.end() ? kNone : it->second;
}

const RuleBook& RuleBook::get() {
  static const RuleBook book = [] {
    RuleBook b;
    b.set_phase("canonicalize");
    b.custom("constant_folding", "", "op(constants...) -> constant", fold_constants);
#define HYPATIA_X(phase, topic) \
  b.set_phase(#phase);          \
  register_##phase##_##topic##_rules(b);
    HYPATIA_RULE_FILES(HYPATIA_X)
#undef HYPATIA_X
    std::vector<std::string> names;
    for (const Rule& r : b.rules_) names.push_back(r.name);
    std::sort(names.begin(), names.end());
    if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
      throw InternalError("rewrite: two rules are named '" + *dup + "'");
    }
    b.index();
    return b;
  }();
  return book;
}

namespace {

// The replacement as the replaced variable's type: a rule may produce a dtype that the
// promotion of its new form picks (then cast back), but never another rank or a
// static size that disagrees (then the rule does not apply here).
std::optional<Variable> fit_to(const Variable& r, const Variable& v, SourceLocation where) {
  if (r.ndim() != v.ndim()) return std::nullopt;
  for (int i = 0; i < v.ndim(); ++i) {
    const auto a = v.type().shape[static_cast<std::size_t>(i)];
    const auto b = r.type().shape[static_cast<std::size_t>(i)];
    if (a != kUnknownDim && b != kUnknownDim && a != b) return std::nullopt;
  }
  if (r.dtype() == v.dtype()) return r;
  return cast(Operand(r, where), v.dtype());
}

class Rewriter {
 public:
  Rewriter(const RewriteOptions& options, RewriteTrace* trace)
      : options_(options), trace_(trace), book_(RuleBook::get()) {}

  // A misspelt name would silently switch nothing off.
  void check_names() const {
    for (const std::string& name : options_.excluding) {
      if (name == "canonicalize" || name == "stabilize" || name == "specialize") continue;
      const auto& rules = book_.rules();
      if (std::none_of(rules.begin(), rules.end(), [&](const Rule& r) { return r.name == name; })) {
        throw ValueError("rewrite: cannot exclude '" + name + "': no rule or phase has that name");
      }
    }
  }

  std::vector<Variable> run(std::vector<Variable> outputs) {
    check_names();
    for (const std::string& phase : options_.phases) {
      if (excluded(phase)) continue;
      outputs = run_phase(phase, outputs);
    }
    return outputs;
  }

 private:
  bool excluded(const std::string& name) const {
    return std::find(options_.excluding.begin(), options_.excluding.end(), name) != options_.excluding.end();
  }

  void record(const std::string& phase, const std::string& rule, const Variable& before, const Variable& after) {
    if (trace_ == nullptr) return;
    trace_->firings.push_back({phase, rule, before.node().where(), expression_text(before), expression_text(after)});
  }

  std::optional<Variable> try_rules(const std::string& phase, const Variable& v) {
    const std::string& op = v.node().op().name;
    for (const auto* list : {&book_.for_op(phase, op), &book_.for_op(phase, "")}) {
      for (const Rule* rule : *list) {
        if (excluded(rule->name)) continue;
        const SourceLocation where = v.node().where();
        if (trace_ != nullptr) ++trace_->stats.rule_attempts;
        std::optional<Variable> r = rule->apply(v, where);
        if (!r || *r == v) continue;
        r = fit_to(*r, v, where);
        if (!r) continue;
        record(phase, rule->name, v, *r);
        return r;
      }
    }
    return std::nullopt;
  }

  std::vector<Variable> run_phase(const std::string& phase, std::vector<Variable> outputs) {
    std::vector<std::string> last_fired;
    for (int pass = 0; pass < options_.max_passes; ++pass) {
      bool fired = false;
      last_fired.clear();
      std::unordered_map<Variable, Variable, VariableHash> replaced;
      for (const auto& node : topological_order(outputs)) {
        if (node->op().has(kLeaf)) continue;
        if (trace_ != nullptr) ++trace_->stats.node_visits;
        bool changed = false;
        std::vector<Variable> inputs;
        for (const Variable& in : node->inputs()) {
          auto it = replaced.find(in);
          inputs.push_back(it == replaced.end() ? in : it->second);
          changed = changed || it != replaced.end();
        }
        std::vector<Variable> now;
        if (changed) {
          now = apply(node->op().name, std::move(inputs), node->attrs(), node->where());
        } else {
          for (int i = 0; i < node->num_outputs(); ++i) now.push_back(node->output(i));
        }
        if (now.size() == 1) {
          // A few rewrites in a row on the same root: most chains are short.
          for (int round = 0; round < 4; ++round) {
            std::optional<Variable> r = try_rules(phase, now[0]);
            if (!r) break;
            fired = true;
            if (trace_ != nullptr) last_fired.push_back(trace_->firings.back().rule);
            now[0] = *r;
            if (now[0].node().op().has(kLeaf)) break;
          }
        }
        for (int i = 0; i < node->num_outputs(); ++i) {
          if (!(now[static_cast<std::size_t>(i)] == node->output(i))) {
            replaced.emplace(node->output(i), now[static_cast<std::size_t>(i)]);
          }
        }
      }
      for (Variable& out : outputs) {
        auto it = replaced.find(out);
        if (it != replaced.end()) out = it->second;
      }
      if (!fired) {
        if (trace_ != nullptr) trace_->passes[phase] += pass + 1;
        return outputs;
      }
    }
    std::string names;
    for (const auto& n : last_fired) names += (names.empty() ? "" : ", ") + n;
    throw InternalError("rewrite: phase '" + phase + "' did not reach a fixed point in " +
                        std::to_string(options_.max_passes) + " passes" +
                        (names.empty() ? std::string() : "; rules still firing: " + names));
  }

  const RewriteOptions& options_;
  RewriteTrace* trace_;
  const RuleBook& book_;
};

}  // namespace
}  // namespace rewrite

std::vector<Variable> rewrite_graph(const std::vector<Variable>& outputs, const RewriteOptions& options,
                              RewriteTrace* trace) {
  for (const Variable& out : outputs) {
    if (!out.valid()) throw TypeError("rewrite_graph: an output is an empty Variable");
  }
  if (trace != nullptr) trace->graph_before = graph_text(outputs);
  std::vector<Variable> result = rewrite::Rewriter(options, trace).run(outputs);
  if (trace != nullptr) trace->graph_after = graph_text(result);
  return result;
}

std::vector<std::string> rewrite_rule_names() {
  std::vector<std::string> names;
  for (const auto& r : rewrite::RuleBook::get().rules()) names.push_back(r.phase + "/" + r.name);
  return names;
}

std::map<std::string, int> RewriteTrace::counts() const {
  std::map<std::string, int> c;
  for (const Firing& f : firings) ++c[f.rule];
  return c;
}

std::string RewriteTrace::str() const {
  std::ostringstream os;
  std::map<std::pair<std::string, std::string>, int> by_rule;
  for (const Firing& f : firings) ++by_rule[{f.phase, f.rule}];
  os << "rewrites: " << firings.size() << " firing" << (firings.size() == 1 ? "" : "s") << " of " << by_rule.size()
     << " rule" << (by_rule.size() == 1 ? "" : "s") << "; passes:";
  for (const auto& [phase, n] : passes) os << ' ' << phase << '=' << n;
  os << '\n';
  for (const auto& [key, n] : by_rule) {
    os << "  " << std::setw(5) << n << "  " << std::left << std::setw(13) << key.first << key.second << std::right
       << '\n';
  }
  if (!firings.empty()) os << "firings:\n";
  for (const Firing& f : firings) {
    os << "  " << format_location(f.where) << "  " << f.phase << '/' << f.rule << ": " << f.before << "  ->  "
       << f.after << '\n';
  }
  os << "graph before:\n" << graph_before << "graph after:\n" << graph_after;
  return os.str();
}

std::string expression_text(const Variable& v, int depth) {
  const Node& node = v.node();
  const std::string& op = node.op().name;
  if (op == "input") return v.name().empty() ? "<input>" : v.name();
  if (op == "constant") {
    const Array& a = v.constant_value();
    if (a.size() == 1) {
      std::ostringstream os;
      os << a.astype(DType::float64).reshape({}).item<double>();
      return os.str();
    }
    return "constant" + shape_str(a.shape());
  }
  if (depth <= 0) return "...";
  std::vector<std::string> args;
  for (const Variable& in : node.inputs()) args.push_back(expression_text(in, depth - 1));
  static const std::map<std::string, std::string> kInfix = {
      {"add", " + "}, {"sub", " - "}, {"mul", " * "}, {"true_div", " / "}, {"pow", " ** "}};
  if (auto it = kInfix.find(op); it != kInfix.end() && args.size() == 2) {
    return "(" + args[0] + it->second + args[1] + ")";
  }
  if (op == "neg" && args.size() == 1) return "-" + args[0];
  std::string s = op + "(";
  for (std::size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
  if (!node.attrs().items().empty()) s += (args.empty() ? "" : ", ") + node.attrs().str();
  s += ")";
  if (node.num_outputs() > 1) s += "[" + std::to_string(v.index()) + "]";
  return s;
}

}  // namespace hypatia
