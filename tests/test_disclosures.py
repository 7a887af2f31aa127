"""Required disclosures per law (issue 15): the requirement catalogs, the
``policy.completeness`` check, suppression by a statement, the ``disclosure-checklist``
directive and ``sphinx-policy check``. Real builds; the per-item removals run the same
data code the build runs (parse, merge, evaluate) on the edited data."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitrepo import GitRepo
from policy_testing import (
    assert_no_traceback,
    copy_root,
    headers,
    main,
    only_table,
    policy_warnings,
    rows,
    soup_of,
    text,
    warnings,
)
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.catalogs import load_laws
from sphinx_policy.catalogs.requirements import Requirement, load_requirements
from sphinx_policy.cli import main as cli_main
from sphinx_policy.data.model import build_policy_data
from sphinx_policy.data.parse import parse_data
from sphinx_policy.disclosures.evaluate import (
    COVERED,
    MET,
    MISSING,
    evaluate,
    missing_messages,
)

DOCS = Path(__file__).parent.parent / "docs"
EXAMPLES = {"fynbos-digital": "gdpr", "karoo-cyber-works": "popia",
            "medway-alarm-services": "uk-gdpr"}
ROOT_LAWS = ("ccpa", "lgpd", "pipeda", "fadp")
#: Checks no data key answers: the rights and the complaint come from the law's catalog,
#: the date from git, and the published policy is itself the information.
NOT_FROM_DATA = ("rights", "complaint", "last-updated", "published")


# -- the catalogs ------------------------------------------------------------------------


def test_every_law_has_a_catalog_of_cited_requirements() -> None:
    catalogs = load_requirements()
    assert set(catalogs) == set(load_laws())
    for law, items in catalogs.items():
        short = load_laws()[law].short_name
        for item in items:
            assert item.citation and item.requires and item.source.startswith("https://")
            assert short in item.citation or "Cal. Civ. Code" in item.citation \
                or "CCR" in item.citation, item
            # Nothing was checked against the official text; each says what is unchecked.
            assert item.verified_on is None and item.verification_note, item


def test_the_articles_the_issue_names_are_in_the_catalogs() -> None:
    def citations(law: str) -> set[str]:
        return {r.citation for r in load_requirements()[law]}

    for letter in "abcdef":
        assert f"Art. 13(1)({letter}) GDPR" in citations("gdpr")
        assert f"Art. 13(2)({letter}) GDPR" in citations("gdpr")
        assert f"Art. 13(2)({letter}) UK GDPR" in citations("uk-gdpr")
    assert {"Art. 14(1)(d) GDPR", "Art. 14(2)(f) GDPR"} <= citations("gdpr")
    popia = " ".join(citations("popia"))
    for letter in "abcdefgh":
        assert f"s18(1)({letter})" in popia
    ccpa = " ".join(citations("ccpa"))
    assert "§1798.100(a)" in ccpa and "§7012(e)" in ccpa and "§7011(e)(4)" in ccpa
    lgpd = {c.removesuffix(" LGPD").removeprefix("Art. 9, ") for c in citations("lgpd")}
    assert lgpd == {"I", "II", "III and IV", "V", "VI", "VII"}
    assert {c.removeprefix("PIPEDA Sch. 1, 4.8.2") for c in citations("pipeda")} == {
        "(a)", "(b)", "(c)", "(d)", "(e)"}
    assert citations("fadp") == {"Art. 19(2)(a) FADP", "Art. 19(2)(b) FADP",
                                 "Art. 19(2)(c) FADP", "Art. 19(3) FADP", "Art. 19(4) FADP",
                                 "Art. 21(1) FADP"}


def test_the_uk_gdpr_items_say_what_the_uk_text_says() -> None:
    """Not a copy of the GDPR's: the Commissioner, a UK representative, adequacy
    regulations; the unchecked parts are named."""
    items = {r.id: r for r in load_requirements()["uk-gdpr"]}
    assert "Information Commissioner" in items["complaint"].requires
    assert "supervisory authority" not in items["complaint"].requires
    assert "United Kingdom" in items["representative"].requires
    assert "adequacy regulations" in items["transfers"].requires
    assert "Data (Use and Access) Act 2025" in (items["complaint"].verification_note or "")


# -- removing each item gives exactly one warning ------------------------------------------


def _data(raw: dict[str, Any]) -> Any:
    text_ = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False).encode()
    data, _problems = build_policy_data([(parse_data(text_, "policy.yaml", "yaml"), None)])
    return data


def _applies(activity: dict[str, Any], requirement: Requirement) -> bool:
    data = _data({"processing": [activity]})
    outcome = evaluate(data, requirement.law, dated=True)
    return next(o for o in outcome if o.requirement == requirement).status != "not-applicable"


def _remove(raw: dict[str, Any], requirement: Requirement) -> dict[str, Any] | None:
    """The data without what satisfies ``requirement``; None when nothing in the data
    does (a requirement met by the law's own catalog, such as the rights)."""
    raw = copy.deepcopy(raw)
    kind, _, key = requirement.check.partition(":")
    org = raw.get("organisation", {})
    if kind == "activity":
        for activity in raw["processing"]:
            if _applies(activity, requirement) and (
                    key in activity or (key == "data" and "categories" in activity)):
                activity.pop(key, None)
                if key == "data":
                    activity.pop("categories", None)
                return raw
        raise AssertionError(f"no activity gives {requirement.key}")
    if kind == "officer":
        for officer in org["officers"]:
            if officer.get("role") == key:
                for field in ("email", "phone", "address", "office"):
                    officer.pop(field, None)
        return raw
    if requirement.check == "organisation":
        org.pop("name")
        return raw
    if requirement.check in ("organisation-address", "accountable"):
        org.pop("address", None)
        for item in org.get("offices", []) + org.get("officers", []):
            item.pop("address", None)
            if requirement.check == "accountable":
                item.pop("email", None)
        return raw
    if requirement.check == "recipients":
        raw.pop("recipients")
        return raw
    if requirement.check == "recipient-roles":
        for recipient in raw["recipients"]:
            recipient.pop("role", None)
        return raw
    if requirement.check == "transfers":
        for activity in raw["processing"]:
            for transfer in activity.get("transfers", []):
                transfer.pop("safeguard", None)
        return raw
    practices = {"automated-decisions": {"automated-decisions", "profiling"},
                 "selling": {"selling"}, "sensitive": {"special-category"}}
    if requirement.check in practices:
        raw["not_done"] = [i for i in raw.get("not_done", [])
                           if i.get("practice") not in practices[requirement.check]]
        for activity in raw["processing"]:
            activity.pop("automated_decisions", None)
            activity.pop("special_category", None)
        return raw
    if requirement.check == "rights-exercise":
        raw["rights"].pop("exercise")
        return raw
    # rights, complaint: from the catalog; last-updated: from git; published: the policy
    return None


def _cases(raw: dict[str, Any], law: str) -> Iterator[tuple[str, dict[str, Any]]]:
    outcomes = evaluate(_data(raw), law, dated=True)
    for outcome in outcomes:
        if outcome.status != MET:
            continue
        removed = _remove(raw, outcome.requirement)
        if removed is not None:
            yield outcome.requirement.key, removed


def _missing(raw: dict[str, Any], law: str) -> list[str]:
    return [message for outcome in evaluate(_data(raw), law, dated=True)
            if outcome.status == MISSING
            for message, _origin in missing_messages(outcome, "privacy")]


def _example(name: str) -> dict[str, Any]:
    result: dict[str, Any] = yaml.safe_load(
        (DOCS / "examples" / name / "policy.yaml").read_text("utf-8"))
    return result


@pytest.mark.parametrize(("example", "law"), sorted(EXAMPLES.items()))
def test_removing_each_item_from_an_example_gives_exactly_one_warning(
        example: str, law: str) -> None:
    raw = _example(example)
    assert _missing(raw, law) == []
    cases = list(_cases(raw, law))
    assert len(cases) >= 6, cases  # the examples give many items each
    # Every item the example's data gives is removed once.
    assert {key for key, _removed in cases} == {
        o.requirement.key for o in evaluate(_data(raw), law, dated=True)
        if o.status == MET and o.requirement.check not in NOT_FROM_DATA}
    for key, removed in cases:
        requirement = next(r for r in load_requirements()[law] if r.key == key)
        messages = _missing(removed, law)
        assert len(messages) == 1, (key, messages)
        assert f"({requirement.citation})" in messages[0]
        assert f"covers: [{key}]" in messages[0]


@pytest.mark.parametrize("law", ROOT_LAWS)
def test_removing_each_item_per_law_gives_exactly_one_warning(law: str) -> None:
    raw = yaml.safe_load((Path(__file__).parent / "roots" / "test-disclosures" / "policy.yaml")
                         .read_text("utf-8"))
    assert _missing(raw, law) == []
    cases = dict(_cases(raw, law))
    data_checked = {r.key for r in load_requirements()[law]
                    if r.check not in NOT_FROM_DATA}
    assert set(cases) == data_checked  # every item the data gives is removed once
    for key, removed in cases.items():
        messages = _missing(removed, law)
        assert len(messages) == 1, (key, messages)


def test_the_ccpa_last_updated_date_comes_from_the_page_date() -> None:
    raw = yaml.safe_load((Path(__file__).parent / "roots" / "test-disclosures" / "policy.yaml")
                         .read_text("utf-8"))
    undated = [o for o in evaluate(_data(raw), "ccpa", dated=False) if o.status == MISSING]
    assert [o.requirement.id for o in undated] == ["last-updated"]


# -- real builds -----------------------------------------------------------------------


PAGE = "```{policy-data} policy.yaml\n```\n\n# Policy\n\n```{processing-table}\n```\n"


def _build(make_app: Callable[..., SphinxTestApp], srcdir: Path) -> SphinxTestApp:
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert_no_traceback(app)
    return app


def _example_project(tmp_path: Path, example: str) -> Path:
    """The example's data, on a policy page of a project of its own."""
    src = tmp_path / example
    src.mkdir()
    shutil.copy(DOCS / "examples" / example / "policy.yaml", src / "policy.yaml")
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n'
                                 'policy_git = False\npolicy_pages = ["index"]\n')
    (src / "index.md").write_text(PAGE)
    return src


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_complete_examples_build_without_a_warning(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp], example: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    src = _example_project(tmp_path, example)
    app = _build(make_app, src)
    assert policy_warnings(app) == []
    assert cli_main(["check", str(src), "--json", "-q"]) == 0
    # One item removed: one warning, and sphinx-policy check reports the same one.
    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw["processing"][0].pop("purposes")
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    capsys.readouterr()
    assert cli_main(["check", str(src), "--json", "-q"]) == 1
    findings = json.loads(capsys.readouterr().out)
    app = _build(make_app, src)
    built = [line.split(": WARNING: ", 1)[1].removesuffix(" [policy.completeness]")
             for line in warnings(app).splitlines() if "[policy." in line]
    assert len(built) == 1, built
    assert [f["message"] for f in findings] == built


def test_a_missing_item_is_a_warning_at_the_activity_naming_law_article_and_key(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    src = _example_project(tmp_path, "karoo-cyber-works")
    path = src / "policy.yaml"
    lines = path.read_text("utf-8").splitlines()
    at = lines.index("    consequences: Without it a staff member cannot sign in to the "
                     "administration area.")
    del lines[at]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    activity_line = next(i for i in range(at, 0, -1)
                         if lines[i].startswith("  - id: admin-session")) + 1
    app = _build(make_app, src)
    found = [line for line in warnings(app).splitlines() if "[policy." in line]
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{activity_line}: WARNING: index: the processing "
                               "activity 'admin-session' does not give the consequences")
    assert "(s18(1)(e) POPIA)" in found[0]
    assert "the data key processing[].consequences would" in found[0]
    assert found[0].endswith("[policy.completeness]")


def test_a_statement_that_an_item_does_not_apply_suppresses_it_and_is_shown(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    src = _example_project(tmp_path, "medway-alarm-services")
    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw.pop("recipients")
    for activity in raw["processing"]:
        activity.pop("recipients", None)
    raw["not_done"] = [i for i in raw["not_done"] if "{recipient:" not in i.get("text", "")]
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    app = _build(make_app, src)
    assert "does not give the recipients or categories of recipients" in warnings(app)
    assert "(Art. 13(1)(e) UK GDPR)" in warnings(app)

    raw["not_done"].append({"id": "nobody", "covers": ["uk-gdpr:recipients"],
                            "text": "We give your personal data to nobody."})
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    (src / "index.md").write_text(PAGE + "\n## Recipients\n\n```{not-done}\n:only: nobody\n```\n")
    app = _build(make_app, src)
    assert policy_warnings(app) == []
    assert "We give your personal data to nobody." in text(main(soup_of(app, "index")))
    outcome = next(o for o in evaluate(_data(raw), "uk-gdpr", dated=True)
                   if o.requirement.id == "recipients")
    assert outcome.status == COVERED


def test_a_covers_entry_naming_no_requirement_is_a_reference_warning(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    src = _example_project(tmp_path, "karoo-cyber-works")
    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw["not_done"].append({"id": "typo", "covers": ["recipents"], "text": "Nobody."})
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    app = _build(make_app, src)
    found = [line for line in warnings(app).splitlines() if "[policy." in line]
    assert len(found) == 1, found
    assert "covers names 'recipents', which is not a required disclosure; did you mean " \
           "'recipients'?" in found[0]
    assert found[0].endswith("[policy.reference]")


def test_the_check_can_be_turned_off_and_skips_pages_that_are_not_privacy_notices(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    src = _example_project(tmp_path, "fynbos-digital")
    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw["processing"][0].pop("purposes")
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    assert "[policy.completeness]" in warnings(_build(make_app, src))
    page = (src / "index.md").read_text()
    # A policy page that shows no processing (a cookie policy) is no privacy notice.
    (src / "index.md").write_text(page.replace("```{processing-table}\n```\n", ""))
    assert policy_warnings(_build(make_app, src)) == []
    (src / "index.md").write_text(page)
    conf = (src / "conf.py").read_text()
    (src / "conf.py").write_text(conf.replace('policy_pages = ["index"]', 'policy_pages = []'))
    assert policy_warnings(_build(make_app, src)) == []
    (src / "conf.py").write_text(conf + "policy_disclosures = False\n")
    assert policy_warnings(_build(make_app, src)) == []


def test_the_checklist_links_each_requirement_to_the_element_that_meets_it(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    src = copy_root("disclosures", tmp_path / "root")
    app = _build(make_app, src)
    assert policy_warnings(app) == []
    table = only_table(main(soup_of(app, "checklist")))
    assert headers(table) == ["Requirement", "Article", "Where the policy says it"]
    found = {row[1]: row[2] for row in rows(table)}
    assert found == {
        "Art. 19(2)(a) FADP": "Contact",
        "Art. 19(2)(b) FADP": "What we collect",
        "Art. 19(2)(c) FADP": "Who receives it",
        "Art. 19(3) FADP": "What we collect",
        "Art. 19(4) FADP": "What we collect",
        "Art. 21(1) FADP": "What we do not do",
    }
    # Each link goes to the element on the policy page that carries the fact.
    policy = soup_of(app, "privacy")
    targets = {}
    for row in table.select("tbody tr"):
        href = row.select_one("a")["href"]
        page, _, anchor = href.partition("#")
        assert page == "privacy.html" and anchor, href
        element = policy.find(id=anchor)
        assert element is not None, href
        targets[row.select("td")[1].get_text(strip=True)] = element
    assert "policy-contact" in targets["Art. 19(2)(a) FADP"]["class"]
    assert "Example Services AG" in text(targets["Art. 19(2)(a) FADP"])
    assert "policy-processing-table" in targets["Art. 19(2)(b) FADP"]["class"]
    assert "policy-recipients" in targets["Art. 19(2)(c) FADP"]["class"]
    assert "Example Hosting Ltd" in text(targets["Art. 19(2)(c) FADP"])
    statement = targets["Art. 21(1) FADP"]
    assert statement.name == "li" and "automated" in text(statement).lower()
    assert len(statement.find_parent("ul").find_all("li", recursive=False)) == 3

    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw["processing"][1].pop("data")
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    app = _build(make_app, src)
    table = only_table(main(soup_of(app, "checklist")))
    found = {row[1]: row[2] for row in rows(table)}
    assert found["Art. 19(3) FADP"] == "missing: partner-leads"
    assert "Art. 19(3) FADP" in warnings(app)


def test_sphinx_policy_check_reports_the_same_as_the_build(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp],
        capsys: pytest.CaptureFixture[str]) -> None:
    src = copy_root("disclosures", tmp_path / "root")
    assert cli_main(["check", str(src), "--json"]) == 0
    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw["processing"][0].pop("retention")
    raw["not_done"] = [{"practice": "special-category"}, {"practice": "automated-decisions"}]
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    capsys.readouterr()
    assert cli_main(["check", str(src), "--json", "-q"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert {f["subtype"] for f in findings} == {"completeness"}
    app = _build(make_app, src)
    built = sorted(line.split(": WARNING: ", 1)[1].removesuffix(" [policy.completeness]")
                   for line in warnings(app).splitlines() if "[policy.completeness]" in line)
    assert sorted(f["message"] for f in findings) == built
    assert len(built) == 3  # retention (CCPA, LGPD) and "sold or shared" (CCPA)


def test_archived_revisions_are_not_checked_again(
        tmp_path: Path, build: Callable[..., SphinxTestApp]) -> None:
    """An old revision is what it was: a notice that was incomplete then (and is
    complete now) gives no warning when its archived version is rendered."""
    repo = GitRepo(tmp_path / "site")
    src = _example_project(tmp_path, "karoo-cyber-works")
    for name in ("policy.yaml", "index.md"):
        repo.write(name, (src / name).read_text("utf-8"))
    repo.write("conf.py", 'extensions = ["myst_parser", "sphinx_policy"]\n'
                          'policy_pages = ["index"]\nexclude_patterns = ["_build"]\n'
                          'html_baseurl = "https://example.org/"\n')
    complete = (src / "policy.yaml").read_text("utf-8")
    repo.write("policy.yaml", complete.replace(
        "    consequences: Without it a staff member cannot sign in to the "
        "administration area.\n", ""))
    repo.commit("First, incomplete", date="2024-01-10T09:00:00+00:00")
    repo.write("policy.yaml", complete)
    repo.commit("Complete", date="2024-02-10T09:00:00+00:00")
    app = build(repo, freshenv=True)
    assert_no_traceback(app)
    assert policy_warnings(app) == []
    assert len(list((app.outdir / "index" / "versions").glob("*-diff.html"))) == 2


def test_a_checklist_of_a_page_that_is_not_a_policy_warns_and_the_build_goes_on(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    src = copy_root("disclosures", tmp_path / "root")
    checklist = src / "checklist.md"
    checklist.write_text(checklist.read_text("utf-8").replace(
        "{disclosure-checklist} privacy", "{disclosure-checklist} index"), "utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert_no_traceback(app)
    found = [w for w in policy_warnings(app) if "policy.reference" in w]
    assert len(found) == 1 and "'index' is not a policy page" in found[0]
    assert "checklist.md" in found[0]
    assert main(soup_of(app, "checklist")).select("table") == []


def test_the_checklist_speaks_the_language_of_the_build(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    """The requirement sentences are catalog text, translated with the law as context
    (the FADP's own German terms: Bearbeitungszweck, automatisierte Einzelentscheidungen)."""
    src = copy_root("disclosures", tmp_path / "root")
    app = make_app("html", srcdir=src, freshenv=True, confoverrides={"language": "de"})
    app.build()
    assert_no_traceback(app)
    table = only_table(main(soup_of(app, "checklist")))
    found = {row[1]: row[0] for row in rows(table)}
    assert found["Art. 19(2)(b) FADP"] == "Der Bearbeitungszweck"
    assert "automatisierte Einzelentscheidungen" in found["Art. 21(1) FADP"]
    assert found["Art. 19(2)(a) FADP"].startswith("Die Identität und die Kontaktdaten")


def test_the_checklist_links_the_page_itself_and_the_recipients_roles(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    """PIPEDA 4.8.2(d) is met by the published policy (a link to the page); LGPD Art. 9,
    VI by the recipients' roles (a link to the recipients table), and without a role it
    is missing, with one warning."""
    src = copy_root("disclosures", tmp_path / "root")
    (src / "checklist.md").write_text("# Checklist\n\n:::{disclosure-checklist} privacy\n"
                                      ":law: pipeda, lgpd\n:::\n", "utf-8")
    app = _build(make_app, src)
    assert policy_warnings(app) == []
    table = only_table(main(soup_of(app, "checklist")))
    links = {row.select("td")[1].get_text(strip=True): row.select_one("a")
             for row in table.select("tbody tr")}
    assert links["PIPEDA Sch. 1, 4.8.2(d)"]["href"] == "privacy.html"
    assert links["PIPEDA Sch. 1, 4.8.2(d)"].get_text() == "Privacy policy"
    assert links["Art. 9, VI LGPD"]["href"] == "privacy.html#policy-recipients"

    raw = yaml.safe_load((src / "policy.yaml").read_text("utf-8"))
    raw["recipients"][0].pop("role")
    (src / "policy.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    app = _build(make_app, src)
    found = [w for w in policy_warnings(app) if "[policy.completeness]" in w]
    assert len(found) == 1 and "(Art. 9, VI LGPD)" in found[0], found
    assert "recipients[].role" in found[0]
    table = only_table(main(soup_of(app, "checklist")))
    assert {row[1]: row[2] for row in rows(table)}["Art. 9, VI LGPD"] == "missing"


def test_the_checklist_links_the_contact_block_that_shows_the_fact(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    """The accountable person (PIPEDA) is the officer's block, the controller (FADP) the
    organisation's, whichever comes first on the page."""
    src = copy_root("disclosures", tmp_path / "root")
    page = (src / "privacy.md").read_text("utf-8")
    (src / "privacy.md").write_text(page.replace(
        "## Contact\n", "## Privacy officer\n\n:::{contact} officer privacy-contact\n:::\n\n"
        "## Contact\n"), "utf-8")
    (src / "checklist.md").write_text("# Checklist\n\n:::{disclosure-checklist} privacy\n"
                                      ":law: pipeda, fadp\n:::\n", "utf-8")
    app = _build(make_app, src)
    assert policy_warnings(app) == []
    table = only_table(main(soup_of(app, "checklist")))
    links = {row.select("td")[1].get_text(strip=True): row.select_one("a")
             for row in table.select("tbody tr")}
    policy = soup_of(app, "privacy")
    officer = policy.find(id=links["PIPEDA Sch. 1, 4.8.2(a)"]["href"].partition("#")[2])
    controller = policy.find(id=links["Art. 19(2)(a) FADP"]["href"].partition("#")[2])
    assert links["PIPEDA Sch. 1, 4.8.2(a)"].get_text() == "Privacy officer"
    assert "Privacy Officer" in text(officer)
    assert links["Art. 19(2)(a) FADP"].get_text() == "Contact"
    assert officer is not controller and "Example Services AG" in text(controller)


def test_every_placeholder_of_a_page_is_filled_wherever_it_stands(
        tmp_path: Path, make_app: Callable[..., SphinxTestApp]) -> None:
    """Dates, changelogs and checklists, side by side and nested in lists and admonitions,
    are all filled (one walk of the page finds them: state/placeholders.py)."""
    src = copy_root("disclosures", tmp_path / "root")
    page = src / "checklist.md"
    page.write_text(page.read_text("utf-8") + (
        "\n- Updated {last-updated}`privacy`, in force {effective-date}`privacy`\n"
        "- Changes:\n\n  ```{policy-changelog}\n  :pages: privacy\n  ```\n\n"
        ":::{note}\n:::{disclosure-checklist} privacy\n:law: fadp\n:::\n:::\n"
    ), "utf-8")
    app = _build(make_app, src)
    assert policy_warnings(app) == []
    soup = main(soup_of(app, "checklist"))
    tables = soup.select("table")
    assert len(tables) == 2
    assert [len(t.select("tbody tr")) for t in tables] == [6, 6]
    assert tables[1].find_parent(class_="admonition") is not None
    item = soup.select("li")[0]
    assert len(item.select(".policy-date")) == 2, item
    assert soup.select("li")[1].select(".policy-changelog"), soup.select("li")[1]
