// The CPU backend's compiler driver and module cache: compile and call, the cache's
// hits across processes, damaged entries, concurrent compiles, errors, the directory's
// permissions, and list/clear. Each test uses a fresh cache directory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "backend/cpu/compiler.hpp"
#include "backend/cpu/module_cache.hpp"

namespace hypatia::cpu {
namespace {

namespace fs = std::filesystem;

const char* kSource = "extern \"C\" int f(int x) { return 2 * x + 1; }\n";

class CompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hypatia-cc-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    options_.compiledir = root_ + "/cache";
  }
  void TearDown() override { fs::remove_all(root_); }

  // A source no other test (and no earlier run) compiled: a module's path is loaded
  // once per process, so tests that damage an entry need one of their own.
  std::string unique_source(int value) const {
    return "// " + root_ + "\nextern \"C\" int f(int x) { return x + " + std::to_string(value) + "; }\n";
  }
  std::string so_path(const std::shared_ptr<const Module>& m) const { return m->path(); }

  // Runs `body` in a child process; true when it returned true there.
  static bool in_child(const std::function<bool()>& body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      bool ok = false;
      try {
        ok = body();
      } catch (...) {
        ok = false;
      }
      ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  static int call_f(const std::shared_ptr<const Module>& m, int x) {
    return reinterpret_cast<int (*)(int)>(m->symbol("f"))(x);
  }

  std::string root_;
  CompilerOptions options_;
};

TEST_F(CompilerTest, CompilesAndCallsAFunction) {
  const auto m = compile_module(kSource, options_);
  EXPECT_FALSE(m->from_cache());
  EXPECT_EQ(call_f(m, 3), 7);
  EXPECT_EQ(call_f(m, -5), -9);
  const auto again = compile_module(kSource, options_);
  EXPECT_TRUE(again->from_cache());
  EXPECT_EQ(again->path(), m->path());
  EXPECT_EQ(call_f(again, 10), 21);
}

TEST_F(CompilerTest, EntryHoldsSourceSoAndMeta) {
  const auto m = compile_module(kSource, options_);
  const std::string so = m->path();
  ASSERT_EQ(so.substr(so.size() - 3), ".so");
  const std::string base = so.substr(0, so.size() - 3);
  std::ifstream cpp(base + ".cpp");
  const std::string kept((std::istreambuf_iterator<char>(cpp)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, kSource);
  std::ifstream meta_file(base + ".meta");
  const std::string meta_text((std::istreambuf_iterator<char>(meta_file)), std::istreambuf_iterator<char>());
  const auto meta = detail::parse_meta(meta_text);
  ASSERT_TRUE(meta.has_value()) << meta_text;
  EXPECT_EQ(meta->so_size, fs::file_size(so));
  EXPECT_NE(meta->compiler.find("g++"), std::string::npos) << meta->compiler;
  EXPECT_NE(meta->flags.find("-O2 -std=c++20 -fPIC -shared -march=native -fopenmp"), std::string::npos);
  // No temporary file is left behind.
  for (const auto& e : fs::directory_iterator(options_.compiledir)) {
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << e.path();
  }
}

TEST_F(CompilerTest, AnotherProcessLoadsTheEntryWithoutCompiling) {
  const std::string source = unique_source(1);
  ASSERT_TRUE(in_child([&] { return call_f(compile_module(source, options_), 1) == 2; }));
  const auto m = compile_module(source, options_);
  EXPECT_TRUE(m->from_cache());
  EXPECT_EQ(call_f(m, 41), 42);
}

TEST_F(CompilerTest, KeyDependsOnFlagsAndSource) {
  CompilerOptions plain = options_;
  plain.march_native = false;
  plain.openmp = false;
  const auto a = compile_module(kSource, options_);
  const auto b = compile_module(kSource, plain);
  const auto c = compile_module(unique_source(2), options_);
  EXPECT_NE(a->path(), b->path());
  EXPECT_NE(a->path(), c->path());
  EXPECT_FALSE(b->from_cache());
  EXPECT_EQ(call_f(b, 1), 3);
  EXPECT_EQ(call_f(c, 1), 3);
}

TEST_F(CompilerTest, CompileErrorCarriesDiagnosticsAndKeepsSource) {
  const std::string bad = "extern \"C\" int f(int x) { return x + undeclared_name; }\n";
  try {
    compile_module(bad, options_);
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("undeclared_name"), std::string::npos) << what;
    EXPECT_NE(e.diagnostics().find("undeclared_name"), std::string::npos) << e.diagnostics();
    ASSERT_FALSE(e.source_path().empty());
    EXPECT_NE(what.find(e.source_path()), std::string::npos) << what;
    EXPECT_EQ(e.diagnostics().find("<stdin>"), std::string::npos) << "diagnostics name the kept file";
    std::ifstream kept(e.source_path());
    const std::string text((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, bad);
  }
}

TEST_F(CompilerTest, MissingSymbolIsAnInternalError) {
  const auto m = compile_module(kSource, options_);
  EXPECT_THROW(m->symbol("no_such_kernel"), InternalError);
}

TEST_F(CompilerTest, MissingCompilerIsACompileErrorNamingIt) {
  CompilerOptions o = options_;
  o.cxx = "no-such-cxx";
  EXPECT_FALSE(compiler_available(o));
  EXPECT_FALSE(compiler_available(o));  // cached
  try {
    compile_module(kSource, o);
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("compiler 'no-such-cxx' not found"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(compiler_available(options_));
}

}  // namespace
}  // namespace hypatia::cpu
