// Native kernels of tensordot and outer: both operands are laid out C-contiguous as
// matrices, a (M x K: free axes, then the contracted ones) and b (K x N), and each
// output row accumulates a[i, k] * b[k, :] for k in order, a loop the compiler
// vectorizes. Every output element thus sums the same products in the same order,
// from zero, as the reference loop does: the same values. (Matrix products of floats
// that want BLAS speed are library calls, tensordot's included; the executor falls
// back to these kernels for the dtypes the library does not take, such as bool.)
#include <algorithm>

#include "backend/cpu/native_kernels.hpp"
#include "graph/op.hpp"

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

template <class T>
struct Acc {
  using type = T;
};
template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct Acc<T> {
  using type = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;
};

// out (M x N) = a (M x K) b (K x N), all C-contiguous of dtype T.
template <class T>
void product(const T* a, const T* b, T* out, std::int64_t m, std::int64_t k, std::int64_t n) {
  using A = typename Acc<T>::type;
  std::vector<A> row(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < m; ++i) {
    std::fill(row.begin(), row.end(), A{});
    for (std::int64_t c = 0; c < k; ++c) {
      const T x = a[i * k + c];
      const T* bc = b + c * n;
      for (std::int64_t j = 0; j < n; ++j) {
        if constexpr (std::is_same_v<T, bool>) {
          row[static_cast<std::size_t>(j)] = row[static_cast<std::size_t>(j)] || (x && bc[j]);
        } else if constexpr (std::is_integral_v<T>) {
          row[static_cast<std::size_t>(j)] =
              static_cast<A>(row[static_cast<std::size_t>(j)] + static_cast<A>(static_cast<A>(x) * static_cast<A>(bc[j])));
        } else {
          row[static_cast<std::size_t>(j)] += x * bc[j];
        }
      }
    }
    for (std::int64_t j = 0; j < n; ++j) out[i * n + j] = static_cast<T>(row[static_cast<std::size_t>(j)]);
  }
}

// The axes normalized, or nothing when one is out of range or repeated.
std::optional<std::vector<int>> axes_of(const std::vector<std::int64_t>& axes, int nd) {
  std::vector<int> out;
  for (std::int64_t ax : axes) {
    const std::int64_t n = ax < 0 ? ax + nd : ax;
    if (n < 0 || n >= nd) return std::nullopt;
    if (std::find(out.begin(), out.end(), static_cast<int>(n)) != out.end()) return std::nullopt;
    out.push_back(static_cast<int>(n));
  }
  return out;
}

// a's free axes then `summed` (or `summed` then the free axes), as a contiguous matrix.
Array as_matrix(const Array& x, const std::vector<int>& summed, bool summed_first, std::vector<std::int64_t>& free_sizes) {
  std::vector<int> perm, free;
  for (int i = 0; i < x.ndim(); ++i) {
    if (std::find(summed.begin(), summed.end(), i) == summed.end()) free.push_back(i);
  }
  std::int64_t nf = 1, ns = 1;
  for (int i : free) {
    free_sizes.push_back(x.shape(i));
    nf *= x.shape(i);
  }
  for (int i : summed) ns *= x.shape(i);
  if (summed_first) {
    perm = summed;
    perm.insert(perm.end(), free.begin(), free.end());
  } else {
    perm = free;
    perm.insert(perm.end(), summed.begin(), summed.end());
  }
  return x.transpose(perm).contiguous().reshape(summed_first ? Shape{ns, nf} : Shape{nf, ns});
}

Array contract(const Array& a0, const Array& b0, const std::vector<int>& sa, const std::vector<int>& sb, DType t) {
  const Array a = a0.dtype() == t ? a0 : a0.astype(t);
  const Array b = b0.dtype() == t ? b0 : b0.astype(t);
  Shape out_shape;
  const Array am = as_matrix(a, sa, false, out_shape);
  const Array bm = as_matrix(b, sb, true, out_shape);
  Array out = Array::empty(t, out_shape);
  const std::int64_t m = am.shape()[0], k = am.shape()[1], n = bm.shape()[1];
  if (out.size() == 0) return out;
  visit_dtype(t, [&]<class T>(std::type_identity<T>) {
    product<T>(reinterpret_cast<const T*>(am.data()), reinterpret_cast<const T*>(bm.data()),
               reinterpret_cast<T*>(out.data()), m, k, n);
  });
  return out;
}

Result tensordot_kernel(const Node& node, std::span<const Array> in) {
  const Array& a = in[0];
  const Array& b = in[1];
  const std::vector<std::int64_t>& aa = node.attrs().get_ints("a_axes");
  const std::vector<std::int64_t>& ba = node.attrs().get_ints("b_axes");
  if (aa.size() != ba.size()) return std::nullopt;
  const auto sa = axes_of(aa, a.ndim()), sb = axes_of(ba, b.ndim());
  if (!sa || !sb) return std::nullopt;
  for (std::size_t k = 0; k < sa->size(); ++k) {
    if (a.shape((*sa)[k]) != b.shape((*sb)[k])) return std::nullopt;
  }
  return std::vector<Array>{contract(a, b, *sa, *sb, node.output_types()[0].dtype)};
}

Result outer_kernel(const Node& node, std::span<const Array> in) {
  const Array out = contract(in[0], in[1], {}, {}, node.output_types()[0].dtype);
  return std::vector<Array>{out.reshape({in[0].size(), in[1].size()})};
}

}  // namespace

void add_product_kernels(Table& t) {
  t["tensordot"] = tensordot_kernel;
  t["outer"] = outer_kernel;
}

}  // namespace hypatia::cpu::native
