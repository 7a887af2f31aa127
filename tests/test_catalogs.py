"""Tests for the built-in legal catalogs (laws, rights, supervisory authorities)."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlparse

import pytest

from sphinx_policy.catalogs import (
    Authority,
    Law,
    Right,
    _right,
    change_dates,
    known_law_ids,
    load_authorities,
    load_laws,
    resolve_law,
)

EXPECTED_LAWS = {"gdpr", "uk-gdpr", "popia", "ccpa", "lgpd", "pipeda", "fadp"}
EXPECTED_AUTHORITIES = {"ico", "inforegulator-za", "eu-dpas", "cppa", "anpd", "opc-canada", "fdpic"}
URL_FIELDS = ("website", "complaint_url")


def test_every_law_loads() -> None:
    laws = load_laws()
    assert set(laws) == EXPECTED_LAWS
    assert set(known_law_ids()) == EXPECTED_LAWS
    assert all(isinstance(law, Law) for law in laws.values())


@pytest.mark.parametrize("law_id", sorted(EXPECTED_LAWS))
def test_law_is_well_formed(law_id: str) -> None:
    law = load_laws()[law_id]
    assert law.id == law_id
    assert law.name and law.short_name and law.region
    assert len(law.rights) >= 3
    ids = [r.id for r in law.rights]
    assert len(ids) == len(set(ids)), f"duplicate right ids in {law_id}"
    for right in law.rights:
        assert right.id == right.id.lower() and " " not in right.id
        assert right.title.strip()
        assert right.description.strip()
        assert right.citation.strip()
        assert "\n" not in right.description
    assert law.authority in load_authorities()
    assert law.complaint_right in ids
    assert law.right(law.complaint_right) is not None
    assert all(alias == alias.lower() for alias in law.aliases)


def test_aliases_do_not_collide() -> None:
    seen: dict[str, str] = {}
    for law in load_laws().values():
        for name in (law.id, *law.aliases):
            assert seen.setdefault(name, law.id) == law.id, name


def test_authorities() -> None:
    authorities = load_authorities()
    assert set(authorities) == EXPECTED_AUTHORITIES
    for auth in authorities.values():
        assert isinstance(auth, Authority)
        assert auth.name
        assert isinstance(auth.address, tuple)
        for field in URL_FIELDS:
            value = getattr(auth, field)
            if value is not None:
                parsed = urlparse(value)
                assert parsed.scheme == "https" and parsed.netloc, (auth.id, field, value)


def _entries() -> list[tuple[str, Right | Authority]]:
    return [*((f"{law.id}/{r.id}", r) for law in load_laws().values() for r in law.rights),
            *((a.id, a) for a in load_authorities().values())]


@pytest.mark.parametrize(("label", "entry"), _entries(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_every_entry_says_where_and_when_it_was_checked(label: str, entry: Right | Authority
                                                        ) -> None:
    """A verification date is a promise: every entry names what it was checked against,
    and an entry with no date says why (what was and was not checked)."""
    assert entry.source, label
    for url in entry.source:
        parsed = urlparse(url)
        assert parsed.scheme in ("https", "http") and parsed.netloc, (label, url)
    if entry.verified_on is None:
        assert entry.verification_note and len(entry.verification_note) > 40, label
    else:
        assert isinstance(entry.verified_on, datetime.date)
        assert entry.verification_note, label


def test_no_blanket_verification_date() -> None:
    """The authorities' details were once all claimed as checked on one day against their
    pages; only entries really checked carry a date, and the unchecked ones say so."""
    authorities = load_authorities()
    assert {a.verified_on for a in authorities.values()} != {datetime.date(2026, 11, 24)}
    assert datetime.date(2026, 11, 24) not in {a.verified_on for a in authorities.values()}
    assert authorities["ico"].verified_on is None
    assert authorities["opc-canada"].verified_on is None
    assert authorities["cppa"].verified_on == datetime.date(2026, 12, 2)
    assert authorities["cppa"].unverified == ()


def test_south_african_regulator_is_current() -> None:
    za = load_authorities()["inforegulator-za"]
    assert za.email == "enquiries@inforegulator.org.za"
    assert za.complaint_url == "https://eservices.inforegulator.org.za/"
    assert za.complaint_note and "eServices Portal" in za.complaint_note
    assert "Form 5" in za.complaint_note  # the fallback, by email
    assert za.complaint_email == "POPIAComplaints@inforegulator.org.za"
    assert za.unverified == ("complaint_email",)  # not found on the Regulator's own pages
    assert za.address == ("Woodmead North Office Park", "54 Maxwell Drive", "Woodmead",
                          "Johannesburg", "2191", "South Africa")
    assert za.phone == "010 023 5200"
    assert za.note and "0800 017 160" in za.note
    assert za.verified_on == datetime.date(2026, 12, 2)
    assert any(url.startswith("https://inforegulator.org.za/") for url in za.source)
    stale = ("justice.gov.za", "JD House", "Forum III")
    text = repr(za)
    assert not any(s in text for s in stale)


def test_ccpa_admt_rights_begin_on_1_january_2027() -> None:
    ccpa = load_laws()["ccpa"]
    admt = {"admt-pre-use-notice", "admt-opt-out", "admt-access"}
    before = {r.id for r in ccpa.rights_on(datetime.date(2026, 12, 31))}
    after = {r.id for r in ccpa.rights_on(datetime.date(2027, 1, 1))}
    assert not admt & before
    assert admt <= after
    assert after - before == admt
    citations = {r.id: r.citation for r in ccpa.rights_on(datetime.date(2027, 1, 1))}
    assert citations["admt-pre-use-notice"] == "Cal. Code Regs. tit. 11, § 7220"
    assert citations["admt-opt-out"] == "Cal. Code Regs. tit. 11, § 7221"
    assert citations["admt-access"] == "Cal. Code Regs. tit. 11, § 7222"


def test_ccpa_corrections() -> None:
    ccpa = load_laws()["ccpa"]
    know = ccpa.right("know")
    assert know is not None and "categories of sources" in know.description
    assert "categories of third parties" in know.description
    opt_out = ccpa.right("opt-out-sale-sharing")
    assert opt_out is not None and "1798.135" in opt_out.citation
    assert "preference signal" in opt_out.description
    non_discrimination = ccpa.right("non-discrimination")
    assert non_discrimination is not None
    assert "financial incentive" in non_discrimination.description
    limit = ccpa.right("limit-sensitive")
    assert limit is not None and "use and disclosure" in limit.description


def test_other_corrections() -> None:
    laws = load_laws()
    assert laws["lgpd"].right("complain").citation == "Art. 18 §§1 and 8 LGPD"  # type: ignore[union-attr]
    assert laws["pipeda"].right("judicial-remedy").citation == "PIPEDA ss. 14 and 16"  # type: ignore[union-attr]
    access = laws["popia"].right("access")
    assert access is not None and "prescribed fee" in access.description
    marketing = laws["popia"].right("object-direct-marketing")
    assert marketing is not None
    for words in ("our customer", "bought a product or service from us",
                  "our own similar products", "when we collected your details",
                  "every message"):
        assert words in marketing.description


def test_uk_gdpr_changes_on_their_commencement_dates() -> None:
    uk = load_laws()["uk-gdpr"]

    def right(day: datetime.date, right_id: str) -> Right | None:
        return next((r for r in uk.rights_on(day) if r.id == right_id), None)

    before, after = datetime.date(2026, 2, 4), datetime.date(2026, 2, 5)
    assert right(before, "automated-decisions").citation == "Art. 22 UK GDPR"  # type: ignore[union-attr]
    assert right(after, "automated-decisions").citation == "Arts. 22A-22D UK GDPR"  # type: ignore[union-attr]
    assert "recognised legitimate interest" not in right(before, "object").description  # type: ignore[union-attr]
    assert "recognised legitimate interest" in right(after, "object").description  # type: ignore[union-attr]
    assert right(datetime.date(2026, 6, 18), "complain-to-controller") is None
    assert right(datetime.date(2026, 6, 19), "complain-to-controller") is not None


def test_a_rename_on_a_known_date() -> None:
    """The ANPD became the Agência Nacional de Proteção de Dados on 18 September 2025."""
    anpd = load_authorities()["anpd"]
    assert anpd.on(datetime.date(2025, 9, 17)).name.startswith("Autoridade Nacional")
    assert anpd.on(datetime.date(2025, 9, 18)).name == (
        "Agência Nacional de Proteção de Dados (National Data Protection Agency)")
    complain = load_laws()["lgpd"].right("complain")
    assert complain is not None
    assert "Authority" in complain.on(datetime.date(2025, 9, 17)).description
    assert "Agency" in complain.on(datetime.date(2025, 9, 18)).description


def test_a_pending_rename_never_applies() -> None:
    """The ICO becomes the Information Commission when DUAA ss117-119 commence, on a date
    not yet known: the change is recorded, says what it waits for, and is never shown."""
    ico = load_authorities()["ico"]
    pending = [c for c in ico.changes if c.valid_from is None]
    assert len(pending) == 1
    assert dict(pending[0].values)["name"] == "Information Commission"
    assert pending[0].pending and "119" in pending[0].pending
    assert ico.on(datetime.date(9999, 1, 1)).name == "Information Commissioner's Office"
    complain = load_laws()["uk-gdpr"].right("complain")
    assert complain is not None
    assert "Commission " not in complain.on(datetime.date(9999, 1, 1)).title + " "
    assert None not in change_dates()


def test_change_dates_are_the_known_boundaries() -> None:
    dates = change_dates()
    assert list(dates) == sorted(set(dates))
    for day in ("2025-09-18", "2026-02-05", "2026-06-19", "2027-01-01"):
        assert datetime.date.fromisoformat(day) in dates


@pytest.mark.parametrize(("raw", "message"), [
    ({"id": "x", "title": "T", "description": "D", "citation": "C"}, "verified_on is required"),
    ({"id": "x", "title": "T", "description": "D", "citation": "C", "verified_on": None},
     "verification_note must say"),
    ({"id": "x", "title": "T", "description": "D", "citation": "C", "verified_on": None,
      "verification_note": "n", "colour": "red"}, "unknown keys ['colour']"),
    ({"id": "x", "title": "T", "description": "D", "citation": "C", "verified_on": None,
      "verification_note": "n", "changes": [{"valid_from": None, "title": "U"}]},
     "must say in 'pending'"),
    ({"id": "x", "title": "T", "description": "D", "citation": "C", "verified_on": None,
      "verification_note": "n", "changes": [{"valid_from": "2027-01-01", "id": "y"}]},
     "keys that cannot change: ['id']"),
    ({"id": "x", "title": "T", "description": "D", "citation": "C", "verified_on": None,
      "verification_note": "n", "valid_from": "2027-01-01", "valid_until": "2026-01-01"},
     "valid_until must come after valid_from"),
    ({"id": "x", "title": "T", "description": "D", "citation": "C", "verified_on": "soon",
      "verification_note": "n"}, "'soon' is not a date"),
])
def test_catalog_entries_are_checked_when_loaded(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        _right(raw, "test", ("https://example.org/",))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gdpr", "gdpr"),
        ("GDPR", "gdpr"),
        ("eu", "gdpr"),
        ("uk-gdpr", "uk-gdpr"),
        ("UK GDPR", "uk-gdpr"),
        ("uk_gdpr", "uk-gdpr"),
        ("gb", "uk-gdpr"),
        ("South Africa", "popia"),
        ("za", "popia"),
        ("CPRA", "ccpa"),
        ("us_ca", "ccpa"),
        ("Brazil", "lgpd"),
        ("canada", "pipeda"),
        ("nFADP", "fadp"),
        ("  switzerland ", "fadp"),
    ],
)
def test_resolve_law(name: str, expected: str) -> None:
    assert resolve_law(name) == expected


@pytest.mark.parametrize("name", ["", "hipaa", "gdpr2", "europe-union"])
def test_resolve_unknown_law(name: str) -> None:
    assert resolve_law(name) is None


def test_real_citations() -> None:
    laws = load_laws()
    gdpr_access = laws["gdpr"].right("access")
    assert gdpr_access is not None and gdpr_access.citation == "Art. 15 GDPR"
    uk_access = laws["uk-gdpr"].right("access")
    assert uk_access is not None and uk_access.citation == "Art. 15 UK GDPR"
    popia_access = laws["popia"].right("access")
    assert popia_access is not None and "s23" in popia_access.citation
    ccpa_delete = laws["ccpa"].right("delete")
    assert ccpa_delete is not None and "1798.105" in ccpa_delete.citation
    lgpd_access = laws["lgpd"].right("access")
    assert lgpd_access is not None and lgpd_access.citation == "Art. 18(II) LGPD"
    fadp_access = laws["fadp"].right("access")
    assert fadp_access is not None and fadp_access.citation == "Art. 25 FADP"
    assert laws["gdpr"].right("complain").citation == "Art. 77 GDPR"  # type: ignore[union-attr]


def test_catalogs_are_cached_and_immutable() -> None:
    assert load_laws() is load_laws()
    assert load_authorities() is load_authorities()
    law = load_laws()["gdpr"]
    with pytest.raises(AttributeError):
        law.id = "x"  # type: ignore[misc]
