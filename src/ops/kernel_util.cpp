#include "ops/kernel_util.hpp"

#include <algorithm>

namespace hypatia::detail {

Shape broadcast_shapes(std::span<const Shape> shapes) {
  std::size_t nd = 0;
  for (const Shape& s : shapes) nd = std::max(nd, s.size());
  Shape out(nd, 1);
  for (std::size_t i = 0; i < nd; ++i) {
    std::int64_t result = 1;
    for (const Shape& s : shapes) {
      if (i >= s.size()) continue;
      const std::int64_t d = s[s.size() - 1 - i];
      if (d == 1) continue;
      if (result != 1 && result != d) {
        std::string msg = "operands could not be broadcast together with shapes";
        for (const Shape& t : shapes) msg.append(" ").append(shape_str(t));
        // Which dimension, counted from the right as broadcasting aligns them.
        msg += " (dimension -" + std::to_string(i + 1) + ": " + std::to_string(result) + " vs " + std::to_string(d) + ")";
        throw ShapeError(msg);
      }
      result = d;
    }
    out[nd - 1 - i] = result;
  }
  return out;
}

Shape broadcast_shapes(std::span<const Array> arrays) {
  std::vector<Shape> shapes;
  for (const Array& a : arrays) shapes.push_back(a.shape());
  return broadcast_shapes(shapes);
}

Strides broadcast_strides(const Array& a, const Shape& shape) {
  Strides st(shape.size(), 0);
  const std::size_t off = shape.size() - static_cast<std::size_t>(a.ndim());
  for (std::size_t i = 0; i < static_cast<std::size_t>(a.ndim()); ++i) {
    const std::int64_t d = a.shape()[i];
    if (d == shape[off + i]) {
      st[off + i] = a.strides()[i];
    } else if (d != 1) {
      throw InternalError("broadcast_strides: " + shape_str(a.shape()) + " does not broadcast to " + shape_str(shape));
    }
  }
  return st;
}

int normalize_axis(std::int64_t axis, int ndim) {
  const std::int64_t a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) {
    throw IndexError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                     std::to_string(ndim));
  }
  return static_cast<int>(a);
}

std::vector<int> normalize_axes(std::span<const std::int64_t> axes, int ndim) {
  std::vector<int> out;
  for (std::int64_t a : axes) out.push_back(normalize_axis(a, ndim));
  std::sort(out.begin(), out.end());
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i] == out[i - 1]) throw ValueError("repeated axis " + std::to_string(out[i]));
  }
  return out;
}

}  // namespace hypatia::detail
