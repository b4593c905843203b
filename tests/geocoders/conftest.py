"""Fixtures for the geocoder tests: a fake Nominatim on loopback, and a network guard.

The fake service speaks Nominatim's ``/search?q=...&format=json`` protocol and
records when each request arrived, so tests can check rate limiting and that a
cached query never reaches it.  Every test here runs with outgoing connections
to anything but 127.0.0.1 refused, so no test can reach the internet.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from http_helpers import send_json, serve

# Places the fake service knows, keyed by the lower-cased query, as Nominatim answers them.
PLACES: dict[str, list[dict[str, Any]]] = {
    "kharkiv": [
        {
            "place_id": 101,
            "osm_type": "relation",
            "osm_id": 3154746,
            "lat": "49.9923181",
            "lon": "36.2310146",
            "class": "boundary",
            "type": "administrative",
            "addresstype": "city",
            "name": "Kharkiv",
            "display_name": "Kharkiv, Kharkiv Oblast, Ukraine",
            "address": {"city": "Kharkiv", "state": "Kharkiv Oblast", "country_code": "ua"},
        },
        {
            "place_id": 102,
            "osm_type": "node",
            "osm_id": 42,
            "lat": "50.0",
            "lon": "36.3",
            "class": "railway",
            "type": "station",
            "name": "Kharkiv-Pasazhyrskyi",
            "display_name": "Kharkiv-Pasazhyrskyi, Kharkiv, Ukraine",
            "address": {"country_code": "ua"},
        },
    ],
    "novo selo": [
        {
            "place_id": 201,
            "osm_type": "node",
            "osm_id": 77,
            "lat": "42.1",
            "lon": "22.9",
            "class": "place",
            "type": "village",
            "name": "Novo Selo",
            "display_name": "Novo Selo, Bulgaria",
            "address": {"village": "Novo Selo", "country_code": "bg"},
        }
    ],
    "tartus naval base": [
        {
            "place_id": 301,
            "osm_type": "way",
            "osm_id": 9,
            "lat": "34.9",
            "lon": "35.87",
            "class": "military",
            "type": "naval_base",
            "name": "Tartus naval base",
            "display_name": "Tartus naval base, Tartus, Syria",
            "address": {"country_code": "sy", "state": "Tartus Governorate"},
        }
    ],
}


@dataclass
class FakeNominatim:
    """Control and record of the fake service.

    ``script`` is consumed one entry per request (``"ok"``, ``"slow"``,
    ``"429"``, ``"500"``, ``"garbage"``); when empty, ``mode`` applies.
    """

    port: int = 0
    mode: str = "ok"
    script: list[str] = field(default_factory=list)
    slow_seconds: float = 1.0
    retry_after: str | None = "1"  # Retry-After header of 429 answers
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def queries(self) -> list[str]:
        with self.lock:
            return [r["params"].get("q", "") for r in self.requests]

    def times(self) -> list[float]:
        with self.lock:
            return [r["time"] for r in self.requests]

    def next_mode(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else self.mode


def _handler(fake: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            with fake.lock:
                fake.requests.append(
                    {
                        "time": time.monotonic(),
                        "path": url.path,
                        "params": params,
                        "agent": self.headers.get("User-Agent", ""),
                    }
                )
            mode = fake.next_mode()
            if mode == "slow":
                time.sleep(fake.slow_seconds)  # past the client's timeout
            if mode in ("429", "500"):
                retry = {"Retry-After": fake.retry_after} if mode == "429" and fake.retry_after else {}
                self._send(int(mode), b'{"error": "nope"}', retry)
                return
            if mode == "garbage":
                self._send(200, b"<html>not json</html>")
                return
            if url.path != "/search":
                self._send(404, b"[]")
                return
            hits = PLACES.get((params.get("q") or params.get("city", "")).casefold(), [])
            codes = params.get("countrycodes")
            if codes:
                allowed = set(codes.split(","))
                hits = [h for h in hits if h["address"].get("country_code") in allowed]
            hits = hits[: int(params.get("limit", 10))]
            self._send(200, json.dumps(hits).encode())

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                send_json(self, status, body, headers)

    return Handler


@pytest.fixture
def serve_http() -> Iterator[Callable[[type[BaseHTTPRequestHandler]], int]]:
    """Start loopback servers for handler classes (stopped after the test); returns the port."""
    with ExitStack() as stack:
        yield lambda handler: stack.enter_context(serve(handler))


@pytest.fixture
def fake_nominatim() -> Iterator[FakeNominatim]:
    """A Nominatim-compatible service on 127.0.0.1, served from a thread."""
    fake = FakeNominatim()
    with serve(_handler(fake)) as port:
        fake.port = port
        yield fake


@pytest.fixture
def online_kwargs(fake_nominatim: FakeNominatim, tmp_path: Path) -> dict[str, Any]:
    """OnlineGeocoder options pointing at the fake service, fast and without retries."""
    return {
        "domain": fake_nominatim.domain,
        "scheme": "http",
        "proxies": {},  # never route loopback through an environment proxy
        "user_agent": "geobrief-tests/1.0",
        "cache_path": tmp_path / "geocode.sqlite",
        "min_delay_seconds": 0.0,
        "timeout": 2,
        "max_retries": 0,
        "error_wait_seconds": 0.0,
    }


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that is not to loopback: tests never reach the internet."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        if isinstance(address, tuple) and address and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise ConnectionRefusedError(f"test network guard: connection to {address!r} refused")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in (None, "127.0.0.1", "localhost", b"127.0.0.1", b"localhost"):
            raise socket.gaierror(f"test network guard: no name lookups ({host!r})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
