"""Profile sensitivity: the verdicts of the ``quick`` profile next to those of the ``full`` one, and stale references.

The ``quick`` profile (CI, the nbval baselines) cuts epochs, grids and stock pools; the ``full`` profile follows the
papers' protocols and gives the verdicts the book stands behind. A full run takes hours, so its claims are
committed as ``book/reference/full/<chapter>.json`` (:func:`volrep.regression.record_reference`) and every build
compares its own claims with them: a quick build with the full references, a full build with the quick ones
(``book/reference/quick``) — the point is always quick against full (:func:`compare_profiles`). A claim whose verdict
differs between the profiles is one whose verdict depends on the budget.

A full reference describes the code of its stamped commit. :func:`staleness` says whether that code, or the
profile's settings, have changed since: a stale reference is still shown, flagged with why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from volrep.config import CHAPTER_SETTINGS, PROFILES
from volrep.errors import ConfigError
from volrep.regression import git, reference_dir
from volrep.report import _fmt, _jsonable, claims_table
from volrep.verdicts import VERDICTS

#: How a claim stands between the profiles (the ``status`` column of :func:`compare_profiles`).
STATUSES = ("same", "differs", *(f"only {p}" for p in PROFILES), "no reference")

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Staleness:
    """Whether one chapter's full reference still describes the code.

    Attributes
    ----------
    chapter
        The chapter.
    state
        ``"fresh"`` (neither its sources nor its settings changed since the stamped commit), ``"stale"`` (one of
        them did: ``why`` says which) or ``"unknown"`` (git or the stamped commit is not available, and the
        settings did not change: ``why`` says what is missing).
    why
        One line per reason.
    """

    chapter: str
    state: str
    why: tuple[str, ...] = ()


def counterpart(profile: str) -> str:
    """The profile a build of ``profile`` is compared with: ``full`` for ``quick`` and vice versa."""
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r} in a results file; choose one of {', '.join(PROFILES)}")
    return next(p for p in PROFILES if p != profile)


def load_references(profile: str, root: Path) -> dict[str, dict]:
    """The committed references ``book/reference/<profile>/*.json`` of the project at ``root``, by chapter (empty
    when the folder does not exist).

    Raises
    ------
    ConfigError
        A file is not valid JSON, or names another chapter or profile than its path.
    """
    references = {}
    for path in sorted(reference_dir(profile, root).glob("*.json")):
        try:
            payload = json.loads(path.read_text())
        except ValueError as err:
            raise ConfigError(f"reference {path} is not valid JSON: {err}") from None
        if payload.get("chapter") != path.stem or payload.get("profile") != profile:
            raise ConfigError(f"reference {path} holds chapter {payload.get('chapter')!r} of profile "
                              f"{payload.get('profile')!r}: expected {path.stem!r} of {profile!r}")
        references[path.stem] = payload
    return references


def profile_pairs(results: Sequence[dict], root: Path) -> list[tuple[dict, dict | None]]:
    """Each results file with the committed reference of the other profile (:func:`counterpart`), or ``None``."""
    references = {p: load_references(p, root) for p in PROFILES}
    return [(r, references[counterpart(r["profile"])].get(r["chapter"])) for r in results]


def _no_nan(x: object) -> object:
    """``None`` for a missing number (pandas turns ``None`` into NaN in a numeric column)."""
    return None if isinstance(x, float) and x != x else x


def compare_profiles(pairs: Sequence[tuple[dict, dict | None]]) -> pd.DataFrame:
    """One row per claim of either side of each pair (:func:`profile_pairs`), quick and full side by side.

    Returns
    -------
    pandas.DataFrame
        ``chapter, id, build`` (the build's profile), ``paper``, then ``ours_<p>``, ``verdict_<p>``,
        ``provisional_<p>`` for each profile ``p`` (``None`` where that side has no such claim), and ``status``
        (:data:`STATUSES`): ``same`` or ``differs`` (verdicts), ``only <profile>`` (a claim one side lacks),
        ``no reference`` (the chapter has no reference of the other profile).
    """
    columns = ["chapter", "id", "build", "paper",
               *(f"{k}_{p}" for p in PROFILES for k in ("ours", "verdict", "provisional")), "status"]
    frames = [claims_table([side for side in pair if side is not None]).assign(build=pair[0]["profile"])
              for pair in pairs]
    frames = [f for f in frames if len(f)]
    if not frames:  # no pair, or chapters without claims
        return pd.DataFrame(columns=columns)
    both = pd.concat(frames, ignore_index=True)
    referenced = {pair[0]["chapter"] for pair in pairs if pair[1] is not None}
    rows = []
    for (chapter, cid, build), group in both.groupby(["chapter", "id", "build"], sort=True):
        sides = {c["profile"]: c for _, c in group.iterrows()}
        item = {"chapter": chapter, "id": cid, "build": build,
                "paper": _no_nan(next(iter(sides.values()))["paper"])}
        for p in PROFILES:
            side = sides.get(p)
            item[f"ours_{p}"] = None if side is None else _no_nan(side["ours"])
            item[f"verdict_{p}"] = None if side is None else side["verdict"]
            item[f"provisional_{p}"] = None if side is None else bool(side["provisional"])
        if chapter not in referenced:
            item["status"] = "no reference"
        elif len(sides) == 1:
            item["status"] = f"only {next(iter(sides))}"
        else:
            item["status"] = "same" if len({c["verdict"] for c in sides.values()}) == 1 else "differs"
        rows.append(item)
    return pd.DataFrame(rows, columns=columns)


def chapter_counts(compared: pd.DataFrame) -> pd.DataFrame:
    """Per chapter of a :func:`compare_profiles` table: its build profile and how many claims have each status."""
    counts = pd.crosstab([compared["chapter"], compared["build"]], compared["status"])
    return counts.reindex(columns=list(STATUSES), fill_value=0).reset_index()


def verdict_summary(claims: pd.DataFrame) -> str:
    """``"12 reproduced, 3 partly, 1 not comparable (2 provisional)"``: the verdict counts of a claims table
    (:func:`volrep.report.claims_table`), verdicts in :data:`volrep.verdicts.VERDICTS` order, zero counts left out."""
    counts = claims["verdict"].value_counts()
    text = ", ".join(f"{int(counts[v])} {v}" for v in VERDICTS if v in counts) or "no claims"
    provisional = int(claims["provisional"].sum())
    return text + (f" ({provisional} provisional)" if provisional else "")


def _verdict(verdict: object, provisional: object) -> str:
    return "—" if verdict is None else str(verdict) + (" (provisional)" if provisional else "")


def differences_markdown(compared: pd.DataFrame) -> list[str]:
    """The claims whose verdict differs between the profiles, as a Markdown table (claim, chapter, the paper's
    value, ours and the verdict under each profile); one sentence when there is none, or nothing to compare."""
    if compared.empty or (compared["status"] == "no reference").all():
        return ["Nothing to compare yet: no chapter has a reference of the other profile."]
    differ = compared[compared["status"] == "differs"]
    if differ.empty:
        return ["No claim's verdict differs between the profiles."]
    head = ["claim", "chapter", "paper", *(f"ours ({p})" for p in PROFILES), *(f"verdict ({p})" for p in PROFILES)]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for _, c in differ.iterrows():
        cells = [f"`{c['id']}`", c["chapter"], _fmt(c["paper"]), *(_fmt(c[f"ours_{p}"]) for p in PROFILES),
                 *(_verdict(c[f"verdict_{p}"], c[f"provisional_{p}"]) for p in PROFILES)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _settings_change(chapter: str, profile: str, stamped: object,
                     settings: Mapping[str, Mapping[str, Mapping[str, object]]]) -> str | None:
    """Why the profile's settings of ``chapter`` are not the stamped ones, or ``None`` if they are."""
    if profile not in settings.get(chapter, {}):
        return f"volrep.config has no {profile} settings for {chapter} any more"
    current = _jsonable(dict(settings[chapter][profile]))
    if not isinstance(stamped, dict) or current == stamped:
        return None
    keys = sorted(set(current) | set(stamped))
    moved = [f"{k}: {stamped.get(k, '—')} → {current.get(k, '—')}"
             for k in keys if stamped.get(k) != current.get(k)]
    return f"the {profile} settings changed since the run ({'; '.join(moved)})"


def _source_changes(root: Path, commit: str, files: Sequence[str]) -> list[str]:
    """The source files changed in commits after ``commit`` and the uncommitted changes, one line each kind."""
    log = git(root, "log", "--format=%H", "--name-only", f"{commit}..HEAD", "--", *files) or ""
    lines = [line for line in log.splitlines() if line]
    commits = [line for line in lines if _COMMIT.match(line)]
    changed = sorted({line for line in lines if not _COMMIT.match(line)})
    why = []
    if commits:
        why.append(f"{', '.join(changed)} changed in {len(commits)} commit(s) after {commit[:12]}")
    status = git(root, "status", "--porcelain", "--", *files) or ""
    dirty = sorted({line[3:].split(" -> ")[-1] for line in status.splitlines() if line})
    if dirty:
        why.append(f"uncommitted changes to {', '.join(dirty)}")
    return why


def chapter_staleness(reference: Mapping, root: Path,
                      settings: Mapping[str, Mapping[str, Mapping[str, object]]] | None = None) -> Staleness:
    """Whether one full reference (a stamped reference file, loaded) is older than the code it describes.

    Stale when a source file of its stamp changed in a commit after the stamped one
    (``git log <stamped>..HEAD -- <sources>``) or has uncommitted changes, or when the profile's settings in
    ``settings`` (default :data:`volrep.settings.CHAPTER_SETTINGS`) differ from the stamped ones. Unknown when
    nothing says stale but git, the stamped commit or the stamp's source list is not available.
    """
    settings = CHAPTER_SETTINGS if settings is None else settings
    chapter, profile = reference["chapter"], reference["profile"]
    stamp = reference.get("stamp") or {}
    changed = _settings_change(chapter, profile, stamp.get("settings"), settings)
    why = [changed] if changed else []
    commit, files = stamp.get("commit"), list(stamp.get("sources") or [])
    if not commit or not files:
        unknown = "the reference's stamp names no commit or no source files"
    elif git(root, "cat-file", "-e", f"{commit}^{{commit}}") is None:
        unknown = f"git cannot find the stamped commit {commit[:12]} in {root} (no git, or a shallow clone?)"
    else:
        unknown = None
        why += _source_changes(root, commit, files)
    if why:
        return Staleness(chapter, "stale", tuple(why))
    return Staleness(chapter, "unknown", (unknown,)) if unknown else Staleness(chapter, "fresh")


def staleness(root: Path, settings: Mapping[str, Mapping[str, Mapping[str, object]]] | None = None
              ) -> dict[str, Staleness]:
    """:func:`chapter_staleness` of every full reference of the project at ``root``, by chapter."""
    return {chapter: chapter_staleness(ref, root, settings) for chapter, ref in load_references("full", root).items()}


def _reference_state(chapter: str, stale: Mapping[str, Staleness]) -> str:
    return stale[chapter].state if chapter in stale else "none"


def sensitivity_markdown(compared: pd.DataFrame, root: Path) -> list[str]:
    """The scoreboard's "Profile sensitivity" section for a build compared with the references of the project at
    ``root`` (:func:`compare_profiles`): which chapters lack a full reference, which references are stale (and
    why), per chapter the counts of same and differing verdicts, and the claims whose verdict differs."""
    stale = staleness(root)
    missing = [c for c in compared["chapter"].unique() if c not in stale]
    lines = ["## Profile sensitivity", "",
             "The `quick` profile cuts epochs, grids and stock pools; the `full` profile follows the papers' "
             "protocols. Each chapter of this build is compared with the committed reference of the other profile "
             "(`book/reference/<profile>/`): a claim whose verdict differs depends on the budget, and the `full` "
             "verdict is the one the book stands behind.", ""]
    if missing:
        lines += [f"No full-run reference yet for: {', '.join(missing)}. Record one with "
                  "`python -m volrep reference RESULTS_DIR --profile full` after a full run.", ""]
    flagged = [s for s in stale.values() if s.state != "fresh"]
    if flagged:
        lines += ["Full-run references that may no longer describe the code:", ""]
        lines += [f"* {s.chapter}: {s.state} — {'; '.join(s.why)}" for s in flagged]
        lines.append("")
    head = ["chapter", "build", "claims", "same verdict", "different verdict",
            *(f"only {p}" for p in PROFILES), "full reference"]
    lines += ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for _, c in chapter_counts(compared).iterrows():
        counted = [int(c[s]) for s in ("same", "differs", *(f"only {p}" for p in PROFILES))]
        cells = [c["chapter"], c["build"], str(int(c[list(STATUSES)].sum())),
                 *(str(n) if c["no reference"] == 0 else "—" for n in counted),
                 _reference_state(c["chapter"], stale)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "### Claims whose verdict differs between the profiles", "", *differences_markdown(compared), ""]
    return lines
