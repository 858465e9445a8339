#include "ops/elemwise_util.hpp"

namespace hypatia::detail {

DType result_dtype(ResultDType rule, const InferArgs& args) {
  switch (rule) {
    case ResultDType::promote: return promote_inputs(args);
    case ResultDType::float_upcast: return upcast_to_float(promote_inputs(args));
    case ResultDType::true_div: {
      const DType t = promote_inputs(args);
      return is_float(t) ? t : DType::float64;
    }
    case ResultDType::boolean: return DType::bool_;
  }
  throw InternalError("result_dtype: bad rule");
}

InferFn infer_elemwise(ResultDType rule) {
  return [rule](const InferArgs& args) {
    return std::vector<Type>{Type{result_dtype(rule, args), broadcast_inputs(args)}};
  };
}

OpDef& define_elemwise(OpRegistry& registry, ElemwiseSpec spec) {
  return registry.define(spec.name)
      .set_summary(std::move(spec.summary))
      .set_traits(spec.traits | kElementwise | kPure)
      .set_infer(infer_elemwise(spec.result))
      .set_shape(shape_of_broadcast)
      .set_reference(std::move(spec.reference))
      .lowers(Lowering::of_scalar(spec.prim))
      .set_aliasing(Aliasing::none());
}

Variable elemwise(std::string_view name, std::initializer_list<const Operand*> operands) {
  const SourceLocation where = (*operands.begin())->where();
  return apply1(name, to_variables(operands), {}, where);
}

}  // namespace hypatia::detail
