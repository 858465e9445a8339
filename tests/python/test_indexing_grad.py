"""Gradients of indexing and of the structural ops from Python: verify_grad (finite
differences) for every differentiable op of this family, through non-contiguous
inputs, and closed forms for set/inc_subtensor."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia import gradient
from helpers import assert_same

RNG = np.random.default_rng(7)


def _u(*shape, lo=-1.0, hi=1.0):
    return lambda: RNG.uniform(lo, hi, shape)


def _transposed(*shape):
    """Values laid out transposed in memory: the gradient must not assume C order."""
    return lambda: RNG.uniform(-1, 1, shape[::-1]).T


def _reversed(*shape):
    return lambda: RNG.uniform(-1, 1, shape)[::-1]


def _distinct(*shape):
    """Values far apart (no ties): sort and topk are differentiable there."""
    n = int(np.prod(shape))
    return lambda: (RNG.permutation(n) * 0.5 + RNG.uniform(0, 0.1, n)).reshape(shape)


IDX = np.array([2, 0, 2, 1])  # with a repeat: gradients accumulate

# case -> (fun of the inputs, input makers). Keys name the case; OPS says which core
# ops a case's graph contains.
CASES = {
    # Basic indexing: views, negative steps, new axes.
    "subtensor": (lambda x: x[1:, ::-2], [_transposed(3, 4)]),
    "subtensor_int_ellipsis": (lambda x: x[..., 1, None] * x[-1], [_u(2, 3, 2)]),
    # Advanced indexing: take along one axis, several arrays, masks.
    "advanced_subtensor1": (lambda x: x[IDX], [_transposed(3, 2)]),
    "advanced_subtensor": (lambda x: x[[0, 1, 1], [2, 0, 2]], [_reversed(2, 3)]),
    "advanced_mixed": (lambda x: x[1:, IDX[:3], None], [_u(3, 3)]),
    "mask": (lambda x: x[np.array([[True, False, True], [False, True, True]])], [_u(2, 3)]),
    "take": (lambda x: T.take(x, [[1, 0], [1, 1]], axis=1), [_transposed(2, 3)]),
    # set/inc: gradients for x and y.
    "set_subtensor": (lambda x, y: T.set_subtensor(x[1:, ::2], y), [_transposed(3, 4), _u(2, 2)]),
    "inc_subtensor": (lambda x, y: T.inc_subtensor(x[:, 1], y) ** 2, [_u(3, 4), _u(3)]),
    "advanced_inc_subtensor1": (lambda x, y: T.inc_subtensor(x[IDX], y), [_u(3, 2), _transposed(4, 2)]),
    "advanced_set_subtensor1": (lambda x, y: T.set_subtensor(x[[2, 0]], y) * x, [_u(3, 2), _u(2, 2)]),
    "advanced_inc_subtensor": (lambda x, y: T.inc_subtensor(x[[0, 1, 0], [1, 2, 1]], y), [_u(2, 3), _u(3)]),
    "advanced_set_subtensor": (lambda x, y: T.set_subtensor(x[1:, [0, 2]], y), [_u(3, 3), _u(2, 2)]),
    # Joining, splitting, rearranging.
    "concatenate": (lambda a, b: T.concatenate([a, b, a], axis=1), [_transposed(2, 3), _u(2, 1)]),
    "stack": (lambda a, b: T.stack([a, b], axis=1), [_u(2, 3), _reversed(2, 3)]),
    "split": (lambda x: T.split(x, [1, 3], 2, axis=1)[1] * 2, [_transposed(2, 4)]),
    "tile": (lambda x: T.tile(x, (2, 1, 2)), [_u(2, 3)]),
    "repeat": (lambda x: T.repeat(x, [2, 0, 1], axis=1), [_transposed(2, 3)]),
    "roll": (lambda x: T.roll(x, 2, axis=0), [_u(3, 2)]),
    "flip": (lambda x: T.flip(x, 1) * x, [_u(2, 3)]),
    "pad": (lambda x: T.pad(x, [(1, 0), (2, 1)]), [_transposed(2, 3)]),
    "pad_edge": (lambda x: T.pad(x, 2, mode="edge"), [_u(2, 3)]),
    "pad_reflect": (lambda x: T.pad(x, (1, 2), mode="reflect"), [_u(3, 4)]),
    "diff": (lambda x: T.diff(x, n=2, axis=0), [_u(4, 2)]),
    # Sorting and cumulative ops.
    "sort": (lambda x: T.sort(x, axis=0), [_distinct(3, 4)]),
    "topk": (lambda x: T.topk(x, 2) + T.topk(x, -2), [_distinct(2, 5)]),
    "take_along_axis": (lambda x: T.take_along_axis(x, np.array([[2, 0, 2]]), 1), [_transposed(2, 3)]),
    "inc_along_axis": (lambda x, y: T.inc_along_axis(x, np.array([[1, 1], [0, 2]]), y, 1),
                       [_u(2, 3), _u(2, 2)]),
    "cumsum": (lambda x: T.cumsum(x, axis=1), [_transposed(2, 3)]),
    "cumprod": (lambda x: T.cumprod(x), [_u(2, 3, lo=0.5, hi=1.5)]),
    # Triangles and diagonals.
    "tril": (lambda x: T.tril(x, -1), [_transposed(3, 3)]),
    "triu": (lambda x: T.triu(x, 1), [_u(2, 3, 4)]),
    "diag": (lambda x: T.diag(x, 1), [_u(3)]),
    "diag_of_matrix": (lambda x: T.diag(x), [_transposed(3, 3)]),
    "diagonal": (lambda x: T.diagonal(x, 1, 2, 0), [_u(3, 2, 4)]),
    "trace": (lambda x: T.trace(x), [_reversed(3, 3)]),
    "linspace": (lambda a, b: T.linspace(a, b, 5), [lambda: np.float64(RNG.uniform()), lambda: np.float64(2.0)]),
    # Counting: bincount is differentiable in its weights.
    "bincount": (lambda w: T.bincount(np.array([0, 3, 3, 1]), w), [_u(4)]),
    # The adjoint ops the gradients above build, differentiated once more.
    "repeat_grad": (lambda x: T.grad(T.sum(T.repeat(x, [2, 0, 1], axis=1) ** 3), x), [_transposed(2, 3)]),
    "pad_grad": (lambda x: T.grad(T.sum(T.pad(x, [(1, 0), (0, 2)], mode="reflect") ** 3), x), [_u(3, 3)]),
    "diff_grad": (lambda x: T.grad(T.sum(T.diff(x, axis=0) ** 3), x), [_u(3, 2)]),
    "take_grad": (lambda x: T.grad(T.sum(x[IDX] ** 3), x), [_u(3, 2)]),
    "subtensor_grad": (lambda x: T.grad(T.sum(x[::2, 1:] ** 3), x), [_transposed(3, 3)]),
}


def _ops_in(outputs):
    seen, ops, todo = set(), set(), list(outputs)
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        if v.owner is not None:
            ops.add(v.owner.op)
            todo.extend(v.owner.inputs)
    return ops


def covered_ops():
    """The core ops whose gradient rules the cases above check (those in their graphs);
    test_gradient.py's test_every_differentiable_op_has_a_case counts them as covered."""
    ops = set()
    for fun, makers in CASES.values():
        ops |= _ops_in([fun(*[T.as_tensor_variable(m()).type() for m in makers])])
    return ops


@pytest.mark.parametrize("name", sorted(CASES))
def test_verify_grad(name):
    fun, makers = CASES[name]
    gradient.verify_grad(fun, [m() for m in makers], rng=np.random.default_rng(0))


@pytest.mark.parametrize("name", ["subtensor", "advanced_subtensor1", "inc_subtensor", "concatenate", "cumsum"])
def test_verify_grad_float32(name):
    fun, makers = CASES[name]
    gradient.verify_grad(fun, [np.float32(m()) for m in makers], rng=np.random.RandomState(3))


def test_verify_grad_is_on_T_too():
    assert T.verify_grad is gradient.verify_grad


def test_getitem_gradient_closed_form():
    x = T.dvector("x")
    cost = T.sum(x[IDX] * np.arange(4.0)) + x[-1] * 10
    g = hypatia.function([x], T.grad(cost, x))(np.zeros(3))
    expected = np.zeros(3)
    np.add.at(expected, IDX, np.arange(4.0))
    expected[-1] += 10
    assert_same(g, expected)


def test_set_subtensor_gradient_closed_form():
    # d/dx zeroes the replaced selection, d/dy gathers it.
    x, y = T.dmatrix("x"), T.dvector("y")
    out = T.set_subtensor(x[:, 1], y)
    w = np.arange(6.0).reshape(2, 3)
    gx, gy = T.grad(T.sum(out * w), [x, y])
    got_x, got_y = hypatia.function([x, y], [gx, gy])(np.ones((2, 3)), np.ones(2))
    expected_x = w.copy()
    expected_x[:, 1] = 0
    assert_same(got_x, expected_x)
    assert_same(got_y, w[:, 1])


def test_inc_subtensor_gradient_closed_form():
    x, y = T.dvector("x"), T.dvector("y")
    out = T.inc_subtensor(x[IDX], y)
    w = np.array([1.0, 2.0, 3.0])
    gx, gy = T.grad(T.sum(out * w), [x, y])
    got_x, got_y = hypatia.function([x, y], [gx, gy])(np.zeros(3), np.zeros(4))
    assert_same(got_x, w)
    assert_same(got_y, w[IDX])


def test_jacobian_through_indexing():
    x = T.dvector("x")
    jac = hypatia.function([x], T.jacobian(x[::-1][:2] ** 2, x))(np.array([1.0, 2.0, 3.0]))
    assert_same(jac, np.array([[0.0, 0.0, 6.0], [0.0, 4.0, 0.0]]))
