"""The only place where sphinx-policy touches private names of Sphinx, docutils or MyST.

Archived versions parse an old revision of a page the way Sphinx's own reader parses a
page, and Sphinx has no public function for "parse this document now". Everything
private lives here, each with why and the versions it is tested on (the test suite runs
on Sphinx 8.2 and 9.x; ``tests/test_lint.py`` fails when a private name appears in any
other module of the package).
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import rst
from sphinx.util.docutils import sphinx_domains

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def parse_source(app: Sphinx, content: str, filename: Path, filetype: str) -> nodes.document:
    """Parse ``content`` as the source of the current document (``env.prepare_settings``
    was called for it) with the project's parser for ``filetype``, as
    ``Builder.read_doc`` does: ``source-read``, the parser, then every transform."""
    env = app.env
    try:
        # Sphinx 9: read_doc's own parsing step, private. Run by the tests on 9.0.4;
        # 9.1.1's source has the same signature.
        from sphinx.util.docutils import _parse_str_to_doctree  # type: ignore[attr-defined]
    except ImportError:
        return _parse_with_publisher(app, content, filename, filetype)
    parser = app.registry.create_source_parser(filetype, config=app.config, env=env)
    document: nodes.document = _parse_str_to_doctree(
        content,
        filename=filename,
        default_role=app.config.default_role,
        default_settings=env.settings,
        env=env,
        events=app.events,
        parser=parser,
        transforms=app.registry.get_transforms(),
    )
    return document


def _parse_with_publisher(
    app: Sphinx, content: str, filename: Path, filetype: str
) -> nodes.document:
    """Sphinx 8.2 (run by the tests on 8.2.3): the registry's cached publisher, fed from
    a string (private: the ``_parser`` slot of the document being read).

    Directives that parse nested content (MyST's among them) read the parser from
    ``current_document._parser``, which read_doc sets the same way."""
    from docutils.utils import DependencyList

    env = app.env
    publisher = app.registry.get_publisher(app, filetype)  # type: ignore[attr-defined]
    env.current_document._parser = publisher.parser
    publisher.settings.record_dependencies = DependencyList()
    docname = env.current_document.docname
    default_role: Any = (
        rst.default_role(docname, app.config.default_role)
        if app.config.default_role
        else nullcontext()
    )
    with sphinx_domains(env), default_role:
        publisher.set_source(source=io.StringIO(content), source_path=str(filename))
        publisher.publish()
    document: nodes.document = publisher.document
    return document
