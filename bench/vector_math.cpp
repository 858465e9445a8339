// SLEEF (as simd_math.hpp calls it) against glibc's libmvec, per function, float32
// and float64, AVX2 width: throughput on one core and the largest error in ULP against
// a long double reference, over random bit patterns (every exponent), the function's
// main range, and edge values (+-0, +-inf, NaN, denormals, the smallest normal, huge
// values, domain bounds). An edge result that differs in kind from the reference (NaN
// against a number, an infinity against a finite value, the sign of a zero) is counted
// apart from the ULP figure: that is a C99 (Annex F) miss, not a rounding error.
//
// The evidence for simd_math.hpp's choice of library per function (bench/RESULTS.md,
// "Vector math: SLEEF against libmvec"). Built and run by bench/vector_math.sh (AVX2 +
// FMA machine, libsleef3, glibc >= 2.35's libmvec):
//
//   bench/vector_math.sh [--samples N] [--only exp,tanh]
//
// "hypatia" below is simd_math.hpp's SLEEF function as compiled here (-DHP_SLEEF=1
// -DHP_SLEEF_U35=1, no libmvec: SLEEF u35 for float32 where it has one, u10 else, with
// simd_math.hpp's edge repairs); "libmvec" the glibc function called directly. Speed is
// this thread's CPU time (the machine is shared). The error is |f(x) - ref(x)| / ulp(ref(x)) with ulp taken
// in the result type at the reference's exponent (denormals: the smallest denormal).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backend/cpu/simd_math.hpp"

#if !defined(HP_SIMD_BYTES) || HP_SIMD_BYTES != 32 || !defined(HP_SLEEF)
#error "build with -march=native on an AVX2 + FMA machine and -DHP_SLEEF=1 (see the comment at the top)"
#endif

namespace simd = hypatia::simd_math;
using simd::vd;
using simd::vf;

#define MVEC(name)                                 \
  extern "C" vf _ZGVdN8v_##name##f(vf) noexcept;  \
  extern "C" vd _ZGVdN4v_##name(vd) noexcept;
MVEC(exp) MVEC(exp2) MVEC(expm1) MVEC(log) MVEC(log2) MVEC(log10) MVEC(log1p) MVEC(cbrt) MVEC(sin) MVEC(cos)
MVEC(tan) MVEC(asin) MVEC(acos) MVEC(atan) MVEC(sinh) MVEC(cosh) MVEC(tanh) MVEC(asinh) MVEC(acosh) MVEC(atanh)
MVEC(erf) MVEC(erfc)
#undef MVEC

namespace {

struct Fn {
  const char* name;
  vf (*hyp_f)(vf);
  vd (*hyp_d)(vd);
  vf (*mvec_f)(vf);
  vd (*mvec_d)(vd);
  long double (*ref)(long double);
  double lo, hi;  // the main range: speed is timed on it, and a third of the samples fall in it
};

#define ENTRY(prim, mv, refl, lo, hi)                                                          \
  Fn{#prim, [](vf x) { return simd::prim(x); }, [](vd x) { return simd::prim(x); }, _ZGVdN8v_##mv##f, \
     _ZGVdN4v_##mv, [](long double x) { return refl(x); }, lo, hi}

const std::vector<Fn>& functions() {
  static const std::vector<Fn> fns = {
      ENTRY(exp, exp, std::exp, -20, 20),        ENTRY(exp2, exp2, std::exp2, -30, 30),
      ENTRY(expm1, expm1, std::expm1, -4, 4),    ENTRY(log, log, std::log, 1e-3, 1e3),
      ENTRY(log2, log2, std::log2, 1e-3, 1e3),   ENTRY(log10, log10, std::log10, 1e-3, 1e3),
      ENTRY(log1p, log1p, std::log1p, 0, 8),     ENTRY(cbrt, cbrt, std::cbrt, -1e3, 1e3),
      ENTRY(sin, sin, std::sin, -4, 4),          ENTRY(cos, cos, std::cos, -4, 4),
      ENTRY(tan, tan, std::tan, -1.5, 1.5),      ENTRY(arcsin, asin, std::asin, -1, 1),
      ENTRY(arccos, acos, std::acos, -1, 1),     ENTRY(arctan, atan, std::atan, -10, 10),
      ENTRY(sinh, sinh, std::sinh, -10, 10),     ENTRY(cosh, cosh, std::cosh, -10, 10),
      ENTRY(tanh, tanh, std::tanh, -4, 4),       ENTRY(arcsinh, asinh, std::asinh, -10, 10),
      ENTRY(arccosh, acosh, std::acosh, 1, 20),  ENTRY(arctanh, atanh, std::atanh, -0.99, 0.99),
      ENTRY(erf, erf, std::erf, -4, 4),          ENTRY(erfc, erfc, std::erfc, -3, 10),
  };
  return fns;
}

template <class T>
std::vector<T> edge_values() {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {T(0), T(-0.0), L::infinity(), -L::infinity(), L::quiet_NaN(), -L::quiet_NaN(),
                      L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), L::min() / T(3), -L::min() / T(3),
                      L::max(), L::lowest(), L::epsilon(), -L::epsilon(), T(1), T(-1), T(0.5), T(-0.5), T(2),
                      T(1) + L::epsilon(), T(1) - L::epsilon() / 2, -T(1) + L::epsilon() / 2, T(1e-30), T(-1e-30),
                      T(1e-8), T(-1e-8), T(1e30), T(-1e30), T(88.5), T(-88.5), T(89), T(-104), T(-150), T(128),
                      T(710), T(-745), T(1e6), T(-1e7), T(3.1415926535897932), T(1.5707963267948966), T(1e18),
                      T(1e19), T(-1e19), T(1e38)};
  if (sizeof(T) == 8) {
    v.insert(v.end(), {T(1e150), T(1e154), T(-1e155), T(1e300), T(1e307), T(1e308), T(-1e308), T(-1075), T(1025)});
  }
  return v;
}

// Random bit patterns (every exponent, both signs, NaNs dropped), then uniform in the
// main range, then log-uniform magnitudes in [2^-30, 2^30].
template <class T>
std::vector<T> samples(const Fn& f, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> v = edge_values<T>();
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  while (v.size() < n / 3) {
    const U bits = static_cast<U>(rng());
    T x;
    std::memcpy(&x, &bits, sizeof x);
    if (!std::isnan(x)) v.push_back(x);
  }
  std::uniform_real_distribution<double> main(f.lo, f.hi), expo(-30, 30);
  while (v.size() < 2 * n / 3) v.push_back(static_cast<T>(main(rng)));
  while (v.size() < n) {
    const double m = std::exp2(expo(rng));
    v.push_back(static_cast<T>(rng() & 1 ? m : -m));
  }
  return v;
}

template <class T>
long double ulp_at(long double r) {
  using L = std::numeric_limits<T>;
  const int e = r == 0 ? L::min_exponent - 1 : std::max(std::ilogb(r), L::min_exponent - 1);
  return std::ldexp(1.0L, e - (L::digits - 1));
}

struct Accuracy {
  double max_ulp = 0;
  double worst_x = 0;
  long edge_misses = 0;  // NaN against a number, inf against a finite value, the sign of a zero
  std::string first_miss;
};

template <class T>
void account(Accuracy& a, T x, T got, long double ref) {
  const T want = static_cast<T>(ref);  // the correctly rounded result (overflow: inf)
  char buf[160];
  const auto miss = [&](const char* what) {
    if (a.edge_misses++ == 0) {
      std::snprintf(buf, sizeof buf, "%s: f(%.9g) = %.9g, want %.9g", what, double(x), double(got), double(want));
      a.first_miss = buf;
    }
  };
  if (std::isnan(want) || std::isnan(got)) {
    if (std::isnan(want) != std::isnan(got)) miss("NaN");
    return;
  }
  if (std::isinf(want) || std::isinf(got)) {
    if (got == want) return;
    // An overflow on the edge (ref just above the largest finite value) is rounding.
    if (std::isinf(got) && std::isfinite(want) && std::abs(want) == std::numeric_limits<T>::max()) return;
    if (std::isinf(want) && std::isfinite(got) && std::abs(got) == std::numeric_limits<T>::max()) return;
    miss("inf");
    return;
  }
  if (want == 0 && got == 0 && std::signbit(want) != std::signbit(got)) {
    miss("sign of zero");
    return;
  }
  const double err = static_cast<double>(std::abs(static_cast<long double>(got) - ref) / ulp_at<T>(ref));
  if (err > a.max_ulp) {
    a.max_ulp = err;
    a.worst_x = static_cast<double>(x);
  }
}

template <class T, class V>
Accuracy accuracy(V (*f)(V), long double (*ref)(long double), const std::vector<T>& xs) {
  constexpr int W = simd::lanes<V>;
  Accuracy a;
  for (std::size_t i = 0; i + W <= xs.size(); i += W) {
    V x;
    std::memcpy(&x, &xs[i], sizeof x);
    const V y = f(x);
    for (int l = 0; l < W; ++l) account<T>(a, x[l], y[l], ref(static_cast<long double>(x[l])));
  }
  return a;
}

// This thread's CPU time: the machine is shared, and wall time would count the time
// the thread waits for a core.
double thread_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Nanoseconds per element on one core of `a` and of `b`: over an L1-resident block of
// the main range, the best of 25 runs of some 2 ms of CPU time each, the two
// alternating (a burst of load on the shared machine hits both alike).
template <class T, class V>
std::pair<double, double> speeds(V (*a)(V), V (*b)(V), const Fn& fn) {
  constexpr int W = simd::lanes<V>;
  constexpr std::size_t n = 2048;
  std::vector<T> x(n), y(n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> main(fn.lo, fn.hi);
  for (T& v : x) v = static_cast<T>(main(rng));
  const auto pass = [&](V (*f)(V)) {
    for (std::size_t i = 0; i < n; i += W) {
      V v;
      std::memcpy(&v, &x[i], sizeof v);
      v = f(v);
      std::memcpy(&y[i], &v, sizeof v);
    }
    asm volatile("" : : "r"(y.data()) : "memory");
  };
  const auto time = [&](V (*f)(V), int reps) {
    const double t0 = thread_seconds();
    for (int r = 0; r < reps; ++r) pass(f);
    return thread_seconds() - t0;
  };
  int reps = 1;
  while (time(a, reps) < 0.002) reps *= 2;
  double best_a = 1e30, best_b = 1e30;
  for (int k = 0; k < 25; ++k) {
    best_a = std::min(best_a, time(a, reps));
    best_b = std::min(best_b, time(b, reps));
  }
  const double per = 1e9 / (static_cast<double>(reps) * n);
  return {best_a * per, best_b * per};
}

template <class T, class V>
void row(const Fn& fn, V (*hyp)(V), V (*mvec)(V), std::size_t n) {
  const std::vector<T> xs = samples<T>(fn, n, 42);
  const Accuracy ha = accuracy<T, V>(hyp, fn.ref, xs), ma = accuracy<T, V>(mvec, fn.ref, xs);
  const auto [hs, ms] = speeds<T, V>(hyp, mvec, fn);
  std::printf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %ld | %ld |\n", fn.name, sizeof(T) == 4 ? "f32" : "f64",
              hs, ms, hs / ms, ha.max_ulp, ma.max_ulp, ha.edge_misses, ma.edge_misses);
  if (!ha.first_miss.empty()) std::printf("|   | hypatia miss | %s |\n", ha.first_miss.c_str());
  if (!ma.first_miss.empty()) std::printf("|   | libmvec miss | %s |\n", ma.first_miss.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 1 << 20;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--samples" && i + 1 < argc) {
      n = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--only" && i + 1 < argc) {
      only = "," + std::string(argv[++i]) + ",";
    } else {
      std::fprintf(stderr, "usage: %s [--samples N] [--only exp,tanh,...]\n", argv[0]);
      return 2;
    }
  }
  std::printf("samples per function and type: %zu (plus edge values)\n\n", n);
  std::printf("| function | type | hypatia (SLEEF) ns/elem | libmvec ns/elem | SLEEF/libmvec time | hypatia max ulp | "
              "libmvec max ulp | hypatia edge misses | libmvec edge misses |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Fn& fn : functions()) {
    if (!only.empty() && only.find("," + std::string(fn.name) + ",") == std::string::npos) continue;
    row<float, vf>(fn, fn.hyp_f, fn.mvec_f, n);
    row<double, vd>(fn, fn.hyp_d, fn.mvec_d, n);
  }
  return 0;
}
