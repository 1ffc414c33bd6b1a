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

Units
-----
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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn.functional import softplus
from torch.nn.utils.rnn import pad_sequence

from volrep.config import device as default_device
from volrep.data.clean import require_return_panel
from volrep.errors import ConfigError, DataError

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
    "batch_loss",
    "build_model",
    "forecast_sigma",
    "nll_loss",
    "pad_batch",
    "random_portfolio",
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


def build_model(config: DeepVolConfig | str = "paper", device: str | None = None) -> DeepVol:
    """A fresh :class:`DeepVol` of a named (:data:`CONFIGS`) or given size, on ``device``.

    ``device`` defaults to :func:`volrep.config.device` (CUDA when present). Initial weights come from PyTorch's
    global generator: call :func:`volrep.config.seed_everything` first.
    """
    if isinstance(config, str):
        if config not in CONFIGS:
            raise ConfigError(f"unknown DeepVol configuration {config!r}; choose one of {', '.join(CONFIGS)}")
        config = CONFIGS[config]
    return DeepVol(config).to(torch.device(device or default_device()))


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
