"""Recording references: where they live, what a full run's reference is stamped with, and how they are written.

:func:`record_reference` (``python -m volrep reference``) writes a run's claims, and for a quick run its forecast
fingerprint, to ``book/reference/<profile>`` (:func:`reference_dir`, :func:`write_reference`); a full run's
reference carries a :class:`Stamp` (:func:`run_stamp`: commit, dirtiness, machine, timings from
:func:`read_timings`, settings, date and the chapter's source files from :func:`chapter_sources`), as described in
:mod:`volrep.regression`, "Full-run references".
"""

from __future__ import annotations

import ast
import datetime
import json
import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from volrep.errors import ConfigError
from volrep.regression.compare import _is_number, forecast_fingerprint


def reference_dir(profile: str, root: Path | None = None) -> Path:
    """``book/reference/<profile>`` of the project: the committed claims and fingerprints."""
    from volrep.config import repo_root

    return (root or repo_root()) / "book" / "reference" / profile


def git(root: Path, *args: str) -> str | None:
    """The output of ``git -C root ARGS`` (trailing white space removed), or ``None`` if git is not installed,
    ``root`` is not in a repository or the command fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.rstrip() if done.returncode == 0 else None


def _chapter_imports(path: Path) -> set[str]:
    """The ``volrep.chapters`` modules that the Python file ``path`` imports (from its import statements).

    Raises
    ------
    ConfigError
        The file does not exist or does not parse.
    """
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except (OSError, SyntaxError) as err:
        raise ConfigError(f"cannot read the imports of {path}: {err}") from None
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "volrep.chapters":
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("volrep.chapters."):
            modules.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            modules |= {a.name.split(".")[2] for a in node.names if a.name.startswith("volrep.chapters.")}
    return modules


def chapter_sources(chapter: str, root: Path) -> list[str]:
    """The source files a chapter's numbers depend on, relative to ``root``: its notebook ``notebooks/<chapter>.py``
    and the ``src/volrep/chapters`` modules it imports, directly or through other chapter modules (read from the
    import statements, so the list follows the code).

    Raises
    ------
    ConfigError
        The notebook or a chapter module does not exist or does not parse, or a chapter module that is imported
        has no file.
    """
    notebook = root / "notebooks" / f"{chapter}.py"
    pending, seen = [(notebook, m) for m in sorted(_chapter_imports(notebook))], set()
    while pending:
        importer, module = pending.pop()
        if module in seen:
            continue
        path = root / "src" / "volrep" / "chapters" / f"{module}.py"
        if not path.is_file():
            raise ConfigError(f"{importer} imports volrep.chapters.{module}, but {path} does not exist")
        seen.add(module)
        pending += [(path, m) for m in sorted(_chapter_imports(path) - seen)]
    return [f"notebooks/{chapter}.py", *(f"src/volrep/chapters/{m}.py" for m in sorted(seen))]


def read_timings(path: Path) -> dict[str, dict[str, float | None]]:
    """Read a timings file ``{chapter: {"wall_s": float, "peak_rss_mb": float}}`` (either key may be absent or
    null).

    Raises
    ------
    ConfigError
        The file is missing, is not JSON, or an entry is not an object of numbers under those two keys.
    """
    try:
        payload = json.loads(Path(path).read_text())
    except (OSError, ValueError) as err:
        raise ConfigError(f"timings file {path}: {err}") from None
    if not isinstance(payload, dict):
        raise ConfigError(f"timings file {path}: expected a JSON object {{chapter: {{\"wall_s\": …, "
                          f"\"peak_rss_mb\": …}}}}, got {type(payload).__name__}")
    for chapter, entry in payload.items():
        ok = isinstance(entry, dict) and set(entry) <= {"wall_s", "peak_rss_mb"} and all(
            v is None or _is_number(v) for v in entry.values())
        if not ok:
            raise ConfigError(f"timings file {path}: entry {chapter!r} must be an object with the numbers "
                              f"\"wall_s\" and \"peak_rss_mb\" (or null), got {entry!r}")
    return payload


@dataclass(frozen=True)
class Stamp:
    """What a full run's reference is stamped with besides its claims (module docstring, "Full-run references").

    Attributes
    ----------
    root
        The project root: where the notebooks and the chapter modules are.
    commit
        The commit of the code that ran (``None``: unknown, no git).
    dirty
        Whether the working tree differed from ``commit`` when the reference was recorded (``None``: unknown, e.g.
        the commit was passed in and is not the checked-out one).
    timings
        Per chapter, ``wall_s`` and ``peak_rss_mb`` of the run (:func:`read_timings`); a chapter without an entry
        gets ``None`` for both.
    date
        When the reference was recorded (ISO 8601, UTC, to the second).
    """

    root: Path
    commit: str | None
    dirty: bool | None
    timings: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    date: str = field(default_factory=lambda: datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds"))

    def for_chapter(self, chapter: str, profile: str, numerics: Mapping | None) -> dict:
        """The stamp of one chapter's reference: commit, machine, wall time, peak memory, settings, date, sources.

        ``numerics`` is the run's own record (the results file's ``numerics``: library versions, processor,
        threads); the machine's platform, logical cores and torch device are added from this process, which
        records the reference on the machine that ran.
        """
        from volrep.config import CHAPTER_SETTINGS, device, numerics_summary
        from volrep.report import _jsonable

        if profile not in CHAPTER_SETTINGS.get(chapter, {}):
            raise ConfigError(f"{chapter}: no {profile!r} settings in volrep.config.CHAPTER_SETTINGS to stamp")
        machine = {"platform": platform.platform(), "logical_cores": os.cpu_count(), "torch_device": device(),
                   **(numerics or numerics_summary())}
        timing = self.timings.get(chapter, {})
        return {"commit": self.commit, "dirty": self.dirty, "machine": machine,
                "wall_s": timing.get("wall_s"), "peak_rss_mb": timing.get("peak_rss_mb"),
                "settings": _jsonable(CHAPTER_SETTINGS[chapter][profile]), "date": self.date,
                "sources": chapter_sources(chapter, self.root)}


def run_stamp(root: Path, commit: str | None = None,
              timings: Mapping[str, Mapping[str, float | None]] | None = None) -> Stamp:
    """A :class:`Stamp` for the code in ``root``: ``commit`` (default ``git rev-parse HEAD``), resolved to its full
    hash, with the tree's dirtiness when it is the checked-out commit.

    Raises
    ------
    ConfigError
        ``commit`` is given but git does not know it in ``root``.
    """
    head = git(root, "rev-parse", "--verify", "HEAD^{commit}")
    if commit is not None:
        resolved = git(root, "rev-parse", "--verify", f"{commit}^{{commit}}")
        if resolved is None and head is not None:
            raise ConfigError(f"--commit {commit}: not a commit of the repository at {root}")
        commit = resolved or commit
    status = git(root, "status", "--porcelain")
    dirty = bool(status) if (commit is None or commit == head) and status is not None else None
    return Stamp(root, commit or head, dirty, dict(timings or {}))


def write_reference(results: Path, reference: Path, chapters: Sequence[str] | None = None, *,
                    stamp: Stamp | None = None) -> list[Path]:
    """Copy the claims (and the forecast fingerprint) of a run in ``results`` to ``reference``.

    Only the chapter, profile, numerics and claims are kept (no provenance, no data); forecasts are reduced to
    their fingerprint. A ``full`` run keeps only the chapter, profile and claims (module docstring, "Full-run
    references"). A ``stamp`` (:meth:`Stamp.for_chapter`: commit, machine and the run's numerics, wall time, peak
    memory, settings) is added to either: ``volrep book`` reads the wall times to say how long a build will take.
    Returns the files written.
    """
    from volrep.store import load_forecasts

    reference.mkdir(parents=True, exist_ok=True)
    names = chapters or sorted(p.stem for p in results.glob("*.json"))
    if not names:
        raise ConfigError(f"no results files in {results}: run the chapters first")
    written = []
    for name in names:
        payload = json.loads((results / f"{name}.json").read_text())
        if payload.get("profile") == "full":
            kept = {k: payload[k] for k in ("chapter", "profile", "claims")}
        else:
            kept = {k: payload[k] for k in ("chapter", "profile", "numerics", "claims") if k in payload}
            store_file = results / "forecasts" / f"{name}.parquet"
            if store_file.exists():
                kept["forecasts"] = forecast_fingerprint(load_forecasts(chapter=name, directory=results / "forecasts"))
        if stamp is not None:
            kept["stamp"] = stamp.for_chapter(name, payload["profile"], payload.get("numerics"))
        target = reference / f"{name}.json"
        target.write_text(json.dumps(kept, indent=1) + "\n")
        written.append(target)
    return written


def _results_chapters(results: Path, profile: str, names: Sequence[str]) -> list[str]:
    """The chapters of ``results`` to record (all, or ``names``: names or numbers), each checked to be a run of
    ``profile``."""
    available = sorted(p.stem for p in results.glob("*.json"))
    chosen = [c for c in available if not names or any(n in (c, c[:2], c[3:]) for n in names)]
    unknown = [n for n in names if not any(n in (c, c[:2], c[3:]) for c in available)]
    if unknown or not chosen:
        raise ConfigError(f"no results file for {', '.join(unknown) or 'any chapter'} in {results}; there are: "
                          f"{', '.join(available) or 'none'}")
    for chapter in chosen:
        ran = json.loads((results / f"{chapter}.json").read_text()).get("profile")
        if ran != profile:
            raise ConfigError(f"{results / f'{chapter}.json'} is a run of profile {ran!r}, not {profile!r}: record "
                              f"it as that profile's reference, or rerun the chapter with --profile {profile}")
    return chosen


def record_reference(results: Path, profile: str, chapters: Sequence[str] = (), *, commit: str | None = None,
                     timings: Path | None = None, root: Path | None = None) -> list[Path]:
    """``python -m volrep reference``: record a run's claims as ``book/reference/<profile>``.

    A ``full`` reference is stamped (:func:`run_stamp`, with ``commit`` and the ``timings`` file,
    :func:`read_timings`); a ``quick`` one keeps its forecast fingerprint, as ``make baselines`` records it.

    Raises
    ------
    ConfigError
        A chapter has no results file in ``results``, or was run with another profile.
    """
    from volrep.config import check_profile, repo_root

    check_profile(profile)
    root = root or repo_root()
    names = _results_chapters(results, profile, chapters)
    stamp = None
    if profile == "full":
        stamp = run_stamp(root, commit, read_timings(timings) if timings else None)
    return write_reference(results, reference_dir(profile, root), names, stamp=stamp)
