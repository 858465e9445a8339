// Native kernels of the gradient ops that sum elements back: sum_to, repeat_grad,
// pad_grad (scatter-adds along per-axis maps, the adjoints of repeat and pad) and
// diff_grad. Every output element receives its terms in the order the reference
// adds them (C order over the gradient), so the sums are the same.
#include <algorithm>

#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"
#include "ops/kernel_util.hpp"
#include "ops/native_hooks.hpp"

namespace hypatia::cpu::native {
namespace {

using detail::AxisMap;
using Result = std::optional<std::vector<Array>>;

// sum_to: g summed (in double, C order) down to the target shape (inputs 1..).
Result sum_to_kernel(const Node&, std::span<const Array> in) {
  if (in[0].dtype() != DType::float32 && in[0].dtype() != DType::float64) return std::nullopt;
  Shape target;
  for (std::size_t i = 1; i < in.size(); ++i) target.push_back(in[i].item<std::int64_t>());
  // Nothing to sum (the gradient of an add whose operands turned out the same shape, as
  // every bias-free term of a backward pass): g itself, a view (the op declares it; the
  // executor and Function copy or refuse in-place writes where a view is shared).
  if (target == in[0].shape()) return std::vector<Array>{in[0]};
  const Array g = in[0].contiguous();
  const int gd = g.ndim(), nd = static_cast<int>(target.size());
  if (nd > gd) return std::nullopt;
  for (int k = 0; k < nd; ++k) {
    const std::int64_t t = target[static_cast<std::size_t>(k)];
    if (t != 1 && t != g.shape()[static_cast<std::size_t>(gd - nd + k)]) return std::nullopt;
  }
  std::vector<std::int64_t> out_stride(static_cast<std::size_t>(gd), 0);  // elements; 0 where summed
  std::int64_t step = 1;
  for (int k = nd - 1; k >= 0; --k) {
    const std::int64_t t = target[static_cast<std::size_t>(k)];
    if (t != 1) out_stride[static_cast<std::size_t>(gd - nd + k)] = step;
    step *= t;
  }
  std::vector<double> acc(static_cast<std::size_t>(shape_size(target)), 0.0);
  Array out = Array::empty(g.dtype(), target);
  visit_dtype(g.dtype(), [&]<class T>(std::type_identity<T>) {
    if constexpr (std::is_floating_point_v<T>) {
      const T* p = reinterpret_cast<const T*>(g.data());
      if (g.size() > 0) {
        const std::int64_t inner = gd > 0 ? g.shape()[static_cast<std::size_t>(gd - 1)] : 1;
        const std::int64_t is = gd > 0 ? out_stride[static_cast<std::size_t>(gd - 1)] : 0;
        const std::int64_t rows = g.size() / inner;
        std::vector<std::int64_t> index(static_cast<std::size_t>(std::max(gd - 1, 0)), 0);
        std::int64_t o = 0;
        for (std::int64_t r = 0; r < rows; ++r, p += inner) {
          double* a = acc.data() + o;
          if (is == 0) {
            double s = *a;
            for (std::int64_t j = 0; j < inner; ++j) s += static_cast<double>(p[j]);
            *a = s;
          } else {
            for (std::int64_t j = 0; j < inner; ++j) a[j] += static_cast<double>(p[j]);
          }
          for (int d = gd - 2; d >= 0; --d) {
            const auto du = static_cast<std::size_t>(d);
            o += out_stride[du];
            if (++index[du] < g.shape()[du]) break;
            o -= out_stride[du] * g.shape()[du];
            index[du] = 0;
          }
        }
      }
      T* q = reinterpret_cast<T*>(out.data());
      for (std::size_t i = 0; i < acc.size(); ++i) q[i] = static_cast<T>(acc[i]);
    }
  });
  return std::vector<Array>{out};
}

// out (zeros of out_shape) += g along maps (out index per g index, -1: dropped; an
// empty map is the identity): detail::scatter_add_axes, row by row.
Array scatter_add_axes(const Array& g0, const std::vector<AxisMap>& maps, const Shape& out_shape) {
  Array out = Array::zeros(g0.dtype(), out_shape);
  const Array g = g0.contiguous();
  if (g.size() == 0) return out;
  const std::size_t nd = g.shape().size();
  if (nd == 0) {
    visit_dtype(g.dtype(), [&]<class T>(std::type_identity<T>) {
      T* o = reinterpret_cast<T*>(out.data());
      *o = detail::wrapping_add(T{}, *reinterpret_cast<const T*>(g.data()));
    });
    return out;
  }
  std::vector<std::vector<std::int64_t>> tables(nd);
  for (std::size_t d = 0; d < nd; ++d) {
    for (std::int64_t i = 0; i < g.shape()[d]; ++i) {
      const std::int64_t to = maps[d].empty() ? i : maps[d][static_cast<std::size_t>(i)];
      tables[d].push_back(to < 0 ? -1 : to * out.strides()[d]);
    }
  }
  const std::int64_t inner = g.shape()[nd - 1];
  const std::int64_t rows = g.size() / inner;
  const std::vector<std::int64_t>& last = tables[nd - 1];
  std::vector<std::int64_t> index(nd - 1, 0);
  visit_dtype(g.dtype(), [&]<class T>(std::type_identity<T>) {
    const T* src = reinterpret_cast<const T*>(g.data());
    for (std::int64_t r = 0; r < rows; ++r, src += inner) {
      std::int64_t off = 0;
      bool dropped = false;
      for (std::size_t d = 0; d + 1 < nd; ++d) {
        const std::int64_t t = tables[d][static_cast<std::size_t>(index[d])];
        dropped = dropped || t < 0;
        off += t;
      }
      if (!dropped) {
        std::byte* base = out.data() + off;
        for (std::int64_t j = 0; j < inner; ++j) {
          const std::int64_t t = last[static_cast<std::size_t>(j)];
          if (t < 0) continue;
          T& acc = *reinterpret_cast<T*>(base + t);
          acc = detail::wrapping_add(acc, src[j]);
        }
      }
      for (std::size_t d = nd - 1; d-- > 0;) {
        if (++index[d] < g.shape()[d]) break;
        index[d] = 0;
      }
    }
  });
  return out;
}

Result repeat_grad_kernel(const Node& node, std::span<const Array> in) {
  const Array& g = in[0];
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  Shape shape = g.shape();
  shape[axis] = in[2].item<std::int64_t>();
  if (shape[axis] < 0) return std::nullopt;
  const std::vector<std::int64_t> counts = detail::repeat_axis_counts(in[1], shape[axis]);
  std::vector<AxisMap> maps(g.shape().size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    maps[axis].insert(maps[axis].end(), static_cast<std::size_t>(counts[i]), static_cast<std::int64_t>(i));
  }
  if (static_cast<std::int64_t>(maps[axis].size()) != g.shape()[axis]) return std::nullopt;
  if (maps[axis].empty() && g.shape()[axis] == 0) {
    return std::vector<Array>{Array::zeros(g.dtype(), shape)};
  }
  return std::vector<Array>{scatter_add_axes(g, maps, shape)};
}

Result pad_grad_kernel(const Node& node, std::span<const Array> in) {
  const Array& g = in[0];
  const auto& widths = node.attrs().get_ints("widths");
  Shape shape = g.shape();
  for (std::size_t k = 0; k < shape.size(); ++k) {
    shape[k] -= widths[2 * k] + widths[2 * k + 1];
    if (shape[k] < 0) return std::nullopt;
  }
  return std::vector<Array>{scatter_add_axes(g, detail::pad_axis_maps(node.attrs(), shape), shape)};
}


// diff_grad(g, n): r[i] = g[i - 1] - g[i] along the axis, g zero outside [0, n - 1),
// each term as the reference forms it (0 - g[0], not -g[0]).
Result diff_grad_kernel(const Node& node, std::span<const Array> in) {
  const Array g = in[0].contiguous();
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  Shape shape = g.shape();
  shape[axis] = in[1].item<std::int64_t>();
  const std::int64_t m = g.shape()[axis], n = shape[axis];
  if (n < 0 || m != std::max<std::int64_t>(n - 1, 0)) return std::nullopt;
  Array out = Array::empty(g.dtype(), shape);
  if (out.size() == 0) return std::vector<Array>{out};
  std::int64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (std::size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  visit_dtype(g.dtype(), [&]<class T>(std::type_identity<T>) {
    const T* src = reinterpret_cast<const T*>(g.data());
    T* dst = reinterpret_cast<T*>(out.data());
    for (std::int64_t o = 0; o < outer; ++o) {
      const T* s = src + o * m * inner;
      T* d = dst + o * n * inner;
      for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t k = 0; k < inner; ++k) {
          const T later = i >= 1 ? s[(i - 1) * inner + k] : T{};
          const T same = i < m ? s[i * inner + k] : T{};
          d[i * inner + k] = detail::difference<T>(later, same);
        }
      }
    }
  });
  return std::vector<Array>{out};
}

}  // namespace

void add_grad_kernels(Table& t) {
  t["sum_to"] = sum_to_kernel;
  t["repeat_grad"] = repeat_grad_kernel;
  t["pad_grad"] = pad_grad_kernel;
  t["diff_grad"] = diff_grad_kernel;
}

}  // namespace hypatia::cpu::native
