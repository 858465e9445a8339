// Native kernel of softmax_cross_entropy: -log_softmax(logits)[..., target] per row,
// read in place (any strides, any logits dtype) instead of the reference's float64
// copy of the whole array and a copy of every row. Each row runs the reference's own
// formula in double, in its order, so the values are the reference's bit for bit:
// m = max (NaN if any), then (m - target) + log1p(sum of exp(x - m) over the others)
// for a finite m, log(sum(exp(x))) - target otherwise. A target outside [0, k) or
// targets of the wrong shape: the kernel declines, and the reference kernel raises its
// IndexError / ShapeError (with the op, the operands and the user's line). Rows are
// split among threads above kParallelWork (native_util.hpp): each row is computed
// alone, so the values do not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"
#include "ops/kernel_util.hpp"

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

// The targets in C order as int64, or nothing when one is outside [0, k) (checked in
// its own type, so a huge uint64 does not wrap into range).
std::optional<std::vector<std::int64_t>> checked_targets(const Array& targets, std::int64_t k) {
  std::vector<std::int64_t> t;
  t.reserve(static_cast<std::size_t>(targets.size()));
  bool ok = true;
  visit_dtype(targets.dtype(), [&]<class T>(std::type_identity<T>) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      detail::for_each_element(targets, [&](const std::byte* p) {
        T v;
        std::memcpy(&v, p, sizeof(T));
        bool in_range = false;
        if constexpr (std::is_signed_v<T>) {
          in_range = v >= 0 && static_cast<std::int64_t>(v) < k;
        } else {
          in_range = static_cast<std::uint64_t>(v) < static_cast<std::uint64_t>(k);
        }
        ok = ok && in_range;
        t.push_back(in_range ? static_cast<std::int64_t>(v) : 0);
      });
    } else {
      ok = false;
    }
  });
  if (!ok) return std::nullopt;
  return t;
}

// One row of k logits at `row` (byte step `step`), as the reference computes it.
template <class T>
double row_cross_entropy(const std::byte* row, std::int64_t step, std::int64_t k, std::int64_t target) {
  const auto at = [&](std::int64_t j) {
    T v;
    std::memcpy(&v, row + j * step, sizeof(T));
    return static_cast<double>(v);
  };
  double m = -std::numeric_limits<double>::infinity();
  for (std::int64_t j = 0; j < k; ++j) {
    const double x = at(j);
    if (std::isnan(x)) {
      m = x;
      break;
    }
    m = std::max(m, x);
  }
  const double picked = at(target);
  if (std::isnan(m)) return m - picked;
  if (!std::isfinite(m)) {
    double s = 0;
    for (std::int64_t j = 0; j < k; ++j) s += std::exp(at(j));
    return std::log(s) - picked;
  }
  // The max's own term is exactly 1: the others go through log1p.
  double others = 0;
  bool skipped = false;
  for (std::int64_t j = 0; j < k; ++j) {
    const double x = at(j);
    if (!skipped && x == m) {
      skipped = true;
    } else {
      others += std::exp(x - m);
    }
  }
  return (m - picked) + std::log1p(others);
}

Result xent_kernel(const Node& node, std::span<const Array> in) {
  const Array& logits = in[0];
  const Array& targets = in[1];
  const int nd = logits.ndim();
  if (nd == 0) return std::nullopt;
  const Shape rows_shape(logits.shape().begin(), logits.shape().end() - 1);
  if (targets.shape() != rows_shape) return std::nullopt;
  const std::int64_t k = logits.shape().back();
  const std::int64_t step = logits.strides().back();
  const std::optional<std::vector<std::int64_t>> t = checked_targets(targets, k);
  if (!t) return std::nullopt;
  const DType out_dtype = node.output_types()[0].dtype;
  if (!is_float(out_dtype)) return std::nullopt;
  Array out = Array::empty(out_dtype, rows_shape);
  if (t->empty()) return std::vector<Array>{out};
  visit_dtype(logits.dtype(), [&]<class T>(std::type_identity<T>) {
    visit_dtype(out_dtype, [&]<class O>(std::type_identity<O>) {
      if constexpr (std::is_floating_point_v<O>) {
        O* dst = reinterpret_cast<O*>(out.data());
        const auto lead = static_cast<std::size_t>(nd - 1);
        const auto rows = static_cast<std::int64_t>(t->size());
        // Rows [r0, r1) in C order over the leading axes (an odometer over their
        // strides, started at r0's index).
        const auto part = [&](std::int64_t r0, std::int64_t r1) {
          std::vector<std::int64_t> index(lead, 0);
          const std::byte* row = logits.data();
          for (std::size_t d = lead, rest = static_cast<std::size_t>(r0); d-- > 0;) {
            const auto size = static_cast<std::size_t>(logits.shape()[d]);
            index[d] = static_cast<std::int64_t>(rest % size);
            rest /= size;
            row += index[d] * logits.strides()[d];
          }
          for (std::int64_t r = r0; r < r1; ++r) {
            dst[r] = static_cast<O>(row_cross_entropy<T>(row, step, k, (*t)[static_cast<std::size_t>(r)]));
            for (std::size_t d = lead; d-- > 0;) {
              row += logits.strides()[d];
              if (++index[d] < logits.shape()[d]) break;
              row -= logits.strides()[d] * logits.shape()[d];
              index[d] = 0;
            }
          }
        };
        // Per logit: two loads, a compare, a scalar double exp (some 30), an add.
        constexpr std::int64_t cost = 40;
        split_parts(rows, team_for(rows, rows * k * cost), part);
      }
    });
  });
  return std::vector<Array>{out};
}

}  // namespace

void add_xent_kernels(Table& t) { t["softmax_cross_entropy"] = xent_kernel; }

}  // namespace hypatia::cpu::native
