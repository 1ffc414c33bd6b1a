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
