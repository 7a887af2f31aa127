"""Notice of upcoming changes (issue 15): a revision whose effective date is still to
come. Real git with fixed dates; SOURCE_DATE_EPOCH fixes the build date before and after
the effective date; the HTML, the manifest and the feed are read as published."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import GitRepo
from policy_testing import assert_no_traceback, main, policy_warnings, soup_of, text
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.versions.feed import ATOM_NS

CONF = """\
extensions = ["myst_parser", "sphinx_policy"]
policy_pages = ["privacy"]
html_baseurl = "https://policies.example.org/"
exclude_patterns = ["_build"]
"""
PAGE = """\
---
policy:
  effective: {effective}
---

# Privacy policy

We keep your data for {retention}.
"""
NS = {"a": ATOM_NS}


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()))


@pytest.fixture
def site(tmp_path: Path) -> GitRepo:
    """Version 1 in force since 2026-01-01; version 2, published on 2026-03-01 as a
    material change, takes effect on 2026-04-01."""
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("privacy.md", PAGE.format(effective="2026-01-01", retention="one year"))
    repo.commit("First policy\n\nPolicy-Change: First version.",
                date="2025-12-01T10:00:00+00:00")
    repo.write("privacy.md", PAGE.format(effective="2026-04-01", retention="two years"))
    repo.commit("Longer retention\n\nPolicy-Change: We keep data for two years.\n"
                "Policy-Change-Type: material", date="2026-03-01T10:00:00+00:00")
    return repo


def _build_on(build: Callable[..., SphinxTestApp], monkeypatch: pytest.MonkeyPatch,
              repo: GitRepo, day: str, **conf: object) -> SphinxTestApp:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(day))
    app = build(repo, confoverrides=conf, freshenv=True)
    assert_no_traceback(app)
    return app


def test_before_the_effective_date_the_page_is_the_version_in_force_with_a_notice(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _build_on(build, monkeypatch, site, "2026-03-15")
    assert policy_warnings(app) == []
    soup = soup_of(app, "privacy")
    body = text(main(soup))
    assert "We keep your data for one year." in body
    assert "two years" not in body
    notice = soup.select_one(".policy-upcoming-notice")
    assert notice is not None
    assert "An updated version of this policy takes effect on April 1, 2026." in text(notice)
    links = {a.get_text(): a["href"] for a in notice.select("a")}
    newest = site.head()[:8]
    assert links == {
        "Read the updated version": f"privacy/versions/2026-03-01-{newest}.html",
        "see what changes": f"privacy/versions/2026-03-01-{newest}-diff.html",
    }
    upcoming = (Path(app.outdir) / links["Read the updated version"]).read_text("utf-8")
    assert "We keep your data for two years." in upcoming


def test_on_the_effective_date_the_new_version_is_the_page(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _build_on(build, monkeypatch, site, "2026-04-01")
    soup = soup_of(app, "privacy")
    assert "We keep your data for two years." in text(main(soup))
    assert soup.select_one(".policy-upcoming-notice") is None


def test_the_manifest_records_published_and_effective_dates_per_revision(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _build_on(build, monkeypatch, site, "2026-03-15")
    manifest = json.loads((Path(app.outdir) / "policy-versions.json").read_text("utf-8"))
    (document,) = manifest["documents"]
    assert document["effective"] == "2026-04-01"
    dates = [(r["published"][:10], r["effective"]) for r in document["revisions"]]
    assert dates == [("2026-03-01", "2026-04-01"), ("2025-12-01", "2026-01-01")]


def test_the_feed_announces_the_change_when_it_is_published(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _build_on(build, monkeypatch, site, "2026-03-15")
    feed = ET.fromstring((Path(app.outdir) / "policy-changes.atom").read_text("utf-8"))
    newest = feed.findall("a:entry", NS)[0]
    assert newest.findtext("a:updated", namespaces=NS).startswith("2026-03-01")
    assert newest.findtext("a:summary", namespaces=NS) == (
        "We keep data for two years. Takes effect on 2026-04-01.")
    first = feed.findall("a:entry", NS)[1]
    assert first.findtext("a:summary", namespaces=NS) == (
        "First version. Takes effect on 2026-01-01.")


def test_a_material_change_with_too_short_a_notice_period_is_a_warning(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _build_on(build, monkeypatch, site, "2026-04-02", policy_notice_days=45)
    found = [w for w in policy_warnings(app) if "[policy.notice]" in w]
    assert len(found) == 1, policy_warnings(app)
    assert "privacy: the material change published on 2026-03-01" in found[0]
    assert "takes effect on 2026-04-01, 31 day(s) later; policy_notice_days asks for 45" \
        in found[0]
    # 30 days ahead is enough for a 30-day notice; the first version is not material.
    app = _build_on(build, monkeypatch, site, "2026-04-02", policy_notice_days=30)
    assert [w for w in policy_warnings(app) if "[policy.notice]" in w] == []


def _banner(app: SphinxTestApp, archive: str) -> str:
    banner = soup_of(app, archive).select_one(".policy-archive-banner")
    assert banner is not None, archive
    return text(banner)


def _archives(site: GitRepo) -> tuple[str, str]:
    """The archive pages of (version 2, version 1)."""
    newest, first = site.run("rev-list", "HEAD").split()
    return (f"privacy/versions/2026-03-01-{newest[:8]}",
            f"privacy/versions/2025-12-01-{first[:8]}")


def test_archived_banners_say_what_each_version_is_on_the_build_date(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the effective date the upcoming version "takes effect on", the one in force
    is in force until then; afterwards the new one is in force and the old one was, from
    one day until the other. Fresh builds on each side of the date."""
    upcoming, first = _archives(site)
    app = _build_on(build, monkeypatch, site, "2026-03-15")
    banner = _banner(app, upcoming)
    assert "This version takes effect on April 1, 2026" in banner
    assert "in force now" not in banner
    banner = _banner(app, first)
    assert "This is the version in force now, until an updated version takes effect on " \
        "April 1, 2026" in banner

    app = _build_on(build, monkeypatch, site, "2026-04-01")
    assert "This is the version in force now;" in _banner(app, upcoming)
    banner = _banner(app, first)
    assert "It was in force from January 1, 2026 until April 1, 2026" in banner
    assert "in force now" not in banner


def test_an_incremental_build_past_the_effective_date_updates_page_and_banners(
        site: GitRepo, build: Callable[..., SphinxTestApp], make_app: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The build folder is kept (a cached CI build): the page, whose source did not
    change, is written again as the new version, and the cached archived pages get the
    banners of the new date without being parsed again."""
    upcoming, first = _archives(site)
    app = _build_on(build, monkeypatch, site, "2026-03-15")
    assert "two years" not in text(main(soup_of(app, "privacy")))
    kept_body = str(soup_of(app, upcoming).select_one(".policy-archive-banner")
                    .find_next_sibling())

    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch("2026-03-20"))  # still before
    app = make_app("html", srcdir=site.path)
    app.build()
    assert "0 archived versions rendered, 0 with a new banner, 2 unchanged" in (
        app._status.getvalue())
    assert soup_of(app, "privacy").select_one(".policy-upcoming-notice") is not None

    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch("2026-04-01"))
    app = make_app("html", srcdir=site.path)
    app.build()
    assert_no_traceback(app)
    assert "0 archived versions rendered, 2 with a new banner, 0 unchanged" in (
        app._status.getvalue())
    soup = soup_of(app, "privacy")
    assert "We keep your data for two years." in text(main(soup))
    assert soup.select_one(".policy-upcoming-notice") is None
    assert "This is the version in force now;" in _banner(app, upcoming)
    assert "It was in force from January 1, 2026 until April 1, 2026" in _banner(app, first)
    assert str(soup_of(app, upcoming).select_one(".policy-archive-banner")
               .find_next_sibling()) == kept_body

    app = make_app("html", srcdir=site.path)  # the next day: nothing changes any more
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch("2026-04-02"))
    app.build()
    assert "0 archived versions rendered, 0 with a new banner, 2 unchanged" in (
        app._status.getvalue())


def test_a_version_replaced_before_it_took_effect_says_so(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site.write("privacy.md", PAGE.format(effective="2026-04-01", retention="18 months"))
    site.commit("Shorter than announced\n\nPolicy-Change: We keep data for 18 months.",
                date="2026-03-20T10:00:00+00:00")
    announced = "privacy/versions/2026-03-01-" + site.run("rev-list", "HEAD").split()[1][:8]
    app = _build_on(build, monkeypatch, site, "2026-04-05")
    banner = _banner(app, announced)
    assert "It was to take effect on April 1, 2026, but was replaced before then" in banner
    assert "in force" not in banner
    assert "We keep your data for 18 months." in text(main(soup_of(app, "privacy")))


def test_a_version_replaced_on_the_day_it_was_published_says_so(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two versions on one day: the first applied on no whole day, so its banner says it
    was replaced that day rather than "in force from May 1 until May 1"."""
    site.write("privacy.md", PAGE.format(effective="2026-05-01", retention="a month"))
    site.commit("Morning\n\nPolicy-Change: A month.", date="2026-05-01T08:00:00+00:00")
    site.write("privacy.md", PAGE.format(effective="2026-05-01", retention="six weeks"))
    site.commit("Afternoon\n\nPolicy-Change: Six weeks.", date="2026-05-01T15:00:00+00:00")
    commits = site.run("rev-list", "HEAD").split()
    morning, march = (f"privacy/versions/{day}-{commits[i][:8]}"
                      for day, i in (("2026-05-01", 1), ("2026-03-01", 2)))
    app = _build_on(build, monkeypatch, site, "2026-05-10")
    banner = _banner(app, morning)
    assert "It was replaced on May 1, 2026, the day it was published" in banner
    assert "until" not in banner
    # The version before it was in force until the morning version replaced it.
    assert "It was in force from April 1, 2026 until May 1, 2026" in _banner(app, march)
    app = _build_on(build, monkeypatch, site, "2026-05-10", language="de")
    assert "Sie wurde am 1. Mai 2026, dem Tag ihrer Veröffentlichung, ersetzt" in (
        _banner(app, morning))


def test_the_banners_are_translated(
        site: GitRepo, build: Callable[..., SphinxTestApp],
        monkeypatch: pytest.MonkeyPatch) -> None:
    upcoming, first = _archives(site)
    app = _build_on(build, monkeypatch, site, "2026-03-15", language="de")
    assert "Diese Fassung tritt am 1. April 2026 in Kraft" in _banner(app, upcoming)
    app = _build_on(build, monkeypatch, site, "2026-04-01", language="de")
    assert "Sie galt vom 1. Januar 2026 bis zum 1. April 2026" in _banner(app, first)
