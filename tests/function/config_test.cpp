// hypatia::config(): defaults, each flag through its setter and by name, one test per
// bad-value message, the stores it shares (floatX, cxx, compiledir), and the mode
// flags as function() honors them (Mode::from_config, optimizer, excluding, including).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "backend/cpu/compiler.hpp"
#include "hypatia/config.hpp"
#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

// Every test leaves the flags as it found them; cxx and compiledir had no override
// (empty: back to the default).
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Config::Flag& f : Config::flags()) {
      saved_[f.name] = f.name == "cxx" || f.name == "compiledir" ? "" : config().get(f.name);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) config().set(name, value);
  }
  std::map<std::string, std::string> saved_;
};

TEST_F(ConfigTest, Defaults) {
  const Config& c = config();
  EXPECT_EQ(c.mode(), "FAST_RUN");
  EXPECT_EQ(c.optimizer(), "fast_run");
  EXPECT_EQ(c.optimizer_excluding(), "");
  EXPECT_EQ(c.optimizer_including(), "");
  EXPECT_EQ(c.exception_verbosity(), "low");
  EXPECT_EQ(c.floatX(), DType::float64);
  EXPECT_EQ(c.device(), "cpu");
  EXPECT_FALSE(c.profile());
  EXPECT_EQ(c.traceback_limit(), 8);
  EXPECT_FALSE(c.cxx().empty());
  EXPECT_FALSE(c.compiledir().empty());
}

TEST_F(ConfigTest, EverySetterAndItsNamedForm) {
  Config& c = config();
  c.set_mode("FAST_COMPILE");
  EXPECT_EQ(c.get("mode"), "FAST_COMPILE");
  for (const std::string m : {"DebugMode", "NanGuardMode", "FAST_RUN"}) {
    c.set("mode", m);
    EXPECT_EQ(c.mode(), m);
  }
  c.set_optimizer("fast_compile");
  EXPECT_EQ(c.get("optimizer"), "fast_compile");
  c.set("optimizer", "");  // Theano's empty optimizer: none
  EXPECT_EQ(c.optimizer(), "None");
  c.set_optimizer_excluding("specialize:log1p_from_log_one_plus");
  EXPECT_EQ(c.excluding_names(), (std::vector<std::string>{"specialize", "log1p_from_log_one_plus"}));
  c.set("optimizer_including", "canonicalize::neg_neg:");
  EXPECT_EQ(c.including_names(), (std::vector<std::string>{"canonicalize", "neg_neg"}));
  c.set("exception_verbosity", "high");
  EXPECT_EQ(c.exception_verbosity(), "high");
  c.set("profile", "True");
  EXPECT_TRUE(c.profile());
  EXPECT_EQ(c.get("profile"), "True");
  c.set("profile", "0");
  EXPECT_FALSE(c.profile());
  c.set_profile(true);
  EXPECT_EQ(c.get("profile"), "True");
  c.set("traceback.limit", "-1");
  EXPECT_EQ(c.traceback_limit(), -1);
  c.set_traceback_limit(0);
  EXPECT_EQ(c.get("traceback.limit"), "0");
  c.set("device", "cpu");
  EXPECT_EQ(c.device(), "cpu");
  for (const Config::Flag& f : Config::flags()) EXPECT_FALSE(f.doc.empty()) << f.name;
}

// floatX, cxx and compiledir have one store each: config() is a view of it.
TEST_F(ConfigTest, SharesTheExistingStores) {
  Config& c = config();
  c.set("floatX", "float32");
  EXPECT_EQ(floatX(), DType::float32);
  EXPECT_EQ(matrix("x").dtype(), DType::float32);
  set_floatX(DType::float64);
  EXPECT_EQ(c.floatX(), DType::float64);
  EXPECT_EQ(c.get("floatX"), "float64");
  c.set_cxx("clang++");
  EXPECT_EQ(cpu::default_cxx(), "clang++");
  EXPECT_EQ(cpu::CompilerOptions{}.cxx, "clang++");
  cpu::set_default_cxx("g++");
  EXPECT_EQ(c.cxx(), "g++");
  c.set_compiledir("/tmp/hypatia-config-test");
  EXPECT_EQ(cpu::default_compiledir(), "/tmp/hypatia-config-test");
  c.set("compiledir", "");  // back to the default
  EXPECT_NE(c.compiledir(), "/tmp/hypatia-config-test");
}

TEST_F(ConfigTest, BadValuesNameTheFlagAndTheChoices) {
  Config& c = config();
  expect_error<ValueError>([&] { c.set_mode("FAST"); },
                           {"'FAST'", "config flag mode", "FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode"});
  expect_error<ValueError>([&] { c.set("optimizer", "o2"); },
                           {"'o2'", "config flag optimizer", "fast_run, fast_compile, None"});
  expect_error<ValueError>([&] { c.set_optimizer_excluding("specialize:nope"); },
                           {"optimizer_excluding", "'nope'", "neither a rewrite phase", "rule"});
  expect_error<ValueError>([&] { c.set_optimizer_including("canonicalise"); },
                           {"optimizer_including", "'canonicalise'", "neither a rewrite phase"});
  expect_error<ValueError>([&] { c.set_exception_verbosity("medium"); },
                           {"'medium'", "exception_verbosity", "low, high"});
  expect_error<ValueError>([&] { c.set("floatX", "float16"); }, {"'float16'", "floatX", "float64, float32"});
  expect_error<ValueError>([&] { c.set_floatX(DType::int32); }, {"'int32'", "floatX", "float64, float32"});
  expect_error<ValueError>([&] { c.set_device("tpu"); }, {"'tpu'", "device", "cpu, cuda, cudaN, gpu, gpuN"});
  expect_error<ValueError>([&] { c.set("profile", "yes"); }, {"'yes'", "profile", "True, False"});
  expect_error<ValueError>([&] { c.set("traceback.limit", "8x"); }, {"'8x'", "traceback.limit", "integer"});
  expect_error<ValueError>([&] { c.set_traceback_limit(-2); }, {"'-2'", "traceback.limit", ">= -1"});
  expect_error<ValueError>([&] { c.set("floatx", "float32"); },
                           {"no config flag 'floatx'", "floatX", "traceback.limit"});
  expect_error<ValueError>([&] { (void)c.get("nope"); }, {"no config flag 'nope'"});
  // A failed set keeps the old value.
  EXPECT_EQ(c.mode(), "FAST_RUN");
  EXPECT_EQ(c.floatX(), DType::float64);
  EXPECT_EQ(c.optimizer_excluding(), "");
}

TEST_F(ConfigTest, AGpuDeviceNeedsACudaDevice) {
  for (const std::string d : {"cuda", "cuda0", "gpu", "gpu1"}) {
    if (Config::cuda_device_present()) {
      config().set_device(d);
      EXPECT_EQ(config().device(), d);
    } else {
      expect_error<ValueError>([&] { config().set_device(d); }, {"'" + d + "'", "device", "no CUDA device", "cpu"});
      EXPECT_EQ(config().device(), "cpu");
    }
  }
}

// ---------------------------------------------------------------- the mode flags

TEST_F(ConfigTest, FromConfigIsTheFlagsMode) {
  EXPECT_EQ(Mode::from_config().name, "FAST_RUN");
  EXPECT_EQ(Mode::from_config().optimizer, "fast_run");
  config().set("mode", "FAST_COMPILE");
  config().set("optimizer", "None");
  config().set("optimizer_excluding", "log1p_from_log_one_plus");
  config().set("optimizer_including", "canonicalize");
  const Mode m = Mode::from_config();
  EXPECT_EQ(m.name, "FAST_COMPILE");
  EXPECT_EQ(m.optimizer, "");  // FAST_COMPILE keeps its own optimizer, as in Theano
  EXPECT_EQ(m.excluding, std::vector<std::string>{"log1p_from_log_one_plus"});
  EXPECT_EQ(m.including, std::vector<std::string>{"canonicalize"});
  EXPECT_EQ(Mode{}.name, "FAST_RUN");  // a plain Mode ignores the flags
  EXPECT_TRUE(Mode{}.excluding.empty());
}

TEST_F(ConfigTest, FunctionWithoutAModeFollowsTheModeFlag) {
  Variable x = vector("x");
  EXPECT_EQ(function({x}, {log(1 + x)}).mode().name, "FAST_RUN");
  config().set_mode("FAST_COMPILE");
  const Function f = function({x}, {log(1 + x)});
  EXPECT_EQ(f.mode().name, "FAST_COMPILE");
  EXPECT_EQ(f.linker(), "interp");
  EXPECT_NE(f.graph_text().find("log1p"), std::string::npos) << f.graph_text();
  const Function g = function({x}, {log(1 + x)}, FunctionOptions{});
  EXPECT_EQ(g.mode().name, "FAST_COMPILE");
}

// The rules that fired when `out` is compiled in `m`.
std::map<std::string, int> fired(Mode m, const Variable& x, const Variable& out) {
  m.trace_rewrites = true;
  m.linker = "interp";
  return function({x}, {out}, m).rewrite_trace().counts();
}

TEST_F(ConfigTest, OptimizerNoneRewritesNothing) {
  Variable x = vector("x");
  Variable y = log(1 + -(-x));
  config().set_optimizer("None");
  EXPECT_TRUE(fired(Mode::from_config(), x, y).empty());
  const Function f = function({x}, {y});
  EXPECT_EQ(f.graph_text().find("log1p"), std::string::npos) << f.graph_text();
  EXPECT_NEAR(f({Array::from<double>({0.5})})[0].at<double>({0}), std::log(1.5), 1e-15);
  config().set_optimizer("fast_compile");
  EXPECT_EQ(fired(Mode::from_config(), x, y), (std::map<std::string, int>{{"log1p_from_log_one_plus", 1}}));
  config().set_optimizer("fast_run");
  EXPECT_EQ(fired(Mode::from_config(), x, y).count("neg_neg"), 1u);
}

TEST_F(ConfigTest, ExcludingAndIncludingFromTheFlags) {
  Variable x = vector("x");
  Variable y = log(1 + -(-x) * 1.0);
  config().set_mode("FAST_COMPILE");
  EXPECT_EQ(fired(Mode::from_config(), x, y), (std::map<std::string, int>{{"log1p_from_log_one_plus", 1}}));
  // A phase the mode leaves out runs whole.
  config().set_optimizer_including("canonicalize");
  std::map<std::string, int> c = fired(Mode::from_config(), x, y);
  EXPECT_EQ(c.count("neg_neg"), 1u);
  EXPECT_EQ(c.count("mul_by_one"), 1u);
  EXPECT_EQ(c.count("log1p_from_log_one_plus"), 1u);
  // A rule of such a phase runs alone.
  config().set_optimizer_including("neg_neg");
  c = fired(Mode::from_config(), x, y);
  EXPECT_EQ(c.count("neg_neg"), 1u);
  EXPECT_EQ(c.count("mul_by_one"), 0u);
  // Excluding wins.
  config().set_optimizer_including("canonicalize");
  config().set_optimizer_excluding("neg_neg:stabilize");
  c = fired(Mode::from_config(), x, y);
  EXPECT_EQ(c.count("neg_neg"), 0u);
  EXPECT_EQ(c.count("mul_by_one"), 1u);
  EXPECT_EQ(c.count("log1p_from_log_one_plus"), 0u);
}

TEST_F(ConfigTest, IncludingAPhaseRunsItInItsPlace) {
  // FAST_COMPILE + specialize: stabilize makes log1p, then specialize sees the result
  // (pow(x, 2) -> sqr(x) fires after the stabilize rule).
  Variable x = vector("x");
  Variable y = pow(log(1 + x), 2);
  Mode m = Mode::fast_compile();
  m.including = {"specialize"};
  const std::map<std::string, int> c = fired(m, x, y);
  EXPECT_EQ(c, (std::map<std::string, int>{{"log1p_from_log_one_plus", 1}, {"pow_two_to_sqr", 1}}));
  Mode bad = Mode::fast_compile();
  bad.including = {"nope"};
  expect_error<ValueError>([&] { (void)function({x}, {y}, bad); }, {"cannot include 'nope'"});
}

TEST_F(ConfigTest, AnUnknownOptimizerInAMode) {
  Variable x = vector("x");
  Mode m;
  m.optimizer = "o3";
  expect_error<ValueError>([&] { (void)function({x}, {x + 1}, m); }, {"unknown optimizer 'o3'", "fast_run"});
}

}  // namespace
}  // namespace hypatia
