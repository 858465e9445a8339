"""hypatia.tensor.special: PyTensor's pytensor.tensor.special (SciPy's names).

``softmax``, ``log_softmax`` and ``logsumexp`` as scipy.special's: axis None (the
default) works over the whole array, an int or (for logsumexp) a tuple over those axes.
"""
from .. import _core


def _flat_then_back(op, x):
    x = _core.as_tensor_variable(x)
    return _core.reshape(op(_core.flatten(x, 1), 0), x.shape)


def softmax(c, axis=None):
    """scipy.special.softmax: exp(c) / sum(exp(c), axis), max-shifted; axis None takes
    the whole array."""
    if axis is None:
        return _flat_then_back(_core.softmax, c)
    return _core.softmax(c, axis)


def log_softmax(c, axis=None):
    """scipy.special.log_softmax: c - logsumexp(c, axis, keepdims=True), max-shifted;
    axis None takes the whole array."""
    if axis is None:
        return _flat_then_back(_core.log_softmax, c)
    return _core.log_softmax(c, axis)


def logsumexp(x, axis=None, keepdims=False):
    """scipy.special.logsumexp (without b and return_sign): log(sum(exp(x), axis)),
    max-shifted."""
    return _core.logsumexp(x, axis, keepdims)


def log1mexp(x):
    """log(1 - exp(x)) for x <= 0, accurate everywhere."""
    return _core.log1mexp(x)


def logaddexp(a, b):
    """numpy.logaddexp: log(exp(a) + exp(b)) without overflow."""
    return _core.logaddexp(a, b)


from .._core import (  # noqa: E402,F401  (PyTensor's activations and losses, as in nnet)
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    hard_sigmoid,
    selu,
    sigmoid,
    sigmoid_binary_crossentropy,
    softplus,
    softsign,
)
from .nnet import relu  # noqa: E402,F401

expit = sigmoid  # scipy.special.expit
log1pexp = softplus  # PyTensor's name for softplus
