"""Validation rules on what the probe read: refusals (MediaRejected with a stable code and a message a producer
understands) and warnings (the file works but is poor). The codes are part of the API and CLI contract:

not_media, unsupported_format, truncated, corrupt, tag_too_large (raised by the probe); zero_duration, absurd_duration,
unsupported_sample_rate, unsupported_channels, no_audio, too_large, bad_filename (raised here).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ..errors import MediaRejected, TooLarge
from .probe import ProbeResult

MIN_DURATION_MS = 500
MAX_DURATION_MS = 24 * 3600 * 1000
# Rates every podcast app decodes (MPEG-1/2 and AAC/Opus common rates); 8 and 11.025 kHz are telephone quality
# and several apps refuse them.
PLAYABLE_RATES = frozenset({16000, 22050, 24000, 32000, 44100, 48000})
LOW_BITRATE = 64000
MAX_FILENAME = 255


def check_filename(filename: str) -> str:
    """Validate an uploader's file name and return its lowercase extension ("" when it has none).

    The name is never used to build a storage key; it is checked so that a hostile name cannot reach logs or
    paths, and its extension serves as a hint (m4v vs mp4)."""
    if not filename or len(filename) > MAX_FILENAME:
        raise MediaRejected("The file name is empty or longer than 255 characters.", code="bad_filename")
    bad = [ch for ch in filename if ch in "/\\\0" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if bad or filename in (".", ".."):
        raise MediaRejected(
            "The file name contains a path separator or a control character; rename the file (letters, digits, "
            "spaces, dots and dashes are fine) and upload it again.",
            code="bad_filename",
        )
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise too_large(limit)


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"The file is larger than the {human_bytes(limit)} limit; export it at a lower bitrate "
        "(128 kbps MP3 is about 58 MB per hour) and upload it again.",
        code="too_large",
    )


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def validate(
    result: ProbeResult,
    *,
    role: str = "primary",
    extension_hint: str = "",
    sibling_channels: Iterable[int] = (),
    placeholder: bool = False,
) -> list[str]:
    """Raise MediaRejected for a file podcast apps cannot play; return warnings for a file that plays but is poor."""
    if result.duration_ms < MIN_DURATION_MS:
        raise MediaRejected(
            f"The file plays for {result.duration_ms / 1000:.2f} seconds: there is no audio to publish.",
            code="zero_duration",
        )
    if result.duration_ms > MAX_DURATION_MS:
        hours = result.duration_ms / 3_600_000
        raise MediaRejected(
            f"The file claims to play for {hours:.0f} hours (the limit is 24); its header is probably damaged. "
            "Export it again.",
            code="absurd_duration",
        )
    if not result.channels:
        raise MediaRejected("The file has no audio track.", code="no_audio")
    if result.channels > 2:
        raise MediaRejected(
            f"The file has {result.channels} audio channels; podcast apps play mono or stereo only. "
            "Export a stereo (or mono, for speech) mixdown.",
            code="unsupported_channels",
        )
    if result.sample_rate not in PLAYABLE_RATES:
        rate = f"{result.sample_rate / 1000:g} kHz" if result.sample_rate else "an unknown sample rate"
        raise MediaRejected(
            f"The audio is sampled at {rate}, which podcast apps do not reliably play; export at 44.1 kHz (or 48 kHz).",
            code="unsupported_sample_rate",
        )
    return warnings_for(
        result, role=role, extension_hint=extension_hint, sibling_channels=sibling_channels, placeholder=placeholder
    )


def warnings_for(
    result: ProbeResult,
    *,
    role: str = "primary",
    extension_hint: str = "",
    sibling_channels: Iterable[int] = (),
    placeholder: bool = False,
) -> list[str]:
    """Quality warnings; a placeholder (a spoken stand-in, poor on purpose) gets none about bitrate or loudness."""
    warnings: list[str] = []
    if not placeholder and not result.is_video and result.bitrate and result.bitrate < LOW_BITRATE:
        warnings.append(
            f"Low bitrate: {result.bitrate // 1000} kbps; speech sounds clearly at 64 kbps mono or 128 kbps stereo."
        )
    siblings = set(sibling_channels)
    if result.channels and siblings and result.channels not in siblings:
        mine = "mono" if result.channels == 1 else "stereo"
        theirs = "mono" if siblings == {1} else "stereo" if siblings == {2} else "mixed"
        warnings.append(f"Channel mismatch: this file is {mine} while the show's other episodes are {theirs}.")
    if not placeholder and not result.loudness_measured:
        warnings.append(
            "Loudness not measured: the file carries no ReplayGain/loudness information; normalise to "
            "-16 LUFS (stereo) or -19 LUFS (mono) so it sounds as loud as other podcasts."
        )
    if result.vbr_without_header:
        warnings.append(
            "Variable bitrate MP3 without a Xing/VBRI header: apps may show a wrong duration and seek badly."
        )
    if result.trailing_junk:
        warnings.append(f"{result.trailing_junk} bytes of non-audio data after the last frame were dropped.")
    if role == "primary" and not result.format.apple_compatible:
        warnings.append(
            f"{result.format.name.capitalize()} in Ogg does not play in Apple Podcasts; "
            "publish an MP3 or M4A as the main file and keep this one as an alternate."
        )
    if extension_hint and extension_hint not in _extensions_for(result):
        warnings.append(
            f"The file name ends in .{extension_hint} but the content is {result.format.name.upper()}; "
            f"it is stored as .{result.extension}."
        )
    return warnings


def _extensions_for(result: ProbeResult) -> set[str]:
    if result.format.container == "mp4":
        return {"m4a", "mp4", "m4v", "m4b", "aac", "mov"}
    if result.format.container == "ogg":
        return {"ogg", "oga", "opus"}
    return {"mp3"}
