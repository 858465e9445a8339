#include "lower/fuse.hpp"

#include <algorithm>
#include <unordered_map>

#include "graph/op.hpp"
#include "lower/to_kernel_ir.hpp"

namespace hypatia::lower {
namespace {

class Fuser {
 public:
  Fuser(const Schedule& order, const std::vector<Variable>& outputs) : order_(order), pos_(order) {
    group_of_.assign(order.size(), -1);
    consumers_.resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      for (const Variable& in : order[i]->inputs()) consumers_[static_cast<std::size_t>(pos_.at(&in.node()))].push_back(static_cast<int>(i));
    }
    is_output_.assign(order.size(), false);
    for (const Variable& v : outputs) is_output_[static_cast<std::size_t>(pos_.at(&v.node()))] = true;
  }

  std::vector<Group> run() {
    for (std::size_t i = 0; i < order_.size(); ++i) {
      const Node& n = *order_[i];
      if (lowers_to_scalar(n)) {
        add_elementwise(static_cast<int>(i));
      } else if (lowers_to_reduction(n)) {
        add_reduction(static_cast<int>(i));
      }
    }
    break_cycles();
    std::vector<Group> groups;
    for (auto& m : members_) {
      if (m.empty()) continue;
      std::sort(m.begin(), m.end());
      Group g;
      for (int i : m) g.nodes.push_back(order_[static_cast<std::size_t>(i)].get());
      if (lowers_to_reduction(*g.nodes.back())) g.reduction = g.nodes.back();
      groups.push_back(std::move(g));
    }
    return groups;
  }

 private:
  const Schedule& order_;
  Positions pos_;
  std::vector<int> group_of_;                 // node -> group, -1: none
  std::vector<std::vector<int>> members_;     // group -> nodes
  std::vector<bool> closed_;                  // group ends in a reduction
  std::vector<std::vector<int>> consumers_;   // node -> nodes reading it
  std::vector<bool> is_output_;

  int pos(const Variable& v) const { return pos_.at(&v.node()); }
  const Shape& shape_of(int i) const { return order_[static_cast<std::size_t>(i)]->output_types()[0].shape; }

  // Whether the node set `s` (sorted) has no path that leaves it and comes back:
  // a backward walk from its outside inputs must not reach it. Nodes before its first
  // member cannot reach it, which bounds the walk.
  bool convex(const std::vector<int>& s) const {
    const int first = s.front();
    std::vector<int> stack;
    std::vector<bool> seen(order_.size(), false);
    auto inside = [&](int i) { return std::binary_search(s.begin(), s.end(), i); };
    for (int m : s) {
      for (const Variable& in : order_[static_cast<std::size_t>(m)]->inputs()) {
        const int p = pos(in);
        if (!inside(p) && p > first && !seen[static_cast<std::size_t>(p)]) {
          seen[static_cast<std::size_t>(p)] = true;
          stack.push_back(p);
        }
      }
    }
    while (!stack.empty()) {
      const int u = stack.back();
      stack.pop_back();
      for (const Variable& in : order_[static_cast<std::size_t>(u)]->inputs()) {
        const int p = pos(in);
        if (p < first || seen[static_cast<std::size_t>(p)]) continue;
        if (inside(p)) return false;
        seen[static_cast<std::size_t>(p)] = true;
        stack.push_back(p);
      }
    }
    return true;
  }

  // Each group is convex, yet two groups can still need each other: G reads a value
  // of H while H reads another value of G, through members that do not depend on one
  // another (seen in second-order gradient graphs). Such groups are split into single
  // nodes, the biggest first, until groups and the nodes outside them form a DAG
  // again; all-singleton groups are the graph itself, so this ends.
  void break_cycles() {
    for (;;) {
      int worst = -1;
      for (int g : groups_without_order()) {
        if (members_[static_cast<std::size_t>(g)].size() < 2) continue;
        if (worst < 0 || members_[static_cast<std::size_t>(g)].size() > members_[static_cast<std::size_t>(worst)].size()) {
          worst = g;
        }
      }
      if (worst < 0) return;
      std::vector<int> nodes = std::move(members_[static_cast<std::size_t>(worst)]);
      members_[static_cast<std::size_t>(worst)] = {nodes.front()};
      closed_[static_cast<std::size_t>(worst)] = lowers_to_reduction(*order_[static_cast<std::size_t>(nodes.front())]);
      for (std::size_t k = 1; k < nodes.size(); ++k) {
        const int g = new_group({nodes[k]});
        closed_[static_cast<std::size_t>(g)] = lowers_to_reduction(*order_[static_cast<std::size_t>(nodes[k])]);
      }
    }
  }

  // The groups that a topological sort of groups (and ungrouped nodes, each a unit
  // of its own) cannot place: those on a cycle and those after one.
  std::vector<int> groups_without_order() const {
    const int groups = static_cast<int>(members_.size());
    const auto unit = [&](int node) {
      const int g = group_of_[static_cast<std::size_t>(node)];
      return g >= 0 ? g : groups + node;
    };
    const std::size_t units = members_.size() + order_.size();
    std::vector<std::vector<int>> users(units);
    std::vector<int> pending(units, 0);
    for (std::size_t i = 0; i < order_.size(); ++i) {
      const int u = unit(static_cast<int>(i));
      for (const Variable& in : order_[i]->inputs()) {
        const int d = unit(pos(in));
        if (d == u) continue;
        auto& us = users[static_cast<std::size_t>(d)];
        if (std::find(us.begin(), us.end(), u) != us.end()) continue;
        us.push_back(u);
        ++pending[static_cast<std::size_t>(u)];
      }
    }
    std::vector<int> ready;
    for (std::size_t u = 0; u < units; ++u) {
      if (pending[u] == 0) ready.push_back(static_cast<int>(u));
    }
    while (!ready.empty()) {
      const int u = ready.back();
      ready.pop_back();
      for (int v : users[static_cast<std::size_t>(u)]) {
        if (--pending[static_cast<std::size_t>(v)] == 0) ready.push_back(v);
      }
    }
    std::vector<int> stuck;
    for (int g = 0; g < groups; ++g) {
      if (pending[static_cast<std::size_t>(g)] > 0) stuck.push_back(g);
    }
    return stuck;
  }

  static std::vector<int> merged(const std::vector<int>& a, const std::vector<int>& b) {
    std::vector<int> r;
    std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(r));
    return r;
  }

  int new_group(std::vector<int> nodes) {
    const int g = static_cast<int>(members_.size());
    for (int i : nodes) group_of_[static_cast<std::size_t>(i)] = g;
    members_.push_back(std::move(nodes));
    closed_.push_back(false);
    return g;
  }

  // Joins node i with every group of its elementwise producers of the same shape
  // that keeps the union convex (greedily, producers in input order).
  void add_elementwise(int i) {
    std::vector<int> set = {i};
    std::vector<int> joined;
    for (const Variable& in : order_[static_cast<std::size_t>(i)]->inputs()) {
      const int g = group_of_[static_cast<std::size_t>(pos(in))];
      if (g < 0 || closed_[static_cast<std::size_t>(g)] || std::count(joined.begin(), joined.end(), g)) continue;
      if (shape_of(members_[static_cast<std::size_t>(g)].front()) != shape_of(i)) continue;
      std::vector<int> candidate = merged(set, members_[static_cast<std::size_t>(g)]);
      if (!convex(candidate)) continue;
      set = std::move(candidate);
      joined.push_back(g);
    }
    for (int g : joined) members_[static_cast<std::size_t>(g)].clear();
    new_group(std::move(set));
  }

  // A reduction takes in the group that produces its input when nothing else reads
  // that group's values; otherwise it is a kernel of its own (load, reduce).
  void add_reduction(int i) {
    const int p = pos(order_[static_cast<std::size_t>(i)]->inputs()[0]);
    const int g = group_of_[static_cast<std::size_t>(p)];
    bool take = g >= 0 && !closed_[static_cast<std::size_t>(g)];
    if (take) {
      for (int m : members_[static_cast<std::size_t>(g)]) {
        if (is_output_[static_cast<std::size_t>(m)]) take = false;
        for (int c : consumers_[static_cast<std::size_t>(m)]) {
          if (c != i && group_of_[static_cast<std::size_t>(c)] != g) take = false;
        }
      }
    }
    if (take) {
      members_[static_cast<std::size_t>(g)].push_back(i);
      group_of_[static_cast<std::size_t>(i)] = g;
      closed_[static_cast<std::size_t>(g)] = true;
    } else {
      closed_[static_cast<std::size_t>(new_group({i}))] = true;
    }
  }
};

}  // namespace

std::vector<Group> fuse(const Schedule& order, const std::vector<Variable>& outputs) {
  return Fuser(order, outputs).run();
}

}  // namespace hypatia::lower
