"""The stable nnet ops from Python: T.nnet (Theano's names), hypatia.tensor.special
(PyTensor's and SciPy's), T.logsumexp / T.logaddexp / T.log1mexp, against NumPy and
SciPy, at the inputs where the naive formulas overflow, and verify_grad."""
import warnings

import numpy as np
import pytest
import scipy.special as sp

import hypatia
import hypatia.tensor as T
from hypatia import gradient
from hypatia.tensor import special
from helpers import assert_same, run

RNG = np.random.default_rng(6)
INF = np.inf


def scipy_quiet(f, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return f(*args, **kwargs)


def assert_log_close(got, want):
    """log_softmax near 0: SciPy's log(sum) loses the relative digits that our log1p keeps,
    so compare absolutely there (1e-15 is a few ulps of the terms that were added)."""
    want = np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, equal_nan=True)


def test_names():
    assert T.nnet.logsoftmax is T.nnet.log_softmax is T.log_softmax
    assert T.nnet.softmax is T.softmax
    assert special.logsumexp and special.softmax and special.log_softmax
    for f in (T.logaddexp, T.log1mexp, T.logsumexp, T.softmax, T.log_softmax, T.softmax_cross_entropy,
              T.nnet.categorical_crossentropy, T.nnet.crossentropy_softmax_1hot):
        assert f.__doc__


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logaddexp_vs_numpy(dtype):
    a = np.array([1000, -INF, INF, INF, np.nan, 0, -1000, 1e-20, 3.5], dtype=dtype)
    b = np.array([1000, -INF, INF, -INF, 1, 0, 0, 0, -2], dtype=dtype)
    assert_same(run(T.logaddexp, a, b), scipy_quiet(np.logaddexp, a, b))
    c, d = RNG.normal(size=(3, 1)).astype(dtype), RNG.normal(size=4).astype(dtype)
    assert_same(run(T.logaddexp, c, d), np.logaddexp(c, d), rtol=1e-6 if dtype == "float32" else 1e-14)


def test_log1mexp_values():
    x = np.array([-1e-20, 0.0, 1.0, -INF, -1000.0, -0.5, -3.0])
    with np.errstate(all="ignore"):
        want = np.where(x > -np.log(2), np.log(-np.expm1(x)), np.log1p(-np.exp(x)))
    assert_same(run(T.log1mexp, x), want)
    assert run(T.log1mexp, np.array(-1e-20)) == pytest.approx(-46.051701859880914, rel=1e-15)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_vs_scipy(axis, keepdims):
    x = RNG.normal(scale=30, size=(2, 3, 4))
    assert_same(run(lambda v: T.logsumexp(v, axis=axis, keepdims=keepdims), x),
                sp.logsumexp(x, axis=axis, keepdims=keepdims), rtol=1e-13)
    assert_same(run(lambda v: special.logsumexp(v, axis=axis, keepdims=keepdims), x),
                sp.logsumexp(x, axis=axis, keepdims=keepdims), rtol=1e-13)


def test_logsumexp_edges():
    x = np.array([[1000, 1000], [-INF, -INF], [INF, -INF], [np.nan, 1], [0, -1000]])
    assert_same(run(lambda v: T.logsumexp(v, axis=1), x), scipy_quiet(sp.logsumexp, x, axis=1))
    assert run(lambda v: T.logsumexp(v), np.array([1000.0, 1000.0])) == 1000.6931471805599
    assert_same(run(lambda v: T.logsumexp(v), np.array([1000, 1000], dtype="float32")), np.float32(1000.6931471805599))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax_vs_scipy(axis):
    x = RNG.normal(scale=20, size=(3, 4, 2))
    assert_same(run(lambda v: T.nnet.softmax(v, axis=axis), x), sp.softmax(x, axis=axis), rtol=1e-13)
    assert_log_close(run(lambda v: T.nnet.logsoftmax(v, axis=axis), x), sp.log_softmax(x, axis=axis))
    assert_same(run(lambda v: special.softmax(v, axis=axis), x), sp.softmax(x, axis=axis), rtol=1e-13)
    assert_log_close(run(lambda v: special.log_softmax(v, axis=axis), x), sp.log_softmax(x, axis=axis))


def test_special_axis_none_is_the_whole_array():
    x = RNG.normal(size=(3, 4))
    assert_same(run(special.softmax, x), sp.softmax(x), rtol=1e-13)
    assert_log_close(run(special.log_softmax, x), sp.log_softmax(x))
    assert_same(run(special.logsumexp, x), sp.logsumexp(x), rtol=1e-13)


def test_softmax_edges_follow_scipy():
    x = np.array([[1000, 1000], [-INF, -INF], [INF, 0], [np.nan, 1], [-INF, 0], [0, -1000]])
    assert_same(run(T.nnet.softmax, x), scipy_quiet(sp.softmax, x, axis=-1))
    assert_same(run(T.nnet.logsoftmax, x), scipy_quiet(sp.log_softmax, x, axis=-1))
    assert_same(run(T.nnet.softmax, np.array([1000.0, 1000.0])), [0.5, 0.5])
    assert_same(run(T.nnet.logsoftmax, np.array([0.0, -1000.0])), [0.0, -1000.0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_cross_entropy(dtype):
    z = RNG.normal(scale=5, size=(4, 3)).astype(dtype)
    y = np.array([2, 0, 1, 1])
    want = -sp.log_softmax(z.astype("float64"), axis=1)[np.arange(4), y]
    rtol = 1e-5 if dtype == "float32" else 1e-13
    assert_same(run(T.nnet.softmax_cross_entropy, z, y), want.astype(dtype), rtol=rtol)
    gap = np.array([[0, 1000], [1000, 0]], dtype=dtype)
    assert_same(run(T.nnet.softmax_cross_entropy, gap, np.array([0, 0])), np.array([1000, 0], dtype=dtype))
    xent, sm = run(lambda a, b: list(T.nnet.crossentropy_softmax_1hot(a, b)), z, y)
    assert_same(xent, want.astype(dtype), rtol=rtol)
    assert_same(sm, sp.softmax(z.astype("float64"), axis=1).astype(dtype), rtol=rtol)


def test_softmax_cross_entropy_errors():
    z, y = T.dmatrix("z"), T.lvector("y")
    f = hypatia.function([z, y], T.nnet.softmax_cross_entropy(z, y))
    with pytest.raises(IndexError, match="target 3 is out of bounds for 3 classes"):
        f(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match="targets must be integers"):
        T.nnet.softmax_cross_entropy(z, T.dvector("t"))


def test_categorical_crossentropy_theano_semantics():
    p = sp.softmax(RNG.normal(size=(4, 3)), axis=1)
    y = np.array([2, 0, 1, 1])
    assert_same(run(T.nnet.categorical_crossentropy, p, y), -np.log(p[np.arange(4), y]), rtol=1e-13)
    one_hot = np.eye(3)[y]
    assert_same(run(T.nnet.categorical_crossentropy, p, one_hot), -np.sum(one_hot * np.log(p), axis=-1), rtol=1e-13)
    soft = sp.softmax(RNG.normal(size=(4, 3)), axis=1)
    assert_same(run(T.nnet.categorical_crossentropy, p, soft), -np.sum(soft * np.log(p), axis=-1), rtol=1e-13)
    with pytest.raises(TypeError, match="integer dtype"):
        T.nnet.categorical_crossentropy(T.dmatrix(), T.dvector())


def test_gradients_at_the_extremes_are_finite():
    x = T.dvector("x")
    for cost, at, want in [
        (T.logsumexp(x), [1000.0, 1000.0], [0.5, 0.5]),
        (T.sum(T.nnet.logsoftmax(x)), [0.0, -1000.0], [-1.0, 1.0]),
        (T.logaddexp(x[0], x[1]), [1000.0, 1000.0], [0.5, 0.5]),
    ]:
        g = hypatia.function([x], T.grad(cost, x))(np.array(at))
        assert_same(g, np.array(want), rtol=1e-12)
    z = T.dmatrix("z")
    cost = T.sum(T.nnet.softmax_cross_entropy(z, np.array([0, 1])))
    g = hypatia.function([z], T.grad(cost, z))(np.array([[1000.0, 0.0], [1000.0, 0.0]]))
    assert_same(g, np.array([[0.0, 0.0], [1.0, -1.0]]))


@pytest.mark.parametrize("case", ["logaddexp", "log1mexp", "logsumexp", "softmax", "log_softmax", "xent",
                                  "categorical"])
def test_verify_grad(case):
    y = np.array([2, 0, 1])
    funs = {
        "logaddexp": (lambda a, b: T.logaddexp(a, b), [RNG.normal(size=(3, 2)), RNG.normal(size=2)]),
        "log1mexp": (lambda a: T.log1mexp(a), [RNG.uniform(-3, -0.1, size=(2, 3))]),
        "logsumexp": (lambda a: T.logsumexp(a, axis=(0, 2)), [RNG.normal(size=(2, 3, 2))]),
        "softmax": (lambda a: special.softmax(a, axis=0), [RNG.normal(size=(3, 2))]),
        "log_softmax": (lambda a: T.nnet.logsoftmax(a), [RNG.normal(size=(3, 2))]),
        "xent": (lambda a: T.nnet.softmax_cross_entropy(a, y), [RNG.normal(size=(3, 4))]),
        "categorical": (lambda a: T.nnet.categorical_crossentropy(T.nnet.softmax(a), y), [RNG.normal(size=(3, 4))]),
    }
    fun, pt = funs[case]
    gradient.verify_grad(fun, pt, rng=np.random.default_rng(0))


# ---- activations and losses (hypatia/ops/nnet.hpp's compositions)

EDGES = np.array([-INF, -1e308, -1000, -40, -2.5, -1e-300, 0, 1e-300, 0.3, 2.5, 40, 1000, 1e308, INF, np.nan])
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def np_elu(x, alpha=1.0):
    with np.errstate(all="ignore"):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def np_softplus(x):
    with np.errstate(all="ignore"):
        return np.where(x > 0, x + np.log1p(np.exp(-np.abs(x))), np.log1p(np.exp(np.minimum(x, 0))))


ACTIVATIONS = {
    "relu": (T.nnet.relu, lambda x: np.maximum(x, 0)),
    "leaky_relu": (lambda v: T.nnet.relu(v, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "elu": (T.nnet.elu, np_elu),
    "elu_alpha": (lambda v: T.nnet.elu(v, alpha=0.3), lambda x: np_elu(x, 0.3)),
    "selu": (T.nnet.selu, lambda x: SELU_SCALE * np_elu(x, SELU_ALPHA)),
    "softsign": (T.nnet.softsign, lambda x: x / (1 + np.abs(x))),
    "hard_sigmoid": (T.nnet.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    "sigmoid": (T.nnet.sigmoid, sp.expit),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activations_vs_numpy(name, dtype):
    build, ref = ACTIVATIONS[name]
    x = EDGES.astype(dtype) if dtype == "float64" else np.clip(EDGES, -3e38, 3e38).astype(dtype)
    if name == "softsign":  # inf / inf: NaN in the formula, in NumPy and in Theano alike
        x = x[np.isfinite(x) | np.isnan(x)]
    if name == "selu" and dtype == "float64":  # scale * 1e308 overflows in any formula
        x = x[np.abs(x) != 1e308]
    with np.errstate(all="ignore"):
        want = ref(x).astype(dtype)
    got = run(build, x)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=2e-6 if dtype == "float32" else 1e-15, atol=0, equal_nan=True)
    assert np.isnan(got).sum() == np.isnan(x).sum()  # NaN only from NaN


def test_activation_dtypes_and_symbolic_alpha():
    i = np.array([-3, 0, 4], dtype="int32")
    assert_same(run(T.nnet.relu, i), np.array([0, 0, 4], dtype="int32"))
    assert_same(run(lambda v: T.nnet.relu(v, 0.5), i), np.array([-1.5, 0, 4]))
    a = T.dscalar("a")
    x = T.dvector("x")
    f = hypatia.function([x, a], T.nnet.relu(x, a))
    assert_same(f(np.array([-2.0, 3.0]), 0.25), np.array([-0.5, 3.0]))
    assert run(T.nnet.selu, np.array(-INF)) == pytest.approx(-1.7580993408473766, rel=1e-15)


def test_categorical_crossentropy_of_softmax_is_stable():
    z = np.array([[0.0, -1000.0, 1000.0], [5.0, 5.0, 5.0]])
    y = np.array([1, 0])
    want = np.array([2000.0, np.log(3.0)])
    assert_same(run(lambda v: T.nnet.categorical_crossentropy(T.nnet.softmax(v), y), z), want, rtol=1e-15)
    one_hot = np.eye(3)[y]
    assert_same(run(lambda v: T.nnet.categorical_crossentropy(T.nnet.softmax(v), one_hot), z), want, rtol=1e-15)
    with pytest.raises(TypeError, match="rank"):
        T.nnet.categorical_crossentropy(T.dmatrix(), T.ltensor3())


def test_binary_crossentropy():
    o, t = np.array([0.2, 0.9, 0.5]), np.array([0.0, 1.0, 0.25])
    assert_same(run(T.nnet.binary_crossentropy, o, t), -(t * np.log(o) + (1 - t) * np.log1p(-o)), rtol=1e-15)
    # Of a sigmoid: from the logits, finite where 1 - sigmoid(1000) is 0.
    z = np.array([1000.0, -1000.0, 0.0])
    assert_same(run(lambda v: T.nnet.binary_crossentropy(T.nnet.sigmoid(v), np.array([0.0, 1.0, 1.0])), z),
                np.array([1000.0, 1000.0, np.log(2)]), rtol=1e-15)


@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
def test_sigmoid_binary_crossentropy_at_every_scale(target):
    z = np.array([-1e308, -1e20, -1000, -40, -1, -1e-300, 0, 1e-300, 1, 40, 1000, 1e20, 1e308])
    with np.errstate(all="ignore"):
        want = target * np_softplus(-z) + (1 - target) * np_softplus(z)
    got = run(lambda v: T.nnet.sigmoid_binary_crossentropy(v, target), z)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert special.sigmoid_binary_crossentropy is T.nnet.sigmoid_binary_crossentropy


def test_activation_gradients_at_huge_inputs_are_finite():
    x = T.dvector("x")
    big = np.array([-1e308, -1000.0, 1000.0, 1e308])
    for cost, want in [
        (T.nnet.elu(x).sum(), [0, 0, 1, 1]),
        (T.nnet.relu(x, 0.1).sum(), [0.1, 0.1, 1, 1]),
        (T.nnet.sigmoid(x).sum(), [0, 0, 0, 0]),
        (T.nnet.hard_sigmoid(x).sum(), [0, 0, 0, 0]),
        (T.nnet.sigmoid_binary_crossentropy(x, 1.0).sum(), [-1, -1, 0, 0]),
        (T.nnet.binary_crossentropy(T.nnet.sigmoid(x), 0.25).sum(), [-0.25, -0.25, 0.75, 0.75]),
    ]:
        g = hypatia.function([x], T.grad(cost, x))(big)
        assert np.all(np.isfinite(g))
        np.testing.assert_allclose(g, want, atol=1e-12)


def away_from_zero(shape):
    v = RNG.uniform(-3, 3, size=shape)
    return np.where(np.abs(v) < 0.1, v + np.copysign(0.2, v), v)


@pytest.mark.parametrize("case", ["relu", "leaky_relu", "elu", "selu", "softsign", "hard_sigmoid", "categorical_int",
                                  "categorical_onehot", "binary", "binary_of_sigmoid", "sigmoid_binary"])
def test_verify_grad_activations_and_losses(case):
    probs = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
    y = np.array([2, 0])
    target = np.array([0.0, 1.0, 0.4])
    funs = {
        "relu": (T.nnet.relu, [away_from_zero((3, 4))]),
        "leaky_relu": (lambda a: T.nnet.relu(a, 0.2), [away_from_zero((3, 4)).T]),
        "elu": (T.nnet.elu, [away_from_zero((3, 4))]),
        "selu": (special.selu, [away_from_zero((3, 4))]),
        "softsign": (T.nnet.softsign, [away_from_zero((3, 4))]),
        "hard_sigmoid": (T.nnet.hard_sigmoid, [np.array([-4.0, -1.0, 0.3, 2.0, 3.5])]),
        "categorical_int": (lambda a: T.nnet.categorical_crossentropy(a, y), [probs]),
        "categorical_onehot": (lambda a: T.nnet.categorical_crossentropy(a, np.eye(3)[y]), [probs]),
        "binary": (T.nnet.binary_crossentropy, [np.array([0.2, 0.7, 0.9]), target]),
        "binary_of_sigmoid": (lambda a, t: T.nnet.binary_crossentropy(T.nnet.sigmoid(a), t), [away_from_zero(3), target]),
        "sigmoid_binary": (T.nnet.sigmoid_binary_crossentropy, [away_from_zero(3), target]),
    }
    fun, pt = funs[case]
    gradient.verify_grad(fun, pt, rng=np.random.default_rng(1))
    gradient.verify_grad(fun, [p.astype("float32") for p in pt], rng=np.random.default_rng(2))


def test_nnet_and_special_names():
    for name in ["relu", "elu", "selu", "softsign", "hard_sigmoid", "ultra_fast_sigmoid", "sigmoid", "softplus",
                 "softmax", "logsoftmax", "log_softmax", "categorical_crossentropy", "binary_crossentropy",
                 "sigmoid_binary_crossentropy", "crossentropy_softmax_1hot", "crossentropy_categorical_1hot"]:
        assert getattr(T.nnet, name).__doc__, name
    for name in ["softmax", "log_softmax", "logsumexp", "relu", "elu", "selu", "softsign", "hard_sigmoid", "expit",
                 "log1pexp", "sigmoid", "softplus", "binary_crossentropy", "categorical_crossentropy"]:
        assert callable(getattr(special, name)), name
    assert T.nnet.sigmoid is T.sigmoid and special.expit is T.sigmoid
