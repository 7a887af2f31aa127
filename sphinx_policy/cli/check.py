"""``sphinx-policy check [DIR]``: the build's ``policy.*`` warnings, from a build that
writes nothing.

Sphinx itself reads the project (the ``dummy`` builder, as ``sphinx-policy history``
does; its environment and doctrees go to a temporary folder, and nothing is written
into the project), so every problem check reports is a warning of that build, with the
build's file, line and message: check and ``sphinx-build`` cannot disagree. The warnings
are taken from the logging records (their ``type`` and ``subtype``), not from text.
What is not a warning, the report of catalog entries due for verification, is computed
from the same run: the laws and authorities its ``rights`` and ``contact`` directives
showed.

The warnings that come from the git history (dates, revisions, translations, notice
periods) need the history index, which is the slow part of a build: they are left out
unless ``--git`` is given.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import datetime as dt
import io
import json
import logging
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import EXIT_OK, EXIT_PROBLEMS, Progress, UsageError, shown_path, source_folder

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

NAME = "check"
HELP = "the build's data warnings, from a build that writes nothing (file:line messages, " \
       "exit 1 on problems)"
DESCRIPTION = """\
Check a sphinx-policy site by reading it with Sphinx, without writing any output: the
files listed in policy_data_files in conf.py, the files pages name with :file: or
policy-data, the YAML bodies of the directives, the {policy} roles, the pages' front
matter, and whether each policy page gives every disclosure the laws under its
jurisdictions require. Every policy.* warning of that build is printed as

  path:line: message [policy.<subtype>]

with the build's own message, and the build's suppress_warnings applies. The warnings
that come from the git history (policy.git, policy.shallow, policy.uncommitted,
policy.translation, policy.notice) are left out unless --git is given. Exit code 0 when
there is no warning, 1 when there is one, 2 on a usage error (no such folder, no
conf.py, a conf.py that cannot be read).

It also reports, for information, the entries of the built-in legal catalogs (rights,
authorities) that the site shows and that were not verified against their source within
--max-age days, or never: check them before you publish. This report never changes the
exit code and is never a build warning.
"""


#: Days after which a verified catalog entry is reported as due for another check.
DEFAULT_MAX_AGE = 365


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of days (0 or more), got {text!r}")
    return value


@dataclass(frozen=True)
class Finding:
    """One ``policy.*`` warning of the run. ``path`` is empty and ``line`` None when the
    build gives no location."""

    subtype: str
    message: str
    path: str
    line: int | None

    def format(self) -> str:
        where = shown_path(self.path) if self.path else ""
        if where and self.line is not None:
            where += f":{self.line}"
        return f"{where + ': ' if where else ''}{self.message} [policy.{self.subtype}]"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", default=".", metavar="DIR",
                        help="the documentation folder, holding conf.py (default: .)")
    parser.add_argument("-c", "--conf-dir", metavar="PATH",
                        help="folder of conf.py, when it is not DIR (as sphinx-build -c)")
    parser.add_argument("--json", action="store_true",
                        help="print the problems as a JSON list instead of lines")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only the problems, no summary and no catalog report")
    parser.add_argument("--git", action="store_true",
                        help="also build the git history index and report its warnings "
                             "(dates, revisions, translations, notice periods; slower)")
    parser.add_argument("--max-age", type=_days, default=DEFAULT_MAX_AGE, metavar="DAYS",
                        help="report built-in catalog entries the site uses that were last "
                             "verified more than DAYS ago, or never (default: "
                             f"{DEFAULT_MAX_AGE})")


def run(args: argparse.Namespace) -> int:
    if args.conf_dir:
        confdir = source_folder(args.conf_dir)
        srcdir = Path(args.source).resolve()
        if not srcdir.is_dir():
            raise UsageError(f"{args.source} is not a folder")
    else:
        srcdir = confdir = source_folder(args.source)
    result = check(srcdir, confdir, git=args.git)
    if args.json:
        print(json.dumps([dataclasses.asdict(f) for f in result.findings], indent=2,
                         ensure_ascii=False))
    else:
        for finding in result.findings:
            print(finding.format())
    if result.stopped:
        print(f"sphinx-policy check: the build stopped before its end ({result.stopped}); "
              "what comes after that point was not checked", file=sys.stderr)
    if not args.quiet:
        summary = (f"{len(result.findings)} problem(s) in the data" if result.findings
                   else "no problems")
        print(f"sphinx-policy check: {summary} ({len(result.files)} data file(s), "
              f"{result.documents} documents)", file=sys.stderr)
        if result.other_warnings:
            print(f"sphinx-policy check: the build also gave {result.other_warnings} "
                  "warning(s) of Sphinx or other extensions, not listed here: "
                  "sphinx-build shows them", file=sys.stderr)
        for line in catalog_report(result, args.max_age):
            print(line, file=sys.stderr)
    return EXIT_PROBLEMS if result.findings or result.stopped else EXIT_OK


def catalog_report(result: Result, max_age: int) -> list[str]:
    """Lines about the built-in catalog entries the site uses whose verification is
    missing, partial or older than ``max_age`` days (information, not problems)."""
    from ..catalogs import stale_entries

    stale = stale_entries(result.laws, result.authorities, result.today, max_age)
    if not stale:
        return []
    lines = [f"sphinx-policy check: {len(stale)} built-in catalog entries this site uses "
             f"were not verified against their source in the last {max_age} days "
             "(information, not a problem: check them before you publish, and correct "
             "them in your data if they are wrong):"]
    for entry in stale:
        source = f"; source: {entry.source[0]}" if entry.source else ""
        lines.append(f"  {entry.label}: {entry.reason()}{source}")
    return lines


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    #: The data files the run read: the project's, and those its pages named.
    files: set[str] = field(default_factory=set)
    documents: int = 0
    #: Built-in laws and authorities the site shows (for the catalog report).
    laws: set[str] = field(default_factory=set)
    authorities: set[str] = field(default_factory=set)
    #: The day of the check (SOURCE_DATE_EPOCH honoured, in policy_timezone).
    today: dt.date = field(default_factory=dt.date.today)
    #: Warnings of the run that are not sphinx-policy's (Sphinx's, MyST's, ...).
    other_warnings: int = 0
    #: Why the build stopped before its end (a page it cannot read, an extension that
    #: failed), or "": the pages after that point were not checked.
    stopped: str = ""

    def add(self, finding: Finding) -> None:
        if finding not in self.findings:
            self.findings.append(finding)


class OtherWarnings(logging.Handler):
    """Counts the warnings of the run that are not ``policy.*`` (set on Sphinx's logger
    once the application exists), so that check can say that there are some."""

    def __init__(self, suppressed: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.suppressed = suppressed
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        from sphinx.util.logging import is_suppressed_warning

        from ..diagnostics import WARNING_TYPE

        kind = getattr(record, "type", None)
        if kind != WARNING_TYPE and not is_suppressed_warning(
                kind or "", getattr(record, "subtype", None) or "", self.suppressed):
            self.count += 1


class WarningRecords(logging.Handler):
    """Every ``policy.*`` record the extension logs, kept as it was emitted.

    It sits on the extension's own logger (``sphinx.sphinx_policy``), whose handlers
    Sphinx leaves alone when it sets up logging, so it also sees the warnings given while
    the application is created (``config-inited``, ``builder-inited``). A node location
    is turned into ``source:line`` at once, while the node is where it was."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        from docutils import nodes
        from sphinx.util.logging import get_node_location

        from ..diagnostics import WARNING_TYPE

        if getattr(record, "type", None) != WARNING_TYPE:
            return
        kept = copy.copy(record)
        kept.msg, kept.args = record.getMessage(), None
        location = getattr(record, "location", None)
        if isinstance(location, nodes.Node):
            kept.location = get_node_location(location)  # type: ignore[attr-defined]
        self.records.append(kept)


def _finding(app: Sphinx, record: logging.LogRecord) -> Finding:
    """The record with its location as the build prints it: a (docname, line) or a
    docname as the page's path, a node already as ``source:line``."""
    subtype = str(getattr(record, "subtype", ""))
    message = str(record.msg)
    location = getattr(record, "location", None)
    if isinstance(location, tuple):
        docname, line = location
        if not docname:
            location = None
        else:
            return Finding(subtype, message, str(app.env.doc2path(docname)), line or None)
    if not location:  # e.g. a setting of conf.py (the message says which)
        return Finding(subtype, message, "", None)
    if ":" not in location:
        return Finding(subtype, message, str(app.env.doc2path(location)), None)
    path, _, line = str(location).rpartition(":")
    return Finding(subtype, message, path, int(line) if line.isdigit() else None)


def _git_listeners() -> tuple[Any, ...]:
    """The ``env-updated`` handlers that build or read the git history index."""
    from ..history.page_dates import refresh_dates
    from ..history.translations import compare
    from ..versions.revisions import refresh_revisions
    from ..versions.upcoming import check_notice_periods

    return (refresh_dates, refresh_revisions, compare, check_notice_periods)


def _without_git(app: Sphinx) -> None:
    handlers = _git_listeners()
    for listener in list(app.events.listeners.get("env-updated", [])):
        if listener.handler in handlers:
            app.disconnect(listener.id)


def _note_catalog_use(result: Result, doctree: nodes.document) -> None:
    """doctree-read: the laws and authorities the page's directives showed."""
    from docutils import nodes

    from ..directives.base import SHOWN_AUTHORITIES, SHOWN_LAWS

    for node in doctree.findall(nodes.container):
        result.laws.update(node.get(SHOWN_LAWS, ()))
        result.authorities.update(node.get(SHOWN_AUTHORITIES, ()))


def check(srcdir: Path, confdir: Path, *, git: bool = False,
          progress: Progress | None = None) -> Result:
    """Read the project with Sphinx (nothing written) and collect its warnings."""
    from sphinx.application import Sphinx
    from sphinx.errors import ConfigError, SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils
    from sphinx.util.logging import is_suppressed_warning

    from ..diagnostics import WARNING_TYPE, logger
    from ..directives.in_force import build_date
    from ..state.data import data_files_of, project_data
    from ..state.domain import settings

    result = Result()
    records = WarningRecords()
    logger.logger.addHandler(records)
    bar = progress or Progress("checking", None)
    # A fresh environment each time: Sphinx gives a page's warnings only when it reads
    # the page, so an environment kept from the last check would hide the warnings of
    # the pages that did not change since.
    try:
        # As sphinx-build: the nodes, directives and roles the extensions register are
        # forgotten afterwards (docutils keeps them process-wide).
        with (tempfile.TemporaryDirectory(prefix="sphinx-policy-check-") as tmp, bar,
              patch_docutils(confdir), docutils_namespace()):
            try:
                app = Sphinx(srcdir, confdir, Path(tmp) / "out", Path(tmp) / "doctrees",
                             "dummy", status=None, warning=io.StringIO(), freshenv=True,
                             verbosity=0)
            except (ConfigError, SphinxError) as err:  # conf.py, or an extension it names
                raise UsageError(str(err)) from None
            if not git:
                _without_git(app)
            others = OtherWarnings(list(app.config.suppress_warnings))
            sphinx_logger = logging.getLogger("sphinx")
            sphinx_logger.addHandler(others)
            app.connect("source-read", lambda *_args: bar.advance(1, len(app.env.found_docs)))
            app.connect("doctree-read", lambda _app, doctree: _note_catalog_use(result,
                                                                                 doctree))
            try:
                app.build(force_all=True)
            except UnicodeDecodeError as err:  # Sphinx stops at a page that is not UTF-8
                page = app.env.doc2path(app.env.docname) if app.env.docname else srcdir
                result.add(Finding("file", f"cannot read this page: {err}", str(page), 1))
                result.stopped = f"{shown_path(str(page))} is not UTF-8 text"
            except SphinxError as err:  # an extension failed: Sphinx's own message
                result.stopped = " ".join(str(err).split())
            suppressed = app.config.suppress_warnings
            for record in records.records:
                subtype = str(getattr(record, "subtype", ""))
                if not is_suppressed_warning(WARNING_TYPE, subtype, suppressed):
                    result.add(_finding(app, record))
            sphinx_logger.removeHandler(others)
            result.other_warnings = others.count
            result.documents = len(app.env.found_docs)
            result.files.update(project_data(app.env).files)
            for files in data_files_of(app.env).values():
                result.files.update(files)
            result.today = build_date(settings(app.env).timezone)
    finally:
        logger.logger.removeHandler(records)
    return result
