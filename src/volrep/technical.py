"""Technical indicators and volatility targets of hourly OHLCV bars, strictly causal.

The features layer of the failed technical-indicator LSTM experiment (chapter 05,
:mod:`volrep.chapters.techlog`): the indicators a practitioner engineers from bars
(:func:`technical_indicators`), the log's dollar target (:func:`future_dollar_volatility`) and the scale-free
log realized volatility over the last or the next ``horizon`` bars (:func:`trailing_log_realized_vol`,
:func:`future_log_realized_vol`). Like :mod:`volrep.targets`, it turns a series into features and targets and
knows nothing of a paper, a split or a model; the experiment built on it lives in the chapter layer.

Placement: a module at the package root, beside :mod:`volrep.targets`, rather than a ``features/`` subpackage —
the root already holds this layer (``targets``, ``rv/``, ``rough/``), and a subpackage with a single module would
add a level without a second member.

References
----------
Wilder, J. W. (1978). *New Concepts in Technical Trading Systems*. Trend Research. (RSI, ATR.)
Appel, G. (2005). *Technical Analysis: Power Tools for Active Investors*. FT Press. (MACD.)
Bollinger, J. (2001). *Bollinger on Bollinger Bands*. McGraw-Hill. (%B, bandwidth.)
Lane, G. C. (1984). Lane's stochastics. *Technical Analysis of Stocks & Commodities* 2(3). (%K, %D.)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from volrep.data.clean import require_columns, require_nonnegative_finite, require_positive_finite, require_sorted
from volrep.errors import ConfigError, DataError

DollarReading = Literal["changes", "levels"]

#: Name used for the bars in error messages.
BARS = "bars"
#: Indicator parameters (bars): RSI and ATR (Wilder), MACD fast/slow/signal, Bollinger window and width,
#: stochastic %K/%D, volume z-score, momentum and return-sd windows, trend moving average.
RSI_BARS = 14
MACD_SPANS = (12, 26, 9)
BOLLINGER = (20, 2.0)
ATR_BARS = 14
STOCHASTIC = (14, 3)
VOLUME_Z_BARS = 24
MOMENTUM_BARS = 24
RETURN_SD_BARS = 24
TREND_BARS = 200


def check_bars(bars: pd.DataFrame) -> None:
    """Raise unless ``bars`` is a DataFrame of OHLCV bars with a sorted DatetimeIndex and valid prices and volumes."""
    if not isinstance(bars, pd.DataFrame) or not isinstance(bars.index, pd.DatetimeIndex):
        raise ConfigError("bars must be a DataFrame with a DatetimeIndex (volrep.data.load(...).frame)")
    require_columns(bars, ["open", "high", "low", "close", "volume"], BARS)
    require_sorted(bars.index, BARS)
    require_positive_finite(bars, ["open", "high", "low", "close"], BARS)
    require_nonnegative_finite(bars, ["volume"], BARS)


def _wilder(x: pd.Series, n: int) -> pd.Series:
    """Wilder's smoothing: the recursive mean ``s_t = s_{t−1} + (x_t − s_{t−1}) / n`` (an EMA with α = 1/n)."""
    return x.ewm(alpha=1.0 / n, adjust=False, min_periods=n).mean()


def _ema(x: pd.Series, span: int) -> pd.Series:
    return x.ewm(span=span, adjust=False, min_periods=span).mean()


def technical_indicators(bars: pd.DataFrame, *, relative: bool = False) -> pd.DataFrame:
    r"""The technical indicators a practitioner engineers from hourly OHLCV bars; strictly causal.

    Parameters
    ----------
    bars
        Bars with ``open, high, low, close, volume`` and a sorted DatetimeIndex (one row per bar).
    relative
        Divide the price-unit indicators (MACD line/signal/histogram, ATR) by the close and take momentum as a log
        return, so that every column is scale-free. ``False`` keeps the practitioner's dollar units.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``bars``; NaN during each indicator's warm-up. The value at t uses bars ≤ t only.

    Notes
    -----
    With close :math:`C_t`, high :math:`H_t`, low :math:`L_t`, volume :math:`V_t`, and
    :math:`\mathrm{EMA}_s` the exponential mean with :math:`\alpha = 2/(s+1)`, :math:`W_n` Wilder's with
    :math:`\alpha = 1/n` (both recursive, seeded with the first value), :math:`\overline{x}_n`,
    :math:`\mathrm{sd}_n` the rolling mean and population sd over the last n bars:

    * ``log_return`` :math:`r_t = \ln(C_t / C_{t-1})`;
    * ``rsi_14`` :math:`100\,W_{14}(g)/(W_{14}(g) + W_{14}(l))`, :math:`g = \max(\Delta C, 0)`,
      :math:`l = \max(-\Delta C, 0)`; 50 when both averages are 0 (Wilder 1978);
    * ``macd`` :math:`\mathrm{EMA}_{12}(C) - \mathrm{EMA}_{26}(C)`, ``macd_signal`` its :math:`\mathrm{EMA}_9`,
      ``macd_hist`` their difference (Appel 2005);
    * ``bb_pct_b`` :math:`(C - B^-)/(B^+ - B^-)` and ``bb_bandwidth`` :math:`(B^+ - B^-)/\overline{C}_{20}`, with
      :math:`B^\pm = \overline{C}_{20} \pm 2\,\mathrm{sd}_{20}(C)` (Bollinger 2001; undefined on 20 equal closes);
    * ``atr_14`` :math:`W_{14}(TR)`, :math:`TR_t = \max(H_t - L_t, |H_t - C_{t-1}|, |L_t - C_{t-1}|)`;
    * ``stoch_k`` :math:`100\,(C - \min_{14} L)/(\max_{14} H - \min_{14} L)`, ``stoch_d`` its 3-bar mean (Lane 1984);
    * ``volume_z_24`` :math:`(V - \overline{V}_{24})/\mathrm{sd}_{24}(V)`;
    * ``momentum_24`` :math:`C_t - C_{t-24}` (relative: :math:`\ln(C_t/C_{t-24})`);
    * ``return_sd_24`` the sample sd of :math:`r` over the last 24 bars;
    * ``trend_200`` :math:`C_t/\overline{C}_{200} - 1` (its 199-bar warm-up is what the log's batch counts
      imply; see :mod:`volrep.chapters.techlog`).
    """
    check_bars(bars)
    c, h, l, v = bars["close"], bars["high"], bars["low"], bars["volume"]
    dc = c.diff()
    gain, loss = _wilder(dc.clip(lower=0.0), RSI_BARS), _wilder((-dc).clip(lower=0.0), RSI_BARS)
    moves = gain + loss
    rsi = (100.0 * gain / moves).where(moves > 0, 50.0).where(moves.notna())
    fast, slow, signal_span = MACD_SPANS
    macd = _ema(c, fast) - _ema(c, slow)
    signal = _ema(macd, signal_span)
    window, width = BOLLINGER
    mid, sd = c.rolling(window).mean(), c.rolling(window).std(ddof=0)
    lower, upper = mid - width * sd, mid + width * sd
    true_range = pd.concat([h - l, (h - c.shift()).abs(), (l - c.shift()).abs()], axis=1).max(axis=1)
    atr = _wilder(true_range, ATR_BARS)
    k_bars, d_bars = STOCHASTIC
    low_k, high_k = l.rolling(k_bars).min(), h.rolling(k_bars).max()
    stoch_k = 100.0 * (c - low_k) / (high_k - low_k)
    log_c = np.log(c)
    r = log_c.diff()
    scale = c if relative else 1.0
    out = {
        "log_return": r,
        f"rsi_{RSI_BARS}": rsi,
        "macd": macd / scale,
        "macd_signal": signal / scale,
        "macd_hist": (macd - signal) / scale,
        "bb_pct_b": (c - lower) / (upper - lower),
        "bb_bandwidth": (upper - lower) / mid,
        f"atr_{ATR_BARS}": atr / scale,
        "stoch_k": stoch_k,
        "stoch_d": stoch_k.rolling(d_bars).mean(),
        f"volume_z_{VOLUME_Z_BARS}": (v - v.rolling(VOLUME_Z_BARS).mean()) / v.rolling(VOLUME_Z_BARS).std(ddof=0),
        f"momentum_{MOMENTUM_BARS}": log_c.diff(MOMENTUM_BARS) if relative else c.diff(MOMENTUM_BARS),
        f"return_sd_{RETURN_SD_BARS}": r.rolling(RETURN_SD_BARS).std(),
        f"trend_{TREND_BARS}": c / c.rolling(TREND_BARS).mean() - 1.0,
    }
    return pd.DataFrame(out, index=bars.index)


def _check_horizon(horizon: int) -> None:
    if horizon < 2:
        raise ConfigError(f"horizon must be at least 2 bars (a standard deviation needs two values), got {horizon}")


def future_dollar_volatility(bars: pd.DataFrame, horizon: int = 24, *, of: DollarReading = "changes") -> pd.Series:
    r"""The log's target: "future volatility" in dollars over the next ``horizon`` bars (reconstructed).

    Parameters
    ----------
    bars
        Hourly bars (``close`` is used).
    horizon
        Bars ahead (24 = one day of hourly bars).
    of
        ``"changes"`` (the reconstruction, see :mod:`volrep.chapters.techlog`): the sample sd of the next
        ``horizon`` price changes; ``"levels"``: the sample sd of the next ``horizon`` closes.

    Returns
    -------
    pandas.Series
        USD, indexed by origin t; NaN for the last ``horizon`` origins.

    Notes
    -----
    .. math:: y_t = \mathrm{sd}\bigl(C_{t+1} - C_t, \dots, C_{t+h} - C_{t+h-1}\bigr) \quad\text{or}\quad
              \mathrm{sd}\bigl(C_{t+1}, \dots, C_{t+h}\bigr),

    sample sd (``ddof=1``, pandas' default). Both scale with the price level: doubling every price doubles y.
    """
    check_bars(bars)
    _check_horizon(horizon)
    if of not in ("changes", "levels"):
        raise ConfigError(f"of must be 'changes' or 'levels', got {of!r}")
    c = bars["close"]
    base = c.diff() if of == "changes" else c
    return base.rolling(horizon).std().shift(-horizon).rename(f"dollar_vol_{of}_h{horizon}")


def trailing_realized_variance(bars: pd.DataFrame, horizon: int) -> pd.Series:
    """Sum of the last ``horizon`` squared hourly log returns at each t (needs ``horizon + 1`` bars)."""
    r2 = np.log(bars["close"]).diff() ** 2
    rv = r2.rolling(horizon).sum()
    zero = (rv <= 0).to_numpy()
    if zero.any():
        row = int(np.argmax(zero))
        raise DataError(BARS, "positive realized variance in every window (a log is taken)", row,
                        f"the {horizon} closes up to {bars.index[row]} are all equal; {int(zero.sum())} such windows")
    return rv


def trailing_log_realized_vol(bars: pd.DataFrame, horizon: int = 24) -> pd.Series:
    r"""Log realized volatility of the last ``horizon`` hourly log returns, :math:`\tfrac12 \ln \sum_{i=0}^{h-1}
    r_{t-i}^2` (uses bars ≤ t; the persistence forecast and the HAR base series)."""
    check_bars(bars)
    _check_horizon(horizon)
    return (0.5 * np.log(trailing_realized_variance(bars, horizon))).rename(f"log_rvol_{horizon}")


def future_log_realized_vol(bars: pd.DataFrame, horizon: int = 24) -> pd.Series:
    r"""The corrected target: log realized volatility of the next ``horizon`` hourly log returns.

    Notes
    -----
    .. math:: y_t = \tfrac12 \ln \sum_{i=1}^{h} r_{t+i}^2, \qquad r_t = \ln(C_t / C_{t-1}),

    NaN for the last ``horizon`` origins. Scale-free: multiplying every price by a constant leaves it unchanged.
    """
    return trailing_log_realized_vol(bars, horizon).shift(-horizon).rename(f"future_log_rvol_{horizon}")
