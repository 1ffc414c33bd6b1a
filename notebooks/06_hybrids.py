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
# # HAR–neural hybrids: learnable mixing, dynamic attention, residual boosting, regime ensemble, transfer residual
#
# Having found HAR hard to beat, Dhansoia (2025, §3.4–3.5, §5.3–5.5) tries five ways to combine it with neural
# networks. A convex mixture with a learned weight, eq. (3), comes "within 0.51 %" of HAR with α = 0.886; a
# context-dependent weight, eq. (4), loses 6.85 %; residual boosting, eq. (5), a regime-aware ensemble, eq. (6), and
# a residual model pre-trained on the S&P 500 change HAR's RMSE by 0.01 %, 0.18 % and 0.00 % — on a different,
# "normalized" scale. The paper concludes that HAR's residuals are approximately noise (corrections with a
# standard deviation of ≈ 0.005) and that the hybrid is the only model not significantly different from HAR
# (Table 6: DM −0.42, p = 0.674). All of it is one run per model.
#
# Here every model is trained with several seeds on the paper's series and on realized variance, every number is
# put on one scale, and the claim that the residuals are noise is tested.

# %% tags=["parameters"]
profile = "quick"  # quick or full
data_source = "mirror"  # mirror: real data (VOLREP_DATA_DIR or download); sim: simulated series instead
seed = 0
seeds = None  # number of seeds per model (None: the profile's value)
max_epochs = None  # at most this many training epochs per model (None: the profile's value; the paper 50)
finetune_epochs = None  # at most this many fine-tuning epochs of the transfer residual model (None: the profile's value)
sim_days = None  # length of the simulated daily series used when data_source is sim

# %%
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from volrep import capability, config, papers, report, store, targets
from volrep.chapters import hybrids as ch
from volrep.chapters import transfer_lstm as ch5

settings = config.chapter_settings("06_hybrids", profile, seeds=seeds, max_epochs=max_epochs,
                                   finetune_epochs=finetune_epochs, sim_days=sim_days)
rng = config.seed_everything(seed)
report.use_style()
pd.set_option("display.float_format", "{:.4g}".format)
SEEDS = list(range(seed, seed + settings["seeds"]))
print(f"device: {config.device()}; seeds {SEEDS}; models {list(ch.MODEL_INPUTS)}")

# %% [markdown]
# ## Data
#
# The series of chapter 05. Faithful: log of the 22-day rolling standard deviation of daily Yahoo returns × √252
# (S&P 500 as the source of the transfer residual model, bitcoin as the target), split 50/25/25 in time. Proper:
# log daily volatility from realized variance (Oxford-Man 5-minute RV of the S&P 500; bitcoin RV from Binance
# 15-minute returns). Every model sees the same origins: a 20-day window of the z-scored series (scaler fitted
# on the training days), HAR's three regressors (1/5/22-day means) and HAR's forecast, fitted by OLS on the
# training days.

# %%
series, sources = ch5.dhansoia_series(data_source, seed=seed, sim_days=settings["sim_days"])
display(Markdown(report.provenance_markdown(sources)))
hd = {v: {a: ch.hybrid_data(s, targets.named_split(s.index, "dhansoia_50_25_25")) for a, s in pair.items()}
      for v, pair in series.items()}

# %%
# NBVAL_CHECK_OUTPUT
for v, pair in hd.items():
    for a, d in pair.items():
        print(f"{v:8s} {a}: origins train/val/test = {len(d.y['train'])}/{len(d.y['val'])}/{len(d.y['test'])} "
              f"(without a full HAR history: {d.dropped['train']}), training sd {d.scale:.4f}")

# %% [markdown]
# ## Training, per seed
#
# Every model is trained on the z scale with Table 8's pre-training settings (Adam 1e-3, batch 32, early
# stopping with patience 10 on the validation part, dropout 0.1); the neural parts are one-layer, 32-unit LSTMs
# (the paper gives no sizes). `LSTM` is the network alone — the hybrid's own component, shown for reference.
# The regime ensemble has three HAR-type linear experts, started at HAR's coefficients, and a soft classifier
# on HAR's regressors. The transfer residual model is trained on the S&P 500's HAR residuals, then fine-tuned
# on bitcoin's with Table 8's fine-tuning settings (Adam 1e-4, batch 16).

# %%
runs = {v: ch.run_seeds(hd[v]["btc"], hd[v]["spx"], SEEDS, max_epochs=settings["max_epochs"],
                        finetune_epochs=settings["finetune_epochs"], progress=False) for v in hd}

# %% [markdown]
# ## Table 5, lower part, on one scale
#
# RMSE in the series' units (log volatility), the same RMSE on the z scale of the training days, and the gap to
# HAR in percent (negative: worse than HAR), mean and standard deviation over seeds.

# %%
tables = {v: ch.rmse_table(runs[v], hd[v]["btc"]) for v in hd}
pd.concat(tables).round(4)

# %%
papers.dhansoia_table5().loc[["HAR"] + list(ch.TABLE5_ROWS)]

# %%
# NBVAL_CHECK_OUTPUT
for v, t in tables.items():
    print(f"{v}: HAR RMSE {t.loc['HAR', ('rmse', 'mean')]:.4f} (z scale {t.loc['HAR', ('rmse_z', 'mean')]:.4f})")

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, t in tables.items():
    pct = t[("vs_har_pct", "mean")].drop("HAR")
    print(f"{v}: % vs HAR " + ", ".join(f"{m} {x:+.2f}" for m, x in pct.items()))

# %% [markdown]
# ### One scale
#
# The paper prints the hybrids' RMSE in log-volatility units (HAR 0.110) and the error-correction rows "on
# normalized scale" (0.270). On the z scale an RMSE is the RMSE in units divided by the training standard
# deviation, so a percentage against HAR does not depend on the scale — the paper's footnote is right that the
# relative comparisons hold — but the three rows' 0.27 reads as 2.5 times HAR's error when it is HAR's own error.
# The HAR row on both scales:

# %%
scale_table = pd.DataFrame({v: {"HAR RMSE (units)": t.loc["HAR", ("rmse", "mean")], "HAR RMSE (z scale)": t.loc["HAR", ("rmse_z", "mean")],
                                "training sd": hd[v]["btc"].scale} for v, t in tables.items()})
scale_table["paper"] = [0.110, 0.270, 0.110 / 0.270]  # the z-scale HAR RMSE implied by the correction rows; their ratio
scale_table

# %% [markdown]
# ## §5.4: the learned mixing weight α
#
# The paper reports α = 0.886 and promises a figure of its trajectory during training that is missing from the
# paper ("Figure ??"). Here it is, per seed (α starts at 0.5; the marker is the best epoch, whose weights are
# kept). Beside it, what α *should* have been on the test days: the RMSE of the fixed mixture α·HAR + (1 − α)·LSTM
# over a grid of α, with the LSTM trained alone.

# %%
curves = {v: ch.mixing_curve(runs[v], hd[v]["btc"]) for v in hd}
fig, axes = plt.subplots(2, 2, figsize=(12, 7))
for row, v in enumerate(hd):
    ax = axes[row, 0]
    for s in SEEDS:
        path, best = runs[v][s].alpha_path, runs[v][s].histories["HAR-LSTM Hybrid"].best_epoch
        ax.plot(range(len(path)), path, lw=1, label=f"seed {s}")
        ax.plot(best, path[best], "o", ms=4, color=ax.lines[-1].get_color())
    ax.axhline(0.886, color="k", ls="--", lw=0.8, label="paper 0.886")
    ax.set(title=f"{v}: α during training", xlabel="epoch", ylabel="α")
    ax.legend(fontsize=7, ncol=2)
    ax = axes[row, 1]
    c = curves[v]
    ax.plot(c.index, c.mean(axis=1), color="C0", label="fixed mixture, mean over seeds")
    ax.fill_between(c.index, c.min(axis=1), c.max(axis=1), color="C0", alpha=0.2, label="range over seeds")
    ax.axvline(np.mean([runs[v][s].alpha for s in SEEDS]), color="C1", ls=":", label="learned α (mean)")
    ax.axvline(0.886, color="k", ls="--", lw=0.8, label="paper α")
    ax.set(title=f"{v}: test RMSE of α·HAR + (1 − α)·LSTM", xlabel="α", ylabel="RMSE (log vol)")
    ax.legend(fontsize=7)
fig.tight_layout()

# %% [markdown]
# Does the training loss pin α down? The same seed, started from α = 0.1, 0.5 and 0.9:

# %%
sensitivity = pd.concat({v: ch.alpha_sensitivity(hd[v]["btc"], seed, max_epochs=settings["max_epochs"]) for v in hd})
sensitivity

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v in hd:
    alphas = [runs[v][s].alpha for s in SEEDS]
    best = curves[v].mean(axis=1).idxmin()
    print(f"{v}: learned α {np.mean(alphas):.3f} (range {min(alphas):.3f}-{max(alphas):.3f}); best fixed α on the test days {best:.2f}; "
          "from 0.1/0.5/0.9: " + "/".join(f"{a:.3f}" for a in sensitivity.loc[v, "alpha_learned"]))

# %% [markdown]
# ## Dynamic attention and the regime ensemble: what the weights do
#
# Eq. (4)'s α_t on the test days (is it dynamic, or a constant in disguise?), and the regime classifier of eq. (6):
# days assigned to each regime (largest π, regimes numbered from calm to turbulent), mean probabilities, and the
# mean entropy of π relative to log 3 (1 = uniform, never switching; 0 = hard switching).

# %%
attention = pd.DataFrame({(v, s): pd.Series(runs[v][s].attention_weights).describe()[["mean", "std", "min", "max"]]
                          for v in hd for s in SEEDS}).T
attention

# %%
regimes = pd.concat({v: ch.regime_summary(runs[v], hd[v]["btc"]) for v in hd})
regimes

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 3.4), sharey=True)
for ax, v in zip(axes, hd):
    d, run = hd[v]["btc"], runs[v][SEEDS[0]]
    ax.stackplot(d.dates["test"], ch.regimes_calm_to_turbulent(run.regime_probabilities, d).T,
                 labels=["calm", "middle", "turbulent"], alpha=0.8)
    ax.set(title=f"{v}: regime probabilities on the test days (seed {SEEDS[0]})", ylim=(0, 1))
    ax.tick_params(axis="x", labelrotation=30)
axes[0].legend(fontsize=8, loc="lower left")
fig.tight_layout()

# %% [markdown]
# ## §5.5: are HAR's residuals noise?
#
# Ljung–Box Q at lags 1, 5 and 22 (linear dependence) and the BDS statistic (any dependence) of HAR's residuals on
# the training and test days; then what the residual models learned: the standard deviation of their
# corrections on the test days (z scale and units) and the out-of-sample share of the residuals' variance they
# explain.

# %%
residuals = {}
for v in hd:
    for part in ("train", "test"):
        d = hd[v]["btc"]
        residuals[(v, part)] = pd.Series(d.to_units(d.y[part]) - d.to_units(d.har[part]), index=d.dates[part])
diagnostics = ch.residual_diagnostics({f"{v}, {part}": r for (v, part), r in residuals.items()})
diagnostics.round(4)

# %%
corrections = {v: ch.correction_summary(runs[v], hd[v]["btc"]) for v in hd}
pd.concat(corrections).groupby(level=0).apply(lambda t: t.groupby("model")[["sd_z", "sd_units", "oos_r2_of_residuals"]].mean())

# %%
# NBVAL_CHECK_OUTPUT
for v in hd:
    lb, bd = diagnostics.loc[f"{v}, test", "ljung_box_22_p"], diagnostics.loc[f"{v}, test", "bds_2_p"]
    print(f"{v}: HAR's test residuals Ljung-Box(22) p {lb:.3g}, BDS(2) p {bd:.3g}")

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v in hd:
    c = corrections[v].groupby("model")[["sd_z", "oos_r2_of_residuals"]].mean()
    print(f"{v}: corrections sd (z) " + ", ".join(f"{m} {r.sd_z:.4f} (OOS R2 {r.oos_r2_of_residuals:+.4f})" for m, r in c.iterrows()))

# %% [markdown]
# ## Table 6, hybrid row: Diebold–Mariano against HAR
#
# HLN-corrected DM on squared errors, two-sided, oriented as the paper's Table 6 (negative: the model is less
# accurate than HAR), for every seed and for the seed-averaged forecast.

# %%
dm = {v: ch.dm_against_har(runs[v], hd[v]["btc"]) for v in hd}
dm_table = pd.concat(dm).reset_index(level=0).rename(columns={"level_0": "variant"})
dm_summary = dm_table.assign(significant=dm_table["p_value"] < 0.05, is_mean=dm_table["seed"] == "mean forecast")
dm_summary = dm_summary.groupby(["variant", "model", "is_mean"], sort=False).agg(dm=("dm", "median"), p_value=("p_value", "median"),
                                                                                 significant=("significant", "sum"))
dm_summary

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, t in dm.items():
    m = t[t["seed"] == "mean forecast"].set_index("model")
    print(f"{v}: DM of seed-averaged forecasts vs HAR: " + ", ".join(f"{k} {r.dm:+.2f} (p {r.p_value:.3f})" for k, r in m.iterrows()))

# %% [markdown]
# ## Can the network match HAR? A check with known truth
#
# Before its verdicts count, a network must show that it can learn what HAR learns. `volrep.capability` simulates a
# series whose best one-day forecast is a HAR regression with known coefficients, fits HAR by least squares, and
# trains the chapter's network on it with this chapter's code and this run's epoch budget. The network passes when
# its test RMSE is within the stated margin of HAR's and it captures most of HAR's edge over the training mean
# (the margin and the share are in `volrep.capability`). A family that fails makes every verdict on it provisional.

# %%
checks = [capability.capability_check(f, profile=profile, epochs=settings["max_epochs"], seed=seed)
          for f in ("lstm", "har_lstm_hybrid")]
capable = all(c.passed for c in checks)
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for c in checks:
    print(c.describe())

# %% [markdown]
# ## Paper versus ours

# %%
paper5 = papers.dhansoia_table5()
claims = []
for v, source in (("faithful", "yahoo"), ("proper", "rv")):
    variant = "sim" if data_source == "sim" else v
    learning = ch5.still_learning(runs[v]) or not capable
    claims += ch.table5_claims(paper5, tables[v], source=source, variant=variant, scale=hd[v]["btc"].scale,
                               profile=profile, levels=v == "faithful", provisional=learning)
    claims += ch.section_claims(runs[v], corrections[v], dm[v], diagnostics.loc[f"{v}, test"], source=source,
                                variant=variant, profile=profile, provisional=learning)
claims_table = report.claims_frame(claims)
claims_table

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(claims_table.groupby("variant")["verdict"].value_counts().to_string())

# %% [markdown]
# ## What we found
#
# (Numbers of the `quick` profile; the printed cells above carry those of the profile this page was built with.)
#
# * **"Forcing larger neural contributions degrades performance" holds only for under-trained networks.** With
#   the quick profile's 20 epochs the LSTM alone is 1.6–4.2 % behind HAR and the best fixed mixture on the test
#   days is α = 1 (HAR alone). With 50 epochs the LSTM alone matches HAR (+0.12 % on the paper's series, −0.45 %
#   on realized variance) and the best fixed mixture gives the network the larger (α = 0.40) or a quarter
#   (α = 0.75) of the weight. Either way the learned weight does not *find* the right mixture: it keeps its start.
# * **Dynamic attention is HAR with a near-constant weight** (α_t ≈ 0.90–0.98, standard deviation ≈ 0.01 over the
#   test days): 0.2 % behind HAR, not 6.85 %. Residual boosting, the regime ensemble and the transfer residual
#   model stay within ±0.3 % of HAR, as the paper's 0.01 / 0.18 / 0.00 % say. The regime classifier is nearly
#   uniform (entropy 92–99 % of its maximum): it does not switch regimes.
# * **The "normalized scale" is the z scale.** The residual models' corrections have a standard deviation of
#   0.004 on the z scale of the paper's series (0.007–0.022 on realized variance), as §5.5's "≈ 0.005" says; the
#   paper's two HAR errors (0.110 in units, 0.270 normalized) imply a training standard deviation of 0.41 (ours
#   0.56 on the Yahoo series). Percentages against HAR do not depend on the scale; the table's 0.27 reads as 2.5
#   times HAR's error when it is HAR's own.
# * **HAR's residuals are not noise, but nothing here exploits that.** Ljung–Box at 22 lags rejects on the test
#   days of both series (p < 1e-16); BDS rejects on the paper's series, whose 22-day rolling window makes
#   consecutive values share 21 returns. Yet no correction explains more than 0.5 % of the residuals' variance
#   out of sample.
# * **Table 6's hybrid row depends on how long the networks train.** With the quick profile the seed-averaged
#   hybrid is not significantly different from HAR on the paper's series (DM −1.68, p = 0.09; paper −0.42,
#   p = 0.674) but significantly worse on realized variance (−1.99, p = 0.047). With the full profile it is
#   indistinguishable from HAR on both (+0.30, p = 0.76; −1.45, p = 0.15), as is every other hybrid (|DM| ≤ 1.5).

# %%
learned = {v: np.mean([runs[v][s].alpha for s in SEEDS]) for v in hd}
starts = {v: "/".join(f"{a:.2f}" for a in sensitivity.loc[v, "alpha_learned"]) for v in hd}
display(Markdown(
    f"* **The learned α is where it started.** Started at α = {ch.HYBRID_ALPHA_INIT} as in the authors' code (the paper "
    f"gives no start), the hybrid ends at {learned['faithful']:.3f} on the paper's series and {learned['proper']:.3f} on "
    f"realized variance (mean over {len(SEEDS)} seeds, `{profile}` profile); the same seed started from "
    f"{'/'.join(str(a) for a in sensitivity.loc['faithful'].index)} ends at {starts['faithful']} "
    f"({starts['proper']} on realized variance). HAR's and the LSTM's forecasts are so nearly collinear that the loss "
    "is flat in α: the paper's α = 0.886 is what its code's start of 0.8 gives, not something the data chose."))

# %%
rows = []
for v, target_name in (("faithful", "log rolling-std vol"), ("proper", "log RV vol")):  # the two targets differ
    variant = "sim" if data_source == "sim" else v
    keys = dict(chapter="06_hybrids", asset="btc", variant=variant, target=target_name, horizon=1, split="dhansoia_50_25_25")
    actual = ch.actual_test(hd[v]["btc"])
    for s in SEEDS:
        for model_name, fc in runs[v][s].forecasts.items():
            rows.append(store.forecast_rows(fc, actual, model=model_name, seed=s, **keys))
    rows.append(store.forecast_rows(ch.har_test_forecast(hd[v]["btc"]), actual, model="HAR", **keys))
store_path = store.save_forecasts("06_hybrids", pd.concat(rows, ignore_index=True))
results_path = report.write_results("06_hybrids", profile, {"data_source": data_source, "sources": sources, "seeds": SEEDS}, claims)
print(results_path.name, store_path.name)
