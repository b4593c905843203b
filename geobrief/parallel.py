"""All cores of one machine: the pipeline in worker processes, results in input order.

Each worker process builds one :class:`~geobrief.pipeline.Pipeline` when it starts
(so it opens the memory-mapped gazetteer once; the pages are shared through the
operating system's page cache) and then analyses chunks of articles.  The parent
keeps a bounded number of chunks in flight (``2 * jobs``), so a streamed input
is never read whole, and yields the results in input order: the output is the
same as with one process, byte for byte.

Small inputs (one chunk or less) are analysed in the calling process: starting
workers would cost more than it saves.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from geobrief.errors import GeobriefError
from geobrief.model import Article

#: Articles sent to a worker at a time: at a few ms per article, tens of ms of work per chunk,
#: against well under a millisecond to pickle it.
CHUNK_SIZE = 32


def usable_cores() -> int:
    """The number of CPU cores this process may run on (its affinity mask, else the CPU count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# -- worker side -------------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _start_worker(
    options: Mapping[str, Any], modules: list[str], signatures: bool, transform: Callable[..., Any] | None
) -> None:
    import importlib

    from geobrief.pipeline import Pipeline

    for module in modules:  # components registered on import (geobrief.recognize_spacy, a user's own)
        importlib.import_module(module)
    _WORKER["pipeline"] = Pipeline(**options)
    _WORKER["signatures"] = signatures
    _WORKER["transform"] = transform


def _analyse_one(
    pipeline: Any, article: Article, signatures: bool, transform: Callable[..., Any] | None
) -> Any:
    from dataclasses import replace

    analysis = pipeline.analyse(article)
    if signatures:
        from geobrief.dedup import signature

        analysis = replace(analysis, signature=signature(article.text))
    return transform(analysis) if transform is not None else analysis


def _run_chunk(articles: list[Article]) -> list[Any]:
    pipeline = _WORKER["pipeline"]
    return [_analyse_one(pipeline, a, _WORKER["signatures"], _WORKER["transform"]) for a in articles]


# -- parent side -------------------------------------------------------------------------------
def analyse_articles(
    articles: Iterable[Article],
    *,
    jobs: int | None = None,
    pipeline_options: Mapping[str, Any] | None = None,
    pipeline: Any = None,
    signatures: bool = False,
    transform: Callable[[Any], Any] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Any]:
    """Analyse articles on *jobs* processes; yield the results in input order.

    Parameters
    ----------
    articles : iterable of Article
        Read lazily: at most ``2 * jobs`` chunks are held at a time.
    jobs : int, optional
        Worker processes; :func:`usable_cores` when omitted; 1 runs in this process.
    pipeline_options : mapping, optional
        Keyword arguments of :class:`~geobrief.pipeline.Pipeline` (registered
        component names), used to build each worker's pipeline.
    pipeline : Pipeline, optional
        A ready pipeline for the in-process case (with one job or a small input);
        built from *pipeline_options* when omitted.
    signatures : bool
        Also compute each article's duplicate signature (``ArticleAnalysis.signature``).
    transform : callable, optional
        Applied to each :class:`~geobrief.pipeline.ArticleAnalysis` where it is made
        (in the worker), e.g. to turn it into an output line; must be a module-level
        function so that it can be sent to the workers.
    chunk_size : int
        Articles per chunk.

    Yields
    ------
    ArticleAnalysis, or what *transform* returns
        One per article, in input order.
    """
    options = dict(pipeline_options or {})
    jobs = usable_cores() if jobs is None else jobs
    if jobs < 1:
        raise GeobriefError(f"jobs must be at least 1, not {jobs}")
    stream = iter(articles)
    # Look ahead: an input that fits in one chunk is not worth a worker.
    head = list(islice(stream, chunk_size + 1))
    if jobs == 1 or len(head) <= chunk_size:
        from itertools import chain

        if pipeline is None:
            from geobrief.pipeline import Pipeline

            pipeline = Pipeline(**options)
        for article in chain(head, stream):
            yield _analyse_one(pipeline, article, signatures, transform)
        return
    yield from _in_workers(head, stream, jobs, options, signatures, transform, chunk_size)


def _chunks(head: list[Article], stream: Iterator[Article], size: int) -> Iterator[list[Article]]:
    yield head[:size]
    rest = head[size:]
    while True:
        chunk = rest + list(islice(stream, size - len(rest)))
        rest = []
        if not chunk:
            return
        yield chunk


def _in_workers(
    head: list[Article],
    stream: Iterator[Article],
    jobs: int,
    options: Mapping[str, Any],
    signatures: bool,
    transform: Callable[[Any], Any] | None,
    chunk_size: int,
) -> Iterator[Any]:
    from concurrent.futures.process import BrokenProcessPool

    from geobrief.pipeline import _REGISTRY

    modules = sorted({_REGISTRY[stage][name].__module__ for stage, name in options.items()})
    chunks = _chunks(head, stream, chunk_size)
    pending: deque[Future[list[Any]]] = deque()
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_worker, initargs=(options, modules, signatures, transform)
    ) as pool:
        try:
            for chunk in chunks:
                pending.append(pool.submit(_run_chunk, chunk))
                if len(pending) >= 2 * jobs:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as exc:
            raise GeobriefError(f"a worker process died ({exc}); try --jobs 1") from exc
        finally:
            for f in pending:
                f.cancel()
