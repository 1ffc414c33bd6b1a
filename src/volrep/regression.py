"""Regression check of a run's results against a committed reference, with stated tolerances.

nbval compares printed cells digit by digit, which is right for what is the same on every machine (data, counts,
econometrics) and wrong for what comes out of training a network: there the last bits of one matrix product
differ between processors and libraries, and hundreds of gradient steps carry the difference into the third
digit (``volrep.config``, "Portable floating point"). So every chapter's results file is checked here instead,
claim by claim, against ``book/reference/<profile>/<chapter>.json`` — the claims of the run that recorded the
committed notebooks — and every chapter's stored forecasts against a fingerprint in the same folder.

Rules
-----
* The same claims, in any order: a claim missing or new fails. ``paper`` and ``variant`` must be equal.
* ``ours``: a number must lie within the claim's :class:`Tolerance` of the reference (:func:`tolerance_for`);
  text must be equal, except that the numbers quoted in the text of a network claim may move within tolerance.
* ``verdict``: may differ from the reference only for a claim whose tolerance is not :data:`EXACT` and whose
  number is within tolerance. A verdict is a step function of numbers that are within tolerance, so a flip means
  that a threshold lies between the two numbers, i.e. within tolerance of both; every flip is listed.
* Forecasts: per model, variant, target, horizon and split (assets and seeds pooled), the number of rows must be
  equal and the mean forecast and the RMSE against the actual within the model's tolerance. Claims are averages
  of errors and can hide a small shift of every forecast; the mean forecast does not.
* Families: where a tolerance has a ``mean_used`` bound, the mean share of the tolerance used by all its claims
  (or forecast statistics) in a chapter must stay below it.

Tolerances
----------
:data:`EXACT` (relative 1e-6) for everything not produced by a trained network. The network tolerances
(:data:`CLAIM_TOLERANCES`, :data:`FORECAST_TOLERANCES`) were set from the portability matrix
(``python -m volrep portability matrix``), each stated with the largest deviation seen there. They differ by
family because the families differ: the LSTMs of chapters 05–07 move in the fourth digit at most (a 1 % shift of
one model's forecasts fails the check); Huang's CNN-LSTMs and the quick DeepVol are chaotic — a last-bit change
sends one CNN-LSTM into another solution now and then, and moves DeepVol about as much as another seed — so their
claims are bounded coarsely one by one and finely on the family's mean (:attr:`Tolerance.mean_used`: one network
may jump, a change that moves them all fails). GARCH-family estimates are not exact either: they come from a
numerical optimiser whose result moves by up to 3e-5 when numpy's BLAS runs on another number of threads
(:data:`OPTIMISER`). The tests show that a 1 % shift of an LSTM's forecasts, another hidden size or a wrong metric
fail the check.

Full-run references
-------------------
``book/reference/full/<chapter>.json`` holds the claims of the last run of the ``full`` profile (the papers'
protocols, hours of CPU), so that every build's scoreboard can show the paper-protocol verdict beside its own
(:mod:`volrep.sensitivity`). It is written by ``python -m volrep reference RESULTS --profile full``
(:func:`record_reference`) and holds the claims only — no data, no forecast fingerprint (nobody reruns the full
profile to check it within tolerance) — plus a :class:`Stamp`: the commit of the code that ran and whether its tree
was dirty, the machine, the chapter's wall time and peak memory, the profile's settings, the date, and the source
files the chapter depends on (:func:`chapter_sources`). The stamp is what tells a later build that the reference
has gone stale (:func:`volrep.sensitivity.staleness`).
"""

from __future__ import annotations

import ast
import datetime
import fnmatch
import json
import math
import os
import platform
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from volrep.errors import ConfigError


@dataclass(frozen=True)
class Tolerance:
    """``|ours − reference| ≤ atol + rtol · |reference|``, and why that much.

    Attributes
    ----------
    rtol, atol
        Relative and absolute tolerance (``numpy.isclose``'s rule).
    reason
        One line: what varies, and how much was measured.
    mean_used
        For a family whose trainings are chaotic (one network now and then lands in another solution), the per-claim
        bound is coarse; then the *mean* share of the tolerance used over all claims of the family in a chapter
        must stay below ``mean_used``: one network may jump, but a change that moves them all fails. ``None``: no
        such bound.
    """

    rtol: float
    atol: float
    reason: str
    mean_used: float | None = None

    def allows(self, reference: float, value: float) -> bool:
        """True if ``value`` is within tolerance of ``reference`` (both finite, or the same non-finite value)."""
        if not (math.isfinite(reference) and math.isfinite(value)):
            return reference == value or (math.isnan(reference) and math.isnan(value))
        return abs(value - reference) <= self.atol + self.rtol * abs(reference)

    def describe(self, share: float) -> str:
        """``"0.42 of the tolerance (rtol …, atol …: reason)"``: how much of this tolerance a difference uses."""
        return f"{share:.2f} of the tolerance (rtol {self.rtol:g}, atol {self.atol:g}: {self.reason})"

    def used(self, reference: float, value: float) -> float:
        """The share of the tolerance the deviation uses (0 = identical, 1 = at the limit, > 1 = outside)."""
        if not (math.isfinite(reference) and math.isfinite(value)):
            return 0.0 if self.allows(reference, value) else math.inf
        limit = self.atol + self.rtol * abs(reference)
        gap = abs(value - reference)
        return gap / limit if limit > 0 else (0.0 if gap == 0 else math.inf)


#: What is the same on every machine: data, counts, econometrics — up to the last digits an optimiser's
#: convergence tolerance leaves free when another BLAS adds in another order (relative 1e-6).
EXACT = Tolerance(1e-6, 1e-12, "not produced by a trained network: the same on every machine (relative 1e-6)")

# GARCH-family estimates come from a numerical optimiser: another BLAS thread count (numpy's OpenBLAS follows the
# core count) adds in another order and the optimiser stops a few ulps of its tolerance elsewhere. Measured with
# OMP_NUM_THREADS=1 against the reference's two threads.
OPTIMISER = Tolerance(1e-4, 1e-12, "GARCH-family estimate from a numerical optimiser: relative 1e-4 [2.9e-5 with "
                                   "one BLAS thread instead of two]")
OPTIMISER_PERCENT = Tolerance(0.0, 0.011, "relative power of a GARCH-family model, rounded to 0.01 pp: one unit in "
                                          "the last digit [0]")

# Network tolerances. A level (RMSE, NLL, loss) moves relatively; a percentage (gain or power vs a benchmark) or a
# share (Rate, R², α) moves absolutely. In brackets, the largest deviation that the emulated machines of the
# portability matrix produced (``python -m volrep portability matrix``: two threads; ATen without SIMD; native
# AVX-512 kernels; oneDNN off). The LSTM tolerances were set at about twice what the first three produced, and
# oneDNN off then stayed inside them; the CNN-LSTM ones had to be widened after it (README, "Tests").
LEVEL = Tolerance(0.01, 1e-9, "level from an LSTM (RMSE, MAE, loss): relative 1 % [0.11 %]")
PERCENT = Tolerance(0.0, 1.0, "percentage from an LSTM (gain or power vs a benchmark): 1 pp [0.10 pp]")
SHARE = Tolerance(0.0, 0.02, "R², correlation or weight from an LSTM: 0.02 [0.0001]")
SEED_SHARE = Tolerance(0.0, 0.34, "share of 3 seeds with a positive gain: one seed whose gain is near 0 may flip [0]")
DM = Tolerance(0.0, 0.25, "Diebold–Mariano statistic of LSTM forecasts: 0.25 [0]")
FORECAST = Tolerance(0.003, 1e-9, "mean forecast or RMSE of an LSTM's forecasts: relative 0.3 % [0.1 %]")
# Huang's CNN-LSTMs (quick: 30 epochs, one seed): max pooling and ReLUs send one network now and then into another
# solution under a last-bit change (MTF-24 by 9.6 pp with two threads, MTF-7 by 5.7 pp with oneDNN off), while the
# others stay within a fraction of a point. Coarse per claim, fine on the family's mean.
CNN_PERCENT = Tolerance(0.0, 20.0, "percentage from a CNN-LSTM on MTF images: 20 pp [9.6 pp]; family mean 2.5 pp "
                                   "[1.2 pp]", mean_used=0.125)
CNN_FORECAST = Tolerance(0.15, 1e-9, "mean forecast or RMSE of a CNN-LSTM: relative 15 % [7.7 %]; family mean "
                                     "2 % [1.0 %]", mean_used=2 / 15)
# DeepVol's quick training (200 Adam steps on random stretches and fresh random portfolios) is chaotic: a last-bit
# change moves it about as much as another seed would. Coarse per claim, fine on the family's mean.
DEEPVOL_LEVEL = Tolerance(0.2, 1e-9, "level from the quick DeepVol (violation ratio, losses, NLL): relative 20 % "
                                     "[8.8 %]; family mean 2.5 % [1.3 %]", mean_used=0.125)
DEEPVOL_RATE = Tolerance(0.0, 0.12, "Rate of the quick DeepVol vs GARCH over 100-298 stocks or portfolios: 0.12 "
                                    "[0.06]; family mean 0.06 [0.028]", mean_used=0.5)
DEEPVOL_INDEX_RATE = Tolerance(0.0, 0.4, "Rate of the quick DeepVol vs GARCH over 31 indices: 0.4 [0.19, 6 "
                                         "indices]; family mean 0.12 [0.062]", mean_used=0.3)
# Chapter 09 tests forecasts that other chapters' networks made: a p-value moves with the forecasts it tests. Set
# from the LSTMs' forecast tolerance (0.3 %), not yet measured on the portability matrix; a test that involves a
# CNN-LSTM inherits its chaos (one network may land in another solution), so it is bounded coarsely one by one and
# finely on the family's mean.
PVALUE = Tolerance(0.0, 0.05, "p-value of a DM, SPA or MCS test on LSTM forecasts: 0.05 [not yet measured]")
CNN_PVALUE = Tolerance(0.0, 0.5, "p-value or share of a test involving CNN-LSTMs: 0.5; family mean 0.1 [not yet "
                                 "measured]", mean_used=0.2)
DEEPVOL_FORECAST = Tolerance(0.2, 1e-9, "mean σ² forecast or RMSE of the quick DeepVol: relative 20 % [10.3 %]; "
                                        "family mean 5 % [2.2 %]", mean_used=0.25)

#: ``(chapter, claim-id pattern, tolerance)``; the first match wins, a claim no rule matches is :data:`EXACT`.
#: Patterns are :mod:`fnmatch` patterns on the claim id; a rule for a benchmark comes before a broader pattern.
CLAIM_TOLERANCES: tuple[tuple[str, str, Tolerance], ...] = (
    ("04_baselines", "huang.T5B.*GARCH*", OPTIMISER_PERCENT),
    *(("05_transfer_lstm", f"dhansoia.T3.{net}.{metric}_*", LEVEL)
      for net in ("lstm_from_scratch", "transfer_lstm") for metric in ("rmse", "mae")),
    *(("05_transfer_lstm", f"dhansoia.T3.{net}.*", SHARE) for net in ("lstm_from_scratch", "transfer_lstm")),
    ("05_transfer_lstm", "dhansoia.T4.transfer_beats_scratch_share_*", SEED_SHARE),
    ("05_transfer_lstm", "dhansoia.T4.*", PERCENT),
    ("05_transfer_lstm", "dhansoia.T5.*", PERCENT),
    ("05_transfer_lstm", "dhansoia.code.transfer_rmse_our_training", LEVEL),
    ("05_transfer_lstm", "dhansoia.code.*", EXACT),  # the authors' weights and committed JSON: no training
    ("05_transfer_lstm", "techlog.train.first_epoch_loss", LEVEL),
    ("05_transfer_lstm", "techlog.*", SHARE),
    ("06_hybrids", "dhansoia.T5.*.vs_har_pct_*", PERCENT),
    ("06_hybrids", "dhansoia.T5.*.rmse_*", LEVEL),
    ("06_hybrids", "dhansoia.S5_4.*", SHARE),
    ("06_hybrids", "dhansoia.S5_5.residual_correction_sd_*", LEVEL),
    ("06_hybrids", "dhansoia.S5_5.har_residuals_noise_*", SHARE),
    ("06_hybrids", "dhansoia.T6.*", DM),
    ("07_cnn_lstm_mtf", "huang.T*.MTF-*", CNN_PERCENT),
    ("07_cnn_lstm_mtf", "huang.T6.best_cnn_lstm.*", CNN_PERCENT),
    ("07_cnn_lstm_mtf", "huang.*", PERCENT),
    ("08_deepvol", "deepvol.*_garch", OPTIMISER),
    ("08_deepvol", "deepvol.code.*", OPTIMISER),  # the authors' checkpoint against daily GARCH refits
    ("08_deepvol", "deepvol.T5.*_rate", DEEPVOL_INDEX_RATE),
    ("08_deepvol", "deepvol.*_rate", DEEPVOL_RATE),
    ("08_deepvol", "deepvol.*", DEEPVOL_LEVEL),
    ("09_significance", "huang.T8.*har_vs_garch*", OPTIMISER),  # HAR against GARCH(1, 1): no network
    ("09_significance", "huang.T8.*mtf*", CNN_PVALUE),
    ("09_significance", "huang.T8.*", PVALUE),
    ("09_significance", "huang.S5.*", CNN_PVALUE),  # SPA and MCS over sets that hold the CNN-LSTMs
    ("09_significance", "dhansoia.T4.*", PVALUE),
    ("09_significance", "dhansoia.T6.*lstm*", DM),
    ("09_significance", "deepvol.T5.*", DEEPVOL_INDEX_RATE),
    ("09_significance", "deepvol.*", DEEPVOL_RATE),
)

#: ``(chapter, model pattern, tolerance)`` for the forecast fingerprints (mean forecast and RMSE per model).
FORECAST_TOLERANCES: tuple[tuple[str, str, Tolerance], ...] = (
    ("04_baselines", "*GARCH*", OPTIMISER),
    ("05_transfer_lstm", "HAR", EXACT),
    ("05_transfer_lstm", "Moving Average", EXACT),
    ("05_transfer_lstm", "*", FORECAST),
    ("06_hybrids", "HAR", EXACT),
    ("06_hybrids", "*", FORECAST),
    ("07_cnn_lstm_mtf", "MTF-*", CNN_FORECAST),
    ("07_cnn_lstm_mtf", "*", FORECAST),
    ("08_deepvol", "GARCH*", OPTIMISER),
    ("08_deepvol", "*", DEEPVOL_FORECAST),
    # Chapter 09 trains one network of each family on the leaderboard's target (significance.TRAINED_HERE): each
    # gets its family's tolerance. Measured with ATen without SIMD and one BLAS thread: DeepVol's mean forecast
    # moved 4.5 %, the CNN-LSTM's 0.02 %, the LSTMs within 1e-6.
    ("09_significance", "Huang MTF-*", CNN_FORECAST),
    ("09_significance", "DeepVol*", DEEPVOL_FORECAST),
    ("09_significance", "Dhansoia *", FORECAST),
    ("09_significance", "Huang LSTM*", FORECAST),
)


def _first_match(rules: Iterable[tuple[str, str, Tolerance]], chapter: str, name: str) -> Tolerance:
    for rule_chapter, pattern, tolerance in rules:
        if rule_chapter == chapter and fnmatch.fnmatchcase(name, pattern):
            return tolerance
    return EXACT


def tolerance_for(chapter: str, claim_id: str,
                  rules: Iterable[tuple[str, str, Tolerance]] | None = None) -> Tolerance:
    """The tolerance of one claim: the first rule of ``rules`` (default :data:`CLAIM_TOLERANCES`) that matches."""
    return _first_match(CLAIM_TOLERANCES if rules is None else rules, chapter, claim_id)


def forecast_tolerance_for(chapter: str, model: str,
                           rules: Iterable[tuple[str, str, Tolerance]] | None = None) -> Tolerance:
    """The tolerance of one model's forecast fingerprint (default rules :data:`FORECAST_TOLERANCES`)."""
    return _first_match(FORECAST_TOLERANCES if rules is None else rules, chapter, model)


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


def chapter_sources(chapter: str, root: Path) -> list[str]:
    """The source files a chapter's numbers depend on, relative to ``root``: its notebook ``notebooks/<chapter>.py``
    and the ``src/volrep/chapters`` modules the notebook imports (read from its import statements, so the list
    follows the notebook).

    Raises
    ------
    ConfigError
        The notebook does not exist or does not parse, or it imports a chapter module that has no file.
    """
    notebook = root / "notebooks" / f"{chapter}.py"
    try:
        tree = ast.parse(notebook.read_text(), filename=str(notebook))
    except (OSError, SyntaxError) as err:
        raise ConfigError(f"cannot read the imports of {notebook}: {err}") from None
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "volrep.chapters":
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("volrep.chapters."):
            modules.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            modules |= {a.name.split(".")[2] for a in node.names if a.name.startswith("volrep.chapters.")}
    files = [f"notebooks/{chapter}.py"]
    for module in sorted(modules):
        path = f"src/volrep/chapters/{module}.py"
        if not (root / path).is_file():
            raise ConfigError(f"{notebook} imports volrep.chapters.{module}, but {root / path} does not exist")
        files.append(path)
    return files


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
