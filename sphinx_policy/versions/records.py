"""Revisions of policy pages as readers see them: ids, URLs, summaries, material flags.

Computed once per build from the history index (in ``env-updated``) and stored on the
environment as plain tuples, so every consumer (changelog, archives, diffs, feed,
manifest, the command line) reads the same list.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..history.index import GitUnavailable, run_git

if TYPE_CHECKING:
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

ENV_REVISIONS = "policy_revisions"  # docname -> tuple[RevisionRecord, ...], newest first

#: Values of the type trailer.
MATERIAL, EDITORIAL = "material", "editorial"


class RevisionRecord(NamedTuple):
    docname: str
    sha: str
    timestamp: int
    offset: int
    subject: str
    summary: str | None  # from the summary trailer; None when the commit has none
    kind: str | None  # MATERIAL, EDITORIAL or None
    source_path: str  # the page's source, repository-relative, at this revision
    repo_root: str  # the repository the page lives in
    first: bool = False  # the page's first publication (history complete back to it)

    @property
    def id(self) -> str:
        """``<yyyy-mm-dd>-<short sha>``: the UTC commit day, stable whatever the time zone."""
        day = dt.datetime.fromtimestamp(self.timestamp, dt.UTC).date().isoformat()
        return f"{day}-{self.sha[:8]}"

    @property
    def archive(self) -> str:
        """Page name of the archived version: ``<page>/versions/<id>``."""
        return f"{self.docname}/versions/{self.id}"

    @property
    def diff(self) -> str:
        """Page name of the diff against the previous revision: ``<page>/versions/<id>-diff``."""
        return f"{self.archive}-diff"

    @property
    def material(self) -> bool:
        return self.kind == MATERIAL

    @property
    def editorial(self) -> bool:
        return self.kind == EDITORIAL

    def reader_summary(self, mode: str) -> str | None:
        """The summary for readers: the trailer, or (mode "all") the commit subject."""
        if self.summary:
            return self.summary
        return self.subject if mode == "all" else None


def is_policy(env: BuildEnvironment, config: Config, docname: str) -> bool:
    """A policy page: its docname matches ``policy_pages``, or its front matter has a
    ``policy:`` key that is not false (MyST stores nested front matter as JSON text)."""
    if any(fnmatch.fnmatchcase(docname, pattern) for pattern in config.policy_pages):
        return True
    metadata = env.metadata.get(docname, {})
    if "policy" not in metadata:
        return False
    policy = metadata["policy"]
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return policy.strip().lower() not in ("", "false", "no", "off", "0")
    return policy is not False and policy is not None


def trailer_values(trailers: Iterable[tuple[str, str]], key: str) -> list[str]:
    """Values of ``key`` (case-insensitive, as git treats trailer keys)."""
    wanted = key.lower()
    return [value.strip() for k, value in trailers if k.strip().lower() == wanted and value.strip()]


def summary_and_kind(
    trailers: Iterable[tuple[str, str]], config: Config
) -> tuple[str | None, str | None]:
    trailers = list(trailers)
    summaries = trailer_values(trailers, config.policy_summary_trailer)
    kinds = [v.lower() for v in trailer_values(trailers, config.policy_type_trailer)]
    kind = MATERIAL if MATERIAL in kinds else (EDITORIAL if EDITORIAL in kinds else None)
    return (" ".join(summaries) if summaries else None), kind


def revisions_of(env: BuildEnvironment, docname: str) -> tuple[RevisionRecord, ...]:
    return getattr(env, ENV_REVISIONS, {}).get(docname, ())


def all_revisions(env: BuildEnvironment) -> dict[str, tuple[RevisionRecord, ...]]:
    if not hasattr(env, ENV_REVISIONS):
        setattr(env, ENV_REVISIONS, {})
    return getattr(env, ENV_REVISIONS)


ENV_MERGE_TRAILERS = "policy_merge_trailers"  # merge sha -> trailers of what it brought in


def brought_in_trailers(
    env: BuildEnvironment,
    repo_root: str,
    merge_sha: str,
    keys: Iterable[str] | None = None,
    paths: Iterable[str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """Trailers of the commits a merge brought into the first-parent chain.

    With ``paths`` (repository-relative), only of the merged commits that changed one of
    them: a merge that brings in a change of the terms and a typo fix of the privacy
    policy must not give the privacy policy the terms' summary. One ``git log M^1..M^2``
    per merge, only for merges that are revisions of a policy page
    and carry no summary of their own; commits never change, so the answer is kept on
    the environment and later builds ask git nothing. With ``keys``, only the trailers
    of those keys are kept: others (Signed-off-by, Co-authored-by) hold people's names
    and e-mail addresses, which must not reach the pickled environment either.
    """
    cache: dict[str, tuple[tuple[str, str], ...]] = getattr(env, ENV_MERGE_TRAILERS, None) or {}
    setattr(env, ENV_MERGE_TRAILERS, cache)
    wanted = sorted({k.lower() for k in keys}) if keys is not None else None
    limit = sorted(set(paths)) if paths is not None else None
    entry = "\x1f".join([merge_sha, *(wanted or ["*"]), "\x1e", *(limit or ["*"])])
    if entry in cache:
        return cache[entry]
    try:
        proc = run_git(repo_root, [
            "log",
            "--no-color",
            "--encoding=UTF-8",
            "--format=%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)%x1e",
            f"{merge_sha}^1..{merge_sha}^2",
            "--",
            *(limit if limit is not None else []),
        ])
    except GitUnavailable:
        proc = None
    trailers: list[tuple[str, str]] = []
    if proc is not None and proc.returncode == 0:
        for chunk in proc.stdout.decode("utf-8", "replace").split("\x1e"):
            for item in chunk.strip().split("\x1d"):
                key, sep, value = item.partition("\x1c")
                if sep and (wanted is None or key.strip().lower() in wanted):
                    trailers.append((key.strip(), value.strip()))
    cache[entry] = tuple(trailers)
    return cache[entry]
