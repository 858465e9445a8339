// Native kernels of the scans: cumsum and cumprod along an axis. The input is read
// C-contiguous, as (outer, n, inner) blocks: each output row along the axis is the
// previous one combined with the next input row, a loop the compiler vectorizes when
// the axis is not the last.
#include "backend/cpu/native_kernels.hpp"
#include "graph/op.hpp"

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

DType result_dtype(DType in) {
  return is_float(in) ? in : (is_unsigned_integer(in) ? DType::uint64 : DType::int64);
}

// As the reference kernel: integers accumulate in uint64 (wrapping), floats in their
// own type, starting from the first element (so -0.0 stays -0.0).
template <bool product>
Result scan_kernel(const Node& node, std::span<const Array> in) {
  const Array x = in[0].contiguous();
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const bool reverse = node.attrs().has("reverse") && node.attrs().get_bool("reverse");
  Array out = Array::empty(result_dtype(x.dtype()), x.shape());
  if (out.size() == 0) return std::vector<Array>{out};
  const std::int64_t n = x.shape()[axis];
  std::int64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= x.shape()[d];
  for (std::size_t d = axis + 1; d < x.shape().size(); ++d) inner *= x.shape()[d];
  visit_dtype(x.dtype(), [&]<class T>(std::type_identity<T>) {
    using Acc = std::conditional_t<std::is_floating_point_v<T>, T, std::uint64_t>;
    using Out = std::conditional_t<std::is_floating_point_v<T>, T,
                                   std::conditional_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>,
                                                      std::uint64_t, std::int64_t>>;
    const T* src = reinterpret_cast<const T*>(x.data());
    Out* dst = reinterpret_cast<Out*>(out.data());
    const std::int64_t step = reverse ? -inner : inner;
    for (std::int64_t o = 0; o < outer; ++o) {
      const std::int64_t first = o * n * inner + (reverse ? (n - 1) * inner : 0);
      const T* s = src + first;
      Out* d = dst + first;
      for (std::int64_t k = 0; k < inner; ++k) d[k] = static_cast<Out>(static_cast<Acc>(s[k]));
      for (std::int64_t j = 1; j < n; ++j) {
        const Out* prev = d;
        s += step;
        d += step;
        if (inner == 1) {
          // A running value in a register: no reload of the previous output.
          Acc acc = static_cast<Acc>(*prev);
          for (; j < n; ++j, s += step, d += step) {
            if constexpr (product) {
              acc = static_cast<Acc>(acc * static_cast<Acc>(*s));
            } else {
              acc = static_cast<Acc>(acc + static_cast<Acc>(*s));
            }
            *d = static_cast<Out>(acc);
          }
          break;
        }
        for (std::int64_t k = 0; k < inner; ++k) {
          const Acc a = static_cast<Acc>(prev[k]), v = static_cast<Acc>(s[k]);
          if constexpr (product) {
            d[k] = static_cast<Out>(static_cast<Acc>(a * v));
          } else {
            d[k] = static_cast<Out>(static_cast<Acc>(a + v));
          }
        }
      }
    }
  });
  return std::vector<Array>{out};
}

}  // namespace

void add_scan_kernels(Table& t) {
  t["cumsum"] = scan_kernel<false>;
  t["cumprod"] = scan_kernel<true>;
}

}  // namespace hypatia::cpu::native
