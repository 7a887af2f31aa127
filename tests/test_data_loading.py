"""Loading data files under hostile input: every pattern linear, natural length limits, YAML
merge keys resolved once and counted, each file read once, duplicate ids named, JSON
and TOML under YAML's value limit, and each content parsed once per build.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo
from policy_testing import (
    assert_no_traceback,
    build_site,
    column,
    find_warning,
    only_table,
    policy_warnings,
    soup_of,
    tables,
    write_files,
)
from policy_testing import main as main_body
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.cli import main
from sphinx_policy.data import loading
from sphinx_policy.data.parse import MAX_NODES, DataSyntaxError, parse_data

CONF = """extensions = ["myst_parser", "sphinx_policy"]
policy_git = False
exclude_patterns = ["_build"]
policy_data_files = {patterns!r}
"""


# --------------------------------------------------------------------------- patterns


LONG_VALUES = """organisation:
  name: Long Ltd
  email: "a@{dots}"
  website: "https://{host}"
  phone: "{digits}"
cookies:
  - name: "{name}"
    category: necessary
    purpose: p
    expiry: P1Y
    domain: "{host}"
"""


def test_long_values_are_refused_at_their_natural_limit(tmp_path: Path) -> None:
    """The email that took 14 s (``a@`` and 30,000 dots) and its kin in every field with a
    natural length: one policy.data warning each, naming the limit."""
    text = LONG_VALUES.format(dots="." * 30_000, host="h" * 3000 + ".example",
                              digits="1" * 80, name="n" * 300)
    root = write_files(tmp_path / "src", {
        "conf.py": CONF.format(patterns=["_data/*.yaml"]),
        "_data/long.yaml": text,
        "index.md": "# Cookies\n\n```{cookie-table}\n```\n",
    })
    app = build_site(root)
    assert_no_traceback(app)
    where = f"{root}/_data/long.yaml"
    for line, field, limit in ((3, "email", "254"), (4, "website", "2,000"),
                               (5, "phone", "50"), (7, "name", "256"), (11, "domain", "253")):
        found = find_warning(app, f"{where}:{line}", "data", f"→ {field} is ")
        assert f"more than the limit of {limit}" in found
    # one warning per value: the pattern is not reported again for a value over its limit
    assert len(policy_warnings(app)) == 5, policy_warnings(app)


def test_messages_quote_long_values_shortened() -> None:
    """A 100,000-character name declared twice, with a bad expiry: the warnings quote it
    shortened (a huge value must not make a huge warning)."""
    from sphinx_policy.data.model import build_policy_data

    name = "n" * 100_000
    cookie = {"name": name, "category": "necessary", "purpose": "p", "expiry": "P2X",
              "domain": "d" * 100_000}
    raw = json.dumps({"cookies": [cookie, cookie],
                      "recipients": [{"id": name, "name": "A"}, {"id": name, "name": "B"}]})
    part = parse_data(raw.encode(), "x.json", "json")
    _, problems = build_policy_data([(part, "x.json")])
    assert {p.line for p in problems} and len(problems) >= 4
    assert max(len(p.message) for p in problems) < 1_000, [len(p.message) for p in problems]


def test_email_pattern_still_tells_addresses_apart(tmp_path: Path) -> None:
    good = ["privacy@example.org", "a.b+c@mail.example.co.za", "x@y.z"]
    bad = ["a@" + "." * 200, "a@b", "a@.b", "a@b.", "a@b..c", "a b@c.d", "a@b@c.d"]
    from sphinx_policy.data.validate import validate

    def problems(email: str) -> list[str]:
        raw = json.dumps({"organisation": {"name": "X", "email": email}}).encode()
        return [p.message for p in validate(parse_data(raw, "x.json", "json"))]

    assert all(problems(e) == [] for e in good), [problems(e) for e in good]
    assert all(len(problems(e)) == 1 for e in bad), [problems(e) for e in bad]


def test_long_numbers_are_found_in_one_pass() -> None:
    """Many runs of 3,999 digits (each almost too long) before one of 4,000: the line of the
    long one is reported (the scan looks at each digit once)."""
    runs = ["[facts]"] + [f'n{i} = "{"1" * 3_999}"' for i in range(200)]
    runs.append("big = 1" + "0" * 4_999)
    with pytest.raises(DataSyntaxError) as caught:
        parse_data("\n".join(runs).encode(), "x.toml", "toml")
    assert caught.value.line == 202


# --------------------------------------------------------------------------- merge keys


def merge_bomb(levels: int = 9, width: int = 10) -> str:
    """The red team's shape: every level merges the level below ``width`` times."""
    keys = ", ".join(f"k{i}: {i}" for i in range(width))
    text = f"x-a0: &a0 {{{keys}}}\n"
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        text += f"x-a{level}: &a{level} {{<<: [{aliases}]}}\n"
    return text + f"facts:\n  merged: {{<<: *a{levels}, own: yes}}\n"


def test_merge_key_bomb_is_read_as_the_small_mapping_it_means() -> None:
    """679 bytes that PyYAML 6.0.2 grows to 1 GB: every merge keeps one pair per key."""
    bomb = merge_bomb()
    assert len(bomb) < 1_000
    parsed = parse_data(bomb.encode(), "bomb.yaml", "yaml")
    merged = parsed.data["facts"]["merged"]
    assert merged == {**{f"k{i}": i for i in range(10)}, "own": True}
    assert parsed.data["x-a9"] == {f"k{i}": i for i in range(10)}


def test_merge_keys_count_against_the_value_limit() -> None:
    """Small, but merging a 1,000-key mapping 250 times looks at 250,000 pairs."""
    keys = ", ".join(f"k{i}: 0" for i in range(1000))
    text = f"x-a: &a {{{keys}}}\nfacts: {{<<: [{', '.join(['*a'] * 250)}]}}\n"
    with pytest.raises(DataSyntaxError) as caught:
        parse_data(text.encode(), "m.yaml", "yaml")
    assert f"{MAX_NODES:,}" in str(caught.value) and caught.value.line == 2


def test_merge_key_semantics_are_kept() -> None:
    text = ("x-a: &a {p: 1, q: 1}\nx-b: &b {p: 2, r: 2}\n"
            "first: {<<: [*a, *b]}\nwritten: {<<: *a, p: 9}\nself: &s {<<: *a}\n")
    data = parse_data(text.encode(), "m.yaml", "yaml").data
    assert data["first"] == {"p": 1, "q": 1, "r": 2}  # the first source wins
    assert data["written"] == {"p": 9, "q": 1}  # a written key overrides a merged one
    assert data["self"] == {"p": 1, "q": 1}


def test_merge_key_bomb_in_a_build(tmp_path: Path) -> None:
    cookies = "cookies:\n  - {<<: *c, name: one}\n  - {<<: *c, name: two}\n"
    root = write_files(tmp_path / "src", {
        "conf.py": CONF.format(patterns=["_data/*.yaml"]),
        "_data/bomb.yaml": merge_bomb().replace(
            "facts:\n  merged:", "x-c: &c {category: necessary, purpose: p, expiry: P1Y}\n"
            "x-merged:") + cookies,
        "index.md": "# Cookies\n\n```{cookie-table}\n```\n",
    })
    app = build_site(root)
    assert_no_traceback(app)
    table = only_table(main_body(soup_of(app, "index")))
    assert column(table, "Name") == ["one", "two"]
    assert all("unknown key 'x-" in w for w in policy_warnings(app)), policy_warnings(app)


# --------------------------------------------------------------------------- patterns


PROCESSING = """processing:
  - id: accounts
    name: Customer accounts
    data: [name]
    purposes: [contract]
    lawful_basis: contract
  - id: newsletter
    name: Newsletter
    data: [email]
    purposes: [marketing]
    lawful_basis: consent
"""
COOKIES = "cookies:\n  - {name: sid, category: necessary, purpose: p, expiry: session}\n"


def test_overlapping_patterns_read_each_file_once(tmp_path: Path) -> None:
    root = write_files(tmp_path / "src", {
        "conf.py": CONF.format(patterns=["_data/processing.yaml", "_data/*.yaml",
                                         "_data/../_data/cookies.yaml"]),
        "_data/processing.yaml": PROCESSING,
        "_data/cookies.yaml": COOKIES,
        "index.md": "# Processing\n\n```{processing-table}\n```\n\n```{cookie-table}\n```\n",
        "page.md": ("# Page\n\n```{policy-data} _data/cookies.yaml\n```\n\n"
                    "```{cookie-table}\n:file: _data/cookies.yaml\n```\n"),
    })
    (root / "_data" / "alias.yaml").symlink_to("processing.yaml")  # the same file again
    app = build_site(root)
    assert_no_traceback(app)
    assert policy_warnings(app) == []
    soup = main_body(soup_of(app, "index"))
    processing, cookies = tables(soup)
    assert len([row for row in processing.select("tbody tr")]) == 2
    assert column(cookies, "Name") == ["sid"]
    assert column(only_table(main_body(soup_of(app, "page"))), "Name") == ["sid"]
    # check reads the files as the build does: nothing declared twice
    assert main(["check", str(root)]) == 0


# --------------------------------------------------------------------------- ids


def test_duplicate_ids_warn_naming_both_places(tmp_path: Path) -> None:
    root = write_files(tmp_path / "src", {
        "conf.py": CONF.format(patterns=["_data/*.yaml"]),
        "_data/a.yaml": (
            "organisation:\n  name: Dup Ltd\n  offices:\n"
            "    - {id: hq, country: ZA, address: [1 Road]}\n"
            "    - {id: hq, country: UK, address: [2 Street]}\n"
            "jurisdictions: [gdpr, gdpr]\n"
            "processing:\n  - {id: crm, name: First, data: [postal address]}\n"
            "authorities:\n  - {id: ico, name: First authority}\n"
            "recipients:\n  - {id: acme, name: First recipient}\n"
        ),
        "_data/b.yaml": (
            "processing:\n  - {id: crm, name: Second, data: [phone number]}\n"
            "authorities:\n  - {id: ico, name: Second authority}\n"
            "recipients:\n  - {id: acme, name: Second recipient}\n"
        ),
        "index.md": "# P\n\n```{processing-table}\n```\n",
    })
    app = build_site(root)
    assert_no_traceback(app)
    a, b = f"{root}/_data/a.yaml", f"{root}/_data/b.yaml"
    expected = [
        (f"{a}:5", "the office id 'hq'", "_data/a.yaml:4"),
        (f"{a}:6", "the jurisdiction 'gdpr'", "_data/a.yaml:6"),
        (f"{b}:2", "the processing activity id 'crm'", "_data/a.yaml:8"),
        (f"{b}:4", "the authority id 'ico'", "_data/a.yaml:10"),
        (f"{b}:6", "the recipient id 'acme'", "_data/a.yaml:12"),
    ]
    for location, what, first in expected:
        found = find_warning(app, location, "data", f"{what} is defined twice")
        assert f"the first definition is at {first}" in found
    assert len(policy_warnings(app)) == len(expected), policy_warnings(app)
    # Both activities are shown: nothing dropped.
    text = main_body(soup_of(app, "index")).get_text(" ")
    assert "postal address" in text and "phone number" in text


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize("fmt", ["json", "toml", "yaml"])
def test_every_format_has_the_value_limit(fmt: str) -> None:
    values = [1] * (MAX_NODES + 10)
    text = {"json": json.dumps({"facts": {"many": values}}),
            "toml": "[facts]\nmany = [" + ", ".join(map(str, values)) + "]\n",
            "yaml": "facts:\n  many: [" + ", ".join(map(str, values)) + "]\n"}[fmt]
    with pytest.raises(DataSyntaxError) as caught:
        parse_data(text.encode(), f"x.{fmt}", fmt)
    assert f"{MAX_NODES:,}" in str(caught.value)


def test_a_file_wrong_everywhere_gets_a_bounded_number_of_warnings(tmp_path: Path) -> None:
    root = write_files(tmp_path / "src", {
        "conf.py": CONF.format(patterns=["_data/*.json"]),
        "_data/bad.json": json.dumps({"cookies": [1] * 20_000}),
        "index.md": "# Nothing\n",
    })
    app = build_site(root)
    assert_no_traceback(app)
    reported = policy_warnings(app)
    assert len(reported) == 101, len(reported)
    assert sum("only the first 100 are reported" in w for w in reported) == 1


# --------------------------------------------------------------------------- one parse


@pytest.fixture
def parses() -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()

    def count(blob: str, location: str) -> None:
        counts[blob] += 1

    loading.PARSE_HOOKS.append(count)
    try:
        yield counts
    finally:
        loading.PARSE_HOOKS.remove(count)


def test_each_data_blob_is_parsed_once_per_build(
    tmp_path: Path, build: Callable[..., SphinxTestApp], parses: Counter[str]
) -> None:
    """Three revisions of a policy over one data file that never changes, and one that
    changes once: each content is parsed once, not once per revision."""
    repo = GitRepo(tmp_path / "site")
    many = "cookies:\n" + "".join(
        f"  - {{name: c{i}, category: necessary, purpose: p, expiry: P1Y}}\n" for i in range(300))
    repo.write("conf.py", CONF.format(patterns=["_data/*.yaml"]).replace(
        "policy_git = False\n", ""))
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("_data/cookies.yaml", many)
    repo.write("_data/org.yaml", "organisation: {name: One}\n")
    for number, text in enumerate(["one", "two", "three"]):
        repo.write("privacy.md", f"---\npolicy: true\n---\n# Privacy\n\nVersion {text}.\n\n"
                   "```{cookie-table}\n```\n\n```{policy-changelog}\n```\n")
        if number == 2:
            repo.write("_data/org.yaml", "organisation: {name: Two}\n")
        repo.commit(f"Version {text}\n\nPolicy-Change: Version {text}.",
                    date=f"202{number}-01-01T00:00:00+00:00")
    app = build(repo)
    assert_no_traceback(app)
    showing = [p for p in Path(app.outdir).rglob("*.html") if "c299" in p.read_text("utf-8")]
    assert len(showing) >= 4, showing  # the page and its three archived revisions
    assert sorted(parses.values()) == [1, 1, 1], parses  # cookies once; org.yaml: two contents




def test_valid_data_is_told_apart_without_jsonschema_exactly_as_jsonschema_would() -> None:
    """validate's shortcut for valid data (no jsonschema import) says "valid" exactly when
    jsonschema finds no error: the repository's data files, each changed in random ways
    (fixed seed) with values the schema's own keywords care about."""
    import copy
    import random

    from sphinx_policy.data import validate

    root = Path(__file__).resolve().parent.parent
    documents = []
    for path in sorted([*root.glob("docs/**/*.yaml"), *root.glob("tests/**/*.yaml")]):
        try:
            data = parse_data(path.read_bytes(), str(path), "yaml").data
        except DataSyntaxError:
            continue
        if isinstance(data, dict):
            documents.append(data)
    assert documents
    values: list[object] = [
        None, True, False, 0, 1, 1.0, 1.5, "", "x", "2024-02-29", "2024-02-30",
        "2024-01-01\n", "https://a.example", "http://", "a@b.example", "a@b", "+1 234", "12",
        "-x", "gdpr:x", "x y", "a" * 300, [], [1], ["a"], [""], [None], {}, {"x": 1},
        {"data": "a"}, {"categories": ["a"]}, {"gdpr": "consent"}, {"gdpr": "nope"},
        {"number": "1"}, {"practice": "x"}, {"law": "gdpr"}, {"law": "gdpr", "x": 1},
    ]
    keys: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties":
                    keys.update(value)
                if key == "enum":
                    values.extend(value)
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(validate.schema())
    names = sorted(keys)

    def places(node: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
        yield path
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else ()
        for key, value in items:
            yield from places(value, (*path, key))

    rng = random.Random(19)
    checker = validate._validator()
    verdicts = Counter()
    for round_ in range(3000):
        data = copy.deepcopy(documents[round_ % len(documents)])
        for _ in range(rng.randint(0, 3)):
            path = rng.choice(list(places(data)))
            if not path:
                continue
            parent: Any = data
            for key in path[:-1]:
                parent = parent[key]
            choice = rng.random()
            if choice < 0.6:
                parent[path[-1]] = copy.deepcopy(rng.choice(values))
            elif choice < 0.8 and isinstance(parent, dict):
                parent[rng.choice(names)] = copy.deepcopy(rng.choice(values))
            else:
                del parent[path[-1]]
        valid = not any(True for _ in checker.iter_errors(data))
        assert validate._certainly_valid(data) == valid, data
        verdicts[valid] += 1
    assert verdicts[True] > 300 and verdicts[False] > 300, verdicts
