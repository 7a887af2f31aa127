"""Changelog, archived versions, diffs, feed and manifest built from real git history."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo, files_naming_people, hosted_merges
from policy_testing import policy_warnings, warnings

from sphinx_policy.versions.manifest import load_schema

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build"]
project = "Acme"
html_baseurl = "https://policies.example.org/"
"""
COOKIE = "  - {{name: {name}, category: necessary, purpose: {purpose}, expiry: P1Y}}\n"
PRIVACY = """---
policy: true
---
# Privacy notice

```{{last-updated}}
```

We keep your data for {retention}.

```{{cookie-table}}
```

## Changes

```{{policy-changelog}}
```
"""
ATOM = "{http://www.w3.org/2005/Atom}"


def cookies(*names: str) -> str:
    return "cookies:\n" + "".join(COOKIE.format(name=n, purpose=f"Purpose of {n}") for n in names)


@pytest.fixture
def history(tmp_path: Path) -> GitRepo:
    """Three revisions of a privacy notice over two years, plus a page that is no policy."""
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("_data/cookies.yaml", cookies("session"))
    repo.write("privacy.md", PRIVACY.format(retention="one year"))
    repo.commit(
        "Initial import\n\nPolicy-Change: First published.", date="2023-01-10T09:00:00+00:00"
    )
    repo.write("_data/cookies.yaml", cookies("session", "analytics_id"))
    repo.commit(
        "Add analytics cookie\n\nPolicy-Change: We now use an analytics cookie.\n"
        "Policy-Change-Type: material",
        date="2024-03-05T12:00:00+01:00",
    )
    repo.write("privacy.md", PRIVACY.format(retention="two years"))
    repo.commit(
        "Typo and retention\n\nPolicy-Change: Retention is now two years.",
        date="2025-09-04T18:30:00+02:00",
    )
    return repo


def page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / name).read_text("utf-8"), "html.parser")


def git_revisions(repo: GitRepo) -> list[str]:
    return repo.run("rev-list", "--first-parent", "HEAD").split()


def archive_name(repo: GitRepo, sha: str) -> str:
    day = repo.run(
        "show", "-s", "--format=%cd", "--date=format-local:%Y-%m-%d", sha, env={"TZ": "UTC"}
    ).strip()
    return f"privacy/versions/{day}-{sha[:8]}"


def test_every_revision_gets_an_archive_and_a_diff(history: GitRepo, build) -> None:
    app = build(history)
    shas = git_revisions(history)
    names = [archive_name(history, sha) for sha in shas]
    assert names[0].startswith("privacy/versions/2025-09-04-")
    for name in names:
        assert (Path(app.outdir) / f"{name}.html").is_file(), name
    for name in names:  # the first publication's diff shows all of its text as new
        assert (Path(app.outdir) / f"{name}-diff.html").is_file(), name
    versions = sorted(p.name for p in (Path(app.outdir) / "privacy/versions").iterdir())
    assert len(versions) == 6
    first = page(app, f"{names[-1]}-diff.html")
    assert "The first published version" in first.get_text()
    assert not first.find_all("del")
    assert "session" in " ".join(i.get_text(" ") for i in first.find_all("ins"))


def test_archived_version_renders_data_as_it_was(history: GitRepo, build) -> None:
    app = build(history)
    first, second, _third = reversed(git_revisions(history))
    old = page(app, archive_name(history, first) + ".html")
    table_text = old.find("table", class_="policy-cookie-table").get_text(" ")
    assert "session" in table_text and "analytics_id" not in table_text
    assert "one year" in old.get_text(" ")
    middle = page(app, archive_name(history, second) + ".html")
    assert "analytics_id" in middle.find("table", class_="policy-cookie-table").get_text(" ")
    assert "one year" in middle.get_text(" ")
    banner = old.find(class_="policy-archive-banner").get_text(" ", strip=True)
    assert banner.startswith("Archived version of January 10, 2023.")
    link = old.find(class_="policy-archive-banner").find("a")
    assert link["href"] == "../../privacy.html"
    # the archived page is dated by its own revision
    assert (
        old.find("meta", property="article:modified_time")["content"] == "2023-01-10T09:00:00+00:00"
    )
    assert old.find("time", class_="policy-date")["datetime"] == "2023-01-10T09:00:00+00:00"
    assert old.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_diff_marks_insertions_and_deletions(history: GitRepo, build) -> None:
    app = build(history)
    newest, middle, _first = git_revisions(history)
    text_diff = page(app, archive_name(history, newest) + "-diff.html")
    assert [d.get_text() for d in text_diff.find_all("del")] == ["one year."]
    assert [i.get_text() for i in text_diff.find_all("ins")] == ["two years."]
    data_diff = page(app, archive_name(history, middle) + "-diff.html")
    inserted = " ".join(i.get_text(" ") for i in data_diff.find_all("ins"))
    assert "analytics_id" in inserted and "Purpose of analytics_id" in inserted


def test_changelog_lists_revisions_newest_first(history: GitRepo, build) -> None:
    app = build(history)
    items = page(app, "privacy.html").find("ul", class_="policy-changelog").find_all("li")
    texts = [li.get_text(" ", strip=True) for li in items]
    assert texts[0].startswith("September 4, 2025 : Retention is now two years.")
    assert texts[1].startswith("March 5, 2024 : We now use an analytics cookie. [Material change]")
    assert texts[2].startswith("January 10, 2023 : First published.")
    links = [a["href"] for a in items[1].find_all("a")]
    middle = archive_name(history, git_revisions(history)[1]).split("/")[-1]
    assert links == [f"privacy/versions/{middle}.html", f"privacy/versions/{middle}-diff.html"]
    assert [a.get_text() for a in items[2].find_all("a")] == ["this version", "what changed"]


def test_curated_mode_lists_only_summarised_revisions(history: GitRepo, build) -> None:
    history.write("privacy.md", PRIVACY.format(retention="two  years"))
    history.commit("Reword the retention paragraph", date="2025-10-01T00:00:00+00:00")
    all_mode = build(history)
    texts = [
        li.get_text(" ", strip=True)
        for li in page(all_mode, "privacy.html").select("ul.policy-changelog li")
    ]
    assert texts[0].startswith("October 1, 2025 : Reword the retention paragraph")
    curated = build(history, confoverrides={"policy_changelog_mode": "curated"}, freshenv=True)
    texts = [
        li.get_text(" ", strip=True)
        for li in page(curated, "privacy.html").select("ul.policy-changelog li")
    ]
    assert len(texts) == 3 and "Reword" not in " ".join(texts)
    # ... but the unsummarised revision is still archived
    assert (Path(curated.outdir) / (archive_name(history, history.head()) + ".html")).is_file()


def test_editorial_revisions_hidden_unless_asked(history: GitRepo, build) -> None:
    history.write(
        "privacy.md",
        PRIVACY.format(retention="two years")
        + "\n```{policy-changelog}\n:editorial:\n:limit: 2\n```\n",
    )
    history.commit(
        "Fix typo\n\nPolicy-Change: Corrected a typo.\nPolicy-Change-Type: editorial",
        date="2025-11-01T00:00:00+00:00",
    )
    app = build(history)
    lists = page(app, "privacy.html").select("ul.policy-changelog")
    default, with_editorial = (
        [li.get_text(" ", strip=True) for li in ul.find_all("li")] for ul in lists
    )
    assert not any("Corrected a typo" in t for t in default)
    assert len(with_editorial) == 2 and "Corrected a typo" in with_editorial[0]


def test_merge_takes_summary_from_commits_it_brings_in(history: GitRepo, build) -> None:
    history.checkout("update", new=True)
    history.write("privacy.md", PRIVACY.format(retention="three years"))
    history.commit(
        "work\n\nPolicy-Change: Retention is now three years.", date="2025-12-01T00:00:00+00:00"
    )
    history.checkout("main")
    history.merge(
        "update",
        date="2026-01-15T00:00:00+00:00",
        message="Merge pull request #1194 from acme/automated-sync",
    )
    app = build(history)
    first = page(app, "privacy.html").select("ul.policy-changelog li")[0].get_text(" ", strip=True)
    assert first.startswith("January 15, 2026 : Retention is now three years.")
    assert "Merge pull request" not in first


def test_merge_takes_no_summary_from_commits_that_did_not_touch_the_page(
    history: GitRepo, build
) -> None:
    """A merge that brings in a material change of another page and a typo fix of this
    one: this page's changelog must not carry the other page's summary."""
    history.checkout("update", new=True)
    history.write("terms.md", "# Terms\n\nNew liability clause.\n")
    history.commit(
        "terms\n\nPolicy-Change: New liability clause in the terms.\nPolicy-Change-Type: material",
        date="2025-12-01T00:00:00+00:00",
    )
    history.write("privacy.md", PRIVACY.format(retention="two  years"))
    history.commit("typo", date="2025-12-02T00:00:00+00:00")
    history.checkout("main")
    history.merge("update", date="2026-01-15T00:00:00+00:00", message="Merge branch 'update'")
    app = build(history)
    changelog = page(app, "privacy.html").select_one("ul.policy-changelog").get_text(" ")
    assert "liability" not in changelog
    manifest = json.loads((Path(app.outdir) / "policy-versions.json").read_text("utf-8"))
    (privacy,) = [d for d in manifest["documents"] if d["docname"] == "privacy"]
    newest = privacy["revisions"][0]
    assert newest["date"].startswith("2026-01-15")
    assert newest["material"] is False and "liability" not in (newest["summary"] or "")


def test_changelog_options_since_and_pages(history: GitRepo, build) -> None:
    history.write(
        "changes.md",
        "# All changes\n\n```{policy-changelog}\n:pages: all\n:since: 2024-01-01\n```\n",
    )
    history.write("index.md", "# Home\n\n```{toctree}\nprivacy\nchanges\n```\n")
    history.commit("changes page", date="2025-09-05T00:00:00+00:00")
    app = build(history)
    texts = [
        li.get_text(" ", strip=True)
        for li in page(app, "changes.html").select("ul.policy-changelog li")
    ]
    assert len(texts) == 2 and texts[1].startswith("March 5, 2024")


def test_new_commit_renders_only_the_new_revision(history: GitRepo, build, make_app) -> None:
    """Only the new revision is parsed; the revision it replaces keeps its body and is
    written again with a banner saying until when it was in force."""
    first = build(history)
    versions = Path(first.outdir) / "privacy/versions"
    before = {p.name: p.stat().st_mtime_ns for p in versions.iterdir()}
    assert "3 archived versions rendered, 0 with a new banner, 0 unchanged" in (
        first._status.getvalue())
    replaced = archive_name(history, git_revisions(history)[0]) + ".html"
    old_body = page(first, replaced).find(class_="policy-archive-banner").find_next_sibling()
    history.write("privacy.md", PRIVACY.format(retention="ten years"))
    new = history.commit(
        "longer\n\nPolicy-Change: Retention is now ten years.", date="2026-02-02T00:00:00+00:00"
    )
    app = make_app("html", srcdir=history.path)
    app.build()
    assert "1 archived versions rendered, 1 with a new banner, 2 unchanged" in (
        app._status.getvalue())
    after = {p.name: p.stat().st_mtime_ns for p in versions.iterdir()}
    assert {n for n in after if n not in before} == {
        f"2026-02-02-{new[:8]}.html",
        f"2026-02-02-{new[:8]}-diff.html",
    }
    replaced_name = replaced.rpartition("/")[2]
    assert all(after[name] == mtime for name, mtime in before.items() if name != replaced_name)
    banner = (
        page(app, f"privacy/versions/2026-02-02-{new[:8]}.html")
        .find(class_="policy-archive-banner")
        .get_text(" ", strip=True)
    )
    assert "version in force now" in banner
    old = page(app, replaced)
    banner = old.find(class_="policy-archive-banner").get_text(" ", strip=True)
    assert "It was in force from September 4, 2025 until February 2, 2026" in banner
    assert "in force now" not in banner
    # The body is the one rendered in the first build, unchanged.
    assert str(old.find(class_="policy-archive-banner").find_next_sibling()) == str(old_body)


def test_rebuild_with_nothing_new_keeps_the_archive_output(
    history: GitRepo, build, make_app
) -> None:
    """Nothing committed, read or set differently: the archived versions, diffs, manifest
    and feed are not made again, and stay as they were. A file deleted from the output
    folder is written again, the same bytes."""
    first = build(history)
    outdir = Path(first.outdir)
    made = {p: p.read_bytes() for p in outdir.rglob("*")
            if p.is_file() and ("versions" in p.parts or p.name.startswith("policy-"))}
    assert outdir / "policy-versions.json" in made and outdir / "policy-changes.atom" in made
    times = {p: p.stat().st_mtime_ns for p in made}
    again = make_app("html", srcdir=history.path)
    again.build()
    assert "0 archived versions rendered, 0 with a new banner, 3 unchanged" in (
        again._status.getvalue())
    assert {p: p.stat().st_mtime_ns for p in made} == times
    feed, diff = outdir / "policy-changes.atom", next(p for p in made if p.name.endswith(
        "-diff.html"))
    feed.unlink()
    diff.unlink()
    restored = make_app("html", srcdir=history.path)
    restored.build()
    assert "0 archived versions rendered, 0 with a new banner, 3 unchanged" in (
        restored._status.getvalue())
    assert {p: p.read_bytes() for p in made} == made


def test_changed_html_setting_remakes_the_archive_output(
    history: GitRepo, build, make_app
) -> None:
    """An HTML setting changed since the last build (Sphinx writes every page again) makes
    the archived versions again too: they show the new setting, not the old one."""
    first = build(history)
    archived = sorted(Path(first.outdir).glob("privacy/versions/*[0-9a-f].html"))
    assert archived

    def titles() -> list[str]:
        return [BeautifulSoup(p.read_text("utf-8"), "html.parser").title.get_text()
                for p in archived]

    assert not any("Acme policy site" in t for t in titles())
    again = make_app("html", srcdir=history.path,
                     confoverrides={"html_title": "Acme policy site"})
    again.build()
    assert "0 archived versions rendered" not in again._status.getvalue()
    assert all("Acme policy site" in t for t in titles())


def test_new_revision_rewrites_the_changelogs_that_list_its_page(
    history: GitRepo, make_app
) -> None:
    """After a commit to one policy page, the pages whose changelogs list it (its own,
    one with ``:pages: all``) are written again with the new entry; a page whose changelog
    lists only another page is not written again."""
    history.write("terms.md", "---\npolicy: true\n---\n# Terms\n\nBe nice.\n\n"
                  "```{policy-changelog}\n```\n")
    history.write("changes.md", "# All changes\n\n```{policy-changelog}\n:pages: all\n```\n")
    history.write("index.md", "# Home\n\n```{toctree}\nprivacy\nterms\nchanges\n```\n")
    history.commit("terms\n\nPolicy-Change: Terms published.", date="2025-10-01T00:00:00+00:00")
    first = make_app("html", srcdir=history.path)
    first.build()
    outdir = Path(first.outdir)
    times = {name: (outdir / name).stat().st_mtime_ns
             for name in ("privacy.html", "terms.html", "changes.html")}
    history.write("terms.md", "---\npolicy: true\n---\n# Terms\n\nBe kind.\n\n"
                  "```{policy-changelog}\n```\n")
    history.commit("kinder\n\nPolicy-Change: Kinder terms.", date="2025-11-01T00:00:00+00:00")
    again = make_app("html", srcdir=history.path)
    again.build()
    after = {name: (outdir / name).stat().st_mtime_ns for name in times}
    assert after["privacy.html"] == times["privacy.html"]
    assert after["terms.html"] != times["terms.html"]
    assert after["changes.html"] != times["changes.html"]
    assert "Kinder terms." in page(again, "changes.html").select_one(
        "ul.policy-changelog").get_text(" ")


def test_config_change_renders_the_archives_again(history: GitRepo, build, make_app) -> None:
    """A new language (or date format) changes every archived page: none is reused."""
    build(history)
    (history.path / "conf.py").write_text(CONF + 'language = "de"\n', "utf-8")
    history.commit("German", date="2025-10-01T00:00:00+00:00")
    app = make_app("html", srcdir=history.path)
    app.build()
    assert "3 archived versions rendered, 0 with a new banner, 0 unchanged" in (
        app._status.getvalue())
    oldest = archive_name(history, git_revisions(history)[-1])
    banner = page(app, f"{oldest}.html").find(class_="policy-archive-banner")
    assert "Archivierte Fassung" in banner.get_text(" ", strip=True)


def test_atom_feed_is_valid_and_linked(history: GitRepo, build) -> None:
    app = build(history)
    root = ET.parse(Path(app.outdir) / "policy-changes.atom").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}summary").text for e in entries] == [
        "Retention is now two years.",
        "We now use an analytics cookie.",
        "First published.",
    ]
    link = entries[1].find(f"{ATOM}link").get("href")
    assert link.startswith("https://policies.example.org/privacy/versions/2024-03-05-")
    assert entries[1].find(f"{ATOM}category").get("term") == "material"
    head_link = page(app, "index.html").find("link", type="application/atom+xml")
    assert head_link["href"] == "policy-changes.atom"


def test_manifest_matches_git_history(history: GitRepo, build) -> None:
    app = build(history)
    manifest = json.loads((Path(app.outdir) / "policy-versions.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(load_schema()).validate(manifest)
    (document,) = manifest["documents"]
    assert document["docname"] == "privacy" and document["title"] == "Privacy notice"
    assert [r["commit"] for r in document["revisions"]] == git_revisions(history)
    assert [r["date"] for r in document["revisions"]] == [
        "2025-09-04T16:30:00+00:00",
        "2024-03-05T11:00:00+00:00",
        "2023-01-10T09:00:00+00:00",
    ]
    assert document["last_updated"] == "2025-09-04T16:30:00+00:00"
    assert [r["material"] for r in document["revisions"]] == [False, True, False]
    for revision in document["revisions"]:
        archived = Path(app.outdir) / revision["archive_url"].removeprefix(
            "https://policies.example.org/"
        )
        assert archived.is_file()
        assert re.fullmatch(r"[0-9a-f]{64}", revision["text_sha256"])
    assert len({r["text_sha256"] for r in document["revisions"]}) == 3


def test_non_html_builders_get_a_plain_changelog(history: GitRepo, build) -> None:
    app = build(history, "text")
    text = (Path(app.outdir) / "privacy.txt").read_text("utf-8")
    assert (
        "* **September 4, 2025**: Retention is now two years." in text
        or "September 4, 2025: Retention is now two years." in text
    )
    assert "this version" not in text
    assert not (Path(app.outdir) / "privacy").exists()


def test_dirhtml_archives(history: GitRepo, build) -> None:
    app = build(history, "dirhtml")
    newest = archive_name(history, history.head())
    assert (Path(app.outdir) / newest / "index.html").is_file()
    assert (Path(app.outdir) / f"{newest}-diff" / "index.html").is_file()


def test_hostile_summaries_are_escaped(history: GitRepo, build) -> None:
    history.write("privacy.md", PRIVACY.format(retention="a while"))
    history.commit(
        'x\n\nPolicy-Change: <script>alert("x")</script> & javascript:alert(1)',
        date="2026-03-01T00:00:00+00:00",
    )
    app = build(history)
    for name in ["privacy.html", archive_name(history, history.head()) + "-diff.html"]:
        soup = page(app, name)
        assert not [s for s in soup.find_all("script") if "alert" in (s.string or "")]
        assert '<script>alert("x")</script>' in soup.get_text()
    assert not any(
        a.get("href", "").startswith("javascript:") for a in page(app, "privacy.html").find_all("a")
    )
    feed = (Path(app.outdir) / "policy-changes.atom").read_text("utf-8")
    assert "&lt;script&gt;" in feed and "<script>" not in feed


def test_no_names_or_emails_anywhere(history: GitRepo, build) -> None:
    """Nor the accounts, branches and reviewers of merges as hosting services write them."""
    expected = hosted_merges(history, "privacy.md")
    app = build(history)
    items = page(app, "privacy.html").select("ul.policy-changelog li")
    assert [li.get_text(" ", strip=True).split(" : ", 1)[1] for li in items[:2]] == [
        f"{summary} ( this version , what changed )" for summary in expected[:2]]
    assert files_naming_people(Path(app.outdir)) == []


def test_feed_needs_base_url(history: GitRepo, build) -> None:
    app = build(history, confoverrides={"html_baseurl": ""})
    assert not (Path(app.outdir) / "policy-changes.atom").exists()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert "set html_baseurl" in warnings and "[policy.config]" in warnings


def test_git_subprocess_count_is_small(
    history: GitRepo, build, tmp_path: Path, monkeypatch
) -> None:
    """The history index is one git log pass, whatever the number of pages and revisions."""
    log = tmp_path / "git-calls.log"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    real = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{Path(real).parent}")
    for n in range(10):
        history.write(f"page{n}.md", f"# Page {n}\n")
    history.commit("pages", date="2025-09-10T00:00:00+00:00")
    build(history, confoverrides={"policy_archives": False})
    calls = log.read_text().splitlines()
    assert sum(1 for c in calls if " log " in f" {c} ") == 1, calls


def test_archive_of_page_in_subfolder_resolves_relative_paths(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "sub")
    repo.write("conf.py", CONF + 'policy_pages = ["legal/*"]\npolicy_data_files = []\n')
    repo.write("index.md", "# Home\n\n```{toctree}\nlegal/cookies\n```\n")
    repo.write("legal/data.yaml", cookies("first"))
    repo.write("legal/snippet.md", "Snippet v1.\n")
    page_text = (
        "(cookie-notice)=\n# Cookies\n\n```{{cookie-table}}\n:file: data.yaml\n```\n\n"
        "```{{include}} snippet.md\n```\n\nSee {{ref}}`cookie-notice`. {n}\n"
    )
    repo.write("legal/cookies.md", page_text.format(n=1))
    repo.commit("one", date="2024-01-01T00:00:00+00:00")
    repo.write("legal/data.yaml", cookies("first", "second"))
    repo.write("legal/snippet.md", "Snippet v2.\n")
    repo.write("legal/cookies.md", page_text.format(n=2))
    repo.commit("two", date="2025-01-01T00:00:00+00:00")
    app = build(repo)
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert "WARNING" not in warnings, warnings
    (first,) = [
        p
        for p in (Path(app.outdir) / "legal/cookies/versions").glob("2024-*.html")
        if not p.name.endswith("-diff.html")
    ]
    old = BeautifulSoup(first.read_text("utf-8"), "html.parser")
    assert "Snippet v1." in old.get_text() and "second" not in old.get_text()
    assert old.find("a", href="#cookie-notice") is not None  # stays inside the archived page


# Two different one-pixel PNGs.
PNG_RED = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
PNG_BLUE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M/wHwAEBgIApD5fRAAAAABJRU5ErkJggg=="
)


def test_archived_version_shows_its_own_images(tmp_path: Path, build) -> None:
    """An image changed and later removed: each archived version shows the image it had
    (read from git), and the build does not warn about the file that is gone."""
    repo = GitRepo(tmp_path / "images")
    repo.write("conf.py", CONF + 'policy_data_files = []\n')
    repo.write("index.md", "# Home\n\n```{toctree}\nlegal/privacy\n```\n")
    text = "---\npolicy: true\n---\n# Privacy\n\n{image}\n\nVersion {n}.\n"
    repo.write("legal/privacy.md", text.format(image="![Our banner](img/banner.png)", n=1))
    repo.write("legal/img/banner.png", PNG_RED)
    repo.commit("one", date="2023-01-01T00:00:00+00:00")
    repo.write("legal/privacy.md", text.format(image="![Our banner](img/banner.png)", n=2))
    repo.write("legal/img/banner.png", PNG_BLUE)
    repo.commit("two", date="2024-01-01T00:00:00+00:00")
    repo.write("legal/privacy.md", text.format(image="", n=3))
    (repo.path / "legal/img/banner.png").unlink()
    repo.run("add", "-A")
    repo.commit("three", date="2025-01-01T00:00:00+00:00")
    app = build(repo)
    assert warnings(app) == ""
    versions = Path(app.outdir) / "legal/privacy/versions"
    shown = {}
    for year in ("2023", "2024"):
        (archived,) = [p for p in versions.glob(f"{year}-*.html") if "-diff" not in p.name]
        image = BeautifulSoup(archived.read_text("utf-8"), "html.parser").find("img")
        assert image["alt"] == "Our banner"
        kind, _, data = image["src"].partition(",")
        assert kind == "data:image/png;base64"
        shown[year] = base64.b64decode(data)
    assert shown == {"2023": PNG_RED, "2024": PNG_BLUE}


def test_archive_reads_includes_outside_the_docs_folder_at_their_revision(
    tmp_path: Path, build
) -> None:
    """``{include} ../shared.md`` from docs/ is read from git at each revision (the path
    is normalised to the repository's own), not from today's file."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("docs/conf.py", CONF + 'policy_data_files = []\npolicy_pages = ["privacy"]\n')
    repo.write("docs/index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("docs/privacy.md", "# Privacy\n\n```{include} ../shared.md\n```\n")
    repo.write("shared.md", "Shared text, version one.\n")
    repo.commit("one", date="2024-01-01T00:00:00+00:00")
    repo.write("shared.md", "Shared text, version two.\n")
    repo.commit("two", date="2024-02-01T00:00:00+00:00")
    app = build(repo, srcdir=repo.path / "docs")
    assert warnings(app) == ""
    versions = Path(app.outdir) / "privacy/versions"
    (first,) = [p for p in versions.glob("2024-01-*.html") if "-diff" not in p.name]
    assert "version one" in first.read_text("utf-8")
    (second_diff,) = versions.glob("2024-02-*-diff.html")
    changed = BeautifulSoup(second_diff.read_text("utf-8"), "html.parser")
    assert "two" in " ".join(i.get_text(" ") for i in changed.find_all("ins"))


def test_manifest_and_feed_use_the_current_title_and_effective_date(
    tmp_path: Path, build
) -> None:
    """Rendering the archived revisions parses old titles and front matter under the
    page's docname; the manifest and the feed, written after them, still show today's."""
    repo = GitRepo(tmp_path / "eff")
    repo.write("conf.py", CONF + 'policy_data_files = []\npolicy_pages = ["privacy"]\n')
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    text = "---\npolicy:\n  effective: {day}\n---\n# {title}\n\nText.\n"
    repo.write("privacy.md", text.format(day="2024-01-15", title="Privacy notice"))
    repo.commit("one\n\nPolicy-Change: First.", date="2024-01-10T00:00:00+00:00")
    repo.write("privacy.md", text.format(day="2024-06-15", title="Privacy notice (new)"))
    repo.commit("two\n\nPolicy-Change: New.", date="2024-06-10T00:00:00+00:00")
    app = build(repo)
    (document,) = json.loads((Path(app.outdir) / "policy-versions.json").read_text())[
        "documents"
    ]
    assert document["title"] == "Privacy notice (new)"
    assert document["effective"] == "2024-06-15"
    feed = ET.parse(Path(app.outdir) / "policy-changes.atom").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles and all(t.startswith("Privacy notice (new)") for t in titles), titles
    assert app.env.titles["privacy"].astext() == "Privacy notice (new)"


@pytest.mark.parametrize("buildername", ["html", "dirhtml"])
def test_links_in_archived_versions_reach_the_pages_they_name(
    tmp_path: Path, build, buildername: str
) -> None:
    """An archived copy lives under ``<page>/versions/``: its links to other pages, to
    headings of other pages and to the home page still arrive there."""
    repo = GitRepo(tmp_path / "links")
    repo.write("conf.py", CONF + 'policy_data_files = []\npolicy_pages = ["legal/privacy"]\n')
    repo.write("index.md", "# Home\n\n```{toctree}\nlegal/privacy\nlegal/cookies\n```\n")
    repo.write("legal/cookies.md", "# Cookies\n\n(cookie-list)=\n## The list\n\nText.\n")
    body = ("# Privacy\n\nSee the [cookie policy](cookies.md), {{ref}}`cookie-list`, "
            "[home](../index.md) and [mail](mailto:privacy@example.org). {n}\n")
    repo.write("legal/privacy.md", body.format(n=1))
    repo.commit("one", date="2024-01-01T00:00:00+00:00")
    repo.write("legal/privacy.md", body.format(n=2))
    repo.commit("two", date="2024-02-01T00:00:00+00:00")
    app = build(repo, buildername)
    assert warnings(app) == ""
    outdir = Path(app.outdir)
    archives = [p for p in (outdir / "legal/privacy/versions").rglob("*.html")
                if "-diff" not in str(p)]
    assert len(archives) == 2
    for archived in archives:
        links = BeautifulSoup(archived.read_text("utf-8"), "html.parser").select(
            "div.body a.reference, div[role=main] a.reference"
        )
        hrefs = {a.get_text(" ", strip=True): a["href"] for a in links}
        assert hrefs["mail"].startswith("mailto:privacy")  # untouched
        for text in ("cookie policy", "The list", "home"):
            path = hrefs[text].split("#")[0]
            target = (archived.parent / path).resolve()
            if buildername == "dirhtml" or path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (archived, text, hrefs[text])
        assert hrefs["The list"].endswith("#cookie-list")


def test_shallow_clone_that_cuts_a_changelog_short_warns(
    history: GitRepo, build, tmp_path: Path
) -> None:
    """The page changed inside the clone, so its date is known; but its older revisions
    are missing from the changelog, archives, feed and manifest: that is said."""
    history.write("privacy.md", PRIVACY.format(retention="four years"))
    history.commit("four\n\nPolicy-Change: Four years.", date="2026-03-01T00:00:00+00:00")
    history.write("privacy.md", PRIVACY.format(retention="five years"))
    history.commit("five\n\nPolicy-Change: Five years.", date="2026-04-01T00:00:00+00:00")
    clone = history.clone(tmp_path / "shallow", "--depth", "2")
    app = build(clone)
    cut = [w for w in policy_warnings(app) if "cut short" in w]
    assert len(cut) == 1, policy_warnings(app)
    assert "the history of privacy is cut short by the shallow clone" in cut[0]
    assert "git fetch --unshallow" in cut[0] and cut[0].endswith("[policy.shallow]")
    (document,) = json.loads((Path(app.outdir) / "policy-versions.json").read_text())[
        "documents"
    ]
    assert len(document["revisions"]) < 5  # what the clone holds, and said to be partial


def _add_terms(history: GitRepo, docname: str, *, material: bool = False,
               nested: bool = False) -> None:
    """Terms at ``docname`` with a changelog of every page, in two commits after the
    privacy notice's three (the second a material change when ``material``; with
    ``nested``, a second changelog, of the terms alone, inside an item of a list)."""
    history.write("index.md", f"# Home\n\n```{{toctree}}\nprivacy\n{docname}\n```\n")
    terms = ("---\npolicy: true\n---\n# Terms\n\n{text}\n\n"
             "```{{policy-changelog}}\n:pages: all\n```\n")
    if nested:
        terms += ("\n## Earlier terms\n\n- How these terms changed:\n\n"
                  "  ```{{policy-changelog}}\n  ```\n- Ask us for older terms.\n")
    history.write(f"{docname}.md", terms.format(text="First terms."))
    history.commit("Terms\n\nPolicy-Change: Terms published.", date="2025-10-01T10:00:00+00:00")
    history.write(f"{docname}.md", terms.format(text="Second terms."))
    kind = "\nPolicy-Change-Type: material" if material else ""
    history.commit(f"Terms again\n\nPolicy-Change: Terms changed.{kind}",
                   date="2025-11-01T10:00:00+00:00")


def test_archived_changelogs_are_the_lists_built_node_by_node(
    history: GitRepo, build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each entry of an archived version's changelog is written as HTML once per build
    and reused by every later version, and the list around the entries is written once
    per version: the archived pages are byte for byte those whose lists are built and
    translated node by node for each version (the rebased links, the "this version"
    link to the page itself, the titles of a changelog of every page, the material flag,
    and a changelog inside an item of a list, whose HTML depends on what the item holds,
    included)."""
    import shutil

    from docutils import nodes

    from sphinx_policy.versions import changelog

    _add_terms(history, "terms", material=True, nested=True)

    def archived_pages(app) -> dict[str, bytes]:
        out = Path(app.outdir)
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("*/versions/*"))}

    made_once = archived_pages(build(history))
    shutil.rmtree(history.path / "_build")

    def node_by_node(app, upto, node, entries) -> nodes.bullet_list:
        items = nodes.bullet_list(classes=node["classes"])
        for entry in entries:
            items += nodes.list_item("", nodes.paragraph("", "", *changelog._entry(app, *entry)))
        return items

    monkeypatch.setattr(changelog, "_archived_list", node_by_node)
    node_by_node_pages = archived_pages(build(history, freshenv=True))
    assert len(made_once) == 10  # privacy: 3 versions and diffs, terms: 2
    assert made_once == node_by_node_pages
    newest_terms = next(name for name in made_once
                        if name.startswith("terms/versions/2025-11") and "-diff" not in name)
    text = made_once[newest_terms].decode()
    assert "· Privacy notice" in text and "[Material change]" in text
    assert text.count('<ul class="policy-changelog') == 2
    assert 'class="simple"' in text  # the list holding the nested changelog is compact


def test_archive_renders_with_the_heap_frozen_and_hands_it_back(
    history: GitRepo, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the archived versions and diffs are rendered, what the build made before
    them is left out of full garbage collections (``gc.freeze``: each full collection
    walked the whole environment); the site's own pages are written before that, and
    after the build the heap is handed back, so that a long-lived process
    (sphinx-autobuild) frees its garbage as before."""
    import gc

    from gitrepo import pin_git_environment

    assert gc.get_freeze_count() == 0
    pin_git_environment(monkeypatch, history.env)
    app = make_app("html", srcdir=history.path)
    frozen: dict[str, int] = {}

    def record(app, pagename: str, *args) -> None:
        frozen[pagename] = gc.get_freeze_count()

    app.connect("html-page-context", record)
    app.build()
    archived = {name: count for name, count in frozen.items() if "/versions/" in name}
    assert len(archived) == 6  # three versions, three diffs
    assert all(count > 0 for count in archived.values()), archived
    assert frozen["privacy"] == 0 and frozen["index"] == 0
    assert gc.get_freeze_count() == 0


def test_rebased_links_are_those_made_from_the_archived_copys_own_address() -> None:
    """Links are rebased from the page to its archived copy through addresses remembered
    by folder (every version of a page shares one): each is the address Sphinx's
    ``relative_uri`` gives from the archived copy's own address, for links to the copy
    itself, to pages beside it, above it and elsewhere, with fragments, from pages at the
    top, in folders, in dirhtml form, and (never made by a builder) absolute ones."""
    import itertools
    import posixpath

    from sphinx.util.osutil import relative_uri

    from sphinx_policy.versions.links import rebased_uri

    def expected(uri: str, page_uri: str, archive_uri: str) -> str:
        if not uri or uri.startswith(("#", "/")) or ":" in uri.split("/", 1)[0]:
            return uri
        path, hash_mark, fragment = uri.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path))
        target = "" if target == "." else target + ("/" if path.endswith("/") else "")
        return relative_uri(archive_uri, target) + hash_mark + fragment

    parts = ["", ".", "..", "a", "versions", "p.html", "index.html"]
    paths = {"/".join(p) for n in (1, 2, 3) for p in itertools.product(parts, repeat=n)}
    uris = sorted(paths | {p + "#f" for p in paths} | {"#top", "https://x.org/a", "/abs"})
    pages = ["p.html", "a/p.html", "a/b/p.html", "p/", "a/p/", "/p.html", "index.html"]
    archives = [f"{page.removesuffix('.html').rstrip('/')}/versions/2025-01-01-abc.html"
                for page in pages] + ["a/p/versions/2025-01-01-abc/", "p.html#x", "x.html"]
    checked = 0
    for page, archive in itertools.product(pages, archives):
        # The archive's own address and its folder's among the links.
        for uri in [*uris, archive, archive.rpartition("/")[0] + "/", archive + "#f"]:
            assert rebased_uri(uri, page, archive) == expected(uri, page, archive), (
                uri, page, archive)
            checked += 1
    assert checked > 50_000


@pytest.mark.parametrize("buildername", ["html", "dirhtml"])
def test_links_in_archived_changelogs_reach_the_versions_they_name(
    history: GitRepo, build, buildername: str
) -> None:
    """The changelog an archived version carries links to the earlier versions and their
    diffs from where the archived page lives (``<page>/versions/``), for a changelog of
    its own page and one of every page."""
    _add_terms(history, "legal/terms")
    app = build(history, buildername)
    out = Path(app.outdir)
    archived = [p for p in out.rglob("versions/*.html") if "-diff" not in p.name]
    archived += [p for p in out.rglob("versions/*/index.html") if "-diff" not in p.parent.name]
    assert len(archived) == 5, archived
    checked = 0
    for path in archived:
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for link in soup.select("div[role=main] li a[href]"):
            href = link["href"].split("#")[0]
            if not href or ":" in href:
                continue
            target = (path.parent / href).resolve()
            if target.is_dir() or href.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (str(path.relative_to(out)), link.get_text(), link["href"])
            assert out.resolve() in target.parents, link["href"]
            checked += 1
    assert checked >= 10


def test_archived_pages_can_leave_out_the_site_navigation(history: GitRepo, build) -> None:
    """``policy_archive_navigation = False``: archived versions and diffs show, in place
    of the site's navigation (alabaster's sidebar lists every page), links to the start
    page and to the page as it is now; they keep their text and banner and take less
    space; the pages of the site keep their navigation."""
    history.write("index.md", "# Home\n\n```{toctree}\nprivacy\nterms\n```\n")
    history.write("terms.md", "# Terms of use\n\nBe kind.\n")
    history.commit("Terms of use", date="2025-10-01T00:00:00+00:00")
    newest = archive_name(history, git_revisions(history)[1])  # the terms are no revision
    names = [f"{newest}.html", f"{newest}-diff.html"]

    def navigation(soup: BeautifulSoup) -> list[tuple[str, str]]:
        return [(a.get_text(strip=True), a["href"])
                for a in soup.select(".sphinxsidebar .toctree-l1 a")]  # fmt: skip

    theme = {"html_theme": "alabaster"}  # its sidebar shows the site's whole navigation
    app = build(history, confoverrides=theme)
    kept = {name: page(app, name) for name in names}
    sizes = {name: (Path(app.outdir) / name).stat().st_size for name in names}
    for soup in kept.values():
        assert [text for text, _ in navigation(soup)] == ["Privacy notice", "Terms of use"]

    app = build(history, confoverrides={**theme, "policy_archive_navigation": False})
    assert not policy_warnings(app)
    for name in names:
        soup = page(app, name)
        assert navigation(soup) == [("Home", "../../index.html"),
                                    ("Privacy notice", "../../privacy.html")], name
        assert (Path(app.outdir) / name).stat().st_size < sizes[name], name
        text = " ".join(soup.select_one('[role="main"], .body').get_text(" ").split())
        before = " ".join(kept[name].select_one('[role="main"], .body').get_text(" ").split())
        assert text == before, name
    banner = page(app, names[0]).select_one(".policy-archive-banner")
    assert any(a["href"].endswith("privacy.html") for a in banner.select("a[href]"))
    # The site's own pages keep the whole navigation.
    assert ("Terms of use", "terms.html") in navigation(page(app, "privacy.html"))


def _assets(out: Path, path: Path) -> dict[str, str]:
    """The style sheets and scripts a page loads: file in the output folder -> query."""
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    found = {}
    for tag, attribute in (("link", "href"), ("script", "src")):
        for node in soup.find_all(tag, attrs={attribute: True}):
            if tag == "link" and "stylesheet" not in node.get("rel", []):
                continue
            uri, _, query = node[attribute].partition("?")
            target = (path.parent / uri).resolve()
            assert target.is_file(), (str(path.relative_to(out)), node[attribute])
            found[target.relative_to(out.resolve()).as_posix()] = query
    return found


@pytest.mark.parametrize("buildername", ["html", "dirhtml"])
def test_archived_pages_load_the_site_assets_as_its_pages_do(
    history: GitRepo, build, buildername: str
) -> None:
    """Archived versions and diffs (in folders of two depths) load the same style sheets
    and scripts, with the same checksums, as the page they archive; their tags are
    written once per folder."""
    _add_terms(history, "legal/terms")
    app = build(history, buildername)
    out = Path(app.outdir)
    current = _assets(out, out / ("privacy.html" if buildername == "html"
                                  else "privacy/index.html"))
    assert any(name.endswith(".css") and query.startswith("v=")
               for name, query in current.items()), current
    assert any(name.endswith(".js") for name in current), current
    archived = [p for p in out.rglob("*.html") if "versions" in p.parts]
    assert {p.relative_to(out).parts[0] for p in archived} == {"privacy", "legal"}
    assert len(archived) == 10, archived  # 5 versions and their diffs
    for path in archived:
        assert _assets(out, path) == current, path


def test_asset_tags_of_another_extension_are_asked_for_every_page(
    history: GitRepo, build
) -> None:
    """A ``css_tag`` put in the context by another extension (before sphinx-policy's
    handler) is not shared between the archived pages of a folder."""
    history.write("conf.py", CONF + (
        "\ndef setup(app):\n"
        "    def own_tags(app, pagename, templatename, context, doctree):\n"
        "        context['css_tag'] = lambda css: (\n"
        "            f'<meta name=\"css-of\" content=\"{pagename}\">')\n"
        "    app.connect('html-page-context', own_tags, priority=50)\n"))
    history.commit("Own tags", date="2025-09-05T00:00:00+00:00")
    app = build(history)
    archived = sorted(Path(app.outdir).glob("privacy/versions/*.html"))
    assert len(archived) == 6
    for path in archived:
        soup = page(app, str(path.relative_to(app.outdir)))
        names = {meta["content"] for meta in soup.select('meta[name="css-of"]')}
        assert names == {path.relative_to(app.outdir).with_suffix("").as_posix()}, path
