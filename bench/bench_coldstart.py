"""Benchmark of a cold ``geobrief build seeds/``: N fresh processes, best and median wall and CPU time.

Usage::

    python bench/bench_coldstart.py [--runs N] [--fresh-cache] [--profile] [-- ARGS...]

Each run is a new Python process (``python -m geobrief build seeds/ --out TMP -q``, or the
command given after ``--``) with the gazetteer cache warm; the wall time is measured around the
process, the CPU time (user + system) from the kernel's accounting of the child.  The target of
issue 12 is a cold ``build seeds/`` in <= 0.5 s.  The load average is printed before and after:
on a shared machine the wall time stretches with the load, the CPU time much less.

``--fresh-cache`` gives every run an empty start-up cache (a new ``GEOBRIEF_CACHE_DIR`` holding a
link to the gazetteer index): the first run after an install or an edit of the rule tables.
``--profile`` also prints where one warm run spends its CPU time (stages of the start-up, in ms).
Python is asked not to write bytecode unless ``PYTHONDONTWRITEBYTECODE`` is unset: compile the
package first (``python -m compileall geobrief``) for figures a pip install would give.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# One warm start-up, stage by stage (run in a child: a fresh interpreter, nothing imported yet)
_STAGES = r"""
import sys, time
marks = [("interpreter", time.process_time())]
def mark(name): marks.append((name, time.process_time()))
import geobrief.cli, geobrief.pipeline; mark("import cli, pipeline")
from geobrief.gazetteer import load_gazetteer; gaz = load_gazetteer(); mark("gazetteer (hash, CRC, header)")
from geobrief.recognize import Recognizer; Recognizer(gaz); mark("recogniser tables")
from geobrief.resolve import Resolver; Resolver(gaz); mark("resolver")
from geobrief.claims import rules; rules.claim_gate(); mark("claim tables + gate")
from geobrief.claims import conflicts, lexicon, timex
conflicts._denial_gate(); timex._time_gate(); lexicon.lexicon(); mark("denial, time, lexicon tables")
import geobrief.claims.extract, geobrief.claims.candidates, geobrief.claims.scorer; mark("claim modules")
import numpy; mark("numpy")
import geobrief.render; mark("render module")
sys.argv = ["geobrief", "build", "seeds/", "--out", sys.argv[1], "-q"]
try:
    geobrief.cli.main()
except SystemExit:
    pass
mark("2 articles + page")
last = 0.0
for name, t in marks:
    print(f"{name:32s} {1000 * (t - last):7.1f} ms")
    last = t
print(f"{'total CPU':32s} {1000 * last:7.1f} ms")
"""


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - no load average on this platform
        return "?"


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh processes to time (default 5)")
    ap.add_argument("--fresh-cache", action="store_true", help="an empty start-up cache for every run")
    ap.add_argument("--profile", action="store_true", help="also print the CPU time of each start-up stage")
    ap.add_argument("command", nargs="*", help="geobrief arguments after --; default: build seeds/")
    args = ap.parse_args(argv)

    from geobrief.gazetteer import load_gazetteer

    gaz = load_gazetteer()  # warm (built once if missing, not timed)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        geobrief_args = args.command or ["build", "seeds/", "--out", str(out), "-q"]
        cmd = [sys.executable, "-m", "geobrief", *geobrief_args]
        if not args.fresh_cache:
            _run(cmd, env)  # fills the start-up cache if this installation has none yet
        print(f"command: geobrief {' '.join(geobrief_args)}")
        print(f"load average before: {_load()}")
        walls, cpus = [], []
        for n in range(args.runs):
            if args.fresh_cache:
                cache = Path(tmp) / f"cache{n}"
                cache.mkdir()
                if gaz.path is not None:
                    (cache / gaz.path.name).symlink_to(gaz.path)
                env["GEOBRIEF_CACHE_DIR"] = str(cache)
            wall, cpu = _run(cmd, env)
            walls.append(wall)
            cpus.append(cpu)
            print(f"  run {n + 1}: wall {wall:.3f} s, CPU {cpu:.3f} s")
        print(f"load average after: {_load()}")
        print(f"wall: best {min(walls):.3f} s, median {statistics.median(walls):.3f} s")
        print(f"CPU:  best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")
        if args.profile:
            print("one warm start-up, CPU time by stage:")
            warm = [sys.executable, "-c", _STAGES, str(out)]
            _run(warm, dict(os.environ))  # the caller's cache folder: filled if it was not
            subprocess.run(warm, check=True, env=dict(os.environ), cwd=ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
