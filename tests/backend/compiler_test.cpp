// The CPU backend's compiler driver and module cache: compile and call, the cache's
// hits across processes, damaged entries, concurrent compiles, errors, the directory's
// permissions, and list/clear. Each test uses a fresh cache directory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>
#include <ctime>
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
  // Linked with gold (a quarter of a cold compile's CPU) where binutils has it.
  const bool gold = fs::exists("/usr/bin/ld.gold") || fs::exists("/bin/ld.gold");
  EXPECT_EQ(meta->flags.find("-fuse-ld=gold") != std::string::npos, gold) << meta->flags;
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

// A compiler that never finishes must not hang the program: after compile_timeout
// seconds it is stopped, children included, and the compile is a CompileError that
// names the flag. The fake compiler answers --version, then leaves a child holding
// the output pipe (as g++ leaves cc1plus) and waits.
TEST_F(CompilerTest, CompilerThatHangsIsStoppedAfterTheTimeout) {
  const std::string fake = root_ + "/hanging-cxx";
  const std::string child_pid = root_ + "/child.pid";
  {
    std::ofstream script(fake);
    script << "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'hanging-cxx 1.0'; exit 0; fi\n"
           << "sleep 300 &\necho $! > " << child_pid << "\nwait\n";
  }
  ASSERT_EQ(::chmod(fake.c_str(), 0700), 0);
  CompilerOptions o = options_;
  o.cxx = fake;
  o.compile_timeout = 0.5;
  const auto start = std::chrono::steady_clock::now();
  try {
    compile_module(unique_source(7), o);
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("did not finish a generated module in 0.5 s"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("compile_timeout"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  // The sleeping child was killed too: gone, or a zombie waiting for its new parent.
  std::ifstream pid_file(child_pid);
  int pid = 0;
  ASSERT_TRUE(pid_file >> pid);
  bool dead = false;
  for (int i = 0; i < 100 && !dead; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const std::size_t paren = text.rfind(')');
    dead = !stat.good() || (paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z');
    if (!dead) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(dead) << "the compiler's child " << pid << " still runs";
}

TEST_F(CompilerTest, DirectoryIsCreatedPrivate) {
  options_.compiledir = root_ + "/a/b/cache";
  compile_module(kSource, options_);
  struct stat st;
  ASSERT_EQ(::stat(options_.compiledir.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(st.st_uid, ::geteuid());
}

TEST_F(CompilerTest, OurDirectoryOpenToOthersIsMadePrivate) {
  ASSERT_EQ(::mkdir(options_.compiledir.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(options_.compiledir.c_str(), 0777), 0);
  EXPECT_EQ(call_f(compile_module(unique_source(3), options_), 0), 3);
  struct stat st;
  ASSERT_EQ(::stat(options_.compiledir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(CompilerTest, DirectoryOfAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to another user";
  ASSERT_EQ(::mkdir(options_.compiledir.c_str(), 0700), 0);
  ASSERT_EQ(::chown(options_.compiledir.c_str(), 12345, 12345), 0);
  try {
    compile_module(unique_source(4), options_);
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(options_.compiledir), std::string::npos) << what;
    EXPECT_NE(what.find("belongs to user id 12345"), std::string::npos) << what;
  }
}

TEST_F(CompilerTest, PathThatIsAFileIsRefused) {
  std::ofstream(options_.compiledir) << "not a directory";
  EXPECT_THROW(compile_module(kSource, options_), CompileError);
}

// The entry of `source`, made by another process, then changed by `damage`; this
// process must see the damage, rebuild, and load a sound entry.
void expect_rebuilt(const std::string& source, const CompilerOptions& options,
                    const std::function<void(const std::string& base)>& damage) {
  std::string so;
  const pid_t pid = ::fork();
  if (pid == 0) {
    bool ok = false;
    try {
      ok = compile_module(source, options)->symbol("f") != nullptr;
    } catch (...) {
    }
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::string base;
  for (const auto& e : fs::directory_iterator(options.compiledir)) {
    const std::string p = e.path().string();
    if (p.size() > 5 && p.substr(p.size() - 5) == ".meta") base = p.substr(0, p.size() - 5);
  }
  ASSERT_FALSE(base.empty());
  damage(base);
  const auto m = compile_module(source, options);
  EXPECT_FALSE(m->from_cache()) << "a damaged entry must be rebuilt";
  EXPECT_EQ(reinterpret_cast<int (*)(int)>(m->symbol("f"))(1), 1 + 5);
  const std::string key = fs::path(base).filename().string();
  EXPECT_EQ(detail::check_entry(options.compiledir, key, detail::parse_meta(*detail::read_file(base + ".meta"))->compiler,
                                detail::parse_meta(*detail::read_file(base + ".meta"))->flags),
            "");
}

TEST_F(CompilerTest, TruncatedSoIsRebuilt) {
  expect_rebuilt(unique_source(5), options_, [](const std::string& base) { fs::resize_file(base + ".so", 100); });
}

TEST_F(CompilerTest, CorruptedMetaIsRebuilt) {
  expect_rebuilt(unique_source(5), options_,
                 [](const std::string& base) { std::ofstream(base + ".meta") << "hypatia-module 1\nso_size=1"; });
}

TEST_F(CompilerTest, SoThatMatchesItsMetaButCannotLoadIsRebuilt) {
  expect_rebuilt(unique_source(5), options_, [](const std::string& base) {
    const std::string junk = "this is not an ELF file";
    std::ofstream(base + ".so", std::ios::trunc) << junk;
    auto meta = *detail::parse_meta(*detail::read_file(base + ".meta"));
    meta.so_size = junk.size();
    meta.so_hash = detail::hash_hex(junk);
    std::ofstream(base + ".meta", std::ios::trunc) << detail::format_meta(meta);
  });
}

TEST_F(CompilerTest, SoWithoutMetaIsAnUnfinishedEntry) {
  expect_rebuilt(unique_source(5), options_, [](const std::string& base) { fs::remove(base + ".meta"); });
}

TEST_F(CompilerTest, ConcurrentProcessesCompilingOneModuleAllSucceed) {
  const std::string source = unique_source(6);
  constexpr int kProcesses = 8;
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      bool ok = false;
      try {
        const auto m = compile_module(source, options_);
        ok = call_f(m, 10) == 16;
      } catch (...) {
      }
      ::_exit(ok ? 0 : 1);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const auto entries = list_cache(options_.compiledir);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].complete);
  const auto m = compile_module(source, options_);
  EXPECT_TRUE(m->from_cache()) << "the racing processes left one sound entry";
  EXPECT_EQ(call_f(m, 0), 6);
  for (const auto& e : fs::directory_iterator(options_.compiledir)) {
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << e.path();
  }
}

TEST_F(CompilerTest, ThreadsCompilingOneModuleShareOneLoad) {
  const std::string source = unique_source(7);
  std::vector<std::shared_ptr<const Module>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = compile_module(source, options_); });
  }
  for (auto& t : threads) t.join();
  int compiled = 0;
  for (const auto& m : got) {
    compiled += m->from_cache() ? 0 : 1;
    EXPECT_EQ(call_f(m, 0), 7);
  }
  EXPECT_EQ(compiled, 1);
}

TEST_F(CompilerTest, RelativeDirectoryIsMadeAbsolute) {
  const fs::path cwd = fs::current_path();
  fs::create_directories(root_ + "/work");
  fs::current_path(root_ + "/work");
  CompilerOptions o = options_;
  o.compiledir = "rel/cache";
  const auto m = compile_module(kSource, o);
  fs::current_path(cwd);
  EXPECT_EQ(m->path().rfind(root_ + "/work/rel/cache/", 0), 0u) << m->path();
  EXPECT_EQ(call_f(m, 0), 1);
}

TEST_F(CompilerTest, ClangWorks) {
  CompilerOptions o = options_;
  o.cxx = "clang++";
  if (!compiler_available(o)) GTEST_SKIP() << "clang++ is not installed";
  const auto m = compile_module(kSource, o);
  EXPECT_EQ(call_f(m, 4), 9);
  EXPECT_NE(m->path(), compile_module(kSource, options_)->path()) << "the compiler is part of the key";
}

TEST_F(CompilerTest, ExtraFlagsPassThrough) {
  CompilerOptions o = options_;
  o.flags = {"-DOFFSET=100", "-lm"};
  // -lm after the source: a library flag still links (sqrt is not inlined at an unknown argument).
  const auto m = compile_module(
      "extern \"C\" double sqrt(double);\nextern \"C\" int f(int x) { return x + OFFSET + (int)sqrt(x + 3.0); }\n", o);
  EXPECT_EQ(call_f(m, 1), 103);
}

std::string meta_compiler(const std::shared_ptr<const Module>& m) {
  const std::string so = m->path();
  return detail::parse_meta(*detail::read_file(so.substr(0, so.size() - 3) + ".meta"))->compiler;
}

TEST_F(CompilerTest, CompilerIdentityIsKeptInTheCacheDirectory) {
  // Spellings of g++'s path that this process has not used yet, so that each one's
  // identity is looked up afresh (a process asks once per compiler name).
  if (!fs::exists("/usr/bin/g++")) GTEST_SKIP() << "no /usr/bin/g++";
  CompilerOptions o = options_;
  o.cxx = "/usr/bin/../bin/g++";
  const std::string real_identity = meta_compiler(compile_module(kSource, o));
  std::string id_file;
  for (const auto& e : fs::directory_iterator(options_.compiledir)) {
    if (e.path().filename().string().rfind("compiler-", 0) == 0) id_file = e.path().string();
  }
  ASSERT_FALSE(id_file.empty()) << "the identity is recorded";
  std::string text = *detail::read_file(id_file);
  EXPECT_NE(text.find("identity=" + real_identity + "\n"), std::string::npos) << text;
  EXPECT_NE(real_identity.find("g++"), std::string::npos) << real_identity;

  // A recorded identity whose stamp (path, inode, size, mtime) matches is used as is.
  const std::string stamped = text.substr(0, text.find("identity=")) + "identity=recorded identity\n";
  fs::remove(id_file);
  ASSERT_TRUE(detail::write_new_file(id_file, stamped));
  o.cxx = "/usr/bin/./g++";
  EXPECT_EQ(meta_compiler(compile_module(kSource, o)), "recorded identity");

  // One whose stamp no longer matches (the compiler was upgraded) is ignored.
  std::string stale = stamped;
  stale.replace(stale.find("size="), 5, "size=1");
  fs::remove(id_file);
  ASSERT_TRUE(detail::write_new_file(id_file, stale));
  o.cxx = "/usr/bin/.//g++";
  EXPECT_EQ(meta_compiler(compile_module(kSource, o)), real_identity);
  EXPECT_EQ(clear_cache(options_.compiledir), 2u);
  EXPECT_FALSE(fs::exists(id_file)) << "clear removes recorded identities too";
}

TEST_F(CompilerTest, ListAndClear) {
  EXPECT_TRUE(list_cache(options_.compiledir).empty()) << "a missing directory has no entries";
  compile_module(kSource, options_);
  compile_module(unique_source(8), options_);
  try {
    compile_module("extern \"C\" int f( {", options_);
  } catch (const CompileError&) {
  }
  std::ofstream(options_.compiledir + "/notes.txt") << "not the cache's";
  const auto entries = list_cache(options_.compiledir);
  ASSERT_EQ(entries.size(), 2u);
  for (const CacheEntry& e : entries) {
    EXPECT_EQ(e.key.size(), 32u);
    EXPECT_TRUE(e.complete);
    EXPECT_GT(e.bytes, 1000u);
    EXPECT_EQ(e.summary, "f");
    EXPECT_LE(std::abs(e.created - static_cast<std::int64_t>(std::time(nullptr))), 60);
  }
  EXPECT_EQ(clear_cache(options_.compiledir), 2u);
  EXPECT_TRUE(list_cache(options_.compiledir).empty());
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(options_.compiledir)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"notes.txt"});
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_F(CompilerTest, DefaultsComeFromHypatiaFlagsThenXdg) {
  {
    ScopedEnv flags("HYPATIA_FLAGS", "floatX=float32, compiledir=" + root_ + "/from-flags ,cxx=clang++");
    EXPECT_EQ(default_compiledir(), root_ + "/from-flags");
    EXPECT_EQ(default_cxx(), "clang++");
    EXPECT_EQ(CompilerOptions().cxx, "clang++");
    CompilerOptions o;
    o.cxx = "g++";
    const auto m = compile_module(kSource, o);
    EXPECT_EQ(m->path().rfind(root_ + "/from-flags/", 0), 0u) << m->path();
    set_default_compiledir(root_ + "/from-config");
    set_default_cxx("c++");
    EXPECT_EQ(default_compiledir(), root_ + "/from-config");
    EXPECT_EQ(default_cxx(), "c++");
    set_default_compiledir("");
    set_default_cxx("");
  }
  ScopedEnv flags("HYPATIA_FLAGS", "");
  ScopedEnv xdg("XDG_CACHE_HOME", root_ + "/xdg");
  EXPECT_EQ(default_compiledir(), root_ + "/xdg/hypatia");
  EXPECT_EQ(default_cxx(), "g++");
  ScopedEnv relative("XDG_CACHE_HOME", "relative/path");  // ignored, as the XDG spec says
  ScopedEnv home("HOME", root_ + "/home");
  EXPECT_EQ(default_compiledir(), root_ + "/home/.cache/hypatia");
}

// The ValueError's message when the flags make CompilerOptions throw, "" when they don't.
std::string options_error(const std::string& flags) {
  ScopedEnv env("HYPATIA_FLAGS", flags);
  try {
    CompilerOptions o;
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

TEST_F(CompilerTest, MistypedBackendFlagIsAnErrorNamingIt) {
  EXPECT_NE(options_error("vector_math=libmvek").find("vector_math=libmvek is not one of auto, sleef, libmvec"),
            std::string::npos);
  EXPECT_NE(options_error("floatX=float32,sleef=yes please").find("sleef=yes please is not a boolean"),
            std::string::npos);
  EXPECT_NE(options_error("compile_timeout=ten").find("compile_timeout=ten is not a number of seconds"),
            std::string::npos);
  EXPECT_NE(options_error("compile_timeout=-1").find("compile_timeout=-1"), std::string::npos);
  EXPECT_EQ(options_error("vector_math=auto,sleef=off,march_native=1,sleef_u35=True,compile_timeout=0.5"), "");
  ScopedEnv flags("HYPATIA_FLAGS", "vector_math=sleef,sleef=off,march_native=1");
  const CompilerOptions o;
  EXPECT_EQ(o.vector_math, "sleef");
  EXPECT_FALSE(o.sleef);
  EXPECT_TRUE(o.march_native);
}

TEST(ModuleHash, SeparatesFieldsAndTails) {
  EXPECT_EQ(detail::hash_hex("abc").size(), 32u);
  EXPECT_NE(detail::hash_hex("abc"), detail::hash_hex("abd"));
  EXPECT_NE(detail::hash_hex(""), detail::hash_hex(std::string(1, '\0')));
  EXPECT_NE(detail::hash_hex("12345678"), detail::hash_hex("123456789"));
  detail::Hasher a, b, c;
  a.field("ab");
  a.field("c");
  b.field("a");
  b.field("bc");
  EXPECT_NE(a.hex(), b.hex());
  // Incremental updates give the same hash as one update.
  c.update("hello, ");
  c.update("wor");
  c.update("ld and more text");
  EXPECT_EQ(c.hex(), detail::hash_hex("hello, world and more text"));
}

}  // namespace
}  // namespace hypatia::cpu
