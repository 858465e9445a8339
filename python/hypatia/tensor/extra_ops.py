"""hypatia.tensor.extra_ops: what theano.tensor.extra_ops was (the NumPy-like helpers),
over the core's ops. The same functions are on hypatia.tensor."""
from . import (  # noqa: F401  (re-exported names)
    bincount,
    compress,
    cumprod,
    cumsum,
    diff,
    repeat,
    searchsorted,
    squeeze,
    to_one_hot,
)
