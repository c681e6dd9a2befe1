"""Bounded downloads for imports: http and https only, at most 5 redirects (each checked again), no loopback,
private, link-local or otherwise non-public destination unless `import_allowed_hosts` names it, a size limit
enforced while streaming, and a time limit for the whole download. The address actually connected to is checked too
(a name that resolves to a public address for the check and a private one for the connection is refused)."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from .. import __version__
from ..config import Settings
from ..errors import CatalogueError

MAX_REDIRECTS = 5
CHUNK = 1 << 16
USER_AGENT = f"media-catalogue/{__version__} (feed import)"

Progress = Callable[[int, int | None], None]  # (bytes so far, total when known)
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchFailed(CatalogueError):
    status = 502
    code = "fetch_failed"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    size: int


def _allowed(host: str, addresses: list[Address], settings: Settings) -> bool:
    for entry in settings.import_allowed_hosts:
        entry = entry.strip().lower()
        if entry == host.lower():
            return True
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if addresses and all(address in network for address in addresses):
            return True
    return False


def _public(address: Address) -> bool:
    return address.is_global and not address.is_multicast


def _addresses(host: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(f"{host}: the name does not resolve ({exc.strerror})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_url(url: str, settings: Settings) -> None:
    """Refuse a URL the importer must not fetch (scheme, destination)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchFailed(f"{url}: only http and https addresses are fetched, not {parts.scheme or 'a bare path'}")
    host = parts.hostname or ""
    if not host:
        raise FetchFailed(f"{url}: no host name")
    addresses = _addresses(host)
    if _allowed(host, addresses, settings):
        return
    private = [str(a) for a in addresses if not _public(a)]
    if private:
        raise FetchFailed(
            f"{url}: {host} is a loopback, private or link-local address ({', '.join(private)}); "
            "add it to import_allowed_hosts in the settings to fetch from it"
        )


def _check_peer(response: httpx.Response, url: str, settings: Settings) -> None:
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return
    address = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
    host = urlsplit(url).hostname or ""
    if not _public(address) and not _allowed(host, [address], settings):
        raise FetchFailed(f"{url}: connected to {address}, a non-public address")


def _client(settings: Settings) -> httpx.Client:
    timeout = httpx.Timeout(max(1.0, min(60.0, settings.import_timeout_seconds)))
    return httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False, headers={"User-Agent": USER_AGENT})


def _stream(url: str, settings: Settings, limit: int, deadline: float) -> Iterator[tuple[httpx.Response, str]]:
    with _client(settings) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url, settings)
            with client.stream("GET", url) as response:
                _check_peer(response, url, settings)
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    if not location:
                        raise FetchFailed(f"{url}: a redirect without a Location")
                    url = urljoin(url, location)
                    continue
                if response.status_code != 200:
                    raise FetchFailed(f"{url}: the server answered {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchFailed(f"{url}: {int(declared):,} bytes, over the limit of {limit:,}")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{url}: took longer than {settings.import_timeout_seconds:g} s")
                yield response, url
                return
        raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects")


def fetch_into(
    url: str,
    target: BinaryIO,
    settings: Settings,
    *,
    limit: int,
    progress: Progress | None = None,
) -> Fetched:
    """Stream a URL into an open binary file, within the limits; returns where it ended and what it said it was."""
    deadline = time.monotonic() + settings.import_timeout_seconds
    try:
        for response, final_url in _stream(url, settings, limit, deadline):
            declared = response.headers.get("content-length", "")
            total = int(declared) if declared.isdigit() else None
            size = 0
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(f"{url}: more than {limit:,} bytes, the limit")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{url}: took longer than {settings.import_timeout_seconds:g} s")
                target.write(chunk)
                if progress is not None:
                    progress(size, total)
            content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            return Fetched(final_url, content_type, size)
    except httpx.HTTPError as exc:
        raise FetchFailed(f"{url}: {type(exc).__name__}: {exc}") from None
    raise FetchFailed(f"{url}: no answer")  # pragma: no cover (the loop returns or raises)


def fetch_bytes(url: str, settings: Settings, *, limit: int) -> tuple[bytes, Fetched]:
    import io

    buffer = io.BytesIO()
    fetched = fetch_into(url, buffer, settings, limit=limit)
    return buffer.getvalue(), fetched


def fetch_file(url: str, path: Path, settings: Settings, *, limit: int, progress: Progress | None = None) -> Fetched:
    with path.open("wb") as handle:
        return fetch_into(url, handle, settings, limit=limit, progress=progress)


def read_source(source: str, settings: Settings) -> tuple[bytes, str | None]:
    """The feed document from a path or an http(s) URL, bounded before parsing; returns (bytes, URL or None)."""
    limit = settings.import_max_feed_bytes
    if source.startswith(("http://", "https://")):
        data, fetched = fetch_bytes(source, settings, limit=limit)
        return data, source
    if "://" in source:
        raise FetchFailed(f"{source}: only http and https addresses or file paths are read")
    path = Path(source)
    if not path.is_file():
        raise CatalogueError(f"no such file: {source}", code="not_found")
    if path.stat().st_size > limit:
        raise CatalogueError(f"{source}: larger than the feed limit of {limit:,} bytes", code="too_large")
    with path.open("rb") as handle:
        return handle.read(limit + 1)[:limit], None
