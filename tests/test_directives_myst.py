"""The directives and the role written in MyST Markdown (backtick and colon fences),
checked in the HTML a reader gets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from policy_testing import (
    assert_no_traceback,
    block,
    build_site,
    by_name,
    caption,
    column,
    headers,
    main,
    only_table,
    rows,
    soup_of,
    tables,
    text,
    warnings,
    write_files,
)
from sphinx.testing.util import SphinxTestApp

pytestmark = pytest.mark.sphinx("html", testroot="myst")

Page = Callable[[str], BeautifulSoup]

ALL_COOKIES = ["sessionid", "csrftoken", "_ga", "_ga_*", "theme", "_fbp", "cookie_consent"]


@pytest.fixture
def page(app: SphinxTestApp) -> Page:
    """Build (incrementally: the first test of the session builds everything) and
    return a reader of the built pages."""
    app.build()
    return lambda docname: soup_of(app, docname)


@pytest.mark.sphinx("html", testroot="myst", freshenv=True)
def test_valid_project_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert app.statuscode == 0
    assert warnings(app) == ""
    assert_no_traceback(app)


# -- cookie-table ---------------------------------------------------------------------------


def test_cookie_table_default_columns_and_rows(page: Page) -> None:
    table = only_table(block(page("cookies"), "t-all"))
    assert caption(table) == "All cookies"
    assert headers(table) == ["Name", "Provider", "Purpose", "Category", "Expiry", "Type"]
    assert column(table, "Name") == ALL_COOKIES
    assert rows(table)[0] == [
        "sessionid",
        "Example",
        "Keeps you signed in.",
        "Strictly necessary",
        "Session",
        "HTTP cookie",
    ]
    # Category aliases are shown under their canonical label.
    assert by_name(table, "Category") == {
        "sessionid": "Strictly necessary",  # essential
        "csrftoken": "Strictly necessary",
        "_ga": "Statistics",  # analytics
        "_ga_*": "Statistics",
        "theme": "Preferences",  # functional
        "_fbp": "Marketing",  # advertising
        "cookie_consent": "Strictly necessary",
    }
    assert by_name(table, "Type")["theme"] == "Local storage"
    # Names are code, so "_ga_*" is shown as written.
    assert table.select_one("tbody td code").get_text() == "sessionid"


def test_cookie_table_provider_links(page: Page) -> None:
    table = only_table(block(page("cookies"), "t-all"))
    provider = {text(tr.find_all("td")[0]): tr.find_all("td")[1] for tr in table.select("tbody tr")}
    # A recipient id links to the recipient's privacy policy.
    assert text(provider["_ga"]) == "Google LLC"
    assert provider["_ga"].a["href"] == "https://policies.google.com/privacy"
    # A free-text provider links to its provider_url.
    assert provider["_fbp"].a["href"] == "https://www.facebook.com/privacy/policy/"
    # first-party is the organisation's short name, not a link.
    assert text(provider["sessionid"]) == "Example"
    assert provider["sessionid"].a is None


def test_durations_are_written_for_people(page: Page) -> None:
    expiry = by_name(only_table(block(page("cookies"), "t-all")), "Expiry")
    assert expiry == {
        "sessionid": "Session",
        "csrftoken": "1 year",
        "_ga": "2 years",  # P2Y
        "_ga_*": "30 minutes",  # PT30M
        "theme": "Persistent",
        "_fbp": "1 year and 6 months",  # P1Y6M
        "cookie_consent": "Until you clear your browser data",  # free text is kept
    }
    more = by_name(only_table(block(page("durations"), "t-durations")), "Expiry")
    assert more == {
        "d_week": "1 week",
        "d_day_and_hours": "1 day and 12 hours",
        "d_three_parts": "1 year, 2 months and 3 days",
        "d_hour": "1 hour",
        "d_seconds": "45 seconds",
        "d_browser_session": "Session",
        "d_lowercase": "2 years",
    }


@pytest.mark.parametrize(
    ("cls", "names"),
    [
        ("t-category", ["_ga", "_ga_*"]),  # :category: analytics (an alias of statistics)
        ("t-provider", ["_ga", "_ga_*"]),  # :provider: google
        ("t-storage", ["theme"]),  # :storage: localStorage
        ("t-party", ["_ga", "_ga_*", "_fbp"]),  # :party: third
    ],
)
def test_cookie_table_filters(page: Page, cls: str, names: list[str]) -> None:
    assert column(only_table(block(page("cookies"), cls)), "Name") == names


def test_cookie_table_provider_by_name_or_id(page: Page) -> None:
    # :provider: accepts the recipient's name, a provider's name and "first party".
    table = only_table(block(page("cookies"), "t-provider-names"))
    assert by_name(table, "Provider") == {
        "sessionid": "Example", "csrftoken": "Example", "_ga": "Google LLC",
        "_ga_*": "Google LLC", "theme": "Example", "_fbp": "Meta Platforms",
        "cookie_consent": "Example",
    }


def test_cookie_table_filter_by_category_shows_canonical_label(page: Page) -> None:
    table = only_table(block(page("cookies"), "t-category"))
    assert set(column(table, "Category")) == {"Statistics"}


def test_cookie_table_columns_in_the_order_given(page: Page) -> None:
    table = only_table(block(page("cookies"), "t-columns"))
    assert headers(table) == ["Expiry", "Name", "Purpose"]
    assert rows(table)[2] == ["2 years", "_ga", "Distinguishes visitors for statistics."]


def test_cookie_table_group_by_category(page: Page) -> None:
    grouped = tables(block(page("cookies"), "t-grouped"))
    # One captioned table per category present, in the canonical order (not data order).
    assert [caption(t) for t in grouped] == [
        "Strictly necessary",
        "Preferences",
        "Statistics",
        "Marketing",
    ]
    assert [column(t, "Name") for t in grouped] == [
        ["sessionid", "csrftoken", "cookie_consent"],
        ["theme"],
        ["_ga", "_ga_*"],
        ["_fbp"],
    ]
    # The category is in the caption, so it is not repeated as a column.
    assert all("Category" not in headers(t) for t in grouped)


def test_cookie_table_group_by_provider(page: Page) -> None:
    grouped = tables(block(page("cookies"), "t-group-provider"))
    # In the order providers first appear; the caption is prefixed with the argument.
    assert [caption(t) for t in grouped] == [
        "By provider: Example", "By provider: Google LLC", "By provider: Meta Platforms",
    ]
    assert [column(t, "Name") for t in grouped] == [
        ["sessionid", "csrftoken", "theme", "cookie_consent"], ["_ga", "_ga_*"], ["_fbp"],
    ]


def test_cookie_table_sort_by_name(page: Page) -> None:
    table = only_table(block(page("cookies"), "t-sorted"))
    assert column(table, "Name") == sorted(ALL_COOKIES, key=str.lower)


def test_cookie_table_inline_body_is_a_bare_yaml_list(page: Page) -> None:
    table = only_table(block(page("inline"), "t-inline"))
    assert headers(table) == ["Name", "Purpose", "Expiry"]
    assert rows(table)[-1] == ["inline_cookie", "Declared in the directive body.", "30 days"]
    # The body adds to the project data.
    assert column(table, "Name") == [*ALL_COOKIES, "inline_cookie"]


def test_cookie_table_file_is_relative_to_the_document(page: Page) -> None:
    table = only_table(block(page("legal/page"), "t-file"))
    # legal/extra-cookies.yaml adds file_cookie (targeting = marketing) to the project's _fbp.
    assert rows(table) == [["_fbp", "1 year and 6 months"], ["file_cookie", "90 days"]]
    # A leading "/" means the documentation folder.
    table = only_table(block(page("legal/page"), "t-abs"))
    assert column(table, "Name") == ["_fbp", "file_cookie"]


# -- colon fences -----------------------------------------------------------------------------


def test_colon_fence_directives(page: Page) -> None:
    soup = page("colon")
    cookies = only_table(block(soup, "c-cookies"))
    assert column(cookies, "Name") == ["_ga", "_ga_*"]
    processing = only_table(block(soup, "c-processing"))
    assert column(processing, "Information") == ["Name Email address"]
    rights = block(soup, "c-rights")
    assert "Right of access (s23 POPIA)." in text(rights)
    assert rights.find("address") is not None
    contact = block(soup, "c-contact")
    assert text(contact.address.find(class_="policy-contact-name")) == "Example Widgets (Pty) Ltd"


# -- processing-table --------------------------------------------------------------------------


def test_processing_table(page: Page) -> None:
    table = only_table(block(page("processing"), "t-processing"))
    assert caption(table) == "What we process"
    assert headers(table) == ["Activity", "Information", "Lawful basis", "Retention", "Recipients"]
    account, analytics = table.select("tbody > tr")
    cells = account.find_all("td", recursive=False)
    assert [text(li) for li in cells[1].find_all("li")] == ["Name", "Email address"]
    # One basis for every jurisdiction: cited under each law.
    assert text(cells[2]) == "Performance of a contract (Art. 6(1)(b) GDPR; s11(1)(b) POPIA)"
    assert text(cells[3]) == "7 years"
    assert [(a.get_text(), a["href"]) for a in cells[4].find_all("a")] == [
        ("Stripe, Inc.", "https://stripe.com/"),
    ]
    cells = analytics.find_all("td", recursive=False)
    # A basis per law, each with its own citation.
    assert [text(li) for li in cells[2].find_all("li")] == [
        "Consent (Art. 6(1)(a) GDPR)",
        "Legitimate interests (s11(1)(f) POPIA)",
        "Legitimate interest: Understanding how the site is used",
    ]
    assert [(a.get_text(), a["href"]) for a in cells[4].find_all("a")] == [
        ("Google LLC", "https://policies.google.com/privacy"),
        ("Stripe, Inc.", "https://stripe.com/"),
    ]


def test_processing_table_activities_option(page: Page) -> None:
    table = only_table(block(page("processing"), "t-activities"))
    assert headers(table) == ["Activity", "Why"]
    assert rows(table) == [["Website analytics", "To improve the site"]]


def test_processing_table_law_option_takes_an_alias(page: Page) -> None:
    table = only_table(block(page("processing"), "t-law"))
    assert rows(table) == [
        ["Customer accounts", "Performance of a contract (s11(1)(b) POPIA)"],
        ["Website analytics",
         "Legitimate interests (s11(1)(f) POPIA) "
         "Legitimate interest: Understanding how the site is used"],
    ]


# -- rights ------------------------------------------------------------------------------------


def rights_items(tag: BeautifulSoup) -> list[str]:
    return [text(li) for li in tag.select("ul.policy-rights > li")]


def test_rights_for_every_jurisdiction(page: Page) -> None:
    rights = block(page("rights"), "r-default")
    assert [text(r) for r in rights.select("p.rubric")] == [
        "Under the GDPR (European Union and EEA)",
        "Under the POPIA (South Africa)",
    ]
    gdpr, popia = rights.select("ul.policy-rights")
    assert "Right to erasure (Art. 17 GDPR)." in " ".join(rights_items(gdpr))
    assert "Right of access (s23 POPIA)." in " ".join(rights_items(popia))
    citations = [c.get_text() for c in gdpr.select(".policy-citation")]
    assert "Art. 15 GDPR" in citations
    assert "Art. 77 GDPR" not in citations  # the complaint comes after the list


def test_rights_description_override_from_data(page: Page) -> None:
    rights = block(page("rights"), "r-default")
    gdpr, popia = rights.select("ul.policy-rights")
    access = next(item for item in rights_items(gdpr) if item.startswith("Right of access"))
    assert access == (
        "Right of access (Art. 15 GDPR). "
        "Ask us for a copy of everything we hold about you, free of charge."
    )
    # The override is for the GDPR only.
    popia_access = next(i for i in rights_items(popia) if i.startswith("Right of access"))
    assert "free of charge, to confirm" in popia_access


def test_rights_complaint_with_authority_contact(page: Page) -> None:
    rights = block(page("rights"), "r-default")
    body = text(rights)
    assert (
        "You have the right to complain to the data protection authority of your EU/EEA "
        "member state (Art. 77 GDPR)."
    ) in body
    assert (
        "You have the right to complain to the Information Regulator (South Africa) (s74 POPIA)."
        in body
    )
    addresses = rights.find_all("address")
    assert len(addresses) == 2
    regulator = addresses[1]
    links = {a.get_text(): a["href"] for a in regulator.find_all("a")}
    assert unquote(links["POPIAComplaints@inforegulator.org.za"]) == (
        "mailto:POPIAComplaints@inforegulator.org.za"
    )
    # The authority override in the data (a phone number) is shown with the catalog's facts.
    assert links["+27 10 023 5200"] == "tel:+27100235200"


def test_rights_exercise_email_and_response_time(page: Page) -> None:
    rights = block(page("rights"), "r-default")
    exercise = next(
        p
        for p in rights.find_all("p", recursive=False)
        if text(p).startswith("To exercise these rights")
    )
    assert text(exercise) == "To exercise these rights, contact us: rights@example.org."
    assert unquote(exercise.a["href"]) == "mailto:rights@example.org"
    assert "We respond within one month." in text(rights)


def test_rights_law_alias(page: Page) -> None:
    rights = block(page("rights"), "r-za")
    assert rights.select("p.rubric") == []  # one law: no heading
    items = rights_items(rights)
    assert items[0].startswith("Right to be notified of collection (s18 POPIA).")
    assert all("GDPR" not in item for item in items)
    assert "Information Regulator (South Africa)" in text(rights.address)


def test_rights_only(page: Page) -> None:
    rights = block(page("rights"), "r-only")
    assert [i.split(" (")[0] for i in rights_items(rights)] == [
        "Right of access",
        "Right to erasure",
    ]
    assert rights.find("address") is None  # :no-complaint:
    assert "right to complain" not in text(rights)


def test_rights_exclude(page: Page) -> None:
    titles = [i.split(" (")[0] for i in rights_items(block(page("rights"), "r-exclude"))]
    assert "Right of access" not in titles
    assert "Right to erasure" in titles
    assert len(titles) == 11  # 13 GDPR rights, minus access, minus the complaint shown below


def test_rights_flags(page: Page) -> None:
    rights = block(page("rights"), "r-flags")
    assert rights.select("p.rubric") == []  # :no-headings:
    assert rights.select(".policy-citation") == []  # :no-citations:
    assert "To exercise" not in text(rights)  # :no-exercise:
    items = rights_items(rights)
    assert "Right of access. Ask us for a copy of everything we hold about you" in " ".join(items)
    assert len(rights.select("ul.policy-rights")) == 2  # still both laws


def test_rights_no_complaint_lists_the_complaint_right(page: Page) -> None:
    rights = block(page("rights"), "r-no-complaint")
    assert [i.split(" (")[0] for i in rights_items(rights)] == [
        "Right of access", "Right to lodge a complaint with a supervisory authority",
    ]
    assert rights.find("address") is None


# -- contact -----------------------------------------------------------------------------------


def contact_links(tag: BeautifulSoup) -> dict[str, str]:
    return {a.get_text(): unquote(a["href"]) for a in tag.find_all("a")}


def address_lines(tag: BeautifulSoup) -> list[str]:
    return [text(line) for line in tag.select(".policy-contact-address .line")]


def test_contact_blocks_are_address_elements(page: Page) -> None:
    soup = page("contact")
    body = main(soup)
    addresses = body.find_all("address")
    assert len(addresses) == 9
    # <address> must not contain another <address>.
    assert all(a.find("address") is None for a in addresses)
    assert all("policy-contact" in a["class"] for a in addresses)


def test_contact_organisation(page: Page) -> None:
    org = block(page("contact"), "k-org").address
    assert text(org.find(class_="policy-contact-name")) == "Example Widgets (Pty) Ltd"
    assert "Trading as Example Widgets" in text(org)
    assert address_lines(org) == ["1 Main Road", "Cape Town 8001", "South Africa"]
    assert contact_links(org) == {
        "privacy@example.org": "mailto:privacy@example.org",
        "+27 21 555 0100": "tel:+27215550100",
        "https://example.org/": "https://example.org/",
    }
    assert "Registration: CIPC 2020/123456/07" in text(org)


def test_contact_office(page: Page) -> None:
    office = block(page("contact"), "k-office").address
    assert text(office.find(class_="policy-contact-name")) == "Example Widgets UK Ltd"
    assert address_lines(office) == ["10 Fleet Lane", "London EC4M 7AA", "United Kingdom"]
    assert contact_links(office) == {
        "uk@example.org": "mailto:uk@example.org",
        "+44 20 7946 0000": "tel:+442079460000",
    }


@pytest.mark.parametrize("cls", ["k-officer-role", "k-officer-id"])
def test_contact_officer_by_role_or_id(page: Page, cls: str) -> None:
    officer = block(page("contact"), cls).address
    assert text(officer.find(class_="policy-contact-name")) == "Thandi Mokoena"
    assert text(officer.find(class_="policy-contact-role")) == "Information Officer"
    assert contact_links(officer) == {
        "io@example.org": "mailto:io@example.org",
        "+27 21 555 0101": "tel:+27215550101",
    }


def test_contact_fields_option(page: Page) -> None:
    officer = block(page("contact"), "k-fields").address
    # "name" is the name only (the organisation is a field of its own); no role, phone
    # or address.
    assert text(officer) == "Thandi Mokoena Email: io@example.org"
    assert contact_links(officer) == {"io@example.org": "mailto:io@example.org"}


def test_contact_office_alone_is_the_first_office(page: Page) -> None:
    office = block(page("contact"), "k-first-office").address
    assert text(office.find(class_="policy-contact-name")) == "Example Widgets UK Ltd"


def test_contact_officer_role_shortcut_uses_office_address(page: Page) -> None:
    dpo = block(page("contact"), "k-dpo").address
    assert text(dpo.find(class_="policy-contact-name")) == "Jane Smith"
    assert text(dpo.find(class_="policy-contact-role")) == "Data Protection Officer"
    assert address_lines(dpo) == ["10 Fleet Lane", "London EC4M 7AA", "United Kingdom"]


def test_contact_authority_by_law_with_override(page: Page) -> None:
    authority = block(page("contact"), "k-authority-law").address
    assert (
        text(authority.find(class_="policy-contact-name")) == "Information Regulator (South Africa)"
    )
    links = contact_links(authority)
    assert links["+27 10 023 5200"] == "tel:+27100235200"
    assert links["POPIAComplaints@inforegulator.org.za"] == (
        "mailto:POPIAComplaints@inforegulator.org.za"
    )


def test_contact_authority_by_id(page: Page) -> None:
    authority = block(page("contact"), "k-authority-id").address
    assert text(authority.find(class_="policy-contact-name")) == "Information Commissioner's Office"
    assert address_lines(authority)[:2] == ["Wycliffe House", "Water Lane"]
    assert contact_links(authority)["https://ico.org.uk/make-a-complaint/"] == (
        "https://ico.org.uk/make-a-complaint/"
    )


# -- the {policy} role --------------------------------------------------------------------------


def test_policy_role(page: Page) -> None:
    paragraphs = [p for p in main(page("facts")).find_all("p")]
    assert [text(p) for p in paragraphs] == [
        "Legal name: Example Widgets (Pty) Ltd.",
        "Registered: 2020/123456/07.",
        "Write to our information officer at io@example.org.",
        "Call +27 21 555 0100.",
        "We answer within one month.",
        "Also known as Example; we answer within one month.",
    ]
    assert all(p.find(class_="policy-fact") for p in paragraphs)
    assert unquote(paragraphs[2].a["href"]) == "mailto:io@example.org"
    assert paragraphs[3].a["href"] == "tel:+27215550100"
    assert paragraphs[0].a is None


# -- HTML semantics -----------------------------------------------------------------------------


def test_header_cells_have_column_scope(page: Page) -> None:
    for docname in ("cookies", "processing", "inline", "legal/page", "colon"):
        header_cells = main(page(docname)).select("table.policy-table thead th")
        assert header_cells
        assert all(th.get("scope") == "col" for th in header_cells), docname


def test_stylesheet_is_copied_and_linked(app: SphinxTestApp, page: Page) -> None:
    css = app.outdir / "_static" / "sphinx-policy.css"
    assert css.is_file()
    assert ".policy-table" in css.read_text("utf-8")
    hrefs = [
        link["href"].split("?")[0] for link in page("cookies").select('link[rel="stylesheet"]')
    ]
    assert "_static/sphinx-policy.css" in hrefs
    # Relative to pages in sub-folders too.
    hrefs = [
        link["href"].split("?")[0] for link in page("legal/page").select('link[rel="stylesheet"]')
    ]
    assert "../_static/sphinx-policy.css" in hrefs
    # The project's configuration stays as written (a changed one re-reads every page).
    assert not any("sphinx_policy" in str(path) for path in app.config.html_static_path)


def test_empty_cells_are_marked_so_stacked_rows_skip_them(tmp_path: Path) -> None:
    """A cookie without an expiry: its cell keeps its column's label for screen readers
    but is marked empty, so a stacked row (a phone) shows no label without a value."""
    srcdir = write_files(tmp_path / "site", {
        "conf.py": 'extensions = ["myst_parser", "sphinx_policy"]\npolicy_git = False\n'
                   'policy_data_files = ["cookies.yaml"]\n',
        "cookies.yaml": "cookies:\n  - name: sessionid\n    provider: Example\n"
                        "    purpose: Keeps you signed in.\n    category: necessary\n"
                        "  - name: prefs\n    provider: Example\n    purpose: Remembers choices.\n"
                        "    category: preferences\n    expiry: 1 year\n",
        "index.md": "# Cookies\n\n```{cookie-table}\n:columns: name, purpose, expiry\n```\n",
    })
    app = build_site(srcdir)
    table = only_table(soup_of(app, "index"))
    cells = {tr.select("td")[0].get_text(strip=True): tr.select("td")[2]
             for tr in table.select("tbody tr")}
    assert cells["sessionid"].has_attr("data-empty")
    assert cells["sessionid"]["data-label"] == "Expiry"
    assert not cells["prefs"].has_attr("data-empty")
