// DebugMode (Mode::debug): correct graphs run cleanly on both backends (fused cpu
// kernels, library calls, random draws, shared updates, a gradient), and each planted
// bug is caught by its own exception naming the culprit and the user's line: a rule
// that changes values, a kernel that disagrees with its reference, one that is wrong
// on non-contiguous inputs, one that writes into its input, one that returns a view it
// does not declare, and a NaN made from finite inputs. Also the user-rule API
// (register_rewrite).
#include <atomic>
#include <cmath>
#include <cstring>

#include "backend/cpu/compiler.hpp"
#include "graph/op.hpp"
#include "hypatia/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_array;
using testing::expect_error;

Mode debug_on(const std::string& linker) { return Mode::debug().with_linker(linker); }

// A rule registered for one test.
struct PlantedRule {
  std::string name;
  PlantedRule(const std::string& phase, std::string n, const std::string& op, NodeRewrite fn) : name(std::move(n)) {
    register_rewrite(phase, name, op, std::move(fn));
  }
  ~PlantedRule() { unregister_rewrite(name); }
};

// A test op with the given reference kernel (elementwise in shape: one float64 input,
// one output of its type), registered once per name.
// Through the internal registry, as a built-in op is defined: these plant bugs in a
// reference kernel itself (the user-op path is tested below with register_op).
void define_test_op(const std::string& name, KernelFn reference, Aliasing aliasing = Aliasing::none()) {
  auto& registry = const_cast<OpRegistry&>(OpRegistry::get());  // heap-allocated: not UB
  if (registry.find(name) != nullptr) return;
  registry.define(name)
      .set_summary("a DebugMode test op")
      .set_traits(0)
      .set_infer([](const InferArgs& a) { return std::vector<Type>{a.type(0)}; })
      .set_reference(std::move(reference))
      .lowers(Lowering::loop_nest("test"))
      .set_aliasing(std::move(aliasing))
      .not_differentiable("a test op");
}

std::vector<double> values(const Array& a) { return a.to_vector<double>(); }

TEST(DebugMode, ModeRewritesAsFastRun) {
  EXPECT_EQ(Mode::debug().name, "DebugMode");
  const RewriteOptions o = debug_on("interp").rewrite_options();
  EXPECT_TRUE(o.trace);
  EXPECT_TRUE(o.keep_variables);
  EXPECT_EQ(o.phases, Mode::fast_run().with_linker("interp").rewrite_options().phases);
  EXPECT_EQ(debug_on("cpu").backend(), "cpu");
}

// An MLP's cost and gradients (gemm library calls, fused elementwise kernels, softmax
// cross-entropy, reductions), a random draw with its state update, and an sgd update
// of shared weights: the same numbers as FAST_RUN, and no DebugMode error.
TEST(DebugMode, CorrectGraphsPassOnBothBackends) {
  for (const char* linker : {"interp", "cpu"}) {
    for (DType dt : {DType::float64, DType::float32}) {
      SCOPED_TRACE(std::string(linker) + " " + std::string(dtype_name(dt)));
      auto make = [&](const Mode& mode) {
        Variable x = matrix("x", dt);
        Variable y = matrix("y", dt);
        std::vector<double> w1(12), w2(6);
        for (std::size_t i = 0; i < w1.size(); ++i) w1[i] = std::sin(static_cast<double>(i) + 1.0);
        for (std::size_t i = 0; i < w2.size(); ++i) w2[i] = std::cos(static_cast<double>(i) * 0.7);
        SharedVariable W1 = shared(Array::from_vector(w1, {4, 3}).astype(dt), "W1");
        SharedVariable W2 = shared(Array::from_vector(w2, {3, 2}).astype(dt), "W2");
        RandomStreams rng(7);
        Variable h = tanh(dot(x, W1)) * cast(rng.binomial({5, 3}, 1, 0.9), dt);
        Variable p = softmax(dot(h, W2));
        Variable cost = mean(sum(-y * log(p), {1})) + 0.01 * sum(sqr(W1));
        auto g = grad(cost, std::vector<Variable>{W1, W2});
        Updates updates{{W1, W1 - 0.1 * g[0]}, {W2, W2 - 0.1 * g[1]}};
        Function f = function({x, y}, {cost, g[0], g[1]}, FunctionOptions{updates}, mode);
        std::vector<double> xv(20), yv(10, 0.0);
        for (std::size_t i = 0; i < xv.size(); ++i) xv[i] = std::cos(static_cast<double>(i) * 1.3);
        for (std::size_t i = 0; i < 5; ++i) yv[2 * i + i % 2] = 1.0;
        std::vector<std::vector<double>> out;
        for (int step = 0; step < 2; ++step) {
          for (const Array& a : f({Array::from_vector(xv, {5, 4}).astype(dt), Array::from_vector(yv, {5, 2}).astype(dt)})) {
            out.push_back(values(a));
          }
        }
        out.push_back(values(W1.get_value()));
        return out;
      };
      Mode fast = Mode::fast_run().with_linker(linker);
      const auto want = make(fast);
      std::vector<std::vector<double>> got;
      ASSERT_NO_THROW(got = make(debug_on(linker)));
      ASSERT_EQ(got.size(), want.size());
      const double tol = dt == DType::float32 ? 1e-5 : 1e-12;
      for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].size(), want[i].size());
        for (std::size_t k = 0; k < got[i].size(); ++k) EXPECT_NEAR(got[i][k], want[i][k], tol) << i << " " << k;
      }
    }
  }
}

// Non-contiguous arguments, integer and bool dtypes, views (transpose, slicing,
// reshape) and reductions, and a rewrite-heavy expression.
TEST(DebugMode, ViewsIntegersAndRewritesPass) {
  for (const char* linker : {"interp", "cpu"}) {
    SCOPED_TRACE(linker);
    Variable a = matrix("a", DType::float64);
    Variable i = matrix("i", DType::int32);
    Variable v = transpose(a)[{slice(none, none, -1)}];
    Variable out = log(1.0 + exp(v)) + cast(sum(i * 2 + i, {1}), DType::float64) - v * 1.0 +
                   transpose(cast(i > 0, DType::float64)) * 0.0;
    Function f = function({a, i}, {out, max(flatten(a)), v}, debug_on(linker));
    Array av = Array::from_vector(std::vector<double>{1, -2, 3, 40, 5, -6}, {2, 3});
    Array iv = Array::from_vector(std::vector<std::int32_t>{1, 2, -3, 4, 5, 6}, {2, 3});
    std::vector<Array> r;
    ASSERT_NO_THROW(r = f({av.slice(1, 0, 3, 1), iv.transpose().transpose()}));
    EXPECT_EQ(r[1].item<double>(), 40.0);
  }
}

// (i) A rule that changes values: exp(x) -> x + 1.
TEST(DebugMode, BadOptimizationNamesTheRule) {
  PlantedRule rule("specialize", "planted_exp_is_x_plus_one", "exp", [](const Node& node) -> std::optional<Variable> {
    return add(Operand(node.inputs()[0], node.where()), 1.0);
  });
  for (const char* linker : {"interp", "cpu"}) {
    Variable x = vector("x", DType::float64);
    Variable y = exp(x) * 2.0;  // the line the message names
    const int line = __LINE__ - 1;
    Function f = function({x}, {y}, debug_on(linker));
    EXPECT_EQ(f.rewrite_trace().counts().at("planted_exp_is_x_plus_one"), 1);
    expect_error<BadOptimization>([&] { f({Array::from({0.0, 1.0})}); },
                                  {"planted_exp_is_x_plus_one", "specialize", "debug_mode_test.cpp:" + std::to_string(line),
                                   "exp(x)", "at index (1,)", "2.71828"});
    // The same rule in FAST_RUN: no check, wrong numbers (why DebugMode exists).
    EXPECT_EQ(function({x}, {y}, Mode::fast_run().with_linker(linker))({Array::from({1.0})})[0].item<double>(), 4.0);
  }
}

// (ii) A kernel that disagrees with its reference: here a reference that is not even
// deterministic (it adds its call count), so the step and the check differ.
TEST(DebugMode, BadThunkOutputNamesTheOpAndLine) {
  static std::atomic<int> calls{0};
  define_test_op("debug_test_drifting", [](const KernelArgs& a) {
    Array out = a.inputs[0].astype(DType::float64).copy();
    const double drift = ++calls;
    for (std::int64_t k = 0; k < out.size(); ++k) out.data_as<double>()[k] += drift;
    return std::vector<Array>{out};
  });
  Variable x = vector("x", DType::float64);
  Variable y = apply1("debug_test_drifting", {x}, {}, SourceLocation::current());
  const int line = __LINE__ - 1;
  Function f = function({x}, {y}, debug_on("interp"));
  expect_error<BadThunkOutput>([&] { f({Array::from({1.0, 2.0})}); },
                               {"debug_mode_test.cpp:" + std::to_string(line), "debug_test_drifting", "output 0",
                                "at index (0,)", "reference"});
}

// (ii) as a user would plant it: an op registered through the public API
// (hypatia/op.hpp) whose cpu kernel disagrees with its reference kernel. The cpu
// backend runs the cpu kernel; DebugMode compares it with the reference.
std::vector<Array> doubled(const KernelArgs& a, double extra) {
  std::vector<double> v = a.inputs[0].to_vector<double>();
  for (double& e : v) e = 2.0 * e + extra;
  return {Array::from_vector(v, a.inputs[0].shape())};
}

TEST(DebugMode, UserOpWhoseCpuKernelDisagreesWithItsReference) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler: no cpu backend";
  static const bool registered = [] {
    register_op(UserOp("debug_test.user_doubled")
                    .set_summary("2 * x; its cpu kernel adds 1e-3 (a planted bug)")
                    .set_traits(kElementwise | kPure)
                    .set_infer([](const InferArgs& a) { return std::vector<Type>{a.type(0)}; })
                    .set_reference([](const KernelArgs& a) { return doubled(a, 0.0); })
                    .set_cpu_kernel([](const KernelArgs& a) { return doubled(a, 1e-3); })
                    .not_differentiable("a test op"));
    return true;
  }();
  ASSERT_TRUE(registered);
  Variable x = vector("x", DType::float64);
  Variable y = apply_op1("debug_test.user_doubled", {x}, {});
  const int line = __LINE__ - 1;
  // FAST_RUN on cpu runs the wrong kernel silently...
  EXPECT_NEAR(function({x}, {y}, Mode::fast_run().with_linker("cpu"))({Array::from({1.0})})[0].item<double>(), 2.001,
              1e-12);
  // ...DebugMode names it.
  Function f = function({x}, {y}, debug_on("cpu"));
  expect_error<BadThunkOutput>([&] { f({Array::from({1.0, 2.0})}); },
                               {"debug_mode_test.cpp:" + std::to_string(line), "debug_test.user_doubled", "output 0",
                                "at index (0,)"});
}

// (e) A reference kernel that ignores strides: right on contiguous inputs only.
TEST(DebugMode, NonContiguousInputsAreTried) {
  define_test_op("debug_test_ignores_strides", [](const KernelArgs& a) {
    const Array& in = a.inputs[0];
    Array out = Array::empty(DType::float64, in.shape());
    // reads the buffer as if it were contiguous
    for (std::int64_t k = 0; k < out.size(); ++k) out.data_as<double>()[k] = in.data_as<double>()[k] * 2.0;
    return std::vector<Array>{out};
  });
  Variable x = matrix("x", DType::float64);
  Variable y = apply1("debug_test_ignores_strides", {x}, {}, SourceLocation::current());
  Function f = function({x}, {y}, debug_on("interp"));
  expect_error<BadThunkOutput>([&] { f({Array::from({{1.0, 2.0}, {3.0, 4.0}})}); },
                               {"debug_test_ignores_strides", "non-contiguous", "debug_mode_test.cpp"});
}

// (iii) A kernel that writes into its input without declaring it.
TEST(DebugMode, BadDestroyMapForAnUndeclaredWrite) {
  define_test_op("debug_test_overwrites", [](const KernelArgs& a) {
    Array out = a.inputs[0].copy();
    Array in = a.inputs[0];
    if (in.size() > 0) std::memset(in.data(), 0, in.itemsize());  // the bug
    return std::vector<Array>{out};
  });
  for (const char* linker : {"interp", "cpu"}) {
    Variable x = vector("x", DType::float64);
    Variable y = apply1("debug_test_overwrites", {exp(x)}, {}, SourceLocation::current());
    const int line = __LINE__ - 1;
    Function f = function({x}, {y}, debug_on(linker));
    expect_error<BadDestroyMap>([&] { f({Array::from({1.0, 2.0})}); },
                                {"debug_mode_test.cpp:" + std::to_string(line), "debug_test_overwrites",
                                 "changed its input 0", "at index (0,)", "destroys"});
  }
  // Declared: no error.
  define_test_op("debug_test_overwrites_declared", [](const KernelArgs& a) {
    Array out = a.inputs[0].copy();
    Array in = a.inputs[0];
    if (in.size() > 0) std::memset(in.data(), 0, in.itemsize());
    return std::vector<Array>{out};
  }, Aliasing{{}, {{0, 0}}});
  Variable x = vector("x", DType::float64);
  Function f = function({x}, {apply1("debug_test_overwrites_declared", {exp(x)}, {}, SourceLocation::current())}, debug_on("interp"));
  EXPECT_NO_THROW(f({Array::from({1.0, 2.0})}));
}

// (iv) A kernel that returns its input (a view) without declaring it.
TEST(DebugMode, BadViewMapForAnUndeclaredView) {
  define_test_op("debug_test_returns_input", [](const KernelArgs& a) { return std::vector<Array>{a.inputs[0]}; });
  define_test_op("debug_test_returns_input_declared",
                 [](const KernelArgs& a) { return std::vector<Array>{a.inputs[0]}; }, Aliasing::view_of_input0());
  for (const char* linker : {"interp", "cpu"}) {
    Variable x = vector("x", DType::float64);
    Variable y = apply1("debug_test_returns_input", {exp(x)}, {}, SourceLocation::current());
    const int line = __LINE__ - 1;
    Function f = function({x}, {y}, debug_on(linker));
    expect_error<BadViewMap>([&] { f({Array::from({1.0, 2.0})}); },
                             {"debug_mode_test.cpp:" + std::to_string(line), "debug_test_returns_input",
                              "output 0", "shares memory with input 0", "views"});
    Function g = function({x}, {apply1("debug_test_returns_input_declared", {exp(x)}, {}, SourceLocation::current())}, debug_on(linker));
    EXPECT_NO_THROW(g({Array::from({1.0, 2.0})}));
  }
}

// (v) A NaN or inf made from finite inputs; check_isfinite = false allows it.
TEST(DebugMode, InvalidValueErrorForNonFiniteFromFinite) {
  for (const char* linker : {"interp", "cpu"}) {
    Variable x = vector("x", DType::float64);
    Variable y = log(x) * 2.0;
    const int line = __LINE__ - 1;
    Function f = function({x}, {y}, debug_on(linker));
    expect_error<InvalidValueError>([&] { f({Array::from({1.0, 0.0})}); },
                                    {"debug_mode_test.cpp:" + std::to_string(line), "-inf at index (1,)",
                                     "every input was finite"});
    // Non-finite inputs: non-finite outputs are expected.
    EXPECT_NO_THROW(f({Array::from({1.0, std::nan("")})}));
    Mode lenient = debug_on(linker);
    lenient.check_isfinite = false;
    Array r = function({x}, {y}, lenient)({Array::from({1.0, 0.0})})[0];
    EXPECT_EQ(r.to_vector<double>()[1], -INFINITY);
  }
}

TEST(DebugMode, ErrorsAreDebugModeErrors) {
  PlantedRule rule("canonicalize", "planted_neg_is_identity", "neg",
                   [](const Node& node) -> std::optional<Variable> { return node.inputs()[0]; });
  Variable x = vector("x", DType::float64);
  Function f = function({x}, {-x}, debug_on("interp"));
  EXPECT_THROW(f({Array::from({1.0})}), DebugModeError);
  EXPECT_NO_THROW(f({Array::from({0.0})}));  // -0 == 0: no difference
}

// ---------------------------------------------------------------- user rules

TEST(UserRules, FireWithTheBuiltInsAndCanBeExcluded) {
  int seen = 0;
  PlantedRule rule("specialize", "user_sqrt_of_sqr_is_abs", "sqrt", [&](const Node& node) -> std::optional<Variable> {
    ++seen;
    const Variable& in = node.inputs()[0];
    if (in.is_input() || in.is_constant() || in.node().op().name != "sqr") return std::nullopt;
    return abs(Operand(in.node().inputs()[0], node.where()));
  });
  const auto names = rewrite_rule_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "specialize/user_sqrt_of_sqr_is_abs"), names.end());
  Variable x = vector("x", DType::float64);
  Mode mode = debug_on("interp");
  Function f = function({x}, {sqrt(sqr(x))}, mode);
  EXPECT_GE(seen, 1);
  EXPECT_EQ(f.rewrite_trace().counts().at("user_sqrt_of_sqr_is_abs"), 1);
  expect_array(f({Array::from({-3.0, 2.0})})[0], DType::float64, {2}, {3.0, 2.0});
  mode.excluding = {"user_sqrt_of_sqr_is_abs"};
  EXPECT_EQ(function({x}, {sqrt(sqr(x))}, mode).rewrite_trace().counts().count("user_sqrt_of_sqr_is_abs"), 0u);
}

TEST(UserRules, RegistrationErrors) {
  auto none = [](const Node&) -> std::optional<Variable> { return std::nullopt; };
  expect_error<ValueError>([&] { register_rewrite("optimize", "r1", "exp", none); },
                           {"register_rewrite('r1')", "unknown phase 'optimize'"});
  expect_error<ValueError>([&] { register_rewrite("specialize", "r1", "no_such_op", none); }, {"unknown op 'no_such_op'"});
  expect_error<ValueError>([&] { register_rewrite("specialize", "constant_folding", "", none); },
                           {"a built-in rule has that name"});
  PlantedRule rule("specialize", "user_twice", "", none);
  expect_error<ValueError>([&] { register_rewrite("stabilize", "user_twice", "", none); }, {"a user rule has that name"});
  EXPECT_FALSE(unregister_rewrite("no_such_rule"));
}

}  // namespace
}  // namespace hypatia
