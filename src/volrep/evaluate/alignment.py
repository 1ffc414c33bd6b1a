"""Matching actual and forecast values pair by pair: the one input check of every metric in :mod:`volrep.evaluate`.

:func:`align` matches two pandas objects by index label (anything else by position), rejects mis-alignment
(:class:`~volrep.errors.ConfigError`), NaN pairs unless the caller drops them explicitly, infinite and
non-numeric values (:class:`~volrep.errors.DataError`), and returns an :class:`Aligned` pair; the point metrics
(:mod:`volrep.evaluate.point`) and the risk metrics (:mod:`volrep.evaluate.risk`) all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from volrep.errors import ConfigError, DataError

ArrayLike = npt.ArrayLike | pd.Series


@dataclass(frozen=True)
class Aligned:
    """Actual and forecast values matched pair by pair, ready for a metric.

    Attributes
    ----------
    actual
        Shape ``(n,)``.
    forecast
        Shape ``(n,)``, or ``(n, k)`` for ``k`` models (when :func:`align` got a DataFrame).
    index
        The labels of the kept pairs (the actual's index), or ``None`` when the actual is not a Series.
    n_dropped
        Pairs excluded because a value was NaN (only with ``dropna=True``; otherwise 0).
    """

    actual: np.ndarray
    forecast: np.ndarray
    index: pd.Index | None
    n_dropped: int


def _as_float(values: object, label: str, what: str) -> np.ndarray:
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise DataError(label, "numeric values", None, f"{what} cannot be read as numbers ({err})") from err
    return out


def align(
    actual: ArrayLike, forecast: ArrayLike | pd.DataFrame, *, dropna: bool = False, label: str = "forecast"
) -> Aligned:
    """Match actual and forecast values pair by pair and check them.

    Parameters
    ----------
    actual
        Realized values, 1-D.
    forecast
        Forecasts, 1-D, or a DataFrame with one column per model (then a pair is dropped when any model's
        value is NaN, so that every model is evaluated on the same sample).
    dropna
        Exclude pairs holding a NaN and report how many in :attr:`Aligned.n_dropped`. By default a NaN is an
        error.
    label
        Names the input in error messages (the ``file`` of :class:`~volrep.errors.DataError`).

    Returns
    -------
    Aligned

    Raises
    ------
    ConfigError
        When both are pandas objects and their index labels differ (or repeat), or when plain arrays differ in
        length or are not 1-D.
    DataError
        A NaN (without ``dropna``), an infinite or a non-numeric value, or no pair at all.

    Notes
    -----
    Two pandas objects are matched by index label: the forecast is put in the actual's order, and both must
    hold the same labels. Anything else is matched by position.
    """
    index = actual.index if isinstance(actual, pd.Series) else None
    if isinstance(actual, pd.Series) and isinstance(forecast, (pd.Series, pd.DataFrame)):
        if actual.index.has_duplicates or forecast.index.has_duplicates:
            raise ConfigError(f"{label}: index labels repeat; give each actual and forecast a unique label")
        if not actual.index.equals(forecast.index):
            missing = actual.index.difference(forecast.index).size
            extra = forecast.index.difference(actual.index).size
            if missing or extra:
                raise ConfigError(
                    f"{label}: forecast and actual are indexed differently ({missing} actual label(s) without a "
                    f"forecast, {extra} forecast label(s) without an actual); select the same dates first"
                )
            forecast = forecast.reindex(actual.index)
    y = _as_float(actual, label, "actual")
    f = _as_float(forecast, label, "forecast")
    if y.ndim != 1 or f.ndim not in (1, 2):
        raise ConfigError(f"{label}: actual must be 1-D and forecast 1-D or 2-D, got shapes {y.shape} and {f.shape}")
    if f.shape[0] != y.shape[0]:
        raise ConfigError(f"{label}: {y.shape[0]} actual value(s) but {f.shape[0]} forecast(s)")
    missing_pair = np.isnan(y) | (np.isnan(f) if f.ndim == 1 else np.isnan(f).any(axis=1))
    n_dropped = int(missing_pair.sum())
    if n_dropped and not dropna:
        row = int(np.argmax(missing_pair))
        raise DataError(
            label, "no missing values", row,
            f"{n_dropped} pair(s) hold a NaN; pass dropna=True to exclude them (the count is reported)",
        )
    if n_dropped:
        y, f = y[~missing_pair], f[~missing_pair]
        index = None if index is None else index[~missing_pair]
    infinite = ~np.isfinite(y) | (~np.isfinite(f) if f.ndim == 1 else ~np.isfinite(f).all(axis=1))
    if infinite.any():
        raise DataError(label, "finite values", int(np.argmax(infinite)), f"{int(infinite.sum())} infinite value(s)")
    if y.size == 0:
        raise DataError(label, "at least one pair", None, "nothing left to evaluate")
    return Aligned(actual=y, forecast=f, index=index, n_dropped=n_dropped)
