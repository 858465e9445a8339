#!/usr/bin/env python3
"""Where two OpenMP threads start to pay in the cpu backend's kernels.

Times a cheap kernel (``x + y``, float32) and an expensive one (W1's expression,
float32) over sizes 2^8 .. 2^20, once on one thread (the team never starts:
``-DHP_PARALLEL_WORK`` huge) and once on two (the team always starts:
``-DHP_PARALLEL_WORK=0``), each in a fresh process (OMP_NUM_THREADS is read once).
Prints the best time of each and the speed-up, the first size from which two threads
stay ahead, and that size times the kernel's point cost (the ``hp::run(..., cost)``
argument in the generated source): the figure for ``HP_PARALLEL_WORK`` in
src/backend/cpu/render.cpp's prelude.

    PYTHONPATH=build-rel/python /usr/bin/python3 bench/omp_threshold.py [--repeat 200]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

SIZES = [2 ** k for k in range(8, 21)]


def child(repeat):
    import numpy as np

    import hypatia
    import hypatia.tensor as T

    x, y = T.fvector("x"), T.fvector("y")
    kernels = {
        "add": hypatia.function([x, y], x + y),
        "w1": hypatia.function([x, y], T.exp(-x ** 2) * T.sin(x) + 0.5 * T.log1p(abs(x)) + T.tanh(x) + y),
    }
    out = {"times": {}, "cost": {}}
    for name, f in kernels.items():
        costs = re.findall(r"_points, (\d+)\);", f.source())
        out["cost"][name] = max(int(c) for c in costs) if costs else 0
        out["times"][name] = {}
        for n in SIZES:
            rng = np.random.default_rng(0)
            a = rng.uniform(-3, 3, n).astype(np.float32)
            b = rng.uniform(-3, 3, n).astype(np.float32)
            f(a, b)
            inner = max(1, 200000 // n)
            best = float("inf")
            for _ in range(repeat if n <= 65536 else max(5, repeat // 10)):
                t0 = time.perf_counter()
                for _ in range(inner):
                    f(a, b)
                best = min(best, (time.perf_counter() - t0) / inner)
            out["times"][name][str(n)] = best
    print(json.dumps(out))


def run(threads, work, repeat, compiledir):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env["HYPATIA_FLAGS"] = f"compiledir={compiledir},cxxflags=-DHP_PARALLEL_WORK={work}"
    r = subprocess.run([sys.executable, __file__, "--child", "--repeat", str(repeat)], env=env,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--compiledir", default="/tmp/hypatia-omp-threshold")
    args = ap.parse_args()
    if args.child:
        child(args.repeat)
        return
    one = run(1, 1 << 62, args.repeat, args.compiledir)
    two = run(2, 0, args.repeat, args.compiledir)
    for name in one["times"]:
        cost = one["cost"][name]
        print(f"{name} (point cost {cost})")
        print(f"{'n':>9} {'1 thread':>11} {'2 threads':>11} {'speed-up':>9}")
        cross = None
        for n in SIZES:
            t1, t2 = one["times"][name][str(n)], two["times"][name][str(n)]
            print(f"{n:>9} {t1 * 1e6:>9.2f}us {t2 * 1e6:>9.2f}us {t1 / t2:>9.2f}")
            if t2 < t1:
                cross = cross or n
            else:
                cross = None
        if cross is None:
            print("  two threads never stay ahead")
        else:
            print(f"  two threads ahead from n = {cross}: work = n * cost = {cross * cost}")


if __name__ == "__main__":
    main()
