"""The data-driven directives, one module each, registered for MyST and reStructuredText."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_directives(app: Sphinx) -> None:
    from .contact import ContactDirective
    from .cookie_kinds import CookieKinds
    from .cookie_table import CookieTable
    from .data_categories import DataCategories
    from .fact import PolicyFact
    from .in_force import setup_in_force
    from .not_done import NotDoneList
    from .page_data import PageDataDirective
    from .processing_table import ProcessingTable
    from .recipients import Recipients
    from .rights import Rights

    app.add_directive("cookie-table", CookieTable)
    app.add_directive("processing-table", ProcessingTable)
    app.add_directive("rights", Rights)
    app.add_directive("contact", ContactDirective)
    app.add_directive("policy-data", PageDataDirective)
    app.add_directive("not-done", NotDoneList)
    app.add_directive("data-categories", DataCategories)
    app.add_directive("cookie-kinds", CookieKinds)
    app.add_directive("recipients", Recipients)
    app.add_role("policy", PolicyFact())
    setup_in_force(app)
