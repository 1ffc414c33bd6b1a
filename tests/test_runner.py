"""The runner executes notebooks with papermill and reports a failing cell by notebook, cell and error."""

import nbformat
import pytest

from volrep.runner import ChapterError, chapters, resolve_chapter, run_chapter
from volrep import config
from volrep.errors import ConfigError
from notebook_files import write_notebook


def _notebook(path, cells):
    write_notebook(path, 'profile = "quick"\nscale = 1', cells)


@pytest.fixture()
def project(tmp_path, monkeypatch):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (tmp_path / "notebooks").mkdir()
    schema = {"scale": config.Param("int", low=0)}
    monkeypatch.setitem(config.CHAPTER_PARAMETERS, "01_ok", schema)
    monkeypatch.setitem(config.CHAPTER_PARAMETERS, "02_bad", schema)
    publish = "from volrep import report\nreport.write_results('01_ok', profile, {}, [])"
    _notebook(tmp_path / "notebooks" / "01_ok.ipynb", ["result = scale * 2\nprint(profile, result)", publish])
    _notebook(tmp_path / "notebooks" / "02_bad.ipynb", ["x = 1", "raise ValueError('boom ' + profile)"])
    return tmp_path


def test_chapter_names_resolve(project):
    assert chapters(project) == ["01_ok", "02_bad"]
    assert resolve_chapter("01", project) == "01_ok"
    assert resolve_chapter("bad", project) == "02_bad"
    with pytest.raises(ConfigError, match="unknown chapter"):
        resolve_chapter("03", project)


def test_run_chapter_injects_parameters(project):
    run = run_chapter("01", profile="full", parameters={"scale": 21}, root=project)
    nb = nbformat.read(run.output, as_version=4)
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "full 42" in outputs
    assert run.output.parent == project / "book" / "chapters"


def test_failing_chapter_names_notebook_cell_and_error(project):
    with pytest.raises(ChapterError) as err:
        run_chapter("02", profile="quick", root=project)
    message = str(err.value)
    assert "02_bad" in message and "ValueError" in message and "boom quick" in message
    assert "cell" in message and "raise ValueError" in message
