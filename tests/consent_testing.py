"""CookieConsent v3 for the consent tests, fetched from the npm registry at test time.

The library is not committed: ``npm pack vanilla-cookieconsent@3`` downloads the
package once into a cache folder (``SPHINX_POLICY_NPM_CACHE``, default
``<tmp>/sphinx-policy-npm``) and the tests read ``dist/`` and ``types/`` from it.
Without npm or the registry the tests are skipped, or fail where the browser tests are
required (``SPHINX_POLICY_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

PACKAGE = "vanilla-cookieconsent@3"


def _unavailable(reason: str) -> None:
    if os.environ.get("SPHINX_POLICY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"consent tests required but CookieConsent cannot be fetched: {reason}")
    pytest.skip(reason)


def cookieconsent() -> Path:
    """The unpacked npm package (``package/``) of CookieConsent v3."""
    cache = Path(os.environ.get("SPHINX_POLICY_NPM_CACHE")
                 or Path(tempfile.gettempdir()) / "sphinx-policy-npm")
    package = cache / "package"
    if (package / "dist" / "cookieconsent.umd.js").is_file():
        return package
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed: CookieConsent comes from the npm registry")
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "pack", PACKAGE, "--pack-destination", str(cache)],
                          capture_output=True, text=True, timeout=180, check=False)
    tarballs = sorted(cache.glob("vanilla-cookieconsent-3.*.tgz"))
    if done.returncode != 0 or not tarballs:
        _unavailable(f"npm pack {PACKAGE} failed: {done.stderr.strip()[-300:]}")
    with tarfile.open(tarballs[-1]) as archive:
        archive.extractall(cache, filter="data")
    return package


@contextmanager
def chromium_as_visitor() -> Iterator[Any]:
    """Headless Chromium that does not announce automation (``navigator.webdriver``):
    CookieConsent hides its banner from bots by default (``hideFromBots``), as it should
    on a real site."""
    from playwright.sync_api import sync_playwright
    from publishing_site import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.fspath(CHROMIUM), timeout=60_000,
            args=[*CHROMIUM_ARGS, "--disable-blink-features=AutomationControlled"])
        try:
            yield browser
        finally:
            browser.close()
