"""hypatia.tensor.nnet: Theano's theano.tensor.nnet.

Activations: ``sigmoid`` and ``softplus`` (the core's elementwise ops, saturating
without overflow), ``relu(x, alpha=0)``, ``elu(x, alpha=1)``, ``selu``, ``softsign``,
``hard_sigmoid`` (Theano's ``clip(0.2 x + 0.5, 0, 1)``), ``ultra_fast_sigmoid`` (here the
exact sigmoid); ``softmax`` and ``logsoftmax`` (``log_softmax``) along the last axis by
default. Losses: ``categorical_crossentropy`` (integer or one-hot targets),
``binary_crossentropy``, ``sigmoid_binary_crossentropy`` (from logits, stable at any
size), the fused ``softmax_cross_entropy`` (``crossentropy_softmax_1hot``). Each is
stable in value and gradient: built in C++ (hypatia/ops/nnet.hpp) from the stable ops.
"""
from .._core import (  # noqa: F401  (re-exported names)
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    hard_sigmoid,
    log1mexp,
    log_softmax,
    logaddexp,
    logsumexp,
    selu,
    sigmoid,
    sigmoid_binary_crossentropy,
    softmax,
    softmax_cross_entropy,
    softplus,
    softsign,
    to_one_hot,
)
from .. import _core

logsoftmax = log_softmax
ultra_fast_sigmoid = sigmoid  # Theano's was an approximation; the exact one costs little here
scalar_sigmoid = sigmoid


def relu(x, alpha=0):
    """Theano's relu: max(x, 0); with alpha, x where x > 0 and alpha * x elsewhere
    (leaky relu). alpha is a number, or a symbolic scalar (then the where form)."""
    if isinstance(alpha, _core.TensorVariable):
        x = _core.as_tensor_variable(x)
        return _core.where(x > 0, x, alpha * x)
    return _core.relu(x, float(alpha))


def crossentropy_softmax_1hot(x, y_idx):
    """Theano's crossentropy_softmax_1hot: (the cross-entropy of softmax(x) against the
    integer classes y_idx, softmax(x)), the first fused and stable."""
    return softmax_cross_entropy(x, y_idx), softmax(x)


def crossentropy_categorical_1hot(coding_dist, true_idx):
    """Theano's crossentropy_categorical_1hot: -log(coding_dist[arange(n), true_idx])."""
    return categorical_crossentropy(coding_dist, true_idx)
