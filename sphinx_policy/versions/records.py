"""Revisions of policy pages as readers see them: ids, URLs, summaries, material flags.

Computed once per build from the history index (in ``env-updated``) and stored on the
environment as plain tuples, so every consumer (changelog, archives, diffs, feed,
manifest, the command line) reads the same list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from ..locale import _
from ..state.domain import state

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from ..config import PolicyConfig
    from ..git.index import HistoryIndex

#: The builders that write archived versions, diffs, the manifest and the feed.
ARCHIVE_BUILDERS = ("html", "dirhtml")


#: Values of the type trailer.
MATERIAL, EDITORIAL = "material", "editorial"


@lru_cache(maxsize=65536)
def _revision_id(timestamp: int, sha: str) -> str:
    # Asked for again and again: every archived version's changelog names the archived
    # pages of every earlier revision.
    day = dt.datetime.fromtimestamp(timestamp, dt.UTC).date().isoformat()
    return f"{day}-{sha[:8]}"


class RevisionRecord(NamedTuple):
    docname: str
    sha: str
    timestamp: int
    offset: int
    #: The commit's headline as readers may see it (:func:`..git.headlines.headline`):
    #: never a generated merge subject; "" when nothing is fit to show.
    subject: str
    summary: str | None  # from the summary trailer; None when the commit has none
    kind: str | None  # MATERIAL, EDITORIAL or None
    source_path: str  # the page's source, repository-relative, at this revision
    repo_root: str  # the repository the page lives in
    first: bool = False  # the page's first publication (history complete back to it)
    #: The pull or merge request the commit came from, ``(service, number)``: shown only
    #: as a link, when the project says where its repository is (``changelog.request_url``).
    reference: tuple[str, int] | None = None

    @property
    def id(self) -> str:
        """``<yyyy-mm-dd>-<short sha>``: the UTC commit day, stable whatever the time zone."""
        return _revision_id(self.timestamp, self.sha)

    @property
    def archive(self) -> str:
        """Page name of the archived version: ``<page>/versions/<id>``."""
        return f"{self.docname}/versions/{_revision_id(self.timestamp, self.sha)}"

    @property
    def diff(self) -> str:
        """Page name of the diff against the previous revision: ``<page>/versions/<id>-diff``."""
        return f"{self.archive}-diff"

    @property
    def material(self) -> bool:
        return self.kind == MATERIAL

    @property
    def editorial(self) -> bool:
        return self.kind == EDITORIAL

    def reader_summary(self, mode: str) -> str | None:
        """The summary for readers: the trailer, or (mode "all") the commit's headline, or
        when it has none a neutral "Updated"."""
        if self.summary:
            return self.summary
        if mode != "all":
            return None
        return self.subject or str(_("Updated"))




#: What Sphinx records as the title of a document that has none.
NO_TITLE = "<no title>"


def page_title(env: BuildEnvironment, docname: str) -> str:
    """The title readers know a page by: its first heading, else the ``title:`` of its
    front matter, else its docname (never Sphinx's "<no title>")."""
    title = env.titles.get(docname)
    text = " ".join(title.astext().split()) if title is not None else ""
    if text and text != NO_TITLE:
        return text
    front = env.metadata.get(docname, {}).get("title")
    if isinstance(front, str) and front.strip():
        return " ".join(front.split())
    return docname


def trailer_values(trailers: Iterable[tuple[str, str]], key: str) -> list[str]:
    """Values of ``key`` (case-insensitive, as git treats trailer keys)."""
    wanted = key.lower()
    return [value.strip() for k, value in trailers if k.strip().lower() == wanted and value.strip()]


def summary_and_kind(
    trailers: Iterable[tuple[str, str]], config: PolicyConfig
) -> tuple[str | None, str | None]:
    trailers = list(trailers)
    summaries = trailer_values(trailers, config.summary_trailer)
    kinds = [v.lower() for v in trailer_values(trailers, config.type_trailer)]
    kind = MATERIAL if MATERIAL in kinds else (EDITORIAL if EDITORIAL in kinds else None)
    return (" ".join(summaries) if summaries else None), kind


def revisions_of(env: BuildEnvironment, docname: str) -> tuple[RevisionRecord, ...]:
    return all_revisions(env).get(docname, ())


def all_revisions(env: BuildEnvironment) -> dict[str, tuple[RevisionRecord, ...]]:
    """docname -> its revision records, newest first (policy pages only)."""
    return state(env, "revisions")




def brought_in(
    env: BuildEnvironment,
    index: HistoryIndex,
    merge_sha: str,
    keys: Iterable[str],
    paths: Iterable[str],
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """``(subject, trailers)`` of the commits a merge brought into the first-parent chain
    that changed one of ``paths`` (repository-relative), newest first.

    Only of those commits: a merge that brings in a change of the terms and a typo fix
    of the privacy policy must not give the privacy policy the terms' summary. One
    ``git log M^1..M^2`` per merge, only for merges that are revisions of a policy page
    and need it; commits never change, so the answer is kept on the environment and
    later builds ask git nothing. Only the trailers of ``keys`` are kept, and no
    generated merge subject: the others (Signed-off-by, Co-authored-by, "Merge branch
    'main' into janedoe-patch-1") hold people's names and e-mail addresses, which must
    not reach the pickled environment either.
    """
    from ..git.headlines import generated  # its patterns only when the history is read

    cache: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = state(
        env, "merged_commits")
    wanted = sorted({k.lower() for k in keys})
    limit = sorted(set(paths))
    entry = "\x1f".join([merge_sha, *wanted, "\x1e", *limit])
    if entry not in cache:
        cache[entry] = tuple(
            ("" if generated(subject) else subject, trailers)
            for subject, trailers in index.merged_commits(merge_sha, limit, wanted)
        )
    return cache[entry]


def request_titles(
    env: BuildEnvironment, index: HistoryIndex, shas: Iterable[str]
) -> dict[str, tuple[str | None, int | None]]:
    """``(title, GitLab merge request)`` of commits by sha, among them those of ``shas``:
    the first line of the body when it is a title (:func:`..git.headlines.body_title`)
    and the request a GitLab merge names. One git process for the commits no earlier
    build asked about; kept on the environment as only these, for a body may name people
    (Approved-by)."""
    from ..git.headlines import body_title, gitlab_request

    cache: dict[str, tuple[str | None, int | None]] = state(env, "request_titles")
    missing = [sha for sha in shas if sha not in cache]
    if missing:
        messages = index.messages(missing)
        for sha in missing:
            message = messages.get(sha)
            if message is None:
                cache[sha] = (None, None)
                continue
            cache[sha] = (body_title(message), gitlab_request(message))
    return cache
