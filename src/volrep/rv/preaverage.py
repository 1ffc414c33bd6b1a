"""Pre-averaged realized variance (Jacod et al. 2009; Huang et al. 2024, eq. 2-3), vectorised and streamable.

:func:`preaveraged_rv` estimates the integrated variance of each calendar interval from its tick returns under
microstructure noise; :func:`preaveraged_rv_chunks` computes the same from a stream of tick chunks too big for
memory; :func:`preaveraged_returns` exposes the pre-averaged returns themselves and
:func:`preaveraging_window` the window ``k_n = [θ √n]``. One cohesive algorithm: ticks are cut into intervals
(``_segments``), every window's pre-averaged return comes from prefix sums of log prices (``_windows``), batches
of complete intervals are reduced to per-interval sums (``_pa_part``, ``_pa_parts``) and put on the calendar
grid (``_pa_finish``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from tqdm import tqdm

from volrep.errors import ConfigError, DataError
from volrep.rv.sampling import (
    Freq,
    Prices,
    TimeLike,
    Times,
    _freq_ns,
    _ns_index,
    _origin,
    _points,
    _ticks,
    _ts_ns,
)

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
