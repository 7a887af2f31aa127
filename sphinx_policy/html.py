"""HTML-only polish, kept apart so the directives stay builder-neutral.

- contact blocks become ``<address>`` (a post-transform, HTML builders only);
- header cells of policy tables get ``scope="col"``; body cells get ``data-label`` (their
  column's header), which the stylesheet shows beside each value when a narrow column
  stacks the table into label-value rows; the table keeps its table semantics through
  ARIA roles, which browsers drop once a table is no longer displayed as one; an empty
  cell is marked ``data-empty`` and left out of a stacked row;
- a policy table of five columns is marked ``policy-table-cols-5``, of six or more
  ``policy-table-cols-6``, so that the stylesheet stacks wide tables at a wider content
  column than narrow ones.
"""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from .directives.nodes_util import in_policy_table
from .state.placeholders import nodes_by_class

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"
CSS_FILE = "sphinx-policy.css"


class policy_address(nodes.General, nodes.Element):
    """A contact block in HTML: rendered as ``<address>``."""


def visit_address(self: HTML5Translator, node: policy_address) -> None:
    self.body.append(self.starttag(node, "address", CLASS="policy-contact"))


def depart_address(self: HTML5Translator, node: policy_address) -> None:
    self.body.append("</address>\n")


class PolishPolicyBlocks(SphinxPostTransform):
    """Contact blocks become ``policy_address``; wide policy tables are marked
    ``policy-table-cols-5`` / ``-cols-6`` (six or more), which the stylesheet stacks into
    label-value rows at a wider content column. One walk of the page for both."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        found = nodes_by_class(self.document, (nodes.container, nodes.table))
        for container in found.get(nodes.container, ()):
            # The contact directive's own wrapper (class "policy", see base.wrap) also
            # carries "policy-contact"; it stays a <div>: <address> must not nest.
            classes = container["classes"]
            if "policy-contact" in classes and "policy" not in classes:
                replacement = policy_address(classes=[c for c in classes
                                                      if c != "policy-contact"])
                replacement.extend(container.children)
                container.replace_self(replacement)
        for table in found.get(nodes.table, ()):
            if "policy-table" not in table["classes"]:
                continue
            columns = max((int(group["cols"]) for group in table.children
                           if isinstance(group, nodes.tgroup)), default=0)
            if columns >= 5:
                table["classes"].append(f"policy-table-cols-{min(columns, 6)}")


def _header_labels(row: nodes.Element) -> list[str]:
    """The header texts of the columns of a body ``row``, one per column."""
    tgroup = row.parent.parent if row.parent is not None else None
    heads = list(tgroup.findall(nodes.thead)) if tgroup is not None else []
    if not heads:
        return []
    first = next(heads[0].findall(nodes.row), None)
    return [entry.astext().strip() for entry in first.children] if first is not None else []


# Each visitor below first calls the translator class's own method (a theme's translator
# may wrap or class tables its own way), then adds our attributes to the tag just written:
# Sphinx installs these functions on the translator instance, so ``type(self)`` still
# has the original. starttag() takes no arbitrary attributes from a node. The departs are
# the class's own (no handler registered for them: one call fewer per cell).


def _add_attributes(self: HTML5Translator, tag: str, attributes: str) -> None:
    for index in range(len(self.body) - 1, -1, -1):
        if f"<{tag}" in self.body[index]:
            self.body[index] = self.body[index].replace(f"<{tag}", f"<{tag} {attributes}", 1)
            return


def _is_policy_table(node: nodes.Element) -> bool:
    return isinstance(node, nodes.table) and "policy-table" in node["classes"]


def visit_entry(self: HTML5Translator, node: nodes.entry) -> None:
    type(self).visit_entry(self, node)
    row = node.parent
    # Once per table, not per cell: whether it is a policy table (the cells of one tgroup
    # share their way up to the table) and its header row's labels.
    tgroup = row.parent.parent if row.parent is not None else None
    known: dict[int, tuple[bool, list[str]]] = self.__dict__.setdefault(
        "policy_table_cells", {})
    facts = known.get(id(tgroup)) if tgroup is not None else None
    if facts is None:
        policy = in_policy_table(node)
        facts = (policy, _header_labels(row) if policy else [])
        if tgroup is not None:
            known[id(tgroup)] = facts
    policy, labels = facts
    if not policy:
        return
    if isinstance(row.parent, nodes.thead):
        _add_attributes(self, "th", 'scope="col" role="columnheader"')
        return
    index = row.index(node)
    attributes = 'role="cell"'
    if index < len(labels) and labels[index]:
        attributes += f' data-label="{escape(labels[index], quote=True)}"'
    if not node.astext().strip():
        # Nothing to say: a stacked row shows no label without a value.
        attributes += ' data-empty=""'
    _add_attributes(self, "td", attributes)


def visit_table(self: HTML5Translator, node: nodes.table) -> None:
    type(self).visit_table(self, node)
    if _is_policy_table(node):
        _add_attributes(self, "table", 'role="table"')


def visit_row(self: HTML5Translator, node: nodes.row) -> None:
    type(self).visit_row(self, node)
    if in_policy_table(node):
        _add_attributes(self, "tr", 'role="row"')


def visit_thead(self: HTML5Translator, node: nodes.thead) -> None:
    type(self).visit_thead(self, node)
    if in_policy_table(node):
        _add_attributes(self, "thead", 'role="rowgroup"')


def visit_tbody(self: HTML5Translator, node: nodes.tbody) -> None:
    type(self).visit_tbody(self, node)
    if in_policy_table(node):
        _add_attributes(self, "tbody", 'role="rowgroup"')


def _add_stylesheet(app: Sphinx) -> None:
    """builder-inited: the stylesheet, for HTML builders only (html, dirhtml, epub...).
    Written straight into the output's ``_static`` rather than added to
    ``html_static_path``, so the configuration stays as the project wrote it (a changed
    configuration would make every incremental build read every page again)."""
    if app.builder.format != "html":
        return
    static = Path(app.builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STATIC / CSS_FILE, static / CSS_FILE)
    app.add_css_file(CSS_FILE)


def setup_html(app: Sphinx) -> None:
    app.add_node(policy_address, html=(visit_address, depart_address))
    app.add_node(nodes.entry, override=True, html=(visit_entry, None))
    app.add_node(nodes.table, override=True, html=(visit_table, None))
    app.add_node(nodes.row, override=True, html=(visit_row, None))
    app.add_node(nodes.thead, override=True, html=(visit_thead, None))
    app.add_node(nodes.tbody, override=True, html=(visit_tbody, None))
    app.add_post_transform(PolishPolicyBlocks)
    app.connect("builder-inited", _add_stylesheet)
