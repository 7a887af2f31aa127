"""``not-done``: the commitments, what the organisation does *not* do, from ``not_done``."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..data.model import NotDone, PolicyData
from ..data.vocabulary import NOT_DONE_SENTENCES
from .base import DataDirective
from .nodes_util import para, split_list
from .rich_text import rich_nodes


def statement(item: NotDone, data: PolicyData) -> nodes.paragraph:
    """The organisation's own sentence, or the built-in one of its practice."""
    if item.text:
        return para(*rich_nodes(item.text, data))
    return para(str(NOT_DONE_SENTENCES.get(item.practice or "", item.practice or "")))


#: The practices a ``cookie-table :not-done:`` states under the table; the others go
#: under a ``processing-table :not-done:``.
COOKIE_PRACTICES = frozenset({"analytics", "advertising", "tracking"})


def commitments_list(data: PolicyData, cookies: bool) -> list[nodes.Node]:
    """The commitments with a ``practice`` about cookies (or about the rest), as a list
    to put under a cookie or processing table; nothing when there are none."""
    items = [i for i in data.not_done
             if i.practice and (i.practice in COOKIE_PRACTICES) == cookies]
    if not items:
        return []
    output = nodes.bullet_list(classes=["policy-not-done"])
    for item in items:
        output += nodes.list_item("", statement(item, data))
    return [output]


def label(item: NotDone) -> str | None:
    return item.id or item.practice


class NotDoneList(DataDirective):
    """Render the commitments as a list. ``:only:`` ids or practices, in that order."""

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "only": directives.unchanged,
        "exclude": directives.unchanged,
    }
    sections = ("not_done", "recipients", "organisation", "data_categories", "cookies", "facts")
    body_section = "not_done"

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        items = data.not_done
        names = {n for i in items for n in (i.id, i.practice) if n}
        only = list(dict.fromkeys(split_list(self.options.get("only", ""))))
        exclude = set(split_list(self.options.get("exclude", "")))
        for option, values in (("only", only), ("exclude", sorted(exclude))):
            for value in values:
                if value not in names:
                    self.option_warning(option, value, sorted(names))
        if only:
            items = sorted((i for i in items if {i.id, i.practice} & set(only)),
                           key=lambda i: min(only.index(n) for n in (i.id, i.practice)
                                             if n in only))
        items = [i for i in items if not ({i.id, i.practice} & exclude)]
        output = nodes.bullet_list(classes=["policy-not-done"])
        for item in items:
            output += nodes.list_item("", statement(item, data))
        return self.wrap([output] if items else [], "not-done")
