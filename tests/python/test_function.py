"""hypatia.function: argument conversion (Theano's rules, NumPy layouts), results,
input and output specs."""
import gc
import warnings

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import assert_same


def address(a):
    return a.__array_interface__["data"][0]


# ---------------------------------------------------------------- NumPy layouts in

LAYOUTS = {
    "c": lambda b: b,
    "strided": lambda b: b[::2, 1::2],
    "negative": lambda b: b[::-1, ::-3],
    "transposed": lambda b: b.T,
    "fortran": np.asfortranarray,
    "broadcast": lambda b: np.broadcast_to(b[0], b.shape),
    "empty": lambda b: b[:0],
    "size1": lambda b: b[:1, :1],
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layouts_are_borrowed_and_right(layout):
    base = np.arange(48.0).reshape(6, 8)
    a = LAYOUTS[layout](base)
    x = T.dmatrix("x")
    f = hypatia.function([x], [x * 2 + 1, x.sum(axis=0), x.T])
    for got, expected in zip(f(a), [a * 2 + 1, a.sum(axis=0), a.T]):
        assert_same(got, expected)
    if a.size:
        assert hypatia._core._argument_address(a, x.type) == address(a)  # no copy


def test_read_only_arrays_are_borrowed():
    a = np.arange(6.0)
    a.setflags(write=False)
    x = T.dvector("x")
    assert_same(hypatia.function([x], x + 1)(a), a + 1)
    assert hypatia._core._argument_address(a, x.type) == address(a)


@pytest.mark.parametrize("dtype", [">f8", "<f8", ">i4", ">u2"])
def test_byte_order_is_converted(dtype):
    a = np.arange(-3, 3).astype(dtype)
    x = T.vector("x", dtype=np.dtype(dtype).newbyteorder("=").name)
    native = a.astype(a.dtype.newbyteorder("="))
    assert_same(hypatia.function([x], x + x)(a), native + native)


def test_unaligned_arrays_are_copied_and_right():
    raw = np.zeros(8 * 5 + 1, dtype=np.uint8)
    a = np.frombuffer(raw.data, dtype=np.float64, count=5, offset=1)
    assert not a.flags.aligned
    x = T.dvector("x")
    assert_same(hypatia.function([x], x + 1)(a), a + 1)


# ---------------------------------------------------------------- results

def test_results_own_their_memory():
    x = T.dvector("x")
    f = hypatia.function([x], [x, x.T, x + 0, x * 1])
    a = np.arange(3.0)
    outs = f(a)
    for o in outs:
        assert not np.shares_memory(o, a)
        assert o.flags.writeable
    assert not np.shares_memory(outs[0], outs[1])
    outs[0][0] = 100.0
    assert_same(f(a)[0], a)  # the next call is not affected
    g = hypatia.function([x], x * 2)
    out = g(a)
    del g
    gc.collect()
    assert_same(out, a * 2)  # the result outlives its function


def test_constants_are_not_aliased_by_results():
    c = T.constant(np.arange(3.0))
    x = T.dscalar("x")
    f = hypatia.function([x], [c, c], on_unused_input="ignore")
    first, second = f(1.0)
    first[0] = 42
    assert_same(f(1.0)[0], np.arange(3.0))
    assert not np.shares_memory(first, second)


def test_output_structures():
    x, y = T.dvectors("x", "y")
    f = hypatia.function([x, y], x + y)
    assert isinstance(f([1.0], [2.0]), np.ndarray)
    g = hypatia.function([x, y], [x + y, x - y])
    assert isinstance(g([1.0], [2.0]), list) and len(g([1.0], [2.0])) == 2
    h = hypatia.function([x, y], {"sum": x + y, "diff": hypatia.Out(x - y, borrow=True)})
    out = h([1.0], [2.0])
    assert set(out) == {"sum", "diff"}
    assert_same(out["diff"], np.array([-1.0]))
    assert hypatia.function([x], [], on_unused_input="ignore")([1.0]) == []
    assert_same(hypatia.function([], T.constant(3) * 2)(), np.int8(6))


def test_scalar_results_are_zero_d_arrays():
    x = T.dscalar("x")
    out = hypatia.function([x], x * 2)(1.5)
    assert isinstance(out, np.ndarray) and out.shape == () and out == 3.0


# ---------------------------------------------------------------- inputs

def test_in_names_defaults_and_keywords():
    x, y = T.dscalars("x", "y")
    f = hypatia.function([x, hypatia.In(y, value=1.0)], x + y)
    assert f(2.0) == 3.0
    assert f(2.0, 5.0) == 7.0
    assert f(x=2.0, y=3.0) == 5.0
    assert f(2.0, y=4.0) == 6.0
    g = hypatia.function([hypatia.In(x, name="first")], x * 2)
    assert g(first=4.0) == 8.0
    with pytest.raises(TypeError, match="no input named 'z'"):
        f(2.0, z=1.0)
    with pytest.raises(TypeError, match="given twice"):
        f(2.0, x=1.0)
    with pytest.raises(TypeError, match="missing a value for input 0 \\('x'\\)"):
        f(y=1.0)


def test_python_values_as_arguments():
    x = T.dmatrix("x")
    f = hypatia.function([x], x.sum())
    assert f([[1, 2], [3, 4]]) == 10.0
    s = T.iscalar("s")
    assert hypatia.function([s], s * 2)(3) == 6
    b = T.bvector("b")
    assert_same(hypatia.function([b], b)([1, -2]), np.array([1, -2], dtype="int8"))


def test_allow_input_downcast():
    x = T.fvector("x")
    f = hypatia.function([x], x * 2)
    a = np.array([1.0, 2.5])
    with pytest.raises(TypeError, match="input 0 \\('x'\\) expects dtype float32.*got an array of dtype float64"):
        f(a)
    assert_same(hypatia.function([x], x * 2, allow_input_downcast=True)(a), np.float32([2.0, 5.0]))
    assert_same(hypatia.function([hypatia.In(x, allow_downcast=True)], x)(a), a.astype("float32"))
    # Values that convert exactly are fine: lists of Python numbers, ints into floats.
    assert_same(f([1.0, 2.5]), np.float32([2.0, 5.0]))
    assert_same(f(np.array([1, 2], dtype="int8")), np.float32([2, 4]))
    with pytest.raises(TypeError, match="cannot be held exactly in float32"):
        f([0.1])
    # A Python float converts to floatX even with loss (Theano's special case) ...
    fs = T.fscalar("fs")
    with hypatia.change_flags(floatX="float32"):
        assert hypatia.function([fs], fs)(0.1) == np.float32(0.1)
    # ... but not when allow_input_downcast=False.
    with hypatia.change_flags(floatX="float32"):
        with pytest.raises(TypeError, match="fs"):
            hypatia.function([fs], fs, allow_input_downcast=False)(0.1)
    i = T.bscalar("i")
    with pytest.raises(TypeError, match="int8"):
        hypatia.function([i], i)(300)
    assert hypatia.function([i], i, allow_input_downcast=True)(np.int64(5)) == 5


def test_float16_and_complex_arguments():
    x = T.fvector("x")
    assert_same(hypatia.function([x], x)(np.float16([1.5, 2.0])), np.float32([1.5, 2.0]))
    with pytest.raises(TypeError, match="complex128"):
        hypatia.function([x], x)(np.array([1 + 2j]))


def test_givens():
    x, y = T.dscalars("x", "y")
    z = x * 2 + y
    f = hypatia.function([x], z, givens={y: x * 10})
    assert f(1.0) == 12.0
    g = hypatia.function([x, y], z, givens=[(x, T.constant(np.float64(3)))], on_unused_input="ignore")
    assert g(0.0, 1.0) == 7.0
    with pytest.raises(TypeError, match="replacement"):
        hypatia.function([x], z, givens={y: T.fscalar()})


def test_modes_and_unbuilt_features():
    x = T.dscalar("x")
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        assert hypatia.function([x], x + 1, mode=mode)(1.0) == 2.0
    with pytest.raises(ValueError, match="DebugMode"):
        hypatia.function([x], x, mode="DebugMode")
    with pytest.raises(TypeError, match="must be a shared variable"):
        hypatia.function([x], x, updates=[(x, x + 1)])
    with pytest.raises(NotImplementedError):
        hypatia.function([x], x, profile=True)


def test_unused_inputs():
    x, y = T.dscalars("x", "y")
    with pytest.raises(hypatia.UnusedInputError, match="input 1 \\('y'\\)"):
        hypatia.function([x, y], x * 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = hypatia.function([x, y], x * 2, on_unused_input="warn")
    assert any("'y'" in str(w.message) for w in caught)
    assert f(1.0, 2.0) == 2.0
    with hypatia.change_flags(on_unused_input="ignore"):
        assert hypatia.function([x, y], x)(1.0, 5.0) == 1.0


def test_eval():
    x = T.dvector("x")
    assert_same((x * 2).eval({x: np.arange(3.0)}), np.arange(3.0) * 2)
    assert_same(T.constant(np.int8(2)).eval(), np.int8(2))
    assert_same((T.arange(4) * 2).eval(), np.arange(4) * 2)


def test_function_introspection_and_printing():
    x = T.dmatrix("x")
    f = hypatia.function([x], T.exp(x).sum(), name="f")
    assert f.inputs == [x]
    assert "exp" in f.graph_text() and "sum" in f.graph_text()
    text = hypatia.printing.debugprint(f, file="str", locations=True)
    assert "test_function.py" in text
    assert "exp" in hypatia.printing.debugprint(T.exp(x), file="str")
    assert "f(x)" in repr(f)


def test_threads_share_a_function():
    from concurrent.futures import ThreadPoolExecutor

    x = T.dvector("x")
    f = hypatia.function([x], (T.sin(x) ** 2 + T.cos(x) ** 2).sum())
    a = np.linspace(0, 10, 10000)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: f(a), range(8)))
    for r in results:
        assert abs(r - 10000.0) < 1e-8
