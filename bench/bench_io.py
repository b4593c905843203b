"""Benchmark of reading articles: time and peak memory of ``geobrief.io.read_inputs``.

Usage::

    python bench/bench_io.py [--articles N] [--megabytes M] [--pages P]

Writes synthetic inputs to a temporary folder (made up sentences, no real
articles): a ``.jsonl`` of N records, one plain-text article of M megabytes
and P news-like HTML pages with page furniture, then reads each set and
prints the wall time and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geobrief.io import read_inputs  # noqa: E402

WORDS = [
    "officials",
    "said",
    "troops",
    "convoy",
    "talks",
    "aid",
    "rain",
    "border",
    "town",
    "city",
    "river",
    "army",
    "ministry",
    "week",
    "café",
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."


def _page(rng: random.Random, i: int) -> str:
    paras = "".join(f"<p>{_sentence(rng)} {_sentence(rng)}</p>" for _ in range(12))
    return (
        f"<!doctype html><html><head><title>Story {i} | Site</title>"
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Story {i}", '
        f'"datePublished": "2025-01-01"}}</script><script>var x = 1;</script></head><body>'
        '<div class="cookie-banner"><p>We use cookies.</p></div><nav><ul><li>Home</li></ul></nav>'
        f'<article><h1>Story {i}</h1><div class="share">Share</div>{paras}'
        '<ul class="related"><li>Other story</li></ul></article><footer>(c)</footer></body></html>'
    )


def _time(label: str, inputs: list[Path]) -> None:
    start = time.perf_counter()
    articles, failures = read_inputs(inputs)
    took = time.perf_counter() - start
    chars = sum(len(a.text) for a in articles)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<28} {len(articles):>6} articles {chars / 1e6:>7.2f} M chars "
        f"{took:>7.2f} s  failures {len(failures)}  peak RSS {peak_mb:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        feed = folder / "feed.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for i in range(args.articles):
                text = " ".join(_sentence(rng) for _ in range(12))
                out.write(json.dumps({"id": f"a{i}", "title": f"Story {i}", "text": text}) + "\n")
        big = folder / "big.txt"
        parts: list[str] = ["Long report"]
        size = 0
        while size < args.megabytes * 1e6:
            para = " ".join(_sentence(rng) for _ in range(6))
            parts.append(para)
            size += len(para) + 2
        big.write_text("\n\n".join(parts), encoding="cp1252")  # not UTF-8: exercises detection
        pages = folder / "pages"
        pages.mkdir()
        for i in range(args.pages):
            (pages / f"p{i:04d}.html").write_text(_page(rng, i), encoding="utf-8")
        _time(f"{args.articles}-record .jsonl", [feed])
        _time(f"{args.megabytes:g} MB .txt (cp1252)", [big])
        _time(f"{args.pages} HTML pages", [pages])


if __name__ == "__main__":
    main()
