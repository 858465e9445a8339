// The vector loops of mixed kernels (simd_math.hpp masks, render.cpp's vector plan):
// comparisons, select, logic and predicates on masks, casts between float, bool and
// loaded integers (or the other float type), bool inputs and outputs, and zero-stride
// (broadcast) operands, against the interpreter: lengths around the vector width (the
// tail runs the scalar statements), edge values (NaN, +-inf, +-0), non-contiguous and
// broadcast arguments, and the module built without SLEEF and without -march=native.
#include <gtest/gtest.h>

#include <cstdlib>
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
using testing::expect_same;

bool skip_without_compiler() { return !cpu::compiler_available(); }

template <class T>
Array floats(std::int64_t n, int seed) {
  const T inf = std::numeric_limits<T>::infinity();
  std::vector<T> pool = {T(0), T(-0.0), std::numeric_limits<T>::quiet_NaN(), inf, -inf, T(1), T(-1), T(0.5),
                         T(-0.5), T(2), T(-3), T(1e-30), T(1e30), std::numeric_limits<T>::denorm_min(), T(7.25)};
  for (int k = -8; k <= 8; ++k) pool.push_back(T(k) * T(0.75));
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = pool[(i * 5 + static_cast<std::size_t>(seed) * 7 + i / 3) % pool.size()];
  return Array::from_vector(v, {n});
}

Array floats_of(DType t, std::int64_t n, int seed) { return t == float32 ? floats<float>(n, seed) : floats<double>(n, seed); }

Array bools(std::int64_t n, int seed) {
  std::vector<bool> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i * 3 + static_cast<std::size_t>(seed) + i / 5) % 4 < 2;
  return Array::from_vector(v, {n});
}

Array int8s(std::int64_t n) {
  std::vector<std::int8_t> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int8_t>(static_cast<int>(i * 37 % 256) - 128);
  return Array::from_vector(v, {n});
}

// The outputs of one function of x, y (float t), b (bool), k (int8), h (the other float type).
struct Mixed {
  std::vector<Variable> inputs, outs;
  std::vector<std::string> names;
};

Mixed mixed(DType t) {
  const DType other = t == float32 ? float64 : float32;
  Variable x = vector("x", t), y = vector("y", t), b = vector("b", bool_), k = vector("k", int8), h = vector("h", other);
  Mixed m{{x, y, b, k, h}, {}, {}};
  const auto add = [&](const std::string& name, const Variable& v) {
    m.outs.push_back(v);
    m.names.push_back(name);
  };
  add("where gt", where(x > y, x, y * 2));
  add("relu grad", where(x > 0, y, zeros_like(y)));
  add("where bool input", where(b, exp(x), -y));
  add("comparisons", cast(lt(x, y), t) + cast(le(x, y), t) * 2 + cast(eq(x, y), t) * 4 + cast(neq(x, y), t) * 8 +
                         cast(ge(x, y), t) * 16);
  add("bool out gt", gt(x, y));
  add("bool out logic", logical_xor(logical_and(x, y), logical_or(b, isnan(x))));
  add("bool out not", logical_not(x));
  add("bool out predicates", bitwise_or(bitwise_and(isinf(y), ~isfinite(x)), isnan(y)));
  add("bool logic on masks", eq(logical_not(b), eq(b, x > 1)));
  add("select masks", where(x > y, b, isnan(x)));
  add("cast bool", cast(b, t) * x + cast(x, bool_) * cast(y, bool_));
  add("cast int8", cast(k, t) * x - cast(cast(k, bool_), t));
  add("cast other float", cast(h, t) + x);
  add("bool nonzero of other float", where(cast(h, bool_), x, y));
  add("clip and maximum", maximum(where(isnan(x), y, x), clip(y, -1.0, 1.0)));
  add("copy bool", logical_and(b, b));
  return m;
}

std::vector<Array> mixed_args(DType t, std::int64_t n) {
  const DType other = t == float32 ? float64 : float32;
  return {floats_of(t, n, 0), floats_of(t, n, 3), bools(n, 1), int8s(n), floats_of(other, n, 5)};
}

void check_mixed(DType t, const std::string& what) {
  const Mixed m = mixed(t);
  Function cpu = compile_on("cpu", m.inputs, m.outs);
  Function ref = compile_on("interp", m.inputs, m.outs);
  for (std::int64_t n : {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 131}) {
    const std::vector<Array> args = mixed_args(t, n);
    const std::vector<Array> got = cpu(args), want = ref(args);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      expect_same(got[i], want[i], what + " " + std::string(dtype_name(t)) + " " + m.names[i] + " n=" + std::to_string(n));
    }
  }
}

TEST(CpuSimdMask, MixedKernelsRunOnVectors) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  Variable x = vector("x", float32), y = vector("y", float32), b = vector("b", bool_), k = vector("k", int8);
  const Function f = compile_on("cpu", {x, y, b, k},
                                {where(x > y, x, y) * cast(k, float32), logical_and(b, isnan(x)), where(b, x, y)});
  const std::string src = f.source();
  EXPECT_NE(src.find("simd::select(w"), std::string::npos) << src;
  EXPECT_NE(src.find("simd::gt(w"), std::string::npos);
  EXPECT_NE(src.find("simd::convert<float>(w"), std::string::npos);
  EXPECT_NE(src.find("simd::load_mask<float>("), std::string::npos);
  EXPECT_NE(src.find("simd::store_mask<float>("), std::string::npos);
  EXPECT_NE(src.find("simd::mask_logical_and(w"), std::string::npos);
  // Integer arithmetic keeps the scalar loop.
  Variable i = vector("i", int32);
  const Function g = compile_on("cpu", {i, x}, {cast(i * 3, float32) + x});
  EXPECT_EQ(g.source().find("simd::width"), std::string::npos) << g.source();
}

TEST(CpuSimdMask, MixedKernelsMatchTheReferenceFloat32) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_mixed(float32, "masks");
}

TEST(CpuSimdMask, MixedKernelsMatchTheReferenceFloat64) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  check_mixed(float64, "masks");
}

// A zero-stride operand (a column broadcast along the rows, a broadcast_to view, a
// 0-d one) takes the vector loop with its value splatted; strided and reversed
// arguments the strided loop.
TEST(CpuSimdMask, BroadcastAndNonContiguousArguments) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  for (DType t : {float32, float64}) {
    Variable x = matrix("x", t), c = matrix("c", t), r = vector("r", t), b = matrix("b", bool_);
    const std::vector<Variable> outs = {where(x > c, tanh(x) * r, c - r), logical_or(b, x < c),
                                        sigmoid(x) * cast(b, t) + c};
    Function cpu = compile_on("cpu", {x, c, r, b}, outs);
    Function ref = compile_on("interp", {x, c, r, b}, outs);
    EXPECT_NE(cpu.source().find("s[1] == 0)"), std::string::npos) << cpu.source();
    const Array base = floats_of(t, 19 * 23, 1).reshape({19, 23});
    const Array column = floats_of(t, 19, 2).reshape({19, 1});
    const Array row = floats_of(t, 23, 3);
    const Array mask = bools(19 * 23, 4).reshape({19, 23});
    const std::vector<std::pair<std::string, std::vector<Array>>> cases = {
        {"column", {base, column, row, mask}},
        {"broadcast_to views", {base, floats_of(t, 1, 6).reshape({1, 1}).broadcast_to({19, 23}),
                                floats_of(t, 1, 7).broadcast_to({23}), bools(1, 0).reshape({1, 1}).broadcast_to({19, 23})}},
        {"transposed", {floats_of(t, 23 * 19, 4).reshape({23, 19}).transpose(), column, row, mask}},
        {"every other column", {floats_of(t, 19 * 46, 5).reshape({19, 46}).slice(1, 0, 46, 2), column, row,
                                bools(19 * 46, 2).reshape({19, 46}).slice(1, 0, 46, 2)}},
        {"reversed row", {base, column, floats_of(t, 23, 6).slice(0, 22, -24, -1), mask}},
        {"one element rows", {floats_of(t, 19, 8).reshape({19, 1}), column, floats_of(t, 1, 9), bools(19, 3).reshape({19, 1})}},
    };
    for (const auto& [name, args] : cases) {
      const std::vector<Array> got = cpu(args), want = ref(args);
      for (std::size_t i = 0; i < got.size(); ++i) {
        expect_same(got[i], want[i], std::string(dtype_name(t)) + " " + name + " output " + std::to_string(i));
      }
    }
  }
}

TEST(CpuSimdMask, WithoutSleefOrMarchNative) {
  if (skip_without_compiler()) GTEST_SKIP() << "no C++ compiler";
  for (const char* flags : {"march_native=0", "sleef=0,sleef_u35=0"}) {
    const FlagsScope scope(flags);
    check_mixed(float32, flags);
  }
}

}  // namespace
}  // namespace hypatia
