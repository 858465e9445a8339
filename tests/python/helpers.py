"""Helpers for the Python tests: dtypes, running graphs, and the user's line."""
import sys

import numpy as np

import hypatia
import hypatia.tensor as T

BOOL = ["bool"]
SIGNED = ["int8", "int16", "int32", "int64"]
UNSIGNED = ["uint8", "uint16", "uint32", "uint64"]
INTS = SIGNED + UNSIGNED
FLOATS = ["float32", "float64"]
ALL = BOOL + INTS + FLOATS


def float_upcast(dtype):
    """Theano's rule for float functions of integers (docs/semantics.md)."""
    if dtype in FLOATS:
        return dtype
    return "float32" if dtype in ("bool", "int8", "uint8", "int16", "uint16") else "float64"


def var_like(a, name="x"):
    """A symbolic input of a's dtype and rank (unknown sizes)."""
    return T.tensor(dtype=a.dtype.name, shape=(None,) * a.ndim, name=name)


def examples(n):
    """A test's own hypothesis max_examples n, scaled like the loaded profile's (conftest:
    60 on the interpreter, a quarter of that on the cpu backend)."""
    from hypothesis import settings
    return max(1, n * settings.default.max_examples // 60)


def run(build, *values):
    """build(*variables) evaluated on values (NumPy arrays) through hypatia.function."""
    values = [np.asarray(v) for v in values]
    variables = [var_like(v, f"x{i}") for i, v in enumerate(values)]
    return hypatia.function(variables, build(*variables))(*values)


def line():
    """The caller's line number: `y = x + 1; at = line()` puts both on one line."""
    return sys._getframe(1).f_lineno


def assert_same(got, expected, rtol=None, dtype=None):
    """got equals expected (NumPy's answer) in dtype, shape and value; NaN equals NaN."""
    expected = np.asarray(expected)
    assert isinstance(got, np.ndarray), type(got)
    assert got.dtype == np.dtype(dtype or expected.dtype), (got.dtype, dtype or expected.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if got.dtype.kind == "f":
        if rtol is None:
            rtol = 2e-6 if got.dtype == np.float32 else 1e-14
        # atol: libraries differ on whether a result this small flushes to zero.
        atol = np.finfo(got.dtype).tiny
        np.testing.assert_allclose(got, expected.astype(got.dtype), rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)


def sample(dtype, n=24, seed=0):
    """n values of dtype covering its range's edges and ordinary values."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dtype in INTS:
        info = np.iinfo(dtype)
        edges = [info.min, info.max, 0, 1, info.max - 1]
        if info.min < 0:
            edges += [-1, info.min + 1]
        body = rng.integers(max(info.min, -100), min(info.max, 100), n - len(edges), endpoint=True)
        return np.concatenate([np.array(edges, dtype=dtype), body.astype(dtype)])
    info = np.finfo(dtype)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, info.max, -info.max, info.tiny, info.tiny / 4, 1.0, -1.0, 0.5, -2.5]
    body = rng.standard_normal(n - len(edges)) * 3
    return np.concatenate([np.array(edges), body]).astype(dtype)
