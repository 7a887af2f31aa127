"""Shared pytest configuration and fixtures.

Sphinx test roots live in ``tests/roots/test-<name>``; git repositories made by a test
are :class:`gitrepo.GitRepo` objects, built with the ``build`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo, pin_git_environment
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def build(make_app: Callable[..., SphinxTestApp],
          monkeypatch: pytest.MonkeyPatch) -> Callable[..., SphinxTestApp]:
    """Build a :class:`GitRepo` (or its folder ``srcdir``) with a fresh testing app; git
    runs with the repo's fixed environment (its HOME, no system config, its TZ)."""

    def _build(repo: GitRepo, buildername: str = "html", srcdir: Path | None = None,
               **kwargs: Any) -> SphinxTestApp:
        pin_git_environment(monkeypatch, repo.env)
        app = make_app(buildername, srcdir=srcdir or repo.path, **kwargs)
        app.build()
        return app

    return _build
