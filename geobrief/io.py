"""Reading articles from files and folders.

Supported inputs: ``.txt`` / ``.md`` (plain text, the first line may be a
title), ``.html`` / ``.htm`` (main text extracted), ``.json`` (an object or a
list of objects) and ``.jsonl`` (one object a line) with a ``text`` field and
optional ``id``, ``title``, ``url``, ``source``, ``published``.

Nothing here raises for a bad input: each unreadable, empty or binary input
becomes a :class:`~geobrief.model.Failure` and the others are still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from geobrief.errors import InputError
from geobrief.model import Article, Failure

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

_MAX_TITLE_CHARS = 200
_FIELDS = ("id", "title", "url", "source", "published")


def read_inputs(inputs: Iterable[str | Path]) -> tuple[list[Article], list[Failure]]:
    """Read every article from files and folders.

    Parameters
    ----------
    inputs : iterable of str or Path
        Files and folders; folders are searched recursively for supported files
        (hidden files and folders are skipped).

    Returns
    -------
    articles, failures : list of Article, list of Failure
        Articles in input order (folder contents sorted by path), each with a
        unique, stable id; one failure per input that could not be read.
    """
    articles: list[Article] = []
    failures: list[Failure] = []
    seen_ids: set[str] = set()
    for path in _expand(inputs, failures):
        try:
            found = list(read_file(path))
        except InputError as exc:
            failures.append(Failure(exc.source, exc.reason))
            continue
        for item in found:
            if isinstance(item, Failure):
                failures.append(item)
                continue
            articles.append(_unique(item, seen_ids))
    return articles, failures


def _expand(inputs: Iterable[str | Path], failures: list[Failure]) -> Iterator[Path]:
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                failures.append(Failure(str(path), "folder holds no .txt, .md, .html, .json or .jsonl file"))
            yield from files
        elif path.is_file():
            yield path
        elif path.exists():
            failures.append(Failure(str(path), "not a regular file"))
        else:
            failures.append(Failure(str(path), "no such file or folder"))


def _unique(article: Article, seen: set[str]) -> Article:
    """Make the id unique within one run, deterministically."""
    base = article.id
    new_id, n = base, 2
    while new_id in seen:
        new_id = f"{base}-{n}"
        n += 1
    seen.add(new_id)
    if new_id == base:
        return article
    return Article(
        new_id, article.text, article.title, article.url, article.source, article.published, article.origin
    )


def read_file(path: str | Path) -> Iterator[Article | Failure]:
    """Read the articles in one file.

    Raises
    ------
    InputError
        If the whole file is unreadable (missing, binary, undecodable, empty).
        Bad records inside a JSON Lines file are yielded as ``Failure`` instead,
        so the good ones are kept.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    text = decode_bytes(data, str(path))
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        yield from _read_json(text, path)
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(text)):
        article = html_article(text, default_id=_slug(path.stem), origin=str(path))
    else:
        article = text_article(
            text, default_id=_slug(path.stem), origin=str(path), markdown=suffix in {".md", ".markdown"}
        )
    if not article.text.strip():
        raise InputError(str(path), "no article text (empty file)")
    yield article


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else detected.

    Raises
    ------
    InputError
        If the bytes look binary (NUL bytes without a UTF-16 BOM, or no
        plausible text encoding) or are empty.
    """
    if not data.strip():
        raise InputError(source, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, "invalid UTF-16 text") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _detect(data, source)
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise InputError(source, "binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _detect(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise InputError(source, "binary data, not text")
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise InputError(source, "binary data or unknown text encoding")
    # English news in a legacy 8-bit encoding is nearly always Windows-1252; the detector
    # cannot tell it from other Latin code pages on short texts, so prefer it when it is as clean.
    best = min(matches, key=lambda m: m.chaos)
    for m in matches:
        if m.encoding in _WESTERN and m.chaos <= best.chaos + 0.01:
            return str(m)
    return str(best)


_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _control_ratio(text: str) -> float:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))


def _slug(stem: str) -> str:
    slug = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-")
    return slug or "article"


# -- plain text and Markdown -------------------------------------------------
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def text_article(text: str, *, default_id: str, origin: str | None = None, markdown: bool = False) -> Article:
    """An article from plain text; a short first line without final punctuation is the title."""
    lines = text.strip("\n").split("\n")
    title = None
    first = lines[0].strip() if lines else ""
    heading = _MD_HEADING.match(first) if markdown else None
    if heading:
        title = heading.group(1).strip()
        lines = lines[1:]
    elif (
        len(lines) > 1
        and 0 < len(first) <= _MAX_TITLE_CHARS
        and not first.endswith((".", "!", "?", ":", ";", ",", '"', "”", "’"))
        and any(line.strip() for line in lines[1:])
    ):
        title = first
        lines = lines[1:]
    body = "\n".join(lines).strip("\n")
    if markdown:
        body = _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", body))
        body = "\n".join(m.group(1) if (m := _MD_HEADING.match(line)) else line for line in body.split("\n"))
    return Article(id=default_id, text=body, title=title, origin=origin)


# -- HTML ------------------------------------------------------------------
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "figcaption")
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "svg",
    "iframe",
    "template",
)


def _looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def html_article(html: str, *, default_id: str, origin: str | None = None) -> Article:
    """An article from an HTML page: the title, the URL and date from meta tags, and the main text.

    The main text is the paragraphs of ``<article>`` (else ``<main>``, else
    ``<body>``), without scripts, navigation, headers, footers and asides.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)

    def meta(*names: str) -> str | None:
        for name in names:
            for attr in ("property", "name", "itemprop"):
                node = tree.css_first(f'meta[{attr}="{name}"]')
                if node is not None and node.attributes.get("content"):
                    return (node.attributes.get("content") or "").strip() or None
        return None

    title = meta("og:title", "twitter:title")
    if not title:
        node = tree.css_first("title") or tree.css_first("h1")
        title = node.text(strip=True) if node is not None else None
    url = meta("og:url")
    if not url:
        link = tree.css_first('link[rel="canonical"]')
        url = link.attributes.get("href") if link is not None else None
    published = meta("article:published_time", "datePublished", "date", "pubdate", "dc.date")
    if not published:
        node = tree.css_first("time[datetime]")
        published = node.attributes.get("datetime") if node is not None else None
    source = meta("og:site_name", "application-name")

    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    blocks: list[str] = []
    if root is not None:
        selector = ",".join(_BLOCK_TAGS)
        for node in root.css(selector):
            # Skip containers whose text is repeated by a nested block (li > p); the
            # lexbor matcher counts the node itself, hence "> 1".
            if len(node.css(selector)) > 1:
                continue
            text = re.sub(r"\s+", " ", node.text(separator=" ")).strip()
            if text and not (title and text == title and not blocks):
                blocks.append(text)
        if not blocks:
            blocks = [re.sub(r"[ \t]+", " ", root.text(separator="\n")).strip()]
    return Article(
        id=default_id,
        text="\n\n".join(b for b in blocks if b),
        title=title or None,
        url=url or None,
        source=source,
        published=published or None,
        origin=origin,
    )


# -- JSON and JSON Lines ----------------------------------------------------
def _read_json(text: str, path: Path) -> Iterator[Article | Failure]:
    stem = _slug(path.stem)
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            origin = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Failure(origin, f"invalid JSON: {exc.msg}")
                continue
            yield _record(obj, origin, f"{stem}-{lineno}")
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    records = obj if isinstance(obj, list) else obj.get("articles", [obj]) if isinstance(obj, dict) else None
    if not isinstance(records, list):
        raise InputError(str(path), "JSON must be an object or a list of objects")
    for i, rec in enumerate(records, 1):
        origin = f"{path}[{i - 1}]" if isinstance(obj, list) else str(path)
        yield _record(rec, origin, stem if len(records) == 1 else f"{stem}-{i}")


def _record(obj: object, origin: str, default_id: str) -> Article | Failure:
    if not isinstance(obj, dict):
        return Failure(origin, "record is not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Failure(origin, "record has no 'text'")
    values: dict[str, str | None] = {}
    for key in _FIELDS:
        value = obj.get(key)
        values[key] = None if value is None or value == "" else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Article(
        id=_slug(values["id"]) if values["id"] else default_id,
        text=text,
        title=values["title"],
        url=values["url"],
        source=values["source"],
        published=values["published"],
        origin=origin,
    )
