"""``disclosure-checklist``: for the authors' own pages, each requirement of a policy
page's laws (its sentence translated, with the law as context, like the rights), its
article, and where the page meets it, or "missing". The link goes to the element that
carries the fact: the statement that answers it, or the first table, contact block or
rights list of the kind that shows its data (see :func:`check_page`); the page itself
for what the published policy meets by being published.

The directive leaves a placeholder; the table is made at ``doctree-resolved``, when the
policy page has been read and checked (see :func:`check_page`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode
from sphinx.util.typing import OptionSpec

from ..catalogs import load_laws, resolve_law
from ..diagnostics import Subtype, warn
from ..directives.nodes_util import Cell, para, split_list, table
from ..locale import N_, Labels, _, catalog_text
from . import disclosure_checklist
from .check import COVERED, MET, MISSING, records

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class DisclosureChecklist(SphinxDirective):
    """Argument: the policy page, as a document name (relative to this page, or from the
    documentation folder with a leading '/'). ``:law:`` limits the table to some laws."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        "law": directives.unchanged,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        target = self.arguments[0].strip()
        if target.startswith("/"):
            docname = target.lstrip("/")
        else:
            folder = self.env.docname.rpartition("/")[0]
            docname = f"{folder}/{target}" if folder else target
        docname = docname.removesuffix(".md").removesuffix(".rst")
        laws = []
        for name in split_list(self.options.get("law", "")):
            law = resolve_law(name)
            if law is None:
                warn(Subtype.OPTION, f"{self.name}: {name!r} is not accepted for :law:. "
                     f"Accepted: {', '.join(sorted(load_laws()))}",
                     location=self.get_location())
                continue
            laws.append(law)
        node = disclosure_checklist(page=docname, laws=laws,
                                    classes=["policy", "policy-disclosure-checklist",
                                             *self.options.get("class", [])])
        self.set_source_info(node)
        if docname in self.env.found_docs:
            self.env.note_dependency(self.env.doc2path(docname))
        return [node]


STATUS_TEXT = Labels({
    MISSING: N_("missing"),
    "not-applicable": N_("does not apply"),
})


def _where(app: Sphinx, fromdocname: str, page: str, record: dict[str, Any]) -> list[nodes.Node]:
    status = record["status"]
    if status == MISSING:
        text = str(STATUS_TEXT[MISSING])
        if record["activities"]:
            text += ": " + ", ".join(record["activities"])
        return [para(nodes.strong(text, text))]
    if status not in (MET, COVERED):
        return [para(str(STATUS_TEXT["not-applicable"]))]
    title = app.env.titles.get(page)
    label = record["section"] or (title.astext() if title is not None else page)
    if status == COVERED:
        label = str(_("{section} (a statement that it does not apply)")).format(section=label)
    ref = make_refnode(app.builder, fromdocname, page, record["anchor"] or "",
                       nodes.inline(label, label))
    return [para(ref)]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _citation(citation: str, law: str) -> str:
    return citation if law in citation else f"{citation} ({law})"


def fill(app: Sphinx, fromdocname: str, found: list[disclosure_checklist]) -> None:
    for node in found:
        page = node["page"]
        page_records = records(app.env).get(page)
        if page_records is None:
            warn(Subtype.REFERENCE,
                 f"disclosure-checklist: {page!r} is not a policy page whose laws have "
                 "required disclosures (a page of policy_pages, or with policy: in its front "
                 "matter, whose data names jurisdictions)", location=node)
            node.parent.remove(node)  # nothing to list; the warning says why
            continue
        laws = load_laws()
        rows: list[list[Cell]] = [
            [_sentence(catalog_text(record["requires"], record["law"])),
             _citation(record["citation"], laws[record["law"]].short_name),
             _where(app, fromdocname, page, record)]
            for record in page_records if not node["laws"] or record["law"] in node["laws"]
        ]
        headers = [str(_("Requirement")), str(_("Article")), str(_("Where the policy says it"))]
        container = nodes.container(classes=node["classes"])
        container += table(headers, rows)
        node.replace_self(container)


__all__ = ["DisclosureChecklist", "disclosure_checklist", "fill"]
