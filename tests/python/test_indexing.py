"""x[key] with NumPy's whole key syntax, set_subtensor and inc_subtensor, take and
nonzero, against NumPy: hypothesis-made keys over random shapes (sizes 0 and 1
included) on non-contiguous inputs, the usual forms one by one, and the errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import hypatia
import hypatia.tensor as T
from helpers import assert_same, examples, line, var_like

HERE = "test_indexing.py"


# ---------------------------------------------------------------- random keys

def _layout(data, a):
    """a, or an array equal to it whose memory is transposed or runs backwards."""
    how = data.draw(st.sampled_from(["c", "transposed", "reversed", "strided"]), label="layout")
    if how == "transposed" and a.ndim >= 2:
        return np.ascontiguousarray(a.T).T
    if how == "reversed" and a.ndim >= 1:
        return np.ascontiguousarray(a[::-1])[::-1]
    if how == "strided" and a.ndim >= 1:
        wide = np.zeros((a.shape[0] * 2,) + a.shape[1:], a.dtype)
        wide[::2] = a
        return wide[::2]
    return a


def _int(data, n, label):
    v = data.draw(st.integers(-n, n - 1), label=label)
    form = data.draw(st.sampled_from(["int", "np.int64", "np.int32", "variable"]), label=label + " form")
    if form == "np.int64":
        return np.int64(v)
    if form == "np.int32":
        return np.int32(v)
    if form == "variable":
        return T.constant(np.int32(v))
    return v


def _bound(data, n, label):
    v = data.draw(st.sampled_from([None, None, None, *range(-n - 2, n + 3)]), label=label)
    if v is not None and data.draw(st.booleans(), label=label + " symbolic"):
        return T.constant(np.int16(v))
    return v


def _slice(data, n, label):
    step = data.draw(st.sampled_from([None, None, 1, 2, 3, -1, -2, -3]), label=label + " step")
    return slice(_bound(data, n, label + " start"), _bound(data, n, label + " stop"), step)


def _int_array(data, n, adv_shape, label):
    """Integer indices below n, of a shape that broadcasts with adv_shape."""
    shape = list(adv_shape[data.draw(st.integers(0, len(adv_shape)), label=label + " drop"):])
    shape = [1 if s and data.draw(st.booleans(), label=label + " ones") else s for s in shape]
    size = int(np.prod(shape))
    if n == 0 and size > 0:
        shape = [0 if s else s for s in shape] or [0]
        size = 0
    values = np.array(data.draw(st.lists(st.integers(-n, max(n - 1, -n)), min_size=size, max_size=size),
                                label=label + " values"), dtype=np.int64).reshape(shape)
    form = data.draw(st.sampled_from(["list", "int64", "int32", "int8", "variable"]), label=label + " form")
    if form == "list":
        return values.tolist() if values.ndim else int(values)
    if form == "variable":
        return T.constant(values.astype(np.int32))
    return values.astype(form)


def _mask(data, sizes, label):
    size = int(np.prod(sizes))
    bits = data.draw(st.lists(st.sampled_from([True, False, True]), min_size=size, max_size=size), label=label)
    return np.array(bits, dtype=bool).reshape(sizes)


def _mask_form(data, mask, label):
    form = data.draw(st.sampled_from(["array", "list", "variable"]), label=label + " form")
    if form == "list" and mask.size:  # an empty list would be an integer index
        return mask.tolist()
    if form == "variable":
        return T.constant(mask)
    return mask


@st.composite
def arrays_and_keys(draw, dtypes=("float64", "int32", "uint8", "float32")):
    """(a, key): an array of 0 to 4 dimensions (sizes 0 to 4) and a valid NumPy key for it:
    ints, slices with any step, an ellipsis, new axes, integer arrays (duplicates
    included) broadcasting together, at most one bool mask, a 0-d bool."""
    data = draw(st.data())
    # Sizes 0 and 1 included, but not so often that most results are empty.
    shape = tuple(draw(st.lists(st.sampled_from([2, 3, 1, 4, 2, 3, 0, 4]), max_size=4), label="shape"))
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    a = (np.arange(int(np.prod(shape))) * 3 + 1).astype(dtype).reshape(shape)
    # The items that take axes, then where an ellipsis and new axes go.
    kinds, taken, masks = [], 0, 0
    n_items = draw(st.integers(0, len(shape)), label="items")
    for _ in range(n_items):
        if taken >= len(shape):
            break
        kind = draw(st.sampled_from(["int", "slice", "slice", "array", "mask"]), label="kind")
        if kind == "mask" and masks:
            kind = "array"
        masks += kind == "mask"
        width = draw(st.integers(1, len(shape) - taken), label="mask rank") if kind == "mask" else 1
        kinds.append((kind, width))
        taken += width
    ellipsis_at = None
    if draw(st.booleans(), label="ellipsis"):
        ellipsis_at = draw(st.integers(0, len(kinds)), label="ellipsis at")
    axis_of, axis = [], 0
    for i, (kind, width) in enumerate(kinds):
        if i == ellipsis_at:
            axis = len(shape) - sum(w for _, w in kinds[i:])
        axis_of.append(axis)
        axis += width
    # Index arrays broadcast together: a mask's count, else a shape drawn once.
    mask_value, adv_shape = None, None
    for (kind, width), ax in zip(kinds, axis_of):
        if kind == "mask":
            mask_value = _mask(data, shape[ax:ax + width], "mask")
            adv_shape = (int(mask_value.sum()),)
    empty_axis = any(k == "array" and shape[ax] == 0 for (k, _), ax in zip(kinds, axis_of))
    if adv_shape is None:
        adv_shape = tuple(draw(st.lists(st.integers(0, 3), max_size=2), label="index shape"))
        if empty_axis:  # indices into a size-0 axis can only be empty
            adv_shape = tuple(0 for _ in adv_shape) or (0,)
    elif empty_axis and adv_shape != (0,):
        kinds = [("slice", 1) if k == "array" and shape[ax] == 0 else (k, w) for (k, w), ax in zip(kinds, axis_of)]
    items = []
    for i, ((kind, width), ax) in enumerate(zip(kinds, axis_of)):
        n = shape[ax]
        label = f"item {i}"
        if kind == "int" and n > 0:
            items.append(_int(data, n, label))
        elif kind == "array":
            items.append(_int_array(data, n, adv_shape, label))
        elif kind == "mask":
            items.append(_mask_form(data, mask_value, label))
        else:
            items.append(_slice(data, n, label))
    if ellipsis_at is not None:
        items.insert(ellipsis_at, Ellipsis)
    for _ in range(draw(st.integers(0, 2), label="new axes")):
        items.insert(draw(st.integers(0, len(items)), label="new axis at"), None)
    if draw(st.integers(0, 9), label="0-d bool") == 0:
        # A 0-d bool is an index array of shape (1,) or (0,): False only alone.
        alone = not any(k in ("array", "mask") for k, _ in kinds)
        items.insert(draw(st.integers(0, len(items)), label="0-d bool at"), draw(st.booleans()) if alone else True)
    single = len(items) == 1 and not isinstance(items[0], (list, bool)) and draw(st.booleans(), label="bare")
    return _layout(data, a), items[0] if single else tuple(items)


def _numpy_key(key):
    """The key with hypatia constants replaced by their values, for NumPy."""
    def plain(item):
        if isinstance(item, T.TensorVariable):
            return item.data[()] if item.ndim == 0 else item.data
        if isinstance(item, slice):
            return slice(plain(item.start), plain(item.stop), item.step)
        return item
    return tuple(plain(k) for k in key) if isinstance(key, tuple) else plain(key)


def _selected_positions(shape, key):
    """The flat positions of the elements key selects: the key applied to an arange."""
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[key]


@given(arrays_and_keys())
@settings(max_examples=examples(200))
def test_getitem_matches_numpy(case):
    a, key = case
    x = var_like(a)
    got = hypatia.function([x], x[key])(a)
    assert_same(got, a[_numpy_key(key)])


@given(arrays_and_keys(), st.data())
@settings(max_examples=examples(100))
def test_set_subtensor_matches_numpy(case, data):
    a, key = case
    nkey = _numpy_key(key)
    target = a[nkey].shape
    # y of the selection's shape, or a shape that broadcasts to it.
    y_shape = target[data.draw(st.integers(0, len(target)), label="drop"):]
    y_shape = tuple(1 if data.draw(st.booleans(), label="ones") else s for s in y_shape)
    y = (np.arange(int(np.prod(y_shape))) + 100).astype(a.dtype).reshape(y_shape)
    x, yv = var_like(a, "x"), var_like(y, "y")
    got = hypatia.function([x, yv], T.set_subtensor(x[key], yv))(a, y)
    expected = a.copy()
    expected[nkey] = y
    assert_same(got, expected)
    assert_same(a, np.asarray(a))  # the argument is untouched


@given(arrays_and_keys(dtypes=("float64", "int32", "int64", "float32")), st.data())
@settings(max_examples=examples(100))
def test_inc_subtensor_matches_numpy_add_at(case, data):
    a, key = case
    nkey = _numpy_key(key)
    positions = _selected_positions(a.shape, nkey)
    y_shape = positions.shape[data.draw(st.integers(0, positions.ndim), label="drop"):]
    y = (np.arange(int(np.prod(y_shape))) % 5 + 1).astype(a.dtype).reshape(y_shape)
    x, yv = var_like(a, "x"), var_like(y, "y")
    got = hypatia.function([x, yv], T.inc_subtensor(x[key], yv))(a, y)
    # Independent of NumPy's add.at: every selected position gets its increments.
    flat = a.copy().reshape(-1)
    for pos, inc in zip(positions.reshape(-1), np.broadcast_to(y, positions.shape).reshape(-1)):
        flat[pos] += inc
    assert_same(got, flat.reshape(a.shape))
    expected = a.copy()
    np.add.at(expected, nkey, y)
    assert_same(got, expected)


# ---------------------------------------------------------------- the usual forms

A = np.arange(60.0).reshape(3, 4, 5)


@pytest.mark.parametrize("key", [
    0, -1, 2, (1, 2), (1, -1, 3), slice(None), slice(1, None), slice(None, None, -1), slice(-2, None, -2),
    (slice(None), 1), (Ellipsis, 0), (0, Ellipsis, 1), (None, 1), (Ellipsis, None), (slice(5, 9),),
    (slice(None), slice(None), slice(None, None, 3)), [0, 2], [[0, 1], [2, 2]], (slice(None), [3, 0, 3]),
    ([0, 2], slice(None), [1, 4]), (slice(1, None), [0, 1]), ([True, False, True],), (A > 30,), (slice(None), A[0] > 5),
    (1, [0, 3], slice(None)), (1, slice(None), [0, 4]), ([0, 2], 1), (Ellipsis, [1, 1]), (None, [0], None),
    (np.array([0, -1]),), (np.uint8(2),), (np.array(1),), True, False, (0, True), [], ([], 0),
])
def test_usual_keys(key):
    x = T.dtensor3("x")
    assert_same(hypatia.function([x], x[key])(A), A[key])


def test_symbolic_keys():
    x = T.dmatrix("x")
    i, j = T.lscalar("i"), T.bscalar("j")
    idx = T.ivector("idx")
    mask = T.vector("m", dtype="bool")
    a = np.arange(20.0).reshape(4, 5)
    f = hypatia.function([x, i, j, idx, mask], [x[i], x[i:, j], x[:j:i], x[idx], x[:, idx], x[mask], x[mask, i],
                                               x[i, idx], x[-j:, i:i + 2], x[[i, j, 0]], x[[[i], [j]], [0, j]],
                                               x[T.arange(2), [i, j]]])
    got = f(a, 1, 2, np.int32([3, 0, 3]), np.array([True, False, True, True]))
    m = np.array([True, False, True, True])
    expected = [a[1], a[1:, 2], a[:2:1], a[[3, 0, 3]], a[:, [3, 0, 3]], a[m], a[m, 1], a[1, [3, 0, 3]], a[-2:, 1:3],
                a[[1, 2, 0]], a[[[1], [2]], [0, 2]], a[np.arange(2), [1, 2]]]
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_slice_bounds_of_every_integer_dtype():
    x = T.dvector("x")
    a = np.arange(10.0)
    for dtype in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        s = T.scalar("s", dtype=dtype)
        f = hypatia.function([x, s], [x[s:], x[:s], x[::s], x[s]])
        for g, e in zip(f(a, 3), [a[3:], a[:3], a[::3], a[3]]):
            assert_same(g, e)


def test_static_shapes_need_no_data():
    x = T.tensor("float64", shape=(10, 4))
    assert x[2:5].type.shape == (3, 4)
    assert x[::-3, 1].type.shape == (4,)
    assert x[None, ..., 0].type.shape == (1, 10)
    assert x[[0, 1, 1]].type.shape == (3, 4)
    assert x[:, [[0], [1]]].type.shape == (10, 2, 1)
    assert T.dmatrix()[1:3].ndim == 2


def test_shape_indexing_still_gives_sizes():
    x = T.tensor("float64", shape=(2, None, 4))
    assert x.shape[0].data == 2 and x.shape[-1].data == 4
    a, b, c = x.shape
    assert len(x.shape[1:]) == 2
    i = T.lscalar("i")
    f = hypatia.function([x, i], [x.shape[1], x.shape[i]])
    got = f(np.zeros((2, 3, 4)), 2)
    assert_same(got[0], np.int64(3)) and assert_same(got[1], np.int64(4))


def test_theano_tutorial_negative_log_likelihood():
    # -T.mean(T.log(p_y_given_x)[T.arange(y.shape[0]), y]) and its gradient, from the
    # logistic regression tutorial.
    x, W, b, y = T.dmatrix("x"), T.dmatrix("W"), T.dvector("b"), T.lvector("y")
    z = T.dot(x, W) + b
    e = T.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    gW, gb = T.grad(cost, [W, b])
    rng = np.random.default_rng(0)
    xs, ws, bs = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    ys = np.array([0, 2, 1, 2, 2, 0])
    got_cost, got_w, got_b = hypatia.function([x, W, b, y], [cost, gW, gb])(xs, ws, bs, ys)
    zs = xs @ ws + bs
    ps = np.exp(zs - zs.max(axis=1, keepdims=True))
    ps /= ps.sum(axis=1, keepdims=True)
    onehot = np.eye(3)[ys]
    assert_same(got_cost, -np.mean(np.log(ps[np.arange(6), ys])), rtol=1e-12)
    assert_same(got_w, xs.T @ (ps - onehot) / 6, rtol=1e-10)
    assert_same(got_b, (ps - onehot).sum(axis=0) / 6, rtol=1e-10)


def test_set_and_inc_forms():
    x, y = T.dmatrix("x"), T.dscalar("y")
    a = np.arange(12.0).reshape(3, 4)
    idx = np.array([0, 0, 2])
    f = hypatia.function([x, y], [T.set_subtensor(x[1:, ::2], y), T.inc_subtensor(x[idx], 1.0),
                                  T.inc_subtensor(x[:, 1], y, set_instead_of_inc=True), T.set_subtensor(x[0], 7),
                                  T.inc_subtensor(x[1:][idx[:2]], 10.0), T.inc_subtensor(x[1:, idx], 1.0),
                                  T.set_subtensor(x[x > 5], 0.0)])
    got = f(a, -1.0)
    e = [a.copy() for _ in range(7)]
    e[0][1:, ::2] = -1
    np.add.at(e[1], idx, 1.0)
    e[2][:, 1] = -1
    e[3][0] = 7
    e[4] = a[1:].copy()  # a chain of two indexings writes into the first one's result, as Theano
    np.add.at(e[4], idx[:2], 10.0)
    np.add.at(e[5], (slice(1, None), idx), 1.0)
    e[6][a > 5] = 0
    for g, want in zip(got, e):
        assert_same(g, want)
    # inplace= and tolerate_inplace_aliasing= are Theano's; x is never modified.
    assert T.set_subtensor(x[0], y, inplace=True, tolerate_inplace_aliasing=True).ndim == 2


def test_take_and_nonzero():
    x = T.dmatrix("x")
    a = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    idx = np.array([[2, 0], [1, 1]])
    f = hypatia.function([x], [T.take(x, idx), T.take(x, [2, 0, 2], axis=1), x.take(idx % 2, axis=0),
                               T.take(x, 1, axis=0), *T.nonzero(x), x.nonzero(return_matrix=True),
                               x[x.nonzero()], x.nonzero_values(), T.flatnonzero(x),
                               T.compress([True, False, True], x, axis=1), x.repeat(2, axis=0),
                               x.compress([False, True])])
    got = f(a)
    nz = np.nonzero(a)
    expected = [np.take(a, idx), np.take(a, [2, 0, 2], axis=1), np.take(a, idx % 2, axis=0), np.take(a, 1, axis=0),
                nz[0], nz[1], np.array(nz), a[nz], a[nz], np.flatnonzero(a),
                np.compress([True, False, True], a, axis=1), a.repeat(2, axis=0), a.compress([False, True])]
    for g, e in zip(got, expected):
        assert_same(g, e)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int64", "float32", "float64"])
def test_indexing_every_dtype(dtype):
    a = (np.arange(24) % 7).astype(dtype).reshape(2, 3, 4)
    x = var_like(a)
    key = (slice(None, None, -1), [0, 2, 2], 1)
    y = np.ones((2, 3), dtype)
    yv = var_like(y, "y")
    f = hypatia.function([x, yv], [x[key], x[1, ::2], x[a > 2], T.set_subtensor(x[key], yv), *T.nonzero(x)])
    got = f(a, y)
    expected_set = a.copy()
    expected_set[key] = y
    for g, e in zip(got, [a[key], a[1, ::2], a[a > 2], expected_set, *np.nonzero(a)]):
        assert_same(g, e)


# ---------------------------------------------------------------- errors

def test_bad_keys_are_numpys_errors():
    x = T.dmatrix("x")
    at = line() + 2
    with pytest.raises(IndexError, match=r"only integers, slices \(`:`\), ellipsis") as info:
        x[1.5]
    assert f"{HERE}:{at}" in str(info.value)
    for key in ("a", {}, (0, 2.0), object()):
        with pytest.raises(IndexError, match="only integers, slices"):
            x[key]
    with pytest.raises(IndexError, match=r"arrays used as indices must be of integer \(or boolean\) type"):
        x[np.array([1.0])]
    with pytest.raises(IndexError, match="arrays used as indices must be of integer"):
        x[[0.5, 1]]
    with pytest.raises(TypeError, match="slice indices must be integers"):
        x[1.5:]
    with pytest.raises(ValueError, match="an index list: setting an array element with a sequence"):
        x[[[0, 1], [0]]]
    with pytest.raises(IndexError, match="index-sized integer"):
        x[2 ** 70]
    with pytest.raises(IndexError):
        x[0, 0, 0]  # too many indices
    with pytest.raises(IndexError):
        x[..., ...]
    with pytest.raises(ValueError):
        x[::0]
    with pytest.raises((TypeError, IndexError)):
        x[T.dscalar()]


def test_static_out_of_bounds_names_axis_index_and_size():
    x = T.tensor("float64", shape=(3, 4))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 1 with size 4"):
        x[0, 5]


def test_run_time_out_of_bounds_names_the_line_axis_index_and_size():
    x = T.dmatrix("x")
    i = T.lscalar("i")
    y = x[1, i]; at = line()  # noqa: E702
    f = hypatia.function([x, i], y)
    with pytest.raises(IndexError, match="index 7 is out of bounds for axis 1 with size 4") as info:
        f(np.zeros((2, 4)), 7)
    assert f"{HERE}:{at}" in str(info.value)
    z = x[[0, 3]]; at = line()  # noqa: E702
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 2") as info:
        hypatia.function([x], z)(np.zeros((2, 4)))
    assert f"{HERE}:{at}" in str(info.value)
    t = T.take(x, [-9], axis=1); at = line()  # noqa: E702
    with pytest.raises(IndexError, match="index -9 is out of bounds for axis 1 with size 4") as info:
        hypatia.function([x], t)(np.zeros((2, 4)))
    assert f"{HERE}:{at}" in str(info.value)
    s = T.inc_subtensor(x[[5], 0], 1.0); at = line()  # noqa: E702
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2") as info:
        hypatia.function([x], s)(np.zeros((2, 4)))
    assert f"{HERE}:{at}" in str(info.value)


def test_set_subtensor_errors():
    x = T.dmatrix("x")
    with pytest.raises(TypeError, match="set_subtensor: the first argument must be the result of indexing"):
        T.set_subtensor(np.zeros(3), 1.0)
    with pytest.raises(TypeError):
        T.set_subtensor(x, 1.0)  # not made by indexing
    with pytest.raises(ValueError, match="only mode='raise'"):
        T.take(x, [0], mode="wrap")
