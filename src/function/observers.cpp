// Which step observers (backend/step_observer.hpp) a function runs with: the
// profiler (profile.hpp), NanGuardMode (nan_guard.hpp), DebugMode (debug_mode.hpp).
// A profiled function in a checking mode runs both: the checks see each step first
// and the profiler times only the step itself.
#include "function/debug_mode.hpp"
#include "function/nan_guard.hpp"
#include "function/profile.hpp"
#include "function/program.hpp"

namespace hypatia::detail {

namespace {

// Several observers as one: before() in order, after() in reverse, so the last one
// listed is the innermost (the profiler, whose clock should not count the checks).
class Observers final : public StepObserver {
 public:
  explicit Observers(std::vector<std::shared_ptr<StepObserver>> all) : all_(std::move(all)) {}
  void before(const StepView& step, const std::vector<Array>& inputs) override {
    for (const auto& o : all_) o->before(step, inputs);
  }
  void after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) override {
    for (auto it = all_.rbegin(); it != all_.rend(); ++it) (*it)->after(step, inputs, outputs);
  }

 private:
  std::vector<std::shared_ptr<StepObserver>> all_;
};

}  // namespace

std::shared_ptr<StepObserver> make_step_observer(const Program& program) {
  std::vector<std::shared_ptr<StepObserver>> all;
  if (program.mode.name == "DebugMode") all.push_back(make_debug_observer(program));
  if (program.mode.nan_guard_checks || program.mode.name == "NanGuardMode") all.push_back(make_nan_guard(program));
  if (program.profiler) all.push_back(program.profiler);
  if (all.empty()) return nullptr;
  if (all.size() == 1) return all.front();
  return std::make_shared<Observers>(std::move(all));
}

}  // namespace hypatia::detail
