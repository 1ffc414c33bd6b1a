"""Matching actual and forecast values pair by pair: the one input check of every metric in :mod:`volrep.evaluate`.

:func:`align` matches two pandas objects by index label (anything else by position), rejects mis-alignment
(through :func:`check_aligned`), NaN pairs unless the caller drops them explicitly, infinite and non-numeric values,
all as :class:`~volrep.errors.DataError`, and returns an :class:`Aligned` pair; the point metrics
(:mod:`volrep.evaluate.point`) and the risk metrics (:mod:`volrep.evaluate.risk`) all go through it.

:func:`check_aligned` is the project's one misalignment check (different lengths, or pandas objects with
different or repeated index labels); the forecast-comparison tests of :mod:`volrep.stats` call it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from volrep.errors import ConfigError, DataError

_RULE = "{} and {} aligned one to one"

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


def _length(values: object) -> int | None:
    """Rows of ``values``, or None for a scalar (whose shape is the caller's to reject)."""
    try:
        return len(values)  # type: ignore[arg-type]
    except TypeError:
        return None


def check_aligned(
    first: object, second: object, *, label: str, names: tuple[str, str] = ("actual", "forecast")
) -> object:
    """The one misalignment check: two inputs must pair up one to one.

    Parameters
    ----------
    first, second
        Array-likes (paired by position) or pandas Series/DataFrames (paired by index label when both are).
    label
        Names the input in error messages (the ``file`` of :class:`~volrep.errors.DataError`).
    names
        What ``first`` and ``second`` are, for the messages.

    Returns
    -------
    object
        ``second``, put in ``first``'s label order when both are pandas objects holding the same labels in
        another order; otherwise ``second`` itself.

    Raises
    ------
    DataError
        Rule ``"<first> and <second> aligned one to one"``: index labels that repeat or differ (both pandas), or
        a different number of rows.
    """
    rule = _RULE.format(*names)
    if isinstance(first, (pd.Series, pd.DataFrame)) and isinstance(second, (pd.Series, pd.DataFrame)):
        if first.index.has_duplicates or second.index.has_duplicates:
            raise DataError(
                label, rule, None, f"index labels repeat; give each {names[0]} and {names[1]} a unique label"
            )
        if not first.index.equals(second.index):
            only_first = first.index.difference(second.index).size
            only_second = second.index.difference(first.index).size
            if only_first or only_second:
                raise DataError(
                    label, rule, None,
                    f"{names[1]} and {names[0]} are indexed differently ({only_first} label(s) only in the {names[0]}, "
                    f"{only_second} only in the {names[1]}); select the same dates first",
                )
            return second.reindex(first.index)
    n_first, n_second = _length(first), _length(second)
    if n_first is not None and n_second is not None and n_first != n_second:
        raise DataError(label, rule, None, f"{n_first} {names[0]} value(s) but {n_second} {names[1]}(s)")
    return second


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
        When the actual is not 1-D or the forecast neither 1-D nor 2-D.
    DataError
        Misaligned inputs (:func:`check_aligned`: index labels that differ or repeat, or lengths that differ); a
        NaN (without ``dropna``), an infinite or a non-numeric value, or no pair at all.

    Notes
    -----
    Two pandas objects are matched by index label: the forecast is put in the actual's order, and both must
    hold the same labels. Anything else is matched by position.
    """
    index = actual.index if isinstance(actual, pd.Series) else None
    forecast = check_aligned(actual, forecast, label=label)
    y = _as_float(actual, label, "actual")
    f = _as_float(forecast, label, "forecast")
    if y.ndim != 1 or f.ndim not in (1, 2):
        raise ConfigError(f"{label}: actual must be 1-D and forecast 1-D or 2-D, got shapes {y.shape} and {f.shape}")
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
