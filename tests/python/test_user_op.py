"""Your own ops from Python (hypatia.Op, Theano's Op interface, and as_op): values on
both backends, shapes through infer_shape, gradients through grad, and the errors of
ops that misbehave. Expected values are NumPy's, computed here."""
import inspect

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia import gradient
from hypatia.compile.ops import as_op
from hypatia.graph.basic import Apply
from hypatia.graph.op import Op

LINKERS = ["interp", "cpu"]


def line_of(marker):
    """The line of this file holding `marker` (after the marker's own definition)."""
    lines = inspect.getsource(inspect.getmodule(line_of)).splitlines()
    return next(i + 1 for i, text in enumerate(lines) if marker in text and "line_of" not in text)


# Theano's tutorial op (docs "Creating a new Op: Python implementation").
class DoubleOp(Op):
    __props__ = ()
    performed = 0

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        DoubleOp.performed += 1
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, fgraph, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]


class ScaleOp(Op):
    """Theano 1.0's infer_shape(node, shapes) signature, and a prop."""

    __props__ = ("k",)

    def __init__(self, k):
        self.k = k

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = (inputs[0] * self.k).astype(node.outputs[0].dtype)

    def infer_shape(self, node, shapes):
        return shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * self.k]


@pytest.mark.parametrize("linker", LINKERS)
def test_double_op_values(linker):
    x = T.dmatrix("x")
    f = hypatia.function([x], DoubleOp()(x), mode=hypatia.Mode(linker=linker))
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(f(a), a * 2)
    np.testing.assert_array_equal(f(a.T), a.T * 2)  # non-contiguous
    np.testing.assert_array_equal(f(np.zeros((0, 3))), np.zeros((0, 3)))


def test_equal_ops_are_one_op_and_props_tell_them_apart():
    x = T.dvector("x")
    assert DoubleOp() == DoubleOp() and hash(DoubleOp()) == hash(DoubleOp())
    assert ScaleOp(2) == ScaleOp(2) and ScaleOp(2) != ScaleOp(3)
    a, b = DoubleOp()(x), DoubleOp()(x)
    assert a.owner.op == b.owner.op == "DoubleOp"
    s2, s3 = ScaleOp(2)(x), ScaleOp(3)(x)
    assert s2.owner.op != s3.owner.op  # "ScaleOp" and "ScaleOp.2"
    assert str(ScaleOp(2)) == "ScaleOp{k=2}"
    f = hypatia.function([x], [s2, s3, a - b], mode=hypatia.Mode(linker="interp"))
    r2, r3, zero = f(np.array([1.0, -2.0]))
    np.testing.assert_array_equal(r2, [2.0, -4.0])
    np.testing.assert_array_equal(r3, [3.0, -6.0])
    np.testing.assert_array_equal(zero, [0.0, 0.0])


@pytest.mark.parametrize("op", [DoubleOp(), ScaleOp(3.0)])
def test_infer_shape_gives_the_shape_without_running_perform(op):
    x = T.dmatrix("x")
    y = op(x)
    f = hypatia.function([x], y.shape, mode=hypatia.Mode(linker="interp"))
    before = DoubleOp.performed
    np.testing.assert_array_equal(f(np.zeros((4, 5))), [4, 5])
    assert DoubleOp.performed == before


def test_without_infer_shape_the_shape_comes_from_the_output():
    class Tail(Op):
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0][1:]

    x = T.dvector("x")
    f = hypatia.function([x], Tail()(x).shape, mode=hypatia.Mode(linker="interp"))
    np.testing.assert_array_equal(f(np.zeros(5)), [4])


@pytest.mark.parametrize("linker", LINKERS)
def test_grad_through_grad(linker):
    x = T.dvector("x")
    cost = T.sum(DoubleOp()(x) * x)  # 2 x^2 -> 4 x
    g = hypatia.grad(cost, x)
    f = hypatia.function([x], g, mode=hypatia.Mode(linker=linker))
    np.testing.assert_allclose(f(np.array([1.0, -3.0, 0.5])), [4.0, -12.0, 2.0])


def test_verify_grad():
    rng = np.random.default_rng(0)
    gradient.verify_grad(lambda x: DoubleOp()(x), [rng.normal(size=(3, 4))], rng=rng)
    gradient.verify_grad(lambda x: ScaleOp(-1.5)(x), [rng.normal(size=5)], rng=rng)


def test_an_op_without_grad_says_so():
    class NoGrad(Op):
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0].copy()

    x = T.dvector("x")
    with pytest.raises(NotImplementedError, match="NoGrad.grad: NoGrad defines no grad"):
        hypatia.grad(T.sum(NoGrad()(x)), x)


@as_op(itypes=[T.dmatrix, T.dvector], otypes=[T.dvector])
def numpy_dot(a, b):
    return np.dot(a, b)


def dot_shape(node, input_shapes):
    return [(input_shapes[0][0],)]


@as_op(itypes=[T.dmatrix, T.dvector], otypes=[T.dvector], infer_shape=dot_shape)
def numpy_dot_shaped(a, b):
    return np.dot(a, b)


@pytest.mark.parametrize("linker", LINKERS)
def test_as_op(linker):
    a, b = T.dmatrix("a"), T.dvector("b")
    f = hypatia.function([a, b], [numpy_dot(a, b), numpy_dot_shaped(a, b).shape],
                         mode=hypatia.Mode(linker=linker))
    m, v = np.arange(6.0).reshape(2, 3), np.array([1.0, 0.0, -1.0])
    out, shape = f(m, v)
    np.testing.assert_array_equal(out, m @ v)
    np.testing.assert_array_equal(shape, [2])
    assert numpy_dot.__name__ == "numpy_dot"
    assert numpy_dot(a, b).owner.op == "numpy_dot"


def test_as_op_checks_input_types():
    with pytest.raises(TypeError, match="input 1 is .*float32"):
        numpy_dot(T.dmatrix("a"), T.fvector("b"))


class Boom(Exception):
    pass


class RaisingOp(Op):
    __props__ = ("kind",)

    def __init__(self, kind):
        self.kind = kind

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        raise self.kind("no luck with %d elements" % inputs[0].size)


@pytest.mark.parametrize("linker", LINKERS)
@pytest.mark.parametrize("kind", [Boom, KeyError, ZeroDivisionError])
def test_an_exception_in_perform_keeps_its_type_and_gains_the_line(linker, kind):
    x = T.dvector("x")
    y = RaisingOp(kind)(x)  # the raising node
    f = hypatia.function([x], y, mode=hypatia.Mode(linker=linker))
    with pytest.raises(kind) as info:
        f(np.zeros(3))
    message = str(info.value)
    assert "test_user_op.py:%d" % line_of("# the raising node") in message
    assert "RaisingOp{kind=" in message and ".perform: no luck with 3 elements" in message


class WrongOp(Op):
    __props__ = ("what",)

    def __init__(self, what):
        self.what = what

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        if self.what == "rank":
            output_storage[0][0] = x.reshape(1, -1)
        elif self.what == "dtype":
            output_storage[0][0] = x.astype(np.float32)
        elif self.what == "size":
            output_storage[0][0] = np.zeros(x.size + 1)


@pytest.mark.parametrize("what, says", [
    ("rank", "is float64 (1, 3) where make_node declared float64 (?,)"),
    ("dtype", "is float32 (3,) where make_node declared float64 (?,)"),
    ("none", "was left None"),
])
@pytest.mark.parametrize("linker", LINKERS)
def test_wrong_outputs_are_named(linker, what, says):
    x = T.dvector("x")
    y = WrongOp(what)(x)  # the wrong node
    f = hypatia.function([x], y, mode=hypatia.Mode(linker=linker))
    with pytest.raises(ValueError) as info:
        f(np.zeros(3))
    message = str(info.value)
    assert "test_user_op.py:%d" % line_of("# the wrong node") in message
    assert "WrongOp{what='%s'}.perform: output_storage[0][0] %s" % (what, says) in message


def test_wrong_size_against_a_static_shape():
    x = T.TensorType("float64", shape=(3,))("x")
    f = hypatia.function([x], WrongOp("size")(x), mode=hypatia.Mode(linker="interp"))
    with pytest.raises(ValueError, match=r"is float64 \(4,\) where make_node declared float64 \(3,\)"):
        f(np.zeros(3))


class InPlaceOp(Op):
    """Writes into its input: declared in destroy_map, or (declared=False) a planted bug."""

    __props__ = ("declared",)
    seen_writeable = None

    def __init__(self, declared):
        self.declared = declared
        self.destroy_map = {0: [0]} if declared else {}

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        InPlaceOp.seen_writeable = inputs[0].flags.writeable
        x = inputs[0]
        x += 1
        output_storage[0][0] = x


def test_perform_gets_the_input_buffers_writable():
    x = T.dvector("x")
    f = hypatia.function([x], InPlaceOp(False)(x), mode=hypatia.Mode(linker="interp"))
    a = np.zeros(3)
    np.testing.assert_array_equal(f(a), [1.0, 1.0, 1.0])
    assert InPlaceOp.seen_writeable
    # The undeclared write reached the caller's array: the bug DebugMode reports.
    np.testing.assert_array_equal(a, [1.0, 1.0, 1.0])


def test_a_declared_destroy_overwrites_a_private_copy():
    x = T.dvector("x")
    y = InPlaceOp(True)(x)
    f = hypatia.function([x], [y, x * 1], mode=hypatia.Mode(linker="interp"))
    a = np.zeros(3)
    out, same = f(a)
    np.testing.assert_array_equal(out, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(same, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(a, [0.0, 0.0, 0.0])


def test_itypes_otypes_make_node():
    class Negate(Op):
        __props__ = ()
        itypes = [T.dvector]
        otypes = [T.dvector]

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = -inputs[0]

    x = T.dvector("x")
    f = hypatia.function([x], Negate()(x), mode=hypatia.Mode(linker="interp"))
    np.testing.assert_array_equal(f(np.array([1.0, -2.0])), [-1.0, 2.0])
    with pytest.raises(TypeError, match="takes 1 inputs, got 2"):
        Negate()(x, x)


def test_names_theano_users_import():
    assert hypatia.Op is Op and hypatia.gof.Op is Op and hypatia.gof.Apply is Apply
    assert hypatia.graph.op.Op is Op
