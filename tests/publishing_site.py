"""Git repositories holding this project's own documentation, for the publishing tests.

The themes, PDF, JSON-LD and browser tests build what users build: the example policies
of ``docs/examples`` (or the whole ``docs`` folder), committed to a real git repository
with two revisions, so that pages have dates, policy pages have an archived version of
each revision and the second revision has a diff page.

    site = examples_site(tmp_path / "site")      # the three examples, a minimal conf.py
    site = docs_site(tmp_path / "docs")          # docs/ as it is, conf.py included

Imported by the test modules (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs"
EXAMPLES = ("karoo-cyber-works", "medway-alarm-services", "fynbos-digital")
#: The example changed by the second revision (it gets a diff page).
CHANGED = "fynbos-digital"

FIRST_DATE = "2024-02-15T10:00:00+00:00"
SECOND_DATE = "2025-06-03T09:30:00+02:00"
#: How readers see them (default format, UTC).
FIRST_DAY, SECOND_DAY = "February 15, 2024", "June 3, 2025"
FIRST_ISO, SECOND_ISO = "2024-02-15T10:00:00+00:00", "2025-06-03T07:30:00+00:00"

#: A configuration like docs/conf.py, for the examples alone.
EXAMPLES_CONF = """
project = "Example policies"
extensions = ["myst_parser", "sphinx_policy"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
exclude_patterns = ["_build"]
policy_pages = ["examples/*/index"]
html_baseurl = "https://policies.example.org/"
"""
EXAMPLES_INDEX = "# Example policies\n\n```{toctree}\nexamples/index\n```\n"

FIRST_MESSAGE = "Publish the example policies\n\nPolicy-Change: First published."
SECOND_SUMMARY = "We now review this policy at least once a year."
SECOND_MESSAGE = f"Fynbos: yearly reviews\n\nPolicy-Change: {SECOND_SUMMARY}"


#: A paragraph of the changed example, as first published and as revised (added by the
#: tests, so that the diff does not depend on the example's wording).
OLD_SENTENCE = (
    "We review this policy from time to time, and the list of changes above says what "
    "changed and when, with each earlier version kept for you to read."
)
NEW_SENTENCE = OLD_SENTENCE.replace("from time to time", "at least once a year")


def _example_page(repo: GitRepo, folder: str) -> Path:
    return repo.path / folder / "examples" / CHANGED / "index.md"


def _commit_twice(repo: GitRepo, folder: str = "") -> GitRepo:
    """The first revision (with OLD_SENTENCE), then the second (NEW_SENTENCE instead)."""
    repo.write(".gitignore", "_build/\n_readthedocs/\n")
    page = _example_page(repo, folder)
    page.write_text(page.read_text("utf-8") + f"\n{OLD_SENTENCE}\n", "utf-8")
    repo.commit(FIRST_MESSAGE, date=FIRST_DATE)
    page.write_text(page.read_text("utf-8").replace(OLD_SENTENCE, NEW_SENTENCE), "utf-8")
    repo.commit(SECOND_MESSAGE, date=SECOND_DATE)
    return repo


def examples_site(dest: Path, conf_extra: str = "") -> GitRepo:
    """``docs/examples`` in a fresh repository with a minimal ``conf.py`` (+ ``conf_extra``).

    The examples folder sits at the same place as in ``docs/``, so their ``:file:`` paths
    (``/examples/<name>/policy.yaml``) work unchanged.
    """
    repo = GitRepo(dest)
    shutil.copytree(DOCS / "examples", dest / "examples")
    repo.write("conf.py", EXAMPLES_CONF + conf_extra)
    repo.write("index.md", EXAMPLES_INDEX)
    return _commit_twice(repo)


def docs_site(dest: Path, extra_files: dict[str, str] | None = None) -> GitRepo:
    """This project's ``docs`` folder (conf.py and all) in a fresh repository, at
    ``dest/docs``, beside a copy of ``sphinx_policy`` (the docs include its schemas).

    ``extra_files`` (path in the docs folder -> text) are committed with the first
    revision.
    """
    repo = GitRepo(dest)
    ignore = shutil.ignore_patterns("_build", "__pycache__", "*.pyc")
    shutil.copytree(DOCS, dest / "docs", ignore=ignore)
    shutil.copytree(REPO_ROOT / "sphinx_policy", dest / "sphinx_policy", ignore=ignore)
    for path, text in (extra_files or {}).items():
        repo.write(f"docs/{path}", text)
    return _commit_twice(repo, "docs")


def archive_pages(outdir: Path, example: str = CHANGED) -> list[Path]:
    """The archived versions of an example (newest first), without the diff pages."""
    folder = outdir / "examples" / example / "index" / "versions"
    pages = [p for p in folder.glob("*.html") if not p.stem.endswith("-diff")]
    return sorted(pages, reverse=True)


def diff_pages(outdir: Path, example: str = CHANGED) -> list[Path]:
    folder = outdir / "examples" / example / "index" / "versions"
    return sorted(folder.glob("*-diff.html"), reverse=True)


def build_env(repo: GitRepo, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``sphinx-build`` subprocess: this one without CI markers
    (``READTHEDOCS*``, ``GITHUB_ACTIONS``), with the repository's fixed git settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("READTHEDOCS") and key != "GITHUB_ACTIONS"
    }
    env.update({key: repo.env[key] for key in ("HOME", "GIT_CONFIG_NOSYSTEM", "TZ", "LC_ALL")})
    env.update(extra or {})
    return env


def sphinx_build(
    srcdir: Path, outdir: Path, *args: str, env: dict[str, str], builder: str = "html"
) -> subprocess.CompletedProcess[str]:
    """``python -m sphinx -b <builder> *args srcdir outdir``, run in ``srcdir`` as Read the
    Docs does (so a package beside the docs cannot shadow the installed one)."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, *args, str(srcdir), str(outdir)],
        cwd=srcdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


# --------------------------------------------------------------------------- a real browser

#: Debian's Chromium (``apt-get install chromium``), driven by Playwright for Python.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Screenshots are test artifacts (``test-artifacts/`` is gitignored; CI keeps it).
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"


class BrowserTestsSkipped(UserWarning):
    """Shown in pytest's warnings summary, so a skip is seen without ``-rs``."""


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not installed at {CHROMIUM}: apt-get install chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python not installed: python3 -m pip install -e '.[test]'"
    return None


def skip_without_browser() -> None:
    """``pytest.skip`` with the reason, also reported as a warning.

    Where the browser is required (``SPHINX_POLICY_REQUIRE_BROWSER=1``, set by ``.ci/run``
    once Chromium is installed), a missing browser fails the test instead: CI must not
    pass by skipping them.
    """
    reason = browser_unavailable()
    if reason is not None and os.environ.get("SPHINX_POLICY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but cannot run: {reason}")
    if reason is not None:
        warnings.warn(BrowserTestsSkipped(f"browser tests skipped: {reason}"), stacklevel=2)
        pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path, lifetime: float = 600.0) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) from a thread; yields the base URL.

    The server stops when the block ends, and in any case after ``lifetime`` seconds.
    """
    handler = functools.partial(_QuietHandler, directory=os.fspath(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    deadline = threading.Timer(lifetime, server.shutdown)
    deadline.daemon = True
    deadline.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        deadline.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.fspath(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


#: JavaScript: does the document scroll sideways?  [scrollWidth, clientWidth]
PAGE_WIDTH_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

#: JavaScript: elements inside ``selector`` that stick out of the viewport sideways
#: without a scrolling box of their own to hold them (they widen the page).
STICKING_OUT_JS = """(selector) => {
  const out = [];
  const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || (r.right <= width + 1 && r.left >= -1)) continue;
    let held = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") { held = true; break; }
    }
    if (!held) out.push(`${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 50)}`);
  }
  return out;
}"""

#: JavaScript: cells of ``selector`` a reader cannot reach. Each cell is scrolled into
#: view (as a reader would scroll the table's own box) and must then be the element at
#: a point of its visible part; no ancestor may clip it without letting it scroll.
UNREACHABLE_CELLS_JS = """(selector) => {
  const problems = [];
  const cells = [...document.querySelectorAll(selector)];
  for (const [i, cell] of cells.entries()) {
    // An empty cell that a stacked row leaves out holds nothing to reach.
    if (cell.hasAttribute("data-empty") && getComputedStyle(cell).display === "none") continue;
    for (let el = cell.parentElement; el && el !== document.body; el = el.parentElement) {
      const ox = getComputedStyle(el).overflowX;
      if ((ox === "hidden" || ox === "clip") && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`cell ${i} (${cell.textContent.trim().slice(0, 40)}): clipped by ` +
                      `${el.tagName}.${el.className}`);
      }
    }
    cell.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
    const r = cell.getBoundingClientRect();
    const left = Math.max(r.left, 0), right = Math.min(r.right, innerWidth);
    const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
    if (right - left < 1 || bottom - top < 1) {
      problems.push(`cell ${i} (${cell.textContent.trim().slice(0, 40)}): outside the viewport`);
      continue;
    }
    const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
    if (!hit || !(cell === hit || cell.contains(hit))) {
      problems.push(`cell ${i} (${cell.textContent.trim().slice(0, 40)}): covered by ` +
                    `${hit ? hit.tagName + "." + hit.className : "nothing"}`);
    }
  }
  window.scrollTo({top: 0, left: 0, behavior: "instant"});
  for (const el of document.querySelectorAll("*")) if (el.scrollLeft) el.scrollLeft = 0;
  return [cells.length, problems];
}"""

#: JavaScript: words of the table cells of ``selector`` that are split across lines
#: (a column squeezed narrower than its words). A line may end after a hyphen or a slash,
#: or between ")(" ("6(1)" / "(a)"); words over 30 characters may break anywhere.
BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\-\u2010\u2013\u2014\\/(]+/g)) {
        if (match[0].length > 30) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""
