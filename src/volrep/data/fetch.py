"""The one fetch rule for raw files: use ``<VOLREP_DATA_DIR>/<host>/<path>`` if it is there and its bytes are
right; otherwise download the URL with pooch, verify it, and store it at exactly that path.

Verification
------------
A file is checked against, in this order: the sha256 registered in ``sources.csv``; for Binance files
outside the mirror, the ``.CHECKSUM`` file Binance publishes beside each zip (its digest is then kept in a
sidecar ``<file>.sha256``); for files with no published hash, the sidecar written at the first download
(trust on first use). Zips without a registered hash must also pass :meth:`zipfile.ZipFile.testzip`.
A present file for which no hash is known at all (copied in by hand) is used as it is and reported as
``"unverified"`` by :func:`integrity`.

Downloads are atomic: the bytes go to a temporary file in the destination folder, are verified, and only
then renamed into place (:func:`os.replace`), so a failed, truncated or wrong download leaves nothing behind.

Compressed copies
-----------------
A mirror may hold a file gzip-compressed as ``<path>.gz`` (the 1-minute klines are stored so). When ``<path>``
is absent and ``<path>.gz`` is there, its *decompressed* bytes are streamed through sha256 and checked against
the registered size and digest (those of what the URL serves), and the ``.gz`` path is returned: the readers
decompress on the fly (:func:`volrep.data.readers._common._open_raw`). Nothing is written — the mirror may be
read-only, and the decompressed copy would be several times larger. A plain copy, when present, wins.

Remembered hashes
-----------------
Hashing the 1,826 one-minute files takes longer than reading the derived cache, and every notebook is a new
process. A digest is therefore remembered per ``(path, mtime, size)`` in memory and in
``<VOLREP_CACHE_DIR>/file-hashes.json`` (:class:`HashMemo`); a file whose bytes change gets a new mtime or size
and is hashed again. ``volrep data verify`` (``rehash=True``) always reads every byte.

Environment variables of the downloads
--------------------------------------
VOLREP_MIRROR_URL
    Base URL of an HTTP server with the mirror's layout (e.g. ``http://127.0.0.1:8765``): ``https://HOST/PATH``
    is then downloaded from ``$VOLREP_MIRROR_URL/HOST/PATH``. Used by the tests and by people who serve a
    local mirror. See also ``VOLREP_DATA_DIR`` and ``VOLREP_OFFLINE`` in :mod:`volrep.config`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pooch
import requests

from volrep import config
from volrep.data.cache import atomic_write
from volrep.data.registry import SNAPSHOT_SCHEME, RawFile, url_relpath
from volrep.errors import DataError, MissingDataError

MIRROR_URL_ENV = "VOLREP_MIRROR_URL"
_CHUNK = 1 << 16
_SHA256 = re.compile(r"[0-9a-f]{64}")


class HashMemo:
    """Digests of files hashed before, keyed by kind, path, mtime and size; kept in this process and in
    ``<cache_dir>/file-hashes.json`` for later ones (see the module notes).

    The JSON file is merged, not overwritten, when flushed (another process may have added entries), and written
    atomically. A cache folder that cannot be written only means the digests are remembered in memory.
    """

    FILE_NAME = "file-hashes.json"

    def __init__(self) -> None:
        self._entries: dict[str, list] = {}
        self._new: dict[str, list] = {}
        self._loaded_from: Path | None = None

    @staticmethod
    def key(kind: str, path: Path) -> str:
        """``kind|path|mtime_ns|size`` of ``path`` as it is now."""
        stat = path.stat()
        return f"{kind}|{path}|{stat.st_mtime_ns}|{stat.st_size}"

    def _file(self) -> Path:
        return config.cache_dir() / self.FILE_NAME

    def _read(self, path: Path) -> dict[str, list]:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def _load(self) -> None:
        path = self._file()
        if self._loaded_from != path:
            self._entries, self._new, self._loaded_from = self._read(path), {}, path

    def get(self, key: str) -> list | None:
        """The remembered value for ``key``, or None."""
        self._load()
        return self._entries.get(key)

    def put(self, key: str, value: list) -> None:
        """Remember ``value`` for ``key`` (written to disk by :meth:`flush`)."""
        self._load()
        self._entries[key] = self._new[key] = value

    def flush(self) -> None:
        """Merge the entries added since the last flush into the JSON file."""
        if not self._new or self._loaded_from is None:
            return
        merged = {**self._read(self._loaded_from), **self._new}
        try:
            with atomic_write(self._loaded_from) as tmp:
                tmp.write_text(json.dumps(merged), encoding="utf-8")
        except OSError:
            return
        self._entries, self._new = merged, {}

    def clear(self) -> None:
        """Forget everything, in memory only (the next lookup reads the JSON file again)."""
        self._entries, self._new, self._loaded_from = {}, {}, None


HASHES = HashMemo()


def local_path(raw: RawFile) -> Path:
    """Where ``raw`` lives in the raw-file cache: ``config.data_dir() / raw.relpath``."""
    return config.data_dir() / raw.relpath


def compressed_path(path: Path) -> Path:
    """The gzip-compressed copy a mirror may hold instead of ``path``: ``<path>.gz``."""
    return path.with_name(path.name + ".gz")


def present_path(raw: RawFile) -> Path | None:
    """The local copy of ``raw`` that is there: the plain file, else its compressed copy, else None (not hashed).

    Raises
    ------
    DataError
        A folder on the way cannot be searched (permission denied).
    """
    path = local_path(raw)
    for candidate in (path, compressed_path(path)):
        try:
            if candidate.is_file():
                return candidate
        except PermissionError as err:
            raise unreadable(candidate, err) from None
    return None


def unreadable(path: Path, err: OSError) -> DataError:
    """The DataError for a raw file (or a folder above it) that cannot be read."""
    return DataError(path, "file readable", detail=f"{err.strerror or err}; give this user read permission on it and "
                     f"its folders, or point VOLREP_DATA_DIR (now {os.environ.get('VOLREP_DATA_DIR', 'unset')!r}) "
                     "at a readable mirror")


def _gunzip_digest(path: Path, *, rehash: bool = False) -> tuple[str, int]:
    """sha256 and size of the decompressed bytes of ``path``, remembered like :func:`sha256_of`.

    Raises
    ------
    DataError
        The file is not a complete gzip stream (truncated, corrupt).
    """
    key = HASHES.key("gunzip", path)
    remembered = None if rehash else HASHES.get(key)
    if remembered is None:
        digest, size = hashlib.sha256(), 0
        try:
            with gzip.open(path, "rb") as stream:
                while chunk := stream.read(_CHUNK * 16):
                    digest.update(chunk)
                    size += len(chunk)
        except (gzip.BadGzipFile, zlib.error, EOFError) as err:
            raise DataError(path, "readable, complete gzip file", detail=f"{type(err).__name__}: {err}") from err
        remembered = [digest.hexdigest(), size]
        HASHES.put(key, remembered)
    return remembered[0], int(remembered[1])


def download_url(url: str) -> str | None:
    """The URL to download ``url`` from: itself, or its copy under ``$VOLREP_MIRROR_URL`` when that is set.

    A ``snapshot:`` file has no public URL: None, unless a mirror server is set.
    """
    mirror = os.environ.get(MIRROR_URL_ENV, "").rstrip("/")
    if mirror:
        return f"{mirror}/{url_relpath(url)}"
    return None if url.startswith(SNAPSHOT_SCHEME) else url


def sha256_of(path: Path, *, rehash: bool = False) -> str:
    """sha256 of a file, remembered per (path, mtime, size) (:data:`HASHES`) unless ``rehash`` reads it again."""
    key = HASHES.key("sha256", path)
    remembered = None if rehash else HASHES.get(key)
    if remembered is None:
        remembered = [pooch.file_hash(str(path), alg="sha256")]
        HASHES.put(key, remembered)
    return remembered[0]


def content_sha256(path: Path) -> str:
    """sha256 of what ``path`` holds: of the decompressed bytes for a compressed copy (``.gz``), which is the
    registered digest of the file at the URL."""
    return _gunzip_digest(path)[0] if path.suffix == ".gz" else sha256_of(path)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def expected_sha256(raw: RawFile, path: Path) -> str | None:
    """The digest ``path`` must have: the registered one, else the one in its sidecar, else None.

    Raises
    ------
    DataError
        The sidecar is not ``<sha256>  <file name>`` (empty, truncated, garbled) or cannot be read.
    """
    if raw.sha256:
        return raw.sha256
    side = _sidecar(path)
    if not side.is_file():
        return None
    try:
        fields = side.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError) as err:
        fields, why = [], f"{type(err).__name__}: {err}"
    else:
        why = "it is empty" if not fields else f"it holds {' '.join(fields)[:80]!r}"
    if not fields or not _SHA256.fullmatch(fields[0]):
        raise DataError(side, "sidecar holds '<sha256>  <file name>'", detail=f"{why}; delete {side.name} and "
                        f"{path.name} to download the file again, or write its sha256 into {side.name}")
    return fields[0]


def integrity(raw: RawFile, *, rehash: bool = False) -> tuple[str, str]:
    """Check the cached copy of ``raw`` (or its compressed copy, see the module notes) without downloading.

    Returns
    -------
    status, detail
        ``status`` is ``"ok"``, ``"unverified"`` (present, but no hash is known), ``"missing"``, ``"bad size"``,
        ``"bad hash"``, ``"bad archive"`` (a compressed copy that does not decompress), ``"bad sidecar"`` (the
        ``.sha256`` sidecar is empty or garbled) or ``"unreadable"`` (permission denied); ``detail`` says what was
        found.
    """
    path = local_path(raw)
    try:
        present = present_path(raw)
    except DataError as err:
        return "unreadable", err.detail
    if present is None:
        return "missing", f"not found at {path}"
    try:
        if present != path:
            return _compressed_integrity(raw, present, rehash=rehash)
        size = path.stat().st_size
        if raw.size is not None and size != raw.size:
            return "bad size", f"{size} bytes, expected {raw.size}"
        try:
            expected = expected_sha256(raw, path)
        except DataError as err:
            return "bad sidecar", f"{err.file}: {err.detail}"
        if expected is None:
            return "unverified", "no sha256 is known for this file"
        digest = sha256_of(path, rehash=rehash)
    except PermissionError as err:
        return "unreadable", unreadable(present, err).detail
    if digest != expected:
        origin = "registered" if raw.sha256 else f"recorded in {_sidecar(path).name} when it was first downloaded"
        return "bad hash", f"sha256 {digest}, expected {expected} ({origin})"
    return "ok", f"sha256 {digest}"


def _compressed_integrity(raw: RawFile, gz: Path, *, rehash: bool) -> tuple[str, str]:
    """:func:`integrity` of a compressed copy: its decompressed bytes against the registered size and sha256."""
    try:
        digest, size = _gunzip_digest(gz, rehash=rehash)
    except DataError as err:
        return "bad archive", err.detail
    if raw.size is not None and size != raw.size:
        return "bad size", f"{size} bytes once decompressed, expected {raw.size}"
    if raw.sha256 is None:
        return "unverified", "no sha256 is registered for this file"
    if digest != raw.sha256:
        return "bad hash", f"decompressed sha256 {digest}, expected {raw.sha256} (registered)"
    return "ok", f"decompressed sha256 {digest}"


def fetch(raw: RawFile, *, progress: bool = True, verify: bool = False) -> Path:
    """Path of a verified local copy of ``raw`` (or of its compressed copy, see the module notes), downloading it
    first if neither is there.

    Parameters
    ----------
    raw
        The file to provide.
    progress
        Show a download progress bar.
    verify
        Re-hash a present file even if it was hashed before in this process (``volrep data verify``).

    Raises
    ------
    DataError
        The present file, or the downloaded bytes, do not match the expected size or sha256 (or a zip does
        not open). Nothing is written for a bad download.
    MissingDataError
        The file is absent and cannot be downloaded (``VOLREP_OFFLINE``, no public URL, network error, 404).
    """
    path = local_path(raw)
    present = present_path(raw)
    if present is not None:
        status, detail = integrity(raw, rehash=verify)
        if status.startswith("bad"):
            rule = {"bad hash": "sha256 matches registry", "bad size": "size matches registry",
                    "bad archive": "readable, complete gzip file",
                    "bad sidecar": "sidecar holds '<sha256>  <file name>'"}[status]
            raise DataError(present, rule, detail=f"{detail}. {_how_to_fix(raw, present)}")
        if status == "unreadable":
            raise DataError(present, "file readable", detail=detail)
        return present
    return _download(raw, path, progress=progress)


def _how_to_fix(raw: RawFile, path: Path) -> str:
    """What to do about a present file with the wrong bytes."""
    if raw.url.startswith(SNAPSHOT_SCHEME):
        return "The file is corrupt or not the registered one: replace it with the data mirror's copy."
    again = f"delete it to download it again from {raw.url}"
    if raw.sha256 is None:
        again += f" (delete {_sidecar(path).name} too if the source has been updated since)"
    return f"The file is corrupt or not the registered one: {again}."


def _missing(raw: RawFile, path: Path, reason: str) -> MissingDataError:
    public = None if raw.url.startswith(SNAPSHOT_SCHEME) else raw.url
    return MissingDataError(path, raw.relpath, public, f"not found in VOLREP_DATA_DIR={config.data_dir()}; {reason}")


def _download(raw: RawFile, path: Path, *, progress: bool) -> Path:
    """Download ``raw`` into ``path`` atomically, after verifying the bytes."""
    url = download_url(raw.url)
    if url is None:
        raise _missing(raw, path, "it has no public URL (a snapshot)")
    if config.offline():
        raise _missing(raw, path, "downloads are disabled (VOLREP_OFFLINE is set)")
    expected = raw.sha256 or _published_sha256(raw, path)
    try:
        with atomic_write(path) as tmp:
            try:
                pooch.HTTPDownloader(progressbar=progress, chunk_size=_CHUNK)(url, str(tmp), None)
            except requests.RequestException as err:
                raise _missing(raw, path, f"downloading {url} failed: {err}") from err
            digest = _check_download(raw, tmp, expected, url)
        if raw.sha256 is None:
            with atomic_write(_sidecar(path)) as tmp:
                tmp.write_text(f"{digest}  {path.name}\n", encoding="ascii")
    except OSError as err:  # the cache folder is read-only or full
        raise _missing(raw, path, f"cannot write into {path.parent}: {err}") from err
    HASHES.put(HASHES.key("sha256", path), [digest])
    return path


def _published_sha256(raw: RawFile, path: Path) -> str | None:
    """The sha256 in the ``.CHECKSUM`` file Binance publishes beside ``raw`` (None for other hosts)."""
    if raw.checksum_url is None:
        return None
    url = download_url(raw.checksum_url)
    buffer = io.BytesIO()
    try:
        pooch.HTTPDownloader(progressbar=False)(url, buffer, None)
    except requests.RequestException as err:
        raise _missing(raw, path, f"its published checksum {url} could not be downloaded: {err}") from err
    fields = buffer.getvalue().decode("ascii", errors="replace").split()
    if len(fields) != 2 or not _SHA256.fullmatch(fields[0]) or fields[1] != raw.name:
        raise DataError(url, "Binance .CHECKSUM is '<sha256>  <file name>'", detail=f"got {buffer.getvalue()[:200]!r}")
    return fields[0]


def _check_download(raw: RawFile, tmp: Path, expected: str | None, url: str) -> str:
    """Verify downloaded bytes (size, sha256, zip integrity); return their sha256."""
    size = tmp.stat().st_size
    if raw.size is not None and size != raw.size:
        detail = f"downloaded {size} bytes, expected {raw.size}; nothing was stored"
        raise DataError(url, "size matches registry", detail=detail)
    digest = pooch.file_hash(str(tmp), alg="sha256")
    if expected is not None and digest != expected:
        detail = f"downloaded sha256 {digest}, expected {expected}; nothing was stored"
        raise DataError(url, "sha256 matches registry", detail=detail)
    if raw.sha256 is None and urlsplit(raw.url).path.endswith(".zip"):
        try:
            with zipfile.ZipFile(tmp) as archive:
                broken = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise DataError(url, "zip archive opens", detail=f"{err}; nothing was stored") from err
        if broken is not None:
            detail = f"member {broken!r} fails its CRC check; nothing was stored"
            raise DataError(url, "zip archive opens", detail=detail)
    return digest

