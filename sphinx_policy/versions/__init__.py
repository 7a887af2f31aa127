"""How a policy changed: changelog, archived versions, diffs, feed and manifest.

The archive (:mod:`.archive`, with the diffs, the manifest and the feed) and the JSON-LD
(:mod:`.seo`, which reads the data model) are registered through the small handlers
below, which import their modules when there is something for them to do: a build
without archives, or a page that is not a policy page, does not import them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sphinx.environment import CONFIG_OK

from ..diagnostics import logger
from ..state.domain import archived_revision, settings
from ..state.pages import is_policy
from .feed_link import feed_link
from .records import ARCHIVE_BUILDERS, all_revisions

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _archive_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """html-collect-pages: the archived versions and diffs, the manifest and the feed."""
    if app.builder.name not in ARCHIVE_BUILDERS or not settings(app.env).archives:
        return
    from .published import forget, inputs_digest, remember, unchanged

    digest = inputs_digest(app)
    if app.env.config_status == CONFIG_OK and unchanged(app, digest):
        count = sum(len(rs) for rs in all_revisions(app.env).values())
        logger.info("sphinx-policy: 0 archived versions rendered, 0 with a new banner, "
                    "%d unchanged", count)
        return
    forget(app)
    from .archive import collect_pages

    with _heap_frozen():
        yield from collect_pages(app)
    remember(app, digest)


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """While the archive renders: every object made so far (the environment, the
    site's doctrees, Sphinx's caches) left out of Python's full garbage collections.

    Parsing and writing hundreds of old revisions makes millions of short-lived objects,
    and each full collection walked the whole heap to find none of them: 13 of them,
    about 0.18 s each, in a serial build of the benchmark site (2.4 s of the 11 s the
    archive took). ``gc.freeze`` moves what exists into a generation that is never
    collected; the archive's own garbage is collected as before, and what was frozen is
    handed back afterwards (a cycle that became garbage meanwhile is freed then). Nothing
    the build writes depends on when garbage is collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _images_at_revision(app: Sphinx, doctree: nodes.document) -> None:
    if archived_revision(app.env) is None:
        return  # today's page, read by Sphinx: its images are Sphinx's
    from .archive import images_at_revision

    images_at_revision(app, doctree)


def _add_jsonld(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                doctree: object) -> None:
    if pagename not in app.env.found_docs or not is_policy(app.env, pagename):
        return  # only policy pages have JSON-LD
    from .seo import add_jsonld

    add_jsonld(app, pagename, templatename, context, doctree)


def _archived_page_context(app: Sphinx, pagename: str, templatename: str,
                           context: dict[str, Any], doctree: object) -> None:
    if "policy_asset_tags" not in context:
        return  # not an archived version or diff
    from .archive import share_asset_tags

    share_asset_tags(app, pagename, context)


def _exclude_archives_from_sitemap(app: Sphinx, env: BuildEnvironment) -> None:
    if "sphinx_sitemap" not in app.extensions:
        return
    from .seo import exclude_archives_from_sitemap

    exclude_archives_from_sitemap(app, env)


def setup_archive(app: Sphinx) -> None:
    app.connect("html-collect-pages", _archive_pages)
    app.connect("doctree-read", _images_at_revision, priority=400)  # before the collector
    app.connect("html-page-context", feed_link)
    # Before other extensions' handlers: only Sphinx's own tag functions are shared.
    app.connect("html-page-context", _archived_page_context, priority=100)


def setup_seo(app: Sphinx) -> None:
    """schema.org JSON-LD in policy pages' heads; archives kept out of sitemaps."""
    app.connect("html-page-context", _add_jsonld)
    # after versions.revisions (priority 650) has listed the revisions of this build
    app.connect("env-updated", _exclude_archives_from_sitemap, priority=700)


def setup_versions(app: Sphinx) -> None:
    from .changelog import setup_changelog
    from .revisions import setup_revisions
    from .upcoming import setup_upcoming

    setup_revisions(app)
    setup_changelog(app)
    setup_archive(app)
    setup_upcoming(app)
    setup_seo(app)
