// The gemm candidates of the cpu backend's run-time BLAS choice
// (src/backend/cpu/blas_select.cpp), timed alone: sgemm and dgemm n^3 through OpenBLAS
// (whatever OPENBLAS_CORETYPE asks), BLIS's typed API and oneDNN's dnnl_sgemm, each
// dlopen'ed RTLD_LOCAL (BLIS exports CBLAS names too), each result checked on 16 rows
// against a loop in double. Prints wall and process CPU time, best of 5; on a loaded
// machine the CPU time with one thread (NT=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1)
// compares the kernels. Usage: gemm_candidates openblas|blis|onednn [n]
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

double cpu_now() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

template <class T, class F>
void run(const std::string& name, int n, F gemm) {
  const auto nn = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  std::vector<T> a(nn), b(nn), c(nn);
  std::mt19937 g(1);
  std::normal_distribution<double> d;
  for (T& x : a) x = static_cast<T>(d(g));
  for (T& x : b) x = static_cast<T>(d(g));
  gemm(n, a.data(), b.data(), c.data());
  double err = 0;
  for (int i = 0; i < std::min(n, 16); ++i) {
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += static_cast<double>(a[static_cast<std::size_t>(i * n + k)]) * b[static_cast<std::size_t>(k * n + j)];
      err = std::max(err, std::abs(c[static_cast<std::size_t>(i * n + j)] - s) / (1 + std::abs(s)));
    }
  }
  double wall = 1e30, cpu = 1e30;
  for (int it = 0; it < 5; ++it) {
    const double c0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    gemm(n, a.data(), b.data(), c.data());
    wall = std::min(wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpu = std::min(cpu, cpu_now() - c0);
  }
  const double flop = 2.0 * n * n * static_cast<double>(n);
  std::printf("%-24s %s n=%d  wall %8.1f ms (%6.1f GFLOP/s)  cpu %8.1f ms (%6.1f GFLOP/s per cpu)  max rel err %.2g\n",
              name.c_str(), sizeof(T) == 4 ? "f32" : "f64", n, wall * 1e3, flop / wall / 1e9, cpu * 1e3,
              flop / cpu / 1e9, err);
}

template <class Fn>
Fn sym(void* h, const char* name) {
  return reinterpret_cast<Fn>(dlsym(h, name));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s openblas|blis|onednn [n]\n", argv[0]);
    return 2;
  }
  const std::string lib = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 2048;
  if (lib == "openblas") {
    void* h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) return 1;
    using S = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
    using D = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double, double*, int);
    auto sg = sym<S>(h, "cblas_sgemm");
    auto dg = sym<D>(h, "cblas_dgemm");
    const std::string name = std::string("openblas [") + sym<char* (*)()>(h, "openblas_get_corename")() + "]";
    // 101 = CblasRowMajor, 111 = CblasNoTrans
    run<float>(name, n, [&](int m, const float* a, const float* b, float* c) { sg(101, 111, 111, m, m, m, 1.f, a, m, b, m, 0.f, c, m); });
    run<double>(name, n, [&](int m, const double* a, const double* b, double* c) { dg(101, 111, 111, m, m, m, 1., a, m, b, m, 0., c, m); });
  } else if (lib == "blis") {
    void* h = dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) return 1;
    using Dim = std::int64_t;
    const char* nt = std::getenv("NT");
    sym<void (*)(Dim)>(h, "bli_thread_set_num_threads")(nt ? std::atoi(nt) : 2);
    using S = void (*)(int, int, Dim, Dim, Dim, const float*, const float*, Dim, Dim, const float*, Dim, Dim, const float*, float*, Dim, Dim);
    using D = void (*)(int, int, Dim, Dim, Dim, const double*, const double*, Dim, Dim, const double*, Dim, Dim, const double*, double*, Dim, Dim);
    auto sg = sym<S>(h, "bli_sgemm");
    auto dg = sym<D>(h, "bli_dgemm");
    const std::string name = std::string("blis [") + sym<const char* (*)(int)>(h, "bli_arch_string")(sym<int (*)()>(h, "bli_arch_query_id")()) + "]";
    const float f1 = 1, f0 = 0;
    const double d1 = 1, d0 = 0;
    run<float>(name, n, [&](int m, const float* a, const float* b, float* c) { sg(0, 0, m, m, m, &f1, a, m, 1, b, m, 1, &f0, c, m, 1); });
    run<double>(name, n, [&](int m, const double* a, const double* b, double* c) { dg(0, 0, m, m, m, &d1, a, m, 1, b, m, 1, &d0, c, m, 1); });
  } else if (lib == "onednn") {
    void* h = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) return 1;
    using S = int (*)(char, char, std::int64_t, std::int64_t, std::int64_t, float, const float*, std::int64_t, const float*, std::int64_t, float, float*, std::int64_t);
    auto sg = sym<S>(h, "dnnl_sgemm");
    const std::string name = "onednn [isa " + std::to_string(sym<int (*)()>(h, "dnnl_get_effective_cpu_isa")()) + "]";
    run<float>(name, n, [&](int m, const float* a, const float* b, float* c) { sg('N', 'N', m, m, m, 1.f, a, m, b, m, 0.f, c, m); });
  } else {
    std::fprintf(stderr, "unknown library %s\n", lib.c_str());
    return 2;
  }
  return 0;
}
