"""The paper's log "realized volatility": the log of an annualised rolling standard deviation of daily returns.

What Dhansoia (2025) feeds every Hurst estimator (its ``data_collection_fixed.py``); the ``"rolling_std"`` kind
of :func:`volrep.rough.validation.validation_table` simulates this construction on an RFSV path.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from volrep.errors import ConfigError, DataError

# --------------------------------------------------------------------------------------------------------------
# The paper's "realized volatility"
# --------------------------------------------------------------------------------------------------------------


def rolling_std_log_vol(
    returns: pd.Series | pd.DataFrame,
    window: int = 22,
    periods_per_year: int = 252,
) -> pd.Series | pd.DataFrame:
    """The paper's log "realized volatility": log of the annualised rolling standard deviation of returns.

    Parameters
    ----------
    returns
        Daily log returns (one column per series for a frame).
    window
        Rolling window in days (the paper's code: 22).
    periods_per_year
        Annualisation factor (the paper's code uses 252 for both the S&P 500 and bitcoin).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``log(√periods_per_year · std(r_{t−window+1}, …, r_t))`` (sample standard deviation, ``ddof=1``),
        labelled by the window's last day; a series is named ``log_rv``, a frame keeps its columns. The first ``window − 1`` rows, whose window is incomplete, are not
        returned: the output has ``len(returns) − window + 1`` rows.

    Raises
    ------
    DataError
        If a return is NaN/inf (rule ``finite returns``) or a window has zero standard deviation (rule
        ``positive rolling volatility``: its log is −inf; the paper's code dropped such rows silently).
    ConfigError
        If ``window < 2`` or the series is shorter than ``window``.

    Notes
    -----
    ``data_collection_fixed.py`` of the paper's code: ``realized_vol = log_return.rolling(22).std() · √252``,
    ``log_rv = log(realized_vol)``. Despite its name it is not a realized measure built from intraday returns
    but a 22-day moving standard deviation of daily returns: a moving average that smooths
    the volatility path over a month, so that day-to-day changes of ``log_rv`` are dominated by one return
    entering and one leaving the window. Computed exactly per window (two-pass, on a sliding view), so a
    volatility that varies over orders of magnitude loses no precision.
    """
    if int(window) != window or window < 2 or not periods_per_year > 0:
        raise ConfigError(f"need an integer window >= 2 and periods_per_year > 0, got {window!r}, {periods_per_year!r}")
    frame = returns.to_frame() if isinstance(returns, pd.Series) else returns
    values = frame.to_numpy(dtype=float)
    source = str(returns.name) if isinstance(returns, pd.Series) and returns.name is not None else "returns"
    if values.shape[0] < window:
        raise ConfigError(f"need at least window={window} returns, got {values.shape[0]}")
    bad_rows = np.flatnonzero(~np.all(np.isfinite(values), axis=1))
    if bad_rows.size:
        raise DataError(
            source, "finite returns", row=int(bad_rows[0]), detail=f"{bad_rows.size} row(s) with NaN/inf returns"
        )
    sd = np.lib.stride_tricks.sliding_window_view(values, window, axis=0).std(axis=-1, ddof=1)
    zero = np.flatnonzero(np.any(sd <= 0.0, axis=1))
    if zero.size:
        raise DataError(
            source,
            "positive rolling volatility",
            row=int(zero[0]) + window - 1,
            detail=f"{zero.size} window(s) of {window} identical returns",
        )
    out = pd.DataFrame(np.log(sd * math.sqrt(periods_per_year)), index=frame.index[window - 1 :], columns=frame.columns)
    return out.iloc[:, 0].rename("log_rv") if isinstance(returns, pd.Series) else out

