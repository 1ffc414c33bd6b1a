import numpy as np
import pytest

from volrep import config
from volrep.errors import ConfigError


def test_paths_follow_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VOLREP_DATA_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("VOLREP_CACHE_DIR", str(tmp_path / "derived"))
    assert config.data_dir() == (tmp_path / "raw").resolve()
    assert config.cache_dir() == (tmp_path / "derived").resolve()


def test_default_paths_are_per_user_cache(monkeypatch):
    monkeypatch.delenv("VOLREP_DATA_DIR", raising=False)
    monkeypatch.delenv("VOLREP_CACHE_DIR", raising=False)
    assert config.data_dir().name == "raw" and "volrep" in str(config.data_dir())
    assert config.data_dir() != config.cache_dir()


def test_chapter_settings_profiles_and_overrides():
    quick = config.chapter_settings("02_rv_signature", "quick")
    full = config.chapter_settings("02_rv_signature", "full")
    assert quick["sim_days"] < full["sim_days"]
    assert config.chapter_settings("02_rv_signature", "quick", sim_days=3, sim_trades_per_day=None)["sim_days"] == 3
    with pytest.raises(ConfigError, match="unknown parameter"):
        config.chapter_settings("02_rv_signature", "quick", epochs=3)
    with pytest.raises(ConfigError, match="unknown profile"):
        config.chapter_settings("02_rv_signature", "huge")


def test_seed_everything_is_deterministic():
    a = config.seed_everything(7).normal(size=5)
    b = config.seed_everything(7).normal(size=5)
    np.testing.assert_array_equal(a, b)
    assert config.device() in ("cpu", "cuda")
