"""Python scalars in expressions (config.cast_policy) and promotion.

custom (the default, Theano's autocast): a literal becomes a constant of the narrowest
int8..int64 that holds an int, of float32 for a float that float32 holds exactly (any
float when floatX is float32), else float64; then NumPy's promotion of two arrays.
numpy (NumPy 2's weak scalars): a literal takes the dtype of the expression it meets.
"""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import assert_same

CUSTOM = [
    # (variable dtype, literal, result dtype)
    ("float32", 1.5, "float32"),
    ("float32", 0.1, "float64"),  # 0.1 needs float64: Theano's famous upcast
    ("float32", 1, "float32"),
    ("float64", 1.5, "float64"),
    ("int8", 1, "int8"),
    ("int8", 300, "int16"),
    ("int8", 100000, "int32"),
    ("int8", 2 ** 40, "int64"),
    ("int64", 2 ** 63, "float64"),  # uint64 literal with int64: NumPy's float64
    ("uint8", 1, "int16"),  # 1 is int8, and uint8 with int8 is int16 (Theano; NumPy 2: uint8)
    ("bool", 1, "int8"),
    ("bool", True, "bool"),
    ("int32", 2.5, "float64"),
    ("int8", 2.5, "float32"),
    ("int16", 0.5, "float32"),
    ("float32", float("nan"), "float32"),
    ("float32", float("inf"), "float32"),
]


@pytest.mark.parametrize("dtype,literal,expected", CUSTOM)
def test_custom_cast_policy(dtype, literal, expected):
    x = T.vector("x", dtype=dtype)
    for z in (x + literal, literal + x, T.add(x, literal), T.maximum(literal, x)):
        assert z.dtype == expected, (z, z.dtype)
    # The value is NumPy's for the promoted dtypes.
    value = np.array([1, 0], dtype=dtype)
    with np.errstate(all="ignore"):
        expected_value = value.astype(expected) + np.array(literal).astype(expected)
    assert_same((x + literal).eval({x: value}), expected_value)


FLOATX32 = [("float32", 0.1, "float32"), ("int32", 0.1, "float64"), ("int8", 0.1, "float32"),
            ("float64", 0.1, "float64")]


@pytest.mark.parametrize("dtype,literal,expected", FLOATX32)
def test_custom_cast_policy_with_floatX_float32(dtype, literal, expected):
    with hypatia.change_flags(floatX="float32"):
        assert (T.vector("x", dtype=dtype) * literal).dtype == expected


NUMPY = [
    ("float32", 0.1, "float32"),
    ("float64", 0.1, "float64"),
    ("int8", 1, "int8"),
    ("uint8", 1, "uint8"),
    ("bool", 1, "int64"),
    ("int32", 2.5, "float64"),  # floatX
    ("int16", True, "int16"),
]


@pytest.mark.parametrize("dtype,literal,expected", NUMPY)
def test_numpy_cast_policy(dtype, literal, expected):
    with hypatia.change_flags(cast_policy="numpy"):
        x = T.vector("x", dtype=dtype)
        assert (x + literal).dtype == expected
        assert (literal * x).dtype == expected


def test_numpy_cast_policy_rejects_literals_that_do_not_fit():
    with hypatia.change_flags(cast_policy="numpy"):
        x = T.bvector("x")
        with pytest.raises(ValueError, match="300 is out of bounds for int8"):
            x + 300
        with hypatia.change_flags(floatX="float32"):
            assert (T.bvector() * 2.5).dtype == "float32"
            assert (T.ivector() * 2.5).dtype == "float64"  # a float32 literal, promoted with int32 (NOTES.md)


def test_constants_on_their_own():
    assert T.constant(1.5).dtype == "float32"
    assert T.constant(0.1).dtype == "float64"
    assert T.constant(1).dtype == "int8"
    assert T.constant(-129).dtype == "int16"
    assert T.constant(2 ** 64 - 1).dtype == "uint64"
    assert T.constant(True).dtype == "bool"
    assert T.constant([1, 2]).dtype == "int64"  # lists go through numpy.asarray
    assert T.constant([1.5]).dtype == "float64"
    assert T.constant([]).dtype == "float64"  # floatX
    assert T.constant(np.float32(1)).dtype == "float32"
    assert T.constant(2.5, dtype="float64").dtype == "float64"
    assert T.as_tensor_variable(np.arange(3, dtype="uint16")).dtype == "uint16"
    with hypatia.change_flags(floatX="float32"):
        assert T.constant(0.1).dtype == "float32"
        assert T.constant([]).dtype == "float32"
    with pytest.raises(ValueError, match="fits neither int64 nor uint64"):
        T.constant(2 ** 70)


def test_numpy_values_keep_their_dtype():
    x = T.fvector("x")
    assert (x + np.float64(1.5)).dtype == "float64"
    assert (x + np.float32(0.1)).dtype == "float32"
    assert (x + np.ones(3)).dtype == "float64"
    assert (np.ones(3, dtype="float32") + x).dtype == "float32"
    assert (x + [1, 2, 3]).dtype == "float64"  # int64 list with float32


def test_array_promotion_is_numpy():
    pairs = [("int8", "uint8"), ("int32", "float32"), ("uint64", "int64"), ("bool", "int8"), ("int64", "float32"),
             ("uint32", "int16"), ("float32", "float64")]
    for a, b in pairs:
        assert (T.vector(dtype=a) + T.vector(dtype=b)).dtype == np.result_type(a, b).name
    assert (T.ivector() / T.ivector()).dtype == "float64"
    assert T.exp(T.bvector()).dtype == "float32"  # Theano's upcast (NumPy: float16)
    assert T.exp(T.ivector()).dtype == "float64"
    assert T.mean(T.bvector()).dtype == "float64"
