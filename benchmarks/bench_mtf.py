"""Benchmark of the vectorised Markov Transition Field (volrep.models.mtf) against pyts.

A seeded batch of ``--series`` series of ``--length`` steps (default 2,000 × 144: one day of 10-minute RV
each, the paper's input) is turned into ``--image-size`` MTF images (default: full size, 144 × 144) with
``Q = 4`` quantile bins, the paper's setting.

Baseline: pyts called once per series, ``MarkovTransitionField(n_bins=4, strategy="quantile",
image_size=S).transform(x[i:i + 1])`` in a loop, the results stacked with ``np.concatenate`` into the same
``(series, S, S)`` array that ours returns. This is the per-series usage of a user who builds one image per
day as the day arrives (and the usage the issue names). pyts also accepts the whole 2-D batch in one call; that
stronger baseline is timed and printed too, but is not the ``pyts_s`` of the JSON line. Each timing is the
best of ``--repeat`` runs (the machine may be shared); the two results are compared element-wise.

The inputs are absolute values of Student-t(3) draws (heavy-tailed, positive, like RV) with a zero
stretch in every 10th series, so the tie-handling path is timed as well.

Human-readable lines first, then one JSON line with the keys
``series, length, pyts_s, ours_s, speedup, max_abs_diff`` (the image size is in the lines above).

Usage: ``python benchmarks/bench_mtf.py [--series 2000] [--length 144] [--image-size 144] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import json
import warnings

import numpy as np
from pyts.image import MarkovTransitionField

from _timing import best_of

from volrep.models import mtf


def make_batch(series: int, length: int, seed: int) -> np.ndarray:
    """Positive heavy-tailed series; every 10th is zero on its first 3/4 (tied quartiles: merged bins)."""
    rng = np.random.default_rng(seed)
    x = np.abs(rng.standard_t(3, size=(series, length)))
    x[::10, : 3 * length // 4] = 0.0
    return x


def pyts_per_series(x: np.ndarray, image_size: int) -> np.ndarray:
    """pyts once per series, stacked into one array."""
    model = MarkovTransitionField(image_size=image_size, n_bins=mtf.PAPER_BINS, strategy="quantile")
    return np.concatenate([model.transform(x[i : i + 1]) for i in range(x.shape[0])])


def pyts_batch(x: np.ndarray, image_size: int) -> np.ndarray:
    """pyts once on the whole 2-D batch."""
    return MarkovTransitionField(image_size=image_size, n_bins=mtf.PAPER_BINS, strategy="quantile").transform(x)


def ours(x: np.ndarray, image_size: int) -> np.ndarray:
    """volrep's vectorised MTF."""
    return mtf.markov_transition_field(x, n_bins=mtf.PAPER_BINS, image_size=image_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=2_000)
    parser.add_argument("--length", type=int, default=144)
    parser.add_argument("--image-size", type=int, default=None, help="output size (default: the length)")
    parser.add_argument("--repeat", type=int, default=5, help="timings: best of this many")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    size = args.length if args.image_size is None else args.image_size
    x = make_batch(args.series, args.length, args.seed)

    with warnings.catch_warnings():  # pyts warns "Some quantiles are equal" on every tied series
        warnings.simplefilter("ignore", UserWarning)
        pyts_batch(x[:2], size)  # warm-up: numba dispatch, imports
        ours(x[:2], size)
        pyts_s, ref = best_of(args.repeat, pyts_per_series, x, size)
        batch_s, ref_batch = best_of(args.repeat, pyts_batch, x, size)
    ours_s, got = best_of(args.repeat, ours, x, size)
    max_abs_diff = float(np.abs(got - ref).max())
    merged = int(np.isnan(mtf.quantile_edges(x)).any(axis=1).sum())

    print(f"batch: {args.series:,} series × {args.length} steps → {size} × {size} images, Q = {mtf.PAPER_BINS} "
          f"({merged} series with tied quantile edges); timings are the best of {args.repeat} runs")
    print(f"pyts, one call per series (+ np.concatenate): {pyts_s:.3f} s")
    print(f"pyts, one call on the 2-D batch:              {batch_s:.3f} s")
    print(f"ours (volrep.models.mtf):                     {ours_s:.3f} s")
    print(f"speedup: {pyts_s / ours_s:.1f}x vs pyts per series, {batch_s / ours_s:.1f}x vs pyts on the batch; "
          f"max |diff| {max_abs_diff:.3g} (vs batch pyts {float(np.abs(got - ref_batch).max()):.3g})")
    print(json.dumps({
        "series": args.series,
        "length": args.length,
        "pyts_s": round(pyts_s, 4),
        "ours_s": round(ours_s, 4),
        "speedup": round(pyts_s / ours_s, 1),
        "max_abs_diff": max_abs_diff,
    }))


if __name__ == "__main__":
    main()
