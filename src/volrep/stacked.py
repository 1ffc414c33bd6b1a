"""Stacked training: many independent Huang LSTMs trained at once as one batched network.

The `full` profile trains hundreds of small networks (Huang et al.'s 7 × 7 grid of batch sizes and LSTM units,
seeds, horizons). Each of them is too small to keep a processor busy. Stacking M members into one batched LSTM
runs them in the same kernels:

* every weight has a leading member axis, and each time step is one batched matrix product for all members
  (:class:`StackedHuangLSTM`); members with fewer hidden units are padded with masked units that stay at zero;
* each member keeps its own initial weights (copied from a :class:`~volrep.models.nets.HuangLSTM` built by the
  caller), its own mini-batch order (a :class:`torch.utils.data.RandomSampler` seeded with its seed, exactly as
  :func:`volrep.train.fit` draws it), its own dropout masks (drawn from a generator seeded with its seed, with the
  same op and shape as :func:`torch.nn.functional.dropout` on CPU, after the one draw per epoch that
  :func:`~volrep.train.fit`'s ``DataLoader`` takes from the global generator) and its own Adam moments (Adam is
  elementwise, and a masked entry has a zero gradient, so it never moves);
* the loss is the sum of the members' mean-squared errors, so each member's gradient is its own.

A member therefore follows the trajectory it would follow alone under :func:`volrep.train.fit` with ``val=None``
(Huang et al.'s fixed-epoch protocol, §4.4), up to floating-point summation order: ``tests/test_stacked.py`` checks
final weights and losses to a relative 1e-5, and ``benchmarks/bench_ensemble.py`` measures the speed-up.

What it buys depends on the processor. On a 2-core AMD EPYC (AVX2 kernels, one thread) 25 members of 10 units on
144 steps train 1.4 to 1.9 times faster stacked (``benchmarks/bench_ensemble.py``, two runs), and 100 members no
faster. A block-diagonal alternative (members as the diagonal blocks of one wide ``torch.lstm`` call, masked
weights) was timed too: 2.5 times faster for 5 members, 2.1 for 10, none for 25, since its products grow with the
square of the members. Neither comes near an order of magnitude: PyTorch's own LSTM runs a member's
144 steps in one C++ loop, while the stacked recurrence is a Python loop of batched element-wise operations whose
cost grows with the members. The chapters therefore still train their networks one by one on CPU; the stack is
meant for a GPU, where one batched kernel per step serves every member (not yet measured: no GPU was available).

Limits: one LSTM layer with a linear head and optional sigmoid (the paper's LSTM); members in one stack share the
number of training samples, the batch size, the learning rate and the epochs (group the grid by batch size);
no validation-based early stopping.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.utils.data import BatchSampler, RandomSampler

from volrep.config import device as default_device
from volrep.errors import ConfigError, DataError
from volrep.models.nets import HuangLSTM
from volrep.progress import steps as progress_steps
from volrep.train import History, deterministic

#: PyTorch's LSTM gate blocks, in the order of the rows of ``weight_ih`` / ``weight_hh`` (input, forget, cell, output).
GATES = 4
#: Where each of PyTorch's gates sits in the stacked columns: i, f, o first (one sigmoid for all three), g last.
SLOTS = (0, 1, 3, 2)


class StackedHuangLSTM(nn.Module):
    """M :class:`~volrep.models.nets.HuangLSTM` members as one batched LSTM (see the module notes).

    Every weight has a leading member axis and each time step is one batched matrix product (``torch.baddbmm``)
    for all members. Members with fewer hidden units than the largest are padded with units whose weights are
    masked to zero: their cell and hidden states stay exactly zero and they feed nothing forward.

    Parameters
    ----------
    members
        The members with their initial weights; they must share ``input_size``, dropout and output.

    Notes
    -----
    PyTorch's LSTM (gates ``i, f, g, o``): ``gates = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh``, ``c_t = σ(f) c_{t−1} +
    σ(i) tanh(g)``, ``h_t = σ(o) tanh(c_t)``; the head is ``w · Dropout(h_T) + b`` and the paper's sigmoid.
    Forward: ``x`` of shape ``(M, batch, steps, input_size)``, optional dropout ``noise`` ``(M, batch, H_max)``;
    returns ``(M, batch)``.
    """

    def __init__(self, members: Sequence[HuangLSTM]) -> None:
        super().__init__()
        if not members:
            raise ConfigError("a stack needs at least one member")
        shared = {(m.encoder.input_size, m.dropout.p, m.output, m.encoder.num_layers) for m in members}
        first = members[0]
        if len(shared) != 1 or first.encoder.num_layers != 1:
            raise ConfigError("stacked members must be one-layer HuangLSTMs sharing input size, dropout and output; "
                              f"got {sorted(shared)}")
        self.hidden = tuple(m.encoder.hidden_size for m in members)
        self.input_size, self.dropout_p, self.output = first.encoder.input_size, float(first.dropout.p), first.output
        n, h_max, i_size = len(members), max(self.hidden), self.input_size
        w_ih, w_hh = torch.zeros(n, i_size, GATES * h_max), torch.zeros(n, h_max, GATES * h_max)
        b_ih, b_hh = torch.zeros(n, 1, GATES * h_max), torch.zeros(n, 1, GATES * h_max)
        head_w, head_b = torch.zeros(n, h_max), torch.zeros(n)
        mask_gate = torch.zeros(n, 1, GATES * h_max)
        mask_h = torch.zeros(n, h_max)
        for m, member in enumerate(members):
            enc, h = member.encoder, self.hidden[m]
            for g, slot in enumerate(SLOTS):
                cols, src = slice(slot * h_max, slot * h_max + h), slice(g * h, (g + 1) * h)
                w_ih[m, :, cols] = enc.weight_ih_l0.detach()[src].T
                w_hh[m, :h, cols] = enc.weight_hh_l0.detach()[src].T
                b_ih[m, 0, cols], b_hh[m, 0, cols] = enc.bias_ih_l0.detach()[src], enc.bias_hh_l0.detach()[src]
                mask_gate[m, 0, cols] = 1.0
            head_w[m, :h], head_b[m] = member.head.weight.detach()[0], member.head.bias.detach()[0]
            mask_h[m, :h] = 1.0
        self.weight_ih, self.weight_hh = nn.Parameter(w_ih), nn.Parameter(w_hh)
        self.bias_ih, self.bias_hh = nn.Parameter(b_ih), nn.Parameter(b_hh)
        self.head_weight, self.head_bias = nn.Parameter(head_w), nn.Parameter(head_b)
        self.register_buffer("mask_gate", mask_gate)
        self.register_buffer("mask_hh", mask_h[:, :, None] * mask_gate)
        self.register_buffer("mask_h", mask_h)

    def forward(self, x: torch.Tensor, noise: torch.Tensor | None = None) -> torch.Tensor:
        n, batch, steps, _ = x.shape
        h_max = self.weight_hh.shape[1]
        w_hh = self.weight_hh * self.mask_hh
        bias = (self.bias_ih + self.bias_hh) * self.mask_gate
        projected = torch.matmul(x.permute(2, 0, 1, 3), self.weight_ih * self.mask_gate) + bias  # (T, M, B, 4H)
        h = x.new_zeros(n, batch, h_max)
        c = x.new_zeros(n, batch, h_max)
        for projected_t in projected.unbind(dim=0):  # one backward for all steps, not one each
            squashed, cell = torch.baddbmm(projected_t, h, w_hh).split([3 * h_max, h_max], dim=2)
            i, f, o = torch.sigmoid(squashed).unflatten(2, (3, h_max)).unbind(dim=2)  # three gates, one sigmoid
            c = torch.addcmul(f * c, i, torch.tanh(cell))
            h = o * torch.tanh(c)
        if noise is not None:
            h = h * noise
        out = (h * (self.head_weight * self.mask_h)[:, None]).sum(dim=2) + self.head_bias[:, None]
        return torch.sigmoid(out) if self.output == "sigmoid" else out

    def unstack(self) -> list[HuangLSTM]:
        """The members as separate :class:`HuangLSTM` modules with their current weights (evaluation mode)."""
        h_max, out = self.weight_hh.shape[1], []
        for m, h in enumerate(self.hidden):
            member = HuangLSTM(self.input_size, hidden=h, dropout=self.dropout_p, output=self.output)
            enc = member.encoder
            cols = torch.cat([torch.arange(slot * h_max, slot * h_max + h) for slot in SLOTS])
            with torch.no_grad():
                enc.weight_ih_l0.copy_(self.weight_ih[m][:, cols].T)
                enc.weight_hh_l0.copy_(self.weight_hh[m][:h, cols].T)
                enc.bias_ih_l0.copy_(self.bias_ih[m, 0, cols])
                enc.bias_hh_l0.copy_(self.bias_hh[m, 0, cols])
                member.head.weight.copy_(self.head_weight[m, :h][None])
                member.head.bias.copy_(self.head_bias[m:m + 1])
            out.append(member.eval())
        return out


def _member_arrays(data: Sequence[tuple[np.ndarray, np.ndarray]], input_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``(M, n, steps, input_size)`` and targets ``(M, n)`` as float32 tensors, checked."""
    xs, ys = [], []
    for m, (x, y) in enumerate(data):
        x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
        if x.ndim != 3 or x.shape[2] != input_size or y.shape != (x.shape[0],):
            raise DataError(f"member {m}", f"inputs (n, steps, {input_size}) and targets (n,)",
                            detail=f"got {x.shape} and {y.shape}")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise DataError(f"member {m}", "finite inputs and targets")
        xs.append(x)
        ys.append(y)
    shapes = {x.shape for x in xs}
    if len(shapes) != 1:
        raise ConfigError(f"stacked members need the same number of samples and steps; got {sorted(shapes)}")
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def fit_stacked(
    members: Sequence[HuangLSTM],
    data: Sequence[tuple[np.ndarray, np.ndarray]],
    seeds: Sequence[int],
    *,
    lr: float,
    batch_size: int,
    epochs: int,
    progress: bool = False,
    device: str | None = None,
) -> tuple[list[HuangLSTM], list[History]]:
    """Train every member for ``epochs`` epochs at once, as :func:`volrep.train.fit` would alone with ``val=None``.

    Parameters
    ----------
    members
        Initial networks (build each inside :func:`volrep.config.local_seed` with its seed, as for
        :func:`~volrep.train.fit`); not modified.
    data
        ``(x, y)`` per member: windows ``(n, steps, input_size)`` and targets ``(n,)``, the same ``n`` for all.
    seeds
        Per member: seeds its batch order and its dropout masks.
    lr, batch_size, epochs
        Adam learning rate, mini-batch size, epochs (shared by the stack).
    progress
        Show a tqdm bar over epochs.
    device
        ``"cpu"``, ``"cuda"``…; default :func:`volrep.config.device`. Batch orders and dropout masks are drawn on
        the CPU either way, so a GPU run differs from a CPU run only by the kernels' rounding.

    Returns
    -------
    members, histories
        The trained members (evaluation mode) and one :class:`~volrep.train.History` each (training loss per
        epoch; ``seconds`` is the stack's wall time shared among the members).
    """
    if not (len(members) == len(data) == len(seeds)):
        raise ConfigError(f"{len(members)} members, {len(data)} data sets and {len(seeds)} seeds: one each")
    if lr <= 0 or batch_size < 1 or epochs < 1:
        raise ConfigError(f"lr, batch_size and epochs must be positive; got {lr}, {batch_size}, {epochs}")
    dev = torch.device(device or default_device())
    stack = StackedHuangLSTM(members).to(dev)
    x_all, y_all = (t.to(dev) for t in _member_arrays(data, stack.input_size))
    n_members, n = y_all.shape
    samplers = [BatchSampler(RandomSampler(range(n), generator=torch.Generator().manual_seed(int(s))), batch_size, False)
                for s in seeds]
    dropout_rngs = [torch.Generator().manual_seed(int(s)) for s in seeds]
    optimizer = torch.optim.Adam(stack.parameters(), lr=lr)
    histories = [History() for _ in range(n_members)]
    member_index = torch.arange(n_members, device=dev)[:, None]
    p = stack.dropout_p
    start = time.perf_counter()
    stack.train()
    with deterministic(dev), progress_steps(range(1, epochs + 1), desc="stacked epochs", unit="epoch",
                                            show=progress) as bar:
        for epoch in bar:
            totals = torch.zeros(n_members, dtype=torch.float64)
            for g in dropout_rngs:  # train.fit's DataLoader draws its base seed from the global generator every epoch
                torch.empty((), dtype=torch.int64).random_(generator=g)
            # every sampler is run to its end, as a DataLoader does: RandomSampler draws once more when exhausted
            for batches in zip(*[list(s) for s in samplers]):
                idx = torch.as_tensor(batches, device=dev)  # (M, B)
                xb, yb = x_all[member_index, idx], y_all[member_index, idx]  # (M, B, steps, input), (M, B)
                noise = None
                if p > 0:
                    noise = xb.new_zeros(n_members, idx.shape[1], max(stack.hidden))
                    for m, (h, g) in enumerate(zip(stack.hidden, dropout_rngs)):
                        noise[m, :, :h] = torch.empty(idx.shape[1], h).bernoulli_(1 - p, generator=g).div_(1 - p).to(dev)
                optimizer.zero_grad()
                per_member = ((stack(xb, noise) - yb) ** 2).mean(dim=1)
                per_member.sum().backward()
                optimizer.step()
                totals += per_member.detach().double().cpu() * idx.shape[1]
            losses = (totals / n).tolist()
            if not np.isfinite(losses).all():
                raise FloatingPointError(f"a member's loss became non-finite at epoch {epoch}; lower the learning rate")
            for history, loss in zip(histories, losses):
                history.lr.append(lr)
                history.train_loss.append(loss)
                history.val_loss.append(float("nan"))
                history.best_epoch = epoch
            bar.set_postfix(mean_train=f"{np.mean(losses):.4g}")
    seconds = time.perf_counter() - start
    for history in histories:
        history.seconds = seconds
    return stack.cpu().unstack(), histories
