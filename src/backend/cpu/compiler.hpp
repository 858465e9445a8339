// The CPU backend's compiler driver and module cache (DESIGN.md, "Backends").
//
// compile_module() turns one complete C++ translation unit (rendered kernels) into a
// shared library and loads it with dlopen. Modules live in an on-disk cache, private
// to the user, keyed by a hash of the source, the compiler's identity and the flags:
// a warm start is a hash lookup and a dlopen. Entries are written to a temporary name
// and renamed atomically, so processes compiling the same module at once neither
// corrupt it nor wait on each other; a damaged entry is detected and rebuilt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hypatia/error.hpp"

namespace hypatia::cpu {

struct CompilerOptions {
  std::string cxx = "g++";          // the compiler to run (config flag `cxx`)
  bool march_native = true;         // -march=native
  bool openmp = true;               // -fopenmp
  std::vector<std::string> flags;   // more flags (include dirs, -l libraries, ...)
  std::string compiledir;           // the cache directory; empty: default_compiledir()
};

// $XDG_CACHE_HOME/hypatia (or ~/.cache/hypatia), created with mode 0700.
std::string default_compiledir();

// A loaded module. Symbols stay valid while the Module lives.
class Module {
 public:
  virtual ~Module() = default;
  // The address of an extern "C" symbol; InternalError when it is missing.
  virtual void* symbol(const std::string& name) const = 0;
  virtual const std::string& path() const = 0;
  virtual bool from_cache() const = 0;  // true when no compiler ran
};

// Compiles (or finds in the cache) and loads `source`. A compiler that fails is a
// CompileError carrying the compiler's diagnostics; a missing compiler is a
// CompileError that says so (callers fall back to the interpreter).
std::shared_ptr<const Module> compile_module(const std::string& source, const CompilerOptions& options = {});

// Whether options.cxx can be run (checked once per compiler name and cached).
bool compiler_available(const CompilerOptions& options = {});

}  // namespace hypatia::cpu
