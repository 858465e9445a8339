// The decompose phase on the cpu backend: the composite ops (softmax, log_softmax,
// logsumexp, logaddexp, log1mexp, var, std), argmax/argmin and float32 sums across
// rows run as fused kernels, with the values of their reference kernels (the
// interpreter, which keeps the composites) on rows of -inf, +inf, NaN, huge values,
// along any axis, with keepdims, and on size-0 and size-1 axes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/executor.hpp"
#include "backend_test_util.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_cpu_matches_interp;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows of a 9 x 6 matrix: ordinary, one dominating element, ties, all -inf, some
// -inf, a +inf, a NaN, huge, tiny.
Array edge_rows(DType t) {
  const double huge = t == DType::float32 ? 3e38 : 1e300;
  std::vector<double> v = {
      0.5,   -1.25, 2,     3.5,   -0.75, 1,      // ordinary
      0,     -30,   -40,   -25,   -50,   -60,    // one element dominates
      2,     2,     -1,    2,     0,     1,      // ties of the max
      -kInf, -kInf, -kInf, -kInf, -kInf, -kInf,  // only -inf
      -kInf, 1,     -kInf, 3,     -kInf, 2,      // some -inf
      1,     kInf,  -2,    -kInf, 0,     3,      // a +inf
      1,     kNaN,  2,     kInf,  -kInf, 0,      // a NaN
      huge,  -huge, huge,  1,     0,     -1,     // huge
      1e-30, -1e-30, 0,    -0.0,  1e-30, 0,      // tiny
  };
  return Array::from_vector(v, {9, 6}).astype(t);
}

// Finite values of moderate size, cycled.
Array moderate(DType t, const Shape& shape, int seed) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<double>((i * 7 + static_cast<std::size_t>(seed) * 3) % 13) / 3.0 - 2.0;
  }
  return Array::from_vector(v, shape).astype(t);
}

// The ops the cpu backend leaves on their reference kernels for these outputs, FAST_RUN.
std::vector<std::string> reference_ops(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs) {
  Mode mode;
  mode.linker = "cpu";
  const std::vector<Variable> rewritten = rewrite_graph(outputs, mode.rewrite_options());
  return cpu::Executable(inputs, rewritten).reference_ops();
}

void expect_none_of(const std::vector<std::string>& ops, const std::vector<std::string>& banned) {
  for (const std::string& op : ops) {
    EXPECT_EQ(std::count(banned.begin(), banned.end(), op), 0) << op << " still runs by reference";
  }
}

// The row kernels on or off (backend/cpu/native_rows.hpp): on, softmax and log_softmax
// along the last axis and logsumexp over trailing axes stay whole and run by them
// (tests/backend/native_rows_test.cpp); off (HYPATIA_NATIVE_ROWS=0), they are
// decomposed.
struct RowKernels {
  explicit RowKernels(bool on) {
    if (on) {
      ::unsetenv("HYPATIA_NATIVE_ROWS");
    } else {
      ::setenv("HYPATIA_NATIVE_ROWS", "0", 1);
    }
  }
  ~RowKernels() { ::unsetenv("HYPATIA_NATIVE_ROWS"); }
};

const std::vector<std::string> kComposites = {"softmax", "log_softmax", "logsumexp", "logaddexp", "log1mexp",
                                              "var", "std", "argmax", "argmin", "sum", "mean", "max", "min"};

// Every composite along both axes of the edge rows, float32 and float64, decomposed
// everywhere or with the row kernels where they run: one function per dtype and way.
TEST(CpuDecompose, CompositesOnEdgeRows) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  for (const bool rows : {false, true}) {
    const RowKernels way(rows);
    for (DType t : {DType::float64, DType::float32}) {
      Variable x = matrix("x", t);
      Variable y = matrix("y", t);
      std::vector<Variable> outs;
      for (std::int64_t a : {0, 1}) {
        outs.push_back(softmax(x, a));
        outs.push_back(log_softmax(x, a));
        outs.push_back(logsumexp(x, Axes{a}, false));
        outs.push_back(logsumexp(x, Axes{a}, true));
        outs.push_back(var(x, Axes{a}, 0, false));
        outs.push_back(std(x, Axes{a}, 1, true));
        outs.push_back(argmax(x, a, false));
        outs.push_back(argmin(x, a, true));
      }
      outs.push_back(logsumexp(x, Axes(std::nullopt), false));
      outs.push_back(argmax(x, std::nullopt, false));
      outs.push_back(argmin(y, std::nullopt, true));
      outs.push_back(logaddexp(x, y));
      outs.push_back(log1mexp(x));
      const Array xs = edge_rows(t);
      // y: x's elements in another order, so that x == y, inf - inf and NaN meet.
      const std::vector<double> xv = xs.to_vector<double>();
      std::vector<double> yv(xv.size());
      for (std::size_t i = 0; i < xv.size(); ++i) yv[i] = xv[(i * 5 + 3) % xv.size()];
      const Array ys = Array::from_vector(yv, {9, 6}).astype(t);
      expect_cpu_matches_interp({x, y}, outs, {xs, ys}, std::string("edge rows ") + std::string(dtype_name(t)));
      expect_none_of(reference_ops({x, y}, outs), kComposites);
    }
  }
}

// Moderate values: tighter agreement on the ordinary path (non-trailing axes of a
// 3-d array, strided input, several axes).
TEST(CpuDecompose, ThreeDimensionalAxes) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  for (DType t : {DType::float32, DType::float64}) {
    Variable x = tensor3("x", t);
    std::vector<Variable> outs;
    for (std::int64_t a : {0, 1, 2}) {
      outs.push_back(softmax(x, a));
      outs.push_back(log_softmax(x, a));
      outs.push_back(argmax(x, a, false));
    }
    outs.push_back(logsumexp(x, Axes{0, 2}, false));
    outs.push_back(var(x, Axes{0, 2}, 0, true));
    outs.push_back(std(x, Axes{1}, 2, false));
    outs.push_back(sum(x, Axes{0}, false));
    outs.push_back(mean(x, Axes{0, 1}, true));
    const Array xs = moderate(t, {4, 10, 5}, 1).slice(1, 0, 10, 2);  // strided
    expect_cpu_matches_interp({x}, outs, {xs}, std::string("3-d ") + std::string(dtype_name(t)));
    expect_none_of(reference_ops({x}, outs), kComposites);
  }
}

// Size-0 and size-1 axes: softmax of an empty row is empty, logsumexp of nothing is
// -inf, var of nothing NaN; argmax of an empty axis raises argmax's error.
TEST(CpuDecompose, EmptyAndSizeOneAxes) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = matrix("x", DType::float32);
  const std::vector<Variable> outs = {softmax(x, 1),         log_softmax(x, 0), logsumexp(x, Axes{1}, false),
                                      logsumexp(x, Axes{0}, true), var(x, Axes{1}, 0, false), std(x, Axes{0}, 1, false)};
  for (const Shape& s : {Shape{3, 0}, Shape{0, 4}, Shape{1, 1}, Shape{3, 1}, Shape{1, 5}}) {
    expect_cpu_matches_interp({x}, outs, {moderate(DType::float32, s, 2)}, "shape " + shape_str(s));
  }
  Mode cpu;
  cpu.linker = "cpu";
  Function f = function({x}, {argmax(x, 1, false)}, cpu);
  try {
    f({Array::zeros(DType::float32, {2, 0})});
    ADD_FAILURE() << "argmax of an empty axis did not raise";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("zero-size array to reduction operation argmax"), std::string::npos)
        << e.what();
  }
}

// Integer inputs: softmax and var compute in float64, argmax of ints.
TEST(CpuDecompose, IntegerInputs) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = matrix("x", DType::int32);
  const std::vector<Variable> outs = {softmax(x, 1), logsumexp(x, Axes{0}, false), var(x, Axes{1}, 1, false),
                                      argmax(x, 0, false), argmin(x, 1, false), mean(x, Axes{0}, false),
                                      argmax(x, std::nullopt, false), argmin(x, std::nullopt, true)};
  const Array xs = Array::from_vector(std::vector<std::int32_t>{3, -1, 7, 7, 0, 2, -5, 7, 1, 1, 1, 1}, {3, 4});
  expect_cpu_matches_interp({x}, outs, {xs}, "int32");
  expect_none_of(reference_ops({x}, outs), kComposites);
}

// A row dominated by one element: log_softmax's value there is -log1p(tiny), not 0,
// and logsumexp keeps the tiny part (the reference's log1p of the other terms).
TEST(CpuDecompose, DominantElementKeepsTinyTerms) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Mode cpu;
  cpu.linker = "cpu";
  for (const bool rows : {false, true}) {
    const RowKernels way(rows);
    for (DType t : {DType::float64, DType::float32}) {
      Variable x = vector("x", t);
      Function f = function({x}, {log_softmax(x, 0), logsumexp(x, Axes{0}, false)}, cpu);
      const std::vector<Array> r = f({Array::from_vector(std::vector<double>{0, -25, -30, 0}, {4}).astype(t)});
      // Two ties at 0: log(2 + e^-25 + e^-30).
      const double lse = std::log(2.0) + std::log1p((std::exp(-25.0) + std::exp(-30.0)) / 2);
      const double tol = t == DType::float64 ? 1e-15 : 1e-7;
      EXPECT_NEAR(r[1].to_vector<double>()[0], lse, lse * tol);
      EXPECT_NEAR(r[0].to_vector<double>()[0], -lse, lse * tol);
      const std::vector<Array> one = f({Array::from_vector(std::vector<double>{0, -25, -30, -40}, {4}).astype(t)});
      const double tiny = std::log1p(std::exp(-25.0) + std::exp(-30.0) + std::exp(-40.0));
      EXPECT_NEAR(one[1].to_vector<double>()[0], tiny, tiny * (t == DType::float64 ? 1e-13 : 1e-6));
      EXPECT_NEAR(one[0].to_vector<double>()[0], -tiny, tiny * (t == DType::float64 ? 1e-13 : 1e-6));
    }
  }
}

// Integer pow runs in a kernel, wrapping as the reference; a signed exponent fuses
// too, with a check that sends a negative one to the reference kernel, which raises
// NumPy's error (tests/backend/kernel_errors_test.cpp).
TEST(CpuDecompose, IntegerPowWhereTheExponentCannotBeNegative) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = matrix("x", DType::int32);
  Variable u = matrix("u", DType::uint8);
  Variable y = matrix("y", DType::int32);
  const std::vector<Variable> outs = {pow(x, 5), pow(x, u), pow(u, u)};
  const Array xs = Array::from_vector(std::vector<std::int32_t>{3, -1, 7, 100, 0, 2, -5, 1000}, {2, 4});
  const Array us = Array::from_vector(std::vector<std::uint8_t>{0, 1, 2, 3, 31, 200, 5, 17}, {2, 4});
  expect_cpu_matches_interp({x, u}, outs, {xs, us}, "integer pow");
  const std::vector<std::string> ops = reference_ops({x, u}, outs);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "pow"), 0);
  const std::vector<std::string> signed_ops = reference_ops({x, y}, {pow(x, y)});
  EXPECT_EQ(std::count(signed_ops.begin(), signed_ops.end(), "pow"), 0);
  Mode cpu;
  cpu.linker = "cpu";
  Function f = function({x, y}, {pow(x, y)}, cpu);
  testing::expect_error<ValueError>([&] { f({xs, Array::full(DType::int32, {2, 4}, -1)}); },
                                    {"integers to negative integer powers are not allowed"});
}

// A float32 sum across 100,000 rows stays within float32 rounding of the exact sum.
TEST(CpuDecompose, Float32SumAcrossRowsIsAccurate) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = matrix("x", DType::float32);
  Mode cpu;
  cpu.linker = "cpu";
  Function f = function({x}, {sum(x, Axes{0}, false), mean(x, Axes{0}, false)}, cpu);
  const std::int64_t n = 100000;
  std::vector<float> v(static_cast<std::size_t>(n * 3));
  double exact[3] = {0, 0, 0};
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < 3; ++j) {
      const float e = 1.0f + static_cast<float>((i * 31 + j * 7) % 97) * 1e-3f;
      v[static_cast<std::size_t>(i * 3 + j)] = e;
      exact[j] += e;
    }
  }
  const std::vector<Array> r = f({Array::from_vector(v, {n, 3})});
  const std::vector<double> s = r[0].to_vector<double>(), m = r[1].to_vector<double>();
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(s[j], exact[j], exact[j] * 1e-7) << j;
    EXPECT_NEAR(m[j], exact[j] / static_cast<double>(n), exact[j] / static_cast<double>(n) * 1e-7) << j;
  }
}

// FAST_COMPILE keeps the composites whole; FAST_RUN on the cpu linker decomposes (a
// softmax along the first axis: along the last one the row kernel may take it whole,
// tests/backend/native_rows_test.cpp).
TEST(CpuDecompose, OnlyFastRunOnCpuDecomposes) {
  Variable x = matrix("x", DType::float64);
  const Variable out = softmax(x, 0);
  Mode fc = Mode::fast_compile();
  fc.linker = "cpu";
  const auto phases = fc.rewrite_options().phases;
  EXPECT_EQ(std::count(phases.begin(), phases.end(), "decompose"), 0);
  Mode interp;
  interp.linker = "interp";
  const auto ip = interp.rewrite_options().phases;
  EXPECT_EQ(std::count(ip.begin(), ip.end(), "decompose"), 0);
  Mode run;
  run.linker = "cpu";
  run.trace_rewrites = true;
  Function f = function({x}, {out}, run);
  EXPECT_EQ(f.rewrite_trace().counts().count("decompose_softmax"), 1u);
  EXPECT_EQ(f.graph_text().find("softmax"), std::string::npos) << f.graph_text();
}

}  // namespace
}  // namespace hypatia
