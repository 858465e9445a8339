// DebugMode (Mode::debug, Theano's): a step observer (backend/step_observer.hpp) that
// checks every step of every call, and a check of every rewrite the function's graph
// went through. See "DebugMode" in docs/design.md.
//
// Per step, with copies of its inputs made before it ran:
//   destroy  an input changed that the op does not declare it overwrites -> BadDestroyMap
//   view     an output shares a buffer with an input without a declared view -> BadViewMap
//   values   the step's nodes again, by their reference kernels over the copies, in
//            order; every output compared with dtype tolerances -> BadThunkOutput
//   finite   a NaN or inf output from finite inputs -> InvalidValueError
//   strides  each node's reference kernel again over non-contiguous copies of its
//            inputs (every other element of a buffer twice as long, the first axis
//            reversed), compared the same way -> BadThunkOutput
//   compiled on the cpu backend, a compiled step (fused kernel, library call, native
//            kernel, a user op's cpu kernel) again, alone, on non-contiguous copies of
//            its inputs (the layout above, then a transposed one: column-major, or
//            reversed for a vector), compared with what it gave -> BadThunkOutput
// Per call, after the run: every (replaced, replacement) pair the rewriter recorded,
// both computed by the reference kernels from the call's arguments (pairs whose inputs
// are all among them) and compared -> BadOptimization naming the rule.
//
// The cpu backend's memory plan may write a fused kernel's output over a dying input:
// a kernel step's input that shares its buffer with one of the step's outputs may
// change, and that sharing is no view.
#include "function/debug_mode.hpp"

#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "graph/op.hpp"
#include "runtime/cast.hpp"

namespace hypatia::detail {

namespace {

struct Tolerance {
  double rtol = 0, atol = 0;
};

// Issue 9's tolerances: float64 rtol 1e-5 / atol 1e-8, float32 1e-5 / 1e-5, the rest exact.
Tolerance tolerance_for(DType t) {
  if (t == DType::float64) return {1e-5, 1e-8};
  if (t == DType::float32) return {1e-5, 1e-5};
  return {};
}

std::string index_str(const Shape& shape, std::int64_t flat) {
  std::vector<std::int64_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    const std::int64_t n = shape[d] == 0 ? 1 : shape[d];
    index[d] = flat % n;
    flat /= n;
  }
  std::string s = "(";
  for (std::size_t d = 0; d < index.size(); ++d) s += (d ? ", " : "") + std::to_string(index[d]);
  return s + (index.size() == 1 ? ",)" : ")");
}

// Element i of a flat contiguous array, as NumPy prints it.
std::string element_str(const Array& flat, std::int64_t i) {
  std::string s = flat.slice(0, i, i + 1).str();
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  return s;
}

std::string type_str(const Array& a) { return std::string(dtype_name(a.dtype())) + " " + shape_str(a.shape()); }

// What the two sides of a comparison are called in messages.
struct Sides {
  const char* got;
  const char* want;
};
constexpr Sides kStep{"the step gives", "the reference kernel gives"};

// Where `got` and `want` (the reference) differ beyond the tolerance, as text; empty
// when they agree. NaN agrees with NaN, an infinity with the same infinity.
// `nonfinite_ok`: an element where `want` is NaN or infinite agrees with anything (a
// stabilizing rewrite makes a finite value where the formula overflowed).
std::string difference(const Array& got, const Array& want, Tolerance tol, Sides sides = kStep,
                       bool nonfinite_ok = false) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    return std::string(sides.got) + " a " + type_str(got) + " where " + sides.want + " a " + type_str(want);
  }
  const std::int64_t n = got.size();
  if (n == 0) return {};
  std::int64_t first = -1, count = 0;
  double max_error = 0;
  if (is_float(got.dtype())) {
    const Array a = got.astype(DType::float64), b = want.astype(DType::float64);
    const double* x = a.data_as<double>();
    const double* y = b.data_as<double>();
    for (std::int64_t i = 0; i < n; ++i) {
      if (std::isnan(x[i]) && std::isnan(y[i])) continue;
      if (x[i] == y[i]) continue;
      if (nonfinite_ok && !std::isfinite(y[i])) continue;
      const double err = std::abs(x[i] - y[i]);
      if (std::isfinite(x[i]) && std::isfinite(y[i]) && err <= tol.atol + tol.rtol * std::abs(y[i])) continue;
      if (first < 0) first = i;
      ++count;
      if (!(err <= max_error)) max_error = err;  // NaN sticks
    }
  } else {
    const Array a = got.contiguous(), b = want.contiguous();
    const std::size_t size = a.itemsize();
    for (std::int64_t i = 0; i < n; ++i) {
      if (std::memcmp(a.data() + i * static_cast<std::int64_t>(size), b.data() + i * static_cast<std::int64_t>(size),
                      size) == 0) {
        continue;
      }
      if (first < 0) first = i;
      ++count;
    }
  }
  if (first < 0) return {};
  const Array a = got.contiguous().reshape({n}), b = want.contiguous().reshape({n});
  std::ostringstream os;
  os << "at index " << index_str(got.shape(), first) << " " << sides.got << " " << element_str(a, first) << " where "
     << sides.want << " " << element_str(b, first) << " (" << count << " of " << n << " element" << (n == 1 ? "" : "s") << " differ";
  if (is_float(got.dtype())) os << ", largest difference " << max_error << "; rtol " << tol.rtol << ", atol " << tol.atol;
  os << ")";
  return os.str();
}

// The first NaN or infinity of a float array, as text; empty when all are finite.
std::string non_finite(const Array& a) {
  if (!is_float(a.dtype()) || a.size() == 0) return {};
  const Array b = a.astype(DType::float64);
  const double* x = b.data_as<double>();
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (!std::isfinite(x[i])) {
      return std::string(std::isnan(x[i]) ? "NaN" : x[i] > 0 ? "inf" : "-inf") + " at index " +
             index_str(a.shape(), i);
    }
  }
  return {};
}

bool all_finite(const std::vector<Array>& arrays) {
  for (const Array& a : arrays) {
    if (!non_finite(a).empty()) return false;
  }
  return true;
}

bool shares(const Array& a, const Array& b) {
  return a.size() > 0 && b.size() > 0 && a.buffer() && a.buffer() == b.buffer();
}

// The same values in a layout no kernel expects: each element every other one of a
// buffer twice as long along the last axis, the first axis reversed.
Array non_contiguous(const Array& a) {
  if (a.ndim() == 0 || a.size() == 0) return a.copy();
  Shape wide = a.shape();
  wide.back() *= 2;
  const std::int64_t n = a.shape(0);
  Array out = Array::empty(a.dtype(), wide).slice(a.ndim() - 1, 0, wide.back(), 2).slice(0, n - 1, -n - 1, -1);
  copy_elements(a, out);
  return out;
}

// The same values transposed in memory: column-major from rank 2 (the first axis
// varies fastest), reversed (a negative unit stride) for a vector; nullopt for a
// scalar or an empty array, where no other layout exists.
std::optional<Array> transposed_layout(const Array& a) {
  if (a.ndim() == 0 || a.size() == 0) return std::nullopt;
  Array out;
  if (a.ndim() == 1) {
    const std::int64_t n = a.shape(0);
    out = Array::empty(a.dtype(), a.shape()).slice(0, n - 1, -n - 1, -1);
  } else {
    const Shape reversed(a.shape().rbegin(), a.shape().rend());
    out = Array::empty(a.dtype(), reversed).transpose();
  }
  copy_elements(a, out);
  return out;
}

std::string node_str(const Node& node) { return format_location(node.where()) + ": " + node.op().name; }

std::string step_str(const StepView& step) {
  std::string s = "(" + std::string(step.kind) + " step " + std::to_string(step.index);
  if (step.nodes.size() > 1) {
    s += ", fused with";
    for (const auto& n : step.nodes) s += " " + n->op().name;
  }
  return s + ")";
}

bool declares(const std::vector<std::pair<int, int>>& pairs, int input, int output = -1) {
  for (const auto& [o, i] : pairs) {
    if (i == input && (output < 0 || o == output)) return true;
  }
  return false;
}

const Aliasing& aliasing_of(const Node& node) {
  static const Aliasing kNone;
  return node.op().aliasing ? *node.op().aliasing : kNone;
}

class DebugObserver final : public StepObserver {
 public:
  explicit DebugObserver(const Program& program)
      : check_isfinite_(program.mode.check_isfinite), cpu_(program.cpu) {
    collect_rewrites(program);
  }

  void before(const StepView& /*step*/, const std::vector<Array>& inputs) override {
    std::vector<Array> copies;
    copies.reserve(inputs.size());
    for (const Array& a : inputs) copies.push_back(a.copy());
    std::lock_guard<std::mutex> lock(mutex_);
    saved_[std::this_thread::get_id()] = std::move(copies);
  }

  void after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) override {
    std::vector<Array> saved;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = saved_.find(std::this_thread::get_id());
      if (it == saved_.end()) return;
      saved = std::move(it->second);
      saved_.erase(it);
    }
    check_destroys(step, saved, inputs, outputs);
    check_views(step, inputs, outputs);
    const Values value = check_values(step, saved, outputs);
    if (!value.empty()) check_strides(step, value);
    if (cpu_ && step.kind != "reference") check_compiled_strides(step, saved, outputs);
    if (check_isfinite_ && all_finite(saved)) check_finite(step, value, outputs);
  }

  void after_call(const std::vector<Array>& args) const {
    if (pairs_.empty()) return;
    // Every node any pair needs, once, in order; a node whose inputs are missing or
    // whose kernel raised has no value.
    std::unordered_map<const Node*, std::vector<Array>> values;
    for (std::size_t i = 0; i < rewrite_inputs_.size(); ++i) {
      values[rewrite_inputs_[i]] = {args[i]};
    }
    for (const auto& node : rewrite_order_) {
      if (node->op().name == "input") continue;
      std::vector<Array> ins;
      bool ok = true;
      for (const Variable& in : node->inputs()) {
        auto it = values.find(&in.node());
        if (it == values.end()) {
          ok = false;
          break;
        }
        ins.push_back(it->second[static_cast<std::size_t>(in.index())]);
      }
      if (!ok) continue;
      try {
        values[node.get()] = interp::run_node(*node, ins);
      } catch (const UserError&) {
        // no value: pairs that need it are not checked, unless only the replacement fails
      }
    }
    auto value_of = [&](const Variable& v) -> const Array* {
      auto it = values.find(&v.node());
      return it == values.end() ? nullptr : &it->second[static_cast<std::size_t>(v.index())];
    };
    for (const RewriteTrace::Firing* f : pairs_) {
      const Array* before = value_of(f->replaced);
      if (before == nullptr) continue;
      const Array* after = value_of(f->replacement);
      std::string what;
      if (after == nullptr) {
        what = "the replacement raised an error where the replaced expression did not";
      } else {
        what = difference(*after, *before, tolerance_for(before->dtype()),
                          Sides{"the replacement gives", "the replaced expression gives"}, /*nonfinite_ok=*/true);
      }
      if (what.empty()) continue;
      throw BadOptimization(format_location(f->where) + ": rewrite rule '" + f->rule + "' (" + f->phase +
                            ") replaced " + f->before + " by " + f->after + ", which computes other values: " + what);
    }
  }

 private:
  void collect_rewrites(const Program& program) {
    std::unordered_map<const Node*, bool> available;
    for (const Variable& in : program.all_inputs) available[&in.node()] = true;
    std::vector<Variable> wanted;
    for (const RewriteTrace::Firing& f : program.trace.firings) {
      if (!f.replaced.valid() || !f.replacement.valid()) continue;
      bool ok = true;
      for (const auto& node : topological_order({f.replaced, f.replacement})) {
        if (node->op().name == "input" && !available.count(node.get())) ok = false;
      }
      if (!ok) continue;
      pairs_.push_back(&f);
      wanted.push_back(f.replaced);
      wanted.push_back(f.replacement);
    }
    if (pairs_.empty()) return;
    rewrite_inputs_.reserve(program.all_inputs.size());
    for (const Variable& in : program.all_inputs) rewrite_inputs_.push_back(&in.node());
    rewrite_order_ = topological_order(wanted);
  }

  // Inputs changed by the step: declared (destroys), a cpu kernel's in-place write
  // (the input shares its buffer with an output), or BadDestroyMap.
  static void check_destroys(const StepView& step, const std::vector<Array>& saved, const std::vector<Array>& inputs,
                             const std::vector<Array>& outputs) {
    for (std::size_t i = 0; i < inputs.size() && i < saved.size(); ++i) {
      const std::string what =
          difference(inputs[i], saved[i], Tolerance{}, Sides{"it now holds", "it held"});
      if (what.empty()) continue;
      if (step.kind == "kernel") {
        bool in_place = false;
        for (const Array& o : outputs) in_place = in_place || shares(o, inputs[i]);
        if (in_place) continue;
      }
      const Variable& var = step.inputs[i];
      const Node* culprit = step.nodes.front().get();
      bool declared = false;
      for (const auto& n : step.nodes) {
        for (std::size_t k = 0; k < n->inputs().size(); ++k) {
          if (!(n->inputs()[k] == var)) continue;
          culprit = n.get();
          declared = declared || declares(aliasing_of(*n).destroys, static_cast<int>(k));
        }
      }
      if (declared) continue;
      throw BadDestroyMap(node_str(*culprit) + " " + step_str(step) + " changed its input " + std::to_string(i) +
                          " (" + type_str(saved[i]) + "), which the op does not declare it overwrites "
                          "(Aliasing::destroys): " + what);
    }
  }

  // Outputs sharing a buffer with an input: declared views only (a cpu kernel's
  // in-place output is no view).
  static void check_views(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) {
    if (step.kind == "kernel") return;
    const Node& node = *step.nodes.front();
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!shares(outputs[o], inputs[i])) continue;
        // An input given twice (f(x, x)): a view of either position is declared.
        bool declared = false;
        for (std::size_t k = 0; k < inputs.size(); ++k) {
          if (shares(inputs[k], inputs[i]) &&
              declares(aliasing_of(node).views, static_cast<int>(k), static_cast<int>(o))) {
            declared = true;
          }
          if (shares(inputs[k], inputs[i]) && declares(aliasing_of(node).destroys, static_cast<int>(k),
                                                       static_cast<int>(o))) {
            declared = true;
          }
        }
        if (declared) continue;
        throw BadViewMap(node_str(node) + " " + step_str(step) + ": output " + std::to_string(o) + " (" +
                         type_str(outputs[o]) + ") shares memory with input " + std::to_string(i) + " (" +
                         type_str(inputs[i]) + "), but the op declares no view of that input (Aliasing::views)");
      }
    }
  }

  using Values = std::unordered_map<Variable, Array, VariableHash>;

  // The step's nodes again by their reference kernels, over copies of the inputs as
  // they were, in order; every step output compared with its recomputed value. The
  // values of every node of the step, or an empty map when a node reads something
  // that is not the step's (nothing to compare against then).
  static Values check_values(const StepView& step, const std::vector<Array>& saved, const std::vector<Array>& outputs) {
    Values value;
    for (std::size_t i = 0; i < step.inputs.size() && i < saved.size(); ++i) value[step.inputs[i]] = saved[i];
    for (const auto& n : step.nodes) {
      const bool destroys = !aliasing_of(*n).destroys.empty();
      std::vector<Array> ins;
      for (const Variable& in : n->inputs()) {
        auto it = value.find(in);
        if (it == value.end() && in.is_constant()) it = value.emplace(in, in.constant_value()).first;  // inlined
        if (it == value.end()) return {};
        ins.push_back(destroys ? it->second.copy() : it->second);
      }
      const std::vector<Array> ref = interp::run_node(*n, ins);
      for (int j = 0; j < n->num_outputs(); ++j) value[n->output(j)] = ref[static_cast<std::size_t>(j)];
    }
    for (std::size_t j = 0; j < outputs.size() && j < step.outputs.size(); ++j) {
      const Variable& var = step.outputs[j];
      auto it = value.find(var);
      if (it == value.end()) continue;
      const std::string what = difference(outputs[j], it->second, tolerance_for(it->second.dtype()));
      if (what.empty()) continue;
      throw BadThunkOutput(node_str(var.node()) + " " + step_str(step) + ": output " + std::to_string(var.index()) +
                           " (" + type_str(outputs[j]) + ") differs from the reference kernel's: " + what);
    }
    return value;
  }

  // Each node's reference kernel on non-contiguous copies of its inputs, against its
  // values on contiguous ones.
  static void check_strides(const StepView& step, const Values& value) {
    for (const auto& n : step.nodes) {
      std::vector<Array> strided;
      for (const Variable& in : n->inputs()) strided.push_back(non_contiguous(value.at(in)));
      std::vector<Array> again;
      try {
        again = interp::run_node(*n, strided);
      } catch (const UserError& e) {
        throw BadThunkOutput(node_str(*n) + " " + step_str(step) +
                             ": the reference kernel raised on non-contiguous copies of its inputs, not on "
                             "contiguous ones: " + e.what());
      }
      for (std::size_t j = 0; j < again.size(); ++j) {
        const Array& ref = value.at(n->output(static_cast<int>(j)));
        const std::string what =
            difference(again[j], ref, tolerance_for(ref.dtype()), Sides{"it gives", "on contiguous copies it gives"});
        if (what.empty()) continue;
        throw BadThunkOutput(node_str(*n) + " " + step_str(step) + ": output " + std::to_string(j) +
                             " of the reference kernel on non-contiguous copies of its inputs differs: " + what);
      }
    }
  }

  // The compiled step alone (cpu::Executable::run_step_alone: a state of its own, no
  // recompiling) on non-contiguous copies of the inputs it read, against what it gave
  // on them. A reference step is left out: check_strides ran its kernel so already.
  void check_compiled_strides(const StepView& step, const std::vector<Array>& saved,
                              const std::vector<Array>& outputs) const {
    struct Layout {
      const char* name;
      std::vector<Array> inputs;
    };
    std::vector<Layout> layouts(2);
    layouts[0].name = "every other element, the first axis reversed";
    layouts[1].name = "transposed in memory";
    bool other = false;  // whether the second layout differs from the first anywhere
    for (const Array& a : saved) {
      layouts[0].inputs.push_back(non_contiguous(a));
      std::optional<Array> t = transposed_layout(a);
      other = other || t.has_value();
      layouts[1].inputs.push_back(t ? std::move(*t) : a.copy());
    }
    if (!other) layouts.pop_back();
    const std::string kind(step.kind);
    for (const Layout& layout : layouts) {
      std::vector<Array> again;
      try {
        again = cpu_->run_step_alone(step.index, layout.inputs);
      } catch (const UserError& e) {
        throw BadThunkOutput(node_str(*step.nodes.front()) + " " + step_str(step) + ": the " + kind +
                             " step raised on non-contiguous inputs (" + layout.name +
                             "), not on the inputs it was given: " + e.what());
      }
      for (std::size_t j = 0; j < again.size() && j < outputs.size() && j < step.outputs.size(); ++j) {
        const Variable& var = step.outputs[j];
        const std::string what = difference(again[j], outputs[j], tolerance_for(outputs[j].dtype()),
                                            Sides{"it gives", "on the inputs it was given it gave"});
        if (what.empty()) continue;
        throw BadThunkOutput(node_str(var.node()) + " " + step_str(step) + ": output " +
                             std::to_string(var.index()) + " (" + type_str(outputs[j]) + ") of the " + kind +
                             " step differs on non-contiguous inputs (" + layout.name + "): " + what);
      }
    }
  }

  // The first node of the step that makes a NaN or inf from finite inputs (inside a
  // fused kernel, from the recomputed values: the node that starts it, not the
  // kernel's output).
  static void check_finite(const StepView& step, const Values& value, const std::vector<Array>& outputs) {
    auto fail = [&](const Variable& var, const Array& a, const std::string& where) {
      throw InvalidValueError(node_str(var.node()) + " " + step_str(step) + ": output " +
                              std::to_string(var.index()) + " (" + type_str(a) + ") has " + where +
                              " though every input was finite (DebugMode's check_isfinite = false allows it)");
    };
    if (!value.empty()) {
      for (const auto& n : step.nodes) {
        bool finite = true;
        for (const Variable& in : n->inputs()) finite = finite && non_finite(value.at(in)).empty();
        if (!finite) continue;
        for (int j = 0; j < n->num_outputs(); ++j) {
          const Array& a = value.at(n->output(j));
          const std::string where = non_finite(a);
          if (!where.empty()) fail(n->output(j), a, where);
        }
      }
    }
    for (std::size_t j = 0; j < outputs.size() && j < step.outputs.size(); ++j) {
      const std::string where = non_finite(outputs[j]);
      if (!where.empty() && value.empty()) fail(step.outputs[j], outputs[j], where);
    }
  }

  bool check_isfinite_;
  std::shared_ptr<const cpu::Executable> cpu_;  // set: the steps are the cpu backend's
  std::mutex mutex_;
  std::unordered_map<std::thread::id, std::vector<Array>> saved_;  // per calling thread
  // The rewrites to check: pointers into the program's trace, which outlives this.
  std::vector<const RewriteTrace::Firing*> pairs_;
  std::vector<const Node*> rewrite_inputs_;  // the compiled graph's inputs, in argument order
  std::vector<std::shared_ptr<const Node>> rewrite_order_;
};

}  // namespace

std::shared_ptr<StepObserver> make_debug_observer(const Program& program) {
  return std::make_shared<DebugObserver>(program);
}

void check_rewrites(const Program& program, const std::vector<Array>& args) {
  if (const auto* debug = dynamic_cast<const DebugObserver*>(program.observer.get())) debug->after_call(args);
}

}  // namespace hypatia::detail
