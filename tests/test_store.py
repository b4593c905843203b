"""The Dask store: ingest on a LocalCluster, append, replace, filters, equality with one process."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("dask", reason="the Dask store needs the 'scale' extra: pip install 'geobrief[scale]'")
pytest.importorskip(
    "distributed", reason="the Dask store needs the 'scale' extra: pip install 'geobrief[scale]'"
)
pytest.importorskip("pyarrow", reason="the Dask store needs the 'scale' extra: pip install 'geobrief[scale]'")

from news_factory import made_up_articles as _articles  # noqa: E402

from geobrief.cli import main  # noqa: E402
from geobrief.io import read_file, read_inputs, read_jsonl_range  # noqa: E402
from geobrief.model import Article  # noqa: E402
from geobrief.pipeline import brief  # noqa: E402
from geobrief.store import (  # noqa: E402
    MANIFEST,
    StoreError,
    brief_store,
    ingest,
    ingest_files,
    latest_batches,
    plan_inputs,
)


@pytest.fixture(scope="module")
def cluster():
    from geobrief.store import local_cluster

    # two worker processes, one thread each: as a real cluster (each opens the gazetteer once)
    with local_cluster(2) as c:
        yield c


@pytest.mark.slow
def test_local_cluster_workers_have_one_thread_and_glibc_default_malloc(cluster):
    import os

    from distributed import Client

    with Client(cluster) as client:
        assert sorted(client.nthreads().values()) == [1, 1]
        # Dask's default MALLOC_TRIM_THRESHOLD_ makes the duplicate signature 2-3x slower
        envs = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert list(envs.values()) == [None, None]


@pytest.fixture(scope="module")
def articles():
    return _articles(23)


@pytest.fixture(scope="module")
def cluster_store(cluster, articles, tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    report = ingest(articles, root, scheduler=cluster.scheduler_address, partition_size=5)
    return root, report


@pytest.mark.slow
def test_store_built_on_two_workers_equals_the_serial_briefing(cluster_store, articles):
    root, report = cluster_store
    assert (report.partitions, report.articles) == (5, 24)
    serial = brief(articles)
    stored = brief_store(root)
    assert stored.articles == serial.articles
    assert stored.places == serial.places  # claims, evidence, sources and copies included
    assert stored.unresolved == serial.unresolved
    assert stored.duplicates == serial.duplicates
    assert stored.duplicates["s-copy"] == "s000"
    assert stored.to_geojson() == serial.to_geojson()


@pytest.mark.slow
def test_cluster_and_synchronous_ingest_write_the_same_tables(cluster_store, articles, tmp_path):
    import pyarrow.parquet as pq

    root, _ = cluster_store
    ingest(articles, tmp_path, scheduler="synchronous", partition_size=5)
    for table in ("articles", "mentions", "claims"):
        files = sorted(p.name for p in (root / table).iterdir())
        assert files == sorted(p.name for p in (tmp_path / table).iterdir())
        assert len(files) == 5
        for name in files:
            assert pq.read_table(root / table / name).equals(pq.read_table(tmp_path / table / name))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # inside dask-geopandas, not ours
def test_tables_are_geoparquet_for_geopandas_and_dask_geopandas(cluster_store):
    import geopandas as gpd

    root, report = cluster_store
    claims = gpd.read_parquet(root / "claims")
    assert claims.crs.to_epsg() == 4326
    assert len(claims) == report.claims and report.claims > 0
    assert {
        "place_id",
        "event",
        "modality",
        "confidence",
        "attribution",
        "evidence_start",
        "evidence_end",
    } <= set(claims.columns)
    aleppo = claims[claims.place_id == "geonames:170063"]
    assert not aleppo.empty and aleppo.geometry.x.round(1).eq(37.2).all()
    dgpd = pytest.importorskip("dask_geopandas", reason="pip install 'geobrief[scale]'")
    mentions = dgpd.read_parquet(root / "mentions")
    assert mentions.npartitions == 5 and len(mentions.compute()) == report.mentions
    import pandas as pd

    arts = pd.read_parquet(root / "articles")
    assert len(arts) == 24 and arts.dup_minhash.map(len).eq(512).all()


def test_append_adds_partitions_and_reingest_replaces_an_article(tmp_path):
    first = _articles(6)
    ingest(first, tmp_path, scheduler="synchronous", partition_size=4)
    old = {p: p.read_bytes() for p in sorted((tmp_path / "claims").iterdir())}
    changed = Article(
        "s001", "Floods swept through villages near Lviv.", title="Corrected", published="2025-03-09"
    )
    report = ingest(
        [changed, *_articles(3, seed=9, prefix="t")], tmp_path, scheduler="synchronous", partition_size=4
    )
    assert report.batch == "b000002" and report.replaced == 1
    # old partitions untouched, new ones added
    now = sorted((tmp_path / "claims").iterdir())
    assert all(p.read_bytes() == data for p, data in old.items())
    assert len(now) == len(old) + 2  # five articles, four a partition
    assert latest_batches(tmp_path)["s001"] == "b000002"
    b = brief_store(tmp_path)
    ids = [a.id for a in b.articles]
    assert len(ids) == len(set(ids)) == 7 + 4  # s001 once; three new and their copy
    assert b.article("s001").title == "Corrected"
    assert "s001" in b.place("Lviv").articles
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert [x["batch"] for x in manifest["batches"]] == ["b000001", "b000002"]


def test_filters_select_articles_places_and_claims(tmp_path):
    arts = _articles(12)
    ingest(arts, tmp_path, scheduler="synchronous", partition_size=5)
    everything = brief_store(tmp_path)

    since = brief_store(tmp_path, since="2025-03-10")
    assert {a.id for a in since.articles} == {a.id for a in arts if a.published >= "2025-03-10"}

    syria = brief_store(tmp_path, bbox="35,32,43,38")
    assert syria.places and all(35 <= p.lon <= 43 and 32 <= p.lat <= 38 for p in syria.places)
    assert {p.id for p in syria.places} < {p.id for p in everything.places}

    floods = brief_store(tmp_path, event="disaster")
    assert floods.claims and {c.event for c in floods.claims} == {"disaster"}
    assert all("Floods" in a.text for a in floods.articles)

    market = brief_store(tmp_path, query="MARKET")
    assert market.articles and all("market" in a.text.lower() for a in market.articles)
    assert len(market.articles) < len(everything.articles)

    with pytest.raises(StoreError):
        brief_store(tmp_path, bbox="1,2,3")
    with pytest.raises(StoreError):
        brief_store(tmp_path, event="picnic")


def test_an_id_twice_in_one_batch_is_refused(tmp_path):
    a = _articles(2)
    with pytest.raises(StoreError, match="s000"):
        ingest([a[0], a[1], a[0]], tmp_path, scheduler="synchronous")


def test_cli_extract_store_then_build_store(tmp_path):
    feed = tmp_path / "feed.jsonl"
    arts = _articles(8)
    feed.write_text(
        "".join(json.dumps({"id": a.id, "text": a.text, "published": a.published}) + "\n" for a in arts),
        encoding="utf-8",
    )
    store = tmp_path / "store"
    argv = ["extract", str(feed), "--store", str(store), "--partition-size", "3", "--jobs", "1"]
    assert main(argv) == 0
    assert main(["build", "--store", str(store), "--out", str(tmp_path / "a"), "-q"]) == 0
    assert main(["build", str(feed), "--jobs", "1", "--out", str(tmp_path / "b"), "-q"]) == 0
    assert (tmp_path / "a" / "places.geojson").read_bytes() == (
        tmp_path / "b" / "places.geojson"
    ).read_bytes()
    # nothing matches: says so, writes nothing
    assert main(["build", "--store", str(store), "--since", "2031-01-01", "--out", str(tmp_path / "c")]) == 3


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "seeds/", "--store", "x"],
        ["build", "seeds/", "--since", "2025-01-01"],
        ["build"],
        ["extract", "seeds/", "--scheduler", "tcp://127.0.0.1:1"],
        ["extract", "seeds/", "--store", "x", "-o", "y.jsonl"],
        ["build", "--store", "x", "--bbox", "40,30,35,38"],
        ["build", "--store", "x", "--since", "March"],
        ["build", "--store", "x", "--event", "picnic"],
    ],
)
def test_cli_store_usage_errors(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def test_build_from_a_folder_that_is_not_a_store(tmp_path, capsys):
    assert main(["build", "--store", str(tmp_path), "--out", str(tmp_path / "out")]) == 3
    assert "not a geobrief store" in capsys.readouterr().err


# -- tasks that read their own input (extract --store) -----------------------------------------
def _inputs(tmp_path):
    """A JSON Lines feed (an id twice, a bad record, a blank line, records without an id) and a
    folder of text files, as a user would give them."""
    arts = _articles(9)
    lines = [json.dumps({"id": a.id, "text": a.text, "published": a.published}) for a in arts]
    lines.insert(3, "{not json")
    lines.insert(5, "")
    lines.append(json.dumps({"id": arts[1].id, "text": "Floods reached Odesa again."}))  # s001 again
    lines.append(json.dumps({"text": "Troops left Homs."}))  # no id: feed-<line>
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("Market day\n\nShelling hit a market in Kharkiv.", encoding="utf-8")
    (folder / "s002.txt").write_text("The minister visited Latakia.", encoding="utf-8")  # id taken
    return [feed, folder]


def _same_tables(a, b):
    import pyarrow.parquet as pq

    for table in ("articles", "mentions", "claims"):
        files = sorted(p.name for p in (a / table).iterdir())
        assert files == sorted(p.name for p in (b / table).iterdir())
        for name in files:
            assert pq.read_table(a / table / name).equals(pq.read_table(b / table / name)), (table, name)


def test_jsonl_byte_ranges_read_the_same_records_as_the_whole_file(tmp_path):
    feed = _inputs(tmp_path)[0]
    whole = list(read_file(feed))
    parts, ids, failures = plan_inputs([feed], partition_size=4)
    assert [p.count for p in parts] == [4, 4, 4]
    assert all(s.end is not None for p in parts for s in p.sources)  # byte ranges, not whole files
    assert [f.source for f in failures] == [f"{feed}:4"]
    again = [
        item
        for p in parts
        for s in p.sources
        for item in read_jsonl_range(feed, s.start, s.end, s.first_line)
    ]
    assert again == whole
    assert "s001-2" in ids  # the second s001 made unique, as read_inputs does


def test_ingest_files_equals_ingest_of_the_articles_read_in_one_process(tmp_path):
    inputs = _inputs(tmp_path)
    articles, failures = read_inputs(inputs)
    ingest(articles, tmp_path / "a", scheduler="synchronous", partition_size=4)
    report = ingest_files(inputs, tmp_path / "b", scheduler="synchronous", partition_size=4)
    assert report.articles == len(articles) == 14
    assert [f.source for f in report.failures] == [f.source for f in failures]
    _same_tables(tmp_path / "a", tmp_path / "b")
    ids = [a.id for a in brief_store(tmp_path / "b").articles]
    assert {"s001", "s001-2", "feed-14", "a", "s002", "s002-2"} <= set(ids)


@pytest.mark.slow
def test_workers_read_their_own_byte_ranges(cluster, tmp_path):
    inputs = _inputs(tmp_path)
    ingest_files(inputs, tmp_path / "a", scheduler="synchronous", partition_size=3)
    report = ingest_files(inputs, tmp_path / "b", scheduler=cluster.scheduler_address, partition_size=3)
    assert report.partitions == 5
    _same_tables(tmp_path / "a", tmp_path / "b")


def test_an_input_changed_after_planning_fails_the_batch_and_adds_nothing(tmp_path):
    feed = _inputs(tmp_path)[0]
    plan = plan_inputs([feed], partition_size=4)
    lines = feed.read_text(encoding="utf-8").splitlines()
    feed.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # truncated under our feet
    with pytest.raises(StoreError, match="changed"):
        ingest_files([feed], tmp_path / "store", scheduler="synchronous", partition_size=4, plan=plan)
    assert not list((tmp_path / "store").glob("*/*.parquet"))
    manifest = tmp_path / "store" / MANIFEST
    assert not manifest.exists() or json.loads(manifest.read_text())["batches"] == []


def test_ids_on_disk_give_the_same_plan_and_replaced_count(tmp_path, monkeypatch):
    from geobrief import idset

    inputs = _inputs(tmp_path)
    ingest_files(inputs, tmp_path / "a", scheduler="synchronous", partition_size=4)
    again = ingest_files(inputs, tmp_path / "a", scheduler="synchronous", partition_size=4)
    monkeypatch.setattr(idset, "MEMORY_LIMIT", 2)  # every set of ids moves to disk
    ingest_files(inputs, tmp_path / "b", scheduler="synchronous", partition_size=4)
    report = ingest_files(inputs, tmp_path / "b", scheduler="synchronous", partition_size=4)
    assert report.replaced == again.replaced == 14  # every article of the batch, counted once
    _same_tables(tmp_path / "a", tmp_path / "b")
    parts, ids, _ = plan_inputs(inputs, partition_size=4)
    assert ids.on_disk and len(ids) == 14 and "s001-2" in ids


@pytest.mark.slow
def test_workers_with_threads_or_dask_malloc_setting_are_pointed_out(cluster):
    from distributed import Client, LocalCluster

    from geobrief.store import worker_advice

    with Client(cluster) as client:
        assert worker_advice(client) == []  # local_cluster: nothing to advise
    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as plain,
        Client(plain) as client,
    ):
        advice = worker_advice(client)
    assert len(advice) == 2
    assert "--nthreads 1" in advice[0] and "MALLOC_TRIM_THRESHOLD_" in advice[1]


@pytest.mark.slow
def test_local_worker_processes_share_a_small_batch():
    import os
    import time

    import dask

    from geobrief.store import compute

    def pid_after(seconds):
        time.sleep(seconds)
        return os.getpid()

    # four partitions, two processes: each takes some (Dask's pool used to give all to one)
    pids = compute([dask.delayed(pid_after)(0.5) for _ in range(4)], jobs=2)
    assert len(pids) == 4 and len(set(pids)) == 2 and os.getpid() not in pids
