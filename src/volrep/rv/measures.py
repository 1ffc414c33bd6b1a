"""Realized measures per period and the units they are reported in.

Realized variance (Huang et al. 2024, eq. 1) and the number of returns behind it, bipower variation
(Barndorff-Nielsen & Shephard 2004), the volatility signature plot (Huang et al. Table 3), and the annualisation
and basis-point helpers (Huang et al. Table 4). Returns are labelled by their interval start and summed per
fixed period anchored at the Unix epoch (the conventions of :mod:`volrep.rv`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from volrep.errors import ConfigError
from volrep.rv.sampling import (
    Freq,
    Prices,
    TimeLike,
    Times,
    _freq_ns,
    _grid_log_returns,
    _ns_index,
    _ticks,
    _to_ns,
    grid_returns,
)

PERIODS_PER_YEAR: dict[str, int] = {"crypto": 365, "equity": 252}
"""Periods (days) per year for annualisation: bitcoin trades 365 days a year (Huang et al. Table 4),
equities about 252."""

_NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------------------------------------------------
# Realized variance and bipower variation per period
# --------------------------------------------------------------------------------------------------------------
def _period_keys(returns: pd.Series, period: Freq) -> np.ndarray:
    if not isinstance(returns.index, pd.DatetimeIndex):
        raise TypeError("returns must be indexed by a DatetimeIndex (interval starts)")
    step = _freq_ns(period)
    return (_to_ns(returns.index) // step) * step


def _per_period(values: np.ndarray, keys: np.ndarray, name: str) -> pd.Series:
    out = pd.Series(values).groupby(keys).sum(min_count=1)
    return pd.Series(out.to_numpy(), index=_ns_index(out.index.to_numpy(), "period"), name=name)


def realized_variance(returns: pd.Series, period: Freq = "1D") -> pd.Series:
    """Realized variance per period, ``RV = Σ r_i²`` (Huang et al. 2024, eq. 1).

    Parameters
    ----------
    returns
        Log returns labelled by their interval start (e.g. :func:`grid_returns`); NaN returns are skipped.
    period
        Fixed period anchored at the Unix epoch; ``"1D"`` = UTC calendar day (24/7 markets).

    Returns
    -------
    pandas.Series
        RV per period in decimal log-return², NaN for a period without any valid return. Incomplete periods
        are not dropped: :func:`count_returns` gives the number of returns behind each value.
    """
    keys = _period_keys(returns, period)
    r = returns.to_numpy(dtype=np.float64)
    return _per_period(r * r, keys, "rv")


def daily_realized_variance(times: Times, prices: Prices, freq: Freq, *, start: TimeLike = None,
                            end: TimeLike = None) -> pd.Series:
    """Daily RV (UTC calendar days) from returns sampled every ``freq``: :func:`grid_returns` then
    :func:`realized_variance` — e.g. daily bitcoin RV from 15-minute bars via :func:`bar_observations`."""
    return realized_variance(grid_returns(times, prices, freq, start=start, end=end), "1D")


def count_returns(returns: pd.Series, period: Freq = "1D") -> pd.Series:
    """Number of valid (non-NaN) returns per period, aligned with :func:`realized_variance`."""
    keys = _period_keys(returns, period)
    valid = np.isfinite(returns.to_numpy(dtype=np.float64))
    out = pd.Series(valid.astype(np.int64)).groupby(keys).sum()
    return pd.Series(out.to_numpy(), index=_ns_index(out.index.to_numpy(), "period"), name="n_returns")


def bipower_variation(returns: pd.Series, period: Freq = "1D", *, finite_sample: bool = False) -> pd.Series:
    """Realized bipower variation per period (Barndorff-Nielsen & Shephard 2004).

    Parameters
    ----------
    returns
        Log returns labelled by their interval start, in time order (e.g. :func:`grid_returns`).
    period
        As in :func:`realized_variance`.
    finite_sample
        Multiply by ``n / (n - 1)``, ``n`` = number of valid returns in the period: the ``n - 1`` products of an
        unbroken chain are scaled up to ``n`` terms. Where NaNs break the chain there are fewer products, and the
        factor is still ``n / (n - 1)`` (it counts returns, not products).

    Returns
    -------
    pandas.Series
        ``BV = (π/2) Σ_{i=2}^{n} |r_i| |r_{i-1}|`` per period (decimal log-return²), NaN where a period has no
        pair of valid consecutive returns.

    Notes
    -----
    Pairs are consecutive entries of ``returns`` within the same period, both finite; a NaN breaks the chain.
    ``E|Z|² = 2/π`` for standard normal ``Z``, hence the factor ``π/2``: without jumps BV and RV estimate the
    same integrated variance, while a single jump ``J`` adds ``J²`` to RV but only terms ``O(|J| |r|)`` to BV.

    References
    ----------
    Barndorff-Nielsen, O.E., Shephard, N., 2004. Power and bipower variation with stochastic volatility and
    jumps. Journal of Financial Econometrics 2 (1), 1-37.
    """
    keys = _period_keys(returns, period)
    a = np.abs(returns.to_numpy(dtype=np.float64))
    prod = np.full(a.shape, np.nan)
    prod[1:] = np.where(keys[1:] == keys[:-1], a[1:] * a[:-1], np.nan)
    bv = _per_period(np.pi / 2 * prod, keys, "bv")
    if finite_sample:
        n = count_returns(returns, period).to_numpy()
        bv = bv * np.where(n > 1, n / np.maximum(n - 1, 1), np.nan)
    return bv


# --------------------------------------------------------------------------------------------------------------
# Signature plot
# --------------------------------------------------------------------------------------------------------------
def signature_plot(times: Times, prices: Prices, freqs: Sequence[Freq], *,
                   period: Freq = "1D", start: TimeLike = None, end: TimeLike = None) -> pd.DataFrame:
    """Volatility signature plot: average RV per period at each sampling frequency (Huang et al. Table 3).

    Parameters
    ----------
    times, prices
        Ticks, or bars through :func:`bar_observations`.
    freqs
        Sampling frequencies, finest first (e.g. ``["1min", "2min", ..., "60min"]``).
    period
        Period of each RV (``"1D"``).
    start, end
        Passed to every grid (see :func:`grid_prices`). Give whole periods (e.g. ``"2014-01-01"`` and
        ``"2022-01-01"``): by default the first and last periods are partial.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency`` (as given), ``average_rv`` (mean over periods of the per-period RV, decimal
        log-return²) and ``pct_change`` (percent change from the previous row, NaN on the first), the layout
        of Huang et al. Table 3. Under microstructure noise ``average_rv`` falls as the sampling gets coarser.
    """
    t, p = _ticks(times, prices, "ticks")
    avg = [realized_variance(_grid_log_returns(t, p, _freq_ns(f), start, end), period).mean() for f in freqs]
    out = pd.DataFrame({"frequency": [str(f) for f in freqs], "average_rv": avg})
    out["pct_change"] = 100.0 * out["average_rv"].pct_change()
    return out


# --------------------------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------------------------
def intervals_per_day(freq: Freq) -> int:
    """Number of intervals of length ``freq`` in a 24-hour day (``"10min"`` → 144).

    Raises
    ------
    ConfigError
        If ``freq`` does not divide a day.
    """
    step = _freq_ns(freq)
    if _NS_PER_DAY % step:
        raise ConfigError(f"frequency {freq!r} does not divide a day")
    return _NS_PER_DAY // step


def annualise(rv: float | np.ndarray | pd.Series, periods_per_year: float) -> float | np.ndarray | pd.Series:
    """Annualised variance: RV per period × periods per year.

    Huang et al. (2024, Table 4) annualise 10-minute RV by ``144 × 365``
    (``annualise(rv, intervals_per_day("10min") * PERIODS_PER_YEAR["crypto"])``) and daily RV by 365.
    The result is an annualised variance in decimal log-return²; its square root is the annualised volatility.
    """
    return rv * periods_per_year
