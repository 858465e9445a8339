// User-defined ops (hypatia/op.hpp): registered at run time with the parts of a
// built-in op, applied, run on both backends (the cpu backend through the op's cpu
// kernel), differentiated through its vjp, and refused when ill-formed.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "backend/cpu/compiler.hpp"
#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"
#include "hypatia/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_array;
using testing::expect_error;

std::atomic<int> g_cpu_kernel_calls{0};

// k * x * x over any strides, in x's float dtype.
template <class T>
Array scaled_square_values(const Array& x, double k) {
  std::vector<T> v = x.to_vector<T>();
  for (T& e : v) e = static_cast<T>(k) * e * e;
  return Array::from_vector(v, x.shape());
}

std::vector<Array> scaled_square_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const double k = a.attrs().get<double>("k");
  if (x.dtype() == float32) return {scaled_square_values<float>(x, k)};
  return {scaled_square_values<double>(x, k)};
}

// Registered once per process (the registry refuses a second registration).
void register_scaled_square() {
  static const bool done = [] {
    register_op(UserOp("user_test.scaled_square")
                    .set_summary("k * x * x, elementwise (a user op of the tests).")
                    .set_traits(kElementwise | kPure)
                    .set_infer([](const InferArgs& a) {
                      if (a.num_inputs() != 1) throw TypeError("takes one input");
                      if (!is_float(a.type(0).dtype)) {
                        throw TypeError("needs a float input, got " + a.type(0).str());
                      }
                      return std::vector<Type>{a.type(0)};
                    })
                    .set_shape([](const ShapeArgs& a) { return std::vector<SymShape>{a.input_shapes[0]}; })
                    .set_reference(scaled_square_kernel)
                    .set_vjp([](const VjpArgs& a) {
                      const double k = a.node.attrs().get<double>("k");
                      return std::vector<Variable>{Operand(a.grad()) * Operand(a.input(0)) * (2 * k)};
                    })
                    .set_jvp([](const JvpArgs& a) {
                      const double k = a.node.attrs().get<double>("k");
                      return std::vector<Variable>{Operand(a.tangent(0)) * Operand(a.input(0)) * (2 * k)};
                    })
                    .set_batch([](const BatchArgs& a) {
                      return apply_op("user_test.scaled_square", {a.inputs[0]}, a.node.attrs(), a.where);
                    })
                    .set_cpu_kernel([](const KernelArgs& a) {
                      ++g_cpu_kernel_calls;
                      return scaled_square_kernel(a);
                    }));
    return true;
  }();
  (void)done;
}

Variable scaled_square(const Variable& x, double k, SourceLocation where = SourceLocation::current()) {
  register_scaled_square();
  return apply_op1("user_test.scaled_square", {x}, Attrs{{"k", k}}, where);
}

Array run_on(const std::string& linker, const Variable& x, const Variable& y, const Array& arg) {
  Mode mode = Mode::without_rewrites();
  mode.linker = linker;
  return function({x}, {y}, mode)({arg})[0];
}

TEST(UserOp, ValuesOnBothBackendsAndTheCpuKernelRunsOnCpu) {
  const Variable x = matrix("x");
  const Variable y = scaled_square(x, 3.0);
  // Non-contiguous: the transpose of a 3x2 matrix.
  const Array arg = Array::from<double>({{1, -2}, {0.5, 4}, {-3, 0}}).transpose();
  const std::vector<double> want = {3, 0.75, 27, 12, 48, 0};
  for (const char* linker : {"interp", "cpu"}) {
    SCOPED_TRACE(linker);
    const int before = g_cpu_kernel_calls;
    expect_array(run_on(linker, x, y, arg), float64, {2, 3}, want);
    if (std::string(linker) == "interp") {
      EXPECT_EQ(g_cpu_kernel_calls, before) << "the interpreter runs the reference kernel";
    } else if (cpu::compiler_available()) {
      EXPECT_EQ(function({x}, {y}, Mode::without_rewrites().with_linker("cpu")).linker(), "cpu");
      EXPECT_GT(g_cpu_kernel_calls, before) << "the cpu backend runs the op's cpu kernel";
    }
  }
  // float32 and an empty input.
  const Variable v = vector("v", float32);
  expect_array(run_on("interp", v, scaled_square(v, 0.5), Array::from<float>({2, -4})), float32, {2}, {2, 8});
  expect_array(run_on("cpu", v, scaled_square(v, 0.5), Array::zeros(float32, {0})), float32, {0}, {});
}

TEST(UserOp, NodesAreHashConsedByAttrs) {
  const Variable x = vector("x");
  EXPECT_EQ(scaled_square(x, 2.0), scaled_square(x, 2.0));
  EXPECT_FALSE(scaled_square(x, 2.0) == scaled_square(x, 3.0));
}

TEST(UserOp, GradientThroughItsVjpPassesVerifyGrad) {
  VerifyGradOptions options;
  options.seed = 7;
  verify_grad([](const std::vector<Variable>& in) { return scaled_square(in[0], 1.5); },
              {Array::from<double>({{0.3, -1.2, 2.0}, {0.7, 1.1, -0.4}})}, options);
  // grad of sum(k x^2) is 2 k x, through the vjp, computed on both backends.
  const Variable x = vector("x");
  const Variable g = grad(sum(scaled_square(x, 2.0)), x);
  for (const char* linker : {"interp", "cpu"}) {
    SCOPED_TRACE(linker);
    expect_array(run_on(linker, x, g, Array::from<double>({1, -0.5, 3})), float64, {3}, {4, -2, 12});
  }
}

TEST(UserOp, JacobianUsesItsBatchRule) {
  const Variable x = vector("x");
  const Variable j = jacobian(scaled_square(x, 1.0), x);
  expect_array(run_on("interp", x, j, Array::from<double>({1, 2})), float64, {2, 2}, {2, 0, 0, 4});
}

TEST(UserOp, SymbolicShapeFromItsShapeRule) {
  const Variable x = matrix("x");
  testing::expect_shape_inference({x}, scaled_square(x, 2.0), {Array::zeros(float64, {4, 5})});
}

TEST(UserOp, RegistryListsUserOpsApart) {
  register_scaled_square();
  EXPECT_TRUE(is_user_op("user_test.scaled_square"));
  EXPECT_FALSE(is_user_op("exp"));
  for (const OpDef* op : OpRegistry::get().all()) EXPECT_NE(op->name, "user_test.scaled_square");
  bool listed = false;
  for (const std::string& name : user_op_names()) listed = listed || name == "user_test.scaled_square";
  EXPECT_TRUE(listed);
  const OpDef& def = OpRegistry::get().op("user_test.scaled_square");
  EXPECT_TRUE(def.user_defined);
  EXPECT_TRUE(static_cast<bool>(def.cpu_kernel));
}

// The smallest well-formed op: identity, without a shape rule, not differentiable.
UserOp minimal(const std::string& name) {
  return UserOp(name)
      .set_summary("identity (a user op of the tests).")
      .set_infer([](const InferArgs& a) { return std::vector<Type>{a.type(0)}; })
      .set_reference([](const KernelArgs& a) { return std::vector<Array>{a.inputs[0].copy()}; })
      .not_differentiable("the tests never differentiate it");
}

TEST(UserOp, WithoutAShapeRuleSizesComeFromTheOutput) {
  register_op(minimal("user_test.no_shape"));
  const Variable x = matrix("x");
  const Variable y = apply_op1("user_test.no_shape", {x});
  testing::expect_shape_inference({x}, y, {Array::zeros(float64, {2, 7})});
  expect_array(run_on("interp", x, shape(y, 1), Array::zeros(float64, {2, 7})), int64, {}, {7});
}

TEST(UserOp, DuplicateAndBuiltinNamesAreRefused) {
  register_op(minimal("user_test.once"));
  expect_error<ValueError>([] { register_op(minimal("user_test.once")); },
                           {"user_op_test.cpp", "register_op('user_test.once')", "taken by an op registered before"});
  expect_error<ValueError>([] { register_op(minimal("exp")); }, {"register_op('exp')", "taken by a built-in op"});
  expect_error<ValueError>([] { register_op(minimal("2bad name")); }, {"'2bad name'", "letters, digits"});
}

TEST(UserOp, MissingPartsAreRefused) {
  expect_error<ValueError>([] { register_op(UserOp("user_test.empty")); }, {"user_test.empty", "no summary"});
  expect_error<ValueError>([] { register_op(UserOp("user_test.empty").set_summary("s")); }, {"no type inference"});
  UserOp no_kernel = minimal("user_test.no_kernel");
  no_kernel.reference = nullptr;
  expect_error<ValueError>([&] { register_op(no_kernel); }, {"no reference kernel"});
  UserOp no_grad = minimal("user_test.no_grad");
  no_grad.not_differentiable_because.clear();
  expect_error<ValueError>([&] { register_op(no_grad); }, {"neither a vjp", "not_differentiable"});
  expect_error<ValueError>([] { register_op(minimal("user_test.leafy").set_traits(kLeaf)); }, {"kLeaf"});
  EXPECT_FALSE(is_user_op("user_test.no_kernel"));
}

TEST(UserOp, TypeErrorsOfItsInferNameTheOpAndTheLine) {
  const Variable i = vector("i", int32);
  expect_error<TypeError>([&] { scaled_square(i, 2.0); },
                          {"user_op_test.cpp", "user_test.scaled_square", "needs a float input", "int32"});
  expect_error<ValueError>([&] { apply_op("user_test.nonesuch", {i}); },
                           {"user_op_test.cpp", "no op named 'user_test.nonesuch'"});
}

TEST(UserOp, KernelsReturningTheWrongTypeAreNamed) {
  register_op(minimal("user_test.wrong_shape")
                  .set_reference([](const KernelArgs& a) {
                    return std::vector<Array>{Array::zeros(a.inputs[0].dtype(), {1, a.inputs[0].size()})};
                  })
                  .set_cpu_kernel([](const KernelArgs& a) {
                    return std::vector<Array>{Array::zeros(float32, a.inputs[0].shape())};
                  }));
  const Variable x = vector("x");
  const Variable y = apply_op1("user_test.wrong_shape", {x});
  expect_error<ValueError>([&] { run_on("interp", x, y, Array::zeros(float64, {3})); },
                           {"user_op_test.cpp", "user_test.wrong_shape", "the reference kernel returned output 0",
                            "float64 (1, 3)", "float64 (?,)"});
  if (cpu::compiler_available()) {
    expect_error<ValueError>([&] { run_on("cpu", x, y, Array::zeros(float64, {3})); },
                             {"user_op_test.cpp", "user_test.wrong_shape", "the cpu kernel returned output 0",
                              "float32 (3,)"});
  }
}

TEST(UserOp, RuntimeErrorsOfItsKernelNameTheOpAndTheLine) {
  register_op(minimal("user_test.positive_only").set_reference([](const KernelArgs& a) {
    for (double v : a.inputs[0].to_vector<double>()) {
      if (v <= 0) throw ValueError("every element must be positive, got " + std::to_string(v));
    }
    return std::vector<Array>{a.inputs[0].copy()};
  }));
  const Variable x = vector("x");
  const Variable y = apply_op1("user_test.positive_only", {x});
  for (const char* linker : {"interp", "cpu"}) {
    SCOPED_TRACE(linker);
    expect_error<ValueError>([&] { run_on(linker, x, y, Array::from<double>({1, -2})); },
                             {"user_op_test.cpp", "user_test.positive_only", "must be positive", "float64 (2,)"});
  }
}

TEST(UserOp, ConcurrentRegistrationsOfOneNameLeaveOneWinner) {
  std::atomic<int> won{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 8; ++k) {
        try {
          register_op(minimal("user_test.race" + std::to_string(k)));
          ++won;
        } catch (const ValueError&) {
          ++refused;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won, 8);
  EXPECT_EQ(refused, 24);
}

}  // namespace
}  // namespace hypatia
