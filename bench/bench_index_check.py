"""Cost of the gazetteer index checksum against the cost of loading the index.

Usage::

    python bench/bench_index_check.py [--runs N]

Each run is a fresh process (as a ``geobrief`` command is): it times
``load_gazetteer()`` (hashing the sources, mapping the file, checking its CRC-32,
reading the header) and, separately, :func:`geobrief.gazetteer.index.check_index`
alone over the mapped file.  Prints the medians in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, mmap, time
t = time.perf_counter()
from geobrief.gazetteer import load_gazetteer
g = load_gazetteer(progress=False)
load = time.perf_counter() - t
from geobrief.gazetteer.index import check_index
with open(g.path, "rb") as f:
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
t = time.perf_counter()
check_index(mm)
check = time.perf_counter() - t
print(json.dumps({"load_ms": load * 1000, "check_ms": check * 1000, "bytes": len(mm)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    subprocess.run(
        [sys.executable, "-c", _CHILD], check=True, cwd=ROOT, capture_output=True
    )  # build if needed
    rows = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", _CHILD], check=True, cwd=ROOT, capture_output=True, text=True
            ).stdout
        )
        for _ in range(args.runs)
    ]
    load = statistics.median(r["load_ms"] for r in rows)
    check = statistics.median(r["check_ms"] for r in rows)
    print(
        f"index {rows[0]['bytes'] / 1e6:.1f} MB: load_gazetteer {load:.1f} ms (checksum included), "
        f"checksum alone {check:.1f} ms, median of {args.runs} fresh processes"
    )


if __name__ == "__main__":
    main()
