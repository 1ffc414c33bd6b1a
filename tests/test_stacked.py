"""Stacked training (volrep.stacked): each member must follow the trajectory it follows alone under train.fit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from volrep import config, train
from volrep.errors import ConfigError
from volrep.models.nets import HuangLSTM
from volrep.stacked import StackedHuangLSTM, fit_stacked

RTOL = 1e-5


def _member(seed: int, hidden: int, dropout: float = 0.2, output: str = "sigmoid") -> HuangLSTM:
    config.seed_everything(seed)
    return HuangLSTM(1, hidden=hidden, dropout=dropout, output=output)


def _data(k: int, n: int = 96, steps: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(k)
    x = rng.random((n, steps, 1)).astype(np.float32)
    return x, (0.3 * x[:, -4:, 0].mean(axis=1) + 0.1 * k).astype(np.float32)


def _relative_gap(a: torch.nn.Module, b: torch.nn.Module) -> float:
    return max(float((p - q).abs().max() / p.abs().max()) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


@pytest.mark.parametrize("output", ["sigmoid", "linear"])
def test_each_member_trains_as_it_would_alone(output):
    seeds, hidden = [3, 4, 5], [6, 3, 6]  # different sizes: the smaller member is padded
    data = [_data(k) for k in range(3)]
    stacked, histories = fit_stacked([_member(s, h, output=output) for s, h in zip(seeds, hidden)], data, seeds,
                                     lr=5e-3, batch_size=16, epochs=3)
    for m, (s, h) in enumerate(zip(seeds, hidden)):
        alone = _member(s, h, output=output)
        history = train.fit(alone, data[m], None, lr=5e-3, batch_size=16, max_epochs=3, patience=1, seed=s)
        assert _relative_gap(alone, stacked[m]) <= RTOL
        np.testing.assert_allclose(histories[m].train_loss, history.train_loss, rtol=RTOL)
        assert _relative_gap(alone, _member(s, h, output=output)) > 1e-3  # it did train
        x, _ = data[m]
        np.testing.assert_allclose(train.predict(stacked[m], x), train.predict(alone, x), rtol=RTOL, atol=1e-7)


def test_members_do_not_influence_each_other():
    data = [_data(0), _data(1)]
    pair, _ = fit_stacked([_member(1, 4), _member(2, 4)], data, [1, 2], lr=5e-3, batch_size=16, epochs=2)
    other = [data[0], (data[1][0], data[1][1] * 5)]  # change only the second member's targets
    changed, _ = fit_stacked([_member(1, 4), _member(2, 4)], other, [1, 2], lr=5e-3, batch_size=16, epochs=2)
    assert _relative_gap(pair[0], changed[0]) == 0.0
    assert _relative_gap(pair[1], changed[1]) > 1e-3


def test_stack_round_trips_weights_and_forward():
    members = [_member(7, 5), _member(8, 2)]
    stack = StackedHuangLSTM(members).eval()
    x = torch.from_numpy(_data(0)[0][:10])
    with torch.no_grad():
        out = stack(torch.stack([x, x]))
    for m, member in enumerate(members):
        member.eval()
        with torch.no_grad():
            torch.testing.assert_close(out[m], member(x), rtol=1e-5, atol=1e-6)
        assert _relative_gap(member, stack.unstack()[m]) == 0.0


def test_mismatched_members_are_refused():
    with pytest.raises(ConfigError, match="sharing input size"):
        StackedHuangLSTM([_member(1, 3), HuangLSTM(2, hidden=3)])
    with pytest.raises(ConfigError, match="same number of samples"):
        fit_stacked([_member(1, 3), _member(2, 3)], [_data(0, n=96), _data(1, n=80)], [1, 2], lr=1e-3,
                    batch_size=16, epochs=1)
    with pytest.raises(ConfigError, match="one each"):
        fit_stacked([_member(1, 3)], [_data(0)], [1, 2], lr=1e-3, batch_size=16, epochs=1)
