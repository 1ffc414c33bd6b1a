"""Networks (shapes, parameter counts, Table 7 arithmetic) and fine-tuning strategies (freezing, unfreezing)."""

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from volrep.config import seed_everything
from volrep.errors import ConfigError
from volrep.models import nets, transfer
from volrep.papers import DHANSOIA_TABLE7, DHANSOIA_TABLE8


@pytest.fixture(scope="module")
def pretrained():
    seed_everything(0)
    return nets.TransferLSTM()


def _target_data(n=48, lookback=20, seed=0):
    """A short AR(1) path cut into windows: (x, y) with y the next value."""
    rng = np.random.default_rng(seed)
    s = np.zeros(n + lookback)
    for t in range(1, s.size):
        s[t] = 0.8 * s[t - 1] + 0.5 * rng.standard_normal()
    x = np.lib.stride_tricks.sliding_window_view(s[:-1], lookback)[:, :, None]
    return x[: n // 2], s[lookback:][: n // 2], x[n // 2:], s[lookback:][n // 2:]


def _trainable(model):
    return {name for name, p in model.named_parameters() if p.requires_grad}


def test_forward_shapes():
    seed_everything(1)
    x = torch.randn(7, 20, 1)
    assert nets.TransferLSTM()(x).shape == (7,)
    assert nets.TransferLSTM(input_size=3, hidden=16, layers=2)(torch.randn(2, 9, 3)).shape == (2,)
    assert nets.LSTMRegressor(4)(torch.randn(5, 12, 4)).shape == (5,)
    assert nets.LSTMRegressor(4, layers=2, dropout=0.2, head_hidden=8)(torch.randn(1, 12, 4)).shape == (1,)


def test_attention_weights_are_a_distribution_over_steps(pretrained):
    pretrained.eval()
    w = pretrained.attention_weights(torch.randn(6, 20, 1))
    assert w.shape == (6, 20) and (w >= 0).all()
    torch.testing.assert_close(w.sum(dim=1), torch.ones(6))


def test_parameter_counts_of_our_architecture(pretrained):
    counts = nets.parameter_counts(pretrained)
    assert counts.to_dict() == {"encoder": 83_712, "bottleneck": 2_080, "attention": 4_224, "head": 2_113,
                                "total": 92_129}
    assert counts["total"] == sum(p.numel() for p in pretrained.parameters())
    # Table 7 agrees on the attention and the predictor, not on the encoder
    assert counts["attention"] == DHANSOIA_TABLE7["attention"] and counts["head"] == DHANSOIA_TABLE7["head"]
    assert counts["encoder"] != DHANSOIA_TABLE7["encoder"]
    reg = nets.parameter_counts(nets.LSTMRegressor(1, hidden=64, layers=1))
    assert reg.to_dict() == {"encoder": 17_152, "head": 65, "total": 17_217}


@pytest.mark.parametrize("inputs,hidden,layers", [(1, 64, 3), (1, 64, 1), (5, 32, 2), (16, 64, 2)])
def test_lstm_parameter_formula_matches_torch(inputs, hidden, layers):
    torch_count = sum(p.numel() for p in nn.LSTM(inputs, hidden, layers).parameters())
    assert nets.lstm_parameter_count(inputs, hidden, layers) == torch_count
    # Keras keeps one bias vector per gate block instead of two
    assert nets.lstm_parameter_count(inputs, hidden, layers, 1) == torch_count - 4 * hidden * layers


def test_table7_encoder_count_has_no_three_layer_64_unit_solution():
    assert nets.lstm_parameter_count(1, 64, 3) == 83_712 and nets.lstm_parameter_count(1, 64, 3, 1) == 82_944
    found = nets.lstm_configurations(DHANSOIA_TABLE7["encoder"])
    assert (found["parameters"] == 53_760).all() and len(found) == 10
    assert not ((found["layers"] == 3) & (found["hidden"] == 64)).any() and (found["input_size"] > 1).all()
    rows = set(found[["convention", "layers", "hidden", "input_size"]].itertuples(index=False, name=None))
    assert {("keras", 2, 64, 16), ("torch", 2, 64, 14), ("keras", 1, 64, 145)} <= rows


def test_frozen_encoder_trains_the_head_only(pretrained):
    x, y, xv, yv = _target_data()
    before = {k: v.clone() for k, v in pretrained.state_dict().items()}
    model, hist = transfer.fine_tune(pretrained, (x, y), (xv, yv), "frozen_encoder", seed=0, max_epochs=2,
                                     patience=5, device="cpu")
    head = {n for n, _ in model.named_parameters() if n.startswith("head")}
    assert hist.epochs_run == 2 and _trainable(model) == head
    after = model.state_dict()
    for name, p in model.named_parameters():
        if name.startswith("head"):
            assert not torch.equal(after[name], before[name]), name
        else:
            assert torch.equal(after[name], before[name]) and p.grad is None, name
    # the pre-trained model itself is untouched and still fully trainable
    assert all(torch.equal(v, before[k]) for k, v in pretrained.state_dict().items())
    assert all(p.requires_grad for p in pretrained.parameters())
    assert nets.parameter_counts(model, trainable_only=True)["total"] == 2_113


def test_full_finetune_moves_the_encoder(pretrained):
    x, y, xv, yv = _target_data()
    model, _ = transfer.fine_tune(pretrained, (x, y), (xv, yv), "full_finetune", seed=0, max_epochs=1, device="cpu")
    assert not torch.equal(model.encoder.weight_hh_l0, pretrained.encoder.weight_hh_l0)
    assert nets.parameter_counts(model, trainable_only=True)["total"] == 92_129


def test_gradual_unfreezing_thaws_from_the_top(pretrained):
    model = nets.TransferLSTM()
    groups, callback = transfer.STRATEGIES["gradual_unfreezing"].setup(model, 1e-4, 2)
    head = {n for n, _ in model.named_parameters() if n.startswith("head")}
    assert groups is None and _trainable(model) == head
    thawed = []
    for epoch in range(1, 12):
        callback(epoch, model)
        thawed.append(_trainable(model))
    assert callback.log == [(2, "attention"), (4, "lstm_layer_3"), (6, "lstm_layer_2"), (8, "lstm_layer_1")]
    assert thawed[0] == head and any(n.startswith("attention") for n in thawed[1])
    assert "bottleneck.0.weight" in thawed[1] and "encoder.weight_ih_l2" not in thawed[1]
    assert {"encoder.weight_ih_l2", "encoder.bias_hh_l2"} <= thawed[3] and "encoder.weight_hh_l1" not in thawed[3]
    assert "encoder.weight_hh_l1" in thawed[5] and "encoder.weight_ih_l0" not in thawed[5]
    assert thawed[7] == thawed[-1] == {n for n, _ in model.named_parameters()}


def test_gradual_unfreezing_end_to_end(pretrained):
    x, y, xv, yv = _target_data()
    model, hist = transfer.fine_tune(pretrained, (x, y), (xv, yv), "gradual_unfreezing", seed=0, max_epochs=4,
                                     unfreeze_every=1, patience=10, device="cpu")
    assert hist.epochs_run == 4 and all(p.requires_grad for p in model.parameters())


def test_differential_rates_and_aggressive_rate(pretrained):
    model = nets.TransferLSTM()
    groups, callback = transfer.STRATEGIES["differential_lr"].setup(model, 1e-4, 2)
    assert callback is None and [g["lr"] for g in groups] == pytest.approx([1e-5, 1e-4 / 3, 1e-4])
    ids = [id(p) for g in groups for p in g["params"]]
    assert sorted(ids) == sorted(id(p) for p in model.parameters())
    assert transfer.STRATEGIES["aggressive_finetune"].lr == transfer.PRETRAIN["lr"] == 1e-3
    assert transfer.FINETUNE == {"lr": 1e-4, "batch_size": 16, "max_epochs": 30, "patience": 10}
    assert transfer.PRETRAIN == {"lr": 1e-3, "batch_size": 32, "max_epochs": 50, "patience": 10}
    for ours, phase in ((transfer.PRETRAIN, "pretrain"), (transfer.FINETUNE, "finetune")):
        assert ours == {k: DHANSOIA_TABLE8[phase][k] for k in ours}  # the model's defaults are Table 8's


def test_lstm_layer_parameters_and_errors(pretrained):
    names = {id(p): n for n, p in pretrained.encoder.named_parameters()}
    layer = transfer.lstm_layer_parameters(pretrained.encoder, 1)
    assert sorted(names[id(p)] for p in layer) == ["bias_hh_l1", "bias_ih_l1", "weight_hh_l1", "weight_ih_l1"]
    with pytest.raises(ConfigError):
        transfer.lstm_layer_parameters(pretrained.encoder, 3)
    x, y, xv, yv = _target_data()
    with pytest.raises(ConfigError, match="strategy"):
        transfer.fine_tune(pretrained, (x, y), (xv, yv), "linear_probe", seed=0)
    with pytest.raises(ConfigError, match="param_groups"):
        transfer.fine_tune(pretrained, (x, y), (xv, yv), "full_finetune", seed=0, param_groups=[])
