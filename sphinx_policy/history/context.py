"""Dates in the page template: ``last_updated`` and ``<meta property="article:modified_time">``.

Sphinx fills ``last_updated`` with the *build* time when ``html_last_updated_fmt`` is
set; a policy must never show that, so every page gets its own date or none.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..state.domain import settings
from .dates import format_for_readers, iso
from .page_dates import newest_known, page_date

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if not settings(app.env).git:
        return
    timestamp = _timestamp(app, pagename, context)
    if timestamp is None:
        context["last_updated"] = None
        return
    tz = settings(app.env).timezone
    context["last_updated"] = format_for_readers(
        timestamp, tz, app.config.html_last_updated_fmt or None, app.config.language
    )
    # Closed with "/>": EPUB pages are XHTML (XML), and HTML5 accepts the slash.
    meta = f'<meta property="article:modified_time" content="{escape(iso(timestamp, tz))}" />\n'
    context["metatags"] = context.get("metatags", "") + meta


def _timestamp(app: Sphinx, pagename: str, context: dict[str, Any]) -> int | None:
    revision = context.get("policy_revision")  # an archived version or a diff page
    if revision is not None:
        return revision.timestamp
    date = page_date(app.env, pagename)
    if app.builder.name == "singlehtml" and pagename == app.config.root_doc:
        date = newest_known(app.env)  # one page for every document: the newest of them
    return date.timestamp if date is not None else None


def setup_context(app: Sphinx) -> None:
    # Before themes (pydata-sphinx-theme reads last_updated at the default priority 500).
    app.connect("html-page-context", page_context, priority=400)
