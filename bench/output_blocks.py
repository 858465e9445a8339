#!/usr/bin/env python3
"""Page faults of a function's results: a call returning two (128, 512) float32 arrays.

Times ``[tanh(x + b), 1 - tanh(x + b)**2]`` (two results of 256 KiB) against the same
kernel returning ``tanh(x + b)`` alone, and counts the process's minor page faults over
the calls. When freed results come back as fresh pages (glibc unmapping them or
trimming the heap under them), the two-result call faults in ~128 pages and costs
several times the one-result call; with `Buffer::allocate`'s kept blocks
(src/runtime/array.cpp) both cost about the kernel.

    PYTHONPATH=build-rel/python /usr/bin/python3 bench/output_blocks.py [--calls 3000]
"""
import argparse
import resource
import time

import numpy as np

import hypatia
import hypatia.tensor as T


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=3000)
    args = ap.parse_args()
    x, b = T.fmatrix("x"), T.fvector("b")
    h = T.tanh(x + b)
    two = hypatia.function([x, b], [h, 1 - h * h])
    one = hypatia.function([x, b], h)
    r = np.random.default_rng(0)
    xv = r.standard_normal((128, 512), dtype=np.float32)
    bv = r.standard_normal(512, dtype=np.float32)
    for name, fn in (("two results", lambda: two(xv, bv)), ("one result", lambda: one(xv, bv)),
                     ("numpy tanh(x + b)", lambda: np.tanh(xv + bv))):
        for _ in range(100):
            fn()
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t = time.perf_counter()
        for _ in range(args.calls):
            fn()
        us = (time.perf_counter() - t) / args.calls * 1e6
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        print(f"{name:<20} {us:8.1f} us a call  {faults / args.calls:6.1f} page faults a call")


if __name__ == "__main__":
    main()
