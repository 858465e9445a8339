// The module cache as functions use it (issue 7): several processes compiling the same
// new function into an empty compiledir at once all succeed, quickly, and leave one
// sound entry; an entry damaged on disk is detected and rebuilt by the next process.
// (tests/backend/compiler_test.cpp tests the same at the level of compile_module.)
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/module_cache.hpp"
#include "hypatia/hypatia.hpp"

namespace hypatia {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class FunctionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hypatia-fcache-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    cpu::set_default_compiledir("");
    fs::remove_all(root_);
  }

  // A function whose module no earlier run compiled: its source holds `salt`.
  static Function make_function(double salt) {
    const Variable x = vector("x", DType::float64);
    Mode m;
    m.linker = "cpu";
    return function({x}, {exp(x * salt) * 3.0 + 1.0}, m);
  }
  // Compiles and checks one value; true when right.
  static bool compile_and_run(double salt) {
    const Function f = make_function(salt);
    if (f.linker() != "cpu") return false;
    const double got = f({Array::from_vector(std::vector<double>{0.5})})[0].to_vector<double>()[0];
    return std::abs(got - (std::exp(0.5 * salt) * 3.0 + 1.0)) < 1e-12;
  }

  // Runs `body` in `n` child processes released at the same moment; true when all
  // succeeded. `seconds`: from the release to the last exit.
  static bool in_children(int n, const std::function<bool()>& body, double* seconds) {
    int gate[2];
    if (::pipe(gate) != 0) return false;
    std::vector<pid_t> pids;
    for (int i = 0; i < n; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(gate[1]);
        char c;
        while (::read(gate[0], &c, 1) > 0) {
        }  // returns 0 when the parent closes its end: everyone starts at once
        bool ok = false;
        try {
          ok = body();
        } catch (...) {
        }
        ::_exit(ok ? 0 : 1);
      }
      pids.push_back(pid);
    }
    ::close(gate[0]);
    const auto t0 = Clock::now();
    ::close(gate[1]);
    bool all = true;
    for (pid_t pid : pids) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      all = all && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    *seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return all;
  }

  std::string root_;
};

// A salt no earlier run used (so the module is new to every cache).
double fresh_salt() {
  return 1.0 + static_cast<double>(::getpid() % 1000) / 1000.0 +
         static_cast<double>(Clock::now().time_since_epoch().count() % 1000003) / 1e9;
}

TEST_F(FunctionCacheTest, ProcessesCompilingOneFunctionAtOnceAllSucceed) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler";
  const double salt = fresh_salt();
  // One cold compile alone, of another module, to scale what "long" means here.
  cpu::set_default_compiledir(root_ + "/solo");
  double solo = 0;
  ASSERT_TRUE(in_children(1, [&] { return compile_and_run(salt + 0.5); }, &solo));

  const std::string dir = root_ + "/cache";
  cpu::set_default_compiledir(dir);
  constexpr int kProcesses = 4;
  double together = 0;
  EXPECT_TRUE(in_children(kProcesses, [&] { return compile_and_run(salt); }, &together));
  const auto entries = cpu::list_cache(dir);
  ASSERT_EQ(entries.size(), 1u) << "one entry for one function";
  EXPECT_TRUE(entries[0].complete);
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << "left behind: " << e.path();
  }
  // Nobody waits on another for long: the racing compiles run side by side (at worst
  // one after another on a busy machine), never behind a lock held for minutes.
  EXPECT_LT(together, kProcesses * solo + 30.0) << "one compile alone: " << solo << " s";
  // And the entry they left is sound: a later process loads it.
  EXPECT_TRUE(in_children(1, [&] { return compile_and_run(salt); }, &solo));
  EXPECT_EQ(cpu::list_cache(dir).size(), 1u);
}

TEST_F(FunctionCacheTest, DamagedEntryIsDetectedAndRebuilt) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler";
  const double salt = fresh_salt() + 0.25;
  const std::string dir = root_ + "/cache";
  cpu::set_default_compiledir(dir);
  double seconds = 0;
  // Children compile, so that this process never loads the module (loaded modules are
  // kept by path for the life of a process).
  ASSERT_TRUE(in_children(1, [&] { return compile_and_run(salt); }, &seconds));
  const auto damage = std::vector<std::function<void(const std::string&)>>{
      [](const std::string& base) { fs::resize_file(base + ".so", 64); },                // truncated
      [](const std::string& base) { std::ofstream(base + ".meta") << "hypatia-module"; },  // damaged meta
      [](const std::string& base) {                                                      // flipped bytes
        std::fstream f(base + ".so", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(200);
        f.write("\xde\xad\xbe\xef", 4);
      },
  };
  for (std::size_t d = 0; d < damage.size(); ++d) {
    const auto entries = cpu::list_cache(dir);
    ASSERT_EQ(entries.size(), 1u);
    damage[d](dir + "/" + entries[0].key);
    EXPECT_TRUE(in_children(1, [&] { return compile_and_run(salt); }, &seconds)) << "damage " << d;
    const auto after = cpu::list_cache(dir);
    ASSERT_EQ(after.size(), 1u) << "damage " << d;
    EXPECT_TRUE(after[0].complete) << "damage " << d;
    const auto meta = cpu::detail::parse_meta(*cpu::detail::read_file(dir + "/" + after[0].key + ".meta"));
    ASSERT_TRUE(meta.has_value());
    EXPECT_EQ(cpu::detail::check_entry(dir, after[0].key, meta->compiler, meta->flags), "") << "damage " << d;
  }
}

}  // namespace
}  // namespace hypatia
