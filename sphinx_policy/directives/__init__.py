"""The data-driven directives, one module each, registered for MyST and reStructuredText."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_directives(app: Sphinx) -> None:
    from .contact import Contact
    from .cookie_table import CookieTable
    from .fact import PolicyFact
    from .in_force import setup_in_force
    from .page_data import PolicyData
    from .processing_table import ProcessingTable
    from .rights import Rights

    app.add_directive("cookie-table", CookieTable)
    app.add_directive("processing-table", ProcessingTable)
    app.add_directive("rights", Rights)
    app.add_directive("contact", Contact)
    app.add_directive("policy-data", PolicyData)
    app.add_role("policy", PolicyFact())
    setup_in_force(app)
