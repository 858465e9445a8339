// Helpers shared by the op families: type inference, symbolic shapes, and turning
// Operands into Variables. Nothing here is specific to one op.
#pragma once

#include "hypatia/source_location.hpp"
#include <span>
#include <string>
#include <vector>

#include "graph/op.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::detail {

// ---- reduced axes (attribute `axes`, normalized; absent means every axis)

// mask[d]: whether axis d of an ndim-d input is reduced.
std::vector<bool> reduced_mask(const Attrs& attrs, int ndim);

// The input's sizes with the reduced ones dropped, or set to `one` under keepdims.
template <class Size>
std::vector<Size> reduced_sizes(const std::vector<Size>& in, const std::vector<bool>& mask, bool keepdims,
                                const Size& one) {
  std::vector<Size> out;
  for (std::size_t d = 0; d < in.size(); ++d) {
    if (!mask[d]) {
      out.push_back(in[d]);
    } else if (keepdims) {
      out.push_back(one);
    }
  }
  return out;
}

// ---- operands

// Variables for operands that meet in one elementwise op: literals take the dtype of
// the promoted non-literal operands (NumPy 2's weak scalars).
std::vector<Variable> to_variables(std::span<const Operand* const> operands);
std::vector<Variable> to_variables(std::initializer_list<const Operand*> operands);

// Sizes given as Operands (C++ integers or int64 scalar Variables) as int64 scalars;
// TypeError naming `what` for a non-integer or non-scalar one.
std::vector<Variable> to_size_variables(const std::vector<Operand>& sizes, const char* what);

// ---- static types

// NumPy broadcasting of static shapes (kUnknownDim allowed); ShapeError naming both
// shapes when known sizes disagree.
Shape broadcast_static(std::span<const Shape> shapes);
// The promoted dtype of every input.
DType promote_inputs(const InferArgs& args);
// The broadcast static shape of every input.
Shape broadcast_inputs(const InferArgs& args);

// ---- symbolic shapes

// An int64 scalar constant.
Variable size_constant(std::int64_t n, SourceLocation where);
// The shape of `v` as int64 scalars: constants for known sizes, shape(v, i) otherwise.
SymShape symbolic_shape(const Variable& v, SourceLocation where);
// The broadcast of symbolic shapes (NumPy rules; a size known to be 1 gives way).
SymShape broadcast_symbolic(std::span<const SymShape> shapes, SourceLocation where);
// The known value of a symbolic size, or kUnknownDim.
std::int64_t static_size(const Variable& size);

// "(2, ?)": a static shape as NumPy prints shapes, '?' for an unknown size.
std::string static_shape_str(const Shape& shape);

// Shape functions for common cases.
std::vector<SymShape> shape_of_broadcast(const ShapeArgs& args);  // elementwise
std::vector<SymShape> shape_same_as_input0(const ShapeArgs& args);

}  // namespace hypatia::detail

namespace hypatia::detail {
// The symbolic output shapes of `node`, from its op's shape function applied to its
// inputs' symbolic shapes.
std::vector<SymShape> infer_output_shapes(const Node& node, SourceLocation where);
}  // namespace hypatia::detail
