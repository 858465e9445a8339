// The row kernels (src/backend/cpu/native_rows.cpp) under the backend flags and thread
// counts: `sleef=0` runs libm's scalar code, the interpreter's values bit for bit (rows
// below 2^18 elements); vector_math=sleef|auto takes SLEEF's u10 exp and
// vector_math=libmvec glibc's, each within its documented bound of the interpreter (the
// double reference rounded once); long rows (2^18 elements and more) are cut into
// chunks whose results are the same on one thread and on two.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/native_rows.hpp"
#include "backend/cpu/native_util.hpp"
#include "backend_test_util.hpp"

namespace hypatia {
namespace {

using testing::compile_on;
using testing::expect_identical;
using testing::FlagsScope;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

bool skip() { return !cpu::compiler_available() || !cpu::native_rows_available(); }

using testing::spread;

std::vector<Variable> row_ops(const Variable& x) {
  const std::int64_t last = x.ndim() - 1;
  return {softmax(x, last), log_softmax(x, last), logsumexp(x, Axes{last}, false)};
}

// Rows of 11 with edge values, as native_rows_test's, then rows of many lengths.
std::vector<Array> inputs(DType t) {
  std::vector<double> e = {
      0.5,   -1.25, 2,     3.5,   -0.75, 1,     0.25,  -3,    4,     2.5,   -1,     // ordinary
      2,     2,     -1,    2,     0,     1,     2,     -5,    1.5,   2,     0,      // ties of the max
      -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf,  // only -inf
      -kInf, 1,     -kInf, 3,     -kInf, 2,     -kInf, 0,     -kInf, 5,     -kInf,  // some -inf
      1,     kInf,  -2,    -kInf, 0,     3,     1,     1,     1,     1,     1,      // a +inf
      1,     kNaN,  2,     3,     -kInf, 0,     1,     1,     1,     1,     1,      // a NaN, finite max
      1e-30, -1e-30, 0,    -0.0,  1e-30, 0,     0,     0,     -0.0,  0,     0,      // tiny
  };
  std::vector<Array> v = {Array::from_vector(e, {7, 11}).astype(t)};
  for (std::int64_t n : {1, 3, 8, 9, 31, 1000, 4099}) {
    const std::int64_t rows = 3;
    v.push_back(Array::from_vector(spread(static_cast<std::size_t>(rows * n), -60, 20, static_cast<int>(n)), {rows, n})
                    .astype(t));
  }
  return v;
}

// The distance from got to want in units of T's spacing at want (a denormal's step at
// least); NaN against NaN and equal infinities are 0, anything else non-finite +inf.
template <class T>
double ulps(double got, double want) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got) ? 0 : kInf;
  if (got == want) return 0;
  if (!std::isfinite(want) || !std::isfinite(got)) return kInf;
  const T w = static_cast<T>(want);
  const double step = std::max(static_cast<double>(std::nextafter(std::abs(w), std::numeric_limits<T>::infinity()) -
                                                   std::abs(w)),
                               static_cast<double>(std::numeric_limits<T>::denorm_min()));
  return std::abs(got - want) / step;
}

// The documented bounds (docs/design.md, "Row kernels"), in ULP of the result type.
// float32, from the interpreter's value (the double reference rounded once): SLEEF 4
// (expf u10, the TwoSum correction, 1/sum and the product rounded in float), libmvec 7
// (its expf within 4), libm on a long row 1 (its chunked double sum, rounded to float).
// float64, from the exact value of the reference's own formula (its double x - max
// taken as exact: the reference rounds it too): the exp and the last operations (SLEEF
// 3, libmvec 6, libm 2) plus the rounding of the sum of exponentials, at most twice the
// terms added one after the other in one accumulator: n / 4 per AVX2 lane (at most
// 2^14 / 4 in a long row's chunk, then one per chunk), n in libm's one loop.
struct Bound {
  double f32 = 0;
  double f64 = 0;
};

constexpr std::int64_t kChunk = std::int64_t{1} << 14, kLongRow = std::int64_t{1} << 18;

double sum_ulps(cpu::RowExpSource source, std::int64_t n) {
  const std::int64_t chunks = (n + kChunk - 1) / kChunk;
  if (source == cpu::RowExpSource::libm) return 2.0 * static_cast<double>(n < kLongRow ? n : kChunk + chunks);
  return 2.0 * static_cast<double>(std::min(n, kChunk) / 4 + chunks + 4);
}

// The exact softmax, log_softmax and logsumexp of a row with a finite max, in long
// double, from the row's double differences x - max; the sum is 1 + the other terms,
// whose log is log1p(others) (1 + a tiny sum would lose it even in long double).
std::vector<std::vector<long double>> exact_row(const double* x, std::int64_t n) {
  const std::int64_t top = std::max_element(x, x + n) - x;
  const double m = x[top];
  long double others = 0;
  for (std::int64_t j = 0; j < n; ++j) others += j == top ? 0 : std::exp(static_cast<long double>(x[j] - m));
  const long double log_s = std::log1p(others);
  std::vector<std::vector<long double>> r(3);
  for (std::int64_t j = 0; j < n; ++j) {
    const long double d = x[j] - m;
    r[0].push_back(std::exp(d) / (1 + others));
    r[1].push_back(d - log_s);
  }
  r[2].push_back(static_cast<long double>(m) + log_s);
  return r;
}

// The largest distance, in ULP, of each of the three ops over `xs` (2-d), cpu against
// the bounds' reference: the interpreter for float32 and for rows whose max is not
// finite (their values are the reference's own formula: 0 ULP), the exact value for
// float64 less the sum's rounding allowance (so a negative figure is a margin).
std::vector<double> worst_ulps(DType t, const std::vector<Array>& xs) {
  Variable x = matrix("x", t);
  const std::vector<Variable> outs = row_ops(x);
  Function cpu = compile_on("cpu", {x}, outs);
  Function ref = compile_on("interp", {x}, outs);
  const cpu::RowExpSource source = cpu::row_exp_source();
  std::vector<double> worst(outs.size(), -kInf);
  for (const Array& a : xs) {
    const std::vector<Array> got = cpu({a}), want = ref({a});
    const std::int64_t rows = a.shape()[0], n = a.shape()[1];
    const std::vector<double> xv = a.to_vector<double>();
    for (std::int64_t r = 0; r < rows; ++r) {
      const double* row = xv.data() + r * n;
      bool finite = n > 0;
      for (std::int64_t j = 0; j < n; ++j) finite = finite && !std::isnan(row[j]);
      finite = finite && std::isfinite(*std::max_element(row, row + n));
      const std::vector<std::vector<long double>> ex =
          finite && t == DType::float64 ? exact_row(row, n) : std::vector<std::vector<long double>>{};
      for (std::size_t i = 0; i < outs.size(); ++i) {
        const std::int64_t per_row = i == 2 ? 1 : n;
        const std::vector<double> g = got[i].to_vector<double>(), w = want[i].to_vector<double>();
        for (std::int64_t j = 0; j < per_row; ++j) {
          const auto k = static_cast<std::size_t>(r * per_row + j);
          double u = 0;
          if (t == DType::float32) {
            u = ulps<float>(g[k], w[k]);
          } else if (ex.empty()) {
            u = ulps<double>(g[k], w[k]);
          } else {
            const long double e = ex[i][static_cast<std::size_t>(j)];
            const double step = std::max(std::nextafter(std::abs(static_cast<double>(e)), kInf) -
                                             std::abs(static_cast<double>(e)),
                                         std::numeric_limits<double>::denorm_min());
            u = static_cast<double>(std::abs(static_cast<long double>(g[k]) - e) / step) - sum_ulps(source, n);
          }
          worst[i] = std::max(worst[i], u);
        }
      }
    }
  }
  return worst;
}

const char* source_name(cpu::RowExpSource s) {
  switch (s) {
    case cpu::RowExpSource::sleef: return "sleef";
    case cpu::RowExpSource::libmvec: return "libmvec";
    case cpu::RowExpSource::libm: return "libm";
  }
  return "?";
}

TEST(NativeRowsFlags, FlagsChooseTheExp) {
  if (skip()) GTEST_SKIP() << "no row kernels here";
  const bool vector = avx2_fma();
  const bool sleef = vector && !cpu::sleef_library().empty();
  const bool mvec = vector && !cpu::libmvec_library().empty();
  const auto source = [](const std::string& flags) {
    const FlagsScope scope(flags);
    return std::string(source_name(cpu::row_exp_source()));
  };
  EXPECT_EQ(source("sleef=0"), "libm");
  EXPECT_EQ(source("sleef=0,vector_math=libmvec"), "libm");  // off means no vector library, as the fused kernels
  EXPECT_EQ(source("vector_math=sleef"), sleef ? "sleef" : "libm");
  EXPECT_EQ(source("vector_math=auto"), sleef ? "sleef" : "libm");
  EXPECT_EQ(source("vector_math=libmvec"), mvec ? "libmvec" : sleef ? "sleef" : "libm");
  // Kept whole under every setting here but on a CPU without AVX2 + FMA whose fused
  // kernels have SLEEF; a mistyped flag is the compiler's error to report, not this
  // decision's.
  for (const char* flags : {"sleef=0", "vector_math=libmvec", "vector_math=sleef", "sleef=maybe"}) {
    const FlagsScope scope(flags);
    EXPECT_EQ(cpu::native_rows_available(), vector || cpu::sleef_library().empty() ||
                                                std::string(flags) == "sleef=0" || std::string(flags) == "sleef=maybe")
        << flags;
  }
}

// sleef=0: the reference's formulas in libm, so every value is the interpreter's, edge
// rows included, for softmax, log_softmax and logsumexp over trailing axes and strided
// inputs.
TEST(NativeRowsFlags, SleefOffIsTheInterpreterBitForBit) {
  if (skip()) GTEST_SKIP() << "no row kernels here";
  const FlagsScope scope("sleef=0");
  ASSERT_EQ(cpu::row_exp_source(), cpu::RowExpSource::libm);
  for (DType t : {DType::float32, DType::float64}) {
    Variable x = matrix("x", t);
    const std::vector<Variable> outs = row_ops(x);
    Function cpu = compile_on("cpu", {x}, outs);
    Function ref = compile_on("interp", {x}, outs);
    std::vector<Array> xs = inputs(t);
    xs.push_back(xs.back().transpose({1, 0}));
    xs.push_back(xs[5].slice(1, 0, 1000, 3));
    for (std::size_t k = 0; k < xs.size(); ++k) {
      const std::vector<Array> got = cpu({xs[k]}), want = ref({xs[k]});
      for (std::size_t i = 0; i < outs.size(); ++i) {
        expect_identical(got[i], want[i], std::string(dtype_name(t)) + " input " + std::to_string(k) + " op " +
                                              std::to_string(i));
      }
    }
    Variable y = tensor3("y", t);
    const std::vector<Variable> louts = {logsumexp(y, Axes{1, 2}, true), softmax(y, 2), log_softmax(y, 2)};
    const Array ys = Array::from_vector(spread(4 * 6 * 7, -5, 5, 4), {4, 6, 7}).astype(t);
    const std::vector<Array> got = compile_on("cpu", {y}, louts)({ys}), want = compile_on("interp", {y}, louts)({ys});
    for (std::size_t i = 0; i < louts.size(); ++i) expect_identical(got[i], want[i], "3-d " + std::to_string(i));
  }
}

// Within the bounds above (the measured worst cases are printed).
void check_bounds(const std::string& flags, cpu::RowExpSource want, Bound bound) {
  const FlagsScope scope(flags);
  if (cpu::row_exp_source() != want) GTEST_SKIP() << flags << ": " << source_name(want) << " is not loadable here";
  for (DType t : {DType::float32, DType::float64}) {
    const std::vector<double> w = worst_ulps(t, inputs(t));
    const char* names[] = {"softmax", "log_softmax", "logsumexp"};
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::printf("%s %s %s: %.2f ulp\n", flags.c_str(), std::string(dtype_name(t)).c_str(), names[i], w[i]);
      EXPECT_LE(w[i], t == DType::float32 ? bound.f32 : bound.f64) << flags << " " << dtype_name(t) << " " << names[i];
    }
  }
}

TEST(NativeRowsFlags, SleefWithinBounds) {
  if (skip()) GTEST_SKIP() << "no row kernels here";
  check_bounds("vector_math=sleef", cpu::RowExpSource::sleef, {4, 3});
}

TEST(NativeRowsFlags, LibmvecWithinBounds) {
  if (skip()) GTEST_SKIP() << "no row kernels here";
  check_bounds("vector_math=libmvec", cpu::RowExpSource::libmvec, {7, 6});
}

// The switch is real: SLEEF and libmvec give different bits somewhere in float64.
TEST(NativeRowsFlags, LibmvecAndSleefDiffer) {
  if (skip()) GTEST_SKIP() << "no row kernels here";
  Variable x = matrix("x", DType::float64);
  const Array a = Array::from_vector(spread(4 * 1000, -30, 5, 8), {4, 1000});
  const auto run = [&](const std::string& flags) {
    const FlagsScope scope(flags);
    return std::make_pair(cpu::row_exp_source(), compile_on("cpu", {x}, {softmax(x, 1)})({a})[0].to_vector<double>());
  };
  const auto [s, sv] = run("vector_math=sleef");
  const auto [m, mv] = run("vector_math=libmvec");
  if (s != cpu::RowExpSource::sleef || m != cpu::RowExpSource::libmvec) GTEST_SKIP() << "SLEEF or libmvec missing";
  EXPECT_NE(sv, mv);
}

// Long rows (the chunked path): one row of 2^18 + 5 elements with a chunk of only -inf
// and ties of its max in two chunks, and (default flags) two rows of 2^18 + 3 with a
// NaN in one and a +inf in the other; the same bits on one thread and on two under every flag setting, and
// within the bounds (libm: its chunked sums are no longer the reference's order).
TEST(NativeRowsFlags, LongRowsSameOnOneAndTwoThreads) {
  if (skip()) GTEST_SKIP() << "no row kernels here";
  struct Reset {
    ~Reset() { cpu::native::set_team_size(0); }
  } reset;
  const std::int64_t n1 = kLongRow + 5, n2 = kLongRow + 3;
  std::vector<double> one = spread(static_cast<std::size_t>(n1), -40, 10, 1);
  std::fill(one.begin() + 3 * kChunk, one.begin() + 4 * kChunk, -kInf);
  one[static_cast<std::size_t>(kChunk + 17)] = one[static_cast<std::size_t>(5 * kChunk + 1)] = 12.5;
  std::vector<double> two = spread(static_cast<std::size_t>(2 * n2), -40, 10, 2);
  two[static_cast<std::size_t>(7 * kChunk + 2)] = kNaN;
  two[static_cast<std::size_t>(n2 + 2 * kChunk + 9)] = kInf;
  for (const char* flags : {"vector_math=auto", "vector_math=libmvec", "sleef=0"}) {
    const FlagsScope scope(flags);
    for (DType t : {DType::float32, DType::float64}) {
      // The two rows (rows split among threads, the non-finite rows) once, by default.
      std::vector<Array> xs = {Array::from_vector(one, {1, n1}).astype(t)};
      if (std::string(flags) == "vector_math=auto") xs.push_back(Array::from_vector(two, {2, n2}).astype(t));
      Variable x = matrix("x", t);
      const std::vector<Variable> outs = row_ops(x);
      Function cpu = compile_on("cpu", {x}, outs);
      for (const Array& a : xs) {
        cpu::native::set_team_size(1);
        const std::vector<Array> one = cpu({a});
        cpu::native::set_team_size(2);
        const std::vector<Array> two = cpu({a});
        for (std::size_t i = 0; i < outs.size(); ++i) {
          expect_identical(two[i], one[i], std::string(flags) + " " + std::string(dtype_name(t)) + " " +
                                               shape_str(a.shape()) + " op " + std::to_string(i));
        }
      }
      const std::vector<double> w = worst_ulps(t, xs);
      const cpu::RowExpSource source = cpu::row_exp_source();
      const double bound = source == cpu::RowExpSource::libm      ? t == DType::float32 ? 1 : 2
                           : source == cpu::RowExpSource::libmvec ? t == DType::float32 ? 7 : 6
                                                                   : t == DType::float32 ? 4 : 3;
      for (std::size_t i = 0; i < w.size(); ++i) {
        std::printf("long rows %s %s op %zu: %.2f ulp\n", flags, std::string(dtype_name(t)).c_str(), i, w[i]);
        EXPECT_LE(w[i], bound) << flags << " " << dtype_name(t) << " op " << i;
      }
    }
  }
}

}  // namespace
}  // namespace hypatia
