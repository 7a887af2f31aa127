"""Git history: one index per build, revision dates per page, and their display."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_history(app: Sphinx) -> None:
    from .context import setup_context
    from .display import setup_display
    from .page_dates import setup_page_dates
    from .translations import setup_translations

    setup_page_dates(app)
    setup_display(app)
    setup_context(app)
    setup_translations(app)
