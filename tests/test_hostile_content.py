"""Hostile content in data and in git history, as readers receive it.

* A site whose every data field, commit subject and trailer holds ``<script>`` and
  ``javascript:`` payloads is built from a real git repository (archived versions, diffs,
  feed and manifest included); the parsed DOM of every HTML page, the search index, the
  feed and the manifest hold none of them as markup or as a link.
* No author's or committer's name or e-mail address reaches any file of the build.
* URLs from data become links only for http, https, mailto and tel.
* LaTeX special characters survive the latex builder (and pdflatex, when installed);
  right-to-left and combining characters reach every output unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from gitrepo import GitRepo
from policy_testing import assert_no_traceback, block, by_name, only_table, policy_warnings
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.data.validate import schema

P_SCRIPT = "<script>alert(1)</script>"
P_ATTR = '"><img src=x onerror=alert(1)>'
P_URL = "javascript:alert(1)"
HOSTILE = f"{P_SCRIPT} {P_ATTR} {P_URL}"

NAMES = (
    "Zed Authorname", "zed.author@private.invalid",
    "Quinn Committername", "quinn.committer@private.invalid",
    "Sig Signername", "sig.signer@private.invalid",
)


def hostile_data() -> dict[str, Any]:
    """Every key of the data schema, each text holding every payload."""
    h = HOSTILE
    contact = {"email": f"{P_ATTR}@example.org", "phone": P_SCRIPT, "website": P_URL,
               "address": [h, h]}
    law = {"title": h, "description": h, "citation": h, "omit": False}
    return {
        "organisation": {
            "name": h, "trading_name": h, "short_name": h, "vat_number": h, "description": h,
            "registration": {"number": h, "register": h, "country": h},
            **contact,
            "offices": [{"id": h, "name": h, "organisation": h, "country": h, **contact}],
            "officers": [{"id": h, "role": h, "name": h, "title": h, "organisation": h,
                          "office": h, **contact}],
        },
        "jurisdictions": ["gdpr", h, {"law": "popia", "authority": h}],
        "recipients": [{"id": h, "name": h, "role": h, "country": h, "website": P_URL,
                        "privacy_policy": P_URL, "purpose": h, "safeguard": h}],
        "cookies": [{"name": h, "provider": h, "provider_url": P_URL, "party": h, "domain": h,
                     "category": h, "storage": h, "purpose": h, "expiry": h, "notes": h},
                    {"name": "first", "provider": "first-party", "category": "necessary",
                     "purpose": h, "expiry": "P1Y"}],
        "processing": [{"id": h, "name": h, "data": [h, h], "source": h, "purposes": [h],
                        "lawful_basis": {"gdpr": "legitimate-interests", h: "consent"},
                        "legitimate_interest": h, "recipients": [h, "nobody"],
                        "transfers": [{"country": h, "safeguard": h, "recipient": h}],
                        "retention": h, "storage": h, "required": h, "consequences": h,
                        "automated_decisions": h, "special_category": True,
                        "categories": [h, "identity"], "indirect": True,
                        "authorised_by": h},
                       {"data": h, "lawful_basis": "legitimate-interests",
                        "legitimate_interest": h, "required": "statutory"}],
        "rights": {
            "exercise": {"email": f"{P_ATTR}@example.org", "phone": h, "website": P_URL,
                         "url": P_URL, "note": h},
            "response_time": h,
            "laws": {"gdpr": {"access": law, h: law}, "popia": {h: law}},
        },
        "authorities": [{"id": h, "name": h, "short_name": h, "country": h, "website": P_URL,
                         "complaint_url": P_URL, "complaint_email": f"{P_ATTR}@example.org",
                         "complaint_note": h, "email": f"{P_ATTR}@example.org", "phone": h,
                         "address": h, "note": h, "verified_on": h, "source": P_URL}],
        "facts": {"motto": h, "homepage": P_URL, "mail": f"{P_URL}@example.org"},
        "data_categories": [{"id": h, "name": h, "includes": [h, h], "description": h},
                            {"id": "identity", "name": h, "includes": h}],
        "not_done": [{"id": h, "practice": h, "text": h},
                     {"practice": "special-category", "covers": ["gdpr:dpo"]},
                     {"text": f"{h} {{recipient:{h}}} {{organisation}} {{fact:motto}}"}],
    }


PAGE = """---
policy: true
---
# Privacy

```{{last-updated}}
```

{text}

```{{cookie-table}}
```

```{{cookie-table}}
:columns: name, provider, party, category, storage, purpose, expiry, domain, notes
:group-by: provider
```

```{{processing-table}}
:columns: {columns}
```

```{{rights}} gdpr popia
```

```{{contact}}
```

```{{contact}} office
```

```{{contact}} officer {hostile_id}
```

```{{contact}} authority popia
```

```{{recipients}}
:columns: name, role, purpose, country, safeguard, privacy-policy, website
```

```{{data-categories}}
```

```{{not-done}}
```

```{{cookie-kinds}}
```

Motto: {{policy}}`motto`. Home: {{policy}}`homepage`. Mail: {{policy}}`mail`.
Name: {{policy}}`legal-name`. Website: {{policy}}`website`. Phone: {{policy}}`phone`.

## Changes

```{{policy-changelog}}
:editorial:
```
"""

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
project = "Hostile"
policy_data_files = ["_data/*.yaml"]
html_baseurl = "https://policies.example.org/"
exclude_patterns = ["_build"]
"""


ALL_COLUMNS = ("name, data, source, purpose, basis, retention, recipients, storage, transfers, "
               "required, automated")


def page(text: str) -> str:
    return PAGE.format(text=text, hostile_id="dpo", columns=ALL_COLUMNS)


def _commit(repo: GitRepo, message: str, date: str) -> str:
    return repo.commit(message, date=date, committer=(NAMES[2], NAMES[3]))


def hostile_repo(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.env |= {"GIT_AUTHOR_NAME": NAMES[0], "GIT_AUTHOR_EMAIL": NAMES[1]}
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    data = hostile_data()
    repo.write("_data/policy.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    repo.write("privacy.md", page("First version."))
    trailers = (f"Policy-Change: {HOSTILE}\nPolicy-Change-Type: {HOSTILE}\n"
                f"Signed-off-by: {NAMES[4]} <{NAMES[5]}>\n")
    _commit(repo, f"{HOSTILE}\n\n{HOSTILE}\n\n{trailers}", "2023-01-10T09:00:00+00:00")
    data["cookies"][1]["expiry"] = "P2Y"
    repo.write("_data/policy.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    _commit(repo, f"{P_ATTR} subject\n\nPolicy-Change: {P_URL}\nPolicy-Change-Type: material\n"
            f"Co-authored-by: {NAMES[0]} <{NAMES[1]}>\n", "2024-03-05T12:00:00+00:00")
    # A merge without a summary: the changelog takes the one of the commit it brings in.
    repo.checkout("branch", new=True)
    # (The page's own Markdown is authored, not data: raw HTML in it is MyST's to pass on.)
    repo.write("privacy.md", page("Second version."))
    _commit(repo, f"{P_SCRIPT}\n\nPolicy-Change: {P_SCRIPT} merged\n"
            f"Signed-off-by: {NAMES[4]} <{NAMES[5]}>\n", "2025-01-01T00:00:00+00:00")
    repo.checkout("main")
    repo.run("merge", "-q", "--no-ff", "--no-edit", "-m", f"Merge {P_ATTR}", "branch",
             env={"GIT_COMMITTER_DATE": "2025-02-02T00:00:00+00:00",
                  "GIT_COMMITTER_NAME": NAMES[2], "GIT_COMMITTER_EMAIL": NAMES[3]})
    return repo


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    repo = hostile_repo(tmp_path_factory.mktemp("hostile") / "site")
    with pytest.MonkeyPatch.context() as patch:
        for key in ("HOME", "GIT_CONFIG_NOSYSTEM", "TZ", "XDG_CONFIG_HOME"):
            patch.setenv(key, repo.env[key])
        app = SphinxTestApp("html", srcdir=repo.path)
        try:
            app.build()
        finally:
            app.cleanup()
    return app


# --------------------------------------------------------------------------- the DOM checks

_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster",
                   "background", "srcset", "content")


def _scheme(value: str) -> str:
    """The scheme a browser would see: whitespace and control characters are dropped."""
    cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


def markup_from_data(soup: BeautifulSoup) -> list[str]:
    """Scripts, event handlers, images and javascript: URLs that the data could have made."""
    found = []
    for tag in soup.find_all(True):
        assert isinstance(tag, Tag)
        if tag.name == "script" and tag.get("type") == "application/ld+json":
            # Structured data for search engines: data may be in it, as JSON strings only.
            json.loads(tag.get_text())
            if "<" in tag.get_text():
                found.append(str(tag))
        elif tag.name == "script" and ("alert" in tag.get_text() or "alert" in tag.get("src", "")):
            found.append(str(tag))
        if tag.name in ("img", "iframe", "object", "embed", "svg") and (
            tag.get("src") == "x" or "alert" in str(tag)
        ):
            found.append(str(tag))
        for name, value in tag.attrs.items():
            values = value if isinstance(value, list) else [value]
            if name.lower().startswith("on"):
                found.append(f"{tag.name} {name}={value!r}")
            if name.lower() in _URL_ATTRIBUTES and any(
                _scheme(v) in ("javascript", "vbscript", "data") for v in values
            ):
                found.append(f"{tag.name} {name}={value!r}")
    return found


def test_hostile_build_finishes(hostile: SphinxTestApp) -> None:
    assert_no_traceback(hostile)
    assert policy_warnings(hostile), "the hostile data breaks the schema: it must say so"
    versions = sorted(p.name for p in (Path(hostile.outdir) / "privacy" / "versions").iterdir())
    assert len([v for v in versions if v.endswith("-diff.html")]) >= 2, versions
    assert len([v for v in versions if not v.endswith("-diff.html")]) == 3, versions


def test_every_html_page_is_inert(hostile: SphinxTestApp) -> None:
    pages = sorted(Path(hostile.outdir).rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        assert markup_from_data(soup) == [], page.relative_to(hostile.outdir)


def test_payloads_arrive_as_text(hostile: SphinxTestApp) -> None:
    """What was escaped is still there, as text, where readers expect it."""
    outdir = Path(hostile.outdir)
    privacy = BeautifulSoup((outdir / "privacy.html").read_text("utf-8"), "html.parser")
    text = privacy.get_text()
    for payload in (P_SCRIPT, P_ATTR, P_URL):
        assert payload in text
    changelog = privacy.select_one(".policy-changelog").get_text()
    assert f"{P_SCRIPT} merged" in changelog  # a merge takes its branch's summary
    assert HOSTILE in changelog and P_URL in changelog
    for diff in (outdir / "privacy" / "versions").glob("*-diff.html"):
        intro = BeautifulSoup(diff.read_text("utf-8"), "html.parser").select_one(
            ".policy-diff-intro")
        assert intro is not None and "alert(1)" in intro.get_text(), diff


def test_no_javascript_link_anywhere(hostile: SphinxTestApp) -> None:
    for page in Path(hostile.outdir).rglob("*.html"):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for anchor in soup.find_all("a", href=True):
            assert _scheme(anchor["href"]) in ("", "http", "https", "mailto", "tel"), (
                page, anchor)


def test_search_index_is_data(hostile: SphinxTestApp) -> None:
    raw = (Path(hostile.outdir) / "searchindex.js").read_text("utf-8")
    match = re.fullmatch(r"Search\.setIndex\((.*)\)\s*", raw, re.DOTALL)
    assert match, raw[:200]
    index = json.loads(match.group(1))  # one JSON value: nothing broke out of a string
    assert "privacy" in index["docnames"]


def test_feed_is_inert(hostile: SphinxTestApp) -> None:
    raw = (Path(hostile.outdir) / "policy-changes.atom").read_text("utf-8")
    assert "<script" not in raw and "<img" not in raw
    root = ET.fromstring(raw)
    atom = "{http://www.w3.org/2005/Atom}"
    tags = {element.tag.removeprefix(atom) for element in root.iter()}
    assert tags <= {"feed", "id", "title", "updated", "link", "author", "name", "uri",
                    "generator", "entry", "summary", "category"}, tags
    for link in root.iter(f"{atom}link"):
        assert link.get("href", "").startswith("https://policies.example.org/"), link.attrib
    summaries = [s.text or "" for s in root.iter(f"{atom}summary")]
    assert HOSTILE in summaries and P_URL in summaries  # as text, escaped in the XML
    for summary in root.iter(f"{atom}summary"):
        assert summary.get("type") == "text"  # never "html": readers do not parse it


def test_manifest_is_inert(hostile: SphinxTestApp) -> None:
    manifest = json.loads((Path(hostile.outdir) / "policy-versions.json").read_text("utf-8"))

    def urls(value: Any, key: str = "") -> list[str]:
        if isinstance(value, dict):
            return [u for k, v in value.items() for u in urls(v, k)]
        if isinstance(value, list):
            return [u for v in value for u in urls(v, key)]
        return [value] if key.endswith("url") and isinstance(value, str) else []

    found = urls(manifest)
    assert found and not [u for u in found if _scheme(u) not in ("", "https")], found
    summaries = [r["summary"] for d in manifest["documents"] for r in d["revisions"]]
    assert HOSTILE in summaries  # data, in a JSON string


def test_the_hostile_data_covers_every_schema_key() -> None:
    """The payload build is only as good as its coverage: every key the schema knows."""
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema())
    used: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            used.update(value)
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(hostile_data())
    assert keys - used == {"$schema"}


# --------------------------------------------------------------------------- privacy


def test_no_name_or_email_in_any_file(hostile: SphinxTestApp) -> None:
    """Every file the build wrote -- pages, archived versions, diffs, search index, feed,
    manifest, and the doctrees and pickled environment beside them."""
    build_dir = Path(hostile.outdir).parent
    files = [p for p in build_dir.rglob("*") if p.is_file()]
    assert any(p.name == "environment.pickle" for p in files)
    assert any(p.name == "policy-versions.json" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in NAMES:
            assert secret.encode() not in data, (path, secret)
            assert secret.lower().encode() not in data.lower(), (path, secret)


# --------------------------------------------------------------------------- URL schemes

URLS = {
    "https": ("https://vendor.example/privacy", True),
    "http": ("http://vendor.example/privacy", True),
    "mailto": ("mailto:dpo@vendor.example", True),
    "tel": ("tel:+27215550100", True),
    "javascript": ("javascript:alert(1)", False),
    "javascript-mixed-case": ("JaVaScRiPt:alert(1)", False),
    "javascript-leading-space": ("  javascript:alert(1)", False),
    "javascript-tab-inside": ("java\tscript:alert(1)", False),
    "javascript-newline-inside": ("java\nscript:alert(1)", False),
    "javascript-entity": ("javascript&#58;alert(1)", False),
    "vbscript": ("vbscript:msgbox(1)", False),
    "data-html": ("data:text/html,<script>alert(1)</script>", False),
    "file": ("file:///etc/passwd", False),
    "ftp": ("ftp://files.example.org/", False),
    "scheme-relative": ("//evil.example/x", False),
    "relative-path": ("privacy.html", False),
}


@pytest.fixture(scope="module")
def url_build(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    srcdir = tmp_path_factory.mktemp("urls")
    (srcdir / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_policy"]\npolicy_git = False\n'
        'policy_data_files = ["data.yaml"]\n', "utf-8")
    data = {"cookies": [
        {"name": name, "provider": f"Vendor {name}", "provider_url": url,
         "category": "necessary", "purpose": "p", "expiry": "P1Y"}
        for name, (url, _) in URLS.items()
    ]}
    (srcdir / "data.yaml").write_text(yaml.safe_dump(data), "utf-8")
    (srcdir / "index.md").write_text("# URLs\n\n```{cookie-table}\n```\n", "utf-8")
    app = SphinxTestApp("html", srcdir=srcdir)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.mark.parametrize("name", list(URLS))
def test_url_scheme(url_build: SphinxTestApp, name: str) -> None:
    url, linked = URLS[name]
    soup = BeautifulSoup((Path(url_build.outdir) / "index.html").read_text("utf-8"),
                         "html.parser")
    table = only_table(block(soup, "policy-cookie-table"))
    assert by_name(table, "Provider")[name] == f"Vendor {name}"  # shown either way
    row = next(tr for tr in table.select("tbody tr") if tr.find("code").get_text() == name)
    anchors = row.find_all("a")
    if linked:
        assert [unquote(a["href"]) for a in anchors] == [url]
    else:
        assert anchors == [], anchors
    # The schema accepts only http(s) addresses for provider_url, and says so.
    warned = [w for w in policy_warnings(url_build) if "→ provider_url" in w and f"({name})" in w]
    assert len(warned) == (0 if url.startswith(("https://", "http://")) else 1), warned


# --------------------------------------------------------------------------- LaTeX, RTL, combining

SPECIAL = "# $ % & ~ _ ^ \\ { } \\textbf{bold} \\input{/etc/passwd} $\\alpha$"
RTL = "سياسة الخصوصية — מדיניות פרטיות"
COMBINING = (
    "Zoe\u0308 cafe\u0301 \u0928\u093f Z\u0351\u0352 \U0001f469\u200d\U0001f4bb \u202eevil\u202c"
)


def _project(srcdir: Path, facts: dict[str, str], cookie: str) -> None:
    (srcdir / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_policy"]\npolicy_git = False\nproject = "T"\n'
        'policy_data_files = ["data.yaml"]\n'
        'latex_documents = [("index", "t.tex", "T", "A", "howto")]\n', "utf-8")
    data = {"organisation": {"name": cookie + " Ltd"}, "facts": facts,
            "cookies": [{"name": cookie, "category": "necessary", "purpose": cookie,
                         "expiry": "session", "notes": cookie}]}
    (srcdir / "data.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    roles = " ".join(f"{{policy}}`{k}`" for k in facts)
    (srcdir / "index.md").write_text(
        f"# T\n\n```{{cookie-table}}\n:columns: name, purpose, notes\n```\n\n```{{contact}}\n```\n"
        f"\n{roles}\n", "utf-8")


def test_latex_special_characters_survive(tmp_path: Path) -> None:
    from sphinx.util.texescape import escape

    _project(tmp_path, {"special": SPECIAL}, SPECIAL)
    app = SphinxTestApp("latex", srcdir=tmp_path)
    try:
        app.build()
    finally:
        app.cleanup()
    assert_no_traceback(app)
    assert policy_warnings(app) == []
    tex = (Path(app.outdir) / "t.tex").read_text("utf-8")
    escaped = escape(SPECIAL, "pdflatex")
    assert escaped != SPECIAL and "\\textbackslash{}input\\{/etc/passwd\\}" in escaped
    assert tex.count(escaped) >= 4  # name, purpose, notes, fact (and the organisation)
    assert "\\input{/etc/passwd}" not in tex and "\\textbf{bold}" not in tex
    if shutil.which("pdflatex"):  # the document compiles: nothing unbalanced, no command
        run = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
             "t.tex"], cwd=app.outdir, capture_output=True, timeout=120, check=False)
        assert run.returncode == 0, run.stdout.decode("utf-8", "replace")[-2000:]
        assert (Path(app.outdir) / "t.pdf").is_file()


@pytest.mark.parametrize("builder", ["html", "text", "latex"])
def test_rtl_and_combining_characters_render(tmp_path: Path, builder: str) -> None:
    _project(tmp_path, {"rtl": RTL, "combining": COMBINING}, RTL + " " + COMBINING)
    app = SphinxTestApp(builder, srcdir=tmp_path)
    try:
        app.build()
    finally:
        app.cleanup()
    assert_no_traceback(app)
    assert policy_warnings(app) == []
    out = {"html": "index.html", "text": "index.txt", "latex": "t.tex"}[builder]
    text = (Path(app.outdir) / out).read_text("utf-8")
    if builder == "html":
        text = BeautifulSoup(text, "html.parser").get_text()
    # Unchanged: not normalised (NFC would merge e + U+0301), not reordered, not dropped
    # (in the contact block and the fact; table cells may wrap in plain text).
    assert text.count(RTL) >= 2 and text.count(COMBINING) >= 2, text[-1500:]
