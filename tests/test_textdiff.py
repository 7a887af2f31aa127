"""Diffs of the rendered text of two versions of a page."""

from __future__ import annotations

import hashlib

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from docutils.core import publish_doctree

from sphinx_policy.versions.textdiff import (
    Block,
    DiffLabels,
    blocks_from_doctree,
    diff_blocks,
    document_text,
    render_diff_html,
    text_sha256,
)

BASE = """\
Privacy policy
==============

.. class:: policy-date-line

Last updated: 24 March 2026

We keep your data for 30 days.

We never sell it.

* Accounts

  and the data needed to run them

  * e-mail address
  * display name

* Payments

.. list-table:: Cookies
   :header-rows: 1

   * - Name
     - Purpose
   * - sid
     - session

Contact
-------

Write to us.
"""


def kinds(ops) -> dict[str, int]:
    """How many blocks each kind of operation touched."""
    counts = {"inserted": 0, "deleted": 0, "changed": 0}
    for op in ops:
        if op.kind in counts:
            counts[op.kind] += 1
    return counts


def doctree(source: str) -> nodes.document:
    return publish_doctree(source, settings_overrides={"report_level": 5, "halt_level": 5})


def blocks(source: str) -> list[Block]:
    return blocks_from_doctree(doctree(source))


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_blocks_in_document_order_with_nested_items() -> None:
    assert blocks(BASE) == [
        Block("heading", "Privacy policy"),
        Block("paragraph", "We keep your data for 30 days."),
        Block("paragraph", "We never sell it."),
        Block("item", "Accounts and the data needed to run them"),
        Block("item", "e-mail address"),
        Block("item", "display name"),
        Block("item", "Payments"),
        Block("caption", "Cookies"),
        Block("row", "Name | Purpose"),
        Block("row", "sid | session"),
        Block("heading", "Contact"),
        Block("paragraph", "Write to us."),
    ]


def test_whitespace_and_table_syntax_are_not_content() -> None:
    grid = """\
Some   text
wrapped differently.

+------+---------+
| Name | Purpose |
+======+=========+
| sid  | session |
|      | cookie  |
+------+---------+
"""
    assert blocks(grid) == [
        Block("paragraph", "Some text wrapped differently."),
        Block("row", "Name | Purpose"),
        Block("row", "sid | session cookie"),
    ]


def test_lists_in_cells_and_address_lines_stay_apart() -> None:
    source = """\
.. list-table::

   * - Data
     - * Name
       * Email address
   * - Ends
     - * One.
       * Two

| 9 Example Eco Park
| Hillcrest 3610
"""
    assert blocks(source) == [
        Block("row", "Data | Name; Email address"),
        Block("row", "Ends | One. Two"),
        Block("paragraph", "9 Example Eco Park; Hillcrest 3610"),
    ]


def test_skipped_nodes_and_other_kinds() -> None:
    source = """\
.. comment: not content

.. _anchor:

.. |sub| replace:: substituted

.. raw:: html

   <b>raw</b>

Text with |sub| and an _`inline target` [#f]_.

Term
   Its definition.

:Controller: Acme Ltd

::

   literal   kept
     indented

.. figure:: image.png

   The caption.

.. contents::

.. [#f] A footnote.
"""
    assert blocks(source) == [
        Block("paragraph", "Text with substituted and an inline target 1."),
        Block("term", "Term: Its definition."),
        Block("term", "Controller: Acme Ltd"),
        Block("literal", "literal   kept\n  indented"),
        Block("caption", "The caption."),
        Block("item", "[1] A footnote."),
    ]


def test_text_hash_is_sha256_of_joined_text() -> None:
    bs = blocks(BASE)
    text = document_text(bs)
    assert text.split("\n")[:2] == ["Privacy policy", "We keep your data for 30 days."]
    assert text_sha256(bs) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    # Stable across re-parsing, re-wrapping and the date line changing.
    rewrapped = BASE.replace("We never sell it.", "We never\nsell   it.").replace(
        "24 March 2026", "1 April 2026")
    assert text_sha256(blocks(rewrapped)) == text_sha256(bs)
    assert text_sha256([Block("paragraph", "é")]) == hashlib.sha256("é".encode()).hexdigest()
    assert text_sha256(blocks(BASE.replace("30", "31"))) != text_sha256(bs)


def test_changed_word_is_inline_in_one_paragraph() -> None:
    html = render_diff_html(blocks(BASE), blocks(BASE.replace("30 days", "90 days")))
    changed = soup(html).select(".policy-diff-changed")
    assert len(changed) == 1
    paragraph = changed[0]
    assert paragraph.name == "p"
    assert [d.get_text() for d in paragraph.find_all("del")] == ["30"]
    assert [i.get_text() for i in paragraph.find_all("ins")] == ["90"]
    assert "<del>30</del> <ins>90</ins> days." in html
    assert "Changed:" in paragraph.get_text()


def test_added_table_row_is_an_inserted_row() -> None:
    new = BASE.replace("   * - sid\n     - session\n",
                       "   * - sid\n     - session\n   * - lang\n     - language\n")
    ops = diff_blocks(blocks(BASE), blocks(new))
    assert kinds(ops) == {"inserted": 1, "deleted": 0, "changed": 0}
    inserted = soup(render_diff_html(blocks(BASE), blocks(new))).select(".policy-diff-inserted")
    assert len(inserted) == 1
    row = inserted[0]
    assert "row" in row["class"]
    assert row.ins.get_text() == "lang | language"


def test_removed_paragraph_is_deleted_with_marker_and_label() -> None:
    html = render_diff_html(blocks(BASE), blocks(BASE.replace("We never sell it.\n\n", "")))
    deleted = soup(html).select(".policy-diff-deleted")
    assert len(deleted) == 1
    block = deleted[0]
    assert block.name == "p"
    assert block.find("del").get_text() == "We never sell it."
    marker = block.find(class_="policy-diff-marker")
    assert marker["aria-hidden"] == "true"
    assert marker.get_text().strip() == "−"
    assert block.find(class_="policy-visually-hidden").get_text().strip() == "Removed:"


def test_inserted_item_is_a_list_item_with_marker() -> None:
    new = BASE.replace("* Payments\n", "* Payments\n* Support requests\n")
    html = render_diff_html(blocks(BASE), blocks(new), context=None)
    item = soup(html).select_one(".policy-diff-inserted")
    assert item.name == "li"
    assert item.parent.name == "ul"
    assert item.ins.get_text() == "Support requests"
    assert item.find(class_="policy-diff-marker").get_text().strip() == "+"
    assert item.find(class_="policy-visually-hidden").get_text().strip() == "Added:"


def test_document_text_is_escaped() -> None:
    new = BASE.replace("Write to us.", "Write to us. <script>alert('x')</script> & co")
    html = render_diff_html(blocks(BASE), blocks(new))
    parsed = soup(html)
    assert parsed.find("script") is None
    assert "&lt;script&gt;" in html
    assert "<script>alert('x')</script> & co" in parsed.get_text()
    # A wholly new block is escaped too.
    html = render_diff_html([], [Block("heading", "<script>x</script>")])
    assert soup(html).find("script") is None
    assert soup(html).h3.ins.get_text() == "<script>x</script>"


def test_unchanged_runs_collapse_to_context() -> None:
    old = [Block("paragraph", f"Paragraph number {n}.") for n in range(20)]
    new = list(old)
    new[10] = Block("paragraph", "Paragraph number ten, rewritten.")
    ops = diff_blocks(old, new)
    assert kinds(ops) == {"inserted": 0, "deleted": 0, "changed": 1}

    parsed = soup(render_diff_html(old, new, context=2))
    shown = [p.get_text() for p in parsed.select(".policy-diff-equal")]
    assert shown == ["Paragraph number 8.", "Paragraph number 9.",
                     "Paragraph number 11.", "Paragraph number 12."]
    skips = [p.get_text() for p in parsed.select(".policy-diff-skip")]
    assert skips == ["… 8 unchanged paragraphs …", "… 7 unchanged paragraphs …"]

    everything = soup(render_diff_html(old, new, context=None))
    assert len(everything.select(".policy-diff-equal")) == 19
    assert not everything.select(".policy-diff-skip")

    none = soup(render_diff_html(old, new, context=0))
    assert not none.select(".policy-diff-equal")
    assert len(none.select(".policy-diff-skip")) == 2


def test_identical_documents_say_no_changes() -> None:
    old = blocks(BASE)
    html = render_diff_html(old, blocks(BASE.replace("24 March", "2 May")))
    parsed = soup(html)
    assert parsed.div["class"] == ["policy-diff"]
    assert parsed.get_text().strip() == "No changes in the text."
    assert kinds(diff_blocks(old, old)) == {"inserted": 0, "deleted": 0, "changed": 0}
    translated = render_diff_html(old, old, labels=DiffLabels(no_changes="Keine Änderungen."))
    assert "Keine Änderungen." in translated


def test_dissimilar_replacement_is_delete_and_insert() -> None:
    old = [Block("paragraph", "We keep your data for 30 days.")]
    new = [Block("paragraph", "Cookies are small files stored by your browser.")]
    assert [op.kind for op in diff_blocks(old, new)] == ["deleted", "inserted"]
    # Same text but a different kind is not "changed" either.
    assert [op.kind for op in diff_blocks(old, [Block("heading", old[0].text)])] == [
        "deleted", "inserted"]


def test_replaced_region_pairs_similar_blocks_in_order() -> None:
    old = [Block("paragraph", "Alpha beta gamma delta."),
           Block("paragraph", "Totally different words here."),
           Block("paragraph", "One two three four five.")]
    new = [Block("paragraph", "Alpha beta gamma epsilon."),
           Block("item", "A brand new item."),
           Block("paragraph", "One two three four six.")]
    kinds = [op.kind for op in diff_blocks(old, new)]
    assert kinds == ["changed", "deleted", "inserted", "changed"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("a b c", "a x c", "a <del>b</del> <ins>x</ins> c"),
    ("old start here", "start here", "<del>old</del> start here"),
    ("end here", "end here now", "end here <ins>now</ins>"),
])
def test_inline_word_diff(old: str, new: str, expected: str) -> None:
    html = render_diff_html([Block("paragraph", old)], [Block("paragraph", new)])
    paragraph = soup(html).select_one(".policy-diff-changed")
    body = "".join(str(c) for c in paragraph.contents[2:])  # after marker and label
    assert body == expected
