"""A bounded HTTP adapter for geopy: a total deadline per request, few redirects, a size cap.

geopy's own adapters (requests, urllib) apply their timeout to each socket
read, follow up to 30 redirects on their own and read bodies of any size: a
server trickling one byte a second never times out, a redirect loop bypasses
the rate limiter, and a 100 MB answer is read whole.  :class:`BoundedAdapter`
speaks plain ``http.client`` instead:

- the whole exchange (connect, headers, body, every redirect) must end by one
  deadline; a watchdog shuts the socket down when it passes, whatever phase
  the exchange is in;
- at most :data:`MAX_REDIRECTS` redirects, each a request of its own that
  waits for its turn at the :class:`Pacer` (the rate limiter);
- bodies larger than :data:`MAX_BODY_BYTES` are refused while being read;
- a JSON answer that is an error object (Nominatim's ``{"error": "Unable to
  geocode"}``) is a service error, never an empty answer.

Errors are geopy's (``GeocoderTimedOut``, ``GeocoderServiceError``,
``AdapterHTTPError`` ...), so geopy's geocoders translate them as usual.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from geopy.adapters import BaseSyncAdapter

__all__ = ["MAX_BODY_BYTES", "MAX_REDIRECTS", "BoundedAdapter", "Pacer"]

#: Most redirects followed for one request (each paced like any request).
MAX_REDIRECTS = 2
#: Largest answer read (bytes): a geocoder's JSON for one query is a few KB.
MAX_BODY_BYTES = 2_000_000
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Pacer:
    """Spaces requests at least *min_delay* seconds apart, across threads.

    Each caller reserves the next free slot and sleeps until it; a slot past
    the caller's deadline is refused (``GeocoderTimedOut``) rather than waited for.
    """

    def __init__(self, min_delay: float) -> None:
        self.min_delay = min_delay
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, deadline: float) -> None:
        from geopy.exc import GeocoderTimedOut

        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            if slot > deadline:
                raise GeocoderTimedOut("deadline reached while waiting for the rate limit")
            self._next = slot + self.min_delay
        if slot > now:
            time.sleep(slot - now)


class BoundedAdapter(BaseSyncAdapter):
    """A geopy adapter with a total deadline per request, paced redirects and a body cap.

    Parameters
    ----------
    proxies : dict or None
        geopy's ``proxies`` (None: the system's, as ``urllib`` finds them; ``{}``: none).
    ssl_context : ssl.SSLContext or None
        For https.
    pacer : Pacer, optional
        Rate limiter every request and redirect waits for.
    deadline : callable, optional
        Returns the latest ``time.monotonic()`` by which the current request must
        end (e.g. a run's remaining budget); the request's own ``timeout`` applies too.
    max_redirects, max_bytes : int
        Limits (see the module docstring).
    """

    def __init__(
        self,
        *,
        proxies: dict[str, str] | None,
        ssl_context: Any,
        pacer: Pacer | None = None,
        deadline: Callable[[], float] | None = None,
        max_redirects: int = MAX_REDIRECTS,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        from geopy.adapters import _normalize_proxies

        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.proxies = _normalize_proxies(proxies)
        self.ssl_context = ssl_context
        self.pacer = pacer or Pacer(0.0)
        self.deadline = deadline
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.sent = 0  # HTTP requests sent, redirects included

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        from geopy.exc import GeocoderParseError, GeocoderServiceError

        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            data = json.loads(text)
        except ValueError as error:
            raise GeocoderParseError(f"the answer is not JSON: {text[:80]!r}") from error
        if isinstance(data, dict) and "error" in data:
            # An error object is a failure of the service, not "nothing found" (that is []).
            raise GeocoderServiceError(f"error answer: {str(data['error'])[:200]}")
        return data

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        from geopy.adapters import AdapterHTTPError
        from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable

        end = time.monotonic() + float(timeout)
        if self.deadline is not None:
            end = min(end, self.deadline())
        for hop in range(self.max_redirects + 1):
            self.pacer.wait(end)
            self.sent += 1
            try:
                status, head, body = self._exchange(url, headers, end)
            except TimeoutError as error:
                raise GeocoderTimedOut(f"no complete answer within {timeout:g} s") from error
            except OSError as error:
                if time.monotonic() >= end:  # the watchdog cut the connection
                    raise GeocoderTimedOut(f"no complete answer within {timeout:g} s") from error
                raise GeocoderUnavailable(str(error) or type(error).__name__) from error
            except http.client.HTTPException as error:
                if time.monotonic() >= end:
                    raise GeocoderTimedOut(f"no complete answer within {timeout:g} s") from error
                raise GeocoderServiceError(f"bad HTTP answer: {type(error).__name__}") from error
            if status in _REDIRECTS and head.get("location"):
                target = urljoin(url, head["location"])
                if urlsplit(target).scheme not in ("http", "https"):
                    raise GeocoderServiceError(f"redirect to a non-HTTP address {target[:100]!r}")
                if hop == self.max_redirects:
                    break
                url = target
                continue
            text = _decode(body, head.get("content-type", ""))
            if status >= 400:
                raise AdapterHTTPError(
                    f"Non-successful status code {status}", status_code=status, headers=head, text=text
                )
            return text
        raise GeocoderServiceError(f"more than {self.max_redirects} redirects")

    def _exchange(self, url: str, headers: dict[str, str], end: float) -> tuple[int, dict[str, str], bytes]:
        """One HTTP GET, cut off at *end*: (status, lower-cased headers, body)."""
        from geopy.exc import GeocoderServiceError

        parts = urlsplit(url)
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline reached")
        conn = self._connection(parts, remaining)
        # The watchdog bounds every phase, however slowly the server sends bytes.  It holds
        # the socket itself: http.client lets go of conn.sock once a response owns it.
        held: list[socket.socket] = []
        watchdog = threading.Timer(remaining, _shut, args=(held,))
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.connect()  # bounded by the socket timeout
            if conn.sock is not None:
                held.append(conn.sock)
            if time.monotonic() >= end:
                raise TimeoutError("deadline reached")
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            target = url if self._proxy_for(parts) and parts.scheme == "http" else path
            conn.request("GET", target, headers={**headers, "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            head = {k.lower(): v for k, v in resp.getheaders()}
            if resp.status in _REDIRECTS:
                return resp.status, head, b""
            length = head.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise GeocoderServiceError(f"answer of {int(length)} bytes, over the {self.max_bytes} limit")
            chunks, size = [], 0
            while chunk := resp.read1(65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise GeocoderServiceError(f"answer over the {self.max_bytes} bytes limit")
                chunks.append(chunk)
            if time.monotonic() >= end:
                raise TimeoutError("deadline reached")
            return resp.status, head, b"".join(chunks)
        finally:
            watchdog.cancel()
            conn.close()

    def _proxy_for(self, parts: Any) -> str | None:
        proxy = self.proxies.get(parts.scheme)
        if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
            return None
        return proxy

    def _connection(self, parts: Any, remaining: float) -> http.client.HTTPConnection:
        from geopy.exc import GeocoderServiceError

        if parts.scheme not in ("http", "https"):
            raise GeocoderServiceError(f"unsupported address {parts.geturl()[:100]!r}")
        proxy = self._proxy_for(parts)
        host, port = parts.hostname or "", parts.port
        if proxy:
            p = urlsplit(proxy)
            host, port = p.hostname or "", p.port or 8080
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=remaining, context=self.ssl_context
            )
            if proxy:
                conn.set_tunnel(parts.hostname or "", parts.port)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=remaining)
        return conn


def _shut(held: list[socket.socket]) -> None:
    for sock in held:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"'")
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
