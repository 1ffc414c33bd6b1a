"""GARCH(1, 1) for every series of a return panel, re-estimated every test day on an expanding window.

The benchmark of Liu et al. (2023, §3.2): a GARCH(1, 1) is fitted to each series on its training part (the
returns up to a date, or its first 80 %), then re-estimated every day of the test period on all returns so far
and used for a one-day-ahead variance forecast. For case study 1 that is ~100 series × ~900 days of fits.

Model
-----
``arch``'s GARCH(1, 1) (:data:`GARCH11`) with a constant mean and normal errors on percent returns
(``r_t = μ + ε_t``, ``σ²_t = ω + α ε²_{t−1} + β σ²_{t−1}``), estimated by Gaussian (quasi-) maximum likelihood;
the forecast at origin t is ``σ²_{t+1} = ω + α ε²_t + β σ²_t`` in decimal daily variance (units and scaling as
in :mod:`volrep.models.garch`). Two engines estimate it, with the same estimates to well under 1e-4:

``engine="fast"`` (default)
    ``arch``'s own objective — the normal log-likelihood with ``arch``'s backcast ``σ²_0``
    (:meth:`arch.univariate.GARCH.backcast` of the demeaned returns), its parameter bounds, its stationarity
    constraint ``α + β ≤ 1`` and, for a cold start, its starting values — minimised by SciPy's SLSQP (the
    optimiser ``arch`` uses) with the **analytic gradient**. The variance recursion and its derivatives are
    first-order linear filters, computed for all days at once with :func:`scipy.signal.lfilter` (see
    :func:`_nll_and_gradient`). ``arch`` differentiates numerically (finite differences of the likelihood and of
    the constraints), and that, not the likelihood itself, takes most of its time: with the analytic gradient a
    warm fit costs about a fifth of the CPU time (``benchmarks/bench_garch_panel.py``). The optimiser stops at
    :data:`FAST_FTOL` on the mean negative log-likelihood. A fit whose optimiser fails, or whose variance path
    leaves ``arch``'s variance bounds (there ``arch`` clips σ², so the objectives would differ), is redone by the
    ``"arch"`` engine (cold) and flagged in ``fit_engine``.
``engine="arch"``
    :func:`volrep.models.garch.garch_forecasts` in its ``"expanding"`` mode: ``arch`` itself, with the
    tolerance :data:`~volrep.models.garch.TOL` and warm starts (that module's docstring holds the details and
    its tests compare it with ``arch`` called directly).

Each series' test days are cut into runs of ``warm_chain`` consecutive refits ("chains"): the first fit of a
chain starts cold, each later one from the previous day's estimates. The chains of all series are spread over
``workers`` processes. The chain layout depends only on the data and ``warm_chain``, so the forecasts are the
same for any number of workers. A fit that does not converge (both engines failing) is flagged in
``fit_failed`` and counted in the report.

Missing values (the rule, counted in the report)
------------------------------------------------
A NaN in the panel is a day on which a series has no return. Each series is modelled on the days it has one:

- days before its first return (not yet listed, or not yet in the data) and after its last are outside the
  series (``n_leading_missing``, ``n_trailing_missing``);
- days without a return in between (``n_gaps``) are skipped: the GARCH recursion runs over the series'
  observed returns, the one after a gap being the next observation. No forecast is made at a gap, and every
  forecast names the date of the return it forecasts (``target``: the series' next observed date).

Splits
------
``train_end`` (a date, inclusive, common to all series; Liu et al. train "until end of August 2019") or
``train_frac`` (the first ``floor(train_frac × n)`` of each series' ``n`` observed returns; "the first 80 %
observations" for new stocks and portfolios). The first forecast origin is the last training day, so the first
forecast is for the first test day and uses a fit on the training part only; each later origin ``t`` refits on
all the series' returns up to ``t``. A series whose training part holds fewer than
:data:`~volrep.models.garch.MIN_WINDOW` returns, or that has no test day, gets no forecast; the reason is in the
report's ``skipped`` column.

References
----------
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §3.2, Tables 2–3.
Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity. *J. Econometrics* 31, 307-327.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from arch.univariate import GARCH
from arch.utility.exceptions import ConvergenceWarning
from scipy.optimize import minimize
from scipy.signal import lfilter

from volrep.data.clean import require_return_panel
from volrep.errors import ConfigError
from volrep.models.garch import MIN_WINDOW, SCALE, GarchSpec, garch_forecasts
from volrep.progress import counter

__all__ = ["FAST_FTOL", "GARCH11", "PARAMETERS", "PanelForecasts", "garch_panel_forecasts"]

Engine = Literal["fast", "arch"]

#: The benchmark of Liu et al. (2023): GARCH(1, 1), constant mean, normal errors.
GARCH11 = GarchSpec("garch", 1, 1)
#: SLSQP ``ftol`` of the fast engine, on the mean negative log-likelihood per return.
FAST_FTOL = 1e-11
#: ``arch``'s parameter names, in its order.
PARAMETERS = ("mu", "omega", "alpha[1]", "beta[1]")
#: ``arch``'s GARCH(1, 1) stationarity constraint ``1 − α − β ≥ 0``, with its gradient.
_STATIONARY = {"type": "ineq", "fun": lambda x: 1.0 - x[2] - x[3], "jac": lambda x: np.array([0.0, 0.0, -1.0, -1.0])}
_COLUMNS = ["target", "variance", "fit_origin", "fit_failed", *(f"param_{p}" for p in PARAMETERS), "fit_engine"]
_REPORT_COLUMNS = ["first", "last", "n_returns", "n_leading_missing", "n_gaps", "n_trailing_missing", "n_train",
                   "n_fits", "n_failed", "n_arch_fallback", "skipped"]


@dataclass(frozen=True)
class PanelForecasts:
    """What :func:`garch_panel_forecasts` produced.

    Attributes
    ----------
    forecasts
        Indexed by ``(series, origin)``: ``target`` (date of the forecast return), ``variance`` (its conditional
        variance, decimal daily units), ``fit_origin`` and ``fit_failed`` (whose estimates are in force; see
        :func:`~volrep.models.garch.garch_forecasts`), ``fit_engine`` (``"fast"`` or ``"arch"``), and
        ``param_mu``, ``param_omega``, ``param_alpha[1]``, ``param_beta[1]`` (percent-return scale).
    report
        One row per input series: ``first`` and ``last`` observed dates, ``n_returns``, the missing-value counts
        ``n_leading_missing``, ``n_gaps``, ``n_trailing_missing`` (module docstring), ``n_train``, ``n_fits``,
        ``n_failed`` (fits that did not converge), ``n_arch_fallback`` (fast fits redone by ``arch``),
        ``skipped`` (why a series got no forecast; empty otherwise).
    """

    forecasts: pd.DataFrame
    report: pd.DataFrame

    @property
    def n_fits(self) -> int:
        """Number of GARCH estimations made (one per forecast)."""
        return int(self.report["n_fits"].sum())


@dataclass(frozen=True)
class _Chain:
    """Consecutive refits of one series: its observed returns up to the last origin, the origins, their targets."""

    series: str
    returns: pd.Series
    origins: pd.DatetimeIndex
    targets: pd.DatetimeIndex


def _n_train(observed: pd.Series, train_end: pd.Timestamp | None, train_frac: float | None) -> int:
    if train_end is None:
        return int(np.floor(train_frac * len(observed)))
    return int(observed.index.searchsorted(train_end, side="right"))


def _describe(name: str, column: pd.Series, train_end: pd.Timestamp | None, train_frac: float | None,
              warm_chain: int) -> tuple[dict[str, object], list[_Chain]]:
    """The report row of one series and its chains of refits (none when it is skipped)."""
    has = column.notna().to_numpy()
    observed = column[has]
    n = len(observed)
    first, last = (int(np.argmax(has)), len(has) - 1 - int(np.argmax(has[::-1]))) if n else (len(has), len(has) - 1)
    n_train = _n_train(observed, train_end, train_frac)
    row: dict[str, object] = {
        "first": observed.index[0] if n else pd.NaT, "last": observed.index[-1] if n else pd.NaT,
        "n_returns": n, "n_leading_missing": first, "n_gaps": int(last - first + 1 - n) if n else 0,
        "n_trailing_missing": len(has) - 1 - last, "n_train": n_train, "n_fits": max(n - n_train, 0),
        "n_failed": 0, "n_arch_fallback": 0, "skipped": "",
    }
    if n_train < MIN_WINDOW:
        row.update(n_fits=0, skipped=f"{n_train} training returns (at least {MIN_WINDOW} needed)")
        return row, []
    if n_train >= n:
        row.update(n_fits=0, skipped="no test day")
        return row, []
    origins = np.arange(n_train - 1, n - 1)
    chains = [
        _Chain(name, observed.iloc[: int(rows[-1]) + 1], observed.index[rows], observed.index[rows + 1])
        for rows in (origins[i : i + warm_chain] for i in range(0, len(origins), warm_chain))
    ]
    return row, chains


def _arch_chain(chain: _Chain) -> pd.DataFrame:
    """``arch`` refits at the chain's origins, warm-started day to day (the first cold)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted from fit_failed instead
        out = garch_forecasts(chain.returns, GARCH11, origins=chain.origins, horizons=(1,), mode="expanding",
                              train_end=chain.origins[0], warm_chain=len(chain.origins))
    out = out.drop(columns="mean_h1").rename(columns={"point_h1": "variance"})
    return out.assign(fit_engine="arch")


def _variance_path(theta: np.ndarray, y: np.ndarray, backcast: float) -> tuple[np.ndarray, ...]:
    """Residuals, lagged squared residuals and conditional variances of a GARCH(1, 1), as ``arch`` computes them.

    ``σ²_t = ω + α ε²_{t−1} + β σ²_{t−1}`` with ``ε²_{−1} = σ²_{−1} = backcast``: a first-order linear filter of
    ``ω + α ε²_{t−1}``, run by :func:`scipy.signal.lfilter`.
    """
    mu, omega, alpha, beta = theta
    e = y - mu
    e2_lag = np.concatenate(([backcast], e[:-1] ** 2))
    s2 = lfilter([1.0], [1.0, -beta], omega + alpha * e2_lag, zi=[beta * backcast])[0]
    return e, e2_lag, s2


def _nll_and_gradient(theta: np.ndarray, y: np.ndarray, backcast: float) -> tuple[float, np.ndarray]:
    r"""Mean Gaussian negative log-likelihood of a GARCH(1, 1) and its analytic gradient in (μ, ω, α, β).

    Notes
    -----
    .. math:: \ell = \frac{1}{n}\sum_t \tfrac12\Bigl(\log 2\pi + \log\sigma^2_t
              + \frac{\varepsilon_t^2}{\sigma^2_t}\Bigr),
              \qquad \frac{\partial \ell}{\partial\theta} = \frac{1}{n}\sum_t \Bigl(
              \tfrac12\,\frac{\sigma^2_t - \varepsilon_t^2}{\sigma^4_t}\,\frac{\partial\sigma^2_t}{\partial\theta}
              - \frac{\varepsilon_t}{\sigma^2_t}\,\frac{\partial\varepsilon_t}{\partial\theta}\Bigr)

    The derivatives of ``σ²_t`` follow the same filter, ``d_t = x_t + β d_{t−1}`` with ``d_{−1} = 0`` and inputs
    ``x_t = −2α ε_{t−1}`` (μ; 0 at t = 0, the backcast being fixed), 1 (ω), ``ε²_{t−1}`` (α) and ``σ²_{t−1}``
    (β), so all four come from one :func:`~scipy.signal.lfilter` call. This is ``arch``'s objective exactly as
    long as its variance bounds do not bind (checked by :func:`_fast_fit`).
    """
    alpha, beta = theta[2], theta[3]
    e, e2_lag, s2 = _variance_path(theta, y, backcast)
    inputs = np.empty((4, y.size))
    inputs[0, 0] = 0.0
    inputs[0, 1:] = -2.0 * alpha * e[:-1]
    inputs[1] = 1.0
    inputs[2] = e2_lag
    inputs[3, 0] = backcast
    inputs[3, 1:] = s2[:-1]
    d_s2 = lfilter([1.0], [1.0, -beta], inputs, axis=1)
    inv = 1.0 / s2
    ratio = e * e * inv
    value = 0.5 * (np.log(2 * np.pi) + np.log(s2) + ratio).mean()
    gradient = d_s2 @ (0.5 * inv * (1.0 - ratio))
    gradient[0] -= (e * inv).sum()
    return float(value), gradient / y.size


def _fast_fit(y: np.ndarray, start: np.ndarray | None) -> tuple[np.ndarray, float] | None:
    """Estimates and the next day's variance (percent²) from percent returns ``y``; None when ``arch`` must redo it.

    Cold (``start`` None): ``arch``'s starting values (sample mean; its grid search for the variance part).
    """
    vol = GARCH(1, 0, 1)
    resids = y - y.mean()
    backcast = float(vol.backcast(resids))
    x0 = np.r_[y.mean(), vol.starting_values(resids)] if start is None else start
    res = minimize(_nll_and_gradient, x0, args=(y, backcast), jac=True, method="SLSQP",
                   bounds=[(-np.inf, np.inf), *vol.bounds(resids)], constraints=[_STATIONARY],
                   options={"ftol": FAST_FTOL, "maxiter": 200})
    if not res.success or not np.isfinite(res.x).all():
        return None
    e, _, s2 = _variance_path(res.x, y, backcast)
    bounds = vol.variance_bounds(resids)
    if ((s2 < bounds[:, 0]) | (s2 > bounds[:, 1])).any():
        return None
    _, omega, alpha, beta = res.x
    return res.x, float(omega + alpha * e[-1] ** 2 + beta * s2[-1])


def _fast_chain(chain: _Chain) -> pd.DataFrame:
    """Fast refits at the chain's origins, warm-started day to day (the first cold); ``arch`` redoes failures."""
    y = chain.returns.to_numpy(dtype=np.float64) * SCALE
    first = len(y) - len(chain.origins)
    names = [f"param_{p}" for p in PARAMETERS]
    out = pd.DataFrame({"variance": np.nan, "fit_origin": chain.origins, "fit_failed": False,
                        **dict.fromkeys(names, np.nan), "fit_engine": "fast"}, index=chain.origins.rename("origin"))
    start = None
    for k in range(len(chain.origins)):
        fit = _fast_fit(y[: first + k + 1], start)
        if fit is None:
            redo = _Chain(chain.series, chain.returns.iloc[: first + k + 1], chain.origins[k : k + 1],
                          chain.targets[k : k + 1])
            out.iloc[k : k + 1] = _arch_chain(redo)[out.columns]
            start = None if out["fit_failed"].iat[k] else out[names].iloc[k].to_numpy(dtype=np.float64)
            continue
        start, variance = fit
        out.iloc[k, out.columns.get_loc("variance")] = variance / SCALE**2
        out.iloc[k, [out.columns.get_loc(n) for n in names]] = start
    return out


def garch_panel_forecasts(
    returns: pd.DataFrame,
    *,
    train_end: pd.Timestamp | str | None = None,
    train_frac: float | None = None,
    engine: Engine = "fast",
    workers: int = 1,
    warm_chain: int = 100,
    progress: bool = False,
) -> PanelForecasts:
    """One-day-ahead GARCH(1, 1) variance forecasts for every series, re-estimated daily on an expanding window.

    Parameters
    ----------
    returns
        Daily decimal returns, one column per series, a strictly increasing DatetimeIndex; NaN where a series
        has no return (module docstring: how each kind of NaN is treated and counted).
    train_end
        Last training date (inclusive) of every series.
    train_frac
        Share of each series' observed returns used for the first fit. Give ``train_end`` or ``train_frac``;
        with neither, ``train_frac = 0.8`` (Liu et al.'s 80 %).
    engine
        ``"fast"`` (``arch``'s objective with an analytic gradient, ``arch`` as the fallback) or ``"arch"``
        (module docstring).
    workers
        Processes; the results do not depend on it.
    warm_chain
        Consecutive refits per chain (warm-started from one another; each chain starts cold).
    progress
        Show a progress bar over fits.

    Returns
    -------
    PanelForecasts
        The forecasts, long (one row per series and origin), and the per-series report.

    Raises
    ------
    DataError
        Not a DataFrame with a DatetimeIndex, dates not strictly increasing, repeated series, infinite values.
    ConfigError
        Both ``train_end`` and ``train_frac``, or settings out of range.

    Notes
    -----
    Liu et al. (2023) §3.2; the engines are described in the module docstring. A warning
    (:class:`arch.utility.exceptions.ConvergenceWarning`) gives the number of fits that did not converge, if any.
    """
    require_return_panel(returns, "returns")
    if train_end is not None and train_frac is not None:
        raise ConfigError("give either train_end or train_frac, not both")
    if train_end is None:
        train_frac = 0.8 if train_frac is None else train_frac
        if not 0 < train_frac < 1:
            raise ConfigError(f"train_frac must lie in (0, 1), got {train_frac}")
    if engine not in get_args(Engine):
        raise ConfigError(f"engine must be one of {get_args(Engine)}, got {engine!r}")
    if workers < 1 or warm_chain < 1:
        raise ConfigError(f"workers and warm_chain must be >= 1, got {workers} and {warm_chain}")
    end = None if train_end is None else pd.Timestamp(train_end)
    rows, chains = {}, []
    for name in returns.columns:
        rows[str(name)], series_chains = _describe(str(name), returns[name], end, train_frac, warm_chain)
        chains.extend(series_chains)
    report = pd.DataFrame.from_dict(rows, orient="index", columns=_REPORT_COLUMNS).rename_axis("series")
    parts = []
    with ExitStack() as stack:
        bar = stack.enter_context(counter(int(report["n_fits"].sum()), desc="GARCH(1, 1) panel", unit="fit",
                                          show=progress))
        parallel = workers > 1 and len(chains) > 1
        mapper = stack.enter_context(ProcessPoolExecutor(min(workers, len(chains)))).map if parallel else map
        for chain, part in zip(chains, mapper(_fast_chain if engine == "fast" else _arch_chain, chains)):
            parts.append(part.assign(series=chain.series, target=chain.targets))
            bar.update(len(part))
    return PanelForecasts(_assemble(parts), _count_failures(report, parts, engine))


def _assemble(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Long forecasts indexed by (series, origin), with the date of each forecast return."""
    if not parts:
        index = pd.MultiIndex.from_arrays([[], pd.DatetimeIndex([])], names=["series", "origin"])
        return pd.DataFrame(columns=_COLUMNS, index=index)
    return pd.concat(parts).reset_index().set_index(["series", "origin"])[_COLUMNS]


def _count_failures(report: pd.DataFrame, parts: list[pd.DataFrame], engine: Engine) -> pd.DataFrame:
    """The report with ``n_failed`` and ``n_arch_fallback`` filled in; warns once when a fit did not converge."""
    if parts:
        fits = pd.concat(parts)
        failed = fits["fit_failed"].astype(bool).groupby(fits["series"]).sum()
        report["n_failed"] = failed.reindex(report.index, fill_value=0).astype(int)
        if engine == "fast":
            fallback = (fits["fit_engine"] == "arch").groupby(fits["series"]).sum()
            report["n_arch_fallback"] = fallback.reindex(report.index, fill_value=0).astype(int)
    total = int(report["n_failed"].sum())
    if total:
        warnings.warn(f"GARCH(1, 1) panel: {total} of {int(report['n_fits'].sum())} fits did not converge (see the "
                      "fit_failed and fit_origin columns)", ConvergenceWarning, stacklevel=3)
    return report
