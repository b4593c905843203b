"""Benchmark of toponym recognition + resolution: articles per second and peak memory.

Usage::

    python bench/bench_pipeline.py [--eval DIR] [--repeat N] [--corpus NAME ...] [--quality]

Reads the evaluation corpora (``../shared/eval/{lgl,tr_news,geovirus}.jsonl``,
at run time only) as plain article texts, loads the gazetteer once (timed
apart: the index load is excluded from the speed), then runs the default
recogniser and resolver over every article, ``--repeat`` times, in one
process.  Reports, per corpus, articles/s and mentions/s of the best and of
the first (cold-cache) pass, and the process's peak resident memory.
``--quality`` also prints the evaluation figures (``geobrief eval``'s measures).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPORA = ("lgl", "tr_news", "geovirus")


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--eval", type=Path, default=ROOT.parent / "shared" / "eval", help="folder of the corpora"
    )
    ap.add_argument("--repeat", type=int, default=3, help="passes over each corpus (best is reported)")
    ap.add_argument("--corpus", nargs="*", default=list(CORPORA), help="corpus names (file stems)")
    ap.add_argument("--quality", action="store_true", help="also print the evaluation measures")
    args = ap.parse_args(argv)

    from geobrief.gazetteer import load_gazetteer
    from geobrief.recognize import Recognizer
    from geobrief.resolve import Resolver
    from geobrief.text import sentence_spans

    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    gaz = load_gazetteer(progress=False)
    gaz.lookup("london")  # an index that loads lazily loads now, inside the timed load
    load_s = time.perf_counter() - t0
    rss_gaz = peak_rss_mb()
    print(f"gazetteer: {gaz!r}, load {load_s:.2f} s, peak RSS {rss0:.0f} -> {rss_gaz:.0f} MiB")

    rec, res = Recognizer(gaz), Resolver(gaz)
    print(
        f"{'corpus':<10}{'articles':>9}{'mentions':>9}{'cold art/s':>12}{'best art/s':>12}{'mentions/s':>12}"
    )
    for name in args.corpus:
        path = args.eval / f"{name}.jsonl"
        if not path.exists():
            print(f"{name:<10} (missing: {path})")
            continue
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
        times: list[float] = []
        n_mentions = 0
        for _ in range(max(1, args.repeat)):
            n_mentions = 0
            t0 = time.perf_counter()
            for i, text in enumerate(texts):
                sentences = sentence_spans(text)
                mentions = rec.recognize(text, str(i), sentences)
                res.resolve(text, mentions)
                n_mentions += len(mentions)
            times.append(time.perf_counter() - t0)
        best = min(times)
        print(
            f"{name:<10}{len(texts):>9}{n_mentions:>9}{len(texts) / times[0]:>12.0f}"
            f"{len(texts) / best:>12.0f}{n_mentions / best:>12.0f}"
        )
    print(f"peak RSS: {peak_rss_mb():.0f} MiB (gazetteer alone {rss_gaz - rss0:.0f} MiB)")

    if args.quality:
        from geobrief.evaluate import evaluate_geoparsing, format_report

        for name in args.corpus:
            path = args.eval / f"{name}.jsonl"
            if path.exists():
                print()
                print(format_report(evaluate_geoparsing(path, recognizer=rec, resolver=res)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
