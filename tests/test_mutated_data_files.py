"""The docs' own extension, the docs and an ``init`` site survive mutated YAML files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from policy_testing import (
    assert_no_traceback,
    build_site,
    policy_warnings,
    write_files,
)

from sphinx_policy.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"


# --------------------------------------------------------------------------- docs, init


def mutations(raw: bytes) -> dict[str, bytes]:
    """The ways a YAML file is broken: each must give warnings, never a traceback."""
    try:
        top = yaml.safe_load(raw)
    except yaml.YAMLError:
        top = None
    keys = list(top) if isinstance(top, dict) else ["facts"]
    return {
        "invalid-utf8": raw[: len(raw) // 2] + b"\xff\xfe\xc3(" + raw[len(raw) // 2:],
        "python-tag": b"hostile: !!python/object/apply:os.system ['echo pwned']\n" + raw,
        "python-tag-section": b"facts: !!python/object:os.system {}\n",
        "wrong-types": "".join(f"{key}: [1, [2], {{x: 3}}]\n" for key in keys).encode(),
        "top-level-list": b"- 1\n- 2\n",
        "truncated": raw[: len(raw) // 3],
        "empty": b"",
    }


MUTATIONS = list(mutations(b"facts: {}\n"))


def test_docs_ext_survives_broken_example_facts(tmp_path: Path) -> None:
    """check_example_facts (builder-inited) on each mutation of seed-facts.yaml and
    policy.yaml."""
    conf = (f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
            + "extensions = ['myst_parser', 'sphinx_policy', 'policy_docs']\n"
            + "policy_git = False\nexclude_patterns = ['_build']\n")
    example = DOCS / "examples" / "fynbos-digital"
    for name in ("seed-facts.yaml", "policy.yaml"):
        for kind, content in mutations((example / name).read_bytes()).items():
            root = tmp_path / f"{name}-{kind}"
            write_files(root, {"conf.py": conf, "index.md": "# Example\n",
                         "examples/x/seed-facts.yaml": (example / "seed-facts.yaml").read_bytes(),
                         "examples/x/policy.yaml": (example / "policy.yaml").read_bytes()})
            (root / "examples" / "x" / name).write_bytes(content)
            app = build_site(root, "dummy")
            assert_no_traceback(app)
            if kind not in ("empty", "truncated"):  # the file, or the facts it no longer has
                assert any("examples/x/" in w for w in policy_warnings(app)), (
                    name, kind, app.warning.getvalue())


def _docs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return target


@pytest.mark.parametrize("shift", range(len(MUTATIONS)))
def test_docs_build_survives_mutated_yaml_files(tmp_path: Path, shift: int) -> None:
    """Every YAML file under docs/ broken at once, each in another way; over the runs each
    file gets every mutation. The build finishes with warnings, never a traceback."""
    docs = _docs_copy(tmp_path)
    files = sorted(p for p in docs.rglob("*.y*ml") if "_build" not in p.parts)
    assert len(files) >= 8
    for index, path in enumerate(files):
        kinds = mutations(path.read_bytes())
        path.write_bytes(kinds[MUTATIONS[(index + shift) % len(MUTATIONS)]])
    app = build_site(docs, "dummy", policy_git=False, policy_archives=False)
    assert_no_traceback(app)
    assert policy_warnings(app)


INIT_DATA = ["_data/organisation.yaml", "_data/cookies.yaml", "_data/processing.yaml"]


@pytest.fixture(scope="module")
def init_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("init") / "site"
    assert main(["init", "-y", str(site)]) == 0
    return site


@pytest.mark.parametrize("kind", MUTATIONS)
@pytest.mark.parametrize("relpath", INIT_DATA)
def test_init_site_survives_mutated_yaml_files(
    init_site: Path, tmp_path: Path, relpath: str, kind: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(init_site, site)
    path = site / relpath
    path.write_bytes(mutations(path.read_bytes())[kind])
    app = build_site(site)
    assert_no_traceback(app)
    assert (Path(app.outdir) / "privacy.html").is_file()
    if kind not in ("empty", "truncated"):  # a truncated file may be only its comments
        assert any(relpath in w for w in policy_warnings(app)), app.warning.getvalue()


def test_no_yaml_loader_outside_the_data_layer() -> None:
    """Data and page option blocks go through parse_data (its limits); the only other
    loads are of the package's own catalogs and of page front matter (read by MyST)."""
    package = Path(__file__).resolve().parent.parent / "sphinx_policy"
    loads = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if "yaml.safe_load(" in path.read_text("utf-8") or "yaml.load(" in path.read_text("utf-8")
    )
    assert loads == ["catalogs/__init__.py", "history/dates.py"], loads

