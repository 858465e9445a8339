"""bench/peers.py --quick: every workload runs, on every installed peer, and every
peer agrees with NumPy (peers.py checks each result before timing it). The figures
themselves are not checked: a test machine's timings mean nothing."""
import os
import re
import shutil
import subprocess
import sys

import pytest

import hypatia

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
ROWS = {  # workload: the labels its rows start with
    "W1": ["W1 elemwise"], "W2": ["W2 softmax", "W2 logsumexp"], "W3": ["W3 dot 128^3 f32", "W3 dot 128^3 f64"],
    "W4": ["W4 MLP"], "W5": ["W5 logreg"], "W6": ["W6 call overhead"],
    "C1": ["C1 compile W4 (cold cache)", "C1 compile W4 (warm cache)"],
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    env = dict(os.environ)
    package = os.path.dirname(os.path.dirname(hypatia.__file__))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package, env.get("PYTHONPATH")]))
    markdown = tmp_path_factory.mktemp("bench") / "peers.md"
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "peers.py"), "--quick", "--target", "0.01",
                           "--markdown", str(markdown)], env=env, capture_output=True, text=True, timeout=300)
    proc.markdown = markdown.read_text() if markdown.exists() else ""
    return proc


def rows(output, prefix):
    """The table's rows of one workload: {peer: check column}."""
    found = {}
    for line in output.splitlines():
        if line.startswith(prefix):
            m = re.match(r"(.{34}) (.{22}) .{10} .{6} .{9}  (\S+)", line)
            assert m, line
            found[m.group(2).strip()] = m.group(3)
    return found


def test_runs_and_every_peer_agrees(run):
    assert "DISAGREES" not in run.stdout, run.stdout
    assert "FAILED" not in run.stdout, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("workload", sorted(ROWS))
def test_workload_rows(run, workload):
    for prefix in ROWS[workload]:
        found = rows(run.stdout, prefix)
        assert found.get("hypatia") == "ok", (prefix, run.stdout)
        if workload != "C1":
            assert found.get("numpy") == "ok", (prefix, run.stdout)
        assert all(check == "ok" for check in found.values()), (prefix, found)


def test_header_names_machine_and_versions(run):
    for key in ("cpu:", "cores:", "numpy:", "hypatia:", "environment:"):
        assert any(line.startswith(key) for line in run.stdout.splitlines()), (key, run.stdout)


@pytest.mark.parametrize("workload", ["W1", "W2", "W3", "W4", "W5", "W6"])
def test_pytorch_rows(run, workload):
    pytest.importorskip("torch")
    for prefix in ROWS[workload]:
        assert rows(run.stdout, prefix).get("pytorch") == "ok", (prefix, run.stdout)


def test_numexpr_row(run):
    pytest.importorskip("numexpr")
    assert rows(run.stdout, "W1 elemwise").get("numexpr") == "ok", run.stdout


def test_hand_cpp_rows(run):
    if shutil.which("g++") is None and not os.environ.get("CXX"):
        pytest.skip("no C++ compiler for the hand-written peers")
    assert rows(run.stdout, "W1 elemwise").get("C++ hand") == "ok", run.stdout
    assert rows(run.stdout, "W1 elemwise").get("C++ hand libm") == "ok", run.stdout
    for prefix in ROWS["W2"]:
        assert rows(run.stdout, prefix).get("C++ hand") == "ok", (prefix, run.stdout)


def test_markdown_block(run):
    assert "bench/peers.py --quick --target 0.01 --markdown" in run.markdown
    assert "| W6 call overhead x+y n=10 | hypatia |" in run.markdown
    assert "- cpu: " in run.markdown
