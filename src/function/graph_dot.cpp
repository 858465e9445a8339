// graph_dot: DOT text for Graphviz (hypatia/printing.hpp). Deterministic: nodes are
// numbered in topological order, so the same graph gives the same text.
#include <unordered_map>

#include "function/printing_util.hpp"
#include "graph/op.hpp"
#include "hypatia/printing.hpp"

namespace hypatia {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// One look per kind of box, so that a reader tells them apart at once.
const char* kInputStyle = "shape=box, style=filled, fillcolor=limegreen";
const char* kSharedStyle = "shape=box, style=filled, fillcolor=cyan";
const char* kConstantStyle = "shape=box, style=filled, fillcolor=greenyellow";
const char* kOutputStyle = "shape=box, style=filled, fillcolor=dodgerblue";
const char* kUpdateStyle = "shape=box, style=\"filled,dashed\", fillcolor=lightskyblue";

std::string dot(const std::vector<Variable>& outputs, const detail::FunctionView* f) {
  std::unordered_map<const Node*, std::string> shared_name;
  if (f != nullptr) {
    for (std::size_t i = f->num_explicit; i < f->inputs.size(); ++i) {
      shared_name[&f->inputs[i].node()] = f->shared_names[i - f->num_explicit];
    }
  }
  std::string os = "digraph hypatia {\n  rankdir=TB;\n  graph [fontname=\"Helvetica\", fontsize=11];\n"
                   "  node [fontname=\"Helvetica\", fontsize=10];\n"
                   "  edge [fontname=\"Helvetica\", fontsize=8];\n";
  std::unordered_map<const Node*, std::string> id;
  const auto order = topological_order(outputs);
  for (const auto& node : order) {
    const std::string me = "n" + std::to_string(id.size());
    id.emplace(node.get(), me);
    const Variable v = node->output(0);
    const std::string type = v.type().str();
    std::string label, style;
    switch (detail::leaf_kind(*node)) {
      case detail::LeafKind::input:
        if (auto it = shared_name.find(node.get()); it != shared_name.end()) {
          label = (it->second.empty() ? "shared" : it->second) + "\n" + type;
          style = kSharedStyle;
        } else {
          label = (v.name().empty() ? "input" : v.name()) + "\n" + type;
          style = kInputStyle;
        }
        break;
      case detail::LeafKind::shared:
        label = (v.name().empty() ? "shared" : v.name()) + "\n" + type;
        style = kSharedStyle;
        break;
      case detail::LeafKind::constant:
        label = (v.constant_value().size() <= 8 ? detail::constant_text(v.constant_value()) : "constant") + "\n" + type;
        style = kConstantStyle;
        break;
      case detail::LeafKind::none: {
        label = node->op().name;
        std::string attrs;
        for (const auto& [key, value] : detail::shown_attrs(*node)) {
          attrs += (attrs.empty() ? "" : ", ") + key + "=" + detail::attr_value_text(*value, false);
        }
        if (!attrs.empty()) label += "\n" + attrs;
        style = "shape=ellipse";
        if (f != nullptr) {
          auto it = f->step_of.find(node.get());
          if (it != f->step_of.end() && it->second.kind == "library") style += ", style=filled, fillcolor=salmon";
          if (it != f->step_of.end() && it->second.kind == "native") style += ", style=filled, fillcolor=lightgrey";
        }
        break;
      }
    }
    os += "  " + me + " [label=" + quoted(label) + ", " + style + "];\n";
    const std::size_t n = node->inputs().size();
    for (std::size_t i = 0; i < n; ++i) {
      const Variable& in = node->inputs()[i];
      std::string edge = n > 1 ? std::to_string(i) + ": " : "";
      if (in.node().num_outputs() > 1) edge += "out " + std::to_string(in.index()) + " ";
      edge += in.type().str();
      os += "  " + id.at(&in.node()) + " -> " + me + " [label=" + quoted(edge) + "];\n";
    }
  }
  const std::size_t num_outputs = f != nullptr ? f->num_outputs : outputs.size();
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const Variable& out = outputs[i];
    const bool update = i >= num_outputs;
    const std::string name =
        update ? "update " + f->update_names[i - num_outputs] : "output " + std::to_string(i);
    const std::string me = "out" + std::to_string(i);
    os += "  " + me + " [label=" + quoted(name + "\n" + out.type().str()) + ", " +
          (update ? kUpdateStyle : kOutputStyle) + "];\n";
    os += "  " + id.at(&out.node()) + " -> " + me +
          (out.node().num_outputs() > 1 ? " [label=" + quoted("out " + std::to_string(out.index())) + "]" : "") +
          ";\n";
  }
  if (f != nullptr) {
    for (const auto& [name, nodes] : f->kernels) {
      os += "  subgraph cluster_" + name + " {\n    label=" + quoted("Kernel " + name) +
            ";\n    style=\"rounded,dashed\";\n    color=darkorange;\n   ";
      for (const auto& node : nodes) os += " " + id.at(node.get()) + ";";
      os += "\n  }\n";
    }
  }
  return os + "}\n";
}

}  // namespace

std::string graph_dot(const std::vector<Variable>& outputs) {
  for (const Variable& v : outputs) {
    if (!v.valid()) throw TypeError("graph_dot: an empty Variable (default-constructed) was given");
  }
  return dot(outputs, nullptr);
}

std::string graph_dot(const Function& f) {
  const detail::FunctionView view = detail::view_of(f);
  return dot(view.outputs, &view);
}

}  // namespace hypatia
