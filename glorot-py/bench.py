"""Speed of glorot's Python fills against the frameworks, as ratios measured in one run.

    python glorot-py/bench.py [--tensors N] [--side S] [--reps R]

Fills N tensors of S x S float32 with GlorotNormal-like values (default 2 x 4096 x 4096 =
32 M parameters; the issue's 1 G-parameter model is ``--tensors 16 --side 8192``) with:

- glorot.glorot_normal(out=...) on all cores (and on 1 thread),
- torch.nn.init.xavier_normal_ (in place),
- keras.initializers.GlorotNormal (JAX backend; blocked until ready),
- jax.random.normal (blocked until ready),
- numpy's Generator.standard_normal(dtype=float32, out=...),

each the best of R repetitions, and prints each one's time and its ratio to glorot's.
Then the per-call time of a 64-element bias (glorot.normal(64, seed=seed) and
glorot.glorot_normal((64,), seed)), median of many calls.
"""

import argparse
import os
import time
import timeit

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

import glorot  # noqa: E402


def best(fn, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tensors", type=int, default=2)
    ap.add_argument("--side", type=int, default=4096)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    n, s = args.tensors, args.side
    shape = (s, s)
    params = n * s * s
    print(f"{n} tensors of {s}x{s} float32 = {params / 1e6:.0f} M parameters, best of {args.reps}; "
          f"kernel {glorot.kernel()}, {os.cpu_count()} cores")
    bufs = [np.empty(shape, np.float32) for _ in range(n)]
    for b in bufs:  # fault the pages in now, so that no timed fill pays for first touch
        b.fill(0.0)
    results = {}

    def run_glorot(threads=None):
        for i, b in enumerate(bufs):
            glorot.glorot_normal(shape, 1, stream=i, out=b, threads=threads)

    results["glorot (all cores)"] = best(run_glorot, args.reps)
    results["glorot (1 thread)"] = best(lambda: run_glorot(1), args.reps)

    rng = np.random.default_rng(1)
    results["numpy standard_normal(float32)"] = best(
        lambda: [rng.standard_normal(out=b, dtype=np.float32) for b in bufs], args.reps)

    try:
        import torch

        ts = [torch.from_numpy(b) for b in bufs]
        results["torch xavier_normal_"] = best(lambda: [torch.nn.init.xavier_normal_(t) for t in ts], args.reps)
    except ImportError:
        print("torch not installed: skipped")

    import jax

    key = jax.random.key(0)
    results["jax.random.normal"] = best(
        lambda: [jax.random.normal(jax.random.fold_in(key, i), shape).block_until_ready() for i in range(n)], args.reps)

    import keras

    init = keras.initializers.GlorotNormal(seed=1)
    results["keras GlorotNormal (jax)"] = best(lambda: [init(shape).block_until_ready() for _ in range(n)], args.reps)

    ref = results["glorot (all cores)"]
    print(f"{'':34s} {'seconds':>9s} {'M values/s':>11s} {'time / glorot':>14s}")
    for name, t in results.items():
        print(f"{name:34s} {t:9.3f} {params / t / 1e6:11.0f} {t / ref:13.1f}x")

    calls = 200_000
    for label, fn in [("glorot.normal(64, seed=seed)", lambda: glorot.normal(64, seed=1)),
                      ("glorot.glorot_normal((64,), seed)", lambda: glorot.glorot_normal((64,), 1)),
                      ("numpy rng.standard_normal(64, float32)", lambda: rng.standard_normal(64, dtype=np.float32))]:
        per = sorted(timeit.repeat(fn, number=calls // 10, repeat=10))[5] / (calls // 10)
        print(f"64-element bias, {label}: {per * 1e6:.2f} us per call")


if __name__ == "__main__":
    main()
