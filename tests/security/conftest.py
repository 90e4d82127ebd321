"""The browser tests' Chromium fixtures, for the XSS test here (tests/browser/conftest.py)."""

from tests.browser.conftest import browser, page  # noqa: F401
