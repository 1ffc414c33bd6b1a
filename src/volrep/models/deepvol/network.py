"""The DeepVol network, its sizes, its padded batches and masked loss, and its σ forecasts (§2.1–2.2, eq. 3–5).

:class:`DeepVol` and its sizes (:class:`DeepVolConfig`, :data:`PAPER`, :data:`AUTHORS_CODE`, :func:`parse_config`,
:func:`resolve_sizes`, :func:`build_model`); :class:`Batch` and :func:`pad_batch` for series of different lengths;
the Gaussian NLL of eq. (3c)/(5) on the real positions (:func:`nll_loss`, :func:`batch_loss`); and
:func:`forecast_sigma`, the expanding-window one-step forecasts of a trained model. The model, padding and masking
rules are those of :mod:`volrep.models.deepvol` ("Model", "Loss (eq. 3c and 5), padding and masking").
"""

from __future__ import annotations

import re
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
from volrep.errors import ConfigError, DataError

#: Added to the softplus output so that σ > 0 (Table 1).
SIGMA_FLOOR = 1e-5

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
#: What ``"auto"`` means for the main network and its variant, by device (the ``full`` profile's sizes). On a CUDA
#: GPU the paper's comparison: the 3 × 400 network of Table 1 against the authors' public code's 1 × 128. On a CPU
#: the 3 × 400 network costs ≈ 35 s an Adam step on whole series on one core (≈ 15 h for 1,500 steps), so the
#: main network is the authors' code's 1 × 128 (≈ 6 s a step) and the variant keeps the paper's depth at a width
#: of 64 (``"3x64"``, ≈ 9.5 s a step); measured on the 2-core AMD EPYC of the README's timings.
AUTO_SIZES: dict[str, tuple[str, str]] = {"cuda": ("paper", "authors_code"), "cpu": ("authors_code", "3x64")}


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


def resolve_sizes(model_size: DeepVolConfig | str, variant_size: DeepVolConfig | str,
                  device: str | None = None) -> tuple[DeepVolConfig, DeepVolConfig]:
    """The main network's and the variant's sizes, where ``"auto"`` takes :data:`AUTO_SIZES` of ``device``.

    Parameters
    ----------
    model_size, variant_size
        Anything :func:`parse_config` reads, or ``"auto"``.
    device
        ``"cuda"`` or ``"cpu"`` (default: :func:`volrep.config.device`, the device the networks train on).

    Returns
    -------
    tuple of DeepVolConfig
        ``(main, variant)``.
    """
    auto = AUTO_SIZES["cuda" if (device or default_device()) == "cuda" else "cpu"]
    return tuple(parse_config(auto[i] if size == "auto" else size)  # type: ignore[return-value]
                 for i, size in enumerate((model_size, variant_size)))


def build_model(config: DeepVolConfig | str = "paper", device: str | None = None) -> DeepVol:
    """A fresh :class:`DeepVol` of a named or given size (:func:`parse_config`), on ``device``.

    ``device`` defaults to :func:`volrep.config.device` (CUDA when present). Initial weights come from PyTorch's
    generator: build inside ``with volrep.config.local_seed(seed):``.
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
