"""Risk metrics of Gaussian σ forecasts (Liu et al. 2023, §3.1): VaR, ES, their losses, the NLL and win rates.

:func:`gaussian_var` and :func:`gaussian_es` turn σ forecasts into α-level VaR and ES; :func:`violation_ratio`,
:func:`quantile_loss`, :func:`joint_loss` and :func:`gaussian_nll` score them against realized returns;
:func:`risk_metrics` gives the rows of Liu et al.'s Tables 2, 3 and 5 for one series, :func:`win_rate` and
:func:`risk_comparison` their "Rate" columns over many series. The sign convention (VaR and ES are returns,
negative for small α) and the units are described in :mod:`volrep.evaluate`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm

from volrep.errors import ConfigError, DataError
from volrep.evaluate.alignment import ArrayLike, _as_float, align

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
    """Returns and one forecast per return, checked by :func:`align` (misalignment is a DataError)."""
    pair = align(returns, forecast, label=label)
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
