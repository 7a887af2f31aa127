"""LaTeX-only polish, kept apart so the directives stay builder-neutral.

Two faults of a PDF table, fixed for the policy tables only:

- LaTeX sets inline code without break points, so a long cookie name such as
  ``karoo_cookie_consent`` runs into the next column. We allow a line break after each
  separator of such names. The only raw LaTeX added is our own constant
  ``\\allowbreak{}``; the data stays in escaped text nodes.
- Sphinx's default ``tabulary`` squeezes a column of short cells ("12 months") below the
  width of its words. We give each column fixed widths instead (``colwidths-given``):
  never narrower than its longest word, the rest of the line shared by need.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .directives.nodes_util import PROSE_CHARS, in_policy_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Characters after which a long identifier may break: cookie names, keys, hosts, paths.
_BREAK_AFTER = re.compile(r"(?<=[^\W_][_\-./@:=])(?=\w)")
_ALLOW_BREAK = r"\allowbreak{}"

#: What the text width of a Sphinx PDF holds, in average characters of its 10pt body font.
LINE_CHARS = 90
#: A column's padding (2 x \tabcolsep) and rules, in the same characters.
PADDING_CHARS = 3
#: Inline code is set in a wider (monospace) font; headers are bold.
CODE_FACTOR = 1.3
HEADER_FACTOR = 1.1


class PolicyTablesForLatex(SphinxPostTransform):
    """Break points in inline code and word-safe column widths for policy tables."""

    default_priority = 200
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if "policy-table" not in table["classes"]:
                continue
            set_column_widths(table)
        for literal in list(self.document.findall(nodes.literal)):
            if in_policy_table(literal):
                add_break_points(literal)


def add_break_points(literal: nodes.literal) -> None:
    for text in list(literal.findall(nodes.Text)):
        parts = _BREAK_AFTER.split(str(text))
        if len(parts) < 2:
            continue
        pieces: list[nodes.Node] = []
        for index, part in enumerate(parts):
            if index:
                pieces.append(nodes.raw("", _ALLOW_BREAK, format="latex"))
            pieces.append(nodes.Text(part))
        parent = text.parent
        position = parent.index(text)
        parent[position : position + 1] = pieces


def _longest_word(entry: nodes.Element, factor: float) -> float:
    longest = 0.0
    for text in entry.findall(nodes.Text):
        in_code = isinstance(text.parent, nodes.literal)
        pieces = _BREAK_AFTER.split(str(text)) if in_code else [str(text)]
        for piece in pieces:
            for word in piece.split():
                longest = max(longest, len(word) * (CODE_FACTOR if in_code else factor))
    return longest


def set_column_widths(table: nodes.table) -> None:
    """Fixed column widths: each at least its longest word, the rest shared by need."""
    groups = list(table.findall(nodes.tgroup))
    if len(groups) != 1:
        return
    group = groups[0]
    colspecs = [c for c in group.children if isinstance(c, nodes.colspec)]
    count = len(colspecs)
    least = [1.0] * count
    wanted = [1.0] * count
    for section in group.children:
        if not isinstance(section, nodes.thead | nodes.tbody):
            continue
        factor = HEADER_FACTOR if isinstance(section, nodes.thead) else 1.0
        for row in section.findall(nodes.row):
            entries = [e for e in row.children if isinstance(e, nodes.entry)]
            if len(entries) != count:  # spanning cells: leave the table to Sphinx
                return
            for column, entry in enumerate(entries):
                least[column] = max(least[column], _longest_word(entry, factor))
                wanted[column] = max(wanted[column],
                                     min(len(entry.astext()) * factor, PROSE_CHARS))
    least = [w + PADDING_CHARS for w in least]
    wanted = [max(w + PADDING_CHARS, m) for w, m in zip(wanted, least, strict=True)]
    room = LINE_CHARS - sum(least)
    extra = sum(wanted) - sum(least)
    if room <= 0 or extra <= 0:
        widths = least if room <= 0 else wanted
    else:
        share = min(1.0, room / extra)
        widths = [m + (w - m) * share for m, w in zip(least, wanted, strict=True)]
    for colspec, width in zip(colspecs, widths, strict=True):
        colspec["colwidth"] = max(1, round(width * 10))
    if "colwidths-given" not in table["classes"]:
        table["classes"].append("colwidths-given")


def setup_latex(app: Sphinx) -> None:
    app.add_post_transform(PolicyTablesForLatex)
