"""Benchmark: load every Binance 1-minute kline of 2018–2022 (dataset ``binance_klines_1m_daily``, 1,826 daily
files stored gzip-compressed in the mirror) through :func:`volrep.data.load`.

``cold``: an empty derived cache — every ``.gz`` file is verified (sha256 of its decompressed bytes), parsed,
validated and concatenated, and the result written to the cache. ``warm``: a second load, read back from the
derived cache, as a new process would: the in-memory hashes are forgotten first, so the raw files' digests come from
``<cache>/file-hashes.json`` (:class:`volrep.data.fetch.HashMemo`). ``--rehash`` deletes that file too, to time a
warm load that hashes every raw file again.
Human-readable lines first, then one JSON line with the keys ``files, rows, cold_s, warm_s, peak_rss_mb``.

Needs ``VOLREP_DATA_DIR`` pointing at the mirror. Usage: ``python benchmarks/bench_load_1m.py [--rehash]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time

from volrep import data
from volrep.data import fetch

DATASET = "binance_klines_1m_daily"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rehash", action="store_true", help="forget the remembered hashes before the warm load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="volrep-bench-1m-") as cache:
        os.environ["VOLREP_CACHE_DIR"] = cache
        t0 = time.perf_counter()
        cold = data.load(DATASET, progress=False)
        cold_s = time.perf_counter() - t0
        fetch.HASHES.clear()
        if args.rehash:
            (fetch.config.cache_dir() / fetch.HashMemo.FILE_NAME).unlink(missing_ok=True)
        t0 = time.perf_counter()
        warm = data.load(DATASET, progress=False)
        warm_s = time.perf_counter() - t0
    assert len(warm.frame) == len(cold.frame)
    out = {"files": len(cold.files), "rows": len(cold.frame), "cold_s": round(cold_s, 2), "warm_s": round(warm_s, 2),
           "peak_rss_mb": round(peak_rss_mb(), 1)}
    print(f"{out['files']} files, {out['rows']:,} one-minute bars: cold {cold_s:.1f} s (gzip → parse → cache), "
          f"warm {warm_s:.2f} s (derived cache), peak RSS {out['peak_rss_mb']:.0f} MB")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
