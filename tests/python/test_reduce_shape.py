"""Reductions, shape operations, creation and products against NumPy."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import ALL, FLOATS, INTS, assert_same, run, sample

REDUCTIONS = ["sum", "prod", "mean", "max", "min", "all", "any", "var", "std"]
AXES = [None, 0, 1, -1, (0, 2), (), (0, 1, 2)]


def reduce_dtype(name, dtype):
    """The result dtype by docs/semantics.md (NumPy's)."""
    if name in ("all", "any"):
        return "bool"
    if name in ("sum", "prod"):
        if dtype in ("bool", "int8", "int16", "int32", "int64"):
            return "int64"
        return "uint64" if dtype.startswith("uint") else dtype
    if name in ("mean", "var", "std"):
        return dtype if dtype in FLOATS else "float64"
    return dtype


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions(name, dtype):
    x = sample(dtype, n=24, seed=5).reshape(2, 3, 4)
    if dtype in FLOATS:
        x = np.where(np.isfinite(x) & (np.abs(x) < 1e6), x, 1.5).astype(dtype)
    if name == "prod" and dtype in INTS:
        x = (x % 5).astype(dtype)
    if name in ("mean", "var", "std") and dtype in INTS:
        x = (x % 100).astype(dtype)  # int64's extremes cancel catastrophically in float64, in any order
    out = reduce_dtype(name, dtype)
    for axis in AXES:
        for keepdims in (False, True):
            with np.errstate(all="ignore"):
                source = x.astype(out) if name in ("sum", "prod", "mean", "var", "std") else x
                expected = getattr(np, name)(source, axis=axis, keepdims=keepdims)
            rtol = 1e-5 if out == "float32" else 1e-12
            got = run(lambda v: getattr(T, name)(v, axis=axis, keepdims=keepdims), x)
            assert_same(got, expected, rtol=rtol, dtype=out)
            method = run(lambda v: getattr(v, name)(axis=axis, keepdims=keepdims), x)
            assert_same(method, got)


def test_var_std_ddof():
    x = np.arange(12.0).reshape(3, 4) ** 1.5
    for ddof in (0, 1):
        assert_same(run(lambda v: T.var(v, axis=1, ddof=ddof), x), np.var(x, axis=1, ddof=ddof), rtol=1e-12)
        assert_same(run(lambda v: v.std(ddof=ddof), x), np.std(x, ddof=ddof), rtol=1e-12)


@pytest.mark.parametrize("dtype", ALL)
def test_argmax_argmin(dtype):
    x = sample(dtype, n=24, seed=6).reshape(4, 6)
    for axis in (None, 0, 1, -1):
        for name in ("argmax", "argmin"):
            expected = getattr(np, name)(x, axis=axis)
            assert_same(run(lambda v: getattr(T, name)(v, axis=axis), x), expected)
            assert_same(run(lambda v: getattr(v, name)(axis), x), expected)
    assert_same(run(lambda v: T.argmax(v, axis=1, keepdims=True), x), np.argmax(x, axis=1)[:, None])


def test_reductions_of_empty_and_non_contiguous():
    e = np.zeros((0, 3))
    assert_same(run(lambda v: v.sum(axis=0), e), np.zeros(3))
    assert_same(run(lambda v: v.prod(), e), np.float64(1.0))
    assert_same(run(lambda v: v.any(axis=1), e), np.zeros(0, dtype=bool))
    with pytest.raises(ValueError, match="max"):
        run(lambda v: v.max(axis=0), e)
    base = np.arange(60.0).reshape(3, 4, 5)
    for view in (base[:, ::-2], base.transpose(2, 0, 1), base[::2, :, 1:]):
        assert_same(run(lambda v: v.sum(axis=(0, 2)), view), view.sum(axis=(0, 2)))
        assert_same(run(lambda v: v.max(axis=1), view), view.max(axis=1))


def test_max_propagates_nan_and_argmax_finds_first_nan():
    x = np.array([1.0, np.nan, 3.0, np.nan])
    assert_same(run(T.max, x), np.max(x))
    assert_same(run(T.argmax, x), np.int64(1))


# ---------------------------------------------------------------- shape operations

def test_reshape_forms():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert_same(run(lambda v: v.reshape((6, 4)), x), x.reshape(6, 4))
    assert_same(run(lambda v: v.reshape(4, -1), x), x.reshape(4, -1))
    assert_same(run(lambda v: T.reshape(v, (v.shape[0], -1)), x), x.reshape(2, -1))
    assert_same(run(lambda v: v.reshape(v.shape[::-1]), x), x.reshape(4, 3, 2))
    assert_same(run(lambda v: v.reshape((24,), ndim=1), x), x.reshape(24))
    assert_same(run(lambda v: v.reshape(()), np.array([5.0])), np.float64(5.0))
    assert_same(run(lambda v: v.T.reshape(-1), x), x.T.reshape(-1))


def test_dimshuffle_transpose_and_friends():
    x = np.arange(6.0).reshape(2, 3)
    assert_same(run(lambda v: v.dimshuffle(1, "x", 0), x), x.T[:, None, :])
    assert_same(run(lambda v: v.dimshuffle((1, 0)), x), x.T)
    assert_same(run(lambda v: T.dimshuffle(v, ["x", 0, 1]), x), x[None])
    assert_same(run(lambda v: v.T, x), x.T)
    assert_same(run(lambda v: v.transpose(), x), x.T)
    assert_same(run(lambda v: T.transpose(v, (1, 0)), x), x.T)
    y = np.arange(24).reshape(2, 3, 4)
    assert_same(run(lambda v: v.transpose(2, 0, 1), y), y.transpose(2, 0, 1))
    assert_same(run(lambda v: v.swapaxes(0, -1), y), y.swapaxes(0, -1))
    assert_same(run(lambda v: v.flatten(), y), y.flatten())
    assert_same(run(lambda v: v.flatten(2), y), y.reshape(2, 12))
    assert_same(run(lambda v: v.ravel(), y), y.ravel())
    assert_same(run(lambda v: T.expand_dims(v, 1), y), np.expand_dims(y, 1))
    assert_same(run(lambda v: T.shape_padleft(v, 2), x), x[None, None])
    assert_same(run(lambda v: T.shape_padright(v), x), x[..., None])
    assert_same(run(lambda v: T.shape_padaxis(v, 0), x), x[None])
    assert_same(run(lambda v: T.broadcast_to(v, (4, 2, 3)), x), np.broadcast_to(x, (4, 2, 3)))


def test_squeeze():
    x = np.arange(3.0).reshape(1, 3, 1)
    row = T.tensor(dtype="float64", shape=(1, None, 1), name="r")
    f = hypatia.function([row], [row.squeeze(), T.squeeze(row, axis=0), row.squeeze(axis=(0, 2))])
    for got, expected in zip(f(x), [x.squeeze(), x.squeeze(axis=0), x.squeeze(axis=(0, 2))]):
        assert_same(got, expected)
    # An axis of unknown size is checked at run time.
    assert_same(run(lambda v: v.squeeze(axis=0), x), x.squeeze(axis=0))
    with pytest.raises(ValueError, match="squeeze"):
        run(lambda v: v.squeeze(axis=1), x)


def test_shape_and_its_elements():
    x = np.zeros((2, 5, 3))
    assert_same(run(lambda v: v.shape, x), np.array([2, 5, 3]))
    assert_same(run(lambda v: T.shape(v), x), np.array([2, 5, 3]))
    assert_same(run(lambda v: v.shape[1], x), np.int64(5))
    assert_same(run(lambda v: v.shape[-1] * v.shape[0], x), np.int64(6))
    v = T.tensor3("v")
    assert len(v.shape) == 3
    a, b, c = v.shape
    assert_same(hypatia.function([v], [a, b, c])(x)[2], np.int64(3))
    known = T.tensor(dtype="float64", shape=(2, None), name="k")
    assert known.shape[0].data == 2  # a known size is a constant


def test_specify_shape_and_addbroadcast():
    x = np.ones((1, 3))
    v = T.matrix("v")
    s = T.specify_shape(v, (1, None))
    assert s.broadcastable == (True, False)
    assert_same(hypatia.function([v], s + 1)(x), x + 1)
    with pytest.raises(hypatia.ShapeError, match="specify_shape"):
        hypatia.function([v], s)(np.ones((2, 3)))
    b = T.addbroadcast(v, 0)
    assert b.broadcastable == (True, False)


# ---------------------------------------------------------------- creation

def test_creation():
    n = T.lscalar("n")
    f = hypatia.function([n], [T.zeros((n, 2)), T.ones(n, dtype="int8"), T.full((2, n), 7, dtype="int16"),
                               T.alloc(2.5, n, 3), T.arange(n), T.arange(1, n, 2), T.eye(n), T.eye(n, 3, k=1),
                               T.arange(0.5, n)])
    z, o, fu, al, ar, ar2, ey, ey2, arf = f(4)
    assert_same(z, np.zeros((4, 2)))
    assert_same(o, np.ones(4, dtype="int8"))
    assert_same(fu, np.full((2, 4), 7, dtype="int16"))
    assert_same(al, np.full((4, 3), 2.5, dtype="float32"))  # 2.5 is float32 by Theano's autocast
    assert_same(ar, np.arange(4))
    assert_same(ar2, np.arange(1, 4, 2))
    assert_same(ey, np.eye(4))
    assert_same(ey2, np.eye(4, 3, k=1))
    assert_same(arf, np.arange(0.5, 4))
    x = np.arange(6, dtype="int32").reshape(2, 3)
    assert_same(run(T.zeros_like, x), np.zeros_like(x))
    assert_same(run(lambda v: v.ones_like(dtype="float32"), x), np.ones_like(x, dtype="float32"))
    assert_same(run(lambda v: T.zeros(v.shape), x), np.zeros((2, 3)))
    assert_same(run(lambda v: T.ones(v.shape[1:]), x), np.ones(3))
    with hypatia.change_flags(floatX="float32"):
        assert T.zeros((2,)).dtype == "float32"


# ---------------------------------------------------------------- products

PRODUCT_SHAPES = [((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
                  ((0, 3), (3, 2)), ((2, 0), (0, 3)), ((1, 1), (1, 1))]


@pytest.mark.parametrize("sa,sb", PRODUCT_SHAPES)
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "uint8"])
def test_dot(sa, sb, dtype):
    rng = np.random.default_rng(1)
    a = rng.integers(0, 5, sa).astype(dtype)
    b = rng.integers(0, 5, sb).astype(dtype)
    assert_same(run(T.dot, a, b), np.dot(a, b), rtol=1e-6)
    assert_same(run(lambda x, y: x.dot(y), a.T.copy().T, b), np.dot(a, b), rtol=1e-6)
    if len(sa) >= 1 and len(sb) >= 1:
        assert_same(run(lambda x, y: x @ y, a, b), np.matmul(a, b), rtol=1e-6)


def test_matmul_outer_tensordot():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((5, 2, 3)), rng.standard_normal((3, 4))
    assert_same(run(T.matmul, a, b), np.matmul(a, b), rtol=1e-12)
    assert_same(run(T.matmul, a[:, :, ::-1], b[::-1]), np.matmul(a[:, :, ::-1], b[::-1]), rtol=1e-12)
    assert_same(run(T.outer, a[0], b), np.outer(a[0], b), rtol=1e-12)
    assert_same(run(lambda x, y: T.tensordot(x, y, 1), a, b), np.tensordot(a, b, 1), rtol=1e-12)
    assert_same(run(lambda x, y: T.tensordot(x, y, ((2,), (0,))), a, b), np.tensordot(a, b, ((2,), (0,))),
                rtol=1e-12)
    c = rng.standard_normal((2, 3, 6))
    assert_same(run(lambda x, y: T.tensordot(x, y, axes=2), a, c), np.tensordot(a, c, axes=2), rtol=1e-12)
