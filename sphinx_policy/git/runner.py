"""Running git: pinned configuration, a clean environment, streamed output."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from .errors import GitError, GitUnavailable

# Config a user may have that would change the output we parse.
SAFE_CONFIG: tuple[str, ...] = (
    "-c", "core.quotepath=off",
    "-c", "log.showSignature=false",  # signature lines would be mixed into the output
    "-c", "log.showRoot=true",  # the root commit must show its files as added
    "-c", "i18n.logOutputEncoding=UTF-8",
)  # fmt: skip

# Variables that would point git at another repository or index than ``root``
# (they are set, for example, while git runs a hook that calls sphinx-build).
_LOCATION_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
)



def git_environment(env: Mapping[str, str] | None) -> dict[str, str]:
    result = dict(os.environ if env is None else env)
    for name in _LOCATION_VARS:
        result.pop(name, None)
    result["LC_ALL"] = "C"  # we recognise some error messages by their English text
    result["GIT_OPTIONAL_LOCKS"] = "0"  # status must not take index.lock from a user's git
    result["GIT_TERMINAL_PROMPT"] = "0"
    return result


def no_git(git: str, exc: OSError) -> GitUnavailable:
    return GitUnavailable(
        "no-git",
        f"git executable {git!r} not found or not runnable ({exc.strerror or exc}). "
        "Install git, or put it on PATH, to get revision dates.",
    )


def run_captured(
    git: str, args: Sequence[str], cwd: Path, env: Mapping[str, str], input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        if input is not None:
            return subprocess.run([git, *args], cwd=os.fspath(cwd), env=env, input=input,
                                  capture_output=True, check=False)
        return subprocess.run(
            [git, *args],
            cwd=os.fspath(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise no_git(git, exc) from exc


def run_git(root: Path | str, args: Sequence[str],
            git: str = "git") -> subprocess.CompletedProcess[bytes]:
    """One more git command in ``root``, with the same pinned configuration and cleaned
    environment as the index's own (for the rare question the one log pass cannot
    answer). Raises :class:`GitUnavailable` when git cannot run."""
    return run_captured(git, [*SAFE_CONFIG, *args], Path(root), git_environment(None))


def start_streaming(
    git: str, args: Sequence[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Like :func:`run_captured`, but returns at once; ``communicate()`` collects the output."""
    try:
        return subprocess.Popen(
            [git, *args],
            cwd=os.fspath(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise no_git(git, exc) from exc


def classify_failure(stderr: str, where: Path) -> GitUnavailable | None:
    """Map git's complaint about a location to a GitUnavailable with a fix."""
    if "dubious ownership" in stderr:
        match = re.search(r"repository at '([^']*)'", stderr)
        repo = match.group(1) if match else os.fspath(where)
        return GitUnavailable(
            "dubious-ownership",
            f'git refuses to read {repo}: it is owned by another user ("detected dubious '
            f'ownership"; common in Docker and CI). Fix: git config --global --add '
            f"safe.directory {repo}",
            path=Path(repo),
        )
    if "not a git repository" in stderr or "must be run in a work tree" in stderr:
        return GitUnavailable(
            "not-a-repository",
            f"{where} is not inside a git work tree, so there are no revision dates. "
            "Build from a git clone (git init / git clone), not from an export or archive.",
            path=where,
        )
    return None


def checked_output(proc: subprocess.CompletedProcess[bytes], git: str, where: Path) -> bytes:
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise classify_failure(stderr, where) or GitError(
            [git, *proc.args[1:]], proc.returncode, stderr
        )
    return proc.stdout


def decode_path(raw: bytes) -> str:
    # surrogateescape keeps non-UTF-8 names round-trippable to the file system.
    return raw.decode("utf-8", "surrogateescape")


PIPE_SIZE = 1 << 20


def grow_pipe(fd: int) -> None:
    """Make the pipe from git hold up to :data:`PIPE_SIZE` bytes, where the OS allows.

    git and the parser run side by side; with the default 64 KiB git blocks whenever the
    parser is not scheduled at once, which on a busy machine happens at every few commits.
    """
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        try:  # the system's limit may be lower (/proc/sys/fs/pipe-max-size)
            with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as handle:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, int(handle.read()))  # type: ignore[attr-defined]
        except (NameError, AttributeError, OSError, ValueError):
            pass


def nul_tokens(stream: IO[bytes], chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """NUL-separated tokens of a stream, read incrementally."""
    rest = b""
    read = getattr(stream, "read1", stream.read)
    while True:
        chunk = read(chunk_size)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest



def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
