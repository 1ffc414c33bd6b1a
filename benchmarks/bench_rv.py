"""Benchmark of the 10-minute pre-averaged RV (volrep.rv) on simulated ticks.

Streams ``--ticks`` simulated ticks (volrep.sim.iter_tick_chunks) through
:func:`volrep.rv.preaveraged_rv_chunks`, timing the RV computation apart from the tick generation, and
compares with a straightforward pandas ``groupby(...).apply(...)`` implementation (``rolling(...).apply`` over
the windows of each interval) timed on a subsample, its throughput scaled linearly to the full size; a
stronger baseline (``np.correlate`` inside each group) is reported too. Human-readable lines first, then one
JSON line with the keys ``ticks, ticks_per_s, baseline_ticks_per_s, speedup, peak_rss_mb, max_abs_diff``.

Usage: ``python benchmarks/bench_rv.py [--ticks 50000000] [--baseline-ticks 1000000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from _timing import best_of

from volrep import rv, sim


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


Chunk = tuple[np.ndarray, np.ndarray]


def timed(chunks: Iterable[Chunk], clock: list[float]) -> Iterator[Chunk]:
    """Yield the chunks, adding the time spent producing them to ``clock[0]``."""
    it = iter(chunks)
    while True:
        t0 = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            clock[0] += time.perf_counter() - t0
            return
        clock[0] += time.perf_counter() - t0
        yield item


def _pandas_frame(times_ns: np.ndarray, prices: np.ndarray, interval: str) -> pd.DataFrame:
    """Tick returns with their interval: r_i belongs to the interval ``(s, s + Δ]`` of its end tick."""
    df = pd.DataFrame({"time": pd.to_datetime(times_ns, unit="ns", utc=True), "logp": np.log(prices)})
    df["r"] = df["logp"].diff()
    df = df.iloc[1:]
    df["interval"] = (df["time"] - pd.Timedelta(1, "ns")).dt.floor(interval)
    return df


def _weights(n: int, theta: float) -> np.ndarray | None:
    """g(i/k), i = 1..k-1, with k = round_half_up(θ √n); None when k < 2."""
    k = int(np.floor(theta * np.sqrt(n) + 0.5))
    if k < 2:
        return None
    i = np.arange(1, k)
    return np.minimum(i / k, 1 - i / k)


def pandas_baseline(times_ns: np.ndarray, prices: np.ndarray, interval: str, theta: float) -> pd.Series:
    """Eq. (2)-(3) the straightforward pandas way: ``groupby(interval).apply`` and, in each interval, a
    ``rolling(k - 1).apply`` of the weighted sum over windows ``j = 0..n-k``; divided by ``Σ g(i/k)²``."""

    def one_interval(r: pd.Series) -> float:
        w = _weights(r.size, theta)
        if w is None:
            return np.nan
        rbar = r.iloc[:-1].rolling(w.size).apply(lambda x: np.dot(w, x), raw=True).dropna()
        return float((rbar**2).sum() / (w**2).sum())

    return _pandas_frame(times_ns, prices, interval).groupby("interval")["r"].apply(one_interval)


def numpy_group_baseline(times_ns: np.ndarray, prices: np.ndarray, interval: str, theta: float) -> pd.Series:
    """The same ``groupby(interval).apply`` with the windows of an interval done at once by ``np.correlate``."""

    def one_interval(r: pd.Series) -> float:
        w = _weights(r.size, theta)
        if w is None:
            return np.nan
        rbar = np.correlate(r.to_numpy()[:-1], w, mode="valid")
        return float((rbar**2).sum() / (w**2).sum())

    return _pandas_frame(times_ns, prices, interval).groupby("interval")["r"].apply(one_interval)


def compare(ours: pd.Series, other: pd.Series) -> tuple[float, float]:
    """Max absolute and relative difference; the NaN intervals must coincide."""
    both = pd.concat([ours.rename("ours"), other.rename("other")], axis=1)
    if not (both["ours"].isna() == both["other"].isna()).all():
        raise SystemExit("ours and a baseline disagree on which intervals are NaN")
    diff = (both["ours"] - both["other"]).abs()
    return float(diff.max()), float((diff / both["other"].abs()).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=50_000_000, help="simulated ticks to stream")
    parser.add_argument("--baseline-ticks", type=int, default=1_000_000, help="subsample for the pandas baseline")
    parser.add_argument("--trades-per-day", type=float, default=50_000.0)
    parser.add_argument("--days-per-chunk", type=int, default=10)
    parser.add_argument("--interval", default="10min")
    parser.add_argument("--theta", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timings on the subsample: best of this many")
    args = parser.parse_args()
    market = {"trades_per_day": args.trades_per_day, "seed": args.seed}

    # 1. ours, streaming over the full simulated tick stream
    t0, cpu0 = time.perf_counter(), time.process_time()
    chunks = sim.iter_tick_chunks(args.ticks, days_per_chunk=args.days_per_chunk, **market)
    gen_clock = [time.perf_counter() - t0]  # set-up (e.g. the volatility path) + every chunk below
    ours = rv.preaveraged_rv_chunks(timed(chunks, gen_clock), args.interval, theta=args.theta)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rv_seconds = wall - gen_clock[0]
    rss = peak_rss_mb()
    ticks_per_s = args.ticks / rv_seconds
    print(f"ticks streamed:            {args.ticks:,} ({args.trades_per_day:,.0f}/day, "
          f"{args.days_per_chunk} days per chunk, {len(ours):,} {args.interval} intervals, "
          f"{int(ours.isna().sum())} NaN)")
    print(f"tick generation (volrep.sim): {gen_clock[0]:.2f} s  (not counted below)")
    print(f"pre-averaged RV (ours):    {rv_seconds:.2f} s  = {ticks_per_s / 1e6:.1f} M ticks/s  "
          f"(wall; generation + RV: {wall:.2f} s wall, {cpu:.2f} s CPU)")
    print(f"peak RSS after streaming:  {rss:.0f} MB (whole process, generator included)")

    # 2. pandas groupby-apply baseline on a subsample, scaled linearly to the full size
    sub_chunks = list(sim.iter_tick_chunks(args.baseline_ticks, days_per_chunk=args.days_per_chunk, **market))
    sub_t = np.concatenate([t for t, _ in sub_chunks])
    sub_p = np.concatenate([p for _, p in sub_chunks])
    sub_args = (sub_t, sub_p, args.interval, args.theta)
    ours_sub_s, ours_sub = best_of(args.repeat, lambda t, p, i, th: rv.preaveraged_rv(t, p, i, theta=th), *sub_args)
    base_s, base_sub = best_of(args.repeat, pandas_baseline, *sub_args)
    np_s, np_sub = best_of(args.repeat, numpy_group_baseline, *sub_args)
    baseline_ticks_per_s = sub_t.size / base_s
    max_abs_diff, max_rel_diff = compare(ours_sub, base_sub)
    np_abs_diff, _ = compare(ours_sub, np_sub)
    print(f"timings on the subsample are the best of {args.repeat} runs")
    print(f"ours on the subsample:     {ours_sub_s:.3f} s for {sub_t.size:,} ticks "
          f"({sub_t.size / ours_sub_s / 1e6:.1f} M ticks/s, in memory)")
    print(f"pandas baseline (groupby.apply + rolling.apply per window): {base_s:.2f} s on the "
          f"{sub_t.size:,}-tick subsample = {baseline_ticks_per_s / 1e6:.3f} M ticks/s; SCALED LINEARLY to "
          f"{args.ticks:,} ticks: {args.ticks / baseline_ticks_per_s:.0f} s (estimate, not run)")
    print(f"speedup vs that baseline:  {ticks_per_s / baseline_ticks_per_s:.0f}x "
          f"(agreement: max |diff| {max_abs_diff:.3g}, max relative {max_rel_diff:.3g}, "
          f"{int(base_sub.notna().sum())} intervals)")
    print(f"stronger baseline (groupby.apply + np.correlate per interval): {np_s:.2f} s = "
          f"{sub_t.size / np_s / 1e6:.2f} M ticks/s; speedup vs it {ticks_per_s * np_s / sub_t.size:.1f}x "
          f"(max |diff| {np_abs_diff:.3g})")
    print(f"peak RSS at the end:       {peak_rss_mb():.0f} MB")
    print(json.dumps({
        "ticks": args.ticks,
        "ticks_per_s": round(ticks_per_s),
        "baseline_ticks_per_s": round(baseline_ticks_per_s),
        "speedup": round(ticks_per_s / baseline_ticks_per_s, 1),
        "peak_rss_mb": round(rss, 1),
        "max_abs_diff": max_abs_diff,
    }))


if __name__ == "__main__":
    main()
