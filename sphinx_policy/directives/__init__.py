"""The data-driven directives, one module each, registered for MyST and reStructuredText.

Each is registered through a stand-in that imports its module when a document first uses
it (:func:`sphinx_policy.compat.lazy_directive`): a rebuild that reads no document
imports none of them, nor the data model they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat import lazy_directive, lazy_role

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx


def _contact() -> type[Any]:
    from .contact import ContactDirective

    return ContactDirective


def _cookie_kinds() -> type[Any]:
    from .cookie_kinds import CookieKinds

    return CookieKinds


def _cookie_table() -> type[Any]:
    from .cookie_table import CookieTable

    return CookieTable


def _data_categories() -> type[Any]:
    from .data_categories import DataCategories

    return DataCategories


def _not_done() -> type[Any]:
    from .not_done import NotDoneList

    return NotDoneList


def _page_data() -> type[Any]:
    from .page_data import PageDataDirective

    return PageDataDirective


def _processing_table() -> type[Any]:
    from .processing_table import ProcessingTable

    return ProcessingTable


def _recipients() -> type[Any]:
    from .recipients import Recipients

    return Recipients


def _rights() -> type[Any]:
    from .rights import Rights

    return Rights


def _policy_role() -> Callable[..., Any]:
    from .fact import PolicyFact

    return PolicyFact()


DIRECTIVES: dict[str, Callable[[], type[Any]]] = {
    "cookie-table": _cookie_table,
    "processing-table": _processing_table,
    "rights": _rights,
    "contact": _contact,
    "policy-data": _page_data,
    "not-done": _not_done,
    "data-categories": _data_categories,
    "cookie-kinds": _cookie_kinds,
    "recipients": _recipients,
}


def setup_directives(app: Sphinx) -> None:
    from .in_force import setup_in_force

    for name, load in DIRECTIVES.items():
        app.add_directive(name, lazy_directive(name, load))
    app.add_role("policy", lazy_role(_policy_role))
    setup_in_force(app)
