// DebugMode's checks (debug_mode.cpp; Mode::debug in hypatia/function.hpp).
#pragma once

#include <memory>
#include <vector>

#include "function/program.hpp"

namespace hypatia::detail {

// The observer that checks every step against the reference kernels.
std::shared_ptr<StepObserver> make_debug_observer(const Program& program);
// After a call: both sides of every rewrite, from the call's arguments (the compiled
// graph's inputs, shared values included); BadOptimization on a difference. Nothing
// unless the program's observer is DebugMode's.
void check_rewrites(const Program& program, const std::vector<Array>& args);

}  // namespace hypatia::detail
