"""Reductions over leading axes (sum over axis 0 of a matrix: W4's bias gradients) and
the W4 step, for two or more builds of Hypatia, alternating between them, several
rounds, medians (a shared machine swings +-25% between runs).

    python3 bench/colsum.py before=/path/a/build-rel/python after=build-rel/python --rounds 5

Each round runs every build once, in its own process (one `python3 bench/colsum.py
--one PATH` each), and prints its figures as a JSON line; the table of medians comes
last. Figures: the median of 7 (or 5) timed batches of calls from Python, so the call
overhead (a few us) is in them. See bench/RESULTS.md, "Leading-axis reductions".
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def median_of_batches(fn, calls, batches=7):
    times = []
    for _ in range(batches):
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t) / calls)
    return statistics.median(times)


def one(path):
    sys.path.insert(0, path)
    sys.path.insert(0, HERE)
    import numpy as np
    import hypatia
    import hypatia.tensor as T
    import peers as P

    rng = np.random.default_rng(0)
    out = {}
    x = T.fmatrix("x")
    f = hypatia.function([x], T.sum(x, axis=0))  # FAST_RUN: summed in float64, cast back
    d = T.dmatrix("d")
    g = hypatia.function([d], T.sum(d, axis=0))
    a = rng.standard_normal((128, 512)).astype(np.float32)
    out["float32 (128, 512) axis 0, us"] = median_of_batches(lambda: f(a), 2000) * 1e6
    b = rng.standard_normal((4096, 4096)).astype(np.float32)
    out["float32 (4096, 4096) axis 0, ms"] = median_of_batches(lambda: f(b), 10, 5) * 1e3
    c = rng.standard_normal((100000, 64))
    out["float64 (100000, 64) axis 0, ms"] = median_of_batches(lambda: g(c), 20, 5) * 1e3
    xw, yw, params = P.mlp_data(P.FULL)
    inputs, outputs = P.mlp_hypatia_graph()
    w = hypatia.function(inputs, outputs)
    for _ in range(30):
        w(xw, yw, *params)
    out["W4 step, ms"] = median_of_batches(lambda: w(xw, yw, *params), 100, 5) * 1e3
    print(json.dumps(out), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="*", help="NAME=PATH of a build's python directory")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one)
        return
    builds = [b.split("=", 1) for b in args.builds]
    results = {name: [] for name, _ in builds}
    print("uptime:", os.popen("uptime").read().strip(), flush=True)
    for r in range(args.rounds):
        for name, path in builds:
            run = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", path],
                                 capture_output=True, text=True, check=True)
            line = run.stdout.strip().splitlines()[-1]
            results[name].append(json.loads(line))
            print(r, name, line, flush=True)
    print("uptime:", os.popen("uptime").read().strip(), flush=True)
    keys = list(results[builds[0][0]][0])
    print("| figure | " + " | ".join(name for name, _ in builds) + " |")
    print("|---|" + "---:|" * len(builds))
    for k in keys:
        cells = [f"{statistics.median(x[k] for x in results[name]):.4g}" for name, _ in builds]
        print(f"| {k} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
