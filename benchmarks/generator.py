"""Synthetic policy repositories for the benchmarks, reproducible from a seed.

A repository holds ``docs`` MyST documents (``policies/`` and ``pages/``, listed by a
globbing toctree in ``index.md``), YAML data files in ``_data/`` that ``cookie-table``
directives read (each data file by exactly three pages), and ``commits`` commits mixing:

* edits of one to three files (pages and data files),
* pure renames of a page (content unchanged: git reports ``R100``),
* renames with a small edit,
* merges of side branches (one to three commits on a branch that forked a few commits
  back, merged with a merge commit, ``--no-ff`` style),

with committer and author dates in several time zones (and a little clock skew).
Commits carry a ``Policy-Change:`` trailer now and then.

Everything is written through one ``git fast-import`` stream, so 20,000 commits take
seconds, and the same ``seed`` gives the same files, dates and commit ids.

Usage::

    python -m benchmarks.generator OUT_DIR --docs 200 --commits 5000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

#: Committer/author UTC offsets used by the generated history (several time zones).
TIME_ZONES = ("+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900", "-0330", "+1245")
PEOPLE = (
    ("Ada Author", "ada@example.org"),
    ("Bongani Editor", "bongani@example.org"),
    ("Chloé Counsel", "chloe@example.org"),
    ("Dmitri Reviewer", "dmitri@example.org"),
    ("Eun-ji Privacy", "eunji@example.org"),
)
#: One change in a commit: ("M", path, content), ("R", old path, new path) or ("D", path).
Op = tuple[str, str, bytes] | tuple[str, str, str] | tuple[str, str]

START = 1_420_070_400  # 2015-01-01T00:00:00Z: where a ten-year history starts
YEAR = 365 * 86400

_TEXT = (
    "we process personal information about customers visitors and employees for the "
    "purposes described below including account management billing security analytics "
    "marketing support and legal compliance data may be shared with processors acting on "
    "our instructions retention periods depend on the purpose you have the right to access "
    "correct delete restrict object and port your data where the law allows it contact our "
    "information officer to exercise these rights or complain to the supervisory authority "
    "cookies and similar technologies store small files on your device some are strictly "
    "necessary others help us understand how the service is used transfers outside the "
    "region rely on adequacy decisions or standard contractual clauses"
)
_WORDS = _TEXT.split()
_TOPICS = (
    "privacy",
    "cookies",
    "retention",
    "rights",
    "transfers",
    "security",
    "marketing",
    "children",
    "employees",
    "recruitment",
    "suppliers",
    "cctv",
    "analytics",
    "newsletter",
    "complaints",
    "processors",
    "sharing",
    "contact",
    "legal-basis",
    "changes",
)
_HEADINGS = (
    "What we collect",
    "Why we collect it",
    "Who we share it with",
    "How long we keep it",
    "Your rights",
    "International transfers",
    "Security",
    "Contact us",
    "Cookies",
    "Children",
    "Automated decisions",
    "Complaints",
)
_CATEGORIES = ("necessary", "preferences", "statistics", "marketing")
_EXPIRIES = ("session", "P1D", "P30D", "P6M", "P1Y", "P2Y", "PT30M")


@dataclass
class Spec:
    """What to generate."""

    docs: int = 200
    commits: int = 5000
    seed: int = 1
    #: How many of the documents are under ``policies/`` (the rest under ``pages/``);
    #: default: 5 % of them, at least one.
    policies: int | None = None
    #: Number of data files (each read by exactly three pages); default docs // 20.
    data_files: int | None = None
    #: Years the history spans, whatever its length (it ends around 2025 either way).
    years: int = 10

    def resolved(self) -> Spec:
        if self.docs < 4:
            raise ValueError("docs must be at least 4")
        if self.commits < 1:
            raise ValueError("commits must be at least 1")
        pages = self.docs - 1  # index.md is a document too
        policies = self.policies if self.policies is not None else max(1, pages // 20)
        data = self.data_files if self.data_files is not None else max(1, self.docs // 20)
        data = min(data, pages // 3)
        if self.years < 1:
            raise ValueError("years must be at least 1")
        return Spec(self.docs, self.commits, self.seed, min(policies, pages), data, self.years)


@dataclass
class _Page:
    path: str
    fid: int
    title: str
    sections: list[list[str]]  # [heading, paragraph, paragraph, ...]
    data_file: str | None = None
    policy: bool = False

    def render(self) -> bytes:
        out = [f"# {self.title}\n"]
        for i, section in enumerate(self.sections):
            if i:
                out.append(f"## {section[0]}\n")
            out.extend(p + "\n" for p in section[1:])
            if i == 0 and self.data_file:
                out.append(f"```{{cookie-table}}\n:file: /{self.data_file}\n```\n")
        if self.policy:
            out.append("## Changes\n\n```{policy-changelog}\n```\n")
        return "\n".join(out).encode("utf-8")


@dataclass
class _Data:
    path: str
    cookies: list[dict[str, str]] = field(default_factory=list)

    def render(self) -> bytes:
        lines = ["cookies:"]
        for c in self.cookies:
            lines.append(f"  - name: {c['name']}")
            lines.append("    provider: first-party")
            lines.append(f"    category: {c['category']}")
            lines.append(f"    purpose: {c['purpose']}")
            lines.append(f"    expiry: {c['expiry']}")
        return ("\n".join(lines) + "\n").encode("utf-8")


class _Text:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, low: int = 8, high: int = 18) -> str:
        words = self.rng.choices(_WORDS, k=self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        kind = self.rng.random()
        if kind < 0.15:
            return "\n".join(f"- {self.sentence(4, 9)}" for _ in range(self.rng.randint(2, 5)))
        if kind < 0.2:
            rows = [f"| {self.sentence(2, 3)} | {self.sentence(3, 6)} |" for _ in range(3)]
            return "| Item | Detail |\n|---|---|\n" + "\n".join(rows)
        text = " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))
        if self.rng.random() < 0.3:
            words = text.split(" ")
            i = self.rng.randrange(len(words))
            words[i] = f"**{words[i]}**"
            text = " ".join(words)
        return text

    def cookie(self, name: str) -> dict[str, str]:
        return {
            "name": name,
            "category": self.rng.choice(_CATEGORIES),
            "purpose": self.sentence(5, 10),
            "expiry": self.rng.choice(_EXPIRIES),
        }


class _Stream:
    """Writes a git fast-import stream."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.mark = 0

    def data(self, payload: bytes) -> None:
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(
        self,
        ref: str,
        *,
        author: tuple[str, str, int, str],
        committer: tuple[str, str, int, str],
        message: str,
        parent: int | None,
        merge: int | None = None,
        ops: Sequence[Op],
    ) -> int:
        self.mark += 1
        w = self.out.write
        w(f"commit {ref}\nmark :{self.mark}\n".encode())
        w("author {} <{}> {} {}\n".format(*author).encode())
        w("committer {} <{}> {} {}\n".format(*committer).encode())
        self.data(message.encode("utf-8"))
        if parent is not None:
            w(f"from :{parent}\n".encode())
        if merge is not None:
            w(f"merge :{merge}\n".encode())
        for op in ops:
            match op:
                case ("M", path, bytes() as content):
                    w(f"M 100644 inline {path}\n".encode())
                    self.data(content)
                case ("R", old, str() as new):
                    w(f'R "{old}" "{new}"\n'.encode())
                case ("D", path):
                    w(f"D {path}\n".encode())
                case _:
                    raise ValueError(f"not a change: {op!r}")
        w(b"\n")
        return self.mark


class _Generator:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.text = _Text(self.rng)
        # Ten years start on 2015-01-01 (the default site's commit ids stay the same).
        self.clock = START - (spec.years - 10) * YEAR
        self.pages: dict[int, _Page] = {}
        self.data: dict[int, _Data] = {}  # keyed by file id too (ids shared with pages)
        self.next_fid = 0
        self.commits = 0
        self.chain: list[tuple[int, set[int]]] = []  # (mark, file ids changed) on main
        self.stats = {
            "edits": 0,
            "pure_renames": 0,
            "renames_with_edits": 0,
            "merges": 0,
            "side_commits": 0,
            "data_edits": 0,
            # Revisions of policy pages on the first-parent chain (each has an archived
            # version and a diff page), the first publication included.
            "policy_revisions": 0,
        }

    # -- content -------------------------------------------------------------------------

    def _fid(self) -> int:
        self.next_fid += 1
        return self.next_fid

    def _new_page(self, folder: str, number: int, policy: bool) -> _Page:
        fid = self._fid()
        topic = self.rng.choice(_TOPICS)
        sections = [["", self.text.paragraph(), self.text.paragraph()]]
        for _ in range(self.rng.randint(2, 4)):
            heading = self.rng.choice(_HEADINGS)
            sections.append(
                [heading, *(self.text.paragraph() for _ in range(self.rng.randint(1, 3)))]
            )
        title = f"{topic.replace('-', ' ').capitalize()} notice {number}"
        return _Page(f"{folder}/{topic}-{number:04d}.md", fid, title, sections, None, policy)

    def _edit_page(self, page: _Page) -> None:
        rng = self.rng
        section = rng.choice(page.sections)
        roll = rng.random()
        if roll < 0.6 or len(section) < 3:
            i = rng.randrange(1, len(section))
            section[i] = self.text.paragraph()
        elif roll < 0.8:
            section.insert(rng.randrange(1, len(section) + 1), self.text.paragraph())
        else:
            del section[rng.randrange(1, len(section))]
        if rng.random() < 0.05 and len(page.sections) < 7:
            page.sections.append([rng.choice(_HEADINGS), self.text.paragraph()])

    def _edit_data(self, data: _Data) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5 or len(data.cookies) > 9:
            rng.choice(data.cookies)["purpose"] = self.text.sentence(5, 10)
        elif roll < 0.8:
            rng.choice(data.cookies)["expiry"] = rng.choice(_EXPIRIES)
        else:
            stem = Path(data.path).stem
            data.cookies.append(self.text.cookie(f"{stem}_{len(data.cookies)}"))

    # -- time ----------------------------------------------------------------------------

    def _stamp(self) -> tuple[tuple[str, str, int, str], tuple[str, str, int, str]]:
        rng = self.rng
        gap = max(600, self.spec.years * YEAR // self.spec.commits)
        self.clock += rng.randint(gap // 4, gap * 7 // 4)
        committed = self.clock
        if rng.random() < 0.02:
            committed -= 3 * 3600  # clock skew: older than its parent
        tz = rng.choice(TIME_ZONES)
        name, email = rng.choice(PEOPLE)
        cname, cemail = rng.choice(PEOPLE)
        author = (name, email, committed - rng.randint(0, 3 * 86400), rng.choice(TIME_ZONES))
        return author, (cname, cemail, committed, tz)

    def _message(self, subject: str) -> str:
        if self.rng.random() < 0.2:
            return f"{subject}\n\nPolicy-Change: {self.text.sentence(5, 12)}\n"
        return subject + "\n"

    # -- history -------------------------------------------------------------------------

    def run(self, stream: _Stream) -> None:
        self.stream = stream
        spec = self.spec
        pages_total = spec.docs - 1
        ops: list[Op] = []
        for number in range(pages_total):
            policy = number < (spec.policies or 0)
            page = self._new_page("policies" if policy else "pages", number, policy)
            self.pages[page.fid] = page
        # Data file j is read by exactly three pages; data file 0 by the first policy page
        # and two ordinary pages (the "data file used by three pages" rebuild scenario).
        ordinary = [p for p in self.pages.values() if not p.policy]
        policies = [p for p in self.pages.values() if p.policy]
        readers: list[_Page] = []
        if policies and len(ordinary) >= 2:
            readers = [policies[0], ordinary[0], ordinary[1]]
        pool = [p for p in self.pages.values() if p not in readers]
        self.rng.shuffle(pool)
        readers += pool[: 3 * (spec.data_files or 0) - len(readers)]
        for j in range(spec.data_files or 0):
            fid = self._fid()
            data = _Data(f"_data/cookies-{j:03d}.yaml")
            data.cookies = [
                self.text.cookie(f"c{j:03d}_{k}") for k in range(self.rng.randint(3, 6))
            ]
            self.data[fid] = data
            for page in readers[3 * j : 3 * j + 3]:
                page.data_file = data.path
        index = (
            "# Synthetic policy site\n\n```{toctree}\n:glob:\n:maxdepth: 1\n\n"
            "policies/*\npages/*\n```\n"
        )
        ops.append(("M", "index.md", index.encode()))
        ops.append(("M", ".gitignore", b"_build/\n"))
        ops += [("M", d.path, d.render()) for d in self.data.values()]
        ops += [("M", p.path, p.render()) for p in self.pages.values()]
        author, committer = self._stamp()
        mark = stream.commit(
            "refs/heads/main",
            author=author,
            committer=committer,
            message="Initial import\n\nPolicy-Change: First published.\n",
            parent=None,
            ops=ops,
        )
        self.commits = 1
        self.chain.append((mark, set(self.pages) | set(self.data)))
        self.stats["policy_revisions"] = len(policies)

        while self.commits < spec.commits:
            left = spec.commits - self.commits
            roll = self.rng.random()
            if roll < 0.08 and left >= 3 and len(self.chain) > 1:
                self._merge(stream, left)
            elif roll < 0.16:
                self._rename(stream, edit=False)
            elif roll < 0.21:
                self._rename(stream, edit=True)
            else:
                self._edit(stream)

    def _pick(self, exclude: set[int] | frozenset[int] = frozenset()) -> list[int]:
        """File ids for an edit: one to three, mostly pages, sometimes a data file."""
        rng = self.rng
        count = rng.choice((1, 1, 1, 2, 2, 3))
        chosen: list[int] = []
        page_ids = list(self.pages)
        data_ids = list(self.data)
        for _ in range(count * 3):
            if len(chosen) == count:
                break
            fid = rng.choice(data_ids) if data_ids and rng.random() < 0.1 else rng.choice(page_ids)
            if fid not in chosen and fid not in exclude:
                chosen.append(fid)
        return chosen

    def _apply_edit(self, fid: int) -> tuple[str, str, bytes]:
        if fid in self.data:
            data = self.data[fid]
            self._edit_data(data)
            self.stats["data_edits"] += 1
            return ("M", data.path, data.render())
        page = self.pages[fid]
        self._edit_page(page)
        return ("M", page.path, page.render())

    def _commit_main(
        self,
        message: str,
        ops: Sequence[Op],
        touched: set[int],
        merge: int | None = None,
        *,
        revision: bool = True,
    ) -> None:
        if revision:  # a pure rename is no revision of the page
            self._count_revisions(touched)
        author, committer = self._stamp()
        mark = self.stream.commit(
            "refs/heads/main",
            author=author,
            committer=committer,
            message=message,
            parent=self.chain[-1][0],
            merge=merge,
            ops=ops,
        )
        self.chain.append((mark, touched))
        self.commits += 1

    def _count_revisions(self, touched: set[int]) -> None:
        """Policy pages this main-line commit gives a revision (own text or data file)."""
        pages = {fid for fid in touched if fid in self.pages and self.pages[fid].policy}
        changed = {self.data[fid].path for fid in touched if fid in self.data}
        pages |= {
            fid for fid, page in self.pages.items() if page.policy and page.data_file in changed
        }
        self.stats["policy_revisions"] += len(pages)

    def _edit(self, stream: _Stream) -> None:
        fids = self._pick()
        ops = [self._apply_edit(fid) for fid in fids]
        names = ", ".join(Path(op[1]).stem for op in ops)
        self._commit_main(self._message(f"Update {names}"), ops, set(fids))
        self.stats["edits"] += 1

    def _rename(self, stream: _Stream, *, edit: bool) -> None:
        page = self.pages[self.rng.choice(list(self.pages))]
        folder, name = page.path.rsplit("/", 1)
        number = name.rsplit("-", 1)[1]
        taken = {p.path for p in self.pages.values()}
        new = page.path
        while new in taken:
            new = f"{folder}/{self.rng.choice(_TOPICS)}-{number}"
        ops: list[Op] = [("R", page.path, new)]
        old = page.path
        page.path = new
        if edit:
            # A small edit keeps the rename detectable (similarity well above 50 %).
            section = self.rng.choice(page.sections)
            section.append(self.text.sentence())
            ops.append(("M", page.path, page.render()))
            self.stats["renames_with_edits"] += 1
        else:
            self.stats["pure_renames"] += 1
        self._commit_main(
            self._message(f"Rename {old} to {new}"), ops, {page.fid}, revision=edit
        )

    def _merge(self, stream: _Stream, left: int) -> None:
        rng = self.rng
        back = rng.randint(0, min(5, len(self.chain) - 1))
        base_mark = self.chain[-1 - back][0]
        busy: set[int] = set()
        for _, touched in self.chain[len(self.chain) - back :]:
            busy |= touched
        side_commits = rng.randint(1, min(3, left - 1))
        final: dict[int, Op] = {}
        parent = base_mark
        for n in range(side_commits):
            fids = self._pick(exclude=busy)
            if not fids:
                break
            ops = [self._apply_edit(fid) for fid in fids]
            for fid, op in zip(fids, ops, strict=True):
                final[fid] = op
            author, committer = self._stamp()
            parent = stream.commit(
                "refs/heads/side",
                author=author,
                committer=committer,
                message=self._message(f"Topic work {n + 1}"),
                parent=parent,
                ops=ops,
            )
            self.commits += 1
            self.stats["side_commits"] += 1
        if parent == base_mark:
            return
        # The side branch only touched files untouched on main since it forked, so the
        # merge is clean: its tree is main's with the side branch's final contents.
        topic = rng.choice(_TOPICS)
        self._commit_main(
            self._message(f"Merge branch '{topic}-{self.commits}'"),
            list(final.values()),
            set(final),
            merge=parent,
        )
        self.stats["merges"] += 1

    def manifest(self) -> dict[str, object]:
        readers: dict[str, list[str]] = {}
        for page in self.pages.values():
            if page.data_file:
                readers.setdefault(page.data_file, []).append(_docname(page.path))
        return {
            "spec": asdict(self.spec),
            "commits": self.commits,
            "documents": len(self.pages) + 1,
            "policy_pages": sorted(_docname(p.path) for p in self.pages.values() if p.policy),
            "data_files": {k: sorted(v) for k, v in sorted(readers.items())},
            "history": self.stats,
        }


def _docname(path: str) -> str:
    return path.rsplit(".", 1)[0]


def git_env(home: Path | None = None) -> dict[str, str]:
    """A fixed environment for git (no user or system config)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "LC_ALL": "C",
            "TZ": "UTC",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    if home is not None:
        env["HOME"] = os.fspath(home)
    return env


def generate(path: Path | str, spec: Spec) -> dict[str, object]:
    """Create the repository at ``path`` (replaced if it exists); return its manifest.

    The manifest (also written to ``<path>.json``) names the policy pages and, for each
    data file, the three pages that read it.
    """
    spec = spec.resolved()
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    env = git_env()
    started = time.perf_counter()

    def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", *args], cwd=path, env=env, check=check, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Benchmark Runner")
    git("config", "user.email", "runner@example.org")
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert proc.stdin is not None
    generator = _Generator(spec)
    try:
        generator.run(_Stream(proc.stdin))
        proc.stdin.write(b"done\n")
    finally:
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed with status {proc.returncode}")
    git("update-ref", "-d", "refs/heads/side", check=False)
    git("reset", "-q", "--hard", "main")
    # Refresh the index once the files are older than it, so that git status in the
    # builds does not re-hash "racily clean" files.
    time.sleep(1.1)
    git("update-index", "-q", "--really-refresh")
    git("status", "--porcelain")
    manifest = generator.manifest()
    manifest["head"] = git("rev-parse", "HEAD").stdout.decode().strip()
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    Path(f"{path}.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="repository folder (replaced if it exists)")
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--policies", type=int, default=None)
    parser.add_argument("--data-files", type=int, default=None)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args(argv)
    manifest = generate(
        args.out,
        Spec(args.docs, args.commits, args.seed, args.policies, args.data_files, args.years),
    )
    print(
        json.dumps(
            {k: manifest[k] for k in ("commits", "documents", "head", "seconds", "history")},
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
