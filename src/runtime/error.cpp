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

}  // namespace hypatia
