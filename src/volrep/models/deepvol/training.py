"""DeepVol's training loop: fixed-rate Adam steps on fresh mini-batches, optionally on random stretches (§2.3).

:func:`train_deepvol` pre-trains on a :class:`~volrep.models.deepvol.portfolios.ReturnPool` or fine-tunes on one
stock, recording a :class:`TrainingHistory`; :func:`crop_batch` cuts a batch to random windows. Why DeepVol has its
own loop rather than :func:`volrep.train.fit` is in :mod:`volrep.models.deepvol` ("Training").
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import nn

from volrep.config import device as default_device
from volrep.config import local_seed
from volrep.errors import ConfigError
from volrep.models.deepvol.network import Batch, DeepVol, Reduction, batch_loss
from volrep.models.deepvol.portfolios import BATCH_PORTFOLIOS, BATCH_REAL, PORTFOLIO_SIZE, ReturnPool, training_batch
from volrep.progress import steps as progress_steps
from volrep.train import deterministic

#: Adam's fixed learning rate (Table 1).
LEARNING_RATE = 1e-3


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
        Seeds the generator of every draw and, inside :func:`volrep.config.local_seed`, PyTorch's (dropout): the
        same seed gives the same weights on CPU, and the caller's generator states are left as they were.
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
    rng = np.random.default_rng(seed)
    model.to(device=dev, dtype=torch.float32).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = TrainingHistory()
    queue = np.empty(0, dtype=np.int64)
    start = time.perf_counter()
    with local_seed(seed), deterministic(dev), \
            progress_steps(range(1, steps + 1), desc="DeepVol", unit="step", show=progress) as bar:
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
