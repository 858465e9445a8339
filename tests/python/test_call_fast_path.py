"""The fast path of a call (every argument positional: the type's tp_call, which views
NumPy arrays of the input's exact dtype directly and makes results without pybind11)
against the slow path (`f._call_slow`, through pybind11 and filter_argument): the same
results and the same errors, and results that the next call leaves alone."""
import gc
import sys

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import ALL, assert_same


def both(f, *args):
    """f's results on the fast and on the slow path."""
    return f(*args), f._call_slow(*args)


def error_of(call, *args, **kwargs):
    with pytest.raises(Exception) as info:
        call(*args, **kwargs)
    return type(info.value), str(info.value)


def same_error(f, *args):
    """The error the fast path raises, after checking the slow path raises the same."""
    fast, slow = error_of(f, *args), error_of(f._call_slow, *args)
    assert fast == slow
    return fast


@pytest.mark.parametrize("dtype", ALL)
def test_exact_dtypes_match_the_slow_path(dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(7) * 50).astype(dtype)
    b = (rng.standard_normal(7) * 50).astype(dtype)
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    f = hypatia.function([x, y], [x + y, x * y, x])
    fast, slow = both(f, a, b)
    for got, want in zip(fast, slow):
        assert_same(got, want)
    assert_same(fast[2], a)


LAYOUTS = {
    "strided": lambda m: m[::2, 1::3],
    "negative": lambda m: m[::-1, ::-2],
    "transposed": lambda m: m.T,
    "broadcast": lambda m: np.broadcast_to(m[0], m.shape),
    "empty": lambda m: m[:0],
    "read_only": lambda m: np.frombuffer(m.tobytes(), dtype=m.dtype).reshape(m.shape),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_non_contiguous_and_read_only_inputs(layout):
    m = LAYOUTS[layout](np.arange(48, dtype="float32").reshape(6, 8))
    x = T.fmatrix("x")
    f = hypatia.function([x], [x * 2 + 1, x.sum(axis=0)])
    fast, slow = both(f, m)
    assert_same(fast[0], m * 2 + 1)
    assert_same(fast[1], m.sum(axis=0))
    for got, want in zip(fast, slow):
        assert_same(got, want)


def test_zero_d_inputs():
    x, y = T.fscalar("x"), T.dscalar("y")
    f = hypatia.function([x, y], x * y)
    # 0-d arrays (the fast path), NumPy scalars and Python numbers (converted)
    for a, b in [(np.array(1.5, dtype="float32"), np.array(-2.0)), (np.float32(1.5), np.float64(-2.0)), (1.5, -2.0)]:
        fast, slow = both(f, a, b)
        assert_same(fast, np.float64(-3.0))
        assert_same(slow, fast)
    assert same_error(f, np.array([1.5], dtype="float32"), np.array(2.0))[0] is TypeError


def test_dtype_errors_name_the_input():
    x, y = T.fvector("x"), T.fvector("y")
    f = hypatia.function([x, y], x + y)
    a = np.ones(3, dtype="float32")
    kind, text = same_error(f, a, np.ones(3))  # float64 into float32
    assert kind is TypeError
    assert "input 1 ('y') expects dtype float32" in text and "float64" in text
    assert_same(f(a.astype("float16"), a), a + a)  # a dtype hypatia lacks: converted
    kind, text = same_error(f, np.array(["a", "b", "c"]), a)
    assert kind is TypeError and "input 0 ('x')" in text
    # a dtype that converts without loss is accepted and converted, on both paths
    fast, slow = both(f, np.arange(3, dtype="int8"), a)
    assert_same(fast, np.float32([1, 2, 3]))
    assert_same(slow, fast)


def test_non_native_and_unaligned_inputs_are_converted():
    x = T.dvector("x")
    f = hypatia.function([x], x + 1)
    big_endian = np.arange(4.0).astype(">f8")
    raw = np.zeros(8 * 4 + 1, dtype=np.uint8)
    unaligned = np.frombuffer(raw.data, dtype=np.float64, count=4, offset=1)
    for a in [big_endian, unaligned]:
        fast, slow = both(f, a)
        assert_same(fast, np.asarray(a, dtype="=f8") + 1)
        assert_same(slow, fast)


def test_ndarray_subclasses_take_the_slow_path():
    class Tagged(np.ndarray):
        pass

    x = T.fvector("x")
    f = hypatia.function([x], x * 3)
    a = np.arange(4, dtype="float32").view(Tagged)
    got = f(a)
    assert type(got) is np.ndarray
    assert_same(got, np.arange(4, dtype="float32") * 3)


def test_rank_shape_and_kernel_errors():
    x = T.fvector("x")
    y = T.tensor(dtype="float32", shape=(3,), name="y")
    f = hypatia.function([x, y], x + y)
    a = np.ones(3, dtype="float32")
    kind, text = same_error(f, np.ones((3, 1), dtype="float32"), a)
    assert kind is TypeError and "input 0 ('x') expects 1 dimension" in text
    kind, text = same_error(f, a, np.ones(4, dtype="float32"))
    assert "input 1 ('y') expects shape" in text
    kind, text = same_error(f, np.ones(2, dtype="float32"), a)  # x + y: sizes 2 and 3
    assert "(2,)" in text and "(3,)" in text


def test_argument_count_and_keywords():
    x, y = T.fvectors("x", "y")
    f = hypatia.function([x, hypatia.In(y, value=np.float32([10, 20]))], x - y)
    a, b = np.float32([1, 2]), np.float32([3, 5])
    assert_same(f(a, b), a - b)
    assert_same(f(a), a - np.float32([10, 20]))  # a default
    assert_same(f(x=a, y=b), a - b)
    assert_same(f(a, y=b), a - b)
    kind, text = error_of(f, a, b, a)
    assert kind is TypeError and "takes 2 arguments, got 3" in text
    kind, text = error_of(f, a, z=b)
    assert kind is TypeError and "no input named 'z'" in text
    g = hypatia.function([x, y], [x + y, x * y])
    assert_same(g(a, b, output_subset=[1])[0], a * b)


def test_results_are_fresh_arrays_every_call():
    x, y = T.fvectors("x", "y")
    f = hypatia.function([x, y], [x + y, x, y * 1])
    a, b = np.float32([1, 2, 3]), np.float32([4, 5, 6])
    first = f(a, b)
    kept = [r.copy() for r in first]
    second = f(a, b)
    for r, s in zip(first, second):
        assert not np.shares_memory(r, s)
        assert r.flags.writeable and r.flags.c_contiguous and r.flags.aligned
    for r in first:
        assert not np.shares_memory(r, a) and not np.shares_memory(r, b)
    a[:] = 0  # the arguments change: earlier results do not
    f(a, b)
    for r, k in zip(first, kept):
        assert_same(r, k)
    first[0][0] = 99  # writing a result changes nothing else
    assert_same(f(np.float32([1, 2, 3]), b)[0], np.float32([5, 7, 9]))


def test_results_outlive_the_function_and_free_their_memory():
    x = T.dvector("x")
    f = hypatia.function([x], x * 2)
    out = f(np.arange(5.0))
    base = out.base
    assert base is not None and not isinstance(base, np.ndarray)
    before = sys.getrefcount(base)
    del f
    gc.collect()
    assert_same(out, np.arange(5.0) * 2)
    view = out[1:]
    assert view.base is out
    del out
    assert_same(view, np.arange(1.0, 5.0) * 2)  # the view keeps the buffer alive
    assert sys.getrefcount(base) == before


def test_updates_on_the_fast_path():
    s = hypatia.shared(np.float32([1, 2]), name="s")
    x = T.fvector("x")
    f = hypatia.function([x], [s * 1, s], updates=[(s, s + x)])
    step = np.float32([10, 10])
    first = f(step)
    assert_same(first[0], np.float32([1, 2]))
    assert_same(first[1], np.float32([1, 2]))
    assert_same(s.get_value(), np.float32([11, 12]))
    second = f(step)
    assert_same(first[1], np.float32([1, 2]))  # the earlier result did not follow s
    assert_same(second[1], np.float32([11, 12]))
    assert_same(s.get_value(), np.float32([21, 22]))
    # a failing call leaves s as it was, on both paths
    same_error(f, np.float32([1, 2, 3]))
    assert_same(s.get_value(), np.float32([21, 22]))


def test_many_calls_keep_memory_flat():
    x, y = T.fvectors("x", "y")
    f = hypatia.function([x, y], x + y)
    a, b = np.ones(10, dtype="float32"), np.ones(10, dtype="float32")
    for _ in range(100):
        f(a, b)
    refs = sys.getrefcount(a), sys.getrefcount(b)
    for _ in range(2000):
        f(a, b)
    assert (sys.getrefcount(a), sys.getrefcount(b)) == refs  # arguments are not leaked
