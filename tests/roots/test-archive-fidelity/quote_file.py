"""Test-only extension: a directive that reads a file relative to its page itself, as
many third-party directives do (through ``env.relfn2path``, not through sphinx-policy)."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class QuoteFile(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        relpath, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(relpath)
        text = Path(path).read_text("utf-8").strip()
        return [nodes.block_quote("", nodes.paragraph(text, text), classes=["quote-file"])]


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_directive("quote-file", QuoteFile)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
