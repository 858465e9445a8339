// A hash map keyed by node address, for walks over whole graphs (topological order,
// the rewrite driver). Open addressing in one array: no allocation per entry and no
// list nodes to chase, which is what made std::unordered_set/map walks over 10^5
// nodes slow down per node as graphs grew (allocator churn, cache misses).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace hypatia {
class Node;
}

namespace hypatia::detail {

template <class V>
class NodeMap {
 public:
  explicit NodeMap(std::size_t expected = 0) { reserve(expected); }

  // Room for `n` entries without growing.
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    if (cap > slots_.size()) rehash(cap);
  }
  std::size_t size() const { return size_; }
  void clear() {
    for (Slot& s : slots_) s = Slot{};
    size_ = 0;
  }

  // The value of `key`, or nullptr. The pointer stays valid until the next insert.
  V* find(const Node* key) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = bucket(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == nullptr) return nullptr;
    }
  }
  // The value of `key`, inserted as `value` if absent; true if it was inserted.
  std::pair<V*, bool> insert(const Node* key, V value) {
    if (2 * (size_ + 1) > slots_.size()) rehash(2 * slots_.size());
    std::size_t i = bucket(key);
    for (; slots_[i].key != nullptr; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return {&slots_[i].value, false};
    }
    slots_[i] = Slot{key, std::move(value)};
    ++size_;
    return {&slots_[i].value, true};
  }

 private:
  struct Slot {
    const Node* key = nullptr;
    V value{};
  };

  std::size_t bucket(const Node* key) const {
    // Fibonacci hashing: the high bits of address * 2^64/phi spread aligned addresses.
    const auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(key));
    return static_cast<std::size_t>((x * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  void rehash(std::size_t cap) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    shift_ = 64;
    for (std::size_t c = cap; c > 1; c >>= 1) --shift_;
    size_ = 0;
    for (Slot& s : old) {
      if (s.key == nullptr) continue;
      std::size_t i = bucket(s.key);
      while (slots_[i].key != nullptr) i = (i + 1) & mask_;
      slots_[i] = std::move(s);
      ++size_;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace hypatia::detail
