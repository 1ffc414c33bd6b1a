"""The heterogeneous autoregressive model of realized variance (HAR; Corsi 2009), by OLS with HAC errors.

``y_t = β0 + β_d RV_t^{(d)} + β_w RV_t^{(w)} + β_m RV_t^{(m)} + ε_t`` where ``RV^{(w)}`` is the mean RV over the
last ``w`` days (:func:`volrep.targets.har_features`) and ``y_t`` the h-day-ahead target
(:func:`volrep.targets.horizon_target`) — Dhansoia (2025) eq. (2) with windows 1/5/22, Huang et al. (2024) Table 5
with 1/7/30. The log version regresses log target on the HAR means of log RV.

Standard errors are Newey–West (HAC): the residuals of an h-day-ahead regression are autocorrelated, and for the
``"mean"`` target they overlap by construction; the default lag length is ``max(5, h)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from volrep.errors import DataError
from volrep.targets import DEFAULT_TARGET, HAR_WINDOWS, TargetKind, har_features, horizon_target


@dataclass(frozen=True)
class HARFit:
    """A fitted HAR regression.

    Attributes
    ----------
    params, bse, tvalues
        Coefficients (``const``, ``rv_<w>`` …), their HAC standard errors and t-statistics.
    rsquared, nobs
        In-sample R² and number of training origins used.
    resid_var
        Residual variance (for the log model's lognormal correction).
    """

    windows: tuple[int, ...]
    horizon: int
    kind: TargetKind
    log: bool
    hac_lags: int
    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    rsquared: float
    nobs: int
    resid_var: float


def _design(rv: pd.Series, h: int, windows: tuple[int, ...], kind: TargetKind, log: bool) -> tuple[pd.DataFrame, pd.Series]:
    if log and not (rv > 0).all():
        raise DataError("rv", "positive values for a log HAR", int(np.argmax(~(rv > 0).to_numpy())))
    base = np.log(rv) if log else rv
    x = sm.add_constant(har_features(base, windows), has_constant="add")
    y = horizon_target(rv, h, kind)
    return x, np.log(y) if log else y


def fit_har(
    rv: pd.Series,
    h: int,
    origins: pd.DatetimeIndex,
    *,
    windows: tuple[int, ...] = HAR_WINDOWS["corsi"],
    kind: TargetKind = DEFAULT_TARGET,
    log: bool = False,
    hac_lags: int | None = None,
) -> HARFit:
    """Fit the HAR regression on the given (training) origins.

    Parameters
    ----------
    rv
        Daily realized variance, indexed by date (the whole sample: features and targets are built from it and
        then restricted to ``origins``, which must be training origins whose targets lie in the training part —
        :meth:`volrep.targets.Split.origins` gives them).
    h, windows, kind
        Horizon, HAR windows and target reading.
    log
        Regress log target on HAR means of log RV.
    hac_lags
        Newey–West lags (default ``max(5, h)``).
    """
    x, y = _design(rv, h, windows, kind, log)
    data = pd.concat([x, y.rename("y")], axis=1).loc[origins].dropna()
    if len(data) <= x.shape[1] + 1:
        raise DataError("rv", "enough training origins for the HAR regression", None, f"{len(data)} usable rows")
    lags = max(5, h) if hac_lags is None else hac_lags
    res = sm.OLS(data["y"], data[x.columns]).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return HARFit(tuple(windows), h, kind, log, lags, res.params, res.bse, res.tvalues, float(res.rsquared),
                  int(res.nobs), float(res.mse_resid))


def har_forecast(fit: HARFit, rv: pd.Series, origins: pd.DatetimeIndex, *, lognormal_correction: bool = True) -> pd.Series:
    """Forecasts at the given origins, in the units of ``rv``.

    For the log model the forecast is ``exp(x'β + σ²/2)`` (the mean of a lognormal) when
    ``lognormal_correction``, else ``exp(x'β)`` (the median).
    """
    x, _ = _design(rv, fit.horizon, fit.windows, fit.kind, fit.log)
    pred = x.loc[origins] @ fit.params
    if fit.log:
        pred = np.exp(pred + (0.5 * fit.resid_var if lognormal_correction else 0.0))
    return pred.rename("har")
