"""Translations of the strings sphinx-policy itself emits (headers, labels, durations).

Strings are marked with ``_`` (lazy, resolved in the project's ``language``) and
``__`` for console messages; catalogs live beside this file as
``<lang>/LC_MESSAGES/sphinx_policy.po``/``.mo``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import get_translation, get_translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MESSAGE_CATALOG_NAME = "sphinx_policy"

_ = get_translation(MESSAGE_CATALOG_NAME)
__ = get_translation(MESSAGE_CATALOG_NAME, "console")


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the project's ``language`` (not lazy:
    call it at render time). English when no catalog is registered."""
    return get_translator(MESSAGE_CATALOG_NAME).ngettext(singular, plural, n)


def catalog_text(text: str, context: str) -> str:
    """Translate text of the built-in legal catalogs (``sphinx_policy/catalogs``) at render
    time; their titles, descriptions and notes are msgids of the same message catalog.

    ``context`` (the msgctxt) is the id of the law or authority the text belongs to: the
    same English words are different statutory terms under different laws ("Right to
    data portability" is "Recht auf Datenübertragbarkeit" under the GDPR, but "Recht auf
    Datenherausgabe oder -übertragung" under the Swiss FADP)."""
    return get_translator(MESSAGE_CATALOG_NAME).pgettext(context, text) if text else text


def setup_locale(app: Sphinx) -> None:
    # Labels defined at module level (table headers, categories, date labels) must be lazy
    # proxies, resolved in each build's language: ``_`` returns one only while no catalog
    # is registered, so those modules are imported before the catalog is.
    from ..data import vocabulary  # noqa: F401
    from ..directives import cookie_table, recipients  # noqa: F401
    from ..history import display  # noqa: F401

    app.add_message_catalog(MESSAGE_CATALOG_NAME, str(Path(__file__).parent))
