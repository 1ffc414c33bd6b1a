"""Paper-versus-replication tables, verdict rules, provenance boxes, results files and the plot style.

Every chapter ends with a list of :class:`Claim` rows — the paper's number, ours, a verdict — written to
``book/results/<chapter>.json`` by :func:`write_results`. The scoreboard page of the book is generated from
those files by :func:`scoreboard_markdown`, so no number is typed twice.

Results-file schema (``../shared/ARCHITECTURE.md``)::

    {"chapter": "02_rv_signature", "profile": "quick", "data": {...provenance...},
     "claims": [{"id": "huang.T3.10min.avg_rv", "paper": 0.002161, "ours": 0.0021, "variant": "proper",
                 "verdict": "reproduced", "note": "one line"}]}
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from volrep.config import numerics_summary, results_dir
from volrep.errors import ConfigError
from volrep.store import VARIANTS
VERDICTS = ("reproduced", "partly", "not reproduced", "not comparable")
PAPERS = ("dhansoia", "huang", "deepvol", "techlog")


@dataclass(frozen=True)
class Claim:
    """One numbered claim of a paper next to our number.

    Parameters
    ----------
    id
        ``<paper>.<table or section>.<row>.<column>``, paper in ``dhansoia, huang, deepvol, techlog``.
    paper, ours
        The paper's value and ours (``None`` when a side has no number, e.g. the paper gives only a direction).
    variant
        ``"faithful"`` (the paper's data and method), ``"proper"`` (corrected data or method) or ``"sim"``
        (simulated data with known truth).
    verdict
        One of :data:`VERDICTS`.
    note
        One line: why the verdict, or why the numbers are not comparable.
    """

    id: str
    paper: float | str | None
    ours: float | str | None
    variant: str
    verdict: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.id.split(".")[0] not in PAPERS:
            raise ConfigError(f"claim id {self.id!r} must start with one of {PAPERS}")
        if self.variant not in VARIANTS:
            raise ConfigError(f"claim {self.id}: variant {self.variant!r} not in {VARIANTS}")
        if self.verdict not in VERDICTS:
            raise ConfigError(f"claim {self.id}: verdict {self.verdict!r} not in {VERDICTS}")


def numeric_verdict(paper: float, ours: float, *, rtol: float = 0.10, partly_rtol: float = 0.50) -> str:
    """Verdict from the relative distance |ours − paper| / |paper|.

    ``reproduced`` within ``rtol``, ``partly`` within ``partly_rtol``, else ``not reproduced``; a missing number
    on either side gives ``not comparable``. Chapters choose the tolerances per claim and say so in the note.
    """
    if paper is None or ours is None or not np.isfinite(paper) or not np.isfinite(ours):
        return "not comparable"
    scale = abs(paper) if paper != 0 else 1.0
    rel = abs(ours - paper) / scale
    if rel <= rtol:
        return "reproduced"
    if rel <= partly_rtol:
        return "partly"
    return "not reproduced"


def claims_frame(claims: Iterable[Claim]) -> pd.DataFrame:
    """The claims as a table (``id, variant, paper, ours, verdict, note``) for display in a chapter."""
    rows = [asdict(c) for c in claims]
    cols = ["id", "variant", "paper", "ours", "verdict", "note"]
    return pd.DataFrame(rows, columns=cols)


def _jsonable(x: object) -> object:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if not math.isfinite(float(x)) else float(x)
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(x))
    return x


def write_results(chapter: str, profile: str, data: dict, claims: Sequence[Claim], *, directory: Path | None = None) -> Path:
    """Write ``<directory>/<chapter>.json`` (default ``book/results``) atomically and return its path.

    Besides the claims, the file records the process's numerics (:func:`volrep.config.numerics_summary`: library
    versions, processor, kernels, threads), so that a tolerance check (:mod:`volrep.regression`) can say on what
    a baseline and a rerun differ.
    """
    directory = Path(directory) if directory is not None else results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    ids = [c.id for c in claims]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{chapter}: duplicated claim ids {dupes}")
    payload = {
        "chapter": chapter,
        "profile": profile,
        "data": _jsonable(data),
        "numerics": numerics_summary(),
        "claims": [_jsonable(asdict(c)) for c in claims],
    }
    target = directory / f"{chapter}.json"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{chapter}.", suffix=".json.tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(payload, fh, indent=1, sort_keys=False)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; results are read by whoever builds the book
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_results(directory: Path | None = None) -> list[dict]:
    """All chapter results files in ``directory`` (default ``book/results``), in chapter order."""
    directory = Path(directory) if directory is not None else results_dir()
    return [json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))]


def _fmt(x: object) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def scoreboard_markdown(results: Sequence[dict]) -> str:
    """The book's scoreboard page: every claim of every chapter with paper, ours and verdict, plus a tally."""
    lines = [
        "# Scoreboard",
        "",
        "Every numbered claim the chapters test, with the paper's value, ours and a verdict. "
        "Generated from `book/results/*.json` when the book is built; the profile of each chapter is given "
        "(the `quick` profile uses reduced grids and simulated samples, so some numbers move under `full`).",
        "",
    ]
    if not results:
        lines.append("No chapter has written results yet.")
        return "\n".join(lines) + "\n"
    counts = pd.DataFrame([{"chapter": r["chapter"], "verdict": c["verdict"]} for r in results for c in r["claims"]],
                          columns=["chapter", "verdict"])
    by_chapter = pd.crosstab(counts["chapter"], counts["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    lines += ["| chapter | " + " | ".join(VERDICTS) + " | claims |", "|---" * (len(VERDICTS) + 2) + "|"]
    for chapter, row in by_chapter.iterrows():
        lines.append(f"| [{chapter}](#{chapter.replace('_', '-')}) | " + " | ".join(str(int(row[v])) for v in VERDICTS)
                     + f" | {int(row.sum())} |")
    total = by_chapter.sum()
    lines.append("| **all** | " + " | ".join(f"**{int(total[v])}**" for v in VERDICTS) + f" | **{int(total.sum())}** |")
    lines.append("")
    for r in results:
        lines += [f"({r['chapter'].replace('_', '-')})=", f"## {r['chapter']} (profile `{r['profile']}`)", ""]
        lines += ["| claim | variant | paper | ours | verdict | note |", "|---|---|---|---|---|---|"]
        for c in r["claims"]:
            note = str(c.get("note", "")).replace("|", "\\|")
            lines.append(
                f"| `{c['id']}` | {c['variant']} | {_fmt(c['paper'])} | {_fmt(c['ours'])} | {c['verdict']} | {note} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def provenance_markdown(provenance: Sequence[dict]) -> str:
    """A provenance box (Markdown admonition) for one or more datasets.

    Each dict carries the keys given by ``volrep.data.Dataset.provenance()`` (dataset, source, period, rows,
    files, sha256 …); any extra key is shown too.
    """
    lines = ["```{admonition} Provenance", ":class: note", ""]
    lines += ["| dataset | source | period | rows | files | sha256 |", "|---|---|---|---|---|---|"]
    for p in provenance:
        sha = str(p.get("sha256", ""))
        lines.append(
            f"| `{p.get('dataset', '')}` | {p.get('source', '')} | {p.get('period', '')} | {p.get('rows', '')} "
            f"| {p.get('files', '')} | `{sha[:12]}…` |"
        )
    lines.append("```")
    return "\n".join(lines)


def use_style() -> None:
    """Apply the book's matplotlib style: one look for every figure, deterministic SVG/PNG output."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (8.0, 4.0),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "font.size": 10,
            "svg.hashsalt": "volrep",
            "path.simplify": True,
        }
    )
