"""The dates of a revision: when it was published, and when it takes or took effect.

A revision's effective date is the ``policy: effective:`` of the page's front matter *at
that commit*, read from git once per commit and kept in the policy domain. From these
dates and the build date, :func:`archive_statuses` says what a revision is (upcoming, in
force, replaced) and :func:`upcoming` which version a policy page shows: one rule for
both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..data.source import DataFileError
from ..directives.in_force import build_date
from ..git.blobs import BlobReader
from ..git.errors import GitError, GitUnavailable
from ..git.runner import run_git
from ..history.dates import format_for_readers, front_matter_block, to_datetime
from ..state.domain import state
from .records import RevisionRecord, all_revisions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _front_matter_effective(text: str) -> dt.date | None:
    block = front_matter_block(text)
    if block is None:
        return None
    from ..data.parse import parse_data  # only for revisions not read before

    try:  # through the data layer: an old revision's front matter is untrusted input too
        metadata = parse_data(block.encode("utf-8"), "front matter", "yaml").data
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


def in_force_from(env: BuildEnvironment, record: RevisionRecord, timezone: str) -> dt.date:
    """The first day the revision's text applied: its effective date, or the day it was
    published when it gives none, or an earlier one (a text applies once it is public)."""
    published = published_day(record, timezone)
    effective = revision_effective(env, record)
    return max(effective, published) if effective is not None else published


#: What an archived revision's banner says of it (:func:`archive_statuses`).
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


def archive_statuses(env: BuildEnvironment, revisions: Sequence[RevisionRecord],
                     timezone: str, today: dt.date) -> list[ArchiveStatus]:
    """The status of each of a page's ``revisions`` (newest first) on ``today``.

    A revision applies from :func:`in_force_from` until the first day a newer one
    applies. One announced for a later day and replaced before that day was never in
    force. The same rule picks the version a policy page shows (:func:`upcoming`).
    """
    found: list[ArchiveStatus] = []
    until: dt.date | None = None  # the earliest start among the newer revisions
    for record in revisions:
        start = in_force_from(env, record, timezone)
        if until is not None and until <= start and start > published_day(record, timezone):
            found.append(ArchiveStatus(NEVER_IN_FORCE, start, until))
        elif start > today:
            found.append(ArchiveStatus(UPCOMING, start, until))
        elif until is not None and until <= today:
            found.append(ArchiveStatus(SUPERSEDED, start, until))
        else:
            found.append(ArchiveStatus(IN_FORCE, start, until))
        until = start if until is None else min(until, start)
    return found


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
    today = build_date(timezone)
    if effective is None or effective <= today:
        return None
    # The same rule as the banners' (archive_statuses): the newest revision already applying.
    in_force = next((r for r in revisions[1:] if in_force_from(env, r, timezone) <= today),
                    None)
    return newest, effective, in_force


def reader_date(app: Sphinx, day: dt.date) -> str:
    """A day as readers see dates (the date format and language of the build)."""
    moment = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return format_for_readers(int(moment.timestamp()), "UTC",
                              app.config.html_last_updated_fmt or None, app.config.language)
