"""The only place where sphinx-policy touches private names of Sphinx, docutils or MyST.

Archived versions parse an old revision of a page the way Sphinx's own reader parses a
page, and Sphinx has no public function for "parse this document now". Everything
private lives here, each with why and the versions it is tested on (the test suite runs
on Sphinx 8.2 and 9.x; ``tests/test_lint.py`` fails when a private name appears in any
other module of the package).
"""

from __future__ import annotations

import io
from collections.abc import Callable
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


# --------------------------------------------------------------------------- lazy loading
# Not private names: what a feature registers before its module is imported. A rebuild
# that reads no document never parses a directive, so it never imports one.


class _LazyDirective(type):
    """The metaclass of a stand-in for a directive class: docutils and MyST read the
    class's attributes (``option_spec``, ``has_content``...) and then call it; both are
    passed to the real class, imported on the first of them."""

    _load: Callable[[], type[Any]]
    _real: type[Any] | None

    def _target(cls) -> type[Any]:
        if cls._real is None:
            cls._real = cls._load()
        return cls._real

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") or name in ("_load", "_real"):
            raise AttributeError(name)
        return getattr(cls._target(), name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._target()(*args, **kwargs)


def lazy_directive(name: str, load: Callable[[], type[Any]]) -> type[Any]:
    """A directive class for ``app.add_directive`` that imports the real one (``load()``)
    when a document first uses it."""
    return _LazyDirective(f"Lazy{name.title().replace('-', '')}", (),
                          {"_load": staticmethod(load), "_real": None})


def lazy_role(load: Callable[[], Callable[..., Any]]) -> Callable[..., Any]:
    """A role function for ``app.add_role`` that makes the real one (``load()``) when a
    document first uses it."""
    real: list[Callable[..., Any]] = []

    def role(*args: Any, **kwargs: Any) -> Any:
        if not real:
            real.append(load())
        return real[0](*args, **kwargs)

    return role
