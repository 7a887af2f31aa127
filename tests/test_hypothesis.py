"""Property-based tests: any input gives output or warnings -- never a traceback, never a hang.

Covered: the data loader (bytes, text, YAML token soup, JSON-like values and data
shaped like the schema, in YAML, TOML and JSON), the data model, durations, URL
checking, every directive (``cookie-table``, ``processing-table``, ``rights``,
``contact``, ``policy-data``) and the ``{policy}`` role, run by a real Sphinx app and
written with its HTML translator, whose output must hold no markup from the input.

Deterministic, with a fixed budget for CI: ``derandomize=True`` (the same examples on
every run), no example database, ``max_examples`` per test (the whole module runs in
well under a minute), a ``deadline`` per example and a hard time limit (SIGALRM) that
turns a hang into a failure.
"""

from __future__ import annotations

import json
import os
import re
import signal
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from docutils import nodes
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sphinx.testing.restructuredtext import parse
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.data.durations import Duration, DurationError, parse_duration
from sphinx_policy.data.model import PolicyData, build_policy_data
from sphinx_policy.data.parse import ParsedData, parse_data
from sphinx_policy.data.source import DataFileError
from sphinx_policy.data.validate import schema
from sphinx_policy.directives.nodes_util import SAFE_SCHEMES, safe_url
from sphinx_policy.history.dates import format_for_readers, iso, representable
from sphinx_policy.state.placeholders import fill_placeholders

#: Seconds one example may take before it counts as a hang.
HARD_LIMIT = 10
#: Multiplies every budget, for a deeper search on a developer's machine
#: (``POLICY_HYPOTHESIS_SCALE=20 POLICY_HYPOTHESIS_RANDOM=1 pytest tests/test_hypothesis.py``);
#: CI runs the fixed, derandomized budget.
SCALE = int(os.environ.get("POLICY_HYPOTHESIS_SCALE", "1"))
RANDOM = os.environ.get("POLICY_HYPOTHESIS_RANDOM") == "1"


def budget(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=timedelta(seconds=5),
        derandomize=not RANDOM,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )


class Hang(Exception):
    """An example ran for more than HARD_LIMIT seconds."""


@contextmanager
def time_limit(seconds: float = HARD_LIMIT) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"one example ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


FORMATS = ("yaml", "toml", "json")


def load(raw: bytes, fmt: str) -> ParsedData | None:
    """What the loader does with a file: parsed data, or a DataFileError (a warning)."""
    with time_limit():
        try:
            part = parse_data(raw, f"data.{fmt}", fmt)
        except DataFileError as err:
            assert str(err)  # every refusal says why
            return None
        data, problems = build_policy_data([(part, f"data.{fmt}")])
    assert isinstance(data, PolicyData)
    for problem in problems:
        assert problem.subtype in ("data", "syntax", "file", "reference")
        assert problem.message and "Traceback" not in problem.message
        assert problem.line is None or problem.line >= 1
    return part


# --------------------------------------------------------------------------- the loader

@pytest.mark.parametrize("fmt", FORMATS)
@budget(120)
@given(raw=st.binary(max_size=600))
def test_any_bytes(fmt: str, raw: bytes) -> None:
    load(raw, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@budget(120)
@given(text=st.text(max_size=600))
def test_any_text(fmt: str, text: str) -> None:
    load(text.encode("utf-8"), fmt)


YAML_TOKENS = [
    "cookies:", "processing:", "organisation:", "recipients:", "facts:", "rights:",
    "jurisdictions:", "authorities:", "name:", "expiry:", "category:", "- ", "  ", "    ",
    "\n", "\n- ", ": ", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!!python/name:os.system ",
    "!!binary ", "!!set ", "!x ", "? ", "{", "}", "[", "]", ", ", '"', "'", "\\u0000", "\\ud800",
    "#", "---\n", "...\n", "%YAML 1.1\n", "|\n", ">-\n", "P2Y", "session", "2024-02-30",
    "1e400", "0x1F", ".nan", "yes", "no", "~", "null", "<script>", "javascript:", "\t", "\x07",
    "\u2028", "\ufeff", "é", "𝒳",
]


@budget(300)
@given(tokens=st.lists(st.sampled_from(YAML_TOKENS), max_size=60))
def test_yaml_token_soup(tokens: list[str]) -> None:
    load("".join(tokens).encode("utf-8"), "yaml")


SCHEMA_KEYS = sorted({
    key
    for node in [schema(), *schema()["$defs"].values()]
    if isinstance(node, dict)
    for key in node.get("properties", {})
})
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(max_size=30) | st.sampled_from(["P2Y", "PT30M", "P0D", "P2X", "session", "gdpr",
                                              "necessary", "https://x.example", "javascript:x"])
)
keys = st.sampled_from(SCHEMA_KEYS) | st.text(max_size=12)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)


@budget(150)
@given(value=json_like)
def test_any_json_value(value: Any) -> None:
    load(json.dumps(value).encode("utf-8"), "json")


@budget(150)
@given(value=json_like)
def test_any_yaml_value(value: Any) -> None:
    load(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"), "yaml")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def shaped(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values mostly as the schema describes them, sometimes anything else."""
    node = _resolve(node)
    junk = json_like if depth < 3 else scalars
    if "oneOf" in node:
        return st.one_of([shaped(n, depth + 1) for n in node["oneOf"]])
    if "enum" in node:
        return st.sampled_from(node["enum"]) | junk
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        optional = {k: shaped(v, depth + 1) for k, v in node["properties"].items()}
        return st.fixed_dictionaries({}, optional=optional) | junk
    if kind == "object":
        extra = node.get("additionalProperties")
        values = shaped(extra, depth + 1) if isinstance(extra, dict) else scalars
        return st.dictionaries(st.text(max_size=10) | st.sampled_from(["gdpr", "popia", "access"]),
                               values, max_size=3)
    if kind == "array":
        return st.lists(shaped(node.get("items", {}), depth + 1), max_size=3) | junk
    if kind == "string":
        return st.text(max_size=40) | st.sampled_from(
            ["P1Y", "session", "first-party", "google", "london", "gdpr", "dpo",
             "https://example.org/p", "x@example.org", "+27 21 555 0100", "2024-01-31",
             "<script>alert(1)</script>", "javascript:alert(1)", "\u202eevil", "e\u0301"]
        )
    return scalars


policy_data = shaped(schema())


@budget(200)
@given(value=policy_data)
def test_schema_shaped_data(value: Any) -> None:
    load(json.dumps(value).encode("utf-8"), "json")
    load(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"), "yaml")


@budget(200)
@given(text=st.text(max_size=40) | st.from_regex(r"[Pp][0-9YMWDTHS]{0,12}", fullmatch=True))
def test_any_duration(text: str) -> None:
    try:
        duration = parse_duration(text)
    except DurationError as err:
        assert str(err)
        return
    assert isinstance(duration, Duration) and isinstance(duration.render(), str)


@budget(300)
@given(url=st.text(max_size=40) | st.builds(
    lambda scheme, rest: f"{scheme}{rest}",
    st.sampled_from(["javascript:", "JavaScript:", " javascript:", "java\tscript:", "data:",
                     "vbscript:", "http://", "https://", "mailto:", "tel:", "//", ""]),
    st.text(max_size=20)))
def test_safe_url_only_lets_safe_schemes_through(url: str) -> None:
    result = safe_url(url)
    if result is not None:
        assert urlsplit(result).scheme.lower() in SAFE_SCHEMES
        assert not re.search(r"[\x00-\x1f]", result)


# --------------------------------------------------------------------------- hostile classes
# (issue 17: the class of each red-team finding, not only the one case)


def _string_fields(node: dict[str, Any], path: tuple[Any, ...] = (), depth: int = 0
                   ) -> Iterator[tuple[Any, ...]]:
    """The path (keys, 0 for a list item) of every text field of the data schema."""
    node = _resolve(node)
    if depth > 8:
        return
    if "oneOf" in node:
        for choice in node["oneOf"]:
            yield from _string_fields(choice, path, depth + 1)
        return
    kind = node.get("type")
    if kind == "string" or (isinstance(kind, list) and "string" in kind):
        yield path
    elif kind == "object":
        for key, child in node.get("properties", {}).items():
            yield from _string_fields(child, (*path, key), depth + 1)
    elif kind == "array":
        yield from _string_fields(node.get("items", {}), (*path, 0), depth + 1)


STRING_FIELDS = sorted(set(_string_fields(schema())), key=str)


def _at(path: tuple[Any, ...], value: Any) -> Any:
    """A document holding ``value`` at ``path`` and nothing else."""
    for step in reversed(path):
        value = [value] if isinstance(step, int) else {step: value}
    return value


#: Pieces that make patterns backtrack when repeated: separators of emails, URLs, host
#: names, numbers and durations, and what surrounds them.
PATHOLOGICAL = ["a@", "@", ".", "a.", " ", "1", "9" * 50, "http://", "https://", "P1Y", "P",
                "\\", "<", ":", "-", "_", "a", "é", "\t", "::"]
pathological = st.builds(
    lambda head, piece, count, tail: head + piece * count + tail,
    st.sampled_from(["", "a@", "https://", "+", "P", "x"]),
    st.sampled_from(PATHOLOGICAL),
    st.integers(min_value=1_000, max_value=60_000),
    st.sampled_from(["", " ", "!", "@", ".", "x", "\u0000"]),
)


@budget(80)
@given(path=st.sampled_from(STRING_FIELDS), value=pathological,
       fmt=st.sampled_from(FORMATS))
@example(path=("organisation", "email"), value="a@" + "." * 60_000 + " ", fmt="yaml")
@example(path=("recipients", 0, "website"), value="https://" + "a." * 30_000 + " ", fmt="json")
def test_long_pathological_strings_in_every_string_field(path: tuple[Any, ...], value: str,
                                                         fmt: str) -> None:
    """Tens of thousands of repeated separators in any text field: read, validated and
    modelled within the time limit (a backtracking pattern takes minutes on these)."""
    document = _at(path, value)
    if fmt == "toml":
        raw = "\n".join(f"{json.dumps(k)} = {_toml_inline(v)}" for k, v in document.items())
    elif fmt == "json":
        raw = json.dumps(document)
    else:
        raw = yaml.safe_dump(document, allow_unicode=True, width=10**9)
    load(raw.encode("utf-8"), fmt)


def _toml_inline(value: Any) -> str:
    """A TOML value (JSON strings are TOML strings; mappings as inline tables)."""
    if isinstance(value, dict):
        pairs = ", ".join(f"{json.dumps(k)} = {_toml_inline(v)}" for k, v in value.items())
        return "{" + pairs + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v) for v in value) + "]"
    return json.dumps(value)


@budget(150)
@given(
    width=st.integers(min_value=1, max_value=40),
    levels=st.lists(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=40),
                    min_size=1, max_size=12),
    written=st.lists(st.sampled_from(["k0", "k1", "own", "k3"]), max_size=3, unique=True),
)
def test_merge_keys(width: int, levels: list[list[int]], written: list[str]) -> None:
    """Mappings merging earlier ones (``<<: [*a, *b, *a, ...]``) at any depth and width:
    never more keys than were written, never past the time limit."""
    keys = ", ".join(f"k{i}: {i}" for i in range(width))
    text = f"x-m0: &m0 {{{keys}}}\n"
    for number, sources in enumerate(levels, 1):
        aliases = ", ".join(f"*m{min(s, number - 1)}" for s in sources)
        own = "".join(f", {key}: own" for key in written)
        text += f"x-m{number}: &m{number} {{<<: [{aliases}]{own}}}\n"
    part = load(text.encode(), "yaml")
    if part is None:
        return  # refused with a reason (the value limit)
    for number in range(1, len(levels) + 1):
        merged = part.data[f"x-m{number}"]
        assert set(merged) <= {f"k{i}" for i in range(width)} | set(written)
        assert all(merged[key] == "own" for key in written)


ID_SECTIONS = ("processing", "recipients", "authorities")


@budget(150)
@given(ids=st.fixed_dictionaries({
    section: st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=6)
    for section in (*ID_SECTIONS, "offices")
}))
def test_duplicate_ids(ids: dict[str, list[str]]) -> None:
    """Any ids, repeated or not, in every list that has ids: each repetition is one warning
    naming the first place, and no processing activity or office is dropped or doubled."""
    document: dict[str, Any] = {
        "processing": [{"id": i, "name": f"p{n}", "data": ["x"]}
                       for n, i in enumerate(ids["processing"])],
        "recipients": [{"id": i, "name": f"r{n}"} for n, i in enumerate(ids["recipients"])],
        "authorities": [{"id": i, "name": f"a{n}"} for n, i in enumerate(ids["authorities"])],
        "organisation": {"name": "X", "offices": [{"id": i, "address": ["1 Road"]}
                                                  for i in ids["offices"]]},
    }
    with time_limit():
        part = parse_data(json.dumps(document).encode(), "ids.json", "json")
        data, problems = build_policy_data([(part, "ids.json")])
    twice = [p for p in problems if "is defined twice" in p.message]
    expected = sum(len(v) - len(set(v)) for v in ids.values())
    assert len(twice) == expected, [p.message for p in problems]
    assert all("the first definition is at ids.json:" in p.message for p in twice)
    assert [a.name for a in data.processing] == [f"p{n}" for n in range(len(ids["processing"]))]
    assert data.organisation is not None
    assert [o.id for o in data.organisation.offices] == ids["offices"]
    assert sorted(data.recipients) == sorted(set(ids["recipients"]))


OVERLAP_FILES = ("_data/processing.yaml", "_data/cookies.yaml", "_data/more/extra.yaml",
                 "other.yaml")
OVERLAP_PATTERNS = ["_data/processing.yaml", "_data/*.yaml", "_data/**/*.yaml", "*.yaml",
                    "**/*.yaml", "_data/../_data/cookies.yaml", "./other.yaml",
                    "_data/more/../processing.yaml", "_data/link.yaml"]


@pytest.fixture(scope="module")
def overlap_folder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("overlap")
    for number, relpath in enumerate(OVERLAP_FILES):
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"cookies:\n  - {{name: c{number}, category: necessary, purpose: p, "
                        "expiry: P1Y}\n", "utf-8")
    (root / "_data" / "link.yaml").symlink_to("processing.yaml")
    return root


@budget(150)
@given(patterns=st.lists(st.sampled_from(OVERLAP_PATTERNS), min_size=1, max_size=6))
def test_overlapping_patterns(overlap_folder: Any, patterns: list[str]) -> None:
    """Patterns that match the same files (twice, through '..', through a link): every file
    is read once, so no cookie is listed twice or "declared twice"."""
    from sphinx_policy.data.loading import load_project_data
    from sphinx_policy.data.source import WorkingTreeSource

    with time_limit():
        loaded = load_project_data(WorkingTreeSource(overlap_folder), patterns)
    names = [cookie.name for cookie in loaded.data.cookies]
    assert len(names) == len(set(names)), (patterns, names)
    assert not [p for p in loaded.problems if "declared twice" in p.message]
    resolved = [(overlap_folder / f).resolve() for f in loaded.files]
    assert len(resolved) == len(set(resolved))


# --------------------------------------------------------------------------- directives

BASE = {
    "organisation": {"name": "Base Ltd", "email": "privacy@base.example",
                     "offices": [{"id": "london", "address": ["1 Road"]}]},
    "jurisdictions": ["gdpr"],
    "recipients": [{"id": "google", "name": "Google LLC"}],
    "cookies": [{"name": "base", "category": "necessary", "purpose": "p", "expiry": "session"}],
    "facts": {"motto": "Base"},
}


@pytest.fixture(scope="module")
def sphinx_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    srcdir = tmp_path_factory.mktemp("hypothesis")
    (srcdir / "conf.py").write_text(
        'extensions = ["sphinx_policy"]\npolicy_git = False\n'
        'policy_data_files = ["data/*.yaml"]\n', "utf-8")
    (srcdir / "data").mkdir()
    (srcdir / "data" / "base.yaml").write_text(yaml.safe_dump(BASE), "utf-8")
    (srcdir / "index.rst").write_text("Index\n=====\n", "utf-8")
    for name in ("a.yaml", "b.json"):  # files for :file: and policy-data
        (srcdir / name).write_text(json.dumps(BASE), "utf-8")
    app = SphinxTestApp("html", srcdir=srcdir)
    app.build()  # prepares the builder for writing
    yield app
    app.cleanup()


#: Tags the directives may produce; anything else in the output came from the input.
ALLOWED_TAGS = {
    "div", "p", "table", "caption", "colgroup", "col", "thead", "tbody", "tr", "th", "td",
    "span", "strong", "a", "ul", "li", "code", "address", "dl", "dt", "dd", "br", "em",
    "section", "h1", "h2", "h3", "blockquote", "time", "pre",
}


def render(app: SphinxTestApp, text: str) -> str:
    """Parse ``text`` (reStructuredText) in the app, fill its dates and changelogs (as at
    doctree-resolved) and write it with the app's HTML translator."""
    before = len(app.warning.getvalue())
    with time_limit():
        doctree = parse(app, text, docname="index")
        fill_placeholders(app, doctree, "index")
        builder: Any = app.builder
        doctree.settings = builder.docsettings
        builder.current_docname = "index"
        visitor = builder.create_translator(doctree, builder)
        doctree.walkabout(visitor)
        html = "".join(visitor.fragment)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in ALLOWED_TAGS, str(tag)[:300]
        assert not [a for a in tag.attrs if a.lower().startswith("on")], str(tag)[:300]
        if tag.name == "a" and tag.get("href"):
            href = tag["href"]
            scheme = urlsplit(href).scheme.lower()
            assert scheme in ("", *SAFE_SCHEMES), href
            assert scheme or href.startswith("#"), href  # no relative links from data
    assert not [n for n in doctree.findall(nodes.raw)], "raw markup in the output"
    # The directive or role made its output -- unless docutils refused the markup itself
    # (an option without its value, a role with a stray backslash), which it reports.
    reported = app.warning.getvalue()[before:]
    refused = "ERROR:" in reported or "problematic" in html
    assert 'class="policy' in html or refused, (html[:500], reported[-500:])
    return html


def body(value: Any) -> str:
    """A directive body holding ``value`` as YAML, indented for reStructuredText."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1000) if value is not None else ""
    return "".join(f"   {line}\n" for line in dumped.splitlines())


line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="`"),
    max_size=40,
).map(str.strip)


def option_values(choices: list[str]) -> st.SearchStrategy[str]:
    picked = st.lists(st.sampled_from(choices) | line.filter(lambda t: ":" not in t), max_size=4)
    return picked.map(", ".join)


def options(spec: dict[str, list[str]]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional={k: option_values(v) for k, v in spec.items()})


def directive(name: str, argument: str, opts: dict[str, str], value: Any) -> str:
    head = f".. {name}:: {argument}".rstrip() + "\n"
    head += "".join(f"   :{k}: {v}\n" if v else f"   :{k}:\n" for k, v in opts.items())
    content = body(value)
    return head + ("\n" + content if content else "")


COOKIE_OPTIONS = {
    "category": ["necessary", "analytics", "marketing", "nope"],
    "provider": ["google", "Google LLC", "first-party", "nobody"],
    "storage": ["cookie", "localStorage", "pixel", "nope"],
    "party": ["first", "third", "fourth"],
    "columns": ["name", "provider", "party", "category", "storage", "purpose", "expiry",
                "domain", "notes", "bogus"],
    "group-by": ["category", "provider", "storage", "none", "colour"],
    "sort": ["name", "provider", "category", "storage", "size"],
    "empty": ["Nothing here."],
    "file": ["a.yaml", "b.json", "missing.yaml", "../../etc/passwd", "/a.yaml", "index.rst"],
    "class": ["x", "y z"],
}
cookie_body = shaped(schema()["properties"]["cookies"]) | policy_data | st.none()


@budget(60)
@given(caption=line, opts=options(COOKIE_OPTIONS), value=cookie_body)
def test_cookie_table(sphinx_app: SphinxTestApp, caption: str, opts: dict[str, str],
                      value: Any) -> None:
    render(sphinx_app, directive("cookie-table", caption, opts, value))


PROCESSING_OPTIONS = {
    "columns": ["name", "data", "source", "purpose", "basis", "retention", "recipients",
                "storage", "transfers", "required", "automated", "bogus"],
    "activities": ["sales", "support", "nope"],
    "law": ["gdpr", "popia", "uk", "california", "nope"],
    "file": ["a.yaml", "missing.yaml"],
}
processing_body = shaped(schema()["properties"]["processing"]) | policy_data | st.none()


@budget(60)
@given(caption=line, opts=options(PROCESSING_OPTIONS), value=processing_body)
def test_processing_table(sphinx_app: SphinxTestApp, caption: str, opts: dict[str, str],
                          value: Any) -> None:
    render(sphinx_app, directive("processing-table", caption, opts, value))


RIGHTS_OPTIONS = {
    "only": ["access", "erasure", "objection", "nope"],
    "exclude": ["access", "portability", "nope"],
    "file": ["a.yaml"],
}
FLAGS = ["no-citations", "no-exercise", "no-complaint", "no-headings"]
laws = st.lists(st.sampled_from(["gdpr", "uk-gdpr", "popia", "ccpa", "lgpd", "pipeda", "fadp",
                                 "eu", "za", "gdrp"]) | line, max_size=3).map(" ".join)


@budget(60)
@given(argument=laws, opts=options(RIGHTS_OPTIONS), flags=st.sets(st.sampled_from(FLAGS)),
       value=policy_data | st.none())
def test_rights(sphinx_app: SphinxTestApp, argument: str, opts: dict[str, str],
                flags: set[str], value: Any) -> None:
    render(sphinx_app, directive("rights", argument, {**opts, **dict.fromkeys(flags, "")}, value))


contact_argument = st.tuples(
    st.sampled_from(["", "organisation", "office", "officer", "authority", "dpo",
                     "information-officer", "eu-representative", "nonsense"]),
    st.sampled_from(["", "london", "paris", "gdpr", "popia", "ico", "dpo", "x"]) | line,
).map(lambda pair: " ".join(pair).strip())


@budget(60)
@given(argument=contact_argument,
       opts=options({"fields": ["name", "role", "address", "email", "phone", "website",
                                "registration", "complaints", "bogus"], "file": ["a.yaml"]}),
       value=policy_data | st.none())
def test_contact(sphinx_app: SphinxTestApp, argument: str, opts: dict[str, str],
                 value: Any) -> None:
    render(sphinx_app, directive("contact", argument, opts, value))


fact_path = st.sampled_from([
    "legal-name", "name", "email", "phone", "website", "registration", "motto",
    "organisation.offices", "organisation.offices.london.address", "officers.dpo.email",
    "facts.motto", "organisation.name.x", "cookies", "",
]) | line


@budget(60)
@given(files=st.lists(st.sampled_from(["a.yaml", "b.json", "missing.yaml", "../x.yaml",
                                        "/a.yaml", "index.rst", "data"]), min_size=1, max_size=3),
       path=fact_path, value=policy_data | st.none())
def test_policy_data_and_fact_role(sphinx_app: SphinxTestApp, files: list[str], path: str,
                                   value: Any) -> None:
    text = directive("policy-data", " ".join(files), {}, None)
    role = f":policy:`{path}`" if path.strip() else ""
    text += f"\nText {role}.\n\n" + directive("cookie-table", "", {}, value)
    render(sphinx_app, text)


@budget(60)
@given(path=fact_path)
def test_fact_role_alone(sphinx_app: SphinxTestApp, path: str) -> None:
    if path.strip():
        render(sphinx_app, f"Fact: :policy:`{path}`.\n")


@budget(60)
@given(
    kind=st.sampled_from(["last-updated", "effective-date"]),
    opts=options({"format": ["%d %B %Y", "%Y-%m-%d", "%", "%Q", "%-d"], "label": ["Updated"],
                  "class": ["x"]}),
    changelog=options({"pages": ["index", "all", "privacy", "nope"], "limit": ["0", "3", "x"],
                       "since": ["2024-01-01", "2024-02-30", "yesterday"], "editorial": [""],
                       "class": ["x"]}),
    role=line.filter(lambda t: t != ""),
)
def test_date_and_changelog_directives(sphinx_app: SphinxTestApp, kind: str,
                                       opts: dict[str, str], changelog: dict[str, str],
                                       role: str) -> None:
    text = directive(kind, "", opts, None) + f"\nRole :{kind}:`{role}`.\n\n"
    render(sphinx_app, text + directive("policy-changelog", "", changelog, None))


TIMEZONES = [*sorted(zoneinfo.available_timezones())[::7], "UTC", "Pacific/Kiritimati"]


@budget(200)
@given(
    timestamp=st.integers(min_value=-(2**64), max_value=2**64),
    timezone=st.sampled_from(TIMEZONES),
    fmt=st.none() | st.text(max_size=20) | st.sampled_from(["%d %B %Y", "%c", "%x", "%%", "%"]),
    language=st.none() | st.sampled_from(["en", "de", "fr", "pt_BR", "ar", "he", "ja", "xx",
                                          "en@x", "zz_ZZ", ""]) | st.text(max_size=8),
)
def test_any_date_rendering(timestamp: int, timezone: str, fmt: str | None,
                            language: str | None) -> None:
    """Every date git may give: shown when representable, never a traceback either way."""
    if not representable(timestamp):
        return  # sphinx-policy shows no date for it (tests/test_awkward_repositories.py)
    with time_limit():
        assert isinstance(format_for_readers(timestamp, timezone, fmt, language), str)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d(:\d\d)?",
                            iso(timestamp, timezone))
