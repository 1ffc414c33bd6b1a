"""Benchmark of daily GARCH(1, 1) re-estimation over a panel of stocks (volrep.models.garch_panel).

The benchmark model of Liu et al. (2023, §3.2): for each of ``--series`` return series, a GARCH(1, 1) is fitted on
the ``--history`` returns before the test period and re-estimated on an expanding window at each of the last
``--days`` days, each fit giving a one-day-ahead variance forecast. Data: with ``VOLREP_DATA_DIR`` set, daily log
returns of adjusted closes of the S&P 500 member panel (``sp500_members_daily_panel``; the first ``--series``
tickers in alphabetical order with a close on every day of the window, which ends on 2023-03-31 as in the
paper); otherwise simulated GARCH(1, 1) returns (the output says which).

- "naive": for each series and day, ``arch_model(...)`` on all returns up to that day, fitted cold
  (``fit(disp="off")``, ``arch``'s defaults) with a one-step ``forecast``, in one process;
- "ours": :func:`volrep.models.garch_panel.garch_panel_forecasts` with ``--engine`` (default ``fast``: ``arch``'s
  objective minimised with its analytic gradient; ``arch``: ``arch`` itself), warm starts from the previous day's
  estimates, ``--workers`` processes.

The naive loop runs at every ``--naive-every``-th day (default: all), its throughput scaled to all days.
``max_param_diff`` is the largest absolute difference of the estimates (percent-return scale) over the fits
both made; where it exceeds 1e-4 the log-likelihoods of the two estimates are compared. Human-readable lines
first, then one JSON line with the keys ``series, days, fits, wall_s, fits_per_s, naive_fits_per_s, speedup,
max_param_diff``.

Usage: ``python benchmarks/bench_garch_panel.py [--series 4] [--days 250] [--history 1000] [--workers 2]
[--engine fast] [--naive-every 1]``
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import pandas as pd
from arch import arch_model
from arch.univariate import GARCH, ConstantMean, Normal

from volrep import data
from volrep.models.garch import SCALE
from volrep.models.garch_panel import garch_panel_forecasts

#: GARCH(1, 1) of the simulated panel, percent scale (mu, omega, alpha, beta): stock-like persistence.
SIM_PARAMS = (0.05, 0.05, 0.08, 0.9)
#: Last day of the real-data window: the end of Liu et al.'s sample (March 2023).
END = "2023-03-31"


def sp500_panel(n_series: int, n_returns: int) -> pd.DataFrame:
    """Log returns of the first ``n_series`` tickers with a close on each of the last ``n_returns + 1`` days."""
    frame = data.load("sp500_members_daily_panel", start="2005-01-01", end=END, progress=False).frame
    close = frame.pivot(index="date", columns="ticker", values="close").iloc[-(n_returns + 1) :]
    complete = close.columns[close.notna().all().to_numpy()]
    return np.log(close[complete[:n_series]]).diff().iloc[1:]


def simulated_panel(n_series: int, n_returns: int) -> pd.DataFrame:
    """GARCH(1, 1) returns with :data:`SIM_PARAMS`, one seed per series."""
    columns = {}
    for i in range(n_series):
        model = ConstantMean(None, volatility=GARCH(1, 0, 1), distribution=Normal(seed=np.random.default_rng(i)))
        columns[f"sim{i}"] = model.simulate(SIM_PARAMS, n_returns)["data"].to_numpy() / SCALE
    return pd.DataFrame(columns, index=pd.bdate_range("2019-01-01", periods=n_returns))


def naive(panel: pd.DataFrame, rows: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
    """Cold ``arch`` fits and one-step forecasts at the given origin rows of every series; estimates and seconds."""
    params = {}
    t0 = time.perf_counter()
    for name in panel.columns:
        y = panel[name].to_numpy() * SCALE
        estimates = []
        for t in rows:
            res = arch_model(y[: t + 1], mean="Constant", vol="GARCH", p=1, q=1, dist="normal",
                             rescale=False).fit(disp="off")
            res.forecast(horizon=1, reindex=False)
            estimates.append(res.params.to_numpy())
        params[name] = np.array(estimates)
    return params, time.perf_counter() - t0


def loglik(y: np.ndarray, params: np.ndarray) -> float:
    """Log-likelihood of GARCH(1, 1) estimates on percent returns ``y`` (``arch``'s own likelihood)."""
    return arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="normal", rescale=False).fix(params).loglikelihood


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=4, help="return series in the panel")
    parser.add_argument("--days", type=int, default=250, help="test days per series, one refit each")
    parser.add_argument("--history", type=int, default=1000, help="training returns before the first test day")
    parser.add_argument("--workers", type=int, default=2, help="processes for ours")
    parser.add_argument("--engine", choices=("fast", "arch"), default="fast", help="estimation engine of ours")
    parser.add_argument("--naive-every", type=int, default=1, help="time the naive loop on every k-th day")
    args = parser.parse_args()

    n = args.history + args.days
    if os.environ.get("VOLREP_DATA_DIR"):
        panel, source = sp500_panel(args.series, n), f"real: sp500_members_daily_panel, window ending {END}"
    else:
        panel, source = simulated_panel(args.series, n), f"simulated GARCH(1, 1) {SIM_PARAMS} (VOLREP_DATA_DIR unset)"
    rows = np.arange(args.history - 1, n - 1)  # origins: the last training day, then every test day but the last
    print(f"data: {source}; {panel.shape[1]} series x {n} daily returns {panel.index[0].date()} .. "
          f"{panel.index[-1].date()}")
    print(f"GARCH(1, 1), constant mean, normal errors; expanding window from {args.history} returns; "
          f"{args.days} daily refits per series")

    t0 = time.perf_counter()
    ours = garch_panel_forecasts(panel, train_end=panel.index[args.history - 1], engine=args.engine,
                                 workers=args.workers)
    wall_s = time.perf_counter() - t0
    fits = ours.n_fits
    fits_per_s = fits / wall_s
    print(f"ours: {wall_s:.2f} s for {fits} fits, {fits_per_s:.1f} fits/s (engine={args.engine}, workers="
          f"{args.workers}, fit failures {int(ours.report['n_failed'].sum())}, redone by arch "
          f"{int(ours.report['n_arch_fallback'].sum())})")

    sub = rows[:: args.naive_every]
    naive_params, naive_s = naive(panel, sub)
    naive_fits_per_s = len(sub) * panel.shape[1] / naive_s
    scaled = "" if args.naive_every == 1 else f" (timed on every {args.naive_every}th day, scaled)"
    print(f"naive: {naive_s:.2f} s for {len(sub) * panel.shape[1]} fits, {naive_fits_per_s:.1f} fits/s{scaled}")

    diffs, better, worse = [], 0, 0
    for name in panel.columns:
        mine = ours.forecasts.loc[name].filter(like="param_").to_numpy()[:: args.naive_every]
        diff = np.abs(mine - naive_params[name])
        diffs.append(diff)
        y = panel[name].to_numpy() * SCALE
        for k in np.flatnonzero(diff.max(axis=1) > 1e-4):
            gain = loglik(y[: sub[k] + 1], mine[k]) - loglik(y[: sub[k] + 1], naive_params[name][k])
            better, worse = better + (gain > 1e-6), worse + (gain < -1e-6)
    diff = np.concatenate(diffs)
    print(f"max |param diff| ours vs naive: {diff.max():.3g} (per parameter {np.round(diff.max(axis=0), 6)}); "
          f"{int((diff.max(axis=1) > 1e-4).sum())} fit(s) differ by more than 1e-4: ours has the higher "
          f"log-likelihood in {better}, the naive fit in {worse}")
    print(json.dumps({"series": panel.shape[1], "days": args.days, "fits": fits, "wall_s": round(wall_s, 2),
                      "fits_per_s": round(fits_per_s, 2), "naive_fits_per_s": round(naive_fits_per_s, 2),
                      "speedup": round(fits_per_s / naive_fits_per_s, 2), "max_param_diff": float(diff.max())}))


if __name__ == "__main__":
    main()
