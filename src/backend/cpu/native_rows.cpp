// Row kernels: softmax, log_softmax (last axis) and logsumexp (trailing axes) of float32
// and float64 arrays, three sweeps over each row: its max (the one read from memory;
// a row of 4096 floats then sits in L1), the sum of exp(x - max) (softmax stores the
// exponentials on the way), and the write (softmax scales what it stored, log_softmax
// writes (x - max) - log(sum)). The decomposition into fused kernels (decompose_nnet)
// needs three passes over memory and a row vector between them; this is one read and
// one write.
//
// Where exp comes from follows the backend flags as the fused kernels' vector math
// does (compiler.hpp; read at each call, as CompilerOptions reads them):
// - `sleef` on, vector_math auto or sleef (the default): SLEEF's AVX2 expf8/expd4 u10
//   (1.0 ULP); auto does not take libmvec here, as it does for the fused kernels' float32
//   exp, because these kernels keep float32 within 1-ULP exponentials of the double
//   reference (and their default results stay what they were);
// - vector_math=libmvec: glibc's _ZGVdN8v_expf / _ZGVdN4v_exp (4 ULP), SLEEF where
//   libmvec.so.1 is missing;
// - `sleef` off, or no AVX2 + FMA, or the library missing: libm. The kernel then runs
//   the reference kernel's own double formula, in its order, with std::exp, so its
//   values are the interpreter's bit for bit (rows below kLongRow elements): what
//   someone who turned SLEEF off asks for, scalar libm as the fused kernels then take.
//
// Numerics of the vector paths are the reference kernel's (src/ops/nnet.cpp), which
// works in double:
// - the sum of exponentials is accumulated in double, and logsumexp/log_softmax take
//   the max's own term (exactly 1) out of it and add log1p of the others, ties counted;
// - float32's x - max is rounded to float before the vector expf, so its rounding
//   error (TwoSum, exact) multiplies the result: exp(d + err) = exp(d) (1 + err);
// - a row whose max is not finite (a +inf, only -inf, a NaN) takes the reference's
//   own formula in scalar double code: softmax NaN throughout, log(sum(exp(x))).
// A NaN inside a row with a finite max reaches every result through the sum.
//
// Long rows (kLongRow elements and more) are cut into chunks of kChunk elements: each
// chunk's max and its sum of exp(x - its max) are computed alone, in one read of the
// chunk from memory (the row's max needs no sweep of its own), then rescaled to the
// row's max and combined in chunk order, so one row can run on several threads and
// its result does not depend on how many (the chunks are fixed by the row's length).
// Shorter rows are one piece, as before; many rows are split among threads by rows.
//
// The library is built for plain x86-64, so the vector code is compiled for AVX2 + FMA
// by function attributes and runs only where the CPU has both (cpuid) and the library
// has its AVX2 exp (dlopen, as the compiled modules link it).
#include "backend/cpu/native_rows.hpp"

#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"
#include "ops/op_util.hpp"

#define HP_AVX2 __attribute__((target("avx2,fma")))

namespace hypatia::cpu {
namespace {

using native::split_parts;
using native::team_for;
using native::team_size;
using i64 = std::int64_t;
using ExpF = __m256 (*)(__m256);
using ExpD = __m256d (*)(__m256d);

struct VectorExp {
  ExpF f = nullptr;
  ExpD d = nullptr;
};

// The AVX2 exp pair of the library at `path` ("" or missing symbols: none). Kept open
// for the process's life: a compiled module links the same library.
VectorExp load_exp(const std::string& path, const char* f_name, const char* d_name) {
  VectorExp r;
  __builtin_cpu_init();
  if (path.empty() || !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return r;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return r;
  void* f = ::dlsym(handle, f_name);
  void* d = ::dlsym(handle, d_name);
  if (f == nullptr || d == nullptr) return r;
  r.f = reinterpret_cast<ExpF>(f);
  r.d = reinterpret_cast<ExpD>(d);
  return r;
}

const VectorExp& sleef_exp() {
  static const VectorExp s = load_exp(sleef_library(), "Sleef_expf8_u10avx2", "Sleef_expd4_u10avx2");
  return s;
}

// glibc's vector ABI: 8 floats / 4 doubles in one ymm register, as SLEEF's.
const VectorExp& libmvec_exp() {
  static const VectorExp s = load_exp(libmvec_library(), "_ZGVdN8v_expf", "_ZGVdN4v_exp");
  return s;
}

struct RowExp {
  RowExpSource source = RowExpSource::libm;
  VectorExp v;
};

// The flags' choice (see the top of the file), where the library loads.
RowExp row_exp() {
  if (!default_flag("sleef", true)) return {};
  if (default_vector_math() == "libmvec" && libmvec_exp().f != nullptr) return {RowExpSource::libmvec, libmvec_exp()};
  if (sleef_exp().f != nullptr) return {RowExpSource::sleef, sleef_exp()};
  return {};
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
  HP_AVX2 static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
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
  static Exp pick(const VectorExp& v) { return v.f; }
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
  HP_AVX2 static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
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
  static Exp pick(const VectorExp& v) { return v.d; }
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

// The sum of exp(x - m) over the elements other than m (m finite), and how many equal m.
struct Partial {
  double sum = 0;
  i64 ties = 0;
};

template <class T>
HP_AVX2 Partial shifted_sum(const T* x, i64 n, T m, typename Avx<T>::Exp f) {
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
  return {hsum(s0, s1), ties};
}

// y = y / s (softmax's write, m finite).
template <class T>
HP_AVX2 void scale_by(T* y, i64 n, double s) {
  using A = Avx<T>;
  i64 j = 0;
  for (; j + A::w <= n; j += A::w) A::store(y + j, A::scale(A::load(y + j), s));
  for (; j < n; ++j) y[j] = static_cast<T>(static_cast<double>(y[j]) / s);
}

// y = y * f, f rounded once to T.
template <class T>
HP_AVX2 void times(T* y, i64 n, double f) {
  using A = Avx<T>;
  using V = typename A::V;
  const V fv = A::splat(static_cast<T>(f));
  i64 j = 0;
  for (; j + A::w <= n; j += A::w) A::store(y + j, A::mul(A::load(y + j), fv));
  for (; j < n; ++j) y[j] = static_cast<T>(static_cast<double>(y[j]) * f);
}

// y = (x - m) - l (log_softmax's write, m finite).
template <class T>
HP_AVX2 void minus_into(const T* x, T* y, i64 n, T m, double l) {
  using A = Avx<T>;
  i64 j = 0;
  for (; j + A::w <= n; j += A::w) A::store(y + j, A::minus(A::load(x + j), static_cast<double>(m), l));
  for (; j < n; ++j) y[j] = static_cast<T>((static_cast<double>(x[j]) - static_cast<double>(m)) - l);
}

// ---- The two ways to compute a row's pieces: AVX2 with a vector exp, or libm.
//
// max(x, n): the max (a NaN may or may not win: a NaN reaches the results either way);
// exp_store: softmax's sum of exp(x - m), with the exponentials stored in y where the
// write reads them back; partial: the sum over the non-ties and the ties' count;
// log_sum: log(sum(exp(x - m))) of a whole row; scale, minus: the writes.

template <class T>
struct VectorOps {
  typename Avx<T>::Exp f;
  // Per element, in render.cpp's work units: a load, a compare, the exp, the sum,
  // the write (2^17 elements start a second thread, as measured for this kernel).
  static constexpr i64 cost = 8;
  T max(const T* x, i64 n) const { return row_max<T>(x, n); }
  double exp_store(const T* x, T* y, i64 n, T m) const { return cpu::exp_store<T>(x, y, n, m, f); }
  Partial partial(const T* x, i64 n, T m) const { return shifted_sum<T>(x, n, m, f); }
  double log_sum(const T* x, i64 n, T m) const {
    const Partial p = partial(x, n, m);
    return std::log1p(p.sum + static_cast<double>(p.ties - 1));
  }
  void scale(const T*, T* y, i64 n, T, double s) const { scale_by<T>(y, n, s); }
  // A long row's chunk whose exponentials were stored relative to its own max m_c:
  // as scale where m_c = m, else times exp(m_c - m) / s; a chunk of -inf is 0.
  void rescale(const T*, T* y, i64 n, T m, double s, T m_c, double factor) const {
    if (m_c == m) {
      scale_by<T>(y, n, s);
    } else if (m_c == -std::numeric_limits<T>::infinity()) {
      std::fill(y, y + n, T{0});
    } else {
      times<T>(y, n, factor / s);
    }
  }
  void minus(const T* x, T* y, i64 n, T m, double l) const { minus_into<T>(x, y, n, m, l); }
};

// The reference kernel's formulas (src/ops/nnet.cpp) on the row in place, in double,
// in its order: its values bit for bit (the reference divides the double exponential,
// so float32's are kept in doubles until the quotient).
template <class T>
struct LibmOps {
  static constexpr i64 cost = 40;  // a scalar double exp is some 30 of them
  T max(const T* x, i64 n) const {
    T m = -std::numeric_limits<T>::infinity();
    for (i64 j = 0; j < n; ++j) {
      if (std::isnan(x[j])) return x[j];
      m = std::max(m, x[j]);
    }
    return m;
  }
  // float32's exponentials wait in a buffer of doubles of the calling thread, which
  // scale() then reads (whole rows only: exp_store and scale run on one thread there).
  static std::vector<double>& buffer() {
    thread_local std::vector<double> b;
    return b;
  }
  double exp_store(const T* x, T* y, i64 n, T m) const {
    const double md = m;
    double* e = nullptr;
    if constexpr (std::is_same_v<T, double>) {
      e = y;
    } else {
      buffer().resize(static_cast<std::size_t>(n));
      e = buffer().data();
    }
    double s = 0;
    for (i64 j = 0; j < n; ++j) s += (e[j] = std::exp(static_cast<double>(x[j]) - md));
    return s;
  }
  Partial partial(const T* x, i64 n, T m) const {
    const double md = m;
    Partial p;
    for (i64 j = 0; j < n; ++j) {
      if (x[j] == m) {
        ++p.ties;
      } else {
        p.sum += std::exp(static_cast<double>(x[j]) - md);
      }
    }
    return p;
  }
  double log_sum(const T* x, i64 n, T m) const {
    const double md = m;
    double others = 0;
    bool skipped = false;
    for (i64 j = 0; j < n; ++j) {
      if (!skipped && x[j] == m) {
        skipped = true;
      } else {
        others += std::exp(static_cast<double>(x[j]) - md);
      }
    }
    return std::log1p(others);
  }
  void scale(const T*, T* y, i64 n, T, double s) const {
    const double* e = nullptr;
    if constexpr (std::is_same_v<T, double>) {
      e = y;
    } else {
      e = buffer().data();
    }
    for (i64 j = 0; j < n; ++j) y[j] = static_cast<T>(e[j] / s);
  }
  // Long rows: the quotient recomputed from x against the row's max (no stored
  // exponentials relative to the chunk's own max are used).
  void rescale(const T* x, T* y, i64 n, T m, double s, T, double) const {
    const double md = m;
    for (i64 j = 0; j < n; ++j) y[j] = static_cast<T>(std::exp(static_cast<double>(x[j]) - md) / s);
  }
  void minus(const T* x, T* y, i64 n, T m, double l) const {
    for (i64 j = 0; j < n; ++j) y[j] = static_cast<T>((static_cast<double>(x[j]) - static_cast<double>(m)) - l);
  }
};

// log(sum(exp(x))) in double: the reference's formula for a max that is not finite.
template <class T>
double log_sum_plain(const T* x, i64 n) {
  double s = 0;
  for (i64 j = 0; j < n; ++j) s += std::exp(static_cast<double>(x[j]));
  return std::log(s);
}

enum class RowOp { softmax, log_softmax, logsumexp };

// A row whose max m is not finite: the reference's formulas (softmax NaN throughout;
// log(sum(exp(x))) for the others). y: n results, or one for logsumexp.
template <class T>
void nonfinite_row(RowOp op, const T* x, T* y, i64 n) {
  if (op == RowOp::softmax) {
    std::fill(y, y + n, std::numeric_limits<T>::quiet_NaN());
    return;
  }
  const double l = log_sum_plain(x, n);
  if (op == RowOp::logsumexp) {
    y[0] = static_cast<T>(l);
    return;
  }
  for (i64 j = 0; j < n; ++j) y[j] = static_cast<T>(static_cast<double>(x[j]) - l);
}

// One row of n elements in one piece.
template <class T, class Ops>
void whole_row(RowOp op, const Ops& o, const T* x, T* y, i64 n) {
  const T m = n > 0 ? o.max(x, n) : -std::numeric_limits<T>::infinity();
  if (!std::isfinite(m)) return nonfinite_row(op, x, y, n);
  if (op == RowOp::logsumexp) {
    y[0] = static_cast<T>(static_cast<double>(m) + o.log_sum(x, n, m));
  } else if (op == RowOp::softmax) {
    o.scale(x, y, n, m, o.exp_store(x, y, n, m));
  } else {
    o.minus(x, y, n, m, o.log_sum(x, n, m));
  }
}

// Rows from this many elements are cut into chunks of kChunk (a multiple of every
// vector width, so only the last chunk has a tail, the row's own; 64 KB of floats, in
// L2 between a chunk's two sweeps): a long row on one thread takes ~1 ms from 2^18
// floats, where two hand-overs to a second thread (~20 us each) are paid back.
constexpr i64 kLongRow = i64{1} << 18;
constexpr i64 kChunk = i64{1} << 14;

// One chunk's first pass: its own max m_c, and the sum of exp(x - m_c) (softmax, the
// exponentials stored in y) or the partial sum over the elements other than m_c with
// their ties.
template <class T>
struct ChunkSum {
  T max = 0;
  double sum = 0;
  i64 ties = 0;
};

// One long row in chunks, the chunks on `team` threads, one read of x from memory:
// each chunk's max and its sum relative to that max while the chunk is in cache (the
// online softmax), then the chunks' sums rescaled by exp(m_c - m) to the row's max m
// and added in chunk order, so the result is the same for every team. softmax then
// rescales what it stored (where m_c = m by 1 / sum as a whole row does), log_softmax
// writes from x.
template <class T, class Ops>
void chunked_row(RowOp op, const Ops& o, const T* x, T* y, i64 n, i64 team) {
  constexpr T neg_inf = -std::numeric_limits<T>::infinity();
  const i64 chunks = (n + kChunk - 1) / kChunk;
  const auto size = [&](i64 c) { return std::min(kChunk, n - c * kChunk); };
  std::vector<ChunkSum<T>> cs(static_cast<std::size_t>(chunks));
  split_parts(chunks, team, [&](i64 c0, i64 c1) {
    for (i64 c = c0; c < c1; ++c) {
      ChunkSum<T>& r = cs[static_cast<std::size_t>(c)];
      const T* xc = x + c * kChunk;
      r.max = o.max(xc, size(c));
      // A chunk of only -inf adds nothing (exp(-inf - m) = 0); a NaN or a +inf makes
      // the row's max non-finite: the whole row is redone below.
      if (!std::isfinite(r.max)) continue;
      if (op == RowOp::softmax) {
        r.sum = o.exp_store(xc, y + c * kChunk, size(c), r.max);
      } else {
        const Partial p = o.partial(xc, size(c), r.max);
        r.sum = p.sum;
        r.ties = p.ties;
      }
    }
  });
  T m = cs[0].max;
  for (const ChunkSum<T>& r : cs) {
    m = std::isnan(m) || std::isnan(r.max) ? std::numeric_limits<T>::quiet_NaN() : std::max(m, r.max);
  }
  if (!std::isfinite(m)) return nonfinite_row(op, x, y, n);
  // exp(m_c - m) per chunk (1 where m_c = m, 0 for a chunk of -inf).
  std::vector<double> factor(static_cast<std::size_t>(chunks));
  for (std::size_t c = 0; c < cs.size(); ++c) {
    factor[c] = cs[c].max == neg_inf ? 0.0 : std::exp(static_cast<double>(cs[c].max) - static_cast<double>(m));
  }
  if (op == RowOp::softmax) {
    double s = 0;
    for (std::size_t c = 0; c < cs.size(); ++c) s += cs[c].max == m ? cs[c].sum : cs[c].sum * factor[c];
    split_parts(chunks, team, [&](i64 c0, i64 c1) {
      for (i64 c = c0; c < c1; ++c) {
        const auto k = static_cast<std::size_t>(c);
        o.rescale(x + c * kChunk, y + c * kChunk, size(c), m, s, cs[k].max, factor[k]);
      }
    });
    return;
  }
  // The max's own term is 1 (one tie of m left out); a chunk below m adds its ties'
  // exp(m_c - m) too.
  double others = 0;
  i64 ties = 0;
  for (std::size_t c = 0; c < cs.size(); ++c) {
    if (cs[c].max == m) {
      others += cs[c].sum;
      ties += cs[c].ties;
    } else {
      others += (cs[c].sum + static_cast<double>(cs[c].ties)) * factor[c];
    }
  }
  const double l = std::log1p(others + static_cast<double>(ties - 1));
  if (op == RowOp::logsumexp) {
    y[0] = static_cast<T>(static_cast<double>(m) + l);
    return;
  }
  split_parts(chunks, team, [&](i64 c0, i64 c1) {
    for (i64 c = c0; c < c1; ++c) o.minus(x + c * kChunk, y + c * kChunk, size(c), m, l);
  });
}

// rows rows of n elements: y gets n per row (softmax, log_softmax) or one. Fewer long
// rows than threads: each row's chunks among the threads; otherwise rows among them.
template <class T, class Ops>
void over_rows(RowOp op, const Ops& o, const T* x, T* y, i64 rows, i64 n) {
  const i64 out_n = op == RowOp::logsumexp ? 1 : n;
  if (n >= kLongRow && rows < team_size()) {
    const i64 team = team_for((n + kChunk - 1) / kChunk, n * Ops::cost);
    for (i64 r = 0; r < rows; ++r) chunked_row<T>(op, o, x + r * n, y + r * out_n, n, team);
    return;
  }
  split_parts(rows, team_for(rows, rows * std::max<i64>(n, 1) * Ops::cost), [&](i64 r0, i64 r1) {
    for (i64 r = r0; r < r1; ++r) {
      if (n >= kLongRow) {
        chunked_row<T>(op, o, x + r * n, y + r * out_n, n, 1);
      } else {
        whole_row<T>(op, o, x + r * n, y + r * out_n, n);
      }
    }
  });
}

template <class T>
void run_rows(RowOp op, const RowExp& e, const T* x, T* y, i64 rows, i64 n) {
  if (e.source == RowExpSource::libm) {
    over_rows<T>(op, LibmOps<T>{}, x, y, rows, n);
  } else {
    over_rows<T>(op, VectorOps<T>{Avx<T>::pick(e.v)}, x, y, rows, n);
  }
}

using Result = std::optional<std::vector<Array>>;

// x (float32 or float64, the output's dtype) as rows of n elements: its trailing
// `reduced` axes are a row.
Result rows_kernel(RowOp op, const Node& node, const Array& x, int reduced, Shape out_shape) {
  const DType t = node.output_types()[0].dtype;
  if (x.dtype() != t || (t != DType::float32 && t != DType::float64) || !native_rows_available()) return std::nullopt;
  const RowExp e = row_exp();
  i64 n = 1;
  for (int d = x.ndim() - reduced; d < x.ndim(); ++d) n *= x.shape()[static_cast<std::size_t>(d)];
  const i64 rows = n == 0 ? shape_size(out_shape) : x.size() / n;
  const Array c = x.contiguous();
  Array out = Array::empty(t, out_shape);
  if (rows == 0) return std::vector<Array>{out};
  if (t == DType::float32) {
    run_rows<float>(op, e, reinterpret_cast<const float*>(c.data()), reinterpret_cast<float*>(out.data()), rows, n);
  } else {
    run_rows<double>(op, e, reinterpret_cast<const double*>(c.data()), reinterpret_cast<double*>(out.data()), rows, n);
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
  // A CPU without AVX2 + FMA would run the kernels in libm's scalar code while the
  // decomposition's fused kernels have SLEEF's SSE2 vectors: decompose there (as with
  // `sleef` on). Elsewhere the row kernels win, libm's path included (sleef=0, or no
  // SLEEF: the fused kernels would call scalar libm too, in three passes).
  try {
    return row_exp().source != RowExpSource::libm || !default_flag("sleef", true) || sleef_library().empty();
  } catch (const UserError&) {
    return true;  // a mistyped flag: compiling the function reports it
  }
}

RowExpSource row_exp_source() { return row_exp().source; }

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
