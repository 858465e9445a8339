#include "backend/cpu/compiler.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "backend/cpu/module_cache.hpp"
#include "hypatia/error.hpp"

extern char** environ;

namespace hypatia::cpu {
namespace {

// ---- process-wide defaults (the Python config flags)

std::mutex g_defaults_mutex;
std::string g_default_cxx;
std::string g_default_compiledir;

// ---- running a program

struct RunResult {
  int spawn_error = 0;     // errno of posix_spawn; 0 when the program started
  int status = 0;          // waitpid's status
  bool timed_out = false;  // killed after `timeout_s`
  std::string output;      // stdout and stderr together
};

// Runs `argv` (argv[0] an absolute path) without a shell, stdin from `stdin_path`
// (or /dev/null), and collects what it prints. A program still running after
// `timeout_s` seconds (0: no limit) is killed with its children: it runs in a process
// group of its own, since the compiler driver's own children (cc1plus, as, ld) hold
// the output pipe too. Its own group also means a Ctrl-C in the terminal reaches it
// only through us: the compile ends, then the interrupt is seen.
RunResult run_program(const std::vector<std::string>& argv, const std::string& stdin_path = "/dev/null",
                      double timeout_s = 0) {
  RunResult r;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    r.spawn_error = errno;
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  r.spawn_error = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (r.spawn_error != 0) {
    ::close(fds[0]);
    return r;
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  char buf[4096];
  for (;;) {
    if (timeout_s > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fds[0], POLLIN, 0};
      const int ready = left > 0 ? ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX))) : 0;
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        ::kill(-pid, SIGKILL);
        r.timed_out = true;
        break;
      }
    }
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  while (::waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
  }
  return r;
}

// ---- the compiler's identity

struct CompilerInfo {
  bool available = false;
  std::string exe;       // what we run: the PATH entry that was found
  std::string identity;  // resolved path + first line of `--version`
};

// `name` as a path: itself when it has a slash, else the first executable on PATH.
std::string find_program(const std::string& name) {
  auto executable = [](const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

// Running `cxx --version` costs milliseconds for g++ and can cost half a second for
// clang++ (it loads libLLVM), on every process start. So the identity is also kept in
// the (private) cache directory, valid while the compiler's file keeps its path,
// inode, size and modification time: a package upgrade of the compiler changes them.
std::string compiler_stamp(const std::string& real) {
  struct stat st;
  if (::stat(real.c_str(), &st) != 0) return "";
  return "path=" + real + "\nino=" + std::to_string(st.st_ino) + "\nsize=" + std::to_string(st.st_size) +
         "\nmtime=" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
}

std::string identity_file(const std::string& dir, const std::string& real) {
  return dir + "/compiler-" + detail::hash_hex(real) + ".id";
}

// The identity recorded for `stamp` in `dir`, or "".
std::string read_identity(const std::string& dir, const std::string& real, const std::string& stamp) {
  const std::optional<std::string> text = detail::read_file(identity_file(dir, real));
  const std::string head = "hypatia-compiler 1\n" + stamp + "identity=";
  if (!text || text->size() < head.size() + 2 || text->compare(0, head.size(), head) != 0 || text->back() != '\n') {
    return "";
  }
  const std::string identity = text->substr(head.size(), text->size() - head.size() - 1);
  return identity.find('\n') == std::string::npos ? identity : "";
}

void write_identity(const std::string& dir, const std::string& real, const std::string& stamp,
                    const std::string& identity) {
  const std::string tmp = detail::temp_path(dir, detail::hash_hex(real), ".id");
  if (detail::write_new_file(tmp, "hypatia-compiler 1\n" + stamp + "identity=" + identity + "\n") &&
      ::rename(tmp.c_str(), identity_file(dir, real).c_str()) == 0) {
    return;
  }
  ::unlink(tmp.c_str());  // only a lost shortcut: the next process asks the compiler again
}

// The compiler named `cxx`; `dir`, a private cache directory or "", may hold its identity.
const CompilerInfo& compiler_info(const std::string& cxx, const std::string& dir) {
  static std::mutex mutex;
  static auto* infos = new std::map<std::string, CompilerInfo>();  // never freed: used until exit
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = infos->find(cxx);
  if (it != infos->end()) return it->second;
  CompilerInfo info;
  info.exe = find_program(cxx);
  if (!info.exe.empty()) {
    char resolved[PATH_MAX];
    const std::string real = ::realpath(info.exe.c_str(), resolved) != nullptr ? resolved : info.exe;
    const std::string stamp = compiler_stamp(real);
    if (!dir.empty() && !stamp.empty()) info.identity = read_identity(dir, real, stamp);
    if (info.identity.empty()) {
      // A program that does not answer in a minute is no usable compiler.
      const RunResult r = run_program({info.exe, "--version"}, "/dev/null", 60);
      if (r.spawn_error == 0 && !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) {
        info.identity = real + " " + r.output.substr(0, r.output.find('\n'));
        if (!dir.empty() && !stamp.empty()) write_identity(dir, real, stamp, info.identity);
      }
    }
    info.available = !info.identity.empty();
  }
  return infos->emplace(cxx, std::move(info)).first->second;
}

// -march=native makes code for this machine's CPU, so a cache directory shared between
// machines (a home folder on NFS) must not hand one machine's module to another: the
// key then includes the CPU's vendor, model and feature flags (the first processor of
// /proc/cpuinfo), read once per process.
const std::string& host_cpu() {
  static const std::string cpu = [] {
    std::ifstream in("/proc/cpuinfo");
    std::string line, text;
    while (std::getline(in, line) && !line.empty()) {
      if (line.rfind("vendor_id", 0) == 0 || line.rfind("model name", 0) == 0 || line.rfind("flags", 0) == 0 ||
          line.rfind("Features", 0) == 0 || line.rfind("CPU part", 0) == 0) {
        text += line + "\n";
      }
    }
    return text;
  }();
  return cpu;
}

// Whether the module takes functions from libmvec (CompilerOptions::vector_math):
// simd_math.hpp uses it at AVX2 width only, which needs -march=native; "auto" only for
// float32 under the u35 bound.
bool use_libmvec(const CompilerOptions& o) {
  if (!o.sleef || !o.march_native || o.vector_math == "sleef" || libmvec_library().empty()) return false;
  return o.vector_math == "libmvec" || o.sleef_u35;
}

bool gold_available() {
  static const bool found = !find_program("ld.gold").empty();
  return found;
}

std::vector<std::string> compile_flags(const CompilerOptions& o) {
  std::vector<std::string> flags = {"-O2", "-std=c++20", "-fPIC", "-shared"};
  if (o.march_native) flags.push_back("-march=native");
  if (o.openmp) flags.push_back("-fopenmp");
  if (o.sleef && !sleef_library().empty()) {
    flags.push_back("-DHP_SLEEF=1");
    if (o.sleef_u35) flags.push_back("-DHP_SLEEF_U35=1");
  }
  if (use_libmvec(o)) {
    if (o.vector_math == "libmvec") {
      flags.insert(flags.end(), {"-DHP_LIBMVEC_F32=2", "-DHP_LIBMVEC_F64=1"});
    } else {
      flags.push_back("-DHP_LIBMVEC_F32=1");
    }
  }
  // gold links a small module in about half the time of the default ld.bfd: a quarter
  // of a cold compile's CPU (~0.59 -> ~0.44 s per module here, measured over 12 test
  // modules). binutils ships it with bfd; without it the default linker is used.
  if (gold_available()) flags.push_back("-fuse-ld=gold");
  return flags;
}

// What comes after the source on the command line (libraries must follow the code
// that uses them when the linker runs with --as-needed).
std::vector<std::string> link_flags(const CompilerOptions& o) {
  std::vector<std::string> libs;
  if (o.sleef && !sleef_library().empty()) libs.push_back(sleef_library());
  if (use_libmvec(o)) libs.push_back(libmvec_library());
  return libs;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

// 600 -> "600", 0.5 -> "0.5".
std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// The first `max_lines` lines of the compiler's output, with "<stdin>" (the compiler
// reads the source from stdin, see compile_entry) replaced by the kept source's path.
std::string first_lines(const std::string& text, const std::string& source_path, int max_lines) {
  std::string out;
  std::size_t start = 0;
  int lines = 0;
  while (start < text.size() && lines < max_lines) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    std::string line = text.substr(start, nl - start);
    for (std::size_t at = line.find("<stdin>"); at != std::string::npos; at = line.find("<stdin>", at)) {
      line.replace(at, 7, source_path);
      at += source_path.size();
    }
    out += line + "\n";
    ++lines;
    start = nl + 1;
  }
  if (start < text.size()) out += "[... more diagnostics cut]\n";
  return out;
}

// ---- loaded modules

// One dlopen handle per path per process, never closed: code of a module may still
// run (or be referenced by a thread pool) when its last Module goes away, and a
// reopened path must not give back a stale image.
struct Loaded {
  void* handle = nullptr;
  std::string path;
};

class LoadedModule final : public Module {
 public:
  LoadedModule(std::shared_ptr<const Loaded> loaded, bool from_cache, std::chrono::steady_clock::time_point start)
      : loaded_(std::move(loaded)),
        from_cache_(from_cache),
        seconds_(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()) {}
  void* symbol(const std::string& name) const override {
    void* p = ::dlsym(loaded_->handle, name.c_str());
    if (p == nullptr) throw InternalError("module " + loaded_->path + " has no symbol '" + name + "'");
    return p;
  }
  const std::string& path() const override { return loaded_->path; }
  bool from_cache() const override { return from_cache_; }
  double seconds() const override { return seconds_; }

 private:
  std::shared_ptr<const Loaded> loaded_;
  bool from_cache_;
  double seconds_;
};

// Per .so path: a mutex so that threads of one process compile a module once, and the
// loaded image once there is one.
struct Slot {
  std::mutex mutex;
  std::shared_ptr<const Loaded> loaded;
};

std::shared_ptr<Slot> slot_for(const std::string& path) {
  static std::mutex mutex;
  static auto* slots = new std::map<std::string, std::shared_ptr<Slot>>();  // lives until exit
  const std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<Slot>& s = (*slots)[path];
  if (!s) s = std::make_shared<Slot>();
  return s;
}

// dlopen; nullptr and `error` set when it fails.
std::shared_ptr<const Loaded> open_module(const std::string& path, std::string* error) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* e = ::dlerror();
    *error = e != nullptr ? e : "dlopen failed";
    return nullptr;
  }
  auto loaded = std::make_shared<Loaded>();
  loaded->handle = handle;
  loaded->path = path;
  return loaded;
}

struct Job {
  const std::string& source;
  const CompilerOptions& options;
  const CompilerInfo& info;
  std::vector<std::string> flags;  // ours (compile_flags), without options.flags
  std::vector<std::string> link;   // ours after the source (link_flags)
  std::string flags_text;
  std::string dir;
  std::string key;
};

// Compiles job.source into the entry job.key: every file goes to a temporary name of
// this process and is renamed into place, the meta file last. The compiler reads the
// source from stdin so that the .so does not record a per-process file name: processes
// racing on one entry then write identical files.
void compile_entry(const Job& job) {
  const std::string tmp_cpp = detail::temp_path(job.dir, job.key, ".cpp");
  const std::string tmp_so = detail::temp_path(job.dir, job.key, ".so");
  if (!detail::write_new_file(tmp_cpp, job.source)) {
    throw CompileError("cannot write to the module cache directory '" + job.dir + "': " + std::strerror(errno));
  }
  std::vector<std::string> argv = {job.info.exe};
  argv.insert(argv.end(), job.flags.begin(), job.flags.end());
  for (const char* a : {"-x", "c++", "-", "-x", "none", "-o"}) argv.emplace_back(a);
  argv.push_back(tmp_so);
  argv.insert(argv.end(), job.link.begin(), job.link.end());
  argv.insert(argv.end(), job.options.flags.begin(), job.options.flags.end());
  const RunResult r = run_program(argv, tmp_cpp, job.options.compile_timeout);
  const bool ok = r.spawn_error == 0 && !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
  if (!ok) {
    ::unlink(tmp_so.c_str());
    const std::string kept = job.dir + "/failed-" + job.key + ".cpp";
    ::rename(tmp_cpp.c_str(), kept.c_str());
    if (r.spawn_error != 0) {
      throw CompileError("compiler '" + job.options.cxx + "' not found or cannot be run (" + job.info.exe +
                         "): " + std::strerror(r.spawn_error), "", kept);
    }
    if (r.timed_out) {
      throw CompileError("the C++ compiler (" + job.options.cxx + ") did not finish a generated module in " +
                             seconds_text(job.options.compile_timeout) +
                             " s and was stopped (flag compile_timeout); the source is kept in " + kept,
                         first_lines(r.output, kept, 40), kept);
    }
    const std::string status = WIFEXITED(r.status) ? "exit status " + std::to_string(WEXITSTATUS(r.status))
                                                   : "signal " + std::to_string(WTERMSIG(r.status));
    const std::string diagnostics = first_lines(r.output, kept, 40);
    throw CompileError("the C++ compiler failed on a generated module (" + job.options.cxx + ", " + status +
                           "); the source is kept in " + kept + "\n" + diagnostics,
                       diagnostics, kept);
  }
  const std::optional<std::string> so = detail::read_file(tmp_so);
  if (!so) {
    ::unlink(tmp_cpp.c_str());
    throw CompileError("the compiler wrote no module at " + tmp_so);
  }
  detail::EntryMeta meta;
  meta.so_size = so->size();
  meta.so_hash = detail::hash_hex(*so);
  meta.compiler = job.info.identity;
  meta.flags = job.flags_text;
  meta.created = static_cast<std::int64_t>(std::time(nullptr));
  const std::string tmp_meta = detail::temp_path(job.dir, job.key, ".meta");
  const bool written = detail::write_new_file(tmp_meta, detail::format_meta(meta));
  const bool renamed = written && ::rename(tmp_cpp.c_str(), detail::entry_path(job.dir, job.key, ".cpp").c_str()) == 0 &&
                       ::rename(tmp_so.c_str(), detail::entry_path(job.dir, job.key, ".so").c_str()) == 0 &&
                       ::rename(tmp_meta.c_str(), detail::entry_path(job.dir, job.key, ".meta").c_str()) == 0;
  if (!renamed) {
    const int e = errno;
    for (const std::string& p : {tmp_cpp, tmp_so, tmp_meta}) ::unlink(p.c_str());
    throw CompileError("cannot write the module cache entry " + job.key + " in '" + job.dir + "': " + std::strerror(e));
  }
}

}  // namespace

std::string default_cxx() {
  {
    const std::lock_guard<std::mutex> lock(g_defaults_mutex);
    if (!g_default_cxx.empty()) return g_default_cxx;
  }
  if (std::optional<std::string> v = detail::hypatia_flag("cxx"); v && !v->empty()) return *v;
  return "g++";
}

void set_default_cxx(const std::string& cxx) {
  const std::lock_guard<std::mutex> lock(g_defaults_mutex);
  g_default_cxx = cxx;
}

void set_default_compiledir(const std::string& dir) {
  const std::lock_guard<std::mutex> lock(g_defaults_mutex);
  g_default_compiledir = dir;
}

std::string default_compiledir() {
  {
    const std::lock_guard<std::mutex> lock(g_defaults_mutex);
    if (!g_default_compiledir.empty()) return g_default_compiledir;
  }
  if (std::optional<std::string> v = detail::hypatia_flag("compiledir"); v && !v->empty()) return *v;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/hypatia";
  const char* home = std::getenv("HOME");
  std::string h = home != nullptr && home[0] != '\0' ? home : "";
  if (h.empty()) {
    if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_dir != nullptr) h = pw->pw_dir;
  }
  if (h.empty()) h = "/tmp/hypatia-" + std::to_string(::geteuid());
  return h + "/.cache/hypatia";
}

bool default_flag(const std::string& name, bool fallback) {
  const std::optional<std::string> v = detail::hypatia_flag(name);
  if (!v) return fallback;
  if (*v == "0" || *v == "false" || *v == "False" || *v == "off") return false;
  if (*v == "1" || *v == "true" || *v == "True" || *v == "on") return true;
  // A typo must not silently pick the other code path (a benchmark would then measure
  // something else than what its command line says).
  throw ValueError("HYPATIA_FLAGS: " + name + "=" + *v + " is not a boolean (use 1/0, true/false or on/off)");
}

std::string default_vector_math() {
  const std::optional<std::string> v = detail::hypatia_flag("vector_math");
  if (!v || v->empty()) return "auto";
  if (*v == "auto" || *v == "sleef" || *v == "libmvec") return *v;
  throw ValueError("HYPATIA_FLAGS: vector_math=" + *v + " is not one of auto, sleef, libmvec");
}

double default_compile_timeout() {
  const std::optional<std::string> v = detail::hypatia_flag("compile_timeout");
  if (!v || v->empty()) return kDefaultCompileTimeout;
  char* end = nullptr;
  const double seconds = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || !(seconds >= 0) || seconds > 1e9) {
    throw ValueError("HYPATIA_FLAGS: compile_timeout=" + *v + " is not a number of seconds (0: no limit)");
  }
  return seconds;
}

std::vector<std::string> default_cxxflags() {
  std::vector<std::string> words;
  const std::optional<std::string> v = detail::hypatia_flag("cxxflags");
  if (!v) return words;
  std::size_t start = 0;
  while (start < v->size()) {
    const std::size_t end = std::min(v->find(' ', start), v->size());
    if (end > start) words.push_back(v->substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// The absolute path of `soname` as the dynamic loader finds it, when it exports both
// symbols; "" otherwise. Loaded once and kept: modules linked with it load it anyway.
static std::string loadable_library_path(const char* soname, const char* symbol_a, const char* symbol_b) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return std::string();
  void* a = ::dlsym(handle, symbol_a);
  void* b = ::dlsym(handle, symbol_b);
  Dl_info info;
  if (a == nullptr || b == nullptr || ::dladdr(b, &info) == 0 || info.dli_fname == nullptr ||
      info.dli_fname[0] != '/') {
    return std::string();
  }
  return std::string(info.dli_fname);
}

// libsleef.so.3 (the runtime package suffices, no libsleef-dev needed), when it has the
// variants simd_math.hpp calls: SSE2 and AVX2.
const std::string& sleef_library() {
  static const std::string path = loadable_library_path("libsleef.so.3", "Sleef_expd2_u10sse2", "Sleef_expf8_u10avx2");
  return path;
}

// libmvec.so.1 with the AVX2 variants of glibc 2.35 (tanhf and log1pf came then; 2.22
// had exp, log, sin, cos only). Linked by its path, as libsleef: the libc6-dev symlink
// libmvec.so is not needed.
const std::string& libmvec_library() {
  static const std::string path = loadable_library_path("libmvec.so.1", "_ZGVdN8v_tanhf", "_ZGVdN4v_erfc");
  return path;
}

bool compiler_available(const CompilerOptions& options) {
  // The cache directory only speeds this up: it is read when it exists and is private,
  // and neither created nor repaired here.
  const std::string dir = options.compiledir.empty() ? default_compiledir() : options.compiledir;
  return compiler_info(options.cxx, detail::is_private_dir(dir) ? dir : "").available;
}

std::shared_ptr<const Module> compile_module(const std::string& source, const CompilerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::string dir = options.compiledir.empty() ? default_compiledir() : options.compiledir;
  // An absolute path, so that a module's path() and the in-process table of loaded
  // modules stay right when the working directory changes.
  if (!dir.empty() && dir[0] != '/') dir = std::filesystem::absolute(dir).lexically_normal().string();
  detail::ensure_private_dir(dir);
  const CompilerInfo& info = compiler_info(options.cxx, dir);
  if (!info.available) {
    throw CompileError("compiler '" + options.cxx + "' not found" +
                       (info.exe.empty() ? std::string(" (not an executable file, nor on PATH)")
                                         : " (" + info.exe + " --version failed)") +
                       "; set the config flag cxx to a C++ compiler, or use the interpreter");
  }
  Job job{source, options, info, compile_flags(options), link_flags(options), "", "", ""};
  std::vector<std::string> all_flags = job.flags;
  all_flags.insert(all_flags.end(), job.link.begin(), job.link.end());
  all_flags.insert(all_flags.end(), options.flags.begin(), options.flags.end());
  job.flags_text = join(all_flags);
  job.dir = dir;
  detail::Hasher h;
  h.field(source);
  h.field(info.identity);
  for (const std::string& f : all_flags) h.field(f);
  if (options.march_native) h.field(host_cpu());
  job.key = h.hex();
  const std::string so_path = detail::entry_path(job.dir, job.key, ".so");

  const std::shared_ptr<Slot> slot = slot_for(so_path);
  const std::lock_guard<std::mutex> lock(slot->mutex);
  if (slot->loaded) return std::make_shared<LoadedModule>(slot->loaded, true, start);

  std::string error;
  const std::string damage = detail::check_entry(job.dir, job.key, info.identity, job.flags_text);
  if (damage.empty()) {
    if ((slot->loaded = open_module(so_path, &error))) return std::make_shared<LoadedModule>(slot->loaded, true, start);
  }
  if (!damage.empty() && damage != "missing") error = damage;
  if (!error.empty()) detail::remove_entry(job.dir, job.key);  // damaged: rebuilt below, once

  compile_entry(job);
  if (!(slot->loaded = open_module(so_path, &error))) {
    detail::remove_entry(job.dir, job.key);  // e.g. an undefined symbol: a library flag is missing
    throw CompileError("the module compiled from " + detail::entry_path(job.dir, job.key, ".cpp") +
                       " cannot be loaded: " + error);
  }
  return std::make_shared<LoadedModule>(slot->loaded, false, start);
}

}  // namespace hypatia::cpu
