"""Fine-tuning a pre-trained :class:`~volrep.models.nets.TransferLSTM` on a new asset (Dhansoia 2025, §3.3, Table 5).

Phase 1 pre-trains on the source asset with :data:`PRETRAIN`; phase 2 adapts a copy to the target asset with
:func:`fine_tune` and one of the :data:`STRATEGIES`. The paper defines two strategies (§3.3) and names three more
without defining them (Table 5, "Encoder Unfreezing Strategies"); our readings:

``frozen_encoder`` (§3.3)
    "Only the prediction head is trained": ``head`` (2,113 parameters) learns; ``encoder``, ``bottleneck`` and
    ``attention`` are frozen. The bottleneck counts as representation, not head: it feeds the attention, so
    training it under a frozen attention would change what the attention sees.
``full_finetune`` (§3.3)
    "All parameters are updated with a lower learning rate": everything at the fine-tuning rate, 1e-4 (Table 8).
``differential_lr`` (Table 5; ours)
    Everything trains, with rates falling towards the input (discriminative fine-tuning, Howard & Ruder 2018):
    head at the fine-tuning rate η = 1e-4, bottleneck and attention at η/3, LSTM encoder at η/10.
``gradual_unfreezing`` (Table 5; ours)
    Start with the head only; every ``unfreeze_every`` epochs (default 2) unfreeze the next block from the top:
    bottleneck + attention, then LSTM layer 3, 2, 1 (Howard & Ruder 2018). All unfrozen blocks train at η.
``aggressive_finetune`` (Table 5; ours)
    Everything at the pre-training rate, 1e-3: full fine-tuning without the lower rate.

All strategies use Table 8's fine-tuning batch size 16, at most 30 epochs and patience 10 (:data:`FINETUNE`),
ReduceLROnPlateau and early stopping with best-weight restore (:func:`volrep.train.fit`).

References
----------
Dhansoia, R. (2025). Cross-asset transfer learning for rough volatility forecasting. §3.3, Table 5, Table 8.
Howard, J., & Ruder, S. (2018). Universal language model fine-tuning for text classification. *ACL*, 328–339.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from torch import nn

from volrep.errors import ConfigError
from volrep.models.nets import TransferLSTM
from volrep.train import EpochCallback, History, fit

#: Pre-training hyper-parameters: ``lr``, ``batch_size``, ``max_epochs``, ``patience`` — the values of Dhansoia's
#: Table 8, written here as the model's defaults (a model does not import the book's transcription of the table;
#: ``tests/test_nets.py`` checks that the two agree).
PRETRAIN: dict[str, Any] = {"lr": 1e-3, "batch_size": 32, "max_epochs": 50, "patience": 10}
#: Fine-tuning hyper-parameters (Table 8, as :data:`PRETRAIN`).
FINETUNE: dict[str, Any] = {"lr": 1e-4, "batch_size": 16, "max_epochs": 30, "patience": 10}

ParamGroups = list[dict[str, Any]] | None


def _set_trainable(target: nn.Module | Iterable[nn.Parameter], flag: bool) -> None:
    for p in target.parameters() if isinstance(target, nn.Module) else target:
        p.requires_grad_(flag)


def freeze(target: nn.Module | Iterable[nn.Parameter]) -> None:
    """Stop gradients to every parameter of a module (or of an iterable of parameters)."""
    _set_trainable(target, False)


def unfreeze(target: nn.Module | Iterable[nn.Parameter]) -> None:
    """Let gradients flow to every parameter of a module (or of an iterable of parameters) again."""
    _set_trainable(target, True)


def lstm_layer_parameters(lstm: nn.LSTM, layer: int) -> list[nn.Parameter]:
    """The parameters of one layer (0-based) of a stacked ``nn.LSTM``: ``weight_ih_l{k}``, ``weight_hh_l{k}``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (and their ``_reverse`` twins when bidirectional)."""
    if not 0 <= layer < lstm.num_layers:
        raise ConfigError(f"LSTM layer must be in [0, {lstm.num_layers - 1}], got {layer}")
    pattern = re.compile(rf"_l{layer}(_reverse)?$")
    return [p for name, p in lstm.named_parameters() if pattern.search(name)]


def unfreezing_schedule(model: TransferLSTM) -> list[tuple[str, list[nn.Parameter]]]:
    """Blocks below the head in the order gradual unfreezing thaws them: attention (with the bottleneck that
    feeds it), then the LSTM layers from the top (``lstm_layer_3``, ``lstm_layer_2``, ``lstm_layer_1``)."""
    stages = [("attention", [*model.bottleneck.parameters(), *model.attention.parameters()])]
    for layer in reversed(range(model.encoder.num_layers)):
        stages.append((f"lstm_layer_{layer + 1}", lstm_layer_parameters(model.encoder, layer)))
    return stages


@dataclass
class GradualUnfreezing:
    """Epoch callback for :func:`volrep.train.fit`: after every ``every``-th epoch, unfreeze the next stage of
    :func:`unfreezing_schedule`. ``log`` records ``(epoch, stage)`` as stages thaw."""

    every: int = 2
    log: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.every < 1:
            raise ConfigError(f"unfreeze_every must be at least 1 epoch, got {self.every}")

    def __call__(self, epoch: int, model: nn.Module) -> None:
        stages = unfreezing_schedule(model)
        stage = epoch // self.every
        if epoch % self.every == 0 and stage <= len(stages):
            name, params = stages[stage - 1]
            unfreeze(params)
            self.log.append((epoch, name))


Setup = Callable[[TransferLSTM, float, int], tuple[ParamGroups, EpochCallback | None]]


@dataclass(frozen=True)
class Strategy:
    """A fine-tuning strategy: its default base learning rate and how it prepares a model copy.

    ``setup(model, lr, unfreeze_every)`` sets ``requires_grad`` on ``model`` and returns the optimizer's
    parameter groups (``None``: all parameters at ``lr``) and an epoch callback (or ``None``).
    """

    name: str
    lr: float
    setup: Setup


def _frozen_encoder(model: TransferLSTM, lr: float, unfreeze_every: int) -> tuple[ParamGroups, None]:
    freeze(model)
    unfreeze(model.head)
    return None, None


def _all_parameters(model: TransferLSTM, lr: float, unfreeze_every: int) -> tuple[ParamGroups, None]:
    unfreeze(model)
    return None, None


def _differential_lr(model: TransferLSTM, lr: float, unfreeze_every: int) -> tuple[ParamGroups, None]:
    unfreeze(model)
    return [
        {"params": list(model.encoder.parameters()), "lr": lr / 10},
        {"params": [*model.bottleneck.parameters(), *model.attention.parameters()], "lr": lr / 3},
        {"params": list(model.head.parameters()), "lr": lr},
    ], None


def _gradual_unfreezing(model: TransferLSTM, lr: float, unfreeze_every: int) -> tuple[ParamGroups, GradualUnfreezing]:
    freeze(model)
    unfreeze(model.head)
    return None, GradualUnfreezing(unfreeze_every)


#: The fine-tuning strategies by name (module docstring).
STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy("frozen_encoder", FINETUNE["lr"], _frozen_encoder),
        Strategy("full_finetune", FINETUNE["lr"], _all_parameters),
        Strategy("differential_lr", FINETUNE["lr"], _differential_lr),
        Strategy("gradual_unfreezing", FINETUNE["lr"], _gradual_unfreezing),
        Strategy("aggressive_finetune", PRETRAIN["lr"], _all_parameters),
    )
}


def fine_tune(
    pretrained_model: TransferLSTM,
    train: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    strategy: str,
    *,
    seed: int,
    max_epochs: int | None = None,
    progress: bool = False,
    unfreeze_every: int = 2,
    **overrides: Any,
) -> tuple[TransferLSTM, History]:
    """Fine-tune a copy of ``pretrained_model`` on the target asset with one of :data:`STRATEGIES`.

    Parameters
    ----------
    pretrained_model
        The pre-trained network; it is deep-copied and left untouched.
    train, val
        ``(x, y)`` windows and targets of the target asset (see :func:`volrep.train.fit`).
    strategy
        A key of :data:`STRATEGIES`.
    seed
        Seed of the fine-tuning run.
    max_epochs
        Override of Table 8's 30 fine-tuning epochs (e.g. for the quick profile).
    progress
        Show a tqdm bar over epochs.
    unfreeze_every
        Epochs between two unfreezing steps (``gradual_unfreezing`` only).
    **overrides
        Other arguments of :func:`volrep.train.fit` (``lr``, ``batch_size``, ``patience``, ``device`` …); they
        replace :data:`FINETUNE` and the strategy's learning rate.

    Returns
    -------
    (TransferLSTM, History)
        The fine-tuned copy at its best validation epoch, and its training history.
    """
    if strategy not in STRATEGIES:
        raise ConfigError(f"unknown fine-tuning strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    fixed = {"param_groups", "epoch_callback"} & set(overrides)
    if fixed:
        raise ConfigError(f"{', '.join(sorted(fixed))} is set by the strategy {strategy!r}; use fit() to set it")
    spec = STRATEGIES[strategy]
    settings = {**FINETUNE, "lr": spec.lr, **({} if max_epochs is None else {"max_epochs": max_epochs}), **overrides}
    model = copy.deepcopy(pretrained_model)
    param_groups, callback = spec.setup(model, settings["lr"], unfreeze_every)
    history = fit(model, train, val, seed=seed, param_groups=param_groups, epoch_callback=callback,
                  progress=progress, **settings)
    return model, history
