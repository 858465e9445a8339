#include "lower/memory_plan.hpp"

#include <cstddef>

namespace hypatia::lower {

MemoryPlan plan_memory(const std::vector<std::vector<int>>& reads, int num_slots, const std::vector<int>& kept) {
  std::vector<int> last(static_cast<std::size_t>(num_slots), -1);
  for (std::size_t s = 0; s < reads.size(); ++s) {
    for (int slot : reads[s]) last[static_cast<std::size_t>(slot)] = static_cast<int>(s);
  }
  for (int slot : kept) last[static_cast<std::size_t>(slot)] = static_cast<int>(reads.size());
  MemoryPlan plan;
  plan.free_after.resize(reads.size());
  for (std::size_t slot = 0; slot < last.size(); ++slot) {
    const int s = last[slot];
    if (s >= 0 && s < static_cast<int>(reads.size())) plan.free_after[static_cast<std::size_t>(s)].push_back(static_cast<int>(slot));
  }
  return plan;
}

}  // namespace hypatia::lower
