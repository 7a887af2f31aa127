"""Render data strings that hold references to other facts (``{recipient:chat-ai}``).

See :mod:`sphinx_policy.data.references` for the syntax. A token becomes plain text or a
link whose URL is checked by scheme; the rest of the string is text. Nothing from data is
ever parsed as markup. Unknown tokens were reported when the data was read, and are
shown as written.
"""

from __future__ import annotations

from docutils import nodes

from ..data.model import PolicyData
from ..data.references import Reference, check_reference, tokens
from .nodes_util import Cell, link


def organisation_label(data: PolicyData) -> str | None:
    org = data.organisation
    return (org.short_name or org.trading_name or org.name) if org else None


def reference_node(reference: Reference, data: PolicyData) -> nodes.Node:
    """The fact a valid token names."""
    if reference.kind in ("organisation", "organization"):
        return nodes.Text(organisation_label(data) or reference.token)
    key = reference.key or ""
    if reference.kind == "recipient":
        recipient = data.recipients[key]
        return link(recipient.name, recipient.privacy_policy or recipient.website)
    if reference.kind == "data-category":
        return nodes.Text(data.data_categories[key].name)
    if reference.kind == "cookie":
        return nodes.literal(key, key)
    return nodes.Text(str(data.facts[key]))


def rich_nodes(text: str, data: PolicyData) -> list[nodes.Node]:
    """``text`` as inline nodes, its valid tokens replaced by the facts they name."""
    result: list[nodes.Node] = []
    position = 0
    for match, reference in tokens(text):
        if check_reference(reference, data) is not None:
            continue  # reported where the data is read; shown as written
        if match.start() > position:
            result.append(nodes.Text(text[position:match.start()]))
        result.append(reference_node(reference, data))
        position = match.end()
    if position < len(text):
        result.append(nodes.Text(text[position:]))
    return result


def rich(text: str | None, data: PolicyData) -> Cell:
    """A cell for ``text``: the plain string when it holds no token (tables size their
    columns by it), inline nodes otherwise."""
    if not text:
        return None
    found = rich_nodes(text, data)
    if len(found) == 1 and isinstance(found[0], nodes.Text):
        return text
    return found

