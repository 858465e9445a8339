"""One compiled function called from several Python threads at once: the call releases
the GIL, so the cpu backend's per-call scratch (slots, buffer pool) must be each call's
own. Each thread checks its results against NumPy."""
import threading

import numpy as np

import hypatia
import hypatia.tensor as T
from hypatia.compile.mode import Mode


def test_one_function_from_four_threads():
    x, y = T.matrix("x"), T.matrix("y")
    a = T.exp(x * 0.5).sum(axis=1)  # temporaries between kernels: pooled and in place
    out = [T.log(a) * (x * y).sum(axis=1) + 1.0, T.cos(x).sum(axis=0) * 2.0]
    f = hypatia.function([x, y], out, mode=Mode(linker="cpu"))
    errors = []

    def work(t):
        rng = np.random.default_rng(t)
        xs = rng.standard_normal((3 + t, 5 + 2 * t)).astype(x.dtype)
        ys = rng.standard_normal(xs.shape).astype(x.dtype)
        want0 = np.log(np.exp(xs * 0.5).sum(axis=1)) * (xs * ys).sum(axis=1) + 1.0
        want1 = np.cos(xs).sum(axis=0) * 2.0
        for _ in range(200):
            got0, got1 = f(xs, ys)
            if not (np.allclose(got0, want0, rtol=1e-5) and np.allclose(got1, want1, rtol=1e-5)):
                errors.append(t)
                return

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
