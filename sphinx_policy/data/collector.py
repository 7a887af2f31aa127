"""Per-document record of the data files read by sphinx-policy directives.

The history layer dates a page by its source, its includes *and* these data files, and
Sphinx re-reads a page when one of them changes (``note_dependency``). Purge and merge
(parallel reads) are handled here, in one place, as ``sphinx.ext.todo`` teaches.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import TYPE_CHECKING

from sphinx.environment.collectors import EnvironmentCollector

from ..diagnostics import warn
from .store import project_data

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: env attribute: docname -> sorted list of project-relative data files its directives read.
ENV_ATTR = "policy_data_files"
#: env attribute: the files ``policy_data_files`` matched when the documents were last read.
PROJECT_FILES_ATTR = "policy_project_files"


def data_files_of(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, ENV_ATTR):
        setattr(env, ENV_ATTR, {})
    return getattr(env, ENV_ATTR)


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
    current = project_data(env).files
    previous = getattr(env, PROJECT_FILES_ATTR, None)
    setattr(env, PROJECT_FILES_ATTR, list(current))
    if previous is None or previous == current:
        return []
    return sorted(env.found_docs)


class DataFilesCollector(EnvironmentCollector):
    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        data_files_of(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
        mine, theirs = data_files_of(env), data_files_of(other)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: object) -> None:
        pass


def _load_and_report(app: Sphinx) -> None:
    """Parse the project's data files once, in the main process, and report their problems."""
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


def setup_data(app: Sphinx) -> None:
    app.add_env_collector(DataFilesCollector)
    app.connect("builder-inited", _load_and_report)
    app.connect("env-get-outdated", _project_files_changed)
