"""Test-wide setup for browser tests (the data dir and inline jobs: storeos.testing.plugin)."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check would
# refuse the ORM calls the browser tests make to set up data alongside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

# Debian's Chromium, kept off the network (Playwright's own browser download cannot work here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request made with another
    Accept-Language leaves it active in the test thread (LocaleMiddleware never resets it)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
