"""Benchmark-only Sphinx extension: records what a build read and wrote.

Loaded by every benchmark configuration (the same handful of event handlers in each,
so it costs them all the same). At ``build-finished`` it writes, to the JSON file named
by the ``SPHINX_POLICY_BENCH_PROBE`` environment variable:

* ``read``: the documents Sphinx (re-)read, as passed to ``env-before-read-docs``
  (connected last, so after every extension that adds or removes documents);
* ``written``: the documents whose HTML page was written (``html-page-context``);
* ``archives`` and ``diffs``: the archived versions (parsed from their commit) and diff
  pages written; ``banners``: archived versions written again only because what their
  banner says changed (a newer revision replaced them), from their kept body;
* ``found``: how many documents the project has;
* ``versions_wall``: seconds from the first to the last ``html-collect-pages`` handler,
  that is what sphinx-policy's archived versions, diffs, manifest and feed took (the
  probe's own handlers run first and last);
* ``buildinfo_mismatch``: whether Sphinx found its ``.buildinfo`` out of date (it then
  re-writes every page; a diagnostic for unexpected re-writes).

Pages may be written by other processes (``-j 2``): each ``html-page-context`` appends a
line to ``<probe>.pages``, opened in append mode, so the counts hold for all of them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_STATE: dict[str, Any] = {"read": [], "collect_start": None, "collect_end": None}
_STARTED = time.time()


def _pages_file() -> str | None:
    path = os.environ.get("SPHINX_POLICY_BENCH_PROBE")
    return f"{path}.pages" if path else None


def _before_read(app: Any, env: Any, docnames: list[str]) -> None:
    _STATE["read"] = sorted(docnames)


def _page(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename in app.env.found_docs:
        kind = "written"
    elif "/versions/" in pagename and pagename.endswith("-diff"):
        kind = "diffs"
    elif "/versions/" in pagename:
        kind = "banners" if context.get("policy_archive_banner_only") else "archives"
    else:
        kind = "other"
    pages = _pages_file()
    if pages:
        # One write of one short line in append mode: whole, whichever process writes it.
        with open(pages, "a", encoding="utf-8") as handle:
            handle.write(f"{kind}\t{pagename}\n")


def _collect_first(app: Any) -> Iterator[Any]:
    _STATE["collect_start"] = time.perf_counter()
    yield from ()


def _collect_last(app: Any) -> Iterator[Any]:
    _STATE["collect_end"] = time.perf_counter()
    yield from ()


def _finished(app: Any, exception: Exception | None) -> None:
    path = os.environ.get("SPHINX_POLICY_BENCH_PROBE")
    if not path or exception is not None:
        return
    counts: dict[str, list[str]] = {
        "written": [], "archives": [], "diffs": [], "banners": [], "other": []
    }
    pages = _pages_file()
    if pages and os.path.exists(pages):
        with open(pages, encoding="utf-8") as handle:
            for line in handle:
                kind, _, pagename = line.rstrip("\n").partition("\t")
                counts.setdefault(kind, []).append(pagename)
    backup = Path(app.outdir, ".buildinfo.bak")
    mismatch = backup.is_file() and backup.stat().st_ctime >= _STARTED - 1
    start, end = _STATE["collect_start"], _STATE["collect_end"]
    result = {
        "read": _STATE["read"],
        "written": sorted(counts["written"]),
        "archives": len(counts["archives"]),
        "diffs": len(counts["diffs"]),
        "banners": len(counts["banners"]),
        "other": len(counts["other"]),
        "found": len(app.env.found_docs),
        "versions_wall": end - start if start is not None and end is not None else None,
        "buildinfo_mismatch": mismatch,
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-before-read-docs", _before_read, priority=1000)
    app.connect("html-page-context", _page)
    app.connect("html-collect-pages", _collect_first, priority=1)
    app.connect("html-collect-pages", _collect_last, priority=1000)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
