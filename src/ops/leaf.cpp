// Leaves: graph inputs, shared variables and constants. They have no inputs and no kernel: the
// function binds inputs to its arguments and constants to their values.
#include "graph/op.hpp"
#include "hypatia/shared.hpp"
#include "ops/op_util.hpp"

namespace hypatia {

void register_leaf_ops(OpRegistry& r) {
  r.define("input")
      .set_summary("A graph input, bound to an argument of the function.")
      .set_traits(kLeaf)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), a.attrs.get_ints("shape")}};
      })
      .set_shape([](const ShapeArgs& a) {
        return std::vector<SymShape>{detail::symbolic_shape(a.node.output(0), a.where)};
      })
      .set_reference([](const KernelArgs& a) -> std::vector<Array> {
        throw InternalError("input '" + a.attrs().get<std::string>("name") + "' reached a kernel unbound");
      })
      .lowers(Lowering::leaf())
      .set_aliasing(Aliasing::none())
      .not_differentiable("an input is a leaf: gradients flow to it, not through it");

  // The storage is an Opaque attribute, so two shared variables never merge; the
  // function replaces each by an input bound to its current value at every call, so
  // the kernel below serves only graphs evaluated some other way.
  r.define("shared")
      .set_summary("A shared variable (hypatia/shared.hpp): a leaf whose value the library stores.")
      .set_traits(kLeaf)
      .set_infer([](const InferArgs& a) {
        return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), a.attrs.get_ints("shape")}};
      })
      .set_shape([](const ShapeArgs& a) {
        return std::vector<SymShape>{detail::symbolic_shape(a.node.output(0), a.where)};
      })
      .set_reference([](const KernelArgs& a) {
        const auto& storage = *static_cast<const detail::SharedStorage*>(a.attrs().get<Opaque>("storage").object.get());
        return std::vector<Array>{storage.value};
      })
      .lowers(Lowering::leaf())
      .set_aliasing(Aliasing::none())
      .not_differentiable("a shared variable is a leaf: gradients flow to it, not through it");

  r.define("constant")
      .set_summary("A constant array, part of the graph.")
      .set_traits(kLeaf | kPure)
      .set_infer([](const InferArgs& a) {
        const Array& v = a.attrs.get<Array>("value");
        return std::vector<Type>{Type{v.dtype(), v.shape()}};
      })
      .set_shape([](const ShapeArgs& a) {
        return std::vector<SymShape>{detail::symbolic_shape(a.node.output(0), a.where)};
      })
      .set_reference([](const KernelArgs& a) { return std::vector<Array>{a.attrs().get<Array>("value")}; })
      .lowers(Lowering::leaf())
      .set_aliasing(Aliasing::none())
      .not_differentiable("a constant does not vary");
}

}  // namespace hypatia
