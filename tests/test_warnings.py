"""Bad input: each problem is one ``policy.<subtype>`` warning that says what is wrong and
where (``file:line``), the build goes on, and ``sphinx-build -W`` fails. Never a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from policy_testing import (
    assert_no_traceback,
    block,
    by_name,
    find_warning,
    main,
    only_table,
    policy_warnings,
    soup_of,
    text,
)
from sphinx.testing.util import SphinxTestApp


@dataclass(frozen=True)
class Case:
    id: str
    location: str  # project-relative file and line
    subtype: str
    fragment: str  # "{srcdir}" is replaced by the project folder
    doc: str = ""  # cases/<doc>.md; default: the id
    conf: dict[str, Any] = field(default_factory=dict)
    suffix: str = ".md"

    @property
    def docname(self) -> str:
        return "ok" if self.conf else f"cases/{self.doc or self.id}"


CASES = [
    Case("unknown-category", "cases/unknown-category.yaml:3", "data",
         "'analitycs' is not accepted for cookies[1] (cat_cookie) → category; "
         "did you mean 'analytics'? Accepted: necessary, preferences, statistics"),
    Case("misspelled-key", "cases/misspelled-key.yaml:5", "data",
         "unknown key 'expirey' in cookies[1] (key_cookie); did you mean 'expiry'? "
         "Accepted keys: name, provider"),
    Case("misspelled-key-required", "cases/misspelled-key.yaml:2", "data",
         "cookies[1] (key_cookie) is missing the required key 'expiry'", doc="misspelled-key"),
    Case("expiry-P2X", "cases/bad-duration.yaml:5", "data",
         "cookie 'p2x_cookie': expiry 'P2X' is not an ISO 8601 duration; write e.g. P2Y "
         "(2 years), P30D (30 days)", doc="bad-duration"),
    Case("expiry-365-text", "cases/bad-duration.yaml:9", "data",
         "cookie 'days_cookie': expiry '365' is not an ISO 8601 duration", doc="bad-duration"),
    Case("expiry-365-number", "cases/bad-duration.yaml:13", "data",
         "cookies[3] (int_cookie) → expiry must be text, not int 365; expected ISO 8601 "
         "duration (P2Y, PT30M)", doc="bad-duration"),
    Case("missing-file", "cases/missing-file.md:5", "file",
         "the data file 'cases/nothing-here.yaml' does not exist (looked for "
         "{srcdir}/cases/nothing-here.yaml)"),
    # Syntax errors: the parser's own explanation follows ours and changes with its
    # releases (Python 3.13 reworded JSON's), so only our part and the line are asserted.
    # The JSON case is a missing value, which every Python places on the same line (3.13
    # places a trailing comma on the comma's line, earlier versions on the next).
    Case("yaml-syntax", "cases/yaml-syntax.yaml:5", "syntax", "YAML syntax error: "),
    Case("duplicate-cookie", "cases/duplicate-cookie.yaml:6", "data",
         "cookie 'twice' (cookie) is declared twice; the first declaration is at "
         "cases/duplicate-cookie.yaml:2. Keep one, or give them different domains"),
    Case("undefined-recipient", "cases/undefined-recipient.yaml:2", "reference",
         "processing activity 'analytics' names the recipient 'googel', which is not defined "
         "under 'recipients'; did you mean 'google'? Defined: google"),
    Case("unknown-jurisdiction", "cases/unknown-jurisdiction.yaml:2", "reference",
         "'gdrp' is not a known jurisdiction; did you mean 'gdpr'? Accepted: ccpa, fadp, gdpr"),
    Case("unknown-law-argument", "cases/unknown-law-argument.md:3", "reference",
         "rights: 'gdrp' is not a known jurisdiction; did you mean 'gdpr'?"),
    Case("unknown-right", "cases/unknown-right.md:3", "option",
         "rights: 'acess' is not accepted for :only:; did you mean 'access'?"),
    Case("unknown-office", "cases/unknown-office.md:3", "reference",
         "contact: no office 'paris' is defined. Defined: london"),
    Case("officer-office", "cases/officer-office.yaml:4", "reference",
         "the officer 'Dee Pee' names the office 'londno', which is not defined under "
         "'organisation.offices'; did you mean 'london'?"),
    Case("not-utf8", "cases/not-utf8.yaml:3", "syntax",
         "the file is not UTF-8 text (byte 0xe9 at line 3); save it with UTF-8 encoding"),
    Case("duplicate-key", "cases/duplicate-key.yaml:5", "syntax",
         "the key 'name' appears twice in the same mapping; keep one"),
    Case("python-tag", "cases/python-tag.yaml:4", "syntax",
         "the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    Case("python-tag-scalar", "cases/python-tag-scalar.yaml:4", "syntax",
         "the YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"),
    Case("passwd", "cases/passwd.md:3", "file",
         "the path 'cases/../../etc/passwd' points outside the documentation folder"),
    Case("columns", "cases/columns.md:3", "option",
         "cookie-table: 'foo' is not accepted for :columns:. Accepted: category, domain, expiry"),
    Case("unknown-category-option", "cases/unknown-group.md:3", "option",
         "cookie-table: 'cookies-of-doom' is not accepted for :category:", doc="unknown-group"),
    Case("unknown-group-by", "cases/unknown-group.md:3", "option",
         "cookie-table: 'colour' is not accepted for :group-by:. Accepted: category, none, "
         "provider, storage", doc="unknown-group"),
    Case("unknown-provider", "cases/provider.md:3", "option",
         "cookie-table: 'Gogle LLC' is not accepted for :provider:; did you mean 'Google LLC'? "
         "Accepted: Google LLC, google", doc="provider"),
    Case("deep-nesting", "cases/deep-nesting.yaml:1", "syntax",
         "the data is nested too deeply to read; data files need only a few levels"),
    Case("huge-value", "cases/moderate-nesting.yaml:6", "data",
         "cookies[1] (moderate) → notes must be text, not list [[[...]]]", doc="moderate-nesting"),
    Case("huge-fact", "cases/moderate-nesting.yaml:8", "data",
         "facts → deep must be string or number, not dict {'a': {'a': {...}}}",
         doc="moderate-nesting"),
    # A directive body: problems point at the line in the page (or the included file).
    Case("body-backtick", "cases/body-lines.md:6", "data",
         "'analitycs' is not accepted for cookies[1] (backtick_body) → category", doc="body-lines"),
    Case("body-colon", "cases/body-lines.md:15", "data",
         "cookie 'colon_body': expiry 'P1X' is not an ISO 8601 duration", doc="body-lines"),
    Case("body-yaml-options", "cases/body-lines.md:27", "data",
         "unknown key 'expirey' in cookies[1] (yaml_options_body); did you mean 'expiry'?",
         doc="body-lines"),
    Case("body-syntax", "cases/body-lines.md:33", "syntax",
         "in the body of cookie-table: YAML syntax error: ", doc="body-lines"),
    Case("body-rst", "cases/body-lines-rst.rst:8", "data",
         "'analitycs' is not accepted for cookies[1] (rst_body) → category",
         doc="body-lines-rst", suffix=".rst"),
    Case("body-rst-include", "cases/_included.rst:6", "data",
         "cookie 'included_body': expiry 'P2X' is not an ISO 8601 duration",
         doc="body-lines-rst", suffix=".rst"),
    Case("body-rst-syntax", "cases/body-lines-rst.rst:18", "syntax",
         "in the body of cookie-table: YAML syntax error: ", doc="body-lines-rst",
         suffix=".rst"),
    Case("json-data", "cases/json-data.json:7", "data",
         "cookie 'json_cookie': expiry 'P1X' is not an ISO 8601 duration"),
    Case("json-syntax", "cases/json-syntax.json:4", "syntax", "JSON syntax error: "),
    Case("toml-syntax", "cases/toml-syntax.toml:4", "syntax", "TOML syntax error: "),
    Case("unknown-fact", "cases/unknown-fact.md:3", "reference",
         "{policy}`organisation.emial` is not defined in the data; did you mean 'email'? "
         "Available here: name, email, offices"),
    Case("unknown-fact-shortcut", "cases/unknown-fact-shortcut.md:3", "reference",
         "{policy}`legal-nam` is not defined in the data; did you mean 'legal-name'?"),
    # Problems in the project's data files (policy_data_files), reported once per build.
    Case("conf-syntax", "conf-data/syntax.yaml:4", "syntax", "YAML syntax error: ",
         conf={"policy_data_files": ["conf-data/syntax.yaml"]}),
    Case("conf-no-match", "conf.py:5", "file",
         "policy_data_files: the pattern 'conf-data/missing-*.yaml' matches no file in the "
         "documentation folder (working tree)",
         conf={"policy_data_files": ["conf-data/missing-*.yaml"]}),
    Case("conf-outside", "conf.py:5", "file",
         "policy_data_files: the path '../*.yaml' points outside the documentation folder",
         conf={"policy_data_files": ["../*.yaml"]}),
    Case("conf-not-data", "conf-data/not-data.txt:1", "file",
         "'conf-data/not-data.txt' is not a data file sphinx-policy can read; accepted: .yaml",
         conf={"policy_data_files": ["conf-data/valid.yaml", "conf-data/not-data.txt"]}),
]


def case_build(case: Case) -> pytest.MarkDecorator:
    """Only the case's page, in its own copy of the project, with -W."""
    conf: dict[str, Any] = {
        "root_doc": case.docname,
        "include_patterns": [f"{case.docname}{case.suffix}", "cases/_*"],
    }
    return pytest.mark.sphinx(
        "html", testroot="bad", srcdir=f"bad-{case.id}", warningiserror=True,
        confoverrides={**conf, **case.conf},
    )


def expected(app: SphinxTestApp, case: Case) -> tuple[str, str]:
    path, line = case.location.rsplit(":", 1)
    return f"{app.srcdir / path}:{line}", case.fragment.replace("{srcdir}", str(app.srcdir))


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=case_build(c)) for c in CASES]
)
def test_bad_input_warns_and_fails_with_W(app: SphinxTestApp, case: Case) -> None:
    app.build()  # no exception: the build goes on to the end
    location, fragment = expected(app, case)
    find_warning(app, location, case.subtype, fragment)
    assert app.statuscode == 1, "sphinx-build -W must fail"
    assert "build finished with problems" in app.status.getvalue()
    assert_no_traceback(app)
    assert (app.outdir / f"{case.docname}.html").is_file()


# -- the whole project at once, without -W -------------------------------------------------------

# The first test reads every page (fresh environment, for the warnings); the others
# reuse its environment and pages.
ALL = pytest.mark.sphinx("html", testroot="bad", srcdir="bad-all")
PAGE_CASES = [c for c in CASES if not c.conf]


@pytest.mark.sphinx("html", testroot="bad", srcdir="bad-all", freshenv=True)
def test_every_problem_is_reported_once(app: SphinxTestApp) -> None:
    app.build()
    assert app.statuscode == 0  # warnings alone do not fail a build without -W
    assert_no_traceback(app)
    for case in PAGE_CASES:
        location, fragment = expected(app, case)
        find_warning(app, location, case.subtype, fragment)
    # Nothing else, and nothing twice.
    assert len(policy_warnings(app)) == len(PAGE_CASES), "\n".join(policy_warnings(app))


@ALL
def test_bad_items_are_still_shown(app: SphinxTestApp) -> None:
    app.build()
    # An unknown category: the cookie is declared, as unclassified.
    table = only_table(block(soup_of(app, "cases/unknown-category"), "policy-cookie-table"))
    assert by_name(table, "Category")["cat_cookie"] == "Unclassified"
    # A malformed duration is shown as written rather than dropped.
    table = only_table(block(soup_of(app, "cases/bad-duration"), "policy-cookie-table"))
    assert by_name(table, "Expiry") == {
        "base_cookie": "Session", "p2x_cookie": "P2X", "days_cookie": "365", "int_cookie": "365",
    }
    # A duplicate is reported, and both declarations stay visible.
    table = only_table(block(soup_of(app, "cases/duplicate-cookie"), "policy-cookie-table"))
    purposes = [text(td) for td in table.select("tbody tr td:nth-of-type(3)")]
    assert purposes[-2:] == ["First declaration.", "Second declaration."]
    # An unknown fact shows its name, marked as missing.
    missing = soup_of(app, "cases/unknown-fact").select_one(".policy-fact-missing")
    assert text(missing) == "organisation.emial"


@ALL
def test_refused_files_are_not_read(app: SphinxTestApp) -> None:
    app.build()
    for docname in ("cases/passwd", "cases/python-tag", "cases/yaml-syntax", "cases/not-utf8"):
        body = text(main(soup_of(app, docname)))
        assert "root:" not in body
        assert "echo pwned" not in body
        # The page still shows the project's data.
        assert "base_cookie" in body, docname
