"""Chapter 03 — rough volatility: Hurst estimates on the paper's series and on realized variance (Dhansoia 2025,
§3.1, §4.1–4.3, Tables 1–2, Figure 1; Gatheral, Jaisson & Rosenbaum 2018)."""

from __future__ import annotations

from typing import Iterable, Literal, Mapping

import numpy as np
import pandas as pd
import pywt
from scipy import stats

from volrep import rough, verdicts
from volrep.report import Claim

#: The estimators of Table 1 plus GJR's moment scaling, in display order.
METHODS = ("rs", "dfa", "variogram", "wavelet", "gjr")


def faithful_log_rv(close: pd.Series, window: int = 22, periods_per_year: int = 252) -> pd.Series:
    """The paper's log "realized volatility" from daily closes: log returns, then
    :func:`volrep.rough.rolling_std_log_vol` (22-day rolling standard deviation × √252, log)."""
    returns = np.log(close.astype(float)).diff().dropna()
    return rough.rolling_std_log_vol(returns, window=window, periods_per_year=periods_per_year)


def log_vol_from_rv(rv: pd.Series, periods_per_year: int) -> tuple[pd.Series, int]:
    """Log annualised volatility ``log √(ppy · RV)`` from daily realized variance (decimal units).

    Returns
    -------
    log_vol, dropped
        The series over the days with a positive, finite RV, and how many days were dropped (no return that
        day, or RV = 0: the log is undefined); the chapter shows the count.
    """
    ok = np.isfinite(rv) & (rv > 0)
    return (0.5 * np.log(periods_per_year * rv[ok])).rename("log_vol"), int((~ok).sum())


def _methods(n: int, usage: Literal["paper", "textbook"]) -> dict[str, tuple[object, dict, bool]]:
    """``{method: (estimator, settings, differenced input)}`` for the paper's usage or the textbook one."""
    if usage == "paper":
        s = rough.paper_settings(n)
        # the paper's 7 db4 levels need about 1,000 values; shorter series get the deepest level PyWavelets allows
        s["wavelet"]["levels"] = min(s["wavelet"]["levels"], pywt.dwt_max_level(n, s["wavelet"]["wavelet"]))
        return {
            "rs": (rough.rescaled_range, s["rs"], False),
            "dfa": (rough.dfa, s["dfa"], False),
            "variogram": (rough.variogram, s["variogram"], False),
            "wavelet": (rough.wavelet_slope, s["wavelet"], False),
            "gjr": (rough.gjr_moment_scaling, {}, False),
        }
    return {
        "rs": (rough.rescaled_range, {"anis_lloyd": True}, True),
        "dfa": (rough.dfa, {"order": 1}, True),
        "variogram": (rough.variogram, {}, False),
        "wavelet": (rough.wavelet_slope, {"wavelet": "haar", "coefficients": "interior", "kind": "fgn"}, True),
        "gjr": (rough.gjr_moment_scaling, {}, False),
    }


def estimate_all(
    log_vol: pd.Series, *, usage: Literal["paper", "textbook"] = "paper", n_boot: int = 200, seed: int = 0
) -> pd.DataFrame:
    """Every Hurst estimator on one log-volatility series.

    Parameters
    ----------
    log_vol
        The level series (log realized volatility).
    usage
        ``"paper"``: every method gets the level series with the settings of the paper's code
        (:func:`volrep.rough.paper_settings`; the wavelet depth is capped at PyWavelets' maximum for short
        series). ``"textbook"``: R/S (Anis–Lloyd corrected), DFA and the wavelet
        (Haar, interior coefficients, fGn relation) get the first differences they are designed for; the
        variogram and GJR keep the levels.
    n_boot, seed
        Block-bootstrap replicates for the standard errors, and their seed.

    Returns
    -------
    pandas.DataFrame
        One row per method: ``hurst, se, r2, slope`` (the fitted log-log slope; for the wavelet in the paper's
        index convention, i.e. comparable with Table 1's column), ``input``.
    """
    x = log_vol.to_numpy(dtype=float)
    rows = {}
    for name, (estimator, settings, diff) in _methods(x.size, usage).items():
        est = estimator(np.diff(x) if diff else x, **settings, n_boot=n_boot, rng=seed)
        slope = est.details.get("slope_paper_index", est.details.get("slope"))
        rows[name] = {"hurst": est.hurst, "se": est.se, "r2": est.r2, "slope": slope,
                      "input": "differences" if diff else "levels"}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("method")


def describe(log_vol: pd.Series) -> pd.Series:
    """Table 2 statistics: mean, std, skewness, kurtosis (Pearson, not excess: normal = 3), min, max."""
    x = log_vol.to_numpy(dtype=float)
    return pd.Series({"mean": x.mean(), "std": x.std(ddof=1), "skewness": stats.skew(x, bias=False),
                      "kurtosis": stats.kurtosis(x, fisher=False, bias=False), "min": x.min(), "max": x.max()})


def fmt_range(values: float | Iterable[float], digits: int = 2) -> str:
    """Numbers for generated prose: one value, or the range ``min–max`` when they differ at ``digits`` decimals.

    ``fmt_range([0.149, 0.151])`` is ``"0.15"``; ``fmt_range([0.118, 0.132])`` is ``"0.12–0.13"`` (en dash); a
    negative number is written with the minus sign U+2212, as in the book's prose (``fmt_range(-14.726, 1)`` is
    ``"−14.7"``). NaNs are ignored; with no finite value the result is ``"n/a"``.
    """
    x = np.asarray([values] if np.isscalar(values) else list(values), dtype=float)
    x = x[np.isfinite(x)]
    if not x.size:
        return "n/a"
    lo, hi = (f"{v:.{digits}f}".replace("-", "\u2212") for v in (x.min(), x.max()))
    return lo if lo == hi else f"{lo}\u2013{hi}"


def table1_claims(paper: pd.DataFrame, ours: Mapping[tuple[str, str], pd.DataFrame], variants: Mapping[str, str]) -> list[Claim]:
    """Dhansoia Table 1 against our estimates.

    Parameters
    ----------
    paper
        :func:`volrep.papers.dhansoia_table1`.
    ours
        ``{(asset, source): estimate_all(...) frame}``; ``asset`` in ``spx, btc``.
    variants
        ``{source: variant}``, e.g. ``{"yahoo": "faithful", "rv5": "proper"}``.

    Notes
    -----
    H values are judged by the rule :func:`volrep.verdicts.level` (10 % reproduced, 50 % partly); the wavelet
    slope likewise, in the paper's index convention.
    """
    claims = []
    for (asset, source), table in ours.items():
        for method, column in (("rs", "rs"), ("dfa", "dfa"), ("variogram", "variogram"), ("wavelet", "wavelet_slope")):
            p = float(paper.loc[asset, column])
            o = float(table.loc[method, "slope" if method == "wavelet" else "hurst"])
            note = f"{source}, {table.loc[method, 'input']}" + (" (slope, paper's index)" if method == "wavelet" else "")
            claims.append(Claim(f"dhansoia.T1.{asset}.{column}_{source}", p, round(o, 4), variants[source],
                                verdicts.level(p, o), note))
    return claims


def table2_claims(paper: pd.DataFrame, ours: Mapping[str, pd.Series], variant: str, source: str) -> list[Claim]:
    """Dhansoia Table 2 (descriptive statistics of log RV) against ours, stat by stat.

    Locations of log volatility (mean, min, max) are logarithms: rule ``level`` on their exponentials (a relative
    rule would be meaningless around zero); spread and shape statistics (std, skewness, kurtosis) rule ``level``
    as they are (10 % / 50 %).
    """
    claims = []
    for asset, described in ours.items():
        for stat in paper.columns:
            p, o = float(paper.loc[asset, stat]), float(described[stat])
            claims.append(Claim(f"dhansoia.T2.{asset}.{stat}_{source}", p, round(o, 4), variant,
                                verdicts.level(p, o, log=stat in ("mean", "min", "max")), source))
    return claims
