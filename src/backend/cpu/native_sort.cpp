// Native kernels of sorting and searching: sort, argsort, topk, argtopk, searchsorted.
//
// Each line along the axis is copied into a contiguous buffer first. The order is the
// reference's (NumPy's): NaN after every number, stable. Values sort with
// std::stable_sort (so -0.0 and 0.0 keep their order); indices sort as (value, index)
// pairs with the index breaking ties, a total order, so std::sort and
// std::partial_sort (topk) give exactly the stable order.
#include <algorithm>
#include <cmath>

#include "backend/cpu/native_kernels.hpp"
#include "graph/op.hpp"

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

template <class T>
bool nan_last_less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a < b || (std::isnan(b) && !std::isnan(a));
  } else {
    return a < b;
  }
}

// The first `count` of each line of x along `axis`, ascending or descending (NaN
// first), as values or int64 indices, in a C-contiguous result.
Array ordered(const Array& xin, std::size_t axis, std::int64_t count, bool descending, bool indices) {
  const Array x = xin.contiguous();
  Shape shape = x.shape();
  const std::int64_t n = shape[axis];
  shape[axis] = count;
  Array out = Array::empty(indices ? DType::int64 : x.dtype(), shape);
  if (out.size() == 0) return out;
  std::int64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (std::size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  visit_dtype(x.dtype(), [&]<class T>(std::type_identity<T>) {
    const T* src = reinterpret_cast<const T*>(x.data());
    std::vector<T> line(static_cast<std::size_t>(n));
    std::vector<std::pair<T, std::int64_t>> pairs(static_cast<std::size_t>(n));
    auto pair_less = [descending](const std::pair<T, std::int64_t>& a, const std::pair<T, std::int64_t>& b) {
      const bool before = descending ? nan_last_less(b.first, a.first) : nan_last_less(a.first, b.first);
      if (before) return true;
      const bool after = descending ? nan_last_less(a.first, b.first) : nan_last_less(b.first, a.first);
      return !after && a.second < b.second;
    };
    for (std::int64_t o = 0; o < outer; ++o) {
      for (std::int64_t k = 0; k < inner; ++k) {
        const T* s = src + o * n * inner + k;
        const std::int64_t at = o * count * inner + k;  // the line's first output element
        if (!indices && !descending && count == n) {
          for (std::int64_t i = 0; i < n; ++i) line[static_cast<std::size_t>(i)] = s[i * inner];
          if constexpr (std::is_floating_point_v<T>) {
            // NaNs last in their order, then the numbers sorted stably. Equal numbers
            // have equal bits but for 0.0 and -0.0: without both, any sort is stable.
            const auto numbers = std::stable_partition(line.begin(), line.end(), [](T v) { return !std::isnan(v); });
            bool pos_zero = false, neg_zero = false;
            for (auto it = line.begin(); it != numbers; ++it) {
              pos_zero = pos_zero || (*it == T(0) && !std::signbit(*it));
              neg_zero = neg_zero || (*it == T(0) && std::signbit(*it));
            }
            if (pos_zero && neg_zero) {
              std::stable_sort(line.begin(), numbers);
            } else {
              std::sort(line.begin(), numbers);
            }
          } else {
            std::sort(line.begin(), line.end());
          }
          T* d = reinterpret_cast<T*>(out.data()) + at;
          for (std::int64_t i = 0; i < n; ++i) d[i * inner] = line[static_cast<std::size_t>(i)];
          continue;
        }
        for (std::int64_t i = 0; i < n; ++i) pairs[static_cast<std::size_t>(i)] = {s[i * inner], i};
        if (count == n) {
          std::sort(pairs.begin(), pairs.end(), pair_less);
        } else {
          std::partial_sort(pairs.begin(), pairs.begin() + count, pairs.end(), pair_less);
        }
        if (indices) {
          auto* d = reinterpret_cast<std::int64_t*>(out.data()) + at;
          for (std::int64_t i = 0; i < count; ++i) d[i * inner] = pairs[static_cast<std::size_t>(i)].second;
        } else {
          T* d = reinterpret_cast<T*>(out.data()) + at;
          for (std::int64_t i = 0; i < count; ++i) d[i * inner] = pairs[static_cast<std::size_t>(i)].first;
        }
      }
    }
  });
  return out;
}

template <bool indices>
Result sort_kernel(const Node& node, std::span<const Array> in) {
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  return std::vector<Array>{ordered(in[0], axis, in[0].shape()[axis], false, indices)};
}

template <bool indices>
Result topk_kernel(const Node& node, std::span<const Array> in) {
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const std::int64_t k = node.attrs().get_int("k");
  const std::int64_t count = k < 0 ? -k : k;
  if (count > in[0].shape()[axis]) return std::nullopt;  // the reference raises
  return std::vector<Array>{ordered(in[0], axis, count, k > 0, indices)};
}

// lower_bound (left) or upper_bound (right) of each element of v in a, compared in
// the promoted dtype with NaN last.
Result searchsorted_kernel(const Node& node, std::span<const Array> in) {
  const bool right = node.attrs().get<std::string>("side") == "right";
  const DType common = promote_types(in[0].dtype(), in[1].dtype());
  const Array a = in[0].astype(common), v = in[1].astype(common);
  Array out = Array::empty(DType::int64, v.shape());
  auto* o = reinterpret_cast<std::int64_t*>(out.data());
  visit_dtype(common, [&]<class T>(std::type_identity<T>) {
    const T* first = reinterpret_cast<const T*>(a.data());
    const T* last = first + a.size();
    const T* values = reinterpret_cast<const T*>(v.data());
    const std::int64_t m = v.size();
    for (std::int64_t i = 0; i < m; ++i) {
      const T* at = right ? std::upper_bound(first, last, values[i], nan_last_less<T>)
                          : std::lower_bound(first, last, values[i], nan_last_less<T>);
      o[i] = at - first;
    }
  });
  return std::vector<Array>{out};
}

}  // namespace

void add_sort_kernels(Table& t) {
  t["sort"] = sort_kernel<false>;
  t["argsort"] = sort_kernel<true>;
  t["topk"] = topk_kernel<false>;
  t["argtopk"] = topk_kernel<true>;
  t["searchsorted"] = searchsorted_kernel;
}

}  // namespace hypatia::cpu::native
