"""Forecast evaluation: point metrics and relative forecasting power.

Point metrics
-------------
RMSE, MAE and MSLE as Huang, Sangiorgi & Urquhart (2024, §4.3, eq. 6–8); R² and Pearson correlation as
Dhansoia (2025, §3.6); QLIKE as Patton (2011); the relative forecasting power of Huang et al. (eq. 9).
Every metric takes an ``actual`` and a ``forecast`` (array-likes, or pandas Series matched by index label) and
checks them with :func:`align`: NaN pairs are an error unless the caller excludes them explicitly
(``dropna=True`` in :func:`align`, :func:`point_metrics`, :func:`metrics_table`), which reports how many it
dropped.

Losses (lower is better) are :data:`LOSSES`; scores (higher is better) are :data:`SCORES`. MSLE and QLIKE are
defined for positive quantities only (variance levels), so a caller evaluating e.g. log-RV forecasts says so
with ``positive=False`` and they are left out, with a note.

Risk metrics
------------
Liu, Tran, Wang, Gerlach & Kohn (2023, §3.1) judge daily σ forecasts by the tail risk they imply. From a
Gaussian forecast ``y_t ~ N(μ_t, σ_t²)`` (``μ_t = 0`` unless a mean is given, as in their model ``y_t = σ_t ε_t``)
:func:`gaussian_var` and :func:`gaussian_es` give the α-level VaR ``Q_t`` and ES; :func:`violation_ratio`
(eq. 9a), :func:`quantile_loss` (eq. 7, a *sum* over the test set), :func:`joint_loss` (eq. 8, Taylor's 2019
AL loss) and :func:`gaussian_nll` (eq. 6) score them; :func:`risk_metrics` computes the rows of their
Tables 2, 3 and 5 for one series, and :func:`win_rate` and :func:`risk_comparison` the "Rate" columns over
many series.

Sign convention: VaR and ES are quantities of the *return* distribution, as in the paper's equations, so they
are negative for the usual small α (a 1 % VaR of −3 % means a loss of 3 % or more on one day in a hundred).
Every risk metric checks its inputs and raises :class:`~volrep.errors.DataError` for a NaN, an infinite value,
misaligned inputs (different lengths, or pandas objects with different index labels), a σ ≤ 0 or an ES ≥ 0.

Units matter: the quantile loss, the joint loss and the NLL change with the units of the returns (the paper's
NLL ≈ 2 and quantile losses of 50–500 correspond to percent returns); the violation ratio does not.

Units of the losses
-------------------
The project keeps realized variance in decimal daily variance; :func:`to_huang_units` maps it to the
"basis point of the RV" in which Huang et al. report their errors (see its Notes for what can and cannot be
compared).

References
----------
Huang, Z.-C., Sangiorgi, I. & Urquhart, A. (2024). Forecasting Bitcoin volatility using machine learning
techniques. §3, §4.3, eq. (6)–(9), Tables 3–5.
Dhansoia, R. (2025). Cross-asset transfer learning for rough volatility forecasting. §3.6, Tables 3–4.
Patton, A. J. (2011). Volatility forecast comparison using imperfect volatility proxies. *Journal of
Econometrics* 160(1), 246–256.
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §3.1, eq. (6)–(9a), Tables 2–5.
Taylor, J. W. (2019). Forecasting value at risk and expected shortfall using a semiparametric approach based on
the asymmetric Laplace distribution. *Journal of Business & Economic Statistics* 37(1), 121–133.
Koenker, R. & Bassett, G. (1978). Regression quantiles. *Econometrica* 46(1), 33–50.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm

from volrep.errors import ConfigError, DataError

ArrayLike = npt.ArrayLike | pd.Series

#: Every point metric, in the order of the tables.
POINT_METRICS = ("rmse", "mae", "msle", "r2", "correlation", "qlike")
#: Metrics where lower is better; their relative value is Huang's relative forecasting power (eq. 9).
LOSSES = ("rmse", "mae", "msle", "qlike")
#: Metrics where higher is better; their relative value is Dhansoia's "improvement" (Table 4).
SCORES = ("r2", "correlation")
#: Metrics defined for positive quantities (variance levels) only: QLIKE needs y, ŷ > 0; MSLE's ln(1 + y)
#: needs y, ŷ > −1 and is meant for non-negative levels, not for logarithms.
POSITIVE_ONLY = ("msle", "qlike")

#: One basis point: Huang et al. feed and evaluate "the basis point of the RV", i.e. RV × 10⁴ (§3).
BP = 1e4


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
        Losses (RMSE, MAE, MSLE, QLIKE), scalars or arrays that broadcast together.

    Returns
    -------
    float or numpy.ndarray
        Positive when the model has the lower loss (beats the benchmark), negative when the benchmark wins,
        0 for the benchmark itself. A float for scalar inputs.

    Raises
    ------
    DataError
        When a loss is negative or NaN, or a benchmark loss is 0.

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
    return rv_daily * BP if isinstance(rv_daily, pd.Series) else np.asarray(rv_daily, dtype=np.float64) * BP


# --------------------------------------------------------------------------------------------------------------
# Risk metrics (Liu et al. 2023, §3.1)
# --------------------------------------------------------------------------------------------------------------

#: VaR and ES levels of Liu et al. (2023), Tables 2, 3 and 5.
RISK_ALPHAS = (0.01, 0.025)


def risk_metric_name(metric: str, alpha: float) -> str:
    """Key of a per-level risk metric, e.g. ``risk_metric_name("qloss", 0.025) == "qloss_2.5%"``."""
    return f"{metric}_{100 * alpha:g}%"


def _check_alpha(alpha: float) -> float:
    if not 0 < alpha < 1:
        raise ConfigError(f"the VaR/ES level alpha must lie in (0, 1), got {alpha}")
    return float(alpha)


def _require(ok: np.ndarray, values: np.ndarray, label: str, rule: str) -> None:
    """Raise a DataError naming the first value that breaks ``rule`` (where ``ok`` is False)."""
    if not ok.all():
        row = int(np.argmax(~ok))
        raise DataError(label, rule, row, f"{int((~ok).sum())} value(s) break it; the first is {values[row]!r}")


def _risk_pair(returns: ArrayLike, forecast: ArrayLike, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Returns and one forecast per return, checked by :func:`align`; misalignment is a DataError here.

    Returns and their forecasts come from data (a forecast store), so a length or label mismatch is reported
    as bad data, like a NaN, rather than as a setting.
    """
    try:
        pair = align(returns, forecast, label=label)
    except ConfigError as err:
        raise DataError(label, "returns and forecasts aligned one to one", None, str(err)) from err
    if pair.forecast.ndim != 1:
        raise DataError(label, "one forecast per return", None, f"forecast shape {pair.forecast.shape}")
    return pair.actual, pair.forecast


def _sigma_pair(returns: ArrayLike, sigma: ArrayLike, label: str) -> tuple[np.ndarray, np.ndarray]:
    y, s = _risk_pair(returns, sigma, label)
    _require(s > 0, s, label, "σ forecasts > 0")
    return y, s


def _sigma_values(sigma: ArrayLike, label: str) -> np.ndarray:
    """σ forecasts on their own (no returns to align with): 1-D, finite, > 0."""
    s = _as_float(sigma, label, "sigma")
    if s.ndim != 1:
        raise DataError(label, "1-D σ forecasts", None, f"shape {s.shape}")
    _require(np.isfinite(s) & (s > 0), s, label, "finite σ forecasts > 0")
    return s


def _mean_values(mean: float | npt.ArrayLike | pd.Series, n: int, label: str) -> np.ndarray:
    """The forecast means as an array of length ``n`` (a scalar is broadcast; an array must match by position)."""
    m = _as_float(mean, label, "mean")
    if m.ndim == 0:
        m = np.full(n, float(m))
    if m.shape != (n,):
        raise DataError(label, "one mean per forecast (or a scalar)", None, f"{m.size} mean(s) for {n} forecast(s)")
    _require(np.isfinite(m), m, label, "finite means")
    return m


def _var(s: np.ndarray, m: np.ndarray, alpha: float) -> np.ndarray:
    return m + s * norm.ppf(alpha)


def _es(s: np.ndarray, m: np.ndarray, alpha: float) -> np.ndarray:
    return m - s * norm.pdf(norm.ppf(alpha)) / alpha


def _violation_ratio(y: np.ndarray, q: np.ndarray, alpha: float) -> float:
    return float(np.mean(y < q) / alpha)


def _qloss(y: np.ndarray, q: np.ndarray, alpha: float) -> float:
    u = y - q
    return float(np.sum(u * (alpha - (u < 0))))


def _joint_loss(y: np.ndarray, q: np.ndarray, es: np.ndarray, alpha: float) -> float:
    hit = y <= q
    return float(np.mean(-np.log((alpha - 1) / es) - (y - q) * (alpha - hit) / (alpha * es)))


def _nll(y: np.ndarray, s: np.ndarray, m: np.ndarray) -> float:
    return float(-np.mean(norm.logpdf(y, loc=m, scale=s)))


def _risk_output(values: np.ndarray, like: object, name: str) -> np.ndarray | pd.Series:
    return pd.Series(values, index=like.index, name=name) if isinstance(like, pd.Series) else values


def gaussian_var(
    sigma: ArrayLike, alpha: float, mean: float | npt.ArrayLike = 0.0
) -> np.ndarray | pd.Series:
    r"""α-level Value at Risk of Gaussian return forecasts, the forecast quantile ``Q_t^α`` of Liu et al. (2023).

    Parameters
    ----------
    sigma
        Forecast standard deviations σ_t (> 0), 1-D; a Series keeps its index.
    alpha
        Level in (0, 1), e.g. 0.01 or 0.025 (:data:`RISK_ALPHAS`).
    mean
        Forecast means μ_t: a scalar, or one per forecast (default 0, the paper's ``y_t = σ_t ε_t``).

    Returns
    -------
    numpy.ndarray or pandas.Series
        ``Q_t^α``, in the units of ``sigma``: a return, negative for small α (module docstring, sign convention).

    Raises
    ------
    DataError
        A σ ≤ 0, a NaN or an infinite value, or means that do not match the forecasts.

    Notes
    -----
    .. math:: Q_t^\alpha = \mu_t + \sigma_t\,\Phi^{-1}(\alpha)

    with Φ the standard normal distribution function (Φ⁻¹(0.01) ≈ −2.326, Φ⁻¹(0.025) ≈ −1.960).
    """
    alpha = _check_alpha(alpha)
    s = _sigma_values(sigma, "gaussian_var")
    return _risk_output(_var(s, _mean_values(mean, s.size, "gaussian_var"), alpha), sigma, f"var_{100 * alpha:g}%")


def gaussian_es(
    sigma: ArrayLike, alpha: float, mean: float | npt.ArrayLike = 0.0
) -> np.ndarray | pd.Series:
    r"""α-level Expected Shortfall of Gaussian return forecasts, ``ES_t^α = E_{t−1}[y_t | y_t ≤ Q_t^α]``.

    Parameters and errors as for :func:`gaussian_var`.

    Returns
    -------
    numpy.ndarray or pandas.Series
        ``ES_t^α``, a return below ``Q_t^α`` (negative for small α and a mean near 0).

    Notes
    -----
    .. math:: \mathrm{ES}_t^\alpha = \mu_t - \sigma_t\,\frac{\varphi(\Phi^{-1}(\alpha))}{\alpha}

    with φ the standard normal density: ES ≈ μ − 2.665 σ at 1 % and μ − 2.338 σ at 2.5 %. This is the formula of
    the authors' public code (``lib/metrics.py`` of github.com/cqlc94/DeepVol).
    """
    alpha = _check_alpha(alpha)
    s = _sigma_values(sigma, "gaussian_es")
    return _risk_output(_es(s, _mean_values(mean, s.size, "gaussian_es"), alpha), sigma, f"es_{100 * alpha:g}%")


def violation_ratio(returns: ArrayLike, var: ArrayLike, alpha: float) -> float:
    r"""Violation ratio α̂/α of VaR forecasts, Liu et al. (2023) eq. (9a).

    Parameters
    ----------
    returns
        Realized returns y_t over the evaluation set.
    var
        VaR forecasts ``Q_t^α`` of the same returns (e.g. :func:`gaussian_var`), aligned as in :func:`align`.
    alpha
        The level of ``var``.

    Returns
    -------
    float
        The share of returns below their VaR, divided by α: 1 is perfect, above 1 means too many violations
        (risk under-estimated).

    Notes
    -----
    .. math:: \frac{\hat\alpha}{\alpha} = \frac{1}{T_{test}}\sum_{t \in D_{test}} \frac{1}{\alpha}\,I(y_t < Q_t^\alpha)
    """
    alpha = _check_alpha(alpha)
    y, q = _risk_pair(returns, var, "violation_ratio")
    return _violation_ratio(y, q, alpha)


def quantile_loss(returns: ArrayLike, var: ArrayLike, alpha: float) -> float:
    r"""Quantile (check) loss of VaR forecasts, summed over the evaluation set: Liu et al. (2023) eq. (7).

    Parameters
    ----------
    returns, var, alpha
        As for :func:`violation_ratio`.

    Returns
    -------
    float
        ``Qloss_α`` ≥ 0; lower is better. A **sum**, as eq. (7) is written and as the magnitudes of the paper's
        tables imply (Table 2: ~250 over ~3,600 training days, ~76 over ~900 test days, in percent returns), so
        it grows with the number of days: compare it across models on the same days only. (The authors' public
        code averages instead; divide by the number of days for that.)

    Notes
    -----
    .. math:: \mathrm{Qloss}_\alpha = \sum_{t \in D_{test}} \bigl(\alpha - I(y_t < Q_t^\alpha)\bigr)(y_t - Q_t^\alpha)

    Koenker & Bassett's (1978) check function; strictly consistent for the α-quantile.
    """
    alpha = _check_alpha(alpha)
    y, q = _risk_pair(returns, var, "quantile_loss")
    return _qloss(y, q, alpha)


def joint_loss(returns: ArrayLike, var: ArrayLike, es: ArrayLike, alpha: float) -> float:
    r"""Joint VaR–ES loss of Taylor (2019), the negative log-score of an asymmetric Laplace density: eq. (8).

    Parameters
    ----------
    returns, var, alpha
        As for :func:`violation_ratio`.
    es
        ES forecasts ``ES_t^α`` of the same returns (e.g. :func:`gaussian_es`); must be < 0.

    Returns
    -------
    float
        ``JointLoss_α``, the mean over the evaluation set; lower is better.

    Raises
    ------
    DataError
        Besides the checks of :func:`violation_ratio`: an ES ≥ 0 (the logarithm is undefined).

    Notes
    -----
    .. math:: \mathrm{JointLoss}_\alpha = \frac{1}{T_{test}} \sum_{t \in D_{test}} \Bigl(
              -\log\frac{\alpha - 1}{\mathrm{ES}_t^\alpha}
              - \frac{(y_t - Q_t^\alpha)\,(\alpha - I(y_t \le Q_t^\alpha))}{\alpha\,\mathrm{ES}_t^\alpha}\Bigr)

    exactly as eq. (8) of Liu et al. (2023) and Taylor (2019, eq. 6): for ES < 0, ``exp(−loss)`` is a density in
    ``y_t`` (it integrates to 1), and the expected loss is minimised by the true (VaR, ES) pair. The loss changes
    with the units of the returns by ``log`` of the scale factor.
    """
    alpha = _check_alpha(alpha)
    y, q = _risk_pair(returns, var, "joint_loss")
    _, e = _risk_pair(returns, es, "joint_loss")
    _require(e < 0, e, "joint_loss", "ES forecasts < 0")
    return _joint_loss(y, q, e, alpha)


def gaussian_nll(returns: ArrayLike, sigma: ArrayLike, mean: float | npt.ArrayLike = 0.0) -> float:
    r"""Mean Gaussian negative log-likelihood of returns under σ forecasts, Liu et al. (2023) eq. (6).

    Parameters
    ----------
    returns
        Realized returns y_t.
    sigma
        Forecast standard deviations σ_t > 0, aligned with ``returns`` (:func:`align`).
    mean
        Forecast means: a scalar or one per forecast (default 0).

    Returns
    -------
    float
        The NLL ("partial predictive score"); lower is better.

    Notes
    -----
    .. math:: \mathrm{NLL} = -\frac{1}{T_{test}} \sum_{t \in D_{test}} \log p(y_t \mid \sigma_t)
              = \frac{1}{T_{test}} \sum_t \Bigl(\tfrac12\log(2\pi) + \log\sigma_t
              + \frac{(y_t - \mu_t)^2}{2\sigma_t^2}\Bigr)

    The constant ½ log 2π is included, as in the authors' code; the value depends on the units (the paper's
    ≈ 2 is for percent returns: a σ of 2 % gives about 0.92 + 0.69 + 0.5 = 2.11).
    """
    y, s = _sigma_pair(returns, sigma, "gaussian_nll")
    return _nll(y, s, _mean_values(mean, y.size, "gaussian_nll"))


def risk_metrics(
    returns: ArrayLike,
    sigma: ArrayLike,
    *,
    mean: float | npt.ArrayLike = 0.0,
    alphas: Sequence[float] = RISK_ALPHAS,
) -> dict[str, float | int]:
    """The risk rows of Liu et al. (2023) Tables 2, 3 and 5 for one series of Gaussian σ forecasts.

    Parameters
    ----------
    returns, sigma, mean
        As for :func:`gaussian_nll`.
    alphas
        VaR/ES levels (default 1 % and 2.5 %).

    Returns
    -------
    dict
        For each α, in this order, :func:`violation_ratio`, :func:`quantile_loss` and :func:`joint_loss` of the
        Gaussian VaR and ES (keys from :func:`risk_metric_name`, e.g. ``"qloss_1%"``); then ``"nll"``
        (:func:`gaussian_nll`) and ``"n"`` (returns evaluated).
    """
    levels = [_check_alpha(a) for a in alphas]
    y, s = _sigma_pair(returns, sigma, "risk_metrics")
    m = _mean_values(mean, y.size, "risk_metrics")
    out: dict[str, float | int] = {}
    for alpha in levels:
        q, es = _var(s, m, alpha), _es(s, m, alpha)
        out[risk_metric_name("violation_ratio", alpha)] = _violation_ratio(y, q, alpha)
        out[risk_metric_name("qloss", alpha)] = _qloss(y, q, alpha)
        out[risk_metric_name("joint_loss", alpha)] = _joint_loss(y, q, es, alpha)
    out["nll"] = _nll(y, s, m)
    out["n"] = int(y.size)
    return out


def win_rate(loss_model: ArrayLike, loss_benchmark: ArrayLike, *, target: float | None = None) -> float:
    """Share of series on which a model beats a benchmark: the "Rate" columns of Liu et al. (2023), Tables 2–5.

    Parameters
    ----------
    loss_model, loss_benchmark
        One value per series (aligned as in :func:`align`), e.g. each series' quantile loss.
    target
        ``None``: lower is better (losses). A number: closer to it is better — ``1`` for the violation ratio.

    Returns
    -------
    float
        The share of series where the model is *strictly* better. Ties count as not beating the benchmark, so
        ``win_rate(a, b) + win_rate(b, a)`` is 1 minus the share of ties (ties happen for violation ratios, which
        count discrete violations).
    """
    a, b = _risk_pair(loss_model, loss_benchmark, "win_rate")
    if target is not None:
        a, b = np.abs(a - target), np.abs(b - target)
    return float(np.mean(a < b))


def risk_comparison(
    model: pd.DataFrame,
    benchmark: pd.DataFrame,
    *,
    model_name: str = "model",
    benchmark_name: str = "benchmark",
) -> pd.DataFrame:
    """A table like Liu et al. (2023) Tables 2, 3 and 5: metrics averaged over series, and the model's win rate.

    Parameters
    ----------
    model, benchmark
        One row per series (the same index labels in both) and one column per metric, e.g. rows of
        :func:`risk_metrics`. Columns named ``violation_ratio_*`` are compared by their distance to 1, the others
        as losses; a column ``n`` is left out.
    model_name, benchmark_name
        Column labels of the averages (e.g. ``"DeepVol"`` and ``"GARCH"``).

    Returns
    -------
    pandas.DataFrame
        One row per metric (the benchmark's column order): the benchmark's mean over series, the model's mean,
        and ``rate`` (:func:`win_rate` of the model against the benchmark).
    """
    if not isinstance(model, pd.DataFrame) or not isinstance(benchmark, pd.DataFrame):
        raise ConfigError("risk_comparison needs two DataFrames with one row per series")
    metrics = [c for c in benchmark.columns if c != "n"]
    missing = [c for c in metrics if c not in model.columns]
    if missing:
        raise ConfigError(f"risk_comparison: the model's table lacks {', '.join(map(str, missing))}")
    rows = {
        metric: {
            benchmark_name: float(benchmark[metric].mean()),
            model_name: float(model[metric].mean()),
            "rate": win_rate(model[metric], benchmark[metric],
                             target=1.0 if str(metric).startswith("violation_ratio") else None),
        }
        for metric in metrics
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("metric")
