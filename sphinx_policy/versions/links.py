"""Links of an archived version, rebased from the page to its archived copy."""

from __future__ import annotations

import posixpath
from functools import lru_cache

from sphinx.util.osutil import relative_uri


def rebased_uri(uri: str, page_uri: str, archive_uri: str) -> str:
    """``uri``, written relative to the page at ``page_uri``, made relative to its
    archived copy at ``archive_uri`` (links to the same page, absolute links and links
    with a scheme are kept).

    Every archived version of a page lives in the same folder, and its changelog links
    every earlier revision: the same links are rebased for hundreds of versions, so
    both steps are remembered (the target by the page's folder, the relative address by
    the archived copy's folder, as :func:`from_folder` says)."""
    if not uri or uri.startswith(("#", "/")) or ":" in uri.split("/", 1)[0]:
        return uri  # same page, absolute, or with a scheme (mailto:, https:)
    path, hash_mark, fragment = uri.partition("#")
    target = _joined(posixpath.dirname(page_uri), path)
    base = archive_uri.partition("#")[0]
    if target == base:
        relative = relative_uri(archive_uri, target)
    else:
        relative = from_folder(base[: base.rfind("/") + 1], target)
    return relative + hash_mark + fragment


@lru_cache(maxsize=65536)
def _joined(folder: str, path: str) -> str:
    """The address of ``path`` written relative to a page of ``folder``."""
    target = posixpath.normpath(posixpath.join(folder, path))
    return "" if target == "." else target + ("/" if path.endswith("/") else "")


@lru_cache(maxsize=65536)
def from_folder(folder: str, target: str) -> str:
    """``relative_uri`` from any page of ``folder`` (its address up to and with the
    last ``/``, or "") other than ``target`` itself.

    Sphinx's ``relative_uri`` reads only the folders of its base, and the base's last
    part only to tell whether base and target are the same address: the name ``\\0``,
    never a page's, stands for every other page of the folder."""
    return relative_uri(folder + "\0", target)
