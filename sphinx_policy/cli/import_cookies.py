"""``sphinx-policy import-cookies CSV``: cookies from an Open Cookie Database CSV.

The Open Cookie Database (github.com/jkwakman/Open-Cookie-Database) publishes one row
per cookie with the columns::

    ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,
    Data Controller,User Privacy & GDPR Rights Portals,Wildcard match

Each row becomes an entry of ``cookies:`` in the data model: the category mapped to ours,
the retention period turned into an ISO 8601 duration where it can be ("1 year" → P1Y,
"13 months" → P13M, "session") and kept as written where it cannot, a wildcard
cookie named with ``*`` (``_ga_`` → ``_ga_*``), the data controller as provider with its
privacy portal as ``provider_url``.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import difflib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..data.durations import plain_duration
from .common import EXIT_OK, EXIT_PROBLEMS, Progress, UsageError, shown_path, write_output

NAME = "import-cookies"
HELP = "convert an Open Cookie Database CSV into a cookies data file"
DESCRIPTION = """\
Read a CSV in the Open Cookie Database column layout

  ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,
  Data Controller,User Privacy & GDPR Rights Portals,Wildcard match

and write the cookies as a sphinx-policy data file (YAML, 'cookies:' list).

Categories: Functional -> necessary (the Open Cookie Database's meaning: needed for the
site to work), Preferences/Personalization -> preferences, Analytics -> statistics,
Marketing -> marketing, Security -> security, anything else -> unclassified.
Retention: 'session', '1 year', '13 months', '365 days', '30 minutes', '1 year 6 months'
become ISO 8601 durations (P1Y, P13M, P365D, PT30M, P1Y6M); other text is kept as
written. Review the result: the descriptions are the database's, not your own.
Exit code 1 when a row could not be imported (it is reported and left out).
"""

COLUMNS = (
    "ID", "Platform", "Category", "Cookie / Data Key name", "Domain", "Description",
    "Retention period", "Data Controller", "User Privacy & GDPR Rights Portals",
    "Wildcard match",
)
REQUIRED = ("Category", "Cookie / Data Key name", "Retention period")

#: Open Cookie Database categories -> ours. Others go through our aliases.
CATEGORIES = {
    "functional": "necessary",
    "preferences": "preferences",
    "personalization": "preferences",
    "personalisation": "preferences",
    "analytics": "statistics",
    "marketing": "marketing",
    "security": "security",
}

#: A host name: linear-time (labels cannot overlap the dots between them); at most 253
#: characters, the limit of a host name.
_HOSTNAME = re.compile(r"^\.?(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)
MAX_HOSTNAME = 253
#: The data schema's limit on a cookie name.
MAX_NAME = 256
#: Characters that cannot be written into a data file (the build refuses them): control
#: characters (C0, DEL, C1), unpaired surrogates and the non-characters U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def normalise_retention(text: str) -> str:
    """ "1 Year" → P1Y, "13 months" → P13M, "30 minutes" → PT30M, "Session" → session;
    text that is not a plain duration is returned as written (stripped)."""
    return plain_duration(text) or " ".join(text.split())


def map_category(text: str) -> str:
    from ..data.vocabulary import CATEGORY_ALIASES

    key = " ".join(text.split()).lower()
    return CATEGORIES.get(key) or CATEGORY_ALIASES.get(key) or "unclassified"


@dataclass
class Imported:
    cookies: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rows left out, and why
    notes: list[str] = field(default_factory=list)  # rows imported with a remark


def _safe_url(url: str) -> str | None:
    url = url.strip()
    return url if len(url) <= 2000 and re.match(r"^https?://\S+$", url, re.IGNORECASE) else None


def _clean_row(row: dict[str, str]) -> tuple[dict[str, str], bool]:
    """The row with control characters replaced by spaces (tabs and line breaks too: every
    value is one line); and whether any other control character was there."""
    cleaned, found = {}, False
    for key, value in row.items():
        text = value.replace("\t", " ").replace("\r", " ").replace("\n", " ")
        if _CONTROL.search(text):
            found = True
            text = " ".join(_CONTROL.sub(" ", text).split())
        cleaned[key] = text
    return cleaned, found


def convert(rows: list[dict[str, str]], *, platform: str | None = None,
            source: str = "CSV") -> Imported:
    """Rows of the CSV (header → value) → cookies of the data model."""
    from ..data.durations import DurationError, parse_duration

    result = Imported()
    seen: dict[tuple[str, str | None, str | None], int] = {}
    progress = Progress("importing", len(rows))
    with progress:
        for number, row in enumerate(rows, 2):  # line 1 is the header
            progress.update(number - 1)
            where = f"{source}:{number}"
            row, had_control = _clean_row(row)
            if had_control:
                result.notes.append(f"{where}: control characters removed (a data file "
                                    "cannot hold them)")
            if platform and (row.get("Platform") or "").strip().lower() != platform.lower():
                continue
            name = (row.get("Cookie / Data Key name") or "").strip()
            if not name:
                result.skipped.append(f"{where}: no cookie name; row left out")
                continue
            if len(name) > MAX_NAME:
                result.skipped.append(f"{where}: the cookie name has {len(name):,} characters, "
                                      f"more than the limit of {MAX_NAME}; row left out")
                continue
            if (row.get("Wildcard match") or "").strip() in ("1", "true", "True", "yes") and (
                "*" not in name
            ):
                name += "*"
            cookie: dict[str, Any] = {"name": name}
            controller = (row.get("Data Controller") or "").strip()
            provider = controller or (row.get("Platform") or "").strip()
            if provider:
                cookie["provider"] = provider
                url = _safe_url(row.get("User Privacy & GDPR Rights Portals") or "")
                if url:
                    cookie["provider_url"] = url
            raw_category = (row.get("Category") or "").strip()
            cookie["category"] = map_category(raw_category)
            if raw_category and cookie["category"] == "unclassified" and (
                raw_category.lower() not in ("unclassified", "unknown")
            ):
                result.notes.append(f"{where}: {name}: category {raw_category!r} is not "
                                    "known; written as unclassified")
            description = " ".join((row.get("Description") or "").split())
            if not description:
                description = "(no description in the source)"
                result.notes.append(f"{where}: {name}: no description; write its purpose")
            cookie["purpose"] = description
            retention = (row.get("Retention period") or "").strip()
            expiry = normalise_retention(retention) if retention else ""
            if expiry:
                try:
                    parse_duration(expiry)
                except DurationError:
                    expiry = ""
            if not expiry:
                expiry = "not stated"
                result.notes.append(f"{where}: {name}: retention {retention!r} is not a "
                                    "duration; written as 'not stated'")
            cookie["expiry"] = expiry
            domain = (row.get("Domain") or "").strip()
            if domain and len(domain) <= MAX_HOSTNAME and _HOSTNAME.match(domain):
                cookie["domain"] = domain
            elif domain:
                cookie["notes"] = f"Domain: {domain}"
            # The same name from another provider (two ad networks' "uid") is another cookie.
            key = (name, cookie.get("provider"), cookie.get("domain"))
            if key in seen:
                result.notes.append(f"{where}: {name} repeats row {seen[key]} (same name, "
                                    "provider and domain); left out")
                continue
            seen[key] = number
            result.cookies.append(cookie)
    return result


def decode_csv(raw: bytes, source: str) -> tuple[str, str | None]:
    """The CSV's text and, when it was not UTF-8, a note saying how it was read.

    Spreadsheet programs save CSVs as UTF-8 with a byte-order mark, UTF-16 (with one) or
    in the system's 8-bit code page (Windows-1252, a superset of Latin-1's printable
    characters)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                          (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as err:
                raise UsageError(f"{source} starts with a {encoding.upper()} byte-order mark "
                                 f"but is not {encoding.upper()} text (byte {err.start:,}); "
                                 "save it again as UTF-8") from None
            return text, (None if encoding == "utf-8-sig" else
                          f"{source}: read as {encoding.upper()} (its byte-order mark says so)")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        where = raw[: err.start].count(b"\n") + 1
    try:
        text, encoding = raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # five bytes cp1252 leaves undefined; Latin-1 has them all
        text, encoding = raw.decode("latin-1"), "Latin-1"
    return text, (f"{source}: not UTF-8 (line {where}); read as {encoding}. Check the "
                  "accented letters in the result, or save the CSV as UTF-8")


def read_rows(text: str, source: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise UsageError(
                f"{source} is not in the Open Cookie Database layout: no column "
                f"{', '.join(repr(m) for m in missing)}. Expected: {','.join(COLUMNS)}"
            )
        return [{k: v or "" for k, v in row.items() if k} for row in reader]
    except csv.Error as err:
        raise UsageError(
            f"{source}:{reader.line_num}: this is not a CSV row that can be read ({err}); "
            f"a field may be longer than {csv.field_size_limit():,} characters (an unclosed "
            "quote makes the rest of the file one field) or hold a NUL byte"
        ) from None


def to_yaml(imported: Imported, source: str) -> str:
    from .schema import schema_url

    head = (
        f"# yaml-language-server: $schema={schema_url()}\n"
        f"# Imported by sphinx-policy import-cookies from {source}.\n"
        "# Review every entry: purposes come from the source, not from your site.\n"
    )
    body = yaml.safe_dump({"cookies": imported.cookies}, sort_keys=False, allow_unicode=True,
                          width=88, default_flow_style=False)
    return head + body


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", metavar="CSV", help="the CSV file ('-' for standard input)")
    parser.add_argument("-o", "--output", metavar="OUT.yaml",
                        help="write here instead of to standard output")
    parser.add_argument("--platform", metavar="NAME",
                        help="only the rows of this Platform (e.g. 'Google Analytics')")
    parser.add_argument("-f", "--force", action="store_true",
                        help="overwrite OUT.yaml when it exists")


def run(args: argparse.Namespace) -> int:
    if args.csv == "-":
        raw, source = sys.stdin.buffer.read(), "stdin"
    else:
        path = Path(args.csv)
        if not path.is_file():
            raise UsageError(f"{shown_path(args.csv)}: no such file")
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise UsageError(f"{shown_path(args.csv)}: cannot be read ({err.strerror})") from None
        source = path.name
    text, encoding_note = decode_csv(raw, source)
    if encoding_note:
        print(encoding_note, file=sys.stderr)
    rows = read_rows(text, source)
    if args.platform:
        platforms = sorted({(r.get("Platform") or "").strip() for r in rows} - {""})
        if args.platform.lower() not in {p.lower() for p in platforms}:
            close = difflib.get_close_matches(args.platform, platforms, n=3, cutoff=0.6)
            raise UsageError(
                f"--platform {args.platform!r}: no row of {source} has this platform"
                + (f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ".")
                + f" It lists {len(platforms)} platforms, e.g. "
                + ", ".join(repr(p) for p in platforms[:8])
            )
    imported = convert(rows, platform=args.platform, source=shown_path(str(args.csv)))
    output = to_yaml(imported, source)
    write_output(output, args.output, args.force)
    for line in imported.notes + imported.skipped:
        print(line, file=sys.stderr)
    print(f"sphinx-policy import-cookies: {len(imported.cookies)} cookie(s) imported"
          + (f", {len(imported.skipped)} row(s) left out" if imported.skipped else "")
          + (f" into {args.output}" if args.output else ""), file=sys.stderr)
    return EXIT_PROBLEMS if imported.skipped else EXIT_OK
