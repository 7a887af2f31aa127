"""Archived versions and diff pages rendered by several processes (``sphinx-build -j N``).

After the main write, the revisions still to render are split into one run of
consecutive commits per process (a commit's pages are never split), so that every
commit's tree is written out once, by the process that parses the pages it changed, in
a tree folder of its own (:class:`~.archive.Trees` ``slot``). The processes are forked
by Sphinx's own :class:`~sphinx.util.parallel.ParallelTasks` once the environment's
snapshot is taken, so they share it, the parsed data blobs and the compiled templates
with the main process. Each writes its pages with the builder's ``handle_page``, as
Sphinx's parallel write does, and sends back only the archive cache's entries (title,
text blocks and hash) and the pages' front matter; warnings come back through Sphinx's
log collector. The diff pages follow, the pages split between the processes. The
rendering is the serial one, page by page, so the output is the same byte for byte
(``tests/test_archive_parallel.py``).
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from sphinx.util.parallel import ParallelTasks, parallel_available

from .records import RevisionRecord

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .archive import ArchiveCache, _Navigation

#: Fewer revisions than this per process are rendered in the main process: forking
#: and writing out a whole tree costs about as much as a handful of revisions.
MIN_PER_PROCESS = 8


def parallel_processes(app: Sphinx, revisions: int) -> int:
    """How many processes render the archives: ``-j N`` when the builder writes in
    parallel (every extension parallel-safe) and there is enough to share, else 1."""
    nproc = int(getattr(app, "parallel", 1) or 1)
    if nproc < 2 or not parallel_available or not getattr(app.builder, "parallel_ok", False):
        return 1
    return max(1, min(nproc, revisions // MIN_PER_PROCESS))


def _balanced(groups: list[list[RevisionRecord]], parts: int) -> list[list[RevisionRecord]]:
    """Consecutive groups joined into ``parts`` runs of about the same size."""
    total = sum(len(g) for g in groups)
    runs: list[list[RevisionRecord]] = [[]]
    done = 0
    for group in groups:
        # Start the next run once this one holds its share of what is left.
        share = total * len(runs) / parts
        if runs[-1] and done + len(group) / 2 > share and len(runs) < parts:
            runs.append([])
        runs[-1].extend(group)
        done += len(group)
    return [run for run in runs if run]


def commit_runs(todo: list[RevisionRecord], parts: int) -> list[list[RevisionRecord]]:
    """``todo`` (in commit order) cut into ``parts`` runs of consecutive commits."""
    groups = [list(g) for _key, g in groupby(todo, key=lambda r: (r.repo_root, r.sha))]
    return _balanced(groups, parts)


def render_archives_in_parallel(
    app: Sphinx,
    todo: list[RevisionRecord],
    records: dict[str, tuple[RevisionRecord, ...]],
    cache: ArchiveCache,
    navigation: _Navigation,
    nproc: int,
) -> set[str]:
    """Render and write the archived versions of ``todo``; return the pages rendered."""
    from .archive import RevisionRenderer, Trees, archive_page, environment_snapshot

    builder: Any = app.builder
    snapshot = environment_snapshot(app)  # once, shared by the forked processes
    fresh: set[str] = set()

    def render(task: tuple[int, list[RevisionRecord]]) -> dict[str, Any]:
        slot, run = task
        renderer = RevisionRenderer(app, slot=slot, snapshot=snapshot)
        entries: dict[str, dict[str, Any]] = {}
        metadata: dict[str, Any] = {}
        try:
            for record in run:
                newest = records[record.docname][0]
                made = archive_page(app, renderer, record, newest, navigation)
                if made is None:
                    continue
                context, entries[record.archive] = made
                metadata[record.archive] = app.env.metadata.get(record.archive, {})
                builder.handle_page(record.archive, context, "page.html")
        finally:
            renderer.close(prune=False)  # the other processes' trees are in use
        return {"entries": entries, "metadata": metadata}

    def received(task: tuple[int, list[RevisionRecord]], result: dict[str, Any]) -> None:
        cache.pages.update(result["entries"])
        app.env.metadata.update(result["metadata"])
        fresh.update(result["entries"])

    tasks = ParallelTasks(nproc)
    for slot, run in enumerate(commit_runs(todo, nproc)):
        tasks.add_task(render, (slot, run), received)
    tasks.join()
    # Folders of repositories no longer used go, as after a serial build.
    trees = Trees(app)
    for record in todo:
        trees.used.add(trees.folder(record.repo_root).name)
    trees.prune()
    return fresh


def render_diffs_in_parallel(
    app: Sphinx,
    records: dict[str, tuple[RevisionRecord, ...]],
    cache: ArchiveCache,
    fresh: set[str],
    navigation: _Navigation,
    nproc: int,
) -> None:
    """Render and write the diff pages not rendered yet, the pages split between
    ``nproc`` processes."""
    from .archive import diff_pages

    builder: Any = app.builder
    pages = sorted(records)
    sizes = [len(records[d]) for d in pages]
    total = sum(sizes)
    shares: list[list[str]] = [[]]
    done = 0
    for docname, size in zip(pages, sizes, strict=True):
        if shares[-1] and done + size / 2 > total * len(shares) / nproc and len(shares) < nproc:
            shares.append([])
        shares[-1].append(docname)
        done += size

    def render(share: list[str]) -> dict[str, Any]:
        written: dict[str, Any] = {}
        for docname in share:
            for pagename, context, template in diff_pages(
                app, cache, records[docname], fresh, navigation
            ):
                builder.handle_page(pagename, context, template)
                written[pagename] = cache.pages[pagename]
        return written

    def received(share: list[str], written: dict[str, Any]) -> None:
        cache.pages.update(written)

    tasks = ParallelTasks(nproc)
    for share in shares:
        if share:
            tasks.add_task(render, share, received)
    tasks.join()
