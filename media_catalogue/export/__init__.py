"""The static export: the whole public side (pages in English, French and Dutch, feeds, OPML, embeds, oEmbed JSON,
chapters, transcripts, artwork, sitemaps, robots.txt, 404 pages) as files in a folder or an S3 bucket, for any
static host or CDN. An operator floor beside commands/: it renders through web/ in-process, so a file holds the
app's bytes, and writes through storage/ for S3. docs/EXPORT.md explains the URL plan and the trade-offs.
"""

from __future__ import annotations

from .run import Report, export
from .targets import MANIFEST

__all__ = ["MANIFEST", "Report", "export"]
