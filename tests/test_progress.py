"""volrep.progress: loops recorded to the runner's progress file, and the line the runner prints."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from volrep import progress


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    """A progress file named by the environment, as the runner sets it."""
    path = tmp_path / "run" / "chapter.progress.json"
    path.parent.mkdir()
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    return path


@pytest.fixture
def every_item(monkeypatch):
    """Record after every item (no one-second throttle), so the file can be read mid-loop."""
    monkeypatch.setattr(progress, "INTERVAL_S", 0.0)
    monkeypatch.setattr(progress, "_MAX_STRIDE", 1)
    monkeypatch.setattr(progress, "_next_write", 0.0)


def test_steps_yields_the_same_items_in_order(progress_file, every_item):
    items = [3, "a", None, (1, 2), 3.5, 3]
    assert list(progress.steps(items, desc="x", show=False)) == items
    assert list(progress.steps(iter(items), desc="x", show=False)) == items  # no len: total unknown
    assert list(progress.steps(range(1, 6), desc="epochs", unit="epoch")) == [1, 2, 3, 4, 5]


def test_steps_without_the_variable_is_plain_tqdm_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    before = progress._writes
    with progress.steps(range(7), desc="epochs", unit="epoch", show=False) as bar:
        seen = [i for i in bar]
        bar.set_postfix(loss="1")
    with progress.counter(4, desc="fits", unit="fit", show=False) as c:
        c.update(4)
    assert seen == list(range(7))
    assert progress._writes == before
    assert list(tmp_path.iterdir()) == []


def test_file_is_readable_mid_loop(progress_file, every_item):
    seen = []
    for i in progress.steps(range(5), desc="seeds", show=False):
        stack = progress.read(progress_file)
        seen.append(stack[-1]["done"])
        assert len(stack) == 1
        record = stack[0]
        assert record["desc"] == "seeds" and record["total"] == 5 and record["unit"] == "it"
        assert record["elapsed_s"] >= 0 and abs(record["updated"] - time.time()) < 60
        assert record["ended"] is False
        assert set(record) >= {"desc", "done", "total", "unit", "elapsed_s", "updated"}
    assert seen == [0, 1, 2, 3, 4]  # items finished before each body ran


def test_nested_loops_record_a_stack_outer_first(progress_file, every_item):
    lines = []
    for seed in progress.steps([11, 12], desc="seeds", show=False):
        with progress.steps(range(1, 4), desc="epochs", unit="epoch", show=False) as bar:
            for epoch in bar:
                stack = progress.read(progress_file)
                assert [r["desc"] for r in stack] == ["seeds", "epochs"]
                assert [r["done"] for r in stack] == [[11, 12].index(seed), epoch - 1]
                lines.append(progress.describe(stack))
    assert lines[0].startswith("seeds 0/2 › epochs 0/3")
    assert lines[-1].startswith("seeds 1/2 › epochs 2/3")


def test_end_state_and_early_break(progress_file):
    for _ in progress.steps(range(4), desc="networks", unit="net", show=False):
        pass
    (record,) = progress.read(progress_file)
    assert (record["done"], record["total"], record["unit"], record["ended"]) == (4, 4, "net", True)
    assert progress.describe([record]) == "networks 4/4 ended"

    with progress.steps(range(1, 201), desc="epochs", unit="epoch", show=False) as bar:
        for epoch in bar:
            if epoch == 37:
                break  # early stopping: 36 epochs finished
    (record,) = progress.read(progress_file)
    assert (record["done"], record["total"], record["ended"]) == (36, 200, True)
    assert progress._stack == []


def test_exception_in_the_body_ends_the_loop(progress_file):
    with pytest.raises(FloatingPointError):
        for i in progress.steps(range(10), desc="epochs", show=False):
            if i == 3:
                raise FloatingPointError("loss became non-finite")
    (record,) = progress.read(progress_file)
    assert (record["done"], record["ended"]) == (3, True)
    assert progress._stack == []


def test_counter_records_updates(progress_file, every_item):
    with progress.counter(10, desc="GARCH(1, 1) panel", unit="fit", show=False) as bar:
        bar.update(4)
        assert progress.read(progress_file)[0]["done"] == 4
        bar.update(6)
    (record,) = progress.read(progress_file)
    assert (record["desc"], record["done"], record["total"], record["unit"], record["ended"]) == (
        "GARCH(1, 1) panel", 10, 10, "fit", True)


def test_counter_inside_steps(progress_file, every_item):
    for _ in progress.steps(["a"], desc="assets", show=False):
        with progress.counter(3, desc="fits", unit="fit", show=False) as bar:
            bar.update(2)
            assert progress.describe(progress.read(progress_file)).startswith("assets 0/1 › fits 2/3")


def test_describe_eta():
    now = 1_000_000.0
    stack = [{"desc": "seeds", "done": 2, "total": 5, "unit": "it", "elapsed_s": 600.0, "updated": now},
             {"desc": "epochs", "done": 37, "total": 200, "unit": "epoch", "elapsed_s": 68.1, "updated": now}]
    # 68.1 s / 37 epochs x 163 epochs left = 300 s
    assert progress.describe(stack, now=now) == "seeds 2/5 › epochs 37/200 (≈ 5 min left in this loop)"
    # the estimate counts down with the age of the record
    assert progress.describe(stack, now=now + 240) == "seeds 2/5 › epochs 37/200 (≈ 60 s left in this loop)"
    # innermost without a total: the estimate comes from the loop around it
    stack[1]["total"] = None
    assert progress.describe(stack, now=now) == "seeds 2/5 › epochs 37 (≈ 15 min left in seeds)"
    # nothing finished yet: no estimate
    assert progress.describe([{"desc": "DeepVol", "done": 0, "total": 9000, "elapsed_s": 3.0, "updated": now}],
                             now=now) == "DeepVol 0/9000"
    long = [{"desc": "DeepVol", "done": 1000, "total": 9000, "elapsed_s": 3600.0, "updated": now}]
    assert progress.describe(long, now=now) == "DeepVol 1000/9000 (≈ 8.0 h left in this loop)"
    assert progress.describe([]) == "" and progress.describe(None) == ""


def test_read_missing_partial_or_foreign_files(tmp_path):
    path = tmp_path / "p.json"
    assert progress.read(path) is None
    path.write_text('{"stack": [{"desc": "seeds", "do')
    assert progress.read(path) is None
    path.write_text("[1, 2]")
    assert progress.read(path) is None
    path.write_bytes(b"\xff\xfe")
    assert progress.read(path) is None
    path.write_text(json.dumps({"stack": []}))
    assert progress.read(path) == []


def test_folder_removed_mid_loop_does_not_raise(progress_file, every_item):
    out = []
    for i in progress.steps(range(6), desc="seeds", show=False):
        if i == 2:
            shutil.rmtree(progress_file.parent)
        out.append(i)
    with progress.counter(3, desc="fits", show=False) as bar:
        bar.update(3)
    assert out == list(range(6))
    assert not progress_file.parent.exists()
    assert progress._stack == []


def test_fast_loop_writes_a_few_times_only(progress_file):
    before = progress._writes
    start = time.perf_counter()
    total = 0
    for i in progress.steps(range(100_000), desc="fast", show=False):
        total += i
    seconds = time.perf_counter() - start
    assert total == sum(range(100_000))
    writes = progress._writes - before
    assert 2 <= writes <= 3 + int(seconds / progress.INTERVAL_S)  # start, end, and about one a second
    if seconds < 1:
        assert writes <= 5
    assert not list(progress_file.parent.glob("*.tmp"))  # no temporary file left behind


def test_the_bar_is_the_tqdm_bar_the_code_drew_before(progress_file):
    import io

    hidden = progress.steps(range(3), desc="epochs", unit="epoch", show=False)
    assert hidden.bar.disable is True and len(hidden) == 3
    out = io.StringIO()
    with progress.steps(range(3), desc="seeds", show=True, file=out) as bar:
        for _ in bar:
            bar.set_postfix(loss="0.5")
    text = out.getvalue()
    assert "seeds: 100%" in text and "3/3" in text and "it/s" in text and "loss=0.5" in text
    out = io.StringIO()
    with progress.counter(4, desc="GARCH(1, 1) panel", unit="fit", show=True, file=out) as c:
        c.update(4)
    assert "GARCH(1, 1) panel: 100%" in out.getvalue() and "4/4" in out.getvalue()


def test_a_fast_loop_is_still_recorded_while_it_runs(progress_file, monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL_S", 0.001)
    seen = 0
    deadline = time.monotonic() + 0.5
    for i in progress.steps(range(10**8), desc="fast", show=False):
        if time.monotonic() > deadline:
            seen = progress.read(progress_file)[0]["done"]
            break
    assert 0 < seen <= i


def test_train_fit_records_epochs_and_its_numbers_do_not_change(tmp_path, monkeypatch, every_item):
    import numpy as np

    from volrep.config import seed_everything
    from volrep.models.nets import LSTMRegressor
    from volrep.train import fit

    x = np.random.default_rng(0).standard_normal((64, 5, 1)).astype(np.float32)
    xv = np.random.default_rng(1).standard_normal((32, 5, 1)).astype(np.float32)

    def run():
        seed_everything(0)
        model = LSTMRegressor(1, hidden=4)
        seen = []
        history = fit(model, (x, x[:, -1, 0]), (xv, 0.4 * xv[:, -1, 0]), lr=1e-2, batch_size=16, max_epochs=5,
                      patience=10, seed=0, device="cpu",
                      epoch_callback=lambda epoch, m: seen.append(progress.read(path) if path else None))
        return history, seen

    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    path = None
    plain, _ = run()
    path = tmp_path / "fit.progress.json"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    recorded, seen = run()
    assert recorded.train_loss == plain.train_loss and recorded.val_loss == plain.val_loss
    assert [s[-1]["desc"] for s in seen] == ["epochs"] * 5
    assert [s[-1]["done"] for s in seen] == [0, 1, 2, 3, 4]  # the callback runs inside the epoch's body
    assert progress.read(path)[-1] | {"elapsed_s": 0, "updated": 0} == {
        "desc": "epochs", "done": 5, "total": 5, "unit": "epoch", "elapsed_s": 0, "updated": 0, "ended": True}
