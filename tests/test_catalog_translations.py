"""Each law gets its own statutory terms: catalog text is translated with the law's (or
the authority's) id as context (msgctxt), so the same English words can be different
terms under different laws."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from policy_testing import soup_of, text

from sphinx_policy.locale import extract

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
exclude_patterns = ["_build"]
policy_git = False
language = {language!r}
"""
PAGE = """\
---
policy:
  effective: 2026-12-01
---
# Iura

{blocks}
"""
LAWS = ("gdpr", "uk-gdpr", "fadp", "lgpd", "popia")
BLOCK = "```{{rights}} {law}\n:class: rights-{law}\n:no-exercise:\n:no-complaint:\n```\n"

#: language -> law -> (phrases the law's rights must show, phrases they must not)
EXPECTED = {
    "de": {
        "gdpr": (["Recht auf Datenübertragbarkeit"], ["Datenherausgabe"]),
        "fadp": (["Recht auf Datenherausgabe oder -übertragung"],
                 ["Datenübertragbarkeit", "Datenherausgabe und"]),
    },
    "fr": {
        "gdpr": (["la constatation, l'exercice ou la défense de droits en justice"],
                 ["pour un droit en justice"]),
        "uk-gdpr": (["la constatation, l'exercice ou la défense de droits en justice"],
                    ["pour un droit en justice"]),
    },
    "af": {
        "popia": (["Reg op regstelling", "sekuriteitsinbreuk"],
                  ["korreksie", "sekuriteitskompromie"]),
        "lgpd": (["Reg op regstelling"], ["korreksie"]),
    },
    "pt_BR": {
        "lgpd": (["Direito à revogação do consentimento", "revogar seu consentimento"],
                 ["retirar o consentimento"]),
        "gdpr": (["Direito de retirar o consentimento"], ["revogação"]),
    },
}


@pytest.fixture(params=sorted(EXPECTED))
def built(request, tmp_path, make_app):
    language = request.param
    (tmp_path / "conf.py").write_text(CONF.format(language=language), "utf-8")
    blocks = "\n".join(BLOCK.format(law=law) for law in LAWS)
    (tmp_path / "index.md").write_text(PAGE.format(blocks=blocks), "utf-8")
    app = make_app("html", srcdir=tmp_path)
    app.build()
    return language, app


def test_each_law_shows_its_statutory_terms(built) -> None:
    language, app = built
    assert app.warning.getvalue() == ""
    soup = soup_of(app, "index")
    for law, (present, absent) in EXPECTED[language].items():
        rights = text(soup.select_one(f".policy.rights-{law}"))
        for phrase in present:
            assert phrase in rights, (language, law, phrase)
        for phrase in absent:
            assert phrase not in rights, (language, law, phrase)


@pytest.mark.parametrize("language", extract.LANGUAGES)
def test_catalog_messages_have_their_law_as_context(language: str) -> None:
    """Every message of the legal catalogs carries a context, and the same English title
    may be translated differently per law."""
    template = extract.read(extract.POT)
    catalog_files = {m.id: m for m in template if m.id and any(
        "sphinx_policy/catalogs/" in where for where, _ in m.locations)}
    assert catalog_files
    assert all(m.context for m in catalog_files.values())
    mo = extract._po_path(language).with_suffix(".mo")
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    title = "Right to data portability"
    per_law = {law: translations.pgettext(law, title) for law in ("gdpr", "fadp", "lgpd")}
    assert all(value != title for value in per_law.values()), per_law
    if language == "de":
        assert per_law["fadp"] == "Recht auf Datenherausgabe oder -übertragung"
        assert per_law["gdpr"] == "Recht auf Datenübertragbarkeit"


def test_no_catalog_message_without_context() -> None:
    """A catalog message without context would be shared by every law again."""
    for message in extract.read(extract.POT):
        if message.id and any(Path(where).parts[:2] == ("sphinx_policy", "catalogs")
                              for where, _ in message.locations):
            assert message.context, message.id
