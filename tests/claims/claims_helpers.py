"""Helpers for claim tests: articles whose places are given by name (no gazetteer needed)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from geobrief.claims import extract_claims
from geobrief.model import Article, Candidate, Claim, Mention, Resolution


def resolve_names(
    article: Article, names: Sequence[str], kinds: dict[str, str] | None = None
) -> list[Resolution]:
    """One resolution per occurrence of each name (longest match first), at dummy coordinates."""
    kinds = kinds or {}
    found = []
    for name in names:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", article.text):
            found.append((m.start(), m.end(), name))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out, last = [], -1
    for start, end, name in found:
        if start < last:
            continue
        last = end
        cand = Candidate(f"test:{name}", name, 0.0, 0.0, kinds.get(name, "city"))
        out.append(Resolution(Mention(article.id, start, end, article.text[start:end]), cand, 1.0))
    return out


def claims_for(
    text: str,
    names: Sequence[str],
    published: str | None = None,
    kinds: dict[str, str] | None = None,
    mode: str = "rules",
) -> list[Claim]:
    """Claims of a text whose places are given by name.

    ``mode="rules"`` (the default here) pins the role linker, whose links are the scorer's
    strongest features; ``mode="scored"`` runs the extractor as users get it.
    """
    article = Article(id="t", text=text, published=published)
    return extract_claims(article, resolve_names(article, names, kinds), mode=mode)


def pairs(claims: Sequence[Claim]) -> dict[str, set[tuple[str, str]]]:
    """{place name: {(event, modality)}} of per-article claims."""
    out: dict[str, set[tuple[str, str]]] = {}
    for c in claims:
        out.setdefault(c.place_id.removeprefix("test:"), set()).add((c.event, c.modality))
    return out
