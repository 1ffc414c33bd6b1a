"""The regression check itself: a run's claims and forecast fingerprints against the reference, with findings.

:func:`compare_claims` and :func:`compare_fingerprints` apply the rules of :mod:`volrep.regression` ("Rules") to
one chapter; :func:`check_results` runs them over a results folder and :func:`findings_report` prints the outcome.
:func:`forecast_fingerprint` reduces stored forecasts to the three numbers per model group that are compared.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volrep.errors import ConfigError
from volrep.regression.tolerances import (
    CLAIM_TOLERANCES,
    EXACT,
    FORECAST_TOLERANCES,
    Tolerance,
    forecast_tolerance_for,
    tolerance_for,
)


@dataclass(frozen=True)
class Finding:
    """One difference between a run and its reference.

    Attributes
    ----------
    chapter, item
        Where: the chapter and the claim id (or the forecast group).
    kind
        ``"missing"``, ``"new"``, ``"paper"``, ``"variant"``, ``"ours"``, ``"verdict"``, ``"forecasts"`` or
        ``"chapter"`` (the file itself: profile, missing file).
    reference, current
        The two values.
    ok
        False if the difference fails the check; True for differences the rules allow (verdict flips near a
        threshold), which are reported all the same.
    detail
        Why it passes or fails, with the tolerance.
    used, tolerance
        For a number: the share of its tolerance the difference uses (:meth:`Tolerance.used`) and the tolerance;
        else NaN and None.
    """

    chapter: str
    item: str
    kind: str
    reference: object
    current: object
    ok: bool
    detail: str
    used: float = math.nan
    tolerance: Tolerance | None = None


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _text_within(reference: str, value: str, tol: Tolerance) -> bool:
    """True if two texts differ only in numbers that are pairwise within ``tol`` (a claim stated in words that
    quotes a network's number, e.g. "best OOS R2 0.0052")."""
    if _NUMBER.sub("#", reference) != _NUMBER.sub("#", value):
        return False
    pairs = zip(_NUMBER.findall(reference), _NUMBER.findall(value))
    return all(tol.allows(float(a), float(b)) for a, b in pairs)


def _family_means(chapter: str, kind: str, used: Sequence[tuple[Tolerance, float]]) -> list[Finding]:
    """One finding per tolerance family whose mean share of the tolerance used exceeds its ``mean_used``."""
    findings = []
    for tol in {t for t, _ in used if t.mean_used is not None}:
        shares = [u for t, u in used if t is tol]
        mean = float(np.mean(shares))
        if mean > tol.mean_used:
            findings.append(Finding(chapter, f"all {len(shares)} {kind} of: {tol.reason}", "family mean", tol.mean_used,
                                    round(mean, 4), False, f"the mean share of the tolerance used is {mean:.3f}, above "
                                    f"{tol.mean_used}: the whole family moved, not one network", mean, tol))
    return findings


def compare_claims(reference: Mapping, current: Mapping,
                   rules: Iterable[tuple[str, str, Tolerance]] | None = None) -> list[Finding]:
    """Compare one chapter's results (``current``) with its reference; return every difference.

    Parameters
    ----------
    reference, current
        Results files as loaded from JSON (``{"chapter", "profile", "claims": [...]}``).
    rules
        Claim tolerances (default :data:`CLAIM_TOLERANCES`).
    """
    chapter = str(reference.get("chapter"))
    rules = CLAIM_TOLERANCES if rules is None else tuple(rules)
    findings: list[Finding] = []
    if current.get("chapter") != chapter or current.get("profile") != reference.get("profile"):
        return [Finding(chapter, "(results file)", "chapter", (chapter, reference.get("profile")),
                        (current.get("chapter"), current.get("profile")), False,
                        "chapter or profile differs: compare runs of the same chapter and profile")]
    ref = {c["id"]: c for c in reference["claims"]}
    cur = {c["id"]: c for c in current["claims"]}
    for cid in ref.keys() - cur.keys():
        findings.append(Finding(chapter, cid, "missing", ref[cid]["ours"], None, False, "claim not in this run"))
    for cid in cur.keys() - ref.keys():
        findings.append(Finding(chapter, cid, "new", None, cur[cid]["ours"], False,
                                "claim not in the reference: record it with `make baselines` and review the diff"))
    used: list[tuple[Tolerance, float]] = []
    for cid in sorted(ref.keys() & cur.keys()):
        r, c = ref[cid], cur[cid]
        for key in ("paper", "variant"):
            if r[key] != c[key]:
                findings.append(Finding(chapter, cid, key, r[key], c[key], False, f"{key} must not change"))
        tol = tolerance_for(chapter, cid, rules)
        within = True
        if _is_number(r["ours"]) and _is_number(c["ours"]):
            within = tol.allows(float(r["ours"]), float(c["ours"]))
            used.append((tol, tol.used(float(r["ours"]), float(c["ours"]))))
            if not within or r["ours"] != c["ours"]:
                share = used[-1][1]
                findings.append(Finding(chapter, cid, "ours", r["ours"], c["ours"], within, tol.describe(share),
                                        share, tol))
        elif r["ours"] != c["ours"]:
            within = tol is not EXACT and _text_within(str(r["ours"]), str(c["ours"]), tol)
            findings.append(Finding(chapter, cid, "ours", r["ours"], c["ours"], within,
                                    "the same words, numbers within tolerance" if within else
                                    "must be equal" if tol is EXACT else
                                    f"other words, or a number outside tolerance ({tol.reason})"))
        if r["verdict"] != c["verdict"]:
            flip_ok = within and tol is not EXACT and r["ours"] != c["ours"]
            findings.append(Finding(
                chapter, cid, "verdict", r["verdict"], c["verdict"], flip_ok,
                f"ours {r['ours']} -> {c['ours']}: a threshold lies between two numbers within tolerance" if flip_ok
                else "verdict changed although our number did not move within a network tolerance"))
    return findings + _family_means(chapter, "claims", used)


#: Columns that identify a forecast group of the fingerprint (assets, seeds and dates pooled: chapter 08 has one
#: asset per stock).
FINGERPRINT_KEYS = ("model", "variant", "target", "horizon", "split")


def forecast_fingerprint(rows: pd.DataFrame) -> list[dict]:
    """Per forecast group (:data:`FINGERPRINT_KEYS`): rows, mean forecast and RMSE against the actual.

    Three numbers per model: enough to notice a shifted or rescaled forecast, a model that lost rows, or a
    broken target, without storing any forecast (they derive from third-party data).
    """
    error = rows["forecast"] - rows["actual"]
    frame = rows.assign(sq=error * error)
    grouped = frame.groupby(list(FINGERPRINT_KEYS), sort=True)
    summary = grouped.agg(rows=("forecast", "size"), mean_forecast=("forecast", "mean"), mse=("sq", "mean"))
    summary["rmse"] = np.sqrt(summary.pop("mse"))
    out = []
    for key, row in summary.iterrows():
        item = dict(zip(FINGERPRINT_KEYS, key))
        item["horizon"] = int(item["horizon"])
        item.update(rows=int(row["rows"]), mean_forecast=float(row["mean_forecast"]), rmse=float(row["rmse"]))
        out.append(item)
    return out


def _group_name(item: Mapping) -> str:
    return "/".join(str(item[k]) for k in FINGERPRINT_KEYS)


def compare_fingerprints(chapter: str, reference: Sequence[Mapping], current: Sequence[Mapping],
                         rules: Iterable[tuple[str, str, Tolerance]] | None = None) -> list[Finding]:
    """Compare two forecast fingerprints (:func:`forecast_fingerprint`) of ``chapter``; return every difference."""
    rules = FORECAST_TOLERANCES if rules is None else tuple(rules)
    ref = {_group_name(g): g for g in reference}
    cur = {_group_name(g): g for g in current}
    findings = [Finding(chapter, name, "forecasts", "present", None, False, "forecast group not in this run")
                for name in sorted(ref.keys() - cur.keys())]
    findings += [Finding(chapter, name, "forecasts", None, "present", False, "forecast group not in the reference")
                 for name in sorted(cur.keys() - ref.keys())]
    used: list[tuple[Tolerance, float]] = []
    for name in sorted(ref.keys() & cur.keys()):
        r, c = ref[name], cur[name]
        if r["rows"] != c["rows"]:
            findings.append(Finding(chapter, name, "forecasts", r["rows"], c["rows"], False, "number of forecasts"))
            continue
        tol = forecast_tolerance_for(chapter, str(r["model"]), rules)
        for stat in ("mean_forecast", "rmse"):
            a, b = float(r[stat]), float(c[stat])
            used.append((tol, tol.used(a, b)))
            if a != b:
                ok, share = tol.allows(a, b), used[-1][1]
                findings.append(Finding(chapter, f"{name}:{stat}", "forecasts", a, b, ok, tol.describe(share),
                                        share, tol))
    return findings + _family_means(chapter, "forecast statistics", used)


def check_results(results: Path, reference: Path, chapters: Sequence[str] | None = None) -> list[Finding]:
    """Compare every chapter of ``reference`` (or only ``chapters``, names or numbers) with the run in ``results``:
    claims and forecast fingerprints."""
    from volrep.store import load_forecasts

    files = sorted(f for f in reference.glob("*.json")
                   if chapters is None or f.stem in chapters or f.stem[:2] in chapters)
    if not files:
        raise ConfigError(f"no reference files in {reference}; record them with `make baselines`")
    findings: list[Finding] = []
    for ref_file in files:
        ref = json.loads(ref_file.read_text())
        chapter = ref["chapter"]
        run_file = results / f"{chapter}.json"
        if not run_file.exists():
            findings.append(Finding(chapter, str(run_file), "chapter", "present", None, False,
                                    "no results file: the chapter did not run"))
            continue
        findings += compare_claims(ref, json.loads(run_file.read_text()))
        if "forecasts" in ref:
            store_file = results / "forecasts" / f"{chapter}.parquet"
            if not store_file.exists():
                findings.append(Finding(chapter, str(store_file), "forecasts", "present", None, False,
                                        "no stored forecasts: the chapter did not save them"))
                continue
            current = forecast_fingerprint(load_forecasts(chapter=chapter, directory=results / "forecasts"))
            findings += compare_fingerprints(chapter, ref["forecasts"], current)
    return findings


def findings_report(findings: Sequence[Finding]) -> str:
    """Failures first, then the verdict flips, then per chapter how many numbers moved within tolerance and the
    largest share of a tolerance used, as plain text; the last line counts failures."""
    failures = [f for f in findings if not f.ok]
    allowed = [f for f in findings if f.ok]
    lines = [f"FAIL {f.chapter} {f.kind} {f.item}: reference {f.reference!r}, this run {f.current!r} — {f.detail}"
             for f in failures]
    lines += [f"flip {f.chapter} {f.item}: {f.reference} -> {f.current} ({f.detail})"
              for f in allowed if f.kind == "verdict"]
    for chapter in sorted({f.chapter for f in allowed}):
        moved = [f for f in allowed if f.chapter == chapter]
        worst = max(moved, key=lambda f: -1.0 if math.isnan(f.used) else f.used)
        lines.append(f"ok   {chapter}: {len(moved)} value(s) differ from the reference within tolerance; the largest "
                     f"uses {worst.used:.2f} of its tolerance ({worst.item})")
    lines.append(f"{len(failures)} failed, {len(allowed)} within tolerance")
    return "\n".join(lines)
