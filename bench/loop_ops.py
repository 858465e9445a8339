#!/usr/bin/env python3
"""The loop ops (gathers, scatters, sorts, scans, joins, fills, views) on the cpu
backend against NumPy, one op per function, at realistic sizes (issue 7: every op
runs on the backend, fast). Each row: the op, its size, Hypatia's time (FAST_RUN,
cpu linker: native kernels, native_kernels.hpp), the interpreter's (the reference
kernels the cpu backend used before), NumPy's, and NumPy's time over Hypatia's
(above 1: Hypatia is faster). Every result is checked against NumPy's first.

    PYTHONPATH=build-rel/python /usr/bin/python3 bench/loop_ops.py [--only sort,take] [--quick]
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "build-rel", "python"))
import hypatia  # noqa: E402
import hypatia.tensor as T  # noqa: E402


def best(fn, budget=0.4):
    """The best time of one call of fn (seconds), over repeats filling ~budget."""
    fn()
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    reps = max(3, min(200, int(budget / max(one, 1e-6))))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cases(quick):
    r = np.random.default_rng(0)
    n = 100_000 if quick else 1_000_000
    side = 300 if quick else 1000
    f32 = np.float32
    v = r.standard_normal(n).astype(f32)
    m = r.standard_normal((side, side)).astype(f32)
    m2 = r.standard_normal((side, side)).astype(f32)
    idx = r.integers(-n, n, n)
    rows = r.integers(0, side, side * 10)
    fv, fm, iv = T.fvector, T.fmatrix, T.lvector
    out = []

    def add(op, size, ins, expr, args, ref):
        out.append((op, size, ins, expr, args, ref))

    x, y = fm("x"), fm("y")
    add("concatenate axis 0", f"2 x {side}^2", [x, y], T.concatenate([x, y], axis=0), [m, m2],
        lambda: np.concatenate([m, m2], axis=0))
    x, y = fm("x"), fm("y")
    add("concatenate axis 1", f"2 x {side}^2", [x, y], T.concatenate([x, y], axis=1), [m, m2],
        lambda: np.concatenate([m, m2], axis=1))
    x, y = fm("x"), fm("y")
    add("stack axis 2", f"2 x {side}^2", [x, y], T.stack([x, y], axis=2), [m, m2], lambda: np.stack([m, m2], axis=2))
    x = fm("x")
    add("repeat 2 axis 0", f"{side}^2", [x], T.repeat(x, 2, axis=0), [m], lambda: np.repeat(m, 2, axis=0))
    x = fm("x")
    add("repeat 2 axis 1", f"{side}^2", [x], T.repeat(x, 2, axis=1), [m], lambda: np.repeat(m, 2, axis=1))
    x = fm("x")
    add("tile (2, 2)", f"{side}^2", [x], T.tile(x, (2, 2)), [m], lambda: np.tile(m, (2, 2)))
    x = fv("x")
    add("roll", f"{n}", [x], T.roll(x, 12345, axis=0), [v], lambda: np.roll(v, 12345))
    x = fm("x")
    add("roll axis 1", f"{side}^2", [x], T.roll(x, 7, axis=1), [m], lambda: np.roll(m, 7, axis=1))
    x = fm("x")
    add("pad constant", f"{side}^2", [x], T.pad(x, ((2, 2), (2, 2))), [m], lambda: np.pad(m, ((2, 2), (2, 2))))
    x = fm("x")
    add("pad reflect", f"{side}^2", [x], T.pad(x, ((2, 2), (2, 2)), mode="reflect"), [m],
        lambda: np.pad(m, ((2, 2), (2, 2)), mode="reflect"))
    x = fv("x")
    add("diff", f"{n}", [x], T.diff(x), [v], lambda: np.diff(v))
    x = fm("x")
    add("diff axis 0", f"{side}^2", [x], T.diff(x, axis=0), [m], lambda: np.diff(m, axis=0))
    x = fv("x")
    add("cumsum", f"{n}", [x], T.cumsum(x), [v], lambda: np.cumsum(v))
    x = fm("x")
    add("cumsum axis 0", f"{side}^2", [x], T.cumsum(x, axis=0), [m], lambda: np.cumsum(m, axis=0))
    x = fm("x")
    add("cumsum axis 1", f"{side}^2", [x], T.cumsum(x, axis=1), [m], lambda: np.cumsum(m, axis=1))
    x = fm("x")
    add("cumprod axis 1", f"{side}^2", [x], T.cumprod(x, axis=1), [m], lambda: np.cumprod(m, axis=1))
    x = fv("x")
    add("sort", f"{n}", [x], T.sort(x), [v], lambda: np.sort(v))
    x = fv("x")
    add("argsort", f"{n}", [x], T.argsort(x), [v], lambda: np.argsort(v, kind="stable"))
    x = fm("x")
    add("sort axis 1", f"{side}^2", [x], T.sort(x, axis=1), [m], lambda: np.sort(m, axis=1))
    x = fm("x")
    add("sort axis 0", f"{side}^2", [x], T.sort(x, axis=0), [m], lambda: np.sort(m, axis=0))
    x = fm("x")
    add("topk 10 axis 1", f"{side}^2", [x], T.topk(x, 10, axis=1), [m],
        lambda: np.take_along_axis(m, np.argsort(-m, axis=1)[:, :10], axis=1))
    sv = np.sort(v)
    q = r.standard_normal(n // 10).astype(f32)
    a, x = fv("a"), fv("x")
    add("searchsorted", f"{n} / {n // 10}", [a, x], T.searchsorted(a, x), [sv, q], lambda: np.searchsorted(sv, q))
    x, i = fv("x"), iv("i")
    add("take", f"{n} of {n}", [x, i], T.take(x, i), [v, idx], lambda: np.take(v, idx))
    x, i = fm("x"), iv("i")
    add("take rows", f"{side * 10} rows of {side}^2", [x, i], T.take(x, i, axis=0), [m, rows],
        lambda: np.take(m, rows, axis=0))
    x, i = fm("x"), iv("i")
    add("x[i] (advanced_subtensor1)", f"{side * 10} rows of {side}^2", [x, i], x[i], [m, rows], lambda: m[rows])
    am = np.argsort(m, axis=1)
    x, i = fm("x"), T.lmatrix("i")
    add("take_along_axis", f"{side}^2", [x, i], T.take_along_axis(x, i, axis=1), [m, am],
        lambda: np.take_along_axis(m, am, axis=1))
    x, i, y = fm("x"), iv("i"), fm("y")
    yr = r.standard_normal((rows.size, side)).astype(f32)

    def np_inc():
        o = m.copy()
        np.add.at(o, rows, yr)
        return o

    add("inc_subtensor(x[i], y) (add.at)", f"{side * 10} rows of {side}^2", [x, i, y], T.inc_subtensor(x[i], y),
        [m, rows, yr], np_inc)
    x, y = fm("x"), fm("y")
    half = m2[1:, ::2]

    def np_set():
        o = m.copy()
        o[1:, ::2] = half
        return o

    add("set_subtensor(x[1:, ::2], y)", f"{side}^2", [x, y], T.set_subtensor(x[1:, ::2], y), [m, half], np_set)
    x, y = fm("x"), fm("y")

    def np_incb():
        o = m.copy()
        o[1:, ::2] += half
        return o

    add("inc_subtensor(x[1:, ::2], y)", f"{side}^2", [x, y], T.inc_subtensor(x[1:, ::2], y), [m, half], np_incb)
    x = fv("x")
    add("alloc (broadcast rows)", f"{side}^2", [x], T.alloc(x[:side], side, side), [v],
        lambda: np.broadcast_to(v[:side], (side, side)).copy())
    k = T.lscalar("k")
    add("eye", f"{side}^2", [k], T.eye(k), [np.int64(side)], lambda: np.eye(side, dtype=hypatia.config.floatX))
    k = T.lscalar("k")
    add("tri", f"{side}^2", [k], T.tri(k), [np.int64(side)], lambda: np.tri(side, dtype=hypatia.config.floatX))
    k = T.lscalar("k")
    add("arange", f"{n}", [k], T.arange(k), [np.int64(n)], lambda: np.arange(n))
    add("linspace", f"{n}", [], T.linspace(0.0, 1.0, n), [], lambda: np.linspace(0.0, 1.0, n))
    labels = r.integers(0, 100, n // 10)
    i = iv("i")
    add("to_one_hot", f"{n // 10} x 100", [i], T.to_one_hot(i, 100), [labels],
        lambda: np.eye(100, dtype=hypatia.config.floatX)[labels])
    i = iv("i")
    add("bincount", f"{n}", [i], T.bincount(i), [np.abs(idx) % 1000], lambda: np.bincount(np.abs(idx) % 1000))
    x = fv("x")
    add("diag(vector) (alloc_diagonal)", f"{side}", [x], T.diag(x), [v[:side]], lambda: np.diag(v[:side]))
    x = fm("x")
    add("nonzero", f"{side}^2", [x], T.nonzero(x > 0)[1], [m], lambda: np.nonzero(m > 0)[1])
    a3 = r.standard_normal((64, 32, 48)).astype(f32)
    b3 = r.standard_normal((32, 48, 40)).astype(f32)
    x, y = T.ftensor3("x"), T.ftensor3("y")
    add("tensordot (64,32,48).(32,48,40)", "axes 2", [x, y], T.tensordot(x, y, 2), [a3, b3],
        lambda: np.tensordot(a3, b3, 2))
    x = fm("x")
    add("x[1:, ::2] (view)", f"{side}^2", [x], x[1:, ::2], [m], lambda: m[1:, ::2])
    x = fm("x")
    add("diagonal (view)", f"{side}^2", [x], T.diagonal(x), [m], lambda: np.diagonal(m))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="", help="comma-separated substrings of op names")
    p.add_argument("--quick", action="store_true", help="small sizes")
    p.add_argument("--markdown", default="", help="also write the table to this file")
    args = p.parse_args()
    only = [s for s in args.only.split(",") if s]
    interp = hypatia.Mode(linker="interp")
    lines = ["| op | size | Hypatia cpu (ms) | reference kernels (ms) | NumPy (ms) | NumPy / Hypatia |",
             "|---|---|---|---|---|---|"]
    print(lines[0])
    print(lines[1])
    for op, size, ins, expr, fargs, ref in cases(args.quick):
        if only and not any(s in op for s in only):
            continue
        f = hypatia.function(ins, expr)
        g = hypatia.function(ins, expr, mode=interp)
        want = ref()
        got = f(*fargs)
        got = np.asarray(got)
        same = got.shape == np.shape(want) and (
            np.array_equal(got, want, equal_nan=True)
            or (got.dtype.kind == "f" and np.allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())))
        if not same:
            line = f"| {op} | {size} | DISAGREES with NumPy | | | |"
        else:
            th, tr, tn = best(lambda: f(*fargs)), best(lambda: g(*fargs)), best(ref)
            line = f"| {op} | {size} | {th * 1e3:.3f} | {tr * 1e3:.3f} | {tn * 1e3:.3f} | {tn / th:.2f} |"
        print(line, flush=True)
        lines.append(line)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
