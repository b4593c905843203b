"""The one-directional pipeline: articles -> sentences -> toponyms -> places -> claims -> Briefing.

Each stage is a component registered by name (like spaCy's factories), so a
stage can be swapped without touching the others::

    @register("recognizer", "my-ner")
    def make_ner(gazetteer):
        return MyRecognizer(gazetteer)

    Pipeline(recognizer="my-ner")

A recogniser has ``recognize(text, article_id, sentences) -> list[Mention]``;
a resolver ``resolve(text, mentions) -> list[Resolution]``; a claim
extractor ``extract(article, resolutions, sentences) -> list[Claim]``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geobrief.errors import GeobriefError
from geobrief.model import Article, Briefing, Claim, Evidence, Failure, Mention, Place, Resolution
from geobrief.text import EXCERPT_CHARS, clean_field, excerpt, is_hard_wrapped, sentence_spans

if TYPE_CHECKING:
    from concurrent.futures import Future

STAGES = ("recognizer", "resolver", "claims")
_REGISTRY: dict[str, dict[str, Callable[..., Any]]] = {stage: {} for stage in STAGES}


def register(stage: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a factory ``factory(gazetteer) -> component`` for a pipeline stage."""
    if stage not in _REGISTRY:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")

    def decorator(factory: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[stage][name] = factory
        return factory

    return decorator


def components(stage: str) -> list[str]:
    """Names registered for a stage."""
    return sorted(_REGISTRY[stage])


@register("recognizer", "gazetteer")
def _gazetteer_recognizer(gazetteer: Any) -> Any:
    from geobrief.recognize import Recognizer

    return Recognizer(gazetteer)


@register("resolver", "context")
def _context_resolver(gazetteer: Any) -> Any:
    from geobrief.resolve import Resolver

    return Resolver(gazetteer)


@register("resolver", "no-approximate")
def _exact_resolver(gazetteer: Any) -> Any:
    """The context resolver without approximate places (streets, buildings left unresolved)."""
    from geobrief.resolve import Resolver

    return Resolver(gazetteer, approximate=False)


class _Claims:
    """Claim extraction in one of the modes of :func:`geobrief.claims.extract_claims`."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def extract(
        self, article: Article, resolutions: Sequence[Resolution], sentences: list[tuple[int, int]]
    ) -> list[Claim]:
        from geobrief.claims import extract_claims

        return extract_claims(article, resolutions, sentences, mode=self.mode)


@register("claims", "scored")
def _scored_claims(gazetteer: Any) -> Any:
    """Recall-first candidates weighed by the learned scorer (the default)."""
    return _Claims("scored")


@register("claims", "rules")
def _rule_claims(gazetteer: Any) -> Any:
    """Only what the role linker links (the extractor before the scorer; a baseline)."""
    return _Claims("rules")


@register("claims", "candidates")
def _all_candidates(gazetteer: Any) -> Any:
    """Every candidate, accepted or not (measures candidate recall)."""
    return _Claims("candidates")


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """What the pipeline found in one article, before merging across articles."""

    article: Article
    sentences: tuple[tuple[int, int], ...]
    resolutions: tuple[Resolution, ...]
    claims: tuple[Claim, ...]
    failures: tuple[Failure, ...] = ()  # e.g. an online geocoder that failed for some names
    signature: Any = None  # geobrief.dedup.Signature when computed with the analysis (worker processes)

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(r.mention for r in self.resolutions)


class Pipeline:
    """Recognition, resolution and claim extraction with named, swappable stages.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        The offline gazetteer; loaded (and built on first use) when omitted.
    recognizer, resolver, claims : str or object
        A registered component name, or a ready component object.
    geocoder : Geocoder, optional
        An online geocoder consulted for mentions the gazetteer leaves
        unresolved (off by default).
    """

    def __init__(
        self,
        *,
        gazetteer: Any = None,
        recognizer: str | Any = "gazetteer",
        resolver: str | Any = "context",
        claims: str | Any = "scored",
        geocoder: Any = None,
    ) -> None:
        # What a worker process needs to build the same pipeline (None: not rebuildable there)
        specs = {"recognizer": recognizer, "resolver": resolver, "claims": claims}
        self.worker_options: dict[str, str] | None = (
            specs if gazetteer is None and all(isinstance(v, str) for v in specs.values()) else None
        )
        if gazetteer is None:
            from geobrief.gazetteer import load_gazetteer

            gazetteer = load_gazetteer()
        self.gazetteer = gazetteer
        self.recognizer = self._make("recognizer", recognizer)
        self.resolver = self._make("resolver", resolver)
        self.claims = self._make("claims", claims)
        self.geocoder = geocoder

    def _make(self, stage: str, spec: str | Any) -> Any:
        if not isinstance(spec, str):
            return spec
        try:
            factory = _REGISTRY[stage][spec]
        except KeyError:
            known = ", ".join(components(stage))
            raise ValueError(f"no {stage} named {spec!r}; known: {known}") from None
        return factory(self.gazetteer)

    def locate(self, article: Article) -> tuple[list[tuple[int, int]], list[Resolution], list[Failure]]:
        """Sentences, resolved place mentions and geocoder failures of one article (no claims)."""
        from geobrief.shortnames import find_short_names

        sentences = sentence_spans(article.text)
        text = article.text
        if is_hard_wrapped(text):
            # wire copy breaks lines inside names ("San\nSalvador"): recognise on the text with its
            # line breaks as spaces (same offsets), so the names stay whole
            text = text.replace("\n", " ")
        mentions = self.recognizer.recognize(text, article.id, sentences)
        resolutions = list(self.resolver.resolve(text, mentions))
        # "the Gulf", "the Channel": the sea the rest of the story points to
        short = find_short_names(text, article.id, sentences, resolutions)
        if short:
            resolutions = sorted([*resolutions, *short], key=lambda r: r.mention.start)
        failures: list[Failure] = []
        if self.geocoder is not None:
            from geobrief.geocoders import resolve_unresolved

            # Errors of the online service are recorded, not raised: the offline result stands.
            resolutions = resolve_unresolved(resolutions, self.geocoder, failures=failures)
        return sentences, resolutions, failures

    def analyse(self, article: Article) -> ArticleAnalysis:
        """Run every stage on one article (its text cleaned first, as the readers do)."""
        from geobrief.io import clean_article

        article = clean_article(article)
        sentences, resolutions, failures = self.locate(article)
        claims = bounded_claims(self.claims.extract(article, resolutions, sentences))
        return ArticleAnalysis(article, tuple(sentences), tuple(resolutions), tuple(claims), tuple(failures))

    def analyse_safely(self, article: Article) -> ArticleAnalysis | Failure:
        """:meth:`analyse`, with any error of this one article returned as a :class:`Failure`.

        Errors of the whole set-up (the gazetteer, a missing dependency) are
        still raised: they would fail every article alike.
        """
        from geobrief.errors import GazetteerError, MissingDependencyError
        from geobrief.io import describe_error, failure

        try:
            return self.analyse(article)
        except (GazetteerError, MissingDependencyError):
            raise
        except Exception as exc:  # one article's fault costs that article only
            return failure(article.origin or str(article.id), f"cannot analyse ({describe_error(exc)})")

    def brief(
        self,
        articles: Iterable[Article | Failure],
        failures: Sequence[Failure] = (),
        *,
        title: str | None = None,
        jobs: int | None = 1,
        progress: Callable[[ArticleAnalysis], None] | None = None,
    ) -> Briefing:
        """Analyse the articles and assemble the briefing; an article that fails becomes a failure.

        Parameters
        ----------
        articles : iterable of Article or Failure
            The articles, in input order; any iterable, e.g. :func:`geobrief.io.iter_inputs`,
            whose failures are kept.
        failures : sequence of Failure
            Inputs that could not be read (reported in the briefing).
        title : str, optional
            The briefing's title.
        jobs : int, optional
            Worker processes (:mod:`geobrief.parallel`; None: every usable core). The
            briefing is the same whatever the number. A pipeline with an online
            geocoder or with component objects instead of names runs in this process.
        progress : callable, optional
            Called with each article's analysis as it is done, in input order.
        """
        if self.geocoder is not None or self.worker_options is None:
            jobs = 1  # an online service's rate limit holds per process; objects do not travel
        analyses: list[ArticleAnalysis] = []
        failed = list(failures)

        def readable() -> Iterator[Article]:
            for item in articles:
                if isinstance(item, Failure):
                    failed.append(item)
                else:
                    yield item

        for result in analyse_articles(
            readable(), jobs=jobs, pipeline=self, pipeline_options=self.worker_options, signatures=True
        ):
            if isinstance(result, Failure):  # this article's fault costs this article only
                failed.append(result)
                continue
            analyses.append(result)
            if progress is not None:
                progress(result)
        return assemble(analyses, failed, title=title)


def bounded_claims(claims: Iterable[Claim]) -> list[Claim]:
    """The claims with evidence of bounded size, whatever the length of a sentence.

    A passage longer than :data:`geobrief.text.EXCERPT_CHARS` (a page without
    full stops) is quoted once per claim, not once per mention of the place in
    it: the claim keeps its best-scored evidence from that passage (the first
    of equals), whose ``text`` is cut to an excerpt around the place (see
    :func:`geobrief.text.excerpt`); its offsets still give the whole passage in
    the article text, which is stored once. Evidence from passages of ordinary
    length is kept as it is. Output size then grows with the input, not with
    mentions times sentence length.
    """
    from dataclasses import replace

    out = []
    for claim in claims:
        kept: list[Evidence] = []
        where: dict[tuple[str, int, int], int] = {}
        for ev in claim.evidence:
            if ev.end - ev.start <= EXCERPT_CHARS and len(ev.text) <= EXCERPT_CHARS:
                kept.append(ev)
                continue
            short = replace(ev, text=excerpt(ev.text, ev.start, ev.mention_start, ev.mention_end))
            key = (ev.article_id, ev.start, ev.end)
            if key not in where:
                where[key] = len(kept)
                kept.append(short)
            elif ev.confidence > kept[where[key]].confidence:
                kept[where[key]] = short
        evidence = tuple(kept)
        out.append(claim if evidence == claim.evidence else replace(claim, evidence=evidence))
    return out


def assemble(
    analyses: Sequence[ArticleAnalysis],
    failures: Sequence[Failure] = (),
    *,
    title: str | None = None,
    duplicates: Mapping[str, str] | None = None,
) -> Briefing:
    """Group resolved mentions into places and merge their claims across articles.

    Parameters
    ----------
    analyses : sequence of ArticleAnalysis
        In input order (the first article of a duplicated story stands for it).
    failures : sequence of Failure
        Inputs that could not be read.
    title : str, optional
        The briefing's title (:func:`default_title` when omitted).
    duplicates : mapping of str to str, optional
        Copy id -> story id; found with :func:`geobrief.dedup.find_duplicates` when
        omitted (pass ``{}`` to count every article as its own story).
    """
    from geobrief.claims import merge_claims

    if duplicates is None:
        from geobrief.dedup import find_duplicates

        duplicates = find_duplicates((a.article.id, a.signature or a.article.text) for a in analyses)

    by_place: dict[str, list[Resolution]] = {}
    unresolved: list[Resolution] = []
    claims_by_place: dict[str, list[Claim]] = {}
    for analysis in analyses:
        for res in analysis.resolutions:
            if res.place is None:
                unresolved.append(res)
            else:
                by_place.setdefault(res.place.id, []).append(res)
        for claim in analysis.claims:
            if duplicates and any(e.article_id in duplicates for e in claim.evidence):
                # a copy's evidence names its story, so sources count stories (Claim.sources)
                evidence = tuple(replace(e, story=duplicates.get(e.article_id)) for e in claim.evidence)
                claim = replace(claim, evidence=evidence)
            claims_by_place.setdefault(claim.place_id, []).append(claim)

    places: list[Place] = []
    for place_id, resolutions in by_place.items():
        cand = resolutions[0].place
        assert cand is not None
        alternatives: dict[str, Any] = {}
        for r in resolutions:
            for alt in r.alternatives:
                if alt.id != place_id:
                    alternatives.setdefault(alt.id, alt)
        places.append(
            Place(
                id=cand.id,
                name=cand.name,
                lat=cand.lat,
                lon=cand.lon,
                kind=cand.kind,
                feature_code=cand.feature_code,
                country_code=cand.country_code,
                admin1=cand.admin1,
                source=cand.source,
                confidence=max(r.confidence for r in resolutions),
                mentions=tuple(r.mention for r in resolutions),
                claims=tuple(merge_claims(claims_by_place.get(place_id, []))),
                alternatives=tuple(alternatives.values())[:5],
            )
        )
    articles = tuple(a.article for a in analyses)
    return Briefing(
        articles=articles,
        places=tuple(places),
        unresolved=tuple(unresolved),
        failures=tuple(failures) + tuple(f for a in analyses for f in a.failures),
        title=clean_field(title) or default_title(articles),  # e.g. --title from a terminal
        duplicates=dict(duplicates),
    )


def default_title(articles: Sequence[Article]) -> str:
    """The briefing title: the article's title for one article, else a count."""
    if len(articles) == 1 and articles[0].title:
        return articles[0].title
    return f"Briefing on {len(articles)} article{'s' if len(articles) != 1 else ''}"


def brief(
    inputs: Iterable[str | Path] | Sequence[Article],
    *,
    title: str | None = None,
    geocoder: Any = None,
    pipeline: Pipeline | None = None,
    jobs: int | None = 1,
    progress: Callable[[ArticleAnalysis], None] | None = None,
    max_bytes: int | None = None,
) -> Briefing:
    """Read articles and build a briefing.

    Parameters
    ----------
    inputs : iterable of paths, or of Article
        Files and folders to read (see :func:`geobrief.io.read_inputs`), or
        ready ``Article`` objects.
    title : str, optional
        The briefing's title.
    geocoder : Geocoder or str, optional
        Online geocoder for names the gazetteer lacks, e.g. ``"nominatim"``
        (off by default: geobrief works offline).
    pipeline : Pipeline, optional
        A configured pipeline; a default one otherwise.
    jobs : int, optional
        Worker processes (None: every usable core); the briefing is the same whatever
        the number (:mod:`geobrief.parallel`).
    progress : callable, optional
        Called with each article's analysis as it is done (the CLI's
        :class:`geobrief.progress.Progress`).
    max_bytes : int, optional
        Size limit of one input file or JSON Lines record (default
        :data:`geobrief.io.DEFAULT_MAX_BYTES`); larger ones are reported as failures.

    Returns
    -------
    Briefing
        Places (``briefing.places_frame`` is a GeoDataFrame in EPSG:4326),
        claims with evidence, unresolved mentions and unreadable inputs.

    Examples
    --------
    >>> b = brief(["seeds/"])                     # doctest: +SKIP
    >>> b.places_frame[["name", "labels"]]        # doctest: +SKIP
    >>> geobrief.render.save_briefing(b, "output/")  # doctest: +SKIP
    """
    from itertools import chain

    items = list(inputs)
    stream: Iterator[Article | Failure]
    if items and all(isinstance(i, Article) for i in items):
        stream = iter(items)  # type: ignore[arg-type]
    else:
        from geobrief.io import DEFAULT_MAX_BYTES, iter_inputs

        stream = iter_inputs(items, max_bytes=max_bytes or DEFAULT_MAX_BYTES)  # type: ignore[arg-type]
    # Articles are read one at a time; the gazetteer is loaded only once one is readable.
    failures: list[Failure] = []
    first: Article | None = None
    for item in stream:
        if isinstance(item, Failure):
            failures.append(item)
        else:
            first = item
            break
    if first is None:  # nothing readable: skip loading the gazetteer
        return assemble([], failures, title=title)
    if isinstance(geocoder, str):
        from geobrief.geocoders import get_geocoder

        geocoder = get_geocoder(geocoder)
    if pipeline is None:
        pipeline = Pipeline(geocoder=geocoder)
    elif geocoder is not None:
        pipeline.geocoder = geocoder
    return pipeline.brief(chain([first], stream), failures, title=title, jobs=jobs, progress=progress)


_DEFAULT: Pipeline | None = None


def analyse_article(article: Article, pipeline: Pipeline | None = None) -> ArticleAnalysis:
    """Analyse one article with the given pipeline, or a shared default one."""
    global _DEFAULT
    if pipeline is None:
        if _DEFAULT is None:
            _DEFAULT = Pipeline()
        pipeline = _DEFAULT
    return pipeline.analyse(article)


# -- all cores of one machine (geobrief.parallel) ---------------------------------------------------
# Here, not in geobrief.parallel, so that the pipeline and its workers need no import cycle.

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

    for module in modules:  # components registered on import (geobrief.recognize_spacy, a user's own)
        importlib.import_module(module)
    _WORKER["pipeline"] = Pipeline(**options)
    _WORKER["signatures"] = signatures
    _WORKER["transform"] = transform


def _analyse_one(
    pipeline: Any, article: Article, signatures: bool, transform: Callable[..., Any] | None
) -> Any:
    from dataclasses import replace

    analysis = pipeline.analyse_safely(article)
    if isinstance(analysis, Failure):
        return analysis  # reported by the caller; the other articles go on
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
    # imported here: concurrent.futures.process pulls in multiprocessing, which a one-process run never uses
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

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
