"""Revision dates in real Sphinx builds of real git repositories (no mocks).

Each test makes a repository with fixed committer dates, builds it with Sphinx's
testing app and reads what a reader (or a crawler) sees: the page's
``article:modified_time`` meta tag, the theme's "Last updated" text and the
``<time>`` element of the ``last-updated`` directive.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo, files_naming_people, hosted_merges
from policy_testing import policy_warnings, warnings

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build", "parts"]
html_theme = "classic"
"""
COOKIES = """cookies:
  - name: sid
    provider: first-party
    category: necessary
    purpose: Session
    expiry: {expiry}
"""
INDEX = """# Privacy

```{{last-updated}}
```

{body}
"""
OTHER = "# Other\n\nText {n}.\n"


def soup(app, page: str = "index") -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{page}.html").read_text("utf-8"), "html.parser")


def modified(app, page: str = "index") -> str | None:
    meta = soup(app, page).find("meta", property="article:modified_time")
    return meta["content"] if meta else None


def body_time(app, page: str = "index") -> tuple[str, str] | None:
    time = soup(app, page).find("time", class_="policy-date")
    return (time["datetime"], time.get_text()) if time else None


@pytest.fixture
def site(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("_data/cookies.yaml", COOKIES.format(expiry="P1Y"))
    repo.write("index.md", INDEX.format(body="```{cookie-table}\n```\n"))
    repo.write("other.md", OTHER.format(n=1))
    repo.write("with-include.md", "# Incl\n\n```{include} parts/snippet.md\n```\n")
    repo.write("parts/snippet.md", "Shared text v1.\n")
    repo.commit("initial", date="2020-01-01T12:00:00+00:00")
    return repo


# --------------------------------------------------------------------------- basics


def test_page_gets_date_of_its_newest_revision(site: GitRepo, build) -> None:
    site.write("index.md", INDEX.format(body="```{cookie-table}\n```\n\nEdited.\n"))
    site.commit("edit privacy", date="2024-03-24T00:27:36+00:00")
    site.write("other.md", OTHER.format(n=2))
    site.commit("edit other", date="2025-01-01T00:00:00+00:00")
    app = build(site)
    assert modified(app) == "2024-03-24T00:27:36+00:00"
    assert modified(app, "other") == "2025-01-01T00:00:00+00:00"
    assert body_time(app) == ("2024-03-24T00:27:36+00:00", "March 24, 2024")
    # the classic theme shows last_updated in its footer
    assert "Last updated on March 24, 2024." in soup(app).get_text(" ")
    assert app.env.git_last_updated["index"][0] == 1711240056


def test_data_file_read_by_cookie_table_is_a_revision(site: GitRepo, build) -> None:
    site.write("_data/cookies.yaml", COOKIES.format(expiry="P2Y"))
    site.commit("longer cookie", date="2023-05-05T05:05:05+00:00")
    app = build(site)
    assert modified(app) == "2023-05-05T05:05:05+00:00"
    assert modified(app, "other") == "2020-01-01T12:00:00+00:00"  # does not read the data


def test_included_file_is_a_revision(site: GitRepo, build) -> None:
    site.write("parts/snippet.md", "Shared text v2.\n")
    site.commit("shared text", date="2022-02-02T02:02:02+00:00")
    app = build(site)
    assert modified(app, "with-include") == "2022-02-02T02:02:02+00:00"
    assert modified(app, "other") == "2020-01-01T12:00:00+00:00"


def test_image_is_not_a_revision_unless_configured(site: GitRepo, build) -> None:
    site.write("other.md", OTHER.format(n=1) + "\n![logo](logo.png)\n")
    site.write("logo.png", b"\x89PNG v1")
    site.commit("logo", date="2021-01-01T00:00:00+00:00")
    site.write("logo.png", b"\x89PNG v2")
    site.commit("new logo", date="2024-01-01T00:00:00+00:00")
    assert modified(build(site), "other") == "2021-01-01T00:00:00+00:00"
    app = build(site, confoverrides={"policy_git_extra_dependencies": ["*.png"]}, freshenv=True)
    assert modified(app, "other") == "2024-01-01T00:00:00+00:00"


def test_committer_date_not_author_date(site: GitRepo, build) -> None:
    site.write("index.md", INDEX.format(body="Written in 2019."))
    site.commit(
        "old change", date="2025-06-01T09:00:00+00:00", author_date="2019-01-01T00:00:00+00:00"
    )
    assert modified(build(site)) == "2025-06-01T09:00:00+00:00"


def test_merges_follow_first_parent(site: GitRepo, build) -> None:
    site.checkout("feature", new=True)
    site.write("other.md", OTHER.format(n="feature"))
    site.commit("feature work", date="2021-01-01T00:00:00+00:00")
    site.checkout("main")
    site.write("index.md", INDEX.format(body="Main change."))
    site.commit("main change", date="2021-02-01T00:00:00+00:00")
    site.checkout("feature")
    site.merge("main", date="2021-03-01T00:00:00+00:00")  # main merged into the feature branch
    site.checkout("main")
    site.merge("feature", date="2021-04-01T00:00:00+00:00")  # and the branch merged back
    app = build(site)
    # index changed only on main: its date is the main commit, not either merge
    assert modified(app) == "2021-02-01T00:00:00+00:00"
    # other changed on the branch: it reached main with the merge back
    assert modified(app, "other") == "2021-04-01T00:00:00+00:00"


def test_dates_before_2001_and_time_zones(site: GitRepo, build) -> None:
    repo = GitRepo(site.path.parent / "old")
    repo.write("conf.py", CONF)
    repo.write("_data/cookies.yaml", COOKIES.format(expiry="P1Y"))
    repo.write("index.md", INDEX.format(body="v1"))
    repo.write("other.md", OTHER.format(n=1))
    repo.commit("1999", date="1999-12-31T23:00:00-07:00")
    repo.write("other.md", OTHER.format(n=2))
    repo.commit("2005", date="2005-06-01T08:00:00+09:00")
    app = build(repo)
    assert modified(app) == "2000-01-01T06:00:00+00:00"  # 23:00 -07:00 is 06:00 UTC next day
    assert modified(app, "other") == "2005-05-31T23:00:00+00:00"


def test_time_zone_option_moves_the_day(site: GitRepo, build) -> None:
    site.write("index.md", INDEX.format(body="Late."))
    site.commit("late", date="2024-03-23T23:30:00+00:00")
    utc = build(site)
    assert body_time(utc) == ("2024-03-23T23:30:00+00:00", "March 23, 2024")
    tokyo = build(site, confoverrides={"policy_timezone": "Asia/Tokyo"}, freshenv=True)
    assert body_time(tokyo) == ("2024-03-24T08:30:00+09:00", "March 24, 2024")
    assert modified(tokyo) == "2024-03-24T08:30:00+09:00"


def test_localized_dates(site: GitRepo, build) -> None:
    site.write("index.md", INDEX.format(body="Deutsch."))
    site.commit("de", date="2026-03-24T00:27:36+00:00")
    app = build(site, confoverrides={"language": "de"})
    assert body_time(app) == ("2026-03-24T00:27:36+00:00", "24. März 2026")
    assert "Zuletzt aktualisiert am 24. März 2026" in soup(app).get_text(" ")
    fmt = build(
        site, confoverrides={"language": "fr", "html_last_updated_fmt": "%d %B %Y"}, freshenv=True
    )
    assert body_time(fmt)[1] == "24 mars 2026"


def test_rename_is_not_a_revision_and_history_follows(site: GitRepo, build) -> None:
    site.mv("other.md", "renamed.md")
    site.commit("pure rename", date="2023-01-01T00:00:00+00:00")
    app = build(site)
    assert modified(app, "renamed") == "2020-01-01T12:00:00+00:00"
    site.mv("renamed.md", "again.md")
    site.write("again.md", OTHER.format(n="edited while renamed"))
    site.commit("rename with edit", date="2024-01-01T00:00:00+00:00")
    assert modified(build(site, freshenv=True), "again") == "2024-01-01T00:00:00+00:00"


def test_unicode_and_spaces_in_file_names(site: GitRepo, build) -> None:
    site.write("privacidade política.md", "# Política\n\nTexto.\n")
    site.commit("unicode", date="2022-07-07T07:07:07+00:00")
    app = build(site)
    assert modified(app, "privacidade política") == "2022-07-07T07:07:07+00:00"


# --------------------------------------------------------------------------- unknown is unknown


def test_untracked_and_modified_pages_get_no_date(site: GitRepo, build) -> None:
    site.write("new.md", "# New\n\nNot committed.\n")
    site.write("other.md", OTHER.format(n="uncommitted"))
    app = build(site)
    assert modified(app, "new") is None and modified(app, "other") is None
    assert "Last updated" not in soup(app, "new").get_text(" ")
    text = warnings(app)
    assert "no 'Last updated' date for new: new.md is not committed to git" in text
    assert "no 'Last updated' date for other: other.md has uncommitted changes" in text
    assert text.count("[policy.uncommitted]") == 2
    assert modified(app) == "2020-01-01T12:00:00+00:00"  # committed pages keep theirs


def test_uncommitted_data_file_makes_page_date_unknown(site: GitRepo, build) -> None:
    site.write("_data/cookies.yaml", COOKIES.format(expiry="P3Y"))
    app = build(site)
    assert modified(app) is None
    assert body_time(app) is None
    assert "date unknown" in soup(app).get_text(" ")
    assert "_data/cookies.yaml has uncommitted changes" in warnings(app)


def test_build_time_never_shown(site: GitRepo, build) -> None:
    site.write("new.md", "# New\n")
    app = build(site, confoverrides={"html_last_updated_fmt": "%Y-%m-%d"})
    text = soup(app, "new").get_text(" ")
    assert "Last updated" not in text
    assert "Last updated on 2020-01-01" in soup(app).get_text(" ")


def _shallow_site(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "origin")
    repo.write("conf.py", CONF)
    repo.write("_data/cookies.yaml", COOKIES.format(expiry="P1Y"))
    repo.write("index.md", INDEX.format(body="v1"))
    repo.write("other.md", OTHER.format(n=1))
    repo.write("third.md", "# Third\n")
    repo.commit("c1", date="2020-01-01T00:00:00+00:00")
    repo.write("other.md", OTHER.format(n=2))
    repo.commit("c2 other", date="2021-01-01T00:00:00+00:00")
    repo.write("index.md", INDEX.format(body="v2"))
    repo.commit("c3 index", date="2022-01-01T00:00:00+00:00")
    repo.write("third.md", "# Third\n\nv2\n")
    repo.commit("c4 third", date="2023-01-01T00:00:00+00:00")
    return repo


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
def test_shallow_clones(tmp_path: Path, build, depth: int) -> None:
    clone = _shallow_site(tmp_path).clone(tmp_path / f"depth{depth}", "--depth", str(depth))
    app = build(clone)
    expected = {  # visible only when newer than the boundary commit (the oldest one fetched)
        "third": "2023-01-01T00:00:00+00:00" if depth >= 2 else None,
        "index": "2022-01-01T00:00:00+00:00" if depth >= 3 else None,
        "other": "2021-01-01T00:00:00+00:00" if depth >= 4 else None,
    }
    for page, date in expected.items():
        assert modified(app, page) == date, page
    text = warnings(app)
    for page, date in expected.items():
        assert (f"no 'Last updated' date for {page}:" in text) == (date is None)
    if depth < 4:
        assert "[policy.shallow]" in text and "git fetch --unshallow" in text


def test_shallow_warning_names_read_the_docs_fix(tmp_path: Path, build, monkeypatch) -> None:
    clone = _shallow_site(tmp_path).clone(tmp_path / "rtd", "--depth", "1")
    monkeypatch.setenv("READTHEDOCS", "True")
    app = build(clone)
    assert 'build.jobs.post_checkout: ["git fetch --unshallow || true"]' in warnings(app)
    monkeypatch.delenv("READTHEDOCS")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert "fetch-depth: 0" in warnings(build(clone, freshenv=True))


def test_suppress_warnings_silences_one_subtype(tmp_path: Path, build) -> None:
    clone = _shallow_site(tmp_path).clone(tmp_path / "quiet", "--depth", "1")
    app = build(clone, confoverrides={"suppress_warnings": ["policy.shallow"]})
    assert "policy.shallow" not in warnings(app)


def test_ignore_revs_and_exclude_patterns(site: GitRepo, build) -> None:
    site.write("index.md", INDEX.format(body="Real change."))
    site.commit("real", date="2021-01-01T00:00:00+00:00")
    site.write("index.md", INDEX.format(body="Real  change."))
    reformat = site.commit("reformat", date="2024-01-01T00:00:00+00:00")
    site.write(".git-blame-ignore-revs", f"# formatting\n{reformat}\n")
    site.write("other.md", OTHER.format(n=5))
    site.commit("ignore file + other", date="2024-02-01T00:00:00+00:00")
    app = build(site, confoverrides={"policy_git_exclude": ["other.md"]})
    assert modified(app) == "2021-01-01T00:00:00+00:00"
    assert modified(app, "other") is None  # excluded: no date rather than a wrong one


def test_no_git_on_path(site: GitRepo, build, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    app = build(site)
    assert modified(app) is None
    text = warnings(app)
    assert text.count("[policy.git]") == 1
    assert "git" in text and "Traceback" not in text
    assert (Path(app.outdir) / "index.html").exists()


def test_not_a_repository(tmp_path: Path, build) -> None:
    plain = GitRepo(tmp_path / "plain", init=False)
    plain.write("conf.py", CONF)
    plain.write("_data/cookies.yaml", COOKIES.format(expiry="P1Y"))
    plain.write("index.md", INDEX.format(body="x"))
    app = build(plain)
    assert modified(app) is None
    text = warnings(app)
    assert "is not inside a git repository" in text and text.count("[policy.git]") == 1


def test_git_disabled(site: GitRepo, build) -> None:
    app = build(site, confoverrides={"policy_git": False})
    assert modified(app) is None and "policy.git" not in warnings(app)


def test_submodule_pages_dated_by_their_own_repository(
    tmp_path: Path, site: GitRepo, build
) -> None:
    sub = GitRepo(tmp_path / "subrepo")
    sub.write("terms.md", "# Terms\n\nv1\n")
    sub.commit("terms", date="2019-05-05T00:00:00+00:00")
    site.run(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub.path.resolve().as_uri(),
        "legal",
        env={"GIT_ALLOW_PROTOCOL": "file"},
    )
    site.commit("add submodule", date="2024-04-04T00:00:00+00:00")
    app = build(site)
    assert modified(app, "legal/terms") == "2019-05-05T00:00:00+00:00"


# --------------------------------------------------------------------------- incremental, parallel


def test_incremental_build_after_new_commit(site: GitRepo, build, make_app) -> None:
    first = build(site)
    assert modified(first) == "2020-01-01T12:00:00+00:00"
    site.write("_data/cookies.yaml", COOKIES.format(expiry="P2Y"))
    site.commit("data change", date="2024-08-08T08:08:08+00:00")
    app = make_app("html", srcdir=site.path)
    read, written = [], []
    app.connect("env-before-read-docs", lambda app, env, docs: read.extend(docs))
    app.connect("html-page-context", lambda app, page, *args: written.append(page))
    app.build()
    assert modified(app) == "2024-08-08T08:08:08+00:00"
    assert read == ["index"]  # the data file is a dependency of index only
    assert "other" not in written

    # a commit that only changes a page's *date* (the content was already built)
    site.write("other.md", OTHER.format(n=9))
    again = make_app("html", srcdir=site.path)
    again.build()
    site.commit("commit the edit", date="2025-09-09T09:09:09+00:00")
    third = make_app("html", srcdir=site.path)
    read, written = [], []
    third.connect("env-before-read-docs", lambda app, env, docs: read.extend(docs))
    third.connect("html-page-context", lambda app, page, *args: written.append(page))
    third.build()
    assert read == []  # nothing re-read ...
    assert "other" in written  # ... but the page whose date changed is re-written
    assert modified(third, "other") == "2025-09-09T09:09:09+00:00"


def test_rebuild_with_nothing_changed_reads_nothing(site: GitRepo, build, make_app) -> None:
    build(site)
    app = make_app("html", srcdir=site.path)
    read: list[str] = []
    app.connect("env-before-read-docs", lambda app, env, docs: read.extend(docs))
    app.build()
    assert read == []


def test_rebuild_with_nothing_changed_keeps_dates_and_warnings(
    site: GitRepo, build, make_app
) -> None:
    """A rebuild that reads nothing reuses the last build's dates, and says again what
    is still wrong with them (an uncommitted page stays undated, and is reported)."""
    build(site)
    site.write("other.md", OTHER.format(n="edited, not committed"))
    edited = make_app("html", srcdir=site.path)
    edited.build()
    assert "other.md has uncommitted changes" in warnings(edited)
    again = make_app("html", srcdir=site.path)
    read: list[str] = []
    again.connect("env-before-read-docs", lambda app, env, docs: read.extend(docs))
    again.build()
    assert read == []
    assert "other.md has uncommitted changes" in warnings(again)
    assert modified(again) == "2020-01-01T12:00:00+00:00"
    # Committing it is a new fingerprint: the dates are computed again, the page dated.
    site.commit("other", date="2022-02-02T02:02:02+00:00")
    committed = make_app("html", srcdir=site.path)
    committed.build()
    assert "uncommitted" not in warnings(committed)
    assert modified(committed, "other") == "2022-02-02T02:02:02+00:00"


def test_parsed_log_is_kept_between_builds(site: GitRepo, build, make_app) -> None:
    """Commits never change: a rebuild reuses the parsed log (kept beside the pickled
    environment) while HEAD stays put; after new commits it asks git for those only, and
    for the whole log when HEAD no longer descends from the cached one (an amended
    commit). The first build writes it, so the first rebuild reads it."""
    fresh = build(site)
    (cache,) = Path(fresh.doctreedir).glob("policy-history-*.pickle")
    # Proof that a rebuild reads the cache, not git: a doctored cache shows in the page.
    key, (commits, records, head_paths, scan_warnings) = pickle.loads(cache.read_bytes())
    doctored = [c._replace(timestamp=c.timestamp + 86400) for c in commits]
    cache.write_bytes(pickle.dumps((key, (doctored, records, head_paths, scan_warnings))))
    # With nothing read, committed or edited, the dates of the last build stand as they
    # are (no index needed beyond its fingerprint): the page keeps its true date.
    unchanged = make_app("html", srcdir=site.path)
    unchanged.build()
    assert modified(unchanged) == "2020-01-01T12:00:00+00:00"
    # Once the pages are read again, the dates are computed again: from the cache.
    second = make_app("html", srcdir=site.path, freshenv=True)
    second.build()
    assert modified(second) == "2020-01-02T12:00:00+00:00"

    # A new commit moves HEAD: only it is read from git; the older commits still come
    # from the (doctored) cache.
    site.write("other.md", OTHER.format(n=5))
    site.commit("other", date="2021-06-06T06:06:06+00:00")
    third = make_app("html", srcdir=site.path)
    third.build()
    assert modified(third) == "2020-01-02T12:00:00+00:00"
    assert modified(third, "other") == "2021-06-06T06:06:06+00:00"
    # An amended commit does not descend from the cached HEAD: the whole log is read.
    site.write("other.md", OTHER.format(n=6))
    amended = "2021-07-07T07:07:07+00:00"
    site.run("commit", "-q", "-a", "--amend", "--no-edit",
             env={"GIT_COMMITTER_DATE": amended, "GIT_AUTHOR_DATE": amended})
    rewritten = make_app("html", srcdir=site.path)
    rewritten.build()
    assert modified(rewritten) == "2020-01-01T12:00:00+00:00"
    assert modified(rewritten, "other") == amended

    # A damaged cache file is only a cache miss.
    cache.write_bytes(b"not a pickle")
    fourth = make_app("html", srcdir=site.path, freshenv=True)
    fourth.build()
    assert modified(fourth) == "2020-01-01T12:00:00+00:00"
    assert policy_warnings(fourth) == []


def test_parallel_build_gives_the_same_dates(site: GitRepo, build, tmp_path: Path) -> None:
    site.write("other.md", OTHER.format(n=3))
    site.commit("other", date="2022-01-01T00:00:00+00:00")
    serial = build(site)
    dates = {p: modified(serial, p) for p in ("index", "other", "with-include")}
    shutil.rmtree(site.path / "_build")
    parallel = build(site, parallel=2)
    assert {p: modified(parallel, p) for p in dates} == dates


# --------------------------------------------------------------------------- output


def test_no_names_or_emails_in_output(site: GitRepo, build) -> None:
    """Nor the accounts and branches of merges as hosting services write them."""
    site.write("other.md", OTHER.format(n=1) + "\n```{policy-changelog}\n```\n")
    site.commit("changelog", date="2020-02-01T00:00:00+00:00")
    hosted_merges(site, "other.md")
    app = build(site, confoverrides={"policy_pages": ["other"]})
    assert "Keep invoices for ten years" in (Path(app.outdir) / "other.html").read_text("utf-8")
    assert files_naming_people(Path(app.outdir)) == []


def test_effective_date_from_front_matter(site: GitRepo, build) -> None:
    site.write(
        "other.md",
        "---\npolicy:\n  effective: 2025-05-01\n---\n# Other\n\n```{effective-date}\n```\n",
    )
    site.commit("effective", date="2025-04-01T00:00:00+00:00")
    app = build(site)
    times = soup(app, "other").find_all("time")
    assert [(t["datetime"], t.get_text()) for t in times] == [("2025-05-01", "May 1, 2025")]


def test_singlehtml_shows_newest_date(site: GitRepo, build) -> None:
    site.write("other.md", OTHER.format(n=4))
    site.commit("other", date="2023-03-03T00:00:00+00:00")
    app = build(site, "singlehtml")
    assert modified(app) == "2023-03-03T00:00:00+00:00"


def test_text_builder_prints_the_date(site: GitRepo, build) -> None:
    app = build(site, "text")
    text = (Path(app.outdir) / "index.txt").read_text("utf-8")
    assert "Last updated: January 1, 2020" in text


@pytest.mark.parametrize("theme", ["furo", "sphinx_rtd_theme", "pydata_sphinx_theme", "alabaster"])
def test_themes_show_the_date(site: GitRepo, build, theme: str) -> None:
    pytest.importorskip(theme)
    overrides = {"html_theme": theme}
    if theme == "pydata_sphinx_theme":
        overrides["html_theme_options"] = {"footer_start": ["last-updated"]}
    app = build(site, confoverrides=overrides)
    text = soup(app).get_text(" ")
    assert "January 1, 2020" in text
    if theme != "alabaster":  # alabaster has no last_updated: the directive shows it
        assert re.search(r"Last updated( on)?:? *\n* *January 1, 2020", text), text[-500:]


def test_sitemap_lastmod_uses_our_dates(site: GitRepo, build) -> None:
    pytest.importorskip("sphinx_sitemap")
    site.write("other.md", OTHER.format(n=2))
    site.commit(
        "merge-era", date="2021-09-09T09:09:09+02:00", author_date="2010-01-01T00:00:00+00:00"
    )
    app = build(
        site,
        confoverrides={
            "extensions": ["myst_parser", "sphinx_policy", "sphinx_sitemap"],
            "html_baseurl": "https://example.org/",
            "sitemap_show_lastmod": True,
            "sitemap_url_scheme": "{link}",
        },
    )
    sitemap = (Path(app.outdir) / "sitemap.xml").read_text("utf-8")
    assert (
        "<loc>https://example.org/other.html</loc><lastmod>2021-09-09T07:09:09Z</lastmod>"
        in sitemap
    )
    assert (
        soup(app, "other").find_all("meta", property="article:modified_time")[0]["content"]
        == "2021-09-09T07:09:09+00:00"
    )
    assert len(soup(app, "other").find_all("meta", property="article:modified_time")) == 1


def test_git_dirs_with_dubious_ownership_env(site: GitRepo, build, monkeypatch) -> None:
    """A git that refuses the repository (as for dubious ownership) stops dates, not the build."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make a repository owned by another user")
    os.chown(site.path, 12345, 12345)
    try:
        app = build(site)
    finally:
        os.chown(site.path, 0, 0)
    assert modified(app) is None
    text = warnings(app)
    assert "[policy.git]" in text and "safe.directory" in text


@pytest.mark.parametrize("keep_mtimes", [False, True])
def test_rebuild_after_commits_dates_as_a_fresh_build(
    site: GitRepo, build, make_app, tmp_path: Path, monkeypatch, keep_mtimes: bool
) -> None:
    """After new commits (the status of the work tree unchanged), a rebuild dates again
    only the pages whose files the commits touched: every page's date must be the one a
    fresh build of the same commit gives, through edits, data files, includes, renames,
    merges, a deleted and re-added file and an edit left uncommitted. With
    ``keep_mtimes`` the files keep their modification times (as a copy that preserves
    them would), so Sphinx reads no page again and only the commits say what changed."""
    from sphinx_policy.history import page_dates as module

    dated: list[int] = []
    real_date_page = module.date_page

    def counting(repos, paths):  # type: ignore[no-untyped-def]
        dated.append(1)
        return real_date_page(repos, paths)

    monkeypatch.setattr(module, "date_page", counting)
    site.write("plain.md", OTHER.format(n="plain"))
    site.write("notes.txt", "not a page\n")
    # A page that is a symbolic link: pointing it elsewhere changes the file its date
    # comes from, and touches only the link.
    site.write("parts/a.md", "# Linked\n\nText A.\n")
    site.write("parts/b.md", "# Linked\n\nText B.\n")
    (site.path / "linked.md").symlink_to("parts/a.md")
    site.commit("more", date="2020-02-02T00:00:00+00:00")
    build(site)
    fresh_builds = 0

    def mtimes() -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in site.path.rglob("*")
                if p.is_file() and ".git" not in p.parts and "_build" not in p.parts}

    times = mtimes()

    def check(step: str, *, partial: bool) -> None:
        nonlocal fresh_builds, times
        if keep_mtimes:
            for path, ns in times.items():
                if path.is_file():
                    os.utime(path, ns=(ns, ns))
        dated.clear()
        app = make_app("html", srcdir=site.path)
        app.build()
        mine = module.page_dates(app.env)
        count = len(dated)
        fresh_builds += 1
        copy = tmp_path / f"fresh-{fresh_builds}"
        shutil.copytree(site.path, copy, symlinks=True, ignore=shutil.ignore_patterns("_build"))
        fresh = make_app("html", srcdir=copy)
        fresh.build()
        theirs = module.page_dates(fresh.env)
        assert {d: v[:4] for d, v in mine.items()} == {d: v[:4] for d, v in theirs.items()}, step
        for page in mine:
            assert modified(app, page) == modified(fresh, page), (step, page)
        if partial:
            assert count < len(mine), step  # the shortcut was taken
        else:
            assert count == len(mine), step
        times = mtimes()

    site.write("other.md", OTHER.format(n=2))
    site.commit("edit other", date="2021-01-01T00:00:00+00:00")
    check("page edited", partial=True)
    site.write("_data/cookies.yaml", COOKIES.format(expiry="P2Y"))
    site.commit("data", date="2021-02-01T00:00:00+00:00")
    check("data file edited", partial=True)
    site.write("parts/snippet.md", "Shared text v2.\n")
    site.commit("include", date="2021-03-01T00:00:00+00:00")
    check("included file edited", partial=True)
    site.mv("notes.txt", "parts/notes.txt")
    site.commit("pure rename", date="2021-04-01T00:00:00+00:00")
    check("a file renamed", partial=True)
    site.run("checkout", "-q", "-b", "side", "HEAD~1")
    site.write("parts/snippet.md", "Shared text v3, from a side branch.\n")
    site.commit("side edit", date="2021-05-01T00:00:00+00:00")
    site.checkout("main" if "main" in site.run("branch") else "master")
    site.write("plain.md", OTHER.format(n="plain, edited"))
    site.commit("main edit", date="2021-05-02T00:00:00+00:00")
    site.merge("side", date="2021-05-03T00:00:00+00:00")
    check("merge", partial=True)
    site.rm("parts/snippet.md")
    site.commit("delete the include", date="2021-06-01T00:00:00+00:00")
    check("included file deleted", partial=True)
    site.write("parts/snippet.md", "Shared text v2.\n")
    site.commit("re-add the include", date="2021-07-01T00:00:00+00:00")
    check("included file re-added", partial=True)
    site.write("parts/a.md", "# Linked\n\nText A, edited.\n")
    site.commit("edit the linked file", date="2021-07-02T00:00:00+00:00")
    check("file behind a link edited", partial=True)
    (site.path / "linked.md").unlink()
    (site.path / "linked.md").symlink_to("parts/b.md")
    site.commit("point the link elsewhere", date="2021-07-03T00:00:00+00:00")
    check("link pointed at another file", partial=False)
    site.write("other.md", OTHER.format(n="edited, not committed"))
    check("work tree changed", partial=False)
    site.write("plain.md", OTHER.format(n="plain, third"))
    site.commit("commit beside an uncommitted edit", date="2021-08-01T00:00:00+00:00",
                add_all=False, allow_empty=True)
    site.run("add", "plain.md")
    site.run("commit", "-q", "-m", "plain", env=site._dates("2021-08-02T00:00:00+00:00", None))
    check("commit with the work tree still changed", partial=True)
    site.run("reset", "-q", "--hard", "HEAD~3")
    check("history rewritten", partial=False)


def test_page_that_is_a_symbolic_link_pointed_at_an_older_file_is_read_again(
    site: GitRepo, build
) -> None:
    """Sphinx compares the times of the files links point to: a page whose file is a
    link pointed at a file older than the last build looked unchanged, so it kept its
    old text under a date taken from the file the link now names. (Included files are
    handed on with their links resolved, by Sphinx and MyST alike: docs/development.md,
    Known gaps.)"""
    site.write("parts/a.md", "# Linked\n\nText A.\n")
    site.write("parts/b.md", "# Linked\n\nText B.\n")
    (site.path / "linked.md").symlink_to("parts/a.md")
    site.commit("a page that is a link", date="2021-01-01T00:00:00+00:00")
    site.write("parts/b.md", "# Linked\n\nText B, edited.\n")
    site.commit("edit the file the link will name", date="2022-02-02T00:00:00+00:00")
    old = (site.path / "parts/b.md").stat().st_mtime_ns - 10**9
    os.utime(site.path / "parts/b.md", ns=(old, old))
    app = build(site)
    assert "Text A." in soup(app, "linked").get_text(" ")
    assert modified(app, "linked") == "2021-01-01T00:00:00+00:00"

    (site.path / "linked.md").unlink()
    (site.path / "linked.md").symlink_to("parts/b.md")
    site.commit("point the link elsewhere", date="2023-03-03T00:00:00+00:00")
    app = build(site)
    assert "Text B, edited." in soup(app, "linked").get_text(" ")
    # What the page says changed when its link was pointed elsewhere (the file it now
    # reads was last edited before that).
    assert modified(app, "linked") == "2023-03-03T00:00:00+00:00"
    assert modified(app, "other") == "2020-01-01T12:00:00+00:00"
    site.write("parts/b.md", "# Linked\n\nText B, edited again.\n")
    site.commit("edit the file the link names", date="2024-04-04T00:00:00+00:00")
    app = build(site)
    assert "Text B, edited again." in soup(app, "linked").get_text(" ")
    assert modified(app, "linked") == "2024-04-04T00:00:00+00:00"
