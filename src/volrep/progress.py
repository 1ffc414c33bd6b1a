"""Progress of the long loops, shown as tqdm bars and reported to the runner through a small file.

A chapter runs in a Jupyter kernel started by papermill; its long loops (training seeds, epochs, GARCH refits,
DeepVol steps, the networks of chapter 07) draw tqdm bars inside the notebook, which the person running
``python -m volrep book`` in a terminal never sees. The runner therefore names a file in the environment variable
:data:`PROGRESS_ENV` (one per chapter run; the kernel inherits it), and every loop written with :func:`steps` or
:func:`counter` records where it stands in that file; the runner reads it with :func:`read` and prints
:func:`describe`'s one line, e.g. ``seeds 2/5 › epochs 37/200 (≈ 3 min left in this loop)``.

The file
--------
``{"stack": [outer, ..., inner], "updated": <unix seconds>}``: one record per loop that is running in this
process, outer loop first, each ``{"desc", "done", "total", "unit", "elapsed_s", "updated", "ended"}`` —
``done`` items finished of ``total`` (``None`` when the iterable has no length), ``elapsed_s`` since the loop
started, ``updated`` the wall-clock time (``time.time()``) the record was written, ``ended`` true in the record
written when the loop ends (exhausted, left by ``break`` or by an exception) — it keeps its final count until the
next record replaces it. The file is replaced atomically (a temporary file in the same folder, then
:func:`os.replace`): a reader sees the old state or the new one, never a mix.

When it is written: when a loop starts, when it ends, and in between at most once every :data:`INTERVAL_S`
seconds, checked after an item finishes — after every item of a loop whose items take a millisecond or more, after
every few (up to 1,024) items of a faster loop, so that reporting costs little more than a counter per item. A loop whose
items take longer than :data:`INTERVAL_S` is recorded after every item. Reporting never raises: a file that cannot be
written (its folder removed, a full disk) is skipped silently, and the computation goes on.

Without :data:`PROGRESS_ENV` nothing is recorded and :func:`steps` is the plain tqdm iteration. The bars are
exactly those the code drew before this module existed (same ``desc``, ``unit``, ``disable=not show``), so the
notebooks' outputs do not change. Loops running in a process forked from one with an open loop (a worker of a
process pool) are not recorded: only the process that opened the outermost loop writes the file.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from tqdm import tqdm

__all__ = ["INTERVAL_S", "PROGRESS_ENV", "Counter", "Steps", "counter", "describe", "read", "steps"]

#: The environment variable naming the progress file of this run (set by the runner before the kernel starts).
PROGRESS_ENV = "VOLREP_PROGRESS_FILE"

#: Least number of seconds between two records of a running loop (starts and ends are always recorded).
INTERVAL_S = 1.0

T = TypeVar("T")

#: A loop whose items take less than this (seconds) reads the clock only every few items, at most every
#: ``_MAX_STRIDE``-th: a clock read costs about as much as a trivial loop body.
_FAST_S = 1e-3
_MAX_STRIDE = 1024

_lock = threading.RLock()
_stack: list[_Entry] = []
_owner_pid: int | None = None  # the process whose loops are on the stack
_next_write = 0.0  # time.monotonic() before which a running loop does not write
_writes = 0  # files written by this process (tests count them)


class _Entry:
    """One open loop: its counts and the file it reports to."""

    __slots__ = ("desc", "done", "total", "unit", "start", "ended", "path")

    def __init__(self, desc: str, total: float | None, unit: str, path: str) -> None:
        self.desc, self.total, self.unit, self.path = str(desc), total, str(unit), path
        self.done = 0
        self.start = time.perf_counter()
        self.ended = False

    def record(self, now: float, wall: float) -> dict[str, Any]:
        return {"desc": self.desc, "done": _number(self.done), "total": _number(self.total), "unit": self.unit,
                "elapsed_s": round(now - self.start, 3), "updated": wall, "ended": self.ended}


def _number(x: float | None) -> float | int | None:
    """JSON-friendly count: ints stay ints, integral floats become ints, non-finite becomes None."""
    if x is None:
        return None
    try:
        if isinstance(x, int):
            return int(x)
        x = float(x)
        return int(x) if x.is_integer() else (x if math.isfinite(x) else None)
    except (TypeError, ValueError, OverflowError):
        return None


def _target() -> str | None:
    """The progress file this process may write, or None (variable unset, or a forked child of an open loop)."""
    path = os.environ.get(PROGRESS_ENV)
    if not path:
        return None
    if _stack and _owner_pid != os.getpid():
        return None
    return path


def _push(desc: str, total: float | None, unit: str, path: str) -> _Entry:
    global _owner_pid
    entry = _Entry(desc, total, unit, path)
    with _lock:
        if not _stack:
            _owner_pid = os.getpid()
        _stack.append(entry)
        _write(path)
    return entry


def _finish(entry: _Entry) -> None:
    """Record ``entry``'s final state, then take it off the stack (idempotent)."""
    with _lock:
        if entry.ended:
            return
        entry.ended = True
        if any(e is entry for e in _stack):
            _write(entry.path)
            _stack[:] = [e for e in _stack if e is not entry]


def _tick(entry: _Entry) -> None:
    if time.monotonic() >= _next_write:
        with _lock:
            _write(entry.path)


def _write(path: str) -> None:
    """Replace ``path`` with the stack, atomically; never raises. Call with the lock held."""
    global _next_write, _writes
    _next_write = time.monotonic() + INTERVAL_S
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        now, wall = time.perf_counter(), time.time()
        text = json.dumps({"stack": [e.record(now, wall) for e in _stack], "updated": wall})
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
        _writes += 1
    except Exception:  # progress must never break a computation
        try:
            os.unlink(tmp)
        except Exception:
            pass


def _length(iterable: Iterable[Any]) -> int | None:
    try:
        return len(iterable)  # type: ignore[arg-type]
    except Exception:
        return None


class Steps(Generic[T]):
    """The items of an iterable with a tqdm bar, recorded to the progress file; see :func:`steps`."""

    def __init__(self, iterable: Iterable[T], *, desc: str, total: float | None = None, unit: str = "it",
                 show: bool = True, **tqdm_kwargs: Any) -> None:
        self.bar = tqdm(iterable, desc=desc, total=total, unit=unit, disable=not show, **tqdm_kwargs)
        self._desc, self._unit = desc, unit
        self._total = total if total is not None else _length(iterable)
        self._running: weakref.ref[Iterator[T]] | None = None

    def __iter__(self) -> Iterator[T]:
        path = _target()
        if path is None:
            return iter(self.bar)
        running = self._tracked(path)
        self._running = weakref.ref(running)
        return running

    def _tracked(self, path: str) -> Iterator[T]:
        entry = _push(self._desc, self._total, self._unit, path)
        clock = time.monotonic
        stride = look = 1  # items between two looks at the clock (grows while items take under a millisecond)
        last = clock()
        try:
            for done, item in enumerate(self.bar, 1):
                yield item
                entry.done = done
                if done >= look:
                    now = clock()
                    if now >= _next_write:
                        _tick(entry)
                    if now - last < _FAST_S:
                        stride = min(2 * stride, _MAX_STRIDE)
                    elif now - last > INTERVAL_S:
                        stride = 1
                    look, last = done + stride, now
        finally:
            _finish(entry)

    def __len__(self) -> int:
        return len(self.bar)

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        """tqdm's ``set_postfix`` on the bar (the progress file does not record it)."""
        self.bar.set_postfix(*args, **kwargs)

    def close(self) -> None:
        """End the loop: record its final state and close the bar (also done by ``with`` and by exhaustion)."""
        running = self._running() if self._running is not None else None
        if running is not None:
            running.close()  # type: ignore[attr-defined]
        self.bar.close()

    def __enter__(self) -> Steps[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def steps(iterable: Iterable[T], *, desc: str, total: float | None = None, unit: str = "it", show: bool = True,
          **tqdm_kwargs: Any) -> Steps[T]:
    """Yield the items of ``iterable`` in order, with a tqdm bar, recording progress for the runner.

    Parameters
    ----------
    iterable
        What the loop runs over; its items are yielded unchanged and in order.
    desc, total, unit, tqdm_kwargs
        As for :class:`tqdm.tqdm` (``total`` defaults to ``len(iterable)`` when it has one).
    show
        Draw the bar (``tqdm(..., disable=not show)``). Recording does not depend on it.

    Returns
    -------
    Steps
        Iterate over it (``for x in steps(...)``), or use it as a context manager when the body calls
        ``bar.set_postfix`` (``with steps(...) as bar: for x in bar: ...``). The loop is recorded from its first
        item to its end, ``break`` and exceptions included, when :data:`PROGRESS_ENV` is set.
    """
    return Steps(iterable, desc=desc, total=total, unit=unit, show=show, **tqdm_kwargs)


class Counter:
    """A tqdm bar advanced by :meth:`update`, recorded to the progress file; see :func:`counter`."""

    def __init__(self, total: float | None, *, desc: str, unit: str = "it", show: bool = True,
                 **tqdm_kwargs: Any) -> None:
        self.bar = tqdm(total=total, desc=desc, unit=unit, disable=not show, **tqdm_kwargs)
        path = _target()
        self._entry = None if path is None else _push(desc, total, unit, path)

    def update(self, n: float = 1) -> None:
        """Advance the bar and the recorded count by ``n``."""
        self.bar.update(n)
        entry = self._entry
        if entry is not None:
            entry.done += n
            if time.monotonic() >= _next_write:
                _tick(entry)

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        """tqdm's ``set_postfix`` on the bar (the progress file does not record it)."""
        self.bar.set_postfix(*args, **kwargs)

    def close(self) -> None:
        """Record the final count and close the bar (idempotent)."""
        if self._entry is not None:
            _finish(self._entry)
        self.bar.close()

    def __enter__(self) -> Counter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def counter(total: float | None, *, desc: str, unit: str = "it", show: bool = True, **tqdm_kwargs: Any) -> Counter:
    """A progress bar of ``total`` items advanced with ``.update(k)``, recording progress for the runner.

    The counterpart of ``tqdm(total=total, desc=desc, unit=unit, disable=not show)`` for work that finishes in
    chunks (e.g. results arriving from a process pool). Use it as a context manager; the loop is recorded from
    construction to :meth:`Counter.close` when :data:`PROGRESS_ENV` is set.
    """
    return Counter(total, desc=desc, unit=unit, show=show, **tqdm_kwargs)


def read(path: str | os.PathLike[str]) -> list[dict[str, Any]] | None:
    """The stack of loop records in progress file ``path`` (outer loop first), or None when there is no file or it
    cannot be read or parsed. An empty list means no loop has been recorded as open."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stack = data.get("stack") if isinstance(data, dict) else None
    if not isinstance(stack, list) or not all(isinstance(e, dict) for e in stack):
        return None
    return stack


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _count(x: Any) -> str:
    if isinstance(x, float) and not x.is_integer():
        return f"{x:.3g}"
    try:
        return str(int(x))
    except (TypeError, ValueError):
        return "?"


def describe(stack: list[dict[str, Any]] | None, *, now: float | None = None) -> str:
    """One short line for a terminal: ``seeds 2/5 › epochs 37/200 (≈ 3 min left in this loop)``.

    The estimate comes from the innermost loop still running that has a total and has finished an item: its time
    per item so far times the items left, less the time since the record was written (``now``, default
    ``time.time()``). A loop recorded as ended is marked ``ended``. An empty or missing stack gives ``""``.
    """
    if not stack:
        return ""
    parts = []
    for e in stack:
        text = f"{e.get('desc', '?')} {_count(e.get('done'))}"
        if e.get("total") is not None:
            text += f"/{_count(e.get('total'))}"
        if e.get("ended"):
            text += " ended"
        parts.append(text)
    line = " › ".join(parts)
    for depth, e in reversed(list(enumerate(stack))):
        try:
            done, total, elapsed = float(e["done"]), float(e["total"]), float(e["elapsed_s"])
        except (KeyError, TypeError, ValueError):
            continue
        if e.get("ended") or done <= 0 or total < done:
            continue
        age = 0.0
        if isinstance(e.get("updated"), (int, float)):
            age = max(0.0, (time.time() if now is None else now) - e["updated"])
        left = max(0.0, elapsed / done * (total - done) - age)
        where = "this loop" if depth == len(stack) - 1 else str(e.get("desc", "?"))
        return f"{line} (≈ {_duration(left)} left in {where})"
    return line
