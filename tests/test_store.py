"""The forecast store: round trip, atomic writes, schema rules, filters, pairing, default location."""

import numpy as np
import pandas as pd
import pytest

from volrep import store
from volrep.errors import ConfigError, DataError

DATES = pd.date_range("2021-03-01", periods=6, freq="D")
ACTUAL = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], index=DATES)


def _rows(chapter="04_baselines", horizon=1, seed=0, **keys):
    forecasts = pd.DataFrame({"har": ACTUAL * 0.9, "persistence": ACTUAL.shift(1).bfill()}, index=DATES)
    defaults = dict(asset="btcusd", variant="proper", target="point", split="huang_90_10")
    return store.forecast_rows(forecasts, ACTUAL, chapter=chapter, horizon=horizon, seed=seed, **(defaults | keys))


def test_forecast_rows_build_the_schema():
    rows = _rows()
    assert list(rows.columns) == list(store.COLUMNS) and len(rows) == 12
    assert rows.dtypes["date"] == "datetime64[ns]" and rows.dtypes["horizon"] == "int64"
    har = rows[rows["model"] == "har"]
    np.testing.assert_allclose(har["forecast"], 0.9 * ACTUAL.to_numpy())
    np.testing.assert_allclose(har["actual"], ACTUAL.to_numpy())
    one = store.forecast_rows(ACTUAL.iloc[2:] * 2, ACTUAL, chapter="c", model="x", asset="a", variant="sim",
                              target="mean", horizon=7, split="s")
    assert one["model"].unique().tolist() == ["x"] and one["date"].min() == DATES[2] and one["seed"].eq(0).all()
    with pytest.raises(DataError, match="actual holds every forecast date"):
        store.forecast_rows(ACTUAL.shift(1, freq="D"), ACTUAL, chapter="c", model="x", asset="a",
                            variant="sim", target="mean", horizon=7, split="s")
    with pytest.raises(ConfigError, match="name the model"):
        store.forecast_rows(ACTUAL, ACTUAL, chapter="c", asset="a", variant="sim", target="t", horizon=1, split="s")


def test_round_trip(tmp_path):
    rows = pd.concat([_rows(), _rows(horizon=7)])
    path = store.save_forecasts("04_baselines", rows, directory=tmp_path)
    assert path == tmp_path / "04_baselines.parquet"
    back = store.load_forecasts(chapter="04_baselines", directory=tmp_path)
    pd.testing.assert_frame_equal(back, store.validate_rows(rows, "expected"))
    assert len(back) == 24
    # saving again replaces the chapter's file
    store.save_forecasts("04_baselines", _rows(), directory=tmp_path)
    assert len(store.load_forecasts(directory=tmp_path)) == 12


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    store.save_forecasts("04_baselines", _rows(), directory=tmp_path)

    def broken(self, path, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        store.save_forecasts("04_baselines", _rows(horizon=7), directory=tmp_path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["04_baselines.parquet"]
    assert store.load_forecasts(directory=tmp_path)["horizon"].unique().tolist() == [1]


def test_schema_rules(tmp_path):
    rows = _rows()
    with pytest.raises(DataError, match="keys .* are unique") as err:
        store.save_forecasts("04_baselines", pd.concat([rows, rows.iloc[[3]]]), directory=tmp_path)
    assert err.value.row == 12
    cases = {
        "variant is one of": rows.assign(variant="best"),
        "'horizon' has an integer dtype": rows.assign(horizon=1.0),
        "'horizon' >= 1": rows.assign(horizon=0),
        "'seed' >= 0": rows.assign(seed=-1),
        "'forecast' is finite": rows.assign(forecast=np.where(rows.index == 5, np.nan, rows["forecast"])),
        "'date' is tz-naive": rows.assign(date=rows["date"].dt.tz_localize("UTC")),
        "'model' holds text": rows.assign(model=1),
        "'asset' is not empty": rows.assign(asset=""),
        "columns are exactly": rows.assign(extra=1),
        "every row's chapter": rows.assign(chapter="05_other"),
    }
    for rule, bad in cases.items():
        with pytest.raises(DataError, match=rule):
            store.save_forecasts("04_baselines", bad, directory=tmp_path)
    with pytest.raises(ConfigError, match="names a file"):
        store.save_forecasts("../escape", rows, directory=tmp_path)
    assert not list(tmp_path.iterdir())


def test_filters_and_missing_chapter(tmp_path):
    store.save_forecasts("04_baselines", pd.concat([_rows(), _rows(horizon=7)]), directory=tmp_path)
    store.save_forecasts("07_cnn_lstm_mtf", _rows("07_cnn_lstm_mtf", seed=3, variant="faithful"), directory=tmp_path)
    everything = store.load_forecasts(directory=tmp_path)
    assert len(everything) == 36
    assert len(store.load_forecasts(directory=tmp_path, horizon=7)) == 12
    assert len(store.load_forecasts(directory=tmp_path, horizon=[1, 7], model="har")) == 18
    assert store.load_forecasts(directory=tmp_path, variant="faithful")["seed"].unique().tolist() == [3]
    assert len(store.load_forecasts(directory=tmp_path, date=[DATES[0], DATES[1]], model="har")) == 6
    assert store.load_forecasts(directory=tmp_path, asset="ethusd").empty
    with pytest.raises(ConfigError, match="unknown filter"):
        store.load_forecasts(directory=tmp_path, horizn=7)
    with pytest.raises(DataError, match="forecasts saved"):
        store.load_forecasts(chapter="08_deepvol", directory=tmp_path)
    empty = store.load_forecasts(directory=tmp_path / "none")
    assert empty.empty and list(empty.columns) == list(store.COLUMNS)


def test_pair_aligns_two_models(tmp_path):
    store.save_forecasts("04_baselines", pd.concat([_rows(), _rows(horizon=7)]), directory=tmp_path)
    store.save_forecasts("07_cnn_lstm_mtf", _rows("07_cnn_lstm_mtf", seed=3), directory=tmp_path)
    frame = store.load_forecasts(directory=tmp_path)
    with pytest.raises(ConfigError, match="filter on chapter, horizon"):
        store.pair(frame, "har", "persistence")
    out = store.pair(frame, "har", "persistence", chapter="04_baselines", horizon=1)
    assert list(out.columns) == ["date", "actual", "forecast_a", "forecast_b"]
    assert out["date"].tolist() == list(DATES)
    np.testing.assert_allclose(out["forecast_a"], 0.9 * ACTUAL.to_numpy())
    np.testing.assert_allclose(out["forecast_b"], [1.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ConfigError, match="no forecasts of model 'lstm'"):
        store.pair(frame, "har", "lstm", chapter="04_baselines", horizon=1)
    # different chapters, same target: fine once the other keys are pinned
    cross = frame[(frame["chapter"] == "07_cnn_lstm_mtf") | (frame["horizon"] == 1)]
    cross = cross.assign(model=np.where(cross["chapter"] == "07_cnn_lstm_mtf", cross["model"] + "_net", cross["model"]))
    assert len(store.pair(cross, "har", "har_net")) == 6


def test_pair_refuses_mismatched_actuals_and_dates(tmp_path):
    a = _rows()
    b = store.forecast_rows((ACTUAL * 1.1).rename("lstm"), ACTUAL * 1.01, chapter="04_baselines", asset="btcusd",
                            variant="proper", target="point", horizon=1, split="huang_90_10")
    frame = pd.concat([a, b], ignore_index=True)
    with pytest.raises(DataError, match="same actual") as err:
        store.pair(frame, "har", "lstm")
    assert err.value.row == 0
    short = pd.concat([a, b.assign(actual=a["actual"].iloc[:6].to_numpy()).iloc[1:]], ignore_index=True)
    with pytest.raises(DataError, match="same dates"):
        store.pair(short, "har", "lstm")
    assert len(store.pair(short, "har", "lstm", date=DATES[1:])) == 5


def test_default_directory_follows_results_env(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLREP_RESULTS_DIR", str(tmp_path / "results"))
    path = store.save_forecasts("04_baselines", _rows())
    assert path == (tmp_path / "results" / "forecasts" / "04_baselines.parquet").resolve()
    assert path.is_file() and len(store.load_forecasts(chapter="04_baselines")) == 12


def test_forecast_rows_store_utc_days_tz_naive():
    days = pd.date_range("2021-01-01", periods=3, freq="D", tz="UTC")
    fc = pd.Series([1.0, 2.0, 3.0], index=days)
    rows = store.forecast_rows(fc, fc * 1.1, chapter="04_baselines", model="m", asset="btc", variant="proper",
                               target="point", horizon=1, split="huang_90_10")
    assert rows["date"].dt.tz is None and rows["date"].iloc[0] == pd.Timestamp("2021-01-01")
