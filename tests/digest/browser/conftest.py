"""The suite's Debian chromium (tests/web/browser): the same fixtures, skipping the same way when it is missing."""

from tests.web.browser.conftest import browser, chromium  # noqa: F401
