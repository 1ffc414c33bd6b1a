"""Tests of the raw-format readers on small files written here, plus checks on the offline mirror.

The mirror tests run only when ``VOLREP_DATA_DIR`` points at the mirror; they assert facts of the real
files (counts measured on them and listed in the data README).
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import rdata
from rdata.conversion.to_r import DEFAULT_CLASS_MAP, build_r_object

from volrep.data import clean, readers
from volrep.data.clean import CleaningReport, merge_reports
from volrep.errors import ConfigError, DataError

T0 = pd.Timestamp("2021-03-01 00:00", tz="UTC")
MS = 1_000_000  # ns per ms
STEP_15M = 15 * 60 * 1000  # ms


# ---------------------------------------------------------------------------------------------------------
# file builders


def _write_zip(path: Path, text: str, member: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member or path.with_suffix(".csv").name, text)
    return path


def _kline_lines(open_ms: Sequence[int], *, step: int = STEP_15M, scale: int = 1, **override: Any) -> list[str]:
    """Binance kline rows; ``scale=1000`` writes microseconds; ``override`` maps column -> {row: value}."""
    rows = []
    for i, t in enumerate(open_ms):
        price = 100.0 + i
        row = {
            "open_time": t * scale,
            "open": price,
            "high": price + 2,
            "low": price - 1,
            "close": price + 1,
            "volume": 10.0 + i,
            "close_time": (t + step) * scale - 1,
            "quote_volume": (10.0 + i) * price,
            "count": 5 + i,
            "taker_buy_base": 1.0,
            "taker_buy_quote": 100.0,
            "ignore": 0,
        }
        for column, values in override.items():
            if i in values:
                row[column] = values[i]
        rows.append(",".join(str(v) for v in row.values()))
    return rows


def _grid_ms(n: int, step: int = STEP_15M) -> list[int]:
    return [T0.value // MS + i * step for i in range(n)]


def _klines_zip(
    tmp_path: Path, lines: Sequence[str], name: str = "BTCUSDT-15m-2021-03.zip", header: bool = False
) -> Path:
    head = [",".join(readers.binance._KLINE_COLUMNS)] if header else []
    return _write_zip(tmp_path / name, "\n".join([*head, *lines]) + "\n")


@dataclass
class RVector:
    """An R vector (or list) with arbitrary attributes, for writing R files with rdata."""

    values: Any
    attributes: dict[str, Any]


def _r_vector(data: RVector, converter: Any) -> Any:
    base = converter.convert_to_r_object(data.values)
    attributes = converter.convert_to_r_attributes(data.attributes)
    return build_r_object(base.info.type, value=base.value, is_object="class" in data.attributes, attributes=attributes)


def _write_rda(path: Path, name: str, obj: RVector) -> Path:
    rdata.write_rda(path, {name: obj}, constructor_dict={**DEFAULT_CLASS_MAP, RVector: _r_vector})
    return path


def _xts(values: np.ndarray, columns: Sequence[str], index_seconds: np.ndarray) -> RVector:
    """An R xts object as xts >= 0.10 writes it (index seconds with tzone/tclass attributes)."""
    return RVector(
        np.ravel(values, order="F"),
        {
            "dim": np.array(values.shape, dtype=np.int32),
            "dimnames": [None, np.array(columns)],
            "index": RVector(
                index_seconds.astype(np.float64), {"tzone": np.array(["UTC"]), "tclass": np.array(["Date"])}
            ),
            "class": np.array(["xts", "zoo"]),
        },
    )


def _r_dates(dates: pd.DatetimeIndex) -> RVector:
    days = dates.values.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    return RVector(days, {"class": np.array(["Date"])})


def _data_frame(columns: dict[str, Any], classes: Sequence[str] = ("data.frame",)) -> RVector:
    n = len(
        next(iter(columns.values())).values
        if isinstance(next(iter(columns.values())), RVector)
        else next(iter(columns.values()))
    )
    return RVector(
        list(columns.values()),
        {
            "names": np.array(list(columns)),
            "class": np.array(list(classes)),
            "row.names": np.arange(1, n + 1, dtype=np.int32),
        },
    )


def _seconds(dates: pd.DatetimeIndex) -> np.ndarray:
    return dates.values.astype("datetime64[s]").astype(np.int64)


# ---------------------------------------------------------------------------------------------------------
# Binance klines


def test_klines_schema_and_values(tmp_path: Path) -> None:
    path = _klines_zip(tmp_path, _kline_lines(_grid_ms(4)))
    bars, report = readers.read_binance_klines(path)
    assert list(bars.columns) == ["open", "high", "low", "close", "volume", "trades", "close_time", "quote_volume"]
    assert bars.index.name == "timestamp"
    assert str(bars.index.dtype) == "datetime64[ns, UTC]"
    assert str(bars["close_time"].dtype) == "datetime64[ns, UTC]"
    assert bars["trades"].dtype == "Int64"
    assert all(bars[c].dtype == np.float64 for c in ("open", "high", "low", "close", "volume", "quote_volume"))
    assert bars.index[0] == T0 and bars.index[-1] == T0 + pd.Timedelta("45min")
    assert bars["close_time"].iloc[0] == T0 + pd.Timedelta("15min") - pd.Timedelta("1ms")
    assert bars["close"].tolist() == [101.0, 102.0, 103.0, 104.0]
    assert bars["trades"].tolist() == [5, 6, 7, 8]
    assert (report.rows_in, report.rows_out) == (4, 4)
    assert report.actions == []


def test_klines_header_and_microseconds_give_the_same_bars(tmp_path: Path) -> None:
    ms, _ = readers.read_binance_klines(_klines_zip(tmp_path, _kline_lines(_grid_ms(5))))
    (tmp_path / "us").mkdir()
    us_path = _klines_zip(tmp_path / "us", _kline_lines(_grid_ms(5), scale=1000), header=True)
    us, report = readers.read_binance_klines(us_path)
    pd.testing.assert_frame_equal(ms.drop(columns="close_time"), us.drop(columns="close_time"))
    assert ((us["close_time"] - ms["close_time"]) == pd.Timedelta("999us")).all()  # bar end - 1 µs
    assert report.count("epoch timestamps in microseconds normalised") == 5
    assert report.rows_in == 5


def test_klines_count_gaps_off_grid_zero_trade_and_short_close_time(tmp_path: Path) -> None:
    opens = _grid_ms(10)
    del opens[3:6]  # 3 missing bars
    opens[-1] += 7_000  # one bar 7 s off the grid
    lines = _kline_lines(
        opens,
        count={1: 0},
        close_time={2: opens[2] + 60_000, 4: opens[4] - 5},  # short, and before its open
    )
    bars, report = readers.read_binance_klines(_klines_zip(tmp_path, lines))
    assert len(bars) == 7
    # 3 bars deleted, plus the grid point passed over by the shifted last bar
    assert report.count(readers.RULE_MISSING_BARS) == 4
    assert report.count(readers.RULE_OFF_GRID) == 1
    assert report.count(readers.RULE_ZERO_TRADE_BARS) == 1
    assert report.count(readers.RULE_SHORT_CLOSE_TIME) == 2
    assert report.count(readers.RULE_CLOSE_BEFORE_OPEN) == 1
    assert bars.index[-1] == T0 + pd.Timedelta("135min") + pd.Timedelta("7s")  # kept as is


def test_klines_interval_from_name_or_argument(tmp_path: Path) -> None:
    lines = _kline_lines(_grid_ms(3, step=3_600_000), step=3_600_000)
    _, report = readers.read_binance_klines(_klines_zip(tmp_path, lines, name="ETHBTC-1h-2021-03-01.zip"))
    assert report.actions == []
    _, report = readers.read_binance_klines(_klines_zip(tmp_path, lines, name="ETHBTC-1h-2021-03-01.zip"), "15m")
    assert report.count(readers.RULE_MISSING_BARS) == 6
    odd = _klines_zip(tmp_path, lines, name="klines.zip")
    with pytest.raises(ConfigError, match="interval"):
        readers.read_binance_klines(odd)
    with pytest.raises(ConfigError):
        readers.read_binance_klines(odd, "1M")
    bars, _ = readers.read_binance_klines(odd, pd.Timedelta("1h"))
    assert len(bars) == 3


@pytest.mark.parametrize(
    ("override", "rule", "row"),
    [
        ({"low": {2: -1.0}}, "prices positive and finite", 2),
        ({"close": {1: 0.0}}, "prices positive and finite", 1),
        ({"high": {3: 1e9}}, "prices in plausible units", 3),
        ({"volume": {2: -3.0}}, "values non-negative and finite", 2),
        ({"open": {2: "abc"}}, "numeric fields", 2),
        ({"open_time": {3: ""}}, "timestamps present", 3),
    ],
)
def test_klines_bad_values_raise_with_row_and_rule(tmp_path: Path, override: dict, rule: str, row: int) -> None:
    path = _klines_zip(tmp_path, _kline_lines(_grid_ms(5), **override), header=True)
    with pytest.raises(DataError) as err:
        readers.read_binance_klines(path)
    assert (err.value.rule, err.value.row) == (rule, row)
    assert err.value.file == str(path)


def test_klines_non_monotone_time_raises(tmp_path: Path) -> None:
    opens = _grid_ms(5)
    opens[2], opens[3] = opens[3], opens[2]
    with pytest.raises(DataError) as err:
        readers.read_binance_klines(_klines_zip(tmp_path, _kline_lines(opens)))
    assert (err.value.rule, err.value.row) == ("timestamps strictly increasing", 3)
    repeated = _grid_ms(4)
    repeated[2] = repeated[1]
    with pytest.raises(DataError, match="strictly increasing"):
        readers.read_binance_klines(_klines_zip(tmp_path, _kline_lines(repeated)))


def test_corrupt_truncated_and_odd_zips_raise_data_error(tmp_path: Path) -> None:
    good = _klines_zip(tmp_path, _kline_lines(_grid_ms(400)))
    data = good.read_bytes()
    truncated = tmp_path / "BTCUSDT-15m-2021-04.zip"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="BadZipFile") as err:
        readers.read_binance_klines(truncated)
    assert err.value.rule == "readable, complete archive"
    damaged = bytearray(data)
    start = len(damaged) // 2
    damaged[start : start + 40] = bytes(40)
    broken = tmp_path / "BTCUSDT-15m-2021-05.zip"
    broken.write_bytes(bytes(damaged))
    with pytest.raises(DataError):
        readers.read_binance_klines(broken)
    two = tmp_path / "BTCUSDT-15m-2021-06.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", "1\n")
        archive.writestr("b.csv", "2\n")
    with pytest.raises(DataError, match="exactly one CSV"):
        readers.read_binance_klines(two)
    empty = _write_zip(tmp_path / "BTCUSDT-15m-2021-07.zip", "")
    with pytest.raises(DataError, match="at least one data row"):
        readers.read_binance_klines(empty)


# ---------------------------------------------------------------------------------------------------------
# ticks: Binance aggTrades and bitcoincharts


def _aggtrade_lines(times: Sequence[int], prices: Sequence[Any], amounts: Sequence[Any]) -> list[str]:
    return [
        f"{i},{p},{q},{10 * i},{10 * i + 2},{t},True,True"
        for i, (t, p, q) in enumerate(zip(times, prices, amounts, strict=True))
    ]


def test_aggtrades_ticks_schema_ties_and_units(tmp_path: Path) -> None:
    t = T0.value // MS
    times = [t, t, t + 5, (t + 9) * 1000]  # last one in microseconds
    path = _write_zip(
        tmp_path / "BTCUSDT-aggTrades-2021-03-01.zip",
        "\n".join(_aggtrade_lines(times, [1.5, 1.6, 1.7, 1.8], [2, 3, 0, 1])),
    )
    ticks, report = readers.read_binance_aggtrades(path)
    assert list(ticks.columns) == ["timestamp", "price", "amount"]
    assert str(ticks["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert ticks["price"].dtype == np.float64 and ticks["amount"].dtype == np.float64
    assert isinstance(ticks.index, pd.RangeIndex)
    assert ticks["timestamp"].iloc[-1] == T0 + pd.Timedelta("9ms")
    assert ticks["timestamp"].iloc[0] == ticks["timestamp"].iloc[1]  # ties are trades, kept
    assert report.count("epoch timestamps in microseconds normalised") == 1
    assert report.count(readers.RULE_ZERO_AMOUNT) == 1
    assert (report.rows_in, report.rows_out) == (4, 4)


def test_aggtrades_header_chunks_and_errors(tmp_path: Path) -> None:
    t = T0.value // MS
    times = [t + i for i in range(7)]
    header = ",".join(readers.binance._AGGTRADE_COLUMNS)
    body = _aggtrade_lines(times, [100 + i for i in range(7)], [1] * 7)
    path = _write_zip(tmp_path / "a.zip", "\n".join([header, *body]))
    whole, _ = readers.read_binance_aggtrades(path)
    report = CleaningReport(str(path))
    chunks = list(readers.iter_binance_aggtrades(path, chunksize=3, report=report))
    assert [len(c) for c in chunks] == [3, 3, 1]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
    assert (report.rows_in, report.rows_out) == (7, 7)
    times[4] = t  # earlier than rows 1..3: detected across the chunk boundary at file row 4
    bad = _write_zip(tmp_path / "b.zip", "\n".join(_aggtrade_lines(times, [100] * 7, [1] * 7)))
    with pytest.raises(DataError) as err:
        list(readers.iter_binance_aggtrades(bad, chunksize=3))
    assert (err.value.rule, err.value.row) == ("timestamps non-decreasing", 4)
    text = _write_zip(
        tmp_path / "c.zip", "\n".join(_aggtrade_lines([t] * 7, [100, 100, 100, 100, 100, "1e", 100], [1] * 7))
    )
    with pytest.raises(DataError) as err:
        list(readers.iter_binance_aggtrades(text, chunksize=2))
    assert (err.value.rule, err.value.row) == ("numeric fields", 5)


def _bitcoincharts_text(rows: Sequence[tuple[int, float, float]]) -> str:
    return "".join(f"{t},{p:.12f},{a:.12f}\n" for t, p, a in rows)


def test_bitcoincharts_plain_gz_and_chunks_agree(tmp_path: Path) -> None:
    t = 1_315_922_016
    rows = [(t, 5.8, 1.0), (t, 5.8, 0.5), (t + 1, 0.0, 2.0), (t + 60, 6.0, 0.0), (t + 61, 6.1, 3.0)]
    plain = tmp_path / "bitstampUSD.csv"
    plain.write_text(_bitcoincharts_text(rows))
    packed = tmp_path / "bitstampUSD.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    ticks, report = readers.read_bitcoincharts(plain)
    from_gz, _ = readers.read_bitcoincharts(packed)
    pd.testing.assert_frame_equal(ticks, from_gz)
    assert len(ticks) == 4  # the zero-price trade is dropped, and counted
    assert report.count(clean.RULE_ZERO_PRICES) == 1
    assert report.count(readers.RULE_ZERO_AMOUNT) == 1
    assert (report.rows_in, report.rows_out) == (5, 4)
    assert ticks["timestamp"].iloc[0] == pd.Timestamp(t, unit="s", tz="UTC")
    streamed = CleaningReport(str(packed))
    chunks = list(readers.iter_bitcoincharts(packed, chunksize=2, report=streamed))
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), ticks)
    assert streamed.to_frame()[["rule", "count"]].equals(report.to_frame()[["rule", "count"]])


def test_bitcoincharts_errors(tmp_path: Path) -> None:
    t = 1_315_922_016
    good = gzip.compress(_bitcoincharts_text([(t + i, 5.0, 1.0) for i in range(5000)]).encode())
    truncated = tmp_path / "cut.csv.gz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError) as err:
        readers.read_bitcoincharts(truncated)
    assert err.value.rule == "readable, complete archive"
    negative = tmp_path / "neg.csv"
    negative.write_text(_bitcoincharts_text([(t, 5.0, 1.0), (t + 1, -5.0, 1.0)]))
    with pytest.raises(DataError) as err:
        readers.read_bitcoincharts(negative)
    assert (err.value.rule, err.value.row) == ("prices positive and finite", 1)
    backwards = tmp_path / "back.csv"
    backwards.write_text(_bitcoincharts_text([(t, 5.0, 1.0), (t + 5, 5.0, 1.0), (t + 4, 5.0, 1.0)]))
    with pytest.raises(DataError) as err:
        readers.read_bitcoincharts(backwards)
    assert (err.value.rule, err.value.row) == ("timestamps non-decreasing", 2)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="at least one data row"):
        readers.read_bitcoincharts(empty)


# ---------------------------------------------------------------------------------------------------------
# Kraken


def test_kraken_missing_hours_are_counted_not_errors(tmp_path: Path) -> None:
    start = int(T0.timestamp())
    hours = [0, 1, 2, 5, 6, 30]
    text = "".join(f"{start + 3600 * h},{100 + h},{102 + h},{99 + h},{101 + h},{0.5 * h},{h + 1}\n" for h in hours)
    path = tmp_path / "XBTUSD_60.csv"
    path.write_text(text)
    bars, report = readers.read_kraken_ohlcvt(path)
    assert list(bars.columns) == ["open", "high", "low", "close", "volume", "trades"]
    assert bars["trades"].dtype == "Int64"
    assert bars.index[3] == T0 + pd.Timedelta("5h")
    assert report.count(readers.RULE_MISSING_BARS) == 2 + 23
    gaps = clean.find_gaps(bars.index, "1h")
    assert gaps["missing"].tolist() == [2, 23]
    daily = tmp_path / "XBTUSD_1440.csv"
    daily.write_text(text)
    _, report = readers.read_kraken_ohlcvt(daily)
    assert report.count(readers.RULE_MISSING_BARS) == 0
    other = tmp_path / "kraken.csv"
    other.write_text(text)
    with pytest.raises(ConfigError):
        readers.read_kraken_ohlcvt(other)
    assert len(readers.read_kraken_ohlcvt(other, "1h")[0]) == 6


# ---------------------------------------------------------------------------------------------------------
# CryptoDataDownload


def test_cryptodatadownload_binance_style(tmp_path: Path) -> None:
    """Newest first, mixed s/ms, one hour exported twice (old format in seconds, new in milliseconds)."""
    h = [int((T0 + pd.Timedelta(hours=i)).timestamp()) for i in range(4)]
    lines = [
        "https://www.CryptoDataDownload.com",
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount",
        f"{h[3] * 1000},2021-03-01 03:00:00,BTC/USDT,103,105,102,104,2.0,208.0,40",
        f"{h[2] * 1000},2021-03-01 02:00:00,BTC/USDT,102.00,104,101,103,1.5,154.5,30",
        f"{h[2]}.0,2021-03-01 02-AM,BTC/USDT,102.01,104,101,103,1.52,154.5,NULL",
        f"{h[1]}.0,2021-03-01 01-AM,BTC/USDT,101,103,100,102,1.0,102.0,NULL",
        f"{h[0]}.0,2021-03-01 12-AM,BTC/USDT,100,102,99,101,1.0,101.0,NULL",
    ]
    path = tmp_path / "Binance_BTCUSDT_1h.csv"
    path.write_text("\n".join(lines) + "\n")
    bars, report = readers.read_cryptodatadownload(path)
    assert list(bars.columns) == ["open", "high", "low", "close", "volume", "trades", "quote_volume"]
    assert bars.index.tolist() == [T0 + pd.Timedelta(hours=i) for i in range(4)]
    assert bars.loc[T0 + pd.Timedelta(hours=2), "open"] == 102.00  # the new-format row is kept
    assert bars["trades"].tolist()[1:] == [pd.NA, 30, 40]
    assert report.count("epoch timestamps in milliseconds normalised") == 2
    assert report.count(readers.RULE_NEWEST_FIRST) == 5
    assert report.count("rows sharing a timestamp dropped (keep=last)") == 1
    assert (report.rows_in, report.rows_out) == (5, 4)


def test_cryptodatadownload_gemini_and_bitstamp_styles(tmp_path: Path) -> None:
    h = [int((T0 + pd.Timedelta(hours=i)).timestamp()) for i in range(3)]
    gemini = tmp_path / "gemini_BTCUSD_1hr.csv"
    gemini.write_text(
        "Created on 12-30-2020,https://www.CryptoDataDownload.com\n"
        "Unix Timestamp,Date,Symbol,Open,High,Low,Close,Volume\n"
        f"{h[2] * 1000},x,BTCUSD,245,246,244,245.5,2.0\n"
        f"{h[1]},x,BTCUSD,245,245,244.5,245,4.45\n"
        f"{h[0]},x,BTCUSD,0.0,245,0.0,245,0.6\n"
    )
    bars, report = readers.read_cryptodatadownload(gemini)
    assert list(bars.columns) == ["open", "high", "low", "close", "volume"]
    assert len(bars) == 2 and bars.index[0] == T0 + pd.Timedelta("1h")
    assert report.count(clean.RULE_ZERO_PRICES) == 1
    bitstamp = tmp_path / "Bitstamp_BTCUSD_1h.csv"
    bitstamp.write_text(
        "https://www.CryptoDataDownload.com\n"
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
        f"{h[2]},x,BTC/USD,8700,8800,8600,8750,100.0,875000.0\n"
        f"{h[1]},x,BTC/USD,8700,8800,8600,8700,870000.0,100.0\n"
        f"{h[0]},x,BTC/USD,8700,8800,8600,8700,861300.0,99.0\n"
    )
    bars, report = readers.read_cryptodatadownload(bitstamp)
    assert bars["volume"].tolist() == [99.0, 100.0, 100.0]
    assert bars["quote_volume"].tolist() == [861300.0, 870000.0, 875000.0]
    assert report.count(clean.RULE_SWAPPED_VOLUMES) == 2


def test_cryptodatadownload_errors(tmp_path: Path) -> None:
    h = [int((T0 + pd.Timedelta(hours=i)).timestamp()) for i in range(3)]
    head = "https://www.CryptoDataDownload.com\nunix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(head + f"{h[2]},x,s,1,2,1,1,1,1\n{h[0]},x,s,1,2,1,1,1,1\n{h[1]},x,s,1,2,1,1,1,1\n")
    with pytest.raises(DataError) as err:
        readers.read_cryptodatadownload(shuffled)
    assert (err.value.rule, err.value.row) == ("timestamps non-decreasing", 1)
    no_header = tmp_path / "no_header.csv"
    no_header.write_text(f"{h[0]},x,s,1,2,1,1,1,1\n")
    with pytest.raises(DataError, match="unix column"):
        readers.read_cryptodatadownload(no_header)
    no_close = tmp_path / "no_close.csv"
    no_close.write_text("banner\nunix,date,symbol,open,high,low,Volume BTC\n")
    with pytest.raises(DataError, match="close"):
        readers.read_cryptodatadownload(no_close)


# ---------------------------------------------------------------------------------------------------------
# Yahoo daily


def test_yahoo_daily_ignores_derived_columns_and_counts_repeated_closes(tmp_path: Path) -> None:
    path = tmp_path / "btc_data.csv"
    path.write_text(
        "Date,Close,High,Low,Open,Volume,log_return,realized_vol,log_rv\n"
        "2017-02-26,1150.0,1160,1140,1145,100,0.1,0.2,0.3\n"
        "2017-02-27,1190.0,1200,1150,1150,200,0.1,0.2,0.3\n"
        "2017-02-28,1190.0,1195,1180,1189,150,0.0,0.2,0.3\n"
        "2017-03-01,1222.5,1230,1185,1190,300,0.02,0.2,0.3\n"
    )
    daily, report = readers.read_yahoo_daily(path)
    assert list(daily.columns) == ["open", "high", "low", "close", "volume"]
    assert daily.index.name == "date" and daily.index.tz is None
    assert str(daily.index.dtype) == "datetime64[ns]"
    assert daily.loc["2017-02-28", "open"] == 1189.0
    assert report.count(readers.RULE_IGNORED_COLUMNS) == 3
    assert report.actions[0].detail == "log_return, realized_vol, log_rv"
    assert report.count(readers.RULE_REPEATED_CLOSE) == 1
    assert (report.rows_in, report.rows_out) == (4, 4)


def test_yahoo_daily_duplicates_and_errors(tmp_path: Path) -> None:
    head = "Date,Close,High,Low,Open,Volume\n"
    dup = tmp_path / "dup.csv"
    dup.write_text(
        head + "2020-01-02,10,11,9,10,5\n2020-01-02,10,11,9,10,5\n2020-01-03 00:00:00-05:00,10.5,11,9,10,5\n"
    )
    daily, report = readers.read_yahoo_daily(dup)
    assert len(daily) == 2 and daily.index[1] == pd.Timestamp("2020-01-03")
    assert report.count(clean.RULE_EXACT_DUPLICATES) == 1
    conflict = tmp_path / "conflict.csv"
    conflict.write_text(head + "2020-01-02,10,11,9,10,5\n2020-01-02,10.5,11,9,10,5\n")
    with pytest.raises(DataError) as err:
        readers.read_yahoo_daily(conflict)
    assert (err.value.rule, err.value.row) == ("timestamps strictly increasing", 1)
    bad_date = tmp_path / "bad_date.csv"
    bad_date.write_text(head + "2020-01-02,10,11,9,10,5\n02/01/2020,10,11,9,10,5\n")
    with pytest.raises(DataError) as err:
        readers.read_yahoo_daily(bad_date)
    assert err.value.row == 1
    missing = tmp_path / "missing.csv"
    missing.write_text("Date,Close,High,Low,Open\n2020-01-02,10,11,9,10\n")
    with pytest.raises(DataError, match="Volume"):
        readers.read_yahoo_daily(missing)
    text = tmp_path / "text.csv"
    text.write_text(head + "2020-01-02,10,11,9,10,5\n2020-01-03,ten,11,9,10,5\n")
    with pytest.raises(DataError) as err:
        readers.read_yahoo_daily(text)
    assert (err.value.rule, err.value.row) == ("numeric fields", 1)


# ---------------------------------------------------------------------------------------------------------
# S&P 500 panel


def _panel(tmp_path: Path, frame: pd.DataFrame, name: str = "panel.parquet") -> Path:
    path = tmp_path / name
    frame.to_parquet(path, index=False)
    return path


def _panel_frame() -> pd.DataFrame:
    dates = pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-06"])
    rows = [(d, t) for t in ("MSFT", "AAPL") for d in dates]
    frame = pd.DataFrame(rows, columns=["date", "ticker"])
    base = np.arange(1, len(frame) + 1, dtype=np.float32)
    return frame.assign(open=base, high=base + 1, low=base - 0.5, close=base + 0.5, volume=np.arange(len(frame)) * 100)


def test_sp500_panel_resorts_and_casts(tmp_path: Path) -> None:
    frame = _panel_frame().astype({"ticker": "category"})
    panel, report = readers.read_sp500_panel(_panel(tmp_path, frame))
    assert list(panel.columns) == ["date", "ticker", "open", "high", "low", "close", "volume"]
    assert panel["ticker"].cat.categories.tolist() == ["AAPL", "MSFT"]
    assert panel["ticker"].tolist() == ["AAPL"] * 3 + ["MSFT"] * 3
    assert panel["date"].is_monotonic_increasing is False
    assert panel.groupby("ticker", observed=True)["date"].apply(lambda d: d.is_monotonic_increasing).all()
    assert all(panel[c].dtype == np.float64 for c in ("open", "high", "low", "close", "volume"))
    assert str(panel["date"].dtype) == "datetime64[ns]"
    assert report.count(readers.RULE_RESORTED) == 6
    assert panel.loc[0, "close"] == 4.5  # AAPL's first row was file row 3


def test_sp500_panel_errors(tmp_path: Path) -> None:
    frame = _panel_frame()
    with pytest.raises(DataError) as err:
        readers.read_sp500_panel(_panel(tmp_path, pd.concat([frame, frame.iloc[[4]]], ignore_index=True)))
    assert (err.value.rule, err.value.row) == ("one row per (date, ticker)", 6)
    negative = frame.copy()
    negative.loc[2, "low"] = -1.0
    with pytest.raises(DataError) as err:
        readers.read_sp500_panel(_panel(tmp_path, negative))
    assert (err.value.rule, err.value.row) == ("prices positive and finite", 2)
    with pytest.raises(DataError, match="volume"):
        readers.read_sp500_panel(_panel(tmp_path, frame.drop(columns="volume")))
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 not really")
    with pytest.raises(DataError, match="parquet"):
        readers.read_sp500_panel(corrupt)


# ---------------------------------------------------------------------------------------------------------
# R files


def test_oxfordman_xts_converts_units_and_reads_the_index(tmp_path: Path) -> None:
    dates = pd.DatetimeIndex(["2020-01-02", "2020-01-03", "2020-01-06"])
    values = np.array([[1.0, 2.0], [-3.0, 0.5], [0.2, 1.1]])
    path = _write_rda(tmp_path / "sp500.rda", "sp500", _xts(values, ["r", "rv"], _seconds(dates)))
    measures, report = readers.read_oxfordman_xts(path)
    assert list(measures.columns) == ["ret_demeaned", "rv5"]
    assert measures.index.equals(pd.DatetimeIndex(dates, name="date"))
    np.testing.assert_allclose(measures["ret_demeaned"], [0.01, -0.03, 0.002])
    np.testing.assert_allclose(measures["rv5"], [2e-4, 0.5e-4, 1.1e-4])
    assert report.count(readers.RULE_UNITS) == 3


@pytest.mark.parametrize("offset_hours", [-9, 5])
def test_xts_index_at_local_midnight_gives_the_local_date(tmp_path: Path, offset_hours: int) -> None:
    """Midnight in Tokyo is 15:00 UTC the day before; in New York 05:00 UTC the same day."""
    dates = pd.DatetimeIndex(["2020-01-06", "2020-01-07"])
    seconds = _seconds(dates) + offset_hours * 3600
    path = _write_rda(tmp_path / "n225.rda", "n225", _xts(np.array([[0.1, 1.0], [0.2, 1.0]]), ["r", "rv"], seconds))
    measures, _ = readers.read_oxfordman_xts(path)
    assert measures.index.equals(pd.DatetimeIndex(dates, name="date"))


def test_oxfordman_dated_matrix_and_unit_errors(tmp_path: Path) -> None:
    def matrix(values: np.ndarray, rows: Sequence[str]) -> RVector:
        return RVector(
            np.ravel(values, order="F"),
            {"dim": np.array(values.shape, dtype=np.int32), "dimnames": [np.array(rows), np.array(["r", "rv"])]},
        )

    ok = _write_rda(
        tmp_path / "ftse.rda", "ftse", matrix(np.array([[0.5, 1.0], [0.1, 0.9]]), ["2020-01-02", "2020-01-03"])
    )
    measures, _ = readers.read_oxfordman_xts(ok)
    assert measures.index.tolist() == [pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-03")]
    assert measures["rv5"].tolist() == [1e-4, 0.9e-4]
    wrong_units = _write_rda(
        tmp_path / "dax.rda", "dax", matrix(np.array([[0.5, 4e4], [0.1, 5e3]]), ["2020-01-02", "2020-01-03"])
    )
    with pytest.raises(DataError) as err:
        readers.read_oxfordman_xts(wrong_units)
    assert (err.value.rule, err.value.row) == ("daily variance in decimal units", 0)
    bad_rows = _write_rda(
        tmp_path / "cac.rda", "cac", matrix(np.array([[0.5, 1.0], [0.1, 0.9]]), ["2020-01-02", "Jan 3"])
    )
    with pytest.raises(DataError) as err:
        readers.read_oxfordman_xts(bad_rows)
    assert (err.value.rule, err.value.row) == ("row names are YYYY-MM-DD dates", 1)
    garbage = tmp_path / "garbage.rda"
    garbage.write_bytes(gzip.compress(b"RDX3\nnot an R file"))
    with pytest.raises(DataError, match="readable R data file"):
        readers.read_oxfordman_xts(garbage)


def _realized_library(dates: pd.DatetimeIndex) -> RVector:
    n = len(dates)
    rng = np.random.default_rng(3)
    return _data_frame(
        {
            "date": _r_dates(dates),
            "symbol": np.array([".SPX"] * n),
            "rv5": rng.uniform(2e-5, 2e-4, n),
            "bv": rng.uniform(2e-5, 2e-4, n),
            "open_to_close": rng.normal(0, 0.01, n),
            "close_price": np.linspace(3000, 3100, n),
            "nobs": np.full(n, 1500.0),
        },
        classes=("spec_tbl_df", "tbl_df", "tbl", "data.frame"),
    )


def test_realized_library_shifts_uk_summer_time_dates(tmp_path: Path) -> None:
    truth = pd.bdate_range("2018-01-01", "2018-12-31")
    in_bst = (truth >= "2018-03-26") & (truth <= "2018-10-26")  # BST 2018: 25 Mar .. 28 Oct
    stamped = truth - pd.to_timedelta(in_bst.astype(int), unit="D")
    path = _write_rda(tmp_path / "realizedLibrary.rda", "realizedLibrary", _realized_library(stamped))
    measures, report = readers.read_realized_library(path)
    assert measures.index.equals(pd.DatetimeIndex(truth, name="date"))
    assert "symbol" not in measures.columns and "rv5" in measures.columns
    assert report.count(clean.RULE_UK_SUMMER_TIME) == int(in_bst.sum())
    assert f"{int((stamped.day_of_week == 6).sum())} of them fell on Sundays" in report.actions[0].detail
    clean_path = _write_rda(tmp_path / "clean.rda", "realizedLibrary", _realized_library(truth))
    measures, report = readers.read_realized_library(clean_path)
    assert measures.index.equals(pd.DatetimeIndex(truth, name="date")) and report.actions == []


def test_rda_frame_units_by_object_name(tmp_path: Path) -> None:
    dates = pd.DatetimeIndex(["2010-01-04", "2010-01-05"])
    names = ["RV", "RQ", "RJ", "BPV", "RVn", "RVp", "TPQ", "MedRQ", "TrRQ", "RQ15Min", "RQBoot"]
    values = np.tile([0.6, 1e-4, 0.05, 0.55, 0.3, 0.3, 1e-4, 1e-4, 1e-4, 1e-3, 1e-3], (2, 1))
    bpq = _write_rda(tmp_path / "SP500RM.rda", "SP500RM", _xts(values, names, _seconds(dates)))
    measures, report = readers.read_rda_frame(bpq)
    assert measures.columns.tolist() == [n.lower() for n in names]
    np.testing.assert_allclose(measures["rv"], 0.6e-4)
    np.testing.assert_allclose(measures["rq"], 1e-12)
    assert report.count(readers.RULE_UNITS) == 2
    spy = _data_frame(
        {
            "DT": _r_dates(dates),
            "RV5": np.array([2e-5, 3e-5]),
            "RQ5": np.array([4e-2, 9e-2]),
            "CLOSE": np.array([180.0, 181.0]),
        },
        classes=("data.table", "data.frame"),
    )
    units = readers.RdaUnits(variance=("rv5",), variance_scale=1.0, quarticity=("rq5",), quarticity_scale=1e-8)
    path = _write_rda(tmp_path / "spy.rda", "MYSPY", spy)
    with pytest.raises(DataError, match="RDA_UNITS"):
        readers.read_rda_frame(path)
    measures, report = readers.read_rda_frame(path, units)
    assert measures.index.equals(pd.DatetimeIndex(dates, name="date"))
    np.testing.assert_allclose(measures["rq5"], [4e-10, 9e-10])
    assert measures["close"].tolist() == [180.0, 181.0]
    percent = readers.RdaUnits(variance=("rv5",), variance_scale=1e4)
    with pytest.raises(DataError, match="decimal units"):
        readers.read_rda_frame(path, percent)


# ---------------------------------------------------------------------------------------------------------
# the offline mirror (VOLREP_DATA_DIR)

MIRROR = Path(os.environ.get("VOLREP_DATA_DIR", "/nonexistent"))
needs_mirror = pytest.mark.skipif(
    not (MIRROR / "MANIFEST.csv").is_file(), reason="VOLREP_DATA_DIR does not point at the offline data mirror"
)
GH = "raw.githubusercontent.com"
KLINES = "data.binance.vision/data/spot/monthly/klines/BTCUSDT/15m"
HF = f"{GH}/jonathancornelissen/highfrequency"
MDSV = f"{GH}/abdoulmaoude/MDSV/d5a57b2eefffc545b13657e41c022964727f67fd/data"
CDD = f"{GH}/IngiOrn/crypto_data/547bb1494d68e7ca52109811319dd378382d02a8"


@needs_mirror
def test_mirror_binance_15m_klines() -> None:
    bars, report = readers.read_binance_klines(MIRROR / KLINES / "BTCUSDT-15m-2018-02.zip")
    assert report.count(readers.RULE_OFF_GRID) == 81
    gaps = clean.find_gaps(bars.index, "15min")
    outage = gaps.iloc[int(gaps["missing"].argmax())]
    assert outage["start"] == pd.Timestamp("2018-02-08 00:15", tz="UTC")
    assert outage["end"] == pd.Timestamp("2018-02-09 09:58:14.789", tz="UTC")
    assert outage["missing"] == 134
    parts = [readers.read_binance_klines(p) for p in sorted((MIRROR / KLINES).glob("*.zip"))]
    assert len(parts) == 60
    totals = merge_reports([r for _, r in parts], by_rule=True).set_index("rule")["count"]
    assert totals[readers.RULE_SHORT_CLOSE_TIME] == 13
    assert totals[readers.RULE_CLOSE_BEFORE_OPEN] == 1
    assert totals[readers.RULE_ZERO_TRADE_BARS] == 12
    assert totals[readers.RULE_OFF_GRID] == 81
    index = pd.concat([b for b, _ in parts]).index
    assert len(index) == 174_771
    gaps = clean.find_gaps(index, "15min")
    # 28 gaps / 525 bars as the README says, plus the one grid point (02-10 06:00) skipped when the
    # shifted bars return to the grid
    assert (len(gaps), int(gaps["missing"].sum())) == (29, 526)
    assert (gaps["start"].dt.strftime("%H:%M") == "01:45").sum() == 13


@needs_mirror
def test_mirror_kraken_hours_present_per_year() -> None:
    path = (
        MIRROR
        / GH
        / "avkhimen/crypto_trader/3a117b16d6b1ac984ff87b8d8d10686943e39771/data/original_files/XBTUSD_60.csv"
    )
    bars, report = readers.read_kraken_ohlcvt(path)
    assert len(bars) == 70_253
    present = bars.groupby(bars.index.year).size()
    # the README's "3,322 in 2014, 4,412 in 2015" are the hours PRESENT; 5,438 and 4,348 are missing
    assert (present[2014], present[2015]) == (3_322, 4_412)
    assert (8_760 - present[2014], 8_760 - present[2015]) == (5_438, 4_348)
    assert present[2016] == 8_784 - 182  # not yet complete in 2016
    assert report.count(readers.RULE_MISSING_BARS) == 10_856
    assert bars.at[pd.Timestamp("2019-09-13 20:00", tz="UTC"), "high"] == 12_000.0  # the spike bar


@needs_mirror
def test_mirror_cryptodatadownload_files() -> None:
    bars, report = readers.read_cryptodatadownload(MIRROR / CDD / "Binance_BTCUSDT_1h.csv")
    assert report.count("rows sharing a timestamp dropped (keep=last)") == 2_649
    assert bars.at[pd.Timestamp("2020-11-20 07:00", tz="UTC"), "trades"] == 93_118  # the ms export is kept
    assert bars.index[0] == pd.Timestamp("2017-08-17 04:00", tz="UTC")
    assert bars.index[-1] == pd.Timestamp("2020-12-30 00:00", tz="UTC")
    _, report = readers.read_cryptodatadownload(MIRROR / CDD / "gemini_BTCUSD_1hr.csv")
    assert report.count("epoch timestamps in milliseconds normalised") == 21_995
    assert report.count(clean.RULE_ZERO_PRICES) == 1
    path = MIRROR / GH / "darkeclipz/price-data/b5455a211f92ee2ca7237b2dc3894f1f281be63a/Bitstamp_BTCUSD_1h.csv"
    bars, report = readers.read_cryptodatadownload(path)
    assert report.count(clean.RULE_SWAPPED_VOLUMES) == 20_143
    ratio = bars["quote_volume"] / (bars["volume"] * bars["close"])
    assert ratio[bars["volume"] > 0].between(0.9, 1.1).all()


@needs_mirror
def test_mirror_yahoo_daily() -> None:
    daily, report = readers.read_yahoo_daily(
        MIRROR / GH / "ronitdhansoia/vltlty/3070ee4af7417f22ca9293799080b6a612217041/data/btc_data.csv"
    )
    assert len(daily) == 3_706
    assert report.count(readers.RULE_REPEATED_CLOSE) == 1
    assert daily.loc["2017-02-28", "close"] == daily.loc["2017-02-27", "close"]
    assert report.count(readers.RULE_IGNORED_COLUMNS) == 3


@needs_mirror
def test_mirror_realized_library_agrees_with_the_31_index_file_after_correction() -> None:
    library, report = readers.read_realized_library(
        MIRROR / HF / "19a577d4945e81b16c150fce80e56496f0e555ca/data/realizedLibrary.rda"
    )
    assert len(library) == 5_017
    assert report.count(clean.RULE_UK_SUMMER_TIME) == 2_976
    assert report.actions[0].detail == "564 of them fell on Sundays"
    assert (library.index.day_of_week < 5).all()
    sp500, _ = readers.read_oxfordman_xts(MIRROR / MDSV / "sp500.rda")
    common = sp500.index.intersection(library.index)
    assert len(common) == 5_016
    agree = np.isclose(sp500.loc[common, "rv5"], library.loc[common, "rv5"], rtol=1e-9, atol=0.0)
    assert agree.sum() == 5_016


@needs_mirror
def test_mirror_highfrequency_frames_are_in_decimal_units() -> None:
    bpq, _ = readers.read_rda_frame(MIRROR / HF / "19a577d4945e81b16c150fce80e56496f0e555ca/data/SP500RM.rda")
    assert (len(bpq), bpq.index[0]) == (4_096, pd.Timestamp("1997-04-08"))
    assert bpq["rv"].median() == pytest.approx(0.629452e-4, rel=1e-4)
    np.testing.assert_allclose(bpq["rvn"] + bpq["rvp"], bpq["rv"], rtol=1e-6)  # the file rounds to 1e-9 %^2
    spy, _ = readers.read_rda_frame(MIRROR / HF / "967dc40e0f7688f1e4d89ca5244ad1ac2b7810d4/data/SPYRM.rda")
    assert len(spy) == 1_495
    assert (spy["rq1"] / spy["rv1"] ** 2).median() == pytest.approx(0.935, abs=0.01)


@needs_mirror
def test_mirror_sp500_panel() -> None:
    panel, report = readers.read_sp500_panel(MIRROR / "snapshots/sp500_members_2025_daily_ohlcv_2000_2025.parquet")
    assert len(panel) == 2_846_205
    assert panel["ticker"].nunique() == 503
    assert report.count(readers.RULE_RESORTED) == 0
    assert report.count(clean.RULE_OHLC_INCONSISTENT) == 10
