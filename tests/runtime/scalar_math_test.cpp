// The scalar primitives of runtime/scalar_math.hpp on integers and bool, the
// comparisons, logic, bits, predicates and cast, against independent references:
// arithmetic in uint64 (wrapping by definition), std::cmp_*, hand values and NumPy's
// printed results (NumPy 1.24). The float functions are in scalar_math_float_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <unistd.h>

#include "runtime/scalar_math.hpp"

namespace {

namespace sm = hypatia::scalar_math;

using Ints = testing::Types<std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t, std::uint16_t,
                            std::uint32_t, std::uint64_t>;

template <class T>
class ScalarInt : public testing::Test {};
TYPED_TEST_SUITE(ScalarInt, Ints);

template <class T>
using Lim = std::numeric_limits<T>;

// Edge and ordinary values of T: 0, +-1, 2, 37, min, max and their neighbours.
template <class T>
std::vector<T> samples() {
  std::vector<T> v{T(0), T(1), T(2), T(37), Lim<T>::max(), T(Lim<T>::max() - 1), Lim<T>::min(),
                   T(Lim<T>::min() + 1)};
  if constexpr (std::is_signed_v<T>) {
    for (T x : {T(-1), T(-2), T(-37)}) v.push_back(x);
  }
  return v;
}

// The value of a uint64 reduced modulo 2^bits of T: the reference for wrapping.
template <class T>
T wrap(std::uint64_t v) {
  return static_cast<T>(v);  // modular since C++20
}

template <class T>
std::uint64_t u64(T v) {
  return static_cast<std::uint64_t>(v);  // sign-extends, then modular
}

TYPED_TEST(ScalarInt, AddSubMulWrapLikeUint64) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (T b : samples<T>()) {
      EXPECT_EQ(sm::add(a, b), wrap<T>(u64(a) + u64(b))) << +a << " + " << +b;
      EXPECT_EQ(sm::sub(a, b), wrap<T>(u64(a) - u64(b))) << +a << " - " << +b;
      EXPECT_EQ(sm::mul(a, b), wrap<T>(u64(a) * u64(b))) << +a << " * " << +b;
    }
    EXPECT_EQ(sm::neg(a), wrap<T>(0 - u64(a))) << +a;
    EXPECT_EQ(sm::sqr(a), wrap<T>(u64(a) * u64(a))) << +a;
  }
  EXPECT_EQ(sm::add(Lim<T>::max(), T(1)), Lim<T>::min());
  EXPECT_EQ(sm::sub(Lim<T>::min(), T(1)), Lim<T>::max());
}

TYPED_TEST(ScalarInt, AbsAndNegOfMinWrap) {
  using T = TypeParam;
  EXPECT_EQ(sm::abs(T(0)), T(0));
  EXPECT_EQ(sm::abs(T(37)), T(37));
  EXPECT_EQ(sm::abs(Lim<T>::max()), Lim<T>::max());
  if constexpr (std::is_signed_v<T>) {
    EXPECT_EQ(sm::abs(T(-37)), T(37));
    EXPECT_EQ(sm::abs(Lim<T>::min()), Lim<T>::min());  // NumPy: abs(INT_MIN) == INT_MIN
    EXPECT_EQ(sm::neg(Lim<T>::min()), Lim<T>::min());
    EXPECT_EQ(sm::neg(T(-1)), T(1));
  } else {
    EXPECT_EQ(sm::abs(Lim<T>::max()), Lim<T>::max());
    EXPECT_EQ(sm::neg(T(1)), Lim<T>::max());
  }
}

TYPED_TEST(ScalarInt, FloorDivAndModAreDivmod) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (T b : samples<T>()) {
      const T q = sm::floor_div(a, b);
      const T r = sm::mod(a, b);
      if (b == 0) {
        EXPECT_EQ(q, T(0)) << +a;  // NumPy gives 0 (with a warning)
        EXPECT_EQ(r, T(0)) << +a;
        continue;
      }
      if (std::is_signed_v<T> && a == Lim<T>::min() && b == T(-1)) {
        EXPECT_EQ(q, Lim<T>::min());  // wraps, as NumPy
        EXPECT_EQ(r, T(0));
        continue;
      }
      // a == q b + r exactly, r has b's sign and |r| < |b|: floor division.
      EXPECT_EQ(static_cast<__int128>(a), static_cast<__int128>(q) * b + r) << +a << " divmod " << +b;
      EXPECT_TRUE(r == 0 || ((r < 0) == (b < 0))) << +a << " % " << +b << " = " << +r;
      const __int128 abs_r = r < 0 ? -static_cast<__int128>(r) : r;
      const __int128 abs_b = b < 0 ? -static_cast<__int128>(b) : b;
      EXPECT_LT(abs_r, abs_b) << +a << " % " << +b;
    }
  }
  EXPECT_EQ(sm::floor_div(T(7), T(2)), T(3));
  EXPECT_EQ(sm::mod(T(7), T(2)), T(1));
  if constexpr (std::is_signed_v<T>) {
    EXPECT_EQ(sm::floor_div(T(-7), T(2)), T(-4));
    EXPECT_EQ(sm::floor_div(T(7), T(-2)), T(-4));
    EXPECT_EQ(sm::floor_div(T(-7), T(-2)), T(3));
    EXPECT_EQ(sm::floor_div(T(-6), T(2)), T(-3));
    EXPECT_EQ(sm::mod(T(-7), T(2)), T(1));
    EXPECT_EQ(sm::mod(T(7), T(-2)), T(-1));
    EXPECT_EQ(sm::mod(T(-7), T(-2)), T(-1));
    EXPECT_EQ(sm::mod(Lim<T>::min(), T(-1)), T(0));
  }
}

// a^b by b multiplications in uint64: the reference for small exponents.
template <class T>
T pow_by_multiplying(T a, int b) {
  std::uint64_t r = 1;
  for (int k = 0; k < b; ++k) r *= u64(a);
  return wrap<T>(r);
}

TYPED_TEST(ScalarInt, PowWrapsAndNegativeExponentsTruncate) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (int b = 0; b <= 9; ++b) EXPECT_EQ(sm::pow(a, T(b)), pow_by_multiplying(a, b)) << +a << " ** " << b;
  }
  EXPECT_EQ(sm::pow(T(0), T(0)), T(1));
  EXPECT_EQ(sm::pow(T(3), T(4)), T(81));
  EXPECT_EQ(sm::pow(T(2), T(8 * sizeof(T))), T(0));                           // 2^bits wraps to 0
  EXPECT_EQ(sm::pow(T(2), T(8 * sizeof(T) - 1)), wrap<T>(u64(1) << (8 * sizeof(T) - 1)));
  EXPECT_EQ(sm::pow(T(1), Lim<T>::max()), T(1));
  if constexpr (std::is_signed_v<T>) {
    EXPECT_EQ(sm::pow(T(-2), T(3)), T(-8));
    EXPECT_EQ(sm::pow(T(-1), Lim<T>::max()), T(-1));  // odd
    // NumPy raises here (the kernels check first); pow itself gives trunc(a^b).
    EXPECT_EQ(sm::pow(T(1), T(-3)), T(1));
    EXPECT_EQ(sm::pow(T(-1), T(-3)), T(-1));
    EXPECT_EQ(sm::pow(T(-1), T(-2)), T(1));
    EXPECT_EQ(sm::pow(T(2), T(-1)), T(0));
    EXPECT_EQ(sm::pow(T(0), T(-1)), T(0));
    EXPECT_EQ(sm::pow(T(5), Lim<T>::min()), T(0));
  }
}

TYPED_TEST(ScalarInt, SignReciprocal) {
  using T = TypeParam;
  EXPECT_EQ(sm::sign(T(0)), T(0));
  EXPECT_EQ(sm::sign(T(37)), T(1));
  EXPECT_EQ(sm::sign(Lim<T>::max()), T(1));
  EXPECT_EQ(sm::reciprocal(T(1)), T(1));
  EXPECT_EQ(sm::reciprocal(T(0)), T(0));  // integer division by zero gives 0
  EXPECT_EQ(sm::reciprocal(T(2)), T(0));
  EXPECT_EQ(sm::reciprocal(Lim<T>::max()), T(0));
  if constexpr (std::is_signed_v<T>) {
    EXPECT_EQ(sm::sign(T(-37)), T(-1));
    EXPECT_EQ(sm::sign(Lim<T>::min()), T(-1));
    EXPECT_EQ(sm::reciprocal(T(-1)), T(-1));
    EXPECT_EQ(sm::reciprocal(T(-2)), T(0));
    EXPECT_EQ(sm::reciprocal(Lim<T>::min()), T(0));
  }
}

TYPED_TEST(ScalarInt, MaximumMinimumClip) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (T b : samples<T>()) {
      EXPECT_EQ(sm::maximum(a, b), a < b ? b : a);
      EXPECT_EQ(sm::minimum(a, b), b < a ? b : a);
      for (T hi : {T(0), T(37), Lim<T>::max()}) {
        // NumPy's clip ufunc: min(max(x, lo), hi), so hi wins when lo > hi.
        const T at_least_lo = a < b ? b : a;
        const T expected = at_least_lo > hi ? hi : at_least_lo;
        EXPECT_EQ(sm::clip(a, b, hi), expected) << +a << " " << +b << " " << +hi;
      }
    }
  }
}

TYPED_TEST(ScalarInt, RoundingKeepsIntegers) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    EXPECT_EQ(sm::ceil(a), a);
    EXPECT_EQ(sm::floor(a), a);
    EXPECT_EQ(sm::trunc(a), a);
    EXPECT_EQ(sm::round_half_even(a), a);
    EXPECT_EQ(sm::round_half_away(a), a);
  }
}

TYPED_TEST(ScalarInt, ComparisonsAndPredicates) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (T b : samples<T>()) {
      EXPECT_EQ(sm::lt(a, b), std::cmp_less(a, b));
      EXPECT_EQ(sm::gt(a, b), std::cmp_greater(a, b));
      EXPECT_EQ(sm::le(a, b), std::cmp_less_equal(a, b));
      EXPECT_EQ(sm::ge(a, b), std::cmp_greater_equal(a, b));
      EXPECT_EQ(sm::eq(a, b), std::cmp_equal(a, b));
      EXPECT_EQ(sm::neq(a, b), std::cmp_not_equal(a, b));
    }
    EXPECT_FALSE(sm::isnan(a));
    EXPECT_FALSE(sm::isinf(a));
    EXPECT_TRUE(sm::isfinite(a));
  }
}

TYPED_TEST(ScalarInt, LogicReadsNonzeroAsTrue) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (T b : samples<T>()) {
      const bool ta = a != 0;
      const bool tb = b != 0;
      EXPECT_EQ(sm::logical_and(a, b), ta && tb);
      EXPECT_EQ(sm::logical_or(a, b), ta || tb);
      EXPECT_EQ(sm::logical_xor(a, b), ta != tb);
    }
    EXPECT_EQ(sm::logical_not(a), a == 0);
  }
}

TYPED_TEST(ScalarInt, BitwiseLikeUint64) {
  using T = TypeParam;
  for (T a : samples<T>()) {
    for (T b : samples<T>()) {
      EXPECT_EQ(sm::bitwise_and(a, b), wrap<T>(u64(a) & u64(b)));
      EXPECT_EQ(sm::bitwise_or(a, b), wrap<T>(u64(a) | u64(b)));
      EXPECT_EQ(sm::bitwise_xor(a, b), wrap<T>(u64(a) ^ u64(b)));
    }
    EXPECT_EQ(sm::invert(a), wrap<T>(~u64(a)));
  }
  if constexpr (std::is_signed_v<T>) {
    EXPECT_EQ(sm::invert(T(0)), T(-1));
  } else {
    EXPECT_EQ(sm::invert(T(0)), Lim<T>::max());
  }
}

TYPED_TEST(ScalarInt, SelectAndIntegerCasts) {
  using T = TypeParam;
  EXPECT_EQ(sm::select(true, Lim<T>::min(), Lim<T>::max()), Lim<T>::min());
  EXPECT_EQ(sm::select(false, Lim<T>::min(), Lim<T>::max()), Lim<T>::max());
  for (T a : samples<T>()) {
    // Integer to integer wraps modulo 2^bits; to bool is != 0; to float is the nearest.
    EXPECT_EQ(sm::cast<std::int8_t>(a), wrap<std::int8_t>(u64(a)));
    EXPECT_EQ(sm::cast<std::uint16_t>(a), wrap<std::uint16_t>(u64(a)));
    EXPECT_EQ(sm::cast<std::int32_t>(a), wrap<std::int32_t>(u64(a)));
    EXPECT_EQ(sm::cast<std::uint64_t>(a), u64(a));
    EXPECT_EQ(sm::cast<bool>(a), a != 0);
    EXPECT_EQ(sm::cast<double>(a), static_cast<double>(a));
    EXPECT_EQ(sm::cast<T>(a), a);
  }
  EXPECT_EQ(sm::cast<T>(true), T(1));
  EXPECT_EQ(sm::cast<T>(false), T(0));
}

// Signed against uint64 (which NumPy promotes to float64) compares exactly by value.
TEST(ScalarMixed, Int64AgainstUint64ComparesByValue) {
  const std::int64_t signed_values[] = {-1, 0, 1, Lim<std::int64_t>::min(), Lim<std::int64_t>::max()};
  const std::uint64_t unsigned_values[] = {0, 1, std::uint64_t{1} << 63, Lim<std::uint64_t>::max(),
                                           static_cast<std::uint64_t>(Lim<std::int64_t>::max())};
  for (std::int64_t a : signed_values) {
    for (std::uint64_t b : unsigned_values) {
      EXPECT_EQ(sm::lt(a, b), std::cmp_less(a, b)) << a << " " << b;
      EXPECT_EQ(sm::le(a, b), std::cmp_less_equal(a, b)) << a << " " << b;
      EXPECT_EQ(sm::gt(a, b), std::cmp_greater(a, b)) << a << " " << b;
      EXPECT_EQ(sm::ge(a, b), std::cmp_greater_equal(a, b)) << a << " " << b;
      EXPECT_EQ(sm::eq(a, b), std::cmp_equal(a, b)) << a << " " << b;
      EXPECT_EQ(sm::neq(a, b), std::cmp_not_equal(a, b)) << a << " " << b;
      EXPECT_EQ(sm::lt(b, a), std::cmp_less(b, a)) << b << " " << a;
      EXPECT_EQ(sm::eq(b, a), std::cmp_equal(b, a)) << b << " " << a;
      EXPECT_EQ(sm::ge(b, a), std::cmp_greater_equal(b, a)) << b << " " << a;
    }
  }
  // Through float64 these would be equal: 2^63 - 1 and 2^63 round alike.
  EXPECT_TRUE(sm::lt(Lim<std::int64_t>::max(), std::uint64_t{1} << 63));
  EXPECT_FALSE(sm::eq(std::int64_t{-1}, Lim<std::uint64_t>::max()));
}

// bool follows NumPy's loops: add is or, mul is and, maximum is or, minimum is and.
TEST(ScalarBool, ArithmeticIsLogic) {
  for (bool a : {false, true}) {
    for (bool b : {false, true}) {
      EXPECT_EQ(sm::add(a, b), a || b);
      EXPECT_EQ(sm::mul(a, b), a && b);
      EXPECT_EQ(sm::maximum(a, b), a || b);
      EXPECT_EQ(sm::minimum(a, b), a && b);
      EXPECT_EQ(sm::bitwise_and(a, b), a && b);
      EXPECT_EQ(sm::bitwise_or(a, b), a || b);
      EXPECT_EQ(sm::bitwise_xor(a, b), a != b);
      EXPECT_EQ(sm::logical_and(a, b), a && b);
      EXPECT_EQ(sm::logical_or(a, b), a || b);
      EXPECT_EQ(sm::logical_xor(a, b), a != b);
      EXPECT_EQ(sm::lt(a, b), !a && b);
      EXPECT_EQ(sm::le(a, b), !a || b);
      EXPECT_EQ(sm::gt(a, b), a && !b);
      EXPECT_EQ(sm::ge(a, b), a || !b);
      EXPECT_EQ(sm::eq(a, b), a == b);
      EXPECT_EQ(sm::neq(a, b), a != b);
      EXPECT_EQ(sm::select(a, b, !b), a ? b : !b);
      EXPECT_EQ(sm::clip(a, b, true), a || b);
    }
    EXPECT_EQ(sm::abs(a), a);
    EXPECT_EQ(sm::invert(a), !a);
    EXPECT_EQ(sm::logical_not(a), !a);
    EXPECT_EQ(sm::ceil(a), a);
    EXPECT_EQ(sm::floor(a), a);
    EXPECT_EQ(sm::trunc(a), a);
    EXPECT_FALSE(sm::isnan(a));
    EXPECT_FALSE(sm::isinf(a));
    EXPECT_TRUE(sm::isfinite(a));
    EXPECT_EQ(sm::cast<float>(a), a ? 1.0f : 0.0f);
    EXPECT_EQ(sm::cast<std::int64_t>(a), a ? 1 : 0);
    EXPECT_EQ(sm::cast<bool>(a), a);
  }
}

// Float to integer for NaN, inf and out of range: x86-64's "integer indefinite" rules
// (see cast in scalar_math.hpp). The values are NumPy 1.24's for arrays of 16 or more
// elements (its SIMD loops; its one-element loop differs for uint32).
TEST(ScalarCast, FloatToIntegerIsDefinedEverywhere) {
  constexpr double kNan = Lim<double>::quiet_NaN();
  constexpr double kInf = Lim<double>::infinity();
  constexpr std::uint32_t u31 = std::uint32_t{1} << 31;
  constexpr std::uint64_t u63 = std::uint64_t{1} << 63;
  struct Row {
    double v;
    std::int8_t i8;
    std::uint8_t u8;
    std::int16_t i16;
    std::uint16_t u16;
    std::int32_t i32;
    std::uint32_t u32;
    std::int64_t i64;
    std::uint64_t u64;
  };
  constexpr std::int32_t i32min = Lim<std::int32_t>::min();
  constexpr std::int64_t i64min = Lim<std::int64_t>::min();
  const Row rows[] = {
      {300.7, 44, 44, 300, 300, 300, 300, 300, 300},
      {-1.5, -1, 255, -1, 65535, -1, 4294967295u, -1, Lim<std::uint64_t>::max()},
      {70000.0, 112, 112, 4464, 4464, 70000, 70000, 70000, 70000},
      {3e9, 0, 0, 0, 0, i32min, 3000000000u, 3000000000, 3000000000u},
      {-2.5e9, 0, 0, 0, 0, i32min, u31, -2500000000, 18446744071209551616u},
      {1e19, 0, 0, 0, 0, i32min, 0, i64min, 10000000000000000000u},
      {18446744073709551616.0, 0, 0, 0, 0, i32min, 0, i64min, 0},  // 2^64
      {kNan, 0, 0, 0, 0, i32min, u31, i64min, u63},
      {kInf, 0, 0, 0, 0, i32min, 0, i64min, 0},
      {-kInf, 0, 0, 0, 0, i32min, u31, i64min, u63},
      {-0.0, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  for (const Row& r : rows) {
    for (bool as_float : {false, true}) {
      if (as_float && r.v == 1e19) continue;  // not exact in float: another value
      const auto check = [&](auto v) {
        EXPECT_EQ(sm::cast<std::int8_t>(v), r.i8) << r.v;
        EXPECT_EQ(sm::cast<std::uint8_t>(v), r.u8) << r.v;
        EXPECT_EQ(sm::cast<std::int16_t>(v), r.i16) << r.v;
        EXPECT_EQ(sm::cast<std::uint16_t>(v), r.u16) << r.v;
        EXPECT_EQ(sm::cast<std::int32_t>(v), r.i32) << r.v;
        EXPECT_EQ(sm::cast<std::uint32_t>(v), r.u32) << r.v;
        EXPECT_EQ(sm::cast<std::int64_t>(v), r.i64) << r.v;
        EXPECT_EQ(sm::cast<std::uint64_t>(v), r.u64) << r.v;
      };
      if (as_float) {
        check(static_cast<float>(r.v));
      } else {
        check(r.v);
      }
    }
  }
  // [2^63, 2^64) converts exactly to uint64.
  EXPECT_EQ(sm::cast<std::uint64_t>(9223372036854775808.0), u63);
  EXPECT_EQ(sm::cast<std::uint64_t>(18446744073709549568.0), 18446744073709549568u);  // largest below 2^64
  EXPECT_EQ(sm::cast<std::uint64_t>(1.8446743e19f), 18446742974197923840u);
}

TEST(ScalarCast, ToBoolAndBetweenFloats) {
  EXPECT_TRUE(sm::cast<bool>(Lim<double>::quiet_NaN()));  // NaN != 0
  EXPECT_TRUE(sm::cast<bool>(-Lim<float>::infinity()));
  EXPECT_TRUE(sm::cast<bool>(1e-300));
  EXPECT_FALSE(sm::cast<bool>(-0.0));
  EXPECT_FALSE(sm::cast<bool>(0.0f));
  EXPECT_EQ(sm::cast<float>(1e300), Lim<float>::infinity());
  EXPECT_EQ(sm::cast<float>(-1e300), -Lim<float>::infinity());
  EXPECT_EQ(sm::cast<float>(1e-300), 0.0f);
  EXPECT_EQ(sm::cast<float>(0.1), 0.1f);
  EXPECT_EQ(sm::cast<double>(0.1f), static_cast<double>(0.1f));
  EXPECT_EQ(sm::cast<double>(Lim<std::uint64_t>::max()), 18446744073709551616.0);
  EXPECT_EQ(sm::cast<float>(Lim<std::int64_t>::min()), -9223372036854775808.0f);
  EXPECT_EQ(sm::cast<std::int8_t>(Lim<std::uint64_t>::max()), -1);
  EXPECT_EQ(sm::cast<std::uint8_t>(std::int64_t{-1}), 255);
}

// The header is embedded in generated modules: it must compile alone, with nothing
// but standard headers, warning-free under -Wall -Wextra -Werror for every primitive
// and compute type. Checked with each compiler found on the machine.
std::filesystem::path find_header() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; up < 6 && !dir.empty(); ++up, dir = dir.parent_path()) {
    const auto candidate = dir / "src" / "runtime" / "scalar_math.hpp";
    if (std::filesystem::exists(candidate)) return candidate;
    if (dir == dir.parent_path()) break;
  }
  return {};
}

constexpr const char* kStandaloneSource = R"(
#include <type_traits>
namespace sm = hypatia::scalar_math;
template <class T>
T all(T x, T y, T z, bool c) {
  T r = sm::add(x, y);
  r = sm::mul(r, y);
  r = sm::maximum(r, x);
  r = sm::minimum(r, y);
  r = sm::clip(r, x, z);
  r = sm::abs(r);
  r = sm::select(c, r, x);
  r = sm::ceil(sm::floor(sm::trunc(sm::round_half_even(sm::round_half_away(r)))));
  if constexpr (!std::is_same_v<T, bool>) {
    r = sm::sign(sm::neg(sm::sub(r, x)));
    r = sm::sqr(sm::reciprocal(sm::pow(sm::mod(sm::floor_div(r, y), y), y)));
  }
  if constexpr (std::is_floating_point_v<T>) {
    r = sm::arctan2(sm::true_div(r, y), x);
    r = sm::sqrt(r) + sm::cbrt(r) + sm::exp(r) + sm::exp2(r) + sm::expm1(r) + sm::log(r) + sm::log2(r) +
        sm::log10(r) + sm::log1p(r) + sm::sin(r) + sm::cos(r) + sm::tan(r) + sm::arcsin(r) + sm::arccos(r) +
        sm::arctan(r) + sm::sinh(r) + sm::cosh(r) + sm::tanh(r) + sm::arcsinh(r) + sm::arccosh(r) +
        sm::arctanh(r) + sm::sigmoid(r) + sm::softplus(r) + sm::erf(r) + sm::erfc(r) + sm::erfcx(r) +
        sm::erfinv(r) + sm::gamma(r) + sm::gammaln(r) + sm::digamma(r) + sm::trigamma(r);
  } else {
    r = sm::invert(sm::bitwise_xor(sm::bitwise_or(sm::bitwise_and(r, x), y), z));
  }
  const bool b = sm::lt(r, x) ^ sm::gt(r, x) ^ sm::le(r, x) ^ sm::ge(r, x) ^ sm::eq(r, x) ^ sm::neq(r, x) ^
                 sm::logical_and(r, x) ^ sm::logical_or(r, x) ^ sm::logical_xor(r, x) ^ sm::logical_not(r) ^
                 sm::isnan(r) ^ sm::isinf(r) ^ sm::isfinite(r);
  return sm::select(b, sm::cast<T>(sm::cast<double>(r)), sm::cast<T>(sm::cast<std::uint64_t>(r)));
}
#define HYPATIA_X(T) template T all<T>(T, T, T, bool);
HYPATIA_X(bool) HYPATIA_X(std::int8_t) HYPATIA_X(std::int16_t) HYPATIA_X(std::int32_t) HYPATIA_X(std::int64_t)
HYPATIA_X(std::uint8_t) HYPATIA_X(std::uint16_t) HYPATIA_X(std::uint32_t) HYPATIA_X(std::uint64_t)
HYPATIA_X(float) HYPATIA_X(double)
bool mixed(std::int64_t a, std::uint64_t b) { return sm::lt(a, b) || sm::eq(b, a); }
)";

TEST(ScalarMathHeader, CompilesAloneWithoutWarnings) {
  const std::filesystem::path header = find_header();
  if (header.empty()) GTEST_SKIP() << "source tree not found above the test binary";
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::filesystem::path source = dir / ("hypatia_scalar_math_" + std::to_string(::getpid()) + ".cpp");
  {
    std::ofstream out(source);
    out << "#include \"" << header.string() << "\"\n" << kStandaloneSource;
  }
  int compilers = 0;
  for (const char* cxx : {"g++", "clang++"}) {
    if (std::system((std::string("command -v ") + cxx + " > /dev/null 2>&1").c_str()) != 0) continue;
    ++compilers;
    const std::string command = std::string(cxx) +
                                " -std=c++20 -fsyntax-only -Wall -Wextra -Wconversion -Wshadow -Werror " +
                                source.string() + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
    EXPECT_EQ(::pclose(pipe), 0) << command << "\n" << output;
  }
  std::filesystem::remove(source);
  if (compilers == 0) GTEST_SKIP() << "no C++ compiler found";
}

}  // namespace
