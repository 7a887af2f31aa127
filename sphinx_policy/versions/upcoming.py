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
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..data.parse import parse_data
from ..data.source import DataFileError
from ..diagnostics import Subtype, warn
from ..git.blobs import BlobReader
from ..git.errors import GitError, GitUnavailable
from ..git.runner import run_git
from ..history.dates import format_for_readers, to_datetime
from ..locale import _
from ..state.domain import state
from .records import RevisionRecord, all_revisions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment



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


def _effective_key(record: RevisionRecord) -> str:
    return f"{record.sha}:{record.source_path}"


def remember_effective_dates(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated, once the revisions are known and before the environment is pickled:
    the effective date of every revision not known yet, read through one ``git cat-file``
    per repository; those of revisions no longer listed are dropped. A revision never
    changes, so a rebuild reads only new revisions (the manifest asks for all of them)."""
    known: dict[str, str | None] = state(env, "effective_dates")
    wanted = {_effective_key(r): r for rs in all_revisions(env).values() for r in rs}
    missing: dict[str, list[str]] = defaultdict(list)
    for key, record in wanted.items():
        if key not in known and "\n" not in key:
            missing[record.repo_root].append(key)
    for repo_root, keys in sorted(missing.items()):
        try:
            with BlobReader(Path(repo_root)) as reader:
                found = reader.read_objects(keys)
        except (GitUnavailable, GitError, OSError, ValueError):
            continue  # read one by one when asked (revision_effective)
        for key, obj in zip(keys, found, strict=True):
            if obj is None or obj[1] != "blob":
                continue  # as git show failing: asked again, and then None
            day = _front_matter_effective(obj[2].decode("utf-8", "replace"))
            known[key] = day.isoformat() if day else None
    for key in [key for key in known if key not in wanted]:
        del known[key]


def revision_effective(env: BuildEnvironment, record: RevisionRecord) -> dt.date | None:
    """The effective date the page's front matter gave at this revision, or None."""
    cache: dict[str, str | None] = state(env, "effective_dates")
    key = _effective_key(record)
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
    """Today in ``timezone``, or the day of ``SOURCE_DATE_EPOCH`` (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return to_datetime(int(epoch), timezone).date()
    return dt.datetime.now(dt.UTC).astimezone(to_datetime(0, timezone).tzinfo).date()


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
    in_force = next((r for r in revisions[1:]
                     if (e := revision_effective(env, r)) is None or e <= today), None)
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


def _date(app: Sphinx, day: dt.date) -> str:
    moment = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return format_for_readers(int(moment.timestamp()), "UTC",
                              app.config.html_last_updated_fmt or None, app.config.language)


def notice_node(app: Sphinx, pagename: str, record: RevisionRecord,
                effective: dt.date, diff: bool) -> nodes.container:
    """"An updated version takes effect on …", with links to it and to its changes."""
    builder: Any = app.builder
    box = nodes.container(classes=["policy-upcoming-notice", "admonition", "note"])
    para = nodes.paragraph()
    text = str(_("An updated version of this policy takes effect on %s.")) % _date(app, effective)
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


def setup_upcoming(app: Sphinx) -> None:
    # After the revisions (versions.revisions, priority 650), before the notice check.
    app.connect("env-updated", remember_effective_dates, priority=660)
    app.connect("env-updated", check_notice_periods, priority=900)
    app.connect("html-collect-pages", collect_pages, priority=600)
