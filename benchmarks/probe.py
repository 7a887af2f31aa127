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
* ``buildinfo_mismatch``: whether Sphinx found its ``.buildinfo`` out of date (it then
  re-writes every page; a diagnostic for unexpected re-writes).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

_STATE: dict[str, Any] = {"read": [], "written": [], "archives": 0, "diffs": 0, "banners": 0,
                          "other": 0}
_STARTED = time.time()


def _before_read(app: Any, env: Any, docnames: list[str]) -> None:
    _STATE["read"] = sorted(docnames)


def _page(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename in app.env.found_docs:
        _STATE["written"].append(pagename)
    elif "/versions/" in pagename and pagename.endswith("-diff"):
        _STATE["diffs"] += 1
    elif "/versions/" in pagename:
        _STATE["banners" if context.get("policy_archive_banner_only") else "archives"] += 1
    else:
        _STATE["other"] += 1


def _finished(app: Any, exception: Exception | None) -> None:
    path = os.environ.get("SPHINX_POLICY_BENCH_PROBE")
    if not path or exception is not None:
        return
    backup = Path(app.outdir, ".buildinfo.bak")
    mismatch = backup.is_file() and backup.stat().st_ctime >= _STARTED - 1
    result = dict(
        _STATE,
        written=sorted(_STATE["written"]),
        found=len(app.env.found_docs),
        buildinfo_mismatch=mismatch,
    )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-before-read-docs", _before_read, priority=1000)
    app.connect("html-page-context", _page)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
