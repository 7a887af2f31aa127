"""Text and times as git gives them, made safe and uniform for readers."""

from __future__ import annotations

import datetime as _dt
import functools
import re

# --------------------------------------------------------------------------- text from git

# What commit messages may carry that no reader should get: C0 controls, DEL, C1 controls
# and the two XML non-characters (an EPUB or feed holding one is not XML). A whole escape
# sequence (CSI such as ESC[31m, OSC such as ESC]0;title BEL, or ESC and one byte) goes
# with its ESC, so no "[31m" is left behind. Every repetition is bounded and nothing is
# nested: linear in the length of the text, whatever it holds.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"  # CSI: colours, cursor movement
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,2048}(?:\x07|\x1b\\|\x9c)?"  # OSC: window title, links
    r"|\x1b[ -~]?"  # any other escape: ESC and the byte after it
)
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")  # keeps \t and \n


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` from git without control characters: the one place where commit text
    (subjects, trailers, messages) is cleaned, before any builder or the command line
    sees it. A single line (``multiline=False``) keeps no tab or newline: a tab becomes a
    space, as does a line break a trailer value could hold; a message keeps both."""
    if _CONTROL_LINE.search(text) is None:  # the usual case
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    if multiline:
        return _CONTROL_TEXT.sub("", text.replace("\r\n", "\n"))
    return _CONTROL_LINE.sub("", text.replace("\t", " ").replace("\n", " ")).strip()


@functools.lru_cache(maxsize=64)
def offset_zone(offset: int) -> _dt.tzinfo:
    # git accepts offsets such as +2500 that datetime cannot represent: fall back to UTC.
    if -86400 < offset < 86400:
        return _dt.timezone(_dt.timedelta(seconds=offset))
    return _dt.UTC


def rfc3339(moment: _dt.datetime) -> str:
    """The one timestamp form sphinx-policy writes: ``2026-03-24T00:27:36+00:00``.

    RFC 3339 to the second, with a numeric offset (``+00:00`` for UTC, never ``Z``), built
    by hand so that pages, the manifest and the feed do not change with the Python
    version. ``moment`` must be aware and its offset whole minutes.
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a timestamp needs a time zone")
    minutes, seconds = divmod(int(offset.total_seconds()), 60)
    if seconds:
        raise ValueError("RFC 3339 offsets are whole minutes")
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    # Fields one by one: strftime's %Y does not pad years before 1000 on every platform.
    m = moment
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
            f"{sign}{hours:02d}:{minutes:02d}")
