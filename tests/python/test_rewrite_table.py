"""Rows 9-19 of the stabilize table in Python: each naive formula at its failing input
gives the stable value in FAST_RUN and FAST_COMPILE, and its gradient is finite."""
import math

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T

MODES = ["FAST_RUN", "FAST_COMPILE"]
LSE = 1000.6931471805599


def _run(inputs, output, args, mode):
    return np.asarray(hypatia.function(inputs, output, mode=mode)(*args))


@pytest.mark.parametrize("mode", MODES)
def test_scalar_rows(mode):
    x, y = T.dscalar("x"), T.dscalar("y")
    rows = [
        ("9", [x, y], T.log(T.exp(x) + T.exp(y)), (1000.0, 1000.0), LSE),
        ("14", [x], T.log(T.erfc(x)), (30.0,), -903.974),
        ("15", [x], 1 + T.erf(x), (-10.0,), 2.088487583762545e-45),
        ("16", [x], T.log(-T.expm1(x)), (-1e-20,), -46.051701859880914),
        ("16b", [x], T.log1p(-T.exp(x)), (-1e-20,), -46.051701859880914),
        ("17", [x, y], T.log(T.exp(x) - T.exp(y)), (1000.0, 999.0), 999.5413248546129),
    ]
    for name, inputs, out, args, want in rows:
        got = float(_run(inputs, out, args, mode))
        assert math.isclose(got, want, rel_tol=1e-6), (name, got, want)


@pytest.mark.parametrize("mode", MODES)
def test_reduction_rows(mode):
    v = T.dvector("v")
    big = np.array([1000.0, 1000.0])
    assert math.isclose(float(_run([v], T.log(T.sum(T.exp(v))), [big], mode)), LSE, rel_tol=1e-15)
    np.testing.assert_allclose(_run([v], T.exp(v) / T.sum(T.exp(v)), [big], mode), [0.5, 0.5])
    np.testing.assert_allclose(_run([v], T.log(T.nnet.softmax(v)), [np.array([0.0, -1000.0])], mode),
                               [0.0, -1000.0])


@pytest.mark.parametrize("mode", MODES)
def test_negative_log_likelihood_is_finite_at_a_gap_of_1000(mode):
    z = T.dmatrix("z")
    y = T.lvector("y")
    cost = -T.mean(T.log(T.nnet.softmax(z))[T.arange(y.shape[0]), y])
    logits = np.array([[0.0, 1000.0], [1000.0, 0.0], [5.0, 5.0]])
    targets = np.array([0, 0, 1])
    f = hypatia.function([z, y], [cost, T.grad(cost, z)], mode=mode)
    value, g = f(logits, targets)
    assert math.isclose(float(value), (1000 + math.log(2)) / 3, rel_tol=1e-12)
    assert np.all(np.isfinite(g))
    soft = np.exp(logits - logits.max(axis=1, keepdims=True))
    soft /= soft.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(g, (soft - np.eye(2)[targets]) / 3, atol=1e-15)


@pytest.mark.parametrize("mode", MODES)
def test_gradients_of_the_stable_forms(mode):
    x, y = T.dscalar("x"), T.dscalar("y")
    assert math.isclose(float(_run([x, y], T.grad(T.log(T.exp(x) + T.exp(y)), x), (1000.0, 1000.0), mode)), 0.5,
                        rel_tol=1e-12)
    assert math.isclose(float(_run([x], T.grad(T.log(T.erfc(x)), x), (30.0,), mode)), -60.03329639875622,
                        rel_tol=1e-9)
    # Row 18: the gradient of where(x > 0, log(x), 0) at 0 is 0, not NaN.
    assert float(_run([x], T.grad(T.switch(x > 0, T.log(x), 0), x), (0.0,), mode)) == 0.0
    # Row 19: binary cross-entropy of sigmoid(x) at x = -800, t = 0.
    t = T.dscalar("t")
    p = T.nnet.sigmoid(x)
    bce = -(t * T.log(p) + (1 - t) * T.log(1 - p))
    value, g = hypatia.function([x, t], [bce, T.grad(bce, x)], mode=mode)(-800.0, 0.0)
    assert abs(float(value)) < 1e-300 and abs(float(g)) < 1e-300
