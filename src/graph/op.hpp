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
#include "hypatia/op.hpp"  // the parts: traits, InferArgs ... BatchArgs, Aliasing

namespace hypatia {

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
  // User ops only (hypatia/op.hpp): the cpu backend's kernel, run instead of the
  // reference kernel when set.
  KernelFn cpu_kernel;
  bool user_defined = false;

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
  // User ops (register_op in hypatia/op.hpp) are found by find() and op() too, but
  // all() lists the built-in ops only; user_ops() lists the others.
  static const OpRegistry& get();

  OpDef& define(const std::string& name);  // InternalError on a duplicate name
  const OpDef& op(std::string_view name) const;  // InternalError if unknown
  const OpDef* find(std::string_view name) const;
  std::vector<const OpDef*> all() const;  // sorted by name; built-in ops only
  static std::vector<const OpDef*> user_ops();  // sorted by name

 private:
  std::map<std::string, std::unique_ptr<OpDef>, std::less<>> ops_;
};

}  // namespace hypatia
