"""Per-page revision dates, computed once per build from the build's history indexes.

In ``env-updated`` (main process, after all reading) one history index per repository
gives every page the date of its newest revision: the page's source, the files it
includes and the data files its directives read (plus configurable extra dependencies).
Pages whose date changed are returned to Sphinx for re-writing; nothing is re-read.
The environment stores only plain tuples (:class:`PageDate`).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..diagnostics import Subtype, logger, warn
from ..git.errors import GitError, GitUnavailable
from ..git.index import HistoryIndex, build_index
from ..git.records import Commit, Revision
from ..state.data import data_files_of
from ..state.domain import settings, shared, state
from .dates import PageDate, representable

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

def page_dates(env: BuildEnvironment) -> dict[str, PageDate]:
    """docname -> the date of its newest revision (or why it has none)."""
    return state(env, "dates")


def page_date(env: BuildEnvironment, docname: str) -> PageDate | None:
    return page_dates(env).get(docname)


def newest_known(env: BuildEnvironment) -> PageDate | None:
    dates = [d for d in page_dates(env).values() if d.timestamp is not None]
    return max(dates, key=lambda d: d.timestamp or 0, default=None)


def note_include(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    state(app.env, "includes").setdefault(parent_docname, set()).add(
        Path(relative_path).as_posix()
    )


# --------------------------------------------------------------------------- dating


def _digest(path: Path) -> str:
    return hashlib.sha256(os.fsencode(path)).hexdigest()[:16]


def _new_build(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    shared(env).repositories = None  # the history may have moved since the last build
    shared(env).read_docs = docnames  # Sphinx's own list: what other handlers add counts


def repositories(app: Sphinx) -> Repositories:
    """The build's history indexes: made once per build, shared by the dates, the
    revision records, the translation notices and the archive."""
    build = shared(app.env)
    if build.repositories is None:
        build.repositories = Repositories(app)
    return cast(Repositories, build.repositories)


class Repositories:
    """The history index of each repository that holds a page or a dependency.

    One ``git log`` pass per repository root: the documentation's repository, plus
    one per nested repository or submodule that a dependency lives in (found by
    looking for ``.git`` on the file system, not by running git per folder).
    """

    def __init__(self, app: Sphinx) -> None:
        config = settings(app.env)
        self.srcdir = Path(app.srcdir).resolve()
        self.exclude = tuple(config.git_exclude)
        self.ignore_revs = config.git_ignore_revs
        #: The only trailers read from commits: the others name people.
        self.trailer_keys = (config.summary_trailer, config.type_trailer)
        #: The parsed logs are kept beside Sphinx's own pickled environment, from the
        #: first build on: writing costs hundredths of a second, and the first rebuild
        #: (sphinx-autobuild's first save) would otherwise parse the whole log again.
        self.cache_dir = Path(app.doctreedir)
        self.indexes: dict[Path, HistoryIndex | None] = {}
        self.roots: dict[Path, Path | None] = {}  # folder -> folder holding .git
        #: Why a repository has no index; ValueError: a malformed ignore-revs file (no
        #: dates rather than dates from commits the author meant to ignore).
        self.failure: GitUnavailable | GitError | ValueError | None = None

    def _index(self, root: Path) -> HistoryIndex | None:
        if root not in self.indexes:
            ignore = root / self.ignore_revs if self.ignore_revs else None
            try:
                self.indexes[root] = build_index(
                    root,
                    ignore_revs_file=ignore if ignore and ignore.is_file() else None,
                    exclude=self.exclude,
                    trailer_keys=self.trailer_keys,
                    cache=self.cache_dir / f"policy-history-{_digest(root)}.pickle",
                )
            except (GitUnavailable, GitError, ValueError) as err:
                self.indexes[root] = None
                self.failure = self.failure or err
        return self.indexes[root]

    def index_of(self, root: Path) -> HistoryIndex | None:
        """The index of the repository at ``root`` (made once per build)."""
        return self._index(root)

    def root_of(self, folder: Path) -> Path | None:
        """The innermost folder at or above ``folder`` that holds ``.git`` (cached)."""
        if folder not in self.roots:
            if (folder / ".git").exists():
                self.roots[folder] = folder
            elif folder.parent == folder:
                self.roots[folder] = None
            else:
                self.roots[folder] = self.root_of(folder.parent)
        return self.roots[folder]

    def locate(self, path: Path) -> tuple[HistoryIndex, str] | None:
        """(index, repository-relative path) of the innermost repository holding ``path``."""
        root = self.root_of(path.parent)
        index = self._index(root) if root is not None else None
        if index is None:
            return None
        rel = index.relpath(path)
        return (index, rel) if rel is not None else None


def dependencies(app: Sphinx, env: BuildEnvironment, docname: str) -> list[Path]:
    """The files whose changes are revisions of ``docname``: the source first, then the
    files it reads, each resolved, then the symbolic links on the way to them."""
    return _resolved(env, _dependency_paths(app, env, docname))


def _resolved(env: BuildEnvironment, raw: list[Path]) -> list[Path]:
    srcdir = os.path.abspath(env.srcdir)
    is_link: dict[str, bool] = {}
    links = [link for path in raw for link in links_on_the_way(path, srcdir, is_link)]
    return list(dict.fromkeys([*(p.resolve() for p in raw), *links]))


def links_on_the_way(
    path: Path | str, srcdir: str, is_link: dict[str, bool] | None = None
) -> list[Path]:
    """The symbolic links below ``srcdir`` that ``path`` goes through, itself included,
    each named by its own path (its folders resolved). Pointing a link elsewhere changes
    what a page reads; git records that as a change of the link, and the file the link
    now names may be older than the page's last reading. ``is_link`` remembers what was
    found of each path on the way (pages share their folders)."""
    links = []
    current = os.path.abspath(path)
    inside = os.path.join(srcdir, "")
    known = is_link if is_link is not None else {}
    while current.startswith(inside):
        found = known.get(current)
        if found is None:
            found = known[current] = os.path.islink(current)
        if found:
            folder, name = os.path.split(current)
            links.append(Path(os.path.realpath(folder), name))
        current = os.path.dirname(current)
    return links


def _dependency_paths(app: Sphinx, env: BuildEnvironment, docname: str) -> list[Path]:
    """:func:`dependencies`, before symbolic links are resolved."""
    srcdir = Path(env.srcdir)
    paths = [Path(env.doc2path(docname))]
    paths += [srcdir / rel for rel in sorted(state(env, "includes").get(docname, ()))]
    paths += [srcdir / rel for rel in sorted(data_files_of(env).get(docname, ()))]
    patterns = settings(app.env).git_extra_dependencies
    if patterns:
        for dep in sorted(map(str, env.dependencies.get(docname, ()))):
            full = Path(dep) if os.path.isabs(dep) else srcdir / dep
            try:
                rel = full.resolve().relative_to(srcdir.resolve()).as_posix()
            except ValueError:
                continue
            if any(fnmatch.fnmatchcase(rel, p) for p in patterns):
                paths.append(full)
    return paths


def _kept_dependencies(env: BuildEnvironment, raw: list[Path],
                       resolved: list[Path]) -> list[str] | None:
    """What the next build compares with the files its new commits touched: the resolved
    paths, or None (the page is dated again by every build that dates any) when one is
    reached through a symbolic link below the source folder: a commit that points the
    link elsewhere touches the link, not the file the path resolves to."""
    srcdir = os.path.abspath(env.srcdir)
    real = os.path.realpath(srcdir)
    for path in raw:
        absolute = os.path.abspath(path)
        rel = os.path.relpath(absolute, srcdir)
        if rel.startswith(os.pardir) or os.path.realpath(absolute) != os.path.normpath(
            os.path.join(real, rel)
        ):
            return None
    return [str(p) for p in resolved]


def date_page(repos: Repositories, paths: list[Path]) -> PageDate:
    """Newest revision over ``paths`` (the page's source first).

    Unknown when a counted file is untracked or has uncommitted changes, or when no
    counted file has a revision newer than a shallow clone's boundary. A file whose
    newest change lies beyond the boundary does not block a page that has a newer
    visible revision: everything beyond the boundary is older than that.
    "Newer" is the position on the first-parent chain, not the date; only files in
    different repositories (submodules) are compared by date.
    """
    newest: tuple[HistoryIndex, Revision] | None = None
    shallow_blocker: str | None = None
    for path in paths:
        located = repos.locate(path)
        if located is None:
            return PageDate(None, None, None, "untracked", str(path))
        index, rel = located
        unknown, visible = index.newest(rel)
        if unknown in ("untracked", "modified", "not-in-head"):
            reason = "untracked" if unknown == "not-in-head" else unknown
            return PageDate(None, None, None, reason, rel)
        if unknown == "excluded":
            continue
        if unknown == "shallow" or visible is None:
            shallow_blocker = shallow_blocker or rel
            continue
        if newest is None or newer_change(index, visible.commit, newest[0], newest[1].commit):
            newest = (index, visible)
    if newest is None:
        return PageDate(
            None,
            None,
            None,
            "shallow" if shallow_blocker else "untracked",
            shallow_blocker or str(paths[0]),
        )
    commit = newest[1].commit
    if not representable(commit.timestamp):
        where = f"{newest[1].path} (commit {commit.sha[:12]})"
        return PageDate(None, None, None, "bad-date", where)
    return PageDate(commit.timestamp, commit.offset, commit.sha)


def newer_change(index: HistoryIndex, commit: Commit,
                 other_index: HistoryIndex, other: Commit) -> bool:
    """Is ``commit`` a newer change than ``other``? Their position on the first-parent
    chain within one repository (a child commit may carry an older date than its parent),
    their commit time across repositories or for a commit the chain does not hold."""
    if index is other_index:
        try:
            return index.age(commit.sha) < index.age(other.sha)
        except KeyError:
            pass
    return commit.timestamp > other.timestamp


def shallow_fix() -> str:
    if os.environ.get("READTHEDOCS") == "True":
        return (
            "Read the Docs clones shallowly; add to .readthedocs.yaml: build.jobs.post_checkout: "
            '["git fetch --unshallow || true"]'
        )
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "GitHub Actions checks out 1 commit; give actions/checkout `fetch-depth: 0`"
    return "fetch the full history with `git fetch --unshallow`"


def refresh_dates(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: date every page; return the pages whose date changed (to re-write)."""
    dates = page_dates(env)
    if not settings(app.env).git:
        changed = list(dates)
        dates.clear()
        return changed
    repos = repositories(app)
    if repos.root_of(repos.srcdir) is None:
        warn(
            Subtype.GIT,
            f"no dates from git: {repos.srcdir} is not inside a git repository. "
            "The build goes on without 'Last updated' dates (set policy_git = False to "
            "silence this).",
        )
        changed = list(dates)
        dates.clear()
        return changed
    inputs = state(env, "date_inputs")
    if dates and _inputs_unchanged(app, env, repos, inputs):
        # Nothing was read, nothing committed or edited: the same dates (and warnings).
        shared(env).history_unchanged = True
        for docname, date in dates.items():
            _report_unknown(docname, date)
        env.git_last_updated = {d: (v.timestamp, True) for d, v in dates.items()}  # type: ignore[attr-defined]
        return []
    new: dict[str, PageDate] = {}
    deps: dict[str, list[str] | None] = {}
    again = _to_date_again(app, env, repos, inputs) if dates else None
    for docname in sorted(env.found_docs):
        if again is not None and docname not in again and docname in dates:
            new[docname] = dates[docname]  # no file of it changed: the same date
            deps[docname] = inputs["deps"][docname]  # type: ignore[index]
            continue
        raw = _dependency_paths(app, env, docname)
        paths = _resolved(env, raw)
        deps[docname] = _kept_dependencies(env, raw, paths)
        new[docname] = date_page(repos, paths)
    if repos.failure is not None and not any(repos.indexes.values()):
        warn(
            Subtype.GIT,
            # One line: git's own complaint may span several.
            f"no dates from git: {' '.join(str(repos.failure).split()).rstrip('.')}. The build "
            "goes on without 'Last updated' dates.",
        )
        new = {d: PageDate(None, None, None, "git", None) for d in new}
    else:
        for docname, date in new.items():
            _report_unknown(docname, date)
    changed = [d for d in set(dates) | set(new) if dates.get(d) != new.get(d)]
    dates.clear()
    dates.update(new)
    inputs.clear()
    if repos.failure is None:
        inputs.update(_inputs(app, env, repos))
        inputs["deps"] = deps
        inputs["srcdir"] = os.path.realpath(env.srcdir)
        inputs["heads"] = {
            str(root): [index.head, index.settled, sorted(index.head_paths)]
            for root, index in repos.indexes.items() if index is not None
        }
    # sphinx-sitemap reads this attribute (the one sphinx-last-updated-by-git fills):
    # (timestamp or None, show source link), for every page.
    last_updated = {d: (v.timestamp, True) for d, v in new.items()}
    env.git_last_updated = last_updated  # type: ignore[attr-defined]
    return sorted(set(changed) & set(env.found_docs))


def _inputs(app: Sphinx, env: BuildEnvironment, repos: Repositories) -> dict[str, object]:
    """What the dates depend on besides the documents' own dependencies (which change
    only when a document is read): each repository's index (:func:`_index_state`), the
    documents, the settings."""
    config = app.config
    return {
        "roots": {str(root): _index_state(index) for root, index in repos.indexes.items()
                  if index is not None},
        "docs": hashlib.sha256("\0".join(sorted(env.found_docs)).encode()).hexdigest(),
        "settings": repr((config.policy_git_exclude, config.policy_git_ignore_revs,
                          config.policy_git_extra_dependencies, str(env.srcdir))),
    }


def _index_state(index: HistoryIndex) -> list[object]:
    """What of an index the dates depend on: its fingerprint (HEAD, status, exclusions,
    ignored revisions) and the shallow boundary (``git fetch --unshallow`` moves it and
    nothing else)."""
    return [index.fingerprint, index.shallow, sorted(index.boundary)]


def _inputs_unchanged(
    app: Sphinx, env: BuildEnvironment, repos: Repositories, previous: dict[str, object]
) -> bool:
    """Whether the last build's dates still hold: no document read this build, and the
    same repositories, fingerprints, documents and settings (indexes read from cache)."""
    read = shared(env).read_docs
    if not previous or read is None or read:
        return False
    roots = previous.get("roots")
    if not isinstance(roots, dict) or not roots:
        return False
    for root, known in roots.items():
        index = repos.index_of(Path(root))
        if index is None or _index_state(index) != known:
            return False
    now = _inputs(app, env, repos)
    same = all(previous.get(key) == value for key, value in now.items())
    return same and repos.failure is None


def _to_date_again(
    app: Sphinx, env: BuildEnvironment, repos: Repositories, previous: dict[str, object]
) -> set[str] | None:
    """The documents to date again after new commits, when the rest of the last build's
    dates still hold; None: date them all.

    They hold when the documents, the settings and each repository's status, exclusions,
    ignored revisions and shallow boundary are the same, and each repository's HEAD of
    the last build is on the first-parent chain of its HEAD now. A date is then made from
    the same histories unless a new commit changed (added, modified, deleted or renamed)
    one of the document's files, or a file came into or left HEAD: those documents, the
    documents read by this build (their files may have changed), the new ones and those
    that reach a file through a symbolic link are dated again, each from scratch; a new
    commit that touches a symbolic link dates every page again.
    """
    read = shared(env).read_docs
    deps, heads = previous.get("deps"), previous.get("heads")
    if read is None or not isinstance(deps, dict) or not isinstance(heads, dict) or not heads:
        return None
    now = _inputs(app, env, repos)
    if (previous.get("docs") != now["docs"] or previous.get("settings") != now["settings"]
            or previous.get("srcdir") != os.path.realpath(env.srcdir)):
        return None
    touched: set[str] = set()
    for root, (head, settled, head_paths) in heads.items():
        index = repos.index_of(Path(root))
        if index is None or index.settled is None or index.settled != settled or not head:
            return None
        changed = index.touched_since(head)
        if changed is None:
            return None
        changed |= index.head_paths.symmetric_difference(head_paths)
        real_root = os.path.realpath(index.root)
        changed_paths = [os.path.join(real_root, rel) for rel in changed]
        if any(os.path.islink(path) for path in changed_paths):
            # A link that now points elsewhere: which pages read through it is not known
            # (the paths kept are resolved ones, and Sphinx's may be too).
            return None
        touched.update(changed_paths)
    if repos.failure is not None:
        return None
    again = set(read)
    for docname in env.found_docs:
        paths = deps.get(docname)  # None: not dated before, or through a link
        if paths is None or any(p in touched for p in paths):
            again.add(docname)
    return again


def _report_unknown(docname: str, date: PageDate) -> None:
    if date.unknown == "bad-date":
        warn(
            Subtype.GIT,
            f"no 'Last updated' date for {docname}: its newest change, {date.path}, has a "
            "commit date git cannot give or that is not in the years 1 to 9999; no date is "
            "shown rather than a wrong one. Fix the committer date (git rebase "
            "--committer-date-is-author-date, or re-commit)",
            location=docname,
        )
    elif date.unknown == "shallow":
        warn(
            Subtype.SHALLOW,
            f"no 'Last updated' date for {docname}: its newest change ({date.path}) lies at or "
            f"beyond the shallow clone's boundary. Fix: {shallow_fix()}",
            location=docname,
        )
    elif date.unknown in ("untracked", "modified"):
        state = (
            "is not committed to git" if date.unknown == "untracked" else "has uncommitted changes"
        )
        warn(
            Subtype.UNCOMMITTED,
            f"no 'Last updated' date for {docname}: {date.path} {state}. Commit it to give "
            "the page its date (a wrong date is worse than none, so none is shown)",
            location=docname,
        )


def take_over_from_last_updated_by_git(app: Sphinx) -> None:
    """One source of dates: when sphinx_last_updated_by_git is loaded too (directly, or by
    sphinx-sitemap's ``sitemap_show_lastmod``), its date computation and template handler
    are disconnected; ``env.git_last_updated`` is filled by us, so sitemaps get our dates.
    """
    if "sphinx_last_updated_by_git" not in app.extensions or not settings(app.env).git:
        return
    for event in ("env-updated", "html-page-context"):
        for listener in list(app.events.listeners.get(event, [])):
            if getattr(listener.handler, "__module__", "") == "sphinx_last_updated_by_git":
                app.disconnect(listener.id)
    logger.info(
        "sphinx-policy: sphinx_last_updated_by_git is enabled too; sphinx-policy "
        "provides the dates (first-parent committer dates) and its handlers are off"
    )


def _relinked(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: the pages whose source or a file they read goes through a
    symbolic link made or pointed elsewhere since the page was read. Sphinx compares the
    times of the files the links point to, so a link pointed at an older file looked
    unchanged: the page kept its old text under a date from the file it now names."""
    srcdir = os.path.abspath(env.srcdir)
    is_link: dict[str, bool] = {}
    link_times: dict[Path, int] = {}
    outdated = []
    for docname, read_at in env.all_docs.items():
        if docname in changed or docname in added or docname not in env.found_docs:
            continue
        # Included files come with their links resolved (Sphinx's and MyST's include):
        # a link on the way to one is not seen (docs/development.md, Known gaps).
        paths: list[str | Path] = [env.doc2path(docname)]
        paths += (os.path.join(srcdir, d) for d in env.dependencies.get(docname, ()))
        for link in (link for path in paths
                     for link in links_on_the_way(path, srcdir, is_link)):
            if link not in link_times:
                try:  # microseconds, rounded up, as Sphinx keeps the time a page was read
                    link_times[link] = -(-os.lstat(link).st_mtime_ns // 1000)
                except OSError:
                    link_times[link] = 0  # gone: Sphinx finds the page's file missing
            if link_times[link] > read_at:
                outdated.append(docname)
                break
    return outdated


def setup_page_dates(app: Sphinx) -> None:
    app.connect("include-read", note_include)
    app.connect("env-get-outdated", _relinked)
    app.connect("env-before-read-docs", _new_build)
    # After sphinx_last_updated_by_git's handler (priority 500), whose values we replace.
    app.connect("env-updated", refresh_dates, priority=600)
    app.connect("builder-inited", take_over_from_last_updated_by_git)
