"""The README's generated blocks: "What the chapters find" and the wall times (volrep.readme, issue 16)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from volrep import readme, report, verdicts
from volrep.__main__ import main
from volrep.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = ("04_baselines", "05_transfer_lstm")


def test_committed_readme_block_is_what_the_committed_references_give():
    assert not readme.update_readme(REPO, check=True), (
        "README.md's findings block is out of date with book/reference/: run `python -m volrep readme`")


def _claim(cid: str, ours: float, paper: float = 1.0) -> report.Claim:
    return report.Claim(cid, paper, ours, "proper", verdicts.level(paper, ours))


def _reference(root: Path, profile: str, chapter: str, claims: list[report.Claim]) -> Path:
    return report.write_results(chapter, profile, {}, claims, directory=root / "book" / "reference" / profile)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two chapter notebooks, their quick references and a README with the markers."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\n")
    for chapter in CHAPTERS:
        (root / "notebooks" / f"{chapter}.py").write_text(
            f"# ---\n# jupyter:\n#   jupytext: x\n# ---\n\n# %%\n# # not a heading: a code comment\n\n"
            f"# %% [markdown]\n# # Title of {chapter}\n#\n# ## A section\n")
    _reference(root, "quick", "04_baselines", [_claim("huang.T5.a", 0.95), _claim("huang.T5.b", 0.7)])
    _reference(root, "quick", "05_transfer_lstm", [_claim("dhansoia.T3.x", 0.2)])
    (root / "README.md").write_text(f"# x\n\n{readme.TIMINGS_BEGIN}\n{readme.TIMINGS_END}\n\n## What the chapters find\n\n"
                                    f"Context.\n\n{readme.BEGIN}\nold typed prose\n{readme.END}\n\nAfter.\n")
    return root


def test_chapter_title_is_the_notebooks_first_markdown_heading(project):
    assert readme.chapter_title("04_baselines", project) == "Title of 04_baselines"
    (project / "notebooks" / "04_baselines.py").write_text("# %%\n# # only a comment\n")
    with pytest.raises(ConfigError, match="04_baselines.py has no Markdown heading"):
        readme.chapter_title("04_baselines", project)


def test_block_lists_chapters_and_says_which_lack_a_full_reference(project):
    assert readme.update_readme(project) is True
    text = (project / "README.md").read_text()
    assert "old typed prose" not in text and text.endswith(f"{readme.END}\n\nAfter.\n") and "Context." in text
    assert ("* **04 — Title of 04_baselines.** quick: 1 reproduced, 1 partly; full: no reference yet." in text)
    assert "No full-run reference exists yet for chapters 04, 05" in text
    assert readme.update_readme(project, check=True) is False and readme.update_readme(project) is False


def test_block_goes_out_of_date_when_a_reference_changes(project):
    readme.update_readme(project)
    _reference(project, "quick", "04_baselines", [_claim("huang.T5.a", 0.95), _claim("huang.T5.b", 0.3)])
    assert readme.update_readme(project, check=True) is True
    full = _reference(project, "full", "04_baselines", [_claim("huang.T5.a", 0.96), _claim("huang.T5.b", 0.95)])
    payload = json.loads(full.read_text())
    full.write_text(json.dumps({**payload, "stamp": {"commit": "abcdef0123456789", "date": "2031-02-03T04:05:06"}}))
    readme.update_readme(project)
    text = (project / "README.md").read_text()
    assert "full (commit `abcdef0123`, 2031-02-03): 2 reproduced." in text
    assert "| `huang.T5.b` | 04_baselines | 1 | 0.3 | 0.95 | not reproduced | reproduced |" in text
    assert "`huang.T5.a`" not in text  # the same verdict under both profiles
    assert "No full-run reference exists yet for chapters 05:" in text


def test_markers_are_required(project):
    (project / "README.md").write_text("# x\n\nno markers\n")
    with pytest.raises(ConfigError, match="README.md must hold the markers"):
        readme.update_readme(project)
    shutil.rmtree(project / "book" / "reference" / "quick")
    with pytest.raises(ConfigError, match="no quick reference"):
        readme.findings_markdown(project)


def test_cli_check_fails_and_says_what_to_run(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["readme", "--check"]) == 1
    assert "run `python -m volrep readme`" in capsys.readouterr().err
    assert main(["readme"]) == 0 and main(["readme", "--check"]) == 0


def test_timings_block_gives_stamped_wall_times_and_the_books_expected_time(project):
    for chapter, wall, memory in (("04_baselines", 600.0, 2048), ("05_transfer_lstm", 1800.0, None)):
        path = project / "book" / "reference" / "quick" / f"{chapter}.json"
        payload = json.loads(path.read_text())
        stamp = {"wall_s": wall, "peak_rss_mb": memory, "machine": {"processor": "CPU X", "logical_cores": 2}}
        path.write_text(json.dumps({**payload, "stamp": stamp}))
    readme.update_readme(project)
    text = (project / "README.md").read_text()
    assert "| 04 | 10 min, 2.0 GB | not measured |" in text
    assert "| 05 | 30 min | not measured |" in text
    assert "| book | 40 min one at a time, 30 min two at a time | — |" in text
    assert "Measured on: `quick` CPU X, 2 logical cores." in text
