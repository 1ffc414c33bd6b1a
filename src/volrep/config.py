"""Paths, profiles, device choice and global seeding.

Environment variables
---------------------
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
VOLREP_MIRROR_URL
    Base URL of an HTTP server with the mirror's layout: ``https://HOST/PATH`` is then downloaded from
    ``$VOLREP_MIRROR_URL/HOST/PATH`` (see :mod:`volrep.data.fetch`).
VOLREP_TORCH_THREADS
    PyTorch intra-op threads for every network of the book (default ``1``; ``0`` leaves PyTorch's own default).
    See :func:`configure_torch`.
VOLREP_ONEDNN
    ``0`` turns PyTorch's oneDNN kernels off (default ``1``, on). See :func:`configure_torch`.

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

import os
import random
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
        "quick": {"epochs": 30, "horizons": (1, 7, 30), "seeds": 1, "headline_seeds": 2, "mtf_sizes": (16, 4),
                  "full_size_finest": False, "selection_grid": "quick", "study_horizons": (1, 7), "study_cnn": False,
                  "sim_days": 400},
        "full": {"epochs": 200, "horizons": (1, 7, 14, 30, 60), "seeds": 5, "headline_seeds": 5,
                 "mtf_sizes": (48, 32, 24, 16, 12, 8, 6, 4), "full_size_finest": True, "selection_grid": "paper",
                 "study_horizons": (1, 7, 14, 30, 60), "study_cnn": True, "sim_days": 1_000},
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
}


def _default_root() -> Path:
    import pooch

    return Path(pooch.os_cache("volrep"))


def data_dir() -> Path:
    """Root of the raw-file cache (``VOLREP_DATA_DIR``)."""
    env = os.environ.get("VOLREP_DATA_DIR")
    return Path(env).expanduser().resolve() if env else _default_root() / "raw"


def cache_dir() -> Path:
    """Root of the derived-table cache (``VOLREP_CACHE_DIR``)."""
    env = os.environ.get("VOLREP_CACHE_DIR")
    return Path(env).expanduser().resolve() if env else _default_root() / "derived"


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
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return settings


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and (if installed) PyTorch; return a fresh NumPy ``Generator``.

    Every chapter calls this once with its ``seed`` parameter so that reruns give the same numbers.
    """
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
    d = Path(env).expanduser().resolve() if env else repo_root() / "book" / "results"
    d.mkdir(parents=True, exist_ok=True)
    return d
