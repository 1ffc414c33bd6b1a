"""Do the book's numbers survive another machine? Emulate other machines on this one and check.

Three commands (``python -m volrep portability probe|matrix|recheck``):

``probe``
    Trains three tiny networks of the book's families (Dhansoia's transfer LSTM, Huang's LSTM and CNN-LSTM) for a
    few epochs in a fresh process per :data:`PROBE_SETTINGS` entry and prints a digest of their forecasts: which
    settings change the last bits (a minute).
``matrix``
    Reruns the notebook checks (nbval on the chapters' exact cells, then :func:`volrep.regression.check_results`
    against ``book/reference/quick``) under each setting and reports pass/fail and wall time per setting. The
    settings that only change PyTorch run the chapters that train networks (05–08); the cold derived cache runs
    every chapter. Each setting's results stay in ``.portability/<n>``.
``recheck``
    Checks the kept results again with the current tolerances (seconds).

A setting is a set of environment variables: the ones of :data:`volrep.config.PORTABLE_ENV` that the pins would
otherwise set (``ATEN_CPU_CAPABILITY=default`` makes PyTorch run as on a processor without AVX2;
``MKL_CBWR=AUTO`` and ``ONEDNN_MAX_CPU_ISA=ALL`` let the libraries pick this processor's widest kernels, as on an
AVX-512 machine without the pins), ``VOLREP_TORCH_THREADS`` and ``VOLREP_ONEDNN``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from volrep.config import repo_root


@dataclass(frozen=True)
class Setting:
    """An emulated machine: a name, environment overrides, and whether it needs every chapter."""

    name: str
    env: dict[str, str]
    all_chapters: bool = False


#: The matrix of issue 13: threads 1 and 2, ATen with no SIMD and at this machine's native level, oneDNN on and
#: off, warm and cold derived cache, and numpy's BLAS on one thread. ``pinned`` is the default: what every user gets.
SETTINGS: tuple[Setting, ...] = (
    Setting("pinned (default: 1 thread, AVX2 kernels, oneDNN on, warm cache)", {}),
    # passive waiting: two spinning OpenMP threads beside another job on two cores run ten times slower (the
    # numbers do not depend on it)
    Setting("2 torch threads", {"VOLREP_TORCH_THREADS": "2", "OMP_WAIT_POLICY": "PASSIVE"}),
    Setting("ATen without SIMD (ATEN_CPU_CAPABILITY=default)", {"ATEN_CPU_CAPABILITY": "default"}),
    Setting("native kernels (ATen, MKL and oneDNN at this CPU's widest)",
            {"ATEN_CPU_CAPABILITY": "native", "MKL_CBWR": "AUTO", "ONEDNN_MAX_CPU_ISA": "ALL"}),
    Setting("oneDNN off", {"VOLREP_ONEDNN": "0"}),
    Setting("cold derived cache (every chapter)", {"VOLREP_CACHE_DIR": "{tmp}/cold-cache"}, all_chapters=True),
    # another core count for numpy too: OpenBLAS (GARCH, HAR) follows OMP_NUM_THREADS
    Setting("one BLAS thread, ATen without SIMD, cold cache (every chapter)",
            {"OMP_NUM_THREADS": "1", "ATEN_CPU_CAPABILITY": "default", "VOLREP_CACHE_DIR": "{tmp}/cold-cache"},
            all_chapters=True),
)

#: The probe also varies each library on its own (cheap: three tiny networks per setting).
PROBE_SETTINGS: tuple[Setting, ...] = tuple(s for s in SETTINGS if not s.all_chapters) + (
    Setting("ATen at AVX-512 only", {"ATEN_CPU_CAPABILITY": "avx512"}),
    Setting("MKL: its own choice (MKL_CBWR=AUTO)", {"MKL_CBWR": "AUTO"}),
    Setting("MKL: no SIMD (MKL_CBWR=COMPATIBLE)", {"MKL_CBWR": "COMPATIBLE"}),
    Setting("oneDNN: all ISAs (ONEDNN_MAX_CPU_ISA=ALL)", {"ONEDNN_MAX_CPU_ISA": "ALL"}),
)

#: Chapters that train networks: the only ones a PyTorch setting can change.
NETWORK_CHAPTERS = ("05", "06", "07", "08")


def native_capability() -> str:
    """The widest ATen kernel level this processor runs (what PyTorch picks without ``ATEN_CPU_CAPABILITY``)."""
    code = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    env = {k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}  # plain torch, no volrep pins
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().lower()


def _environment(setting: Setting, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in setting.env.items():
        value = value.replace("{tmp}", str(tmp))
        env[key] = native_capability() if value == "native" else value
    return env


_PROBE = r"""
import hashlib, json
import numpy as np
from volrep import config, train
from volrep.models import nets

rng = np.random.default_rng(0)
out = {}
x = rng.standard_normal((400, 20, 1)).astype(np.float32)
y = x[:, -5:, 0].mean(1) + 0.1 * rng.standard_normal(400).astype(np.float32)
seq = rng.random((300, 96, 1)).astype(np.float32)
img = rng.random((300, 16, 16)).astype(np.float32)
target = seq[:, -10:, 0].mean(1)
for name, build, data, val in (
    ("transfer LSTM", nets.TransferLSTM, (x[:300], y[:300]), (x[300:], y[300:])),
    ("Huang LSTM", nets.HuangLSTM, (seq, target), None),
    ("Huang CNN-LSTM", lambda: nets.HuangCNNLSTM(16), ((img, seq), target), None),
):
    with config.local_seed(0):
        model = build()
    train.fit(model, data, val, lr=1e-3, batch_size=32, max_epochs=5, patience=10, seed=0)
    forecast = train.predict(model, data[0])
    out[name] = hashlib.sha256(forecast.tobytes()).hexdigest()[:10]
out["numerics"] = config.numerics_summary()
print(json.dumps(out))
"""


def probe(settings: tuple[Setting, ...] = PROBE_SETTINGS) -> list[dict]:
    """Train the three probe networks under each setting (a fresh process each); return digests per setting."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for setting in settings:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", _PROBE], env=_environment(setting, Path(tmp)),
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"probe under {setting.name!r} failed:\n{done.stderr[-2000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            numerics = result.pop("numerics")
            rows.append({"setting": setting.name, **result,
                         "kernels": f"ATen {numerics['aten_cpu_capability']}, threads {numerics['torch_threads']}, "
                                    f"oneDNN {'on' if numerics['onednn'] else 'off'}",
                         "seconds": round(time.perf_counter() - start, 1)})
    return rows


def _notebooks(root: Path, setting: Setting) -> list[Path]:
    every = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return every if setting.all_chapters else [p for p in every if p.name[:2] in NETWORK_CHAPTERS]


def run_setting(setting: Setting, *, root: Path | None = None, keep: Path | None = None) -> dict:
    """Run nbval on the setting's chapters and check their results against the quick reference.

    Parameters
    ----------
    setting
        The emulated machine.
    keep
        Folder where this setting's results (JSON and stored forecasts) are kept for inspection; default a
        temporary folder removed afterwards.

    Returns
    -------
    dict
        ``setting``, ``chapters``, ``nbval`` (pytest's exit code), ``failed`` and ``within_tolerance`` (findings
        of the check), ``flips`` (verdicts that changed), ``passed`` and ``seconds``. pytest's output and the
        check's report are in ``nbval.log`` and ``check.txt`` of the results folder.
    """
    from volrep.regression import check_results, findings_report, reference_dir

    root = root or repo_root()
    with tempfile.TemporaryDirectory() as tmp:
        results = (keep if keep is not None else Path(tmp) / "results").resolve()  # the kernels run elsewhere
        results.mkdir(parents=True, exist_ok=True)
        env = _environment(setting, Path(tmp))
        env["VOLREP_RESULTS_DIR"] = str(results)
        notebooks = _notebooks(root, setting)
        start = time.perf_counter()
        with open(results / "nbval.log", "w") as log:
            nbval = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q",
                                    "-p", "no:cacheprovider", *map(str, notebooks)], cwd=root, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
    row = {"setting": setting.name, "chapters": [nb.stem[:2] for nb in notebooks], "nbval": nbval.returncode,
           "seconds": round(seconds)}
    findings = check_results(results, reference_dir("quick", root), row["chapters"])  # the chapters it ran
    (results / "check.txt").write_text(findings_report(findings) + "\n")
    (results / "row.json").write_text(json.dumps(row))
    return _with_findings(row, findings)


def _with_findings(row: dict, findings: list) -> dict:
    failed = [f for f in findings if not f.ok]
    return {**row, "failed": len(failed), "within_tolerance": len(findings) - len(failed),
            "flips": sum(f.kind == "verdict" for f in findings), "passed": row["nbval"] == 0 and not failed}


def recheck(keep: Path, *, root: Path | None = None) -> list[dict]:
    """Check the results a :func:`matrix` kept in ``keep/<n>`` again, with the tolerances of the code as it is now
    (seconds, no notebook runs): the way to try a change of :mod:`volrep.regression` against every setting."""
    from volrep.regression import check_results, findings_report, reference_dir

    rows = []
    for folder in sorted((p for p in keep.iterdir() if (p / "row.json").exists()), key=lambda p: int(p.name)):
        row = json.loads((folder / "row.json").read_text())
        findings = check_results(folder, reference_dir("quick", root), row["chapters"])
        (folder / "check.txt").write_text(findings_report(findings) + "\n")
        rows.append(_with_findings(row, findings))
    return rows


def matrix(settings: tuple[Setting, ...] = SETTINGS, *, keep: Path, jobs: int = 1) -> list[dict]:
    """:func:`run_setting` for every setting, ``jobs`` at a time; ``keep/<n>`` holds setting n's results and logs.

    Two jobs on two cores take about as long as the slower half: the networks train on one thread each.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> dict:
        row = run_setting(settings[i], keep=keep / str(i))
        print(json.dumps(row), flush=True)
        return row

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, range(len(settings))))


def markdown_table(rows: list[dict]) -> str:
    """The matrix as a Markdown table (setting → pass/fail, chapters, findings, wall time)."""
    lines = ["| setting | chapters | result | nbval | outside tolerance | within tolerance | verdict flips | wall time |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['setting']} | {', '.join(r['chapters'])} | {'pass' if r['passed'] else 'FAIL'} | "
                     f"{'pass' if r['nbval'] == 0 else 'fail'} | {r['failed']} | {r['within_tolerance']} | "
                     f"{r['flips']} | {r['seconds'] // 60} min {r['seconds'] % 60:02d} s |")
    return "\n".join(lines)

