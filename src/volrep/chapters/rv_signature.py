"""Chapter 02 — realized volatility, signature plots and pre-averaging (Huang et al. 2024, §3, Tables 3–4)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from volrep import verdicts
from volrep.report import Claim

#: Statistics of Huang et al. Table 4, in its row order.
TABLE4_STATS = ("count", "mean", "std", "min", "max", "skewness", "kurtosis")


def summary_stats(values: pd.Series) -> pd.Series:
    """Huang et al. Table 4 statistics of one series (NaN excluded and counted out).

    Skewness and kurtosis are pandas' bias-corrected sample moments; kurtosis is the *excess* kurtosis (the
    paper does not say which it reports).
    """
    v = values.dropna().astype(float)
    return pd.Series(
        [len(v), v.mean(), v.std(), v.min(), v.max(), v.skew(), v.kurt()], index=list(TABLE4_STATS), dtype=float
    )


def summary_table(series: Mapping[tuple[str, str], pd.Series]) -> pd.DataFrame:
    """Table 4 layout: one column per ``(panel, returns)`` key, one row per statistic."""
    table = pd.DataFrame({key: summary_stats(s) for key, s in series.items()})
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["panel", "returns"])
    return table.rename_axis("statistic")


def implied_daily_vol_pct(annualised_rv: float, days_per_year: int = 365) -> float:
    """Daily volatility (percent) implied by an annualised realized variance: 100·√(RV_ann / days)."""
    return 100.0 * float(np.sqrt(annualised_rv / days_per_year))


def table3_claims(paper: pd.DataFrame, signatures: Mapping[str, pd.DataFrame]) -> list[Claim]:
    """Huang Table 3 (average daily RV by frequency) against our signature plots at the shared frequencies.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table3`.
    signatures
        ``{source: signature table}`` as returned by :func:`volrep.rv.signature_plot` with frequencies spelled
        like the paper's (``"15min"`` … ``"60min"``).

    Notes
    -----
    The levels are *not comparable* (``other_period``): the average variance of bitcoin depends on the years
    averaged (the paper's Bitstamp 2014–2021, our Binance and Kraken 2018–2022); the note gives the relative
    distance for information. The 1-minute jump (−90 % from 1 to 2 minutes) needs data finer than the mirror
    has (``no_data``).
    """
    claims = [Claim("huang.T3.1min.average_rv", float(paper["average_rv"].iloc[0]), None, "proper",
                    verdicts.not_comparable("no_data", "needs 1-minute prices; the mirror's finest BTC sampling is "
                                            "15 minutes"))]
    by_freq = paper.set_index("frequency")["average_rv"]
    for source, sig in signatures.items():
        ours = sig.set_index("frequency")["average_rv"]
        for freq in ours.index.intersection(by_freq.index):
            p, o = float(by_freq[freq]), float(ours[freq])
            claims.append(Claim(f"huang.T3.{freq}.average_rv_{source}", p, round(o, 6), "proper",
                                verdicts.not_comparable("other_period", f"{source} 2018-2022 vs Bitstamp 2014-2021"),
                                f"ours / paper = {o / p:.2f}"))
    return claims


def largest_decline_after(signature: pd.DataFrame, after: str) -> float:
    """Largest fall (percent, positive) of the average RV from one frequency to the next, past ``after``."""
    freqs = list(signature["frequency"])
    tail = signature.iloc[freqs.index(after) + 1:]
    return float(-tail["pct_change"].min())
