#include "graph/error_context.hpp"

#include <sstream>

#include "graph/op.hpp"
#include "hypatia/config.hpp"

namespace hypatia::detail {

bool exception_verbosity_high() { return config().exception_verbosity() == "high"; }

namespace {

void print(std::ostringstream& os, const Node& node, int depth, int levels) {
  os << std::string(static_cast<std::size_t>(4 + 2 * depth), ' ') << '%' << node.id() << " = ";
  if (node.op().name == "input") {
    os << "input '" << node.attrs().get<std::string>("name") << "'";
  } else if (node.op().name == "constant") {
    const Array& value = node.attrs().get<Array>("value");
    if (value.size() <= 8) {
      os << "constant " << value.str();
    } else {
      os << "constant";
    }
  } else {
    os << node.op().name << '(';
    for (std::size_t i = 0; i < node.inputs().size(); ++i) {
      const Variable& in = node.inputs()[i];
      os << (i ? ", %" : "%") << in.node().id();
      if (in.node().num_outputs() > 1) os << '.' << in.index();
    }
    os << ')';
    if (!node.attrs().items().empty()) os << " {" << node.attrs().str() << '}';
  }
  os << " : ";
  for (int k = 0; k < node.num_outputs(); ++k) os << (k ? ", " : "") << node.output_types()[static_cast<std::size_t>(k)].str();
  os << "   # " << describe_location(node.where()) << '\n';
  if (depth >= levels) return;
  for (const Variable& in : node.inputs()) print(os, in.node(), depth + 1, levels);
}

}  // namespace

std::string error_subgraph(const Node& node, int levels) {
  std::ostringstream os;
  os << "  the failing node and its inputs, " << levels << " levels up (exception_verbosity=high):\n";
  print(os, node, 0, levels);
  std::string s = os.str();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace hypatia::detail
