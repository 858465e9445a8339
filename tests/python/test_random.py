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
