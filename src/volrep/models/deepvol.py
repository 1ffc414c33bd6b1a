"""DeepVol (Liu, Tran, Wang, Gerlach & Kohn 2023): one sequence-to-sequence LSTM for the volatility of any stock.

Model (§2.1–2.2, Table 1)
-------------------------
Returns follow ``y_t = σ_t ε_t`` with i.i.d. standard normal ``ε_t`` and ``σ_t = DeepVol(y_{1:t−1})`` (eq. 3a–3b):
one network with one set of weights for every stock. :class:`DeepVol` is a stacked LSTM (eq. 4a–4f) read by a
linear layer with a softplus output plus 1e‑5 (eq. 4g), run sequence to sequence: it reads ``y_1 … y_{T−1}`` and
emits ``σ_2 … σ_T`` in one pass, i.e. an expanding-window one-step forecast at every day. In code, for an input
row ``y_1 … y_L`` the output ``σ[t]`` (0-based) is the forecast of the return that follows ``y[t]``, made with
``y[0] … y[t]`` only (the LSTM is causal).

Two sizes are named: :data:`PAPER` is Table 1 (3 layers × 400 hidden units); :data:`AUTHORS_CODE` is what the
authors' public code trains (``script.sh`` of github.com/cqlc94/DeepVol: 1 layer × 128 units; its
``lib/models.py`` also puts dropout 0.2 on the LSTM outputs, kept here). That code adds 1e‑8 rather than the
paper's 1e‑5 to the softplus; we keep the paper's floor for both (:data:`SIGMA_FLOOR`), which matters only for
σ below ~1e‑4 in the returns' units. The paper's optimiser is Adam at a fixed learning rate 1e‑3
(:data:`LEARNING_RATE`; the code's default is 1e‑4 with gradient-norm clipping at 1).

Loss (eq. 3c and 5), padding and masking
----------------------------------------
Training minimises the Gaussian negative log-likelihood of ``y_2 … y_T`` given ``σ_2 … σ_T``
(:func:`nll_loss`, :func:`batch_loss`). Series of different lengths share a mini-batch by right-padding
(:func:`pad_batch`). The LSTM is causal, so a padded step, which comes after every real one, cannot change an
output at a real position; :meth:`DeepVol.forward` also drops the columns beyond the longest series and replaces
padded inputs by 0 (so NaN or huge padding is harmless), and the loss selects the real positions by the mask
before any arithmetic (a padded step gets an exactly zero gradient). Extra padding therefore changes the
outputs, the loss and its gradient not at all (bit for bit); a series batched with longer ones gets the same
outputs and loss as alone up to floating-point summation order (~1e-15 relative in float64). A packed sequence
(:func:`torch.nn.utils.rnn.pack_padded_sequence`) would skip the padded steps, but its backward pass on the CPU
is some 40 times slower than the padded one in PyTorch 2.x, far more than the padding costs. Eq. (5) averages over
series and days with all series of the same length ``T``; with different lengths ``reduction="series"``
(default) keeps each series' weight ``1/m`` (the mean over its own days, then over series) and
``reduction="position"`` weights every day equally (the authors' code).

Artificial portfolios and mini-batches (§2.3)
---------------------------------------------
:func:`random_portfolio` draws a portfolio size ``M`` uniformly from {20, …, 30}, ``M`` distinct stocks of a
:class:`ReturnPool` and weights uniform on the simplex (``Dirichlet(1, …, 1)``: positive, summing to 1), and
returns the weighted sum of the members' returns on the dates where all of them have one (their common dates;
the dates where only some members trade are left out and counted). The weighted sum of daily simple returns is
the return of a portfolio rebalanced daily to constant weights; for log returns it is the usual first-order
approximation. :func:`training_batch` forms the paper's mini-batch of 64: 32 real series and 32 freshly drawn
portfolios, every draw from one seeded :class:`numpy.random.Generator`.

No look-ahead: a pool holds only the dates up to its ``end`` (:meth:`ReturnPool.from_frame`), so portfolios and
batches built for training from a pool cut at the end of the training period contain no later return.

Training (:func:`train_deepvol`)
--------------------------------
DeepVol has its own small loop rather than :func:`volrep.train.fit`: ``fit`` shuffles a fixed set of
``(x, y)`` arrays, whereas every DeepVol mini-batch holds *freshly drawn* portfolios of different lengths
(§2.3), and the paper trains a fixed number of Adam steps at a fixed learning rate with no validation-based
early stopping or scheduler. The loop reuses ``fit``'s deterministic-kernel context and its non-finite-loss
rule. Real series are taken in epochs (each pass over a random permutation of the pool), so every stock is
seen equally often. Optionally (``window``) each series of a batch is cut to a random stretch of ``window``
consecutive returns (:func:`crop_batch`): the LSTM then starts from a zero state inside the history, and a
step costs ``window / T`` of a full-length one. The paper trains on whole series; windows are this project's
shortcut for CPU runs, and at forecast time the model still reads the whole history (:func:`forecast_sigma`).
The same loop fine-tunes a trained model on one stock (a pool of one series, ``n_portfolios=0``).

Units of DeepVol's inputs and outputs
-------------------------------------
The network and the loss take returns in whatever units they are given, and σ comes out in the same units. The
paper's NLL values (≈ 2) and quantile losses fit percent returns (100 × decimal), the scale of the authors' code
(which also demeans each series; we do not: the model has no mean, as in eq. 3a).

References
----------
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §2.1–2.3, eq. (3a)–(5), Table 1.
Hochreiter, S., & Schmidhuber, J. (1997). Long short-term memory. *Neural Computation*, 9(8), 1735–1780.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn.functional import softplus
from torch.nn.utils.rnn import pad_sequence

from volrep.config import device as default_device
from volrep.config import seed_everything
from volrep.data.clean import require_return_panel
from volrep.errors import ConfigError, DataError
from volrep.progress import steps as progress_steps
from volrep.train import deterministic

__all__ = [
    "AUTHORS_CODE",
    "BATCH_PORTFOLIOS",
    "BATCH_REAL",
    "CONFIGS",
    "LEARNING_RATE",
    "PAPER",
    "PORTFOLIO_SIZE",
    "SIGMA_FLOOR",
    "Batch",
    "DeepVol",
    "DeepVolConfig",
    "Portfolio",
    "ReturnPool",
    "TrainingHistory",
    "batch_loss",
    "build_model",
    "crop_batch",
    "forecast_sigma",
    "nll_loss",
    "pad_batch",
    "parse_config",
    "random_portfolio",
    "train_deepvol",
    "training_batch",
]

#: Added to the softplus output so that σ > 0 (Table 1).
SIGMA_FLOOR = 1e-5
#: Adam's fixed learning rate (Table 1).
LEARNING_RATE = 1e-3
#: Real series and artificial portfolios per mini-batch (§2.3: 32 + 32 = 64).
BATCH_REAL = 32
BATCH_PORTFOLIOS = 32
#: Smallest and largest portfolio size M, inclusive (§2.3).
PORTFOLIO_SIZE = (20, 30)

Reduction = Literal["series", "position"]


@dataclass(frozen=True)
class DeepVolConfig:
    """Size of a :class:`DeepVol` network.

    Attributes
    ----------
    layers
        Stacked LSTM layers.
    hidden
        Hidden units per layer.
    dropout
        Dropout on the top layer's outputs, before the output layer (0 in the paper, 0.2 in the authors' code).
    """

    layers: int = 3
    hidden: int = 400
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.layers < 1 or self.hidden < 1 or not 0 <= self.dropout < 1:
            raise ConfigError(f"DeepVol needs layers >= 1, hidden >= 1 and dropout in [0, 1), got {self}")


#: Table 1 of the paper: 3 LSTM layers of 400 units.
PAPER = DeepVolConfig(layers=3, hidden=400, dropout=0.0)
#: The authors' public code: 1 LSTM layer of 128 units, dropout 0.2 on its outputs.
AUTHORS_CODE = DeepVolConfig(layers=1, hidden=128, dropout=0.2)
#: The named configurations, for notebook parameters.
CONFIGS: dict[str, DeepVolConfig] = {"paper": PAPER, "authors_code": AUTHORS_CODE}


class DeepVol(nn.Module):
    """Sequence-to-sequence LSTM volatility model, Liu et al. (2023) eq. (4a)–(4g) and Table 1.

    Parameters
    ----------
    config
        Network size (:data:`PAPER` by default; :data:`AUTHORS_CODE` for the public code's).

    Notes
    -----
    ``σ_{t+1} = softplus(W_y h_t + b_y) + 10⁻⁵`` with ``h_t`` the top LSTM layer's state after reading
    ``y_1 … y_t`` (one input feature: the return).
    """

    def __init__(self, config: DeepVolConfig = PAPER) -> None:
        super().__init__()
        self.config = config
        self.lstm = nn.LSTM(1, config.hidden, config.layers, batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, 1)

    def forward(self, returns: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """One-step σ forecasts after every return.

        Parameters
        ----------
        returns
            ``(batch, L)`` returns, right-padded when the rows have different lengths.
        lengths
            ``(batch,)`` number of real returns per row (default: all ``L``). Padded values are not used: the
            columns after the longest row are dropped and the other padded inputs replaced by 0.

        Returns
        -------
        torch.Tensor
            ``(batch, L)``: ``σ[:, t]`` is the forecast of the return after ``returns[:, t]``; NaN at padded
            positions (module docstring: why padding changes no output at a real position).
        """
        if lengths is None:
            return self._sigma(self.lstm(returns.unsqueeze(-1))[0])
        width = int(lengths.max())
        real = torch.arange(width, device=returns.device) < lengths.to(returns.device)[:, None]
        x = torch.where(real, returns[:, :width], torch.zeros((), dtype=returns.dtype, device=returns.device))
        sigma = torch.where(real, self._sigma(self.lstm(x.unsqueeze(-1))[0]), torch.nan)
        return nn.functional.pad(sigma, (0, returns.shape[1] - width), value=float("nan"))

    def _sigma(self, states: torch.Tensor) -> torch.Tensor:
        """Output layer, eq. (4g): softplus of a linear map of the top LSTM states, plus :data:`SIGMA_FLOOR`."""
        return softplus(self.head(self.dropout(states))).squeeze(-1) + SIGMA_FLOOR


def parse_config(config: DeepVolConfig | str) -> DeepVolConfig:
    """A size from a name of :data:`CONFIGS` or a ``"<layers>x<hidden>"`` string (no dropout), e.g. ``"3x64"``.

    The string form lets a notebook parameter ask for a scaled-down network, e.g. the paper's depth at a smaller
    width for a CPU run.
    """
    if isinstance(config, DeepVolConfig):
        return config
    if config in CONFIGS:
        return CONFIGS[config]
    match = re.fullmatch(r"(\d+)x(\d+)", str(config))
    if match is None:
        raise ConfigError(f"unknown DeepVol configuration {config!r}; choose one of {', '.join(CONFIGS)} or "
                          "'<layers>x<hidden>' such as '3x64'")
    return DeepVolConfig(layers=int(match[1]), hidden=int(match[2]))


def build_model(config: DeepVolConfig | str = "paper", device: str | None = None) -> DeepVol:
    """A fresh :class:`DeepVol` of a named or given size (:func:`parse_config`), on ``device``.

    ``device`` defaults to :func:`volrep.config.device` (CUDA when present). Initial weights come from PyTorch's
    global generator: call :func:`volrep.config.seed_everything` first.
    """
    return DeepVol(parse_config(config)).to(torch.device(device or default_device()))


# --------------------------------------------------------------------------------------------------------------
# Padded batches and the masked loss
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Batch:
    """Return series of different lengths, right-padded with zeros.

    Attributes
    ----------
    returns
        ``(batch, L)`` float32; ``L`` is the longest length.
    lengths
        ``(batch,)`` int64, on the CPU.
    mask
        ``(batch, L)`` bool, True at real returns.
    names
        One label per row (a series name, or ``"portfolio of M"``).
    """

    returns: torch.Tensor
    lengths: torch.Tensor
    mask: torch.Tensor
    names: tuple[str, ...]

    def to(self, device: torch.device | str, dtype: torch.dtype | None = None) -> Batch:
        """The batch on ``device`` (``returns`` as ``dtype``, if given); ``lengths`` stay on the CPU."""
        return Batch(self.returns.to(device=device, dtype=dtype), self.lengths, self.mask.to(device), self.names)


def pad_batch(series: Sequence[np.ndarray], names: Sequence[str], *, min_length: int = 1) -> Batch:
    """Right-pad 1-D return arrays into a :class:`Batch`.

    Raises
    ------
    DataError
        A series that is not 1-D, holds a non-finite value, or has fewer than ``min_length`` returns.
    """
    if len(series) != len(names) or not series:
        raise ConfigError(f"pad_batch needs one name per series and at least one series, got {len(series)} "
                          f"series and {len(names)} names")
    tensors = []
    for values, name in zip(series, names):
        y = np.asarray(values, dtype=np.float64)
        if y.ndim != 1 or y.size < min_length:
            raise DataError(name, f"a 1-D series of at least {min_length} returns", None, f"shape {y.shape}")
        bad = ~np.isfinite(y)
        if bad.any():
            raise DataError(name, "finite returns", int(np.argmax(bad)), f"{int(bad.sum())} non-finite value(s)")
        tensors.append(torch.from_numpy(y.astype(np.float32)))
    lengths = torch.tensor([t.numel() for t in tensors], dtype=torch.int64)
    mask = torch.arange(int(lengths.max())) < lengths[:, None]
    return Batch(pad_sequence(tensors, batch_first=True), lengths, mask, tuple(map(str, names)))


def nll_loss(sigma: torch.Tensor, target: torch.Tensor, mask: torch.Tensor,
             reduction: Reduction = "series") -> torch.Tensor:
    r"""Masked Gaussian negative log-likelihood, Liu et al. (2023) eq. (3c) and (5).

    Parameters
    ----------
    sigma, target, mask
        ``(batch, L)``: σ forecasts, the returns they forecast, and True where the pair is real.
    reduction
        ``"series"``: mean over each series' real positions, then over series (eq. 5's ``1/m · 1/T`` with each
        series' own ``T``). ``"position"``: mean over all real positions (the authors' code).

    Returns
    -------
    torch.Tensor
        Scalar loss.

    Notes
    -----
    .. math:: -\log p(y_t \mid \sigma_t) = \tfrac12\log(2\pi) + \log\sigma_t + \frac{y_t^2}{2\sigma_t^2}

    Only the real positions are selected (row by row, in time order) before any arithmetic, and every sum runs
    over them alone: whatever the padding holds (zeros, NaN) and however long it is, the loss and its gradient
    are the same to the last bit. Every row needs at least one real position.
    """
    if reduction not in ("series", "position"):
        raise ConfigError(f"reduction must be 'series' or 'position', got {reduction!r}")
    count = mask.sum(dim=1)
    if (count == 0).any():
        raise DataError("nll_loss", "at least one real position per series", int(torch.argmax((count == 0).int())))
    s = sigma[mask]
    nll = 0.5 * np.log(2 * np.pi) + torch.log(s) + 0.5 * (target[mask] / s) ** 2
    if reduction == "position":
        return nll.sum() / nll.numel()
    per_series = torch.stack([part.sum() for part in nll.split(count.tolist())])
    return (per_series / count).mean()


def batch_loss(model: DeepVol, batch: Batch, reduction: Reduction = "series") -> torch.Tensor:
    """Loss of ``model`` on a batch: σ_2 … σ_T from y_1 … y_{T−1}, scored against y_2 … y_T (:func:`nll_loss`).

    The batch is moved to the model's device and float type. Every series needs at least two returns.
    """
    if (batch.lengths < 2).any():
        row = int(torch.argmax((batch.lengths < 2).int()))
        raise DataError(batch.names[row], "at least two returns per training series", row)
    weight = next(model.parameters())
    batch = batch.to(weight.device, weight.dtype)
    sigma = model(batch.returns[:, :-1], batch.lengths - 1)
    return nll_loss(sigma, batch.returns[:, 1:], batch.mask[:, 1:], reduction)


def forecast_sigma(
    model: DeepVol,
    series: Sequence[np.ndarray | pd.Series],
    *,
    batch_size: int = 64,
    device: str | None = None,
) -> list[np.ndarray | pd.Series]:
    """One-step σ forecasts along whole series: the LSTM run over ``y_1 … y_t`` gives ``σ_{t+1}``, for every t.

    Parameters
    ----------
    model
        A (trained) :class:`DeepVol`; evaluated in eval mode without gradients, its mode restored afterwards.
    series
        Return series (finite, 1-D), each from its first return: the forecasts depend on the whole history.
    batch_size
        Series per forward pass (padded together; padding changes nothing).
    device
        Where to run (default: where the model's parameters are).

    Returns
    -------
    list
        Per series, float64 forecasts of the same length ``T``, indexed by **origin**: element ``t`` is the
        forecast of the return after ``y_t``, made with ``y_1 … y_t``. A Series input gives a Series with the
        same index and name (the forecast made on date d is found at d: shift it by one to line it up with the
        return it forecasts); the last element forecasts a return beyond the data.
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be positive, got {batch_size}")
    dev = torch.device(device) if device is not None else next(model.parameters()).device
    names = [str(s.name) if isinstance(s, pd.Series) else f"series {i}" for i, s in enumerate(series)]
    was_training = model.training
    model.to(dev).eval()
    out: list[np.ndarray | pd.Series] = []
    try:
        with torch.no_grad():
            for start in range(0, len(series), batch_size):
                chunk = series[start : start + batch_size]
                batch = pad_batch([np.asarray(s, dtype=np.float64) for s in chunk],
                                  names[start : start + batch_size]).to(dev, next(model.parameters()).dtype)
                sigma = model(batch.returns, batch.lengths).cpu().numpy().astype(np.float64)
                for row, s in enumerate(chunk):
                    values = sigma[row, : int(batch.lengths[row])]
                    out.append(pd.Series(values, index=s.index, name=s.name) if isinstance(s, pd.Series) else values)
    finally:
        model.train(was_training)
    return out


# --------------------------------------------------------------------------------------------------------------
# Stock pools, artificial portfolios and training mini-batches (§2.3)
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReturnPool:
    """A panel of daily returns (dates × series; NaN where a series has no return), up to a last date.

    Build it with :meth:`from_frame`. Attributes: ``values`` ``(n_dates, n_series)`` float64, ``dates``,
    ``names``.
    """

    values: np.ndarray
    dates: pd.DatetimeIndex
    names: tuple[str, ...]

    @classmethod
    def from_frame(cls, returns: pd.DataFrame, end: pd.Timestamp | str | None = None,
                   label: str = "returns") -> ReturnPool:
        """Validate a wide return panel and keep the dates up to ``end`` (inclusive).

        Parameters
        ----------
        returns
            One column per series, a DatetimeIndex; NaN marks a day without a return (before a listing, a gap).
        end
            Last date the pool may hold; every later row is cut off here, so nothing built from the pool can see
            it. Default: keep all.
        label
            Names the panel in error messages.

        Raises
        ------
        DataError
            Dates not strictly increasing, repeated series names, an infinite value, or a series with fewer than
            two returns up to ``end``.
        """
        require_return_panel(returns, label)
        if end is not None:
            returns = returns.loc[: pd.Timestamp(end)]
        values = returns.to_numpy(dtype=np.float64, copy=True)
        short = (~np.isnan(values)).sum(axis=0) < 2
        if short.any():
            names = ", ".join(map(str, returns.columns[short][:5]))
            raise DataError(label, "at least two returns per series up to the pool's end", None,
                            f"{int(short.sum())} series break it: {names}; leave them out of the pool")
        return cls(values, pd.DatetimeIndex(returns.index), tuple(map(str, returns.columns)))

    @property
    def n_series(self) -> int:
        """Number of series in the pool."""
        return self.values.shape[1]

    def series(self, i: int) -> pd.Series:
        """The returns of series ``i`` on the dates it has one (its NaN days left out)."""
        observed = ~np.isnan(self.values[:, i])
        return pd.Series(self.values[observed, i], index=self.dates[observed], name=self.names[i])


@dataclass(frozen=True)
class Portfolio:
    """An artificial portfolio of §2.3.

    Attributes
    ----------
    members
        Names of the ``M`` member series.
    weights
        ``(M,)`` positive weights summing to 1, in the order of ``members``.
    returns
        The weighted sum of the members' returns on their common dates.
    n_incomplete
        Pool dates on which some but not all members have a return: no portfolio return there (left out).
    """

    members: tuple[str, ...]
    weights: np.ndarray
    returns: pd.Series
    n_incomplete: int


def random_portfolio(pool: ReturnPool, rng: np.random.Generator,
                     size: tuple[int, int] = PORTFOLIO_SIZE) -> Portfolio:
    """Draw one artificial portfolio from ``pool``, Liu et al. (2023) §2.3.

    Parameters
    ----------
    pool
        The stocks to draw from (cut at the end of the training period for training portfolios).
    rng
        Seeded generator; draws, in order, ``M``, the members and the weights.
    size
        Smallest and largest ``M``, inclusive (default 20 and 30).

    Returns
    -------
    Portfolio

    Raises
    ------
    ConfigError
        A size range that is empty or larger than the pool.
    DataError
        When the members share fewer than two dates.

    Notes
    -----
    ``M ~ U{size[0], …, size[1]}``; members drawn without replacement; weights ``w ~ Dirichlet(1, …, 1)``
    (uniform on the simplex: positive, sum 1); ``r_t = Σ_i w_i y_{i,t}`` on the dates where every member has a
    return.
    """
    low, high = size
    if not 1 <= low <= high:
        raise ConfigError(f"portfolio size range must satisfy 1 <= low <= high, got {size}")
    if high > pool.n_series:
        raise ConfigError(f"portfolios of up to {high} stocks need a pool of at least {high}, got {pool.n_series}")
    m = int(rng.integers(low, high + 1))
    members = rng.choice(pool.n_series, size=m, replace=False)
    weights = rng.dirichlet(np.ones(m))
    block = pool.values[:, members]
    observed = ~np.isnan(block)
    common = observed.all(axis=1)
    names = tuple(pool.names[i] for i in members)
    if common.sum() < 2:
        raise DataError("random_portfolio", "members with at least two common dates", None, ", ".join(names))
    returns = pd.Series(block[common] @ weights, index=pool.dates[common], name=f"portfolio of {m}")
    return Portfolio(names, weights, returns, int((observed.any(axis=1) & ~common).sum()))


def training_batch(
    pool: ReturnPool,
    rng: np.random.Generator,
    *,
    real: Sequence[int] | None = None,
    n_real: int = BATCH_REAL,
    n_portfolios: int = BATCH_PORTFOLIOS,
    size: tuple[int, int] = PORTFOLIO_SIZE,
) -> Batch:
    """A mini-batch of §2.3: real series of the pool followed by freshly drawn artificial portfolios.

    Parameters
    ----------
    pool
        Training stocks, cut at the end of the training period (:meth:`ReturnPool.from_frame`).
    rng
        Seeded generator for every draw (real series first, then the portfolios in order).
    real
        Pool positions of the real series (e.g. a slice of an epoch's permutation); default: ``n_real``
        positions drawn without replacement.
    n_real, n_portfolios
        Real series (when ``real`` is not given) and portfolios per batch (32 and 32 in the paper).
    size
        Portfolio size range (:func:`random_portfolio`).

    Returns
    -------
    Batch
        On the CPU (:func:`batch_loss` moves it to the model's device); each real series on the dates it has a
        return, each portfolio on its members' common dates.
    """
    if real is None:
        if not 0 <= n_real <= pool.n_series:
            raise ConfigError(f"n_real must lie in [0, {pool.n_series}] (the pool's size), got {n_real}")
        real = rng.choice(pool.n_series, size=n_real, replace=False)
    if n_portfolios < 0 or len(real) + n_portfolios == 0:
        raise ConfigError("a batch needs at least one series and n_portfolios >= 0")
    portfolios = [random_portfolio(pool, rng, size) for _ in range(n_portfolios)]
    series = [pool.series(int(i)) for i in real] + [p.returns for p in portfolios]
    return pad_batch([s.to_numpy() for s in series], [str(s.name) for s in series], min_length=2)


# --------------------------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------------------------
def crop_batch(batch: Batch, window: int, rng: np.random.Generator) -> Batch:
    """Cut every series of a batch to a random stretch of at most ``window`` consecutive returns.

    A series of length ``n > window`` keeps returns ``[s, s + window)`` with ``s`` uniform on ``{0, …, n − window}``
    (one draw per row, in row order); shorter series are kept whole. The result is padded with zeros as
    :func:`pad_batch` pads.
    """
    if window < 2:
        raise ConfigError(f"window must be at least 2 returns (one input, one target), got {window}")
    lengths = batch.lengths.numpy()
    start = rng.integers(0, np.maximum(lengths - window, 0) + 1)
    kept = np.minimum(lengths, window)
    columns = np.minimum(start[:, None] + np.arange(int(kept.max())), batch.returns.shape[1] - 1)
    new_lengths = torch.from_numpy(kept.astype(np.int64))
    mask = torch.arange(columns.shape[1]) < new_lengths[:, None]
    returns = torch.gather(batch.returns, 1, torch.from_numpy(columns).to(batch.returns.device))
    returns = torch.where(mask.to(returns.device), returns, torch.zeros((), dtype=returns.dtype, device=returns.device))
    return Batch(returns, new_lengths, mask.to(batch.mask.device), batch.names)


@dataclass
class TrainingHistory:
    """What :func:`train_deepvol` did.

    Attributes
    ----------
    loss
        Training loss (eq. 5 on the step's mini-batch, dropout on) of every step, in order.
    seconds
        Wall-clock time of the whole run.
    """

    loss: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def steps(self) -> int:
        """Number of optimiser steps taken."""
        return len(self.loss)

    def smoothed(self, span: int = 50) -> pd.Series:
        """The loss by step (1-based) as an exponential moving average over ``span`` steps (for plots)."""
        series = pd.Series(self.loss, index=pd.RangeIndex(1, self.steps + 1, name="step"), name="loss")
        return series.ewm(span=span).mean()


def _real_positions(queue: np.ndarray, n: int, pool_size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The next ``n`` pool positions of an endless stream of random permutations, and what is left of the queue."""
    while queue.size < n:
        queue = np.concatenate([queue, rng.permutation(pool_size)])
    return queue[:n], queue[n:]


def train_deepvol(
    model: DeepVol,
    pool: ReturnPool,
    *,
    steps: int,
    seed: int,
    lr: float = LEARNING_RATE,
    n_real: int = BATCH_REAL,
    n_portfolios: int = BATCH_PORTFOLIOS,
    size: tuple[int, int] = PORTFOLIO_SIZE,
    window: int | None = None,
    reduction: Reduction = "series",
    clip: float | None = None,
    device: str | None = None,
    progress: bool = False,
) -> TrainingHistory:
    """Train ``model`` in place on mini-batches of real series and fresh artificial portfolios (§2.3, eq. 5).

    Parameters
    ----------
    model
        A :class:`DeepVol` (its initial weights are not touched before the first step). It is moved to
        ``device`` and left there in evaluation mode.
    pool
        The training series, cut at the end of the training period (:meth:`ReturnPool.from_frame`).
    steps
        Adam steps (the paper states no number of epochs).
    seed
        Seeds PyTorch (dropout) and the generator of every draw: the same seed gives the same weights on CPU.
    lr
        Adam's fixed learning rate (Table 1: 1e-3; lower it for fine-tuning).
    n_real, n_portfolios, size
        Real series and portfolios per mini-batch (32 + 32) and the portfolio size range (20–30). Real series
        are taken in epochs over the pool (module docstring); ``n_real`` may exceed the pool's size (a pool of
        one stock gives ``n_real`` stretches of it).
    window
        Cut every series of a batch to a random stretch of this many returns (:func:`crop_batch`); ``None``
        (the paper) trains on whole series.
    reduction
        How eq. (5) weights series of different lengths (:func:`nll_loss`).
    clip
        Clip the gradient's global norm to this value (the authors' code clips at 1; the paper does not say).
        ``None``: no clipping.
    device
        Default :func:`volrep.config.device` (CUDA when present).
    progress
        Show a tqdm bar over steps.

    Returns
    -------
    TrainingHistory

    Raises
    ------
    ConfigError
        Settings out of range.
    FloatingPointError
        If a step's loss is NaN or infinite (lower the learning rate, or clip).
    """
    if steps < 1 or not lr > 0 or n_real < 0 or (clip is not None and not clip > 0):
        raise ConfigError(f"train_deepvol needs steps >= 1, lr > 0, n_real >= 0 and clip > 0 or None; got "
                          f"steps={steps}, lr={lr}, n_real={n_real}, clip={clip}")
    dev = torch.device(device or default_device())
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    model.to(device=dev, dtype=torch.float32).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = TrainingHistory()
    queue = np.empty(0, dtype=np.int64)
    start = time.perf_counter()
    with deterministic(dev), progress_steps(range(1, steps + 1), desc="DeepVol", unit="step", show=progress) as bar:
        for step in bar:
            real, queue = _real_positions(queue, n_real, pool.n_series, rng)
            batch = training_batch(pool, rng, real=real, n_portfolios=n_portfolios, size=size)
            if window is not None:
                batch = crop_batch(batch, window, rng)
            optimizer.zero_grad()
            loss = batch_loss(model, batch, reduction)
            value = loss.item()
            if not math.isfinite(value):
                raise FloatingPointError(f"DeepVol loss became non-finite at step {step} ({value}); lower the "
                                         "learning rate or clip the gradient")
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            history.loss.append(value)
            bar.set_postfix(loss=f"{value:.4g}")
    model.eval()
    history.seconds = time.perf_counter() - start
    return history
