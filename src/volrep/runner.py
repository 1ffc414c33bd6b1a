"""Execute the chapter notebooks with papermill and build the Jupyter Book.

The reviewed source of each chapter is ``notebooks/NN_name.py`` (jupytext percent format), paired with
``notebooks/NN_name.ipynb``. :func:`run_chapter` executes the ``.ipynb`` with the profile's parameters into
``book/chapters/NN_name.ipynb``; :func:`build_book` runs every chapter, writes the scoreboard page from
``book/results/*.json`` and calls ``jupyter-book build`` with warnings as errors (execution is off in
``_config.yml``: the book shows exactly what papermill produced).

Publishing is all or nothing
----------------------------
A chapter runs into a temporary notebook, and its results (``<chapter>.json``, its forecasts) go to a staging
folder (``VOLREP_STAGING_DIR``, which :func:`volrep.report.write_results` and :func:`volrep.store.save_forecasts`
honour). Only when every cell has run are the results moved into the results folder and then the notebook into
``book/chapters``, the notebook stamped with the sha256 of its results file. A failed run publishes nothing (its
notebook is kept for debugging in ``book/chapters/.failed/``), an interrupted one nothing at all; the last good
page and its results stay as they were. Before building, :func:`check_published` refuses a notebook with an
error output or an unexecuted cell, and one whose results file is missing or is not the one its run wrote.
Parameters are checked against the chapter's schema (:func:`volrep.config.validate_parameters`) and the
folders named by the environment (:func:`volrep.config.check_environment`) before a kernel starts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from volrep.config import check_environment, check_profile, repo_root, validate_parameters
from volrep.errors import ChapterInterrupted, ConfigError, VolrepError
from volrep.report import read_results, scoreboard_markdown


class ChapterError(VolrepError):
    """A chapter notebook failed: names the notebook, the cell and the error."""


#: Set by :func:`run_chapter` for the kernel: where the chapter's results go until the run has succeeded.
STAGING_ENV = "VOLREP_STAGING_DIR"


@dataclass(frozen=True)
class ChapterRun:
    """Outcome of one executed chapter."""

    name: str
    output: Path
    seconds: float


@contextmanager
def _kernel_config() -> Iterator[object]:
    """Kernels talk to the runner over IPC, not TCP on localhost: no port is opened, and ipykernel's "running over
    TCP without encryption" warning no longer buries real ones. The sockets live in a private temporary folder
    (removed afterwards), not in the notebook's folder, where a killed kernel would leave them behind."""
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="volrep-kernel-") as sockets:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        yield config


def chapters(root: Path | None = None) -> list[str]:
    """Chapter names (``NN_name``) in book order, from ``notebooks/*.ipynb``."""
    root = root or repo_root()
    names = sorted(p.stem for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not names:
        raise ConfigError(f"no chapter notebooks found in {root / 'notebooks'}")
    return names


def resolve_chapter(name: str, root: Path | None = None) -> str:
    """Accept ``02_rv_signature``, ``02`` or ``rv_signature`` and return the full chapter name."""
    known = chapters(root)
    matches = [c for c in known if name in (c, c[:2], c[3:])]
    if len(matches) != 1:
        raise ConfigError(f"unknown chapter {name!r}; choose one of: {', '.join(known)}")
    return matches[0]


def run_chapter(
    name: str,
    *,
    profile: str = "quick",
    parameters: Mapping[str, object] | None = None,
    output_dir: Path | None = None,
    root: Path | None = None,
) -> ChapterRun:
    """Execute one chapter notebook with papermill and publish it with its results only if every cell ran.

    Parameters
    ----------
    name
        Chapter name or its number (``"02"``).
    profile
        ``"quick"`` or ``"full"``; passed to the notebook as the ``profile`` parameter.
    parameters
        Extra papermill parameters (the chapter's knobs, ``seed``, ``data_source`` …), checked against the
        chapter's schema (:data:`volrep.config.CHAPTER_PARAMETERS`) before anything runs.
    output_dir
        Where the executed notebook goes (default ``book/chapters``).
    root
        The project (default: found from the current folder); tests point it at a small fake project.

    Raises
    ------
    ConfigError
        A parameter is unknown or out of range, or a folder named by the environment is unusable.
    ChapterError
        A cell failed (the message names the notebook, the cell and the error) or the chapter wrote no results.
        Nothing is published: the previous notebook and results stay.
    ChapterInterrupted
        KeyboardInterrupt (or SIGTERM turned into one by the command line); nothing is published.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    root = root or repo_root()
    name = resolve_chapter(name, root)
    check_profile(profile)
    params = {"profile": profile, **dict(parameters or {})}
    validate_parameters(name, params)
    check_environment()
    source = root / "notebooks" / f"{name}.ipynb"
    output_dir = output_dir or root / "book" / "chapters"
    output_dir.mkdir(parents=True, exist_ok=True)
    output = output_dir / f"{name}.ipynb"
    results = results_folder(root)
    results.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=output_dir, prefix=f".{name}.run-"))
    staging = Path(tempfile.mkdtemp(dir=results, prefix=f".{name}.staging-"))
    scratch = work / f"{name}.ipynb"
    previous = os.environ.get(STAGING_ENV)
    os.environ[STAGING_ENV] = str(staging)  # inherited by the kernel
    start = time.perf_counter()
    try:
        with _kernel_config() as kernel_config, _kill_kernels_on_interrupt():
            papermill.execute_notebook(
                str(source),
                str(scratch),
                parameters=params,
                cwd=str(source.parent),
                kernel_name="python3",
                progress_bar=False,
                config=kernel_config,
            )
        _publish(name, scratch, staging, output, results)
    except PapermillExecutionError as err:
        if err.ename == "KeyboardInterrupt":
            raise ChapterInterrupted(name) from None
        kept = _keep_failed(scratch, output_dir)
        raise ChapterError(
            f"chapter {name} ({source}) failed in cell {err.cell_index} (execution count {err.exec_count}): "
            f"{err.ename}: {err.evalue}\n--- cell source ---\n{err.source}\n"
            f"Nothing was published: {output} and its results are those of the last good run. "
            f"The failed run's notebook is at {kept}."
        ) from None
    except KeyboardInterrupt:
        raise ChapterInterrupted(name) from None
    except VolrepError:
        raise
    except Exception as err:  # the kernel died, a timeout, papermill itself: still nothing is published
        kept = _keep_failed(scratch, output_dir)
        raise ChapterError(f"chapter {name} ({source}) failed: {type(err).__name__}: {err}\n"
                           f"Nothing was published; the failed run's notebook is at {kept}.") from err
    finally:
        if previous is None:
            os.environ.pop(STAGING_ENV, None)
        else:
            os.environ[STAGING_ENV] = previous
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    return ChapterRun(name, output, time.perf_counter() - start)


def results_folder(root: Path) -> Path:
    """Where published results go: ``VOLREP_RESULTS_DIR`` if set, else ``book/results`` of ``root``."""
    env = os.environ.get("VOLREP_RESULTS_DIR")
    return Path(os.path.abspath(os.path.expanduser(env))) if env else root / "book" / "results"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publish(name: str, scratch: Path, staging: Path, output: Path, results: Path) -> None:
    """Move a successful run's results, then its notebook (stamped with the results' sha256), into place."""
    import nbformat

    written = staging / f"{name}.json"
    if not written.is_file():
        raise ChapterError(f"chapter {name} ran but wrote no results ({name}.json, volrep.report.write_results); "
                           "nothing was published")
    nb = nbformat.read(scratch, as_version=4)
    nb.metadata["volrep"] = {"results": written.name, "results_sha256": _sha256(written)}
    _show_parameters_as_table(nb)
    nbformat.write(nb, scratch)
    scratch.chmod(0o644)
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    for path in files:
        target = results / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.chmod(0o644)
        os.replace(path, target)
    os.replace(scratch, output)


def _show_parameters_as_table(nb: "nbformat.NotebookNode") -> None:
    """Hide the notebook's ``parameters`` cell and papermill's injected one (``remove-cell``: plumbing a reader
    need not see) and put a small table of the run's parameters in their place."""
    import nbformat

    run = nb.metadata.get("papermill", {}).get("parameters", {})
    where = None
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.setdefault("tags", [])
        if {"parameters", "injected-parameters"} & set(tags):
            where = i
            if "remove-cell" not in tags:
                tags.append("remove-cell")
    if where is None or not run:
        return
    rows = [f"| `{key}` | `{value!r}` |" for key, value in run.items()]
    table = "\n".join(["This page was run with these parameters (the others take the profile's values):", "",
                       "| parameter | value |", "|---|---|", *rows])
    nb.cells.insert(where + 1, nbformat.v4.new_markdown_cell(table, metadata={"tags": ["run-parameters"]}))


def _keep_failed(scratch: Path, output_dir: Path) -> Path | None:
    """Move a failed run's notebook to ``<output_dir>/.failed/`` (not part of the book) for debugging."""
    if not scratch.is_file():
        return None
    kept = output_dir / ".failed" / scratch.name
    kept.parent.mkdir(exist_ok=True)
    os.replace(scratch, kept)
    return kept


@contextmanager
def _kill_kernels_on_interrupt() -> Iterator[None]:
    """While papermill runs: on SIGINT or SIGTERM, kill the kernel at once, then raise KeyboardInterrupt.

    Killing it first keeps papermill's polite shutdown from racing a busy kernel (which prints a traceback about
    closed sockets) and guarantees that no kernel outlives the run. Outside the main thread (where handlers cannot
    be installed) an interrupt is left to papermill.
    """
    import signal
    import threading

    def interrupted(signum: int, frame: object) -> None:
        _stop_kernels()
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop_kernels() -> None:
    """Kill the kernels this process started (an interrupted papermill may not get to shut them down)."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                child.kill()
                child.wait(timeout=5)
        except (psutil.Error, OSError):
            pass


def check_published(name: str, root: Path | None = None) -> list[str]:
    """Why the executed notebook of chapter ``name`` must not be published (empty list: it may be).

    Refused: no executed notebook; a cell with an error output; a code cell that did not run; no results file;
    a results file that is not the one written by the run that produced the notebook (its sha256 differs from
    the notebook's stamp, or, for a notebook from before the stamp, it was written outside the run's start and
    end times).
    """
    import datetime as dt

    import nbformat

    root = root or repo_root()
    path = root / "book" / "chapters" / f"{name}.ipynb"
    if not path.is_file():
        return [f"{path} does not exist (not executed yet)"]
    problems = []
    nb = nbformat.read(path, as_version=4)
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    failed = [i for i, c in code if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    if failed:
        problems.append(f"cell(s) {', '.join(map(str, failed))} of {path} raised an error")
    skipped = [i for i, c in code if c.get("execution_count") is None]
    if skipped:
        problems.append(f"{len(skipped)} of {len(code)} code cells of {path} were not executed "
                        f"(from cell {skipped[0]})")
    results = results_folder(root) / f"{name}.json"
    stamp = nb.metadata.get("volrep", {}).get("results_sha256")
    run = nb.metadata.get("papermill", {})
    if not results.is_file():
        problems.append(f"its results file {results} is missing")
    elif stamp is not None:
        if _sha256(results) != stamp:
            problems.append(f"its results file {results} is not the one its run wrote (sha256 differs)")
    elif run.get("start_time") and run.get("end_time"):
        began, ended = (dt.datetime.fromisoformat(run[k]).timestamp() for k in ("start_time", "end_time"))
        written = results.stat().st_mtime
        if written < began - 1:
            problems.append(f"its results file {results} is older than the run that produced the notebook")
        elif written > ended + 1:
            problems.append(f"its results file {results} was written after the run that produced the notebook")
    else:
        problems.append(f"{path} was not executed by the runner (no run metadata), so its results cannot be matched")
    return problems


def refresh_baseline(name: str, *, root: Path | None = None) -> Path:
    """Re-execute ``notebooks/<name>.ipynb`` in place with its default (``quick``) parameters.

    The committed notebooks carry these outputs: they are the baseline nbval compares against. Cell timings
    are not recorded, so that a rerun changes the file only where an output changed. The chapter's results go
    where ``VOLREP_RESULTS_DIR`` points (see :func:`refresh_baselines`).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    root = root or repo_root()
    path = root / "notebooks" / f"{resolve_chapter(name, root)}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    try:
        with _kernel_config() as kernel_config:
            NotebookClient(nb, kernel_name="python3", record_timing=False, timeout=None,
                           resources={"metadata": {"path": str(path.parent)}}, config=kernel_config).execute()
    except CellExecutionError as err:
        raise ChapterError(f"baseline of {path.name} failed: {err}") from None
    nbformat.write(nb, path)
    return path


def refresh_baselines(names: Sequence[str] = (), *, root: Path | None = None) -> list[Path]:
    """Refresh the committed notebooks (all, or ``names``) and record their claims as the quick reference.

    The notebooks are the baseline of nbval's exact checks; ``book/reference/quick/<chapter>.json`` (claims and
    forecast fingerprints of the same run, :func:`volrep.regression.write_reference`) is the baseline of the
    tolerance-based check. Both come from one run, so they can never disagree.
    """
    from volrep.regression import reference_dir, run_stamp, write_reference

    root = root or repo_root()
    chosen = [resolve_chapter(n, root) for n in names] if names else chapters(root)
    previous = os.environ.get("VOLREP_RESULTS_DIR")
    paths = []
    timings: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="volrep-baselines-") as tmp:
        os.environ["VOLREP_RESULTS_DIR"] = tmp  # inherited by the kernels
        try:
            for name in chosen:
                start = time.perf_counter()
                with _peak_memory() as peak:
                    paths.append(refresh_baseline(name, root=root))
                timings[name] = {"wall_s": round(time.perf_counter() - start, 1),
                                 "peak_rss_mb": round(peak["peak_rss_mb"])}
        finally:
            if previous is None:
                os.environ.pop("VOLREP_RESULTS_DIR")
            else:
                os.environ["VOLREP_RESULTS_DIR"] = previous
        stamp = run_stamp(root, timings=timings)  # the wall times are what `volrep book` plans with
        paths += write_reference(Path(tmp), reference_dir("quick", root), chosen, stamp=stamp)
    return paths


def write_scoreboard(root: Path | None = None) -> Path:
    """Write ``book/scoreboard.md`` from every ``book/results/*.json``."""
    root = root or repo_root()
    page = root / "book" / "scoreboard.md"
    page.write_text(scoreboard_markdown(read_results(root / "book" / "results"), reference_root=root))
    return page


def measured_seconds(profile: str, root: Path | None = None) -> dict[str, float]:
    """The wall time of each chapter's last recorded run of ``profile`` (``book/reference/<profile>``'s stamps).

    Chapters without a stamped wall time are left out: the plan says they are unmeasured.
    """
    import json

    from volrep.regression import reference_dir

    seconds = {}
    for path in sorted(reference_dir(profile, root).glob("*.json")):
        wall = json.loads(path.read_text()).get("stamp", {}).get("wall_s")
        if wall is not None:
            seconds[path.stem] = float(wall)
    return seconds


def launch_order(names: Sequence[str], seconds: Mapping[str, float]) -> list[str]:
    """The order in which chapters are started: unmeasured ones first, then the longest first (book order on ties),
    so that the longest chapter does not start last. Dependencies (:data:`volrep.config.CHAPTER_NEEDS`) are
    honoured when they are launched, not here."""
    return sorted(names, key=lambda n: (n in seconds, -seconds.get(n, 0.0), n))


def expected_wall_time(names: Sequence[str], seconds: Mapping[str, float], jobs: int) -> float:
    """Wall time of running ``names`` ``jobs`` at a time in :func:`launch_order`, from the measured ``seconds``
    (an unmeasured chapter counts 0), each chapter waiting for the ones it needs (list-scheduling simulation)."""
    from volrep.config import CHAPTER_NEEDS

    pending, running, finished, clock = launch_order(names, seconds), [], set(), 0.0
    while pending or running:
        for name in [n for n in pending if all(d in finished or d not in names for d in CHAPTER_NEEDS.get(n, ()))]:
            if len(running) >= jobs:
                break
            running.append((clock + seconds.get(name, 0.0), name))
            pending.remove(name)
        running.sort()
        clock, name = running.pop(0)
        finished.add(name)
    return clock


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def plan_text(names: Sequence[str], profile: str, jobs: int, root: Path | None = None) -> str:
    """What ``volrep book`` is about to run and roughly how long it will take, from the measured costs of the
    profile's last recorded runs (:func:`measured_seconds`), not from the chapters done so far."""
    seconds = measured_seconds(profile, root)
    known = {n: seconds[n] for n in names if n in seconds}
    lines = [f"book: {len(names)} chapter(s) of the {profile} profile, {jobs} at a time"]
    if known:
        lines.append("  last measured: " + ", ".join(f"{n[:2]} {_minutes(s)}" for n, s in known.items()))
        lines.append(f"  expected wall time ≈ {_minutes(expected_wall_time(names, known, jobs))} on a machine like the "
                     f"one that measured them (book/reference/{profile})")
    missing = [n[:2] for n in names if n not in known]
    if missing:
        lines.append(f"  not measured for this profile: {', '.join(missing)} (the estimate leaves them out)")
    return "\n".join(lines)


def family_rss_mb(pid: int | None = None) -> float:
    """Resident memory (MB) of process ``pid`` (default: this one) and all its descendants (its kernels); 0 if gone."""
    import psutil

    try:
        family = [psutil.Process(pid)]
        family += family[0].children(recursive=True)
        return sum(p.memory_info().rss for p in family if p.is_running()) / 2**20
    except (psutil.Error, OSError):
        return 0.0


@contextmanager
def _peak_memory() -> Iterator[dict[str, float]]:
    """Sample :func:`family_rss_mb` of this process twice a second while the block runs; the peak ends up in the
    yielded dict's ``peak_rss_mb``."""
    import threading

    peak = {"peak_rss_mb": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak["peak_rss_mb"] = max(peak["peak_rss_mb"], family_rss_mb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


@dataclass
class _Job:
    """One chapter running in its own ``python -m volrep chapter`` process."""

    name: str
    process: subprocess.Popen
    log: Path
    progress: Path
    started: float
    peak_rss_mb: float = 0.0

    def sample_memory(self) -> None:
        """Keep the peak of the resident memory of the chapter's process and its kernel."""
        self.peak_rss_mb = max(self.peak_rss_mb, family_rss_mb(self.process.pid))

    def status(self) -> str:
        """``07 12 min networks 3/25 › epochs 37/200 (≈ 2 min left in this loop)``: time so far and the loops
        the chapter's kernel is in (:mod:`volrep.progress`), with a note when none has moved for 5 minutes."""
        from volrep import progress

        stack = progress.read(self.progress)
        line = f"{self.name[:2]} {_minutes(time.perf_counter() - self.started)}"
        if stack:
            line += f" {progress.describe(stack)}"
            quiet = time.time() - max(r.get("updated", 0) for r in stack)
            if quiet > 300:
                line += f" (no update for {_minutes(quiet)})"
        return line


def _start(name: str, profile: str, root: Path, folder: Path) -> _Job:
    """Start chapter ``name`` in a new process (and session: a Ctrl-C reaches the book, which stops it)."""
    from volrep.progress import PROGRESS_ENV

    env = dict(os.environ)
    for key in ("VOLREP_RESULTS_DIR", "VOLREP_CACHE_DIR", "VOLREP_DATA_DIR"):  # the child runs in ``root``
        if env.get(key):
            env[key] = os.path.abspath(os.path.expanduser(env[key]))
    env[PROGRESS_ENV] = str(folder / f"{name}.progress.json")
    Path(env[PROGRESS_ENV]).unlink(missing_ok=True)  # a previous run's loops are not this run's progress
    log = folder / f"{name}.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "volrep", "chapter", name, "--profile", profile],
                                   cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return _Job(name, process, log, Path(env[PROGRESS_ENV]), time.perf_counter())


def _stop(jobs: Sequence[_Job], grace: float = 20.0) -> None:
    """SIGTERM every running chapter (each kills its kernel and publishes nothing), wait, then kill whatever of
    them and their kernels is still alive: no process outlives the book."""
    import psutil

    family = []
    for job in jobs:
        try:
            family += psutil.Process(job.process.pid).children(recursive=True)
        except psutil.Error:
            pass
        if job.process.poll() is None:
            job.process.terminate()
    deadline = time.monotonic() + grace
    for job in jobs:
        try:
            job.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            job.process.kill()
            job.process.wait()
    for proc in family:
        try:
            proc.kill()
            proc.wait(timeout=5)
        except (psutil.Error, OSError):
            pass


def _interruptible() -> object:
    """Make Ctrl-C (SIGINT) raise KeyboardInterrupt even when this process started with SIGINT ignored (as a
    background job of a non-interactive shell, or a child of a test runner's worker, does): stopping the book must
    stop its chapters. Returns the previous handler (``None`` outside the main thread, where nothing changes)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.default_int_handler)


def _tail(path: Path, lines: int = 25) -> str:
    text = path.read_text(errors="replace").strip().splitlines() if path.is_file() else []
    return "\n".join("    " + line for line in text[-lines:])


def run_chapters(names: Sequence[str], *, profile: str, jobs: int, root: Path | None = None) -> list[ChapterRun]:
    """Run chapters ``jobs`` at a time, each in its own process (:func:`run_chapter`: all-or-nothing publishing).

    A chapter of :data:`volrep.config.CHAPTER_NEEDS` starts only when the chapters it needs (among ``names``) have
    been published. A terminal bar counts chapters and shows, for each running one, its time so far and where it
    is inside (:mod:`volrep.progress`). Each chapter's output goes to ``book/chapters/.logs/<chapter>.log``; the wall
    time and peak memory (process and kernel) of each successful run to ``book/chapters/.logs/timings.json``, the
    file ``python -m volrep reference --timings`` stamps a reference with.

    Raises
    ------
    ChapterError
        One or more chapters failed (the message quotes the end of each one's log); the others ran to the end and
        were published.
    ChapterInterrupted
        Ctrl-C or SIGTERM: the running chapters were stopped, their kernels killed, nothing of them published.
    """
    import json

    from volrep.config import CHAPTER_NEEDS

    root = root or repo_root()
    folder = root / "book" / "chapters" / ".logs"
    folder.mkdir(parents=True, exist_ok=True)
    pending = launch_order(names, measured_seconds(profile, root))
    running: dict[str, _Job] = {}
    runs: list[ChapterRun] = []
    failed: dict[str, str] = {}
    timings: dict[str, dict[str, float]] = {}
    terminal = sys.stderr.isatty()
    bar = tqdm(total=len(names), desc=f"chapters ({profile})", unit="chapter", mininterval=1 if terminal else 60)
    previous = _interruptible()
    try:
        while pending or running:
            for name in list(pending):
                needs = [d for d in CHAPTER_NEEDS.get(name, ()) if d in names]
                if lost := [d for d in needs if d in failed]:
                    pending.remove(name)
                    failed[name] = f"    not run: it needs {', '.join(lost)}, which failed"
                    bar.update()
                elif len(running) < jobs and all(d in timings for d in needs):
                    pending.remove(name)
                    running[name] = _start(name, profile, root, folder)
            for name, job in list(running.items()):
                job.sample_memory()
                if job.process.poll() is None:
                    continue
                del running[name]
                bar.update()
                seconds = time.perf_counter() - job.started
                if job.process.returncode == 0:
                    timings[name] = {"wall_s": round(seconds, 1), "peak_rss_mb": round(job.peak_rss_mb)}
                    runs.append(ChapterRun(name, root / "book" / "chapters" / f"{name}.ipynb", seconds))
                    tqdm.write(f"  {name}: {_minutes(seconds)}, peak memory {job.peak_rss_mb:.0f} MB")
                else:
                    failed[name] = _tail(job.log)
                    tqdm.write(f"  {name}: FAILED after {_minutes(seconds)} (log: {job.log})")
            bar.set_postfix_str(" | ".join(job.status() for job in running.values()), refresh=False)
            time.sleep(0.5)
    except KeyboardInterrupt:
        stopped = list(running)
        _stop(list(running.values()))
        raise ChapterInterrupted(*stopped) if stopped else KeyboardInterrupt from None
    finally:
        if previous is not None:
            import signal

            signal.signal(signal.SIGINT, previous)
        bar.close()
        (folder / "timings.json").write_text(json.dumps(timings, indent=1) + "\n")  # volrep reference --timings
    if failed:
        raise ChapterError("chapter(s) failed; nothing of them was published, the other chapters were:\n"
                           + "\n".join(f"  {n}:\n{why}" for n, why in failed.items()))
    return runs


def build_book(
    *,
    profile: str = "quick",
    only: Sequence[str] | None = None,
    execute: bool = True,
    jobs: int | None = None,
    root: Path | None = None,
) -> Path:
    """Execute the chapters (all, or ``only``), ``jobs`` at a time, write the scoreboard, build the HTML book; return
    its index.

    Before anything runs, the plan is printed: the chapters and the expected wall time from the profile's measured
    costs (:func:`plan_text`). ``jupyter-book build`` runs with ``-W -n --keep-going``: every Sphinx warning fails
    the build, after all of them have been reported.
    """
    from volrep.config import default_jobs

    root = root or repo_root()
    check_profile(profile)
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, got {jobs}")
    if execute:
        jobs = jobs or default_jobs()
        names = [resolve_chapter(n, root) for n in only] if only else chapters(root)
        tqdm.write(plan_text(names, profile, jobs, root))
        run_chapters(names, profile=profile, jobs=jobs, root=root)
    refused = {c: why for c in chapters(root) if (why := check_published(c, root))}
    if refused:
        lines = [f"  {c}: {'; '.join(why)}" for c, why in refused.items()]
        again = " ".join(c[:2] for c in refused)
        raise ConfigError("refusing to publish chapters whose executed notebook is missing, failed or does not match "
                          "its results:\n" + "\n".join(lines) +
                          f"\nRerun them (python -m volrep book --only {again}), then build again.")
    write_scoreboard(root)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going"]
    done = subprocess.run(cmd, cwd=root)
    if done.returncode != 0:
        raise VolrepError(f"jupyter-book build failed (exit {done.returncode}); see the warnings above")
    return root / "_build" / "html" / "index.html"
