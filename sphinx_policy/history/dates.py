"""Instants from git, kept as integers, and their rendering for readers.

An instant is (epoch seconds, UTC offset in seconds): comparing integers is what makes
1999 sort before 2005 (string comparison does not). Rendering happens only at output
time, in ``policy_timezone`` and the project's ``language``.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from functools import lru_cache
from typing import Any, NamedTuple

import yaml
from babel.core import UnknownLocaleError
from babel.dates import format_date as babel_format_date
from sphinx.util.i18n import format_date as sphinx_format_date

from ..git.text import rfc3339


class PageDate(NamedTuple):
    """What the environment stores per page: plain, picklable data.

    ``timestamp``/``offset``/``sha`` describe the newest revision; when the date is
    unknown they are None and ``unknown`` says why ("untracked", "modified",
    "shallow", ...) and ``path`` which file caused it.
    """

    timestamp: int | None
    offset: int | None
    sha: str | None
    unknown: str | None = None
    path: str | None = None

    @property
    def known(self) -> bool:
        return self.timestamp is not None


#: Instants that have a calendar date in every time zone (years 1 to 9999): git records
#: dates far outside it (a clock set to the year 20000, a hand-made commit), or no date at
#: all when it cannot parse the commit's own.
_FIRST_SHOWN = int(dt.datetime(1, 1, 2, tzinfo=dt.UTC).timestamp())
_LAST_SHOWN = int(dt.datetime(9999, 12, 30, tzinfo=dt.UTC).timestamp())


def representable(timestamp: int) -> bool:
    """Whether ``timestamp`` can be shown as a date (else: no date, never a guessed one)."""
    return _FIRST_SHOWN <= timestamp <= _LAST_SHOWN


def to_datetime(timestamp: int, timezone: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=zoneinfo.ZoneInfo(timezone))


def iso(timestamp: int, timezone: str) -> str:
    """RFC 3339 (ISO 8601) to the second with offset: 2026-03-24T00:27:36+00:00.

    RFC 3339 offsets are whole minutes. A zone's offset with seconds (local mean time
    before standard time, e.g. Africa/Monrovia's -00:44:30 until 1972) would give
    ``-00:44:30``, which Atom, JSON Schema and browsers refuse: such an instant is
    written in UTC instead, the same instant in a valid form.
    """
    moment = to_datetime(timestamp, timezone)
    offset = moment.utcoffset()
    if offset is not None and offset % dt.timedelta(minutes=1):
        moment = moment.astimezone(dt.UTC)
    return rfc3339(moment)


# Memoised: a changelog shows the same dates on every page and in every archived version
# (thousands of calls, a few hundred distinct dates), and formatting one costs ~0.1 ms.
@lru_cache(maxsize=8192)
def format_for_readers(timestamp: int, timezone: str, fmt: str | None, language: str | None) -> str:
    """The date as readers see it. ``fmt`` is ``html_last_updated_fmt`` (strftime codes,
    localized by Sphinx); without one, the locale's long date ("24. März 2026")."""
    moment = to_datetime(timestamp, timezone)
    locale = (language or "en").replace("-", "_")
    # A language Babel does not know falls back to English. Babel before 2.14 raises
    # OSError (its missing data file) for a tag such as "en@x".
    unknown = (ValueError, LookupError, UnknownLocaleError, OSError)
    if fmt:
        try:
            return sphinx_format_date(fmt, date=moment, language=locale)
        except unknown:
            return sphinx_format_date(fmt, date=moment, language="en")
    try:
        return babel_format_date(moment.date(), format="long", locale=locale)
    except unknown:
        return babel_format_date(moment.date(), format="long", locale="en")


def effective_date_problem(metadata: dict[str, Any]) -> str | None:
    """The message for a front-matter effective date that is not a date, or None."""
    value = effective_date(metadata)
    if not isinstance(value, str):
        return None
    return (f"front matter policy.effective = {value!r} is not a date; write YYYY-MM-DD, "
            "e.g. 2025-05-01")


def front_matter_block(text: str) -> str | None:
    """The YAML between a Markdown page's opening ``---`` and the next ``---`` line, or
    None when the page has no front matter."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    return None if end is None else "\n".join(lines[1:end])


def front_matter_problem(text: str) -> tuple[int, str] | None:
    """(line, message) when a Markdown page's front matter is not valid YAML, which MyST
    drops whole (with only "Malformed YAML"): say why, so a bad date is found."""
    block = front_matter_block(text)
    if block is None:
        return None
    try:
        yaml.safe_load(block)
    except (yaml.YAMLError, ValueError) as err:  # ValueError: a date such as 2024-13-01
        mark = getattr(err, "problem_mark", None)
        return (mark.line + 2 if mark is not None else 1,
                f"the front matter is not valid YAML ({' '.join(str(err).split())}); the "
                "build ignores all of it. Write dates as YYYY-MM-DD and quote text with a "
                "colon")
    return None


def effective_date(metadata: dict[str, Any]) -> dt.date | str | None:
    """The effective date from front matter ``policy: {effective: YYYY-MM-DD}``.

    Returns the date, None when absent, or the offending text when it is not a date.
    MyST stores nested front matter as a JSON string; both forms are accepted.
    """
    policy = metadata.get("policy")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    if not isinstance(policy, dict) or "effective" not in policy:
        return None
    value = policy["effective"]
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
