"""Issue 18: what happens when things go wrong.

Each test reproduces one failure mode of the issue on a small fake project or a generated fixture (no real
chapter is executed, no third-party data is read) and checks the behaviour the README's "What happens when
things go wrong" promises:

1. a failed run publishes nothing, the last good page and results stay (``test_failed_run_publishes_nothing``);
2. an interrupt prints one line, exits non-zero, leaves no kernel (``test_interrupt_...``);
3. ``book --no-execute`` refuses a broken or mismatched chapter (``test_book_no_execute_refuses_...``);
4. parameters are checked against the chapter's schema before any cell runs (``test_bad_parameter_...``);
5. a derived table with a flipped bit is detected and rebuilt (``test_flipped_bit_...``);
6. a valid but foreign (empty) parquet in place of a table is rebuilt (``test_empty_parquet_...``);
7. unreadable raw data is a DataError, and ``data list`` reports it and goes on (``test_unreadable_...``);
8. ``VOLREP_CACHE_DIR`` a plain file or read-only is named at start (``test_cache_dir_...``);
9. ``VOLREP_RESULTS_DIR`` a file is named at start, the path as the user set it (``test_results_dir_...``);
10. a kline file with 13 columns is a DataError (``test_kline_file_with_13_columns_...``);
11. an extra field in a CryptoDataDownload file is a DataError (``test_cryptodatadownload_extra_field_...``);
12. an empty ``.sha256`` sidecar and a corrupt ``.rda`` payload are DataErrors (``test_empty_sidecar_...``,
    ``test_corrupt_rda_payload_...``);
13. ``load()`` with a bad date or ``start`` after ``end`` is a ConfigError (``test_load_bad_bounds_...``).

Minor: published notebook and results are mode 0644 whatever the umask (``test_published_files_are_0644``).
"""

from __future__ import annotations

import builtins
import gzip
import hashlib
import logging
import os
import pathlib
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import psutil
import pytest

from volrep import config, data
from volrep.__main__ import main
from volrep.data import cache, fetch, readers
from volrep.data.clean import CleaningReport
from volrep.data.registry import DatasetSpec, RawFile
from volrep.errors import ConfigError, DataError, MissingDataError
from volrep import runner
from notebook_files import write_notebook

CHAPTER = "01_data_liquidity"  # the fake project's chapter borrows a real name, so the real schema applies

_PARAMETERS = """profile = "quick"
data_source = "mirror"
seed = 0
sim_days = None
sim_trades_per_day = None"""

# The fake chapter: records that it ran (and its kernel's pid), sleeps if asked to, uses the derived cache,
# writes its results, then fails if asked to -- after its results are written, as a real chapter's last cells can.
_BODY = [
    "import os, pathlib, time\n"
    "pathlib.Path('ran').write_text(str(os.getpid()))\n"
    "if pathlib.Path('SLEEP').exists():\n    time.sleep(60)",
    "import pandas as pd\nfrom volrep.data.cache import cached_frame\n"
    "table = cached_frame({'seed': seed}, lambda: pd.DataFrame({'x': [1.0, 2.0]}), name='toy', code='v1')",
    "from volrep import report\n"
    "report.write_results('01_data_liquidity', profile, {'data_source': data_source, 'seed': seed,\n"
    "                     'sim_days': sim_days}, [])",
    "if pathlib.Path('FAIL').exists():\n    raise RuntimeError('boom: the chapter failed')",
    "print('done', seed)",
]


def _write_notebook(path: Path, cells: list[str]) -> None:
    write_notebook(path, _PARAMETERS, cells)


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A fake project with one fast chapter; results and cache in the project, environment otherwise clean."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    _write_notebook(root / "notebooks" / f"{CHAPTER}.ipynb", _BODY)
    monkeypatch.delenv("VOLREP_RESULTS_DIR", raising=False)
    monkeypatch.delenv("VOLREP_STAGING_DIR", raising=False)
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path / "raw"))
    monkeypatch.chdir(root)
    return root


def _published(root: Path) -> tuple[Path, Path]:
    return root / "book" / "chapters" / f"{CHAPTER}.ipynb", root / "book" / "results" / f"{CHAPTER}.json"


def _leftovers(root: Path) -> list[str]:
    """Temporary files or folders of a run left in the published folders."""
    found = []
    for folder in (root / "book" / "chapters", root / "book" / "results"):
        if folder.is_dir():
            found += [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".failed"]
    return found


# ---------------------------------------------------------------------------------------------------------
# 1-3: publishing


def test_failed_run_publishes_nothing_and_keeps_the_last_good_page(project, capsys):
    notebook, results = _published(project)
    results.parent.mkdir(parents=True)
    results.write_text('{"claims": [], "seed": 1}')  # the last good run's page and results
    _executed(project, stamp=hashlib.sha256(results.read_bytes()).hexdigest())
    good_notebook, good_results = notebook.read_bytes(), results.read_bytes()

    (project / "notebooks" / "FAIL").touch()
    assert main(["chapter", "01", "-p", "seed", "2"]) == 1  # the exit code says it failed
    err = capsys.readouterr().err
    assert "boom: the chapter failed" in err and "Nothing was published" in err
    # the page and its results are still the last good run's: not the half-run notebook, not the new results
    assert notebook.read_bytes() == good_notebook and results.read_bytes() == good_results
    assert runner.check_published(CHAPTER, project) == []
    assert _leftovers(project) == []
    assert (project / "book" / "chapters" / ".failed" / f"{CHAPTER}.ipynb").is_file()  # kept for debugging


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_prints_one_line_publishes_nothing_and_leaves_no_kernel(project, signum):
    (project / "notebooks" / "SLEEP").touch()
    cli = subprocess.Popen([sys.executable, "-m", "volrep", "chapter", "01"], cwd=project,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ran = project / "notebooks" / "ran"
    deadline = time.monotonic() + 30
    while not (ran.is_file() and ran.read_text()) and cli.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ran.is_file(), cli.communicate(timeout=5)
    kernel = int(ran.read_text())
    cli.send_signal(signum)
    out, err = cli.communicate(timeout=20)
    assert cli.returncode == 130
    assert [line for line in err.splitlines() if line.strip()] == ["interrupted: chapter 01, nothing published"]
    assert not any(_published(project)[i].exists() for i in (0, 1))
    assert _leftovers(project) == []
    deadline = time.monotonic() + 5
    while psutil.pid_exists(kernel) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not psutil.pid_exists(kernel) or psutil.Process(kernel).status() == psutil.STATUS_ZOMBIE


def _executed(root: Path, *, error: bool = False, unexecuted: bool = False, stamp: str | None = None) -> None:
    """Write book/chapters/<CHAPTER>.ipynb as a run would have left it."""
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("x = 1", execution_count=1), nbformat.v4.new_code_cell("print(x)")]
    cells[1].execution_count = None if unexecuted else 2
    if error:
        cells[1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[])]
    nb.cells = cells
    if stamp is not None:
        nb.metadata["volrep"] = {"results": f"{CHAPTER}.json", "results_sha256": stamp}
    path = root / "book" / "chapters" / f"{CHAPTER}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.mark.parametrize("case", ["error", "unexecuted", "results missing", "results of another run", "no stamp"])
def test_book_no_execute_refuses_a_broken_or_mismatched_chapter(project, monkeypatch, capsys, case):
    builds = []
    monkeypatch.setattr("subprocess.run", lambda cmd, **kw: builds.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    results = project / "book" / "results" / f"{CHAPTER}.json"
    results.parent.mkdir(parents=True)
    results.write_text('{"claims": []}')
    digest = hashlib.sha256(results.read_bytes()).hexdigest()
    _executed(project, error=case == "error", unexecuted=case == "unexecuted",
              stamp=None if case == "no stamp" else digest)
    if case == "results missing":
        results.unlink()
    if case == "results of another run":
        results.write_text('{"claims": [], "from": "an older run"}')
    with pytest.raises(ConfigError, match="refusing to publish") as refused:
        runner.build_book(execute=False, root=project)
    assert CHAPTER in str(refused.value) and "--only 01" in str(refused.value)
    assert builds == []  # jupyter-book never ran
    assert main(["book", "--no-execute"]) == 1
    assert "refusing to publish" in capsys.readouterr().err


def test_book_no_execute_publishes_a_chapter_whose_run_matches_its_results(project, monkeypatch):
    builds = []
    monkeypatch.setattr("subprocess.run", lambda cmd, **kw: builds.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    runner.run_chapter("01", root=project)
    assert runner.check_published(CHAPTER, project) == []
    runner.build_book(execute=False, root=project)
    assert len(builds) == 1


# ---------------------------------------------------------------------------------------------------------
# 4: parameters


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("data_source", "foo", "parameter data_source='foo' of chapter 01_data_liquidity is not allowed: expected one "
                               "of 'mirror', 'sim'"),
        ("sim_day", "30", "unknown parameter 'sim_day' for chapter 01_data_liquidity; did you mean 'sim_days'?"),
        ("seed", "-1", "parameter seed=-1 of chapter 01_data_liquidity is not allowed: expected an integer >= 0"),
        ("sim_days", "abc", "parameter sim_days='abc' of chapter 01_data_liquidity is not allowed: expected an "
                            "integer >= 1"),
        ("profile", "nonsense", "parameter profile='nonsense' of chapter 01_data_liquidity is not allowed"),
    ],
)
def test_bad_parameter_is_refused_in_one_line_before_any_cell_runs(project, capsys, key, value, expected):
    assert main(["chapter", "01", "-p", key, value]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (project / "notebooks" / "ran").exists()  # no cell ran
    assert not any(p.exists() for p in _published(project))


def test_chapter_settings_checks_the_knobs_inside_the_notebook():
    with pytest.raises(ConfigError, match=r"sim_days='abc' of chapter 01_data_liquidity.*integer >= 1"):
        config.chapter_settings("01_data_liquidity", "quick", sim_days="abc")
    with pytest.raises(ConfigError, match="garch_mode='daily'.*'fixed', 'rolling', 'expanding'"):
        config.chapter_settings("04_baselines", "quick", garch_mode="daily")
    assert config.chapter_settings("04_baselines", "quick", garch_mode="rolling")["garch_mode"] == "rolling"


def _parameters_cell(path: Path) -> str:
    """The source of the ``parameters`` cell (tagged ``parameters``, maybe among other tags) of a jupytext percent
    notebook."""
    import re

    match = re.search(r'^# %% tags=\[[^\]]*"parameters"[^\]]*\]\n(.*?)(?=^# %%)', path.read_text(), flags=re.M | re.S)
    assert match, f"{path.name} has no cell tagged parameters"
    return match.group(1)


def _notebook_parameters(path: Path) -> list[str]:
    """Names assigned in the ``parameters`` cell of a jupytext percent notebook."""
    import ast

    return [t.id for node in ast.parse(_parameters_cell(path)).body if isinstance(node, ast.Assign)
            for t in node.targets]


@pytest.mark.parametrize("source", sorted((config.repo_root() / "notebooks").glob("[0-9][0-9]_*.py")),
                         ids=lambda p: p.stem)
def test_every_notebook_parameter_has_a_schema(source):
    """A chapter (chapter 09 included, once it exists) must list every parameter in CHAPTER_PARAMETERS."""
    names = _notebook_parameters(source)
    schema = config.parameter_schema(source.stem)  # ConfigError naming CHAPTER_PARAMETERS when there is none
    assert names[:3] == ["profile", "data_source", "seed"]
    assert sorted(names) == sorted(schema), f"{source.name}: parameters cell and CHAPTER_PARAMETERS differ"
    defaults = {}
    exec(_parameters_cell(source), {}, defaults)
    config.validate_parameters(source.stem, defaults)  # the notebook's own defaults are allowed
    for profile, knobs in config.CHAPTER_SETTINGS.get(source.stem, {}).items():
        config.validate_parameters(source.stem, knobs)  # and so is every profile's value


def test_chapter_without_a_schema_is_a_clear_error():
    with pytest.raises(ConfigError, match="'10_new' has no parameter schema: add an entry to "
                                          "volrep.settings.CHAPTER_PARAMETERS"):
        config.validate_parameters("10_new", {"profile": "quick"})


# ---------------------------------------------------------------------------------------------------------
# 5-6: derived cache


class _Builder:
    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame, self.calls = frame, 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return self.frame


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({"close": 4000 + rng.random(64) * 500})  # incompressible doubles: stored verbatim


def test_flipped_bit_in_a_cached_table_is_detected_and_rebuilt(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path))
    build = _Builder(_table())
    cache.cached_frame({"k": 1}, build, name="bars", code="v1")
    path = cache.cache_path({"k": 1}, name="bars", code="v1")
    blob = bytearray(path.read_bytes())
    at = bytes(blob).find(struct.pack("<d", build.frame["close"].iloc[10]))
    assert at > 0
    blob[at] ^= 0x01  # the lowest mantissa bit: still a valid, plausible price
    path.write_bytes(bytes(blob))
    with caplog.at_level(logging.WARNING, logger="volrep.data.cache"):
        again = cache.cached_frame({"k": 1}, build, name="bars", code="v1")
    assert build.calls == 2 and "corrupt" in caplog.text and path.name in caplog.text
    pd.testing.assert_frame_equal(again, build.frame)
    pd.testing.assert_frame_equal(cache.cached_frame({"k": 1}, build, name="bars", code="v1"), build.frame)
    assert build.calls == 2  # the rebuilt table verifies


def test_empty_parquet_in_place_of_a_cached_table_is_rebuilt(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path))
    build = _Builder(_table())
    cache.cached_frame({"k": 2}, build, name="bars", code="v1")
    path = cache.cache_path({"k": 2}, name="bars", code="v1")
    build.frame.iloc[:0].to_parquet(path)  # a valid parquet file with the right columns and no rows
    with caplog.at_level(logging.WARNING, logger="volrep.data.cache"):
        again = cache.cached_frame({"k": 2}, build, name="bars", code="v1")
    assert len(again) == 64 and build.calls == 2 and "corrupt" in caplog.text


# ---------------------------------------------------------------------------------------------------------
# 7-9: environment


@pytest.fixture()
def deny(monkeypatch):
    """``deny(folder)``: reading anything in ``folder`` (or listing it) raises PermissionError, even as root;
    ``deny(folder, write_only=True)``: the folder is read-only."""
    denied: list[str] = []
    read_only: list[str] = []
    real_is_file, real_open, real_access = pathlib.Path.is_file, builtins.open, os.access

    def blocked(path: object) -> bool:
        text = os.path.abspath(os.fspath(path))
        return any(text.startswith(d + os.sep) for d in denied)

    def is_file(self: pathlib.Path) -> bool:
        if blocked(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    def open_(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and blocked(file):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    def access(path, mode, *args, **kwargs):
        text = os.path.abspath(os.fspath(path))
        if text in denied or blocked(path) or (text in read_only and mode & os.W_OK):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "is_file", is_file)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "access", access)
    return lambda folder, write_only=False: (read_only if write_only else denied).append(os.path.abspath(folder))


def test_unreadable_raw_data_is_a_data_error_and_data_list_goes_on(tmp_path, monkeypatch, capsys, deny):
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    text = "time,price\n2021-01-01,1.0\n"
    target = tmp_path / "raw" / "example.org" / "locked" / "a.csv"
    target.parent.mkdir(parents=True)
    target.write_text(text)
    raw = RawFile("https://example.org/locked/a.csv", hashlib.sha256(text.encode()).hexdigest(), len(text), "toy")
    spec = DatasetSpec("toy", "toy", "tests", "2021-01-01 .. 2021-01-01", "USD", "bars", (raw,),
                       lambda p: (pd.read_csv(p, index_col="time", parse_dates=True), None))
    deny(target.parent)
    with pytest.raises(DataError, match="file readable") as err:
        data.load(spec, progress=False)
    assert str(target.parent) in str(err.value)

    kraken = data.REGISTRY["kraken_xbtusd_1h"].files[0].relpath
    deny(tmp_path / "raw" / Path(kraken).parent)  # the folder of one dataset of the registry
    assert main(["data", "list"]) == 1  # the listing completes, the exit code says something is wrong
    out, err = capsys.readouterr()
    assert "binance_klines_15m" in out and "oxfordman_31_indices" in out and "kraken_xbtusd_1h" in out
    assert "kraken_xbtusd_1h" in err and "file readable" in err and "Traceback" not in err
    table = data.verify_dataset("kraken_xbtusd_1h")
    assert table["status"].eq("unreadable").all()


@pytest.mark.parametrize("problem", ["plain file", "read-only", "symlink to a file"])
def test_cache_dir_plain_file_or_read_only_is_named_before_any_cell(project, tmp_path, monkeypatch, deny, problem):
    given = tmp_path / ("derived-link" if problem == "symlink to a file" else "derived")
    if problem == "read-only":
        given.mkdir()
        deny(given, write_only=True)
    else:
        (tmp_path / "derived").write_text("not a folder")
        if problem == "symlink to a file":
            given.symlink_to(tmp_path / "derived")
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(given))
    with pytest.raises(ConfigError) as err:
        runner.run_chapter("01", root=project)
    message = str(err.value)
    assert f"VOLREP_CACHE_DIR={str(given)!r}" in message  # the value as set, not the symlink's target
    assert ("read-only" if problem == "read-only" else "is a file, not a folder") in message
    assert "set VOLREP_CACHE_DIR to a folder you can write to" in message
    assert not (project / "notebooks" / "ran").exists()


def test_results_dir_pointing_at_a_file_fails_at_start(project, tmp_path, monkeypatch, capsys):
    (tmp_path / "results.txt").write_text("a file")
    monkeypatch.setenv("VOLREP_RESULTS_DIR", str(tmp_path / "results.txt"))
    assert main(["chapter", "01"]) == 1
    err = capsys.readouterr().err
    assert f"VOLREP_RESULTS_DIR={str(tmp_path / 'results.txt')!r} is a file, not a folder" in err
    assert not (project / "notebooks" / "ran").exists()  # not "only in the last cell"


# ---------------------------------------------------------------------------------------------------------
# 10-13: readers and load()


def _kline_rows(fields: int) -> str:
    rows = []
    for i in range(3):
        t = 1609459200000 + i * 900_000
        row = [t, 100, 101, 99, 100.5, 10, t + 899_999, 1000, 5, 1, 100, 0] + [7] * (fields - 12)
        rows.append(",".join(map(str, row)))
    return "\n".join(rows) + "\n"


def test_kline_file_with_13_columns_is_a_data_error(tmp_path):
    path = tmp_path / "BTCUSDT-15m-2021-01.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("BTCUSDT-15m-2021-01.csv", _kline_rows(13))
    with pytest.raises(DataError, match="expected columns.*rows have 13 fields, the format has 12") as err:
        readers.read_binance_klines(path)
    assert err.value.file == str(path)


def test_cryptodatadownload_extra_field_is_a_data_error(tmp_path):
    path = tmp_path / "Binance_BTCUSDT_1h.csv"
    path.write_text(
        "https://www.CryptoDataDownload.com\n"
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n"
        "1609466400,2021-01-01 02:00:00,BTCUSDT,1,2,0.5,1.5,10,15,5,99\n"
        "1609462800,2021-01-01 01:00:00,BTCUSDT,1,2,0.5,1.5,10,15,5,99\n"
    )
    with pytest.raises(DataError, match="rows have 11 fields, the format has 10") as err:
        readers.read_cryptodatadownload(path)
    assert err.value.file == str(path)


def test_empty_sidecar_is_a_data_error(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    raw = RawFile("https://example.org/files/a.csv", None, None, "toy")  # no registered hash: trusted on first use
    path = tmp_path / "example.org" / "files" / "a.csv"
    path.parent.mkdir(parents=True)
    path.write_text("time,price\n")
    (path.parent / "a.csv.sha256").write_text("")
    with pytest.raises(DataError, match=r"sidecar holds '<sha256>  <file name>'.*it is empty; delete a.csv.sha256"):
        fetch.fetch(raw, progress=False)
    assert fetch.integrity(raw)[0] == "bad sidecar"


def test_corrupt_rda_payload_is_a_data_error(tmp_path):
    path = tmp_path / "corrupt.rda"
    # a valid gzip stream and R header, then a payload that makes rdata index past its tables
    path.write_bytes(gzip.compress(b"RDX2\nX\n\x00\x00\x00\x02\x00\x04\x02\x00" + b"\xff" * 50))
    with pytest.raises(DataError, match="readable R data file") as err:
        readers.read_rda_frame(path)
    assert err.value.file == str(path)


@pytest.mark.parametrize(("start", "end", "message"), [
    ("not a date", None, "start='not a date' is not a date"),
    (None, "2021-13-45", "end='2021-13-45' is not a date"),
    ("2021-03-02", "2021-03-01", "start='2021-03-02' is after end='2021-03-01'"),
])
def test_load_bad_bounds_are_config_errors(tmp_path, monkeypatch, start, end, message):
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    text = "time,price\n2021-03-01,1.0\n2021-03-02,1.1\n"
    (tmp_path / "example.org").mkdir()
    (tmp_path / "example.org" / "p.csv").write_text(text)
    raw = RawFile("https://example.org/p.csv", hashlib.sha256(text.encode()).hexdigest(), len(text), "toy")
    spec = DatasetSpec("toy", "toy", "tests", "2021-03-01 .. 2021-03-02", "USD", "bars", (raw,),
                       lambda p: (pd.read_csv(p, index_col="time", parse_dates=True), CleaningReport(p.name)))
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        data.load(spec, start=start, end=end, progress=False)


def test_seed_is_named_inside_the_notebook_too():
    with pytest.raises(ConfigError, match=r"parameter seed=-1 is not allowed: expected an integer >= 0"):
        config.seed_everything(-1)


# ---------------------------------------------------------------------------------------------------------
# minor: file modes, Binance's daily 1-minute zips


def test_published_files_are_0644_whatever_the_umask(project):
    old = os.umask(0o077)
    try:
        run = runner.run_chapter("01", root=project)
    finally:
        os.umask(old)
    notebook, results = _published(project)
    assert run.output == notebook
    assert notebook.stat().st_mode & 0o777 == 0o644
    assert results.stat().st_mode & 0o777 == 0o644


def test_binance_daily_minute_zips_offline_point_at_the_mirrored_dataset(tmp_path, monkeypatch):
    """The mirror's 1-minute CSVs are not the bytes of Binance's daily zips: not substituted, but named."""
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOLREP_OFFLINE", "1")
    spec = data.binance_klines("BTCUSDT", "1m", "2021-03-05", "2021-03-06", period="daily")
    with pytest.raises(MissingDataError) as err:
        data.load(spec, progress=False)
    assert ("data.load('binance_klines_1m_daily', start='2021-03-05', end='2021-03-06')" in str(err.value)
            and "not these zips" in str(err.value))
    later = data.binance_klines("BTCUSDT", "1m", "2024-03-05", "2024-03-05", period="daily")  # not in the mirror
    with pytest.raises(MissingDataError) as err:
        data.load(later, progress=False)
    assert "binance_klines_1m_daily" not in str(err.value)
