"""Sampling on a calendar grid: input conversion and validation, bars as observations, grid prices and returns.

Ticks (or the closes of OHLC bars through :func:`bar_observations`) are validated and converted to int64
nanoseconds (UTC) and float64 prices here, once, for every measure of :mod:`volrep.rv`; the calendar grid,
previous-tick sampling (:func:`grid_prices`, :func:`grid_returns`) and trade counts per interval
(:func:`trade_counts`) follow the conventions of the package docstring (:mod:`volrep.rv`): intervals
``(s, s + Δ]`` labelled by their start, anchored at ``start`` or at the Unix epoch. :func:`ohlcv_bars` goes the
other way, aggregating ticks into the bars an exchange publishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from volrep.errors import ConfigError, DataError

Times: TypeAlias = "pd.DatetimeIndex | pd.Series | np.ndarray | Sequence"
Prices: TypeAlias = "pd.Series | np.ndarray | Sequence[float]"
Freq: TypeAlias = "str | pd.Timedelta | np.timedelta64"
TimeLike: TypeAlias = "str | pd.Timestamp | np.datetime64 | None"


# --------------------------------------------------------------------------------------------------------------
# Input conversion and validation
# --------------------------------------------------------------------------------------------------------------
def _freq_ns(freq: Freq) -> int:
    """Length of a fixed frequency in nanoseconds; :class:`ConfigError` for calendar frequencies."""
    try:
        ns = pd.Timedelta(freq).as_unit("ns").value
    except ValueError:
        try:
            ns = pd.tseries.frequencies.to_offset(freq).nanos
        except ValueError as exc:
            raise ConfigError(f"frequency {freq!r} is not a fixed duration such as '10min', '1h' or '1D'") from exc
    if ns <= 0:
        raise ConfigError(f"frequency {freq!r} must be a positive duration")
    return int(ns)


def _to_ns(times: Times) -> np.ndarray:
    """Times as int64 nanoseconds since the Unix epoch, UTC (integer arrays are taken to be that already)."""
    if isinstance(times, np.ndarray) and times.dtype.kind in "iu":
        return times.astype(np.int64, copy=False)
    idx = pd.DatetimeIndex(times)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    return idx.as_unit("ns").asi8


def _ts_ns(ts: TimeLike) -> int:
    """One timestamp as int64 nanoseconds, UTC (naive = UTC)."""
    stamp = pd.Timestamp(ts)
    if stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int(stamp.as_unit("ns").value)


def _ns_index(ns: np.ndarray, name: str | None = None) -> pd.DatetimeIndex:
    """A UTC ``DatetimeIndex`` (nanosecond unit) from int64 nanoseconds."""
    return pd.DatetimeIndex(np.asarray(ns, dtype=np.int64).view("datetime64[ns]"), name=name).tz_localize("UTC")


def _check_times(t: np.ndarray, source: str) -> None:
    if t.ndim != 1 or t.size == 0:
        raise DataError(source, "at least one observation, as a 1-d array", None, f"got shape {t.shape}")
    if (missing := t == np.iinfo(np.int64).min).any():  # NaT
        raise DataError(source, "timestamps not missing", int(np.argmax(missing)))
    back = t[1:] < t[:-1]
    if back.any():
        row = int(np.argmax(back)) + 1
        raise DataError(source, "timestamps non-decreasing", row, f"time {t[row]} ns follows {t[row - 1]} ns")


def _check_prices(p: np.ndarray, n: int, source: str) -> None:
    if p.shape != (n,):
        raise DataError(source, "one price per timestamp", None, f"{p.shape[0] if p.ndim else 0} prices, {n} times")
    bad = ~((p > 0) & (p < np.inf))
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(source, "prices positive and finite", row, f"price {p[row]!r}")


def _ticks(times: Times, prices: Prices, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Validated (int64 ns times, float64 prices)."""
    t = _to_ns(times)
    p = np.asarray(prices, dtype=np.float64)
    _check_times(t, source)
    _check_prices(p, t.size, source)
    return t, p


def _bar_interval_ns(index: pd.DatetimeIndex) -> int:
    """The most frequent spacing of a bar index (bars may be missing, so not the minimum or the mean)."""
    diffs = np.diff(_to_ns(index))
    diffs = diffs[diffs > 0]
    if diffs.size == 0:
        raise ConfigError("cannot infer the bar interval from fewer than two bars; pass interval= explicitly")
    values, counts = np.unique(diffs, return_counts=True)
    return int(values[np.argmax(counts)])


def bar_observations(
    bars: pd.DataFrame, *, interval: Freq | None = None, price: str = "close"
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Observation times and prices of OHLC bars, for any function of this module that takes ticks.

    Parameters
    ----------
    bars
        Bars indexed by their open time (``DatetimeIndex``, naive = UTC), with a ``price`` column and
        optionally a ``close_time`` column (datetime), as in Binance klines.
    interval
        Bar length, used only without ``close_time``; default: the most frequent spacing of the index.
    price
        Column holding the observed price (the close).

    Returns
    -------
    times, prices
        The close of each bar, observed at ``close_time`` if present (Binance: open + interval - 1 ms), else at
        open time + ``interval``. Previous-tick sampling then assigns a bar's close to the grid point that ends
        the bar. A ``close_time`` outside its bar ``[open, open + interval]`` is clipped into it: the mirror's
        Binance klines have one bar (2020-12-21 14:00) that closes before it opens, which the kline reader
        counts; its close can only have been observed within the bar.

    Raises
    ------
    DataError
        Missing price column, non-datetime ``close_time``, unsorted observation times, bad prices.
    """
    if price not in bars.columns:
        raise DataError("bars", f"has a {price!r} column", None, f"columns: {list(bars.columns)}")
    step = _bar_interval_ns(bars.index) if interval is None else _freq_ns(interval)
    opens = _to_ns(bars.index)
    if "close_time" in bars.columns:
        if not pd.api.types.is_datetime64_any_dtype(bars["close_time"]):
            raise DataError("bars", "close_time is a datetime column", None, f"dtype {bars['close_time'].dtype}")
        observed = np.clip(_to_ns(bars["close_time"]), opens, opens + step)
    else:
        observed = opens + step
    times = _ns_index(observed)
    prices = bars[price].to_numpy(dtype=np.float64)
    _ticks(times, prices, "bars")
    return times, prices


def ohlcv_bars(ticks: pd.DataFrame, freq: Freq, *, start: TimeLike = None) -> pd.DataFrame:
    """Aggregate ticks into OHLCV bars in the BARS schema of the readers (what an exchange publishes).

    Parameters
    ----------
    ticks
        TICKS frame: ``timestamp`` (non-decreasing), ``price``, ``amount``.
    freq
        Bar length (``"15min"``, ``"1h"`` …).
    start
        Grid anchor (default: the Unix epoch, so bars start on the clock).

    Returns
    -------
    pandas.DataFrame
        One row per bar from the first to the last traded bar, indexed by open time ``timestamp`` (UTC); bars
        hold the ticks with ``open <= t < open + freq`` (exchange convention). Columns ``open, high, low,
        close`` (float64), ``volume`` (sum of amounts), ``trades`` (Int64 count) and ``close_time`` (time of the
        bar's last trade). A bar without trades is kept, as Binance does, with ``trades == 0``, volume 0, OHLC
        equal to the previous close and the previous ``close_time``; drop those rows (``trades > 0``) to mimic
        Kraken, which omits them.
    """
    t, p = _ticks(ticks["timestamp"], ticks["price"], "ticks")
    step, origin = _freq_ns(freq), _origin(start)
    key = (t - origin) // step
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    last = np.r_[first[1:] - 1, t.size - 1]
    slots = key[first] - key[0]
    n_bars = int(key[-1] - key[0]) + 1
    held = np.zeros(n_bars, dtype=bool)
    held[slots] = True
    # for every bar, the position (among traded bars) of the latest traded bar at or before it
    latest = np.cumsum(held) - 1
    close = p[last][latest]
    close_time = t[last][latest]
    frame = pd.DataFrame(
        {
            "open": close.copy(),
            "high": close.copy(),
            "low": close.copy(),
            "close": close,
            "volume": np.zeros(n_bars),
            "trades": np.zeros(n_bars, dtype=np.int64),
        },
        index=_ns_index(origin + (key[0] + np.arange(n_bars)) * step, name="timestamp"),
    )
    frame.iloc[slots, frame.columns.get_loc("open")] = p[first]
    frame.iloc[slots, frame.columns.get_loc("high")] = np.maximum.reduceat(p, first)
    frame.iloc[slots, frame.columns.get_loc("low")] = np.minimum.reduceat(p, first)
    frame.iloc[slots, frame.columns.get_loc("volume")] = np.add.reduceat(ticks["amount"].to_numpy(np.float64), first)
    frame.iloc[slots, frame.columns.get_loc("trades")] = last - first + 1
    frame["trades"] = frame["trades"].astype("Int64")
    frame["close_time"] = _ns_index(close_time)
    return frame


# --------------------------------------------------------------------------------------------------------------
# Calendar grid
# --------------------------------------------------------------------------------------------------------------
def _origin(start: TimeLike) -> int:
    return 0 if start is None else _ts_ns(start)


def _points(first: int, last: int, step: int) -> np.ndarray:
    """``first, first + step, ..., last`` in exact integer arithmetic (``np.arange`` sizes its result in
    float64, which drops the last point of long nanosecond grids)."""
    return first + step * np.arange((last - first) // step + 1, dtype=np.int64)


def _grid(t: np.ndarray, step: int, start: TimeLike, end: TimeLike) -> np.ndarray:
    """Grid points (int64 ns) from ``start`` (or the last point strictly before ``t[0]``) to ``end`` (or the
    first point at or after ``t[-1]``), anchored at ``start`` or at the epoch."""
    origin = _origin(start)
    first = origin if start is not None else origin + ((t[0] - 1 - origin) // step) * step
    if end is None:
        last = origin - ((origin - t[-1]) // step) * step
    else:
        last = origin + ((_ts_ns(end) - origin) // step) * step
    if last <= first:
        raise ConfigError(f"the grid from {_ns_index(np.array([first]))[0]} to end={end!r} holds no interval")
    return _points(first, last, step)


def _previous_tick(t: np.ndarray, p: np.ndarray, grid: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(t, grid, side="right") - 1
    out = p[np.maximum(pos, 0)]
    out[pos < 0] = np.nan
    return out


def grid_prices(times: Times, prices: Prices, freq: Freq, *,
                start: TimeLike = None, end: TimeLike = None) -> pd.Series:
    """Previous-tick sampling of prices on a calendar grid.

    Parameters
    ----------
    times, prices
        Ticks (or :func:`bar_observations`); see the module conventions.
    freq
        Grid spacing, e.g. ``"5min"``.
    start, end
        First and last grid point. ``start`` also anchors the grid (default: the Unix epoch and the last grid
        point strictly before the first tick); ``end`` is rounded down onto the grid (default: the first grid
        point at or after the last tick).

    Returns
    -------
    pandas.Series
        Price at each grid point ``g`` = the last price observed at or before ``g``; NaN before the first
        observation. Index: UTC ``DatetimeIndex``.
    """
    t, p = _ticks(times, prices, "ticks")
    grid = _grid(t, _freq_ns(freq), start, end)
    return pd.Series(_previous_tick(t, p, grid), index=_ns_index(grid), name="price")


def _grid_log_returns(t: np.ndarray, p: np.ndarray, step: int, start: TimeLike, end: TimeLike) -> pd.Series:
    grid = _grid(t, step, start, end)
    r = np.diff(np.log(_previous_tick(t, p, grid)))
    return pd.Series(r, index=_ns_index(grid[:-1]), name="return")


def grid_returns(times: Times, prices: Prices, freq: Freq, *,
                 start: TimeLike = None, end: TimeLike = None) -> pd.Series:
    """Log returns of previous-tick grid prices (the returns of Huang et al. eq. 1 at a sampling frequency).

    Parameters
    ----------
    times, prices, freq, start, end
        As in :func:`grid_prices`.

    Returns
    -------
    pandas.Series
        ``log P(s + Δ) - log P(s)`` labelled by the interval start ``s`` (decimal log return); NaN where
        ``P(s)`` precedes the first observation. A return is exactly zero for want of a trade where
        :func:`trade_counts` (same arguments) is zero.
    """
    t, p = _ticks(times, prices, "ticks")
    return _grid_log_returns(t, p, _freq_ns(freq), start, end)


def trade_counts(times: Times, freq: Freq, *, start: TimeLike = None, end: TimeLike = None) -> pd.Series:
    """Number of ticks in each grid interval ``(s, s + Δ]``, labelled by ``s``; aligned with :func:`grid_returns`.

    Parameters
    ----------
    times
        Tick times (non-decreasing).
    freq, start, end
        As in :func:`grid_prices`.

    Returns
    -------
    pandas.Series
        int64 counts; zero marks an interval with no trade (its grid return is zero for want of a trade).
    """
    t = _to_ns(times)
    _check_times(t, "ticks")
    grid = _grid(t, _freq_ns(freq), start, end)
    counts = np.diff(np.searchsorted(t, grid, side="right"))
    return pd.Series(counts, index=_ns_index(grid[:-1]), name="trades")
