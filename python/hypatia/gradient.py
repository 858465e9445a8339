"""hypatia.gradient: what theano.gradient was.

Symbolic differentiation over the C++ core's rules (include/hypatia/grad.hpp):
``grad`` (also ``hypatia.grad`` and ``T.grad``), ``Rop``, ``Lop``, ``jacobian``,
``hessian``, ``hessian_vector_product``, ``verify_grad``, the helper ops
``zero_grad``, ``disconnected_grad``, ``consider_constant``, ``grad_clip``,
``grad_scale``, and the errors ``DisconnectedInputError``, ``NullTypeGradError``,
``GradientError``. Gradients are graphs: differentiate them again to any order.
"""
import numpy as np

from . import _core
from ._core import (  # noqa: F401  (re-exported names)
    DisconnectedInputError,
    GradientError,
    NullTypeGradError,
    consider_constant,
    disconnected_grad,
    grad_clip,
    grad_scale,
    hessian_vector_product,
    zero_grad,
)

__all__ = [
    "DisconnectedInputError", "GradientError", "Lop", "NullTypeGradError", "Rop", "consider_constant",
    "disconnected_grad", "grad", "grad_clip", "grad_scale", "hessian", "hessian_vector_product", "jacobian",
    "verify_grad", "zero_grad",
]

_RETURN_DISCONNECTED = {"zero": "zero", "None": "none", "Disconnected": "none"}


def _as_list(x):
    """(list, form): Theano's rule that a list in gives a list out, a tuple a tuple,
    a variable a variable."""
    if isinstance(x, (list, tuple)):
        return list(x), type(x)
    return [x], None


def _format_as(form, values):
    if form is None:
        return values[0]
    return form(values)


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True, known_grads=None,
         return_disconnected="zero", null_gradients="raise"):
    """The gradient of the scalar ``cost`` with respect to ``wrt`` (a variable, or a
    list of them: the result has the same form), as theano.grad.

    - consider_constant: variables treated as constants (no gradient through them).
    - disconnected_inputs: 'raise' (DisconnectedInputError), 'warn' or 'ignore' for an
      input the cost does not depend on.
    - known_grads: a dict {variable: its gradient}; cost may then be None or
      non-scalar, and each known gradient is final.
    - return_disconnected: 'zero' (zeros_like(input)), 'None' or 'Disconnected'
      (both give None: the core has no disconnected type).
    - null_gradients: 'raise' (NullTypeGradError through an op with no gradient) or
      'return' (None for such an input).
    - add_names: accepted for Theano's code; gradients are not named (a variable's
      name is fixed when it is made).

    Integer and bool inputs get zero gradients of dtype floatX, as in Theano.
    """
    del add_names
    if return_disconnected not in _RETURN_DISCONNECTED:
        raise ValueError(f"grad: return_disconnected must be 'zero', 'None' or 'Disconnected', "
                         f"not {return_disconnected!r}")
    wrt_list, form = _as_list(wrt)
    pairs = list((known_grads or {}).items())
    if cost is None and not pairs:
        raise ValueError("grad: cost is None and known_grads is empty: nothing to differentiate")
    result = _core._grad(cost, wrt_list, list(consider_constant or []), disconnected_inputs, pairs,
                         _RETURN_DISCONNECTED[return_disconnected], null_gradients)
    return _format_as(form, result)


def Rop(f, wrt, eval_points):
    """J·v, the directional derivative of f (a variable or a list) with respect to wrt
    along eval_points (one per wrt, same shapes), as theano.gradient.Rop. The result
    has f's form."""
    f_list, form = _as_list(f)
    wrt_list, _ = _as_list(wrt)
    points, _ = _as_list(eval_points)
    result = _core._Rop(f_list, wrt_list, points)
    return _format_as(form, result)


def Lop(f, wrt, eval_points):
    """vᵀ·J: eval_points holds one cotangent per f (same shapes); one result per wrt,
    in wrt's form, as theano.gradient.Lop."""
    f_list, _ = _as_list(f)
    wrt_list, form = _as_list(wrt)
    points, _ = _as_list(eval_points)
    result = _core._Lop(f_list, wrt_list, points)
    return _format_as(form, result)


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """d expression / d wrt, of shape expression.shape + wrt.shape (wrt a variable or
    a list: one jacobian each), as theano.gradient.jacobian; computed as one vectorized
    graph, not a loop. consider_constant is not supported (NotImplementedError when
    given); disconnected_inputs='raise' only."""
    if consider_constant:
        raise NotImplementedError("jacobian: consider_constant is not supported; use T.consider_constant(x)")
    if disconnected_inputs != "raise":
        raise NotImplementedError("jacobian: only disconnected_inputs='raise' is supported")
    wrt_list, form = _as_list(wrt)
    result = [_core._jacobian(expression, w) for w in wrt_list]
    return _format_as(form, result)


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """d² cost / d wrt² for a scalar cost, of shape wrt.shape + wrt.shape (wrt a
    variable or a list: one hessian each), as theano.gradient.hessian. A cost linear
    in wrt gives zeros."""
    if consider_constant:
        raise NotImplementedError("hessian: consider_constant is not supported; use T.consider_constant(x)")
    if disconnected_inputs != "raise":
        raise NotImplementedError("hessian: only disconnected_inputs='raise' is supported")
    wrt_list, form = _as_list(wrt)
    result = [_core._hessian(cost, w) for w in wrt_list]
    return _format_as(form, result)


def _seed_of(rng):
    if rng is None:
        return None
    if isinstance(rng, (int, np.integer)):
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63 - 1))
    if isinstance(rng, np.random.RandomState):
        return int(rng.randint(0, 2**31 - 1))
    raise TypeError(f"verify_grad: rng must be a numpy Generator, RandomState, an int or None, "
                    f"not {type(rng).__name__}")


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, abs_tol=None, rel_tol=None):
    """Checks fun's symbolic gradient against central finite differences at pt, as
    theano.gradient.verify_grad.

    fun takes one TensorVariable per array of pt (named x0, x1, ...) and returns a
    TensorVariable (any shape: it is projected onto a random tensor); pt is a list of
    NumPy arrays (float32 or float64). rng: a numpy Generator or RandomState (a seed is
    drawn from it), an int seed, or None (a fixed seed). eps defaults to 1e-7 for
    float64 and 3e-4 for float32; abs_tol and rel_tol to 1e-4 (float64) and 1e-2
    (float32); a component fails only when both errors exceed them. Raises
    GradientError naming the input, the position and both values.
    """
    if not isinstance(pt, (list, tuple)):
        raise TypeError("verify_grad: pt must be a list of numpy arrays")
    point = [np.asarray(p) for p in pt]
    _core._verify_grad(fun, point, n_tests, _seed_of(rng), eps, abs_tol, rel_tol)
