"""Notebook conventions: every chapter is a jupytext pair whose code is identical, with a parameters cell."""

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def _code(nb):
    return [c.source.strip() for c in nb.cells if c.cell_type == "code"]


def test_chapters_exist():
    assert SOURCES, "no chapter sources in notebooks/"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_pair_in_sync_and_parameterised(source):
    paired = source.with_suffix(".ipynb")
    assert paired.exists(), f"{source.name} has no paired .ipynb (run `make sync`)"
    py, ipynb = jupytext.read(source), jupytext.read(paired)
    assert _code(py) == _code(ipynb), f"{source.name} and {paired.name} differ: run `make sync`, then re-execute"
    first = next(c for c in ipynb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", []), "first code cell must be tagged `parameters`"
    for name in ("profile", "data_source", "seed"):
        assert f"{name} =" in first.source, f"parameters cell lacks {name}"
    executed = [c for c in ipynb.cells if c.cell_type == "code" and c.get("outputs")]
    assert executed, f"{paired.name} is committed without outputs (it is the nbval baseline)"
    assert not any("def " in c or "class " in c for c in _code(ipynb)), "no functions or classes in notebooks"
