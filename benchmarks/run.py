"""Benchmark runner: sphinx-policy against plain Sphinx + MyST and sphinx-last-updated-by-git.

One command reproduces the published results (about twenty minutes on two cores, and
about half an hour more when valgrind counts the builds' instructions)::

    python -m benchmarks.run --full

It generates the repositories (:mod:`benchmarks.generator`), runs every scenario,
prints a table, writes ``docs/_static/benchmarks/results.json`` and
``docs/_static/benchmarks/results.svg`` and rewrites the results section of
``docs/performance.md``. ``--smoke`` runs a tiny version of everything (CI).

What is measured
----------------
Builds are whole processes, ``python -m sphinx -b html -q -c CONF -d DOCTREES SRC OUT``:
wall time with ``time.perf_counter`` around the child, CPU time (user + system, git
children included) and peak resident memory from ``os.wait4``. Every configuration
builds the *same* repository; only its ``conf.py`` (generated outside the repository,
passed with ``-c``) differs:

``plain``
    Sphinx + MyST. The pages' two sphinx-policy directives are served by
    :mod:`benchmarks.baseline` (a YAML-reading ``cookie-table``, an empty changelog).
``lubg``
    ``plain`` + sphinx-last-updated-by-git.
``dates``
    Sphinx + MyST + sphinx-policy with dates only (``policy_archives = False``, no
    policy pages).
``full``
    sphinx-policy with ``policy_pages = ["policies/*"]``: changelogs, an archived version
    and a diff page for every revision of every policy page, the feed and the manifest.
``startup``
    ``dates`` with every page but the index excluded: what a build costs before its
    pages (full builds only); it gives the cost of an ordinary page.

Every configuration also loads :mod:`benchmarks.probe`, which records which documents
each build read (``env-before-read-docs``) and which pages it wrote.

Scenarios (each repeat runs them for every configuration, configurations interleaved
and rotated from one repeat to the next): ``full`` (fresh output folder), ``nochange``
(the same command again), ``one-page`` (after a commit that edits one policy page) and
``data-file`` (after a commit that edits a data file read by three pages). A rebuild is
measured in several rounds per repeat (``Profile.rebuild_rounds``), each configuration's
output folder copied before the first round and put back before each later one, so that
every round measures the same rebuild. Ratios are paired within a repeat and round, and
each time budget shows the spread of its pairs: on a shared virtual machine the same
work can take a fifth longer from one second to the next.

With valgrind installed, the builds are also counted in machine instructions
(``valgrind --tool=callgrind --trace-children=yes``, git's processes included,
:func:`run_counted`): the full build of ``plain``, ``dates``, ``full`` and ``startup``
(two at a time, each count into a fresh output folder of its own), which gives the
full-build budgets and the cost of an archived revision in instructions, and the
rebuilds with nothing changed and after the one-page commit of ``plain``, ``dates`` and
``full``, each counted once. A full build's count moves by up to 0.7 % with when
Python's garbage collector runs, as much as the dates-only budget's margin, so the full
builds of ``plain`` and ``dates`` are counted ``--full-counts`` times (3 with ``--full``)
and the tables and budgets take the median of their counts (the results keep every
count; the budget gives the spread of the ratios); ``full`` and ``startup``, whose
budgets are far from their limits, are counted once.

The history index is timed on its own in a child process
(:mod:`benchmarks.index_child`) against the floor, a bare
``git log --first-parent -m -M --name-status HEAD`` whose output is read through a pipe.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from . import report
from .generator import Spec, generate, git_env

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "_static" / "benchmarks" / "results.json"
DEFAULT_PAGE = ROOT / "docs" / "performance.md"

SCENARIOS = ("full", "nochange", "one-page", "data-file")
CONFIGS = ("plain", "lubg", "dates", "full", "fullj2", "startup")
#: Configurations measured in full builds only.
FULL_ONLY = ("startup", "fullj2")
LABELS = {
    "plain": "Sphinx + MyST",
    "lubg": "+ sphinx-last-updated-by-git",
    "dates": "+ sphinx-policy, dates only",
    "full": "+ sphinx-policy, changelog, archives, diffs",
    "fullj2": "+ sphinx-policy, changelog, archives, diffs, -j 2",
    "startup": "sphinx-policy, dates only, index page only",
    "fullj2nonav": "+ sphinx-policy, changelog, archives, diffs, -j 2, "
                   "archives without the site's navigation",
}
#: ``sphinx-build -j`` of each configuration (1 where not named).
JOBS = {"fullj2": 2, "fullj2nonav": 2}
#: The long-lived repository's builds (:func:`run_scale`).
SCALE_CONFIGS = ("plain", "full", "fullj2", "fullj2nonav")
FLOOR = ("git", "log", "--first-parent", "-m", "-M", "--name-status", "HEAD")


@dataclass(frozen=True)
class Scale:
    """A long-lived policy repository: every page a policy page, decades of history."""

    pages: int
    years: int
    commits: int  # chosen so that the policy pages get about ``revisions`` revisions
    revisions: int  # what the generator counts (the builds count what they wrote)
    repeat: int


@dataclass(frozen=True)
class Profile:
    """Sizes and repeats of one run."""

    name: str
    docs: int
    commits: int
    index_repos: tuple[tuple[int, int], ...]  # (docs, commits) timed for the index alone
    repeat: int
    index_repeat: int
    policies: int | None = None
    scale: Scale | None = None
    #: Each rebuild measured this many times per repeat, from the same output folder
    #: (restored between rounds): a rebuild takes a second or two, so one build's jitter
    #: moves its ratio more than a full build's.
    rebuild_rounds: int = 1


PROFILES = {
    "full": Profile(
        "full", 200, 5000, ((200, 5000), (1000, 20000)), 5, 5,
        scale=Scale(pages=60, years=20, commits=1170, revisions=2000, repeat=1),
        rebuild_rounds=3,
    ),
    "smoke": Profile(
        "smoke", 10, 60, ((20, 200),), 1, 1, policies=2,
        scale=Scale(pages=6, years=20, commits=40, revisions=60, repeat=1),
        rebuild_rounds=2,  # the restoring of output folders runs in CI too
    ),
}


# --------------------------------------------------------------------------- processes


@dataclass
class Measure:
    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    #: CPU cores that *other* processes kept busy meanwhile (None where unknown).
    background: float | None = None


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (all processes), from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def measured(
    argv: list[str], *, cwd: Path, env: dict[str, str], log: Path, stdout: int | None = None
) -> Measure:
    """Run ``argv`` to completion; wall from perf_counter, CPU and peak RSS from wait4."""
    with open(log, "wb") as out:
        busy = _busy_seconds()
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out if stdout is None else stdout,
            stderr=out,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        after = _busy_seconds()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    background = None
    if busy is not None and after is not None and wall > 0:
        background = max(0.0, (after - busy - cpu) / wall)
    return Measure(wall, cpu, _rss_mb(usage.ru_maxrss), proc.returncode, background)


def _rss_mb(maxrss: int) -> float:
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


class Quiet:
    """Measure when the machine is quiet: wait until other processes use little CPU, and
    measure again when they disturbed a measurement (bounded by ``budget`` seconds of
    waiting and discarded measurements in the whole run). ``threshold=None``: never."""

    def __init__(self, threshold: float | None, wait: float, tries: int, budget: float) -> None:
        self.threshold, self.max_wait, self.tries, self.budget = threshold, wait, tries, budget
        self.spent = 0.0
        self.discarded = 0

    def _left(self) -> float:
        return self.budget - self.spent

    def wait(self) -> None:
        if self.threshold is None:
            return
        deadline = time.monotonic() + min(self.max_wait, max(0.0, self._left()))
        while time.monotonic() < deadline:
            before, start = _busy_seconds(), time.monotonic()
            time.sleep(1.0)
            after = _busy_seconds()
            self.spent += time.monotonic() - start
            if before is None or after is None:
                return
            if after - before <= self.threshold:  # cores busy during one second
                return

    def retry(self, background: float | None, seconds: float) -> bool:
        """Whether to discard a measurement that other processes disturbed."""
        if self.threshold is None or background is None or background <= self.threshold:
            return False
        if self._left() <= 0:
            return False
        self.spent += seconds
        self.discarded += 1
        return True


def floor_pass(repo: Path, env: dict[str, str], log: Path) -> Measure:
    """The bare git log as a whole process, its output thrown away (``> /dev/null``):
    the cheapest consumer there is, so the strictest floor."""
    return measured(list(FLOOR), cwd=repo, env=env, log=log, stdout=subprocess.DEVNULL)


# --------------------------------------------------------------------------- configurations


def have_lubg() -> bool:
    try:
        metadata.version("sphinx-last-updated-by-git")
    except metadata.PackageNotFoundError:
        return False
    return True


def snapshot(work: Path) -> tuple[Path, dict[str, Any]]:
    """Copy ``sphinx_policy`` and ``benchmarks`` as they are now, so that every build of
    the run uses the same code even if the checkout changes meanwhile."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("sphinx_policy", "benchmarks"):
        shutil.copytree(ROOT / package, code / package, ignore=ignore)
    # Compiled once here, so no build pays for compiling them (site-packages are compiled).
    compileall.compile_dir(code, quiet=1)

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return proc.stdout if proc.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "sphinx_policy", "benchmarks")
    return code, {
        "commit": git("rev-parse", "HEAD").strip() or None,
        "uncommitted": [line[3:] for line in changed.splitlines()],
    }


def write_confs(folder: Path, code: Path = ROOT) -> dict[str, Path]:
    """One conf.py per configuration, outside the repository."""
    common = [
        "import sys",
        f"sys.path.insert(0, {str(code)!r})",
        'project = "Synthetic policies"',
        'html_last_updated_fmt = "%Y-%m-%d"',
        'html_baseurl = "https://policies.example.org/"',
    ]
    specific = {
        "plain": ['extensions = ["myst_parser", "benchmarks.baseline", "benchmarks.probe"]'],
        "lubg": [
            'extensions = ["myst_parser", "benchmarks.baseline", "sphinx_last_updated_by_git",'
            ' "benchmarks.probe"]'
        ],
        "dates": [
            'extensions = ["myst_parser", "sphinx_policy", "benchmarks.probe"]',
            "policy_archives = False",
        ],
        "full": [
            'extensions = ["myst_parser", "sphinx_policy", "benchmarks.probe"]',
            'policy_pages = ["policies/*"]',
        ],
        "fullj2": [  # the same as "full", built with -j 2
            'extensions = ["myst_parser", "sphinx_policy", "benchmarks.probe"]',
            'policy_pages = ["policies/*"]',
        ],
        "startup": [
            'extensions = ["myst_parser", "sphinx_policy", "benchmarks.probe"]',
            "policy_archives = False",
        ],
        "fullj2nonav": [  # "fullj2", the archived pages showing the way back, not the site
            'extensions = ["myst_parser", "sphinx_policy", "benchmarks.probe"]',
            'policy_pages = ["policies/*"]',
            "policy_archive_navigation = False",
        ],
    }
    paths = {}
    for name, lines in specific.items():
        excluded = ["_build"] + (["pages/*", "policies/*"] if name == "startup" else [])
        conf = folder / name
        conf.mkdir(parents=True, exist_ok=True)
        body = [*common, f"exclude_patterns = {excluded!r}", *lines]
        (conf / "conf.py").write_text("\n".join(body) + "\n", "utf-8")
        paths[name] = conf
    return paths


# --------------------------------------------------------------------------- builds


class Site:
    """The generated site repository and the commits the rebuild scenarios make."""

    def __init__(self, repo: Path, manifest: dict[str, Any], env: dict[str, str]) -> None:
        self.repo = repo
        self.manifest = manifest
        self.env = env
        self.base = str(manifest["head"])
        policies = list(manifest["policy_pages"])  # type: ignore[arg-type]
        readers: dict[str, list[str]] = manifest["data_files"]  # type: ignore[assignment]
        self.data_file, self.data_readers = next(iter(readers.items()))
        # A policy page that reads no data file 0: its own revision is the only change.
        others = [p for p in policies if p not in self.data_readers]
        self.page = (others or policies)[-1]

    def git(self, *args: str, date: str | None = None) -> str:
        env = dict(self.env)
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        proc = subprocess.run(
            ["git", *args], cwd=self.repo, env=env, check=True, capture_output=True, text=True
        )
        return proc.stdout

    def reset(self) -> None:
        self.git("reset", "-q", "--hard", self.base)

    def _path_of(self, docname: str) -> Path:
        return self.repo / f"{docname}.md"

    def commit_page(self) -> None:
        path = self._path_of(self.page)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\nA sentence added by the benchmark's one-page commit.\n")
        self.git("add", "-A")
        self.git(
            "commit",
            "-q",
            "-m",
            "Clarify one page\n\nPolicy-Change: One page clarified.",
            date="2030-01-01T12:00:00+02:00",
        )

    def commit_data(self) -> None:
        path = self.repo / self.data_file
        text = path.read_text("utf-8")
        marker = "    purpose: "
        at = text.index(marker) + len(marker)
        path.write_text(text[:at] + "Changed by the benchmark. " + text[at:], "utf-8")
        self.git("add", "-A")
        self.git(
            "commit",
            "-q",
            "-m",
            "Reword one cookie\n\nPolicy-Change: A cookie purpose.",
            date="2030-01-02T12:00:00-05:00",
        )

    def expected_reads(self, scenario: str) -> list[str]:
        return {
            "full": None,
            "nochange": [],
            "one-page": [self.page],
            "data-file": sorted(self.data_readers),
        }[scenario]  # type: ignore[return-value]


def sphinx_env(home: Path, probe: Path, code: Path) -> dict[str, str]:
    env = git_env(home)
    env.update(
        {"LC_ALL": "C.UTF-8", "SPHINX_POLICY_BENCH_PROBE": str(probe), "PYTHONPATH": str(code)}
    )
    return env


def build(
    site: Site,
    conf: Path,
    out: Path,
    work: Path,
    label: str,
    jobs: int = 1,
    wrapper: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One ``sphinx-build`` process (started through ``wrapper``, e.g. valgrind, if any)."""
    probe = work / "probes" / f"{label}.json"  # builds counted side by side: one each
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.unlink(missing_ok=True)
    Path(f"{probe}.pages").unlink(missing_ok=True)
    log = work / "logs" / f"{label}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        *wrapper,
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        *(["-j", str(jobs)] if jobs != 1 else []),
        "-c",
        str(conf),
        "-d",
        str(out / ".doctrees"),
        str(site.repo),
        str(out),
    ]
    m = measured(argv, cwd=work, env=sphinx_env(work / "home", probe, work / "code"), log=log)
    text = log.read_text("utf-8", "replace")
    if m.returncode != 0:
        raise RuntimeError(f"build {label} failed ({m.returncode}):\n{text[-3000:]}")
    seen = json.loads(probe.read_text("utf-8"))
    return {
        "wall": m.wall,
        "cpu": m.cpu,
        "rss_mb": m.rss_mb,
        "background": m.background,
        "read": seen["read"],
        "written": len(seen["written"]),
        "archives": seen["archives"],
        "diffs": seen["diffs"],
        "banners": seen.get("banners", 0),
        "found": seen["found"],
        "versions_wall": seen.get("versions_wall"),
        "written_docs": seen["written"] if len(seen["written"]) <= 50 else None,
        "buildinfo_mismatch": seen.get("buildinfo_mismatch"),
        # The index-only build's toctree globs match nothing, on purpose.
        "warnings": [
            line
            for line in text.splitlines()
            if "WARNING" in line and not (conf.name == "startup" and "toctree glob" in line)
        ],
    }


def _measure_build(
    site: Site,
    confs: dict[str, Path],
    work: Path,
    quiet: Quiet,
    scenario: str,
    config: str,
    r: int,
    say: Any,
) -> dict[str, Any]:
    """One build of ``config``; a full build that other processes disturbed is measured
    again (see :class:`Quiet`) and the least disturbed one kept."""
    out = work / "out" / config
    best: dict[str, Any] | None = None
    for attempt in range(quiet.tries if scenario == "full" else 1):
        quiet.wait()
        if scenario == "full":
            shutil.rmtree(out, ignore_errors=True)
        res = build(site, confs[config], out, work, f"{config}-{scenario}-{r}",
                    JOBS.get(config, 1))
        res["attempt"] = attempt + 1
        if best is None or (res["background"] or 0) < (best["background"] or 0):
            best = res  # any full build leaves the same state for the rebuilds
        if attempt + 1 == quiet.tries or not quiet.retry(res["background"], res["wall"]):
            break
        say(f"    (disturbed: {res['background']:.2f} cores busy elsewhere; again)")
    assert best is not None
    return best


def run_builds(
    site: Site,
    confs: dict[str, Path],
    work: Path,
    repeat: int,
    configs: list[str],
    say: Any,
    quiet: Quiet,
    rebuild_rounds: int = 1,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every repeat: each scenario for every configuration in turn (the same repository
    state for all of them, close together in time), the order rotated between repeats.
    Each rebuild scenario runs ``rebuild_rounds`` rounds, every configuration's output
    folder restored to where the scenario found it, so that each round measures the same
    rebuild; the ratios are paired within a round."""
    results: dict[str, dict[str, list[dict[str, Any]]]] = {
        s: {c: [] for c in configs} for s in SCENARIOS
    }
    for r in range(repeat):
        order = configs[r % len(configs) :] + configs[: r % len(configs)]
        site.reset()
        for config in order:
            shutil.rmtree(work / "out" / config, ignore_errors=True)
        for scenario in SCENARIOS:
            if scenario == "one-page":
                site.commit_page()
            elif scenario == "data-file":
                site.commit_data()
            measured_here = [c for c in order if c not in FULL_ONLY or scenario == "full"]
            rounds = 1 if scenario == "full" else rebuild_rounds
            kept = work / "kept"
            if rounds > 1:
                # Every round starts from the output folders the previous scenario left.
                shutil.rmtree(kept, ignore_errors=True)
                for config in measured_here:
                    shutil.copytree(work / "out" / config, kept / config, symlinks=True)
            for round_ in range(rounds):
                for config in measured_here:
                    out = work / "out" / config
                    if round_:
                        shutil.rmtree(out)
                        shutil.copytree(kept / config, out, symlinks=True)
                    res = _measure_build(site, confs, work, quiet, scenario, config, r, say)
                    results[scenario][config].append(res)
                    say(
                        f"  repeat {r + 1}/{repeat}"
                        + (f" round {round_ + 1}/{rounds}" if rounds > 1 else "")
                        + f" {scenario:10} {config:8} {res['wall']:7.2f} s"
                        f"  read {len(res['read']):4}  archives {res['archives']}"
                    )
            shutil.rmtree(kept, ignore_errors=True)
            if scenario == "full" and "fullj2" in order and "full" in order:
                # Both built from scratch from the same commit: the same pages, byte for byte.
                same = same_versions(work / "out" / "full", work / "out" / "fullj2")
                results[scenario]["fullj2"][-1]["same_as_j1"] = same
        site.reset()
    return results


#: The rebuilds with a budget, and its limit (× plain Sphinx + MyST), timed and counted.
REBUILD_LIMITS = {"nochange": 1.05, "one-page": 1.10}
#: The configurations and rebuilds counted in instructions.
COUNTED_CONFIGS = ("plain", "dates", "full")
COUNTED_SCENARIOS = tuple(REBUILD_LIMITS)
#: The full builds counted in instructions, the longest first (two run side by side):
#: the full-build budgets and the cost of an archived revision, which the host's speed
#: moves by more than their margins.
COUNTED_FULL_CONFIGS = ("full", "plain", "dates", "startup")
#: The full builds counted ``--full-counts`` times, the others once. A full build's count
#: moves by up to 0.7 % with when Python's garbage collector runs, and the budget
#: "dates only ≤ 1.05 × plain" sits within that, so those two take the median of several
#: counts (each about six minutes). ``full`` (about twice as long) and ``startup`` feed
#: budgets far from their limits: counting ``full`` three times too would add a quarter
#: of an hour for no verdict that changes.
REPEATED_FULL_CONFIGS = ("plain", "dates")


def have_valgrind() -> bool:
    return shutil.which("valgrind") is not None


def counted_build(
    site: Site, conf: Path, out: Path, work: Path, label: str
) -> dict[str, Any]:
    """One build under ``valgrind --tool=callgrind --trace-children=yes``: the machine
    instructions it executed, git's processes included. Unlike a time, the count does
    not move with the host (the same rebuild counted twice differs by a few hundredths of
    a per cent, a full build by up to 0.7 %: when Python's garbage collector runs), which
    a rebuild of a second needs on a shared machine."""
    folder = work / "callgrind" / label
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    wrapper = ("valgrind", "--tool=callgrind", "--trace-children=yes",
               f"--callgrind-out-file={folder}/%p.out")
    res = build(site, conf, out, work, label, wrapper=wrapper)
    total = 0
    for path in folder.glob("*.out"):
        for line in path.read_text("utf-8", "replace").splitlines():
            if line.startswith("totals:"):
                total += int(line.split()[1])
    shutil.rmtree(folder, ignore_errors=True)
    return {"instructions": total, "read": res["read"], "archives": res["archives"],
            "diffs": res["diffs"], "found": res["found"]}


def combined_counts(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """One configuration's counts of the same build as one result: every count in
    ``counts``, their median in ``instructions``. The one place that turns the counts
    into the figure the tables and budgets use. Reads and pages written are the first
    count's: every count builds the same commit from the same state."""
    numbers = [c["instructions"] for c in counts]
    return {**counts[0], "instructions": statistics.median(numbers), "counts": numbers}


def _say_count(say: Any, scenario: str, config: str, res: dict[str, Any]) -> None:
    say(f"  counted {scenario:10} {config:8} {report.instructions_text(res)} × 10⁹"
        f" instructions  read {len(res['read']):4}  archives {res['archives']}")


def run_counted(
    site: Site, confs: dict[str, Path], work: Path, say: Any, full_counts: int = 1
) -> dict[str, dict[str, dict[str, Any]]]:
    """The full builds counted in instructions, each count into a fresh output folder of
    its own (two at a time: a count does not depend on what else runs), those of
    :data:`REPEATED_FULL_CONFIGS` ``full_counts`` times and the others once; then the
    rebuilds with nothing changed and after the one-page commit, each configuration
    counted once, from output folders its own full builds made."""
    results: dict[str, dict[str, dict[str, Any]]] = {
        s: {} for s in ("full", *COUNTED_SCENARIOS)}
    site.reset()

    def count_full(job: tuple[str, int]) -> dict[str, Any]:
        config, n = job
        out = work / "out-counted-full" / f"{config}-{n}"
        shutil.rmtree(out, ignore_errors=True)
        res = counted_build(site, confs[config], out, work, f"{config}-full-counted-{n}")
        shutil.rmtree(out, ignore_errors=True)
        return res

    times = {c: full_counts if c in REPEATED_FULL_CONFIGS else 1 for c in COUNTED_FULL_CONFIGS}
    # Round by round, the longest first: both workers stay busy to the end.
    jobs = [(c, n) for n in range(max(times.values())) for c in COUNTED_FULL_CONFIGS
            if n < times[c]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(zip(jobs, pool.map(count_full, jobs), strict=True))
    for config in ("plain", "dates", "full", "startup"):  # as the tables list them
        res = results["full"][config] = combined_counts(
            [r for (c, _), r in counts if c == config])
        _say_count(say, "full", config, res)
    for config in COUNTED_CONFIGS:
        out = work / "out-counted" / config
        shutil.rmtree(out, ignore_errors=True)
        for step in ("full", "settle"):  # the second build leaves nothing to do
            build(site, confs[config], out, work, f"{config}-counted-{step}")
    for scenario in COUNTED_SCENARIOS:
        if scenario == "one-page":
            site.commit_page()
        for config in COUNTED_CONFIGS:
            res = results[scenario][config] = combined_counts([counted_build(
                site, confs[config], work / "out-counted" / config, work,
                f"{config}-{scenario}-counted")])
            _say_count(say, scenario, config, res)
    site.reset()
    return results


def _versions_files(out: Path) -> dict[str, Path]:
    """The archived versions and diff pages of an output folder, by relative path."""
    return {
        path.relative_to(out).as_posix(): path
        for path in out.rglob("*.html")
        if "versions" in path.relative_to(out).parts
    }


def same_versions(one: Path, other: Path) -> dict[str, Any]:
    """Compare the archived versions and diffs of two output folders byte for byte (and
    the manifest)."""
    mine, theirs = _versions_files(one), _versions_files(other)
    differing = sorted(
        name
        for name in mine.keys() & theirs.keys()
        if mine[name].read_bytes() != theirs[name].read_bytes()
    )
    missing = sorted(mine.keys() ^ theirs.keys())
    manifest = "policy-versions.json"
    if (one / manifest).is_file() or (other / manifest).is_file():
        try:
            if (one / manifest).read_bytes() != (other / manifest).read_bytes():
                differing.append(manifest)
        except OSError:
            missing.append(manifest)
    return {
        "files": len(mine),
        "identical": not differing and not missing and bool(mine),
        "differing": differing[:20],
        "missing": missing[:20],
    }


def output_size(out: Path) -> dict[str, Any]:
    """Bytes and files of an output folder (without the doctrees), those of the archived
    versions and diffs, and how much of those is the site's navigation (alabaster's
    sidebar, repeated on every page)."""
    total = files = versions = versions_files = navigation = 0
    for path in out.rglob("*"):
        rel = path.relative_to(out).parts
        if not path.is_file() or rel[0] == ".doctrees":
            continue
        size = path.stat().st_size
        total += size
        files += 1
        if "versions" in rel and path.suffix == ".html":
            versions += size
            versions_files += 1
            text = path.read_bytes()
            start = text.find(b'<div class="sphinxsidebar"')
            end = text.find(b'<div class="footer"', start)
            if start >= 0 and end > start:
                navigation += end - start
    return {
        "bytes": total,
        "files": files,
        "versions_bytes": versions,
        "versions_files": versions_files,
        "navigation_bytes": navigation,
    }


def run_scale(
    scale: Scale, seed: int, confs: dict[str, Path], work: Path, say: Any, quiet: Quiet
) -> dict[str, Any]:
    """Full builds of a long-lived policy repository: plain Sphinx, and sphinx-policy with
    every version archived, with -j 1 and -j 2, and with -j 2 and
    ``policy_archive_navigation = False`` (the output size it saves)."""
    repo = work / f"scale-{scale.pages}x{scale.years}y"
    say(f"Generating the long-lived repository: {scale.pages} policy pages, {scale.years} years")
    manifest = generate(
        repo,
        Spec(scale.pages + 1, scale.commits, seed, policies=scale.pages, years=scale.years),
    )
    site = Site(repo, manifest, git_env(work / "home"))
    runs: dict[str, list[dict[str, Any]]] = {config: [] for config in SCALE_CONFIGS}
    for r in range(scale.repeat):
        for config in runs:
            out = work / "out" / f"scale-{config}"
            shutil.rmtree(out, ignore_errors=True)
            quiet.wait()
            res = build(site, confs[config], out, work, f"scale-{config}-{r}", JOBS.get(config, 1))
            res["size"] = output_size(out)
            runs[config].append(res)
            say(
                f"  scale {r + 1}/{scale.repeat} {config:8} {res['wall']:7.2f} s, "
                f"{res['rss_mb']:.0f} MB, archives {res['archives']}"
            )
        runs["fullj2"][-1]["same_as_j1"] = same_versions(
            work / "out" / "scale-full", work / "out" / "scale-fullj2"
        )
    return {
        "pages": scale.pages,
        "years": scale.years,
        "commits": manifest["commits"],
        "history": manifest["history"],
        "runs": runs,
    }


# --------------------------------------------------------------------------- index


def run_index(repo: Path, repeat: int, work: Path, say: Any, quiet: Quiet) -> dict[str, Any]:
    env = git_env(work / "home")
    env.pop("PYTHONPATH", None)
    child_env = dict(env, PYTHONPATH=str(work / "code"))
    child = [sys.executable, "-m", "benchmarks.index_child", str(repo)]
    runs: list[dict[str, Any]] = []
    r = attempt = 0
    best: dict[str, Any] | None = None
    while r < repeat:
        quiet.wait()
        pair: dict[str, Any] = {}
        for what in ("floor", "index") if r % 2 == 0 else ("index", "floor"):
            if what == "floor":
                m = floor_pass(repo, env, work / "logs" / f"floor-{repo.name}-{r}.log")
                if m.returncode != 0:
                    raise RuntimeError("git log failed")
                pair["floor_wall"], pair["floor_cpu"] = m.wall, m.cpu
                pair["floor_background"] = m.background
            else:
                log = work / "logs" / f"index-{repo.name}-{r}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                m = measured(child, cwd=work, env=child_env, log=log)
                if m.returncode != 0:
                    raise RuntimeError(log.read_text("utf-8", "replace"))
                data = json.loads(log.read_text("utf-8").strip().splitlines()[-1])
                pair.update(
                    {
                        "index_wall": data["wall"],
                        "index_cpu": data["cpu"],
                        "process_wall": m.wall,
                        "index_background": m.background,
                        "rss_baseline_mb": data["rss_baseline_mb"],
                        "rss_peak_mb": data["rss_peak_mb"],
                        "rss_delta_mb": data["rss_peak_mb"] - data["rss_baseline_mb"],
                        "commits": data["commits"],
                        "paths": data["paths"],
                    }
                )
        worst = max(pair["floor_background"] or 0.0, pair["index_background"] or 0.0)
        pair["worst_background"] = worst
        if best is None or worst < best["worst_background"]:
            best = pair
        attempt += 1
        if attempt < quiet.tries and quiet.retry(worst, pair["process_wall"] + pair["floor_wall"]):
            say(f"    (disturbed: {worst:.2f} cores busy elsewhere; again)")
            continue
        pair = best
        pair["attempt"] = attempt
        attempt = 0
        best = None
        r += 1
        runs.append(pair)
        say(
            f"  repeat {r}/{repeat} {repo.name}: index {pair['index_wall']:.3f} s, "
            f"git log {pair['floor_wall']:.3f} s, +{pair['rss_delta_mb']:.1f} MB"
        )
    log = work / "logs" / f"index-{repo.name}-tracemalloc.log"
    m = measured([*child, "--tracemalloc"], cwd=work, env=child_env, log=log)
    traced = {}
    if m.returncode == 0:
        traced = json.loads(log.read_text("utf-8").strip().splitlines()[-1])
    return {"runs": runs, "tracemalloc_peak_mb": traced.get("tracemalloc_peak_mb")}


# --------------------------------------------------------------------------- summary


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _paired(runs: list[dict[str, Any]], base: list[dict[str, Any]], key: str) -> list[float]:
    """Each run's ``key`` over the baseline's in the same repeat (and round)."""
    return [r[key] / b[key] for r, b in zip(runs, base, strict=True)]


def _spread(ratios: list[float]) -> str:
    """How far the paired ratios went: on a shared machine a single pair can be off by a
    fifth, which is why the budgets take the median."""
    if len(ratios) < 2:
        return ""
    return f"; {len(ratios)} pairs from {min(ratios):.2f}× to {max(ratios):.2f}×"


def _count_spread(row: dict[str, Any], base: dict[str, Any]) -> str:
    """How far the ratio of two counted builds goes when either was counted more than
    once: from its lowest count over the base's highest to its highest over the base's
    lowest, the extremes of all pairwise ratios (counts are not paired: a count does not
    depend on what ran beside it)."""
    mine, theirs = row["counts"], base["counts"]
    if len(mine) == len(theirs) == 1:
        return ""
    if len(mine) == len(theirs):
        times = f"medians of {len(mine)} counts each"
    else:
        times = f"{len(mine)} {'count' if len(mine) == 1 else 'counts'} against {len(theirs)}"
    return (f"; {times}; lowest count over the other's highest "
            f"{min(mine) / max(theirs):.3f}×, highest over lowest "
            f"{max(mine) / min(theirs):.3f}×")


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Medians, paired ratios against plain Sphinx, counted reads, and the budgets."""
    builds = results["builds"]
    site = results["site"]
    rows = []
    for scenario in SCENARIOS:
        for config, runs in builds[scenario].items():
            if not runs:
                continue
            plain = builds[scenario].get("plain", [])
            lubg = builds[scenario].get("lubg", [])
            compared = bool(plain) and config != "startup"
            against_lubg = bool(lubg) and config in ("dates", "full")
            wall_ratios = _paired(runs, plain, "wall") if compared else []
            cpu_ratios = _paired(runs, plain, "cpu") if compared else []
            row = {
                "scenario": scenario,
                "config": config,
                "label": LABELS[config],
                "wall": _median([r["wall"] for r in runs]),
                "cpu": _median([r["cpu"] for r in runs]),
                "rss_mb": _median([r["rss_mb"] for r in runs]),
                # Paired: each time over plain Sphinx's in the same repeat (and round).
                "ratios": wall_ratios,
                "ratio": _median(wall_ratios) if compared else None,
                "versions_wall": _median([r["versions_wall"] for r in runs])
                if all(r.get("versions_wall") is not None for r in runs)
                else None,
                "same_as_j1": [r["same_as_j1"] for r in runs if "same_as_j1" in r],
                "ratio_lubg": _median(_paired(runs, lubg, "wall")) if against_lubg else None,
                "cpu_ratios": cpu_ratios,
                "cpu_ratio": _median(cpu_ratios) if compared else None,
                "cpu_ratio_lubg": _median(_paired(runs, lubg, "cpu")) if against_lubg else None,
                "background": _median([r["background"] or 0.0 for r in runs]),
                "read": len(runs[-1]["read"]),
                "read_docs": runs[-1]["read"],
                "reads_stable": all(r["read"] == runs[-1]["read"] for r in runs),
                "written": runs[-1]["written"],
                "archives": runs[-1]["archives"],
                "diffs": runs[-1]["diffs"],
                "banners": runs[-1]["banners"],
                "found": runs[-1]["found"],
                "warnings": sorted({w for r in runs for w in r["warnings"]}),
            }
            rows.append(row)
    index_rows = []
    for label, data in results["index"].items():
        runs = data["runs"]
        index_rows.append(
            {
                "repository": label,
                "commits": runs[-1]["commits"],
                "paths": runs[-1]["paths"],
                "index_wall": _median([r["index_wall"] for r in runs]),
                "index_cpu": _median([r["index_cpu"] for r in runs]),
                "process_wall": _median([r["process_wall"] for r in runs]),
                "floor_wall": _median([r["floor_wall"] for r in runs]),
                "floor_cpu": _median([r["floor_cpu"] for r in runs]),
                "ratio": _median([r["index_wall"] / r["floor_wall"] for r in runs]),
                "rss_baseline_mb": _median([r["rss_baseline_mb"] for r in runs]),
                "rss_delta_mb": _median([r["rss_delta_mb"] for r in runs]),
                "rss_delta_max_mb": max(r["rss_delta_mb"] for r in runs),
                "tracemalloc_peak_mb": data["tracemalloc_peak_mb"],
                "background": _median(
                    [(r.get("index_background") or 0.0) for r in runs]
                    + [(r.get("floor_background") or 0.0) for r in runs]
                ),
            }
        )
    speedups = [
        one["versions_wall"] / two["versions_wall"]
        for one, two in zip(
            builds["full"].get("full", []), builds["full"].get("fullj2", []), strict=False
        )
        if one.get("versions_wall") and two.get("versions_wall")
    ]
    counted_rows = []
    for scenario, configs in (results.get("counted") or {}).items():
        plain_count = configs.get("plain", {}).get("instructions")
        for config, data in configs.items():
            counted_rows.append({
                "scenario": scenario,
                "config": config,
                "label": LABELS[config],
                "instructions": data["instructions"],  # the median (combined_counts)
                "counts": data["counts"],
                # The index-only build is what a build costs before its pages, not a peer.
                "ratio": (data["instructions"] / plain_count
                          if plain_count and config != "startup" else None),
                "read": len(data["read"]),
                "archives": data["archives"],
                "diffs": data["diffs"],
                "found": data.get("found"),
            })
    return {
        "builds": rows,
        "counted": counted_rows,
        "index": index_rows,
        "parallel": {"speedups": speedups, "speedup": _median(speedups) if speedups else None},
        "scale": summarise_scale(results.get("scale")),
        "budgets": budgets(rows, index_rows, site, results, speedups, counted_rows),
    }


def summarise_scale(scale: dict[str, Any] | None) -> dict[str, Any] | None:
    if not scale:
        return None
    rows = []
    for config, runs in scale["runs"].items():
        if not runs:
            continue
        rows.append(
            {
                "config": config,
                "label": LABELS[config],
                "wall": _median([r["wall"] for r in runs]),
                "cpu": _median([r["cpu"] for r in runs]),
                "rss_mb": _median([r["rss_mb"] for r in runs]),
                "versions_wall": _median([r["versions_wall"] or 0.0 for r in runs]),
                "archives": runs[-1]["archives"],
                "diffs": runs[-1]["diffs"],
                "size": runs[-1]["size"],
                "same_as_j1": [r["same_as_j1"] for r in runs if "same_as_j1" in r],
                "warnings": sorted({w for r in runs for w in r["warnings"]}),
            }
        )
    return {k: v for k, v in scale.items() if k != "runs"} | {"rows": rows}


def _row(rows: list[dict[str, Any]], scenario: str, config: str) -> dict[str, Any] | None:
    return next((r for r in rows if r["scenario"] == scenario and r["config"] == config), None)


def archive_costs(
    full: dict[str, Any], dates: dict[str, Any], startup: dict[str, Any], measure: str
) -> tuple[float, float]:
    """(cost of an archived revision with its diff page, cost of an ordinary page) in
    ``measure`` (wall, cpu or instructions): what the full configuration adds to the
    dates-only build, per archived revision; what the dates-only build adds to the
    index-only one, per page."""
    per_revision = (full[measure] - dates[measure]) / full["archives"]
    per_page = (dates[measure] - startup[measure]) / (dates["found"] - startup["found"])
    return per_revision, per_page


def budgets(
    rows: list[dict[str, Any]],
    index_rows: list[dict[str, Any]],
    site: dict[str, Any],
    results: dict[str, Any],
    speedups: list[float] | None = None,
    counted: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(name: str, value: str, limit: str, met: bool) -> None:
        out.append({"budget": name, "measured": value, "limit": limit, "met": bool(met)})

    for index_row in index_rows:
        add(
            f"History index / bare git log ({index_row['repository']})",
            f"{index_row['ratio']:.2f}× ({index_row['index_wall']:.3f} s / "
            f"{index_row['floor_wall']:.3f} s)",
            "≤ 1.5×",
            index_row["ratio"] <= 1.5,
        )
    dates, plain = _row(rows, "full", "dates"), _row(rows, "full", "plain")
    if dates and plain:
        add(
            "Full build, dates only / plain Sphinx + MyST",
            f"{dates['ratio']:.3f}× ({dates['wall']:.2f} s / {plain['wall']:.2f} s); "
            f"CPU time {dates['cpu_ratio']:.3f}×{_spread(dates['ratios'])}",
            "≤ 1.05×",
            dates["ratio"] <= 1.05,
        )
    lubg = _row(rows, "full", "lubg")
    if dates and lubg:
        add(
            "Full build, dates only / sphinx-last-updated-by-git",
            f"{dates['ratio_lubg']:.3f}× ({dates['wall']:.2f} s / {lubg['wall']:.2f} s); "
            f"CPU time {dates['cpu_ratio_lubg']:.3f}×",
            "≤ 1.00×",
            dates["ratio_lubg"] <= 1.0,
        )
    full_plain = _row(rows, "full", "full")
    if full_plain and plain:
        add(
            "Full build, changelog, archives, diffs / plain Sphinx + MyST",
            f"{full_plain['ratio']:.2f}× ({full_plain['wall']:.2f} s / {plain['wall']:.2f} s); "
            f"CPU time {full_plain['cpu_ratio']:.2f}×{_spread(full_plain['ratios'])}",
            "≤ 1.5×",
            full_plain["ratio"] <= 1.5,
        )
    for scenario, limit in REBUILD_LIMITS.items():
        for config in ("dates", "full"):
            row, base = _row(rows, scenario, config), _row(rows, scenario, "plain")
            if row is None or base is None:
                continue
            add(
                f"Rebuild, {SCENARIO_NAMES[scenario]}, CPU time / plain Sphinx + MyST "
                f"({LABELS[config].removeprefix('+ sphinx-policy, ')})",
                f"{row['cpu_ratio']:.2f}× ({row['cpu']:.2f} s / {base['cpu']:.2f} s); "
                f"wall {row['ratio']:.2f}×{_spread(row['cpu_ratios'])}",
                f"≤ {limit:.2f}×",
                row["cpu_ratio"] <= limit,
            )
    by_rebuild = {(r["scenario"], r["config"]): r for r in counted or []}
    for scenario, limit in REBUILD_LIMITS.items():
        for config in ("dates", "full"):
            row, base = by_rebuild.get((scenario, config)), by_rebuild.get((scenario, "plain"))
            if row is None or base is None or row["ratio"] is None:
                continue
            add(
                f"Rebuild, {SCENARIO_NAMES[scenario]}, instructions / plain Sphinx + MyST "
                f"({LABELS[config].removeprefix('+ sphinx-policy, ')})",
                f"{row['ratio']:.3f}× ({row['instructions'] / 1e9:.3f} × 10⁹ / "
                f"{base['instructions'] / 1e9:.3f} × 10⁹; callgrind{_count_spread(row, base)})",
                f"≤ {limit:.2f}×",
                row["ratio"] <= limit,
            )
    counted_full = {config: r for (scenario, config), r in by_rebuild.items()
                    if scenario == "full"}
    plain_count = counted_full.get("plain")
    for config, limit in (("dates", 1.05), ("full", 1.5)):
        count = counted_full.get(config)
        if count is None or plain_count is None or count["ratio"] is None:
            continue
        add(
            f"Full build, {LABELS[config].removeprefix('+ sphinx-policy, ')}, instructions / "
            "plain Sphinx + MyST",
            f"{count['ratio']:.3f}× ({count['instructions'] / 1e9:.3f} × 10⁹ / "
            f"{plain_count['instructions'] / 1e9:.3f} × 10⁹; callgrind"
            f"{_count_spread(count, plain_count)})",
            f"≤ {limit:.2f}×",
            count["ratio"] <= limit,
        )
    full_count = counted_full.get("full")
    dates_count, startup_count = counted_full.get("dates"), counted_full.get("startup")
    if full_count and dates_count and startup_count and full_count["archives"]:
        revision, page = archive_costs(full_count, dates_count, startup_count, "instructions")
        several = any(len(c["counts"]) > 1 for c in (full_count, dates_count, startup_count))
        add(
            "Archives: instructions per archived revision (with its diff page) / per "
            "ordinary page",
            f"{revision / page:.2f}× ({revision / 1e6:.0f} × 10⁶ / {page / 1e6:.0f} × 10⁶; "
            f"{full_count['archives']} revisions; callgrind"
            f"{'; medians where counted more than once' if several else ''})",
            "≤ 0.4×",
            revision <= 0.4 * page,
        )
    expected = site["expected_reads"]
    for config in ("dates", "full"):
        for scenario in ("nochange", "one-page", "data-file"):
            row = _row(rows, scenario, config)
            if row is None:
                continue
            want = expected[scenario]
            add(
                f"Documents read, {scenario} rebuild ({config})",
                f"{row['read']} ({', '.join(row['read_docs']) or 'none'})",
                f"= {len(want)} ({', '.join(want) or 'none'})",
                row["read_docs"] == want and row["reads_stable"],
            )
    full, startup = _row(rows, "full", "full"), _row(rows, "full", "startup")
    if full and dates and startup and full["archives"]:
        per_revision, per_page = archive_costs(full, dates, startup, "wall")
        cpu_revision, cpu_page = archive_costs(full, dates, startup, "cpu")
        pages = dates["found"] - startup["found"]
        results["archive_costs"] = {
            "per_revision": per_revision,
            "per_page": per_page,
            "per_revision_cpu": cpu_revision,
            "per_page_cpu": cpu_page,
            "revisions": full["archives"],
            "diffs": full["diffs"],
            "pages": pages,
        }
        add(
            "Archives: cost per archived revision (with its diff page) / cost per ordinary page",
            f"{per_revision / per_page:.2f}× ({per_revision * 1000:.1f} ms / "
            f"{per_page * 1000:.1f} ms; {full['archives']} revisions); "
            f"CPU time {cpu_revision / cpu_page:.2f}×",
            "≤ 0.4×",
            per_revision <= 0.4 * per_page,
        )
    j1, j2 = _row(rows, "full", "full"), _row(rows, "full", "fullj2")
    if speedups and j1 and j2 and j1["versions_wall"] and j2["versions_wall"]:
        median = _median(speedups)
        add(
            "Archives, diffs, manifest and feed: -j 1 / -j 2 (wall time)",
            f"{median:.2f}× faster ({j1['versions_wall']:.2f} s / {j2['versions_wall']:.2f} s); "
            f"whole build {j1['wall'] / j2['wall']:.2f}×",
            "≥ 1.6×",
            median >= 1.6,
        )
    if j2 and j2["same_as_j1"]:
        same = j2["same_as_j1"]
        bad = [c for c in same if not c["identical"]]
        add(
            "Archived versions, diffs and manifest, -j 2 against -j 1",
            f"{'identical' if not bad else 'different'} in {len(same) - len(bad)} of "
            f"{len(same)} builds ({same[-1]['files']} pages each)"
            + (f"; e.g. {(bad[0]['differing'] + bad[0]['missing'])[:3]}" if bad else ""),
            "byte for byte",
            not bad,
        )
    for scenario, new in (
        ("nochange", 0),
        ("one-page", 1),
        ("data-file", site["policy_readers_of_data_file"]),
    ):
        row = _row(rows, scenario, "full")
        if row is None:
            continue
        add(
            f"Archived versions rendered, {scenario} rebuild (only new revisions)",
            f"{row['archives']} versions, {row['diffs']} diffs "
            f"({row.get('banners', 0)} replaced versions written again with a new banner)",
            f"= {new}, {new}",
            row["archives"] == new and row["diffs"] == new,
        )
    big = max(index_rows, key=lambda r: r["commits"] * r["paths"], default=None)
    if big is not None:
        add(
            f"History index peak memory above baseline ({big['repository']})",
            f"{big['rss_delta_mb']:.1f} MB (max {big['rss_delta_max_mb']:.1f} MB)",
            "< 200 MB",
            big["rss_delta_max_mb"] < 200,
        )
    return out


SCENARIO_NAMES = {"nochange": "nothing changed", "one-page": "one page committed"}


# --------------------------------------------------------------------------- machine


def machine() -> dict[str, str]:
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
    }
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in lscpu.splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Hypervisor vendor"):
                info[key.strip()] = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            info["memory"] = f"{int(handle.readline().split()[1]) / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    version = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False)
    info["git"] = version.stdout.strip()
    for dist in (
        "sphinx",
        "myst-parser",
        "docutils",
        "sphinx-last-updated-by-git",
        "sphinx-policy",
        "alabaster",
    ):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "not installed"
    return info


# --------------------------------------------------------------------------- main


def run(
    profile: Profile,
    *,
    seed: int,
    work: Path,
    repeat: int | None,
    say: Any,
    command: str,
    quiet: Quiet | None = None,
    instructions: bool = False,
    full_counts: int = 1,
) -> dict[str, Any]:
    quiet = quiet or Quiet(None, 0, 1, 0)
    started = time.perf_counter()
    repeat = repeat or profile.repeat
    configs = [c for c in CONFIGS if c != "lubg" or have_lubg()]
    say(f"Generating {profile.docs} documents x {profile.commits} commits (seed {seed})")
    site_repo = work / f"site-{profile.docs}x{profile.commits}"
    manifest = generate(site_repo, Spec(profile.docs, profile.commits, seed, profile.policies))
    site = Site(site_repo, manifest, git_env(work / "home"))
    code, code_info = snapshot(work)
    confs = write_confs(work / "confs", code)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    # The history index first: short measurements, cheap to take again when disturbed.
    index: dict[str, Any] = {}
    for docs, commits in profile.index_repos:
        label = f"{docs} documents × {commits:,} commits"
        repo = work / f"site-{docs}x{commits}"
        if repo != site_repo:
            say(f"Generating {docs} documents x {commits} commits for the index alone")
            generate(repo, Spec(docs, commits, seed))
        say(f"History index: {label}")
        index[label] = run_index(repo, profile.index_repeat, work, say, quiet)
    say(f"Builds: {', '.join(configs)} x {', '.join(SCENARIOS)}, {repeat} repeat(s)")
    builds = run_builds(site, confs, work, repeat, configs, say, quiet,
                        profile.rebuild_rounds)
    counted = None
    if instructions:
        say("Builds counted in instructions (valgrind --tool=callgrind; counts of the full "
            f"builds of {' and '.join(REPEATED_FULL_CONFIGS)}: {full_counts} each)")
        counted = run_counted(site, confs, work, say, full_counts)
    scale = None
    if profile.scale is not None:
        scale = run_scale(profile.scale, seed, confs, work, say, quiet)
    policies = set(manifest["policy_pages"])  # type: ignore[call-overload]
    results: dict[str, Any] = {
        "command": command,
        "profile": profile.name,
        "seed": seed,
        "repeat": repeat,
        "rebuild_rounds": profile.rebuild_rounds,
        "index_repeat": profile.index_repeat,
        "machine": machine(),
        "niceness": os.nice(0),
        "quiet": {
            "threshold_cores": quiet.threshold,
            "discarded": quiet.discarded,
            "seconds_spent": round(quiet.spent, 1),
        },
        "code": code_info,
        "site": {
            "documents": manifest["documents"],
            "commits": manifest["commits"],
            "history": manifest["history"],
            "policy_pages": manifest["policy_pages"],
            "one_page": site.page,
            "data_file": site.data_file,
            "data_readers": site.data_readers,
            "policy_readers_of_data_file": len(policies & set(site.data_readers)),
            "expected_reads": {s: site.expected_reads(s) for s in SCENARIOS[1:]},
        },
        "configs": {c: LABELS[c] for c in configs},
        "builds": builds,
        "counted": counted,
        "index": index,
        "scale": scale,
    }
    results["summary"] = summarise(results)
    report.stamp(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sphinx-policy benchmarks")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--full", action="store_true", help="the published run (default)")
    mode.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat (CI)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=None, help="repeats of each build")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where repositories and outputs go (default: a temporary folder)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"results JSON (default for --full: {DEFAULT_OUT.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--page",
        type=Path,
        default=None,
        help="Markdown page whose results section is rewritten "
        f"(default for --full: {DEFAULT_PAGE.relative_to(ROOT)})",
    )
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--busy-threshold",
        type=float,
        default=None,
        help="measure only while other processes keep at most this many CPU cores busy: "
        "wait for it, and measure a disturbed full build or index run again (default 0.3 "
        "with --full, off with --smoke; 0 or less: off)",
    )
    parser.add_argument(
        "--busy-budget",
        type=float,
        default=600,
        help="seconds the run may spend waiting and re-measuring in all (default 600)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=None,
        help="niceness increment for the runner and everything it measures; default -10 "
        "with --full when allowed (other processes on the machine disturb less), else 0",
    )
    parser.add_argument(
        "--instructions",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also count the builds' machine instructions with valgrind's callgrind "
        "(default: with --full when valgrind is installed; about half an hour)",
    )
    parser.add_argument(
        "--full-counts",
        type=_positive,
        default=None,
        metavar="N",
        help="with --instructions, count the full builds of "
        f"{' and '.join(REPEATED_FULL_CONFIGS)} N times each, each into a fresh output "
        "folder, and take the median (a count moves by up to 0.7 %% with when Python's "
        "garbage collector runs); the other full builds once (default 3 with --full, 1 "
        "with --smoke; each count of the benchmark site about six minutes, two at a time)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a budget is not met"
    )
    args = parser.parse_args(argv)
    profile = PROFILES["smoke" if args.smoke else "full"]
    out = args.out or (DEFAULT_OUT if profile.name == "full" else None)
    page = args.page or (DEFAULT_PAGE if profile.name == "full" else None)
    shown = ["python", "-m", "benchmarks.run", *(argv if argv is not None else sys.argv[1:])]
    command = shlex.join(shown)

    def say(text: str) -> None:
        if not args.quiet:
            print(text, flush=True)

    increment = args.nice if args.nice is not None else (-10 if profile.name == "full" else 0)
    if increment:
        try:
            os.nice(increment)
        except (PermissionError, OSError):
            say(f"(could not change the niceness by {increment}; measuring at the default)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sphinx-policy-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        threshold = args.busy_threshold
        if threshold is None:
            threshold = 0.3 if profile.name == "full" else 0.0
        quiet = Quiet(threshold if threshold > 0 else None, 60.0, 3, args.busy_budget)
        instructions = args.instructions
        if instructions is None:
            instructions = profile.name == "full" and have_valgrind()
        elif instructions and not have_valgrind():
            parser.error("--instructions needs valgrind (Debian: apt-get install valgrind)")
        results = run(
            profile,
            seed=args.seed,
            work=work,
            repeat=args.repeat,
            say=say,
            command=command,
            quiet=quiet,
            instructions=instructions,
            full_counts=args.full_counts or (3 if profile.name == "full" else 1),
        )
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(report.text_table(results))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
        svg = out.with_suffix(".svg")
        svg.write_text(report.svg(results), "utf-8")
        say(f"Wrote {out} and {svg}")
    if page is not None:
        report.rewrite_page(page, results, out)
        say(f"Rewrote the results section of {page}")
    met = all(b["met"] for b in results["summary"]["budgets"])
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
