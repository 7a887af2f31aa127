"""The ``{policy}`` role: one fact from the data in running text, so no name is retyped.

``{policy}`legal-name``, ``{policy}`organisation.email``,
``{policy}`officers.information-officer.email``, ``{policy}`facts.response-time``
(or just ``{policy}`response-time``). Lists are indexed by an item's ``id`` or ``role``.
Emails become ``mailto:`` links, phones ``tel:`` links, web addresses links.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from ..data.collector import note_data_files, note_read_dependencies
from ..data.store import page_data, project_data, unread_files_note
from ..data.validate import suggest
from ..diagnostics import Subtype, warn
from .nodes_util import email_link, link, phone_link

SHORTCUTS = {
    "legal-name": "organisation.name",
    "name": "organisation.name",
    "trading-name": "organisation.trading_name",
    "short-name": "organisation.short_name",
    "email": "organisation.email",
    "phone": "organisation.phone",
    "website": "organisation.website",
    "registration": "organisation.registration.number",
    "register": "organisation.registration.register",
}


def lookup(raw: dict[str, Any], path: str) -> tuple[Any, list[str]]:
    """Follow a dotted path; return (value or None, keys available where it stopped)."""
    path = SHORTCUTS.get(path, path)
    steps = path.split(".")
    if steps[0] not in raw and "facts" in raw and path in raw["facts"]:
        return raw["facts"][path], []
    if steps[0] == "officers":  # officers live under the organisation
        steps = ["organisation", *steps]
    node: Any = raw
    for depth, step in enumerate(steps):
        if isinstance(node, dict):
            key = step if step in node else step.replace("-", "_")
            if key not in node:
                if depth == 0:  # a shortcut or a fact name may have been meant
                    facts = raw.get("facts")
                    return None, [*node, *SHORTCUTS, *(facts if isinstance(facts, dict) else ())]
                return None, list(node)
            node = node[key]
        elif isinstance(node, list):
            items = [i for i in node if isinstance(i, dict)]
            match = [i for i in items if step in (i.get("id"), i.get("role"))]
            if not match:
                return None, [str(i.get("id") or i.get("role")) for i in items]
            node = match[0]
        else:
            return None, []
    return node, []


class PolicyFact(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        path = self.text.strip()
        loaded = project_data(self.env)
        data = page_data(self.env).data or loaded.data
        section = SHORTCUTS.get(path, path).split(".")[0]
        note_data_files(self.env, data.files_for([section if section in data.raw else "facts"]))
        note_read_dependencies(self.env, loaded.files)
        value, available = lookup(data.raw, path)
        if value is None or isinstance(value, dict | list):
            others = [a for a in available if a != path.split(".")[-1]]  # not itself
            hint = suggest(path.split(".")[-1], others) if others else ""
            what = ("is not a single value" if value is not None
                    else "is not defined in the data" + unread_files_note(self.env))
            warn(Subtype.REFERENCE,
                 f"{{policy}}`{path}` {what}{hint} "
                 f"{'Available here: ' + ', '.join(available) if available else ''}".rstrip(),
                 location=self.get_location())
            return [nodes.inline(path, path, classes=["policy-fact", "policy-fact-missing"])], []
        text = str(value)
        if re.fullmatch(r"[^@\s]+@[^@\s]+", text):
            node = email_link(text)
        elif re.fullmatch(r"https?://\S+", text):
            node = link(text, text)
        elif path.endswith("phone") and re.fullmatch(r"[+0-9 ()./-]{3,}", text):
            node = phone_link(text)
        else:
            node = nodes.Text(text)
        return [nodes.inline("", "", node, classes=["policy-fact"])], []
