"""The IAB Tech Lab Podcast Measurement Technical Guidelines (v2.2/2.3) as pure functions: who the client is, how
its key is made, what a request can never count as, how many bytes make a download.

The window is the calendar day in the show's time zone (the guidelines allow it beside a rolling 24 hours): the salt
that hashes clients rotates on the same day boundary and is then destroyed, so a rolling window would need a key that
outlives its day, which is exactly what the salt's destruction forbids.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from . import agents

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MINUTE_MS = 60_000
PROBE_BYTES = 2  # `Range: bytes=0-1` and its kin: a player asking whether ranges work, not a listener
PREFETCH_HEADERS = (("purpose", "prefetch"), ("sec-purpose", "prefetch"), ("x-moz", "prefetch"))


def networks(values: Iterable[str]) -> tuple[Network, ...]:
    """'127.0.0.1', '10.0.0.0/8', '::1' -> networks; a bad value raises ValueError (a setting must be right)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _within(address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in nets)


def client_address(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The client's address. X-Forwarded-For is believed only when the socket's peer is a trusted proxy, and then
    read from the right: the first address that is not itself a trusted proxy is the client (the left end is
    whatever the client chose to write). Untrusted peers: the socket's address, whatever the header says."""
    socket_address = _address(peer or "")
    if socket_address is None:
        return peer or ""
    if not forwarded_for or not _within(socket_address, trusted):
        return str(socket_address)
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: stop believing it
        if not _within(address, trusted):
            return str(address)
    return str(socket_address)


def network_of(address: str) -> str:
    """The part of an address that identifies a client: IPv4 whole, IPv6 cut to its /64 (one household or phone
    rotates through the lower 64 bits by privacy extensions)."""
    parsed = _address(address)
    if parsed is None:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)


def client_key(salt: bytes, address: str, user_agent: str) -> str:
    """HMAC-SHA256 of (network, user agent) under the day's salt: the only trace of a client that is stored."""
    message = f"{network_of(address)}\n{user_agent}".encode("utf-8", "replace")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:40]


def window_day(at: datetime, zone: str) -> date:
    """The counting window a request falls in: its calendar day in the show's time zone."""
    try:
        return at.astimezone(ZoneInfo(zone)).date()
    except (KeyError, ValueError):
        return at.date()


def needed_bytes(size: int | None, duration_ms: int | None, bitrate: int | None) -> int:
    """Bytes a client must receive for a download: the file's header plus one minute of audio, or the whole file
    when it is shorter than a minute. The header is what the file holds beyond its audio (ID3 tags, artwork)."""
    if not size or size <= 0:
        return 1  # unknown size (an external enclosure): any delivered byte beyond a probe
    if not duration_ms or duration_ms <= MINUTE_MS:
        return size
    if bitrate and bitrate > 0:
        audio = min(size, bitrate * duration_ms // 8000)
        header = size - audio
        return min(size, header + bitrate * MINUTE_MS // 8000)
    return min(size, -(-size * MINUTE_MS // duration_ms))


def covered(spans: Iterable[tuple[int, int]]) -> int:
    """Distinct bytes delivered over (first_byte, byte_count) spans: ranges that overlap count once."""
    total, reach = 0, -1
    for start, count in sorted((s, c) for s, c in spans if c > 0):
        end = start + count - 1
        if end <= reach:
            continue
        total += end - max(start, reach + 1) + 1
        reach = end
    return total


def merge(intervals: Iterable[tuple[int, int]], spans: Iterable[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Received byte intervals [(first, last)] (inclusive) with (first_byte, byte_count) spans added: sorted, disjoint,
    touching ones joined. Past `limit` intervals (thousands of scattered ranges: no listener's player) only the
    longest are kept, so the count can only come out lower, never inflated, and the stored progress stays small."""
    edges = sorted([*intervals, *((start, start + count - 1) for start, count in spans if count > 0)])
    merged: list[tuple[int, int]] = []
    for first, last in edges:
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    if len(merged) > limit:
        merged = sorted(sorted(merged, key=lambda span: span[0] - span[1])[:limit])
    return merged


def is_probe(range_header: str | None) -> bool:
    """A range asking for at most two bytes (bytes=0-1, bytes=0-0): a capability probe."""
    if not range_header:
        return False
    spec = range_header.strip().lower().removeprefix("bytes").strip().removeprefix("=").strip()
    first, _, last = spec.partition("-")
    if not first.strip().isdigit() or not last.strip().isdigit():
        return False
    return int(last) - int(first) + 1 <= PROBE_BYTES


@dataclass(frozen=True)
class Exclusions:
    """The offline filters: known bots and tools (data file), data-centre networks (data file)."""

    datacenters: tuple[Network, ...]

    @classmethod
    def load(cls) -> Exclusions:
        return cls(datacenters=networks(agents.data_lines("datacenters.txt")))

    def reason(
        self, *, method: str, status: int, range_header: str | None, user_agent: str, address: str,
        headers: Mapping[str, str],
    ) -> str | None:  # fmt: skip
        """Why a request can never count toward a download, or None. Order matters only for the recorded reason."""
        if method != "GET":
            return "head"
        if status == 304:
            return "not_modified"
        if status not in (200, 206, 302, 307):
            return "error"
        if is_probe(range_header):
            return "probe"
        if any(headers.get(name, "").lower() == value for name, value in PREFETCH_HEADERS):
            return "prefetch"
        if agents.is_watch(user_agent):
            return "watch"
        if agents.is_bot(user_agent):
            return "bot"
        parsed = _address(address)
        if parsed is not None and _within(parsed, self.datacenters):
            return "datacenter"
        return None
