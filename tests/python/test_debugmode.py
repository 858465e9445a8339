"""DebugMode (hypatia.compile.debugmode): correct graphs run cleanly and give FAST_RUN's
numbers; planted bugs are caught with Theano's exception classes, naming the culprit
and the user's line; the user's rewrite rules (hypatia.tensor.rewriting)."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.compile.debugmode import (BadDestroyMap, BadOptimization, BadThunkOutput, BadViewMap, DebugMode,
                                       DebugModeError, InvalidValueError)
from hypatia.tensor.rewriting.basic import (node_rewriter, register_canonicalize, register_specialize,
                                            unregister)

LINKERS = ["interp", "cpu"]


def line_of(marker):
    """The line of this file holding `marker` (a comment), as 'test_debugmode.py:N'."""
    with open(__file__) as f:
        for n, text in enumerate(f, 1):
            if marker in text and "line_of" not in text:
                return f"test_debugmode.py:{n}"
    raise AssertionError(marker)


def test_exceptions_and_mode_names():
    for cls in (BadThunkOutput, BadDestroyMap, BadViewMap, BadOptimization, InvalidValueError):
        assert issubclass(cls, DebugModeError)
    x = T.dvector("x")
    f = hypatia.function([x], x * 2, mode="DebugMode")
    assert isinstance(f.mode, DebugMode)
    np.testing.assert_array_equal(f(np.array([1.0, 2.0])), [2.0, 4.0])
    assert repr(DebugMode(check_isfinite=False)) == "DebugMode(optimizer='fast_run', check_isfinite=False)"
    assert DebugMode(linker="interp").excluding("specialize").excluded == ("specialize",)
    DebugMode(check_c_code=True, stability_patience=5)  # Theano's options are accepted
    with pytest.raises(TypeError, match="no_such_option"):
        DebugMode(no_such_option=1)
    hypatia.config.mode = "DebugMode"
    assert isinstance(hypatia.function([x], x + 1).mode, DebugMode)


@pytest.mark.parametrize("linker", LINKERS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mlp_training_step_passes(linker, dtype):
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(8, 5)).astype(dtype)
    yv = np.eye(3, dtype=dtype)[rng.integers(0, 3, size=8)]

    def run(mode):
        x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
        w1 = hypatia.shared(np.linspace(-1, 1, 20).reshape(5, 4).astype(dtype), name="w1")
        b1 = hypatia.shared(np.zeros(4, dtype=dtype), name="b1")
        w2 = hypatia.shared(np.linspace(1, -1, 12).reshape(4, 3).astype(dtype), name="w2")
        srng = hypatia.RandomStreams(3)
        h = T.nnet.relu(T.dot(x, w1) + b1) * T.cast(srng.binomial((8, 4), p=0.8), dtype)
        p = T.nnet.softmax(T.dot(h, w2))
        cost = T.nnet.categorical_crossentropy(p, y).mean() + 1e-3 * (w1 ** 2).sum()
        params = [w1, b1, w2]
        grads = hypatia.grad(cost, params)
        f = hypatia.function([x, y], [cost] + grads, mode=mode,
                             updates=[(q, T.cast(q - 0.1 * g, dtype)) for q, g in zip(params, grads)])
        out = [f(xv, yv) for _ in range(2)]
        return [a for step in out for a in step] + [w1.get_value()]

    want = run(hypatia.Mode(linker=linker))
    got = run(DebugMode(linker=linker))
    tol = 1e-5 if dtype == "float32" else 1e-12
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("linker", LINKERS)
def test_nan_from_finite_inputs(linker):
    x = T.dvector("x")
    y = T.log(x) * 3  # planted: log(0)
    f = hypatia.function([x], y, mode=DebugMode(linker=linker))
    with pytest.raises(InvalidValueError, match=r"-inf at index \(1,\)") as err:
        f(np.array([1.0, 0.0]))
    assert line_of("planted: log(0)") in str(err.value)
    f(np.array([1.0, np.nan]))  # a NaN argument: NaN results are expected
    g = hypatia.function([x], y, mode=DebugMode(linker=linker, check_isfinite=False))
    assert g(np.array([1.0, 0.0]))[1] == -np.inf


@pytest.mark.parametrize("linker", LINKERS)
def test_rule_that_changes_values(linker):
    @register_specialize
    @node_rewriter([T.exp])
    def planted_exp_is_one_plus_x(node):
        return [1 + node.inputs[0]]

    try:
        x = T.dvector("x")
        y = T.exp(x) * 2  # planted: the rule's victim
        f = hypatia.function([x], y, mode=DebugMode(linker=linker))
        with pytest.raises(BadOptimization) as err:
            f(np.array([0.0, 2.0]))
        message = str(err.value)
        assert "planted_exp_is_one_plus_x" in message and "specialize" in message
        assert line_of("planted: the rule's victim") in message
        assert "at index (1,)" in message
        # Without DebugMode the wrong rule goes unnoticed.
        assert hypatia.function([x], y, mode=hypatia.Mode(linker=linker))(np.array([2.0]))[0] == 6.0
    finally:
        assert unregister(planted_exp_is_one_plus_x)


def test_correct_user_rule_fires_and_can_be_excluded():
    seen = []

    @register_canonicalize("user_cosh_as_exps")
    @node_rewriter(["cosh"])
    def cosh_as_exps(node):
        seen.append(node.op)
        (arg,) = node.inputs
        if arg.dtype == "float64":
            return [(T.exp(arg) + T.exp(-arg)) / 2]
        return False

    try:
        assert "canonicalize/user_cosh_as_exps" in hypatia.compile.mode.rule_names()
        x = T.dvector("x")
        mode = DebugMode(linker="interp", trace_rewrites=True)
        f = hypatia.function([x], T.cosh(x) * 3, mode=mode)
        assert seen == ["cosh"] and f.rewrite_trace.counts()["user_cosh_as_exps"] == 1
        np.testing.assert_allclose(f(np.array([0.5, -3.0])), 3 * np.cosh([0.5, -3.0]))
        assert "cosh" not in f.graph_text()
        g = hypatia.function([x], T.cosh(x), mode=mode.excluding("user_cosh_as_exps"))
        assert "user_cosh_as_exps" not in g.rewrite_trace.counts()
        assert "cosh" in g.graph_text()
    finally:
        assert unregister(cosh_as_exps)
    assert "canonicalize/user_cosh_as_exps" not in hypatia.compile.mode.rule_names()
    with pytest.raises(ValueError, match="a built-in rule has that name"):
        register_specialize(lambda node: None, "constant_folding")


def test_rule_errors_reach_the_caller():
    @register_specialize("user_broken_rule")
    @node_rewriter(["sqrt"])
    def broken(node):
        raise RuntimeError("rule bug")

    try:
        x = T.dvector("x")
        with pytest.raises(RuntimeError, match="rule bug"):
            hypatia.function([x], T.sqrt(x))
    finally:
        unregister(broken)


def _python_op_class():
    try:
        from hypatia.graph.op import Op  # noqa: PLC0415 (h-userop's Python ops)
    except ImportError:
        return None
    return Op


@pytest.mark.skipif(_python_op_class() is None, reason="Python Op (h-userop) not merged yet")
def test_python_op_writing_into_its_input():
    Op = _python_op_class()

    class ZeroFirst(Op):
        __props__ = ()

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            from hypatia.graph.basic import Apply  # noqa: PLC0415
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, outputs):
            (x,) = inputs
            out = x.copy()
            x[0] = 0  # planted: writes into its input
            outputs[0][0] = out

    x = T.dvector("x")
    f = hypatia.function([x], ZeroFirst()(T.exp(x)), mode=DebugMode(linker="interp"))
    with pytest.raises(BadDestroyMap, match="changed its input 0"):
        f(np.array([1.0, 2.0]))


def test_compiled_cpu_steps_pass_on_non_contiguous_inputs():
    # On cpu, DebugMode runs every compiled step again on non-contiguous copies of its
    # inputs (fused kernels, the dot's library call, take's and softmax's native
    # kernels): correct graphs pass, with contiguous and strided arguments alike.
    # (A Python Op has only perform, its reference kernel: nothing compiled to re-run.)
    a, b = T.dmatrix("a"), T.dmatrix("b")
    i = T.lvector("i")
    outputs = [T.tanh(a * 2 + b) - a ** 2 / (1 + T.exp(b)), T.exp(a * 0.5).sum(axis=1), T.dot(a, b.T),
               T.dot(a, b.T)[i], T.nnet.softmax(a * 3)]
    f = hypatia.function([a, b, i], outputs, mode=DebugMode(linker="cpu"))
    rng = np.random.default_rng(1)
    av, bv = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    iv = np.array([4, 0, 2, 2])
    for args in [(av, bv), (np.asfortranarray(av), np.ascontiguousarray(bv[::-1])[::-1])]:
        got = f(*args, iv)
        e = np.exp(av * 3 - (av * 3).max(axis=1, keepdims=True))
        want = [np.tanh(av * 2 + bv) - av ** 2 / (1 + np.exp(bv)), np.exp(av * 0.5).sum(axis=1), av @ bv.T,
                (av @ bv.T)[iv], e / e.sum(axis=1, keepdims=True)]
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
