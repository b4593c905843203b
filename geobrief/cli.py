"""The ``geobrief`` command: a thin layer over the library.

Only the standard library is imported at start, so ``geobrief --help``
answers at once; each command imports what it needs.

Exit status: 0 when everything went well, 1 when some input could not be
read (the rest is still processed and written), 2 for a usage error, 3 when
the command failed as a whole.  Online geocoder failures do not change it:
their names stay unresolved, and one summary line per service counts them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


def _whole_number(text: str, minimum: int, bound: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {bound}, not {value}")
    return value


def _positive(text: str) -> int:
    return _whole_number(text, 1, "at least 1")


def _count(text: str) -> int:
    return _whole_number(text, 0, "0 or more")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def _size(text: str) -> int:
    """A size in bytes, with an optional K, M or G suffix (``20M``, ``512KB``)."""
    import re

    m = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (bytes, or a number with K, M or G)")
    return _whole_number(m.group(1), 1, "at least 1") * _UNITS[m.group(2).upper()]


_EPILOG = """\
commands:
  build        read articles and write briefing.html + places.geojson
  extract      per-article places and claims as JSON Lines
  export       write the places as GeoJSON, GeoPackage, GeoParquet, KML or CSV
  snapshot     PNG of a briefing map (headless Chromium)
  eval         geoparsing scores on an annotated corpus
  eval-claims  status-claim scores on an annotated file
  train-claims retrain the claim scorer on annotated articles
  train-ranker retrain the place-name candidate ranker on the gold geoparsing corpora
  geocode      look a name up in the offline gazetteer
  gazetteer    build or inspect the offline gazetteer index

examples:
  geobrief build seeds/                      # -> output/briefing.html, output/places.geojson
  geobrief build news/ extra.jsonl --out brief/
  geobrief extract seeds/ --jsonl > places.jsonl
  geobrief eval ../shared/eval/lgl.jsonl --json
Run 'geobrief COMMAND --help' for a command's options and examples.
"""


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="geobrief",
        description="Turn news articles into an offline geospatial briefing.",
        epilog=_EPILOG,
        formatter_class=fmt,
    )
    p.add_argument("--version", action="version", version=f"geobrief {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def inputs(sp: argparse.ArgumentParser, nargs: str = "+") -> None:
        sp.add_argument(
            "inputs",
            nargs=nargs,
            metavar="INPUT",
            help="article files (.txt .md .html .json .jsonl) or folders",
        )
        sp.add_argument(
            "--geocoder",
            metavar="SERVICE",
            help="online geocoder for names the gazetteer lacks (e.g. nominatim); off by default",
        )
        sp.add_argument(
            "--user-agent", metavar="UA", help="user agent for the online geocoder (required by Nominatim)"
        )
        sp.add_argument(
            "--geocoder-url",
            metavar="URL",
            help="address of a self-hosted Nominatim, e.g. http://localhost:8080 (implies --geocoder nominatim)",
        )
        sp.add_argument(
            "--geocoder-timeout",
            type=_seconds,
            default=10.0,
            metavar="S",
            help="total seconds per online lookup, retries and redirects included (default: 10)",
        )
        sp.add_argument(
            "--geocoder-deadline",
            type=_seconds,
            default=300.0,
            metavar="S",
            help="total seconds the run may spend on online lookups; later ones fail at once (default: 300)",
        )
        sp.add_argument(
            "--no-approximate",
            action="store_true",
            help="leave streets, buildings and neighbourhoods unresolved instead of placing them at their town",
        )

        sp.add_argument(
            "--max-bytes",
            type=_size,
            default=None,
            metavar="SIZE",
            help="skip (and report) any input file or JSON Lines record larger than this "
            "(bytes, or e.g. 50M; default 20M)",
        )

    def jobs(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--jobs",
            "-j",
            type=_positive,
            metavar="N",
            help="worker processes (default: the usable CPU cores); the output is the same for any N",
        )

    b = sub.add_parser(
        "build",
        help="read articles and write the briefing",
        formatter_class=fmt,
        description="Read articles, find and resolve their places and claims, write briefing.html and places.geojson.",
        epilog="examples:\n  geobrief build seeds/\n  geobrief build a.txt b.html feed.jsonl --out brief/ --title 'Syria, week 7'\n"
        "  geobrief build seeds/ --cdn        # smaller HTML that loads Leaflet from a CDN\n"
        "  geobrief build --store store/ --since 2025-01-01 --bbox 35,32,43,38 --event attack",
    )
    inputs(b, "*")
    b.add_argument("--out", "-o", default="output", metavar="DIR", help="output folder (default: output/)")
    b.add_argument("--title", help="briefing title")
    b.add_argument(
        "--cdn", action="store_true", help="reference map scripts on CDNs instead of inlining them"
    )
    b.add_argument(
        "--no-tiles",
        dest="tiles",
        action="store_false",
        help="leave out the online OpenStreetMap tiles: the page then makes no request at all",
    )
    b.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    b.add_argument(
        "--warn-articles",
        type=_count,
        default=PAGE_WARN_ARTICLES,
        metavar="N",
        help=f"warn when the page holds more than N articles (default: {PAGE_WARN_ARTICLES:,}; 0: never)",
    )
    jobs(b)
    st = b.add_argument_group("from a store (filled by 'geobrief extract INPUT... --store DIR')")
    st.add_argument("--store", metavar="DIR", help="build from this store instead of INPUT files")
    st.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")
    st.add_argument("--bbox", metavar="W,S,E,N", help="only places inside this box (degrees)")
    st.add_argument("--event", metavar="EVENT", help="only claims of this event type (e.g. attack)")
    st.add_argument("--query", metavar="TEXT", help="only articles whose title or text holds TEXT")

    e = sub.add_parser(
        "extract",
        help="per-article places and claims as JSON Lines",
        formatter_class=fmt,
        description="One JSON object per article: {id, places: [{name, lat, lon, kind, claims: [...]}], unresolved}. "
        "No merging across articles.",
        epilog="examples:\n  geobrief extract seeds/ --jsonl\n  geobrief extract feed.jsonl --jsonl -o places.jsonl\n"
        "  geobrief extract archive/ --store store/                  # Dask on this machine\n"
        "  geobrief extract day.jsonl --store store/ --scheduler tcp://10.0.0.5:8786",
    )
    inputs(e)
    e.add_argument("--jsonl", action="store_true", help="JSON Lines output (the default and only format)")
    e.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    jobs(e)
    se = e.add_argument_group("Dask store (needs the 'scale' extra)")
    se.add_argument(
        "--store", metavar="DIR", help="add the articles to this partitioned GeoParquet store (a new batch)"
    )
    se.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="dask.distributed scheduler (tcp://host:8786); default: this machine",
    )
    se.add_argument(
        "--partition-size",
        type=_positive,
        default=1000,
        metavar="N",
        help="articles per partition (one task, one file per table; default 1000)",
    )

    x = sub.add_parser(
        "export",
        help="export the places to a GIS format",
        formatter_class=fmt,
        description="Write the briefing's places in the documented property schema.",
        epilog="examples:\n  geobrief export seeds/ -o places.gpkg\n  geobrief export seeds/ -o places.csv\n"
        "  geobrief export seeds/ -o places.parquet --format parquet",
    )
    inputs(x)
    x.add_argument(
        "--output", "-o", required=True, metavar="FILE", help="file to write; format from its suffix"
    )
    x.add_argument(
        "--format",
        "-f",
        choices=["geojson", "gpkg", "parquet", "kml", "csv"],
        help="format (default: from suffix)",
    )

    s = sub.add_parser(
        "snapshot",
        help="PNG of a briefing map",
        formatter_class=fmt,
        description="Open a briefing.html in headless Chromium and save a PNG of the map.",
        epilog="examples:\n  geobrief snapshot output/briefing.html -o briefing.png\n  geobrief snapshot output/\n"
        "  geobrief snapshot output/ -o docs/briefing.png --place Qamishli --zoom 6 --passage --palette",
    )
    s.add_argument("html", metavar="HTML_OR_DIR", help="briefing.html, or the folder holding it")
    s.add_argument("--output", "-o", metavar="PNG", help="PNG to write (default: beside the HTML)")
    s.add_argument("--width", type=_positive, default=1280, help="width in pixels (default: 1280)")
    s.add_argument("--height", type=_positive, default=800, help="height in pixels (default: 800)")
    s.add_argument("--place", metavar="NAME", help="open this place's popup (id, gazetteer or shown name)")
    s.add_argument("--zoom", type=_count, metavar="Z", help="zoom level of the view (e.g. 6)")
    s.add_argument(
        "--passage",
        action="store_true",
        help="with --place: follow the popup's first excerpt link (the panel highlights the passage)",
    )
    s.add_argument(
        "--palette", action="store_true", help="256-colour PNG, about a third of the size (for documents)"
    )

    ev = sub.add_parser(
        "eval",
        help="geoparsing scores on an annotated corpus",
        formatter_class=fmt,
        description="Recognition P/R/F1 (strict spans), resolution given gold spans and end to end "
        "(acc@161 km, mean/median km, AUC), and articles per second.",
        epilog="examples:\n  geobrief eval ../shared/eval/lgl.jsonl\n  geobrief eval ../shared/eval/tr_news.jsonl --gold-spans --json\n"
        "  geobrief eval ../shared/eval/geovirus.jsonl --errors 20",
    )
    ev.add_argument("file", metavar="FILE.jsonl")
    ev.add_argument("--gold-spans", action="store_true", help="only resolution given the gold spans")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument(
        "--errors", type=_count, default=0, metavar="N", help="list the N worst misses and false positives"
    )
    ev.add_argument(
        "--no-approximate",
        action="store_true",
        help="leave streets, buildings and neighbourhoods unresolved (see geobrief build --help)",
    )

    ec = sub.add_parser(
        "eval-claims",
        help="status-claim scores on an annotated file",
        formatter_class=fmt,
        description="Micro P/R/F1 over (place, event) pairs, modality accuracy and per-event F1, "
        "in the format of shared/eval/status_dev.jsonl.",
        epilog="examples:\n  geobrief eval-claims ../shared/eval/status_dev.jsonl\n  geobrief eval-claims tests/data/claims_testset.jsonl --json\n"
        "  geobrief eval-claims tests/data/claims_real/dev.jsonl --candidate-recall\n"
        "  geobrief eval-claims tests/data/claims_real/dev.jsonl --claims rules",
    )
    ec.add_argument("file", metavar="GOLD.jsonl")
    ec.add_argument("--json", action="store_true", help="print one JSON object")
    ec.add_argument(
        "--gold-places",
        action="store_true",
        help="use the gold places instead of recognising them (claims alone)",
    )
    ec.add_argument(
        "--claims",
        choices=("scored", "rules", "candidates"),
        default="scored",
        help="claim mode: the learned scorer (default), the role linker alone (the old extractor), "
        "or every candidate",
    )
    ec.add_argument(
        "--candidate-recall",
        action="store_true",
        help="also report the share of gold pairs that become candidates",
    )

    tc = sub.add_parser(
        "train-claims",
        help="retrain the claim scorer on annotated articles",
        formatter_class=fmt,
        description="Fit the logistic claim scorer on the candidates of annotated articles and write it "
        "as JSON (geobrief/rules/claim_scorer.json by default); the decision threshold is the one with "
        "the best pair F1 in grouped cross-validation. Deterministic: the same files give the same weights.",
        epilog="examples:\n  geobrief train-claims\n  geobrief train-claims tests/data/claims_real/dev.jsonl "
        "-o /tmp/scorer.json --json",
    )
    tc.add_argument(
        "files",
        nargs="*",
        metavar="GOLD.jsonl",
        help="annotated articles (default: tests/data/claims_real/dev.jsonl and shared/eval/status_dev.jsonl)",
    )
    tc.add_argument("-o", "--output", metavar="FILE", help="where to write the scorer")
    tc.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    tc.add_argument("--json", action="store_true", help="print the report as JSON")

    tr = sub.add_parser(
        "train-ranker",
        help="retrain the place-name candidate ranker on the gold corpora",
        formatter_class=fmt,
        description="Fit the candidate ranker (pairwise logistic regression over each candidate's features) "
        "on gold geoparsing corpora and report acc@161 given the gold spans per corpus: trained on the "
        "other corpora (leave one corpus out), trained on all (in sample), and the hand-weighted score. "
        "Deterministic: the same corpora give the same weights.",
        epilog="examples:\n  geobrief train-ranker\n  geobrief train-ranker -o geobrief/rules/ranker.json\n"
        "  geobrief train-ranker ../shared/eval/lgl.jsonl ../shared/eval/tr_news.jsonl --json",
    )
    tr.add_argument(
        "files",
        nargs="*",
        metavar="GOLD.jsonl",
        help="gold corpora (default: ../shared/eval/{lgl,tr_news,geovirus}.jsonl)",
    )
    tr.add_argument("-o", "--output", metavar="FILE", help="where to write the ranker (default: report only)")
    tr.add_argument("--json", action="store_true", help="print the report as JSON")

    g = sub.add_parser(
        "geocode",
        help="look a name up",
        formatter_class=fmt,
        description="Candidates for a place name in the offline gazetteer, best first.",
        epilog="examples:\n  geobrief geocode Tartus\n  geobrief geocode 'Moscow' --all\n  geobrief geocode 'Hmeimim Air Base' --json",
    )
    g.add_argument("name")
    g.add_argument("--all", action="store_true", help="every candidate, not only the best")
    g.add_argument("--json", action="store_true")

    z = sub.add_parser(
        "gazetteer",
        help="build or inspect the offline gazetteer index",
        formatter_class=fmt,
        description="The index is built once into the user's cache folder (GEOBRIEF_CACHE_DIR overrides). "
        "Its checksum is verified: a damaged index is reported and rebuilt.",
        epilog="examples:\n  geobrief gazetteer            # build if needed, print where and how big\n  geobrief gazetteer --rebuild",
    )
    z.add_argument("--rebuild", action="store_true", help="build again even if a current index exists")
    return p


def _version() -> str:
    from geobrief import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geobrief`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    handler = _COMMANDS[args.command]
    from geobrief.errors import GeobriefError

    restore = _terminate_on_sigterm()
    try:
        return handler(args)
    except _UsageError as exc:
        print(f"geobrief {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GeobriefError as exc:
        print(f"geobrief: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a file the command writes or reads, named by the error
        if isinstance(exc, BrokenPipeError):
            return EXIT_OK
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"geobrief: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        # Outputs are written all-or-previous (geobrief.atomic): the previous ones are still there.
        print(
            "geobrief: terminated" if isinstance(exc, _Terminated) else "geobrief: interrupted",
            file=sys.stderr,
        )
        return 143 if isinstance(exc, _Terminated) else 130
    finally:
        restore()


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every temporary file is removed on the way out."""


def _terminate_on_sigterm() -> Any:
    """Turn SIGTERM into :class:`_Terminated` while a command runs; return the undo."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _shown(value: Any) -> str:
    """A file name or other outside text, with control characters escaped for the terminal."""
    from geobrief.text import printable

    return printable(str(value))


class _UsageError(Exception):
    """A bad argument found by a command before it starts work (exit status 2)."""


def _check_writable(raw: str | Path, *, folder: bool, option: str) -> None:
    """Fail before any work if *raw* cannot be written (a file where a folder is wanted, ...)."""
    import os

    if not str(raw).strip():
        raise _UsageError(f"{option} must not be empty")
    path = Path(raw)
    if path.exists():
        if folder and not path.is_dir():
            raise _UsageError(f"{option} {path} is a file, not a folder")
        if not folder and path.is_dir():
            raise _UsageError(f"{option} {path} is a folder, not a file")
        target = path if folder else path.parent
    else:
        target = path.parent
    while not target.exists() and target != target.parent:
        target = target.parent
    if not target.is_dir():
        raise _UsageError(f"{option} {path}: {target} is a file, not a folder")
    if not os.access(target, os.W_OK | os.X_OK):
        raise _UsageError(f"{option} {path}: {target} is not writable")


def _geocoder(args: argparse.Namespace) -> Any:
    """The online geocoder the options ask for, or None (the default: offline only).

    Option mistakes are usage errors said in CLI terms.
    """
    if not args.geocoder and not args.geocoder_url:
        return None
    import os
    from urllib.parse import urlsplit

    from geopy.geocoders import SERVICE_TO_GEOCODER

    from geobrief.geocoders import get_geocoder
    from geobrief.geocoders.online import USER_AGENT_ENV

    name = (args.geocoder or "nominatim").strip().lower()
    if name not in SERVICE_TO_GEOCODER:
        raise _UsageError(
            f"unknown geocoder {args.geocoder!r}; choose one of: {', '.join(sorted(SERVICE_TO_GEOCODER))}"
        )
    if (
        name == "nominatim"
        and not args.geocoder_url
        and not args.user_agent
        and not os.environ.get(USER_AGENT_ENV)
    ):
        raise _UsageError(
            "the public Nominatim service requires a user agent that identifies your application: "
            f"add --user-agent 'my-app/1.0 (you@example.org)' (or set ${USER_AGENT_ENV})"
        )
    options: dict[str, Any] = {
        "user_agent": args.user_agent,
        "timeout": args.geocoder_timeout,
        "run_timeout": args.geocoder_deadline,
    }
    if args.geocoder_url:
        url = urlsplit(args.geocoder_url.strip())
        if url.scheme not in ("http", "https") or not url.netloc:
            raise _UsageError(f"--geocoder-url must be an http(s) address, not {args.geocoder_url!r}")
        options.update(scheme=url.scheme, domain=url.netloc + url.path.rstrip("/"))
    return get_geocoder(name, **options)


def _briefing(args: argparse.Namespace, title: str | None = None) -> tuple[Any, Any]:
    from geobrief.pipeline import brief
    from geobrief.progress import Progress

    geocoder = _geocoder(args)
    pipeline = None
    if args.no_approximate:
        from geobrief.pipeline import Pipeline

        pipeline = Pipeline(geocoder=geocoder, resolver="no-approximate")
    meter = Progress(quiet=getattr(args, "quiet", False))  # on a terminal, once the run passes 2 s
    try:
        briefing = brief(
            args.inputs,
            title=title,
            geocoder=geocoder,
            pipeline=pipeline,
            jobs=getattr(args, "jobs", 1),
            progress=meter,
            max_bytes=args.max_bytes,
        )
    finally:
        meter.close()
    return briefing, geocoder


def _input_failures(failures: Sequence[Any], geocoder: Any) -> list[Any]:
    """The failures that are unreadable inputs (not names a geocoder failed to look up)."""
    if geocoder is None:
        return list(failures)
    from geobrief.geocoders import GeocoderFailure

    return [f for f in failures if not isinstance(f, GeocoderFailure)]


def _report_failure(f: Any) -> None:
    _err(f"geobrief: skipped {_shown(f.source)}: {_shown(f.reason)}")


def _report_failures(briefing: Any, geocoder: Any = None) -> None:
    for f in _input_failures(briefing.failures, geocoder):
        _report_failure(f)


def _report_geocoder(geocoder: Any) -> int:
    """One line per failing online service; the number of failed lookups."""
    line = geocoder.summary() if geocoder is not None and hasattr(geocoder, "summary") else None
    if line:
        _err(f"geobrief: {line}")
    return sum(getattr(geocoder, "failure_kinds", {}).values()) if geocoder is not None else 0


def _cmd_build(args: argparse.Namespace) -> int:
    store_filters = [o for o in ("since", "bbox", "event", "query") if getattr(args, o)]
    if args.store and args.inputs:
        raise _UsageError("give INPUT files or --store, not both")
    if not args.store and not args.inputs:
        raise _UsageError("give INPUT files or folders (or --store DIR)")
    if store_filters and not args.store:
        raise _UsageError(f"--{store_filters[0]} filters a store: add --store DIR")
    _check_writable(args.out, folder=True, option="--out")
    geocoder = None
    if args.store:
        from geobrief.store import StoreError, brief_store, check_filters

        try:
            check_filters(since=args.since, bbox=args.bbox, event=args.event)
        except StoreError as exc:
            raise _UsageError(str(exc)) from None

        briefing = brief_store(
            args.store, since=args.since, bbox=args.bbox, event=args.event, query=args.query, title=args.title
        )
        if not briefing.articles:
            _err("geobrief: error: no article of the store matches; nothing written")
            return EXIT_ERROR
    else:
        briefing, geocoder = _briefing(args, args.title)
    _report_failures(briefing, geocoder)
    geocoder_failed = _report_geocoder(geocoder)
    failed = _input_failures(briefing.failures, geocoder)
    if not briefing.articles:
        _err("geobrief: error: no article could be read; nothing written")
        return EXIT_ERROR
    from geobrief.render import save_briefing

    written = save_briefing(briefing, Path(args.out), cdn=args.cdn, tiles=args.tiles)
    if args.warn_articles and len(briefing.articles) > args.warn_articles:
        _warn_page_size(len(briefing.articles), args.warn_articles, written[0].stat().st_size, args.store)
    if not args.quiet:
        n_mentions = sum(len(p.mentions) for p in briefing.places)
        print(
            f"articles read: {len(briefing.articles)}"
            + (f" ({len(failed)} input(s) failed)" if failed else "")
        )
        print(f"places resolved: {len(briefing.places)} (from {n_mentions} mentions)")
        print(f"mentions unresolved: {len(briefing.unresolved)}")
        if geocoder is not None:
            print(f"geocoder lookups failed: {geocoder_failed}")
        print(f"claims: {len(briefing.claims)}")
        print("files written: " + ", ".join(_shown(p) for p in written))
    # Geocoder failures are counted in the summary, not in the exit status: no input was lost.
    return EXIT_PARTIAL if failed else EXIT_OK


#: Above this many articles ``build`` warns that the page is big (50,000 open in about 3 s).
PAGE_WARN_ARTICLES = 50_000


def _warn_page_size(articles: int, limit: int, size: int, store: str | None) -> None:
    """Say that the page is big, and how to make smaller briefings (``--store`` filters)."""
    where = f"--store {store}" if store else "--store DIR"
    how = "" if store else "put the articles in a store (geobrief extract INPUT... --store DIR), then "
    _err(
        f"geobrief: warning: the briefing holds {articles:,} articles (more than {limit:,}); "
        f"briefing.html is {size / 1e6:.1f} MB and may open slowly. For smaller briefings, "
        f"{how}build from it with filters: geobrief build {where} --since DATE, --bbox W,S,E,N, "
        "--event EVENT or --query TEXT (--warn-articles N sets this limit)"
    )


def article_record(analysis: Any) -> dict[str, Any]:
    """The ``geobrief extract`` JSON object of one analysed article (documented in the README)."""
    claims_by_place: dict[str, list[Any]] = {}
    for claim in analysis.claims:
        claims_by_place.setdefault(claim.place_id, []).append(claim)
    places: dict[str, dict[str, Any]] = {}
    unresolved = []
    for res in analysis.resolutions:
        m = res.mention
        if res.place is None:
            unresolved.append({"text": m.text, "start": m.start, "end": m.end})
            continue
        c = res.place
        entry = places.setdefault(
            c.id,
            {
                "id": c.id,
                "name": c.name,
                "lat": c.lat,
                "lon": c.lon,
                "kind": c.kind,
                "country_code": c.country_code,
                "confidence": round(res.confidence, 3),
                "mentions": [],
                "claims": [
                    {
                        "event": cl.event,
                        "modality": cl.modality,
                        "label": cl.label,
                        "attribution": cl.attribution,
                        "time": cl.time,
                        "historical": cl.historical,
                        "conflicting": cl.conflicting,
                        "confidence": round(cl.confidence, 3),
                        "evidence": [e.to_dict() for e in cl.evidence],
                    }
                    for cl in claims_by_place.get(c.id, [])
                ],
            },
        )
        entry["mentions"].append({"text": m.text, "start": m.start, "end": m.end})
    return {"id": analysis.article.id, "places": list(places.values()), "unresolved": unresolved}


def _record_line(analysis: Any) -> tuple[str, list[str]]:
    """One ``extract`` output line and the ids of its resolved places (made in a worker process)."""
    place_ids = [r.place.id for r in analysis.resolutions if r.place is not None]
    return json.dumps(article_record(analysis), ensure_ascii=False) + "\n", place_ids


def _cmd_extract(args: argparse.Namespace) -> int:
    from contextlib import ExitStack
    from itertools import chain

    from geobrief.atomic import AtomicFiles
    from geobrief.io import DEFAULT_MAX_BYTES, iter_inputs
    from geobrief.model import Failure
    from geobrief.pipeline import Pipeline

    if args.output:
        _check_writable(args.output, folder=False, option="--output")
    if args.store:
        if args.output or args.geocoder or args.geocoder_url:
            raise _UsageError("--store writes the store: it takes neither --output nor --geocoder")
        _check_writable(args.store, folder=True, option="--store")
        from geobrief.store import plan_inputs

        # The client only plans (file names and byte ranges); each task reads its own part.
        plan = plan_inputs(
            args.inputs, partition_size=args.partition_size, max_bytes=args.max_bytes or DEFAULT_MAX_BYTES
        )
        for f in plan[2]:
            _report_failure(f)
        if not plan[0]:
            _err("geobrief: error: no article could be read; nothing written")
            return EXIT_ERROR
        return _ingest(args, plan)
    if args.scheduler:
        raise _UsageError("--scheduler runs the Dask store: add --store DIR")
    from geobrief.parallel import analyse_articles
    from geobrief.progress import Progress

    geocoder = _geocoder(args)
    pipeline: Any = None
    written = skipped = 0

    def readable() -> Any:
        # One article at a time, as it is read: a bad input is reported and skipped.
        nonlocal skipped
        for item in iter_inputs(args.inputs, max_bytes=args.max_bytes or DEFAULT_MAX_BYTES):
            if isinstance(item, Failure):
                _report_failure(item)
                skipped += 1
            else:
                yield item

    # Not over the records themselves when they go to the same terminal.
    meter = Progress(quiet=not args.output and sys.stdout.isatty())
    try:
        with ExitStack() as stack:
            out: Any = sys.stdout
            files = None
            if args.output:
                # All or previous: the records stream into a temporary file, renamed only at the end.
                files = stack.enter_context(AtomicFiles())
                out = stack.enter_context(files.open_text(args.output))
            articles = readable()
            first = next(articles, None)
            if first is not None:  # the gazetteer is loaded only once an article is readable
                pipeline = Pipeline(
                    geocoder=geocoder, resolver="no-approximate" if args.no_approximate else "context"
                )
                # an online geocoder's rate limit holds per process: then one process
                results = analyse_articles(
                    chain([first], articles),
                    jobs=1 if geocoder is not None else args.jobs,
                    pipeline=pipeline,
                    pipeline_options=pipeline.worker_options,
                    transform=_record_line,
                )
                # a name the geocoder failed on stays unresolved; one summary line per service follows
                for result in results:
                    if isinstance(result, Failure):  # this article could not be analysed
                        _report_failure(result)
                        skipped += 1
                        continue
                    line, place_ids = result
                    meter.add(place_ids)
                    out.write(line)
                    written += 1
            if not written:
                _err("geobrief: error: no article could be read; nothing written")
                if files is not None:
                    out.close()
                    files.abort()
                return EXIT_ERROR
    finally:
        meter.close()
    _report_geocoder(geocoder)
    return EXIT_PARTIAL if skipped else EXIT_OK


def _ingest(args: argparse.Namespace, plan: Any) -> int:
    """``extract --store``: the planned partitions through Dask into the store, as one new batch."""
    from geobrief.io import DEFAULT_MAX_BYTES
    from geobrief.store import ingest_files

    report = ingest_files(
        args.inputs,
        args.store,
        scheduler=args.scheduler,
        jobs=args.jobs,
        partition_size=args.partition_size,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        plan=plan,
    )
    print(
        f"store {args.store}: batch {report.batch}: {report.articles} articles in {report.partitions} "
        f"partition(s), {report.mentions} mentions, {report.claims} claims"
        + (f"; {report.replaced} article id(s) replaced" if report.replaced else "")
    )
    return EXIT_PARTIAL if report.failures else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from geobrief.export import FORMATS, export

    out = Path(args.output)
    _check_writable(out, folder=False, option="--output")
    if args.format is None and not any(out.suffix.lower() in sfx for sfx in FORMATS.values()):
        raise _UsageError(
            f"cannot tell the format from {out.name!r}: end it in "
            + ", ".join(sfx[0] for sfx in FORMATS.values())
            + " or pass --format"
        )
    briefing, geocoder = _briefing(args)
    _report_failures(briefing, geocoder)
    _report_geocoder(geocoder)
    if not briefing.articles:
        _err("geobrief: error: no article could be read; nothing written")
        return EXIT_ERROR
    path = export(briefing, Path(args.output), args.format)
    print(f"wrote {_shown(path)} ({len(briefing.places)} places)")
    return EXIT_PARTIAL if _input_failures(briefing.failures, geocoder) else EXIT_OK


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from geobrief.render import snapshot

    html = Path(args.html)
    if html.is_dir():
        html = html / "briefing.html"
    if not html.is_file():
        _err(f"geobrief: error: no briefing at {html}")
        return EXIT_ERROR
    png = Path(args.output) if args.output else html.with_suffix(".png")
    _check_writable(png, folder=False, option="--output")
    snapshot(
        html,
        png,
        width=args.width,
        height=args.height,
        place=args.place,
        zoom=args.zoom,
        passage=args.passage,
        palette=args.palette,
    )
    print(f"wrote {png}")
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from geobrief.evaluate import evaluate_geoparsing, format_report

    result = evaluate_geoparsing(
        args.file, gold_spans_only=args.gold_spans, errors=args.errors, approximate=not args.no_approximate
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(format_report(result))
    return EXIT_OK


def _cmd_eval_claims(args: argparse.Namespace) -> int:
    from geobrief.evaluate_claims import evaluate_claims, format_claims_report

    kwargs: dict[str, Any] = {}
    if args.gold_places:
        from geobrief.evaluate_claims import gold_places_predictor

        kwargs["predict"] = gold_places_predictor
    result = evaluate_claims(args.file, mode=args.claims, candidate_recall=args.candidate_recall, **kwargs)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_claims_report(result))
    return EXIT_OK


def _cmd_train_claims(args: argparse.Namespace) -> int:
    from geobrief.claims.train import default_training_files, train

    files = args.files or default_training_files()
    if args.folds < 2:
        raise _UsageError("--folds must be at least 2")
    _, report = train(files, out=args.output, folds=args.folds)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(
            f"trained on {report['articles']} articles, {report['candidates']} candidates "
            f"({report['positives']} positive); threshold {report['threshold']}, "
            f"cross-validated pair F1 {report['cv_f1']:.3f}, modality {report['cv_modality_accuracy']:.3f}"
        )
    return EXIT_OK


def _cmd_train_ranker(args: argparse.Namespace) -> int:
    from geobrief.ranker_train import train

    if args.output:
        _check_writable(args.output, folder=False, option="--output")
    report = train(args.files or None, out=args.output)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return EXIT_OK
    print(f"acc@161 given gold spans ({report['names']} training names, {report['seconds']} s)")
    print(f"  {'corpus':<12}{'leave-one-out':>14}{'in-sample':>11}{'hand':>8}")
    for name, r in report["corpora"].items():
        loco = f"{r['loco']:.3f}" if "loco" in r else "-"
        print(f"  {name:<12}{loco:>14}{r['in_sample']:>11.3f}{r['hand']:>8.3f}")
    if args.output:
        print(f"wrote {args.output}")
    return EXIT_OK


def _cmd_geocode(args: argparse.Namespace) -> int:
    from geobrief.gazetteer import load_gazetteer
    from geobrief.text import name_key

    if not name_key(args.name):
        raise _UsageError(f"no name to look up in {args.name!r}")
    gaz = load_gazetteer()
    matches = gaz.lookup(name_key(args.name))
    if not matches:
        _err(f"geobrief: no gazetteer entry for {args.name!r}")
        return EXIT_PARTIAL
    shown = matches if args.all else matches[:1]
    rows = [
        {
            "id": m.candidate.id,
            "name": m.candidate.name,
            "lat": m.candidate.lat,
            "lon": m.candidate.lon,
            "kind": m.candidate.kind,
            "country_code": m.candidate.country_code,
            "admin1": m.candidate.admin1,
            "population": m.candidate.population,
            "match": m.match,
            "source": m.candidate.source,
        }
        for m in shown
    ]
    if args.json:
        print(json.dumps(rows if args.all else rows[0], ensure_ascii=False))
    else:
        for r in rows:
            where = ", ".join(x for x in (r["admin1"], r["country_code"]) if x)
            print(
                f"{r['name']} ({r['kind']}, {where}) {r['lat']:.4f}, {r['lon']:.4f}  [{r['id']}; {r['match']}]"
            )
    return EXIT_OK


def _cmd_gazetteer(args: argparse.Namespace) -> int:
    from geobrief.gazetteer import index_path, load_gazetteer, verify_index

    # Check the file before loading it: a damaged index is reported, then rebuilt by the load.
    problem = None if args.rebuild else verify_index(index_path())
    gaz = load_gazetteer(rebuild=args.rebuild)
    path = getattr(gaz, "path", None)
    size = getattr(gaz, "__len__", None)
    print(f"gazetteer index: {path or '(in memory)'}" + (f", {len(gaz)} entries" if size else ""))
    if path is not None:
        status = verify_index(path)
        if problem not in (None, "missing"):
            print(f"found damaged ({problem}); rebuilt")
        print("checksum: ok" if status is None else f"checksum: FAILED ({status})")
        if status is not None:
            return EXIT_ERROR
    return EXIT_OK


_COMMANDS = {
    "build": _cmd_build,
    "extract": _cmd_extract,
    "export": _cmd_export,
    "snapshot": _cmd_snapshot,
    "eval": _cmd_eval,
    "eval-claims": _cmd_eval_claims,
    "train-claims": _cmd_train_claims,
    "train-ranker": _cmd_train_ranker,
    "geocode": _cmd_geocode,
    "gazetteer": _cmd_gazetteer,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
