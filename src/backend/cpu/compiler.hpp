// The CPU backend's compiler driver and module cache (DESIGN.md, "Backends").
//
// compile_module() turns one complete C++ translation unit (rendered kernels) into a
// shared library and loads it with dlopen. Modules live in an on-disk cache, private
// to the user, keyed by a hash of the source, the compiler's identity and the flags:
// a warm start is a hash lookup and a dlopen. Entries are written to a temporary name
// and renamed atomically, so processes compiling the same module at once neither
// corrupt it nor wait on each other; a damaged entry is detected and rebuilt.
//
// An entry is `<key>.so`, `<key>.cpp` (the source, for reading) and `<key>.meta` (the
// size and hash of the .so, the compiler, the flags, the creation time). The meta file
// is renamed into place last: it is the entry's commit record, so a .so without one is
// an unfinished entry, and a .so that does not match its meta is a damaged one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hypatia/error.hpp"

namespace hypatia::cpu {

// The default compiler: set_default_cxx(), else `cxx=` in the environment variable
// HYPATIA_FLAGS (Theano's syntax: "cxx=clang++,compiledir=/tmp/c"), else g++.
std::string default_cxx();
// Process-wide defaults (the Python config flags `cxx` and `compiledir`); an empty
// string removes the override.
void set_default_cxx(const std::string& cxx);
void set_default_compiledir(const std::string& dir);

// A boolean entry of HYPATIA_FLAGS ("march_native=0", "sleef=False"); `fallback` when
// it is absent, a ValueError naming the flag when its value is not a boolean.
bool default_flag(const std::string& name, bool fallback);
// `vector_math=` in HYPATIA_FLAGS: "sleef", "libmvec" or "auto" (absent: "auto"); a
// ValueError naming the flag for any other value.
std::string default_vector_math();
// The words of `cxxflags=` in HYPATIA_FLAGS ("cxxflags=-DHP_PARALLEL_WORK=0 -g").
std::vector<std::string> default_cxxflags();
// `compile_timeout=` in HYPATIA_FLAGS: seconds a compiler run may take before it is
// stopped and the compile is a CompileError (0: no limit); absent,
// kDefaultCompileTimeout. A ValueError naming the flag for anything but a number >= 0.
// A module compiles in well under a second here (W4's whole step: ~0.5 s); the limit
// is for a compiler that never finishes (a hang must not hang the user's program).
inline constexpr double kDefaultCompileTimeout = 600;
double default_compile_timeout();

struct CompilerOptions {
  std::string cxx = default_cxx();  // the compiler to run (config flag `cxx`)
  // -march=native (config flag `march_native`); off: plain x86-64, whose vector loops
  // are SSE2-wide, for a module cache shared by different CPUs.
  bool march_native = default_flag("march_native", true);
  bool openmp = true;  // -fopenmp
  // Vector math from SLEEF when libsleef.so.3 can be loaded (config flag `sleef`):
  // -DHP_SLEEF=1 and the library linked; off or missing, vector loops call the scalar
  // libm functions lane by lane.
  bool sleef = default_flag("sleef", true);
  // float32 takes SLEEF's 3.5-ULP variants where it has them (config flag `sleef_u35`,
  // on by default; sin, cos, tan, tanh, sinh, cosh, the inverse trigonometric
  // functions, log, log2, exp2, cbrt): 1.3-2.5x faster, within NumPy's own float32
  // accuracy (4 ULP); off: the 1.0-ULP ones. float64 always takes the 1.0-ULP ones.
  bool sleef_u35 = default_flag("sleef_u35", true);
  // Which library the vector math functions come from where both load (config flag
  // `vector_math`, simd_math.hpp): "auto" (the default) takes glibc's libmvec for the
  // float32 functions it runs faster than SLEEF when sleef_u35 is on (both within 4
  // ULP; bench/vector_math.cpp measured it), SLEEF for the rest and for float64 (1
  // ULP); "libmvec" takes libmvec for every function it has, float64 included (4 ULP);
  // "sleef" never takes libmvec. Only with `sleef` on (off: scalar libm lane by lane)
  // and -march=native on an AVX2 machine; where libmvec.so.1 is missing, SLEEF. An
  // unknown value is taken as "auto".
  std::string vector_math = default_vector_math();
  // More flags (include dirs, -l libraries, -DHP_PARALLEL_WORK=...); by default those
  // of the config flag `cxxflags`, separated by spaces.
  std::vector<std::string> flags = default_cxxflags();
  std::string compiledir;           // the cache directory; empty: default_compiledir()
  // Seconds one compiler run may take (config flag `compile_timeout`; 0: no limit).
  // Not part of the module's key: it changes no module.
  double compile_timeout = default_compile_timeout();
};

// set_default_compiledir(), else `compiledir=` in HYPATIA_FLAGS, else
// $XDG_CACHE_HOME/hypatia, else ~/.cache/hypatia. Created with mode 0700 when first
// used; a directory that others can read or write, or that another user owns, is
// refused (our own is made private), since the cache holds code we load and run.
std::string default_compiledir();

// A loaded module. Symbols stay valid while the Module lives.
class Module {
 public:
  virtual ~Module() = default;
  // The address of an extern "C" symbol; InternalError when it is missing.
  virtual void* symbol(const std::string& name) const = 0;
  virtual const std::string& path() const = 0;
  virtual bool from_cache() const = 0;  // true when no compiler ran
  // The time compile_module took to give it: cache lookup, compiler run, dlopen.
  virtual double seconds() const { return 0; }
};

// Compiles (or finds in the cache) and loads `source`. A compiler that fails is a
// CompileError carrying the compiler's diagnostics; a missing compiler is a
// CompileError that says so (callers fall back to the interpreter).
std::shared_ptr<const Module> compile_module(const std::string& source, const CompilerOptions& options = {});

// Whether options.cxx can be run (checked once per compiler name and cached).
bool compiler_available(const CompilerOptions& options = {});

// The path of the SLEEF library modules link with, or "" when there is none.
const std::string& sleef_library();
// The path of glibc's libmvec.so.1 when it has the AVX2 functions simd_math.hpp calls
// (glibc >= 2.35), else "".
const std::string& libmvec_library();

// One entry of the module cache, as `hypatia-cache list` shows it.
struct CacheEntry {
  std::string key;          // 32 hex digits
  std::uint64_t bytes = 0;  // all its files
  std::int64_t created = 0; // Unix time
  bool complete = false;    // has its .so and a meta file that agrees with its size
  std::string summary;      // the module's extern "C" names, else the source's first line
};

// The entries of the cache in `dir` (empty: default_compiledir()), oldest first; a
// directory that does not exist has none.
std::vector<CacheEntry> list_cache(const std::string& dir = {});
// Removes every entry (and kept sources of failed compiles, recorded compiler
// identities, and temporary files older than a minute) from `dir`; returns how many
// entries it removed. Files that are not the cache's are left alone.
std::size_t clear_cache(const std::string& dir = {});

}  // namespace hypatia::cpu
