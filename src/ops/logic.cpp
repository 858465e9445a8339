// Logic, bitwise operations, selection (where) and casts.
#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"

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
    return detail::map_broadcast<T, T, 3>(typed, [](T c, T x, T y) { return c != T(0) ? x : y; });
  })};
}

std::vector<Array> cast_reference(const KernelArgs& a) { return {a.inputs[0].astype(a.output_type(0).dtype)}; }

}  // namespace

void register_logic_ops(OpRegistry& r) {
  r.define("where")
      .set_summary("Elementwise selection: a where cond is true, else b (Theano's switch).")
      .set_traits(kElementwise | kPure)
      .set_infer(infer_where)
      .set_shape(detail::shape_of_broadcast)
      .set_reference(where_reference)
      .lowers(Lowering::of_scalar(ScalarPrim::select))
      .set_aliasing(Aliasing::none());

  r.define("cast")
      .set_summary("Elementwise conversion to another dtype.")
      .set_traits(kElementwise | kPure)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), a.type(0).shape}};
      })
      .set_shape(detail::shape_same_as_input0)
      .set_reference(cast_reference)
      .lowers(Lowering::of_scalar(ScalarPrim::cast))
      .set_aliasing(Aliasing::none());
}

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
