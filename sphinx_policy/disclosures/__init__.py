"""Required disclosures per law: the ``policy.completeness`` check of policy pages
(:mod:`.check`) and the ``disclosure-checklist`` directive (:mod:`.checklist`).

Both import the data model and the requirement catalogs, so they are imported when a
document is read or a page with a checklist is written, not by ``setup()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..compat import lazy_directive
from ..state.domain import archived_revision, settings
from ..state.pages import is_policy
from ..state.placeholders import add_placeholder

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


class disclosure_checklist(nodes.General, nodes.Element):
    """Placeholder: ``page`` (a docname) and ``laws`` (law ids, empty for all)."""


def privacy_notice(env: BuildEnvironment, doctree: nodes.document) -> bool:
    """Whether the page being read is checked: a policy page that shows a
    ``processing-table`` (a cookie policy or terms has nothing to disclose here), read
    today (an archived revision is what it was; it is not checked again)."""
    if archived_revision(env) is not None:
        return False
    if not settings(env).disclosures or not is_policy(env, env.docname):
        return False
    return any("policy-processing-table" in c["classes"]
               for c in doctree.findall(nodes.container))


def _check_page(app: Sphinx, doctree: nodes.document) -> None:
    if not privacy_notice(app.env, doctree):
        return  # the check's module (and the data model) is not imported for other pages
    from .check import check_page

    check_page(app, doctree)


def _checklist() -> type[Any]:
    from .checklist import DisclosureChecklist

    return DisclosureChecklist


def _fill(app: Sphinx, fromdocname: str, found: list[disclosure_checklist]) -> None:
    from .checklist import fill  # only for a page with a checklist

    fill(app, fromdocname, found)


def setup_disclosures(app: Sphinx) -> None:
    app.connect("doctree-read", _check_page, priority=900)
    add_placeholder(app, disclosure_checklist, _fill)
    app.add_directive("disclosure-checklist", lazy_directive("disclosure-checklist", _checklist))


__all__ = ["disclosure_checklist", "privacy_notice", "setup_disclosures"]
