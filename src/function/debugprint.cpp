// debugprint: the graph as a tree with ids (format: hypatia/printing.hpp).
#include <unordered_map>
#include <unordered_set>

#include "function/printing_util.hpp"
#include "graph/op.hpp"
#include "hypatia/printing.hpp"

namespace hypatia {
namespace {

// Theano's ids: A..Z, then BA, BB, ... (base 26, A for 0).
std::string id_text(std::size_t n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('A' + n % 26));
    n /= 26;
  } while (n != 0);
  return s;
}

// The op with its key attributes: "sum{axis=(1,)}", "dimshuffle{1,0}", "subtensor{1:3, ::2}".
std::string op_label(const Node& node) {
  std::string name = node.op().name;
  std::string inside;
  if (name == "dimshuffle") {
    for (std::int64_t p : node.attrs().get_ints("pattern")) {
      inside += (inside.empty() ? "" : ",") + (p < 0 ? std::string("x") : std::to_string(p));
    }
  } else {
    const int start = detail::key_inputs_start(node);
    if (start >= 0) {
      if (name == "inc_subtensor" && node.attrs().has("set") && node.attrs().get_bool("set")) name = "set_subtensor";
      inside = detail::key_text(node.attrs().get_ints("items"), [&](int i) {
        const Variable& b = node.inputs()[static_cast<std::size_t>(start + i)];
        return b.is_constant() ? detail::constant_text(b.constant_value()) : std::string("*");
      });
    }
    for (const auto& [key, value] : detail::shown_attrs(node)) {
      if (start >= 0 && key == "set") continue;
      inside += (inside.empty() ? "" : ", ") + key + "=" + detail::attr_value_text(*value, false);
    }
  }
  return inside.empty() && name != "dimshuffle" ? name : name + "{" + inside + "}";
}

class TreePrinter {
 public:
  TreePrinter(const PrintOptions& options, const detail::FunctionView* f) : options_(options), f_(f) {
    if (f_ == nullptr) return;
    for (std::size_t i = f_->num_explicit; i < f_->inputs.size(); ++i) {
      shared_name_[&f_->inputs[i].node()] = f_->shared_names[i - f_->num_explicit];
    }
  }

  void tree(const Variable& root) {
    struct Frame {
      Variable v;
      std::string prefix, prefix_child;
      int depth;
    };
    std::vector<Frame> stack{{root, "", "", 0}};
    while (!stack.empty()) {
      Frame fr = std::move(stack.back());
      stack.pop_back();
      const Node& node = fr.v.node();
      const bool leaf = node.inputs().empty();
      const bool again = !leaf && printed_.count(&node) != 0;
      const bool cut = !leaf && !again && options_.depth >= 0 && fr.depth >= options_.depth;
      os_ += fr.prefix + line(fr.v);
      if (again || cut) {
        os_ += " ...\n";
        continue;
      }
      if (options_.locations) os_ += "   # " + detail::short_location(node.where());
      os_ += "\n";
      if (leaf) continue;
      printed_.insert(&node);
      const std::size_t n = node.inputs().size();
      for (std::size_t i = n; i-- > 0;) {
        const bool last = i + 1 == n;
        stack.push_back(Frame{node.inputs()[i], fr.prefix_child + " |", fr.prefix_child + (last ? "  " : " |"),
                              fr.depth + 1});
      }
    }
  }

  // The id of a node, given on first use.
  const std::string& id(const Node& node) {
    auto [it, added] = ids_.emplace(&node, "");
    if (added) it->second = id_text(ids_.size() - 1);
    return it->second;
  }

  // A variable's text without the tree: "exp [id B]".
  std::string short_label(const Variable& v) { return label(v) + " [id " + id(v.node()) + "]"; }

  std::string& text() { return os_; }

 private:
  std::string label(const Variable& v) {
    const Node& node = v.node();
    switch (detail::leaf_kind(node)) {
      case detail::LeafKind::input: {
        auto it = shared_name_.find(&node);
        if (it != shared_name_.end()) return it->second.empty() ? "shared" : it->second;
        return v.name().empty() ? "input" : v.name();
      }
      case detail::LeafKind::shared: return v.name().empty() ? "shared" : v.name();
      case detail::LeafKind::constant: return "TensorConstant{" + detail::constant_text(v.constant_value()) + "}";
      case detail::LeafKind::none: break;
    }
    std::string s = op_label(node);
    if (node.num_outputs() > 1) s += "." + std::to_string(v.index());
    return s;
  }

  std::string line(const Variable& v) {
    const Node& node = v.node();
    std::string s = short_label(v);
    if (options_.types) s += " " + v.type().str();
    if (detail::leaf_kind(node) == detail::LeafKind::shared || shared_name_.count(&node)) s += " shared";
    if (f_ != nullptr) {
      auto it = f_->step_of.find(&node);
      if (it != f_->step_of.end()) {
        const detail::StepOf& step = it->second;
        s += step.kind == "kernel" ? " in " + step.name : step.kind == "library" ? " library call" : " " + step.kind;
      }
    }
    return s;
  }

  PrintOptions options_;
  const detail::FunctionView* f_;
  std::unordered_map<const Node*, std::string> shared_name_;
  std::unordered_map<const Node*, std::string> ids_;
  std::unordered_set<const Node*> printed_;
  std::string os_;
};

}  // namespace

std::string debugprint(const std::vector<Variable>& outputs, const PrintOptions& options) {
  TreePrinter p(options, nullptr);
  for (const Variable& v : outputs) {
    if (!v.valid()) throw TypeError("debugprint: an empty Variable (default-constructed) was given");
    p.tree(v);
  }
  return std::move(p.text());
}

std::string debugprint(const Variable& output, const PrintOptions& options) {
  return debugprint(std::vector<Variable>{output}, options);
}

std::string debugprint(const Function& f, const PrintOptions& options) {
  const detail::FunctionView view = detail::view_of(f);
  TreePrinter p(options, &view);
  std::string& os = p.text();
  os += "Function(";
  for (std::size_t i = 0; i < view.num_explicit; ++i) {
    const Variable& in = view.inputs[i];
    os += (i ? ", " : "") + (in.name().empty() ? "<" + in.type().str() + ">" : in.name());
  }
  os += ") on " + view.linker + ", mode " + view.mode + "\n";
  for (std::size_t i = 0; i < view.outputs.size(); ++i) {
    if (i < view.num_outputs) {
      os += "output " + std::to_string(i) + ":\n";
    } else {
      const std::string& name = view.update_names[i - view.num_outputs];
      os += "update " + (name.empty() ? "of a shared variable" : name) + ":\n";
    }
    p.tree(view.outputs[i]);
  }
  if (!view.kernels.empty()) {
    os += "fused kernels:\n";
    for (const auto& [name, nodes] : view.kernels) {
      std::string ops, ids;
      for (const auto& node : nodes) {
        ops += (ops.empty() ? "" : ", ") + node->op().name;
        ids += (ids.empty() ? "" : ", ") + p.id(*node);
      }
      os += " Kernel " + name + "{" + ops + "} [id " + ids + "]\n";
    }
  }
  return std::move(os);
}

}  // namespace hypatia
