// Shape operations: dimshuffle, transpose, reshape, flatten, squeeze, expand_dims,
// shape_padleft/right, broadcast_to, shape, shape_i, specify_shape.
#include "hypatia/ops/shape.hpp"

#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"

namespace hypatia {

void register_shape_ops(OpRegistry& r) {
  r.define("shape_i")
      .set_summary("One size of x's shape, as an int64 scalar.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        detail::normalize_axis(a.attrs.get_int("axis"), a.type(0).ndim());
        return std::vector<Type>{Type{DType::int64, {}}};
      })
      .set_shape([](const ShapeArgs&) { return std::vector<SymShape>{SymShape{}}; })
      .set_reference([](const KernelArgs& a) {
        const int axis = detail::normalize_axis(a.attrs().get_int("axis"), a.inputs[0].ndim());
        return std::vector<Array>{Array::scalar<std::int64_t>(a.inputs[0].shape()[static_cast<std::size_t>(axis)])};
      })
      .lowers(Lowering::loop_nest("reads one size of the input's shape"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("a size is an integer");
}

Variable shape(const Operand& x, std::int64_t axis) {
  Variable v = x.variable();
  const int a = [&] {
    try {
      return detail::normalize_axis(axis, v.ndim());
    } catch (const UserError& e) {
      throw IndexError(format_location(x.where()) + ": shape: " + e.what());
    }
  }();
  const std::int64_t known = v.type().shape[static_cast<std::size_t>(a)];
  if (known != kUnknownDim) return detail::size_constant(known, x.where());
  return apply1("shape_i", {v}, Attrs{{"axis", std::int64_t{a}}}, x.where());
}

}  // namespace hypatia
