"""media-catalogue: a podcast and media catalogue with RSS feeds and embeddable episode pages."""

__version__ = "0.1.0"
