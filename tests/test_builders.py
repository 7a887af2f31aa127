"""Every builder builds the same project, and its output holds the policy's facts."""

from __future__ import annotations

import re
import zipfile

import pytest
from policy_testing import (
    assert_no_traceback,
    block,
    column,
    only_table,
    soup_of,
    text,
    warnings,
)
from sphinx.testing.util import SphinxTestApp

COOKIES = ["sessionid", "csrftoken", "_ga", "_fbp", "cookie_consent"]


def builder(name: str) -> pytest.MarkDecorator:
    # Each builder gets its own copy and doctree folder (gettext cannot share one).
    return pytest.mark.sphinx(name, testroot="myst", srcdir=f"builder-{name}")


def build_cleanly(app: SphinxTestApp) -> None:
    app.build()
    assert app.statuscode == 0
    assert warnings(app) == ""
    assert_no_traceback(app)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=builder(n)) for n in ("html", "dirhtml", "epub")],
)
def test_html_like_builders(app: SphinxTestApp, name: str) -> None:
    build_cleanly(app)
    cookies = soup_of(app, "cookies")
    assert column(only_table(block(cookies, "t-all")), "Name") == [
        "sessionid",
        "csrftoken",
        "_ga",
        "_ga_*",
        "theme",
        "_fbp",
        "cookie_consent",
    ]
    assert all(th.get("scope") == "col" for th in cookies.select("table.policy-table th"))
    contact = soup_of(app, "contact")
    assert len(contact.select("address.policy-contact")) == 9
    rights = soup_of(app, "rights")
    assert "Right of access (s23 POPIA)." in text(block(rights, "r-za"))
    if name == "epub":
        with zipfile.ZipFile(next(app.outdir.glob("*.epub"))) as epub:
            assert "cookies.xhtml" in " ".join(epub.namelist())


@builder("singlehtml")
def test_singlehtml(app: SphinxTestApp) -> None:
    build_cleanly(app)
    page = soup_of(app, "index")
    # Every page is in the one file, with its tables and contact blocks.
    assert column(only_table(block(page, "t-all")), "Name")[0] == "sessionid"
    assert column(only_table(block(page, "t-file")), "Name") == ["_fbp", "file_cookie"]
    assert len(page.select("address.policy-contact")) > 9
    assert "Performance of a contract (Art. 6(1)(b) GDPR; s11(1)(b) POPIA)" in text(page)
    assert any(
        "sphinx-policy.css" in link["href"] for link in page.select('link[rel="stylesheet"]')
    )


@builder("latex")
def test_latex(app: SphinxTestApp) -> None:
    build_cleanly(app)
    tex = next(app.outdir.glob("*.tex")).read_text("utf-8")
    # Long names in table cells may break after their separators (see sphinx_policy.latex).
    assert r"\sphinxupquote{cookie\_\allowbreak{}consent}" in tex
    read = tex.replace(r"\allowbreak{}", "")
    for name in ("sessionid", "csrftoken", r"\_ga", r"\_fbp", r"cookie\_consent", r"file\_cookie"):
        assert rf"\sphinxupquote{{{name}}}" in read
    assert "1 year and 6 months" in tex
    for citation in ("Art. 15 GDPR", "Art. 77 GDPR", "s23 POPIA", "s74 POPIA"):
        assert citation in tex
    assert "Performance of a contract (Art. 6(1)(b) GDPR; s11(1)(b) POPIA)" in tex
    # Policy tables get fixed, word-safe column widths instead of tabulary's squeezing.
    assert re.search(r"\\begin\{(?:tabular|longtable)\}\[[tc]\]\{\|?\\X\{", tex)
    assert "Example Widgets (Pty) Ltd" in tex
    assert not list(app.outdir.rglob("sphinx-policy.css"))


@builder("text")
def test_text(app: SphinxTestApp) -> None:
    build_cleanly(app)
    cookies = (app.outdir / "cookies.txt").read_text("utf-8")
    row = next(line for line in cookies.splitlines() if '"sessionid"' in line)
    assert [cell.strip() for cell in row.strip("|").split("|")] == [
        '"sessionid"',
        "Example",
        "Keeps you signed in.",
        "Strictly necessary",
        "Session",
        "HTTP cookie",
    ]
    assert re.search(r'\| "_fbp"\s+\| Meta Platforms\s+\|.*\| 1 year and 6 months\s+\|', cookies)
    rights = (app.outdir / "rights.txt").read_text("utf-8")
    assert "**Right of access** (Art. 15 GDPR)." in rights
    assert "To exercise these rights, contact us: rights@example.org." in rights
    contact = (app.outdir / "contact.txt").read_text("utf-8")
    assert "Cape Town 8001" in contact
    # The stylesheet is for HTML builders only.
    assert not list(app.outdir.rglob("*.css"))


@builder("man")
def test_man(app: SphinxTestApp) -> None:
    build_cleanly(app)
    man = next(app.outdir.rglob("*.1")).read_text("utf-8")
    for expected in (
        "sessionid",
        "Keeps you signed in.",
        "Art. 15 GDPR",
        "Google LLC",
        "1 year and 6 months",
        "Information Regulator (South Africa)",
    ):
        assert expected in man


@builder("texinfo")
def test_texinfo(app: SphinxTestApp) -> None:
    build_cleanly(app)
    texi = next(app.outdir.glob("*.texi")).read_text("utf-8")
    for expected in (
        "sessionid",
        "Keeps you signed in.",
        "Art. 15 GDPR",
        "s23 POPIA",
        "1 year and 6 months",
    ):
        assert expected in texi


@builder("gettext")
def test_gettext_makes_data_translatable(app: SphinxTestApp) -> None:
    build_cleanly(app)
    cookies = (app.outdir / "cookies.pot").read_text("utf-8")
    for msgid in (
        "sessionid",
        "Keeps you signed in.",
        "Strictly necessary",
        "1 year and 6 months",
        "Until you clear your browser data",
        "All cookies",
    ):
        assert f'msgid "{msgid}"' in cookies
    rights = (app.outdir / "rights.pot").read_text("utf-8")
    assert 'msgid "Right of access (Art. 15 GDPR). Ask us for a copy of everything' in rights
    processing = (app.outdir / "processing.pot").read_text("utf-8")
    assert 'msgid "Performance of a contract (Art. 6(1)(b) GDPR; s11(1)(b) POPIA)"' in processing


@pytest.mark.sphinx("html", testroot="myst", srcdir="i18n-de", confoverrides={"language": "de"})
def test_data_strings_are_translated(app: SphinxTestApp) -> None:
    # locales/de/LC_MESSAGES/cookies.po translates two cookie purposes from the data.
    app.build()
    assert_no_traceback(app)
    table = only_table(block(soup_of(app, "cookies"), "t-all"))
    # the headers are sphinx-policy's own strings, in German from its catalog
    purposes = dict(zip(column(table, "Name"), column(table, "Zweck"), strict=True))
    assert purposes["sessionid"] == "Hält Sie angemeldet."
    assert purposes["_ga"] == "Unterscheidet Besucher für die Statistik."
    assert purposes["csrftoken"] == "Protects forms against cross-site request forgery."
