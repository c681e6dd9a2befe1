"""The browser fixtures of tests/web/browser (Debian's chromium through Playwright, skipping when missing)."""

from tests.web.browser.conftest import browser, chromium  # noqa: F401 - fixtures shared with the web's browser tests
