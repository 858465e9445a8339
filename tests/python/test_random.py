"""Random ops and RandomStreams (hypatia.tensor.shared_randomstreams): reproducibility,
statistics against SciPy's distributions (KS tests with fixed seeds), ranges, errors."""
import numpy as np
import pytest
import scipy.stats

import hypatia
import hypatia.tensor as T
from hypatia.tensor.shared_randomstreams import RandomStreams

N = 4000
KS_P = 1e-3  # fixed seeds: deterministic; a correct sampler passes at this level


def draw(op, key=0, counter=0, **kwargs):
    """(new state, sample) of one random op on a fresh state."""
    s = T.tensor("uint64", shape=(2,), name="s")
    ns, x = op(s, **kwargs)
    return hypatia.function([s], [ns, x])(T.random_state(key, counter))


# ---------------------------------------------------------------- the ops


def test_ops_are_pure_functions_of_the_state():
    a = draw(T.random_normal, key=3, size=(5,))
    b = draw(T.random_normal, key=3, size=(5,))
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].tolist() == [3, 5]
    # Element i depends on (key, counter + i) only.
    big = draw(T.random_uniform, key=3, size=(10,))[1]
    shifted = draw(T.random_uniform, key=3, counter=4, size=(6,))[1]
    np.testing.assert_array_equal(big[4:], shifted)
    assert T.random_uniform.__doc__ and T.random_state(1).dtype == np.uint64


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_ks(dtype):
    _, x = draw(T.random_uniform, key=1, size=(N,), low=-1.0, high=3.0, dtype=dtype)
    assert x.dtype == dtype and x.min() >= -1 and x.max() < 3
    assert scipy.stats.kstest(x, scipy.stats.uniform(-1, 4).cdf).pvalue > KS_P


def test_normal_and_truncated_normal_ks():
    _, x = draw(T.random_normal, key=2, size=(N,), mean=2.0, std=3.0)
    assert scipy.stats.kstest(x, scipy.stats.norm(2, 3).cdf).pvalue > KS_P
    _, t = draw(T.random_truncated_normal, key=2, size=(N,), mean=2.0, std=3.0)
    assert np.all(np.abs(t - 2) <= 6)
    assert scipy.stats.kstest(t, scipy.stats.truncnorm(-2, 2, loc=2, scale=3).cdf).pvalue > KS_P


def test_binomial_integers_choice_permutation_multinomial():
    _, b = draw(T.random_binomial, key=4, size=(N,), n=50, p=0.2)
    assert abs(b.mean() - 10) < 4 * np.sqrt(8 / N) and b.dtype == np.int64
    _, i = draw(T.random_integers, key=5, size=(N,), low=-2, high=3)
    assert set(np.unique(i)) == {-2, -1, 0, 1, 2}
    _, c = draw(T.random_choice, key=6, size=(5,), a=np.arange(10.0) * 10, replace=False)
    assert len(set(c)) == 5 and c.dtype == np.float64
    _, p = draw(T.random_permutation, key=7, size=(4,), n=6)
    assert p.shape == (4, 6) and all(sorted(r) == list(range(6)) for r in p)
    _, m = draw(T.random_multinomial, key=8, size=(100,), n=9, pvals=[0.1, 0.2, 0.7])
    assert m.shape == (100, 3) and np.all(m.sum(axis=1) == 9)


def test_errors_name_the_op_and_the_line():
    with pytest.raises(ValueError, match=r"random_uniform.*low > high|low > high.*test_random\.py"):
        draw(T.random_uniform, size=(3,), low=2.0, high=1.0)
    with pytest.raises(ValueError, match="p < 0, p > 1 or p is NaN"):
        draw(T.random_binomial, size=(3,), n=3, p=1.5)
    with pytest.raises(ValueError, match="test_random.py"):
        draw(T.random_integers, size=(3,), low=5, high=5)
    with pytest.raises(hypatia.ShapeError, match="cannot be broadcast to size"):
        draw(T.random_normal, size=(3,), mean=np.zeros(2))


# ---------------------------------------------------------------- RandomStreams


def test_random_streams_is_theanos():
    assert hypatia.RandomStreams is RandomStreams
    from hypatia.tensor import shared_randomstreams
    assert shared_randomstreams.RandomStreams is RandomStreams


def test_each_call_advances_and_seed_resets():
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = hypatia.function([], rv_u)
    a, b = f(), f()
    assert a.shape == (2, 2) and not np.array_equal(a, b)
    srng.seed(234)
    np.testing.assert_array_equal(f(), a)
    np.testing.assert_array_equal(f(), b)
    # Same seed, same numbers, in another stream and on the other backend.
    g = hypatia.function([], RandomStreams(234).uniform((2, 2)), mode=hypatia.Mode(linker="interp"))
    np.testing.assert_array_equal(g(), a)
    # Two draws of one stream differ.
    u, n = hypatia.function([], [rv_u, rv_n])()
    assert not np.array_equal(u, n)
    assert len(srng.state_updates) == 2


def test_symbolic_sizes_and_theano_signatures():
    srng = RandomStreams(seed=1)
    n = T.lscalar("n")
    v = T.lvector("v")
    outs = [
        srng.uniform(size=(n, 3), low=-1, high=1),
        srng.normal(size=v, avg=5.0, std=0.1, ndim=2),
        srng.binomial(size=(n,), n=1, p=0.3, dtype="int8"),
        srng.random_integers(size=(n,), low=1, high=3),
        srng.integers(4, size=(n,)),
        srng.choice(size=(n,), a=10, replace=False),
        srng.permutation(size=(2,), n=5),
        srng.multinomial(size=(n,), n=7, pvals=[0.5, 0.25, 0.25]),
        srng.truncated_normal(size=(n,), avg=0.0, std=1.0),
    ]
    u, z, b, ri, it, c, p, m, t = hypatia.function([n, v], outs)(4, np.array([2, 3]))
    assert u.shape == (4, 3) and u.dtype == hypatia.config.floatX
    assert z.shape == (2, 3) and abs(z.mean() - 5) < 0.5
    assert b.dtype == np.int8 and set(b) <= {0, 1}
    assert set(ri) <= {1, 2, 3}
    assert set(it) <= {0, 1, 2, 3}
    assert len(set(c)) == 4
    assert p.shape == (2, 5) and all(sorted(r) == list(range(5)) for r in p)
    assert m.shape == (4, 3) and np.all(m.sum(axis=1) == 7)
    assert np.all(np.abs(t) <= 2)


def test_streams_statistics_ks():
    srng = RandomStreams(seed=99)
    f = hypatia.function([], [srng.normal((N,), avg=-1.0, std=0.5), srng.truncated_normal((N,), std=2.0),
                              srng.uniform((N,), low=2.0, high=4.0)])
    x, t, u = f()
    assert scipy.stats.kstest(x, scipy.stats.norm(-1, 0.5).cdf).pvalue > KS_P
    assert scipy.stats.kstest(t, scipy.stats.truncnorm(-2, 2, scale=2).cdf).pvalue > KS_P
    assert scipy.stats.kstest(u, scipy.stats.uniform(2, 2).cdf).pvalue > KS_P
