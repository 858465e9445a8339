// NanGuardMode's step observer (nan_guard.cpp): Mode::nan_guard in hypatia/function.hpp.
#pragma once

#include "function/program.hpp"

namespace hypatia::detail {

std::shared_ptr<StepObserver> make_nan_guard(const Program& program);

}  // namespace hypatia::detail
