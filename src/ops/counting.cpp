// Counting: one_hot (Theano's to_one_hot) and bincount (numpy.bincount).
//
// bincount's length depends on the data (max(x) + 1, at least minlength): its shape
// is a `bincount_length` node, which reads x, as arange's is an arange_length node.
// Its weights may carry leading axes inside the graph (the batch rule needs them;
// the public function takes 1-d weights, as NumPy): each row is counted with the same
// x. Its gradient w.r.t. the weights gathers g at x.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/index.hpp"
#include "hypatia/ops/matrix.hpp"
#include "ops/kernel_util.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

// ---- one_hot

std::vector<Type> infer_one_hot(const InferArgs& a) {
  const Type& labels = a.type(0);
  if (!is_integer(labels.dtype)) throw TypeError("labels must be integers, not " + labels.str());
  const Type& n = a.type(1);
  if (n.dtype != DType::int64 || n.ndim() != 0) throw InternalError("n is " + n.str() + ", not an int64 scalar");
  const std::int64_t classes = detail::static_size(a.inputs[1]);
  if (classes != kUnknownDim && classes < 0) {
    throw ValueError("the number of classes must be non-negative, not " + std::to_string(classes));
  }
  Shape out = labels.shape;
  out.push_back(classes);
  return {Type{a.attrs.get<DType>("dtype"), out}};
}

std::vector<Array> one_hot_reference(const KernelArgs& a) {
  const Array& labels = a.inputs[0];
  const std::int64_t n = a.inputs[1].item<std::int64_t>();
  if (n < 0) throw ValueError("the number of classes must be non-negative, not " + std::to_string(n));
  Shape shape = labels.shape();
  shape.push_back(n);
  Array out = Array::zeros(a.output_type(0).dtype, shape);
  visit_dtype(labels.dtype(), [&](auto ltag) {
    using L = typename decltype(ltag)::type;
    if constexpr (std::is_integral_v<L> && !std::is_same_v<L, bool>) {
      visit_dtype(out.dtype(), [&](auto otag) {
        using T = typename decltype(otag)::type;
        T* o = reinterpret_cast<T*>(out.data());
        detail::for_each_element(labels, [&](const std::byte* p) {
          const L label = *reinterpret_cast<const L*>(p);
          // In L's own signedness, so that a huge uint64 is not read as negative.
          bool in_range = static_cast<std::uint64_t>(label) < static_cast<std::uint64_t>(n);
          if constexpr (std::is_signed_v<L>) in_range = in_range && label >= L(0);
          if (!in_range) {
            throw IndexError("label " + std::to_string(label) + " is out of range for " + std::to_string(n) +
                             " classes (labels must be in [0, " + std::to_string(n) + "))");
          }
          o[static_cast<std::int64_t>(label)] = T(1);
          o += n;
        });
      });
    } else {
      throw InternalError("one_hot of " + std::string(dtype_name(labels.dtype())) + " labels");
    }
  });
  return {out};
}

// ---- bincount

std::vector<Type> check_bincount_inputs(const InferArgs& a) {
  const Type& x = a.type(0);
  if (is_float(x.dtype) || x.dtype == DType::uint64) {
    throw TypeError("Cannot cast array data from dtype('" + std::string(dtype_name(x.dtype)) +
                    "') to dtype('int64') according to the rule 'safe' (x of type " + x.str() + ")");
  }
  if (x.ndim() != 1) {
    throw ValueError("x must be 1-d, not " + std::to_string(x.ndim()) + "-d (x of type " + x.str() + ")");
  }
  if (a.attrs.get_int("minlength") < 0) throw ValueError("'minlength' must not be negative");
  if (a.num_inputs() > 1) {
    const Type& w = a.type(1);
    if (w.ndim() < 1) throw ValueError("weights must be 1-d, not 0-d (weights of type " + w.str() + ")");
    const std::int64_t n = x.shape[0], m = w.shape.back();
    if (n != kUnknownDim && m != kUnknownDim && n != m) {
      throw ValueError("The weights and list don't have the same length. (x of type " + x.str() +
                       ", weights of type " + w.str() + ")");
    }
  }
  return {};
}

// max(max(x) + 1, minlength), after NumPy's check for negative values.
std::int64_t bincount_length(const Array& x, std::int64_t minlength) {
  std::int64_t length = minlength;
  for (std::int64_t v : x.to_vector<std::int64_t>()) {
    if (v < 0) throw ValueError("'list' argument must have no negative elements");
    if (v == std::numeric_limits<std::int64_t>::max()) {
      throw ValueError("the value " + std::to_string(v) + " needs too many bins");
    }
    length = std::max(length, v + 1);
  }
  return length;
}

std::int64_t static_bincount_length(const InferArgs& a) {
  const Variable& x = a.inputs[0];
  const std::int64_t minlength = a.attrs.get_int("minlength");
  if (x.type().shape[0] == 0) return minlength;
  return x.is_constant() ? bincount_length(x.constant_value(), minlength) : kUnknownDim;
}

std::vector<Type> infer_bincount(const InferArgs& a) {
  check_bincount_inputs(a);
  if (a.num_inputs() == 1) return {Type{DType::int64, {static_bincount_length(a)}}};
  Shape out(a.type(1).shape.begin(), a.type(1).shape.end() - 1);
  out.push_back(static_bincount_length(a));
  return {Type{DType::float64, out}};
}

std::vector<Array> bincount_reference(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const std::int64_t length = bincount_length(x, a.attrs().get_int("minlength"));
  const std::vector<std::int64_t> bins = x.to_vector<std::int64_t>();
  const auto n = static_cast<std::int64_t>(bins.size());
  if (a.inputs.size() == 1) {
    Array out = Array::zeros(DType::int64, {length});
    auto* o = reinterpret_cast<std::int64_t*>(out.data());
    for (std::int64_t b : bins) ++o[b];
    return {out};
  }
  const Array& weights = a.inputs[1];
  if (weights.shape().back() != n) {
    throw ValueError("The weights and list don't have the same length. (x of shape " + shape_str(x.shape()) +
                     ", weights of shape " + shape_str(weights.shape()) + ")");
  }
  Shape shape(weights.shape().begin(), weights.shape().end() - 1);
  const std::int64_t rows = shape_size(shape);
  shape.push_back(length);
  Array out = Array::zeros(DType::float64, shape);
  const std::vector<double> w = weights.to_vector<double>();
  auto* o = reinterpret_cast<double*>(out.data());
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t i = 0; i < n; ++i) {
      o[r * length + bins[static_cast<std::size_t>(i)]] += w[static_cast<std::size_t>(r * n + i)];
    }
  }
  return {out};
}

std::vector<SymShape> bincount_shape(const ShapeArgs& a) {
  const Node& node = a.node;
  SymShape out;
  if (node.inputs().size() > 1) {
    const SymShape& w = a.input_shapes.at(1);
    out.assign(w.begin(), w.end() - 1);
  }
  const std::int64_t n = node.output_types()[0].shape.back();
  out.push_back(n != kUnknownDim
                    ? detail::size_constant(n, a.where)
                    : apply1("bincount_length", {node.inputs()[0]},
                             Attrs{{"minlength", node.attrs().get_int("minlength")}}, a.where));
  return {out};
}

// ---- rules

// The weights get g gathered at x (each weight went to bin x[i]); x, integers, none.
std::vector<Variable> bincount_vjp(const VjpArgs& a) {
  std::vector<Variable> out(a.node.inputs().size());
  const Variable& g = a.grad(0);
  if (!g.valid() || out.size() < 2) return out;
  const Variable& x = a.input(0);
  const Variable xi = is_bool(x.dtype()) ? cast(Operand(x, a.where), DType::int64) : x;  // not a mask
  const Variable gathered = take(Operand(g, a.where), Operand(xi, a.where), -1);
  out[1] = detail::in_dtype_of(gathered, a.input(1), a.where);
  return out;
}

std::vector<Variable> bincount_jvp(const JvpArgs& a) {
  if (a.input_tangents.size() < 2 || !a.tangent(1).valid()) return {Variable()};
  return {detail::reapply_on(a.node, 1, a.tangent(1), a.where)};
}

// Batched weights are rows counted with the same x; a batch of x would give rows of
// different lengths.
std::vector<Variable> bincount_batch(const BatchArgs& a) {
  if (a.batched[0]) {
    throw ValueError("bincount: x cannot vary across a batch (the results would have different lengths)");
  }
  detail::check_batch(a, 2);
  return {apply1("bincount", std::vector<Variable>(a.inputs.begin(), a.inputs.end()), a.node.attrs(), a.where)};
}

std::vector<Variable> one_hot_batch(const BatchArgs& a) {
  detail::check_batch(a, 1);
  return {apply1("one_hot", std::vector<Variable>(a.inputs.begin(), a.inputs.end()), a.node.attrs(), a.where)};
}

std::vector<Variable> unbatchable(const BatchArgs& a) {
  if (a.batched[0]) {
    throw ValueError(a.node.op().name + ": x cannot vary across a batch (the results would have different lengths)");
  }
  detail::check_batch(a, 0);
  throw InternalError("unreachable");
}

}  // namespace

void register_counting_ops(OpRegistry& r) {
  // Theano's to_one_hot.
  r.define("one_hot")
      .set_summary("Integer labels (input 0) as one-hot rows of n classes (input 1): a new last axis of size n.")
      .set_traits(kPure)
      .set_infer(infer_one_hot)
      .set_shape([](const ShapeArgs& a) {
        SymShape out = a.input_shapes.at(0);
        const Variable& n = a.node.inputs()[1];
        const std::int64_t c = detail::static_size(n);
        out.push_back(c != kUnknownDim ? detail::size_constant(c, a.where) : n);
        return std::vector<SymShape>{out};
      })
      .set_reference(one_hot_reference)
      .lowers(Lowering::loop_nest("a zero fill, then one store per label"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("its inputs are integer labels and an integer size")
      .set_batch(one_hot_batch);

  r.define("bincount")
      .set_summary("numpy.bincount: the count (or the sum of the weights, input 1) of each value of the "
                   "non-negative integers x (input 0), at least minlength bins.")
      .set_traits(kPure)
      .set_infer(infer_bincount)
      .set_shape(bincount_shape)
      .set_reference(bincount_reference)
      .lowers(Lowering::loop_nest("a max over x for the length, then a scatter-add into the bins"))
      .set_aliasing(Aliasing::none())
      .set_vjp(bincount_vjp)
      .set_jvp(bincount_jvp)
      .set_batch(bincount_batch);

  r.define("bincount_length")
      .set_summary("The length of numpy.bincount(x, minlength=minlength): max(max(x) + 1, minlength), int64.")
      .set_traits(kPure)
      .set_infer([](const InferArgs& a) {
        check_bincount_inputs(a);
        return std::vector<Type>{Type{DType::int64, {}}};
      })
      .set_shape([](const ShapeArgs&) { return std::vector<SymShape>{SymShape{}}; })
      .set_reference([](const KernelArgs& a) {
        return std::vector<Array>{
            Array::scalar<std::int64_t>(bincount_length(a.inputs[0], a.attrs().get_int("minlength")))};
      })
      .lowers(Lowering::loop_nest("a max over x"))
      .set_aliasing(Aliasing::none())
      .not_differentiable("a length is an integer")
      .set_batch(unbatchable);
}

Variable one_hot(const Operand& labels, const Operand& n, DType dtype) {
  std::vector<Operand> sizes{n};
  std::vector<Variable> inputs{labels.variable()};
  inputs.push_back(detail::to_size_variables(sizes, "one_hot").front());
  return apply1("one_hot", std::move(inputs), Attrs{{"dtype", dtype}}, labels.where());
}

Variable bincount(const Operand& x, std::optional<Operand> weights, std::int64_t minlength) {
  std::vector<Variable> inputs{x.variable()};
  if (weights) {
    Variable w = weights->variable();
    if (w.ndim() != 1) {
      throw ValueError(format_location(x.where()) + ": bincount: weights must be 1-d, not " +
                       std::to_string(w.ndim()) + "-d (weights of type " + w.type().str() + ")");
    }
    inputs.push_back(std::move(w));
  }
  return apply1("bincount", std::move(inputs), Attrs{{"minlength", minlength}}, x.where());
}

}  // namespace hypatia
