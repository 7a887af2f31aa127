"""``sphinx-policy scan``: real Chromium on a real local site, against real data files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from publishing_site import skip_without_browser
from scan_testing import Sites, scan_sites

from sphinx_policy.cli import main

#: What the good page really does, declared (the third party's host is a recipient).
GOOD = """\
recipients:
  - id: pixels
    name: Pixel Partner Ltd
    role: controller
    website: {third}
cookies:
  - name: site_session
    provider: first-party
    category: necessary
    purpose: Keeps the session.
    expiry: session
  - name: consent
    provider: first-party
    category: necessary
    purpose: Remembers your consent choice.
    expiry: P6M
  - name: _stat_*
    provider: first-party
    category: statistics
    purpose: Counts visits.
    expiry: P1Y
  - name: site_prefs
    provider: first-party
    category: preferences
    storage: localStorage
    purpose: Remembers your preferences.
    expiry: persistent
  - name: site_cache
    provider: first-party
    category: preferences
    storage: IndexedDB
    purpose: Keeps the catalogue for offline reading.
    expiry: persistent
  - name: visit_step
    provider: first-party
    category: necessary
    storage: sessionStorage
    purpose: Where you are in the shop.
    expiry: session
  - name: tp_id
    provider: pixels
    party: third
    domain: localhost
    category: marketing
    purpose: Measures the campaign.
    expiry: P1D
"""

#: A declaration that has drifted: an old cookie, no recipient for the pixel host.
DRIFTED = """\
cookies:
  - name: site_session
    provider: first-party
    category: necessary
    purpose: Keeps the session.
    expiry: session
  - name: consent
    provider: first-party
    category: necessary
    purpose: Remembers your consent choice.
    expiry: P6M
  - name: _stat_*
    provider: first-party
    category: statistics
    purpose: Counts visits.
    expiry: P1Y
  - name: site_prefs
    provider: first-party
    category: preferences
    storage: localStorage
    purpose: Remembers your preferences.
    expiry: persistent
  - name: tp_id
    provider: Pixel Partner
    party: third
    domain: localhost
    category: marketing
    purpose: Measures the campaign.
    expiry: P1D
  - name: old_tracker
    provider: first-party
    category: marketing
    purpose: A cookie the site no longer sets.
    expiry: P30D
"""


@pytest.fixture(scope="module")
def sites() -> Sites:
    skip_without_browser()
    with scan_sites() as sites:
        yield sites  # type: ignore[misc]


def project(tmp_path: Path, data: str, sites: Sites) -> Path:
    (tmp_path / "conf.py").write_text("extensions = ['sphinx_policy']\npolicy_data_files = []\n")
    (tmp_path / "policy.yaml").write_text(data.replace("{third}", sites.third))
    return tmp_path


def scan(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["scan", "--project", str(folder), "--data", str(folder / "policy.yaml"),
                 "--timeout", "20", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_drifted_policy_every_finding(sites: Sites, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = project(tmp_path, DRIFTED, sites)
    code, out, _ = scan(capsys, folder, sites.shop + "bad.html", "--accept", "#accept",
                        "--json")
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1
    assert report["states"] == ["before-consent", "after-consent"]
    found = {(f["kind"], f["name"]) for f in report["findings"]}
    assert ("undeclared", "mystery_id") in found
    undeclared = [f for f in report["findings"] if f["kind"] == "undeclared"]
    assert [f["state"] for f in undeclared] == ["before-consent"]  # the earliest state
    assert ("not-seen", "old_tracker") in found
    assert ("expiry", "_stat_abc") in found
    assert ("before-consent", "_stat_abc") in found
    assert ("before-consent", "site_prefs") in found  # localStorage counts too
    third = [f for f in report["findings"] if f["kind"] == "third-party"]
    assert [f["name"] for f in third] == [sites.third.split("/")[2]]
    # Necessary cookies before consent and declared items within their expiry are fine.
    assert not any(name in ("site_session", "consent", "tp_id") for _, name in found)
    assert set(report["summary"]["by_kind"]) == {
        "undeclared", "not-seen", "expiry", "third-party", "before-consent"}
    assert all(report["summary"]["by_kind"].values())
    # What was recorded: attributes, party, expiry as a duration, never a value.
    items = {(i["state"], i["storage"], i["name"]): i for i in report["items"]}
    session = items["before-consent", "cookie", "site_session"]
    assert session["http_only"] is True and session["expires_in"] is None
    assert session["party"] == "first" and session["same_site"] == "Lax"
    stat = items["before-consent", "cookie", "_stat_abc"]
    # Two years asked for; Chromium caps a cookie's life at 400 days.
    assert 366 * 86400 < stat["expires_in"] <= 2 * 365 * 86400
    pixel = items["after-consent", "cookie", "tp_id"]
    assert pixel["party"] == "third" and pixel["secure"] is True
    assert ("before-consent", "cookie", "tp_id") not in items  # only after the click
    assert ("before-consent", "localStorage", "site_prefs") in items
    assert "secret-value-never-printed" not in out
    # The partner's page is linked but never visited: other sites are not followed.
    assert all("elsewhere" not in p for p in sites.third_paths)


def test_table_and_yaml_stubs(sites: Sites, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = project(tmp_path, DRIFTED, sites)
    code, out, _ = scan(capsys, folder, sites.shop + "bad.html")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["STATE", "STORAGE", "NAME"]
    assert any("mystery_id" in line and "undeclared" in line for line in lines)
    assert "secret-value-never-printed" not in out
    code, out, _ = scan(capsys, folder, sites.shop + "bad.html", "--format", "yaml")
    assert code == 1
    stubs = yaml.safe_load(out)["cookies"]
    assert [s["name"] for s in stubs] == ["mystery_id"]
    assert stubs[0]["category"] == "unclassified" and stubs[0]["expiry"] == "P1D"
    # With an Open Cookie Database CSV, what it knows fills the stub.
    csv = tmp_path / "ocd.csv"
    csv.write_text(
        "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
        "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"
        "1,Mystery,Analytics,mystery_,,Counts mysteries.,1 hour,Mystery Inc,"
        "https://mystery.example/privacy,1\n", encoding="utf-8")
    code, out, _ = scan(capsys, folder, sites.shop + "bad.html", "--format", "yaml",
                        "--ocd", str(csv))
    stub = yaml.safe_load(out)["cookies"][0]
    assert stub["category"] == "statistics" and stub["expiry"] == "PT1H"
    assert stub["provider"] == "Mystery Inc"
    # The stubs are valid data: sphinx-policy check accepts them.
    (folder / "stubs.yaml").write_text(out, encoding="utf-8")
    (folder / "conf.py").write_text("extensions = ['sphinx_policy']\n"
                                    "policy_data_files = ['stubs.yaml']\n")
    (folder / "index.rst").write_text("Home\n====\n", encoding="utf-8")  # check builds it
    capsys.readouterr()
    assert main(["check", str(folder)]) == 0


def test_matching_policy_passes(sites: Sites, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = project(tmp_path, GOOD, sites)
    code, out, _ = scan(capsys, folder, sites.shop + "good.html", "--accept", "#accept",
                        "--max-pages", "5", "--json")
    report = json.loads(out)
    assert report["findings"] == [], report["findings"]
    assert code == 0
    # The about page, by its same-site link; the partner's page is linked but never
    # visited: other sites are not followed.
    assert sorted(p.rsplit("/", 1)[1] for p in report["pages"]) == ["about.html", "good.html"]
    assert sites.third_paths and all("elsewhere" not in p for p in sites.third_paths)
    seen = {(i["state"], i["storage"], i["name"]) for i in report["items"]}
    assert {("after-consent", "IndexedDB", "site_cache"),
            ("after-consent", "sessionStorage", "visit_step"),
            ("after-consent", "cookie", "tp_id")} <= seen


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conf.py").write_text("policy_data_files = []\n")
    assert main(["scan", "--project", str(tmp_path), "file:///etc/passwd"]) == 2
    assert main(["scan", "--project", str(tmp_path / "nope"), "http://127.0.0.1:9/"]) == 2
    assert main(["scan", "--project", str(tmp_path), "--chromium", str(tmp_path / "none"),
                 "http://127.0.0.1:9/"]) == 2
    assert "Chromium" in capsys.readouterr().err


def test_site_text_is_made_safe() -> None:
    """Names and hosts come from the scanned site: no terminal escapes or direction
    marks reach the output, and a hostile name stays one YAML string."""
    from sphinx_policy.cli.scan import Finding, Item, Observation, clean, report_yaml

    hostile = "x\x1b[2J\u202egnp.exe: {a: [1]}\n- name: injected"
    assert not any(ord(c) < 32 or c == "\u202e" for c in clean(hostile))
    shown = clean(hostile)
    observation = Observation(items=[Item("cookie", hostile, "before-consent", "127.0.0.1")])
    stubs = yaml.safe_load(report_yaml(observation, [Finding(
        "undeclared", "cookie", shown, "…", "before-consent")], []))["cookies"]
    assert [s["name"] for s in stubs] == [shown]
