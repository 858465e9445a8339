// The user ops' half of the registry (hypatia/op.hpp's register_op): a table that
// grows at run time, read by OpRegistry::find under a shared lock. Entries are never
// removed, so an OpDef* stays valid for the process, as a built-in op's does.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "graph/op.hpp"

namespace hypatia::detail {

class UserOpTable {
 public:
  static UserOpTable& get();
  const OpDef* find(std::string_view name) const;
  // False (and `op` dropped) when the name is taken.
  bool add(std::unique_ptr<OpDef> op);
  std::vector<const OpDef*> all() const;  // sorted by name

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<OpDef>, std::less<>> ops_;
};

}  // namespace hypatia::detail
