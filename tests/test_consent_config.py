"""``sphinx-policy consent-config``: CookieConsent v3 in real Chromium, from real data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from consent_testing import chromium_as_visitor, cookieconsent
from publishing_site import REPO_ROOT, screenshot_path, serve, skip_without_browser

from sphinx_policy.cli import main
from sphinx_policy.consent import TEXTS, translator

DOCS = REPO_ROOT / "docs"
EXAMPLES = sorted(p.name for p in (DOCS / "examples").iterdir() if p.is_dir())

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Consent</title>
<link rel="stylesheet" href="cookieconsent.css"></head>
<body><h1>Shop</h1>
<script type="text/plain" data-category="analytics">
  document.cookie = "_ga=GA1.1; max-age=3600; path=/";
</script>
<script src="cookieconsent.umd.js"></script>
<script src="consent.js"></script>
</body></html>
"""

#: The Consent Mode calls on the data layer (gtag pushes its ``arguments``), in order.
CONSENT_CALLS = ("() => Array.from(dataLayer, (e) => Array.from(e))"
                 ".filter((e) => e[0] === 'consent')")


def generate(capsys: pytest.CaptureFixture[str], example: str, *extra: str) -> str:
    capsys.readouterr()
    code = main(["consent-config", "--project", str(DOCS), "--data",
                 str(DOCS / "examples" / example / "policy.yaml"),
                 "--policy-url", f"/examples/{example}/", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def library() -> Path:
    skip_without_browser()
    return cookieconsent()


def site(folder: Path, library: Path, script: str, lang: str = "en") -> Path:
    shutil.copy(library / "dist" / "cookieconsent.umd.js", folder)
    shutil.copy(library / "dist" / "cookieconsent.css", folder)
    (folder / "consent.js").write_text(script, encoding="utf-8")
    (folder / "index.html").write_text(PAGE.format(lang=lang), encoding="utf-8")
    return folder


def test_keys_are_in_the_documented_types(library: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Every option we write is a property of CookieConsent's published TypeScript types."""
    types = (library / "types" / "index.d.ts").read_text("utf-8")
    documented = set(re.findall(r"^\s*(\w+)\??\s*:", types, re.MULTILINE))
    script = generate(capsys, "fynbos-digital")
    config = script[script.index("var config = "):script.index("config.onConsent")]
    written = set(re.findall(r'"(\w+)":', config))
    ours = {"necessary", "functionality", "analytics", "marketing", "unclassified", "en",
            "name", "purpose", "expiry"}  # category ids, languages, our table columns
    assert written - ours <= documented, written - ours - documented


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_loads(example: str, library: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    script = generate(capsys, example, "--language", "en", "--language", "de")
    folder = site(tmp_path, library, script, lang="de")
    errors: list[str] = []
    with serve(folder) as url, chromium_as_visitor() as browser:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "index.html")
        page.wait_for_selector("#cc-main .cm", state="visible", timeout=10_000)
        title = page.inner_text("#cc-main .cm__title")
        categories = page.evaluate("() => CookieConsent.getConfig('categories')")
        page.click('#cc-main .cm [data-role="show"]')
        page.wait_for_selector("#cc-main .pm", state="visible", timeout=10_000)
        toggles = page.eval_on_selector_all("#cc-main .pm input[type=checkbox]",
                                            "(inputs) => inputs.map((i) => i.value)")
        readonly = page.locator("#cc-main .pm input[value='necessary']").is_disabled()
        if example == EXAMPLES[0]:
            page.screenshot(path=str(screenshot_path(f"consent-{example}")))
    assert errors == []
    # The German catalog's banner title, since the page is in German.
    assert title.strip() == translator("de").gettext(TEXTS["title"])
    assert categories["necessary"]["readOnly"] is True
    assert readonly
    assert set(toggles) == set(categories)  # one switch per category


def test_statistics_cookie_blocked_until_consent(library: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    script = generate(capsys, "fynbos-digital")  # declares _ga and _ga_* as statistics
    folder = site(tmp_path, library, script)
    with serve(folder) as url, chromium_as_visitor() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "index.html")
        page.wait_for_selector("#cc-main .cm", state="visible", timeout=10_000)
        names = {c["name"] for c in context.cookies()}
        assert "_ga" not in names  # the statistics script has not run
        consent_default = page.evaluate(CONSENT_CALLS)[0]
        assert consent_default[1] == "default"
        assert consent_default[2]["analytics_storage"] == "denied"
        assert consent_default[2]["ad_user_data"] == "denied"
        page.click('#cc-main .cm [data-role="all"]')
        page.wait_for_function("() => document.cookie.includes('_ga=')", timeout=10_000)
        update = page.evaluate(CONSENT_CALLS)[-1]
        assert update[1] == "update"
        assert update[2]["analytics_storage"] == "granted"
        context.close()

        # Rejecting: the script stays blocked, and a _ga_* cookie left over is cleared
        # (the wildcard became an auto-clear regular expression).
        context = browser.new_context()
        context.add_cookies([{"name": "_ga_ABC123", "value": "1", "url": url}])
        page = context.new_page()
        page.goto(url + "index.html")
        page.wait_for_selector("#cc-main .cm", state="visible", timeout=10_000)
        page.click('#cc-main .cm [data-role="necessary"]')
        page.wait_for_function("() => !document.cookie.includes('_ga_ABC123')",
                               timeout=10_000)
        names = {c["name"] for c in context.cookies()}
        assert "_ga" not in names and "_ga_ABC123" not in names
        assert "cc_cookie" in names  # the choice is remembered
        update = page.evaluate(CONSENT_CALLS)[-1]
        assert update[1] == "update"
        assert update[2]["analytics_storage"] == "denied"
        context.close()


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["consent-config", "--project", str(DOCS),
                 "--policy-url", "javascript:alert(1)"]) == 2
    assert main(["consent-config", "--project", str(tmp_path), "--policy-url", "/c"]) == 2
    out = tmp_path / "consent.js"
    out.write_text("old")
    assert main(["consent-config", "--project", str(DOCS), "--policy-url", "/c",
                 "-o", str(out)]) == 2
    assert out.read_text() == "old"


def test_html_build_writes_the_same_script(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``policy_consent_script``: the build writes what the command writes, in the build's
    language; a path out of the output is refused with a warning."""
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(DOCS / "examples" / "fynbos-digital" / "policy.yaml", src / "policy.yaml")
    (src / "index.md").write_text("# Cookies\n", encoding="utf-8")
    conf = ("extensions = ['myst_parser', 'sphinx_policy']\nlanguage = 'fr'\n"
            "policy_git = False\npolicy_data_files = ['policy.yaml']\n"
            "policy_consent_policy_url = '/cookies.html'\n")
    (src / "conf.py").write_text(conf + "policy_consent_script = '_static/consent.js'\n")
    out = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src),
                           str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    capsys.readouterr()
    assert main(["consent-config", "--project", str(src), "--policy-url", "/cookies.html"]) == 0
    assert (out / "_static" / "consent.js").read_text("utf-8") == capsys.readouterr().out
    assert translator("fr").gettext(TEXTS["accept_all"]) in (
        out / "_static" / "consent.js").read_text("utf-8")

    (src / "conf.py").write_text(conf + "policy_consent_script = '../escape.js'\n")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(src),
                           str(out)], capture_output=True, text=True, check=False)
    assert "policy_consent_script" in done.stderr and "[policy.config]" in done.stderr
    assert not (tmp_path / "escape.js").exists()
