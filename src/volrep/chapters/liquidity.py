"""Chapter 01 — liquidity and sample choice (Huang, Sangiorgi & Urquhart 2024, §2, Table 2)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from volrep import verdicts
from volrep.errors import ConfigError, DataError
from volrep.report import Claim

#: The measures of :func:`minute_trade_shares`: every interval without a trade (Huang et al.'s, footnote 8), and
#: its two parts: intervals an outage touched (a minute of them is absent) and intervals whose minutes all exist
#: but hold no trade.
MEASURES = ("no trade", "missing", "zero trades")

#: Huang et al. (§2) start their sample in the first year with fewer than this share (percent) of 10-minute
#: intervals without a trade.
LIQUID_PCT = 1.0

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


def _utc_ns(index: pd.DatetimeIndex) -> np.ndarray:
    """int64 ns since the epoch, UTC, of a naive (= UTC) or tz-aware index."""
    index = pd.DatetimeIndex(index)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.as_unit("ns").asi8


def _minute_layout(bars: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp,
                   trades: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Presence and "traded" flags of every minute of ``[start, end)``, and the year code of each minute.

    Returns ``present``, ``traded`` (bool, one per minute), ``code`` (int, position of the minute's year in
    ``years``) and ``years``. Validates as :func:`minute_trade_shares` documents.
    """
    minute = 60 * 10**9
    day = 1440 * minute
    lo, hi = _utc_ns(pd.DatetimeIndex([pd.Timestamp(start), pd.Timestamp(end)]))
    if lo % day or hi % day or hi <= lo:
        raise ConfigError(f"start and end must be UTC midnights with start < end; got {start}, {end}")
    ns = _utc_ns(bars.index)
    if (off := ns % minute != 0).any():
        row = int(np.argmax(off))
        raise DataError("bars", "open times on the 1-minute grid", row, f"open time {bars.index[row]}")
    if (bad := np.diff(ns) <= 0).any():
        row = int(np.argmax(bad)) + 1
        raise DataError("bars", "open times strictly increasing", row, f"open time {bars.index[row]}")
    inside = (ns >= lo) & (ns < hi)
    pos = (ns[inside] - lo) // minute
    n = int((hi - lo) // minute)
    present = np.zeros(n, dtype=bool)
    present[pos] = True
    traded = np.zeros(n, dtype=bool)
    if trades is not None:
        if trades not in bars.columns:
            raise DataError("bars", f"has a {trades!r} column", None, f"columns: {list(bars.columns)}")
        counts = bars[trades].to_numpy(dtype=np.float64, na_value=np.nan)
        if (bad := ~(counts >= 0) | (counts != np.floor(counts))).any():
            row = int(np.argmax(bad))
            raise DataError("bars", "trade counts non-negative integers", row, f"count {counts[row]!r}")
        traded[pos] = counts[inside] > 0
    bounds = pd.date_range(f"{pd.Timestamp(lo).year}-01-01", pd.Timestamp(hi), freq="YS")
    code = np.searchsorted(_utc_ns(bounds), lo + np.arange(n, dtype=np.int64) * minute, side="right") - 1
    return present, traded, code, bounds.year.to_numpy()


def minute_trade_shares(bars: pd.DataFrame, minutes: Sequence[int], *, start: str | pd.Timestamp,
                        end: str | pd.Timestamp, trades: str = "trades") -> pd.DataFrame:
    """Huang et al. Table 2 from 1-minute bars: percent of intervals without a trade, with outages apart.

    The calendar is cut into intervals of ``m`` minutes from ``start`` (a UTC midnight) to ``end``; each
    interval is one of

    * *traded*: some minute in it has ``trades > 0``;
    * *missing*: no trade, and at least one of its minutes is absent from ``bars`` (an exchange outage:
      Binance publishes a kline for every minute it is open, with ``trades == 0`` when nobody traded);
    * *zero trades*: every one of its minutes is in ``bars``, none with a trade (the market was open throughout
      and nobody traded: illiquidity proper).

    ``no trade`` = missing + zero trades is the paper's measure (Huang et al. 2024, §2 and footnote 8: the
    intervals with zero trades over all intervals of the year). A tick file holds no trade during an outage
    either, so the paper counts Bitstamp's January 2015 shutdown as intervals without a trade (its flat 2015
    row of Table 2).

    Parameters
    ----------
    bars
        1-minute bars indexed by open time (naive = UTC, or tz-aware), strictly increasing and on the minute
        grid, with a trade-count column (e.g. ``data.load("binance_klines_1m_daily").frame``).
    minutes
        Interval lengths in minutes; each must divide a day (1, 5, 10, 15, 30, 45, 60 …), so that no interval
        straddles two days or two years.
    start, end
        The calendar window ``[start, end)``, both UTC midnights; bars outside it are ignored.
    trades
        Name of the trade-count column.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (of the interval start); columns a MultiIndex ``(measure, "<m>min")`` with the measures
        of :data:`MEASURES`; values in percent of all intervals of the year inside the window.

    Raises
    ------
    DataError
        Bar times off the minute grid, unsorted or repeated; missing, negative or fractional trade counts.
    ConfigError
        A length that does not divide a day, or a window not made of whole UTC days.

    Notes
    -----
    Vectorised: the minutes of the window are laid out as one array of presence and one of "traded"; the
    intervals of ``m`` minutes are the rows of those arrays reshaped to ``(-1, m)``; yearly shares are
    bincounts. Equal to :func:`volrep.rv.zero_trade_share_bars` (which counts an absent bar as a bar without
    trades) for ``no trade``.
    """
    for m in minutes:
        if m < 1 or 1440 % m:
            raise ConfigError(f"an interval of {m} minutes does not divide a day")
    present, traded, code, years = _minute_layout(bars, start, end, trades)
    cols = {}
    for m in minutes:
        no_trade = ~traded.reshape(-1, m).any(axis=1)
        all_present = present.reshape(-1, m).all(axis=1)
        c = code[::m]
        total = np.bincount(c, minlength=years.size).astype(np.float64)
        missing = np.bincount(c, weights=no_trade & ~all_present, minlength=years.size)
        zero = np.bincount(c, weights=no_trade & all_present, minlength=years.size)
        for measure, k in zip(MEASURES, (missing + zero, missing, zero)):
            cols[(measure, f"{m}min")] = 100.0 * k / np.where(total > 0, total, np.nan)
    out = pd.DataFrame(cols, index=pd.Index(years, name="year"))
    out.columns = pd.MultiIndex.from_tuples(list(cols), names=["measure", "frequency"])
    return out.dropna(how="all")


def minute_counts(bars: pd.DataFrame, *, start: str | pd.Timestamp, end: str | pd.Timestamp,
                  trades: str = "trades") -> pd.DataFrame:
    """Minutes of ``[start, end)`` per year: in the calendar, absent from ``bars`` (outages), present with no trade.

    Parameters
    ----------
    bars, start, end, trades
        As in :func:`minute_trade_shares`.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; int64 columns ``calendar``, ``missing`` and ``zero trades``.
    """
    present, traded, code, years = _minute_layout(bars, start, end, trades)
    out = pd.DataFrame({
        "calendar": np.bincount(code, minlength=years.size),
        "missing": np.bincount(code, weights=~present, minlength=years.size).astype(np.int64),
        "zero trades": np.bincount(code, weights=present & ~traded, minlength=years.size).astype(np.int64),
    }, index=pd.Index(years, name="year"))
    return out[out["calendar"] > 0]


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


def outage_plateau(paper: pd.DataFrame) -> float:
    """The paper's flat 2015 zero-trade share: the mean of its 20- to 60-minute columns (percent)."""
    return float(paper.loc[2015, ["20min", "30min", "40min", "50min", "60min"]].mean())


def measure_finding(paper: pd.DataFrame, outage_pct: float, shares: pd.DataFrame, freq: str = "10min",
                    rtol: float = 0.05) -> str:
    """Markdown: which of our measures the paper's Table 2 corresponds to, and what it means on our data.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table2`.
    outage_pct
        :func:`outage_share` of the paper's dated Bitstamp outage in 2015.
    shares
        :func:`minute_trade_shares` of our 1-minute bars.
    freq
        The frequency at which to describe our split (the paper's sample rule uses 10 minutes).
    rtol
        The paper's flat 2015 share "is" its outage when within this relative distance (the rule of claim
        ``huang.T2.2015.20-60min_outage``).

    Returns
    -------
    str
        Sentences whose every number is computed here: if the paper's flat 2015 share equals its outage's share
        of the year, its measure counts outages as intervals without a trade (our ``no trade`` = ``missing`` +
        ``zero trades``); otherwise the text says the evidence does not settle it.
    """
    plateau = outage_plateau(paper)
    counts = abs(plateau - outage_pct) <= rtol * outage_pct
    if counts:
        head = (f"**The paper's measure counts an outage as intervals without a trade.** Its 2015 share is flat at "
                f"{plateau:.2f} % from 20 to 60 minutes, the share of 2015 that Bitstamp's own shutdown took "
                f"({outage_pct:.2f} %): a tick file holds no trade while the exchange is closed, and footnote 8 "
                "divides by *all* intervals of the year. Its column therefore corresponds to our **no trade** measure "
                "(missing + zero trades), not to the zero-trade intervals alone.")
    else:
        head = (f"The paper's flat 2015 share ({plateau:.2f} %) is not the share of 2015 its own outage took "
                f"({outage_pct:.2f} %), so its tables do not show whether it counts outages; we compare our "
                "**no trade** measure, which does, as footnote 8 reads.")
    no_trade, missing, zero = (shares[(m, freq)] for m in MEASURES)
    total = float(no_trade.sum())
    if total > 0:
        part = float(missing.sum()) / total
        tail = (f" On our 1-minute klines, {part:.1%} of the {freq} intervals without a trade "
                f"({no_trade.index.min()}–{no_trade.index.max()}) are outages; intervals in which the exchange was "
                f"open throughout and nobody traded are at most {float(zero.max()):.3g} % of a year.")
    else:
        tail = f" On our 1-minute klines no {freq} interval is without a trade."
    return head + tail


def table2_claims(
    paper: pd.DataFrame, binance: pd.DataFrame, kraken: pd.DataFrame, outage_pct: float,
    binance_missing: pd.DataFrame | None = None,
) -> list[Claim]:
    """Huang Table 2 against the zero-trade shares of the mirror's bars.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table2` (percent).
    binance
        Our shares in percent by year (the paper's measure: intervals without a trade, outages included), one
        column per frequency spelled as the paper's (``"1min"``, ``"5min"`` …), e.g. the ``"no trade"`` block
        of :func:`minute_trade_shares` on the 1-minute klines.
    kraken
        Shares of Kraken's hourly bars in percent by year, column ``"60min"``.
    outage_pct
        Share of 2015 covered by the Bitstamp outage the paper dates (:func:`outage_share`).
    binance_missing
        Optional: the part of ``binance`` due to absent minutes (the ``"missing"`` block), shown in the notes.

    Returns
    -------
    list of Claim
        * ``huang.T2.<year>.1min`` for every year of the paper: the Binance 1-minute share where Binance has
          the year (2018–2021), *not comparable* (``other_exchange``: the paper measures Bitstamp) with
          :func:`same_liquidity_class` in the note; ``no_data`` for the years before the mirror's minutes.
        * ``huang.T2.<year>.<m>min_binance`` for the other Binance columns and ``huang.T2.<year>.60min_kraken``
          (2014–2021): *not comparable* (``other_exchange``), liquidity class in the note.
        * ``huang.T2.2015.20-60min_outage``: the paper's flat 2015 share against its own outage (rule ``level``
          5 %/25 %): what shows that the paper's measure counts an outage as intervals without a trade.
        * ``huang.S2.sample_start.kraken_60min``: the sample-start rule on Kraken (``other_exchange``).
        * ``huang.S2.liquid_10min.binance``: the paper's reading of Table 2 (§2: from 2014, fewer than
          :data:`LIQUID_PCT` % of 10-minute intervals without a trade) on Binance's years inside the paper's
          sample, rule ``direction``: every such year below the threshold.
    """
    sample = range(2014, 2022)  # the paper's sample years
    claims: list[Claim] = []

    def cell(year: int, col: str, source: str, ours: pd.DataFrame, cid: str) -> Claim:
        p, o = float(paper.loc[year, col]), float(ours.loc[year, col])
        same = "same" if same_liquidity_class(p, o) else "another"
        note = f"{same} liquidity class (within {ABS_TOL_PP} pp or a factor {MAX_RATIO:g})"
        if source == "binance" and binance_missing is not None and col in binance_missing.columns:
            note += f"; outages {float(binance_missing.loc[year, col]):.3g} pp of it"
        what = "1-minute klines" if source == "binance" else "hourly bars"
        return Claim(cid, p, round(o, 4), "proper",
                     verdicts.not_comparable("other_exchange", f"{source} {what}, not Bitstamp ticks"), note)

    for year in paper.index:
        if "1min" in binance.columns and year in binance.index and year in sample:
            claims.append(cell(year, "1min", "binance", binance, f"huang.T2.{year}.1min"))
        else:
            claims.append(Claim(f"huang.T2.{year}.1min", float(paper.loc[year, "1min"]), None, "proper",
                                verdicts.not_comparable("no_data", "no trade counts finer than an hour for this year "
                                                        "in the mirror (its minutes start in 2018)")))
        for source, ours, columns in (("binance", binance, [c for c in binance.columns if c != "1min"]),
                                      ("kraken", kraken, ["60min"])):
            if year not in ours.index or year not in sample:
                continue
            if ours.index.min() == year and source == "kraken":
                continue  # the Kraken file starts in October 2013: a partial year
            for col in columns:
                if col in paper.columns:
                    claims.append(cell(year, col, source, ours, f"huang.T2.{year}.{col}_{source}"))
    plateau = outage_plateau(paper)
    claims.append(Claim("huang.T2.2015.20-60min_outage", round(plateau, 4), round(outage_pct, 4), "faithful",
                        verdicts.level(plateau, outage_pct, rtol=0.05, partly_rtol=0.25),
                        "the flat 2015 share of the paper against the share of 2015 lost to its own Bitstamp outage"))
    start = first_liquid_year(kraken.loc[kraken.index <= 2021, "60min"])
    claims.append(Claim("huang.S2.sample_start.kraken_60min", 2014, start, "proper",
                        verdicts.not_comparable("other_exchange", "Kraken 60-minute bars; the paper applies the rule "
                                                "to Bitstamp at 10 minutes"),
                        "first year with < 1 % empty intervals from then on"))
    if "10min" in binance.columns:
        years = [y for y in binance.index if y in sample and y in paper.index]
        if years:
            ours_max = float(binance.loc[years, "10min"].max())
            paper_max = float(paper.loc[years, "10min"].max())
            span = f"{min(years)}-{max(years)}"
            claims.append(Claim("huang.S2.liquid_10min.binance", paper_max, round(ours_max, 4), "proper",
                                verdicts.direction(ours_max < LIQUID_PCT, f"every year {span} has < {LIQUID_PCT:g} % "
                                                   "of 10-minute intervals without a trade"),
                                f"largest yearly share {span}, outages included as the paper counts them; Binance "
                                "1-minute klines, not Bitstamp: tests the paper's reading that bitcoin trades "
                                "liquidly at 10 minutes in these years"))
    return claims
