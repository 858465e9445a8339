"""Property tests (hypothesis) against NumPy: broadcasting, reductions over random
axes, and random expressions. Examples are derandomized (conftest.py), and a failure
prints the example that reproduces it."""
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import hypatia
import hypatia.tensor as T
from helpers import assert_same, var_like

DTYPES = ["bool", "int8", "uint8", "int32", "uint32", "int64", "float32", "float64"]


def arrays(dtype, shape):
    if dtype == "bool":
        elements = st.booleans()
    elif dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        elements = st.integers(int(max(info.min, -1000)), int(min(info.max, 1000)))
    else:
        elements = st.floats(-1e3, 1e3, width=np.dtype(dtype).itemsize * 8)
    return hnp.arrays(dtype, shape, elements=elements)


@st.composite
def broadcast_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=4))
    da, db = draw(st.sampled_from(DTYPES)), draw(st.sampled_from(DTYPES))
    a, b = draw(arrays(da, shapes.input_shapes[0])), draw(arrays(db, shapes.input_shapes[1]))
    # A non-contiguous view of the same values now and then.
    if a.ndim and draw(st.booleans()):
        a = np.flip(np.flip(a, 0).copy(), 0)
    return a, b


@given(broadcast_pair(), st.sampled_from(["add", "mul", "maximum", "lt", "eq", "logical_or"]))
def test_broadcasting_binary_ops(pair, name):
    a, b = pair
    x, y = var_like(a, "a"), var_like(b, "b")
    got = hypatia.function([x, y], getattr(T, name)(x, y))(a, b)
    numpy_name = {"lt": "less", "eq": "equal", "mul": "multiply"}.get(name, name)
    # Promote explicitly: NumPy 1 would treat a 0-d array like a Python scalar.
    common = np.promote_types(a.dtype, b.dtype)
    with np.errstate(all="ignore"):
        expected = getattr(np, numpy_name)(a.astype(common), b.astype(common))
    assert_same(got, expected, rtol=1e-6)


@st.composite
def reduction_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
    dtype = draw(st.sampled_from(DTYPES))
    a = draw(arrays(dtype, shape))
    axes = draw(st.none() | st.lists(st.integers(0, max(a.ndim - 1, 0)), unique=True, max_size=a.ndim)
                .map(tuple))
    if axes is not None and a.ndim and draw(st.booleans()):
        axes = tuple(ax - a.ndim for ax in axes)  # negative axes
    return a, axes, draw(st.booleans())


@given(reduction_case(), st.sampled_from(["sum", "max", "min", "mean", "any", "all", "prod"]))
def test_reductions_over_random_axes(case, name):
    a, axes, keepdims = case
    x = var_like(a)
    f = hypatia.function([x], getattr(T, name)(x, axis=axes, keepdims=keepdims))
    selection_empty = a.size == 0 or (axes is not None and any(a.shape[ax] == 0 for ax in axes))
    if name in ("max", "min") and selection_empty and (axes is None or len(axes) > 0):
        try:
            f(a)
        except ValueError as e:
            assert name in str(e)
        else:
            raise AssertionError("expected a ValueError for an empty max/min")
        return
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's mean of an empty slice
        source = a
        if name in ("sum", "prod") and a.dtype.kind in "bi":
            source = a.astype("int64")
        elif name in ("sum", "prod") and a.dtype.kind == "u":
            source = a.astype("uint64")
        elif name == "mean" and a.dtype.kind in "biu":
            source = a.astype("float64")
        expected = getattr(np, name)(source, axis=axes, keepdims=keepdims)
    rtol = 1e-4 if a.dtype == np.float32 else 1e-9
    assert_same(f(a), expected, rtol=rtol)


# Random expressions: each strategy draws a pair (hypatia builder, NumPy builder) over
# the inputs, so both sides compute the same formula.
LEAVES = st.sampled_from([(lambda h: h[0], lambda n: n[0]), (lambda h: h[1], lambda n: n[1]),
                          (lambda h: h[2], lambda n: n[2]),
                          # NumPy float64 scalars: a Python 0.5 alone would be float32 (autocast)
                          (lambda h: np.float64(0.5), lambda n: 0.5), (lambda h: np.float64(2), lambda n: 2.0)])

UNARY = [(T.tanh, np.tanh), (T.sin, np.sin), (abs, np.abs), (T.sqr, np.square), (lambda v: -v, np.negative),
         (lambda v: T.exp(T.clip(v, -5, 5)), lambda v: np.exp(np.clip(v, -5, 5))),
         (lambda v: T.log1p(abs(v)), lambda v: np.log1p(np.abs(v))), (T.nnet.sigmoid, lambda v: 1 / (1 + np.exp(-v)))]
BINARY = [(lambda a, b: a + b, np.add), (lambda a, b: a - b, np.subtract), (lambda a, b: a * b, np.multiply),
          (T.maximum, np.maximum), (T.minimum, np.minimum),
          (lambda a, b: T.switch(a < b, a, b * 0.5), lambda a, b: np.where(a < b, a, b * 0.5))]


def combine(children):
    unary = st.tuples(st.sampled_from(UNARY), children).map(
        lambda t: (lambda h, f=t[0][0], c=t[1][0]: f(c(h)), lambda n, f=t[0][1], c=t[1][1]: f(c(n))))
    binary = st.tuples(st.sampled_from(BINARY), children, children).map(
        lambda t: (lambda h, f=t[0][0], a=t[1][0], b=t[2][0]: f(a(h), b(h)),
                   lambda n, f=t[0][1], a=t[1][1], b=t[2][1]: f(a(n), b(n))))
    return unary | binary


@given(st.recursive(LEAVES, combine, max_leaves=8),
       hnp.arrays("float64", (3, 4), elements=st.floats(-3, 3)),
       hnp.arrays("float64", (4,), elements=st.floats(-3, 3)),
       hnp.arrays("float64", (1, 4), elements=st.floats(-3, 3)))
def test_random_expressions(expr, a, b, c):
    build, reference = expr
    x, y, z = T.dmatrix("x"), T.dvector("y"), T.drow("z")
    out = build([x, y, z])
    expected = np.asarray(reference([a, b, c]), dtype="float64")
    out = T.as_tensor_variable(out) * 1.0  # a bare literal is a constant of its own dtype
    f = hypatia.function([x, y, z], out + T.zeros_like(x), on_unused_input="ignore")
    assert_same(f(a, b, c), np.broadcast_to(expected, (3, 4)), rtol=1e-12)
