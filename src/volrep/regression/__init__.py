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

The modules of the regression check
-----------------------------------
Every public name is re-exported here (``from volrep import regression; regression.check_results(...)``).

* :mod:`volrep.regression.tolerances`: :class:`Tolerance`, the named tolerances and the rules
  (:data:`CLAIM_TOLERANCES`, :data:`FORECAST_TOLERANCES`) that assign them to claims and models.
* :mod:`volrep.regression.compare`: the check: claims and forecast fingerprints of a run against the
  reference (:func:`compare_claims`, :func:`compare_fingerprints`, :func:`check_results`), reported as
  :class:`Finding` rows (:func:`findings_report`).
* :mod:`volrep.regression.reference`: recording references, with a full run's :class:`Stamp`
  (:func:`record_reference`, :func:`write_reference`, :func:`run_stamp`, :func:`chapter_sources`).
"""

from volrep.regression.compare import (
    FINGERPRINT_KEYS,
    Finding,
    check_results,
    compare_claims,
    compare_fingerprints,
    findings_report,
    forecast_fingerprint,
)
from volrep.regression.reference import (
    Stamp,
    chapter_sources,
    git,
    read_timings,
    record_reference,
    reference_dir,
    run_stamp,
    write_reference,
)
from volrep.regression.tolerances import (
    CLAIM_TOLERANCES,
    CNN_FORECAST,
    CNN_PERCENT,
    CNN_PVALUE,
    DEEPVOL_FORECAST,
    DEEPVOL_INDEX_RATE,
    DEEPVOL_LEVEL,
    DEEPVOL_RATE,
    DM,
    EXACT,
    FORECAST,
    FORECAST_TOLERANCES,
    LEVEL,
    OPTIMISER,
    OPTIMISER_PERCENT,
    PERCENT,
    PVALUE,
    SEED_SHARE,
    SHARE,
    Tolerance,
    forecast_tolerance_for,
    tolerance_for,
)

__all__ = [
    "CLAIM_TOLERANCES",
    "CNN_FORECAST",
    "CNN_PERCENT",
    "CNN_PVALUE",
    "DEEPVOL_FORECAST",
    "DEEPVOL_INDEX_RATE",
    "DEEPVOL_LEVEL",
    "DEEPVOL_RATE",
    "DM",
    "EXACT",
    "FINGERPRINT_KEYS",
    "FORECAST",
    "FORECAST_TOLERANCES",
    "LEVEL",
    "OPTIMISER",
    "OPTIMISER_PERCENT",
    "PERCENT",
    "PVALUE",
    "SEED_SHARE",
    "SHARE",
    "Finding",
    "Stamp",
    "Tolerance",
    "chapter_sources",
    "check_results",
    "compare_claims",
    "compare_fingerprints",
    "findings_report",
    "forecast_fingerprint",
    "forecast_tolerance_for",
    "git",
    "read_timings",
    "record_reference",
    "reference_dir",
    "run_stamp",
    "tolerance_for",
    "write_reference",
]
