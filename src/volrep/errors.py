"""Errors a user of the book may see, each with a message that says what to do next.

Every error volrep raises on purpose is a :class:`VolrepError`; bad settings (:class:`ConfigError`) and bad input
data (:class:`DataError`, :class:`MissingDataError`) are also :class:`ValueError`; an interrupted run
(:class:`ChapterInterrupted`) is not. Wrong argument types stay :class:`TypeError`.
"""

from __future__ import annotations

from pathlib import Path


class VolrepError(Exception):
    """Base class of every error raised on purpose by volrep."""


class ConfigError(VolrepError, ValueError):
    """A setting (profile, parameter, environment variable) is invalid.

    A :class:`ValueError` too (scikit-learn's convention for bad arguments), so code written against the standard
    exceptions catches it.
    """


class ChapterError(VolrepError):
    """A chapter notebook failed: names the notebook, the cell and the error (see :mod:`volrep.runner`)."""


class ChapterInterrupted(VolrepError):
    """Chapter runs were interrupted (Ctrl-C, SIGTERM); nothing of them was published (see :mod:`volrep.runner`).

    Parameters
    ----------
    names
        The chapters that were running (one for ``volrep chapter``, up to the job count for ``volrep book``).
    """

    def __init__(self, *names: str) -> None:
        which = ", ".join(n[:2] for n in names)
        super().__init__(f"interrupted: chapter{'s' if len(names) > 1 else ''} {which}, nothing published")
        self.chapters = names


class DataError(VolrepError, ValueError):
    """Input data broke a validation rule (a :class:`ValueError` too, like :class:`ConfigError`).

    Parameters
    ----------
    file
        The file (or dataset name) the bad input came from.
    rule
        The rule that was broken, in a few words (e.g. ``"timestamps strictly increasing"``).
    row
        Zero-based data row (after any header/banner lines) where the problem was first seen, if known.
    detail
        Extra context: the offending value, how many rows are affected, what to do.
    """

    def __init__(self, file: str | Path, rule: str, row: int | None = None, detail: str = "") -> None:
        self.file = str(file)
        self.rule = rule
        self.row = row
        self.detail = detail
        where = f"{self.file}" + (f", row {row}" if row is not None else "")
        msg = f"{where}: violates rule '{rule}'"
        if detail:
            msg += f" — {detail}"
        super().__init__(msg)


class MissingDataError(DataError):
    """A raw file is neither in the cache/mirror nor downloadable."""

    def __init__(self, file: str | Path, looked_in: str | Path, url: str | None, reason: str = "") -> None:
        how = (
            f"Either set VOLREP_DATA_DIR to a mirror that holds it at '{looked_in}', "
            f"or connect to the internet so it can be downloaded"
            + (f" from {url}" if url else "")
            + "."
        )
        detail = (reason + ". " if reason else "") + how
        super().__init__(file, "raw file available", None, detail)
        self.looked_in = str(looked_in)
        self.url = url
        self.reason = reason
