"""Targets, HAR features, windows, splits and scalers — and that none of them looks ahead."""

import numpy as np
import pandas as pd
import pytest

from volrep import targets
from volrep.errors import ConfigError, DataError


@pytest.fixture()
def rv():
    rng = np.random.default_rng(0)
    return pd.Series(np.exp(rng.standard_normal(200)), index=pd.date_range("2020-01-01", periods=200, freq="D"))


def test_point_and_mean_targets(rv):
    point = targets.horizon_target(rv, 7, "point")
    mean = targets.horizon_target(rv, 7, "mean")
    assert point.iloc[10] == rv.iloc[17]
    assert mean.iloc[10] == pytest.approx(rv.iloc[11:18].mean())
    assert point.iloc[-7:].isna().all() and mean.iloc[-7:].isna().all() and not mean.iloc[:-7].isna().any()
    np.testing.assert_allclose(targets.horizon_target(rv, 1, "mean"), targets.horizon_target(rv, 1, "point"))
    with pytest.raises(ConfigError):
        targets.horizon_target(rv, 0)
    with pytest.raises(ConfigError):
        targets.horizon_target(rv, 3, "median")


def test_har_features_are_trailing_means(rv):
    f = targets.har_features(rv, (1, 7, 30))
    assert list(f.columns) == ["rv_1", "rv_7", "rv_30"]
    assert f["rv_7"].iloc[50] == pytest.approx(rv.iloc[44:51].mean())
    assert f["rv_30"].iloc[:29].isna().all()


def test_features_and_scaler_do_not_look_ahead(rv):
    split = targets.named_split(rv.index, "huang_90_10")
    t = split.train_end
    perturbed = rv.copy()
    perturbed[perturbed.index > t] *= 100.0  # change every future value
    f0, f1 = targets.har_features(rv), targets.har_features(perturbed)
    pd.testing.assert_frame_equal(f0.loc[:t], f1.loc[:t])
    train = split.origins("train", 7)
    y0, y1 = targets.horizon_target(rv, 7, "mean"), targets.horizon_target(perturbed, 7, "mean")
    pd.testing.assert_series_equal(y0.loc[train], y1.loc[train])  # training targets end by the training end
    s0, s1 = targets.ZScore.fit(f0.loc[train].dropna()), targets.ZScore.fit(f1.loc[train].dropna())
    np.testing.assert_array_equal(s0.mean, s1.mean)
    np.testing.assert_array_equal(s0.std, s1.std)


def test_split_parts_and_purged_origins(rv):
    split = targets.named_split(rv.index, "dhansoia_50_25_25")
    assert split.parts == ("train", "val", "test") and split.bounds == (100, 150)
    assert split.train_end == rv.index[99]
    assert len(split.dates("train")) + len(split.dates("val")) + len(split.dates("test")) == 200
    h = 5
    train, val, test = (split.origins(p, h) for p in split.parts)
    assert train[-1] + pd.Timedelta(days=h) == split.train_end  # last training target = last training day
    assert val[0] == split.train_end  # first validation forecast is made with the training data only
    assert val[-1] + pd.Timedelta(days=h) == split.dates("val")[-1]
    assert test[0] == split.dates("val")[-1] and test[-1] + pd.Timedelta(days=h) == rv.index[-1]
    assert len(train) == 95 and len(val) == 46 and len(test) == 46
    assert train.intersection(val).empty and val.intersection(test).empty
    with pytest.raises(ConfigError):
        targets.named_split(rv.index, "huang_90_10").origins("val", 1)
    with pytest.raises(ConfigError):
        split.origins("test", 0)
    with pytest.raises(ConfigError):
        targets.named_split(rv.index, "nope")
    with pytest.raises(ConfigError):
        targets.chronological_split(rv.index[:3], (0.9, 0.1))


def test_sequence_windows_end_at_origin():
    x = np.arange(10.0)
    w = targets.sequence_windows(x, 4)
    assert w.shape == (7, 4, 1)
    np.testing.assert_array_equal(w[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(w[-1, :, 0], [6, 7, 8, 9])
    two = targets.sequence_windows(np.c_[x, 10 * x], 3)
    np.testing.assert_array_equal(two[1], [[1, 10], [2, 20], [3, 30]])


def test_zscore_round_trip_and_errors():
    s = targets.ZScore.fit(np.array([[1.0, 10.0], [3.0, 30.0]]))
    z = s.transform(np.array([[2.0, 20.0]]))
    np.testing.assert_allclose(z, [[0.0, 0.0]])
    np.testing.assert_allclose(s.inverse(s.transform([[5.0, 7.0]])), [[5.0, 7.0]])
    with pytest.raises(DataError):
        targets.ZScore.fit(np.array([[1.0], [1.0]]))
    with pytest.raises(DataError):
        targets.ZScore.fit(np.array([[1.0], [np.nan]]))


def test_unsorted_series_rejected(rv):
    with pytest.raises(DataError, match="sorted"):
        targets.har_features(rv.iloc[::-1])


def test_minmax_maps_training_range_to_unit_interval_and_back():
    train = np.array([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]])
    sc = targets.MinMax.fit(train)
    np.testing.assert_allclose(sc.transform(train), [[0, 0], [1, 1], [0.5, 0.5]])
    np.testing.assert_allclose(sc.transform([[5.0, 0.0]]), [[2.0, -0.5]])  # outside the training range
    np.testing.assert_allclose(sc.inverse(sc.transform(train)), train)
    one = targets.MinMax.fit(train, by_column=False)
    assert one.transform(np.array([[10.0]]))[0, 0] == pytest.approx(9 / 29)
    with pytest.raises(DataError, match="non-constant"):
        targets.MinMax.fit(np.ones((3, 1)))


def test_with_validation_carves_the_end_of_training_and_keeps_the_test_part():
    idx = pd.date_range("2020-01-01", periods=100, freq="D")
    base = targets.named_split(idx, "huang_90_10")
    three = targets.with_validation(base, 1 / 9)
    assert three.parts == ("train", "val", "test")
    assert len(three.dates("train")) == 80 and len(three.dates("val")) == 10
    assert three.dates("test").equals(base.dates("test")) and three.origins("test", 7).equals(base.origins("test", 7))
    assert three.origins("train", 7)[-1] + pd.Timedelta(days=7) < three.dates("val")[0]
    with pytest.raises(ConfigError):
        targets.with_validation(three, 0.1)
