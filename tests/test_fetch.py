"""The download path, for real: a local HTTP server on 127.0.0.1 serving a folder laid out as ``HOST/PATH``.

Nothing here touches the internet: every URL is redirected to the local server with ``VOLREP_MIRROR_URL``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import threading
import zipfile
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from volrep import data
from volrep.data import fetch as fetch_mod
from volrep.data.fetch import fetch
from volrep.data.registry import REGISTRY, RawFile, binance_klines
from volrep.errors import DataError, MissingDataError

MIRROR = os.environ.get("VOLREP_DATA_DIR")  # read before any test changes it
needs_mirror = pytest.mark.skipif(
    not (MIRROR and (Path(MIRROR) / "MANIFEST.csv").is_file()),
    reason="VOLREP_DATA_DIR does not point at the data mirror",
)


class _Handler(SimpleHTTPRequestHandler):
    """Serves files and records every requested path on the server."""

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@dataclass
class Server:
    root: Path
    url: str
    requests: list[str]

    def put(self, relpath: str, content: bytes) -> None:
        target = self.root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


@contextlib.contextmanager
def serve(root: Path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield Server(root, f"http://127.0.0.1:{httpd.server_address[1]}", httpd.requests)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "raw"
    monkeypatch.setenv("VOLREP_DATA_DIR", str(root))
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    monkeypatch.delenv("VOLREP_OFFLINE", raising=False)
    monkeypatch.delenv("VOLREP_MIRROR_URL", raising=False)
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return root


@pytest.fixture
def server(tmp_path, data_dir, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    with serve(served) as srv:
        monkeypatch.setenv("VOLREP_MIRROR_URL", srv.url)
        yield srv


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _zip(member: str, rows: int = 2000) -> bytes:
    """A kline-like zip: one headerless CSV member."""
    lines = "".join(f"{1614556800000 + 60000 * i},{50000 + i % 97}.5,1,2,3\n" for i in range(rows))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, lines)
    return buffer.getvalue()


def _all_files(root: Path) -> list[str]:
    """Every file below root (hidden temporary files included)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_good_file_is_downloaded_verified_stored_and_then_reused(server, data_dir):
    content = b"unix,open,close\n1,2,3\n" * 500
    server.put("example.org/owner/repo/abc123/data.csv", content)
    raw = RawFile("https://example.org/owner/repo/abc123/data.csv", _sha(content), len(content), "t")

    path = fetch(raw, progress=False)

    assert path == data_dir / "example.org/owner/repo/abc123/data.csv"
    assert path.read_bytes() == content
    assert server.requests == ["/example.org/owner/repo/abc123/data.csv"]
    assert _all_files(data_dir) == ["example.org/owner/repo/abc123/data.csv"]  # no temp file, no sidecar
    assert fetch(raw, progress=False) == path
    assert len(server.requests) == 1  # second fetch: the cache, no HTTP


def test_wrong_checksum_leaves_nothing(server, data_dir):
    server.put("example.org/f.csv", b"other bytes")
    expected = _sha(b"the registered bytes")
    raw = RawFile("https://example.org/f.csv", expected, None, "t")
    with pytest.raises(DataError, match="sha256 matches registry") as err:
        fetch(raw, progress=False)
    assert expected in str(err.value) and _sha(b"other bytes") in str(err.value)
    assert _all_files(data_dir) == []


def test_wrong_size_leaves_nothing(server, data_dir):
    content = b"x" * 100
    server.put("example.org/f.csv", content[:60])
    raw = RawFile("https://example.org/f.csv", _sha(content), len(content), "t")
    with pytest.raises(DataError, match="size matches registry"):
        fetch(raw, progress=False)
    assert _all_files(data_dir) == []


def test_truncated_zip_without_hash_leaves_nothing(server, data_dir):
    good = _zip("x.csv")
    server.put("files.example.org/x.zip", good[: len(good) // 2])
    raw = RawFile("https://files.example.org/x.zip", None, None, "t")
    with pytest.raises(DataError, match="zip archive opens"):
        fetch(raw, progress=False)
    assert _all_files(data_dir) == []


def test_zip_with_corrupt_member_is_refused(server, data_dir):
    good = bytearray(_zip("x.csv"))
    middle = len(good) // 3  # inside the compressed member data: the CRC check fails
    good[middle] ^= 0xFF
    server.put("files.example.org/x.zip", bytes(good))
    with pytest.raises(DataError, match="zip archive opens"):
        fetch(RawFile("https://files.example.org/x.zip", None, None, "t"), progress=False)
    assert _all_files(data_dir) == []


def test_404_is_missing_data_and_leaves_nothing(server, data_dir):
    raw = RawFile("https://example.org/not/there.csv", "0" * 64, None, "t")
    with pytest.raises(MissingDataError, match="404") as err:
        fetch(raw, progress=False)
    assert str(data_dir / "example.org/not/there.csv") in str(err.value)
    assert _all_files(data_dir) == []
    assert server.requests == ["/example.org/not/there.csv"]


def test_unreachable_server_is_missing_data(data_dir, monkeypatch):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("VOLREP_MIRROR_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(MissingDataError, match="failed"):
        fetch(RawFile("https://example.org/a.csv", "0" * 64, None, "t"), progress=False)
    assert _all_files(data_dir) == []


def _binance_raw() -> RawFile:
    raw = binance_klines("BTCUSDT", "1m", "2021-03", "2021-03").files[0]
    assert raw.sha256 is None and raw.checksum_url == raw.url + ".CHECKSUM"
    return raw


def test_binance_zip_verified_by_its_published_checksum(server, data_dir, monkeypatch):
    raw = _binance_raw()
    content = _zip("BTCUSDT-1m-2021-03.csv")
    server.put(raw.relpath, content)
    server.put(raw.relpath + ".CHECKSUM", f"{_sha(content)}  BTCUSDT-1m-2021-03.zip\n".encode())

    path = fetch(raw, progress=False)

    assert path == data_dir / "data.binance.vision/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2021-03.zip"
    assert path.read_bytes() == content
    assert sorted(server.requests) == sorted(["/" + raw.relpath, "/" + raw.relpath + ".CHECKSUM"])
    sidecar = path.with_name(path.name + ".sha256")
    assert sidecar.read_text().split() == [_sha(content), path.name]
    assert _all_files(data_dir) == sorted([raw.relpath, raw.relpath + ".sha256"])

    monkeypatch.setenv("VOLREP_OFFLINE", "1")  # later loads verify against the sidecar, offline
    assert fetch(raw, progress=False, verify=True) == path
    path.write_bytes(content[:-1] + bytes([content[-1] ^ 1]))
    with pytest.raises(DataError, match="delete it"):
        fetch(raw, progress=False)


def _kline_zip(member: str, opens: pd.DatetimeIndex, *, scale: int) -> bytes:
    """Binance 1-minute kline rows (12 columns; open and close time in ms, or µs with ``scale=1000``)."""
    lines = []
    for i, t in enumerate(opens):
        ms = t.value // 1_000_000
        price = 90_000.0 + i
        lines.append(f"{ms * scale},{price},{price + 5},{price - 5},{price + 1},1.5,{(ms + 59_999) * scale + (999 if scale > 1 else 0)},"
                     f"{1.5 * price},{10 + i},0.7,{0.7 * price},0\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, "".join(lines))
    return buffer.getvalue()


def test_one_minute_klines_of_any_period_are_downloaded_verified_and_loaded(server, data_dir):
    """Extending the sample past the mirror is a parameter: Binance switched to µs timestamps in 2025."""
    spec = binance_klines("BTCUSDT", "1m", "2024-12", "2025-01")
    december = pd.date_range("2024-12-31 23:57", periods=3, freq="1min", tz="UTC")
    january = pd.date_range("2025-01-01 00:00", periods=3, freq="1min", tz="UTC")
    for raw, opens, scale in zip(spec.files, (december, january), (1, 1000)):
        content = _kline_zip(raw.name.replace(".zip", ".csv"), opens, scale=scale)
        server.put(raw.relpath, content)
        server.put(raw.relpath + ".CHECKSUM", f"{_sha(content)}  {raw.name}\n".encode())

    ds = data.load(spec, progress=False)

    assert list(ds.frame.index) == list(december.append(january))
    assert (ds.frame["close_time"] - ds.frame.index).max() < pd.Timedelta("1min")
    assert ds.frame["trades"].tolist() == [10, 11, 12, 10, 11, 12]
    assert ds.report.set_index("rule").loc["epoch timestamps in microseconds normalised", "count"] == 3
    assert all((data_dir / raw.relpath).is_file() for raw in spec.files)


def test_binance_zip_with_wrong_checksum_leaves_nothing(server, data_dir):
    raw = _binance_raw()
    server.put(raw.relpath, _zip("BTCUSDT-1m-2021-03.csv"))
    server.put(raw.relpath + ".CHECKSUM", f"{_sha(b'something else')}  BTCUSDT-1m-2021-03.zip\n".encode())
    with pytest.raises(DataError, match="sha256 matches registry"):
        fetch(raw, progress=False)
    assert _all_files(data_dir) == []


def test_binance_checksum_naming_another_file_is_refused(server, data_dir):
    raw = _binance_raw()
    content = _zip("BTCUSDT-1m-2021-03.csv")
    server.put(raw.relpath, content)
    server.put(raw.relpath + ".CHECKSUM", f"{_sha(content)}  BTCUSDT-1m-2021-04.zip\n".encode())
    with pytest.raises(DataError, match="CHECKSUM"):
        fetch(raw, progress=False)
    assert _all_files(data_dir) == []


def test_binance_zip_without_checksum_file_is_not_stored(server, data_dir):
    raw = _binance_raw()
    server.put(raw.relpath, _zip("BTCUSDT-1m-2021-03.csv"))
    with pytest.raises(MissingDataError, match="checksum"):
        fetch(raw, progress=False)
    assert _all_files(data_dir) == []


def test_offline_without_file_names_file_place_and_both_remedies(server, data_dir, monkeypatch):
    monkeypatch.setenv("VOLREP_OFFLINE", "1")
    raw = RawFile("https://example.org/owner/repo/c0ffee/prices.csv", "0" * 64, 10, "t")
    with pytest.raises(MissingDataError) as err:
        fetch(raw, progress=False)
    message = str(err.value)
    assert str(data_dir / "example.org/owner/repo/c0ffee/prices.csv") in message  # the file, where looked for
    assert "VOLREP_DATA_DIR" in message and "'example.org/owner/repo/c0ffee/prices.csv'" in message  # remedy 1
    assert "internet" in message and raw.url in message  # remedy 2
    assert "VOLREP_OFFLINE" in message
    assert err.value.url == raw.url and err.value.looked_in == raw.relpath
    assert server.requests == []


def test_snapshot_without_mirror_server_has_no_url(data_dir):
    raw = RawFile("snapshot:panel.parquet", "0" * 64, None, "t")
    assert raw.relpath == "snapshots/panel.parquet"
    with pytest.raises(MissingDataError, match="no public URL") as err:
        fetch(raw, progress=False)
    assert err.value.url is None
    assert str(data_dir / "snapshots/panel.parquet") in str(err.value)


def test_file_without_published_hash_is_trusted_on_first_use(server, data_dir):
    content = b"1315922016,5.800000000000,1.000000000000\n" * 100
    server.put("api.example.org/v1/csv/bitstampUSD.csv.gz", content)
    raw = RawFile("http://api.example.org/v1/csv/bitstampUSD.csv.gz", None, None, "t")
    path = fetch(raw, progress=False)
    assert path.with_name(path.name + ".sha256").read_text().split()[0] == _sha(content)
    path.write_bytes(content + b"tampered")
    with pytest.raises(DataError, match="sha256"):
        fetch(raw, progress=False)


def test_present_file_with_wrong_hash_says_how_to_fix(data_dir):
    raw = RawFile("https://example.org/a.csv", _sha(b"right"), None, "t")
    (data_dir / "example.org").mkdir(parents=True)
    (data_dir / "example.org/a.csv").write_bytes(b"wrong")
    with pytest.raises(DataError) as err:
        fetch(raw, progress=False)
    message = str(err.value)
    assert str(data_dir / "example.org/a.csv") in message
    assert _sha(b"right") in message and _sha(b"wrong") in message and "delete it" in message


def test_hash_is_remembered_until_verify_forces_a_rehash(data_dir):
    raw = RawFile("https://example.org/a.csv", _sha(b"abcd"), 4, "t")
    path = data_dir / "example.org/a.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"abcd")
    assert fetch(raw, progress=False) == path
    stat = path.stat()
    path.write_bytes(b"abce")  # same size; restore the mtime so the remembered hash still applies
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert fetch(raw, progress=False) == path
    with pytest.raises(DataError, match="sha256 matches registry"):
        fetch(raw, progress=False, verify=True)
    assert fetch_mod.integrity(raw, rehash=True)[0] == "bad hash"


def test_remembered_hashes_outlive_the_process_until_the_file_changes(data_dir, monkeypatch):
    path = data_dir / "example.org/a.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"abcd")
    assert fetch_mod.sha256_of(path) == _sha(b"abcd")
    fetch_mod.HASHES.flush()
    fetch_mod.HASHES.clear()  # a new process: only the JSON file remains
    calls = []
    monkeypatch.setattr(fetch_mod.pooch, "file_hash", lambda *a, **k: calls.append(a) or "x" * 64)
    assert fetch_mod.sha256_of(path) == _sha(b"abcd") and calls == []
    path.write_bytes(b"abcde")  # other bytes, other size: hashed again
    assert fetch_mod.sha256_of(path) == "x" * 64 and len(calls) == 1
    assert fetch_mod.sha256_of(path, rehash=True) == "x" * 64 and len(calls) == 2


def test_hashes_are_kept_in_memory_when_the_cache_folder_is_not_writable(data_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(blocker / "derived"))
    fetch_mod.HASHES.clear()
    path = data_dir / "b.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"xyz")
    assert fetch_mod.sha256_of(path) == _sha(b"xyz")
    fetch_mod.HASHES.flush()  # cannot write: no error
    assert fetch_mod.sha256_of(path) == _sha(b"xyz")


@needs_mirror
def test_real_binance_file_downloaded_from_the_served_mirror(data_dir, monkeypatch):
    raw = REGISTRY["binance_klines_15m"].files[0]
    with serve(Path(MIRROR)) as srv:
        monkeypatch.setenv("VOLREP_MIRROR_URL", srv.url)
        path = fetch(raw, progress=False)
    assert srv.requests == ["/data.binance.vision/data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2018-01.zip"]
    assert path == data_dir / raw.relpath
    assert path.stat().st_size == raw.size
    assert _sha(path.read_bytes()) == raw.sha256
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["BTCUSDT-15m-2018-01.csv"]


# Compressed copies in the mirror (<path>.gz; the registered hash is that of the decompressed bytes)
def _gz_copy(data_dir: Path, relpath: str, content: bytes) -> Path:
    import gzip

    target = data_dir / (relpath + ".gz")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(content, mtime=0))
    return target


def test_compressed_copy_is_verified_on_its_decompressed_bytes_and_used_in_place(data_dir):
    content = b"1514764800000,13715.65,13715.65,13681.00,13707.92\n" * 300
    raw = RawFile("https://example.org/d/BTCUSDT-1m-2018-01-01.csv", _sha(content), len(content), "t")
    gz = _gz_copy(data_dir, "example.org/d/BTCUSDT-1m-2018-01-01.csv", content)
    assert fetch(raw, progress=False) == gz
    assert fetch_mod.integrity(raw) == ("ok", f"decompressed sha256 {_sha(content)}")
    assert _all_files(data_dir) == ["example.org/d/BTCUSDT-1m-2018-01-01.csv.gz"]  # nothing written beside it


def test_compressed_copy_with_wrong_hash_or_size_is_refused(data_dir):
    content = b"abc\n" * 100
    gz = _gz_copy(data_dir, "example.org/x.csv", content)
    with pytest.raises(DataError, match="sha256 matches registry") as err:
        fetch(RawFile("https://example.org/x.csv", _sha(b"other"), len(content), "t"), progress=False)
    assert str(gz) in str(err.value) and "decompressed sha256" in str(err.value)
    with pytest.raises(DataError, match="size matches registry"):
        fetch(RawFile("https://example.org/x.csv", _sha(content), len(content) + 1, "t"), progress=False)


def test_corrupt_or_truncated_compressed_copy_is_refused(data_dir):
    content = b"0123456789\n" * 5000
    gz = _gz_copy(data_dir, "example.org/y.csv", content)
    raw = RawFile("https://example.org/y.csv", _sha(content), len(content), "t")
    gz.write_bytes(gz.read_bytes()[: len(gz.read_bytes()) // 2])  # truncated
    with pytest.raises(DataError, match="readable, complete gzip file") as err:
        fetch(raw, progress=False)
    assert str(gz) in str(err.value)
    gz.write_bytes(b"not gzip at all")
    assert fetch_mod.integrity(raw, rehash=True)[0] == "bad archive"


def test_plain_copy_wins_over_a_compressed_one(data_dir):
    content = b"plain\n" * 10
    raw = RawFile("https://example.org/z.csv", _sha(content), len(content), "t")
    _gz_copy(data_dir, "example.org/z.csv", b"stale\n")  # would fail its hash; never looked at
    (data_dir / "example.org/z.csv").write_bytes(content)
    assert fetch(raw, progress=False) == data_dir / "example.org/z.csv"
