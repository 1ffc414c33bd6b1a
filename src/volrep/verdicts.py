"""The book's verdict rules: every claim is judged by one of these, and records which.

A verdict says how a number of ours stands against a paper's number: ``reproduced``, ``partly``,
``not reproduced`` or ``not comparable``. The rules are few and named, so a reader can check a verdict by hand:

====================  ============================================================================================
rule                  what it judges
====================  ============================================================================================
``level``             one quantity measured the same way on the same kind of data (an average RV, a Hurst exponent,
                      an error level on the paper's own split): the relative distance ``|ours − paper| / |paper|``.
``effect``            a comparison against a benchmark (% RMSE gain over HAR, DeepVol's loss minus GARCH's): judged
                      on the effect ``value − benchmark`` on each side, never on the levels. The sign must agree.
``share``             a share of series, models or horizons (DeepVol beats GARCH on most stocks; HAR beats all GARCH
                      models): which side of a threshold, then how far.
``decision``          a test's decision at a level α (a Diebold–Mariano test is or is not significant, and in which
                      direction); the statistic's size is not judged.
``direction``         a qualitative statement that holds or does not (pre-averaging removes the noise bias).
``not comparable``    our number measures something else; the claim carries a reason code (:data:`REASONS`).
====================  ============================================================================================

Principles (issue 14):

* A band is never wider than the effect it judges (:func:`effect` caps its band at half the paper's effect).
* An opposite sign is never better than ``not reproduced``, unless both effects are within noise of zero; the
  noise is named (seed sd of the stated profile, a DM standard error) and can only lift an opposite-sign or
  too-small effect to ``partly`` — noise is never the reason a claim is ``reproduced``.
* ``not comparable`` always says why, with a reason code.

Every rule returns a :class:`Judgement` (verdict, rule, detail); :class:`volrep.report.Claim` stores all three.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from volrep.errors import ConfigError

VERDICTS = ("reproduced", "partly", "not reproduced", "not comparable")
RULES = ("level", "effect", "share", "decision", "direction", "not comparable")

#: Why a claim is not comparable: reason code → what differs.
REASONS = {
    "other_frequency": "our data are sampled at another frequency than the paper's",
    "other_exchange": "our data come from another exchange than the paper's",
    "other_period": "our sample covers another period than the paper's",
    "other_quantity": "our number measures another quantity than the paper's",
    "other_assets": "our sample holds other assets than the paper's",
    "no_data": "the data the claim needs are not in the mirror",
    "no_number": "one side has no number to compare",
}

#: ``level``: reproduced within 10 %, partly within 50 % of the paper's value.
LEVEL_RTOL, LEVEL_PARTLY_RTOL = 0.10, 0.50
#: ``effect``: reproduced when the effects agree in sign and differ by at most 25 % of the paper's effect (or the
#: absolute floor the caller states, but never more than half the paper's effect: the reproduced band stays inside
#: the partly one); partly when they agree in sign and our effect is within a factor of 2 of the paper's.
EFFECT_RTOL, EFFECT_FACTOR, EFFECT_CAP = 0.25, 2.0, 0.5
#: ``share``: reproduced on the paper's side of the threshold and within 0.10 of its share.
SHARE_TOL = 0.10
#: ``decision``: the test level.
ALPHA = 0.05
#: "Within noise of zero" means within this many noise units (≈ a two-sided 95 % band).
NOISE_UNITS = 2.0
#: Slack on every "within" comparison, so that a value printed exactly at a boundary (1.10 against 1.0 at 10 %) is
#: inside it despite binary floating point.
SLACK = 1e-9


@dataclass(frozen=True)
class Judgement:
    """A verdict with the rule that gave it.

    Attributes
    ----------
    verdict
        One of :data:`VERDICTS`.
    rule
        One of :data:`RULES`, with its parameters, e.g. ``"level 10%/50%"``.
    detail
        Why, in a few words (the numbers the rule compared).
    reason
        For ``not comparable``: a key of :data:`REASONS`; otherwise None.
    """

    verdict: str
    rule: str
    detail: str = ""
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ConfigError(f"verdict {self.verdict!r} not in {VERDICTS}")
        if self.rule.split(" ")[0] not in RULES and self.rule != "not comparable":
            raise ConfigError(f"rule {self.rule!r} is not one of {RULES}")
        if (self.verdict == "not comparable") != (self.reason is not None):
            raise ConfigError("a 'not comparable' judgement needs a reason code, and only it")
        if self.reason is not None and self.reason not in REASONS:
            raise ConfigError(f"reason {self.reason!r} not in {sorted(REASONS)}")


def _finite(*xs: object) -> bool:
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in xs)


def _g(x: float) -> str:
    return f"{x:.4g}"


def not_comparable(reason: str, detail: str = "") -> Judgement:
    """``not comparable`` for a reason code of :data:`REASONS` (e.g. ``"other_frequency"``)."""
    return Judgement("not comparable", "not comparable", detail or REASONS.get(reason, ""), reason)


def level(paper: float, ours: float, *, rtol: float = LEVEL_RTOL, partly_rtol: float = LEVEL_PARTLY_RTOL,
          log: bool = False) -> Judgement:
    """Rule ``level``: one quantity, measured the same way, judged on ``|ours − paper| / |paper|``.

    ``reproduced`` within ``rtol``, ``partly`` within ``partly_rtol``, else ``not reproduced``. Use it only for
    a quantity that means the same on both sides; a comparison against a benchmark is an :func:`effect`.
    With ``log=True`` the values are logarithms (e.g. of volatility, which can be near zero): the distance is
    that of the levels, ``|exp(ours − paper) − 1|``.
    """
    if not 0 <= rtol <= partly_rtol:
        raise ConfigError(f"level: need 0 <= rtol <= partly_rtol, got {rtol}, {partly_rtol}")
    rule = f"level {rtol:.0%}/{partly_rtol:.0%}" + (" of exp" if log else "")
    if not _finite(paper, ours):
        return not_comparable("no_number")
    if log:
        rel = abs(math.expm1(ours - paper))
    else:
        rel = abs(ours - paper) / (abs(paper) if paper != 0 else 1.0)
    verdict = "reproduced" if rel <= rtol + SLACK else "partly" if rel <= partly_rtol + SLACK else "not reproduced"
    return Judgement(verdict, rule, f"relative distance {rel:.1%}")


def effect(paper: float, ours: float, *, paper_benchmark: float | None = None, ours_benchmark: float | None = None,
           atol: float = 0.0, noise: float = 0.0, noise_name: str = "", rtol: float = EFFECT_RTOL,
           factor: float = EFFECT_FACTOR) -> Judgement:
    """Rule ``effect``: a comparison against a benchmark, judged on the effect on each side.

    The effect is ``paper − paper_benchmark`` and ``ours − ours_benchmark`` when benchmarks are given (e.g. DeepVol's
    mean loss minus GARCH's), otherwise the values are effects already (e.g. % RMSE gain over HAR).

    * Opposite signs (or one effect exactly zero): ``not reproduced`` — unless both effects lie within
      ``NOISE_UNITS × noise`` of zero, then ``partly`` ("no effect on either side").
    * Same sign, ``|ours − paper| ≤ min(max(rtol·|paper|, atol), EFFECT_CAP·|paper|)``: ``reproduced`` (the band
      is never wider than half the paper's effect).
    * Same sign and ``ours / paper`` within ``[1/factor, factor]``: ``partly``.
    * Otherwise ``not reproduced`` — again lifted to ``partly`` only when both effects are within noise of zero.

    Parameters
    ----------
    atol
        Absolute floor of the reproduced band, in the effect's unit (e.g. 1 pp), for effects so small that 25 % of
        them is below what the data can resolve; still capped at half the paper's effect.
    noise, noise_name
        The noise of *our* effect (seed sd of the stated profile, a DM standard error) and its name; it is used
        only for the "both within noise of zero" exception.
    """
    if paper_benchmark is not None or ours_benchmark is not None:
        if not _finite(paper, ours, paper_benchmark, ours_benchmark):
            return not_comparable("no_number")
        paper, ours = paper - paper_benchmark, ours - ours_benchmark
    if not _finite(paper, ours):
        return not_comparable("no_number")
    band = min(max(rtol * abs(paper), atol), EFFECT_CAP * abs(paper))
    rule = f"effect {rtol:.0%}" + (f" (floor {_g(atol)})" if atol else "") + f", ×{factor:g}"
    detail = f"effects: paper {_g(paper)}, ours {_g(ours)}"
    within_noise = noise > 0 and abs(paper) <= NOISE_UNITS * noise and abs(ours) <= NOISE_UNITS * noise
    noise_text = f"both within {NOISE_UNITS:g} × {noise_name or 'noise'} ({_g(noise)}) of zero"
    if paper * ours <= 0:
        if within_noise:
            return Judgement("partly", rule, f"{detail}; opposite signs, but {noise_text}")
        return Judgement("not reproduced", rule, f"{detail}; opposite signs")
    if abs(ours - paper) <= band + SLACK:
        return Judgement("reproduced", rule, f"{detail}; same sign, within {_g(band)}")
    if 1 / factor - SLACK <= ours / paper <= factor + SLACK:
        return Judgement("partly", rule, f"{detail}; same sign, size within ×{factor:g}")
    if within_noise:
        return Judgement("partly", rule, f"{detail}; sizes differ, but {noise_text}")
    return Judgement("not reproduced", rule, f"{detail}; same sign, size off by more than ×{factor:g}")


def share(paper: float, ours: float, *, threshold: float = 0.5, tol: float = SHARE_TOL,
          side: str | None = None) -> Judgement:
    """Rule ``share``: a share in [0, 1] (of series, models, horizons) on which a claim holds.

    The paper's claim is about the side of ``threshold`` its share lies on (``side`` = ``"above"`` or
    ``"below"``; by default the side of the paper's own share; a share equal to the threshold is on neither).
    ``reproduced`` on that side and within ``tol`` of the paper's share; ``partly`` on that side but farther;
    ``not reproduced`` on the threshold or the other side.
    """
    if not _finite(paper, ours):
        return not_comparable("no_number")
    side = side or ("above" if paper > threshold else "below")
    if side not in ("above", "below"):
        raise ConfigError(f"share: side must be 'above' or 'below', got {side!r}")
    rule = f"share {side} {threshold:g} ±{tol:g}"
    detail = f"shares: paper {_g(paper)}, ours {_g(ours)}"
    holds = ours > threshold if side == "above" else ours < threshold
    if not holds:
        return Judgement("not reproduced", rule, f"{detail}; not {side} {threshold:g}")
    if abs(ours - paper) <= tol + SLACK:
        return Judgement("reproduced", rule, f"{detail}; {side} {threshold:g}, within {tol:g}")
    return Judgement("partly", rule, f"{detail}; {side} {threshold:g}, farther than {tol:g}")


def decision(paper_p: float, ours_p: float, *, paper_stat: float | None = None, ours_stat: float | None = None,
             alpha: float = ALPHA) -> Judgement:
    """Rule ``decision``: does our test reach the paper's decision at level ``alpha``?

    Significant vs not significant must agree; when both are significant, the statistics' signs (the direction of
    the difference) must agree too. ``reproduced`` or ``not reproduced``; the statistic's size is not judged.
    """
    if not _finite(paper_p, ours_p):
        return not_comparable("no_number")
    rule = f"decision α={alpha:g}"
    p_sig, o_sig = paper_p < alpha, ours_p < alpha
    detail = f"p: paper {_g(paper_p)}, ours {_g(ours_p)}"
    if p_sig != o_sig:
        return Judgement("not reproduced", rule, f"{detail}; {'only the paper' if p_sig else 'only ours'} significant")
    if p_sig and _finite(paper_stat, ours_stat) and paper_stat * ours_stat < 0:
        return Judgement("not reproduced", rule, f"{detail}; both significant, opposite directions")
    return Judgement("reproduced", rule, f"{detail}; both {'significant' if p_sig else 'not significant'}")


def direction(holds: bool, statement: str) -> Judgement:
    """Rule ``direction``: a qualitative statement of the paper holds on our data or not."""
    return Judgement("reproduced" if holds else "not reproduced", "direction",
                     f"{statement}: {'holds' if holds else 'does not hold'}")


#: A loss is still falling when the mean of its last tenth of epochs (or steps) is more than this share below the
#: mean of the tenth before.
LOSS_DROP = 0.01


def loss_still_falling(losses, *, share: float = 0.1, min_block: int = 2, drop: float = LOSS_DROP) -> bool:
    """True if the mean of the last ``share`` of ``losses`` is more than ``drop`` below that of the block before.

    Works for per-epoch losses and for noisy per-step losses (blocks average the noise out). Fewer than two blocks
    of ``min_block`` values: False (too short to tell).
    """
    losses = [float(v) for v in losses]
    k = max(min_block, int(len(losses) * share))
    if len(losses) < 2 * k:
        return False
    last, before = sum(losses[-k:]) / k, sum(losses[-2 * k:-k]) / k
    return before > 0 and 1 - last / before > drop


def still_learning(histories, *, window: int = 2) -> bool:
    """True if any of the trainings was still improving when its budget ran out (a verdict on it is provisional).

    With validation data, a training is still learning when it was not stopped early and its best validation
    epoch is among the last ``window`` epochs it ran (the validation loss was still falling at the epoch cap).
    Without (a fixed number of epochs, Huang et al.'s protocol), when its training loss is still falling
    (:func:`loss_still_falling`).

    Parameters
    ----------
    histories
        Objects with ``train_loss``, ``val_loss``, ``best_epoch``, ``epochs_run`` and ``stopped_early``
        (:class:`volrep.train.History`).
    """
    for h in histories:
        if h.stopped_early:
            continue
        if any(math.isfinite(v) for v in h.val_loss):
            if h.best_epoch > h.epochs_run - window:
                return True
        elif loss_still_falling(h.train_loss, min_block=window):
            return True
    return False
