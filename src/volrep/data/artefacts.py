"""The papers' authors' public artefacts: trained networks, committed results and split files.

These are not datasets (no reader turns them into a time series); each is one registered raw file
(``sources.csv``, datasets ``dhansoia_code_models``, ``dhansoia_code_results``, ``dhansoia_code_splits`` and
``deepvol_code_artifacts``) found or downloaded by :func:`volrep.data.fetch.fetch` and checked against its
sha256 **before** it is opened — a PyTorch checkpoint is a pickle, and unpickling runs code.

>>> from volrep.data import artefacts
>>> artefacts.path("dhansoia_code_models", "finetuned_btc.pth")          # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

from volrep.data import fetch as _fetch
from volrep.data.registry import RawFile, _files
from volrep.errors import ConfigError

#: The artefact groups and what they hold.
GROUPS = {
    "dhansoia_code_models": "Dhansoia (2025) code: trained networks (ronitdhansoia/vltlty, commit 3070ee4, models/)",
    "dhansoia_code_results": "Dhansoia (2025) code: the results JSON it wrote (same commit, results/)",
    "dhansoia_code_splits": "Dhansoia (2025) code: the train/val/test CSV files its models used (same commit, data/)",
    "deepvol_code_artifacts": "DeepVol code: pretrained checkpoint and the notebook that evaluates it (cqlc94/DeepVol, dce0942)",
}


def raw_file(group: str, name: str) -> RawFile:
    """The registered raw file ``name`` (e.g. ``"finetuned_btc.pth"``) of artefact ``group``."""
    if group not in GROUPS:
        raise ConfigError(f"unknown artefact group {group!r}; known: {sorted(GROUPS)}")
    files = {f.name: f for f in _files(group)}
    if name not in files:
        raise ConfigError(f"artefact group {group!r} has no file {name!r}; it has {sorted(files)}")
    return files[name]


def path(group: str, name: str, *, progress: bool = False) -> Path:
    """Local path of a verified copy of an artefact (sha256 checked before any caller opens it).

    Raises
    ------
    DataError
        The local copy does not match the registered sha256 or size.
    MissingDataError
        It is absent and cannot be downloaded.
    """
    return _fetch.fetch(raw_file(group, name), progress=progress, verify=True)


def load_json(group: str, name: str) -> dict:
    """A verified JSON artefact, parsed."""
    return json.loads(path(group, name).read_text(encoding="utf-8"))


def load_torch(group: str, name: str) -> dict:
    """A verified PyTorch checkpoint, loaded on the CPU.

    ``weights_only=False`` is needed because the authors saved training histories (numpy objects) beside the
    weights; it is safe here only because :func:`path` has checked the file's sha256 against the registry.
    """
    import torch

    return torch.load(path(group, name), map_location="cpu", weights_only=False)
