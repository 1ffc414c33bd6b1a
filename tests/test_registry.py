"""Dataset registry, yfinance fallbacks (with a fake yfinance) and the public API: list, verify, load."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volrep import data
from volrep.data import fallbacks, registry
from volrep.data.clean import CleaningReport
from volrep.data.registry import REGISTRY, DatasetSpec, RawFile, binance_aggtrades, binance_klines, binance_url
from volrep.errors import ConfigError, DataError, MissingDataError

MIRROR = os.environ.get("VOLREP_DATA_DIR")  # read before any test changes it
needs_mirror = pytest.mark.skipif(
    not (MIRROR and (Path(MIRROR) / "MANIFEST.csv").is_file()),
    reason="VOLREP_DATA_DIR does not point at the data mirror",
)

MANIFEST_DATASETS = {
    "binance_klines_15m": 60,
    "binance_klines_1m_daily": 1826,
    "kraken_xbtusd_1h": 1,
    "bitstamp_btcusd_1h": 1,
    "gemini_btcusd_1h": 1,
    "binance_btcusdt_1h_cdd": 1,
    "yahoo_btc_usd_daily_dhansoia": 1,
    "yahoo_gspc_daily_dhansoia": 1,
    "oxfordman_31_indices": 31,
    "oxfordman_spx_all_measures": 1,
    "spy_realized_measures": 1,
    "bpq2016_sp500_realized_measures": 1,
    "sp500_members_daily_panel": 1,
}


@pytest.fixture
def dirs(tmp_path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    monkeypatch.delenv("VOLREP_OFFLINE", raising=False)
    monkeypatch.delenv("VOLREP_MIRROR_URL", raising=False)
    return tmp_path / "raw", tmp_path / "derived"


# ---------------------------------------------------------------------------------------------------------
# registry facts


def test_registry_holds_every_manifest_dataset_with_its_files():
    assert {name: len(spec.files) for name, spec in REGISTRY.items()} == MANIFEST_DATASETS
    files = [f for spec in REGISTRY.values() for f in spec.files]
    assert len(files) == 1927 and len({f.url for f in files}) == 1927
    assert all(len(f.sha256) == 64 and int(f.sha256, 16) >= 0 and f.size > 0 for f in files)
    assert sum(f.size for f in files) == pytest.approx(82e6 + 387e6, rel=0.05)
    for spec in REGISTRY.values():
        assert spec.kind in ("bars", "ticks", "daily_prices", "daily_rm", "panel")
        assert all(f.dataset == spec.name for f in spec.files)
        assert callable(spec.reader) and spec.title and spec.source and spec.units
        assert len(spec.period) == 24 and pd.Timestamp(spec.period[:10]) < pd.Timestamp(spec.period[-10:])


def test_relpath_is_the_mirror_layout():
    klines = REGISTRY["binance_klines_15m"].files
    assert klines[0].relpath == "data.binance.vision/data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2018-01.zip"
    assert [f.name[-11:-4] for f in klines[:3]] == ["2018-01", "2018-02", "2018-03"]  # time order
    kraken = REGISTRY["kraken_xbtusd_1h"].files[0]
    assert kraken.relpath == (
        "raw.githubusercontent.com/avkhimen/crypto_trader/3a117b16d6b1ac984ff87b8d8d10686943e39771/"
        "data/original_files/XBTUSD_60.csv"
    )
    panel = REGISTRY["sp500_members_daily_panel"].files[0]
    assert panel.url.startswith("snapshot:")
    assert panel.relpath == "snapshots/sp500_members_2025_daily_ohlcv_2000_2025.parquet"
    assert kraken.checksum_url is None and klines[0].checksum_url == klines[0].url + ".CHECKSUM"
    with pytest.raises(ConfigError):
        RawFile("ftp://example.org/x", None, None, "t").relpath


def test_oxfordman_members_are_selected_by_file_stem():
    spec = REGISTRY["oxfordman_31_indices"]
    assert spec.member_files and len(spec.members()) == 31
    assert {"sp500", "ftse", "n225", "dax"} <= set(spec.members())
    (sp500,) = spec.select("sp500")
    assert sp500.name == "sp500.rda"
    assert spec.select(None) == spec.files
    with pytest.raises(ConfigError, match="sp500"):
        spec.select("nikkei")
    with pytest.raises(ConfigError, match="no members"):
        REGISTRY["kraken_xbtusd_1h"].select("sp500")


def test_binance_urls():
    assert binance_url("klines", "BTCUSDT", "1m", "monthly", "2021-03-17") == (
        "https://data.binance.vision/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2021-03.zip"
    )
    assert binance_url("aggTrades", "BTCUSDT", None, "monthly", "2021-03") == (
        "https://data.binance.vision/data/spot/monthly/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2021-03.zip"
    )
    assert binance_url("klines", "ETHUSDT", "5m", "daily", "2021-03-05") == (
        "https://data.binance.vision/data/spot/daily/klines/ETHUSDT/5m/ETHUSDT-5m-2021-03-05.zip"
    )
    for bad in [("klines", "BTCUSDT", None, "monthly"), ("aggTrades", "BTCUSDT", "1m", "monthly"),
                ("trades", "BTCUSDT", None, "monthly"), ("klines", "BTCUSDT", "1m", "weekly")]:
        with pytest.raises(ConfigError):
            binance_url(*bad, "2021-03")


def test_binance_constructors_cover_the_period_and_reuse_registered_hashes():
    spec = binance_klines("BTCUSDT", "1m", "2020-11", "2021-02")
    assert [f.name for f in spec.files] == [f"BTCUSDT-1m-{m}.zip" for m in ("2020-11", "2020-12", "2021-01", "2021-02")]
    assert all(f.sha256 is None for f in spec.files) and spec.period == "2020-11-01 .. 2021-02-28"
    mirrored = binance_klines("BTCUSDT", "15m", "2022-11", "2022-12")
    assert mirrored.files == tuple(
        RawFile(f.url, f.sha256, f.size, mirrored.name) for f in REGISTRY["binance_klines_15m"].files[-2:]
    )
    ticks = binance_aggtrades("BTCUSDT", "2021-03-30", "2021-04-02")
    assert len(ticks.files) == 4 and ticks.kind == "ticks"
    assert ticks.files[-1].name == "BTCUSDT-aggTrades-2021-04-02.zip"
    with pytest.raises(ConfigError):
        binance_klines("BTCUSDT", "1m", "2021-03", "2021-01")


def test_bitstamp_ticks_say_they_have_no_published_hash():
    spec = registry.BITSTAMP_TICKS
    (raw,) = spec.files
    assert raw.sha256 is None and raw.relpath == "api.bitcoincharts.com/v1/csv/bitstampUSD.csv.gz"
    assert "No published hash" in spec.caveats and ".sha256" in spec.caveats
    assert spec.name not in REGISTRY  # not mirrored: `volrep data fetch --all` must not pull it


def test_ticker_list_is_the_snapshot_membership():
    tickers = fallbacks.sp500_tickers()
    assert len(tickers) == 503 and len(set(tickers)) == 503 and list(tickers) == sorted(tickers)
    assert {"AAPL", "BRK-B", "BF-B", "GEV"} <= set(tickers)


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(ConfigError, match="binance_klines_15m"):
        data.load("no_such_dataset")


# ---------------------------------------------------------------------------------------------------------
# yfinance fallbacks, with a fake yfinance module (there is no network in tests)


class FakeYFinance(types.ModuleType):
    """Stands in for yfinance: returns a fixed frame and records the calls."""

    def __init__(self, frame: pd.DataFrame | Exception) -> None:
        super().__init__("yfinance")
        self.frame = frame
        self.calls: list[tuple[object, dict]] = []

    def download(self, tickers, **kwargs):
        self.calls.append((tickers, kwargs))
        if isinstance(self.frame, Exception):
            raise self.frame
        return self.frame.copy()


PRICES = ["Close", "High", "Low", "Open", "Volume"]  # yfinance's column order


def _yahoo_frame() -> pd.DataFrame:
    dates = pd.DatetimeIndex(["2018-02-02", "2018-02-05", "2018-02-06"], name="Date")
    columns = pd.MultiIndex.from_product([PRICES, ["^GSPC"]], names=["Price", "Ticker"])
    values = np.array(
        [
            [2762.1, 2808.9, 2759.9, 2808.9, 4.3e9],
            [2648.9, 2763.3, 2638.1, 2741.0, 5.3e9],
            [2695.1, 2701.0, 2593.0, 2614.7, 7.5e9],
        ]
    )
    return pd.DataFrame(values, index=dates, columns=columns)


def test_yahoo_fallback_writes_the_raw_csv_layout(tmp_path, monkeypatch):
    fake = FakeYFinance(_yahoo_frame())
    monkeypatch.setitem(sys.modules, "yfinance", fake)
    dest = tmp_path / "spx.csv"
    REGISTRY["yahoo_gspc_daily_dhansoia"].fallback(dest, progress=False)
    ((ticker, kwargs),) = fake.calls
    assert ticker == "^GSPC" and kwargs["start"] == "2018-02-02" and kwargs["end"] == "2024-11-30"
    assert kwargs["auto_adjust"] is True
    lines = dest.read_text().splitlines()
    assert lines[0] == "Date,Close,High,Low,Open,Volume"
    assert lines[1].startswith("2018-02-02,2762.1,2808.9,2759.9,2808.9,")
    assert len(lines) == 4
    frame, _ = REGISTRY["yahoo_gspc_daily_dhansoia"].reader(dest)  # the dataset's own reader accepts it
    assert frame["close"].tolist() == [2762.1, 2648.9, 2695.1]


def test_panel_fallback_writes_the_snapshot_layout(tmp_path, monkeypatch):
    dates = pd.DatetimeIndex(["2024-03-26", "2024-03-27"], name="Date")
    tickers = ["AAPL", "GEV"]
    columns = pd.MultiIndex.from_product([PRICES, tickers], names=["Price", "Ticker"])
    wide = pd.DataFrame(
        [[170.0, np.nan, 171.0, np.nan, 169.0, np.nan, 170.5, np.nan, 5e7, np.nan],
         [173.0, 140.0, 174.0, 142.0, 172.0, 130.0, 172.5, 135.0, 6e7, 1e7]],
        index=dates, columns=columns,
    )
    fake = FakeYFinance(wide)
    monkeypatch.setitem(sys.modules, "yfinance", fake)
    dest = tmp_path / "panel.parquet"
    REGISTRY["sp500_members_daily_panel"].fallback(dest, progress=False)
    ((asked, kwargs),) = fake.calls
    assert len(asked) == 503 and kwargs["start"] == "2000-01-03" and kwargs["end"] == "2025-07-25"
    panel = pd.read_parquet(dest)
    assert list(panel.columns) == ["date", "ticker", "open", "high", "low", "close", "volume"]
    assert panel["close"].dtype == np.float32 and str(panel["volume"].dtype) == "Int64"
    assert panel[["ticker", "date"]].astype(str).values.tolist() == [  # GEV had no bar before its listing
        ["AAPL", "2024-03-26"], ["AAPL", "2024-03-27"], ["GEV", "2024-03-27"]]
    assert panel["close"].tolist() == [170.0, 173.0, 140.0]
    frame, _ = REGISTRY["sp500_members_daily_panel"].reader(dest)
    assert len(frame) == 3 and frame["volume"].tolist() == [5e7, 6e7, 1e7]


# ---------------------------------------------------------------------------------------------------------
# load() with stub readers defined here (the real ones are tested with the readers)

READS: list[Path] = []


def stub_reader(path: Path) -> tuple[pd.DataFrame, CleaningReport]:
    """Reads the little CSVs of these tests: ``time, price``; counts one made-up cleaning action."""
    READS.append(path)
    frame = pd.read_csv(path, index_col="time")
    frame.index = pd.to_datetime(frame.index, format="ISO8601")
    report = CleaningReport(path.name, rows_in=len(frame), rows_out=len(frame)).add("stub rule", 1)
    return frame, report


def _put(root: Path, relpath: str, text: str) -> RawFile:
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return RawFile(f"https://{relpath}", _sha(text), len(text), "chunks")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _chunk(times: list[str], prices: list[float]) -> str:
    return "time,price\n" + "".join(f"{t},{p}\n" for t, p in zip(times, prices))


def _spec(files: tuple[RawFile, ...], **kwargs) -> DatasetSpec:
    period = "2021-01-01 .. 2021-03-31"
    return DatasetSpec("chunks", "test chunks", "tests", period, "USD", "bars", files, stub_reader, **kwargs)


@pytest.fixture
def chunks(dirs) -> DatasetSpec:
    raw, _ = dirs
    march = _put(raw, "example.org/c/2021-03.csv", _chunk(["2021-03-01", "2021-03-31 23:00"], [3.0, 3.1]))
    jan = _put(raw, "example.org/c/2021-01.csv", _chunk(["2021-01-01", "2021-01-31 23:00"], [1.0, 1.1]))
    feb_times = ["2021-01-31 23:00", "2021-02-01", "2021-02-28 23:00"]  # repeats January's last bar
    feb = _put(raw, "example.org/c/2021-02.csv", _chunk(feb_times, [1.1, 2.0, 2.1]))
    return _spec((march, jan, feb))  # deliberately not in time order


def test_load_concatenates_in_time_order_counts_cross_file_repeats_and_caches(chunks):
    READS.clear()
    ds = data.load(chunks, progress=False)
    assert ds.frame.index.is_monotonic_increasing and ds.frame.index.is_unique
    assert ds.frame["price"].tolist() == [1.0, 1.1, 2.0, 2.1, 3.0, 3.1]
    assert len(READS) == 3
    report = ds.report.set_index(["file", "rule"])["count"]
    assert report[("chunks", data.RULE_REPEATED_ACROSS_FILES)] == 1
    assert report[("2021-02.csv", "stub rule")] == 1 and len(ds.report) == 4
    assert ds.files["rows"].tolist() == [2, 2, 3]
    assert ds.files["sha256"].tolist() == [f.sha256 for f in chunks.files]

    again = data.load(chunks, start="2021-02", end="2021-02", progress=False)
    assert len(READS) == 3  # parsed once: the second load reads the parquet cache
    assert again.frame["price"].tolist() == [2.0, 2.1]  # a month string covers the whole month
    pd.testing.assert_frame_equal(again.report, ds.report)

    box = again.provenance()
    lines = sorted(f"{f.sha256}  {f.url}" for f in chunks.files)
    assert box == {
        "dataset": "chunks",
        "source": "tests",
        "period": "2021-02-01 .. 2021-02-28",
        "rows": 2,
        "files": 3,
        "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
    }


def test_conflicting_rows_across_files_are_an_error(dirs):
    raw, _ = dirs
    a = _put(raw, "example.org/c/a.csv", _chunk(["2021-01-01", "2021-01-02"], [1.0, 1.1]))
    b = _put(raw, "example.org/c/b.csv", _chunk(["2021-01-02", "2021-01-03"], [9.9, 1.2]))
    with pytest.raises(DataError, match="one row per timestamp across files") as err:
        data.load(_spec((a, b)), progress=False)
    assert "2021-01-02" in str(err.value) and "a.csv and b.csv" in str(err.value)


def test_interleaved_files_are_an_error(dirs):
    raw, _ = dirs
    a = _put(raw, "example.org/c/a.csv", _chunk(["2021-01-01", "2021-01-03"], [1.0, 1.1]))
    b = _put(raw, "example.org/c/b.csv", _chunk(["2021-01-02", "2021-01-04"], [1.2, 1.3]))
    with pytest.raises(DataError, match="b.csv starts before a.csv ends"):
        data.load(_spec((b, a)), progress=False)


def test_member_files_are_stacked_or_selected(dirs):
    raw, _ = dirs
    x = _put(raw, "example.org/m/spx.csv", _chunk(["2021-01-04", "2021-01-05"], [1.0, 1.1]))
    y = _put(raw, "example.org/m/ftse.csv", _chunk(["2021-01-04"], [7.0]))
    spec = _spec((x, y), member_files=True)
    both = data.load(spec, progress=False)
    assert both.frame.index.names == ["index", "time"]
    assert both.frame.loc["ftse", "price"].tolist() == [7.0]
    one = data.load(spec, index="spx", start="2021-01-05", progress=False)
    assert one.frame["price"].tolist() == [1.1] and len(one.files) == 1
    assert one.provenance()["sha256"] == x.sha256


def test_list_and_verify(dirs, chunks):
    table = data.list_datasets()
    assert table["name"].tolist() == list(MANIFEST_DATASETS)
    assert table.set_index("name")["files"].to_dict() == MANIFEST_DATASETS
    assert not table["present"].any()  # the temporary data dir is empty
    assert table["bytes"].sum() == sum(f.size for s in REGISTRY.values() for f in s.files)

    raw, _ = dirs
    first = raw / chunks.files[0].relpath
    first.write_text(first.read_text().replace("3.0", "3.5"))  # same size, other bytes
    (raw / chunks.files[1].relpath).unlink()
    status = data.verify_dataset(chunks)
    assert status["status"].tolist() == ["bad hash", "missing", "ok"]
    assert status["path"].tolist() == [str(raw / f.relpath) for f in chunks.files]


# ---------------------------------------------------------------------------------------------------------
# fallbacks invoked or refused


def _snapshot_spec(fallback) -> DatasetSpec:
    raw = RawFile("snapshot:prices.csv", "0" * 64, None, "snap")
    period = "2021-01-01 .. 2021-01-02"
    return DatasetSpec("snap", "snap", "tests", period, "USD", "daily_prices", (raw,), stub_reader, fallback=fallback)


class FakeFallback:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[Path] = []

    def __call__(self, dest: Path, *, progress: bool) -> None:
        self.calls.append(dest)
        if self.error:
            raise self.error
        dest.write_text(_chunk(["2021-01-01", "2021-01-02"], [5.0, 5.5]))


def test_fallback_rebuilds_a_missing_file_once(dirs):
    _, derived = dirs
    fake = FakeFallback()
    ds = data.load(_snapshot_spec(fake), progress=False)
    assert ds.frame["price"].tolist() == [5.0, 5.5]
    assert fake.calls and fake.calls[0].parent == derived / "fallback" / "snap"
    assert ds.files["url"].tolist() == ["yfinance:snap"]
    assert ds.files["path"].tolist() == [str(derived / "fallback/snap/prices.csv")]
    assert "yfinance" in ds.provenance()["source"]
    data.load(_snapshot_spec(fake), progress=False)
    assert len(fake.calls) == 1  # the re-creation is kept


def test_fallback_is_refused_offline(dirs, monkeypatch):
    monkeypatch.setenv("VOLREP_OFFLINE", "1")
    fake = FakeFallback()
    with pytest.raises(MissingDataError, match="snapshots/prices.csv"):
        data.load(_snapshot_spec(fake), progress=False)
    assert fake.calls == []


def test_fallback_not_used_when_the_raw_file_is_present(dirs):
    raw, _ = dirs
    text = _chunk(["2021-01-01"], [1.0])
    (raw / "snapshots").mkdir(parents=True)
    (raw / "snapshots/prices.csv").write_text(text)
    fake = FakeFallback()
    spec = dataclasses.replace(_snapshot_spec(fake), files=(RawFile("snapshot:prices.csv", _sha(text), None, "snap"),))
    assert data.load(spec, progress=False).frame["price"].tolist() == [1.0]
    assert fake.calls == []


def test_failing_fallback_is_missing_data_and_leaves_nothing(dirs):
    _, derived = dirs
    fake = FakeFallback(ConnectionError("no network"))
    with pytest.raises(MissingDataError, match="yfinance fallback failed") as err:
        data.load(_snapshot_spec(fake), progress=False)
    assert "no network" in str(err.value) and "VOLREP_DATA_DIR" in str(err.value)
    assert [p for p in (derived / "fallback").rglob("*") if p.is_file()] == []


# ---------------------------------------------------------------------------------------------------------
# the real mirror


@needs_mirror
def test_every_manifest_file_verifies_in_the_mirror(monkeypatch):
    monkeypatch.setenv("VOLREP_DATA_DIR", MIRROR)
    table = pd.concat([data.verify_dataset(name) for name in REGISTRY], ignore_index=True)
    assert len(table) == 1927  # the 1,826 one-minute files are verified through their gzip copies
    assert table["status"].eq("ok").all(), table.loc[table["status"] != "ok"].to_string()
    assert data.list_datasets()["present"].all()


@needs_mirror
def test_real_monthly_zips_concatenate_into_one_series(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLREP_DATA_DIR", MIRROR)
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    monkeypatch.setenv("VOLREP_OFFLINE", "1")
    ds = data.load("binance_klines_15m", progress=False)
    assert ds.frame.index.is_monotonic_increasing and ds.frame.index.is_unique
    assert len(ds.files) == 60 and ds.files["rows"].sum() == len(ds.frame)  # no bar is in two files
    assert ds.files["sha256"].tolist() == [f.sha256 for f in REGISTRY["binance_klines_15m"].files]
    box = data.load("binance_klines_15m", start="2020-03", end="2020-03", progress=False).provenance()
    assert box["period"] == "2020-03-01 .. 2020-03-31" and box["files"] == 60
    assert 2900 < box["rows"] <= 31 * 96


@needs_mirror
def test_real_oxfordman_members(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLREP_DATA_DIR", MIRROR)
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    sp500 = data.load("oxfordman_31_indices", index="sp500", progress=False)
    assert sp500.provenance()["sha256"] == REGISTRY["oxfordman_31_indices"].select("sp500")[0].sha256
    every = data.load("oxfordman_31_indices", progress=False)
    assert every.frame.index.get_level_values("index").nunique() == 31
    pd.testing.assert_frame_equal(every.frame.loc["sp500"], sp500.frame, check_freq=False)
