"""``policy-data``: per-page data files, read by the directives and roles after it."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from sphinx_policy.state.data import data_files_of

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
policy_git = False
exclude_patterns = ["_build"]
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def test_each_page_reads_its_own_organisation(make_app, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "conf.py": CONF,
            "_data/shared.yaml": "jurisdictions: [gdpr]\n",
            "index.md": "# Home\n\n```{toctree}\nalpha/policy\nbeta/policy\n```\n",
            "alpha/org.yaml": "organisation:\n  name: Alpha Ltd\n  email: a@alpha.example\n",
            "beta/org.yaml": "organisation:\n  name: Beta GmbH\n  email: b@beta.example\n"
            "authorities:\n  - id: eu-dpas\n    note: Ask the lead authority of Beta.\n",
            "alpha/policy.md": "# Alpha\n\n```{policy-data} org.yaml\n```\n\n"
            "We are {policy}`legal-name`.\n\n```{contact}\n```\n",
            "beta/policy.md": "# Beta\n\n```{policy-data} org.yaml\n```\n\n"
            "We are {policy}`legal-name`.\n\n```{contact} authority gdpr\n```\n",
        },
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert app.warning.getvalue() == ""
    alpha = BeautifulSoup((Path(app.outdir) / "alpha/policy.html").read_text(), "html.parser")
    beta = BeautifulSoup((Path(app.outdir) / "beta/policy.html").read_text(), "html.parser")
    assert "We are Alpha Ltd." in alpha.get_text()
    assert "Alpha Ltd" in alpha.find("address").get_text(" ")
    assert "We are Beta GmbH." in beta.get_text()
    assert "Alpha Ltd" not in beta.find("div", class_="body").get_text(" ")
    # an authority's note from the data reaches its contact block
    assert "Ask the lead authority of Beta." in beta.find("address").get_text(" ")
    # the page is dated by its own data file, not by the other page's
    assert "alpha/org.yaml" in data_files_of(app.env)["alpha/policy"]
    assert "beta/org.yaml" not in data_files_of(app.env)["alpha/policy"]


def test_missing_page_data_file_is_reported_at_the_directive(make_app, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "conf.py": CONF,
            "_data/shared.yaml": "jurisdictions: [gdpr]\n",
            "index.md": "# Home\n\n```{policy-data} nope.yaml\n```\n",
        },
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert "index.md:3: WARNING: the data file 'nope.yaml' does not exist" in warnings
    assert "[policy.file]" in warnings


def test_incremental_build_keeps_configuration(make_app, tmp_path: Path) -> None:
    write(
        tmp_path,
        {"conf.py": CONF, "_data/shared.yaml": "jurisdictions: [gdpr]\n", "index.md": "# Home\n"},
    )
    make_app("html", srcdir=tmp_path).build()
    again = make_app("html", srcdir=tmp_path)
    again.build()
    assert "html_static_path" not in again._status.getvalue()
    assert (Path(again.outdir) / "_static/sphinx-policy.css").is_file()
