"""Pagination of the public list pages, in one URL form a static host can serve: page 1 at the list's own path,
page N >= 2 at `<list path>/page/<N>` (no query string, so the export writes each page as a file). `?page=N` on a
list path answers 301 to that form; a page past the end is 404. The pages give the template `pager` (for
templates/_pagination.html and the rel="prev"/"next" links in <head>) and `page_title` ("page N")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import RedirectResponse

from ..errors import N_, NotFound

SHOW_EPISODES = 50  # episodes on a show's or a project's page
LIST_ITEMS = 48  # shows, projects or people on an index page
SECTION_ITEMS = 24  # each section (shows, episodes, videos) of a project's or a person's page

# The legacy ?page= of a list path: declared so the page cache lets it through to the 301.
LegacyPage = Annotated[str | None, Query(alias="page", max_length=12, include_in_schema=False)]


def page_path(base: str, number: int) -> str:
    """The path of page `number` of the list at `base`."""
    return base if number <= 1 else f"{base.rstrip('/')}/page/{number}"


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    base: str
    query: str = ""  # filters kept on every page's link (the video listing's ?kind=...)
    in_query: bool = False  # search only: its pages stay ?q=...&page=N (a search is never exported)

    def url(self, number: int) -> str:
        if self.in_query:
            return f"{self.base}?{self.query}" + (f"&page={number}" if number > 1 else "")
        return page_path(self.base, number) + (f"?{self.query}" if self.query else "")

    @property
    def prev_url(self) -> str | None:
        return self.url(self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.page + 1) if self.page < self.pages else None

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to link: first, last and two around the current one; None marks a gap."""
        wanted = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        shown: list[int | None] = []
        for number in wanted:
            if shown and shown[-1] is not None and number - shown[-1] > 1:  # type: ignore[operator]
                shown.append(None)
            shown.append(number)
        return shown


def pages_of(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def check_page(number: int, pages: int) -> None:
    """404 for a page that does not exist (page 1 always exists, even for an empty list)."""
    if number < 1 or number > pages:
        raise NotFound(N_("This list has no page %(page)s."), params={"page": str(number)})


def legacy_redirect(request: Request, base: str, legacy: str | None) -> RedirectResponse | None:
    """301 from `base?page=N` to the path form, other query parameters kept; None when there is no ?page=."""
    if legacy is None:
        return None
    try:
        number = int(legacy)
    except ValueError:
        number = 0
    if number < 1:
        raise NotFound(N_("This list has no page %(page)s."), params={"page": legacy[:12]})
    others = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
    return RedirectResponse(page_path(base, number) + (f"?{others}" if others else ""), status_code=301)


def page_one_redirect(request: Request, base: str, number: int) -> RedirectResponse | None:
    """`<base>/page/1` is `<base>` itself (301); page 0 does not exist (404); None for the pages >= 2."""
    if number < 1:
        check_page(number, 1)
    if number > 1:
        return None
    query = request.url.query
    return RedirectResponse(base + (f"?{query}" if query else ""), status_code=301)
