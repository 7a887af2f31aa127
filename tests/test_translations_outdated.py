"""A translated page older than its original: a notice on the page and a warning."""

from __future__ import annotations

import pytest
from gitrepo import GitRepo, pin_git_environment
from policy_testing import soup_of, text, warnings

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build"]
language = "de"
locale_dirs = ["locale/"]
gettext_compact = False
"""
PAGE = "# Privacy\n\nWe use cookies{extra}.\n\n```{{cookie-table}}\n```\n"
PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Privacy"
msgstr "Datenschutz"

msgid "We use cookies{extra}."
msgstr "Wir verwenden Cookies{extra}."
"""
COOKIES = "cookies:\n  - {{name: a, category: necessary, purpose: Zweck., expiry: {expiry}}}\n"
NOTICE = "policy-translation-outdated"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    repo = GitRepo(tmp_path / "site")
    pin_git_environment(monkeypatch, repo.env)
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n*.mo\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("_data/cookies.yaml", COOKIES.format(expiry="P1Y"))
    repo.write("privacy.md", PAGE.format(extra=""))
    repo.write("locale/de/LC_MESSAGES/privacy.po", PO.format(extra=""))
    repo.commit("Privacy page and its translation", date="2024-01-10T09:00:00+00:00")
    return repo


def test_translation_as_new_as_its_original_has_no_notice(repo, build):
    app = build(repo, freshenv=True)
    assert warnings(app) == ""
    page = soup_of(app, "privacy")
    assert page.find(class_=NOTICE) is None
    assert "Datenschutz" in text(page.find("h1"))


def test_newer_original_gives_a_notice_and_a_warning(repo, build):
    repo.write("privacy.md", PAGE.format(extra=" and local storage"))
    repo.commit("Mention local storage", date="2025-03-02T12:00:00+00:00")
    app = build(repo, freshenv=True)
    log = warnings(app)
    assert "[policy.translation]" in log
    assert ("the de translation of privacy is older than its original: "
            "locale/de/LC_MESSAGES/privacy.po last changed on 2024-01-10, the page (or the "
            "data it shows) on 2025-03-02") in log
    assert log.count("[policy.translation]") == 1
    page = soup_of(app, "privacy")
    notice = page.find(class_=NOTICE)
    assert notice is not None
    # at the top of the page, right under its title, in the page's language
    assert notice.find_previous_sibling().name == "h1"
    assert text(notice) == (
        "Diese Übersetzung ist älter als das Original, das zuletzt am 2. März 2025 geändert "
        "wurde (Übersetzung: 10. Januar 2024). Wo sie voneinander abweichen, gilt das "
        "Original.")
    assert soup_of(app, "index").find(class_=NOTICE) is None  # no catalog, no notice


def test_a_data_change_outdates_the_translation_too(repo, build):
    repo.write("_data/cookies.yaml", COOKIES.format(expiry="P2Y"))
    repo.commit("Longer expiry", date="2025-05-05T12:00:00+00:00")
    app = build(repo, freshenv=True)
    assert "[policy.translation]" in warnings(app)
    assert soup_of(app, "privacy").find(class_=NOTICE) is not None


def test_updated_translation_clears_the_notice(repo, build):
    repo.write("privacy.md", PAGE.format(extra=" and local storage"))
    repo.commit("Mention local storage", date="2025-03-02T12:00:00+00:00")
    repo.write("locale/de/LC_MESSAGES/privacy.po", PO.format(extra=" and local storage"))
    repo.commit("Update the German translation", date="2025-03-03T12:00:00+00:00")
    app = build(repo, freshenv=True)
    assert "[policy.translation]" not in warnings(app)
    page = soup_of(app, "privacy")
    assert page.find(class_=NOTICE) is None
    assert "Wir verwenden Cookies and local storage." in text(page)


def test_uncommitted_translation_is_not_judged(repo, build):
    repo.write("privacy.md", PAGE.format(extra=" and local storage"))
    repo.commit("Mention local storage", date="2025-03-02T12:00:00+00:00")
    repo.write("locale/de/LC_MESSAGES/privacy.po", PO.format(extra=" and local storage"))
    app = build(repo, freshenv=True)  # the translator is at work: nothing to compare yet
    assert "[policy.translation]" not in warnings(app)


def test_incremental_build_follows_the_state(repo, build, make_app):
    app = build(repo, freshenv=True)
    assert soup_of(app, "privacy").find(class_=NOTICE) is None
    repo.write("privacy.md", PAGE.format(extra=" and local storage"))
    repo.commit("Mention local storage", date="2025-03-02T12:00:00+00:00")
    again = make_app("html", srcdir=repo.path)
    again.build()
    assert soup_of(again, "privacy").find(class_=NOTICE) is not None


def test_english_build_and_suppression(repo, build):
    repo.write("privacy.md", PAGE.format(extra=" and local storage"))
    repo.commit("Mention local storage", date="2025-03-02T12:00:00+00:00")
    app = build(repo, freshenv=True, confoverrides={"language": "en"})
    assert "[policy.translation]" not in warnings(app)  # no English catalog: original
    suppressed = build(repo, freshenv=True,
                       confoverrides={"suppress_warnings": ["policy.translation"]})
    assert "[policy.translation]" not in warnings(suppressed)
    assert soup_of(suppressed, "privacy").find(class_=NOTICE) is not None
