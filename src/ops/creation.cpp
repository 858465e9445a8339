// Creating arrays: alloc (and zeros, ones, full, zeros_like, ones_like built on it),
// eye, arange, linspace (declared in hypatia/ops/matrix.hpp).
//
// Sizes are int64 scalar inputs of the node, so they may be computed in the graph;
// a size known at build time (a constant) gives a static size in the type, and a
// negative one is a ValueError as soon as it is known: at build time for constants,
// at run time otherwise.
#include "hypatia/ops/creation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/matrix.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"
#include "runtime/cast.hpp"

namespace hypatia {
namespace {

void check_size(std::int64_t n, std::size_t i) {
  if (n < 0) {
    throw ValueError("negative dimensions are not allowed: size " + std::to_string(i) + " is " + std::to_string(n));
  }
}

// The static size of each size input from `first` on (kUnknownDim unless constant).
Shape static_sizes(const InferArgs& a, int first) {
  Shape out;
  for (int i = first; i < a.num_inputs(); ++i) {
    const Type& t = a.type(i);
    if (t.dtype != DType::int64 || t.ndim() != 0) {
      throw InternalError("size input " + std::to_string(i) + " is " + t.str() + ", not an int64 scalar");
    }
    const std::int64_t n = detail::static_size(a.inputs[static_cast<std::size_t>(i)]);
    if (n != kUnknownDim) check_size(n, static_cast<std::size_t>(i - first));
    out.push_back(n);
  }
  return out;
}

// The run-time sizes from input `first` on, checked.
Shape runtime_sizes(const KernelArgs& a, std::size_t first) {
  Shape out;
  for (std::size_t i = first; i < a.inputs.size(); ++i) {
    out.push_back(a.inputs[i].item<std::int64_t>());
    check_size(out.back(), i - first);
  }
  return out;
}

std::vector<SymShape> sizes_from_inputs(const ShapeArgs& a, std::size_t first) {
  const auto& ins = a.node.inputs();
  return {SymShape(ins.begin() + static_cast<std::ptrdiff_t>(first), ins.end())};
}

SourceLocation location_of(const std::vector<Operand>& shape, SourceLocation fallback) {
  return shape.empty() ? fallback : shape.front().where();
}

// ---- alloc

std::string dims_str(const Shape& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += (i ? ", " : "") + (s[i] == kUnknownDim ? std::string("?") : std::to_string(s[i]));
  }
  return out + (s.size() == 1 ? ",)" : ")");
}

std::vector<Type> infer_alloc(const InferArgs& a) {
  const Type& value = a.type(0);
  Shape shape = static_sizes(a, 1);
  const int nd = static_cast<int>(shape.size());
  if (value.ndim() > nd) {
    throw ShapeError("the value has more dimensions (" + std::to_string(value.ndim()) + ", shape " +
                     dims_str(value.shape) + ") than the shape to fill (" + std::to_string(nd) + ")");
  }
  for (int i = 0; i < value.ndim(); ++i) {
    const std::int64_t v = value.shape[static_cast<std::size_t>(i)];
    std::int64_t& s = shape[static_cast<std::size_t>(nd - value.ndim() + i)];
    if (v == kUnknownDim || v == 1) continue;
    if (s == kUnknownDim) {
      s = v;  // a valid program can only fill a size the value does not broadcast with it
    } else if (s != v) {
      throw ShapeError("the value of shape " + dims_str(value.shape) + " does not broadcast to shape " +
                       dims_str(shape));
    }
  }
  return {Type{value.dtype, shape}};
}

std::vector<Array> alloc_reference(const KernelArgs& a) {
  const Shape shape = runtime_sizes(a, 1);
  const Array& value = a.inputs[0];
  bool fits = value.ndim() <= static_cast<int>(shape.size());
  for (int i = 0; fits && i < value.ndim(); ++i) {
    const std::int64_t v = value.shape(i);
    fits = v == 1 || v == shape[shape.size() - static_cast<std::size_t>(value.ndim() - i)];
  }
  if (!fits) {
    throw ShapeError("the value of shape " + shape_str(value.shape()) + " does not broadcast to shape " +
                     shape_str(shape));
  }
  return {value.broadcast_to(shape).copy()};
}

// ---- eye

std::vector<Array> eye_reference(const KernelArgs& a) {
  const Shape shape = runtime_sizes(a, 0);
  // Clamped so that far-off diagonals (empty) cannot overflow the index arithmetic.
  const std::int64_t k = std::clamp(a.attrs().get_int("k"), -shape[0], shape[1]);
  Array out = Array::zeros(a.output_type(0).dtype, shape);
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = reinterpret_cast<T*>(out.data());
    // Row i holds its one at column i + k, when that column exists.
    for (std::int64_t i = std::max<std::int64_t>(0, -k); i < shape[0] && i + k < shape[1]; ++i) {
      p[i * shape[1] + i + k] = T(1);
    }
  });
  return {out};
}

// ---- arange

// start, stop and step as read from the inputs: exact integers when every input is
// an integer (or bool), doubles otherwise.
struct Range {
  bool integral = true;
  std::int64_t istart = 0, istop = 0, istep = 1;
  double start = 0, stop = 0, step = 1;
};

bool integral_dtype(DType t) { return is_integer(t) || is_bool(t); }

Range range_of(const Array& start, const Array& stop, const Array& step) {
  Range r;
  r.integral = integral_dtype(start.dtype()) && integral_dtype(stop.dtype()) && integral_dtype(step.dtype());
  if (r.integral) {
    r.istart = start.item<std::int64_t>();
    r.istop = stop.item<std::int64_t>();
    r.istep = step.item<std::int64_t>();
  }
  r.start = start.item<double>();
  r.stop = stop.item<double>();
  r.step = step.item<double>();
  return r;
}

// numpy.arange's length: ceil((stop - start) / step), at least 0.
std::int64_t range_length(const Range& r) {
  if (r.integral ? r.istep == 0 : r.step == 0) throw ValueError("step must not be zero");
  if (r.integral) {
    // In 128 bits: stop - start may not fit 64.
    const __int128 span = static_cast<__int128>(r.istop) - r.istart;
    const __int128 step = r.istep;
    if ((span > 0) != (step > 0) || span == 0) return 0;
    const __int128 n = (span + step + (step > 0 ? -1 : 1)) / step;  // ceil, span and step of one sign
    return static_cast<std::int64_t>(n);
  }
  const double n = std::ceil((r.stop - r.start) / r.step);
  if (std::isnan(n)) {
    throw ValueError("the length of arange(" + std::to_string(r.start) + ", " + std::to_string(r.stop) +
                     ", " + std::to_string(r.step) + ") is not a number");
  }
  if (n <= 0) return 0;
  if (n >= 9.2e18) throw ValueError("the length " + std::to_string(n) + " is too large");
  return static_cast<std::int64_t>(n);
}

template <class T>
T wrapping_add(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
}
template <class T>
T wrapping_mul_index(std::int64_t i, T delta) {
  using U = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;
  return static_cast<T>(static_cast<U>(static_cast<U>(i) * static_cast<U>(delta)));
}

// NumPy's fill: the first two values are converted to the dtype, and the rest follow
// in the dtype's arithmetic as first + i * (second - first).
Array fill_range(const Range& r, std::int64_t n, DType dtype) {
  Array out = Array::empty(dtype, {n});
  visit_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = reinterpret_cast<T*>(out.data());
    if constexpr (std::is_same_v<T, bool>) {
      for (std::int64_t i = 0; i < n; ++i) p[i] = (r.start + static_cast<double>(i) * r.step) != 0;
    } else {
      T first, second;
      if (r.integral) {
        first = detail::convert<T>(r.istart);
        second = detail::convert<T>(static_cast<std::int64_t>(static_cast<std::uint64_t>(r.istart) +
                                                               static_cast<std::uint64_t>(r.istep)));
      } else {
        first = detail::convert<T>(r.start);
        second = detail::convert<T>(r.start + r.step);
      }
      if constexpr (std::is_floating_point_v<T>) {
        const T delta = second - first;
        for (std::int64_t i = 0; i < n; ++i) p[i] = first + static_cast<T>(i) * delta;
      } else {
        using U = std::make_unsigned_t<T>;
        const T delta = static_cast<T>(static_cast<U>(static_cast<U>(second) - static_cast<U>(first)));
        for (std::int64_t i = 0; i < n; ++i) p[i] = wrapping_add<T>(first, wrapping_mul_index<T>(i, delta));
      }
    }
  });
  return out;
}

void check_range_inputs(const InferArgs& a) {
  static const char* const kNames[] = {"start", "stop", "step"};
  for (int i = 0; i < 3; ++i) {
    if (a.type(i).ndim() != 0) {
      throw TypeError(std::string(kNames[i]) + " must be a scalar, not " + a.type(i).str());
    }
  }
}

// The static length, or kUnknownDim unless start, stop and step are all constants.
std::int64_t static_range_length(const InferArgs& a) {
  for (const Variable& v : a.inputs) {
    if (!v.is_constant()) return kUnknownDim;
  }
  return range_length(range_of(a.inputs[0].constant_value(), a.inputs[1].constant_value(),
                               a.inputs[2].constant_value()));
}

// ---- linspace
//
// NumPy's arithmetic, in the float dtype of start and stop (the node's inputs, cast by
// the builder): div = num - 1 (num without the endpoint), y[i] = start + i * step with
// step = (stop - start) / div, the endpoint stored exactly; integer dtypes floor first.
// Each value is start * (1 - i / div) + stop * i / div, so the rules are linear in
// start and stop with these constant weights.

std::int64_t linspace_div(const Attrs& at) {
  const std::int64_t num = at.get_int("num");
  return at.get_bool("endpoint") ? num - 1 : num;
}

std::vector<Type> infer_linspace(const InferArgs& a) {
  static const char* const kNames[] = {"start", "stop"};
  for (int i = 0; i < 2; ++i) {
    if (a.type(i).ndim() != 0) throw TypeError(std::string(kNames[i]) + " must be a scalar, not " + a.type(i).str());
    if (!is_float(a.type(i).dtype)) throw InternalError("linspace computes in a float dtype, not " + a.type(i).str());
  }
  const std::int64_t num = a.attrs.get_int("num");
  if (num < 0) throw ValueError("Number of samples, " + std::to_string(num) + ", must be non-negative.");
  return {Type{a.attrs.get<DType>("dtype"), {num}}};
}

std::vector<Array> linspace_reference(const KernelArgs& a) {
  const std::int64_t num = a.attrs().get_int("num");
  const std::int64_t div = linspace_div(a.attrs());
  const DType out_dtype = a.output_type(0).dtype;
  Array out = Array::empty(out_dtype, {num});
  visit_dtype(a.inputs[0].dtype(), [&](auto ctag) {
    using C = typename decltype(ctag)::type;
    if constexpr (std::is_floating_point_v<C>) {
      const C start = a.inputs[0].item<C>(), stop = a.inputs[1].item<C>();
      const C delta = stop - start;
      std::vector<C> y(static_cast<std::size_t>(num));
      for (std::int64_t i = 0; i < num; ++i) y[static_cast<std::size_t>(i)] = static_cast<C>(i);
      if (div > 0) {
        const C step = delta / static_cast<C>(div);
        for (C& v : y) v = step == C(0) ? v / static_cast<C>(div) * delta : v * step;
      } else {
        for (C& v : y) v = v * delta;
      }
      for (C& v : y) v += start;
      if (a.attrs().get_bool("endpoint") && num > 1) y.back() = stop;
      visit_dtype(out_dtype, [&](auto otag) {
        using T = typename decltype(otag)::type;
        T* p = reinterpret_cast<T*>(out.data());
        for (std::size_t i = 0; i < y.size(); ++i) {
          p[i] = std::is_integral_v<T> && !std::is_same_v<T, bool> ? detail::convert<T>(std::floor(y[i]))
                                                                 : detail::convert<T>(y[i]);
        }
      });
    } else {
      throw InternalError("linspace computes in a float dtype");
    }
  });
  return {out};
}

// i / div for each output position (0 when div is 0: the single value is start), in dtype.
Variable linspace_weights(const Attrs& at, DType dtype, SourceLocation w) {
  const std::int64_t num = at.get_int("num"), div = linspace_div(at);
  std::vector<double> v(static_cast<std::size_t>(num));
  for (std::int64_t i = 0; i < num; ++i) v[static_cast<std::size_t>(i)] = div > 0 ? double(i) / double(div) : 0.0;
  return constant(Array::from_vector(v, {num}).astype(dtype), w);
}

std::vector<Variable> linspace_vjp(const VjpArgs& a) {
  const Variable& g = a.grad(0);
  if (!g.valid()) return {Variable(), Variable()};
  const SourceLocation w = a.where;
  const Variable wt = linspace_weights(a.node.attrs(), g.dtype(), w);
  const Variable to_stop = mul(Operand(g, w), Operand(wt, w));
  const Variable g_stop = sum(Operand(to_stop, w));
  const Variable g_start = sum(Operand(sub(Operand(g, w), Operand(to_stop, w)), w));
  return {detail::in_dtype_of(g_start, a.input(0), w), detail::in_dtype_of(g_stop, a.input(1), w)};
}

std::vector<Variable> linspace_jvp(const JvpArgs& a) {
  const DType out = a.node.output_types()[0].dtype;
  if (!is_float(out) || (!a.tangent(0).valid() && !a.tangent(1).valid())) return {Variable()};
  const SourceLocation w = a.where;
  const Variable wt = linspace_weights(a.node.attrs(), a.input(0).dtype(), w);
  Variable t;
  if (a.tangent(0).valid()) {
    t = mul(Operand(a.tangent(0), w), Operand(sub(Operand(1, w), Operand(wt, w)), w));
  }
  if (a.tangent(1).valid()) {
    const Variable ts = mul(Operand(a.tangent(1), w), Operand(wt, w));
    t = t.valid() ? add(Operand(t, w), Operand(ts, w)) : ts;
  }
  return {t.dtype() == out ? t : cast(Operand(t, w), out)};
}

// The kernel's arithmetic, elementwise over a batch of starts and stops (a batched one
// is (B,), made (B, 1) to meet the positions).
std::vector<Variable> linspace_batch(const BatchArgs& a) {
  detail::check_batch(a, 2);
  const SourceLocation w = a.where;
  const Attrs& at = a.node.attrs();
  const std::int64_t num = at.get_int("num"), div = linspace_div(at);
  auto column = [&](int i) {
    const Variable& v = a.inputs[static_cast<std::size_t>(i)];
    return a.batched[static_cast<std::size_t>(i)] ? expand_dims(Operand(v, w), 1) : v;
  };
  const Variable start = column(0), stop = column(1);
  const DType c = start.dtype();
  std::vector<double> positions(static_cast<std::size_t>(num));
  for (std::int64_t i = 0; i < num; ++i) positions[static_cast<std::size_t>(i)] = static_cast<double>(i);
  const Variable index = constant(Array::from_vector(positions, {num}).astype(c), w);
  Variable delta = sub(Operand(stop, w), Operand(start, w));
  if (div > 0) delta = true_div(Operand(delta, w), Operand(constant(static_cast<double>(div), c, w), w));
  Variable y = add(Operand(mul(Operand(index, w), Operand(delta, w)), w), Operand(start, w));
  if (at.get_bool("endpoint") && num > 1) {
    std::vector<bool> last(static_cast<std::size_t>(num), false);
    last.back() = true;
    y = hypatia::where(Operand(constant(Array::from_vector(last, {num}), w), w), Operand(stop, w), Operand(y, w));
  }
  const DType out = a.node.output_types()[0].dtype;
  if (is_integer(out)) y = floor(Operand(y, w));
  return {y.dtype() == out ? y : cast(Operand(y, w), out)};
}

// ---- rules

// alloc is linear in its value, which gets the gradient summed over the axes the fill
// broadcast it along; the sizes, integers, get none.
std::vector<Variable> alloc_vjp(const VjpArgs& a) {
  std::vector<Variable> out(a.node.inputs().size());
  out[0] = detail::sum_back_to(a.grad(0), a.input(0), a.where);
  return out;
}

std::vector<Variable> alloc_jvp(const JvpArgs& a) {
  const Variable& t = a.tangent(0);
  if (!t.valid()) return {Variable()};
  return {detail::reapply_on(a.node, 0, t, a.where)};
}

// Each batch element's value fills the same shape: the batch size leads the sizes, and
// the value's axes align with them from the right.
std::vector<Variable> alloc_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  const Variable& value = a.inputs[0];
  const int pad = static_cast<int>(a.inputs.size()) - 1 - a.node.inputs()[0].ndim();
  std::vector<Variable> inputs{detail::pad_after_batch(value, pad, a.where), detail::batch_size(value, a.where)};
  inputs.insert(inputs.end(), a.inputs.begin() + 1, a.inputs.end());
  return {apply1("alloc", std::move(inputs), {}, a.where)};
}

// eye, arange and arange_length read only sizes and bounds: a batch of them would be
// ragged. check_batch says so.
std::vector<Variable> unbatchable(const BatchArgs& a) {
  detail::check_batch(a, 0);
  throw InternalError("unreachable");
}

}  // namespace

void register_creation_ops(OpRegistry& r) {
  // Theano's Alloc.
  r.define("alloc")
      .set_summary("The value (input 0) broadcast to the shape given by the int64 scalar inputs 1..n.")
      .set_traits(kPure)
      .set_infer(infer_alloc)
      .set_shape([](const ShapeArgs& a) { return sizes_from_inputs(a, 1); })
      .set_reference(alloc_reference)
      .lowers(Lowering::loop_nest("a broadcast copy of the value into the output"))
      .set_aliasing(Aliasing::none())
      .set_vjp(alloc_vjp)
      .set_jvp(alloc_jvp)
      .set_batch(alloc_batch);

  r.define("eye")
      .set_summary("An n x m array (sizes: inputs 0 and 1) with ones on diagonal k, zeros elsewhere.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) { return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), static_sizes(a, 0)}}; })
      .set_shape([](const ShapeArgs& a) { return sizes_from_inputs(a, 0); })
      .set_reference(eye_reference)
      .lowers(Lowering::loop_nest("a zero fill, then a loop over the diagonal"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("it depends on its inputs only through integer sizes")
      .set_batch(unbatchable);

  r.define("arange")
      .set_summary("numpy.arange(start, stop, step): evenly spaced values in [start, stop).")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        check_range_inputs(a);
        return std::vector<Type>{Type{a.attrs.get<DType>("dtype"), {static_range_length(a)}}};
      })
      .set_shape([](const ShapeArgs& a) {
        const std::int64_t n = a.node.output_types()[0].shape[0];
        if (n != kUnknownDim) return std::vector<SymShape>{{detail::size_constant(n, a.where)}};
        return std::vector<SymShape>{{apply1("arange_length", a.node.inputs(), {}, a.where)}};
      })
      .set_reference([](const KernelArgs& a) {
        const Range range = range_of(a.inputs[0], a.inputs[1], a.inputs[2]);
        return std::vector<Array>{fill_range(range, range_length(range), a.output_type(0).dtype)};
      })
      .lowers(Lowering::loop_nest("one loop: first + i * (second - first)"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("its values are piecewise constant in start, stop and step")
      .set_batch(unbatchable);

  // The symbolic length of an arange, for shape inference without running it.
  r.define("arange_length")
      .set_summary("The length of numpy.arange(start, stop, step), as an int64 scalar.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        check_range_inputs(a);
        return std::vector<Type>{Type{DType::int64, {}}};
      })
      .set_shape([](const ShapeArgs&) { return std::vector<SymShape>{SymShape{}}; })
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{
            Array::scalar<std::int64_t>(range_length(range_of(a.inputs[0], a.inputs[1], a.inputs[2])))};
      })
      .lowers(Lowering::loop_nest("scalar arithmetic: ceil((stop - start) / step), at least 0"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("a length is an integer")
      .set_batch(unbatchable);
  r.define("linspace")
      .set_summary("numpy.linspace(start, stop, num, endpoint): num evenly spaced values from start to stop.")
      .set_traits(kPure)
      .set_infer(infer_linspace)
      .set_shape([](const ShapeArgs& a) {
        return std::vector<SymShape>{{detail::size_constant(a.node.attrs().get_int("num"), a.where)}};
      })
      .set_reference(linspace_reference)
      .lowers(Lowering::loop_nest("one loop: start + i * step, the endpoint stored exactly"))
      .set_aliasing(Aliasing::none())
      .set_vjp(linspace_vjp)
      .set_jvp(linspace_jvp)
      .set_batch(linspace_batch);
}

Variable alloc(const Operand& value, const std::vector<Operand>& shape) {
  std::vector<Variable> inputs{value.variable()};
  for (Variable& s : detail::to_size_variables(shape, "alloc")) inputs.push_back(std::move(s));
  return apply1("alloc", std::move(inputs), {}, value.where());
}

Variable full(const std::vector<Operand>& shape, const Operand& value, std::optional<DType> dtype) {
  Variable v = dtype ? value.variable_like(*dtype) : value.variable();
  if (dtype) v = cast(Operand(v, value.where()), *dtype);
  return alloc(Operand(v, value.where()), shape);
}

Variable zeros(const std::vector<Operand>& shape, DType dtype) {
  const SourceLocation where = location_of(shape, SourceLocation::current());
  return alloc(Operand(constant(0.0, dtype, where), where), shape);
}

Variable ones(const std::vector<Operand>& shape, DType dtype) {
  const SourceLocation where = location_of(shape, SourceLocation::current());
  return alloc(Operand(constant(1.0, dtype, where), where), shape);
}

namespace {
Variable filled_like(const Operand& x, double value, std::optional<DType> dtype) {
  const Variable v = x.variable();
  const SymShape sizes = detail::symbolic_shape(v, x.where());
  std::vector<Operand> shape;
  for (const Variable& s : sizes) shape.emplace_back(s, x.where());
  return alloc(Operand(constant(value, dtype.value_or(v.dtype()), x.where()), x.where()), shape);
}
}  // namespace

Variable zeros_like(const Operand& x, std::optional<DType> dtype) { return filled_like(x, 0.0, dtype); }
Variable ones_like(const Operand& x, std::optional<DType> dtype) { return filled_like(x, 1.0, dtype); }

Variable arange(const Operand& stop, std::optional<DType> dtype) {
  return arange(Operand(0, stop.where()), stop, Operand(1, stop.where()), dtype);
}

Variable arange(const Operand& start, const Operand& stop, const Operand& step, std::optional<DType> dtype) {
  // NumPy's default dtype: float64 if any argument is a float, int64 otherwise.
  bool any_float = false;
  for (const Operand* op : {&start, &stop, &step}) any_float = any_float || is_float(op->variable().dtype());
  const DType literal = any_float ? DType::float64 : DType::int64;
  std::vector<Variable> inputs;
  for (const Operand* op : {&start, &stop, &step}) inputs.push_back(op->variable_like(literal));
  const DType out = dtype.value_or(literal);
  return apply1("arange", std::move(inputs), Attrs{{"dtype", out}}, start.where());
}

Variable eye(const Operand& n, std::optional<Operand> m, std::int64_t k, DType dtype) {
  // A literal m was converted to an Operand inside <optional>, so its recorded line is
  // not the user's: give it n's.
  const Operand m_op = !m ? n : m->is_literal() ? Operand(m->variable().constant_value(), n.where()) : *m;
  std::vector<Operand> sizes{n, m_op};
  return apply1("eye", detail::to_size_variables(sizes, "eye"), Attrs{{"dtype", dtype}, {"k", k}}, n.where());
}

}  // namespace hypatia

namespace hypatia {

Variable linspace(const Operand& start, const Operand& stop, std::int64_t num, bool endpoint,
                  std::optional<DType> dtype) {
  std::vector<Variable> ends = detail::to_variables({&start, &stop});
  // NumPy computes in result_type(start, stop, float): float64 for integers.
  DType c = promote_types(ends[0].dtype(), ends[1].dtype());
  if (!is_float(c)) c = DType::float64;
  const Operand* ops[] = {&start, &stop};
  for (std::size_t i = 0; i < 2; ++i) {
    if (ends[i].dtype() != c) ends[i] = cast(Operand(ends[i], ops[i]->where()), c);
  }
  return apply1("linspace", std::move(ends),
                Attrs{{"num", num}, {"endpoint", endpoint}, {"dtype", dtype.value_or(c)}}, start.where());
}

}  // namespace hypatia
