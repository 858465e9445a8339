// Errors. Two kinds, as in Halide: the caller's fault (UserError and its subclasses,
// each message naming the culprit and, where one exists, the user's source line) and
// our own bug (InternalError, which says so).
#pragma once

#include "hypatia/source_location.hpp"
#include <stdexcept>
#include <string>
#include <utility>

namespace hypatia {

enum class ErrorKind { type, shape, value, index, missing_input };

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class UserError : public Error {
 public:
  UserError(ErrorKind kind, const std::string& message) : Error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// A wrong dtype, or an argument of the wrong kind.
class TypeError : public UserError {
 public:
  explicit TypeError(const std::string& m) : UserError(ErrorKind::type, m) {}
};
// Shapes that do not agree: broadcasting, ranks, static shapes.
class ShapeError : public UserError {
 public:
  explicit ShapeError(const std::string& m) : UserError(ErrorKind::shape, m) {}
};
// A value outside what an operation accepts (a negative integer power, an empty max).
class ValueError : public UserError {
 public:
  explicit ValueError(const std::string& m) : UserError(ErrorKind::value, m) {}
};
// NanGuardMode stopped a call at the first node that made a NaN, an inf or a value
// above 1e10 in magnitude (Mode::nan_guard in hypatia/function.hpp); the message names
// the node, the user's line, whether it is in a gradient, and where the value started.
class NanGuardError : public ValueError {
 public:
  using ValueError::ValueError;
};
// An index or axis out of bounds.
class IndexError : public UserError {
 public:
  explicit IndexError(const std::string& m) : UserError(ErrorKind::index, m) {}
};
// A function's outputs depend on an input that was not given to it.
class MissingInputError : public UserError {
 public:
  explicit MissingInputError(const std::string& m) : UserError(ErrorKind::missing_input, m) {}
};

// The system C++ compiler failed on generated code, or could not be run at all. The
// message carries the first lines of its diagnostics and where the source was kept;
// callers may fall back to the interpreter.
class CompileError : public Error {
 public:
  CompileError(const std::string& message, std::string diagnostics = {}, std::string source_path = {})
      : Error(message), diagnostics_(std::move(diagnostics)), source_path_(std::move(source_path)) {}
  const std::string& diagnostics() const { return diagnostics_; }
  const std::string& source_path() const { return source_path_; }

 private:
  std::string diagnostics_;
  std::string source_path_;
};

// DebugMode (function.hpp, Mode::debug) found a step or a rewrite that is wrong: our
// bug or a user op's or rule's. Each message names the node (op, the user's line) or the
// rule, and what differs. Theano's names.
class DebugModeError : public Error {
 public:
  using Error::Error;
};
// A step's result disagrees with the interpreter's (the reference kernels), or with the
// same step run again on non-contiguous copies of its inputs.
class BadThunkOutput : public DebugModeError {
 public:
  using DebugModeError::DebugModeError;
};
// A step changed an input that its op does not declare it overwrites (Aliasing::destroys).
class BadDestroyMap : public DebugModeError {
 public:
  using DebugModeError::DebugModeError;
};
// A step's output shares memory with an input without a declared view (Aliasing::views).
class BadViewMap : public DebugModeError {
 public:
  using DebugModeError::DebugModeError;
};
// A rewrite rule's replacement computes other values than the variable it replaced.
class BadOptimization : public DebugModeError {
 public:
  using DebugModeError::DebugModeError;
};
// A step made a NaN or an infinity from finite inputs (Mode::check_isfinite).
class InvalidValueError : public DebugModeError {
 public:
  using DebugModeError::DebugModeError;
};

class InternalError : public Error {
 public:
  explicit InternalError(const std::string& m)
      : Error("hypatia internal error (a bug in Hypatia, please report it): " + m) {}
};

// Throws the UserError subclass for `kind` with `message`.
[[noreturn]] void throw_user_error(ErrorKind kind, const std::string& message);

// "file.cpp:12" for messages.
std::string format_location(const SourceLocation& where);
// The same, plus what a gradient node differentiates: "model.py:12 (in the gradient
// of sqrt; grad called at train.py:40)".
std::string describe_location(const SourceLocation& where);

}  // namespace hypatia
