"""``processing-table``: the data inventory (what we collect, how, why, on what basis)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..catalogs import load_laws
from ..data.model import Activity, PolicyData
from ..data.vocabulary import LAWFUL_BASIS_CITATIONS, LAWFUL_BASIS_LABELS, REQUIRED_LABELS
from ..locale import _
from .base import DataDirective
from .nodes_util import Cell, bullet_list, link, table
from .not_done import commitments_list
from .rich_text import rich, rich_nodes


@functools.cache
def law_names() -> dict[str, str]:
    """``:law:`` accepts a law's id, short name or alias, as the rights directive does.
    (Read on first use: the catalogs are not loaded by a build that never needs them.)"""
    return {
        name.lower(): law.id
        for law in load_laws().values()
        for name in (law.id, law.short_name.replace(" ", "-"), *law.aliases)
    }


def _many_rich(values: tuple[str, ...], data: PolicyData) -> Cell:
    """None, one value, or a list of them, each with its ``{kind:id}`` references rendered."""
    cells = [rich(v, data) for v in values]
    if not cells:
        return None
    if len(cells) == 1:
        return cells[0]
    return bullet_list(cells)


def data_cell(activity: Activity, data: PolicyData) -> Cell:
    """The activity's data categories (by name, from ``data_categories``), then its data."""
    names = tuple(data.data_categories[c].name if c in data.data_categories else c
                  for c in activity.categories)
    return _many_rich(names + activity.data, data)


def basis_text(activity: Activity, data: PolicyData, laws: list[str]) -> Cell:
    """One line per basis: "Consent (Art. 6(1)(a) GDPR; s11(1)(a) POPIA)"."""
    if not activity.lawful_basis:
        return None
    by_basis: dict[str, list[str]] = {}
    if "*" in activity.lawful_basis:
        basis = activity.lawful_basis["*"]
        by_basis[basis] = [
            cite for law in laws if (cite := LAWFUL_BASIS_CITATIONS.get(law, {}).get(basis))
        ]
    for law, basis in activity.lawful_basis.items():
        if law == "*" or (laws and law not in laws):
            continue
        cite = LAWFUL_BASIS_CITATIONS.get(law, {}).get(basis)
        short = load_laws()[law].short_name if law in load_laws() else law
        by_basis.setdefault(basis, []).append(cite or short)
    lines = []
    for basis, cites in by_basis.items():
        label = str(LAWFUL_BASIS_LABELS.get(basis, basis))
        lines.append(f"{label} ({'; '.join(cites)})" if cites else label)
    cells: list[Cell] = list(lines)
    if activity.legitimate_interest and "legitimate-interests" in by_basis:
        before, _sep, after = str(_("Legitimate interest: %s")).partition("%s")
        parts: list[nodes.Node] = [nodes.Text(before)]
        parts.extend(rich_nodes(activity.legitimate_interest, data))
        if after:
            parts.append(nodes.Text(after))
        cells.append(parts)
    if not cells:
        return None
    return cells[0] if len(cells) == 1 else bullet_list(cells)


def recipients_cell(activity: Activity, data: PolicyData) -> Cell:
    cells: list[nodes.Node] = []
    for rid in activity.recipients:
        recipient = data.recipients.get(rid)
        if recipient is None:
            cells.append(nodes.Text(rid))
        else:
            cells.append(link(recipient.name, recipient.privacy_policy or recipient.website))
    if not cells:
        return None
    if len(cells) == 1:
        return cells[0]
    items = nodes.bullet_list()
    for cell in cells:
        items += nodes.list_item("", nodes.paragraph("", "", cell))
    return items


def transfers_cell(activity: Activity, data: PolicyData) -> Cell:
    lines = []
    for transfer in activity.transfers:
        line = transfer.country
        if transfer.safeguard:
            line += f" ({transfer.safeguard})"
        lines.append(line)
    return _many_rich(tuple(lines), data)


def required_cell(activity: Activity, data: PolicyData) -> Cell:
    if activity.required is None and not activity.consequences:
        return None
    label = str(REQUIRED_LABELS.get(activity.required, "")) if activity.required is not None else ""
    return rich(" ".join(filter(None, [label + ("." if label and activity.consequences else ""),
                                       activity.consequences or ""])), data)


class ProcessingTable(DataDirective):
    """Render processing activities as a table. Argument: an optional caption."""

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "columns": directives.unchanged,
        "activities": directives.unchanged,
        "law": directives.unchanged,
        "not-done": directives.flag,
    }
    sections = ("processing", "recipients", "jurisdictions", "data_categories", "not_done")
    body_section = "processing"

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        laws = self.choices("law", law_names())
        laws = laws or [j.law for j in data.jurisdictions]
        columns_spec: dict[str, tuple[str, Callable[[Activity, PolicyData], Cell]]] = {
            "name": (_("Activity"), lambda a, d: rich(a.name, d)),
            "data": (_("Information"), data_cell),
            "source": (_("How it is collected"), lambda a, d: _many_rich(a.source, d)),
            "purpose": (_("Why"), lambda a, d: _many_rich(a.purposes, d)),
            "basis": (_("Lawful basis"), lambda a, d: basis_text(a, d, laws)),
            "retention": (
                _("Retention"), lambda a, d: rich(a.retention.render(), d) if a.retention else None
            ),
            "recipients": (_("Recipients"), recipients_cell),
            "storage": (_("Where it is stored"), lambda a, d: rich(a.storage, d)),
            "transfers": (_("International transfers"), transfers_cell),
            "required": (_("Required?"), required_cell),
            "automated": (_("Automated decisions"), lambda a, d: rich(a.automated_decisions, d)),
        }
        columns = self.choices("columns", tuple(columns_spec)) or [
            "data", "source", "purpose", "basis", "retention"
        ]
        wanted = {a.strip() for a in self.options.get("activities", "").split(",") if a.strip()}
        activities = data.processing
        if wanted:
            known = {a.id for a in activities if a.id}
            for missing in sorted(wanted - known):
                self.option_warning("activities", missing, sorted(known))
            activities = [a for a in activities if a.id in wanted]
        # What is not done, next to what is (the commitments not about cookies).
        after = commitments_list(data, cookies=False) if "not-done" in self.options else []
        if not activities:
            none = str(_("No processing activities are declared."))
            return self.wrap([nodes.paragraph("", none), *after], "processing-table")
        rows = [[columns_spec[c][1](a, data) for c in columns] for a in activities]
        caption = self.arguments[0] if self.arguments else None
        table_node = table([str(columns_spec[c][0]) for c in columns], rows,
                           classes=["policy-processing-table"], title=caption)
        self.add_name(table_node)
        return self.wrap([table_node, *after], "processing-table")
