// DebugMode on the cpu backend re-runs every compiled step (a fused kernel, a library
// call, a native kernel, a user op's cpu kernel) on non-contiguous copies of its
// inputs: a user op whose cpu kernel ignores strides is caught even when the function
// is called with contiguous arguments only, as is one right only for some layouts or
// one that raises on strided inputs; correct compiled graphs pass.
#include <cmath>

#include "backend/cpu/compiler.hpp"
#include "hypatia/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

Mode debug_cpu() { return Mode::debug().with_linker("cpu"); }

Array ramp(const Shape& shape, double scale, double shift) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * std::sin(0.37 * static_cast<double>(i) + 0.1) + shift;
  return Array::from_vector(v, shape);
}

// 3 * x + 1 for a float64 array of any rank; the reference kernel reads through
// strides (Array::to_vector).
std::vector<Array> affine_reference(const KernelArgs& a) {
  std::vector<double> v = a.inputs[0].to_vector<double>();
  for (double& e : v) e = 3.0 * e + 1.0;
  return {Array::from_vector(v, a.inputs[0].shape())};
}

// The same, reading the input's buffer as if it were C-contiguous (the planted bug;
// on a strided input it reads gaps and other elements, and past the end where the
// buffer is shorter than size() elements from data(): the tests keep it inside).
std::vector<Array> affine_ignoring_strides(const KernelArgs& a) {
  const Array& in = a.inputs[0];
  Array out = Array::empty(DType::float64, in.shape());
  for (std::int64_t k = 0; k < out.size(); ++k) out.data_as<double>()[k] = 3.0 * in.data_as<double>()[k] + 1.0;
  return {out};
}

// The same, right for every layout but column-major: a "fast path" taken whenever the
// first stride is positive, which it wrongly takes as a sign of a C-contiguous buffer.
std::vector<Array> affine_fast_path_on_positive_strides(const KernelArgs& a) {
  const Array& in = a.inputs[0];
  if (in.ndim() < 2 || in.strides()[0] <= 0) return affine_reference(a);
  return affine_ignoring_strides(a);
}

void register_affine(const std::string& name, KernelFn cpu_kernel) {
  if (is_user_op(name)) return;
  register_op(UserOp(name)
                  .set_summary("3 * x + 1, elementwise; float64")
                  .set_traits(kElementwise | kPure)
                  .set_infer([](const InferArgs& a) { return std::vector<Type>{a.type(0)}; })
                  .set_reference(&affine_reference)
                  .set_cpu_kernel(std::move(cpu_kernel))
                  .not_differentiable("a test op"));
}

TEST(DebugModeStrides, UserCpuKernelThatIgnoresStridesIsCaughtWithContiguousArguments) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler: no cpu backend";
  register_affine("debug_strides.ignores_strides", &affine_ignoring_strides);
  // Two rows at most: the planted kernel then stays inside the strided copy's buffer
  // (it reads size() elements from the first one, where the copy spans twice that).
  for (const Shape& shape : std::vector<Shape>{{2, 4}, {1, 6}}) {
    SCOPED_TRACE(shape_str(shape));
    Variable x = matrix("x", DType::float64);
    Variable y = apply_op1("debug_strides.ignores_strides", {x});
    const int line = __LINE__ - 1;
    const Array arg = ramp(shape, 2.0, 0.5);  // contiguous: the step itself is right
    // FAST_RUN on cpu gives the right values for contiguous arguments...
    const Array fast = function({x}, {y}, Mode::fast_run().with_linker("cpu"))({arg})[0];
    const std::vector<double> in = arg.to_vector<double>(), got = fast.to_vector<double>();
    for (std::size_t k = 0; k < in.size(); ++k) EXPECT_DOUBLE_EQ(got[k], 3.0 * in[k] + 1.0);
    // ...and DebugMode finds the kernel wrong on non-contiguous ones.
    Function f = function({x}, {y}, debug_cpu());
    expect_error<BadThunkOutput>([&] { f({arg}); },
                                 {"debug_mode_strides_test.cpp:" + std::to_string(line),
                                  "debug_strides.ignores_strides", "native step", "output 0",
                                  "non-contiguous inputs", "every other element"});
  }
}

TEST(DebugModeStrides, ATransposedLayoutIsTriedToo) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler: no cpu backend";
  register_affine("debug_strides.fast_path", &affine_fast_path_on_positive_strides);
  Variable x = matrix("x", DType::float64);
  Variable y = apply_op1("debug_strides.fast_path", {x});
  const int line = __LINE__ - 1;
  Function f = function({x}, {y}, debug_cpu());
  expect_error<BadThunkOutput>([&] { f({ramp({3, 4}, 1.0, 0.0)}); },
                               {"debug_mode_strides_test.cpp:" + std::to_string(line), "debug_strides.fast_path",
                                "non-contiguous inputs", "transposed in memory", "at index"});
}

// A cpu kernel that refuses what it was not written for: the raise is the finding.
std::vector<Array> affine_contiguous_only(const KernelArgs& a) {
  if (!a.inputs[0].is_contiguous()) throw ValueError("affine: expected a C-contiguous input");
  return affine_reference(a);
}

TEST(DebugModeStrides, ARaiseOnNonContiguousInputsIsReported) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler: no cpu backend";
  register_affine("debug_strides.contiguous_only", &affine_contiguous_only);
  Variable x = vector("x", DType::float64);
  Variable y = apply_op1("debug_strides.contiguous_only", {x});
  const int line = __LINE__ - 1;
  Function f = function({x}, {y}, debug_cpu());
  expect_error<BadThunkOutput>([&] { f({ramp({4}, 1.0, 0.0)}); },
                               {"debug_mode_strides_test.cpp:" + std::to_string(line),
                                "debug_strides.contiguous_only", "native step", "raised on non-contiguous inputs",
                                "expected a C-contiguous input"});
}

TEST(DebugModeStrides, CorrectUserCpuKernelPasses) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler: no cpu backend";
  register_affine("debug_strides.correct", &affine_reference);
  Variable x = matrix("x", DType::float64);
  Function f = function({x}, {exp(apply_op1("debug_strides.correct", {x})) * 0.5}, debug_cpu());
  const Array arg = ramp({4, 3}, 0.3, 0.0);
  std::vector<Array> r;
  ASSERT_NO_THROW(r = f({arg}));
  const std::vector<double> in = arg.to_vector<double>(), got = r[0].to_vector<double>();
  for (std::size_t k = 0; k < in.size(); ++k) EXPECT_NEAR(got[k], std::exp(3.0 * in[k] + 1.0) * 0.5, 1e-12);
  ASSERT_NO_THROW(f({arg.transpose().copy().transpose()}));  // a non-contiguous argument too
}

// Fused elementwise chains, reductions, dot (a library call), take (a native kernel)
// and softmax (a row kernel), over float32 and float64, integers and bool, with
// contiguous and non-contiguous arguments: no DebugMode error.
TEST(DebugModeStrides, CompiledGraphsPass) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler: no cpu backend";
  for (DType dt : {DType::float64, DType::float32}) {
    SCOPED_TRACE(std::string(dtype_name(dt)));
    Variable a = matrix("a", dt), b = matrix("b", dt);
    Variable i = vector("i", DType::int64);
    Variable n = matrix("n", DType::int32);
    Variable chain = tanh(a * 2.0 + b) - sqr(a) / (1.0 + exp(b));
    Variable reduced = sum(exp(a * 0.5), {1}) + max(b, {0})[{slice(0, 1)}];
    Variable product = dot(a, transpose(b));
    Variable taken = take(product, i, 0);
    Variable probs = softmax(a * 3.0);
    Variable ints = sum(n * 3 - (n > 1), {0});
    Variable logic = cast((a > b) | (a < 0.0), DType::int8);
    Function f = function({a, b, i, n}, {chain, reduced, product, taken, probs, ints, logic}, debug_cpu());
    const Array av = ramp({5, 4}, 1.3, 0.1).astype(dt), bv = ramp({5, 4}, -0.9, 0.3).astype(dt);
    const Array iv = Array::from_vector(std::vector<std::int64_t>{4, 0, 2, 2});
    const Array nv = Array::from_vector(std::vector<std::int32_t>{1, 2, -3, 4, 5, 6, 7, -8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                                        {5, 4});
    ASSERT_NO_THROW(f({av, bv, iv, nv}));
    ASSERT_NO_THROW(f({av.transpose().copy().transpose(), bv.slice(0, 4, -6, -1).copy().slice(0, 4, -6, -1), iv,
                       nv.transpose().copy().transpose()}));
  }
}

}  // namespace
}  // namespace hypatia
