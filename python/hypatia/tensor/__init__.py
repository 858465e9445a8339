"""hypatia.tensor: what theano.tensor was.

Symbolic constructors (``T.matrix('x')``, ``T.dvector('y')``, ``T.fmatrices('a', 'b')``,
``T.tensor('float32', (False, True))``), the ops under their NumPy and Theano names
(``T.exp``, ``T.switch``, ``T.dot``, ``T.sum``, ``T.argmax``, ``T.cast``, ``T.eq`` ...),
``TensorType``, ``TensorVariable``, ``as_tensor_variable``, ``constant``, and
``grad``, ``Rop``, ``Lop``, ``jacobian``, ``hessian`` from hypatia.gradient.
Indexing is NumPy's (``x[1:, idx]``, ``x[mask]``) with Theano's ``set_subtensor`` and
``inc_subtensor``; ``concatenate``, ``stack``, ``sort``, ``cumsum`` ... are NumPy's
and Theano's (``hypatia.tensor.extra_ops`` as theano.tensor.extra_ops).

Semantics are the core's (docs/semantics.md): NumPy's broadcasting, promotion and
results; Python scalars typed by ``hypatia.config.cast_policy`` (Theano's autocast by
default); floatX for dtype-less constructors.
"""
from .. import _core
from .._core import (  # noqa: F401  (re-exported names)
    TensorType,
    TensorVariable,
    abs,
    add,
    all,
    alloc,
    any,
    arange,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    argmax,
    argmin,
    as_tensor_variable,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    broadcast_to,
    cast,
    cbrt,
    ceil,
    clip,
    constant,
    cos,
    cosh,
    digamma,
    dimshuffle,
    dot,
    eq,
    erf,
    erfc,
    erfcx,
    erfinv,
    exp,
    exp2,
    expand_dims,
    expm1,
    eye,
    flatten,
    floor,
    floor_div,
    full,
    gamma,
    gammaln,
    ge,
    gt,
    invert,
    isfinite,
    isinf,
    isnan,
    le,
    log,
    log1p,
    log2,
    log10,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mod,
    mul,
    neg,
    neq,
    ones,
    ones_like,
    outer,
    pow,
    prod,
    reciprocal,
    reshape,
    round,
    round_half_away_from_zero,
    shape,
    shape_padleft,
    shape_padright,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    specify_shape,
    sqr,
    sqrt,
    squeeze,
    std,
    sub,
    sum,
    tan,
    tanh,
    tensordot,
    transpose,
    true_div,
    trigamma,
    trunc,
    var,
    where,
    zeros,
    zeros_like,
)
from .._core import (  # noqa: E402,F401  (indexing and structural ops)
    argsort,
    argtopk,
    bincount,
    concatenate,
    cumprod,
    cumsum,
    diag,
    diagonal,
    diff,
    flip,
    horizontal_stack,
    inc_along_axis,
    inc_subtensor,
    join,
    linspace,
    nonzero,
    pad,
    repeat,
    roll,
    searchsorted,
    set_subtensor,
    sort,
    split,
    take,
    take_along_axis,
    tile,
    to_one_hot,
    topk,
    topk_and_argtopk,
    trace,
    tri,
    tril,
    triu,
    vertical_stack,
)
from .._core import (  # noqa: E402,F401  (the stable nnet ops)
    log1mexp,
    log_softmax,
    logaddexp,
    logsumexp,
    softmax,
    softmax_cross_entropy,
)
from . import nnet  # noqa: E402,F401
from . import special  # noqa: E402,F401
# Theano's theano.tensor had these from theano.gradient; the helper ops stay there.
from ..gradient import Lop, Rop, grad, hessian, jacobian, verify_grad  # noqa: E402,F401
from ..compile.sharedvalue import SharedVariable, shared  # noqa: E402,F401  (theano.tensor.shared)

# ---------------------------------------------------------------- other names
# Theano's and NumPy's names for the same ops.
as_tensor = as_tensor_variable
switch = where
abs_ = absolute = abs
sgn = sign
inv = reciprocal
square = sqr
psi = digamma
int_div = floor_divide = floor_div
true_divide = divide = true_div
subtract = sub
multiply = mul
remainder = mod
power = pow
negative = neg
and_ = bitwise_and
or_ = bitwise_or
xor = bitwise_xor
bitwise_not = invert
less, greater, less_equal, greater_equal = lt, gt, le, ge
equal, not_equal = eq, neq
shape_padaxis = expand_dims


def round_half_to_even(x):
    """Rounds half to even (NumPy's round), elementwise."""
    return round(x, "half_to_even")


hstack = horizontal_stack
vstack = vertical_stack
one_hot = to_one_hot


def stack(*tensors, **kwargs):
    """numpy.stack: the tensors joined along a new axis.

    ``stack([a, b], axis=0)`` (NumPy's and Theano's form) or Theano's old
    ``stack(a, b, c)`` (axis 0). All tensors must have the same shape."""
    if not tensors and "tensors" not in kwargs:
        raise TypeError("stack() needs the tensors: stack([a, b], axis=0)")
    if "tensors" in kwargs:
        return _core._stack(kwargs.pop("tensors"), kwargs.pop("axis", 0), **kwargs)
    if isinstance(tensors[0], (list, tuple)):
        if len(tensors) > 2:
            raise TypeError("stack(tensors, axis): too many arguments")
        axis = tensors[1] if len(tensors) == 2 else kwargs.pop("axis", 0)
        if kwargs:
            raise TypeError(f"stack: unexpected arguments {sorted(kwargs)}")
        return _core._stack(tensors[0], axis)
    if kwargs:
        raise TypeError(f"stack(*tensors): unexpected arguments {sorted(kwargs)}; write stack([a, b], axis=...)")
    return _core._stack(list(tensors), 0)


def flatnonzero(a):
    """numpy.flatnonzero: the int64 indices of the nonzero elements of the flattened a."""
    return nonzero(flatten(a))[0]


def nonzero_values(a):
    """The nonzero elements of a in C order, a vector (Theano's nonzero_values)."""
    return as_tensor_variable(a).nonzero_values()


def compress(condition, x, axis=None):
    """numpy.compress: the slices of x along axis (of the flattened x when None) where the
    vector condition is true."""
    return take(x, nonzero(flatten(condition))[0], axis=axis)


def _compress_method(self, condition, axis=None):
    """x.compress(condition, axis): T.compress(condition, x, axis), as ndarray.compress."""
    return compress(condition, self, axis)


TensorVariable.compress = _compress_method


def addbroadcast(x, *axes):
    """x with the given axes marked broadcastable (known to be 1); a ShapeError at
    run time if one is not 1 (Theano's addbroadcast)."""
    x = as_tensor_variable(x)
    sizes = list(x.type.shape)
    for a in axes:
        sizes[a] = 1
    return specify_shape(x, sizes)


# ---------------------------------------------------------------- constructors
_PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64"}
_KINDS = {
    "scalar": (),
    "vector": (None,),
    "matrix": (None, None),
    "row": (1, None),
    "col": (None, 1),
    "tensor3": (None,) * 3,
    "tensor4": (None,) * 4,
    "tensor5": (None,) * 5,
    "tensor6": (None,) * 6,
    "tensor7": (None,) * 7,
}
_PLURALS = {"scalar": "scalars", "vector": "vectors", "matrix": "matrices", "row": "rows", "col": "cols",
            "tensor3": "tensor3s", "tensor4": "tensor4s", "tensor5": "tensor5s", "tensor6": "tensor6s",
            "tensor7": "tensor7s"}


def tensor(dtype=None, broadcastable=None, name=None, shape=None):
    """A symbolic input of any rank: ``tensor('float32', (False, True), name='x')`` as in
    Theano (True: a dimension known to be 1) or ``tensor(dtype='int8', shape=(None, 3))``;
    dtype None means floatX."""
    if broadcastable is None and shape is None:
        raise TypeError("tensor() needs broadcastable=(...) or shape=(...) to know its rank")
    return TensorType(dtype, broadcastable, shape=shape)(name)


def _generic(kind, sizes):
    def make(name=None, dtype=None, shape=None):
        if shape is None:
            shape = sizes
        elif len(shape) != len(sizes):
            raise ValueError(f"{kind}: shape {tuple(shape)} has {len(shape)} dimensions, a {kind} has {len(sizes)}")
        return _core.tensor(name or "", dtype, shape)

    make.__name__ = make.__qualname__ = kind
    make.__doc__ = (f"A symbolic {kind} input (static shape {sizes}) of dtype dtype (default floatX): "
                    f"{kind}('x'). shape=... gives known sizes, None for unknown ones.")
    return make


def _multi(make, plural):
    def many(*names, **kwargs):
        """Several inputs at once, as Theano's plurals: ``dmatrices('a', 'b')`` gives two;
        an int gives that many unnamed ones; a single name gives one variable."""
        if len(names) == 1 and isinstance(names[0], int):
            return [make(**kwargs) for _ in range(names[0])]
        if len(names) == 1:
            return make(names[0], **kwargs)
        return [make(n, **kwargs) for n in names]

    many.__name__ = many.__qualname__ = plural
    return many


for _kind, _sizes in _KINDS.items():
    globals()[_kind] = _generic(_kind, _sizes)
    globals()[_PLURALS[_kind]] = _multi(globals()[_kind], _PLURALS[_kind])
    for _prefix, _dtype in _PREFIXES.items():
        # As in Theano, dmatrix is a TensorType: dmatrix('x') makes an input, and
        # x.type == T.dmatrix tests for one.
        _type = TensorType(_dtype, shape=_sizes)
        globals()[_prefix + _kind] = _type
        globals()[_prefix + _PLURALS[_kind]] = _multi(_type, _prefix + _PLURALS[_kind])
del _kind, _sizes, _prefix, _dtype, _type

from . import extra_ops  # noqa: E402,F401  (imports the names above)
