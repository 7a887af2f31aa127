"""Required disclosures per law: the ``policy.completeness`` check of policy pages and
the ``disclosure-checklist`` directive.

At ``doctree-read`` each privacy notice (a policy page that shows a
``processing-table``) has its data (the page's ``policy-data`` over the project data)
checked against the requirement catalogs of the laws it names under
``jurisdictions``; every missing item is a warning, and the outcome of every item is kept
on the environment, with the section of the page that shows it, for the checklist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..diagnostics import Subtype, warn
from ..state.data import page_data, project_data
from ..state.domain import archived_revision, settings, state
from ..state.pages import is_policy
from .evaluate import COVERED, MET, MISSING, evaluate, missing_messages, policy_laws

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Attribute of the environment: docname -> one record per requirement of its laws.

#: Where on the page a check's data is shown: the kinds of directive output, in order.
SHOWN_BY = {
    "organisation": ("contact",),
    "organisation-address": ("contact",),
    "accountable": ("contact",),
    "officer": ("contact",),
    "activity": ("processing-table",),
    "transfers": ("processing-table",),
    "sensitive": ("processing-table", "not-done"),
    "recipients": ("recipients", "processing-table"),
    "automated-decisions": ("processing-table", "not-done"),
    "selling": ("not-done",),
    "rights": ("rights",),
    "complaint": ("rights",),
    "rights-exercise": ("rights",),
    "last-updated": (),
}


def records(env: BuildEnvironment) -> dict[str, list[dict[str, Any]]]:
    """docname -> the required-disclosure records of that policy page."""
    return state(env, "disclosures")


def _sections(doctree: nodes.document) -> dict[str, tuple[str, str]]:
    """kind -> (anchor id, section title) of the first section showing that kind."""
    found: dict[str, tuple[str, str]] = {}
    for container in doctree.findall(nodes.container):
        if "policy" not in container["classes"] or _inside_policy_output(container):
            continue  # a contact block inside the rights is the rights' part
        kinds = [c[len("policy-"):] for c in container["classes"] if c.startswith("policy-")]
        parent = container.parent
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        if parent is None or not parent["ids"]:
            continue
        title = parent.next_node(nodes.title)
        for kind in kinds:
            found.setdefault(kind, (parent["ids"][0], title.astext() if title else ""))
    return found


def _inside_policy_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and "policy" in parent["classes"]:
            return True
        parent = parent.parent
    return False


def _dated(env: BuildEnvironment, docname: str) -> bool:
    metadata = env.metadata.get(docname, {})
    return bool(settings(env).git) or "effective" in str(metadata.get("policy", ""))


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    if archived_revision(env) is not None:
        return  # an archived revision is what it was; it is not checked again
    if not settings(env).disclosures or not is_policy(env, docname):
        return
    sections = _sections(doctree)
    if "processing-table" not in sections and not any(
            "policy-processing-table" in c["classes"] for c in doctree.findall(nodes.container)):
        return  # not a privacy notice (a cookie policy, terms): nothing to disclose here
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
            kinds = SHOWN_BY.get(requirement.check.partition(":")[0], ())
            if outcome.status == COVERED:
                kinds = ("not-done",)
            where = next((sections[k] for k in kinds if k in sections), None)
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


def setup_disclosures(app: Sphinx) -> None:
    from .checklist import setup_checklist

    app.connect("doctree-read", check_page, priority=900)
    setup_checklist(app)


__all__ = ["COVERED", "MET", "MISSING", "setup_disclosures", "summary"]
