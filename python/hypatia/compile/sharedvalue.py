"""Shared variables (Theano's theano.compile.sharedvalue): arrays the library stores,
read by every function whose graph uses them and changed by their updates.

``shared(value)`` has value's dtype (a Python float is float64, as in Theano: write
``shared(np.float32(0.1))`` or an array of floatX for floatX) and sizes unknown to the
graph, except where ``broadcastable`` says True (size 1); set_value may then change the
shape but not the dtype or the rank. get_value() and set_value() copy unless
``borrow=True``, which shares the buffer.
"""
from .. import _core
from .._core import SharedVariable  # noqa: F401 (re-exported: hypatia.compile.sharedvalue.SharedVariable)


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False, broadcastable=None, **kwargs):
    """A SharedVariable holding ``value`` (Theano's theano.shared).

    value: a NumPy array, a number or a list (through numpy.asarray).
    name: the variable's name, used in graphs and error messages.
    borrow: True stores the array itself (when its dtype and layout allow) rather than
      a copy: later writes to it are seen by the functions.
    broadcastable: a tuple of booleans, one per axis: True declares the axis to have
      size 1 (Theano's broadcastable pattern).
    strict, allow_downcast: accepted for Theano's sake but not used: the type is the
      value's own, and set_value converts a new value as a function argument is
      converted (safe casts only, Theano's default), whatever they say.
    """
    if kwargs:
        raise TypeError(f"shared() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
    return _core.shared(value, name=name, borrow=borrow, broadcastable=broadcastable)
