#!/usr/bin/env python3
"""Row kernels and threaded native kernels, two builds alternated (bench/RESULTS.md,
"Row kernels: flags, long rows, native threads"). Each round runs every case once per
build, in a fresh process per build (so the builds' libraries never meet), and each
process reports the median of its repeats; the table gives the median over rounds.

    /usr/bin/python3 bench/row_threads.py --builds base=.base/build-rel/python new=build-rel/python [--rounds 5]
    /usr/bin/python3 bench/row_threads.py --builds new=build-rel/python --flags "" sleef=0 vector_math=libmvec

With several --flags values, each build runs under each HYPATIA_FLAGS setting; --threads
sets OMP_NUM_THREADS (the native kernels' team); --cpu adds each call's CPU time (all
threads: on a loaded machine the second thread's share shows there, not in the wall).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CASES = ["softmax 1x1e7", "log_softmax 1x1e7", "logsumexp 1x1e7", "softmax 2x5e6", "softmax 4096x4096",
         "logsumexp 4096x4096", "xent 10000x1000", "xent 128x10", "take rows 10000 of 1000^2", "take 1e6 of 1e6"]


def child(only):
    import numpy as np
    import hypatia
    import hypatia.tensor as T

    r = np.random.default_rng(0)
    out = {}

    def timeit(name, f, args, budget=1.0):
        f(*args)
        t0 = time.perf_counter()
        f(*args)
        one = time.perf_counter() - t0
        reps = max(5, min(300, int(budget / max(one, 1e-6))))
        ts, cs = [], []
        for _ in range(reps):
            c0 = time.process_time()
            t0 = time.perf_counter()
            f(*args)
            ts.append(time.perf_counter() - t0)
            cs.append(time.process_time() - c0)
        out[name] = statistics.median(ts)
        out[name + " (cpu)"] = statistics.median(cs)

    xm = T.fmatrix("x")
    sm, ls, lse = T.nnet.softmax(xm), T.nnet.log_softmax(xm), T.logsumexp(xm, axis=1)
    f_sm, f_ls, f_lse = (hypatia.function([xm], e) for e in (sm, ls, lse))
    long_row = (r.standard_normal((1, 10_000_000)) * 3).astype(np.float32)
    two_rows = long_row.reshape(2, 5_000_000)
    square = (r.standard_normal((4096, 4096)) * 3).astype(np.float32)
    cases = {
        "softmax 1x1e7": (f_sm, [long_row]),
        "log_softmax 1x1e7": (f_ls, [long_row]),
        "logsumexp 1x1e7": (f_lse, [long_row]),
        "softmax 2x5e6": (f_sm, [two_rows]),
        "softmax 4096x4096": (f_sm, [square]),
        "logsumexp 4096x4096": (f_lse, [square]),
    }
    y = T.lvector("y")
    f_xent = hypatia.function([xm, y], T.nnet.softmax_cross_entropy(xm, y))
    big = (r.standard_normal((10000, 1000)) * 3).astype(np.float32)
    cases["xent 10000x1000"] = (f_xent, [big, r.integers(0, 1000, 10000)])
    small = (r.standard_normal((128, 10)) * 3).astype(np.float32)
    cases["xent 128x10"] = (f_xent, [small, r.integers(0, 10, 128)])
    i = T.lvector("i")
    f_rows = hypatia.function([xm, i], T.take(xm, i, axis=0))
    m = r.standard_normal((1000, 1000)).astype(np.float32)
    cases["take rows 10000 of 1000^2"] = (f_rows, [m, r.integers(0, 1000, 10000)])
    v = T.fvector("v")
    f_take = hypatia.function([v, i], T.take(v, i))
    cases["take 1e6 of 1e6"] = (f_take, [r.standard_normal(1_000_000).astype(np.float32),
                                         r.integers(-1_000_000, 1_000_000, 1_000_000)])
    for name, (f, args) in cases.items():
        if only and name not in only:
            continue
        timeit(name, f, args)
    print("TIMES " + json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builds", nargs="+", default=["new=build-rel/python"])
    ap.add_argument("--flags", nargs="+", default=[""])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--threads", default="", help="OMP_NUM_THREADS for the runs (default: unset)")
    ap.add_argument("--cpu", action="store_true", help="also the CPU time (all threads) per call")
    ap.add_argument("--child", action="store_true")
    a = ap.parse_args()
    only = [c for c in a.only.split(",") if c]
    if a.child:
        return child(only)
    variants = [(b.split("=", 1)[0], b.split("=", 1)[1], fl) for b in a.builds for fl in a.flags]
    times = {(n, fl): {} for n, _, fl in variants}
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    for rnd in range(a.rounds):
        for name, path, fl in variants:
            env = dict(os.environ, PYTHONPATH=path, HYPATIA_FLAGS=fl)
            if a.threads:
                env["OMP_NUM_THREADS"] = a.threads
            p = subprocess.run([sys.executable, __file__, "--child", "--only", a.only], env=env,
                               capture_output=True, text=True)
            line = [x for x in p.stdout.splitlines() if x.startswith("TIMES ")]
            if not line:
                sys.exit(p.stdout + p.stderr)
            for case, t in json.loads(line[0][6:]).items():
                times[(name, fl)].setdefault(case, []).append(t)
        print(f"round {rnd + 1} done; uptime:", subprocess.run(["uptime"], capture_output=True,
                                                                text=True).stdout.strip(), flush=True)
    heads = [f"{n}{' ' + fl if fl else ''}" for n, _, fl in variants]
    print("| case | " + " | ".join(heads) + " |")
    print("|---" * (len(heads) + 1) + "|")
    for case in CASES + ([c + " (cpu)" for c in CASES] if a.cpu else []):
        cells = []
        for n, _, fl in variants:
            ts = times[(n, fl)].get(case)
            cells.append(f"{statistics.median(ts) * 1e3:.3f} ms" if ts else "-")
        if any(c != "-" for c in cells):
            print(f"| {case} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
