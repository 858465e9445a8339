"""W4 and W5 by CPU time per call (all threads counted; best and median), Hypatia against
NumPy and PyTorch in one process, with peers.py's graphs and peers: a load-robust
comparison for a shared machine (wall times there swing by 2x between runs).
Run: PYTHONPATH=build-rel/python python3 bench/cpu_time.py"""
import sys, time, statistics
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import peers
import numpy as np, torch
hypatia, T = peers.hypatia, peers.T
def cpu_stats(fn, n=40):
    fn(); ts = []
    for _ in range(n):
        c0 = time.process_time(); fn(); ts.append(time.process_time() - c0)
    return min(ts) * 1e3, statistics.median(ts) * 1e3
s = peers.FULL
x, y, params = peers.mlp_data(s)
inputs, outputs = peers.mlp_hypatia_graph()
f = hypatia.function(inputs, outputs)
tx, ty = torch.from_numpy(x), torch.from_numpy(y)
tp = [torch.from_numpy(p).requires_grad_() for p in params]
def torch_step():
    h1 = torch.tanh(tx @ tp[0] + tp[1]); h2 = torch.tanh(h1 @ tp[2] + tp[3])
    loss = torch.nn.functional.cross_entropy(h2 @ tp[4] + tp[5], ty)
    return [loss] + list(torch.autograd.grad(loss, tp))
for name, fn in [("hypatia", lambda: f(x, y, *params)), ("numpy", lambda: peers.mlp_numpy(x, y, params)), ("pytorch", torch_step)]:
    print("W4 %-8s cpu best %.2f ms median %.2f ms" % ((name,) + cpu_stats(fn)))
n, d = s["w5"]; r = peers.rng()
a = r.standard_normal((n, d), dtype=np.float32); b = (r.random(n) < 0.5).astype(np.float32); w = (r.standard_normal(d) * 0.1).astype(np.float32)
am, bv, wv = T.fmatrix("A"), T.fvector("b"), T.fvector("w")
p = T.nnet.sigmoid(T.dot(am, wv)); loss = (-bv * T.log(p) - (1 - bv) * T.log(1 - p)).mean()
g = hypatia.function([am, bv, wv], [loss, hypatia.grad(loss, wv)])
def np_step():
    z = a @ w
    return [(np.logaddexp(np.float32(0), z) - b * z).mean(dtype=np.float32), a.T @ ((np.float32(1) / (np.float32(1) + np.exp(-z)) - b) / np.float32(n))]
ta, tb, tw = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(w).requires_grad_()
def t5():
    l = torch.nn.functional.binary_cross_entropy_with_logits(ta @ tw, tb); return [l, torch.autograd.grad(l, tw)[0]]
for name, fn in [("hypatia", lambda: g(a, b, w)), ("numpy", np_step), ("pytorch", t5)]:
    print("W5 %-8s cpu best %.2f ms median %.2f ms" % ((name,) + cpu_stats(fn, 100)))
print("hypatia", hypatia._core._blas_info())
