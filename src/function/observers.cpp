// Which step observer (backend/step_observer.hpp) a function runs with. Each
// diagnostic mode adds its case here, in a file of its own for the observer itself.
#include "function/debug_mode.hpp"
#include "function/program.hpp"

namespace hypatia::detail {

std::shared_ptr<StepObserver> make_step_observer(const Program& program) {
  if (program.mode.name == "DebugMode") return make_debug_observer(program);
  return nullptr;
}

}  // namespace hypatia::detail
