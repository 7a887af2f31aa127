"""The git layer's history index (sphinx_policy.git) against real git repositories (no mocks)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import pickle
import random
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from gitrepo import GIT, GitRepo

from sphinx_policy.git.blobs import BlobReader
from sphinx_policy.git.errors import GitUnavailable
from sphinx_policy.git.index import HistoryIndex, build_index
from sphinx_policy.git.text import rfc3339


def index(repo: GitRepo, **kwargs: object) -> HistoryIndex:
    kwargs.setdefault("env", repo.env)
    return build_index(repo.path, **kwargs)  # type: ignore[arg-type]


def shas(history) -> list[str]:
    return [r.commit.sha for r in history.revisions]


def assert_newest_as_file_says(make: Callable[[], HistoryIndex], paths: Iterable[str]) -> None:
    """``newest()``, what a page's date reads without making every older revision into a
    record, gives what ``file()`` does: the same reason for no date and the same newest
    revision that is not a deletion. Each from an index of its own, so that ``newest()``
    cannot read what ``file()`` cached."""
    fresh, whole = make(), make()
    for path in paths:
        history = whole.file(path)
        visible = next((r for r in history.revisions if r.status != "D"), None)
        assert fresh.newest(path) == (history.unknown, visible), path


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


# --------------------------------------------------------------------------- basics


def test_plain_edits(repo: GitRepo) -> None:
    repo.write("policy.md", "v1")
    repo.write("other.md", "x")
    c1 = repo.commit("add", date="2020-01-01T10:00:00+00:00")
    repo.write("policy.md", "v2")
    c2 = repo.commit("edit", date="2020-02-03T04:05:06+00:00")
    repo.write("other.md", "y")
    c3 = repo.commit("other", date="2020-03-01T00:00:00+00:00")
    repo.write("policy.md", "v3")
    c4 = repo.commit(
        "edit again\n\nBody.\n\nReviewed-by: Rita <r@example.org>\nRefs: #12",
        date="2021-06-30T23:59:59+00:00",
    )

    idx = index(repo)
    assert idx.head == c4
    assert idx.root == repo.path.resolve()
    assert not idx.shallow and idx.boundary == frozenset()
    assert idx.head_paths == {"policy.md", "other.md"}

    policy = idx.file("policy.md")
    assert shas(policy) == [c4, c2, c1]
    assert [r.status for r in policy.revisions] == ["M", "M", "A"]
    assert [r.path for r in policy.revisions] == ["policy.md"] * 3
    assert policy.unknown is None and policy.complete
    assert policy.last is not None and policy.last.commit.sha == c4
    assert policy.last.commit.isoformat() == "2021-06-30T23:59:59+00:00"
    assert policy.last.commit.timestamp == 1625097599
    assert policy.last.commit.offset == 0
    assert policy.last.commit.subject == "edit again"
    assert policy.last.commit.trailers == (("Reviewed-by", "Rita <r@example.org>"), ("Refs", "#12"))
    assert policy.first is not None and policy.first.commit.sha == c1
    assert [r.commit.isoformat() for r in policy.revisions] == [
        "2021-06-30T23:59:59+00:00",
        "2020-02-03T04:05:06+00:00",
        "2020-01-01T10:00:00+00:00",
    ]
    assert shas(idx.file("other.md")) == [c3, c1]

    assert [c.sha for c in idx.commits_on_chain()] == [c4, c3, c2, c1]
    assert idx.commit(c2).subject == "edit"
    assert idx.commit(c2[:10]) is idx.commit(c2)
    assert idx.commit(c1).parents == ()
    assert idx.commit(c2).parents == (c1,)
    with pytest.raises(KeyError):
        idx.commit("0" * 40)
    # Normalised and absolute paths reach the same file.
    assert idx.file("./policy.md") == policy
    assert idx.file(os.fspath(repo.path / "policy.md")) == policy
    assert idx.relpath(repo.path / "sub" / "x.md") == "sub/x.md"
    assert idx.relpath(repo.path.parent) is None


def test_merges_use_first_parent(repo: GitRepo) -> None:
    repo.write("page.md", "v1")
    repo.write("feature.md", "f1")
    c1 = repo.commit("base", date="2020-01-01T00:00:00+00:00")
    repo.checkout("feature", new=True)
    repo.write("feature.md", "f2")
    f1 = repo.commit("feature work", date="2020-02-01T00:00:00+00:00")
    repo.checkout("main")
    repo.write("page.md", "v2")
    c2 = repo.commit("page on main", date="2020-03-01T00:00:00+00:00")
    repo.checkout("feature")
    into_feature = repo.merge("main", date="2020-04-01T00:00:00+00:00", message="main into feature")
    repo.checkout("main")
    back = repo.merge("feature", date="2020-05-01T00:00:00+00:00", message="feature into main")

    idx = index(repo)
    page = idx.file("page.md")
    # Only changed on main: keeps main's commit, not either merge.
    assert shas(page) == [c2, c1]
    assert page.last is not None and page.last.commit.isoformat() == "2020-03-01T00:00:00+00:00"
    # Changed on the branch: dated by the merge that brought it to main.
    feature = idx.file("feature.md")
    assert shas(feature) == [back, c1]
    assert feature.last is not None
    assert feature.last.commit.isoformat() == "2020-05-01T00:00:00+00:00"
    chain = [c.sha for c in idx.commits_on_chain()]
    assert chain == [back, c2, c1]
    assert f1 not in chain and into_feature not in chain
    assert idx.commit(back).parents == (c2, into_feature)


def test_committer_date_not_author_date(repo: GitRepo) -> None:
    repo.write("base.md", "b")
    repo.commit("base", date="2018-01-01T00:00:00+00:00")
    repo.checkout("old", new=True)
    repo.write("terms.md", "written in 2019")
    written = repo.commit("terms", date="2019-05-05T12:00:00+00:00")
    repo.checkout("main")
    landed = repo.cherry_pick(written, date="2025-02-01T08:00:00+00:00")
    assert landed != written
    repo.write("direct.md", "d")
    direct = repo.commit(
        "direct",
        date="2025-03-01T00:00:00+00:00",
        author_date="2019-01-01T00:00:00+00:00",
    )

    idx = index(repo)
    terms = idx.file("terms.md").last
    assert terms is not None and terms.commit.sha == landed
    assert terms.commit.isoformat() == "2025-02-01T08:00:00+00:00"
    # git's own strict ISO form varies by release (``Z`` or ``+00:00``): compare instants.
    authored = dt.datetime.fromisoformat(repo.run("log", "-1", "--format=%aI", landed).strip())
    assert authored == dt.datetime(2019, 5, 5, 12, tzinfo=dt.UTC)
    last = idx.file("direct.md").last
    assert last is not None and last.commit.sha == direct
    assert last.commit.isoformat() == "2025-03-01T00:00:00+00:00"


def test_dates_before_2001_are_integers(repo: GitRepo) -> None:
    repo.write("old.md", "o")
    old = repo.commit("old", date="1999-12-31T23:00:00+00:00")
    repo.write("new.md", "n")
    new = repo.commit("new", date="2005-01-01T00:00:00+00:00")

    idx = index(repo)
    old_commit, new_commit = idx.commit(old), idx.commit(new)
    assert old_commit.timestamp == 946681200  # nine digits: sorts wrong as a string
    assert new_commit.timestamp == 1104537600
    assert str(old_commit.timestamp) > str(new_commit.timestamp)
    assert max([old_commit, new_commit], key=lambda c: c.timestamp) is new_commit
    merged = idx.files(["old.md", "new.md"])
    assert shas(merged) == [new, old]
    assert merged.last is not None and merged.last.commit.sha == new
    assert old_commit.isoformat() == "1999-12-31T23:00:00+00:00"


def test_offsets_are_kept(repo: GitRepo) -> None:
    repo.write("tokyo.md", "t")
    tokyo = repo.commit("tokyo", date="2020-01-01T08:30:00+09:00")
    repo.write("denver.md", "d")
    denver = repo.commit("denver", date="2019-12-31T23:45:00-07:00")
    repo.write("early.md", "e")
    early = repo.commit("early", date="1970-01-02T05:30:00+05:30")  # git rejects pre-1970

    idx = index(repo)
    t = idx.commit(tokyo)
    assert (t.timestamp, t.offset) == (1577835000, 9 * 3600)
    assert t.isoformat() == "2020-01-01T08:30:00+09:00"
    assert t.datetime() == dt.datetime(2019, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert t.datetime().utcoffset() == dt.timedelta(hours=9)
    d = idx.commit(denver)
    assert (d.timestamp, d.offset) == (1577861100, -7 * 3600)
    assert d.isoformat() == "2019-12-31T23:45:00-07:00"
    e = idx.commit(early)
    assert (e.timestamp, e.offset) == (86400, 5 * 3600 + 1800)
    assert e.isoformat() == "1970-01-02T05:30:00+05:30"


# --------------------------------------------------------------------------- renames


def test_pure_rename_is_not_a_revision(repo: GitRepo) -> None:
    repo.write("a.md", "line\n" * 20)
    c1 = repo.commit("add", date="2020-01-01T00:00:00+00:00")
    repo.write("a.md", "line\n" * 21)
    c2 = repo.commit("edit", date="2020-02-01T00:00:00+00:00")
    repo.mv("a.md", "docs/b.md")
    c3 = repo.commit("move", date="2020-03-01T00:00:00+00:00")

    idx = index(repo)
    b = idx.file("docs/b.md")
    assert shas(b) == [c2, c1]
    assert [r.path for r in b.revisions] == ["a.md", "a.md"]
    assert b.last is not None and b.last.commit.sha == c2
    assert c3 in [c.sha for c in idx.commits_on_chain()]
    gone = idx.file("a.md")
    assert gone.unknown == "not-in-head" and gone.revisions == ()


def test_rename_with_edit_is_a_revision(repo: GitRepo) -> None:
    repo.write("a.md", "line\n" * 20)
    c1 = repo.commit("add", date="2020-01-01T00:00:00+00:00")
    repo.mv("a.md", "b.md")
    repo.write("b.md", "line\n" * 20 + "one more\n")
    c2 = repo.commit("move and edit", date="2020-02-01T00:00:00+00:00")

    b = index(repo).file("b.md")
    assert shas(b) == [c2, c1]
    assert [(r.status, r.path) for r in b.revisions] == [("R", "b.md"), ("A", "a.md")]
    assert b.last is not None and b.last.commit.sha == c2


def test_rename_chain_and_reused_name(repo: GitRepo) -> None:
    body = "".join(f"clause {i}\n" for i in range(30))
    repo.write("a.md", body)
    c1 = repo.commit("a", date="2020-01-01T00:00:00+00:00")
    repo.write("a.md", body + "edit under a\n")
    c2 = repo.commit("edit a", date="2020-02-01T00:00:00+00:00")
    repo.mv("a.md", "b.md")
    repo.commit("a -> b", date="2020-03-01T00:00:00+00:00")
    repo.write("b.md", body + "edit under a\nedit under b\n")
    c4 = repo.commit("edit b", date="2020-04-01T00:00:00+00:00")
    repo.mv("b.md", "c.md")
    repo.write("c.md", body + "edit under a\nedit under b\nmoved to c\n")
    c5 = repo.commit("b -> c with edit", date="2020-05-01T00:00:00+00:00")
    repo.write("a.md", "a brand new file\n")  # the old name, reused by another file
    c6 = repo.commit("new a", date="2020-06-01T00:00:00+00:00")

    idx = index(repo)
    c = idx.file("c.md")
    assert shas(c) == [c5, c4, c2, c1]
    assert [r.path for r in c.revisions] == ["c.md", "b.md", "a.md", "a.md"]
    assert [r.status for r in c.revisions] == ["R", "M", "M", "A"]
    assert c.first is not None and c.first.commit.sha == c1
    a = idx.file("a.md")
    assert shas(a) == [c6] and a.last is not None and a.last.commit.sha == c6
    assert idx.file("b.md").unknown == "not-in-head"


def test_delete_and_readd_continue_the_same_path(repo: GitRepo) -> None:
    repo.write("cookies.md", "v1")
    repo.write("keep.md", "k")
    c1 = repo.commit("add", date="2020-01-01T00:00:00+00:00")
    repo.write("cookies.md", "v2")
    c2 = repo.commit("edit", date="2020-02-01T00:00:00+00:00")
    repo.rm("cookies.md")
    c3 = repo.commit("drop", date="2020-03-01T00:00:00+00:00")
    deleted = index(repo).file("cookies.md")
    assert deleted.unknown == "not-in-head" and deleted.last is None
    assert [(r.commit.sha, r.status) for r in deleted.revisions] == [
        (c3, "D"),
        (c2, "M"),
        (c1, "A"),
    ]

    repo.write("cookies.md", "v3, back")
    c4 = repo.commit("re-add", date="2020-04-01T00:00:00+00:00")
    back = index(repo).file("cookies.md")
    assert back.unknown is None
    assert [(r.commit.sha, r.status) for r in back.revisions] == [
        (c4, "A"),
        (c3, "D"),
        (c2, "M"),
        (c1, "A"),
    ]
    assert back.last is not None and back.last.commit.sha == c4
    # Even if the re-add is an ignored commit, `last` of an existing file is never the D.
    ignore = repo.home / "ignore-revs"
    ignore.write_text(c4 + "\n")
    only_old = index(repo, ignore_revs_file=ignore).file("cookies.md")
    assert only_old.last is not None and only_old.last.commit.sha == c2


def test_awkward_file_names(repo: GitRepo) -> None:
    names = [
        "with space/privacy policy.md",
        "ünïcödé/条款.md",
        'quote"d.md',
        "single'quote.md",
        "new\nline.md",
        "tab\there.md",
        "back\\slash.md",
        "-leading-dash.md",
    ]
    for i, name in enumerate(names):
        repo.write(name, f"{i}\n" * 10)
    c1 = repo.commit("awkward", date="2020-01-01T00:00:00+00:00")
    repo.write(names[1], "changed\n")
    c2 = repo.commit("edit unicode", date="2020-02-01T00:00:00+00:00")
    repo.mv(names[4], "renamed\nagain ü.md")
    c3 = repo.commit("rename newline", date="2020-03-01T00:00:00+00:00")
    repo.write('untracked "odd"\nname ü.md', "draft")

    idx = index(repo)
    for name in names[:4] + names[5:]:
        assert name in idx.head_paths
        assert idx.file(name).last is not None, name
    assert shas(idx.file(names[0])) == [c1]
    assert shas(idx.file(names[1])) == [c2, c1]
    moved = idx.file("renamed\nagain ü.md")
    assert shas(moved) == [c1] and moved.revisions[0].path == "new\nline.md"
    assert c3 in [c.sha for c in idx.commits_on_chain()]
    assert idx.file('untracked "odd"\nname ü.md').unknown == "untracked"


def test_non_utf8_file_name(repo: GitRepo) -> None:
    name = os.fsdecode(b"caf\xe9 latin-1.md")  # round-trips through surrogateescape
    repo.write(name, "x")
    c1 = repo.commit("latin-1 name", date="2020-01-01T00:00:00+00:00")
    idx = index(repo)
    assert name in idx.head_paths
    assert shas(idx.file(name)) == [c1]
    with BlobReader(idx.root, env=repo.env) as reader:
        assert reader.read_blob(c1, name) == b"x"


# --------------------------------------------------------------------------- work tree


def test_untracked_file_has_no_date(repo: GitRepo) -> None:
    repo.write("policy.md", "v1")
    repo.commit("add", date="2020-01-01T00:00:00+00:00")
    repo.write("drafts/new-policy.md", "draft")
    idx = index(repo)
    draft = idx.file("drafts/new-policy.md")
    assert draft.unknown == "untracked" and draft.last is None and draft.revisions == ()
    assert draft.unknown_path == "drafts/new-policy.md"
    assert idx.file("never-existed.md").unknown == "not-in-head"
    assert_newest_as_file_says(lambda: index(repo),
                               ["policy.md", "drafts/new-policy.md", "never-existed.md"])


def test_modified_files_have_no_date(repo: GitRepo) -> None:
    repo.write("unstaged.md", "v1")
    repo.write("staged.md", "v1")
    repo.write("clean.md", "v1")
    c1 = repo.commit("add", date="2020-01-01T00:00:00+00:00")
    clean_print = index(repo).fingerprint

    repo.write("unstaged.md", "v2")
    repo.write("staged.md", "v2")
    repo.add("staged.md")
    (repo.path / "gone.md").write_text("x")
    idx = index(repo)
    for name in ("unstaged.md", "staged.md"):
        history = idx.file(name)
        assert history.unknown == "modified" and history.last is None
        assert shas(history) == [c1]  # committed history is still there
    assert idx.file("clean.md").last is not None
    assert idx.fingerprint != clean_print
    assert_newest_as_file_says(lambda: index(repo), ["unstaged.md", "staged.md", "clean.md"])

    repo.run("checkout", "--", "unstaged.md")
    repo.run("reset", "-q", "--hard")
    (repo.path / "gone.md").unlink()
    assert index(repo).fingerprint == clean_print
    repo.mv("staged.md", "renamed.md")  # a staged rename: both names are uncommitted
    idx = index(repo)
    assert idx.file("staged.md").unknown == "modified"
    assert idx.file("renamed.md").unknown == "modified"
    repo.rm("clean.md")
    assert index(repo).file("clean.md").unknown == "modified"


def test_fingerprint_follows_head(repo: GitRepo) -> None:
    repo.write("a.md", "1")
    repo.commit("one", date="2020-01-01T00:00:00+00:00")
    first = index(repo).fingerprint
    assert index(repo).fingerprint == first
    repo.commit("empty", date="2020-01-02T00:00:00+00:00", allow_empty=True)
    assert index(repo).fingerprint != first
    assert index(repo, exclude=["x/*"]).fingerprint != index(repo).fingerprint


# --------------------------------------------------------------------------- shallow clones


@pytest.fixture
def shallow_source(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    src = GitRepo(tmp_path / "src")
    src.write("page.md", "p1")
    src.write("other.md", "o1")
    shas_ = [src.commit("c1", date="2020-01-01T00:00:00+00:00")]
    src.write("other.md", "o2")
    shas_.append(src.commit("c2 other", date="2020-02-01T00:00:00+00:00"))
    src.write("page.md", "p2")
    shas_.append(src.commit("c3 page", date="2020-03-01T00:00:00+00:00"))
    src.write("other.md", "o3")
    shas_.append(src.commit("c4 other", date="2020-04-01T00:00:00+00:00"))
    src.write("new.md", "n")
    shas_.append(src.commit("c5 new", date="2020-05-01T00:00:00+00:00"))
    return src, shas_


@pytest.mark.parametrize(
    ("depth", "page", "other", "new"),
    [
        # (depth, page.md, other.md, new.md): a sha index or "shallow"
        (1, "shallow", "shallow", "shallow"),  # the boundary c5 itself added new.md
        (2, "shallow", "shallow", 4),  # the boundary c4 itself changed other.md
        (3, "shallow", 3, 4),  # the boundary c3 itself changed page.md
        (4, 2, 3, 4),  # page's real change c3 is newer than the boundary c2
    ],
)
def test_shallow_clone(
    tmp_path: Path,
    shallow_source: tuple[GitRepo, list[str]],
    depth: int,
    page: int | str,
    other: int | str,
    new: int | str,
) -> None:
    src, commits = shallow_source
    clone = src.clone(tmp_path / f"depth{depth}", f"--depth={depth}")
    idx = index(clone)
    assert idx.shallow
    assert idx.boundary == {commits[-depth]}
    assert [c.sha for c in idx.commits_on_chain()] == commits[::-1][:depth]
    assert idx.commit(commits[-depth]).parents == ()

    for name, expected in (("page.md", page), ("other.md", other), ("new.md", new)):
        history = idx.file(name)
        assert name in idx.head_paths
        if expected == "shallow":
            assert history.unknown == "shallow", name
            assert history.last is None and history.unknown_path == name
        else:
            assert history.unknown is None, name
            assert history.last is not None and history.last.commit.sha == commits[expected]
        assert commits[-depth] not in shas(history)  # the boundary is never a revision
    # new.md was added after every boundary but c5: its history is whole.
    assert idx.file("new.md").complete is (depth > 1)
    assert not idx.file("page.md").complete and not idx.file("other.md").complete
    assert idx.file("page.md").first is None
    assert_newest_as_file_says(lambda: index(clone), ["page.md", "other.md", "new.md"])


def test_deep_clone_is_not_shallow(
    tmp_path: Path, shallow_source: tuple[GitRepo, list[str]]
) -> None:
    src, commits = shallow_source
    idx = index(src.clone(tmp_path / "deep", "--depth=50"))
    assert not idx.shallow and idx.boundary == frozenset()
    page = idx.file("page.md")
    assert shas(page) == [commits[2], commits[0]] and page.complete
    assert page.first is not None and page.first.commit.sha == commits[0]


def test_shallow_clone_with_merges(tmp_path: Path) -> None:
    src = GitRepo(tmp_path / "src")
    src.write("page.md", "1")
    src.commit("base", date="2020-01-01T00:00:00+00:00")
    src.checkout("side", new=True)
    src.write("side.md", "s")
    src.commit("side", date="2020-02-01T00:00:00+00:00")
    src.checkout("main")
    src.write("page.md", "2")
    edit = src.commit("page", date="2020-03-01T00:00:00+00:00")
    merge = src.merge("side", date="2020-04-01T00:00:00+00:00")
    idx = index(src.clone(tmp_path / "clone", "--depth=2"))
    assert idx.shallow
    assert [c.sha for c in idx.commits_on_chain()] == [merge, edit]
    assert idx.file("side.md").last is not None
    assert idx.file("side.md").last.commit.sha == merge  # type: ignore[union-attr]
    assert idx.file("page.md").unknown == "shallow"  # changed at the boundary `edit`


# --------------------------------------------------------------------------- exclusions


def test_ignore_revs_file(repo: GitRepo) -> None:
    body = "".join(f"clause {i}\n" for i in range(30))  # big enough for rename detection
    repo.write("policy.md", body)
    c1 = repo.commit("add", date="2020-01-01T00:00:00+00:00")
    repo.write("policy.md", body + "v2\n")
    c2 = repo.commit("real change", date="2020-02-01T00:00:00+00:00")
    repo.write("policy.md", body + "v2 \n")
    repo.write("bot.md", "generated")
    c3 = repo.commit("reformat", date="2020-03-01T00:00:00+00:00")
    repo.mv("policy.md", "legal/policy.md")
    repo.write("legal/policy.md", body + "v2  \n")
    c4 = repo.commit("move with whitespace change", date="2020-04-01T00:00:00+00:00")

    ignore = repo.home / ".git-blame-ignore-revs"
    ignore.write_text(f"# formatting\n{c3}\n\n{c4[:8]}  # abbreviated, trailing comment\n")
    idx = index(repo, ignore_revs_file=ignore)
    policy = idx.file("legal/policy.md")
    # Ignored commits are not revisions, but the rename is still followed.
    assert shas(policy) == [c2, c1]
    assert policy.last is not None and policy.last.commit.sha == c2
    bot = idx.file("bot.md")
    assert bot.unknown == "excluded" and bot.last is None
    # Without the file everything counts.
    assert shas(index(repo).file("legal/policy.md")) == [c4, c3, c2, c1]
    assert_newest_as_file_says(lambda: index(repo, ignore_revs_file=ignore),
                               ["legal/policy.md", "bot.md", "policy.md"])

    bad = repo.home / "bad-revs"
    bad.write_text("not-a-sha\n")
    with pytest.raises(ValueError, match="bad-revs:1"):
        index(repo, ignore_revs_file=bad)


def test_exclude_patterns(repo: GitRepo) -> None:
    repo.write("privacy.md", "p")
    repo.write("_static/logo.svg", "<svg/>")
    repo.write("data/cookies.yaml", "a: 1")
    c1 = repo.commit("add", date="2020-01-01T00:00:00+00:00")
    repo.write("_static/logo.svg", "<svg>new</svg>")
    repo.commit("new logo", date="2020-02-01T00:00:00+00:00")
    repo.write("data/cookies.yaml", "a: 2")
    c3 = repo.commit("new cookie", date="2020-03-01T00:00:00+00:00")
    repo.write("drafts/wip.md", "untracked and excluded")

    idx = index(repo, exclude=["_static/*", "drafts/*"])
    assert idx.is_excluded("_static/logo.svg") and not idx.is_excluded("privacy.md")
    logo = idx.file("_static/logo.svg")
    assert logo.unknown == "excluded" and logo.revisions == ()
    assert idx.file("drafts/wip.md").unknown == "excluded"
    # An excluded dependency does not move the page; a counted one does.
    page = idx.files(["privacy.md", "_static/logo.svg", "drafts/wip.md"])
    assert page.unknown is None and shas(page) == [c1]
    page = idx.files(["privacy.md", "_static/logo.svg", "data/cookies.yaml"])
    assert shas(page) == [c3, c1]
    assert [r.path for r in page.revisions] == ["data/cookies.yaml", "privacy.md"]
    # A page that is itself excluded stays excluded.
    assert idx.files(["_static/logo.svg", "privacy.md"]).unknown == "excluded"
    # A trailing slash means the whole folder.
    assert index(repo, exclude=["_static/"]).file("_static/logo.svg").unknown == "excluded"
    assert_newest_as_file_says(
        lambda: index(repo, exclude=["_static/*", "drafts/*"]),
        ["privacy.md", "_static/logo.svg", "data/cookies.yaml", "drafts/wip.md"],
    )


# --------------------------------------------------------------------------- merged histories


def test_files_merges_page_and_data(repo: GitRepo) -> None:
    repo.write("privacy.md", "p1")
    repo.write("data/processors.yaml", "d1")
    c1 = repo.commit("both", date="2020-01-01T00:00:00+00:00")
    repo.write("data/processors.yaml", "d2")
    c2 = repo.commit("data", date="2020-02-01T00:00:00+00:00")
    repo.write("privacy.md", "p2")
    c3 = repo.commit("page", date="2020-03-01T00:00:00+00:00")
    repo.write("data/processors.yaml", "d3")
    c4 = repo.commit("data again", date="2020-04-01T00:00:00+00:00")

    idx = index(repo)
    merged = idx.files(["privacy.md", "data/processors.yaml", "privacy.md"])
    assert merged.path == "privacy.md"
    assert shas(merged) == [c4, c3, c2, c1]  # c1 once, as the page's revision
    assert [r.path for r in merged.revisions] == [
        "data/processors.yaml",
        "privacy.md",
        "data/processors.yaml",
        "privacy.md",
    ]
    assert merged.last is not None and merged.last.commit.isoformat() == "2020-04-01T00:00:00+00:00"
    assert merged.complete and merged.unknown is None

    repo.write("data/processors.yaml", "d4 uncommitted")
    repo.write("data/new.yaml", "new")
    idx = index(repo)
    assert idx.files(["privacy.md"]).last is not None
    dirty = idx.files(["privacy.md", "data/new.yaml", "data/processors.yaml"])
    assert dirty.unknown == "untracked" and dirty.unknown_path == "data/new.yaml"
    assert dirty.last is None
    dirty = idx.files(["privacy.md", "data/processors.yaml"])
    assert dirty.unknown == "modified" and dirty.unknown_path == "data/processors.yaml"
    with pytest.raises(ValueError):
        idx.files([])


# --------------------------------------------------------------------------- failures


def test_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "docs").mkdir(parents=True)
    env = GitRepo(tmp_path / "unused", init=False).env | {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    with pytest.raises(GitUnavailable) as info:
        build_index(plain / "docs", env=env)
    assert info.value.reason == "not-a-repository"
    assert "not inside a git work tree" in str(info.value)
    with pytest.raises(GitUnavailable) as info:
        build_index(plain / "missing", env=env)
    assert info.value.reason == "not-a-repository"


def test_git_missing(repo: GitRepo) -> None:
    repo.write("a.md", "a")
    repo.commit("a")
    with pytest.raises(GitUnavailable) as info:
        build_index(repo.path, git="/nonexistent/git", env=repo.env)
    assert info.value.reason == "no-git"
    assert "/nonexistent/git" in str(info.value) and "Install git" in str(info.value)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.reason, str(copy)) == (info.value.reason, str(info.value))
    with pytest.raises(GitUnavailable) as info:
        build_index(repo.path, env=repo.env | {"PATH": ""})
    assert info.value.reason == "no-git"


def test_dubious_ownership(repo: GitRepo) -> None:
    repo.write("a.md", "a")
    repo.commit("a")
    # git's own switch for testing this check (git >= 2.35.2): real git, another "owner".
    env = repo.env | {"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}
    with pytest.raises(GitUnavailable) as info:
        build_index(repo.path, env=env)
    assert info.value.reason == "dubious-ownership"
    assert f"git config --global --add safe.directory {repo.path}" in str(info.value)


def test_empty_repository(repo: GitRepo) -> None:
    repo.write("draft.md", "no commits yet")
    idx = index(repo)
    assert idx.head is None and idx.commits_on_chain() == ()
    assert idx.file("draft.md").unknown == "untracked"
    assert idx.file("other.md").unknown == "not-in-head"
    assert idx.fingerprint
    with pytest.raises(GitUnavailable) as info:
        index(repo, allow_empty=False)
    assert info.value.reason == "empty-repository"


def test_detached_head(repo: GitRepo) -> None:
    repo.write("a.md", "1")
    c1 = repo.commit("one", date="2020-01-01T00:00:00+00:00")
    repo.write("a.md", "2")
    repo.write("b.md", "b")
    repo.commit("two", date="2020-02-01T00:00:00+00:00")
    repo.checkout(c1, detach=True)
    idx = index(repo)
    assert idx.head == c1
    assert shas(idx.file("a.md")) == [c1]
    assert idx.file("b.md").unknown == "not-in-head"


def test_repository_location_variables_are_ignored(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.md", "1")
    c1 = repo.commit("one")
    other = GitRepo(tmp_path / "other")
    other.write("z.md", "z")
    other.commit("other")
    # As inside a git hook of another repository: GIT_DIR must not redirect us.
    env = repo.env | {"GIT_DIR": str(other.path / ".git"), "GIT_WORK_TREE": str(other.path)}
    idx = build_index(repo.path, env=env)
    assert idx.head == c1 and "a.md" in idx.head_paths


def test_submodule(tmp_path: Path) -> None:
    lib = GitRepo(tmp_path / "lib")
    lib.write("terms.md", "t")
    lib_commit = lib.commit("lib", date="2019-01-01T00:00:00+00:00")
    parent = GitRepo(tmp_path / "parent")
    parent.write("index.md", "i")
    parent.commit("parent", date="2020-01-01T00:00:00+00:00")
    parent.run(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib.path), "vendor/lib"
    )
    added = parent.commit("add submodule", date="2020-02-01T00:00:00+00:00")

    idx = index(parent)
    assert "vendor/lib" in idx.head_paths  # the gitlink, not its files
    assert "vendor/lib/terms.md" not in idx.head_paths
    assert idx.file("vendor/lib/terms.md").unknown == "not-in-head"
    assert shas(idx.file("vendor/lib")) == [added]

    inner = parent.path / "vendor" / "lib"
    sub = build_index(inner, env=parent.env)
    assert sub.root == inner.resolve()
    assert shas(sub.file("terms.md")) == [lib_commit]


def test_subdirectory_resolves_to_toplevel(repo: GitRepo) -> None:
    repo.write("docs/policy.md", "p")
    c1 = repo.commit("p")
    idx = build_index(repo.path / "docs", env=repo.env)
    assert idx.root == repo.path.resolve()
    assert shas(idx.file("docs/policy.md")) == [c1]


# ------------------------------------------------------------------- process contract


def _recording_git(tmp_path: Path) -> tuple[Path, Path]:
    """(a real git, wrapped only to record each command line, the file it records to: one
    line per command, arguments \x1f-separated). One write per line: git status and git
    log run at the same time."""
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "git-wrapper.sh"
    wrapper.write_text(
        f'#!/bin/sh\nline=$(printf "%s\\037" "$@")\nprintf "%s\\n" "$line" >> "{calls}"\n'
        f'exec "{GIT}" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return wrapper, calls


def test_exactly_one_git_log_per_index(repo: GitRepo, tmp_path: Path) -> None:
    for i in range(20):
        repo.write(f"page{i}.md", str(i))
        repo.write(f"sub{i % 3}/dep{i}.yaml", str(i))
        repo.commit(f"c{i}", date=f"2020-01-{i + 1:02d}T00:00:00+00:00")
    wrapper, calls = _recording_git(tmp_path)

    idx = build_index(repo.path, git=str(wrapper), env=repo.env)
    for i in range(20):
        assert idx.file(f"page{i}.md").last is not None
        idx.files([f"page{i}.md", f"sub{i % 3}/dep{i}.yaml"])
    invocations = [line.split("\x1f")[:-1] for line in calls.read_text().splitlines()]
    subcommands = [
        next(a for a in argv if not a.startswith("-") and "=" not in a) for argv in invocations
    ]
    assert subcommands.count("log") == 1
    assert subcommands.count("status") == 1
    assert len(invocations) <= 4  # rev-parse x2, status, log
    log_argv = next(argv for argv in invocations if "log" in argv)
    assert "--first-parent" in log_argv and "-z" in log_argv and "HEAD" not in log_argv


def test_cached_index_reloads_the_same_history_without_git_log(
    repo: GitRepo, tmp_path: Path
) -> None:
    """A rebuild with nothing committed reads the parsed log back from the cache (no git
    log runs) and answers every question exactly as the fresh index did."""
    repo.write("a.md", "1")
    repo.write("data.yaml", "x: 1")
    repo.commit("one\n\nPolicy-Change: first", date="2020-01-01T00:00:00+02:00")
    repo.mv("a.md", "b.md")
    repo.commit("move", date="2020-02-01T00:00:00-05:00")
    repo.write("b.md", "2")
    repo.write("data.yaml", "x: 2")
    repo.commit("two", date="2020-03-01T12:00:00+05:30")
    wrapper, calls = _recording_git(tmp_path)
    cache = tmp_path / "doctrees" / "history.pickle"
    fresh = index(repo, cache=cache, git=str(wrapper), trailer_keys=["Policy-Change"])
    assert cache.is_file()
    calls.unlink()
    again = index(repo, cache=cache, git=str(wrapper), trailer_keys=["Policy-Change"])
    logged = [line.split("\x1f") for line in calls.read_text().splitlines()]
    assert not any("log" in argv for argv in logged)  # read back, not parsed again
    assert list(again.commits_on_chain()) == list(fresh.commits_on_chain())
    for path in ("a.md", "b.md", "data.yaml"):
        assert again.file(path) == fresh.file(path)
    assert again.files(["b.md", "data.yaml"]) == fresh.files(["b.md", "data.yaml"])
    first = fresh.commits_on_chain()[-1]
    assert again.commit(first.sha) == first
    assert again.commit(first.sha).trailers == (("Policy-Change", "first"),)
    assert again.commit(first.sha).isoformat() == "2020-01-01T00:00:00+02:00"
    assert again.path_at("b.md", first.sha) == "a.md"
    assert again.fingerprint == fresh.fingerprint
    # A new commit moves HEAD: it is read from git (alone: see the next test).
    repo.write("b.md", "3")
    three = repo.commit("three", date="2020-04-01T00:00:00+00:00")
    newer = index(repo, cache=cache, git=str(wrapper), trailer_keys=["Policy-Change"])
    assert newer.file("b.md").last.commit.sha == three  # type: ignore[union-attr]


def _whole(idx: HistoryIndex) -> tuple[object, ...]:
    """Everything an index holds of the log, to compare two indexes exactly."""
    commits = [(c.sha, c.parents, c.timestamp, c.offset, c.subject, c.trailers)
               for c in idx.commits_on_chain()]
    records = [(key, record.__getstate__()) for key, record in idx._records.items()]
    return commits, records, idx.head_paths, idx.warnings


def _logged_ranges(calls: Path) -> list[str]:
    """The revision arguments of the ``git log`` runs the wrapper saw."""
    runs = [line.split("\x1f") for line in calls.read_text().splitlines()] if calls.exists() else []
    return [argv[argv.index("--") - 1] for argv in runs if "log" in argv and "--" in argv]


def test_new_commits_extend_the_cached_log_as_a_full_scan_reads_it(
    repo: GitRepo, tmp_path: Path
) -> None:
    """A rebuild after new commits reads only ``git log <cached HEAD>..HEAD`` and joins it
    to the cached scan; the index is exactly the one a full scan gives, through merges,
    deletions, re-additions and older renames. A rename among the new commits, or a HEAD
    that does not descend from the cached one (an amended commit), reads the whole log."""
    repo.write("old.md", "1")
    repo.write("b.md", "b1")
    repo.write("data.yaml", "x: 1")
    repo.commit("one\n\nPolicy-Change: first", date="2020-01-01T00:00:00+02:00")
    repo.mv("old.md", "a.md")
    repo.write("a.md", "2")
    repo.commit("rename with edit", date="2020-02-01T00:00:00-05:00")
    repo.write("gone.md", "g")
    repo.commit("add gone", date="2020-02-15T00:00:00+00:00")
    wrapper, calls = _recording_git(tmp_path)
    cache = tmp_path / "doctrees" / "history.pickle"
    keys = ["Policy-Change"]
    index(repo, cache=cache, git=str(wrapper), trailer_keys=keys)
    cached_head = repo.head()

    # New commits: an edit, a side branch merged in, a deletion and a re-addition.
    repo.write("a.md", "3")
    repo.commit("edit a\n\nPolicy-Change: second", date="2020-03-01T00:00:00+01:00")
    repo.branch("side")
    repo.checkout("side")
    repo.write("b.md", "b2")
    repo.write("c.md", "c1")
    repo.commit("side edits", date="2020-03-02T00:00:00+00:00")
    repo.checkout("main")
    repo.write("data.yaml", "x: 2")
    repo.commit("data", date="2020-03-03T00:00:00+00:00")
    repo.merge("side", date="2020-03-04T00:00:00+00:00")
    repo.rm("gone.md")
    repo.commit("remove gone", date="2020-03-05T00:00:00+00:00")
    repo.write("gone.md", "back")
    repo.commit("gone is back", date="2020-03-06T00:00:00+00:00")
    calls.unlink()
    extended = index(repo, cache=cache, git=str(wrapper), trailer_keys=keys)
    assert _logged_ranges(calls) == [f"{cached_head}..{repo.head()}"]
    fresh = index(repo, trailer_keys=keys)
    assert _whole(extended) == _whole(fresh)
    for path in ("a.md", "old.md", "b.md", "c.md", "data.yaml", "gone.md"):
        assert extended.file(path) == fresh.file(path)
    assert extended.files(["a.md", "data.yaml"]) == fresh.files(["a.md", "data.yaml"])

    # A rename among the new commits: the whole log again, and the same index.
    repo.mv("b.md", "moved/b.md")
    repo.commit("move b", date="2020-04-01T00:00:00+00:00")
    calls.unlink()
    after_rename = index(repo, cache=cache, git=str(wrapper), trailer_keys=keys)
    assert _logged_ranges(calls)[-1] == repo.head()
    assert _whole(after_rename) == _whole(index(repo, trailer_keys=keys))

    # An amended commit: the cached HEAD is no ancestor; the whole log again.
    repo.write("a.md", "4")
    repo.commit("edit a again", date="2020-05-01T00:00:00+00:00")
    index(repo, cache=cache, git=str(wrapper), trailer_keys=keys)
    repo.write("a.md", "5")
    repo.run("commit", "-q", "-a", "--amend", "-m", "edit a, amended")
    calls.unlink()
    amended = index(repo, cache=cache, git=str(wrapper), trailer_keys=keys)
    assert _logged_ranges(calls) == [repo.head()]
    assert _whole(amended) == _whole(index(repo, trailer_keys=keys))


def test_index_is_picklable(repo: GitRepo) -> None:
    repo.write("a.md", "1")
    repo.commit("one", date="2020-01-01T00:00:00+00:00")
    repo.mv("a.md", "b.md")
    repo.write("b.md", "2")
    c2 = repo.commit("two", date="2020-02-01T00:00:00+00:00")
    idx = index(repo)
    copy = pickle.loads(pickle.dumps(idx))
    assert copy.file("b.md") == idx.file("b.md")
    assert copy.file("b.md").last.commit.sha == c2  # type: ignore[union-attr]
    assert copy.fingerprint == idx.fingerprint


# --------------------------------------------------------------------------- old contents


def test_blob_reader_reads_old_versions(repo: GitRepo) -> None:
    body = "".join(f"clause {i}\n" for i in range(30))
    repo.write("policy.md", body + "version one\n")
    repo.write("new\nline.md", "odd one\n")
    repo.write("bin.dat", bytes(range(256)))
    c1 = repo.commit("one", date="2020-01-01T00:00:00+00:00")
    repo.mv("policy.md", "legal/policy.md")
    repo.write("legal/policy.md", body + "version two\n")
    c2 = repo.commit("two", date="2020-02-01T00:00:00+00:00")

    idx = index(repo)
    with BlobReader(idx.root, env=repo.env) as reader:
        history = idx.file("legal/policy.md")
        contents = [reader.read_blob(r.commit.sha, r.path) for r in history.revisions]
        assert contents == [(body + f"version {n}\n").encode() for n in ("two", "one")]
        assert reader.read_blob(c1, "bin.dat") == bytes(range(256))
        assert reader.read_blob(c1, "new\nline.md") == b"odd one\n"
        assert reader.read_blob(c2, "policy.md") is None  # moved away
        assert reader.read_blob(c2, "legal") is None  # a tree
        assert reader.read_blob("0" * 40, "policy.md") is None
        assert reader.read_blob(c2, "legal/policy.md") == contents[0]  # process still alive
        with pytest.raises(ValueError):
            reader.read_blob(c1, "../outside")
    assert reader._proc is None
    # Usable standalone too.
    standalone = BlobReader(repo.path, env=repo.env)
    assert standalone.read_blob(c1, "policy.md") == contents[1]
    standalone.close()
    standalone.close()


# --------------------------------------------------------------------------- long random history


def _fi_path(path: str) -> bytes:
    """A path in fast-import's C-style quoting."""
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return b'"' + escaped.encode("utf-8") + b'"'


def test_long_random_history_matches_a_model(repo: GitRepo) -> None:
    """1,500 commits of edits, deletions, re-adds, renames (pure and edited) and merges.

    The generator keeps its own model of which *lineage* (file identity) every
    change belongs to: a re-add continues the path's lineage, a rename moves the
    lineage (and vacates the old path), and a lineage's history is listed under
    the last path it lived at.  The index must agree exactly, and with git's own
    path-limited log for paths never involved in a rename.  The log output spans
    many read chunks, with quotes, spaces and non-ASCII in every name.
    """
    rng = random.Random(20260324)
    names = [f'dir {d}/página {i} "q".md' for d in range(6) for i in range(25)]
    movable = set(names[::3])  # renames only among these: the others get git's path log as oracle
    live: dict[str, str] = {}  # path -> content
    lineage_at: dict[str, int] = {}  # path -> lineage living there, or dormant after a delete
    last_path: dict[int, str] = {}  # lineage -> path it lives (or died) at
    events: dict[int, list[tuple[int, str, str]]] = {}  # lineage -> [(mark, status, path)]
    out: list[bytes] = []
    mark = 0
    stamp = 946_000_000  # 1999: nine-digit timestamps first, ten-digit later
    main_tip = 0

    def content() -> str:
        return "".join(f"{rng.getrandbits(64):016x}\n" for _ in range(12))

    pending: list[tuple[int, str, str]] = []  # changes of the main-line commit being built
    new_lineage = itertools.count()

    def event(lineage: int, status: str, path: str) -> None:
        pending.append((lineage, status, path))
        last_path[lineage] = path

    def commit(ops: list[bytes], parents: list[int], branch: bytes = b"refs/heads/main") -> int:
        nonlocal mark, stamp
        mark += 1
        stamp += rng.randrange(60, 400_000)
        message = f"commit {mark}".encode()
        out.append(b"commit %s\nmark :%d\n" % (branch, mark))
        out.append(b"committer C <c@example.org> %d +0100\n" % stamp)
        out.append(b"data %d\n%s\n" % (len(message), message))
        if parents:
            out.append(b"from :%d\n" % parents[0])
        for parent in parents[1:]:
            out.append(b"merge :%d\n" % parent)
        out.extend(ops)
        out.append(b"\n")
        return mark

    def modify(path: str, text: str) -> bytes:
        data = text.encode()
        return b"M 100644 inline %s\ndata %d\n%s\n" % (_fi_path(path), len(data), data)

    for n in range(1500):
        ops: list[bytes] = []
        touched: set[str] = set()
        for _ in range(rng.randint(1, 3)):
            choice = rng.random()
            free = [p for p in names if p not in live and p not in touched]
            alive = [p for p in live if p not in touched]
            if choice < 0.55 and alive:  # edit
                path = rng.choice(alive)
                live[path] = content()
                event(lineage_at[path], "M", path)
                ops.append(modify(path, live[path]))
                touched.add(path)
            elif choice < 0.75 and free:  # add, or re-add after a delete
                path = rng.choice(free)
                live[path] = content()
                if path not in lineage_at:
                    lineage_at[path] = next(new_lineage)
                event(lineage_at[path], "A", path)
                ops.append(modify(path, live[path]))
                touched.add(path)
            elif choice < 0.88 and alive:  # delete: the path keeps its (dormant) lineage
                path = rng.choice(alive)
                del live[path]
                event(lineage_at[path], "D", path)
                ops.append(b"D %s\n" % _fi_path(path))
                touched.add(path)
            elif (src := [p for p in alive if p in movable]) and (
                dst := [p for p in free if p in movable]
            ):
                old, new = rng.choice(src), rng.choice(dst)
                text = live.pop(old)
                lineage = lineage_at.pop(old)  # the old path is vacated: a re-add starts afresh
                edited = rng.random() < 0.5
                if edited:
                    text += "edited while moving\n"
                    event(lineage, "R", new)
                last_path[lineage] = new
                live[new] = text
                lineage_at[new] = lineage  # a dormant lineage at `new` stays under `new`
                ops.append(modify(new, text) + b"D %s\n" % _fi_path(old))
                touched |= {old, new}
        if n % 97 == 50 and live:  # a side branch's change, merged back with a merge commit
            side_path = rng.choice([p for p in live if p not in touched] or list(live))
            live[side_path] = content()
            side = commit([modify(side_path, live[side_path])], [main_tip], b"refs/heads/side")
            if side_path not in touched:
                event(lineage_at[side_path], "M", side_path)
            main_tip = commit([*ops, modify(side_path, live[side_path])], [main_tip, side])
        else:
            main_tip = commit(ops, [main_tip] if main_tip else [])
        for lineage, status, path in pending:
            events.setdefault(lineage, []).append((main_tip, status, path))
        pending.clear()
    out.append(b"done\n")
    repo.fast_import(b"".join(out))
    repo.run("reset", "-q", "--hard", "main")
    mark_sha = dict(
        line.split()
        for line in repo.run("log", "--first-parent", "--format=%s %H")
        .replace("commit ", "")
        .splitlines()
    )

    idx = index(repo)
    chain = idx.commits_on_chain()
    assert len(chain) == 1500
    assert all(isinstance(c.timestamp, int) and c.offset == 3600 for c in chain)
    assert [c.timestamp for c in chain] == sorted((c.timestamp for c in chain), reverse=True)
    in_head = set(repo.run("ls-tree", "-r", "-z", "--name-only", "HEAD").split("\0")[:-1])
    assert idx.head_paths == in_head == set(live)

    expected: dict[str, list[tuple[str, str, str]]] = {}
    for lineage, changes in events.items():
        expected.setdefault(last_path[lineage], []).extend(
            (mark_sha[str(m)], status, path) for m, status, path in changes
        )
    position = {c.sha: i for i, c in enumerate(chain)}
    for path in names:
        history = idx.file(path)
        want = sorted(expected.get(path, []), key=lambda e: position[e[0]])
        assert [(r.commit.sha, r.status, r.path) for r in history.revisions] == want, path
        assert history.unknown == (None if path in live else "not-in-head"), path
        if path not in movable:
            oracle = repo.run("log", "--first-parent", "--format=%H", "--", path).split()
            assert shas(history) == oracle, path
    assert sum(1 for p in names if any(r.path != p for r in idx.file(p).revisions)) > 5
    assert_newest_as_file_says(lambda: index(repo), names)


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (dt.datetime(2019, 5, 5, 12, tzinfo=dt.UTC), "2019-05-05T12:00:00+00:00"),
        (dt.datetime(2020, 1, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=9))),
         "2020-01-01T08:30:00+09:00"),
        (dt.datetime(1969, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
         "1969-12-31T23:00:00-03:30"),
        (dt.datetime(999, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "0999-01-02T03:04:05+00:00"),
    ],
)
def test_one_timestamp_form_everywhere(moment: dt.datetime, written: str) -> None:
    """Pages, the manifest and the feed write one RFC 3339 form, on every Python."""
    assert rfc3339(moment) == written
    assert dt.datetime.fromisoformat(written) == moment


def test_touched_since_and_settled_state(repo: GitRepo, tmp_path: Path) -> None:
    """The paths the commits after a chain commit changed: edits, additions, deletions,
    both names of a rename (a pure one too) and what a merge brought in; None for a
    commit not on the chain. The settled state leaves HEAD out and follows the status."""
    repo.write("a.md", "a")
    repo.write("b.md", "b")
    repo.write("c.md", "c")
    repo.write("d.md", "d")
    repo.write("keep.md", "keep")
    base = repo.commit("base", date="2020-01-01T00:00:00+00:00")
    before = index(repo, cache=tmp_path / "cache.pickle")
    assert before.touched_since(base) == frozenset()
    repo.write("a.md", "a2")
    repo.rm("b.md")
    repo.mv("c.md", "moved/c.md")  # pure rename
    repo.commit("changes", date="2020-02-01T00:00:00+00:00")
    repo.branch("side")
    repo.checkout("side")
    repo.write("e.md", "e")
    repo.commit("side", date="2020-03-01T00:00:00+00:00")
    repo.checkout("main" if "main" in repo.run("branch") else "master")
    repo.merge("side", date="2020-04-01T00:00:00+00:00")
    after = index(repo, cache=tmp_path / "cache.pickle")  # the cached log, extended
    assert after.touched_since(base) == {"a.md", "b.md", "c.md", "moved/c.md", "e.md"}
    assert after.touched_since(repo.rev("HEAD^")) == {"e.md"}  # the merge, first parent
    assert after.touched_since(repo.head()) == frozenset()
    assert after.touched_since("0" * 40) is None
    assert index(repo).touched_since(base) == after.touched_since(base)  # a full scan
    assert after.settled == before.settled and after.fingerprint != before.fingerprint
    repo.write("keep.md", "edited, not committed")
    assert index(repo).settled != after.settled
