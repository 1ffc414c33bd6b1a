"""Forecast evaluation: point metrics and relative forecasting power.

The package is split by job; every public name is re-exported here, so ``volrep.evaluate.<name>`` is the
address to use:

* :mod:`volrep.evaluate.alignment`: :func:`align`, which matches actual and forecast values pair by pair for
  every metric, and :func:`check_aligned`, the one misalignment check (also used by :mod:`volrep.stats`);
* :mod:`volrep.evaluate.point`: point metrics of variance forecasts (RMSE, MAE, MSLE, R², correlation,
  QLIKE), relative forecasting power and gain, metric tables, Huang et al.'s units;
* :mod:`volrep.evaluate.risk`: risk metrics of σ forecasts (Gaussian VaR and ES, violation ratio, quantile
  loss, joint VaR-ES loss, Gaussian NLL) and win rates over many series.

Point metrics
-------------
RMSE, MAE and MSLE as Huang, Sangiorgi & Urquhart (2024, §4.3, eq. 6–8); R² and Pearson correlation as
Dhansoia (2025, §3.6); QLIKE as Patton (2011); the relative forecasting power of Huang et al. (eq. 9).
Every metric takes an ``actual`` and a ``forecast`` (array-likes, or pandas Series matched by index label) and
checks them with :func:`align`: misaligned inputs are a :class:`~volrep.errors.DataError`; NaN pairs are an
error unless the caller excludes them explicitly
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

from volrep.evaluate.alignment import Aligned, align, check_aligned
from volrep.evaluate.point import (
    LOSSES,
    POINT_METRICS,
    POSITIVE_ONLY,
    SCORES,
    correlation,
    mae,
    metrics_table,
    msle,
    point_metrics,
    qlike,
    r2,
    relative_gain,
    relative_power,
    rmse,
    to_huang_units,
)
from volrep.evaluate.risk import (
    RISK_ALPHAS,
    gaussian_es,
    gaussian_nll,
    gaussian_var,
    joint_loss,
    quantile_loss,
    risk_comparison,
    risk_metric_name,
    risk_metrics,
    violation_ratio,
    win_rate,
)

# Also importable from here, as before the split, though not in __all__: the type alias of the signatures.
from volrep.evaluate.alignment import ArrayLike as ArrayLike

__all__ = [
    "LOSSES",
    "POINT_METRICS",
    "POSITIVE_ONLY",
    "RISK_ALPHAS",
    "SCORES",
    "Aligned",
    "align",
    "check_aligned",
    "correlation",
    "gaussian_es",
    "gaussian_nll",
    "gaussian_var",
    "joint_loss",
    "mae",
    "metrics_table",
    "msle",
    "point_metrics",
    "qlike",
    "quantile_loss",
    "r2",
    "relative_gain",
    "relative_power",
    "risk_comparison",
    "risk_metric_name",
    "risk_metrics",
    "rmse",
    "to_huang_units",
    "violation_ratio",
    "win_rate",
]
