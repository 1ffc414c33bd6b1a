"""Benchmark of daily GARCH(1, 1) re-estimation (volrep.models.garch, rolling mode).

Over the last ``--days`` daily log returns of BTC-USD (the Yahoo daily file of the data layer; simulated
GARCH(1, 1) returns when the data are not available — the output says which), a GARCH(1, 1) is re-estimated at
every origin on a rolling window of the training length and a 60-day variance path is forecast:

- "naive": at each origin, build ``arch_model(...)`` on the window, fit it cold (``fit(disp="off")``) and call
  ``forecast(horizon=60)``: a straightforward rolling forecaster with ``arch``'s defaults;
- "ours": :func:`volrep.models.garch.garch_forecasts` with ``mode="rolling"`` (warm starts, no discarded
  starting-value grid search, tighter tolerance, ``--workers`` processes).

The naive loop runs at every ``--naive-every``-th origin (default: all), its throughput scaled to all origins.
``max_param_diff`` is the largest absolute difference of the estimates (percent-return scale) over the origins
the naive loop ran at. Human-readable lines first, then one JSON line with the keys
``fits, naive_fits_per_s, fits_per_s, speedup, max_param_diff``.

Usage: ``python benchmarks/bench_garch.py [--days 1000] [--workers 2] [--naive-every 1]``
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from arch import arch_model
from arch.univariate import GARCH, ConstantMean, Normal

from volrep import data
from volrep.errors import MissingDataError
from volrep.models.garch import SCALE, GarchSpec, garch_forecasts

HORIZONS = (1, 7, 14, 30, 60)
#: GARCH(1, 1) of the simulated fallback, percent scale (mu, omega, alpha, beta): BTC-like persistence.
SIM_PARAMS = (0.1, 0.3, 0.1, 0.85)


def btc_returns() -> tuple[pd.Series, str]:
    """Daily decimal log returns of BTC-USD, or simulated GARCH(1, 1) returns when the data are unavailable."""
    try:
        close = data.load("yahoo_btc_usd_daily_dhansoia").frame["close"]
        return np.log(close).diff().dropna().rename("btc"), "real: yahoo_btc_usd_daily_dhansoia (BTC-USD close)"
    except MissingDataError:
        model = ConstantMean(None, volatility=GARCH(1, 0, 1), distribution=Normal(seed=np.random.default_rng(7)))
        sim = model.simulate(SIM_PARAMS, 3700)["data"].to_numpy() / SCALE
        index = pd.date_range("2014-10-10", periods=len(sim), freq="D")
        return pd.Series(sim, index=index, name="sim"), f"simulated GARCH(1, 1) {SIM_PARAMS} (data not available)"


def naive(returns: pd.Series, window: int, rows: np.ndarray) -> tuple[np.ndarray, float]:
    """Cold arch fits + forecasts at the given origin rows; returns the estimates and the seconds taken."""
    y = returns.to_numpy() * SCALE
    params = []
    t0 = time.perf_counter()
    for t in rows:
        res = arch_model(y[t + 1 - window : t + 1], mean="Constant", vol="GARCH", p=1, q=1, dist="normal",
                         rescale=False).fit(disp="off")
        res.forecast(horizon=max(HORIZONS), reindex=False)
        params.append(res.params.to_numpy())
    return np.array(params), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000, help="test days, one refit each")
    parser.add_argument("--workers", type=int, default=2, help="processes for ours")
    parser.add_argument("--naive-every", type=int, default=1, help="time the naive loop on every k-th origin")
    args = parser.parse_args()

    returns, source = btc_returns()
    n = len(returns)
    rows = np.arange(n - args.days, n)
    window = int(rows[0])  # training length: every return before the first origin
    train_end = returns.index[rows[0] - 1]
    print(f"data: {source}; {n} daily returns {returns.index[0].date()} .. {returns.index[-1].date()}")
    print(f"GARCH(1, 1), constant mean, normal errors; rolling window {window} returns; {args.days} daily refits; "
          f"horizons {HORIZONS}")

    t0 = time.perf_counter()
    ours = garch_forecasts(returns, GarchSpec("garch", 1, 1), origins=returns.index[rows], horizons=HORIZONS,
                           mode="rolling", train_end=train_end, workers=args.workers)
    ours_s = time.perf_counter() - t0
    fits_per_s = args.days / ours_s
    print(f"ours: {ours_s:.2f} s, {fits_per_s:.1f} fits/s (workers={args.workers}, fit failures "
          f"{int(ours['fit_failed'].sum())})")

    sub = rows[:: args.naive_every]
    naive_params, naive_s = naive(returns, window, sub)
    naive_fits_per_s = len(sub) / naive_s
    scaled = "" if args.naive_every == 1 else f" (timed on {len(sub)} origins, every {args.naive_every}th, scaled)"
    print(f"naive: {naive_s:.2f} s for {len(sub)} fits, {naive_fits_per_s:.1f} fits/s{scaled}")

    ours_params = ours.filter(like="param_").to_numpy()[:: args.naive_every]
    diff = np.abs(ours_params - naive_params)
    print(f"max |param diff| ours vs naive: {diff.max():.3g} (per parameter {np.round(diff.max(axis=0), 6)}; "
          f"max relative {np.max(diff / np.abs(naive_params)):.3g})")
    print(json.dumps({"fits": args.days, "naive_fits_per_s": round(naive_fits_per_s, 2),
                      "fits_per_s": round(fits_per_s, 2), "speedup": round(fits_per_s / naive_fits_per_s, 2),
                      "max_param_diff": float(diff.max())}))


if __name__ == "__main__":
    main()
