"""Realized measures on a calendar grid.

Previous-tick sampling, grid returns, realized variance (Huang et al. 2024, eq. 1), bipower variation
(Barndorff-Nielsen & Shephard 2004), pre-averaged realized variance (Jacod et al. 2009, as written in Huang et
al. 2024, eq. 2-3), the volatility signature plot (Huang et al. Table 3), zero-trade shares (Huang et al.
Table 2) and annualisation helpers (Huang et al. Table 4).

The package is split by job; every public name is re-exported here, so ``volrep.rv.<name>`` is the address
to use:

* :mod:`volrep.rv.sampling`: input conversion and validation, OHLC bars as observations, the calendar grid,
  previous-tick grid prices and returns, trade counts;
* :mod:`volrep.rv.measures`: realized variance, bipower variation, the signature plot, annualisation and
  units;
* :mod:`volrep.rv.preaverage`: pre-averaged realized variance (Jacod et al. 2009), in one pass or streamed;
* :mod:`volrep.rv.liquidity`: shares of grid intervals without a trade, from ticks or from bars.

Conventions (one set of alignment arguments shared by every measure, as in R ``highfrequency``)
-----------------------------------------------------------------------------------------------
Inputs
    *Ticks*: ``times`` (datetime-like, or int64 nanoseconds since the Unix epoch; naive datetimes are read as
    UTC) and ``prices`` (positive, finite), with non-decreasing times; several ticks may share a timestamp.
    *Bars*: :func:`bar_observations` turns an OHLC frame into observations (its ``close`` at its
    ``close_time`` if the frame has one, as Binance klines do, else at bar open time + bar interval) that
    every tick function accepts.
Grid
    Fixed frequencies only (``"1s"``, ``"5min"``, ``"1h"``, ``"1D"`` or a :class:`pandas.Timedelta`). The grid
    is anchored at ``start`` when given, else at the Unix epoch (so ``"1D"`` intervals are UTC calendar days:
    bitcoin trades 24/7). By default it runs from the last grid point strictly before the first observation
    to the first grid point at or after the last one, so that every observation lies inside it; ``end`` (when
    given) is the last grid point.
Intervals
    Right-closed and labelled by their start: the interval labelled ``s`` holds the ticks with
    ``s < t <= s + Δ``. This matches previous-tick sampling (the grid price at ``g`` is the last price at or
    before ``g``): the grid return labelled ``s`` is ``log P(s + Δ) - log P(s)``, it is zero for want of a
    trade exactly when the interval holds no tick, and the tick returns of an interval add up to it.
Tick returns
    ``r_i = log p_i - log p_{i-1}`` belongs to the interval of tick ``i`` (Huang et al. define
    ``r_t = log P_t - log P_{t-1}`` on the whole tick series), so the first return of an interval starts from
    the last price of the previous interval. The very first observation only serves as a starting price.
Periods
    Realized measures add up the returns whose label (interval start) falls in each period; periods are
    fixed durations anchored at the Unix epoch (``"1D"`` = UTC calendar day).
Units
    Returns are decimal log returns; every realized measure is in decimal log-return squared per interval or
    per period: not annualised, not in percent. :func:`annualise` and :func:`volrep.units.to_bp` convert to the
    units of Huang et al.
"""

from __future__ import annotations

from volrep.rv.liquidity import zero_trade_share, zero_trade_share_bars
from volrep.rv.measures import (
    PERIODS_PER_YEAR,
    annualise,
    bipower_variation,
    count_returns,
    daily_realized_variance,
    intervals_per_day,
    realized_variance,
    signature_plot,
)
from volrep.rv.preaverage import preaveraged_returns, preaveraged_rv, preaveraged_rv_chunks, preaveraging_window
from volrep.rv.sampling import bar_observations, grid_prices, grid_returns, ohlcv_bars, trade_counts

# Also importable from here, as before the split, though not in __all__: the type aliases of the signatures.
from volrep.rv.sampling import Freq as Freq, Prices as Prices, TimeLike as TimeLike, Times as Times

__all__ = [
    "PERIODS_PER_YEAR",
    "annualise",
    "bar_observations",
    "bipower_variation",
    "count_returns",
    "daily_realized_variance",
    "grid_prices",
    "grid_returns",
    "intervals_per_day",
    "ohlcv_bars",
    "preaveraged_returns",
    "preaveraged_rv",
    "preaveraged_rv_chunks",
    "preaveraging_window",
    "realized_variance",
    "signature_plot",
    "trade_counts",
    "zero_trade_share",
    "zero_trade_share_bars",
]
