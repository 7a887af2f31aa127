"""``sphinx-policy history PAGE``: the revisions of a page, as the build sees them.

The documents are read by Sphinx (the ``dummy`` builder, into a temporary folder, the
project itself untouched), and the revisions come from the same functions the build
uses (``history.page_dates``): the page's source, its includes and the data files it shows,
on the first-parent chain, with the summary and type trailers. No author is shown.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Progress,
    UsageError,
    find_source_folder,
    source_folder,
)

NAME = "history"
HELP = "the revisions of a page as the build sees them (date, commit, material, summary)"
DESCRIPTION = """\
Show the revisions of a page, newest first, exactly as the build computes them for its
changelog, archived versions and feed: the commits that changed the page, a file it
includes or a data file it shows, with the summary from the commit's trailer, or else
its headline (never a merge subject that git or a hosting service generated).

PAGE is a document name (privacy, legal/cookies) or the path of its source file
(docs/privacy.md; then the documentation folder is found from it).

Columns: DATE (in policy_timezone), COMMIT (short), MATERIAL (yes for a
'Policy-Change-Type: material' trailer), SUMMARY. --json prints every field
("subject" is the headline readers may see, not the raw commit subject).
Exit code 1 when git cannot be read, 2 for an unknown page or folder.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", metavar="PAGE", help="document name or source file")
    parser.add_argument("-C", "--source", metavar="DIR",
                        help="the documentation folder, holding conf.py (default: found "
                        "from PAGE, else the current folder)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print the build's warnings")


def _locate(page: str, source: str | None) -> tuple[Path, str | None, Path | None]:
    """(documentation folder, docname or None, source file or None)."""
    as_file = Path(page)
    if source is not None:
        srcdir = source_folder(source)
        if as_file.is_file():
            return srcdir, None, as_file.resolve()
        return srcdir, page, None
    if as_file.is_file():
        found = find_source_folder(as_file.resolve().parent)
        if found is None:
            raise UsageError(f"no conf.py in the folders above {page}")
        return found, None, as_file.resolve()
    return source_folder("."), page, None


def revisions(srcdir: Path, page: str | None, file: Path | None,
              warnings: io.StringIO) -> tuple[Any, str, list[Any]]:
    """(app, docname, revision records newest first) from a real read of the project."""
    from sphinx.application import Sphinx

    from ..history.page_dates import dependencies, repositories
    from ..versions.records import revisions_of
    from ..versions.revisions import page_revisions

    with tempfile.TemporaryDirectory(prefix="sphinx-policy-history-") as tmp:
        app = Sphinx(srcdir, srcdir, Path(tmp) / "out", Path(tmp) / "doctrees", "dummy",
                     status=None, warning=warnings, freshenv=True, verbosity=0)
        progress = Progress("reading", None)
        app.connect("source-read", lambda *args: progress.advance(
            1, len(app.env.found_docs)))
        with progress:
            app.build(force_all=True)
        env = app.env
        docname = env.path2doc(str(file)) if file is not None else page
        if docname is None or docname not in env.found_docs:
            names = ", ".join(sorted(env.found_docs)[:8])
            raise UsageError(f"{file or page} is not a document of {srcdir} (documents: "
                             f"{names}{', …' if len(env.found_docs) > 8 else ''})")
        if not app.config.policy_git:
            return app, docname, []
        records = list(revisions_of(env, docname))
        if not records:  # not a policy page: compute as the build would for one
            repos = repositories(app)
            records = list(page_revisions(app, env, repos, docname,
                                          dependencies(app, env, docname)))
        return app, docname, records


def run(args: argparse.Namespace) -> int:
    from ..history.dates import iso

    srcdir, page, file = _locate(args.page, args.source)
    warnings = io.StringIO()
    app, docname, records = revisions(srcdir, page, file, warnings)
    git_warnings = [line for line in warnings.getvalue().splitlines() if "[policy.git]" in line]
    if args.verbose:
        sys.stderr.write(warnings.getvalue())
    if not app.config.policy_git:
        print(f"sphinx-policy history: policy_git is False in {srcdir / 'conf.py'}; "
              "pages have no revisions", file=sys.stderr)
        return EXIT_PROBLEMS
    if git_warnings and not records:
        for line in git_warnings:
            print(line, file=sys.stderr)
        return EXIT_PROBLEMS
    tz = app.config.policy_timezone
    mode = app.config.policy_changelog_mode
    if args.json:
        print(json.dumps({
            "page": docname,
            "revisions": [
                {
                    "id": r.id,
                    "date": iso(r.timestamp, tz),
                    "commit": r.sha,
                    "material": r.material,
                    "type": r.kind,
                    "summary": r.reader_summary(mode),
                    "subject": r.subject,
                    "source": r.source_path,
                }
                for r in records
            ],
        }, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not records:
        print(f"{docname}: no committed revisions", file=sys.stderr)
        return EXIT_OK
    rows = [(iso(r.timestamp, tz)[:10], r.sha[:8], "yes" if r.material else "no",
             r.reader_summary(mode) or "") for r in records]
    print(f"{'DATE':<10}  {'COMMIT':<8}  {'MATERIAL':<8}  SUMMARY")
    for date, sha, material, summary in rows:
        print(f"{date:<10}  {sha:<8}  {material:<8}  {summary}".rstrip())
    return EXIT_OK
