"""The optional spaCy recogniser: what it finds alone, how it combines with the gazetteer recogniser."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from gazetteer_factory import candidate as _c

from geobrief.errors import GeobriefError, MissingDependencyError
from geobrief.gazetteer import Gazetteer
from geobrief.model import Mention
from geobrief.text import sentence_spans

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            (_c("ge", "Georgia", 42.0, 43.5, "country", "GE", 3_700_000), []),
            (_c("us", "United States", 39.8, -98.5, "country", "US", 310_000_000), [("U.S.", "abbrev")]),
            (_c("tbi", "Tbilisi", 41.7, 44.8, "city", "GE", 1_100_000), []),
            (_c("par", "Paris", 48.85, 2.35, "city", "FR", 2_100_000), []),
            (_c("lon", "London", 51.5, -0.12, "city", "GB", 8_900_000), []),
            (_c("hag", "The Hague", 52.08, 4.3, "city", "NL", 500_000), []),
            (_c("atl", "Atlanta", 33.75, -84.39, "city", "US", 460_000), []),
            (_c("kut", "Kutaisi", 42.27, 42.7, "city", "GE"), []),  # known, but no population: obscure
        ]
    )


class _Stub:
    """A base recogniser that returns the given words wherever they occur."""

    def __init__(self, *words: str) -> None:
        self.words = words

    def recognize(
        self, text: str, article_id: str = "", sentences: list[tuple[int, int]] | None = None
    ) -> list[Mention]:
        out = []
        for w in self.words:
            i = text.find(w)
            while i >= 0:
                out.append(Mention(article_id, i, i + len(w), w))
                i = text.find(w, i + 1)
        return sorted(out, key=lambda m: m.start)


# -- without spaCy: errors come first ---------------------------------------------


def test_missing_spacy_raises_missing_dependency_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from geobrief import recognize_spacy

    monkeypatch.setitem(sys.modules, "spacy", None)  # makes "import spacy" fail
    monkeypatch.setattr(recognize_spacy, "_MODELS", {})
    with pytest.raises(MissingDependencyError, match=r"geobrief\[spacy\]") as info:
        recognize_spacy.load_spacy_model()
    assert isinstance(info.value, GeobriefError) and isinstance(info.value, ImportError)
    assert isinstance(info.value.__cause__, ImportError)


def test_bad_mode_and_missing_gazetteer_are_rejected_before_loading() -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    with pytest.raises(ValueError, match="unknown mode"):
        SpacyRecognizer(None, mode="majority", nlp=object())
    with pytest.raises(ValueError, match="needs a gazetteer"):
        SpacyRecognizer(None, mode="vote", nlp=object())


# -- with spaCy ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    pytest.importorskip("spacy")
    from geobrief.recognize_spacy import load_spacy_model

    return load_spacy_model()


def texts(mentions: list[Mention]) -> list[str]:
    return [m.text for m in mentions]


def test_unknown_model_package_raises_missing_dependency(nlp) -> None:
    from geobrief.recognize_spacy import load_spacy_model

    with pytest.raises(MissingDependencyError, match="no_such_spacy_model"):
        load_spacy_model("no_such_spacy_model")


def test_model_is_loaded_once_and_keeps_only_what_ner_needs(nlp) -> None:
    from geobrief.recognize_spacy import load_spacy_model

    assert load_spacy_model() is nlp
    assert "ner" in nlp.pipe_names
    assert not {"parser", "tagger", "lemmatizer"} & set(nlp.pipe_names)


def test_spacy_alone_finds_places_not_people_with_exact_offsets(nlp) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    rec = SpacyRecognizer(None, mode="spacy", nlp=nlp)
    text = "Paris Hilton attended the gala. Later she flew to Tbilisi."
    ms = rec.recognize(text, "art-1", sentence_spans(text))
    assert texts(ms) == ["Tbilisi"]
    m = ms[0]
    assert text[m.start : m.end] == m.text and m.article_id == "art-1"
    assert text[m.sentence_start : m.sentence_end] == "Later she flew to Tbilisi."


def test_spacy_alone_strips_a_leading_the(nlp) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    rec = SpacyRecognizer(None, mode="spacy", nlp=nlp)
    text = "Troops from the United States arrived in Tbilisi."
    assert texts(rec.recognize(text, "a")) == ["United States", "Tbilisi"]


def test_the_is_kept_when_the_gazetteer_knows_the_name_with_it(nlp, gaz: Gazetteer) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    rec = SpacyRecognizer(gaz, mode="vote", nlp=nlp, base=_Stub())
    assert texts(rec.recognize("Delegates met in The Hague on Tuesday.", "a")) == ["The Hague"]


def test_default_mode_uses_the_gazetteer_recogniser(nlp, gaz: Gazetteer) -> None:
    from geobrief.recognize import Recognizer
    from geobrief.recognize_spacy import SpacyRecognizer

    rec = SpacyRecognizer(gaz, nlp=nlp)
    assert rec.mode == "vote" and isinstance(rec.base, Recognizer)
    text = "Paris Hilton attended the gala in Tbilisi, Georgia."
    ms = rec.recognize(text, "a")
    assert texts(ms) == ["Tbilisi", "Georgia"]
    assert all(text[m.start : m.end] == m.text for m in ms)


def test_vote_adds_only_well_known_spacy_places(nlp, gaz: Gazetteer) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    text = "Talks moved from Tbilisi to Kutaisi and Zestafoni on Monday."
    vote = SpacyRecognizer(gaz, mode="vote", nlp=nlp, base=_Stub())
    union = SpacyRecognizer(gaz, mode="union", nlp=nlp, base=_Stub())
    # "Kutaisi" is an obscure gazetteer entry here, "Zestafoni" is not in it at all
    assert texts(vote.recognize(text, "a")) == ["Tbilisi"]
    assert texts(union.recognize(text, "a"))[:2] == ["Tbilisi", "Kutaisi"]


def test_vote_does_not_add_a_name_spacy_calls_a_person_in_the_article(nlp, gaz: Gazetteer) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    text = "Georgia Smith won the race. Georgia said she trained hard."
    vote = SpacyRecognizer(gaz, mode="vote", nlp=nlp, base=_Stub())
    union = SpacyRecognizer(gaz, mode="union", nlp=nlp, base=_Stub())
    assert "Georgia" in texts(union.recognize(text, "a"))  # spaCy takes the second "Georgia" for a place
    assert "Georgia" not in texts(vote.recognize(text, "a"))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The novel by Jack London was reprinted in Tbilisi.", "London"),  # inside a person's name
        ("The festival runs until Christmas Day in Tbilisi.", "Christmas"),  # inside a date
    ],
)
def test_vote_drops_base_mentions_spacy_shows_are_part_of_a_non_place(
    nlp, gaz: Gazetteer, text: str, word: str
) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    base = _Stub(word, "Tbilisi")
    assert texts(SpacyRecognizer(gaz, mode="union", nlp=nlp, base=base).recognize(text, "a")) == [
        word,
        "Tbilisi",
    ]
    assert texts(SpacyRecognizer(gaz, mode="vote", nlp=nlp, base=base).recognize(text, "a")) == ["Tbilisi"]


def test_vote_keeps_known_places_spacy_calls_organisations(nlp, gaz: Gazetteer) -> None:
    # "Georgia Power" is an ORG to spaCy; a known place inside it is left to the base recogniser's judgement
    from geobrief.recognize_spacy import SpacyRecognizer

    text = "Shares of Georgia Power fell in Atlanta."
    rec = SpacyRecognizer(gaz, mode="vote", nlp=nlp, base=_Stub("Georgia", "Atlanta"))
    assert texts(rec.recognize(text, "a")) == ["Georgia", "Atlanta"]


def test_empty_text(nlp, gaz: Gazetteer) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    assert SpacyRecognizer(gaz, nlp=nlp).recognize("", "a") == []
    assert SpacyRecognizer(gaz, nlp=nlp).recognize("  \n ", "a") == []


@pytest.mark.slow
def test_long_text_is_cut_between_sentences_and_offsets_stay_exact(nlp) -> None:
    from geobrief.recognize_spacy import SpacyRecognizer

    rec = SpacyRecognizer(None, mode="spacy", nlp=nlp)
    sentence = "Officials flew to Tbilisi on Monday. "
    text = sentence * 3000  # > 100,000 characters: processed in pieces
    ms = rec.recognize(text, "long")
    assert len(ms) == 3000
    assert all(text[m.start : m.end] == "Tbilisi" == m.text for m in ms)


def test_registered_as_a_pipeline_recognizer(nlp, gaz: Gazetteer) -> None:
    from geobrief.pipeline import Pipeline, components
    from geobrief.recognize_spacy import SpacyRecognizer

    assert "spacy" in components("recognizer")
    pipe = Pipeline(gazetteer=gaz, recognizer="spacy")
    assert isinstance(pipe.recognizer, SpacyRecognizer)
    text = "Paris Hilton attended the gala in Tbilisi."
    assert texts(pipe.recognizer.recognize(text, "a", sentence_spans(text))) == ["Tbilisi"]


@pytest.mark.eval
@pytest.mark.slow
def test_vote_is_at_least_as_good_as_the_gazetteer_recogniser_on_tr_news(nlp) -> None:
    path = EVAL_DIR / "tr_news.jsonl"
    if not path.is_file():
        pytest.skip("evaluation corpora absent")
    from geobrief.evaluate import read_corpus
    from geobrief.gazetteer import load_gazetteer
    from geobrief.recognize import Recognizer
    from geobrief.recognize_spacy import SpacyRecognizer

    gazetteer = load_gazetteer(progress=False)
    base = Recognizer(gazetteer)
    systems = {"base": base, "vote": SpacyRecognizer(gazetteer, nlp=nlp, base=base)}
    counts = {name: [0, 0, 0] for name in systems}  # tp, predicted, gold
    for doc in read_corpus(path):
        gold = {(t["start"], t["end"]) for t in doc["toponyms"]}
        sentences = sentence_spans(doc["text"])
        for name, rec in systems.items():
            pred = {(m.start, m.end) for m in rec.recognize(doc["text"], doc["id"], sentences)}
            c = counts[name]
            c[0] += len(pred & gold)
            c[1] += len(pred)
            c[2] += len(gold)

    def f1(tp: int, n_pred: int, n_gold: int) -> float:
        return 2 * tp / (n_pred + n_gold)

    assert f1(*counts["vote"]) >= f1(*counts["base"])
