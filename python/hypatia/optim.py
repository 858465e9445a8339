"""hypatia.optim: the optimizers Theano users wrote by hand, as update lists.

Each takes ``(params, grads_or_cost, **hyperparameters)``: ``params`` a list of shared
variables, ``grads_or_cost`` either one gradient per parameter or a scalar cost (then
differentiated with ``T.grad(cost, params)``), and returns the updates of one training
step, a list of ``(shared_variable, new_value)`` pairs for
``hypatia.function(..., updates=...)``. The formulas are Lasagne's
(``lasagne.updates``), the same as C++'s ``hypatia::optim`` (include/hypatia/optim.hpp).
Their state (velocities, moment estimates, the step count) lives in new shared
variables, zero at the call, named after the parameter (``W.velocity``, ``W.adam_m``,
...). Every update keeps its variable's dtype. ``learning_rate`` may be a number or a
symbolic scalar (e.g. a shared variable, to anneal it).

    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(x, W) + b), y).mean()
    train = hypatia.function([x, y], cost, updates=hypatia.optim.adam([W, b], cost))
"""
import numpy as np

from . import _core
from . import gradient as _gradient

__all__ = ["sgd", "momentum", "nesterov", "adam", "rmsprop", "adadelta"]


def _is_float(dtype):
    return str(dtype).startswith("float")


def _gradients(params, grads_or_cost, optimizer):
    params = list(params)
    if not params:
        raise ValueError(f"optim.{optimizer}: no parameters to update")
    for p in params:
        if not _is_float(p.dtype):
            raise TypeError(f"optim.{optimizer}: parameter {p.name!r} has dtype {p.dtype}; "
                            "gradient steps need a float parameter")
    if isinstance(grads_or_cost, _core.TensorVariable):
        cost = grads_or_cost
        if cost.ndim != 0 or not _is_float(cost.dtype):
            raise TypeError(f"optim.{optimizer}: the cost must be a float scalar, not a {cost.ndim}-d {cost.dtype} "
                            "tensor (pass a list of gradients instead)")
        return params, list(_gradient.grad(cost, params))
    grads = [_core.as_tensor_variable(g) for g in grads_or_cost]
    if len(grads) != len(params):
        raise ValueError(f"optim.{optimizer}: {len(params)} parameters but {len(grads)} gradients")
    for i, (p, g) in enumerate(zip(params, grads)):
        if g.ndim != p.ndim:
            raise TypeError(f"optim.{optimizer}: the gradient of parameter {i} ({p.name!r}) has rank {g.ndim}, "
                            f"the parameter {p.ndim}")
    return params, grads


def _shared(value, name):
    from . import shared
    return shared(value, name=name)


def _state_like(p, suffix):
    value = p.get_value(borrow=True)
    return _shared(np.zeros(np.shape(value), dtype=p.dtype), f"{p.name or 'param'}.{suffix}")


def _keep(update, target):
    return _core.cast(update, target.dtype) if update.dtype != target.dtype else update


def _rate(learning_rate):
    # A number stays a Python float (it takes the gradient's dtype); a variable as is.
    return learning_rate if isinstance(learning_rate, _core.TensorVariable) else float(learning_rate)


def sgd(params, grads_or_cost, learning_rate=0.01):
    """p <- p - learning_rate * g."""
    params, grads = _gradients(params, grads_or_cost, "sgd")
    lr = _rate(learning_rate)
    return [(p, _keep(p - lr * g, p)) for p, g in zip(params, grads)]


def _momentum_like(name, look_ahead, params, grads_or_cost, learning_rate, momentum):
    params, grads = _gradients(params, grads_or_cost, name)
    lr, mu = _rate(learning_rate), float(momentum)
    updates = []
    for p, g in zip(params, grads):
        v = _state_like(p, "velocity")
        v_new = _keep(mu * v - lr * g, v)
        updates.append((v, v_new))
        delta = mu * v_new - lr * g if look_ahead else v_new
        updates.append((p, _keep(p + delta, p)))
    return updates


def momentum(params, grads_or_cost, learning_rate=0.01, momentum=0.9):
    """Classical momentum: v <- momentum * v - learning_rate * g; p <- p + v."""
    return _momentum_like("momentum", False, params, grads_or_cost, learning_rate, momentum)


def nesterov(params, grads_or_cost, learning_rate=0.01, momentum=0.9):
    """Nesterov momentum (Sutskever et al.'s form, as Lasagne's):
    v <- momentum * v - learning_rate * g; p <- p + momentum * v_new - learning_rate * g."""
    return _momentum_like("nesterov", True, params, grads_or_cost, learning_rate, momentum)


def adam(params, grads_or_cost, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam (Kingma and Ba): t <- t + 1; m <- beta1 m + (1 - beta1) g;
    v <- beta2 v + (1 - beta2) g^2;
    p <- p - learning_rate sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)."""
    params, grads = _gradients(params, grads_or_cost, "adam")
    lr, b1, b2, eps = _rate(learning_rate), float(beta1), float(beta2), float(epsilon)
    t = _shared(np.float64(0.0), "adam.t")
    t_new = t + 1.0
    updates = [(t, t_new)]
    correction = _core.sqrt(1.0 - b2 ** t_new) / (1.0 - b1 ** t_new)
    for p, g in zip(params, grads):
        a_t = _core.cast(lr * correction, p.dtype)
        m, v = _state_like(p, "adam_m"), _state_like(p, "adam_v")
        m_new = _keep(b1 * m + (1.0 - b1) * g, m)
        v_new = _keep(b2 * v + (1.0 - b2) * _core.sqr(g), v)
        updates += [(m, m_new), (v, v_new)]
        updates.append((p, _keep(p - a_t * m_new / (_core.sqrt(v_new) + eps), p)))
    return updates


def rmsprop(params, grads_or_cost, learning_rate=0.001, rho=0.9, epsilon=1e-6):
    """RMSProp (Tieleman and Hinton): a <- rho a + (1 - rho) g^2;
    p <- p - learning_rate g / sqrt(a + epsilon)."""
    params, grads = _gradients(params, grads_or_cost, "rmsprop")
    lr, rho, eps = _rate(learning_rate), float(rho), float(epsilon)
    updates = []
    for p, g in zip(params, grads):
        acc = _state_like(p, "rms")
        acc_new = _keep(rho * acc + (1.0 - rho) * _core.sqr(g), acc)
        updates.append((acc, acc_new))
        updates.append((p, _keep(p - lr * g / _core.sqrt(acc_new + eps), p)))
    return updates


def adadelta(params, grads_or_cost, learning_rate=1.0, rho=0.95, epsilon=1e-6):
    """Adadelta (Zeiler 2012): a <- rho a + (1 - rho) g^2;
    d = g sqrt(u + epsilon) / sqrt(a + epsilon); p <- p - learning_rate d;
    u <- rho u + (1 - rho) d^2."""
    params, grads = _gradients(params, grads_or_cost, "adadelta")
    lr, rho, eps = _rate(learning_rate), float(rho), float(epsilon)
    updates = []
    for p, g in zip(params, grads):
        acc, acc_delta = _state_like(p, "adadelta_g2"), _state_like(p, "adadelta_d2")
        acc_new = _keep(rho * acc + (1.0 - rho) * _core.sqr(g), acc)
        updates.append((acc, acc_new))
        delta = g * _core.sqrt(acc_delta + eps) / _core.sqrt(acc_new + eps)
        updates.append((p, _keep(p - lr * delta, p)))
        updates.append((acc_delta, _keep(rho * acc_delta + (1.0 - rho) * _core.sqr(delta), acc_delta)))
    return updates
