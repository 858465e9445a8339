// OpenBLAS from several threads at once (backend/cpu/blas_select.hpp): small products
// run on one thread and large ones on OpenBLAS's count even when both kinds run at
// once, and the count is the one it was when the calls end; and sgemm with beta 0,
// run as a memset and beta 1 (blas_select.cpp, zero_c_first), gives the bits of
// OpenBLAS's own beta 0 call, never reading C's old contents.
#include <gtest/gtest.h>

#include <cblas.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "backend/cpu/blas_select.hpp"
#include "backend_test_util.hpp"
#include "hypatia/hypatia.hpp"

namespace hypatia {
namespace {

using testing::compile_on;

Array filled(std::int64_t rows, std::int64_t cols, int seed) {
  std::vector<float> v(static_cast<std::size_t>(rows * cols));
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<float>(static_cast<int>((i * 37 + static_cast<std::size_t>(seed) * 11) % 29) - 14) / 16.0f;
  }
  return Array::from_vector(v, {rows, cols});
}

bool same_bits(const Array& a, const Array& b) {
  const Array x = a.copy(), y = b.copy();
  return x.shape() == y.shape() && std::memcmp(x.data(), y.data(), x.nbytes()) == 0;
}

// Threads calling functions whose products are small (one OpenBLAS thread) and large
// (OpenBLAS's count) at once: every result has the bits it has alone, a large
// product's thread count is never the 1 of a small turn, and the count is given back.
TEST(BlasTurns, ConcurrentSmallAndLargeProducts) {
  const int count = openblas_get_num_threads();
  const Variable a = matrix("a", DType::float32), b = matrix("b", DType::float32);
  const Variable u = vector("u", DType::float32), v = vector("v", DType::float32);
  const Function product = compile_on("cpu", {a, b}, {dot(a, b)});
  const Function inner = compile_on("cpu", {u, v}, {dot(u, v)});
  const std::vector<Array> small{filled(48, 40, 1), filled(40, 56, 2)};    // 107520 multiply-adds
  const std::vector<Array> large{filled(256, 192, 3), filled(192, 160, 4)};  // 7.9M, above kOneThreadWork
  const std::vector<Array> vecs{filled(1, 300000, 5).reshape({300000}), filled(1, 300000, 6).reshape({300000})};
  ASSERT_EQ(cpu::blas::openblas_threads_for(48, 56, 40), 1);
  ASSERT_EQ(cpu::blas::openblas_threads_for(256, 160, 192), std::max(1, count));
  const Array want_small = product(small)[0], want_large = product(large)[0], want_dot = inner(vecs)[0];

  std::atomic<int> wrong{0}, one_thread_large{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        switch ((i + t) % 3) {
          case 0: wrong += !same_bits(product(small)[0], want_small); break;
          case 1: wrong += !same_bits(product(large)[0], want_large); break;
          default: wrong += !same_bits(inner(vecs)[0], want_dot); break;
        }
        // What a large product starting now would run on.
        one_thread_large += cpu::blas::openblas_threads_for(256, 160, 192) != std::max(1, count);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0) << "a result differs from the same call alone";
  EXPECT_EQ(one_thread_large.load(), 0) << "a large product would have run on a small turn's thread count";
  EXPECT_EQ(openblas_get_num_threads(), count) << "OpenBLAS's thread count was not given back";
}

const cpu::blas::GemmImpl* openblas_impl() {
  for (const cpu::blas::GemmImpl& g : cpu::blas::gemm_impls()) {
    if (g.name == "openblas") return &g;
  }
  return nullptr;
}

struct GemmCase {
  int m, n, k;
  bool ta, tb;
  int pad;  // ldc - n
};

// OpenBLAS's own beta 0 call on the thread count the wrapper uses, C prefilled.
std::vector<float> openblas_beta0(const GemmCase& g, const std::vector<float>& a, const std::vector<float>& b,
                                  std::vector<float> c) {
  const int had = openblas_get_num_threads();
  openblas_set_num_threads(cpu::blas::openblas_threads_for(g.m, g.n, g.k));
  const int lda = g.ta ? g.m : g.k, ldb = g.tb ? g.k : g.n;
  cblas_sgemm(CblasRowMajor, g.ta ? CblasTrans : CblasNoTrans, g.tb ? CblasTrans : CblasNoTrans, g.m, g.n, g.k, 1.0f,
              a.data(), lda, b.data(), ldb, 0.0f, c.data(), g.n + g.pad);
  openblas_set_num_threads(had);
  return c;
}

// Shapes either side of where the memset pays most (small k, large C) and of the
// one-thread figure, transposes, a C with padding between rows; C full of NaN (or
// infinities and -0.0) before the call.
TEST(BlasTurns, ZeroedCGivesTheBitsOfBetaZero) {
  const cpu::blas::GemmImpl* impl = openblas_impl();
  ASSERT_NE(impl, nullptr);
  std::cout << "OpenBLAS kernel " << impl->kernel << ", memset for beta 0: "
            << (cpu::blas::zeroes_c_first() ? "yes" : "no") << "\n";
  const GemmCase cases[] = {{784, 512, 128, true, false, 0}, {512, 512, 128, true, false, 0},
                            {128, 512, 784, false, false, 0}, {128, 512, 512, false, true, 0},
                            {33, 17, 5, false, false, 3},     {64, 64, 64, true, true, 1},
                            {1000, 8, 3, false, false, 0},    {7, 300, 900, true, false, 2}};
  const char* off = std::getenv("HYPATIA_BLAS_ZERO_C");
  if ((impl->kernel == "Zen" || impl->kernel == "Haswell") && !(off && std::string(off) == "0")) {
    EXPECT_TRUE(cpu::blas::zeroes_c_first()) << "the memset is for OpenBLAS's " << impl->kernel << " kernel";
  }
  // The default (the memset where the kernel was checked for it), then without it.
  for (int on : {-1, 0}) {
    cpu::blas::set_zero_c_first(on);
    for (const GemmCase& g : cases) {
      std::vector<float> a(static_cast<std::size_t>(g.m) * static_cast<std::size_t>(g.k));
      std::vector<float> b(static_cast<std::size_t>(g.k) * static_cast<std::size_t>(g.n));
      for (std::size_t i = 0; i < a.size(); ++i) {
        // Runs of zeros (-0.0 among them) and one NaN.
        a[i] = i % 97 < 9 ? (i % 2 ? -0.0f : 0.0f) : static_cast<float>(static_cast<int>(i * 13 % 31) - 15) / 7.0f;
      }
      for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(static_cast<int>(i * 7 % 23) - 11) / 3.0f;
      a[5] = std::numeric_limits<float>::quiet_NaN();
      const std::size_t csize = static_cast<std::size_t>(g.m) * static_cast<std::size_t>(g.n + g.pad);
      for (int fill = 0; fill < 2; ++fill) {
        std::vector<float> c(csize, std::numeric_limits<float>::quiet_NaN());
        if (fill == 1) {
          for (std::size_t i = 0; i < c.size(); ++i) c[i] = i % 2 ? -0.0f : -std::numeric_limits<float>::infinity();
        }
        const std::vector<float> want = openblas_beta0(g, a, b, c);
        const int lda = g.ta ? g.m : g.k, ldb = g.tb ? g.k : g.n;
        impl->sgemm(g.ta, g.tb, g.m, g.n, g.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), g.n + g.pad);
        EXPECT_EQ(std::memcmp(c.data(), want.data(), csize * sizeof(float)), 0)
            << g.m << "x" << g.n << "x" << g.k << (g.ta ? " A^T" : "") << (g.tb ? " B^T" : "") << " ldc " << g.n + g.pad
            << ", C filled with " << (fill ? "inf and -0.0" : "NaN") << ", memset " << cpu::blas::zeroes_c_first();
        // No old value survives where the product writes (the padding keeps its own).
        for (int i = 0; i < g.m; ++i) {
          for (int j = 0; j < g.n; ++j) {
            const float x = c[static_cast<std::size_t>(i) * static_cast<std::size_t>(g.n + g.pad) + static_cast<std::size_t>(j)];
            if (std::isinf(x)) ADD_FAILURE() << "an old infinity survived at " << i << ", " << j;
          }
        }
      }
    }
  }
  cpu::blas::set_zero_c_first(-1);
}

}  // namespace
}  // namespace hypatia
