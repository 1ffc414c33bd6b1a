"""One forecaster interface for every model the chapters compare: HAR, log-HAR, the GARCH family, persistence,
the moving average and trained networks.

A *forecaster* is a model specification; :meth:`Forecaster.fit` estimates it on the training part of a split and
returns a *fitted* model whose :meth:`Fitted.forecast` gives its forecasts at any origins, horizon by horizon.
:func:`out_of_sample` is the one forecasting loop the chapters use: fit on the training part, forecast the origins
of the test (or validation) part of every horizon.

Conventions
-----------
Horizon
    ``h`` counts rows (days) of the daily index, as in :mod:`volrep.targets`: the forecast at origin t is for
    the target of :func:`volrep.targets.horizon_target` — ``RV_{t+h}`` (``kind="point"``) or the mean of
    ``RV_{t+1} … RV_{t+h}`` (``kind="mean"``).
Origins (inclusive)
    A forecast at origin t uses the series **up to and including day t**, and nothing after. ``arch``'s
    ``last_obs`` is exclusive (Python-slice style: ``fit(last_obs=n)`` uses rows ``0 … n − 1``); ours is the
    last date used, inclusive, like :func:`volrep.models.garch.fit_garch`'s ``last_obs`` and
    :attr:`volrep.targets.Split.train_end`. The GARCH adapter passes dates, never ``arch`` row positions.
Split
    :meth:`Forecaster.fit` estimates on the training part of ``split`` only: the training origins of each
    horizon (:meth:`volrep.targets.Split.origins`), whose targets lie in the training part, or, for models of the
    returns, the returns up to :attr:`~volrep.targets.Split.train_end`. The series passed is the whole sample: a
    fitted model reads it up to each origin when it forecasts.
Units and shape
    :meth:`Fitted.forecast` takes the origins of each horizon (``{h: origins}``: which origins have a target
    depends on h) and returns ``{h: forecasts}``, each a Series indexed by origin (index name ``"origin"``), in
    **decimal daily variance** when the series is a daily realized variance (HAR, naive forecasts) or daily
    decimal log returns (GARCH); a naive forecast of another series (e.g. log RV) is in that series' units.
Seed
    ``seed`` is an explicit argument of :meth:`Forecaster.fit`; no adapter reseeds a global generator. HAR and
    the naive forecasts are deterministic and ignore it; GARCH uses it for the common random numbers of TGARCH's
    simulated multi-step forecasts (``None``: :func:`volrep.models.garch.garch_forecasts`' default, 0); the
    network adapter hands it to the caller's training function.
All horizons at once
    :meth:`Forecaster.fit` takes every horizon of a study, not one: a GARCH model is estimated once for all its
    horizons, and TGARCH's simulated paths are drawn for the longest horizon, so a per-horizon interface would
    re-estimate each model once per horizon and change the TGARCH forecasts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from volrep.errors import ConfigError
from volrep.models import baselines, garch, har
from volrep.targets import DEFAULT_TARGET, HAR_WINDOWS, Part, Split, TargetKind

__all__ = [
    "GARCH",
    "HAR",
    "Fitted",
    "Forecaster",
    "MovingAverage",
    "Network",
    "NetworkFitted",
    "Persistence",
    "out_of_sample",
]


@runtime_checkable
class Fitted(Protocol):
    """A model estimated on the training part of a split."""

    def forecast(self, origins: Mapping[int, pd.DatetimeIndex]) -> dict[int, pd.Series]:
        """Forecasts at the origins of each horizon (``{h: origins}``, fitted horizons only), by horizon."""
        ...


@runtime_checkable
class Forecaster(Protocol):
    """A model specification: ``label`` names it in tables, :meth:`fit` estimates it."""

    @property
    def label(self) -> str: ...

    def fit(self, series: pd.Series, split: Split, horizons: Sequence[int], *, seed: int | None = None) -> Fitted:
        """Estimate on the training part of ``split`` for every horizon in ``horizons``."""
        ...


def _horizons(horizons: Sequence[int]) -> tuple[int, ...]:
    out = tuple(int(h) for h in horizons)
    if not out or min(out) < 1 or len(set(out)) != len(out):
        raise ConfigError(f"horizons must be distinct positive integers, got {tuple(horizons)}")
    return out


def _by_horizon(origins: Mapping[int, pd.DatetimeIndex], fitted: Sequence[int],
                forecast: Callable[[int, pd.DatetimeIndex], pd.Series]) -> dict[int, pd.Series]:
    """``forecast(h, origins[h])`` for each requested horizon, indexed by ``origin``."""
    unknown = sorted(set(origins) - set(fitted))
    if unknown:
        raise ConfigError(f"horizons {unknown} were not fitted (fitted: {tuple(fitted)})")
    return {h: forecast(h, pd.DatetimeIndex(idx)).rename_axis("origin") for h, idx in origins.items()}


def out_of_sample(forecaster: Forecaster, series: pd.Series, split: Split, horizons: Sequence[int], *,
                  seed: int | None = None, part: Part = "test") -> dict[int, pd.Series]:
    """Fit on the training part, then forecast the origins of ``part`` at every horizon.

    Parameters
    ----------
    forecaster
        Any :class:`Forecaster`.
    series
        The model's input over the whole sample (daily RV, or returns for GARCH), indexed by date like
        ``split.index``.
    split
        Chronological split (:mod:`volrep.targets`).
    horizons
        Horizons h (days).
    seed
        Passed to :meth:`Forecaster.fit`.
    part
        ``"test"`` (default) or ``"val"``.

    Returns
    -------
    dict
        ``{h: forecasts}``, each a Series named ``forecaster.label`` on the origins
        :meth:`volrep.targets.Split.origins` gives for ``part`` and ``h``.
    """
    horizons = _horizons(horizons)
    fitted = forecaster.fit(series, split, horizons, seed=seed)
    out = fitted.forecast({h: split.origins(part, h) for h in horizons})
    return {h: fc.rename(forecaster.label) for h, fc in out.items()}


@dataclass(frozen=True)
class _HARFitted:
    series: pd.Series
    fits: Mapping[int, har.HARFit]

    def forecast(self, origins: Mapping[int, pd.DatetimeIndex]) -> dict[int, pd.Series]:
        return _by_horizon(origins, tuple(self.fits), lambda h, idx: har.har_forecast(self.fits[h], self.series, idx))


@dataclass(frozen=True)
class HAR:
    """HAR or log-HAR (Corsi 2009; :func:`volrep.models.har.fit_har`), one regression per horizon on the training
    origins of that horizon; forecasts by :func:`volrep.models.har.har_forecast` (the lognormal mean for log-HAR).

    ``series`` is the daily realized variance.
    """

    windows: tuple[int, ...] = HAR_WINDOWS["corsi"]
    kind: TargetKind = DEFAULT_TARGET
    log: bool = False

    @property
    def label(self) -> str:
        return "log-HAR" if self.log else "HAR"

    def fit(self, series: pd.Series, split: Split, horizons: Sequence[int], *, seed: int | None = None) -> _HARFitted:
        fits = {h: har.fit_har(series, h, split.origins("train", h), windows=self.windows, kind=self.kind, log=self.log)
                for h in _horizons(horizons)}
        return _HARFitted(series, fits)


@dataclass(frozen=True)
class _NaiveFitted:
    series: pd.Series
    horizons: tuple[int, ...]
    window: int | None

    def forecast(self, origins: Mapping[int, pd.DatetimeIndex]) -> dict[int, pd.Series]:
        return _by_horizon(origins, self.horizons, self._at)

    def _at(self, h: int, idx: pd.DatetimeIndex) -> pd.Series:
        if self.window is None:
            return baselines.persistence_forecast(self.series, idx)
        return baselines.moving_average_forecast(self.series, idx, self.window)


@dataclass(frozen=True)
class Persistence:
    """Random walk (:func:`volrep.models.baselines.persistence_forecast`): the value at the origin, every horizon."""

    @property
    def label(self) -> str:
        return "persistence"

    def fit(self, series: pd.Series, split: Split, horizons: Sequence[int], *, seed: int | None = None) -> _NaiveFitted:
        return _NaiveFitted(series, _horizons(horizons), None)


@dataclass(frozen=True)
class MovingAverage:
    """Mean of the last ``window`` values (:func:`volrep.models.baselines.moving_average_forecast`), every horizon."""

    window: int = 22

    @property
    def label(self) -> str:
        return f"moving average ({self.window} d)"

    def fit(self, series: pd.Series, split: Split, horizons: Sequence[int], *, seed: int | None = None) -> _NaiveFitted:
        return _NaiveFitted(series, _horizons(horizons), self.window)


@dataclass(frozen=True)
class _GarchFitted:
    model: GARCH
    returns: pd.Series
    train_end: pd.Timestamp
    horizons: tuple[int, ...]
    seed: int

    def forecast(self, origins: Mapping[int, pd.DatetimeIndex]) -> dict[int, pd.Series]:
        """One :func:`~volrep.models.garch.garch_forecasts` call at the union of the origins serves every horizon."""
        m = self.model
        if not origins:
            return {}
        union = reduce(pd.DatetimeIndex.union, map(pd.DatetimeIndex, origins.values()))
        table = garch.garch_forecasts(self.returns, m.spec, origins=union, horizons=self.horizons, mode=m.mode,
                                      train_end=self.train_end, refit_every=m.refit_every, workers=m.workers,
                                      progress=m.progress, seed=self.seed)
        return _by_horizon(origins, self.horizons, lambda h, idx: table[f"{m.kind}_h{h}"].loc[idx])


@dataclass(frozen=True)
class GARCH:
    """A GARCH-family model of the daily returns (:func:`volrep.models.garch.garch_forecasts`).

    ``series`` is the daily decimal log returns. Estimation happens when forecasting: the ``"fixed"`` mode
    estimates once on the returns up to ``split.train_end`` (inclusive), the ``"rolling"`` and ``"expanding"``
    modes re-estimate at the origins themselves, so :meth:`fit` only records the training end, the horizons and
    the seed. ``kind`` picks the forecast column (``point_h<h>`` or ``mean_h<h>``).
    """

    spec: garch.GarchSpec
    kind: TargetKind = DEFAULT_TARGET
    mode: garch.Mode = "fixed"
    refit_every: int = 1
    workers: int = 1
    progress: bool = False

    @property
    def label(self) -> str:
        return self.spec.label

    def fit(self, series: pd.Series, split: Split, horizons: Sequence[int], *, seed: int | None = None) -> _GarchFitted:
        return _GarchFitted(self, series, split.train_end, _horizons(horizons), 0 if seed is None else seed)


@dataclass(frozen=True)
class NetworkFitted:
    """A :class:`Network` fitted for every horizon.

    Attributes
    ----------
    network
        The forecaster it came from.
    models
        ``{h: trained}``: what ``network.train`` returned for each horizon (the caller's object: the network and
        whatever else its ``predict`` needs, e.g. scalers and the training history).
    """

    network: Network
    models: Mapping[int, Any]

    def forecast(self, origins: Mapping[int, pd.DatetimeIndex]) -> dict[int, pd.Series]:
        return _by_horizon(origins, tuple(self.models), lambda h, idx: self.network.predict(self.models[h], idx))


@dataclass(frozen=True)
class Network:
    """A trained network behind the interface, from the caller's own training and prediction functions.

    Attributes
    ----------
    train
        ``train(series, split, horizon, seed) -> model``: trains one network for one horizon on the training
        part of ``split`` (seeding its own generators from ``seed``).
    predict
        ``predict(model, origins) -> pandas.Series``: forecasts indexed by origin, in the units of ``series``
        (decimal daily variance for daily RV; log volatility for Dhansoia's networks).
    name
        The label in tables.
    """

    train: Callable[[pd.Series, Split, int, int | None], Any]
    predict: Callable[[Any, pd.DatetimeIndex], pd.Series]
    name: str = "network"

    @property
    def label(self) -> str:
        return self.name

    def fit(self, series: pd.Series, split: Split, horizons: Sequence[int], *,
            seed: int | None = None) -> NetworkFitted:
        return NetworkFitted(self, {h: self.train(series, split, h, seed) for h in _horizons(horizons)})
