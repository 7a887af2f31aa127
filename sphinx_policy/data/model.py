"""The normalised policy facts that directives render.

``build_policy_data`` merges parsed files (in order: conf.py data files, a directive's
``:file:``, its inline body), normalises aliases ("analytics" → statistics), parses
durations and checks what a schema cannot: duplicates, references to undefined ids,
unknown laws. It never raises on bad input: it records a :class:`Problem` and keeps
every item it can show, so nothing is dropped silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..catalogs import load_laws, resolve_law
from ..catalogs.requirements import requirement_ids
from .durations import Duration, DurationError, parse_duration
from .parse import DataPath, ParsedData
from .references import REFERENCE, Reference, check_reference, find_references
from .validate import Problem, suggest, validate
from .vocabulary import CATEGORY_ALIASES, NOT_DONE_CHECKS, ROLE_ALIASES, STORAGE_ALIASES

LIST_SECTIONS = ("cookies", "processing", "recipients", "authorities", "jurisdictions",
                 "not_done", "data_categories")
MAPPING_SECTIONS = ("organisation", "rights", "facts")


@dataclass(frozen=True)
class Origin:
    """Where a fact was written: for warnings, and for dating pages by their data files."""

    location: str
    line: int
    relpath: str | None = None  # project-relative data file, None for a directive body


@dataclass
class Contact:
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: tuple[str, ...] = ()


@dataclass
class Office(Contact):
    id: str = ""
    name: str | None = None
    organisation: str | None = None  # the group company whose office this is
    country: str | None = None


@dataclass
class Officer(Contact):
    id: str | None = None
    role: str = ""
    name: str | None = None
    title: str | None = None
    organisation: str | None = None
    office: str | None = None


@dataclass
class Organisation(Contact):
    name: str = ""
    trading_name: str | None = None
    short_name: str | None = None
    registration: dict[str, str] = field(default_factory=dict)
    vat_number: str | None = None
    description: str | None = None
    offices: list[Office] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)


@dataclass
class Recipient:
    id: str
    name: str
    role: str | None = None
    country: str | None = None
    website: str | None = None
    privacy_policy: str | None = None
    purpose: str | None = None
    safeguard: str | None = None


@dataclass
class NotDone:
    """A commitment: something the organisation does *not* do ("We do not sell your
    personal information"). ``practice`` is a built-in kind (checked against the data);
    ``text`` the organisation's own wording, which replaces the built-in sentence."""

    origin: Origin
    id: str | None = None
    practice: str | None = None
    text: str | None = None
    #: Required disclosures this statement answers (``automated-decisions``, ``gdpr:dpo``).
    covers: tuple[str, ...] = ()


@dataclass
class DataCategory:
    """A named group of personal data ("Identity data") and what it includes."""

    id: str
    name: str
    includes: tuple[str, ...] = ()
    description: str | None = None


@dataclass
class Cookie:
    name: str
    category: str
    purpose: str
    expiry: Duration | None
    origin: Origin
    provider: str | None = None  # a recipient id, "first-party", or a provider name
    provider_url: str | None = None
    party: str | None = None
    domain: str | None = None
    storage: str = "cookie"
    notes: str | None = None

    @property
    def wildcard(self) -> bool:
        return "*" in self.name


@dataclass
class Transfer:
    country: str
    safeguard: str | None = None
    recipient: str | None = None


@dataclass
class Activity:
    origin: Origin
    id: str | None = None
    name: str | None = None
    data: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    indirect: bool = False  # not collected from the person (Art. 14 GDPR)
    purposes: tuple[str, ...] = ()
    lawful_basis: dict[str, str] = field(default_factory=dict)  # law id or "*" -> basis
    legitimate_interest: str | None = None
    recipients: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    retention: Duration | None = None
    storage: str | None = None
    required: bool | str | None = None
    consequences: str | None = None
    authorised_by: str | None = None  # the law authorising the collection (s18(1)(f) POPIA)
    automated_decisions: str | None = None
    special_category: bool = False
    categories: tuple[str, ...] = ()  # data category ids


@dataclass
class Jurisdiction:
    law: str
    authority: str | None = None


@dataclass
class PolicyData:
    organisation: Organisation | None = None
    cookies: list[Cookie] = field(default_factory=list)
    processing: list[Activity] = field(default_factory=list)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    jurisdictions: list[Jurisdiction] = field(default_factory=list)
    rights: dict[str, Any] = field(default_factory=dict)
    authorities: dict[str, dict[str, Any]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    not_done: list[NotDone] = field(default_factory=list)
    data_categories: dict[str, DataCategory] = field(default_factory=dict)
    #: The merged raw data, for the ``{policy}`` fact role.
    raw: dict[str, Any] = field(default_factory=dict)
    #: Section name -> project-relative data files that contributed to it.
    sources: dict[str, set[str]] = field(default_factory=dict)

    def files_for(self, sections: Iterable[str]) -> set[str]:
        return set().union(*(self.sources.get(s, set()) for s in sections))


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _items(value: Any) -> list[Any]:
    """A list the schema expects; anything else (reported as policy.data) holds no items."""
    return value if isinstance(value, list) else []


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None and not isinstance(v, dict | list))
    text = _text(value)
    return (text,) if text else ()


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(line.strip() for line in value.splitlines() if line.strip())
    return _texts(value)


def _contact(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": _text(raw.get("email")),
        "phone": _text(raw.get("phone")),
        "website": _text(raw.get("website")),
        "address": _lines(raw.get("address")),
    }


class _Builder:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.data = PolicyData()
        self.raw: dict[str, Any] = {}
        self.seen_cookies: dict[tuple[str, str | None, str, str | None], Origin] = {}
        self.officer_origins: list[Origin] = []
        self.office_origins: list[Origin] = []
        self._origins: dict[tuple[str, str], Origin] = {}
        #: ``{kind:id}`` references written in free text, checked once all parts are read.
        self.references: list[tuple[Reference, Origin]] = []

    def problem(self, subtype: str, message: str, origin: Origin) -> None:
        self.problems.append(Problem(subtype, message, origin.location, origin.line))

    def add(self, part: ParsedData, relpath: str | None) -> None:
        self.problems.extend(validate(part))
        if not isinstance(part.data, dict):
            return
        for section, value in part.data.items():
            if section not in LIST_SECTIONS + MAPPING_SECTIONS:
                continue  # reported by the schema
            if relpath:
                self.data.sources.setdefault(section, set()).add(relpath)
            for path, reference in find_references(value, (section,)):
                line = part.line_of(path)
                self.references.append((reference, Origin(part.location, line, relpath)))
            if section in LIST_SECTIONS:
                items = value if isinstance(value, list) else []
                self.raw.setdefault(section, []).extend(items)
                for index, item in enumerate(items):
                    origin = Origin(part.location, part.line_of((section, index)), relpath)
                    if isinstance(item, dict) or section == "jurisdictions":
                        getattr(self, f"_add_{section}")(item, origin, part, (section, index))
            elif isinstance(value, dict):
                _deep_merge(self.raw.setdefault(section, {}), value)
                if section == "organisation" and isinstance(value.get("officers"), list):
                    # A later part's officers replace earlier ones: keep their lines.
                    self.officer_origins = [
                        Origin(part.location, part.line_of((section, "officers", i)), relpath)
                        for i in range(len(value["officers"]))
                    ]
                if section == "organisation" and isinstance(value.get("offices"), list):
                    self.office_origins = [
                        Origin(part.location, part.line_of((section, "offices", i)), relpath)
                        for i in range(len(value["offices"]))
                    ]

    # -- list sections -------------------------------------------------------------
    def _duration(self, raw: dict[str, Any], key: str, what: str, origin: Origin,
                  part: ParsedData, path: DataPath) -> Duration | None:
        """``raw[key]`` as a duration; a value that is not one is warned about (at its own
        line) and kept as the text the user wrote, never dropped."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            return Duration("text", text=str(value))
        try:
            return parse_duration(value)
        except DurationError as err:
            where = Origin(origin.location, part.line_of((*path, key)), origin.relpath)
            self.problem("data", f"{what}: {key} {err}", where)
            return Duration("text", text=value)

    def _add_cookies(self, raw: dict[str, Any], origin: Origin, part: ParsedData,
                     path: DataPath) -> None:
        name = _text(raw.get("name")) or ""
        category = CATEGORY_ALIASES.get(str(raw.get("category", "")).lower(), "unclassified")
        storage = STORAGE_ALIASES.get(str(raw.get("storage", "cookie")).lower(), "cookie")
        expiry = self._duration(raw, "expiry", f"cookie {_shown(name)}", origin, part, path)
        domain = _text(raw.get("domain"))
        provider = _text(raw.get("provider"))
        # Two providers may set a cookie of the same name (two ad networks' "uid").
        key = (name, domain, storage, provider)
        if name and key in self.seen_cookies:
            first = self.seen_cookies[key]
            self.problem(
                "data",
                f"cookie {_shown(name)} ({storage}{', ' + _clip(domain) if domain else ''}) is "
                "declared twice; "
                f"the first declaration is at {_where(first)}. Keep one, or give "
                "them different domains",
                origin,
            )
        self.seen_cookies.setdefault(key, origin)
        self.data.cookies.append(
            Cookie(
                name=name,
                category=category,
                purpose=_text(raw.get("purpose")) or "",
                expiry=expiry,
                origin=origin,
                provider=provider,
                provider_url=_text(raw.get("provider_url")),
                party=_text(raw.get("party")),
                domain=domain,
                storage=storage,
                notes=_text(raw.get("notes")),
            )
        )

    def _add_processing(self, raw: dict[str, Any], origin: Origin, part: ParsedData,
                        path: DataPath) -> None:
        basis = raw.get("lawful_basis")
        bases: dict[str, str] = {}
        if isinstance(basis, str):
            bases["*"] = basis
        elif isinstance(basis, dict):
            for law, value in basis.items():
                law_id = resolve_law(law)
                if law_id is None:
                    where = Origin(origin.location, part.line_of((*path, "lawful_basis", law)),
                                   origin.relpath)
                    self.problem("reference", unknown_law_message(law), where)
                    law_id = law
                bases[law_id] = str(value)
        retention = self._duration(raw, "retention", "processing activity", origin, part, path)
        required = raw.get("required")
        transfers = tuple(
            Transfer(
                str(t.get("country", "")), _text(t.get("safeguard")), _text(t.get("recipient"))
            )
            for t in _items(raw.get("transfers"))
            if isinstance(t, dict)
        )
        self.data.processing.append(
            Activity(
                origin=origin,
                id=_text(raw.get("id")),
                name=_text(raw.get("name")),
                data=_texts(raw.get("data")),
                source=_texts(raw.get("source")),
                indirect=raw.get("indirect") is True,
                purposes=_texts(raw.get("purposes")),
                lawful_basis=bases,
                legitimate_interest=_text(raw.get("legitimate_interest")),
                recipients=_texts(raw.get("recipients")),
                transfers=transfers,
                retention=retention,
                storage=_text(raw.get("storage")),
                required=required if isinstance(required, bool | str) else None,
                consequences=_text(raw.get("consequences")),
                authorised_by=_text(raw.get("authorised_by")),
                automated_decisions=_text(raw.get("automated_decisions")),
                special_category=raw.get("special_category") is True,
                categories=_texts(raw.get("categories")),
            )
        )

    def _add_not_done(self, raw: dict[str, Any], origin: Origin, part: ParsedData,
                      path: DataPath) -> None:
        self.data.not_done.append(NotDone(
            origin=origin,
            id=_text(raw.get("id")),
            practice=_text(raw.get("practice")),
            text=_text(raw.get("text")),
            covers=_texts(raw.get("covers")),
        ))

    def _add_data_categories(self, raw: dict[str, Any], origin: Origin, part: ParsedData,
                             path: DataPath) -> None:
        cid = _text(raw.get("id")) or ""
        if cid in self.data.data_categories:
            self.problem("data", f"the data category id {cid!r} is defined twice; ids must be "
                         "unique", origin)
        self.data.data_categories[cid] = DataCategory(
            id=cid,
            name=_text(raw.get("name")) or cid,
            includes=_texts(raw.get("includes")),
            description=_text(raw.get("description")),
        )

    def _add_recipients(self, raw: dict[str, Any], origin: Origin, part: ParsedData,
                        path: DataPath) -> None:
        rid = _text(raw.get("id")) or ""
        if rid in self.data.recipients:
            self._twice("the recipient id", rid, self._origins[("recipients", rid)], origin,
                        "this definition replaces the first")
        self.data.recipients[rid] = Recipient(
            id=rid,
            name=_text(raw.get("name")) or rid,
            role=_text(raw.get("role")),
            country=_text(raw.get("country")),
            website=_text(raw.get("website")),
            privacy_policy=_text(raw.get("privacy_policy")),
            purpose=_text(raw.get("purpose")),
            safeguard=_text(raw.get("safeguard")),
        )
        self._origins[("recipients", rid)] = origin

    def _add_authorities(self, raw: dict[str, Any], origin: Origin, part: ParsedData,
                         path: DataPath) -> None:
        aid = _text(raw.get("id")) or ""
        if aid in self.data.authorities:
            self._twice("the authority id", aid, self._origins[("authorities", aid)], origin,
                        "this definition replaces the first")
        self.data.authorities[aid] = dict(raw)
        self._origins[("authorities", aid)] = origin

    def _add_jurisdictions(self, raw: Any, origin: Origin, part: ParsedData,
                           path: DataPath) -> None:
        law = raw.get("law") if isinstance(raw, dict) else raw
        authority = _text(raw.get("authority")) if isinstance(raw, dict) else None
        law_id = resolve_law(str(law)) if law is not None else None
        if law_id is None:
            self.problem("reference", unknown_law_message(law), origin)
            return
        first = self._origins.get(("jurisdictions", law_id))
        if first is not None:
            self._twice("the jurisdiction", law_id, first, origin, "keep one")
        self.data.jurisdictions.append(Jurisdiction(law_id, authority))
        self._origins.setdefault(("jurisdictions", law_id), origin)

    def _twice(self, what: str, ident: str, first: Origin, origin: Origin,
               outcome: str) -> None:
        """Report an id given twice, naming both places (this one is ``origin``)."""
        self.problem(
            "data",
            f"{what} {_shown(ident)} is defined twice; the first definition is at "
            f"{_where(first)}. "
            f"Ids must be unique: {outcome}",
            origin,
        )

    # -- finishing -------------------------------------------------------------------
    def finish(self) -> PolicyData:
        data = self.data
        data.raw = self.raw
        org = self.raw.get("organisation")
        if isinstance(org, dict):
            data.organisation = Organisation(
                name=_text(org.get("name")) or "",
                trading_name=_text(org.get("trading_name")),
                short_name=_text(org.get("short_name")),
                registration={k: str(v) for k, v in (org.get("registration") or {}).items()}
                if isinstance(org.get("registration"), dict) else {},
                vat_number=_text(org.get("vat_number")),
                description=_text(org.get("description")),
                offices=[
                    Office(id=_text(o.get("id")) or "", name=_text(o.get("name")),
                           organisation=_text(o.get("organisation")),
                           country=_text(o.get("country")), **_contact(o))
                    for o in _items(org.get("offices")) if isinstance(o, dict)
                ],
                officers=[
                    Officer(
                        id=_text(o.get("id")),
                        role=ROLE_ALIASES.get(str(o.get("role")), str(o.get("role", ""))),
                        name=_text(o.get("name")),
                        title=_text(o.get("title")),
                        organisation=_text(o.get("organisation")),
                        office=_text(o.get("office")),
                        **_contact(o),
                    )
                    for o in _items(org.get("officers")) if isinstance(o, dict)
                ],
                **_contact(org),
            )
        data.rights = self.raw.get("rights", {})
        data.facts = self.raw.get("facts", {})
        self._check_duplicate_ids()
        self._check_references()
        return data

    def _check_duplicate_ids(self) -> None:
        """Ids of list items the model keeps as lists: every item is kept and shown, and a
        second use of an id is reported at its line, naming the first."""
        first: dict[tuple[str, str], Origin] = {}

        def check(kind: str, ident: str | None, origin: Origin, outcome: str) -> None:
            if not ident:
                return
            if (kind, ident) in first:
                self._twice(kind, ident, first[(kind, ident)], origin, outcome)
            else:
                first[(kind, ident)] = origin

        for activity in self.data.processing:
            check("the processing activity id", activity.id, activity.origin,
                  "both activities are shown; give each its own id")
        org = self.data.organisation
        if org is not None:
            for index, office in enumerate(org.offices):
                origin = (self.office_origins[index] if index < len(self.office_origins)
                          else Origin("organisation", 1))
                check("the office id", office.id, origin,
                      "both offices are shown, and references to the id use the first")
            for index, officer in enumerate(org.officers):
                origin = (self.officer_origins[index] if index < len(self.officer_origins)
                          else Origin("organisation", 1))
                check("the officer id", officer.id, origin, "both officers are shown")

    def _check_references(self) -> None:
        data = self.data
        known = sorted(data.recipients)
        for activity in data.processing:
            for rid in activity.recipients:
                if rid not in data.recipients:
                    self.problem(
                        "reference",
                        f"processing activity {_activity_label(activity)!r} names the "
                        f"recipient {rid!r}, which is not defined under 'recipients'"
                        f"{suggest(rid, known)} Defined: {', '.join(known) or 'none'}",
                        activity.origin,
                    )
            categories = sorted(data.data_categories)
            for cid in activity.categories:
                if cid not in data.data_categories:
                    self.problem(
                        "reference",
                        f"processing activity {_activity_label(activity)!r} names the data "
                        f"category {cid!r}, which is not defined under 'data_categories'"
                        f"{suggest(cid, categories)} Defined: {', '.join(categories) or 'none'}",
                        activity.origin,
                    )
        for reference, origin in self.references:
            message = check_reference(reference, data)
            if message:
                self.problem(REFERENCE, message, origin)
        self._check_not_done()
        for cookie in data.cookies:
            # A provider may be a free-text name; one that is nearly a recipient id is a
            # typo that would lose the recipient's name and privacy-policy link.
            provider = cookie.provider
            if not provider or provider in data.recipients:
                continue
            close = difflib.get_close_matches(provider, known, n=1, cutoff=0.75)
            if close:
                self.problem(
                    "reference",
                    f"cookie {cookie.name!r}: the provider {provider!r} is not a recipient id; "
                    f"did you mean {close[0]!r}? It is shown as written, without the "
                    f"recipient's name and link. Defined: {', '.join(known)}",
                    cookie.origin,
                )
        if data.organisation:
            offices = [o.id for o in data.organisation.offices]
            origins = self.officer_origins
            for index, officer in enumerate(data.organisation.officers):
                origin = origins[index] if index < len(origins) else Origin("organisation", 1)
                if officer.office and officer.office not in offices:
                    self.problem(
                        "reference",
                        f"the officer {officer.name or officer.role!r} names the office "
                        f"{officer.office!r}, which is not defined under 'organisation.offices'"
                        f"{suggest(officer.office, offices)} "
                        f"Defined: {', '.join(offices) or 'none'}",
                        origin,
                    )

    def _check_not_done(self) -> None:
        """A commitment the data contradicts ("no analytics" beside a statistics cookie)."""
        data = self.data
        known = requirement_ids()
        for item in data.not_done:
            for name in item.covers:
                if name not in known:
                    self.problem(
                        "reference",
                        f"not_done {item.id or item.practice or ''!r}: covers names "
                        f"{name!r}, which is not a required disclosure"
                        f"{suggest(name, sorted(known))} Accepted: a requirement id such as "
                        "'automated-decisions' or 'gdpr:dpo' (see the disclosure catalogs)",
                        item.origin,
                    )
            check = NOT_DONE_CHECKS.get(item.practice or "")
            if check is None:
                continue
            categories, special = check
            for cookie in data.cookies:
                if cookie.category in categories:
                    self.problem(
                        "data",
                        f"not_done says {item.practice!r}, but the cookie {_shown(cookie.name)} "
                        f"({_where(cookie.origin)}) is in the {cookie.category!r} "
                        "category: remove the commitment, or the cookie, or correct its "
                        "category",
                        item.origin,
                    )
            if special:
                for activity in data.processing:
                    if activity.special_category:
                        self.problem(
                            "data",
                            f"not_done says {item.practice!r}, but the processing activity "
                            f"{_shown(_activity_label(activity))} ({_where(activity.origin)}) "
                            "has special_category: true",
                            item.origin,
                        )


def _clip(text: str, limit: int = 60) -> str:
    """A value as quoted in a message: at most ``limit`` characters (a 2 MB name must not
    make a 2 MB warning)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(text: str) -> str:
    return repr(_clip(text))


def _where(origin: Origin) -> str:
    """``file:line`` for a message: the project-relative path when known (not the absolute
    path of the working tree)."""
    return f"{origin.relpath or origin.location}:{origin.line}"


def _activity_label(activity: Activity) -> str:
    return activity.id or activity.name or f"at line {activity.origin.line}"


def unknown_law_message(law: Any) -> str:
    laws = sorted(load_laws())
    return (
        f"{law!r} is not a known jurisdiction{suggest(str(law), laws)} "
        f"Accepted: {', '.join(laws)} (and aliases such as eu, uk, za, california)"
    )


def _deep_merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge ``update`` into ``target``, copying its mappings: the parsed files are shared
    (one parse per content, see ``loading.parse_blob``) and must never change."""
    for key, value in update.items():
        if isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _deep_merge(target[key], value)
        else:
            target[key] = value


def build_policy_data(
    parts: Iterable[tuple[ParsedData, str | None]],
) -> tuple[PolicyData, list[Problem]]:
    """Merge ``(parsed, relpath)`` parts in order into one :class:`PolicyData`."""
    builder = _Builder()
    for part, relpath in parts:
        builder.add(part, relpath)
    return builder.finish(), builder.problems
