"""Notice of upcoming changes: a revision whose ``effective`` date is still to come.

Each revision's effective date is the ``policy: effective:`` of the page's front matter
*at that commit* (read from git once per commit and kept on the environment). The build
date is today in ``policy_timezone``, or the day of ``SOURCE_DATE_EPOCH`` when it is set.

While the newest revision of a policy page takes effect later than the build date, the
page keeps showing the version in force (the newest revision already effective),
rendered from git, under a notice that links to the upcoming version and its diff (the
archived pages of that revision). A build on or after the date publishes the new
version as the page: a scheduled daily build makes the switch on time.

``policy_notice_days``: a material revision whose effective date is fewer days after
the commit that published it gets a ``policy.notice`` warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..diagnostics import Subtype, warn
from ..locale import _
from ..state.domain import settings, state
from .effective import (
    published_day,
    reader_date,
    remember_effective_dates,
    revision_effective,
    upcoming,
)
from .records import ARCHIVE_BUILDERS, RevisionRecord, all_revisions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment



def check_notice_periods(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: a material change announced fewer than policy_notice_days ahead."""
    days = settings(app.env).notice_days
    if not days:
        return
    timezone = settings(app.env).timezone
    for docname, revisions in sorted(all_revisions(env).items()):
        for record in revisions:
            if not record.material:
                continue
            effective = revision_effective(env, record)
            if effective is None:
                continue
            published = published_day(record, timezone)
            notice = (effective - published).days
            if notice < days:
                warn(Subtype.NOTICE,
                     f"{docname}: the material change published on {published.isoformat()} "
                     f"({record.sha[:8]}) takes effect on {effective.isoformat()}, "
                     f"{notice} day(s) later; policy_notice_days asks for {days}. Move "
                     "policy.effective in the page's front matter later, or publish earlier",
                     location=docname)


def notice_node(app: Sphinx, pagename: str, record: RevisionRecord,
                effective: dt.date, diff: bool) -> nodes.container:
    """"An updated version takes effect on …", with links to it and to its changes."""
    builder: Any = app.builder
    box = nodes.container(classes=["policy-upcoming-notice", "admonition", "note"])
    para = nodes.paragraph()
    text = str(_("An updated version of this policy takes effect on %s.")) % reader_date(
        app, effective)
    para += nodes.strong(text, text)
    para += nodes.Text(" ")
    link = str(_("Read the updated version"))
    para += nodes.reference(link, link, internal=True,
                            refuri=builder.get_relative_uri(pagename, record.archive))
    if diff:
        para += nodes.Text(str(_(" or ")))
        link = str(_("see what changes"))
        para += nodes.reference(link, link, internal=True,
                                refuri=builder.get_relative_uri(pagename, record.diff))
    para += nodes.Text(".")
    box += para
    return box


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """html-collect-pages (after the archives): a page whose newest revision is not yet
    in force is written again, as the version in force with the notice on top."""
    if app.builder.name not in ARCHIVE_BUILDERS or not settings(app.env).archives:
        return
    timezone = settings(app.env).timezone
    pending = {}
    for docname in sorted(all_revisions(app.env)):
        found = upcoming(app.env, docname, timezone)
        if found is not None and found[2] is not None:
            pending[docname] = found
    if not pending:
        return
    from .archive import RevisionRenderer, rebase_links  # only while a revision waits

    builder: Any = app.builder
    # The renderer puts the page's own environment entries (title, front matter, labels)
    # back after each old revision is parsed, before the page's template context is made.
    renderer = RevisionRenderer(app)
    try:
        for docname, (newest, effective, in_force) in pending.items():
            assert in_force is not None
            doctree = renderer.doctree(in_force)
            if doctree is None:
                continue
            # Links were made for the archived copy; this copy is the page itself.
            rebase_links(doctree, builder, in_force.archive, docname)
            revisions = all_revisions(app.env)[docname]
            doctree.insert(0, notice_node(app, docname, newest, effective,
                                          diff=len(revisions) > 1 or newest.first))
            body = renderer.body(docname, doctree)
            context = builder.get_doc_context(docname, body, "")
            context["policy_upcoming"] = {"effective": effective.isoformat(),
                                          "archive": newest.archive}
            yield docname, context, "page.html"
    finally:
        renderer.close()


def pages_that_switch(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: the pages that showed the version in force under a notice in the last
    build and show their newest revision now (the build date reached its effective
    date). Sphinx would not write them again, since their source did not change; they
    are returned to be written. (Pages still waiting are written by :func:`collect_pages`
    in every build.)"""
    shown: dict[str, str] = state(env, "upcoming_shown")
    previous = dict(shown)
    shown.clear()
    for docname in sorted(all_revisions(env)):
        found = upcoming(env, docname, settings(env).timezone)
        if found is not None and found[2] is not None:
            shown[docname] = found[2].sha
    return sorted(d for d in previous if d not in shown and d in env.found_docs)


def setup_upcoming(app: Sphinx) -> None:
    # After the revision records (versions.revisions, priority 650), before the check.
    app.connect("env-updated", remember_effective_dates, priority=660)
    app.connect("env-updated", check_notice_periods, priority=900)
    app.connect("env-updated", pages_that_switch, priority=900)
    app.connect("html-collect-pages", collect_pages, priority=600)
