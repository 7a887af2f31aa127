"""The project's own documentation builds with every builder (it is also the largest
fixture: three example policies rendered from data)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sphinx_policy.cli.schema import SCHEMAS, schema_text

DOCS = Path(__file__).resolve().parent.parent / "docs"
BUILDERS = ["html", "dirhtml", "singlehtml", "latex", "epub", "text", "man", "gettext"]


@pytest.mark.parametrize("buildername", BUILDERS)
def test_docs_build_without_warnings(make_app, tmp_path: Path, buildername: str) -> None:
    app = make_app(
        buildername,
        srcdir=DOCS,
        builddir=tmp_path / "build",
        confoverrides={
            "html_theme": "alabaster",
            "suppress_warnings": [
                "policy.uncommitted",
                "policy.shallow",
                "epub.unknown_project_files",
                "policy.git",
            ],
        },
    )
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert warnings == "", warnings
    assert app.statuscode == 0
    outputs = [p for p in Path(app.outdir).rglob("*") if p.is_file()]
    assert outputs


def test_schemas_are_published_where_their_id_points(make_app, tmp_path: Path) -> None:
    """Editors fetch the data schema from its ``$id``: the docs publish it there."""
    app = make_app("html", srcdir=DOCS, builddir=tmp_path / "build",
                   confoverrides={"html_theme": "alabaster", "policy_git": False,
                                  "policy_archives": False})
    app.build()
    for package, folder, name in SCHEMAS:
        text = schema_text(package, folder, name)
        schema_id = json.loads(text)["$id"]
        assert schema_id == app.config.html_baseurl + "schemas/" + name
        assert (Path(app.outdir) / "schemas" / name).read_text("utf-8") == text
