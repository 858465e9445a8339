// The rewrite driver: runs each phase's rules over the graph to a fixed point.
//
// Each phase is one post-order walk from the outputs (class Rewriter below): a node is
// finished after its inputs, by rebuilding it over their results and trying the rules
// indexed by its op; a replacement is finished the same way before it stands for the
// node. Work is one visit per node seen plus the rules tried on it, so rewriting time
// grows linearly with graph size (tests/rewrite/scaling_test.cpp checks the counts).
#include "hypatia/rewrite.hpp"

#include <algorithm>
#include <iomanip>
#include <set>
#include <sstream>
#include <unordered_map>

#include "graph/node_map.hpp"
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

// The driver of one phase: a post-order walk from the outputs that finishes each node
// before its consumers. A node is finished once: its inputs are replaced by their
// results (hash-consing makes an unchanged node the same node), then the phase's rules
// are tried on it; when one fires, the replacement is walked the same way, new inner
// nodes included, and its result is the node's result. So every node of the result has
// had every rule tried on it with its final inputs: the phase reaches its fixed point
// in one walk, and the work is one visit per node seen plus the rules tried on it,
// whatever the graph's depth (rules that rebuild a node's inputs, such as
// shape_i_from_producer, once took one pass per level of depth).
class Rewriter {
 public:
  Rewriter(const RewriteOptions& options, RewriteTrace* trace)
      : options_(options), trace_(trace), book_(RuleBook::get()) {}

  // A misspelt name would silently switch nothing off (or on).
  void check_names() const {
    for (const auto* names : {&options_.excluding, &options_.including}) {
      const char* verb = names == &options_.excluding ? "exclude" : "include";
      for (const std::string& name : *names) {
        if (is_phase_name(name)) continue;
        const auto& rules = book_.rules();
        if (std::none_of(rules.begin(), rules.end(), [&](const Rule& r) { return r.name == name; })) {
          throw ValueError(std::string("rewrite: cannot ") + verb + " '" + name + "': no rule or phase has that name");
        }
      }
    }
  }

  std::vector<Variable> run(std::vector<Variable> outputs) {
    check_names();
    for (const std::string& phase : phases_with_included()) {
      if (excluded(phase)) continue;
      outputs = run_phase(phase, outputs);
    }
    return outputs;
  }

 private:
  // What the walk knows of a node: not seen, being finished (on the stack), or
  // finished with its results at results_[offset...].
  enum class State : std::uint8_t { unseen, open, done };
  struct Entry {
    State state = State::unseen;
    std::uint32_t offset = 0;
  };
  // A node being finished: first its inputs, then (if a rule fired) its replacement.
  struct Frame {
    const Node* node;
    const Rule* made_by;          // the rule that made it, if one did
    std::size_t next = 0;         // the next input to visit
    const Node* tried = nullptr;  // the node rules were tried on: `node` or its rebuild
    Variable pending;             // the replacement being finished
  };

  bool excluded(const std::string& name) const {
    return std::find(options_.excluding.begin(), options_.excluding.end(), name) != options_.excluding.end();
  }

  static bool is_phase_name(const std::string& name) {
    return name == "canonicalize" || name == "stabilize" || name == "specialize";
  }

  // options_.phases, plus the phases of `including` it lacks, each before the first
  // phase that comes later in canonicalize, stabilize, specialize order. A phase added
  // for named rules only runs those (partial_phases_).
  std::vector<std::string> phases_with_included() {
    std::vector<std::string> phases = options_.phases;
    static const std::vector<std::string> order = {"canonicalize", "stabilize", "specialize"};
    const auto rank = [&](const std::string& p) {
      return static_cast<std::size_t>(std::find(order.begin(), order.end(), p) - order.begin());
    };
    for (const std::string& name : options_.including) {
      std::string phase = name;
      if (!is_phase_name(name)) {
        for (const Rule& r : book_.rules()) {
          if (r.name == name) phase = r.phase;
        }
      }
      const bool whole = phase == name;
      if (std::find(phases.begin(), phases.end(), phase) != phases.end()) {
        if (whole) partial_phases_.erase(phase);
        continue;
      }
      if (!whole) partial_phases_.insert(phase);
      const auto later = [&](const std::string& p) { return rank(p) > rank(phase); };
      phases.insert(std::find_if(phases.begin(), phases.end(), later), phase);
    }
    return phases;
  }

  bool runs(const std::string& phase, const Rule& rule) const {
    if (excluded(rule.name)) return false;
    if (partial_phases_.count(phase) == 0) return true;
    return std::find(options_.including.begin(), options_.including.end(), rule.name) != options_.including.end();
  }

  void record(const std::string& phase, const std::string& rule, const Variable& before, const Variable& after) {
    if (trace_ == nullptr) return;
    trace_->firings.push_back({phase, rule, before.node().where(), expression_text(before), expression_text(after)});
  }

  // The phase's rules for `op` (its own, then those for any op), less the excluded.
  const std::vector<const Rule*>& rules_for(const std::string& phase, const OpDef& op) {
    auto [it, inserted] = rules_by_op_.try_emplace(&op);
    if (inserted) {
      for (const auto* list : {&book_.for_op(phase, op.name), &book_.for_op(phase, "")}) {
        for (const Rule* rule : *list) {
          if (runs(phase, *rule)) it->second.push_back(rule);
        }
      }
    }
    return it->second;
  }

  std::optional<std::pair<Variable, const Rule*>> try_rules(const std::string& phase, const Variable& v) {
    for (const Rule* rule : rules_for(phase, v.node().op())) {
      const SourceLocation where = v.node().where();
      if (trace_ != nullptr) ++trace_->stats.rule_attempts;
      std::optional<Variable> r = rule->apply(v, where);
      if (!r || *r == v) continue;
      r = fit_to(*r, v, where);
      if (!r) continue;
      record(phase, rule->name, v, *r);
      return std::make_pair(*r, rule);
    }
    return std::nullopt;
  }

  static bool is_leaf(const Node* n) { return n->op().has(kLeaf); }

  // The result of a variable whose node is finished (a leaf is its own result).
  const Variable& result_of(const Variable& v) {
    if (is_leaf(&v.node())) return v;
    return results_[memo_.find(&v.node())->offset + static_cast<std::size_t>(v.index())];
  }

  [[noreturn]] void not_converging(const std::string& phase, const std::string& why) const {
    std::vector<std::string> names;
    for (auto f = stack_.rbegin(); f != stack_.rend(); ++f) {
      if (f->made_by != nullptr && std::find(names.begin(), names.end(), f->made_by->name) == names.end()) {
        names.push_back(f->made_by->name);
      }
    }
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw InternalError("rewrite: phase '" + phase + "' did not reach a fixed point: " + why +
                        (list.empty() ? std::string() : "; rules still firing: " + list));
  }

  // Puts `node` on the stack unless it is a leaf or finished.
  void open(const std::string& phase, const Node* node, const Rule* made_by) {
    if (is_leaf(node)) return;
    auto [entry, inserted] = memo_.insert(node, Entry{State::open, 0});
    if (!inserted && entry->state == State::done) return;
    stack_.push_back(Frame{node, made_by, 0, nullptr, {}});
    // Rules undoing each other: a node's replacement leads back to the node.
    if (!inserted) not_converging(phase, "a rule rebuilt a node inside its own replacement");
    if (node->id() <= last_input_id_) ++input_nodes_;
    if (made_by == nullptr) return;
    // Rules that keep making new nodes (x -> f(x) -> f(f(x)) ...): the cap the pass
    // driver had, max_passes rewrites per node of the graph.
    if (++firings_ > static_cast<std::int64_t>(options_.max_passes) * (input_nodes_ + 1)) {
      not_converging(phase, std::to_string(firings_) + " rewrites of a graph of " + std::to_string(input_nodes_) +
                                " nodes (cap: max_passes = " + std::to_string(options_.max_passes) + " per node)");
    }
  }

  // Finishes the top frame with `outs` as its node's results.
  void finish(const std::vector<Variable>& outs) {
    const Frame& f = stack_.back();
    const auto offset = static_cast<std::uint32_t>(results_.size());
    results_.insert(results_.end(), outs.begin(), outs.end());
    *memo_.find(f.node) = Entry{State::done, offset};
    if (f.tried != nullptr && f.tried != f.node) *memo_.find(f.tried) = Entry{State::done, offset};
    stack_.pop_back();
  }

  void walk(const std::string& phase, const Node* root) {
    open(phase, root, nullptr);
    std::vector<Variable> outs;
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.pending.valid()) {  // the replacement is finished
        outs.assign(1, result_of(f.pending));
        finish(outs);
        continue;
      }
      const std::vector<Variable>& inputs = f.node->inputs();
      if (f.next < inputs.size()) {
        const Node* in = &inputs[f.next++].node();
        open(phase, in, nullptr);  // may invalidate f
        continue;
      }
      if (trace_ != nullptr) ++trace_->stats.node_visits;
      // Rebuilt over the inputs' results; the same node when none changed.
      bool changed = false;
      for (const Variable& in : inputs) changed = changed || !(result_of(in) == in);
      if (changed) {
        std::vector<Variable> now_inputs;
        now_inputs.reserve(inputs.size());
        for (const Variable& in : inputs) now_inputs.push_back(result_of(in));
        outs = apply(f.node->op().name, std::move(now_inputs), f.node->attrs(), f.node->where());
        const Node* rebuilt = &outs[0].node();
        auto [entry, inserted] = memo_.insert(rebuilt, Entry{State::open, 0});
        if (!inserted) {
          if (entry->state != State::done) not_converging(phase, "a rule rebuilt a node inside its own replacement");
          const std::size_t at = entry->offset;
          for (std::size_t i = 0; i < outs.size(); ++i) outs[i] = results_[at + i];
          finish(outs);
          continue;
        }
        keep_.push_back(outs[0].node_ptr());
        f.tried = rebuilt;
      } else {
        outs.clear();
        for (int i = 0; i < f.node->num_outputs(); ++i) outs.push_back(f.node->output(i));
        f.tried = f.node;
      }
      if (outs.size() == 1) {
        if (auto fired = try_rules(phase, outs[0])) {
          const Variable& r = fired->first;
          const Entry* entry = is_leaf(&r.node()) ? nullptr : memo_.find(&r.node());
          if (is_leaf(&r.node()) || (entry != nullptr && entry->state == State::done)) {
            outs.assign(1, result_of(r));
            finish(outs);
            continue;
          }
          keep_.push_back(r.node_ptr());
          f.pending = r;
          open(phase, &r.node(), fired->second);  // invalidates f
          continue;
        }
      }
      finish(outs);
    }
  }

  std::vector<Variable> run_phase(const std::string& phase, std::vector<Variable> outputs) {
    memo_.clear();
    results_.clear();
    keep_.clear();
    rules_by_op_.clear();
    // Nodes are numbered in creation order and inputs are made before their users, so
    // nodes of the graph as given have ids up to its outputs' largest.
    last_input_id_ = 0;
    for (const Variable& out : outputs) last_input_id_ = std::max(last_input_id_, out.node().id());
    input_nodes_ = 0;
    firings_ = 0;
    for (const Variable& out : outputs) walk(phase, &out.node());
    for (Variable& out : outputs) out = Variable(result_of(out));
    if (trace_ != nullptr) trace_->passes[phase] += 1;
    // The nodes the walk made and dropped die here, not while it runs.
    memo_.clear();
    results_.clear();
    keep_.clear();
    return outputs;
  }

  const RewriteOptions& options_;
  RewriteTrace* trace_;
  const RuleBook& book_;
  detail::NodeMap<Entry> memo_;
  std::vector<Variable> results_;                     // finished nodes' results, by Entry::offset
  std::vector<std::shared_ptr<const Node>> keep_;     // nodes made here: alive while memo_ names them
  std::vector<Frame> stack_;
  std::uint64_t last_input_id_ = 0;
  std::int64_t input_nodes_ = 0;  // nodes of the graph as given, seen so far
  std::int64_t firings_ = 0;
  std::unordered_map<const OpDef*, std::vector<const Rule*>> rules_by_op_;
  std::set<std::string> partial_phases_;  // phases added for included rules only
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
