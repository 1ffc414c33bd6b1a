"""Chapter 06 — HAR–neural hybrids (Dhansoia 2025, §3.4–3.5, Table 5 lower part, §5.4–5.5, Table 6).

Every model is trained on the z-scored series (scaler fitted on the training days) and every forecast is mapped
back to the series' own units, so that all rows of a table share one scale; the RMSE on the z scale is the RMSE in
units divided by the training standard deviation, which leaves every "% vs HAR" unchanged.

Every model goes through :class:`volrep.models.forecaster.Network` (:func:`network`): :func:`run_seed` and
:func:`alpha_sensitivity` fit it on the series and split a :class:`HybridData` carries and read the forecasts and
internals from what it trained (:class:`TrainedHybrid`).

This module holds the data, the models and their training; the tables, diagnostics and claims built from the
trained models are in :mod:`volrep.chapters.hybrids_tables`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import nn

from volrep import config, evaluate
from volrep.chapters.transfer_lstm import PARTS, sequence_data
from volrep.errors import ConfigError, DataError
from volrep.models import forecaster, har, hybrid
from volrep.models.dhansoia_code import CONFIG as CODE_CONFIG
from volrep.models.nets import LSTMRegressor
from volrep.models.transfer import FINETUNE, PRETRAIN
from volrep.progress import steps
from volrep.targets import HAR_WINDOWS, Split, ZScore, har_features
from volrep.train import History, Inputs, fit
from volrep.train import predict as predict_z

#: Starting weight on HAR of the HAR-LSTM hybrid: the paper gives none; the authors' code starts ``har_weight`` at
#: 0.8 (``hybrid_model.py``, ``HARLSTMHybrid``).
HYBRID_ALPHA_INIT = CODE_CONFIG["hybrid_alpha_init"]

#: The chapter's models, in Table 5's order, and the inputs each takes (see :meth:`HybridData.inputs`).
MODEL_INPUTS: dict[str, tuple[str, ...]] = {
    "LSTM": ("x",),
    "HAR-LSTM Hybrid": ("x", "har"),
    "Dynamic Attention": ("x", "features", "har"),
    "Residual Boosting": ("x", "har"),
    "Regime Ensemble": ("features",),
    "Transfer Residual": ("x", "har"),
}


def _packed(model: str, arrays: tuple[np.ndarray, ...]) -> Inputs:
    """``model``'s input arrays as :func:`volrep.train.fit` takes them (one array alone, else a tuple)."""
    return arrays[0] if MODEL_INPUTS[model] == ("x",) else arrays


@dataclass(frozen=True)
class HybridData:
    """Inputs and targets of every model, per split part, on the z scale of the training days.

    Attributes
    ----------
    x
        Lookback windows of the z-scored series ``(n, lookback, 1)``.
    features
        HAR regressors of the z-scored series at the origin ``(n, 3)`` (1/5/22-day means).
    har
        HAR forecast of the next day (OLS on the training origins), z scale ``(n,)``.
    y
        Next-day value, z scale ``(n,)``.
    dates
        Forecast origins.
    scaler
        The training-day :class:`~volrep.targets.ZScore`.
    har_coefficients
        HAR's intercept and slopes on the z scale (the slopes are unit-free; the intercept is transformed).
    series, split, lookback, windows, horizon
        What :func:`hybrid_data` built it from: the series (whole sample), its split, the window length, HAR's
        windows and the horizon (days).
    dropped
        Origins per part without a full HAR history (the first 21 training days), counted, not used.
    """

    x: dict[str, np.ndarray]
    features: dict[str, np.ndarray]
    har: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    dates: dict[str, pd.DatetimeIndex]
    scaler: ZScore
    har_coefficients: tuple[float, np.ndarray]
    series: pd.Series
    split: Split
    lookback: int
    windows: tuple[int, ...]
    horizon: int
    dropped: dict[str, int] = field(default_factory=dict)

    def inputs(self, model: str, part: str) -> Inputs:
        """The input arrays of ``model`` (:data:`MODEL_INPUTS`) for one split part."""
        return _packed(model, tuple(getattr(self, name)[part] for name in MODEL_INPUTS[model]))

    def inputs_at(self, model: str, origins: pd.DatetimeIndex) -> Inputs:
        """The input arrays of ``model`` at ``origins`` (in their order), from whichever split part holds each.

        Raises
        ------
        DataError
            An origin of no part: without a full input window (``lookback`` days, HAR's longest window) or with
            its target beyond its part (the last ``horizon`` days of a part, of the sample).
        """
        held = self.dates["train"].append([self.dates[part] for part in PARTS[1:]])
        row = pd.Series(np.arange(len(held)), index=held).reindex(pd.DatetimeIndex(origins))
        missing = row.index[row.isna().to_numpy()]
        if len(missing):
            raise DataError(f"hybrid inputs ({model})", "a full input window and a target in one split part", None,
                            f"{len(missing)} origins have none ({', '.join(str(d.date()) for d in missing[:3])}"
                            f"{', ...' if len(missing) > 3 else ''}); {self.lookback}-day windows, HAR windows "
                            f"{self.windows}, horizon {self.horizon}")
        pos = row.to_numpy(dtype=np.int64)
        return _packed(model, tuple(np.concatenate([getattr(self, name)[part] for part in PARTS])[pos]
                                    for name in MODEL_INPUTS[model]))

    def to_units(self, z: np.ndarray) -> np.ndarray:
        """Back from the z scale to the series' units."""
        return np.asarray(z, dtype=float) * float(self.scaler.std[0]) + float(self.scaler.mean[0])

    @property
    def scale(self) -> float:
        """The training standard deviation: RMSE in units = RMSE on the z scale × ``scale``."""
        return float(self.scaler.std[0])


def hybrid_data(series: pd.Series, split: Split, lookback: int = 20,
                windows: tuple[int, ...] = HAR_WINDOWS["corsi"], horizon: int = 1) -> HybridData:
    """Windows, HAR features and HAR forecasts of ``series`` for ``horizon`` days ahead (the chapter: the next
    day), per split part.

    HAR (eq. 2) is fitted by OLS on the training origins of the series itself (levels); as OLS with an intercept is
    equivariant to an affine change of units, its forecasts on the z scale are the z-scored forecasts in units.
    Origins are those of :func:`volrep.chapters.transfer_lstm.sequence_data`, less those without ``max(windows)``
    days of history (counted in :attr:`HybridData.dropped`).
    """
    seq = sequence_data(series, split, lookback=lookback, horizon=horizon)
    har_fit = har.fit_har(series, horizon, split.origins("train", horizon), windows=windows, kind="point")
    z_series = pd.Series(seq.scaler.transform(series.to_numpy()[:, None])[:, 0], index=series.index)
    z_features = har_features(z_series, windows)
    x, feats, har_z, y, dates, dropped = {}, {}, {}, {}, {}, {}
    for part in PARTS:
        origins = seq.dates[part]
        f = z_features.loc[origins]
        keep = f.notna().all(axis=1).to_numpy()
        dropped[part] = int((~keep).sum())
        origins = origins[keep]
        x[part], y[part], dates[part] = seq.x[part][keep], seq.y[part][keep], origins
        feats[part] = f.to_numpy(dtype=np.float32)[keep]
        har_z[part] = seq.scaler.transform(har.har_forecast(har_fit, series, origins).to_numpy()[:, None])[:, 0].astype(np.float32)
    mu, sd = float(seq.scaler.mean[0]), float(seq.scaler.std[0])
    slopes = har_fit.params.drop("const").to_numpy(dtype=float)
    intercept = (float(har_fit.params["const"]) + mu * (slopes.sum() - 1)) / sd
    return HybridData(x, feats, har_z, y, dates, seq.scaler, (intercept, slopes), series=series, split=split,
                      lookback=lookback, windows=tuple(windows), horizon=horizon, dropped=dropped)


def build_model(name: str, data: HybridData, *, hidden: int = 32, regimes: int = 3,
                alpha_init: float = HYBRID_ALPHA_INIT) -> nn.Module:
    """A fresh, untrained model of :data:`MODEL_INPUTS` (its initial weights come from PyTorch's global generator:
    build it inside :func:`volrep.config.local_seed`).

    The neural parts are one-layer LSTMs of ``hidden`` units with dropout 0.1 (Table 8's dropout; the paper does
    not give the hybrids' sizes). The mixing hybrid starts at α = ``alpha_init`` (default
    :data:`HYBRID_ALPHA_INIT`, the authors' code). The regime ensemble's experts start at HAR's coefficients
    (:attr:`HybridData.har_coefficients`), so that training moves each regime away from HAR rather than
    re-learning a linear regression by gradient descent.
    """
    def lstm() -> LSTMRegressor:
        return LSTMRegressor(1, hidden=hidden, layers=1, dropout=0.1)

    builders: dict[str, Callable[[], nn.Module]] = {
        "LSTM": lstm,
        "HAR-LSTM Hybrid": lambda: hybrid.HARLSTMHybrid(lstm(), alpha_init=alpha_init),
        "Dynamic Attention": lambda: hybrid.DynamicAttentionHybrid(1, 3, hidden=hidden, dropout=0.1),
        "Residual Boosting": lambda: hybrid.ResidualBoosting(lstm()),
        "Regime Ensemble": lambda: hybrid.regime_ensemble(3, regimes, initial=data.har_coefficients),
        "Transfer Residual": lambda: hybrid.ResidualBoosting(lstm()),
    }
    return builders[name]()


@dataclass
class TrainedHybrid:
    """What :func:`network`'s ``train`` returns: the model ``name`` of :data:`MODEL_INPUTS` (on the CPU, in
    evaluation mode, with its best epoch's weights), the series' :class:`HybridData` it was trained on, its
    training histories (``{name: ...}``, and ``"<name> (source)"`` for the transfer model's pre-training) and, for
    the mixing hybrid, α at the best epoch and α before training and after every epoch (else NaN and ``[]``)."""

    name: str
    model: nn.Module
    data: HybridData
    histories: dict[str, History]
    alpha: float = float("nan")
    alpha_path: list[float] = field(default_factory=list)

    def internal(self, method: str, origins: pd.DatetimeIndex) -> np.ndarray:
        """The model's ``method`` (``"corrections"``, ``"weights"``, ``"probabilities"``) at ``origins``, z scale."""
        inputs = self.data.inputs_at(self.name, origins)
        arrays = inputs if isinstance(inputs, tuple) else (inputs,)
        with torch.no_grad():
            out = getattr(self.model, method)(*map(torch.from_numpy, arrays))
        return out.numpy().astype(np.float64)


def _fit(model: nn.Module, data: HybridData, name: str, seed: int, max_epochs: int, settings: dict,
         callback: Callable[[int, nn.Module], None] | None = None) -> History:
    return fit(model, (data.inputs(name, "train"), data.y["train"]), (data.inputs(name, "val"), data.y["val"]),
               **{**settings, "max_epochs": max_epochs}, seed=seed, epoch_callback=callback)


def network(name: str, *, max_epochs: int, finetune_epochs: int | None = None, source: HybridData | None = None,
            regimes: int = 3, alpha_init: float | None = None, lookback: int = 20,
            windows: tuple[int, ...] = HAR_WINDOWS["corsi"]) -> forecaster.Network:
    """One model of :data:`MODEL_INPUTS` as a :class:`~volrep.models.forecaster.Network` labelled ``name``.

    ``train(series, split, horizon, seed)`` builds the series' :class:`HybridData` (:func:`hybrid_data` with
    ``lookback`` and ``windows``) and the model (:func:`build_model`, ``regimes``, α starting at ``alpha_init``,
    default :data:`HYBRID_ALPHA_INIT`) inside :func:`volrep.config.local_seed`, and trains it with Table 8's
    pre-training settings (Adam 1e-3, batch 32, patience 10) for at most ``max_epochs``; the transfer residual
    model is trained so on ``source`` (S&P 500), then fine-tuned on the series with Table 8's fine-tuning settings
    (Adam 1e-4, batch 16) for at most ``finetune_epochs``. It returns a :class:`TrainedHybrid`.
    ``predict(trained, origins)`` forecasts at any origins of the series' split parts
    (:meth:`HybridData.inputs_at`), in the series' units.

    Raises
    ------
    ConfigError
        An unknown model; the transfer model without ``source`` or ``finetune_epochs``; ``source`` or
        ``alpha_init`` for a model that takes none; at ``train``: ``seed=None``, a source of another horizon.
    """
    transfer, mixing = name == "Transfer Residual", name == "HAR-LSTM Hybrid"
    if name not in MODEL_INPUTS:
        raise ConfigError(f"unknown hybrid model {name!r}; choose one of {', '.join(MODEL_INPUTS)}")
    if transfer and (source is None or finetune_epochs is None):
        raise ConfigError("the Transfer Residual model needs a source (HybridData) and finetune_epochs")
    if (source is not None and not transfer) or (alpha_init is not None and not mixing):
        raise ConfigError(f"{name!r} takes no {'source' if source is not None else 'alpha_init'} (only the Transfer "
                          "Residual model has a source, only the HAR-LSTM Hybrid an alpha_init)")
    start = HYBRID_ALPHA_INIT if alpha_init is None else alpha_init

    def train(series: pd.Series, split: Split, horizon: int, seed: int | None) -> TrainedHybrid:
        if seed is None:
            raise ConfigError(f"{name}: a network needs a seed (its initial weights, dropout and batches), got None")
        if transfer and source.horizon != horizon:
            raise ConfigError(f"{name}: the source is built for horizon {source.horizon}, the target for {horizon}")
        data = hybrid_data(series, split, lookback=lookback, windows=windows, horizon=horizon)
        with config.local_seed(seed):
            model = build_model(name, data, regimes=regimes, alpha_init=start)
        histories, path = {}, [model.alpha] if mixing else []
        if transfer:
            histories[f"{name} (source)"] = _fit(model, source, name, seed, max_epochs, PRETRAIN)
        epochs, settings = (finetune_epochs, FINETUNE) if transfer else (max_epochs, PRETRAIN)
        histories[name] = _fit(model, data, name, seed, epochs, settings,
                               (lambda epoch, m: path.append(m.alpha)) if mixing else None)
        alpha = model.alpha if mixing else float("nan")  # the best epoch's, whose weights fit restored
        return TrainedHybrid(name, model.cpu().eval(), data, histories, alpha, path)

    def predict(trained: TrainedHybrid, origins: pd.DatetimeIndex) -> pd.Series:
        data = trained.data
        z = predict_z(trained.model, data.inputs_at(name, origins))
        return pd.Series(data.to_units(z), index=origins, name=name)

    return forecaster.Network(train=train, predict=predict, name=name)


@dataclass
class HybridRun:
    """One seed: test forecasts in units, training histories, the α path of the mixing hybrid and the test-day
    internals of the other models (z scale)."""

    forecasts: dict[str, pd.Series]
    histories: dict[str, History]
    alpha: float
    alpha_path: list[float]
    attention_weights: np.ndarray
    corrections: dict[str, np.ndarray]
    regime_probabilities: np.ndarray


def _fitted(net: forecaster.Network, data: HybridData, seed: int) -> tuple[TrainedHybrid, pd.Series]:
    """``net`` fitted on ``data``'s series and split, and its forecasts at ``data``'s test origins."""
    dates, h = data.dates["test"], data.horizon
    fitted = net.fit(data.series, data.split, [h], seed=seed)
    return fitted.models[h], fitted.forecast({h: dates})[h].rename_axis(dates.name)


def run_seed(target: HybridData, source: HybridData, seed: int, *, max_epochs: int, finetune_epochs: int,
             models: Sequence[str] = tuple(MODEL_INPUTS), regimes: int = 3) -> HybridRun:
    """Train every model of ``models`` on ``target`` with one seed (:func:`network`); the transfer residual model is
    first trained on ``source`` (S&P 500) and then fine-tuned on ``target``.

    The forecasts and internals are those at ``target``'s test origins; the models train on the training and
    validation parts of the split ``target`` was built on.
    """
    trained: dict[str, TrainedHybrid] = {}
    forecasts: dict[str, pd.Series] = {}
    for name in models:
        net = network(name, max_epochs=max_epochs, finetune_epochs=finetune_epochs, regimes=regimes,
                      source=source if name == "Transfer Residual" else None, lookback=target.lookback,
                      windows=target.windows)
        trained[name], forecasts[name] = _fitted(net, target, seed)
    histories = {key: h for t in trained.values() for key, h in t.histories.items()}
    mixing = trained.get("HAR-LSTM Hybrid")
    dates = target.dates["test"]
    corrections = {name: trained[name].internal("corrections", dates)
                   for name in ("Residual Boosting", "Transfer Residual") if name in trained}
    attention = (trained["Dynamic Attention"].internal("weights", dates) if "Dynamic Attention" in trained
                 else np.empty(0))
    regime_p = (trained["Regime Ensemble"].internal("probabilities", dates) if "Regime Ensemble" in trained
                else np.empty((0, regimes)))
    return HybridRun(forecasts, histories, mixing.alpha if mixing else float("nan"),
                     mixing.alpha_path if mixing else [], attention, corrections, regime_p)


def run_seeds(target: HybridData, source: HybridData, seeds: Sequence[int], *, max_epochs: int, finetune_epochs: int,
              models: Sequence[str] = tuple(MODEL_INPUTS), progress: bool = True) -> dict[int, HybridRun]:
    """:func:`run_seed` for every seed, with a progress bar."""
    return {seed: run_seed(target, source, seed, max_epochs=max_epochs, finetune_epochs=finetune_epochs, models=models)
            for seed in steps(seeds, desc="seeds", show=progress)}


def actual_test(data: HybridData) -> pd.Series:
    """The realised next-day value at every test origin, in units."""
    return pd.Series(data.to_units(data.y["test"]), index=data.dates["test"], name="actual")


def alpha_sensitivity(data: HybridData, seed: int, *, max_epochs: int,
                      inits: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
    """Train the mixing hybrid from several starting values of α (same seed otherwise): the learned α and the test
    RMSE (units) for each. If the learned α follows its start, the training loss does not pin α down."""
    actual = actual_test(data)
    rows = []
    for init in inits:
        net = network("HAR-LSTM Hybrid", max_epochs=max_epochs, alpha_init=init, lookback=data.lookback,
                      windows=data.windows)
        trained, fc = _fitted(net, data, seed)
        rows.append({"alpha_init": init, "alpha_learned": trained.alpha,
                     "best_epoch": trained.histories["HAR-LSTM Hybrid"].best_epoch,
                     "test_rmse": evaluate.rmse(actual, fc)})
    return pd.DataFrame(rows).set_index("alpha_init")
