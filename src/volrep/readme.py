"""The README's generated blocks: "What the chapters find" and the measured wall times, from the committed
references.

No number is typed into prose (``../shared/ARCHITECTURE.md``), the README included: the block between
:data:`BEGIN` and :data:`END` is written by ``python -m volrep readme`` from ``book/reference/quick`` and, where a
full run has been recorded, ``book/reference/full`` (:mod:`volrep.sensitivity`). Per chapter it gives the title (the
notebook's first heading) and the verdict counts of each profile, then the papers' headline claims under each
profile, then the claims whose verdict differs between ``quick`` and ``full``. ``python -m volrep readme --check``
fails when the block is not what the references give, and a unit test runs that check, so a reference recorded
without regenerating the README fails the tests.

The second block (:data:`TIMINGS_BEGIN` … :data:`TIMINGS_END`) is the table of wall times and peak memory per
chapter and profile, from the references' stamps (written by ``make baselines`` for ``quick`` and by
``python -m volrep reference --timings`` for ``full``), with the book's expected wall time at one and two chapters
side by side (:func:`volrep.schedule.expected_wall_time`).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from volrep.config import PROFILES
from volrep.errors import ConfigError
from volrep.report import claims_table, headline_table
from volrep.sensitivity import compare_profiles, differences_markdown, load_references, verdict_summary

BEGIN = "<!-- findings:begin -->"
END = "<!-- findings:end -->"
TIMINGS_BEGIN = "<!-- timings:begin -->"
TIMINGS_END = "<!-- timings:end -->"

_HEADING = re.compile(r"^# #\s+(.+?)\s*$")


def chapter_title(chapter: str, root: Path) -> str:
    """The title of a chapter: the first Markdown heading of ``notebooks/<chapter>.py`` (jupytext percent format).

    Raises
    ------
    ConfigError
        The notebook is missing or has no heading in a Markdown cell.
    """
    notebook = root / "notebooks" / f"{chapter}.py"
    try:
        text = notebook.read_text()
    except OSError as err:
        raise ConfigError(f"cannot read the title of chapter {chapter}: {err}") from None
    markdown = False
    for line in text.splitlines():
        if line.startswith("# %%"):
            markdown = "[markdown]" in line
        elif markdown and (match := _HEADING.match(line)):
            return match.group(1)
    raise ConfigError(f"{notebook} has no Markdown heading (a '# # Title' line in a '# %% [markdown]' cell)")


def _profile_claims(references: dict[str, dict[str, dict]]) -> dict[str, pd.DataFrame]:
    """Per profile, the claims table of all its references."""
    return {p: claims_table(list(refs.values())) for p, refs in references.items() if refs}


def _chapter_lines(chapters: list[str], references: dict[str, dict[str, dict]], root: Path) -> list[str]:
    """One line per chapter: its title and, per profile, the verdict counts (with the full run's commit and date)."""
    claims = _profile_claims(references)
    lines = []
    for chapter in chapters:
        parts = []
        for p in PROFILES:
            ref = references[p].get(chapter)
            if ref is None:
                parts.append(f"{p}: no reference yet")
                continue
            stamp = ref.get("stamp") or {}
            run = f" (commit `{str(stamp.get('commit'))[:10]}`, {str(stamp.get('date'))[:10]})" if stamp else ""
            parts.append(f"{p}{run}: {verdict_summary(claims[p][claims[p]['chapter'] == chapter])}")
        lines.append(f"* **{chapter[:2]} — {chapter_title(chapter, root)}.** " + "; ".join(parts) + ".")
    return lines


def _headline_lines(references: dict[str, dict[str, dict]]) -> list[str]:
    """The papers' headline claims (:func:`volrep.report.headline_table`) with the verdict counts of each
    profile."""
    claims = _profile_claims(references)
    tables = {p: headline_table(c) for p, c in claims.items()}
    first = next(iter(tables.values()))
    statements = list(dict.fromkeys(zip(first["paper_name"], first["statement"])))
    lines = ["| paper | headline claim | " + " | ".join(PROFILES) + " |", "|---|---|" + "---|" * len(PROFILES)]
    for paper, statement in statements:
        cells = []
        for p in PROFILES:
            if p not in tables:
                cells.append("—")
                continue
            hits = tables[p][(tables[p]["paper_name"] == paper) & (tables[p]["statement"] == statement)]
            judged = hits.dropna(subset=["id"])
            cells.append(verdict_summary(judged) if len(judged) else "not judged")
        lines.append(f"| {paper} | {statement} | " + " | ".join(cells) + " |")
    return lines


def findings_markdown(root: Path) -> str:
    """The body of the README's findings block, from the committed references of the project at ``root``.

    Raises
    ------
    ConfigError
        There is no quick reference (``book/reference/quick``): record it with ``make baselines``.
    """
    references = {p: load_references(p, root) for p in PROFILES}
    if not references["quick"]:
        raise ConfigError(f"no quick reference in {root / 'book' / 'reference' / 'quick'}: record it with "
                          "`make baselines`")
    chapters = sorted(set().union(*references.values()))
    lines = [*_chapter_lines(chapters, references, root), "", "Headline claims, verdicts per profile:", "",
             *_headline_lines(references), ""]
    without = [c for c in chapters if c not in references["full"]]
    if len(without) < len(chapters):
        pairs = [(references["quick"][c], references["full"].get(c)) for c in chapters if c in references["quick"]]
        lines += ["Claims whose verdict differs between `quick` and `full`:", "",
                  *differences_markdown(compare_profiles(pairs)), ""]
    if without:
        lines.append(f"No full-run reference exists yet for chapters {', '.join(c[:2] for c in without)}: their "
                     "verdicts are those of the `quick` profile only.")
    return "\n".join(lines).rstrip("\n")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "not measured"
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def timings_markdown(root: Path) -> str:
    """The body of the README's timings block: per chapter and profile the stamped wall time and peak memory, then
    the book's expected wall time with 1 and 2 chapters at a time, and the machine that measured them."""
    from volrep.schedule import expected_wall_time

    references = {p: load_references(p, root) for p in PROFILES}
    chapters = sorted(set().union(*references.values()))
    lines = ["| chapter | " + " | ".join(f"`{p}`: wall time, peak memory" for p in PROFILES) + " |",
             "|---|" + "---|" * len(PROFILES)]
    seconds: dict[str, dict[str, float]] = {p: {} for p in PROFILES}
    machines = {}
    for chapter in chapters:
        cells = []
        for p in PROFILES:
            stamp = references[p].get(chapter, {}).get("stamp") or {}
            if stamp.get("wall_s") is None:
                cells.append("not measured")
                continue
            seconds[p][chapter] = float(stamp["wall_s"])
            memory = f", {stamp['peak_rss_mb'] / 1024:.1f} GB" if stamp.get("peak_rss_mb") else ""
            cells.append(_duration(stamp["wall_s"]) + memory)
            machine = stamp.get("machine") or {}
            machines[p] = f"{machine.get('processor', '?')}, {machine.get('logical_cores', '?')} logical cores"
        lines.append(f"| {chapter[:2]} | " + " | ".join(cells) + " |")
    cells = []
    for p in PROFILES:
        measured = [c for c in chapters if c in seconds[p]]
        if not measured:
            cells.append("—")
            continue
        one, two = (expected_wall_time(measured, seconds[p], j) for j in (1, 2))
        partial = "" if len(measured) == len(chapters) else f" (the {len(measured)} measured chapters)"
        cells.append(f"{_duration(one)} one at a time, {_duration(two)} two at a time{partial}")
    lines.append("| book | " + " | ".join(cells) + " |")
    if machines:
        lines += ["", "Measured on: " + "; ".join(f"`{p}` {m}" for p, m in machines.items()) + "."]
    return "\n".join(lines)


#: The generated blocks: markers and the function that writes each body.
BLOCKS = ((BEGIN, END, findings_markdown), (TIMINGS_BEGIN, TIMINGS_END, timings_markdown))


def _block_span(text: str, path: Path, begin: str = BEGIN, end: str = END) -> tuple[int, int]:
    """Where a block's body lies in ``text`` (between its marker lines)."""
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ConfigError(f"{path} must hold the markers {begin} and {end} once each, in that order, around the "
                          "generated text")
    return text.index(begin) + len(begin), text.index(end)


def render(text: str, body: str, path: Path, begin: str = BEGIN, end: str = END) -> str:
    """``text`` (a README) with the body of the block between ``begin`` and ``end`` replaced by ``body``."""
    start, stop = _block_span(text, path, begin, end)
    return f"{text[:start]}\n{body}\n{text[stop:]}"


def update_readme(root: Path, *, check: bool = False) -> bool:
    """Regenerate the generated blocks (:data:`BLOCKS`) of ``root/README.md``; return True if it was (or, with
    ``check``, would be) changed. With ``check`` nothing is written. The file is replaced atomically, keeping its mode."""
    path = root / "README.md"
    text = path.read_text()
    new = text
    for begin, end, body in BLOCKS:
        new = render(new, body(root), path, begin, end)
    if new == text or check:
        return new != text
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".README.", suffix=".md.tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(new)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
