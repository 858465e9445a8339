// Run-time choice of the gemm library (see blas_select.hpp for why and how).
#include "backend/cpu/blas_select.hpp"

#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace hypatia::cpu::blas {
namespace {

// ---- OpenBLAS, linked

CBLAS_TRANSPOSE cblas_trans(bool t) { return t ? CblasTrans : CblasNoTrans; }

// OpenBLAS's threads for one product (see blas_select.hpp, openblas_threads_for).
std::atomic<std::int64_t> g_one_thread_work{-1};  // -1: not yet read

std::int64_t one_thread_work_now() {
  std::int64_t w = g_one_thread_work.load(std::memory_order_relaxed);
  if (w >= 0) return w;
  w = kOneThreadWork;
  if (const char* e = std::getenv("HYPATIA_BLAS_ONE_THREAD_WORK"); e != nullptr && *e != '\0') {
    char* end = nullptr;
    const long long v = std::strtoll(e, &end, 10);
    if (end != e && *end == '\0' && v >= 0) w = v;
  }
  g_one_thread_work.store(w, std::memory_order_relaxed);
  return w;
}

// OpenBLAS's thread count is the process's (and NumPy's products share it: Debian's
// libblas.so.3 is this OpenBLAS), so products of several threads at once take turns
// by kind: small ones (below one_thread_work) run while the count is 1, large ones
// while it is OpenBLAS's own, and the count changes only when no Hypatia product runs.
// The first small product of a turn sets 1 and the last one gives the count back; a
// product of the other kind waits, newcomers of the running kind wait behind it, and
// the next turn goes to the kind that waited (no starvation). Concurrent products of
// one kind run at once.
class ThreadTurns {
 public:
  enum Kind { kNone, kSmall, kLarge };

  void enter(Kind kind) {
    std::unique_lock<std::mutex> lock(mutex_);
    const Kind other = kind == kSmall ? kLarge : kSmall;
    ++waiting_[kind];
    ready_.wait(lock, [&] {
      return running_ == kNone ? next_ != other : running_ == kind && waiting_[other] == 0;
    });
    --waiting_[kind];
    if (running_ == kNone) {
      running_ = kind;
      next_ = kNone;
      if (kind == kSmall) {
        had_ = openblas_get_num_threads();
        if (had_ != 1) openblas_set_num_threads(1);
      }
    }
    ++active_;
  }

  void leave() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ > 0) return;
      if (running_ == kSmall && had_ != 1) openblas_set_num_threads(had_);
      const Kind other = running_ == kSmall ? kLarge : kSmall;
      next_ = waiting_[other] > 0 ? other : kNone;
      running_ = kNone;
    }
    ready_.notify_all();
  }

  // OpenBLAS's own count (not the 1 a small turn set).
  int count() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return running_ == kSmall ? had_ : openblas_get_num_threads();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  Kind running_ = kNone;
  Kind next_ = kNone;  // the kind that waited through the last turn: it goes first
  int active_ = 0;
  int waiting_[3] = {0, 0, 0};
  int had_ = 0;  // the count before the running small turn
};

ThreadTurns& thread_turns() {
  static ThreadTurns t;
  return t;
}

// A turn of `kind` for the guard's lifetime (left on exceptions too).
class TurnGuard {
 public:
  explicit TurnGuard(ThreadTurns::Kind kind) { thread_turns().enter(kind); }
  ~TurnGuard() { thread_turns().leave(); }
  TurnGuard(const TurnGuard&) = delete;
  TurnGuard& operator=(const TurnGuard&) = delete;
};

}  // namespace

OpenBlasCountTurn::OpenBlasCountTurn() { thread_turns().enter(ThreadTurns::kLarge); }
OpenBlasCountTurn::~OpenBlasCountTurn() { thread_turns().leave(); }

namespace {

bool is_small(int m, int n, int k) {
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return work < static_cast<double>(one_thread_work_now());
}

// Runs `product` on one thread below one_thread_work and on OpenBLAS's count above.
template <class F>
void with_openblas_threads(int m, int n, int k, F&& product) {
  const TurnGuard turn(is_small(m, n, k) ? ThreadTurns::kSmall : ThreadTurns::kLarge);
  product();
}

// OpenBLAS's beta = 0 pass zeroes C with a scalar store loop before the product adds
// into it (sgemm_beta_ZEN: 13.8% of W4's samples under perf). A memset and beta = 1
// give the same bits: C = +0.0 + alpha * AB either way, old contents (NaN included)
// never read. Measured faster or the same everywhere (bench/RESULTS.md, "gemm's beta
// pass"): most with small k and a large C (784x512x128: 0.8x). Only for the kernels
// whose beta = 1 path was checked to be that same sum (Haswell's, which Zen runs):
// OpenBLAS's SkylakeX, Cooperlake and Sapphire Rapids builds take other paths for
// some beta = 0 products (small-matrix kernels with a beta-0 variant that stores
// alpha * AB directly, a "direct sgemm" for alpha 1 and beta 0), whose bits beta 1
// need not give (-0.0 at least, where +0.0 + -0.0 is +0.0).
// HYPATIA_BLAS_ZERO_C=0 (read once) turns it off, for measurements.
std::atomic<int> g_zero_c{-1};  // -1: not yet decided

bool zero_c_first() {
  int z = g_zero_c.load(std::memory_order_relaxed);
  if (z >= 0) return z != 0;
  std::string core = openblas_get_corename() ? openblas_get_corename() : "";
  std::transform(core.begin(), core.end(), core.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  z = core == "zen" || core == "haswell";
  if (const char* e = std::getenv("HYPATIA_BLAS_ZERO_C"); e != nullptr && std::string(e) == "0") z = 0;
  g_zero_c.store(z, std::memory_order_relaxed);
  return z != 0;
}

void openblas_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
                    int ldb, float beta, float* c, int ldc) {
  if (beta == 0.0f && m > 0 && n > 0 && k > 0 && zero_c_first()) {
    if (ldc == n) {
      std::memset(c, 0, sizeof(float) * static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
    } else {
      for (int i = 0; i < m; ++i) std::memset(c + static_cast<std::ptrdiff_t>(i) * ldc, 0, sizeof(float) * static_cast<std::size_t>(n));
    }
    beta = 1.0f;
  }
  with_openblas_threads(m, n, k, [&] {
    cblas_sgemm(CblasRowMajor, cblas_trans(ta), cblas_trans(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  });
}

void openblas_dgemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda, const double* b,
                    int ldb, double beta, double* c, int ldc) {
  with_openblas_threads(m, n, k, [&] {
    cblas_dgemm(CblasRowMajor, cblas_trans(ta), cblas_trans(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  });
}

std::string openblas_core() {
  const char* core = openblas_get_corename();
  return core ? core : "?";
}

// ---- BLIS's typed API, dlopen'ed: bli_?gemm takes a row and a column stride per
// matrix, so a transposed operand is just swapped strides.

using BliDim = std::int64_t;  // BLIS's dim_t and inc_t (gint_t, 64 bits)
template <class T>
using BliGemm = void (*)(int transa, int transb, BliDim m, BliDim n, BliDim k, const T* alpha, const T* a,
                         BliDim rsa, BliDim csa, const T* b, BliDim rsb, BliDim csb, const T* beta, T* c, BliDim rsc,
                         BliDim csc);

struct Blis {
  BliGemm<float> sgemm = nullptr;
  BliGemm<double> dgemm = nullptr;
  std::string arch;
};

Blis& blis() {
  static Blis b;
  return b;
}

template <class T>
void blis_gemm(BliGemm<T> f, bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b,
               int ldb, T beta, T* c, int ldc) {
  // op(A)(i, p) is a[i * lda + p], or a[p * lda + i] when transposed.
  f(0, 0, m, n, k, &alpha, a, ta ? 1 : lda, ta ? lda : 1, b, tb ? 1 : ldb, tb ? ldb : 1, &beta, c, ldc, 1);
}

void blis_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
                float beta, float* c, int ldc) {
  blis_gemm(blis().sgemm, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void blis_dgemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda, const double* b,
                int ldb, double beta, double* c, int ldc) {
  blis_gemm(blis().dgemm, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// gemv through BLIS's typed API and OpenBLAS's CBLAS.
template <class T>
using BliGemv = void (*)(int transa, int conjx, BliDim m, BliDim n, const T* alpha, const T* a, BliDim rsa, BliDim csa,
                         const T* x, BliDim incx, const T* beta, T* y, BliDim incy);
BliGemv<float> bli_sgemv_fn = nullptr;
BliGemv<double> bli_dgemv_fn = nullptr;

template <class T>
void blis_gemv(bool t, int m, int n, T alpha, const T* a, int lda, const T* x, int incx, T beta, T* y, int incy) {
  // CBLAS points a negative-increment vector at its lowest address, BLIS at element 0.
  const BliDim nx = t ? m : n, ny = t ? n : m;
  if (incx < 0) x -= (nx - 1) * incx;
  if (incy < 0) y -= (ny - 1) * incy;
  constexpr int kTrans = 1 << 3;  // BLIS_TRANSPOSE
  if constexpr (std::is_same_v<T, float>) {
    bli_sgemv_fn(t ? kTrans : 0, 0, m, n, &alpha, a, lda, 1, x, incx, &beta, y, incy);
  } else {
    bli_dgemv_fn(t ? kTrans : 0, 0, m, n, &alpha, a, lda, 1, x, incx, &beta, y, incy);
  }
}

template <class T>
void openblas_gemv(bool t, int m, int n, T alpha, const T* a, int lda, const T* x, int incx, T beta, T* y, int incy) {
  const OpenBlasCountTurn turn;
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemv(CblasRowMajor, cblas_trans(t), m, n, alpha, a, lda, x, incx, beta, y, incy);
  } else {
    cblas_dgemv(CblasRowMajor, cblas_trans(t), m, n, alpha, a, lda, x, incx, beta, y, incy);
  }
}

// A 7 x 5 gemv both ways, negative increments included, against a loop.
template <class T>
bool gemv_ok(GemvFn<T> fn) {
  const int m = 7, n = 5, lda = 6;
  std::vector<T> a(static_cast<std::size_t>(m * lda)), x(static_cast<std::size_t>(2 * m)), y(static_cast<std::size_t>(2 * m));
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<T>(static_cast<int>(i % 7) - 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(static_cast<int>(i % 5) - 2);
  for (bool t : {false, true}) {
    for (int incx : {1, -2}) {
      const int nx = t ? m : n, ny = t ? n : m;
      std::fill(y.begin(), y.end(), T(1));
      fn(t, m, n, T(2), a.data(), lda, x.data(), incx, T(3), y.data(), 1);
      for (int i = 0; i < ny; ++i) {
        T want = 3;
        for (int j = 0; j < nx; ++j) {
          const T xv = x[static_cast<std::size_t>(incx > 0 ? j * incx : (nx - 1 - j) * -incx)];
          want += 2 * (t ? a[static_cast<std::size_t>(j * lda + i)] : a[static_cast<std::size_t>(i * lda + j)]) * xv;
        }
        if (y[static_cast<std::size_t>(i)] != want) return false;
      }
    }
  }
  return true;
}

// The number of threads BLIS should use: its own variables when set, else every CPU
// this process may run on (BLIS's default is one thread).
long blis_threads() {
  for (const char* var : {"BLIS_NUM_THREADS", "OMP_NUM_THREADS"}) {
    if (const char* v = std::getenv(var); v && std::atol(v) > 0) return std::atol(v);
  }
  return std::max(1U, std::thread::hardware_concurrency());
}

bool load_blis() {
  void* h = nullptr;
  for (const char* path : {"libblis.so.4", "/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4",
                           "/usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4"}) {
    if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
  }
  if (h == nullptr) return false;
  Blis& b = blis();
  b.sgemm = reinterpret_cast<BliGemm<float>>(dlsym(h, "bli_sgemm"));
  b.dgemm = reinterpret_cast<BliGemm<double>>(dlsym(h, "bli_dgemm"));
  auto set_threads = reinterpret_cast<void (*)(BliDim)>(dlsym(h, "bli_thread_set_num_threads"));
  auto arch_id = reinterpret_cast<int (*)()>(dlsym(h, "bli_arch_query_id"));
  auto arch_name = reinterpret_cast<const char* (*)(int)>(dlsym(h, "bli_arch_string"));
  bli_sgemv_fn = reinterpret_cast<BliGemv<float>>(dlsym(h, "bli_sgemv"));
  bli_dgemv_fn = reinterpret_cast<BliGemv<double>>(dlsym(h, "bli_dgemv"));
  if (!b.sgemm || !b.dgemm || !set_threads || !arch_id || !arch_name) return false;
  set_threads(blis_threads());
  b.arch = arch_name(arch_id());
  return true;
}

// ---- oneDNN's sgemm (row-major, like CBLAS), dlopen'ed

using DnnlSgemm = int (*)(char transa, char transb, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
                          const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
                          std::int64_t ldc);
DnnlSgemm dnnl_sgemm_fn = nullptr;

void onednn_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
                  int ldb, float beta, float* c, int ldc) {
  dnnl_sgemm_fn(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

std::string load_onednn() {
  void* h = dlopen("libdnnl.so.3", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) h = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) return "";
  dnnl_sgemm_fn = reinterpret_cast<DnnlSgemm>(dlsym(h, "dnnl_sgemm"));
  auto isa = reinterpret_cast<int (*)()>(dlsym(h, "dnnl_get_effective_cpu_isa"));
  if (!dnnl_sgemm_fn || !isa) return "";
  // dnnl_cpu_isa_t: bit flags, avx2 = 0x7, avx512_core = 0x27 and wider ones above.
  const int i = isa();
  return i >= 0x27 ? "avx512" : i >= 0x7 ? "avx2" : "sse41";
}

// ---- the choice

struct Features {
  bool avx512f, avx2, fma;
};

Features cpu_features() {
  __builtin_cpu_init();
  return {__builtin_cpu_supports("avx512f") != 0, __builtin_cpu_supports("avx2") != 0,
          __builtin_cpu_supports("fma") != 0};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

bool one_of(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

// Whether OpenBLAS's loaded kernel uses the widest vectors the CPU has.
bool openblas_fits(const Features& f) {
  const std::string core = lower(openblas_core());
  if (f.avx512f) return one_of(core, {"skylakex", "cooperlake", "sapphirerapids"});
  if (f.avx2 && f.fma) return one_of(core, {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"});
  return true;  // older CPUs: OpenBLAS's own detection is all there is
}

// The candidates in order of preference for these features and this dtype.
std::vector<std::string> preference(const Features& f, bool single) {
  if (const char* forced = std::getenv("HYPATIA_BLAS"); forced && *forced) {
    return {lower(forced), "openblas", "blis", "onednn"};
  }
  if (openblas_fits(f)) return {"openblas", "blis", "onednn"};
  // OpenBLAS runs a generic kernel: BLIS and oneDNN detect the ISA themselves.
  return single ? std::vector<std::string>{"blis", "onednn", "openblas"}
                : std::vector<std::string>{"blis", "openblas"};
}

// A product with awkward sizes, both transposes, alpha and beta, against a loop.
template <class T>
bool gemm_ok(GemmFn<T> fn) {
  const int m = 13, n = 11, k = 37;
  for (int ta = 0; ta < 2; ++ta) {
    for (int tb = 0; tb < 2; ++tb) {
      std::vector<T> a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(k * n)),
          c(static_cast<std::size_t>(m * n));
      for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<T>(static_cast<int>(i * 7 % 19) - 9) / T(8);
      for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<T>(static_cast<int>(i * 5 % 23) - 11) / T(4);
      for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<T>(i % 5);
      std::vector<T> want = c;
      const int lda = ta ? m : k, ldb = tb ? k : n;
      for (int i = 0; i < m; ++i) {
        for (int j = 0; j < n; ++j) {
          double s = 0;
          for (int p = 0; p < k; ++p) {
            s += static_cast<double>(ta ? a[static_cast<std::size_t>(p * lda + i)]
                                        : a[static_cast<std::size_t>(i * lda + p)]) *
                 static_cast<double>(tb ? b[static_cast<std::size_t>(j * ldb + p)]
                                        : b[static_cast<std::size_t>(p * ldb + j)]);
          }
          T& w = want[static_cast<std::size_t>(i * n + j)];
          w = static_cast<T>(2.0 * s + 0.5 * static_cast<double>(w));
        }
      }
      fn(ta != 0, tb != 0, m, n, k, T(2), a.data(), lda, b.data(), ldb, T(0.5), c.data(), n);
      for (std::size_t i = 0; i < c.size(); ++i) {
        // The inputs are multiples of 1/8 and 1/4: every sum is exact in float.
        if (!(std::abs(c[i] - want[i]) <= T(1e-3) * (1 + std::abs(want[i])))) return false;
      }
    }
  }
  return true;
}

struct Selection {
  std::vector<GemmImpl> impls;
  const GemmImpl* s = nullptr;
  const GemmImpl* d = nullptr;
  GemvFn<float> sgemv = openblas_gemv<float>;
  GemvFn<double> dgemv = openblas_gemv<double>;
  std::string report;
};

const Selection& selection() {
  static const Selection sel = [] {
    Selection out;
    out.impls.push_back({"openblas", openblas_core(), openblas_sgemm, openblas_dgemm});
    if (load_blis()) out.impls.push_back({"blis", blis().arch, blis_sgemm, blis_dgemm});
    if (std::string isa = load_onednn(); !isa.empty()) out.impls.push_back({"onednn", isa, onednn_sgemm, nullptr});
    const Features f = cpu_features();
    auto pick = [&](bool single) -> const GemmImpl* {
      for (const std::string& name : preference(f, single)) {
        for (const GemmImpl& impl : out.impls) {
          if (impl.name != name) continue;
          if (single ? impl.sgemm && gemm_ok<float>(impl.sgemm) : impl.dgemm && gemm_ok<double>(impl.dgemm)) {
            return &impl;
          }
        }
      }
      return &out.impls.front();
    };
    out.s = pick(true);
    out.d = pick(false);
    const bool have_blis = std::any_of(out.impls.begin(), out.impls.end(), [](const GemmImpl& i) { return i.name == "blis"; });
    const char* forced = std::getenv("HYPATIA_BLAS");
    const bool openblas_forced = forced != nullptr && lower(forced) == "openblas";
    if (have_blis && !openblas_forced && bli_sgemv_fn && bli_dgemv_fn && gemv_ok<float>(blis_gemv<float>) &&
        gemv_ok<double>(blis_gemv<double>)) {
      out.sgemv = blis_gemv<float>;
      out.dgemv = blis_gemv<double>;
    }
    out.report = std::string("cpu: avx512f ") + (f.avx512f ? "yes" : "no") + ", avx2 " + (f.avx2 ? "yes" : "no") +
                 ", fma " + (f.fma ? "yes" : "no") + "; OpenBLAS kernel " + openblas_core() +
                 (openblas_fits(f) ? " (fits)" : " (generic for this cpu)") + "; sgemm: " + out.s->name + " [" +
                 out.s->kernel + "], dgemm: " + out.d->name + " [" + out.d->kernel + "], gemv: " +
                 (out.sgemv == openblas_gemv<float> ? "openblas" : "blis") + "; OpenBLAS gemm threads: 1 below m*n*k = " +
                 std::to_string(one_thread_work_now()) + ", else OpenBLAS's count (" + std::to_string(openblas_get_num_threads()) + ")";
    return out;
  }();
  return sel;
}

// OpenMP's waiting threads, when left spinning (libgomp's default), hold the cores that
// OpenBLAS's own pthreads need right after a fused kernel, and the two pools take turns
// yielding to each other: the W4 training step burned 48-88 ms of CPU a call that
// way, against 16 ms with passive waiting (bench/RESULTS.md). libgomp reads its policy
// once, when it loads, which is when the first compiled module (or BLIS, or oneDNN) is
// opened, after this library's start-up: so passive waiting is asked for here, unless
// the user chose a policy or a spin count.
const bool kPassiveOpenMP = [] {
  if (std::getenv("OMP_WAIT_POLICY") == nullptr && std::getenv("GOMP_SPINCOUNT") == nullptr) {
    setenv("OMP_WAIT_POLICY", "passive", 0);
  }
  return true;
}();

}  // namespace

int openblas_threads_for(int m, int n, int k) {
  return is_small(m, n, k) ? 1 : std::max(1, thread_turns().count());
}

void set_zero_c_first(int on) { g_zero_c.store(on < 0 ? -1 : on != 0 ? 1 : 0); }
bool zeroes_c_first() { return zero_c_first(); }

std::int64_t one_thread_work() { return one_thread_work_now(); }
void set_one_thread_work(std::int64_t work) { g_one_thread_work.store(work < 0 ? -1 : work); }

bool passive_openmp_requested() { return kPassiveOpenMP && std::getenv("OMP_WAIT_POLICY") != nullptr; }

const std::vector<GemmImpl>& gemm_impls() { return selection().impls; }
const GemmImpl& sgemm_impl() { return *selection().s; }
const GemmImpl& dgemm_impl() { return *selection().d; }
GemvFn<float> sgemv_fn() { return selection().sgemv; }
GemvFn<double> dgemv_fn() { return selection().dgemv; }
std::string selection_report() { return selection().report; }

}  // namespace hypatia::cpu::blas
