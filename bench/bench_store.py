"""Benchmark of the Dask store: the same articles through ``ingest`` serially and on 1 and 2 workers.

Usage::

    python bench/bench_store.py [--articles 20000] [--partition-size 1000] [--workers 1 2] [--files]
                                [--dask-malloc] [--repeat 1]

Makes a batch of the evaluation corpora's articles (read
at run time from ``../shared/eval/``, repeated to the wanted count with their own
ids), ingests it into a fresh store (1) serially in this process
(``scheduler="synchronous"``), then (2) on a ``LocalCluster`` of N worker
processes for each N given (``geobrief.store.local_cluster``: one thread per
worker, glibc's default ``malloc``; ``--dask-malloc`` keeps Dask's
``MALLOC_TRIM_THRESHOLD_`` instead, for comparison), and prints wall time, articles
per second, the scaling ratio against the first cluster, CPU seconds and CPU
milliseconds per article, the cores the run obtained (CPU seconds / wall seconds),
the load average before and after, the store's size on disk, and whether every
store's claims and mentions tables equal the serial run's.

On a shared machine the ratio of wall times measures the neighbours as much as
geobrief: Linux's autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``)
gives each session one share of the CPUs, however many processes it runs, so two
workers of one session get no more CPU than one while other sessions keep the cores
busy. Compare the cores obtained: a ratio is only a scaling figure when the 2-worker
run obtained about twice the CPU of the 1-worker run. ``--repeat`` runs the worker
counts in turn that many times (1, 2, 1, 2, ...), so both see the same neighbours.
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
    ap.add_argument("--repeat", type=int, default=1, help="run the worker counts in turn this many times")
    ap.add_argument(
        "--dask-malloc",
        action="store_true",
        help="keep Dask's MALLOC_TRIM_THRESHOLD_ in the workers (its default; slower signatures)",
    )
    ap.add_argument(
        "--files",
        action="store_true",
        help="write the articles to a JSON Lines file and ingest it as 'extract --store' does "
        "(tasks read their own byte ranges) instead of passing the articles in the task graph",
    )
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    from geobrief.store import ingest, ingest_files, local_cluster

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
                f"({1000 * cpu / args.articles:.1f} CPU ms per article, {cpu / dt:.2f} cores obtained), "
                f"store {_size(root):.1f} MiB (load average before {load:.1f}, after "
                f"{os.getloadavg()[0]:.1f})",
                flush=True,
            )
        first = None
        for rep in range(args.repeat):
            for n in args.workers:
                root = Path(tmp) / f"w{n}-{rep}"
                load = os.getloadavg()[0]
                with (
                    (
                        LocalCluster(
                            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                        )
                        if args.dask_malloc
                        else local_cluster(n)
                    ) as cluster,
                    Client(cluster) as client,
                ):
                    c0 = sum(client.run(_process_cpu).values())
                    t0 = time.perf_counter()
                    ingest(
                        articles,
                        root,
                        scheduler=cluster.scheduler_address,
                        partition_size=args.partition_size,
                    )
                    dt = time.perf_counter() - t0
                    cpu = sum(client.run(_process_cpu).values()) - c0
                first = first or dt
                same = "not checked" if reference is None else str(_tables(root) == reference)
                print(
                    f"LocalCluster {n} worker(s){' (Dask malloc)' if args.dask_malloc else ''}: {dt:.1f} s, "
                    f"{args.articles / dt:.0f} articles/s, workers' CPU {cpu:.1f} s "
                    f"({1000 * cpu / args.articles:.1f} CPU ms per article, {cpu / dt:.2f} cores obtained), "
                    f"ratio to the first {first / dt:.2f}x, claims and mentions equal to serial: {same} "
                    f"(load average before {load:.1f}, after {os.getloadavg()[0]:.1f})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
