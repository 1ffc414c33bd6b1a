"""The one training loop for every network: Adam, ReduceLROnPlateau, early stopping with best-weight restore.

Without validation data (``val=None``) it is the fixed-epoch protocol of Huang et al. (2024, §4.4, footnote 20):
plain Adam for a set number of epochs, no scheduler, no early stopping, the weights of the last epoch.

Every net of the book is trained by :func:`fit` and evaluated by :func:`predict`. Pre-training and fine-tuning
(Dhansoia 2025, Table 8) differ only in their arguments; fine-tuning strategies pass parameter groups and an
epoch callback (:mod:`volrep.models.transfer`).

Determinism
-----------
:func:`fit` trains inside :func:`volrep.config.local_seed` (dropout and the loader draw from PyTorch's generators
seeded with ``seed``; the caller's generator states are given back afterwards), shuffles mini-batches with its own
generator seeded with ``seed``, loads data in the main process and runs with
``torch.use_deterministic_algorithms(True)`` (restored afterwards): on CPU the same seed gives bit-identical
losses and weights. On CUDA it sets ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` when unset and only warns about kernels
without a deterministic version, so GPU runs are reproducible as far as cuDNN allows. The model's initial weights come from PyTorch's generator
when the model is built: build it inside ``with config.local_seed(seed):``.

Importing this module pins PyTorch to one intra-op thread (:func:`volrep.config.configure_torch`) and
``import volrep`` has already asked MKL, oneDNN and ATen for their AVX2 kernels
(:data:`volrep.config.PORTABLE_ENV`): the same seed then gives the same numbers on other x86-64 machines too,
as far as :mod:`volrep.regression` has measured (``python -m volrep portability``).

References
----------
Dhansoia, R. (2025). Cross-asset transfer learning for rough volatility forecasting. Appendix B (Table 8),
Figure 2.
Kingma, D. P., & Ba, J. (2015). Adam: A method for stochastic optimization. *ICLR*.
Prechelt, L. (1998). Early stopping — but when? In *Neural Networks: Tricks of the Trade*, 55–69.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

from volrep.config import device as default_device
from volrep.config import configure_torch, local_seed
from volrep.errors import ConfigError, DataError
from volrep.progress import steps

if TYPE_CHECKING:
    from matplotlib.axes import Axes

configure_torch()

#: Training losses by name.
LOSSES: dict[str, Callable[[], nn.Module]] = {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}

#: ``epoch_callback(epoch, model)``: called after each epoch (1-based), once its validation loss is known.
EpochCallback = Callable[[int, nn.Module], None]


@dataclass
class History:
    """What :func:`fit` did, epoch by epoch (epochs are numbered from 1).

    Attributes
    ----------
    train_loss
        Mean training loss of each epoch (over its mini-batches, dropout on).
    val_loss
        Validation loss after each epoch (evaluation mode); NaN when training ran without validation data.
    lr
        Learning rate used during each epoch (the largest over parameter groups; the scheduler scales all groups
        by the same factor).
    best_epoch
        Epoch with the lowest validation loss (the last epoch without validation data); the model holds its
        weights when :func:`fit` returns.
    stopped_early
        True if training stopped because the validation loss had not improved for ``patience`` epochs.
    seconds
        Wall-clock time of the whole fit.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def epochs_run(self) -> int:
        """Number of epochs trained."""
        return len(self.train_loss)

    @property
    def best_val_loss(self) -> float:
        """Validation loss of :attr:`best_epoch`."""
        return self.val_loss[self.best_epoch - 1]

    def to_frame(self) -> pd.DataFrame:
        """The per-epoch record as a table indexed by epoch (1-based)."""
        return pd.DataFrame(
            {"train_loss": self.train_loss, "val_loss": self.val_loss, "lr": self.lr},
            index=pd.RangeIndex(1, self.epochs_run + 1, name="epoch"),
        )

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Training and validation loss by epoch with the best epoch marked (Dhansoia 2025, Figure 2)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        frame = self.to_frame()
        ax.plot(frame.index, frame["train_loss"], marker=".", label="training")
        ax.plot(frame.index, frame["val_loss"], marker=".", label="validation")
        ax.axvline(self.best_epoch, color="grey", linestyle=":", label=f"best epoch ({self.best_epoch})")
        ax.set(xlabel="epoch", ylabel="loss", yscale="log", title=title)
        ax.legend()
        return ax


#: Network inputs: one array ``(n, lookback, features)``, or a tuple of arrays sharing their first axis ``n`` that
#: is unpacked into the model's ``forward`` (e.g. windows and a HAR forecast; an image and a sequence).
Inputs = np.ndarray | tuple[np.ndarray, ...]


def _input_arrays(x: Inputs, name: str) -> tuple[np.ndarray, ...]:
    """The inputs as float32 arrays: a single array must be ``(n, lookback, features)``; a tuple, any shapes ``(n, ...)``."""
    if isinstance(x, (tuple, list)):
        arrays = tuple(np.asarray(a, dtype=np.float32) for a in x)
        if not arrays or any(a.ndim == 0 or a.shape[0] != arrays[0].shape[0] for a in arrays):
            raise DataError(name, "input arrays of shape (n, ...) with the same n",
                            detail=f"got shapes {[a.shape for a in arrays]}")
        return arrays
    array = np.asarray(x, dtype=np.float32)
    if array.ndim != 3:
        raise DataError(name, "x of shape (n, lookback, features)", detail=f"got {array.shape}")
    return (array,)


def _as_tensors(data: tuple[Inputs, np.ndarray], name: str) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
    """Check ``(x, y)``: inputs (:data:`Inputs`) and targets ``(n,)``, all finite; return float32 tensors."""
    xs = _input_arrays(data[0], name)
    y = np.asarray(data[1], dtype=np.float32)
    if y.ndim != 1 or xs[0].shape[0] != y.shape[0] or y.shape[0] == 0:
        raise DataError(name, "inputs of shape (n, ...) and y of shape (n,), n > 0",
                        detail=f"got x {[a.shape for a in xs]} and y {y.shape}")
    bad = np.isfinite(y)
    for a in xs:
        bad &= np.isfinite(a.reshape(a.shape[0], -1)).all(axis=1)
    bad = ~bad
    if bad.any():
        raise DataError(name, "finite values", int(np.argmax(bad)), f"{int(bad.sum())} sample(s) hold NaN or inf")
    return tuple(torch.from_numpy(a) for a in xs), torch.from_numpy(y)


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ConfigError(f"{name} must be positive, got {value}")


@contextmanager
def deterministic(dev: torch.device) -> Iterator[None]:
    """Deterministic kernels for the duration of a training loop (strict on CPU, warn-only on CUDA); restored
    afterwards. :func:`fit` and :func:`volrep.models.deepvol.train_deepvol` run inside it."""
    previous = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
    if dev.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=dev.type == "cuda")
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous[0], warn_only=previous[1])


def _forward(model: nn.Module, xs: tuple[torch.Tensor, ...], batch_size: int, dev: torch.device) -> torch.Tensor:
    """Model outputs for inputs ``xs`` in evaluation mode, without gradients, ``batch_size`` rows at a time."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(*(x[i:i + batch_size].to(dev) for x in xs)) for i in range(0, xs[0].shape[0], batch_size)])


def _train_epoch(
    model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, criterion: nn.Module, dev: torch.device
) -> float:
    """One pass over the training batches; returns the sample-weighted mean loss."""
    model.train()
    total, count = 0.0, 0
    for *xb, yb in loader:
        yb = yb.to(dev)
        optimizer.zero_grad()
        batch_loss = criterion(model(*(x.to(dev) for x in xb)), yb)
        batch_loss.backward()
        optimizer.step()
        total += batch_loss.item() * yb.shape[0]
        count += yb.shape[0]
    return total / count


def fit(
    model: nn.Module,
    train: tuple[Inputs, np.ndarray],
    val: tuple[Inputs, np.ndarray] | None,
    *,
    lr: float,
    batch_size: int,
    max_epochs: int,
    patience: int,
    seed: int,
    param_groups: Sequence[dict[str, Any]] | None = None,
    scheduler_patience: int = 5,
    scheduler_factor: float = 0.5,
    loss: str = "mse",
    device: str | None = None,
    progress: bool = False,
    epoch_callback: EpochCallback | None = None,
) -> History:
    """Train ``model`` in place with Adam, ReduceLROnPlateau and early stopping; leave it at its best epoch.

    Parameters
    ----------
    model
        A module mapping ``(batch, lookback, features)`` — or, for tuple inputs, ``model(*inputs)`` — to ``(batch,)``. It is moved to ``device`` and returned
        (in place) in evaluation mode with the weights of the epoch of lowest validation loss.
    train, val
        ``(x, y)``: windows ``(n, lookback, features)`` or a tuple of input arrays sharing their first axis
        (:data:`Inputs`), and targets ``(n,)``; cast to float32. ``val=None``: train ``max_epochs`` epochs at a
        constant learning rate and keep the last weights (``patience`` and the scheduler settings are unused).
    lr
        Adam learning rate (the default of groups in ``param_groups`` that set none).
    batch_size, max_epochs
        Mini-batch size (training data reshuffled each epoch) and the most epochs to run.
    patience
        Stop after this many epochs without a lower validation loss.
    seed
        Seeds the shuffling generator and, inside :func:`volrep.config.local_seed`, PyTorch's generators (dropout,
        the loader); the caller's generator states are left as they were.
    param_groups
        Optimizer parameter groups (``[{"params": [...], "lr": ...}, ...]``) for differential learning rates;
        default: all parameters of ``model`` at ``lr``. Parameters with ``requires_grad=False`` get no gradient
        and are not updated (Adam skips them) until they are unfrozen.
    scheduler_patience, scheduler_factor
        ReduceLROnPlateau on the validation loss: multiply every group's rate by ``scheduler_factor`` after
        ``scheduler_patience`` epochs without improvement.
    loss
        ``"mse"``, ``"mae"`` or ``"huber"`` (:data:`LOSSES`), used for training and validation.
    device
        ``"cpu"``, ``"cuda"``…; default :func:`volrep.config.device`.
    progress
        Show a tqdm bar over epochs.
    epoch_callback
        ``callback(epoch, model)`` after each epoch (1-based), once the epoch's validation loss is recorded and
        before the early-stopping check: gradual unfreezing uses it.

    Returns
    -------
    History
        Per-epoch losses and learning rates, best epoch, whether it stopped early, wall-clock seconds.

    Raises
    ------
    DataError
        If ``train`` or ``val`` is mis-shaped or holds non-finite values.
    ConfigError
        If a hyper-parameter is out of range or ``loss`` is unknown.
    FloatingPointError
        If a loss becomes NaN or infinite (lower the learning rate).
    """
    _check_positive(lr=lr, batch_size=batch_size, max_epochs=max_epochs, patience=patience,
                    scheduler_patience=scheduler_patience, scheduler_factor=scheduler_factor)
    if loss not in LOSSES:
        raise ConfigError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    x_train, y_train = _as_tensors(train, "training data")
    dev = torch.device(device or default_device())
    if val is not None:
        x_val, y_val = _as_tensors(val, "validation data")
        y_val = y_val.to(dev)

    dataset = TensorDataset(*x_train, y_train)
    sampler = BatchSampler(RandomSampler(dataset, generator=torch.Generator().manual_seed(seed)), batch_size, False)
    loader = DataLoader(dataset, sampler=sampler, batch_size=None, num_workers=0)  # one indexing op per batch
    model.to(device=dev, dtype=torch.float32)
    optimizer = torch.optim.Adam(model.parameters() if param_groups is None else param_groups, lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=scheduler_factor,
                                                           patience=scheduler_patience)
    criterion = LOSSES[loss]()

    history = History()
    best_state: dict[str, torch.Tensor] = {}
    start = time.perf_counter()
    with local_seed(seed), deterministic(dev), \
            steps(range(1, max_epochs + 1), desc="epochs", unit="epoch", show=progress) as bar:
        for epoch in bar:
            history.lr.append(max(group["lr"] for group in optimizer.param_groups))
            train_loss = _train_epoch(model, loader, optimizer, criterion, dev)
            val_loss = math.nan if val is None else criterion(_forward(model, x_val, 1024, dev), y_val).item()
            if not (math.isfinite(train_loss) and (val is None or math.isfinite(val_loss))):
                raise FloatingPointError(f"loss became non-finite at epoch {epoch} (training {train_loss}, "
                                         f"validation {val_loss}); lower the learning rate or rescale the data")
            history.train_loss.append(train_loss)
            history.val_loss.append(val_loss)
            if val is None:  # fixed epochs: the last one is kept
                history.best_epoch = epoch
            else:
                scheduler.step(val_loss)
                if epoch == 1 or val_loss < history.best_val_loss:
                    history.best_epoch = epoch
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            bar.set_postfix(train=f"{train_loss:.4g}", val=f"{val_loss:.4g}", lr=f"{history.lr[-1]:.2g}")
            if epoch_callback is not None:
                epoch_callback(epoch, model)
            if val is not None and epoch - history.best_epoch >= patience:
                history.stopped_early = True
                break
    if val is not None:
        model.load_state_dict(best_state)
    model.eval()
    history.seconds = time.perf_counter() - start
    return history


def predict(model: nn.Module, x: Inputs, batch_size: int = 1024, device: str | None = None) -> np.ndarray:
    """Forecasts of ``model`` for inputs ``x`` (:data:`Inputs`), in evaluation mode: ``(n,)`` float64.

    ``device`` defaults to the device of the model's parameters; the model's train/eval mode is left as found.
    No rows give an empty array (a forecaster asked for no origins).
    """
    _check_positive(batch_size=batch_size)
    xs = tuple(torch.from_numpy(a) for a in _input_arrays(x, "prediction input"))
    if xs[0].shape[0] == 0:
        return np.empty(0)
    dev = torch.device(device) if device is not None else next(model.parameters()).device
    was_training = model.training
    model.to(dev)
    out = _forward(model, xs, batch_size, dev)
    model.train(was_training)
    return out.cpu().numpy().astype(np.float64)
