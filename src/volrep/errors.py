"""Errors a user of the book may see, each with a message that says what to do next."""

from __future__ import annotations

from pathlib import Path


class VolrepError(Exception):
    """Base class of every error raised on purpose by volrep."""


class ConfigError(VolrepError):
    """A setting (profile, parameter, environment variable) is invalid."""


class ChapterInterrupted(VolrepError):
    """A chapter run was interrupted (Ctrl-C, SIGTERM); nothing was published (see :mod:`volrep.runner`)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"interrupted: chapter {name[:2]}, nothing published")
        self.chapter = name


class DataError(VolrepError):
    """Input data broke a validation rule.

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
