// What the advanced-indexing ops share (src/ops/advanced_subtensor.cpp for the gathers,
// src/ops/advanced_inc_subtensor.cpp for the increments): the layout of a selection,
// the checks on index arrays, and a run-time plan that turns the index arrays into
// byte offsets once, so that the kernels are plain loops over precomputed offsets.
//
// A selection `x[arrays at axes]` has the shape outer + index + inner: `index` is the
// broadcast shape of the arrays, `outer` the axes of x before the indexed ones when
// they stay in place (first = false; the indexed axes are then adjacent), `inner` the
// other non-indexed axes of x, in order. advanced_subtensor1 is the case of one array.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "graph/op.hpp"
#include "hypatia/array.hpp"

namespace hypatia::detail {


// TypeError unless `t` is an integer dtype: "indices must be integers, not float64".
void check_index_dtype(const Type& t, const char* what);

// The broadcast static shape of index arrays; ShapeError with NumPy's words ("shape
// mismatch: indexing arrays could not be broadcast together with shapes (2,) (3,)").
Shape broadcast_index_static(std::span<const Shape> shapes);
// The same at run time.
Shape broadcast_index_shapes(std::span<const Shape> shapes);

// Checks the attributes of an advanced op on x of rank `ndim` with `narrays` index
// arrays: axes ascending and distinct in [0, ndim), one per array, adjacent unless
// `first`. ValueError otherwise.
void check_index_axes(const std::vector<std::int64_t>& axes, bool first, int ndim, std::size_t narrays);

// `axis` of x (rank nd) normalized; ValueError "file.cpp:12: take: axis 2 is out of
// bounds for array of dimension 2" (NumPy's AxisError) otherwise.
std::int64_t checked_axis(const Operand& x, const char* op, std::int64_t axis, int nd);

// Which axes of x go before (outer) and after (inner) the index dimensions.
struct SelectionAxes {
  std::vector<int> outer, inner;
};
SelectionAxes selection_axes(int ndim, const std::vector<std::int64_t>& axes, bool first);

// outer + index + inner, for static sizes (Shape) or symbolic ones (SymShape).
template <class S>
S selection_layout(const S& x, const S& index, const SelectionAxes& sa) {
  S out;
  for (int i : sa.outer) out.push_back(x[static_cast<std::size_t>(i)]);
  out.insert(out.end(), index.begin(), index.end());
  for (int i : sa.inner) out.push_back(x[static_cast<std::size_t>(i)]);
  return out;
}

// The static selection of an advanced op whose index arrays are inputs first.. of `a`
// (dtypes checked) and whose attributes are axes and first.
Shape infer_selection(const InferArgs& a, int first);

// ShapeError unless y's static shape broadcasts to the selection's (y may not have
// more dimensions): NumPy's "shape mismatch: value array of shape (3,) could not be
// broadcast to indexing result of shape (2,)".
void check_value_static(const Shape& y, const Shape& selection);
void check_value_shape(const Shape& y, const Shape& selection);

// The run-time plan of a selection of an array with `shape` and `strides`.
struct IndexPlan {
  Shape index_shape;                  // the broadcast shape of the arrays
  std::vector<std::int64_t> offsets;  // per index position (C order): bytes from the origin
  SelectionAxes axes;
  Shape selection;                    // outer + index + inner
};
// IndexError "index 5 is out of bounds for axis 0 with size 3" for any element of any
// array (also one that broadcasting leaves unused), ShapeError when the arrays do not
// broadcast together.
IndexPlan plan_index(const Shape& shape, const Strides& strides, std::span<const Array> arrays,
                     const std::vector<std::int64_t>& axes, bool first);

// The byte offsets (C order) of every element of a view with `shape` and `strides`,
// restricted to `axes` of them.
std::vector<std::int64_t> element_offsets(const Shape& shape, const Strides& strides, const std::vector<int>& axes);

}  // namespace hypatia::detail
