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
``book/chapters``, the notebook stamped with the sha256 of its results file and turned into the book's pages
(:mod:`volrep.publish`: the run's parameters as a table, the other profile's verdicts, long chapters as several
pages). A failed run publishes nothing (its
notebook is kept for debugging in ``book/chapters/.failed/``), an interrupted one nothing at all; the last good
page and its results stay as they were. Before building, :func:`check_published` refuses a notebook with an
error output or an unexecuted cell, and one whose results file is missing or is not the one its run wrote.
Parameters are checked against the chapter's schema (:func:`volrep.settings.validate_parameters`) and the
folders named by the environment (:func:`volrep.config.check_environment`) before a kernel starts.
Running several chapters side by side is :mod:`volrep.schedule`'s job.
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
from pathlib import Path

from tqdm import tqdm

from volrep.config import check_environment, check_profile, repo_root, validate_parameters
from volrep.errors import ChapterError, ChapterInterrupted, ConfigError, VolrepError
from volrep.report import read_results, scoreboard_markdown
from volrep.schedule import ChapterRun, peak_memory, plan_text, run_chapters


#: Set by :func:`run_chapter` for the kernel: where the chapter's results go until the run has succeeded.
STAGING_ENV = "VOLREP_STAGING_DIR"


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
        chapter's schema (:data:`volrep.settings.CHAPTER_PARAMETERS`) before anything runs.
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
        _publish(name, scratch, staging, output, results, root)
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


def _publish(name: str, scratch: Path, staging: Path, output: Path, results: Path, root: Path) -> None:
    """Move a successful run's results, then its pages (the notebook stamped with the results' sha256 and turned
    into the book's pages by :func:`volrep.publish.publish_pages`), into place."""
    import json

    import nbformat

    from volrep.publish import page_names, publish_pages

    written = staging / f"{name}.json"
    if not written.is_file():
        raise ChapterError(f"chapter {name} ran but wrote no results ({name}.json, volrep.report.write_results); "
                           "nothing was published")
    nb = nbformat.read(scratch, as_version=4)
    nb.metadata["volrep"] = {"results": written.name, "results_sha256": _sha256(written)}
    pages = publish_pages(nb, json.loads(written.read_text()), root)
    stems = page_names(name, len(pages))
    scratches = [scratch.with_name(f"{stem}.ipynb") for stem in stems]
    for page, path in zip(pages, scratches):
        nbformat.write(page, path)
        path.chmod(0o644)
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    for path in files:
        target = results / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.chmod(0o644)
        os.replace(path, target)
    for old in output.parent.glob(f"{name}_[0-9]*.ipynb"):  # pages of an earlier run that this one no longer has
        if old.stem not in stems:
            old.unlink()
    for path, stem in zip(scratches[1:], stems[1:]):
        os.replace(path, output.with_name(f"{stem}.ipynb"))
    os.replace(scratches[0], output)


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
                with peak_memory() as peak:
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
