// Building blocks of the native kernels (native_*.cpp): raw element types by size,
// and a strided copy whose inner loop is a memcpy when both sides are contiguous.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>
#include <type_traits>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia::cpu::native {

// Calls f(std::type_identity<U>{}) with U the unsigned integer of `itemsize` bytes:
// copies move bits, whatever the dtype.
template <class F>
decltype(auto) by_item(std::size_t itemsize, F&& f) {
  switch (itemsize) {
    case 1: return f(std::type_identity<std::uint8_t>{});
    case 2: return f(std::type_identity<std::uint16_t>{});
    case 4: return f(std::type_identity<std::uint32_t>{});
    default: return f(std::type_identity<std::uint64_t>{});
  }
}

template <class U>
inline U load(const std::byte* p) {
  U v;
  std::memcpy(&v, p, sizeof(U));
  return v;
}

template <class U>
inline void store(std::byte* p, U v) {
  std::memcpy(p, &v, sizeof(U));
}

// n elements of U from src (byte step ss) to dst (byte step ds).
template <class U>
inline void copy_line(std::byte* dst, std::int64_t ds, const std::byte* src, std::int64_t ss, std::int64_t n) {
  if (ds == static_cast<std::int64_t>(sizeof(U)) && ss == ds) {
    if (n > 0) std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(U));
    return;
  }
  if (ds == static_cast<std::int64_t>(sizeof(U))) {
    U* d = reinterpret_cast<U*>(dst);
    for (std::int64_t i = 0; i < n; ++i) d[i] = load<U>(src + i * ss);
    return;
  }
  for (std::int64_t i = 0; i < n; ++i) store<U>(dst + i * ds, load<U>(src + i * ss));
}

// The dimensions of one shape over several strided views, with size-1 dimensions
// dropped and neighbours that are contiguous in every view merged (the last one
// innermost). Empty shape -> one dimension of size 1.
struct Collapsed {
  std::vector<std::int64_t> shape;
  std::vector<std::vector<std::int64_t>> strides;  // per view
};
Collapsed collapse(const Shape& shape, const std::vector<const Strides*>& views);

// Calls line(d, s) with the start of every innermost line of a two-view Collapsed
// (view 0 written from d, view 1 read from s), walking the outer dimensions as an
// odometer; the line is c.shape.back() elements long, strides c.strides[v].back().
template <class Line>
void for_each_line(const Collapsed& c, std::byte* d, const std::byte* s, Line&& line) {
  const std::size_t nd = c.shape.size();
  std::vector<std::int64_t> index(nd, 0);
  for (;;) {
    line(d, s);
    std::size_t k = nd - 1;
    for (;;) {
      if (k == 0) return;
      --k;
      d += c.strides[0][k];
      s += c.strides[1][k];
      if (++index[k] < c.shape[k]) break;
      d -= c.strides[0][k] * c.shape[k];
      s -= c.strides[1][k] * c.shape[k];
      index[k] = 0;
    }
  }
}

// dst = src element by element, for one dtype and one shape, any strides.
void copy_same(const Array& src, Array& dst);

// ---- threads for the native kernels
//
// Threads as the compiled modules size their teams (render.cpp): OMP_NUM_THREADS's
// figure when set, else one per processor (not omp_get_max_threads(): PyTorch's import
// lowers it to 1 for the process). Read once.
int team_size();
// For tests: team_size() returns `n` from now on (0: back to the default), so that one
// process compares one thread with two.
void set_team_size(int n);

// Work below which a native kernel stays on one thread, in the units of render.cpp's
// HP_PARALLEL_WORK (about one load, store or arithmetic operation each): starting and
// joining a second std::thread costs some 20 us, the time of ~1e6 such units on one
// core, and under load the second thread waits for a core. A kernel states its work as
// elements times its own cost per element.
inline constexpr std::int64_t kParallelWork = 1000000;

// Threads for `parts` independent parts worth `work` units in all: 1 below
// kParallelWork, else at most team_size(), one per kParallelWork / 2 units (each
// thread gets at least half the threshold's work), never more than parts.
inline std::int64_t team_for(std::int64_t parts, std::int64_t work) {
  if (work < kParallelWork) return 1;
  return std::max<std::int64_t>(1, std::min<std::int64_t>({team_size(), parts, work / (kParallelWork / 2)}));
}

// Calls part(p0, p1) on `team` contiguous ranges covering [0, parts), in order of
// size as render.cpp splits rows (the first on the calling thread). Each part must be
// computed the same whichever thread runs it, so results do not depend on `team`.
// `part` must not throw.
template <class F>
void split_parts(std::int64_t parts, std::int64_t team, F&& part) {
  team = std::max<std::int64_t>(1, std::min(team, parts));
  if (team <= 1) {
    if (parts > 0) part(std::int64_t{0}, parts);
    return;
  }
  auto begin = [&](std::int64_t t) { return parts / team * t + std::min(t, parts % team); };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(team - 1));
  for (std::int64_t t = 1; t < team; ++t) threads.emplace_back([&part, b = begin(t), e = begin(t + 1)] { part(b, e); });
  part(std::int64_t{0}, begin(1));
  for (std::thread& th : threads) th.join();
}

}  // namespace hypatia::cpu::native
