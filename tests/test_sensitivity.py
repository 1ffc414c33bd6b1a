"""Stamped full-run references, their staleness, and the scoreboard's profile sensitivity (issue 16).

Staleness is tested on a throw-away git repository built here (``git init`` in ``tmp_path``), never on the
project's own history.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from volrep import regression, report, sensitivity, verdicts
from volrep.__main__ import main
from volrep.config import CHAPTER_SETTINGS
from volrep.errors import ConfigError

CHAPTER = "04_baselines"
NOTEBOOK = '''# %% [markdown]
# # The baselines

# %%
from volrep import config, report
from volrep.chapters import baselines as ch
from volrep.chapters import rough_hurst
'''


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one chapter notebook, its two chapter modules and an unrelated module, in one commit."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "src" / "volrep" / "chapters").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\n")
    (root / "notebooks" / f"{CHAPTER}.py").write_text(NOTEBOOK)
    for module in ("baselines", "rough_hurst", "deepvol"):
        (root / "src" / "volrep" / "chapters" / f"{module}.py").write_text(f"X = '{module}'\n")
    _git(root, "init", "-q")
    _commit(root, "first")
    return root


def _claim(cid: str, ours: float, paper: float = 1.0) -> report.Claim:
    return report.Claim(cid, paper, ours, "proper", verdicts.level(paper, ours))


def _run(folder: Path, profile: str, claims: list[report.Claim], chapter: str = CHAPTER) -> Path:
    report.write_results(chapter, profile, {"rows": 3}, claims, directory=folder)
    return folder


def test_chapter_sources_follow_the_notebooks_imports(project):
    assert regression.chapter_sources(CHAPTER, project) == [
        f"notebooks/{CHAPTER}.py", "src/volrep/chapters/baselines.py", "src/volrep/chapters/rough_hurst.py"]
    (project / "src" / "volrep" / "chapters" / "rough_hurst.py").unlink()
    with pytest.raises(ConfigError, match="imports volrep.chapters.rough_hurst"):
        regression.chapter_sources(CHAPTER, project)
    with pytest.raises(ConfigError, match="09_significance.py"):
        regression.chapter_sources("09_significance", project)


def test_chapter_sources_follow_chapter_modules_into_the_modules_they_import(project):
    chapters = project / "src" / "volrep" / "chapters"
    (chapters / "baselines.py").write_text("from volrep.chapters.deepvol import X\nfrom volrep.chapters import rough_hurst\n")
    (chapters / "deepvol.py").write_text("from volrep.chapters import baselines  # a cycle ends\n")
    assert regression.chapter_sources(CHAPTER, project) == [
        f"notebooks/{CHAPTER}.py", *(f"src/volrep/chapters/{m}.py" for m in ("baselines", "deepvol", "rough_hurst"))]
    (chapters / "deepvol.py").write_text("from volrep.chapters import gone\n")
    with pytest.raises(ConfigError, match="deepvol.py imports volrep.chapters.gone"):
        regression.chapter_sources(CHAPTER, project)


def test_full_reference_holds_claims_and_a_stamp_only(project, tmp_path):
    run = _run(tmp_path / "run", "full", [_claim("huang.T5.HAR.h1", 0.95)])
    timings = tmp_path / "timings.json"
    timings.write_text(json.dumps({CHAPTER: {"wall_s": 3600.5, "peak_rss_mb": 2048.0}}))
    head = _git(project, "rev-parse", "HEAD")
    [path] = regression.record_reference(run, "full", ["04"], timings=timings, root=project)
    assert path == project / "book" / "reference" / "full" / f"{CHAPTER}.json"
    saved = json.loads(path.read_text())
    assert set(saved) == {"chapter", "profile", "claims", "stamp"}  # no data, no numerics outside, no fingerprint
    stamp = saved["stamp"]
    assert stamp["commit"] == head and stamp["dirty"] is False  # stamped before the reference was written
    assert stamp["wall_s"] == 3600.5 and stamp["peak_rss_mb"] == 2048.0
    assert stamp["settings"] == json.loads(json.dumps(CHAPTER_SETTINGS[CHAPTER]["full"]))
    assert stamp["sources"] == regression.chapter_sources(CHAPTER, project)
    assert {"platform", "logical_cores", "torch_device", "processor", "numpy"} <= set(stamp["machine"])
    assert stamp["date"][:2] == "20"
    assert saved["claims"] == json.loads((run / f"{CHAPTER}.json").read_text())["claims"]
    [path] = regression.record_reference(run, "full", root=project)  # now the tree holds the untracked reference
    assert json.loads(path.read_text())["stamp"]["dirty"] is True


def test_reference_refuses_another_profile_bad_timings_and_unknown_commits(project, tmp_path):
    quick = _run(tmp_path / "quick", "quick", [_claim("huang.T5.HAR.h1", 0.95)])
    with pytest.raises(ConfigError, match=f"{CHAPTER}.json is a run of profile 'quick', not 'full'"):
        regression.record_reference(quick, "full", root=project)
    with pytest.raises(ConfigError, match="no results file for 07"):
        regression.record_reference(quick, "quick", ["07"], root=project)
    full = _run(tmp_path / "full", "full", [_claim("huang.T5.HAR.h1", 0.95)])
    bad = tmp_path / "timings.json"
    bad.write_text(json.dumps({CHAPTER: {"wall": 1.0}}))
    with pytest.raises(ConfigError, match=f"timings file {bad}: entry '{CHAPTER}'"):
        regression.record_reference(full, "full", timings=bad, root=project)
    with pytest.raises(ConfigError, match="--commit 0123abc: not a commit"):
        regression.record_reference(full, "full", commit="0123abc", root=project)


def test_quick_reference_keeps_its_numerics_without_a_stamp(project, tmp_path):
    run = _run(tmp_path / "run", "quick", [_claim("huang.T5.HAR.h1", 0.95)])
    [path] = regression.record_reference(run, "quick", root=project)
    assert set(json.loads(path.read_text())) == {"chapter", "profile", "numerics", "claims"}


def _reference(project: Path, tmp_path: Path, commit: str | None = None) -> dict:
    run = _run(tmp_path / "run", "full", [_claim("huang.T5.HAR.h1", 0.95)])
    [path] = regression.record_reference(run, "full", commit=commit, root=project)
    return json.loads(path.read_text())


def test_staleness_follows_sources_settings_and_commits(project, tmp_path):
    ref = _reference(project, tmp_path)
    _commit(project, "record the full reference")
    assert sensitivity.chapter_staleness(ref, project).state == "fresh"
    (project / "src" / "volrep" / "chapters" / "deepvol.py").write_text("X = 2\n")  # not a source of chapter 04
    _commit(project, "another chapter")
    assert sensitivity.chapter_staleness(ref, project) == sensitivity.Staleness(CHAPTER, "fresh")

    workers = CHAPTER_SETTINGS[CHAPTER]["full"]["workers"]
    changed = {CHAPTER: {"full": {**CHAPTER_SETTINGS[CHAPTER]["full"], "workers": workers + 5}}}
    stale = sensitivity.chapter_staleness(ref, project, changed)
    assert stale.state == "stale" and f"workers: {workers} → {workers + 5}" in stale.why[0]

    module = project / "src" / "volrep" / "chapters" / "rough_hurst.py"
    module.write_text("X = 'changed'\n")
    stale = sensitivity.chapter_staleness(ref, project)
    assert stale.state == "stale" and stale.why == ("uncommitted changes to src/volrep/chapters/rough_hurst.py",)
    _commit(project, "change a source")
    stale = sensitivity.chapter_staleness(ref, project)
    assert stale.state == "stale"
    after = ref["stamp"]["commit"][:12]
    assert stale.why == (f"src/volrep/chapters/rough_hurst.py changed in 1 commit(s) after {after}",)
    assert sensitivity.staleness(project) == {CHAPTER: stale}  # reads book/reference/full


def test_staleness_is_unknown_without_git_or_commit(project, tmp_path):
    ref = _reference(project, tmp_path)
    gone = {**ref, "stamp": {**ref["stamp"], "commit": "f" * 40}}
    unknown = sensitivity.chapter_staleness(gone, project)
    assert unknown.state == "unknown" and "git cannot find the stamped commit ffffffffffff" in unknown.why[0]
    elsewhere = tmp_path / "not_a_repository"
    elsewhere.mkdir()
    assert sensitivity.chapter_staleness(ref, elsewhere).state == "unknown"
    changed = {CHAPTER: {"full": {**CHAPTER_SETTINGS[CHAPTER]["full"], "workers": -1}}}
    assert sensitivity.chapter_staleness(ref, elsewhere, changed).state == "stale"  # settings alone say stale
    no_stamp = {k: v for k, v in ref.items() if k != "stamp"}
    assert "no commit" in sensitivity.chapter_staleness(no_stamp, project).why[0]


def _reference_file(root: Path, profile: str, chapter: str, claims: list[report.Claim]) -> None:
    folder = root / "book" / "reference" / profile
    report.write_results(chapter, profile, {}, claims, directory=folder)


def test_compare_profiles_counts_same_differing_and_one_sided_claims(tmp_path):
    build = [json.loads(_run(tmp_path / "b", "quick", [_claim("huang.T5.a", 0.95), _claim("huang.T5.b", 0.7),
                                                        _claim("huang.T5.c", 0.95)]).joinpath(f"{CHAPTER}.json")
                        .read_text())]
    _reference_file(tmp_path, "full", CHAPTER, [_claim("huang.T5.a", 0.97), _claim("huang.T5.b", 0.95),
                                                _claim("huang.T5.d", 0.95)])
    compared = sensitivity.compare_profiles(sensitivity.profile_pairs(build, tmp_path)).set_index("id")
    assert compared["status"].to_dict() == {"huang.T5.a": "same", "huang.T5.b": "differs",
                                            "huang.T5.c": "only quick", "huang.T5.d": "only full"}
    assert compared.loc["huang.T5.b", ["ours_quick", "ours_full", "verdict_quick", "verdict_full"]].tolist() == [
        0.7, 0.95, "partly", "reproduced"]
    counts = sensitivity.chapter_counts(compared.reset_index()).iloc[0]
    assert [counts[s] for s in ("same", "differs", "only quick", "only full", "no reference")] == [1, 1, 1, 1, 0]


def _headings_do_not_skip_levels(page: str) -> bool:
    levels = [len(line) - len(line.lstrip("#")) for line in page.splitlines() if line.startswith("#")]
    return levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))


def test_scoreboard_shows_both_profiles_flags_differences_and_missing_references(tmp_path):
    results = tmp_path / "results"
    _run(results, "quick", [_claim("huang.T5.a", 0.95), _claim("huang.T5.b", 0.7)])
    _run(results, "quick", [_claim("dhansoia.T3.x", 0.95)], chapter="05_transfer_lstm")
    _reference_file(tmp_path, "full", CHAPTER, [_claim("huang.T5.a", 0.97), _claim("huang.T5.b", 0.95)])
    page = report.scoreboard_markdown(report.read_results(results), reference_root=tmp_path)
    assert _headings_do_not_skip_levels(page)
    section = page.split("## Profile sensitivity")[1].split("## Every claim")[0]
    assert "No full-run reference yet for: 05_transfer_lstm." in section
    assert f"* {CHAPTER}: unknown — the reference's stamp names no commit" in section  # an unstamped reference
    assert f"| {CHAPTER} | quick | 2 | 1 | 1 | 0 | 0 | unknown |" in section
    assert "| 05_transfer_lstm | quick | 1 | — | — | — | — | none |" in section
    assert f"| `huang.T5.b` | {CHAPTER} | 1 | 0.7 | 0.95 | partly | reproduced |" in section
    assert "`huang.T5.a`" not in section  # same verdict: not listed
    assert "<td>partly</td><td>≠ full: reproduced</td>" in page and 'data-profiles="differs"' in page
    assert 'data-profiles="no reference"' in page
    only_05 = report.scoreboard_markdown(report.read_results(results)[1:], reference_root=tmp_path)
    assert "Nothing to compare yet: no chapter has a reference of the other profile." in only_05
    plain = report.scoreboard_markdown(report.read_results(results))
    assert "## Profile sensitivity" not in plain and _headings_do_not_skip_levels(plain)


def test_a_full_build_is_compared_with_the_quick_reference(tmp_path):
    results = _run(tmp_path / "results", "full", [_claim("huang.T5.b", 0.95)])
    _reference_file(tmp_path, "quick", CHAPTER, [_claim("huang.T5.b", 0.7)])
    page = report.scoreboard_markdown(report.read_results(results), reference_root=tmp_path)
    assert f"| `huang.T5.b` | {CHAPTER} | 1 | 0.7 | 0.95 | partly | reproduced |" in page  # quick column first
    assert "<td>reproduced</td><td>≠ quick: partly</td>" in page


def test_cli_records_a_stamped_full_reference(project, tmp_path, monkeypatch, capsys):
    run = _run(tmp_path / "run", "full", [_claim("huang.T5.HAR.h1", 0.95)])
    monkeypatch.chdir(project)
    head = _git(project, "rev-parse", "HEAD")
    assert main(["reference", str(run), "--profile", "full", "--commit", head[:8], CHAPTER]) == 0
    assert "reference recorded" in capsys.readouterr().out
    stamp = json.loads((project / "book" / "reference" / "full" / f"{CHAPTER}.json").read_text())["stamp"]
    assert stamp["commit"] == head and stamp["wall_s"] is None
    assert main(["reference", str(run), "--profile", "quick"]) == 1
    assert "is a run of profile 'full', not 'quick'" in capsys.readouterr().err
