#include "backend/cpu/executor.hpp"

#include <algorithm>
#include <atomic>
#include <queue>
#include <unordered_map>
#include <utility>

#include "backend/cpu/call_state.hpp"
#include "backend/cpu/library.hpp"
#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/render.hpp"
#include "backend/interp/interp.hpp"
#include "graph/op.hpp"
#include "lower/fuse.hpp"
#include "lower/memory_plan.hpp"
#include "lower/schedule.hpp"
#include "lower/to_kernel_ir.hpp"
#include "ops/op_util.hpp"

namespace hypatia::cpu {

namespace {

// The generated loops keep a fixed-size index (hp::run in the prelude).
constexpr int kMaxRank = 64;

struct KernelStep {
  KernelFn fn = nullptr;
  std::string name;
  lower::Group group;
  std::vector<Variable> inputs, outputs;
  std::vector<int> in_slots, out_slots;
  int rank = 0;  // of the iteration space
  // Reductions.
  bool reduction = false;
  std::vector<bool> mask;
  bool keepdims = false;
  bool needs_elements = false;  // max, min: no identity, an empty selection is an error
  // Groups with several outputs whose static shapes have unknown sizes: per output,
  // the input operands it depends on (its run-time shape is their broadcast).
  std::vector<std::vector<int>> output_inputs;
  // Per output, whether it is a function output or a temporary (from the memory plan).
  std::vector<std::uint8_t> out_temporary;
  // (output, input) pairs that may share a buffer if the run-time checks pass.
  std::vector<lower::InPlace> in_place;
  // The kernel has checks (kir `check`): it reports a failure through one more
  // operand, and then the group runs by reference (run_kernel).
  bool can_fail = false;
};

struct Step {
  enum class Kind : std::uint8_t { argument, constant, kernel, library, native, reference };
  Kind kind = Kind::reference;
  std::shared_ptr<const Node> node;
  std::vector<int> in, out;
  int index = -1;  // argument position, or kernel
  const LibraryCall* call = nullptr;
  NativeKernel native = nullptr;  // native_kernels.hpp
  Array value;
};

}  // namespace

struct ExecutablePlan {
  std::vector<Step> steps;
  std::vector<KernelStep> kernels;
  std::vector<int> output_slots;
  lower::MemoryPlan memory;
  int num_slots = 0;
  std::shared_ptr<const Module> module;
  std::string source;
  Array released;  // what a dead slot holds: no buffer of its own
  mutable CallStates states;
  mutable std::atomic<std::int64_t> calls{0}, allocated{0}, reused{0}, in_place{0};
};

namespace {

// Orders the units (groups and single nodes) topologically, each as close to its
// schedule position as its inputs allow.
std::vector<int> order_units(const std::vector<std::vector<int>>& unit_nodes, const std::vector<int>& unit_of,
                             const std::vector<std::vector<int>>& node_inputs) {
  const std::size_t n = unit_nodes.size();
  std::vector<std::vector<int>> users(n);
  std::vector<int> pending(n, 0);
  for (std::size_t u = 0; u < n; ++u) {
    std::vector<int> deps;
    for (int node : unit_nodes[u]) {
      for (int in : node_inputs[static_cast<std::size_t>(node)]) {
        const int d = unit_of[static_cast<std::size_t>(in)];
        if (d != static_cast<int>(u) && std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
      }
    }
    pending[u] = static_cast<int>(deps.size());
    for (int d : deps) users[static_cast<std::size_t>(d)].push_back(static_cast<int>(u));
  }
  using Entry = std::pair<int, int>;  // (last node's position, unit)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  for (std::size_t u = 0; u < n; ++u) {
    if (pending[u] == 0) ready.emplace(unit_nodes[u].back(), static_cast<int>(u));
  }
  std::vector<int> out;
  while (!ready.empty()) {
    const int u = ready.top().second;
    ready.pop();
    out.push_back(u);
    for (int v : users[static_cast<std::size_t>(u)]) {
      if (--pending[static_cast<std::size_t>(v)] == 0) ready.emplace(unit_nodes[static_cast<std::size_t>(v)].back(), v);
    }
  }
  if (out.size() != n) throw InternalError("cpu executor: the fused groups form a cycle");
  return out;
}

// The (output, input) pairs of an elementwise kernel whose buffers may be one: the
// ops allow it (every node elementwise, none a view of its input), the input has the
// output's dtype and rank, is not a uniform (0-d) operand, the output is computed
// from it (so every point loads the input before it stores the output there), and no
// statement after that store uses the input (the generated pointers are __restrict:
// the compiler may reload an input after a store to another operand).
std::vector<std::pair<int, int>> in_place_pairs(const kir::Kernel& kernel, const lower::Group& g,
                                                const std::vector<Variable>& inputs,
                                                const std::vector<Variable>& outputs) {
  // A failing kernel's group reruns by reference: its inputs must still be intact.
  if (g.reduction != nullptr || kernel.can_fail()) return {};
  for (const Node* node : g.nodes) {
    const OpDef& op = node->op();
    if (!op.has(kElementwise) || !op.aliasing || !op.aliasing->views.empty()) return {};
  }
  const auto nin = static_cast<std::size_t>(kernel.num_inputs());
  const std::size_t n = kernel.body.size();
  // The input operands each statement's value depends on.
  std::vector<std::vector<bool>> deps(n, std::vector<bool>(nin, false));
  for (std::size_t i = 0; i < n; ++i) {
    const kir::Stmt& st = kernel.body[i];
    if (st.kind == kir::StmtKind::load) deps[i][static_cast<std::size_t>(st.operand)] = true;
    for (int a : st.args) {
      for (std::size_t k = 0; k < nin; ++k) deps[i][k] = deps[i][k] || deps[static_cast<std::size_t>(a)][k];
    }
  }
  std::vector<std::pair<int, int>> pairs;
  for (std::size_t i = 0; i < n; ++i) {
    const kir::Stmt& st = kernel.body[i];
    if (st.kind != kir::StmtKind::store) continue;
    const int out = st.operand - static_cast<int>(nin);
    const Variable& o = outputs[static_cast<std::size_t>(out)];
    for (std::size_t k = 0; k < nin; ++k) {
      const Variable& in = inputs[k];
      bool later = false;
      for (std::size_t j = i + 1; j < n && !later; ++j) later = deps[j][k];
      if (deps[i][k] && !later && !kernel.operands[k].uniform && in.dtype() == o.dtype() && in.ndim() == o.ndim()) {
        pairs.emplace_back(out, static_cast<int>(k));
      }
    }
  }
  return pairs;
}

}  // namespace

Executable::Executable(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                       const CompilerOptions& options)
    : plan_(std::make_unique<ExecutablePlan>()) {
  ExecutablePlan& p = *plan_;
  const lower::Schedule order = lower::schedule(outputs);
  const lower::Positions pos(order);
  const std::vector<lower::Group> groups = lower::fuse(order, outputs);

  // Units: every group, then every node outside the groups.
  const std::size_t n = order.size();
  std::vector<int> unit_of(n, -1);
  std::vector<std::vector<int>> unit_nodes;
  for (const lower::Group& g : groups) {
    std::vector<int> nodes;
    for (const Node* node : g.nodes) {
      nodes.push_back(pos.at(node));
      unit_of[static_cast<std::size_t>(nodes.back())] = static_cast<int>(unit_nodes.size());
    }
    unit_nodes.push_back(std::move(nodes));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (unit_of[i] < 0) {
      unit_of[i] = static_cast<int>(unit_nodes.size());
      unit_nodes.push_back({static_cast<int>(i)});
    }
  }
  std::vector<std::vector<int>> node_inputs(n);
  std::vector<bool> used_outside(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    for (const Variable& in : order[i]->inputs()) {
      const int j = pos.at(&in.node());
      node_inputs[i].push_back(j);
      if (unit_of[static_cast<std::size_t>(j)] != unit_of[i]) used_outside[static_cast<std::size_t>(j)] = true;
    }
  }
  for (const Variable& v : outputs) used_outside[static_cast<std::size_t>(pos.at(&v.node()))] = true;

  std::unordered_map<const Node*, int> argument_of;
  for (std::size_t i = 0; i < inputs.size(); ++i) argument_of[&inputs[i].node()] = static_cast<int>(i);
  std::unordered_map<Variable, int, VariableHash> slot_of;
  auto new_slot = [&](const Variable& v) {
    const int s = p.num_slots++;
    slot_of[v] = s;
    return s;
  };
  auto slot = [&](const Variable& v) {
    auto it = slot_of.find(v);
    if (it == slot_of.end()) throw InternalError("cpu executor: a value is read before it is made");
    return it->second;
  };

  std::vector<kir::Kernel> kernels;
  for (int u : order_units(unit_nodes, unit_of, node_inputs)) {
    const std::vector<int>& members = unit_nodes[static_cast<std::size_t>(u)];
    if (u < static_cast<int>(groups.size())) {
      const lower::Group& g = groups[static_cast<std::size_t>(u)];
      std::vector<bool> outside;
      for (int m : members) outside.push_back(used_outside[static_cast<std::size_t>(m)]);
      KernelStep k;
      k.name = "k" + std::to_string(p.kernels.size());
      lower::LoweredGroup lowered = lower::to_kernel_ir(g, k.name, outside);
      k.group = g;
      k.can_fail = lowered.kernel.can_fail();
      k.inputs = lowered.inputs;
      k.outputs = lowered.outputs;
      for (const Variable& v : k.inputs) k.in_slots.push_back(slot(v));
      for (const Variable& v : k.outputs) k.out_slots.push_back(new_slot(v));
      if (g.reduction) {
        const Variable& x = g.reduction->inputs()[0];
        k.reduction = true;
        k.rank = x.ndim();
        k.mask = detail::reduced_mask(g.reduction->attrs(), k.rank);
        k.keepdims = g.reduction->attrs().get_bool("keepdims");
        const ReducePrim r = g.reduction->op().lowering->reduce;
        k.needs_elements = (r == ReducePrim::max || r == ReducePrim::min) &&
                           !(g.reduction->attrs().has("empty_identity") && is_float(g.reduction->output_types()[0].dtype));
      } else {
        k.rank = k.outputs[0].ndim();
        bool unknown = false;
        for (const Variable& v : k.outputs) {
          for (std::int64_t d : v.type().shape) unknown = unknown || d == kUnknownDim;
        }
        if (k.outputs.size() > 1 && unknown) {
          // The inputs each node's value depends on, in group order.
          std::vector<std::pair<const Node*, std::vector<int>>> deps;
          auto deps_of = [&](const Variable& v) {
            std::vector<int> d;
            for (std::size_t i = 0; i < k.inputs.size(); ++i) {
              if (k.inputs[i] == v) d.push_back(static_cast<int>(i));
            }
            for (const auto& [node, nd] : deps) {
              if (node == &v.node()) d.insert(d.end(), nd.begin(), nd.end());
            }
            return d;
          };
          for (const Node* node : g.nodes) {
            std::vector<int> d;
            for (const Variable& in : node->inputs()) {
              for (int i : deps_of(in)) {
                if (std::find(d.begin(), d.end(), i) == d.end()) d.push_back(i);
              }
            }
            deps.emplace_back(node, std::move(d));
          }
          for (const Variable& v : k.outputs) {
            for (const auto& [node, d] : deps) {
              if (node == &v.node()) k.output_inputs.push_back(d);
            }
          }
        }
      }
      kernels.push_back(std::move(lowered.kernel));
      Step s;
      s.kind = Step::Kind::kernel;
      s.in = k.in_slots;
      s.out = k.out_slots;
      s.index = static_cast<int>(p.kernels.size());
      p.kernels.push_back(std::move(k));
      p.steps.push_back(std::move(s));
      continue;
    }
    const auto& node = order[static_cast<std::size_t>(members[0])];
    Step s;
    s.node = node;
    for (const Variable& in : node->inputs()) s.in.push_back(slot(in));
    for (int i = 0; i < node->num_outputs(); ++i) s.out.push_back(new_slot(node->output(i)));
    if (node->op().name == "input") {
      s.kind = Step::Kind::argument;
      s.index = argument_of.at(node.get());
    } else if (node->op().name == "constant") {
      s.kind = Step::Kind::constant;
      s.value = node->attrs().get<Array>("value");
    } else if (const LibraryCall* call = node->op().lowering && node->op().lowering->kind == Lowering::Kind::library
                                             ? find_library_call(*node)
                                             : nullptr) {
      s.kind = Step::Kind::library;
      s.call = call;
    } else if (const NativeKernel* native = find_native_kernel(*node)) {
      s.kind = Step::Kind::native;
      s.native = *native;
    } else {
      s.kind = Step::Kind::reference;
    }
    p.steps.push_back(std::move(s));
  }
  for (const Variable& v : outputs) p.output_slots.push_back(slot(v));
  std::vector<lower::StepUse> uses;
  std::vector<int> external;
  for (const Step& s : p.steps) {
    lower::StepUse u{s.in, s.out, {}};
    if (s.kind == Step::Kind::kernel) {
      const KernelStep& k = p.kernels[static_cast<std::size_t>(s.index)];
      u.in_place = in_place_pairs(kernels[static_cast<std::size_t>(s.index)], k.group, k.inputs, k.outputs);
    } else if (s.kind == Step::Kind::argument || s.kind == Step::Kind::constant) {
      external.insert(external.end(), s.out.begin(), s.out.end());
    }
    uses.push_back(std::move(u));
  }
  p.memory = lower::plan_memory(uses, p.num_slots, p.output_slots, external);
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const Step& s = p.steps[i];
    if (s.kind != Step::Kind::kernel) continue;
    KernelStep& k = p.kernels[static_cast<std::size_t>(s.index)];
    k.in_place = p.memory.in_place[i];
    for (int slot : k.out_slots) k.out_temporary.push_back(p.memory.kept[static_cast<std::size_t>(slot)] ? 0 : 1);
  }

  if (!kernels.empty()) {
    p.source = render_module(kernels);
    p.module = compile_module(p.source, options);
    for (KernelStep& k : p.kernels) {
      if (k.in_slots.size() + k.out_slots.size() + (k.can_fail ? 1 : 0) <= static_cast<std::size_t>(kMaxOperands)) {
        k.fn = reinterpret_cast<KernelFn>(p.module->symbol(k.name));
      }
    }
  }
}

Executable::~Executable() = default;

namespace {

// The group's nodes by their reference kernels: the interpreter's results and errors.
void run_by_reference(const KernelStep& k, CallState& c) {
  std::vector<std::pair<const Node*, Array>> made;
  auto value = [&](const Variable& v) -> Array {
    for (const auto& [node, a] : made) {
      if (node == &v.node()) return a;
    }
    for (std::size_t i = 0; i < k.inputs.size(); ++i) {
      if (k.inputs[i] == v) return *c.value[static_cast<std::size_t>(k.in_slots[i])];
    }
    return v.constant_value();  // a 0-d constant the kernel inlined
  };
  for (const Node* node : k.group.nodes) {
    std::vector<Array> ins;
    for (const Variable& in : node->inputs()) ins.push_back(value(in));
    made.emplace_back(node, interp::run_node(*node, ins)[0]);
  }
  for (std::size_t j = 0; j < k.outputs.size(); ++j) {
    const auto s = static_cast<std::size_t>(k.out_slots[j]);
    c.own[s] = value(k.outputs[j]);
    c.value[s] = &c.own[s];
  }
}

// Broadcasts `shape` (right-aligned) into `into`; false when they clash.
bool broadcast_into(const Shape& shape, Shape& into) {
  const std::size_t rank = into.size();
  if (shape.size() > rank) return false;
  const std::size_t lead = rank - shape.size();
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::int64_t s = shape[d];
    std::int64_t& t = into[lead + d];
    if (s == 1) continue;
    if (t == 1) {
      t = s;
    } else if (t != s) {
      return false;
    }
  }
  return true;
}

bool is_c_contiguous(const Array& a) {
  std::int64_t expected = static_cast<std::int64_t>(a.itemsize());
  for (int d = a.ndim() - 1; d >= 0; --d) {
    const auto du = static_cast<std::size_t>(d);
    if (a.shape()[du] != 1 && a.strides()[du] != expected) return false;
    expected *= a.shape()[du];
  }
  return true;
}

// Output j's array: an input's buffer where the plan allows it and the input is a
// sole-owned, C-contiguous array of exactly the output's shape; else a dead
// temporary's buffer from the pool (for temporaries) or a new one (for outputs).
void make_output(const KernelStep& k, std::size_t j, CallState& c) {
  const auto slot = static_cast<std::size_t>(k.out_slots[j]);
  const DType dtype = k.outputs[j].dtype();
  for (const lower::InPlace& ip : k.in_place) {
    if (ip.output != static_cast<int>(j)) continue;
    const auto in_slot = static_cast<std::size_t>(k.in_slots[static_cast<std::size_t>(ip.input)]);
    const Array& in = c.own[in_slot];
    // c.value[in_slot] is &c.own[in_slot] for a temporary; the plan never pairs others.
    if (c.value[in_slot] == &in && in.dtype() == dtype && in.shape() == c.out_shape &&
        in.buffer().use_count() == 1 && in.buffer()->owned() && is_c_contiguous(in)) {
      c.own[slot] = in;
      c.value[slot] = &c.own[slot];
      ++c.in_place;
      return;
    }
  }
  if (k.out_temporary[j]) {
    const std::size_t nbytes = static_cast<std::size_t>(shape_size(c.out_shape)) * dtype_size(dtype);
    c.own[slot] = Array::view_of(c.take(nbytes), dtype, c.out_shape, contiguous_strides(c.out_shape, dtype_size(dtype)), 0);
  } else {
    c.own[slot] = Array::empty(dtype, c.out_shape);
    ++c.allocated;
  }
  c.value[slot] = &c.own[slot];
}

void run_kernel(const KernelStep& k, CallState& c) {
  const std::size_t nin = k.in_slots.size(), nout = k.out_slots.size(), ops = nin + nout;
  const std::size_t rank = static_cast<std::size_t>(k.rank);
  Shape& shape = c.shape;
  shape.assign(rank, 1);
  bool ok = true;
  for (int s : k.in_slots) ok = ok && broadcast_into(c.value[static_cast<std::size_t>(s)]->shape(), shape);
  for (const std::vector<int>& deps : k.output_inputs) {
    c.own_shape.assign(rank, 1);
    for (int i : deps) {
      broadcast_into(c.value[static_cast<std::size_t>(k.in_slots[static_cast<std::size_t>(i)])]->shape(), c.own_shape);
    }
    ok = ok && c.own_shape == shape;
  }
  std::int64_t count = 1;
  Shape& out_shape = c.out_shape;
  out_shape.clear();
  if (k.reduction) {
    for (std::size_t d = 0; d < rank; ++d) {
      if (k.mask[d]) {
        count *= shape[d];
        if (k.keepdims) out_shape.push_back(1);
      } else {
        out_shape.push_back(shape[d]);
      }
    }
    if (count == 0 && k.needs_elements) ok = false;
  } else {
    out_shape = shape;
  }
  if (!ok || k.fn == nullptr) {
    run_by_reference(k, c);
    return;
  }

  // Strides over the iteration space, operand-major.
  std::vector<std::int64_t>& st = c.st;
  st.assign(ops * rank, 0);
  std::vector<char*>& base = c.base;
  base.resize(ops);
  for (std::size_t i = 0; i < nin; ++i) {
    const Array& a = *c.value[static_cast<std::size_t>(k.in_slots[i])];
    const std::size_t lead = rank - static_cast<std::size_t>(a.ndim());
    for (std::size_t d = 0; d < static_cast<std::size_t>(a.ndim()); ++d) {
      st[i * rank + lead + d] = a.shape()[d] == 1 ? 0 : a.strides()[d];
    }
    base[i] = reinterpret_cast<char*>(a.data());
  }
  for (std::size_t j = 0; j < nout; ++j) {
    make_output(k, j, c);
    const Array& out = c.own[static_cast<std::size_t>(k.out_slots[j])];
    const std::size_t o = nin + j;
    const Strides& os = out.strides();
    if (k.reduction) {
      std::size_t od = 0;
      for (std::size_t d = 0; d < rank; ++d) {
        if (!k.mask[d]) {
          st[o * rank + d] = os[od++];
        } else if (k.keepdims) {
          ++od;
        }
      }
    } else {
      for (std::size_t d = 0; d < rank; ++d) st[o * rank + d] = shape[d] == 1 ? 0 : os[d];
    }
    base[o] = reinterpret_cast<char*>(out.data());
  }

  // Collapse: drop size-1 dimensions, merge neighbours contiguous in every operand.
  std::vector<std::int64_t>& cshape = c.cshape;
  std::vector<std::size_t>& from = c.from;  // the original dimension each collapsed one ends at
  cshape.clear();
  from.clear();
  for (std::size_t d = 0; d < rank; ++d) {
    if (shape[d] == 1) continue;
    bool merge = !cshape.empty();
    for (std::size_t o = 0; merge && o < ops; ++o) merge = st[o * rank + from.back()] == st[o * rank + d] * shape[d];
    if (merge) {
      cshape.back() *= shape[d];
      from.back() = d;
    } else {
      cshape.push_back(shape[d]);
      from.push_back(d);
    }
  }
  const std::size_t nd = cshape.size();
  if (nd > static_cast<std::size_t>(kMaxRank)) {
    run_by_reference(k, c);
    return;
  }
  std::vector<std::int64_t>& cst = c.cst;
  cst.resize(ops * nd);
  for (std::size_t o = 0; o < ops; ++o) {
    for (std::size_t d = 0; d < nd; ++d) cst[o * nd + d] = st[o * rank + from[d]];
  }
  if (!k.can_fail) {
    k.fn(static_cast<std::int64_t>(nd), cshape.data(), base.data(), cst.data(), shape_size(out_shape), count);
    return;
  }
  // The failure flag: one more operand, zero strides (render.cpp, fail_flag).
  int failed = 0;
  base.push_back(reinterpret_cast<char*>(&failed));
  cst.resize(cst.size() + nd, 0);
  k.fn(static_cast<std::int64_t>(nd), cshape.data(), base.data(), cst.data(), shape_size(out_shape), count);
  if (__atomic_load_n(&failed, __ATOMIC_RELAXED) != 0) run_by_reference(k, c);  // raises the reference's error
}

void run_step(const ExecutablePlan& p, const Step& step, CallState& c) {
  switch (step.kind) {
    case Step::Kind::argument:
      break;  // run_steps binds arguments
    case Step::Kind::constant:
      c.value[static_cast<std::size_t>(step.out[0])] = &step.value;
      break;
    case Step::Kind::kernel:
      run_kernel(p.kernels[static_cast<std::size_t>(step.index)], c);
      break;
    case Step::Kind::library:
    case Step::Kind::native:
    case Step::Kind::reference: {
      std::vector<Array>& ins = c.ins;
      ins.clear();
      for (int i : step.in) ins.push_back(*c.value[static_cast<std::size_t>(i)]);
      std::vector<Array> outs;
      if (step.kind == Step::Kind::library) {
        try {
          outs = (*step.call)(*step.node, ins);
        } catch (const UserError&) {
          outs = interp::run_node(*step.node, ins);  // raises the interpreter's error
        }
      } else if (step.kind == Step::Kind::native) {
        outs = run_native(step.native, *step.node, ins);
      } else {
        outs = interp::run_node(*step.node, ins);
      }
      ins.clear();
      for (std::size_t j = 0; j < step.out.size(); ++j) {
        const auto slot = static_cast<std::size_t>(step.out[j]);
        c.own[slot] = std::move(outs[j]);
        c.value[slot] = &c.own[slot];
      }
      break;
    }
  }
}

const char* kind_name(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::kernel: return "kernel";
    case Step::Kind::library: return "library";
    case Step::Kind::native: return "native";
    default: return "reference";
  }
}

// One step seen by an observer (step_observer.hpp): what it reads and writes, as
// variables and values.
void run_observed(const ExecutablePlan& p, const Step& step, int index, CallState& c, StepObserver& observer) {
  std::vector<std::shared_ptr<const Node>> nodes;
  std::vector<Variable> outputs;
  const std::vector<Variable>* inputs = nullptr;
  if (step.kind == Step::Kind::kernel) {
    const KernelStep& k = p.kernels[static_cast<std::size_t>(step.index)];
    for (const Node* n : k.group.nodes) nodes.push_back(n->shared_from_this());
    inputs = &k.inputs;
    outputs = k.outputs;
  } else {
    nodes.push_back(step.node);
    inputs = &step.node->inputs();
    for (int i = 0; i < step.node->num_outputs(); ++i) outputs.push_back(step.node->output(i));
  }
  const StepView view{index, kind_name(step.kind), nodes, *inputs, outputs};
  std::vector<Array> in_values, out_values;
  for (int i : step.in) in_values.push_back(*c.value[static_cast<std::size_t>(i)]);
  observer.before(view, in_values);
  run_step(p, step, c);
  for (int i : step.out) out_values.push_back(*c.value[static_cast<std::size_t>(i)]);
  observer.after(view, in_values, out_values);
}

void run_steps(const ExecutablePlan& p, const std::vector<Array>& args, CallState& c, StepObserver* observer) {
  for (std::size_t s = 0; s < p.steps.size(); ++s) {
    const Step& step = p.steps[s];
    if (step.kind == Step::Kind::argument) {
      c.value[static_cast<std::size_t>(step.out[0])] = &args[static_cast<std::size_t>(step.index)];
    } else if (observer != nullptr && step.kind != Step::Kind::constant) {
      run_observed(p, step, static_cast<int>(s), c, *observer);
    } else {
      run_step(p, step, c);
    }
    // Dead temporaries: a buffer nobody else holds (no view of it lives) goes to the pool.
    for (int dead : p.memory.free_after[s]) {
      Array& a = c.own[static_cast<std::size_t>(dead)];
      const std::shared_ptr<Buffer>& b = a.buffer();
      if (b && b.use_count() == 1 && b->owned()) c.give(b);
      a = p.released;
      c.value[static_cast<std::size_t>(dead)] = nullptr;
    }
  }
}


}  // namespace

std::vector<Array> Executable::run(const std::vector<Array>& args, StepObserver* observer) const {
  const ExecutablePlan& p = *plan_;
  std::unique_ptr<CallState> c = p.states.acquire();
  const auto n = static_cast<std::size_t>(p.num_slots);
  if (c->own.size() != n) {
    c->own.assign(n, p.released);
    c->value.assign(n, nullptr);
  }
  std::vector<Array> results;
  try {
    run_steps(p, args, *c, observer);
    results.reserve(p.output_slots.size());
    for (std::size_t i = 0; i < p.output_slots.size(); ++i) {
      const auto slot = static_cast<std::size_t>(p.output_slots[i]);
      // A slot listed twice, an argument or a constant: the same array again
      // (Function copies what is not the caller's own); else the call's value moves out.
      std::size_t first = i;
      for (std::size_t q = 0; q < i && first == i; ++q) first = p.output_slots[q] == p.output_slots[i] ? q : i;
      if (first != i) {
        results.push_back(results[first]);
      } else if (p.memory.external[slot]) {
        results.push_back(*c->value[slot]);
      } else {
        // Left moved-from: nothing reads an output's slot before the next call sets it.
        results.push_back(std::move(c->own[slot]));
      }
    }
  } catch (...) {
    // A failed call leaves no value behind (its temporaries may hold big buffers).
    for (std::size_t s = 0; s < n; ++s) c->own[s] = p.released;
    c->free.clear();
    c->draws = c->allocated = c->reused = c->in_place = 0;
    p.states.release(std::move(c));
    throw;
  }
  c->trim();
  p.calls.fetch_add(1, std::memory_order_relaxed);
  // Only counts that moved: each atomic add costs a tiny call a few nanoseconds.
  if (c->allocated != 0) p.allocated.fetch_add(std::exchange(c->allocated, 0), std::memory_order_relaxed);
  if (c->reused != 0) p.reused.fetch_add(std::exchange(c->reused, 0), std::memory_order_relaxed);
  if (c->in_place != 0) p.in_place.fetch_add(std::exchange(c->in_place, 0), std::memory_order_relaxed);
  p.states.release(std::move(c));
  return results;
}

std::vector<Array> Executable::run_step_alone(int index, const std::vector<Array>& inputs) const {
  const ExecutablePlan& p = *plan_;
  if (index < 0 || index >= static_cast<int>(p.steps.size())) {
    throw InternalError("cpu executor: no step " + std::to_string(index));
  }
  const Step& step = p.steps[static_cast<std::size_t>(index)];
  if (step.kind == Step::Kind::argument || step.kind == Step::Kind::constant) {
    throw InternalError("cpu executor: step " + std::to_string(index) + " is an argument or a constant");
  }
  if (inputs.size() != step.in.size()) {
    throw InternalError("cpu executor: step " + std::to_string(index) + " reads " + std::to_string(step.in.size()) +
                        " inputs, given " + std::to_string(inputs.size()));
  }
  // A node that overwrites an input (Aliasing::destroys) gets copies.
  bool destroys = false;
  if (step.kind == Step::Kind::kernel) {
    for (const Node* n : p.kernels[static_cast<std::size_t>(step.index)].group.nodes) {
      destroys = destroys || (n->op().aliasing && !n->op().aliasing->destroys.empty());
    }
  } else {
    destroys = step.node->op().aliasing && !step.node->op().aliasing->destroys.empty();
  }
  std::vector<Array> ins;
  if (destroys) {
    for (const Array& a : inputs) ins.push_back(a.copy());
  }
  const std::vector<Array>& bound = destroys ? ins : inputs;
  CallState c;
  const auto n = static_cast<std::size_t>(p.num_slots);
  c.own.assign(n, p.released);
  c.value.assign(n, nullptr);
  // Inputs bound by pointer, not into own[]: make_output writes in place only over a
  // slot whose value is its own (a temporary of this call).
  for (std::size_t i = step.in.size(); i-- > 0;) c.value[static_cast<std::size_t>(step.in[i])] = &bound[i];
  run_step(p, step, c);
  std::vector<Array> out;
  out.reserve(step.out.size());
  for (int s : step.out) out.push_back(*c.value[static_cast<std::size_t>(s)]);
  return out;
}

Executable::MemoryStats Executable::memory_stats() const {
  const ExecutablePlan& p = *plan_;
  return {p.calls.load(), p.allocated.load(), p.reused.load(), p.in_place.load()};
}

std::vector<std::string> Executable::in_place_plan() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < plan_->kernels.size(); ++i) {
    for (const lower::InPlace& ip : plan_->kernels[i].in_place) {
      out.push_back("k" + std::to_string(i) + ": out" + std::to_string(ip.output) + " <- in" + std::to_string(ip.input));
    }
  }
  return out;
}

const std::string& Executable::source() const { return plan_->source; }
const Module* Executable::module() const { return plan_->module.get(); }
int Executable::num_kernels() const { return static_cast<int>(plan_->kernels.size()); }

std::vector<std::string> Executable::reference_ops() const {
  std::vector<std::string> out;
  for (const Step& s : plan_->steps) {
    if (s.kind == Step::Kind::reference) out.push_back(s.node->op().name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Executable::native_ops() const {
  std::vector<std::string> out;
  for (const Step& s : plan_->steps) {
    if (s.kind == Step::Kind::native) out.push_back(s.node->op().name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Executable::StepInfo> Executable::steps() const {
  std::vector<StepInfo> out;
  for (const Step& s : plan_->steps) {
    if (s.kind == Step::Kind::argument || s.kind == Step::Kind::constant) continue;
    StepInfo info{kind_name(s.kind), {}, {}};
    if (s.kind == Step::Kind::kernel) {
      const KernelStep& k = plan_->kernels[static_cast<std::size_t>(s.index)];
      info.name = k.name;
      for (const Node* n : k.group.nodes) info.nodes.push_back(n->shared_from_this());
    } else {
      info.name = s.node->op().name;
      info.nodes.push_back(s.node);
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> Executable::library_ops() const {
  std::vector<std::string> out;
  for (const Step& s : plan_->steps) {
    if (s.kind == Step::Kind::library) out.push_back(s.node->op().name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hypatia::cpu
