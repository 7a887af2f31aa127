"""Links of an archived version, rebased from the page to its archived copy."""

from __future__ import annotations

import posixpath

from sphinx.util.osutil import relative_uri


def rebased_uri(uri: str, page_uri: str, archive_uri: str) -> str:
    """``uri``, written relative to the page at ``page_uri``, made relative to its
    archived copy at ``archive_uri`` (links to the same page, absolute links and links
    with a scheme are kept)."""
    if not uri or uri.startswith(("#", "/")) or ":" in uri.split("/", 1)[0]:
        return uri  # same page, absolute, or with a scheme (mailto:, https:)
    path, hash_mark, fragment = uri.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path))
    target = "" if target == "." else target + ("/" if path.endswith("/") else "")
    return relative_uri(archive_uri, target) + hash_mark + fragment
