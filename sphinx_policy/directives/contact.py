"""``contact``: the contact block of the organisation, an office, an officer or an authority.

Output is a container (``<address>`` in HTML, via html.py) holding the name, the postal
address as a line block, and ``mailto:``/``tel:``/web links in a field list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from ..catalogs import load_authorities, load_laws, resolve_law
from ..data.model import Officer, PolicyData
from ..data.validate import suggest
from ..data.vocabulary import ROLE_ALIASES, ROLE_LABELS
from ..diagnostics import Subtype, warn
from ..locale import _, catalog_text
from ..state.data import unread_files_note
from .base import DataDirective
from .in_force import catalog_day
from .nodes_util import email_link, link, para, phone_link


@dataclass
class ContactCard:
    """What a contact block shows; built from any kind of party."""

    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    address: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    extra: list[tuple[str, nodes.Node]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


FIELDS = ("name", "role", "organisation", "address", "email", "phone", "website",
          "registration", "complaints")


def contact_block(card: ContactCard, fields: tuple[str, ...] = FIELDS) -> nodes.container:
    block = nodes.container(classes=["policy-contact"])
    if card.name and "name" in fields:
        block += para(nodes.strong(card.name, card.name), classes=["policy-contact-name"])
    if card.role and "role" in fields:
        block += para(card.role, classes=["policy-contact-role"])
    if card.organisation and "organisation" in fields:
        block += para(card.organisation, classes=["policy-contact-organisation"])
    if card.address and "address" in fields:
        lines = nodes.line_block(classes=["policy-contact-address"])
        for text in card.address:
            lines += nodes.line(text, text)
        block += lines
    items: list[tuple[str, nodes.Node]] = []
    if card.email and "email" in fields:
        items.append((str(_("Email")), email_link(card.email)))
    if card.phone and "phone" in fields:
        items.append((str(_("Phone")), phone_link(card.phone)))
    if card.website and "website" in fields:
        items.append((str(_("Website")), link(card.website, card.website)))
    if "complaints" in fields or "registration" in fields:
        items.extend(card.extra)
    if items:
        field_list = nodes.field_list(classes=["policy-contact-fields"])
        for label, value in items:
            field_list += nodes.field(
                "", nodes.field_name(label, label), nodes.field_body("", para(value))
            )
        block += field_list
    for note in card.notes:
        block += para(note, classes=["policy-contact-note"])
    return block


#: Keys of a catalog authority whose text goes through the message catalog.
TRANSLATED_KEYS = ("name", "note", "complaint_note")


def authority_record(authority_id: str, data: PolicyData, day: dt.date) -> dict[str, Any] | None:
    """The catalog entry for ``authority_id`` as it is on ``day`` (a renamed authority has
    its new name from the day of the change), with the user's overrides from the data."""
    catalog = load_authorities().get(authority_id)
    record: dict[str, Any] = {}
    if catalog is not None:
        catalog = catalog.on(day)
        record = {k: getattr(catalog, k) for k in catalog.__dataclass_fields__}
        # The catalog's own wording is translated; the user's overrides below are not.
        for key in TRANSLATED_KEYS:
            if isinstance(record.get(key), str):
                record[key] = catalog_text(record[key], catalog.id)
        # The country line of a postal address, in the reader's language.
        record["address"] = tuple(catalog_text(line, catalog.id)
                                  for line in record.get("address") or ())
    override = data.authorities.get(authority_id)
    if override:
        record.update({k: v for k, v in override.items() if v is not None})
    return record or None


def authority_card(record: dict[str, Any]) -> ContactCard:
    def text(key: str) -> str | None:
        # Overrides from the data may have any type (the schema reports it): text only.
        value = record.get(key)
        return str(value) if isinstance(value, str | int | float) and value != "" else None

    address = record.get("address") or ()
    if isinstance(address, str):
        address = tuple(address.splitlines())
    elif isinstance(address, list | tuple):
        address = tuple(str(line) for line in address if isinstance(line, str | int | float))
    else:
        address = ()
    card = ContactCard(
        name=text("name"),
        address=address,
        email=text("email"),
        phone=text("phone"),
        website=text("website"),
    )
    if url := text("complaint_url"):
        card.extra.append((str(_("Complaints")), link(url, url)))
    if email := text("complaint_email"):
        card.extra.append((str(_("Complaints by email")), email_link(email)))
    card.notes = [str(record[key]) for key in ("note", "complaint_note") if record.get(key)]
    return card


def law_authority(law_id: str, data: PolicyData) -> str:
    for jurisdiction in data.jurisdictions:
        if jurisdiction.law == law_id and jurisdiction.authority:
            return jurisdiction.authority
    return load_laws()[law_id].authority


def officer_card(officer: Officer, data: PolicyData) -> ContactCard:
    org = data.organisation
    office = next((o for o in org.offices if o.id == officer.office), None) if org else None
    return ContactCard(
        name=officer.name or str(ROLE_LABELS.get(officer.role, officer.role)),
        role=officer.title or (str(ROLE_LABELS.get(officer.role, "")) if officer.name else None),
        # An officer reached at a group company's office works for that company.
        organisation=officer.organisation or (office.organisation if office else None)
        or (org.name if org else None),
        address=officer.address or (office.address if office else ()),
        email=officer.email,
        phone=officer.phone,
        website=officer.website,
    )


def find_officers(data: PolicyData, key: str) -> list[Officer]:
    org = data.organisation
    if org is None:
        return []
    role = ROLE_ALIASES.get(key, key)
    by_id = [o for o in org.officers if o.id == key]
    return by_id or [o for o in org.officers if o.role == role]


#: Attribute of a contact block: what it shows ("organisation", "office", "authority",
#: "officer:<role>"); the disclosure checklist links to the block that shows a fact.
SHOWS_ATTR = "policy_contact_shows"


class ContactDirective(DataDirective):
    """Render a contact block.

    Argument: ``organisation`` (default), ``office <id>``, ``officer <id or role>`` (or
    just the role, e.g. ``dpo``, ``information-officer``), or ``authority <id or law>``.
    """

    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "fields": directives.unchanged,
    }
    sections = ("organisation", "authorities", "jurisdictions")

    def run(self) -> list[nodes.Node]:
        data = self.policy_data()
        words = (self.arguments[0] if self.arguments else "organisation").split()
        kind, key = words[0].lower(), " ".join(words[1:])
        if kind in ROLE_LABELS or kind in ROLE_ALIASES:
            kind, key = "officer", kind
        fields = tuple(self.choices("fields", FIELDS)) or FIELDS
        cards = self.cards(kind, key, data)
        shown = [self.authority_id(key, data)] if kind == "authority" and cards else []
        output = self.wrap([contact_block(card, fields) for card in cards], "contact",
                           authorities=shown)
        shows = [f"officer:{o.role}" for o in find_officers(data, key)] if kind == "officer" \
            else ["organisation" if kind == "organization" else kind]
        for node in output:
            if isinstance(node, nodes.Element):
                node[SHOWS_ATTR] = shows
        return output

    @staticmethod
    def authority_id(key: str, data: PolicyData) -> str:
        """The authority ``contact authority KEY`` names: a law's (as the data assigns
        it) or the one with that id."""
        law = resolve_law(key)
        return law_authority(law, data) if law else key

    def cards(self, kind: str, key: str, data: PolicyData) -> list[ContactCard]:
        org = data.organisation
        if kind in ("organisation", "organization"):
            if org is None:
                self.missing("the organisation", "an 'organisation' section with at least 'name'")
                return []
            card = ContactCard(name=org.name, address=org.address, email=org.email,
                               phone=org.phone, website=org.website)
            if org.trading_name:
                card.organisation = str(_("Trading as %s")) % org.trading_name
            reg = org.registration
            if reg.get("number"):
                text = " ".join(filter(None, [reg.get("register"), reg["number"]]))
                card.extra.append((str(_("Registration")), nodes.Text(text)))
            elif reg.get("register"):  # "registered with the CIPC": no number given
                text = str(_("Registered with %s")) % reg["register"]
                card.extra.append((str(_("Registration")), nodes.Text(text)))
            if not card.address and org.offices:
                card.address = org.offices[0].address
            return [card]
        if kind == "office":
            offices = org.offices if org else []
            if key:
                office = next((o for o in offices if o.id == key), None)
            else:
                office = offices[0] if offices else None
            if office is None:
                self.unknown("office", key, [o.id for o in offices])
                return []
            # The office of a group company names that company, not the organisation.
            company = office.organisation or (org.name if org else None)
            return [ContactCard(name=office.name or company,
                                organisation=company if office.name else None,
                                address=office.address, email=office.email, phone=office.phone,
                                website=office.website)]
        if kind == "officer":
            officers = find_officers(data, key)
            if not officers:
                known = [o.id or o.role for o in org.officers] if org else []
                self.unknown("officer", key, known)
            return [officer_card(o, data) for o in officers]
        if kind == "authority":
            record = authority_record(self.authority_id(key, data), data, catalog_day(self))
            if record is None:
                known = sorted(set(load_authorities()) | set(data.authorities) | set(load_laws()))
                self.unknown("authority", key, known)
                return []
            return [authority_card(record)]
        self.unknown("contact kind", kind, ["organisation", "office", "officer", "authority",
                                             *ROLE_LABELS])
        return []

    def unknown(self, what: str, key: str, known: list[str]) -> None:
        warn(
            Subtype.REFERENCE,
            f"{self.name}: no {what} {key!r} is defined{suggest(key, known)} "
            f"Defined: {', '.join(k for k in known if k) or 'none'}",
            location=self.get_location(),
        )

    def missing(self, what: str, needed: str) -> None:
        warn(Subtype.REFERENCE, f"{self.name}: {what} is not defined in the data"
             f"{unread_files_note(self.env)}; add {needed}", location=self.get_location())
