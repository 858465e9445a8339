// verify_grad, Theano's method: project fun's output onto a random tensor P drawn
// from [0.5, 1.5), so that cost = sum(fun(x) * P) is a scalar that every output
// element influences, then compare grad(cost, x) with finite differences of cost,
// component by component.
//
// The differences are central, (cost(x + eps) - cost(x - eps)) / (2 eps), divided by
// the step actually taken after rounding x ± eps to x's dtype: their error is O(eps²)
// where Theano's one-sided ones are O(eps), which lets float64 use eps = 1e-7 and still
// meet a 1e-4 tolerance with room to spare. A component fails only when both its
// absolute and its relative error exceed their tolerances (Theano's rule); the error
// names the worst failing component.
#include <cmath>
#include <random>
#include <sstream>

#include "grad/grad_util.hpp"
#include "hypatia/function.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "ops/elemwise_util.hpp"  // visit_float

namespace hypatia {
namespace {

constexpr std::uint64_t kDefaultSeed = 0x5eed'1234'abcdULL;

// Uniform in [0.5, 1.5) from the top 53 bits: the same values on every platform
// (std::uniform_real_distribution is not specified bit for bit).
Array random_projection(const Shape& shape, DType dtype, std::mt19937_64& rng) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (double& x : v) x = 0.5 + static_cast<double>(rng() >> 11) * 0x1.0p-53;
  const Array a = Array::from_vector(v, shape.empty() ? Shape{1} : shape);
  return (shape.empty() ? a.reshape({}) : a).astype(dtype);
}

std::string index_str(std::int64_t flat, const Shape& shape) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  std::string s = "(";
  for (std::size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
  return s + (idx.size() == 1 ? ",)" : ")");
}

std::string num(double v) {
  std::ostringstream os;
  os.precision(9);
  os << v;
  return os.str();
}

}  // namespace

void verify_grad(const std::function<Variable(const std::vector<Variable>&)>& fun, const std::vector<Array>& point,
                 const VerifyGradOptions& options, SourceLocation where) {
  const std::string at = format_location(where) + ": verify_grad: ";
  if (point.empty()) throw ValueError(at + "the point is empty: give one array per input of fun");
  if (options.n_tests < 1) throw ValueError(at + "n_tests must be at least 1, not " + std::to_string(options.n_tests));
  for (const auto* opt : {&options.eps, &options.abs_tol, &options.rel_tol}) {
    if (opt->has_value() && !(**opt > 0)) throw ValueError(at + "eps, abs_tol and rel_tol must be positive");
  }
  bool low_precision = false;
  std::vector<Variable> inputs;
  for (std::size_t i = 0; i < point.size(); ++i) {
    const DType t = point[i].dtype();
    if (!is_float(t)) {
      throw TypeError(at + "works only with float inputs, but input " + std::to_string(i) + " has dtype " +
                      std::string(dtype_name(t)) + " (finite differences need a float point)");
    }
    low_precision = low_precision || t == DType::float32;
    inputs.push_back(tensor("x" + std::to_string(i), t, point[i].shape(), where));
  }
  const Variable out = fun(inputs);
  if (!out.valid()) throw ValueError(at + "fun returned an empty Variable");
  if (!is_float(out.dtype())) {
    throw TypeError(at + "fun's output must be a float array, but it has type " + out.type().str());
  }
  low_precision = low_precision || out.dtype() == DType::float32;
  const double eps = options.eps.value_or(low_precision ? 3e-4 : 1e-7);
  const double abs_tol = options.abs_tol.value_or(low_precision ? 1e-2 : 1e-4);
  const double rel_tol = options.rel_tol.value_or(low_precision ? 1e-2 : 1e-4);

  const Shape out_shape = function(inputs, {out}, where)(point)[0].shape();
  const Variable projection = tensor("projection", out.dtype(), out_shape, where);
  const Variable cost = sum(Operand(out * Operand(projection, where), where));
  // grad(cost) is the vjp of fun's output with the projection as cotangent: seeding it
  // through known_grads keeps sum's own rule out of every check.
  GradOptions ignore;
  ignore.disconnected_inputs = "ignore";  // an unused input's gradient is zero, and so are its differences
  ignore.known_grads = {{out, projection}};
  std::vector<Variable> all_inputs = inputs;
  all_inputs.push_back(projection);
  const Function cost_fn = function(all_inputs, {cost}, where);
  const Function grad_fn = function(all_inputs, grad(Variable(), inputs, ignore, where), where);

  std::mt19937_64 rng(options.seed.value_or(kDefaultSeed));
  for (int test = 0; test < options.n_tests; ++test) {
    std::vector<Array> args;
    for (const Array& p : point) args.push_back(p.copy());
    args.push_back(random_projection(out_shape, out.dtype(), rng));
    const std::vector<Array> analytic = grad_fn(args);
    for (std::size_t i = 0; i < point.size(); ++i) {
      const std::vector<double> a = analytic[i].to_vector<double>();
      std::vector<double> numeric(a.size());
      detail::visit_float(args[i].dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* x = args[i].data_as<T>();
        for (std::size_t j = 0; j < numeric.size(); ++j) {
          const T saved = x[j];
          const T hi = static_cast<T>(saved + eps);
          const T lo = static_cast<T>(saved - eps);
          x[j] = hi;
          const double c_hi = cost_fn(args)[0].item<double>();
          x[j] = lo;
          const double c_lo = cost_fn(args)[0].item<double>();
          x[j] = saved;
          numeric[j] = (c_hi - c_lo) / (static_cast<double>(hi) - static_cast<double>(lo));
        }
      });
      // The worst component that fails both tolerances.
      std::int64_t worst = -1;
      double worst_abs = 0, worst_rel = 0;
      for (std::size_t j = 0; j < a.size(); ++j) {
        const double abs_err = std::abs(a[j] - numeric[j]);
        const double scale = std::abs(a[j]) + std::abs(numeric[j]);
        const double rel_err = abs_err == 0 ? 0 : abs_err / scale;
        const bool bad = std::isnan(abs_err) ? std::isnan(a[j]) != std::isnan(numeric[j])
                                             : abs_err > abs_tol && rel_err > rel_tol;
        if (bad && (worst < 0 || !(abs_err <= worst_abs))) {
          worst = static_cast<std::int64_t>(j);
          worst_abs = abs_err;
          worst_rel = rel_err;
        }
      }
      if (worst < 0) continue;
      const auto w = static_cast<std::size_t>(worst);
      throw GradientError(at + "the gradient of input " + std::to_string(i) + " ('" + inputs[i].name() + "', " +
                          inputs[i].type().str() + ") disagrees with finite differences at flat position " +
                          std::to_string(worst) + " " + index_str(worst, point[i].shape()) + ": analytic " +
                          num(a[w]) + ", numeric " + num(numeric[w]) + "; absolute error " + num(worst_abs) +
                          " > " + num(abs_tol) + " and relative error " + num(worst_rel) + " > " + num(rel_tol) +
                          " (test " + std::to_string(test + 1) + " of " + std::to_string(options.n_tests) +
                          ", eps " + num(eps) + ")");
    }
  }
}

}  // namespace hypatia
