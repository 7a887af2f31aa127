"""Child process of the history-index scenario: build one index, report time and memory.

``python -m benchmarks.index_child REPO [--tracemalloc]`` prints one JSON object:

* ``wall``: seconds spent in :func:`build_index` (``time.perf_counter``), that is the
  git processes it runs plus parsing their output; interpreter start-up and imports are
  not counted (a Sphinx build has paid for them already);
* ``cpu``: user + system seconds of this process and of the git processes it waited
  for, during the call;
* ``rss_baseline_mb``: resident memory after the imports (the interpreter's baseline);
* ``rss_peak_mb``: the process's peak resident memory (``VmHWM``) after the call;
* ``tracemalloc_peak_mb`` (with ``--tracemalloc``): peak of Python allocations during
  the call (slower; never used for the timings).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time


def _status_kb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def _maxrss_kb() -> float:
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / 1024 if sys.platform == "darwin" else float(value)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> None:
    repo = argv[0]
    trace = "--tracemalloc" in argv[1:]
    from sphinx_policy.git.index import build_index

    gc.collect()
    baseline = _status_kb("VmRSS") or _maxrss_kb()
    if trace:
        import tracemalloc

        tracemalloc.start()
    cpu0 = _cpu()
    start = time.perf_counter()
    index = build_index(repo)
    wall = time.perf_counter() - start
    cpu = _cpu() - cpu0
    result = {
        "wall": wall,
        "cpu": cpu,
        "rss_baseline_mb": baseline / 1024,
        "rss_peak_mb": (_status_kb("VmHWM") or _maxrss_kb()) / 1024,
        "commits": len(index.commits_on_chain()),
        "paths": len(index.head_paths),
    }
    if trace:
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
