"""Builds that used to stop with a traceback: each now finishes, with a warning when the
input is the user's to fix. Real Sphinx builds of real git repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo
from policy_testing import assert_no_traceback, find_warning, policy_warnings, warnings

from sphinx_policy.versions.manifest import load_schema

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build"]
project = "Acme"
html_baseurl = "https://policies.example.org/"
"""
COOKIES = "cookies:\n  - {name: session, category: necessary, purpose: Log-in., expiry: P1Y}\n"
PRIVACY = """---
policy: true
---
# Privacy notice

```{last-updated}
```

We keep your data for {retention}.

```{cookie-table}
```
"""


def privacy_page(retention: str) -> str:
    return PRIVACY.replace("{retention}", retention)


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


def site(repo: GitRepo, conf: str = CONF, index: str | None = None) -> GitRepo:
    repo.write("conf.py", conf)
    repo.write(".gitignore", "_build/\n*.mo\n")
    repo.write("index.md", index or "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("_data/cookies.yaml", COOKIES)
    repo.write("privacy.md", privacy_page("one year"))
    repo.commit("Initial\n\nPolicy-Change: First published.", date="2024-01-10T09:00:00+00:00")
    repo.write("privacy.md", privacy_page("two years"))
    repo.commit("Retention\n\nPolicy-Change: Two years now.", date="2024-03-05T12:00:00+01:00")
    return repo


def manifest(app) -> dict:
    data = json.loads((Path(app.outdir) / "policy-versions.json").read_text("utf-8"))
    jsonschema.validate(data, load_schema(), format_checker=jsonschema.FormatChecker())
    return data


def document(data: dict, docname: str) -> dict:
    return next(d for d in data["documents"] if d["docname"] == docname)


# -- 1. the root page `index` as a policy page -------------------------------------------


@pytest.mark.parametrize("buildername", ["dirhtml", "html"])
@pytest.mark.parametrize("how", ["policy_pages", "front matter"])
def test_root_page_as_policy_page(tmp_path: Path, build, buildername: str, how: str) -> None:
    home = "# Home\n\nWe are Acme.\n\n```{toctree}\nprivacy\n```\n"
    if how == "front matter":
        conf, index = CONF, "---\npolicy: true\n---\n" + home
    else:
        conf, index = CONF + 'policy_pages = ["index", "privacy"]\n', home
    repo = site(GitRepo(tmp_path / "site"), conf, index)
    app = build(repo, buildername)
    assert_no_traceback(app)
    data = manifest(app)
    root = document(data, "index")
    expected = "https://policies.example.org/" + ("" if buildername == "dirhtml" else "index.html")
    assert root["url"] == expected
    assert root["revisions"] and root["revisions"][0]["archive_url"].startswith(
        "https://policies.example.org/index/versions/")
    assert (Path(app.outdir) / "policy-changes.atom").is_file()


def test_root_page_without_base_url_is_the_output_root(tmp_path: Path, build) -> None:
    conf = CONF.replace('html_baseurl = "https://policies.example.org/"', "")
    conf += 'policy_pages = ["index", "privacy"]\n'
    repo = site(GitRepo(tmp_path / "site"), conf)
    app = build(repo, "dirhtml")
    assert_no_traceback(app)
    data = manifest(app)
    assert data["base_url"] is None
    assert document(data, "index")["url"] == "./"
    assert document(data, "privacy")["url"] == "privacy/"


# -- 2. a glob pattern pathlib refuses ---------------------------------------------------


def test_data_pattern_with_double_star_inside_a_name(tmp_path: Path, build) -> None:
    repo = site(GitRepo(tmp_path / "site"),
                CONF.replace('["_data/*.yaml"]', '["_data/**.yaml", "_data/**/*.yaml"]'))
    app = build(repo)
    assert_no_traceback(app)
    [message] = [w for w in policy_warnings(app) if "**.yaml" in w]
    assert "[policy.file]" in message
    assert "'_data/**.yaml'" in message and "whole path component" in message
    assert "'_data/**/*.yaml'" in message  # what is accepted
    # the valid pattern next to it still gives the data: the cookie table is filled
    html = (Path(app.outdir) / "privacy.html").read_text("utf-8")
    assert "session" in BeautifulSoup(html, "html.parser").find(
        "table", class_="policy-cookie-table").get_text()


# -- 3. SHA-256 repositories -------------------------------------------------------------


def test_sha256_repository(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "site", init=False)
    repo.run("init", "-q", "-b", "main", "--object-format=sha256")
    site(repo)
    app = build(repo)
    assert_no_traceback(app)
    revisions = document(manifest(app), "privacy")["revisions"]
    assert [r["commit"] for r in revisions] == repo.run(
        "rev-list", "--first-parent", "HEAD").split()
    assert all(len(r["commit"]) == 64 for r in revisions)


# -- 4. html_baseurl that is not an absolute URL -----------------------------------------


def test_relative_html_baseurl(tmp_path: Path, build) -> None:
    repo = site(GitRepo(tmp_path / "site"),
                CONF.replace("https://policies.example.org/", "example.org/docs/"))
    app = build(repo)
    assert_no_traceback(app)
    [message] = [w for w in policy_warnings(app) if "html_baseurl" in w]
    assert "[policy.config]" in message
    assert "'example.org/docs/' is not an absolute http(s) URL" in message
    assert not (Path(app.outdir) / "policy-changes.atom").exists()
    data = manifest(app)
    assert data["base_url"] is None
    assert document(data, "privacy")["url"] == "privacy.html"
    html = (Path(app.outdir) / "privacy.html").read_text("utf-8")
    assert "application/atom+xml" not in html


# -- 5. a translation catalog committed with a date out of range -------------------------


TRANSLATED_CONF = CONF + 'language = "de"\nlocale_dirs = ["locale/"]\ngettext_compact = False\n'
PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Privacy notice"
msgstr "{title}"
"""


def test_translation_catalog_with_date_out_of_range(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "site")
    repo.write("locale/de/LC_MESSAGES/privacy.po", PO.format(title="Datenschutz"))
    site(repo, TRANSLATED_CONF)
    repo.write("locale/de/LC_MESSAGES/privacy.po", PO.format(title="Datenschutzhinweis"))
    bad = repo.commit("Translation", date="@253402300800 +0000")  # year 10000
    repo.write("privacy.md", privacy_page("three years"))
    repo.commit("Retention again", date="2024-06-01T10:00:00+00:00")
    app = build(repo)
    assert_no_traceback(app)
    find_warning(app, str(repo.path / "privacy.md"), "git",
                 f"the newest commit of locale/de/LC_MESSAGES/privacy.po ({bad[:12]}) has no "
                 "date that can be shown")
    assert "[policy.translation]" not in warnings(app)


# -- 6. a time zone whose offset has seconds ---------------------------------------------


def test_timezone_offset_with_seconds(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF + 'policy_timezone = "Africa/Monrovia"\n')
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("_data/cookies.yaml", COOKIES)
    repo.write("privacy.md", privacy_page("one year"))
    repo.commit("Initial\n\nPolicy-Change: First.", date="1971-06-01T10:00:00+00:00")
    app = build(repo)
    assert_no_traceback(app)
    data = manifest(app)
    privacy = document(data, "privacy")
    # Monrovia was at -00:44:30 then: not an RFC 3339 offset, so the instant is in UTC
    assert privacy["last_updated"] == "1971-06-01T10:00:00+00:00"
    assert privacy["revisions"][0]["date"] == "1971-06-01T10:00:00+00:00"
    soup = BeautifulSoup((Path(app.outdir) / "privacy.html").read_text("utf-8"), "html.parser")
    stamps = [t["datetime"] for t in soup.find_all("time")]
    stamps += [m["content"] for m in soup.find_all("meta", property="article:modified_time")]
    assert stamps and all(RFC3339.fullmatch(s) for s in stamps), stamps
    assert (Path(app.outdir) / "policy-changes.atom").is_file()
