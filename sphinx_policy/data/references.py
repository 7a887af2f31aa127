"""References from free text to other facts: ``{recipient:chat-ai}`` in a data string.

A table cell that mentions a recipient ("sent to Anthropic's API") would retype its
name; instead, a data string may hold a reference token, and the directives render the
fact it names (escaped text, or a link checked by scheme: never raw markup from data):

``{recipient:<id>}``
    the recipient's name, linked to its privacy policy (or website);
``{data-category:<id>}``
    the data category's name;
``{cookie:<name>}``
    the cookie's name, as code;
``{fact:<name>}``
    a value of the ``facts`` section;
``{organisation}``
    the organisation's short name (or trading name, or legal name).

Any other text, braces included, is shown as written. Every token is checked when the
data is read: an unknown id or kind is a ``policy.reference`` warning at its line, with
a suggestion; the token is then shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .validate import suggest

if TYPE_CHECKING:
    from .model import PolicyData
    from .parse import DataPath

REFERENCE = "reference"
#: The kinds a token may name, and what each refers to (for messages).
KINDS = {
    "recipient": "recipient (under 'recipients')",
    "data-category": "data category (under 'data_categories')",
    "cookie": "cookie (under 'cookies')",
    "fact": "fact (under 'facts')",
    "organisation": "organisation",
}
#: ``{kind:key}`` or ``{organisation}``; a kind in lower case with dashes, a key without
#: spaces or braces. Anything else in braces is not a token.
TOKEN = re.compile(r"\{(?P<kind>[a-z][a-z_-]*)(?::(?P<key>[^{}\s]+))?\}")


@dataclass(frozen=True)
class Reference:
    kind: str
    key: str | None
    token: str


def tokens(text: str) -> Iterator[tuple[re.Match[str], Reference]]:
    """The reference tokens in ``text``: a known kind, or a ``kind:key`` pair (checked)."""
    for match in TOKEN.finditer(text):
        kind, key = match["kind"], match["key"]
        if key is None and kind not in ("organisation", "organization"):
            continue  # "{note}": braces in prose, not a token
        yield match, Reference(kind, key, match[0])


def find_references(value: Any, path: DataPath) -> Iterator[tuple[DataPath, Reference]]:
    """Every token in the strings of a parsed data value, with the path of its string."""
    if isinstance(value, str):
        for _match, reference in tokens(value):
            yield path, reference
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from find_references(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from find_references(item, (*path, index))


def defined(kind: str, data: PolicyData) -> list[str] | None:
    """The keys a kind may name in ``data``; None for a kind that is not one."""
    if kind == "recipient":
        return sorted(data.recipients)
    if kind == "data-category":
        return sorted(data.data_categories)
    if kind == "cookie":
        return sorted({c.name for c in data.cookies})
    if kind == "fact":
        return sorted(str(k) for k in data.facts) if isinstance(data.facts, dict) else []
    return None


def check_reference(reference: Reference, data: PolicyData) -> str | None:
    """The problem with a token, or None when it names a fact of the data."""
    kind, key = reference.kind, reference.key
    if kind in ("organisation", "organization"):
        if key is not None:
            return (f"{reference.token}: {{organisation}} takes no name; write {{organisation}} "
                    "for the organisation's short name")
        if data.organisation is None:
            return (f"{reference.token} names the organisation, which is not defined in the "
                    "data; add an 'organisation' section")
        return None
    known = defined(kind, data)
    if known is None:
        kinds = [k for k in KINDS if k != "organisation"]
        return (f"{reference.token} is not a reference: {kind!r} is not a kind of fact"
                f"{suggest(kind, kinds)} Accepted: "
                f"{', '.join('{' + k + ':…}' for k in kinds)}, {{organisation}}")
    if key in known:
        return None
    return (f"{reference.token} names no {KINDS[kind]} {key!r}{suggest(str(key), known)} "
            f"Defined: {', '.join(known) or 'none'}")
