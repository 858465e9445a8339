"""hypatia.tensor.nnet: Theano's theano.tensor.nnet (the ops the core has so far)."""
from .._core import sigmoid, softplus, to_one_hot  # noqa: F401
