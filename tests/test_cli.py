"""The command line: ``python -m volrep data|chapter|book``."""

import pytest

from volrep.__main__ import _literal, main


def test_parameter_values_are_parsed_as_literals():
    assert _literal("30") == 30 and _literal("0.4") == 0.4 and _literal("None") is None
    assert _literal("[1, 7]") == [1, 7] and _literal("sim") == "sim"


def test_data_list_prints_every_dataset(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "binance_klines_15m" in out and "oxfordman_31_indices" in out


def test_missing_file_offline_is_a_clear_error_and_exit_code(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOLREP_OFFLINE", "1")
    assert main(["data", "fetch", "kraken_xbtusd_1h"]) == 1
    err = capsys.readouterr().err
    assert "XBTUSD_60.csv" in err and str(tmp_path) in err and "VOLREP_DATA_DIR" in err


def test_verify_reports_missing_files(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path))
    assert main(["data", "verify", "yahoo_gspc_daily_dhansoia"]) == 1
    captured = capsys.readouterr()
    assert "missing" in captured.out and "missing or corrupt" in captured.err


def test_unknown_chapter_and_bad_profile(capsys):
    assert main(["chapter", "99"]) == 1
    assert "unknown chapter" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["book", "--profile", "huge"])
