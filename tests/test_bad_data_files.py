"""Bad data files and data paths, each a named case with its exact warning.

One Sphinx build of a project made in a temporary folder holds every case: each case
is a page ``cases/<id>.md`` that reads its own data file ``cases/<id>.<ext>`` (or names
a path) with a directive. The project data (``policy_data_files``) is merged under
every page. Every case asserts the one warning it must give -- ``policy.<subtype>``,
``file:line`` and the whole message -- or, for input that is accepted, what the page
shows. Nothing else may be reported, and nothing may raise.

The cases of tests/test_warnings.py count too; docs/reference/bad-input.md lists both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from policy_testing import assert_no_traceback, policy_warnings, warnings
from sphinx.testing.util import SphinxTestApp

# --------------------------------------------------------------------------- the project

CONF = """project = "Hardening data"
extensions = ["myst_parser", "sphinx_policy"]
policy_git = False
policy_data_max_bytes = 250_000
exclude_patterns = ["_build"]
policy_data_files = [
    "data/base.yaml",
    "/etc/passwd",
    "linked/*.yaml",
]
"""
BASE = """organisation:
  name: Hardening Ltd
  email: privacy@hardening.example
  offices:
    - id: london
      address: [1 Road, London]
jurisdictions: [gdpr]
cookies:
  - name: base_cookie
    category: necessary
    purpose: From the project data.
    expiry: session
"""
COOKIE = "cookies:\n  - name: c\n    category: necessary\n    purpose: p\n    expiry: P1Y\n"

#: Directive used by a case page; "{file}" is the case's data file (relative to the page).
TABLE = "```{cookie-table}\n:file: {file}\n```\n"


def table(file: str) -> str:
    return TABLE.replace("{file}", file)


@dataclass(frozen=True)
class Case:
    """One bad (or awkward) input.

    ``content`` (bytes or text) is written to ``cases/<id>.<ext>``; ``page`` is the
    body of ``cases/<id>.md``. ``warning`` is (subtype, location, message): location
    ``file:line`` relative to the project ("{srcdir}" and "{outside}" are replaced), the
    message exact. ``shows`` lists texts the page must show (accepted input).
    """

    id: str
    content: str | bytes | None
    warning: tuple[str, str, str] | None = None
    ext: str = "yaml"
    page: str = TABLE
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.id}.{self.ext}"


def data(subtype: str, case_id: str, line: int, message: str, ext: str = "yaml") -> tuple:
    return (subtype, f"cases/{case_id}.{ext}:{line}", message)


def at_page(subtype: str, case_id: str, line: int, message: str) -> tuple:
    return (subtype, f"cases/{case_id}.md:{line}", message)


ACCEPTED = "necessary, preferences, statistics, marketing, security, unclassified"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, n in zip("abcdef", "bcdefg", strict=True)
)
OVERSIZED = COOKIE + "# " + "x" * 250_000 + "\n"
NOT_TEXT = "; data files hold plain text, numbers, dates, lists and mappings"
BAD_CHAR = (
    ", which cannot be shown; remove it (an escape such as \\u0000 or \\0 is still that "
    "character)"
)

CASES = [
    # -- schema: wrong types ------------------------------------------------------------
    Case("wrong-type-section", "cookies: {}\n",
         data("data", "wrong-type-section", 1, "cookies must be a list, not dict {}")),
    Case("wrong-type-top-level", "- a\n- b\n",
         data("data", "wrong-type-top-level", 1,
              "the data must be a mapping of sections (organisation, cookies, processing, "
              "recipients, data_categories, not_done, jurisdictions, rights, authorities, "
              "facts), not list")),
    Case("wrong-type-yaml-boolean-name", COOKIE.replace("name: c", "name: yes"),
         data("data", "wrong-type-yaml-boolean-name", 2,
              "cookies[1] → name must be text, not bool True; expected Cookie or storage key; "
              "'*' is a wildcard, e.g. _ga_*")),
    Case("wrong-type-yaml-boolean-category", COOKIE.replace("necessary", "no"),
         data("data", "wrong-type-yaml-boolean-category", 3,
              f"False is not accepted for cookies[1] (c) → category. Accepted: {ACCEPTED}, "
              "essential, strictly-necessary, strictly necessary, required, functional, "
              "functionality, personalization, personalisation, preference, analytics, "
              "performance, statistic, targeting, advertising, social-media, social media, "
              "unknown")),
    Case("wrong-type-null-section", "organisation:\n",
         data("data", "wrong-type-null-section", 1,
              "organisation must be a mapping of keys, not NoneType None")),
    Case("wrong-type-toml", 'cookies = "c"\n', data(
        "data", "wrong-type-toml", 1, "cookies must be a list, not str 'c'", "toml"), "toml"),
    # -- schema: unknown and missing keys ----------------------------------------------
    Case("unknown-top-level-key", "cookeis: []\n",
         data("data", "unknown-top-level-key", 1,
              "unknown key 'cookeis' in the top level; did you mean 'cookies'? Accepted keys: "
              "$schema, organisation, jurisdictions, cookies, processing, recipients, "
              "data_categories, not_done, rights, authorities, facts")),
    Case("unknown-nested-key", "organisation:\n  name: X\n  emial: x@example.org\n",
         data("data", "unknown-nested-key", 3,
              "unknown key 'emial' in organisation; did you mean 'email'? Accepted keys: name, "
              "trading_name, short_name, registration, vat_number, description, email, phone, "
              "website, address, offices, officers")),
    Case("missing-required-key", "recipients:\n  - id: acme\n",
         data("data", "missing-required-key", 2,
              "recipients[1] (acme) is missing the required key 'name'")),
    Case("empty-text", COOKIE.replace("purpose: p", 'purpose: ""'),
         data("data", "empty-text", 4, "cookies[1] (c) → purpose must not be empty")),
    # -- schema: values not accepted -----------------------------------------------------
    Case("unknown-storage", COOKIE + "    storage: localstorag\n",
         data("data", "unknown-storage", 6,
              "'localstorag' is not accepted for cookies[1] (c) → storage; did you mean "
              "'localstorage'? Accepted: cookie, http-cookie, localStorage, sessionStorage, "
              "IndexedDB, pixel, localstorage, local-storage, sessionstorage, session-storage, "
              "indexeddb, tracker, web-beacon")),
    Case("unknown-officer-role", "organisation:\n  name: X\n  officers:\n    - role: dpp\n",
         data("data", "unknown-officer-role", 4,
              "'dpp' is not accepted for organisation → officers[1] → role; did you mean 'dpo'? "
              "Accepted: dpo, data-protection-officer, information-officer, "
              "deputy-information-officer, eu-representative, uk-representative, "
              "privacy-contact")),
    Case("officer-role-in-capitals", "organisation:\n  name: X\n  officers:\n    - role: DPO\n",
         data("data", "officer-role-in-capitals", 4,
              "'DPO' is not accepted for organisation → officers[1] → role; did you mean 'dpo'? "
              "Accepted: dpo, data-protection-officer, information-officer, "
              "deputy-information-officer, eu-representative, uk-representative, "
              "privacy-contact")),
    Case("url-not-http", "organisation:\n  name: X\n  website: ftp://files.example.org\n",
         data("data", "url-not-http", 3,
              "'ftp://files.example.org' is not accepted for organisation → website: expected "
              "A web address starting with https:// or http://")),
    Case("email-malformed", "organisation:\n  name: X\n  email: privacy at example\n",
         data("data", "email-malformed", 3,
              "'privacy at example' is not accepted for organisation → email: expected An "
              "email address")),
    Case("phone-malformed", "organisation:\n  name: X\n  phone: call us\n",
         data("data", "phone-malformed", 3,
              "'call us' is not accepted for organisation → phone: expected A phone number in "
              "international form, e.g. +27 21 555 0100")),
    Case("lawful-basis-unknown", "processing:\n  - data: x\n    lawful_basis: consnt\n",
         data("data", "lawful-basis-unknown", 3,
              "'consnt' is not accepted for processing[1] → lawful_basis: expected consent, "
              "contract, legal-obligation, vital-interests, public-task, legitimate-interests "
              "(POPIA also data-subject-interest, public-law-duty); or one per law: {gdpr: "
              "consent, popia: contract}")),
    # -- dates and durations ---------------------------------------------------------------
    Case("date-invalid-text", "authorities:\n  - id: ico\n    verified_on: '2024-02-30'\n",
         data("data", "date-invalid-text", 3,
              "'2024-02-30' is not accepted for authorities[1] (ico) → verified_on: expected "
              "A date, YYYY-MM-DD")),
    Case("date-invalid-calendar", "authorities:\n  - id: ico\n    verified_on: 2024-02-30\n",
         data("syntax", "date-invalid-calendar", 3,
              "cannot read this value: day is out of range for month")),
    Case("date-wrong-format", "authorities:\n  - id: ico\n    verified_on: 31/12/2024\n",
         data("data", "date-wrong-format", 3,
              "'31/12/2024' is not accepted for authorities[1] (ico) → verified_on: expected "
              "A date, YYYY-MM-DD")),
    Case("duration-zero", COOKIE.replace("P1Y", "P0D"),
         data("data", "duration-zero", 5, "cookie 'c': expiry 'P0D' is a duration of zero length")),
    Case("duration-retention", "processing:\n  - id: sales\n    data: x\n    retention: P2X\n",
         data("data", "duration-retention", 4,
              "processing activity: retention 'P2X' is not an ISO 8601 duration; write e.g. P2Y "
              "(2 years), P30D (30 days), PT8H (8 hours) or PT30M (30 minutes), 'session', "
              "'persistent', or a sentence")),
    # -- duplicates and references ---------------------------------------------------------
    Case("duplicate-recipient", "recipients:\n  - {id: acme, name: A}\n  - {id: acme, name: B}\n",
         data("data", "duplicate-recipient", 3,
              "the recipient id 'acme' is defined twice; the first definition is at "
              "cases/duplicate-recipient.yaml:2. Ids must be unique: this definition replaces "
              "the first")),
    Case("duplicate-cookie-across-files", COOKIE.replace("name: c", "name: base_cookie"),
         data("data", "duplicate-cookie-across-files", 2,
              "cookie 'base_cookie' (cookie) is declared twice; the first declaration is at "
              "data/base.yaml:9. Keep one, or give them different domains")),
    Case("same-cookie-other-domain",
         COOKIE + COOKIE.removeprefix("cookies:\n") + "    domain: shop.example\n",
         page="```{cookie-table}\n:file: {file}\n:columns: name, domain\n```\n",
         shows=("shop.example",)),
    Case("lawful-basis-unknown-law",
         "processing:\n  - data: x\n    lawful_basis: {gdrp: consent}\n",
         data("reference", "lawful-basis-unknown-law", 3,
              "'gdrp' is not a known jurisdiction; did you mean 'gdpr'? Accepted: ccpa, fadp, "
              "gdpr, lgpd, pipeda, popia, uk-gdpr (and aliases such as eu, uk, za, california)")),
    # Values of the wrong type where the directives expect lists or mappings: reported,
    # then ignored -- these raised TypeError or AttributeError before.
    Case("wrong-type-transfers", "processing:\n  - data: x\n    transfers: true\n",
         data("data", "wrong-type-transfers", 3,
              "processing[1] → transfers must be a list, not bool True"),
         page="```{processing-table}\n:file: {file}\n:columns: data, transfers\n```\n"),
    Case("wrong-type-authority-override", "authorities:\n  - id: ico\n    complaint_url: 7\n",
         data("data", "wrong-type-authority-override", 3,
              "authorities[1] (ico) → complaint_url must be text, not int 7; expected A web "
              "address starting with https:// or http://"),
         page="```{contact} authority ico\n:file: {file}\n```\n", shows=("Information",)),
    Case("wrong-type-rights-laws", "rights:\n  laws: [gdpr]\n",
         data("data", "wrong-type-rights-laws", 2,
              "rights → laws must be a mapping of keys, not list ['gdpr']; expected Per law, "
              "rights to override (by id) or add: {gdpr: {access: {description: ...}}}"),
         page="```{rights} gdpr\n:file: {file}\n```\n", shows=("Right of access",)),
    Case("unknown-party", COOKIE + "    party: fourth\n",
         data("data", "unknown-party", 6,
              "'fourth' is not accepted for cookies[1] (c) → party. Accepted: first, third"),
         page="```{cookie-table}\n:file: {file}\n:columns: name, party\n```\n",
         shows=("fourth",)),
    Case("contact-unknown-kind", None, at_page(
        "reference", "contact-unknown-kind", 3,
        "contact: no contact kind 'ofice' is defined; did you mean 'office'? Defined: "
        "organisation, office, officer, authority, dpo, information-officer, "
        "deputy-information-officer, eu-representative, uk-representative, privacy-contact"),
        page="```{contact} ofice london\n```\n"),
    Case("fact-not-single-value", None, at_page(
        "reference", "fact-not-single-value", 3,
        "{policy}`organisation.offices` is not a single value"),
        page="Offices: {policy}`organisation.offices`.\n"),
    # -- YAML syntax and what safe loading refuses ------------------------------------------
    Case("yaml-tab-indent", "cookies:\n\t- name: c\n",
         data("syntax", "yaml-tab-indent", 2,
              "YAML syntax error: found character '\\t' that cannot start any token while "
              "scanning for the next token. Hint: YAML does not allow tabs for indentation; "
              "indent with spaces")),
    Case("yaml-dash-without-space", "cookies:\n  -name: c\n    category: necessary\n",
         data("syntax", "yaml-dash-without-space", 3,
              "YAML syntax error: mapping values are not allowed here. Hint: check the "
              "indentation of this line and the one before: the keys of one item line up "
              "under each other, and a list item starts with '- ' (a dash and a space)")),
    Case("yaml-two-documents", COOKIE + "---\n" + COOKIE,
         data("syntax", "yaml-two-documents", 6,
              "YAML syntax error: expected a single document in the stream, but found another "
              "document (the first is at line 1)")),
    Case("yaml-duplicate-anchor", "facts:\n  a: &x 1\n  b: &x 2\n",
         data("syntax", "yaml-duplicate-anchor", 3,
              "YAML syntax error: found duplicate anchor 'x', second occurrence (the first is "
              "at line 2)")),
    Case("yaml-undefined-alias", "facts:\n  a: *nowhere\n",
         data("syntax", "yaml-undefined-alias", 2,
              "YAML syntax error: found undefined alias 'nowhere'")),
    Case("yaml-control-character", "cookies:\n  - name: c\x07\n",
         data("syntax", "yaml-control-character", 2,
              "YAML syntax error: the character U+0007 is a control character or a "
              "non-character, which YAML does not allow; remove it")),
    Case("yaml-complex-key", "? [a, b]\n: c\n",
         data("syntax", "yaml-complex-key", 1, "a mapping key must be plain text")),
    Case("yaml-tag-set", "facts: !!set {a, b}\n",
         data("syntax", "yaml-tag-set", 1,
              f"the YAML tag 'tag:yaml.org,2002:set' is not allowed{NOT_TEXT}")),
    Case("yaml-tag-binary", "facts:\n  logo: !!binary aGVsbG8=\n",
         data("syntax", "yaml-tag-binary", 2, "binary values are not allowed in data files")),
    Case("yaml-tag-custom", "facts:\n  x: !include other.yaml\n",
         data("syntax", "yaml-tag-custom", 2, f"the YAML tag '!include' is not allowed{NOT_TEXT}")),
    Case("yaml-tag-python-new", "facts: !!python/object/new:subprocess.Popen {args: [ls]}\n",
         data("syntax", "yaml-tag-python-new", 1,
              "the YAML tag 'tag:yaml.org,2002:python/object/new:subprocess.Popen' is not "
              f"allowed{NOT_TEXT}")),
    Case("yaml-alias-bomb", BOMB,
         data("syntax", "yaml-alias-bomb", 1,
              "the YAML document expands to more than 200,000 values (too many aliases or "
              "merge keys?); split it or remove the aliases")),
    Case("yaml-merge-key-override",
         "x-defaults: &defaults {category: necessary, expiry: P1Y, purpose: merged}\n"
         "cookies:\n  - <<: *defaults\n    name: merged_cookie\n    purpose: Written here.\n",
         data("data", "yaml-merge-key-override", 1,
              "unknown key 'x-defaults' in the top level. Accepted keys: $schema, organisation, "
              "jurisdictions, cookies, processing, recipients, data_categories, not_done, "
              "rights, authorities, facts"),
         shows=("merged_cookie", "Written here."), hides=("merged",)),
    Case("yaml-duplicate-key-after-merge",
         "cookies:\n  - <<: {category: necessary}\n    name: a\n    name: b\n",
         data("syntax", "yaml-duplicate-key-after-merge", 4,
              "the key 'name' appears twice in the same mapping; keep one")),
    Case("yaml-merge-key-scalar", "cookies:\n  - name: a\n    <<: 5\n",  # found by hypothesis
         data("syntax", "yaml-merge-key-scalar", 3,
              "the merge key '<<' must be followed by a mapping, an alias of one (such as "
              "*defaults) or a list of them")),
    Case("yaml-huge-number", "facts:\n  big: 1" + "0" * 5000 + "\n",
         data("syntax", "yaml-huge-number", 2,
              "cannot read this value: a number this long cannot be read; write it as text")),
    Case("yaml-surrogate-escape", 'facts:\n  x: "\\ud800"\n',
         data("syntax", "yaml-surrogate-escape", 2, f"the text holds U+D800, an unpaired "
              f"surrogate{BAD_CHAR}")),
    Case("yaml-nul-escape", 'facts:\n  x: "a\\0b"\n',
         data("syntax", "yaml-nul-escape", 2,
              f"the text holds U+0000, a control character{BAD_CHAR}")),
    # -- JSON and TOML ---------------------------------------------------------------------
    Case("json-duplicate-key", '{\n  "facts": {"a": 1},\n  "facts": {"b": 2}\n}\n',
         data("syntax", "json-duplicate-key", 3,
              "the key 'facts' appears twice in the same mapping; keep one", "json"), "json"),
    Case("json-top-level-array", "[1, 2]\n", data(
        "data", "json-top-level-array", 1,
        "the data must be a mapping of sections (organisation, cookies, processing, "
        "recipients, data_categories, not_done, jurisdictions, rights, authorities, facts), "
        "not list", "json"), "json"),
    Case("json-huge-number", '{\n  "facts": {"big": 1' + "0" * 5000 + "}\n}\n", data(
        "syntax", "json-huge-number", 2,
        "cannot read this value: a number this long cannot be read; write it as text", "json"),
         "json"),
    Case("json-surrogate-escape", '{\n  "facts": {"x": "\\udc80"}\n}\n', data(
        "syntax", "json-surrogate-escape", 2,
        f"the text holds U+DC80, an unpaired surrogate{BAD_CHAR}", "json"), "json"),
    Case("json-nul-escape", '{\n  "facts": {"x": "a\\u0000b"}\n}\n', data(
        "syntax", "json-nul-escape", 2, f"the text holds U+0000, a control character{BAD_CHAR}",
        "json"), "json"),
    Case("json-nul-in-key", '{\n  "facts": {\n    "a\\u0000": 1\n  }\n}\n', data(
        "syntax", "json-nul-in-key", 3, f"the text holds U+0000, a control character{BAD_CHAR}",
        "json"), "json"),
    Case("json-deep-nesting", '{"facts": ' + "[" * 100_000 + "]" * 100_000 + "}", data(
        "syntax", "json-deep-nesting", 1,
        "the data is nested too deeply to read; data files need only a few levels", "json"),
         "json"),
    Case("toml-duplicate-key", "[facts]\na = 1\na = 2\n", data(
        "syntax", "toml-duplicate-key", 3,
        "TOML syntax error: Cannot overwrite a value (at line 3, column 6)", "toml"), "toml"),
    Case("toml-huge-number", "[facts]\nbig = 1" + "0" * 5000 + "\n", data(
        "syntax", "toml-huge-number", 2,
        "cannot read this value: a number this long cannot be read; write it as text", "toml"),
         "toml"),
    Case("toml-nul-escape", '[facts]\nx = "a\\u0000b"\n', data(
        "syntax", "toml-nul-escape", 2, f"the text holds U+0000, a control character{BAD_CHAR}",
        "toml"), "toml"),
    # -- encodings and empty files ---------------------------------------------------------
    Case("utf16-file", "facts:\n  x: 1\n".encode("utf-16"),
         data("syntax", "utf16-file", 1,
              "the file is not UTF-8 text (byte 0xff at line 1); save it with UTF-8 encoding")),
    Case("utf8-bom", "\ufeff" + COOKIE.replace("name: c", "name: bom_cookie"),
         shows=("bom_cookie",)),
    Case("empty-file", "", shows=("base_cookie",)),
    Case("comments-only-file", "# nothing here yet\n# really\n", shows=("base_cookie",)),
    Case("whitespace-only-json", "  \n\n", ext="json", shows=("base_cookie",)),
    # -- sizes and kinds of files ----------------------------------------------------------
    Case("oversized-file", OVERSIZED, at_page(
        "file", "oversized-file", 3,
        f"the data file 'cases/oversized-file.yaml' has {len(OVERSIZED):,} bytes, more than the "
        "limit of 250,000 (raise policy_data_max_bytes in conf.py if it is right)")),
    Case("not-a-data-file", "cookies: []\n", at_page(
        "file", "not-a-data-file", 3,
        "'cases/not-a-data-file.txt' is not a data file sphinx-policy can read; accepted: "
        ".yaml, .yml, .toml, .json"), ext="txt"),
    Case("folder-as-file", None, at_page(
        "file", "folder-as-file", 3,
        "'cases/folder.yaml' is a folder, not a data file (looked at {srcdir}/cases/folder.yaml)"),
        page=table("folder.yaml")),
    # -- paths that leave the project ------------------------------------------------------
    Case("absolute-path-directive", None, at_page(
        "file", "absolute-path-directive", 3,
        "'etc/passwd' is not a data file sphinx-policy can read; accepted: .yaml, .yml, .toml, "
        ".json"), page=table("/etc/passwd"), hides=("root:",)),
    Case("absolute-path-directive-yaml", None, at_page(
        "file", "absolute-path-directive-yaml", 3,
        "the data file 'etc/policy.yaml' does not exist (looked for {srcdir}/etc/policy.yaml)"),
        page=table("/etc/policy.yaml")),
    Case("backslash-traversal", None, at_page(
        "file", "backslash-traversal", 3,
        "the path 'cases/..\\\\..\\\\..\\\\etc\\\\passwd' points outside the documentation "
        "folder; data files must live inside it"),
        page=table("..\\..\\..\\etc\\passwd"), hides=("root:",)),
    Case("symlink-out-directive", None, at_page(
        "file", "symlink-out-directive", 3,
        "'cases/link-out.yaml' resolves to {outside}/secret.yaml, outside the documentation "
        "folder (a symbolic link pointing out?); data files must live inside it"),
        page=table("link-out.yaml"), hides=("secret_cookie",)),
    Case("symlink-inside", None, page=table("link-in.yaml"),
         shows=("linked_cookie",)),
    Case("policy-data-outside", None, at_page(
        "file", "policy-data-outside", 3,
        "the path 'cases/../../etc/passwd' points outside the documentation folder; data files "
        "must live inside it"),
        page="```{policy-data} ../../etc/passwd\n```\n\n```{cookie-table}\n```\n",
        hides=("root:",)),
]

#: Problems of the project's own data files (policy_data_files), reported once per build.
CONF_WARNINGS = {
    "absolute-path-conf": (
        "file", "conf.py:6",
        "policy_data_files: the path '/etc/passwd' is absolute; data paths are relative to the "
        "documentation folder (a leading '/' means the documentation folder itself)"),
    "symlink-out-conf-glob": (
        "file", "linked/secret.yaml:1",
        "'linked/secret.yaml' resolves to {outside}/secret.yaml, outside the documentation "
        "folder (a symbolic link pointing out?); data files must live inside it"),
}


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")


def make_project(root: Path) -> tuple[Path, Path]:
    srcdir, outside = root / "docs", root / "outside"
    _write(outside / "secret.yaml", COOKIE.replace("name: c", "name: secret_cookie"))
    _write(srcdir / "conf.py", CONF)
    _write(srcdir / "data" / "base.yaml", BASE)
    _write(srcdir / "index.md", "# Cases\n\n```{toctree}\n:glob:\n\ncases/*\n```\n")
    (srcdir / "linked").symlink_to(outside, target_is_directory=True)
    _write(srcdir / "cases" / "target.yaml", COOKIE.replace("name: c", "name: linked_cookie"))
    (srcdir / "cases" / "link-in.yaml").symlink_to("target.yaml")
    (srcdir / "cases" / "link-out.yaml").symlink_to(outside / "secret.yaml")
    (srcdir / "cases" / "folder.yaml").mkdir()
    for case in CASES:
        if case.content is not None:
            _write(srcdir / "cases" / case.file, case.content)
        _write(srcdir / "cases" / f"{case.id}.md",
               f"# {case.id}\n\n" + case.page.replace("{file}", case.file))
    return srcdir, outside


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[SphinxTestApp, dict[str, str]]:
    srcdir, outside = make_project(tmp_path_factory.mktemp("hardening-data"))
    app = SphinxTestApp("html", srcdir=srcdir)
    try:
        app.build()
    finally:
        app.cleanup()
    return app, {"srcdir": str(srcdir), "outside": str(outside.resolve())}


def _expected(warning: tuple[str, str, str], names: dict[str, str]) -> str:
    subtype, location, message = warning
    for key, value in names.items():
        message = message.replace(f"{{{key}}}", value)
    return f"{names['srcdir']}/{location}: WARNING: {message} [policy.{subtype}]"


def _page_text(app: SphinxTestApp, case: Case) -> str:
    html = (Path(app.outdir) / "cases" / f"{case.id}.html").read_text("utf-8")
    main = BeautifulSoup(html, "html.parser").select_one('[role="main"]')
    assert main is not None
    return main.get_text(" ")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_data_case(built: tuple[SphinxTestApp, dict[str, str]], case: Case) -> None:
    app, names = built
    prefix = f"{names['srcdir']}/cases/{case.id}."
    reported = [w for w in policy_warnings(app) if w.startswith(prefix)]
    if case.warning is None:
        assert reported == [], "\n".join(reported)
    else:
        assert reported == [_expected(case.warning, names)], "\n".join(reported) or warnings(app)
    text = _page_text(app, case)  # the page is written, whatever its data
    for shown in case.shows:
        assert shown in text, (shown, text)
    for hidden in case.hides:
        assert not re.search(rf"\b{re.escape(hidden)}\b", text), (hidden, text)


@pytest.mark.parametrize("case_id", list(CONF_WARNINGS))
def test_project_data_case(built: tuple[SphinxTestApp, dict[str, str]], case_id: str) -> None:
    app, names = built
    subtype, location, message = CONF_WARNINGS[case_id]
    expected = _expected((subtype, location, message), names)
    assert [w for w in policy_warnings(app) if w == expected] == [expected], warnings(app)


def test_nothing_else_is_reported(built: tuple[SphinxTestApp, dict[str, str]]) -> None:
    app, _ = built
    assert_no_traceback(app)
    expected = sum(1 for c in CASES if c.warning) + len(CONF_WARNINGS)
    assert len(policy_warnings(app)) == expected, "\n".join(policy_warnings(app))
    # Nothing read from outside the project reached any page.
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text("utf-8")
        assert "secret_cookie" not in text and "root:x:" not in text, page

