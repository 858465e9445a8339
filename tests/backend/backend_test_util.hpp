// Helpers for the backend tests: run one graph on a chosen linker, compare the cpu
// backend's results with the interpreter's (the oracle).
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "hypatia/hypatia.hpp"

namespace hypatia::testing {

inline Function compile_on(const std::string& linker, const std::vector<Variable>& inputs,
                           const std::vector<Variable>& outputs) {
  Mode m = Mode::without_rewrites();
  m.linker = linker;
  return function(inputs, outputs, m);
}

// Deterministic values in [lo, hi).
inline std::vector<double> spread(std::size_t n, double lo, double hi, int seed) {
  std::vector<double> v(n);
  std::uint64_t s = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(seed + 1);
  for (double& x : v) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    x = lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0;
  }
  return v;
}

// The same dtype, shape and bits (NaN matching any NaN): for kernels that must compute
// exactly what the reference kernels compute.
inline void expect_identical(const Array& got, const Array& want, const std::string& what) {
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  const Array g = got.copy(), w = want.copy();
  if (is_float(want.dtype())) {
    const std::vector<double> gv = g.to_vector<double>(), wv = w.to_vector<double>();
    for (std::size_t i = 0; i < gv.size(); ++i) {
      if (std::isnan(wv[i]) && std::isnan(gv[i])) continue;
      ASSERT_EQ(std::bit_cast<std::uint64_t>(gv[i]), std::bit_cast<std::uint64_t>(wv[i]))
          << what << " element " << i << ": got " << gv[i] << ", expected " << wv[i];
    }
  } else {
    EXPECT_EQ(std::memcmp(g.data(), w.data(), w.nbytes()), 0) << what << ": got " << g.str() << ", expected "
                                                              << w.str();
  }
}

// Same dtype, shape and values; floats within a few ulps (the same scalar code, maybe
// contracted differently by the compiler), NaN where NaN.
inline void expect_same(const Array& got, const Array& want, const std::string& what) {
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  if (is_float(want.dtype())) {
    const double tol = want.dtype() == DType::float32 ? 2e-6 : 1e-13;
    const std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (std::isnan(w[i])) {
        EXPECT_TRUE(std::isnan(g[i])) << what << " element " << i << ": got " << g[i] << ", expected NaN";
      } else if (std::isinf(w[i])) {
        EXPECT_EQ(g[i], w[i]) << what << " element " << i;
      } else {
        EXPECT_LE(std::abs(g[i] - w[i]), tol * (1 + std::abs(w[i])))
            << what << " element " << i << ": got " << g[i] << ", expected " << w[i];
      }
    }
  } else {
    // Exact: compare the bytes of a C-order copy.
    const Array g = got.copy(), w = want.copy();
    EXPECT_EQ(std::memcmp(g.data(), w.data(), w.nbytes()), 0) << what << ": got " << g.str() << ", expected " << w.str();
  }
}

// Runs `outputs` on both backends and compares; returns the cpu function.
inline Function expect_cpu_matches_interp(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                                          const std::vector<Array>& args, const std::string& what) {
  Function cpu = compile_on("cpu", inputs, outputs);
  Function ref = compile_on("interp", inputs, outputs);
  const std::vector<Array> got = cpu(args), want = ref(args);
  EXPECT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size() && i < want.size(); ++i) expect_same(got[i], want[i], what);
  return cpu;
}

// Edge values of `dtype`, cycled over `shape` from `seed` (C order).
inline Array edge_values(DType dtype, const Shape& shape, int seed) {
  const auto n = static_cast<std::size_t>(shape_size(shape));
  return visit_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> pool;
    if constexpr (std::is_same_v<T, bool>) {
      pool = {true, false, false, true, true};
    } else if constexpr (std::is_floating_point_v<T>) {
      const T inf = std::numeric_limits<T>::infinity();
      pool = {T(0), T(-0.0), T(1), T(-1), T(0.5), T(-2.5), T(3), T(7.25), T(-100), T(1e-30), T(1e30),
              inf, -inf, std::numeric_limits<T>::quiet_NaN(), T(0.999), T(2), T(-0.75)};
    } else {
      pool = {T(0), T(1), T(2), T(7), T(100), std::numeric_limits<T>::max(), std::numeric_limits<T>::min(), T(5),
              T(3)};
      if constexpr (std::is_signed_v<T>) {
        pool.insert(pool.end(), {T(-1), T(-3), T(-8), T(-100)});
      }
    }
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = pool[(i * 7 + static_cast<std::size_t>(seed) * 5 + i / pool.size()) % pool.size()];
    if (shape.empty()) return Array::scalar<T>(v[0]);
    return Array::from_vector(v, shape);
  });
}

// Sets HYPATIA_FLAGS to its value plus `extra` while alive (the cpu
// backend reads its flags, march_native, sleef, ..., from there).
class FlagsScope {
 public:
  explicit FlagsScope(const std::string& extra) {
    const char* old = std::getenv("HYPATIA_FLAGS");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("HYPATIA_FLAGS", ((had_ && !old_.empty() ? old_ + "," : std::string()) + extra).c_str(), 1);
  }
  ~FlagsScope() {
    if (had_) {
      ::setenv("HYPATIA_FLAGS", old_.c_str(), 1);
    } else {
      ::unsetenv("HYPATIA_FLAGS");
    }
  }

 private:
  bool had_ = false;
  std::string old_;
};

}  // namespace hypatia::testing
