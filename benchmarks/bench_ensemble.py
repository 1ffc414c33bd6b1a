"""Benchmark: 25 of Huang et al.'s LSTMs (10 units, 144 ten-minute RVs a day as input) trained one at a time with
:func:`volrep.train.fit` against all at once with :func:`volrep.stacked.fit_stacked`.

The members differ in seed (initial weights, batch order, dropout), as in a seed ensemble. The data are synthetic,
of the shape of chapter 07's Binance design: 1,643 training days (90 % of 2018–2022), 144 steps of one feature.
``max_abs_diff`` is the largest absolute difference of any final weight between the two ways (same seeds).
Human-readable line first, then one JSON line with the keys
``members, hidden, seq_len, epochs, loop_s, stacked_s, speedup, max_abs_diff``.

Usage: ``python benchmarks/bench_ensemble.py [--members 25] [--epochs 5]``
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from volrep import config, train
from volrep.models.nets import HuangLSTM
from volrep.stacked import fit_stacked

SAMPLES, SEQ_LEN, HIDDEN, BATCH, LR = 1643, 144, 10, 32, 1e-3


def member(seed: int) -> HuangLSTM:
    config.seed_everything(seed)
    return HuangLSTM(1, hidden=HIDDEN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.gamma(2.0, 0.05, (SAMPLES, SEQ_LEN, 1)).astype(np.float32)
    y = np.clip(x[:, -36:, 0].mean(axis=1) * 4 + rng.normal(0, 0.02, SAMPLES), 0, 1).astype(np.float32)
    seeds = list(range(args.members))

    t0 = time.perf_counter()
    alone = []
    for s in seeds:
        model = member(s)
        train.fit(model, (x, y), None, lr=LR, batch_size=BATCH, max_epochs=args.epochs, patience=1, seed=s)
        alone.append(model)
    loop_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    stacked, _ = fit_stacked([member(s) for s in seeds], [(x, y)] * len(seeds), seeds, lr=LR, batch_size=BATCH,
                             epochs=args.epochs)
    stacked_s = time.perf_counter() - t0

    diff = max(float((a - b).abs().max()) for one, two in zip(alone, stacked)
               for a, b in zip(one.state_dict().values(), two.state_dict().values()))
    out = {"members": args.members, "hidden": HIDDEN, "seq_len": SEQ_LEN, "epochs": args.epochs,
           "loop_s": round(loop_s, 2), "stacked_s": round(stacked_s, 2), "speedup": round(loop_s / stacked_s, 2),
           "max_abs_diff": float(f"{diff:.3g}")}
    print(f"{args.members} LSTMs × {args.epochs} epochs: one at a time {loop_s:.1f} s, stacked {stacked_s:.1f} s "
          f"({out['speedup']:.1f}×), largest weight difference {diff:.2g}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
