#!/usr/bin/env python3
"""pow, arctan2 and the rounding functions in fused kernels (float32, 2^18 elements).

    PYTHONPATH=build-rel/python /usr/bin/python3 bench/vector_prims.py
    HYPATIA_FLAGS=sleef=0 PYTHONPATH=... bench/vector_prims.py   # lanes call the scalar functions
"""
import time, numpy as np, hypatia, hypatia.tensor as T
x = T.fvector("x"); y = T.fvector("y")
fs = {"pow": hypatia.function([x, y], x ** y), "arctan2": hypatia.function([x, y], T.arctan2(x, y)), "floor": hypatia.function([x], T.floor(x) + T.round(x))}
r = np.random.default_rng(0); a = r.uniform(0.1, 3, 1 << 18).astype(np.float32); b = r.uniform(-3, 3, 1 << 18).astype(np.float32)
for k, f in fs.items():
    args = (a, b) if k != "floor" else (a,)
    f(*args); t = time.perf_counter()
    for i in range(200): f(*args)
    print(k, "%.0f us" % ((time.perf_counter() - t) / 200 * 1e6), end="; ")
print()
