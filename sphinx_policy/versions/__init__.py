"""How a policy changed: changelog, archived versions, diffs, feed and manifest."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_versions(app: Sphinx) -> None:
    from .archive import setup_archive
    from .changelog import setup_changelog
    from .revisions import setup_revisions
    from .seo import setup_seo
    from .upcoming import setup_upcoming

    setup_revisions(app)
    setup_changelog(app)
    setup_archive(app)
    setup_upcoming(app)
    setup_seo(app)  # schema.org JSON-LD in policy pages' heads
