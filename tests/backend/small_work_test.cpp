// Small work on the cpu backend (issue 7's W4 and W5):
// - the logistic loss's sigmoid and softplus share one exp(-|z|) after the decompose
//   phase (src/rewrite/rules/decompose_sigmoid.cpp), with their values kept;
// - OpenBLAS runs products below blas::kOneThreadWork on one thread
//   (backend/cpu/blas_select.hpp), and products either side of the figure are right;
// - a kernel's values do not depend on whether it starts a team (render.cpp's
//   HP_PARALLEL_WORK).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/blas_select.hpp"
#include "backend/cpu/compiler.hpp"
#include "graph/op.hpp"
#include "backend_test_util.hpp"
#include "hypatia/hypatia.hpp"

namespace hypatia {
namespace {

using testing::FlagsScope;

bool skip_without_compiler() { return !cpu::compiler_available(); }

std::map<std::string, int> op_counts(const Function& f) {
  std::map<std::string, int> n;
  for (const auto& node : topological_order(f.compiled_outputs())) ++n[node->op().name];
  return n;
}

// Theano's tutorial loss as bench/peers.py's W5 writes it, and its gradient.
struct Logistic {
  Variable a = matrix("A", DType::float32), b = vector("b", DType::float32), w = vector("w", DType::float32);
  Variable loss, grad_w;
  Logistic() {
    const Variable p = sigmoid(dot(a, w));
    loss = mean(-b * log(p) - (1 - b) * log(1 - p));
    grad_w = grad(loss, w);
  }
};

TEST(SmallWork, LogisticLossComputesOneExp) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  const Logistic g;
  const Function f = function({g.a, g.b, g.w}, {g.loss, g.grad_w});
  ASSERT_EQ(f.linker(), "cpu");
  const auto n = op_counts(f);
  EXPECT_EQ(n.count("sigmoid") + n.count("softplus"), 0U) << f.graph_text();
  EXPECT_EQ(n.count("exp") ? n.at("exp") : 0, 1) << f.graph_text();
  EXPECT_EQ(n.count("log1p") ? n.at("log1p") : 0, 1) << f.graph_text();

  // Rows scaled so that z = A w spans +-300 (exp(300) overflows float32): the loss
  // stays finite. The reference: double loops, softplus(z) - b z.
  const std::int64_t rows = 1003, cols = 37;
  std::mt19937 rng(7);
  std::normal_distribution<float> u(0, 1);
  std::vector<float> av(static_cast<std::size_t>(rows * cols)), bv(rows), wv(cols);
  for (float& v : wv) v = 0.1F * u(rng);
  for (std::int64_t i = 0; i < rows; ++i) {
    const float scale = i % 10 == 0 ? 300.0F : i % 10 == 1 ? 30.0F : 1.0F;
    for (std::int64_t j = 0; j < cols; ++j) av[static_cast<std::size_t>(i * cols + j)] = scale * u(rng);
    bv[static_cast<std::size_t>(i)] = i % 3 == 0 ? 1.0F : 0.0F;
  }
  std::vector<double> z(rows);
  for (std::int64_t i = 0; i < rows; ++i) {
    double s = 0;
    for (std::int64_t j = 0; j < cols; ++j) s += double(av[static_cast<std::size_t>(i * cols + j)]) * wv[static_cast<std::size_t>(j)];
    z[static_cast<std::size_t>(i)] = s;
  }
  double loss = 0;
  std::vector<double> gw(cols, 0.0);
  for (std::int64_t i = 0; i < rows; ++i) {
    const double zi = z[static_cast<std::size_t>(i)], bi = bv[static_cast<std::size_t>(i)];
    loss += std::max(zi, 0.0) + std::log1p(std::exp(-std::abs(zi))) - bi * zi;
    const double r = (1 / (1 + std::exp(-zi)) - bi) / double(rows);
    for (std::int64_t j = 0; j < cols; ++j) gw[static_cast<std::size_t>(j)] += av[static_cast<std::size_t>(i * cols + j)] * r;
  }
  loss /= double(rows);
  const std::vector<Array> out = f({Array::from_vector(av, {rows, cols}), Array::from_vector(bv, {rows}),
                                    Array::from_vector(wv, {cols})});
  ASSERT_EQ(out[0].dtype(), DType::float32);
  EXPECT_NEAR(out[0].to_vector<double>()[0], loss, 1e-5 * std::abs(loss));
  const std::vector<double> got = out[1].to_vector<double>();
  double gmax = 0;
  for (double v : gw) gmax = std::max(gmax, std::abs(v));
  for (std::int64_t j = 0; j < cols; ++j) {
    EXPECT_NEAR(got[static_cast<std::size_t>(j)], gw[static_cast<std::size_t>(j)], 1e-4 * gmax) << "grad " << j;
  }
}

// sigmoid and softplus of x and -x, decomposed on the cpu backend, against the
// formulas in double, at edge values: +-0, tiny, huge, +-inf, NaN, both branches.
TEST(SmallWork, DecomposedSigmoidAndSoftplusKeepTheirValues) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> xs = {0.0, -0.0, 1e-30, -1e-30, 1e-3, -1e-3, 0.5, -0.5, 1, -1, 5, -5, 17, -17, 20, -20,
                            40, -40, 88, -88, 89, -89, 100, -100, 300, -300, 710, -710, 1e30, -1e30, inf, -inf, nan};
  for (int i = 0; i < 70; ++i) xs.push_back(-35 + i);  // vector bodies and a scalar tail
  auto sig = [](double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); };
  auto sp = [](double x) { return std::isnan(x) ? x : std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); };
  for (DType t : {DType::float32, DType::float64}) {
    SCOPED_TRACE(dtype_name(t));
    const Variable x = vector("x", t);
    const Function f = function({x}, {sigmoid(x), sigmoid(-x), softplus(x), softplus(-x)});
    ASSERT_EQ(f.linker(), "cpu");
    const auto n = op_counts(f);
    EXPECT_EQ(n.count("sigmoid") + n.count("softplus"), 0U) << f.graph_text();
    EXPECT_EQ(n.at("exp"), 1) << f.graph_text();
    const Array in = Array::from_vector(xs, {static_cast<std::int64_t>(xs.size())}).astype(t);
    const std::vector<double> xv = in.to_vector<double>();  // as rounded to t
    const std::vector<Array> out = f({in});
    const double tol = t == DType::float32 ? 4e-7 : 4e-16;  // SLEEF's u35 / u10 functions
    for (int k = 0; k < 4; ++k) {
      ASSERT_EQ(out[static_cast<std::size_t>(k)].dtype(), t);
      const std::vector<double> got = out[static_cast<std::size_t>(k)].to_vector<double>();
      for (std::size_t i = 0; i < xv.size(); ++i) {
        const double arg = k % 2 == 0 ? xv[i] : -xv[i];
        double want = k < 2 ? sig(arg) : sp(arg);
        if (t == DType::float32) want = static_cast<float>(want);
        if (std::isnan(want)) {
          EXPECT_TRUE(std::isnan(got[i])) << "output " << k << " at x = " << xv[i];
        } else if (std::isinf(want) || want == 0) {
          EXPECT_EQ(got[i], want) << "output " << k << " at x = " << xv[i];
        } else {
          EXPECT_NEAR(got[i], want, tol * std::abs(want) + std::numeric_limits<double>::denorm_min())
              << "output " << k << " at x = " << xv[i];
        }
      }
    }
  }
}

TEST(SmallWork, OpenBlasThreadsFollowTheProductSize) {
  const int all = cpu::blas::openblas_threads_for(4096, 4096, 4096);
  EXPECT_GE(all, 1);
  cpu::blas::set_one_thread_work(1000);
  EXPECT_EQ(cpu::blas::openblas_threads_for(10, 10, 9), 1);
  EXPECT_EQ(cpu::blas::openblas_threads_for(10, 10, 10), all);
  EXPECT_EQ(cpu::blas::openblas_threads_for(1, 1000, 1), all);
  cpu::blas::set_one_thread_work(0);
  EXPECT_EQ(cpu::blas::openblas_threads_for(1, 1, 1), all);
  cpu::blas::set_one_thread_work(-1);
  EXPECT_EQ(cpu::blas::one_thread_work(), cpu::blas::kOneThreadWork);
  EXPECT_EQ(cpu::blas::openblas_threads_for(16, 16, 16), 1);
}

// Products just below, at and above the one-thread figure (so on one thread and on
// OpenBLAS's count), both dtypes, against a loop in long double.
TEST(SmallWork, ProductsRightEitherSideOfTheThreadFigure) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  const std::int64_t m0 = 48, n = 40, k = 50;
  const int count_before = cpu::blas::openblas_threads_for(4096, 4096, 4096);  // OpenBLAS's count
  cpu::blas::set_one_thread_work(m0 * n * k);
  for (DType t : {DType::float32, DType::float64}) {
    const Variable a = matrix("a", t), b = matrix("b", t);
    const Function f = function({a, b}, {dot(a, b)});
    ASSERT_EQ(f.linker(), "cpu");
    for (std::int64_t m : {m0 - 1, m0, m0 + 1}) {
      SCOPED_TRACE(std::string(dtype_name(t)) + " m=" + std::to_string(m));
      EXPECT_EQ(cpu::blas::openblas_threads_for(static_cast<int>(m), n, k) == 1, m < m0);
      std::vector<double> av(static_cast<std::size_t>(m * k)), bv(static_cast<std::size_t>(k * n));
      for (std::size_t i = 0; i < av.size(); ++i) av[i] = static_cast<double>(static_cast<int>(i * 7 % 19) - 9) / 8;
      for (std::size_t i = 0; i < bv.size(); ++i) bv[i] = static_cast<double>(static_cast<int>(i * 5 % 23) - 11) / 4;
      const Array got = f({Array::from_vector(av, {m, k}).astype(t), Array::from_vector(bv, {k, n}).astype(t)})[0];
      const std::vector<double> g = got.to_vector<double>();
      for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) {
          long double s = 0;
          for (std::int64_t p = 0; p < k; ++p) {
            s += static_cast<long double>(av[static_cast<std::size_t>(i * k + p)]) * bv[static_cast<std::size_t>(p * n + j)];
          }
          // Multiples of 1/32 with small sums: exact in both dtypes.
          EXPECT_EQ(g[static_cast<std::size_t>(i * n + j)], static_cast<double>(s)) << i << ", " << j;
        }
      }
    }
  }
  cpu::blas::set_one_thread_work(-1);
  // The products on one thread gave OpenBLAS its count back (NumPy shares it).
  EXPECT_EQ(cpu::blas::openblas_threads_for(4096, 4096, 4096), count_before);
}

// The same kernels compiled to always start a team and never to: equal bits
// (elementwise points are computed alone; reductions split across rows that own
// their outputs, or along a kept last axis: cpu_colsum_test.cpp).
TEST(SmallWork, TeamOrNotSameValues) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = matrix("x", DType::float32), y = matrix("y", DType::float32);
  const std::vector<Variable> outs = {exp(-x * x) * y + tanh(x), sum(tanh(x) * y, Axes{1}), sum(exp(x), Axes{0})};
  std::vector<float> xv(64 * 517), yv(64 * 517);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-3, 3);
  for (float& v : xv) v = u(rng);
  for (float& v : yv) v = u(rng);
  const std::vector<Array> args = {Array::from_vector(xv, {64, 517}), Array::from_vector(yv, {64, 517})};
  std::vector<std::vector<Array>> results;
  for (const char* work : {"0", "1000000000000"}) {
    const FlagsScope scope(std::string("cxxflags=-DHP_PARALLEL_WORK=") + work);
    const Function f = function({x, y}, outs);
    ASSERT_EQ(f.linker(), "cpu");
    results.push_back(f(args));
  }
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const Array a = results[0][i].copy(), b = results[1][i].copy();
    ASSERT_EQ(a.shape(), b.shape());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.nbytes()), 0) << "output " << i;
  }
}

}  // namespace
}  // namespace hypatia
