// Native kernels that fill new arrays: alloc (a broadcast copy of the value: one
// splat loop for a scalar, memcpy rows for a row).
#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

// The sizes in inputs first.. (int64 scalars); nothing when one is negative (the
// reference raises).
std::optional<Shape> sizes_from(std::span<const Array> in, std::size_t first) {
  Shape s;
  for (std::size_t i = first; i < in.size(); ++i) {
    if (in[i].dtype() != DType::int64 || in[i].ndim() != 0) return std::nullopt;
    s.push_back(in[i].item<std::int64_t>());
    if (s.back() < 0) return std::nullopt;
  }
  return s;
}

Result alloc_kernel(const Node&, std::span<const Array> in) {
  const std::optional<Shape> shape = sizes_from(in, 1);
  if (!shape) return std::nullopt;
  const Array& value = in[0];
  if (value.ndim() > static_cast<int>(shape->size())) return std::nullopt;
  for (int i = 0; i < value.ndim(); ++i) {
    const std::int64_t v = value.shape(i);
    if (v != 1 && v != (*shape)[shape->size() - static_cast<std::size_t>(value.ndim() - i)]) return std::nullopt;
  }
  Array out = Array::empty(value.dtype(), *shape);
  copy_same(value.broadcast_to(*shape), out);
  return std::vector<Array>{out};
}

}  // namespace

void add_fill_kernels(Table& t) { t["alloc"] = alloc_kernel; }

}  // namespace hypatia::cpu::native
