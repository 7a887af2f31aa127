"""Every fact of a policy from data (issue 14): the ``{policy}`` role formats and reaches
what the directives show, the rights and contact blocks keep every fact, and the data
model's newer sections render and are checked. Real builds, read as a reader sees them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from babel.dates import format_date
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

from sphinx_policy.catalogs import load_authorities

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
    # A date from the catalog, written as the directives write dates.
    checked = load_authorities()["inforegulator-za"].verified_on
    assert checked is not None
    assert facts["Checked"] == f"{checked:%B} {checked.day}, {checked.year}"


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
    checked = load_authorities()["inforegulator-za"].verified_on
    assert checked is not None
    assert facts["Checked"] == format_date(checked, "long", locale="de")
    assert facts["Authority"] != "Information Regulator (South Africa)"  # translated name
    # The built-in sentences and explanations are translated too; the data's are not.
    lists = soup_of(app, "lists")
    assert text(block(lists, "t-not-done").select_one("li")) == (
        "Wir verkaufen, vermieten oder handeln Ihre personenbezogenen Daten nicht.")
    assert text(block(lists, "t-kinds").select_one("dt")) == "Sitzungs-Cookies"
    assert text(block(lists, "t-org")) == "Jessen (Pty) Ltd Registereintrag: Eingetragen bei CIPC"


@pytest.mark.sphinx("html", testroot="facts", freshenv=True, srcdir="facts-role-missing")
def test_role_names_the_cookies_when_one_is_missing(app: SphinxTestApp) -> None:
    (Path(app.srcdir) / "role.md").write_text("# Role\n\nExpiry: {policy}`cookies._gaa.expiry`.\n")
    app.build()
    warning = warnings(app)
    assert "role.md:3: WARNING: {policy}`cookies._gaa.expiry` is not defined in the data" in warning
    assert ("Available here: csrftoken, share_prefs, connect.sid, theme [policy.reference]"
            in warning)
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


def test_officer_at_a_group_company_office_names_that_company(page: Page) -> None:
    dpo = block(page("contact"), "t-dpo")
    assert text(dpo.select_one(".policy-contact-name")) == "Lindiwe Example"
    assert text(dpo.select_one(".policy-contact-organisation")) == "Kaomi (Pty) Ltd"
    assert "5 Example Road" in text(dpo)  # the office's address


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


# -- the data model: commitments, data categories, kinds, recipients, references --------------


def test_not_done_renders_built_in_and_own_sentences(page: Page) -> None:
    soup = page("lists")
    statements = [text(li) for li in block(soup, "t-not-done").select("li")]
    assert statements == [
        "We do not sell, rent or trade your personal information.",
        "We do not collect special categories of personal information (such as health, "
        "religious or political data).",
        "We do not use Google Analytics, Facebook Pixel or any other tool that tracks you.",
    ]
    chosen = [text(li) for li in block(soup, "t-not-done-only").select("li")]
    assert chosen == [statements[2], statements[0]]  # the order given


def test_tables_state_what_is_not_done_next_to_what_is(page: Page) -> None:
    soup = page("lists")
    cookies = block(soup, "t-cookies-not-done")
    assert [text(li) for li in cookies.select("ul.policy-not-done li")] == [
        "We do not use Google Analytics, Facebook Pixel or any other tool that tracks you."]
    processing = block(soup, "t-processing-not-done")
    assert [text(li) for li in processing.select("ul.policy-not-done li")] == [
        "We do not sell, rent or trade your personal information.",
        "We do not collect special categories of personal information (such as health, "
        "religious or political data).",
    ]
    assert processing.select_one("table") is not None  # under the table


def test_data_categories_are_a_definition_list_and_named_by_activities(page: Page) -> None:
    soup = page("lists")
    categories = block(soup, "t-categories")
    terms = [text(dt) for dt in categories.select("dt")]
    assert terms == ["Identity data", "Contact data"]
    definitions = [text(dd) for dd in categories.select("dd")]
    assert definitions[0] == "Includes: first name, last name, title, date of birth."
    assert definitions[1] == ("Includes: billing address, email address, telephone numbers. "
                              "Used only to reach you about your order (see 5 business days).")
    table = block(soup, "t-orders").select_one("table")
    data_cell = [text(li) for li in table.select("tbody td")[0].select("li")]
    assert data_cell == ["Identity data", "Contact data", "Order history"]


def test_references_in_free_text_become_the_facts_they_name(page: Page) -> None:
    soup = page("lists")
    storage = block(soup, "t-orders").select("tbody td")[2]
    assert text(storage) == "Payments are handled by PayFast; Jessen keeps the invoice."
    assert storage.select_one("a")["href"] == "https://payfast.example/privacy"
    cookies = block(soup, "t-cookies")
    share = next(tr for tr in cookies.select("tbody tr") if "share_prefs" in text(tr))
    assert "Remembers your Facebook sharing choices." in text(share)
    assert share.select_one("a")["href"] == "https://www.facebook.example/about/privacy/"
    assert "{" not in text(main(soup))


def test_cookie_kinds_explain_what_the_cookies_use(page: Page) -> None:
    kinds = block(page("lists"), "t-kinds")
    assert [text(dt) for dt in kinds.select(".policy-kinds-list dt")] == [
        "Session cookies", "Persistent cookies", "First-party cookies", "Third-party cookies",
        "HTTP cookies", "Local storage", "Flash cookies (local shared objects)",
    ]  # no sessionStorage, IndexedDB or pixel: no cookie uses them; Flash was asked for
    assert [text(dt) for dt in kinds.select(".policy-categories-list dt")] == [
        "Strictly necessary", "Preferences"]
    assert "obsolete" in text(kinds)


def test_recipients_table_links_each_privacy_policy(page: Page) -> None:
    table = block(page("lists"), "t-recipients").select_one("table")
    rows = [[text(td) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert rows == [
        ["PayFast", "Processor", "Takes your payment; we never see your card details.",
         "South Africa", "https://payfast.example/privacy"],
        ["Facebook", "Independent controller", "The share button of Jessen's pages.", "",
         "https://www.facebook.example/about/privacy/"],
    ]
    links = {a["href"] for a in table.select("a")}
    assert links == {"https://payfast.example/privacy",
                     "https://www.facebook.example/about/privacy/"}


def test_recipients_default_columns_link_names_to_their_policies(page: Page) -> None:
    table = block(page("lists"), "t-recipients-default").select_one("table")
    assert text(table.select_one("caption")) == "Who receives data"
    assert [text(th) for th in table.select("thead th")] == [
        "Recipient", "Role", "Purpose", "Country"]
    names = {text(a): a["href"] for a in table.select("tbody a")}
    assert names == {"PayFast": "https://payfast.example/privacy",
                     "Facebook": "https://www.facebook.example/about/privacy/"}


def test_registration_without_a_number(page: Page) -> None:
    org = block(page("lists"), "t-org")
    assert text(org) == "Jessen (Pty) Ltd Registration: Registered with CIPC"


@pytest.mark.sphinx("html", testroot="facts", freshenv=True, srcdir="facts-bad")
def test_bad_references_and_contradicted_commitments_warn(app: SphinxTestApp) -> None:
    extra = Path(app.srcdir) / "data" / "bad.yaml"
    extra.write_text(
        "cookies:\n"
        "  - name: _ga\n"
        "    category: analytics\n"
        "    purpose: Counts visits for {recipent:payfast}.\n"
        "    expiry: P2Y\n"
        "not_done:\n"
        "  - practice: analytics\n"
        "processing:\n"
        "  - id: blog\n"
        "    data: Comments\n"
        "    categories: [identty]\n"
        "    storage: Shown to {recipient:payfats} and {data-category:contact}.\n"
        "registration: {}\n"
    )
    (Path(app.srcdir) / "bad.md").write_text(
        "# Bad\n\n:::{policy-data} data/bad.yaml\n:::\n\n"
        ":::{processing-table}\n:activities: blog\n:columns: data, storage\n:::\n")
    app.build()
    warning = warnings(app)
    bad = str(extra)
    assert (f"{bad}:4: WARNING: {{recipent:payfast}} is not a reference: 'recipent' is not a "
            "kind of fact; did you mean 'recipient'?") in warning
    assert (f"{bad}:12: WARNING: {{recipient:payfats}} names no recipient (under "
            "'recipients') 'payfats'; did you mean 'payfast'? Defined: facebook, payfast "
            "[policy.reference]") in warning
    assert "{data-category:contact}" not in warning  # a valid token
    assert (f"{bad}:7: WARNING: not_done says 'analytics', but the cookie '_ga' "
            "(data/bad.yaml:2) is in the 'statistics' category") in warning
    assert (f"{bad}:9: WARNING: processing activity 'blog' names the data category 'identty', "
            "which is not defined under 'data_categories'; did you mean 'identity'?") in warning
    assert "unknown key 'registration' in the top level" in warning
    assert_no_traceback(app)
    soup = soup_of(app, "bad")
    assert "Shown to {recipient:payfats} and Contact data." in text(main(soup))


# -- sphinx-policy check: the {policy} roles of the pages ------------------------------------

ROLES_PAGE = """\
# Roles

Valid: {policy}`legal-name`, {policy}`cookies.connect.sid.expiry`,
{policy}`laws.popia.short_name`.

Broken: {policy}`organisation.emial`.

Before the page data: {policy}`facts.page-only`.

:::{policy-data} data/page.yaml
:::

After it: {policy}`facts.page-only`. A list: {policy}`organisation.offices`.

Not roles: `{policy}` in code, ``{policy}`nothing.here` `` in a code span, and

```markdown
{policy}`nothing.there`
```
"""


@pytest.mark.sphinx("html", testroot="facts", freshenv=True, srcdir="facts-check")
def test_check_reports_the_roles_the_build_warns_about(
        app: SphinxTestApp, capsys: pytest.CaptureFixture[str]) -> None:
    from sphinx_policy.cli import main as cli

    src = Path(app.srcdir)
    (src / "data" / "page.yaml").write_text("facts:\n  page-only: Only on this page\n")
    (src / "roles.md").write_text(ROLES_PAGE)
    app.build()
    built = sorted(line.split(": WARNING: ", 1)[1] for line in warnings(app).splitlines()
                   if "roles.md" in line and "[policy.reference]" in line)
    assert cli(["check", str(src), "--quiet"]) == 1
    checked = capsys.readouterr().out.splitlines()
    assert sorted(line.split(": ", 1)[1] for line in checked) == built
    assert [line.split(": ", 1)[0] for line in checked] == [
        f"{src / 'roles.md'}:6", f"{src / 'roles.md'}:8", f"{src / 'roles.md'}:13"]
    assert "Available here: name, short_name, registration" in checked[0]
    assert "is not a single value" in checked[2]


@pytest.mark.sphinx("html", testroot="facts", freshenv=True, srcdir="facts-escaping")
def test_references_render_data_as_text_and_links_only_to_safe_addresses(
        app: SphinxTestApp) -> None:
    src = Path(app.srcdir)
    (src / "data" / "evil.yaml").write_text(
        "recipients:\n"
        "  - id: evil\n"
        "    name: <b onclick=alert(1)>Evil</b>\n"
        "    privacy_policy: https://evil.example/privacy\n"
        "not_done:\n"
        "  - id: evil-note\n"
        "    text: 'We never send data to {recipient:evil} or <script>alert(2)</script>.'\n")
    (src / "evil.md").write_text(
        "# Evil\n\n:::{policy-data} data/evil.yaml\n:::\n\n:::{not-done}\n:class: t-evil\n"
        ":only: evil-note\n:::\n")
    app.build()
    html = (Path(app.outdir) / "evil.html").read_text("utf-8")
    statement = block(soup_of(app, "evil"), "t-evil")
    assert text(statement) == ("We never send data to <b onclick=alert(1)>Evil</b> or "
                               "<script>alert(2)</script>.")
    assert statement.select("b, script") == []
    assert "&lt;b onclick=alert(1)&gt;Evil&lt;/b&gt;" in html
    assert [a["href"] for a in statement.select("a")] == ["https://evil.example/privacy"]
