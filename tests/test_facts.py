"""Every fact of a policy from data (issue 14): the ``{policy}`` role formats and reaches
what the directives show, the rights and contact blocks keep every fact, and the data
model's newer sections render and are checked. Real builds, read as a reader sees them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo
from policy_testing import (
    assert_no_traceback,
    block,
    main,
    soup_of,
    text,
    warnings,
)
from sphinx.testing.util import SphinxTestApp

Page = Callable[[str], BeautifulSoup]

pytestmark = pytest.mark.sphinx("html", testroot="facts")


@pytest.fixture
def page(app: SphinxTestApp) -> Page:
    app.build()
    return lambda docname: soup_of(app, docname)


def items(soup: BeautifulSoup) -> dict[str, str]:
    """``{label: value}`` of the page's "- Label: value." list."""
    result = {}
    for li in main(soup).select("li"):
        label, _, value = text(li).partition(": ")
        result[label] = value.rstrip(".")
    return result


@pytest.mark.sphinx("html", testroot="facts", freshenv=True)
def test_facts_root_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert warnings(app) == ""
    assert_no_traceback(app)


# -- fault 2 and 3: the role formats as the directives do, and reaches cookies and catalogs


def test_role_formats_durations_dates_and_addresses(page: Page) -> None:
    facts = items(page("role"))
    assert facts["Retention"] == "7 years"
    assert facts["Expiry"] == "8 hours"
    assert facts["Expiry of theme"] == "1 year and 6 months"
    assert facts["Address"] == "5 Example Road, Durban 4001, South Africa"
    assert facts["Checked"] == "November 24, 2026"


def test_role_reaches_cookies_by_name_and_the_catalogs(page: Page) -> None:
    facts = items(page("role"))
    assert facts["Purpose"] == "Remembers the colour scheme"
    assert facts["Authority"] == "Information Regulator (South Africa)"
    assert facts["Short"] == "Information Regulator"
    assert facts["Law"] == "POPIA"
    assert facts["Citation"] == "s23 POPIA"


@pytest.mark.sphinx("html", testroot="facts", freshenv=True,
                    confoverrides={"language": "de"})
def test_role_formats_in_the_build_language(app: SphinxTestApp) -> None:
    app.build()
    facts = items(soup_of(app, "role"))
    assert facts["Retention"] == "7 Jahre"
    assert facts["Expiry of theme"] == "1 Jahr und 6 Monate"
    assert facts["Checked"] == "24. November 2026"
    assert facts["Authority"] != "Information Regulator (South Africa)"  # translated name


@pytest.mark.sphinx("html", testroot="facts", freshenv=True)
def test_role_names_the_cookies_when_one_is_missing(app: SphinxTestApp) -> None:
    (Path(app.srcdir) / "role.md").write_text("# Role\n\nExpiry: {policy}`cookies._gaa.expiry`.\n")
    app.build()
    warning = warnings(app)
    assert "role.md:3: WARNING: {policy}`cookies._gaa.expiry` is not defined in the data" in warning
    assert "Available here: connect.sid, theme [policy.reference]" in warning
    assert "None" not in warning


# -- fault 1 and 5: the rights block ----------------------------------------------------------


def test_rights_without_channel_still_give_response_time_and_note(page: Page) -> None:
    rights = text(block(page("rights"), "t-channelless"))
    assert "We respond within 5 business days." in rights
    assert "Tell us which right you wish to exercise and we will verify your identity first." \
        in rights
    assert "To exercise these rights, contact us" not in rights  # no channel to name


def test_rights_only_keeps_the_order_given(page: Page) -> None:
    titles = [text(s) for s in block(page("rights"), "t-channelless").select("li strong")]
    assert titles == ["Right to object", "Right of access"]


# -- fault 4: an office of a group company ----------------------------------------------------


def test_office_of_a_group_company_names_that_company(page: Page) -> None:
    soup = page("contact")
    named = block(soup, "t-office")
    assert text(named.select_one(".policy-contact-name")) == "Head office"
    assert text(named.select_one(".policy-contact-organisation")) == "Kaomi (Pty) Ltd"
    assert "Jessen" not in text(named)
    unnamed = block(soup, "t-office-unnamed")
    assert text(unnamed.select_one(".policy-contact-name")) == "Kaomi (Pty) Ltd"
    assert "Jessen" not in text(unnamed)


def test_contact_fields_can_leave_out_the_organisation(page: Page) -> None:
    chosen = block(page("contact"), "t-office-fields")
    assert chosen.select_one(".policy-contact-organisation") is None
    assert text(chosen.select_one(".policy-contact-name")) == "Head office"


# -- fault 6: a changelog of editorial revisions only ---------------------------------------


def test_changelog_with_only_editorial_revisions_says_so(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", 'extensions = ["myst_parser", "sphinx_policy"]\n'
                          'exclude_patterns = ["_build"]\n')
    repo.write(".gitignore", "_build/\n")
    page = "---\npolicy: true\n---\n# Privacy\n\nWe keep {}.\n\n```{{policy-changelog}}\n```\n"
    repo.write("index.md", page.format("little"))
    repo.commit("Publish\n\nPolicy-Change-Type: editorial", date="2025-01-10T09:00:00+00:00")
    repo.write("index.md", page.format("very little"))
    repo.commit("Wording\n\nPolicy-Change: Clearer wording.\nPolicy-Change-Type: editorial",
                date="2025-02-10T09:00:00+00:00")
    app = build(repo)
    changelog = text(main(soup_of(app, "index")).select_one("p.policy-changelog"))
    assert changelog == ("Only editorial changes have been made (wording and presentation); "
                         "they are not listed.")
    assert "No changes have been recorded yet" not in changelog
