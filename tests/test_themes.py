"""The example policies with every theme we support: dates visible, tables styled.

``docs/examples`` is committed to a git repository with two revisions and built once
per theme (alabaster, furo, sphinx_rtd_theme, pydata-sphinx-theme, sphinx-book-theme).
The build part reads the HTML; the browser part (skipped, with the reason, without
``/usr/bin/chromium``) opens the pages at 1280 px and 375 px, checks that the dates are
visible and the tables readable, and saves screenshots to ``test-artifacts/screenshots/``
(``theme-<theme>-<width>-*.png``).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from bs4 import BeautifulSoup
from publishing_site import (
    BROKEN_WORDS_JS,
    CHANGED,
    EXAMPLES,
    FIRST_DAY,
    FIRST_ISO,
    PAGE_WIDTH_JS,
    SECOND_DAY,
    SECOND_ISO,
    UNREACHABLE_CELLS_JS,
    browser_unavailable,
    chromium,
    examples_site,
    screenshot_path,
    serve,
    skip_without_browser,
)
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors


class Theme(NamedTuple):
    module: str
    options: dict[str, Any]
    #: The theme's own "Last updated" element, or None (alabaster has none: the
    #: ``last-updated`` directive on each example page shows the date).
    footer_date: str | None


THEMES = {
    "alabaster": Theme("alabaster", {}, None),
    "furo": Theme("furo", {}, ".last-updated"),
    "sphinx_rtd_theme": Theme("sphinx_rtd_theme", {}, ".lastupdated"),
    # pydata-sphinx-theme shows the date only with its "last-updated" footer item
    "pydata_sphinx_theme": Theme(
        "pydata_sphinx_theme", {"footer_start": ["copyright", "last-updated"]}, ".last-updated"
    ),
    # sphinx-book-theme has "last-updated" in its footer by default
    "sphinx_book_theme": Theme("sphinx_book_theme", {}, ".last-updated"),
}
#: The date each example shows: only the changed one has the second revision.
DAYS = {e: (SECOND_DAY, SECOND_ISO) if e == CHANGED else (FIRST_DAY, FIRST_ISO) for e in EXAMPLES}


class Built(NamedTuple):
    theme: str
    outdir: Path
    warnings: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return examples_site(tmp_path_factory.mktemp("themes") / "site").path


@pytest.fixture(scope="module", params=list(THEMES))
def built(request: pytest.FixtureRequest, site: Path, tmp_path_factory) -> Iterator[Built]:
    """The examples built with one theme (once for the build and the browser tests)."""
    theme = THEMES[request.param]
    pytest.importorskip(theme.module)
    warning = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        home = site.parent / f".home-{site.name}"
        mp.setenv("HOME", str(home))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("TZ", "UTC")
        app = SphinxTestApp(
            "html",
            srcdir=site,
            builddir=tmp_path_factory.mktemp(f"build-{request.param}"),
            confoverrides={
                "html_theme": request.param,
                "html_theme_options": theme.options,
                "html_title": "Example policies",  # short: a long one overflows some navbars
            },
            status=io.StringIO(),
            warning=warning,
        )
        try:
            app.build()
        finally:
            app.cleanup()
    yield Built(request.param, Path(app.outdir), strip_colors(warning.getvalue()))


def soup(built: Built, example: str) -> BeautifulSoup:
    path = built.outdir / "examples" / example / "index.html"
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


# --------------------------------------------------------------------------- the HTML


def test_theme_builds_examples_with_dates_and_styled_tables(built: Built) -> None:
    assert "WARNING" not in built.warnings and "ERROR" not in built.warnings, built.warnings
    footer = THEMES[built.theme].footer_date
    for example in EXAMPLES:
        page = soup(built, example)
        day, iso = DAYS[example]
        # in the body: the last-updated directive, as <time>
        time = page.select_one(".policy-updated time.policy-date")
        assert (time["datetime"], time.get_text()) == (iso, day), example
        # in the theme's footer
        if footer is not None:
            shown = " ".join(page.select_one(footer).get_text().split())
            assert re.fullmatch(rf"Last updated on {re.escape(day)}\.?", shown), shown
        # in the head: for crawlers and link previews
        meta = page.find("meta", property="article:modified_time")
        assert meta is not None and meta["content"] == iso
        (jsonld,) = page.find_all("script", type="application/ld+json")
        assert json.loads(jsonld.string)["dateModified"] == iso
        # the tables: our classes, header scopes and stylesheet
        stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
        assert any(href.split("?")[0].endswith("_static/sphinx-policy.css")
                   for href in stylesheets), stylesheets
        tables = page.select(".policy table")
        assert tables and all("policy-table" in t["class"] for t in tables)
        cookie_tables = page.select("table.policy-cookie-table")
        assert cookie_tables, example
        for table in cookie_tables:
            assert table.select("thead th") and all(
                th.get("scope") == "col" for th in table.select("thead th")
            )
            assert table.select("tbody td")
    assert (built.outdir / "_static" / "sphinx-policy.css").is_file()


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if browser_unavailable() is not None:
        yield None
        return
    with chromium() as browser:
        yield browser


#: JavaScript: how each policy table is laid out (and what its cells are labelled).
TABLE_LAYOUT_JS = """ts => ts.map(t => {
  const cell = t.querySelector('tbody td'), column = t.closest('.policy');
  const headers = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const labels = [...t.querySelectorAll('tbody tr:first-child td')]
    .map(td => td.getAttribute('data-label'));
  return {scrollWidth: t.scrollWidth, clientWidth: t.clientWidth,
          right: t.getBoundingClientRect().right,
          columnRight: column.getBoundingClientRect().right,
          fontSize: parseFloat(getComputedStyle(cell).fontSize),
          cellDisplay: getComputedStyle(cell).display,
          columns: headers.length, headers, labels};
})"""


@pytest.mark.parametrize("width", [1280, 375])
def test_theme_in_browser_dates_visible_tables_readable(
    built: Built, browser: Any, width: int
) -> None:
    skip_without_browser()
    footer = THEMES[built.theme].footer_date
    with serve(built.outdir) as base:
        context = browser.new_context(viewport={"width": width, "height": 900})
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response", lambda r: r.status >= 400 and errors.append(f"HTTP {r.status}: {r.url}")
        )
        try:
            for example in EXAMPLES:
                page.goto(f"{base}examples/{example}/index.html", wait_until="load")
                day, _iso = DAYS[example]
                body_date = page.locator(".policy-updated time.policy-date").first
                assert body_date.is_visible() and body_date.inner_text() == day
                if example == CHANGED:
                    page.screenshot(path=screenshot_path(f"theme-{built.theme}-{width}-top"))
                if footer is not None:
                    theme_date = page.locator(footer).first
                    theme_date.scroll_into_view_if_needed()
                    assert theme_date.is_visible(), f"{footer} hidden"
                    assert day in theme_date.inner_text()
                scroll_width, client_width = page.evaluate(PAGE_WIDTH_JS)
                assert scroll_width <= client_width, f"the page scrolls sideways: {scroll_width}"
                tables = page.eval_on_selector_all("table.policy-table", TABLE_LAYOUT_JS)
                assert tables
                for table in tables:
                    # No table scrolls sideways, at any width: it fits its column.
                    assert table["scrollWidth"] <= table["clientWidth"] + 1, table
                    assert table["right"] <= table["columnRight"] + 1, table
                    assert table["fontSize"] >= 12
                    assert table["labels"] == table["headers"], table  # data-label per cell
                    if width == 375:  # a phone: label-value rows, not a squeezed table
                        assert table["cellDisplay"] != "table-cell", table
                    elif table["columns"] < 5:  # a desktop: narrow tables stay tables
                        assert table["cellDisplay"] == "table-cell", table
                count, problems = page.evaluate(
                    UNREACHABLE_CELLS_JS, "table.policy-cookie-table td"
                )
                assert count > 0 and problems == []
                assert page.evaluate(BROKEN_WORDS_JS, ".policy-table td, .policy-table th") == []
                if example == CHANGED:
                    page.locator("table.policy-cookie-table").first.scroll_into_view_if_needed()
                    page.screenshot(
                        path=screenshot_path(f"theme-{built.theme}-{width}-cookies")
                    )
        finally:
            context.close()
    assert errors == []
