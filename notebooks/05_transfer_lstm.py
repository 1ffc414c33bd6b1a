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
# {cite:t}`dhansoia2025` (§3.3, §5.1–5.3) pre-trains an LSTM-with-attention on S&P 500 volatility, fine-tunes it on
# bitcoin — transfer learning in the sense of {cite:t}`pan2010transfer`: a model fitted on a data-rich source domain
# is adapted to a data-poor target domain — and reports that transfer lowers the RMSE by 11 % against the same network trained from scratch
# (Table 3: 0.235 vs 0.264; Table 4 with p-values), while HAR stays far ahead (0.110). Its Table 5 adds three
# "unfreezing strategies". All of it is one run per model. Here every network is trained with several seeds,
# the transfer gain is a distribution, and the same experiment is repeated on proper realized variance.
#
# The last section reproduces a failed experiment log: an LSTM on technical indicators for hourly bitcoin with
# an out-of-sample R² of −0.0055, and shows what went wrong.

# %% tags=["parameters", "hide-input"]
profile = "quick"  # quick or full
data_source = "mirror"  # mirror: real data (VOLREP_DATA_DIR or download); sim: simulated series instead
seed = 0
seeds = None  # number of seeds per network (None: the profile's value)
pretrain_epochs = None  # at most this many pre-training epochs (None: the profile's value; the paper 50)
finetune_epochs = None  # at most this many fine-tuning epochs (None: the profile's value; the paper 30)
techlog_epochs = None  # at most this many epochs for the technical-indicator LSTM (None: the profile's value)
sim_days = None  # length of the simulated daily series used when data_source is sim

# %% tags=["hide-input"]
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from volrep import capability, config, data, evaluate, papers, report, rv, sim, store, targets, train, verdicts
from volrep.chapters import baselines as ch4
from volrep.chapters import techlog
from volrep.chapters import transfer_lstm as ch
from volrep.models import dhansoia_code, nets, transfer

settings = config.chapter_settings("05_transfer_lstm", profile, seeds=seeds, pretrain_epochs=pretrain_epochs,
                                   finetune_epochs=finetune_epochs, techlog_epochs=techlog_epochs, sim_days=sim_days)
config.seed_everything(seed)
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
#
# **The LSTM cell.** Every recurrent network of this book — here, in chapters 06 and 07 and in DeepVol (chapter 08)
# — is built from the long short-term memory cell of {cite:t}`hochreiter1997`, with the forget gate of
# {cite:t}`gers2000`, as PyTorch's `nn.LSTM` computes it. At step $t$ a layer with $H$ units reads the input
# $x_t \in \mathbb{R}^d$ (for a stacked layer, the $h_t$ of the layer below) and its own previous state
# $(h_{t-1}, c_{t-1})$:
#
# $$
# \begin{aligned}
# i_t &= \sigma\bigl(W_i x_t + U_i h_{t-1} + b_i\bigr), &
# f_t &= \sigma\bigl(W_f x_t + U_f h_{t-1} + b_f\bigr), \\
# o_t &= \sigma\bigl(W_o x_t + U_o h_{t-1} + b_o\bigr), &
# g_t &= \tanh\bigl(W_g x_t + U_g h_{t-1} + b_g\bigr), \\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t, &
# h_t &= o_t \odot \tanh(c_t),
# \end{aligned}
# $$ (ch05-lstm)
#
# with $\sigma$ the logistic function, $\odot$ the element-wise product, $W_\cdot \in \mathbb{R}^{H \times d}$,
# $U_\cdot \in \mathbb{R}^{H \times H}$, and $(h_0, c_0) = (0, 0)$. PyTorch stores each bias as two vectors
# ($b = b^{ih} + b^{hh}$), Keras as one, so a stack of $L$ layers on $d$ inputs has
#
# $$
# P_{\text{LSTM}}(d, H, L) = 4H\,(d + H + n_b) + (L - 1)\cdot 4H\,(2H + n_b), \qquad
# n_b = 2 \text{ (PyTorch) or } 1 \text{ (Keras)}
# $$ (ch05-lstm-params)
#
# parameters (`volrep.models.nets.lstm_parameter_count`).
#
# **The transfer network.** With $h_1, \dots, h_T$ the top layer's states over the window ($T = 20$), our wiring
# (the paper gives none; `volrep.models.nets.TransferLSTM`) is
#
# $$
# \begin{aligned}
# z_t &= \operatorname{ReLU}(W_z h_t + b_z), \qquad t = 1, \dots, T, \\
# a_j &= \operatorname{softmax}\Bigl(\frac{(z_T^\top W^Q_j)(Z W^K_j)^\top}{\sqrt{d_k}}\Bigr)\, Z W^V_j,
# \qquad j = 1, \dots, 4, \\
# c &= [a_1, a_2, a_3, a_4]\, W^O, \\
# \hat y_{T+1} &= w_2^\top \operatorname{ReLU}\bigl(W_1 [c; z_T] + b_1\bigr) + b_2,
# \end{aligned}
# $$ (ch05-transfer-net)
#
# where $Z = (z_1, \dots, z_T)^\top$ (biases of the attention projections not written). The 64 → 32 bottleneck
# $W_z$ feeds multi-head attention {cite:p}`vaswani2017` with 4 heads of $d_k = 8$ dimensions, whose query is the
# forecast origin $z_T$, and the head reads the attention summary beside the last state; dropout sits between the
# LSTM layers, on the attention weights and in the head. Table 7 counts the attention and the head exactly as
# {eq}`ch05-transfer-net` does; its encoder row is no value of {eq}`ch05-lstm-params` for 3 layers of 64 units,
# whatever the input size or bias convention. The second table below spells the arithmetic out block by block.

# %% tags=["hide-input"]
model = nets.TransferLSTM()
counts = nets.parameter_counts(model)
pd.DataFrame({"ours": counts, "paper (Table 7)": pd.Series(papers.DHANSOIA_TABLE7)})

# %% tags=["hide-input"]
ch.table7_explanation(model)

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
print(counts.to_dict())

# %% [markdown]
# ## Data
#
# Faithful: the paper's series — log of the 22-day rolling standard deviation of daily Yahoo returns × √252 —
# for the S&P 500 (source, 2018–2023) and bitcoin (target), each split 50/25/25 in time and z-scored on its own
# training part; a 20-day window forecasts the next day. Proper: log daily volatility from realized variance —
# Oxford-Man 5-minute RV of the S&P 500 (2000–2021) as the source and bitcoin RV from Binance 15-minute
# returns (2018–2022) as the target. With $r_t$ the daily log return and $RV_t$ the day's realized variance,
#
# $$
# v^{\text{faithful}}_t = \log\Bigl(\sqrt{252}\;\operatorname{sd}(r_{t-21}, \dots, r_t)\Bigr), \qquad
# v^{\text{proper}}_t = \tfrac12 \log\bigl(A\, RV_t\bigr), \quad A = 252 \text{ (S\&P 500)},\; 365 \text{ (bitcoin)},
# $$ (ch05-series)
#
# and the networks see $z_t = (v_t - \bar v_{\text{train}}) / s_{\text{train}}$, the series standardised with the
# mean and standard deviation of its own training part. Metrics are on the log-volatility scale of each series.

# %% tags=["hide-input"]
series, sources = ch.dhansoia_series(data_source, seed=seed, sim_days=settings["sim_days"])
display(Markdown(report.provenance_markdown(sources)))
splits = {v: {a: targets.named_split(s.index, "dhansoia_50_25_25") for a, s in pair.items()} for v, pair in series.items()}
seq = {v: {a: ch.sequence_data(s, splits[v][a], lookback=20) for a, s in pair.items()} for v, pair in series.items()}

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
for v, pair in seq.items():
    for a, d in pair.items():
        print(f"{v:8s} {a}: windows train/val/test = {len(d.y['train'])}/{len(d.y['val'])}/{len(d.y['test'])}, "
              f"test {d.dates['test'][0]:%Y-%m-%d}..{d.dates['test'][-1]:%Y-%m-%d}")

# %% [markdown]
# ## Training: pre-training, from scratch, and five fine-tuning strategies, per seed
#
# Every network minimises the mean squared error of its one-day forecasts of the standardised series,
#
# $$
# \mathcal{L}(\theta) = \frac{1}{n} \sum_{i=1}^{n} \bigl(z_{t_i+1} - \hat y_{t_i+1}(\theta)\bigr)^2 ,
# $$ (ch05-mse)
#
# over the $n$ training origins $t_i$, with Adam {cite:p}`kingma2015adam`. Table 8's settings: pre-training and
# training from scratch with Adam at 1e-3, batch 32, early stopping (patience 10) on the validation part, the
# weights of the best validation epoch kept; fine-tuning at 1e-4, batch 16.
#
# **Transfer.** Write the parameters by block, $\theta = (\theta_{\text{enc}}, \theta_{\text{bot}},
# \theta_{\text{att}}, \theta_{\text{head}})$ (LSTM encoder, bottleneck, attention and head of
# {eq}`ch05-transfer-net`). Pre-training fits {eq}`ch05-mse` on the source (S&P 500); fine-tuning starts from the
# source fit and moves only the blocks of a trainable set $\mathcal{A}$ on the target (bitcoin), each block $b$ at
# its own learning rate $\eta_b$:
#
# $$
# \hat\theta^{S} = \arg\min_{\theta} \mathcal{L}_{S}(\theta), \qquad
# \hat\theta^{T}_{\mathcal{A}} = \arg\min_{\theta_{\mathcal{A}}} \mathcal{L}_{T}\bigl(\theta_{\mathcal{A}},
# \hat\theta^{S}_{\bar{\mathcal{A}}}\bigr) \;\text{ starting from }\; \theta_{\mathcal{A}} = \hat\theta^{S}_{\mathcal{A}},
# $$ (ch05-transfer)
#
# where the frozen blocks $\bar{\mathcal{A}}$ keep their source values ("argmin" is shorthand for Adam with early
# stopping). The network "from scratch" minimises $\mathcal{L}_T$ from a random start. The strategies differ only
# in $\mathcal{A}$ and the $\eta_b$ (`volrep.models.transfer`; $\eta$ = 1e-4 is Table 8's fine-tuning rate):
#
# | strategy | defined in | trainable blocks $\mathcal{A}$ | learning rates |
# |---|---|---|---|
# | `frozen_encoder` | §3.3 | head | $\eta$ |
# | `full_finetune` | §3.3 | all | $\eta$ |
# | `differential_lr` | Table 5 (named); ours | all | head $\eta$; bottleneck and attention $\eta/3$; encoder $\eta/10$ |
# | `gradual_unfreezing` | Table 5 (named); ours | head; every 2 epochs one more block from the top: bottleneck + attention, LSTM layer 3, 2, 1 | $\eta$ |
# | `aggressive_finetune` | Table 5 (named); ours | all | 1e-3, the pre-training rate |
#
# The paper defines the first two and only names the other three; our readings of those follow the discriminative
# fine-tuning and gradual unfreezing of {cite:t}`howard2018ulmfit`. The quick profile caps the epochs; the full one
# uses the paper's 50 and 30.

# %% tags=["hide-input"]
runs = {v: ch.run_seeds(seq[v]["spx"], seq[v]["btc"], SEEDS, strategies=STRATEGIES,
                        pretrain_epochs=settings["pretrain_epochs"], finetune_epochs=settings["finetune_epochs"], progress=False)
        for v in seq}

# %% tags=["hide-input"]
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
# show, and the authors' code fine-tunes with `freeze_encoder: True`. HAR {cite:p}`corsi2009` on the 1-, 5- and
# 22-day means of the series (chapter 06 writes it out) and the 5-day moving average are fitted on the same
# training part and forecast the same test days.

# %% tags=["hide-input"]
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

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
for v, t in tables.items():
    means = t.xs("mean", axis=1, level=1)
    print(f"{v}: RMSE HAR {means.loc['HAR', 'rmse']:.4f}, moving average {means.loc['Moving Average', 'rmse']:.4f}")

# %% tags=["hide-input"]
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, t in tables.items():
    means = t.xs("mean", axis=1, level=1)
    print(f"{v}: RMSE scratch {means.loc['LSTM (from scratch)', 'rmse']:.4f}, transfer {means.loc[TRANSFER, 'rmse']:.4f}")

# %% [markdown]
# ## Table 4: the transfer gain, seed by seed
#
# Improvement of the transfer network (frozen encoder, as in the authors' code) over the network trained from
# scratch, per seed: for the losses (RMSE, MAE) $100\,(1 - \text{loss}_{\text{transfer}} / \text{loss}_{\text{scratch}})$,
# for the scores (R², correlation) $100\,(\text{score}_{\text{transfer}} / \text{score}_{\text{scratch}} - 1)$, the
# convention that reproduces the paper's R² row. Beside them, one-sided Diebold–Mariano tests
# {cite:p}`diebold1995` with the small-sample correction of {cite:t}`harvey1997` on squared and absolute errors of
# the test days — the paper does not say which test gave its p-values. With $d_t = L(e_{1,t}) - L(e_{2,t})$ the
# loss differential of two forecasts over $n$ test days ($L(e) = e^2$ or $|e|$), $\bar d$ its mean and
# $\hat\gamma_k$ its autocovariances,
#
# $$
# DM = \frac{\bar d}{\sqrt{\bigl(\hat\gamma_0 + 2 \sum_{k=1}^{h-1} \hat\gamma_k\bigr) / n}}, \qquad
# DM^{*} = DM\,\sqrt{\frac{n + 1 - 2h + h(h-1)/n}{n}} \;\sim\; t_{n-1},
# $$ (ch05-dm)
#
# for $h$-step forecasts ($h = 1$ here: no autocovariance term). `volrep.stats.diebold_mariano` computes $DM^*$;
# here model 1 is the transfer network, and the one-sided alternative is $\mathrm{E}[d_t] < 0$ (transfer more
# accurate).

# %% tags=["hide-input"]
gains = {v: ch.transfer_gain({s: runs[v][s] for s in SEEDS}, runs[v]["actual"], transfer_model=TRANSFER) for v in seq}
gain_table = pd.concat(gains)
gain_table

# %%
papers.dhansoia_table4()

# %% tags=["hide-input"]
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, g in gains.items():
    print(f"{v}: RMSE gain mean {g['rmse'].mean():.2f} % (sd {g['rmse'].std():.2f}); transfer beats scratch in "
          f"{int((g['rmse'] > 0).sum())} of {len(g)} seeds; DM p < 0.05 in {int((g['dm_se_p'] < 0.05).sum())}")

# %% [markdown]
# ## Table 5, upper part: the fine-tuning strategies against HAR

# %% tags=["hide-input"]
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

# %% tags=["hide-input"]
recipe = authors_table = None
if data_source != "sim":  # the authors' artefacts are results on real data
    recipe = dhansoia_code.train_code_recipe(settings["pretrain_epochs"], settings["finetune_epochs"], seed=seed)
    authors_table = ch.authors_models_table(recipe)
authors_table

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
if authors_table is not None:
    a = authors_table.loc[["transfer", "har", "moving_avg"]]
    print(f"our scoring the code's way reproduces its committed RMSEs: {bool(np.allclose(a['scored_code'], a['committed'], rtol=1e-5))}")
    print(f"date-aligned, HAR still has the lowest RMSE: {bool(a['scored_aligned'].idxmin() == 'har')}")

# %% tags=["remove-input"]
if authors_table is not None:
    code_test = dhansoia_code.load_splits("btc")["test"]
    code_base = dhansoia_code.code_baselines()
    first_row = {name: code_test.index.get_loc(dates[0]) for name, dates in (
        ("network", dhansoia_code.code_windows("btc")["test"].dates), ("har", code_base["har"].dropna().index),
        ("moving average", code_base["moving_avg"].index))}
    n_scored = len(code_test) - first_row["har"]  # the code cuts every array to the shortest: HAR's targets
    shift = {name: first_row["har"] - row for name, row in first_row.items() if name != "har"}
    a = authors_table.loc[["transfer", "har", "moving_avg"]]
    exact = bool(np.allclose(a["scored_code"], a["committed"], rtol=1e-5))
    above = {way: {m: 100 * (a.loc[m, way] / a.loc["har", way] - 1) for m in ("transfer", "moving_avg")}
             for way in ("scored_code", "scored_aligned")}
    display(Markdown(
        f"**Which step explains the disagreements.** The code cuts every forecast array to the length of the shortest "
        f"({n_scored} days) *from its start* and scores it against HAR's targets: the network's forecasts, whose windows "
        f"start {shift['network']} days earlier than HAR's, are compared with the values {shift['network']} days later, "
        f"and the {dhansoia_code.CONFIG['moving_average_window']}-day moving average's with the values "
        f"{shift['moving average']} days later. Our scoring the code's way "
        + ("gives back the committed numbers to the last digit, so the committed results are this misaligned scoring"
           if exact else "does not give back the committed numbers")
        + f"; aligned, the authors' network is {above['scored_aligned']['transfer']:.0f} % above HAR's RMSE instead of "
        f"{above['scored_code']['transfer']:.0f} %, and the moving average {above['scored_aligned']['moving_avg']:.0f} % "
        f"instead of {above['scored_code']['moving_avg']:.0f} %."))

# %% [markdown]
# The paper's Table 3 matches neither scoring: its HAR row equals the results of a later commit of the code that ran
# on hourly bars, so Table 3 most likely comes from another run than the committed daily one. Our own training of the
# same network differs from the authors' checkpoint in how the training loop keeps its weights (best epoch here; the
# code's shallow `state_dict().copy()` keeps the last epoch) and in gradient clipping, which the code applies and
# `volrep.train.fit` does not.

# %% [markdown]
# ## Can the network match HAR? A check with known truth
#
# Before its verdicts count, a network must show that it can learn what HAR learns. `volrep.capability` simulates a
# series whose best one-day forecast is a HAR regression with known coefficients, fits HAR by least squares, and
# trains the chapter's network on it with this chapter's code and this run's epoch budget. The network passes when
# its test RMSE is within the stated margin of HAR's and it captures most of HAR's edge over the training mean
# (the margin and the share are in `volrep.capability`). A family that fails makes every verdict on it provisional.

# %% tags=["hide-input"]
checks = [capability.capability_check("transfer_lstm", profile=profile, epochs=settings["pretrain_epochs"], seed=seed)]
capable = all(c.passed for c in checks)
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for c in checks:
    print(c.describe())

# %% [markdown]
# ## Paper versus ours (chapters' claims)

# %% tags=["remove-input", "hide-output"]
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

# %% tags=["hide-input"]
# trained networks: checked within tolerance (volrep.regression), not digit by digit
print(claims_table.groupby("variant")["verdict"].value_counts().to_string())

# %% [markdown]
# ## The failed experiment: an LSTM on technical indicators for hourly bitcoin
#
# The log trains a Keras LSTM on 5,000 hourly BTC/USDT bars with technical-indicator inputs to predict "future
# volatility", and ends with R² = −0.0055 on the test set. It states neither the target, nor the window, nor the
# split; its own numbers say what they were (`volrep.chapters.techlog` holds the reconstruction).
#
# **The target was in dollars.** Let $y$ be the target, $L_1$ the first epoch's training loss (the network's
# output still near 0), $L_p$ the plateau of the training loss once the network outputs about the training mean
# (epochs 10–18), $L_b$ the training loss of the restored best epoch, and MSE and $R^2$ the test scores. A network
# that outputs about 0 has a mean squared error $\mathrm{E}[y^2] = \bar y^2 + s^2$, one that outputs the training
# mean $\bar y$ has $s^2$, and one that outputs a constant $c$ has $s^2 + (c - \bar y)^2$; and $R^2 = 1 -
# \mathrm{MSE}/s^2_{\text{test}}$. Hence
#
# $$
# s_{\text{train}} \approx \sqrt{L_p}, \qquad
# \bar y_{\text{train}} \gtrsim \sqrt{L_1 - L_p}, \qquad
# s_{\text{test}} = \sqrt{\frac{\mathrm{MSE}}{1 - R^2}}, \qquad
# \bar y_{\text{test}} \approx \bar y_{\text{train}} - \sqrt{L_b - L_p},
# $$ (ch05-techlog-moments)
#
# the last because $R^2 \approx 0$ says that the restored network's near-constant output sat at the test mean. The
# losses are in squared dollars, so the target was never scaled:

# %% tags=["hide-input"]
implied = techlog.log_implied_moments()
display(Markdown(
    f"from the log's losses, these relations give a training mean of at least "
    f"{implied['train_mean']:,.0f} USD with a coefficient of variation (sd / mean) of {implied['train_cv']:.2f}, and "
    f"a test mean of about {implied['test_mean']:,.0f} USD with a coefficient of variation of {implied['test_cv']:.2f} "
    f"(first loss {papers.TECHLOG_TEST['first_epoch_loss']:,.0f}, test MSE {papers.TECHLOG_TEST['mse']:,.0f}, "
    f"R² {papers.TECHLOG_TEST['r2']})."))

# %% [markdown]
# Two dollar readings of "volatility over the next 24 hours" are plausible, with $C_t$ the close of hour $t$:
#
# $$
# y^{\text{changes}}_t = \operatorname{sd}\bigl(C_{t+1} - C_t, \dots, C_{t+24} - C_{t+23}\bigr), \qquad
# y^{\text{levels}}_t = \operatorname{sd}\bigl(C_{t+1}, \dots, C_{t+24}\bigr)
# $$ (ch05-techlog-target)
#
# (sample standard deviations). Both scale with the price level; their scale-free moments tell them apart. For a
# Gaussian random walk at constant volatility the sample sd of 24 *levels* has a coefficient of variation near 0.41
# and that of 24 *changes* near 0.15; fat tails and changing volatility only raise them. The log's test coefficient
# of variation lies below what the levels reading gives on the mirror's hourly bitcoin and within the range of the
# changes reading, and its training mean, set against the price of bitcoin in the log's 2025 window, is the changes
# reading's share of the price (`volrep.chapters.techlog.dollar_target_readings` computes both readings' moments on
# any bars).
# The faithful target is therefore $y^{\text{changes}}_t$ in USD — about the sd of hourly returns times the price:
# a "volatility" that moves with the price level. The log's batch counts (104 training and 22 test batches of 32)
# fix the rest: a 70/15/15 split of the *rows*, each part cut into 24-hour windows of its own, after the 200-hour
# warm-up of a moving-average indicator, forecasting 24 hours ahead.
#
# **Why R² says little here.** The test MSE of a forecast $f$ of $y$ splits into a bias, a spread and a correlation
# part {cite:p}`theil1966`:
#
# $$
# \mathrm{MSE} = (\bar f - \bar y)^2 + (s_f - \rho\, s_y)^2 + (1 - \rho^2)\, s_y^2, \qquad
# R^2 = 1 - \frac{\mathrm{MSE}}{s_y^2},
# $$ (ch05-theil)
#
# with $\rho$ the correlation of $f$ and $y$ on the test days (`volrep.chapters.techlog.mse_decomposition`). A network that
# has learned only the training mean ($s_f \approx 0$) scores $R^2 \approx -(\bar y_{\text{train}} -
# \bar y_{\text{test}})^2 / s_y^2$: with a target in dollars, R² measures how far the price level has moved between
# the training and the test part, not any skill.
#
# **The corrected experiment.** The target becomes the log realized volatility of the next 24 hourly log returns,
#
# $$
# y_t = \tfrac12 \log \sum_{i=1}^{24} r_{t+i}^2, \qquad r_t = \log(C_t / C_{t-1}),
# $$ (ch05-techlog-corrected)
#
# scale-free and close to Gaussian, z-scored on the training part. The inputs add HAR's regressors
# {cite:p}`corsi2009` on hourly origins — the trailing 24-hour log realized volatility and its means over the last
# 168 and 720 hours — to the indicators in price-free form; training and validation origins whose target runs into
# the next part are purged, and validation and test origins are 24 hours apart, so that their targets do not
# overlap. We train the same kind of network on (a) the faithful setup and (b) the corrected one; HAR and
# persistence are the benchmarks.

# %% tags=["hide-input"]
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

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
for v, h in har_hourly.items():
    print(f"HAR, {v}: test R² {h.r2['har']:.3f}")
print(f"the log: R² {papers.TECHLOG_TEST['r2']}, first loss {papers.TECHLOG_TEST['first_epoch_loss']:.4g}")

# %% tags=["hide-input"]
# trained networks: checked within tolerance (volrep.regression), not digit by digit
for v, r in techlog_results.items():
    print(f"{v}: LSTM test R² {r['r2']:.3f}, first-epoch loss {r['history'].train_loss[0]:.4g}")

# %% tags=["hide-input"]
techlog.mse_decomposition(techlog_results["faithful"]["actual"], techlog_results["faithful"]["forecast"]).to_frame()

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
for ax, (variant, r) in zip(axes, techlog_results.items()):
    ax.plot(r["actual"].index, r["actual"].to_numpy(), lw=0.6, color="k", label="actual")
    ax.plot(r["forecast"].index, r["forecast"].to_numpy(), lw=1, label=f"LSTM (R² {r['r2']:.2f})")
    ax.set(title=f"{variant}: {experiments[variant].units}")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
fig.tight_layout()

# %% tags=["hide-input"]
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

# %% tags=["remove-input"]
found = [f"(`{profile}` profile: {len(SEEDS)} seeds, at most {settings['pretrain_epochs']} pre-training and "
         f"{settings['finetune_epochs']} fine-tuning epochs.)", ""]

# Table 7
t7 = ch.table7_explanation(model)
enc, att, fc1, fc2 = model.encoder, model.attention, model.head[0], model.head[-1]
bad = [b for b in ("encoder", "attention", "head") if not bool(t7.loc[b, "matches"])]
text = "* **Table 7 " + ("does not describe" if bad else "describes") + " the stated network.** "
good = [b for b in ("attention", "head") if b not in bad]
if good:
    text += (" and ".join(f"{'the' if i else 'The'} {b} count ({t7.loc[b, 'paper']:,.0f})" for i, b in enumerate(good)) + " match"
             + ("es" if len(good) == 1 else "") + f" a {att.num_heads}-head, {att.embed_dim}-dim attention and a "
             f"{fc1.in_features}→{fc1.out_features}→{fc2.out_features} head exactly; ")
if "encoder" in bad:
    text += (f"the encoder count ({t7.loc['encoder', 'paper']:,.0f}) cannot be a {enc.num_layers}-layer, "
             f"{enc.hidden_size}-unit LSTM on {enc.input_size} input ({t7.loc['encoder', 'ours']:,.0f} parameters in "
             f"PyTorch, {t7.loc['encoder', 'keras']:,.0f} in Keras)")
if np.isnan(t7.loc["bottleneck", "paper"]):
    text += (f", and the {enc.hidden_size}→{att.embed_dim} projection the attention needs "
             f"({t7.loc['bottleneck', 'ours']:,.0f} parameters) is missing from the table")
found.append(text + ".")

# the failed experiment
tl, exp = techlog_results["faithful"], experiments["faithful"]
decomp = techlog.mse_decomposition(tl["actual"], tl["forecast"])
bias_share = decomp.bias_sq / decomp.mse
train_mean = float(np.mean(exp.to_units(exp.train.y)))
r2_train_mean = float(tl["naive"].r2["train_mean"])
hard = {"LSTM": float(techlog_results["corrected"]["r2"]), "HAR": float(har_hourly["corrected"].r2["har"]),
        "persistence": float(techlog_results["corrected"]["naive"].r2["persistence"])}
long_run = {"LSTM": float(techlog_results["corrected, 20000 h"]["r2"]), "HAR": float(har_hourly["corrected, 20000 h"].r2["har"])}
long_hours = min(20_000, len(hourly))  # the bars of the "corrected, 20000 h" experiment above
text = ("* **The failed experiment failed for a reason.** Its target was in dollars: the \"volatility\" moves with "
        "the price level, so " + ("the network learns roughly the training mean and R² measures how far the test mean "
        "has moved — " if bias_share > 0.5 else "")
        + f"here {100 * bias_share:.0f} % of the test MSE is squared bias (the test mean, "
        f"{float(tl['actual'].mean()):,.0f} {exp.units} over {tl['actual'].index[0]:%B %Y}–{tl['actual'].index[-1]:%B %Y}, "
        f"against a training mean of {train_mean:,.0f} {exp.units}), and a train-mean forecast scores R² {r2_train_mean:.2f} against the "
        f"LSTM's {float(tl['r2']):.2f}. Its first loss scales with the price level squared "
        f"({tl['history'].train_loss[0]:,.0f} at {exp.train.dates[0]:%Y}"
        + (f"–{exp.train.dates[-1]:%Y}" if exp.train.dates[-1].year != exp.train.dates[0].year else "")
        + f" prices against {papers.TECHLOG_TEST['first_epoch_loss']:,.0f} in the log, at 2025 prices). With a scale-free "
        "target the log's same 5,000 hours are "
        + ("still hard (a volatility break: LSTM, HAR and persistence all score below zero)" if max(hard.values()) <= 0
           else "not hopeless (" + ", ".join(f"{m} R² {r:.2f}" for m, r in hard.items()) + ")")
        + f", but on {long_hours:,} hours the corrected LSTM reaches R² {long_run['LSTM']:.2f} and HAR "
        f"{long_run['HAR']:.2f}"
        + (" — there *is* a signal in past volatility; the indicators were never the point, and persistence/HAR were "
           "the benchmarks the log never ran." if max(long_run.values()) > 0 else
           " — no signal even there; persistence and HAR are the benchmarks the log never ran."))
found.append(text)
display(Markdown("\n".join(found)))

# %% tags=["hide-input"]
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

# %% tags=["hide-input"]
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
