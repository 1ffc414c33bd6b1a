"""The Dhansoia (2025) authors' code rebuilt: architecture, checkpoints, data pipeline and scoring."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from volrep.models import dhansoia_code as dc

needs_mirror = pytest.mark.skipif(not os.environ.get("VOLREP_DATA_DIR"),
                                  reason="needs the data mirror (VOLREP_DATA_DIR)")


def test_architecture_shapes_and_parameter_count():
    torch.manual_seed(0)
    model = dc.CodeTransferModel().eval()
    assert sum(p.numel() for p in model.parameters()) == dc.N_PARAMETERS == 106_785
    with torch.no_grad():
        assert model(torch.randn(7, 20, 1)).shape == (7,)
        assert model.encoder(torch.randn(7, 20, 1)).shape == (7, 32)
    head = model.freeze_encoder()
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == sum(p.numel() for p in head) == 4_225
    assert not any(p.requires_grad for p in model.encoder.parameters())


def test_residual_architecture_shapes():
    model = dc.CodeResidualNet().eval()
    assert sum(p.numel() for p in model.parameters()) == 54_689
    with torch.no_grad():
        assert model(torch.randn(5, 22, 1), torch.randn(5, 3)).shape == (5, 1)


def test_state_dict_round_trip():
    torch.manual_seed(1)
    a, b = dc.CodeTransferModel().eval(), dc.CodeTransferModel().eval()
    b.load_state_dict(a.state_dict(), strict=True)
    x = torch.randn(4, 20, 1)
    with torch.no_grad():
        torch.testing.assert_close(a(x), b(x), rtol=0, atol=0)


def test_har_features_match_loop():
    rng = np.random.default_rng(0)
    series = rng.normal(size=40)
    x, y = dc.har_features(series)
    i = 30
    np.testing.assert_allclose(x[i - 22], [series[i - 1], series[i - 5:i].mean(), series[i - 22:i].mean()])
    assert y[i - 22] == series[i] and len(y) == 18


@needs_mirror
@pytest.mark.parametrize("name", ["finetuned_btc.pth", "pretrained_spx.pth",
                                  "residual_pretrained_spx.pth", "residual_transfer_btc.pth"])
def test_authors_checkpoints_load_strictly(name):
    model = dc.load_authors_model(name)
    assert not model.training


@needs_mirror
def test_code_windows_follow_the_code():
    w = dc.code_windows("btc")
    train = dc.load_splits("btc")["train"].to_numpy(np.float32)
    assert w["test"].x.shape == (927 - 20, 20, 1) and w["train"].x.dtype == np.float32
    np.testing.assert_allclose(w["train"].x[:, :, 0].mean(), 0.0, atol=0.02)
    np.testing.assert_allclose(w["train"].y[0], (train[20] - train.mean()) / (train.std() + 1e-8), rtol=1e-6)


@needs_mirror
def test_scoring_reproduces_committed_results():
    """The code's scoring of ``finetuned_btc.pth``, HAR and the 5-day average gives ``experiment_results.json``.

    Tolerance 1e-5 (relative): the network runs in float32 on another CPU. The date-aligned scoring differs
    (the code compares the network with targets two days later, the moving average with targets 17 days later).
    """
    code = dc.score_authors_models("code")
    for model in ("transfer", "har", "moving_avg"):
        for metric in ("rmse", "mae", "r2", "correlation"):
            np.testing.assert_allclose(code.loc[model, metric], code.loc[model, f"committed_{metric}"], rtol=1e-5)
        assert code.loc[model, "n"] == code.loc[model, "committed_n"] == 905
    aligned = dc.score_authors_models("aligned")
    assert aligned.loc["transfer", "rmse"] < 0.7 * code.loc["transfer", "rmse"]
    assert aligned.loc["moving_avg", "rmse"] < 0.4 * code.loc["moving_avg", "rmse"]
    assert aligned.loc["har", "rmse"] == code.loc["har", "rmse"]


@needs_mirror
def test_train_code_recipe_small_budget():
    torch.manual_seed(1)
    run = dc.train_code_recipe(pretrain_epochs=1, finetune_epochs=1, seed=0)
    torch.manual_seed(2)  # the initial weights come from the seed, not from the caller's generator
    state = torch.get_rng_state()
    again = dc.train_code_recipe(pretrain_epochs=1, finetune_epochs=1, seed=0)
    assert torch.equal(torch.get_rng_state(), state)
    assert run.pretrain.train_loss == again.pretrain.train_loss and run.finetune.val_loss == again.finetune.val_loss
    assert len(run.pretrain.train_loss) == len(run.finetune.train_loss) == 1
    assert not any(p.requires_grad for p in run.model.encoder.parameters())
    forecasts = dc.transfer_forecasts(run.model)
    assert len(forecasts) == 907 and np.isfinite(forecasts).all()


@needs_mirror
def test_residual_model_corrections_are_small_and_har_matches_log_units():
    """``residual_transfer_btc.pth`` barely moves HAR; its HAR in z-units is the log-unit HAR over the train std.

    The committed ``transfer_residual_results.json`` (HAR RMSE 0.2696) is not checked: it was computed on the
    hourly split files of an earlier commit, not on the registered daily ones.
    """
    frame = dc.residual_forecasts("residual_transfer_btc.pth")
    assert len(frame) == 905
    assert (frame["har_plus_nn"] - frame["har"]).abs().max() < 0.05
    har_z = np.sqrt(np.mean((frame["har"] - frame["actual"]) ** 2))
    har_log = dc.score_authors_models("aligned").loc["har", "rmse"]
    std = dc.load_splits("btc")["train"].to_numpy().std()
    np.testing.assert_allclose(har_z * std, har_log, rtol=0.02)
