"""The emulated machines of `make test-portability` (volrep.portability): what each setting sets and runs."""

from __future__ import annotations


from volrep import portability
from volrep.config import repo_root


def test_settings_cover_the_matrix_of_issue_13():
    envs = [s.env for s in portability.SETTINGS]
    assert {} in envs  # the pinned default itself
    assert {"VOLREP_TORCH_THREADS": "2"}.items() <= next(e for e in envs if "VOLREP_TORCH_THREADS" in e).items()
    assert any(e.get("ATEN_CPU_CAPABILITY") == "default" for e in envs)
    assert any(e.get("ATEN_CPU_CAPABILITY") == "native" for e in envs)
    assert any(e.get("VOLREP_ONEDNN") == "0" for e in envs)
    assert any(e.get("OMP_NUM_THREADS") == "1" for e in envs)  # numpy's BLAS on another thread count
    every = [s for s in portability.SETTINGS if s.all_chapters]  # settings that can change chapters 01-04 too
    assert every and all("VOLREP_CACHE_DIR" in s.env or "OMP_NUM_THREADS" in s.env for s in every)


def test_environment_resolves_the_native_level_and_the_temporary_folder(tmp_path):
    native = next(s for s in portability.SETTINGS if s.env.get("ATEN_CPU_CAPABILITY") == "native")
    env = portability._environment(native, tmp_path)
    assert env["ATEN_CPU_CAPABILITY"] == portability.native_capability() != "native"
    assert env["MKL_CBWR"] == "AUTO"
    cold = next(s for s in portability.SETTINGS if s.all_chapters)
    assert portability._environment(cold, tmp_path)["VOLREP_CACHE_DIR"] == f"{tmp_path}/cold-cache"


def test_network_settings_run_only_the_chapters_that_train_networks():
    root = repo_root()
    names = [p.name[:2] for p in portability._notebooks(root, portability.SETTINGS[1])]
    assert names == list(portability.NETWORK_CHAPTERS)
    assert len(portability._notebooks(root, next(s for s in portability.SETTINGS if s.all_chapters))) >= 8


def test_markdown_table_reports_each_setting():
    rows = [{"setting": "a", "chapters": ["05"], "nbval": 0, "failed": 0, "within_tolerance": 3, "flips": 1,
             "passed": True, "seconds": 125},
            {"setting": "b", "chapters": ["05"], "nbval": 1, "failed": 2, "within_tolerance": 0, "flips": 0,
             "passed": False, "seconds": 59}]
    table = portability.markdown_table(rows).splitlines()
    assert table[2] == "| a | 05 | pass | pass | 0 | 3 | 1 | 2 min 05 s |"
    assert table[3].startswith("| b | 05 | FAIL | fail | 2 |")
