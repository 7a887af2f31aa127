"""This project's documentation in a real browser: Debian's Chromium, driven by Playwright.

The docs (``docs/``, plus a page whose data is nothing but script payloads) are committed
to a git repository with two revisions, built with ``sphinx-build`` as users build them,
served on 127.0.0.1 and opened headless. Without ``/usr/bin/chromium`` (or Playwright)
every test here is skipped, with the reason in the skip and in the warnings summary;
``.ci/run`` installs Chromium first, so CI runs them.

Screenshots go to ``test-artifacts/screenshots/`` (``docs-*.png``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from publishing_site import (
    BROKEN_WORDS_JS,
    CHANGED,
    EXAMPLES,
    NEW_SENTENCE,
    OLD_SENTENCE,
    PAGE_WIDTH_JS,
    STICKING_OUT_JS,
    UNREACHABLE_CELLS_JS,
    archive_pages,
    build_env,
    chromium,
    diff_pages,
    docs_site,
    screenshot_path,
    serve,
    skip_without_browser,
    sphinx_build,
)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# -- a page whose data is nothing but script payloads ------------------------------------

PWNED = "__pwned"
HOSTILE_NAME = '</script><script>window.__pwned = "jsonld-name"</script><!--'
HOSTILE_DATA = """\
# Every value a script payload: the page must show them as text and run none of them.
organisation:
  name: '</script><script>window.__pwned = "jsonld-name"</script><!--'
  short_name: '<img src=x onerror="window.__pwned = 1">'
  email: "x'onmouseover='window.__pwned=1'@evil.example"
  phone: "+1 (555) 010-0000"
  website: 'https://evil.example/"><script>window.__pwned = "website"</script>'
  address:
    - '<iframe src="javascript:parent.__pwned = 1"></iframe>'
    - ']]></script><script>window.__pwned = 2</script>'
  offices:
    - id: hq
      name: '<script>window.__pwned = "office"</script>'
      email: hq@evil.example
      phone: "+1 555 010 0001"
      country: '</script><svg onload="window.__pwned = 1">'
      address: ['<script src="https://evil.example/x.js"></script>']
  officers:
    - role: dpo
      name: '<a href="javascript:window.__pwned = 1">DPO</a>'
      title: "\\u2028</script><script>window.__pwned = 'u2028'</script>"
      email: dpo@evil.example
jurisdictions: [gdpr]
recipients:
  - id: evil
    name: '<script>window.__pwned = "recipient"</script>'
    privacy_policy: 'https://evil.example/"onmouseover="window.__pwned = 1'
    website: 'javascript:window.__pwned = "js-url"'
cookies:
  - name: '<script>window.__pwned = "cookie"</script>'
    provider: evil
    category: necessary
    purpose: '<img src=x onerror="window.__pwned = &quot;purpose&quot;">'
    expiry: P1Y
  - name: 'x`${window.__pwned = 1}`'
    provider: '<b onclick="window.__pwned = 1">Evil</b>'
    category: statistics
    purpose: '{{ 7*7 }} {% raw %} <style>body { display: none }</style>'
    expiry: session
processing:
  - id: evil-activity
    name: '<script>window.__pwned = "activity"</script>'
    data: ['<script>window.__pwned = "data"</script>']
    purposes: ['javascript:window.__pwned = 1']
    lawful_basis: consent
    recipients: [evil]
    retention: P1Y
facts:
  evil: '<script>window.__pwned = "fact"</script>'
"""
HOSTILE_PAGE = """\
---
orphan: true
policy: true
---
# Hostile data

```{policy-data} data.yaml
```

```{last-updated}
```

Fact: {policy}`evil`.

```{cookie-table}
```

```{processing-table}
```

```{rights}
```

```{contact}
```

```{contact} office hq
```

```{contact} dpo
```

## Changes

```{policy-changelog}
```
"""
HOSTILE_SUMMARY = '<script>window.__pwned = "summary"</script> & <img src=x onerror=alert(1)>'


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs with the hostile page, built (a third revision changes the hostile data)."""
    skip_without_browser()
    root = tmp_path_factory.mktemp("browser")
    repo = docs_site(
        root / "repo", {"hostile/index.md": HOSTILE_PAGE, "hostile/data.yaml": HOSTILE_DATA}
    )
    repo.write("docs/hostile/data.yaml", HOSTILE_DATA + "\n# revised\n")
    repo.commit(f"Hostile summary\n\nPolicy-Change: {HOSTILE_SUMMARY}",
                date="2025-07-01T00:00:00+00:00")
    out = root / "html"
    proc = sphinx_build(repo.path / "docs", out, "-q", env=build_env(repo))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def server(site_html: Path) -> Iterator[str]:
    with serve(site_html) as base:
        yield base


@pytest.fixture(scope="module")
def browser(site_html: Path) -> Iterator[Any]:
    with chromium() as browser:
        yield browser


class Visit:
    """A browser context that records what a reader would not want to see: console errors,
    uncaught exceptions, dialogs, failed requests, requests leaving 127.0.0.1."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int]) -> None:
        self.base = base
        self.context = browser.new_context(viewport=viewport)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("dialog", self._dialog)
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"),
        )

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({self.page.url})")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, path
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[Visit]:
    visit = Visit(browser, server, PHONE)
    yield visit
    visit.close()


@pytest.fixture
def desktop(browser: Any, server: str) -> Iterator[Visit]:
    visit = Visit(browser, server, DESKTOP)
    yield visit
    visit.close()


def rel(site_html: Path, page: Path) -> str:
    return page.relative_to(site_html).as_posix()


# -- the examples on a phone -------------------------------------------------------------


#: JavaScript: how a policy table is laid out on a phone.
STACKED_JS = """ts => ts.map(t => {
  const headers = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const rows = [...t.querySelectorAll('tbody tr')];
  return {cellDisplay: getComputedStyle(t.querySelector('tbody td')).display,
          scrollWidth: t.scrollWidth, columnWidth: t.closest('.policy').clientWidth,
          labelled: rows.every(r => [...r.children].every(
            (td, i) => td.getAttribute('data-label') === headers[i]
              && (td.hasAttribute('data-empty')  // no value: no label-only line either
                  ? getComputedStyle(td).display === 'none'
                  : getComputedStyle(td, '::before').content.includes(headers[i]))))};
})"""


@pytest.mark.parametrize("example", EXAMPLES)
def test_phone_no_sideways_scroll_and_every_cookie_cell_reachable(
    phone: Visit, example: str
) -> None:
    page = phone.open(f"examples/{example}/index.html")
    scroll_width, client_width = page.evaluate(PAGE_WIDTH_JS)
    assert scroll_width <= client_width, f"the page scrolls sideways: {scroll_width}px"
    count, problems = page.evaluate(UNREACHABLE_CELLS_JS, "table.policy-cookie-table td")
    assert count > 0, "no cookie table"
    assert problems == []
    assert page.evaluate(BROKEN_WORDS_JS, ".policy-table td, .policy-table th") == []
    # each table is stacked into label-value rows that fit the column: no sideways scroll
    for table in page.eval_on_selector_all("table.policy-table", STACKED_JS):
        assert table["cellDisplay"] != "table-cell", table
        assert table["scrollWidth"] <= table["columnWidth"] + 1, table
        assert table["labelled"], table  # every cell shows its column's header
    page.locator("table.policy-cookie-table").first.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path(f"docs-375-{example}-cookies"))
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=screenshot_path(f"docs-375-{example}-top"))
    assert phone.errors == [] and phone.outside == []


def test_phone_policy_output_never_widens_a_page(phone: Visit, site_html: Path) -> None:
    """On every page of the docs, nothing scrolls sideways on a phone: not what
    sphinx-policy renders, and not the reference pages' own tables, which stack into
    label-value rows like policy tables."""
    sticking_out, wide = {}, {}
    for path in sorted(site_html.glob("**/*.html")):
        name = rel(site_html, path)
        if "/versions/" in name:
            continue  # the archives are checked below
        page = phone.open(name)
        found = page.evaluate(STICKING_OUT_JS, ".policy, .policy *")
        if found:
            sticking_out[name] = found
        scroll_width, client_width = page.evaluate(PAGE_WIDTH_JS)
        if scroll_width > client_width:
            wide[name] = scroll_width
    assert sticking_out == {}
    assert wide == {}
    page = phone.open("reference/warnings.html")
    page.locator("table.docs-warnings-table").first.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path("docs-375-reference-warnings"))


# -- archived versions and diffs ---------------------------------------------------------


def test_archived_version_banner(desktop: Visit, site_html: Path) -> None:
    newest, oldest = archive_pages(site_html)
    page = desktop.open(rel(site_html, oldest))
    banner = page.locator(".policy-archive-banner")
    assert banner.count() == 1 and banner.is_visible()
    assert banner.inner_text().startswith("Archived version of February 15, 2024.")
    heading = page.locator("h1").filter(has_text="Fynbos Digital")
    assert banner.bounding_box()["y"] < heading.bounding_box()["y"], "banner below the title"
    assert page.locator("time.policy-date").inner_text() == "February 15, 2024"
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    # as it was: the old wording, no JSON-LD for search engines
    assert OLD_SENTENCE in page.locator("body").inner_text()
    assert page.locator('script[type="application/ld+json"]').count() == 0
    page.screenshot(path=screenshot_path("docs-1280-archive-banner"))
    banner.get_by_role("link", name="current version").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"examples/{CHANGED}/index.html")
    assert page.locator(".policy-archive-banner").count() == 0
    assert NEW_SENTENCE in page.locator("body").inner_text()
    page = desktop.open(rel(site_html, newest))
    assert "version in force now" in page.locator(".policy-archive-banner").inner_text()
    assert desktop.errors == [] and desktop.outside == []


def test_archived_version_and_diff_on_a_phone(phone: Visit, site_html: Path) -> None:
    for name, path in (("archive", archive_pages(site_html)[-1]),
                       ("diff", diff_pages(site_html)[0])):
        page = phone.open(rel(site_html, path))
        scroll_width, client_width = page.evaluate(PAGE_WIDTH_JS)
        assert scroll_width <= client_width, (name, scroll_width)
        page.screenshot(path=screenshot_path(f"docs-375-{name}"))
    assert phone.errors == []


def test_diff_page_marks_changes(desktop: Visit, site_html: Path) -> None:
    page = desktop.open(rel(site_html, diff_pages(site_html)[0]))
    deleted, inserted = page.locator(".policy-diff del"), page.locator(".policy-diff ins")
    assert deleted.count() == 1 and inserted.count() == 1
    assert "from time to time" in deleted.inner_text()  # OLD_SENTENCE, first revision
    assert "at least once a year" in inserted.inner_text()  # NEW_SENTENCE, second one
    assert "once a year" not in deleted.inner_text()
    assert deleted.is_visible() and inserted.is_visible()
    style = "el => getComputedStyle(el).textDecorationLine"
    assert "line-through" in deleted.evaluate(style)
    assert "underline" in inserted.evaluate(style)
    # the words screen readers hear are in the page but take no room on screen
    hidden = page.locator(".policy-diff-changed .policy-visually-hidden").first
    assert hidden.inner_text().strip() == "Changed:"
    assert hidden.bounding_box()["width"] <= 1
    marker = page.locator(".policy-diff-changed .policy-diff-marker").first
    assert marker.is_visible() and marker.get_attribute("aria-hidden") == "true"
    assert page.locator(".policy-diff-skip").first.is_visible()  # unchanged text folded
    changed = page.locator(".policy-diff-changed").first
    changed.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path("docs-1280-diff"))
    assert desktop.errors == [] and desktop.outside == []


# -- the console -------------------------------------------------------------------------


def test_console_shows_no_error_on_any_page(desktop: Visit, site_html: Path) -> None:
    pages = sorted(site_html.glob("**/*.html"))
    assert len(pages) > 20
    for path in pages:
        desktop.open(rel(site_html, path))
    desktop.open("search.html?q=cookie")
    desktop.page.wait_for_selector("#search-results li", timeout=15_000)
    assert desktop.errors == []
    assert desktop.outside == []


# -- hostile data ------------------------------------------------------------------------


def test_hostile_data_runs_no_script(desktop: Visit, site_html: Path) -> None:
    archives = sorted((site_html / "hostile/index/versions").glob("*.html"))
    assert len(archives) == 4  # two revisions, each archived with a diff
    for path in [site_html / "hostile/index.html", *archives]:
        page = desktop.open(rel(site_html, path))
        assert page.evaluate(f"() => typeof window.{PWNED}") == "undefined", path.name
        text = page.locator("body").inner_text()
        assert "<script>" in text  # the payloads are shown as text
        scripts = page.eval_on_selector_all(
            "script", "ss => ss.map(s => [s.type, s.getAttribute('src'), s.textContent])"
        )
        for kind, src, body in scripts:
            if kind == "application/ld+json":
                continue
            assert PWNED not in body and (src is None or src.startswith("../")), (kind, src)
        handlers = page.evaluate(
            """() => [...document.querySelectorAll('*')].flatMap(el =>
                 [...el.attributes].filter(a => a.name.startsWith('on')).map(a => a.name))"""
        )
        assert handlers == []
        assert page.locator('a[href^="javascript:" i], iframe, img[src="x"], svg').count() == 0
        assert page.locator("body").is_visible()  # the <style> payload hid nothing
    page = desktop.open("hostile/index.html")
    (jsonld,) = page.eval_on_selector_all(
        'script[type="application/ld+json"]', "ss => ss.map(s => s.textContent)"
    )
    data = json.loads(jsonld)
    assert data["publisher"]["legalName"] == HOSTILE_NAME  # escaped, not altered
    assert "url" not in data["publisher"]  # not a web address: left out
    assert "</script" not in jsonld.lower() and "<!--" not in jsonld
    changes = page.locator("ul.policy-changelog li").first.inner_text()
    assert HOSTILE_SUMMARY in changes
    page.screenshot(path=screenshot_path("docs-1280-hostile"), full_page=True)
    assert desktop.dialogs == []
    assert desktop.errors == []
    assert desktop.outside == []
