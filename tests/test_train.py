"""The training loop: best-weight restore, determinism, LR schedule, input checks, predict."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

from volrep.config import seed_everything
from volrep.errors import ConfigError, DataError
from volrep.models.nets import LSTMRegressor
from volrep.train import History, fit, predict


def _windows(n, seed, lookback=5):
    return np.random.default_rng(seed).standard_normal((n, lookback, 1)).astype(np.float32)


def _data():
    """Train on y = last value; validate on y = 0.4·last value, so the validation loss falls, then rises."""
    x, xv = _windows(96, 0), _windows(48, 1)
    return (x, x[:, -1, 0]), (xv, 0.4 * xv[:, -1, 0])


def _model(seed=0):
    seed_everything(seed)
    return LSTMRegressor(1, hidden=8)


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _fit(model, train, val, **kw):
    args = dict(lr=1e-2, batch_size=16, max_epochs=40, patience=3, seed=0, device="cpu")
    return fit(model, train, val, **{**args, **kw})


def test_early_stopping_restores_the_best_epoch_weights():
    train, val = _data()
    model, snapshots, seen = _model(), {}, []

    def snapshot(epoch, m):
        seen.append(epoch)
        snapshots[epoch] = _state(m)

    hist = _fit(model, train, val, epoch_callback=snapshot)
    assert hist.stopped_early and 1 < hist.best_epoch < hist.epochs_run
    assert hist.epochs_run == hist.best_epoch + 3 and seen == list(range(1, hist.epochs_run + 1))
    assert hist.best_val_loss == min(hist.val_loss) and hist.val_loss[-1] > hist.best_val_loss
    final = model.state_dict()
    assert all(torch.equal(final[k], v) for k, v in snapshots[hist.best_epoch].items())
    assert not all(torch.equal(final[k], v) for k, v in snapshots[hist.epochs_run].items())
    assert not model.training
    frame = hist.to_frame()
    assert list(frame.index) == list(range(1, hist.epochs_run + 1)) and frame["val_loss"].idxmin() == hist.best_epoch


def test_same_seed_same_run_and_different_seed_different_run():
    train, val = _data()
    runs = []
    for seed in (3, 3, 4):
        model = _model(seed)
        runs.append((_fit(model, train, val, seed=seed, max_epochs=4), _state(model)))
    (h1, s1), (h2, s2), (h3, s3) = runs
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss and h1.best_epoch == h2.best_epoch
    assert all(torch.equal(s1[k], s2[k]) for k in s1)
    assert h1.train_loss != h3.train_loss and not torch.equal(s1["head.weight"], s3["head.weight"])
    assert not torch.are_deterministic_algorithms_enabled()  # the global setting is restored after a fit


def test_shuffling_depends_on_the_fit_seed_alone():
    train, val = _data()
    h = [_fit(_model(0), train, val, seed=s, max_epochs=2).train_loss for s in (1, 2)]
    assert h[0][0] != h[1][0]  # same initial weights, different batch order


def test_fit_leaves_the_global_generator_alone_and_ignores_its_state():
    """Dropout draws from PyTorch's generator inside the fit's own seeded block: the same seed gives the same run
    whatever the caller's generator state, and the caller's state is not moved (no global reseeding)."""
    train, val = _data()
    runs = []
    for outside in (1, 2):
        model = _model(0)
        model.head = torch.nn.Sequential(torch.nn.Dropout(0.5), model.head)  # a run that needs random masks
        torch.manual_seed(outside)
        before = torch.get_rng_state().clone()
        runs.append(_fit(model, train, val, seed=7, max_epochs=3).train_loss)
        assert torch.equal(torch.get_rng_state(), before)
    assert runs[0] == runs[1]


def test_scheduler_halves_the_rate_on_a_plateau():
    train, val = _data()
    hist = _fit(_model(), train, val, lr=1e-7, max_epochs=6, patience=10, scheduler_patience=1)
    # plateau from epoch 2: after two bad epochs (3) the rate halves, and again after 5
    assert hist.lr == pytest.approx([1e-7, 1e-7, 1e-7, 5e-8, 5e-8, 2.5e-8])
    assert not hist.stopped_early and hist.epochs_run == 6


def test_param_groups_set_their_own_rates():
    train, val = _data()
    model = _model()
    groups = [{"params": list(model.encoder.parameters()), "lr": 1e-3}, {"params": list(model.head.parameters())}]
    hist = _fit(model, train, val, lr=4e-3, max_epochs=1, param_groups=groups)
    assert hist.lr == [4e-3]  # the largest group rate; the head group took the default


def test_predict_matches_a_manual_forward_pass():
    model = _model()
    x = _windows(10, 5)
    model.train()
    out = predict(model, x, batch_size=3)
    assert model.training and out.shape == (10,) and out.dtype == np.float64
    model.eval()
    with torch.no_grad():
        manual = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(out, manual, rtol=1e-6, atol=1e-7)


def test_predict_on_no_rows_is_empty():
    out = predict(_model(), np.empty((0, 5, 1), dtype=np.float32))
    assert out.shape == (0,) and out.dtype == np.float64


def test_fit_rejects_bad_input():
    (x, y), val = _data()
    bad = y.copy()
    bad[7] = np.nan
    with pytest.raises(DataError, match="row 7"):
        _fit(_model(), (x, bad), val)
    with pytest.raises(DataError, match="shape"):
        _fit(_model(), (x, y[:-1]), val)
    with pytest.raises(DataError, match="validation data"):
        _fit(_model(), (x, y), (val[0][:, :, 0], val[1]))
    with pytest.raises(ConfigError, match="loss"):
        _fit(_model(), (x, y), val, loss="qlike")
    with pytest.raises(ConfigError, match="lr"):
        _fit(_model(), (x, y), val, lr=0.0)


def test_non_finite_loss_is_an_error():
    (x, y), val = _data()
    with pytest.raises(FloatingPointError, match="epoch 1"):
        _fit(_model(), (x, np.full_like(y, 1e20)), val)


def test_history_plot_draws_both_curves():
    hist = History(train_loss=[1.0, 0.5, 0.4], val_loss=[1.1, 0.6, 0.7], lr=[1e-3] * 3, best_epoch=2)
    ax = hist.plot(title="pre-training")
    assert [line.get_label() for line in ax.get_lines()] == ["training", "validation", "best epoch (2)"]
    assert hist.epochs_run == 3 and hist.best_val_loss == 0.6


def test_without_validation_it_runs_every_epoch_at_a_fixed_rate_and_keeps_the_last_weights():
    train, _ = _data()
    model, snapshots = _model(), {}

    def snapshot(epoch, m):
        snapshots[epoch] = _state(m)

    hist = _fit(model, train, None, max_epochs=12, patience=1, scheduler_patience=1, epoch_callback=snapshot)
    assert hist.epochs_run == 12 and hist.best_epoch == 12 and not hist.stopped_early
    assert np.isnan(hist.val_loss).all() and set(hist.lr) == {1e-2}
    assert hist.train_loss[-1] < hist.train_loss[0]
    final = model.state_dict()
    assert all(torch.equal(final[k], v) for k, v in snapshots[12].items())
    assert not all(torch.equal(final[k], v) for k, v in snapshots[11].items())
