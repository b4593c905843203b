"""--jobs N: worker processes, results in input order, output identical to one process."""

from __future__ import annotations

import json
import os

import pytest
from news_factory import made_up_articles

from geobrief import parallel
from geobrief.cli import _record_line, main
from geobrief.model import Article
from geobrief.parallel import analyse_articles, usable_cores


def _articles(n: int) -> list[Article]:
    return made_up_articles(n, seed=3, prefix="art-", copy=False)


def test_usable_cores_is_the_affinity_mask():
    assert usable_cores() == len(os.sched_getaffinity(0))


def test_workers_give_the_same_records_in_input_order():
    articles = _articles(14)
    one = list(analyse_articles(articles, jobs=1, transform=_record_line))
    two = list(analyse_articles(articles, jobs=2, chunk_size=3, transform=_record_line))
    assert two == one
    assert [json.loads(line)["id"] for line, _ in two] == [a.id for a in articles]
    assert any(json.loads(line)["places"] for line, _ in two)


def test_a_small_input_runs_in_this_process(monkeypatch):
    def no_workers(*args, **kwargs):
        raise AssertionError("a worker pool was started for one chunk")

    import concurrent.futures

    # the pipeline imports the pool where it starts one (a one-process run never loads multiprocessing)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_workers)
    got = list(analyse_articles(_articles(5), jobs=4, chunk_size=5))
    assert [a.article.id for a in got] == [f"art-{i:03d}" for i in range(5)]


def test_input_is_read_lazily_with_a_bounded_number_of_chunks_in_flight():
    pulled = 0

    def stream():
        nonlocal pulled
        for a in _articles(400):
            pulled += 1
            yield a

    results = analyse_articles(stream(), jobs=2, chunk_size=4)
    first = next(results)
    assert first.article.id == "art-000"
    # 2 * jobs chunks in flight, plus the look-ahead of one chunk: far from all 400
    assert pulled <= (2 * 2 + 2) * 4
    results.close()


def test_signatures_are_computed_with_the_analysis():
    from geobrief.dedup import signature

    articles = _articles(6)
    got = list(analyse_articles(articles, jobs=2, chunk_size=2, signatures=True))
    assert [g.signature.digest for g in got] == [signature(a.text).digest for a in articles]


def test_jobs_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["extract", "seeds/", "--jobs", "0"])
    assert exc.value.code == 2
    assert "at least 1" in capsys.readouterr().err


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    # more than one chunk (parallel.CHUNK_SIZE), so that two workers really run
    arts = _articles(parallel.CHUNK_SIZE * 2 + 7)
    arts.append(Article("copy-of-1", "Reposted: " + arts[1].text))
    path.write_text(
        "".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}) + "\n" for a in arts),
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_extract_jobs_2_is_byte_identical_to_jobs_1(feed, tmp_path):
    assert main(["extract", str(feed), "--jobs", "1", "-o", str(tmp_path / "one.jsonl")]) == 0
    assert main(["extract", str(feed), "--jobs", "2", "-o", str(tmp_path / "two.jsonl")]) == 0
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one == (tmp_path / "two.jsonl").read_bytes()
    assert len(one.splitlines()) == parallel.CHUNK_SIZE * 2 + 8


@pytest.mark.slow
def test_build_jobs_2_is_byte_identical_to_jobs_1(feed, tmp_path):
    for n in ("1", "2"):
        assert main(["build", str(feed), "--jobs", n, "--out", str(tmp_path / n), "-q"]) == 0
    for name in ("places.geojson", "briefing.html"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
    geojson = json.loads((tmp_path / "2" / "places.geojson").read_text(encoding="utf-8"))
    claims = [c for f in geojson["features"] for c in f["properties"]["claims"]]
    # the repost of art-001 is counted as a copy, not as another source
    assert any(c["copies"] > c["sources"] for c in claims)
