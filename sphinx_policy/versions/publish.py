"""Subscribe and archive: the Atom feed of policy revisions and ``policy-versions.json``.

Both are written at the root of the HTML output after the archived pages, from the
same revision records, so every link in them points at a page that exists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Subtype, warn
from ..history.dates import iso
from ..history.display import effective_date
from ..history.page_dates import page_date
from ..locale import _
from ..state.domain import settings
from .effective import published_day, revision_effective
from .feed import FeedEntry, atom_feed
from .feed_link import FEED_FILENAME, base_url, configured_base
from .manifest import (
    MANIFEST_FILENAME,
    ManifestDocument,
    ManifestRevision,
    build_manifest,
    dump_manifest,
)
from .records import all_revisions, page_title

if TYPE_CHECKING:
    from sphinx.application import Sphinx

def _uri(app: Sphinx, pagename: str) -> str:
    return app.builder.get_target_uri(pagename)


def write_manifest(app: Sphinx, text_hashes: dict[str, str]) -> None:
    env, tz = app.env, settings(app.env).timezone
    documents = []
    for docname, revisions in sorted(all_revisions(env).items()):
        date = page_date(env, docname)
        effective = effective_date(env.metadata.get(docname, {}))
        documents.append(
            ManifestDocument(
                docname=docname,
                title=page_title(env, docname),
                url=_uri(app, docname),
                last_updated=iso(date.timestamp, tz)
                if date and date.timestamp is not None
                else None,
                effective=effective if isinstance(effective, dt.date) else None,
                revisions=tuple(
                    ManifestRevision(
                        id=record.id,
                        date=iso(record.timestamp, tz),
                        commit=record.sha,
                        archive_url=_uri(app, record.archive),
                        diff_url=(
                        _uri(app, record.diff)
                        if index + 1 < len(revisions) or record.first
                        else None
                    ),
                        summary=record.reader_summary(settings(app.env).changelog_mode),
                        material=record.material,
                        editorial=record.editorial,
                        text_sha256=text_hashes.get(record.archive),
                        effective=revision_effective(env, record),
                    )
                    for index, record in enumerate(revisions)
                ),
            )
        )
    newest = max((r.timestamp for rs in all_revisions(env).values() for r in rs), default=0)
    data = build_manifest(
        documents, project=app.config.project, base_url=base_url(app), generated=iso(newest, "UTC")
    )
    (Path(app.outdir) / MANIFEST_FILENAME).write_text(dump_manifest(data), "utf-8")


def write_feed(app: Sphinx) -> None:
    site = base_url(app)
    if site is None:
        configured = configured_base(app)
        if configured:
            warn(
                Subtype.CONFIG,
                f"conf.py: html_baseurl = {configured!r} is not an absolute http(s) URL, "
                f"which the Atom feed of policy changes ({FEED_FILENAME}) and the links "
                f"of {MANIFEST_FILENAME} need: the feed is not written and the manifest's "
                "links are relative to it. Accepted: a URL with scheme and host, e.g. "
                "html_baseurl = 'https://example.org/docs/'",
            )
            return
        warn(
            Subtype.CONFIG,
            f"the Atom feed of policy changes ({FEED_FILENAME}) needs absolute "
            "links: set html_baseurl in conf.py (on Read the Docs: "
            "html_baseurl = os.environ.get('READTHEDOCS_CANONICAL_URL', ''))",
        )
        return
    site = site if site.endswith("/") else site + "/"
    mode = settings(app.env).changelog_mode
    records = sorted(
        (r for rs in all_revisions(app.env).values() for r in rs),
        key=lambda r: r.timestamp,
        reverse=True,
    )
    entries: list[FeedEntry] = []
    for record in records:
        if len(entries) == settings(app.env).feed_entries:
            break  # a feed is for news: the newest only (the manifest lists them all)
        summary = record.reader_summary(mode)
        if summary is None:
            continue
        effective = revision_effective(app.env, record)
        if effective is not None and effective > published_day(record, settings(app.env).timezone):
            # Announced when published, not when it takes effect.
            summary = f"{summary} " + str(_("Takes effect on %s.")) % effective.isoformat()
        entries.append(
            FeedEntry(
                id=f"{site}{_uri(app, record.archive)}",
                title=f"{page_title(app.env, record.docname)}: {summary}",
                link=f"{site}{_uri(app, record.archive)}",
                updated=iso(record.timestamp, "UTC"),
                summary=summary,
                material=record.material,
            )
        )
    newest = iso(records[0].timestamp, "UTC") if records else "1970-01-01T00:00:00+00:00"
    feed = atom_feed(
        entries,
        feed_id=f"{site}{FEED_FILENAME}",
        title=str(_("%s: policy changes")) % app.config.project,
        site_url=site,
        feed_url=f"{site}{FEED_FILENAME}",
        updated=newest,
        language=app.config.language,
        material_label=str(_("Material change")),
    )
    (Path(app.outdir) / FEED_FILENAME).write_text(feed, "utf-8")
