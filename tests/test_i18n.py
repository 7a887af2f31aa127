"""The extension's own strings in German, French, Afrikaans and Brazilian Portuguese.

A project that uses every directive is built with ``language`` set; no English string of
the message catalog (``sphinx_policy/locale/sphinx_policy.pot``) may be left in what the
extension rendered: tables, rights, contact blocks, dates, durations, the changelog,
archived versions and diffs. The data of the project is written in Latin, so that any
English on the pages can only come from the extension.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from gitrepo import GitRepo, pin_git_environment

from sphinx_policy.locale import extract

LANGUAGES = ("de", "fr", "af", "pt_BR")
CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
policy_pages = ["privacy"]
policy_disclosures = False  # the data shows every string, not a complete notice
exclude_patterns = ["_build"]
project = "Acme"
html_baseurl = "https://acme.example/"
language = {language!r}
"""
DATA = """\
organisation:
  name: Acme Societas
  trading_name: Acme
  email: privatus@acme.example
  phone: "+27 21 000 0000"
  website: https://acme.example/
  address: [Via Prima 1, Roma]
  registration: {{register: Registrum, number: "2020/1"}}
  offices:
    - {{id: roma, name: Sedes Romana, address: [Via Secunda 2, Roma]}}
  officers:
    - {{role: dpo, name: Marcus Tullius, email: marcus@acme.example}}
    - {{role: information-officer, email: io@acme.example}}
    - {{role: eu-representative, organisation: Legatus SA, email: eu@legatus.example}}
jurisdictions: [gdpr, uk-gdpr, popia, ccpa, lgpd, pipeda, fadp]
recipients:
  - {{id: nuntius, name: Nuntius SA, website: https://nuntius.example/, country: IT}}
cookies:
  - {{name: sessio, provider: first-party, category: necessary, purpose: Sessio servanda.,
     expiry: session}}
  - {{name: _ga, provider: nuntius, category: analytics, purpose: Numerus visitorum.,
     expiry: P2Y, domain: .acme.example, party: third}}
  - {{name: _ga_*, provider: nuntius, category: analytics, purpose: Status visitationis.,
     expiry: P1Y6M, storage: localStorage}}
  - {{name: lingua, provider: first-party, category: preferences, purpose: Lingua electa.,
     expiry: P1M, storage: sessionStorage, notes: Nota bene.}}
  - {{name: pixel, provider: nuntius, category: marketing, purpose: Mercatura.,
     expiry: PT30M, storage: pixel}}
  - {{name: tutela, provider: first-party, category: security, purpose: Tutela.,
     expiry: P1D, storage: IndexedDB}}
  - {{name: ignotum, category: unclassified, purpose: Ignotum., expiry: persistent}}
  - {{name: horae, provider: first-party, category: necessary, purpose: Horae.,
     expiry: PT1H2M3S}}
  - {{name: hebdomas, provider: first-party, category: necessary, purpose: Hebdomas.,
     expiry: P1W}}
processing:
  - id: epistulae
    name: Epistulae
    data: [Nomen, Inscriptio electronica]
    source: [Ipse]
    purposes: [Responsum]
    lawful_basis: legitimate-interests
    legitimate_interest: Responsum dare.
    recipients: [nuntius]
    transfers: [{{country: Italia, safeguard: Clausulae}}]
    retention: {retention}
    storage: Roma
    required: true
    consequences: Sine nomine nihil.
    automated_decisions: Nulla.
  - id: contractus
    data: [Nomen]
    lawful_basis: {{gdpr: contract, popia: public-law-duty}}
    retention: P6M
    required: statutory
  - {{id: c1, data: [A], lawful_basis: consent, required: false}}
  - {{id: c2, data: [B], lawful_basis: legal-obligation, required: contractual}}
  - {{id: c3, data: [C], lawful_basis: vital-interests, required: voluntary}}
  - {{id: c4, data: [D], lawful_basis: public-task}}
  - {{id: c5, data: [E], lawful_basis: data-subject-interest}}
rights:
  response_time: XXX dies
"""
PRIVACY = """\
---
policy:
  effective: 2024-01-01
---
# Privatus

```{{last-updated}}
```

```{{effective-date}}
```

{{policy}}`legal-name` {{last-updated}}`date`.

```{{cookie-table}}
:columns: name, provider, party, category, storage, purpose, expiry, domain, notes
```

```{{cookie-table}}
:group-by: category
```

```{{cookie-table}}
:category: marketing
:group-by: storage
```

```{{cookie-table}}
:category: statistics
:group-by: provider
```

```{{cookie-table}}
:category: security
:party: third
```

```{{cookie-table}}
:file: _extra/empty.yaml
```

```{{processing-table}}
:columns: {columns}
```

```{{processing-table}}
:activities: contractus
```

```{{rights}}
```

```{{contact}}
```

```{{contact}} office roma
```

```{{contact}} dpo
```

```{{contact}} information-officer
```

```{{contact}} eu-representative
```

```{{contact}} authority ico
```

## Mutationes

```{{policy-changelog}}
```

{text}
"""
PROCESSING_COLUMNS = ("name", "data", "source", "purpose", "basis", "retention", "recipients",
                      "storage", "transfers", "required", "automated")
EMPTY_PAGE = """\
# Vacuum

```{{processing-table}}
:file: _extra/empty.yaml
```

```{{cookie-table}}
:file: _extra/empty.yaml
```

```{{policy-changelog}}
:pages: index
```
"""


#: A page without an effective date, built on a date (SOURCE_DATE_EPOCH) after the
#: catalogs' dated changes: the rights that begin later (CCPA ADMT, 1 January 2027), the
#: UK GDPR as amended in 2026 and the ANPD's new name are rendered too, and checked.
FUTURE_PAGE = """\
# Futura

```{{rights}}
```

```{{contact}} authority lgpd
```
"""
BUILD_DATE = "1812153600"  # 2027-06-05


def write(repo: GitRepo, language: str, retention: str, text: str) -> None:
    repo.write("conf.py", CONF.format(language=language))
    repo.write("_data/policy.yaml", DATA.format(retention=retention))
    repo.write("_extra/empty.yaml", "facts: {}\n")
    repo.write("privacy.md", PRIVACY.format(text=text, columns=", ".join(PROCESSING_COLUMNS)))
    repo.write("vacuum.md", EMPTY_PAGE.format())
    repo.write("futura.md", FUTURE_PAGE.format())
    repo.write("index.md", "# Index\n\n```{toctree}\nprivacy\nvacuum\nfutura\n```\n")


@pytest.fixture(params=(*LANGUAGES, "en"))
def built(request, tmp_path, make_app, monkeypatch):
    language = request.param
    repo = GitRepo(tmp_path / "site")
    pin_git_environment(monkeypatch, repo.env)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DATE)
    repo.write(".gitignore", "_build/\n")
    write(repo, language, "P1Y", "Lorem ipsum.\n\nDolor sit amet.")
    repo.commit("Prima\n\nPolicy-Change: Prima editio.", date="2025-03-05T10:00:00+00:00")
    write(repo, language, "P2Y", "Lorem ipsum.\n\nDolor sit amet, consectetur.")
    repo.commit("Secunda\n\nPolicy-Change: Secunda editio.\nPolicy-Change-Type: material",
                date="2025-07-09T10:00:00+00:00")
    app = make_app("html", srcdir=repo.path)
    app.build()
    return language, app


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def english_fragments(language: str) -> list[str]:
    """Pieces of English msgids that must not appear on a page built in ``language``:
    every msgid (both plural forms) cut at its placeholders, except pieces that the
    translation itself keeps (names such as "Information Commissioner's Office")."""
    catalog = extract.read(extract._po_path(language), language)
    translated = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else m.string
        for m in catalog if m.id
    )
    fragments = set()
    for message in catalog:
        if not message.id:
            continue
        for english in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in PLACEHOLDER.split(english):
                piece = piece.strip(" .,:;…()?")
                if len(piece) < 3 or re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", translated):
                    continue
                fragments.add(piece)
    return sorted(fragments)


def citations() -> list[str]:
    """Legal citations ("Arts. 13 and 14 GDPR", "s74 POPIA") are references, kept as the
    law writes them in every language: they are not checked."""
    from sphinx_policy.catalogs import load_laws
    from sphinx_policy.data.vocabulary import LAWFUL_BASIS_CITATIONS

    cites = {r.citation for law in load_laws().values() for r in law.rights}
    cites.update(c for law in LAWFUL_BASIS_CITATIONS.values() for c in law.values())
    return sorted(cites, key=len, reverse=True)


def rendered_text(app) -> str:
    texts = []
    for page in sorted(Path(app.outdir).rglob("*.html")):
        if page.name in ("genindex.html", "search.html"):
            continue
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        body = soup.select_one('[role="main"]') or soup.body
        texts.append(" ".join(body.get_text(" ").split()))
    text = "\n".join(texts)
    for cite in citations():
        text = text.replace(cite, " ")
    return text


def test_catalogs_are_complete_and_compiled():
    assert extract.check() == []
    template = extract.read(extract.POT)
    assert len([m for m in template if m.id]) >= 230


def test_compiled_catalog_compared_by_messages_not_bytes(tmp_path):
    """A .mo from another Babel release (another header) still matches its .po; a .mo
    missing a translation, or carrying an old one, does not."""
    po = extract.read(extract._po_path("de"), "de")
    mo = tmp_path / "sphinx_policy.mo"

    po.fuzzy = False
    po.version = "elsewhere"  # the header differs, as with any other Babel version
    mo.write_bytes(extract.compiled(po))
    assert extract.mo_matches(extract.read(extract._po_path("de"), "de"), mo)

    stale = extract.read(extract._po_path("de"), "de")
    message = next(m for m in stale if m.id and isinstance(m.id, str) and m.string)
    message.string = "eine alte Übersetzung"
    mo.write_bytes(extract.compiled(stale))
    assert not extract.mo_matches(po, mo)

    mo.write_bytes(extract.compiled(po)[:64])  # truncated
    assert not extract.mo_matches(po, mo)


def test_no_english_left_in_the_extensions_strings(built):
    language, app = built
    assert app.warning.getvalue() == "", app.warning.getvalue()
    text = rendered_text(app)
    assert "versions" in {p.parent.name for p in Path(app.outdir).rglob("*-diff.html")}
    fragments = english_fragments("de" if language == "en" else language)
    left = [f for f in fragments if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text)]
    if language == "en":  # the control: the same check finds the English of an English build
        assert len(left) > 100, left
        return
    assert left == [], f"English left in the {language} build: {left}"


EXPECTED = {
    "en": ["2 years", "1 year and 6 months", "1 month", "30 minutes", "1 day", "1 week",
           "1 hour, 2 minutes and 3 seconds", "Session", "Persistent", "Last updated:",
           "Right to erasure", "Consent", "Strictly necessary"],
    "de": ["2 Jahre", "1 Jahr und 6 Monate", "1 Monat", "30 Minuten", "1 Tag", "1 Woche",
           "1 Stunde, 2 Minuten und 3 Sekunden", "Sitzung", "Dauerhaft", "Zuletzt aktualisiert:",
           "Recht auf Löschung", "Einwilligung", "Unbedingt erforderlich"],
    "fr": ["2 ans", "1 an et 6 mois", "1 mois", "30 minutes", "1 jour", "1 semaine",
           "1 heure, 2 minutes et 3 secondes", "Persistant", "Dernière mise à jour :",
           "Droit à l'effacement", "Consentement", "Strictement nécessaires"],
    "af": ["2 jaar", "1 jaar en 6 maande", "1 maand", "30 minute", "1 dag", "1 week",
           "1 uur, 2 minute en 3 sekondes", "Sessie", "Blywend", "Laas bygewerk:",
           "Reg op uitwissing", "Toestemming", "Streng noodsaaklik"],
    "pt_BR": ["2 anos", "1 ano e 6 meses", "1 mês", "30 minutos", "1 dia", "1 semana",
              "1 hora, 2 minutos e 3 segundos", "Sessão", "Persistente", "Última atualização:",
              "Direito ao apagamento", "Consentimento", "Estritamente necessários"],
}


#: On the page without an effective date, built in June 2027: a right that began on
#: 1 January 2027.
ADMT_OPT_OUT = {
    "en": "Right to opt out of automated decisionmaking technology",
    "de": "Recht auf Widerspruch gegen automatisierte Entscheidungstechnologie",
    "fr": "Droit de refuser une technologie de prise de décision automatisée",
    "af": "Reg om geoutomatiseerde besluitnemingstegnologie te weier",
    "pt_BR": "Direito de recusar a tecnologia de decisão automatizada",
}


def test_durations_dates_and_labels_are_localised(built):
    language, app = built
    text = rendered_text(app).replace("\u2019", "'")
    for expected in [*EXPECTED[language], ADMT_OPT_OUT[language]]:
        assert expected in text, (language, expected)
    # dates in the language's long format (babel), from git and from the front matter
    for day in ("2025-07-09", "2024-01-01"):
        import datetime as dt

        date = format_date(dt.date.fromisoformat(day), format="long", locale=language)
        assert date in text, (language, date)
    if language != "en":
        for month in ("July", "January", "March"):
            assert month not in text
