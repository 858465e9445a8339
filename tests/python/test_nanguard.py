"""NanGuardMode: the call stops at the first node that makes a NaN, an inf or a huge
value, and the message says where the value starts: the op, the user's Python line,
forward or in a gradient (and which forward line that gradient differentiates)."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.compile.nanguardmode import NanGuardMode
from helpers import line

HERE = "test_nanguard.py"


def message_of(f, *args):
    with pytest.raises(hypatia.NanGuardError) as info:
        f(*args)
    return str(info.value)


def test_the_error_class():
    assert issubclass(hypatia.NanGuardError, ValueError)
    assert hypatia.NanGuardError.__module__ == "hypatia"


def test_nan_in_the_forward_graph_names_the_op_and_line():
    x = T.dvector("x")
    y = T.log(x) * 2; at = line()  # noqa: E702
    f = hypatia.function([x], y, mode=NanGuardMode())
    m = message_of(f, np.array([1.0, -1.0, 2.0]))
    assert "NaN made by log at " in m and f"{HERE}:{at} (forward)" in m, m
    assert "at index (1,)" in m and "the NaN starts here" in m and "inputs: float64 (3,)" in m, m
    assert m.count("\n") <= 2, m
    np.testing.assert_allclose(f(np.array([1.0, np.e])), [0.0, 2.0])


def test_nan_in_a_gradient_names_the_forward_line():
    x = T.dvector("x")
    c = T.dvector("c")
    y = T.sqrt(x); fwd = line()  # noqa: E702
    g = hypatia.grad((y * c).sum(), x); call = line()  # noqa: E702
    f = hypatia.function([x, c], g, mode=NanGuardMode(inf_is_error=False))
    m = message_of(f, np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    assert "NaN made by" in m, m
    assert f"{HERE}:{fwd} (in the gradient of sqrt; grad called at " in m and f"{HERE}:{call})" in m, m


def test_inf_and_big():
    x = T.dvector("x")
    y = T.exp(x) + 1; at = line()  # noqa: E702
    f = hypatia.function([x], y, mode="NanGuardMode")
    m = message_of(f, np.array([0.0, 1000.0]))
    assert "inf made by exp at " in m and f"{HERE}:{at} (forward)" in m, m
    z = x * 1e6; at = line()  # noqa: E702
    f = hypatia.function([x], z, mode=NanGuardMode())
    m = message_of(f, np.array([1e5]))
    assert "value above 1e10 in magnitude made by mul at " in m and f"{HERE}:{at}" in m and "1e+11" in m, m
    quiet = hypatia.function([x], z, mode=NanGuardMode(big_is_error=False))
    np.testing.assert_allclose(quiet(np.array([1e5])), [1e11])


def test_nan_in_an_argument_is_the_callers():
    x = T.dvector("x")
    y = x + 1; at = line()  # noqa: E702
    f = hypatia.function([x], y, mode=NanGuardMode())
    m = message_of(f, np.array([1.0, np.nan]))
    assert "argument 0 'x' (float64 (2,)) holds nan at index (1,) before any node ran" in m, m
    assert "read by add at " in m and f"{HERE}:{at}" in m, m


def test_checks_can_be_switched_off():
    x = T.dvector("x")
    f = hypatia.function([x], T.log(x), mode=NanGuardMode(nan_is_error=False, inf_is_error=False,
                                                           big_is_error=False))
    assert np.isnan(f(np.array([-1.0]))[0])
    assert NanGuardMode() == NanGuardMode() and NanGuardMode() != NanGuardMode(nan_is_error=False)
    assert "nan_is_error=True" in repr(NanGuardMode())


@pytest.mark.parametrize("linker", ["interp", "cpu"])
def test_on_each_backend(linker):
    x = T.dvector("x")
    l = T.log(x); at = line()  # noqa: E702,E741
    y = T.exp(l * 0.5) + 1
    f = hypatia.function([x], y, mode=NanGuardMode(linker=linker))
    m = message_of(f, np.array([4.0, -1.0]))
    assert "NaN made by log at " in m and f"{HERE}:{at} (forward)" in m, m
