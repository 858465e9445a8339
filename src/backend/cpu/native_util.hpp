// Building blocks of the native kernels (native_*.cpp): raw element types by size,
// and a strided copy whose inner loop is a memcpy when both sides are contiguous.
#pragma once

#include <cstdint>
#include <cstring>
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

}  // namespace hypatia::cpu::native
