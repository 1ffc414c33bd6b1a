"""Hurst-exponent estimators for (log-)volatility series, and the simulation study that calibrates them.

Five estimators, as in Dhansoia (2025, §3.1 and Table 1) plus the moment-scaling method of Gatheral, Jaisson &
Rosenbaum (2018); each fits a scaling law by OLS on a log-log plot and is designed for one kind of input:

* :func:`rescaled_range` (``"rs"``): ``E[R(n)/S(n)] ∝ n^H`` — increments (fGn);
* :func:`dfa` (``"dfa"``): ``F(n) ∝ n^α``, ``α = H`` — increments (fGn);
* :func:`variogram` (``"variogram"``): ``E|X_{t+τ} − X_t|^q ∝ τ^{qH}`` — levels (fBm);
* :func:`wavelet_slope` (``"wavelet"``): ``Var(d_j) ∝ 2^{j(2H+1)}`` — levels (fBm); or ``∝ 2^{j(2H−1)}``
  with ``kind="fgn"`` — increments;
* :func:`gjr_moment_scaling` (``"gjr"``): ``m(q, Δ) ∝ Δ^{ζ_q}``, ``ζ_q = qH`` — levels (fBm).

"Levels" is a series like log-volatility itself, modelled as fractional Brownian motion (fBm, or the RFSV
fractional Ornstein-Uhlenbeck process at lags well below its mean-reversion time); "increments" is a
stationary series such as its first differences (fractional Gaussian noise, fGn). R/S and DFA are designed
for increments: applied to a level series they measure ``H + 1`` (DFA) or saturate near 1 (R/S), not ``H``.
**The paper applies every method to the level series of log realized volatility** (its code,
``hurst_estimation_fixed.py``, passes ``log_rv`` to all four). The estimators here never difference or
integrate their input behind the caller's back: what is fed to them is a visible choice, made by the caller
(:func:`validation_table` has ``input="levels"`` for the paper's usage and ``input="increments"`` for the
textbook one).

Every estimator returns a :class:`HurstEstimate` with a standard error: by default a moving-block bootstrap
(Künsch 1989), vectorised over the replicates, that resamples either the series itself (stationary input)
or its first differences and re-integrates them (level input), so that the scaling being measured survives
the resampling; with ``n_boot=0`` the OLS standard error of the log-log slope instead, which ignores the
strong dependence between the points of a log-log plot. On simulated fBm/fGn (``H`` = 0.1 and 0.5, 1,500
and 5,000 values, 30 paths, B = 100) the bootstrap standard error was 0.65-1.5 times the Monte Carlo
standard deviation of the estimates (default blocks; lowest for R/S and DFA at ``H = 0.5``), while the OLS
one was 3-30 times too small for the variogram and GJR. ``details["boot_mean"]`` (the mean of the
replicates) shows whether the resampling kept the scaling: far from ``hurst``, it did not.

The package is split by job; every public name is re-exported here, so ``volrep.rough.<name>`` is the address
to use:

* :mod:`volrep.rough.core`: the result type :class:`HurstEstimate`, input checks, the vectorised log-log
  OLS, the scale grids and :func:`paper_settings`;
* :mod:`volrep.rough.bootstrap`: the moving-block bootstrap behind every standard error;
* :mod:`volrep.rough.estimators`: R/S, DFA, the variogram and the GJR moment scaling;
* :mod:`volrep.rough.wavelet`: the wavelet-variance slope and the Hurst exponent it implies;
* :mod:`volrep.rough.rolling_vol`: the paper's log "realized volatility" (a rolling standard deviation);
* :mod:`volrep.rough.validation`: the Monte Carlo study of the estimators on series of known ``H``.

Settings of the paper's code (to reproduce Table 1 as published; see :func:`paper_settings`)
--------------------------------------------------------------------------------------------
* R/S: 20 log-spaced window sizes from 10 to ``n // 4``; non-overlapping blocks; sample standard deviation
  (``ddof=1``), as here.
* DFA: order 1, 25 log-spaced scales from 10 to ``n // 4``.
* Variogram: ``q = 2``, lags ``1 … min(100, n // 4) − 1``.
* Wavelet: ``db4``, ``level=7``, pywt's default ``"symmetric"`` boundary mode, ``np.var`` of every detail
  array, regressed on the *list position* ``1 … 7`` of ``pywt.wavedec``'s output. That output runs from the
  coarsest detail to the finest, so the paper's index grows towards **finer** scales while its formula
  ``Var(d_j) ∝ 2^{(2H+1)j}`` needs ``j`` growing towards coarser ones: the published slopes (−2.073, −2.089)
  are minus the slopes in the convention used here. See :func:`hurst_from_wavelet_slope`.

References
----------
Hurst, H. E. (1951). Long-term storage capacity of reservoirs. *Trans. Am. Soc. Civ. Eng.* 116, 770-799.
Mandelbrot, B. B. & Wallis, J. R. (1969). Robustness of the rescaled range R/S in the measurement of
noncyclic long run statistical dependence. *Water Resour. Res.* 5(5), 967-988.
Anis, A. A. & Lloyd, E. H. (1976). The expected value of the adjusted rescaled Hurst range of independent
normal summands. *Biometrika* 63(1), 111-116.
Peng, C.-K. et al. (1994). Mosaic organization of DNA nucleotides. *Phys. Rev. E* 49(2), 1685-1689.
Abry, P. & Veitch, D. (1998). Wavelet analysis of long-range-dependent traffic. *IEEE Trans. Inf. Theory*
44(1), 2-15.
Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary observations. *Ann. Statist.*
17(3), 1217-1241.
Weron, R. (2002). Estimating long-range dependence: finite sample properties and confidence intervals.
*Physica A* 312, 285-299.
Gatheral, J., Jaisson, T. & Rosenbaum, M. (2018). Volatility is rough. *Quantitative Finance* 18(6), 933-949.
Dhansoia, R. (2025). Cross-asset transfer learning for rough volatility forecasting. §3.1, §4.2, Table 1,
Figure 1.
"""

from __future__ import annotations

from volrep.rough.core import EXPECTED_INPUT, HurstEstimate, dyadic_scales, log_spaced_scales, paper_settings
from volrep.rough.estimators import dfa, gjr_moment_scaling, rescaled_range, variogram
from volrep.rough.rolling_vol import rolling_std_log_vol
from volrep.rough.validation import validation_table
from volrep.rough.wavelet import hurst_from_wavelet_slope, wavelet_slope

# Also importable from here, as before the split, though not in __all__: type aliases and default settings.
from volrep.rough.core import Coefficients as Coefficients, Resample as Resample, Rng as Rng
from volrep.rough.estimators import (
    GJR_LAGS as GJR_LAGS,
    GJR_MOMENTS as GJR_MOMENTS,
    VARIOGRAM_LAGS as VARIOGRAM_LAGS,
)

__all__ = [
    "EXPECTED_INPUT",
    "HurstEstimate",
    "dfa",
    "dyadic_scales",
    "gjr_moment_scaling",
    "hurst_from_wavelet_slope",
    "log_spaced_scales",
    "paper_settings",
    "rescaled_range",
    "rolling_std_log_vol",
    "validation_table",
    "variogram",
    "wavelet_slope",
]
