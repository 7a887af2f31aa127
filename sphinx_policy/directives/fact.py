"""The ``{policy}`` role: one fact from the data in running text, so no name is retyped.

``{policy}`legal-name``, ``{policy}`organisation.email``,
``{policy}`officers.information-officer.email``, ``{policy}`facts.response-time``
(or just ``{policy}`response-time``). Lists are indexed by an item's ``id``, ``role`` or
``name`` (a cookie), or its position.
Emails become ``mailto:`` links, phones ``tel:`` links, web addresses links.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from ..catalogs import load_authorities, load_laws
from ..data.durations import DurationError, parse_duration
from ..data.model import PolicyData
from ..data.validate import suggest
from ..diagnostics import Subtype, warn
from ..history.dates import format_for_readers
from ..locale import catalog_text
from ..state.data import (
    note_data_files,
    note_read_dependencies,
    page_data,
    project_data,
    unread_files_note,
)
from .in_force import build_date, page_catalog_day
from .nodes_util import email_link, link, phone_link

if TYPE_CHECKING:
    from sphinx.config import Config

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


def _label(item: dict[str, Any]) -> str | None:
    """What names a list item in a path: its id, its role (officers) or its name (cookies,
    which have no id)."""
    for key in ("id", "role", "name"):
        value = item.get(key)
        if isinstance(value, str | int) and str(value):
            return str(value)
    return None


def lookup(raw: dict[str, Any], path: str,
           fallback: dict[str, Any] | None = None) -> tuple[Any, list[str]]:
    """Follow a dotted path; return (value or None, keys available where it stopped).

    A list item is found by its ``id``, ``role`` or ``name``; a name may itself hold dots
    (``cookies.connect.sid.expiry``: the longest name that matches wins). An item with
    none of these is found by its position, from 0 (``transfers.0.country``). ``fallback``
    holds what the data may leave out (the built-in catalogs, under the same keys).
    """
    path = SHORTCUTS.get(path, path)
    steps = path.split(".")
    if steps[0] not in raw and "facts" in raw and path in raw["facts"]:
        return raw["facts"][path], []
    if steps[0] == "officers":  # officers live under the organisation
        steps = ["organisation", *steps]
    if fallback and steps[0] in fallback and (steps[0] not in raw or steps[0] == "authorities"):
        # The catalog's record already carries the data's overrides.
        raw = fallback
    node: Any = raw
    depth = 0
    while depth < len(steps):
        step = steps[depth]
        if isinstance(node, dict):
            key = step if step in node else step.replace("-", "_")
            if key not in node:
                if depth == 0:  # a shortcut or a fact name may have been meant
                    facts = raw.get("facts")
                    return None, [*node, *SHORTCUTS, *(facts if isinstance(facts, dict) else ()),
                                  *(fallback or ())]
                return None, list(node)
            node = node[key]
            depth += 1
        elif isinstance(node, list):
            items = [i for i in node if isinstance(i, dict)]
            for end in range(len(steps), depth, -1):
                name = ".".join(steps[depth:end])
                match = [i for i in items if name in (str(i.get("id")), str(i.get("role")),
                                                      str(i.get("name")))]
                if match:
                    node = match[0]
                    depth = end
                    break
            else:
                if step.isdigit() and int(step) < len(node):  # an item without a name
                    node = node[int(step)]
                    depth += 1
                    continue
                return None, [label for i in items if (label := _label(i))]
        else:
            return None, []
    return node, []


#: Sections the built-in catalogs supply when the data does not (``authorities.ico.name``,
#: ``laws.popia.short_name``, ``laws.gdpr.rights.access.citation``).
CATALOG_SECTIONS = ("authorities", "laws")
#: Keys whose values are durations or dates, formatted as the directives format them.
DURATION_KEYS = frozenset({"retention", "expiry"})
DATE_KEYS = frozenset({"verified_on"})


def catalog_view(data: PolicyData, day: dt.date) -> dict[str, Any]:
    """The built-in catalogs as the directives show them on ``day``: translated, with the
    data's overrides (an authority's contact, a right's wording) applied."""
    from .contact import authority_record, law_authority
    from .rights import rights_of

    authorities = {
        aid: record for aid in sorted(set(load_authorities()) | set(data.authorities))
        if (record := authority_record(aid, data, day)) is not None
    }
    laws = {
        law.id: {
            "id": law.id,
            "name": law.name,
            "short_name": law.short_name,
            "region": catalog_text(law.region, law.id),
            "authority": law_authority(law.id, data),
            "rights": [{"id": r.id, "title": r.title, "description": r.description,
                        "citation": r.citation} for r in rights_of(law, data, day)],
        }
        for law in load_laws().values()
    }
    return {"authorities": authorities, "laws": laws}


def fact_text(value: Any, key: str, config: Config) -> str | None:
    """A single value as the directives would print it; None for a mapping or a list of
    mappings (not one fact)."""
    if isinstance(value, list | tuple):
        if not value or any(isinstance(v, dict | list | tuple) for v in value):
            return None
        return ", ".join(str(v) for v in value)  # an address, or a list of data
    if isinstance(value, dict) or value is None:
        return None
    if isinstance(value, dt.date) or (key in DATE_KEYS and isinstance(value, str)):
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
        moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        return format_for_readers(int(moment.timestamp()), "UTC",
                                  config.html_last_updated_fmt or None, config.language)
    if key in DURATION_KEYS and isinstance(value, str):
        try:
            return parse_duration(value).render()
        except DurationError:
            return value  # reported as policy.data where the data is read
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def resolve(data: PolicyData, path: str, note: str = "",
            day: dt.date | None = None) -> tuple[Any, str, str | None]:
    """(value, its key, problem): the value at ``path`` in the data or the catalogs (as
    in force on ``day``, by default the build date in UTC), and the message of a
    ``policy.reference`` warning when it is not one fact (``note`` follows "is not
    defined in the data"). Shared by the role and ``sphinx-policy check``."""
    section = SHORTCUTS.get(path, path).split(".")[0]
    fallback: dict[str, Any] = (catalog_view(data, day or build_date("UTC"))
                                if section in CATALOG_SECTIONS
                                else dict.fromkeys(CATALOG_SECTIONS))
    value, available = lookup(data.raw, path, fallback)
    key = SHORTCUTS.get(path, path).split(".")[-1]
    if value is not None and not isinstance(value, dict) and (
            not isinstance(value, list | tuple)
            or (value and not any(isinstance(v, dict | list | tuple) for v in value))):
        return value, key, None
    others = [a for a in available if a != path.split(".")[-1]]  # not itself
    hint = suggest(path.split(".")[-1], others) if others else ""
    what = ("is not a single value" if value is not None
            else "is not defined in the data" + note)
    return value, key, (f"{{policy}}`{path}` {what}{hint} "
                        f"{'Available here: ' + ', '.join(available) if available else ''}"
                        ).rstrip()


class PolicyFact(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        path = self.text.strip()
        loaded = project_data(self.env)
        data = page_data(self.env).data or loaded.data
        section = SHORTCUTS.get(path, path).split(".")[0]
        note_data_files(self.env, data.files_for([section if section in data.raw else "facts"]))
        note_read_dependencies(self.env, loaded.files)
        day = page_catalog_day(self.env, self.inliner.document)
        value, key, problem = resolve(data, path, unread_files_note(self.env), day)
        text = fact_text(value, key, self.config) if problem is None else None
        if problem is not None or text is None:
            warn(Subtype.REFERENCE, problem or f"{{policy}}`{path}` is not a single value",
                 location=self.get_location())
            return [nodes.inline(path, path, classes=["policy-fact", "policy-fact-missing"])], []
        node = fact_node(text, key)
        return [nodes.inline("", "", node, classes=["policy-fact"])], []


def fact_node(text: str, key: str) -> nodes.Node:
    """Emails become ``mailto:`` links, phones ``tel:`` links, web addresses links."""
    if re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        return email_link(text)
    if re.fullmatch(r"https?://\S+", text):
        return link(text, text)
    if key.endswith("phone") and re.fullmatch(r"[+0-9 ()./-]{3,}", text):
        return phone_link(text)
    return nodes.Text(text)
