"""A partitioned GeoParquet store of analysed articles, filled with Dask.

``geobrief extract INPUT... --store DIR`` runs the pipeline over partitions of the
input with Dask (the local machine's processes by default, a ``dask.distributed``
cluster with ``--scheduler tcp://host:8786``) and writes one file per partition and
table::

    DIR/geobrief-store.json                    manifest: version, batches
    DIR/articles/part-b000001-00000.parquet    id, title, url, source, published, date,
                                               origin, text, duplicate signature
    DIR/mentions/part-b000001-00000.parquet    one row per place mention (GeoParquet, Point)
    DIR/claims/part-b000001-00000.parquet      one row per claim of an article (GeoParquet, Point)

Each ingest is a *batch*: it adds files and never rewrites the old ones. An
article id ingested again is replaced, not duplicated: readers keep, for each id,
the rows of the newest batch that holds it (:func:`latest_batches`).  Files of a
batch are written to ``DIR/.tmp-<batch>/`` and moved into place, and the batch is
entered in the manifest, only when every partition has succeeded; geobrief reads
only the batches of the manifest.

``geobrief build --store DIR [--since] [--bbox] [--event] [--query]`` reads the
selected rows back and merges them across partitions into a briefing equal to
the one built from the same articles in one process (:func:`brief_store`).

Geometries are WKB points in longitude/latitude (``crs`` EPSG:4326, with GeoParquet
1.0 metadata), so geopandas, dask-geopandas, DuckDB's spatial extension and QGIS
read the tables directly.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geobrief.errors import GeobriefError, MissingDependencyError
from geobrief.idset import IdSet
from geobrief.model import Article, Briefing, Candidate, Claim, Evidence, Failure, Mention, Resolution

STORE_VERSION = 1
MANIFEST = "geobrief-store.json"
TABLES = ("articles", "mentions", "claims")
#: Articles per partition (one Dask task, one file per table): large enough that a task runs
#: for seconds (about 3-6 s of CPU at 175-350 articles/s), small enough that a worker holds
#: only a few MB of text and results.
PARTITION_SIZE = 1000


class StoreError(GeobriefError):
    """A store folder that cannot be read or written."""


class SlowWorkersWarning(UserWarning):
    """A ``dask.distributed`` cluster whose workers will run geobrief's tasks slowly."""


def _require() -> None:
    for module, package in (("dask", "dask"), ("pyarrow", "pyarrow")):
        try:
            __import__(module)
        except ImportError as exc:
            raise MissingDependencyError(package, "the Dask store (--store)", "scale") from exc


# -- schemas -----------------------------------------------------------------------------------
def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    s, i, f, b = pa.string(), pa.int64(), pa.float64(), pa.bool_()
    return {
        "articles": pa.schema(
            [
                ("id", s),
                ("title", s),
                ("url", s),
                ("source", s),
                ("published", s),
                ("date", s),  # ISO date of `published`, when it can be read
                ("origin", s),
                ("text", s),
                ("dup_digest", pa.binary(16)),  # geobrief.dedup.Signature
                ("dup_minhash", pa.binary()),
                ("batch", s),
                ("seq", i),  # position in the batch's input
            ]
        ),
        "mentions": pa.schema(
            [
                ("article_id", s),
                ("batch", s),
                ("row", i),  # order in the article
                ("start", i),
                ("end", i),
                ("text", s),
                ("sentence_start", i),
                ("sentence_end", i),
                ("place_id", s),  # null: unresolved
                ("name", s),
                ("lat", f),
                ("lon", f),
                ("kind", s),
                ("feature_code", s),
                ("country_code", s),
                ("admin1", s),
                ("population", i),
                ("place_source", s),
                ("confidence", f),
                ("alternatives", s),  # JSON list of candidates
                ("geometry", pa.binary()),
            ]
        ),
        "claims": pa.schema(
            [
                ("article_id", s),
                ("batch", s),
                ("row", i),
                ("place_id", s),
                ("event", s),
                ("modality", s),
                ("label", s),
                ("attribution", s),
                ("conflicting", b),
                ("historical", b),
                ("time", s),
                ("confidence", f),
                ("evidence_start", i),  # the first evidence span (all spans: `evidence`)
                ("evidence_end", i),
                ("mention_start", i),
                ("mention_end", i),
                ("evidence", s),  # JSON list of evidence spans (docs/schema.md)
                ("geometry", pa.binary()),
            ]
        ),
    }


def _geo_metadata() -> bytes:
    from pyproj import CRS

    column = {"encoding": "WKB", "geometry_types": ["Point"], "crs": CRS("EPSG:4326").to_json_dict()}
    return json.dumps(
        {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}
    ).encode()


def _point_wkb(lon: float, lat: float) -> bytes:
    import struct

    return struct.pack("<BIdd", 1, 1, lon, lat)


# -- rows of one analysed article (pure; run in the workers) -----------------------------------
def _published_date(published: str | None) -> str | None:
    from geobrief.claims.timex import parse_published

    day = parse_published(published)
    return day.isoformat() if day else None


_CANDIDATE_FIELDS = tuple(f.name for f in fields(Candidate))


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    # What dataclasses.asdict gives for a Candidate (flat fields, same order) without its
    # recursive deep copy, which cost more than the rest of the store's rows together.
    return {name: getattr(c, name) for name in _CANDIDATE_FIELDS}


def analysis_rows(analysis: Any, sig: Any, batch: str, seq: int) -> dict[str, list[dict[str, Any]]]:
    """The store rows of one :class:`~geobrief.pipeline.ArticleAnalysis`.

    Parameters
    ----------
    analysis : ArticleAnalysis
        The article and what the pipeline found in it.
    sig : geobrief.dedup.Signature
        Its duplicate signature.
    batch : str
        The ingest batch.
    seq : int
        The article's position in the batch.

    Returns
    -------
    dict
        ``{"articles": [row], "mentions": [...], "claims": [...]}``.
    """
    a = analysis.article
    article = {
        "id": a.id,
        "title": a.title,
        "url": a.url,
        "source": a.source,
        "published": a.published,
        "date": _published_date(a.published),
        "origin": a.origin,
        "text": a.text,
        "dup_digest": sig.digest,
        "dup_minhash": sig.to_bytes(),
        "batch": batch,
        "seq": seq,
    }
    mentions = []
    places: dict[str, Candidate] = {}
    for row, res in enumerate(analysis.resolutions):
        m, c = res.mention, res.place
        if c is not None:
            places.setdefault(c.id, c)
        mentions.append(
            {
                "article_id": m.article_id,
                "batch": batch,
                "row": row,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "sentence_start": m.sentence_start,
                "sentence_end": m.sentence_end,
                "place_id": c.id if c else None,
                "name": c.name if c else None,
                "lat": c.lat if c else None,
                "lon": c.lon if c else None,
                "kind": c.kind if c else None,
                "feature_code": c.feature_code if c else None,
                "country_code": c.country_code if c else None,
                "admin1": c.admin1 if c else None,
                "population": c.population if c else None,
                "place_source": c.source if c else None,
                "confidence": res.confidence,
                "alternatives": json.dumps(
                    [_candidate_dict(alt) for alt in res.alternatives], ensure_ascii=False
                ),
                "geometry": _point_wkb(c.lon, c.lat) if c else None,
            }
        )
    claims = []
    for row, cl in enumerate(analysis.claims):
        first = cl.evidence[0] if cl.evidence else None
        place = places.get(cl.place_id)
        claims.append(
            {
                "article_id": a.id,
                "batch": batch,
                "row": row,
                "place_id": cl.place_id,
                "event": cl.event,
                "modality": cl.modality,
                "label": cl.label,
                "attribution": cl.attribution,
                "conflicting": cl.conflicting,
                "historical": cl.historical,
                "time": cl.time,
                "confidence": cl.confidence,
                "evidence_start": first.start if first else None,
                "evidence_end": first.end if first else None,
                "mention_start": first.mention_start if first else None,
                "mention_end": first.mention_end if first else None,
                "evidence": json.dumps([e.to_dict() for e in cl.evidence], ensure_ascii=False),
                "geometry": _point_wkb(place.lon, place.lat) if place else None,
            }
        )
    return {"articles": [article], "mentions": mentions, "claims": claims}


_PIPELINES: dict[tuple[tuple[str, str], ...], Any] = {}


def _worker_pipeline(options: Mapping[str, str]) -> Any:
    """One pipeline per worker process (and options): the gazetteer is opened once."""
    key = tuple(sorted(options.items()))
    if key not in _PIPELINES:
        from geobrief.pipeline import Pipeline

        _PIPELINES[key] = Pipeline(**options)
    return _PIPELINES[key]


def _write_table(name: str, rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schemas()[name]
    if name != "articles":
        schema = schema.with_metadata({b"geo": _geo_metadata()})
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd")


def ingest_partition(
    articles: Sequence[Article], tmp: str, batch: str, part: int, first_seq: int, options: Mapping[str, str]
) -> dict[str, Any]:
    """Analyse one partition and write its three files (a Dask task).

    Returns
    -------
    dict
        Counts of the rows written and the article ids, for the manifest.
    """
    from geobrief.dedup import signature

    pipeline = _worker_pipeline(options)
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for k, article in enumerate(articles):
        rows = analysis_rows(pipeline.analyse(article), signature(article.text), batch, first_seq + k)
        for t in TABLES:
            tables[t].extend(rows[t])
    name = f"part-{batch}-{part:05d}.parquet"
    for t in TABLES:
        _write_table(t, tables[t], Path(tmp) / t / name)
    return {t: len(tables[t]) for t in TABLES}


@dataclass(frozen=True)
class Source:
    """Where a task reads its articles: a whole file, or lines of a JSON Lines file.

    ``end`` is ``None`` for a whole file; otherwise the task reads the bytes
    ``start:end`` (whole lines), the first being line ``first_line``.
    """

    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1


@dataclass(frozen=True)
class InputPart:
    """One partition of a batch, described by where its articles lie (not the articles).

    ``renames`` maps the origin of an article whose id was made unique in the batch
    (``a``, ``a-2``...) to that id; ``count`` is the number of articles it holds.
    """

    sources: tuple[Source, ...]
    renames: Mapping[str, str]
    count: int


def read_part(part: InputPart, max_bytes: int) -> list[Article]:
    """The articles of one partition, read where they lie (in the task, not the client).

    Records that could not be read were reported when the batch was planned
    (:func:`plan_inputs`) and are skipped here.

    Raises
    ------
    StoreError
        If an input no longer gives the articles it gave when the batch was planned.
    """
    from dataclasses import replace

    from geobrief.errors import InputError
    from geobrief.io import read_file, read_jsonl_range

    articles: list[Article] = []
    try:
        for src in part.sources:
            if src.end is None:
                items = read_file(src.path, max_bytes=max_bytes)
            else:
                items = read_jsonl_range(src.path, src.start, src.end, src.first_line, max_bytes=max_bytes)
            for item in items:
                if isinstance(item, Article):
                    new_id = part.renames.get(item.origin or "")
                    articles.append(replace(item, id=new_id) if new_id else item)
    except (OSError, InputError) as exc:
        raise StoreError(f"an input changed while it was ingested ({exc})") from exc
    if len(articles) != part.count:
        where = ", ".join(sorted({s.path for s in part.sources}))
        raise StoreError(
            f"{where}: {len(articles)} articles read where {part.count} were planned; "
            "an input changed while it was ingested"
        )
    return articles


def ingest_part(
    part: InputPart,
    tmp: str,
    batch: str,
    k: int,
    first_seq: int,
    options: Mapping[str, str],
    max_bytes: int,
) -> dict[str, Any]:
    """Read one partition's articles where they lie, analyse them, write its files (a Dask task)."""
    return ingest_partition(read_part(part, max_bytes), tmp, batch, k, first_seq, options)


def plan_inputs(
    inputs: Iterable[str | Path], *, partition_size: int = PARTITION_SIZE, max_bytes: int | None = None
) -> tuple[list[InputPart], IdSet, list[Failure]]:
    """Split files and folders into partitions that tasks read themselves.

    The inputs are read once here, record by record and without keeping any text:
    what is kept is, per partition, the files or byte ranges of JSON Lines files it
    covers. Ids are made unique and bad inputs found exactly as
    :func:`geobrief.io.iter_inputs` does, so a batch holds the same articles as
    when they are read in one process; the task graph then carries file names and
    offsets instead of texts.

    Returns
    -------
    parts, ids, failures : list of InputPart, IdSet, list of Failure
        The partitions in input order, the batch's article ids (a set-like
        :class:`~geobrief.idset.IdSet`, on disk past 100,000 ids), and the inputs
        or records that could not be read.
    """
    from geobrief.errors import InputError
    from geobrief.io import (
        DEFAULT_MAX_BYTES,
        _expand,
        _unique,
        describe_error,
        failure,
        jsonl_positions,
        read_file,
    )

    _require()  # before reading anything: the batch could not be run without Dask
    if partition_size < 1:
        raise StoreError(f"partition size must be at least 1, not {partition_size}")
    limit = max_bytes or DEFAULT_MAX_BYTES
    parts: list[InputPart] = []
    failures: list[Failure] = []
    seen = IdSet()  # every id of the batch, in bounded memory (past 100,000 ids, on disk)
    sources: list[Source] = []
    renames: dict[str, str] = {}
    count = 0

    def take(article: Article) -> None:
        nonlocal count
        unique = _unique(article, seen)
        if unique.id != article.id:
            renames[article.origin or ""] = unique.id
        count += 1

    def close() -> None:
        nonlocal sources, renames, count
        if count:
            parts.append(InputPart(tuple(sources), renames, count))
        sources, renames, count = [], {}, 0

    for path in _expand(inputs):
        if isinstance(path, Failure):
            failures.append(path)
            continue
        try:
            positions = jsonl_positions(path, max_bytes=limit)
            if positions is None:  # not splittable: the task reads the whole file
                before = count
                for item in read_file(path, max_bytes=limit):
                    if isinstance(item, Failure):
                        failures.append(item)
                    else:
                        take(item)
                if count > before:
                    sources.append(Source(str(path)))
                    if count >= partition_size:
                        close()
                continue
            start, first, end = 0, 1, None
            for lineno, after, item in positions:
                if isinstance(item, Failure):
                    failures.append(item)
                    continue
                take(item)
                end = after
                if count >= partition_size:
                    sources.append(Source(str(path), start, end, first))
                    close()
                    start, first, end = after, lineno + 1, None
            if end is not None:
                sources.append(Source(str(path), start, end, first))
        except InputError as exc:
            failures.append(failure(exc.source, exc.reason))
        except Exception as exc:  # any fault of one file costs that file only
            failures.append(failure(str(path), f"cannot read ({describe_error(exc)})"))
    close()
    return parts, seen, failures


# -- ingest ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IngestReport:
    """What one ingest added to a store."""

    batch: str
    partitions: int
    articles: int
    mentions: int
    claims: int
    replaced: int  # article ids that an earlier batch held
    failures: tuple[Failure, ...] = ()


def _manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.exists():
        return {"geobrief_store": STORE_VERSION, "batches": []}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable store manifest ({exc})") from exc
    if manifest.get("geobrief_store") != STORE_VERSION:
        raise StoreError(
            f"{path}: store version {manifest.get('geobrief_store')!r}, expected {STORE_VERSION}"
        )
    return manifest


def _save_manifest(root: Path, manifest: Mapping[str, Any]) -> None:
    tmp = root / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, root / MANIFEST)


def ingest(
    articles: Iterable[Article],
    root: str | Path,
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    partition_size: int = PARTITION_SIZE,
    pipeline_options: Mapping[str, str] | None = None,
    failures: Sequence[Failure] = (),
) -> IngestReport:
    """Analyse articles with Dask and add them to the store at *root* as a new batch.

    The articles travel to the workers inside the task graph; for files, prefer
    :func:`ingest_files`, whose tasks read their own part of the input.

    Parameters
    ----------
    articles : iterable of Article
        The batch's articles, in input order.
    root : str or Path
        The store folder (made if absent).
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``tcp://host:8786``); the local
        machine's processes when omitted, or ``"synchronous"`` for this process only.
    jobs : int, optional
        Local worker processes (default: the usable cores); ignored with a scheduler address.
    partition_size : int
        Articles per partition (one task and one file per table).
    pipeline_options : mapping, optional
        Registered component names for :class:`~geobrief.pipeline.Pipeline`.
    failures : sequence of Failure
        Inputs that could not be read (passed through to the report).

    Returns
    -------
    IngestReport
    """
    _require()
    import dask

    if partition_size < 1:
        raise StoreError(f"partition size must be at least 1, not {partition_size}")
    items = list(articles)
    ids: set[str] = set()
    for a in items:
        if a.id in ids:
            raise StoreError(f"article id {a.id!r} comes twice in one batch; ids must be unique")
        ids.add(a.id)
    parts = [items[i : i + partition_size] for i in range(0, len(items), partition_size)]
    options = dict(pipeline_options or {})

    def tasks(tmp: str, batch: str) -> list[Any]:
        return [
            dask.delayed(ingest_partition)(part, tmp, batch, k, k * partition_size, options)
            for k, part in enumerate(parts)
        ]

    return _run_batch(Path(root), tasks, len(parts), ids, scheduler, jobs, failures)


def ingest_files(
    inputs: Iterable[str | Path],
    root: str | Path,
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    partition_size: int = PARTITION_SIZE,
    pipeline_options: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
    plan: tuple[list[InputPart], IdSet, list[Failure]] | None = None,
) -> IngestReport:
    """Add the articles of files and folders to the store at *root*; each task reads its own part.

    The client reads the inputs once to plan the partitions (:func:`plan_inputs`:
    file names and byte ranges of JSON Lines files, no text kept); every Dask task
    then reads its partition where it lies, so neither the client nor the task
    graph holds the texts. The workers must see the input paths (this machine, or
    a file system they share). The store is the same as with :func:`ingest` on
    the articles of :func:`geobrief.io.read_inputs`.

    Parameters
    ----------
    inputs : iterable of str or Path
        Files and folders (as ``geobrief extract`` takes them).
    root, scheduler, jobs, partition_size, pipeline_options
        As for :func:`ingest`.
    max_bytes : int, optional
        Size limit of one input file (of one record in JSON Lines).
    plan : tuple, optional
        The result of :func:`plan_inputs` for these inputs, when already made.

    Returns
    -------
    IngestReport
        Its ``failures`` are the inputs and records that could not be read.
    """
    _require()
    import dask

    from geobrief.io import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    if plan is None:
        plan = plan_inputs(inputs, partition_size=partition_size, max_bytes=limit)
    parts, ids, failures = plan
    options = dict(pipeline_options or {})
    firsts = [0]
    for part in parts:
        firsts.append(firsts[-1] + part.count)

    def tasks(tmp: str, batch: str) -> list[Any]:
        return [
            dask.delayed(ingest_part)(part, tmp, batch, k, firsts[k], options, limit)
            for k, part in enumerate(parts)
        ]

    return _run_batch(Path(root), tasks, len(parts), ids, scheduler, jobs, failures)


def compute(tasks: Sequence[Any], scheduler: str | None = None, jobs: int | None = None) -> tuple[Any, ...]:
    """Run a batch's Dask tasks where :func:`ingest` says, one task at a time per worker.

    Parameters
    ----------
    tasks : sequence of dask.delayed
        One task per partition.
    scheduler, jobs
        As for :func:`ingest`.

    Returns
    -------
    tuple
        The tasks' results, in order.
    """
    import dask

    from geobrief.parallel import usable_cores

    if scheduler == "synchronous":
        return dask.compute(*tasks, scheduler="synchronous")
    if scheduler:
        import warnings

        from distributed import Client

        with Client(scheduler) as client:
            for advice in worker_advice(client):
                warnings.warn(advice, SlowWorkersWarning, stacklevel=2)
            return dask.compute(*tasks, scheduler=client)
    n = min(jobs or usable_cores(), max(1, len(tasks)))
    if n == 1:
        return dask.compute(*tasks, scheduler="synchronous")
    # chunksize=1: Dask's process pool otherwise hands up to 6 ready tasks to one worker at
    # a time (its default), so a batch of up to 6 partitions ran in a single process whatever
    # --jobs said. A partition runs for seconds; sending tasks one by one costs nothing.
    return dask.compute(*tasks, scheduler="processes", num_workers=n, chunksize=1)


def _malloc_setting() -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def worker_advice(client: Any) -> list[str]:
    """What would make a cluster's workers run geobrief's tasks faster (nothing: all is well).

    Parameters
    ----------
    client : distributed.Client
        Connected to the cluster.

    Returns
    -------
    list of str
        One sentence per problem: workers with several threads (geobrief's tasks hold
        the GIL, so they take turns), and workers started with ``MALLOC_TRIM_THRESHOLD_``
        (Dask's default; the duplicate signatures then take 2-3x their CPU).
    """
    advice = []
    threads = client.nthreads()
    if any(n > 1 for n in threads.values()):
        advice.append(
            f"{sum(n > 1 for n in threads.values())} of {len(threads)} Dask workers run several "
            "threads; geobrief's tasks hold the GIL, so start one-thread workers "
            "(dask worker ... --nworkers N --nthreads 1)"
        )
    malloc = client.run(_malloc_setting)
    if any(v is not None for v in malloc.values()):
        advice.append(
            f"{sum(v is not None for v in malloc.values())} of {len(malloc)} Dask workers run with "
            "MALLOC_TRIM_THRESHOLD_ set (Dask's default), which makes geobrief's duplicate "
            "signatures 2-3x slower; set distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_ "
            "to null in the workers' Dask configuration (docs/scale.md)"
        )
    return advice


def local_cluster(workers: int, **kwargs: Any) -> Any:
    """A ``dask.distributed`` ``LocalCluster`` set up for geobrief's tasks.

    Worker processes of one thread each: the pipeline is pure Python and holds the
    GIL, so threads of one worker would take turns. And the workers start without
    the ``MALLOC_TRIM_THRESHOLD_`` that Dask's nanny sets by default
    (``distributed.nanny.pre-spawn-environ``): setting it turns off glibc's adaptive
    ``mmap`` threshold, so every NumPy temporary of the duplicate signature is a new
    mapping, page-faulted in and unmapped again, and the signature takes 2.3-2.7x
    its CPU time (see docs/scale.md). For a cluster started with ``dask worker``, set
    the same in its Dask configuration (docs/scale.md shows how).

    Parameters
    ----------
    workers : int
        Worker processes.
    **kwargs
        Passed on to ``LocalCluster``.

    Returns
    -------
    distributed.LocalCluster
    """
    import dask
    from distributed import LocalCluster

    options: dict[str, Any] = {"threads_per_worker": 1, "processes": True, "dashboard_address": None}
    options.update(kwargs)
    # read by each nanny when it is made, i.e. inside LocalCluster()
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        return LocalCluster(n_workers=workers, **options)


def _run_batch(
    root: Path,
    make_tasks: Any,
    n_parts: int,
    ids: IdSet | set[str],
    scheduler: str | None,
    jobs: int | None,
    failures: Sequence[Failure],
) -> IngestReport:
    """Run a batch's tasks into a temporary folder, then move the files in and record the batch."""
    root.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(root)
    batch = f"b{len(manifest['batches']) + 1:06d}"
    tmp = root / f".tmp-{batch}"
    shutil.rmtree(tmp, ignore_errors=True)  # left by an ingest that failed
    for t in TABLES:
        (tmp / t).mkdir(parents=True, exist_ok=True)
    tasks = make_tasks(str(tmp), batch)
    try:
        counts = compute(tasks, scheduler, jobs)
    except Exception:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replaced = _count_replaced(root, [b["batch"] for b in manifest["batches"]], ids)
    for t in TABLES:
        (root / t).mkdir(exist_ok=True)
        for f in sorted((tmp / t).iterdir()):
            os.replace(f, root / t / f.name)
    shutil.rmtree(tmp, ignore_errors=True)
    totals = {t: sum(c[t] for c in counts) for t in TABLES}
    manifest["batches"].append(
        {
            "batch": batch,
            "partitions": n_parts,
            **totals,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    _save_manifest(root, manifest)
    return IngestReport(
        batch, n_parts, totals["articles"], totals["mentions"], totals["claims"], replaced, tuple(failures)
    )


# -- reading -----------------------------------------------------------------------------------
def _files(root: Path, table: str, batches: Iterable[str]) -> list[str]:
    return [str(p) for b in batches for p in sorted((root / table).glob(f"part-{b}-*.parquet"))]


def _count_replaced(root: Path, batches: Sequence[str], ids: IdSet | set[str]) -> int:
    """How many of *ids* the earlier *batches* hold, reading their ids in slices.

    Neither the store's ids nor the batch's are held in memory at once, so the count
    costs the same memory for a store of a thousand articles or of millions.
    """
    import pyarrow.dataset as ds

    files = _files(root, "articles", batches)
    if not files:
        return 0
    with IdSet() as found:  # an id re-ingested twice before is still one id replaced
        for chunk in ds.dataset(files, format="parquet").to_batches(columns=["id"], batch_size=65_536):
            for aid in chunk.column(0).to_pylist():
                if aid in ids:
                    found.add(aid)
        return len(found)


def latest_batches(root: str | Path) -> dict[str, str]:
    """For each article id in the store, the newest batch that holds it (re-ingest replaces)."""
    import pyarrow.dataset as ds

    root = Path(root)
    batches = [b["batch"] for b in _manifest(root)["batches"]]
    files = _files(root, "articles", batches)
    if not files:
        return {}
    table = ds.dataset(files, format="parquet").to_table(columns=["id", "batch"])
    latest: dict[str, str] = {}
    for aid, batch in zip(table.column("id").to_pylist(), table.column("batch").to_pylist(), strict=True):
        if batch > latest.get(aid, ""):
            latest[aid] = batch
    return latest


def _parse_bbox(bbox: str | Sequence[float]) -> tuple[float, float, float, float]:
    try:
        values = [float(v) for v in (bbox.split(",") if isinstance(bbox, str) else bbox)]
    except ValueError:
        values = []
    if len(values) != 4 or not (values[0] <= values[2] and values[1] <= values[3]):
        raise StoreError(f"bbox must be W,S,E,N with W <= E and S <= N, not {bbox!r}")
    return values[0], values[1], values[2], values[3]


def check_filters(
    *, since: str | None = None, bbox: str | Sequence[float] | None = None, event: str | None = None
) -> tuple[float, float, float, float] | None:
    """Check the filters of :func:`read_store` before any work; return the box as numbers.

    Raises
    ------
    StoreError
        A date that is not ``YYYY-MM-DD``, a malformed box or an unknown event.
    """
    from datetime import date

    from geobrief.model import EVENTS

    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise StoreError(f"--since must be a date YYYY-MM-DD, not {since!r}") from None
    if event is not None and event not in EVENTS:
        raise StoreError(f"unknown event {event!r}; events are {', '.join(EVENTS)}")
    return _parse_bbox(bbox) if bbox is not None else None


def read_store(
    root: str | Path,
    *,
    since: str | None = None,
    bbox: str | Sequence[float] | None = None,
    event: str | None = None,
    query: str | None = None,
) -> list[Any]:
    """The store's analyses, newest version of each article, in ingest order, filtered.

    Parameters
    ----------
    root : str or Path
        The store folder.
    since : str, optional
        ISO date: only articles published on or after it (undated articles are left out).
    bbox : "W,S,E,N" or 4 numbers, optional
        Only places inside the box (longitude/latitude), and the articles that mention one.
    event : str, optional
        Only claims of this event type, and the articles that make one.
    query : str, optional
        Only articles whose title or text holds this text (case-insensitive).

    Returns
    -------
    list of ArticleAnalysis
        With their duplicate signatures; ready for :func:`geobrief.pipeline.assemble`.
    """
    _require()
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from geobrief.dedup import Signature
    from geobrief.pipeline import ArticleAnalysis

    root = Path(root)
    box = check_filters(since=since, bbox=bbox, event=event)
    if not (root / MANIFEST).exists():
        raise StoreError(
            f"{root} is not a geobrief store (no {MANIFEST}); fill it with 'geobrief extract ... --store'"
        )
    batches = [b["batch"] for b in _manifest(root)["batches"]]
    latest = latest_batches(root)

    def table(name: str, filt: Any = None) -> list[dict[str, Any]]:
        files = _files(root, name, batches)
        if not files:
            return []
        return ds.dataset(files, format="parquet").to_table(filter=filt).to_pylist()

    filt = None
    if since:
        filt = pc.field("date") >= since
    if query:
        needle = pc.field("text")
        match = pc.match_substring(needle, query, ignore_case=True) | pc.match_substring(
            pc.field("title"), query, ignore_case=True
        )
        filt = match if filt is None else filt & match
    articles = [r for r in table("articles", filt) if latest.get(r["id"]) == r["batch"]]
    articles.sort(key=lambda r: (r["batch"], r["seq"]))
    wanted = {r["id"]: r["batch"] for r in articles}

    mentions: dict[str, list[dict[str, Any]]] = {}
    for r in table("mentions"):
        if wanted.get(r["article_id"]) != r["batch"]:
            continue
        if box is not None and (r["place_id"] is None or not _inside(r, box)):
            continue
        mentions.setdefault(r["article_id"], []).append(r)
    claims: dict[str, list[dict[str, Any]]] = {}
    for r in table("claims", pc.field("event") == event if event else None):
        if wanted.get(r["article_id"]) != r["batch"]:
            continue
        claims.setdefault(r["article_id"], []).append(r)

    analyses = []
    for r in articles:
        aid = r["id"]
        ms = sorted(mentions.get(aid, []), key=lambda m: m["row"])
        cs = sorted(claims.get(aid, []), key=lambda c: c["row"])
        if box is not None:
            kept = {m["place_id"] for m in ms}
            cs = [c for c in cs if c["place_id"] in kept]
        if (box is not None and not ms) or (event is not None and not cs):
            continue
        article = Article(
            id=aid,
            text=r["text"],
            title=r["title"],
            url=r["url"],
            source=r["source"],
            published=r["published"],
            origin=r["origin"],
        )
        analyses.append(
            ArticleAnalysis(
                article=article,
                sentences=(),
                resolutions=tuple(_resolution(m) for m in ms),
                claims=tuple(_claim(c) for c in cs),
                signature=Signature.from_bytes(r["dup_digest"], r["dup_minhash"]),
            )
        )
    return analyses


def _inside(row: Mapping[str, Any], box: tuple[float, float, float, float]) -> bool:
    w, s, e, n = box
    return w <= row["lon"] <= e and s <= row["lat"] <= n


def _resolution(r: Mapping[str, Any]) -> Resolution:
    mention = Mention(
        r["article_id"], r["start"], r["end"], r["text"], r["sentence_start"], r["sentence_end"]
    )
    place = None
    if r["place_id"] is not None:
        place = Candidate(
            id=r["place_id"],
            name=r["name"],
            lat=r["lat"],
            lon=r["lon"],
            kind=r["kind"],
            feature_code=r["feature_code"],
            country_code=r["country_code"],
            admin1=r["admin1"],
            population=r["population"],
            source=r["place_source"],
        )
    alternatives = tuple(Candidate(**c) for c in json.loads(r["alternatives"]))
    return Resolution(mention, place, r["confidence"], alternatives)


def _claim(r: Mapping[str, Any]) -> Claim:
    evidence = []
    for d in json.loads(r["evidence"]):
        d = dict(d)
        d["article_id"] = d.pop("article")
        evidence.append(Evidence(**d))
    return Claim(
        place_id=r["place_id"],
        event=r["event"],
        modality=r["modality"],
        attribution=r["attribution"],
        evidence=tuple(evidence),
        conflicting=r["conflicting"],
        historical=r["historical"],
        time=r["time"],
        confidence=r["confidence"],
    )


def brief_store(
    root: str | Path,
    *,
    since: str | None = None,
    bbox: str | Sequence[float] | None = None,
    event: str | None = None,
    query: str | None = None,
    title: str | None = None,
) -> Briefing:
    """A briefing from a store, merging claims across its partitions (filters of :func:`read_store`).

    Returns
    -------
    Briefing
        Equal to the briefing of the same articles built in one process
        (``geobrief.brief``), duplicates and sources included.
    """
    from geobrief.pipeline import assemble

    return assemble(read_store(root, since=since, bbox=bbox, event=event, query=query), title=title)
