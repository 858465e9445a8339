// Native kernels that move elements: join, repeat, roll, pad (each a gather along
// per-axis maps, done as runs of the last axis: a memcpy where the source row is
// contiguous), and diff.
#include <algorithm>
#include <cstring>

#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"
#include "ops/native_hooks.hpp"

namespace hypatia::cpu::native {
namespace {

using detail::AxisMap;
using Result = std::optional<std::vector<Array>>;

constexpr std::int64_t kNone = -1;

// A stretch of the last output axis: `len` elements from source offset `src` in steps
// of `step` bytes (0: one element repeated), or the fill value (src == kNone).
struct Run {
  std::int64_t start, len, src, step;
};

std::vector<Run> runs_of(const AxisMap& m, std::int64_t n, std::int64_t stride) {
  if (m.empty()) return {Run{0, n, 0, stride}};
  std::vector<Run> runs;
  const auto size = static_cast<std::int64_t>(m.size());
  for (std::int64_t j = 0; j < size;) {
    const std::int64_t first = m[static_cast<std::size_t>(j)];
    std::int64_t k = j + 1;
    if (first < 0) {
      while (k < size && m[static_cast<std::size_t>(k)] < 0) ++k;
      runs.push_back({j, k - j, kNone, 0});
    } else {
      std::int64_t delta = 0;
      if (k < size && m[static_cast<std::size_t>(k)] >= 0) {
        delta = m[static_cast<std::size_t>(k)] - first;
        if (delta < -1 || delta > 1) delta = 2;  // a jump: a run of one
      }
      if (delta != 2) {
        while (k < size && m[static_cast<std::size_t>(k)] >= 0 &&
               m[static_cast<std::size_t>(k)] - m[static_cast<std::size_t>(k - 1)] == delta) {
          ++k;
        }
      }
      runs.push_back({j, k - j, first * stride, delta == 2 ? 0 : delta * stride});
    }
    j = k;
  }
  return runs;
}

// result[i0, i1, ...] = x[maps[0][i0], ...], or *fill where a map says -1 (an empty
// map is the identity): detail::gather_axes, by runs.
Array gather_axes(const Array& x, const std::vector<AxisMap>& maps, const Shape& out_shape, const Array* fill) {
  Array out = Array::empty(x.dtype(), out_shape);
  if (out.size() == 0) return out;
  const std::size_t nd = out_shape.size();
  if (nd == 0) {
    std::memcpy(out.data(), x.data(), x.itemsize());
    return out;
  }
  const auto item = static_cast<std::int64_t>(x.itemsize());
  std::vector<std::vector<std::int64_t>> tables(nd - 1);
  for (std::size_t d = 0; d + 1 < nd; ++d) {
    const AxisMap& m = maps[d];
    for (std::int64_t i = 0; i < out_shape[d]; ++i) {
      const std::int64_t src = m.empty() ? i : m[static_cast<std::size_t>(i)];
      tables[d].push_back(src < 0 ? kNone : src * x.strides()[d]);
    }
  }
  const std::vector<Run> runs = runs_of(maps[nd - 1], out_shape[nd - 1], x.strides()[nd - 1]);
  const std::int64_t row = out_shape[nd - 1] * item;
  const std::int64_t rows = out.size() / out_shape[nd - 1];
  std::vector<std::int64_t> index(nd - 1, 0);
  by_item(x.itemsize(), [&]<class U>(std::type_identity<U>) {
    const U value = fill != nullptr ? load<U>(fill->data()) : U{};
    std::byte* dst = out.data();
    for (std::int64_t r = 0; r < rows; ++r, dst += row) {
      std::int64_t off = 0;
      bool filled = false;
      for (std::size_t d = 0; d + 1 < nd; ++d) {
        const std::int64_t t = tables[d][static_cast<std::size_t>(index[d])];
        filled = filled || t == kNone;
        off += t;
      }
      if (filled) {
        std::fill_n(reinterpret_cast<U*>(dst), out_shape[nd - 1], value);
      } else {
        const std::byte* src = x.data() + off;
        for (const Run& run : runs) {
          std::byte* d = dst + run.start * item;
          if (run.src == kNone) {
            std::fill_n(reinterpret_cast<U*>(d), run.len, value);
          } else if (run.step == 0) {
            std::fill_n(reinterpret_cast<U*>(d), run.len, load<U>(src + run.src));
          } else {
            copy_line<U>(d, item, src + run.src, run.step, run.len);
          }
        }
      }
      for (std::size_t d = nd - 1; d-- > 0;) {
        if (++index[d] < out_shape[d]) break;
        index[d] = 0;
      }
    }
  });
  return out;
}

Result join_kernel(const Node& node, std::span<const Array> in) {
  const DType dtype = node.output_types()[0].dtype;
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  Shape shape = in[0].shape();
  shape[axis] = 0;
  for (const Array& x : in) {
    if (x.shape().size() != shape.size()) return std::nullopt;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      if (d != axis && x.shape()[d] != shape[d]) return std::nullopt;
    }
    shape[axis] += x.shape()[axis];
  }
  Array out = Array::empty(dtype, shape);
  std::int64_t at = 0;
  for (const Array& x : in) {
    const std::int64_t n = x.shape()[axis];
    Array part = out.slice(static_cast<int>(axis), at, at + n);
    if (x.dtype() == dtype) {
      copy_same(x, part);
    } else {
      copy_same(x.astype(dtype), part);  // astype converts as the reference's copy does
    }
    at += n;
  }
  return std::vector<Array>{out};
}

Result repeat_kernel(const Node& node, std::span<const Array> in) {
  const Array& x = in[0];
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const std::vector<std::int64_t> counts = detail::repeat_axis_counts(in[1], x.shape()[axis]);
  std::vector<AxisMap> maps(x.shape().size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    maps[axis].insert(maps[axis].end(), static_cast<std::size_t>(counts[i]), static_cast<std::int64_t>(i));
  }
  Shape shape = x.shape();
  shape[axis] = static_cast<std::int64_t>(maps[axis].size());
  return std::vector<Array>{gather_axes(x, maps, shape, nullptr)};
}

// Two block copies: out[s:] = x[:n - s], out[:s] = x[n - s:].
Result roll_kernel(const Node& node, std::span<const Array> in) {
  const Array& x = in[0];
  const int axis = static_cast<int>(node.attrs().get_int("axis"));
  const std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
  Array out = Array::empty(x.dtype(), x.shape());
  if (out.size() == 0) return std::vector<Array>{out};
  const std::int64_t s = ((in[1].item<std::int64_t>() % n) + n) % n;
  Array head = out.slice(axis, s, n), tail = out.slice(axis, 0, s);
  copy_same(x.slice(axis, 0, n - s), head);
  copy_same(x.slice(axis, n - s, n), tail);
  return std::vector<Array>{out};
}

Result pad_kernel(const Node& node, std::span<const Array> in) {
  const Array& x = in[0];
  const std::vector<AxisMap> maps = detail::pad_axis_maps(node.attrs(), x.shape());
  Shape shape;
  for (const AxisMap& m : maps) shape.push_back(static_cast<std::int64_t>(m.size()));
  const Array fill = Array::full(x.dtype(), {}, node.attrs().get<double>("value"));
  return std::vector<Array>{gather_axes(x, maps, shape, &fill)};
}


Result diff_kernel(const Node& node, std::span<const Array> in) {
  const Array x = in[0].contiguous();
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const std::int64_t n = x.shape()[axis];
  Shape shape = x.shape();
  shape[axis] = std::max<std::int64_t>(n - 1, 0);
  Array out = Array::empty(x.dtype(), shape);
  if (out.size() == 0) return std::vector<Array>{out};
  std::int64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (std::size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  visit_dtype(x.dtype(), [&]<class T>(std::type_identity<T>) {
    const T* src = reinterpret_cast<const T*>(x.data());
    T* dst = reinterpret_cast<T*>(out.data());
    const std::int64_t m = (n - 1) * inner;  // per outer block, in elements
    for (std::int64_t o = 0; o < outer; ++o) {
      const T* s = src + o * n * inner;
      T* d = dst + o * m;
      for (std::int64_t i = 0; i < m; ++i) d[i] = detail::difference<T>(s[i + inner], s[i]);
    }
  });
  return std::vector<Array>{out};
}

}  // namespace

void add_copy_kernels(Table& t) {
  t["join"] = join_kernel;
  t["repeat"] = repeat_kernel;
  t["roll"] = roll_kernel;
  t["pad"] = pad_kernel;
  t["diff"] = diff_kernel;
}

}  // namespace hypatia::cpu::native
