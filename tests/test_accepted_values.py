"""The accepted values are listed in the Markdown source of the data-model reference
(readable on GitHub and in an editor), generated from the code and never stale."""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx_policy.catalogs import load_laws
from sphinx_policy.data.validate import schema

DOCS_EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext"
sys.path.insert(0, str(DOCS_EXT))

import accepted_values  # noqa: E402  (docs/_ext is not a package)


def block() -> str:
    found = accepted_values.current(accepted_values.PAGE.read_text("utf-8"))
    assert found is not None, "the accepted-values markers are missing from data-model.md"
    return found


def test_the_block_in_the_source_is_up_to_date() -> None:
    assert block() == accepted_values.generate(), (
        "run python docs/_ext/accepted_values.py to regenerate the accepted values")


def test_every_value_of_every_fixed_list_is_in_the_source() -> None:
    text = block()
    defs = schema()["$defs"]
    enums = {
        "category": defs["cookie"]["properties"]["category"]["enum"],
        "storage": defs["cookie"]["properties"]["storage"]["enum"],
        "party": defs["cookie"]["properties"]["party"]["enum"],
        "officer role": defs["officer"]["properties"]["role"]["enum"],
        "recipient role": defs["recipient"]["properties"]["role"]["enum"],
        "lawful basis": defs["activity"]["properties"]["lawful_basis"]["oneOf"][0]["enum"],
        "practice": defs["not_done"]["properties"]["practice"]["enum"],
    }
    for what, values in enums.items():
        for value in values:
            assert f"`{value}`" in text, f"the {what} {value!r} is not listed"
    for law in load_laws().values():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{law.id}` | `"))
        assert [f"`{r.id}`" for r in law.rights] == row.split(" | ")[1].rstrip(" |").split(", ")
        for alias in law.aliases:
            assert f"`{alias}`" in text
