#include "backend/cpu/native_util.hpp"

#include <atomic>
#include <cstdlib>

namespace hypatia::cpu::native {

Collapsed collapse(const Shape& shape, const std::vector<const Strides*>& views) {
  Collapsed c;
  c.strides.resize(views.size());
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !c.shape.empty();
    for (std::size_t v = 0; merge && v < views.size(); ++v) {
      merge = c.strides[v].back() == (*views[v])[d] * shape[d];
    }
    if (merge) {
      c.shape.back() *= shape[d];
      for (std::size_t v = 0; v < views.size(); ++v) c.strides[v].back() = (*views[v])[d];
    } else {
      c.shape.push_back(shape[d]);
      for (std::size_t v = 0; v < views.size(); ++v) c.strides[v].push_back((*views[v])[d]);
    }
  }
  if (c.shape.empty()) {
    c.shape.push_back(1);
    for (auto& s : c.strides) s.push_back(0);
  }
  return c;
}

void copy_same(const Array& src, Array& dst) {
  if (src.size() == 0) return;
  const Collapsed c = collapse(src.shape(), {&dst.strides(), &src.strides()});
  const std::size_t nd = c.shape.size();
  const std::int64_t inner = c.shape[nd - 1];
  const std::int64_t ds = c.strides[0][nd - 1], ss = c.strides[1][nd - 1];
  by_item(src.itemsize(), [&]<class U>(std::type_identity<U>) {
    for_each_line(c, dst.data(), src.data(),
                  [&](std::byte* d, const std::byte* s) { copy_line<U>(d, ds, s, ss, inner); });
  });
}

namespace {
std::atomic<int> team_override{0};
}  // namespace

void set_team_size(int n) { team_override.store(n > 0 ? n : 0, std::memory_order_relaxed); }

int team_size() {
  if (const int n = team_override.load(std::memory_order_relaxed); n > 0) return n;
  static const int t = [] {
    if (const char* v = std::getenv("OMP_NUM_THREADS"); v != nullptr && std::atoi(v) > 0) return std::atoi(v);
    return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  }();
  return t;
}

}  // namespace hypatia::cpu::native
