// The profiler (hypatia/profile.hpp): a step observer that times every step, the
// figures function() measured while compiling, and Theano's summary table.
#include "function/profile.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "function/program.hpp"
#include "graph/op.hpp"
#include "hypatia/error.hpp"

namespace hypatia {

namespace detail {
namespace {

// "#12" or the variable's name: how a node's inputs are shown.
std::string label(const Variable& v) {
  if (!v.name().empty()) return v.name();
  if (v.is_constant() && v.constant_value().size() == 1) return expression_text(v, 0);
  std::string s = "#" + std::to_string(v.node().id());
  if (v.node().num_outputs() > 1) s += "[" + std::to_string(v.index()) + "]";
  return s;
}

// "#12 exp(x)", "#14 sum(#12, axis=[0], keepdims=false)".
std::string node_text(const Node& node) {
  std::string s = "#" + std::to_string(node.id()) + " " + node.op().name + "(";
  for (std::size_t i = 0; i < node.inputs().size(); ++i) s += (i ? ", " : "") + label(node.inputs()[i]);
  if (!node.attrs().items().empty()) s += (node.inputs().empty() ? "" : ", ") + node.attrs().str();
  return s + ")";
}

std::string step_name(const StepView& step) {
  if (step.nodes.size() == 1 && step.kind != "kernel") return step.nodes[0]->op().name;
  std::string s = "fused[";
  for (std::size_t i = 0; i < step.nodes.size(); ++i) s += (i ? "," : "") + step.nodes[i]->op().name;
  return s + "]";
}

}  // namespace

std::vector<Profiler::Running>& Profiler::running() {
  thread_local std::vector<Running> stack;
  return stack;
}

Profiler::Profiler(std::string name, SourceLocation where) : name_(std::move(name)), where_(format_location(where)) {}

double Profiler::lap() {
  const Clock::time_point now = Clock::now();
  const double s = std::chrono::duration<double>(now - last_lap_).count();
  last_lap_ = now;
  return s;
}

void Profiler::finish_compile(const Program& program, double rewrite_seconds, double backend_seconds,
                              double plan_seconds) {
  CompileStats& c = compile_;
  c.rewrite_seconds = rewrite_seconds;
  for (const auto& [phase, t] : rewrites_.phases) c.phases.push_back({phase, t.runs, t.seconds});
  for (const auto& [key, t] : rewrites_.rules) c.rules.push_back({key.first, key.second, t.attempts, t.fired, t.seconds});
  std::stable_sort(c.rules.begin(), c.rules.end(), [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
  c.linker = program.linker;
  c.lower_seconds = backend_seconds;
  if (program.cpu) {
    c.kernels = program.cpu->num_kernels();
    if (const cpu::Module* m = program.cpu->module()) {
      c.compiled_module = true;
      c.cache_hit = m->from_cache();
      c.cxx_seconds = m->seconds();
      c.lower_seconds = std::max(0.0, backend_seconds - c.cxx_seconds);
    }
  }
  c.plan_seconds = plan_seconds;
  c.total_seconds = std::chrono::duration<double>(Clock::now() - made_).count();
  function_outputs_ = program.compiled_outputs;
}

void Profiler::before(const StepView& step, const std::vector<Array>& /*inputs*/) {
  // Last, so that the time starts with the step itself.
  running().push_back({this, step.index, Clock::now()});
}

void Profiler::after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) {
  std::int64_t ns = 0;
  {
    const Clock::time_point now = Clock::now();
    auto& stack = running();
    for (std::size_t i = stack.size(); i-- > 0;) {
      if (stack[i].profiler == this && stack[i].index == step.index) {
        ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - stack[i].start).count();
        stack.resize(i);
        break;
      }
    }
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto at = static_cast<std::size_t>(step.index);
  if (steps_.size() <= at) steps_.resize(at + 1);
  StepRecord& r = steps_[at];
  if (!r.seen) {
    r.seen = true;
    r.step.index = step.index;
    r.step.kind = std::string(step.kind);
    r.step.name = step_name(step);
    for (const auto& node : step.nodes) {
      r.step.ops.push_back(node->op().name);
      r.step.nodes.push_back(node_text(*node));
    }
    if (!step.nodes.empty()) r.step.where = format_location(step.nodes.back()->where());
    r.inputs = step.inputs;
    r.outputs = step.outputs;
    r.out.resize(outputs.size());
  }
  r.step.calls += 1;
  r.nanoseconds += ns;
  for (std::size_t j = 0; j < outputs.size() && j < r.out.size(); ++j) {
    const Array& a = outputs[j];
    OutputRecord& o = r.out[j];
    o.type = std::string(dtype_name(a.dtype())) + " " + shape_str(a.shape());
    int base = -1;
    for (std::size_t i = 0; i < inputs.size() && base < 0; ++i) {
      if (a.shares_memory_with(inputs[i])) base = static_cast<int>(i);
    }
    o.view = base >= 0;
    o.base = base;
    if (!o.view) o.bytes = std::max(o.bytes, static_cast<std::int64_t>(a.nbytes()));
  }
}

void Profiler::record_call(double seconds) {
  const std::lock_guard<std::mutex> lock(mutex_);
  calls_ += 1;
  call_nanoseconds_ += static_cast<std::int64_t>(seconds * 1e9);
}

// Live bytes at the worst step: each output from its step to the last step reading it
// (through views: a view keeps its base alive), function outputs to the end.
std::int64_t Profiler::peak_bytes(const std::vector<const StepRecord*>& order) const {
  struct Life {
    std::int64_t bytes = 0;
    std::size_t death = 0;
    Variable base;  // invalid unless a view
  };
  std::unordered_map<Variable, Life, VariableHash> life;
  auto keep_alive = [&](Variable v, std::size_t until) {
    for (int guard = 0; guard < 1000; ++guard) {
      auto it = life.find(v);
      if (it == life.end()) return;
      it->second.death = std::max(it->second.death, until);
      if (!it->second.base.valid()) return;
      v = it->second.base;
    }
  };
  for (std::size_t s = 0; s < order.size(); ++s) {
    const StepRecord& r = *order[s];
    for (const Variable& v : r.inputs) keep_alive(v, s);
    for (std::size_t j = 0; j < r.outputs.size() && j < r.out.size(); ++j) {
      Life l{r.out[j].bytes, s, {}};
      if (r.out[j].base >= 0 && static_cast<std::size_t>(r.out[j].base) < r.inputs.size()) {
        l.base = r.inputs[static_cast<std::size_t>(r.out[j].base)];
      }
      life[r.outputs[j]] = l;
    }
  }
  for (const Variable& v : function_outputs_) keep_alive(v, order.size());
  std::vector<std::int64_t> freed(order.size() + 1, 0);
  std::int64_t live = 0, peak = 0;
  for (std::size_t s = 0; s < order.size(); ++s) {
    const StepRecord& r = *order[s];
    for (std::size_t j = 0; j < r.outputs.size() && j < r.out.size(); ++j) {
      const Life& l = life[r.outputs[j]];
      live += l.bytes;
      freed[l.death] += l.bytes;
    }
    peak = std::max(peak, live);
    live -= freed[s];
  }
  return peak;
}

ProfileStats Profiler::stats() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  ProfileStats p;
  p.name = name_;
  p.where = where_;
  p.linker = compile_.linker;
  p.calls = calls_;
  p.call_seconds = static_cast<double>(call_nanoseconds_) * 1e-9;
  std::vector<const StepRecord*> order;
  for (const StepRecord& r : steps_) {
    if (!r.seen) continue;
    order.push_back(&r);
    ProfileStats::Step s = r.step;
    s.seconds = static_cast<double>(r.nanoseconds) * 1e-9;
    for (const OutputRecord& o : r.out) s.outputs.push_back({o.type, o.bytes, o.view});
    p.step_seconds += s.seconds;
    p.steps.push_back(std::move(s));
  }
  p.peak_bytes = peak_bytes(order);
  p.compile = compile_;
  return p;
}

}  // namespace detail

std::int64_t ProfileStats::Step::bytes() const {
  std::int64_t b = 0;
  for (const Output& o : outputs) b += o.bytes;
  return b;
}

std::int64_t ProfileStats::output_bytes() const {
  std::int64_t b = 0;
  for (const Step& s : steps) b += s.bytes();
  return b;
}

namespace {

std::vector<ProfileStats::Op> slowest_first(const std::map<std::string, ProfileStats::Op>& by_name) {
  std::vector<ProfileStats::Op> out;
  for (const auto& [name, op] : by_name) out.push_back(op);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
  return out;
}

}  // namespace

std::vector<ProfileStats::Op> ProfileStats::ops() const {
  std::map<std::string, Op> by_name;
  for (const Step& s : steps) {
    if (s.ops.empty()) continue;
    const double share = s.seconds / static_cast<double>(s.ops.size());
    for (const std::string& name : s.ops) {
      Op& op = by_name[name];
      op.name = name;
      op.seconds += share;
      op.calls += s.calls;
      op.applies += 1;
    }
  }
  return slowest_first(by_name);
}

std::vector<ProfileStats::Op> ProfileStats::kinds() const {
  static const std::map<std::string, std::string> kNames = {{"kernel", "fused elementwise"},
                                                            {"library", "library call"},
                                                            {"native", "native kernel"},
                                                            {"reference", "reference kernel"}};
  std::map<std::string, Op> by_name;
  for (const Step& s : steps) {
    auto it = kNames.find(s.kind);
    const std::string name = it == kNames.end() ? s.kind : it->second;
    Op& op = by_name[name];
    op.name = name;
    op.seconds += s.seconds;
    op.calls += s.calls;
    op.applies += 1;
  }
  return slowest_first(by_name);
}

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string seconds_text(double s) { return fmt("%.3es", s); }

std::string percent(double part, double whole) { return whole > 0 ? fmt("%5.1f%%", 100.0 * part / whole) : "  0.0%"; }

std::string bytes_text(std::int64_t b) {
  if (b < 1024) return std::to_string(b) + "B";
  if (b < 1024 * 1024) return fmt("%.1fKB", static_cast<double>(b) / 1024.0);
  if (b < 1024LL * 1024 * 1024) return fmt("%.1fMB", static_cast<double>(b) / (1024.0 * 1024.0));
  return fmt("%.2fGB", static_cast<double>(b) / (1024.0 * 1024.0 * 1024.0));
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

void op_table(std::ostringstream& os, const std::vector<ProfileStats::Op>& rows, double total, const char* last) {
  os << "  <% time> <sum %> <apply time> <time per call> <#call> <#apply> <" << last << ">\n";
  double sum = 0;
  for (const auto& op : rows) {
    sum += op.seconds;
    const double per_call = op.calls == 0 ? 0.0 : op.seconds / static_cast<double>(op.calls);
    os << "   " << percent(op.seconds, total) << "  " << percent(sum, total) << "  " << pad(seconds_text(op.seconds), 11)
       << "  " << pad(seconds_text(per_call), 14) << "  " << pad(std::to_string(op.calls), 6) << "  "
       << pad(std::to_string(op.applies), 7) << "   " << op.name << '\n';
  }
}

}  // namespace

std::string ProfileStats::summary(int n_apply) const {
  std::ostringstream os;
  const std::size_t n = n_apply < 0 ? steps.size() : static_cast<std::size_t>(n_apply);
  os << "Function profiling\n==================\n";
  os << "  Message: " << (name.empty() ? std::string("function") : "function '" + name + "'") << " made at " << where
     << '\n';
  os << "  Linker: " << linker << '\n';
  os << "  Time in " << calls << " call" << (calls == 1 ? "" : "s") << " to Function.__call__: "
     << seconds_text(call_seconds) << '\n';
  os << "  Time in steps: " << seconds_text(step_seconds) << " (" << percent(step_seconds, call_seconds)
     << " of the calls)\n";
  os << "  Overhead (call time outside steps): " << seconds_text(std::max(0.0, call_seconds - step_seconds)) << '\n';
  os << "  Total compile time: " << seconds_text(compile.total_seconds) << '\n';
  if (steps.empty()) os << "  No step ran yet.\n";

  os << "\nClass (per op; a fused kernel's time is split evenly between its nodes)\n---\n";
  op_table(os, ops(), step_seconds, "Op name");

  os << "\nKind (per kind of step)\n---\n";
  op_table(os, kinds(), step_seconds, "Kind");

  std::vector<const Step*> by_time;
  for (const Step& s : steps) by_time.push_back(&s);
  std::stable_sort(by_time.begin(), by_time.end(), [](const Step* a, const Step* b) { return a->seconds > b->seconds; });
  os << "\nApply (per step, slowest first)\n---\n";
  os << "  <% time> <sum %> <apply time> <time per call> <#call> <step> <Apply name>\n";
  double sum = 0;
  for (std::size_t i = 0; i < by_time.size() && i < n; ++i) {
    const Step& s = *by_time[i];
    sum += s.seconds;
    os << "   " << percent(s.seconds, step_seconds) << "  " << percent(sum, step_seconds) << "  "
       << pad(seconds_text(s.seconds), 11) << "  " << pad(seconds_text(s.per_call()), 14) << "  "
       << pad(std::to_string(s.calls), 6) << "  " << pad(std::to_string(s.index), 6) << "   " << s.name << "  ("
       << s.kind << ", " << s.where << ")\n";
    if (s.nodes.size() > 1) {
      for (const std::string& node : s.nodes) os << "        " << node << '\n';
    } else if (!s.nodes.empty()) {
      os << "        " << s.nodes[0] << '\n';
    }
    for (const Output& o : s.outputs) {
      os << "        output: " << o.type << (o.view ? ", a view" : ", " + bytes_text(o.bytes)) << '\n';
    }
  }
  if (by_time.size() > n) os << "   ... (" << by_time.size() - n << " more steps not shown)\n";

  std::vector<const Step*> by_bytes;
  for (const Step& s : steps) by_bytes.push_back(&s);
  std::stable_sort(by_bytes.begin(), by_bytes.end(), [](const Step* a, const Step* b) { return a->bytes() > b->bytes(); });
  os << "\nMemory\n---\n";
  os << "  Bytes of all step outputs: " << bytes_text(output_bytes()) << '\n';
  os << "  Peak of live intermediate memory (estimated from the schedule): " << bytes_text(peak_bytes) << '\n';
  os << "  <bytes> <step> <Apply name> <outputs>\n";
  for (std::size_t i = 0; i < by_bytes.size() && i < n; ++i) {
    const Step& s = *by_bytes[i];
    os << "  " << pad(bytes_text(s.bytes()), 9) << "  " << pad(std::to_string(s.index), 6) << "   " << s.name << "  ";
    for (std::size_t j = 0; j < s.outputs.size(); ++j) {
      os << (j ? "; " : "") << s.outputs[j].type << (s.outputs[j].view ? " (view)" : "");
    }
    os << '\n';
  }
  if (by_bytes.size() > n) os << "   ... (" << by_bytes.size() - n << " more steps not shown)\n";

  const CompileStats& c = compile;
  os << "\nCompile\n---\n";
  os << "  Total compile time: " << seconds_text(c.total_seconds) << '\n';
  os << "  Rewriting: " << seconds_text(c.rewrite_seconds) << '\n';
  for (const auto& ph : c.phases) {
    os << "    phase " << ph.name << ": " << seconds_text(ph.seconds) << " (" << ph.runs << " run"
       << (ph.runs == 1 ? "" : "s") << ")\n";
  }
  std::int64_t fired = 0;
  for (const auto& r : c.rules) fired += r.fired;
  os << "    rules: " << c.rules.size() << " tried, " << fired << " firing" << (fired == 1 ? "" : "s") << '\n';
  os << "    <time> <#tried> <#fired> <rule>\n";
  std::size_t shown = 0;
  for (const auto& r : c.rules) {
    if (shown++ >= n) break;
    os << "    " << pad(seconds_text(r.seconds), 10) << "  " << pad(std::to_string(r.attempts), 7) << "  "
       << pad(std::to_string(r.fired), 7) << "   " << r.phase << '/' << r.name << '\n';
  }
  if (c.rules.size() > n) {
    os << "    ... (" << c.rules.size() - n << " more rules not shown";
    const char* sep = "; those that fired:";
    for (std::size_t i = n; i < c.rules.size(); ++i) {
      if (c.rules[i].fired == 0) continue;
      os << std::exchange(sep, "") << ' ' << c.rules[i].phase << '/' << c.rules[i].name << '=' << c.rules[i].fired;
    }
    os << ")\n";
  }
  os << "  Lowering (" << c.linker << (c.linker == "cpu" ? ": schedule, fusion, kernel IR, render" : "")
     << "): " << seconds_text(c.lower_seconds) << '\n';
  if (c.compiled_module) {
    os << "  C++ compiler: " << seconds_text(c.cxx_seconds) << " for " << c.kernels << " kernel"
       << (c.kernels == 1 ? "" : "s") << (c.cache_hit ? " (module cache hit: no compiler ran)" : " (cache miss: compiled)")
       << '\n';
  } else {
    os << "  C++ compiler: not run (no kernel to compile)\n";
  }
  os << "  Interpreter plan: " << seconds_text(c.plan_seconds) << '\n';
  return os.str();
}

}  // namespace hypatia
