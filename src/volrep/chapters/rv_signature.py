"""Chapter 02 — realized volatility, signature plots and pre-averaging (Huang et al. 2024, §3, Tables 3–4)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from volrep import rv, verdicts
from volrep.errors import ConfigError
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


def table3_claims(paper: pd.DataFrame, signatures: Mapping[str, pd.DataFrame],
                  periods: Mapping[str, str] | None = None) -> list[Claim]:
    """Huang Table 3 (average daily RV by frequency) against our signature plots at the shared frequencies.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table3`.
    signatures
        ``{source: signature table}`` as returned by :func:`volrep.rv.signature_plot` with frequencies spelled
        like the paper's (``"1min"`` … ``"60min"``).
    periods
        ``{source: "2018-2021"}``, the years each signature averages (for the notes).

    Notes
    -----
    The levels are *not comparable* (``other_period``): the average variance of bitcoin depends on the years
    averaged (the paper's Bitstamp 2014–2021, our Binance 2018–2021 and Kraken 2014–2021 on another
    exchange); the note gives the relative distance for information. Without any source at 1 minute, the
    1-minute row is *not comparable* for want of data (``no_data``). The shape of the curve is judged by
    :func:`signature_shape_claims`.
    """
    periods = periods or {}
    claims = []
    if not any("1min" in set(sig["frequency"]) for sig in signatures.values()):
        claims.append(Claim("huang.T3.1min.average_rv", float(paper["average_rv"].iloc[0]), None, "proper",
                            verdicts.not_comparable("no_data", "needs 1-minute prices, which no source has")))
    by_freq = paper.set_index("frequency")["average_rv"]
    for source, sig in signatures.items():
        ours = sig.set_index("frequency")["average_rv"]
        span = f"{source} {periods[source]}" if source in periods else source
        for freq in ours.index.intersection(by_freq.index):
            p, o = float(by_freq[freq]), float(ours[freq])
            claims.append(Claim(f"huang.T3.{freq}.average_rv_{source}", p, round(o, 6), "proper",
                                verdicts.not_comparable("other_period", f"{span} vs Bitstamp 2014-2021"),
                                f"ours / paper = {o / p:.2f}"))
    return claims


def largest_decline_after(signature: pd.DataFrame, after: str) -> float:
    """Largest fall (percent, positive) of the average RV from one frequency to the next, past ``after``."""
    freqs = list(signature["frequency"])
    tail = signature.iloc[freqs.index(after) + 1:]
    return float(-tail["pct_change"].min())


def steepest_fall(signature: pd.DataFrame, after: str) -> tuple[str, float]:
    """The row past ``after`` with the largest fall of the average RV from the row before, and that fall (%).

    Huang et al. (Table 3 note) choose 10 minutes because, from 2 minutes on, the largest fall of their
    signature is from 5 to 10 minutes (−9.24 %): ``steepest_fall(huang_table3(), "2min")`` gives
    ``("10min", -9.24)``.
    """
    freqs = list(signature["frequency"])
    tail = signature.iloc[freqs.index(after) + 1:]
    row = tail["pct_change"].idxmin()
    return str(signature.loc[row, "frequency"]), float(signature.loc[row, "pct_change"])


def signature_shape_claims(paper: pd.DataFrame, ours: pd.DataFrame, source: str, period: str) -> list[Claim]:
    """The shape of Huang Table 3 — what the paper reads off its signature plot — on our signature.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table3`.
    ours
        :func:`volrep.rv.signature_plot` at (at least) every frequency of the paper, so that each percent
        change is between the same neighbours as the paper's.
    source, period
        Names for the claim ids and notes (``"binance"``, ``"2018-2021"``).

    Returns
    -------
    list of Claim
        * ``huang.T3.2min.pct_change_<source>``: the change from 1 to 2 minutes (the paper's −90 %: 1-minute RV
          ten times the 2-minute one), rule ``effect``;
        * ``huang.T3.10min.pct_change_<source>``: the change from 5 to 10 minutes (−9.24 %), rule ``effect``;
        * ``huang.T3.steepest_fall.frequency_<source>``: from 2 minutes on, the steepest fall ends at the same
          frequency as the paper's (10 minutes), rule ``direction``: the paper's reason to sample at 10 minutes;
        * ``huang.T3.after10min.largest_decline_pct``: past 10 minutes, no fall larger than the paper's largest
          (its "no more than 4.76 %"), rule ``direction``.

    Raises
    ------
    ConfigError
        If ``ours`` lacks one of the paper's frequencies (its percent changes would compare other neighbours).
    """
    freqs = list(paper["frequency"])
    missing = [f for f in freqs if f not in set(ours["frequency"])]
    if missing:
        raise ConfigError(f"signature_shape_claims: our signature lacks the paper's frequencies {missing}")
    mine = ours.set_index("frequency").loc[freqs, "average_rv"]
    sig = pd.DataFrame({"frequency": freqs, "average_rv": mine.to_numpy()})
    sig["pct_change"] = 100.0 * sig["average_rv"].pct_change()
    p_pct = paper.set_index("frequency")["pct_change"]
    o_pct = sig.set_index("frequency")["pct_change"]
    where = f"{source} {period}, 1-minute closes vs Bitstamp ticks 2014-2021"
    claims = []
    for freq, before in (("2min", "1min"), ("10min", "5min")):
        p, o = float(p_pct[freq]), float(o_pct[freq])
        claims.append(Claim(f"huang.T3.{freq}.pct_change_{source}", p, round(o, 2), "proper",
                            verdicts.effect(p, o),
                            f"% change of the average daily RV from {before} to {freq}; {where}"))
    p_freq, p_fall = steepest_fall(paper, "2min")
    o_freq, o_fall = steepest_fall(sig, "2min")
    prev = {f: freqs[i - 1] for i, f in enumerate(freqs) if i}
    claims.append(Claim(f"huang.T3.steepest_fall.frequency_{source}", f"{prev[p_freq]} to {p_freq} ({p_fall:.2f} %)",
                        f"{prev[o_freq]} to {o_freq} ({o_fall:.2f} %)", "proper",
                        verdicts.direction(o_freq == p_freq, f"from 2 minutes on, the steepest fall of the average "
                                           f"RV ends at {p_freq}"),
                        f"the paper's reason to sample at {p_freq}; {where}"))
    p_bound = largest_decline_after(paper, "10min")
    o_decl = largest_decline_after(sig, "10min")
    claims.append(Claim("huang.T3.after10min.largest_decline_pct", round(p_bound, 2), round(o_decl, 2), "proper",
                        verdicts.direction(o_decl <= p_bound, f"no fall of the average RV past 10 minutes larger "
                                           f"than the paper's {p_bound:.2f} %"),
                        f"10 to 60 minutes at the paper's frequencies; {where}"))
    return claims


def minute_preaveraging_caveat(theta: float, minutes_per_interval: Mapping[str, int], tick_n: int = 600) -> str:
    """Markdown: what pre-averaging (Huang et al. eq. 2–3, ``k_n = [θ√n]``) can do with one price a minute.

    Parameters
    ----------
    theta
        θ of :func:`volrep.rv.preaveraging_window`.
    minutes_per_interval
        ``{"10min": 10, "1D": 1440}``: the number of 1-minute returns ``n`` in each interval of Table 4.
    tick_n
        The paper's footnote-10 example (a tick a second over 10 minutes: ``n = 600``).

    Returns
    -------
    str
        One bullet per interval with ``n`` and ``k_n``, and a closing sentence; every number computed here.
    """
    lines = []
    for name, n in minutes_per_interval.items():
        k = int(rv.preaveraging_window(n, theta))
        if k < 2:
            what = (f"pre-averaging is **impossible**: with k_n = {k} the weights g(i/k_n), i = 1 … k_n − 1, "
                    f"are an empty sum (k_n ≥ 2 needs at least {int(np.ceil((1.5 / theta) ** 2))} returns per interval)")
        else:
            what = (f"each pre-averaged return smooths {k} one-minute returns, i.e. about {k} minutes of prices — "
                    "it averages out noise that lives at the scale of a minute, not the tick-level noise "
                    "(bid-ask bounce, bad prints) the method was designed for")
        lines.append(f"* **{name}**: n = {n} one-minute returns, k_n = [{theta:g}·√{n}] = {k}: {what}.")
    k_tick = int(rv.preaveraging_window(tick_n, theta))
    lines.append(f"\nThe paper's own example (footnote 10) has n = {tick_n} ticks in 10 minutes and k_n = {k_tick}. "
                 "One-minute closes have already thrown away the ticks, and with them most of the microstructure "
                 "noise pre-averaging exists to remove; what it can still show is whether the one-minute returns "
                 "carry noise at all (their RV above that of pre-averaged returns).")
    return "\n".join(lines)


def table4_claims(paper: pd.DataFrame, daily_original: pd.Series, daily_preaveraged: pd.Series, k_10min: int,
                  source: str, period: str) -> list[Claim]:
    """Huang Table 4 against annualised daily RV from 1-minute prices (plain and pre-averaged).

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_table4`.
    daily_original, daily_preaveraged
        Annualised daily RV (× 365) of 1-minute returns and of pre-averaged 1-minute returns.
    k_10min
        ``k_n`` of a 10-minute interval of 1-minute returns (1 at θ = 0.4: no pre-averaging possible).
    source, period
        For ids and notes.

    Returns
    -------
    list of Claim
        * ``huang.T4.1D.mean_original`` / ``mean_preaveraged``: *not comparable* (``other_quantity``: RV of every
          tick return vs of 1-minute returns);
        * ``huang.T4.10min.mean_preaveraged``: *not comparable* (``no_data``) when ``k_10min < 2``;
        * ``huang.T4.1D.mean_cut_<source>`` and ``max_cut_<source>``: pre-averaging lowers the mean and the
          largest annualised daily RV (the paper: "the mean value drops", "the extreme value … declines"), rule
          ``direction``; the sizes are not judged (ticks vs minutes).
    """
    p_orig, p_pa = float(paper.loc["mean", ("1D", "original")]), float(paper.loc["mean", ("1D", "pre-averaged")])
    o_orig, o_pa = float(daily_original.mean()), float(daily_preaveraged.mean())
    where = f"{source} {period}"
    claims = [
        Claim("huang.T4.1D.mean_original", p_orig, round(o_orig, 4), "proper",
              verdicts.not_comparable("other_quantity", f"the paper's RV of every tick return vs our RV of 1-minute "
                                      f"returns ({where}); the paper's mean implies "
                                      f"{implied_daily_vol_pct(p_orig):.0f} % daily volatility")),
        Claim("huang.T4.1D.mean_preaveraged", p_pa, round(o_pa, 4), "proper",
              verdicts.not_comparable("other_quantity", f"pre-averaged ticks (paper) vs pre-averaged 1-minute "
                                      f"closes ({where})")),
    ]
    if k_10min < 2:
        claims.append(Claim("huang.T4.10min.mean_preaveraged", float(paper.loc["mean", ("10min", "pre-averaged")]),
                            None, "proper",
                            verdicts.not_comparable("no_data", f"one price a minute gives k_n = {k_10min} in 10 "
                                                    "minutes: pre-averaging needs ticks")))
    for stat, word in (("mean", "mean"), ("max", "largest")):
        p_orig_stat, p_pa_stat = (float(paper.loc[stat, ("1D", r)]) for r in ("original", "pre-averaged"))
        p_cut = 100.0 * (1.0 - p_pa_stat / p_orig_stat)
        o_val_orig = float(getattr(daily_original, stat)())
        o_cut = 100.0 * (1.0 - float(getattr(daily_preaveraged, stat)()) / o_val_orig)
        note = f"% cut in the {word} annualised daily RV by pre-averaging; {where}, sizes not judged (ticks vs minutes)"
        if stat == "max":
            note += f"; our largest day {daily_original.idxmax():%Y-%m-%d}"
        claims.append(Claim(f"huang.T4.1D.{stat}_cut_{source}", round(p_cut, 2), round(o_cut, 2), "proper",
                            verdicts.direction(o_cut > 0, f"pre-averaging lowers the {word} daily RV"), note))
    return claims
