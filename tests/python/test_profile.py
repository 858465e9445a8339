"""Profiling: hypatia.function(..., profile=True), f.profile (Theano's ProfileStats),
its summary's sections and rows, and config.profile's summaries at exit."""
import io
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.compile.mode import Mode


def _cpu_available():
    x = T.vector("x")
    return hypatia.function([x], T.exp(x), mode=Mode(linker="cpu")).linker == "cpu"


def test_without_profile_there_is_none():
    x = T.dvector("x")
    assert hypatia.function([x], T.exp(x)).profile is None


def test_summary_has_the_sections_and_rows():
    x = T.dmatrix("x")
    y = T.dvector("y")
    f = hypatia.function([x, y], [T.tanh(x).sum(axis=1) * y], profile=True, name="layer")
    for _ in range(4):
        f(np.ones((3, 5)), np.arange(3.0))
    out = io.StringIO()
    f.profile.summary(file=out, n_apply_to_print=15)
    text = out.getvalue()
    for part in ["Function profiling", "function 'layer' made at", "test_profile.py", "Time in 4 calls",
                 "Time in steps", "\nClass", "<% time> <sum %> <apply time> <time per call> <#call> <#apply>",
                 "\nKind", "\nApply", "\nMemory", "Peak of live intermediate memory", "\nCompile",
                 "Total compile time", "phase canonicalize", "phase stabilize", "Interpreter plan"]:
        assert part in text, (part, text)
    ops = {o.name: o for o in f.profile.ops()}
    for op in ("tanh", "sum", "mul"):
        assert op in ops, text
        assert ops[op].calls == 4 * ops[op].applies
        assert f"   {op}\n" in text  # its Class row
    assert f.profile.fct_callcount == 4
    assert 0 <= f.profile.step_time <= f.profile.fct_call_time
    assert f.profile.compile_time > 0
    assert all(s.calls == 4 for s in f.profile.steps)


def test_n_apply_to_print_limits_the_apply_rows():
    x = T.dvector("x")
    f = hypatia.function([x], T.exp(x) + T.sin(x) * T.cos(x), profile=True, mode=Mode(linker="interp"))
    f(np.ones(5))
    out = io.StringIO()
    f.profile.summary(file=out, n_apply_to_print=1)
    assert "more steps not shown" in out.getvalue()


def test_memory_rows_are_the_outputs_sizes():
    x = T.dvector("x")
    f = hypatia.function([x], T.exp(x).sum(), profile=True, mode=Mode(linker="interp"))
    f(np.ones(100))
    by_op = {s.name: s for s in f.profile.steps}
    assert by_op["exp"].bytes == 800
    assert by_op["sum"].bytes == 8
    assert by_op["exp"].outputs[0].type == "float64 (100,)"
    assert f.profile.peak_bytes == 808


def test_compile_section_names_rules_that_fired():
    x = T.dvector("x")
    f = hypatia.function([x], T.log(1 + x), profile=True)
    rules = {(r.phase, r.name): r for r in f.profile.compile.rules}
    assert rules[("stabilize", "log1p_from_log_one_plus")].fired == 1
    assert "stabilize/log1p_from_log_one_plus" in str(f.profile)


def test_fused_kernel_and_module_cache_on_cpu():
    if not _cpu_available():
        pytest.skip("no C++ compiler")
    x = T.dvector("x")
    y = T.exp(x) * 2 + 1
    f = hypatia.function([x], y, profile=True, mode=Mode(linker="cpu"))
    f(np.ones(7))
    names = [s.name for s in f.profile.steps]
    assert any(n.startswith("fused[") and "exp" in n for n in names), names
    assert "fused elementwise" in {k.name for k in f.profile.kinds()}
    g = hypatia.function([x], y, profile=True, mode=Mode(linker="cpu"))
    assert g.profile.compile.cache_hit
    assert "module cache hit" in g.profile.summary_text()


def test_calls_from_threads_are_counted():
    x = T.dvector("x")
    f = hypatia.function([x], T.exp(x) + 1, profile=True)
    threads = [threading.Thread(target=lambda: [f(np.ones(10)) for _ in range(20)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert f.profile.fct_callcount == 80
    assert all(s.calls == 80 for s in f.profile.steps)


def test_config_profile_prints_summaries_at_exit():
    code = ("import numpy as np, hypatia, hypatia.tensor as T\n"
            "x = T.dvector('x')\n"
            "f = hypatia.function([x], T.exp(x), name='at_exit')\n"
            "assert f.profile is not None\n"
            "f(np.ones(3))\n")
    env = dict(os.environ, HYPATIA_FLAGS="profile=True")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Function profiling" in r.stderr
    assert "function 'at_exit'" in r.stderr
