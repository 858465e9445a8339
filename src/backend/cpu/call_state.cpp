#include "backend/cpu/call_state.hpp"

#include <algorithm>

namespace hypatia::cpu {

std::shared_ptr<Buffer> CallState::take(std::size_t nbytes) {
  ++draws;
  std::size_t best = free.size();
  for (std::size_t i = 0; i < free.size(); ++i) {
    const std::size_t size = free[i]->nbytes();
    if (size >= nbytes && (best == free.size() || size < free[best]->nbytes())) best = i;
  }
  if (best == free.size()) {
    ++allocated;
    return Buffer::allocate(nbytes);
  }
  ++reused;
  std::shared_ptr<Buffer> b = std::move(free[best]);
  free[best] = std::move(free.back());
  free.pop_back();
  return b;
}

void CallState::trim() {
  const auto keep = static_cast<std::size_t>(draws);
  if (free.size() > keep) {
    std::nth_element(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(keep), free.end(),
                     [](const auto& a, const auto& b) { return a->nbytes() > b->nbytes(); });
    free.resize(keep);
  }
  draws = 0;
}

CallStates::~CallStates() {
  for (auto& c : cached_) delete c.load();
}

std::unique_ptr<CallState> CallStates::acquire() {
  for (auto& c : cached_) {
    if (CallState* s = c.exchange(nullptr, std::memory_order_acquire)) return std::unique_ptr<CallState>(s);
  }
  return std::make_unique<CallState>();
}

void CallStates::release(std::unique_ptr<CallState> state) {
  for (auto& c : cached_) {
    CallState* expected = nullptr;
    if (c.compare_exchange_strong(expected, state.get(), std::memory_order_release, std::memory_order_relaxed)) {
      state.release();
      return;
    }
  }
}

}  // namespace hypatia::cpu
