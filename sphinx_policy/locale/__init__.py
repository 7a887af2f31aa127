"""Translations of the strings sphinx-policy itself emits (headers, labels, durations).

Strings are marked with ``_`` (translated in the project's ``language`` where they are
used) and ``__`` for console messages; labels kept in module-level tables are marked with
``N_`` and translated when they are read (:class:`Labels`), never at import. Catalogs
live beside this file as ``<lang>/LC_MESSAGES/sphinx_policy.po``/``.mo``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sphinx.locale import get_translation, get_translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MESSAGE_CATALOG_NAME = "sphinx_policy"

_ = get_translation(MESSAGE_CATALOG_NAME)
__ = get_translation(MESSAGE_CATALOG_NAME, "console")


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; it is translated where it is shown."""
    return message


K = TypeVar("K")


class Labels(Mapping[K, str]):
    """Message ids by key (marked with :func:`N_`), translated when read: at render time,
    in the language of the build that reads them."""

    def __init__(self, messages: Mapping[K, str]) -> None:
        self._messages = dict(messages)

    def __getitem__(self, key: K) -> str:
        return str(_(self._messages[key]))

    def __iter__(self) -> Iterator[K]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)


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
    app.add_message_catalog(MESSAGE_CATALOG_NAME, str(Path(__file__).parent))
