"""Chapter 09: Dhansoia (2025) Tables 4 and 6 — Diebold–Mariano tests of the transfer LSTM, the LSTM from scratch
and the moving average (:func:`volrep.stats.diebold_mariano`, HLN-corrected) on chapters 05–06's stored forecasts,
per seed and for the seed-averaged forecast, and their claims.

Table 4: the p-values of the transfer LSTM's gain over the LSTM from scratch (squared and absolute errors, one-sided);
Table 6: DM against HAR (the hybrid's row is chapter 06's claim).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from volrep import stats, verdicts
from volrep.report import Claim


# --------------------------------------------------------------------------------------------------------------
# Dhansoia (2025) Tables 4 and 6
# --------------------------------------------------------------------------------------------------------------
#: Dhansoia (2025) Table 6: DM statistic and p-value against HAR (the paper prints "< 0.001" for three rows; the
#: bound is stored).
DHANSOIA_TABLE6 = pd.DataFrame(
    {"dm": [-7.63, -7.31, -18.26, -0.42], "p_value": [0.001, 0.001, 0.001, 0.674]},
    index=pd.Index(["Transfer LSTM", "LSTM (scratch)", "Moving Average", "HAR-LSTM Hybrid"], name="model"))
#: Our store's model names for Table 6's rows (the transfer model is the authors' code's choice, chapter 05).
DHANSOIA_SOURCES = {"faithful": "yahoo", "proper": "rv", "sim": "sim"}


def _dhansoia_rows(frame: pd.DataFrame, variant: str) -> pd.DataFrame:
    return frame[(frame["variant"] == variant) & (frame["horizon"] == 1)]


def _per_seed(rows: pd.DataFrame, model: str) -> dict[object, pd.Series]:
    sel = rows[rows["model"] == model]
    out = {int(s): g.set_index("date")["forecast"].sort_index() for s, g in sel.groupby("seed")}
    if len(out) > 1:
        out["mean forecast"] = pd.concat(out.values(), axis=1).mean(axis=1)
    return out


def dhansoia_table4(frame: pd.DataFrame, variant: str, transfer_model: str,
                    scratch_model: str = "LSTM (from scratch)") -> pd.DataFrame:
    """Table 4's p-values: DM of the transfer LSTM against the LSTM from scratch, per seed and seed-averaged.

    One-sided (alternative: the transfer model is more accurate), HLN-corrected, one day ahead; squared errors for
    the RMSE row, absolute errors for the MAE row. The paper does not name its test; its R² and correlation rows have
    no DM counterpart.
    """
    rows = _dhansoia_rows(frame, variant)
    actual = rows.groupby("date")["actual"].first().sort_index()
    transfer, scratch = _per_seed(rows, transfer_model), _per_seed(rows, scratch_model)
    out = []
    for seed in transfer:
        if seed not in scratch:
            continue
        t, s = transfer[seed], scratch[seed]
        common = t.index.intersection(s.index)
        y = actual.loc[common]
        et, es = (y - t.loc[common]).to_numpy(), (y - s.loc[common]).to_numpy()
        se = stats.diebold_mariano(et, es, loss="se", alternative="less")
        ae = stats.diebold_mariano(et, es, loss="ae", alternative="less")
        out.append({"seed": seed, "dm_se": se.statistic, "p_rmse": se.pvalue, "dm_ae": ae.statistic, "p_mae": ae.pvalue,
                    "n": se.n})
    return pd.DataFrame(out, columns=["seed", "dm_se", "p_rmse", "dm_ae", "p_mae", "n"]).set_index("seed")


def dhansoia_table6(frames: Mapping[str, pd.DataFrame], variant: str, transfer_model: str) -> pd.DataFrame:
    """Table 6: DM (HLN, squared errors, two-sided) of each model against HAR, per seed and seed-averaged.

    Oriented as the paper and chapter 06: ``d_t = e²_HAR − e²_model``, negative when the model is less accurate than
    HAR. The transfer LSTM, the LSTM from scratch and the moving average come from chapter 05's store rows, the
    hybrid from chapter 06's; HAR is each chapter's own (the same forecast).
    """
    wanted = {"Transfer LSTM": ("05_transfer_lstm", transfer_model),
              "LSTM (scratch)": ("05_transfer_lstm", "LSTM (from scratch)"),
              "Moving Average": ("05_transfer_lstm", "Moving Average"),
              "HAR-LSTM Hybrid": ("06_hybrids", "HAR-LSTM Hybrid")}
    out = []
    for paper_row, (chapter, model) in wanted.items():
        if chapter not in frames:
            continue
        rows = _dhansoia_rows(frames[chapter], variant)
        if rows.empty or not (rows["model"] == model).any() or not (rows["model"] == "HAR").any():
            continue
        actual = rows.groupby("date")["actual"].first().sort_index()
        har = rows[rows["model"] == "HAR"].groupby("date")["forecast"].mean().sort_index()
        for seed, fc in _per_seed(rows, model).items():
            common = fc.index.intersection(har.index)
            y = actual.loc[common]
            res = stats.diebold_mariano((y - har.loc[common]).to_numpy(), (y - fc.loc[common]).to_numpy(), loss="se")
            out.append({"model": paper_row, "chapter": chapter, "seed": seed, "dm": res.statistic,
                        "p_value": res.pvalue, "n": res.n})
    return pd.DataFrame(out, columns=["model", "chapter", "seed", "dm", "p_value", "n"])


def _final(table: pd.DataFrame) -> pd.Series:
    """The seed-averaged row of a per-seed table (``"mean forecast"``), or the only seed."""
    if "mean forecast" in table.index:
        return table.loc["mean forecast"]
    return table.iloc[0]


def dhansoia_claims(t4: Mapping[str, pd.DataFrame], t6: Mapping[str, pd.DataFrame], *, paper_t4: pd.DataFrame,
                    provisional: bool = False) -> list[Claim]:
    """Claims on Tables 4 (p-values) and 6 (DM against HAR), rule ``decision``, on the seed-averaged forecast.

    ``t4``/``t6`` by variant (:func:`dhansoia_table4`, :func:`dhansoia_table6`). Table 6's hybrid row is chapter
    06's claim (``dhansoia.T6.har_lstm_hybrid.dm_*``) and is not repeated.
    """
    claims = []
    for variant, table in t4.items():
        src = DHANSOIA_SOURCES.get(variant, variant)
        note = "seed-averaged forecast; " + ("the paper's 22-day rolling-std target" if variant == "faithful"
                                             else "log daily RV target (ours)")
        for metric, pcol, scol in (("rmse", "p_rmse", "dm_se"), ("mae", "p_mae", "dm_ae")):
            paper_p = float(paper_t4.loc[metric, "p_value"])
            if table.empty:
                claims.append(Claim(f"dhansoia.T4.{metric}.p_value_{src}", paper_p, None, variant,
                                    verdicts.not_comparable("no_data", "chapter 05's forecasts are not in the store")))
                continue
            row = _final(table)
            claims.append(Claim(f"dhansoia.T4.{metric}.p_value_{src}", paper_p, round(float(row[pcol]), 4), variant,
                                verdicts.decision(paper_p, float(row[pcol])),
                                f"one-sided DM ({'squared' if metric == 'rmse' else 'absolute'} errors), H1: transfer "
                                f"LSTM more accurate than scratch; {note}", provisional))
        claims.append(Claim(f"dhansoia.T4.correlation.p_value_{src}", float(paper_t4.loc["correlation", "p_value"]),
                            None, variant, verdicts.not_comparable("no_number", "the paper names no test; a DM test has "
                                                                   "no correlation counterpart"), note))
    slugs = {"Transfer LSTM": "transfer_lstm", "LSTM (scratch)": "lstm_scratch", "Moving Average": "moving_average"}
    for variant, table in t6.items():
        src = DHANSOIA_SOURCES.get(variant, variant)
        for paper_row, slug in slugs.items():
            sub = table[table["model"] == paper_row].set_index("seed")
            paper = DHANSOIA_TABLE6.loc[paper_row]
            cid = f"dhansoia.T6.{slug}.dm_{src}"
            if sub.empty:
                claims.append(Claim(cid, float(paper["dm"]), None, variant, verdicts.not_comparable(
                    "no_data", "chapter 05's forecasts are not in the store"), ""))
                continue
            row = _final(sub)
            is_net = paper_row != "Moving Average"
            claims.append(Claim(cid, float(paper["dm"]), round(float(row["dm"]), 3), variant,
                                verdicts.decision(float(paper["p_value"]), float(row["p_value"]),
                                                  paper_stat=float(paper["dm"]), ours_stat=float(row["dm"])),
                                "two-sided DM (HLN, squared errors) against HAR, d = e²_HAR − e²_model; "
                                + ("seed-averaged forecast; " if is_net else "")
                                + ("the paper's 22-day rolling-std target" if variant == "faithful" else "log daily RV"),
                                provisional and is_net))
    return claims
