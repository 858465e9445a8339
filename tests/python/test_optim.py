"""hypatia.optim on a convex quadratic, cost = 0.5 sum(a (p - c)^2) (gradient
a (p - c)), against each optimizer's closed-form step computed here in NumPy for three
steps; gradients given as a list or a cost; symbolic learning rates; dtypes; errors."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia import optim

A = np.array([1.0, 4.0, 0.5])
C = np.array([0.5, -1.0, 2.0])
P0 = np.array([1.0, 1.0, -1.0])


def quadratic():
    p = hypatia.shared(P0.copy(), name="p")
    return p, 0.5 * T.sum(A * (p - C) ** 2)


def expect_steps(p, cost, updates, step):
    f = hypatia.function([], cost, updates=updates)
    want = P0.copy()
    for _ in range(3):
        f()
        want = step(want, A * (want - C))
        np.testing.assert_allclose(p.get_value(), want, rtol=1e-13, atol=1e-15)


def test_sgd_by_hand_and_closed_form():
    p, cost = quadratic()
    hypatia.function([], cost, updates=optim.sgd([p], cost, learning_rate=0.1))()
    # g = a (p - c) = [0.5, 8, -1.5]: p - 0.1 g
    np.testing.assert_allclose(p.get_value(), [0.95, 0.2, -0.85], rtol=1e-15)
    p, cost = quadratic()
    expect_steps(p, cost, optim.sgd([p], cost, learning_rate=0.1), lambda w, g: w - 0.1 * g)


@pytest.mark.parametrize("look_ahead", [False, True])
def test_momentum_and_nesterov(look_ahead):
    p, cost = quadratic()
    make = optim.nesterov if look_ahead else optim.momentum
    updates = make([p], cost, learning_rate=0.05, momentum=0.8)
    assert [s.name for s, _ in updates] == ["p.velocity", "p"]
    v = np.zeros(3)

    def step(w, g):
        nonlocal v
        v = 0.8 * v - 0.05 * g
        return w + (0.8 * v - 0.05 * g if look_ahead else v)

    expect_steps(p, cost, updates, step)


def test_adam():
    p, cost = quadratic()
    m, v, t = np.zeros(3), np.zeros(3), 0

    def step(w, g):
        nonlocal m, v, t
        t += 1
        a = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        return w - a * m / (np.sqrt(v) + 1e-8)

    expect_steps(p, cost, optim.adam([p], cost, learning_rate=0.1), step)
    # The first step moves every coordinate by the learning rate (m / sqrt(v) = sign(g)).
    p, cost = quadratic()
    hypatia.function([], cost, updates=optim.adam([p], cost, learning_rate=0.1))()
    np.testing.assert_allclose(p.get_value(), [0.9, 0.9, -0.9], rtol=1e-7)


def test_rmsprop():
    p, cost = quadratic()
    acc = np.zeros(3)

    def step(w, g):
        nonlocal acc
        acc = 0.9 * acc + 0.1 * g * g
        return w - 0.01 * g / np.sqrt(acc + 1e-6)

    expect_steps(p, cost, optim.rmsprop([p], cost, learning_rate=0.01, rho=0.9, epsilon=1e-6), step)


def test_adadelta():
    p, cost = quadratic()
    acc, acc_delta = np.zeros(3), np.zeros(3)

    def step(w, g):
        nonlocal acc, acc_delta
        acc = 0.95 * acc + 0.05 * g * g
        d = g * np.sqrt(acc_delta + 1e-6) / np.sqrt(acc + 1e-6)
        acc_delta = 0.95 * acc_delta + 0.05 * d * d
        return w - d

    expect_steps(p, cost, optim.adadelta([p], cost), step)


def test_gradient_list_symbolic_rate_and_float32():
    p, cost = quadratic()
    lr = hypatia.shared(0.1, name="lr")
    f = hypatia.function([], cost, updates=optim.sgd([p], T.grad(cost, [p]), learning_rate=lr))
    f()
    lr.set_value(0.0)
    f()
    np.testing.assert_allclose(p.get_value(), [0.95, 0.2, -0.85], rtol=1e-15)
    w = hypatia.shared(np.array([1.0, -2.0], dtype="float32"), name="w")
    c = T.sum(w ** 2)
    for make in (optim.sgd, optim.momentum, optim.nesterov, optim.adam, optim.rmsprop, optim.adadelta):
        for s, e in make([w], c):
            assert e.dtype == s.dtype, (make.__name__, s.name)
    lr.set_value(0.25)
    hypatia.function([], c, updates=optim.sgd([w], c, learning_rate=lr))()
    got = w.get_value()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.float32([0.5, -1.0]))


def test_a_seeded_logistic_regression_converges_with_each_optimizer():
    rng = np.random.default_rng(0)
    x_data = rng.normal(size=(200, 5))
    y_data = (x_data @ rng.normal(size=5) > 0).astype("int64")
    # (optimizer, hyperparameters, the factor the cost must fall by in 100 full-batch
    # steps from log 2); adadelta's unit-free steps start tiny (sqrt(epsilon)).
    for make, kw, factor in [(optim.sgd, dict(learning_rate=0.5), 3), (optim.momentum, dict(learning_rate=0.1), 3),
                             (optim.nesterov, dict(learning_rate=0.1), 3), (optim.adam, dict(learning_rate=0.05), 3),
                             (optim.rmsprop, dict(learning_rate=0.01), 3), (optim.adadelta, dict(), 1.5)]:
        W = hypatia.shared(np.zeros((5, 2)), name="W")
        b = hypatia.shared(np.zeros(2), name="b")
        x, y = T.dmatrix("x"), T.lvector("y")
        p_y = T.nnet.softmax(T.dot(x, W) + b)
        cost = T.nnet.categorical_crossentropy(p_y, y).mean()
        train = hypatia.function([x, y], cost, updates=make([W, b], cost, **kw))
        first = float(train(x_data, y_data))
        for _ in range(100):
            last = float(train(x_data, y_data))
        assert last < first / factor, (make.__name__, first, last)


def test_errors():
    p, cost = quadratic()
    with pytest.raises(ValueError, match="1 parameters but 0 gradients"):
        optim.sgd([p], [])
    with pytest.raises(TypeError, match="float scalar"):
        optim.adam([p], p * 2)
    n = hypatia.shared(np.array([1, 2]), name="n")
    with pytest.raises(TypeError, match="'n' has dtype int64"):
        optim.momentum([n], [n * 2])
    with pytest.raises(TypeError, match="rank 0"):
        optim.rmsprop([p], [T.sum(p)])
