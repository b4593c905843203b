"""A standing fuzz test: hostile bytes and strings through the readers and the whole pipeline never let
an exception escape (issue 10). A longer run: ``python bench/fuzz.py``."""

from __future__ import annotations

import json
import os

import pytest
from fuzz_cases import HOSTILE_CHARS, WORDS, check_clean
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geobrief.frames import places_geojson
from geobrief.io import SUPPORTED_SUFFIXES, iter_inputs
from geobrief.model import Article, Failure
from geobrief.pipeline import Pipeline, assemble
from geobrief.render.payload import build_payload, script_json

pytestmark = pytest.mark.slow

# Kept small for CI (about 30 s in all); bench/fuzz.py runs 50,000 cases.
_CI = settings(
    max_examples=int(os.environ.get("GEOBRIEF_FUZZ_EXAMPLES", "120")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

chars = st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS))
hostile_text = st.lists(chars, max_size=400).map("".join)  # some hostile pieces are several characters
huge_token = st.builds(
    lambda c, n: c * n, st.sampled_from(["A", "x", "9", "é", "\ud800", "-"]), st.integers(1, 6000)
)
# long runs without full stops, of capitalised words and place names
# (kept short: claim linking on dense runs is not yet linear, issue 10 point 2)
run = st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join)
article_text = st.lists(st.one_of(hostile_text, huge_token, run), min_size=1, max_size=4).map(" ".join)
field = st.one_of(st.none(), hostile_text, huge_token)


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline()


@given(article_text, field, field, field, field)
@_CI
def test_pipeline_survives_hostile_articles(pipeline, text, title, url, source, published):
    article = Article("fuzz", text, title=title, url=url, source=source, published=published)
    analysis = pipeline.analyse(article)  # not analyse_safely: nothing may escape at all
    check_clean(analysis.article)
    briefing = assemble([analysis])
    json.dumps(places_geojson(briefing), ensure_ascii=False).encode("utf-8")
    script_json(build_payload(briefing)).encode("utf-8")


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
record = st.fixed_dictionaries(
    {"text": st.one_of(article_text, json_value)},
    optional={k: json_value for k in ("id", "title", "url", "source", "published")},
)
# JSON lines: valid records with hostile strings (surrogate escapes), and raw damage
line = st.one_of(
    record.map(lambda r: json.dumps(r).encode()),
    st.binary(max_size=300),
    st.sampled_from(
        [b"[" * 20_000, b'{"text": 1' + b"0" * 5000 + b"}", b'{"text": "\\ud800"}', b"\xff\xfe\x00"]
    ),
)
file_bytes = st.one_of(
    st.lists(line, max_size=6).map(b"\n".join),
    st.binary(max_size=2000),
    article_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    article_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
)


@given(file_bytes, st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
@_CI
def test_readers_survive_hostile_files(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    items = list(iter_inputs([path, tmp_path]))
    assert items and all(isinstance(i, Article | Failure) for i in items)
    for item in items:
        if isinstance(item, Article):
            check_clean(item)
            assert item.text.strip()
        else:
            item.source.encode("utf-8")
            item.reason.encode("utf-8")
    path.unlink()
