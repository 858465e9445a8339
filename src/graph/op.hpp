// The op contract and the op registry (DESIGN.md, "One op, one place").
//
// An op family's file in src/ops/ declares each op once through the builder:
//
//   r.define("exp")
//       .summary("e to the power x, elementwise.")
//       .traits(kElementwise | kPure | kMonotoneIncreasing)
//       .infer(...).shape(...).reference(...).lowers(...).aliasing(...);
//
// and the layers that need a part of it (the interpreter, the shape pass, the gradient
// drivers, the backends) read it from here. A test walks the registry and fails on an
// op missing a required part.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include "hypatia/source_location.hpp"
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/scalar_prims.hpp"
#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

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

struct InferArgs {
  std::span<const Variable> inputs;
  const Attrs& attrs;
  SourceLocation where;
  const Type& type(int i) const { return inputs[static_cast<std::size_t>(i)].type(); }
  int num_inputs() const { return static_cast<int>(inputs.size()); }
};
using InferFn = std::function<std::vector<Type>(const InferArgs&)>;

struct ShapeArgs {
  const Node& node;
  std::vector<SymShape> input_shapes;
  SourceLocation where;
};
using ShapeFn = std::function<std::vector<SymShape>(const ShapeArgs&)>;

struct KernelArgs {
  std::span<const Array> inputs;
  const Node& node;
  const Attrs& attrs() const { return node.attrs(); }
  const Type& output_type(int i) const { return node.output_types()[static_cast<std::size_t>(i)]; }
};
using KernelFn = std::function<std::vector<Array>(const KernelArgs&)>;

// How an op lowers towards the kernel IR.
struct Lowering {
  enum class Kind {
    leaf,       // inputs and constants: bound, not computed
    scalar,     // elementwise: one scalar primitive applied over the broadcast inputs
    reduction,  // a reduction primitive over some axes, with an optional finishing step
    view,       // new strides over the same buffer, no kernel
    loop_nest,  // its own loop nest of kernel IR (products, gathers, scans)
    library,    // a named library call (gemm, conv2d)
    composite,  // a composition of other graph ops, expanded before lowering
  };
  Kind kind = Kind::loop_nest;
  ScalarPrim scalar = ScalarPrim::add;
  ReducePrim reduce = ReducePrim::sum;
  std::string detail;  // library call name, or what the loop nest / composite is

  static Lowering leaf() { return {Kind::leaf, {}, {}, {}}; }
  static Lowering of_scalar(ScalarPrim p) { return {Kind::scalar, p, {}, {}}; }
  static Lowering of_reduction(ReducePrim p, std::string finish = {}) {
    return {Kind::reduction, {}, p, std::move(finish)};
  }
  static Lowering view() { return {Kind::view, {}, {}, {}}; }
  static Lowering loop_nest(std::string what) { return {Kind::loop_nest, {}, {}, std::move(what)}; }
  static Lowering library(std::string call) { return {Kind::library, {}, {}, std::move(call)}; }
  static Lowering composite(std::string of) { return {Kind::composite, {}, {}, std::move(of)}; }
};

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

struct OpDef {
  std::string name;
  std::string summary;
  Traits traits = 0;
  InferFn infer;
  ShapeFn shape;
  KernelFn reference;
  std::optional<Lowering> lowering;
  std::optional<Aliasing> aliasing;
  VjpFn vjp;
  std::string not_differentiable_because;
  JvpFn jvp;
  BatchFn batch;

  bool has(Trait t) const { return (traits & t) != 0; }

  // The builder.
  OpDef& set_summary(std::string s) { summary = std::move(s); return *this; }
  OpDef& set_traits(Traits t) { traits = t; return *this; }
  OpDef& set_infer(InferFn f) { infer = std::move(f); return *this; }
  OpDef& set_shape(ShapeFn f) { shape = std::move(f); return *this; }
  OpDef& set_reference(KernelFn f) { reference = std::move(f); return *this; }
  OpDef& lowers(Lowering l) { lowering = std::move(l); return *this; }
  OpDef& set_aliasing(Aliasing a) { aliasing = std::move(a); return *this; }
  OpDef& set_vjp(VjpFn f) { vjp = std::move(f); return *this; }
  OpDef& set_jvp(JvpFn f) { jvp = std::move(f); return *this; }
  OpDef& set_batch(BatchFn f) { batch = std::move(f); return *this; }
  OpDef& not_differentiable(std::string because) {
    not_differentiable_because = std::move(because);
    return *this;
  }
};

class OpRegistry {
 public:
  // The registry with every op family registered (built on first use).
  static const OpRegistry& get();

  OpDef& define(const std::string& name);  // InternalError on a duplicate name
  const OpDef& op(std::string_view name) const;  // InternalError if unknown
  const OpDef* find(std::string_view name) const;
  std::vector<const OpDef*> all() const;  // sorted by name

 private:
  std::map<std::string, std::unique_ptr<OpDef>, std::less<>> ops_;
};

}  // namespace hypatia
