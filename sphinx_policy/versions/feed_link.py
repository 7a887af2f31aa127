"""Where the Atom feed of policy changes lives, and the link to it in every page's head.

Apart from :mod:`.publish`, which writes the feed and the manifest: every page's head
links the feed, a rebuild that writes no archive writes pages too, and importing the
writers (the manifest's and the feed's checks and dataclasses) cost about 1 % of a
rebuild with nothing changed.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..locale import _
from .records import ARCHIVE_BUILDERS, all_revisions

if TYPE_CHECKING:
    from sphinx.application import Sphinx

FEED_FILENAME = "policy-changes.atom"


def configured_base(app: Sphinx) -> str:
    return (app.config.html_baseurl or "").strip()


def base_url(app: Sphinx) -> str | None:
    """``html_baseurl`` when it is an absolute http(s) URL, else None: the feed is not
    written (:func:`.publish.write_feed` says why) and the manifest's links stay
    relative."""
    url = configured_base(app)
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def feed_link(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """html-page-context: ``<link rel="alternate" type="application/atom+xml">`` on every page."""
    if (
        app.builder.name not in ARCHIVE_BUILDERS
        or not all_revisions(app.env)
        or base_url(app) is None
    ):
        return
    href = context["pathto"](FEED_FILENAME, 1)
    title = str(_("%s: policy changes")) % app.config.project
    context["metatags"] = context.get("metatags", "") + (
        f'<link rel="alternate" type="application/atom+xml" title="{escape(title)}" '
        f'href="{escape(href)}" />\n'  # closed: valid in XHTML (EPUB) and HTML5
    )
