// Row kernels: softmax, log_softmax (last axis) and logsumexp (trailing axes) of float32
// and float64 arrays, three sweeps over each row: its max (the one read from memory;
// a row of 4096 floats then sits in L1), the sum of exp(x - max) (softmax stores the
// exponentials on the way), and the write (softmax scales what it stored, log_softmax
// writes (x - max) - log(sum)). The decomposition into fused kernels (decompose_nnet)
// needs three passes over memory and a row vector between them; this is one read and
// one write.
//
// Numerics are the reference kernel's (src/ops/nnet.cpp), which works in double:
// - the sum of exponentials is accumulated in double, and logsumexp/log_softmax take
//   the max's own term (exactly 1) out of it and add log1p of the others, ties counted;
// - float32's x - max is rounded to float before SLEEF's expf (u10), so its rounding
//   error (TwoSum, exact) multiplies the result: exp(d + err) = exp(d) (1 + err);
// - a row whose max is not finite (a +inf, only -inf, a NaN) takes the reference's
//   own formula in scalar double code: softmax NaN throughout, log(sum(exp(x))).
// A NaN inside a row with a finite max reaches every result through the sum.
//
// The library is built for plain x86-64, so the vector code is compiled for AVX2 + FMA
// by function attributes and runs only where the CPU has both (cpuid) and
// libsleef.so.3 has its AVX2 exp (dlopen, as the compiled modules link it). Elsewhere
// the decompose phase keeps decomposing these ops.
#include "backend/cpu/native_rows.hpp"

#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>
#include <thread>

#include "backend/cpu/native_kernels.hpp"
#include "graph/op.hpp"
#include "ops/op_util.hpp"

#define HP_AVX2 __attribute__((target("avx2,fma")))

namespace hypatia::cpu {
namespace {

using i64 = std::int64_t;
using ExpF = __m256 (*)(__m256);
using ExpD = __m256d (*)(__m256d);

struct SleefExp {
  ExpF f = nullptr;
  ExpD d = nullptr;
};

// Kept open for the process's life: a compiled module links the same library.
const SleefExp& sleef_exp() {
  static const SleefExp s = [] {
    SleefExp r;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return r;
    void* handle = ::dlopen("libsleef.so.3", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return r;
    void* f = ::dlsym(handle, "Sleef_expf8_u10avx2");
    void* d = ::dlsym(handle, "Sleef_expd4_u10avx2");
    if (f == nullptr || d == nullptr) return r;
    r.f = reinterpret_cast<ExpF>(f);
    r.d = reinterpret_cast<ExpD>(d);
    return r;
  }();
  return s;
}

// ---- AVX2 vectors of T: 8 floats or 4 doubles.

template <class T>
struct Avx;

template <>
struct Avx<float> {
  using V = __m256;
  using Exp = ExpF;
  static constexpr int w = 8;
  HP_AVX2 static V load(const float* p) { return _mm256_loadu_ps(p); }
  HP_AVX2 static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  HP_AVX2 static V splat(float v) { return _mm256_set1_ps(v); }
  HP_AVX2 static V max(V a, V b) { return _mm256_max_ps(a, b); }
  HP_AVX2 static V eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  HP_AVX2 static V andnot(V mask, V v) { return _mm256_andnot_ps(mask, v); }
  HP_AVX2 static int count(V mask) { return __builtin_popcount(static_cast<unsigned>(_mm256_movemask_ps(mask))); }
  // The lanes in double, as two halves.
  HP_AVX2 static __m256d lo(V v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  HP_AVX2 static __m256d hi(V v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
  // exp(x - m) for nm = -m: x + nm is rounded to float; its rounding error (TwoSum,
  // exact; dropped where it is not finite or the difference is) scales the result.
  HP_AVX2 static V shifted_exp(V x, V nm, Exp f) {
    const V d = _mm256_add_ps(x, nm);
    const V bb = _mm256_sub_ps(d, x);
    V err = _mm256_add_ps(_mm256_sub_ps(x, _mm256_sub_ps(d, bb)), _mm256_sub_ps(nm, bb));
    const V abs_err = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), err);
    err = _mm256_and_ps(err, _mm256_cmp_ps(abs_err, _mm256_set1_ps(1.0f), _CMP_LT_OQ));
    const V e = f(d);
    return _mm256_fmadd_ps(e, err, e);
  }
  // (x - m) - l, in double, rounded once.
  HP_AVX2 static V minus(V x, double m, double l) {
    const __m256d md = _mm256_set1_pd(m), ld = _mm256_set1_pd(l);
    const __m128 a = _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_sub_pd(lo(x), md), ld));
    const __m128 b = _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_sub_pd(hi(x), md), ld));
    return _mm256_set_m128(b, a);
  }
  HP_AVX2 static V scale(V e, double s) { return _mm256_mul_ps(e, _mm256_set1_ps(static_cast<float>(1.0 / s))); }
};

template <>
struct Avx<double> {
  using V = __m256d;
  using Exp = ExpD;
  static constexpr int w = 4;
  HP_AVX2 static V load(const double* p) { return _mm256_loadu_pd(p); }
  HP_AVX2 static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  HP_AVX2 static V splat(double v) { return _mm256_set1_pd(v); }
  HP_AVX2 static V max(V a, V b) { return _mm256_max_pd(a, b); }
  HP_AVX2 static V eq(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  HP_AVX2 static V andnot(V mask, V v) { return _mm256_andnot_pd(mask, v); }
  HP_AVX2 static int count(V mask) { return __builtin_popcount(static_cast<unsigned>(_mm256_movemask_pd(mask))); }
  HP_AVX2 static __m256d lo(V v) { return v; }
  HP_AVX2 static __m256d hi(V) { return _mm256_setzero_pd(); }
  // x - m is the reference's own double difference.
  HP_AVX2 static V shifted_exp(V x, V nm, Exp f) { return f(_mm256_add_pd(x, nm)); }
  HP_AVX2 static V minus(V x, double m, double l) {
    return _mm256_sub_pd(_mm256_sub_pd(x, _mm256_set1_pd(m)), _mm256_set1_pd(l));
  }
  HP_AVX2 static V scale(V e, double s) { return _mm256_div_pd(e, _mm256_set1_pd(s)); }
};

// The row's last n % w elements padded with -inf (exp gives 0, never the max, never
// equal to a finite max), so tails run the vector code too.
template <class T>
struct Tail {
  alignas(32) T v[Avx<T>::w];
  int k = 0;  // elements in use
  Tail(const T* x, i64 n) {
    k = static_cast<int>(n % Avx<T>::w);
    const T* start = x + (n - k);
    for (int i = 0; i < Avx<T>::w; ++i) v[i] = i < k ? start[i] : -std::numeric_limits<T>::infinity();
  }
};

template <class T>
HP_AVX2 T row_max(const T* x, i64 n) {
  using A = Avx<T>;
  using V = typename A::V;
  const V neg_inf = A::splat(-std::numeric_limits<T>::infinity());
  V m0 = neg_inf, m1 = neg_inf;
  i64 j = 0;
  for (; j + 2 * A::w <= n; j += 2 * A::w) {
    m0 = A::max(m0, A::load(x + j));
    m1 = A::max(m1, A::load(x + j + A::w));
  }
  for (; j + A::w <= n; j += A::w) m0 = A::max(m0, A::load(x + j));
  const Tail<T> t(x, n);
  m0 = A::max(A::max(m0, m1), A::load(t.v));
  alignas(32) T lanes[A::w];
  A::store(lanes, m0);
  T m = lanes[0];
  for (int i = 1; i < A::w; ++i) m = std::max(m, lanes[i]);
  return m;
}

// Sum of the lanes of a and b (double), in a fixed order.
HP_AVX2 inline double hsum(__m256d a, __m256d b) {
  alignas(32) double l[4];
  _mm256_store_pd(l, _mm256_add_pd(a, b));
  return (l[0] + l[1]) + (l[2] + l[3]);
}

// Stores exp(x - m) in y and returns its sum (m finite).
template <class T>
HP_AVX2 double exp_store(const T* x, T* y, i64 n, T m, typename Avx<T>::Exp f) {
  using A = Avx<T>;
  using V = typename A::V;
  const V nm = A::splat(-m);
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  i64 j = 0;
  for (; j + A::w <= n; j += A::w) {
    const V e = A::shifted_exp(A::load(x + j), nm, f);
    A::store(y + j, e);
    s0 = _mm256_add_pd(s0, A::lo(e));
    s1 = _mm256_add_pd(s1, A::hi(e));
  }
  Tail<T> t(x, n);
  if (t.k > 0) {
    const V e = A::shifted_exp(A::load(t.v), nm, f);
    s0 = _mm256_add_pd(s0, A::lo(e));
    s1 = _mm256_add_pd(s1, A::hi(e));
    A::store(t.v, e);
    std::copy(t.v, t.v + t.k, y + j);
  }
  return hsum(s0, s1);
}

// log(sum(exp(x - m))) as the reference's log_sum_shifted (m finite): the terms where
// x != m, plus 1 for each further tie, through log1p.
template <class T>
HP_AVX2 double log_sum_shifted(const T* x, i64 n, T m, typename Avx<T>::Exp f) {
  using A = Avx<T>;
  using V = typename A::V;
  const V nm = A::splat(-m), mv = A::splat(m);
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  i64 ties = 0;
  i64 j = 0;
  const Tail<T> t(x, n);
  for (;; j += A::w) {
    V v;
    if (j + A::w <= n) {
      v = A::load(x + j);
    } else if (t.k > 0 && j < n) {
      v = A::load(t.v);
    } else {
      break;
    }
    const V tie = A::eq(v, mv);
    const V e = A::andnot(tie, A::shifted_exp(v, nm, f));
    ties += A::count(tie);
    s0 = _mm256_add_pd(s0, A::lo(e));
    s1 = _mm256_add_pd(s1, A::hi(e));
  }
  return std::log1p(hsum(s0, s1) + static_cast<double>(ties - 1));
}

// log(sum(exp(x))) in double: the reference's formula for a max that is not finite.
template <class T>
double log_sum_plain(const T* x, i64 n) {
  double s = 0;
  for (i64 j = 0; j < n; ++j) s += std::exp(static_cast<double>(x[j]));
  return std::log(s);
}

enum class RowOp { softmax, log_softmax, logsumexp };

// Rows [r0, r1) of n elements: y gets n per row (softmax, log_softmax) or one.
template <class T>
HP_AVX2 void run_rows(RowOp op, const T* x, T* y, i64 n, i64 r0, i64 r1, typename Avx<T>::Exp f) {
  using A = Avx<T>;
  constexpr T nan = std::numeric_limits<T>::quiet_NaN();
  for (i64 r = r0; r < r1; ++r) {
    const T* xr = x + r * n;
    const T m = n > 0 ? row_max(xr, n) : -std::numeric_limits<T>::infinity();
    const bool finite = std::isfinite(m);
    if (op == RowOp::logsumexp) {
      y[r] = static_cast<T>(finite ? static_cast<double>(m) + log_sum_shifted(xr, n, m, f) : log_sum_plain(xr, n));
      continue;
    }
    T* yr = y + r * n;
    if (op == RowOp::softmax) {
      if (!finite) {
        std::fill(yr, yr + n, nan);
        continue;
      }
      const double s = exp_store(xr, yr, n, m, f);
      i64 j = 0;
      for (; j + A::w <= n; j += A::w) A::store(yr + j, A::scale(A::load(yr + j), s));
      for (; j < n; ++j) yr[j] = static_cast<T>(static_cast<double>(yr[j]) / s);
      continue;
    }
    if (!finite) {
      const double l = log_sum_plain(xr, n);
      for (i64 j = 0; j < n; ++j) yr[j] = static_cast<T>(static_cast<double>(xr[j]) - l);
      continue;
    }
    const double l = log_sum_shifted(xr, n, m, f);
    i64 j = 0;
    for (; j + A::w <= n; j += A::w) A::store(yr + j, A::minus(A::load(xr + j), static_cast<double>(m), l));
    for (; j < n; ++j) yr[j] = static_cast<T>((static_cast<double>(xr[j]) - static_cast<double>(m)) - l);
  }
}

// Threads as the compiled modules size their teams: OMP_NUM_THREADS, else one per
// processor (PyTorch's import lowers omp_get_max_threads() to 1 for the process).
int team_size() {
  static const int t = [] {
    if (const char* v = std::getenv("OMP_NUM_THREADS"); v && std::atoi(v) > 0) return std::atoi(v);
    return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  }();
  return t;
}

// Below this many elements one thread: starting another costs some 20 us, the time of
// about 50,000 elements.
constexpr i64 kParallelElements = i64{1} << 17;

template <class T>
void over_rows(RowOp op, const T* x, T* y, i64 rows, i64 n, typename Avx<T>::Exp f) {
  // At least half the threshold's elements for each thread.
  const i64 elements = rows * std::max<i64>(n, 1);
  const i64 team = std::min<i64>({team_size(), rows, std::max<i64>(1, elements / (kParallelElements / 2))});
  if (team <= 1) {
    run_rows<T>(op, x, y, n, 0, rows, f);
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(team - 1));
  auto begin = [&](i64 t) { return rows / team * t + std::min(t, rows % team); };
  for (i64 t = 1; t < team; ++t) threads.emplace_back(run_rows<T>, op, x, y, n, begin(t), begin(t + 1), f);
  run_rows<T>(op, x, y, n, 0, begin(1), f);
  for (std::thread& th : threads) th.join();
}

using Result = std::optional<std::vector<Array>>;

// x (float32 or float64, the output's dtype) as rows of n elements: its trailing
// `reduced` axes are a row.
Result rows_kernel(RowOp op, const Node& node, const Array& x, int reduced, Shape out_shape) {
  const DType t = node.output_types()[0].dtype;
  const SleefExp& sleef = sleef_exp();
  if (x.dtype() != t || (t != DType::float32 && t != DType::float64) || !native_rows_available()) return std::nullopt;
  i64 n = 1;
  for (int d = x.ndim() - reduced; d < x.ndim(); ++d) n *= x.shape()[static_cast<std::size_t>(d)];
  const i64 rows = n == 0 ? shape_size(out_shape) : x.size() / n;
  const Array c = x.contiguous();
  Array out = Array::empty(t, out_shape);
  if (rows == 0) return std::vector<Array>{out};
  if (t == DType::float32) {
    over_rows<float>(op, reinterpret_cast<const float*>(c.data()), reinterpret_cast<float*>(out.data()), rows, n,
                     sleef.f);
  } else {
    over_rows<double>(op, reinterpret_cast<const double*>(c.data()), reinterpret_cast<double*>(out.data()), rows, n,
                      sleef.d);
  }
  return std::vector<Array>{out};
}

Result along_last(RowOp op, const Node& node, std::span<const Array> inputs) {
  const Array& x = inputs[0];
  if (x.ndim() == 0 || node.attrs().get_int("axis") != x.ndim() - 1) return std::nullopt;
  return rows_kernel(op, node, x, 1, x.shape());
}

Result softmax_kernel(const Node& node, std::span<const Array> inputs) {
  return along_last(RowOp::softmax, node, inputs);
}

Result log_softmax_kernel(const Node& node, std::span<const Array> inputs) {
  return along_last(RowOp::log_softmax, node, inputs);
}

Result logsumexp_kernel(const Node& node, std::span<const Array> inputs) {
  const Array& x = inputs[0];
  const std::vector<bool> mask = detail::reduced_mask(node.attrs(), x.ndim());
  int reduced = 0;
  while (reduced < x.ndim() && mask[static_cast<std::size_t>(x.ndim() - 1 - reduced)]) ++reduced;
  if (std::count(mask.begin(), mask.end(), true) != reduced) return std::nullopt;
  const bool keepdims = node.attrs().get_bool("keepdims");
  Shape out_shape;
  for (int d = 0; d < x.ndim(); ++d) {
    if (!mask[static_cast<std::size_t>(d)]) {
      out_shape.push_back(x.shape()[static_cast<std::size_t>(d)]);
    } else if (keepdims) {
      out_shape.push_back(1);
    }
  }
  return rows_kernel(RowOp::logsumexp, node, x, reduced, out_shape);
}

}  // namespace

bool native_rows_available() {
  // Read at each call, so that a test can compare both paths in one process.
  const char* env = std::getenv("HYPATIA_NATIVE_ROWS");
  if (env != nullptr && std::string_view(env) == "0") return false;
  return sleef_exp().f != nullptr;
}

bool trailing_axes(const std::vector<std::int64_t>& axes, bool all, int ndim) {
  if (all) return true;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] != ndim - static_cast<std::int64_t>(axes.size()) + static_cast<std::int64_t>(i)) return false;
  }
  return true;
}

namespace native {

void add_rows_kernels(Table& t) {
  t["softmax"] = softmax_kernel;
  t["log_softmax"] = log_softmax_kernel;
  t["logsumexp"] = logsumexp_kernel;
}

}  // namespace native
}  // namespace hypatia::cpu
