"""Sphinx configuration of the sphinx-policy documentation (built with sphinx-policy)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sphinx_policy import __version__

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sphinx-policy"
author = "sphinx-policy contributors"
copyright = "2026, sphinx-policy contributors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = ["myst_parser", "sphinx_policy"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

html_theme = "alabaster"
html_theme_options = {
    "description": "Privacy and cookie policies from data, with Sphinx",
    "fixed_sidebar": False,
    "page_width": "1100px",
}
html_static_path = ["_static"]
# Absolute links (canonical URLs, the feed of policy changes) need the published address.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL",
                              "https://sphinx-policy.readthedocs.io/en/latest/")

# -- sphinx-policy -------------------------------------------------------------------------
# Only the reference pages' ``facts`` are project-wide data: the project-wide data is
# merged into every directive, so an organisation or cookies here would appear in all
# three examples. Each example declares its own data file with ``policy-data`` (see
# examples/index.md); the reference pages name theirs with ``:file:``. The examples'
# facts.yaml files are read only by their archived versions (see the files).
policy_data_files = ["reference/facts.yaml", "examples/*/facts.yaml"]

# The three examples are policy pages: each gets a changelog, archived versions and diffs.
policy_pages = ["examples/*/index"]

# These pages are dated from git. A page you are still editing is not committed yet, and
# a shallow CI clone cannot date every page: neither should fail a ``-W`` build of the
# documentation, so those two notices are silenced here (never in a real policy project
# without thinking: there they tell you a date is missing).
suppress_warnings = [
    "policy.uncommitted",
    "policy.shallow",
    # "sphinx-build -b epub docs OUT" keeps its doctrees in OUT/.doctrees, which the EPUB
    # builder then reports as files of unknown type; they are not part of the book.
    "epub.unknown_project_files",
]

# -- other builders ------------------------------------------------------------------------
latex_documents = [
    ("index", "sphinx-policy.tex", "sphinx-policy documentation", author, "manual"),
]
man_pages = [("index", "sphinx-policy", "sphinx-policy documentation", [author], 7)]
epub_show_urls = "footnote"


def setup(app):
    import policy_docs  # docs/_ext/policy_docs.py: helpers for these pages only

    policy_docs.setup(app)
    app.add_css_file("docs.css")  # docs/_static/docs.css: the example boxes
