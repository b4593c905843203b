"""Reading articles from files and folders.

Supported inputs: ``.txt`` / ``.md`` (plain text, the first line may be a
title), ``.html`` / ``.htm`` (main text extracted), ``.json`` (an object or a
list of objects) and ``.jsonl`` (one object a line) with a ``text`` field and
optional ``id``, ``title``, ``url``, ``source``, ``published``.

Nothing here raises for a bad input: each unreadable, empty, binary or oversized
input (or bad JSON Lines record) becomes a :class:`~geobrief.model.Failure` and
the others are still read. Inputs are streamed: folders file by file, JSON Lines
line by line. Every article's text is cleaned once here (:func:`clean_article`),
so no later stage sees lone surrogates or control characters.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from geobrief.errors import InputError
from geobrief.idset import IdSet
from geobrief.model import Article, Failure
from geobrief.text import clean_field, clean_text, printable

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

#: Default size limit of one text input (a file, or one JSON Lines record), in bytes.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_MAX_TITLE_CHARS = 200
_FIELDS = ("id", "title", "url", "source", "published")


def read_inputs(
    inputs: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Article], list[Failure]]:
    """Read every article from files and folders.

    Parameters
    ----------
    inputs : iterable of str or Path
        Files and folders; folders are searched recursively for supported files
        (hidden files and folders are skipped).
    max_bytes : int
        Size limit of one input file (of one record in JSON Lines); larger ones
        are reported as failures.

    Returns
    -------
    articles, failures : list of Article, list of Failure
        Articles in input order (folder contents sorted by path), each with a
        unique, stable id; one failure per input that could not be read.
    """
    articles: list[Article] = []
    failures: list[Failure] = []
    for item in iter_inputs(inputs, max_bytes=max_bytes):
        (failures if isinstance(item, Failure) else articles).append(item)  # type: ignore[arg-type]
    return articles, failures


def iter_inputs(
    inputs: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | Failure]:
    """Stream the articles of files and folders, one at a time, with a failure per bad input.

    The same as :func:`read_inputs`, but articles and failures are yielded as
    they are read (in input order), so a large folder or feed is never held in
    memory whole. No exception escapes for a bad input or record.

    Parameters
    ----------
    inputs : iterable of str or Path
        Files and folders.
    max_bytes : int
        Size limit of one input file (of one record in JSON Lines).

    Yields
    ------
    Article or Failure
        Cleaned articles with unique ids, and the inputs that could not be read.
    """
    # every id seen so far, in bounded memory: a stream of millions of articles stays flat
    with IdSet() as seen_ids:
        for path in _expand(inputs):
            if isinstance(path, Failure):
                yield path
                continue
            try:
                for item in read_file(path, max_bytes=max_bytes):
                    yield item if isinstance(item, Failure) else _unique(item, seen_ids)
            except InputError as exc:
                yield failure(exc.source, exc.reason)
            except Exception as exc:  # any fault of one file costs that file only
                yield failure(str(path), f"cannot read ({describe_error(exc)})")


def failure(source: str, reason: str) -> Failure:
    """A :class:`Failure` whose source is safe to print (control characters, undecodable
    bytes of file names escaped)."""
    return Failure(printable(source), printable(reason))


def describe_error(exc: BaseException, limit: int = 160) -> str:
    """``Type: message`` of an exception, shortened, for a one-line report of a skipped input."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    msg = str(exc).split("; use sys.set_int_max_str_digits")[0]
    msg = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return msg if len(msg) <= limit else msg[: limit - 1] + "…"


def clean_article(article: Article) -> Article:
    """The article with its text and fields cleaned (see :func:`geobrief.text.clean_text`).

    Text keeps its length, so offsets into it stay valid; the title, URL,
    source, date and id become single lines without control characters; the
    origin is escaped for printing. Returns the same object when it was clean.
    """
    text = clean_text(article.text) if isinstance(article.text, str) else clean_text(str(article.text or ""))
    fields = [
        clean_field(v) if isinstance(v, str) or v is None else clean_field(str(v))
        for v in (
            article.title,
            article.url,
            article.source,
            article.published,
        )
    ]
    ident = clean_field(str(article.id)) or "article"
    origin = printable(article.origin) if isinstance(article.origin, str) else None
    new = (ident, text, *fields, origin)
    old = (
        article.id,
        article.text,
        article.title,
        article.url,
        article.source,
        article.published,
        article.origin,
    )
    if new == old:
        return article
    return Article(*new)


def _expand(inputs: Iterable[str | Path]) -> Iterator[Path | Failure]:
    seen: set[Path] = set()

    def first_time(path: Path) -> bool:
        # The same file given twice (or through a symbolic link) is read once: it is one
        # article, and reading it twice would count its claims twice.
        key = path.resolve()
        if key in seen:
            return False
        seen.add(key)
        return True

    for raw in inputs:
        try:
            yield from _expand_one(Path(raw), first_time)
        except (OSError, ValueError) as exc:  # a name too long, a NUL in it, a folder that vanished
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            yield failure(str(raw), f"cannot read: {reason}")


def _expand_one(path: Path, first_time: Callable[[Path], bool]) -> Iterator[Path | Failure]:
    """The files of one input (a folder walked in path order), or why it cannot be read."""
    if path.is_dir():
        found = False
        for p in sorted(path.rglob("*")):
            if any(part.startswith(".") for part in p.relative_to(path).parts):
                continue
            if p.is_symlink() and not p.exists():
                if p.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield failure(str(p), "broken symbolic link")
                continue
            try:
                mode = p.stat().st_mode
            except OSError as exc:
                yield failure(str(p), f"cannot read: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                # A FIFO, socket or device: never read (a FIFO would block), but never silently.
                yield failure(str(p), f"not a regular file ({_file_kind(mode)})")
                continue
            if p.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            found = True
            if first_time(p):
                yield p
        if not found:
            yield failure(str(path), "folder holds no .txt, .md, .html, .json or .jsonl file")
    elif path.is_file():
        if first_time(path):
            yield path
    elif path.is_symlink():
        yield failure(str(path), "broken symbolic link")
    elif path.exists():
        yield failure(str(path), f"not a regular file ({_file_kind(path.stat().st_mode)})")
    else:
        yield failure(str(path), "no such file or folder")


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _unique(article: Article, seen: IdSet | set[str]) -> Article:
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


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 104_858 else f"{n:,} bytes"


def _too_big(size: int, max_bytes: int) -> str:
    return f"too large ({_megabytes(size)}, over the limit of {_megabytes(max_bytes)}; see --max-bytes)"


def read_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Failure]:
    """Read the articles in one file (JSON Lines record by record).

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int
        Size limit of the file (of one record, for JSON Lines).

    Raises
    ------
    InputError
        If the whole file is unreadable (missing, not a regular file, binary,
        undecodable, empty, too large). Bad records inside a JSON Lines file
        are yielded as ``Failure`` instead, so the good ones are kept.
    """
    path = Path(path)
    f, st = _open_regular(path)
    with f:
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES and not _utf16_codec(f.read(4096)):
            f.seek(0)
            for _, _, item in _read_jsonl(f, path, max_bytes):
                yield item
            return
        f.seek(0)
        if st.st_size > max_bytes:
            raise InputError(str(path), _too_big(st.st_size, max_bytes))
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew since it was looked at
        raise InputError(str(path), _too_big(len(data), max_bytes))
    text = decode_bytes(data, str(path))
    del data
    if suffix in JSON_SUFFIXES:
        yield from _read_json(text, path)
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(text)):
        article = html_article(text, default_id=_slug(path.stem), origin=str(path))
    else:
        article = text_article(
            text, default_id=_slug(path.stem), origin=str(path), markdown=suffix in {".md", ".markdown"}
        )
    article = clean_article(article)
    if not article.text.strip():
        raise InputError(str(path), "no article text (empty file)")
    yield article


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 (with BOM, or without one
    when every other byte is NUL, as in plain-ASCII text), else detected. Line ends become ``\n``.

    Raises
    ------
    InputError
        If the bytes look binary (NUL bytes that are not UTF-16, or no
        plausible text encoding) or are empty.
    """
    if not data.strip():
        raise InputError(source, "empty file")
    utf16 = _utf16_codec(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(source, "invalid UTF-16 text") from exc
        text = text.removeprefix("\ufeff")
        if not text.strip():
            raise InputError(source, "empty file")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(data, source)
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise InputError(source, "binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_codec(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    # Text in Latin script as UTF-16 without a BOM: nearly all high (or low) bytes are NUL.
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


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


def _slug(stem: str, default: str = "article") -> str:
    slug = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-")
    return slug or default


# -- plain text and Markdown -------------------------------------------------
# Linear-time patterns: no lazy group before trailing white space, no bracket run that can restart
# at every "[" (a line of 100,000 "[" or spaces made the old ones quadratic).
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(\S.*)$")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _heading(line: str) -> str | None:
    """The text of a Markdown ATX heading line (``## Title ##``), or None."""
    m = _MD_HEADING.match(line)
    if not m:
        return None
    # closing hashes and white space stripped from the end (str methods: linear, unlike a regex)
    return m.group(1).rstrip().rstrip("#").rstrip() or None


_FRONT_KEYS = {
    "id": "id",
    "slug": "id",
    "title": "title",
    "headline": "title",
    "url": "url",
    "link": "url",
    "canonical_url": "url",
    "source": "source",
    "publisher": "source",
    "site": "source",
    "published": "published",
    "date": "published",
    "pubdate": "published",
    "datepublished": "published",
}
_FRONT_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML-style front matter (``---`` lines around ``key: value`` lines) off a text.

    Returns the recognised fields (``id``, ``title``, ``url``, ``source``,
    ``published``; ``date`` and a few aliases count) and the text after it;
    a text without such a block is returned whole with no fields.
    """
    lines = text.lstrip("\ufeff\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in {"---", "..."}:
            break
    else:
        return {}, text
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.startswith((" ", "\t", "-", "#")):
            continue  # blank, nested value, list item or comment
        m = _FRONT_LINE.match(line)
        if not m:
            return {}, text  # not front matter after all (e.g. a rule above prose)
        key = _FRONT_KEYS.get(m.group(1).lower().replace("-", "_"))
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key and value and key not in fields:
            fields[key] = value
    return fields, "\n".join(lines[end + 1 :])


def text_article(text: str, *, default_id: str, origin: str | None = None, markdown: bool = False) -> Article:
    """An article from plain text; a short first line without final punctuation is the title.

    YAML-style front matter (see :func:`front_matter`) gives the id, title,
    URL, source and date.
    """
    meta, text = front_matter(text)
    lines = text.strip("\n").split("\n")
    title = meta.get("title")
    first = lines[0].strip() if lines else ""
    heading = _heading(first) if markdown else None
    if title:
        if heading and heading == title:
            lines = lines[1:]
    elif heading:
        title = heading
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
        body = "\n".join(h if (h := _heading(line)) else line for line in body.split("\n"))
    return Article(
        id=_slug(meta["id"], default_id) if "id" in meta else default_id,
        text=body,
        title=title,
        url=meta.get("url"),
        source=meta.get("source"),
        published=meta.get("published"),
        origin=origin,
    )


# -- HTML ------------------------------------------------------------------
_BLOCK_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "td",
        "th",
        "tr",
        "table",
        "figure",
        "figcaption",
        "div",
        "section",
        "article",
        "main",
        "address",
        "hr",
        "br",
        "center",
        "details",
        "summary",
    ]
)
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
    "button",
    "select",
    "dialog",
    "object",
    "embed",
    "canvas",
    "amp-sidebar",
    "amp-ad",
    "amp-sticky-ad",
    "amp-consent",
    "amp-analytics",
    "amp-social-share",
    "[hidden]",
    '[aria-hidden="true"]',
    '[role="navigation"]',
    '[role="banner"]',
    '[role="contentinfo"]',
    '[role="complementary"]',
    '[role="search"]',
    '[role="dialog"]',
)
# Page furniture named by class or id (as in Mozilla Readability's "unlikely candidates"):
# cookie banners, share buttons, related-article lists, adverts, bylines, menus.
_BOILERPLATE = re.compile(
    r"cookie|consent|gdpr|share|sharing|social|newsletter|subscribe|paywall|related|recommend|"
    r"promo|sponsor|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|byline|breadcrumb|comments?(?:$|[\s_-])|disqus|"
    r"menu|navbar|sidebar|footer|masthead|popup|modal|skip-link|pagination|pager|tags|"
    r"signup|most-read|trending|more-stories|read-more",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"article|body|content|main|story|entry|post-text", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def _json_ld(tree: Any) -> dict[str, str]:
    """headline, datePublished, url and publisher of the page's schema.org article, if any."""
    found: dict[str, str] = {}
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text(deep=True) or "")
        except (json.JSONDecodeError, ValueError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
                continue
            if not isinstance(item, dict):
                continue
            stack.extend(v for k, v in item.items() if k == "@graph")
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and k.endswith("Article") or k == "Report" for k in kinds):
                continue
            publisher = item.get("publisher")
            page = item.get("mainEntityOfPage")
            for key, value in (
                ("title", item.get("headline") or item.get("name")),
                ("published", item.get("datePublished") or item.get("dateCreated")),
                ("url", item.get("url") or (page.get("@id") if isinstance(page, dict) else page)),
                ("source", publisher.get("name") if isinstance(publisher, dict) else publisher),
            ):
                if isinstance(value, str) and value.strip() and key not in found:
                    found[key] = value.strip()
    return found


def _is_boilerplate(node: Any) -> bool:
    attrs = node.attributes
    names = " ".join(str(attrs.get(a) or "") for a in ("class", "id"))
    return bool(names.strip()) and bool(_BOILERPLATE.search(names)) and not _CONTENT.search(names)


def _blocks(root: Any) -> list[str]:
    """The text of *root* split at block elements (paragraphs, list items, divs, line breaks)."""
    blocks: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buffer)).strip()
        if text:
            blocks.append(text)
        buffer.clear()

    # An explicit stack, not recursion: pages can nest deeper than Python's recursion limit.
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            flush()  # end of a block element
            continue
        tag = node.tag
        if tag == "-text":
            buffer.append(node.text_content or "")
            continue
        if tag.startswith("-"):
            continue  # comments, doctype
        block = tag in _BLOCK_TAGS
        if block:
            flush()
            if tag in ("br", "hr"):
                continue
            stack.append(None)
        elif tag in ("img", "input", "wbr"):
            continue
        children = list(node.iter(include_text=True))
        stack.extend(reversed(children))
    flush()
    return blocks


def html_article(html: str, *, default_id: str, origin: str | None = None) -> Article:
    """An article from an HTML page: the title, the URL and date from meta tags, and the main text.

    Metadata comes from Open Graph and other meta tags, then schema.org JSON-LD
    (``headline``, ``datePublished``, ``url``, ``publisher``), then ``<title>``,
    ``<link rel="canonical">`` and ``<time datetime>``. The main text is the
    text blocks of the longest ``<article>`` (else ``<main>``, else
    ``<body>``), without scripts, navigation, headers, footers, asides, AMP
    furniture, and elements whose class or id names page furniture (cookie
    banners, share buttons, related articles, adverts, bylines, menus).
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

    ld = _json_ld(tree)
    title = meta("og:title") or ld.get("title") or meta("twitter:title")
    if not title:
        node = tree.css_first("title") or tree.css_first("h1")
        title = node.text(strip=True) if node is not None else None
    url = meta("og:url")
    if not url:
        link = tree.css_first('link[rel="canonical"]')
        url = (link.attributes.get("href") if link is not None else None) or ld.get("url")
    published = meta("article:published_time", "datePublished", "date", "pubdate", "dc.date") or ld.get(
        "published"
    )
    if not published:
        node = tree.css_first("time[datetime]")
        published = node.attributes.get("datetime") if node is not None else None
    source = meta("og:site_name") or ld.get("source") or meta("application-name")

    for selector in _DROP_TAGS:
        for node in tree.css(selector):
            node.decompose()
    articles = tree.css("article")
    root = (
        max(articles, key=lambda n: len(n.text(strip=True)))
        if articles
        else tree.css_first("main") or tree.body or tree.root
    )
    blocks: list[str] = []
    if root is not None:
        for node in root.css("[class], [id]"):
            if _is_boilerplate(node):
                node.decompose()
        blocks = _blocks(root)
        if blocks and title and (blocks[0] == title or (len(blocks[0]) > 8 and title.startswith(blocks[0]))):
            blocks = blocks[1:]  # the headline, kept as the title
    return Article(
        id=default_id,
        text="\n\n".join(blocks),
        title=title or None,
        url=url or None,
        source=source,
        published=published or None,
        origin=origin,
    )


# -- JSON and JSON Lines ----------------------------------------------------
def _json_error(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg}"
    # ValueError for integers of more than 4,300 digits, RecursionError for deep nesting, ...
    return f"invalid JSON ({describe_error(exc)})"


def _lines(f: IO[bytes], max_bytes: int, end: int | None = None) -> Iterator[tuple[int, bytes | int]]:
    """The lines of *f* from where it stands (up to byte *end*), each with the byte offset after
    it, without their line end; the length of a line over *max_bytes* instead of the line (its
    bytes are skipped, never held)."""
    while end is None or f.tell() < end:
        line = f.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line)
            while line and not line.endswith(b"\n"):
                line = f.readline(1 << 20)
                size += len(line)
            yield f.tell(), size
            continue
        yield f.tell(), line.rstrip(b"\r\n")


def _read_jsonl(
    f: IO[bytes], path: Path, max_bytes: int, *, end: int | None = None, first_line: int = 1
) -> Iterator[tuple[int, int, Article | Failure]]:
    """Records of a JSON Lines file, one line at a time (the file is never held whole), each
    with its line number and the byte offset after its line; from where *f* stands (line
    *first_line*) to byte *end*."""
    stem = _slug(path.stem)
    whole = first_line == 1 and end is None
    if whole:
        head = f.read(4096)
        f.seek(0)
        if b"\x00" in head or _control_ratio(head.decode("latin-1")) > 0.05:
            raise InputError(str(path), "binary data, not text")
    seen_text = False
    for lineno, (after, line) in enumerate(_lines(f, max_bytes, end), first_line):
        origin = f"{path}:{lineno}"
        if isinstance(line, int):
            seen_text = True
            yield lineno, after, failure(origin, _too_big(line, max_bytes))
            continue
        if lineno == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        seen_text = True
        try:
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = _detect(line, origin)
            obj = json.loads(text)
        except InputError as exc:
            yield lineno, after, failure(origin, exc.reason)
            continue
        except Exception as exc:
            yield lineno, after, failure(origin, _json_error(exc))
            continue
        yield lineno, after, _record(obj, origin, f"{stem}-{lineno}")
    if whole and not seen_text:
        raise InputError(str(path), "empty file")


def jsonl_positions(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[int, int, Article | Failure]] | None:
    """The records of a JSON Lines file with where each lies, for splitting it among tasks.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl`` / ``.ndjson`` file.
    max_bytes : int
        Size limit of one record.

    Returns
    -------
    iterator of (int, int, Article or Failure), or None
        ``(line number, byte offset after the line, record)`` for each non-blank line, as
        :func:`read_file` reads them; ``None`` when the file is not UTF-8 JSON Lines (UTF-16,
        decoded whole) and cannot be read by byte ranges.

    Raises
    ------
    InputError
        As :func:`read_file`, for a file that cannot be read at all.
    """
    path = Path(path)
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return None
    try:
        with open(path, "rb") as f:
            if _utf16_codec(f.read(4096)):
                return None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return _positions(path, max_bytes)


def _positions(path: Path, max_bytes: int) -> Iterator[tuple[int, int, Article | Failure]]:
    f, _ = _open_regular(path)
    with f:
        yield from _read_jsonl(f, path, max_bytes)


def _open_regular(path: Path) -> tuple[IO[bytes], os.stat_result]:
    """The file at *path* opened for reading, with its status; anything but a regular file is refused.

    Raises
    ------
    InputError
        If it cannot be opened or is not a regular file.
    """
    try:
        # O_NONBLOCK: a named pipe put in place of the file must not hang the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    f = os.fdopen(fd, "rb")
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        f.close()
        raise InputError(str(path), f"not a regular file ({_file_kind(st.st_mode)})")
    return f, st


def read_jsonl_range(
    path: str | Path, start: int, end: int, first_line: int, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | Failure]:
    """The records of the bytes ``start:end`` of a JSON Lines file (whole lines), the first
    being line *first_line*: the same articles, ids and origins as :func:`read_file` gives
    for those lines (a task of the Dask store reads its own part of a file this way)."""
    path = Path(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    with f:
        f.seek(start)
        for _, _, item in _read_jsonl(f, path, max_bytes, end=end, first_line=first_line):
            yield item


def _read_json(text: str, path: Path) -> Iterator[Article | Failure]:
    stem = _slug(path.stem)
    if path.suffix.lower() in JSONL_SUFFIXES:  # UTF-16 JSON Lines, decoded whole
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            origin = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except Exception as exc:
                yield failure(origin, _json_error(exc))
                continue
            yield _record(obj, origin, f"{stem}-{lineno}")
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    except Exception as exc:  # huge integers, deep nesting: one document, one failure
        raise InputError(str(path), _json_error(exc)) from exc
    if isinstance(obj, list):
        records, where = obj, f"{path}"
    elif isinstance(obj, dict) and "articles" in obj and "text" not in obj:
        records, where = obj["articles"], f"{path}:articles"
        if not isinstance(records, list):
            raise InputError(str(path), "'articles' must be a list of objects")
    elif isinstance(obj, dict):
        records, where = [obj], ""
    else:
        raise InputError(str(path), 'JSON must be an object, a list of objects or {"articles": [...]}')
    if not records:
        raise InputError(str(path), "no article records (empty list)")
    for i, rec in enumerate(records, 1):
        origin = f"{where}[{i - 1}]" if where else str(path)
        yield _record(rec, origin, stem if len(records) == 1 else f"{stem}-{i}")


def _record(obj: object, origin: str, default_id: str) -> Article | Failure:
    try:
        return _make_record(obj, origin, default_id)
    except Exception as exc:  # a field whose value cannot be made text
        return failure(origin, f"bad record ({describe_error(exc)})")


def _make_record(obj: object, origin: str, default_id: str) -> Article | Failure:
    if not isinstance(obj, dict):
        return failure(origin, "record is not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not clean_text(text).strip():
        return failure(origin, "record has no 'text'")
    values: dict[str, str | None] = {}
    for key in _FIELDS:
        value = obj.get(key)
        values[key] = None if value is None or value == "" else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    ident = clean_field(values["id"])
    return clean_article(
        Article(
            id=_slug(ident, default_id) if ident else default_id,
            text=text,
            title=values["title"],
            url=values["url"],
            source=values["source"],
            published=values["published"],
            origin=origin,
        )
    )
