"""Hostile input: one bad record, file or article never costs the others (issue 10, points 1 and 8)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from geobrief.cli import main
from geobrief.io import clean_article, iter_inputs, read_file, read_inputs
from geobrief.model import Article, Failure
from geobrief.pipeline import Pipeline, brief
from geobrief.render import save_briefing
from geobrief.text import clean_field, clean_text, printable

GOOD_1 = {"id": "good1", "text": "Russian troops withdrew from Aleppo on Monday."}
GOOD_2 = {"id": "good2", "text": "Protesters marched in Cairo on Friday."}

# Records that once ended the whole run with a traceback and nothing written.
HOSTILE_LINES = {
    "surrogate": '{"text": "Shelling in Homs \\ud800 went on.", "title": "T\\udfff", "url": "http://x/\\ud800"}',
    "huge integer": '{"text": "Talks in Doha.", "n": ' + "9" * 5000 + "}",
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "not an object": "[1, 2, 3]",
    "cut short": '{"text": "Talks in Doha',
    "bad utf-8": b'{"text": "\xff\xfe\xfa Floods in Dhaka."}',
}


def _feed(path: Path, middle: list[str | bytes]) -> Path:
    lines = [json.dumps(GOOD_1).encode()] + [m if isinstance(m, bytes) else m.encode() for m in middle]
    path.write_bytes(b"\n".join([*lines, json.dumps(GOOD_2).encode()]) + b"\n")
    return path


def test_hostile_json_lines_records_are_skipped_by_name_and_the_rest_read(tmp_path):
    feed = _feed(tmp_path / "feed.jsonl", list(HOSTILE_LINES.values()))
    articles, failures = read_inputs([feed])
    ids = [a.id for a in articles]
    assert ids[0] == "good1" and ids[-1] == "good2"
    by_line = {f.source: f.reason for f in failures}
    assert f"{feed}:3" in by_line and "4300 digits" in by_line[f"{feed}:3"]
    assert f"{feed}:4" in by_line and "nested too deeply" in by_line[f"{feed}:4"]
    assert f"{feed}:5" in by_line and "not a JSON object" in by_line[f"{feed}:5"]
    assert f"{feed}:6" in by_line and "invalid JSON" in by_line[f"{feed}:6"]
    # the surrogate record is read, cleaned: no lone surrogate reaches a later stage
    homs = next(a for a in articles if "Homs" in a.text)
    for value in (homs.text, homs.title, homs.url):
        value.encode("utf-8")
    assert "\ufffd" in homs.text and homs.text.index("Homs") == "Shelling in Homs".index("Homs")


def test_build_with_hostile_records_writes_the_good_articles_and_exits_1(tmp_path, capsys):
    feed = _feed(tmp_path / "feed.jsonl", list(HOSTILE_LINES.values()))
    out = tmp_path / "out"
    status = main(["build", str(feed), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1  # some input skipped, the rest written
    geo = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in geo["features"]}
    assert {"Aleppo", "Cairo", "Homs"} <= names
    assert "Traceback" not in err
    assert f"skipped {feed}:3" in err and f"skipped {feed}:4" in err
    assert (out / "briefing.html").read_bytes().decode("utf-8")  # valid UTF-8 through and through


def test_whole_json_document_with_a_hostile_value_is_one_failure(tmp_path):
    huge = tmp_path / "huge.json"
    huge.write_text('[{"text": "Talks in Doha.", "n": ' + "1" * 5000 + "}]", encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD_1), encoding="utf-8")
    articles, failures = read_inputs([huge, deep, good])
    assert [a.id for a in articles] == ["good1"]
    assert [Path(f.source).name for f in failures] == ["huge.json", "deep.json"]


def test_an_error_analysing_one_article_skips_that_article_only(tmp_path):
    class Fragile:
        """A recogniser that fails on one kind of text, as a third-party component might."""

        def __init__(self, inner):
            self.inner = inner

        def recognize(self, text, article_id, sentences):
            if "boom" in text:
                raise RecursionError("maximum recursion depth exceeded")
            return self.inner.recognize(text, article_id, sentences)

    base = Pipeline()
    pipeline = Pipeline(gazetteer=base.gazetteer, recognizer=Fragile(base.recognizer))
    articles = [
        Article("a", "Troops left Aleppo.", origin="feed.jsonl:1"),
        Article("b", "boom in Homs", origin="feed.jsonl:2"),
        Article("c", "Protests in Cairo."),
    ]
    b = brief(articles, pipeline=pipeline)
    assert [a.id for a in b.articles] == ["a", "c"]
    assert [(f.source, f.reason) for f in b.failures] == [
        ("feed.jsonl:2", "cannot analyse (nested too deeply)")
    ]


@pytest.mark.parametrize(
    "field", ["text", "title", "url", "source", "published", "id", "origin"], ids=lambda f: f
)
def test_python_api_articles_with_lone_surrogates_and_controls_do_not_crash(field, tmp_path):
    values = {"id": "x", "text": "Troops withdrew from Aleppo on Monday."}
    values[field] = values.get(field, "") + "\ud800 \udfff\x00\x1b[2J"
    if field == "text":
        values[field] = "Troops withdrew from Aleppo\ud800 on Monday.\x00\x1b"
    b = brief([Article(**values)])
    assert len(b.articles) == 1 and not b.failures
    a = b.articles[0]
    for value in (a.id, a.text, a.title, a.url, a.source, a.published, a.origin):
        if value is not None:
            value.encode("utf-8")
            assert "\x00" not in value and "\x1b" not in value
    written = save_briefing(b, tmp_path)
    assert all(p.read_bytes().decode("utf-8") for p in written)
    if field == "text":
        assert {p.name for p in b.places} >= {"Aleppo"}


def test_cleaning_keeps_offsets_and_display_fields_are_one_line():
    text = "A\ud800B\x00C\x07D\nE\tF"
    assert clean_text(text) == "A\ufffdB C D\nE\tF" and len(clean_text(text)) == len(text)
    assert clean_text("plain text") is not None and clean_text("ok") == "ok"
    assert clean_field("  Floods\n in \x1b[31mDhaka\t ") == "Floods in [31mDhaka"
    assert clean_field(" \x00 ") is None
    a = Article("id\x1b", "x", title="t\ud800")
    cleaned = clean_article(a)
    assert cleaned.id == "id" and cleaned.title == "t\ufffd"
    clean = Article("id", "x")
    assert clean_article(clean) is clean


def test_json_lines_are_streamed_one_record_at_a_time(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"text": f"Story {i} in Oslo."}) for i in range(3)) + "\n")
    stream = iter_inputs([feed])
    first = next(stream)
    assert isinstance(first, Article) and first.id == "feed-1"
    # appended after the first record was read: a stream, not a file read whole at the start
    with open(feed, "a", encoding="utf-8") as f:
        f.write(json.dumps({"text": "Late story in Bergen."}) + "\n")
    assert [a.id for a in stream] == ["feed-2", "feed-3", "feed-4"]


def test_size_limit_skips_large_files_and_records_with_a_clear_message(tmp_path, capsys):
    big = tmp_path / "big.txt"
    big.write_text("Talks in Oslo. " * 200, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": "Talks in Oslo. " * 200}) + "\n" + json.dumps(GOOD_2) + "\n", encoding="utf-8"
    )
    small = tmp_path / "small.txt"
    small.write_text("Aid reached Gaza.", encoding="utf-8")
    articles, failures = read_inputs([big, feed, small], max_bytes=1000)
    assert [a.id for a in articles] == ["good2", "small"]
    assert [f.source for f in failures] == [str(big), f"{feed}:1"]
    assert all("over the limit of 1,000 bytes" in f.reason and "--max-bytes" in f.reason for f in failures)
    status = main(["extract", str(big), str(small), "--max-bytes", "1K"])
    captured = capsys.readouterr()
    assert status == 1
    assert f"skipped {big}: too large (3,000 bytes" in captured.err
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == ["small"]


def test_default_size_limit_is_generous():
    from geobrief.io import DEFAULT_MAX_BYTES

    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


def test_fifo_in_a_folder_is_reported_not_read_nor_skipped_silently(tmp_path):
    (tmp_path / "story.txt").write_text("Aid reached Gaza.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    os.mkfifo(tmp_path / "queue")
    articles, failures = read_inputs([tmp_path, tmp_path / "pipe.txt"])
    assert [a.id for a in articles] == ["story"]
    assert [(Path(f.source).name, f.reason) for f in failures] == [
        ("pipe.txt", "not a regular file (a named pipe)"),
        ("queue", "not a regular file (a named pipe)"),
        ("pipe.txt", "not a regular file (a named pipe)"),
    ]
    with pytest.raises(Exception, match="not a regular file"):
        list(read_file(tmp_path / "pipe.txt"))


def test_control_characters_in_file_names_never_reach_the_terminal(tmp_path, capsys):
    evil = tmp_path / "\x1b]0;pwned\x07\x1b[2Jstory.txt"
    evil.write_text("", encoding="utf-8")  # empty: reported by name
    raw = os.fsencode(tmp_path) + b"/bad\xffname.txt"  # not UTF-8: a surrogate in Python's str
    with open(raw, "wb") as f:
        f.write(b"")
    (tmp_path / "good.txt").write_text("Aid reached Gaza.", encoding="utf-8")
    status = main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;pwned\\x07\\x1b[2Jstory.txt" in err
    assert "bad\\udcffname.txt" in err
    assert printable("a\nb\udcff") == "a\\nb\\udcff"


def test_failures_carry_printable_sources(tmp_path):
    evil = tmp_path / "x\x1b[31m.txt"
    evil.write_text("", encoding="utf-8")
    items = list(iter_inputs([evil]))
    assert len(items) == 1 and isinstance(items[0], Failure)
    assert "\x1b" not in items[0].source and "\\x1b[31m" in items[0].source


def test_title_from_a_terminal_with_undecodable_bytes_and_escapes_is_cleaned(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Aid reached Gaza.", encoding="utf-8")
    title = os.fsdecode(b"Week \xff\x1b[31m 7")  # as argv gives bytes that are not UTF-8
    out = tmp_path / "out"
    assert main(["build", str(story), "--out", str(out), "--quiet", "--title", title]) == 0
    page = (out / "briefing.html").read_bytes().decode("utf-8")
    assert "<title>Week \ufffd [31m 7</title>" in page


def test_impossible_input_names_are_failures_not_crashes(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Aid reached Gaza.", encoding="utf-8")
    too_long = str(tmp_path / ("x" * 5000))
    articles, failures = read_inputs([too_long, "a\x00b.txt", good])
    assert [a.id for a in articles] == ["good"]
    assert [f.reason for f in failures] == ["cannot read: File name too long", "no such file or folder"]
    assert failures[1].source == "a\\x00b.txt"


@pytest.mark.parametrize(
    "text, title",
    [
        ("[" * 50_000 + "\n\nTalks in Oslo.", None),  # once quadratic in the Markdown link pattern
        ("](" * 50_000 + "\n\nTalks in Oslo.", None),
        ("# Floods" + " " * 50_000 + "in Dhaka\n\nRain fell.", "Floods in Dhaka"),  # one line, spaces folded
        ("---\ntitle: " + " " * 50_000 + "Floods\n---\nRain fell in Dhaka.", "Floods"),
    ],
    ids=["brackets", "link-ends", "heading-spaces", "front-matter-spaces"],
)
def test_markdown_shapes_found_by_the_fuzz_are_read_in_linear_time(tmp_path, text, title):
    # 50,000 characters: the old patterns needed about 10^9 steps here, the new ones one pass
    md = tmp_path / "page.md"
    md.write_text(text, encoding="utf-8")
    (a,), failures = read_inputs([md])
    assert failures == [] and a.title == title
    assert a.text.endswith(("Talks in Oslo.", "Rain fell.", "Rain fell in Dhaka."))
