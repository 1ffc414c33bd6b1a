"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/bench_*.py``, so this folder is on
``sys.path``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(repeat: int, fn: Callable[..., T], *args: object) -> tuple[float, T]:
    """Smallest wall time of ``repeat`` calls of ``fn(*args)`` (the machine may be shared) and the last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times), out
