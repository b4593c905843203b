"""Benchmark of the Dask store: the same articles through ``ingest`` serially and on 1 and 2 workers.

Usage::

    python bench/bench_store.py [--articles 20000] [--partition-size 1000] [--workers 1 2] [--files]

Makes a batch of the evaluation corpora's articles (read
at run time from ``../shared/eval/``, repeated to the wanted count with their own
ids), ingests it into a fresh store (1) serially in this process
(``scheduler="synchronous"``), then (2) on a ``LocalCluster`` of N worker
processes for each N given, and prints wall time, articles per second, the
scaling ratio against one worker, the store's size on disk, and whether every
store's claims and mentions tables equal the serial run's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _articles(n: int) -> list:
    from bench_parallel import corpus_texts  # the same corpora as the --jobs benchmark

    from geobrief.model import Article

    texts = corpus_texts()
    return [Article(f"a{i}", texts[i % len(texts)]) for i in range(n)]


def _tables(root: Path) -> dict:
    import pyarrow.dataset as ds

    out = {}
    for table in ("mentions", "claims"):
        t = ds.dataset(str(root / table), format="parquet").to_table().drop_columns(["batch"])
        out[table] = t.sort_by([("article_id", "ascending"), ("row", "ascending")])
    return out


def _size(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*.parquet")) / 2**20


def _process_cpu() -> float:
    return time.process_time()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--partition-size", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-serial", action="store_true", help="skip the serial run (no equality check)")
    ap.add_argument(
        "--files",
        action="store_true",
        help="write the articles to a JSON Lines file and ingest it as 'extract --store' does "
        "(tasks read their own byte ranges) instead of passing the articles in the task graph",
    )
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    from geobrief.store import ingest, ingest_files

    articles = _articles(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        if args.files:
            import json

            feed = Path(tmp) / "feed.jsonl"
            with open(feed, "w", encoding="utf-8") as f:
                for a in articles:
                    f.write(json.dumps({"id": a.id, "text": a.text}) + "\n")

            def ingest(_articles, root, **kw):  # noqa: F811 - the same call, on the file
                return ingest_files([feed], root, **kw)

        reference = None
        if not args.no_serial:
            root = Path(tmp) / "serial"
            load = os.getloadavg()[0]
            t0, c0 = time.perf_counter(), time.process_time()
            ingest(articles, root, scheduler="synchronous", partition_size=args.partition_size)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            reference = _tables(root)
            print(
                f"serial (this process): {dt:.1f} s, {args.articles / dt:.0f} articles/s, CPU {cpu:.1f} s "
                f"({args.articles / cpu:.0f} articles per CPU second), store {_size(root):.1f} MiB "
                f"(load average before: {load:.1f})",
                flush=True,
            )
        first = None
        for n in args.workers:
            root = Path(tmp) / f"w{n}"
            load = os.getloadavg()[0]
            with (
                LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
            ):
                c0 = sum(client.run(_process_cpu).values())
                t0 = time.perf_counter()
                ingest(
                    articles, root, scheduler=cluster.scheduler_address, partition_size=args.partition_size
                )
                dt = time.perf_counter() - t0
                cpu = sum(client.run(_process_cpu).values()) - c0
            first = first or dt
            same = "not checked" if reference is None else str(_tables(root) == reference)
            print(
                f"LocalCluster {n} worker(s): {dt:.1f} s, {args.articles / dt:.0f} articles/s, "
                f"workers' CPU {cpu:.1f} s, "
                f"ratio to the first {first / dt:.2f}x, claims and mentions equal to serial: {same} "
                f"(load average before: {load:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
