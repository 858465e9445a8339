// What one call of an Executable works in: its slots' values, the pool of dead
// temporaries' buffers (lower/memory_plan.hpp), and scratch for the kernels' shapes and
// strides. Kept by the Executable between calls, so that a steady-state call allocates
// only its outputs and the arrays' small shape vectors.
//
// Threads: a Function may be called from several threads at once (Python releases the
// GIL during a call). A call owns its CallState alone: it takes one from the
// executable's CallStates when it starts (a fresh one when all are in use) and gives it
// back when it ends, so nothing in a CallState is ever shared between running calls.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia::cpu {

struct CallState {
  std::vector<Array> own;           // slot -> the value this call made (temporaries, outputs)
  std::vector<const Array*> value;  // slot -> its value: an argument, a constant, or own[slot]
  std::vector<std::shared_ptr<Buffer>> free;  // dead temporaries' buffers
  int draws = 0;                    // buffers asked of the pool in this call
  // Counts of this call (the executable sums them: Executable::memory_stats).
  std::int64_t allocated = 0, reused = 0, in_place = 0;
  // Kernel scratch.
  Shape shape, own_shape, out_shape, cshape;
  std::vector<std::int64_t> st, cst;
  std::vector<std::size_t> from;
  std::vector<char*> base;
  std::vector<Array> ins;

  // A buffer of at least `nbytes` bytes: the smallest free one that fits, else new.
  std::shared_ptr<Buffer> take(std::size_t nbytes);
  // `b` (the sole owner's reference) goes back to the pool.
  void give(const std::shared_ptr<Buffer>& b) { free.push_back(b); }
  // At the end of a call: keeps the `draws` largest buffers (what the next call with
  // the same shapes asks for), releases the rest.
  void trim();
};

// The executable's CallStates, lock-free: a few cached states, each taken by one call
// at a time.
class CallStates {
 public:
  CallStates() = default;
  CallStates(const CallStates&) = delete;
  CallStates& operator=(const CallStates&) = delete;
  ~CallStates();

  std::unique_ptr<CallState> acquire();
  void release(std::unique_ptr<CallState> state);

 private:
  std::array<std::atomic<CallState*>, 4> cached_{};
};

}  // namespace hypatia::cpu
