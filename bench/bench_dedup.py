"""Benchmark of duplicate detection (``geobrief.dedup``): speed and what it merges.

Usage::

    python bench/bench_dedup.py [--copies K] [FILE.jsonl ...]

Reads real articles at run time (by default the evaluation corpora and the
Reuters pool in ``../shared/``; nothing is copied into the project), then adds K
syndicated copies of each of the first 200 articles, every copy with its own
made-up header and footer (site name, byline, copyright, share links), and
reports: signatures per second, the time to index them, how many copies were
found, and how many pairs of distinct originals were merged (near duplicates
that are really in the corpora, e.g. a story updated an hour later, are counted
and listed separately).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geobrief.dedup import find_duplicates, signature, similarity  # noqa: E402
from geobrief.io import read_inputs  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT = [
    SHARED / "eval" / "lgl.jsonl",
    SHARED / "eval" / "tr_news.jsonl",
    SHARED / "eval" / "geovirus.jsonl",
    SHARED / "news" / "reuters_pool.jsonl",
]
SITES = ["Daily Courier", "World Wire", "Metro Times", "The Ledger", "News24 Online"]


def _syndicate(text: str, rng: random.Random) -> str:
    site = rng.choice(SITES)
    header = (
        f"{site} | {rng.choice(['World', 'Politics', 'Breaking'])} | by staff writer {rng.randint(1, 99)}\n\n"
    )
    footer = (
        f"\n\nCopyright {rng.randint(2020, 2026)} {site}. All rights reserved. "
        "Share on Facebook. Share on X. Sign up for our newsletter."
    )
    return header + text + footer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=[p for p in DEFAULT if p.exists()])
    ap.add_argument("--copies", type=int, default=3, help="syndicated copies of each of the first 200")
    args = ap.parse_args()
    if not args.inputs:
        sys.exit("no input: pass JSONL files (the default ones under ../shared/ are absent)")
    articles, _ = read_inputs(args.inputs)
    rng = random.Random(12)
    items = [(a.id, a.text) for a in articles]
    for a in articles[:200]:
        items += [(f"{a.id}#copy{k}", _syndicate(a.text, rng)) for k in range(args.copies)]

    t0, c0 = time.perf_counter(), time.process_time()
    sigs = [(i, signature(t)) for i, t in items]
    t_sig, c_sig = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    dup = find_duplicates(sigs)
    t_index = time.perf_counter() - t0

    copies = {i for i, _ in items if "#copy" in i}
    found = sum(1 for c in copies if dup.get(c) == c.split("#copy")[0])
    merged_originals = {c: s for c, s in dup.items() if "#copy" not in c}
    chars = sum(len(t) for _, t in items)
    print(f"articles: {len(articles)} originals + {len(copies)} syndicated copies ({chars / 1e6:.1f} MB)")
    print(
        f"signatures: {len(items) / t_sig:,.0f} articles/s ({t_sig / len(items) * 1e3:.2f} ms/article wall, "
        f"{c_sig / len(items) * 1e3:.2f} ms CPU; load average {os.getloadavg()[0]:.1f})"
    )
    print(f"index (LSH + verification): {t_index:.2f} s")
    print(f"copies found: {found} / {len(copies)}")
    print(f"originals merged with another original: {len(merged_originals)}")
    by_id = dict(sigs)
    for c, s in merged_originals.items():
        print(f"  {c} -> {s}  (estimated Jaccard {similarity(by_id[c], by_id[s]):.2f})")


if __name__ == "__main__":
    main()
