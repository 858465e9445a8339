#!/usr/bin/env python3
"""Hypatia against its peers, side by side in one run (issue 7, bench/README.md).

Runs each workload on Hypatia (whatever ``hypatia.function`` does in its default
mode: the compiled CPU backend) and on NumPy, numexpr, PyTorch and hand-written C++
loops, checks every peer's result against NumPy's, then times each (the in-process
peers of a row taking turns, so that the machine's drifts hit them alike) and prints
its median time and its time over Hypatia's::

    PYTHONPATH=build/python python3 bench/peers.py            # full sizes
    PYTHONPATH=build/python python3 bench/peers.py --quick    # small sizes, seconds
    python3 bench/peers.py --only W1,W6 --markdown results.md

Workloads (float32 unless said): W1 elementwise expression over 1e7 elements; W2
softmax and logsumexp over the rows of 4096x4096; W3 2048^3 matrix product, float32
and float64; W4 loss and gradients of an MLP 784-512-512-10, batch 128; W5
logistic-regression loss and gradient, A 10000x100; W6 call overhead on two
10-element vectors (also from C++: bench/call_overhead.cpp); C1 compile time of the
W4 function with a cold and a warm module cache.

Every library runs with its own default thread count; the header says what it is.
A peer that is not installed is skipped; a peer that disagrees with NumPy is not
timed (a benchmark of a wrong answer is worthless) and its row says DISAGREES.
"""
import argparse
import ctypes
import gc
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _import_hypatia():
    try:
        import hypatia
    except ImportError:  # a source checkout: the package is built into build/python
        sys.path.insert(0, os.path.join(ROOT, "build", "python"))
        import hypatia
    import hypatia.tensor
    return hypatia


def _optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


hypatia = _import_hypatia()
T = hypatia.tensor
numexpr = torch = None  # imported by main(), not by the C1 child process (its start-up is not timed, but slow)

# Sizes: the issue's, and --quick's (small enough for a test).
FULL = dict(w1_n=10_000_000, w2=(4096, 4096), w3_n=2048, w4=(128, 784, 512, 512, 10), w5=(10_000, 100), w6_n=10)
QUICK = dict(w1_n=100_000, w2=(256, 256), w3_n=128, w4=(16, 784, 64, 64, 10), w5=(1_000, 100), w6_n=10)
WORKLOADS = ("W1", "W2", "W3", "W4", "W5", "W6", "C1")


# ---------------------------------------------------------------------------- timing

def measure(fn, target_s, min_samples=3):
    """Per-call seconds of samples of fn, and the number of calls timed.

    fn has been called once already (the result check, which is the warm-up). Calls
    are timed in samples of enough calls to last ~1 ms, as many samples as fit in
    target_s (min_samples to 200; 1 when a call takes over 0.2 s, and that first timed
    call counts as a sample)."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    inner = 1 if first >= 1e-3 else int(1e-3 / max(first, 1e-9)) + 1
    # at least min_samples unless a call is slow: one descheduled sample must not decide
    samples = max(min_samples if first < 0.2 else 1, min(200, int(target_s / (first * inner))))
    times = [first] if inner == 1 else []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while len(times) < samples:
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times.append((time.perf_counter() - t0) / inner)
    finally:
        if gc_was_enabled:
            gc.enable()
    return times, len(times) * inner


# The in-process peers of a row take turns: ROUNDS rounds, each giving every peer
# 1/ROUNDS of its time. This shared machine's speed drifts by tens of percent over
# seconds (other tenants); timed one after the other, two peers can land in different
# phases and their ratio swings (W4 against PyTorch: 1.06-1.56x in five runs). Taking
# turns puts each peer's samples in every phase, so the medians compare like with like.
ROUNDS = 5


def as_arrays(result):
    """A peer's result as a list of NumPy arrays (torch tensors detached)."""
    if not isinstance(result, (list, tuple)):
        result = [result]
    out = []
    for r in result:
        if torch is not None and isinstance(r, torch.Tensor):
            r = r.detach().numpy()
        out.append(np.asarray(r))
    return out


def disagreement(got, want, rtol, atol_rel):
    """None when got matches want (NumPy's result), else what differs. atol is
    atol_rel times the largest magnitude of each reference array."""
    got, want = as_arrays(got), as_arrays(want)
    if len(got) != len(want):
        return f"{len(got)} results, NumPy has {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        if g.shape != w.shape:
            return f"result {i}: shape {g.shape}, NumPy's {w.shape}"
        if g.dtype != w.dtype:
            return f"result {i}: dtype {g.dtype}, NumPy's {w.dtype}"
        scale = float(np.max(np.abs(w))) if w.size else 0.0
        atol = atol_rel * scale
        if not np.allclose(g, w, rtol=rtol, atol=atol):
            err = np.abs(g.astype(np.float64) - w.astype(np.float64))
            k = np.unravel_index(int(np.nanargmax(err)), err.shape) if err.size else ()
            return (f"result {i}: max |diff| {float(np.nanmax(err)):.3g} at {tuple(int(j) for j in k)} "
                    f"(got {g[k]!r}, NumPy {w[k]!r}; rtol {rtol}, atol {atol:.3g})")
    return None


# -------------------------------------------------------------------- hand-written C++

HAND_PROGRAMS = {  # name: (source in bench/hand/, extra flags)
    "hand_w1": ("w1_elemwise.cpp", ["-ffast-math"]),
    "hand_w1_libm": ("w1_elemwise.cpp", []),
    "hand_w2": ("w2_softmax.cpp", ["-ffast-math"]),
}
HAND_FLAGS = ["-std=c++20", "-O3", "-march=native", "-fopenmp"]


class Hand:
    """Finds the hand-written peers (built by bench/CMakeLists.txt) or compiles them
    into a cache folder keyed by their sources and flags."""

    def __init__(self, build_dir):
        self.build_dir = build_dir
        self.notes = {}

    def path(self, name):
        if self.build_dir:
            built = os.path.join(self.build_dir, "bench", name)
            if os.access(built, os.X_OK):
                self.notes[name] = f"built by CMake ({built})"
                return built
        return self._compile(name)

    def _compile(self, name):
        source, extra = HAND_PROGRAMS[name]
        cxx = os.environ.get("CXX") or shutil.which("g++") or shutil.which("c++")
        if cxx is None:
            raise RuntimeError("no C++ compiler (g++) to build the hand-written peers")
        flags = HAND_FLAGS + extra
        src = os.path.join(HERE, "hand", source)
        digest = hashlib.sha256()
        for text in (cxx, " ".join(flags), open(src, "rb").read(), open(os.path.join(HERE, "hand", "hand_util.hpp"),
                                                                           "rb").read()):
            digest.update(text if isinstance(text, bytes) else text.encode())
        folder = os.path.join(tempfile.gettempdir(), f"hypatia-bench-{os.getuid()}", digest.hexdigest()[:16])
        exe = os.path.join(folder, name)
        if not os.access(exe, os.X_OK):
            os.makedirs(folder, exist_ok=True)
            tmp = f"{exe}.{os.getpid()}.tmp"
            subprocess.run([cxx, *flags, "-o", tmp, src], check=True, capture_output=True, text=True)
            os.replace(tmp, exe)
        self.notes[name] = f"compiled by peers.py: {os.path.basename(cxx)} {' '.join(flags)}"
        return exe

    def run(self, name, args, target_s):
        """Runs a hand peer; returns its timing lines as {label: (median_s, repeats, threads)}."""
        out = subprocess.run([self.path(name), str(target_s), *map(str, args)], check=True, capture_output=True,
                             text=True).stdout
        timings = {}
        for line in out.splitlines():
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            label = line.split()[0] if "=" not in line.split()[0] else ""
            timings[label] = (float(fields["median_s"]), int(fields["repeats"]), int(fields["threads"]))
            self.notes[name] = self.notes[name].split("; ")[0] + f"; {fields['threads']} OpenMP threads"
        return timings


# ------------------------------------------------------------------------ workloads

class Peer:
    """A way to compute a row's result: run() in this process (timed here), or
    external(target_s) -> (result, median_s, repeats) for a program that times itself
    for about target_s. A `turns` external peer is cheap to start and takes its turns
    with the in-process ones (run once per round); the others run once."""

    def __init__(self, name, run=None, external=None, note="", turns=False):
        self.name, self.run, self.external, self.note, self.turns = name, run, external, note, turns


class Row:
    def __init__(self, workload, label, peers, rtol=1e-4, atol_rel=1e-5, unit="ms"):
        self.workload, self.label, self.peers = workload, label, peers
        self.rtol, self.atol_rel, self.unit = rtol, atol_rel, unit


def rng():
    return np.random.default_rng(20261126)


def w1(s, hand, target_s):
    x = rng().uniform(-4, 4, s["w1_n"]).astype(np.float32)
    xv = T.fvector("x")
    f = hypatia.function([xv], T.exp(-xv ** 2) * T.sin(xv) + 0.5 * T.log1p(abs(xv)) + T.tanh(xv))
    half = np.float32(0.5)
    peers = [Peer("hypatia", lambda: f(x)),
             Peer("numpy", lambda: np.exp(-x ** 2) * np.sin(x) + half * np.log1p(np.abs(x)) + np.tanh(x))]
    if numexpr is not None:
        peers.append(Peer("numexpr", lambda: numexpr.evaluate("exp(-x**2) * sin(x) + half * log1p(abs(x)) + tanh(x)",
                                                          local_dict={"x": x, "half": half})))
    if torch is not None:
        tx = torch.from_numpy(x)
        peers.append(Peer("pytorch", lambda: torch.exp(-tx ** 2) * torch.sin(tx) + 0.5 * torch.log1p(torch.abs(tx))
                          + torch.tanh(tx)))

    def hand_peer(name):
        def external(seconds):
            with tempfile.TemporaryDirectory() as d:
                xin, yout = os.path.join(d, "x.f32"), os.path.join(d, "y.f32")
                x.tofile(xin)
                t = hand.run(name, [x.size, xin, yout], seconds)[""]
                return np.fromfile(yout, np.float32), t[0], t[1]
        return external

    # The hand loops take turns too: W1's target is a ratio to them.
    peers.append(Peer("C++ hand", external=hand_peer("hand_w1"), note="-ffast-math: vector libm", turns=True))
    peers.append(Peer("C++ hand libm", external=hand_peer("hand_w1_libm"), note="scalar libm calls", turns=True))
    return [Row("W1", f"elemwise n={s['w1_n']:,} f32", peers)]


def w2(s, hand, target_s):
    n, m = s["w2"]
    x = (rng().standard_normal((n, m), dtype=np.float32) * 3).astype(np.float32)
    xm = T.fmatrix("x")
    f_sm = hypatia.function([xm], T.nnet.softmax(xm))
    f_lse = hypatia.function([xm], T.logsumexp(xm, axis=1))

    def np_softmax():
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def np_lse():
        mx = x.max(axis=1, keepdims=True)
        return (mx + np.log(np.exp(x - mx).sum(axis=1, keepdims=True)))[:, 0]

    hand_results = {}

    def hand_peer(which):
        def external(seconds):
            if not hand_results:
                with tempfile.TemporaryDirectory() as d:
                    paths = [os.path.join(d, p) for p in ("x.f32", "sm.f32", "lse.f32")]
                    x.tofile(paths[0])
                    t = hand.run("hand_w2", [n, m, *paths], seconds)
                    hand_results["softmax"] = (np.fromfile(paths[1], np.float32).reshape(n, m), *t["softmax"][:2])
                    hand_results["logsumexp"] = (np.fromfile(paths[2], np.float32), *t["logsumexp"][:2])
            return hand_results[which]
        return external

    sm = [Peer("hypatia", lambda: f_sm(x)), Peer("numpy", np_softmax)]
    lse = [Peer("hypatia", lambda: f_lse(x)), Peer("numpy", np_lse)]
    if torch is not None:
        tx = torch.from_numpy(x)
        sm.append(Peer("pytorch", lambda: torch.softmax(tx, dim=1)))
        lse.append(Peer("pytorch", lambda: torch.logsumexp(tx, dim=1)))
    sm.append(Peer("C++ hand", external=hand_peer("softmax")))
    lse.append(Peer("C++ hand", external=hand_peer("logsumexp")))
    return [Row("W2", f"softmax {n}x{m} f32", sm), Row("W2", f"logsumexp {n}x{m} f32", lse)]


def w3(s, hand, target_s):
    n = s["w3_n"]
    rows = []
    for dtype, name in ((np.float32, "f32"), (np.float64, "f64")):
        a = rng().standard_normal((n, n)).astype(dtype)
        b = rng().standard_normal((n, n)).astype(dtype)
        am, bm = (T.fmatrix("a"), T.fmatrix("b")) if dtype == np.float32 else (T.dmatrix("a"), T.dmatrix("b"))
        f = hypatia.function([am, bm], T.dot(am, bm))
        peers = [Peer("hypatia", lambda f=f, a=a, b=b: f(a, b)), Peer("numpy", lambda a=a, b=b: a @ b)]
        if torch is not None:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            peers.append(Peer("pytorch", lambda ta=ta, tb=tb: ta @ tb))
        # sums of n products: float32 rounding grows with n, and orders differ
        rows.append(Row("W3", f"dot {n}^3 {name}", peers, rtol=1e-3 if dtype == np.float32 else 1e-9,
                        atol_rel=1e-4 if dtype == np.float32 else 1e-12))
    return rows


def mlp_data(s):
    batch, *sizes = s["w4"]
    r = rng()
    x = r.standard_normal((batch, sizes[0]), dtype=np.float32)
    y = r.integers(0, sizes[-1], batch).astype(np.int64)
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params.append((r.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(np.float32))
        params.append((r.standard_normal(fan_out) * 0.1).astype(np.float32))
    return x, y, params


def mlp_hypatia_graph():
    """The W4 graph: inputs, and outputs [loss] + gradients (W1, b1, W2, b2, W3, b3)."""
    x, y = T.fmatrix("x"), T.lvector("y")
    params = [T.fmatrix("W1"), T.fvector("b1"), T.fmatrix("W2"), T.fvector("b2"), T.fmatrix("W3"), T.fvector("b3")]
    w1_, b1, w2_, b2, w3_, b3 = params
    h1 = T.tanh(T.dot(x, w1_) + b1)
    h2 = T.tanh(T.dot(h1, w2_) + b2)
    loss = T.nnet.softmax_cross_entropy(T.dot(h2, w3_) + b3, y).mean()
    return [x, y] + params, [loss] + hypatia.grad(loss, params)


def mlp_numpy(x, y, params):
    """Loss and gradients of the MLP, the backward pass written by hand."""
    w1_, b1, w2_, b2, w3_, b3 = params
    n = x.shape[0]
    h1 = np.tanh(x @ w1_ + b1)
    h2 = np.tanh(h1 @ w2_ + b2)
    z = h2 @ w3_ + b3
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = np.float32(np.log(s[:, 0]) - z[rows, y]).mean(dtype=np.float32)
    d3 = e / s
    d3[rows, y] -= 1
    d3 /= n
    d2 = (d3 @ w3_.T) * (1 - h2 * h2)
    d1 = (d2 @ w2_.T) * (1 - h1 * h1)
    return [np.asarray(loss, np.float32), x.T @ d1, d1.sum(axis=0), h1.T @ d2, d2.sum(axis=0), h2.T @ d3,
            d3.sum(axis=0)]


def w4(s, hand, target_s):
    x, y, params = mlp_data(s)
    inputs, outputs = mlp_hypatia_graph()
    f = hypatia.function(inputs, outputs)
    peers = [Peer("hypatia", lambda: f(x, y, *params)), Peer("numpy", lambda: mlp_numpy(x, y, params))]
    if torch is not None:
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        tp = [torch.from_numpy(p).requires_grad_() for p in params]

        def torch_step():
            h1 = torch.tanh(tx @ tp[0] + tp[1])
            h2 = torch.tanh(h1 @ tp[2] + tp[3])
            loss = torch.nn.functional.cross_entropy(h2 @ tp[4] + tp[5], ty)
            return [loss] + list(torch.autograd.grad(loss, tp))

        peers.append(Peer("pytorch", torch_step, note="autograd"))
    peers[0].note, peers[1].note = "loss and hypatia.grad of the 6 parameters", "backward by hand"
    batch, *sizes = s["w4"]
    return [Row("W4", f"MLP {'-'.join(map(str, sizes))} b={batch}", peers, rtol=1e-3, atol_rel=1e-4)]


def w5(s, hand, target_s):
    n, d = s["w5"]
    r = rng()
    a = r.standard_normal((n, d), dtype=np.float32)
    b = (r.random(n) < 0.5).astype(np.float32)
    w = (r.standard_normal(d) * 0.1).astype(np.float32)
    am, bv, wv = T.fmatrix("A"), T.fvector("b"), T.fvector("w")
    p = T.nnet.sigmoid(T.dot(am, wv))
    loss = (-bv * T.log(p) - (1 - bv) * T.log(1 - p)).mean()  # as Theano's tutorial writes it
    f = hypatia.function([am, bv, wv], [loss, hypatia.grad(loss, wv)])

    def np_step():
        z = a @ w
        loss = (np.logaddexp(np.float32(0), z) - b * z).mean(dtype=np.float32)
        return [np.asarray(loss), a.T @ ((np.float32(1) / (np.float32(1) + np.exp(-z)) - b) / np.float32(n))]

    peers = [Peer("hypatia", lambda: f(a, b, w)), Peer("numpy", np_step, note="hand gradient")]
    if torch is not None:
        ta, tb, tw = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(w).requires_grad_()

        def torch_step():
            loss = torch.nn.functional.binary_cross_entropy_with_logits(ta @ tw, tb)
            return [loss, torch.autograd.grad(loss, tw)[0]]

        peers.append(Peer("pytorch", torch_step, note="autograd"))
    return [Row("W5", f"logreg {n}x{d} loss+grad", peers, rtol=1e-3, atol_rel=1e-4)]


def w6(s, hand, target_s):
    n = s["w6_n"]
    x = np.linspace(0, 1, n, dtype=np.float32)
    y = np.linspace(1, 2, n, dtype=np.float32)
    xv, yv = T.fvector("x"), T.fvector("y")
    f = hypatia.function([xv, yv], xv + yv)
    peers = [Peer("hypatia", lambda: f(x, y)), Peer("numpy", lambda: x + y)]
    if torch is not None:
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        peers.append(Peer("pytorch", lambda: tx + ty))
    exe = os.path.join(hand.build_dir, "bench", "call_overhead") if hand.build_dir else None
    if exe and os.access(exe, os.X_OK):
        cxx = {}

        def cxx_run():
            if not cxx:
                out = subprocess.run([exe, str(n), str(max(target_s, 0.05))], check=True, capture_output=True,
                                     text=True).stdout
                cxx.update(kv.split("=") for kv in out.split())
            return cxx

        # The C++ program checks its own result; it is x + y by construction.
        peers.append(Peer("C++ hypatia f({x,y})", external=lambda _: (x + y, float(cxx_run()["hypatia_ns"]) * 1e-9,
                                                                     int(cxx_run()["calls"]))))
        peers.append(Peer("C++ hand loop", external=lambda _: (x + y, float(cxx_run()["hand_ns"]) * 1e-9,
                                                             int(cxx_run()["calls"]))))
    return [Row("W6", f"call overhead x+y n={n}", peers, unit="us")]


def c1_child(quick):
    """In a fresh process: build the W4 graph, then time hypatia.function on it."""
    t0 = time.perf_counter()
    inputs, outputs = mlp_hypatia_graph()
    t1 = time.perf_counter()
    hypatia.function(inputs, outputs)
    t2 = time.perf_counter()
    known = "compiledir" in {name for name, _, _ in hypatia.config._flags()}
    print(json.dumps(dict(graph_s=t1 - t0, function_s=t2 - t1, compiledir_known=known)))


def c1(quick):
    """Rows of (label, median seconds, runs, note): hypatia.function on the W4 graph,
    each run in a fresh process: cold with a new, empty compiledir each time; warm with
    one compiledir that a first (cold) run filled. Median of 1 (--quick) or 5 runs."""
    runs = 1 if quick else 5
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(hypatia.__file__)),
                                                      env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-W", "ignore", os.path.abspath(__file__), "--c1-child"] + (["--quick"] * quick)

    def child(cache):
        env["HYPATIA_FLAGS"] = ",".join(filter(None, [os.environ.get("HYPATIA_FLAGS"), f"compiledir={cache}"]))
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="hypatia-bench-cache-") as top:
        for i in range(runs):
            cold.append(child(os.path.join(top, f"cold{i}")))
        for _ in range(runs):
            warm.append(child(os.path.join(top, "cold0")))
    results = []
    for label, rs in (("cold cache", cold), ("warm cache", warm)):
        note = f"graph+grad built in {fmt_time(statistics.median(r['graph_s'] for r in rs), 'ms')}"
        if not rs[0]["compiledir_known"]:
            note += "; no compiledir flag yet: no module cache"
        results.append((label, statistics.median(r["function_s"] for r in rs), len(rs), note))
    return results


# ------------------------------------------------------------------------- reporting

def fmt_time(seconds, unit):
    if seconds is None:
        return "-"
    if seconds >= 10:
        unit = "s"
    scale = {"s": 1, "ms": 1e3, "us": 1e6}[unit]
    v = seconds * scale
    return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"


def machine_info(hand):
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            lines = f.read().splitlines()
        model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "?")
        flags = next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), [])
        simd = [f for f in ("avx2", "fma", "avx512f") if f in flags]
        info["cpu"] = f"{model} ({', '.join(simd) or 'no AVX2'})"
    except OSError:
        info["cpu"] = platform.processor() or "?"
    info["cores"] = f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable"
    info["load average"] = " ".join(f"{v:.1f}" for v in os.getloadavg())
    info["os"] = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True)
    info["hypatia"] = (f"{hypatia.__version__} ({git.stdout.strip() or '?'}), mode {hypatia.config.mode}, "
                       f"{os.path.dirname(hypatia.__file__)}")
    info["hypatia flags"] = " ".join(f"{name}={getattr(hypatia.config, name)}"
                                     for name, _, _ in hypatia.config._flags()) or "-"
    info["hypatia BLAS"] = hypatia_blas_info()
    info["numpy"] = f"{np.__version__}, BLAS {openblas_info()}"
    info["numexpr"] = f"{numexpr.__version__}, {numexpr.nthreads} threads" if numexpr else "not installed"
    if torch is not None:
        blas = next((p.split("=", 1)[1] for p in torch.__config__.show().replace(",", " ").split()
                     if p.startswith("BLAS_INFO=")), "?")
        info["pytorch"] = f"{torch.__version__}, {torch.get_num_threads()} threads, BLAS_INFO={blas}"
    else:
        info["pytorch"] = "not installed"
    cxx = os.environ.get("CXX") or shutil.which("g++") or "?"
    ver = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines() if cxx != "?" else []
    info["C++ hand"] = f"{ver[0] if ver else cxx}, {' '.join(HAND_FLAGS)} (+ -ffast-math where said)"
    env = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
                                            "MKL_NUM_THREADS", "HYPATIA_FLAGS") if k in os.environ]
    info["environment"] = " ".join(env) or "no thread or BLAS variables set: every library at its default"
    return info


def hypatia_blas_info():
    """Which gemm Hypatia's cpu backend chose (CPU features, OpenBLAS's kernel, the library
    for sgemm and dgemm), and its OpenMP wait policy."""
    core = getattr(hypatia, "_core", None)
    text = core._blas_info() if core is not None and hasattr(core, "_blas_info") else "? (no _blas_info)"
    policy = "user's" if any(k in os.environ for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")) else \
        "passive (set by hypatia at import: OpenMP libraries loaded later, PyTorch's included, share it)"
    return f"{text}; OpenMP waiting {policy}"


def hypatia_gemm_kernel():
    """'library [kernel]' of Hypatia's sgemm, for the rows' peer column."""
    info = hypatia_blas_info()
    return info.split("sgemm: ", 1)[1].split(",", 1)[0] if "sgemm: " in info else "?"


def openblas_info():
    """The OpenBLAS NumPy loaded: version, kernel (core) and threads, read from it."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({ln.split()[-1] for ln in f if "openblas" in ln and ".so" in ln})
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            config = lib.openblas_get_config().decode().split()
            return (f"{' '.join(config[:2])}, kernel {lib.openblas_get_corename().decode()}, "
                    f"{lib.openblas_get_num_threads()} threads")
        except (OSError, AttributeError):
            continue
    return "not OpenBLAS (or not found)"


def command_line():
    env = " ".join(f"{k}={shlex.quote(os.environ[k])}" for k in ("OMP_NUM_THREADS", "OPENBLAS_CORETYPE",
                                                                 "OPENBLAS_NUM_THREADS", "HYPATIA_FLAGS")
                   if k in os.environ)
    pkg = os.path.relpath(os.path.dirname(os.path.dirname(hypatia.__file__)), os.getcwd())
    cmd = shlex.join(["python3", os.path.relpath(os.path.abspath(__file__), os.getcwd())] + sys.argv[1:])
    return " ".join(filter(None, [env, f"PYTHONPATH={pkg}", cmd]))


class Report:
    HEADER = f"{'workload':<34} {'peer':<22} {'median':>10} {'calls':>6} {'peer/hyp':>9}  check"

    def __init__(self):
        self.lines = []  # (workload label, peer, time text, calls, ratio text, check, note)

    def add(self, label, peer, seconds, unit, calls, hyp_seconds, check, note=""):
        ratio = f"{seconds / hyp_seconds:.3g}" if seconds and hyp_seconds else "-"
        self.add_entry((label, peer, fmt_time(seconds, unit), str(calls) if calls else "-", ratio, check, note))

    def add_entry(self, entry):
        self.lines.append(entry)
        note = entry[6]
        print(f"{entry[0]:<34} {entry[1]:<22} {entry[2]:>10} {entry[3]:>6} {entry[4]:>9}  {entry[5]}"
              + (f"  ({note})" if note else ""), flush=True)

    def markdown(self, info, total_s):
        out = [f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {total_s:.0f} s in all.", "",
               "```", command_line(), "```", ""]
        out += [f"- {k}: {v}" for k, v in info.items()]
        out += [f"- load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}"]
        out += ["", "| workload | peer | median | calls | peer/hypatia | check | note |",
                "|---|---|---:|---:|---:|---|---|"]
        out += ["| " + " | ".join(e) + " |" for e in self.lines]
        out += ["", "peer/hypatia: the peer's median time over Hypatia's (above 1: Hypatia is faster)."]
        return "\n".join(out) + "\n"


def run_row(row, report, target_s, peer_names=()):
    """Checks each peer of the row (those named in peer_names, when given; NumPy's
    result is the reference either way), then times them: the in-process ones and the
    `turns` external ones take turns (ROUNDS), the other external ones time themselves
    once."""
    ref_peer = next(p for p in row.peers if p.name == "numpy")
    ref = as_arrays(ref_peer.run())
    label = f"{row.workload} {row.label}"
    entries = []  # [peer, per-call seconds (samples, or each round's median), calls, check]
    for peer in row.peers:
        if peer_names and peer.name not in peer_names:
            continue
        try:
            if peer.external is not None:
                result, seconds, calls = peer.external(target_s if not peer.turns else target_s / ROUNDS)
            else:
                result = peer.run()  # also the warm-up
                seconds, calls = None, 0
        except Exception as e:  # a peer that cannot run says why; the others go on
            entries.append([peer, [], 0, f"FAILED: {type(e).__name__}: {e}".splitlines()[0]])
            continue
        bad = disagreement(result, ref, row.rtol, row.atol_rel) if peer is not ref_peer else None
        if bad:
            print(f"!! {label}: {peer.name} DISAGREES with NumPy, not timed: {bad}", flush=True)
            entries.append([peer, [], 0, "DISAGREES"])
            continue
        entries.append([peer, [seconds] if seconds is not None else [], calls, "ok"])
    timed = [e for e in entries if e[3] == "ok" and (e[0].external is None or e[0].turns)]
    rounds = ROUNDS if len(timed) > 1 else 1
    for r in range(rounds):
        for e in timed:
            if e[0].external is not None:
                if r > 0:  # its first round was the check
                    _, seconds, calls = e[0].external(target_s / rounds)
                    e[1].append(seconds)
                    e[2] += calls
            else:
                samples, calls = measure(e[0].run, target_s / rounds, min_samples=1 if rounds > 1 else 3)
                e[1] += samples
                e[2] += calls
    hyp_s = None
    for peer, seconds, calls, check in entries:
        seconds = statistics.median(seconds) if check == "ok" else None
        if peer.name == "hypatia" and check == "ok":
            hyp_s = seconds
        report.add(label, peer.name, seconds, row.unit, calls, hyp_s, check, peer.note if check == "ok" else "")


def blas_rows(kernel, keys, args, target_s):
    """The rows of workloads `keys` run again in a child process with
    OPENBLAS_CORETYPE=kernel (read by OpenBLAS when it loads, so not settable here)."""
    env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(hypatia.__file__)),
                                                      env.get("PYTHONPATH")]))
    cmd = [sys.executable, os.path.abspath(__file__), "--rows-json", "--only", ",".join(keys), "--target",
           str(target_s), "--peers", args.peers] + (["--quick"] if args.quick else []) + (["--build-dir", args.build_dir] if args.build_dir
                                                                     else [])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("ROWS-JSON ")), None)
    if line is None:
        return [(f"{k} (OPENBLAS_CORETYPE={kernel})", "-", "-", "-", "-", "FAILED", out.strip()[-200:]) for k in keys]
    result = json.loads(line[len("ROWS-JSON "):])
    ran = result["blas"].split("kernel ")[-1].split(",")[0]
    hyp = result.get("hyp", "?")
    # NumPy's and PyTorch's OpenBLAS run the kernel asked for; Hypatia picks its own
    # gemm (it may keep OpenBLAS, whose kernel then is the one asked for too).
    return [(label, f"{peer} [{hyp if peer == 'hypatia' else ran}]", *rest[:4],
             f"OPENBLAS_CORETYPE={kernel}" + (f"; {note}" if note else "")) for label, peer, *rest, note in result["rows"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and short timings (seconds in all)")
    ap.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W3,C1 (default: all)")
    ap.add_argument("--peers", default="", help="comma-separated peers to time, e.g. numpy,pytorch "
                                                "(default: all; names as in the table's peer column)")
    ap.add_argument("--target", type=float, default=None,
                    help="seconds of timed calls per peer (default 0.5; --quick: 0.02)")
    ap.add_argument("--build-dir", default=None,
                    help="CMake build folder holding bench/hand_* and bench/call_overhead (default: the one "
                         "whose python/ hypatia was imported from, if any)")
    ap.add_argument("--markdown", metavar="FILE", help="also write the results as a Markdown block ('-': stdout)")
    ap.add_argument("--openblas-coretype", default="", metavar="K1,K2",
                    help="also run W3-W5 (those --only selects) once per OpenBLAS kernel, in a child process "
                         "with OPENBLAS_CORETYPE=K (e.g. Haswell, Zen, SkylakeX): every peer's BLAS at that "
                         "setting; the rows name the kernel OpenBLAS actually ran")
    ap.add_argument("--c1-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--rows-json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.c1_child:
        return c1_child(args.quick)
    global numexpr, torch
    numexpr, torch = _optional("numexpr"), _optional("torch")
    target_s = args.target if args.target is not None else (0.02 if args.quick else 0.5)
    only = [w.strip().upper() for w in args.only.split(",") if w.strip()] or list(WORKLOADS)
    unknown = sorted(set(only) - set(WORKLOADS))
    if unknown:
        ap.error(f"unknown workloads {', '.join(unknown)}; they are {', '.join(WORKLOADS)}")
    peers = {p.strip() for p in args.peers.split(",") if p.strip()}
    build_dir = args.build_dir
    if build_dir is None:
        guess = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(hypatia.__file__))))
        build_dir = guess if os.path.isfile(os.path.join(guess, "CMakeCache.txt")) else None
    hand = Hand(build_dir)

    start = time.perf_counter()
    info = machine_info(hand)
    for k, v in info.items():
        print(f"{k}: {v}")
    print(f"timing: median of calls after a warm-up, ~{target_s:g} s of calls per peer, the peers of a row "
          f"taking turns in {ROUNDS} rounds; "
          f"peer/hyp: the peer's time over Hypatia's (above 1: Hypatia is faster)\n")
    report = Report()
    print(Report.HEADER)
    makers = dict(W1=w1, W2=w2, W3=w3, W4=w4, W5=w5, W6=w6)
    for key in only:
        if key == "C1":
            for label, seconds, runs, note in c1(args.quick):
                report.add(f"C1 compile W4 ({label})", "hypatia", seconds, "ms", runs, None, "ok", note)
            continue
        for row in makers[key](sizes, hand, target_s):
            run_row(row, report, target_s, peers)
    kernels = [k.strip() for k in args.openblas_coretype.split(",") if k.strip()]
    blas_keys = [k for k in only if k in ("W3", "W4", "W5")]
    for kernel in kernels if blas_keys else []:
        for entry in blas_rows(kernel, blas_keys, args, target_s):
            report.add_entry(entry)
    for name, note in sorted(hand.notes.items()):
        print(f"{name}: {note}")
    total = time.perf_counter() - start
    print(f"total {total:.1f} s")
    if args.markdown:
        text = report.markdown(info, total)
        if args.markdown == "-":
            print(text)
        else:
            with open(args.markdown, "w") as f:
                f.write(text)
    if args.rows_json:
        print("ROWS-JSON " + json.dumps(dict(rows=report.lines, blas=openblas_info(), hyp=hypatia_gemm_kernel())))
    bad = [e for e in report.lines if e[5] != "ok"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
