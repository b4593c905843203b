"""Benchmark of ``extract``'s memory: peak resident memory against the number of articles.

Usage::

    python bench/bench_memory.py [--articles 1000 10000 100000] [--jobs 1 2] [--store] [--trace 60]
                                 [--chars 400]

For each N, writes a temporary JSONL of N articles (the evaluation corpora read at
run time from ``../shared/eval/``, repeated with their own ids), then runs::

    /usr/bin/time -f %M geobrief extract FEED --jsonl -j J > /dev/null

(or ``extract FEED -j J --store DIR`` with ``--store``) and prints, per run, the
wall time, the CPU seconds of all its processes, the peak resident memory of the
largest process (``%M``: the parent or one worker) and the peak of the sum over
the process tree (sampled from ``/proc`` every 0.1 s; workers share the
memory-mapped gazetteer's pages, so the sum counts them once per process), with
the load average before the run.  ``extract``'s memory should stay flat whatever
N (issue 12: at most 200 MB from 1,000 to 100,000 articles).

``--chars C`` cuts every text to its first C characters (at a word boundary): the same
number of articles, ids and records at a fraction of the analysis, for a long run on a
busy machine; what a run keeps per article (ids, caches, the progress line's places)
is the same, what one article's analysis holds for a moment is smaller.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_parallel import corpus_texts  # noqa: E402  (the same corpora as the --jobs benchmark)


def write_feed(path: Path, n: int, chars: int | None = None) -> None:
    """A JSONL of *n* articles: the corpora's texts repeated (cut to *chars*), each with its own id."""
    texts = corpus_texts()
    if chars:
        texts = [t if len(t) <= chars else t[:chars].rsplit(" ", 1)[0] for t in texts]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"a{i}", "text": texts[i % len(texts)]}) + "\n")


def _tree_pss(pid: int) -> int:
    """Proportional set size (shared pages split among their users) of a process and all its
    descendants, in bytes, from /proc (0 once it is gone)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError, StopIteration):
            continue
    return total


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _count_lines(path: Path, state: list[int]) -> int:
    """Lines in *path* so far, reading only what was added since the last call (``state``:
    offset, count)."""
    with open(path, "rb") as f:
        f.seek(state[0])
        data = f.read()
    state[0] += len(data)
    state[1] += data.count(b"\n")
    return state[1]


def measure(args: list[str], trace: float = 0.0, out: Path | None = None) -> dict[str, float]:
    """Run *args* under ``/usr/bin/time -f %M``; wall and CPU seconds, peak MB (largest process, tree).

    With *trace* seconds and an *out* file, standard output goes to *out* and every *trace*
    seconds a line gives the records written so far and the process tree's memory, so a
    long run shows whether memory grows before it ends.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0, c0 = time.perf_counter(), _cpu()
        sink = open(out, "wb") if trace and out else subprocess.DEVNULL  # noqa: SIM115
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", tf.name, *args], stdout=sink)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            state, last = [0, 0], time.perf_counter()
            while not done.wait(0.1):
                now = _tree_pss(proc.pid)
                peak = max(peak, now)
                if trace and out and time.perf_counter() - last >= trace:
                    last = time.perf_counter()
                    print(
                        f"  {last - t0:7.0f} s: {_count_lines(out, state):7d} records, "
                        f"tree PSS {now / 2**20:.0f} MB (peak {peak / 2**20:.0f} MB), "
                        f"load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
        if sink is not subprocess.DEVNULL:
            sink.close()
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        if code not in (0, 3):  # 3: some articles skipped (none are, here)
            sys.exit(f"{' '.join(args)} failed with exit status {code}")
        largest = int(tf.read().split()[-1]) / 1024  # KiB
    return {"wall": wall, "cpu": cpu, "largest": largest, "tree": peak / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--store", action="store_true", help="measure 'extract --store DIR' instead")
    ap.add_argument("--chars", type=int, help="cut every text to its first CHARS characters")
    ap.add_argument(
        "--trace",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="every SECONDS, print the records written so far and the memory (output to a temporary file)",
    )
    args = ap.parse_args()
    for n in args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            feed = Path(tmp) / "feed.jsonl"
            write_feed(feed, n, args.chars)
            for jobs in args.jobs:
                cmd = [sys.executable, "-m", "geobrief", "extract", str(feed), "-j", str(jobs)]
                cmd += ["--store", str(Path(tmp) / f"store{jobs}")] if args.store else ["--jsonl"]
                load = os.getloadavg()[0]
                r = measure(cmd, args.trace, Path(tmp) / "out.jsonl")
                what = "extract --store" if args.store else "extract --jsonl"
                what += f" (texts cut to {args.chars} characters)" if args.chars else ""
                print(
                    f"{what} {n} articles -j {jobs}: {r['wall']:.1f} s ({n / r['wall']:.0f}/s), "
                    f"CPU {r['cpu']:.1f} s, peak RSS largest process {r['largest']:.0f} MB, "
                    f"process tree (PSS) {r['tree']:.0f} MB (load average before {load:.1f})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
