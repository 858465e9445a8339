// NanGuardMode (Theano's): a call stops at the first step whose float output holds a
// NaN, an inf or a value above 1e10 in magnitude, and the NanGuardError says where
// the value STARTS: the node's op and user line, forward or in a gradient (and which
// forward node that gradient differentiates), the bad element, and whether an input
// already held a bad value or this node made it.
//
// A fused cpu kernel is one step: when its output is bad, the group's nodes are run
// again one by one by their reference kernels (from copies of the step's inputs taken
// in before(), since a kernel may write its output over a dying input) to find the
// first node inside the group that goes bad. A value that goes bad and back inside a
// group (exp(-inf) = 0) is seen only on the interp backend.
#include "function/nan_guard.hpp"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "backend/interp/interp.hpp"
#include "graph/op.hpp"

namespace hypatia::detail {
namespace {

constexpr double kBig = 1e10;

// The first bad element of an array: NaN before inf before big, as the checks ask.
struct Finding {
  enum Kind { none, nan, inf, big } kind = none;
  double value = 0;
  Shape index;
  explicit operator bool() const { return kind != none; }
};

const char* kind_text(Finding::Kind k) {
  switch (k) {
    case Finding::nan: return "NaN";
    case Finding::inf: return "inf";
    case Finding::big: return "value above 1e10 in magnitude";
    default: return "nothing";
  }
}

Shape unravel(std::int64_t flat, const Shape& shape) {
  Shape index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] == 0 ? 0 : flat % shape[d];
    flat = shape[d] == 0 ? 0 : flat / shape[d];
  }
  return index;
}

Finding scan(const Array& a, const Mode::NanGuard& checks) {
  Finding found;
  if (!is_float(a.dtype()) || a.size() == 0) return found;
  const Array c = a.contiguous();
  std::int64_t at[3] = {-1, -1, -1};  // first nan, inf, big
  double val[3] = {0, 0, 0};
  auto look = [&](auto* p) {
    const std::int64_t n = c.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const double v = static_cast<double>(p[i]);
      if (std::isfinite(v) && std::abs(v) <= kBig) continue;
      const int k = std::isnan(v) ? 0 : std::isinf(v) ? 1 : 2;
      if (at[k] < 0) {
        at[k] = i;
        val[k] = v;
      }
      if (k == 0 && checks.nan_is_error) break;  // nothing outranks it
    }
  };
  if (c.dtype() == DType::float32) {
    look(c.data_as<float>());
  } else {
    look(c.data_as<double>());
  }
  const bool wanted[3] = {checks.nan_is_error, checks.inf_is_error, checks.big_is_error};
  for (int k = 0; k < 3; ++k) {
    if (!wanted[k] || at[k] < 0) continue;
    found.kind = static_cast<Finding::Kind>(k + 1);
    found.value = val[k];
    found.index = unravel(at[k], a.shape());
    return found;
  }
  return found;
}

std::string value_text(double v) {
  if (std::isnan(v)) return "nan";  // printf writes "-nan" for a NaN whose sign bit is set
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string index_text(const Shape& index) {
  std::string s = "(";
  for (std::size_t d = 0; d < index.size(); ++d) s += (d ? ", " : "") + std::to_string(index[d]);
  return s + (index.size() == 1 ? ",)" : ")");
}

std::string type_text(const Array& a) { return std::string(dtype_name(a.dtype())) + " " + shape_str(a.shape()); }

std::string where_text(const Node& node) {
  const SourceLocation& w = node.where();
  return describe_location(w) + (w.gradient_of() == nullptr ? " (forward)" : "");
}

const Mode::NanGuard kEverything{true, true, true};

// The message for `node`, whose output `out` holds `bad`; `ins` are its input values.
[[noreturn]] void report(const Node& node, const std::vector<Array>& ins, int out, const Array& value,
                         const Finding& bad, const std::string& note) {
  std::string m = "NanGuardMode: " + std::string(bad.kind == Finding::big ? "a " : "") + kind_text(bad.kind) +
                  " made by " + node.op().name + " at " + where_text(node) + note + "\n";
  m += "  output " + std::to_string(out) + " (" + type_text(value) + ") holds " + value_text(bad.value) +
       " at index " + index_text(bad.index);
  if (!note.empty()) throw NanGuardError(m);  // a fused kernel not replayed: its inputs are not this node's
  m += "; ";
  std::string already;
  for (std::size_t i = 0; i < ins.size(); ++i) {
    const Finding f = scan(ins[i], kEverything);
    if (!f) continue;
    if (!already.empty()) already += ", ";
    already += "input " + std::to_string(i) + " holds " + value_text(f.value) + " at " + index_text(f.index);
  }
  m += already.empty() ? std::string("its inputs hold no NaN, inf or value above 1e10: the ") + kind_text(bad.kind) +
                             " starts here"
                       : already + " (not an error in this mode): the " + kind_text(bad.kind) + " starts here";
  m += "\n  inputs: ";
  for (std::size_t i = 0; i < ins.size(); ++i) m += (i ? ", " : "") + type_text(ins[i]);
  if (ins.empty()) m += "none";
  throw NanGuardError(m);
}

// The step's input values kept for a fused group (see the file comment); one step
// runs at a time on a thread.
thread_local std::vector<Array> t_saved;

class NanGuardObserver : public StepObserver {
 public:
  NanGuardObserver(const Program& program, Mode::NanGuard checks) : checks_(checks) {
    for (std::size_t i = 0; i < program.all_inputs.size(); ++i) {
      const Variable& v = program.all_inputs[i];
      std::string who = i < program.inputs.size() ? "argument " + std::to_string(i) : "shared variable";
      if (!v.name().empty()) who += " '" + v.name() + "'";
      arguments_[&v.node()] = who;
    }
  }

  void before(const StepView& step, const std::vector<Array>& inputs) override {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto it = arguments_.find(&step.inputs[i].node());
      if (it == arguments_.end()) continue;
      const Finding f = scan(inputs[i], checks_);
      if (!f) continue;
      const Node& reader = *step.nodes.front();
      throw NanGuardError("NanGuardMode: " + it->second + " (" + type_text(inputs[i]) + ") holds " +
                          value_text(f.value) + " at index " + index_text(f.index) +
                          " before any node ran: the " + kind_text(f.kind) + " comes from the caller\n  read by " +
                          reader.op().name + " at " + where_text(reader));
    }
    if (step.kind == "kernel") {
      t_saved.clear();
      for (const Array& a : inputs) t_saved.push_back(a.copy());
    }
  }

  void after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) override {
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      const Finding f = scan(outputs[j], checks_);
      if (!f) continue;
      const std::vector<Array>& ins = step.kind == "kernel" ? t_saved : inputs;
      if (step.nodes.size() > 1) find_in_group(step, ins);
      const Node& node = step.outputs[j].node();
      const std::string note =
          step.nodes.size() > 1 ? " (in a fused kernel whose reference kernels did not reproduce it)" : "";
      report(node, step.nodes.size() > 1 ? std::vector<Array>{} : ins, step.outputs[j].index(), outputs[j], f, note);
    }
  }

 private:
  // Runs the group's nodes one by one; reports the first whose output is bad.
  void find_in_group(const StepView& step, const std::vector<Array>& ins) const {
    std::unordered_map<const Node*, std::vector<Array>> made;
    auto value = [&](const Variable& v) -> Array {
      const auto it = made.find(&v.node());
      if (it != made.end()) return it->second[static_cast<std::size_t>(v.index())];
      for (std::size_t i = 0; i < step.inputs.size(); ++i) {
        if (step.inputs[i] == v) return ins[i];
      }
      return v.constant_value();  // a constant the kernel inlined
    };
    for (const auto& node : step.nodes) {
      std::vector<Array> node_ins;
      std::vector<Array> outs;
      try {
        for (const Variable& in : node->inputs()) node_ins.push_back(value(in));
        outs = interp::run_node(*node, node_ins);
      } catch (const Error&) {
        return;  // cannot replay: report the group's output
      }
      for (std::size_t k = 0; k < outs.size(); ++k) {
        const Finding f = scan(outs[k], checks_);
        if (f) report(*node, node_ins, static_cast<int>(k), outs[k], f, "");
      }
      made.emplace(node.get(), std::move(outs));
    }
  }

  Mode::NanGuard checks_;
  std::unordered_map<const Node*, std::string> arguments_;
};

}  // namespace

std::shared_ptr<StepObserver> make_nan_guard(const Program& program) {
  return std::make_shared<NanGuardObserver>(program, program.mode.nan_guard_checks.value_or(Mode::NanGuard{}));
}

}  // namespace hypatia::detail
