// The run-time BLAS choice (backend/cpu/blas_select.hpp): every installed candidate's
// gemm against a plain loop (both dtypes, both transposes, alpha and beta, size-1 and
// odd sizes, leading dimensions past the matrix), and the choice fits the CPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/blas_select.hpp"

namespace hypatia {
namespace {

namespace blas = cpu::blas;

struct Size {
  int m, n, k;
};

// C = alpha op(A) op(B) + beta C through `fn`, against a loop in long double.
template <class T>
void check_gemm(blas::GemmFn<T> fn, const std::string& who) {
  const Size sizes[] = {{1, 1, 1}, {1, 7, 5}, {7, 1, 5}, {7, 5, 1}, {33, 17, 65}, {64, 64, 64}, {3, 130, 9}};
  std::mt19937 rng(21);
  std::uniform_real_distribution<double> u(-1, 1);
  for (const Size& s : sizes) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        for (const auto& [alpha, beta] : {std::pair{1.0, 0.0}, std::pair{-0.5, 2.0}}) {
          SCOPED_TRACE(who + " m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) +
                       (ta ? " ta" : "") + (tb ? " tb" : "") + " beta=" + std::to_string(beta));
          // Leading dimensions 3 past the stored rows: BLAS must honour them.
          const int lda = (ta ? s.m : s.k) + 3, ldb = (tb ? s.k : s.n) + 3, ldc = s.n + 2;
          std::vector<T> a(static_cast<std::size_t>((ta ? s.k : s.m) * lda)),
              b(static_cast<std::size_t>((tb ? s.n : s.k) * ldb)), c(static_cast<std::size_t>(s.m * ldc));
          for (T& v : a) v = static_cast<T>(u(rng));
          for (T& v : b) v = static_cast<T>(u(rng));
          for (T& v : c) v = static_cast<T>(u(rng));
          std::vector<T> want = c;
          for (int i = 0; i < s.m; ++i) {
            for (int j = 0; j < s.n; ++j) {
              long double acc = 0;
              for (int p = 0; p < s.k; ++p) {
                const T x = ta ? a[static_cast<std::size_t>(p * lda + i)] : a[static_cast<std::size_t>(i * lda + p)];
                const T y = tb ? b[static_cast<std::size_t>(j * ldb + p)] : b[static_cast<std::size_t>(p * ldb + j)];
                acc += static_cast<long double>(x) * y;
              }
              T& w = want[static_cast<std::size_t>(i * ldc + j)];
              w = static_cast<T>(alpha * acc + (beta == 0 ? 0 : beta * static_cast<long double>(w)));
            }
          }
          fn(ta, tb, s.m, s.n, s.k, static_cast<T>(alpha), a.data(), lda, b.data(), ldb, static_cast<T>(beta),
             c.data(), ldc);
          const double tol = sizeof(T) == 4 ? 1e-5 : 1e-13;
          for (int i = 0; i < s.m; ++i) {
            for (int j = 0; j < ldc; ++j) {
              const auto at = static_cast<std::size_t>(i * ldc + j);
              // Columns past n are not C's: untouched.
              if (j >= s.n) {
                ASSERT_EQ(c[at], want[at]) << "wrote past n at " << i << "," << j;
              } else {
                ASSERT_NEAR(c[at], want[at], tol * (s.k + std::abs(want[at]))) << i << "," << j;
              }
            }
          }
        }
      }
    }
  }
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

TEST(BlasSelect, EveryCandidateComputesProducts) {
  // Under AddressSanitizer, LeakSanitizer's exit-time tracer crashes (signal 11 in the
  // tracer, after the test passed) on the OpenMP worker threads oneDNN starts; one
  // thread avoids them. Set before the candidates load their OpenMP runtime.
  if (kUnderAsan) ::setenv("OMP_NUM_THREADS", "1", 0);
  const std::vector<blas::GemmImpl>& impls = blas::gemm_impls();
  ASSERT_FALSE(impls.empty());
  EXPECT_EQ(impls.front().name, "openblas");
  for (const blas::GemmImpl& impl : impls) {
    ASSERT_NE(impl.sgemm, nullptr) << impl.name;
    check_gemm<float>(impl.sgemm, impl.name + " [" + impl.kernel + "] sgemm");
    if (impl.dgemm != nullptr) check_gemm<double>(impl.dgemm, impl.name + " [" + impl.kernel + "] dgemm");
  }
}

TEST(BlasSelect, TheChoiceIsACandidateThatFitsTheCpu) {
  const std::vector<blas::GemmImpl>& impls = blas::gemm_impls();
  const blas::GemmImpl& s = blas::sgemm_impl();
  const blas::GemmImpl& d = blas::dgemm_impl();
  auto listed = [&](const blas::GemmImpl& x) {
    return std::any_of(impls.begin(), impls.end(), [&](const blas::GemmImpl& i) { return &i == &x; });
  };
  EXPECT_TRUE(listed(s));
  EXPECT_TRUE(listed(d));
  EXPECT_NE(d.dgemm, nullptr);
  // The dispatching entry points run the chosen ones.
  check_gemm<float>([](bool ta, bool tb, int m, int n, int k, float al, const float* a, int lda, const float* b,
                       int ldb, float be, float* c, int ldc) { blas::gemm(ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc); },
                    "chosen sgemm");
  check_gemm<double>([](bool ta, bool tb, int m, int n, int k, double al, const double* a, int lda, const double* b,
                        int ldb, double be, double* c, int ldc) { blas::gemm(ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc); },
                     "chosen dgemm");
  const std::string report = blas::selection_report();
  EXPECT_NE(report.find("avx2"), std::string::npos) << report;
  EXPECT_NE(report.find("sgemm: " + s.name), std::string::npos) << report;
  // OpenBLAS is only kept on a CPU with AVX-512 when its kernel uses AVX-512.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && s.name == "openblas" && std::getenv("HYPATIA_BLAS") == nullptr) {
    std::string k = s.kernel;
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    EXPECT_TRUE(k == "skylakex" || k == "cooperlake" || k == "sapphirerapids") << report;
  }
}

}  // namespace
}  // namespace hypatia
