// Walking, cloning and printing graphs. Walks are iterative, so deep graphs (long
// chains of 10^5 nodes) do not overflow the stack.
#include <ostream>
#include <sstream>
#include <unordered_map>

#include "graph/node_map.hpp"
#include "graph/op.hpp"
#include "hypatia/graph.hpp"

namespace hypatia {

std::vector<std::shared_ptr<const Node>> topological_order(const std::vector<Variable>& outputs) {
  std::vector<std::shared_ptr<const Node>> order;
  // Nodes on the DFS stack or done (a node met again while on the stack would be a
  // cycle, which immutable nodes cannot make). A flat map and raw pointers into the
  // nodes' own input lists: nothing is allocated or reference-counted per node but the
  // result.
  detail::NodeMap<bool> seen(64);
  struct Frame {
    const std::shared_ptr<const Node>* node;
    std::size_t next;
  };
  std::vector<Frame> stack;
  for (const Variable& out : outputs) {
    if (!out.valid()) throw TypeError("an empty Variable (default-constructed) was given as an output");
    if (!seen.insert(&out.node(), true).second) continue;
    stack.push_back(Frame{&out.node_ptr(), 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      const std::vector<Variable>& inputs = (*f.node)->inputs();
      if (f.next < inputs.size()) {
        const auto& child = inputs[f.next++].node_ptr();
        if (seen.insert(child.get(), true).second) stack.push_back(Frame{&child, 0});
      } else {
        order.push_back(*f.node);
        stack.pop_back();
      }
    }
  }
  return order;
}

std::vector<Variable> clone_replace(const std::vector<Variable>& outputs,
                                    const std::vector<std::pair<Variable, Variable>>& replace) {
  std::unordered_map<Variable, Variable, VariableHash> map;
  for (const auto& [from, to] : replace) {
    if (from.type().dtype != to.type().dtype || from.ndim() != to.ndim()) {
      throw TypeError("clone_replace: cannot replace a " + from.type().str() + " by a " + to.type().str());
    }
    map.emplace(from, to);
  }
  for (const auto& node : topological_order(outputs)) {
    bool all_replaced = true;  // then nothing of this node is needed
    for (int i = 0; i < node->num_outputs(); ++i) all_replaced = all_replaced && map.count(node->output(i));
    if (all_replaced) continue;
    bool changed = false;
    std::vector<Variable> inputs;
    for (const Variable& in : node->inputs()) {
      auto it = map.find(in);
      inputs.push_back(it == map.end() ? in : it->second);
      changed = changed || it != map.end();
    }
    if (!changed) continue;
    std::vector<Variable> rebuilt = apply(node->op().name, std::move(inputs), node->attrs(), node->where());
    for (int i = 0; i < node->num_outputs(); ++i) map.emplace(node->output(i), rebuilt[static_cast<std::size_t>(i)]);
  }
  std::vector<Variable> result;
  for (const Variable& out : outputs) {
    auto it = map.find(out);
    result.push_back(it == map.end() ? out : it->second);
  }
  return result;
}

namespace {

std::string short_location(const SourceLocation& where) {
  std::string file = where.file_name();
  const auto slash = file.find_last_of('/');
  if (slash != std::string::npos) file = file.substr(slash + 1);
  return file + ":" + std::to_string(where.line());
}

}  // namespace

std::string graph_text(const std::vector<Variable>& outputs) {
  std::ostringstream os;
  std::unordered_map<const Node*, int> number;
  for (const auto& node : topological_order(outputs)) {
    const int n = static_cast<int>(number.size()) + 1;
    number[node.get()] = n;
    os << "%" << n;
    for (int i = 1; i < node->num_outputs(); ++i) os << ", %" << n << "." << i;
    os << " = ";
    if (node->op().name == "input") {
      os << "input '" << node->attrs().get<std::string>("name") << "'";
    } else if (node->op().name == "constant") {
      os << "constant " << node->attrs().get<Array>("value");
    } else {
      os << node->op().name;
      if (!node->attrs().items().empty()) os << "[" << node->attrs().str() << "]";
      os << "(";
      for (std::size_t i = 0; i < node->inputs().size(); ++i) {
        const Variable& in = node->inputs()[i];
        os << (i ? ", %" : "%") << number.at(&in.node());
        if (in.node().num_outputs() > 1) os << "." << in.index();
      }
      os << ")";
    }
    os << " : ";
    for (int i = 0; i < node->num_outputs(); ++i) os << (i ? ", " : "") << node->output_types()[static_cast<std::size_t>(i)].str();
    os << "   # " << short_location(node->where()) << "\n";
  }
  os << "outputs:";
  for (const Variable& out : outputs) {
    os << " %" << number.at(&out.node());
    if (out.node().num_outputs() > 1) os << "." << out.index();
  }
  os << "\n";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Variable& v) {
  if (!v.valid()) return os << "<empty Variable>";
  if (v.is_input()) return os << v.name() << " : " << v.type().str();
  if (v.is_constant()) return os << "constant " << v.constant_value();
  return os << v.node().op().name << "(...) : " << v.type().str();
}

}  // namespace hypatia
