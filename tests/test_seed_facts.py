"""Each example policy carries every fact of the seed policy it was written from, from
data: the facts listed in ``docs/examples/<name>/seed-facts.yaml`` live in the example's
``policy.yaml`` (or the built-in catalogs), the page shows each as often as the list
says (once, unless a fact is rightly shown in two places), and none is typed in the
page's Markdown."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from policy_testing import main, soup_of, text, warnings
from sphinx.testing.util import SphinxTestApp

from sphinx_policy.directives.fact import lookup

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/seed-facts.yaml"))
SEEDS = Path("/work/shared/seeds")
CONF = """
project = "Examples"
extensions = ["myst_parser", "sphinx_policy"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
exclude_patterns = ["_build"]
policy_git = False
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("seed-facts")


@pytest.fixture
def examples(built: Path, make_app: Callable[..., SphinxTestApp]) -> SphinxTestApp:
    src = built / "src"
    if not src.exists():
        shutil.copytree(EXAMPLES, src / "examples")
        (src / "conf.py").write_text(CONF, "utf-8")
        (src / "index.md").write_text("# Examples\n\n```{toctree}\nexamples/index\n```\n")
    app = make_app("html", srcdir=src)
    app.build()
    return app


def rendered_text(soup: BeautifulSoup) -> str:
    """The page as read, without the listing of its data file at the end."""
    body = main(soup)
    for listing in body.select("div.highlight, div.literal-block-wrapper"):
        listing.decompose()
    return text(body)


def expected_texts(fact: dict[str, Any], policy: dict[str, Any]) -> list[str]:
    if "shown" in fact:
        shown = fact["shown"]
        return shown if isinstance(shown, list) else [str(shown)]
    value, _ = lookup(policy, fact["path"])
    assert value is not None, f"{fact['path']} is not in policy.yaml"
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def test_every_example_lists_the_facts_of_its_seed() -> None:
    assert NAMES == ["fynbos-digital", "karoo-cyber-works", "medway-alarm-services"]
    for name in NAMES:
        listed = yaml.safe_load((EXAMPLES / name / "seed-facts.yaml").read_text("utf-8"))
        assert listed["facts"], f"{name}: no facts listed"
        if SEEDS.is_dir():  # the seeds live beside the repository while it is developed
            assert any(p.name.startswith(listed["seed"]) for p in SEEDS.iterdir())


@pytest.mark.parametrize("name", NAMES)
def test_each_seed_fact_is_rendered_from_data(examples: SphinxTestApp, name: str) -> None:
    assert "WARNING" not in warnings(examples)
    folder = EXAMPLES / name
    listed = yaml.safe_load((folder / "seed-facts.yaml").read_text("utf-8"))
    policy = yaml.safe_load((folder / "policy.yaml").read_text("utf-8"))
    # What the page's author typed: the Markdown without its {policy} roles (whose paths
    # may hold a value, such as a cookie's name).
    source = re.sub(r"\{policy\}`[^`]*`", "", (folder / "index.md").read_text("utf-8"))
    soup = soup_of(examples, f"examples/{name}/index")
    page = rendered_text(soup)
    links = [a.get("href") for a in main(soup).select("a")]
    problems = []
    for fact in listed["facts"]:
        value, _ = lookup(policy, fact["path"])
        if value is None and not fact["path"].startswith(("laws.", "authorities.")):
            problems.append(f"{fact['path']}: not in policy.yaml")
            continue
        for expected in expected_texts(fact, policy):
            times = fact.get("times", 1)
            found = links.count(expected) if fact.get("link") else page.count(expected)
            if found != times:
                problems.append(f"{fact['path']}: {expected!r} shown {found} times, not {times}")
        values = value if isinstance(value, list) else [value]
        if "shown" in fact:  # a value rendered in other words: look for those
            values = expected_texts(fact, policy)
        for typed in (str(v) for v in values if isinstance(v, str | int)):
            if typed in source:
                problems.append(f"{fact['path']}: {typed!r} is typed in index.md")
    assert not problems, "\n".join(problems)
