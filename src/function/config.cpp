#include "hypatia/config.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <mutex>

#include "backend/cpu/compiler.hpp"
#include "hypatia/error.hpp"
#include "hypatia/rewrite.hpp"

namespace hypatia {
namespace {

// The flags no other part of the core stores. Strings under a mutex: function() may
// read them on one thread while a user sets them on another.
std::mutex g_mutex;
std::string g_mode = "FAST_RUN";
std::string g_optimizer = "fast_run";
std::string g_optimizer_excluding;
std::string g_optimizer_including;
std::string g_exception_verbosity = "low";
std::string g_device = "cpu";
std::atomic<bool> g_profile{false};
std::atomic<int> g_traceback_limit{8};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string read(const std::string& v) {
  const std::lock_guard<std::mutex> lock(g_mutex);
  return v;
}

void write(std::string& to, const std::string& v) {
  const std::lock_guard<std::mutex> lock(g_mutex);
  to = v;
}

void check_choice(const std::string& flag, const std::string& v, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    throw ValueError("invalid value '" + v + "' for config flag " + flag + "; expected one of: " + joined(choices));
  }
}

std::vector<std::string> split_names(const std::string& v) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t end = std::min(v.find(':', start), v.size());
    if (end > start) names.push_back(v.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

// A misspelt name would silently switch nothing off (or on).
void check_names(const std::string& flag, const std::string& v) {
  std::vector<std::string> known = {"canonicalize", "stabilize", "specialize"};
  for (const std::string& r : rewrite_rule_names()) known.push_back(r.substr(r.find('/') + 1));
  for (const std::string& name : split_names(v)) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw ValueError("invalid value '" + v + "' for config flag " + flag + ": '" + name +
                       "' is neither a rewrite phase (canonicalize, stabilize, specialize) nor a rule "
                       "(rewrite_rule_names() lists them)");
    }
  }
}

// cuda, cuda0, gpu, gpu1 ...: Theano's GPU device names.
bool is_gpu_name(const std::string& v) {
  for (const std::string prefix : {"cuda", "gpu"}) {
    if (v.rfind(prefix, 0) == 0) {
      const std::string rest = v.substr(prefix.size());
      return std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
  }
  return false;
}

const std::vector<std::string> kModes = {"FAST_RUN", "FAST_COMPILE", "DebugMode", "NanGuardMode"};
const std::vector<std::string> kOptimizers = {"fast_run", "fast_compile", "None"};

}  // namespace

std::string Config::mode() const { return read(g_mode); }
void Config::set_mode(const std::string& v) {
  check_choice("mode", v, kModes);
  write(g_mode, v);
}

std::string Config::optimizer() const { return read(g_optimizer); }
void Config::set_optimizer(const std::string& v) {
  const std::string o = v.empty() ? "None" : v;
  check_choice("optimizer", o, kOptimizers);
  write(g_optimizer, o);
}

std::string Config::optimizer_excluding() const { return read(g_optimizer_excluding); }
void Config::set_optimizer_excluding(const std::string& v) {
  check_names("optimizer_excluding", v);
  write(g_optimizer_excluding, v);
}

std::string Config::optimizer_including() const { return read(g_optimizer_including); }
void Config::set_optimizer_including(const std::string& v) {
  check_names("optimizer_including", v);
  write(g_optimizer_including, v);
}

std::vector<std::string> Config::excluding_names() const { return split_names(optimizer_excluding()); }
std::vector<std::string> Config::including_names() const { return split_names(optimizer_including()); }

std::string Config::exception_verbosity() const { return read(g_exception_verbosity); }
void Config::set_exception_verbosity(const std::string& v) {
  check_choice("exception_verbosity", v, {"low", "high"});
  write(g_exception_verbosity, v);
}

std::string Config::compiledir() const { return cpu::default_compiledir(); }
void Config::set_compiledir(const std::string& v) { cpu::set_default_compiledir(v); }

std::string Config::cxx() const { return cpu::default_cxx(); }
void Config::set_cxx(const std::string& v) { cpu::set_default_cxx(v); }

DType Config::floatX() const { return hypatia::floatX(); }
void Config::set_floatX(DType t) {
  if (t != DType::float32 && t != DType::float64) {
    throw ValueError("invalid value '" + std::string(dtype_name(t)) +
                     "' for config flag floatX; expected one of: float64, float32");
  }
  hypatia::set_floatX(t);
}

bool Config::cuda_device_present() {
  std::error_code ec;
  if (std::filesystem::exists("/dev/nvidia0", ec)) return true;
  const std::filesystem::path gpus = "/proc/driver/nvidia/gpus";
  return std::filesystem::is_directory(gpus, ec) && !std::filesystem::is_empty(gpus, ec);
}

std::string Config::device() const { return read(g_device); }
void Config::set_device(const std::string& v) {
  if (v != "cpu") {
    if (!is_gpu_name(v)) {
      throw ValueError("invalid value '" + v +
                       "' for config flag device; expected one of: cpu, cuda, cudaN, gpu, gpuN");
    }
    if (!cuda_device_present()) {
      throw ValueError("invalid value '" + v + "' for config flag device: this machine has no CUDA device "
                       "(no /dev/nvidia0); expected: cpu");
    }
  }
  write(g_device, v);
}

bool Config::profile() const { return g_profile.load(); }
void Config::set_profile(bool v) { g_profile.store(v); }

int Config::traceback_limit() const { return g_traceback_limit.load(); }
void Config::set_traceback_limit(int v) {
  if (v < -1) {
    throw ValueError("invalid value '" + std::to_string(v) +
                     "' for config flag traceback.limit; expected an integer >= -1 (-1: all frames, 0: none)");
  }
  g_traceback_limit.store(v);
}

const std::vector<Config::Flag>& Config::flags() {
  static const auto* table = new std::vector<Flag>{
      {"mode", kModes, "str",
       "Default mode of function(). FAST_RUN rewrites the graph in three phases (canonicalize, stabilize, "
       "specialize) and runs it on the cpu backend; FAST_COMPILE runs only stabilize, so that the numbers do not "
       "depend on the mode, on the interp backend. DebugMode checks every node and rewrite; NanGuardMode stops at "
       "the first NaN, inf or huge value."},
      {"optimizer", kOptimizers, "str",
       "The rewrites of the modes other than FAST_COMPILE (Theano's optimizer flag): fast_run (every phase), "
       "fast_compile (stabilize only), None (no rewriting: the graph runs as built; for testing)."},
      {"optimizer_excluding", {}, "str",
       "Rewrite rules or phases left out, by name, separated by colons (Theano's syntax: "
       "'log1p_from_log_one_plus:specialize'); empty: none."},
      {"optimizer_including", {}, "str",
       "Rewrite rules or phases switched on even where the mode leaves them out, separated by colons "
       "(FAST_COMPILE with 'canonicalize' runs that phase too); optimizer_excluding wins over it."},
      {"exception_verbosity", {"low", "high"}, "str",
       "How much a runtime error says: low (the op, its inputs' shapes and dtypes, the user's line) or high "
       "(also the failing node's subgraph)."},
      {"compiledir", {}, "str",
       "The cpu backend's module cache directory, private to the user (mode 0700); by default "
       "$XDG_CACHE_HOME/hypatia or ~/.cache/hypatia."},
      {"cxx", {}, "str", "The C++ compiler the cpu backend runs (a name on PATH or a path): g++ by default."},
      {"floatX", {"float64", "float32"}, "str",
       "Default float dtype: of dtype-less constructors (matrix('x')), of zeros and friends, and of float "
       "literals."},
      {"device", {"cpu", "cuda", "cudaN", "gpu", "gpuN"}, "str",
       "Where functions run. Only cpu runs: a GPU name is accepted when a CUDA device is present, so that "
       "Theano scripts setting it run (on the CPU), and refused otherwise."},
      {"profile", {"True", "False"}, "bool",
       "Whether functions gather a profile (time and calls per node) by default."},
      {"traceback.limit", {}, "int",
       "How many frames of the user's code a node made from Python records (Theano's traceback.limit): 0 none "
       "(faster graph building, no line in messages); any other value (-1: all) the innermost frame outside "
       "the hypatia package, which is all a node keeps."},
  };
  return *table;
}

std::string Config::get(const std::string& name) const {
  if (name == "mode") return mode();
  if (name == "optimizer") return optimizer();
  if (name == "optimizer_excluding") return optimizer_excluding();
  if (name == "optimizer_including") return optimizer_including();
  if (name == "exception_verbosity") return exception_verbosity();
  if (name == "compiledir") return compiledir();
  if (name == "cxx") return cxx();
  if (name == "floatX") return std::string(dtype_name(floatX()));
  if (name == "device") return device();
  if (name == "profile") return profile() ? "True" : "False";
  if (name == "traceback.limit") return std::to_string(traceback_limit());
  std::vector<std::string> names;
  for (const Flag& f : flags()) names.push_back(f.name);
  throw ValueError("no config flag '" + name + "'; the flags are: " + joined(names));
}

void Config::set(const std::string& name, const std::string& value) {
  if (name == "mode") return set_mode(value);
  if (name == "optimizer") return set_optimizer(value);
  if (name == "optimizer_excluding") return set_optimizer_excluding(value);
  if (name == "optimizer_including") return set_optimizer_including(value);
  if (name == "exception_verbosity") return set_exception_verbosity(value);
  if (name == "compiledir") return set_compiledir(value);
  if (name == "cxx") return set_cxx(value);
  if (name == "floatX") {
    check_choice("floatX", value, {"float64", "float32"});
    return set_floatX(dtype_from_name(value));
  }
  if (name == "device") return set_device(value);
  if (name == "profile") {
    if (value == "True" || value == "true" || value == "1") return set_profile(true);
    if (value == "False" || value == "false" || value == "0") return set_profile(false);
    throw ValueError("invalid value '" + value + "' for config flag profile; expected one of: True, False");
  }
  if (name == "traceback.limit") {
    int v = 0;
    const char* end = value.data() + value.size();
    const auto [p, ec] = std::from_chars(value.data(), end, v);
    if (value.empty() || ec != std::errc() || p != end) {
      throw ValueError("invalid value '" + value + "' for config flag traceback.limit; expected an integer >= -1");
    }
    return set_traceback_limit(v);
  }
  (void)get(name);  // the unknown-flag error
}

Config& config() {
  static Config c;
  return c;
}

}  // namespace hypatia
