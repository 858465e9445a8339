#include "hypatia/source_location.hpp"

#include <mutex>
#include <unordered_set>

namespace hypatia {

SourceLocation SourceLocation::make(const std::string& file, unsigned line, const std::string& function) {
  // Locations hold plain pointers, so runtime strings live in a set that is never
  // shrunk: there are as many entries as distinct files and functions, not calls.
  static std::mutex mutex;
  static auto* strings = new std::unordered_set<std::string>();
  std::lock_guard lock(mutex);
  const char* f = strings->insert(file).first->c_str();
  const char* fn = strings->insert(function).first->c_str();
  return SourceLocation(f, line, fn);
}

}  // namespace hypatia
