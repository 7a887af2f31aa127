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
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes

from ..data.parse import parse_data
from ..data.source import DataFileError
from ..diagnostics import Subtype, warn
from ..directives.in_force import build_date
from ..git.errors import GitUnavailable
from ..git.runner import run_git
from ..history.dates import format_for_readers, to_datetime
from ..locale import _
from .records import RevisionRecord, all_revisions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

ENV_EFFECTIVE = "policy_effective_dates"  # "<sha>:<path>" -> "YYYY-MM-DD" or None
#: docname -> the commit of the version in force that the page shows while its newest
#: revision waits for its effective date (as of the last build).
ENV_SHOWN = "policy_upcoming_shown"


def _front_matter_effective(text: str) -> dt.date | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None
    try:  # through the data layer: an old revision's front matter is untrusted input too
        metadata = parse_data("\n".join(lines[1:end]).encode("utf-8"), "front matter",
                              "yaml").data
    except DataFileError:
        return None
    policy = metadata.get("policy") if isinstance(metadata, dict) else None
    value = policy.get("effective") if isinstance(policy, dict) else None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def revision_effective(env: BuildEnvironment, record: RevisionRecord) -> dt.date | None:
    """The effective date the page's front matter gave at this revision, or None."""
    cache: dict[str, str | None] = getattr(env, ENV_EFFECTIVE, None) or {}
    setattr(env, ENV_EFFECTIVE, cache)
    key = f"{record.sha}:{record.source_path}"
    if key not in cache:
        value = None
        try:
            proc = run_git(record.repo_root, ["show", key])
        except GitUnavailable:
            proc = None
        if proc is not None and proc.returncode == 0:
            found = _front_matter_effective(proc.stdout.decode("utf-8", "replace"))
            value = found.isoformat() if found else None
        cache[key] = value
    stored = cache[key]
    return dt.date.fromisoformat(stored) if stored else None


def published_day(record: RevisionRecord, timezone: str) -> dt.date:
    return to_datetime(record.timestamp, timezone).date()


def build_day(timezone: str) -> dt.date:
    """Today in ``timezone``, or the day of ``SOURCE_DATE_EPOCH`` (reproducible builds):
    the same day the catalogs of undated pages are chosen by."""
    return build_date(timezone)


def in_force_from(env: BuildEnvironment, record: RevisionRecord, timezone: str) -> dt.date:
    """The first day the revision's text applied: its effective date, or the day it was
    published when it gives none, or an earlier one (a text applies once it is public)."""
    published = published_day(record, timezone)
    effective = revision_effective(env, record)
    return max(effective, published) if effective is not None else published


#: What an archived revision's banner says of it (:func:`archive_status`).
UPCOMING, IN_FORCE, SUPERSEDED, NEVER_IN_FORCE = "upcoming", "in-force", "superseded", "never"


class ArchiveStatus(NamedTuple):
    """Whether a revision is, was or will be in force on the build date: ``kind`` (one of
    the four above), the day it took or takes effect, and the day a newer revision
    replaced or replaces it (None while none does)."""

    kind: str
    start: dt.date
    until: dt.date | None

    def key(self) -> list[str | None]:
        """A JSON value that changes exactly when the banner's statement changes."""
        return [self.kind, self.start.isoformat(), self.until.isoformat() if self.until else None]


def archive_status(env: BuildEnvironment, revisions: Sequence[RevisionRecord], index: int,
                   timezone: str, today: dt.date) -> ArchiveStatus:
    """The status of ``revisions[index]`` (newest first) on ``today``.

    A revision applies from :func:`in_force_from` until the first day a newer one
    applies. One announced for a later day and replaced before that day was never in
    force. The same rule picks the version a policy page shows (:func:`upcoming`).
    """
    record = revisions[index]
    start = in_force_from(env, record, timezone)
    until = min((in_force_from(env, r, timezone) for r in revisions[:index]), default=None)
    if until is not None and until <= start and start > published_day(record, timezone):
        return ArchiveStatus(NEVER_IN_FORCE, start, until)
    if start > today:
        return ArchiveStatus(UPCOMING, start, until)
    if until is not None and until <= today:
        return ArchiveStatus(SUPERSEDED, start, until)
    return ArchiveStatus(IN_FORCE, start, until)


def upcoming(env: BuildEnvironment, docname: str, timezone: str
             ) -> tuple[RevisionRecord, dt.date, RevisionRecord | None] | None:
    """(the upcoming revision, its effective date, the revision in force) when the page's
    newest revision takes effect after the build date; None otherwise. The revision in
    force is None when no earlier revision exists (the page is new)."""
    revisions = all_revisions(env).get(docname, ())
    if not revisions:
        return None
    newest = revisions[0]
    effective = revision_effective(env, newest)
    today = build_day(timezone)
    if effective is None or effective <= today:
        return None
    # The same rule as the banners' (archive_status): the newest revision already applying.
    in_force = next((r for r in revisions[1:] if in_force_from(env, r, timezone) <= today),
                    None)
    return newest, effective, in_force


def check_notice_periods(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: a material change announced fewer than policy_notice_days ahead."""
    days = app.config.policy_notice_days
    if not days:
        return
    timezone = app.config.policy_timezone
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


def reader_date(app: Sphinx, day: dt.date) -> str:
    """A day as readers see dates (the date format and language of the build)."""
    moment = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return format_for_readers(int(moment.timestamp()), "UTC",
                              app.config.html_last_updated_fmt or None, app.config.language)


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
    from .archive import ARCHIVE_BUILDERS, RevisionRenderer, _rebase_links

    if app.builder.name not in ARCHIVE_BUILDERS or not app.config.policy_archives:
        return
    timezone = app.config.policy_timezone
    pending = {}
    for docname in sorted(all_revisions(app.env)):
        found = upcoming(app.env, docname, timezone)
        if found is not None and found[2] is not None:
            pending[docname] = found
    if not pending:
        return
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
            _rebase_links(doctree, builder, in_force.archive, docname)
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
    previous: dict[str, str] = getattr(env, ENV_SHOWN, None) or {}
    current = {}
    for docname in sorted(all_revisions(env)):
        found = upcoming(env, docname, app.config.policy_timezone)
        if found is not None and found[2] is not None:
            current[docname] = found[2].sha
    setattr(env, ENV_SHOWN, current)
    return sorted(d for d in previous if d not in current and d in env.found_docs)


def setup_upcoming(app: Sphinx) -> None:
    app.connect("env-updated", check_notice_periods, priority=900)
    app.connect("env-updated", pages_that_switch, priority=900)
    app.connect("html-collect-pages", collect_pages, priority=600)
