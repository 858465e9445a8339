#include "hypatia/source_location.hpp"

#include <map>
#include <mutex>
#include <tuple>
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

const GradientOrigin* GradientOrigin::make(const std::string& op, SourceLocation forward, SourceLocation call,
                                           bool tangent) {
  // One record per distinct (op, forward line, call line): a grad over a graph of 10^5
  // nodes made from a few user lines makes a few records, kept for the process.
  using Key = std::tuple<std::string, const char*, unsigned, const GradientOrigin*, const char*, unsigned, bool>;
  static std::mutex mutex;
  static auto* records = new std::map<Key, GradientOrigin>();
  std::lock_guard lock(mutex);
  const Key key{op, forward.file_name(), forward.line(), forward.gradient_of(), call.file_name(), call.line(), tangent};
  auto it = records->find(key);
  if (it == records->end()) {
    it = records->emplace(key, GradientOrigin{nullptr, forward, call, tangent}).first;
    it->second.op = std::get<0>(it->first).c_str();
  }
  return &it->second;
}

}  // namespace hypatia
