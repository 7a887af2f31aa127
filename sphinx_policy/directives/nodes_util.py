"""Small builders of plain docutils nodes, shared by every directive.

Only standard nodes are produced (tables, lists, paragraphs, references), so every
builder (html, latex, text, man, epub, gettext) renders them. Nothing from data is ever
emitted as raw markup: text goes into ``nodes.Text`` and URLs are checked by scheme.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeAlias
from urllib.parse import urlsplit

from docutils import nodes

#: URL schemes a data value may link to; anything else (javascript:, data:) is shown as text.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

#: A column whose longest cell is longer than this holds prose: it wraps, and more text
#: does not earn it a wider column.
PROSE_CHARS = 40

Cell: TypeAlias = str | nodes.Node | Sequence[nodes.Node] | None


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if any(ch in url for ch in "\x00\r\n\t") or any(ord(ch) < 32 for ch in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def link(text: str, url: str | None) -> nodes.Node:
    """A reference when ``url`` is safe, plain text otherwise."""
    target = safe_url(url)
    if target is None:
        return nodes.Text(text)
    return nodes.reference(text, text, refuri=target, internal=False)


def tel_uri(phone: str) -> str:
    return "tel:" + re.sub(r"[^+0-9]", "", phone)


def email_link(email: str) -> nodes.Node:
    return link(email, f"mailto:{email}") if "@" in email else nodes.Text(email)


def phone_link(phone: str) -> nodes.Node:
    digits = re.sub(r"[^+0-9]", "", phone)
    return link(phone, tel_uri(phone)) if len(digits) >= 3 else nodes.Text(phone)


def para(*children: nodes.Node | str, classes: Iterable[str] = ()) -> nodes.paragraph:
    node = nodes.paragraph(classes=list(classes))
    for child in children:
        node += nodes.Text(child) if isinstance(child, str) else child
    return node


def bullet_list(items: Iterable[Cell], classes: Iterable[str] = ()) -> nodes.bullet_list:
    node = nodes.bullet_list(classes=list(classes))
    for item in items:
        li = nodes.list_item()
        li.extend(cell_body(item))
        node += li
    return node


def cell_body(value: Cell) -> list[nodes.Node]:
    """The children of a table cell or list item for a value."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [para(value)]
    if isinstance(value, nodes.Node):
        # reference is both Inline and General(Body): test Inline first.
        if isinstance(value, nodes.Inline | nodes.Text):
            return [para(value)]
        return [value]
    children = list(value)
    if children and not any(isinstance(c, nodes.Inline | nodes.Text) for c in children):
        return children
    return [para(*children)]


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    classes: Iterable[str] = (),
    title: str | None = None,
    widths: Sequence[int] | None = None,
) -> nodes.table:
    """A table with one header row (``<th scope="col">`` in HTML, see html.py)."""
    table_node = nodes.table(classes=["policy-table", *classes])
    if title:
        table_node += nodes.title(title, title)
    cells = [list(row) for row in rows]
    group = nodes.tgroup(cols=len(headers))
    table_node += group
    longest = _longest_cells(len(headers), cells)
    for width in widths or _widths(headers, longest):
        group += nodes.colspec(colwidth=width)
    # Prose columns keep a readable measure on a phone (see static/sphinx-policy.css).
    prose = {index for index, length in enumerate(longest) if length > PROSE_CHARS}
    head = nodes.thead()
    group += head
    header_row = nodes.row()
    for header in headers:
        entry = nodes.entry()
        entry += para(header)
        header_row += entry
    head += header_row
    body = nodes.tbody()
    group += body
    for row in cells:
        row_node = nodes.row()
        for index, value in enumerate(row):
            entry = nodes.entry(classes=["policy-prose"] if index in prose else [])
            entry.extend(cell_body(value))
            row_node += entry
        body += row_node
    return table_node


def in_policy_table(node: nodes.Node) -> bool:
    """Whether ``node`` lies inside a table made by :func:`table`."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.table):
        parent = parent.parent
    return parent is not None and "policy-table" in parent["classes"]


def _text_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, nodes.Node):
        return len(value.astext())
    return sum(len(v.astext()) for v in value if isinstance(v, nodes.Node))


def _longest_cells(count: int, rows: list[list[Cell]]) -> list[int]:
    """The length of the longest cell of each column."""
    return [max([_text_length(row[index]) for row in rows if index < len(row)] or [0])
            for index in range(count)]


def _widths(headers: Sequence[str], longest: list[int]) -> list[int]:
    """Relative column widths from the content, for the text builder (in characters; the
    LaTeX builder sets its own, see latex.py). Long prose is capped so that no column
    swallows the page."""
    return [max(len(header), min(length, PROSE_CHARS), 6) + 2  # quotes and padding
            for header, length in zip(headers, longest, strict=True)]


def split_list(value: str) -> list[str]:
    """Parse a comma- or space-separated option value."""
    return [v for v in re.split(r"[,\s]+", value.strip()) if v]
