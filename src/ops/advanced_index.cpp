#include "ops/advanced_index.hpp"

#include <algorithm>

#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"

namespace hypatia::detail {
namespace {

std::string shapes_text(std::span<const Shape> shapes) {
  std::string s;
  for (std::size_t i = 0; i < shapes.size(); ++i) s += (i ? " " : "") + static_shape_str(shapes[i]);
  return s;
}

[[noreturn]] void index_arrays_mismatch(std::span<const Shape> shapes) {
  throw ShapeError("shape mismatch: indexing arrays could not be broadcast together with shapes " +
                   shapes_text(shapes));
}

[[noreturn]] void value_mismatch(const Shape& y, const Shape& selection) {
  throw ShapeError("shape mismatch: value array of shape " + static_shape_str(y) +
                   " could not be broadcast to indexing result of shape " + static_shape_str(selection));
}

[[noreturn]] void out_of_bounds(const std::string& index, int axis, std::int64_t size) {
  throw IndexError("index " + index + " is out of bounds for axis " + std::to_string(axis) + " with size " +
                   std::to_string(size));
}

// Adds `stride` times each element of `indices` (viewed as `view`, its broadcast to
// the index shape) to `offsets`, checking every element of `indices` itself.
template <class T>
void add_offsets(const Array& indices, const Shape& index_shape, int axis, std::int64_t size, std::int64_t stride,
                 std::vector<std::int64_t>& offsets) {
  auto normalized = [&](T v) -> std::int64_t {
    if constexpr (std::is_unsigned_v<T>) {
      if (v >= static_cast<std::uint64_t>(size)) out_of_bounds(std::to_string(v), axis, size);
      return static_cast<std::int64_t>(v);
    } else {
      const std::int64_t i = v;
      if (i < -size || i >= size) out_of_bounds(std::to_string(i), axis, size);
      return i < 0 ? i + size : i;
    }
  };
  if (offsets.empty()) {  // nothing is selected, yet a bad index is still an error
    for_each_element(indices, [&](const std::byte* p) { normalized(*reinterpret_cast<const T*>(p)); });
    return;
  }
  std::int64_t* o = offsets.data();
  for_each_element(indices.broadcast_to(index_shape),
                   [&](const std::byte* p) { *o++ += normalized(*reinterpret_cast<const T*>(p)) * stride; });
}

}  // namespace


void check_index_dtype(const Type& t, const char* what) {
  if (is_integer(t.dtype)) return;
  std::string msg = std::string(what) + " must be integers, not " + std::string(dtype_name(t.dtype));
  if (is_bool(t.dtype)) msg += " (a bool mask is indexed through index(), which takes its nonzero coordinates)";
  throw TypeError(msg);
}

Shape broadcast_index_static(std::span<const Shape> shapes) {
  std::size_t nd = 0;
  for (const Shape& s : shapes) nd = std::max(nd, s.size());
  Shape out(nd, 1);
  std::vector<bool> unknown(nd, false);  // an unknown size that may still be 1
  for (const Shape& s : shapes) {
    const std::size_t pad = nd - s.size();
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::int64_t d = s[i];
      std::int64_t& o = out[pad + i];
      if (d == 1) continue;
      if (d == kUnknownDim) {
        if (o == 1) unknown[pad + i] = true;
        continue;
      }
      if (o != 1 && o != d) index_arrays_mismatch(shapes);
      o = d;
    }
  }
  for (std::size_t i = 0; i < nd; ++i) {
    if (unknown[i] && out[i] == 1) out[i] = kUnknownDim;
  }
  return out;
}

Shape broadcast_index_shapes(std::span<const Shape> shapes) {
  try {
    return broadcast_shapes(shapes);
  } catch (const ShapeError&) {
    index_arrays_mismatch(shapes);
  }
}

void check_index_axes(const std::vector<std::int64_t>& axes, bool first, int ndim, std::size_t narrays) {
  auto axes_text = [&] {
    std::string s = "[";
    for (std::size_t i = 0; i < axes.size(); ++i) s += (i ? ", " : "") + std::to_string(axes[i]);
    return s + "]";
  };
  if (axes.empty()) throw ValueError("an advanced index needs at least one index array");
  if (axes.size() != narrays) {
    throw ValueError("axes " + axes_text() + " name " + std::to_string(axes.size()) + " axes for " +
                     std::to_string(narrays) + " index arrays");
  }
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= ndim) {
      throw ValueError("axis " + std::to_string(axes[i]) + " is out of bounds for array of dimension " +
                       std::to_string(ndim));
    }
    if (i > 0 && axes[i] <= axes[i - 1]) throw ValueError("axes " + axes_text() + " must be ascending and distinct");
    if (i > 0 && !first && axes[i] != axes[i - 1] + 1) {
      throw ValueError("axes " + axes_text() +
                       " are not adjacent, so the index dimensions cannot replace them (first must be true)");
    }
  }
}

std::int64_t checked_axis(const Operand& x, const char* op, std::int64_t axis, int nd) {
  if (axis < -nd || axis >= nd) {
    throw ValueError(format_location(x.where()) + ": " + op + ": axis " + std::to_string(axis) +
                     " is out of bounds for array of dimension " + std::to_string(nd));
  }
  return axis < 0 ? axis + nd : axis;
}

SelectionAxes selection_axes(int ndim, const std::vector<std::int64_t>& axes, bool first) {
  SelectionAxes sa;
  for (int i = 0; i < ndim; ++i) {
    if (std::find(axes.begin(), axes.end(), i) != axes.end()) continue;
    (!first && i < axes.front() ? sa.outer : sa.inner).push_back(i);
  }
  return sa;
}

Shape infer_selection(const InferArgs& a, int first) {
  const Type& x = a.type(0);
  std::vector<Shape> shapes;
  for (int i = first; i < a.num_inputs(); ++i) {
    check_index_dtype(a.type(i), "index arrays");
    shapes.push_back(a.type(i).shape);
  }
  const auto& axes = a.attrs.get_ints("axes");
  const bool first_dims = a.attrs.get_bool("first");
  check_index_axes(axes, first_dims, x.ndim(), shapes.size());
  return selection_layout(x.shape, broadcast_index_static(shapes), selection_axes(x.ndim(), axes, first_dims));
}

void check_value_static(const Shape& y, const Shape& selection) {
  if (y.size() > selection.size()) value_mismatch(y, selection);
  const std::size_t pad = selection.size() - y.size();
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::int64_t yd = y[i], sd = selection[pad + i];
    if (yd != kUnknownDim && yd != 1 && sd != kUnknownDim && yd != sd) value_mismatch(y, selection);
  }
}

void check_value_shape(const Shape& y, const Shape& selection) { check_value_static(y, selection); }

IndexPlan plan_index(const Shape& shape, const Strides& strides, std::span<const Array> arrays,
                     const std::vector<std::int64_t>& axes, bool first) {
  IndexPlan p;
  std::vector<Shape> shapes;
  for (const Array& a : arrays) shapes.push_back(a.shape());
  p.index_shape = broadcast_index_shapes(shapes);
  p.axes = selection_axes(static_cast<int>(shape.size()), axes, first);
  p.selection = selection_layout(shape, p.index_shape, p.axes);
  p.offsets.assign(static_cast<std::size_t>(shape_size(p.index_shape)), 0);
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const auto axis = static_cast<std::size_t>(axes[k]);
    visit_dtype(arrays[k].dtype(), [&]<class T>(std::type_identity<T>) {
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        add_offsets<T>(arrays[k], p.index_shape, static_cast<int>(axis), shape[axis], strides[axis], p.offsets);
      } else {
        throw InternalError("an index array of dtype " + std::string(dtype_name(arrays[k].dtype())) +
                            " passed type inference");
      }
    });
  }
  return p;
}

std::vector<std::int64_t> element_offsets(const Shape& shape, const Strides& strides, const std::vector<int>& axes) {
  std::vector<std::int64_t> out{0};
  for (int axis : axes) {
    const auto au = static_cast<std::size_t>(axis);
    std::vector<std::int64_t> next;
    next.reserve(out.size() * static_cast<std::size_t>(shape[au]));
    for (std::int64_t o : out) {
      for (std::int64_t t = 0; t < shape[au]; ++t) next.push_back(o + t * strides[au]);
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace hypatia::detail
