// Optimizers (src/optim/optim.cpp): each maps parameters (shared variables) and their
// gradients, or a scalar cost to differentiate, to the Updates of one training step,
// for function(inputs, outputs, FunctionOptions{.updates = ...}). The formulas are
// Lasagne's (lasagne.updates), the convention most Theano users trained with. An
// optimizer's state (velocities, moment estimates, the step count) lives in new shared
// variables, created zero when the optimizer is called and named after the parameter
// ("W.velocity", "W.adam_m", ...); each call makes fresh state. Every update has its
// shared variable's dtype (a float32 parameter stays float32 under a float64 learning
// rate). The learning rate may be a number or a symbolic scalar (e.g. a shared one, to
// anneal it); the other hyperparameters are numbers.
//
//   auto cost = mean(categorical_crossentropy(softmax(dot(x, W) + b), y));
//   Function step = function({x, y}, {cost}, {.updates = optim::adam({W, b}, cost)});
#pragma once

#include <initializer_list>
#include <vector>

#include "hypatia/graph.hpp"
#include "hypatia/shared.hpp"

namespace hypatia::optim {

// The gradients of the parameters: one per parameter, in order, or a scalar cost
// (differentiated with grad(cost, params) when the optimizer is called).
// `{g1, g2}` is a list of gradients, a lone Variable a cost.
class Gradients {
 public:
  Gradients(std::vector<Variable> grads) : grads_(std::move(grads)) {}  // NOLINT(google-explicit-constructor)
  Gradients(std::initializer_list<Variable> grads) : grads_(grads) {}
  Gradients(const Variable& cost) : cost_(cost) {}  // NOLINT(google-explicit-constructor)

  // One gradient per parameter; TypeError / ValueError naming `optimizer` when the
  // counts, dtypes or ranks disagree, or the cost is not a float scalar.
  std::vector<Variable> resolve(const std::vector<SharedVariable>& params, const char* optimizer,
                                SourceLocation where) const;

 private:
  std::vector<Variable> grads_;
  Variable cost_;
};

// p <- p - learning_rate * g
struct Sgd {
  Operand learning_rate = 0.01;
};
Updates sgd(const std::vector<SharedVariable>& params, const Gradients& grads, const Sgd& hyper = {},
            SourceLocation where = SourceLocation::current());

// v <- momentum * v - learning_rate * g;  p <- p + v
struct Momentum {
  Operand learning_rate = 0.01;
  double momentum = 0.9;
};
Updates momentum(const std::vector<SharedVariable>& params, const Gradients& grads, const Momentum& hyper = {},
                 SourceLocation where = SourceLocation::current());

// v <- momentum * v - learning_rate * g;  p <- p + momentum * v_new - learning_rate * g
// (Nesterov's look-ahead in Sutskever et al.'s reformulation, as Lasagne's).
Updates nesterov(const std::vector<SharedVariable>& params, const Gradients& grads, const Momentum& hyper = {},
                 SourceLocation where = SourceLocation::current());

// t <- t + 1;  m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
// p <- p - learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
// (Kingma and Ba, the bias corrections folded into the step size).
struct Adam {
  Operand learning_rate = 0.001;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};
Updates adam(const std::vector<SharedVariable>& params, const Gradients& grads, const Adam& hyper = {},
             SourceLocation where = SourceLocation::current());

// a <- rho a + (1 - rho) g^2;  p <- p - learning_rate * g / sqrt(a + epsilon)
struct RmsProp {
  Operand learning_rate = 0.001;
  double rho = 0.9;
  double epsilon = 1e-6;
};
Updates rmsprop(const std::vector<SharedVariable>& params, const Gradients& grads, const RmsProp& hyper = {},
                SourceLocation where = SourceLocation::current());

// a <- rho a + (1 - rho) g^2;  d = g sqrt(u + epsilon) / sqrt(a + epsilon);
// p <- p - learning_rate * d;  u <- rho u + (1 - rho) d^2   (Zeiler 2012)
struct Adadelta {
  Operand learning_rate = 1.0;
  double rho = 0.95;
  double epsilon = 1e-6;
};
Updates adadelta(const std::vector<SharedVariable>& params, const Gradients& grads, const Adadelta& hyper = {},
                 SourceLocation where = SourceLocation::current());

}  // namespace hypatia::optim
