"""Chapter 01 — liquidity and sample choice (Huang, Sangiorgi & Urquhart 2024, §2, Table 2)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from volrep import verdicts
from volrep.report import Claim

#: Two zero-trade shares (percent) describe the same liquidity class when they differ by at most this many
#: percentage points, or, when both exceed :data:`RATIO_FLOOR`, by at most a factor :data:`MAX_RATIO`.
ABS_TOL_PP = 0.5
RATIO_FLOOR = 5.0
MAX_RATIO = 2.0


def poisson_zero_share(share_1min_pct: pd.Series, minutes: Sequence[int]) -> pd.DataFrame:
    """Zero-trade shares implied at coarser frequencies by a constant-rate Poisson process.

    With arrivals at rate λ per minute, an interval of Δ minutes is empty with probability exp(−λΔ).
    Calibrating λ = −log(s₁) on the 1-minute share s₁ gives s_Δ = s₁^Δ.

    Parameters
    ----------
    share_1min_pct
        1-minute zero-trade share in percent, indexed by year (Huang et al. Table 2, first column).
    minutes
        Interval lengths in minutes.

    Returns
    -------
    pandas.DataFrame
        Same index, one column ``"<m>min"`` per length, in percent.
    """
    s1 = np.clip(share_1min_pct.to_numpy(dtype=float) / 100.0, 0.0, 1.0)
    cols = {f"{m}min": 100.0 * s1**m for m in minutes}
    return pd.DataFrame(cols, index=share_1min_pct.index)


def outage_share(start: pd.Timestamp, end: pd.Timestamp, days_in_year: int = 365) -> float:
    """Percent of a year covered by one outage: an upper bound on its effect on every coarse zero-trade share."""
    return 100.0 * (end - start) / pd.Timedelta(days=days_in_year)


def first_liquid_year(zero_pct: pd.Series, threshold_pct: float = 1.0) -> int | None:
    """First year from which the zero-trade share stays below ``threshold_pct`` (Huang's 2014 rule)."""
    below = zero_pct < threshold_pct
    for year in zero_pct.index:
        if below.loc[year:].all():
            return int(year)
    return None


def same_liquidity_class(paper_pct: float, ours_pct: float) -> bool:
    """True when two zero-trade shares are within :data:`ABS_TOL_PP` points or a factor :data:`MAX_RATIO`."""
    if abs(paper_pct - ours_pct) <= ABS_TOL_PP:
        return True
    lo, hi = sorted((paper_pct, ours_pct))
    return lo > RATIO_FLOOR and hi / lo <= MAX_RATIO


def table2_claims(
    paper: pd.DataFrame, binance: pd.DataFrame, kraken: pd.DataFrame, outage_pct: float
) -> list[Claim]:
    """Huang Table 2 against the zero-trade shares of the mirror's bars.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table2` (percent).
    binance, kraken
        Our shares in percent by year, columns ``"15min"``… (Binance 15-minute klines) and ``"60min"`` (Kraken
        hourly bars).
    outage_pct
        Share of 2015 covered by the Bitstamp outage the paper dates (:func:`outage_share`).

    Returns
    -------
    list of Claim
        Per year, the 1-minute column *not comparable* (``no_data``: nothing finer than 15 minutes in the mirror);
        each Binance cell (years 2018–2021, 15–60 minutes) and Kraken 60-minute cell (2014–2021) *not comparable*
        (``other_exchange``: the paper measures Bitstamp), with :func:`same_liquidity_class` in the note; the 2015
        plateau against the outage (rule ``level`` 5 %/25 %); the sample-start rule on Kraken (``other_exchange``).
    """
    claims: list[Claim] = []
    for year in paper.index:
        claims.append(Claim(f"huang.T2.{year}.1min", float(paper.loc[year, "1min"]), None, "proper",
                            verdicts.not_comparable("no_data", "no trade data finer than 15 minutes in the mirror")))
        for source, ours, columns in (("binance", binance, ("15min", "30min", "45min", "60min")),
                                      ("kraken", kraken, ("60min",))):
            if year not in ours.index or year not in range(2014, 2022):
                continue
            if ours.index.min() == year and source == "kraken":
                continue  # the Kraken file starts in October 2013: a partial year
            for col in columns:
                p, o = float(paper.loc[year, col]), float(ours.loc[year, col])
                same = "same" if same_liquidity_class(p, o) else "another"
                claims.append(Claim(f"huang.T2.{year}.{col}_{source}", p, round(o, 4), "proper",
                                    verdicts.not_comparable("other_exchange", f"{source} bars, not Bitstamp ticks"),
                                    f"{same} liquidity class (within {ABS_TOL_PP} pp or a factor {MAX_RATIO:g})"))
    plateau = float(paper.loc[2015, ["20min", "30min", "40min", "50min", "60min"]].mean())
    claims.append(Claim("huang.T2.2015.20-60min_outage", round(plateau, 4), round(outage_pct, 4), "faithful",
                        verdicts.level(plateau, outage_pct, rtol=0.05, partly_rtol=0.25),
                        "the flat 2015 share of the paper against the share of 2015 lost to its own Bitstamp outage"))
    start = first_liquid_year(kraken.loc[kraken.index <= 2021, "60min"])
    claims.append(Claim("huang.S2.sample_start.kraken_60min", 2014, start, "proper",
                        verdicts.not_comparable("other_exchange", "Kraken 60-minute bars; the paper applies the rule "
                                                "to Bitstamp at 10 minutes"),
                        "first year with < 1 % empty intervals from then on"))
    return claims
