// The profiler behind Function::profile() (hypatia/profile.hpp): a step observer that
// times every step, plus the clocks function() and Function's call read. Internal to
// src/function.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/step_observer.hpp"
#include "hypatia/profile.hpp"
#include "hypatia/rewrite.hpp"

namespace hypatia::detail {

struct Program;

class Profiler final : public StepObserver {
 public:
  using Clock = std::chrono::steady_clock;

  Profiler(std::string name, SourceLocation where);

  void before(const StepView& step, const std::vector<Array>& inputs) override;
  void after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) override;

  // Compile time, while function() runs (one thread): what the rewriter measures, and
  // the seconds since the previous lap (or since the profiler was made).
  RewriteTiming& rewrite_timing() { return rewrites_; }
  double lap();
  // Fills in the compile figures once the program is complete.
  void finish_compile(const Program& program, double rewrite_seconds, double backend_seconds, double plan_seconds);

  void record_call(double seconds);
  ProfileStats stats() const;

  // Each thread's steps in progress (nested when a step runs another function).
  struct Running {
    const Profiler* profiler;
    int index;
    Clock::time_point start;
  };
  static std::vector<Running>& running();

 private:
  struct OutputRecord {
    std::string type;
    std::int64_t bytes = 0;
    bool view = false;
    int base = -1;  // the input it is a view of
  };
  struct StepRecord {
    bool seen = false;
    ProfileStats::Step step;
    std::vector<Variable> inputs, outputs;  // for the peak estimate
    std::vector<OutputRecord> out;
    std::int64_t nanoseconds = 0;
  };
  std::int64_t peak_bytes(const std::vector<const StepRecord*>& order) const;

  const Clock::time_point made_ = Clock::now();
  Clock::time_point last_lap_ = made_;
  RewriteTiming rewrites_;
  CompileStats compile_;
  std::vector<Variable> function_outputs_;

  mutable std::mutex mutex_;
  std::vector<StepRecord> steps_;  // by step index
  std::int64_t calls_ = 0;
  std::int64_t call_nanoseconds_ = 0;
  std::string name_, where_;
};

// The seconds since the previous lap, or 0 without a profiler (profiling off).
inline double profile_lap(Profiler* p) { return p == nullptr ? 0.0 : p->lap(); }

// Times one call of a function (nothing without a profiler). Steps a failed call left
// open on this thread's stack are dropped when it ends.
class CallTimer {
 public:
  explicit CallTimer(Profiler* p) : profiler_(p) {
    if (p == nullptr) return;
    depth_ = Profiler::running().size();
    start_ = Profiler::Clock::now();
  }
  ~CallTimer() {
    if (profiler_ == nullptr) return;
    Profiler::running().resize(depth_, Profiler::Running{nullptr, 0, {}});
    profiler_->record_call(std::chrono::duration<double>(Profiler::Clock::now() - start_).count());
  }
  CallTimer(const CallTimer&) = delete;
  CallTimer& operator=(const CallTimer&) = delete;

 private:
  Profiler* profiler_;
  std::size_t depth_ = 0;
  Profiler::Clock::time_point start_;
};

}  // namespace hypatia::detail
