#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "graph/op.hpp"
#include "graph/user_ops.hpp"
#include "ops/families.hpp"

namespace hypatia {

const OpRegistry& OpRegistry::get() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();  // never destroyed: nodes refer to its OpDefs until exit
#define HYPATIA_X(family) register_##family##_ops(*r);
    HYPATIA_OP_FAMILIES(HYPATIA_X)
#undef HYPATIA_X
    return r;
  }();
  return *registry;
}

OpDef& OpRegistry::define(const std::string& name) {
  auto [it, inserted] = ops_.emplace(name, std::make_unique<OpDef>());
  if (!inserted) throw InternalError("op '" + name + "' is defined twice");
  it->second->name = name;
  return *it->second;
}

const OpDef* OpRegistry::find(std::string_view name) const {
  auto it = ops_.find(name);
  if (it != ops_.end()) return it->second.get();
  return detail::UserOpTable::get().find(name);
}

const OpDef& OpRegistry::op(std::string_view name) const {
  const OpDef* op = find(name);
  if (op == nullptr) throw InternalError("no op named '" + std::string(name) + "' is registered");
  return *op;
}

std::vector<const OpDef*> OpRegistry::all() const {
  std::vector<const OpDef*> ops;
  for (const auto& [name, op] : ops_) ops.push_back(op.get());
  return ops;
}

std::vector<const OpDef*> OpRegistry::user_ops() { return detail::UserOpTable::get().all(); }

// ---------------------------------------------------------------- user ops

namespace detail {

UserOpTable& UserOpTable::get() {
  static UserOpTable* table = new UserOpTable();  // never destroyed, as the registry
  return *table;
}

const OpDef* UserOpTable::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second.get();
}

bool UserOpTable::add(std::unique_ptr<OpDef> op) {
  std::unique_lock lock(mutex_);
  const std::string name = op->name;
  return ops_.emplace(name, std::move(op)).second;
}

std::vector<const OpDef*> UserOpTable::all() const {
  std::shared_lock lock(mutex_);
  std::vector<const OpDef*> ops;
  for (const auto& [name, op] : ops_) ops.push_back(op.get());
  return ops;
}

}  // namespace detail
}  // namespace hypatia
