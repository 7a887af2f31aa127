"""The ``policy`` domain: the one home of sphinx-policy's state on the environment.

Per-document state (what a page's directives recorded while it was read) is dropped by
:meth:`PolicyDomain.clear_doc` when the page is read again, and merged back from parallel
read workers by :meth:`PolicyDomain.merge_domaindata`: one place, whatever the feature.
Build-wide state (dates, revision records, outdated translations, answers git gave once)
is recomputed at ``env-updated`` in the main process and pickled with the environment.

What one build shares but must not pickle (the history indexes, the parsed project data,
the archived revision being rendered) lives on the domain object itself, which Sphinx
creates afresh for every build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Set
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, cast

from sphinx.domains import Domain

from ..config import PolicyConfig

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Per-document entries: docname -> what that document's reading recorded.
PER_DOCUMENT = (
    "includes",  # srcdir-relative files the page includes
    "data_files",  # srcdir-relative data files its directives read (they date the page)
    "catalog_windows",  # (first, last) ISO days of the build dates its output holds for
    "disclosures",  # the required-disclosure records of a policy page
    "changelogs",  # the pages its changelog directives list ("all": every policy page)
)
#: Build-wide entries, recomputed in the main process after reading.
BUILD_WIDE = (
    "dates",  # docname -> history.dates.PageDate
    "revisions",  # docname -> tuple of versions.records.RevisionRecord, newest first
    "outdated_translations",  # docname -> history.translations.Outdated
    "project_files",  # "files" -> the data files policy_data_files matched at the last read
    "merged_commits",  # cache key -> what a merge brought in (commits never change)
    "request_titles",  # sha -> (title, GitLab merge request)
    "effective_dates",  # "sha:path" -> the effective date in that revision's front matter
    "upcoming_shown",  # docname -> the revision in force a page showed while one waited
    "date_inputs",  # what the dates were computed from (history.page_dates.refresh_dates)
)

#: Keys of ``env.temp_data`` (Sphinx clears it after each document).
SOURCE_KEY = "policy_data_source"  # the DataSource the page's data is read from
PAGE_KEY = "policy_page_data"  # the data files the page declared with policy-data


class ArchivedRevision(NamedTuple):
    """The old revision of a page that the archive is parsing or writing (never pickled)."""

    docname: str
    sha: str
    #: Committer date of the revision, epoch seconds.
    timestamp: int
    #: The day whose catalogs the revision shows (its commit's day).
    day: dt.date
    #: The copy of the revision's tree it is parsed in (None: only the page's text).
    tree: Path | None = None


class BuildShared:
    """What one build shares between events but never pickles.

    A plain class, not a dataclass, as every record a build imports (docs/development.md,
    "Records that every build imports")."""

    __slots__ = ("archived", "changelog_entries", "history_unchanged", "project_data",
                 "read_docs", "repositories", "settings", "working_tree")

    def __init__(self) -> None:
        #: The history indexes of the build (``history.page_dates.Repositories``), made once.
        self.repositories: Any = None
        #: (source label, srcdir, patterns) -> the project's parsed data.
        self.project_data: dict[tuple[str, str, tuple[str, ...]], Any] = {}
        #: The checked ``policy_*`` settings.
        self.settings: PolicyConfig | None = None
        #: Set by the archive while an old revision is parsed or written.
        self.archived: ArchivedRevision | None = None
        #: The documents this build reads (Sphinx's list, from ``env-before-read-docs``).
        self.read_docs: list[str] | None = None
        #: The HTML of archived versions' changelog entries, made once
        #: (versions/changelog.py).
        self.changelog_entries: dict[Any, tuple[str, str]] = {}
        #: ((srcdir, data_max_bytes), the working tree as a data source): made once per
        #: build, not per directive (resolving the folder costs system calls).
        self.working_tree: tuple[tuple[str, int], Any] | None = None
        #: The last build's dates still hold: nothing read, committed or edited, the same
        #: settings (``history.page_dates``); what else is made from the history holds too.
        self.history_unchanged = False


class PolicyDomain(Domain):
    """sphinx-policy's state; it declares no directives, roles or objects of its own."""

    name = "policy"
    label = "sphinx-policy"
    data_version = 3  # 2: upcoming_shown; 3: date_inputs
    initial_data: ClassVar[dict[str, Any]] = {key: {} for key in (*PER_DOCUMENT, *BUILD_WIDE)}

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self.shared = BuildShared()

    def entries(self, key: str) -> dict[str, Any]:
        return cast(dict[str, Any], self.data[key])

    def clear_doc(self, docname: str) -> None:
        for key in PER_DOCUMENT:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in PER_DOCUMENT:
            mine, theirs = self.data[key], otherdata[key]
            for docname in docnames:
                if docname in theirs:
                    mine[docname] = theirs[docname]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []  # nothing to cross-reference: answer `any` roles at once

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        return ()


def policy_domain(env: BuildEnvironment) -> PolicyDomain:
    return cast(PolicyDomain, env.get_domain(PolicyDomain.name))


def state(env: BuildEnvironment, key: str) -> dict[str, Any]:
    """One entry of the domain's data (a key of :data:`PER_DOCUMENT` or :data:`BUILD_WIDE`)."""
    return policy_domain(env).entries(key)


def shared(env: BuildEnvironment) -> BuildShared:
    return policy_domain(env).shared


def archived_revision(env: BuildEnvironment) -> ArchivedRevision | None:
    """The old revision being parsed or written by the archive, or None for today's page."""
    return shared(env).archived


@contextmanager
def archiving(env: BuildEnvironment, revision: ArchivedRevision) -> Iterator[None]:
    """While the archive parses and resolves ``revision`` (then today's page again)."""
    shared(env).archived = revision
    try:
        yield
    finally:
        shared(env).archived = None


def settings(env: BuildEnvironment) -> PolicyConfig:
    """The build's ``policy_*`` settings, checked, as the typed dataclass (made once per
    build, from the values ``config-inited`` left)."""
    build = shared(env)
    if build.settings is None:
        build.settings = PolicyConfig.from_sphinx(env.config)
    return build.settings


def setup_domain(app: Sphinx) -> None:
    app.add_domain(PolicyDomain)
