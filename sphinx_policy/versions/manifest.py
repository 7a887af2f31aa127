"""``policy-versions.json``: machine-readable list of every archived policy revision.

Pure module: callers describe documents and revisions with the dataclasses below
(URLs as paths relative to the root of the HTML output, where the manifest is
published); :func:`build_manifest` checks them and returns the JSON data, which
``schemas/policy-versions.schema.json`` describes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from ..git.text import rfc3339

SCHEMA_URL = "https://sphinx-policy.readthedocs.io/en/latest/schemas/policy-versions.schema.json"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "policy-versions.schema.json"
MANIFEST_FILENAME = "policy-versions.json"
MANIFEST_VERSION = 1

#: Hex digits of the commit in a revision id (as ``records.RevisionRecord.id``). Ids
#: only need to be unique among one document's revisions of one day.
SHORT_SHA = 8

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
#: A full commit id: 40 hex digits (SHA-1 repositories) or 64 (``git init
#: --object-format=sha256``).
_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", re.ASCII)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_ID = re.compile(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{7,64}", re.ASCII)
# Characters left as they are when a path becomes a URL: reserved ones and "%",
# so an already percent-encoded path is not encoded twice.
_URL_SAFE = "/:@!$&'()*+,;=%~#?"


def revision_id(date: str, commit: str) -> str:
    """``<yyyy-mm-dd>-<short sha>``: the UTC day of the commit, then its abbreviated sha.

    The UTC day (not the committer's local one) keeps the id the same whatever time
    zone the date is shown in; it is the rule of ``records.RevisionRecord.id``.
    """
    _check_datetime(date, "revision date")
    _check_commit(commit)
    day = dt.datetime.fromisoformat(date).astimezone(dt.UTC).date().isoformat()
    return f"{day}-{commit[:SHORT_SHA]}"


@dataclass(frozen=True)
class ManifestRevision:
    """One revision of a document.

    ``date`` is the committer date (ISO 8601 with offset), ``commit`` the full
    sha (40 hex digits, 64 in a SHA-256 repository); ``archive_url`` / ``diff_url``
    are paths relative to the output root; ``text_sha256`` is
    :func:`sphinx_policy.versions.textdiff.text_sha256` of the archived page.
    ``material`` and ``editorial`` exclude each other. ``id`` defaults to
    :func:`revision_id`; pass the id the archive uses if it differs.
    """

    date: str
    commit: str
    archive_url: str
    summary: str | None = None
    material: bool = False
    editorial: bool = False
    diff_url: str | None = None
    text_sha256: str | None = None
    id: str | None = None
    #: The ``effective`` date of the page's front matter at this revision.
    effective: str | dt.date | None = None


@dataclass(frozen=True)
class ManifestDocument:
    """A policy page and its revisions (in the order to publish: newest first).

    ``url`` is the page's path relative to the output root (``privacy.html``,
    ``privacy/`` with dirhtml; ``""`` for the root page with dirhtml, published as
    ``./``); ``effective`` a ``YYYY-MM-DD`` string or a date.
    """

    docname: str
    title: str
    url: str
    revisions: Sequence[ManifestRevision] = field(default=())
    last_updated: str | None = None
    effective: str | dt.date | None = None


def _check_datetime(value: str, what: str) -> str:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError(f"{what} must be an ISO 8601 date-time with offset, "
                         f"e.g. 2026-03-24T10:15:00+01:00; got {value!r}")
    dt.datetime.fromisoformat(value)  # rejects month 13 and the like
    return value


def _check_commit(commit: str) -> str:
    if not isinstance(commit, str) or not _COMMIT.fullmatch(commit):
        raise ValueError("commit must be a full lowercase sha (40 hex digits, or 64 in a "
                         f"SHA-256 repository); got {commit!r}")
    return commit


def _effective(value: str | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # a datetime is a date too; keep only the day
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not _DATE.fullmatch(value):
        raise ValueError(f"effective must be YYYY-MM-DD; got {value!r}")
    dt.date.fromisoformat(value)
    return value


def _base(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an absolute http(s) URL; got {base_url!r}")
    # The base names the output root, a directory: without the slash urljoin would
    # drop its last segment.
    return base_url if base_url.endswith("/") else base_url + "/"


def _url(path: str, base: str | None, what: str) -> str:
    if not isinstance(path, str):
        raise ValueError(f"{what} must be a path relative to the output root; got {path!r}")
    if path == "":
        # The output root itself: dirhtml's URL of the root page ``index``.
        path = "./"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("/"):
        raise ValueError(f"{what} must be a path relative to the output root; got {path!r}")
    path = quote(path, safe=_URL_SAFE)
    return urljoin(base, path) if base else path


def _revision(revision: ManifestRevision, base: str | None, docname: str) -> dict[str, Any]:
    where = f"revision {revision.commit} of {docname}"
    _check_commit(revision.commit)
    _check_datetime(revision.date, f"date of {where}")
    if revision.material and revision.editorial:
        raise ValueError(f"{where} cannot be both material and editorial")
    if revision.text_sha256 is not None and not _SHA256.fullmatch(revision.text_sha256):
        raise ValueError(f"text_sha256 of {where} must be 64 lowercase hex digits")
    rid = revision.id if revision.id is not None else revision_id(revision.date, revision.commit)
    if not _ID.fullmatch(rid):
        raise ValueError(f"id of {where} must be <yyyy-mm-dd>-<7 to 64 hex>; got {rid!r}")
    return {
        "id": rid,
        "date": revision.date,
        "published": revision.date,
        "effective": _effective(revision.effective),
        "commit": revision.commit,
        "summary": revision.summary,
        "material": revision.material,
        "editorial": revision.editorial,
        "archive_url": _url(revision.archive_url, base, f"archive_url of {where}"),
        "diff_url": (_url(revision.diff_url, base, f"diff_url of {where}")
                     if revision.diff_url is not None else None),
        "text_sha256": revision.text_sha256,
    }


def build_manifest(documents: Sequence[ManifestDocument], *, project: str,
                   base_url: str | None, generated: str | dt.datetime) -> dict[str, Any]:
    """The manifest's JSON data; documents and revisions stay in the order given.

    URLs are relative to the manifest (the output root) or, with ``base_url``
    (e.g. Sphinx's ``html_baseurl``), absolute. ``generated`` is an aware datetime or
    an ISO 8601 string with offset (pass the build's fixed time, not ``now()``, for
    reproducible output). Raises ValueError for data the schema would reject.
    """
    if isinstance(generated, dt.datetime):
        if generated.tzinfo is None:
            raise ValueError("generated must be timezone-aware")
        generated = rfc3339(generated.replace(microsecond=0))
    _check_datetime(generated, "generated")
    base = _base(base_url)

    docs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for document in documents:
        if document.docname in seen:
            raise ValueError(f"document {document.docname!r} listed twice")
        seen.add(document.docname)
        if document.last_updated is not None:
            _check_datetime(document.last_updated, f"last_updated of {document.docname}")
        revisions = [_revision(r, base, document.docname) for r in document.revisions]
        ids = [r["id"] for r in revisions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{document.docname}: two revisions with the same id")
        docs.append({
            "docname": document.docname,
            "title": document.title,
            "url": _url(document.url, base, f"url of {document.docname}"),
            "last_updated": document.last_updated,
            "effective": _effective(document.effective),
            "revisions": revisions,
        })
    return {
        "schema": SCHEMA_URL,
        "version": MANIFEST_VERSION,
        "generated": generated,
        "project": project,
        "base_url": base,
        "documents": docs,
    }


def dump_manifest(data: dict[str, Any]) -> str:
    """JSON text of the manifest: keys in the order built, UTF-8 characters kept."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (draft 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
