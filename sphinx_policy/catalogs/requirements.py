"""The required disclosures per law: catalog data (``catalogs/disclosures/<law>.yaml``).

Each requirement cites the article that makes it, says what it requires, and names the
*check* that tells whether the data satisfies it (see :mod:`.evaluate`). Loading checks
the files' shape, so a typo in a catalog fails the tests, not a user's build.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from . import read_catalog

#: Checks made on each processing activity: ``activity:<key>``.
ACTIVITY_CHECKS = ("purposes", "lawful_basis", "legitimate_interest", "retention", "required",
                   "consequences", "authorised_by", "data", "source")
#: Checks made once per policy.
POLICY_CHECKS = ("organisation", "organisation-address", "recipients", "transfers",
                 "automated-decisions", "selling", "sensitive", "rights", "complaint",
                 "rights-exercise", "accountable", "last-updated")
#: Conditions (``when``): on an activity; a policy check applies when any activity matches.
CONDITIONS = ("basis:consent", "basis:legitimate-interests", "indirect", "mandatory",
              "statutory", "obliged")
_KEYS = {"id", "citation", "requires", "check", "when", "verified_on", "note"}


@dataclass(frozen=True)
class Requirement:
    law: str
    id: str
    citation: str
    requires: str
    check: str
    when: str | None
    source: str
    verified_on: datetime.date | None = None

    @property
    def key(self) -> str:
        return f"{self.law}:{self.id}"


def _valid_check(check: str) -> bool:
    kind, _, arg = check.partition(":")
    if kind == "activity":
        return arg in ACTIVITY_CHECKS
    if kind == "officer":
        return bool(arg)
    return check in POLICY_CHECKS


@cache
def load_requirements() -> dict[str, tuple[Requirement, ...]]:
    """Every law's requirements, keyed by law id."""
    folder = files("sphinx_policy.catalogs").joinpath("disclosures")
    result: dict[str, tuple[Requirement, ...]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = read_catalog(f"disclosures/{entry.name}")
        law = raw["law"]
        if entry.name != f"{law}.yaml":
            raise ValueError(f"disclosures/{entry.name} declares law {law!r}")
        items = []
        for item in raw["requirements"]:
            unknown = set(item) - _KEYS
            if unknown:
                raise ValueError(f"disclosures/{entry.name}: {item.get('id')!r} has unknown "
                                 f"keys {sorted(unknown)}")
            if not _valid_check(item["check"]):
                raise ValueError(f"disclosures/{entry.name}: {item['id']!r} has the unknown "
                                 f"check {item['check']!r}")
            when = item.get("when")
            if when is not None and when not in CONDITIONS:
                raise ValueError(f"disclosures/{entry.name}: {item['id']!r} has the unknown "
                                 f"condition {when!r}")
            verified = item.get("verified_on")
            if isinstance(verified, str):
                verified = datetime.date.fromisoformat(verified)
            items.append(Requirement(
                law=law, id=item["id"], citation=item["citation"],
                requires=" ".join(str(item["requires"]).split()), check=item["check"],
                when=when, source=raw["source"], verified_on=verified,
            ))
        ids = [r.id for r in items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"disclosures/{entry.name}: a requirement id is used twice")
        result[law] = tuple(items)
    return result


def requirement_ids() -> set[str]:
    """Every id a ``covers`` entry may name: ``<id>`` and ``<law>:<id>``."""
    ids: set[str] = set()
    for law, items in load_requirements().items():
        for item in items:
            ids.update((item.id, f"{law}:{item.id}"))
    return ids
