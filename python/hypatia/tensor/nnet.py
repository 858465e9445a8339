"""hypatia.tensor.nnet: Theano's theano.tensor.nnet.

``sigmoid`` and ``softplus`` (the core's elementwise ops), ``softmax`` and
``logsoftmax`` (``log_softmax``) along the last axis by default, the fused and stable
``softmax_cross_entropy`` (``crossentropy_softmax_1hot``) and Theano's
``categorical_crossentropy``, with their stable ops' names (``logsumexp``, ...).
"""
from .._core import (  # noqa: F401  (re-exported names)
    log1mexp,
    log_softmax,
    logaddexp,
    logsumexp,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softplus,
    to_one_hot,
)
from .. import _core

logsoftmax = log_softmax


def _is_integer(x):
    return str(x.dtype).startswith(("int", "uint"))


def categorical_crossentropy(coding_dist, true_dist):
    """The cross-entropy of each row of coding_dist (probabilities, last axis the
    classes) against true_dist, as Theano's categorical_crossentropy:

    - true_dist integer class indices, one fewer dimension than coding_dist:
      ``-log(coding_dist[arange(n), true_dist])``;
    - true_dist a distribution (one-hot or probabilities) of coding_dist's shape:
      ``-sum(true_dist * log(coding_dist), axis=-1)``.

    For the cross-entropy of softmax(logits), ``softmax_cross_entropy(logits, y)``
    is the stable form (the stabilize rewrites find it in the first case)."""
    coding_dist = _core.as_tensor_variable(coding_dist)
    true_dist = _core.as_tensor_variable(true_dist)
    if true_dist.ndim == coding_dist.ndim - 1:
        if not _is_integer(true_dist):
            raise TypeError(f"categorical_crossentropy: integer class indices must have an integer dtype, "
                            f"not {true_dist.dtype}")
        picked = _core.take_along_axis(coding_dist, _core.expand_dims(true_dist, -1), -1)
        return -_core.log(_core.squeeze(picked, -1))
    if true_dist.ndim == coding_dist.ndim:
        return -_core.sum(true_dist * _core.log(coding_dist), axis=-1)
    raise TypeError(f"categorical_crossentropy: true_dist must have coding_dist's rank ({coding_dist.ndim}, a "
                    f"distribution) or one less (integer classes), not {true_dist.ndim}")


def crossentropy_softmax_1hot(x, y_idx):
    """Theano's crossentropy_softmax_1hot: (the cross-entropy of softmax(x) against the
    integer classes y_idx, softmax(x)), the first fused and stable."""
    return softmax_cross_entropy(x, y_idx), softmax(x)


def binary_crossentropy(output, target):
    """Theano's binary_crossentropy: -(target log(output) + (1 - target) log(1 - output))."""
    return -(target * _core.log(output) + (1.0 - target) * _core.log1p(-output))
