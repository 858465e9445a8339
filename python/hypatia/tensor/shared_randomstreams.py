"""hypatia.tensor.shared_randomstreams: Theano's RandomStreams (also ``hypatia.RandomStreams``).

::

    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = hypatia.function([], rv_u)
    g = hypatia.function([], rv_n, no_default_updates=True)  # g gives the same numbers each call

Each draw owns a state, a shared uint64 vector ``[key, counter]`` whose
``default_update`` is the draw's advanced state: every function reading the draw
moves its counter on after each call (unless compiled with ``no_default_updates``).
The generator is counter-based (Philox-4x32-10): draw i's key is a hash of (seed, i),
element j of a sample depends only on (key, counter, j), so numbers are the same on
every backend and for any thread split. They are not NumPy's or Theano's numbers for
the same seed.

``size`` is the sample's shape: a tuple of ints and int scalar variables, ``x.shape``,
or an int vector variable (of known length, or give ``ndim``). ``size=()`` or ``None``
takes the broadcast shape of the parameters (a scalar for scalar parameters).
``truncated_normal`` is normal(avg, std) conditioned on lying within 2 std of avg
(draws further out are drawn again), as tf.random.truncated_normal and Keras define it.
"""
import os

from .. import _core

__all__ = ["RandomStreams"]


def _size(size, ndim):
    if size is None:
        return ()
    if isinstance(size, _core.TensorVariable) and size.ndim == 1 and ndim is not None \
            and size.type.shape[0] is None:
        return tuple(size[i] for i in range(ndim))
    return size


def _dtype(dtype, default):
    return default if dtype is None else dtype


class RandomStreams:
    """Theano's RandomStreams over Hypatia's counter-based generator.

    seed: an int (0 <= seed < 2**64), or None for a seed from the operating system."""

    def __init__(self, seed=None):
        if seed is None:
            seed = int.from_bytes(os.urandom(8), "little")
        self._impl = _core._RandomStreams(int(seed) % 2**64)
        self.default_instance_seed = seed

    def seed(self, seed=None):
        """Reset every state made so far (and seed later draws) as RandomStreams(seed) would."""
        if seed is None:
            seed = self.default_instance_seed
        self._impl.seed(int(seed) % 2**64)

    @property
    def state_updates(self):
        """(state, update) pairs of every draw so far."""
        return list(self._impl.updates())

    def updates(self):
        """(state, update) pairs of every draw so far, for function(updates=...)."""
        return list(self._impl.updates())

    def uniform(self, size=(), low=0.0, high=1.0, ndim=None, dtype=None):
        """Uniform on [low, high); dtype floatX by default."""
        return self._impl.uniform(_size(size, ndim), low, high, dtype)

    def normal(self, size=(), avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal with mean avg and standard deviation std; dtype floatX by default."""
        return self._impl.normal(_size(size, ndim), avg, std, dtype)

    def truncated_normal(self, size=(), avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal(avg, std) conditioned on |x - avg| <= 2 std (further draws are redrawn)."""
        return self._impl.truncated_normal(_size(size, ndim), avg, std, dtype)

    def binomial(self, size=(), n=1, p=0.5, ndim=None, dtype="int64", prob=None):
        """Successes in n trials of probability p (prob is Theano's old name for p)."""
        if prob is not None:
            p = prob
        return self._impl.binomial(_size(size, ndim), n, p, _dtype(dtype, "int64"))

    def random_integers(self, size=(), low=0, high=1, ndim=None, dtype="int64"):
        """Theano's random_integers: integers uniform on [low, high], high included."""
        return self._impl.integers(_size(size, ndim), low, _core.as_tensor_variable(high) + 1,
                                   _dtype(dtype, "int64"))

    def integers(self, low, high=None, size=None, dtype="int64"):
        """NumPy's Generator.integers (and PyTensor's): integers on [low, high), or on
        [0, low) when high is None."""
        if high is None:
            low, high = 0, low
        return self._impl.integers(_size(size, None), low, high, _dtype(dtype, "int64"))

    def choice(self, size=(), a=2, replace=True, p=None, ndim=None, dtype=None):
        """Elements of a (a vector, or arange(a) for an int), with or without
        replacement, uniformly or with probabilities p. dtype None keeps a's dtype
        (int64 for an int a); another is a cast."""
        out = self._impl.choice(_size(size, ndim), a, replace, p)
        return out if dtype is None or out.dtype == dtype else _core.cast(out, dtype)

    def permutation(self, size=(), n=1, ndim=None, dtype="int64"):
        """Permutations of 0..n-1: shape size + (n,)."""
        out = self._impl.permutation(_size(size, ndim), n)
        return out if dtype in (None, "int64") else _core.cast(out, dtype)

    def multinomial(self, size=(), n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
        """Counts of n trials over the categories of pvals' last axis: shape size + (k,);
        the last probability is 1 - the sum of the others."""
        return self._impl.multinomial(_size(size, ndim), n, pvals, _dtype(dtype, "int64"))
