// Native kernels of indexing: advanced_subtensor1 (take), advanced_inc_subtensor1,
// take_along_axis, inc_along_axis and inc_subtensor.
//
// Indices are checked in one pass first (an out-of-range one declines, so the
// reference kernel raises its IndexError), then read again by the gather, whose
// strides are hoisted: a block of x that is contiguous is one memcpy, a single
// element is one typed load. take of a contiguous x splits its picks among threads
// above kParallelWork (native_util.hpp); each element is copied as on one thread.
#include <algorithm>
#include <cstring>

#include "backend/cpu/native_kernels.hpp"
#include "backend/cpu/native_util.hpp"
#include "graph/op.hpp"
#include "ops/advanced_index.hpp"
#include "ops/kernel_util.hpp"
#include "ops/native_hooks.hpp"
#include "runtime/cast.hpp"

namespace hypatia::cpu::native {
namespace {

using Result = std::optional<std::vector<Array>>;

// i normalized into [0, n) (negative counts from the end); false when out of range.
template <class I>
bool position(I raw, std::int64_t n, std::int64_t& i) {
  if constexpr (std::is_unsigned_v<I>) {
    i = static_cast<std::int64_t>(raw);
    return raw < static_cast<std::uint64_t>(n);
  } else {
    i = static_cast<std::int64_t>(raw);
    if (i < 0) i += n;
    return i >= 0 && i < n;
  }
}

// Calls f(std::type_identity<I>) for an integer (not bool) index dtype; false otherwise.
template <class F>
bool by_index_type(DType t, F&& f) {
  bool ok = false;
  visit_dtype(t, [&]<class I>(std::type_identity<I>) {
    if constexpr (std::is_integral_v<I> && !std::is_same_v<I, bool>) {
      ok = true;
      f(std::type_identity<I>{});
    }
  });
  return ok;
}

// All of `idx` (contiguous) within an axis of n.
template <class I>
bool all_in_range(const I* idx, std::int64_t count, std::int64_t n) {
  bool ok = true;
  for (std::int64_t j = 0; j < count; ++j) {
    std::int64_t i;
    ok = position(idx[j], n, i) && ok;
  }
  return ok;
}

struct Blocks {
  std::int64_t outer = 1, n = 0, inner = 1;
};
Blocks blocks_of(const Shape& shape, std::size_t axis) {
  Blocks b;
  b.n = shape[axis];
  for (std::size_t d = 0; d < axis; ++d) b.outer *= shape[d];
  for (std::size_t d = axis + 1; d < shape.size(); ++d) b.inner *= shape[d];
  return b;
}

Shape selection_shape(const Shape& x, const Shape& index, std::size_t axis) {
  Shape s(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(axis));
  s.insert(s.end(), index.begin(), index.end());
  s.insert(s.end(), x.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.end());
  return s;
}

Array gather_planned(const Array& x, std::span<const Array> arrays, const std::vector<std::int64_t>& axes, bool first);

// numpy.take along `axis`: out = x[..., indices, ...]; a strided x is read in place.
Result take_kernel(const Node& node, std::span<const Array> in) {
  if (!in[0].is_contiguous()) {
    return std::vector<Array>{gather_planned(in[0], in.subspan(1), {node.attrs().get_int("axis")}, false)};
  }
  const Array& x = in[0];
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const Array idx = in[1].contiguous();
  const Blocks b = blocks_of(x.shape(), axis);
  const std::int64_t count = idx.size();
  // Every index into an empty axis is out of range, and there is no element 0 to
  // read in its place: the reference kernel raises.
  if (b.n == 0 && count > 0) return std::nullopt;
  Array out = Array::empty(x.dtype(), selection_shape(x.shape(), idx.shape(), axis));
  bool bad = false;
  const bool typed = by_index_type(idx.dtype(), [&]<class I>(std::type_identity<I>) {
    const I* ix = reinterpret_cast<const I*>(idx.data());
    if (out.size() == 0) {
      bad = !all_in_range(ix, count, b.n);
      return;
    }
    by_item(x.itemsize(), [&]<class U>(std::type_identity<U>) {
      const U* src = reinterpret_cast<const U*>(x.data());
      U* const out_data = reinterpret_cast<U*>(out.data());
      const auto n = static_cast<std::uint64_t>(b.n);
      // Picks [p0, p1) of the outer * count picks (line o = p / count, index p % count),
      // each on its own part of the output.
      const auto picks = [&](std::int64_t p0, std::int64_t p1) {
        bool part_bad = false;
        U* dst = out_data + p0 * b.inner;
        std::int64_t o = p0 / count, j = p0 % count;
        const U* line = src + o * b.n * b.inner;
        for (std::int64_t p = p0; p < p1; ++p, ++j) {
          if (j == count) {
            j = 0;
            line += b.n * b.inner;
          }
          // No branch on the index: a bad one reads element 0 and marks the result
          // void (the reference kernel then raises).
          auto i = static_cast<std::int64_t>(ix[j]);
          if constexpr (std::is_signed_v<I>) i += i < 0 ? b.n : 0;
          const bool out_of_range = static_cast<std::uint64_t>(i) >= n;
          part_bad |= out_of_range;
          i = out_of_range ? 0 : i;
          if (b.inner == 1) {
            *dst++ = line[i];
          } else {
            std::memcpy(dst, line + i * b.inner, static_cast<std::size_t>(b.inner) * sizeof(U));
            dst += b.inner;
          }
        }
        return part_bad;
      };
      const std::int64_t total = b.outer * count;
      // Per element copied a load and a store; per pick the index, its check and the
      // address.
      const std::int64_t team = team_for(total, out.size() * 2 + total * 4);
      if (team <= 1) {
        bad = picks(0, total);
        return;
      }
      std::vector<char> part_bad(static_cast<std::size_t>(team), 0);
      const std::int64_t per = (total + team - 1) / team;
      split_parts(team, team, [&](std::int64_t t0, std::int64_t t1) {
        for (std::int64_t t = t0; t < t1; ++t) {
          part_bad[static_cast<std::size_t>(t)] = picks(std::min(total, t * per), std::min(total, (t + 1) * per));
        }
      });
      bad = std::find(part_bad.begin(), part_bad.end(), 1) != part_bad.end();
    });
  });
  if (!typed || bad) return std::nullopt;
  return std::vector<Array>{out};
}

// a + b as NumPy's add in T: integers wrap, bools or.
template <class T>
inline T add_wrapping(T a, T b) {
  return detail::wrapping_add(a, b);
}

// advanced_inc_subtensor1: a copy of x with y added (or set) at indices along axis.
Result inc1_kernel(const Node& node, std::span<const Array> in) {
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const bool set = node.attrs().get_bool("set");
  Array out = in[0].copy();
  const Array idx = in[2].contiguous();
  const Shape sel = selection_shape(out.shape(), idx.shape(), axis);
  const Array& y = in[1];
  // y broadcasts to the selection (no more dimensions); the reference raises otherwise.
  if (y.ndim() > static_cast<int>(sel.size())) return std::nullopt;
  for (int k = 1; k <= y.ndim(); ++k) {
    const std::int64_t yd = y.shape()[static_cast<std::size_t>(y.ndim() - k)];
    if (yd != 1 && yd != sel[sel.size() - static_cast<std::size_t>(k)]) return std::nullopt;
  }
  const Blocks b = blocks_of(out.shape(), axis);
  const std::int64_t count = idx.size();
  bool ok = true;
  const bool typed = by_index_type(idx.dtype(), [&]<class I>(std::type_identity<I>) {
    const I* ix = reinterpret_cast<const I*>(idx.data());
    ok = all_in_range(ix, count, b.n);
    if (!ok || shape_size(sel) == 0) return;
    Array yc = y.astype(out.dtype());
    if (yc.shape() != sel) yc = yc.broadcast_to(sel).contiguous();
    visit_dtype(out.dtype(), [&]<class T>(std::type_identity<T>) {
      T* dst = reinterpret_cast<T*>(out.data());
      const T* src = reinterpret_cast<const T*>(yc.data());
      for (std::int64_t o = 0; o < b.outer; ++o) {
        T* line = dst + o * b.n * b.inner;
        for (std::int64_t j = 0; j < count; ++j, src += b.inner) {
          std::int64_t i;
          position(ix[j], b.n, i);
          T* d = line + i * b.inner;
          if (set) {
            std::memcpy(d, src, static_cast<std::size_t>(b.inner) * sizeof(T));
          } else {
            for (std::int64_t k = 0; k < b.inner; ++k) d[k] = add_wrapping(d[k], src[k]);
          }
        }
      }
    });
  });
  if (!typed || !ok) return std::nullopt;
  return std::vector<Array>{out};
}

// ---------------------------------------------------------------- along an axis

// The result shape of indexing x along `axis` with `indices`, or nothing when they do
// not broadcast (the reference raises).
std::optional<Shape> along_result(const Array& x, const Array& indices, std::size_t axis) {
  if (indices.ndim() != x.ndim()) return std::nullopt;
  Shape r = x.shape();
  r[axis] = 1;
  for (std::size_t d = 0; d < r.size(); ++d) {
    const std::int64_t s = indices.shape()[d];
    if (r[d] == 1) {
      r[d] = s;
    } else if (s != 1 && s != r[d]) {
      return std::nullopt;
    }
  }
  return r;
}

// Calls f(x byte offset, result element number) for every result element in C order,
// with the index checked (false when one is out of range; nothing is called after).
template <class F>
bool walk_along(const Array& x, const Array& indices, std::size_t axis, const Shape& result, F&& f) {
  const std::int64_t total = shape_size(result);
  if (total == 0) return true;
  const std::size_t nd = result.size();
  Strides xs = x.strides();
  for (std::size_t d = 0; d < nd; ++d) {
    if (d == axis || x.shape()[d] != result[d]) xs[d] = 0;
  }
  const Strides is = detail::broadcast_strides(indices, result);
  const std::int64_t n = x.shape()[axis], step = x.strides()[axis];
  const std::int64_t inner = result[nd - 1], xs_in = xs[nd - 1], is_in = is[nd - 1];
  bool ok = true;
  const bool typed = by_index_type(indices.dtype(), [&]<class I>(std::type_identity<I>) {
    std::vector<std::int64_t> index(nd, 0);
    std::int64_t xo = 0, io = 0, e = 0;
    for (;;) {
      const std::byte* ip = indices.data() + io;
      for (std::int64_t k = 0; k < inner; ++k, ++e) {
        std::int64_t i;
        if (!position(load<I>(ip + k * is_in), n, i)) {
          ok = false;
          return;
        }
        f(xo + k * xs_in + i * step, e);
      }
      std::size_t d = nd - 1;
      for (;;) {
        if (d == 0) return;
        --d;
        xo += xs[d];
        io += is[d];
        if (++index[d] < result[d]) break;
        xo -= xs[d] * result[d];
        io -= is[d] * result[d];
        index[d] = 0;
      }
    }
  });
  return typed && ok;
}

Result take_along_kernel(const Node& node, std::span<const Array> in) {
  const Array& x = in[0];
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const std::optional<Shape> result = along_result(x, in[1], axis);
  if (!result) return std::nullopt;
  Array out = Array::empty(x.dtype(), *result);
  bool ok = true;
  by_item(x.itemsize(), [&]<class U>(std::type_identity<U>) {
    U* dst = reinterpret_cast<U*>(out.data());
    const std::byte* src = x.data();
    ok = walk_along(x, in[1], axis, *result, [&](std::int64_t from, std::int64_t e) { dst[e] = load<U>(src + from); });
  });
  if (!ok) return std::nullopt;
  return std::vector<Array>{out};
}

Result inc_along_kernel(const Node& node, std::span<const Array> in) {
  const auto axis = static_cast<std::size_t>(node.attrs().get_int("axis"));
  const std::optional<Shape> result = along_result(in[0], in[1], axis);
  if (!result) return std::nullopt;
  const Array& y0 = in[2];
  if (y0.ndim() > static_cast<int>(result->size())) return std::nullopt;
  for (int k = 1; k <= y0.ndim(); ++k) {
    const std::int64_t yd = y0.shape()[static_cast<std::size_t>(y0.ndim() - k)];
    if (yd != 1 && yd != (*result)[result->size() - static_cast<std::size_t>(k)]) return std::nullopt;
  }
  Array out = in[0].copy();
  Array y = y0.astype(out.dtype());
  if (y.shape() != *result) y = y.broadcast_to(*result).contiguous();
  bool ok = true;
  visit_dtype(out.dtype(), [&]<class T>(std::type_identity<T>) {
    std::byte* dst = out.data();
    const T* src = reinterpret_cast<const T*>(y.data());
    ok = walk_along(out, in[1], axis, *result, [&](std::int64_t at, std::int64_t e) {
      T* p = reinterpret_cast<T*>(dst + at);
      *p = add_wrapping(*p, src[e]);
    });
  });
  if (!ok) return std::nullopt;
  return std::vector<Array>{out};
}

// ---------------------------------------------------------------- inc_subtensor

// x + y in the promoted dtype P, stored back in x's dtype (the reference's `added`).
template <class X, class P>
X added(X x, P y) {
  if constexpr (std::is_same_v<P, bool>) {
    return detail::convert<X>(detail::convert<bool>(x) || y);
  } else if constexpr (std::is_integral_v<P>) {
    using U = std::make_unsigned_t<P>;
    return detail::convert<X>(static_cast<P>(static_cast<U>(detail::convert<P>(x)) + static_cast<U>(y)));
  } else {
    return detail::convert<X>(detail::convert<P>(x) + y);
  }
}

Result inc_subtensor_kernel(const Node& node, std::span<const Array> in) {
  const Array& x = in[0];
  const Array& y = in[1];
  Array out = x.copy();
  Array sel = detail::subtensor_select(out, node.attrs().get_ints("items"), in.subspan(2));
  if (y.ndim() > sel.ndim()) return std::nullopt;
  for (int i = 1; i <= y.ndim(); ++i) {
    const std::int64_t yd = y.shape()[static_cast<std::size_t>(y.ndim() - i)];
    if (yd != 1 && yd != sel.shape()[static_cast<std::size_t>(sel.ndim() - i)]) return std::nullopt;
  }
  const Array yb = y.broadcast_to(sel.shape());
  if (node.attrs().get_bool("set")) {
    copy_same(y.dtype() == x.dtype() ? yb : yb.astype(x.dtype()), sel);
    return std::vector<Array>{out};
  }
  if (sel.size() == 0) return std::vector<Array>{out};
  const DType p = promote_types(x.dtype(), y.dtype());
  const Array yp = yb.astype(p);  // C-contiguous, in sel's order
  const Collapsed c = collapse(sel.shape(), {&sel.strides(), &yp.strides()});
  const std::size_t nd = c.shape.size();
  visit_dtype(x.dtype(), [&]<class X>(std::type_identity<X>) {
    visit_dtype(p, [&]<class P>(std::type_identity<P>) {
      const std::int64_t inner = c.shape[nd - 1], ds = c.strides[0][nd - 1], ss = c.strides[1][nd - 1];
      for_each_line(c, sel.data(), yp.data(), [&](std::byte* d, const std::byte* s) {
        for (std::int64_t k = 0; k < inner; ++k) {
          X* xe = reinterpret_cast<X*>(d + k * ds);
          *xe = added<X, P>(*xe, *reinterpret_cast<const P*>(s + k * ss));
        }
      });
    });
  });
  return std::vector<Array>{out};
}

// ---------------------------------------------------------------- several index arrays

// x at broadcast index arrays over `axes` (advanced_subtensor; advanced_subtensor1 on
// a strided x). The shared plan (advanced_index.hpp) checks the arrays as the
// reference does and turns them into byte offsets; the copy is then typed: one load
// per element, or one memcpy per block of inner axes that x stores contiguously.
Array gather_planned(const Array& x, std::span<const Array> arrays, const std::vector<std::int64_t>& axes, bool first) {
  const detail::IndexPlan p = detail::plan_index(x.shape(), x.strides(), arrays, axes, first);
  Array out = Array::empty(x.dtype(), p.selection);
  if (out.size() == 0) return out;
  // The inner axes make one block when they are x's trailing axes, stored C-contiguous.
  const auto item = static_cast<std::int64_t>(x.itemsize());
  std::int64_t chunk = 1, expect = item;
  bool block = true;
  for (std::size_t k = p.axes.inner.size(); k-- > 0;) {
    const int axis = p.axes.inner[k];
    const std::int64_t n = x.shape(axis);
    block = block && axis == x.ndim() - static_cast<int>(p.axes.inner.size()) + static_cast<int>(k) &&
            (n == 1 || x.strides()[static_cast<std::size_t>(axis)] == expect);
    chunk *= n;
    expect *= n;
  }
  const std::vector<std::int64_t> outer = detail::element_offsets(x.shape(), x.strides(), p.axes.outer);
  const std::vector<std::int64_t> rest =
      block ? std::vector<std::int64_t>{0} : detail::element_offsets(x.shape(), x.strides(), p.axes.inner);
  if (!block) chunk = 1;
  by_item(x.itemsize(), [&]<class U>(std::type_identity<U>) {
    U* dst = reinterpret_cast<U*>(out.data());
    const std::byte* src = x.data();
    for (std::int64_t o : outer) {
      for (std::int64_t j : p.offsets) {
        const std::byte* at = src + o + j;
        if (chunk == 1) {
          for (std::int64_t r : rest) *dst++ = load<U>(at + r);
        } else {
          std::memcpy(dst, at, static_cast<std::size_t>(chunk) * sizeof(U));
          dst += chunk;
        }
      }
    }
  });
  return out;
}

Result adv_gather_kernel(const Node& node, std::span<const Array> in) {
  return std::vector<Array>{
      gather_planned(in[0], in.subspan(1), node.attrs().get_ints("axes"), node.attrs().get_bool("first"))};
}

// advanced_inc_subtensor: a copy of x with y (cast to x's dtype, broadcast to the
// selection) added or set at the plan's offsets, in the selection's C order (repeated
// indices accumulate, or the last write wins).
Result adv_inc_kernel(const Node& node, std::span<const Array> in) {
  Array out = in[0].copy();
  const detail::IndexPlan p = detail::plan_index(out.shape(), out.strides(), in.subspan(2),
                                                 node.attrs().get_ints("axes"), node.attrs().get_bool("first"));
  detail::check_value_shape(in[1].shape(), p.selection);
  if (shape_size(p.selection) == 0) return std::vector<Array>{out};
  Array y = in[1].astype(out.dtype());
  if (y.shape() != p.selection) y = y.broadcast_to(p.selection).contiguous();
  const bool set = node.attrs().get_bool("set");
  const std::vector<std::int64_t> outer = detail::element_offsets(out.shape(), out.strides(), p.axes.outer);
  const std::vector<std::int64_t> inner = detail::element_offsets(out.shape(), out.strides(), p.axes.inner);
  visit_dtype(out.dtype(), [&]<class T>(std::type_identity<T>) {
    std::byte* const dst = out.data();
    const T* src = reinterpret_cast<const T*>(y.data());
    for (std::int64_t o : outer) {
      for (std::int64_t j : p.offsets) {
        std::byte* const d = dst + o + j;
        for (std::int64_t i : inner) {
          T& target = *reinterpret_cast<T*>(d + i);
          target = set ? *src : detail::wrapping_add(target, *src);
          ++src;
        }
      }
    }
  });
  return std::vector<Array>{out};
}

// ---------------------------------------------------------------- nonzero

// Per axis, the coordinates of x's nonzero elements (NaN counts) in C order: one pass
// to count, one to write.
Result nonzero_kernel(const Node&, std::span<const Array> in) {
  const Array x = in[0].contiguous();
  const std::size_t nd = x.shape().size();
  std::int64_t count = 0;
  visit_dtype(x.dtype(), [&]<class T>(std::type_identity<T>) {
    const T* p = reinterpret_cast<const T*>(x.data());
    for (std::int64_t i = 0; i < x.size(); ++i) count += p[i] != T(0) ? 1 : 0;
  });
  // One spare element: the fill below writes every position's coordinates and moves
  // on only past nonzeros (no branch), so it writes once past the last one.
  std::vector<Array> out, full;
  std::vector<std::int64_t*> dst;
  for (std::size_t d = 0; d < nd; ++d) {
    full.push_back(Array::empty(DType::int64, {count + 1}));
    out.push_back(full.back().slice(0, 0, count));
    dst.push_back(reinterpret_cast<std::int64_t*>(full.back().data()));
  }
  if (count == 0) return out;
  visit_dtype(x.dtype(), [&]<class T>(std::type_identity<T>) {
    const T* p = reinterpret_cast<const T*>(x.data());
    const std::int64_t inner = x.shape()[nd - 1];
    std::vector<std::int64_t> index(nd, 0);
    std::int64_t k = 0;
    for (std::int64_t i = 0; i < x.size(); i += inner) {
      for (std::int64_t j = 0; j < inner && k < count; ++j) {
        for (std::size_t d = 0; d + 1 < nd; ++d) dst[d][k] = index[d];
        dst[nd - 1][k] = j;
        k += p[i + j] != T(0) ? 1 : 0;
      }
      for (std::size_t d = nd - 1; d-- > 0;) {
        if (++index[d] < x.shape()[d]) break;
        index[d] = 0;
      }
    }
  });
  return out;
}

}  // namespace

void add_gather_kernels(Table& t) {
  t["nonzero"] = nonzero_kernel;
  t["advanced_subtensor"] = adv_gather_kernel;
  t["advanced_inc_subtensor"] = adv_inc_kernel;
  t["advanced_subtensor1"] = take_kernel;
  t["advanced_inc_subtensor1"] = inc1_kernel;
  t["take_along_axis"] = take_along_kernel;
  t["inc_along_axis"] = inc_along_kernel;
  t["inc_subtensor"] = inc_subtensor_kernel;
}

}  // namespace hypatia::cpu::native
