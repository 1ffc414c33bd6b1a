"""Chapters side by side: what ``volrep book`` will run, how long it should take, and running it.

:func:`run_chapters` runs chapters ``jobs`` at a time, each in its own ``python -m volrep chapter`` process (which
publishes all or nothing, :func:`volrep.runner.run_chapter`), in :func:`launch_order`, a chapter of
:data:`volrep.settings.CHAPTER_NEEDS` only after the chapters it needs. Before anything runs, :func:`plan_text` states
the expected wall time, simulated (:func:`expected_wall_time`) from the wall times stamped in
``book/reference/<profile>/`` by the profile's last measured runs (:func:`measured_seconds`), not from the chapters
done so far. While they run, a bar shows each chapter's time so far and where its kernel is
(:mod:`volrep.progress`); Ctrl-C or SIGTERM stops every chapter and kills their kernels (:func:`_stop`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from volrep.config import repo_root
from volrep.errors import ChapterError, ChapterInterrupted


@dataclass(frozen=True)
class ChapterRun:
    """Outcome of one executed chapter."""

    name: str
    output: Path
    seconds: float


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
    so that the longest chapter does not start last. Dependencies (:data:`volrep.settings.CHAPTER_NEEDS`) are
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
def peak_memory() -> Iterator[dict[str, float]]:
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

    A chapter of :data:`volrep.settings.CHAPTER_NEEDS` starts only when the chapters it needs (among ``names``) have
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
