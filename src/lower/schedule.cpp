#include "lower/schedule.hpp"

#include <algorithm>

namespace hypatia::lower {

Schedule schedule(const std::vector<Variable>& outputs) { return topological_order(outputs); }

Positions::Positions(const Schedule& order) {
  sorted_.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted_.emplace_back(order[i].get(), static_cast<int>(i));
  std::sort(sorted_.begin(), sorted_.end());
}

int Positions::at(const Node* n) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::make_pair(n, -1));
  return it != sorted_.end() && it->first == n ? it->second : -1;
}

}  // namespace hypatia::lower
