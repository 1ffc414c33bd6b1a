"""The profiles and every chapter's knobs: what ``quick`` and ``full`` run, and which notebook parameters exist.

:data:`CHAPTER_SETTINGS` holds each chapter's knobs under each profile (``quick`` for CI and the nbval baselines,
``full`` for the papers' protocols), read by a notebook through :func:`chapter_settings`; :data:`CHAPTER_PARAMETERS`
the schema of every notebook parameter (type, range, allowed values), checked by :func:`validate_parameters`
before a kernel starts; :data:`CHAPTER_NEEDS` which chapters read others' results. :mod:`volrep.config` re-exports
all of them, so a notebook reads paths, device, seeding and settings from one place.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass

from volrep.errors import ConfigError

PROFILES = ("quick", "full")

#: Per-chapter knobs of each profile. ``quick`` runs the whole book on 2 CPU cores in well under 30 minutes
#: (CI and the nbval baselines use it); ``full`` follows the papers' protocols. A chapter reads its knobs with
#: :func:`chapter_settings`; any knob can be overridden with ``-p key value`` (papermill parameters).
CHAPTER_SETTINGS: dict[str, dict[str, dict[str, object]]] = {
    "01_data_liquidity": {
        "quick": {"sim_days": 14, "sim_trades_per_day": 20_000},
        "full": {"sim_days": 120, "sim_trades_per_day": 50_000},
    },
    "02_rv_signature": {
        "quick": {"sim_days": 14, "sim_trades_per_day": 50_000},
        "full": {"sim_days": 120, "sim_trades_per_day": 50_000},
    },
    "03_rough_hurst": {
        "quick": {"n_paths": 10, "n_boot": 50, "sim_days": 2_000},
        "full": {"n_paths": 100, "n_boot": 200, "sim_days": 5_000},
    },
    "04_baselines": {
        "quick": {"garch_mode": "fixed", "refit_every": 1, "workers": 1, "sim_days": 2_000},
        "full": {"garch_mode": "rolling", "refit_every": 1, "workers": 2, "sim_days": 3_000},
    },
    "05_transfer_lstm": {
        "quick": {"seeds": 3, "pretrain_epochs": 10, "finetune_epochs": 8, "techlog_epochs": 10, "sim_days": 1_500},
        "full": {"seeds": 5, "pretrain_epochs": 50, "finetune_epochs": 30, "techlog_epochs": 100, "sim_days": 3_000},
    },
    "06_hybrids": {
        "quick": {"seeds": 5, "max_epochs": 20, "finetune_epochs": 10, "sim_days": 1_500},
        "full": {"seeds": 10, "max_epochs": 50, "finetune_epochs": 30, "sim_days": 3_000},
    },
    "07_cnn_lstm_mtf": {
        "quick": {"epochs": 30, "horizons": (1, 7, 30), "seeds": 1, "headline_seeds": 2, "mtf_sizes": (16,),
                  "full_size_finest": False, "selection_grid": "quick", "study_horizons": (1, 7), "study_cnn": False,
                  "sim_days": 400, "robust_freqs": ()},
        "full": {"epochs": 200, "horizons": (1, 7, 14, 30, 60), "seeds": 5, "headline_seeds": 5,
                 "mtf_sizes": (144, 72, 48, 36, 24, 18, 16, 12, 9, 8, 6, 4), "full_size_finest": True,
                 "selection_grid": "paper", "study_horizons": (1, 7, 14, 30, 60), "study_cnn": True, "sim_days": 1_000,
                 "robust_freqs": ("15min",)},
    },
    "08_deepvol": {
        "quick": {"model_size": "3x64", "variant_size": "authors_code", "steps": 200, "variant_steps": 200,
                  "case2_steps": 120, "window": 200, "garch_refit": "none", "garch_workers": 1, "n_train": 100,
                  "n_portfolios": 100, "finetune_stocks": 10, "finetune_steps": 30, "sim_stocks": 160,
                  "sim_days": 2_000},
        "full": {"model_size": "auto", "variant_size": "auto", "steps": 1_500, "variant_steps": 1_500,
                 "case2_steps": 1_500, "window": 0, "garch_refit": "daily", "garch_workers": 2, "n_train": 100,
                 "n_portfolios": 300, "finetune_stocks": 50, "finetune_steps": 100, "sim_stocks": 160,
                 "sim_days": 4_600},
    },
    "09_significance": {
        "quick": {"horizons": (1, 7), "reps": 500, "mc_reps": 200},
        "full": {"horizons": (1, 7), "reps": 2_000, "mc_reps": 2_000},
    },
}


#: Chapters that read other chapters' results (from ``VOLREP_RESULTS_DIR``): ``volrep book`` starts them only after
#: those have been published. Every other chapter stands alone, so chapters can run side by side.
CHAPTER_NEEDS: dict[str, tuple[str, ...]] = {
    "09_significance": ("04_baselines", "05_transfer_lstm", "06_hybrids", "07_cnn_lstm_mtf", "08_deepvol"),
}


def default_jobs() -> int:
    """How many chapters ``volrep book`` runs side by side: one per core, at most 4.

    A chapter's networks train on one thread (see the module docstring), so two chapters on two cores take about
    as long as the longer of them; beyond four the memory of the ``full`` profile's chapters (up to ≈ 3.5 GB
    each) matters more than cores.
    """
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass(frozen=True)
class Param:
    """What one notebook parameter may be (see :data:`CHAPTER_PARAMETERS`).

    ``kind`` is ``"int"``, ``"float"``, ``"bool"``, ``"str"``, ``"ints"`` (a non-empty list or tuple of integers)
    or ``"freqs"`` (a list or tuple of pandas frequency strings such as ``"15min"``); ``low``/``high`` bound a
    number (or every element of ``ints``) inclusively, ``above`` strictly from below; ``choices`` lists the allowed
    strings; ``pattern`` (a regular expression, described by ``pattern_doc``) admits further strings;
    ``optional`` admits ``None`` (= the profile's value).
    """

    kind: str
    low: float | None = None
    high: float | None = None
    above: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    pattern_doc: str | None = None
    optional: bool = True

    def allowed(self) -> str:
        """What the parameter accepts, in words (used in the error message)."""
        if self.kind == "bool":
            text = "True or False"
        elif self.kind == "str":
            text = "one of " + ", ".join(repr(c) for c in self.choices)
            if self.pattern:
                text += f" or {self.pattern_doc or 'a string matching ' + self.pattern}"
        elif self.kind == "freqs":
            text = "a list of pandas frequencies such as ['15min'] (possibly empty)"
        else:
            what = {"int": "an integer", "float": "a number", "ints": "a non-empty list of integers"}[self.kind]
            bounds = [f">= {self.low:g}" if self.low is not None else "", f"> {self.above:g}" if self.above is not None
                      else "", f"<= {self.high:g}" if self.high is not None else ""]
            text = " ".join([what, *(b for b in bounds if b)]) if any(bounds) else what
            if self.kind == "ints":
                text = text.replace("integers", "integers" + (" each" if any(bounds) else ""), 1)
        return text + (" or None (the profile's value)" if self.optional else "")

    def accepts(self, value: object) -> bool:
        """True if ``value`` is allowed."""
        import re

        if value is None:
            return self.optional
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "str":
            matches = bool(self.pattern and isinstance(value, str) and re.fullmatch(self.pattern, value))
            return isinstance(value, str) and (value in self.choices or matches)
        if self.kind == "freqs":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                return False
            import pandas as pd

            try:
                return all(pd.Timedelta(pd.tseries.frequencies.to_offset(v)) > pd.Timedelta(0) for v in value)
            except (ValueError, TypeError):
                return False
        if self.kind == "ints":
            return (isinstance(value, (list, tuple)) and len(value) > 0
                    and all(self._number(v, numbers.Integral) for v in value))
        return self._number(value, numbers.Integral if self.kind == "int" else numbers.Real)

    def _number(self, value: object, types: type) -> bool:
        if isinstance(value, bool) or not isinstance(value, types) or value != value:  # NaN fails value == value
            return False
        return ((self.low is None or value >= self.low) and (self.high is None or value <= self.high)
                and (self.above is None or value > self.above))


_COUNT = Param("int", low=1)
_MODEL_SIZE = Param("str", choices=("paper", "authors_code", "auto"), pattern=r"\d+x\d+",
                    pattern_doc="'<layers>x<hidden>' such as '3x64'")

#: Parameters every chapter notebook has (its ``parameters`` cell starts with them).
COMMON_PARAMETERS: dict[str, Param] = {
    "profile": Param("str", choices=PROFILES, optional=False),
    "data_source": Param("str", choices=("mirror", "sim"), optional=False),
    "seed": Param("int", low=0, optional=False),
}

#: One schema per chapter: every parameter of its notebook's ``parameters`` cell besides :data:`COMMON_PARAMETERS`
#: (the knobs of :data:`CHAPTER_SETTINGS` and the chapter's own, such as ``theta``), with its type, range or
#: allowed values. The runner checks ``-p`` values against it before a cell runs (:func:`validate_parameters`),
#: :func:`chapter_settings` checks the knobs again inside the notebook, and a test checks that it names exactly
#: the parameters of every notebook. A chapter with no entry here cannot be run by the runner (ConfigError).
CHAPTER_PARAMETERS: dict[str, dict[str, Param]] = {
    "01_data_liquidity": {"sim_days": _COUNT, "sim_trades_per_day": _COUNT},
    "02_rv_signature": {"sim_days": _COUNT, "sim_trades_per_day": _COUNT,
                        "theta": Param("float", above=0, optional=False)},
    "03_rough_hurst": {"n_paths": _COUNT, "n_boot": _COUNT, "sim_days": _COUNT},
    "04_baselines": {"target_kind": Param("str", choices=("point", "mean"), optional=False),
                     "garch_mode": Param("str", choices=("fixed", "rolling", "expanding")),
                     "refit_every": _COUNT, "workers": _COUNT, "sim_days": _COUNT},
    "05_transfer_lstm": {"seeds": _COUNT, "pretrain_epochs": _COUNT, "finetune_epochs": _COUNT,
                         "techlog_epochs": _COUNT, "sim_days": _COUNT},
    "06_hybrids": {"seeds": _COUNT, "max_epochs": _COUNT, "finetune_epochs": _COUNT, "sim_days": _COUNT},
    "07_cnn_lstm_mtf": {"epochs": _COUNT, "horizons": Param("ints", low=1), "seeds": _COUNT, "headline_seeds": _COUNT,
                        "mtf_sizes": Param("ints", low=1), "full_size_finest": Param("bool"),
                        "selection_grid": Param("str", choices=("quick", "paper")),
                        "study_horizons": Param("ints", low=1), "study_cnn": Param("bool"), "sim_days": _COUNT,
                        "robust_freqs": Param("freqs")},
    "08_deepvol": {"model_size": _MODEL_SIZE, "variant_size": _MODEL_SIZE,
                   "steps": _COUNT, "variant_steps": _COUNT, "case2_steps": _COUNT, "window": Param("int", low=0),
                   "garch_refit": Param("str", choices=("daily", "none")), "garch_workers": _COUNT,
                   "n_train": _COUNT, "n_portfolios": _COUNT, "finetune_stocks": _COUNT, "finetune_steps": _COUNT,
                   "sim_stocks": _COUNT, "sim_days": _COUNT},
    "09_significance": {"horizons": Param("ints", low=1), "reps": _COUNT, "mc_reps": _COUNT},
}


def parameter_schema(chapter: str) -> dict[str, Param]:
    """Every parameter of ``chapter``'s notebook: :data:`COMMON_PARAMETERS` and its :data:`CHAPTER_PARAMETERS`.

    Raises
    ------
    ConfigError
        The chapter has no schema (a new chapter must add one next to its :data:`CHAPTER_SETTINGS`).
    """
    if chapter not in CHAPTER_PARAMETERS:
        raise ConfigError(f"chapter {chapter!r} has no parameter schema: add an entry to "
                          f"volrep.settings.CHAPTER_PARAMETERS (known: {', '.join(CHAPTER_PARAMETERS)})")
    return {**COMMON_PARAMETERS, **CHAPTER_PARAMETERS[chapter]}


def validate_parameters(chapter: str, parameters: dict[str, object]) -> dict[str, object]:
    """Check notebook parameters against the chapter's schema (:func:`parameter_schema`); return them unchanged.

    Raises
    ------
    ConfigError
        One line naming the first unknown parameter (with the closest known name) or the first bad value, the
        value, and what is allowed.
    """
    import difflib

    schema = parameter_schema(chapter)
    for name, value in parameters.items():
        if name not in schema:
            close = difflib.get_close_matches(name, list(schema), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(f"unknown parameter {name!r} for chapter {chapter}; {hint}known: {', '.join(schema)}")
        if not schema[name].accepts(value):
            raise ConfigError(f"parameter {name}={value!r} of chapter {chapter} is not allowed: "
                              f"expected {schema[name].allowed()}")
    return parameters


def check_profile(profile: str) -> str:
    """Return ``profile`` if it is a known profile, else raise :class:`ConfigError`."""
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return profile


def chapter_settings(chapter: str, profile: str, **overrides: object) -> dict[str, object]:
    """The knobs of ``chapter`` under ``profile``, with ``overrides`` that are not ``None`` applied.

    Parameters
    ----------
    chapter
        Chapter name, e.g. ``"02_rv_signature"``.
    profile
        ``"quick"`` or ``"full"``.
    **overrides
        Values given by the user (notebook parameters); ``None`` means "use the profile's value".
    """
    check_profile(profile)
    if chapter not in CHAPTER_SETTINGS:
        raise ConfigError(f"no settings for chapter {chapter!r}; known: {', '.join(CHAPTER_SETTINGS)}")
    settings = dict(CHAPTER_SETTINGS[chapter][profile])
    unknown = set(overrides) - set(settings)
    if unknown:
        raise ConfigError(f"unknown parameter(s) for {chapter}: {', '.join(sorted(unknown))}; known: {', '.join(settings)}")
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        validate_parameters(chapter, given)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return settings
