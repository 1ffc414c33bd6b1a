"""Chapter 09: DeepVol's (Liu et al. 2023) "Rate" columns — the share of stocks on which DeepVol's loss is below
GARCH's — recast as one Diebold–Mariano test per stock on the Gaussian NLL (:func:`gaussian_nll_losses`), with Holm and
Benjamini–Hochberg corrections across stocks (:func:`volrep.stats.adjust_pvalues`), on chapter 08's stored forecasts.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from volrep import stats, verdicts
from volrep.report import Claim


# --------------------------------------------------------------------------------------------------------------
# DeepVol's Rate columns as tests
# --------------------------------------------------------------------------------------------------------------
#: DeepVol's groups in chapter 08's store → (description, (Liu et al.'s table function, column group) of the NLL
#: Rate in :mod:`volrep.papers`, variant, split, target, portfolios). Chapter 08 stores the new stocks and the
#: portfolios of new stocks under one split; its portfolios are the series named ``P`` + digits
#: (:data:`PORTFOLIO_NAME`): ``True`` keeps only them, ``False`` leaves them out, ``None`` keeps every series.
DEEPVOL_GROUPS = {
    "T2.nll.test_rate": ("training stocks, test period (Table 2)", ("liu_table2", "test"), "faithful", "liu_aug2019",
                         "squared_return", None),
    "T3.nll.new_stocks_rate": ("new stocks (Table 3)", ("liu_table3", "new stocks"), "faithful", "liu_80_20",
                               "squared_return", False),
    "T3.nll.portfolios_rate": ("portfolios of new stocks (Table 3)", ("liu_table3", "portfolios"), "faithful",
                               "liu_80_20", "squared_return", True),
    "T5.nll.test_rate": ("Oxford-Man indices, test period (Table 5: global stocks in the paper)", ("liu_table5", "test"),
                         "proper", "liu_80_20", "squared_return", None),
}
#: Chapter 08's names of its artificial portfolios.
PORTFOLIO_NAME = r"P\d+"


def deepvol_paper_rate(key: str) -> float:
    """The paper's NLL Rate of a :data:`DEEPVOL_GROUPS` entry (from :mod:`volrep.papers`)."""
    from volrep import papers

    table_fn, group = DEEPVOL_GROUPS[key][1]
    return float(getattr(papers, table_fn)().loc["nll", (group, "rate")])


def gaussian_nll_losses(squared_return: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """Per-day Gaussian negative log-likelihood of a zero-mean return: ``½(ln 2π + ln σ² + r²/σ²)`` (Liu et al. eq. 9).

    The store keeps ``r²`` and ``σ²``: enough for the NLL, not for the quantile and joint VaR–ES losses (they need
    the return's sign), which is why only DeepVol's NLL Rate is recast as a test.
    """
    r2, s2 = np.asarray(squared_return, dtype=float), np.asarray(variance, dtype=float)
    return 0.5 * (np.log(2 * np.pi) + np.log(s2) + r2 / s2)


def deepvol_dm_by_series(frame: pd.DataFrame, *, variant: str, split: str, target: str, model: str = "DeepVol",
                         benchmark: str = "GARCH(1,1)", portfolios: bool | None = None) -> pd.DataFrame:
    """One DM test per series (stock or index) of DeepVol's NLL against GARCH(1, 1)'s, two-sided, h = 1.

    Returns
    -------
    pandas.DataFrame
        Per asset: ``n``, mean NLL difference (DeepVol − GARCH; negative = DeepVol better), DM statistic, p-value,
        and the Holm and Benjamini–Hochberg adjusted p-values across the series.
    """
    rows = frame[(frame["variant"] == variant) & (frame["split"] == split) & (frame["target"] == target)
                 & frame["model"].isin([model, benchmark])]
    if portfolios is not None:
        is_portfolio = rows["asset"].astype(str).str.fullmatch(PORTFOLIO_NAME)
        rows = rows[is_portfolio == portfolios]
    out = []
    for asset, g in rows.groupby("asset"):
        piv = g.pivot_table(index="date", columns="model", values="forecast").dropna()
        if model not in piv or benchmark not in piv or len(piv) < 20:
            continue
        r2 = g.groupby("date")["actual"].first().reindex(piv.index).to_numpy()
        l_m, l_b = gaussian_nll_losses(r2, piv[model].to_numpy()), gaussian_nll_losses(r2, piv[benchmark].to_numpy())
        if np.allclose(l_m, l_b):
            continue
        res = stats.diebold_mariano_losses(l_m, l_b)
        out.append({"asset": asset, "n": res.n, "nll_diff": res.mean_loss_diff, "dm": res.statistic, "p": res.pvalue})
    table = pd.DataFrame(out, columns=["asset", "n", "nll_diff", "dm", "p"]).set_index("asset")
    if len(table):
        table["p_holm"] = stats.adjust_pvalues(table["p"], "holm")
        table["p_bh"] = stats.adjust_pvalues(table["p"], "bh")
    return table


def deepvol_summary(table: pd.DataFrame, alpha: float = 0.05) -> dict[str, float]:
    """Shares of series: DeepVol's mean NLL lower (the paper's Rate), significantly lower / higher (BH at ``alpha``)."""
    n = len(table)
    if n == 0:
        return {"series": 0, "rate": np.nan, "better_bh": np.nan, "worse_bh": np.nan, "better_raw": np.nan}
    better = (table["p_bh"] < alpha) & (table["dm"] < 0)
    worse = (table["p_bh"] < alpha) & (table["dm"] > 0)
    return {"series": n, "rate": float((table["nll_diff"] < 0).mean()), "better_bh": float(better.mean()),
            "worse_bh": float(worse.mean()), "better_raw": float(((table["p"] < alpha) & (table["dm"] < 0)).mean())}


def deepvol_claims(summaries: Mapping[str, dict], *, provisional: bool = False) -> list[Claim]:
    """Claims: the paper's NLL Rate against our share of series where DeepVol is *significantly* better (BH, 5 %).

    Rule ``share`` (above ½): the paper's Rate counts wins without a test; the recast asks whether those wins
    survive a per-series DM test and a correction for testing many series at once.
    """
    claims = []
    for key, (label, _, variant, _, _, _) in DEEPVOL_GROUPS.items():
        paper_rate = deepvol_paper_rate(key)
        s = summaries.get(key)
        cid = f"deepvol.{key}.dm_bh"
        if s is None or not s["series"]:
            claims.append(Claim(cid, paper_rate, None, variant, verdicts.not_comparable(
                "no_data", "chapter 08's forecasts are not in the store"), label))
            continue
        claims.append(Claim(cid, paper_rate, round(s["better_bh"], 4), variant,
                            verdicts.share(paper_rate, s["better_bh"], threshold=0.5, side="above"),
                            f"{label}: share of {s['series']} series where DeepVol's NLL is significantly below "
                            f"GARCH(1,1)'s (DM per series, Benjamini–Hochberg 5 %); untested Rate {s['rate']:.2f}",
                            provisional))
    return claims
