"""Chapter 08's data: both case studies' return panels, their simulated stand-ins and the train/test split.

Case study 1 (§3.2): the cleaned stock panel (:func:`panel_returns`, with a :class:`PanelReport` of what was
removed), the training/new-stock split (:func:`split_stocks`) and the artificial test portfolios
(:func:`portfolio_panel`), gathered by :func:`case1_data`; case study 2 (§3.3): the Oxford-Man index returns and
realized variances (:func:`index_panel`, :func:`case2_data`). Without the data, :func:`simulate_stock_prices` and
:func:`simulate_index_frame` build stand-ins of the same shape. :func:`train_ends` gives each series' last
training date. Units (percent returns) and the train/test rule are those of :mod:`volrep.chapters.deepvol`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volrep import data, sim
from volrep.errors import ConfigError, DataError
from volrep.models import deepvol as dv

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
