"""Derived-table cache: keyed by inputs and code, atomic writes, corrupt files rebuilt."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pytest

from volrep.data import cache
from volrep.errors import ConfigError


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    return tmp_path / "derived"


def _frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2021-01-01", periods=50, freq="15min", tz="UTC", name="time")
    return pd.DataFrame({"close": rng.lognormal(size=50), "count": rng.integers(0, 9, 50)}, index=index)


class _Builder:
    """Counts how often the table is built."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.calls = 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return self.frame


def test_built_once_then_read_from_cache(_cache_dir):
    build = _Builder(_frame())
    first = cache.cached_frame({"sha256": "ab" * 32, "window": 5}, build, name="bars", code="v1")
    second = cache.cached_frame({"window": 5, "sha256": "ab" * 32}, build, name="bars", code="v1")
    assert build.calls == 1
    pd.testing.assert_frame_equal(first, _frame(), check_freq=False)  # parquet keeps no freq
    pd.testing.assert_frame_equal(second, first)
    files = sorted(p.name for p in _cache_dir.iterdir())
    assert len(files) == 2 and files[0].startswith("bars-") and files[0].endswith(".parquet")
    assert files[1] == files[0] + ".sha256"  # the table's checksum (see test_failure_modes)


@pytest.mark.parametrize("change", [{"key": {"sha256": "cd" * 32, "window": 5}}, {"code": "v2"}, {"version": "9.9"}])
def test_key_code_and_version_changes_rebuild(change, monkeypatch):
    build = _Builder(_frame())
    cache.cached_frame({"sha256": "ab" * 32, "window": 5}, build, name="bars", code="v1")
    if "version" in change:
        monkeypatch.setattr("volrep.__version__", change["version"])
    key = change.get("key", {"sha256": "ab" * 32, "window": 5})
    cache.cached_frame(key, build, name="bars", code=change.get("code", "v1"))
    assert build.calls == 2


def test_module_source_is_the_code_version():
    assert cache.code_version(cache) == cache.code_version([cache])
    assert len(cache.code_version(cache)) == 64
    assert cache.code_version([cache, np]) != cache.code_version(cache)
    assert cache.code_version("explicit") == "explicit"


def test_corrupt_file_is_rebuilt_and_replaced(_cache_dir):
    key = {"sha256": "ef" * 32}
    path = cache.cache_path(key, name="bars", code="v1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PAR1 this is not parquet")
    build = _Builder(_frame(3))
    frame = cache.cached_frame(key, build, name="bars", code="v1")
    assert build.calls == 1
    pd.testing.assert_frame_equal(frame, _frame(3), check_freq=False)
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)
    cache.cached_frame(key, build, name="bars", code="v1")
    assert build.calls == 1


def test_failed_build_or_write_leaves_nothing(_cache_dir):
    def broken() -> pd.DataFrame:
        raise RuntimeError("builder failed")

    with pytest.raises(RuntimeError, match="builder failed"):
        cache.cached_frame({"a": 1}, broken, name="bars")
    unwritable = pd.DataFrame({"x": [object()]})  # parquet cannot store arbitrary objects
    with pytest.raises(pyarrow.ArrowInvalid, match="Conversion failed for column x"):
        cache.cached_frame({"a": 2}, lambda: unwritable, name="bars")
    assert not _cache_dir.exists() or list(_cache_dir.iterdir()) == []


@pytest.mark.parametrize("name", ["", "../escape", "a/b", "with space"])
def test_bad_names_are_refused(name):
    with pytest.raises(ConfigError):
        cache.cached_frame({}, _frame, name=name)


def test_atomic_write_replaces_on_success_and_keeps_the_old_file_on_failure(tmp_path):
    dest = tmp_path / "sub" / "table.txt"
    with cache.atomic_write(dest) as tmp:
        assert tmp.parent == dest.parent and not dest.exists()
        tmp.write_text("first")
    assert dest.read_text() == "first" and dest.stat().st_mode & 0o777 == 0o644
    with pytest.raises(RuntimeError):
        with cache.atomic_write(dest) as tmp:
            tmp.write_text("half written")
            raise RuntimeError("interrupted")
    assert dest.read_text() == "first"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["table.txt"]
