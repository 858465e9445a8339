"""README command (1)'s demo in Python: an MLP (64 -> 256 relu -> 10 softmax) trained
with Adam on the 1,797 handwritten 8x8 digits that Debian's python3-sklearn ships (a
gzipped CSV, read directly: no sklearn import), 360 of them held out; one line per
epoch (loss, accuracy, time) behind a progress bar. Without the data file it says so
and trains on a synthetic 10-class task. The same program as examples/digits.cpp, with
the same split and initialization (the same SplitMix64 draws).

    PYTHONPATH=build/python python3 examples/digits.py [--epochs N] [--min-accuracy A] ...
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np

import hypatia
import hypatia.tensor as T
from hypatia import optim

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
FEATURES, CLASSES, HELD_OUT = 64, 10, 360
MASK = (1 << 64) - 1


class Rng:
    """SplitMix64 (Steele et al.), as examples/digits.cpp's."""

    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self, n):
        return np.array([(self.next() >> 11) / 9007199254740992.0 for _ in range(n)])

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next() % (i + 1)
            p[i], p[j] = p[j], p[i]
        return np.array(p, dtype=np.int64)


def read_digits(path):
    try:
        with gzip.open(path, "rt") as f:
            data = np.loadtxt(f, delimiter=",")
    except OSError:
        return None
    return data[:, :FEATURES] / 16.0, data[:, FEATURES].astype(np.int64)


def synthetic_task(rng):
    centers = rng.uniform(CLASSES * FEATURES).reshape(CLASSES, FEATURES)
    labels = np.arange(1797) % CLASSES
    x = centers[labels] + 1.2 * (rng.uniform(1797 * FEATURES).reshape(1797, FEATURES) - 0.5)
    return x, labels.astype(np.int64)


def glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return (2 * rng.uniform(fan_in * fan_out) - 1).reshape(fan_in, fan_out) * limit


def bar(done, total, width=30):
    filled = int(width * done / total)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.environ.get("HYPATIA_DIGITS") or DIGITS)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--min-accuracy", type=float, default=0.0,
                    help="exit status 1 when the held-out accuracy is below this")
    opt = ap.parse_args(argv)

    rng = Rng(opt.seed)
    data = None if opt.synthetic else read_digits(opt.data)
    if data is not None:
        print(f"digits: {len(data[1])} handwritten 8x8 digits from {opt.data}")
    else:
        if not opt.synthetic:
            print(f"digits: no data file at {opt.data} (Debian's python3-sklearn ships it); "
                  "training on a synthetic task instead")
        data = synthetic_task(rng)
        print(f"digits: synthetic task, {len(data[1])} points of 64 features in 10 classes")
    x_all, y_all = data

    # A seeded split, then each pixel standardized by the training set.
    order = rng.permutation(len(y_all))
    test_x, test_y = x_all[order[:HELD_OUT]], y_all[order[:HELD_OUT]]
    train_x, train_y = x_all[order[HELD_OUT:]], y_all[order[HELD_OUT:]]
    mean, scale = train_x.mean(0), train_x.std(0) + 0.1
    train_x, test_x = (train_x - mean) / scale, (test_x - mean) / scale

    # The model: parameters and the learning rate are shared variables.
    W1 = hypatia.shared(glorot(rng, FEATURES, opt.hidden), name="W1")
    b1 = hypatia.shared(np.zeros(opt.hidden), name="b1")
    W2 = hypatia.shared(glorot(rng, opt.hidden, CLASSES), name="W2")
    b2 = hypatia.shared(np.zeros(CLASSES), name="b2")
    learning_rate = hypatia.shared(0.01, name="learning_rate")
    x, y = T.dmatrix("x"), T.lvector("y")
    hidden = T.nnet.relu(T.dot(x, W1) + b1)
    p_y = T.nnet.softmax(T.dot(hidden, W2) + b2)
    loss = T.nnet.categorical_crossentropy(p_y, y).mean()
    accuracy = T.mean(T.eq(T.argmax(p_y, axis=1), y))
    cost = loss + 0.5e-3 * ((W1 ** 2).sum() + (W2 ** 2).sum())  # L2 weight decay
    train_step = hypatia.function([x, y], [loss, accuracy],
                                  updates=optim.adam([W1, b1, W2, b2], cost, learning_rate=learning_rate))
    evaluate = hypatia.function([x, y], [loss, accuracy])

    tty = sys.stdout.isatty()
    batch_size = 32
    batches = (len(train_y) + batch_size - 1) // batch_size
    start, cpu_start = time.perf_counter(), time.process_time()
    held_out = 0.0
    for epoch in range(1, opt.epochs + 1):
        t0, cpu0 = time.perf_counter(), time.process_time()
        learning_rate.set_value(0.01 * 0.9 ** (epoch - 1))
        perm = rng.permutation(len(train_y))
        loss_sum = correct = 0.0
        for b in range(batches):
            rows = perm[b * batch_size:(b + 1) * batch_size]
            batch_loss, batch_acc = train_step(train_x[rows], train_y[rows])
            loss_sum += float(batch_loss) * len(rows)
            correct += float(batch_acc) * len(rows)
            if tty:
                print(f"\repoch {epoch}/{opt.epochs} {bar(b + 1, batches)}", end="", flush=True)
        test_loss, held_out = (float(v) for v in evaluate(test_x, test_y))
        n = len(train_y)
        print(("\r" if tty else "") +
              f"epoch {epoch:2d}/{opt.epochs} {bar(1, 1)} loss {loss_sum / n:.4f}  train acc {100 * correct / n:5.1f}%  "
              f"held-out loss {test_loss:.4f}  acc {100 * held_out:5.1f}%  {time.perf_counter() - t0:.2f} s "
              f"({time.process_time() - cpu0:.2f} s CPU)",
              flush=True)
    total = time.perf_counter() - start
    print(f"held-out accuracy {100 * held_out:.1f}% ({round(held_out * len(test_y))} of {len(test_y)} digits) "
          f"after {opt.epochs} epochs in {total:.1f} s ({time.process_time() - cpu_start:.1f} s CPU)")
    if held_out < opt.min_accuracy:
        print(f"below the required {100 * opt.min_accuracy:.1f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
