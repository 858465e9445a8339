// Where in the user's code something was made.
//
// SourceLocation would do, but clang 14 cannot use libstdc++ 12's, and the
// Python front end must make locations at run time from a Python frame. This type is
// built on the __builtin_FILE/LINE/FUNCTION intrinsics that g++ and clang share: as a
// defaulted argument, `SourceLocation::current()` is the caller's location.
#pragma once

#include <string>

namespace hypatia {

struct GradientOrigin;

class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                                          const char* function = __builtin_FUNCTION()) noexcept {
    return SourceLocation(file, line, function);
  }
  // A location known only at run time (a Python frame). The strings are interned
  // for the life of the process.
  static SourceLocation make(const std::string& file, unsigned line, const std::string& function);

  constexpr SourceLocation() noexcept = default;
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr const char* function_name() const noexcept { return function_; }
  // What a node built by a gradient rule differentiates (grad, Rop, jacobian set it,
  // src/graph/gradient_scope.hpp); nullptr for the user's own expressions. It rides
  // along wherever a location is copied, so rewrites keep it.
  constexpr const GradientOrigin* gradient_of() const noexcept { return gradient_; }
  constexpr SourceLocation in_gradient(const GradientOrigin* origin) const noexcept {
    SourceLocation s = *this;
    s.gradient_ = origin;
    return s;
  }

 private:
  constexpr SourceLocation(const char* file, unsigned line, const char* function) noexcept
      : file_(file), line_(line), function_(function) {}
  const char* file_ = "";
  unsigned line_ = 0;
  const char* function_ = "";
  const GradientOrigin* gradient_ = nullptr;
};

// The forward node a gradient node differentiates. Interned for the life of the
// process (one per distinct op, forward line and call line, not per node).
struct GradientOrigin {
  const char* op = "";      // the forward node's op, "sqrt"
  SourceLocation forward;   // its line (itself in a gradient for a second derivative)
  SourceLocation call;      // where grad (or Rop, jacobian) was called
  bool tangent = false;     // forward mode (Rop): "in the tangent of"
  static const GradientOrigin* make(const std::string& op, SourceLocation forward, SourceLocation call,
                                    bool tangent);
};

}  // namespace hypatia
