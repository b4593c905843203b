"""Reading articles: formats, encodings, ids, and bad inputs reported without losing the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobrief.errors import InputError
from geobrief.io import decode_bytes, read_inputs

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_reads_seed_folder_in_path_order_with_stable_ids():
    articles, failures = read_inputs([SEEDS])
    assert failures == []
    assert [a.id for a in articles] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    again, _ = read_inputs([SEEDS])
    assert [a.id for a in again] == [a.id for a in articles]
    assert all(a.text.strip() for a in articles)


def test_text_title_line_is_taken_only_when_it_looks_like_a_title(tmp_path):
    titled = tmp_path / "t.txt"
    titled.write_text("Floods hit the valley\n\nHeavy rain fell on Tuesday.\n", encoding="utf-8")
    plain = tmp_path / "p.txt"
    plain.write_text("Heavy rain fell on Tuesday.\nRivers rose.\n", encoding="utf-8")
    (a,), _ = read_inputs([titled])
    (b,), _ = read_inputs([plain])
    assert a.title == "Floods hit the valley" and a.text == "Heavy rain fell on Tuesday."
    assert b.title is None and b.text.startswith("Heavy rain")


def test_markdown_heading_is_title_and_links_are_text(tmp_path):
    md = tmp_path / "story.md"
    md.write_text("# Talks in Vienna\n\nDelegates met in [Vienna](https://example.org) on **Monday**.\n")
    (a,), _ = read_inputs([md])
    assert a.title == "Talks in Vienna"
    assert a.text == "Delegates met in Vienna on Monday."


def test_html_main_text_title_url_and_date(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        """<!doctype html><html><head><title>Ignored title</title>
        <meta property="og:title" content="Quake strikes coast">
        <meta property="og:url" content="https://news.example/quake">
        <meta property="article:published_time" content="2025-03-04T10:00:00Z">
        <script>var x = "Paris";</script></head>
        <body><nav><p>Home | World</p></nav><article><h1>Quake strikes coast</h1>
        <p>An earthquake struck Lima on Monday.</p><p>Rescuers &amp; volunteers arrived.</p></article>
        <footer><p>Copyright</p></footer></body></html>""",
        encoding="utf-8",
    )
    (a,), failures = read_inputs([page])
    assert failures == []
    assert a.title == "Quake strikes coast"
    assert a.url == "https://news.example/quake"
    assert a.published == "2025-03-04T10:00:00Z"
    assert a.text == "An earthquake struck Lima on Monday.\n\nRescuers & volunteers arrived."


def test_json_and_jsonl_records_keep_metadata_and_report_bad_lines(tmp_path):
    jl = tmp_path / "feed.jsonl"
    jl.write_text(
        json.dumps(
            {"id": "x1", "text": "Troops left Kabul.", "url": "https://e.org/1", "published": "2024-01-02"}
        )
        + "\n{not json\n"
        + json.dumps({"title": "no text"})
        + "\n"
        + json.dumps({"text": "Protesters gathered in Lagos.", "source": "Wire"})
        + "\n",
        encoding="utf-8",
    )
    js = tmp_path / "one.json"
    js.write_text(json.dumps([{"text": "Talks in Doha."}, {"text": "Fire in Perth."}]), encoding="utf-8")
    articles, failures = read_inputs([jl, js])
    assert [a.id for a in articles] == ["x1", "feed-4", "one-1", "one-2"]
    assert articles[0].url == "https://e.org/1" and articles[0].published == "2024-01-02"
    assert articles[1].source == "Wire"
    assert [f.source for f in failures] == [f"{jl}:2", f"{jl}:3"]
    assert "invalid JSON" in failures[0].reason and "text" in failures[1].reason


def test_other_encodings_are_decoded_not_rejected(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le président est arrivé à Genève et à Zürich hier soir.".encode("cp1252"))
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("Talks opened in Reykjavík.".encode("utf-16"))
    articles, failures = read_inputs([latin, utf16])
    assert failures == []
    assert "Genève" in articles[0].text and "Zürich" in articles[0].text
    assert articles[1].text == "Talks opened in Reykjavík."


def test_bad_inputs_are_reported_by_name_and_the_rest_still_read(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Aid reached Gaza.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    missing = tmp_path / "missing.txt"
    articles, failures = read_inputs([empty, binary, missing, good])
    assert [a.text for a in articles] == ["Aid reached Gaza."]
    reasons = {Path(f.source).name: f.reason for f in failures}
    assert set(reasons) == {"empty.txt", "image.txt", "missing.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["image.txt"]
    assert "no such file" in reasons["missing.txt"]


def test_duplicate_ids_are_made_unique_deterministically(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("One in Oslo.")
    (tmp_path / "b" / "story.txt").write_text("Two in Bergen.")
    articles, _ = read_inputs([tmp_path])
    assert [a.id for a in articles] == ["story", "story-2"]


def test_decode_bytes_rejects_binary_with_input_error():
    with pytest.raises(InputError) as info:
        decode_bytes(b"\x00\x01\x02\x03binary", "blob")
    assert isinstance(info.value, ValueError) and "blob" in str(info.value)


def test_utf16_line_ends_are_normalised_and_bomless_utf16_is_text(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffTalks in Reykjavík.\r\nMore talks in Oslo.\r\n".encode("utf-16-le"))
    bare = tmp_path / "bare.txt"
    bare.write_bytes("Talks in Oslo and Bergen.".encode("utf-16-le"))
    articles, failures = read_inputs([bom, bare])
    assert failures == []
    assert articles[0].text == "Talks in Reykjavík.\nMore talks in Oslo."
    assert articles[1].text == "Talks in Oslo and Bergen."


def test_markdown_front_matter_gives_title_date_url_and_id(tmp_path):
    md = tmp_path / "vienna.md"
    md.write_text(
        '---\ntitle: "Talks in Vienna"\ndate: 2025-01-02\nurl: https://e.org/v\ntags:\n  - talks\n---\n\n'
        "# Talks in Vienna\n\nDelegates met in Vienna on Monday.\n",
        encoding="utf-8",
    )
    prose = tmp_path / "rule.md"
    prose.write_text("---\nDelegates met in Vienna.\n---\nMore.\n", encoding="utf-8")
    (a, b), failures = read_inputs([md, prose])
    assert failures == []
    assert (a.id, a.title, a.published, a.url) == (
        "vienna",
        "Talks in Vienna",
        "2025-01-02",
        "https://e.org/v",
    )
    assert a.text == "Delegates met in Vienna on Monday."
    assert "Delegates met in Vienna." in b.text  # a rule above prose is no front matter


def test_html_news_page_keeps_the_story_and_drops_page_furniture(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(
        """<!doctype html><html><head><title>Quake | Site</title>
        <script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle",
          "headline": "Quake strikes Lima", "datePublished": "2025-02-01",
          "mainEntityOfPage": {"@id": "https://e.org/quake"}, "publisher": {"name": "Example News"}}]}</script>
        </head><body>
        <div class="cookie-banner"><p>We use cookies.</p></div>
        <amp-sidebar><ul><li>Home</li></ul></amp-sidebar>
        <article class="teaser"><p>Short teaser about Oslo.</p></article>
        <article><h1>Quake strikes Lima</h1><div class="byline">By A. Writer</div>
        <div class="share-tools"><a>Share on X</a></div>
        <p>An earthquake struck Lima on Saturday.</p>
        <div>Rescuers came from Cusco.<br>Aid followed from Arequipa.</div>
        <div class="ad">Advertisement</div>
        <ul class="related-links"><li>Floods in Dhaka</li></ul>
        </article></body></html>""",
        encoding="utf-8",
    )
    (a,), failures = read_inputs([page])
    assert failures == []
    assert (a.title, a.published, a.url, a.source) == (
        "Quake strikes Lima",
        "2025-02-01",
        "https://e.org/quake",
        "Example News",
    )
    assert a.text == (
        "An earthquake struck Lima on Saturday.\n\nRescuers came from Cusco.\n\nAid followed from Arequipa."
    )


def test_html_without_article_keeps_text_outside_paragraphs(tmp_path):
    page = tmp_path / "plain.html"
    page.write_text(
        "<html><body><div class='menu'><a>Home</a> | <a>News</a></div>"
        "<div><p>A fire broke out in Perth.</p>Crews came from Fremantle.</div></body></html>",
        encoding="utf-8",
    )
    (a,), _ = read_inputs([page])
    assert a.text == "A fire broke out in Perth.\n\nCrews came from Fremantle."


def test_json_object_with_articles_list_names_each_bad_record(tmp_path):
    js = tmp_path / "bundle.json"
    js.write_text(
        json.dumps({"articles": [{"text": "Talks in Doha.", "id": "  "}, {"title": "no text"}]}),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"articles": "oops"}), encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    articles, failures = read_inputs([js, bad, empty])
    assert [a.id for a in articles] == ["bundle-1"]  # a blank id falls back to the file's
    assert [(Path(f.source).name, f.reason) for f in failures] == [
        ("bundle.json:articles[1]", "record has no 'text'"),
        ("bad.json", "'articles' must be a list of objects"),
        ("empty.json", "no article records (empty list)"),
    ]


def test_same_file_twice_or_through_a_link_is_read_once(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Troops left Kabul.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "alias.txt").symlink_to(story)
    articles, failures = read_inputs([story, story, tmp_path])
    assert [a.id for a in articles] == ["story"]
    assert failures == []


def test_folder_skips_other_types_and_reports_broken_links(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("Story in Oslo.", encoding="utf-8")
    (tmp_path / "a" / "scan.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    (tmp_path / "a" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    articles, failures = read_inputs([tmp_path, tmp_path / "gone.txt"])
    assert [a.id for a in articles] == ["deep"]
    assert [(Path(f.source).name, f.reason) for f in failures] == [
        ("gone.txt", "broken symbolic link"),
        ("gone.txt", "broken symbolic link"),
    ]
    assert all(not Path(a.id).is_absolute() and "/" not in a.id for a in articles)
