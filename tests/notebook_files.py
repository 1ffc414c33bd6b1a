"""Builders of small notebooks for the runner tests (imported by test modules; pytest puts ``tests/`` on the path)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(path: Path, parameters: str, cells: list[str]) -> None:
    """A notebook with a papermill ``parameters`` cell holding ``parameters``, then one code cell per source."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def isolated_project(tmp_path: Path, monkeypatch) -> Path:
    """An empty project ``<tmp_path>/project`` with a ``notebooks`` folder, made the current folder, with the
    runner's environment variables cleared and the caches pointed into ``tmp_path``."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    for key in ("VOLREP_RESULTS_DIR", "VOLREP_STAGING_DIR", "VOLREP_PROGRESS_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path / "raw"))
    monkeypatch.chdir(root)
    return root
