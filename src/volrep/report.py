"""Paper-versus-replication tables, provenance boxes, results files, the scoreboard and the plot style.

Every chapter ends with a list of :class:`Claim` rows — the paper's number, ours, and the verdict of one of the
named rules of :mod:`volrep.verdicts` — written to
``book/results/<chapter>.json`` by :func:`write_results`. The scoreboard page of the book is generated from
those files by :func:`scoreboard_markdown`, so no number is typed twice.

Results-file schema (``../shared/ARCHITECTURE.md``)::

    {"chapter": "02_rv_signature", "profile": "quick", "data": {...provenance...},
     "claims": [{"id": "huang.T3.10min.avg_rv", "paper": 0.002161, "ours": 0.0021, "variant": "proper",
                 "verdict": "reproduced", "rule": "level 10%/50%", "reason": null, "provisional": false,
                 "note": "one line"}]}
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from volrep.config import numerics_summary, results_dir, write_dir
from volrep.errors import ConfigError
from volrep.store import VARIANTS
from volrep.verdicts import REASONS, VERDICTS, Judgement

PAPERS = ("dhansoia", "huang", "deepvol", "techlog")


@dataclass(frozen=True)
class Claim:
    """One numbered claim of a paper next to our number, judged by a named rule.

    Parameters
    ----------
    id
        ``<paper>.<table or section>.<row>.<column>``, paper in ``dhansoia, huang, deepvol, techlog``; unique across
        the book (a chapter that re-shows another chapter's claim does not emit it again).
    paper, ours
        The paper's value and ours (``None`` when a side has no number, e.g. the paper gives only a direction).
    variant
        ``"faithful"`` (the paper's data and method, or its authors' code where the paper is silent), ``"proper"``
        (corrected data or method) or ``"sim"`` (simulated data with known truth).
    judgement
        The verdict and the rule that gave it (:mod:`volrep.verdicts`).
    note
        One line: what was compared (the rule's own detail is added by :meth:`to_dict`).
    provisional
        True when the verdict rests on networks that were still learning at the profile's epoch cap
        (:func:`volrep.verdicts.still_learning`): a larger budget may change it.
    """

    id: str
    paper: float | str | None
    ours: float | str | None
    variant: str
    judgement: Judgement
    note: str = ""
    provisional: bool = False

    def __post_init__(self) -> None:
        if self.id.split(".")[0] not in PAPERS:
            raise ConfigError(f"claim id {self.id!r} must start with one of {PAPERS}")
        if self.variant not in VARIANTS:
            raise ConfigError(f"claim {self.id}: variant {self.variant!r} not in {VARIANTS}")
        if not isinstance(self.judgement, Judgement):
            raise ConfigError(f"claim {self.id}: judge it with a rule of volrep.verdicts, got {self.judgement!r}")
        if self.judgement.verdict == "not comparable":  # nothing to wait for: more training cannot make it comparable
            object.__setattr__(self, "provisional", False)

    @property
    def verdict(self) -> str:
        """The verdict (one of :data:`volrep.verdicts.VERDICTS`)."""
        return self.judgement.verdict

    def to_dict(self) -> dict:
        """The results-file row: the claim's fields with the judgement flattened (verdict, rule, reason)."""
        j = self.judgement
        flag = "provisional: the networks were still learning at the budget or failed the capability check"
        note = "; ".join(t for t in (self.note, j.detail, flag if self.provisional else "") if t)
        return {"id": self.id, "paper": self.paper, "ours": self.ours, "variant": self.variant, "verdict": j.verdict,
                "rule": j.rule, "reason": j.reason, "provisional": self.provisional, "note": note}


def claims_frame(claims: Iterable[Claim]) -> pd.DataFrame:
    """The claims as a table (``id, variant, paper, ours, verdict, rule, provisional, note``) for a chapter."""
    cols = ["id", "variant", "paper", "ours", "verdict", "rule", "provisional", "note"]
    return pd.DataFrame([c.to_dict() for c in claims], columns=cols)


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
    """Write ``<directory>/<chapter>.json`` (default ``book/results``, or the runner's staging folder while it
    executes the chapter: :func:`volrep.config.write_dir`) atomically, mode 0644, and return its path.

    Besides the claims, the file records the process's numerics (:func:`volrep.config.numerics_summary`: library
    versions, processor, kernels, threads), so that a tolerance check (:mod:`volrep.regression`) can say on what
    a baseline and a rerun differ.
    """
    directory = Path(directory) if directory is not None else write_dir()
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
        "claims": [_jsonable(c.to_dict()) for c in claims],
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


def _rule_family(rule: str) -> str:
    """``"effect 25% (floor 2), ×2"`` → ``"effect"``: the rule's name without its parameters."""
    return "not comparable" if rule.startswith("not comparable") else rule.split(" ")[0]


def claims_table(results: Sequence[dict]) -> pd.DataFrame:
    """Every claim of every results file as one table, with its chapter, paper and rule family.

    Raises
    ------
    ConfigError
        A claim id appears in two chapters: a claim is counted once in the book (a chapter that re-shows another
        chapter's claim must not emit it again).
    """
    rows = [{"chapter": r["chapter"], "profile": r["profile"], "paper_name": c["id"].split(".")[0], **c,
             "rule": c.get("rule", ""), "provisional": bool(c.get("provisional", False))}
            for r in results for c in r["claims"]]
    cols = ["chapter", "profile", "paper_name", "id", "variant", "paper", "ours", "verdict", "rule", "reason",
            "provisional", "note"]
    frame = pd.DataFrame(rows).reindex(columns=cols)
    twice = frame.groupby("id")["chapter"].agg(lambda c: sorted(set(c)))
    twice = twice[twice.map(len) > 1]
    if len(twice):
        raise ConfigError("claims counted twice: " + "; ".join(f"{i} in {', '.join(c)}" for i, c in twice.items()))
    frame["rule_family"] = frame["rule"].fillna("").map(_rule_family)
    return frame


def headline_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The papers' headline claims (:data:`volrep.papers.HEADLINE_CLAIMS`) with every judged variant."""
    from fnmatch import fnmatchcase

    from volrep.papers import HEADLINE_CLAIMS

    rows = []
    for paper, statement, patterns in HEADLINE_CLAIMS:
        hits = claims[claims["id"].map(lambda i: any(fnmatchcase(i, p) for p in patterns))]
        if hits.empty:
            rows.append({"paper_name": paper, "statement": statement, "id": None, "variant": None, "paper": None,
                         "ours": None, "verdict": "not judged in this build", "rule": "", "provisional": False})
        for _, c in hits.iterrows():
            rows.append({"paper_name": paper, "statement": statement, **c[["id", "variant", "paper", "ours", "verdict",
                                                                           "rule", "provisional"]].to_dict()})
    return pd.DataFrame(rows)


def _cell(x: object) -> str:
    return html.escape(_fmt(x))


_FILTER_SCRIPT = """<script>
function volrepFilter() {
  const sel = {};
  document.querySelectorAll("select.volrep-filter").forEach(s => { sel[s.dataset.key] = s.value; });
  document.querySelectorAll("#volrep-claims tbody tr").forEach(tr => {
    tr.style.display = Object.entries(sel).every(([k, v]) => !v || tr.dataset[k] === v) ? "" : "none";
  });
}
</script>"""


def _other_profile(claims: pd.DataFrame, compared: pd.DataFrame | None) -> pd.DataFrame:
    """Per claim of the build, the verdict of the other profile's reference (``"full: reproduced"``, ``"—"`` when
    it has none) and how the two stand (:data:`volrep.sensitivity.STATUSES`); ``"no reference"`` without
    ``compared``."""
    out = pd.DataFrame({"other": "—", "status": "no reference"}, index=pd.Index(claims["id"].unique(), name="id"))
    if compared is None or compared.empty:
        return out
    from volrep.sensitivity import counterpart

    for _, c in compared[compared["id"].isin(out.index)].iterrows():
        other = counterpart(c["build"])
        verdict = c[f"verdict_{other}"]
        provisional = " (provisional)" if c[f"provisional_{other}"] else ""
        out.loc[c["id"]] = (f"{other}: {verdict}{provisional}" if verdict is not None else "—", c["status"])
    return out


def _filterable_table(claims: pd.DataFrame, compared: pd.DataFrame | None = None) -> list[str]:
    """The detail table as HTML with one drop-down filter per paper, chapter, variant, verdict, rule and profile
    status; with ``compared`` (:func:`volrep.sensitivity.compare_profiles`) each claim also shows the verdict of
    the other profile's reference, and a claim whose verdict differs is marked ≠."""
    claims = claims.join(_other_profile(claims, compared), on="id")
    keys = {"paper": "paper_name", "chapter": "chapter", "variant": "variant", "verdict": "verdict",
            "rule": "rule_family", "profiles": "status"}
    out = ["<div class=\"volrep-filters\">"]
    for key, col in keys.items():
        options = "".join(f"<option value=\"{html.escape(v)}\">{html.escape(v)}</option>"
                          for v in sorted(claims[col].dropna().astype(str).unique()))
        out.append(f"<label>{key} <select class=\"volrep-filter\" data-key=\"{key}\" onchange=\"volrepFilter()\">"
                   f"<option value=\"\">all</option>{options}</select></label>")
    out.append("</div>")
    out.append("<table id=\"volrep-claims\" class=\"table\"><thead><tr><th>claim</th><th>chapter</th><th>variant</th>"
               "<th>paper</th><th>ours</th><th>verdict</th><th>other profile</th><th>rule</th><th>note</th></tr>"
               "</thead><tbody>")
    for _, c in claims.iterrows():
        data = " ".join(f"data-{k}=\"{html.escape(str(c[col]))}\"" for k, col in keys.items())
        verdict = c["verdict"] + (" (provisional)" if c["provisional"] else "")
        other = ("≠ " if c["status"] == "differs" else "") + c["other"]
        out.append(f"<tr {data}><td><code>{html.escape(c['id'])}</code></td><td>{html.escape(c['chapter'])}</td>"
                   f"<td>{html.escape(c['variant'])}</td><td>{_cell(c['paper'])}</td><td>{_cell(c['ours'])}</td>"
                   f"<td>{html.escape(verdict)}</td><td>{html.escape(other)}</td>"
                   f"<td>{html.escape(str(c['rule']))}</td><td>{html.escape(str(c['note']))}</td></tr>")
    out += ["</tbody></table>", _FILTER_SCRIPT]
    return out


def scoreboard_markdown(results: Sequence[dict], reference_root: Path | None = None) -> str:
    """The book's scoreboard page: the headline claims first, then the tallies, the profile sensitivity, then every
    claim (filterable).

    Every claim appears once (:func:`claims_table` refuses ids counted twice) with the rule that judged it
    (:mod:`volrep.verdicts`); a verdict resting on networks still learning at the profile's budget is marked
    *provisional*.

    Parameters
    ----------
    results
        The build's results files (:func:`read_results`).
    reference_root
        The project root whose committed references (``book/reference/<profile>``) and git history are read: each
        claim is shown beside the verdict of the other profile's reference, and a "Profile sensitivity" section
        (:func:`volrep.sensitivity.sensitivity_markdown`) counts and lists the claims whose verdict differs between
        ``quick`` and ``full``, the stale full references and the chapters without one. ``None``: no comparison.
    """
    lines = [
        "# Scoreboard",
        "",
        "Every numbered claim the chapters test, with the paper's value, ours, the verdict and the named rule that "
        "gave it (`volrep.verdicts`: *level*, *effect* against a benchmark, *share*, test *decision*, *direction*, "
        "or *not comparable* with a reason). Generated from `book/results/*.json` when the book is built. A verdict "
        "marked *provisional* rests on networks that were still learning when the profile's budget ran out.",
        "",
    ]
    if not results:
        lines.append("No chapter has written results yet.")
        return "\n".join(lines) + "\n"
    claims = claims_table(results)
    compared = None
    if reference_root is not None:
        from volrep.sensitivity import compare_profiles, profile_pairs

        compared = compare_profiles(profile_pairs(results, reference_root))
    profiles = ", ".join(f"{r['chapter']} `{r['profile']}`" for r in results)
    lines += [f"Profiles: {profiles}.", "", "## Headline claims", "",
              "| paper | claim | variant | paper's value | ours | verdict | other profile | rule |",
              "|---|---|---|---|---|---|---|---|"]
    headlines = headline_table(claims)
    headlines = headlines.join(_other_profile(headlines.dropna(subset=["id"]), compared), on="id")
    for _, h in headlines.iterrows():
        verdict = h["verdict"] + (" (provisional)" if h["provisional"] else "")
        cid = f" (`{h['id']}`)" if h["id"] else ""
        other = ("≠ " if h["status"] == "differs" else "") + (h["other"] if isinstance(h["other"], str) else "—")
        lines.append(f"| {h['paper_name']} | {h['statement']}{cid} | {h['variant'] or '—'} | {_fmt(h['paper'])} "
                     f"| {_fmt(h['ours'])} | {verdict} | {other} | {h['rule']} |")
    lines += ["", "## Tally", ""]
    for by, title in (("chapter", "chapter"), ("rule_family", "rule")):
        tally = pd.crosstab(claims[by], claims["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
        provisional = claims.groupby(by)["provisional"].sum()
        lines += [f"| {title} | " + " | ".join(VERDICTS) + " | claims | provisional |", "|---" * (len(VERDICTS) + 3) + "|"]
        for key, row in tally.iterrows():
            lines.append(f"| {key} | " + " | ".join(str(int(row[v])) for v in VERDICTS)
                         + f" | {int(row.sum())} | {int(provisional[key])} |")
        total = tally.sum()
        lines += ["| **all** | " + " | ".join(f"**{int(total[v])}**" for v in VERDICTS)
                  + f" | **{int(total.sum())}** | **{int(claims['provisional'].sum())}** |", ""]
    reasons = claims["reason"].dropna().value_counts()
    if len(reasons):
        lines += ["*Not comparable*, by reason: " + "; ".join(f"{REASONS[k]} ({k}): {n}" for k, n in reasons.items())
                  + ".", ""]
    if reference_root is not None:
        from volrep.sensitivity import sensitivity_markdown

        lines += sensitivity_markdown(compared, reference_root)
    lines += ["## Every claim", "", "Filter by paper, chapter, variant, verdict, rule or how the claim stands between "
              "the profiles.", ""]
    lines += _filterable_table(claims, compared)
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
