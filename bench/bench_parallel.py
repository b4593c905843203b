"""Benchmark of ``--jobs``: paired runs of ``geobrief extract`` with 1 and N worker processes.

Usage::

    python bench/bench_parallel.py [--articles 2000] [--jobs 2] [--pairs 1] [--command extract|build]

Writes a temporary JSONL of the evaluation corpora's articles (read at run
time from ``../shared/eval/``, repeated to the wanted count, each with its own
id), then runs the command with ``--jobs 1`` and ``--jobs N`` one after the
other (a pair), checks that both outputs are byte-identical and prints the wall
times, articles per second, the ratio, the CPU seconds of each run (all its
processes) and the load average (other users of the machine) before the pair.  Run it on an otherwise idle machine:
on a shared one the ratio says more about the neighbours than about geobrief.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
CORPORA = ["lgl.jsonl", "tr_news.jsonl", "geovirus.jsonl"]


def corpus_texts() -> list[str]:
    """The texts of the evaluation corpora (read at run time; exits when they are absent)."""
    texts = []
    for name in CORPORA:
        if (SHARED / name).exists():
            with open(SHARED / name, encoding="utf-8") as f:
                texts += [json.loads(line)["text"] for line in f if line.strip()]
    if not texts:
        sys.exit(f"no corpus under {SHARED}")
    return texts


def _feed(path: Path, n: int) -> None:
    texts = corpus_texts()
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"a{i}", "text": texts[i % len(texts)]}) + "\n")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(command: str, feed: Path, jobs: int, out: Path) -> tuple[float, float]:
    """Wall time and CPU time (all processes of the run) in seconds."""
    args = [sys.executable, "-m", "geobrief", command, str(feed), "--jobs", str(jobs)]
    args += ["-o", str(out)] + (["-q"] if command == "build" else [])
    t0, c0 = time.perf_counter(), _cpu()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, _cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--pairs", type=int, default=1)
    ap.add_argument("--command", choices=["extract", "build"], default="extract")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        _feed(feed, args.articles)
        suffix = "" if args.command == "build" else ".jsonl"
        for pair in range(args.pairs):
            load = os.getloadavg()[0]
            one, many = Path(tmp) / f"one{suffix}", Path(tmp) / f"many{suffix}"
            (t1, c1), (tn, cn) = _run(args.command, feed, 1, one), _run(args.command, feed, args.jobs, many)
            if args.command == "build":
                same = all(
                    filecmp.cmp(one / f, many / f, shallow=False) for f in ("briefing.html", "places.geojson")
                )
            else:
                same = filecmp.cmp(one, many, shallow=False)
            print(
                f"pair {pair + 1}: {args.command} {args.articles} articles: --jobs 1 {t1:.1f} s "
                f"({args.articles / t1:.0f}/s), --jobs {args.jobs} {tn:.1f} s ({args.articles / tn:.0f}/s), "
                f"ratio {t1 / tn:.2f}x, outputs identical: {same}; CPU seconds {c1:.1f} / {cn:.1f}; "
                f"load average before the pair {load:.1f}"
            )


if __name__ == "__main__":
    main()
