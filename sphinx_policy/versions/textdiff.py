"""Diffs of the rendered text of two versions of a page (not of their sources).

Pure module: it reads docutils doctrees and returns plain data and HTML fragments.

A page is reduced to a list of :class:`Block` s in document order (headings,
paragraphs, list items, table rows, …) whose text is whitespace-normalised, so
re-wrapping a paragraph, re-indenting a list or switching a table from grid to
list-table syntax is not a change, while any change a reader could see is.

**Text hash.** :func:`text_sha256` is the hex SHA-256 of the UTF-8 encoding of
:func:`document_text`, i.e. the blocks' texts joined with ``"\\n"`` (no trailing
newline; block kinds are not part of it). The versions manifest publishes it as
``text_sha256`` of an archived page: two archived versions with the same hash
have the same rendered text under these extraction rules. Changing the rules
below (what is skipped, how text is joined) changes the hashes of all pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from typing import Literal

from docutils import nodes

BlockKind = Literal["heading", "paragraph", "item", "row", "term", "literal", "caption"]
OpKind = Literal["equal", "inserted", "deleted", "changed"]

#: Nodes with one of these classes are not content: the last-updated line and the
#: generated changelog change with every revision and would make every diff non-empty.
IGNORED_CLASSES: frozenset[str] = frozenset({"policy-date-line", "policy-changelog"})

#: Word-level similarity from which a replaced block counts as "changed" (shown with
#: inline edits) rather than as one deleted and one inserted block.
SIMILARITY = 0.5

#: Above this many candidate (old, new) pairs in one replaced region, blocks are
#: paired by position instead of by the optimal alignment (keeps huge rewrites fast).
_MAX_ALIGN_PAIRS = 10_000

# Whole nodes that never carry readable content.
_SKIPPED = (
    nodes.comment,
    nodes.system_message,
    nodes.raw,
    nodes.substitution_definition,
    nodes.decoration,
    nodes.colspec,
)

# Children of a list item / definition / field that get blocks of their own
# rather than being folded into the entry's text.
_OWN_BLOCKS = (
    nodes.bullet_list,
    nodes.enumerated_list,
    nodes.definition_list,
    nodes.field_list,
    nodes.option_list,
    nodes.table,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.math_block,
    nodes.figure,
    nodes.section,
    nodes.topic,
    nodes.sidebar,
    nodes.Admonition,
    nodes.footnote,
    nodes.citation,
    nodes.title,
    nodes.rubric,
)

_LITERALS = (nodes.literal_block, nodes.doctest_block, nodes.math_block)

_PUNCTUATION = ".,;:!?"


@dataclass(frozen=True)
class Block:
    """One unit of rendered text: ``kind`` is one of :data:`BlockKind`."""

    kind: str
    text: str


@dataclass(frozen=True)
class DiffOp:
    """One step of a diff: ``old`` is None for inserted, ``new`` is None for deleted."""

    kind: OpKind
    old: Block | None
    new: Block | None


@dataclass(frozen=True)
class DiffLabels:
    """Human-readable strings of the HTML diff; pass translated ones for other languages."""

    added: str = "Added:"
    removed: str = "Removed:"
    changed: str = "Changed:"
    unchanged_one: str = "… 1 unchanged paragraph …"
    unchanged_many: str = "… {count} unchanged paragraphs …"
    no_changes: str = "No changes in the text."


#: Suggested stylesheet for the fragment (the module writes no ``style`` attributes, so
#: the diff works under a strict Content-Security-Policy). Inline ``<ins>``/``<del>`` get
#: screen-reader announcements from generated content; strike-through and underline
#: keep the diff readable without colour.


# --------------------------------------------------------------------------- blocks


def _normalise(text: str) -> str:
    # str.split() also splits on no-break and other Unicode spaces: how a space is
    # typeset is not a change of the text.
    return " ".join(text.split())


def _normalise_literal(text: str) -> str:
    # Line structure and indentation are the content of a literal block.
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


def _ignored(node: nodes.Node) -> bool:
    if isinstance(node, _SKIPPED):
        return True
    if isinstance(node, nodes.Element):
        if IGNORED_CLASSES.intersection(node.get("classes", ())):
            return True
        # A generated table of contents repeats the headings.
        if isinstance(node, nodes.topic) and "contents" in node["classes"]:
            return True
    return False


def _text(node: nodes.Node) -> str:
    """Readable text of ``node``; block-level children are separated by a space."""
    if isinstance(node, nodes.Text):
        return str(node)
    if _ignored(node):
        return ""
    # Invisible nodes (pending, index entries, empty targets) have no text, but an
    # inline target (_`Term`) does and is part of the sentence.
    if isinstance(node, nodes.Invisible) and not isinstance(node, nodes.target):
        return ""
    parts: list[str] = []
    for child in node.children:
        text = _text(child)
        if isinstance(child, (nodes.Text, nodes.Inline)):
            parts.append(text)
        elif isinstance(child, (nodes.list_item, nodes.line)) and parts:
            # Items of a list in a table cell, lines of an address: keep them apart.
            before = "".join(parts).rstrip()
            sep = " " if not before or before[-1] in _PUNCTUATION else "; "
            parts = [before, sep, text.strip(), " "]
        else:
            parts.append(f" {text} ")
    return "".join(parts)


def _collect(children: Iterable[nodes.Node], parts: list[str], nested: list[nodes.Node]) -> None:
    """Fold the text of ``children`` into ``parts``; structures go to ``nested``."""
    for child in children:
        if _ignored(child):
            continue
        if isinstance(child, _OWN_BLOCKS):
            nested.append(child)
        elif isinstance(child, (nodes.Text, nodes.TextElement, nodes.Inline)):
            parts.append(_text(child))
        elif isinstance(child, nodes.Element):
            # compound, container, block_quote, definition, field_body, …
            _collect(child.children, parts, nested)


def _join_entry(head: str, body: str, sep: str) -> str:
    if not body:
        return head
    if not head:
        return body
    if head[-1] in ":.?!":  # "Note:" needs no second colon
        sep = " "
    return f"{head}{sep}{body}"


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, kind: BlockKind, text: str) -> None:
        text = _normalise_literal(text) if kind == "literal" else _normalise(text)
        if text:
            self.blocks.append(Block(kind, text))

    def entry(self, kind: BlockKind, head: str, body_of: Iterable[nodes.Node],
              sep: str = ": ") -> None:
        """One block for a list item / definition / field, then its nested structures."""
        parts: list[str] = []
        nested: list[nodes.Node] = []
        _collect(body_of, parts, nested)
        self.add(kind, _join_entry(_normalise(head), _normalise(" ".join(parts)), sep))
        for node in nested:
            self.walk(node)

    def walk(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Text) or _ignored(node):
            return
        if isinstance(node, nodes.Invisible):
            # targets, pending transforms, index entries: no text at block level
            return
        if isinstance(node, nodes.title):
            parent = node.parent
            kind: BlockKind = "caption" if isinstance(parent, nodes.table) else "heading"
            self.add(kind, _text(node))
        elif isinstance(node, (nodes.subtitle, nodes.rubric)):
            self.add("heading", _text(node))
        elif isinstance(node, nodes.caption):
            self.add("caption", _text(node))
        elif isinstance(node, _LITERALS):
            self.add("literal", node.astext())
        elif isinstance(node, nodes.row):
            cells = [_normalise(_text(cell)) for cell in node.children
                     if isinstance(cell, nodes.entry)]
            if any(cells):
                self.add("row", " | ".join(cells))
        elif isinstance(node, (nodes.list_item, nodes.footnote, nodes.citation)):
            head = ""
            children = list(node.children)
            if children and isinstance(children[0], nodes.label):
                head = f"[{_text(children.pop(0))}]"  # footnote [1] / citation [CIT2002]
            self.entry("item", head, children, sep=" ")
        elif isinstance(node, nodes.definition_list_item):
            heads = [_text(c) for c in node.children
                     if isinstance(c, (nodes.term, nodes.classifier))]
            rest = [c for c in node.children
                    if not isinstance(c, (nodes.term, nodes.classifier))]
            self.entry("term", " : ".join(heads), rest)
        elif isinstance(node, nodes.field):
            name = next((c for c in node.children if isinstance(c, nodes.field_name)), None)
            rest = [c for c in node.children if not isinstance(c, nodes.field_name)]
            self.entry("term", _text(name) if name is not None else "", rest)
        elif isinstance(node, nodes.option_list_item):
            group = next((c for c in node.children if isinstance(c, nodes.option_group)), None)
            rest = [c for c in node.children if not isinstance(c, nodes.option_group)]
            self.entry("term", _text(group) if group is not None else "", rest)
        elif isinstance(node, (nodes.paragraph, nodes.line_block)):
            self.add("paragraph", _text(node))
        elif isinstance(node, nodes.TextElement):
            # attribution, docinfo fields, unknown extension text nodes: keep as prose
            self.add("paragraph", _text(node))
        elif isinstance(node, nodes.Element):
            for child in node.children:
                self.walk(child)


def blocks_from_doctree(doctree: nodes.Node) -> list[Block]:
    """The blocks of a doctree in document order.

    Section titles become ``heading``; paragraphs ``paragraph``; each list item one
    ``item`` (its paragraphs joined; nested lists give their own items after it);
    each table row (header and body) one ``row`` with cell texts joined by ``" | "``;
    table titles and figure captions ``caption``; literal blocks ``literal`` (lines
    kept); definition-list, field-list and option-list entries one ``term``
    ("term: definition"). Comments, system messages, raw content, substitution
    definitions, targets, generated tables of contents and nodes with a class in
    :data:`IGNORED_CLASSES` are skipped.
    """
    walker = _Walker()
    walker.walk(doctree)
    return walker.blocks


def document_text(blocks: Sequence[Block]) -> str:
    """The page's text: blocks' texts joined by ``"\\n"``."""
    return "\n".join(block.text for block in blocks)


def text_sha256(blocks: Sequence[Block]) -> str:
    """Hex SHA-256 of the UTF-8 of :func:`document_text` (the manifest's ``text_sha256``)."""
    return hashlib.sha256(document_text(blocks).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- diff


def _words(text: str) -> list[str]:
    return text.split()


def _similarity(old: Block, new: Block) -> float:
    if old.kind != new.kind:
        return 0.0
    matcher = SequenceMatcher(None, _words(old.text), _words(new.text), autojunk=False)
    # The cheap upper bounds rule most pairs out before the full comparison.
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


def _align(old: Sequence[Block], new: Sequence[Block]) -> list[DiffOp]:
    """Ops for a replaced region: pair similar blocks in order, the rest are del/ins."""
    n, m = len(old), len(new)
    pairs: list[tuple[int, int]] = []
    if n * m <= _MAX_ALIGN_PAIRS:
        # Monotone alignment maximising total similarity (a weighted LCS).
        sim = [[_similarity(a, b) for b in new] for a in old]
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                take = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= SIMILARITY else -1.0
                best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
        i = j = 0
        while i < n and j < m:
            if sim[i][j] >= SIMILARITY and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
                pairs.append((i, j))
                i, j = i + 1, j + 1
            elif best[i][j] == best[i + 1][j]:
                i += 1
            else:
                j += 1
    else:
        pairs = [(k, k) for k in range(min(n, m)) if _similarity(old[k], new[k]) >= SIMILARITY]

    ops: list[DiffOp] = []
    i = j = 0
    for pi, pj in [*pairs, (n, m)]:
        ops.extend(DiffOp("deleted", block, None) for block in old[i:pi])
        ops.extend(DiffOp("inserted", None, block) for block in new[j:pj])
        if pi < n and pj < m:
            ops.append(DiffOp("changed", old[pi], new[pj]))
        i, j = pi + 1, pj + 1
    return ops


def diff_blocks(old: Sequence[Block], new: Sequence[Block]) -> list[DiffOp]:
    """Block-level diff in document order.

    Blocks are compared by kind and text; within a replaced region, blocks of the
    same kind whose words are at least :data:`SIMILARITY` alike become ``changed``.
    """
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend(DiffOp("equal", a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True))
        elif tag == "delete":
            ops.extend(DiffOp("deleted", a, None) for a in old[i1:i2])
        elif tag == "insert":
            ops.extend(DiffOp("inserted", None, b) for b in new[j1:j2])
        else:
            ops.extend(_align(old[i1:i2], new[j1:j2]))
    return ops



# --------------------------------------------------------------------------- HTML

_TAGS = {
    "heading": "h3",
    "paragraph": "p",
    "item": "li",
    "row": "p",
    "term": "p",
    "literal": "pre",
    "caption": "p",
}
_MARKERS = {"inserted": "+", "deleted": "−", "changed": "~"}  # U+2212 minus sign


def _split_words(text: str) -> tuple[list[str], list[str]]:
    """Words and the whitespace before each (kept so literal blocks keep their lines)."""
    pieces = re.split(r"(\s+)", text)
    words, gaps = [], []
    gap = ""
    for index, piece in enumerate(pieces):
        if index % 2:
            gap = piece
        elif piece:
            words.append(piece)
            gaps.append(gap)
            gap = ""
    return words, gaps


def _inline_diff(old: str, new: str) -> str:
    old_words, old_gaps = _split_words(old)
    new_words, new_gaps = _split_words(new)
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    out: list[str] = []

    def span(words: list[str], gaps: list[str], start: int, end: int, tag: str | None) -> None:
        gap = gaps[start] if start < len(gaps) else ""
        if out and not gap:
            gap = " "  # e.g. after a deletion at the very start
        body = "".join((gaps[k] if k > start else "") + escape(words[k])
                       for k in range(start, end))
        out.append(escape(gap) + (f"<{tag}>{body}</{tag}>" if tag else body))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            span(new_words, new_gaps, j1, j2, None)
            continue
        if i2 > i1:
            span(old_words, old_gaps, i1, i2, "del")
        if j2 > j1:
            span(new_words, new_gaps, j1, j2, "ins")
    return "".join(out)


def _op_block(op: DiffOp) -> Block:
    block = op.new if op.new is not None else op.old
    assert block is not None
    return block


def _block_html(op: DiffOp, labels: DiffLabels) -> str:
    block = _op_block(op)
    tag = _TAGS.get(block.kind, "p")
    classes = f"policy-diff-block policy-diff-{block.kind} policy-diff-{op.kind}"
    if block.kind == "row":
        classes += " row"
    if op.kind == "equal":
        return f'<{tag} class="{classes}">{escape(block.text)}</{tag}>'
    label = {"inserted": labels.added, "deleted": labels.removed,
             "changed": labels.changed}[op.kind]
    prefix = (f'<span class="policy-diff-marker" aria-hidden="true">{_MARKERS[op.kind]} </span>'
              f'<span class="policy-visually-hidden">{escape(label)} </span>')
    if op.kind == "changed":
        assert op.old is not None and op.new is not None
        body = _inline_diff(op.old.text, op.new.text)
    else:
        wrap = "ins" if op.kind == "inserted" else "del"
        body = f"<{wrap}>{escape(block.text)}</{wrap}>"
    return f'<{tag} class="{classes}">{prefix}{body}</{tag}>'


def _visible(ops: list[DiffOp], context: int | None) -> list[DiffOp | int]:
    """Ops to show, with an int (count of hidden blocks) where an unchanged run is cut."""
    if context is None:
        return list(ops)
    shown: list[DiffOp | int] = []
    k = 0
    while k < len(ops):
        if ops[k].kind != "equal":
            shown.append(ops[k])
            k += 1
            continue
        end = k
        while end < len(ops) and ops[end].kind == "equal":
            end += 1
        run = ops[k:end]
        head = context if k > 0 else 0  # nothing changed before a leading run
        tail = context if end < len(ops) else 0
        hidden = len(run) - head - tail
        # A marker in place of a single block saves nothing unless context is 0.
        if hidden > 1 or (hidden == 1 and context == 0):
            shown.extend(run[:head])
            shown.append(hidden)
            shown.extend(run[len(run) - tail:])
        else:
            shown.extend(run)
        k = end
    return shown


def render_diff_html(old: Sequence[Block], new: Sequence[Block], *, context: int | None = 2,
                     labels: DiffLabels | None = None) -> str:
    """An HTML fragment ``<div class="policy-diff">`` showing how ``new`` differs from ``old``.

    Inserted blocks are in ``<ins>``, deleted ones in ``<del>``, changed blocks show
    word-level ``<del>``/``<ins>`` inline. Every non-equal block has a visible marker
    (``+``, ``−``, ``~``, hidden from screen readers) and a visually hidden label
    (``Added:``, ``Removed:``, ``Changed:``) so the diff needs neither colour nor
    sight. Runs of unchanged blocks are cut to ``context`` blocks either side of a
    change (``None``: show all). All document text is HTML-escaped.
    """
    labels = labels or DiffLabels()
    ops = diff_blocks(old, new)
    if all(op.kind == "equal" for op in ops):
        return (f'<div class="policy-diff">'
                f'<p class="policy-diff-none">{escape(labels.no_changes)}</p></div>')
    out = ['<div class="policy-diff">']
    in_list = False
    for item in _visible(ops, context):
        is_item = isinstance(item, DiffOp) and _op_block(item).kind == "item"
        if is_item and not in_list:
            out.append('<ul class="policy-diff-list">')
        elif not is_item and in_list:
            out.append("</ul>")
        in_list = is_item
        if isinstance(item, int):
            text = labels.unchanged_one if item == 1 else labels.unchanged_many
            out.append(f'<p class="policy-diff-skip">{escape(text.format(count=item))}</p>')
        else:
            out.append(_block_html(item, labels))
    if in_list:
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(out)
