"""Browser fixtures of the export's browser test: the web's `chromium` fixture, and a Playwright browser of this
module's own. It is closed when the module ends: a second session-wide Playwright (tests/web/browser's `browser`) in
the same thread would otherwise find this one's event loop still running and refuse to start."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser.conftest import CHROMIUM_FLAGS, chromium  # noqa: F401 - the shared skip-when-missing fixture


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:  # noqa: F811 - chromium is the imported fixture
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
