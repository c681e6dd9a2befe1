"""Cover art rules (Apple Podcasts: JPEG or PNG, RGB colour space, square, 1400 to 3000 pixels) checked with Pillow.

Every refusal is a MediaRejected whose message names the rule and how to fix the image."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from ..errors import MediaRejected

MIN_SIDE = 1400
MAX_SIDE = 3000
MAX_BYTES = 10 * 1024 * 1024
_MIME = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class Artwork:
    mime_type: str
    extension: str
    width: int
    height: int


def _reject(message: str, code: str) -> MediaRejected:
    return MediaRejected(f"Artwork: {message}", code=code, field="artwork")


def check_artwork(data: bytes) -> Artwork:
    """Validate cover art bytes; return its type and size or raise MediaRejected (artwork_* codes)."""
    if not data:
        raise _reject("the file is empty.", "artwork_not_image")
    if len(data) > MAX_BYTES:
        raise _reject(
            f"the image is {len(data) / 1048576:.1f} MiB; the limit is {MAX_BYTES // 1048576} MiB "
            "(a 3000x3000 JPEG at quality 85 is usually under 1 MiB).",
            "artwork_too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError, OSError):
        raise _reject("this is not an image Pillow can read; use a JPEG or PNG file.", "artwork_not_image") from None
    with image:
        if image.format not in _MIME:
            raise _reject(f"{image.format} images are not accepted; use JPEG or PNG.", "artwork_format")
        width, height = image.size
        if width != height:
            raise _reject(f"the image is {width}x{height} pixels; it must be square.", "artwork_not_square")
        if width < MIN_SIDE or width > MAX_SIDE:
            raise _reject(
                f"the image is {width}x{height} pixels; podcast directories require between "
                f"{MIN_SIDE}x{MIN_SIDE} and {MAX_SIDE}x{MAX_SIDE}.",
                "artwork_size",
            )
        transparent = image.mode == "P" and "transparency" in image.info
        if image.mode not in ("RGB", "P") or transparent:
            raise _reject(
                f"the image uses the {image.mode} colour mode; save it as RGB without transparency "
                "(not CMYK, greyscale or with an alpha channel).",
                "artwork_color_mode",
            )
        try:
            image.load()
        except (OSError, SyntaxError):
            raise _reject("the image file is damaged or incomplete; export it again.", "artwork_corrupt") from None
        mime, ext = _MIME[image.format]
        return Artwork(mime, ext, width, height)
