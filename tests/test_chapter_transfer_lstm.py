"""Chapter 05's networks behind the forecaster interface (:func:`volrep.chapters.transfer_lstm.networks`): the same
numbers as :func:`~volrep.chapters.transfer_lstm.run_seed`, the same seed whatever PyTorch's global state, the
caller's generators untouched, one pre-training shared by the transfer networks, and clear errors. Tiny simulated
series and one or two epochs: a few seconds in all."""

import numpy as np
import pandas as pd
import pytest
import torch

from volrep import targets
from volrep.chapters import transfer_lstm as ch
from volrep.errors import ConfigError
from volrep.models import forecaster

STRATEGY = "frozen_encoder"
EPOCHS = {"pretrain_epochs": 2, "finetune_epochs": 1}


@pytest.fixture(scope="module")
def pair():
    series, _ = ch.dhansoia_series("sim", seed=0, sim_days=240)
    return {a: (s, targets.named_split(s.index, "dhansoia_50_25_25")) for a, s in series["proper"].items()}


@pytest.fixture(scope="module")
def seq(pair):
    return {a: ch.sequence_data(s, split, lookback=20) for a, (s, split) in pair.items()}


@pytest.fixture(scope="module")
def run(seq):
    return ch.run_seed(seq["spx"], seq["btc"], 3, strategies=(STRATEGY,), **EPOCHS)


def _networks(seq):
    return ch.networks(ch.Pretraining(seq["spx"], EPOCHS["pretrain_epochs"]), strategies=(STRATEGY,),
                       finetune_epochs=EPOCHS["finetune_epochs"])


def test_networks_are_forecasters_with_run_seeds_numbers(pair, seq, run):
    series, split = pair["btc"]
    nets = _networks(seq)
    assert list(nets) == [ch.SCRATCH, STRATEGY] == list(run.forecasts)
    for name, net in nets.items():
        assert isinstance(net, forecaster.Forecaster) and net.label == name
        fc = forecaster.out_of_sample(net, series, split, [1], seed=3)[1]
        np.testing.assert_array_equal(fc.to_numpy(), run.forecasts[name].to_numpy())
        assert fc.index.equals(run.forecasts[name].index) and fc.name == run.forecasts[name].name == name
    assert list(run.histories) == ["pre-training (source)", ch.SCRATCH, STRATEGY]


def test_transfer_networks_share_one_pretraining_per_seed(pair, seq):
    series, split = pair["btc"]
    pre = ch.Pretraining(seq["spx"], 1)
    nets = ch.networks(pre, strategies=("frozen_encoder", "full_finetune"), finetune_epochs=1)
    first = nets["frozen_encoder"].fit(series, split, [1], seed=4)
    pretrained = pre.runs[4].model
    nets["full_finetune"].fit(series, split, [1], seed=4)
    assert list(pre.runs) == [4] and pre.runs[4].model is pretrained
    assert first.models[1].model is not pretrained  # fine-tuning works on a copy


def test_same_seed_same_forecasts_whatever_the_global_state(pair, seq):
    series, split = pair["btc"]
    out = []
    for before in (1, 2):
        torch.manual_seed(before)
        state = torch.get_rng_state()
        out.append(forecaster.out_of_sample(_networks(seq)[STRATEGY], series, split, [1], seed=5)[1])
        assert torch.equal(torch.get_rng_state(), state)  # the caller's generator is where it was
    np.testing.assert_array_equal(out[0].to_numpy(), out[1].to_numpy())


def test_forecasts_at_any_origin_with_a_window(pair, seq, run):
    series, split = pair["btc"]
    origins = seq["btc"].dates["val"].append(seq["btc"].dates["test"])
    fc = _networks(seq)[STRATEGY].fit(series, split, [1], seed=3).forecast({1: origins})[1]
    assert fc.index.equals(origins) and np.isfinite(fc.to_numpy()).all()
    np.testing.assert_array_equal(fc.loc[seq["btc"].dates["test"]].to_numpy(), run.forecasts[STRATEGY].to_numpy())


def test_origins_without_a_window_and_missing_seed_are_refused(pair, seq):
    series, split = pair["btc"]
    net = _networks(seq)[ch.SCRATCH]
    fitted = net.fit(series, split, [1], seed=0)
    with pytest.raises(ConfigError, match=r"cannot forecast at 2 origin\(s\).*fewer than lookback = 20"):
        fitted.forecast({1: series.index[[0, 18]]})
    assert len(fitted.forecast({1: series.index[[19]]})[1]) == 1  # the first full window
    with pytest.raises(ConfigError, match=r"1 origin\(s\) \(1990-01-01\): not days of the series"):
        fitted.forecast({1: pd.DatetimeIndex(["1990-01-01"])})
    for net in _networks(seq).values():
        with pytest.raises(ConfigError, match="networks need a seed"):
            net.fit(series, split, [1])
