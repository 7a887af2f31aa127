"""Built-in legal catalogs: data-subject rights per law and supervisory authorities.

The facts live in YAML files shipped as package data (``laws/<id>.yaml`` and
``authorities.yaml``); this module only loads them into frozen dataclasses.

Every entry (a right, an authority) says where its wording or details were checked
(``source``: one URL or a list) and when (``verified_on``: a date, or null when it was
not checked against that source; ``verification_note`` says what was checked against
what). These three are for maintainers and are never rendered.

Entries change on known dates. A right can say from when and until when it applies
(``valid_from``, ``valid_until``: the right is in force on ``valid_from`` and no longer on
``valid_until``), and any entry can list ``changes``: each gives the date from which it
applies (``valid_from``) and the keys that change then. A change whose ``valid_from`` is
null is *pending*: its commencement date is not known yet, it never applies, and its
``pending`` text says what it waits for. :meth:`Law.rights_on` and :meth:`Authority.on`
give the version in force on a day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = ["Authority", "Change", "Law", "Right", "Stale", "change_dates", "known_law_ids",
           "load_authorities", "load_laws", "resolve_law", "stale_entries"]

#: Keys of an entry that say where and when it was checked (never rendered).
PROVENANCE_KEYS = ("source", "verified_on", "verification_note", "unverified")
#: Keys of a dated change besides the ones it changes.
CHANGE_KEYS = ("valid_from", "pending")


@dataclass(frozen=True)
class Change:
    """Keys of an entry that take new values from ``valid_from`` (None: pending)."""

    valid_from: datetime.date | None
    values: tuple[tuple[str, Any], ...]
    pending: str | None = None

    def applies_on(self, day: datetime.date) -> bool:
        return self.valid_from is not None and self.valid_from <= day


@dataclass(frozen=True)
class Right:
    id: str
    title: str
    description: str
    citation: str
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    changes: tuple[Change, ...] = ()
    source: tuple[str, ...] = ()
    verified_on: datetime.date | None = None
    verification_note: str | None = None
    unverified: tuple[str, ...] = ()

    def in_force_on(self, day: datetime.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day < self.valid_until))

    def on(self, day: datetime.date) -> Right:
        """This right as worded on ``day`` (its changes up to that day applied)."""
        return _apply_changes(self, day)


@dataclass(frozen=True)
class Law:
    id: str
    name: str
    short_name: str
    region: str
    aliases: tuple[str, ...]
    authority: str
    complaint_right: str
    rights: tuple[Right, ...]
    source: tuple[str, ...] = ()

    def right(self, right_id: str) -> Right | None:
        return next((r for r in self.rights if r.id == right_id), None)

    def rights_on(self, day: datetime.date) -> tuple[Right, ...]:
        """The rights in force on ``day``, each as worded on that day."""
        return tuple(r.on(day) for r in self.rights if r.in_force_on(day))


@dataclass(frozen=True)
class Authority:
    id: str
    name: str
    verified_on: datetime.date | None
    source: tuple[str, ...]
    short_name: str | None = None
    country: str | None = None
    website: str | None = None
    complaint_url: str | None = None
    complaint_email: str | None = None
    complaint_note: str | None = None
    email: str | None = None
    phone: str | None = None
    address: tuple[str, ...] = ()
    note: str | None = None
    verification_note: str | None = None
    unverified: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()

    def on(self, day: datetime.date) -> Authority:
        """This authority as it is on ``day`` (renamed, new contact details...)."""
        return _apply_changes(self, day)


def _apply_changes(entry: Any, day: datetime.date) -> Any:
    values: dict[str, Any] = {}
    for change in sorted((c for c in entry.changes if c.applies_on(day)),
                         key=lambda c: c.valid_from):
        values.update(change.values)
    return replace(entry, **values) if values else entry


def read_catalog(relpath: str) -> Any:
    """A YAML file of the package's own catalogs (trusted: shipped with the package)."""
    return yaml.safe_load(files(__name__).joinpath(relpath).read_text(encoding="utf-8"))


def _normalise(name: str) -> str:
    return "-".join(name.strip().lower().replace("_", " ").replace("-", " ").split())


def _text(value: Any) -> str | None:
    """Folded YAML text on one line (None stays None)."""
    return " ".join(str(value).split()) if value is not None else None


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None or (isinstance(value, datetime.date)
                         and not isinstance(value, datetime.datetime)):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _urls(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


#: How a key of an entry is read from YAML, per kind of value.
_TEXT_KEYS = {"title", "description", "note", "complaint_note", "verification_note", "pending"}


def _value(key: str, value: Any, where: str) -> Any:
    if key in ("valid_from", "valid_until", "verified_on"):
        return _date(value, f"{where} {key}")
    if key == "source":
        return _urls(value)
    if key in ("address", "unverified"):
        return tuple(str(line) for line in value or ())
    if key in _TEXT_KEYS:
        return _text(value)
    return value


def _changes(raw: Any, allowed: set[str], where: str) -> tuple[Change, ...]:
    result = []
    for index, item in enumerate(raw or (), 1):
        place = f"{where} change {index}"
        if not isinstance(item, dict) or "valid_from" not in item:
            raise ValueError(f"{place}: a change is a mapping with valid_from (a date, or "
                             "null while its commencement date is not known)")
        unknown = set(item) - allowed - set(CHANGE_KEYS)
        if unknown:
            raise ValueError(f"{place}: keys that cannot change: {sorted(unknown)}")
        valid_from = _date(item["valid_from"], f"{place} valid_from")
        if valid_from is None and not item.get("pending"):
            raise ValueError(f"{place}: a change without a date must say in 'pending' what "
                             "its commencement waits for")
        values = tuple((k, _value(k, v, place)) for k, v in item.items()
                       if k not in CHANGE_KEYS)
        result.append(Change(valid_from, values, _text(item.get("pending"))))
    return tuple(result)


#: Keys of a right that a dated change may give new values.
_RIGHT_CHANGEABLE = {"title", "description", "citation"}
_RIGHT_KEYS = {"id", "title", "description", "citation", "valid_from", "valid_until",
               "changes", *PROVENANCE_KEYS}
_LAW_KEYS = {"id", "name", "short_name", "region", "aliases", "authority", "complaint_right",
             "rights", "source"}


def _entry_data(raw: dict[str, Any], keys: set[str], changeable: set[str],
                where: str) -> dict[str, Any]:
    """The keyword arguments of a catalog entry (a right, an authority), read and checked:
    known keys only, dates and texts normalised, ``changes`` read, and the provenance a
    verification date promises (a note when there is no date)."""
    unknown = set(raw) - keys
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if "verified_on" not in raw:
        raise ValueError(f"{where}: verified_on is required (a date, or null with a "
                         "verification_note saying what was and was not checked)")
    data = {key: _value(key, value, where) for key, value in raw.items() if key != "changes"}
    data["changes"] = _changes(raw.get("changes"), changeable, where)
    if set(data.get("unverified", ())) - changeable:
        raise ValueError(f"{where}: unverified names keys the entry does not have")
    if data["verified_on"] is None and not data.get("verification_note"):
        raise ValueError(f"{where}: verified_on is null, so verification_note must say "
                         "what was checked against what")
    return data


def _right(raw: dict[str, Any], law_id: str, law_source: tuple[str, ...]) -> Right:
    where = f"law {law_id!r} right {raw.get('id')!r}"
    data = _entry_data(raw, _RIGHT_KEYS, _RIGHT_CHANGEABLE, where)
    data["source"] = data.get("source") or law_source
    right = Right(**data)
    if right.valid_from and right.valid_until and right.valid_until <= right.valid_from:
        raise ValueError(f"{where}: valid_until must come after valid_from")
    return right


@cache
def load_laws() -> dict[str, Law]:
    """Return every built-in law, keyed by id, sorted by id."""
    laws: dict[str, Law] = {}
    for entry in sorted(files(__name__).joinpath("laws").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = read_catalog(f"laws/{entry.name}")
        unknown = set(raw) - _LAW_KEYS
        if unknown:
            raise ValueError(f"catalog file {entry.name}: unknown keys {sorted(unknown)}")
        source = _urls(raw.get("source"))
        law = Law(
            id=raw["id"],
            name=raw["name"],
            short_name=raw["short_name"],
            region=raw["region"],
            aliases=tuple(str(a).lower() for a in raw.get("aliases") or ()),
            authority=raw["authority"],
            complaint_right=raw["complaint_right"],
            rights=tuple(_right(r, raw["id"], source) for r in raw["rights"]),
            source=source,
        )
        if entry.name != f"{law.id}.yaml":
            raise ValueError(f"catalog file {entry.name} declares id {law.id!r}")
        laws[law.id] = law
    return laws


_AUTHORITY_KEYS = {f.name for f in fields(Authority)}
#: Keys of an authority that a dated change may give new values.
_AUTHORITY_CHANGEABLE = _AUTHORITY_KEYS - {"id", "changes", *PROVENANCE_KEYS}


@cache
def load_authorities() -> dict[str, Authority]:
    """Return every built-in supervisory authority, keyed by id."""
    result: dict[str, Authority] = {}
    for raw in read_catalog("authorities.yaml")["authorities"]:
        where = f"authority {raw.get('id')!r}"
        authority = Authority(**_entry_data(raw, _AUTHORITY_KEYS, _AUTHORITY_CHANGEABLE, where))
        result[authority.id] = authority
    return result


@cache
def change_dates() -> tuple[datetime.date, ...]:
    """Every date on which a catalog entry begins, ends or changes (pending changes have
    none), sorted: between two of them, every entry reads the same."""
    dates: set[datetime.date] = set()
    for law in load_laws().values():
        for right in law.rights:
            dates.update(d for d in (right.valid_from, right.valid_until) if d)
            dates.update(c.valid_from for c in right.changes if c.valid_from)
    for authority in load_authorities().values():
        dates.update(c.valid_from for c in authority.changes if c.valid_from)
    return tuple(sorted(dates))


@dataclass(frozen=True)
class Stale:
    """A catalog entry whose verification is missing, old or partial."""

    label: str  # "authority ico", "right uk-gdpr/complain"
    verified_on: datetime.date | None
    unverified: tuple[str, ...]
    source: tuple[str, ...]
    age: int | None  # days since verified_on

    def reason(self) -> str:
        if self.verified_on is None:
            return "not verified against its source (verified_on is null)"
        text = f"last verified {self.verified_on.isoformat()} ({self.age} days ago)"
        return text + (f"; not verified then: {', '.join(self.unverified)}"
                       if self.unverified else "")


def stale_entries(law_ids: Iterable[str], authority_ids: Iterable[str],
                  today: datetime.date, max_age: int) -> list[Stale]:
    """Entries of these laws and authorities not verified within ``max_age`` days of
    ``today``, never verified, or verified only in part. A law's rights count unless they
    ended before ``today`` (rights that begin later are published soon: they count)."""
    entries: list[tuple[str, Right | Authority]] = []
    laws, authorities = load_laws(), load_authorities()
    for law_id in sorted(set(law_ids)):
        if law_id in laws:
            entries.extend((f"right {law_id}/{right.id}", right)
                           for right in laws[law_id].rights
                           if right.valid_until is None or right.valid_until > today)
    entries.extend((f"authority {a}", authorities[a]) for a in sorted(set(authority_ids))
                   if a in authorities)
    result = []
    for label, entry in entries:
        age = (today - entry.verified_on).days if entry.verified_on else None
        if age is None or age > max_age or entry.unverified:
            result.append(Stale(label, entry.verified_on, entry.unverified, entry.source, age))
    return result


@cache
def _law_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for law in load_laws().values():
        for name in (law.id, law.short_name, *law.aliases):
            key = _normalise(name)
            if index.setdefault(key, law.id) != law.id:
                raise ValueError(f"law name {name!r} is used by {index[key]!r} and {law.id!r}")
    return index


def resolve_law(name: str) -> str | None:
    """Map a law id, short name or alias (any case; ``_`` or space for ``-``) to its id."""
    return _law_index().get(_normalise(name))


def known_law_ids() -> tuple[str, ...]:
    """Ids of the built-in laws, for messages such as "accepted: ccpa, fadp, ..."."""
    return tuple(load_laws())
