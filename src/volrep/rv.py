"""Realized measures on a calendar grid.

Previous-tick sampling, grid returns, realized variance (Huang et al. 2024, eq. 1), bipower variation
(Barndorff-Nielsen & Shephard 2004), pre-averaged realized variance (Jacod et al. 2009, as written in Huang et
al. 2024, eq. 2-3), the volatility signature plot (Huang et al. Table 3), zero-trade shares (Huang et al.
Table 2) and annualisation helpers (Huang et al. Table 4).

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
    per period: not annualised, not in percent. :func:`annualise` and :func:`to_basis_points` convert to the
    units of Huang et al.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from tqdm import tqdm

from volrep.errors import ConfigError, DataError

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
    "to_basis_points",
    "trade_counts",
    "zero_trade_share",
    "zero_trade_share_bars",
]

Times: TypeAlias = "pd.DatetimeIndex | pd.Series | np.ndarray | Sequence"
Prices: TypeAlias = "pd.Series | np.ndarray | Sequence[float]"
Freq: TypeAlias = "str | pd.Timedelta | np.timedelta64"
TimeLike: TypeAlias = "str | pd.Timestamp | np.datetime64 | None"

PERIODS_PER_YEAR: dict[str, int] = {"crypto": 365, "equity": 252}
"""Periods (days) per year for annualisation: bitcoin trades 365 days a year (Huang et al. Table 4),
equities about 252."""

_NS_PER_DAY = 86_400 * 10**9


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
        Multiply by ``n / (n - 1)``, ``n`` = number of valid returns in the period, so that the estimator
        averages over the ``n - 1`` products it has instead of ``n``.

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
# Pre-averaging (Jacod et al. 2009; Huang et al. 2024, eq. 2-3)
# --------------------------------------------------------------------------------------------------------------
def preaveraging_window(n: int | np.ndarray, theta: float = 0.4) -> int | np.ndarray:
    """Pre-averaging window ``k_n = [θ √n]``, rounded half up (Huang et al. 2024, footnote 10).

    The footnote's example, ``n = 600`` tick returns and ``θ = 0.4``, gives ``0.4 √600 = 9.80 → 10``: the
    bracket is rounding to the nearest integer, not the floor (which R ``highfrequency`` uses, with θ = 0.8).

    Parameters
    ----------
    n
        Number of tick returns in the interval (scalar or array).
    theta
        Tuning constant θ (Huang et al.: 0.4, following Hautsch & Podolskij 2013 for frequently traded assets).
    """
    k = np.floor(theta * np.sqrt(np.asarray(n, dtype=np.float64)) + 0.5).astype(np.int64)
    return int(k) if k.ndim == 0 else k


def _weight_sq_sum(k: np.ndarray) -> np.ndarray:
    """``Σ_{i=1}^{k-1} g(i/k)² = k ψ2^(k)``: (k² + 2) / (12 k) for even k, (k² - 1) / (12 k) for odd k."""
    kf = k.astype(np.float64)
    return np.where(k % 2 == 0, kf * kf + 2.0, kf * kf - 1.0) / (12.0 * np.maximum(kf, 1.0))


def _psi1(k: np.ndarray) -> np.ndarray:
    """``ψ1^(k) = k Σ_{i=0}^{k-1} (g((i+1)/k) - g(i/k))² = 2 ⌊k/2⌋ / k``."""
    return 2.0 * (k // 2) / np.maximum(k, 1).astype(np.float64)


@dataclass(frozen=True)
class _Segments:
    """Tick log prices cut into intervals, each preceded by the last price before it (its ``p_0``).

    ``ext`` holds, interval after interval, ``p_0, p_1, ..., p_n`` minus ``p_0`` (offsetting by the interval's
    first log price keeps the prefix sums small, so that their differences lose no precision).
    """

    labels: np.ndarray  # (M,) interval starts, int64 ns
    n: np.ndarray  # (M,) tick returns per interval
    first: np.ndarray  # (M,) position of each interval's p_0 in ext
    ext: np.ndarray  # (N + M,) offset log prices
    ext_times: np.ndarray | None  # (N + M,) times of ext, when asked for


def _segments(t: np.ndarray, lp: np.ndarray, lp_prev: float, t_prev: int, origin: int, step: int,
              with_times: bool = False) -> _Segments:
    lab = (t - 1 - origin) // step
    cut = np.flatnonzero(lab[1:] != lab[:-1]) + 1
    starts = np.concatenate(([0], cut))
    n = np.diff(np.append(starts, t.size))
    prev = np.concatenate(([lp_prev], lp[starts[1:] - 1]))
    ext = np.insert(lp, starts, prev)
    ext -= np.repeat(prev, n + 1)
    ext_times = np.insert(t, starts, np.concatenate(([t_prev], t[starts[1:] - 1]))) if with_times else None
    return _Segments(origin + lab[starts] * step, n, starts + np.arange(starts.size), ext, ext_times)


@dataclass(frozen=True)
class _Windows:
    """Pre-averaging windows ``j = 0..n-k`` of every interval with ``2 <= k <= n``, flattened."""

    k: np.ndarray  # (M,) window length per interval (0 where invalid)
    count: np.ndarray  # (M,) windows per interval, n - k + 1 (0 where invalid)
    offset: np.ndarray  # (M,) position of each interval's first window in the flat arrays
    rbar: np.ndarray  # (W,) raw pre-averaged returns, eq. (2)


def _windows(seg: _Segments, theta: float) -> _Windows:
    """All pre-averaged returns, vectorised through prefix sums of log prices.

    For the triangular kernel ``g(x) = min(x, 1-x)`` the weight differences are ``-1/k`` on the first
    ``h = ⌊k/2⌋`` prices of a window and ``+1/k`` on the last ``h`` (the middle price of an odd window has
    weight difference 0), so summation by parts gives, for prices ``p_j..p_{j+k-1}`` of window ``j``::

        r̄_j = Σ_{i=1}^{k-1} g(i/k) (p_{j+i} - p_{j+i-1}) = (1/k) (Σ_{i=k-h}^{k-1} p_{j+i} - Σ_{i=0}^{h-1} p_{j+i})

    and each sum is a difference of two prefix sums ``S``.
    """
    k = preaveraging_window(seg.n, theta)
    valid = (k >= 2) & (k <= seg.n)
    k = np.where(valid, k, 0)
    count = np.where(valid, seg.n - k + 1, 0)
    offset = np.cumsum(count) - count
    prefix = np.empty(seg.ext.size + 1)
    prefix[0] = 0.0
    np.cumsum(seg.ext, out=prefix[1:])
    pos = np.arange(int(count.sum()), dtype=np.int64) + np.repeat(seg.first - offset, count)
    kk = np.repeat(k, count)
    hh = kk // 2
    idx = pos + kk
    rbar = prefix[idx]
    idx -= hh
    rbar -= prefix[idx]
    np.add(pos, hh, out=idx)
    rbar -= prefix[idx]
    rbar += prefix[pos]
    rbar /= kk
    return _Windows(k, count, offset, rbar)


@dataclass(frozen=True)
class _PAPart:
    """Per-interval pieces of the pre-averaged RV of one batch of complete intervals."""

    labels: np.ndarray
    n: np.ndarray
    k: np.ndarray
    sum_rbar2: np.ndarray  # Σ_j r̄_j², eq. (3) (NaN where k is invalid)
    sum_r2: np.ndarray  # Σ_i r_i², tick returns


def _pa_part(t: np.ndarray, lp: np.ndarray, lp_prev: float, origin: int, step: int, theta: float) -> _PAPart:
    seg = _segments(t, lp, lp_prev, 0, origin, step)
    win = _windows(seg, theta)
    np.square(win.rbar, out=win.rbar)
    sum_rbar2 = np.full(seg.n.size, np.nan)
    has = win.count > 0
    if has.any():
        sum_rbar2[has] = np.add.reduceat(win.rbar, win.offset[has])
    r = np.diff(lp, prepend=lp_prev)
    sum_r2 = np.add.reduceat(r * r, seg.first - np.arange(seg.first.size))
    return _PAPart(seg.labels, seg.n, win.k, sum_rbar2, sum_r2)


def _pa_parts(items: Iterable[tuple[str, Times, np.ndarray]], origin: int, step: int, theta: float,
              progress: bool) -> list[_PAPart]:
    """Stream batches of ticks; each batch is cut after its last complete interval, the rest carried over."""
    parts: list[_PAPart] = []
    lp_prev: float | None = None
    last_t: int | None = None
    carry_t = np.empty(0, dtype=np.int64)
    carry_lp = np.empty(0)
    for source, times, prices in tqdm(items, disable=not progress, unit="chunk", desc="pre-averaging"):
        if len(prices) == 0:
            continue
        t, p = _ticks(times, prices, source)
        if last_t is not None and t[0] < last_t:
            raise DataError(source, "timestamps non-decreasing across chunks", 0,
                            f"chunk starts at {t[0]} ns, before the previous chunk's last tick {last_t} ns")
        last_t = int(t[-1])
        lp = np.log(p)
        if lp_prev is None:  # the first observation only gives the starting price
            lp_prev, t, lp = float(lp[0]), t[1:], lp[1:]
        t = np.concatenate((carry_t, t))
        lp = np.concatenate((carry_lp, lp))
        if t.size == 0:
            continue
        last_start = origin + ((t[-1] - 1 - origin) // step) * step
        cut = int(np.searchsorted(t, last_start, side="right"))
        if cut > 0:
            parts.append(_pa_part(t[:cut], lp[:cut], lp_prev, origin, step, theta))
            lp_prev = float(lp[cut - 1])
        carry_t, carry_lp = t[cut:], lp[cut:]
    if carry_t.size:
        parts.append(_pa_part(carry_t, carry_lp, lp_prev, origin, step, theta))
    return parts


def _pa_finish(parts: list[_PAPart], step: int, start: TimeLike, end: TimeLike, normalise: bool,
               bias_correction: bool, fallback: Literal["nan", "rv"], details: bool) -> pd.Series | pd.DataFrame:
    if fallback not in ("nan", "rv"):
        raise ConfigError(f"fallback must be 'nan' or 'rv', not {fallback!r}")
    if not parts:
        raise DataError("ticks", "at least two observations", None, "no tick return to pre-average")
    labels, n, k, sum_rbar2, sum_r2 = (np.concatenate([getattr(p, f) for p in parts])
                                      for f in ("labels", "n", "k", "sum_rbar2", "sum_r2"))
    valid = k >= 2
    kv = np.where(valid, k, 2)
    est = sum_rbar2.copy()
    if bias_correction:
        noise_var = sum_r2 / (2.0 * np.maximum(n, 1))
        est -= (n - kv + 1) * noise_var * _psi1(kv) / kv
    if normalise:
        est /= _weight_sq_sum(kv)
    est[~valid] = sum_r2[~valid] if fallback == "rv" else np.nan

    origin = _origin(start)
    first = origin if start is not None else labels[0]
    last = labels[-1] if end is None else origin + ((_ts_ns(end) - origin) // step - 1) * step
    grid = _points(first, last, step)
    pos = np.searchsorted(grid, labels)
    keep = (pos < grid.size) & (labels >= first)
    pos, keep_idx = pos[keep], np.flatnonzero(keep)

    def on_grid(values: np.ndarray, empty: float | int | bool) -> np.ndarray:
        out = np.full(grid.size, empty, dtype=values.dtype)
        out[pos] = values[keep_idx]
        return out

    index = _ns_index(grid, "interval")
    rv = on_grid(est, 0.0 if fallback == "rv" else np.nan)
    if not details:
        return pd.Series(rv, index=index, name="preaveraged_rv")
    return pd.DataFrame(
        {"rv": rv, "rv_ticks": on_grid(sum_r2, 0.0), "n_returns": on_grid(n, 0),
         "k_n": on_grid(k, 0), "preaveraged": on_grid(valid, False)},
        index=index,
    )


def preaveraged_rv(times: Times, prices: Prices, interval: Freq = "10min", *,
                   theta: float = 0.4, normalise: bool = True, bias_correction: bool = False,
                   fallback: Literal["nan", "rv"] = "nan", start: TimeLike = None, end: TimeLike = None,
                   details: bool = False) -> pd.Series | pd.DataFrame:
    r"""Pre-averaged realized variance per calendar interval (Jacod et al. 2009; Huang et al. 2024, eq. 2-3).

    Parameters
    ----------
    times, prices
        Ticks (or grid prices without their leading NaN, or :func:`bar_observations`).
    interval
        Calendar interval over which windows are formed and squared pre-averaged returns summed (Huang et al.:
        ``"10min"`` and ``"1D"``). Windows never cross an interval boundary.
    theta
        θ in ``k_n = [θ √n]`` (:func:`preaveraging_window`); Huang et al. use 0.4.
    normalise
        Divide by ``Σ_{i=1}^{k-1} g(i/k)² = k_n ψ2^{(k)}`` so that the estimator targets the integrated
        variance. ``False`` gives the literal eq. (3), ``Σ_j r̄_j²``, which omits the constant.
    bias_correction
        Subtract the noise bias (see Notes).
    fallback
        Intervals with ``k_n < 2`` (fewer than 15 tick returns at θ = 0.4) cannot be pre-averaged: ``"nan"``
        reports NaN; ``"rv"`` reports the plain RV of their tick returns (0 for an interval without trades).
    start, end
        First interval start (and grid anchor; default: the Unix epoch, first interval holding a tick return)
        and end of the last interval (default: the last interval holding a tick return).
    details
        Return a DataFrame with columns ``rv`` (the estimate), ``rv_ticks`` (Σ r² of tick returns, the
        "RV based on original return" of Huang et al. Table 4), ``n_returns``, ``k_n`` and ``preaveraged``
        (False where ``fallback`` applied; ``(~preaveraged).sum()`` counts them).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        One row per interval on the full calendar grid, labelled by interval start (UTC); decimal
        log-return² per interval.

    Notes
    -----
    For the ``n`` tick log returns ``r_1..r_n`` of an interval (the first one starts from the last price of
    the previous interval), ``k = k_n`` and ``g(x) = min(x, 1 - x)``:

    .. math::

        \bar r_j = \sum_{i=1}^{k-1} g(i/k)\, r_{j+i}, \quad j = 0, \dots, n-k, \qquad
        \widehat{RV} = \frac{1}{k\,\psi_2^{(k)}} \sum_{j=0}^{n-k} \bar r_j^2
                       - \frac{n-k+1}{n}\,\frac{\psi_1^{(k)}}{2 k^2 \psi_2^{(k)}} \sum_{i=1}^{n} r_i^2

    with the discrete (Riemann-sum) constants of the finite window,
    ``ψ2^{(k)} = (1/k) Σ_{i=1}^{k-1} g(i/k)²`` (= (k²+2)/(12k²) for even k, (k²-1)/(12k²) for odd k, → 1/12)
    and ``ψ1^{(k)} = k Σ_{i=0}^{k-1} (g((i+1)/k) - g(i/k))²`` (= 2⌊k/2⌋/k, → ψ1 = ∫g'² = 1). The first term
    is the normalised eq. (3): with ``normalise=True`` each ``r̄_j²`` is divided by the sum of squared
    weights, so without noise it is unbiased for the integrated variance over the ``n - k + 1`` windows
    (which span all returns but the last ``k - 1`` at full weight: for constant volatility the expectation is
    ``(n-k+1)/n`` of the interval's IV, e.g. 98.5 % at n = 600, k = 10).
    The second term (``bias_correction=True``) is the noise bias of the first under i.i.d. noise of variance
    ``ω²``, ``(n-k+1) ω² ψ1^{(k)} / (k² ψ2^{(k)})``, with ``ω̂² = Σ r_i² / (2n)``. With ``k² = θ_eff² n``
    (``θ_eff = k/√n``) and ``n - k + 1 ≈ n`` it is the usual ``ψ1 Δ_n Σ r_i² / (2 θ² ψ2)`` of Jacod et al.
    (2009) and Hautsch & Podolskij (2013). Because ``Σ r_i²`` also holds the integrated variance, the
    correction removes about ``ψ1/(2 k² ψ2) ≈ 6/k²`` of it (6 % at k = 10, 1.5 % at k = 20): it pays off
    only where noise dominates the tick returns. It can make an estimate negative; nothing is clipped.
    With ``normalise=False`` the correction is applied in the same (unnormalised) units.

    Vectorised without loops over intervals or ticks: see :func:`_windows` for the prefix-sum identity.

    References
    ----------
    Jacod, J., Li, Y., Mykland, P.A., Podolskij, M., Vetter, M., 2009. Microstructure noise in the continuous
    case: the pre-averaging approach. Stochastic Processes and their Applications 119 (7), 2249-2276.
    Hautsch, N., Podolskij, M., 2013. Preaveraging-based estimation of quadratic variation in the presence of
    noise and jumps. Journal of Business & Economic Statistics 31 (2), 165-183.
    Huang, Z.-C., Sangiorgi, I., Urquhart, A., 2024. Forecasting Bitcoin volatility using machine learning
    techniques. Journal of International Financial Markets, Institutions & Money 97, 102064. Eq. (2)-(3).
    """
    step = _freq_ns(interval)
    parts = _pa_parts([("ticks", times, prices)], _origin(start), step, theta, progress=False)
    return _pa_finish(parts, step, start, end, normalise, bias_correction, fallback, details)


def preaveraged_rv_chunks(chunks: Iterable[tuple[Times, np.ndarray]], interval: Freq = "10min", *,
                          theta: float = 0.4, normalise: bool = True, bias_correction: bool = False,
                          fallback: Literal["nan", "rv"] = "nan", start: TimeLike = None, end: TimeLike = None,
                          details: bool = False, progress: bool = False) -> pd.Series | pd.DataFrame:
    """Streaming :func:`preaveraged_rv` over consecutive chunks of ticks, for tick files too big for memory.

    Parameters
    ----------
    chunks
        Iterable of ``(times, prices)`` in time order (e.g. int64 ns and float64 arrays). A chunk may end in
        the middle of an interval: the unfinished interval is carried into the next chunk, so the result
        equals :func:`preaveraged_rv` on the concatenated ticks. Memory is bounded by about 100 bytes per
        tick of the largest chunk.
    interval, theta, normalise, bias_correction, fallback, start, end, details
        As in :func:`preaveraged_rv`.
    progress
        Show a progress bar over chunks.

    Raises
    ------
    DataError
        Naming the chunk (``"chunk i"``) and the row within it, for unsorted times or bad prices.
    """
    step = _freq_ns(interval)
    items = ((f"chunk {i}", t, p) for i, (t, p) in enumerate(chunks))
    parts = _pa_parts(items, _origin(start), step, theta, progress)
    return _pa_finish(parts, step, start, end, normalise, bias_correction, fallback, details)


def preaveraged_returns(times: Times, prices: Prices, interval: Freq = "10min",
                        *, theta: float = 0.4, start: TimeLike = None) -> pd.Series:
    """The pre-averaged returns ``r̄_j`` of Huang et al. (2024) eq. (2), for plots such as their Fig. 1.

    Parameters
    ----------
    times, prices, interval, theta, start
        As in :func:`preaveraged_rv` (``start`` only anchors the intervals).

    Returns
    -------
    pandas.Series
        Raw (unnormalised) ``r̄_j = Σ_{i=1}^{k-1} g(i/k) r_{j+i}``, decimal log returns, indexed by a
        MultiIndex ``(interval, time)``: the interval start and the time of the window's starting price
        ``p_j`` (``r̄_t`` uses the returns after ``t``, as in eq. 2; for ``j = 0`` this is the last tick before
        the interval). Intervals with ``k_n < 2`` contribute nothing. ``Σ r̄²`` per interval equals
        ``preaveraged_rv(..., normalise=False)``.
    """
    t, p = _ticks(times, prices, "ticks")
    if t.size < 2:
        raise DataError("ticks", "at least two observations", None, "no tick return to pre-average")
    lp = np.log(p)
    seg = _segments(t[1:], lp[1:], float(lp[0]), int(t[0]), _origin(start), _freq_ns(interval), with_times=True)
    win = _windows(seg, theta)
    pos = np.arange(win.rbar.size) + np.repeat(seg.first - win.offset, win.count)
    index = pd.MultiIndex.from_arrays(
        [_ns_index(np.repeat(seg.labels, win.count)), _ns_index(seg.ext_times[pos])], names=["interval", "time"]
    )
    return pd.Series(win.rbar, index=index, name="preaveraged_return")


# --------------------------------------------------------------------------------------------------------------
# Signature plot and zero-trade shares
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


def to_basis_points(x: float | np.ndarray | pd.Series) -> float | np.ndarray | pd.Series:
    """``x × 10⁴``: Huang et al. feed their models "the basis point of the RV" (10-min RV ≈ 1e-4 and below)."""
    return x * 1e4
