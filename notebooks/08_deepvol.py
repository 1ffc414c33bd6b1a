# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # DeepVol: one LSTM for the volatility of every stock
#
# Liu, Tran, Wang, Gerlach & Kohn (2023) train a single sequence-to-sequence LSTM (3 layers × 400 units, Table 1)
# that maps a stock's past daily returns to the next day's σ, by Gaussian likelihood (eq. 3c), on mini-batches of
# 32 real stocks and 32 freshly drawn artificial portfolios (§2.3). They report that this one network beats a
# GARCH(1, 1) fitted to each series and re-estimated every day: on the 100 S&P 500 stocks it was trained on
# (Table 2), on 305 stocks it never saw and on 300 portfolios of them (Table 3), and on 4,470 global stocks
# (Table 5), on 71–100 % of the series depending on the metric.
#
# Here: both case studies on the data we have, the benchmark as the paper describes it, the risk metrics of §3.1,
# the size the authors' public code actually trains (1 × 128) as a variant, and two things the paper does not do —
# fine-tuning the universal model on one stock, and checking its σ against realized variance.

# %% tags=["parameters"]
profile = "quick"  # quick or full
data_source = "mirror"  # mirror: real data (VOLREP_DATA_DIR or download); sim: simulated panels instead
seed = 0
model_size = None  # main DeepVol: "paper" (Table 1, 3 x 400), "authors_code" (1 x 128) or "<layers>x<hidden>" (None: the profile's)
variant_size = None  # the variant network, same choices (None: the profile's; the paper's comparison is paper vs authors_code)
steps = None  # Adam steps of the main model (None: the profile's value)
variant_steps = None  # Adam steps of the variant
case2_steps = None  # Adam steps of the case-study-2 model (indices)
window = None  # train on random stretches of this many returns; 0 means whole series, as in the paper (None: the profile's)
garch_refit = None  # GARCH(1, 1) re-estimation on the test days: daily (the paper) or none (training-fit parameters)
garch_workers = None  # processes for the daily GARCH refits
n_train = None  # training stocks drawn at random (the paper: 100)
n_portfolios = None  # artificial portfolios of new stocks (the paper: 300)
finetune_stocks = None  # new stocks on which the universal model is fine-tuned
finetune_steps = None  # fine-tuning steps per stock
sim_stocks = None  # simulated stocks when data_source is sim
sim_days = None  # simulated days when data_source is sim

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from volrep import capability, config, papers, report, store
from volrep.chapters import deepvol as ch
from volrep.models import deepvol as dv
from volrep.models import deepvol_code as dvc

settings = config.chapter_settings(
    "08_deepvol", profile, model_size=model_size, variant_size=variant_size, steps=steps, variant_steps=variant_steps,
    case2_steps=case2_steps, window=window, garch_refit=garch_refit, garch_workers=garch_workers, n_train=n_train,
    n_portfolios=n_portfolios, finetune_stocks=finetune_stocks, finetune_steps=finetune_steps, sim_stocks=sim_stocks,
    sim_days=sim_days)
config.seed_everything(seed)
report.use_style()
pd.set_option("display.float_format", "{:.4g}".format)
WINDOW = settings["window"] or None
MAIN, VARIANT = dv.parse_config(settings["model_size"]), dv.parse_config(settings["variant_size"])
timings = {}
print(f"device: {config.device()}; main {MAIN}; variant {VARIANT}; window {WINDOW}; GARCH refit {settings['garch_refit']}")

# %% [markdown]
# ## Case study 1: S&P 500 members
#
# The paper's data are "the current S&P 500 constituents" from January 2005 to March 2023, with stocks of more than
# 200 missing days removed (405 remain), 100 drawn for training and the other 305 as "new stocks". Ours is a
# snapshot of the 503 members **of July 2025** (Yahoo adjusted closes). Both panels are **survivorship-biased**:
# only companies that were still (or had become) members at the end are included, so every stock in the sample
# survived to 2023–2025, and none of the firms that left the index — through bankruptcy, takeover or decline — is
# there. Survivors had calmer tails on average; that flatters any volatility model's tail losses, GARCH's and
# DeepVol's alike. Ours is a later list than the paper's (two more years of index changes), so the two samples
# overlap but are not the same stocks.
#
# Returns are percent log returns of adjusted closes; a return after a missing close is left out (counted). The
# 100 training stocks are split at the end of August 2019, new stocks and portfolios at 80 % of each series
# (§3.2.2), which is within days of the same date.

# %%
t0 = time.perf_counter()
case1 = ch.case1_data(data_source, seed=seed, n_train=settings["n_train"], n_portfolios=settings["n_portfolios"],
                      sim_stocks=settings["sim_stocks"], sim_days=settings["sim_days"])
timings["data"] = time.perf_counter() - t0
display(Markdown(report.provenance_markdown(case1.provenance)))
case1.report.summary().to_frame("count")

# %%
# NBVAL_CHECK_OUTPUT
print(", ".join(f"{k}: {v}" for k, v in case1.report.summary().items()))
for g, r in case1.returns.items():
    e = case1.train_ends[g]
    print(f"{g}: {r.shape[1]} series, last training date {e.min():%Y-%m-%d} .. {e.max():%Y-%m-%d}, "
          f"returns {int(r.notna().sum().sum())}")
print(f"portfolio sizes {case1.members['size'].min()}-{case1.members['size'].max()}, "
      f"dates left out for incomplete members (mean) {case1.members['n_incomplete'].mean():.1f}")

# %% [markdown]
# ## Training
#
# The main model follows Table 1 in all but what the profile changes: Adam at a fixed 1e-3, Gaussian NLL
# (eq. 5, each series weighted 1/m), mini-batches of 32 training stocks (in epochs over the 100) and 32 portfolios
# of 20–30 of them with weights uniform on the simplex, freshly drawn at every step from the returns up to the end
# of August 2019. The paper gives neither the number of steps nor a stopping rule: we train a fixed number of
# steps. **`quick` profile** (every simplification): the paper's three layers at a width of 64 instead of 400,
# trained on random stretches of 200 returns instead of whole series, for 200 steps (120 in case study 2); the
# GARCH benchmark keeps its training-fit parameters on the test days instead of being re-estimated daily; 100
# portfolios of new stocks instead of 300; fine-tuning on 10 stocks. `full` trains the 3 × 400 network on whole
# series for 1,500 steps (days on one CPU core; use a GPU), re-estimates GARCH every test day and draws 300
# portfolios. At forecast time every network reads each series' whole history (expanding window).

# %%
pool = dv.ReturnPool.from_frame(case1.returns["training stocks"], end=case1.train_end, label="training stocks")
config.seed_everything(seed)
deepvol = dv.build_model(MAIN)
history = dv.train_deepvol(deepvol, pool, steps=settings["steps"], seed=seed, window=WINDOW)
config.seed_everything(seed)
variant = dv.build_model(VARIANT)
variant_history = dv.train_deepvol(variant, pool, steps=settings["variant_steps"], seed=seed, window=WINDOW)
timings["train main"], timings["train variant"] = history.seconds, variant_history.seconds

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
history.smoothed().plot(ax=ax, label=f"main {MAIN.layers}x{MAIN.hidden}")
variant_history.smoothed().plot(ax=ax, label=f"variant {VARIANT.layers}x{VARIANT.hidden}, dropout {VARIANT.dropout}")
ax.set(title="training NLL per mini-batch (EMA over 50 steps)", xlabel="step", ylabel="NLL")
ax.legend();

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for name, h in (("main", history), ("variant", variant_history)):
    print(f"{name}: {h.steps} steps, NLL first 10 steps {np.mean(h.loss[:10]):.3f}, last 50 {np.mean(h.loss[-50:]):.3f}")

# %% [markdown]
# ## Forecasts
#
# DeepVol: σ of every return from all earlier returns of the series, zero mean (eq. 3a), no retraining.
# GARCH(1, 1) with a constant mean and normal errors, per series: on the training days its in-sample σ (the
# "Train data" columns), on the test days its one-step forecast. VaR and ES are Gaussian with each model's mean
# and σ; the metrics are computed on the days where both models have a forecast.

# %%
t0 = time.perf_counter()
forecasts = {}
for g, r in case1.returns.items():
    garch = ch.garch_sigma(r, case1.train_ends[g], refit=settings["garch_refit"], workers=settings["garch_workers"],
                           train_end=case1.train_end if g == "training stocks" else None)
    forecasts[g] = {ch.GARCH: garch, ch.DEEPVOL: ch.deepvol_sigma(deepvol, r), "variant": ch.deepvol_sigma(variant, r)}
timings["forecasts case 1"] = time.perf_counter() - t0
tables = {g: {part: ch.risk_tables(r, case1.train_ends[g], forecasts[g], part) for part in ("train", "test")}
          for g, r in case1.returns.items()}

# %%
# NBVAL_CHECK_OUTPUT
print("GARCH estimations that did not converge: "
      + ", ".join(f"{g} {f[ch.GARCH].not_converged}" for g, f in forecasts.items()))

# %% [markdown]
# ## Table 2: the training stocks
#
# Ours, then the paper's. Rates are the share of stocks on which DeepVol is better: lower loss, or a violation
# ratio closer to 1.

# %%
table2 = ch.comparison_table(tables["training stocks"])
table2

# %%
papers.liu_table2()

# %%
# NBVAL_CHECK_OUTPUT
print(table2.loc[:, (slice(None), ch.GARCH)].round(3).to_string())

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(table2.round(3).to_string())

# %% [markdown]
# ## Table 3: new stocks and portfolios of new stocks (test days)

# %%
table3 = ch.comparison_table({"new stocks": tables["new stocks"]["test"], "portfolios": tables["portfolios"]["test"]})
table3

# %%
papers.liu_table3()

# %%
# NBVAL_CHECK_OUTPUT
print(table3.loc[:, (slice(None), ch.GARCH)].round(3).to_string())

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(table3.round(3).to_string())

# %% [markdown]
# ### How the Rate of a violation ratio is counted
#
# The paper does not say. Its Table 2 (training data, 2.5 %) gives GARCH an average violation ratio of 1.05 and
# DeepVol 0.88 with DeepVol "better" on 95 % of stocks — hard to square with "closer to 1", which would favour
# GARCH on most stocks, and natural if "better" means "fewer violations". Both counts, on the test days:

# %%
rate_rules = {}
for g in case1.returns:
    t = tables[g]["test"]
    for m in ("violation_ratio_1%", "violation_ratio_2.5%"):
        rate_rules[(g, m)] = {"closer to 1": (abs(t[ch.DEEPVOL][m] - 1) < abs(t[ch.GARCH][m] - 1)).mean(),
                              "lower": (t[ch.DEEPVOL][m] < t[ch.GARCH][m]).mean()}
rate_rules = pd.DataFrame(rate_rules).T
rate_rules

# %% [markdown]
# ## The paper's network against the authors' code
#
# The paper's Table 1 says 3 layers × 400 units; the authors' public code (`script.sh`) trains 1 layer × 128 with
# dropout 0.2. Test-day means and each network's Rate against GARCH, and the share of series on which the main
# model beats the variant:

# %%
size_rows = {}
for g in case1.returns:
    t = tables[g]["test"]
    vs = ch.comparison_table({g: {ch.DEEPVOL: t[ch.DEEPVOL], ch.GARCH: t["variant"]}})[g]
    for name, key in (("main", ch.DEEPVOL), ("variant", "variant")):
        c = ch.comparison_table({g: {ch.DEEPVOL: t[key], ch.GARCH: t[ch.GARCH]}})[g]
        size_rows[(g, name, "mean")] = c[ch.DEEPVOL]
        size_rows[(g, name, "rate vs GARCH")] = c["rate"]
    size_rows[(g, "main vs variant", "rate")] = vs["rate"]
size_table = pd.DataFrame(size_rows).T
size_table

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(size_table[["qloss_1%", "joint_loss_1%", "nll"]].round(3).to_string())

# %% [markdown]
# ## The authors' own pretrained network
#
# The DeepVol repository ships a trained checkpoint (one LSTM layer of 10 units with a softplus variance output) and
# a notebook that scores it on MSFT against a GARCH(1, 1) refitted every day (test from 2022 to 2024-12-27). We
# load the checkpoint, rebuild the notebook's experiment from the mirror's MSFT prices with our losses
# (`volrep.models.deepvol_code`), and set our numbers beside the ones the notebook printed, read from its output.

# %%
authors_run = None
if data_source != "sim":  # the authors' checkpoint is a real-data result
    authors_run = dvc.run_experiment()
    authors_winners = dvc.winners(authors_run.table)
    display(authors_run.table)

# %%
# NBVAL_CHECK_OUTPUT
if authors_run is not None:
    print(f"{authors_run.sizes}; the winner agrees with the authors' printout on "
          f"{int(authors_winners['agree'].sum())} of {int(authors_winners['agree'].notna().sum())} printed losses")

# %% [markdown]
# ## Case study 2: a global pool — here the 31 Oxford-Man indices
#
# The paper's Table 5 uses 4,470 stocks of nine exchanges (Table 4), which are not public. The closest public
# global panel we have is the Oxford-Man Realized Library: daily returns of 31 equity indices of 25 countries,
# 2000 – February 2021. This is **a different experiment**: 31 diversified indices rather than thousands of single
# stocks, so the pool is a hundred times smaller, the series are smoother, and the "portfolios" drawn during
# training are portfolios of indices. Each index is split at 80 % of its returns; the training pool stops at the
# earliest of those dates. The indices' returns come demeaned over their whole sample by the data's publisher.
# The US-stock model of case study 1 is also run on the indices, untouched, as a test of the "universal" claim.

# %%
t0 = time.perf_counter()
case2 = ch.case2_data(data_source, seed=seed, sim_days=settings["sim_days"])
display(Markdown(report.provenance_markdown(case2.provenance)))
indices, ends2 = case2.returns["indices"], case2.train_ends["indices"]
pool2 = dv.ReturnPool.from_frame(indices, end=case2.train_end, label="indices")
config.seed_everything(seed)
deepvol2 = dv.build_model(MAIN)
history2 = dv.train_deepvol(deepvol2, pool2, steps=settings["case2_steps"], seed=seed, window=WINDOW)
forecasts2 = {ch.GARCH: ch.garch_sigma(indices, ends2, refit=settings["garch_refit"], workers=settings["garch_workers"]),
              ch.DEEPVOL: ch.deepvol_sigma(deepvol2, indices), "DeepVol (US stocks)": ch.deepvol_sigma(deepvol, indices)}
timings["case 2"] = time.perf_counter() - t0
tables2 = {part: ch.risk_tables(indices, ends2, forecasts2, part) for part in ("train", "test")}
table5 = ch.comparison_table(tables2)
table5

# %%
papers.liu_table5()

# %%
# NBVAL_CHECK_OUTPUT
print(f"{indices.shape[1]} indices, training pool to {case2.train_end:%Y-%m-%d}")
print(table5.loc[:, (slice(None), ch.GARCH)].round(3).to_string())

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(f"training NLL last 50 steps {np.mean(history2.loss[-50:]):.3f}")
print(table5.round(3).to_string())
transfer = ch.comparison_table({"test": {ch.DEEPVOL: tables2["test"]["DeepVol (US stocks)"], ch.GARCH: tables2["test"][ch.GARCH]}})
print("US-stock model on the indices (test):", ", ".join(f"{m} {r.DeepVol:.3f} (rate {r.rate:.2f})" for m, r in transfer["test"].iterrows()))

# %% [markdown]
# ## Beyond the paper: σ against realized variance
#
# Tail losses judge σ through single returns, a noisy target. The Oxford-Man library also has each day's 5-minute
# realized variance (RV), a far more precise measure of the day's variance. Test days, per index: QLIKE of σ²
# against RV, the correlation of log σ² with log RV, and the mean log ratio σ²/RV (RV leaves out the overnight
# return, so close-to-close forecasts should sit above it); then the means over indices and the share of indices on
# which each model beats GARCH.

# %%
per_index, rv_summary = ch.rv_comparison(case2.rv, indices, ends2, forecasts2)
rv_summary

# %%
# NBVAL_CHECK_OUTPUT
print(rv_summary.loc[[ch.GARCH]].round(3).to_string())

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(rv_summary.round(3).to_string())

# %% [markdown]
# ## Beyond the paper: fine-tuning on one stock
#
# §4 leaves it as "research underway": start from the universal model and fine-tune it on one stock. For the
# first new stocks (alphabetically), a copy of the main model takes a few Adam steps at 1e-4 on batches of 8
# random stretches of the stock's own training returns; test-day metrics of the universal model, the fine-tuned
# one and GARCH on the same stocks.

# %%
t0 = time.perf_counter()
new = case1.returns["new stocks"]
chosen = list(new.columns[: settings["finetune_stocks"]])
tuned = ch.finetune_sigma(deepvol, new, case1.train_ends["new stocks"], chosen, steps=settings["finetune_steps"],
                          lr=ch.FINETUNE_LR, window=WINDOW, copies=ch.FINETUNE_COPIES, seed=seed)
timings["fine-tuning"] = time.perf_counter() - t0
fc_tuned = {k: ch.SigmaForecasts(f.sigma[chosen], f.mean[chosen]) for k, f in forecasts["new stocks"].items() if k != "variant"}
fc_tuned["fine-tuned"] = tuned
t_tuned = ch.risk_tables(new[chosen], case1.train_ends["new stocks"][chosen], fc_tuned, "test")
finetune_table = pd.concat({
    "universal vs GARCH": ch.comparison_table({"": {ch.DEEPVOL: t_tuned[ch.DEEPVOL], ch.GARCH: t_tuned[ch.GARCH]}})[""],
    "fine-tuned vs GARCH": ch.comparison_table({"": {ch.DEEPVOL: t_tuned["fine-tuned"], ch.GARCH: t_tuned[ch.GARCH]}})[""],
    "fine-tuned vs universal": ch.comparison_table({"": {ch.DEEPVOL: t_tuned["fine-tuned"], ch.GARCH: t_tuned[ch.DEEPVOL]}})[""],
}, axis=1)
finetune_table

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(f"{len(chosen)} stocks, {settings['finetune_steps']} steps each")
print(finetune_table.round(3).to_string())

# %% [markdown]
# ## Can the network match GARCH? A check with known truth
#
# Before its verdicts count, DeepVol must show that it can learn what GARCH learns. `volrep.capability` simulates a
# panel of GARCH(1, 1) returns with known parameters, fits GARCH(1, 1) to each series with `arch`, and trains the
# chapter's DeepVol on the panel with this chapter's code, size and step budget. The network passes when its test
# NLL is within the stated margin of GARCH's and it captures most of GARCH's edge over a constant variance (margin
# and share in `volrep.capability`). If it fails, every verdict on DeepVol is provisional.

# %%
checks = [capability.capability_check("deepvol", profile=profile, epochs=settings["steps"], seed=seed)]
capable = all(c.passed for c in checks)
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for c in checks:
    print(c.describe())

# %% [markdown]
# ## Paper versus ours

# %%
variant1 = "sim" if data_source == "sim" else "faithful"
variant2 = "sim" if data_source == "sim" else "proper"
claims = ch.table_claims(papers.liu_table2(), table2, table="T2", variant=variant1, levels=True,
                         note="S&P 500 members of July 2025 (survivorship-biased)", provisional=ch.still_learning(history) or not capable)
claims += ch.table_claims(papers.liu_table3(), table3, table="T3", variant=variant1, levels=True,
                          note="S&P 500 members of July 2025 (survivorship-biased)", provisional=ch.still_learning(history) or not capable)
claims += ch.table_claims(papers.liu_table5(), table5, table="T5", variant=variant2, levels=False,
                          note="31 Oxford-Man indices, not 4,470 global stocks: a different experiment",
                          provisional=ch.still_learning(history2) or not capable)
if authors_run is not None:
    claims += ch.authors_checkpoint_claims(authors_winners)
claims_table = report.claims_frame(claims)
claims_table

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(claims_table.groupby("variant")["verdict"].value_counts().to_string())
rates = claims_table[claims_table["id"].str.endswith("_rate")]
print(rates.groupby(rates["id"].str.split(".").str[1])["verdict"].value_counts().to_string())

# %%
pd.Series(timings, name="seconds").round(1).to_frame()

# %% [markdown]
# ## What we found
#
# (Written from the `quick` profile; the printed cells above hold the numbers of the profile this page was built
# with.)
#
# * **The data step reproduces.** Of the 503 members in our snapshot, 105 have more than 200 missing days between
#   January 2005 and March 2023 (mostly later listings) and 398 remain — the paper kept 405 of its list. The kept
#   stocks miss 789 days in all and no return is lost to a gap. Both lists are survivorship-biased (see above).
# * **The authors' own checkpoint beats GARCH on MSFT, exactly as their notebook prints.** Scored by us on the mirror's
#   prices, their 1 × 10 network reproduces every loss the notebook printed (the table above gives both), and with
#   it the sign and size of its advantage over the daily refitted GARCH(1, 1): the published experiment holds. What
#   the paper adds — a 3 × 400 network trained on 4,470 stocks — is what our own training has to match.
# * **The benchmark reproduces; the quick DeepVol does not beat it on stocks.** GARCH(1, 1)'s averages on the 100
#   training stocks are within 1–5 % of the paper's (test NLL 2.13 vs 2.09, 1 % Qloss 78 vs 76, violation ratio
#   2.04 vs 1.97), on the same test period, although the quick profile does not even re-estimate it daily. The
#   quick DeepVol (3 × 64, 200 steps on 200-day stretches) is a hair behind it on average (NLL 2.144) and, on the
#   test days, better on only 24–54 % of training and new stocks (1–47 % in the training period) — not the
#   paper's 78–93 %. The paper's margin is small too (NLL 2.09
#   vs 2.07): a network a hundred times smaller, trained for minutes, is within the same 1 % of GARCH, on the
#   other side. Whether the paper's 3 × 400 network trained on whole series closes the gap is what `full` tests.
# * **Portfolios are where DeepVol wins, as the paper says — but not by likelihood.** On portfolios of new stocks
#   the quick DeepVol has the violation ratio closer to 1 on 99–100 % of them and the lower joint loss on 87–88 %
#   (paper: 100 %), yet the higher NLL on 96 % (paper: DeepVol better on 77 %). GARCH fitted to each portfolio
#   misses the test period's tail (violation ratio 2.6 at 1 %): a diversified series is calm until 2020, and its
#   GARCH learns that; DeepVol, trained on single stocks and portfolios, carries a fatter sense of risk.
# * **How the Rate of a violation ratio is counted changes little here** ("closer to 1" and "fewer violations" agree
#   within a few points), but the paper's Table 2 (training data, 2.5 %) is hard to read as "closer to 1".
# * **Paper's network or the authors'?** With the same 200 steps, the paper's depth at width 64 and the authors'
#   1 × 128 with dropout are within 3 % of each other on every average; which one wins a series depends on group
#   and metric (table above). At these budgets the size hardly matters; the quick profile cannot say whether
#   3 × 400 helps.
# * **Case study 2 on indices is a different experiment, and DeepVol trained on 31 indices loses to GARCH** (better
#   on 39–74 % of indices): 31 series are too few to train on. The US-stock model applied to the indices unchanged
#   beats GARCH's tail losses on 74–97 % of them (not its NLL: 42 %) — evidence for the "universal" reading, from a
#   model that never saw an index.
# * **Against realized variance, GARCH is the better σ.** On the indices' test days GARCH has the lowest QLIKE
#   against 5-minute RV (0.39 against 0.43 and 0.48) and the highest log correlation (0.74 against 0.69 and 0.73).
#   All forecasts sit above RV by a factor of about 2.4 (RV misses the overnight return), which is why levels are
#   compared by QLIKE's ranking only.
# * **Fine-tuning on one stock** (30 steps at 1e-4 on the stock's own history) changes the forecasts little: the
#   fine-tuned model is better than the universal one on about half of 10 stocks.

# %%
rows = []
for g, r in case1.returns.items():
    split = "liu_aug2019" if g == "training stocks" else "liu_80_20"
    models = {"DeepVol": forecasts[g][ch.DEEPVOL], f"DeepVol {VARIANT.layers}x{VARIANT.hidden}": forecasts[g]["variant"],
              "GARCH(1,1)": forecasts[g][ch.GARCH]}
    rows.append(ch.store_rows(r, case1.train_ends[g], models, chapter="08_deepvol", variant=variant1, split=split))
models2 = {"DeepVol": forecasts2[ch.DEEPVOL], "DeepVol (US stocks)": forecasts2["DeepVol (US stocks)"],
           "GARCH(1,1)": forecasts2[ch.GARCH]}
rows.append(ch.store_rows(indices, ends2, models2, chapter="08_deepvol", variant=variant2, split="liu_80_20"))
rows.append(ch.store_rows(indices, ends2, models2, chapter="08_deepvol", variant=variant2, split="liu_80_20",
                          actual=case2.rv, target="rv5"))
store_path = store.save_forecasts("08_deepvol", pd.concat(rows, ignore_index=True))
data_info = {"data_source": data_source, "sources": case1.provenance + case2.provenance, "settings": settings,
             "panel": case1.report.summary().to_dict(), "timings_s": timings}
results_path = report.write_results("08_deepvol", profile, data_info, claims)
print(results_path.name, store_path.name)
