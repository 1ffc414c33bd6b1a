"""Chapter 09's networks on the leaderboard's target (:mod:`volrep.chapters.leaderboard_networks`), on tiny simulated
data: every family forecasts every test origin at every horizon, the same seed gives the same numbers, a forecast
made at origin t does not move when the data after t change, and the leaderboard then holds every family.

The networks are shrunk to a few epochs (or steps) by the chapters' own knobs; one training of all five families
takes a few seconds.
"""

import numpy as np
import pandas as pd
import pytest

from volrep import sim, store, targets
from volrep.chapters import baselines as ch4
from volrep.chapters import leaderboard_networks as ln
from volrep.chapters import leaderboard as lb
from volrep.errors import ConfigError, DataError
from volrep.models import deepvol as dv
from volrep.models import forecaster

HORIZONS = (1, 3)
#: The chapters' knobs at toy size (every one a knob of the chapter's profile).
TINY = {"05_transfer_lstm": {"pretrain_epochs": 1, "finetune_epochs": 1},
        "06_hybrids": {"max_epochs": 2, "finetune_epochs": 1},
        "07_cnn_lstm_mtf": {"epochs": 2, "mtf_sizes": (4,)},
        "08_deepvol": {"model_size": "1x8", "steps": 2, "window": 50}}
SLOTS = 8  # intraday intervals per day of the toy design


def _data(days: int = 320, seed: int = 0) -> ln.LeaderboardData:
    path = sim.simulate_daily_rfsv(days, 0.1, mean_vol_annual=0.7, seed=seed, periods_per_year=365, freq="D")
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(np.ones(SLOTS), size=days)
    intraday = pd.DataFrame(shares * path["iv"].to_numpy()[:, None], index=path.index)
    source = sim.simulate_daily_rfsv(300, 0.1, seed=seed + 1)
    stocks = pd.DataFrame(rng.standard_normal((200, 32)) * np.linspace(0.8, 2.5, 32),
                          index=pd.bdate_range("2010-01-04", periods=200), columns=[f"s{i}" for i in range(32)])
    pool = dv.ReturnPool.from_frame(stocks, label="toy stocks")
    return ln.LeaderboardData(path["iv"], path["ret"], 0.5 * np.log(252 * source["iv"]), {"10min": intraday}, pool)


def _train(data: ln.LeaderboardData, seed: int = 0) -> ln.Forecasts:
    return ln.train_families(data, HORIZONS, profile="quick", seed=seed, overrides=TINY, progress=False)


@pytest.fixture(scope="module")
def base():
    data = _data()
    return data, _train(data)


def test_every_family_forecasts_every_test_origin(base):
    data, forecasts = base
    families = {lb.family_of(model, lb.CHAPTER) for model in forecasts}
    assert families == set(ln.NETWORK_FAMILIES) == set(lb.TRAINED_HERE)
    for model, by_h in forecasts.items():
        assert set(by_h) == set(HORIZONS), model
        for h, fc in by_h.items():
            assert fc.index.equals(data.split.origins("test", h)), (model, h)
            assert np.isfinite(fc).all() and (fc > 0).all(), (model, h)
    rows = ln.store_rows(forecasts, data.target, asset="sim", variant="sim", seed=0)
    assert set(rows["horizon"]) == set(HORIZONS) and (rows["chapter"] == lb.CHAPTER).all()
    assert len(rows) == len(forecasts) * sum(len(data.split.origins("test", h)) for h in HORIZONS)
    y = targets.horizon_target(data.target, 3).loc[rows.loc[rows["horizon"] == 3, "date"]]
    np.testing.assert_array_equal(rows.loc[rows["horizon"] == 3, "actual"].to_numpy(), y.to_numpy())


def test_same_seed_same_forecasts_other_seed_others(base):
    data, forecasts = base
    again = _train(data)
    other = _train(data, seed=1)
    for model, by_h in forecasts.items():
        for h, fc in by_h.items():
            pd.testing.assert_series_equal(again[model][h], fc)
        assert not np.allclose(other[model][1], by_h[1]), model


def test_no_look_ahead(base):
    # change every input from a test day on: forecasts made before it stay the same, those made on it move
    data, forecasts = base
    cut = data.split.origins("test", 1)[15]
    later = data.target.index >= cut
    scale = np.where(later, 3.0, 1.0)
    perturbed = ln.LeaderboardData(data.target * scale, data.returns * scale, data.source_log_vol,
                                   {f: v.mul(scale, axis=0) for f, v in data.intraday.items()}, data.pool)
    moved = _train(perturbed)
    for model, by_h in forecasts.items():
        for h, fc in by_h.items():
            before = fc.index < cut
            pd.testing.assert_series_equal(moved[model][h][before], fc[before], obj=f"{model}, h={h}")
        assert moved[model][1].loc[cut] != by_h[1].loc[cut], model


def test_leaderboard_holds_every_family(base):
    data, forecasts = base
    rows = ln.store_rows(forecasts, data.target, asset="sim", variant="sim", seed=0)
    computed, actual = lb.compute_baselines(data.target, data.returns, HORIZONS)
    computed |= ch4.naive_forecasts(data.target, data.split, HORIZONS)
    panel, src = lb.leaderboard_inputs({lb.CHAPTER: rows}, HORIZONS, asset="sim", computed=computed,
                                       computed_actual=actual)
    assert lb.families_missing(src) == []
    assert set(src.loc[src["model"].isin(list(forecasts)), "status"]) == {"trained here"}
    for h in HORIZONS:
        fc, y = panel[h]
        board = lb.leaderboard(fc, y, h, boot=lb.BootstrapSettings(reps=50),
                               families=dict(zip(src["model"], src["family"])))
        assert {f for f, _, _ in lb.FAMILIES} <= set(board["family"])
        assert len(y) == len(data.split.origins("test", h))


def test_log_vol_forecast_to_rv_by_hand():
    idx = pd.date_range("2022-01-01", periods=6)
    log_vol = pd.Series([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], index=idx)
    forecast = pd.Series([0.2, 0.2, 0.5, 0.3], index=idx[:4])  # origins 0-1 validation, 2-3 test; h = 1
    s2 = ((0.1 - 0.2) ** 2 + (0.2 - 0.2) ** 2) / 2
    out = ln.rv_from_log_vol(forecast, log_vol, 1, idx[2:4])
    np.testing.assert_allclose(out.to_numpy(), np.exp(2 * np.array([0.5, 0.3]) + 2 * s2) / 365)
    with pytest.raises(ConfigError):
        ln.rv_from_log_vol(forecast.iloc[2:], log_vol, 1, idx[2:4])


def test_sequences_at_horizon_purge_and_target():
    data = _data(days=200)
    log_vol = ln.bitcoin_log_vol(data.target)
    split = targets.with_validation(data.split, ln.VALIDATION_SHARE)
    at = ln.transfer_lstm.sequence_data(log_vol, split, lookback=ln.LOOKBACK, horizon=3)
    assert at.dates["train"].max() <= split.origins("train", 3).max()
    np.testing.assert_allclose(at.to_units(at.y["train"]), log_vol.shift(-3).loc[at.dates["train"]], rtol=1e-5)
    assert at.dates["test"].equals(split.origins("test", 3))
    with pytest.raises(DataError):
        ln.bitcoin_log_vol(data.target.where(data.target.index != data.target.index[5], 0.0))


def test_validation_and_test_forecasts_cover_both_parts_in_order():
    data = _data(days=200)
    log_vol = ln.bitcoin_log_vol(data.target)
    split = targets.with_validation(data.split, ln.VALIDATION_SHARE)
    seen = []
    echo = forecaster.Network(lambda s, sp, h, sd: seen.append((h, sd)) or s, lambda m, o: m.loc[o], "echo")
    fc = ln.validation_and_test_forecasts(echo, log_vol, split, 3, seed=4)
    assert seen == [(3, 4)]
    assert fc.index.equals(split.origins("val", 3).append(split.origins("test", 3)))
    np.testing.assert_array_equal(fc.to_numpy(), log_vol.loc[fc.index].to_numpy())


def test_unknown_family_is_refused(base):
    with pytest.raises(ConfigError, match="unknown network families"):
        ln.train_families(base[0], HORIZONS, profile="quick", seed=0, families=("GARCH",), progress=False)


def test_store_rows_validate():
    idx = pd.date_range("2022-01-01", periods=50)
    target = pd.Series(np.linspace(1.0, 2.0, 50), index=idx)
    split = targets.named_split(idx, "huang_90_10")
    fc = {"DeepVol x": {1: pd.Series(1.5, index=split.origins("test", 1))}}
    rows = ln.store_rows(fc, target, asset="sim", variant="sim", seed=0)
    assert store.validate_rows(rows, "test").equals(rows)


def test_hybrid_inputs_at_horizon_refit_har():
    data = _data(days=200)
    log_vol = ln.bitcoin_log_vol(data.target)
    split = targets.with_validation(data.split, ln.VALIDATION_SHARE)
    one, three = (ln.hybrids.hybrid_data(log_vol, split, lookback=ln.LOOKBACK, horizon=h) for h in (1, 3))
    assert not np.allclose(one.har_coefficients[1], three.har_coefficients[1])  # HAR refitted for 3 days
    np.testing.assert_allclose(three.to_units(three.y["train"]), log_vol.shift(-3).loc[three.dates["train"]], rtol=1e-5)
