"""hypatia.tensor's names, constructors, types and TensorVariable's operators,
properties and methods, as in Theano."""
import copy

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import assert_same

PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64"}
KINDS = {"scalar": (), "vector": (None,), "matrix": (None, None), "row": (1, None), "col": (None, 1),
         "tensor3": (None,) * 3, "tensor4": (None,) * 4, "tensor5": (None,) * 5, "tensor6": (None,) * 6,
         "tensor7": (None,) * 7}
PLURALS = {"scalar": "scalars", "vector": "vectors", "matrix": "matrices", "row": "rows", "col": "cols",
           "tensor3": "tensor3s", "tensor4": "tensor4s", "tensor5": "tensor5s", "tensor6": "tensor6s",
           "tensor7": "tensor7s"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_constructors(kind):
    shape = KINDS[kind]
    x = getattr(T, kind)("x")
    assert (x.name, x.dtype, x.type.shape, x.ndim) == ("x", "float64", shape, len(shape))
    assert x.broadcastable == tuple(s == 1 for s in shape)
    assert getattr(T, kind)(dtype="uint16").dtype == "uint16"
    with hypatia.change_flags(floatX="float32"):
        assert getattr(T, kind)().dtype == "float32"
    for prefix, dtype in PREFIXES.items():
        typed = getattr(T, prefix + kind)
        assert isinstance(typed, T.TensorType)
        v = typed("v")
        assert (v.dtype, v.type.shape, v.name) == (dtype, shape, "v")
        assert v.type == typed
        a, b = getattr(T, prefix + PLURALS[kind])("a", "b")
        assert (a.name, b.name, a.dtype) == ("a", "b", dtype)
        assert len(getattr(T, prefix + PLURALS[kind])(3)) == 3
    one = getattr(T, PLURALS[kind])("only")
    assert isinstance(one, T.TensorVariable) and one.name == "only"


def test_tensor_and_tensor_type():
    x = T.tensor("float32", (False, True), name="x")
    assert (x.dtype, x.type.shape, x.broadcastable) == ("float32", (None, 1), (False, True))
    y = T.tensor(dtype="int8", shape=(None, 3))
    assert y.type.shape == (None, 3) and y.name is None
    t = T.TensorType("float64", (False,))
    assert t("z").type == t == T.dvector
    assert repr(t) == "TensorType(float64, shape=(None,))"
    assert T.TensorType("float64", shape=(2, None)).shape == (2, None)
    assert hash(T.TensorType("int8", (True,))) == hash(T.brow.__class__("int8", (True,)))
    assert_same(T.fmatrix.filter([[1, 2]]), np.float32([[1, 2]]))
    with pytest.raises(TypeError, match="not of type"):
        T.fmatrix.filter([1, 2])
    with pytest.raises(TypeError, match="unknown dtype 'floaty'"):
        T.tensor("floaty", (False,))
    with pytest.raises(TypeError, match="needs broadcastable"):
        T.tensor("float32")


def test_every_core_op_has_a_python_name():
    # Leaves and helpers of other ops; sum_to is the gradient driver's unbroadcast
    # (a sum back to an input's run-time shape), never built by the user.
    internal = {"input", "constant", "shape_i", "arange_length", "sum_to",
                # Indexing's graph ops: x[key], set_subtensor and inc_subtensor build them
                # (Theano's Subtensor, AdvancedSubtensor1 ... were classes, not functions).
                "subtensor", "inc_subtensor", "check_mask", "advanced_subtensor1", "advanced_subtensor",
                "advanced_inc_subtensor1", "advanced_inc_subtensor",
                # Gradients' helpers and the pieces of composites (diag of a vector, bincount).
                "repeat_grad", "pad_grad", "diff_grad", "alloc_diagonal", "bincount_length",
                # Theano's Gemm: the specialize phase builds it from alpha * dot(x, y) + beta * z.
                "gemm"}
    named_otherwise = {"where": "switch"}
    # The gradient helper ops live in hypatia.gradient, as in theano.gradient.
    elsewhere = {"zero_grad", "disconnected_grad", "consider_constant", "grad_clip", "grad_scale"}
    for op in hypatia._core._op_names():
        if op in internal:
            continue
        module = hypatia.gradient if op in elsewhere else T
        fn = getattr(module, named_otherwise.get(op, op), None)
        assert fn is not None, op
        assert fn.__doc__, op


THEANO_AND_NUMPY_NAMES = [
    "abs_", "sgn", "inv", "psi", "int_div", "true_div", "switch", "and_", "or_", "xor", "invert", "neq", "eq",
    "sqr", "square", "arctan2", "maximum", "minimum", "clip", "cast", "dot", "tensordot", "outer", "argmax", "argmin",
    "shape_padleft", "shape_padright", "shape_padaxis", "addbroadcast", "alloc", "zeros_like", "ones_like", "arange",
    "eye", "as_tensor_variable", "as_tensor", "constant", "floor_divide", "true_divide", "divide", "subtract",
    "multiply", "remainder", "power", "negative", "absolute", "less", "greater", "less_equal", "greater_equal",
    "equal", "not_equal", "bitwise_not", "round_half_to_even", "round_half_away_from_zero", "isnan", "isinf",
]


def test_theano_and_numpy_aliases():
    for name in THEANO_AND_NUMPY_NAMES:
        assert callable(getattr(T, name)), name
    assert T.nnet.sigmoid is T.sigmoid and T.nnet.softplus is T.softplus
    import hypatia as theano  # noqa: F401  (the Theano user's import)

    assert theano.tensor is T


def test_operators_build_the_ops():
    x, y = T.dmatrices("x", "y")
    assert x + y == T.add(x, y)  # hash-consing: the same node
    assert (x - 1).owner.op == "sub" and (1 - x).owner.inputs[1] == x
    for expr, op in [(x * y, "mul"), (x / y, "true_div"), (x // y, "floor_div"), (x % y, "mod"), (x ** 2, "pow"),
                     (-x, "neg"), (abs(x), "abs"), (x < y, "lt"), (x <= y, "le"), (x > y, "gt"), (x >= y, "ge"),
                     (x @ y, "matmul"), (2 ** x, "pow"), (3 / x, "true_div")]:
        assert expr.owner.op == op
    b = T.bvector()
    for expr, op in [(b & b, "bitwise_and"), (b | 1, "bitwise_or"), (b ^ b, "bitwise_xor"), (~b, "invert")]:
        assert expr.owner.op == op
    assert +x is not None and (+x) == x


def test_identity_equality_and_no_truth_value():
    x, y = T.dvectors("x", "y")
    assert x == x and x != y and not (x == 1)
    assert {x: 1, y: 2}[x] == 1
    with pytest.raises(TypeError, match="no truth value"):
        bool(x < y)
    with pytest.raises(TypeError, match="no truth value"):
        if x:
            pass
    with pytest.raises(TypeError, match="len"):
        len(x)
    with pytest.raises(TypeError, match="not iterable"):
        iter(x)


def test_numpy_arrays_on_the_left_defer_to_the_variable():
    x = T.dvector("x")
    for expr in (np.ones(3) + x, np.float64(2) * x, np.arange(3) < x):
        assert isinstance(expr, T.TensorVariable)


def test_properties():
    x = T.dmatrix("x")
    y = x.T
    assert (y.ndim, y.dtype, y.type.shape, y.name) == (2, "float64", (None, None), None)
    assert y.owner.op == "dimshuffle" and y.owner.inputs == [x] and y.owner.outputs == [y]
    assert y.owner.attrs["pattern"] == [1, 0]
    assert x.owner is None and y.index == 0
    assert "test_tensor_api.py" in y.where and "test_tensor_api.py" in y.owner.where
    c = T.constant(np.arange(3.0))
    assert_same(c.data, np.arange(3.0))
    assert not c.data.flags.writeable
    with pytest.raises(AttributeError, match="not a constant"):
        x.data
    assert str(x) == "x" and str(y) == "dimshuffle.0" and str(T.constant(2)) == "TensorConstant{2}"
    assert repr(x) == "<TensorVariable x: float64 (?, ?)>"
    assert copy.copy(x) == x and copy.deepcopy(y) == y


def test_methods():
    x = T.dmatrix("x")
    a = np.arange(6.0).reshape(2, 3)
    f = hypatia.function([x], [x.sum(axis=1), x.mean(), x.var(), x.std(), x.max(axis=0), x.min(), x.argmax(),
                               x.argmin(axis=1), x.prod(keepdims=True), x.all(), x.any(axis=0),
                               x.reshape((3, 2)), x.dimshuffle("x", 1, 0), x.flatten(), x.astype("int32"),
                               x.clip(1, 4), x.transpose(), x.squeeze(), x.round(), x.dot(x.T), x.zeros_like()])
    expected = [a.sum(axis=1), a.mean(), a.var(), a.std(), a.max(axis=0), a.min(), a.argmax(), a.argmin(axis=1),
                a.prod(keepdims=True), a.all(), a.any(axis=0), a.reshape(3, 2), a.T[None], a.flatten(),
                a.astype("int32"), a.clip(1, 4), a.T, a.squeeze(), a.round(), a.dot(a.T), np.zeros_like(a)]
    for got, want in zip(f(a), expected):
        assert_same(got, want, rtol=1e-12)


def test_docstrings():
    assert "e to the power" in T.exp.__doc__
    assert "broadcast" in T.add.__doc__
    assert "keepdims" in T.sum.__doc__
    assert T.matrix.__doc__ and T.TensorVariable.__doc__ and hypatia.function.__doc__
