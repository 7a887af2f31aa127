"""PDF: the example policies through Sphinx's LaTeX builder, and (with TeX) to a PDF.

The ``.tex`` is checked against the pages' own doctrees: every cell of every policy
table, every right of every rights list and every line of every contact block is in it,
and so is the changelog of each policy with its dates and summaries. When ``latexmk`` is
installed (``.ci/run`` installs Debian's TeX Live packages), the document is compiled
with ``latexmk -pdf`` and the PDF is kept in ``test-artifacts/pdf/``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from docutils import nodes
from gitrepo import pin_git_environment
from publishing_site import (
    CHANGED,
    EXAMPLES,
    FIRST_DAY,
    REPO_ROOT,
    SECOND_DAY,
    SECOND_SUMMARY,
    examples_site,
)
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

TEX_PACKAGES = (
    "texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra latexmk tex-gyre"
)
ARTIFACTS = REPO_ROOT / "test-artifacts" / "pdf"


class Latex(NamedTuple):
    outdir: Path
    tex: str
    doctrees: dict[str, nodes.document]
    warnings: str


@pytest.fixture(scope="module")
def latex(tmp_path_factory: pytest.TempPathFactory) -> Latex:
    site = examples_site(tmp_path_factory.mktemp("pdf") / "site")
    warning = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        pin_git_environment(mp, site.env)
        app = SphinxTestApp("latex", srcdir=site.path, status=io.StringIO(), warning=warning)
        try:
            app.build()
            doctrees = {e: app.env.get_doctree(f"examples/{e}/index") for e in EXAMPLES}
        finally:
            app.cleanup()
    (tex_file,) = Path(app.outdir).glob("*.tex")
    return Latex(Path(app.outdir), tex_file.read_text("utf-8"), doctrees,
                 strip_colors(warning.getvalue()))


def squash(text: str) -> str:
    """Letters and digits only, lower case: text compared across HTML and LaTeX escaping."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def tex_words(tex: str) -> str:
    """The .tex as read: link targets, role class names and LaTeX commands dropped, then
    squashed."""
    tex = re.sub(r"\\(?:sphinxhref|DUrole|label|hyperref|index)\{[^}]*\}", "", tex)
    return squash(re.sub(r"\\[A-Za-z]+", "", tex))


def has_class(cls: str):
    return lambda node: isinstance(node, nodes.Element) and cls in node.get("classes", [])


def test_latex_build_is_clean(latex: Latex) -> None:
    assert latex.warnings == ""
    assert latex.tex.count(r"\begin{document}") == 1


def test_every_table_cell_is_in_the_tex(latex: Latex) -> None:
    words = tex_words(latex.tex)
    for example, doctree in latex.doctrees.items():
        tables = list(doctree.findall(has_class("policy-table")))
        assert any("policy-cookie-table" in t["classes"] for t in tables), example
        for table in tables:
            for entry in table.findall(nodes.entry):
                assert squash(entry.astext()) in words, (example, entry.astext())
    environments = len(re.findall(r"\\begin\{(?:tabulary|longtable|tabular)\}", latex.tex))
    assert environments >= sum(
        len(list(d.findall(has_class("policy-table")))) for d in latex.doctrees.values()
    )


def test_every_right_is_in_the_tex_as_a_list(latex: Latex) -> None:
    words = tex_words(latex.tex)
    for example, doctree in latex.doctrees.items():
        lists = list(doctree.findall(has_class("policy-rights")))
        assert lists, example
        for rights in lists:
            items = list(rights.findall(nodes.list_item))
            assert items
            for item in items:
                assert squash(item.astext()) in words, (example, item.astext()[:80])
    assert latex.tex.count(r"\begin{itemize}") >= sum(
        len(list(d.findall(has_class("policy-rights")))) for d in latex.doctrees.values()
    )


def test_every_contact_block_is_in_the_tex(latex: Latex) -> None:
    words = tex_words(latex.tex)
    for example, doctree in latex.doctrees.items():
        blocks = [b for b in doctree.findall(has_class("policy-contact"))
                  if "policy" in b["classes"]]
        assert blocks, example
        for block in blocks:
            for part in block.findall(nodes.TextElement):
                assert squash(part.astext()) in words, (example, part.astext()[:80])
    assert "9 Example Eco Park" in latex.tex  # the address lines stay lines
    assert r"\sphinxhref{mailto:info@fynbos-digital.example.co.za}" in latex.tex


def test_changelogs_and_dates_are_in_the_tex(latex: Latex) -> None:
    words = tex_words(latex.tex)
    for example in EXAMPLES:
        day = SECOND_DAY if example == CHANGED else FIRST_DAY
        assert squash(f"Last updated: {day}") in words, example
    assert squash(f"{SECOND_DAY}: {SECOND_SUMMARY}") in words
    assert words.count(squash(f"{FIRST_DAY}: First published.")) == len(EXAMPLES)
    assert "this version" not in latex.tex  # archives are HTML pages: no links to them


def test_policy_tables_get_word_safe_columns_and_breakable_names(latex: Latex) -> None:
    """Without TeX too: the .tex gives policy tables fixed column widths, and long cookie
    names break after their separators instead of running into the next column."""
    assert r"karoo\_\allowbreak{}cookie\_\allowbreak{}consent" in latex.tex
    specs = re.findall(r"\\begin\{(?:tabular|longtable)\}(?:\[t\])?\{([^\n]*)\}\n", latex.tex)
    fixed = [s for s in specs if r"\X{" in s]
    assert len(fixed) >= sum(
        len(list(d.findall(has_class("policy-table")))) for d in latex.doctrees.values()
    )
    # Tables outside the policy directives keep Sphinx's defaults (no break points added).
    assert r"policy\_\allowbreak" not in latex.tex.split("karoo", 1)[0]


class Pdf(NamedTuple):
    path: Path
    tex: str
    log: str


@pytest.fixture(scope="module")
def pdf(latex: Latex, tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    """The .tex compiled with ``latexmk -pdf`` (skipped without TeX)."""
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        if os.environ.get("SPHINX_POLICY_REQUIRE_TEX") == "1":  # set by .ci/run
            pytest.fail("the PDF is required but latexmk is not installed")
        pytest.skip(f"latexmk not installed: apt-get install --no-install-recommends "
                    f"{TEX_PACKAGES}")
    build = tmp_path_factory.mktemp("pdf-build") / "latex"
    shutil.copytree(latex.outdir, build)
    (tex_file,) = build.glob("*.tex")
    proc = subprocess.run(
        [latexmk, "-pdf", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error",
         tex_file.name],
        cwd=build, capture_output=True, text=True, timeout=300, check=False,
    )
    log = tex_file.with_suffix(".log").read_text("utf-8", "replace")
    assert proc.returncode == 0, log[-3000:]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(tex_file.with_suffix(".pdf"), ARTIFACTS / tex_file.with_suffix(".pdf").name)
    return Pdf(tex_file.with_suffix(".pdf"), tex_file.read_text("utf-8"), log)


def test_pdf_compiles(pdf: Pdf) -> None:
    assert pdf.path.read_bytes().startswith(b"%PDF-")
    pages = re.search(r"Output written on \S+\.pdf \((\d+) pages", pdf.log)
    assert pages and int(pages.group(1)) >= 10
    assert "Missing character" not in pdf.log  # every glyph of the policies is in the fonts
    assert "undefined references" not in pdf.log
    if shutil.which("pdftotext"):  # poppler-utils
        text = subprocess.run(["pdftotext", "-layout", pdf.path, "-"], capture_output=True,
                              text=True, check=True).stdout
        for fact in ("Fynbos Digital (Pty) Ltd", "fynbos_session", "Right of access",
                     SECOND_DAY, "9 Example Eco Park", "at least once a year"):
            assert fact in text, fact


def overfull_in_tables(pdf: Pdf, tolerance: float = 5.0) -> list[str]:
    """Overfull boxes (text running out of its column) in the tables of the PDF."""
    lines = pdf.tex.splitlines()
    in_table, depth = set(), 0
    for number, line in enumerate(lines, 1):
        depth += len(re.findall(r"\\begin\{(?:tabulary|longtable|tabular)\}", line))
        if depth:
            in_table.add(number)
        depth -= len(re.findall(r"\\end\{(?:tabulary|longtable|tabular)\}", line))
    found = []
    for match in re.finditer(
        r"Overfull \\hbox \(([\d.]+)pt too wide\) in paragraph at lines (\d+)--\d+\n(.*)",
        pdf.log,
    ):
        if float(match.group(1)) > tolerance and int(match.group(2)) in in_table:
            found.append(f"{match.group(1)}pt: {match.group(3).strip()}")
    return found


def test_pdf_table_text_stays_in_its_column(pdf: Pdf) -> None:
    assert overfull_in_tables(pdf) == []


def test_tabularcolumns_before_a_policy_table_sets_its_columns(tmp_path: Path) -> None:
    """The documented way out for a wide table: Sphinx's own ``tabularcolumns`` wins over
    the widths sphinx-policy computes."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_policy"]\npolicy_git = False\n'
        'policy_data_files = ["policy.yaml"]\n'
    )
    (tmp_path / "policy.yaml").write_text(
        "cookies:\n  - {name: sid, category: necessary, purpose: Sign-in., expiry: P1Y}\n"
    )
    spec = "|p{4cm}|p{2cm}|p{5cm}|p{2cm}|p{2cm}|p{1cm}|"
    (tmp_path / "index.md").write_text(
        f"# Cookies\n\n```{{tabularcolumns}} {spec}\n```\n\n```{{cookie-table}}\n```\n"
    )
    app = SphinxTestApp("latex", srcdir=tmp_path, status=io.StringIO(), warning=io.StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    (tex_file,) = Path(app.outdir).glob("*.tex")
    # tabular (Sphinx 9) or tabulary (Sphinx 8.2), with the user's columns either way.
    assert f"[t]{{{spec}}}" in tex_file.read_text("utf-8")
