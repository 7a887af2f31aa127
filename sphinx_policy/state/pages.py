"""Which pages are policy pages: the ones with revisions, archives and disclosure checks."""

from __future__ import annotations

import fnmatch
import json
from typing import TYPE_CHECKING

from .domain import settings

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


def is_policy(env: BuildEnvironment, docname: str) -> bool:
    """A policy page: its docname matches ``policy_pages``, or its front matter has a
    ``policy:`` key that is not false (MyST stores nested front matter as JSON text)."""
    if any(fnmatch.fnmatchcase(docname, pattern) for pattern in settings(env).pages):
        return True
    metadata = env.metadata.get(docname, {})
    if "policy" not in metadata:
        return False
    policy = metadata["policy"]
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return policy.strip().lower() not in ("", "false", "no", "off", "0")
    return policy is not False and policy is not None
