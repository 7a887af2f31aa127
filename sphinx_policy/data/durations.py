"""ISO 8601 durations (P2Y, PT30M) for cookie expiry and retention, rendered for people."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..locale import _, ngettext

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
# Something that looks like an attempt at a duration or a bare number, and so must parse.
_LOOKS_LIKE_DURATION = re.compile(r"^(P\S*|[-+]?\d+(\.\d+)?)$", re.IGNORECASE)
# A number and one word: meant as a duration ("2 yeras"), unlike a sentence.
_NUMBER_AND_WORD = re.compile(r"^(\d+)\s*([^\W\d_]+)\.?$")

UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")

# Plain English durations, as people and cookie databases write them.
_UNITS = {
    "year": "Y", "years": "Y", "yr": "Y", "yrs": "Y", "y": "Y",
    "month": "M", "months": "M", "mo": "M", "mos": "M",
    "week": "W", "weeks": "W", "wk": "W", "wks": "W", "w": "W",
    "day": "D", "days": "D", "d": "D",
    "hour": "H", "hours": "H", "hr": "H", "hrs": "H", "h": "H",
    "minute": "m", "minutes": "m", "min": "m", "mins": "m",
    "second": "S", "seconds": "S", "sec": "S", "secs": "S", "s": "S",
}
_PART = re.compile(r"(\d+)\s*([a-z]+)")
_SEPARATORS = re.compile(r"^(?:\s|,|and|&|\+)*$")
_SESSION = {"session", "session cookie", "browser session", "end of session",
            "end of browser session", "until the browser is closed", "when the browser closes"}


def plain_duration(text: str) -> str | None:
    """A duration written in plain English, as our syntax: "1 Year" → P1Y, "13 months" →
    P13M, "1 year 6 months" → P1Y6M, "30 minutes" → PT30M, "Session" → session; None for
    anything else."""
    value = " ".join(text.split())
    lowered = value.lower().rstrip(".")
    if lowered in _SESSION:
        return "session"
    if lowered in ("persistent", "permanent"):
        return "persistent"
    parts = _PART.findall(lowered)
    rest = _PART.sub("", lowered)
    if not parts or not _SEPARATORS.match(rest):
        return None
    amounts: dict[str, int] = {}
    for number, unit in parts:
        code = _UNITS.get(unit)
        if code is None or code in amounts:
            return None
        amounts[code] = int(number)
    if not any(amounts.values()):
        return None  # "0 seconds": no duration to show
    date = "".join(f"{amounts[c]}{c}" for c in "YMWD" if amounts.get(c))
    time = "".join(f"{amounts[c]}{c.upper()}" for c in "HmS" if amounts.get(c))
    return "P" + date + (f"T{time}" if time else "")


def _unit_label(unit: str, n: int) -> str:
    # ngettext: the plural form for n in the project's language (Afrikaans, French and
    # Portuguese count differently from English at 0 and 1).
    labels = {
        "years": lambda: ngettext("%d year", "%d years", n),
        "months": lambda: ngettext("%d month", "%d months", n),
        "weeks": lambda: ngettext("%d week", "%d weeks", n),
        "days": lambda: ngettext("%d day", "%d days", n),
        "hours": lambda: ngettext("%d hour", "%d hours", n),
        "minutes": lambda: ngettext("%d minute", "%d minutes", n),
        "seconds": lambda: ngettext("%d second", "%d seconds", n),
    }
    return labels[unit]() % n


@dataclass(frozen=True)
class Duration:
    """A parsed expiry or retention: an ISO duration, a keyword, or free text."""

    kind: str  # "duration", "session", "persistent" or "text"
    parts: tuple[tuple[str, int], ...] = ()
    text: str = ""

    def render(self) -> str:
        if self.kind == "session":
            return str(_("Session"))
        if self.kind == "persistent":
            return str(_("Persistent"))
        if self.kind == "text":
            return self.text
        labels = [_unit_label(unit, n) for unit, n in self.parts]
        if len(labels) == 1:
            return labels[0]
        return str(_("%(first)s and %(last)s")) % {
            "first": ", ".join(labels[:-1]),
            "last": labels[-1],
        }

    @property
    def iso(self) -> str | None:
        if self.kind != "duration":
            return None
        date = "".join(f"{n}{u[0].upper()}" for u, n in self.parts if u in UNITS[:4])
        time = "".join(f"{n}{u[0].upper()}" for u, n in self.parts if u in UNITS[4:])
        return "P" + date + (f"T{time}" if time else "")


class DurationError(ValueError):
    pass


def parse_duration(value: str) -> Duration:
    """Parse an expiry/retention value; raise DurationError for a malformed duration.

    ``"P2Y"`` → 2 years; ``"session"``; ``"persistent"``; anything with words in it is kept
    as free text. A value that looks like a duration but is not one (``"P2X"``,
    ``"365"``) is an error rather than silently shown as text.
    """
    stripped = value.strip()
    if stripped.lower() in ("session", "browser session", "end of session"):
        return Duration("session")
    if stripped.lower() == "persistent":
        return Duration("persistent")
    match = _DURATION.match(stripped.upper()) if stripped[:1] in "Pp" else None
    if match:
        parts = tuple((u, int(n)) for u in UNITS if (n := match.group(u)) and int(n) > 0)
        if not parts:
            raise DurationError(f"{value!r} is a duration of zero length")
        return Duration("duration", parts)
    if _LOOKS_LIKE_DURATION.match(stripped):
        raise DurationError(
            f"{value!r} is not an ISO 8601 duration; write e.g. P2Y (2 years), P30D (30 days), "
            "PT8H (8 hours) or PT30M (30 minutes), 'session', 'persistent', or a sentence"
        )
    plain = plain_duration(stripped)
    if plain is not None:  # "24 months": shown, and translated, as P24M would be
        return parse_duration(plain)
    match = _NUMBER_AND_WORD.match(stripped)
    if match:  # "2 yeras", "6 mnths": a number and a word that is no unit
        words = [u for u in UNITS] if match.group(1) != "1" else [u[:-1] for u in UNITS]
        close = difflib.get_close_matches(match.group(2).lower(), words, n=1, cutoff=0.6)
        hint = f" (did you mean '{match.group(1)} {close[0]}'?)" if close else ""
        raise DurationError(
            f"{value!r} looks like a duration but {match.group(2)!r} is not a unit of time"
            f"{hint}; write e.g. P2Y or '2 years', P6M or '6 months', PT30M or '30 minutes', "
            "'session', 'persistent', or a sentence"
        )
    return Duration("text", text=stripped)
