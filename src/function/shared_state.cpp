#include "function/shared_state.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_map>
#include <unordered_set>

#include "graph/op.hpp"
#include "hypatia/ops/elemwise.hpp"

namespace hypatia::detail {

namespace {

std::atomic<std::int64_t> g_update_copies{0};

std::string describe_shared(const SharedVariable& s) {
  return s.name().empty() ? "shared variable of type " + s.type().str() : "shared variable '" + s.name() + "'";
}

std::string describe_expression(const Variable& v) {
  if (const auto s = SharedVariable::of(v)) return describe_shared(*s);
  std::string what = v.is_input() ? "input '" + v.name() + "'" : v.is_constant() ? "a constant" : "an expression";
  return what + " of type " + v.type().str() + " made at " + format_location(v.node().where());
}

// The update expression converted to the variable's type, or an error naming both.
Variable checked_update(const SharedVariable& s, const Variable& u, const std::string& at) {
  if (!u.valid()) throw TypeError(at + "the update of " + describe_shared(s) + " is an empty Variable");
  const Type& t = s.type();
  const Type& ut = u.type();
  const std::string both = "the update of " + describe_shared(s) + " (type " + t.str() + ") is " +
                           describe_expression(u);
  if (ut.ndim() != t.ndim()) throw TypeError(at + both + ": the ranks differ");
  if (ut.dtype != t.dtype && !can_cast_safely(ut.dtype, t.dtype)) {
    throw TypeError(at + both + ", whose dtype does not convert to " + std::string(dtype_name(t.dtype)) +
                    " without loss; cast the expression to " + std::string(dtype_name(t.dtype)));
  }
  for (std::size_t i = 0; i < t.shape.size(); ++i) {
    if (t.shape[i] != kUnknownDim && ut.shape[i] != kUnknownDim && ut.shape[i] != t.shape[i]) {
      throw ShapeError(at + both + ": dimension " + std::to_string(i) + " differs");
    }
  }
  return ut.dtype == t.dtype ? u : cast(Operand(u, u.node().where()), t.dtype);
}

void check_given(const Variable& old_var, const Variable& new_var, std::size_t i, const std::string& at) {
  if (!old_var.valid() || !new_var.valid()) {
    throw TypeError(at + "givens entry " + std::to_string(i) + " holds an empty Variable");
  }
  const Type& a = old_var.type();
  const Type& b = new_var.type();
  bool fits = a.dtype == b.dtype && a.ndim() == b.ndim();
  for (std::size_t d = 0; fits && d < a.shape.size(); ++d) {
    fits = a.shape[d] == kUnknownDim || a.shape[d] == b.shape[d];
  }
  if (!fits) {
    throw TypeError(at + "givens entry " + std::to_string(i) + ": a replacement must have the dtype, rank and "
                    "known sizes of what it replaces: " + describe_expression(old_var) + " replaced by " +
                    describe_expression(new_var));
  }
}

// The shared variables `outputs` read, in graph order.
std::vector<SharedVariable> shared_in(const std::vector<Variable>& outputs) {
  std::vector<SharedVariable> found;
  for (const auto& node : topological_order(outputs)) {
    if (node->op().name == "shared") found.push_back(*SharedVariable::of(node->output(0)));
  }
  return found;
}

}  // namespace

ResolvedGraph resolve_shared(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                             const FunctionOptions& options, const std::string& at) {
  // Explicit updates, checked and converted.
  std::vector<std::pair<SharedVariable, Variable>> updates;
  std::unordered_set<const Node*> updated;
  for (const auto& [s, u] : options.updates) {
    if (!s.valid()) throw TypeError(at + "an update's target is an empty SharedVariable");
    if (!updated.insert(&s.node()).second) {
      throw ValueError(at + describe_shared(s) + " is updated twice; give each shared variable one update");
    }
    updates.emplace_back(s, checked_update(s, u, at));
  }

  // Givens, substituted into outputs and updates together.
  std::vector<Variable> all = outputs;
  for (const auto& [s, u] : updates) all.push_back(u);
  if (!options.givens.empty()) {
    for (std::size_t i = 0; i < options.givens.size(); ++i) {
      check_given(options.givens[i].first, options.givens[i].second, i, at);
    }
    all = clone_replace(all, options.givens);
  }
  for (std::size_t i = 0; i < updates.size(); ++i) updates[i].second = all[outputs.size() + i];

  // Default updates of the variables read, until no new variable appears.
  std::unordered_set<const Node*> no_default;
  for (const SharedVariable& s : options.no_default_updates_for) {
    if (s.valid()) no_default.insert(&s.node());
  }
  Updates given_updates = options.updates;
  if (!options.no_default_updates) {
    std::unordered_set<const Node*> seen;
    for (bool grew = true; grew;) {
      grew = false;
      for (const SharedVariable& s : shared_in(all)) {
        if (!seen.insert(&s.node()).second || updated.count(&s.node()) || no_default.count(&s.node())) continue;
        const std::optional<Variable> u = s.default_update();
        if (!u) continue;
        updated.insert(&s.node());
        updates.emplace_back(s, checked_update(s, *u, at + "default update: "));
        all.push_back(updates.back().second);
        given_updates.emplace_back(s, *u);
        grew = true;
      }
    }
  }

  ResolvedGraph g;
  g.updates = std::move(given_updates);
  g.inputs = inputs;
  g.state = shared_in(all);
  // A variable whose update does not read it (s <- x) is bound too, to be stored into.
  for (const auto& [s, u] : updates) {
    if (std::find(g.state.begin(), g.state.end(), s) == g.state.end()) g.state.push_back(s);
  }
  std::unordered_map<const Node*, std::size_t> state_index;
  std::vector<std::pair<Variable, Variable>> bind;
  for (std::size_t i = 0; i < g.state.size(); ++i) {
    const SharedVariable& s = g.state[i];
    state_index[&s.node()] = i;
    const Variable placeholder = tensor(s.name(), s.type().dtype, s.type().shape, s.node().where());
    g.inputs.push_back(placeholder);
    bind.emplace_back(s, placeholder);
  }
  // An update to the value it already has (x <- x) changes nothing: left out.
  std::vector<Variable> kept(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(outputs.size()));
  for (const auto& [s, u] : updates) {
    if (u == s) continue;
    kept.push_back(u);
    g.update_state.push_back(state_index.at(&s.node()));
  }
  g.outputs = bind.empty() ? kept : clone_replace(kept, bind);
  return g;
}

void append_state(const std::vector<SharedVariable>& state, std::vector<Array>& args) {
  for (const SharedVariable& s : state) args.push_back(s.storage().value);
}

void apply_updates(const std::vector<SharedVariable>& state, const std::vector<std::size_t>& update_state,
                   std::size_t num_outputs, std::vector<Array>& results, bool apply) {
  if (apply) {
    // Every result checked before any is stored, so that a failing call changes nothing.
    for (std::size_t k = 0; k < update_state.size(); ++k) {
      const SharedVariable& s = state[update_state[k]];
      checked_shared_value(s, results[num_outputs + k], "update of ");
    }
    for (std::size_t k = 0; k < update_state.size(); ++k) {
      SharedStorage& storage = state[update_state[k]].storage();
      storage.value = std::move(results[num_outputs + k]);
      storage.keep_alive.reset();
    }
  }
  results.resize(num_outputs);
}

std::int64_t update_copies() { return g_update_copies.load(); }
void count_update_copy() { g_update_copies.fetch_add(1); }

}  // namespace hypatia::detail
