"""What every subcommand shares: exit codes, usage errors, a progress bar, conf.py."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Wrong arguments: the command prints its usage and exits with 2."""


class Progress:
    """A one-line textual progress bar on stderr, only on a terminal, and only once a step
    has taken longer than ``delay`` seconds (quick steps print nothing).

    ``total=None`` shows a running count instead of a bar (when the size is unknown).
    """

    WIDTH = 28

    def __init__(self, label: str, total: int | None = None, *, stream: TextIO | None = None,
                 enabled: bool | None = None, delay: float = 0.5) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = _isatty(self.stream) and not os.environ.get("CI")
        self.enabled = enabled
        self.delay = delay
        self.started = time.monotonic()
        self.done = 0
        self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, step: int = 1, total: int | None = None) -> None:
        self.update(self.done + step, total)

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        self.stream.write("\r" + self.line())
        self.stream.flush()
        self.shown = True

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        if self.total:
            filled = min(self.WIDTH, self.WIDTH * self.done // max(self.total, 1))
            bar = "#" * filled + "." * (self.WIDTH - filled)
            return f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:.0f}s"
        return f"{self.label} … {self.done} {elapsed:.0f}s"

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * len(self.line()) + "\r")
            self.stream.flush()
            self.shown = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def source_folder(path: str | os.PathLike[str]) -> Path:
    """The documentation folder (the one holding conf.py), or a usage error."""
    folder = Path(path)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    if not (folder / "conf.py").is_file():
        raise UsageError(f"{folder} has no conf.py; give the documentation folder (the one "
                         "sphinx-build is given)")
    return folder.resolve()


def find_source_folder(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds conf.py."""
    for folder in [start, *start.parents]:
        if (folder / "conf.py").is_file():
            return folder
    return None


def shown_path(path: str) -> str:
    """A path for messages: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if Path(path).is_absolute() and Path(path).resolve(
        ).is_relative_to(Path.cwd().resolve()) else path
    except (OSError, ValueError):
        return path


def write_output(text: str, output: str | None, force: bool) -> None:
    """``text`` to the file ``output`` (never over an existing file without ``--force``),
    or to standard output when no file is given."""
    if not output:
        sys.stdout.write(text)
        return
    out = Path(output)
    if out.exists() and not force:
        raise UsageError(f"{out} exists; use --force to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


def read_config(confdir: Path) -> Any:
    """conf.py executed as Sphinx executes it, with the ``policy_*`` settings registered
    (their defaults apply when conf.py does not set them)."""
    import dataclasses

    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    from ..config import PolicyConfig, _default

    try:
        config = Config.read(confdir, overrides={}, tags=Tags())
    except ConfigError as err:
        raise UsageError(str(err)) from None
    for f in dataclasses.fields(PolicyConfig):
        config.add(f"policy_{f.name}", _default(f), "env", ())
    return config
