"""Cover art rules with Pillow-made images: each refusal names Apple's rule."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from media_catalogue.errors import MediaRejected
from media_catalogue.media.artwork import check_artwork
from tests.media.factories import artwork_bytes


@pytest.mark.parametrize(("side", "fmt", "mime"), [(1400, "JPEG", "image/jpeg"), (3000, "PNG", "image/png")])
def test_good_artwork(side: int, fmt: str, mime: str) -> None:
    art = check_artwork(artwork_bytes(side, fmt=fmt))
    assert (art.mime_type, art.width, art.height) == (mime, side, side)


def _palette_with_transparency() -> bytes:
    image = Image.new("P", (1400, 1400))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=0)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda: b"", "artwork_not_image", "empty"),
        (lambda: b"GIF89a not really", "artwork_not_image", "JPEG or PNG"),
        (lambda: artwork_bytes(1400, fmt="GIF", mode="P"), "artwork_format", "GIF images are not accepted"),
        (lambda: artwork_bytes(1400, fmt="WEBP"), "artwork_format", "WEBP"),
        (lambda: artwork_bytes(1400, height=1401), "artwork_not_square", "1400x1401"),
        (lambda: artwork_bytes(1399), "artwork_size", "between 1400x1400 and 3000x3000"),
        (lambda: artwork_bytes(3001, fmt="PNG"), "artwork_size", "3001x3001"),
        (lambda: artwork_bytes(1400, mode="CMYK"), "artwork_color_mode", "CMYK"),
        (lambda: artwork_bytes(1400, mode="L"), "artwork_color_mode", "greyscale"),
        (lambda: artwork_bytes(1400, mode="RGBA", fmt="PNG"), "artwork_color_mode", "RGBA"),
        (_palette_with_transparency, "artwork_color_mode", "transparency"),
        (lambda: artwork_bytes(1400)[:-4000], "artwork_corrupt", "damaged"),
        (lambda: b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024), "artwork_too_large", "limit is 10 MiB"),
    ],
)
def test_bad_artwork_names_the_rule(make: object, code: str, words: str) -> None:
    with pytest.raises(MediaRejected) as caught:
        check_artwork(make())  # type: ignore[operator]
    assert caught.value.code == code
    assert words in caught.value.message and caught.value.message.startswith("Artwork: ")


def test_decompression_bomb_is_refused_without_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    with pytest.raises(MediaRejected) as caught:
        check_artwork(buffer.getvalue())
    assert caught.value.code in ("artwork_not_image", "artwork_size")
