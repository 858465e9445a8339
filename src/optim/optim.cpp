// The optimizers of hypatia/optim.hpp: graph builders over the elementwise ops, with
// their state in fresh shared variables. Each update is cast to its shared variable's
// dtype (the formula may promote, e.g. a float32 parameter under a float64 symbolic
// learning rate), because an update must keep its variable's type.
#include "hypatia/optim.hpp"

#include <string>
#include <utility>

#include "hypatia/error.hpp"
#include "hypatia/grad.hpp"
#include "hypatia/ops/elemwise.hpp"

namespace hypatia::optim {
namespace {

// Operands made at the user's line, so a failing node names it.
struct At {
  SourceLocation where;
  Operand operator()(const Variable& v) const { return Operand(v, where); }
  Operand operator()(double v) const { return Operand(v, where); }
};

// A zero shared variable like p (its value's shape and its dtype), named p.suffix.
SharedVariable state_like(const SharedVariable& p, const char* suffix, SourceLocation where) {
  const Array value = p.get_value(true);
  const std::string base = p.name().empty() ? std::string("param") : p.name();
  return shared(Array::zeros(value.dtype(), value.shape()), base + "." + suffix, false, where);
}

Variable keep_dtype(const Variable& update, const SharedVariable& target, SourceLocation where) {
  return cast(Operand(update, where), target.dtype());
}

[[noreturn]] void fail(ErrorKind kind, const char* optimizer, SourceLocation where, const std::string& what) {
  throw_user_error(kind, format_location(where) + ": optim::" + optimizer + ": " + what);
}

// The learning rate as a variable meeting the gradient's dtype (a number takes it).
Variable rate_for(const Operand& lr, const Variable& g) {
  return lr.is_literal() ? lr.variable_like(g.dtype()) : lr.variable();
}

}  // namespace

std::vector<Variable> Gradients::resolve(const std::vector<SharedVariable>& params, const char* optimizer,
                                         SourceLocation where) const {
  if (params.empty()) fail(ErrorKind::value, optimizer, where, "no parameters to update");
  for (const SharedVariable& p : params) {
    if (!is_float(p.dtype())) {
      fail(ErrorKind::type, optimizer, where,
           "parameter '" + p.name() + "' has dtype " + std::string(dtype_name(p.dtype())) +
               "; gradient steps need a float parameter");
    }
  }
  if (cost_.valid()) {
    if (cost_.ndim() != 0 || !is_float(cost_.dtype())) {
      fail(ErrorKind::type, optimizer, where,
           "the cost must be a float scalar, not a " + std::to_string(cost_.ndim()) + "-d " +
               std::string(dtype_name(cost_.dtype())) + " tensor (pass a list of gradients instead)");
    }
    return grad(cost_, std::vector<Variable>(params.begin(), params.end()), {}, where);
  }
  if (grads_.size() != params.size()) {
    fail(ErrorKind::value, optimizer, where,
         std::to_string(params.size()) + " parameters but " + std::to_string(grads_.size()) + " gradients");
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (grads_[i].ndim() != params[i].ndim()) {
      fail(ErrorKind::type, optimizer, where,
           "the gradient of parameter " + std::to_string(i) + " ('" + params[i].name() + "') has rank " +
               std::to_string(grads_[i].ndim()) + ", the parameter " + std::to_string(params[i].ndim()));
    }
  }
  return grads_;
}

Updates sgd(const std::vector<SharedVariable>& params, const Gradients& grads, const Sgd& hyper, SourceLocation where) {
  const std::vector<Variable> gs = grads.resolve(params, "sgd", where);
  const At at{where};
  Updates updates;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Variable& g = gs[i];
    updates.emplace_back(params[i], keep_dtype(params[i] - at(rate_for(hyper.learning_rate, g) * g), params[i], where));
  }
  return updates;
}

namespace {

Updates momentum_like(const char* name, bool look_ahead, const std::vector<SharedVariable>& params,
                      const Gradients& grads, const Momentum& hyper, SourceLocation where) {
  const std::vector<Variable> gs = grads.resolve(params, name, where);
  const At at{where};
  Updates updates;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SharedVariable& p = params[i];
    const Variable step = rate_for(hyper.learning_rate, gs[i]) * gs[i];
    const SharedVariable v = state_like(p, "velocity", where);
    // v <- mu v - lr g
    const Variable v_new = keep_dtype(at(hyper.momentum) * v - at(step), v, where);
    updates.emplace_back(v, v_new);
    // p <- p + v_new, or (Nesterov) p + mu v_new - lr g
    const Variable delta = look_ahead ? at(hyper.momentum) * v_new - at(step) : v_new;
    updates.emplace_back(p, keep_dtype(p + at(delta), p, where));
  }
  return updates;
}

}  // namespace

Updates momentum(const std::vector<SharedVariable>& params, const Gradients& grads, const Momentum& hyper,
                 SourceLocation where) {
  return momentum_like("momentum", false, params, grads, hyper, where);
}

Updates nesterov(const std::vector<SharedVariable>& params, const Gradients& grads, const Momentum& hyper,
                 SourceLocation where) {
  return momentum_like("nesterov", true, params, grads, hyper, where);
}

Updates adam(const std::vector<SharedVariable>& params, const Gradients& grads, const Adam& hyper,
             SourceLocation where) {
  const std::vector<Variable> gs = grads.resolve(params, "adam", where);
  const At at{where};
  Updates updates;
  // One step count for all parameters, in float64 so it counts exactly.
  const SharedVariable t = shared(Array::scalar(0.0), "adam.t", false, where);
  const Variable t_new = t + at(1.0);
  updates.emplace_back(t, t_new);
  // lr sqrt(1 - beta2^t) / (1 - beta1^t): the bias corrections, once per step.
  const Variable correction =
      sqrt(at(at(1.0) - pow(at(hyper.beta2), at(t_new)))) / at(at(1.0) - pow(at(hyper.beta1), at(t_new)));
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SharedVariable& p = params[i];
    const Variable& g = gs[i];
    const Variable a_t = cast(at(rate_for(hyper.learning_rate, g) * at(correction)), p.dtype());
    const SharedVariable m = state_like(p, "adam_m", where);
    const SharedVariable v = state_like(p, "adam_v", where);
    const Variable m_new = keep_dtype(at(hyper.beta1) * m + at(at(1.0 - hyper.beta1) * g), m, where);
    const Variable v_new = keep_dtype(at(hyper.beta2) * v + at(at(1.0 - hyper.beta2) * sqr(at(g))), v, where);
    updates.emplace_back(m, m_new);
    updates.emplace_back(v, v_new);
    const Variable step = at(a_t) * at(m_new) / at(sqrt(at(v_new)) + at(hyper.epsilon));
    updates.emplace_back(p, keep_dtype(p - at(step), p, where));
  }
  return updates;
}

Updates rmsprop(const std::vector<SharedVariable>& params, const Gradients& grads, const RmsProp& hyper,
                SourceLocation where) {
  const std::vector<Variable> gs = grads.resolve(params, "rmsprop", where);
  const At at{where};
  Updates updates;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SharedVariable& p = params[i];
    const Variable& g = gs[i];
    const SharedVariable acc = state_like(p, "rms", where);
    const Variable acc_new = keep_dtype(at(hyper.rho) * acc + at(at(1.0 - hyper.rho) * sqr(at(g))), acc, where);
    updates.emplace_back(acc, acc_new);
    const Variable step = rate_for(hyper.learning_rate, g) * g / at(sqrt(at(acc_new + at(hyper.epsilon))));
    updates.emplace_back(p, keep_dtype(p - at(step), p, where));
  }
  return updates;
}

Updates adadelta(const std::vector<SharedVariable>& params, const Gradients& grads, const Adadelta& hyper,
                 SourceLocation where) {
  const std::vector<Variable> gs = grads.resolve(params, "adadelta", where);
  const At at{where};
  Updates updates;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SharedVariable& p = params[i];
    const Variable& g = gs[i];
    const SharedVariable acc = state_like(p, "adadelta_g2", where);
    const SharedVariable acc_delta = state_like(p, "adadelta_d2", where);
    const Variable acc_new = keep_dtype(at(hyper.rho) * acc + at(at(1.0 - hyper.rho) * sqr(at(g))), acc, where);
    updates.emplace_back(acc, acc_new);
    // d = g sqrt(u + eps) / sqrt(a_new + eps)
    const Variable delta = g * at(sqrt(at(acc_delta + at(hyper.epsilon)))) / at(sqrt(at(acc_new + at(hyper.epsilon))));
    updates.emplace_back(p, keep_dtype(p - at(rate_for(hyper.learning_rate, g) * at(delta)), p, where));
    const Variable acc_delta_new =
        keep_dtype(at(hyper.rho) * acc_delta + at(at(1.0 - hyper.rho) * sqr(at(delta))), acc_delta, where);
    updates.emplace_back(acc_delta, acc_delta_new);
  }
  return updates;
}

}  // namespace hypatia::optim
