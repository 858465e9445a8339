// Profiling (hypatia/profile.hpp): every op of the compiled graph has its row, call
// counts equal the calls, times add up, memory figures are the outputs' sizes, and the
// compile figures name the phases, the rules that fired and the module cache.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

#include "backend/cpu/compiler.hpp"
#include "hypatia/config.hpp"
#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

FunctionOptions profiled(std::string name = "") {
  FunctionOptions o;
  o.profile = true;
  o.name = std::move(name);
  return o;
}

bool has_cpu() { return cpu::compiler_available({}); }

std::vector<std::string> linkers() {
  std::vector<std::string> l = {"interp"};
  if (has_cpu()) l.push_back("cpu");
  return l;
}

// The ops of the compiled graph (inputs and constants are not steps).
std::multiset<std::string> compiled_ops(const Function& f) {
  std::multiset<std::string> ops;
  for (const auto& node : topological_order(f.compiled_outputs())) {
    const std::string& op = node->op().name;
    if (op != "input" && op != "constant") ops.insert(op);
  }
  return ops;
}

Array ramp(std::int64_t n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.001 * static_cast<double>(i);
  return Array::from_vector(v);
}

TEST(Profile, EveryOpHasARowAndCallCountsEqualTheCalls) {
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    Variable x = vector("x", DType::float64);
    Variable y = vector("y", DType::float64);
    Function f = function({x, y}, {exp(x) * y + sum(x * x), tanh(y)}, profiled(), Mode{}.with_linker(linker));
    ASSERT_TRUE(f.profiling());
    const int calls = 3;
    for (int i = 0; i < calls; ++i) f({ramp(100), ramp(100)});
    const ProfileStats p = f.profile();
    EXPECT_EQ(p.calls, calls);
    EXPECT_EQ(p.linker, linker);
    std::multiset<std::string> seen;
    for (const auto& s : p.steps) {
      EXPECT_EQ(s.calls, calls) << s.name;
      EXPECT_GE(s.seconds, 0.0);
      EXPECT_FALSE(s.ops.empty());
      EXPECT_EQ(s.ops.size(), s.nodes.size());
      EXPECT_NE(s.where.find("profile_test.cpp"), std::string::npos) << s.where;
      seen.insert(s.ops.begin(), s.ops.end());
    }
    EXPECT_EQ(seen, compiled_ops(f));
    // Per op: every node ran `calls` times, and the ops' times are the steps' time.
    double op_seconds = 0;
    for (const auto& op : p.ops()) {
      EXPECT_EQ(op.calls, static_cast<std::int64_t>(op.applies) * calls) << op.name;
      EXPECT_EQ(op.applies, static_cast<int>(seen.count(op.name))) << op.name;
      op_seconds += op.seconds;
    }
    EXPECT_NEAR(op_seconds, p.step_seconds, 1e-9);
    EXPECT_GE(p.step_seconds, 0.0);
    EXPECT_LE(p.step_seconds, p.call_seconds);
    EXPECT_GT(p.compile.total_seconds, 0.0);
  }
}

TEST(Profile, AFusedKernelIsOneStepListingItsNodes) {
  if (!has_cpu()) GTEST_SKIP() << "no C++ compiler";
  Variable x = vector("x", DType::float64);
  Function f = function({x}, {exp(x) * 2.0 + 1.0}, profiled(), Mode::without_rewrites().with_linker("cpu"));
  f({ramp(10)});
  f({ramp(10)});
  const ProfileStats p = f.profile();
  ASSERT_EQ(p.steps.size(), 1u);
  const auto& s = p.steps[0];
  EXPECT_EQ(s.kind, "kernel");
  EXPECT_EQ(s.name, "fused[exp,mul,add]");
  EXPECT_EQ(s.ops, (std::vector<std::string>{"exp", "mul", "add"}));
  // The kernel's time is split evenly between its three nodes.
  const auto ops = p.ops();
  ASSERT_EQ(ops.size(), 3u);
  for (const auto& op : ops) {
    EXPECT_NEAR(op.seconds, s.seconds / 3.0, 1e-12);
    EXPECT_EQ(op.calls, 2);
    EXPECT_EQ(op.applies, 1);
  }
  const auto kinds = p.kinds();
  ASSERT_EQ(kinds.size(), 1u);
  EXPECT_EQ(kinds[0].name, "fused elementwise");
  EXPECT_EQ(kinds[0].calls, 2);
  // Only the kernel's output has bytes: exp and mul live in registers.
  ASSERT_EQ(s.outputs.size(), 1u);
  EXPECT_EQ(s.outputs[0].bytes, 10 * 8);
  EXPECT_EQ(s.outputs[0].type, "float64 (10,)");
  EXPECT_NE(p.summary().find("fused[exp,mul,add]"), std::string::npos);
}

TEST(Profile, MemoryIsTheOutputsSizesAndThePeakFollowsTheSchedule) {
  // As built, on the interpreter: exp(x) [8n], then mul [8n] while exp's is alive,
  // then sum [8] after which mul's dies; the reshape is a view of the sum's input.
  const std::int64_t n = 1000;
  Variable x = vector("x", DType::float64);
  Variable a = exp(x);
  Variable b = a * 2.0;
  Variable m = reshape(b, {2, n / 2});
  Variable c = sum(m);
  Function f = function({x}, {c}, profiled(), Mode::without_rewrites().with_linker("interp"));
  f({ramp(n)});
  const ProfileStats p = f.profile();
  std::map<std::string, const ProfileStats::Step*> by_op;
  for (const auto& s : p.steps) by_op[s.name] = &s;
  ASSERT_TRUE(by_op.count("exp") && by_op.count("mul") && by_op.count("reshape") && by_op.count("sum"));
  EXPECT_EQ(by_op["exp"]->bytes(), n * 8);
  EXPECT_EQ(by_op["mul"]->bytes(), n * 8);
  EXPECT_EQ(by_op["sum"]->bytes(), 8);
  EXPECT_TRUE(by_op["reshape"]->outputs.at(0).view);
  EXPECT_EQ(by_op["reshape"]->bytes(), 0);
  EXPECT_EQ(by_op["reshape"]->outputs.at(0).type, "float64 (2, 500)");
  EXPECT_EQ(p.output_bytes(), 2 * n * 8 + 8);
  EXPECT_EQ(p.peak_bytes, 2 * n * 8);
  const std::string text = p.summary();
  EXPECT_NE(text.find("Peak of live intermediate memory"), std::string::npos);
  EXPECT_NE(text.find("15.6KB"), std::string::npos) << text;  // the peak, 16000 bytes
}

TEST(Profile, CompileFiguresNameThePhasesTheRulesThatFiredAndTheCache) {
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    Variable x = vector("x", DType::float64);
    Variable y = log(1.0 + x) * 3.0;
    Function f = function({x}, {y}, profiled(), Mode{}.with_linker(linker));
    const CompileStats& c = f.profile().compile;
    std::set<std::string> phases;
    for (const auto& ph : c.phases) {
      phases.insert(ph.name);
      EXPECT_GE(ph.runs, 1);
      EXPECT_GE(ph.seconds, 0.0);
    }
    EXPECT_TRUE(phases.count("canonicalize") && phases.count("stabilize") && phases.count("specialize"));
    bool log1p_fired = false;
    for (const auto& r : c.rules) {
      EXPECT_LE(r.fired, r.attempts) << r.name;
      if (r.name == "log1p_from_log_one_plus" && r.phase == "stabilize" && r.fired == 1) log1p_fired = true;
    }
    EXPECT_TRUE(log1p_fired);
    EXPECT_LE(c.rewrite_seconds, c.total_seconds);
    EXPECT_LE(c.rewrite_seconds + c.lower_seconds + c.cxx_seconds + c.plan_seconds, c.total_seconds + 1e-9);
    EXPECT_EQ(c.linker, linker);
    const std::string text = f.profile().summary();
    EXPECT_NE(text.find("stabilize/log1p_from_log_one_plus"), std::string::npos) << text;
    if (linker == "cpu") {
      EXPECT_TRUE(c.compiled_module);
      EXPECT_GE(c.kernels, 1);
      // The same graph again: the module comes from the cache.
      Function g = function({x}, {y}, profiled(), Mode{}.with_linker(linker));
      EXPECT_TRUE(g.profile().compile.cache_hit);
      EXPECT_NE(g.profile().summary().find("module cache hit"), std::string::npos);
    } else {
      EXPECT_FALSE(c.compiled_module);
      EXPECT_FALSE(c.cache_hit);
    }
  }
}

TEST(Profile, TheSummaryHasTheanosSections) {
  Variable x = matrix("x", DType::float64);
  Function f = function({x}, {sum(exp(x), {1})}, profiled("loss"), Mode{}.with_linker("interp"));
  f({Array::from_vector<double>({1, 2, 3, 4}, {2, 2})});
  const std::string text = f.profile().summary();
  for (const char* part : {"Function profiling", "function 'loss' made at", "profile_test.cpp", "Time in 1 call",
                           "Time in steps", "\nClass", "<% time> <sum %> <apply time> <time per call> <#call> <#apply>",
                           "\nKind", "reference kernel", "\nApply", "\nMemory", "\nCompile", "Total compile time",
                           "phase stabilize", "Interpreter plan", "exp", "sum"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  // n_apply limits the Apply rows.
  EXPECT_NE(f.profile().summary(1).find("more steps not shown"), std::string::npos);
}

TEST(Profile, CallsFromSeveralThreadsAreAllCounted) {
  for (const std::string& linker : linkers()) {
    SCOPED_TRACE(linker);
    Variable x = vector("x", DType::float64);
    Function f = function({x}, {exp(x) + sum(x)}, profiled(), Mode{}.with_linker(linker));
    const int threads = 4, each = 25;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (int i = 0; i < each; ++i) f({ramp(50)});
      });
    }
    for (auto& t : pool) t.join();
    const ProfileStats p = f.profile();
    EXPECT_EQ(p.calls, threads * each);
    for (const auto& s : p.steps) EXPECT_EQ(s.calls, threads * each) << s.name;
    EXPECT_LE(p.step_seconds, p.call_seconds);
  }
}

TEST(Profile, AFailedCallIsCountedAndTheNextOneIsTimed) {
  Variable x = vector("x", DType::float64);
  Variable y = vector("y", DType::float64);
  Function f = function({x, y}, {exp(x) + y}, profiled(), Mode{}.with_linker("interp"));
  EXPECT_THROW(f({ramp(3), ramp(4)}), UserError);
  f({ramp(3), ramp(3)});
  const ProfileStats p = f.profile();
  EXPECT_EQ(p.calls, 2);
  for (const auto& s : p.steps) EXPECT_GE(s.seconds, 0.0);
  EXPECT_LE(p.step_seconds, p.call_seconds);
}

TEST(Profile, WithoutProfilingThereIsNoProfile) {
  Variable x = vector("x", DType::float64);
  Function f = function({x}, {exp(x)}, Mode{}.with_linker("interp"));
  EXPECT_FALSE(f.profiling());
  testing::expect_error<ValueError>([&] { (void)f.profile(); }, {"without profiling", "profile_test.cpp"});
}

TEST(Profile, TheConfigFlagProfilesFunctionsThatDoNotSay) {
  Variable x = vector("x", DType::float64);
  const bool saved = config().profile();
  config().set_profile(true);
  Function on = function({x}, {exp(x)}, Mode{}.with_linker("interp"));
  FunctionOptions off;
  off.profile = false;
  Function still_off = function({x}, {exp(x)}, off, Mode{}.with_linker("interp"));
  config().set_profile(saved);
  EXPECT_TRUE(on.profiling());
  EXPECT_FALSE(still_off.profiling());
}

}  // namespace
}  // namespace hypatia
