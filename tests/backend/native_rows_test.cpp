// The row kernels (src/backend/cpu/native_rows.cpp): softmax and log_softmax along the
// last axis, logsumexp over trailing axes, float32 and float64, against the
// interpreter (the reference kernels) on edge rows, rows of every tail length, empty and
// size-1 rows, non-contiguous inputs, keepdims, rows split among threads; against plain
// double loops written here for accuracy; and the decompose phase keeping exactly these
// cases whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/executor.hpp"
#include "backend/cpu/native_rows.hpp"
#include "backend_test_util.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_cpu_matches_interp;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool rows_here() { return cpu::compiler_available() && cpu::native_rows_available(); }

// FAST_RUN on cpu, rewrites as the op tests use them (decompose included).
Mode cpu_mode() {
  Mode m = Mode::without_rewrites();
  m.linker = "cpu";
  return m;
}

std::vector<std::string> reference_ops(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs) {
  const std::vector<Variable> rewritten = rewrite_graph(outputs, cpu_mode().rewrite_options());
  return cpu::Executable(inputs, rewritten).reference_ops();
}

using testing::spread;

// Rows of 11 columns (a vector body and a tail of 3 floats or 3 doubles): ordinary, one
// dominating element, ties, only -inf, some -inf, a +inf, a NaN, huge, tiny, -0 and 0.
Array edge_rows(DType t) {
  const double huge = t == DType::float32 ? 3e38 : 1e300;
  std::vector<double> v = {
      0.5,   -1.25, 2,     3.5,   -0.75, 1,     0.25,  -3,    4,     2.5,   -1,     // ordinary
      0,     -30,   -40,   -25,   -50,   -60,   -70,   -80,   -90,   -100,  -110,   // one dominates
      2,     2,     -1,    2,     0,     1,     2,     -5,    1.5,   2,     0,      // ties of the max
      -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf, -kInf,  // only -inf
      -kInf, 1,     -kInf, 3,     -kInf, 2,     -kInf, 0,     -kInf, 5,     -kInf,  // some -inf
      1,     kInf,  -2,    -kInf, 0,     3,     1,     1,     1,     1,     1,      // a +inf
      1,     kNaN,  2,     3,     -kInf, 0,     1,     1,     1,     1,     1,      // a NaN, finite max
      1,     2,     2,     3,     -kInf, 0,     1,     1,     1,     1,     kNaN,   // a NaN in the tail
      kNaN,  kInf,  2,     3,     -kInf, 0,     1,     1,     1,     1,     1,      // a NaN and a +inf
      huge,  -huge, huge,  1,     0,     -1,    huge,  -huge, 0,     0,     0,      // huge
      1e-30, -1e-30, 0,    -0.0,  1e-30, 0,     0,     0,     -0.0,  0,     0,      // tiny
      -0.0,  -0.0,  -0.0,  -0.0,  -0.0,  -0.0,  -0.0,  -0.0,  -0.0,  -0.0,  0,      // signed zeros
  };
  return Array::from_vector(v, {12, 11}).astype(t);
}

std::vector<Variable> row_ops(const Variable& x) {
  const std::int64_t last = x.ndim() - 1;
  return {softmax(x, last), log_softmax(x, last), logsumexp(x, Axes{last}, false), logsumexp(x, Axes{last}, true),
          logsumexp(x, Axes(std::nullopt), false)};
}

TEST(NativeRows, EdgeRowsMatchTheReference) {
  if (!rows_here()) GTEST_SKIP() << "no row kernels here (compiler, AVX2 + FMA, SLEEF)";
  for (DType t : {DType::float32, DType::float64}) {
    Variable x = matrix("x", t);
    const std::vector<Variable> outs = row_ops(x);
    expect_cpu_matches_interp({x}, outs, {edge_rows(t)}, std::string("edge rows ") + std::string(dtype_name(t)));
    const std::vector<std::string> ref = reference_ops({x}, outs);
    for (const char* op : {"softmax", "log_softmax", "logsumexp"}) {
      EXPECT_EQ(std::count(ref.begin(), ref.end(), op), 0) << op << " runs by reference";
    }
  }
}

// Every length from 0 to 40 (each tail of 8 floats and 4 doubles), many rows, and a
// size-0 row count; then a vector (one row) and a 0-d logsumexp.
TEST(NativeRows, EveryRowLengthAndEmptyShapes) {
  if (!rows_here()) GTEST_SKIP() << "no row kernels here";
  for (DType t : {DType::float32, DType::float64}) {
    Variable x = matrix("x", t);
    Function f = expect_cpu_matches_interp({x}, row_ops(x), {Array::zeros(t, {0, 5})}, "0 rows");
    (void)f;
    for (std::int64_t n = 0; n <= 40; ++n) {
      const Shape s{3, n};
      const Array xs = Array::from_vector(spread(static_cast<std::size_t>(3 * n), -20, 20, static_cast<int>(n)), s).astype(t);
      expect_cpu_matches_interp({x}, row_ops(x), {xs}, "shape " + shape_str(s) + " " + std::string(dtype_name(t)));
    }
    Variable v = vector("v", t);
    expect_cpu_matches_interp({v}, row_ops(v), {Array::from_vector(spread(1, -3, 3, 9), {1}).astype(t)}, "size 1");
    Variable z = scalar("z", t);
    expect_cpu_matches_interp({z}, {logsumexp(z, Axes(std::nullopt), false)}, {Array::full(t, {}, 2.5)}, "0-d");
  }
}

// Non-contiguous inputs (a transpose, a strided slice, a negative step), 3-d arrays with
// the two trailing axes reduced, keepdims; other axes decline to the reference (run
// without the decompose phase, so the composites reach the kernels).
TEST(NativeRows, StridedInputsTrailingAxesAndOtherAxes) {
  if (!rows_here()) GTEST_SKIP() << "no row kernels here";
  for (DType t : {DType::float32, DType::float64}) {
    Variable x = matrix("x", t);
    const Array base = Array::from_vector(spread(24 * 30, -10, 10, 3), {24, 30}).astype(t);
    expect_cpu_matches_interp({x}, row_ops(x), {base.transpose({1, 0})}, "transposed");
    expect_cpu_matches_interp({x}, row_ops(x), {base.slice(1, 1, 30, 3)}, "strided");
    expect_cpu_matches_interp({x}, row_ops(x), {base.slice(0, 23, -1, -2)}, "negative step");
    Variable y = tensor3("y", t);
    const std::vector<Variable> outs = {logsumexp(y, Axes{1, 2}, false), logsumexp(y, Axes{1, 2}, true),
                                        logsumexp(y, Axes{2}, true), softmax(y, 2), log_softmax(y, 2),
                                        logsumexp(y, Axes{0, 2}, false), softmax(y, 1), log_softmax(y, 0)};
    const Array ys = Array::from_vector(spread(4 * 6 * 7, -5, 5, 4), {4, 6, 7}).astype(t);
    expect_cpu_matches_interp({y}, outs, {ys}, "3-d");
    Mode no_decompose = cpu_mode();
    no_decompose.excluding = {"decompose_softmax", "decompose_log_softmax", "decompose_logsumexp"};
    Function f = function({y}, outs, no_decompose);
    Function ref = testing::compile_on("interp", {y}, outs);
    const std::vector<Array> got = f({ys}), want = ref({ys});
    for (std::size_t i = 0; i < got.size(); ++i) testing::expect_same(got[i], want[i], "no decompose " + std::to_string(i));
  }
}

// Integer inputs and other axes decompose; float rows stay whole.
TEST(NativeRows, DecomposeKeepsOnlyFloatTrailingRows) {
  if (!rows_here()) GTEST_SKIP() << "no row kernels here";
  Mode m = cpu_mode();
  m.trace_rewrites = true;
  Variable x = matrix("x", DType::float32);
  Function kept = function({x}, {softmax(x, 1), log_softmax(x, 1), logsumexp(x, Axes{1}, false)}, m);
  EXPECT_EQ(kept.rewrite_trace().counts().count("decompose_softmax"), 0u);
  EXPECT_EQ(kept.rewrite_trace().counts().count("decompose_log_softmax"), 0u);
  EXPECT_EQ(kept.rewrite_trace().counts().count("decompose_logsumexp"), 0u);
  Function other = function({x}, {softmax(x, 0), log_softmax(x, 0), logsumexp(x, Axes{0}, false)}, m);
  EXPECT_EQ(other.rewrite_trace().counts().count("decompose_softmax"), 1u);
  EXPECT_EQ(other.rewrite_trace().counts().count("decompose_log_softmax"), 1u);
  EXPECT_EQ(other.rewrite_trace().counts().count("decompose_logsumexp"), 1u);
  Variable i = matrix("i", DType::int32);
  Function ints = function({i}, {softmax(i, 1)}, m);
  EXPECT_EQ(ints.rewrite_trace().counts().count("decompose_softmax"), 1u);
}

// Accuracy against double loops written here: rows spanning 100 units, where the float32
// difference x - max is rounded (the kernel corrects for it), 5 ulps relative (and one
// denormal's step where softmax underflows).
TEST(NativeRows, AccurateAgainstDoubleLoops) {
  if (!rows_here()) GTEST_SKIP() << "no row kernels here";
  const std::int64_t rows = 5, n = 300;
  for (DType t : {DType::float32, DType::float64}) {
    const double ulp = t == DType::float32 ? 1.2e-7 : 2.3e-16;
    const double denormal = t == DType::float32 ? 1.5e-45 : 5e-324;
    Variable x = matrix("x", t);
    Function f = function({x}, {softmax(x, 1), log_softmax(x, 1), logsumexp(x, Axes{1}, false)}, cpu_mode());
    const Array xs = Array::from_vector(spread(static_cast<std::size_t>(rows * n), -100, 0, 7), {rows, n}).astype(t);
    const std::vector<double> xv = xs.to_vector<double>();
    const std::vector<Array> r = f({xs});
    const std::vector<double> sm = r[0].to_vector<double>(), ls = r[1].to_vector<double>(), lse = r[2].to_vector<double>();
    for (std::int64_t i = 0; i < rows; ++i) {
      const double* row = xv.data() + i * n;
      const double m = *std::max_element(row, row + n);
      long double s = 0;
      for (std::int64_t j = 0; j < n; ++j) s += std::exp(static_cast<long double>(row[j]) - m);
      const double l = static_cast<double>(std::log(s));
      EXPECT_NEAR(lse[static_cast<std::size_t>(i)], m + l, 5 * ulp * std::abs(m + l)) << i;
      for (std::int64_t j = 0; j < n; ++j) {
        const auto k = static_cast<std::size_t>(i * n + j);
        const double want = static_cast<double>(std::exp(static_cast<long double>(row[j]) - m) / s);
        EXPECT_NEAR(sm[k], want, 5 * ulp * want + denormal) << i << ", " << j;
        const double want_log = (row[j] - m) - l;
        EXPECT_NEAR(ls[k], want_log, 5 * ulp * std::abs(want_log)) << i << ", " << j;
      }
    }
  }
}

// Enough elements for several threads: each row's results as the reference's.
TEST(NativeRows, RowsSplitAmongThreads) {
  if (!rows_here()) GTEST_SKIP() << "no row kernels here";
  Variable x = matrix("x", DType::float32);
  const Array xs = Array::from_vector(spread(301 * 512, -8, 8, 11), {301, 512}).astype(DType::float32);
  expect_cpu_matches_interp({x}, row_ops(x), {xs}, "301 x 512");
}

}  // namespace
}  // namespace hypatia
