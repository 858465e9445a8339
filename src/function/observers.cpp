// Which step observer (backend/step_observer.hpp) a function runs with. Each
// diagnostic mode adds its case here, in a file of its own for the observer itself.
#include "function/nan_guard.hpp"
#include "function/program.hpp"

namespace hypatia::detail {

std::shared_ptr<StepObserver> make_step_observer(const Program& program) {
  if (program.mode.nan_guard_checks || program.mode.name == "NanGuardMode") return make_nan_guard(program);
  return nullptr;
}

}  // namespace hypatia::detail
