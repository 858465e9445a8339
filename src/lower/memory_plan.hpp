// The memory plan: when each value's buffer is released.
//
// Every value a step computes gets a new buffer at each call (outputs are the
// caller's own, so nothing is kept between calls); a value dies right after its last
// reader, unless it is a function output, so the allocator hands its memory to the
// next values. Not done yet: reusing a dead buffer explicitly for a value of the same
// size, and writing in place where an op's Aliasing allows it.
#pragma once

#include <vector>

namespace hypatia::lower {

struct MemoryPlan {
  std::vector<std::vector<int>> free_after;  // step -> slots released after it
};

// `reads[s]`: the slots step s reads; `kept`: slots that live to the end (outputs).
MemoryPlan plan_memory(const std::vector<std::vector<int>>& reads, int num_slots, const std::vector<int>& kept);

}  // namespace hypatia::lower
