#include "lower/memory_plan.hpp"

#include <algorithm>
#include <cstddef>

namespace hypatia::lower {

MemoryPlan plan_memory(const std::vector<StepUse>& steps, int num_slots, const std::vector<int>& kept,
                       const std::vector<int>& external) {
  const auto n = static_cast<std::size_t>(num_slots);
  MemoryPlan plan;
  plan.kept.assign(n, 0);
  plan.external.assign(n, 0);
  for (int s : kept) plan.kept[static_cast<std::size_t>(s)] = 1;
  for (int s : external) plan.external[static_cast<std::size_t>(s)] = 1;

  // A slot's last use: its last reader, or its maker when nothing reads it.
  std::vector<int> last(n, -1);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    for (int slot : steps[s].writes) last[static_cast<std::size_t>(slot)] = static_cast<int>(s);
  }
  for (std::size_t s = 0; s < steps.size(); ++s) {
    for (int slot : steps[s].reads) last[static_cast<std::size_t>(slot)] = static_cast<int>(s);
  }
  plan.free_after.resize(steps.size());
  for (std::size_t slot = 0; slot < n; ++slot) {
    if (plan.kept[slot] || plan.external[slot]) continue;
    ++plan.temporaries;
    if (last[slot] >= 0) plan.free_after[static_cast<std::size_t>(last[slot])].push_back(static_cast<int>(slot));
  }

  plan.in_place.resize(steps.size());
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const StepUse& step = steps[s];
    std::vector<int> taken_inputs, taken_outputs;
    for (const auto& [out, in] : step.in_place) {
      const auto slot = static_cast<std::size_t>(step.reads[static_cast<std::size_t>(in)]);
      const bool dies_here = last[slot] == static_cast<int>(s) && !plan.kept[slot] && !plan.external[slot];
      // A slot read twice by the step is still one buffer: one output at most.
      const bool free = std::find(taken_inputs.begin(), taken_inputs.end(), static_cast<int>(slot)) == taken_inputs.end() &&
                        std::find(taken_outputs.begin(), taken_outputs.end(), out) == taken_outputs.end();
      if (!dies_here || !free) continue;
      taken_inputs.push_back(static_cast<int>(slot));
      taken_outputs.push_back(out);
      plan.in_place[s].push_back({out, in});
    }
  }
  return plan;
}

}  // namespace hypatia::lower
