"""The project's data for this build, and the data files each page reads.

The project data (``policy_data_files``) is parsed in ``builder-inited`` in the main
process and its problems reported there, once; parallel read workers are forked
afterwards and inherit the parsed result. A directive adds its ``:file:`` and inline
body on top, and only the problems new to those parts are reported at the directive.

The history layer dates a page by its source, its includes *and* the data files its
directives read, and Sphinx re-reads a page when one of them changes
(``note_dependency``). Which page read which file is per-document state of the domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..data.source import DataFileError, DataSource, WorkingTreeSource, normalise_relpath
from ..diagnostics import warn
from .domain import PAGE_KEY, SOURCE_KEY, settings, shared, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..data.loading import LoadedData
    from ..data.model import PolicyData
    from ..data.parse import ParsedData
    from ..data.validate import Problem

# The data model and its loading are imported by the functions that use them: a build
# without policy_data_files that reads no document (a rebuild) never needs them.

def data_files_of(env: BuildEnvironment) -> dict[str, set[str]]:
    """docname -> project-relative data files its directives read."""
    return state(env, "data_files")


def note_data_files(env: BuildEnvironment, relpaths: set[str]) -> None:
    """Record that the current document read these data files (working tree only)."""
    if not relpaths:
        return
    data_files_of(env).setdefault(env.docname, set()).update(relpaths)
    for relpath in relpaths:
        env.note_dependency(str(env.srcdir / relpath))


def note_read_dependencies(env: BuildEnvironment, relpaths: Iterable[str]) -> None:
    """Read the current document again when one of these files changes, appears or
    disappears. Unlike :func:`note_data_files`, they do not date the page: a page depends on
    every project data file (any of them may add a section it shows), but it is dated only
    by those that hold what it shows."""
    for relpath in relpaths:
        env.note_dependency(str(env.srcdir / relpath))


def _project_files_changed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: a file that ``policy_data_files`` newly matches is nobody's
    dependency yet, so when the matched files differ from the last read, read every page."""
    current = project_data(env).files if settings(env).data_files else []
    stored = state(env, "project_files")
    previous = stored.get("files")
    stored["files"] = list(current)
    if previous is None or previous == current:
        return []
    return sorted(env.found_docs)



def _load_and_report(app: Sphinx) -> None:
    """Parse the project's data files once, in the main process, and report their problems."""
    if not settings(app.env).data_files:
        return  # nothing to parse or report; the empty data is made when first asked for
    loaded = project_data(app.env, refresh=True)
    conf_location = _conf_location(app)
    for problem in loaded.problems:
        where = conf_location if problem.location == "conf.py" else problem.where()
        warn(problem.subtype, problem.message, location=where)


def _conf_location(app: Sphinx) -> str:
    """``conf.py:<line of policy_data_files>`` so a bad pattern points at its setting."""
    if app.confdir is None:
        return "conf.py:1"
    conf = app.confdir / "conf.py"
    try:
        lines = conf.read_text("utf-8").splitlines()
    except OSError:
        return f"{conf}:1"
    line = next((i for i, text in enumerate(lines, 1) if "policy_data_files" in text), 1)
    return f"{conf}:{line}"


def project_data(env: BuildEnvironment, *, refresh: bool = False) -> LoadedData:
    """The project's data (``policy_data_files``) from the current source, parsed once
    per build: in ``builder-inited``, in the main process, before read workers fork."""
    from ..data.loading import clear_blob_cache, load_project_data

    source = current_source(env)
    key = (source.label, str(env.srcdir), tuple(settings(env).data_files))
    loaded = shared(env).project_data
    if refresh:
        clear_blob_cache()
    if refresh or key not in loaded:
        loaded[key] = load_project_data(source, list(settings(env).data_files))
    return cast("LoadedData", loaded[key])


def forget_project_data(env: BuildEnvironment, srcdir: Path) -> None:
    """Drop what was loaded from ``srcdir`` (a materialised old tree, which the next
    revision overwrites in place)."""
    loaded = shared(env).project_data
    for key in [k for k in loaded if k[1] == str(srcdir)]:
        del loaded[key]


def unread_files_note(env: BuildEnvironment) -> str:
    """For a "not defined in the data" message: the project's data files that could not
    be read (each has its own warning), where the missing fact most likely is."""
    unread = sorted({p.location for p in project_data(env).problems
                     if p.subtype in ("syntax", "file") and p.location != "conf.py"})
    if not unread:
        return ""
    return (f" (it may be in {', '.join(unread)}, which could not be read: fix the "
            "problem reported there first)")


def current_source(env: BuildEnvironment) -> DataSource:
    source = env.temp_data.get(SOURCE_KEY)
    if source is not None:
        return source
    build = shared(env)
    key = (str(env.srcdir), settings(env).data_max_bytes)
    if build.working_tree is None or build.working_tree[0] != key:
        build.working_tree = (key, WorkingTreeSource(Path(env.srcdir), key[1]))
    return cast(DataSource, build.working_tree[1])


def inside_project(relpath: str) -> str | None:
    """The normalised path, or None when it points outside the documentation folder."""
    try:
        return normalise_relpath(relpath)
    except DataFileError:
        return None


def directive_relpath(docname: str, file: str) -> str:
    """A directive's ``:file:`` is relative to its document; a leading '/' means the
    documentation folder, as for Sphinx's own ``include``."""
    if file.startswith("/"):
        return file.lstrip("/")
    folder = docname.rsplit("/", 1)[0] if "/" in docname else ""
    return f"{folder}/{file}" if folder else file


class PageData:
    """Data files declared for one page (``policy-data``), merged over the project data.

    ``data`` is None while the page declares none (the project data applies as is). A
    plain class: see ``state.domain.BuildShared``."""

    __slots__ = ("data", "parts", "problems")

    def __init__(self, parts: list[tuple[ParsedData, str | None]], problems: list[Problem],
                 data: PolicyData | None = None) -> None:
        self.parts = parts
        self.problems = problems
        self.data = data


def page_data(env: BuildEnvironment) -> PageData:
    page = env.temp_data.get(PAGE_KEY)
    return page if page is not None else PageData([], [])


def add_page_data(env: BuildEnvironment, relpaths: list[str]) -> list[Problem]:
    """Read a page's ``policy-data`` files; return the problems new to them."""
    from ..data.loading import already_read, read_part
    from ..data.model import build_policy_data

    loaded = project_data(env)
    page = page_data(env)
    problems: list[Problem] = []
    source = current_source(env)
    for relpath in relpaths:
        if already_read(source, relpath, [*loaded.parts, *page.parts]):
            continue  # its facts are in already: read twice, every row would show twice
        part = read_part(source, relpath, problems)
        if part is not None:
            page.parts.append((part, relpath))
    data, all_problems = build_policy_data([*loaded.parts, *page.parts])
    known = set(loaded.problems) | set(page.problems)
    problems.extend(p for p in all_problems if p not in known)
    page.problems.extend(problems)
    page.data = data
    env.temp_data[PAGE_KEY] = page
    return problems


def setup_data(app: Sphinx) -> None:
    app.connect("builder-inited", _load_and_report)
    app.connect("env-get-outdated", _project_files_changed)
