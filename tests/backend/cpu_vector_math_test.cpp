// The vector math functions of the cpu backend (simd_math.hpp: SLEEF, glibc's libmvec)
// against independent references (std:: math in double for float32, in long double for
// float64), within the documented error bounds, under each value of the config flag
// vector_math; and the flag's part in the module cache key.
//
// Bounds (docs/design.md, "Vector math"), in ULP of the result type from the exact
// result: float32 4 (SLEEF u35 is 3.5, libmvec's float32 functions measured within 3.9
// by bench/vector_math.cpp); float64 2 under SLEEF (u10 is 1.0, erfc 1.5, the repaired
// overflow lanes of sinh and cosh two roundings more) and 4 under vector_math=libmvec.
// Edge results must be C99's exactly: NaN where NaN, the same infinity, the sign of a
// zero.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
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
using testing::FlagsScope;

using L = long double;

struct MathFn {
  const char* name;
  std::function<Variable(const Variable&)> op;
  L (*ref)(L);
};

// Every libm function simd_math.hpp has in vector form.
const std::vector<MathFn>& math_fns() {
  static const std::vector<MathFn> fns = {
      {"exp", [](const Variable& x) { return exp(x); }, [](L x) { return std::exp(x); }},
      {"exp2", [](const Variable& x) { return exp2(x); }, [](L x) { return std::exp2(x); }},
      {"expm1", [](const Variable& x) { return expm1(x); }, [](L x) { return std::expm1(x); }},
      {"log", [](const Variable& x) { return log(x); }, [](L x) { return std::log(x); }},
      {"log2", [](const Variable& x) { return log2(x); }, [](L x) { return std::log2(x); }},
      {"log10", [](const Variable& x) { return log10(x); }, [](L x) { return std::log10(x); }},
      {"log1p", [](const Variable& x) { return log1p(x); }, [](L x) { return std::log1p(x); }},
      {"cbrt", [](const Variable& x) { return cbrt(x); }, [](L x) { return std::cbrt(x); }},
      {"sin", [](const Variable& x) { return sin(x); }, [](L x) { return std::sin(x); }},
      {"cos", [](const Variable& x) { return cos(x); }, [](L x) { return std::cos(x); }},
      {"tan", [](const Variable& x) { return tan(x); }, [](L x) { return std::tan(x); }},
      {"arcsin", [](const Variable& x) { return arcsin(x); }, [](L x) { return std::asin(x); }},
      {"arccos", [](const Variable& x) { return arccos(x); }, [](L x) { return std::acos(x); }},
      {"arctan", [](const Variable& x) { return arctan(x); }, [](L x) { return std::atan(x); }},
      {"sinh", [](const Variable& x) { return sinh(x); }, [](L x) { return std::sinh(x); }},
      {"cosh", [](const Variable& x) { return cosh(x); }, [](L x) { return std::cosh(x); }},
      {"tanh", [](const Variable& x) { return tanh(x); }, [](L x) { return std::tanh(x); }},
      {"arcsinh", [](const Variable& x) { return arcsinh(x); }, [](L x) { return std::asinh(x); }},
      {"arccosh", [](const Variable& x) { return arccosh(x); }, [](L x) { return std::acosh(x); }},
      {"arctanh", [](const Variable& x) { return arctanh(x); }, [](L x) { return std::atanh(x); }},
      {"erf", [](const Variable& x) { return erf(x); }, [](L x) { return std::erf(x); }},
      {"erfc", [](const Variable& x) { return erfc(x); }, [](L x) { return std::erfc(x); }},
  };
  return fns;
}

// Edge values, the ranges where the functions change behaviour (overflow of exp, sinh
// and cosh; the domain bounds of log, arcsin, arccosh, arctanh), a sweep over [-12, 12],
// magnitudes 2^-40 .. 2^40, and random bit patterns (every exponent).
template <class T>
std::vector<T> inputs() {
  using Lim = std::numeric_limits<T>;
  std::vector<T> v = {T(0), T(-0.0), Lim::infinity(), -Lim::infinity(), Lim::quiet_NaN(), Lim::denorm_min(),
                      -Lim::denorm_min(), Lim::min(), -Lim::min(), Lim::min() / T(3), -Lim::min() / T(3), Lim::max(),
                      Lim::lowest(), Lim::epsilon(), -Lim::epsilon(), T(1), T(-1), T(0.5), T(-0.5), T(2),
                      T(1) + Lim::epsilon(), T(1) - Lim::epsilon() / 2, T(-1) + Lim::epsilon() / 2, T(-1) - Lim::epsilon(),
                      T(1e-30), T(-1e-30), T(1e30), T(-1e30), T(88.5), T(-88.5), T(88.72), T(89), T(89.4), T(-89),
                      T(-87.3), T(-103.9), T(-104), T(-150), T(127.9), T(128), T(-149), T(1e18), T(1e19), T(-1e19),
                      T(1e38), T(3.14159265358979), T(1.5707963267948966), T(1e6), T(-1e7), T(12345.678)};
  if constexpr (sizeof(T) == 8) {
    v.insert(v.end(), {T(709.7), T(709.8), T(710), T(-710), T(-708.4), T(-745), T(-746), T(1023.9), T(1024), T(-1074),
                       T(-1075), T(1e150), T(1e154), T(-1e155), T(1e300), T(1e307), T(1e308), T(-1e308)});
  }
  for (int k = -48; k <= 48; ++k) v.push_back(T(k) * T(0.25) + T(0.003));
  for (int e = -40; e <= 40; e += 3) {
    v.push_back(std::ldexp(T(1.37), e));
    v.push_back(-std::ldexp(T(1.61), e));
  }
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  for (int k = 0; k < 1500; ++k) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const U bits = static_cast<U>(sizeof(T) == 4 ? state >> 32 : state);
    T x;
    std::memcpy(&x, &bits, sizeof x);
    v.push_back(std::isnan(x) ? T(0.75) : x);
  }
  return v;
}

template <class T>
L ulp_at(L r) {
  using Lim = std::numeric_limits<T>;
  const int e = r == 0 ? Lim::min_exponent - 1 : std::max(std::ilogb(r), Lim::min_exponent - 1);
  return std::ldexp(L(1), e - (Lim::digits - 1));
}

// "" when `got` is within `bound` ULP of ref(x) and C99's at the edges; else why not.
template <class T>
std::string check(T x, T got, L ref, double bound) {
  const T want = static_cast<T>(ref);
  const auto why = [&](const char* what) {
    return std::string(what) + ": f(" + std::to_string(static_cast<double>(x)) + ") = " +
           std::to_string(static_cast<double>(got)) + ", want " + std::to_string(static_cast<double>(want));
  };
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) == std::isnan(got) ? "" : why("NaN");
  if (std::isinf(want) || std::isinf(got)) {
    if (got == want) return "";
    // ref just beyond the largest finite value: rounding, not an overflow miss.
    const T top = std::numeric_limits<T>::max();
    if ((std::isinf(got) && std::abs(want) == top) || (std::isinf(want) && std::abs(got) == top)) return "";
    return why("infinity");
  }
  if (want == 0 && got == 0 && std::signbit(want) != std::signbit(got)) return why("sign of zero");
  const double err = static_cast<double>(std::abs(static_cast<L>(got) - ref) / ulp_at<T>(ref));
  if (err > bound) return why(("error " + std::to_string(err) + " ULP").c_str());
  return "";
}

// One compiled function per dtype and flag: every math function of x.
template <class T>
void check_all(const std::string& flags, double bound) {
  const FlagsScope scope(flags);
  const DType t = sizeof(T) == 4 ? float32 : float64;
  Variable x = vector("x", t);
  std::vector<Variable> outs;
  for (const MathFn& f : math_fns()) outs.push_back(f.op(x));
  const Function fn = compile_on("cpu", {x}, outs);
  ASSERT_NE(fn.source().find("i += simd::width<"), std::string::npos) << "no vector loop";
  const std::vector<T> xs = inputs<T>();
  const std::vector<Array> got = fn({Array::from_vector(xs, {static_cast<std::int64_t>(xs.size())})});
  ASSERT_EQ(got.size(), math_fns().size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    const std::vector<T> y = got[k].to_vector<T>();
    int failures = 0;
    // The last elements run the scalar tail; all others the vector loop.
    for (std::size_t i = 0; i < xs.size() && failures < 5; ++i) {
      const std::string why = check<T>(xs[i], y[i], math_fns()[k].ref(static_cast<L>(xs[i])), bound);
      if (!why.empty()) {
        ++failures;
        ADD_FAILURE() << flags << " " << dtype_name(t) << " " << math_fns()[k].name << " element " << i << ": " << why;
      }
    }
  }
}

bool skip_without_compiler() { return !cpu::compiler_available(); }

TEST(CpuVectorMath, DefaultAutoWithinBounds) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_all<float>("vector_math=auto", 4);
  check_all<double>("vector_math=auto", 2);
}

TEST(CpuVectorMath, LibmvecEverywhereWithinBounds) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_all<float>("vector_math=libmvec", 4);
  check_all<double>("vector_math=libmvec", 4);
}

TEST(CpuVectorMath, SleefOnlyWithinBounds) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_all<float>("vector_math=sleef", 4);
  check_all<double>("vector_math=sleef", 2);
  // sleef_u35=0: float32 takes the 1.0-ULP functions, so auto leaves libmvec out.
  check_all<float>("vector_math=auto,sleef_u35=0", 2);
}

// The flag reaches the module: its macros (HP_LIBMVEC_F32, HP_LIBMVEC_F64) and its cache
// key (one module per value). Where libmvec or SLEEF is missing the driver falls back
// and the values coincide.
TEST(CpuVectorMath, FlagSelectsTheLibraryAndTheCacheEntry) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  EXPECT_EQ(cpu::CompilerOptions().vector_math, "auto");
  {
    const FlagsScope scope("vector_math=libmvec");
    EXPECT_EQ(cpu::CompilerOptions().vector_math, "libmvec");
  }
  {
    const FlagsScope scope("vector_math=bogus");  // a typo is an error, not "auto"
    EXPECT_THROW(cpu::CompilerOptions(), ValueError);
  }
  const std::string source = R"(
#ifndef HP_LIBMVEC_F32
#define HP_LIBMVEC_F32 0
#endif
#ifndef HP_LIBMVEC_F64
#define HP_LIBMVEC_F64 0
#endif
extern "C" int libmvec_f32() { return HP_LIBMVEC_F32; }
extern "C" int libmvec_f64() { return HP_LIBMVEC_F64; }
)";
  const auto macros = [&](const std::string& vm, bool sleef = true) {
    cpu::CompilerOptions o;
    o.vector_math = vm;
    o.sleef = sleef;
    const auto m = cpu::compile_module(source, o);
    const int f = reinterpret_cast<int (*)()>(m->symbol("libmvec_f32"))();
    const int d = reinterpret_cast<int (*)()>(m->symbol("libmvec_f64"))();
    return std::make_pair(std::make_pair(f, d), m->path());
  };
  const auto [sleef, sleef_path] = macros("sleef");
  const auto [automatic, auto_path] = macros("auto");
  const auto [libmvec, libmvec_path] = macros("libmvec");
  const auto [no_vector_math, off_path] = macros("libmvec", false);
  EXPECT_EQ(sleef, std::make_pair(0, 0));
  EXPECT_EQ(no_vector_math, std::make_pair(0, 0));  // sleef=0: scalar libm, whatever vector_math says
  if (cpu::libmvec_library().empty() || !cpu::CompilerOptions().march_native) {
    GTEST_SKIP() << "no libmvec.so.1 with AVX2 functions here (or march_native off): SLEEF only";
  }
  EXPECT_EQ(automatic, std::make_pair(1, 0));
  EXPECT_EQ(libmvec, std::make_pair(2, 1));
  EXPECT_NE(sleef_path, auto_path);
  EXPECT_NE(auto_path, libmvec_path);
  EXPECT_NE(sleef_path, libmvec_path);
  EXPECT_NE(off_path, libmvec_path);
}

}  // namespace
}  // namespace hypatia
