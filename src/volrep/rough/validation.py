"""The Monte Carlo validation study: bias and RMSE of the Hurst estimators on simulated series of known ``H``.

:func:`validation_table` simulates fBm, RFSV log-volatility or the paper's rolling-standard-deviation pipeline
(:mod:`volrep.sim`, :mod:`volrep.rough.rolling_vol`) and runs every estimator's batch function on all paths of a
cell at once (no standard errors), feeding each estimator the levels or, where it is designed for them, the
increments.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from volrep.errors import ConfigError
from volrep.progress import steps
from volrep.rough.core import _Method
from volrep.rough.estimators import _dfa_method, _gjr_method, _rs_method, _variogram_method
from volrep.rough.rolling_vol import rolling_std_log_vol
from volrep.rough.wavelet import _wavelet_method
from volrep.sim import fbm, rfsv_log_vol


#: Factories ``(n, **settings) -> _Method`` behind the public estimators, by method name.
_METHOD_FACTORIES: dict[str, Callable[..., _Method]] = {
    "rs": _rs_method,
    "dfa": _dfa_method,
    "variogram": _variogram_method,
    "wavelet": _wavelet_method,
    "gjr": _gjr_method,
}


def _simulate_levels(
    kind: str,
    n: int,
    hurst: float,
    n_paths: int,
    rng: np.random.Generator,
    *,
    nu: float,
    alpha: float,
    mean_vol_annual: float,
    window: int,
    periods_per_year: int,
) -> np.ndarray:
    """``n_paths`` level series of length ``n`` (rows) for :func:`validation_table`."""
    if kind == "fbm":
        return fbm(n - 1, hurst, rng, horizon=n - 1, size=n_paths)
    if kind == "rfsv":
        return rfsv_log_vol(n - 1, 1.0, hurst, nu, alpha, math.log(mean_vol_annual), rng, size=n_paths)
    days = n + window - 1
    log_vol = rfsv_log_vol(days - 1, 1.0, hurst, nu, alpha, math.log(mean_vol_annual), rng, size=n_paths)
    returns = np.exp(log_vol) / math.sqrt(periods_per_year) * rng.standard_normal(log_vol.shape)
    return rolling_std_log_vol(pd.DataFrame(returns.T), window, periods_per_year).to_numpy().T


def validation_table(
    estimators: Sequence[str] | Mapping[str, Mapping[str, Any]] = ("rs", "dfa", "variogram", "wavelet", "gjr"),
    hursts: Sequence[float] = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7),
    lengths: Sequence[int] = (1500, 5000),
    n_paths: int = 20,
    kind: Literal["fbm", "rfsv", "rolling_std"] = "fbm",
    input: Literal["levels", "increments"] = "levels",  # noqa: A002 - shadows the builtin, by design
    seed: int = 0,
    *,
    nu: float = 0.3,
    alpha: float = 5e-4,
    mean_vol_annual: float = 0.15,
    window: int = 22,
    periods_per_year: int = 252,
    progress: bool = False,
) -> pd.DataFrame:
    """Bias and RMSE of the estimators on simulated series of known ``H``.

    Parameters
    ----------
    estimators
        Method names (``"rs"``, ``"dfa"``, ``"variogram"``, ``"wavelet"``, ``"gjr"``) with default settings,
        or a mapping name → keyword arguments of that estimator (e.g. ``paper_settings(n)`` entries, without
        the standard-error arguments).
    hursts
        True Hurst exponents.
    lengths
        Series lengths (number of log-volatility values handed to the estimators).
    n_paths
        Independent paths per (``H``, length) cell; the same paths go to every estimator.
    kind
        ``"fbm"``: fractional Brownian motion (unit-variance increments), the idealised log-volatility.
        ``"rfsv"``: RFSV log-volatility sampled daily (:func:`volrep.sim.rfsv_log_vol`, ``dt`` = 1 day).
        ``"rolling_std"``: the paper's pipeline on an RFSV path: daily returns ``r_t = σ_t ε_t / √ppy`` with
        i.i.d. standard normal ``ε_t``, then :func:`rolling_std_log_vol` (``window``, ``periods_per_year``);
        the true ``H`` is that of ``log σ``.
    input
        ``"levels"``: every estimator gets the level series (the paper's usage). ``"increments"``: the
        estimators designed for increments (:data:`EXPECTED_INPUT`: R/S, DFA, and the wavelet with
        ``kind="fgn"``) get its first differences, the others the levels.
    seed
        Seed; each (``H``, length) cell has its own child stream, so a cell does not depend on the others.
    nu, alpha, mean_vol_annual
        RFSV parameters (GJR 2018 defaults; ``mean_vol_annual`` = ``exp`` of the mean log-volatility).
    window, periods_per_year
        Rolling-window construction of ``kind="rolling_std"``.
    progress
        Show a progress bar over the cells.

    Returns
    -------
    pandas.DataFrame
        One row per (method, ``H``, length): ``method, kind, input, H, length, n_paths, mean, sd, bias,
        rmse`` (``mean``/``sd`` of the estimates over paths, ``bias = mean − H``, ``rmse`` around ``H``).

    Notes
    -----
    Estimation is vectorised over paths (no standard errors are computed). R/S and DFA fed levels report what
    they measure there (≈ 1 and ``H + 1``), not ``H``: that is the point of ``input="levels"``.
    """
    if kind not in ("fbm", "rfsv", "rolling_std"):
        raise ConfigError(f"kind must be 'fbm', 'rfsv' or 'rolling_std', got {kind!r}")
    if input not in ("levels", "increments"):
        raise ConfigError(f"input must be 'levels' or 'increments', got {input!r}")
    if int(n_paths) != n_paths or n_paths < 1:
        raise ConfigError(f"n_paths must be a positive integer, got {n_paths!r}")
    settings = dict(estimators) if isinstance(estimators, Mapping) else {name: {} for name in estimators}
    unknown = set(settings) - set(_METHOD_FACTORIES)
    if unknown:
        raise ConfigError(f"unknown estimator(s) {sorted(unknown)}; choose from {list(_METHOD_FACTORIES)}")
    cells = [(h, n) for h in hursts for n in lengths]
    streams = np.random.SeedSequence(seed).spawn(len(cells))
    rows = []
    for (hurst, n), stream in steps(
        list(zip(cells, streams, strict=True)), desc=f"validation ({kind})", show=progress
    ):
        paths = _simulate_levels(
            kind,
            int(n),
            hurst,
            int(n_paths),
            np.random.default_rng(stream),
            nu=nu,
            alpha=alpha,
            mean_vol_annual=mean_vol_annual,
            window=window,
            periods_per_year=periods_per_year,
        )
        for name, kwargs in settings.items():
            method, series = _METHOD_FACTORIES[name](int(n), **kwargs), paths
            if input == "increments" and method.expects == "increments":
                series = np.diff(paths, axis=-1)
                method = _METHOD_FACTORIES[name](series.shape[-1], **kwargs)
            with np.errstate(divide="ignore", invalid="ignore"):
                est = method.batch(series).hurst
            rows.append(
                {
                    "method": name,
                    "kind": kind,
                    "input": input,
                    "H": hurst,
                    "length": int(n),
                    "n_paths": int(n_paths),
                    "mean": est.mean(),
                    "sd": est.std(ddof=1) if n_paths > 1 else math.nan,
                    "bias": est.mean() - hurst,
                    "rmse": math.sqrt(np.mean((est - hurst) ** 2)),
                }
            )
    return pd.DataFrame(rows)
