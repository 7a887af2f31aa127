"""The dates of a revision: when it was published, and when it takes or took effect.

A revision's effective date is the ``policy: effective:`` of the page's front matter *at
that commit*, read from git once per commit and kept in the policy domain.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..data.parse import parse_data
from ..data.source import DataFileError
from ..directives.in_force import build_date
from ..git.errors import GitUnavailable
from ..git.runner import run_git
from ..history.dates import to_datetime
from ..state.domain import state
from .records import RevisionRecord, all_revisions

if TYPE_CHECKING:
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


def revision_effective(env: BuildEnvironment, record: RevisionRecord) -> dt.date | None:
    """The effective date the page's front matter gave at this revision, or None."""
    cache: dict[str, str | None] = state(env, "effective_dates")
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
    in_force = next((r for r in revisions[1:]
                     if (e := revision_effective(env, r)) is None or e <= today), None)
    return newest, effective, in_force
