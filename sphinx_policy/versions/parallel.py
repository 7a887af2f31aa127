"""Sharing the archive's work between processes (``sphinx-build -j N``).

After the main write, the revisions still to render are split into one run of
consecutive commits per process (a commit's pages are never split), so that every
commit's tree is written out once, by the process that parses the pages it changed, in
a tree folder of its own. The processes are forked by Sphinx's own
:class:`~sphinx.util.parallel.ParallelTasks` once the environment's snapshot is taken,
so they share it, the parsed data blobs and the compiled templates with the main
process; what each sends back is small (the archive cache's entries), and its warnings
come back through Sphinx's log collector. Each process then writes the diff pages of
the revisions it rendered (the few whose older revision another process rendered are
written by the main process). ``versions/archive.py`` says what each process does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby, pairwise
from typing import TYPE_CHECKING, TypeVar

from .records import RevisionRecord

if TYPE_CHECKING:
    from sphinx.application import Sphinx

Task = TypeVar("Task")
Result = TypeVar("Result")

#: Fewer revisions than this per process are rendered in the main process: forking
#: and writing out a whole tree costs about as much as a handful of revisions.
MIN_PER_PROCESS = 8


def parallel_processes(app: Sphinx, revisions: int) -> int:
    """How many processes render the archives: ``-j N`` when the builder writes in
    parallel (every extension parallel-safe) and there is enough to share, else 1."""
    nproc = int(getattr(app, "parallel", 1) or 1)
    if nproc < 2 or not getattr(app.builder, "parallel_ok", False):
        return 1
    # Imported here: multiprocessing costs every build's start-up ~40 ms otherwise.
    from sphinx.util.parallel import parallel_available

    if not parallel_available:
        return 1
    return max(1, min(nproc, revisions // MIN_PER_PROCESS))


def _balanced(sizes: Sequence[int], parts: int) -> list[range]:
    """Consecutive items of ``sizes`` cut into at most ``parts`` runs of about the same
    total; as index ranges."""
    total = sum(sizes)
    cuts = [0]
    done = 0
    for index, size in enumerate(sizes):
        # Start the next run once this one holds its share.
        share = total * len(cuts) / parts
        if index > cuts[-1] and done + size / 2 > share and len(cuts) < parts:
            cuts.append(index)
        done += size
    cuts.append(len(sizes))
    return [range(a, b) for a, b in pairwise(cuts) if b > a]


def commit_runs(todo: Sequence[RevisionRecord], parts: int) -> list[list[RevisionRecord]]:
    """``todo`` (in commit order) cut into ``parts`` runs of consecutive commits."""
    groups = [list(g) for _key, g in groupby(todo, key=lambda r: (r.repo_root, r.sha))]
    return [
        [record for group in groups[run.start : run.stop] for record in group]
        for run in _balanced([len(g) for g in groups], parts)
    ]


def run_in_processes(
    nproc: int,
    tasks: Sequence[Task],
    work: Callable[[Task], Result],
    received: Callable[[Result], None],
) -> None:
    """``work(task)`` for every task, in up to ``nproc`` forked processes at a time;
    ``received(result)`` in this process as each one finishes."""
    from sphinx.util.parallel import ParallelTasks

    processes = ParallelTasks(nproc)
    for task in tasks:
        processes.add_task(work, task, lambda _task, result: received(result))
    processes.join()
