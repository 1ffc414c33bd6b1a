"""Execute the chapter notebooks with papermill and build the Jupyter Book.

The reviewed source of each chapter is ``notebooks/NN_name.py`` (jupytext percent format), paired with
``notebooks/NN_name.ipynb``. :func:`run_chapter` executes the ``.ipynb`` with the profile's parameters into
``book/chapters/NN_name.ipynb``; :func:`build_book` runs every chapter, writes the scoreboard page from
``book/results/*.json`` and calls ``jupyter-book build`` with warnings as errors (execution is off in
``_config.yml``: the book shows exactly what papermill produced).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from volrep.config import check_profile, repo_root
from volrep.errors import ConfigError, VolrepError
from volrep.report import read_results, scoreboard_markdown


class ChapterError(VolrepError):
    """A chapter notebook failed: names the notebook, the cell and the error."""


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
    """Execute one chapter notebook with papermill.

    Parameters
    ----------
    name
        Chapter name or its number (``"02"``).
    profile
        ``"quick"`` or ``"full"``; passed to the notebook as the ``profile`` parameter.
    parameters
        Extra papermill parameters (the chapter's knobs, ``seed``, ``data_source`` …).
    output_dir
        Where the executed notebook goes (default ``book/chapters``).

    Raises
    ------
    ChapterError
        If a cell fails: the message names the notebook, the cell number and the error.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    root = root or repo_root()
    name = resolve_chapter(name, root)
    check_profile(profile)
    source = root / "notebooks" / f"{name}.ipynb"
    output_dir = output_dir or root / "book" / "chapters"
    output_dir.mkdir(parents=True, exist_ok=True)
    output = output_dir / f"{name}.ipynb"
    params = {"profile": profile, **dict(parameters or {})}
    start = time.perf_counter()
    try:
        with _kernel_config() as kernel_config:
            papermill.execute_notebook(
                str(source),
                str(output),
                parameters=params,
                cwd=str(source.parent),
                kernel_name="python3",
                progress_bar=False,
                config=kernel_config,
            )
    except PapermillExecutionError as err:
        raise ChapterError(
            f"chapter {name} ({source}) failed in cell {err.cell_index} (execution count {err.exec_count}): "
            f"{err.ename}: {err.evalue}\n--- cell source ---\n{err.source}\n"
            f"The partly executed notebook is at {output}."
        ) from None
    return ChapterRun(name, output, time.perf_counter() - start)


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
    from volrep.regression import reference_dir, write_reference

    root = root or repo_root()
    chosen = [resolve_chapter(n, root) for n in names] if names else chapters(root)
    previous = os.environ.get("VOLREP_RESULTS_DIR")
    paths = []
    with tempfile.TemporaryDirectory(prefix="volrep-baselines-") as tmp:
        os.environ["VOLREP_RESULTS_DIR"] = tmp  # inherited by the kernels
        try:
            for name in chosen:
                paths.append(refresh_baseline(name, root=root))
        finally:
            if previous is None:
                os.environ.pop("VOLREP_RESULTS_DIR")
            else:
                os.environ["VOLREP_RESULTS_DIR"] = previous
        paths += write_reference(Path(tmp), reference_dir("quick", root), chosen)
    return paths


def write_scoreboard(root: Path | None = None) -> Path:
    """Write ``book/scoreboard.md`` from every ``book/results/*.json``."""
    root = root or repo_root()
    page = root / "book" / "scoreboard.md"
    page.write_text(scoreboard_markdown(read_results(root / "book" / "results")))
    return page


def build_book(
    *,
    profile: str = "full",
    only: Sequence[str] | None = None,
    execute: bool = True,
    root: Path | None = None,
) -> Path:
    """Execute the chapters (all, or ``only``), write the scoreboard, build the HTML book; return its index.

    ``jupyter-book build`` runs with ``-W -n --keep-going``: every Sphinx warning fails the build, after all of
    them have been reported.
    """
    root = root or repo_root()
    check_profile(profile)
    runs: list[ChapterRun] = []
    if execute:
        names = [resolve_chapter(n, root) for n in only] if only else chapters(root)
        bar = tqdm(names, desc=f"chapters ({profile})", unit="chapter")
        for name in bar:
            bar.set_postfix_str(name)
            runs.append(run_chapter(name, profile=profile, root=root))
        for r in runs:
            tqdm.write(f"  {r.name}: {r.seconds:.0f} s")
    missing = [c for c in chapters(root) if not (root / "book" / "chapters" / f"{c}.ipynb").exists()]
    if missing:
        raise ConfigError(f"chapters not executed yet: {', '.join(missing)} (run without --no-execute)")
    write_scoreboard(root)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going"]
    done = subprocess.run(cmd, cwd=root)
    if done.returncode != 0:
        raise VolrepError(f"jupyter-book build failed (exit {done.returncode}); see the warnings above")
    return root / "_build" / "html" / "index.html"
