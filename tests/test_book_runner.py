"""Issue 16: ``volrep book`` runs chapters side by side, says up front what it will run and how long it should take,
shows where each running chapter is, and leaves no process behind when it is interrupted.

The chapters are small fake notebooks that borrow real chapter names (the runner checks parameters against the
real schemas, and chapter 09 really needs chapter 04's results); each runs in its own ``python -m volrep chapter``
process, as in a real build.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from volrep import config, regression, runner, schedule
from volrep.errors import ChapterError, ChapterInterrupted, ConfigError
from notebook_files import isolated_project, write_notebook

FIRST, SECOND, NEEDY = "01_data_liquidity", "04_baselines", "09_significance"


def _body(name: str) -> list[str]:
    """A chapter that records its kernel's pid and start time, sleeps if asked to, reports progress, fails if asked
    to, and publishes its results."""
    return [
        "import os, pathlib, time\n"
        f"pathlib.Path('ran-{name[:2]}').write_text(f'{{os.getpid()}} {{time.time()}}')\n"
        f"if pathlib.Path('SLEEP-{name[:2]}').exists():\n    time.sleep(60)",
        "from volrep import progress\n"
        "for _ in progress.steps(range(3), desc='steps', show=False):\n    time.sleep(0.2)",
        f"if pathlib.Path('FAIL-{name[:2]}').exists():\n    raise RuntimeError('boom in {name[:2]}')",
        f"from volrep import report\nreport.write_results('{name}', profile, {{}}, [])\n"
        f"pathlib.Path('finished-{name[:2]}').write_text(str(time.time()))",
    ]


@pytest.fixture()
def project(tmp_path, monkeypatch):
    root = isolated_project(tmp_path, monkeypatch)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    for name in (FIRST, SECOND, NEEDY):
        write_notebook(root / "notebooks" / f"{name}.ipynb", 'profile = "quick"', _body(name))
    return root


def _stamp(root: Path, profile: str, seconds: dict[str, float]) -> None:
    folder = root / "book" / "reference" / profile
    folder.mkdir(parents=True, exist_ok=True)
    for name, wall in seconds.items():
        (folder / f"{name}.json").write_text(json.dumps({"chapter": name, "claims": [], "stamp": {"wall_s": wall}}))


def test_expected_wall_time_schedules_longest_first_and_waits_for_needs(monkeypatch):
    seconds = {"a": 10.0, "b": 60.0, "c": 30.0, "d": 20.0}
    assert schedule.launch_order(["a", "b", "c", "d", "e"], seconds) == ["e", "b", "c", "d", "a"]  # unmeasured first
    assert schedule.expected_wall_time(list(seconds), seconds, 1) == 120.0
    assert schedule.expected_wall_time(list(seconds), seconds, 2) == 60.0  # b | c, d, a
    monkeypatch.setattr(config, "CHAPTER_NEEDS", {"a": ("b",)})
    assert schedule.expected_wall_time(list(seconds), seconds, 2) == 70.0  # a waits for b
    assert schedule.expected_wall_time(["a", "c"], seconds, 2) == 30.0  # a need outside the run is not waited for


def test_plan_states_the_measured_costs_and_what_is_unmeasured(project):
    _stamp(project, "full", {FIRST: 600.0, SECOND: 3600.0})
    text = schedule.plan_text([FIRST, SECOND, NEEDY], "full", 2, project)
    assert "3 chapter(s) of the full profile, 2 at a time" in text
    assert "01 10 min, 04 60 min" in text
    assert "expected wall time ≈ 60 min" in text
    assert "not measured for this profile: 09" in text
    assert "not measured for this profile: 01, 04, 09" in schedule.plan_text([FIRST, SECOND, NEEDY], "quick", 2, project)


def test_book_refuses_zero_jobs(project):
    with pytest.raises(ConfigError, match="--jobs must be at least 1"):
        runner.build_book(jobs=0, root=project)


def test_chapters_run_side_by_side_and_a_needy_chapter_waits(project):
    runs = schedule.run_chapters([FIRST, SECOND, NEEDY], profile="quick", jobs=2, root=project)
    assert sorted(r.name for r in runs) == [FIRST, SECOND, NEEDY]
    for name in (FIRST, SECOND, NEEDY):
        assert runner.check_published(name, project) == []
    notebooks = project / "notebooks"
    started = {n: float((notebooks / f"ran-{n}").read_text().split()[1]) for n in ("01", "04", "09")}
    finished = {n: float((notebooks / f"finished-{n}").read_text()) for n in ("01", "04", "09")}
    assert started["01"] < finished["04"] and started["04"] < finished["01"]  # side by side
    assert started["09"] > finished["04"]  # 09 reads 04's results
    timings = json.loads((project / "book" / "chapters" / ".logs" / "timings.json").read_text())
    assert set(timings) == {FIRST, SECOND, NEEDY}
    assert all(t["wall_s"] > 0 and t["peak_rss_mb"] > 0 for t in timings.values())
    assert regression.read_timings(project / "book" / "chapters" / ".logs" / "timings.json") == timings


def test_a_failed_chapter_is_reported_its_dependant_skipped_the_others_published(project):
    (project / "notebooks" / "FAIL-04").touch()
    with pytest.raises(ChapterError) as caught:
        schedule.run_chapters([FIRST, SECOND, NEEDY], profile="quick", jobs=2, root=project)
    message = str(caught.value)
    assert "boom in 04" in message and "not run: it needs 04_baselines, which failed" in message
    assert runner.check_published(FIRST, project) == []
    assert not (project / "book" / "chapters" / f"{SECOND}.ipynb").exists()
    assert not (project / "notebooks" / "ran-09").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_book_stops_every_chapter_and_leaves_no_process(project, signum):
    notebooks = project / "notebooks"
    for n in ("01", "04"):
        (notebooks / f"SLEEP-{n}").touch()
    # Started with SIGINT ignored, as a background job of a script (or a pytest-xdist worker's child) is: the
    # book must still stop on it.
    cli = subprocess.Popen([sys.executable, "-m", "volrep", "book", "--jobs", "2", "--only", "01", "04"],
                           cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    deadline = time.monotonic() + 60
    ran = [notebooks / "ran-01", notebooks / "ran-04"]
    while not all(p.is_file() and p.read_text() for p in ran) and cli.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(p.is_file() for p in ran), cli.communicate(timeout=5)
    family = psutil.Process(cli.pid).children(recursive=True)
    kernels = [int(p.read_text().split()[0]) for p in ran]
    assert set(kernels) <= {p.pid for p in family}
    cli.send_signal(signum)
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == 130, err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()][-1] == "interrupted: chapters 01, 04, nothing published"
    assert not (project / "book" / "chapters" / f"{FIRST}.ipynb").exists()
    deadline = time.monotonic() + 10
    alive = family
    while alive and time.monotonic() < deadline:
        alive = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.1)
    assert alive == [], [p.cmdline() for p in alive]


def test_interrupted_chapters_message_names_every_chapter():
    assert str(ChapterInterrupted("05_transfer_lstm")) == "interrupted: chapter 05, nothing published"
    assert str(ChapterInterrupted("05_a", "07_b")) == "interrupted: chapters 05, 07, nothing published"


def test_published_page_shows_the_run_parameters_as_a_table_and_hides_the_parameter_cells(project):
    import nbformat

    run = runner.run_chapter("01", profile="full", root=project)
    nb = nbformat.read(run.output, as_version=4)
    hidden = [c for c in nb.cells if {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    assert len(hidden) == 2 and all("remove-cell" in c.metadata["tags"] for c in hidden)
    tables = [c for c in nb.cells if "run-parameters" in c.metadata.get("tags", [])]
    assert len(tables) == 1 and "| `profile` | `'full'` |" in tables[0].source
    assert nb.cells.index(tables[0]) == nb.cells.index(hidden[-1]) + 1
    assert runner.check_published(FIRST, project) == []
