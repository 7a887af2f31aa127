"""An archived version reads exactly as the page read in a build of its commit's tree.

A policy page takes its text from every kind of source: an include, a literalinclude, a
csv-table ``:file:``, an image, a cookie table from the data, the ``{policy}`` role and a
test-only extension's directive that reads a file relative to the page. One commit
changes one source at a time; for every revision the commit is checked out, built
plainly, and its page compared with the archived version (banner aside).
"""

from __future__ import annotations

import base64
import json
import re
import struct
import warnings as python_warnings
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from gitrepo import GitRepo
from policy_testing import copy_root, main, policy_warnings, text, warnings

from sphinx_policy.versions.manifest import MANIFEST_FILENAME

PRIVACY = """---
policy: true
---
# {title}

Write to {{policy}}`email`.

```{{include}} snippets/intro.md
```

```{{literalinclude}} snippets/retention.txt
```

```{{csv-table}} Processors
:file: snippets/processors.csv
:header-rows: 1
```

```{{image}} logo.png
:alt: Logo
```

```{{cookie-table}}
```

```{{quote-file}} snippets/quote.txt
```
"""
ORG = "organisation:\n  name: Acme Ltd\n  email: {email}\n"
COOKIES = (
    "cookies:\n"
    "  - {{name: session, category: necessary, purpose: {purpose}, expiry: P1D}}\n"
)
INDEX = "# Home\n\n```{toctree}\nlegal/privacy\ncookies\n```\n"
COOKIE_PAGE = "---\npolicy: true\n---\n# {title}\n\nWe use cookies.\n\n```{{cookie-table}}\n```\n"


def png(red: int, green: int, blue: int) -> bytes:
    """A valid one-pixel PNG of that colour (so each revision's image has other bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


def day(n: int) -> str:
    return f"2024-01-{n:02d}T10:00:00+00:00"


@pytest.fixture
def fidelity(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    """The site, then one commit per source of the privacy page's text."""
    copy_root("archive-fidelity", tmp_path / "site")
    repo = GitRepo(tmp_path / "site")
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", INDEX)
    repo.write("cookies.md", COOKIE_PAGE.format(title="Cookies"))
    repo.write("_data/org.yaml", ORG.format(email="privacy@acme.example"))
    repo.write("_data/cookies.yaml", COOKIES.format(purpose="Keeps you signed in"))
    repo.write("legal/privacy.md", PRIVACY.format(title="Privacy notice"))
    repo.write("legal/snippets/intro.md", "We are Acme and this is our notice.\n")
    repo.write("legal/snippets/retention.txt", "Retention is 30 days.\n")
    repo.write("legal/snippets/processors.csv", "Processor,Country\nMailCo,Ireland\n")
    repo.write("legal/snippets/quote.txt", "Your privacy matters to us.\n")
    repo.write("legal/logo.png", png(255, 0, 0))
    repo.add(".")
    shas = [repo.commit("First publication", date=day(1))]
    changes: list[tuple[str, str | bytes]] = [
        ("legal/snippets/intro.md", "We are Acme Holdings and this is our notice.\n"),
        ("legal/snippets/retention.txt", "Retention is 90 days.\n"),
        ("legal/snippets/processors.csv", "Processor,Country\nMailCo,Ireland\nSendr,USA\n"),
        ("_data/cookies.yaml", COOKIES.format(purpose="Remembers your sign-in")),
        ("_data/org.yaml", ORG.format(email="dpo@acme.example")),
        ("legal/snippets/quote.txt", "Your privacy matters to all of us.\n"),
        ("legal/privacy.md", PRIVACY.format(title="Privacy policy")),
    ]
    for n, (path, content) in enumerate(changes, start=2):
        repo.write(path, content)
        shas.append(repo.commit(f"Change {path}", date=day(n)))
        if path == "legal/snippets/processors.csv":
            # The image alone is no revision (images are not dependencies of revisions),
            # but every later archive must show the new one and earlier ones the old.
            repo.write("legal/logo.png", png(0, 0, 255))
            repo.commit("New logo", date=day(n) .replace("10:00", "11:00"))
    # Today's title of the other page differs from the one it had in most revisions.
    repo.write("cookies.md", COOKIE_PAGE.format(title="Cookie notice"))
    repo.commit("Rename the cookie page's title", date=day(20))
    return repo, shas


def page_body(path: Path) -> tuple[str, bytes | None]:
    """(text, image bytes) of a page's body, the archive banner left out."""
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    body = main(soup)
    for banner in body.select(".policy-archive-banner"):
        banner.decompose()
    image = body.find("img")
    assert isinstance(image, Tag)
    src = str(image["src"])
    if src.startswith("data:"):
        data = base64.b64decode(src.partition(",")[2])
    else:
        data = (path.parent / src).read_bytes()
    return text(body), data


BASE = "https://policies.example.org/"


def output(app, url: str) -> Path:
    """The output file of a manifest URL (absolute when the site has html_baseurl)."""
    return Path(app.outdir) / url.removeprefix(BASE)


def manifest_revisions(app, docname: str) -> list[dict]:
    data = json.loads((Path(app.outdir) / MANIFEST_FILENAME).read_text("utf-8"))
    (document,) = [d for d in data["documents"] if d["docname"] == docname]
    return document["revisions"]


def test_every_archived_version_reads_as_a_plain_build_of_its_commit(
    fidelity: tuple[GitRepo, list[str]], build, make_app, tmp_path: Path
) -> None:
    repo, shas = fidelity
    app = build(repo)
    assert policy_warnings(app) == []
    assert "Traceback" not in warnings(app)
    revisions = manifest_revisions(app, "legal/privacy")
    assert [r["commit"] for r in revisions] == list(reversed(shas))
    texts = set()
    for revision in revisions:
        archive = output(app, revision["archive_url"])
        assert revision["text_sha256"]
        checkout = tmp_path / f"at-{revision['commit'][:8]}"
        repo.run("worktree", "add", "--detach", str(checkout), revision["commit"])
        plain = make_app("html", srcdir=checkout, confoverrides={"policy_archives": False})
        plain.build()
        expected = page_body(Path(plain.outdir) / "legal" / "privacy.html")
        assert page_body(archive) == expected, revision["commit"]
        texts.add(expected)
    # Each commit changed what the page says (else the comparison proves little).
    assert len(texts) == len(shas)


def test_archived_pages_show_todays_titles_of_other_pages(
    fidelity: tuple[GitRepo, list[str]], build
) -> None:
    repo, _shas = fidelity
    with python_warnings.catch_warnings(record=True) as caught:
        python_warnings.simplefilter("always")
        app = build(repo)
    # The archive's navigation is made as Sphinx's own is, with nothing it deprecates.
    deprecated = [w for w in caught
                  if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))
                  and "toctree" in str(w.message)]
    assert not deprecated, [str(w.message) for w in deprecated]
    archives = sorted(Path(app.outdir).glob("*/versions/*.html")) + sorted(
        Path(app.outdir).glob("legal/privacy/versions/*.html")
    )
    assert len(archives) >= 8
    for path in archives:
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        navigation = " ".join(
            text(nav) for nav in soup.select(".sphinxsidebar")
        )
        assert "Cookie notice" in navigation, path
        assert not re.search(r"\bCookies\b", navigation), path
    # The archived cookie page itself still has the title it had then.
    first = manifest_revisions(app, "cookies")[-1]
    old = BeautifulSoup((output(app, first["archive_url"])).read_text("utf-8"), "html.parser")
    assert text(main(old).find("h1")) == "Cookies"


def test_deleted_and_recreated_page_keeps_its_earlier_revisions(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", 'extensions = ["myst_parser", "sphinx_policy"]\n'
               'policy_data_files = ["_data/*.yaml"]\nexclude_patterns = ["_build"]\n'
               'html_baseurl = "https://policies.example.org/"\n')
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nterms\n```\n")
    repo.write("_data/cookies.yaml", COOKIES.format(purpose="One"))
    terms = "---\npolicy: true\n---\n# Terms\n\n{text}\n\n```{{cookie-table}}\n```\n"
    repo.write("terms.md", terms.format(text="First terms."))
    created = repo.commit("Terms\n\nPolicy-Change: First terms.", date=day(1))
    repo.write("terms.md", terms.format(text="Second terms."))
    edited = repo.commit("Edit\n\nPolicy-Change: Second terms.", date=day(2))
    repo.rm("terms.md")
    deleted = repo.commit("Withdraw the terms\n\nPolicy-Change: Withdrawn.", date=day(3))
    repo.write("_data/cookies.yaml", COOKIES.format(purpose="Two"))
    while_gone = repo.commit("Data change while the page is gone\n\nPolicy-Change: Data.",
                             date=day(4))
    repo.write("terms.md", terms.format(text="Third terms."))
    recreated = repo.commit("Terms again\n\nPolicy-Change: Third terms.", date=day(5))
    app = build(repo)
    assert "Traceback" not in warnings(app)
    revisions = manifest_revisions(app, "terms")
    assert [r["commit"] for r in revisions] == [recreated, edited, created]
    assert deleted not in {r["commit"] for r in revisions}
    assert while_gone not in {r["commit"] for r in revisions}
    for revision in revisions:
        assert revision["text_sha256"]
        assert (output(app, revision["archive_url"])).is_file()
    # The feed and the changelog list the same revisions, nothing else.
    feed = (Path(app.outdir) / "policy-changes.atom").read_text("utf-8")
    assert "Withdrawn." not in feed and "Data." not in feed
    assert all(s in feed for s in ("First terms.", "Second terms.", "Third terms."))
    # The re-created page's diff compares it with the version before the deletion.
    diff = output(app, revisions[0]["diff_url"])
    diff_text = text(main(BeautifulSoup(diff.read_text("utf-8"), "html.parser")))
    assert "January 2, 2024" in diff_text  # the date of the edited version
    assert "Second" in diff_text and "Third" in diff_text


@pytest.mark.parametrize("old_name", ["notice", "notice.txt"])
def test_page_renamed_from_another_suffix_is_archived_as_the_page(
    tmp_path: Path, build, old_name: str
) -> None:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", 'extensions = ["myst_parser", "sphinx_policy"]\n'
               'exclude_patterns = ["_build"]\npolicy_pages = ["notice"]\n')
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nnotice\n```\n")
    repo.write(old_name, "# Notice\n\nWe use **no** trackers.\n")
    first = repo.commit("Notice, as a plain file", date=day(1))
    repo.write(old_name, "# Notice\n\nWe use **no** trackers at all.\n")
    second = repo.commit("Clearer", date=day(2))
    repo.mv(old_name, "notice.md")
    repo.commit("Make it a page", date=day(3))
    app = build(repo)
    assert "Traceback" not in warnings(app)
    assert "FiletypeNotFoundError" not in warnings(app)
    revisions = manifest_revisions(app, "notice")
    assert [r["commit"] for r in revisions] == [second, first]
    for revision, words in zip(revisions, ("at all.", "trackers."), strict=True):
        assert revision["text_sha256"]
        soup = BeautifulSoup(
            (output(app, revision["archive_url"])).read_text("utf-8"), "html.parser"
        )
        body = main(soup)
        # Parsed as Markdown, the page it became: bold is bold, no literal asterisks.
        assert body.find("strong") is not None and "**" not in text(body)
        assert text(body).endswith(words)


def test_epub_pages_are_well_formed_xml(fidelity: tuple[GitRepo, list[str]], build) -> None:
    repo, _shas = fidelity
    app = build(repo, "epub")
    pages = sorted(Path(app.outdir).glob("**/*.xhtml"))
    assert pages
    dated = 0
    for path in pages:
        ET.fromstring(path.read_bytes())  # raises on an unclosed tag
        dated += b"article:modified_time" in path.read_bytes()
    assert dated  # the tag that was not closed is there


def test_next_build_moves_the_kept_tree_to_the_new_commit(
    fidelity: tuple[GitRepo, list[str]], build, make_app
) -> None:
    """The written-out tree is kept between builds and moved: files changed, added and
    removed by the new commit are as that commit has them."""
    repo, _shas = fidelity
    build(repo)
    repo.write("legal/snippets/retention.txt", "Retention is 365 days.\n")
    repo.write("legal/snippets/quote.txt", "A new quote.\n")
    repo.rm("legal/snippets/intro.md")
    repo.write("legal/snippets/intro.md", "Intro, written again.\n")
    new = repo.commit("Longer retention", date=day(21))
    app = make_app("html", srcdir=repo.path)
    app.build()
    assert "1 archived versions rendered" in app._status.getvalue()
    (latest, previous, *_rest) = manifest_revisions(app, "legal/privacy")
    assert latest["commit"] == new
    body, _image = page_body(output(app, latest["archive_url"]))
    assert "Retention is 365 days." in body and "A new quote." in body
    assert "Intro, written again." in body
    assert "90 days" not in body
    body, _image = page_body(output(app, previous["archive_url"]))
    assert "Retention is 90 days." in body and "365" not in body
