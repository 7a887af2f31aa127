"""``data-categories``: the named groups of personal data and what each includes."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..data.model import DataCategory, PolicyData
from ..locale import _
from .base import DataDirective
from .nodes_util import para, split_list
from .rich_text import rich_nodes


def definition(category: DataCategory, data: PolicyData) -> list[nodes.Node]:
    body: list[nodes.Node] = []
    if category.includes:
        node = para(str(_("Includes: ")))
        for index, item in enumerate(category.includes):
            if index:
                node += nodes.Text(", ")
            node.extend(rich_nodes(item, data))
        node += nodes.Text(".")
        body.append(node)
    if category.description:
        body.append(para(*rich_nodes(category.description, data)))
    return body


class DataCategories(DataDirective):
    """Render ``data_categories`` as a definition list. ``:only:`` ids, in that order."""

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "only": directives.unchanged,
    }
    sections = ("data_categories", "recipients", "organisation", "cookies", "facts")
    body_section = "data_categories"

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        categories = list(data.data_categories.values())
        only = list(dict.fromkeys(split_list(self.options.get("only", ""))))
        for value in only:
            if value not in data.data_categories:
                self.option_warning("only", value, sorted(data.data_categories))
        if only:
            categories = [data.data_categories[c] for c in only if c in data.data_categories]
        output = nodes.definition_list(classes=["policy-data-categories"])
        for category in categories:
            output += nodes.definition_list_item(
                "",
                nodes.term(category.name, category.name),
                nodes.definition("", *definition(category, data)),
            )
        return self.wrap([output] if categories else [], "data-categories")
