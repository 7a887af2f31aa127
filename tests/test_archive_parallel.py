"""Archived versions and diffs rendered by two processes (-j 2) are those of -j 1.

The same repository (copied, so the commits are the same) is built from scratch with
``parallel=2`` and with ``parallel=1``; every archived version, every diff page and the
manifest must be the same bytes. The site reads includes, a data file, a literalinclude
and an image, and its pages change in separate and in shared commits, so the revisions
are split between the processes in the middle of the history.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

from gitrepo import GitRepo
from policy_testing import copy_root, policy_warnings, warnings

from sphinx_policy.versions.manifest import MANIFEST_FILENAME
from sphinx_policy.versions.parallel import MIN_PER_PROCESS, commit_runs

PAGE = """---
policy: true
---
# {title}

Write to {{policy}}`email`.

```{{include}} snippets/{name}-intro.md
```

```{{literalinclude}} snippets/{name}-retention.txt
```

```{{image}} logo.png
:alt: Logo
```

```{{cookie-table}}
```

## Changes

```{{policy-changelog}}
```
"""
INDEX = "# Home\n\n```{toctree}\n:glob:\n\nlegal/*\n```\n"
ORG = "organisation:\n  name: Acme Ltd\n  email: privacy@acme.example\n"
COOKIES = "cookies:\n  - {{name: session, category: necessary, purpose: {purpose}, expiry: P1D}}\n"
NAMES = ("privacy", "cookies", "terms")


def png(shade: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, shade, 0, 255 - shade]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


def history(path: Path) -> GitRepo:
    copy_root("archive-fidelity", path)
    repo = GitRepo(path)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", INDEX)
    repo.write("_data/org.yaml", ORG)
    repo.write("_data/cookies.yaml", COOKIES.format(purpose="Keeps you signed in"))
    repo.write("legal/logo.png", png(0))
    for name in NAMES:
        repo.write(f"legal/{name}.md", PAGE.format(title=f"{name.title()} v0", name=name))
        repo.write(f"legal/snippets/{name}-intro.md", f"Intro of {name}, first.\n")
        repo.write(f"legal/snippets/{name}-retention.txt", f"{name}: 30 days.\n")
    repo.add(".")
    repo.commit("First publication\n\nPolicy-Change: First published.", date=day(0))
    for n in range(1, 12):
        name = NAMES[n % 3]
        if n % 4 == 0:  # one commit changes every page (the data file they all show)
            repo.write("_data/cookies.yaml", COOKIES.format(purpose=f"Purpose {n}"))
        elif n % 4 == 1:
            repo.write(f"legal/snippets/{name}-intro.md", f"Intro of {name}, edit {n}.\n")
        elif n % 4 == 2:
            repo.write(f"legal/{name}.md", PAGE.format(title=f"{name.title()} v{n}", name=name))
        else:
            repo.write(f"legal/snippets/{name}-retention.txt", f"{name}: {n} days.\n")
            repo.write("legal/logo.png", png(n * 20))  # images are no revisions, but shown
        repo.commit(f"Change {n}\n\nPolicy-Change: Change {n}.", date=day(n))
    return repo


def day(n: int) -> str:
    return f"2024-02-{n + 1:02d}T10:00:00+01:00"


def versions_files(outdir: Path) -> dict[str, bytes]:
    found = {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in outdir.rglob("*.html")
        if "versions" in path.relative_to(outdir).parts
    }
    found[MANIFEST_FILENAME] = (outdir / MANIFEST_FILENAME).read_bytes()
    return found


def test_two_processes_write_the_same_archives_and_diffs(tmp_path: Path, build) -> None:
    repo = history(tmp_path / "site")
    shutil.copytree(repo.path, tmp_path / "serial", symlinks=True)
    serial_repo = GitRepo(tmp_path / "serial", init=False, home=repo.home)

    parallel = build(repo, parallel=2, freshenv=True)
    assert policy_warnings(parallel) == [] and "Traceback" not in warnings(parallel)
    parallel_files = versions_files(Path(parallel.outdir))
    trees = Path(parallel.doctreedir) / "policy-trees"
    # The second process really rendered revisions, in a tree folder of its own.
    assert list(trees.glob("*/tree-1")), sorted(p.name for p in trees.glob("*/*"))
    parallel.cleanup()

    serial = build(serial_repo, parallel=1, freshenv=True)
    assert policy_warnings(serial) == []
    serial_files = versions_files(Path(serial.outdir))

    archives = [n for n in serial_files if "/versions/" in n and not n.endswith("-diff.html")]
    assert len(archives) >= 2 * MIN_PER_PROCESS  # enough to split
    assert parallel_files.keys() == serial_files.keys()
    different = [n for n in serial_files if serial_files[n] != parallel_files[n]]
    assert different == []


def test_runs_keep_each_commit_in_one_process() -> None:
    from sphinx_policy.versions.records import RevisionRecord

    def record(sha: str, docname: str) -> RevisionRecord:
        return RevisionRecord(docname, sha, 0, 0, "", None, None, f"{docname}.md", "/repo")

    todo = [record(f"{n:040d}", page) for n in range(10) for page in ("a", "b", "c")[: n % 3 + 1]]
    runs = commit_runs(todo, 2)
    assert len(runs) == 2
    assert [r for run in runs for r in run] == todo  # in order, nothing lost or doubled
    first_commits = {r.sha for r in runs[0]}
    assert not first_commits & {r.sha for r in runs[1]}  # a commit's pages stay together
    assert abs(len(runs[0]) - len(runs[1])) <= 3
