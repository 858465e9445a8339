// Which BLAS runs the CPU backend's matrix products, chosen at run time.
//
// Debian's OpenBLAS 0.3.21 picks its kernel from the CPU's model and falls back to a
// generic one on CPUs it does not know (an AVX-512 EPYC runs its Prescott kernel at a
// fifth of the speed of its SkylakeX one), and OPENBLAS_CORETYPE can only be set
// before it loads. So the candidates are: OpenBLAS (linked), BLIS's typed API and
// oneDNN's sgemm (both dlopen'ed when installed: BLIS exports CBLAS names of its own,
// which must not interpose on OpenBLAS's). The choice comes from the CPU's features
// (cpuid: AVX-512F, AVX2, FMA), never its model name: OpenBLAS when the kernel it
// loaded uses the widest vectors the CPU has, otherwise the candidate measured fastest
// for that feature set (bench/RESULTS.md, W3). Each candidate must first pass a small
// product checked against a plain loop, or the next one is taken.
//
// HYPATIA_BLAS=openblas|blis|onednn (read once) forces a candidate where it is
// available and correct, for benchmarks and tests.
//
// Every gemm here is CBLAS's row-major one: C (m x n, row stride ldc) = alpha *
// op(A) @ op(B) + beta * C, op transposing when asked, A and B stored row-major with
// leading dimensions lda and ldb. beta == 0 writes C without reading it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hypatia::cpu::blas {

template <class T>
using GemmFn = void (*)(bool trans_a, bool trans_b, int m, int n, int k, T alpha, const T* a, int lda, const T* b,
                        int ldb, T beta, T* c, int ldc);

struct GemmImpl {
  std::string name;    // "openblas", "blis", "onednn"
  std::string kernel;  // the kernel it runs here, as it reports it ("Zen", "zen3", "avx2")
  GemmFn<float> sgemm = nullptr;
  GemmFn<double> dgemm = nullptr;  // nullptr where the library has none (oneDNN)
};

// gemv, CBLAS's row-major one: y = alpha * op(A) x + beta * y, A (m x n) stored with
// leading dimension lda, x and y with increments as CBLAS takes them (a negative one
// starts at the vector's lowest address). BLIS's when it loaded and passed its check
// (one thread: OpenBLAS's two-thread hand-over cost W5's 10000x100 gemv 2-3x its
// single-thread time), else OpenBLAS's.
template <class T>
using GemvFn = void (*)(bool trans, int m, int n, T alpha, const T* a, int lda, const T* x, int incx, T beta, T* y,
                        int incy);
GemvFn<float> sgemv_fn();
GemvFn<double> dgemv_fn();
inline void gemv(bool t, int m, int n, float alpha, const float* a, int lda, const float* x, int incx, float beta,
                 float* y, int incy) {
  sgemv_fn()(t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
inline void gemv(bool t, int m, int n, double alpha, const double* a, int lda, const double* x, int incx,
                 double beta, double* y, int incy) {
  dgemv_fn()(t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

// OpenBLAS's threads per product, by its size. OpenBLAS (the pthreads build) runs
// every product above m*n*k = 262144 on all its threads; on this project's 2-core
// machine the hand-over costs more than the second thread gives below some 64M
// multiply-adds (bench/RESULTS.md, "Threads for small work"; bench/blas_threads.py):
// W4's 655k products take 45-60 us on one thread and 68-93 us on two, its 33M-51M ones
// gain 0.98-1.11x from the second thread at load 6, and the whole W4 step ran 6.5-8.2 ms
// with every product on one thread against 13.2-14.5 ms with those on two (three
// alternating runs, load 3.7); under load a two-thread product waits for a descheduled
// thread (medians 15-50 ms). So OpenBLAS gemms run on one thread below kOneThreadWork
// multiply-adds and on OpenBLAS's current count above
// (openblas_set_num_threads before the product and back after it: NumPy's products
// share the setting, Debian's libblas.so.3 being this OpenBLAS). The count depends on
// the sizes alone, so a function's results do not depend on the load (OpenBLAS's
// one- and two-thread products may differ in the last bits). HYPATIA_BLAS_ONE_THREAD_WORK
// (read once) overrides the figure, for measurements; 0 keeps OpenBLAS's default.
// BLIS and oneDNN keep their own threading.
// Idle (load 1.6, bench/peers.py --only W4, HYPATIA_BLAS_ONE_THREAD_WORK alternated):
// 2^26, W4's large products on one thread, took 8.2 ms twice; 2^22 (them on two,
// the 655k ones on one) 4.9-6.0 ms; 0 4.4-6.3 ms. The loaded figures above favour one
// thread, the idle ones two: 2^22 keeps the small products off the second thread and
// lets the large ones use it.
// Threads of the process calling functions at once: the setting changes only between
// Hypatia's products, which take turns by kind (blas_select.cpp, ThreadTurns), so a
// large product never runs on the 1 a small one set and the count is always given
// back. What remains: OpenBLAS calls outside Hypatia (NumPy's, in another thread)
// may run on 1 thread during a small turn, and one that changes the count meanwhile
// (threadpoolctl) is undone when the turn ends.
inline constexpr std::int64_t kOneThreadWork = std::int64_t{1} << 22;
int openblas_threads_for(int m, int n, int k);
std::int64_t one_thread_work();
// For tests: the figure in place of kOneThreadWork (-1: back to the default).
void set_one_thread_work(std::int64_t work);

// Held around any other OpenBLAS call (dot, gemv, ger): it runs on OpenBLAS's own
// count, never on the 1 of another thread's small product (OpenBLAS splits long dots
// and sums the parts, so the count can change the last bits).
class OpenBlasCountTurn {
 public:
  OpenBlasCountTurn();
  ~OpenBlasCountTurn();
  OpenBlasCountTurn(const OpenBlasCountTurn&) = delete;
  OpenBlasCountTurn& operator=(const OpenBlasCountTurn&) = delete;
};

// Whether OpenBLAS's sgemm with beta 0 zeroes C with memset and runs with beta 1
// (same bits, faster: blas_select.cpp, zero_c_first). For tests: 1 on, 0 off, -1
// back to the default (the kernel's and HYPATIA_BLAS_ZERO_C's choice).
bool zeroes_c_first();
void set_zero_c_first(int on);

// Every candidate installed on this machine, OpenBLAS first.
const std::vector<GemmImpl>& gemm_impls();

// The chosen implementation for each dtype, and why (one line each).
const GemmImpl& sgemm_impl();
const GemmImpl& dgemm_impl();
std::string selection_report();

// Whether OMP_WAIT_POLICY is set (this library sets it to passive when it loads,
// unless the user chose a policy or GOMP_SPINCOUNT: see blas_select.cpp for why).
bool passive_openmp_requested();

inline void gemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
                 float beta, float* c, int ldc) {
  sgemm_impl().sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline void gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda, const double* b,
                 int ldb, double beta, double* c, int ldc) {
  dgemm_impl().dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace hypatia::cpu::blas
