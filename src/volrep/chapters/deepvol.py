"""Chapter 08 — DeepVol (Liu, Tran, Wang, Gerlach & Kohn 2023, §3, Tables 2, 3 and 5).

The σ forecasts of DeepVol and the GARCH(1, 1) benchmark, the risk tables in the paper's layout, the claims with
their verdict rules, and the two extensions (per-stock fine-tuning; σ forecasts against realized variance). The
data preparation for both case studies is in :mod:`volrep.chapters.deepvol_data` (its names are re-exported
here, so the notebook reads ``ch.case1_data``); the network, its loss, the portfolio generator and the training
loop are in :mod:`volrep.models.deepvol`; the risk metrics in :mod:`volrep.evaluate`.

Units and alignment
-------------------
Returns are **percent** log returns (100 × log close-to-close), the units in which the paper's NLL (≈ 2) and
quantile losses (≈ 50–500) are printed. Forecasts are kept wide (dates × series) and indexed by **target date**:
the σ at date d forecasts the return of d and was made with the series' returns before d (its previous
observed return is the origin). No series is demeaned (the authors' code demeans each series over its whole
sample, a look-ahead; the Oxford-Man returns come demeaned over their sample, which we cannot undo).

Train and test days
-------------------
Each series has a last training date (:func:`train_ends`): a common date (case study 1's training stocks: end
of August 2019) or the date of its ``floor(0.8 n)``-th observed return (the paper's "first 80 %" for new stocks
and portfolios), the rule of :func:`volrep.models.garch_panel.garch_panel_forecasts`. Metrics are computed on the
days where the return and every model's forecast exist: the training days after the first return (which no
model forecasts from data) and the test days.

References
----------
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §2.3, §3.1–3.3, Tables 2–5.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from arch.utility.exceptions import ConvergenceWarning

from volrep import evaluate, verdicts
from volrep.chapters.deepvol_data import (
    MAX_MISSING,
    PERCENT,
    PERIOD,
    TRAIN_END,
    TRAIN_FRAC,
    CaseData,
    PanelReport,
    case1_data,
    case2_data,
    index_panel,
    panel_returns,
    portfolio_panel,
    simulate_index_frame,
    simulate_stock_prices,
    split_stocks,
    train_ends,
)
from volrep.errors import ConfigError
from volrep.models import deepvol as dv
from volrep.models.garch import fit_garch
from volrep.models.garch_panel import GARCH11, garch_panel_forecasts
from volrep.papers import LIU_METRICS
from volrep.report import Claim

__all__ = [
    "DEEPVOL",
    "FINETUNE_COPIES",
    "FINETUNE_LR",
    "GARCH",
    "MAX_MISSING",
    "METRICS",
    "PERCENT",
    "PERIOD",
    "TRAIN_END",
    "TRAIN_FRAC",
    "CaseData",
    "PanelReport",
    "Refit",
    "SigmaForecasts",
    "authors_checkpoint_claims",
    "case1_data",
    "case2_data",
    "comparison_table",
    "deepvol_sigma",
    "finetune_sigma",
    "garch_in_sample",
    "garch_sigma",
    "index_panel",
    "panel_returns",
    "portfolio_panel",
    "risk_tables",
    "rv_comparison",
    "simulate_index_frame",
    "simulate_stock_prices",
    "split_stocks",
    "still_learning",
    "store_rows",
    "table_claims",
    "train_ends",
    "truth_correlation",
]

#: The metric rows of Tables 2, 3 and 5, in the paper's order (keys of :func:`volrep.evaluate.risk_metrics`).
METRICS = LIU_METRICS
#: Model labels of the tables.
GARCH, DEEPVOL = "GARCH", "DeepVol"
#: Fine-tuning (beyond the paper): Adam's learning rate, a tenth of pre-training's, and stretches per mini-batch.
FINETUNE_LR = 1e-4
FINETUNE_COPIES = 8

Refit = Literal["daily", "none"]


# --------------------------------------------------------------------------------------------------------------
# Forecasts
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SigmaForecasts:
    """Gaussian one-step forecasts of a panel, dates × series, indexed by target date: σ and the mean (percent).

    ``not_converged`` counts the estimations behind them whose optimiser did not converge (GARCH; their
    estimates are still used, as ``arch`` returns them or as the previous day's, see
    :func:`~volrep.models.garch_panel.garch_panel_forecasts`).
    """

    sigma: pd.DataFrame
    mean: pd.DataFrame
    not_converged: int = 0


def _by_target(origin_values: pd.Series) -> pd.Series:
    """Forecasts indexed by origin (a series' observed dates) re-indexed by the date of the return they forecast."""
    return pd.Series(origin_values.to_numpy()[:-1], index=origin_values.index[1:], name=origin_values.name)


def deepvol_sigma(model: dv.DeepVol, returns: pd.DataFrame, *, batch_size: int = 64) -> SigmaForecasts:
    """DeepVol's σ for every return after a series' first, each made from all earlier returns (zero mean, eq. 3a)."""
    series = [returns[c].dropna().rename(str(c)) for c in returns.columns]
    sigma = pd.DataFrame({s.name: _by_target(f) for s, f in zip(series, dv.forecast_sigma(model, series,
                                                                                            batch_size=batch_size))})
    sigma = sigma.reindex(index=returns.index, columns=[str(c) for c in returns.columns])
    return SigmaForecasts(sigma, pd.DataFrame(0.0, index=sigma.index, columns=sigma.columns).where(sigma.notna()))


def garch_in_sample(returns: pd.DataFrame, ends: pd.Series) -> SigmaForecasts:
    """GARCH(1, 1) estimated once on each series' training returns, its variance filter run over the whole series.

    On the training days this is the fitted model's in-sample conditional σ (the "Train data" columns of
    Tables 2 and 5); on the test days it is the forecast with **fixed** parameters (no re-estimation).
    """
    sigma, mean, failed = {}, {}, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted in not_converged
        for name in returns.columns:
            y = returns[name].dropna() / PERCENT
            res = fit_garch(y, GARCH11, last_obs=ends[str(name)])
            failed += int(res.convergence_flag != 0)
            variance = res.forecast(horizon=1, start=y.index[0], reindex=False).variance["h.1"]
            sigma[str(name)] = _by_target(np.sqrt(variance))
            mean[str(name)] = pd.Series(float(res.params["mu"]), index=sigma[str(name)].index)
    frame = pd.DataFrame(sigma).reindex(index=returns.index, columns=[str(c) for c in returns.columns])
    return SigmaForecasts(frame, pd.DataFrame(mean).reindex_like(frame), failed)


def garch_sigma(returns: pd.DataFrame, ends: pd.Series, *, refit: Refit, train_end: pd.Timestamp | None = None,
                workers: int = 1, progress: bool = False) -> SigmaForecasts:
    """The GARCH(1, 1) benchmark: in-sample σ on the training days, one-step forecasts on the test days.

    ``refit="daily"`` (the paper): re-estimated every test day on all returns so far
    (:func:`~volrep.models.garch_panel.garch_panel_forecasts`, split at ``train_end`` if given, else at 80 % of
    each series, matching ``ends``). ``refit="none"``: the training fit's parameters throughout
    (:func:`garch_in_sample`), a shortcut for quick runs.
    """
    fixed = garch_in_sample(returns, ends)
    if refit == "none":
        return fixed
    if refit != "daily":
        raise ConfigError(f"refit must be 'daily' or 'none', got {refit!r}")
    kwargs = {"train_end": train_end} if train_end is not None else {"train_frac": TRAIN_FRAC}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted in not_converged
        result = garch_panel_forecasts(returns / PERCENT, workers=workers, progress=progress, **kwargs)
    panel = result.forecasts.reset_index()
    test_sigma = panel.pivot(index="target", columns="series", values="variance").pipe(lambda v: np.sqrt(v) * PERCENT)
    test_mean = panel.pivot(index="target", columns="series", values="param_mu")
    after = pd.DataFrame({c: fixed.sigma.index > ends[c] for c in fixed.sigma.columns}, index=fixed.sigma.index)
    sigma = fixed.sigma.mask(after, test_sigma.reindex_like(fixed.sigma))
    mean = fixed.mean.mask(after, test_mean.reindex_like(fixed.mean))
    return SigmaForecasts(sigma, mean, fixed.not_converged + int(result.report["n_failed"].sum()))


def finetune_sigma(model: dv.DeepVol, returns: pd.DataFrame, ends: pd.Series, names: Sequence[str], *, steps: int,
                   lr: float, window: int | None, copies: int, seed: int, progress: bool = False) -> SigmaForecasts:
    """DeepVol fine-tuned on each stock alone, then forecasting that stock (the paper's "research underway", §4).

    For every name a copy of the trained ``model`` takes ``steps`` Adam steps at ``lr`` on mini-batches of
    ``copies`` random stretches of ``window`` returns of the stock's own training returns (no portfolios;
    :func:`volrep.models.deepvol.train_deepvol` with a pool of one series), seeded with ``seed``.
    """
    from volrep.progress import steps as progress_steps

    sigma, mean = [], []
    for name in progress_steps(names, desc="fine-tuning", unit="stock", show=progress):
        tuned = copy.deepcopy(model)
        pool = dv.ReturnPool.from_frame(returns[[name]], end=ends[name], label=str(name))
        dv.train_deepvol(tuned, pool, steps=steps, seed=seed, lr=lr, n_real=copies, n_portfolios=0, window=window)
        out = deepvol_sigma(tuned, returns[[name]])
        sigma.append(out.sigma)
        mean.append(out.mean)
    return SigmaForecasts(pd.concat(sigma, axis=1), pd.concat(mean, axis=1))


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------
def _part_mask(returns: pd.DataFrame, ends: pd.Series, part: str) -> pd.DataFrame:
    """True on the training (``"train"``: up to the series' last training date) or test (``"test"``) days."""
    if part not in ("train", "test"):
        raise ConfigError(f"part must be 'train' or 'test', got {part!r}")
    limit = ends.reindex([str(c) for c in returns.columns]).to_numpy(dtype="datetime64[ns]")
    before = returns.index.to_numpy()[:, None] <= limit[None, :]
    return pd.DataFrame(before if part == "train" else ~before, index=returns.index, columns=returns.columns)


def _common(returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts], part: str) -> pd.DataFrame:
    """Days of ``part`` on which the return and every model's σ exist."""
    ok = returns.notna() & _part_mask(returns, ends, part)
    for f in forecasts.values():
        ok &= f.sigma.reindex_like(returns).notna()
    return ok


def risk_tables(returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts],
                part: str) -> dict[str, pd.DataFrame]:
    """Per model, one row per series of :func:`volrep.evaluate.risk_metrics` on the common days of ``part``."""
    ok = _common(returns, ends, forecasts, part)
    out = {}
    for model, f in forecasts.items():
        rows = {}
        for name in returns.columns:
            keep = ok[name].to_numpy()
            rows[str(name)] = evaluate.risk_metrics(returns[name].to_numpy()[keep], f.sigma[name].to_numpy()[keep],
                                                    mean=f.mean[name].to_numpy()[keep])
        out[model] = pd.DataFrame.from_dict(rows, orient="index")
    return out


def comparison_table(parts: Mapping[str, Mapping[str, pd.DataFrame]], *, model: str = DEEPVOL,
                     benchmark: str = GARCH) -> pd.DataFrame:
    """Tables 2, 3 and 5's layout: per column group (``parts`` key), the benchmark's and the model's means over
    series and the model's win rate (:func:`volrep.evaluate.risk_comparison`), one row per metric of
    :data:`METRICS`."""
    frames = {label: evaluate.risk_comparison(t[model][list(METRICS)], t[benchmark][list(METRICS)],
                                              model_name=model, benchmark_name=benchmark)[[benchmark, model, "rate"]]
              for label, t in parts.items()}
    return pd.concat(frames, axis=1)


def rv_comparison(rv: pd.DataFrame, returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts],
                  *, benchmark: str = GARCH) -> tuple[pd.DataFrame, pd.DataFrame]:
    """σ² forecasts against 5-minute realized variance on the test days (beyond the paper).

    Per index and model: QLIKE of the variance forecast against RV (:func:`volrep.evaluate.qlike`), the
    correlation of log σ² with log RV, and the mean of log(σ² / RV). RV measures the trading session only, so the
    forecasts of a close-to-close variance sit above it by the overnight share: the correlation is unaffected,
    QLIKE is not (the comparison between models stands, their levels do not).

    Returns
    -------
    per_index
        Index × (model, metric).
    summary
        Per model: the means over indices, and the share of indices on which it beats ``benchmark`` (lower
        QLIKE; higher correlation).
    """
    ok = _common(returns, ends, forecasts, "test") & (rv.reindex_like(returns) > 0)
    rows = {}
    for name in returns.columns:
        keep = ok[name]
        actual = rv[name][keep]
        for model, f in forecasts.items():
            var = f.sigma[name][keep] ** 2
            rows[(str(name), model)] = {"qlike": evaluate.qlike(actual, var),
                                        "log_correlation": evaluate.correlation(np.log(actual), np.log(var)),
                                        "mean_log_ratio": float(np.mean(np.log(var / actual))), "n": int(keep.sum())}
    per_index = pd.DataFrame.from_dict(rows, orient="index").unstack(level=1).swaplevel(axis=1).sort_index(axis=1)
    summary = {}
    for model in forecasts:
        mine, base = per_index[model], per_index[benchmark]
        summary[model] = {"qlike": mine["qlike"].mean(), "log_correlation": mine["log_correlation"].mean(),
                          "mean_log_ratio": mine["mean_log_ratio"].mean(),
                          "qlike_rate": evaluate.win_rate(mine["qlike"], base["qlike"]),
                          "correlation_rate": evaluate.win_rate(-mine["log_correlation"], -base["log_correlation"])}
    return per_index, pd.DataFrame.from_dict(summary, orient="index")


def truth_correlation(truth: pd.DataFrame, returns: pd.DataFrame, ends: pd.Series,
                      forecasts: Mapping[str, SigmaForecasts]) -> pd.Series:
    """Simulated data: mean over series of the test-day correlation between each model's σ and the true σ."""
    ok = _common(returns, ends, forecasts, "test")
    return pd.Series({model: float(np.mean([np.corrcoef(truth[c][ok[c]], f.sigma[c][ok[c]])[0, 1]
                                            for c in returns.columns])) for model, f in forecasts.items()})


# --------------------------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------------------------
def _id(label: str) -> str:
    """A metric or column label as a claim-id part: ``"qloss_2.5%"`` → ``"qloss_2p5"``, spaces to ``_``."""
    return label.replace("%", "").replace(".", "p").replace(" ", "_").lower()


def table_claims(paper: pd.DataFrame, ours: pd.DataFrame, *, table: str, variant: str, levels: bool,
                 note: str = "", provisional: bool = False) -> list[Claim]:
    """One claim per cell of a paper table (:func:`volrep.papers.liu_table2` layout) against ours.

    Ids ``deepvol.<table>.<metric>.<column group>_<garch|deepvol|rate>``.

    * Rates (share of series on which DeepVol beats GARCH): rule ``share`` (above one half, within 0.10).
    * DeepVol averages: DeepVol against GARCH is the claim, so rule ``effect`` on DeepVol − GARCH on each side
      (never the level alone: a DeepVol level close to the paper's but on the wrong side of our GARCH is not a
      reproduction).
    * GARCH averages: rule ``level`` when ``levels`` (the same market and test period), otherwise *not comparable*
      (``other_assets``), as are DeepVol's levels then — its effect against GARCH is still judged.
    """
    claims = []
    for metric in paper.index:
        for part, column in paper.columns:
            p, o = float(paper.loc[metric, (part, column)]), float(ours.loc[metric, (part, column)])
            if column == "rate":
                judgement, why = verdicts.share(p, o), "share of series where DeepVol beats GARCH"
            elif column == "DeepVol":
                pg, og = float(paper.loc[metric, (part, "GARCH")]), float(ours.loc[metric, (part, "GARCH")])
                judgement = verdicts.effect(p, o, paper_benchmark=pg, ours_benchmark=og)
                why = "mean over series, judged on DeepVol − GARCH"
            elif levels:
                judgement, why = verdicts.level(p, o), "mean over series"
            else:
                judgement = verdicts.not_comparable("other_assets", "other assets: levels differ")
                why = "mean over series"
            claims.append(Claim(f"deepvol.{table}.{_id(metric)}.{_id(part)}_{column.lower()}", p, o, variant, judgement,
                                f"{why}{'; ' + note if note else ''}", provisional and column != "GARCH"))
    return claims


def still_learning(history: dv.TrainingHistory) -> bool:
    """True if DeepVol's training loss was still falling at the step budget (:func:`volrep.verdicts.loss_still_falling`)."""
    return verdicts.loss_still_falling(history.loss)


# --------------------------------------------------------------------------------------------------------------
# Forecast store
# --------------------------------------------------------------------------------------------------------------
def store_rows(returns: pd.DataFrame, ends: pd.Series, forecasts: Mapping[str, SigmaForecasts], *, chapter: str,
               variant: str, split: str, actual: pd.DataFrame | None = None, target: str = "squared_return") -> pd.DataFrame:
    """Test-day variance forecasts as forecast-store rows (:mod:`volrep.store`), one per model, series and day.

    ``forecast`` is σ² (percent²); ``actual`` the squared return (default) or the given panel (e.g. RV);
    ``date`` the forecast origin, i.e. the series' previous observed date. Horizon 1, seed 0.
    """
    truth = returns**2 if actual is None else actual.reindex_like(returns)
    ok = (_common(returns, ends, forecasts, "test") & truth.notna()).to_numpy()
    rows, cols = np.nonzero(ok)
    observed = np.where(returns.notna().to_numpy(), returns.index.to_numpy()[:, None], np.datetime64("NaT", "ns"))
    origin = pd.DataFrame(observed).ffill().shift(1).to_numpy()  # the previous observed date of each series
    keys = {"date": origin[rows, cols], "actual": truth.to_numpy()[rows, cols], "asset": returns.columns.to_numpy()[cols]}
    frames = [pd.DataFrame({**keys, "model": model, "forecast": f.sigma.reindex_like(returns).to_numpy()[rows, cols] ** 2})
              for model, f in forecasts.items()]
    out = pd.concat(frames, ignore_index=True).assign(chapter=chapter, variant=variant, target=target, horizon=1,
                                                      split=split, seed=0)
    out["asset"] = out["asset"].astype(str)
    return out[["chapter", "model", "asset", "variant", "target", "horizon", "split", "seed", "date", "forecast", "actual"]]


def authors_checkpoint_claims(winners: pd.DataFrame) -> list[Claim]:
    """Claims on the authors' pretrained checkpoint, scored by us on their MSFT experiment
    (:func:`volrep.models.deepvol_code.run_experiment`, :func:`~volrep.models.deepvol_code.winners`).

    One claim per loss the authors' notebook prints: its DeepVol − GARCH gap against ours with the same weights and
    the same daily refitted GARCH (rule ``effect``; "paper" is the authors' printed gap, the code's own result).
    """
    return [Claim(f"deepvol.code.msft.{row['loss']}_gap", round(float(row["gap_authors"]), 6), round(float(row["gap_ours"]), 6),
                  "faithful", verdicts.effect(float(row["gap_authors"]), float(row["gap_ours"])),
                  "DeepVol − GARCH(1, 1) on MSFT, 2022-2024, the authors' checkpoint; the authors' value is their "
                  "notebook's printed output")
            for _, row in winners.iterrows() if np.isfinite(row["gap_authors"])]
