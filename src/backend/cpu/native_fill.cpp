// Native kernels that fill new arrays: alloc (a broadcast copy of the value: one
// splat loop for a scalar, memcpy rows for a row).
#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"
#include "runtime/cast.hpp"

#include <cmath>

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

// The sizes in inputs first.. (int64 scalars); nothing when one is negative (the
// reference raises).
std::optional<Shape> sizes_from(std::span<const Array> in, std::size_t first) {
  Shape s;
  for (std::size_t i = first; i < in.size(); ++i) {
    if (in[i].dtype() != DType::int64 || in[i].ndim() != 0) return std::nullopt;
    s.push_back(in[i].item<std::int64_t>());
    if (s.back() < 0) return std::nullopt;
  }
  return s;
}

Result alloc_kernel(const Node&, std::span<const Array> in) {
  const std::optional<Shape> shape = sizes_from(in, 1);
  if (!shape) return std::nullopt;
  const Array& value = in[0];
  if (value.ndim() > static_cast<int>(shape->size())) return std::nullopt;
  for (int i = 0; i < value.ndim(); ++i) {
    const std::int64_t v = value.shape(i);
    if (v != 1 && v != (*shape)[shape->size() - static_cast<std::size_t>(value.ndim() - i)]) return std::nullopt;
  }
  Array out = Array::empty(value.dtype(), *shape);
  copy_same(value.broadcast_to(*shape), out);
  return std::vector<Array>{out};
}

// linspace: start + i * step in the inputs' float type C, each value formed as the
// reference forms it (i * step, then + start; stop itself at the end), converted
// once into the output dtype (floored for integers).
Result linspace_kernel(const Node& node, std::span<const Array> in) {
  const std::int64_t num = node.attrs().get_int("num");
  const bool endpoint = node.attrs().get_bool("endpoint");
  const std::int64_t div = endpoint ? num - 1 : num;
  if (num < 0 || in[0].dtype() != in[1].dtype() || !is_float(in[0].dtype())) return std::nullopt;
  Array out = Array::empty(node.output_types()[0].dtype, {num});
  visit_dtype(in[0].dtype(), [&]<class C>(std::type_identity<C>) {
    if constexpr (std::is_floating_point_v<C>) {
      const C start = in[0].item<C>(), stop = in[1].item<C>();
      const C delta = stop - start;
      const C step = div > 0 ? delta / static_cast<C>(div) : C(0);
      auto value = [&](std::int64_t i) -> C {
        C v = static_cast<C>(i);
        if (div > 0) {
          v = step == C(0) ? v / static_cast<C>(div) * delta : v * step;
        } else {
          v = v * delta;
        }
        v += start;
        return endpoint && num > 1 && i == num - 1 ? stop : v;
      };
      visit_dtype(out.dtype(), [&]<class T>(std::type_identity<T>) {
        T* p = reinterpret_cast<T*>(out.data());
        for (std::int64_t i = 0; i < num; ++i) {
          if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            p[i] = detail::convert<T>(std::floor(value(i)));
          } else {
            p[i] = detail::convert<T>(value(i));
          }
        }
      });
    }
  });
  return std::vector<Array>{out};
}

// one_hot: each row of n written once, zeros and the label's one together (no
// separate zero fill of the whole result); a label out of range declines.
Result one_hot_kernel(const Node& node, std::span<const Array> in) {
  const Array labels = in[0].contiguous();
  const std::int64_t n = in[1].item<std::int64_t>();
  if (n < 0) return std::nullopt;
  Shape shape = labels.shape();
  shape.push_back(n);
  Array out = Array::empty(node.output_types()[0].dtype, shape);
  bool ok = true, integral = false;
  visit_dtype(labels.dtype(), [&]<class L>(std::type_identity<L>) {
    if constexpr (std::is_integral_v<L> && !std::is_same_v<L, bool>) {
      integral = true;
      const L* lp = reinterpret_cast<const L*>(labels.data());
      visit_dtype(out.dtype(), [&]<class T>(std::type_identity<T>) {
        T* o = reinterpret_cast<T*>(out.data());
        for (std::int64_t r = 0; r < labels.size(); ++r, o += n) {
          const L label = lp[r];
          bool in_range = static_cast<std::uint64_t>(label) < static_cast<std::uint64_t>(n);
          if constexpr (std::is_signed_v<L>) in_range = in_range && label >= L(0);
          if (!in_range) {
            ok = false;
            return;
          }
          std::fill_n(o, n, T(0));
          o[static_cast<std::int64_t>(label)] = T(1);
        }
      });
    }
  });
  if (!ok || !integral) return std::nullopt;
  return std::vector<Array>{out};
}

}  // namespace

void add_fill_kernels(Table& t) {
  t["one_hot"] = one_hot_kernel;
  t["alloc"] = alloc_kernel;
  t["linspace"] = linspace_kernel;
}

}  // namespace hypatia::cpu::native
