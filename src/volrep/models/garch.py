"""GARCH-family forecasts of daily variance from daily log returns (the benchmarks of Huang et al. 2024, Table 5).

Huang et al. (2024, §4.2 and §5.1) fit GARCH, TGARCH and GJR-GARCH models of orders (1, 1), (2, 1), (2, 2),
(3, 1) and (3, 2) to daily bitcoin log returns and compare their 1- to 60-day-ahead forecasts with daily realized
variance. Estimation and forecasting are done by the ``arch`` package; this module fixes the specification, the
units and the re-estimation scheme, and makes daily re-estimation fast. It stays one module past 500 lines
because it is one algorithm: the specification, the warm-started fit and the chains of refits share private
state (tasks, outcomes, starting values) that no other module needs.

Models
------
With a constant mean, ``r_t = μ + ε_t``, ``ε_t = σ_t z_t`` and i.i.d. standard normal ``z_t`` (the paper does
not state its innovation distribution; normal is the textbook default and the quasi-likelihood is consistent
under other ones):

``"garch"`` (Bollerslev 1986)
    ``σ²_t = ω + Σ_{i≤p} α_i ε²_{t−i} + Σ_{j≤q} β_j σ²_{t−j}``;
``"gjr"`` (Glosten, Jagannathan & Runkle 1993)
    ``σ²_t = ω + Σ_{i≤p} (α_i + γ_i 1[ε_{t−i} < 0]) ε²_{t−i} + Σ_{j≤q} β_j σ²_{t−j}``;
``"tgarch"`` (Zakoian 1994, threshold GARCH on the standard deviation)
    ``σ_t = ω + Σ_{i≤p} (α_i + γ_i 1[ε_{t−i} < 0]) |ε_{t−i}| + Σ_{j≤q} β_j σ_{t−j}``.

In ``arch`` these are ``vol="GARCH"`` with ``(p, o, q, power)`` = ``(p, 0, q, 2)``, ``(p, p, q, 2)`` and
``(p, p, q, 1)``.

Order conventions (an assumption: the paper writes only "(p, q)")
    ``p`` is the order of the lagged shocks (ARCH terms) and ``q`` the order of the lagged variances (GARCH
    terms), as in ``arch.arch_model(p=..., q=...)``, the Python package a Python/Keras study most likely used.
    Bollerslev's (1986) own notation is the other way round (GARCH(p, q) with p lagged variances); under it the
    paper's GARCH(3, 1) would be our GARCH(1, 3). The asymmetric order is ``o = p``: the textbook GJR-GARCH(p, q)
    and TGARCH(p, q) give every lagged shock its own asymmetry coefficient. Table 5 is consistent with this
    reading: the (3, 1) and (3, 2) rows are identical, i.e. the extra lagged-variance term adds nothing.

Units of the GARCH forecasts
----------------------------
Inputs are decimal daily log returns. They are multiplied by 100 before estimation (the optimiser of ``arch``
is tuned for percent returns) and variance forecasts are divided by 100² on the way out: every forecast is a
decimal daily variance, the units of a daily realized variance built from decimal log returns
(:mod:`volrep.rv`). The forecast is the conditional variance of ``r_{t+h}``; the squared mean ``μ²`` is left out
(realized variance estimates the quadratic variation, which holds no drift, and ``μ²`` is ~0.3 % of the
variance of daily bitcoin returns). Parameters (``param_*`` columns, :func:`fit_garch`) stay on the
percent-return scale on which ``arch`` estimates them.

Forecasts
---------
At origin t (data up to and including day t) and for each horizon h, two columns (the two readings of
"h-day-ahead volatility" of :mod:`volrep.targets`): ``point_h<h>`` = ``E_t[σ²_{t+h}]`` and ``mean_h<h>`` =
``(1/h) Σ_{k≤h} E_t[σ²_{t+k}]``. Horizons count rows of the return series (calendar days for bitcoin). GARCH
and GJR-GARCH multi-step forecasts are analytic. For TGARCH (power 1) ``arch`` has no analytic multi-step
variance forecast, so horizons > 1 are simulated (``arch`` ``method="simulation"``) with ``simulations`` paths of
common random numbers (the same seeded standard normal shocks at every origin): the forecasts are deterministic,
independent of ``workers`` and smooth from one origin to the next; the one-step forecast is exact.

Re-estimation (``mode``)
------------------------
``"fixed"``
    estimate once on the ``window`` returns ending at ``train_end`` (default: all of them), then run the
    variance filter through the test period with those parameters (one vectorised ``arch`` forecast call:
    ``fit(last_obs=...)`` then ``forecast(start=...)``; ``last_obs`` is exclusive, Python-slice style).
``"rolling"``
    re-estimate at every ``refit_every``-th origin on the ``window`` returns ending at that origin (default
    window: the training length, all returns up to ``train_end``); the origins in between use the latest
    estimates, filtering the returns observed since.
``"expanding"``
    as rolling, on all returns from the start of the series to the refit origin.

Speed: estimates are warm-started from the previous refit's (``arch`` ``fit(starting_values=...)``, and the
starting-value grid search that ``arch`` would run and then discard is skipped), and runs of ``warm_chain``
consecutive refits ("chains", each starting cold) are spread over ``workers`` processes. The chain layout does
not depend on ``workers``, so neither do the results. The optimiser's tolerance is tightened to ``TOL``
(``arch``'s SLSQP ``ftol``, on the summed negative log-likelihood): at ``arch``'s default a warm start stops
early, up to ~1e-3 relative away from the cold estimate; at ``TOL`` warm and cold estimates agree to ~1e-5.

A refit that does not converge (``arch``'s ``convergence_flag`` ≠ 0, or non-finite estimates) is recorded and
replaced by the chain's latest converged estimates (columns ``fit_origin``, ``fit_failed``; a
:class:`arch.utility.exceptions.ConvergenceWarning` gives the count). A warm start outside the new window's
parameter bounds falls back to ``arch``'s own starting values.

No look-ahead: each estimation uses returns up to its refit origin only and the forecast at t filters returns
up to t only. (``arch`` clips variances to loose safety bounds, ``var(ε)/1e8`` and ``1e7 (1 + max ε²)``, computed
over the rows of a forecast call; they are orders of magnitude away from any fitted variance and never bind.)

References
----------
Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity. *J. Econometrics* 31, 307-327.
Glosten, L., Jagannathan, R. & Runkle, D. (1993). On the relation between the expected value and the volatility
of the nominal excess return on stocks. *J. Finance* 48, 1779-1801.
Zakoian, J.-M. (1994). Threshold heteroskedastic models. *J. Econ. Dynamics and Control* 18, 931-955.
Huang, Z.-C., Sangiorgi, I. & Urquhart, A. (2024). Forecasting Bitcoin volatility using hybrid GARCH models
with machine learning. §4.2, §5.1, Table 5.
Sheppard, K. et al. ``arch``: ARCH models in Python, https://bashtage.github.io/arch/.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import repeat
from typing import Literal, get_args

import numpy as np
import pandas as pd
from arch.univariate import GARCH, ConstantMean, Normal
from arch.univariate.base import ARCHModelResult
from arch.utility.exceptions import ConvergenceWarning, StartingValueWarning

from volrep.errors import ConfigError, DataError
from volrep.progress import counter
from volrep.targets import HORIZONS

__all__ = [
    "HUANG_GRID",
    "HUANG_ORDERS",
    "MIN_WINDOW",
    "SCALE",
    "TOL",
    "GarchSpec",
    "fit_garch",
    "garch_forecasts",
]

Family = Literal["garch", "tgarch", "gjr"]
Mode = Literal["fixed", "rolling", "expanding"]

#: Returns are multiplied by this before estimation; variances are divided by its square on the way out.
SCALE = 100.0
#: SLSQP tolerance (``arch`` ``fit(tol=...)``) on the summed negative log-likelihood of percent returns.
TOL = 1e-8
#: Fewest returns an estimation window may hold.
MIN_WINDOW = 100
#: Huang et al. (2024) Table 5 orders (p, q), in the paper's row order.
HUANG_ORDERS = ((1, 1), (2, 1), (2, 2), (3, 1), (3, 2))

_LABELS: dict[str, str] = {"garch": "GARCH", "tgarch": "TGARCH", "gjr": "GJR-GARCH"}
#: Memory budget (bytes) of one simulated TGARCH forecast call; larger blocks of origins are split.
_SIM_BYTES = 2**28
#: Arrays of shape (origins, simulations, horizon) ``arch`` holds at once in a simulated forecast.
_SIM_ARRAYS = 5


@dataclass(frozen=True)
class GarchSpec:
    """One GARCH-family specification.

    Attributes
    ----------
    family
        ``"garch"`` (Bollerslev 1986), ``"gjr"`` (GJR-GARCH, Glosten et al. 1993) or ``"tgarch"`` (Zakoian 1994).
    p
        Order of the lagged shocks (ARCH terms, ``arch``'s ``p``); the asymmetric order ``o`` equals ``p``.
    q
        Order of the lagged variances (GARCH terms, ``arch``'s ``q``).

    Notes
    -----
    See the module docstring for the equations and for why (p, q) is read this way.
    """

    family: Family
    p: int
    q: int

    def __post_init__(self) -> None:
        if self.family not in get_args(Family):
            raise ConfigError(f"GARCH family must be one of {get_args(Family)}, got {self.family!r}")
        if self.p < 1 or self.q < 0:
            raise ConfigError(f"GARCH orders need p >= 1 and q >= 0, got p={self.p}, q={self.q}")

    @property
    def o(self) -> int:
        """Asymmetric order: ``p`` for GJR-GARCH and TGARCH, 0 for GARCH."""
        return 0 if self.family == "garch" else self.p

    @property
    def power(self) -> float:
        """Power of the variance process: 1 (standard deviation) for TGARCH, 2 otherwise."""
        return 1.0 if self.family == "tgarch" else 2.0

    @property
    def label(self) -> str:
        """The paper's name, e.g. ``"GJR-GARCH(3, 2)"``."""
        return f"{_LABELS[self.family]}({self.p}, {self.q})"


#: The 15 specifications of Huang et al. (2024) Table 5, in the paper's row order.
HUANG_GRID: tuple[GarchSpec, ...] = tuple(
    GarchSpec(f, p, q) for f in ("garch", "tgarch", "gjr") for p, q in HUANG_ORDERS
)


class _WarmStartGARCH(GARCH):
    """``arch``'s GARCH process whose starting values, when given, are used instead of its grid search.

    ``arch`` computes the grid-searched volatility starting values on every fit, even when the caller passes
    ``starting_values`` (it then discards them); returning the warm start here only removes that work.
    """

    def __init__(self, p: int, o: int, q: int, power: float, starting: np.ndarray | None) -> None:
        super().__init__(p=p, o=o, q=q, power=power)
        self._starting = starting

    def starting_values(self, resids: np.ndarray) -> np.ndarray:
        return super().starting_values(resids) if self._starting is None else self._starting


def _model(spec: GarchSpec, y: np.ndarray | pd.Series, starting: np.ndarray | None = None) -> ConstantMean:
    """Constant mean, the spec's variance process and normal errors on percent returns ``y``.

    ``starting`` are all the model's parameters (mean first); its variance part replaces ``arch``'s grid search.
    """
    vol = _WarmStartGARCH(spec.p, spec.o, spec.q, spec.power, None if starting is None else starting[1:])
    return ConstantMean(y, volatility=vol, distribution=Normal(), rescale=False)


def _fit(spec: GarchSpec, y: np.ndarray | pd.Series, stop: int, starting: np.ndarray | None) -> ARCHModelResult:
    """Estimate on the first ``stop`` rows of ``y``; the model holds all of ``y`` so it can filter the rest.

    Convergence is read from the result (``convergence_flag``), not from ``arch``'s warning. A warm start outside
    the window's parameter bounds or constraints is dropped for ``arch``'s own starting values.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", StartingValueWarning)
        try:
            return _model(spec, y, starting).fit(disp="off", last_obs=stop, starting_values=starting, tol=TOL)
        except StartingValueWarning:
            return _model(spec, y).fit(disp="off", last_obs=stop, tol=TOL)


def _converged(res: ARCHModelResult) -> bool:
    """Whether the optimiser reported success and the estimates are finite."""
    return res.convergence_flag == 0 and bool(np.isfinite(res.params.to_numpy()).all())


def _check_returns(returns: pd.Series) -> None:
    """Validate the return series (errors name it by ``returns.name``)."""
    name = str(returns.name) if isinstance(returns, pd.Series) and returns.name is not None else "returns"
    if not isinstance(returns, pd.Series) or not isinstance(returns.index, pd.DatetimeIndex):
        raise DataError(name, "a pandas Series of returns with a DatetimeIndex")
    order = np.diff(returns.index.asi8)
    if (order <= 0).any():
        raise DataError(name, "dates strictly increasing", int(np.argmax(order <= 0)) + 1,
                        f"at {returns.index[int(np.argmax(order <= 0)) + 1]}")
    bad = ~np.isfinite(returns.to_numpy(dtype=float))
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(name, "finite returns", row, f"{returns.iloc[row]!r} on {returns.index[row].date()}")


def _positions(returns: pd.Series, dates: pd.DatetimeIndex, what: str) -> np.ndarray:
    """Row positions of ``dates`` in the return series."""
    pos = returns.index.get_indexer(dates)
    if (pos < 0).any():
        raise ConfigError(f"{what} {dates[int(np.argmax(pos < 0))]} is not a date of the return series")
    return pos


def fit_garch(
    returns: pd.Series,
    spec: GarchSpec,
    last_obs: pd.Timestamp | str | None = None,
    starting_values: np.ndarray | None = None,
) -> ARCHModelResult:
    """Estimate a GARCH-family model by (Gaussian quasi-) maximum likelihood with ``arch``.

    Parameters
    ----------
    returns
        Daily decimal log returns with a DatetimeIndex (scaled by 100 inside).
    spec
        The model (:class:`GarchSpec`).
    last_obs
        Last date of the estimation sample, **inclusive** (default: the whole series). Later rows are held by the
        model, so ``result.forecast(start=...)`` filters through them with the estimated parameters.
    starting_values
        Warm start (all parameters, percent-return scale, in ``arch``'s order).

    Returns
    -------
    arch.univariate.base.ARCHModelResult
        On the percent-return scale: ``params`` (``mu`` in %, ``omega`` in %² for GARCH/GJR or % for TGARCH),
        ``loglikelihood``, ``convergence_flag``; its variance forecasts are in %² (divide by 1e4 for decimal).
    """
    _check_returns(returns)
    stop = len(returns)
    if last_obs is not None:
        stop = int(_positions(returns, pd.DatetimeIndex([last_obs]), "last_obs")[0]) + 1
    if stop < MIN_WINDOW:
        raise ConfigError(f"the estimation sample holds {stop} returns; at least {MIN_WINDOW} are needed")
    start = None if starting_values is None else np.asarray(starting_values, dtype=float)
    return _fit(spec, returns * SCALE, stop, start)


@dataclass(frozen=True)
class _Task:
    """One estimation: rows ``[start, stop)`` of the returns, forecasting at origin rows ``rows`` (≥ stop − 1)."""

    start: int
    stop: int
    rows: np.ndarray


@dataclass(frozen=True)
class _Outcome:
    """What one task produced: the parameters in force, where they come from, and the variance paths."""

    params: np.ndarray
    fit_row: int
    failed: bool
    variance: np.ndarray


def _forecast_kwargs(spec: GarchSpec, horizon: int, shocks: np.ndarray) -> dict[str, object]:
    if spec.power == 2.0 or horizon == 1:
        return {"horizon": horizon, "method": "analytic", "reindex": False}
    return {"horizon": horizon, "method": "simulation", "simulations": shocks.shape[0],
            "rng": lambda size: shocks, "reindex": False}


def _variance_paths(y: np.ndarray, spec: GarchSpec, task: _Task, res: ARCHModelResult, params: np.ndarray,
                    horizon: int, shocks: np.ndarray) -> np.ndarray:
    """Variance forecasts (percent², rows × horizon) at the task's origins with ``params``.

    ``res`` holds returns ``task.start`` … ``task.rows[-1]``. Analytic forecasts come from one call over the
    block (``arch`` forecasts every row from ``start`` to the end of its data). Simulated (TGARCH) forecasts cost
    far more per row, so they are made only at the origins: one call per run of consecutive origins, split into
    pieces that fit in memory, each piece re-using ``params`` through ``arch``'s ``fix`` on the data up to its
    last origin.
    """
    kwargs = _forecast_kwargs(spec, horizon, shocks)
    if kwargs["method"] == "analytic":
        first = int(task.rows[0])
        return res.forecast(params, start=first - task.start, **kwargs).variance.to_numpy()[task.rows - first]
    piece = max(1, _SIM_BYTES // (_SIM_ARRAYS * 8 * shocks.shape[0] * horizon))
    parts = []
    for run in np.split(task.rows, np.flatnonzero(np.diff(task.rows) > 1) + 1):
        for rows in np.array_split(run, -(-len(run) // piece)):
            last = int(rows[-1])
            fixed = res if last == task.rows[-1] else _model(spec, y[task.start : last + 1]).fix(
                params, last_obs=task.stop - task.start)
            parts.append(fixed.forecast(params, start=int(rows[0]) - task.start, **kwargs).variance.to_numpy())
    return np.concatenate(parts)


def _run_chain(y: np.ndarray, spec: GarchSpec, tasks: Sequence[_Task], horizon: int,
               shocks: np.ndarray) -> list[_Outcome]:
    """Estimate and forecast a chain of tasks in order, each warm-started from the last converged estimates.

    The first task starts cold. A fit that fails falls back to the chain's last converged estimates (if any).
    """
    previous: tuple[np.ndarray, int] | None = None
    out = []
    for task in tasks:
        res = _fit(spec, y[task.start : task.rows[-1] + 1], task.stop - task.start,
                   None if previous is None else previous[0])
        ok = _converged(res)
        if ok or previous is None:
            params, fit_row = res.params.to_numpy(), task.stop - 1
        else:
            params, fit_row = previous
        if ok:
            previous = (params, fit_row)
        variance = _variance_paths(y, spec, task, res, params, horizon, shocks)
        out.append(_Outcome(params, fit_row, not ok, variance))
    return out


def _tasks(n_train: int, origin_rows: np.ndarray, mode: Mode, window: int, refit_every: int) -> list[_Task]:
    """The estimation schedule: one task per refit origin with the origins it serves."""
    if mode == "fixed":
        return [_Task(n_train - window, n_train, origin_rows)]
    blocks = [origin_rows[i : i + refit_every] for i in range(0, len(origin_rows), refit_every)]
    return [_Task(0 if mode == "expanding" else int(b[0]) + 1 - window, int(b[0]) + 1, b) for b in blocks]


def _check_settings(mode: str, origin_rows: np.ndarray, n_train: int, window: int | None, refit_every: int,
                    workers: int, warm_chain: int, horizons: Sequence[int], simulations: int) -> int:
    """Validate the settings; returns the estimation window length (rows; the first window when expanding)."""
    if mode not in get_args(Mode):
        raise ConfigError(f"mode must be one of {get_args(Mode)}, got {mode!r}")
    if len(origin_rows) == 0 or (np.diff(origin_rows) <= 0).any():
        raise ConfigError("origins must be non-empty, sorted and unique")
    if not horizons or min(horizons) < 1:
        raise ConfigError(f"horizons must be positive integers, got {tuple(horizons)}")
    if min(refit_every, workers, warm_chain, simulations) < 1:
        raise ConfigError("refit_every, workers, warm_chain and simulations must be >= 1")
    if mode == "fixed" and refit_every != 1:
        raise ConfigError("refit_every applies to the rolling and expanding modes only")
    if mode == "expanding" and window is not None:
        raise ConfigError("the expanding mode uses every return up to the origin: leave window unset")
    if mode == "fixed" and origin_rows[0] < n_train - 1:
        raise ConfigError("in the fixed mode every origin must be at or after train_end (estimates saw later data)")
    size = int(origin_rows[0]) + 1 if mode == "expanding" else n_train if window is None else window
    available = n_train if mode == "fixed" else int(origin_rows[0]) + 1
    if size > available:
        raise ConfigError(f"a window of {size} returns does not fit before the first origin ({available} returns)")
    if size < MIN_WINDOW:
        raise ConfigError(f"the first estimation window holds {size} returns; at least {MIN_WINDOW} are needed")
    return size


def garch_forecasts(
    returns: pd.Series,
    spec: GarchSpec,
    *,
    origins: pd.DatetimeIndex,
    horizons: Sequence[int] = HORIZONS,
    mode: Mode = "fixed",
    train_end: pd.Timestamp | str,
    window: int | None = None,
    refit_every: int = 1,
    workers: int = 1,
    progress: bool = False,
    warm_chain: int = 100,
    simulations: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Out-of-sample GARCH-family variance forecasts at each origin, in decimal daily variance.

    Parameters
    ----------
    returns
        Daily decimal log returns with a DatetimeIndex, strictly increasing, finite.
    spec
        The model (:class:`GarchSpec`; :data:`HUANG_GRID` holds the paper's 15).
    origins
        Forecast origins t (dates of ``returns``): the forecast at t uses returns up to and including t.
    horizons
        Horizons h in rows (days).
    mode
        ``"fixed"``, ``"rolling"`` or ``"expanding"`` re-estimation (module docstring).
    train_end
        Last date of the training split: the end of the fixed-mode estimation sample, and the default rolling
        window length (all returns up to it).
    window
        Estimation window length in returns (fixed and rolling modes; default: the training length).
    refit_every
        Re-estimate at every ``refit_every``-th origin (rolling and expanding modes).
    workers
        Processes over which chains of refits are spread; results do not depend on it.
    progress
        Show a progress bar over refits.
    warm_chain
        Consecutive refits warm-started from one another; each chain starts cold.
    simulations, seed
        Simulated paths and seed of the common random numbers of TGARCH multi-step forecasts.

    Returns
    -------
    pandas.DataFrame
        Indexed by origin: ``point_h<h>`` (variance forecast for day t+h) and ``mean_h<h>`` (mean of the variance
        forecasts for days t+1 … t+h) for each h; ``fit_origin`` (the refit origin whose estimates are in force),
        ``fit_failed`` (the latest refit at or before t did not converge: its chain's previous estimates are used,
        or the unconverged ones at a chain's start), and ``param_<name>`` (estimates in force, percent scale).

    Raises
    ------
    DataError
        Returns not finite or not strictly increasing in time.
    ConfigError
        Origins or ``train_end`` not dates of ``returns``, or inconsistent settings.

    Notes
    -----
    Huang et al. (2024) §4.2 and Table 5; the equations, units and look-ahead guarantees are in the module
    docstring.
    """
    _check_returns(returns)
    origins = pd.DatetimeIndex(origins)
    origin_rows = _positions(returns, origins, "origin")
    n_train = int(_positions(returns, pd.DatetimeIndex([train_end]), "train_end")[0]) + 1
    size = _check_settings(mode, origin_rows, n_train, window, refit_every, workers, warm_chain, horizons,
                           simulations)
    horizon = max(horizons)
    y = returns.to_numpy(dtype=float) * SCALE
    shocks = np.random.default_rng(seed).standard_normal((simulations, horizon))
    tasks = _tasks(n_train, origin_rows, mode, size, refit_every)
    chains = [tasks[i : i + warm_chain] for i in range(0, len(tasks), warm_chain)]
    outcomes: list[_Outcome] = []
    with ExitStack() as stack:
        bar = stack.enter_context(counter(len(tasks), desc=spec.label, unit="fit", show=progress))
        parallel = workers > 1 and len(chains) > 1
        mapper = stack.enter_context(ProcessPoolExecutor(min(workers, len(chains)))).map if parallel else map
        for chain_out in mapper(_run_chain, repeat(y), repeat(spec), chains, repeat(horizon), repeat(shocks)):
            outcomes.extend(chain_out)
            bar.update(len(chain_out))
    return _assemble(returns, origins, spec, tasks, outcomes, horizons)


def _assemble(returns: pd.Series, origins: pd.DatetimeIndex, spec: GarchSpec, tasks: list[_Task],
              outcomes: list[_Outcome], horizons: Sequence[int]) -> pd.DataFrame:
    """One row per origin: decimal point/mean forecasts, fit bookkeeping and the parameters in force."""
    counts = [len(t.rows) for t in tasks]
    variance = np.concatenate([o.variance for o in outcomes]) / SCALE**2
    running_mean = np.cumsum(variance, axis=1) / np.arange(1, variance.shape[1] + 1)
    h = np.asarray(horizons) - 1
    columns = {f"point_h{k + 1}": variance[:, k] for k in h} | {f"mean_h{k + 1}": running_mean[:, k] for k in h}
    columns["fit_origin"] = returns.index[np.repeat([o.fit_row for o in outcomes], counts)]
    failed = np.repeat([o.failed for o in outcomes], counts)
    columns["fit_failed"] = failed
    model = _model(spec, None)
    names = model.parameter_names() + model.volatility.parameter_names()
    params = np.repeat(np.stack([o.params for o in outcomes]), counts, axis=0)
    columns |= {f"param_{name}": params[:, i] for i, name in enumerate(names)}
    n_failed = sum(o.failed for o in outcomes)
    if n_failed:
        warnings.warn(f"{spec.label}: {n_failed} of {len(outcomes)} fits did not converge; the previous converged "
                      f"estimates were used (see the fit_failed and fit_origin columns)", ConvergenceWarning,
                      stacklevel=3)
    return pd.DataFrame(columns, index=origins.rename("origin"))
