"""Forecast targets, HAR features, sequence windows, chronological splits and train-only scalers.

What "h-day-ahead volatility" means
-----------------------------------
Huang et al. (2024, §4.2, Table 5) forecast "1-day to 60-day ahead volatility" without defining it. Two readings:

``"point"``
    the realized variance **of day t + h**: ``y_t = RV_{t+h}``;
``"mean"``
    the **average** realized variance over the next h days: ``y_t = (RV_{t+1} + … + RV_{t+h}) / h``
    (Corsi 2009's multi-period target).

The default is ``"point"``, because it is the reading the paper's own numbers imply: in its Table 5 the RMSE of
every model *rises* with the horizon and levels off around the same value for 7 to 60 days (HAR 280 → 316 →
323 → 324 → 323), which is what a single far-away day's RV does (it becomes unpredictable and the error tends to
its unconditional standard deviation). An h-day average is smoother the longer h is, and its RMSE would *fall*
with the horizon. ``"mean"`` is the quantity a risk manager needs and is shown beside it.

Alignment
---------
Every series is indexed by the **forecast origin** t: features use information up to and including day t; the
target is observed later. A sample belongs to the split part that holds its **target date** t + h; training
origins whose target falls after the end of training are dropped (purged), and the origins of a later part
start on the last day before it (:meth:`Split.origins`), so no model is estimated on data that follows one of
its forecast origins. Scalers are fitted on the training part only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from volrep.errors import ConfigError, DataError

TargetKind = Literal["point", "mean"]
DEFAULT_TARGET: TargetKind = "point"

#: The forecast horizons (days) of Huang et al. (2024).
HORIZONS = (1, 7, 14, 30, 60)

#: HAR windows: daily, weekly, monthly. Corsi (2009) and Dhansoia (2025) use 1/5/22 trading days; Huang et al.
#: (2024) use 1/7/30 calendar days because bitcoin trades every day.
HAR_WINDOWS = {"corsi": (1, 5, 22), "huang": (1, 7, 30)}

#: Chronological splits of the papers, as fractions of the sample.
SPLITS = {
    "huang_90_10": (0.9, 0.1),
    "huang_80_20": (0.8, 0.2),
    "huang_70_30": (0.7, 0.3),
    "dhansoia_50_25_25": (0.5, 0.25, 0.25),
}

Part = Literal["train", "val", "test"]


def _check_series(x: pd.Series, name: str) -> None:
    if not isinstance(x, pd.Series):
        raise ConfigError(f"{name} must be a pandas Series indexed by date")
    if not x.index.is_monotonic_increasing or x.index.has_duplicates:
        raise DataError(name, "dates sorted and unique", None, "sort and de-duplicate the series first")


def horizon_target(rv: pd.Series, h: int, kind: TargetKind = DEFAULT_TARGET) -> pd.Series:
    """The h-day-ahead target at each origin t (see the module docstring for the two readings).

    Parameters
    ----------
    rv
        Daily realized measure (any units), indexed by date.
    h
        Horizon in rows (days), ≥ 1.
    kind
        ``"point"``: ``RV_{t+h}``; ``"mean"``: mean of ``RV_{t+1} … RV_{t+h}``.

    Returns
    -------
    pandas.Series
        Indexed like ``rv``; NaN for the last ``h`` origins, whose target lies beyond the sample.
    """
    _check_series(rv, "rv")
    if h < 1:
        raise ConfigError(f"horizon must be at least 1 day, got {h}")
    if kind == "point":
        out = rv.shift(-h)
    elif kind == "mean":
        out = rv.rolling(h).mean().shift(-h)
    else:
        raise ConfigError(f"target kind must be 'point' or 'mean', got {kind!r}")
    return out.rename(f"{kind}_h{h}")


def har_features(rv: pd.Series, windows: tuple[int, ...] = HAR_WINDOWS["corsi"]) -> pd.DataFrame:
    """HAR regressors at each origin t: the mean of ``rv`` over the last ``w`` days, for each window ``w``.

    Corsi (2009); Dhansoia (2025) eq. (2) with 1/5/22, Huang et al. (2024) Table 5 with 1/7/30. Column
    ``rv_<w>`` uses ``rv_{t-w+1} … rv_t`` only: no information after t.
    """
    _check_series(rv, "rv")
    if not windows or min(windows) < 1:
        raise ConfigError(f"HAR windows must be positive, got {windows}")
    return pd.DataFrame({f"rv_{w}": rv.rolling(w).mean() for w in windows})


def sequence_windows(values: np.ndarray, lookback: int) -> np.ndarray:
    """Sliding windows for sequence models: row ``i`` holds ``values[i : i + lookback]`` (origin ``i + lookback − 1``).

    Parameters
    ----------
    values
        ``(n,)`` or ``(n, features)`` array in time order.
    lookback
        Window length.

    Returns
    -------
    numpy.ndarray
        ``(n − lookback + 1, lookback, features)``, a read-only view (no copy).
    """
    arr = np.asarray(values)
    if arr.ndim == 1:
        arr = arr[:, None]
    if not 1 <= lookback <= arr.shape[0]:
        raise ConfigError(f"lookback must be in [1, {arr.shape[0]}], got {lookback}")
    return np.lib.stride_tricks.sliding_window_view(arr, lookback, axis=0).transpose(0, 2, 1)


@dataclass(frozen=True)
class Split:
    """A chronological split of a daily index into train / (validation) / test parts.

    ``bounds`` holds the first position of each part after the first, e.g. ``(2629,)`` for 90/10 of 2,922 days.
    """

    name: str
    index: pd.DatetimeIndex
    bounds: tuple[int, ...]

    @property
    def parts(self) -> tuple[str, ...]:
        return ("train", "test") if len(self.bounds) == 1 else ("train", "val", "test")

    def _range(self, part: Part) -> tuple[int, int]:
        if part not in self.parts:
            raise ConfigError(f"split {self.name} has parts {self.parts}, not {part!r}")
        edges = (0, *self.bounds, len(self.index))
        k = self.parts.index(part)
        return edges[k], edges[k + 1]

    def dates(self, part: Part) -> pd.DatetimeIndex:
        """The days of a part."""
        lo, hi = self._range(part)
        return self.index[lo:hi]

    def origins(self, part: Part, h: int) -> pd.DatetimeIndex:
        """Forecast origins of ``part`` for the h-day-ahead target (h ≥ 1).

        Training origins are the days whose target date is still in the training part (the last h training days
        are purged). Validation and test origins run from the last day before the part — a forecast made with
        everything known before the part starts — to the last day whose target date lies in the part. So every
        origin of a later part is at or after the end of the part before it: a model estimated on the earlier
        part never saw data after any of its forecast origins.
        """
        if h < 1:
            raise ConfigError(f"horizon must be at least 1 day, got {h}")
        lo, hi = self._range(part)
        first = 0 if part == "train" else lo - 1
        return self.index[first:max(hi - h, first)]

    @property
    def train_end(self) -> pd.Timestamp:
        """Last day of the training part."""
        return self.index[self.bounds[0] - 1]


def chronological_split(index: pd.DatetimeIndex, fractions: tuple[float, ...], name: str = "") -> Split:
    """Split an index in time order by ``fractions`` (two or three, summing to one)."""
    if len(fractions) not in (2, 3) or not np.isclose(sum(fractions), 1.0) or min(fractions) <= 0:
        raise ConfigError(f"fractions must be 2 or 3 positive numbers summing to 1, got {fractions}")
    index = pd.DatetimeIndex(index)
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise DataError(name or "index", "dates sorted and unique")
    n = len(index)
    bounds = tuple(int(round(n * c)) for c in np.cumsum(fractions)[:-1])
    if bounds[0] < 1 or bounds[-1] >= n or len(set(bounds)) != len(bounds):
        raise ConfigError(f"{n} days are too few for the split {fractions}")
    return Split(name or "/".join(f"{round(100 * f)}" for f in fractions), index, bounds)


def named_split(index: pd.DatetimeIndex, name: str) -> Split:
    """One of the papers' splits (:data:`SPLITS`) of ``index``."""
    if name not in SPLITS:
        raise ConfigError(f"unknown split {name!r}; choose one of {', '.join(SPLITS)}")
    return chronological_split(index, SPLITS[name], name)


@dataclass(frozen=True)
class ZScore:
    """Standardisation fitted on training data only: ``(x − mean) / std``, per column."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, train: np.ndarray | pd.Series | pd.DataFrame) -> ZScore:
        x = np.asarray(train, dtype=float)
        if x.shape[0] < 2 or not np.isfinite(x).all():
            raise DataError("training data", "at least two finite rows to fit a scaler")
        std = x.std(axis=0, ddof=0)
        if np.any(std == 0):
            raise DataError("training data", "non-constant columns to fit a scaler")
        return cls(x.mean(axis=0), std)

    def transform(self, x: np.ndarray | pd.Series | pd.DataFrame) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=float) * self.std + self.mean


@dataclass(frozen=True)
class MinMax:
    """Scaling to [0, 1] fitted on training data only: ``(x − min) / (max − min)``, per column.

    Huang et al.'s networks end in a sigmoid (§4.2.1), so their target must lie in [0, 1]. Fitted on the
    training part, the scaler maps later values above the training maximum beyond 1, where a sigmoid cannot
    reach: forecasts are capped at the training range. ``by_column=False`` uses one minimum and maximum for
    every cell (a sequence of intraday RVs keeps its shape across steps).
    """

    low: np.ndarray
    high: np.ndarray

    @classmethod
    def fit(cls, train: np.ndarray | pd.Series | pd.DataFrame, by_column: bool = True) -> MinMax:
        x = np.asarray(train, dtype=float)
        if x.shape[0] < 2 or not np.isfinite(x).all():
            raise DataError("training data", "at least two finite rows to fit a scaler")
        axis = 0 if by_column else None
        low, high = x.min(axis=axis), x.max(axis=axis)
        if np.any(high == low):
            raise DataError("training data", "non-constant columns to fit a scaler")
        return cls(np.asarray(low), np.asarray(high))

    def transform(self, x: np.ndarray | pd.Series | pd.DataFrame) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.low) / (self.high - self.low)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=float) * (self.high - self.low) + self.low


def with_validation(split: Split, fraction: float) -> Split:
    """Carve a validation part from the end of ``split``'s training part; the test part is unchanged.

    Parameters
    ----------
    split
        A train/test split.
    fraction
        Share of the training days that becomes the validation part (e.g. 1/9 turns 90/10 into 80/10/10).
    """
    if len(split.bounds) != 1:
        raise ConfigError(f"split {split.name} already has a validation part")
    if not 0 < fraction < 1:
        raise ConfigError(f"fraction must be in (0, 1), got {fraction}")
    n_train = split.bounds[0]
    first_val = n_train - int(round(fraction * n_train))
    if not 1 <= first_val < n_train:
        raise ConfigError(f"{n_train} training days are too few for a validation share of {fraction}")
    return Split(f"{split.name}+val", split.index, (first_val, n_train))
