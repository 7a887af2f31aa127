"""One namespace for every warning sphinx-policy emits.

All warnings have type ``policy`` and one of the subtypes below, so users can
silence exactly one class with ``suppress_warnings = ["policy.git"]``.
The table in ``docs/reference/warnings.md`` lists the same subtypes; keep both in step.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("sphinx_policy")

WARNING_TYPE = "policy"


class Subtype(StrEnum):
    CONFIG = "config"  # a policy_* setting in conf.py has the wrong type or value
    DATA = "data"  # a data file or directive body breaks the data schema
    SYNTAX = "syntax"  # a data file cannot be parsed (YAML, TOML or JSON syntax error)
    FILE = "file"  # a data file is missing, unreadable, too large or outside the project
    REFERENCE = "reference"  # an id that is not defined (recipient, office, officer, law, fact)
    OPTION = "option"  # a directive or role option has a value that is not accepted
    GIT = "git"  # git is missing, the folder is not a repository, or git refused it
    SHALLOW = "shallow"  # the clone is too shallow to know a page's date
    UNCOMMITTED = "uncommitted"  # a page or its data is untracked or has uncommitted changes
    TRANSLATION = "translation"  # a translated page is older than its original
    COMPLETENESS = "completeness"  # a policy page lacks a disclosure one of its laws requires
    NOTICE = "notice"  # a material change takes effect too soon after it was published


def warn(subtype: Subtype | str, message: str, location: Any = None, **kwargs: Any) -> None:
    """Emit a ``policy.<subtype>`` warning at ``location`` (node, docname, or (path, line))."""
    logger.warning(message, type=WARNING_TYPE, subtype=str(subtype), location=location, **kwargs)
