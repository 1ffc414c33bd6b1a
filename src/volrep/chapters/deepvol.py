"""Chapter 08 — DeepVol (Liu, Tran, Wang, Gerlach & Kohn 2023, §3, Tables 2, 3 and 5).

Data preparation for both case studies, the GARCH(1, 1) benchmark, the risk tables in the paper's layout, the
claims with their verdict rules, and the two extensions (per-stock fine-tuning; σ forecasts against realized
variance). The network, its loss, the portfolio generator and the training loop are in
:mod:`volrep.models.deepvol`; the risk metrics in :mod:`volrep.evaluate`.

Units and alignment
-------------------
Returns are **percent** log returns (100 × log close-to-close), the units in which the paper's NLL (≈ 2) and
quantile losses (≈ 50–500) are printed. Forecasts are kept wide (dates × series) and indexed by **target date**:
the σ at date d forecasts the return of d and was made with the series' returns before d (its previous
observed return is the origin). No series is demeaned (the authors' code demeans each series over its whole
sample, a look-ahead; the Oxford-Man returns come demeaned over their sample, which we cannot undo).

Train and test days
-------------------
Each series has a last training date (:func:`train_ends`): a common date (case study 1's training stocks: end
of August 2019) or the date of its ``floor(0.8 n)``-th observed return (the paper's "first 80 %" for new stocks
and portfolios), the rule of :func:`volrep.models.garch_panel.garch_panel_forecasts`. Metrics are computed on the
days where the return and every model's forecast exist: the training days after the first return (which no
model forecasts from data) and the test days.

References
----------
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §2.3, §3.1–3.3, Tables 2–5.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from arch.utility.exceptions import ConvergenceWarning

from volrep import data, evaluate, sim, verdicts
from volrep.errors import ConfigError, DataError
from volrep.models import deepvol as dv
from volrep.models.garch import fit_garch
from volrep.models.garch_panel import GARCH11, garch_panel_forecasts
from volrep.papers import LIU_METRICS
from volrep.report import Claim

#: Case study 1's sample (§3.2): January 2005 to March 2023.
PERIOD = ("2005-01-01", "2023-03-31")
#: Last training date of case study 1 (§3.2.1: "until end of August 2019").
TRAIN_END = "2019-08-31"
#: Series with more missing days than this are removed (§3.2).
MAX_MISSING = 200
#: Share of each series' returns used for training where no common date is given (§3.2.2: "the first 80 %").
TRAIN_FRAC = 0.8
#: Percent returns from decimal ones.
PERCENT = 100.0
#: The metric rows of Tables 2, 3 and 5, in the paper's order (keys of :func:`volrep.evaluate.risk_metrics`).
METRICS = LIU_METRICS
#: Model labels of the tables.
GARCH, DEEPVOL = "GARCH", "DeepVol"
#: Fine-tuning (beyond the paper): Adam's learning rate, a tenth of pre-training's, and stretches per mini-batch.
FINETUNE_LR = 1e-4
FINETUNE_COPIES = 8

Refit = Literal["daily", "none"]


# --------------------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PanelReport:
    """What :func:`panel_returns` kept and removed (nothing is dropped without being counted here).

    Attributes
    ----------
    calendar_days
        Trading days of the period (dates on which at least one series has a close).
    missing
        Missing days (calendar days without a close) of every series in the input, including series without
        any close in the period.
    max_missing
        The removal threshold.
    gap_returns
        Returns of the kept series that cannot be formed because the close before them is missing (a gap);
        left as NaN (the first day's return, which has no previous close, is not counted).
    """

    calendar_days: int
    missing: pd.Series
    max_missing: int
    gap_returns: int

    @property
    def removed(self) -> pd.Series:
        """Missing days of the removed series."""
        return self.missing[self.missing > self.max_missing]

    @property
    def kept(self) -> pd.Index:
        """Names of the kept series."""
        return self.missing.index[self.missing <= self.max_missing]

    def summary(self) -> pd.Series:
        """The counts as one row, for display."""
        kept = self.missing[self.missing <= self.max_missing]
        return pd.Series({"series in the panel": len(self.missing), "calendar days": self.calendar_days,
                          f"removed (> {self.max_missing} missing days)": len(self.removed),
                          "of which without any close in the period": int((self.missing == self.calendar_days).sum()),
                          "kept": len(kept), "kept: missing days, total": int(kept.sum()),
                          "kept: returns lost to gaps": self.gap_returns})


def panel_returns(prices: pd.DataFrame, *, start: str | pd.Timestamp = PERIOD[0], end: str | pd.Timestamp = PERIOD[1],
                  max_missing: int = MAX_MISSING) -> tuple[pd.DataFrame, PanelReport]:
    """Percent log returns of the series with at most ``max_missing`` missing days in ``[start, end]``.

    Parameters
    ----------
    prices
        Long frame with columns ``date``, ``ticker`` and ``close`` (the ``sp500_members_daily_panel`` layout); a
        NaN close counts as a missing day.
    start, end
        The period, inclusive.
    max_missing
        Largest number of missing days a kept series may have (§3.2: 200).

    Returns
    -------
    returns
        Dates × kept tickers: ``100 · log(C_d / C_{d−1})`` between consecutive calendar days; NaN where either
        close is missing (before a listing, or around a gap) and on the first day.
    report
        :class:`PanelReport`.

    Raises
    ------
    DataError
        A missing column, a repeated (date, ticker), or a close that is zero, negative or infinite.
    """
    missing_columns = {"date", "ticker", "close"} - set(prices.columns)
    if missing_columns:
        raise DataError("prices", "columns date, ticker, close", None, f"missing {sorted(missing_columns)}")
    tickers = pd.Index(sorted(map(str, prices["ticker"].unique())), name="ticker")
    window = prices[(prices["date"] >= pd.Timestamp(start)) & (prices["date"] <= pd.Timestamp(end))]
    repeated = window.duplicated(["date", "ticker"])
    if repeated.any():
        raise DataError("prices", "one close per date and ticker", int(np.argmax(repeated.to_numpy())))
    bad = (window["close"] <= 0) | np.isinf(window["close"])  # a NaN close is a missing day (counted below)
    if bad.any():
        raise DataError("prices", "positive closes", int(np.argmax(bad.to_numpy())), f"{int(bad.sum())} value(s)")
    close = window.pivot(index="date", columns="ticker", values="close").sort_index()
    close.columns = close.columns.astype(str)
    close = close.reindex(columns=tickers)
    missing = close.isna().sum().rename("missing_days")
    report_missing = missing.reindex(tickers).astype(int)
    kept = report_missing.index[report_missing <= max_missing]
    log_close = np.log(close[kept].astype(np.float64))
    returns = PERCENT * log_close.diff()
    listed = log_close.notna().cummax() & log_close.notna()[::-1].cummax()[::-1]  # between first and last close
    gap_returns = int((returns.isna() & listed & listed.shift(1, fill_value=False)).to_numpy()[1:].sum())
    returns.columns.name = None
    returns.index.name = "date"
    return returns, PanelReport(len(close), report_missing, max_missing, gap_returns)


def split_stocks(names: Sequence[str], n_train: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """``n_train`` stocks drawn at random for training (§3.2), the rest as "new stocks"; both sorted."""
    if not 0 < n_train < len(names):
        raise ConfigError(f"n_train must lie in (0, {len(names)}), got {n_train}")
    chosen = set(rng.choice(np.asarray(names, dtype=object), size=n_train, replace=False))
    return sorted(chosen), sorted(set(names) - chosen)


def portfolio_panel(returns: pd.DataFrame, n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` artificial portfolios of the series of ``returns`` (§2.3 and §3.2.2: "300 artificial portfolios").

    Returns
    -------
    returns
        Dates × ``P000 …``: the weighted sums on each portfolio's common dates (NaN elsewhere).
    members
        One row per portfolio: ``size``, ``members`` (comma-separated), ``weights`` (tuple), ``n_incomplete``
        (dates where only some members have a return: left out, counted).
    """
    pool = dv.ReturnPool.from_frame(returns, label="new stocks")
    out, rows = {}, {}
    for k in range(n):
        p = dv.random_portfolio(pool, rng)
        name = f"P{k:03d}"
        out[name] = p.returns
        rows[name] = {"size": len(p.members), "members": ",".join(p.members), "weights": tuple(p.weights),
                      "n_incomplete": p.n_incomplete}
    panel = pd.DataFrame(out).reindex(returns.index)
    return panel, pd.DataFrame.from_dict(rows, orient="index")


def index_panel(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Percent returns and realized variance (percent²) of the Oxford-Man indices, dates × index.

    ``frame`` is ``volrep.data.load("oxfordman_31_indices").frame`` (index levels ``index``, ``date``; columns
    ``ret_demeaned`` and ``rv5`` in decimal units). The returns are close-to-close log returns demeaned over each
    index's sample by the data's publisher (a full-sample look-ahead in the mean, ~0.02 % a day, not undone);
    ``rv5`` is the 5-minute realized variance of the trading session (no overnight return).
    """
    returns = (PERCENT * frame["ret_demeaned"]).unstack("index").sort_index()
    rv = (PERCENT**2 * frame["rv5"]).unstack("index").sort_index()
    for f in (returns, rv):
        f.columns = f.columns.astype(str)
        f.columns.name = None
    return returns, rv


def simulate_stock_prices(n_stocks: int, n_days: int, seed: int, *, start: str = "2005-01-03",
                          late_listings: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A one-factor GARCH(1, 1) stock panel with known conditional volatility, in the layout of the S&P 500 panel.

    ``y_{i,t} = β_i f_t + e_{i,t}`` (percent): the market ``f_t`` and each idiosyncratic ``e_{i,t}`` are Gaussian
    GARCH(1, 1) with persistence 0.97–0.99, so the true one-step σ is ``sqrt(β_i² h_t + g_{i,t})`` and the
    stocks are correlated (portfolios diversify the idiosyncratic part). The last ``late_listings`` stocks list
    halfway through (too many missing days: the 200-day rule removes them).

    Returns
    -------
    prices
        Long frame ``date, ticker, close``.
    sigma
        Dates × tickers: the true conditional σ (percent) of each return.
    """
    if n_stocks < 1 or n_days < 2 or not 0 <= late_listings <= n_stocks:
        raise ConfigError(f"need n_stocks >= 1, n_days >= 2, 0 <= late_listings <= n_stocks; got {n_stocks}, "
                          f"{n_days}, {late_listings}")
    rng = np.random.default_rng(seed)
    alpha = np.r_[0.08, rng.uniform(0.03, 0.10, n_stocks)]
    beta = np.r_[0.90, rng.uniform(0.88, 0.95, n_stocks)].clip(max=0.99 - alpha)
    level = np.r_[1.0, rng.uniform(1.0, 4.0, n_stocks)]  # unconditional variances, percent²
    omega = level * (1 - alpha - beta)
    loading = rng.uniform(0.5, 1.5, n_stocks)
    shocks = rng.standard_normal((n_days, n_stocks + 1))
    variance = np.empty_like(shocks)
    variance[0] = level
    eps = np.empty_like(shocks)
    eps[0] = np.sqrt(variance[0]) * shocks[0]
    for t in range(1, n_days):  # a recursion in time, vectorised over series
        variance[t] = omega + alpha * eps[t - 1] ** 2 + beta * variance[t - 1]
        eps[t] = np.sqrt(variance[t]) * shocks[t]
    returns = loading * eps[:, :1] + eps[:, 1:]
    sigma = np.sqrt(loading**2 * variance[:, :1] + variance[:, 1:])
    dates = pd.bdate_range(start, periods=n_days, name="date")
    names = [f"SIM{i:03d}" for i in range(n_stocks)]
    close = pd.DataFrame(100.0 * np.exp(np.cumsum(returns, axis=0) / PERCENT), index=dates, columns=names)
    close.iloc[: n_days // 2, n_stocks - late_listings:] = np.nan
    prices = close.rename_axis(columns="ticker").stack().dropna().rename("close").reset_index()  # no row before a listing
    return prices, pd.DataFrame(sigma, index=dates, columns=names)


def simulate_index_frame(n_days: int, seed: int, *, n_indices: int = 31, steps_per_day: int = 39) -> pd.DataFrame:
    """Simulated stand-ins for the Oxford-Man indices: RFSV paths (H = 0.1) with returns and realized variance.

    The frame has the layout of ``oxfordman_31_indices`` (levels ``index``, ``date``; decimal ``ret_demeaned`` and
    ``rv5``), built with :func:`volrep.sim.simulate_daily_rfsv` (one seed per index; mean volatility 12–30 %).
    """
    vols = np.linspace(0.12, 0.30, n_indices)
    frames = {f"sim{i:02d}": sim.simulate_daily_rfsv(n_days, 0.1, mean_vol_annual=float(v), seed=seed + i,
                                                     steps_per_day=steps_per_day)
              for i, v in enumerate(vols)}
    frame = pd.concat(frames, names=["index", "date"])
    return pd.DataFrame({"ret_demeaned": frame["ret"] - frame["ret"].groupby(level="index").transform("mean"),
                         "rv5": frame["rv"]})


@dataclass(frozen=True)
class CaseData:
    """The return panels of one case study.

    Attributes
    ----------
    returns
        Group name → dates × series percent returns (case 1: ``training stocks``, ``new stocks``,
        ``portfolios``; case 2: ``indices``).
    train_ends
        Group name → last training date of each series (:func:`train_ends`).
    train_end
        The pool's cut: no training batch holds a later return.
    report
        Case 1: :class:`PanelReport`; case 2: None.
    rv
        Case 2: realized variance (percent²), dates × index; case 1: None.
    members
        Case 1: the portfolios' members and weights (:func:`portfolio_panel`).
    provenance
        Provenance rows of the inputs.
    truth
        Simulated data only: the true σ of every case-1 stock (dates × ticker).
    """

    returns: dict[str, pd.DataFrame]
    train_ends: dict[str, pd.Series]
    train_end: pd.Timestamp
    report: PanelReport | None
    rv: pd.DataFrame | None
    members: pd.DataFrame | None
    provenance: list[dict]
    truth: pd.DataFrame | None = None


def train_ends(returns: pd.DataFrame, *, train_end: str | pd.Timestamp | None = None,
               train_frac: float | None = None) -> pd.Series:
    """Last training date of every series: its last return up to ``train_end``, or its ``floor(train_frac · n)``-th.

    The same rule as :func:`volrep.models.garch_panel.garch_panel_forecasts`, so that GARCH and DeepVol are
    scored on the same days.
    """
    if (train_end is None) == (train_frac is None):
        raise ConfigError("give exactly one of train_end and train_frac")
    out = {}
    for name in returns.columns:
        observed = returns[name].dropna().index
        k = (observed.searchsorted(pd.Timestamp(train_end), side="right") if train_end is not None
             else int(math.floor(train_frac * len(observed))))
        if not 0 < k < len(observed):
            raise DataError(str(name), "training and test returns on both sides of the split", None,
                            f"{k} of {len(observed)} returns in training")
        out[str(name)] = observed[k - 1]
    return pd.Series(out, name="train_end")


def case1_data(data_source: str, *, seed: int, n_train: int, n_portfolios: int, sim_stocks: int,
               sim_days: int) -> CaseData:
    """Case study 1 (§3.2): S&P 500 members, training stocks, new stocks and portfolios of new stocks.

    ``mirror``: ``sp500_members_daily_panel`` from January 2005 to March 2023 (:data:`PERIOD`), series with more
    than 200 missing days removed (:func:`panel_returns`), ``n_train`` stocks drawn for training; training stocks
    split at the end of August 2019, new stocks and portfolios at 80 % of each series. ``sim``: a one-factor
    GARCH panel of ``sim_stocks`` stocks over ``sim_days`` business days (:func:`simulate_stock_prices`), split at
    80 % of the calendar. The draws (training stocks, then portfolios) use one generator seeded with ``seed``.
    """
    truth = None
    if data_source == "sim":
        prices, truth = simulate_stock_prices(sim_stocks, sim_days, seed)
        start, end = prices["date"].min(), prices["date"].max()
        cut = pd.DatetimeIndex(sorted(prices["date"].unique()))[int(TRAIN_FRAC * sim_days) - 1]
        provenance = [{"dataset": "simulated one-factor GARCH(1, 1) panel", "source": "volrep.chapters.deepvol",
                       "period": f"{sim_days} business days", "rows": len(prices), "files": 0, "sha256": "-"}]
    elif data_source == "mirror":
        panel = data.load("sp500_members_daily_panel", progress=False)
        prices, (start, end), cut = panel.frame, PERIOD, pd.Timestamp(TRAIN_END)
        provenance = [panel.provenance()]
    else:
        raise ConfigError(f"data_source must be 'mirror' or 'sim', got {data_source!r}")
    returns, report = panel_returns(prices, start=start, end=end)
    rng = np.random.default_rng(seed)
    train, new = split_stocks(list(returns.columns), n_train, rng)
    portfolios, members = portfolio_panel(returns[new], n_portfolios, rng)
    groups = {"training stocks": returns[train], "new stocks": returns[new], "portfolios": portfolios}
    ends = {"training stocks": train_ends(groups["training stocks"], train_end=cut),
            "new stocks": train_ends(groups["new stocks"], train_frac=TRAIN_FRAC),
            "portfolios": train_ends(portfolios, train_frac=TRAIN_FRAC)}
    return CaseData(groups, ends, pd.Timestamp(cut), report, None, members, provenance, truth)


def case2_data(data_source: str, *, seed: int, sim_days: int) -> CaseData:
    """Case study 2's stand-in: the 31 Oxford-Man indices (or simulated RFSV paths), split at 80 % of each.

    The DeepVol pool is cut at the earliest of the indices' last training dates, so that no index's test
    return reaches training.
    """
    if data_source == "sim":
        frame = simulate_index_frame(sim_days, seed)
        provenance = [{"dataset": "simulated RFSV indices (H = 0.1)", "source": "volrep.sim.simulate_daily_rfsv",
                       "period": f"{sim_days} business days", "rows": len(frame), "files": 0, "sha256": "-"}]
    elif data_source == "mirror":
        loaded = data.load("oxfordman_31_indices", progress=False)
        frame, provenance = loaded.frame, [loaded.provenance()]
    else:
        raise ConfigError(f"data_source must be 'mirror' or 'sim', got {data_source!r}")
    returns, rv = index_panel(frame)
    ends = train_ends(returns, train_frac=TRAIN_FRAC)
    return CaseData({"indices": returns}, {"indices": ends}, ends.min(), None, rv, None, provenance)


# --------------------------------------------------------------------------------------------------------------
# Forecasts
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SigmaForecasts:
    """Gaussian one-step forecasts of a panel, dates × series, indexed by target date: σ and the mean (percent).

    ``not_converged`` counts the estimations behind them whose optimiser did not converge (GARCH; their
    estimates are still used, as ``arch`` returns them or as the previous day's, see
    :func:`~volrep.models.garch_panel.garch_panel_forecasts`).
    """

    sigma: pd.DataFrame
    mean: pd.DataFrame
    not_converged: int = 0


def _by_target(origin_values: pd.Series) -> pd.Series:
    """Forecasts indexed by origin (a series' observed dates) re-indexed by the date of the return they forecast."""
    return pd.Series(origin_values.to_numpy()[:-1], index=origin_values.index[1:], name=origin_values.name)


def deepvol_sigma(model: dv.DeepVol, returns: pd.DataFrame, *, batch_size: int = 64) -> SigmaForecasts:
    """DeepVol's σ for every return after a series' first, each made from all earlier returns (zero mean, eq. 3a)."""
    series = [returns[c].dropna().rename(str(c)) for c in returns.columns]
    sigma = pd.DataFrame({s.name: _by_target(f) for s, f in zip(series, dv.forecast_sigma(model, series,
                                                                                            batch_size=batch_size))})
    sigma = sigma.reindex(index=returns.index, columns=[str(c) for c in returns.columns])
    return SigmaForecasts(sigma, pd.DataFrame(0.0, index=sigma.index, columns=sigma.columns).where(sigma.notna()))


def garch_in_sample(returns: pd.DataFrame, ends: pd.Series) -> SigmaForecasts:
    """GARCH(1, 1) estimated once on each series' training returns, its variance filter run over the whole series.

    On the training days this is the fitted model's in-sample conditional σ (the "Train data" columns of
    Tables 2 and 5); on the test days it is the forecast with **fixed** parameters (no re-estimation).
    """
    sigma, mean, failed = {}, {}, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted in not_converged
        for name in returns.columns:
            y = returns[name].dropna() / PERCENT
            res = fit_garch(y, GARCH11, last_obs=ends[str(name)])
            failed += int(res.convergence_flag != 0)
            variance = res.forecast(horizon=1, start=y.index[0], reindex=False).variance["h.1"]
            sigma[str(name)] = _by_target(np.sqrt(variance))
            mean[str(name)] = pd.Series(float(res.params["mu"]), index=sigma[str(name)].index)
    frame = pd.DataFrame(sigma).reindex(index=returns.index, columns=[str(c) for c in returns.columns])
    return SigmaForecasts(frame, pd.DataFrame(mean).reindex_like(frame), failed)


def garch_sigma(returns: pd.DataFrame, ends: pd.Series, *, refit: Refit, train_end: pd.Timestamp | None = None,
                workers: int = 1, progress: bool = False) -> SigmaForecasts:
    """The GARCH(1, 1) benchmark: in-sample σ on the training days, one-step forecasts on the test days.

    ``refit="daily"`` (the paper): re-estimated every test day on all returns so far
    (:func:`~volrep.models.garch_panel.garch_panel_forecasts`, split at ``train_end`` if given, else at 80 % of
    each series, matching ``ends``). ``refit="none"``: the training fit's parameters throughout
    (:func:`garch_in_sample`), a shortcut for quick runs.
    """
    fixed = garch_in_sample(returns, ends)
    if refit == "none":
        return fixed
    if refit != "daily":
        raise ConfigError(f"refit must be 'daily' or 'none', got {refit!r}")
    kwargs = {"train_end": train_end} if train_end is not None else {"train_frac": TRAIN_FRAC}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted in not_converged
        result = garch_panel_forecasts(returns / PERCENT, workers=workers, progress=progress, **kwargs)
    panel = result.forecasts.reset_index()
    test_sigma = panel.pivot(index="target", columns="series", values="variance").pipe(lambda v: np.sqrt(v) * PERCENT)
    test_mean = panel.pivot(index="target", columns="series", values="param_mu")
    after = pd.DataFrame({c: fixed.sigma.index > ends[c] for c in fixed.sigma.columns}, index=fixed.sigma.index)
    sigma = fixed.sigma.mask(after, test_sigma.reindex_like(fixed.sigma))
    mean = fixed.mean.mask(after, test_mean.reindex_like(fixed.mean))
    return SigmaForecasts(sigma, mean, fixed.not_converged + int(result.report["n_failed"].sum()))


def finetune_sigma(model: dv.DeepVol, returns: pd.DataFrame, ends: pd.Series, names: Sequence[str], *, steps: int,
                   lr: float, window: int | None, copies: int, seed: int, progress: bool = False) -> SigmaForecasts:
    """DeepVol fine-tuned on each stock alone, then forecasting that stock (the paper's "research underway", §4).

    For every name a copy of the trained ``model`` takes ``steps`` Adam steps at ``lr`` on mini-batches of
    ``copies`` random stretches of ``window`` returns of the stock's own training returns (no portfolios;
    :func:`volrep.models.deepvol.train_deepvol` with a pool of one series), seeded with ``seed``.
    """
    from volrep.progress import steps as progress_steps

    sigma, mean = [], []
    for name in progress_steps(names, desc="fine-tuning", unit="stock", show=progress):
        tuned = copy.deepcopy(model)
        pool = dv.ReturnPool.from_frame(returns[[name]], end=ends[name], label=str(name))
        dv.train_deepvol(tuned, pool, steps=steps, seed=seed, lr=lr, n_real=copies, n_portfolios=0, window=window)
        out = deepvol_sigma(tuned, returns[[name]])
        sigma.append(out.sigma)
        mean.append(out.mean)
    return SigmaForecasts(pd.concat(sigma, axis=1), pd.concat(mean, axis=1))


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------
def _part_mask(returns: pd.DataFrame, ends: pd.Series, part: str) -> pd.DataFrame:
    """True on the training (``"train"``: up to the series' last training date) or test (``"test"``) days."""
    if part not in ("train", "test"):
        raise ConfigError(f"part must be 'train' or 'test', got {part!r}")
    limit = ends.reindex([str(c) for c in returns.columns]).to_numpy(dtype="datetime64[ns]")
    before = returns.index.to_numpy()[:, None] <= limit[None, :]
    return pd.DataFrame(before if part == "train" else ~before, index=returns.index, columns=returns.columns)


def _common(returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts], part: str) -> pd.DataFrame:
    """Days of ``part`` on which the return and every model's σ exist."""
    ok = returns.notna() & _part_mask(returns, ends, part)
    for f in forecasts.values():
        ok &= f.sigma.reindex_like(returns).notna()
    return ok


def risk_tables(returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts],
                part: str) -> dict[str, pd.DataFrame]:
    """Per model, one row per series of :func:`volrep.evaluate.risk_metrics` on the common days of ``part``."""
    ok = _common(returns, ends, forecasts, part)
    out = {}
    for model, f in forecasts.items():
        rows = {}
        for name in returns.columns:
            keep = ok[name].to_numpy()
            rows[str(name)] = evaluate.risk_metrics(returns[name].to_numpy()[keep], f.sigma[name].to_numpy()[keep],
                                                    mean=f.mean[name].to_numpy()[keep])
        out[model] = pd.DataFrame.from_dict(rows, orient="index")
    return out


def comparison_table(parts: Mapping[str, Mapping[str, pd.DataFrame]], *, model: str = DEEPVOL,
                     benchmark: str = GARCH) -> pd.DataFrame:
    """Tables 2, 3 and 5's layout: per column group (``parts`` key), the benchmark's and the model's means over
    series and the model's win rate (:func:`volrep.evaluate.risk_comparison`), one row per metric of
    :data:`METRICS`."""
    frames = {label: evaluate.risk_comparison(t[model][list(METRICS)], t[benchmark][list(METRICS)],
                                              model_name=model, benchmark_name=benchmark)[[benchmark, model, "rate"]]
              for label, t in parts.items()}
    return pd.concat(frames, axis=1)


def rv_comparison(rv: pd.DataFrame, returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts],
                  *, benchmark: str = GARCH) -> tuple[pd.DataFrame, pd.DataFrame]:
    """σ² forecasts against 5-minute realized variance on the test days (beyond the paper).

    Per index and model: QLIKE of the variance forecast against RV (:func:`volrep.evaluate.qlike`), the
    correlation of log σ² with log RV, and the mean of log(σ² / RV). RV measures the trading session only, so the
    forecasts of a close-to-close variance sit above it by the overnight share: the correlation is unaffected,
    QLIKE is not (the comparison between models stands, their levels do not).

    Returns
    -------
    per_index
        Index × (model, metric).
    summary
        Per model: the means over indices, and the share of indices on which it beats ``benchmark`` (lower
        QLIKE; higher correlation).
    """
    ok = _common(returns, ends, forecasts, "test") & (rv.reindex_like(returns) > 0)
    rows = {}
    for name in returns.columns:
        keep = ok[name]
        actual = rv[name][keep]
        for model, f in forecasts.items():
            var = f.sigma[name][keep] ** 2
            rows[(str(name), model)] = {"qlike": evaluate.qlike(actual, var),
                                        "log_correlation": evaluate.correlation(np.log(actual), np.log(var)),
                                        "mean_log_ratio": float(np.mean(np.log(var / actual))), "n": int(keep.sum())}
    per_index = pd.DataFrame.from_dict(rows, orient="index").unstack(level=1).swaplevel(axis=1).sort_index(axis=1)
    summary = {}
    for model in forecasts:
        mine, base = per_index[model], per_index[benchmark]
        summary[model] = {"qlike": mine["qlike"].mean(), "log_correlation": mine["log_correlation"].mean(),
                          "mean_log_ratio": mine["mean_log_ratio"].mean(),
                          "qlike_rate": evaluate.win_rate(mine["qlike"], base["qlike"]),
                          "correlation_rate": evaluate.win_rate(-mine["log_correlation"], -base["log_correlation"])}
    return per_index, pd.DataFrame.from_dict(summary, orient="index")


def truth_correlation(truth: pd.DataFrame, returns: pd.DataFrame, ends: pd.Series,
                      forecasts: Mapping[str, SigmaForecasts]) -> pd.Series:
    """Simulated data: mean over series of the test-day correlation between each model's σ and the true σ."""
    ok = _common(returns, ends, forecasts, "test")
    return pd.Series({model: float(np.mean([np.corrcoef(truth[c][ok[c]], f.sigma[c][ok[c]])[0, 1]
                                            for c in returns.columns])) for model, f in forecasts.items()})


# --------------------------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------------------------
def _id(label: str) -> str:
    """A metric or column label as a claim-id part: ``"qloss_2.5%"`` → ``"qloss_2p5"``, spaces to ``_``."""
    return label.replace("%", "").replace(".", "p").replace(" ", "_").lower()


def table_claims(paper: pd.DataFrame, ours: pd.DataFrame, *, table: str, variant: str, levels: bool,
                 note: str = "", provisional: bool = False) -> list[Claim]:
    """One claim per cell of a paper table (:func:`volrep.papers.liu_table2` layout) against ours.

    Ids ``deepvol.<table>.<metric>.<column group>_<garch|deepvol|rate>``.

    * Rates (share of series on which DeepVol beats GARCH): rule ``share`` (above one half, within 0.10).
    * DeepVol averages: DeepVol against GARCH is the claim, so rule ``effect`` on DeepVol − GARCH on each side
      (never the level alone: a DeepVol level close to the paper's but on the wrong side of our GARCH is not a
      reproduction).
    * GARCH averages: rule ``level`` when ``levels`` (the same market and test period), otherwise *not comparable*
      (``other_assets``), as are DeepVol's levels then — its effect against GARCH is still judged.
    """
    claims = []
    for metric in paper.index:
        for part, column in paper.columns:
            p, o = float(paper.loc[metric, (part, column)]), float(ours.loc[metric, (part, column)])
            if column == "rate":
                judgement, why = verdicts.share(p, o), "share of series where DeepVol beats GARCH"
            elif column == "DeepVol":
                pg, og = float(paper.loc[metric, (part, "GARCH")]), float(ours.loc[metric, (part, "GARCH")])
                judgement = verdicts.effect(p, o, paper_benchmark=pg, ours_benchmark=og)
                why = "mean over series, judged on DeepVol − GARCH"
            elif levels:
                judgement, why = verdicts.level(p, o), "mean over series"
            else:
                judgement = verdicts.not_comparable("other_assets", "other assets: levels differ")
                why = "mean over series"
            claims.append(Claim(f"deepvol.{table}.{_id(metric)}.{_id(part)}_{column.lower()}", p, o, variant, judgement,
                                f"{why}{'; ' + note if note else ''}", provisional and column != "GARCH"))
    return claims


def still_learning(history: dv.TrainingHistory) -> bool:
    """True if DeepVol's training loss was still falling at the step budget (:func:`volrep.verdicts.loss_still_falling`)."""
    return verdicts.loss_still_falling(history.loss)


# --------------------------------------------------------------------------------------------------------------
# Forecast store
# --------------------------------------------------------------------------------------------------------------
def store_rows(returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts], *, chapter: str,
               variant: str, split: str, actual: pd.DataFrame | None = None, target: str = "squared_return") -> pd.DataFrame:
    """Test-day variance forecasts as forecast-store rows (:mod:`volrep.store`), one per model, series and day.

    ``forecast`` is σ² (percent²); ``actual`` the squared return (default) or the given panel (e.g. RV);
    ``date`` the forecast origin, i.e. the series' previous observed date. Horizon 1, seed 0.
    """
    truth = returns**2 if actual is None else actual.reindex_like(returns)
    ok = (_common(returns, ends, forecasts, "test") & truth.notna()).to_numpy()
    rows, cols = np.nonzero(ok)
    observed = np.where(returns.notna().to_numpy(), returns.index.to_numpy()[:, None], np.datetime64("NaT", "ns"))
    origin = pd.DataFrame(observed).ffill().shift(1).to_numpy()  # the previous observed date of each series
    keys = {"date": origin[rows, cols], "actual": truth.to_numpy()[rows, cols], "asset": returns.columns.to_numpy()[cols]}
    frames = [pd.DataFrame({**keys, "model": model, "forecast": f.sigma.reindex_like(returns).to_numpy()[rows, cols] ** 2})
              for model, f in forecasts.items()]
    out = pd.concat(frames, ignore_index=True).assign(chapter=chapter, variant=variant, target=target, horizon=1,
                                                      split=split, seed=0)
    out["asset"] = out["asset"].astype(str)
    return out[["chapter", "model", "asset", "variant", "target", "horizon", "split", "seed", "date", "forecast", "actual"]]


def authors_checkpoint_claims(winners: pd.DataFrame) -> list[Claim]:
    """Claims on the authors' pretrained checkpoint, scored by us on their MSFT experiment
    (:func:`volrep.models.deepvol_code.run_experiment`, :func:`~volrep.models.deepvol_code.winners`).

    One claim per loss the authors' notebook prints: its DeepVol − GARCH gap against ours with the same weights and
    the same daily refitted GARCH (rule ``effect``; "paper" is the authors' printed gap, the code's own result).
    """
    return [Claim(f"deepvol.code.msft.{row['loss']}_gap", round(float(row["gap_authors"]), 6), round(float(row["gap_ours"]), 6),
                  "faithful", verdicts.effect(float(row["gap_authors"]), float(row["gap_ours"])),
                  "DeepVol − GARCH(1, 1) on MSFT, 2022-2024, the authors' checkpoint; the authors' value is their "
                  "notebook's printed output")
            for _, row in winners.iterrows() if np.isfinite(row["gap_authors"])]
