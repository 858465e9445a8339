// The machinery every elementwise op family shares: dtype rules, the broadcasting
// shape rule, reference kernels built from a scalar function, and the builder that
// turns Operands into a node. An elementwise op is then one `define_elemwise` call
// plus its scalar function.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>

#include "graph/op.hpp"
#include "ops/grad_expr.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "runtime/cast.hpp"

namespace hypatia::detail {

// How an elementwise op's output dtype follows from its inputs'.
enum class ResultDType {
  promote,       // NumPy promotion of the inputs (add, maximum, where's branches)
  float_upcast,  // promotion, then upcast_to_float (exp, sqrt, sigmoid)
  true_div,      // promotion; any non-float result becomes float64 (NumPy's `/`)
  boolean,       // bool (comparisons, predicates, logic)
};

DType result_dtype(ResultDType rule, const InferArgs& args);
InferFn infer_elemwise(ResultDType rule);

// Calls f(std::type_identity<T>{}) for T float or double; InternalError otherwise.
template <class F>
decltype(auto) visit_float(DType t, F&& f) {
  if (t == DType::float32) return f(std::type_identity<float>{});
  if (t == DType::float64) return f(std::type_identity<double>{});
  throw InternalError("visit_float on " + std::string(dtype_name(t)));
}

// The inputs, each converted to `compute`.
template <std::size_t N>
std::array<Array, N> inputs_as(const KernelArgs& args, DType compute) {
  if (args.inputs.size() != N) throw InternalError("elementwise kernel: wrong number of inputs");
  std::array<Array, N> ins;
  for (std::size_t k = 0; k < N; ++k) {
    ins[k] = args.inputs[k].dtype() == compute ? args.inputs[k] : args.inputs[k].astype(compute);
  }
  return ins;
}

// Reference kernel: f applied to float or double values (the output dtype); the
// integer inputs of float functions are converted first.
template <std::size_t N, class F>
KernelFn float_kernel(F f) {
  return [f](const KernelArgs& args) {
    const DType out = args.output_type(0).dtype;
    auto ins = inputs_as<N>(args, out);
    return std::vector<Array>{visit_float(out, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return map_broadcast<T, T, N>(ins, [&](auto... x) { return static_cast<T>(f(x...)); });
    })};
  };
}

// Reference kernel: f applied in the output dtype, for every dtype (f handles bool,
// integers and floats, with `if constexpr` where they differ).
template <std::size_t N, class F>
KernelFn numeric_kernel(F f) {
  return [f](const KernelArgs& args) {
    const DType out = args.output_type(0).dtype;
    auto ins = inputs_as<N>(args, out);
    return std::vector<Array>{visit_dtype(out, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return map_broadcast<T, T, N>(ins, [&](auto... x) { return static_cast<T>(f(x...)); });
    })};
  };
}

// Reference kernel: a bool-valued f applied to the inputs in their promoted dtype.
template <std::size_t N, class F>
KernelFn predicate_kernel(F f) {
  return [f](const KernelArgs& args) {
    DType compute = args.inputs[0].dtype();
    for (std::size_t k = 1; k < N; ++k) compute = promote_types(compute, args.inputs[k].dtype());
    auto ins = inputs_as<N>(args, compute);
    return std::vector<Array>{visit_dtype(compute, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return map_broadcast<bool, T, N>(ins, [&](auto... x) { return static_cast<bool>(f(x...)); });
    })};
  };
}

struct ElemwiseSpec {
  std::string name;
  std::string summary;
  Traits traits = 0;  // kElementwise | kPure are added
  ScalarPrim prim;
  ResultDType result;
  KernelFn reference;
};

// Registers an elementwise op: broadcasting type and shape inference, the scalar
// primitive it lowers to, no aliasing, the generic batch rule. Returns the OpDef for
// the gradient slots.
OpDef& define_elemwise(OpRegistry& registry, ElemwiseSpec spec);

// Builds a node of the elementwise op `name` from user operands; the node records the
// first operand's source line (the user's expression).
Variable elemwise(std::string_view name, std::initializer_list<const Operand*> operands);

// ---- differentiation

// The batch rule every elementwise op shares. NumPy aligns shapes on the right, so a
// batch axis in front would meet the wrong axes of lower-rank operands: each batched
// input of rank k + 1 (its unbatched rank k) gets new axes right after its batch axis
// up to rank r + 1, r the largest unbatched rank, and each unbatched input gets new
// leading axes up to rank r + 1. The op is then applied unchanged (same attrs).
std::vector<Variable> batch_elemwise(const BatchArgs& args);

// What a partial derivative is built from: the forward node's inputs and output, at
// its line.
struct PartialArgs {
  std::vector<sym::Ex> x;
  sym::Ex y;
};
// d output / d input i of an elementwise op; nullopt when it is exactly 1 (so that
// the rule builds no multiplication by one).
using PartialFn = std::function<std::optional<sym::Ex>(const PartialArgs&, int i)>;
// The partial of a unary op from its input x and output y.
PartialFn unary_partial(std::function<sym::Ex(const sym::Ex& x, const sym::Ex& y)> d);

// The vjp (g * partial_i for each float input) and the jvp (the sum of t_i *
// partial_i) of an op given by its partial derivatives. Only for smooth ops: a
// partial that is a 0/1 mask must be a select instead (set_selects).
OpDef& set_partials(OpDef& op, PartialFn partial);
// The vjp and jvp of add, sub and neg: input i's partial is signs[i] (+1 or -1).
OpDef& set_signs(OpDef& op, std::vector<int> signs);

// The rules of a piecewise constant op that is still counted as differentiable
// (floor_div, sign: NumPy arithmetic that users differentiate through): the gradient
// and the tangent are symbolic zeros.
OpDef& set_zero_gradient(OpDef& op);

// Where the output is input i itself (partial 1) and elsewhere independent of it
// (partial 0): a bool condition, or nullopt for an input that gets no gradient
// (where's condition).
using SelectFn = std::function<std::optional<sym::Ex>(const PartialArgs&, int i)>;
// The vjp where(cond_i, g, 0) and the jvp where(cond_0, t_0, where(cond_1, t_1, ...)),
// routing by select so that an inf or NaN where the condition is false never leaks.
// `exhaustive`: the conditions cover every element, so the last where is dropped
// when every input has a tangent.
OpDef& set_selects(OpDef& op, SelectFn cond, bool exhaustive);

// The forward node's input i, output and an output gradient or tangent as Ex.
sym::Ex ex_input(const Node& node, int i, SourceLocation where);
sym::Ex ex_output(const Node& node, SourceLocation where);
// The gradient for input i: cast to its dtype; invalid (none) for an integer or bool
// input, whose gradient the driver drops anyway.
Variable input_grad(const Node& node, int i, const sym::Ex& g);
// The tangent of the output: broadcast to its shape (a tangent built from one input
// may be smaller) and cast to its dtype.
Variable output_tangent(const Node& node, const sym::Ex& t);
// Whether gradients flow through the node at all: a float output.
bool has_float_output(const Node& node);

}  // namespace hypatia::detail
