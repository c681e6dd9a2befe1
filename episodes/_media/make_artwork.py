"""Make simple text-only show artwork: the show title and "IOM Belgium and Luxembourg" on a plain colour.

Apple wants square JPEG or PNG artwork of 1400-3000 px in RGB; this writes <show>/artwork.jpg at 1400x1400,
baseline JPEG, RGB, well under 100 KB. Run from anywhere:  /tmp/venv/bin/python episodes/_media/make_artwork.py
Needs Pillow, PyYAML and the DejaVu fonts (Debian/Ubuntu package fonts-dejavu-core).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

SIZE = 1400
MARGIN = 130
EPISODES = Path(__file__).resolve().parent.parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
REGULAR = FONT_DIR / "DejaVuSans.ttf"

# One calm colour per project (background, text); shows without a project use the last one.
COLOURS = {
    "diaspora-engagement": ("#0b4f6c", "#ffffff"),
    "match": ("#1d3557", "#ffffff"),
    "u-care": ("#2a6f4f", "#ffffff"),
    None: ("#0033a0", "#ffffff"),  # IOM blue for the office channel
}


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to the given pixel width."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def fit_title(draw: ImageDraw.ImageDraw, title: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest bold size at which the title fits in at most four lines."""
    width = SIZE - 2 * MARGIN
    for size in range(150, 40, -4):
        font = ImageFont.truetype(str(BOLD), size)
        lines = wrap(draw, title, font, width)
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= width for line in lines):
            return font, lines
    raise ValueError(f"title too long for artwork: {title!r}")


def make(show_dir: Path) -> Path:
    show = yaml.safe_load((show_dir / "show.yaml").read_text(encoding="utf-8"))
    background, ink = COLOURS.get(show.get("project"), COLOURS[None])
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)

    font, lines = fit_title(draw, show["title"])
    line_height = int(font.size * 1.18)
    top = (SIZE - line_height * len(lines)) // 2 - 60
    for i, line in enumerate(lines):
        draw.text((MARGIN, top + i * line_height), line, font=font, fill=ink)

    # A thin rule and the publisher's name at the bottom.
    draw.rectangle((MARGIN, SIZE - MARGIN - 120, MARGIN + 160, SIZE - MARGIN - 110), fill=ink)
    small = ImageFont.truetype(str(REGULAR), 56)
    draw.text((MARGIN, SIZE - MARGIN - 70), "IOM Belgium and Luxembourg", font=small, fill=ink)

    out = show_dir / "artwork.jpg"
    image.save(out, "JPEG", quality=72, optimize=True, progressive=False)
    return out


def main() -> None:
    for show_yaml in sorted(EPISODES.glob("*/show.yaml")):
        out = make(show_yaml.parent)
        print(f"{out.relative_to(EPISODES)}  {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
