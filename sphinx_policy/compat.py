"""The only place where sphinx-policy touches private names of Sphinx, docutils or MyST.

Archived versions parse an old revision of a page the way Sphinx's own reader parses a
page, and Sphinx has no public function for "parse this document now". Everything
private lives here, each with why and the versions it is tested on (the test suite runs
on Sphinx 8.2 and 9.x; ``tests/test_lint.py`` fails when a private name appears in any
other module of the package).
"""

from __future__ import annotations

import copy
import inspect
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import rst
from sphinx.util.docutils import sphinx_domains

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


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


@contextmanager
def settings_made_once(made: dict[Any, Any]) -> Iterator[None]:
    """While the archive parses an old revision: docutils' settings for a parse are made
    once per build (kept in ``made``, which the caller holds across revisions) and
    copied, instead of built again from every component's option specification (and the
    configuration files read again) for every revision.

    Both factories are private module names: Sphinx 9's ``_get_settings``, which
    ``_parse_str_to_doctree`` calls per document, and MyST's own ``get_default_settings``
    (``setup_render`` makes a default document on every render, even when given one).
    A copy is what a fresh call returns: the same values, and a new
    ``record_dependencies`` list (the only mutable setting). Sphinx 8.2 parses through
    its cached publisher and has no ``_get_settings``: only MyST's is replaced there."""
    import sphinx.util.docutils as sphinx_docutils

    replaced: list[tuple[Any, str, Any]] = []
    original = getattr(sphinx_docutils, "_get_settings", None)
    if callable(original):
        replaced.append((sphinx_docutils, "_get_settings", _memo_settings(original, made)))
    myst_base: Any
    try:
        from myst_parser.mdit_to_docutils import base as myst_base
    except ImportError:
        myst_base = None
    default = getattr(myst_base, "get_default_settings", None)
    if myst_base is not None and callable(default):
        replaced.append((myst_base, "get_default_settings", _memo_settings(default, made)))
    saved = [(module, name, getattr(module, name)) for module, name, _new in replaced]
    for module, name, new in replaced:
        setattr(module, name, new)
    try:
        yield
    finally:
        for module, name, old in saved:
            setattr(module, name, old)


def _memo_settings(factory: Callable[..., Any], made: dict[Any, Any]) -> Callable[..., Any]:
    from docutils.utils import DependencyList

    def component_key(component: Any) -> tuple[Any, ...]:
        kind = component if isinstance(component, type) else type(component)
        return (kind, *(id(getattr(component, attr, None)) for attr in
                        ("settings_spec", "settings_defaults", "config_section",
                         "settings_default_overrides")))

    def memoised(*components: Any, **kwargs: Any) -> Any:
        defaults = dict(kwargs.get("defaults") or {})
        key = (factory, tuple(component_key(c) for c in components),
               tuple(sorted((k, v) for k, v in kwargs.items() if k != "defaults")),
               tuple(sorted(defaults)))
        found = made.get(key)
        if found is None or any(found[0][k] is not v for k, v in defaults.items()):
            found = made[key] = (defaults, factory(*components, **kwargs))
        settings = found[1]
        copied = copy.copy(settings)  # the values themselves are shared
        if isinstance(settings.record_dependencies, DependencyList):
            copied.record_dependencies = DependencyList()
        if isinstance(getattr(settings, "_config_files", None), list):
            copied._config_files = list(settings._config_files)
        return copied

    return memoised


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


# Sphinx 9 added ``tags`` to global_toctree_for_doc (required from Sphinx 11, a warning
# when left out); Sphinx 8.2 has no such parameter.
_TOCTREE_TAKES_TAGS = "tags" in inspect.signature(global_toctree_for_doc).parameters


def global_toctree(
    env: BuildEnvironment, docname: str, builder: Builder, **kwargs: Any
) -> nodes.Element | None:
    """The site's table of contents as seen from ``docname``, made as the HTML builder's
    own ``toctree()`` makes it (with the builder's tags where Sphinx takes them)."""
    if _TOCTREE_TAKES_TAGS:
        kwargs["tags"] = builder.tags
    node: nodes.Element | None = global_toctree_for_doc(env, docname, builder, **kwargs)
    return node


def html_settings_hash(builder: Builder) -> str | None:
    """The hash of the settings that change an HTML page (Sphinx's "html" ones) and of
    the tags that the HTML builder worked out when it started, or None when it has none.

    Sphinx keeps them (``build_info``, undocumented) to tell when every page must be
    written again; reading them costs nothing, where hashing the settings again cost
    about 1 % of a rebuild with nothing changed. Present on Sphinx 8.2.0 to 9.x (the
    HTML and dirhtml builders); the "env" settings are Sphinx's ``config_status``."""
    info = getattr(builder, "build_info", None)
    config, tags = getattr(info, "config_hash", None), getattr(info, "tags_hash", None)
    if not isinstance(config, str) or not isinstance(tags, str) or not config:
        return None
    return f"{config}:{tags}"
