"""The online geocoder against hostile servers on loopback: every failure bounded, counted, quiet.

Each server runs in a thread on 127.0.0.1 (the network guard of conftest.py refuses
anything else): one that trickles a byte every 1.5 s, a redirect loop, an oversized
answer, a 503 with Retry-After and an error answer.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from http_helpers import send_json

from geobrief.errors import GeocoderError, GeocoderRateLimited, GeocoderTimeout
from geobrief.geocoders import OnlineGeocoder

KHARKIV = [
    {"place_id": 1, "lat": "49.99", "lon": "36.23", "display_name": "Kharkiv, Ukraine", "name": "Kharkiv"}
]


class Hostile:
    """What the server does: ``mode`` for every request, or the next ``script`` entry first."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.script: list[str] = []
        self.retry_after = "1"
        self.times: list[float] = []
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.port = 0

    def next_mode(self) -> str:
        with self.lock:
            self.times.append(time.monotonic())
            return self.script.pop(0) if self.script else self.mode


def _handler(server: Hostile) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.paths.append(self.path)
            mode = server.next_mode()
            try:
                if mode == "trickle":  # headers at once, then one byte every 1.5 s
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    for _ in range(1000):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(1.5)
                elif mode == "trickle-head":  # even the status line comes a byte at a time
                    for byte in b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n[]":
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(1.5)
                elif mode == "redirect":  # a loop: always back to the same address
                    self.send_response(302)
                    self.send_header("Location", self.path)
                    self.end_headers()
                elif mode == "huge":  # no length announced; megabytes of JSON-ish bytes
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"[")
                    for _ in range(200):
                        self.wfile.write(b"0," * 50_000)
                elif mode == "huge-announced":
                    self.send_response(200)
                    self.send_header("Content-Length", str(120_000_000))
                    self.end_headers()
                    self.wfile.write(b"[" * 1000)
                elif mode == "503":
                    self._send(503, b"busy", {"Retry-After": server.retry_after})
                elif mode == "error":
                    self._send(200, json.dumps({"error": "Unable to geocode"}).encode())
                else:
                    self._send(200, json.dumps(KHARKIV if "Kharkiv" in self.path else []).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            send_json(self, status, body, headers)

    return Handler


@pytest.fixture
def hostile(serve_http) -> Hostile:
    state = Hostile()
    state.port = serve_http(_handler(state))
    return state


def geocoder(hostile: Hostile, tmp_path: Path, **kwargs: Any) -> OnlineGeocoder:
    options: dict[str, Any] = {
        "domain": f"127.0.0.1:{hostile.port}",
        "scheme": "http",
        "proxies": {},
        "user_agent": "geobrief-tests/1.0",
        "cache_path": tmp_path / "geocode.sqlite",
        "min_delay_seconds": 0.0,
        "timeout": 2.0,
        "max_retries": 0,
        "error_wait_seconds": 0.0,
        "max_consecutive_failures": None,
    }
    return OnlineGeocoder("nominatim", **{**options, **kwargs})


@pytest.mark.parametrize("mode", ["trickle", "trickle-head"])
def test_a_trickling_server_is_cut_off_at_the_request_deadline(hostile, tmp_path, mode, capfd):
    hostile.mode = mode
    g = geocoder(hostile, tmp_path, timeout=2.0)
    start = time.monotonic()
    with pytest.raises(GeocoderTimeout):
        g.geocode("Kharkiv")
    assert time.monotonic() - start < 2.0 + 1.0  # per request, not per read (reads come every 1.5 s)
    assert g.failure_kinds == {"timeout": 1}
    assert "Traceback" not in capfd.readouterr().err


def test_retries_stay_within_the_same_deadline(hostile, tmp_path):
    hostile.mode = "trickle"
    g = geocoder(hostile, tmp_path, timeout=2.0, max_retries=3)
    start = time.monotonic()
    with pytest.raises(GeocoderTimeout):
        g.geocode("Kharkiv")
    assert time.monotonic() - start < 3.0


def test_the_run_deadline_bounds_every_query_of_the_run(hostile, tmp_path, capfd):
    hostile.mode = "trickle"
    g = geocoder(hostile, tmp_path, timeout=2.0, run_timeout=3.0)
    names = ["Kharkiv", "Zorbantsi", "Plumbrook", "Velykoqxy", "Lemuria"]
    start = time.monotonic()
    for name in names:
        with pytest.raises(GeocoderTimeout):
            g.geocode(name)
    assert time.monotonic() - start < 3.0 + 1.0
    assert len(hostile.times) == 2  # later names fail at once, without a request
    assert g.requests == 2
    assert g.failure_kinds == {"timeout": 5} and g.lookups == 5
    summary = g.summary()
    assert summary is not None and "5 of 5 lookups failed (5 timeout)" in summary
    assert f"127.0.0.1:{hostile.port}" in summary
    assert "Traceback" not in capfd.readouterr().err


def test_a_redirect_loop_is_followed_twice_and_every_hop_is_paced(hostile, tmp_path):
    hostile.mode = "redirect"
    delay = 0.3
    g = geocoder(hostile, tmp_path, min_delay_seconds=delay, timeout=5.0)
    start = time.monotonic()
    with pytest.raises(GeocoderError, match="more than 2 redirects"):
        g.geocode("Kharkiv")
    elapsed = time.monotonic() - start
    assert len(hostile.times) == 3  # the request and two redirects, no more
    # Each redirect waited its turn at the rate limiter (measured by the client: arrival
    # times at the server jitter on a loaded machine).
    assert 2 * delay * 0.95 <= elapsed < 5.0
    with pytest.raises(GeocoderError):
        g.geocode("Kharkiv")  # not cached as "no result": asked again
    assert len(hostile.times) == 6


@pytest.mark.parametrize("mode", ["huge", "huge-announced"])
def test_an_oversized_answer_is_refused_while_read(hostile, tmp_path, mode):
    hostile.mode = mode
    g = geocoder(hostile, tmp_path, timeout=5.0)
    start = time.monotonic()
    with pytest.raises(GeocoderError, match="limit"):
        g.geocode("Kharkiv")
    assert time.monotonic() - start < 5.0
    assert g.failure_kinds == {"error": 1}
    hostile.mode = "ok"
    assert g.geocode("Kharkiv") is not None  # the failure was not cached


def test_503_retry_after_is_waited_for_then_retried(hostile, tmp_path):
    hostile.script = ["503"]  # then answers
    hostile.retry_after = "1"
    g = geocoder(hostile, tmp_path, timeout=4.0, max_retries=1)
    loc = g.geocode("Kharkiv")
    assert loc is not None and loc.latitude == pytest.approx(49.99)
    assert len(hostile.times) == 2
    assert hostile.times[1] - hostile.times[0] >= 0.9  # Retry-After: 1 honoured
    assert g.failures == []


def test_503_retry_after_past_the_deadline_fails_at_once_and_pauses_the_service(hostile, tmp_path):
    hostile.mode = "503"
    hostile.retry_after = "30"
    g = geocoder(hostile, tmp_path, timeout=2.0, max_retries=2)
    start = time.monotonic()
    with pytest.raises(GeocoderError, match="503") as info:
        g.geocode("Kharkiv")
    assert not isinstance(info.value, GeocoderTimeout)
    assert info.value.retry_after == 30
    with pytest.raises(GeocoderRateLimited):  # within the 30 s: nothing sent
        g.geocode("Zorbantsi")
    assert time.monotonic() - start < 1.5
    assert len(hostile.times) == 1


def test_an_error_answer_is_a_failure_and_never_cached_as_no_result(hostile, tmp_path):
    hostile.mode = "error"
    g = geocoder(hostile, tmp_path)
    with pytest.raises(GeocoderError, match="Unable to geocode"):
        g.geocode("Kharkiv")
    assert len(g.cache) == 0
    hostile.mode = "ok"
    assert g.geocode("Kharkiv") is not None
    assert len(hostile.times) == 2


ARTICLE = (
    "Fighting near Kharkiv\n\nShelling hit the village of Zorbantsi, Ukraine, and the town of "
    "Plumbrook, Ohio, on Monday. Troops left Velykoqxy, Kharkiv Oblast.\n"
)


def test_cli_counts_geocoder_failures_apart_from_inputs_in_one_line(hostile, tmp_path, capfd):
    from geobrief.cli import main

    hostile.mode = "trickle"
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    argv = [
        "build",
        str(tmp_path / "a.txt"),
        "--out",
        str(tmp_path / "out"),
        "--geocoder-url",
        f"http://127.0.0.1:{hostile.port}",
        "--geocoder-timeout",
        "1",
        "--geocoder-deadline",
        "2.5",
    ]
    start = time.monotonic()
    status = main(argv)
    elapsed = time.monotonic() - start
    out, err = capfd.readouterr()
    assert status == 0  # every input was read and the briefing written
    assert (tmp_path / "out" / "briefing.html").is_file()
    assert "Traceback" not in err and "cannot read" not in err
    lines = [line for line in err.splitlines() if "geocoder" in line]
    assert len(lines) == 1, err
    assert "3 of 3 lookups failed" in lines[0] and "timeout" in lines[0]
    assert "geocoder lookups failed: 3" in out and "input(s) failed" not in out
    assert elapsed < 2.5 + 15  # the deadline, plus reading and rendering on a loaded machine
    assert len(hostile.times) <= 3


def test_cli_geocoder_url_must_be_http(capsys, tmp_path):
    from geobrief.cli import main

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    status = main(["extract", str(tmp_path / "a.txt"), "--geocoder-url", "ftp://example.org"])
    assert status == 2 and "--geocoder-url" in capsys.readouterr().err
