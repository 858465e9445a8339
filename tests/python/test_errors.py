"""Every user-facing error message of the Python layer, and the core's messages as a
Python user sees them: the right exception class, the culprit named, and the user's
own file and line."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import line

HERE = "test_errors.py"


def raises(cls, *fragments):
    """pytest.raises(cls), then checks that the message holds every fragment."""

    class Check:
        def __enter__(self):
            self.ctx = pytest.raises(cls)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            suppressed = self.ctx.__exit__(*exc)
            if not suppressed:
                return False
            message = str(self.info.value)
            for fragment in fragments:
                assert fragment in message, f"{fragment!r} not in {message!r}"
            return suppressed

    return Check()


def test_exception_classes():
    assert issubclass(hypatia.ShapeError, ValueError)
    assert issubclass(hypatia.InternalError, RuntimeError)
    assert issubclass(hypatia.MissingInputError, Exception)
    assert hypatia.ShapeError.__module__ == "hypatia"


# ---------------------------------------------------------------- graph building

def test_static_shape_mismatch_names_op_shapes_and_line():
    a = T.tensor("float64", shape=(2, 3))
    b = T.tensor("float64", shape=(4,))
    at = line() + 2
    with raises(hypatia.ShapeError, "add", "(2, 3)", "(4,)") as info:
        a + b
    assert f"{HERE}:{at}" in str(info.value)


def test_wrong_dtype_for_an_op_names_op_and_line():
    x = T.fvector("x")
    at = line() + 2
    with raises(TypeError, "bitwise_and", "float32") as info:
        T.bitwise_and(x, x)
    assert f"{HERE}:{at}" in str(info.value)


def test_bad_axis_names_op_and_line():
    x = T.dmatrix("x")
    at = line() + 2
    with raises(IndexError, "sum", "axis 2") as info:
        x.sum(axis=2)
    assert f"{HERE}:{at}" in str(info.value)
    with raises(ValueError, "sum", "repeat"):
        x.sum(axis=(0, 0))
    with raises(ValueError, "argmax takes one axis or None"):
        x.argmax(axis=(0, 1))


def test_literal_errors_name_the_line():
    at = line() + 2
    with raises(ValueError, "fits neither int64 nor uint64") as info:
        T.dvector() + 2 ** 80
    assert f"{HERE}:{at}" in str(info.value)
    with raises(TypeError, "complex numbers are not supported"):
        T.dvector() * 1j
    with raises(TypeError, "cannot use a str ('abc') as a tensor"):
        T.dvector() + "abc"
    with raises(TypeError, "no dtype for NumPy's float16"):
        T.constant(np.float16([1.0]))
    with raises(TypeError, "no dtype for NumPy's object"):
        T.constant([T.dvector()])


def test_argument_conversion_errors():
    with raises(TypeError, "unknown dtype 'floaty'", "float32"):
        T.vector(dtype="floaty")
    with raises(TypeError, "axis must be an integer or a sequence of integers"):
        T.dvector().sum(axis="0")
    with raises(TypeError, "symbolic axes are not supported"):
        T.dvector().sum(axis=T.lscalar())
    with raises(TypeError, "axes must be an integer"):
        T.dmatrix().transpose(0.5, 1)
    with raises(TypeError, "reshape: a size must be an integer or an integer scalar variable"):
        T.dvector().reshape((2.5,))
    with raises(TypeError, "reshape: a shape must be a sequence of integers", "cannot be split"):
        T.dvector().reshape(T.lvector())
    with raises(TypeError, "zeros: a shape must be a sequence of sizes"):
        T.zeros(None)
    with raises(TypeError, "zeros: a shape, not a str"):
        T.zeros("23")
    with raises(ValueError, "reshape: ndim=3 but the shape has 2 sizes"):
        T.dvector().reshape((2, 3), ndim=3)
    with raises(TypeError, "reshape", "size 0 must be an integer scalar"):
        T.dvector().reshape((T.dscalar(),))


def test_shape_op_errors():
    x = T.dmatrix("x")
    with raises(ValueError, "dimshuffle: axis -1 is negative"):
        x.dimshuffle(-1, 0)
    with raises(TypeError, "dimshuffle: the pattern holds axes (ints) and 'x', not 'y'"):
        x.dimshuffle("y", 0)
    with raises(ValueError, "transpose: axes () don't match"):
        T.transpose(x, ())
    with raises(ValueError, "round: mode must be 'half_to_even'"):
        T.round(x, "up")
    with raises(TypeError, "round(x, ndigits) is not supported"):
        round(x, 2)
    with raises(TypeError, "tensordot: axes must be an int or a pair"):
        T.tensordot(x, x, [0, 1, 2])


def test_type_errors():
    with raises(TypeError, "give broadcastable or shape, not both"):
        T.TensorType("float64", (False,), shape=(None,))
    with raises(TypeError, "broadcastable must be a sequence of bools"):
        T.TensorType("float64", "ft")
    with raises(TypeError, "shape must be a sequence of sizes and Nones"):
        T.TensorType("float64", shape=3)
    with raises(ValueError, "size -2 in shape is negative"):
        T.TensorType("float64", shape=(-2,))
    with raises(ValueError, "vector: shape (2, 3) has 2 dimensions, a vector has 1"):
        T.vector(shape=(2, 3))


# ---------------------------------------------------------------- functions

def test_function_build_errors():
    x, y = T.dvectors("x", "y")
    at = line() + 2
    with raises(hypatia.MissingInputError, "input 'y'", HERE) as info:
        hypatia.function([x], x + y)
    assert f"{HERE}:{at}" in str(info.value)
    with raises(TypeError, "must be in a list"):
        hypatia.function(x, x)
    with raises(TypeError, "input 0 is a ndarray, not a TensorVariable"):
        hypatia.function([np.ones(2)], x)
    with raises(TypeError, "In: 3 is not a TensorVariable"):
        hypatia.In(3)
    with raises(TypeError, "input 0 is not a graph input", "the result of add"):
        hypatia.function([x + 1], x)
    with raises(ValueError, "listed more than once"):
        hypatia.function([x, x], x)
    with raises(ValueError, "on_unused_input must be"):
        hypatia.function([x], x, on_unused_input="never")
    with raises(TypeError, "replacements are (old, new) pairs"):
        hypatia.function([x], x + y, givens=[(y,)])


def test_call_errors_name_the_input():
    x = T.dmatrix("x")
    r = T.drow("r")
    f = hypatia.function([x, r], x + r)
    with raises(TypeError, "takes 2 arguments, got 3", HERE):
        f(np.ones((2, 2)), np.ones((1, 2)), 1)
    with raises(TypeError, "input 0 ('x') expects 2 dimensions", "shape (3,)"):
        f(np.ones(3), np.ones((1, 3)))
    with raises(hypatia.ShapeError, "input 1 ('r') expects shape float64 (1, ?)", "(2, 3)"):
        f(np.ones((2, 3)), np.ones((2, 3)))
    with raises(TypeError, "input 0 ('i') expects dtype int8", "300", "cannot be held exactly"):
        hypatia.function([i := T.bvector("i")], i)([300])
    with raises(TypeError, "input 1 ('r'): cannot make an array of"):
        f(np.ones((1, 2)), [[1.0], [1.0, 2.0]])
    with raises(TypeError, "input 0 ('x'): hypatia has no dtype for NumPy's <U1"):
        f(np.array([["a"]]), np.ones((1, 1)))


def test_run_time_errors_name_the_op_and_the_line_that_made_it():
    x, y = T.dvectors("x", "y")
    z = x * y; at = line()  # noqa: E702
    f = hypatia.function([x, y], z + 1)
    with raises(hypatia.ShapeError, "mul", "(2,)", "(3,)", f"{HERE}:{at}"):
        f(np.ones(2), np.ones(3))
    m = T.dmatrix("m")
    r = m.reshape((5, -1)); at = line()  # noqa: E702
    with raises(ValueError, "reshape", f"{HERE}:{at}"):
        hypatia.function([m], r)(np.ones((2, 3)))
    d = T.dot(m, x); at = line()  # noqa: E702
    with raises(hypatia.ShapeError, "dot", f"{HERE}:{at}"):
        hypatia.function([m, x], d)(np.ones((2, 3)), np.ones(2))
    e = m.max(); at = line()  # noqa: E702
    with raises(ValueError, "max", "zero-size", f"{HERE}:{at}"):
        hypatia.function([m], e)(np.ones((0, 3)))


def test_location_skips_hypatia_frames():
    x = T.dvector("x")
    y = (x * 2).eval  # noqa: F841
    z = x.T + 1; at = line()  # noqa: E702
    assert z.where.endswith(f"{HERE}:{at}")
    w = hypatia.function([x], x.sum())  # made inside hypatia/compile.py, named here
    with raises(TypeError, f"function made at", f"{HERE}:"):
        w(1, 2)


# ---------------------------------------------------------------- run time

def test_runtime_shape_mismatch_names_line_shapes_dimension_and_hints():
    x = T.dvector("x")
    y = T.dvector("y")
    z = T.exp(x) + y; at = line()  # noqa: E702
    f = hypatia.function([x, y], z)
    # (canonicalize may order the operands either way)
    with raises(hypatia.ShapeError, "could not be broadcast together with shapes (", "(dimension -1: ", "operands: ",
                "float64 (3,)", "float64 (4,)", "hint: elementwise operands") as info:
        f(np.zeros(3), np.zeros(4))
    assert f"{HERE}:{at}: " in str(info.value)


def test_runtime_dot_mismatch_hints():
    a = T.dmatrix("a")
    b = T.dmatrix("b")
    c = T.dot(a, b); at = line()  # noqa: E702
    f = hypatia.function([a, b], c)
    with raises(hypatia.ShapeError, "not aligned: 3 (dim 1) != 4 (dim 0)", "hint: dot(a, b)") as info:
        f(np.zeros((2, 3)), np.zeros((4, 5)))
    assert f"{HERE}:{at}: " in str(info.value)


def test_runtime_shape_mismatch_in_a_gradient_names_the_forward_line():
    x = T.dvector("x")
    w = T.dvector("w")
    gy = T.dvector("gy")
    y = x * w; fwd = line()  # noqa: E702
    gx = hypatia.grad(None, x, known_grads={y: gy}); call = line()  # noqa: E702
    f = hypatia.function([x, w, gy], gx)
    with raises(hypatia.ShapeError, "could not be broadcast together") as info:
        f(np.zeros(3), np.zeros(3), np.zeros(4))
    assert f"{HERE}:{fwd} (in the gradient of mul; grad called at " in str(info.value)
    assert f"{HERE}:{call}): mul: " in str(info.value)


def test_runtime_error_high_verbosity_prints_the_subgraph():
    if "exception_verbosity" not in dir(hypatia.config):
        pytest.skip("hypatia.config has no exception_verbosity yet")
    x = T.dvector("x")
    y = T.dvector("y")
    z = T.exp(x) + y; at = line()  # noqa: E702
    f = hypatia.function([x, y], z, mode=hypatia.Mode(linker="interp"))
    hypatia.config.exception_verbosity = "high"
    with raises(hypatia.ShapeError, "exception_verbosity=high", "= input 'x'", f"{HERE}:{at}\n"):
        f(np.zeros(3), np.zeros(2))
    hypatia.config.exception_verbosity = "low"
    with pytest.raises(hypatia.ShapeError) as info:
        f(np.zeros(3), np.zeros(2))
    assert "exception_verbosity" not in str(info.value)
