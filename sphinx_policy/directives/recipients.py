"""``recipients``: who receives personal data (processors, other controllers, social
networks), for what, where, with a link to their privacy policy. No cookie is needed
to carry the link."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..data.model import PolicyData, Recipient
from ..data.vocabulary import RECIPIENT_ROLE_LABELS as ROLE_LABELS
from ..locale import N_, _
from .base import DataDirective
from .nodes_util import Cell, link, para, split_list, table
from .rich_text import rich


def privacy_cell(recipient: Recipient, data: PolicyData) -> Cell:
    url = recipient.privacy_policy
    return link(url, url) if url else None


COLUMNS: dict[str, tuple[str, Callable[[Recipient, PolicyData], Cell]]] = {
    "name": (N_("Recipient"),
             lambda r, d: link(r.name, r.privacy_policy or r.website)),
    "role": (N_("Role"), lambda r, d: str(ROLE_LABELS.get(r.role, r.role)) if r.role else None),
    "purpose": (N_("Purpose"), lambda r, d: rich(r.purpose, d)),
    "country": (N_("Country"), lambda r, d: r.country),
    "safeguard": (N_("Safeguard"), lambda r, d: rich(r.safeguard, d)),
    "privacy-policy": (N_("Privacy policy"), privacy_cell),
    "website": (N_("Website"), lambda r, d: link(r.website, r.website) if r.website else None),
}
#: The name links to the privacy policy; the address itself (``privacy-policy``) is for
#: print, where a link cannot be followed.
DEFAULT_COLUMNS = ("name", "role", "purpose", "country")


class Recipients(DataDirective):
    """Render ``recipients`` as a table. Argument: an optional caption. ``:only:`` ids
    (in that order), ``:role:`` roles, ``:columns:``."""

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "only": directives.unchanged,
        "role": directives.unchanged,
        "columns": directives.unchanged,
        "empty": directives.unchanged,
    }
    sections = ("recipients", "organisation", "data_categories", "cookies", "facts")
    body_section = "recipients"

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        recipients = list(data.recipients.values())
        only = list(dict.fromkeys(split_list(self.options.get("only", ""))))
        for value in only:
            if value not in data.recipients:
                self.option_warning("only", value, sorted(data.recipients))
        if only:
            recipients = [data.recipients[r] for r in only if r in data.recipients]
        roles = set(self.choices("role", tuple(ROLE_LABELS)))
        if roles:
            recipients = [r for r in recipients if r.role in roles]
        columns = self.choices("columns", tuple(COLUMNS)) or list(DEFAULT_COLUMNS)
        if not recipients:
            empty = self.options.get("empty", str(_("No recipients are declared.")))
            return self.wrap([para(empty)], "recipients")
        rows = [[COLUMNS[c][1](r, data) for c in columns] for r in recipients]
        caption = self.arguments[0] if self.arguments else None
        table_node = table([_(COLUMNS[c][0]) for c in columns], rows,
                           classes=["policy-recipients"], title=caption)
        self.add_name(table_node)
        return self.wrap([table_node], "recipients")
