"""Helpers for reading what a Sphinx build produced, as a reader of the page sees it.

Imported by the test modules (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

ROOTS = Path(__file__).parent / "roots"


def copy_root(name: str, dest: Path) -> Path:
    """A fresh, writable copy of ``roots/test-<name>`` at ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOTS / f"test-{name}", dest)
    return dest


def html_path(app: SphinxTestApp, docname: str) -> Path:
    if app.builder.name == "dirhtml":
        return app.outdir / ("index.html" if docname == "index" else f"{docname}/index.html")
    suffix = ".xhtml" if app.builder.name.startswith("epub") else ".html"
    return app.outdir / f"{docname}{suffix}"


def soup_of(app: SphinxTestApp, docname: str) -> BeautifulSoup:
    return BeautifulSoup(html_path(app, docname).read_text("utf-8"), "html.parser")


def main(soup: BeautifulSoup) -> Tag:
    """The page body (the theme's chrome left out)."""
    body = soup.select_one('[role="main"]')
    assert body is not None, "no main body in the page"
    return body


def text(tag: Tag | None) -> str:
    """Text as read: whitespace collapsed, typographic quotes folded to ASCII."""
    assert tag is not None
    raw = tag.get_text()
    raw = raw.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(raw.replace("\u201d", '"').replace("\u00b6", "").split())


def block(soup: BeautifulSoup, cls: str) -> Tag:
    """The output of the directive given ``:class: <cls>``."""
    found = soup.select(f".policy.{cls}")
    assert len(found) == 1, f"expected one .policy.{cls}, found {len(found)}"
    return found[0]


def tables(tag: Tag) -> list[Tag]:
    return tag.find_all("table")


def only_table(tag: Tag) -> Tag:
    found = tables(tag)
    assert len(found) == 1, f"expected one table, found {len(found)}"
    return found[0]


def headers(table: Tag) -> list[str]:
    return [text(th) for th in table.select("thead th")]


def rows(table: Tag) -> list[list[str]]:
    return [
        [text(td) for td in tr.find_all("td", recursive=False)] for tr in table.select("tbody > tr")
    ]


def column(table: Tag, header: str) -> list[str]:
    index = headers(table).index(header)
    return [row[index] for row in rows(table)]


def by_name(table: Tag, header: str) -> dict[str, str]:
    """``{cookie name: value of column header}`` for a cookie table."""
    return dict(zip(column(table, "Name"), column(table, header), strict=True))


def caption(table: Tag) -> str | None:
    found = table.find("caption")
    return text(found) if found else None


def warnings(app: SphinxTestApp) -> str:
    return strip_colors(app.warning.getvalue())


def policy_warnings(app: SphinxTestApp) -> list[str]:
    return [line for line in warnings(app).splitlines() if "[policy." in line]


def find_warning(app: SphinxTestApp, location: str, subtype: str, fragment: str) -> str:
    """The one warning at ``location`` (``path:line``) of ``policy.<subtype>`` that says
    ``fragment``; fails with every warning of the build when there is none."""
    pattern = re.compile(
        rf"^{re.escape(location)}: WARNING: (?P<message>.*) \[policy\.{re.escape(subtype)}\]$"
    )
    found = [
        line
        for line in warnings(app).splitlines()
        if (m := pattern.match(line)) and fragment in m["message"]
    ]
    assert found, (
        f"no [policy.{subtype}] warning at {location} saying {fragment!r}; got:\n" + warnings(app)
    )
    assert len(found) == 1, f"reported {len(found)} times:\n" + "\n".join(found)
    return found[0]


def assert_no_traceback(app: SphinxTestApp) -> None:
    output = app.status.getvalue() + app.warning.getvalue()
    assert "Traceback" not in output
    assert "Exception occurred" not in output


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; return ``root``."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root


def build_site(srcdir: Path, buildername: str = "html", **overrides: object) -> SphinxTestApp:
    """Build ``srcdir`` once with a fresh testing app (``overrides``: conf.py values)."""
    app = SphinxTestApp(buildername, srcdir=srcdir, confoverrides=overrides or None)
    try:
        app.build()
    finally:
        app.cleanup()
    return app
