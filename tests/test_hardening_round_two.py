"""Hardening, round two (issue 17): what an outside red team found, each closed at its cause.

One named test (or group) per finding:

1. ``init --git`` stages only the files it wrote and never nests a repository;
2. every pattern run on data is linear, and fields with a natural length have a limit;
3. YAML merge keys are resolved once per mapping and counted (tested on the oldest PyYAML
   allowed too: run this module in a virtual environment with ``pyyaml==6.0.2``);
4. a data file matched by several patterns is read once;
5. a duplicate id warns, naming both places;
6. ``import-cookies``: providers, encodings, oversized fields, control characters;
7. JSON and TOML have YAML's value limit, and a file's schema problems are capped;
8. a data file's content is parsed once per build, across revisions;
9. the docs' own extension, the docs and an ``init`` site survive mutated YAML files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from gitrepo import GitRepo, git_env
from policy_testing import (
    assert_no_traceback,
    by_name,
    column,
    find_warning,
    only_table,
    policy_warnings,
    soup_of,
    tables,
)
from policy_testing import main as main_body
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.cli import main
from sphinx_policy.cli.import_cookies import COLUMNS
from sphinx_policy.data import store
from sphinx_policy.data.parse import MAX_NODES, DataSyntaxError, parse_data

DOCS = Path(__file__).resolve().parent.parent / "docs"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root


def build_site(srcdir: Path, buildername: str = "html", **overrides: object) -> SphinxTestApp:
    app = SphinxTestApp(buildername, srcdir=srcdir, confoverrides=overrides or None)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


CONF = """extensions = ["myst_parser", "sphinx_policy"]
policy_git = False
exclude_patterns = ["_build"]
policy_data_files = {patterns!r}
"""


# --------------------------------------------------------------------------- 1. init --git


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = git_env(home)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=True).stdout


def test_init_git_force_in_a_repository_commits_only_the_files_it_wrote(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "app", home=Path(git_home["HOME"]))
    repo.write("app.py", "print('v1')\n")
    repo.write("README.md", "# App\n")
    repo.commit("the app")
    repo.write("app.py", "print('unfinished')\n")  # work in progress, not staged
    repo.write("staged.py", "x = 1\n")
    repo.add("staged.py")  # staged by the user, not for this commit
    repo.write(".env", "SECRET=hunter2\n")  # untracked secret
    before = _git(repo.path, "rev-list", "--count", "HEAD")

    assert main(["init", "-y", "--git", "--force", str(repo.path)]) == 0
    out = capsys.readouterr().out

    committed = sorted(_git(repo.path, "show", "--name-only", "--format=", "HEAD").split())
    written = sorted(line.strip() for line in out.splitlines() if line.startswith("  ")
                     and not line.startswith("  sphinx"))
    assert committed == written
    assert "conf.py" in committed and "_data/cookies.yaml" in committed
    assert ".env" not in committed and "app.py" not in committed and "staged.py" not in committed
    assert int(_git(repo.path, "rev-list", "--count", "HEAD")) == int(before) + 1
    status = _git(repo.path, "status", "--porcelain")
    assert " M app.py" in status.splitlines()  # still modified, not committed
    assert "A  staged.py" in status.splitlines()  # still staged, not committed
    assert "?? .env" in status.splitlines()  # still untracked
    assert "new git repository" not in out
    assert "existing git repository" in out


def test_init_git_inside_a_repository_does_not_nest_one(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "project", home=Path(git_home["HOME"]))
    repo.write("app.py", "print('app')\n")
    repo.commit("the app")

    assert main(["init", "-y", "--git", str(repo.path / "docs")]) == 0
    out = capsys.readouterr().out

    assert not (repo.path / "docs" / ".git").exists()
    tree = _git(repo.path, "ls-tree", "-r", "HEAD").splitlines()
    modes = {line.split("\t")[1]: line.split()[0] for line in tree}
    assert modes["docs/conf.py"] == "100644"  # a file of the outer repository
    assert "160000" not in modes.values()  # no embedded repository (gitlink)
    assert "app.py" in modes
    assert "new git repository" not in out


def test_init_git_never_nests_a_repository_in_one_git_refuses(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A repository git will not read (owned by another user): no repository is created
    inside it; git's complaint is shown."""
    repo = GitRepo(tmp_path / "project", home=Path(git_home["HOME"]))
    repo.write("app.py", "print('app')\n")
    repo.commit("the app")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    assert main(["init", "-y", "--git", str(repo.path / "docs")]) == 1
    assert not (repo.path / "docs" / ".git").exists()
    assert "git failed" in capsys.readouterr().err


def test_init_git_in_a_new_folder_still_creates_a_repository(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    assert main(["init", "-y", "--git", str(site)]) == 0
    assert (site / ".git").is_dir()
    assert "Created a new git repository" in capsys.readouterr().out
    assert _git(site, "status", "--porcelain") == ""


# --------------------------------------------------------------------------- 2. patterns


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
    root = write(tmp_path / "src", {
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


# --------------------------------------------------------------------------- 3. merge keys


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
    root = write(tmp_path / "src", {
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


# --------------------------------------------------------------------------- 4. patterns


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
    root = write(tmp_path / "src", {
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


# --------------------------------------------------------------------------- 5. ids


def test_duplicate_ids_warn_naming_both_places(tmp_path: Path) -> None:
    root = write(tmp_path / "src", {
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


# --------------------------------------------------------------------------- 6. import


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def row(name: str, controller: str, description: str = "Ad id", platform: str = "Ads") -> list[str]:
    return ["id", platform, "Marketing", name, "", description, "1 year", controller, "", "0"]


@pytest.fixture
def in_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def import_cookies(csv_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["import-cookies", str(csv_path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_keeps_a_second_providers_cookie_of_the_same_name(
    in_folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = in_folder / "ocd.csv"
    source.write_text(csv_text([row("uid", "Ad Network One"), row("uid", "Ad Network Two"),
                                row("uid", "Ad Network One")]), "utf-8")
    code, out, err = import_cookies(source, capsys)
    assert code == 0
    cookies = yaml.safe_load(out)["cookies"]
    assert [(c["name"], c["provider"]) for c in cookies] == [
        ("uid", "Ad Network One"), ("uid", "Ad Network Two")]
    assert "ocd.csv:4: uid repeats row 2" in err  # the same provider twice: left out
    assert str(in_folder) not in err  # paths as the user gave them, not absolute
    # and the build takes both, without a "declared twice"
    root = write(tmp_path / "site", {
        "conf.py": CONF.format(patterns=["_data/*.yaml"]), "_data/cookies.yaml": out,
        "index.md": "# C\n\n```{cookie-table}\n:columns: name, provider\n```\n"})
    app = build_site(root)
    assert policy_warnings(app) == []
    table = only_table(main_body(soup_of(app, "index")))
    assert column(table, "Provider") == ["Ad Network One", "Ad Network Two"]


@pytest.mark.parametrize(("encoding", "named"), [
    ("latin-1", "Windows-1252"), ("cp1252", "Windows-1252"), ("utf-16", "UTF-16"),
    ("utf-8-sig", None), ("utf-8", None),
])
def test_import_reads_the_encodings_spreadsheets_write(
    in_folder: Path, capsys: pytest.CaptureFixture[str], encoding: str, named: str | None
) -> None:
    source = in_folder / "ocd.csv"
    source.write_bytes(csv_text([row("prefs", "Café Société", "Mémorise la langue")]).encode(
        encoding))
    code, out, err = import_cookies(source, capsys)
    assert code == 0, err
    assert "Traceback" not in err
    cookie = yaml.safe_load(out)["cookies"][0]
    assert cookie["provider"] == "Café Société"
    assert cookie["purpose"] == "Mémorise la langue"
    if named:
        assert named in err  # says how it was read
    else:
        assert "read as" not in err


def test_import_oversized_field_is_a_usage_error(
    in_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = in_folder / "ocd.csv"
    source.write_text(csv_text([row("big", "X", "d" * 200_000)]), "utf-8")
    code, out, err = import_cookies(source, capsys)
    assert code == 2
    assert "Traceback" not in err and out == ""
    assert "ocd.csv:" in err and "131,072" in err


def test_import_removes_control_characters_and_the_build_accepts_the_result(
    in_folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = in_folder / "ocd.csv"
    source.write_text(csv_text([row("ctl\x07name", "Bell\x00 Inc", "Rings\x1b[31m red\x7f")]),
                      "utf-8")
    code, out, err = import_cookies(source, capsys)
    assert code == 0
    assert "control characters removed" in err
    root = write(tmp_path / "site", {
        "conf.py": CONF.format(patterns=["_data/*.yaml"]), "_data/cookies.yaml": out,
        "index.md": "# C\n\n```{cookie-table}\n:columns: name, provider, purpose\n```\n"})
    app = build_site(root)
    assert policy_warnings(app) == []
    table = only_table(main_body(soup_of(app, "index")))
    assert by_name(table, "Provider") == {"ctl name": "Bell Inc"}
    assert by_name(table, "Purpose")["ctl name"] == "Rings [31m red"


# --------------------------------------------------------------------------- 7. limits


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
    root = write(tmp_path / "src", {
        "conf.py": CONF.format(patterns=["_data/*.json"]),
        "_data/bad.json": json.dumps({"cookies": [1] * 20_000}),
        "index.md": "# Nothing\n",
    })
    app = build_site(root)
    assert_no_traceback(app)
    reported = policy_warnings(app)
    assert len(reported) == 101, len(reported)
    assert sum("only the first 100 are reported" in w for w in reported) == 1


# --------------------------------------------------------------------------- 8. one parse


@pytest.fixture
def parses() -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()

    def count(blob: str, location: str) -> None:
        counts[blob] += 1

    store.PARSE_HOOKS.append(count)
    try:
        yield counts
    finally:
        store.PARSE_HOOKS.remove(count)


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


# --------------------------------------------------------------------------- 9. docs, init


def mutations(raw: bytes) -> dict[str, bytes]:
    """The ways a YAML file is broken: each must give warnings, never a traceback."""
    try:
        top = yaml.safe_load(raw)
    except yaml.YAMLError:
        top = None
    keys = list(top) if isinstance(top, dict) else ["facts"]
    return {
        "invalid-utf8": raw[: len(raw) // 2] + b"\xff\xfe\xc3(" + raw[len(raw) // 2:],
        "python-tag": b"hostile: !!python/object/apply:os.system ['echo pwned']\n" + raw,
        "python-tag-section": b"facts: !!python/object:os.system {}\n",
        "wrong-types": "".join(f"{key}: [1, [2], {{x: 3}}]\n" for key in keys).encode(),
        "top-level-list": b"- 1\n- 2\n",
        "truncated": raw[: len(raw) // 3],
        "empty": b"",
    }


MUTATIONS = list(mutations(b"facts: {}\n"))


def test_docs_ext_survives_broken_example_facts(tmp_path: Path) -> None:
    """check_example_facts (builder-inited) on each mutation of seed-facts.yaml and
    policy.yaml."""
    conf = (f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
            + "extensions = ['myst_parser', 'sphinx_policy', 'policy_docs']\n"
            + "policy_git = False\nexclude_patterns = ['_build']\n")
    example = DOCS / "examples" / "fynbos-digital"
    for name in ("seed-facts.yaml", "policy.yaml"):
        for kind, content in mutations((example / name).read_bytes()).items():
            root = tmp_path / f"{name}-{kind}"
            write(root, {"conf.py": conf, "index.md": "# Example\n",
                         "examples/x/seed-facts.yaml": (example / "seed-facts.yaml").read_bytes(),
                         "examples/x/policy.yaml": (example / "policy.yaml").read_bytes()})
            (root / "examples" / "x" / name).write_bytes(content)
            app = build_site(root, "dummy")
            assert_no_traceback(app)
            if kind not in ("empty", "truncated"):  # the file, or the facts it no longer has
                assert any("examples/x/" in w for w in policy_warnings(app)), (
                    name, kind, app.warning.getvalue())


def _docs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return target


@pytest.mark.parametrize("shift", range(len(MUTATIONS)))
def test_docs_build_survives_mutated_yaml_files(tmp_path: Path, shift: int) -> None:
    """Every YAML file under docs/ broken at once, each in another way; over the runs each
    file gets every mutation. The build finishes with warnings, never a traceback."""
    docs = _docs_copy(tmp_path)
    files = sorted(p for p in docs.rglob("*.y*ml") if "_build" not in p.parts)
    assert len(files) >= 8
    for index, path in enumerate(files):
        kinds = mutations(path.read_bytes())
        path.write_bytes(kinds[MUTATIONS[(index + shift) % len(MUTATIONS)]])
    app = build_site(docs, "dummy", policy_git=False, policy_archives=False)
    assert_no_traceback(app)
    assert policy_warnings(app)


INIT_DATA = ["_data/organisation.yaml", "_data/cookies.yaml", "_data/processing.yaml"]


@pytest.fixture(scope="module")
def init_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("init") / "site"
    assert main(["init", "-y", str(site)]) == 0
    return site


@pytest.mark.parametrize("kind", MUTATIONS)
@pytest.mark.parametrize("relpath", INIT_DATA)
def test_init_site_survives_mutated_yaml_files(
    init_site: Path, tmp_path: Path, relpath: str, kind: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(init_site, site)
    path = site / relpath
    path.write_bytes(mutations(path.read_bytes())[kind])
    app = build_site(site)
    assert_no_traceback(app)
    assert (Path(app.outdir) / "privacy.html").is_file()
    if kind not in ("empty", "truncated"):  # a truncated file may be only its comments
        assert any(relpath in w for w in policy_warnings(app)), app.warning.getvalue()


def test_no_yaml_loader_outside_the_data_layer() -> None:
    """Data and page option blocks go through parse_data (its limits); the only other
    loads are of the package's own catalogs and of page front matter (read by MyST)."""
    package = Path(__file__).resolve().parent.parent / "sphinx_policy"
    loads = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if "yaml.safe_load(" in path.read_text("utf-8") or "yaml.load(" in path.read_text("utf-8")
    )
    assert loads == ["catalogs/__init__.py", "history/dates.py"], loads
