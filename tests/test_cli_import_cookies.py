"""``sphinx-policy import-cookies``: Open Cookie Database CSV → data → cookie table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from policy_testing import (
    build_site,
    by_name,
    column,
    only_table,
    policy_warnings,
    soup_of,
    write_files,
)
from policy_testing import main as main_body

from sphinx_policy.cli import main
from sphinx_policy.cli.import_cookies import COLUMNS, map_category, normalise_retention


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


ROWS = [
    ["a1", "Google Analytics", "Analytics", "_ga", "google-analytics.com (3rd party)",
     "ID used to identify users", "2 years", "Google",
     "https://privacy.google.com/take-control.html", "0"],
    ["a2", "Google Analytics", "Analytics", "_ga_", "google-analytics.com",
     "ID used to identify users", "1 Year", "Google",
     "https://privacy.google.com/take-control.html", "1"],
    ["a3", "PHP.net", "Functional", "PHPSESSID", "", "Keeps the session of a visitor",
     "Session", "PHP.net", "", "0"],
    ["a4", "Hotjar", "Analytics", "_hjSession_*", "", "Holds the current session",
     "30 minutes", "Hotjar", "javascript:alert(1)", "1"],
    ["a5", "Facebook", "Marketing", "_fbp", ".facebook.com", "Delivers advertisements",
     "13 months", "Meta", "mailto:privacy@meta.example", "0"],
    ["a6", "Cloudflare", "Security", "__cf_bm", "", "Bot management", "365 days",
     "Cloudflare", "https://www.cloudflare.com/privacypolicy/", "0"],
    ["a7", "Example", "Preferences", "lang", "", "Remembers the language",
     "until you change it", "", "", "0"],
    ["a8", "Example", "Mystery", "odd", "", "", "", "", "", "0"],
]


@pytest.mark.parametrize(("text", "iso"), [
    ("session", "session"), ("Session", "session"), ("1 Year", "P1Y"), ("2 years", "P2Y"),
    ("365 days", "P365D"), ("30 minutes", "PT30M"), ("13 months", "P13M"),
    ("1 year 6 months", "P1Y6M"), ("1 day and 12 hours", "P1DT12H"), ("24 hrs", "PT24H"),
    ("persistent", "persistent"), ("until you change it", "until you change it"),
    ("2 fortnights", "2 fortnights"), ("0 seconds", "0 seconds"),
])
def test_retention_is_normalised(text, iso):
    assert normalise_retention(text) == iso


def test_categories_are_mapped():
    assert [map_category(c) for c in ("Functional", "Preferences", "Analytics", "Marketing",
                                      "Security", "Personalization", "advertising",
                                      "Other")] == [
        "necessary", "preferences", "statistics", "marketing", "security", "preferences",
        "marketing", "unclassified"]


def test_import_writes_the_data_model(tmp_path, capsys):
    source = write_csv(tmp_path / "ocd.csv", ROWS)
    out = tmp_path / "cookies.yaml"
    assert main(["import-cookies", str(source), "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=https://")
    cookies = {c["name"]: c for c in yaml.safe_load(text)["cookies"]}
    assert list(cookies) == ["_ga", "_ga_*", "PHPSESSID", "_hjSession_*", "_fbp", "__cf_bm",
                             "lang", "odd"]
    assert cookies["_ga"] == {
        "name": "_ga", "provider": "Google",
        "provider_url": "https://privacy.google.com/take-control.html",
        "category": "statistics", "purpose": "ID used to identify users", "expiry": "P2Y",
        "notes": "Domain: google-analytics.com (3rd party)"}
    assert cookies["_ga_*"]["expiry"] == "P1Y"
    assert cookies["_ga_*"]["domain"] == "google-analytics.com"
    assert cookies["PHPSESSID"]["category"] == "necessary"
    assert cookies["PHPSESSID"]["expiry"] == "session"
    assert "provider_url" not in cookies["_hjSession_*"]  # javascript: is not a link
    assert "provider_url" not in cookies["_fbp"]  # only http and https
    assert cookies["_fbp"]["domain"] == ".facebook.com"
    assert cookies["__cf_bm"]["expiry"] == "P365D"
    assert cookies["lang"]["expiry"] == "until you change it"
    assert cookies["lang"]["provider"] == "Example"  # the platform when no controller
    assert cookies["odd"]["category"] == "unclassified"
    err = capsys.readouterr().err
    assert "category 'Mystery' is not known" in err
    assert "8 cookie(s) imported" in err


def test_platform_filter_and_stdout(tmp_path, capsys):
    source = write_csv(tmp_path / "ocd.csv", ROWS)
    assert main(["import-cookies", str(source), "--platform", "google analytics"]) == 0
    cookies = yaml.safe_load(capsys.readouterr().out)["cookies"]
    assert [c["name"] for c in cookies] == ["_ga", "_ga_*"]


def test_unknown_platform_is_a_usage_error_with_suggestions(tmp_path, capsys):
    source = write_csv(tmp_path / "ocd.csv", ROWS)
    assert main(["import-cookies", str(source), "--platform", "Gogle Analytics"]) == 2
    err = capsys.readouterr().err
    assert "--platform 'Gogle Analytics': no row of ocd.csv has this platform" in err
    assert "did you mean 'Google Analytics'?" in err


def test_rows_without_a_name_fail_and_duplicates_are_dropped(tmp_path, capsys):
    rows = [ROWS[0], ROWS[0], ["x", "P", "Analytics", "", "", "D", "1 year", "", "", "0"]]
    source = write_csv(tmp_path / "ocd.csv", rows)
    assert main(["import-cookies", str(source)]) == 1
    captured = capsys.readouterr()
    assert [c["name"] for c in yaml.safe_load(captured.out)["cookies"]] == ["_ga"]
    assert "ocd.csv:3: _ga repeats row 2" in captured.err
    assert "ocd.csv:4: no cookie name" in captured.err


def test_wrong_layout_and_existing_output_are_usage_errors(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,expiry\n_ga,2 years\n")
    assert main(["import-cookies", str(bad)]) == 2
    assert "not in the Open Cookie Database layout" in capsys.readouterr().err
    source = write_csv(tmp_path / "ocd.csv", ROWS)
    out = tmp_path / "exists.yaml"
    out.write_text("keep")
    assert main(["import-cookies", str(source), "-o", str(out)]) == 2
    assert out.read_text() == "keep"
    assert main(["import-cookies", str(tmp_path / "missing.csv")]) == 2


def test_round_trip_builds_a_cookie_table(tmp_path, make_app):
    root = tmp_path / "site"
    (root / "_data").mkdir(parents=True)
    source = write_csv(tmp_path / "ocd.csv", ROWS)
    assert main(["import-cookies", str(source), "-o", str(root / "_data/cookies.yaml")]) == 0
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_policy"]\n'
        'policy_data_files = ["_data/*.yaml"]\npolicy_git = False\n')
    (root / "index.md").write_text("# Cookies\n\n```{cookie-table}\n"
                                   ":columns: name, provider, category, expiry\n```\n")
    app = make_app("html", srcdir=root)
    app.build()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    table = only_table(main_body(soup_of(app, "index")))
    assert column(table, "Name") == ["_ga", "_ga_*", "PHPSESSID", "_hjSession_*", "_fbp",
                                     "__cf_bm", "lang", "odd"]
    expiry = by_name(table, "Expiry")
    assert expiry["_ga"] == "2 years"
    assert expiry["PHPSESSID"] == "Session"
    assert expiry["_hjSession_*"] == "30 minutes"
    assert expiry["__cf_bm"] == "365 days"
    assert expiry["lang"] == "until you change it"
    assert by_name(table, "Category")["_fbp"] == "Marketing"
    link = table.find("a", string="Google")
    assert link["href"] == "https://privacy.google.com/take-control.html"


def test_an_existing_output_file_is_kept_without_force(tmp_path, capsys):
    source = write_csv(tmp_path / "ocd.csv", ROWS)
    out = tmp_path / "cookies.yaml"
    out.write_text("# mine\n", encoding="utf-8")
    assert main(["import-cookies", str(source), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# mine\n"
    assert main(["import-cookies", str(source), "-o", str(out), "--force"]) == 0
    assert "cookies:" in out.read_text(encoding="utf-8")


CONF = """extensions = ["myst_parser", "sphinx_policy"]
policy_git = False
exclude_patterns = ["_build"]
policy_data_files = {patterns!r}
"""


# --------------------------------------------------------------------------- import


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
    root = write_files(tmp_path / "site", {
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
    root = write_files(tmp_path / "site", {
        "conf.py": CONF.format(patterns=["_data/*.yaml"]), "_data/cookies.yaml": out,
        "index.md": "# C\n\n```{cookie-table}\n:columns: name, provider, purpose\n```\n"})
    app = build_site(root)
    assert policy_warnings(app) == []
    table = only_table(main_body(soup_of(app, "index")))
    assert by_name(table, "Provider") == {"ctl name": "Bell Inc"}
    assert by_name(table, "Purpose")["ctl name"] == "Rings [31m red"


