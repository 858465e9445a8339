// The vector loops of float kernels (simd_math.hpp, SLEEF) against the interpreter:
// every primitive with a vector form, float32 and float64, over lengths around the
// vector width (the tail runs the scalar statements), edge values (NaN, +-inf, +-0,
// huge, tiny, denormal), non-contiguous and broadcast arguments (the strided loop),
// and the module built without SLEEF and without -march=native (SSE2 width).
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "backend/cpu/compiler.hpp"
#include "backend_test_util.hpp"

namespace hypatia {
namespace {

using testing::compile_on;
using testing::expect_same;
using testing::FlagsScope;

bool skip_without_compiler() { return !cpu::compiler_available(); }

using Unary = std::function<Variable(const Variable&)>;

// Every primitive simd_math.hpp has in vector form, as the graph ops that lower to it.
const std::vector<std::pair<std::string, Unary>>& unary_ops() {
  static const std::vector<std::pair<std::string, Unary>> ops = {
      {"neg", [](const Variable& x) { return -x; }},
      {"abs", [](const Variable& x) { return abs(x); }},
      {"sign", [](const Variable& x) { return sign(x); }},
      {"reciprocal", [](const Variable& x) { return reciprocal(x); }},
      {"sqr", [](const Variable& x) { return sqr(x); }},
      {"sqrt", [](const Variable& x) { return sqrt(x); }},
      {"cbrt", [](const Variable& x) { return cbrt(x); }},
      {"exp", [](const Variable& x) { return exp(x); }},
      {"exp2", [](const Variable& x) { return exp2(x); }},
      {"expm1", [](const Variable& x) { return expm1(x); }},
      {"log", [](const Variable& x) { return log(x); }},
      {"log2", [](const Variable& x) { return log2(x); }},
      {"log10", [](const Variable& x) { return log10(x); }},
      {"log1p", [](const Variable& x) { return log1p(x); }},
      {"sin", [](const Variable& x) { return sin(x); }},
      {"cos", [](const Variable& x) { return cos(x); }},
      {"tan", [](const Variable& x) { return tan(x); }},
      {"arcsin", [](const Variable& x) { return arcsin(x); }},
      {"arccos", [](const Variable& x) { return arccos(x); }},
      {"arctan", [](const Variable& x) { return arctan(x); }},
      {"sinh", [](const Variable& x) { return sinh(x); }},
      {"cosh", [](const Variable& x) { return cosh(x); }},
      {"tanh", [](const Variable& x) { return tanh(x); }},
      {"arcsinh", [](const Variable& x) { return arcsinh(x); }},
      {"arccosh", [](const Variable& x) { return arccosh(x); }},
      {"arctanh", [](const Variable& x) { return arctanh(x); }},
      {"sigmoid", [](const Variable& x) { return sigmoid(x); }},
      {"softplus", [](const Variable& x) { return softplus(x); }},
      {"erf", [](const Variable& x) { return erf(x); }},
      {"erfc", [](const Variable& x) { return erfc(x); }},
      {"floor", [](const Variable& x) { return floor(x); }},
      {"ceil", [](const Variable& x) { return ceil(x); }},
      {"trunc", [](const Variable& x) { return trunc(x); }},
      {"round", [](const Variable& x) { return round(x); }},
      {"round_half_away_from_zero", [](const Variable& x) { return round_half_away_from_zero(x); }},
  };
  return ops;
}

// Edge values first, then a sweep over [-12, 12] (every function's interesting range),
// cycled to length n.
template <class T>
Array values(std::int64_t n, int seed) {
  const T inf = std::numeric_limits<T>::infinity();
  const T dmin = std::numeric_limits<T>::denorm_min(), nmin = std::numeric_limits<T>::min();
  std::vector<T> pool = {T(0), T(-0.0), std::numeric_limits<T>::quiet_NaN(), inf, -inf, T(1), T(-1), T(0.5),
                         T(-0.5), T(1e-30), T(-1e-30), dmin, -dmin, nmin / T(3), nmin, T(1e30), T(-1e30),
                         std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest(), T(88.5), T(-88.5),
                         T(89.5), T(-104), T(710), T(-745), T(0.999), T(-0.999), T(1.001), T(3.1415927),
                         T(1e6), T(-1e7), T(2), T(-2.5), T(7.25), T(26)};
  for (int k = -48; k <= 48; ++k) pool.push_back(T(k) * T(0.25) + T(0.01) * T(seed));
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = pool[(i + static_cast<std::size_t>(seed) * 11) % pool.size()];
  return Array::from_vector(v, {n});
}

Array values_of(DType t, std::int64_t n, int seed) {
  return t == float32 ? values<float>(n, seed) : values<double>(n, seed);
}

// One function per dtype: every unary op of x, and the binary ones of x and y (a
// module with many kernels, compiled once), run over lengths around the widths.
void check_all_ops(DType t, const std::string& what) {
  Variable x = vector("x", t), y = vector("y", t);
  std::vector<Variable> outs;
  std::vector<std::string> names;
  for (const auto& [name, f] : unary_ops()) {
    outs.push_back(f(x));
    names.push_back(name);
  }
  const std::vector<std::pair<std::string, Variable>> binary = {
      {"add", x + y}, {"sub", x - y}, {"mul", x * y}, {"true_div", x / y}, {"maximum", maximum(x, y)},
      {"minimum", minimum(x, y)}, {"clip", clip(x, y, y + 1.0)}, {"pow", pow(x, y)}, {"arctan2", arctan2(x, y)}, {"w1", exp(-sqr(x)) * sin(x) + 0.5 * log1p(abs(x)) + tanh(x)}};
  for (const auto& [name, v] : binary) {
    outs.push_back(v);
    names.push_back(name);
  }
  Function cpu = compile_on("cpu", {x, y}, outs);
  Function ref = compile_on("interp", {x, y}, outs);
  for (std::int64_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 131, 1000}) {
    const std::vector<Array> args = {values_of(t, n, 0), values_of(t, n, 3)};
    const std::vector<Array> got = cpu(args), want = ref(args);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      expect_same(got[i], want[i], what + " " + std::string(dtype_name(t)) + " " + names[i] + " n=" + std::to_string(n));
    }
  }
}

TEST(CpuSimd, FloatKernelsRunOnVectors) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  Variable x = vector("x", float32);
  const Function f = compile_on("cpu", {x}, {exp(-sqr(x)) * sin(x) + 0.5f * log1p(abs(x)) + tanh(x)});
  EXPECT_NE(f.source().find("simd::exp(w"), std::string::npos) << f.source();
  EXPECT_NE(f.source().find("simd::tanh(w"), std::string::npos);
  EXPECT_NE(f.source().find("i += simd::width<float>"), std::string::npos);
  // Integer and mixed kernels keep the scalar loop alone.
  Variable i = vector("i", int32);
  const Function g = compile_on("cpu", {i}, {i * 3 + 1});
  EXPECT_EQ(g.source().find("simd::"), std::string::npos);
}

TEST(CpuSimd, EveryVectorPrimitiveMatchesTheReferenceFloat32) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_all_ops(float32, "simd");
}

TEST(CpuSimd, EveryVectorPrimitiveMatchesTheReferenceFloat64) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_all_ops(float64, "simd");
}

// The rounding functions are exact: the vector loop (the round instructions; per lane
// without SSE4.1) gives the reference's bits, -0.0 and half-way cases included.
TEST(CpuSimd, RoundingOnVectorsIsBitForBit) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  for (const char* flags : {"", "march_native=0"}) {
    const FlagsScope scope(flags);
    for (DType t : {float32, float64}) {
      Variable x = vector("x", t);
      const std::vector<Variable> outs = {floor(x), ceil(x), trunc(x), round(x), round_half_away_from_zero(x)};
      Function cpu = compile_on("cpu", {x}, outs);
      Function ref = compile_on("interp", {x}, outs);
      EXPECT_NE(cpu.source().find("simd::floor(w"), std::string::npos) << flags;
      EXPECT_NE(cpu.source().find("simd::round_half_away(w"), std::string::npos) << flags;
      std::vector<double> v = {0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 0.5000001, -0.3, 0.3,
                               -0.0, 0.0, 4503599627370495.5, -4503599627370495.5, 8388607.5, -8388607.5, 8388609,
                               1e300, -1e300, 1e-310, -1e-310, 1e-40, -1e-40};
      for (int k = -40; k <= 40; ++k) v.push_back(k * 0.25);
      const Array edges = values_of(t, 64, 2);
      std::vector<double> all = edges.astype(float64).to_vector<double>();
      all.insert(all.end(), v.begin(), v.end());
      const Array arg = Array::from_vector(all, {static_cast<std::int64_t>(all.size())}).astype(t);
      const std::vector<Array> got = cpu({arg}), want = ref({arg});
      for (std::size_t i = 0; i < got.size(); ++i) {
        testing::expect_identical(got[i], want[i], std::string(flags) + " " + std::string(dtype_name(t)) + " output " +
                                                       std::to_string(i));
      }
    }
  }
}

// pow and arctan2 at every pair of edge values (C99's special cases: pow(-1, +-inf),
// pow(+-0, negative odd), pow(negative, non-integer), atan2 of zeros and infinities...).
TEST(CpuSimd, PowAndArctan2AtEveryPairOfEdgeValues) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  for (const char* flags : {"", "vector_math=sleef", "vector_math=libmvec", "sleef=0", "march_native=0"}) {
    const FlagsScope scope(flags);
    for (DType t : {float32, float64}) {
      Variable x = vector("x", t), y = vector("y", t);
      Function cpu = compile_on("cpu", {x, y}, {pow(x, y), arctan2(x, y)});
      Function ref = compile_on("interp", {x, y}, {pow(x, y), arctan2(x, y)});
      EXPECT_NE(cpu.source().find("simd::pow(w"), std::string::npos) << flags;
      const std::vector<double> edges = values_of(t, 35, 0).astype(float64).to_vector<double>();
      std::vector<double> more = {3, -3, 0.5, -0.5, 2, -2, 1e-3, 127, 128, -149, 1023, -1075, 1.0000001, 0.9999999};
      std::vector<double> pool = edges;
      pool.insert(pool.end(), more.begin(), more.end());
      std::vector<double> a, b;
      for (double p : pool) {
        for (double q : pool) {
          a.push_back(p);
          b.push_back(q);
        }
      }
      const auto n = static_cast<std::int64_t>(a.size());
      const std::vector<Array> args = {Array::from_vector(a, {n}).astype(t), Array::from_vector(b, {n}).astype(t)};
      const std::vector<Array> got = cpu(args), want = ref(args);
      expect_same(got[0], want[0], std::string(flags) + " pow " + std::string(dtype_name(t)));
      expect_same(got[1], want[1], std::string(flags) + " arctan2 " + std::string(dtype_name(t)));
    }
  }
}

// Strided, reversed and broadcast arguments take the strided loop; a row whose
// operands are contiguous again (the last axis of a transposed-back copy) the vector one.
TEST(CpuSimd, NonContiguousAndBroadcastArguments) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  for (DType t : {float32, float64}) {
    Variable x = matrix("x", t), r = vector("r", t);
    const std::vector<Variable> outs = {exp(-sqr(x)) * sin(x) + tanh(x) * r, log1p(abs(x)) - r};
    Function cpu = compile_on("cpu", {x, r}, outs);
    Function ref = compile_on("interp", {x, r}, outs);
    const Array base = values_of(t, 19 * 23, 1).reshape({19, 23});
    const Array row = values_of(t, 23, 2);
    const std::vector<std::pair<std::string, std::vector<Array>>> cases = {
        {"contiguous", {base, row}},
        {"transposed", {values_of(t, 23 * 19, 4).reshape({23, 19}).transpose(), row}},
        {"every other column", {values_of(t, 19 * 46, 5).reshape({19, 46}).slice(1, 0, 46, 2), row}},
        {"reversed row", {base, values_of(t, 23, 6).slice(0, 22, -24, -1)}},
        {"broadcast column", {base, values_of(t, 1, 7).reshape({1}).broadcast_to({23})}},
    };
    for (const auto& [name, args] : cases) {
      const std::vector<Array> got = cpu(args), want = ref(args);
      for (std::size_t i = 0; i < got.size(); ++i) expect_same(got[i], want[i], std::string(dtype_name(t)) + " " + name);
    }
  }
}

// The fallbacks: SSE2 width (no -march=native) with SLEEF's SSE2 functions, and lanes
// that call the scalar functions (no SLEEF), AVX2 and SSE2.
TEST(CpuSimd, WithoutSleefOrMarchNative) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  for (const char* flags : {"march_native=0", "sleef=0", "sleef=0,march_native=0"}) {
    const FlagsScope scope(flags);
    EXPECT_EQ(cpu::CompilerOptions().sleef, std::string(flags).find("sleef=0") == std::string::npos);
    for (DType t : {float32, float64}) check_all_ops(t, flags);
  }
}

}  // namespace
}  // namespace hypatia
