"""Paths, profiles, device choice and global seeding.

Environment variables of the book
---------------------------------
VOLREP_DATA_DIR
    Root of the raw-file cache, laid out as ``<root>/<host>/<path of the public URL>`` (the offline mirror
    has exactly this layout). Default: ``pooch.os_cache("volrep") / "raw"``.
VOLREP_CACHE_DIR
    Root of the derived-table cache (parquet), keyed by inputs and code version.
    Default: ``pooch.os_cache("volrep") / "derived"``.
VOLREP_OFFLINE
    If set to ``1``, never try to download: a missing raw file is an error at once.
VOLREP_RESULTS_DIR
    Where chapters write ``<chapter>.json`` (default ``book/results`` of the project).
VOLREP_STAGING_DIR
    Set by the runner (:func:`volrep.runner.run_chapter`) for the kernel, not by users: where a chapter's results
    and forecasts go until every cell has run (:func:`write_dir`).
VOLREP_MIRROR_URL
    Base URL of an HTTP server with the mirror's layout: ``https://HOST/PATH`` is then downloaded from
    ``$VOLREP_MIRROR_URL/HOST/PATH`` (see :mod:`volrep.data.fetch`).
VOLREP_TORCH_THREADS
    PyTorch intra-op threads for every network of the book (default ``1``; ``0`` leaves PyTorch's own default).
    See :func:`configure_torch`.
VOLREP_ONEDNN
    ``0`` turns PyTorch's oneDNN kernels off (default ``1``, on). See :func:`configure_torch`.

The data, cache and results folders are checked once at the start of a command (:func:`check_environment`):
errors name the variable, the value as set (paths are made absolute, symlinks are not resolved) and the fix.

Portable floating point
-----------------------
A network trained for hundreds of steps amplifies a difference in the last bit of one matrix product into a
difference in the third digit of its test RMSE. The last bits depend on the kernels the CPU libraries choose
at run time: MKL (matrix products), oneDNN (PyTorch's LSTM and convolution on CPU) and ATen's own vectorised
kernels each pick code for the widest instruction set the processor has (AVX-512 on one machine, AVX2 on
another; Intel and AMD get different MKL paths), and a reduction split over two threads adds in another
order than one. :data:`PORTABLE_ENV` asks all three libraries for their AVX2 code, which every x86-64 processor
since 2015 runs, and :func:`configure_torch` pins one thread. MKL documents its AVX2 branch as giving the same
results on every processor that has AVX2; oneDNN and ATen run the same AVX2 code everywhere. So machines that
differ only in processor and core count should compute the same numbers — which one machine cannot prove: what
it can show is that each setting the pins fix does change the last bits (``python -m volrep portability
probe``). A variable already set in the environment wins (that is how the portability check emulates other
machines). Whatever the pins cannot cover — a processor without AVX2, another PyTorch or MKL release, a kernel
that picks its blocking from the cache size — is what the tolerance-based regression check
(:mod:`volrep.regression`) is for.
"""

from __future__ import annotations

import numbers
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
        "full": {"model_size": "paper", "variant_size": "authors_code", "steps": 1_500, "variant_steps": 1_500,
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
_MODEL_SIZE = Param("str", choices=("paper", "authors_code"), pattern=r"\d+x\d+",
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
                          f"volrep.config.CHAPTER_PARAMETERS (known: {', '.join(CHAPTER_PARAMETERS)})")
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

def _default_root() -> Path:
    import pooch

    return Path(pooch.os_cache("volrep"))


def data_dir() -> Path:
    """Root of the raw-file cache (``VOLREP_DATA_DIR``), absolute but not symlink-resolved (messages show the
    path the user set)."""
    env = os.environ.get("VOLREP_DATA_DIR")
    return _absolute(env) if env else _default_root() / "raw"


def cache_dir() -> Path:
    """Root of the derived-table cache (``VOLREP_CACHE_DIR``)."""
    env = os.environ.get("VOLREP_CACHE_DIR")
    return _absolute(env) if env else _default_root() / "derived"


def offline() -> bool:
    """True when downloads are disabled (``VOLREP_OFFLINE=1``)."""
    return os.environ.get("VOLREP_OFFLINE", "0") not in ("", "0", "false", "False")


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


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and (if installed) PyTorch; return a fresh NumPy ``Generator``.

    Every chapter calls this once with its ``seed`` parameter so that reruns give the same numbers.

    Raises
    ------
    ConfigError
        ``seed`` is not an integer >= 0 (the message names the parameter).
    """
    if not COMMON_PARAMETERS["seed"].accepts(seed):
        raise ConfigError(f"parameter seed={seed!r} is not allowed: expected {COMMON_PARAMETERS['seed'].allowed()}")
    random.seed(seed)
    np.random.seed(seed % (2**32))
    try:
        import torch
    except ImportError:  # torch is only needed by the neural chapters
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


def device() -> str:
    """``"cuda"`` if a GPU is visible to PyTorch, else ``"cpu"``."""
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


#: Environment that makes MKL, oneDNN and ATen use the same (AVX2) kernels on every x86-64 processor that has
#: AVX2 (module docstring). Applied with ``setdefault`` by :func:`apply_portable_env` when ``volrep`` is
#: imported, i.e. before PyTorch initialises these libraries.
PORTABLE_ENV: dict[str, str] = {
    "MKL_CBWR": "AVX2",  # MKL's conditional numerical reproducibility: the AVX2 branch on Intel and AMD alike
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN (LSTM, convolution): no AVX-512 or AMX kernels
    "ATEN_CPU_CAPABILITY": "avx2",  # PyTorch's own vectorised kernels (activations, reductions)
}


def apply_portable_env() -> dict[str, str]:
    """Set every variable of :data:`PORTABLE_ENV` that the environment does not set yet; return the values in force.

    Called once by ``import volrep``. The libraries read these variables when they first run, so a process that
    has already trained a network before importing ``volrep`` keeps the kernels it chose (see
    :func:`numerics_summary`).
    """
    for name, value in PORTABLE_ENV.items():
        os.environ.setdefault(name, value)
    return {name: os.environ[name] for name in PORTABLE_ENV}


def torch_threads() -> int:
    """PyTorch intra-op threads for the book's networks: ``VOLREP_TORCH_THREADS`` (default 1; 0 = PyTorch's default)."""
    raw = os.environ.get("VOLREP_TORCH_THREADS", "1")
    try:
        threads = int(raw)
    except ValueError:
        threads = -1
    if threads < 0:
        raise ConfigError(f"VOLREP_TORCH_THREADS={raw!r} is not a thread count; set a whole number >= 0 "
                          "(1, the default, gives the same numbers on every machine; 0 leaves PyTorch's default)")
    return threads


def configure_torch() -> int:
    """Pin PyTorch's intra-op threads to :func:`torch_threads` (unless 0) and honour ``VOLREP_ONEDNN``; return the
    threads in force.

    One thread, because (1) a reduction split over two threads adds in another order, so the thread count would
    change the networks' numbers, and (2) the book's networks are small — batches of 16–64 short windows — and
    gain nothing from intra-op parallelism: on a busy 2-core machine two spinning threads made chapter 06's
    training ten times slower than one. ``VOLREP_ONEDNN=0`` turns oneDNN off (PyTorch's LSTM then runs on MKL
    and ATen, 1.7–2.3 times slower), as on PyTorch builds without it. :mod:`volrep.train` calls this when it is
    imported, so every network of the book trains and predicts under these settings.
    """
    import torch

    threads = torch_threads()
    if threads:
        torch.set_num_threads(threads)
    onednn = os.environ.get("VOLREP_ONEDNN", "1")
    if onednn not in ("0", "1"):
        raise ConfigError(f"VOLREP_ONEDNN={onednn!r}: set 1 (default, oneDNN on) or 0 (off)")
    torch.backends.mkldnn.enabled = onednn == "1"
    return torch.get_num_threads()


def numerics_summary() -> dict[str, object]:
    """What decides the last bits of the networks' numbers in this process: library versions, the kernels chosen,
    threads. Written into every chapter's results file (``numerics``) so that two runs can be compared.

    PyTorch's entries are ``None`` when the process has not imported PyTorch (chapters without networks).
    """
    import platform
    import sys

    torch = sys.modules.get("torch")
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch else None,
        "machine": platform.machine(),
        "processor": _processor_name(),
        "aten_cpu_capability": torch.backends.cpu.get_cpu_capability() if torch else None,
        "torch_threads": torch.get_num_threads() if torch else None,
        "onednn": bool(torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled) if torch else None,
        **{name.lower(): os.environ.get(name, "") for name in PORTABLE_ENV},
    }


def _processor_name() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux, else :func:`platform.processor`)."""
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def repo_root() -> Path:
    """The project root (the folder holding ``_toc.yml``), found from the current directory upwards."""
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "_toc.yml").exists() and (p / "notebooks").is_dir():
            return p
    raise ConfigError(f"cannot find the volrep project root (a folder with _toc.yml) above {here}")


def results_dir() -> Path:
    """Where chapters write their JSON: ``VOLREP_RESULTS_DIR`` if set, else ``book/results`` of the project."""
    env = os.environ.get("VOLREP_RESULTS_DIR")
    d = _absolute(env) if env else repo_root() / "book" / "results"
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(_dir_problem("VOLREP_RESULTS_DIR", env or str(d), f"cannot be created ({err.strerror})",
                                       write=True)) from None
    return d


def write_dir() -> Path:
    """Where a chapter writes its results and forecasts: ``VOLREP_STAGING_DIR`` while :func:`volrep.runner.run_chapter`
    executes it (moved into :func:`results_dir` only when every cell has run), else :func:`results_dir`."""
    staging = os.environ.get("VOLREP_STAGING_DIR")
    return _absolute(staging) if staging else results_dir()


def _absolute(value: str) -> Path:
    """``value`` with ``~`` expanded, made absolute and normalised, symlinks kept as the user wrote them."""
    return Path(os.path.abspath(os.path.expanduser(value)))


def _dir_problem(variable: str, value: str, problem: str, *, write: bool) -> str:
    """One line: which variable, the value the user set, what is wrong, how to fix it."""
    need = "a folder you can write to" if write else "a readable folder"
    return (f"{variable}={value!r} {problem}; set {variable} to {need} (or unset it to use the default "
            f"per-user cache)")


def check_directory(variable: str, *, write: bool, create: bool = True) -> Path | None:
    """Check the folder named by the environment ``variable`` (if it is set); return it, or None when unset.

    A folder that does not exist is created when ``create`` (else an error). Raises :class:`ConfigError` naming the
    variable, the value as set (not symlink-resolved) and the fix when the path is a plain file, cannot be created,
    cannot be listed, or (``write``) cannot be written.
    """
    value = os.environ.get(variable)
    if not value:
        return None
    path = _absolute(value)
    if path.exists() and not path.is_dir():
        raise ConfigError(_dir_problem(variable, value, "is a file, not a folder", write=write))
    if not path.exists():
        if not create:
            raise ConfigError(_dir_problem(variable, value, "does not exist", write=write))
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            problem = f"cannot be created ({err.strerror})"
            raise ConfigError(_dir_problem(variable, value, problem, write=write)) from None
    if not os.access(path, os.R_OK | os.X_OK):
        raise ConfigError(_dir_problem(variable, value, "cannot be read (permission denied)", write=write))
    if write and not os.access(path, os.W_OK):
        raise ConfigError(_dir_problem(variable, value, "is read-only", write=write))
    return path


def check_environment() -> None:
    """Check ``VOLREP_DATA_DIR`` (readable; a mirror may be read-only), ``VOLREP_CACHE_DIR`` and
    ``VOLREP_RESULTS_DIR`` (writable, created if missing) once, before any work starts (the command line and
    :func:`volrep.runner.run_chapter` call it). Variables that are not set are not checked: their defaults are
    created on first use."""
    check_directory("VOLREP_DATA_DIR", write=False, create=not offline())
    check_directory("VOLREP_CACHE_DIR", write=True)
    check_directory("VOLREP_RESULTS_DIR", write=True)
