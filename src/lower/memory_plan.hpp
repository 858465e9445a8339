// The memory plan: when each value's buffer is released, which buffers may be reused,
// and which kernels write in place.
//
// A function's values live in slots. Three kinds:
// - external slots hold what the caller or the graph owns (arguments, constants): never
//   written, never recycled;
// - kept slots are the function's outputs: they leave the call, so they are never
//   recycled either (an output may still be written into a dead value's buffer);
// - every other slot is a temporary: it dies right after its last reader (or right
//   after its maker when nothing reads it), and its buffer then goes to the executor's
//   pool, from which later values of the same byte size or smaller take theirs. The
//   pool outlives the call (the executor keeps it), so a steady-state call allocates
//   only its outputs.
// In place: an elementwise kernel's output may take the buffer of one of its inputs
// (the executor lists the pairs the kernel's ops allow: same dtype, same rank, the
// output computed from that input, so each point reads the input before it writes the
// output) when that input is a temporary that dies at this kernel. The executor checks
// the rest at run time, where shapes are known: the input has exactly the output's
// shape (it is not broadcast), C-contiguous strides, and it is the sole owner of its
// buffer (so no argument, constant, output or live value is a view of it).
#pragma once

#include <cstdint>
#include <vector>

namespace hypatia::lower {

// A step of the function as the plan sees it.
struct StepUse {
  std::vector<int> reads;   // slots
  std::vector<int> writes;  // slots
  // (output index, input index) pairs whose buffer the step may share, best first.
  std::vector<std::pair<int, int>> in_place;
};

struct InPlace {
  int output = -1;  // index into the step's outputs
  int input = -1;   // index into its inputs
};

struct MemoryPlan {
  std::vector<std::vector<int>> free_after;  // step -> temporaries that die after it
  std::vector<std::vector<InPlace>> in_place;  // step -> pairs allowed by liveness
  std::vector<std::uint8_t> external;          // slot -> an argument or a constant
  std::vector<std::uint8_t> kept;              // slot -> a function output
  int temporaries = 0;                         // slots neither external nor kept
};

// `kept`: the outputs' slots; `external`: the slots of arguments and constants.
MemoryPlan plan_memory(const std::vector<StepUse>& steps, int num_slots, const std::vector<int>& kept,
                       const std::vector<int>& external);

}  // namespace hypatia::lower
