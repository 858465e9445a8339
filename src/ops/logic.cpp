// Logic, bitwise operations, selection (where) and casts.
//
// The logical ops and where's condition read any dtype as "x != 0" (NaN is true) and
// the logical ops give bool. The bitwise ops take bool and integers only (NumPy has no
// float loops for them): on bool they are logical, on integers they compute in the
// promoted dtype; a float, or a signed and unsigned pair that promotes to float64, is
// a TypeError when the graph is built.
#include <optional>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"
#include "runtime/scalar_math.hpp"

namespace hypatia {

using detail::ElemwiseSpec;
using detail::ResultDType;

namespace {

// where's branches promote together; the condition is read as bool.
std::vector<Type> infer_where(const InferArgs& a) {
  const DType t = promote_types(a.type(1).dtype, a.type(2).dtype);
  return {Type{t, detail::broadcast_inputs(a)}};
}

std::vector<Array> where_reference(const KernelArgs& a) {
  const DType out = a.output_type(0).dtype;
  std::array<Array, 3> ins{a.inputs[0].astype(DType::bool_), a.inputs[1].astype(out), a.inputs[2].astype(out)};
  return {visit_dtype(out, [&](auto tag) {
    using T = typename decltype(tag)::type;
    // All three are read as T; the condition's bytes are bools, so read it separately.
    std::array<Array, 3> typed{ins[0].astype(out), ins[1], ins[2]};
    return detail::map_broadcast<T, T, 3>(typed, [](T c, T x, T y) { return scalar_math::select(c != T(0), x, y); });
  })};
}

std::vector<Array> cast_reference(const KernelArgs& a) { return {a.inputs[0].astype(a.output_type(0).dtype)}; }

// Reference kernel: f over the truth values of the inputs.
template <std::size_t N, class F>
KernelFn truth_kernel(F f) {
  return [f](const KernelArgs& args) {
    return std::vector<Array>{detail::map_broadcast<bool, bool, N>(detail::inputs_as<N>(args, DType::bool_), f)};
  };
}

// Promotion, refusing what has no bitwise meaning.
std::vector<Type> infer_bitwise(const InferArgs& a) {
  const DType t = detail::promote_inputs(a);
  if (!is_bool(t) && !is_integer(t)) {
    std::string types;
    bool any_float = false;
    for (int i = 0; i < a.num_inputs(); ++i) {
      types += (i ? " and " : "") + std::string(dtype_name(a.type(i).dtype));
      any_float = any_float || is_float(a.type(i).dtype);
    }
    // int64 and uint64 promote to float64: say so, or the message reads as nonsense.
    throw TypeError("not supported for " + types +
                    (any_float ? std::string() : ", which promote to " + std::string(dtype_name(t))) +
                    " (bool and integer dtypes only)");
  }
  return {Type{t, detail::broadcast_inputs(a)}};
}

// Reference kernel of a bitwise op: f on bool and integers; floats never get here
// (infer_bitwise refuses them).
template <std::size_t N, class F>
KernelFn bitwise_kernel(F f) {
  return detail::numeric_kernel<N>([f](auto... x) {
    using T = std::common_type_t<decltype(x)...>;
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(f(x...));
    } else {
      throw InternalError("bitwise kernel on a float dtype");
      return T{};
    }
  });
}

// Registers a bitwise op: elementwise with infer_bitwise's type rule.
OpDef& define_bitwise(OpRegistry& r, ElemwiseSpec spec) {
  return define_elemwise(r, std::move(spec)).set_infer(infer_bitwise);
}

constexpr const char* kLogicNotDifferentiable = "its value is a truth value: piecewise constant, gradient zero";
constexpr const char* kBitsNotDifferentiable = "it is defined on bool and integers only, which have no gradient";

}  // namespace

void register_logic_ops(OpRegistry& r) {
  define_elemwise(r, ElemwiseSpec{"logical_and", "Whether a and b are both nonzero, elementwise.",
                                  kCommutative | kAssociative, ScalarPrim::logical_and, ResultDType::boolean,
                                  truth_kernel<2>([](bool a, bool b) { return scalar_math::logical_and(a, b); })})
      .not_differentiable(kLogicNotDifferentiable);
  define_elemwise(r, ElemwiseSpec{"logical_or", "Whether a or b is nonzero, elementwise.", kCommutative | kAssociative,
                                  ScalarPrim::logical_or, ResultDType::boolean,
                                  truth_kernel<2>([](bool a, bool b) { return scalar_math::logical_or(a, b); })})
      .not_differentiable(kLogicNotDifferentiable);
  define_elemwise(r, ElemwiseSpec{"logical_xor", "Whether exactly one of a and b is nonzero, elementwise.",
                                  kCommutative | kAssociative, ScalarPrim::logical_xor, ResultDType::boolean,
                                  truth_kernel<2>([](bool a, bool b) { return scalar_math::logical_xor(a, b); })})
      .not_differentiable(kLogicNotDifferentiable);
  define_elemwise(r, ElemwiseSpec{"logical_not", "Whether x is zero, elementwise.", 0, ScalarPrim::logical_not,
                                  ResultDType::boolean, truth_kernel<1>([](bool x) { return scalar_math::logical_not(x); })})
      .not_differentiable(kLogicNotDifferentiable);

  define_bitwise(r, ElemwiseSpec{"bitwise_and", "Bitwise and of a and b, elementwise (logical and on bool).",
                                 kCommutative | kAssociative, ScalarPrim::bitwise_and, ResultDType::promote,
                                 bitwise_kernel<2>([](auto a, auto b) { return scalar_math::bitwise_and(a, b); })})
      .not_differentiable(kBitsNotDifferentiable);
  define_bitwise(r, ElemwiseSpec{"bitwise_or", "Bitwise or of a and b, elementwise (logical or on bool).",
                                 kCommutative | kAssociative, ScalarPrim::bitwise_or, ResultDType::promote,
                                 bitwise_kernel<2>([](auto a, auto b) { return scalar_math::bitwise_or(a, b); })})
      .not_differentiable(kBitsNotDifferentiable);
  define_bitwise(r, ElemwiseSpec{"bitwise_xor", "Bitwise exclusive or of a and b, elementwise (on bool: a != b).",
                                 kCommutative | kAssociative, ScalarPrim::bitwise_xor, ResultDType::promote,
                                 bitwise_kernel<2>([](auto a, auto b) { return scalar_math::bitwise_xor(a, b); })})
      .not_differentiable(kBitsNotDifferentiable);
  define_bitwise(r,
                 ElemwiseSpec{"invert", "Bitwise not of x, elementwise (logical not on bool).", 0, ScalarPrim::invert,
                              ResultDType::promote, bitwise_kernel<1>([](auto x) { return scalar_math::invert(x); })})
      .not_differentiable(kBitsNotDifferentiable);

  // The gradient is routed by cond with selects, where(c, g, 0) and where(c, 0, g),
  // never by multiplying with a mask: an inf or NaN in the branch not taken (the
  // usual reason for a where) stays out. The condition gets none.
  detail::set_selects(
      r.define("where")
          .set_summary("Elementwise selection: a where cond is true, else b (Theano's switch).")
          .set_traits(kElementwise | kPure)
          .set_infer(infer_where)
          .set_shape(detail::shape_of_broadcast)
          .set_reference(where_reference)
          .lowers(Lowering::of_scalar(ScalarPrim::select))
          .set_aliasing(Aliasing::none())
          .set_batch(detail::batch_elemwise),
      [](const detail::PartialArgs& p, int i) -> std::optional<detail::sym::Ex> {
        if (i == 0) return std::nullopt;
        return i == 1 ? p.x[0] : logical_not(p.x[0]);
      },
      true);

  // The gradient is cast back to the input's dtype; integer inputs and outputs have
  // none (set_partials drops them).
  detail::set_partials(r.define("cast")
                           .set_summary("Elementwise conversion to another dtype.")
                           .set_traits(kElementwise | kPure)
                           .set_infer([](const InferArgs& a) {
                             return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), a.type(0).shape}};
                           })
                           .set_shape(detail::shape_same_as_input0)
                           .set_reference(cast_reference)
                           .lowers(Lowering::of_scalar(ScalarPrim::cast))
                           .set_aliasing(Aliasing::none())
                           .set_batch(detail::batch_elemwise),
                       [](const detail::PartialArgs&, int) -> std::optional<detail::sym::Ex> { return std::nullopt; });
}

Variable logical_and(const Operand& a, const Operand& b) { return detail::elemwise("logical_and", {&a, &b}); }
Variable logical_or(const Operand& a, const Operand& b) { return detail::elemwise("logical_or", {&a, &b}); }
Variable logical_xor(const Operand& a, const Operand& b) { return detail::elemwise("logical_xor", {&a, &b}); }
Variable logical_not(const Operand& x) { return detail::elemwise("logical_not", {&x}); }
Variable bitwise_and(const Operand& a, const Operand& b) { return detail::elemwise("bitwise_and", {&a, &b}); }
Variable bitwise_or(const Operand& a, const Operand& b) { return detail::elemwise("bitwise_or", {&a, &b}); }
Variable bitwise_xor(const Operand& a, const Operand& b) { return detail::elemwise("bitwise_xor", {&a, &b}); }
Variable invert(const Operand& x) { return detail::elemwise("invert", {&x}); }

Variable operator&(const Operand& a, const Operand& b) { return bitwise_and(a, b); }
Variable operator|(const Operand& a, const Operand& b) { return bitwise_or(a, b); }
Variable operator^(const Operand& a, const Operand& b) { return bitwise_xor(a, b); }
Variable operator~(const Operand& x) { return invert(x); }

Variable where(const Operand& cond, const Operand& a, const Operand& b) {
  // The condition keeps its own dtype; literals in the branches meet the other branch.
  std::vector<Variable> branches = detail::to_variables({&a, &b});
  return apply1("where", {cond.variable(), branches[0], branches[1]}, {}, cond.where());
}

Variable cast(const Operand& x, DType dtype) {
  Variable v = x.variable();
  if (v.dtype() == dtype) return v;
  return apply1("cast", {v}, Attrs{{"dtype", dtype}}, x.where());
}

}  // namespace hypatia
