"""Forecast-comparison tests: Diebold–Mariano with the Harvey–Leybourne–Newbold correction.

The SPA test and the model confidence set come from :mod:`arch.bootstrap` (``SPA``, ``MCS``) and are used
directly by the significance chapter; ``arch`` has no Diebold–Mariano test, so it is written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from volrep.errors import ConfigError, DataError

Loss = Literal["se", "ae"]
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
    raise ConfigError(f"loss must be 'se' or 'ae', got {loss!r}")


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
    e1, e2 = np.asarray(errors_1, dtype=float), np.asarray(errors_2, dtype=float)
    if e1.shape != e2.shape or e1.ndim != 1:
        raise ConfigError(f"errors must be two 1-d arrays of equal length, got {e1.shape} and {e2.shape}")
    if not (np.isfinite(e1).all() and np.isfinite(e2).all()):
        raise DataError("forecast errors", "finite values", int(np.argmax(~(np.isfinite(e1) & np.isfinite(e2)))))
    n = e1.size
    if horizon < 1 or n < max(10, 2 * horizon):
        raise ConfigError(f"need horizon ≥ 1 and at least max(10, 2h) dates, got h={horizon}, n={n}")
    d = _losses(e1, loss) - _losses(e2, loss)
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
