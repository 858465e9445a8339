#include "function/printing_util.hpp"

#include "function/program.hpp"
#include "graph/op.hpp"
#include "hypatia/ops/index.hpp"

namespace hypatia::detail {

LeafKind leaf_kind(const Node& node) {
  const std::string& op = node.op().name;
  if (op == "input") return LeafKind::input;
  if (op == "shared") return LeafKind::shared;
  if (op == "constant") return LeafKind::constant;
  return LeafKind::none;
}

std::string constant_text(const Array& value) {
  if (value.size() <= 8) return value.str();
  return std::string(dtype_name(value.dtype())) + " " + shape_str(value.shape());
}

std::string attr_value_text(const AttrValue& value, bool quote_dtype) {
  struct {
    bool quote;
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return Array::scalar(d).str(); }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      std::string s = "(";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
      return s + (v.size() == 1 ? ",)" : ")");
    }
    std::string operator()(DType t) const {
      const std::string name(dtype_name(t));
      return quote ? "'" + name + "'" : name;
    }
    std::string operator()(const Opaque&) const { return "<opaque>"; }
    std::string operator()(const Array& a) const { return constant_text(a); }
  } visitor{quote_dtype};
  return std::visit(visitor, value);
}

std::vector<std::pair<std::string, const AttrValue*>> shown_attrs(const Node& node) {
  std::vector<std::pair<std::string, const AttrValue*>> out;
  for (const auto& [key, value] : node.attrs().items()) {
    if (key == "uid" || key == "items" || std::holds_alternative<Opaque>(value)) continue;
    if (key == "keepdims" && !std::get<bool>(value)) continue;
    out.emplace_back(key == "axes" ? "axis" : key, &value);
  }
  return out;
}

std::string key_text(const std::vector<std::int64_t>& items, const std::function<std::string(int)>& bound) {
  std::string s;
  int next = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    const std::int64_t c = items[i];
    if (c == kIndexInteger) {
      s += bound(next++);
    } else if (c == kIndexNewAxis) {
      s += "None";
    } else {
      if (c & kSliceHasStart) s += bound(next++);
      s += ":";
      if (c & kSliceHasStop) s += bound(next++);
      if (c & kSliceHasStep) s += ":" + bound(next++);
    }
  }
  return s;
}

int key_inputs_start(const Node& node) {
  if (!node.attrs().has("items")) return -1;
  return node.op().name == "inc_subtensor" ? 2 : 1;
}

std::string short_location(const SourceLocation& where) {
  std::string file = where.file_name();
  const auto slash = file.find_last_of('/');
  if (slash != std::string::npos) file = file.substr(slash + 1);
  return file + ":" + std::to_string(where.line());
}

FunctionView view_of(const Function& f) {
  const Program& p = program_of(f);
  FunctionView v;
  v.inputs = p.all_inputs;
  v.num_explicit = p.inputs.size();
  const std::vector<SharedVariable>& state = f.shared_variables();
  for (std::size_t i = v.num_explicit; i < v.inputs.size(); ++i) {
    const std::size_t s = i - v.num_explicit;
    v.shared_names.push_back(s < state.size() ? state[s].name() : v.inputs[i].name());
  }
  v.outputs = p.compiled_outputs;
  v.num_outputs = p.outputs.size();
  for (std::size_t s : p.update_state) v.update_names.push_back(s < state.size() ? state[s].name() : "");
  v.linker = p.linker;
  v.mode = p.mode.name;
  if (p.cpu) {
    for (const cpu::Executable::StepInfo& step : p.cpu->steps()) {
      for (const auto& node : step.nodes) v.step_of[node.get()] = StepOf{step.kind, step.name};
      if (step.kind == "kernel") v.kernels.emplace_back(step.name, step.nodes);
    }
  }
  return v;
}

}  // namespace hypatia::detail
