"""Placeholder nodes, filled at ``doctree-resolved`` in one walk of each page.

A directive that needs what is known only after reading (a date from git, the pages a
changelog lists, the disclosure records of another page) leaves a placeholder node; its
feature registers a filler for that node class with :func:`add_placeholder`. One handler
walks every resolved page once, collects the placeholders of every registered class and
hands each filler its own, in document order: one walk per page instead of one per
feature (one of them docutils' ``next_node``, which is slow where it finds nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: ``fill(app, docname, found)``: replace the placeholders ``found`` (all of one class,
#: in document order) on the page ``docname``. ``found`` is typed by the filler, as a
#: list of the class it registered for.
Filler = Callable[["Sphinx", str, list[Any]], None]

# Node class -> filler, in the order the features registered them: the order they fill a
# page in. The same for every application (the fillers are module functions), so a module
# dictionary is enough; registering again replaces an entry with itself.
_FILLERS: dict[type[nodes.Element], Filler] = {}


def add_placeholder(app: Sphinx, node_class: type[nodes.Element], fill: Filler) -> None:
    """Register ``node_class`` (a node no writer sees: ``fill`` replaces every one)."""
    app.add_node(node_class)
    _FILLERS[node_class] = fill


def nodes_by_class(
    tree: nodes.Node, classes: tuple[type[nodes.Element], ...]
) -> dict[type[nodes.Element], list[nodes.Element]]:
    """The nodes in ``tree`` that are instances of ``classes``, by the first of
    ``classes`` each is an instance of, each list in document order."""
    found: dict[type[nodes.Element], list[nodes.Element]] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, classes):
            first = next(cls for cls in classes if isinstance(node, cls))
            found.setdefault(first, []).append(node)  # type: ignore[arg-type]
        if isinstance(node, nodes.Element) and node.children:
            stack.extend(reversed(node.children))
    return found


def fill_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: fill every registered placeholder of the page (placeholders are
    leaves: no filler removes another's)."""
    found = nodes_by_class(doctree, tuple(_FILLERS))
    for node_class, fill in _FILLERS.items():
        if node_class in found:
            fill(app, docname, found[node_class])


def setup_placeholders(app: Sphinx) -> None:
    app.connect("doctree-resolved", fill_placeholders)
