"""Issues 16 and 19: what the runner makes of an executed chapter — the other profile's verdicts after the
conclusions, long chapters as several pages — without touching a computed output."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from volrep import publish, runner
from volrep.errors import ConfigError
from notebook_files import isolated_project, write_notebook

CHAPTER = "07_cnn_lstm_mtf"


def _claim(cid: str, ours: float, verdict: str) -> dict:
    return {"id": cid, "paper": 1.0, "ours": ours, "variant": "proper", "verdict": verdict, "rule": "level 10%/50%",
            "reason": None, "provisional": False, "note": ""}


def _result(profile: str, claims: list[dict]) -> dict:
    return {"chapter": CHAPTER, "profile": profile, "claims": claims}


def _reference(root: Path, profile: str, claims: list[dict]) -> None:
    folder = root / "book" / "reference" / profile
    folder.mkdir(parents=True, exist_ok=True)
    stamp = {"commit": "f" * 40, "date": "2026-12-01T10:00:00+00:00", "wall_s": 5400.0, "sources": []}
    (folder / f"{CHAPTER}.json").write_text(json.dumps({**_result(profile, claims), "stamp": stamp}))


def _markdown(source: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": tags or []})


def test_other_profile_section_lists_the_claims_whose_verdict_differs_with_both_numbers(tmp_path):
    _reference(tmp_path, "full", [_claim("a", 1.02, "reproduced"), _claim("b", 0.2, "not reproduced"),
                                  _claim("c", 3.0, "reproduced")])
    text = publish.other_profile_markdown(
        _result("quick", [_claim("a", 1.01, "reproduced"), _claim("b", 0.9, "partly"), _claim("d", 1.0, "partly")]),
        tmp_path)
    assert text.startswith("## At the papers' protocols (the `full` profile)")
    assert "commit `ffffffffff` on 2026-12-01, 90 min of wall time" in text
    assert "Of the 2 claims both runs made, 1 have the same verdict and 1 has a different one." in text
    assert "1 only in the `quick` run; 1 only in the `full` run" in text
    assert ":::{dropdown} The 1 claim whose verdict differs" in text
    row = next(line for line in text.splitlines() if line.startswith("| `b`"))
    assert "0.9" in row and "0.2" in row and "partly" in row and "not reproduced" in row
    assert "| `a`" not in text


def test_other_profile_section_says_so_when_the_chapter_has_no_full_run(tmp_path):
    text = publish.other_profile_markdown(_result("quick", [_claim("a", 1.0, "reproduced")]), tmp_path)
    assert "has not been run at the `full` profile yet" in text and "dropdown" not in text


def test_pages_are_cut_at_new_page_cells_and_keep_every_cell_once():
    nb = nbformat.v4.new_notebook()
    nb.cells = [_markdown("# Title"), nbformat.v4.new_code_cell("1"), _markdown("# Part two", [publish.NEW_PAGE]),
                nbformat.v4.new_code_cell("2"), _markdown("# Part three", [publish.NEW_PAGE])]
    pages = publish.split_pages(nb)
    assert [len(p.cells) for p in pages] == [2, 2, 1]
    assert [c.source for p in pages for c in p.cells] == [c.source for c in nb.cells]
    assert publish.page_names(CHAPTER, 3) == [CHAPTER, f"{CHAPTER}_2", f"{CHAPTER}_3"]
    nb.cells[2].source = "Part two without a title"
    with pytest.raises(ConfigError, match="cell 2 starts a new page .* level-1 heading"):
        publish.split_pages(nb)


def test_other_profile_section_follows_the_conclusions(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [_markdown("# Title"), _markdown("## What we found"), nbformat.v4.new_code_cell("x"),
                _markdown("## Forecasts for chapter 09 and results"), nbformat.v4.new_code_cell("y")]
    pages = publish.publish_pages(nb, _result("quick", []), tmp_path)
    cells = pages[0].cells
    where = next(i for i, c in enumerate(cells) if "other-profile" in c.metadata.get("tags", []))
    assert where == 3 and cells[where + 1].source.startswith("## Forecasts")


@pytest.fixture()
def project(tmp_path, monkeypatch):
    return isolated_project(tmp_path, monkeypatch)


def test_a_chapter_with_a_new_page_cell_is_published_as_two_pages_with_one_results_file(project):
    path = project / "notebooks" / f"{CHAPTER}.ipynb"
    write_notebook(path, 'profile = "quick"',
                   ["x = 1", f"from volrep import report\nreport.write_results('{CHAPTER}', profile, {{}}, [])"])
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, _markdown("# Selection and robustness", [publish.NEW_PAGE]))
    nbformat.write(nb, path)
    stale = project / "book" / "chapters" / f"{CHAPTER}_3.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")  # a page of an earlier run that this run no longer has

    run = runner.run_chapter(CHAPTER, root=project)
    first = nbformat.read(run.output, as_version=4)
    second = nbformat.read(run.output.with_name(f"{CHAPTER}_2.ipynb"), as_version=4)
    assert not stale.exists()
    assert second.cells[0].source == "# Selection and robustness"
    assert "report.write_results" in second.cells[1].source and second.cells[1].execution_count is not None
    assert "other-profile" in second.cells[-1].metadata["tags"]
    assert first.metadata["volrep"] == second.metadata["volrep"]
    assert sorted(p.name for p in (project / "book" / "results").glob("*.json")) == [f"{CHAPTER}.json"]
    assert runner.check_published(CHAPTER, project) == []
