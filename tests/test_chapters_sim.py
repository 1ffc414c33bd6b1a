"""Every chapter runs end to end on simulated data (``data_source="sim"``), without the mirror."""

import json

import pytest

from volrep.runner import chapters, run_chapter

pytestmark = pytest.mark.slow  # minutes in all: `pytest -m "not slow"` skips them while editing; make test runs them

#: Smaller knobs where the quick profile is still slow: the test checks that the code path runs, not its numbers.
SMALL = {"05_transfer_lstm": {"seeds": 1, "pretrain_epochs": 2, "finetune_epochs": 1, "techlog_epochs": 1, "sim_days": 800},
         "06_hybrids": {"seeds": 2, "max_epochs": 2, "finetune_epochs": 1, "sim_days": 800},
         "07_cnn_lstm_mtf": {"epochs": 1, "horizons": [1, 7], "headline_seeds": 1, "sim_days": 300},
         "08_deepvol": {"steps": 5, "variant_steps": 5, "case2_steps": 5, "finetune_stocks": 2, "finetune_steps": 2,
                        "sim_days": 600, "sim_stocks": 140, "n_portfolios": 20}}


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_runs_on_simulated_data(chapter, tmp_path, monkeypatch):
    monkeypatch.setenv("VOLREP_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.delenv("VOLREP_DATA_DIR", raising=False)
    monkeypatch.setenv("VOLREP_OFFLINE", "1")  # proves no raw file is needed
    monkeypatch.setenv("MPLBACKEND", "Agg")
    run = run_chapter(chapter, profile="quick", parameters={"data_source": "sim", **SMALL.get(chapter, {})},
                      output_dir=tmp_path / "chapters")
    assert run.output.exists()
    payload = json.loads((tmp_path / "results" / f"{chapter}.json").read_text())
    assert payload["data"]["data_source"] == "sim" and payload["claims"]
