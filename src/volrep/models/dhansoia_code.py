"""The Dhansoia (2025) authors' public code, rebuilt: their trained networks, data pipeline and baselines.

The paper (Dhansoia 2025, §3.3-3.6, §5, Tables 3, 7, 8) leaves several settings unstated; the authors'
repository ``ronitdhansoia/vltlty`` fixes them. The trained weights, result JSONs and split CSVs of commit
``3070ee4a`` are registered artefacts (:mod:`volrep.data.artefacts`, groups ``dhansoia_code_models``,
``dhansoia_code_results``, ``dhansoia_code_splits``). The Python sources were read at the stored commit
``b35d3146`` of the same repository (they are not stored at ``3070ee4a``); the four checkpoints load strictly into
this code's classes and its scoring reproduces ``experiment_results.json``. References: ``main.py`` by line
(``CONFIG`` is lines 47-77) or by its numbered steps, the other files by function or class name.

What the code does where the paper is silent
--------------------------------------------
* Architecture (``models.py``: ``MultiHeadAttention``, ``RoughVolatilityEncoder``,
  ``RoughVolatilityPredictor``): LSTM(1→64, 3 layers, dropout 0.1 between layers) → LayerNorm(64) → 4-head
  self-attention on the 64-dim states (own q/k/v/out projections, scale √16, dropout on the weights) → last time
  step → Linear(64→32)+ReLU+Dropout → MLP 32→64→32→1 (ReLU, Dropout 0.1 after the first two layers).
  106,785 parameters, not the paper's 60,097 (Table 7).
* Input (``datasets.py``: ``VolatilityDataset``, ``load_data_splits``): the ``log_rv`` column of
  ``{asset}_{split}.csv`` cast to float32, z-scored with the training file's mean and population std
  (``+1e-8``); windows of 20 days, target the next day; validation and test windows start inside their own file.
* Recipe (``main.py`` 47-77; ``train.py``: ``train_epoch``, ``pretrain_on_source``, ``finetune_on_target``):
  Adam, MSE on z-scores, gradient clipping at norm 1, ReduceLROnPlateau(0.5, patience 5), early stopping
  patience 10; pre-train on SPX (50 epochs, lr 1e-3, batch 32), fine-tune on BTC (30 epochs, lr 1e-4, batch 16)
  with ``freeze_encoder=True``: **every** encoder parameter is frozen (LSTM, LayerNorm, attention, bottleneck;
  ``TransferRoughVolModel.freeze_encoder``), only the 4,225 predictor parameters train; dropout stays active in
  the frozen encoder. ``best_state = model.state_dict().copy()`` is a shallow copy, so the saved checkpoint holds
  the **last** epoch's weights (``finetuned_btc.pth``: epoch 17 of 17, best validation loss at epoch 7).
* Baselines (``baselines.py``: ``HARModel``, ``MovingAverageBaseline``; ``main.py`` step 4): HAR on log RV with
  1/5/22-day means, sklearn OLS fitted on train+validation, predicted on the test file from its 23rd row; moving
  average of the last **5** days.
* Scoring (``main.py`` steps 5-6; ``evaluation.py``: ``compute_all_metrics``, ``compare_models``): metrics in
  log-RV units (network forecasts de-scaled with the BTC training mean/std). All forecast arrays are cut to the
  shortest length (905) **from their start** and scored against the HAR targets, so the network's forecasts
  (first target = test row 21) meet the values two days later and the moving average's (first target = row 6)
  those 17 days later. :func:`score_authors_models` gives the code's scoring (``alignment="code"``, equal to the
  committed JSON) and the date-aligned one.
* DM test (``evaluation.py``: ``diebold_mariano_test``): squared loss, variance of the loss difference at lag 0
  only (no HAC, no Harvey-Leybourne-Newbold correction), normal p-values.
* Residual models (``transfer_residual.py``: ``ResidualCorrectionNet``, ``prepare_asset_data``): 2-layer
  LSTM(64) on 22-day windows + HAR-feature embedding, correction head initialised small; HAR fitted by normal
  equations on the **z-scored** training file only; metrics in z-units. The residual/regime JSONs (Table 5's
  0.27) were written at ``b35d3146``, whose split CSVs hold **hourly** bars (from 2025-10-23), not the daily
  files of ``3070ee4a``; they are not reproducible from the registered splits.
* HAR-LSTM hybrid (``hybrid_model.py``: ``HARLSTMHybrid``): the learnable weight α (``har_weight``) starts at 0.8;
  ``finetune_hybrid_on_target`` defaults to differential rates (encoder 1e-5, rest 5e-4) and patience 15.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from volrep import evaluate
from volrep.config import local_seed
from volrep.data import artefacts
from volrep.errors import ConfigError
from volrep.train import History, fit, predict

#: Repository and commit of the registered artefacts; the commit whose sources were read.
REPOSITORY = "ronitdhansoia/vltlty"
ARTEFACT_COMMIT = "3070ee4af7417f22ca9293799080b6a612217041"
SOURCE_COMMIT = "b35d314645eb1d9202fb0f30e4501a32116813c4"

#: ``CONFIG`` of ``main.py`` 47-77 (also stored in ``experiment_results.json['config']``).
CONFIG = {
    "lookback": 20, "horizon": 1, "hidden_dim": 64, "encoding_dim": 32, "num_layers": 3, "num_heads": 4,
    "dropout": 0.1, "pretrain_epochs": 50, "pretrain_lr": 1e-3, "pretrain_patience": 10, "pretrain_batch_size": 32,
    "finetune_epochs": 30, "finetune_lr": 1e-4, "finetune_patience": 10, "finetune_batch_size": 16,
    "freeze_encoder": True, "har_lags": (1, 5, 22), "moving_average_window": 5, "hybrid_alpha_init": 0.8,
}

#: Parameters of :class:`CodeTransferModel` with the code's settings.
N_PARAMETERS = 106_785

_MODELS, _RESULTS, _SPLITS = "dhansoia_code_models", "dhansoia_code_results", "dhansoia_code_splits"
_METRICS = ("rmse", "mae", "r2", "correlation")


class CodeAttention(nn.Module):
    """Multi-head self-attention of ``models.py`` (``MultiHeadAttention``): separate q/k/v/out projections."""

    def __init__(self, hidden: int = 64, heads: int = 4, dropout: float = 0.1) -> None:
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(hidden, hidden) for _ in range(4))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        q, k, v = (p(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
                   for p in (self.q_proj, self.k_proj, self.v_proj))
        weights = self.dropout(torch.softmax(q @ k.transpose(-2, -1) / self.head_dim ** 0.5, dim=-1))
        return self.out_proj((weights @ v).transpose(1, 2).reshape(b, t, -1))


class CodeEncoder(nn.Module):
    """``RoughVolatilityEncoder`` (``models.py``): LSTM → LayerNorm → attention → last step → bottleneck."""

    def __init__(self, hidden: int = 64, encoding: int = 32, layers: int = 3, heads: int = 4,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, num_layers=layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.layer_norm = nn.LayerNorm(hidden)
        self.attention = CodeAttention(hidden, heads, dropout)
        self.bottleneck = nn.Sequential(nn.Linear(hidden, encoding), nn.ReLU(), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states = self.layer_norm(self.lstm(x)[0])
        return self.bottleneck(self.attention(states)[:, -1, :])


class CodePredictor(nn.Module):
    """``RoughVolatilityPredictor`` (``models.py``): 32→64→32→1 with ReLU and dropout; output ``(batch,)``."""

    def __init__(self, encoding: int = 32, dropout: float = 0.1) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(encoding, 64), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(64, 32), nn.ReLU(), nn.Dropout(dropout), nn.Linear(32, 1))

    def forward(self, encoding: torch.Tensor) -> torch.Tensor:
        return self.mlp(encoding).squeeze(-1)


class CodeTransferModel(nn.Module):
    """The authors' ``TransferRoughVolModel`` (``models.py``), state-dict compatible with their checkpoints.

    Parameters
    ----------
    hidden, encoding, layers, heads, dropout
        The code's defaults (``main.py`` 54-59): 64, 32, 3, 4, 0.1 — 106,785 parameters
        (paper Table 7 states 60,097).

    Notes
    -----
    Input ``(batch, 20, 1)`` z-scored log RV; output ``(batch,)``, the next day's z-scored log RV.
    """

    def __init__(self, hidden: int = 64, encoding: int = 32, layers: int = 3, heads: int = 4,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = CodeEncoder(hidden, encoding, layers, heads, dropout)
        self.predictor = CodePredictor(encoding, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.predictor(self.encoder(x))

    def freeze_encoder(self) -> list[nn.Parameter]:
        """Freeze every encoder parameter (``TransferRoughVolModel.freeze_encoder``); return those left to train."""
        for p in self.encoder.parameters():
            p.requires_grad_(False)
        return list(self.predictor.parameters())


class CodeResidualNet(nn.Module):
    """``ResidualCorrectionNet`` of ``transfer_residual.py``: HAR-residual correction from a 22-day window.

    Input: window ``(batch, 22, 1)`` and HAR features ``(batch, 3)`` of the z-scored series; output: the
    correction ``(batch, 1)`` added to the HAR forecast. 54,689 parameters.
    """

    def __init__(self, hidden: int = 64, encoding: int = 32, layers: int = 2, dropout: float = 0.2) -> None:
        super().__init__()
        self.encoder = nn.LSTM(1, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.compress = nn.Sequential(nn.Linear(hidden, encoding), nn.ReLU(), nn.Dropout(dropout))
        self.har_embed = nn.Sequential(nn.Linear(3, encoding // 2), nn.ReLU(), nn.Dropout(dropout))
        self.correction_head = nn.Sequential(
            nn.Linear(encoding + encoding // 2, encoding), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(encoding, encoding // 2), nn.ReLU(), nn.Linear(encoding // 2, 1))

    def forward(self, window: torch.Tensor, har: torch.Tensor) -> torch.Tensor:
        encoding = self.compress(self.encoder(window)[1][0][-1])
        return self.correction_head(torch.cat([encoding, self.har_embed(har)], dim=-1))


def load_authors_model(name: str = "finetuned_btc.pth") -> nn.Module:
    """One of the authors' four checkpoints, loaded strictly into its architecture, in evaluation mode.

    Parameters
    ----------
    name
        ``"finetuned_btc.pth"`` or ``"pretrained_spx.pth"`` (:class:`CodeTransferModel`, dict with
        ``model_state_dict``), ``"residual_pretrained_spx.pth"`` or ``"residual_transfer_btc.pth"``
        (:class:`CodeResidualNet`, a bare state dict). The file's sha256 is checked before unpickling.
    """
    checkpoint = artefacts.load_torch(_MODELS, name)
    model: nn.Module = CodeResidualNet() if name.startswith("residual") else CodeTransferModel()
    model.load_state_dict(checkpoint.get("model_state_dict", checkpoint), strict=True)
    return model.eval()


def load_splits(asset: str) -> dict[str, pd.Series]:
    """The code's ``log_rv`` series of ``{asset}_{train,val,test}.csv`` (``datasets.py``: ``load_data_splits``), dated.

    Parameters
    ----------
    asset
        ``"btc"`` or ``"spx"``.

    Returns
    -------
    dict
        ``{"train": Series, "val": Series, "test": Series}`` of float64 log RV indexed by date.
    """
    out = {}
    for split in ("train", "val", "test"):
        frame = pd.read_csv(artefacts.path(_SPLITS, f"{asset}_{split}.csv"), index_col=0, parse_dates=True)
        out[split] = frame["log_rv"].rename(f"{asset}_{split}")
    return out


@dataclass(frozen=True)
class Windows:
    """Windows of one split as ``VolatilityDataset`` builds them (``datasets.py``).

    ``x``: ``(n, lookback, 1)`` float32 z-scores; ``y``: ``(n,)`` float32 z-scored targets; ``dates``: the
    target dates; ``mean``, ``std``: the training file's float32 mean and population std used to scale.
    """

    x: np.ndarray
    y: np.ndarray
    dates: pd.DatetimeIndex
    mean: np.float32
    std: np.float32

    def unscale(self, z: np.ndarray) -> np.ndarray:
        """Back to log RV: ``z * std + mean`` as ``main.py`` step 5 (the ``1e-8`` of the scaling is not undone)."""
        return np.asarray(z, dtype=np.float32) * self.std + self.mean


def code_windows(asset: str, lookback: int = CONFIG["lookback"]) -> dict[str, Windows]:
    """Train/val/test windows of ``asset`` exactly as ``create_dataloaders`` (``datasets.py``) makes them.

    The series is cast to float32, scaled by the training file's ``np.mean`` and ``np.std`` (population) with
    ``+1e-8`` in the denominator; each split's windows use only that split's rows, so the first target of a
    split is its row ``lookback + 1``; horizon 1.
    """
    splits = load_splits(asset)
    raw_train = splits["train"].to_numpy(np.float32)
    mean, std = np.mean(raw_train), np.std(raw_train)
    out = {}
    for name, series in splits.items():
        z = (series.to_numpy(np.float32) - mean) / (std + np.float32(1e-8))
        n = len(z) - lookback
        idx = np.arange(lookback)[None, :] + np.arange(n)[:, None]
        out[name] = Windows(z[idx][..., None], z[lookback:], series.index[lookback:], mean, std)
    return out


def har_features(log_rv: np.ndarray, lags: tuple[int, int, int] = CONFIG["har_lags"]) -> tuple[np.ndarray, np.ndarray]:
    """``HARModel.create_features`` (``baselines.py``): last value, 5- and 22-day means; targets from row 22."""
    c = np.concatenate([[0.0], np.cumsum(log_rv, dtype=np.float64)])
    i = np.arange(lags[2], len(log_rv))
    x = np.column_stack([(c[i] - c[i - lag]) / lag for lag in lags])
    return x, np.asarray(log_rv, dtype=np.float64)[i]


def code_baselines(asset: str = "btc") -> pd.DataFrame:
    """The code's HAR and moving-average forecasts on the test file, in log RV, by target date.

    HAR: OLS with intercept on ``train + val`` (``main.py`` step 4.2; ``baselines.py``: ``HARModel.fit``).
    Moving average of the last :data:`CONFIG` ``["moving_average_window"]`` = 5 days (``main.py`` step 4.3:
    ``MovingAverageBaseline(window=5)``).

    Returns
    -------
    DataFrame
        Index: target dates (from the test file's 6th row); columns ``actual``, ``har`` (NaN before row 23),
        ``moving_avg``.
    """
    splits = load_splits(asset)
    fit_rv = np.concatenate([splits["train"].to_numpy(), splits["val"].to_numpy()])
    x_fit, y_fit = har_features(fit_rv)
    design = np.column_stack([np.ones(len(x_fit)), x_fit])
    beta = np.linalg.lstsq(design, y_fit, rcond=None)[0]
    test = splits["test"]
    x_test, _ = har_features(test.to_numpy())
    w = CONFIG["moving_average_window"]
    ma = np.convolve(test.to_numpy(), np.ones(w) / w, mode="valid")[:-1]
    frame = pd.DataFrame({"actual": test.iloc[w:], "moving_avg": ma}, index=test.index[w:])
    frame["har"] = pd.Series(beta[0] + x_test @ beta[1:], index=test.index[CONFIG["har_lags"][2]:])
    return frame


def transfer_forecasts(model: nn.Module, asset: str = "btc") -> pd.Series:
    """Test-file forecasts of a :class:`CodeTransferModel`, de-scaled to log RV (``main.py`` step 5), by target date."""
    w = code_windows(asset)["test"]
    return pd.Series(w.unscale(predict(model, w.x)).astype(np.float64), index=w.dates, name="transfer")


def _score(actual: np.ndarray, forecast: np.ndarray) -> dict[str, float]:
    return {"n": len(actual), "rmse": evaluate.rmse(actual, forecast), "mae": evaluate.mae(actual, forecast),
            "r2": evaluate.r2(actual, forecast), "correlation": evaluate.correlation(actual, forecast)}


def score_forecasts(forecasts: dict[str, pd.Series], alignment: str = "aligned", asset: str = "btc") -> pd.DataFrame:
    """Score log-RV forecasts of the test file with :mod:`volrep.evaluate`, the code's way or date-aligned.

    Parameters
    ----------
    forecasts
        Model name → forecasts indexed by target date (as :func:`transfer_forecasts`, :func:`code_baselines`).
    alignment
        ``"code"``: as ``main.py`` step 6 — every forecast array cut to the shortest length from its start and
        compared with the HAR targets (test rows 23-927), whatever date it forecasts. ``"aligned"``: each forecast
        compared with the actual of its own date, on the dates every model covers (the same 905 days).

    Returns
    -------
    DataFrame
        Index ``model``; columns ``alignment``, ``n``, ``rmse``, ``mae``, ``r2``, ``correlation``.
    """
    test = load_splits(asset)["test"]
    if alignment == "code":
        _, targets = har_features(test.to_numpy())
        n = min(len(targets), *(len(f) for f in forecasts.values()))
        rows = {m: _score(targets[:n], f.to_numpy()[:n]) for m, f in forecasts.items()}
    elif alignment == "aligned":
        common = test.index
        for f in forecasts.values():
            common = common.intersection(f.dropna().index)
        rows = {m: _score(test.loc[common].to_numpy(), f.loc[common].to_numpy()) for m, f in forecasts.items()}
    else:
        raise ConfigError(f"alignment must be 'code' or 'aligned', not {alignment!r}")
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")
    out.insert(0, "alignment", alignment)
    return out


def committed_results() -> pd.DataFrame:
    """``experiment_results.json['results']`` (the code's own scoring, 905 test days) as a table.

    Columns ``rmse``, ``mae``, ``r2``, ``correlation``, ``n``; index ``model`` (``transfer``, ``lstm_scratch``,
    ``har``, ``moving_avg``).
    """
    results = artefacts.load_json(_RESULTS, "experiment_results.json")["results"]
    return pd.DataFrame({m: {"rmse": r["rmse"], "mae": r["mae"], "r2": r["r_squared"],
                             "correlation": r["correlation"], "n": r["n_samples"]}
                         for m, r in results.items()}).T.rename_axis("model")


def residual_forecasts(name: str = "residual_transfer_btc.pth", asset: str = "btc") -> pd.DataFrame:
    """HAR and HAR + correction forecasts as ``transfer_residual.py`` makes them, in **z-units**.

    The series is z-scored with the training file's float64 mean/std (``+1e-8``), HAR is fitted by normal
    equations on the z-scored training file only, windows are 22 days. On the registered daily splits the HAR
    RMSE is 0.150 z-units, not the 0.2696 of ``transfer_residual_results.json``, which was computed on the hourly
    split files of commit ``b35d3146``.

    Returns
    -------
    DataFrame
        Index: test target dates (rows 23-927); columns ``actual``, ``har``, ``har_plus_nn`` (z-units).
    """
    splits = load_splits(asset)
    mean, std = splits["train"].mean(), splits["train"].to_numpy().std()
    z = {k: (s.to_numpy() - mean) / (std + 1e-8) for k, s in splits.items()}
    x_fit, y_fit = har_features(z["train"])
    design = np.column_stack([np.ones(len(x_fit)), x_fit])
    beta = np.linalg.solve(design.T @ design, design.T @ y_fit)
    x_test, y_test = har_features(z["test"])
    har = beta[0] + x_test @ beta[1:]
    lb = CONFIG["har_lags"][2]
    windows = z["test"][np.arange(lb)[None, :] + np.arange(len(y_test))[:, None]][..., None]
    model = load_authors_model(name)
    correction = predict(model, (windows.astype(np.float32), x_test.astype(np.float32))).reshape(-1)
    return pd.DataFrame({"actual": y_test, "har": har, "har_plus_nn": har + correction},
                        index=splits["test"].index[lb:])


def score_authors_models(alignment: str = "code") -> pd.DataFrame:
    """The authors' trained transfer model and their HAR / moving-average recipes, scored by us, beside their JSON.

    Parameters
    ----------
    alignment
        See :func:`score_forecasts`; ``"code"`` reproduces ``experiment_results.json``.

    Returns
    -------
    DataFrame
        Index ``model`` (``transfer`` = ``finetuned_btc.pth``, ``har``, ``moving_avg``); columns ``alignment``,
        ``n``, ``rmse``, ``mae``, ``r2``, ``correlation`` (ours, log-RV units) and ``committed_rmse``,
        ``committed_mae``, ``committed_r2``, ``committed_correlation``, ``committed_n`` (the JSON's).
    """
    baselines = code_baselines()
    forecasts = {"transfer": transfer_forecasts(load_authors_model("finetuned_btc.pth")),
                 "har": baselines["har"].dropna(), "moving_avg": baselines["moving_avg"]}
    ours = score_forecasts(forecasts, alignment)
    return ours.join(committed_results().add_prefix("committed_"))


@dataclass
class RecipeRun:
    """Result of :func:`train_code_recipe`: the fine-tuned model, both histories and the wall time (s)."""

    model: CodeTransferModel
    pretrain: History
    finetune: History
    seconds: float


def train_code_recipe(pretrain_epochs: int = CONFIG["pretrain_epochs"],
                      finetune_epochs: int = CONFIG["finetune_epochs"], seed: int = 0,
                      device: str | None = None) -> RecipeRun:
    """Train :class:`CodeTransferModel` ourselves with the code's recipe through :func:`volrep.train.fit`.

    Pre-train on the SPX windows (lr 1e-3, batch 32, patience 10), freeze the whole encoder, fine-tune the
    predictor on the BTC windows (lr 1e-4, batch 16, patience 10); ReduceLROnPlateau(0.5, 5), MSE on z-scores
    (``main.py`` 61-72; ``train.py``; paper Table 8).

    Parameters
    ----------
    pretrain_epochs, finetune_epochs
        Epoch budgets (the code's 50 and 30 by default; the quick profile uses fewer).
    seed
        Seed of the initial weights (drawn inside :func:`volrep.config.local_seed`) and of both
        :func:`~volrep.train.fit` calls.

    Notes
    -----
    Differences from the code, all in :func:`volrep.train.fit`: no gradient clipping (the code clips at norm 1),
    the validation loss is the per-window mean (the code averages batch means), and the model is left at its
    best epoch (the code's shallow ``state_dict().copy()`` keeps the last epoch's weights).
    """
    start = time.perf_counter()
    spx, btc = code_windows("spx"), code_windows("btc")
    with local_seed(seed):
        model = CodeTransferModel()
    pre = fit(model, (spx["train"].x, spx["train"].y), (spx["val"].x, spx["val"].y),
              lr=CONFIG["pretrain_lr"], batch_size=CONFIG["pretrain_batch_size"], max_epochs=pretrain_epochs,
              patience=CONFIG["pretrain_patience"], seed=seed, device=device)
    head = model.freeze_encoder()
    fine = fit(model, (btc["train"].x, btc["train"].y), (btc["val"].x, btc["val"].y),
               lr=CONFIG["finetune_lr"], batch_size=CONFIG["finetune_batch_size"], max_epochs=finetune_epochs,
               patience=CONFIG["finetune_patience"], seed=seed, param_groups=[{"params": head}], device=device)
    return RecipeRun(model, pre, fine, time.perf_counter() - start)
