"""The backends from Python: Mode(linker=...), Function.source() and .linker."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.compile.mode import Mode


def _cpu_available():
    x = T.vector("x")
    return hypatia.function([x], T.exp(x), mode=Mode(linker="cpu")).linker == "cpu"


def test_cpu_and_interp_agree():
    x = T.matrix("x")
    y = T.vector("y")
    out = T.exp(-x * x) * T.sin(x) + 0.5 * T.log1p(abs(x)) + T.tanh(y)
    a = np.random.default_rng(0).normal(size=(4, 3))
    b = np.random.default_rng(1).normal(size=3)
    f_cpu = hypatia.function([x, y], out, mode=Mode(linker="cpu"))
    f_ref = hypatia.function([x, y], out, mode=Mode(linker="interp"))
    assert f_ref.linker == "interp"
    assert f_ref.source() == ""
    np.testing.assert_allclose(f_cpu(a, b), f_ref(a, b), rtol=1e-13)
    np.testing.assert_allclose(f_cpu(a, b), np.exp(-a * a) * np.sin(a) + 0.5 * np.log1p(abs(a)) + np.tanh(b),
                               rtol=1e-12)


def test_source_of_a_cpu_function():
    if not _cpu_available():
        pytest.skip("no C++ compiler")
    x = T.vector("x")
    f = hypatia.function([x], T.sum(T.exp(x)), mode=Mode(linker="cpu"))
    src = f.source()
    assert 'extern "C" void k0(' in src
    assert "scalar::exp(" in src


def test_theano_linker_names():
    assert Mode(linker="py")._core_args()[3] == "interp"
    assert Mode(linker="cvm")._core_args()[3] == "cpu"
    assert Mode()._core_args()[3] == ""
