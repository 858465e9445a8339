"""Shared variables, updates, givens, In/Out and the calling conventions of
hypatia.function (Theano's semantics)."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from helpers import assert_same


def address(a):
    return a.__array_interface__["data"][0]


# ---------------------------------------------------------------- values and types

def test_type_follows_theano():
    a = hypatia.shared(0.1)
    assert a.dtype == "float64" and a.ndim == 0  # Theano's pitfall: a Python float is float64
    assert hypatia.shared(3).dtype == "int64"
    w = hypatia.shared(np.zeros((3, 4), dtype="float32"), name="w")
    assert isinstance(w, T.TensorVariable) and isinstance(w, hypatia.SharedVariable)
    assert (w.name, w.dtype, w.broadcastable, w.type.shape) == ("w", "float32", (False, False), (None, None))
    b = hypatia.shared(np.zeros((1, 4)), broadcastable=(True, False))
    assert b.broadcastable == (True, False)
    assert "w" in repr(w) and str(w) == "w"
    assert T.shared is hypatia.shared
    with pytest.raises(ValueError, match="broadcastable"):
        hypatia.shared(np.zeros((2, 4)), broadcastable=(True, False))


def test_usable_in_every_op():
    w = hypatia.shared(np.arange(6.0).reshape(2, 3), name="w")
    x = T.dvector("x")
    f = hypatia.function([x], [T.dot(w, x), w[1, ::-1], T.exp(w).sum(axis=0), w.T.shape])
    got = f(np.ones(3))
    v = np.arange(6.0).reshape(2, 3)
    assert_same(got[0], v @ np.ones(3))
    assert_same(got[1], v[1, ::-1])
    assert_same(got[2], np.exp(v).sum(axis=0))
    assert list(got[3]) == [3, 2]


def test_get_value_copies_unless_borrowed():
    v = np.arange(4.0)
    s = hypatia.shared(v)
    assert not np.shares_memory(s.get_value(), v)
    got = s.get_value()
    got[0] = 100
    assert s.get_value()[0] == 0
    view = s.get_value(borrow=True)
    assert address(view) == address(s.get_value(borrow=True))
    view[0] = 7
    assert s.get_value()[0] == 7


def test_borrow_shares_the_argument():
    v = np.arange(4.0)
    s = hypatia.shared(v, borrow=True)
    assert address(s.get_value(borrow=True)) == address(v)
    v[1] = 42
    assert s.get_value()[1] == 42
    u = np.ones(3)
    s.set_value(u)
    assert not np.shares_memory(s.get_value(borrow=True), u)
    s.set_value(u, borrow=True)
    assert address(s.get_value(borrow=True)) == address(u)
    del u  # the storage keeps the array alive
    assert_same(s.get_value(), np.ones(3))


def test_set_value_changes_shape_not_dtype_or_rank():
    s = hypatia.shared(np.zeros((2, 2)), name="weights")
    s.set_value(np.ones((5, 3)))
    assert s.get_value().shape == (5, 3)
    s.set_value(np.arange(4, dtype="int32").reshape(2, 2))  # lossless: converted
    assert s.get_value().dtype == np.float64
    with pytest.raises(TypeError, match="shared variable 'weights'.*2 dimensions"):
        s.set_value(np.zeros(4))
    f = hypatia.shared(np.zeros(2, dtype="float32"), name="f32")
    with pytest.raises(TypeError, match="'f32'.*float32"):
        f.set_value(np.zeros(2))
    with pytest.raises(TypeError, match="not a symbolic variable"):
        f.set_value(T.fvector())


# ---------------------------------------------------------------- updates

def test_state_persists_across_calls():
    state = hypatia.shared(0, name="state")
    inc = T.iscalar("inc")
    acc = hypatia.function([inc], state, updates=[(state, state + inc)])
    assert acc(1) == 0
    assert acc(300) == 1
    assert state.get_value() == 301
    state.set_value(-1)
    acc(3)
    assert state.get_value() == 2
    dec = hypatia.function([inc], state, updates={state: state - inc})
    dec(2)
    assert state.get_value() == 0


def test_updates_are_simultaneous():
    a = hypatia.shared(np.array([1.0, 2.0]), name="a")
    b = hypatia.shared(np.array([3.0, 4.0]), name="b")
    swap = hypatia.function([], [], updates=[(a, b), (b, a)])
    swap()
    assert_same(a.get_value(), np.array([3.0, 4.0]))
    assert_same(b.get_value(), np.array([1.0, 2.0]))
    assert not np.shares_memory(a.get_value(borrow=True), b.get_value(borrow=True))


def test_updating_twice_is_an_error():
    s = hypatia.shared(1.0, name="s")
    with pytest.raises(ValueError, match="'s' is updated twice"):
        hypatia.function([], [], updates=[(s, s + 1), (s, s * 2)])


def test_update_type_errors_name_both():
    s = hypatia.shared(np.zeros(2, dtype="float32"), name="s32")
    x = T.dvector("x")
    with pytest.raises(TypeError, match="update of shared variable 's32'.*input 'x'.*without loss"):
        hypatia.function([x], [], updates=[(s, x)])
    with pytest.raises(TypeError, match="ranks differ"):
        hypatia.function([], [], updates=[(s, T.fmatrix("m").sum())], on_unused_input="ignore")
    with pytest.raises(TypeError, match="must be a shared variable"):
        hypatia.function([x], [], updates=[(x, x + 1)])
    i = T.iscalar("i")
    t = hypatia.shared(0.0, name="t")
    hypatia.function([i], [], updates=[(t, i)])(3)  # int32 -> float64 is lossless: converted
    assert t.get_value() == 3.0 and t.get_value().dtype == np.float64


def test_updates_are_stored_in_place_without_copies():
    w = hypatia.shared(np.zeros(10000), name="w")
    lr = T.dscalar("lr")
    step = hypatia.function([lr], [], updates=[(w, w - lr * (w - 1))])
    copies = hypatia._core._update_copies()
    for _ in range(4):
        before = address(w.get_value(borrow=True))
        step(0.5)
        # the new value is the call's result buffer, not a copy into the old one
        assert address(w.get_value(borrow=True)) != before
    assert hypatia._core._update_copies() == copies
    assert_same(w.get_value(), np.full(10000, 1 - 0.5 ** 4))


def test_outputs_never_alias_the_stored_value():
    w = hypatia.shared(np.arange(3.0), name="w")
    f = hypatia.function([], [w, w * 2], updates=[(w, w * 2)])
    out, doubled = f()
    assert not np.shares_memory(out, w.get_value(borrow=True))
    assert not np.shares_memory(doubled, w.get_value(borrow=True))
    out[0] = 99
    assert_same(w.get_value(), np.array([0.0, 2.0, 4.0]))


def test_default_updates():
    counter = hypatia.shared(0, name="counter")
    counter.default_update = counter + 1
    assert counter.default_update is not None
    f = hypatia.function([], counter * 2)
    f()
    f()
    assert counter.get_value() == 2
    hypatia.function([], counter * 2, no_default_updates=True)()
    assert counter.get_value() == 2
    hypatia.function([], counter * 2, no_default_updates=[counter])()
    assert counter.get_value() == 2
    hypatia.function([], [], updates=[(counter, counter + 10)])()
    assert counter.get_value() == 12
    counter.default_update = None
    assert counter.default_update is None
    hypatia.function([], counter)()
    assert counter.get_value() == 12


# ---------------------------------------------------------------- givens

def test_givens_minibatch_idiom():
    data = np.arange(12.0).reshape(6, 2)
    labels = np.array([0, 1, 1, 0, 1, 0], dtype="int64")
    train_x = hypatia.shared(data, name="train_x")
    train_y = hypatia.shared(labels, name="train_y")
    x, y = T.dmatrix("x"), T.lvector("y")
    index = T.lscalar("index")
    bs = 2
    f = hypatia.function([index], [x.sum(axis=0), y.sum()],
                         givens={x: train_x[index * bs:(index + 1) * bs], y: train_y[index * bs:(index + 1) * bs]})
    for i in range(3):
        sx, sy = f(i)
        assert_same(sx, data[i * bs:(i + 1) * bs].sum(axis=0))
        assert sy == labels[i * bs:(i + 1) * bs].sum()


def test_givens_apply_to_updates_and_replace_shared_variables():
    s = hypatia.shared(1.0, name="s")
    x = T.dscalar("x")
    y = T.dscalar("y")
    f = hypatia.function([y], [], updates=[(s, s + x)], givens=[(x, y * 2)])
    f(3.0)
    assert s.get_value() == 7.0
    g = hypatia.function([y], s * 10, givens={s: y})
    assert g(2.0) == 20.0


# ---------------------------------------------------------------- In, Out, calls

def test_in_with_update_is_implicit_state():
    state = T.dscalar("state")
    inc = T.dscalar("inc")
    acc = hypatia.function([hypatia.In(state, value=0.0, update=state + inc), inc], state + inc)
    assert acc(1.0) == 1.0
    assert acc(2.0) == 3.0
    assert acc(inc=10.0) == 13.0
    assert acc(inc=0.0, state=100.0) == 100.0  # a keyword sets the state
    assert acc(1.0) == 101.0
    with pytest.raises(TypeError, match="starting value"):
        hypatia.In(state, update=state + 1)


def test_in_options_and_keyword_calls():
    x, y = T.dscalars("x", "y")
    f = hypatia.function([x, hypatia.In(y, value=2.0, name="why", mutable=True, borrow=True)], x * y)
    assert f(3.0) == 6.0
    assert f(3.0, why=4.0) == 12.0
    assert f(why=5.0, x=2.0) == 10.0
    with pytest.raises(TypeError, match="no input named 'y'"):
        f(1.0, y=2.0)
    with pytest.raises(TypeError, match="given twice"):
        f(1.0, x=2.0)
    with pytest.raises(TypeError, match="shared variable"):
        hypatia.function([hypatia.shared(1.0)], [])


def test_out_borrow_and_structures():
    x = T.dvector("x")
    f = hypatia.function([x], hypatia.Out(x * 2, borrow=True))
    assert_same(f(np.ones(2)), np.full(2, 2.0))
    g = hypatia.function([x], {"a": x + 1, "b": hypatia.Out(x - 1)})
    got = g(np.zeros(2))
    assert set(got) == {"a", "b"}
    assert_same(got["b"], np.full(2, -1.0))


def test_output_subset():
    x = T.dscalar("x")
    s = hypatia.shared(0.0, name="s")
    f = hypatia.function([x], [x + 1, x + 2, x + 3], updates=[(s, s + x)])
    assert f(1.0, output_subset=[2, 0]) == [4.0, 2.0]
    assert s.get_value() == 1.0  # updates still run
    g = hypatia.function([x], {"a": x + 1, "b": x * 10})
    assert g(2.0, output_subset=["b"]) == {"b": 20.0}
    with pytest.raises(IndexError, match="output_subset"):
        f(1.0, output_subset=[5])


def test_copy_shares_code_and_swaps_shared_variables():
    # Theano's test_swap_SharedVariable.
    i = T.iscalar()
    x_list = hypatia.shared(np.random.default_rng(0).random(10))
    x = T.dscalar("x")
    y = hypatia.shared(1, name="y")
    z = hypatia.shared(2, name="z")
    m = hypatia.shared(0, name="m")
    y_rpl = hypatia.shared(3, name="y_rpl")
    z_rpl = hypatia.shared(4, name="z_rpl")
    ori = hypatia.function([i], [x + y + z + m], updates=[(z, z + 1), (m, m + 2)], givens={x: x_list[i]})
    cpy = ori.copy(swap={y: y_rpl, z: z_rpl})
    ori(1), cpy(1), cpy(2)
    assert m.get_value() == 6
    assert z.get_value() == 3
    assert z_rpl.get_value() == 6
    assert y_rpl.get_value() == 3 and y.get_value() == 1
    frozen = ori.copy(delete_updates=True)
    frozen(1)
    assert m.get_value() == 6
    assert isinstance(cpy, hypatia.Function) and cpy.inputs == ori.inputs
    assert {v.name for v in ori.get_shared()} >= {"y", "z", "m"}
    with pytest.raises(TypeError, match="types differ"):
        ori.copy(swap={y: hypatia.shared(1.0)})


def test_on_unused_input_sees_updates_and_givens():
    x, y = T.dscalars("x", "y")
    s = hypatia.shared(0.0, name="s")
    hypatia.function([x], [], updates=[(s, x)])(2.0)  # x is used by the update
    assert s.get_value() == 2.0
    with pytest.raises(hypatia.UnusedInputError, match="'x'"):
        hypatia.function([x, y], x + y, givens={x: y * 1})


def test_a_training_loop_converges():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(50, 3))
    true_w = np.array([1.0, -2.0, 0.5])
    b = a @ true_w
    w = hypatia.shared(np.zeros(3), name="w")
    x, y = T.dmatrix("x"), T.dvector("y")
    cost = ((T.dot(x, w) - y) ** 2).mean()
    g = T.grad(cost, w)
    train = hypatia.function([x, y], cost, updates=[(w, w - 0.1 * g)])
    first = train(a, b)
    for _ in range(300):
        last = train(a, b)
    assert last < first * 1e-6
    assert np.allclose(w.get_value(), true_w, atol=1e-3)
