"""Chapter 07 — LSTM and CNN-LSTM on Markov Transition Field images of intraday RV (Huang et al. 2024, §4.1–4.4,
§5.2, Tables 6, 7, 9 and 10, Figures 3–4).

Every network forecasts the daily realized variance ``h`` days ahead (the target of chapter 04,
:func:`volrep.targets.horizon_target`) from one of these inputs, all known at the end of the origin day:

* the previous day's intraday RV sequence (eq. 5: the squared returns of its ``L`` intraday intervals);
* HAR's inputs (past 1-day RV and its 7- and 30-day averages) as one step of three features;
* the past day's RV alone (Table 9, "Past 1 day RV");

and, for the CNN-LSTM (Fig. 2), an image: the Markov Transition Field of the same day's intraday sequence
blurred to ``S × S`` (Table 6), or the MTF of the past 7 or 30 daily RVs (Table 7, "MTF-7", "MTF-30").

Protocol (§4.4): Adam at the Keras default rate 1e-3, a fixed number of epochs with the last weights kept (no
early stopping, footnote 20), a sigmoid output on a target min–max scaled on the training part; inputs are
min–max scaled on the training part too (the paper does not say how it scales them). The paper picks, per model
and horizon, the batch size and width with the lowest *test* RMSE; :func:`selection_table` replays that and the
honest alternative, picking on a validation part carved from the training data, from the same fitted networks.

This module holds the networks' specifications, the networks and their training; the intraday RV sequences and
the design (every input of every day) are in :mod:`volrep.chapters.cnn_lstm_mtf_data`, the tables, claims and
comparisons built from the trained networks in :mod:`volrep.chapters.cnn_lstm_mtf_tables`.

References
----------
Huang, Z.-C., Sangiorgi, I., & Urquhart, A. (2024). Forecasting Bitcoin volatility using machine learning
techniques. *J. Int. Financ. Mark. Inst. Money*, 97, 102064.
Wang, Z., & Oates, T. (2015). Imaging time-series to improve classification and imputation. *IJCAI*.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volrep import config, train, verdicts
from volrep.chapters.cnn_lstm_mtf_data import DAILY_IMAGES, DAILY_INPUTS, Design
from volrep.errors import ConfigError
from volrep.models import forecaster
from volrep.models.nets import HuangCNNLSTM, HuangLSTM, start_sigmoid_at
from volrep.papers import HUANG_GRID
from volrep.progress import steps
from volrep.rv import intervals_per_day
from volrep.targets import MinMax, Split, horizon_target

#: Hyper-parameter grids ``(batch size, LSTM units)``: ``paper`` is §4.4's 7 × 7; ``quick`` a 2 × 2 subset of it;
#: ``single`` the one configuration the tables use (64 and 10, mid-grid values fixed before seeing any result).
GRIDS: dict[str, tuple[tuple[int, int], ...]] = {
    "single": ((64, 10),),
    "quick": tuple(itertools.product((32, 128), (5, 20))),
    "paper": tuple(itertools.product(HUANG_GRID["batch_size"], HUANG_GRID["neurons"])),
}
#: Adam's learning rate (Keras' default; the paper names Adam and no rate).
LEARNING_RATE = 1e-3


@dataclass(frozen=True)
class NetSpec:
    """One network of the tables: its sequence input and, for a CNN-LSTM, its image.

    Attributes
    ----------
    sequence
        A key of :attr:`~volrep.chapters.cnn_lstm_mtf_data.Design.intraday` (e.g. ``"10min"``) for the previous day's
        intraday RV sequence, or one of :data:`~volrep.chapters.cnn_lstm_mtf_data.DAILY_INPUTS`.
    image
        ``None`` (an LSTM), ``"intraday"`` (the MTF of the sequence's day, blurred to ``size``) or a key of
        :data:`~volrep.chapters.cnn_lstm_mtf_data.DAILY_IMAGES` (the MTF of the past 7 or 30 daily RVs).
    size
        Image side ``S`` (for daily images, the number of days).
    """

    sequence: str
    image: str | None = None
    size: int | None = None

    def __post_init__(self) -> None:
        if self.image is None and self.size is not None:
            raise ConfigError("an LSTM has no image size")
        if self.image == "intraday" and (self.size is None or self.sequence in DAILY_INPUTS):
            raise ConfigError("an intraday MTF needs an intraday sequence and a size")
        if self.image in DAILY_IMAGES and self.size != DAILY_IMAGES[self.image]:
            raise ConfigError(f"the MTF of {self.image} is {DAILY_IMAGES[self.image]} pixels wide")
        if self.image not in (None, "intraday", *DAILY_IMAGES):
            raise ConfigError(f"unknown image {self.image!r}")

    @property
    def model(self) -> str:
        """The paper's model name, e.g. ``"LSTM"`` or ``"MTF-16-CNN + LSTM"``."""
        return "LSTM" if self.image is None else f"MTF-{self.size}-CNN + LSTM"

    @property
    def input(self) -> str:
        """The input in the paper's "Input" column, shortened: ``"10min"``, ``"HAR"``, ``"HAR + MTF of 7 daily RVs"``."""
        if self.image in DAILY_IMAGES:
            return f"{self.sequence} + MTF of {DAILY_IMAGES[self.image]} daily RVs"
        return self.sequence

    @property
    def label(self) -> str:
        """Row label, e.g. ``"MTF-16-CNN + LSTM (10min)"``."""
        return f"{self.model} ({self.input})"


def table_specs(freq: str, sizes: Sequence[int], coarser: Sequence[str] = (), finer: Sequence[str] = (), *,
                full_size_finest: bool = True, extra: Sequence[str] = ()) -> dict[str, list[NetSpec]]:
    """The networks of Tables 6, 7, 9 and 10 for the data at hand.

    Parameters
    ----------
    freq
        The main intraday frequency: the paper's 10 minutes (144 RVs a day), the input of Table 6.
    sizes
        Blurred MTF sizes for Table 6 (the paper's: 144 and its divisors down to 4); those that do not divide the
        intervals per day of ``freq`` are left out (blurring averages whole blocks, §4.1.1).
    coarser, finer
        The other intraday frequencies of Tables 9–10: coarser (the paper's 30 minutes and 1 hour) and finer
        (its 5 minutes) than ``freq``.
    full_size_finest
        Include Table 10's full-size images of ``freq`` and the finer frequencies (144 × 144 and 288 × 288 for 10
        and 5 minutes: the costliest networks, several times the training time of a 16 × 16 one).
    extra
        Intraday frequencies of ours without a counterpart in the paper (the 15 minutes of the book's earlier
        design): one LSTM each, listed in Table 9 as robustness rows.

    Returns
    -------
    dict
        ``{"6": [...], "7": [...], "9": [...], "10": [...]}``; a spec may appear in several tables (it is trained
        once). Table 10's images are full-size (one pixel per interval): ``per_day`` of each frequency. Rows run
        in the paper's order: daily inputs, then frequencies from the coarsest to the finest, then ``extra``.
    """
    daily = [NetSpec("HAR"), NetSpec("HAR", "30 days", 30), NetSpec("HAR", "7 days", 7)]
    full = {f: intervals_per_day(f) for f in (freq, *coarser, *finer, *extra)}
    by_coarseness = (*reversed(coarser), freq, *finer)
    return {
        "6": [NetSpec(freq), *(NetSpec(freq, "intraday", s) for s in sizes if full[freq] % s == 0)],
        "7": daily,
        "9": [NetSpec("HAR"), NetSpec("1 day"), *(NetSpec(f) for f in (*by_coarseness, *extra))],
        "10": [*daily[1:], *(NetSpec(f, "intraday", full[f]) for f in by_coarseness
                             if f in coarser or full_size_finest)],
    }


@dataclass
class NetRun:
    """One trained network: its configuration and its forecasts (daily RV units) on each part."""

    spec: NetSpec
    horizon: int
    batch_size: int
    neurons: int
    seed: int
    seconds: float
    forecasts: dict[str, pd.Series]
    still_learning: bool = False


def _inputs(design: Design, spec: NetSpec, pos: np.ndarray, scaler: MinMax) -> tuple[np.ndarray, ...]:
    seq = scaler.transform(design.sequence(spec.sequence, pos)).astype(np.float32)
    return (seq,) if spec.image is None else (design.image(spec, pos), seq)


@dataclass(frozen=True)
class TrainedNet:
    """One network trained by :func:`network` for one horizon: the model, the min–max scalers of its sequence input
    and of its target (fitted on the training origins) and :func:`volrep.train.fit`'s record."""

    model: HuangLSTM | HuangCNNLSTM
    scaler: MinMax
    y_scaler: MinMax
    history: train.History


def network(spec: NetSpec, design: Design, *, batch_size: int, neurons: int, epochs: int,
            device: str | None = None, lr: float = LEARNING_RATE, output: str = "sigmoid") -> forecaster.Network:
    """One network of the tables as a :class:`~volrep.models.forecaster.Network` labelled ``spec.label`` (§4.4).

    ``train(series, split, h, seed)`` fits on the usable training origins of ``split``
    (:meth:`~volrep.chapters.cnn_lstm_mtf_data.Design.usable_origins`): the target ``RV_{t+h}`` and the sequence
    input are min–max scaled on them (:class:`~volrep.targets.MinMax`; an intraday sequence with one range for all its
    steps, HAR's inputs per column), the network is built inside :func:`volrep.config.local_seed` with its output
    started at the training mean (:func:`~volrep.models.nets.start_sigmoid_at`) and trained ``epochs`` epochs with
    Adam at ``lr`` (default :data:`LEARNING_RATE`) and no validation (:func:`volrep.train.fit` with ``val=None``); it
    returns a :class:`TrainedNet`. ``predict`` maps the forecasts back to RV units. ``series`` must be
    ``design.daily_rv``: the inputs are read from ``design``. ``output`` is the output neuron's activation
    (:data:`volrep.models.nets.OUTPUTS`; the paper's sigmoid by default, ``"linear"`` for the capability checks).

    Raises
    ------
    ConfigError
        ``series`` is not ``design.daily_rv`` or ``seed`` is ``None`` (train); an origin has fewer than
        :data:`~volrep.chapters.cnn_lstm_mtf_data.HISTORY_DAYS` days of history (predict,
        :meth:`~volrep.chapters.cnn_lstm_mtf_data.Design.positions`).
    DataError
        An origin is not a day of the design (predict).
    """

    def fit(series: pd.Series, split: Split, horizon: int, seed: int | None) -> TrainedNet:
        if not series.equals(design.daily_rv):  # same days and values
            raise ConfigError(f"{spec.label} reads its inputs from its design: the series must be design.daily_rv")
        if seed is None:
            raise ConfigError(f"{spec.label} needs a seed (its initial weights and mini-batches are random)")
        target = horizon_target(series, horizon)
        origins = design.usable_origins(split.origins("train", horizon))
        pos = design.positions(origins)
        fit_seq = design.sequence(spec.sequence, pos)
        scaler = MinMax.fit(fit_seq.reshape(-1, fit_seq.shape[-1]), by_column=spec.sequence == "HAR")
        y_scaler = MinMax.fit(target.loc[origins].to_numpy()[:, None])
        y_fit = y_scaler.transform(target.loc[origins].to_numpy()[:, None])[:, 0].astype(np.float32)
        features = fit_seq.shape[-1]
        with config.local_seed(seed):
            model = (HuangLSTM(features, neurons, output=output) if spec.image is None
                     else HuangCNNLSTM(spec.size, features, neurons, output=output))
            start_sigmoid_at(model, float(y_fit.mean()))
        history = train.fit(model, (_inputs(design, spec, pos, scaler), y_fit), None, lr=lr,
                            batch_size=batch_size, max_epochs=epochs, patience=epochs, seed=seed, device=device)
        return TrainedNet(model, scaler, y_scaler, history)

    def predict(trained: TrainedNet, origins: pd.DatetimeIndex) -> pd.Series:
        z = train.predict(trained.model, _inputs(design, spec, design.positions(origins), trained.scaler))
        return pd.Series(trained.y_scaler.inverse(z[:, None])[:, 0], index=origins, name=spec.label)

    return forecaster.Network(train=fit, predict=predict, name=spec.label)


def train_net(spec: NetSpec, design: Design, split: Split, horizon: int, *, batch_size: int, neurons: int,
              epochs: int, seed: int, device: str | None = None) -> NetRun:
    """Train one network on the training origins of ``split`` and forecast its later parts (§4.4 protocol).

    :func:`network` fitted on ``design.daily_rv`` for ``horizon``, forecasting the usable origins
    (:meth:`~volrep.chapters.cnn_lstm_mtf_data.Design.usable_origins`) of every part after the first.
    """
    fitted = network(spec, design, batch_size=batch_size, neurons=neurons, epochs=epochs,
                     device=device).fit(design.daily_rv, split, [horizon], seed=seed)
    forecasts = {part: fitted.forecast({horizon: design.usable_origins(split.origins(part, horizon))})[horizon]
                 for part in split.parts[1:]}
    history = fitted.models[horizon].history
    return NetRun(spec, horizon, batch_size, neurons, seed, history.seconds, forecasts,
                  verdicts.still_learning([history]))


def run_nets(specs: Iterable[NetSpec], design: Design, split: Split, horizons: Sequence[int], *,
             grid: Sequence[tuple[int, int]], seeds: Sequence[int], epochs: int, progress: bool = False,
             device: str | None = None) -> list[NetRun]:
    """Train every spec × horizon × ``(batch size, units)`` of ``grid`` × seed (each spec once, even if listed twice)."""
    unique = list(dict.fromkeys(specs))
    jobs = list(itertools.product(unique, horizons, grid, seeds))
    return [train_net(spec, design, split, h, batch_size=b, neurons=n, epochs=epochs, seed=s, device=device)
            for spec, h, (b, n), s in steps(jobs, desc="networks", unit="net", show=progress)]
