"""Derived tables cached as parquet under ``VOLREP_CACHE_DIR``, keyed by their inputs and the code that built them.

A table is stored at ``<cache_dir>/<name>-<key>.parquet`` where ``<key>`` hashes the caller's key parts
(input file sha256s, parameters), the volrep version and the source code of the building module(s). Any
change to one of them gives a new file, so a stale table is never read. Files are written atomically
(temporary file + :func:`os.replace`); an unreadable cache file is rebuilt and replaced.

Checksums
---------
Parquet checks its structure but not every value: a flipped bit in a data page can decode to another, valid
number, and a valid parquet file put in the place of another (an empty one, say) reads without complaint. So
every table is stored with the sha256 of its bytes in a sidecar ``<file>.sha256``, and a read hashes the bytes it
parses (one read: the file is loaded once, hashed and parsed from memory). A table whose bytes do not match is
not trusted: a warning names it and it is rebuilt. A table without a sidecar (written before checksums) cannot
be verified either and is rebuilt quietly (logged at INFO: a one-off cost after upgrading). The sidecar is written
before the table is renamed into place, so a reader that sees the new table sees its checksum; two processes
building the same key write the same bytes (parquet output is deterministic), so their sidecars agree.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow

import volrep
from volrep import config
from volrep.errors import ConfigError

_log = logging.getLogger(__name__)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@contextmanager
def atomic_write(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; when the block succeeds, rename it onto ``dest``.

    The rename (:func:`os.replace`) is atomic, so readers see either no file or the complete one; if the
    block raises, the temporary file is removed and ``dest`` is left as it was. Used for every file the
    data layer writes (raw downloads, fallbacks, derived tables).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)  # mkstemp makes the file private; cache files are as readable as any download
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def code_version(code: str | ModuleType | Sequence[ModuleType]) -> str:
    """A version string for the code that builds a table: ``code`` itself, or the sha256 of the modules' source."""
    if isinstance(code, str):
        return code
    modules = [code] if isinstance(code, ModuleType) else list(code)
    digest = hashlib.sha256()
    for module in modules:
        digest.update(inspect.getsource(module).encode("utf-8"))
    return digest.hexdigest()


def cache_path(
    key_parts: Mapping[str, object], *, name: str, code: str | ModuleType | Sequence[ModuleType] = ""
) -> Path:
    """Where :func:`cached_frame` keeps the table for these key parts."""
    if not _NAME.fullmatch(name):
        raise ConfigError(f"cache name {name!r} must be letters, digits, '_', '-' or '.'")
    blob = json.dumps(
        {"key": key_parts, "volrep": volrep.__version__, "code": code_version(code)}, sort_keys=True, default=str
    )
    return config.cache_dir() / f"{name}-{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:20]}.parquet"


def cached_frame(
    key_parts: Mapping[str, object],
    build: Callable[[], pd.DataFrame],
    *,
    name: str,
    code: str | ModuleType | Sequence[ModuleType] = "",
) -> pd.DataFrame:
    """Return the table for ``key_parts`` from the cache, building and storing it on a miss.

    Parameters
    ----------
    key_parts
        Everything the table depends on besides code (input sha256s, parameters); JSON-serialisable, other
        objects are keyed by their ``str``.
    build
        Builds the table; called only on a miss (or when the cached file cannot be read).
    name
        Readable prefix of the file name.
    code
        The module(s) whose source builds the table, or an explicit version string.

    Returns
    -------
    pandas.DataFrame
        The table as read back from parquet, so a first run and a cached run return the same dtypes.
    """
    path = cache_path(key_parts, name=name, code=code)
    if path.is_file():
        cached = _read_verified(path)
        if cached is not None:
            return cached
    frame = build()
    with atomic_write(path) as tmp:
        frame.to_parquet(tmp)
        blob = tmp.read_bytes()
        with atomic_write(checksum_path(path)) as side:
            side.write_text(f"{hashlib.sha256(blob).hexdigest()}  {path.name}\n", encoding="ascii")
    return pd.read_parquet(io.BytesIO(blob))


def checksum_path(path: Path) -> Path:
    """The sidecar holding the sha256 of a cached table's bytes: ``<file>.sha256``."""
    return path.with_name(path.name + ".sha256")


def _read_verified(path: Path) -> pd.DataFrame | None:
    """The table at ``path`` if its bytes match its sidecar's sha256 and parse; else None (after a warning)."""
    try:
        blob = path.read_bytes()
        recorded = checksum_path(path).read_text(encoding="ascii").split()
    except FileNotFoundError:  # written before checksums (an expected, one-off rebuild): not worth a warning
        _log.info("rebuilding cache file %s: it has no checksum sidecar, so its content cannot be verified", path)
        return None
    except OSError as err:
        _log.warning("rebuilding unreadable cache file %s (%s)", path, err)
        return None
    digest = hashlib.sha256(blob).hexdigest()
    if not recorded or recorded[0] != digest:
        expected = recorded[0] if recorded else "an empty sidecar"
        _log.warning("rebuilding corrupt cache file %s: sha256 %s, expected %s", path, digest, expected)
        return None
    try:
        return pd.read_parquet(io.BytesIO(blob))
    except (OSError, ValueError, pyarrow.ArrowException) as err:
        _log.warning("rebuilding unreadable cache file %s (%s)", path, err)
        return None
