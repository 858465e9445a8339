// Building blocks for reference kernels: broadcasting, strided iteration, axes.
// Reference kernels are the ground truth, so they favour plain, checkable loops over
// speed; they still walk memory in order and never copy more than they need.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/error.hpp"

namespace hypatia::detail {

// a + b as NumPy's add in T: integers wrap (computed in the unsigned type, so no signed
// overflow), bool is logical or.
template <class T>
T wrapping_add(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || b;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

// NumPy broadcasting of run-time shapes; ShapeError naming the shapes otherwise.
Shape broadcast_shapes(std::span<const Shape> shapes);
Shape broadcast_shapes(std::span<const Array> arrays);

// Strides (bytes) that read `a` as if it had `shape` (a broadcast of its own shape).
Strides broadcast_strides(const Array& a, const Shape& shape);

// The axis in [0, ndim) that `axis` names (negative counts from the end); IndexError
// "axis 3 is out of bounds for array of dimension 2" otherwise.
int normalize_axis(std::int64_t axis, int ndim);
// Normalised, sorted, checked for repeats ("repeated axis 1").
std::vector<int> normalize_axes(std::span<const std::int64_t> axes, int ndim);

// Calls f(in values...) for every element of the broadcast of `ins`, whose dtypes must
// all be the C++ type In, and stores the results (type Out) in a new C-contiguous array.
template <class Out, class In, std::size_t N, class F>
Array map_broadcast(const std::array<Array, N>& ins, F&& f) {
  Shape shape;
  {
    std::array<Shape, N> shapes;
    for (std::size_t k = 0; k < N; ++k) shapes[k] = ins[k].shape();
    shape = broadcast_shapes(std::span<const Shape>(shapes));
  }
  Array out = Array::empty(dtype_of_v<Out>, shape);
  const std::int64_t total = out.size();
  if (total == 0) return out;
  const int nd = static_cast<int>(shape.size());
  std::array<Strides, N> st;
  std::array<const std::byte*, N> p;
  for (std::size_t k = 0; k < N; ++k) {
    st[k] = broadcast_strides(ins[k], shape);
    p[k] = ins[k].data();
  }
  const std::int64_t inner = nd > 0 ? shape[static_cast<std::size_t>(nd - 1)] : 1;
  std::array<std::int64_t, N> inner_stride{};
  for (std::size_t k = 0; k < N; ++k) inner_stride[k] = nd > 0 ? st[k][static_cast<std::size_t>(nd - 1)] : 0;
  std::vector<std::int64_t> index(static_cast<std::size_t>(nd), 0);
  Out* o = reinterpret_cast<Out*>(out.data());
  const std::int64_t outer = total / inner;
  for (std::int64_t r = 0; r < outer; ++r) {
    for (std::int64_t j = 0; j < inner; ++j) {
      [&]<std::size_t... K>(std::index_sequence<K...>) {
        *o++ = static_cast<Out>(f(*reinterpret_cast<const In*>(p[K] + j * inner_stride[K])...));
      }(std::make_index_sequence<N>{});
    }
    for (int d = nd - 2; d >= 0; --d) {
      const auto du = static_cast<std::size_t>(d);
      ++index[du];
      for (std::size_t k = 0; k < N; ++k) p[k] += st[k][du];
      if (index[du] < shape[du]) break;
      for (std::size_t k = 0; k < N; ++k) p[k] -= st[k][du] * shape[du];
      index[du] = 0;
    }
  }
  return out;
}

// Calls f(element pointer) for every element of `a` in C order.
template <class F>
void for_each_element(const Array& a, F&& f) {
  const std::int64_t total = a.size();
  if (total == 0) return;
  const int nd = a.ndim();
  std::vector<std::int64_t> index(static_cast<std::size_t>(nd), 0);
  const std::byte* p = a.data();
  for (std::int64_t i = 0; i < total; ++i) {
    f(p);
    for (int d = nd - 1; d >= 0; --d) {
      const auto du = static_cast<std::size_t>(d);
      ++index[du];
      p += a.strides()[du];
      if (index[du] < a.shape()[du]) break;
      p -= a.strides()[du] * a.shape()[du];
      index[du] = 0;
    }
  }
}

}  // namespace hypatia::detail
