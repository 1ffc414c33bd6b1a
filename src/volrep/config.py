"""Paths, device choice, seeding and portable floating point; the profiles and chapter settings live in
:mod:`volrep.settings` and are re-exported here, so a notebook reads everything through ``volrep.config``.

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

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from volrep.errors import ConfigError
from volrep.settings import (  # noqa: F401 -- the profiles and parameter schemas, read through config by notebooks
    CHAPTER_NEEDS,
    CHAPTER_PARAMETERS,
    CHAPTER_SETTINGS,
    COMMON_PARAMETERS,
    PROFILES,
    Param,
    chapter_settings,
    check_profile,
    default_jobs,
    parameter_schema,
    validate_parameters,
)

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


def _check_seed(seed: int) -> None:
    if not COMMON_PARAMETERS["seed"].accepts(seed):
        raise ConfigError(f"parameter seed={seed!r} is not allowed: expected {COMMON_PARAMETERS['seed'].allowed()}")


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and (if installed) PyTorch; return a fresh NumPy ``Generator``.

    For notebooks and scripts, not the library: every chapter calls this once with its ``seed`` parameter so that
    reruns give the same numbers. Library functions never reseed the global generators; they take an explicit
    ``seed`` and draw from their own generators or inside :func:`local_seed`.

    Raises
    ------
    ConfigError
        ``seed`` is not an integer >= 0 (the message names the parameter).
    """
    _check_seed(seed)
    random.seed(seed)
    np.random.seed(seed % (2**32))
    try:
        import torch
    except ImportError:  # torch is only needed by the neural chapters
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


@contextmanager
def local_seed(seed: int) -> Iterator[None]:
    """Run a block with PyTorch's generators seeded to ``seed``, then give the caller's generator states back.

    PyTorch draws a network's initial weights (when it is built), its dropout masks and a ``DataLoader``'s base
    seed from its global generators, which take no ``generator=`` argument. Library functions that build or train
    a network do so inside this block (:func:`torch.random.fork_rng`): the same ``seed`` gives the same network
    whatever ran before, and the caller's random stream is where it was (no global reseeding). The CPU generator
    and every visible CUDA device's are forked. NumPy and Python draws in the library use explicit
    :class:`numpy.random.Generator` objects and need no fork.

    Raises
    ------
    ConfigError
        ``seed`` is not an integer >= 0.
    """
    _check_seed(seed)
    import torch

    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


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
