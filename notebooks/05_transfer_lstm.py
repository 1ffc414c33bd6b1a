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
# # LSTM from scratch vs transfer LSTM, and a failed technical-indicator LSTM
#
# Dhansoia (2025, §3.3, §5.1–5.3) pre-trains an LSTM-with-attention on S&P 500 volatility, fine-tunes it on
# bitcoin, and reports that transfer lowers the RMSE by 11 % against the same network trained from scratch
# (Table 3: 0.235 vs 0.264; Table 4 with p-values), while HAR stays far ahead (0.110). Its Table 5 adds three
# "unfreezing strategies". All of it is one run per model. Here every network is trained with several seeds,
# the transfer gain is a distribution, and the same experiment is repeated on proper realized variance.
#
# The last section reproduces a failed experiment log: an LSTM on technical indicators for hourly bitcoin with
# an out-of-sample R² of −0.0055, and shows what went wrong.

# %% tags=["parameters"]
profile = "quick"  # quick or full
data_source = "mirror"  # mirror: real data (VOLREP_DATA_DIR or download); sim: simulated series instead
seed = 0
seeds = None  # number of seeds per network (None: the profile's value)
pretrain_epochs = None  # at most this many pre-training epochs (None: the profile's value; the paper 50)
finetune_epochs = None  # at most this many fine-tuning epochs (None: the profile's value; the paper 30)
techlog_epochs = None  # at most this many epochs for the technical-indicator LSTM (None: the profile's value)
sim_days = None  # length of the simulated daily series used when data_source is sim

# %%
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from volrep import capability, config, data, evaluate, papers, report, rv, sim, store, targets, techlog, train, verdicts
from volrep.chapters import baselines as ch4
from volrep.chapters import transfer_lstm as ch
from volrep.models import dhansoia_code, nets, transfer

settings = config.chapter_settings("05_transfer_lstm", profile, seeds=seeds, pretrain_epochs=pretrain_epochs,
                                   finetune_epochs=finetune_epochs, techlog_epochs=techlog_epochs, sim_days=sim_days)
rng = config.seed_everything(seed)
report.use_style()
pd.set_option("display.float_format", "{:.4g}".format)
SEEDS = list(range(seed, seed + settings["seeds"]))
STRATEGIES = list(transfer.STRATEGIES)
TRANSFER = "frozen_encoder" if dhansoia_code.CONFIG["freeze_encoder"] else "full_finetune"  # the authors' code
print(f"device: {config.device()}; seeds {SEEDS}; strategies {STRATEGIES}")

# %% [markdown]
# ## The architecture and its parameter count (Table 7)
#
# A 3-layer LSTM encoder (64 hidden units) over a 20-day window, a 32-dimensional bottleneck, 4-head
# self-attention and a 2-layer prediction head, dropout 0.1, as §3.3 and Appendix A describe.

# %%
model = nets.TransferLSTM()
counts = nets.parameter_counts(model)
pd.DataFrame({"ours": counts, "paper (Table 7)": pd.Series(papers.DHANSOIA_TABLE7)})

# %%
nets.table7_explanation(model)

# %%
# NBVAL_CHECK_OUTPUT
print(counts.to_dict())

# %% [markdown]
# ## Data
#
# Faithful: the paper's series — log of the 22-day rolling standard deviation of daily Yahoo returns × √252 —
# for the S&P 500 (source, 2018–2023) and bitcoin (target), each split 50/25/25 in time and z-scored on its own
# training part; a 20-day window forecasts the next day. Proper: log daily volatility from realized variance —
# Oxford-Man 5-minute RV of the S&P 500 (2000–2021) as the source and bitcoin RV from Binance 15-minute
# returns (2018–2022) as the target. Metrics are on the log-volatility scale of each series.

# %%
series, sources = ch.dhansoia_series(data_source, seed=seed, sim_days=settings["sim_days"])
display(Markdown(report.provenance_markdown(sources)))
splits = {v: {a: targets.named_split(s.index, "dhansoia_50_25_25") for a, s in pair.items()} for v, pair in series.items()}
seq = {v: {a: ch.sequence_data(s, splits[v][a], lookback=20) for a, s in pair.items()} for v, pair in series.items()}

# %%
# NBVAL_CHECK_OUTPUT
for v, pair in seq.items():
    for a, d in pair.items():
        print(f"{v:8s} {a}: windows train/val/test = {len(d.y['train'])}/{len(d.y['val'])}/{len(d.y['test'])}, "
              f"test {d.dates['test'][0]:%Y-%m-%d}..{d.dates['test'][-1]:%Y-%m-%d}")

# %% [markdown]
# ## Training: pre-training, from scratch, and five fine-tuning strategies, per seed
#
# Table 8's settings: pre-training and training from scratch with Adam at 1e-3, batch 32, early stopping
# (patience 10) on the validation part; fine-tuning at 1e-4, batch 16. The strategies: `frozen_encoder` and
# `full_finetune` (§3.3), and the three of Table 5 — `differential_lr`, `gradual_unfreezing`,
# `aggressive_finetune` — whose exact definitions the paper does not give (see `volrep.models.transfer`).
# The quick profile caps the epochs; the full one uses the paper's 50 and 30.

# %%
runs = {v: ch.run_seeds(seq[v]["spx"], seq[v]["btc"], SEEDS, strategies=STRATEGIES,
                        pretrain_epochs=settings["pretrain_epochs"], finetune_epochs=settings["finetune_epochs"], progress=False)
        for v in seq}

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
hist = runs["proper" if "proper" in runs else "faithful"][SEEDS[0]].histories
for ax, name in zip(axes, ("pre-training (source)", "LSTM (from scratch)", TRANSFER)):
    h = hist[name]
    ax.plot(range(1, len(h.train_loss) + 1), h.train_loss, label="train")
    ax.plot(range(1, len(h.val_loss) + 1), h.val_loss, label="validation")
    ax.axvline(h.best_epoch, color="k", ls=":", lw=0.8, label=f"best epoch {h.best_epoch}")
    ax.set(title=name, xlabel="epoch", ylabel="MSE (z-scored)")
    ax.legend(fontsize=8)
fig.suptitle(f"training history, proper data, seed {SEEDS[0]} (the paper's Fig. 2)")
fig.tight_layout()

# %% [markdown]
# ## Table 3: the four models
#
# "Transfer LSTM" is the frozen encoder: the paper names two strategies (§3.3) without saying which its tables
# show, and the authors' code fine-tunes with `freeze_encoder: True`. HAR (1/5/22) and the 5-day moving
# average are fitted on the same training part and forecast the same test days.

# %%
tables = {}
per_seed = {}
for v in seq:
    target, split = series[v]["btc"], splits[v]["btc"]
    test_dates = seq[v]["btc"].dates["test"]  # forecast origins; the target is the next day's value
    actual = targets.horizon_target(target, 1, "point").loc[test_dates]
    har_fc = ch4.har_forecasts(target, split, [1], windows=targets.HAR_WINDOWS["corsi"], kind="point")[1].loc[test_dates]
    ma_window = dhansoia_code.CONFIG["moving_average_window"]  # the paper states none; the authors' code: 5 days
    ma_fc = ch4.naive_forecasts(target, split, [1], window=ma_window)[f"moving average ({ma_window} d)"][1].loc[test_dates]
    per_seed[v] = ch.seed_metrics(runs[v], actual)
    nn_summary = ch.summary(per_seed[v])
    fixed = evaluate.metrics_table(pd.DataFrame({"HAR": har_fc, "Moving Average": ma_fc}), actual,
                                   metrics=("rmse", "mae", "r2", "correlation"), positive=False)
    fixed.columns = pd.MultiIndex.from_product([fixed.columns, ["mean"]])
    tables[v] = pd.concat([nn_summary, fixed[[c for c in fixed.columns if c[0] in ("rmse", "mae", "r2", "correlation")]]])
    runs[v]["har"], runs[v]["ma"], runs[v]["actual"] = har_fc, ma_fc, actual
pd.concat(tables).round(4)

# %%
papers.dhansoia_table3()

# %%
# NBVAL_CHECK_OUTPUT
for v, t in tables.items():
    means = t.xs("mean", axis=1, level=1)
    print(f"{v}: RMSE HAR {means.loc['HAR', 'rmse']:.4f}, moving average {means.loc['Moving Average', 'rmse']:.4f}")

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, t in tables.items():
    means = t.xs("mean", axis=1, level=1)
    print(f"{v}: RMSE scratch {means.loc['LSTM (from scratch)', 'rmse']:.4f}, transfer {means.loc[TRANSFER, 'rmse']:.4f}")

# %% [markdown]
# ## Table 4: the transfer gain, seed by seed
#
# Improvement of the transfer network (frozen encoder, as in the authors' code) over the network trained from scratch, per seed, with one-sided
# Diebold–Mariano tests (HLN correction) on squared and absolute errors of the test days — the paper does not
# say which test gave its p-values.

# %%
gains = {v: ch.transfer_gain({s: runs[v][s] for s in SEEDS}, runs[v]["actual"], transfer_model=TRANSFER) for v in seq}
gain_table = pd.concat(gains)
gain_table

# %%
papers.dhansoia_table4()

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, g in gains.items():
    print(f"{v}: RMSE gain mean {g['rmse'].mean():.2f} % (sd {g['rmse'].std():.2f}); transfer beats scratch in "
          f"{int((g['rmse'] > 0).sum())} of {len(g)} seeds; DM p < 0.05 in {int((g['dm_se_p'] < 0.05).sum())}")

# %% [markdown]
# ## Table 5, upper part: the fine-tuning strategies against HAR

# %%
strategy_rmse = {v: tables[v].xs("mean", axis=1, level=1).loc[STRATEGIES + ["HAR"], ["rmse"]] for v in seq}
strategy_table = pd.concat({v: t.assign(vs_har_pct=100 * (t.loc["HAR", "rmse"] - t["rmse"]) / t.loc["HAR", "rmse"])
                            for v, t in strategy_rmse.items()})
strategy_table

# %%
papers.dhansoia_table5().loc[["HAR", "Differential LR", "Gradual Unfreezing", "Aggressive Fine-tune"]]

# %% [markdown]
# ## The authors' own trained network
#
# The paper's public code (`ronitdhansoia/vltlty`) committed its trained networks, its results and its split files
# (see `volrep.models.dhansoia_code`). The trained network is not the one of Table 7: a 3 × 64 LSTM, layer norm,
# 4-head attention on the 64-dimensional states, a 64 → 32 bottleneck and a 32 → 64 → 32 → 1 head. We load the
# authors' fine-tuned weights into that architecture, score them with our metrics on their own test file — once the
# code's way and once with every forecast against the value of its own date — and train the same network
# ourselves with the code's recipe (the profile's epoch budget). Four columns, one row per model: the paper's
# Table 3, the code's committed JSON, and our two scorings.

# %%
recipe = authors_table = None
if data_source != "sim":  # the authors' artefacts are results on real data
    recipe = dhansoia_code.train_code_recipe(settings["pretrain_epochs"], settings["finetune_epochs"], seed=seed)
    authors_table = ch.authors_models_table(recipe)
authors_table

# %%
# NBVAL_CHECK_OUTPUT
if authors_table is not None:
    a = authors_table.loc[["transfer", "har", "moving_avg"]]
    print(f"our scoring the code's way reproduces its committed RMSEs: {bool(np.allclose(a['scored_code'], a['committed'], rtol=1e-5))}")
    print(f"date-aligned, HAR still has the lowest RMSE: {bool(a['scored_aligned'].idxmin() == 'har')}")

# %% [markdown]
# **Which step explains the disagreements.** The code cuts every forecast array to the length of the shortest
# (905 days) *from its start* and scores it against HAR's targets: the network's forecasts, whose windows start
# two days earlier than HAR's, are compared with the values two days later, and the 5-day moving average's with
# the values seventeen days later. Our scoring the code's way gives back the committed numbers to the last digit,
# so the committed results are this misaligned scoring; aligned, the authors' network comes much closer to HAR and
# the moving average is no longer a strawman. The paper's Table 3 matches neither: its HAR row equals the results
# of a later commit of the code that ran on hourly bars, so Table 3 most likely comes from another run than the
# committed daily one. Our own training of the same network differs from the authors' checkpoint in how the
# training loop keeps its weights (best epoch here; the code's shallow `state_dict().copy()` keeps the last epoch)
# and in gradient clipping, which the code applies and `volrep.train.fit` does not.

# %% [markdown]
# ## Can the network match HAR? A check with known truth
#
# Before its verdicts count, a network must show that it can learn what HAR learns. `volrep.capability` simulates a
# series whose best one-day forecast is a HAR regression with known coefficients, fits HAR by least squares, and
# trains the chapter's network on it with this chapter's code and this run's epoch budget. The network passes when
# its test RMSE is within the stated margin of HAR's and it captures most of HAR's edge over the training mean
# (the margin and the share are in `volrep.capability`). A family that fails makes every verdict on it provisional.

# %%
checks = [capability.capability_check("transfer_lstm", profile=profile, epochs=settings["pretrain_epochs"], seed=seed)]
capable = all(c.passed for c in checks)
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for c in checks:
    print(c.describe())

# %% [markdown]
# ## Paper versus ours (chapters' claims)

# %%
# HAR and the moving average are chapter 04's claims (same series, same split); here only the networks are judged
row_map = {"LSTM (from scratch)": "LSTM (from scratch)", "Transfer LSTM": TRANSFER}
claims = []
for v, source in (("faithful", "yahoo"), ("proper", "rv")):
    variant = "sim" if data_source == "sim" else v
    learning = ch.still_learning({s: runs[v][s] for s in SEEDS}) or not capable
    claims += ch.table3_claims(papers.dhansoia_table3(), tables[v].xs("mean", axis=1, level=1), source=source,
                               variant=variant, rows=row_map, provisional=learning)
    claims += ch.table4_claims(papers.dhansoia_table4(), gains[v], source=source, variant=variant, profile=profile,
                               provisional=learning)
    claims += ch.table5_claims(papers.dhansoia_table5(), strategy_table.loc[v, "vs_har_pct"], source=source,
                               variant=variant, provisional=learning)
if authors_table is not None:
    claims += ch.authors_claims(authors_table, provisional=verdicts.still_learning([recipe.pretrain, recipe.finetune]))  # another network: its own budget decides
claims_table = report.claims_frame(claims)
claims_table

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(claims_table.groupby("variant")["verdict"].value_counts().to_string())

# %% [markdown]
# ## The failed experiment: an LSTM on technical indicators for hourly bitcoin
#
# The log trains a Keras LSTM on 5,000 hourly BTC/USDT bars with technical-indicator inputs to predict "future
# volatility", and ends with R² = −0.0055 on the test set. Its first training loss (4.6 × 10⁵) and MAE (≈ 620)
# say the target was left in dollars: `volrep.techlog` reconstructs it as the standard deviation of the next 24
# hourly price changes (USD) — see its docstring for the arithmetic. We train the same kind of network on (a) the
# faithful setup and (b) a corrected one: the target is the log of the next 24 hours' realized volatility,
# z-scored on the training part, with HAR-style inputs added; HAR and persistence are the benchmarks.

# %%
if data_source == "sim":
    hourly = rv.ohlcv_bars(sim.simulate_ticks(240, seed=seed, trades_per_day=2_000, fine_dt_seconds=60).ticks, "1h")
else:
    hourly_ds = data.load("binance_btcusdt_1h_cdd", progress=False)
    hourly = hourly_ds.frame
    sources.append(hourly_ds.provenance())
experiments = {variant: techlog.experiment_data(hourly, variant=variant, n_bars=5000) for variant in ("faithful", "corrected")}
# the log's 5,000 hours end in a volatility break; the corrected setup is also run on the last 20,000 hours
# (Binance's February 2018 outage, 24 equal closes, lies before them: the log of a zero RV is undefined)
experiments["corrected, 20000 h"] = techlog.experiment_data(hourly, variant="corrected", n_bars=min(20_000, len(hourly)))
techlog_results = {}
for variant, exp in experiments.items():
    config.seed_everything(seed)
    net = nets.LSTMRegressor(input_size=exp.train.X.shape[-1], hidden=64, layers=2, dropout=0.2)
    history = train.fit(net, (exp.train.X, exp.train.y), (exp.val.X, exp.val.y), lr=1e-3, batch_size=32,
                        max_epochs=settings["techlog_epochs"], patience=10, seed=seed)
    forecast = pd.Series(exp.to_units(train.predict(net, exp.test.X)), index=exp.test.dates)
    actual = pd.Series(exp.to_units(exp.test.y), index=exp.test.dates)
    naive = techlog.naive_baselines(exp)
    techlog_results[variant] = {"history": history, "forecast": forecast, "actual": actual, "naive": naive,
                                "r2": evaluate.r2(actual, forecast), "mse": evaluate.rmse(actual, forecast) ** 2}
har_hourly = {v: techlog.har_baseline(hourly, experiments[v]) for v in ("corrected", "corrected, 20000 h")}
pd.DataFrame({v: {"first epoch train loss": r["history"].train_loss[0], "best epoch": r["history"].best_epoch,
                  "test MSE": r["mse"], "test R² (LSTM)": r["r2"], "test R² (train mean)": r["naive"].r2["train_mean"],
                  "test R² (persistence)": r["naive"].r2["persistence"]} for v, r in techlog_results.items()}).T

# %%
# NBVAL_CHECK_OUTPUT
for v, h in har_hourly.items():
    print(f"HAR, {v}: test R² {h.r2['har']:.3f}")
print(f"the log: R² {papers.TECHLOG_TEST['r2']}, first loss {papers.TECHLOG_TEST['first_epoch_loss']:.4g}")

# %%
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, r in techlog_results.items():
    print(f"{v}: LSTM test R² {r['r2']:.3f}, first-epoch loss {r['history'].train_loss[0]:.4g}")

# %%
techlog.mse_decomposition(techlog_results["faithful"]["actual"], techlog_results["faithful"]["forecast"]).to_frame()

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
for ax, (variant, r) in zip(axes, techlog_results.items()):
    ax.plot(r["actual"].index, r["actual"].to_numpy(), lw=0.6, color="k", label="actual")
    ax.plot(r["forecast"].index, r["forecast"].to_numpy(), lw=1, label=f"LSTM (R² {r['r2']:.2f})")
    ax.set(title=f"{variant}: {experiments[variant].units}")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
fig.tight_layout()

# %%
tl = techlog_results["faithful"]
claims.append(report.Claim("techlog.test.r2", papers.TECHLOG_TEST["r2"], round(float(tl["r2"]), 4), "faithful",
                           verdicts.direction(tl["r2"] <= 0, "the LSTM has no skill (test R² ≤ 0)"),
                           "LSTM on indicators, dollar target; the size of a failed fit's R² depends on the sample"))
claims.append(report.Claim("techlog.train.first_epoch_loss", papers.TECHLOG_TEST["first_epoch_loss"],
                           round(float(tl["history"].train_loss[0]), 1), "faithful",
                           verdicts.not_comparable("other_period", "a loss in squared dollars scales with the price level: "
                                                   "2020 prices here, 2025 in the log"),
                           "the order of magnitude says the target was left in dollars"))
for v in ("corrected", "corrected, 20000 h"):
    r2_lstm, r2_har = float(techlog_results[v]["r2"]), float(har_hourly[v].r2["har"])
    best = max(r2_lstm, r2_har)
    claims.append(report.Claim(f"techlog.{v.replace(', ', '_').replace(' ', '_')}.r2", "≈ 0 (no signal)", round(best, 4), "proper",
                               verdicts.direction(best <= 0, "no model finds signal (best test R² ≤ 0)"),
                               f"best of LSTM (R² {r2_lstm:.3f}) and HAR (R² {r2_har:.3f}) on the log-RV target, z-scored "
                               f"on train, HAR-style inputs ({v})" + ("; the LSTM fails where HAR finds signal"
                                                                     if r2_lstm <= 0 < r2_har else "")))

# %% [markdown]
# ## What we found
#
# (Numbers of the `quick` profile — 3 seeds, at most 10 pre-training and 8 fine-tuning epochs; the printed cells
# above carry those of the profile this page was built with.)
#
# * **Table 7 does not describe the stated network.** The attention (4,224) and head (2,113) counts match a
#   4-head, 32-dim attention and a 64→32→1 head exactly; the encoder count (53,760) cannot be a 3-layer, 64-unit
#   LSTM on one input (83,712 parameters in PyTorch, 82,944 in Keras), and the 64→32 projection the attention
#   needs is missing from the table.
# * **The failed experiment failed for a reason.** Its target was in dollars: the "volatility" moves with the
#   price level, so the network learns roughly the training mean and R² measures how far the test mean has moved —
#   here 71 % of the test MSE is squared bias (the December 2020 rally), and a train-mean forecast scores the same
#   R² as the LSTM. Its first loss scales with the price level squared (2,183 at 2020 prices against 4.6 × 10⁵ at
#   2025 prices). With a scale-free target the same 5,000 hours are still hard (a volatility break: LSTM, HAR and
#   persistence all score below zero), but on 20,000 hours the corrected LSTM reaches R² ≈ 0.38 and HAR ≈ 0.32 —
#   there *is* a signal in past volatility; the indicators were never the point, and persistence/HAR were the
#   benchmarks the log never ran.

# %%
gain_text = {v: f"{g['rmse'].mean():+.1f} % (sd {g['rmse'].std():.1f} over {len(g)} seeds)" for v, g in gains.items()}
nets_vs_har = {v: 100 * (1 - tables[v].xs("mean", axis=1, level=1).loc[STRATEGIES + ["LSTM (from scratch)"], "rmse"].min()
                         / tables[v].xs("mean", axis=1, level=1).loc["HAR", "rmse"]) for v in seq}
lines = [
    f"* **Transfer does not help here.** The RMSE gain of the transfer network — the frozen encoder, as the authors' "
    f"code fine-tunes — over the same network trained from scratch is {gain_text['faithful']} on the paper's series and "
    f"{gain_text['proper']} on realized variance (`{profile}` profile; negative = transfer worse), against the paper's "
    f"single-run +{papers.dhansoia_table4().loc['rmse', 'improvement_pct']:.2f} %.",
    f"* **HAR and the networks are close.** The best network is {nets_vs_har['faithful']:+.1f} % (paper's series) and "
    f"{nets_vs_har['proper']:+.1f} % (realized variance) from HAR's RMSE, not 30–50 % behind as in the paper's Table 5.",
]
if authors_table is not None:
    t = authors_table
    committed = dhansoia_code.committed_results()["rmse"]
    lines.append(
        f"* **The authors' own results do not show the transfer gain, and their scoring is misaligned.** Their trained "
        f"network is neither Table 7's nor ours ({sum(p.numel() for p in recipe.model.parameters()):,} parameters). In the code's "
        f"committed results transfer is {100 * (1 - committed['transfer'] / committed['lstm_scratch']):+.2f} % against "
        f"scratch. Their trained network scores RMSE {t.loc['transfer', 'scored_code']:.4f} the code's way (exactly the "
        f"committed number) but {t.loc['transfer', 'scored_aligned']:.4f} against the right dates (HAR "
        f"{t.loc['har', 'scored_aligned']:.4f}); the 5-day moving average goes from {t.loc['moving_avg', 'scored_code']:.3f} "
        f"to {t.loc['moving_avg', 'scored_aligned']:.3f}. Our training of the same network with the code's recipe "
        f"(`{profile}` budget) gives {t.loc['transfer, our training', 'scored_aligned']:.4f} aligned.")
display(Markdown("\n".join(lines)))

# %%
rows = []
for v, target_name in (("faithful", "log rolling-std vol"), ("proper", "log RV vol")):  # the two targets differ
    variant = "sim" if data_source == "sim" else v
    keys = dict(chapter="05_transfer_lstm", asset="btc", variant=variant, target=target_name, horizon=1, split="dhansoia_50_25_25")
    for s in SEEDS:
        for model_name, fc in runs[v][s].forecasts.items():
            rows.append(store.forecast_rows(fc, runs[v]["actual"], model=model_name, seed=s, **keys))
    for model_name, fc in (("HAR", runs[v]["har"]), ("Moving Average", runs[v]["ma"])):
        rows.append(store.forecast_rows(fc, runs[v]["actual"], model=model_name, **keys))
store_path = store.save_forecasts("05_transfer_lstm", pd.concat(rows, ignore_index=True))
results_path = report.write_results("05_transfer_lstm", profile, {"data_source": data_source, "sources": sources,
                                                                   "seeds": SEEDS}, claims)
print(results_path.name, store_path.name)
