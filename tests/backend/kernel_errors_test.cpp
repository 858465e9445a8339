// Ops that used to run by their reference kernels inside cpu functions because they
// can fail on a value, now native: integer pow with a signed exponent (a fused kernel
// with a kir `check`: the kernel error path), softmax_cross_entropy (native_xent.cpp),
// argmax/argmin of the flattened array (the decompose phase), integer dot (a library
// call). Each against the interpreter (bit for bit where the code is the same) and
// known values, over dtypes, strides, broadcasting, empty and size-1 dimensions; each
// error raised on cpu with the interpreter's exact text, naming this file; and the
// plans: no step of these functions is a "reference" step.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/executor.hpp"
#include "backend/cpu/native_kernels.hpp"
#include "backend_test_util.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::compile_on;
using testing::expect_identical;
using testing::edge_values;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void expect_same_values(const Function& cpu, const Function& ref, const std::vector<Array>& args,
                        const std::string& what) {
  const std::vector<Array> got = cpu(args), want = ref(args);
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) expect_identical(got[i], want[i], what + ", output " + std::to_string(i));
}

// Both raise: the same kind and text, which names `parts` and this file.
void expect_same_error(const Function& cpu, const Function& ref, const std::vector<Array>& args,
                       const std::vector<std::string>& parts, const std::string& what) {
  std::string want, got;
  ErrorKind want_kind{}, got_kind{};
  try {
    ref(args);
    ADD_FAILURE() << what << ": the interpreter did not raise";
  } catch (const UserError& e) {
    want = e.what();
    want_kind = e.kind();
  }
  try {
    cpu(args);
    ADD_FAILURE() << what << ": cpu did not raise";
  } catch (const UserError& e) {
    got = e.what();
    got_kind = e.kind();
  }
  EXPECT_EQ(got, want) << what;
  EXPECT_EQ(got_kind, want_kind) << what;
  for (const std::string& p : parts) EXPECT_NE(got.find(p), std::string::npos) << what << ": '" << p << "' not in " << got;
  EXPECT_NE(got.find("kernel_errors_test.cpp"), std::string::npos) << what << ": " << got;
}

// The kinds of the cpu plan's steps for these outputs (as compiled by `f`).
std::vector<std::string> step_kinds(const Function& f) {
  std::vector<std::string> kinds;
  for (const auto& s : cpu::Executable(f.inputs(), f.compiled_outputs()).steps()) kinds.push_back(s.kind);
  return kinds;
}

// Not one step by a reference kernel, but those of the documented list
// (cpu::reference_kept_ops: shape_i and arange build the flat index of argmax).
std::vector<std::string> reference_steps(const Function& f) {
  const std::vector<std::string>& kept = cpu::reference_kept_ops();
  std::vector<std::string> out;
  for (const std::string& op : cpu::Executable(f.inputs(), f.compiled_outputs()).reference_ops()) {
    if (!std::binary_search(kept.begin(), kept.end(), op)) out.push_back(op);
  }
  return out;
}

void expect_no_reference_step(const Function& f, const std::string& what) {
  EXPECT_EQ(reference_steps(f), std::vector<std::string>{}) << what;
}

Mode fast_run_cpu() {
  Mode m;
  m.linker = "cpu";
  return m;
}

// Non-negative exponents that make every width wrap: 0..9, 15, 31, 63, 64, 100.
Array exponents(DType t, const Shape& shape, int seed) {
  const std::int64_t pool[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 31, 63, 64, 100};
  std::vector<std::int64_t> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = pool[(i * 4 + static_cast<std::size_t>(seed)) % 15];
  return Array::from_vector(v, shape).astype(t);
}

// ---- integer pow with a signed exponent

// Fused (the plan has kernels only; the kernel has the check), wrapping as the
// reference, over base/exponent dtype pairs, in a chain, in sums and means (the float
// sum's blocked loop), broadcast, transposed and strided, empty and size-1.
TEST(KernelErrors, SignedIntegerPowFusesAndMatchesTheReference) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const std::pair<DType, DType> pairs[] = {{DType::int8, DType::int8},   {DType::int16, DType::int8},
                                           {DType::int32, DType::int32}, {DType::int64, DType::int64},
                                           {DType::uint8, DType::int8},  {DType::bool_, DType::int16},
                                           {DType::uint32, DType::int16}};
  for (const auto& [xt, yt] : pairs) {
    const std::string what = std::string(dtype_name(xt)) + " ** " + std::string(dtype_name(yt));
    const Variable x = matrix("x", xt), y = matrix("y", yt), r = vector("r", yt);
    const Variable p = pow(x, y);
    const std::vector<Variable> outs = {p, add(mul(p, 3), 1), sum(p, Axes{1}, false), mean(p, Axes{0}, false),
                                        pow(x, r)};
    const Function cpu = compile_on("cpu", {x, y, r}, outs);
    const Function ref = compile_on("interp", {x, y, r}, outs);
    ASSERT_TRUE(is_signed_integer(p.dtype())) << what;
    for (const std::string& k : step_kinds(cpu)) EXPECT_EQ(k, "kernel") << what;
    EXPECT_NE(cpu.source().find("fail.bad |="), std::string::npos) << what;
    const Array xs = edge_values(xt, {6, 5}, 1), ys = exponents(yt, {6, 5}, 2), rs = exponents(yt, {5}, 3);
    expect_same_values(cpu, ref, {xs, ys, rs}, what);
    // Transposed base, strided and reversed exponents.
    const Array xt2 = edge_values(xt, {5, 6}, 4).transpose();
    const Array ys2 = exponents(yt, {6, 10}, 5).slice(1, 0, 10, 2);
    const Array rs2 = exponents(yt, {5}, 6).slice(0, 4, std::numeric_limits<std::int64_t>::min() / 2, -1);
    expect_same_values(cpu, ref, {xt2, ys2, rs2}, what + ", strided");
    // Broadcast exponent rows, size-1 and empty dimensions.
    expect_same_values(cpu, ref, {xs, exponents(yt, {1, 5}, 7), rs}, what + ", broadcast");
    expect_same_values(cpu, ref, {edge_values(xt, {1, 1}, 8), exponents(yt, {1, 1}, 9), exponents(yt, {1}, 1)},
                       what + ", 1x1");
    expect_same_values(cpu, ref, {Array::zeros(xt, {0, 5}), Array::zeros(yt, {0, 5}), rs}, what + ", empty");
  }
}

// Known values: wrapping in the result dtype, 0 ** 0 == 1, odd powers of -1.
TEST(KernelErrors, SignedIntegerPowKnownValues) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = vector("x", DType::int8), y = vector("y", DType::int8);
  const Function f = compile_on("cpu", {x, y}, {pow(x, y)});
  const Array got = f({Array::from<std::int8_t>({3, -2, 2, 0, -1, -1, 7}), Array::from<std::int8_t>({4, 3, 8, 0, 5, 6, 3})})[0];
  // 7^3 = 343 wraps to 343 - 256 = 87; 2^8 = 256 wraps to 0.
  EXPECT_EQ(got.to_vector<std::int64_t>(), (std::vector<std::int64_t>{81, -8, 0, 1, -1, 1, 87}));
}

// A negative exponent: the kernel's check sends the group to the reference kernels,
// which raise the interpreter's error (op, operands, this file's line); the function
// still runs after it.
TEST(KernelErrors, NegativeExponentRaisesTheInterpretersError) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const std::vector<std::string> parts = {"pow", "integers to negative integer powers are not allowed"};
  {
    const Variable x = matrix("x", DType::int32), y = matrix("y", DType::int32);
    const Variable p = pow(x, y);
    const std::vector<Variable> outs = {add(p, 1), sum(p, Axes{1}, false), mean(p, Axes(std::nullopt), false)};
    const Function cpu = compile_on("cpu", {x, y}, outs);
    const Function ref = compile_on("interp", {x, y}, outs);
    std::vector<std::int32_t> yv(12, 2);
    yv[7] = -3;
    const Array xs = edge_values(DType::int32, {3, 4}, 1), ys = Array::from_vector(yv, {3, 4});
    expect_same_error(cpu, ref, {xs, ys}, {"pow", "(exponent -3)"}, "int32");
    expect_same_error(cpu, ref, {xs.transpose(), ys.transpose()}, parts, "int32 transposed");
    // Afterwards, good values run.
    expect_same_values(cpu, ref, {xs, Array::full(DType::int32, {3, 4}, 2)}, "int32 after the error");
    // Each output alone: a chain, a sum, a mean (whose blocked loop has no `omp simd`).
    for (std::size_t i = 0; i < outs.size(); ++i) {
      const Function one = compile_on("cpu", {x, y}, {outs[i]});
      const Function one_ref = compile_on("interp", {x, y}, {outs[i]});
      expect_same_error(one, one_ref, {xs, ys}, parts, "output " + std::to_string(i));
    }
  }
  {
    // uint8 ** int8 computes in int16: the check is on the converted exponent.
    const Variable x = vector("x", DType::uint8), y = vector("y", DType::int8);
    const Function cpu = compile_on("cpu", {x, y}, {pow(x, y)});
    const Function ref = compile_on("interp", {x, y}, {pow(x, y)});
    expect_same_error(cpu, ref, {Array::from<std::uint8_t>({2, 3}), Array::from<std::int8_t>({1, -128})},
                      {"(exponent -128)"}, "uint8 ** int8");
  }
  {
    // Large enough for an OpenMP team: the last element fails, on another thread.
    const Variable x = vector("x", DType::int64), y = vector("y", DType::int64);
    const Function cpu = compile_on("cpu", {x, y}, {pow(x, y)});
    const Function ref = compile_on("interp", {x, y}, {pow(x, y)});
    const std::int64_t n = 1 << 18;
    std::vector<std::int64_t> yv(static_cast<std::size_t>(n), 3);
    yv.back() = -1;
    expect_same_error(cpu, ref, {Array::full(DType::int64, {n}, 2), Array::from_vector(yv, {n})}, parts, "large");
  }
  {
    // The exponent is a temporary of the kernel's dtype (a native cumsum's output):
    // the kernel must not write its result over it, or the rerun would not see -1.
    const Variable x = vector("x", DType::int64), a = vector("a", DType::int64);
    const std::vector<Variable> outs = {pow(x, cumsum(a, 0))};
    const Function cpu = compile_on("cpu", {x, a}, outs);
    const Function ref = compile_on("interp", {x, a}, outs);
    expect_same_error(cpu, ref, {Array::from<std::int64_t>({3, 3, 3}), Array::from<std::int64_t>({-1, 1, 1})},
                      {"(exponent -1)"}, "temporary exponent");
  }
  {
    // A constant negative exponent in FAST_RUN.
    const Variable x = vector("x", DType::int16);
    const Function cpu = function({x}, {pow(x, Operand(constant(-2.0, DType::int16)))}, fast_run_cpu());
    testing::expect_error<ValueError>([&] { cpu({Array::from<std::int16_t>({1, 2})}); },
                                      {"pow", "(exponent -2)", "kernel_errors_test.cpp"});
  }
}

// Kernels without a check pay nothing: no flag, the vector loop as before.
TEST(KernelErrors, KernelsThatCannotFailHaveNoFlag) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = vector("x", DType::float32), i = vector("i", DType::int32), u = vector("u", DType::uint8);
  const Function f = compile_on("cpu", {x, i, u}, {exp(x) * 2.0f, pow(i, u), pow(i, 3), sum(pow(x, x), Axes(std::nullopt), false)});
  EXPECT_EQ(f.source().find("fail.bad"), std::string::npos);
  EXPECT_EQ(f.source().find("struct Fail"), std::string::npos);
}

// ---- softmax_cross_entropy

// Rows of 6 logits: ordinary, a dominant one (gap 1000), ties, all -inf, some -inf,
// a +inf, a NaN, huge, tiny.
Array logit_rows(DType t) {
  const double huge = t == DType::float32 ? 3e38 : 1e300;
  std::vector<double> v = {
      0.5,  -1.25, 2,     3.5,  -0.75, 1,      0,     -1000, -40,   -25,   -50,   -60,
      2,    2,     -1,    2,    0,     1,      -kInf, -kInf, -kInf, -kInf, -kInf, -kInf,
      -kInf, 1,    -kInf, 3,    -kInf, 2,      1,     kInf,  -2,    -kInf, 0,     3,
      1,    kNaN,  2,     kInf, -kInf, 0,      huge,  -huge, huge,  1,     0,     -1,
      1e-30, -1e-30, 0,   -0.0, 1e-30, 0,
  };
  if (!is_float(t)) {
    for (double& x : v) x = std::isfinite(x) && std::abs(x) < 1e4 ? std::floor(x) : 7;
  }
  return Array::from_vector(v, {9, 6}).astype(t);
}

Array targets(DType t, const Shape& shape, std::int64_t k, int seed) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int64_t>((i * 5 + static_cast<std::size_t>(seed)) % static_cast<std::size_t>(k));
  return Array::from_vector(v, shape).astype(t);
}

// Native (the plan's one step), bit for bit the reference's values, for float and
// integer logits and every integer target dtype; strided, transposed, rank 3, size-1
// and empty.
TEST(KernelErrors, SoftmaxCrossEntropyIsNativeAndExact) {
  const DType ints[] = {DType::int8, DType::int16, DType::int32, DType::int64,
                        DType::uint8, DType::uint16, DType::uint32, DType::uint64};
  for (DType lt : {DType::float32, DType::float64, DType::int32, DType::bool_}) {
    for (DType tt : ints) {
      const std::string what = std::string(dtype_name(lt)) + " logits, " + std::string(dtype_name(tt)) + " targets";
      const Variable z = matrix("z", lt), y = vector("y", tt);
      const Variable z3 = tensor3("z3", lt), y2 = matrix("y2", tt);
      const std::vector<Variable> outs = {softmax_cross_entropy(z, y), softmax_cross_entropy(z3, y2)};
      const Function cpu = compile_on("cpu", {z, y, z3, y2}, outs);
      const Function ref = compile_on("interp", {z, y, z3, y2}, outs);
      EXPECT_EQ(step_kinds(cpu), (std::vector<std::string>{"native", "native"})) << what;
      const Array zs = logit_rows(lt);
      const Array z3s = edge_values(lt, {2, 3, 4}, 3);
      expect_same_values(cpu, ref, {zs, targets(tt, {9}, 6, 1), z3s, targets(tt, {2, 3}, 4, 2)}, what);
      // Transposed logits (rows strided), reversed targets, a strided rank-3 view.
      const Array zt = logit_rows(lt).reshape({6, 9}).transpose();
      const Array yr = targets(tt, {9}, 6, 3).slice(0, 8, std::numeric_limits<std::int64_t>::min() / 2, -1);
      const Array z3t = edge_values(lt, {2, 4, 6}, 5).slice(2, 0, 6, 2).transpose({0, 2, 1});
      expect_same_values(cpu, ref, {zt, yr, z3t, targets(tt, {3, 2}, 3, 4).transpose()}, what + ", strided");
      // One class; no rows; no rows and no classes.
      expect_same_values(cpu, ref, {edge_values(lt, {4, 1}, 1), Array::zeros(tt, {4}), Array::zeros(lt, {0, 0, 3}),
                                    Array::zeros(tt, {0, 0})},
                         what + ", k = 1, no rows");
      expect_same_values(cpu, ref, {Array::zeros(lt, {0, 0}), Array::zeros(tt, {0}), Array::zeros(lt, {2, 0, 0}),
                                    Array::zeros(tt, {2, 0})},
                         what + ", no classes");
    }
  }
}

// Known values: log 3 for three equal logits; a gap of 1000 is 1000 (no overflow,
// no cancellation); a +inf logit elsewhere gives +inf.
TEST(KernelErrors, SoftmaxCrossEntropyKnownValues) {
  for (DType t : {DType::float32, DType::float64}) {
    const Variable z = matrix("z", t), y = vector("y", DType::int64);
    const Function f = compile_on("cpu", {z, y}, {softmax_cross_entropy(z, y)});
    const Array z3 = Array::from_vector(std::vector<double>{0, 0, 0, 1000, 0, 0, 0, kInf, 1}, {3, 3}).astype(t);
    const std::vector<double> got = f({z3, Array::from<std::int64_t>({1, 1, 2})})[0].to_vector<double>();
    const double tol = t == DType::float32 ? 1e-6 : 1e-15;
    EXPECT_NEAR(got[0], std::log(3.0), tol * std::log(3.0));
    EXPECT_NEAR(got[1], 1000.0, tol * 1000);
    EXPECT_EQ(got[2], kInf);
    // One row: a vector of logits, a 0-d target.
    const Variable v = vector("v", t), c = scalar("c", DType::uint8);
    const std::vector<Variable> outs = {softmax_cross_entropy(v, c)};
    const Function cv = compile_on("cpu", {v, c}, outs), rv = compile_on("interp", {v, c}, outs);
    const std::vector<Array> args = {Array::from_vector(std::vector<double>{1, 2, 3}).astype(t), Array::scalar<std::uint8_t>(2)};
    expect_same_values(cv, rv, args, "one row");
    const double want = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3;
    EXPECT_NEAR(cv(args)[0].item<double>(), want, tol * want);
  }
}

// A target outside [0, k): the interpreter's IndexError, word for word, from cpu.
TEST(KernelErrors, SoftmaxCrossEntropyOutOfBoundsTarget) {
  const Variable z = matrix("z", DType::float32), y = vector("y", DType::int32);
  const Function cpu = compile_on("cpu", {z, y}, {softmax_cross_entropy(z, y)});
  const Function ref = compile_on("interp", {z, y}, {softmax_cross_entropy(z, y)});
  const Array zs = Array::zeros(DType::float32, {2, 3});
  expect_same_error(cpu, ref, {zs, Array::from<std::int32_t>({0, 3})},
                    {"softmax_cross_entropy", "target 3 is out of bounds for 3 classes"}, "3 of 3");
  expect_same_error(cpu, ref, {zs, Array::from<std::int32_t>({-1, 0})}, {"target -1 is out of bounds"}, "-1");
  expect_same_error(cpu, ref, {Array::zeros(DType::float32, {2, 0}), Array::from<std::int32_t>({0, 0})},
                    {"out of bounds for 0 classes"}, "no classes");
  // Targets whose length differs from the rows' (unknown statically): a ShapeError.
  expect_same_error(cpu, ref, {zs, Array::from<std::int32_t>({0, 1, 2})}, {"do not match logits"}, "lengths");
  const Variable u = vector("u", DType::uint64);
  const Function cpu_u = compile_on("cpu", {z, u}, {softmax_cross_entropy(z, u)});
  const Function ref_u = compile_on("interp", {z, u}, {softmax_cross_entropy(z, u)});
  expect_same_error(cpu_u, ref_u, {zs, Array::from<std::uint64_t>({0, std::numeric_limits<std::uint64_t>::max()})},
                    {"target 18446744073709551615 is out of bounds"}, "huge uint64");
}

// Theano's categorical_crossentropy in FAST_RUN on cpu, with class indices and with
// one-hot and soft distributions: no reference step, the interpreter's values.
TEST(KernelErrors, CategoricalCrossentropyHasNoReferenceStep) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  for (DType t : {DType::float32, DType::float64}) {
    const Variable z = matrix("z", t), p = matrix("p", t), y = vector("y", DType::int64);
    const std::vector<Variable> outs = {categorical_crossentropy(softmax(z, -1), y),
                                        categorical_crossentropy(softmax(z, -1), p)};
    const Function cpu = function({z, p, y}, outs, fast_run_cpu());
    expect_no_reference_step(cpu, std::string(dtype_name(t)));
    std::vector<double> soft(20, 0.25), hot(20, 0);
    for (std::size_t r = 0; r < 5; ++r) hot[r * 4 + r % 4] = 1;
    for (const auto& ps : {soft, hot}) {
      const std::vector<Array> args = {Array::from_vector(std::vector<double>{0.5, -1, 2, 3, 0, 1, 1, 1, -2, 4, 0, 0, 7,
                                                                             -3, 2, 1, 0, 0, 0, 0},
                                                          {5, 4})
                                           .astype(t),
                                       Array::from_vector(ps, {5, 4}).astype(t), Array::from<std::int64_t>({0, 1, 2, 3, 1})};
      const std::vector<Array> got = cpu(args);
      const std::vector<Array> want = compile_on("interp", {z, p, y}, outs)(args);
      for (std::size_t i = 0; i < got.size(); ++i) testing::expect_same(got[i], want[i], std::string(dtype_name(t)));
    }
  }
}

// ---- argmax / argmin of the flattened array, rank >= 2

TEST(KernelErrors, FlatArgmaxIsFusedAndMatches) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  for (DType t : {DType::float32, DType::float64, DType::int16, DType::uint8, DType::bool_}) {
    const std::string what(dtype_name(t));
    const Variable m = matrix("m", t), c = tensor3("c", t);
    const std::vector<Variable> outs = {argmax(m, std::nullopt, false), argmin(m, std::nullopt, true),
                                        argmax(c, std::nullopt, true), argmin(c, std::nullopt, false)};
    const Function cpu = function({m, c}, outs, fast_run_cpu());
    const Function ref = compile_on("interp", {m, c}, outs);
    for (const std::string& op : cpu::Executable(cpu.inputs(), cpu.compiled_outputs()).reference_ops()) {
      EXPECT_TRUE(op != "argmax" && op != "argmin") << what << ": " << op << " by reference";
    }
    expect_no_reference_step(cpu, what);
    expect_same_values(cpu, ref, {edge_values(t, {5, 7}, 1), edge_values(t, {3, 4, 5}, 2)}, what);
    expect_same_values(cpu, ref, {edge_values(t, {7, 5}, 3).transpose(), edge_values(t, {3, 8, 5}, 4).slice(1, 7, std::numeric_limits<std::int64_t>::min() / 2, -2)},
                       what + ", strided");
    expect_same_values(cpu, ref, {edge_values(t, {1, 1}, 5), edge_values(t, {1, 3, 1}, 6)}, what + ", size 1");
    expect_same_error(cpu, ref, {Array::zeros(t, {3, 0}), edge_values(t, {1, 1, 1}, 0)}, {"zero-size array to reduction operation argmax"}, what + ", empty");
  }
  // Known: the first of tied maxima, the first NaN.
  const Variable m = matrix("m", DType::float64);
  const Function f = function({m}, {argmax(m, std::nullopt, false), argmin(m, std::nullopt, false)}, fast_run_cpu());
  const std::vector<Array> r = f({Array::from_vector(std::vector<double>{1, 5, -2, 5, kNaN, kNaN}, {2, 3})});
  EXPECT_EQ(r[0].item<std::int64_t>(), 4);
  const std::vector<Array> r2 = f({Array::from_vector(std::vector<double>{1, 5, -2, 5, -2, 0}, {3, 2})});
  EXPECT_EQ(r2[0].item<std::int64_t>(), 1);
  EXPECT_EQ(r2[1].item<std::int64_t>(), 2);
}

// ---- integer dot: a library call (backend/cpu/library.cpp's blocked loop)

TEST(KernelErrors, IntegerDotIsALibraryCall) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const Variable a = matrix("a", DType::int32), b = matrix("b", DType::int32), v = vector("v", DType::int64);
  const std::vector<Variable> outs = {dot(a, b), dot(v, v)};
  const Function cpu = function({a, b, v}, outs, fast_run_cpu());
  EXPECT_EQ(step_kinds(cpu), (std::vector<std::string>{"library", "library"}));
  const Array as = Array::from<std::int32_t>({{1, 2, 3}, {4, 5, 6}});
  const std::vector<Array> r = cpu({as, as.transpose(), Array::from<std::int64_t>({1, -2, 3})});
  EXPECT_EQ(r[0].to_vector<std::int64_t>(), (std::vector<std::int64_t>{14, 32, 32, 77}));
  EXPECT_EQ(r[1].item<std::int64_t>(), 14);
}

// All of them in one FAST_RUN cpu function: not one reference step.
TEST(KernelErrors, NoneOfTheseOpsRunsByReference) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const Variable z = matrix("z", DType::float32), y = vector("y", DType::int64);
  const Variable i = matrix("i", DType::int32), e = matrix("e", DType::int32);
  const std::vector<Variable> outs = {softmax_cross_entropy(z, y), pow(i, e), argmax(z, std::nullopt, false),
                                      argmin(i, std::nullopt, false), dot(i, e)};
  const Function f = function({z, y, i, e}, outs, fast_run_cpu());
  expect_no_reference_step(f, "all");
}

}  // namespace
}  // namespace hypatia
