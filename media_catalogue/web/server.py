"""How the app is served: uvicorn, with a deadline for request headers.

Timeouts live in two places, each where it can be enforced:
- Headers: in uvicorn's HTTP protocol (the classes below), because the ASGI app is only called once a request's
  headers are complete; no middleware ever sees a connection that trickles them. Uvicorn itself times out only an
  idle keep-alive connection, so a connection that does not deliver complete headers within
  settings.header_timeout_seconds (from its opening, or from the end of its previous answer) is closed here.
- Bodies: in the web.limits middleware (settings.body_timeout_seconds), because only the app knows which route a
  body goes to (a JSON edit must arrive whole quickly; an upload may be long, but must keep moving), and it answers
  408 with the API's error shape.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import Settings

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


@functools.cache
def _configured_header_timeout() -> float:
    """For workers started by `uvicorn.run(..., http=PROTOCOL)`: the setting, as each worker reads it."""
    return Settings().header_timeout_seconds


class _HeaderDeadline:
    """Mixed into uvicorn's protocols: close the connection when no new request's headers came in time."""

    config: Any
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def _arm_header_deadline(self) -> None:
        seconds = getattr(self.config, "mc_header_timeout", None) or _configured_header_timeout()
        waiting_for = self.cycle if hasattr(self, "cycle") else None

        def late() -> None:
            if (getattr(self, "cycle", None) is waiting_for) and not self.transport.is_closing():
                self.transport.close()  # no request began since: its headers are too slow (or never came)

        self._header_timer = self.loop.call_later(seconds, late)

    def _disarm_header_deadline(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()


class _OneWrite:
    """The connection's transport, with the writes made in one step of the event loop sent together (one writev
    instead of one write for a response's head and another for its body: half the system calls and packets for a
    small cached answer). Everything else is the transport's own."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending and not self._transport.is_closing():
            self._transport.writelines(pending)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._pending = []
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class H11WithDeadline(_HeaderDeadline, H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm_header_deadline()
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)


if HttpToolsProtocol is not None:

    class HttpToolsWithDeadline(_HeaderDeadline, HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(_OneWrite(transport, self.loop))  # type: ignore[arg-type]
            self._arm_header_deadline()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._disarm_header_deadline()
            self._arm_header_deadline()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_header_deadline()
            super().connection_lost(exc)

    PROTOCOL: type[asyncio.Protocol] = HttpToolsWithDeadline
else:
    PROTOCOL = H11WithDeadline


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's Config for the app (or a factory's import string), with the header deadline of the settings."""
    config = uvicorn.Config(app, http=PROTOCOL, **options)
    config.mc_header_timeout = settings.header_timeout_seconds  # type: ignore[attr-defined]  # read by the protocol
    return config


def run(*, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the app (`media-catalogue serve`): uvloop and httptools when installed (uvicorn[standard]), the header
    deadline above, proxy headers from the load balancer on 127.0.0.1; no `server` banner (one header less on every
    answer, and nothing to tell a scanner)."""
    uvicorn.run(
        "media_catalogue.web.app:app_from_environment",
        factory=True,
        http=PROTOCOL,  # uvicorn's HTTP protocol with a deadline for request headers
        loop="auto",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        access_log=access_log,
        server_header=False,
    )
