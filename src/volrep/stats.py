"""Forecast-comparison tests: Diebold–Mariano with the Harvey–Leybourne–Newbold correction, Hansen's SPA test and
the model confidence set.

``arch`` has no Diebold–Mariano test, so it is written here (:func:`diebold_mariano` on errors,
:func:`diebold_mariano_losses` on any per-date losses, :func:`dm_matrix` for Huang et al.'s one-sided pairwise
table). The SPA test and the model confidence set are :class:`arch.bootstrap.SPA` and :class:`arch.bootstrap.MCS`,
wrapped by :func:`spa_test` and :func:`model_confidence_set` so that every use states its bootstrap, block length,
replications and seed. :func:`adjust_pvalues` corrects a family of p-values (Holm, Benjamini–Hochberg).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from volrep.errors import ConfigError, DataError
from volrep.evaluate.alignment import check_aligned

Loss = Literal["se", "ae", "qlike"]
Alternative = Literal["two-sided", "less", "greater"]


@dataclass(frozen=True)
class DMResult:
    """Diebold–Mariano test of equal predictive accuracy.

    ``statistic`` is the HLN-corrected statistic of ``d_t = L(e1_t) − L(e2_t)``: negative when the first
    forecast has the smaller loss. ``pvalue`` is from Student's t with ``n − 1`` degrees of freedom.
    """

    statistic: float
    pvalue: float
    mean_loss_diff: float
    n: int
    horizon: int
    alternative: str


def _losses(errors: np.ndarray, loss: Loss) -> np.ndarray:
    if loss == "se":
        return errors**2
    if loss == "ae":
        return np.abs(errors)
    if loss == "qlike":
        raise ConfigError("QLIKE needs the actual and the forecast, not the error: use losses() and "
                          "diebold_mariano_losses()")
    raise ConfigError(f"loss must be 'se', 'ae' or 'qlike', got {loss!r}")


def losses(actual: np.ndarray | pd.Series, forecast: np.ndarray | pd.Series, loss: Loss = "se") -> np.ndarray:
    """Per-date losses of a forecast: squared error, absolute error or QLIKE.

    Parameters
    ----------
    actual, forecast
        The realized target and the forecast on the same dates (for ``"qlike"``: variances, both > 0).
    loss
        ``"se"``: ``(y − f)²``; ``"ae"``: ``|y − f|``; ``"qlike"``: ``y/f − ln(y/f) − 1`` (Patton 2011; 0 for a
        perfect forecast, the same normalisation as :func:`volrep.evaluate.qlike`).

    Raises
    ------
    DataError
        Misaligned actual and forecast (:func:`volrep.evaluate.check_aligned`); for QLIKE, an actual or a
        forecast ≤ 0 (QLIKE is defined for variances only).
    ConfigError
        When actual and forecast differ in shape beyond their length (e.g. 1-D and 2-D).
    """
    forecast = check_aligned(actual, forecast, label="losses")
    y, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    if y.shape != f.shape:
        raise ConfigError(f"actual and forecast must have the same shape, got {y.shape} and {f.shape}")
    if loss == "qlike":
        bad = ~((y > 0) & (f > 0))
        if bad.any():
            raise DataError("forecasts for QLIKE", "actual and forecast > 0 (variances)", int(np.argmax(bad)))
        ratio = y / f
        return ratio - np.log(ratio) - 1.0
    return _losses(y - f, loss)


def _paired(first: np.ndarray | pd.Series, second: np.ndarray | pd.Series, label: str,
            names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """The two inputs of a Diebold–Mariano test: aligned (:func:`volrep.evaluate.check_aligned`), 1-d, finite."""
    second = check_aligned(first, second, label=label, names=names)
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.ndim != 1 or b.ndim != 1:
        raise ConfigError(f"{names[0]} and {names[1]} must be 1-d arrays, got shapes {a.shape} and {b.shape}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise DataError(label, "finite values", int(np.argmax(~(np.isfinite(a) & np.isfinite(b)))))
    return a, b


def diebold_mariano(
    errors_1: np.ndarray | pd.Series,
    errors_2: np.ndarray | pd.Series,
    *,
    horizon: int = 1,
    loss: Loss = "se",
    alternative: Alternative = "two-sided",
) -> DMResult:
    """Diebold & Mariano (1995) test with the small-sample correction of Harvey, Leybourne & Newbold (1997).

    Parameters
    ----------
    errors_1, errors_2
        Forecast errors (actual − forecast) of the two models on the same dates.
    horizon
        Forecast horizon h: the loss differential of h-step forecasts is MA(h − 1), so its long-run variance uses
        the autocovariances up to lag h − 1 (rectangular kernel).
    loss
        ``"se"`` (squared error) or ``"ae"`` (absolute error).
    alternative
        ``"two-sided"``; ``"less"``: model 1 is more accurate (its loss is smaller); ``"greater"``: model 2 is.

    Raises
    ------
    DataError
        Misaligned errors (:func:`volrep.evaluate.check_aligned`: different lengths, or Series with different
        index labels; Series with the same labels in another order are matched by label) or a non-finite error.
    ConfigError
        Errors that are not 1-D, or an unknown ``loss`` or ``alternative``.

    Notes
    -----
    With ``d_t = L(e_{1,t}) − L(e_{2,t})``, ``d̄`` its mean over n dates and ``γ_k`` its autocovariances,

    .. math::

        DM = \\frac{\\bar d}{\\sqrt{(\\gamma_0 + 2\\sum_{k=1}^{h-1}\\gamma_k)/n}}, \\qquad
        DM^* = DM \\sqrt{\\frac{n + 1 - 2h + h(h-1)/n}{n}} \\sim t_{n-1}.

    If the estimated long-run variance is not positive (possible for h > 1), the lag-0 variance is used instead
    (Diebold & Mariano's own suggestion).

    References
    ----------
    Diebold, F. X. & Mariano, R. S. (1995). Comparing predictive accuracy. *JBES* 13(3), 253-263.
    Harvey, D., Leybourne, S. & Newbold, P. (1997). Testing the equality of prediction mean squared errors.
    *International Journal of Forecasting* 13(2), 281-291.
    """
    e1, e2 = _paired(errors_1, errors_2, "forecast errors", ("errors_1", "errors_2"))
    return diebold_mariano_losses(_losses(e1, loss), _losses(e2, loss), horizon=horizon, alternative=alternative)


def diebold_mariano_losses(
    loss_1: np.ndarray | pd.Series,
    loss_2: np.ndarray | pd.Series,
    *,
    horizon: int = 1,
    alternative: Alternative = "two-sided",
) -> DMResult:
    """The Diebold–Mariano test (HLN-corrected) on two series of per-date losses (any loss: QLIKE, NLL …).

    Same statistic, variance and p-value as :func:`diebold_mariano` (which calls this with squared or absolute
    errors), on ``d_t = loss_1_t − loss_2_t``; ``alternative="less"``: model 1 has the smaller expected loss.
    Misaligned losses are a :class:`~volrep.errors.DataError` (:func:`volrep.evaluate.check_aligned`).
    """
    l1, l2 = _paired(loss_1, loss_2, "forecast losses", ("loss_1", "loss_2"))
    n = l1.size
    if horizon < 1 or n < max(10, 2 * horizon):
        raise ConfigError(f"need horizon ≥ 1 and at least max(10, 2h) dates, got h={horizon}, n={n}")
    d = l1 - l2
    dc = d - d.mean()
    gammas = [dc @ dc / n] + [dc[k:] @ dc[:-k] / n for k in range(1, horizon)]
    lrv = gammas[0] + 2 * sum(gammas[1:])
    if lrv <= 0:
        lrv = gammas[0]
    if lrv == 0:
        raise DataError("forecast errors", "losses that differ between the two models", None, "identical losses")
    dm = d.mean() / np.sqrt(lrv / n)
    stat = dm * np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    if alternative == "two-sided":
        p = 2 * sps.t.sf(abs(stat), df=n - 1)
    elif alternative == "less":
        p = sps.t.cdf(stat, df=n - 1)
    elif alternative == "greater":
        p = sps.t.sf(stat, df=n - 1)
    else:
        raise ConfigError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    return DMResult(float(stat), float(p), float(d.mean()), n, horizon, alternative)


def dm_matrix(forecasts: pd.DataFrame, actual: pd.Series, *, horizon: int = 1, loss: Loss = "se") -> pd.DataFrame:
    """Huang et al.'s pairwise Diebold–Mariano table: one-sided p-values ``p[i, j]``, NaN on the diagonal.

    Parameters
    ----------
    forecasts
        One column per model, indexed by forecast origin (the same dates as ``actual``).
    actual
        The realized target.
    horizon, loss
        As for :func:`diebold_mariano_losses` (``"se"``, ``"ae"`` or ``"qlike"``).

    Returns
    -------
    pandas.DataFrame
        Rows ``i`` and columns ``j`` = the models. ``p[i, j]`` is the p-value of the HLN-corrected DM test of
        Huang, Sangiorgi & Urquhart (2024, Table 8) whose null is "model i underperforms model j": the test rejects
        (small p) when model i's loss is significantly *smaller* than model j's (``alternative="less"`` on
        ``d_t = L_i − L_j``). Since the t distribution is symmetric, ``p[i, j] + p[j, i] = 1``: the paper's table
        has this property (e.g. 0.8261 and 0.1739), which is how its convention was identified.

    Raises
    ------
    ConfigError
        When ``forecasts`` is not a DataFrame.
    DataError
        When ``forecasts`` and ``actual`` are misaligned (:func:`volrep.evaluate.check_aligned`).
    """
    if not isinstance(forecasts, pd.DataFrame):
        raise ConfigError("dm_matrix: forecasts must be a DataFrame, one column per model")
    forecasts = check_aligned(actual, forecasts, label="dm_matrix")
    lossdf = {m: losses(actual.to_numpy(), forecasts[m].to_numpy(), loss) for m in forecasts.columns}
    names = list(forecasts.columns)
    out = pd.DataFrame(np.nan, index=pd.Index(names, name="i"), columns=pd.Index(names, name="j"))
    for i in names:
        for j in names:
            if i != j:
                out.loc[i, j] = diebold_mariano_losses(lossdf[i], lossdf[j], horizon=horizon, alternative="less").pvalue
    return out


def block_length(n: int, horizon: int = 1) -> int:
    """Mean block length of the stationary bootstrap used by :func:`spa_test` and :func:`model_confidence_set`.

    ``max(h, round(n^(1/3)))``: the cube-root rate of the optimal block length for a weakly dependent series
    (Politis & White 2004) and at least the horizon, because the loss differentials of h-step forecasts are
    MA(h − 1) even under the null.
    """
    if n < 1 or horizon < 1:
        raise ConfigError(f"block_length: need n ≥ 1 and horizon ≥ 1, got {n}, {horizon}")
    return int(max(horizon, round(n ** (1 / 3))))


@dataclass(frozen=True)
class SPAResult:
    """Hansen's (2005) test for superior predictive ability: is any model better than the benchmark?

    ``pvalue`` is Hansen's consistent p-value (``lower`` and ``upper`` bound it); small values reject the null
    "no model beats the benchmark". ``bootstrap``, ``block_size``, ``reps`` and ``seed`` say how it was computed.
    """

    pvalue: float
    lower: float
    upper: float
    n: int
    models: int
    bootstrap: str
    block_size: int
    reps: int
    seed: int


def spa_test(benchmark_loss: np.ndarray | pd.Series, model_losses: np.ndarray | pd.DataFrame | pd.Series, *,
             block_size: int | None = None, horizon: int = 1, reps: int = 1000, seed: int = 0,
             bootstrap: str = "stationary") -> SPAResult:
    """Hansen's SPA test of a benchmark against one or more models (:class:`arch.bootstrap.SPA`).

    Parameters
    ----------
    benchmark_loss
        Per-date losses of the benchmark (Huang et al.: HAR).
    model_losses
        Per-date losses of the competing models (one column per model).
    block_size
        Mean block length of the stationary bootstrap; default :func:`block_length` ``(n, horizon)``.
    reps, seed, bootstrap
        Bootstrap replications, the seed of its generator and the scheme (``"stationary"``, ``"circular"`` or
        ``"moving block"``).

    Notes
    -----
    With ``d_{k,t} = L_{0,t} − L_{k,t}`` (positive when model k beats the benchmark), the null is
    :math:`\\max_k E[d_k] \\le 0`. Hansen (2005) studentizes, :math:`\\max_k \\sqrt{n}\\,\\bar d_k / \\hat\\omega_k`;
    ``arch`` (8.0), which computes it here, compares the plain :math:`\\max_k \\bar d_k` with its bootstrap
    maxima, whatever its ``studentize`` option (the option leaves the p-values unchanged,
    ``tests/test_significance.py`` checks it), and uses :math:`\\hat\\omega_k` only for the recentring that
    ignores poor models ("consistent" p-value). In a joint test the models with the noisiest gains therefore weigh
    most.

    References
    ----------
    Hansen, P. R. (2005). A test for superior predictive ability. *JBES* 23(4), 365-380.
    """
    from arch.bootstrap import SPA

    model_losses = check_aligned(benchmark_loss, model_losses, label="spa_test", names=("benchmark", "model"))
    bench = np.asarray(benchmark_loss, dtype=float)
    models = np.asarray(model_losses, dtype=float)
    models = models[:, None] if models.ndim == 1 else models
    if bench.ndim != 1 or models.ndim != 2:
        raise ConfigError(f"spa_test: need 1-d benchmark losses and 1-d or 2-d model losses, got {bench.shape} "
                          f"and {models.shape}")
    if not (np.isfinite(bench).all() and np.isfinite(models).all()):
        raise DataError("SPA losses", "finite values", None)
    block = block_size or block_length(bench.size, horizon)
    spa = SPA(bench, models, block_size=block, reps=reps, bootstrap=bootstrap, seed=np.random.default_rng(seed))
    spa.compute()
    p = spa.pvalues
    return SPAResult(float(p["consistent"]), float(p["lower"]), float(p["upper"]), int(bench.size),
                     int(models.shape[1]), bootstrap, int(block), int(reps), int(seed))


@dataclass(frozen=True)
class MCSResult:
    """The model confidence set of Hansen, Lunde & Nason (2011) at level ``size``.

    ``pvalues``: the MCS p-value of every model (a model is in the set at level α when its p-value ≥ α);
    ``included``: the models of the set at ``size``.
    """

    pvalues: pd.Series
    included: tuple[str, ...]
    size: float
    method: str
    bootstrap: str
    block_size: int
    reps: int
    seed: int

    def contains(self, alpha: float) -> pd.Series:
        """Membership at another level ``alpha`` (from the same p-values)."""
        return self.pvalues >= alpha


def model_confidence_set(loss_table: pd.DataFrame, *, size: float = 0.10, block_size: int | None = None,
                         horizon: int = 1, reps: int = 1000, seed: int = 0, method: str = "R",
                         bootstrap: str = "stationary") -> MCSResult:
    """The model confidence set (:class:`arch.bootstrap.MCS`) of the models in ``loss_table``.

    Parameters
    ----------
    loss_table
        Per-date losses, one column per model (the column names name the models).
    size
        The level α: the set contains the best model with probability ≥ 1 − α (10 % and 25 % in the book).
    block_size, horizon, reps, seed, bootstrap
        As for :func:`spa_test`.
    method
        ``"R"`` (range statistic, Hansen et al.'s T_R) or ``"max"`` (T_max).

    Notes
    -----
    Starting from all models, the procedure tests equal predictive ability of the models still in the set and,
    while it rejects, removes the worst; a model's MCS p-value is the largest p-value of the tests up to its
    removal (Hansen, Lunde & Nason 2011, Econometrica 79(2), 453-497).
    """
    from arch.bootstrap import MCS

    if not isinstance(loss_table, pd.DataFrame) or loss_table.shape[1] < 2:
        raise ConfigError("model_confidence_set: a DataFrame with one column per model (at least two) is needed")
    values = loss_table.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise DataError("MCS losses", "finite values", None)
    block = block_size or block_length(len(loss_table), horizon)
    # plain object labels: arch indexes the column labels positionally, which an Arrow-backed string index refuses
    table = pd.DataFrame(values, index=loss_table.index, columns=pd.Index([str(c) for c in loss_table.columns], dtype=object))
    # identical loss columns (two specifications that give the same forecasts) tie in every comparison, which arch's
    # elimination step cannot break: test one of each and give its twins the same p-value
    twin = table.T.duplicated(keep="first")
    unique = table.loc[:, ~twin.to_numpy()]
    if unique.shape[1] < 2:
        raise DataError("MCS losses", "at least two models with different losses", None)
    first_of = {c: next(u for u in unique.columns if np.array_equal(table[u].to_numpy(), table[c].to_numpy()))
                for c in table.columns}
    mcs = MCS(unique, size=size, reps=reps, block_size=block, method=method, bootstrap=bootstrap,
              seed=np.random.default_rng(seed))
    mcs.compute()
    unique_p = mcs.pvalues["Pvalue"].astype(float)
    pvalues = pd.Series([unique_p[first_of[c]] for c in table.columns], index=table.columns, dtype=float)
    pvalues.name = "mcs_pvalue"
    return MCSResult(pvalues, tuple(m for m in table.columns if pvalues[m] >= size), float(size), method,
                     bootstrap, int(block), int(reps), int(seed))


def adjust_pvalues(pvalues: np.ndarray | pd.Series, method: Literal["holm", "bh"] = "holm") -> np.ndarray | pd.Series:
    """Multiple-testing correction of a family of p-values (e.g. one DM test per stock).

    ``"holm"``: Holm's step-down (controls the family-wise error rate); ``"bh"``: Benjamini–Hochberg (controls the
    false discovery rate). Returns adjusted p-values in the input's order (a Series keeps its index).
    """
    from statsmodels.stats.multitest import multipletests

    methods = {"holm": "holm", "bh": "fdr_bh"}
    if method not in methods:
        raise ConfigError(f"adjust_pvalues: method must be 'holm' or 'bh', got {method!r}")
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1 or not np.isfinite(p).all() or ((p < 0) | (p > 1)).any():
        raise DataError("p-values", "finite values in [0, 1]", None)
    adjusted = multipletests(p, method=methods[method])[1] if p.size else p
    return pd.Series(adjusted, index=pvalues.index, name=pvalues.name) if isinstance(pvalues, pd.Series) else adjusted
