"""Liquidity: the share of calendar-grid intervals without a trade (Huang et al. 2024, Table 2, footnote 8).

:func:`zero_trade_share` counts from tick times, :func:`zero_trade_share_bars` from bars that carry a trade
count (a bar absent from the grid counts as a bar without trades, as Kraken omits them); both report the share
per year or month and frequency.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from volrep.errors import ConfigError, DataError
from volrep.rv.sampling import (
    Freq,
    TimeLike,
    Times,
    _bar_interval_ns,
    _check_times,
    _freq_ns,
    _grid,
    _ns_index,
    _to_ns,
    trade_counts,
)


def _share_by(zero: pd.Series, by: Literal["year", "month"]) -> pd.Series:
    idx = zero.index
    if by == "year":
        keys = idx.year
    elif by == "month":
        keys = idx.tz_localize(None).to_period("M")
    else:
        raise ConfigError(f"by must be 'year' or 'month', not {by!r}")
    return zero.astype(np.float64).groupby(keys).mean()


def zero_trade_share(times: Times, freqs: Sequence[Freq], *, by: Literal["year", "month"] = "year",
                     start: TimeLike = None, end: TimeLike = None) -> pd.DataFrame:
    """Share of grid intervals without a trade, per year and frequency (Huang et al. Table 2, footnote 8).

    Parameters
    ----------
    times
        Tick times.
    freqs
        Interval lengths, e.g. ``["1min", "5min", "10min", "30min", "1h"]``.
    by
        ``"year"`` or ``"month"`` of the interval start.
    start, end
        As in :func:`grid_prices` (default: the intervals covering the first to the last tick).

    Returns
    -------
    pandas.DataFrame
        Index: year (or month); one column per frequency (as given); values: intervals with no trade
        divided by all intervals of that year within ``[start, end]`` (a fraction: × 100 for Huang's percent).
        Intervals are ``(s, s + Δ]``, as in :func:`trade_counts`.
    """
    t = _to_ns(times)
    _check_times(t, "ticks")
    cols = {str(f): _share_by(trade_counts(t, f, start=start, end=end) == 0, by) for f in freqs}
    return pd.DataFrame(cols).rename_axis(by)


def zero_trade_share_bars(bars: pd.DataFrame, freqs: Sequence[Freq], *, trades: str = "trades",
                          by: Literal["year", "month"] = "year", start: TimeLike = None, end: TimeLike = None,
                          bar_interval: Freq | None = None) -> pd.DataFrame:
    """Zero-trade shares from bars with trade counts (Huang et al. Table 2 from e.g. Kraken hourly OHLCVT).

    A bar has zero trades if its ``trades`` count is 0 or if it is absent from the grid (Kraken omits hours
    without trades). An interval of a coarser frequency has zero trades only if every bar in it does.

    Parameters
    ----------
    bars
        Bars indexed by open time (sorted, unique; naive = UTC) with a trade-count column.
    freqs
        Interval lengths, each a multiple of the bar interval.
    trades
        Name of the trade-count column (Binance klines call it ``count``).
    by, start, end
        As in :func:`zero_trade_share`; intervals are ``[s, s + Δ)`` of bar open times, anchored at ``start``
        or the epoch; by default from the interval of the first bar to that of the last.
    bar_interval
        Bar length; default: the most frequent spacing of the index.

    Returns
    -------
    pandas.DataFrame
        As :func:`zero_trade_share`.

    Raises
    ------
    DataError
        Missing or invalid trade counts, unsorted or duplicated bar times.
    ConfigError
        A frequency that is not a multiple of the bar interval.
    """
    if trades not in bars.columns:
        raise DataError("bars", f"has a {trades!r} column", None, f"columns: {list(bars.columns)}")
    opens = _to_ns(bars.index)
    _check_times(opens, "bars")
    if (dup := opens[1:] == opens[:-1]).any():
        row = int(np.argmax(dup)) + 1
        raise DataError("bars", "bar open times unique", row, f"repeated time {_ns_index(opens[row:row + 1])[0]}")
    counts = bars[trades].to_numpy(dtype=np.float64)
    if (bad := ~(counts >= 0)).any():
        row = int(np.argmax(bad))
        raise DataError("bars", "trade counts non-negative", row, f"count {counts[row]!r}")
    bar_step = _bar_interval_ns(bars.index) if bar_interval is None else _freq_ns(bar_interval)
    active = opens[counts > 0]
    cols = {}
    for f in freqs:
        step = _freq_ns(f)
        if step % bar_step:
            raise ConfigError(f"frequency {f!r} is not a multiple of the bar interval ({bar_step} ns)")
        # bar opens o lie in [s, s + Δ) ⇔ o + 1 ns in (s, s + Δ]: the right-closed grid of the tick functions
        grid = _grid(opens + 1, step, start, end)
        n_active = np.diff(np.searchsorted(active, grid, side="left"))
        cols[str(f)] = _share_by(pd.Series(n_active == 0, index=_ns_index(grid[:-1])), by)
    return pd.DataFrame(cols).rename_axis(by)
