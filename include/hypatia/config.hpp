// The core's configuration: Theano's config flags, one process-wide set.
//
// `hypatia::config()` reads and sets them from C++; Python's `hypatia.config` reads and
// sets the same values (python/src/config.cpp), and fills them at import from
// HYPATIA_FLAGS and ~/.hypatiarc (python/hypatia/configparser.py). A C++ program that
// wants those applies them itself with Config::set(name, value).
//
// Config holds no values of its own: floatX is dtype.hpp's floatX(), cxx and
// compiledir are the cpu backend's defaults (src/backend/cpu/compiler.hpp); the flags
// nothing else stores live in config.cpp. So `config().set_floatX(...)` and
// `set_floatX(...)` are one setting.
//
// Flags (name: choices; default):
// - mode: FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode; FAST_RUN. The mode of
//   function() when none is given (Mode::from_config()).
// - optimizer: fast_run, fast_compile, None (no rewriting; "" is read as None);
//   fast_run. The rewrites of modes other than FAST_COMPILE (Theano's rule: the
//   predefined FAST_COMPILE mode keeps its own optimizer).
// - optimizer_excluding / optimizer_including: rule or phase names separated by
//   colons; empty. Left out / switched on (RewriteOptions::excluding / including);
//   excluding wins when both name one.
// - exception_verbosity: low, high; low. `high` adds the failing node's subgraph to
//   runtime errors.
// - compiledir: a directory; the cpu backend's module cache (cpu::default_compiledir).
// - cxx: a compiler name or path; g++ (cpu::default_cxx).
// - floatX: float64, float32; float64.
// - device: cpu, or cuda, cudaN, gpu, gpuN when a CUDA device is present; cpu. Hypatia
//   has no GPU backend: a GPU device is accepted so that Theano scripts setting it
//   run, and functions still run on the CPU. Without a CUDA device it is a ValueError.
// - profile: bool; false. Whether functions gather a profile by default.
// - traceback.limit: int >= -1; 8. How many stack frames of the user's code a node
//   records when made from Python (Theano's traceback.limit): 0 records none (the
//   node's location is unknown; graph building is faster); any other value records
//   the innermost frame outside the hypatia package, which is all a node keeps.
//
// Setting a bad value is a ValueError naming the flag and its choices.
#pragma once

#include <string>
#include <vector>

#include "hypatia/dtype.hpp"

namespace hypatia {

class Config {
 public:
  std::string mode() const;
  void set_mode(const std::string& v);
  std::string optimizer() const;  // "fast_run", "fast_compile" or "None"
  void set_optimizer(const std::string& v);
  std::string optimizer_excluding() const;  // colon-separated names
  void set_optimizer_excluding(const std::string& v);
  std::string optimizer_including() const;
  void set_optimizer_including(const std::string& v);
  std::string exception_verbosity() const;  // "low" or "high"
  void set_exception_verbosity(const std::string& v);
  std::string compiledir() const;
  void set_compiledir(const std::string& v);  // empty: back to the default
  std::string cxx() const;
  void set_cxx(const std::string& v);  // empty: back to the default
  DType floatX() const;
  void set_floatX(DType t);
  std::string device() const;
  void set_device(const std::string& v);
  bool profile() const;
  void set_profile(bool v);
  int traceback_limit() const;
  void set_traceback_limit(int v);

  // The flags by name, with their values as text, for bindings and config files.
  struct Flag {
    std::string name;                  // "floatX", "traceback.limit"
    std::vector<std::string> choices;  // empty: free text
    std::string kind;                  // "str", "bool" or "int"
    std::string doc;
  };
  static const std::vector<Flag>& flags();
  // A flag's value as text (bools as "True"/"False"); ValueError for an unknown name.
  std::string get(const std::string& name) const;
  // Sets a flag from text (bools: True/False/true/false/1/0; ints: decimal).
  void set(const std::string& name, const std::string& value);

  // The names in optimizer_excluding / optimizer_including, in order.
  std::vector<std::string> excluding_names() const;
  std::vector<std::string> including_names() const;
  // Whether this machine has a CUDA device (the device flag's check).
  static bool cuda_device_present();
};

// The process-wide configuration.
Config& config();

}  // namespace hypatia
