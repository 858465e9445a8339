"""hypatia.gradient: grad, Rop, Lop, jacobian, hessian and verify_grad from Python,
against closed forms written here with NumPy, and verify_grad over every op that has
a gradient rule."""
import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia import gradient
from helpers import assert_same

RNG = np.random.default_rng(1234)


def _u(lo, hi, shape=(2, 3)):
    return lambda: RNG.uniform(lo, hi, shape)


def _away_from_ints(shape=(2, 3)):
    # Step functions: finite differences see zero only away from the steps.
    return lambda: np.floor(RNG.uniform(-3, 3, shape)) + RNG.uniform(0.2, 0.8, shape)


# op name -> (fun of the inputs, input makers); inputs keep away from singularities,
# kinks and ties.
UNARY_DOMAINS = {
    "neg": (-2, 2), "abs": (0.3, 2), "sign": (0.3, 2), "reciprocal": (0.5, 2), "sqr": (-2, 2),
    "sqrt": (0.5, 2), "cbrt": (0.5, 2), "exp": (-1, 1), "exp2": (-1, 1), "expm1": (-1, 1), "log": (0.5, 2),
    "log2": (0.5, 2), "log10": (0.5, 2), "log1p": (-0.5, 1), "sin": (-2, 2), "cos": (-2, 2), "tan": (-1, 1),
    "arcsin": (-0.8, 0.8), "arccos": (-0.8, 0.8), "arctan": (-2, 2), "sinh": (-1, 1), "cosh": (-1, 1),
    "tanh": (-1, 1), "arcsinh": (-2, 2), "arccosh": (1.5, 3), "arctanh": (-0.8, 0.8), "sigmoid": (-2, 2),
    "softplus": (-2, 2), "erf": (-1, 1), "erfc": (-1, 1), "erfcx": (-1, 2), "erfinv": (-0.8, 0.8),
    "gamma": (0.5, 3), "gammaln": (0.5, 3), "digamma": (0.5, 3),
}
BINARY_DOMAINS = {
    "add": ((-2, 2), (-2, 2)), "sub": ((-2, 2), (-2, 2)), "mul": ((-2, 2), (-2, 2)),
    "true_div": ((-2, 2), (0.5, 2)), "pow": ((0.5, 2), (-1.5, 1.5)), "arctan2": ((0.5, 2), (0.5, 2)),
}


def _cases():
    cases = {}
    for name, (lo, hi) in UNARY_DOMAINS.items():
        cases[name] = (lambda x, f=getattr(T, name): f(x), [_u(lo, hi)])
    for name, ((lo1, hi1), (lo2, hi2)) in BINARY_DOMAINS.items():
        # Broadcasting (3,) against (2, 3): the gradient sums back to the operand's shape.
        cases[name] = (lambda a, b, f=getattr(T, name): f(a, b), [_u(lo1, hi1), _u(lo2, hi2, (3,))])
    for name in ("ceil", "floor", "trunc", "round", "round_half_away_from_zero"):
        cases[name] = (lambda x, f=getattr(T, name): f(x), [_away_from_ints()])
    cases.update({
        # Ties kept apart: the first operand is above the second.
        "maximum": (lambda a, b: T.maximum(a, b), [_u(1, 2), _u(-1, 0.5)]),
        "minimum": (lambda a, b: T.minimum(a, b), [_u(1, 2), _u(-1, 0.5)]),
        "mod": (lambda a, b: T.mod(a, b), [lambda: RNG.uniform(0.2, 0.8, (2, 3)) + 2.0, _u(1.5, 1.8)]),
        "floor_div": (lambda a, b: T.floor_div(a, b), [lambda: RNG.uniform(0.2, 0.8, (2, 3)) + 2.0, _u(1.5, 1.8)]),
        "clip": (lambda x: T.clip(x, -0.5, 0.5), [lambda: np.array([[-1.0, -0.2, 0.3], [0.9, 0.1, -0.7]])]),
        "where": (lambda a, b: T.where(a > 0, a * b, b), [lambda: np.array([[-1.0, 0.5, 2.0], [0.3, -0.4, 1.0]]),
                                                          _u(-1, 1)]),
        "cast": (lambda x: T.cast(x, "float32" if x.dtype == "float64" else "float64") * 1.0, [_u(-1, 1)]),
        "sum": (lambda x: T.sum(x, axis=1), [_u(-1, 1)]),
        "prod": (lambda x: T.prod(x, axis=0), [_u(0.5, 1.5)]),
        "mean": (lambda x: T.mean(x, axis=(0, 1)), [_u(-1, 1)]),
        "var": (lambda x: T.var(x, axis=1, ddof=1), [_u(-1, 1)]),
        "std": (lambda x: T.std(x), [_u(-1, 1)]),
        "max": (lambda x: T.max(x, axis=1), [lambda: np.array([[1.0, 3.0, 2.0], [0.5, -1.0, 0.0]])]),
        "min": (lambda x: T.min(x), [lambda: np.array([[1.0, 3.0, 2.0], [0.5, -1.0, 0.0]])]),
        "dot": (lambda a, b: T.dot(a, b), [_u(-1, 1), _u(-1, 1, (3, 2))]),
        "matmul": (lambda a, b: T.matmul(a, b), [_u(-1, 1, (2, 2, 3)), _u(-1, 1, (3, 2))]),
        "outer": (lambda a, b: T.outer(a, b), [_u(-1, 1, (3,)), _u(-1, 1, (2,))]),
        "tensordot": (lambda a, b: T.tensordot(a, b, axes=([1], [0])), [_u(-1, 1), _u(-1, 1, (3, 2))]),
        "reshape": (lambda x: T.reshape(x, (3, 2)), [_u(-1, 1)]),
        "dimshuffle": (lambda x: x.dimshuffle(1, "x", 0), [_u(-1, 1)]),
        "broadcast_to": (lambda x: T.broadcast_to(x, (4, 3)), [_u(-1, 1, (3,))]),
        "specify_shape": (lambda x: T.specify_shape(x, (2, 3)) * 2.0, [_u(-1, 1)]),
        "alloc": (lambda x: T.alloc(x, 2, 3), [_u(-1, 1, (3,))]),
        "logaddexp": (lambda a, b: T.logaddexp(a, b), [_u(-2, 2), _u(-2, 2, (3,))]),
        "log1mexp": (lambda x: T.log1mexp(x), [_u(-3, -0.1)]),
        "logsumexp": (lambda x: T.logsumexp(x, axis=1), [_u(-2, 2)]),
        "softmax": (lambda x: T.softmax(x, axis=0), [_u(-2, 2)]),
        "log_softmax": (lambda x: T.log_softmax(x), [_u(-2, 2)]),
        "softmax_cross_entropy": (lambda x: T.softmax_cross_entropy(x, np.array([2, 0])), [_u(-2, 2)]),
        "grad_clip": (lambda x: gradient.grad_clip(x, -10.0, 10.0), [_u(-1, 1)]),
        "grad_scale": (lambda x: gradient.grad_scale(x, 1.0), [_u(-1, 1)]),
    })
    return cases


CASES = _cases()
# Built by other ops or by the gradient driver only (sum_to), not worth a case of
# their own: the cases above pass through them.
# gemm is built by the specialize rewrites only (no Python builder); its rules are
# checked in tests/grad/blas_gemm_grad_test.cpp.
COVERED_ELSEWHERE = {"sum_to", "input", "constant", "gemm"}
# Their gradients are wrong on purpose (zero or cut); test_helper_ops checks them.
WRONG_ON_PURPOSE = {"zero_grad", "consider_constant", "disconnected_grad"}
FLOAT32_SET = ["exp", "tanh", "log", "sigmoid", "mul", "true_div", "pow", "sum", "prod", "dot", "matmul",
               "maximum", "where", "dimshuffle", "var", "erf"]


def test_every_differentiable_op_has_a_case():
    from test_indexing_grad import covered_ops  # indexing and structural ops have their cases there

    missing = sorted(set(hypatia._core._differentiable_op_names()) - set(CASES) - COVERED_ELSEWHERE - WRONG_ON_PURPOSE
                     - covered_ops())
    assert not missing, missing


@pytest.mark.parametrize("name", sorted(CASES))
def test_verify_grad_float64(name):
    fun, makers = CASES[name]
    gradient.verify_grad(fun, [m() for m in makers], rng=np.random.default_rng(0))


@pytest.mark.parametrize("name", FLOAT32_SET)
def test_verify_grad_float32(name):
    fun, makers = CASES[name]
    gradient.verify_grad(fun, [np.float32(m()) for m in makers], rng=np.random.RandomState(1))


def test_grad_closed_form_tanh_layer():
    W, x = T.dmatrix("W"), T.dvector("x")
    cost = T.sum(T.tanh(T.dot(W, x)))
    gW, gx = T.grad(cost, [W, x])
    assert hypatia.grad(cost, W).type == W.type
    w, v = RNG.normal(size=(3, 4)), RNG.normal(size=4)
    got_w, got_x = hypatia.function([W, x], [gW, gx])(w, v)
    d = 1 - np.tanh(w @ v) ** 2
    assert_same(got_w, np.outer(d, v), rtol=1e-12)
    assert_same(got_x, w.T @ d, rtol=1e-12)


def test_grad_forms_and_options():
    x, y = T.dvectors("x", "y")
    cost = T.sum(x * 2)
    assert isinstance(T.grad(cost, x), T.TensorVariable)
    assert isinstance(T.grad(cost, [x]), list) and isinstance(T.grad(cost, (x,)), tuple)
    g = T.grad(cost, [x, y], disconnected_inputs="ignore")
    assert_same(hypatia.function([y], g[1])(np.arange(3.0)), np.zeros(3))
    assert T.grad(cost, [x, y], disconnected_inputs="ignore", return_disconnected="None")[1] is None
    assert T.grad(cost, y, disconnected_inputs="ignore", return_disconnected="Disconnected") is None
    # consider_constant: x * x with the first x constant -> d/dx = x.
    z = x * 1.0
    gc = T.grad(T.sum(z * x), x, consider_constant=[z])
    assert_same(hypatia.function([x], gc)(np.arange(3.0)), np.arange(3.0))
    # known_grads: the cotangent of an intermediate, no cost.
    h = T.exp(x)
    gk = T.grad(None, x, known_grads={h: y})
    assert_same(hypatia.function([x, y], gk)(np.zeros(3), np.arange(3.0)), np.arange(3.0))
    with pytest.raises(ValueError, match="return_disconnected"):
        T.grad(cost, x, return_disconnected="nothing")


def test_integer_input_gets_a_float_zero_gradient():
    i = T.ivector("i")
    g = T.grad(T.sum(i * 2.5), i)
    assert g.dtype == hypatia.config.floatX
    assert_same(hypatia.function([i], g)(np.arange(3, dtype="int32")), np.zeros(3))


def test_grad_of_grad():
    x = T.dscalar("x")
    y = x ** 3 + T.sin(x)
    d1 = T.grad(y, x)
    d2 = T.grad(d1, x)
    d3 = T.grad(d2, x)
    f = hypatia.function([x], [d1, d2, d3])
    v = 0.7
    for got, want in zip(f(v), [3 * v**2 + np.cos(v), 6 * v - np.sin(v), 6 - np.cos(v)]):
        assert_same(got, np.float64(want), rtol=1e-12)


def test_rop_lop_against_jacobian_and_closed_forms():
    W, x = T.dmatrix("W"), T.dvector("x")
    y = T.tanh(T.dot(W, x))
    v, u = T.dvector("v"), T.dvector("u")
    jv = T.Rop(y, x, v)
    uj = T.Lop(y, x, u)
    J = T.jacobian(y, x)
    w, xv, vv, uv = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=4), RNG.normal(size=3)
    got_jv, got_uj, got_j = hypatia.function([W, x, v, u], [jv, uj, J])(w, xv, vv, uv)
    want_j = (1 - np.tanh(w @ xv) ** 2)[:, None] * w
    assert_same(got_j, want_j, rtol=1e-12)
    assert_same(got_jv, want_j @ vv, rtol=1e-12)
    assert_same(got_uj, uv @ want_j, rtol=1e-12)
    # Lists in, lists out, one result per wrt (Lop) and per f (Rop).
    both = T.Lop([y], [W, x], [u])
    assert isinstance(both, list) and len(both) == 2
    assert isinstance(T.Rop([y, y * 2], [x], [v]), list)
    assert isinstance(T.jacobian(y, (W, x)), tuple) and isinstance(T.hessian(T.sum(y), [x]), list)
    assert gradient.Rop is T.Rop and gradient.jacobian is T.jacobian


def test_hessian_of_sum_of_cubes_is_diag_6x():
    x = T.dvector("x")
    cost = T.sum(x ** 3)
    H = T.hessian(cost, x)
    v = T.dvector("v")
    hv = gradient.hessian_vector_product(cost, x, v)
    xv, vv = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    got_h, got_hv = hypatia.function([x, v], [H, hv])(xv, vv)
    assert_same(got_h, np.diag(6 * xv), rtol=1e-12)
    assert_same(got_hv, 6 * xv * vv, rtol=1e-12)
    assert_same(hypatia.function([x], T.hessian(T.sum(x * 3), x))(xv), np.zeros((3, 3)))


def test_error_non_scalar_cost():
    x = T.dvector("x")
    with pytest.raises(TypeError, match=r"test_gradient.py:\d+: grad: the cost must be a scalar"):
        T.grad(x * 2, x)
    with pytest.raises(ValueError, match="known_grads is empty"):
        T.grad(None, x)


def test_error_rop_eval_point_of_the_wrong_rank():
    x = T.dvector("x")
    with pytest.raises(TypeError, match=r"test_gradient.py:\d+: Rop: eval_points\[0\]"):
        T.Rop(x * 2, x, T.dmatrix())


def test_docs_example_runs():
    import contextlib
    import io
    import os
    import re

    path = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "python.md")
    with open(path) as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    block = next(b for b in blocks if "T.grad" in b and "0.01973207" in b)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, path, "exec"), {})
    assert "0.01973207" in out.getvalue()


def test_error_disconnected_input():
    x, y = T.dvectors("x", "y")
    with pytest.raises(hypatia.DisconnectedInputError,
                       match=r"test_gradient.py:\d+: grad: the cost does not depend on wrt\[1\] 'y'"):
        T.grad(T.sum(x), [x, y])
    with pytest.raises(hypatia.DisconnectedInputError) as info:
        T.grad(T.sum(x), y)
    assert isinstance(info.value, ValueError) and gradient.DisconnectedInputError is hypatia.DisconnectedInputError
    with pytest.raises(hypatia.DisconnectedInputError):
        T.grad(T.sum(gradient.disconnected_grad(x)), x)


def test_error_null_gradient():
    # trigamma has no gradient rule (polygamma(2, x) is not an op) and no reason for none.
    assert "trigamma" not in hypatia._core._differentiable_op_names()
    x = T.dvector("x")
    cost = T.sum(T.trigamma(x) + x)
    with pytest.raises(hypatia.NullTypeGradError, match="trigamma") as info:
        T.grad(cost, x)
    message = str(info.value)
    assert "'x'" in message and "test_gradient.py" in message and isinstance(info.value, TypeError)
    assert T.grad(cost, x, null_gradients="return") is None
    # argmax has a reason to have no gradient: zero, not null.
    g = T.grad(T.sum(T.argmax(x) * 1.0) + T.sum(x), x)
    assert_same(hypatia.function([x], g)(np.ones(3)), np.ones(3))


def test_verify_grad_catches_a_wrong_gradient():
    with pytest.raises(hypatia.GradientError) as info:
        gradient.verify_grad(lambda a, b: T.sum(gradient.grad_scale(a, 2.0) * b), [RNG.uniform(0.5, 1, 3),
                                                                                     RNG.uniform(0.5, 1, 3)])
    message = str(info.value)
    assert "test_gradient.py" in message and "input 0 ('x0'" in message and "disagrees with finite" in message
    assert isinstance(info.value, ValueError)


def test_verify_grad_errors():
    with pytest.raises(ValueError, match="n_tests"):
        gradient.verify_grad(lambda a: T.sum(a), [np.ones(2)], n_tests=0)
    with pytest.raises(TypeError):
        gradient.verify_grad(lambda a: T.sum(a), [np.ones(2, dtype="int32")])
    with pytest.raises(TypeError, match="rng"):
        gradient.verify_grad(lambda a: T.sum(a), [np.ones(2)], rng="seed")
    with pytest.raises(TypeError, match="None"):
        gradient.verify_grad(lambda a: None, [np.ones(2)])
    with pytest.raises(ZeroDivisionError):  # the user's own exception comes out unchanged
        gradient.verify_grad(lambda a: 1 / 0, [np.ones(2)])
    with pytest.raises(ValueError, match="test_gradient.py"):
        gradient.grad_clip(T.dvector(), 1.0, -1.0)


def test_verify_grad_options():
    gradient.verify_grad(lambda a: T.sum(T.exp(a)), [np.ones(3)], n_tests=3, rng=7, eps=1e-6, abs_tol=1e-3,
                         rel_tol=1e-3)
    gradient.verify_grad(lambda a: T.exp(a), [np.float32(np.ones(3))], rng=np.random.RandomState(3))


def test_helper_ops_are_identities_forward():
    x = T.dvector("x")
    outs = [gradient.zero_grad(x), gradient.consider_constant(x), gradient.disconnected_grad(x),
            gradient.grad_clip(x, -1.0, 1.0), gradient.grad_scale(x, 3.0)]
    for got in hypatia.function([x], outs)(np.arange(3.0)):
        assert_same(got, np.arange(3.0))
    g = T.grad(T.sum(gradient.grad_clip(x * 10, -1.0, 1.0) * 10), x)
    assert_same(hypatia.function([x], g)(np.ones(2)), np.full(2, 10.0))  # 10 clipped to 1, times 10
    for helper in (gradient.zero_grad, gradient.consider_constant):
        g = T.grad(T.sum(helper(x) * x), x)  # d/dx (c * x) with c = x held constant
        assert_same(hypatia.function([x], g)(np.arange(2.0)), np.arange(2.0))
    g = T.grad(T.sum(gradient.disconnected_grad(x) * x), x)
    assert_same(hypatia.function([x], g)(np.arange(2.0)), np.arange(2.0))
    g = T.grad(T.sum(gradient.grad_scale(x, 3.0)), x)
    assert_same(hypatia.function([x], g)(np.ones(2)), np.full(2, 3.0))
    assert "zero" in gradient.zero_grad.__doc__ and T.trigamma.__doc__
