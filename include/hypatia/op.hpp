// The op contract's parts, and user-defined ops.
//
// Every op, built-in or the user's, is the same set of parts: a summary, traits, type
// inference, symbolic shape inference, a reference kernel, aliasing facts (Theano's
// view_map and destroy_map), and differentiation rules (vjp and jvp, or why there is
// no gradient) plus a batch rule for vectorized jacobians. The built-in ops declare
// them in src/ops/ (src/graph/op.hpp adds what only the core uses: the lowering);
// a program declares its own with `UserOp` and `register_op`, and applies them with
// `apply_op`:
//
//   register_op(UserOp("scaled_square")
//                   .set_summary("x * x * k, elementwise.")
//                   .set_infer([](const InferArgs& a) { return std::vector<Type>{a.type(0)}; })
//                   .set_reference(...)                  // the meaning: plain loops
//                   .set_vjp(...).set_jvp(...)           // or .not_differentiable("because ...")
//                   .set_cpu_kernel(...));               // optional: a faster kernel
//   Variable y = apply_op1("scaled_square", {x}, Attrs{{"k", 2.0}});
//
// A user op's node is like any other: hash-consed, rewritten around, differentiated
// through its vjp, run by the interpreter through its reference kernel and by the cpu
// backend through its cpu kernel when it has one (else the reference kernel);
// DebugMode compares the two.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/source_location.hpp"

namespace hypatia {

// Traits: facts about an op that generic rewrites and passes read.
enum Trait : std::uint32_t {
  kElementwise = 1u << 0,        // output[i] depends on broadcast inputs[i] only
  kCommutative = 1u << 1,        // f(a, b) == f(b, a)
  kAssociative = 1u << 2,        // f(f(a, b), c) == f(a, f(b, c))
  kLinear = 1u << 3,             // linear in each input
  kPure = 1u << 4,               // no side effects, deterministic
  kMonotoneIncreasing = 1u << 5, // unary and non-decreasing
  kReduction = 1u << 6,          // reduces axes of its first input
  kShapeOnly = 1u << 7,          // moves or reinterprets elements without arithmetic
  kLeaf = 1u << 8,               // an input or constant: no inputs, no kernel
};
using Traits = std::uint32_t;

// A symbolic shape: one int64 scalar Variable per dimension.
using SymShape = std::vector<Variable>;

// Type inference: the output types (dtype and static shape) from the input types and
// the attributes. Throws TypeError/ShapeError/ValueError for inputs the op rejects;
// apply() adds the user's line and the op's name.
struct InferArgs {
  std::span<const Variable> inputs;
  const Attrs& attrs;
  SourceLocation where;
  const Type& type(int i) const { return inputs[static_cast<std::size_t>(i)].type(); }
  int num_inputs() const { return static_cast<int>(inputs.size()); }
};
using InferFn = std::function<std::vector<Type>(const InferArgs&)>;

// Symbolic shape inference: each output's shape as int64 scalar Variables built from
// the input shapes (so a shape is known without running the op).
struct ShapeArgs {
  const Node& node;
  std::vector<SymShape> input_shapes;
  SourceLocation where;
};
using ShapeFn = std::function<std::vector<SymShape>(const ShapeArgs&)>;

// A kernel: the output arrays from the input arrays (of any strides, possibly empty).
struct KernelArgs {
  std::span<const Array> inputs;
  const Node& node;
  const Attrs& attrs() const { return node.attrs(); }
  const Type& output_type(int i) const { return node.output_types()[static_cast<std::size_t>(i)]; }
};
using KernelFn = std::function<std::vector<Array>(const KernelArgs&)>;

// Aliasing facts as data (Theano's view_map and destroy_map).
struct Aliasing {
  std::vector<std::pair<int, int>> views;     // (output, input): output may view input
  std::vector<std::pair<int, int>> destroys;  // (output, input): output overwrites input
  static Aliasing none() { return {}; }
  static Aliasing view_of_input0() { return {{{0, 0}}, {}}; }
};

// Differentiation rules. Conventions shared by every rule and the drivers in src/grad/:
// - A Variable that is not valid() is a symbolic zero: rules receive it for outputs
//   whose gradient (or tangent) is zero and return it for inputs that get none.
// - Rules build graph with the public op functions, passing `where` (the forward
//   node's source line) so errors and printouts point at the user's code.
// - vjp: one gradient per input. An elementwise op (trait kElementwise) may return
//   gradients of the broadcast output's shape: the driver sums them back to each
//   input's shape with its one `unbroadcast` helper. Any other op returns gradients of
//   exactly its inputs' shapes. Gradients for integer or bool inputs are dropped by the
//   driver (they are zero), so rules need not special-case them.
// - jvp: one tangent per output from one tangent per input (forward mode, Rop). Ops
//   without one get Rop by the double-vjp trick.
// - batch: the op applied to inputs of which some carry an extra leading batch axis
//   (`batched[i]`); returns the outputs, each with a leading batch axis. Used to
//   vectorize jacobian and hessian without a loop over output elements.
struct VjpArgs {
  const Node& node;
  std::span<const Variable> output_grads;  // one per output; invalid = zero
  SourceLocation where;
  const Variable& input(int i) const { return node.inputs()[static_cast<std::size_t>(i)]; }
  Variable output(int i = 0) const { return node.output(i); }
  const Variable& grad(int i = 0) const { return output_grads[static_cast<std::size_t>(i)]; }
};
using VjpFn = std::function<std::vector<Variable>(const VjpArgs&)>;

struct JvpArgs {
  const Node& node;
  std::span<const Variable> input_tangents;  // one per input; invalid = zero
  SourceLocation where;
  const Variable& input(int i) const { return node.inputs()[static_cast<std::size_t>(i)]; }
  Variable output(int i = 0) const { return node.output(i); }
  const Variable& tangent(int i) const { return input_tangents[static_cast<std::size_t>(i)]; }
};
using JvpFn = std::function<std::vector<Variable>(const JvpArgs&)>;

struct BatchArgs {
  const Node& node;                  // the unbatched node (for its attrs and types)
  std::span<const Variable> inputs;  // the new inputs
  std::vector<bool> batched;         // which inputs carry a leading batch axis
  SourceLocation where;
};
using BatchFn = std::function<std::vector<Variable>(const BatchArgs&)>;

// ---------------------------------------------------------------- user-defined ops

// A user op's parts, set through the builder. Required: a summary, `infer`, a
// `reference` kernel, and a vjp or a reason why there is none. Optional:
// - `shape`: without it an output's unknown sizes are read from the computed output
//   (so code that only needs a shape runs the op);
// - `aliasing`: none by default; declare views and destroyed inputs as built-in ops do
//   (DebugMode flags undeclared ones). An input the op declares it overwrites reaches
//   its kernels as a private copy (the backends do not schedule in-place ops yet);
// - `jvp`: Rop falls back on the double-vjp trick;
// - `batch`: without it, jacobian and hessian through the op raise (they vectorize
//   with batch rules);
// - `cpu_kernel`: what the cpu backend runs instead of the reference kernel; it must
//   compute the reference kernel's values (DebugMode checks it does).
// Traits default to kPure; kLeaf and kReduction are refused (they promise structure
// that only built-in ops have).
struct UserOp {
  std::string name;
  std::string summary;
  Traits traits = kPure;
  InferFn infer;
  ShapeFn shape;
  KernelFn reference;
  Aliasing aliasing;
  VjpFn vjp;
  std::string not_differentiable_because;
  JvpFn jvp;
  BatchFn batch;
  KernelFn cpu_kernel;

  explicit UserOp(std::string op_name) : name(std::move(op_name)) {}
  UserOp& set_summary(std::string s) { summary = std::move(s); return *this; }
  UserOp& set_traits(Traits t) { traits = t; return *this; }
  UserOp& set_infer(InferFn f) { infer = std::move(f); return *this; }
  UserOp& set_shape(ShapeFn f) { shape = std::move(f); return *this; }
  UserOp& set_reference(KernelFn f) { reference = std::move(f); return *this; }
  UserOp& set_aliasing(Aliasing a) { aliasing = std::move(a); return *this; }
  UserOp& set_vjp(VjpFn f) { vjp = std::move(f); return *this; }
  UserOp& set_jvp(JvpFn f) { jvp = std::move(f); return *this; }
  UserOp& set_batch(BatchFn f) { batch = std::move(f); return *this; }
  UserOp& set_cpu_kernel(KernelFn f) { cpu_kernel = std::move(f); return *this; }
  UserOp& not_differentiable(std::string because) {
    not_differentiable_because = std::move(because);
    return *this;
  }
};

// Registers `op` for the rest of the process (thread-safe). ValueError, naming the op
// and `where`, for a name that is taken (a built-in op or an earlier user op), a name
// that is not an identifier (letters, digits, '_', '.', ':'), a missing required part,
// or a refused trait.
void register_op(UserOp op, SourceLocation where = SourceLocation::current());

// Whether a user op of this name has been registered.
bool is_user_op(std::string_view name);

// The names of the user ops registered so far, sorted.
std::vector<std::string> user_op_names();

// Applies the op `name` (a user op or a built-in one) to `inputs`: type inference,
// then the hash-consed node. ValueError for an unknown name; the op's own type errors
// name the op and `where`.
std::vector<Variable> apply_op(std::string_view name, std::vector<Variable> inputs, Attrs attrs = {},
                               SourceLocation where = SourceLocation::current());
// The same, for an op with one output.
Variable apply_op1(std::string_view name, std::vector<Variable> inputs, Attrs attrs = {},
                   SourceLocation where = SourceLocation::current());

}  // namespace hypatia
