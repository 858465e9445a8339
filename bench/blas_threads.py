#!/usr/bin/env python3
"""Where OpenBLAS's second thread starts to pay in the cpu backend's products.

Times `dot(a, b)` (float32) at W4's product shapes and at cubes 64^3 .. 512^3, once
with every product on one thread (``HYPATIA_BLAS_ONE_THREAD_WORK`` huge) and once on
OpenBLAS's default count (``HYPATIA_BLAS_ONE_THREAD_WORK=0``), each in a fresh
process, interleaving nothing else. Prints best and median of each and the speed-up:
the figure for ``kOneThreadWork`` in src/backend/cpu/blas_select.hpp is the m*n*k from
which two threads stay ahead. Only meaningful where Hypatia's sgemm is OpenBLAS's
(``hypatia._core._blas_info()`` says which).

    PYTHONPATH=build-rel/python /usr/bin/python3 bench/blas_threads.py [--repeat 200]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# (label, m, n, k, transpose a, transpose b): W4's eight products, then cubes.
SHAPES = [("x@W1", 128, 512, 784, 0, 0), ("h1@W2", 128, 512, 512, 0, 0), ("h2@W3", 128, 10, 512, 0, 0),
          ("d3@W3.T", 128, 512, 10, 0, 1), ("d2@W2.T", 128, 512, 512, 0, 1), ("x.T@d1", 784, 512, 128, 1, 0),
          ("h1.T@d2", 512, 512, 128, 1, 0), ("h2.T@d3", 512, 10, 128, 1, 0)] + \
         [(f"{s}^3", s, s, s, 0, 0) for s in (64, 96, 128, 192, 256, 384, 512)]


def child(repeat):
    import numpy as np

    import hypatia
    import hypatia.tensor as T

    a, b = T.fmatrix("a"), T.fmatrix("b")
    fns = {(ta, tb): hypatia.function([a, b], T.dot(a.T if ta else a, b.T if tb else b)) for ta in (0, 1) for tb in (0, 1)}
    rng = np.random.default_rng(0)
    out = {}
    for label, m, n, k, ta, tb in SHAPES:
        x = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        y = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        f = fns[(ta, tb)]
        f(x, y)
        ts = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            f(x, y)
            ts.append(time.perf_counter() - t0)
        out[label] = (min(ts), statistics.median(ts))
    print(json.dumps(out))


def run(work, repeat):
    env = dict(os.environ, HYPATIA_BLAS_ONE_THREAD_WORK=str(work))
    r = subprocess.run([sys.executable, __file__, "--child", "--repeat", str(repeat)], env=env, capture_output=True,
                       text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--repeat", type=int, default=100)
    args = ap.parse_args()
    if args.child:
        child(args.repeat)
        return
    one = run(1 << 62, args.repeat)
    two = run(0, args.repeat)
    print(f"{'product':>10} {'m*n*k':>11} {'1 thread best':>14} {'median':>9} {'default best':>13} {'median':>9} "
          f"{'speed-up (best)':>16}")
    for label, m, n, k, _, _ in SHAPES:
        (b1, m1), (b2, m2) = one[label], two[label]
        print(f"{label:>10} {m * n * k:>11} {b1 * 1e6:>12.1f}us {m1 * 1e6:>7.1f}us {b2 * 1e6:>11.1f}us "
              f"{m2 * 1e6:>7.1f}us {b1 / b2:>16.2f}")


if __name__ == "__main__":
    main()
