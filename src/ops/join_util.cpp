#include "ops/join_util.hpp"

#include <cstring>

#include "ops/kernel_util.hpp"

namespace hypatia::detail {
namespace {

// Byte offsets of each index of each result axis into the source, or kNone.
constexpr std::int64_t kNone = INT64_MIN;

std::vector<std::vector<std::int64_t>> offset_tables(const Strides& strides, const std::vector<AxisMap>& maps,
                                                     const Shape& shape) {
  std::vector<std::vector<std::int64_t>> out(shape.size());
  for (std::size_t k = 0; k < shape.size(); ++k) {
    out[k].resize(static_cast<std::size_t>(shape[k]));
    for (std::int64_t i = 0; i < shape[k]; ++i) {
      const std::int64_t src = maps[k].empty() ? i : maps[k][static_cast<std::size_t>(i)];
      out[k][static_cast<std::size_t>(i)] = src < 0 ? kNone : src * strides[k];
    }
  }
  return out;
}

// Calls f(element index in C order, source byte offset or kNone) for every index of
// `shape`.
template <class F>
void for_each_mapped(const Shape& shape, const std::vector<std::vector<std::int64_t>>& tables, F&& f) {
  const std::int64_t total = shape_size(shape);
  const std::size_t nd = shape.size();
  std::vector<std::int64_t> index(nd, 0);
  for (std::int64_t e = 0; e < total; ++e) {
    std::int64_t off = 0;
    for (std::size_t k = 0; k < nd && off != kNone; ++k) {
      const std::int64_t t = tables[k][static_cast<std::size_t>(index[k])];
      off = t == kNone ? kNone : off + t;
    }
    f(e, off);
    for (std::size_t k = nd; k-- > 0;) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
}

}  // namespace

int axis_in(std::int64_t axis, int nd) {
  if (axis < -nd || axis >= nd) {
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " + std::to_string(nd));
  }
  return static_cast<int>(axis < 0 ? axis + nd : axis);
}

void builder_error(ErrorKind kind, SourceLocation where, const char* op, const std::string& message) {
  throw_user_error(kind, format_location(where) + ": " + op + ": " + message);
}

Array gather_axes(const Array& x, const std::vector<AxisMap>& maps, const Shape& out_shape, const Array* fill) {
  Array out = Array::empty(x.dtype(), out_shape);
  const std::size_t item = x.itemsize();
  const auto tables = offset_tables(x.strides(), maps, out_shape);
  std::byte* o = out.data();
  const std::byte* base = x.data();
  for_each_mapped(out_shape, tables, [&](std::int64_t e, std::int64_t off) {
    std::byte* dst = o + static_cast<std::size_t>(e) * item;
    if (off != kNone) {
      std::memcpy(dst, base + off, item);
    } else if (fill != nullptr) {
      std::memcpy(dst, fill->data(), item);
    } else {
      throw InternalError("gather_axes: an index without a source and no fill");
    }
  });
  return out;
}

Array scatter_add_axes(const Array& g, const std::vector<AxisMap>& maps, const Shape& out_shape) {
  Array out = Array::zeros(g.dtype(), out_shape);
  // The tables map g's indices into the (C-contiguous) result; g is read through its
  // own strides in the same C order.
  const auto tables = offset_tables(out.strides(), maps, g.shape());
  const Array gc = g.contiguous();
  visit_dtype(g.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = reinterpret_cast<const T*>(gc.data());
    std::byte* o = out.data();
    for_each_mapped(g.shape(), tables, [&](std::int64_t e, std::int64_t off) {
      if (off == kNone) return;
      T& acc = *reinterpret_cast<T*>(o + off);
      const T v = src[e];
      if constexpr (std::is_same_v<T, bool>) {
        acc = acc || v;
      } else if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;
        acc = static_cast<T>(static_cast<U>(static_cast<U>(acc) + static_cast<U>(v)));
      } else {
        acc += v;
      }
    });
  });
  return out;
}


}  // namespace hypatia::detail
