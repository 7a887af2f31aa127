"""Required disclosures per law: the ``policy.completeness`` check of policy pages.

At ``doctree-read`` each privacy notice (a policy page that shows a
``processing-table``) has its data (the page's ``policy-data`` over the project data)
checked against the requirement catalogs of the laws it names under
``jurisdictions``; every missing item is a warning, and the outcome of every item is kept
on the environment, with the section of the page that shows it, for the checklist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..data.model import PolicyData
from ..diagnostics import Subtype, warn
from ..directives.contact import SHOWS_ATTR
from ..directives.not_done import COMMITMENT_ATTR, label
from ..state.data import page_data, project_data
from ..state.domain import settings, state
from .evaluate import (
    COVERED,
    MET,
    MISSING,
    PRACTICES,
    Outcome,
    evaluate,
    missing_messages,
    policy_laws,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Attribute of the environment: docname -> one record per requirement of its laws.

#: Where on the page a check's data is shown: the kinds of directive output, in order
#: (a contact block by what it shows: ``contact:organisation``, ``contact:officer:dpo``,
#: ``contact:officer`` for any officer).
SHOWN_BY = {
    "organisation": ("contact:organisation", "contact:office", "contact"),
    "organisation-address": ("contact:organisation", "contact:office", "contact"),
    "accountable": ("contact:officer", "contact:organisation", "contact"),
    "officer": ("contact",),
    "activity": ("processing-table",),
    "transfers": ("processing-table",),
    "sensitive": ("processing-table", "not-done"),
    "recipients": ("recipients", "processing-table"),
    "recipient-roles": ("recipients",),
    "automated-decisions": ("processing-table", "not-done"),
    "selling": ("not-done",),
    "rights": ("rights",),
    "complaint": ("rights",),
    "rights-exercise": ("rights",),
    "last-updated": (),
    "published": (),
}


def records(env: BuildEnvironment) -> dict[str, list[dict[str, Any]]]:
    """docname -> the required-disclosure records of that policy page."""
    return state(env, "disclosures")


def _section_of(node: nodes.Node) -> tuple[str, str] | None:
    """(anchor id, title) of the section holding ``node``."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None or not parent["ids"]:
        return None
    title = parent.next_node(nodes.title)
    return parent["ids"][0], title.astext() if title else ""


def _give_id(doctree: nodes.document, node: nodes.Element, wanted: str) -> str:
    """The node's id, or a new one (``wanted``, made unique on the page)."""
    if node["ids"]:
        return str(node["ids"][0])
    candidate, number = nodes.make_id(wanted), 1
    while candidate in doctree.ids:
        number += 1
        candidate = nodes.make_id(f"{wanted}-{number}")
    node["ids"].append(candidate)
    doctree.ids[candidate] = node
    return candidate


def _anchors(doctree: nodes.document) -> tuple[dict[str, tuple[str, str]],
                                                dict[str, tuple[str, str]]]:
    """Where the page shows each kind of output and each commitment: kind (or commitment
    label) -> (anchor id, title of its section). The first block of each kind and each
    commitment's list item get an id of their own, so the checklist links to the element
    that carries the fact, not only to its section."""
    kinds: dict[str, tuple[str, str]] = {}
    for container in doctree.findall(nodes.container):
        if "policy" not in container["classes"] or _inside_policy_output(container):
            continue  # a contact block inside the rights is the rights' part
        section = _section_of(container)
        if section is None:
            continue
        names = [c[len("policy-"):] for c in container["classes"] if c.startswith("policy-")]
        if "contact" in names:
            shown: list[str] = container.get(SHOWS_ATTR, [])
            for shows in shown:
                names += [f"contact:{shows}", f"contact:{shows.partition(':')[0]}"]
        for kind in names:
            if kind not in kinds:
                kinds[kind] = (_give_id(doctree, container, f"policy-{kind.partition(':')[0]}"),
                               section[1])
    commitments: dict[str, tuple[str, str]] = {}
    for item in doctree.findall(nodes.list_item):
        name = item.get(COMMITMENT_ATTR)
        section = _section_of(item)
        if name and section is not None and name not in commitments:
            commitments[name] = (_give_id(doctree, item, f"policy-commitment-{name}"),
                                 section[1])
    return kinds, commitments


def _inside_policy_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and "policy" in parent["classes"]:
            return True
        parent = parent.parent
    return False


def _where(outcome: Outcome, data: PolicyData, sections: dict[str, tuple[str, str]],
           commitments: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The element of the page that meets (or answers) a requirement: the statement that
    covers it, the commitment that states a practice is not done, or the first block of
    the kind that shows its data; None when the page shows none of them."""
    check = outcome.requirement.check
    if outcome.status == COVERED and outcome.statement is not None:
        return commitments.get(label(outcome.statement) or "") or sections.get("not-done")
    if outcome.status == MET and check in PRACTICES:
        in_data = any(a.automated_decisions for a in data.processing) if (
            check == "automated-decisions") else any(
            a.special_category for a in data.processing) if check == "sensitive" else False
        for item in data.not_done if not in_data else ():
            if item.practice in PRACTICES[check] and (label(item) or "") in commitments:
                return commitments[label(item) or ""]
    kind, _, role = check.partition(":")
    kinds = SHOWN_BY.get(kind, ())
    if kind == "officer":
        kinds = (f"contact:officer:{role}", *kinds)
    return next((sections[k] for k in kinds if k in sections), None)


def _dated(env: BuildEnvironment, docname: str) -> bool:
    metadata = env.metadata.get(docname, {})
    return bool(settings(env).git) or "effective" in str(metadata.get("policy", ""))


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, for a privacy notice (:func:`.privacy_notice` says which pages are)."""
    env = app.env
    docname = env.docname
    sections, commitments = _anchors(doctree)
    data = page_data(env).data or project_data(env).data
    page_records: list[dict[str, Any]] = []
    for law in policy_laws(data):
        for outcome in evaluate(data, law, dated=_dated(env, docname)):
            requirement = outcome.requirement
            if outcome.status == MISSING:
                for message, origin in missing_messages(outcome, docname):
                    location: Any = docname
                    if origin is not None:
                        location = f"{origin.location}:{origin.line}"
                    warn(Subtype.COMPLETENESS, message, location=location)
            where = _where(outcome, data, sections, commitments)
            page_records.append({
                "law": law,
                "id": requirement.id,
                "citation": requirement.citation,
                "requires": requirement.requires,
                "status": outcome.status,
                "anchor": where[0] if where else None,
                "section": where[1] if where else None,
                "activities": [a.id or a.name or "" for a in outcome.activities],
            })
    records(env)[docname] = page_records



def summary(env: BuildEnvironment, docname: str) -> list[dict[str, Any]]:
    """The records of a policy page (empty for a page that is not one)."""
    return records(env).get(docname, [])


__all__ = ["COVERED", "MET", "MISSING", "summary"]
