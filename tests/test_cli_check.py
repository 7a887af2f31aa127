"""``sphinx-policy check``: the build's ``policy.*`` warnings, from a build that writes
nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.util.console import strip_colors

from sphinx_policy.cli import main

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
policy_git = False
policy_data_files = ["data/*.yaml", "missing/*.yaml"]
"""
PROJECT_DATA = """\
organisation:
  name: Acme
  emial: privacy@acme.example
recipients:
  - id: google
    name: Google LLC
cookies:
  - name: _ga
    provider: google
    category: analytic
    purpose: Statistics.
    expiry: P2X
processing:
  - id: enquiries
    data: [name]
    recipients: [gogle]
jurisdictions: [gdpr, mars]
"""
PAGE_DATA = """\
processing:
  - id: newsletter
    data: [email]
    recipients: [google]
    retention: 365
  - id: other
    data: [email]
    recipients: [nobody]
"""
TABLE_FILE = """\
cookies:
  - name: pref
    category: preferences
    purpose: Remembers.
    expiry: P1Y
    colour: blue
"""
BROKEN_SYNTAX = "cookies: [\n  - name: x\n"
INDEX = """\
# Home

```{toctree}
other
```

```{policy-data} data-page/page.yaml
```

```{cookie-table}
:file: tables/table.yaml
```

```{processing-table}
:file: tables/absent.yaml
```

```{cookie-table}
:columns: name

- name: inline
  category: necesary
  purpose: Inline.
  expiry: session
```

:::{note}
```{cookie-table}
- name: nested
  category: necessary
  purpose: Nested.
```
:::

```{cookie-table}
:file: tables/broken.yaml
```
"""
OTHER = """\
Other
=====

.. cookie-table::
   :file: tables/table.yaml

.. processing-table::

   - id: rst
     data: [x]
     retention: P1Q
"""


def write_project(root: Path) -> Path:
    files = {
        "conf.py": CONF,
        "data/policy.yaml": PROJECT_DATA,
        "data-page/page.yaml": PAGE_DATA,
        "tables/table.yaml": TABLE_FILE,
        "tables/broken.yaml": BROKEN_SYNTAX,
        "index.md": INDEX,
        "other.rst": OTHER,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?:WARNING: )?(?P<message>.*) "
                  r"\[policy\.(?P<subtype>\w+)\]$")


def parse(text: str) -> set[tuple[str, int, str, str]]:
    found = set()
    for raw in strip_colors(text).splitlines():
        match = LINE.match(raw.strip())
        if match:
            found.add((str(Path(match["path"]).resolve()), int(match["line"]),
                       match["message"], match["subtype"]))
    return found


def small_project(root: Path, data: str, index: str = "# Home\n\n```{cookie-table}\n```\n",
                  conf: str = "") -> Path:
    """A project without git: ``d.yaml`` as its data, ``index.md`` showing it."""
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n'
                                  'policy_git = False\npolicy_data_files = ["d.yaml"]\n' + conf)
    (root / "d.yaml").write_text(data)
    (root / "index.md").write_text(index)
    return root


def test_check_reports_what_the_build_reports(tmp_path, make_app, capsys, monkeypatch):
    root = write_project(tmp_path / "site")
    app = make_app("html", srcdir=root)
    app.build()
    built = parse(app.warning.getvalue())
    monkeypatch.chdir(tmp_path)
    code = main(["check", "site"])
    out = capsys.readouterr()
    checked = parse(out.out)
    assert code == 1
    assert len(built) >= 12, app.warning.getvalue()
    assert checked == built
    # every kind of source is covered: conf.py, project data, policy-data, :file:, bodies
    where = {Path(p).name for p, *_ in checked}
    assert {"conf.py", "policy.yaml", "page.yaml", "table.yaml", "broken.yaml", "index.md",
            "other.rst"} <= where
    subtypes = {s for *_, s in checked}
    assert {"data", "syntax", "file", "reference"} <= subtypes
    # paths are shown relative to the working folder, in file:line: message form
    assert re.search(r"^site/data/policy\.yaml:3: unknown key 'emial'", out.out, re.M)
    assert "problem(s) in the data" in out.err


#: A project with one of each kind of bad input, each on a page or file of its own.
AGREEMENT = {
    "conf.py": (
        'extensions = ["myst_parser", "sphinx_policy"]\n'
        'exclude_patterns = ["_build"]\n'
        "policy_git = False\n"
        'policy_data_files = ["_data/*.yaml"]\n'
        'policy_pages = ["privacy"]\n'
        'policy_timezone = "Mars/Olympus"\n'  # a setting: a warning without a location
    ),
    # a data file with a misspelt key, a provider that is no recipient, a bad duration
    "_data/org.yaml": (
        "organisation:\n  name: Acme Ltd\n  emial: privacy@acme.example\n"
        "jurisdictions: [gdpr]\nrecipients:\n  - {id: google, name: Google LLC}\n"
        "cookies:\n  - name: _ga\n    provider: gogle\n    category: statistics\n"
        "    purpose: Statistics.\n    expiry: 2 yeras\n"
    ),
    "_data/broken.yaml": "cookies: [\n  - name: x\n",  # not YAML
    "index.md": "# Home\n\n```{toctree}\nprivacy\ncookies\nbad-front\nquoted\nother\n```\n",
    # a policy page that misses required disclosures, and a role naming no fact
    "privacy.md": ("---\npolicy: true\n---\n# Privacy\n\nFax us at {policy}`organisation.fax`."
                   "\n\n```{processing-table}\n```\n\n```{rights}\n```\n"),
    # an unknown cookie in a role, options not accepted, an unknown authority, a missing file
    "cookies.md": ("# Cookies\n\nThe cookie lasts {policy}`cookies._gx.expiry`.\n\n"
                   "```{cookie-table}\n:provider: nobody\n:columns: name, colour\n```\n\n"
                   "```{contact} authority nowhere\n```\n\n"
                   "```{cookie-table}\n:file: tables/absent.yaml\n```\n"),
    # front matter that is not YAML (a month 13), and an effective date that is no date
    "bad-front.md": "---\npolicy:\n  effective: 2024-13-01\n---\n# Bad front matter\n",
    "quoted.md": '---\npolicy:\n  effective: "2024-13-01"\n---\n# Quoted\n',
    # a directive body in reStructuredText with a bad value and a body that is not YAML
    "other.rst": ("Other\n=====\n\n.. cookie-table::\n\n   - name: inline\n"
                  "     category: necesary\n     purpose: Inline.\n     expiry: session\n\n"
                  ".. processing-table::\n\n   - id: [unclosed\n"),
}

BUILD_LINE = re.compile(r"^(?:(?P<path>.+?)(?::(?P<line>\d+))?: )?WARNING: .* "
                        r"\[policy\.(?P<subtype>\w+)\]$")


def sphinx_build_warnings(root: Path, out: Path) -> set[tuple[str, int | None, str]]:
    """(file, line, subtype) of every policy.* warning of a real sphinx-build run."""
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-q", "-E", "-b", "html", str(root),
         str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    found = set()
    for raw in proc.stderr.splitlines():
        match = BUILD_LINE.match(raw.strip())
        if match:
            path = str(Path(match["path"]).resolve()) if match["path"] else ""
            found.add((path, int(match["line"]) if match["line"] else None, match["subtype"]))
    return found


def test_check_and_sphinx_build_report_the_same_warnings(tmp_path, capsys):
    root = tmp_path / "agree"
    for name, text in AGREEMENT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    built = sphinx_build_warnings(root, tmp_path / "html")
    assert main(["check", "--json", "-q", str(root)]) == 1
    checked = {(str(Path(f["path"]).resolve()) if f["path"] else "", f["line"], f["subtype"])
               for f in json.loads(capsys.readouterr().out)}
    assert checked == built
    # every kind of bad input is there, at its own file
    where = {(Path(path).name if path else "", subtype) for path, _line, subtype in built}
    assert {("", "config"), ("org.yaml", "data"), ("org.yaml", "reference"),
            ("broken.yaml", "syntax"), ("privacy.md", "completeness"),
            ("privacy.md", "reference"), ("cookies.md", "reference"), ("cookies.md", "option"),
            ("cookies.md", "file"), ("bad-front.md", "data"), ("quoted.md", "data"),
            ("other.rst", "data"), ("other.rst", "syntax")} <= where, sorted(where)
    # check writes nothing into the project
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) \
        == sorted(AGREEMENT)


def test_check_leaves_out_the_git_warnings_unless_asked(tmp_path, capsys, monkeypatch):
    """Without --git, git does not run (no history index, so no policy.uncommitted for
    a page that is not committed); with --git the warnings are the build's."""
    from gitrepo import GitRepo, pin_git_environment

    repo = GitRepo(tmp_path / "repo")
    repo.write("conf.py", 'extensions = ["myst_parser", "sphinx_policy"]\n'
                          'policy_data_files = ["d.yaml"]\n')
    repo.write("d.yaml", "cookies:\n  - {name: a, category: necessary, purpose: P., "
                         "expiry: session}\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nnew\n```\n\n```{cookie-table}\n```\n")
    repo.commit("first", date="2024-01-01T00:00:00+00:00")
    repo.write("new.md", "# New\n\nNot committed yet.\n")
    pin_git_environment(monkeypatch, repo.env)
    trace = tmp_path / "git-trace.log"  # git itself logs every command it runs here
    monkeypatch.setenv("GIT_TRACE", str(trace))
    assert main(["check", "-q", str(repo.path)]) == 0
    assert capsys.readouterr().out == ""
    assert not trace.exists() or trace.read_text() == ""  # git never ran
    assert main(["check", "-q", "--git", str(repo.path)]) == 1
    assert "git" in trace.read_text()
    out = capsys.readouterr().out
    assert re.search(r"new\.md: .*new\.md is not committed to git.* \[policy\.uncommitted\]",
                     out), out


def test_a_yml_file_beside_yaml_data_is_reported_not_dropped(tmp_path, make_app, capsys):
    root = tmp_path / "yml"
    (root / "_data").mkdir(parents=True)
    (root / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n'
                                  'policy_git = False\npolicy_data_files = ["_data/*.yaml"]\n')
    (root / "_data/cookies.yaml").write_text(
        "cookies:\n  - {name: a, category: necessary, purpose: P., expiry: session}\n")
    (root / "_data/marketing.yml").write_text(
        "cookies:\n  - {name: b, category: marketing, purpose: Ads., expiry: P1Y}\n")
    (root / "index.md").write_text("# Home\n\n```{cookie-table}\n```\n")
    app = make_app("html", srcdir=root)
    app.build()
    message = ("_data/marketing.yml is not read: policy_data_files has '_data/*.yaml', which "
               "does not match the '.yml' spelling. Add '_data/*.yml' to policy_data_files")
    assert message in app.warning.getvalue() and "[policy.file]" in app.warning.getvalue()
    assert main(["check", str(root)]) == 1
    assert message in capsys.readouterr().out


def test_valid_project_passes(tmp_path, capsys):
    root = tmp_path / "ok"
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n'
                                  'policy_data_files = ["policy.yaml"]\n')
    (root / "policy.yaml").write_text(
        "cookies:\n  - {name: a, category: necessary, purpose: P., expiry: session}\n")
    (root / "index.md").write_text("# Home\n\n```{cookie-table}\n```\n")
    assert main(["check", str(root)]) == 0
    out = capsys.readouterr()
    assert out.out == ""
    assert "no problems (1 data file(s)" in out.err


def test_unreadable_page_is_reported_not_skipped(tmp_path, capsys):
    """A page that is not UTF-8: Sphinx 9 stops the build there, and check reports the
    page (policy.file) and that the build stopped; Sphinx 8 reads it with "?" for the
    bad bytes and warns, and check says that the build gave a warning of its own."""
    root = tmp_path / "latin1"
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n')
    (root / "index.md").write_bytes("# Datenschutzerkl\u00e4rung\n".encode("latin-1"))
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-q", "-E", "-b", "dummy", str(root),
         str(tmp_path / "out")], capture_output=True, text=True, check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)})  # Sphinx 9 saves its traceback there
    code = main(["check", str(root)])
    out = capsys.readouterr()
    if build.returncode != 0:
        assert "UnicodeDecodeError" in build.stderr
        assert code == 1
        assert re.search(r"index\.md:1: cannot read this page: 'utf-8' codec can't decode",
                         out.out)
        assert "[policy.file]" in out.out
        assert "the build stopped before its end" in out.err
    else:
        assert "index.md" in build.stderr and "WARNING" in build.stderr
        assert code == 0
        assert re.search(r"also gave [1-9]\d* warning\(s\) of Sphinx", out.err)


def test_json_output(tmp_path, capsys):
    root = write_project(tmp_path / "site")
    assert main(["check", "--json", "-q", str(root)]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert {"subtype", "message", "path", "line"} == set(findings[0])
    assert any(f["message"].startswith("unknown key 'emial'") for f in findings)


@pytest.mark.parametrize("args", [["check", "nowhere"], ["check", "--bogus"]])
def test_usage_errors_exit_2(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert "usage:" in capsys.readouterr().err


def test_folder_without_conf_py(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert "has no conf.py" in capsys.readouterr().err


def test_every_misspelt_key_of_an_item_is_named(tmp_path, make_app, capsys):
    root = small_project(tmp_path / "typos", "cookies:\n  - name: _ga\n    categroy: statistics\n"
                         "    purpose: P.\n    expirey: P1Y\n")
    app = make_app("html", srcdir=root)
    app.build()
    log = app.warning.getvalue()
    assert re.search(r"d\.yaml:3: WARNING: unknown key 'categroy' .*did you mean 'category'", log)
    assert re.search(r"d\.yaml:5: WARNING: unknown key 'expirey' .*did you mean 'expiry'", log)
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "unknown key 'categroy'" in out and "unknown key 'expirey'" in out


def test_a_provider_that_is_nearly_a_recipient_id_is_a_typo(tmp_path, make_app, capsys):
    root = small_project(tmp_path / "provider", (
        "recipients:\n  - {id: google, name: Google LLC}\n"
        "cookies:\n"
        "  - {name: _ga, provider: gogle, category: statistics, purpose: P., expiry: P2Y}\n"
        "  - {name: x, provider: Example Ads Ltd, category: marketing, purpose: P., expiry: P1Y}\n"
    ))
    app = make_app("html", srcdir=root)
    app.build()
    log = app.warning.getvalue()
    assert re.search(r"d\.yaml:4: WARNING: cookie '_ga': the provider 'gogle' is not a "
                     r"recipient id; did you mean 'google'\?", log)
    assert "Example Ads" not in log  # a provider's own name is fine
    assert main(["check", str(root)]) == 1
    assert "the provider 'gogle'" in capsys.readouterr().out


def test_plain_english_durations_are_durations_and_typos_are_caught(
    tmp_path, make_app, capsys
):
    """'24 months' is read as P24M (so it is translated like one); '2 yeras' is a number
    and a word that is no unit: a warning with a suggestion, not text published as is."""
    root = small_project(tmp_path / "durations", (
        "cookies:\n"
        "  - {name: a, category: necessary, purpose: P., expiry: 24 months}\n"
        "  - {name: b, category: necessary, purpose: P., expiry: 2 yeras}\n"
        "  - {name: c, category: necessary, purpose: P., expiry: Until you log out}\n"
    ), conf='language = "de"\n')
    app = make_app("html", srcdir=root)
    app.build()
    log = app.warning.getvalue()
    assert re.search(r"d\.yaml:3: WARNING: cookie 'b': expiry '2 yeras' looks like a duration "
                     r"but 'yeras' is not a unit of time \(did you mean '2 years'\?\)", log)
    assert log.count("WARNING") == 1, log
    page = (Path(app.outdir) / "index.html").read_text("utf-8")
    assert "24 Monate" in page and "Until you log out" in page
    assert main(["check", str(root)]) == 1
    assert "'2 yeras' looks like a duration" in capsys.readouterr().out


def test_facts_missing_because_a_file_is_broken_point_at_that_file(tmp_path, make_app):
    """One tab in organisation.yaml: the syntax warning, and the follow-up warnings say
    where the missing facts most likely are instead of misleading on their own."""
    root = tmp_path / "cascade"
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n'
                                  'policy_git = False\n'
                                  'policy_data_files = ["cookies.yaml", "org.yaml"]\n')
    (root / "cookies.yaml").write_text(
        "cookies:\n  - {name: a, category: necessary, purpose: P., expiry: session}\n")
    (root / "org.yaml").write_text(
        "organisation:\n  name: Acme\n\temail: privacy@acme.example\njurisdictions: [gdpr]\n")
    (root / "index.md").write_text("# Home\n\nWrite to {policy}`email`.\n\n```{rights}\n```\n")
    app = make_app("html", srcdir=root)
    app.build()
    lines = [line for line in app.warning.getvalue().splitlines() if "[policy." in line]
    assert "org.yaml:3: WARNING: YAML syntax error" in lines[0]
    assert len(lines) == 3, lines
    for follow_up in lines[1:]:
        assert f"it may be in {root / 'org.yaml'}, which could not be read" in follow_up
    assert "did you mean 'email'" not in lines[1]


def test_check_reports_front_matter_and_time_zone_as_the_build_does(tmp_path, capsys):
    root = tmp_path / "front"
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n'
                                  'policy_timezone = "Africa/Capetown"\n')
    (root / "index.md").write_text("# Home\n\n```{toctree}\nquoted\nbare\n```\n")
    (root / "quoted.md").write_text('---\npolicy:\n  effective: "2024-13-01"\n---\n# Q\n')
    (root / "bare.md").write_text("---\npolicy:\n  effective: 2024-13-01\n---\n# B\n")
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert ("policy_timezone = 'Africa/Capetown' is not a known time zone" in out)
    assert re.search(r"quoted\.md:1: front matter policy\.effective = '2024-13-01' is not a "
                     r"date; write YYYY-MM-DD", out)
    assert re.search(r"bare\.md:\d+: the front matter is not valid YAML \(.*month.*\); the "
                     r"build ignores all of it", out)


# --------------------------------------------------------------------------- catalog report

CATALOG_CONF = ('extensions = ["myst_parser", "sphinx_policy"]\npolicy_git = False\n'
                'policy_data_files = ["policy.yaml"]\n')


def catalog_site(root: Path) -> Path:
    """A site that shows POPIA (from its jurisdictions), the CCPA (by name) and the
    Information Regulator's and the CPPA's contact blocks."""
    root.mkdir(parents=True)
    (root / "conf.py").write_text(CATALOG_CONF)
    (root / "policy.yaml").write_text("organisation: {name: Acme}\njurisdictions: [popia]\n")
    (root / "index.md").write_text(
        "# Home\n\n```{rights}\n```\n\n```{rights} california\n```\n\n"
        "```{contact} authority cppa\n```\n")
    return root


def report(err: str) -> list[str]:
    """The catalog report's entries ("right popia/access", "authority ico")."""
    return [line.strip().split(":")[0] for line in err.splitlines() if line.startswith("  ")]


def test_check_reports_catalog_entries_not_verified_recently(tmp_path, capsys, monkeypatch):
    root = catalog_site(tmp_path / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796256000")  # 2026-12-03
    assert main(["check", str(root)]) == 0  # information, not a problem
    out = capsys.readouterr()
    assert out.out == ""
    entries = report(out.err)
    assert "built-in catalog entries this site uses" in out.err
    # never verified: listed, with where to check
    assert "right popia/judicial-remedy" in entries
    assert "right ccpa/admt-opt-out" in entries  # begins on 1 January 2027: published soon
    assert re.search(r"right popia/judicial-remedy: not verified against its source "
                     r"\(verified_on is null\); source: https://", out.err)
    # verified the day before: not listed, unless part of it was not verified
    assert "right popia/access" not in entries
    assert "authority cppa" not in entries
    assert "authority inforegulator-za" in entries
    assert "not verified then: complaint_email" in out.err
    # laws and authorities the site does not show are not listed
    assert not [e for e in entries if "gdpr" in e or "ico" in e.split()[-1]]


def test_check_reports_entries_older_than_max_age(tmp_path, capsys, monkeypatch):
    root = catalog_site(tmp_path / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028-01-01
    assert main(["check", str(root)]) == 0
    entries = report(capsys.readouterr().err)
    assert "right popia/access" in entries
    assert "authority cppa" in entries
    assert main(["check", "--max-age", "1000", str(root)]) == 0
    err = capsys.readouterr().err
    assert "right popia/access" not in report(err)
    assert "in the last 1000 days" in err
    assert main(["check", "-q", str(root)]) == 0
    assert capsys.readouterr().err == ""
    assert main(["check", "--max-age", "soon", str(root)]) == 2


def test_the_catalog_report_never_warns_in_a_build(tmp_path, make_app, monkeypatch):
    """Time passing must not break a -W build: old verification dates are no warning."""
    root = catalog_site(tmp_path / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4102444800")  # 2100-01-01
    app = make_app("html", srcdir=root)
    app.build()
    assert app.warning.getvalue() == ""
