"""Huang et al.'s LSTM and CNN-LSTM: shapes, sigmoid range, parameter counts, seeding, both branches used."""

import pytest
import torch

from volrep.config import seed_everything
from volrep.models import nets


def _inputs(batch=6, size=16, steps=144, features=1, channels=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(batch, channels, size, size, generator=g), torch.randn(batch, steps, features, generator=g)


def test_lstm_shapes_and_sigmoid_range():
    seed_everything(0)
    model = nets.HuangLSTM().eval()
    out = model(3 * torch.randn(9, 144, 1))  # the day's 144 ten-minute RVs
    assert out.shape == (9,) and ((out > 0) & (out < 1)).all()
    har = nets.HuangLSTM(input_size=3, hidden=5).eval()  # Table 7: past 1-day RV, 7- and 30-day averages
    assert har(torch.randn(4, 1, 3)).shape == (4,)


@pytest.mark.parametrize("size", [1, 2, 7, 16, 30, 144])
def test_cnn_lstm_shapes_for_every_image_size(size):
    seed_everything(0)
    model = nets.HuangCNNLSTM(size).eval()
    image, seq = _inputs(size=size)
    out = model(image, seq)
    assert out.shape == (6,) and ((out > 0) & (out < 1)).all()
    torch.testing.assert_close(model(image[:, 0], seq), out)  # (batch, S, S) is read as one channel


def test_cnn_lstm_har_inputs_and_channels():
    seed_everything(0)
    model = nets.HuangCNNLSTM(30, input_size=3, hidden=15, channels=2).eval()
    image, seq = _inputs(batch=3, size=30, steps=1, features=3, channels=2)
    assert model(image, seq).shape == (3,)


def test_parameter_counts():
    lstm = nets.parameter_counts(nets.HuangLSTM(input_size=1, hidden=10))
    # LSTM 4·10·(1 + 10 + 2) = 520 (PyTorch's two bias vectors), output 10 + 1
    assert lstm.to_dict() == {"encoder": 520, "head": 11, "total": 531}
    assert lstm["encoder"] == nets.lstm_parameter_count(1, 10, 1)
    cnn_lstm = nets.parameter_counts(nets.HuangCNNLSTM(16, hidden=10))
    # conv 8·(1·3·3 + 1) = 80, dense 8·4·4·16 + 16 = 2,064; LSTM 520; output (16 + 10) + 1 = 27
    assert cnn_lstm.to_dict() == {"cnn": 2_144, "encoder": 520, "head": 27, "total": 2_691}
    # adaptive pooling: the same count for every image size from 4 up; smaller images pool to a smaller grid
    for size in (4, 6, 48, 144):
        assert nets.parameter_counts(nets.HuangCNNLSTM(size))["total"] == 2_691
    assert nets.parameter_counts(nets.HuangCNNLSTM(1))["cnn"] == 80 + 8 * 16 + 16


def test_same_seed_same_model_and_output_other_seed_differs():
    image, seq = _inputs()

    def build(seed):
        seed_everything(seed)
        return nets.HuangCNNLSTM(16).eval(), nets.HuangLSTM().eval()

    (a, la), (b, lb), (c, lc) = build(3), build(3), build(4)
    torch.testing.assert_close(a(image, seq), b(image, seq), rtol=0, atol=0)
    torch.testing.assert_close(la(seq), lb(seq), rtol=0, atol=0)
    assert not torch.equal(a(image, seq), c(image, seq)) and not torch.equal(la(seq), lc(seq))
    # dropout in training mode follows the global seed too
    a.train(), b.train()
    torch.manual_seed(7)
    first = a(image, seq)
    torch.manual_seed(7)
    torch.testing.assert_close(b(image, seq), first, rtol=0, atol=0)


def test_both_branches_receive_gradients_and_the_model_learns():
    # target = the image's mean: only the CNN branch sees it; a constant forecast leaves MSE = var(target)
    seed_everything(0)
    model = nets.HuangCNNLSTM(8, hidden=5)
    image, seq = _inputs(batch=64, size=8, steps=4)
    image = image * torch.linspace(0, 1, 64)[:, None, None, None]
    target = image.mean(dim=(1, 2, 3))
    torch.nn.functional.mse_loss(model(image, seq), target).backward()
    assert model.cnn[0].weight.grad.abs().sum() > 0 and model.encoder.weight_ih_l0.grad.abs().sum() > 0
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(100):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(image, seq), target)
        loss.backward()
        opt.step()
    assert loss.item() < 0.1 * target.var(unbiased=False).item()
