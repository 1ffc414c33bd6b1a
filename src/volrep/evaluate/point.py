"""Point metrics of variance forecasts and the relative forecasting power of one model against another.

RMSE, MAE and MSLE (Huang et al. 2024, eq. 6-8), R² and Pearson correlation (Dhansoia 2025, §3.6), QLIKE (Patton
2011), one forecast at a time (:func:`rmse` …), several at once (:func:`point_metrics`) or several models on one
common sample (:func:`metrics_table`); the relative forecasting power of losses (Huang et al. eq. 9,
:func:`relative_power`) and the relative gain of scores (Dhansoia Table 4, :func:`relative_gain`); Huang et al.'s
basis-point units (:func:`to_huang_units`). Conventions (NaN handling, positive-only metrics) are in
:mod:`volrep.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from volrep import units
from volrep.errors import ConfigError, DataError
from volrep.evaluate.alignment import ArrayLike, align

#: Every point metric, in the order of the tables.
POINT_METRICS = ("rmse", "mae", "msle", "r2", "correlation", "qlike")
#: Metrics where lower is better; their relative value is Huang's relative forecasting power (eq. 9).
LOSSES = ("rmse", "mae", "msle", "qlike")
#: Metrics where higher is better; their relative value is Dhansoia's "improvement" (Table 4).
SCORES = ("r2", "correlation")
#: Metrics defined for positive quantities (variance levels) only: QLIKE needs y, ŷ > 0; MSLE's ln(1 + y)
#: needs y, ŷ > −1 and is meant for non-negative levels, not for logarithms.
POSITIVE_ONLY = ("msle", "qlike")

#: pandas objects whose labels :func:`relative_power` keeps.
_PANDAS = (pd.Series, pd.DataFrame)

#: One basis point: Huang et al. feed and evaluate "the basis point of the RV", i.e. RV × 10⁴ (§3).


def _require_positive_domain(ok: np.ndarray, label: str, rule: str) -> None:
    if not ok.all():
        bad = ~ok
        raise DataError(
            label, rule, int(np.argmax(bad)),
            f"{int(bad.sum())} pair(s) break it; for a target that may be <= 0 (e.g. log RV) declare positive=False",
        )


def _rmse(y: np.ndarray, f: np.ndarray, label: str) -> float:
    return float(np.sqrt(np.mean((y - f) ** 2)))


def _mae(y: np.ndarray, f: np.ndarray, label: str) -> float:
    return float(np.mean(np.abs(y - f)))


def _msle(y: np.ndarray, f: np.ndarray, label: str) -> float:
    _require_positive_domain((y > -1) & (f > -1), label, "MSLE needs actual and forecast > -1")
    return float(np.mean((np.log1p(y) - np.log1p(f)) ** 2))


def _r2(y: np.ndarray, f: np.ndarray, label: str) -> float:
    total = np.sum((y - y.mean()) ** 2)
    if y.size < 2 or total == 0:
        raise DataError(label, "R2 needs a non-constant actual", None, f"{y.size} value(s), total sum of squares 0")
    return float(1.0 - np.sum((y - f) ** 2) / total)


def _correlation(y: np.ndarray, f: np.ndarray, label: str) -> float:
    if y.size < 2 or np.ptp(y) == 0 or np.ptp(f) == 0:
        raise DataError(label, "correlation needs non-constant actual and forecast", None, f"{y.size} pair(s)")
    return float(np.corrcoef(y, f)[0, 1])


def _qlike(y: np.ndarray, f: np.ndarray, label: str) -> float:
    _require_positive_domain((y > 0) & (f > 0), label, "QLIKE needs positive variances (actual and forecast > 0)")
    ratio = y / f
    return float(np.mean(ratio - np.log(ratio) - 1.0))


_KERNELS: dict[str, Callable[[np.ndarray, np.ndarray, str], float]] = {
    "rmse": _rmse, "mae": _mae, "msle": _msle, "r2": _r2, "correlation": _correlation, "qlike": _qlike,
}


def _one(name: str, actual: ArrayLike, forecast: ArrayLike) -> float:
    pair = align(actual, forecast, label=name)
    if pair.forecast.ndim != 1:
        raise ConfigError(f"{name}: forecast must be 1-D; use metrics_table for several models")
    return _KERNELS[name](pair.actual, pair.forecast, name)


def rmse(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Root mean squared error, Huang et al. (2024) eq. (6).

    Notes
    -----
    .. math:: \mathrm{RMSE} = \sqrt{\tfrac{1}{n}\sum_{i=1}^{n} (y_i - \hat y_i)^2}

    Inputs are checked by :func:`align` (NaN, infinite, mis-aligned → error).
    """
    return _one("rmse", actual, forecast)


def mae(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Mean absolute error, Huang et al. (2024) eq. (7).

    Notes
    -----
    .. math:: \mathrm{MAE} = \tfrac{1}{n}\sum_{i=1}^{n} |y_i - \hat y_i|
    """
    return _one("mae", actual, forecast)


def msle(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Mean squared logarithmic error, Huang et al. (2024) eq. (8).

    Raises
    ------
    DataError
        When an actual or a forecast is ≤ −1 (the logarithm is undefined).

    Notes
    -----
    .. math:: \mathrm{MSLE} = \tfrac{1}{n}\sum_{i=1}^{n} \bigl(\ln(1+y_i) - \ln(1+\hat y_i)\bigr)^2

    Unlike RMSE and MAE, MSLE is not scale-equivariant: its value, and a relative MSLE, depend on the units of
    ``y`` (Huang et al. use RV in basis points, see :func:`to_huang_units`).
    """
    return _one("msle", actual, forecast)


def r2(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Coefficient of determination, Dhansoia (2025) §3.6.

    Notes
    -----
    .. math:: R^2 = 1 - \frac{\sum_t (RV_t - \widehat{RV}_t)^2}{\sum_t (RV_t - \overline{RV})^2}

    :math:`\overline{RV}` is the mean of the evaluated actuals, as in the paper (not the training mean of
    Campbell & Thompson's out-of-sample R²). It can be negative; it needs at least two distinct actuals.
    """
    return _one("r2", actual, forecast)


def correlation(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Pearson correlation between forecasts and actuals, Dhansoia (2025) §3.6.

    Notes
    -----
    .. math:: \rho = \frac{\sum_t (y_t - \bar y)(\hat y_t - \bar{\hat y})}
              {\sqrt{\sum_t (y_t - \bar y)^2 \sum_t (\hat y_t - \bar{\hat y})^2}}

    Undefined (error) when either series is constant.
    """
    return _one("correlation", actual, forecast)


def qlike(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""QLIKE loss of Patton (2011) for variance forecasts.

    Raises
    ------
    DataError
        When an actual or a forecast is ≤ 0: QLIKE is defined for variances (e.g. RV in decimal or bp units),
        not for log-RV or volatility differences.

    Notes
    -----
    .. math:: \mathrm{QLIKE} = \tfrac{1}{n}\sum_{i=1}^{n}
              \Bigl(\frac{y_i}{\hat y_i} - \ln\frac{y_i}{\hat y_i} - 1\Bigr)

    This normalisation is 0 for a perfect forecast and ≥ 0 otherwise. QLIKE is robust to noise in the
    volatility proxy (Patton 2011, Prop. 1) and scale-invariant: its value does not depend on the units.
    """
    return _one("qlike", actual, forecast)


def relative_power(error_model: npt.ArrayLike, error_benchmark: npt.ArrayLike) -> float | np.ndarray:
    r"""Relative forecasting power of a model against a benchmark, Huang et al. (2024) eq. (9).

    Parameters
    ----------
    error_model, error_benchmark
        Losses (RMSE, MAE, MSLE, QLIKE), scalars or arrays that broadcast together, or pandas objects that align
        by label (e.g. a table of losses, models × horizons, and the benchmark's row: ``relative_power(table,
        table.loc["HAR"])``).

    Returns
    -------
    float, numpy.ndarray or pandas object
        Positive when the model has the lower loss (beats the benchmark), negative when the benchmark wins,
        0 for the benchmark itself. A float for scalar inputs; a pandas object, with its labels, when either input
        is one. Multiply by 100 for the percentages of Huang et al.'s tables.

    Raises
    ------
    DataError
        When a loss is negative or NaN, a benchmark loss is 0, or pandas labels leave a loss without a partner.

    Notes
    -----
    .. math:: \mathrm{RFP} = 1 - \frac{\mathrm{Error}_{\mathrm{model}}}{\mathrm{Error}_{\mathrm{benchmark}}}

    For RMSE, MAE and QLIKE it does not depend on the units of the data; for MSLE it does (see :func:`msle`).
    """
    model = np.asarray(error_model, dtype=np.float64)
    bench = np.asarray(error_benchmark, dtype=np.float64)
    if not (model >= 0).all():
        raise DataError("relative_power", "losses are non-negative numbers", None, f"model loss {error_model}")
    if not (bench > 0).all():
        raise DataError("relative_power", "benchmark loss > 0", None, f"benchmark loss {error_benchmark}")
    if isinstance(error_model, _PANDAS) or isinstance(error_benchmark, _PANDAS):
        labelled = 1.0 - error_model / error_benchmark
        if np.asarray(labelled.isna()).any():
            raise DataError("relative_power", "model and benchmark losses with matching labels")
        return labelled
    out = 1.0 - model / bench
    return float(out) if out.ndim == 0 else out


def relative_gain(score_model: npt.ArrayLike, score_benchmark: npt.ArrayLike) -> float | np.ndarray:
    r"""Relative improvement of a score (R², correlation) over a benchmark, as in Dhansoia (2025) Table 4.

    Returns
    -------
    float or numpy.ndarray
        ``score_model / score_benchmark − 1``: positive when the model has the higher score, the same sign
        convention as :func:`relative_power` for losses. (Table 4 reports R² 0.801 against 0.749 as
        "+6.95 %" = 0.801 / 0.749 − 1.)

    Raises
    ------
    DataError
        When a benchmark score is ≤ 0 or NaN: the ratio has no meaning then.
    """
    model = np.asarray(score_model, dtype=np.float64)
    bench = np.asarray(score_benchmark, dtype=np.float64)
    if not (bench > 0).all():
        raise DataError("relative_gain", "benchmark score > 0", None, f"benchmark score {score_benchmark}")
    out = model / bench - 1.0
    return float(out) if out.ndim == 0 else out


def _select(metrics: Sequence[str] | None, positive: bool) -> tuple[tuple[str, ...], list[str]]:
    """The metrics to compute and the notes on the ones left out."""
    if metrics is None:
        chosen = POINT_METRICS if positive else tuple(m for m in POINT_METRICS if m not in POSITIVE_ONLY)
        notes = [] if positive else [
            f"{', '.join(POSITIVE_ONLY)} not computed: positive=False declares a target that may be <= 0 "
            "(e.g. log RV), and MSLE and QLIKE are defined for positive variance levels only"
        ]
        return chosen, notes
    chosen = tuple(metrics)
    unknown = [m for m in chosen if m not in POINT_METRICS]
    if unknown:
        raise ConfigError(f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(POINT_METRICS)}")
    if len(set(chosen)) != len(chosen):
        raise ConfigError(f"metrics repeat: {', '.join(chosen)}")
    excluded = [m for m in chosen if m in POSITIVE_ONLY] if not positive else []
    if excluded:
        raise ConfigError(
            f"{', '.join(excluded)} need positive values but positive=False was given; drop them from metrics"
        )
    return chosen, []


def point_metrics(
    actual: ArrayLike,
    forecast: ArrayLike,
    *,
    metrics: Sequence[str] | None = None,
    positive: bool = True,
    dropna: bool = False,
) -> dict[str, float | int]:
    """Several point metrics of one forecast at once.

    Parameters
    ----------
    actual, forecast
        As for :func:`align` (1-D).
    metrics
        Names from :data:`POINT_METRICS`. ``None``: all of them when ``positive``, else all but
        :data:`POSITIVE_ONLY`.
    positive
        Whether the target is a positive quantity (a variance level). Declare ``False`` for targets that may
        be ≤ 0, such as log RV: MSLE and QLIKE are then not computed (and asking for them is an error).
    dropna
        Exclude NaN pairs instead of raising; the number is reported under ``"n_dropped"``.

    Returns
    -------
    dict
        ``{metric: value}`` in the order of ``metrics``, then ``"n"`` (pairs evaluated) and ``"n_dropped"``.
    """
    chosen, _ = _select(metrics, positive)
    pair = align(actual, forecast, dropna=dropna, label="point_metrics")
    if pair.forecast.ndim != 1:
        raise ConfigError("point_metrics: forecast must be 1-D; use metrics_table for several models")
    out: dict[str, float | int] = {m: _KERNELS[m](pair.actual, pair.forecast, "point_metrics") for m in chosen}
    out.update(n=int(pair.actual.size), n_dropped=pair.n_dropped)
    return out


def metrics_table(
    forecasts: pd.DataFrame,
    actual: pd.Series,
    *,
    benchmark: str | None = None,
    metrics: Sequence[str] | None = None,
    positive: bool = True,
    dropna: bool = False,
) -> pd.DataFrame:
    """Point metrics of several models on one common sample, optionally relative to a benchmark model.

    Parameters
    ----------
    forecasts
        One column per model, indexed like ``actual`` (same labels; see :func:`align`).
    actual
        Realized values.
    benchmark
        A column of ``forecasts``. When given, each metric ``m`` gets a column ``rel_<m>``: Huang's relative
        forecasting power (eq. 9, :func:`relative_power`) for losses, Dhansoia's relative gain
        (:func:`relative_gain`) for scores. Positive always means "better than the benchmark".
    metrics, positive
        As for :func:`point_metrics`.
    dropna
        Exclude every date where the actual or *any* model is NaN, so that all models are compared on the
        same dates; the number is in the ``n_dropped`` column.

    Returns
    -------
    pandas.DataFrame
        One row per model (index ``model``): the metrics, ``n``, ``n_dropped``, then the ``rel_`` columns.
        ``table.attrs["notes"]`` lists what was left out and why (metrics not computed for a non-positive
        target; ``rel_`` columns of scores whose benchmark value is ≤ 0).
    """
    if not isinstance(forecasts, pd.DataFrame) or not isinstance(actual, pd.Series):
        raise ConfigError("metrics_table needs a DataFrame of forecasts (one column per model) and a Series actual")
    if forecasts.columns.empty or forecasts.columns.has_duplicates:
        raise ConfigError("metrics_table: forecasts need at least one column, each with its own model name")
    if benchmark is not None and benchmark not in forecasts.columns:
        models = ", ".join(map(str, forecasts.columns))
        raise ConfigError(f"benchmark {benchmark!r} is not a column of forecasts: {models}")
    chosen, notes = _select(metrics, positive)
    pair = align(actual, forecasts, dropna=dropna, label="metrics_table")
    table = pd.DataFrame(
        [
            {m: _KERNELS[m](pair.actual, pair.forecast[:, j], str(model)) for m in chosen}
            for j, model in enumerate(forecasts.columns)
        ],
        index=pd.Index(forecasts.columns, name="model"),
        columns=list(chosen),
    )
    table["n"] = pair.actual.size
    table["n_dropped"] = pair.n_dropped
    if benchmark is not None:
        for m in chosen:
            base = table.at[benchmark, m]
            if m in LOSSES:
                table[f"rel_{m}"] = relative_power(table[m].to_numpy(), base)
            elif base > 0:
                table[f"rel_{m}"] = relative_gain(table[m].to_numpy(), base)
            else:
                notes.append(f"rel_{m} not computed: the benchmark {benchmark!r} has {m} = {base:.4g} <= 0")
    table.attrs["notes"] = notes
    return table


def to_huang_units(rv_daily: npt.ArrayLike | pd.Series) -> npt.ArrayLike | pd.Series:
    """Daily realized variance (decimal) in the "basis point of the RV" units of Huang et al. (2024): ``RV × 10⁴``.

    Notes
    -----
    What the paper says: "because the 10-min RV is too small, over 97 % of RVs are under 0.0001, we employ the
    basis point of the RV as inputs of the predictive models" (§3). So the model inputs and targets are RV ×
    10⁴, not annualised: the annualisation (× 365 for daily, × 144 · 365 for 10-min RV) appears only in the
    summary statistics of Table 4. The errors of Table 5 (RMSE 280–340) fit this reading: Table 4 gives the
    annualised daily pre-averaged RV a standard deviation of 12.78, i.e. 12.78 / 365 × 10⁴ ≈ 350 bp per day,
    and a forecast that explains little has an RMSE close to that standard deviation. An annualised target
    would put the RMSEs some 365 times higher.

    What cannot be matched: the level of their daily pre-averaged RV is not pinned down. Table 4's mean of
    4.51 (annualised) is 0.0124 per day, about 5.7 times the plain 10-min RV of Table 3 (0.002161), which
    suggests a pre-averaging estimator without the usual 1 / (ψ₂ k_n) normalisation or another scaling the
    paper does not state; their test window (about 290 days in 2021) is also only described. Absolute RMSE,
    MAE and MSLE values are therefore not comparable with Table 5. What is comparable is the relative
    forecasting power (:func:`relative_power`) of RMSE and MAE, which does not depend on units; MSLE is not
    scale-free, so its relative power is compared in these units and with that caveat.
    """
    return units.to_bp(rv_daily if isinstance(rv_daily, pd.Series) else np.asarray(rv_daily, dtype=np.float64))
