"""Maintain sphinx-policy's own message catalog.

``python -m sphinx_policy.locale.extract`` does three steps:

1. extract: every ``_()``/``ngettext()`` string of the code (babel's Python extractor)
   and the wording of the built-in legal catalogs (``sphinx_policy/catalogs``: the
   rights' titles and descriptions, the laws' regions, the authorities' names, notes and
   the country line of their addresses, including the versions of dated changes, even
   pending ones; citations such as "Art. 15 GDPR" are references and stay as the law
   writes them) into ``sphinx_policy/locale/sphinx_policy.pot``. Catalog text has the
   law's or the authority's id as its context (msgctxt), so that each law gets its own
   statutory terms;
2. update: merge the template into each ``<lang>/LC_MESSAGES/sphinx_policy.po``
   (new strings come in untranslated, vanished ones are dropped);
3. compile: write the ``.mo`` beside each ``.po``.

``--check`` changes nothing and exits 1 when the template is out of date with the code
or a catalog misses a translation (for CI); ``--compile`` only compiles.
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = LOCALE_DIR.parent
DOMAIN = "sphinx_policy"
POT = LOCALE_DIR / f"{DOMAIN}.pot"
#: Languages whose catalogs ship complete.
LANGUAGES = ("af", "de", "fr", "pt_BR")
KEYWORDS = {"_": None, "__": None, "N_": None, "ngettext": (1, 2)}
#: Code whose strings never reach a reader (the command line speaks English).
SKIP_DIRS = ("cli", "locale", "templates")


def _keep_dir(path: str) -> bool:
    parts = Path(path).relative_to(PACKAGE_DIR).parts
    return not parts or parts[0] not in SKIP_DIRS


def catalog_messages() -> Iterator[tuple[str, str, str]]:
    """(msgid, location, context) for the wording of the built-in legal catalogs, exactly
    as the loaders normalise it (so the msgids match what the directives look up)."""
    from ..catalogs import load_authorities, load_laws

    for law in load_laws().values():
        where = f"sphinx_policy/catalogs/laws/{law.id}.yaml"
        yield law.region, where, law.id
        for right in law.rights:
            for version in (right, *(_changed(right, c) for c in right.changes)):
                yield version.title, where, law.id
                yield version.description, where, law.id
    for authority in load_authorities().values():
        where = "sphinx_policy/catalogs/authorities.yaml"
        for version in (authority, *(_changed(authority, c) for c in authority.changes)):
            country = version.address[-1:]  # the country line of the postal address
            for text in (version.name, version.note, version.complaint_note, *country):
                if text:
                    yield text, where, authority.id


def _changed(entry: Any, change: Any) -> Any:
    """``entry`` with one dated change applied (whatever its date, pending ones too)."""
    from dataclasses import replace

    return replace(entry, **dict(change.values))


def extract() -> Catalog:
    from ..version import __version__

    catalog = Catalog(project="sphinx-policy", version=__version__, domain=DOMAIN,
                      msgid_bugs_address="", copyright_holder="sphinx-policy contributors",
                      charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE_DIR, keywords=KEYWORDS, directory_filter=_keep_dir,
    ):
        path = f"sphinx_policy/{Path(filename).as_posix()}"
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    for message, where, context in catalog_messages():
        catalog.add(message, None, [(where, 0)], context=context)
    return catalog


def _po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _write_po(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=88, include_lineno=False, sort_output=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def update(template: Catalog) -> None:
    for language in LANGUAGES:
        path = _po_path(language)
        if path.exists():
            catalog = read(path, language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="sphinx-policy",
                              charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write_po(path, catalog)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    written = []
    for language in LANGUAGES:
        path = _po_path(language)
        if not path.exists():
            continue
        catalog = read(path, language)
        mo = path.with_suffix(".mo")
        mo.write_bytes(compiled(catalog))
        written.append(mo)
    return written


def _ids(catalog: Catalog) -> set[object]:
    """The keys of the messages: (msgid, msgctxt)."""
    return {(message.id, message.context) for message in catalog if message.id}


def untranslated(catalog: Catalog) -> list[str | tuple[str, ...]]:
    """msgids of ``catalog`` that have no (or a fuzzy, or an incomplete plural) translation."""
    missing: list[str | tuple[str, ...]] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else tuple(message.id))
    return missing


def _translations(catalog: Catalog) -> dict[tuple[str | None, object], object]:
    """What a compiled catalog gives at run time: (context, msgid) -> translation.

    The header (msgid "") is left out: it names the tool and version that compiled the
    file, which is not ours to pin.
    """
    found: dict[tuple[str | None, object], object] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        string = message.string
        strings = tuple(string) if isinstance(string, (list, tuple)) else (string,)
        if all(strings):  # plural ids and strings come as lists from a .mo, tuples from a .po
            msgid = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
            context = message.context
            if isinstance(context, bytes):  # Babel < 2.14 reads a .mo's context as bytes
                context = context.decode("utf-8")
            if context is None and isinstance(msgid, str) and "\x04" in msgid:
                context, msgid = msgid.split("\x04", 1)  # Babel < 2.14 leaves it joined
            found[context, msgid] = tuple(strings)
    return found


def mo_matches(po: Catalog, mo_path: Path) -> bool:
    """Whether the ``.mo`` at ``mo_path`` carries exactly the translations of ``po``.

    Compared message by message, not byte by byte: Babel writes its own version into
    the header, so a byte comparison would fail with every new Babel release.
    """
    try:
        with mo_path.open("rb") as handle:
            compiled_catalog = read_mo(handle)
    except (OSError, ValueError, IndexError, struct.error):  # missing, truncated, not a .mo
        return False
    return _translations(compiled_catalog) == _translations(po)


def check() -> list[str]:
    """What is out of step: the template with the code, the catalogs with the template."""
    problems = []
    fresh = extract()
    if not POT.exists():
        return [f"{POT} is missing; run python -m sphinx_policy.locale.extract"]
    if _ids(fresh) != _ids(read(POT)):
        problems.append(f"{POT.name} is out of date with the code; run "
                        "python -m sphinx_policy.locale.extract")
    for language in LANGUAGES:
        path = _po_path(language)
        if not path.exists():
            problems.append(f"{path} is missing")
            continue
        catalog = read(path, language)
        absent = _ids(fresh) - _ids(catalog)
        missing = untranslated(catalog)
        if absent or missing:
            problems.append(f"{language}: {len(absent) + len(missing)} strings untranslated")
        mo = path.with_suffix(".mo")
        if not mo_matches(catalog, mo):
            problems.append(f"{mo} is missing or not compiled from its .po; run with --compile")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_policy.locale.extract",
        description="Extract, update and compile sphinx-policy's message catalog.",
    )
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when anything is out of step")
    parser.add_argument("--compile", action="store_true", help="only compile .po to .mo")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if not args.compile:
        template = extract()
        _write_po(POT, template)
        print(f"{POT}: {len(_ids(template))} messages")
        update(template)
    for mo in compile_all():
        print(f"compiled {mo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
