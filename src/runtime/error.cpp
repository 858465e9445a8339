#include "hypatia/error.hpp"

namespace hypatia {

void throw_user_error(ErrorKind kind, const std::string& message) {
  switch (kind) {
    case ErrorKind::type: throw TypeError(message);
    case ErrorKind::shape: throw ShapeError(message);
    case ErrorKind::value: throw ValueError(message);
    case ErrorKind::index: throw IndexError(message);
    case ErrorKind::missing_input: throw MissingInputError(message);
  }
  throw InternalError("throw_user_error: bad kind");
}

std::string format_location(const SourceLocation& where) {
  std::string file = where.file_name();
  if (file.empty()) return "<unknown>";
  return file + ":" + std::to_string(where.line());
}

std::string describe_location(const SourceLocation& where) {
  std::string s = format_location(where);
  const GradientOrigin* g = where.gradient_of();
  if (g == nullptr) return s;
  s += std::string(" (in the ") + (g->tangent ? "tangent" : "gradient") + " of " + g->op;
  // The rules build at the forward node's line; say it only when it differs.
  if (g->forward.line() != where.line() || std::string(g->forward.file_name()) != where.file_name() ||
      g->forward.gradient_of() != nullptr) {
    s += " at " + describe_location(g->forward);
  }
  s += std::string("; ") + (g->tangent ? "Rop" : "grad") + " called at " + format_location(g->call) + ")";
  return s;
}

}  // namespace hypatia
