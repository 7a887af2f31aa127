"""The revision records of policy pages, computed once per build from the history index.

At ``env-updated``, after the dates (``history.page_dates``), from the same indexes:
every revision of every policy page, with its headline, summary and kind, newest first.
The changelog, archives, diffs, feed and manifest are all made from these records.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Subtype, warn
from ..git.index import HistoryIndex
from ..history.dates import representable
from ..history.page_dates import Repositories, dependencies, repositories, shallow_fix
from ..state.domain import settings, shared
from ..state.pages import is_policy
from .changelog import changelog_pages
from .records import RevisionRecord, all_revisions, brought_in, request_titles, summary_and_kind

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def page_revisions(
    app: Sphinx, env: BuildEnvironment, repos: Repositories, docname: str, paths: list[Path]
) -> tuple[RevisionRecord, ...]:
    """The revisions of a policy page, newest first, in its own repository's chain order."""
    from ..git.headlines import generated, headline  # its patterns only when this runs

    located = repos.locate(paths[0])
    if located is None:
        return ()
    index, source = located
    rels = [source]
    for path in paths[1:]:
        other = repos.locate(path)
        if other is not None and other[0] is index:
            rels.append(other[1])
    records = []
    merged = index.files(rels)
    exists_at = _existence(index, source)
    skipped = False
    keys = (settings(app.env).summary_trailer, settings(app.env).type_trailer)
    # Generated subjects ("Merge pull request #12 from janedoe/patch-1") are never shown:
    # the request's title on the first line of the body stands in (one git process).
    titles = request_titles(env, index, [
        r.commit.sha for r in merged.revisions
        if (found := generated(r.commit.subject)) is not None and found.title is None
    ])
    for revision in merged.revisions:
        commit = revision.commit
        if not exists_at(commit.sha):
            # The commit deleted the page, or changed a file it reads while the page did
            # not exist: no text to archive, so no revision (docs/development.md).
            continue
        if not representable(commit.timestamp):
            skipped = True
            warn(
                Subtype.GIT,
                f"revision {commit.sha[:12]} of {docname} has no date that can be shown "
                f"(git gives {'none' if commit.timestamp < 0 else commit.timestamp}); it is left "
                "out of the changelog, the archived versions and the feed",
                location=docname,
            )
            continue
        # The source's path at this commit, even when the revision is a data file's and
        # the page was renamed since (pure renames are not revisions of their own).
        current_path = index.path_at(source, commit.sha)
        summary, kind = summary_and_kind(commit.trailers, settings(app.env))
        title, gitlab = titles.get(commit.sha, (None, None))
        subject, reference = headline(commit.subject, title, gitlab=gitlab)
        if len(commit.parents) > 1 and (summary is None or not subject):
            # What the merge brought in: only the commits that changed this page or what
            # it shows.
            brought = brought_in(env, index, commit.sha, keys,
                                 [index.path_at(rel, commit.sha) for rel in rels])
            if summary is None:
                summary, brought_kind = summary_and_kind(
                    (t for _, trailers in brought for t in trailers), settings(app.env))
                kind = kind or brought_kind
            if not subject:
                subject, reference = headline(
                    commit.subject, title, [s for s, _ in brought], gitlab=gitlab)
        records.append(
            RevisionRecord(
                docname,
                commit.sha,
                commit.timestamp,
                commit.offset,
                subject,
                summary,
                kind,
                current_path,
                str(index.root),
                reference=reference,
            )
        )
    if records and not merged.complete:
        warn(
            Subtype.SHALLOW,
            f"the history of {docname} is cut short by the shallow clone: its changelog, "
            f"archived versions, feed and manifest list only the {len(records)} newest "
            f"revision(s), not the older ones. Fix: {shallow_fix()}",
            location=docname,
        )
    limit = settings(app.env).archive_limit
    if records and merged.complete and not skipped and not (limit and len(records) > limit):
        records[-1] = records[-1]._replace(first=True)  # its diff shows the whole text as new
    return tuple(records[:limit] if limit else records)


def _existence(index: HistoryIndex, path: str) -> Callable[[str], bool]:
    """Whether the page ``path`` existed at (after) a chain commit, from its own history:
    the state its newest change at or before that commit left it in. Before its first
    change it did not exist, unless the history is cut short or shows no change of the
    page at all (every one ignored): then nothing is known, and nothing is left out."""
    own = index.file(path)
    changes = sorted((index.age(r.commit.sha), r.status) for r in own.revisions)
    ages = [age for age, _status in changes]

    def exists(sha: str) -> bool:
        at = bisect.bisect_left(ages, index.age(sha))  # the newest change at or before sha
        if at == len(changes):
            return not own.complete or not changes
        return changes[at][1] != "D"

    return exists


def refresh_revisions(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: the revisions of every policy page; return the pages to re-write."""
    if shared(env).history_unchanged and all_revisions(env):
        return []  # the records come from the same history, pages and settings
    revisions: dict[str, tuple[RevisionRecord, ...]] = {}
    if settings(app.env).git:
        repos = repositories(app)
        for docname in sorted(env.found_docs):
            if is_policy(env, docname):
                revisions[docname] = page_revisions(
                    app, env, repos, docname, dependencies(app, env, docname))
    stored = all_revisions(env)
    if stored == revisions:
        return []
    changed = [d for d in set(stored) | set(revisions) if stored.get(d) != revisions.get(d)]
    # A changelog lists the revisions of the pages it names: re-write the pages whose
    # changelogs name a page whose revisions changed.
    changed += [docname for docname, listed in changelog_pages(env).items()
                if _lists_any(listed, changed)]
    stored.clear()
    stored.update(revisions)
    return sorted(set(changed) & set(env.found_docs))


def _lists_any(listed: object, pages: list[str]) -> bool:
    """Whether a page's changelogs (``listed``, from :func:`changelog_pages`) list one of
    ``pages``; anything but a list of pages (an environment of an older release) counts as
    every page."""
    if not isinstance(listed, list) or "all" in listed:
        return True
    return any(page in pages for page in listed)


def setup_revisions(app: Sphinx) -> None:
    # After the dates (priority 600), before what reads the records (700 and later).
    app.connect("env-updated", refresh_revisions, priority=650)
