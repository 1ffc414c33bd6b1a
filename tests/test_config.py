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


def test_local_seed_seeds_inside_and_gives_the_callers_state_back():
    import torch

    torch.manual_seed(123)
    before = torch.get_rng_state().clone()
    with config.local_seed(4):
        inside = torch.rand(3)
    assert torch.equal(torch.get_rng_state(), before)  # the caller's stream did not move
    torch.manual_seed(4)
    assert torch.equal(inside, torch.rand(3))  # inside, the generator was seeded with 4
    with pytest.raises(ConfigError, match="parameter seed=-1 is not allowed"):
        with config.local_seed(-1):
            pass


def test_portable_env_fills_only_what_the_environment_leaves_unset(monkeypatch):
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "default")  # a user (or the portability check) chose another level
    monkeypatch.delenv("MKL_CBWR", raising=False)
    in_force = config.apply_portable_env()
    assert in_force["ATEN_CPU_CAPABILITY"] == "default" and in_force["MKL_CBWR"] == "AVX2"


def test_import_volrep_pinned_this_process():
    import os

    import torch

    import volrep.train  # noqa: F401  (configures PyTorch)

    for name in config.PORTABLE_ENV:
        assert os.environ[name]
    assert torch.get_num_threads() == config.torch_threads()  # 1 unless VOLREP_TORCH_THREADS says otherwise
    summary = config.numerics_summary()
    assert summary["torch_threads"] == config.torch_threads() and summary["mkl_cbwr"] == os.environ["MKL_CBWR"]
    # the level asked for, or no SIMD on a processor without it
    assert summary["aten_cpu_capability"].lower() in (os.environ["ATEN_CPU_CAPABILITY"].lower(), "default")


def test_one_torch_thread_by_default(monkeypatch):
    monkeypatch.delenv("VOLREP_TORCH_THREADS", raising=False)
    assert config.torch_threads() == 1


@pytest.mark.parametrize("name, value", [("VOLREP_TORCH_THREADS", "two"), ("VOLREP_TORCH_THREADS", "-1"),
                                         ("VOLREP_ONEDNN", "yes")])
def test_bad_torch_settings_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        config.configure_torch()
