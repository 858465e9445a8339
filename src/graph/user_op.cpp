// User-defined ops (hypatia/op.hpp): a UserOp becomes an OpDef like a built-in one,
// kept in the registry's run-time table (graph/user_ops.hpp).
#include <algorithm>
#include <cctype>

#include "graph/op.hpp"
#include "graph/user_ops.hpp"
#include "hypatia/op.hpp"
#include "ops/op_util.hpp"

namespace hypatia {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':';
  });
}

// The user's kernels answer for their outputs here, with the op's name and the user's
// line (added by whoever runs the node), rather than as an internal error.
void check_outputs(const KernelArgs& a, const std::vector<Array>& out, const char* which) {
  const int want = a.node.num_outputs();
  if (static_cast<int>(out.size()) != want) {
    throw ValueError(std::string(which) + " returned " + std::to_string(out.size()) + " output" +
                     (out.size() == 1 ? "" : "s") + " where the op's type inference gave " + std::to_string(want));
  }
  for (int i = 0; i < want; ++i) {
    const Type& t = a.output_type(i);
    const Array& v = out[static_cast<std::size_t>(i)];
    if (!t.matches(v)) {
      throw ValueError(std::string(which) + " returned output " + std::to_string(i) + " as " +
                       std::string(dtype_name(v.dtype())) + " " + shape_str(v.shape()) +
                       " where the op's type inference gave " + t.str());
    }
  }
}

// The backends do not yet order or copy around ops that overwrite an input (no
// built-in op does), so a user op that declares one gets a private copy of that input
// to overwrite: the graph's value, which others may read, stays intact.
KernelFn checked(KernelFn f, const char* which, std::vector<int> destroyed) {
  return [f = std::move(f), which, destroyed = std::move(destroyed)](const KernelArgs& a) {
    std::vector<Array> out;
    if (destroyed.empty()) {
      out = f(a);
    } else {
      std::vector<Array> ins(a.inputs.begin(), a.inputs.end());
      for (int i : destroyed) {
        if (i < static_cast<int>(ins.size())) ins[static_cast<std::size_t>(i)] = ins[static_cast<std::size_t>(i)].copy();
      }
      out = f(KernelArgs{ins, a.node});
    }
    check_outputs(a, out, which);
    return out;
  };
}

// Without a shape rule, unknown sizes are read off the computed outputs.
std::vector<SymShape> shape_from_outputs(const ShapeArgs& a) {
  std::vector<SymShape> out;
  for (int i = 0; i < a.node.num_outputs(); ++i) out.push_back(detail::symbolic_shape(a.node.output(i), a.where));
  return out;
}

void check_pairs(const std::vector<std::pair<int, int>>& pairs, const char* what, const std::string& who) {
  for (const auto& [o, i] : pairs) {
    if (o < 0 || i < 0) {
      throw ValueError(who + ": aliasing " + what + " (" + std::to_string(o) + ", " + std::to_string(i) +
                       ") names a negative output or input index");
    }
  }
}

}  // namespace

void register_op(UserOp op, SourceLocation where) {
  const std::string who = format_location(where) + ": register_op('" + op.name + "')";
  if (!valid_name(op.name)) {
    throw ValueError(who + ": an op name is letters, digits, '_', '.' and ':', not starting with a digit");
  }
  auto taken = [&] {
    const bool builtin = !is_user_op(op.name);
    return ValueError(who + ": the name is taken by " + (builtin ? "a built-in op" : "an op registered before"));
  };
  if (OpRegistry::get().find(op.name) != nullptr) throw taken();
  if (op.summary.empty()) throw ValueError(who + ": the op has no summary (set_summary)");
  if (!op.infer) throw ValueError(who + ": the op has no type inference (set_infer)");
  if (!op.reference) throw ValueError(who + ": the op has no reference kernel (set_reference)");
  if (!op.vjp && op.not_differentiable_because.empty()) {
    throw ValueError(who + ": the op has neither a vjp (set_vjp) nor a reason why it has none (not_differentiable)");
  }
  if (op.vjp && !op.not_differentiable_because.empty()) {
    throw ValueError(who + ": the op has a vjp and is declared not differentiable");
  }
  if ((op.traits & (kLeaf | kReduction)) != 0) {
    throw ValueError(who + ": traits kLeaf and kReduction are for built-in ops only");
  }
  check_pairs(op.aliasing.views, "view", who);
  check_pairs(op.aliasing.destroys, "destroy", who);

  auto def = std::make_unique<OpDef>();
  def->name = op.name;
  def->summary = std::move(op.summary);
  def->traits = op.traits;
  def->infer = std::move(op.infer);
  def->shape = op.shape ? std::move(op.shape) : ShapeFn(&shape_from_outputs);
  std::vector<int> destroyed;
  for (const auto& [o, i] : op.aliasing.destroys) destroyed.push_back(i);
  def->reference = checked(std::move(op.reference), "the reference kernel", destroyed);
  if (op.cpu_kernel) def->cpu_kernel = checked(std::move(op.cpu_kernel), "the cpu kernel", destroyed);
  // Its own loop nest, run as a whole by the backends (never fused into a kernel).
  def->lowering = Lowering::loop_nest("user op");
  def->aliasing = std::move(op.aliasing);
  def->vjp = std::move(op.vjp);
  def->not_differentiable_because = std::move(op.not_differentiable_because);
  def->jvp = std::move(op.jvp);
  def->batch = std::move(op.batch);
  def->user_defined = true;
  if (!detail::UserOpTable::get().add(std::move(def))) throw taken();  // lost a race for the name
}

bool is_user_op(std::string_view name) { return detail::UserOpTable::get().find(name) != nullptr; }

std::vector<std::string> user_op_names() {
  std::vector<std::string> names;
  for (const OpDef* op : OpRegistry::user_ops()) names.push_back(op->name);
  return names;
}

std::vector<Variable> apply_op(std::string_view name, std::vector<Variable> inputs, Attrs attrs,
                               SourceLocation where) {
  if (OpRegistry::get().find(name) == nullptr) {
    throw ValueError(format_location(where) + ": apply_op: no op named '" + std::string(name) +
                     "' is registered (register_op registers one)");
  }
  return apply(name, std::move(inputs), std::move(attrs), where);
}

Variable apply_op1(std::string_view name, std::vector<Variable> inputs, Attrs attrs, SourceLocation where) {
  std::vector<Variable> out = apply_op(name, std::move(inputs), std::move(attrs), where);
  if (out.size() != 1) {
    throw ValueError(format_location(where) + ": apply_op1: op '" + std::string(name) + "' has " +
                     std::to_string(out.size()) + " outputs; use apply_op");
  }
  return out[0];
}

}  // namespace hypatia
