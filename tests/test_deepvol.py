"""DeepVol components: network, masked loss (padding changes nothing), portfolio generator, batches, forecasts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch

from volrep import evaluate
from volrep.config import device, local_seed, seed_everything
from volrep.errors import ConfigError, DataError
from volrep.models import deepvol as dv

SMALL = dv.DeepVolConfig(layers=2, hidden=8)




def small_model(seed: int = 0, config: dv.DeepVolConfig = SMALL) -> dv.DeepVol:
    """A small float64 DeepVol (float64 so that 'identical' can be checked to the last bit)."""
    seed_everything(seed)
    return dv.DeepVol(config).double()


def as_double(batch: dv.Batch) -> dv.Batch:
    return dv.Batch(batch.returns.double(), batch.lengths, batch.mask, batch.names)


def gradients(model: dv.DeepVol, batch: dv.Batch, **kwargs: object) -> tuple[float, list[torch.Tensor]]:
    model.zero_grad()
    loss = dv.batch_loss(model, batch, **kwargs)
    loss.backward()
    return loss.item(), [p.grad.clone() for p in model.parameters()]


def panel(n_series: int = 40, n_dates: int = 80, seed: int = 1) -> pd.DataFrame:
    """Percent returns of ``n_series`` stocks with staggered listings and a few missing days (NaN)."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((n_dates, n_series)) * rng.uniform(0.5, 3.0, n_series)
    starts = rng.integers(0, n_dates // 4, n_series)
    values[np.arange(n_dates)[:, None] < starts] = np.nan
    values[rng.integers(0, n_dates, 15), rng.integers(0, n_series, 15)] = np.nan
    dates = pd.bdate_range("2019-01-01", periods=n_dates)
    return pd.DataFrame(values, index=dates, columns=[f"S{i:02d}" for i in range(n_series)])


# --------------------------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------------------------
def test_named_configurations_and_parameter_count() -> None:
    assert (dv.PAPER.layers, dv.PAPER.hidden) == (3, 400)
    assert (dv.AUTHORS_CODE.layers, dv.AUTHORS_CODE.hidden) == (1, 128)
    model = dv.build_model("paper", device="cpu")
    # PyTorch LSTM: 4 gates × hidden × (inputs + hidden + 2 biases) per layer, then the 400 → 1 output layer.
    lstm = 4 * 400 * (1 + 400 + 2) + 2 * 4 * 400 * (400 + 400 + 2)
    assert sum(p.numel() for p in model.parameters()) == lstm + 401
    assert sum(p.numel() for p in dv.build_model("authors_code", "cpu").parameters()) == 4 * 128 * 131 + 129
    assert next(dv.build_model(SMALL).parameters()).device.type == device()
    with pytest.raises(ConfigError):
        dv.build_model("huge")
    with pytest.raises(ConfigError):
        dv.DeepVolConfig(layers=0)


def test_output_is_a_positive_sigma_with_the_paper_floor() -> None:
    model = small_model()
    y = torch.randn(3, 25, dtype=torch.float64)
    sigma = model(y)
    assert sigma.shape == (3, 25) and (sigma > dv.SIGMA_FLOOR).all()
    with torch.no_grad():
        model.head.bias.fill_(-200.0)  # softplus(−200) underflows: σ is the floor
    assert torch.allclose(model(y), torch.full_like(sigma, 1e-5), rtol=1e-9, atol=0)


def test_forecasts_are_causal() -> None:
    model = small_model()
    y = torch.randn(1, 30, dtype=torch.float64)
    changed = y.clone()
    changed[0, 12:] = 50.0
    with torch.no_grad():
        assert torch.equal(model(y)[0, :12], model(changed)[0, :12])
        assert not torch.equal(model(y)[0, 12], model(changed)[0, 12])


# --------------------------------------------------------------------------------------------------------------
# Loss and masking
# --------------------------------------------------------------------------------------------------------------
def test_nll_matches_the_risk_metric_and_hand_values() -> None:
    sigma = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    target = torch.tensor([[-3.0, 0.5]], dtype=torch.float64)
    loss = dv.nll_loss(sigma, target, torch.ones(1, 2, dtype=torch.bool))
    c = 0.5 * math.log(2 * math.pi)
    assert loss.item() == pytest.approx(((c + 4.5) + (c + math.log(2) + 0.5**2 / 8)) / 2, rel=1e-12)
    assert loss.item() == pytest.approx(evaluate.gaussian_nll([-3.0, 0.5], [1.0, 2.0]), rel=1e-12)


def test_reductions_weight_series_or_positions() -> None:
    c = 0.5 * math.log(2 * math.pi)
    sigma = torch.ones(2, 3, dtype=torch.float64)
    target = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 7.0]], dtype=torch.float64)
    mask = torch.tensor([[True, False, False], [True, True, True]])  # 7.0 is real, the zeros after 2.0 are padding
    first, second = c + 2.0, (3 * c + 24.5) / 3
    assert dv.nll_loss(sigma, target, mask).item() == pytest.approx((first + second) / 2)
    assert dv.nll_loss(sigma, target, mask, "position").item() == pytest.approx((4 * c + 2.0 + 24.5) / 4)


def test_padding_changes_neither_loss_nor_gradients_nor_outputs() -> None:
    rng = np.random.default_rng(0)
    series = [rng.standard_normal(n) * 2 for n in (40, 23, 9)]
    batch = as_double(dv.pad_batch(series, ["a", "b", "c"], min_length=2))
    # The same series with 25 more padded columns, and garbage (NaN, huge values) in every padded slot.
    extra = torch.cat([batch.returns, torch.zeros(3, 25, dtype=torch.float64)], dim=1)
    mask = torch.cat([batch.mask, torch.zeros(3, 25, dtype=torch.bool)], dim=1)
    garbage = torch.where(mask, extra, torch.tensor(float("nan"), dtype=torch.float64))
    garbage[2, 30] = 1e6
    padded = dv.Batch(garbage, batch.lengths, mask, batch.names)

    for reduction in ("series", "position"):
        model = small_model(3)
        loss, grads = gradients(model, batch, reduction=reduction)
        loss_padded, grads_padded = gradients(model, padded, reduction=reduction)
        assert loss == loss_padded
        assert all(torch.equal(g, h) for g, h in zip(grads, grads_padded))
        assert all(torch.isfinite(g).all() for g in grads_padded)
    with torch.no_grad():
        out, out_padded = model(batch.returns, batch.lengths), model(padded.returns, padded.lengths)
    assert torch.equal(out[batch.mask], out_padded[:, :40][batch.mask])


def test_a_series_gets_the_same_loss_alone_and_in_a_batch() -> None:
    rng = np.random.default_rng(1)
    series = [rng.standard_normal(n) for n in (31, 12, 50)]
    model = small_model(4)
    batch = as_double(dv.pad_batch(series, ["a", "b", "c"], min_length=2))
    together = dv.batch_loss(model, batch).item()
    alone = [dv.batch_loss(model, as_double(dv.pad_batch([s], [n]))).item() for s, n in zip(series, "abc")]
    assert together == pytest.approx(np.mean(alone), rel=1e-12)
    # By hand for one series: σ_2..σ_T from y_1..y_{T−1}, scored against y_2..y_T.
    y = batch.returns[1, :12]
    with torch.no_grad():
        sigma = model(y[None, :-1])[0].numpy()
    assert alone[1] == pytest.approx(evaluate.gaussian_nll(y[1:].numpy(), sigma), rel=1e-12)


def test_a_few_adam_steps_lower_the_loss_on_a_batch() -> None:
    pool = dv.ReturnPool.from_frame(panel())
    batch = dv.training_batch(pool, np.random.default_rng(0), n_real=4, n_portfolios=4)
    seed_everything(0)
    model = dv.DeepVol(dv.DeepVolConfig(1, 8))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
    losses = []
    for _ in range(15):
        optimizer.zero_grad()
        loss = dv.batch_loss(model, batch)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] - 0.1


# --------------------------------------------------------------------------------------------------------------
# Portfolios and batches
# --------------------------------------------------------------------------------------------------------------
def test_portfolios_have_positive_weights_summing_to_one_and_sizes_in_range() -> None:
    frame = panel()
    pool = dv.ReturnPool.from_frame(frame)
    rng = np.random.default_rng(7)
    portfolios = [dv.random_portfolio(pool, rng) for _ in range(200)]
    sizes = np.array([len(p.members) for p in portfolios])
    assert sizes.min() == 20 and sizes.max() == 30  # both ends are reached in 200 draws
    for p in portfolios:
        assert len(set(p.members)) == len(p.members) == p.weights.size
        assert (p.weights > 0).all() and p.weights.sum() == pytest.approx(1.0, abs=1e-12)
    # The return is the weighted sum on the members' common dates, computed here with pandas.
    p = portfolios[0]
    members = frame[list(p.members)]
    expected = members.dropna() @ p.weights
    pd.testing.assert_series_equal(p.returns, expected, check_names=False, check_freq=False)
    some = members.notna().any(axis=1) & members.isna().any(axis=1)
    assert p.n_incomplete == int(some.sum()) > 0
    again = dv.random_portfolio(pool, np.random.default_rng(7))
    assert again.members == p.members and np.array_equal(again.weights, p.weights)


def test_no_look_ahead_pool_cut_at_the_training_end() -> None:
    frame = panel()
    end = frame.index[49]
    pool = dv.ReturnPool.from_frame(frame, end=end)
    assert pool.dates[-1] == end and pool.values.shape == (50, 40)
    future = frame.copy()
    future.iloc[50:] = 99.0  # rewrite everything after the training end
    batch = dv.training_batch(pool, np.random.default_rng(3))
    other = dv.training_batch(dv.ReturnPool.from_frame(future, end=end), np.random.default_rng(3))
    assert torch.equal(batch.returns, other.returns) and batch.names == other.names
    assert batch.returns.abs().max() < 50
    for p in (dv.random_portfolio(pool, np.random.default_rng(s)) for s in range(20)):
        assert p.returns.index.max() <= end


def test_training_batch_is_32_real_series_and_32_portfolios() -> None:
    frame = panel()
    pool = dv.ReturnPool.from_frame(frame)
    batch = dv.training_batch(pool, np.random.default_rng(5))
    assert batch.returns.shape[0] == 64 and batch.returns.dtype == torch.float32
    real, portfolios = batch.names[:32], batch.names[32:]
    assert len(set(real)) == 32 and set(real) <= set(frame.columns)
    assert all(20 <= int(n.split()[-1]) <= 30 for n in portfolios)
    assert torch.equal(batch.mask.sum(dim=1), batch.lengths)
    assert batch.returns.shape[1] == int(batch.lengths.max())
    assert (batch.returns[~batch.mask] == 0).all()
    first = frame[real[0]].dropna().to_numpy(dtype=np.float32)
    assert torch.equal(batch.returns[0, : first.size], torch.from_numpy(first))
    chosen = dv.training_batch(pool, np.random.default_rng(5), real=[3, 1], n_portfolios=2)
    assert chosen.names[:2] == ("S03", "S01") and len(chosen.names) == 4


def test_bad_pools_and_batches_raise() -> None:
    frame = panel(n_series=10)
    with pytest.raises(ConfigError, match="pool of at least 30"):
        dv.random_portfolio(dv.ReturnPool.from_frame(frame), np.random.default_rng(0))
    bad = frame.copy()
    bad.iloc[5, 2] = np.inf
    with pytest.raises(DataError, match="finite returns") as err:
        dv.ReturnPool.from_frame(bad)
    assert err.value.row == 5
    with pytest.raises(DataError, match="strictly increasing"):
        dv.ReturnPool.from_frame(frame.iloc[::-1])
    with pytest.raises(DataError, match="at least two returns"):
        dv.ReturnPool.from_frame(frame, end=frame.index[0])
    with pytest.raises(DataError, match="finite returns"):
        dv.pad_batch([np.array([0.1, np.nan])], ["x"])
    with pytest.raises(DataError, match="at least two returns"):
        dv.batch_loss(small_model(), as_double(dv.pad_batch([np.ones(5), np.ones(1)], ["x", "y"])))


# --------------------------------------------------------------------------------------------------------------
# Forecasts
# --------------------------------------------------------------------------------------------------------------
def test_forecast_sigma_runs_over_the_whole_history() -> None:
    seed_everything(2)
    model = dv.DeepVol(SMALL)
    model.train()
    rng = np.random.default_rng(2)
    dates = pd.bdate_range("2020-01-01", periods=60)
    series = [pd.Series(rng.standard_normal(60), index=dates, name="x"), rng.standard_normal(17)]
    out = dv.forecast_sigma(model, series, batch_size=1)
    assert model.training  # mode restored
    assert isinstance(out[0], pd.Series) and out[0].index.equals(dates) and out[1].shape == (17,)
    with torch.no_grad():
        model.eval()
        direct = model(torch.tensor(series[0].to_numpy(), dtype=torch.float32)[None])[0].numpy()
    np.testing.assert_allclose(out[0].to_numpy(), direct, rtol=1e-6)
    # The forecast made at t uses y_1 … y_t only: it equals the last forecast of the series cut at t.
    cut = dv.forecast_sigma(model, [series[0].iloc[:25]])[0]
    assert cut.iloc[-1] == pytest.approx(out[0].iloc[24], rel=1e-6)
    together = dv.forecast_sigma(model, series, batch_size=8)
    np.testing.assert_allclose(together[1], out[1], rtol=1e-6)


# --------------------------------------------------------------------------------------------------------------
# Sizes, cropping and the training loop
# --------------------------------------------------------------------------------------------------------------
def test_parse_config_reads_names_and_layers_by_hidden() -> None:
    assert dv.parse_config("paper") is dv.PAPER and dv.parse_config("authors_code") is dv.AUTHORS_CODE
    assert dv.parse_config("3x64") == dv.DeepVolConfig(3, 64, 0.0)
    assert dv.parse_config(SMALL) is SMALL
    assert dv.build_model("2x8", device="cpu").lstm.num_layers == 2
    for bad in ("3x", "x64", "0x64", "huge"):
        with pytest.raises(ConfigError):
            dv.parse_config(bad)


def test_crop_batch_keeps_a_random_stretch_of_each_series() -> None:
    rng = np.random.default_rng(0)
    series = [np.arange(1.0, n + 1) for n in (40, 7, 25)]
    batch = dv.pad_batch(series, ["a", "b", "c"])
    cropped = dv.crop_batch(batch, 10, np.random.default_rng(3))
    assert cropped.lengths.tolist() == [10, 7, 10] and cropped.returns.shape == (3, 10)
    assert torch.equal(cropped.mask.sum(dim=1), cropped.lengths)
    for row, s in enumerate(series):
        kept = cropped.returns[row, : int(cropped.lengths[row])].numpy()
        start = int(kept[0]) - 1  # the values are 1, 2, …: a stretch is consecutive and inside the series
        np.testing.assert_array_equal(kept, s[start : start + kept.size])
    assert (cropped.returns[1, 7:] == 0).all()  # the short series is kept whole and padded with zeros
    starts = {int(dv.crop_batch(batch, 10, rng).returns[0, 0]) for _ in range(200)}
    assert starts == set(range(1, 32))  # every start 0 … 40 − 10 is drawn
    with pytest.raises(ConfigError):
        dv.crop_batch(batch, 1, rng)


@pytest.fixture(scope="module")
def garch_panel():
    """40 one-factor GARCH stocks over 800 days (percent returns) and their true σ."""
    from volrep.chapters.deepvol import panel_returns, simulate_stock_prices

    prices, truth = simulate_stock_prices(40, 800, seed=1, late_listings=0)
    returns, _ = panel_returns(prices, start=prices["date"].min(), end=prices["date"].max())
    return returns, truth


def test_training_lowers_the_nll_and_learns_the_true_sigma(garch_panel) -> None:
    returns, truth = garch_panel
    pool = dv.ReturnPool.from_frame(returns, end=returns.index[599])
    seed_everything(0)
    model = dv.DeepVol(dv.DeepVolConfig(1, 16))
    history = dv.train_deepvol(model, pool, steps=250, seed=0, lr=1e-2, n_real=16, n_portfolios=16, window=150,
                               device="cpu")
    assert history.steps == 250 and history.seconds > 0 and not model.training
    assert np.mean(history.loss[-20:]) < np.mean(history.loss[:10]) - 0.7
    # Out of sample (days 601 …, never in a training batch) the forecasts track the true conditional σ.
    sigma = dv.forecast_sigma(model, [returns[c].iloc[1:] for c in returns.columns])
    corr = [np.corrcoef(truth[c].iloc[602:], s.iloc[600:-1])[0, 1] for c, s in zip(returns.columns, sigma)]
    assert np.mean(corr) > 0.6 and np.min(corr) > 0.3
    assert history.smoothed(10).index[0] == 1 and len(history.smoothed(10)) == 250


def test_training_is_deterministic_and_fine_tunes_on_one_series(garch_panel) -> None:
    returns, _ = garch_panel
    pool = dv.ReturnPool.from_frame(returns, end=returns.index[399])
    runs = []
    for _ in range(2):
        seed_everything(5)
        model = dv.DeepVol(dv.DeepVolConfig(1, 8, dropout=0.2))
        h = dv.train_deepvol(model, pool, steps=6, seed=5, n_real=4, n_portfolios=4, window=50, device="cpu")
        runs.append((h.loss, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0] and all(torch.equal(a, b) for a, b in zip(runs[0][1], runs[1][1]))
    one = dv.ReturnPool.from_frame(returns[[returns.columns[0]]], end=returns.index[399])
    h = dv.train_deepvol(model, one, steps=3, seed=1, lr=1e-4, n_real=8, n_portfolios=0, window=50, device="cpu")
    assert h.steps == 3  # 8 stretches of the single series per batch, no portfolio


def test_training_leaves_the_global_generator_alone(garch_panel) -> None:
    returns, _ = garch_panel
    pool = dv.ReturnPool.from_frame(returns, end=returns.index[399])
    losses = []
    for outside in (1, 2):
        with local_seed(5):
            model = dv.DeepVol(dv.DeepVolConfig(1, 8, dropout=0.2))
        torch.manual_seed(outside)
        before = torch.get_rng_state().clone()
        losses.append(dv.train_deepvol(model, pool, steps=4, seed=5, n_real=4, n_portfolios=4, window=50,
                                       device="cpu").loss)
        assert torch.equal(torch.get_rng_state(), before)
    assert losses[0] == losses[1]


def test_training_rejects_bad_settings_and_non_finite_losses(garch_panel) -> None:
    returns, _ = garch_panel
    pool = dv.ReturnPool.from_frame(returns, end=returns.index[99])
    model = dv.DeepVol(dv.DeepVolConfig(1, 4))
    for kwargs in ({"steps": 0}, {"steps": 1, "lr": 0.0}, {"steps": 1, "clip": 0.0}):
        with pytest.raises(ConfigError):
            dv.train_deepvol(model, pool, seed=0, device="cpu", **kwargs)
    huge = dv.ReturnPool.from_frame(returns.iloc[:100] * 1e30)  # y² / σ² overflows float32
    with pytest.raises(FloatingPointError, match="step 1"):
        dv.train_deepvol(model, huge, steps=2, seed=0, n_real=2, n_portfolios=0, device="cpu")


def test_resolve_sizes_auto_follows_the_device() -> None:
    assert dv.resolve_sizes("auto", "auto", "cuda") == (dv.PAPER, dv.AUTHORS_CODE)
    assert dv.resolve_sizes("auto", "auto", "cpu") == (dv.AUTHORS_CODE, dv.DeepVolConfig(3, 64, 0.0))
    assert dv.resolve_sizes("3x64", "auto", "cpu") == (dv.DeepVolConfig(3, 64, 0.0), dv.DeepVolConfig(3, 64, 0.0))
    assert dv.resolve_sizes("paper", "authors_code", "cpu") == (dv.PAPER, dv.AUTHORS_CODE)
    with pytest.raises(ConfigError, match="unknown DeepVol configuration"):
        dv.resolve_sizes("auto", "big", "cpu")
