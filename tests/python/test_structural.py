"""Joining, splitting, rearranging, sorting, cumulative, triangle, diagonal and counting
ops from Python, against NumPy over every dtype, on non-contiguous inputs."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import ALL, FLOATS, INTS, assert_same, run, var_like

NUMERIC = INTS + FLOATS


def _matrix(dtype, shape=(3, 4), seed=0):
    """Values of dtype, laid out transposed in memory (not C-contiguous)."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        a = rng.integers(0, 2, shape[::-1]).astype(bool)
    elif dtype in INTS:
        a = rng.integers(0 if dtype.startswith("u") else -9, 10, shape[::-1]).astype(dtype)
    else:
        a = rng.normal(size=shape[::-1]).astype(dtype) * 3
    return a.T


def _check(build, expected, *values, **kw):
    got = run(build, *values)
    if isinstance(expected, (list, tuple)):
        assert isinstance(got, list) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e, **kw)
    else:
        assert_same(got, expected, **kw)


# op -> (hypatia, numpy, the dtypes it takes); each gets one non-contiguous (3, 4) matrix.
ONE_MATRIX = {
    "concatenate": (lambda x: T.concatenate([x, x[:1]], axis=0), lambda a: np.concatenate([a, a[:1]]), ALL),
    "concatenate_axis1": (lambda x: T.concatenate((x, x), axis=-1), lambda a: np.concatenate((a, a), -1), ALL),
    "join": (lambda x: T.join(1, x, x[:, :2]), lambda a: np.concatenate([a, a[:, :2]], 1), ALL),
    "stack": (lambda x: T.stack([x, x], axis=1), lambda a: np.stack([a, a], 1), ALL),
    "stack_old_form": (lambda x: T.stack(x[0], x[1], x[2]), lambda a: np.stack([a[0], a[1], a[2]]), ALL),
    "stack_axis_positional": (lambda x: T.stack([x, x], 2), lambda a: np.stack([a, a], 2), ALL),
    "horizontal_stack": (lambda x: T.horizontal_stack(x, x), lambda a: np.hstack([a, a]), ALL),
    "hstack_vectors": (lambda x: T.hstack([x[0], x[1]]), lambda a: np.hstack([a[0], a[1]]), ALL),
    "vertical_stack": (lambda x: T.vertical_stack(x, x[:1]), lambda a: np.vstack([a, a[:1]]), ALL),
    "vstack_vectors": (lambda x: T.vstack([x[0], x[2]]), lambda a: np.vstack([a[0], a[2]]), ALL),
    "split": (lambda x: T.split(x, [1, 3, 0], 3, axis=1), lambda a: np.split(a, [1, 4, 4], axis=1)[:3], ALL),
    "tile": (lambda x: T.tile(x, (2, 1)), lambda a: np.tile(a, (2, 1)), ALL),
    "tile_more_axes": (lambda x: T.tile(x, (2, 1, 3)), lambda a: np.tile(a, (2, 1, 3)), ALL),
    "tile_int": (lambda x: T.tile(x, 2), lambda a: np.tile(a, 2), ALL),
    "repeat": (lambda x: T.repeat(x, 2), lambda a: np.repeat(a, 2), ALL),
    "repeat_counts": (lambda x: T.repeat(x, [1, 0, 3, 2], axis=1), lambda a: np.repeat(a, [1, 0, 3, 2], 1), ALL),
    "roll": (lambda x: T.roll(x, 5), lambda a: np.roll(a, 5), ALL),
    "roll_axis": (lambda x: T.roll(x, -1, axis=1), lambda a: np.roll(a, -1, 1), ALL),
    "roll_axes": (lambda x: T.roll(x, (1, 2), axis=(0, 1)), lambda a: np.roll(a, (1, 2), (0, 1)), ALL),
    "flip": (lambda x: T.flip(x), lambda a: np.flip(a), ALL),
    "flip_axis": (lambda x: T.flip(x, 1), lambda a: np.flip(a, 1), ALL),
    "pad": (lambda x: T.pad(x, 1), lambda a: np.pad(a, 1), ALL),
    "pad_pairs": (lambda x: T.pad(x, [(0, 2), (1, 0)], constant_values=1),
                  lambda a: np.pad(a, [(0, 2), (1, 0)], constant_values=1), ALL),
    "pad_edge": (lambda x: T.pad(x, (1, 2), mode="edge"), lambda a: np.pad(a, (1, 2), mode="edge"), ALL),
    "pad_reflect": (lambda x: T.pad(x, ((2,), (1,)), mode="reflect"),
                    lambda a: np.pad(a, ((2,), (1,)), mode="reflect"), ALL),
    "diff": (lambda x: T.diff(x), lambda a: np.diff(a), ALL),
    "diff_n2_axis0": (lambda x: T.diff(x, n=2, axis=0), lambda a: np.diff(a, n=2, axis=0), ALL),
    "sort": (lambda x: T.sort(x), lambda a: np.sort(a), ALL),
    "sort_axis0": (lambda x: x.sort(axis=0), lambda a: np.sort(a, axis=0), ALL),
    "sort_flat": (lambda x: T.sort(x, axis=None), lambda a: np.sort(a, axis=None), ALL),
    "argsort": (lambda x: T.argsort(x), lambda a: np.argsort(a, kind="stable"), ALL),
    "argsort_axis0": (lambda x: x.argsort(axis=0), lambda a: np.argsort(a, axis=0, kind="stable"), ALL),
    "take_along_axis": (lambda x: T.take_along_axis(x, T.argsort(x, axis=0), 0),
                        lambda a: np.take_along_axis(a, np.argsort(a, 0, kind="stable"), 0), ALL),
    "cumsum": (lambda x: T.cumsum(x), lambda a: np.cumsum(a), ALL),
    "cumsum_axis": (lambda x: x.cumsum(axis=1), lambda a: np.cumsum(a, axis=1), ALL),
    "cumprod": (lambda x: T.cumprod(x, axis=0), lambda a: np.cumprod(a, axis=0), ALL),
    "cumprod_flat": (lambda x: x.cumprod(), lambda a: np.cumprod(a), ALL),
    "tril": (lambda x: T.tril(x), lambda a: np.tril(a), ALL),
    "tril_k": (lambda x: T.tril(x, -1), lambda a: np.tril(a, -1), ALL),
    "triu": (lambda x: T.triu(x, 1), lambda a: np.triu(a, 1), ALL),
    "diag_of_matrix": (lambda x: T.diag(x, 1), lambda a: np.diag(a, 1), ALL),
    "diag_of_vector": (lambda x: T.diag(x[0], -1), lambda a: np.diag(a[0], -1), ALL),
    "diagonal": (lambda x: T.diagonal(x), lambda a: np.diagonal(a), ALL),
    "diagonal_method": (lambda x: x.diagonal(offset=-1, axis1=1, axis2=0),
                        lambda a: np.diagonal(a, -1, 1, 0), ALL),
    "trace": (lambda x: T.trace(x), lambda a: np.trace(a), ALL),
    "trace_method": (lambda x: x.trace(offset=1), lambda a: np.trace(a, 1), ALL),
}


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("name", sorted(ONE_MATRIX))
def test_one_matrix_ops_match_numpy(name, dtype):
    build, reference, dtypes = ONE_MATRIX[name]
    if dtype not in dtypes:
        pytest.skip(f"{name} does not take {dtype}")
    a = _matrix(dtype)
    assert not a.flags.c_contiguous
    with np.errstate(over="ignore"):
        expected = reference(a)
    _check(build, expected, a, rtol=1e-5 if dtype == "float32" else None)


def test_empty_and_size_one_dimensions():
    for shape in [(0, 3), (1, 4), (3, 0), (1, 1)]:
        a = np.arange(float(np.prod(shape))).reshape(shape)
        _check(lambda x: [T.concatenate([x, x]), T.stack([x, x], -1), T.flip(x), T.roll(x, 1, 1), T.tile(x, (1, 2)),
                          T.repeat(x, 2, 0), T.sort(x, 0), T.cumsum(x, 1), T.tril(x), T.pad(x, 1)],
               [np.concatenate([a, a]), np.stack([a, a], -1), np.flip(a), np.roll(a, 1, 1), np.tile(a, (1, 2)),
                np.repeat(a, 2, 0), np.sort(a, 0), np.cumsum(a, 1), np.tril(a), np.pad(a, 1)], a)


def test_mixed_dtypes_promote():
    a, b = np.int8([1, 2]), np.float32([0.5])
    _check(lambda x, y: [T.concatenate([x, y]), T.stack([x[:1], y])],
           [np.concatenate([a, b]), np.stack([a[:1], b])], a, b)


def test_sort_puts_nan_last_and_is_stable():
    a = np.array([[3.0, np.nan, -np.inf, 1.0, np.inf, -0.0, 0.0, 1.0]])
    _check(lambda x: [T.sort(x), T.argsort(x)], [np.sort(a), np.argsort(a, kind="stable")], a)


def test_topk_and_argtopk():
    a = np.array([[0.5, 3.0, -1.0, 2.0, 7.0], [1.0, -2.0, 4.0, 0.0, -5.0]]).T.copy().T
    _check(lambda x: [T.topk(x, 2), T.topk(x, -3), T.argtopk(x, 2), T.argtopk(x, -1, axis=0),
                      T.topk(x, 1, axis=0), *T.topk_and_argtopk(x, 3)],
           [-np.sort(-a)[:, :2], np.sort(a)[:, :3], np.argsort(-a)[:, :2], np.argsort(a, axis=0)[:1],
            -np.sort(-a, axis=0)[:1], -np.sort(-a)[:, :3], np.argsort(-a)[:, :3]], a)
    x = T.dmatrix()
    assert T.argtopk(x, 1, idx_dtype="int32").dtype == "int32"


@pytest.mark.parametrize("dtype", NUMERIC)
def test_searchsorted(dtype):
    s = np.sort(_matrix(dtype)[0]).astype(dtype)
    v = _matrix(dtype, (2, 3), seed=1)
    _check(lambda a, b: [T.searchsorted(a, b), T.searchsorted(a, b, side="right"), a.searchsorted(b)],
           [np.searchsorted(s, v), np.searchsorted(s, v, "right"), np.searchsorted(s, v)], s, v)
    order = np.argsort(s[::-1], kind="stable")
    _check(lambda a: T.searchsorted(a, np.asarray(v), sorter=order),
           np.searchsorted(s[::-1], v, sorter=order), s[::-1])


def test_split_with_symbolic_sizes():
    x, sizes = T.dvector("x"), T.lvector("sizes")
    parts = T.split(x, sizes, 3)
    assert len(parts) == 3
    got = hypatia.function([x, sizes], parts)(np.arange(6.0), np.array([1, 0, 5]))
    for g, e in zip(got, [np.arange(1.0), np.arange(0.0), np.arange(1.0, 6.0)]):
        assert_same(g, e)
    k = T.lscalar("k")
    got = hypatia.function([x, k], T.split(x, [k, 6 - k], 2))(np.arange(6.0), 2)
    assert_same(got[1], np.arange(2.0, 6.0))


def test_symbolic_counts():
    x, r, s = T.dvector("x"), T.lscalar("r"), T.iscalar("s")
    a = np.arange(4.0)
    got = hypatia.function([x, r, s], [T.repeat(x, r), T.roll(x, s), T.tri(r, s, 1), x.repeat(T.constant([1, 2, 0, 1]))]
                           )(a, 2, 3)
    for g, e in zip(got, [np.repeat(a, 2), np.roll(a, 3), np.tri(2, 3, 1), np.repeat(a, [1, 2, 0, 1])]):
        assert_same(g, e)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool", None])
def test_creation(dtype):
    kw = {} if dtype is None else {"dtype": dtype}
    got = hypatia.function([], [T.tri(3, **kw), T.tri(2, 4, -1, **kw)])()
    want = np.float64 if dtype is None else dtype
    assert_same(got[0], np.tri(3, dtype=want))
    assert_same(got[1], np.tri(2, 4, -1, dtype=want))
    with hypatia.change_flags(floatX="float32"):
        assert T.tri(3).dtype == "float32"


def test_linspace():
    start, stop = T.dscalar("a"), T.dscalar("b")
    got = hypatia.function([start, stop], [T.linspace(start, stop, 5), T.linspace(start, stop, 4, endpoint=False),
                                           T.linspace(start, stop, 1), T.linspace(start, stop, 0)])(-1.0, 2.0)
    for g, e in zip(got, [np.linspace(-1, 2, 5), np.linspace(-1, 2, 4, endpoint=False), np.linspace(-1, 2, 1),
                          np.linspace(-1, 2, 0)]):
        assert_same(g, e, rtol=1e-15)
    assert_same(T.linspace(0, 10, 6).eval(), np.linspace(0, 10, 6))
    assert_same(T.linspace(0, 10, 6, dtype="int32").eval(), np.linspace(0, 10, 6, dtype="int32"))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
def test_to_one_hot_and_bincount(dtype):
    y = np.array([[0, 2], [1, 2]], dtype=dtype)
    labels = var_like(y, "y")
    v = np.array([0, 3, 3, 1, 0, 3], dtype=dtype)
    w = np.array([0.5, 1.0, 2.0, -1.0, 0.25, 4.0])
    lv, wv = var_like(v, "v"), var_like(w, "w")
    f = hypatia.function([labels, lv, wv], [T.to_one_hot(labels, 4), T.extra_ops.to_one_hot(labels, 3, "int32"),
                                            T.bincount(lv), T.bincount(lv, wv), T.bincount(lv, minlength=7),
                                            T.nnet.to_one_hot(labels.flatten(), 3)])
    got = f(y, v, w)
    expected = [np.eye(4)[y], np.eye(3, dtype="int32")[y], np.bincount(v), np.bincount(v, w),
                np.bincount(v, minlength=7), np.eye(3)[y.flatten()]]
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_extra_ops_module_mirrors_theano():
    for name in ("cumsum", "cumprod", "diff", "bincount", "repeat", "searchsorted", "squeeze", "compress",
                 "to_one_hot"):
        fn = getattr(T.extra_ops, name)
        assert fn is getattr(T, name) and fn.__doc__, name


def test_structural_names_have_docstrings():
    for name in ("concatenate", "join", "stack", "horizontal_stack", "vertical_stack", "hstack", "vstack", "split",
                 "tile", "repeat", "roll", "flip", "pad", "diff", "sort", "argsort", "topk", "argtopk",
                 "topk_and_argtopk", "searchsorted", "take_along_axis", "inc_along_axis", "cumsum", "cumprod", "tri",
                 "tril", "triu", "diag", "diagonal", "trace", "linspace", "to_one_hot", "bincount", "take", "nonzero",
                 "flatnonzero", "nonzero_values", "compress", "set_subtensor", "inc_subtensor"):
        assert getattr(T, name).__doc__, name


# ---------------------------------------------------------------- errors

def test_errors_name_the_culprit():
    x = T.dmatrix("x")
    with pytest.raises(TypeError, match="concatenate takes a list or tuple of tensors"):
        T.concatenate(x)
    with pytest.raises(ValueError, match="n_splits is 3 but 2 sizes"):
        T.split(x, [1, 2], 3)
    with pytest.raises(TypeError, match="tile: reps must be integers"):
        T.tile(x, T.lvector())
    with pytest.raises(TypeError, match="pad_width must be of integral type"):
        T.pad(x, 1.5)
    with pytest.raises(ValueError, match="pad_width"):
        T.pad(x, [(1, 2), (1, 2), (3, 4)])
    with pytest.raises(TypeError, match="constant_values must be one number"):
        T.pad(x, 1, constant_values="a")
    with pytest.raises(ValueError, match="order="):
        T.sort(x, order="f")
    with pytest.raises(TypeError, match="idx_dtype must be an integer dtype"):
        T.argtopk(x, 1, idx_dtype="float32")
    with pytest.raises(ValueError, match="roll: 1 shifts for 2 axes"):
        T.roll(x, [1], axis=(0, 1))
    with pytest.raises(TypeError, match="stack"):
        T.stack()
    with pytest.raises(ValueError):
        T.concatenate([x, T.dvector()])  # ranks differ
    with pytest.raises(ValueError):
        T.topk(x, 0)
