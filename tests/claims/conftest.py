"""Fixtures for claim tests."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from claims_helpers import claims_for, pairs


@pytest.fixture
def extract():
    """``extract(text, names, published=None) -> {name: {(event, modality)}}``."""

    def run(text: str, names: Sequence[str], published: str | None = None, kinds=None):
        return pairs(claims_for(text, names, published, kinds))

    return run
