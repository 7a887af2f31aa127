"""Dated catalog entries in a build: a page shows the rights and authorities in force on
its effective date, or else on the build date (``SOURCE_DATE_EPOCH``, in
``policy_timezone``); an archived revision without an effective date, those of its commit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitrepo import GitRepo
from policy_testing import soup_of, text
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
exclude_patterns = ["_build"]
policy_git = False
policy_timezone = {timezone!r}
"""
RIGHTS = """\
{front}# {title}

```{{rights}} ccpa
:no-exercise:
```

```{{contact}} authority lgpd
```
"""
ADMT = ("Right to notice before automated decisionmaking technology is used",
        "Right to opt out of automated decisionmaking technology",
        "Right to access information about automated decisionmaking technology")
AUTORIDADE = "Autoridade Nacional de Proteção de Dados (National Data Protection Authority)"
AGENCIA = "Agência Nacional de Proteção de Dados (National Data Protection Agency)"


def epoch(moment: str) -> str:
    return str(int(dt.datetime.fromisoformat(moment).timestamp()))


def front(effective: str | None) -> str:
    return f"---\npolicy:\n  effective: {effective}\n---\n" if effective else ""


def write_site(path: Path, timezone: str = "UTC") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "conf.py").write_text(CONF.format(timezone=timezone), "utf-8")
    pages = {"undated": None, "effective-2027": "2027-01-01",
             "effective-2026": "2026-12-31", "before-agencia": "2025-09-17",
             "after-agencia": "2025-09-18"}
    for name, effective in pages.items():
        (path / f"{name}.md").write_text(
            RIGHTS.format(front=front(effective), title=name), "utf-8")
    # reStructuredText: the effective date as a bibliographic field
    (path / "rst-2027.rst").write_text(
        ':policy: {"effective": "2027-01-01"}\n\nrst-2027\n========\n\n'
        ".. rights:: ccpa\n   :no-exercise:\n", "utf-8")
    toctree = "\n".join([*pages, "rst-2027"])
    (path / "index.md").write_text(f"# Index\n\n```{{toctree}}\n{toctree}\n```\n", "utf-8")
    return path


def page_text(app: SphinxTestApp, docname: str) -> str:
    return text(soup_of(app, docname).select_one(".policy-rights"))


def has_admt(app: SphinxTestApp, docname: str) -> bool:
    found = [title in page_text(app, docname) for title in ADMT]
    assert len(set(found)) == 1, found  # all three, or none
    return found[0]


def authority_name(app: SphinxTestApp, docname: str) -> str:
    return text(soup_of(app, docname).select_one(".policy.policy-contact .policy-contact-name"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site")


def test_ccpa_before_1_january_2027(site: Path, make_app, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-31T12:00:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert app.warning.getvalue() == ""
    assert not has_admt(app, "undated")
    assert "Right to know and access" in page_text(app, "undated")
    # a page's effective date wins over the build date, both ways
    assert has_admt(app, "effective-2027")
    assert has_admt(app, "rst-2027")
    assert not has_admt(app, "effective-2026")
    assert "Cal. Code Regs. tit. 11, § 7221" in page_text(app, "effective-2027")


def test_ccpa_from_1_january_2027(site: Path, make_app, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-01T00:00:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert app.warning.getvalue() == ""
    assert has_admt(app, "undated")
    assert not has_admt(app, "effective-2026")


def test_the_build_date_is_a_day_in_policy_timezone(tmp_path: Path, make_app,
                                                    monkeypatch) -> None:
    """23:30 UTC on 31 December 2026 is already 1 January 2027 in Auckland."""
    site = write_site(tmp_path / "site", timezone="Pacific/Auckland")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-31T23:30:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert has_admt(app, "undated")


def test_a_rename_on_a_date(site: Path, make_app, monkeypatch) -> None:
    """The ANPD's name on a page effective the day before, and the day of, the change."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-02T12:00:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert authority_name(app, "before-agencia") == AUTORIDADE
    assert authority_name(app, "after-agencia") == AGENCIA
    assert authority_name(app, "undated") == AGENCIA


def test_a_pending_rename_is_not_shown(tmp_path: Path, make_app, monkeypatch) -> None:
    """The Information Commission has no commencement date yet: not even a page effective
    in 2099 shows it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "conf.py").write_text(CONF.format(timezone="UTC"), "utf-8")
    (site / "index.md").write_text(
        front("2099-01-01") + "# Far\n\n```{rights} uk-gdpr\n:no-exercise:\n```\n", "utf-8")
    app = make_app("html", srcdir=site)
    app.build()
    body = text(soup_of(app, "index").select_one(".policy-rights"))
    assert "Information Commissioner's Office" in body
    assert "Information Commission," not in body
    assert "Right to lodge a complaint with the Information Commission " not in body + " "


def test_an_incremental_build_rereads_pages_when_a_date_is_crossed(
        site: Path, make_app, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-30T12:00:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert not has_admt(app, "undated")
    # another day in the same window: nothing to read again
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-31T12:00:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert "undated" not in reread(app)
    # the window ends: pages dated by the build date are read again, the others are not
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-02T12:00:00+00:00"))
    app = make_app("html", srcdir=site)
    app.build()
    assert reread(app) == {"undated"}
    assert has_admt(app, "undated")


def reread(app: SphinxTestApp) -> set[str]:
    """Documents the last build read (from its status output)."""
    names = {"undated", "effective-2027", "effective-2026", "before-agencia",
             "after-agencia", "rst-2027", "index"}
    lines = [line for line in strip_colors(app.status.getvalue()).splitlines()
             if "reading sources" in line]
    return {name for name in names for line in lines if line.rstrip().endswith(f"] {name}")}


def test_an_archived_revision_shows_the_catalogs_of_its_commit(tmp_path: Path, build,
                                                                monkeypatch) -> None:
    """The current page shows the rights in force on the build date; an archived revision
    without an effective date, those in force on the day of its commit."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("conf.py", CONF.format(timezone="UTC").replace("policy_git = False\n", "")
               + 'policy_pages = ["privacy"]\n')
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Index\n\n```{toctree}\nprivacy\n```\n")
    repo.write("privacy.md", "# Privacy\n\nFirst.\n\n```{rights} ccpa\n:no-exercise:\n```\n")
    repo.commit("First", date="2026-06-01T10:00:00+00:00")
    repo.write("privacy.md", "# Privacy\n\nSecond.\n\n```{rights} ccpa\n:no-exercise:\n```\n")
    repo.commit("Second", date="2027-02-01T10:00:00+00:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-03-01T00:00:00+00:00"))
    app = build(repo)
    assert has_admt(app, "privacy")
    archives = sorted((Path(app.outdir) / "privacy" / "versions").glob("*.html"))
    archives = [a for a in archives if not a.name.endswith("-diff.html")]
    assert len(archives) == 2
    shown = {}
    for archive in archives:
        body = archive.read_text("utf-8")
        shown["First" if "First." in body else "Second"] = ADMT[1] in body
    assert shown == {"First": False, "Second": True}
