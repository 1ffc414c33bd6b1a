"""Naive benchmarks: persistence and moving average of the realized measure.

Both use information up to the forecast origin t only and forecast the same value for every horizon.
"""

from __future__ import annotations

import pandas as pd

from volrep.errors import ConfigError


def persistence_forecast(series: pd.Series, origins: pd.DatetimeIndex) -> pd.Series:
    """Random-walk forecast: the last observed value, ``ŷ_t = x_t``."""
    return series.loc[origins].rename("persistence")


def moving_average_forecast(series: pd.Series, origins: pd.DatetimeIndex, window: int = 22) -> pd.Series:
    """Mean of the last ``window`` observations, ``ŷ_t = mean(x_{t−window+1} … x_t)`` (Dhansoia's "Moving Average";
    the paper does not state its window: 22 days, one month, by default)."""
    if window < 1:
        raise ConfigError(f"moving-average window must be positive, got {window}")
    return series.rolling(window).mean().loc[origins].rename(f"ma{window}")
