#include <sstream>

#include "hypatia/graph.hpp"

namespace hypatia {

std::vector<bool> Type::broadcastable() const {
  std::vector<bool> b;
  for (std::int64_t d : shape) b.push_back(d == 1);
  return b;
}

bool Type::matches(const Array& a) const {
  if (a.dtype() != dtype || a.ndim() != ndim()) return false;
  for (int i = 0; i < ndim(); ++i) {
    const auto iu = static_cast<std::size_t>(i);
    if (shape[iu] != kUnknownDim && shape[iu] != a.shape()[iu]) return false;
  }
  return true;
}

std::string Type::str() const {
  std::string s = std::string(dtype_name(dtype)) + " (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] == kUnknownDim ? "?" : std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace hypatia
