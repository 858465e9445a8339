// Random sampling: random_uniform, random_normal, random_truncated_normal,
// random_binomial, random_integers, random_choice, random_permutation,
// random_multinomial.
//
// Each op maps (state, parameters, sizes) to (new state, sample) and is pure: the
// state [key, counter] fixes every draw (src/runtime/philox.hpp), so nodes may be
// merged, folded and recomputed like any other. Inputs: 0 the state, then the op's
// parameters, then one int64 scalar per axis of `size`. Element i of the sample (row
// i for permutation and multinomial) draws from its own sub-stream (key, counter + i);
// the sequential draws without replacement use sub-streams 0.. of the population.
// The new state's counter moves past every sub-stream used (at least one), so the
// next draw shares none.
#include "hypatia/ops/random.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "runtime/philox.hpp"

namespace hypatia {
namespace {

// ---- shared by every random op


void check_state(const InferArgs& a) {
  const Type& t = a.type(0);
  if (t.dtype != DType::uint64 || t.ndim() != 1 || (t.shape[0] != kUnknownDim && t.shape[0] != 2)) {
    throw TypeError("the stream state must be a uint64 vector [key, counter] of length 2, not " + t.str());
  }
}

void check_sizes(const InferArgs& a, int first) {
  for (int i = first; i < a.num_inputs(); ++i) {
    const Type& t = a.type(i);
    if (t.dtype != DType::int64 || t.ndim() != 0) {
      throw InternalError("size " + std::to_string(i - first) + " is " + t.str() + ", not an int64 scalar");
    }
  }
}

Shape static_sizes(const InferArgs& a, int first) {
  Shape out;
  for (int i = first; i < a.num_inputs(); ++i) {
    const std::int64_t n = detail::static_size(a.inputs[static_cast<std::size_t>(i)]);
    if (n != kUnknownDim && n < 0) throw ValueError("negative dimensions are not allowed (size " + detail::static_shape_str(out) + ")");
    out.push_back(n);
  }
  return out;
}

// Parameters must broadcast to the sample's shape without growing it.
void check_fit(const Shape& size, std::initializer_list<Shape> params) {
  for (const Shape& p : params) {
    bool fits = p.size() <= size.size();
    for (std::size_t i = 0; fits && i < p.size(); ++i) {
      const std::int64_t d = p[p.size() - 1 - i];
      const std::int64_t s = size[size.size() - 1 - i];
      fits = d == 1 || d == kUnknownDim || s == kUnknownDim || d == s;
    }
    if (!fits) {
      throw ShapeError("parameters of shape " + detail::static_shape_str(p) + " cannot be broadcast to size " + detail::static_shape_str(size));
    }
  }
}

void check_numeric(const Type& t, const char* what) {
  if (t.dtype == DType::bool_) throw TypeError(std::string(what) + " must be a number, not " + t.str());
}

struct StateValue {
  std::uint64_t key;
  std::uint64_t counter;
};

StateValue read_state(const Array& state) {
  if (state.ndim() != 1 || state.shape(0) != 2) {
    throw ValueError("the stream state must have shape (2,), not " + detail::static_shape_str(state.shape()));
  }
  const auto v = state.to_vector<std::uint64_t>();
  return {v[0], v[1]};
}

Array advanced(StateValue s, std::int64_t used) {
  return random_state(s.key, s.counter + static_cast<std::uint64_t>(std::max<std::int64_t>(used, 1)));
}

Shape run_sizes(const KernelArgs& a, int first) {
  Shape out;
  for (std::size_t i = static_cast<std::size_t>(first); i < a.inputs.size(); ++i) {
    const std::int64_t n = a.inputs[i].item<std::int64_t>();
    if (n < 0) throw ValueError("negative dimensions are not allowed (size " + std::to_string(n) + ")");
    out.push_back(n);
  }
  return out;
}

// `p` in dtype `T`, broadcast to `shape` and C-contiguous.
template <class T>
Array param_as(const Array& p, const Shape& shape) {
  const Shape both[] = {p.shape(), shape};
  if (p.ndim() > static_cast<int>(shape.size()) || detail::broadcast_shapes(std::span<const Shape>(both)) != shape) {
    throw ShapeError("parameters of shape " + detail::static_shape_str(p.shape()) + " cannot be broadcast to size " +
                     detail::static_shape_str(shape));
  }
  return p.astype(dtype_of_v<T>).broadcast_to(shape).contiguous();
}

// The sample's symbolic shape: the size inputs, then `extra`.
std::vector<SymShape> sample_shape(const ShapeArgs& a, int first, std::optional<Variable> extra = std::nullopt) {
  SymShape s;
  const auto& in = a.node.inputs();
  for (std::size_t i = static_cast<std::size_t>(first); i < in.size(); ++i) s.push_back(in[i]);
  if (extra) s.push_back(*extra);
  return {SymShape{detail::size_constant(2, a.where)}, s};
}

std::vector<Variable> not_batchable(const BatchArgs& a) {
  throw ValueError(a.node.op().name +
                   " cannot be vectorized (jacobian or hessian through a random draw whose parameters vary)");
}

OpDef& define_random(OpRegistry& r, const char* name, const char* summary) {
  return r.define(name)
      .set_summary(summary)
      .set_traits(kPure)
      .lowers(Lowering::loop_nest("Philox-4x32-10 draws, one counter-based sub-stream per element"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("random sampling: the sample is not a differentiable function of its parameters here")
      .set_batch(not_batchable);
}

// ---- two-parameter elementwise draws (inputs: state, p0, p1, sizes)

std::vector<Type> infer_two_params(const InferArgs& a, bool float_out, bool int_params) {
  check_state(a);
  check_sizes(a, 3);
  const DType dtype = a.attrs.get<DType>("dtype");
  if (float_out && !is_float(dtype)) {
    throw TypeError("the sample dtype must be float32 or float64, not " + std::string(dtype_name(dtype)));
  }
  if (!float_out && !is_integer(dtype)) {
    throw TypeError("the sample dtype must be an integer type, not " + std::string(dtype_name(dtype)));
  }
  check_numeric(a.type(1), "parameter 0");
  check_numeric(a.type(2), "parameter 1");
  if (int_params && !is_integer(a.type(1).dtype)) throw TypeError("low must be an integer, not " + a.type(1).str());
  if (int_params && !is_integer(a.type(2).dtype)) throw TypeError("high must be an integer, not " + a.type(2).str());
  const Shape size = static_sizes(a, 3);
  check_fit(size, {a.type(1).shape, a.type(2).shape});
  return {Type{DType::uint64, {2}}, Type{dtype, size}};
}

// out[i] = draw(stream i, p0[i], p1[i]) as double (float ops) or int64 (integer ops),
// then cast to the sample dtype.
template <class P, class R, class Draw>
std::vector<Array> draw_two_params(const KernelArgs& a, Draw&& draw) {
  const StateValue s = read_state(a.inputs[0]);
  const Shape shape = run_sizes(a, 3);
  const Array p0 = param_as<P>(a.inputs[1], shape);
  const Array p1 = param_as<P>(a.inputs[2], shape);
  const P* x = p0.data_as<P>();
  const P* y = p1.data_as<P>();
  Array out = Array::empty(dtype_of_v<R>, shape);
  R* o = out.data_as<R>();
  const std::int64_t n = out.size();
  for (std::int64_t i = 0; i < n; ++i) {
    philox::Stream stream(s.key, s.counter, static_cast<std::uint64_t>(i));
    o[i] = draw(stream, x[i], y[i]);
  }
  Array sample = out.astype(a.output_type(1).dtype);
  return {advanced(s, n), sample};
}

std::vector<Array> uniform_reference(const KernelArgs& a) {
  const bool single = a.output_type(1).dtype == DType::float32;
  return draw_two_params<double, double>(a, [single](philox::Stream& st, double low, double high) {
    if (!(low <= high)) {
      throw ValueError("low > high (low " + std::to_string(low) + ", high " + std::to_string(high) + ")");
    }
    if (single) {
      // In float32 arithmetic, so that rounding never reaches high.
      const auto lo = static_cast<float>(low), hi = static_cast<float>(high);
      const float v = lo + (hi - lo) * st.uniform_float();
      return static_cast<double>(v < hi || lo == hi ? v : std::nextafter(hi, lo));
    }
    const double v = low + (high - low) * st.uniform();
    return v < high || low == high ? v : std::nextafter(high, low);
  });
}

void check_std(double sd) {
  if (!(sd >= 0)) throw ValueError("std < 0 (std " + std::to_string(sd) + ")");
}

std::vector<Array> normal_reference(const KernelArgs& a) {
  return draw_two_params<double, double>(a, [](philox::Stream& st, double mean, double sd) {
    check_std(sd);
    return mean + sd * st.normal();
  });
}

std::vector<Array> truncated_normal_reference(const KernelArgs& a) {
  return draw_two_params<double, double>(a, [](philox::Stream& st, double mean, double sd) {
    check_std(sd);
    return mean + sd * st.truncated_normal();
  });
}

void check_binomial(double n, double p) {
  if (!(n >= 0)) throw ValueError("n < 0 (n " + std::to_string(n) + ")");
  if (!(p >= 0 && p <= 1)) throw ValueError("p < 0, p > 1 or p is NaN (p " + std::to_string(p) + ")");
}

std::vector<Array> binomial_reference(const KernelArgs& a) {
  // n as double keeps fractional n from a float tensor visible to the check; the
  // trial count is its integer part, as NumPy's.
  return draw_two_params<double, std::int64_t>(a, [](philox::Stream& st, double n, double p) {
    check_binomial(n, p);
    if (n > 9.2e18) throw ValueError("n is too large (n " + std::to_string(n) + ")");
    return st.binomial(static_cast<std::int64_t>(n), p);
  });
}

std::vector<Array> integers_reference(const KernelArgs& a) {
  return draw_two_params<std::int64_t, std::int64_t>(a, [](philox::Stream& st, std::int64_t low, std::int64_t high) {
    if (low >= high) throw ValueError("low >= high (low " + std::to_string(low) + ", high " + std::to_string(high) + ")");
    const std::uint64_t range = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + st.bounded(range));
  });
}

// ---- choice (inputs: state, a, [p], sizes)

int choice_first_size(const Attrs& attrs) { return attrs.get_bool("has_p") ? 3 : 2; }

std::vector<Type> infer_choice(const InferArgs& a) {
  check_state(a);
  const int first = choice_first_size(a.attrs);
  check_sizes(a, first);
  const Type& pop = a.type(1);
  if (pop.ndim() != 1) throw ValueError("a must be 1-dimensional, not " + pop.str());
  if (first == 3) {
    const Type& p = a.type(2);
    if (p.ndim() != 1) throw ValueError("p must be 1-dimensional, not " + p.str());
    if (!is_float(p.dtype) && !is_integer(p.dtype)) throw TypeError("p must be numbers, not " + p.str());
    if (p.shape[0] != kUnknownDim && pop.shape[0] != kUnknownDim && p.shape[0] != pop.shape[0]) {
      throw ValueError("a and p must have same size (a " + pop.str() + ", p " + p.str() + ")");
    }
  }
  return {Type{DType::uint64, {2}}, Type{pop.dtype, static_sizes(a, first)}};
}

// The cumulative probabilities of p, checked as NumPy checks them.
std::vector<double> choice_probabilities(const Array& p_in, std::int64_t n) {
  if (p_in.shape(0) != n) {
    throw ValueError("a and p must have same size (a has " + std::to_string(n) + ", p " +
                     std::to_string(p_in.shape(0)) + ")");
  }
  std::vector<double> p = p_in.astype(DType::float64).to_vector<double>();
  double total = 0;
  for (double v : p) {
    if (!(v >= 0)) throw ValueError("probabilities are not non-negative");
    total += v;
  }
  if (std::abs(total - 1.0) > 1e-8 * std::max<double>(1.0, static_cast<double>(n))) {
    throw ValueError("probabilities do not sum to 1 (they sum to " + std::to_string(total) + ")");
  }
  return p;
}

std::vector<Array> choice_reference(const KernelArgs& a) {
  const StateValue s = read_state(a.inputs[0]);
  const int first = choice_first_size(a.attrs());
  const bool replace = a.attrs().get_bool("replace");
  const Shape shape = run_sizes(a, first);
  const Array pop = a.inputs[1].contiguous();
  const std::int64_t n = pop.shape(0);
  const std::int64_t k = shape_size(shape);
  std::vector<double> p;
  if (first == 3) p = choice_probabilities(a.inputs[2], n);
  if (n == 0 && k > 0) throw ValueError("a cannot be empty unless no samples are taken");
  if (!replace && k > n) throw ValueError("Cannot take a larger sample than population when replace is False");
  std::vector<std::int64_t> picks(static_cast<std::size_t>(k));
  std::int64_t used = k;
  if (replace && p.empty()) {
    for (std::int64_t i = 0; i < k; ++i) {
      philox::Stream st(s.key, s.counter, static_cast<std::uint64_t>(i));
      picks[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(st.bounded(static_cast<std::uint64_t>(n)));
    }
  } else if (replace) {
    std::vector<double> cdf(p.size());
    std::partial_sum(p.begin(), p.end(), cdf.begin());
    for (double& c : cdf) c /= cdf.back();
    for (std::int64_t i = 0; i < k; ++i) {
      philox::Stream st(s.key, s.counter, static_cast<std::uint64_t>(i));
      const double u = st.uniform();
      auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
      // Rounding can leave the last cdf entry a hair below u; never pick a zero-p tail.
      auto j = std::min<std::int64_t>(it - cdf.begin(), n - 1);
      while (p[static_cast<std::size_t>(j)] == 0 && j > 0) --j;
      picks[static_cast<std::size_t>(i)] = j;
    }
  } else if (p.empty()) {
    // A partial Fisher-Yates shuffle on one sub-stream.
    std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    philox::Stream st(s.key, s.counter, 0);
    for (std::int64_t i = 0; i < k; ++i) {
      const auto j = i + static_cast<std::int64_t>(st.bounded(static_cast<std::uint64_t>(n - i)));
      std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
      picks[static_cast<std::size_t>(i)] = idx[static_cast<std::size_t>(i)];
    }
    used = 1;
  } else {
    // Efraimidis and Spirakis: the k largest log(u_j) / p_j, one sub-stream per
    // candidate, are a weighted sample without replacement, in draw order.
    std::vector<std::pair<double, std::int64_t>> keys;
    for (std::int64_t j = 0; j < n; ++j) {
      if (p[static_cast<std::size_t>(j)] == 0) continue;
      philox::Stream st(s.key, s.counter, static_cast<std::uint64_t>(j));
      keys.emplace_back(std::log(st.uniform_open()) / p[static_cast<std::size_t>(j)], j);
    }
    if (static_cast<std::int64_t>(keys.size()) < k) throw ValueError("Fewer non-zero entries in p than size");
    std::partial_sort(keys.begin(), keys.begin() + k, keys.end(), [](const auto& x, const auto& y) {
      return x.first > y.first || (x.first == y.first && x.second < y.second);
    });
    for (std::int64_t i = 0; i < k; ++i) picks[static_cast<std::size_t>(i)] = keys[static_cast<std::size_t>(i)].second;
    used = n;
  }
  Array out = Array::empty(pop.dtype(), shape);
  const std::size_t item = pop.itemsize();
  for (std::int64_t i = 0; i < k; ++i) {
    std::copy_n(pop.data() + picks[static_cast<std::size_t>(i)] * static_cast<std::int64_t>(item), item,
                out.data() + i * static_cast<std::int64_t>(item));
  }
  return {advanced(s, used), out};
}

// ---- permutation (inputs: state, n, sizes)

std::vector<Type> infer_permutation(const InferArgs& a) {
  check_state(a);
  check_sizes(a, 1);
  Shape shape = static_sizes(a, 2);
  const std::int64_t n = detail::static_size(a.inputs[1]);
  if (n != kUnknownDim && n < 0) throw ValueError("n < 0 (n " + std::to_string(n) + ")");
  shape.push_back(n);
  return {Type{DType::uint64, {2}}, Type{DType::int64, shape}};
}

std::vector<Array> permutation_reference(const KernelArgs& a) {
  const StateValue s = read_state(a.inputs[0]);
  const std::int64_t n = a.inputs[1].item<std::int64_t>();
  if (n < 0) throw ValueError("n < 0 (n " + std::to_string(n) + ")");
  Shape shape = run_sizes(a, 2);
  const std::int64_t rows = shape_size(shape);
  shape.push_back(n);
  Array out = Array::empty(DType::int64, shape);
  auto* o = out.data_as<std::int64_t>();
  for (std::int64_t r = 0; r < rows; ++r, o += n) {
    philox::Stream st(s.key, s.counter, static_cast<std::uint64_t>(r));
    std::iota(o, o + n, std::int64_t{0});
    for (std::int64_t i = n - 1; i > 0; --i) {
      std::swap(o[i], o[static_cast<std::int64_t>(st.bounded(static_cast<std::uint64_t>(i + 1)))]);
    }
  }
  return {advanced(s, rows), out};
}

// ---- multinomial (inputs: state, n, pvals, sizes)

std::vector<Type> infer_multinomial(const InferArgs& a) {
  check_state(a);
  check_sizes(a, 3);
  const DType dtype = a.attrs.get<DType>("dtype");
  if (!is_integer(dtype)) {
    throw TypeError("the sample dtype must be an integer type, not " + std::string(dtype_name(dtype)));
  }
  check_numeric(a.type(1), "n");
  const Type& pv = a.type(2);
  if (pv.ndim() < 1) throw ValueError("pvals must have at least 1 dimension, not " + pv.str());
  if (!is_float(pv.dtype) && !is_integer(pv.dtype)) throw TypeError("pvals must be numbers, not " + pv.str());
  Shape size = static_sizes(a, 3);
  check_fit(size, {a.type(1).shape, Shape(pv.shape.begin(), pv.shape.end() - 1)});
  size.push_back(pv.shape.back());
  return {Type{DType::uint64, {2}}, Type{dtype, size}};
}

std::vector<Array> multinomial_reference(const KernelArgs& a) {
  const StateValue s = read_state(a.inputs[0]);
  Shape shape = run_sizes(a, 3);
  const Array& pv_in = a.inputs[2];
  const std::int64_t k = pv_in.shape(-1);
  const Array n_arr = param_as<double>(a.inputs[1], shape);
  Shape pv_shape = shape;
  pv_shape.push_back(k);
  Shape pv_lead(pv_in.shape().begin(), pv_in.shape().end() - 1);
  param_as<double>(Array::zeros(DType::float64, pv_lead), shape);  // the shape check
  const Array pv = pv_in.astype(DType::float64).broadcast_to(pv_shape).contiguous();
  const std::int64_t rows = shape_size(shape);
  Array out = Array::zeros(DType::int64, pv_shape);
  auto* o = out.data_as<std::int64_t>();
  const double* pr = pv.data_as<double>();
  const double* nr = n_arr.data_as<double>();
  for (std::int64_t r = 0; r < rows; ++r, o += k, pr += k) {
    const double n = nr[r];
    if (!(n >= 0) || n > 9.2e18) throw ValueError("n < 0 (n " + std::to_string(n) + ")");
    double head = 0;
    for (std::int64_t j = 0; j < k; ++j) {
      if (!(pr[j] >= 0 && pr[j] <= 1)) throw ValueError("pvals < 0, pvals > 1 or pvals contains NaNs");
      if (j + 1 < k) head += pr[j];
    }
    if (head > 1.0 + 1e-12) throw ValueError("sum(pvals[:-1]) > 1.0 (it is " + std::to_string(head) + ")");
    // Category j takes Binomial(remaining trials, p_j / remaining mass); the last
    // takes what is left.
    philox::Stream st(s.key, s.counter, static_cast<std::uint64_t>(r));
    auto left = static_cast<std::int64_t>(n);
    double mass = 1.0;
    for (std::int64_t j = 0; j + 1 < k && left > 0; ++j) {
      const double q = mass > 0 ? std::clamp(pr[j] / mass, 0.0, 1.0) : 0.0;
      o[j] = st.binomial(left, q);
      left -= o[j];
      mass -= pr[j];
    }
    if (k > 0) o[k - 1] += left;
  }
  return {advanced(s, rows), out.astype(a.output_type(1).dtype)};
}

// ---- builders' helpers

// The sizes as int64 scalars; an empty size is the broadcast shape of `params`.
std::vector<Variable> size_inputs(const std::vector<Operand>& size, std::initializer_list<Variable> params,
                                  const char* op, SourceLocation where) {
  if (!size.empty()) return detail::to_size_variables(size, op);
  std::vector<SymShape> shapes;
  for (const Variable& p : params) shapes.push_back(detail::symbolic_shape(p, where));
  return detail::broadcast_symbolic(shapes, where);
}

RandomDraw draw_node(const char* op, std::vector<Variable> inputs, Attrs attrs, SourceLocation where) {
  std::vector<Variable> out = apply(op, std::move(inputs), std::move(attrs), where);
  return {out[0], out[1]};
}

RandomDraw two_params(const char* op, const Operand& state, const std::vector<Operand>& size, const Operand& p0,
                      const Operand& p1, DType dtype) {
  std::vector<Variable> inputs{state.variable(), p0.variable(), p1.variable()};
  for (Variable& v : size_inputs(size, {inputs[1], inputs[2]}, op, state.where())) inputs.push_back(std::move(v));
  return draw_node(op, std::move(inputs), Attrs{{"dtype", dtype}}, state.where());
}

}  // namespace

Array random_state(std::uint64_t key, std::uint64_t counter) { return Array::from<std::uint64_t>({key, counter}); }

RandomDraw random_uniform(const Operand& state, const std::vector<Operand>& size, const Operand& low,
                          const Operand& high, DType dtype) {
  return two_params("random_uniform", state, size, low, high, dtype);
}

RandomDraw random_normal(const Operand& state, const std::vector<Operand>& size, const Operand& mean,
                         const Operand& std, DType dtype) {
  return two_params("random_normal", state, size, mean, std, dtype);
}

RandomDraw random_truncated_normal(const Operand& state, const std::vector<Operand>& size, const Operand& mean,
                                   const Operand& std, DType dtype) {
  return two_params("random_truncated_normal", state, size, mean, std, dtype);
}

RandomDraw random_binomial(const Operand& state, const std::vector<Operand>& size, const Operand& n,
                           const Operand& p, DType dtype) {
  return two_params("random_binomial", state, size, n, p, dtype);
}

RandomDraw random_integers(const Operand& state, const std::vector<Operand>& size, const Operand& low,
                           const Operand& high, DType dtype) {
  return two_params("random_integers", state, size, low, high, dtype);
}

RandomDraw random_choice(const Operand& state, const std::vector<Operand>& size, const Operand& a, bool replace,
                         std::optional<Operand> p) {
  std::vector<Variable> inputs{state.variable(), a.variable()};
  if (p) inputs.push_back(p->variable());
  for (Variable& v : detail::to_size_variables(size, "random_choice")) inputs.push_back(std::move(v));
  return draw_node("random_choice", std::move(inputs), Attrs{{"replace", replace}, {"has_p", p.has_value()}},
                   state.where());
}

RandomDraw random_permutation(const Operand& state, const std::vector<Operand>& size, const Operand& n) {
  std::vector<Variable> inputs{state.variable()};
  const std::vector<Operand> n_size{n};
  inputs.push_back(detail::to_size_variables(n_size, "random_permutation").front());
  for (Variable& v : detail::to_size_variables(size, "random_permutation")) inputs.push_back(std::move(v));
  return draw_node("random_permutation", std::move(inputs), {}, state.where());
}

RandomDraw random_multinomial(const Operand& state, const std::vector<Operand>& size, const Operand& n,
                              const Operand& pvals, DType dtype) {
  std::vector<Variable> inputs{state.variable(), n.variable(), pvals.variable()};
  if (size.empty()) {
    const SourceLocation where = state.where();
    SymShape lead = detail::symbolic_shape(inputs[2], where);
    if (!lead.empty()) lead.pop_back();
    const std::vector<SymShape> shapes{detail::symbolic_shape(inputs[1], where), lead};
    for (Variable& v : detail::broadcast_symbolic(shapes, where)) inputs.push_back(std::move(v));
  } else {
    for (Variable& v : detail::to_size_variables(size, "random_multinomial")) inputs.push_back(std::move(v));
  }
  return draw_node("random_multinomial", std::move(inputs), Attrs{{"dtype", dtype}}, state.where());
}

void register_random_ops(OpRegistry& r) {
  define_random(r, "random_uniform", "Uniform draws on [low, high) (inputs: state, low, high, sizes).")
      .set_infer([](const InferArgs& a) { return infer_two_params(a, true, false); })
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, 3); })
      .set_reference(uniform_reference);
  define_random(r, "random_normal", "Normal draws N(mean, std^2) (inputs: state, mean, std, sizes).")
      .set_infer([](const InferArgs& a) { return infer_two_params(a, true, false); })
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, 3); })
      .set_reference(normal_reference);
  define_random(r, "random_truncated_normal",
                "Normal draws conditioned on |x - mean| <= 2 std (inputs: state, mean, std, sizes).")
      .set_infer([](const InferArgs& a) { return infer_two_params(a, true, false); })
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, 3); })
      .set_reference(truncated_normal_reference);
  define_random(r, "random_binomial", "Binomial draws: successes in n trials of probability p (inputs: state, n, p, sizes).")
      .set_infer([](const InferArgs& a) { return infer_two_params(a, false, false); })
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, 3); })
      .set_reference(binomial_reference);
  define_random(r, "random_integers", "Integers uniform on [low, high) (inputs: state, low, high, sizes).")
      .set_infer([](const InferArgs& a) { return infer_two_params(a, false, true); })
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, 3); })
      .set_reference(integers_reference);
  define_random(r, "random_choice",
                "Elements of a vector a, with or without replacement, optionally with probabilities p "
                "(inputs: state, a, [p], sizes).")
      .set_infer(infer_choice)
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, choice_first_size(a.node.attrs())); })
      .set_reference(choice_reference);
  define_random(r, "random_permutation", "Permutations of 0..n-1 along the last axis (inputs: state, n, sizes).")
      .set_infer(infer_permutation)
      .set_shape([](const ShapeArgs& a) { return sample_shape(a, 2, a.node.inputs()[1]); })
      .set_reference(permutation_reference);
  define_random(r, "random_multinomial",
                "Multinomial counts of n trials over the last axis of pvals (inputs: state, n, pvals, sizes).")
      .set_infer(infer_multinomial)
      .set_shape([](const ShapeArgs& a) {
        return sample_shape(a, 3, a.input_shapes[2].back());
      })
      .set_reference(multinomial_reference);
}

}  // namespace hypatia
